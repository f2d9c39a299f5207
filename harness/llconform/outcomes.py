"""Every outcome a cell can have, and what each means: defined here once.

The host run, the matrix, its renderers (Markdown, HTML, JUnit), `compare`
and the pytest view all ask this module; none spells a subset by hand.

Each outcome has exactly one kind:

- PASSING: the kernel did what its ABI and errata promise (xpass: it even
  behaves fixed where it reports an erratum unfixed; worth a look, never a
  failure);
- NOT_APPLICABLE: no verdict is due (skip: the test does not apply; xfail:
  the erratum the kernel reports unfixed shows, as it must; unverified: the
  probe cell of a kernel for which no expectation was given, or only a
  series-level guess of its errata: nothing to compare what it reports
  with, said as such and never as a pass);
- KERNEL_FAILURES: the kernel deviates (or the suite is wrong): fail,
  timeout, crashed, tainted;
- INFRASTRUCTURE: our side failed, no verdict on the kernel: broken (the
  test's own setup failed).
"""
from __future__ import annotations

from typing import Literal

PASS = "pass"
FAIL = "fail"
SKIP = "skip"
XFAIL = "xfail"
XPASS = "xpass"
BROKEN = "broken"
TIMEOUT = "timeout"
CRASHED = "crashed"
TAINTED = "tainted"
UNVERIFIED = "unverified"

# Table order (Markdown and HTML columns, counts).
ALL: tuple[str, ...] = (PASS, FAIL, SKIP, XFAIL, XPASS, BROKEN, TIMEOUT, CRASHED, TAINTED,
                        UNVERIFIED)
# What a program's KTAP can say by itself; `tainted` comes from the console,
# `unverified` from the driver's probe cell.
KTAP: tuple[str, ...] = tuple(o for o in ALL if o not in (TAINTED, UNVERIFIED))

PASSING = frozenset({PASS, XPASS})
NOT_APPLICABLE = frozenset({SKIP, XFAIL, UNVERIFIED})
KERNEL_FAILURES = frozenset({FAIL, TIMEOUT, CRASHED, TAINTED})
INFRASTRUCTURE = frozenset({BROKEN})
# Everything a run accepts: the complement of the two failure sets.
ACCEPTED = PASSING | NOT_APPLICABLE
# Accepted, but worth a look: the kernel behaves better than it says (xpass),
# or nothing could check what it says (unverified).
WORTH_A_LOOK = frozenset({XPASS, UNVERIFIED})
# Worst first: what a summary of several cells shows.
SEVERITY: tuple[str, ...] = (CRASHED, TAINTED, TIMEOUT, FAIL, BROKEN, XPASS, UNVERIFIED,
                             XFAIL, SKIP, PASS)
# A taint while a program ran turns these into `tainted`; a failure stays
# what it was (it says more than the taint).
TAINTABLE = PASSING | {XFAIL}

Kind = Literal["passing", "not_applicable", "kernel_failure", "infrastructure"]


def kind(outcome: str) -> Kind:
    """The one kind of `outcome` (ValueError for an unknown one)."""
    if outcome in PASSING:
        return "passing"
    if outcome in NOT_APPLICABLE:
        return "not_applicable"
    if outcome in KERNEL_FAILURES:
        return "kernel_failure"
    if outcome in INFRASTRUCTURE:
        return "infrastructure"
    raise ValueError(f"unknown outcome {outcome!r}")


def accepted(outcome: str) -> bool:
    """Nothing to report: the cell neither fails nor breaks the run."""
    return kind(outcome) in ("passing", "not_applicable")


def status(outcomes: list[str] | set[str] | frozenset[str]) -> int:
    """The exit status of a set of outcomes: 1 when the kernel deviates
    somewhere, else 2 when our side failed somewhere, else 0."""
    kinds = {kind(o) for o in outcomes}
    if "kernel_failure" in kinds:
        return 1
    return 2 if "infrastructure" in kinds else 0
