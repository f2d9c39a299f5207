"""The matrix driver on recorded guest runs: rows, outcomes, reports,
comparison, kernel selection."""
from __future__ import annotations

import copy
import os
import json
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from vm.api import GuestResult
from vm.console import Fault

from llconform import cli, render
from llconform import selection as kernels
from llconform.matrix import (PROBE_CELL, MatrixError, document, exit_status,
                              load)
from llconform.programs import Needs
from llconform.verdicts import NEEDS_CELL, probe_cell, row_from_guest

DATA = Path(__file__).parent / "data"
GUEST = DATA / "guest-debian-6.1"
REPO = Path(__file__).resolve().parents[1]


def recorded() -> tuple[GuestResult, dict[str, dict[str, Needs]]]:
    guest = GuestResult.read(str(GUEST / "guest.json"))
    listing = json.loads((GUEST / "base.list.json").read_text())
    needs = {t["name"]: Needs.from_json(t) for t in listing["tests"]}
    return guest, {"base": needs}


def test_recorded_debian_6_1_row_is_green() -> None:
    guest, tests = recorded()
    row = row_from_guest(guest, GUEST, tests)
    assert row.probed == {"status": "enabled", "abi": 2, "errata": 0xc,
                          "abi_known": 11, "proposed": "none"}
    assert row.cells[PROBE_CELL].outcome == "pass"
    assert row.cells[f"base::{NEEDS_CELL}"].outcome == "pass"
    outcomes = {c.outcome for c in row.cells.values()}
    assert outcomes == {"pass", "skip"}
    skip = row.cells["base::global.restrict_self_checks_flags_before_privileges"]
    assert skip.reason == "needs ABI 11 (restrict_flags_before_eperm), kernel has 2"


def test_probe_mismatch_fails_the_row() -> None:
    guest, tests = recorded()
    guest.expected = dict(guest.expected or {}, abi=6)
    row = row_from_guest(guest, GUEST, tests)
    assert row.cells[PROBE_CELL].outcome == "fail"
    assert "ABI 2, expected 6" in row.cells[PROBE_CELL].reason


def probe_of(expected: dict[str, Any], **probed: Any) -> tuple[str, str]:
    """(outcome, reason) of the recorded 6.1 row's probe cell under
    `expected`, the probe's header changed by `probed`."""
    guest, tests = recorded()
    guest.expected = expected
    row = row_from_guest(guest, GUEST, tests)
    if probed:
        row.probed.update(probed)
        cell = probe_cell(expected, row.probed)
    else:
        cell = row.cells[PROBE_CELL]
    return cell.outcome, cell.reason


ENABLED_6_1 = {"status": "enabled", "abi": 2, "errata": 0xc, "errata_source": "measured",
               "proposed": []}


def test_expected_proposed_feature_rejected_fails_the_probe() -> None:
    """Issue 12 item 1: --expect-proposed no_inherit (or the catalogue's
    patch series) on a kernel that rejects the flag fails the probe cell;
    before, the expectation did not exist and the no_inherit suite's skips
    read as justified."""
    nih = dict(ENABLED_6_1, proposed=["no_inherit"], errata_source="option")
    outcome, reason = probe_of(nih)  # the 6.1 kernel reports proposed=none
    assert outcome == "fail"
    assert "the kernel rejects proposed no_inherit" in reason
    assert probe_of(nih, proposed="no_inherit")[0] == "pass"
    # A kernel that accepts a proposed feature nobody expected differs too.
    outcome, reason = probe_of(ENABLED_6_1, proposed="no_inherit")
    assert outcome == "fail" and "accepts proposed no_inherit, not expected" in reason


def test_every_given_errata_expectation_is_compared() -> None:
    """Issue 12 item 2: an errata expectation given with --expect-errata
    (source "option", with or without --expect-abi) is compared; before,
    only a measured catalogue value was, and without --expect-abi none."""
    assert probe_of(dict(ENABLED_6_1, errata=0xe, errata_source="option"))[0] == "fail"
    only_errata = {"status": None, "abi": None, "errata": 0xe, "errata_source": "option",
                   "proposed": None}
    outcome, reason = probe_of(only_errata)
    assert outcome == "fail" and "errata 0xc, expected 0xe (option)" in reason


