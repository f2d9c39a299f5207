"""The cells that changed between two matrices, new failures first."""
from __future__ import annotations

from typing import Any

from . import outcomes


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
    return now in outcomes.KERNEL_FAILURES and was not in outcomes.KERNEL_FAILURES
