"""The cells that changed between two matrices, new failures first, and the
gate a CI runs against its committed reference matrix.

A regression is a cell that became an outcome a run does not accept (a
kernel failure: fail, timeout, crashed, tainted; or our side's: broken)
from anything else: pass -> broken and pass -> crashed count as much as
pass -> fail.  A `fail` that findings.toml explains (its assertions, on a
build where it was observed) is a known deviation, reported, never a
regression.  A kernel of the reference that did not run is a regression of
the run's coverage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import findings, outcomes

ABSENT = "absent"


def changes(old: dict[str, Any], new: dict[str, Any]
            ) -> list[tuple[str, str, str, str, str]]:
    """(kernel, test, old outcome, new outcome, new reason), regressions
    first, then the rest in kernel and test order."""
    found = []
    for kernel, cells in new["cells"].items():
        before = old["cells"].get(kernel, {})
        for test, cell in cells.items():
            was = before.get(test, {}).get("outcome", ABSENT)
            if was != cell["outcome"]:
                found.append((kernel, test, was, cell["outcome"],
                              cell["reason"]))
        for test in before.keys() - cells.keys():
            found.append((kernel, test, before[test]["outcome"], ABSENT,
                          ""))
    for kernel in old["cells"].keys() - new["cells"].keys():
        found.append((kernel, "*", "present", ABSENT, "kernel not run"))
    return sorted(found, key=lambda c: (not is_regression(c[2], c[3]),
                                        c[0], c[1]))


def is_new_failure(was: str, now: str) -> bool:
    """The kernel deviates where it did not (a kernel failure from anything
    else)."""
    return now in outcomes.KERNEL_FAILURES and was not in outcomes.KERNEL_FAILURES


def is_regression(was: str, now: str) -> bool:
    """The cell became an outcome a run does not accept, or another such
    outcome than it had (fail -> crashed, fail -> broken)."""
    return now != was and now not in (ABSENT, "present") and not outcomes.accepted(now)


@dataclass
class Gate:
    """What the gate found: regressions fail it, the rest is reported."""

    regressions: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    known: list[tuple[str, str, str, str]] = field(default_factory=list)  # + finding id
    missing: list[str] = field(default_factory=list)  # kernels of the reference not run
    ignored: list[str] = field(default_factory=list)  # kernels excluded from the gate
    changed: list[tuple[str, str, str, str, str]] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.missing)


def gate(reference: dict[str, Any], new: dict[str, Any],
         known: list[findings.Finding], exclude: set[str] | None = None) -> Gate:
    """`new` against `reference`: every regression not explained by a known
    deviation, every kernel of the reference that did not run.

    A cell that keeps its unaccepted outcome is a regression too when the
    reference's was a known deviation and the new one is not (the same test
    now fails on another assertion)."""
    exclude = exclude or set()
    kernels = {k["name"]: k for k in new["kernels"]}
    old_kernels = {k["name"]: k for k in reference["kernels"]}
    result = Gate(ignored=sorted(exclude & (kernels.keys() | reference["cells"].keys())))
    found = changes(reference, new)
    for kernel, cells in new["cells"].items():
        before = reference["cells"].get(kernel, {})
        for test, cell in cells.items():
            was = before.get(test)
            if (was is None or was["outcome"] != cell["outcome"]
                    or outcomes.accepted(cell["outcome"])):
                continue
            if (findings.known(known, old_kernels[kernel], test, was)
                    and not findings.known(known, kernels[kernel], test, cell)):
                found.append((kernel, test, was["outcome"], cell["outcome"],
                              "no longer the known deviation: " + cell["reason"]))
    for change in found:
        kernel, test, was, now, reason = change
        if kernel in exclude:
            continue
        if test == "*":
            result.missing.append(kernel)
            continue
        if was == now:
            result.regressions.append(change)
            continue
        if not is_regression(was, now):
            result.changed.append(change)
            continue
        finding = findings.known(known, kernels[kernel], test, new["cells"][kernel][test])
        if finding:
            result.known.append((kernel, test, now, finding.id))
        else:
            result.regressions.append(change)
    return result
