"""The matrix's items: one per (kernel, program, test), see pytest_matrix.

How each outcome shows in pytest, by its kind (outcomes.kind): passing
passes, skip skips, xfail is an xfail, a kernel failure fails, and our
side's failure (broken) is an error of the item's setup.
"""
from __future__ import annotations

import pytest

from . import outcomes
from .matrix import Cell
from .pytest_matrix import MatrixRun


def in_setup(found: Cell, where: str = "") -> None:
    """Our side's failure ends the item in its setup: pytest says ERROR."""
    if outcomes.kind(found.outcome) == "infrastructure":
        pytest.fail(f"{found.outcome.upper()}: {found.reason}{where}", pytrace=False)


def in_call(found: Cell, where: str = "") -> None:
    """The verdict: pass, skip, xfail or fail."""
    kind = outcomes.kind(found.outcome)
    if kind == "passing":
        return
    if found.outcome in (outcomes.SKIP, outcomes.UNVERIFIED):
        pytest.skip(f"{found.outcome}: {found.reason}")
    if found.outcome == outcomes.XFAIL:
        pytest.xfail(found.reason)
    assert kind == "kernel_failure", found.outcome
    pytest.fail(f"{found.outcome.upper()}: {found.reason}{where}", pytrace=False)


def _where(matrix: MatrixRun, kernel: str, program: str) -> str:
    row = matrix.rows[kernel]
    where = f" (log: {row.logs[program]})" if program in row.logs else ""
    problem = f"\n{row.problem}" if row.problem else ""
    return where + problem


@pytest.fixture
def found(cell: tuple[str, str, str], matrix: MatrixRun) -> Cell:
    kernel, program, test = cell
    result = matrix.cell(kernel, f"{program}::{test}")
    in_setup(result, _where(matrix, kernel, program))
    return result


def test_cell(cell: tuple[str, str, str], found: Cell, matrix: MatrixRun) -> None:
    kernel, program, _ = cell
    in_call(found, _where(matrix, kernel, program))
