"""pytest plugin: the matrix as one item per (kernel, program, test).

    python3 -m pytest -s -p llconform.pytest_matrix \
        harness/llconform/matrix_cells.py --kernels 'debian-7.*'

Each selected kernel boots once (all its items come from that one guest
run), the guests run in parallel in the background, and an item waits only
for its own kernel.  `-k`, `-x`, `--lf` select items as usual; only the
kernels and programs of the selected items are run.  The session's exit
status is the matrix's: 0 nothing failed, 1 a test failed, 2 only the
infrastructure failed.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from . import kernels, render, report, run_matrix
from .matrix import PROBE_CELL, Cell, KernelRow, exit_status
from .rows import NEEDS_CELL

KEY = pytest.StashKey["MatrixRun"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("llconform")
    group.addoption("--kernels", action="append", default=[],
                    help="catalogue names, globs, comma lists, 'default'")
    group.addoption("--build", default="build", help="the build folder")
    group.addoption("--results", default="results",
                    help="results/<timestamp>/ and results/latest go here")
    group.addoption("--shard", help="I/N: a stable slice of the kernels")
    group.addoption("--jobs", type=int, default=os.cpu_count() or 1,
                    help="guests at a time (default: number of cores)")
    group.addoption("--vm-arg", action="append", default=[],
                    help="an option for 'python3 -m vm boot'")


class MatrixRun:
    """The background run that every item of one kernel waits for."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.build = Path(config.getoption("build"))
        names = kernels.select(config.getoption("kernels") or ["default"])
        shard = config.getoption("shard")
        self.names = kernels.shard(names, shard) if shard else names
        self.tests = run_matrix.program_tests(self.build)
        self.rows: dict[str, KernelRow] = {}
        self.done = {name: threading.Event() for name in self.names}
        self.doc: dict[str, Any] | None = None
        self.error: BaseException | None = None
        self.thread: threading.Thread | None = None
        self.run_dir: Path | None = None

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
        def work() -> None:
            try:
                _, self.doc = run_matrix.run(
                    names, self.build, Path(self.config.getoption("results")),
                    self.config.getoption("jobs"),
                    self.config.getoption("vm_arg"), only=programs,
                    on_row=self.arrived, run_dir=self.run_dir)
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
        config.stash[KEY] = MatrixRun(config)
    except (kernels.SelectionError, SystemExit) as err:
        pytest.exit(f"llconform: error: {err}", returncode=2)
    try:
        config.stash[KEY].run_dir = report.new_run_dir(
            Path(config.getoption("results")))
    except SystemExit as err:
        pytest.exit(str(err), returncode=2)


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
        session.exitstatus = exit_status(run.doc)
    elif run.error is not None:
        session.exitstatus = 2
