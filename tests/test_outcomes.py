"""One definition of the outcomes: every view of a cell (exit status,
Markdown, HTML, JUnit, compare, pytest) agrees on what each outcome is."""
from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest

from llconform import compare, outcomes, render
from llconform.matrix import Cell, KernelRow, document, exit_status
from llconform.matrix_cells import in_call, in_setup

TEST = "prog::global.t"


def doc_with(outcome: str) -> dict[str, Any]:
    row = KernelRow(name="k", uname="9.9.9", probed={"status": "enabled", "abi": 9})
    row.logs["prog"] = "k/prog.ktap"
    row.cells[TEST] = Cell(outcome, f"why {outcome}")
    return document([row], {"prog": ["global.t"]}, "build", "v")


def pytest_view(outcome: str) -> str:
    """What pytest reports for the item: passed, skipped, xfailed, failed, error."""
    cell = Cell(outcome, "why")
    try:
        in_setup(cell)
    except pytest.fail.Exception:
        return "error"
    try:
        in_call(cell)
    except pytest.skip.Exception:
        return "skipped"
    except pytest.xfail.Exception:
        return "xfailed"
    except pytest.fail.Exception:
        return "failed"
    return "passed"


def junit_view(doc: dict[str, Any]) -> str:
    case = ET.fromstring(render.junit(doc)).find("testsuite/testcase")
    assert case is not None
    for tag, view in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        if case.find(tag) is not None:
            return view
    return "passed"


# What each kind must look like in every view.
EXPECTED: dict[str, dict[str, Any]] = {
    "passing": {"status": 0, "listed": False, "linked": False, "junit": "passed",
                "pytest": {"passed"}, "new_failure": False, "regression": False},
    "not_applicable": {"status": 0, "listed": False, "linked": False, "junit": "skipped",
                       "pytest": {"skipped", "xfailed"}, "new_failure": False,
                       "regression": False},
    "kernel_failure": {"status": 1, "listed": True, "linked": True, "junit": "failed",
                       "pytest": {"failed"}, "new_failure": True, "regression": True},
    "infrastructure": {"status": 2, "listed": True, "linked": True, "junit": "error",
                       "pytest": {"error"}, "new_failure": False, "regression": True},
}


def test_every_outcome_has_exactly_one_kind() -> None:
    kinds = [outcomes.PASSING, outcomes.NOT_APPLICABLE, outcomes.KERNEL_FAILURES,
             outcomes.INFRASTRUCTURE]
    for o in outcomes.ALL:
        assert sum(o in k for k in kinds) == 1, o
    assert set(outcomes.KTAP) | {outcomes.TAINTED, outcomes.UNVERIFIED} == set(outcomes.ALL)


@pytest.mark.parametrize("outcome", outcomes.ALL)
def test_every_view_agrees(outcome: str) -> None:
    want = EXPECTED[outcomes.kind(outcome)]
    doc = doc_with(outcome)
    assert exit_status(doc) == want["status"]
    listed = any(TEST in line for line in render.not_passing_lines(doc))
    assert listed == want["listed"]
    md = render.markdown(doc)
    assert (f"`k::{TEST}` {outcome}" in md) == want["listed"]
    html = render.page(doc)
    assert f"<td class={outcome} " in html
    assert ("href='k/prog.ktap'" in html) == want["linked"]
    assert junit_view(doc) == want["junit"]
    assert pytest_view(outcome) in want["pytest"]
    assert compare.is_new_failure(outcomes.PASS, outcome) == want["new_failure"]
    assert compare.is_regression(outcomes.PASS, outcome) == want["regression"]
    changed = compare.changes(doc_with(outcomes.PASS), doc)
    assert [c[3] for c in changed] == ([] if outcome == outcomes.PASS else [outcome])


def test_xpass_passes_in_every_view() -> None:
    doc = doc_with(outcomes.XPASS)
    assert exit_status(doc) == 0 and render.not_passing_lines(doc) == []
    assert junit_view(doc) == "passed" and pytest_view(outcomes.XPASS) == "passed"
    assert "xpass: why xpass" in render.junit(doc)  # noted, not hidden


def test_severity_ranks_every_outcome_once() -> None:
    assert sorted(outcomes.SEVERITY) == sorted(outcomes.ALL)
    assert outcomes.WORTH_A_LOOK <= outcomes.ACCEPTED


def test_no_view_spells_a_set_of_outcomes_by_hand() -> None:
    """Two outcome names as string literals on one line (other than a
    name -> symbol/colour table) is a subset spelled by hand."""
    import re
    from pathlib import Path
    names = "|".join(outcomes.ALL)
    literal = re.compile(rf"[\"']({names})[\"'](?!\s*:)")
    driver = Path(outcomes.__file__).parent
    found = [f"{p.name}:{n}: {line.strip()}" for p in sorted(driver.rglob("*.py"))
             if p.name != "outcomes.py"
             for n, line in enumerate(p.read_text().splitlines(), 1)
             if len(set(literal.findall(re.sub(r"[\"']\w+[\"']: [\"'][^\"']*[\"']", "", line))))
             >= 2]
    assert found == []