def test_missing_expectation_is_unverified_never_pass() -> None:
    """A Debian build the errata table never measured (series-level guess),
    or a kernel without any expectation, says so: `unverified`."""
    guess = dict(ENABLED_6_1, errata_source="series")
    outcome, reason = probe_of(guess)
    assert outcome == "unverified"
    assert "no measured errata for this build (series-level guess 0xc)" in reason
    # The guess differing from the probe is still not a pass.
    assert probe_of(dict(guess, errata=0))[0] == "unverified"
    nothing = {"status": None, "abi": None, "errata": None, "errata_source": None,
               "proposed": None}
    outcome, reason = probe_of(nothing)
    assert outcome == "unverified" and "no expectation given" in reason
    # A difference in what was given still fails, whatever is missing.
    assert probe_of(dict(guess, abi=3))[0] == "fail"


def test_hung_guest_fails_its_items_with_what_happened(tmp_path: Path) -> None:
    guest, tests = recorded()
    guest.status, guest.timeout_level, guest.programs = "timeout", "boot", []
    guest.message = "timeout(boot): no /init within 60 s"
    row = row_from_guest(guest, tmp_path, tests)
    assert row.guest == "timeout-boot"
    assert {c.outcome for c in row.cells.values()} == {"crashed"}
    assert all("no /init" in c.reason for c in row.cells.values())
    doc = document([row], {"base": list(tests["base"])}, "b", "v")
    assert exit_status(doc) == 2


def test_kernel_crash_after_init_is_a_deviation_not_infrastructure() -> None:
    """Issue 12 item 5: the recorded 6.1 guest, its kernel panicking in
    Landlock's ptrace hook while `base` ran (after /init started): the
    program's cells are crashed and the matrix exits 1 (it said 2, our
    side).  The probe cell still judges what the kernel reported."""
    guest, tests = recorded()
    panicked = copy.deepcopy(guest)
    panicked.status, panicked.kernel_failed = "panic", True
    panicked.message = ("kernel panic while base ran: Kernel panic - not syncing: "
                        "Fatal exception in hook_ptrace_access_check")
    panicked.programs = []
    row = row_from_guest(panicked, GUEST, tests)
    assert row.kernel_failed and row.problem
    assert row.cells[PROBE_CELL].outcome == "pass"
    cells = [c for k, c in row.cells.items() if k.startswith("base::") and NEEDS_CELL not in k]
    assert {c.outcome for c in cells} == {"crashed"}
    assert all("hook_ptrace_access_check" in c.reason for c in cells)
    doc = document([row], {"base": list(tests["base"])}, "b", "v")
    assert exit_status(doc) == 1
    assert render.not_passing_lines(doc)[0].startswith("debian-6.1: the kernel failed: ")
    # The same panic before /init started is our side's: 2.
    panicked.kernel_failed = False
    doc = document([row_from_guest(panicked, GUEST, tests)], {"base": list(tests["base"])},
                   "b", "v")
    assert exit_status(doc) == 2


def test_program_timeout_and_taint_keep_their_class() -> None:
    guest, tests = recorded()
    timed = copy.deepcopy(guest)
    timed.programs[0].timeout, timed.programs[0].exit = True, None
    row = row_from_guest(timed, GUEST, tests)
    assert row.cells["base::global.version_query_returns_the_probed_abi"].outcome == "pass"
    tainted = copy.deepcopy(guest)
    tainted.programs[0].tainted = True
    tainted.programs[0].faults = [Fault("warning", 1, "WARNING: at x", "base")]
    row = row_from_guest(tainted, GUEST, tests)
    cell = row.cells["base::global.version_query_returns_the_probed_abi"]
    assert cell.outcome == "tainted" and "WARNING: at x" in cell.reason


def test_truncated_ktap_leaves_crashed_cells(tmp_path: Path) -> None:
    guest, tests = recorded()
    lines = (GUEST / "base.ktap").read_text().splitlines()
    (tmp_path / "base.ktap").write_text("\n".join(lines[:20]) + "\n")
    program = guest.programs[0]
    program.exit, program.signal, program.status = None, 9, "signaled"
    row = row_from_guest(guest, tmp_path, tests)
    crashed = [k for k, c in row.cells.items() if c.outcome == "crashed"]
    assert crashed and all(k.startswith("base::") for k in crashed)


