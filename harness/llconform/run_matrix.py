"""The one matrix run: every selected kernel boots once with every suite,
each guest's result becomes a row of cells, the rows one matrix document.

`run(MatrixRequest)` is what `./llconform matrix`, `./llconform host`,
`./llconform sweep` and the pytest view (pytest_matrix) all call.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from vm import cli as vmcli
from vm.api import BootRequest, boot

from . import outcomes, render, results, selection
from .matrix import PROBE_CELL, KernelRow, counts, document, git_describe, suite_build
from .programs import Needs, list_tests, suite_programs
from .verdicts import NEEDS_CELL, row_from_guest

REPO = Path(__file__).resolve().parents[2]


@dataclass
class MatrixRequest:
    """What to run: the kernels, the build, where results go, how to boot."""

    kernels: list[str]  # names as vm resolves them (see selection.select)
    build: Path = Path("build")
    results: Path = Path("results")
    # out, suites, init and programs are filled in by `run`.
    boot: BootRequest = dataclasses.field(default_factory=lambda: BootRequest(out=""))
    programs: set[str] | None = None  # None: every program of build/suites
    run_dir: Path | None = None  # None: a new results/<timestamp>/
    record_probed: bool = True  # remember each kernel's probe in the results folder


def add_arguments(parser: vmcli.Adder) -> None:
    """The options of a matrix run, defined once: `./llconform matrix` and
    the pytest view take exactly these."""
    parser.add_argument(
        "--kernels", action="append", default=[],
        help="catalogue names, globs (debian-7.*), pins, host, host@USER, file:, "
        "src:, +nolandlock, comma lists, or 'default' (the default set)")
    parser.add_argument("--shard", help="I/N: a stable slice of the kernels")
    add_run_arguments(parser)


def add_run_arguments(parser: vmcli.Adder) -> None:
    """The options of any run: build, results, programs, kernels, guests."""
    parser.add_argument("--build", default="build", help="the build folder (default: build)")
    parser.add_argument("--results", default="results",
                        help="results/<timestamp>/ and results/latest go here")
    parser.add_argument("--programs", action="append", default=[],
                        help="only these suite programs (comma lists; default: all)")
    parser.add_argument("--allow-known", action="store_true",
                        help="exit 0 when every failure is a known deviation "
                        "(findings.toml); they stay failures in the reports")
    vmcli.add_kernel_options(parser)
    vmcli.add_guest_options(parser)


def request_from(args: argparse.Namespace, kernels: list[str]) -> MatrixRequest:
    """The request of the options of `add_run_arguments`."""
    programs = {p for item in args.programs for p in item.split(",") if p}
    return MatrixRequest(
        kernels=kernels, build=Path(args.build), results=Path(args.results),
        boot=vmcli.boot_request(args, out="", suites=None),
        programs=programs or None)


def select(patterns: list[str], shard: str | None) -> list[str]:
    """The kernels of a run (selection.SelectionError when none fits)."""
    names = selection.select(patterns or ["default"])
    return selection.shard(names, shard) if shard else names


def program_tests(build: Path) -> dict[str, dict[str, Needs]]:
    """Every program of build/suites with its tests and their needs
    (RuntimeError when there is none, or one cannot list its tests)."""
    return {p.name: list_tests(p) for p in suite_programs(build)}


def progress_line(row: KernelRow) -> str:
    c = counts({k: v.to_json() for k, v in row.cells.items()})
    probed = row.probed or {}
    abi = (f"ABI {probed.get('abi')}" if probed.get("status") == "enabled"
           else f"Landlock {probed.get('status') or '?'}")
    seconds = f"{row.run_seconds:.1f} s" if row.run_seconds else "-"
    passed, failed, skipped = (c.get(o, 0) for o in (outcomes.PASS, outcomes.FAIL, outcomes.SKIP))
    text = (f"{row.name:<26} {abi:<18} {passed:>4} passed {failed:>3} failed "
            f"{skipped:>4} skipped {seconds:>8}")
    shown = (outcomes.PASS, outcomes.FAIL, outcomes.SKIP)  # the columns above
    others = {k: v for k, v in c.items() if k not in shown}
    if others:
        text += "  " + " ".join(f"{v} {k}" for k, v in others.items())
    if row.problem:
        text += f"  [{row.guest}: {row.problem.splitlines()[0]}]"
    return text


def say(text: str) -> None:
    print(f"llconform: {text}", file=sys.stderr, flush=True)


def run(request: MatrixRequest,
        on_row: Callable[[KernelRow], None] | None = None) -> tuple[Path, dict[str, Any]]:
    """Boots the request's kernels and writes the matrix into its run
    folder; `on_row` hears of each kernel as soon as it is done.  Raises
    RuntimeError (no programs) and results.ResultsError (no results folder)."""
    build = request.build
    tests = program_tests(build)
    selected: list[str] | None = None
    if request.programs is not None:
        unknown = request.programs - tests.keys()
        if unknown:
            raise RuntimeError(f"no such program in {build / 'suites'}: "
                               f"{', '.join(sorted(unknown))}")
        tests = {p: t for p, t in tests.items() if p in request.programs}
        selected = sorted(tests)
    run_dir = request.run_dir or results.new_run_dir(request.results)
    run_dir.mkdir(parents=True, exist_ok=True)
    guests = run_dir / "kernels"
    boot_request = dataclasses.replace(
        request.boot, out=str(guests), suites=str(build / "suites"),
        init=request.boot.init or str(build / "guest_init"), programs=selected)
    say(f"{len(request.kernels)} kernel(s), {len(tests)} program(s), "
        f"{boot_request.jobs} at a time; results in {run_dir}")
    rows: dict[str, KernelRow] = {}
    start = time.monotonic()
    for guest in boot(request.kernels, boot_request):
        row = row_from_guest(guest, guests / guest.folder, tests)
        rows[row.name] = row
        say(progress_line(row))
        if on_row:
            on_row(row)
    say(f"{len(rows)} kernel(s) in {time.monotonic() - start:.1f} s")
    ordered = [rows[n] for n in request.kernels if n in rows]
    # Every cell has a row: the catalogue check first, then each program's
    # tests and the check that its skips matched its declared needs.
    probe_program, probe_test = PROBE_CELL.split("::", 1)
    programs = {probe_program: [probe_test]}
    programs.update({p: [*t, NEEDS_CELL] for p, t in tests.items()})
    doc = document(ordered, programs,
                   suite_build([build / "suites" / p for p in tests]),
                   git_describe(REPO))
    render.write_outputs(run_dir, doc)
    if request.record_probed:
        results.record_probed(request.results, doc, run_dir)
    return run_dir, doc
