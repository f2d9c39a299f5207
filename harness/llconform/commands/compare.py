"""The cells that changed between two matrices; with --gate, CI's verdict.

Prints every changed cell, regressions first.  Exit 1 when a cell became a
failure of the kernel (fail, timeout, crashed, tainted) or broken, and no
known deviation (findings.toml: its assertions, on a build where it was
observed) explains it, or when a kernel of the old matrix did not run; 0
otherwise; 2 when an input is not a matrix or findings.toml is malformed.
`--exclude KERNEL` reports a kernel's changes without gating on them (CI's
`host`: the runner's own kernel, not one of the set).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import findings
from ..compare import gate
from ..matrix import MatrixError, load


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the older (reference) matrix.json")
    parser.add_argument("new", type=Path, help="the newer matrix.json")
    parser.add_argument("--exclude", action="append", default=[], metavar="KERNEL",
                        help="report this kernel's changes but never gate on them "
                        "(repeatable)")


def run(args: argparse.Namespace) -> int:
    try:
        old, new = load(args.old), load(args.new)
        known = findings.load()
    except (MatrixError, findings.FindingsError) as err:
        print(f"llconform compare: error: {err}", file=sys.stderr)
        return 2
    found = gate(old, new, known, set(args.exclude))
    for kernel, test, was, now, reason in found.regressions:
        print(f"REGRESSION: {kernel}::{test}: {was} -> {now}"
              f"{': ' + reason if reason else ''}")
    for kernel in found.missing:
        print(f"REGRESSION: {kernel}: in {args.old} but not run")
    for kernel, test, now, finding in found.known:
        print(f"known deviation {finding}: {kernel}::{test}: {now}")
    for kernel, test, was, now, reason in found.changed:
        print(f"changed: {kernel}::{test}: {was} -> {now}"
              f"{': ' + reason if reason else ''}")
    for kernel in found.ignored:
        print(f"not gated: {kernel} (--exclude)")
    print(f"{len(found.regressions)} regressions, {len(found.missing)} kernels not run, "
          f"{len(found.known)} known deviations, {len(found.changed)} other changes")
    return 1 if found.failed else 0
