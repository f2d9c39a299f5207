"""`llconform compare OLD NEW`: the cells that changed, new failures first.

The check a CI runs against its last good matrix: exit 1 when a cell became
a failure, 0 otherwise, 2 when an input is not a matrix.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .matrix import TEST_FAILURES, MatrixError, load


def changes(old: dict[str, Any], new: dict[str, Any]
            ) -> list[tuple[str, str, str, str, str]]:
    """(kernel, test, old outcome, new outcome, new reason), new failures
    first, then the rest in kernel and test order."""
    found = []
    for kernel, cells in new["cells"].items():
        before = old["cells"].get(kernel, {})
        for test, cell in cells.items():
            was = before.get(test, {}).get("outcome", "absent")
            if was != cell["outcome"]:
                found.append((kernel, test, was, cell["outcome"],
                              cell["reason"]))
        for test in before.keys() - cells.keys():
            found.append((kernel, test, before[test]["outcome"], "absent",
                          ""))
    for kernel in old["cells"].keys() - new["cells"].keys():
        found.append((kernel, "*", "present", "absent", "kernel not run"))
    return sorted(found, key=lambda c: (not is_new_failure(c[2], c[3]),
                                        c[0], c[1]))


def is_new_failure(was: str, now: str) -> bool:
    return now in TEST_FAILURES and was not in TEST_FAILURES


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="llconform compare")
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    try:
        old, new = load(args.old), load(args.new)
    except MatrixError as err:
        print(f"llconform compare: error: {err}", file=sys.stderr)
        return 2
    found = changes(old, new)
    for kernel, test, was, now, reason in found:
        mark = "NEW FAILURE" if is_new_failure(was, now) else "changed"
        print(f"{mark}: {kernel}::{test}: {was} -> {now}"
              f"{': ' + reason if reason else ''}")
    new_failures = sum(is_new_failure(c[2], c[3]) for c in found)
    print(f"{len(found)} cells changed, {new_failures} new failures")
    return 1 if new_failures else 0
