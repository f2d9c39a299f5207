"""pytest view of the matrix: one item per (kernel, program, test).

    ./llconform matrix --kernels 'debian-7.*' -- -k abi4 -x

Each selected kernel boots once (all its items come from that one guest
run, `run_matrix.run`: the same function `./llconform matrix` calls), the
guests run in parallel in the background, and an item waits only for its
own kernel.  `-k`, `-x`, `--lf` select items as usual; only the kernels and
programs of the selected items are run.  The session's exit status is the
matrix's: 0 nothing failed, 1 a kernel deviates, 2 our side failed.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from . import render, results, run_matrix, selection
from .matrix import PROBE_CELL, Cell, KernelRow, exit_status
from .verdicts import NEEDS_CELL

KEY = pytest.StashKey["MatrixRun"]()


# Options given by `./llconform matrix` itself (see main), instead of
# pytest's command line.
_preset: argparse.Namespace | None = None
CELLS = Path(__file__).with_name("matrix_cells.py")


def main(args: argparse.Namespace, pytest_args: list[str]) -> int:
    """`./llconform matrix ... -- PYTEST_ARGS`: the run as pytest items."""
    global _preset
    _preset = args
    try:
        return int(pytest.main(
            [str(CELLS), "-s", "-q", "-rN", "--tb=no", "-o",
             f"cache_dir={Path(args.build) / '.pytest_cache'}",
             *pytest_args], plugins=[sys.modules[__name__]]))
    finally:
        _preset = None


class _Options:
    """run_matrix.add_arguments' options as pytest options (long flags only:
    pytest keeps the short ones), remembering their names."""

    def __init__(self, group: Any = None) -> None:
        self.group = group
        self.dests: list[str] = []

    def add_argument(self, *flags: str, **kwargs: Any) -> None:
        longs = [f for f in flags if f.startswith("--")]
        self.dests.append(kwargs.get("dest") or longs[0][2:].replace("-", "_"))
        if self.group is not None:
            self.group.addoption(*longs, **kwargs)


def options(config: pytest.Config) -> argparse.Namespace:
    """The run's options: from `./llconform matrix`, or pytest's own."""
    if _preset is not None:
        return _preset
    names = _Options()
    run_matrix.add_arguments(names)
    return argparse.Namespace(**{d: config.getoption(d) for d in names.dests})


def pytest_addoption(parser: pytest.Parser) -> None:
    if _preset is None:
        run_matrix.add_arguments(_Options(parser.getgroup("llconform")))


class MatrixRun:
    """The background run that every item of one kernel waits for."""

    def __init__(self, config: pytest.Config) -> None:
        self.options = options(config)
        self.names = run_matrix.select(self.options.kernels, self.options.shard)
        self.request = run_matrix.request_from(self.options, self.names)
        self.tests = run_matrix.program_tests(self.request.build)
        if self.request.programs is not None:
            self.tests = {p: t for p, t in self.tests.items() if p in self.request.programs}
        self.rows: dict[str, KernelRow] = {}
        self.done = {name: threading.Event() for name in self.names}
        self.doc: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None

    def cells(self) -> list[tuple[str, str, str]]:
        found = []
        for kernel in self.names:
            program_cell = PROBE_CELL.split("::", 1)
            found.append((kernel, program_cell[0], program_cell[1]))
            for program, tests in self.tests.items():
                found += [(kernel, program, t) for t in tests]
                found.append((kernel, program, NEEDS_CELL))
        return found

    def start(self, names: list[str], programs: set[str]) -> None:
        request = dataclasses.replace(self.request, kernels=names, programs=programs)

        def work() -> None:
            try:
                _, self.doc = run_matrix.run(request, on_row=self.arrived)
            except BaseException as err:  # reported by every waiting item
                self.error = err
            finally:
                for event in self.done.values():
                    event.set()

        self.thread = threading.Thread(target=work, daemon=True)
        self.thread.start()

    def arrived(self, row: KernelRow) -> None:
        self.rows[row.name] = row
        if row.name in self.done:
            self.done[row.name].set()

    def cell(self, kernel: str, key: str) -> Cell:
        self.done[kernel].wait()
        row = self.rows.get(kernel)
        if row is None:
            pytest.fail(f"{kernel} gave no result: {self.error!r}",
                        pytrace=False)
        found = row.cells.get(key)
        if found is None:
            pytest.fail(f"{kernel}: no result for {key}", pytrace=False)
        return found


def pytest_configure(config: pytest.Config) -> None:
    """Bad input ends the session at once with status 2 and says why."""
    try:
        run = MatrixRun(config)
        run.request.run_dir = results.new_run_dir(run.request.results)
    except (selection.SelectionError, RuntimeError, results.ResultsError) as err:
        pytest.exit(f"llconform: error: {err}", returncode=2)
    config.stash[KEY] = run


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "cell" in metafunc.fixturenames:
        cells = metafunc.config.stash[KEY].cells()
        metafunc.parametrize("cell", cells,
                             ids=["::".join(c) for c in cells])


def pytest_collection_finish(session: pytest.Session) -> None:
    run = session.config.stash[KEY]
    chosen = [item.callspec.params["cell"] for item in session.items
              if hasattr(item, "callspec") and "cell" in item.callspec.params]
    names = [n for n in run.names if any(c[0] == n for c in chosen)]
    programs = {c[1] for c in chosen} & set(run.tests)
    for name in set(run.names) - set(names):
        run.done[name].set()
    if names:
        run.start(names, programs or set(run.tests))


@pytest.fixture
def matrix(request: pytest.FixtureRequest) -> MatrixRun:
    return request.config.stash[KEY]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """What did not pass, compactly: a kernel that never ran is one line,
    not one per item (`make matrix` runs pytest with -rN)."""
    run = terminalreporter.config.stash.get(KEY, None)
    if run is None or run.doc is None:
        return
    write = terminalreporter.write_line
    for line in render.not_passing_lines(run.doc):
        write(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    run = session.config.stash.get(KEY, None)
    if run is None or run.thread is None:
        return
    run.thread.join()
    if run.doc is not None and exitstatus in (0, 1):
        session.exitstatus = exit_status(run.doc, run.options.allow_known)
    elif run.error is not None:
        session.exitstatus = 2
