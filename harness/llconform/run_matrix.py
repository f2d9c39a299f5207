"""`llconform matrix`: every suite in every selected kernel, one matrix.

Kernels boot in parallel, once each; a line is printed per kernel as it
finishes; the matrix lands in results/<timestamp>/ (results/latest).
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from vm import cache as vmcache
from vm import cli as vmcli

from . import kernels, render, report
from .matrix import PROBE_CELL, KernelRow, counts, document, git_describe
from .matrix import suite_build
from .programs import Needs, list_tests
from .rows import NEEDS_CELL, row_from_guest

REPO = Path(__file__).resolve().parents[2]


def program_tests(build: Path) -> dict[str, dict[str, Needs]]:
    programs = sorted(p for p in (build / "suites").glob("*")
                      if p.is_file() and os.access(p, os.X_OK))
    if not programs:
        raise SystemExit(f"llconform: error: no suite programs in "
                         f"{build / 'suites'}: run 'make' first")
    return {p.name: list_tests(p) for p in programs}


def probed_text(probed: dict[str, Any]) -> str:
    """What a row's probe found, for `python3 -m vm list`."""
    if probed.get("status") != "enabled":
        return str(probed.get("status"))
    errata = probed.get("errata")
    return (f"abi {probed['abi']} errata "
            f"{'-' if errata is None else hex(errata)}")


def progress_line(row: KernelRow) -> str:
    c = counts({k: v.to_json() for k, v in row.cells.items()})
    probed = row.probed or {}
    abi = (f"ABI {probed.get('abi')}" if probed.get("status") == "enabled"
           else f"Landlock {probed.get('status') or '?'}")
    seconds = f"{row.run_seconds:.1f} s" if row.run_seconds else "-"
    text = (f"{row.name:<26} {abi:<18} {c.get('pass', 0):>4} passed "
            f"{c.get('fail', 0):>3} failed {c.get('skip', 0):>4} skipped "
            f"{seconds:>8}")
    others = {k: v for k, v in c.items() if k not in ("pass", "fail", "skip")}
    if others:
        text += "  " + " ".join(f"{v} {k}" for k, v in others.items())
    if row.problem:
        text += f"  [{row.guest}: {row.problem.splitlines()[0]}]"
    return text


def run(names: list[str], build: Path, results: Path, jobs: int,
        vm_args: list[str], only: set[str] | None = None,
        on_row: Callable[[KernelRow], None] | None = None,
        run_dir: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Boots `names` and writes the matrix into results/<timestamp>/ (or
    `run_dir`); `only` limits the programs, `on_row` hears of each kernel
    as soon as it is done."""
    tests = program_tests(build)
    if only is not None:
        tests = {p: t for p, t in tests.items() if p in only}
        vm_args = [*vm_args, "--programs", ",".join(sorted(tests))]
    if run_dir is None:
        run_dir = report.new_run_dir(results)
    run_dir.mkdir(parents=True, exist_ok=True)
    guests = run_dir / "kernels"
    print(f"llconform: {len(names)} kernel(s), {len(tests)} program(s), "
          f"{jobs} at a time; results in {run_dir}", flush=True)
    args = vmcli.parser().parse_args(
        ["boot", *names, "--suites", str(build / "suites"), "--out",
         str(guests), "--init", str(build / "guest_init"), "-j", str(jobs),
         *vm_args])
    rows: dict[str, KernelRow] = {}
    lock = threading.Lock()

    def done(guest: dict[str, Any]) -> None:
        folder = guests / guest.get("folder", guest["kernel"])
        row = row_from_guest(guest, folder, tests)
        with lock:
            rows[row.name] = row
            print(progress_line(row), flush=True)
            if row.probed:
                vmcache.record_last_result(ctx.cache, row.name,
                                           row.package_version,
                                           probed_text(row.probed))
        if on_row:
            on_row(row)

    ctx = vmcli.Context(args)
    start = time.monotonic()
    vmcli.cmd_boot(ctx, on_done=done)
    print(f"llconform: {len(rows)} kernel(s) in "
          f"{time.monotonic() - start:.1f} s", flush=True)
    ordered = [rows[n] for n in names if n in rows]
    # Every cell has a row: the catalogue check first, then each program's
    # tests and the check that its skips matched its declared needs.
    probe_program, probe_test = PROBE_CELL.split("::", 1)
    programs = {probe_program: [probe_test]}
    programs.update({p: [*t, NEEDS_CELL] for p, t in tests.items()})
    doc = document(ordered, programs,
                   suite_build([build / "suites" / p for p in tests]),
                   git_describe(REPO))
    render.write_outputs(run_dir, doc)
    return run_dir, doc


# The options of a matrix run, defined once: `./llconform matrix` and the
# pytest plugin (pytest_matrix) both take them.  pytest reserves short
# options, so a short flag here is for the command line only.
OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("--kernels",), dict(
        action="append", default=[],
        help="catalogue names, globs (debian-7.*), pins, file:, src:, "
        "+nolandlock, comma lists, or 'default' (the default set)")),
    (("--build",), dict(default="build", help="the build folder")),
    (("--results",), dict(
        default="results",
        help="results/<timestamp>/ and results/latest go here")),
    (("--shard",), dict(help="I/N: a stable slice of the kernels")),
    (("-j", "--jobs"), dict(
        type=int, default=os.cpu_count() or 1,
        help="guests at a time (default: number of cores)")),
    (("--vm-arg",), dict(
        action="append", default=[],
        help="an option of `llconform boot` (e.g. --vm-arg=--offline)")),
]


def select(patterns: list[str], shard: str | None) -> list[str]:
    """The kernels of a run (kernels.SelectionError when none fits)."""
    names = kernels.select(patterns or ["default"])
    return kernels.shard(names, shard) if shard else names
