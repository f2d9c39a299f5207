"""`llconform host`: every suite program on the running kernel."""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

from . import findings, report
from .programs import ProgramRun, list_tests, run_native

BAD = ("fail", "broken", "timeout", "crashed")


def probe(build: Path) -> dict[str, Any]:
    """The kernel's Landlock status, as abi/ reads it (`llabi --json`)."""
    out = subprocess.run([str(build / "llabi"), "--json"], check=True,
                         capture_output=True, text=True).stdout
    found = json.loads(out)["probe"]
    errata = found["errata"]
    return {"release": platform.release(), "status": found["status"],
            "abi": found["abi"],
            "errata": None if errata is None else hex(errata)}


def programs(build: Path) -> list[Path]:
    folder = build / "suites"
    found = sorted(p for p in folder.glob("*")
                   if p.is_file() and os.access(p, os.X_OK))
    if not found:
        raise SystemExit(f"llconform: error: no suite programs in {folder}:"
                         " run 'make' first")
    return found


def summary_line(run: ProgramRun) -> str:
    c = report.counts(run.results)
    parts = ", ".join(f"{n} {o}" for o, n in sorted(c.items()))
    return (f"{run.user:>6} {run.program:<18} {parts or 'no tests'} "
            f"({run.seconds:.2f} s)")


def run(args: argparse.Namespace) -> int:
    users: list[str | None] = [None] if args.as_root or not args.as_user \
        else []
    users += args.as_user
    if os.geteuid() != 0 and (None in users or args.as_user):
        users = [None]  # not root: run as ourselves only
    kernel = probe(args.build)
    print(f"llconform: host kernel {kernel['release']}: Landlock "
          f"{kernel['status']}, ABI {kernel['abi']}, errata "
          f"{kernel['errata']}", flush=True)
    runs: list[ProgramRun] = []
    for program in programs(args.build):
        try:
            tests = list_tests(program)
        except RuntimeError as err:
            print(f"llconform: error: {err}", file=sys.stderr)
            return 2
        for user in users:
            run = run_native(program, user, args.timeout, tests)
            runs.append(run)
            print(summary_line(run), flush=True)
    out = args.out
    if args.results:
        out = report.new_run_dir(args.results)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        report.write(out, runs, kernel)
        print(f"llconform: results in {out}")
    status = 0
    known = findings.load()
    for run in runs:
        for result in run.results:
            if result.outcome not in BAD:
                continue
            test = f"{run.program}::{result.name}"
            finding = findings.known(known, test, kernel["release"])
            why = f": {result.reason}" if result.reason else ""
            if finding and result.outcome == "fail":
                print(f"KNOWN DEVIATION ({finding.id}): {run.user} {test}"
                      f"{why}", file=sys.stderr)
                continue
            status = 1
            print(f"{result.outcome.upper()}: {run.user} {test}{why}",
                  file=sys.stderr)
        for problem in run.problems:
            status = 1
            print(f"PROBLEM: {run.user} {problem}", file=sys.stderr)
    return status
