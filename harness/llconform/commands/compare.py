"""The cells that changed between two matrices, new failures first.

The gate a CI runs against its last good matrix: exit 1 when a cell became
a failure of the kernel, 0 otherwise, 2 when an input is not a matrix.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..compare import changes, is_new_failure
from ..matrix import MatrixError, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the older matrix.json")
    parser.add_argument("new", type=Path, help="the newer matrix.json")


def run(args: argparse.Namespace) -> int:
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
