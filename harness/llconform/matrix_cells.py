"""The matrix's items: one per (kernel, program, test), see pytest_matrix."""
from __future__ import annotations

import pytest

from .pytest_matrix import MatrixRun


def test_cell(cell: tuple[str, str, str], matrix: MatrixRun) -> None:
    kernel, program, test = cell
    found = matrix.cell(kernel, f"{program}::{test}")
    if found.outcome in ("pass", "xpass"):
        return
    if found.outcome == "skip":
        pytest.skip(found.reason)
    if found.outcome == "xfail":
        pytest.xfail(found.reason)
    row = matrix.rows[kernel]
    where = f" (log: {row.logs[program]})" if program in row.logs else ""
    problem = f"\n{row.problem}" if row.problem else ""
    pytest.fail(f"{found.outcome.upper()}: {found.reason}{where}{problem}",
                pytrace=False)