def document_of(tmp_path: Path, name: str, edit: Any = None) -> Path:
    guest, tests = recorded()
    row = row_from_guest(guest, GUEST, tests)
    if edit:
        edit(row)
    doc = document([row], {"base": list(tests["base"])}, "build1", "v")
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return path


def test_matrix_json_round_trips_and_renders(tmp_path: Path) -> None:
    doc = load(document_of(tmp_path, "m.json"))
    assert exit_status(doc) == 0
    md = render.markdown(doc)
    assert "| debian-6.1 | 6.1.192-3 | ABI 2, errata 0xc |" in md
    page = render.page(doc)
    assert page.startswith("<!DOCTYPE html>") and "http" not in page
    suites = ET.fromstring(render.junit(doc))
    case = suites.find("testsuite")
    assert case is not None and case.get("name") == "debian-6.1"
    assert case.get("failures") == "0"


@pytest.mark.parametrize("text, error", [
    ("{", "not JSON"),
    ('{"schema": "other"}', "not a llconform-matrix/1 document"),
    ('{"schema": "llconform-matrix/1", "kernels": [], "programs": {}}',
     "missing 'cells'"),
])
def test_corrupt_matrix_is_named(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(MatrixError, match=error):
        load(path)


def test_compare_puts_new_failures_first(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]
                                         ) -> None:
    def regress(row: Any) -> None:
        cell = row.cells["base::global.version_query_returns_the_probed_abi"]
        cell.outcome, cell.reason = "fail", "Expected 2 got 3"
        row.cells["base::global.add_rule_accepts_the_same_rule_twice"].outcome = "skip"
    old = document_of(tmp_path, "old.json")
    new = document_of(tmp_path, "new.json", regress)
    assert cli.main(["compare", str(old), str(new)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == ("REGRESSION: debian-6.1::base::global."
                      "version_query_returns_the_probed_abi: pass -> fail: Expected 2 got 3")
    assert out[1].startswith("changed: ")
    assert out[-1] == ("1 regressions, 0 kernels not run, 0 known deviations, "
                       "1 other changes")
    assert cli.main(["compare", str(new), str(old)]) == 0


def test_compare_rejects_a_corrupt_matrix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("garbage")
    proc = subprocess.run(
        [str(REPO / "llconform"), "compare", str(bad), str(bad)],
        capture_output=True, text=True, cwd=REPO, env={"PATH": os.defpath},
        check=False)
    assert proc.returncode == 2
    assert "bad.json: not JSON" in proc.stderr


def test_kernel_globs_lists_and_shards() -> None:
    assert kernels.select(["debian-7.*"]) == [
        n for n in kernels.catalogue_names() if n.startswith("debian-7.")]
    chosen = kernels.select(["host,debian-6.1", "host"])
    assert chosen == ["host", "debian-6.1"]
    default = kernels.default_set()
    assert default[-2:] == ["host", "debian-7.3+nolandlock"]
    shards = [kernels.shard(default, f"{i}/3") for i in (1, 2, 3)]
    assert sorted(sum(shards, [])) == sorted(default)
    assert kernels.shard(list(reversed(default)), "2/3") == list(reversed(shards[1]))


@pytest.mark.parametrize("patterns, error", [
    (["debian-9.*"], "matches no kernel"), ([","], "no kernel selected")])
def test_empty_selection_is_an_error(patterns: list[str], error: str) -> None:
    with pytest.raises(kernels.SelectionError, match=error):
        kernels.select(patterns)


def test_merge_joins_shards_and_refuses_other_builds(tmp_path: Path) -> None:
    from llconform.merge import merge

    def rename(row: Any) -> None:
        row.name = "debian-6.1-again"
    first = document_of(tmp_path, "a.json")
    second = document_of(tmp_path, "b.json", rename)
    merged = merge([(first, load(first)), (second, load(second))])
    names = [k["name"] for k in merged["kernels"]]
    assert names == ["debian-6.1", "debian-6.1-again"]
    with pytest.raises(MatrixError, match="two shards"):
        merge([(first, load(first)), (first, load(first))])
    other = json.loads(second.read_text())
    other["suite_build"] = "build2"
    second.write_text(json.dumps(other))
    with pytest.raises(MatrixError, match="differs"):
        merge([(first, load(first)), (second, load(second))])
