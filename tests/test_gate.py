"""The CI gate (`./llconform compare REFERENCE NEW`) on fabricated matrices:
new failures, crashes and broken cells fail it, known deviations and
unchanged cells do not (issue 12 items 4 and 13)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from llconform import compare, findings
from llconform.matrix import Cell, KernelRow, document

REPO = Path(__file__).resolve().parents[1]
TFO = "abi4_net_tcp::tcp.ipv4.fastopen_sendto_checked_as_connect"
TFO_REASON = "; ".join([
    "suites/abi4_net_tcp.c:532:fastopen_sendto_checked_as_connect:Expected -1 (-1) == ret (1)",
    "suites/abi4_net_tcp.c:533:fastopen_sendto_checked_as_connect:CONNECT_TCP bypass: "
    "sendto(MSG_FASTOPEN) to denied port 4661 returned 1 (expected EACCES; fixed in "
    "6.12.118 and 7.2, no erratum bit)"])
OTHER = "abi1_fs::global.read_denied"
BUILDS = {"debian-6.16": ("6.16.12-1~bpo13+1", "6.16.12+deb13-cloud-amd64"),
          "debian-7.3": ("7.3.4-1~bpo13+1", "7.3.4+deb13-cloud-amd64"),
          "host": (None, "6.1.0-99-azure")}


def matrix(cells: dict[str, dict[str, tuple[str, str]]]) -> dict[str, Any]:
    rows = []
    for name, tests in cells.items():
        version, uname = BUILDS[name]
        row = KernelRow(name=name, package_version=version, uname=uname)
        row.cells = {t: Cell(o, r) for t, (o, r) in tests.items()}
        rows.append(row)
    return document(rows, {"abi4_net_tcp": [TFO.split("::")[1]],
                           "abi1_fs": [OTHER.split("::")[1]]}, "b", "v")


# The reference: 6.16 has the known deviation, everything else passes.
REFERENCE = {"debian-6.16": {TFO: ("fail", TFO_REASON), OTHER: ("pass", "")},
             "debian-7.3": {TFO: ("pass", ""), OTHER: ("pass", "")},
             "host": {TFO: ("pass", ""), OTHER: ("pass", "")}}


def with_cell(kernel: str, test: str, outcome: str, reason: str = "why"
              ) -> dict[str, dict[str, tuple[str, str]]]:
    cells = {k: dict(c) for k, c in REFERENCE.items()}
    cells[kernel][test] = (outcome, reason)
    return cells


def run_gate(tmp_path: Path, new: dict[str, Any], *options: str
             ) -> tuple[int, str]:
    """`./llconform compare` as CI runs it: (exit status, stdout)."""
    (tmp_path / "ref.json").write_text(json.dumps(matrix(REFERENCE)))
    (tmp_path / "new.json").write_text(json.dumps(new))
    proc = subprocess.run([str(REPO / "llconform"), "compare", str(tmp_path / "ref.json"),
                           str(tmp_path / "new.json"), *options],
                          capture_output=True, text=True, cwd="/", check=False)
    return proc.returncode, proc.stdout


def test_unchanged_matrix_with_its_known_deviation_passes(tmp_path: Path) -> None:
    status, out = run_gate(tmp_path, matrix(REFERENCE))
    assert status == 0, out
    assert "0 regressions" in out


@pytest.mark.parametrize("outcome", ["fail", "crashed", "timeout", "tainted", "broken"])
def test_pass_to_any_unaccepted_outcome_fails_the_gate(tmp_path: Path, outcome: str) -> None:
    # Before: only pass -> fail/timeout/crashed/tainted counted; pass ->
    # broken (a setup that Landlock denied) went through.
    status, out = run_gate(tmp_path, matrix(with_cell("debian-7.3", OTHER, outcome)))
    assert status == 1, out
    assert f"REGRESSION: debian-7.3::{OTHER}: pass -> {outcome}: why" in out


def test_known_deviation_appearing_where_observed_does_not_fail(tmp_path: Path) -> None:
    # The known deviation in a reference that had it passing (e.g. a newer
    # test): excused only because findings.toml names it on this build.
    ref_less = with_cell("debian-6.16", TFO, "pass", "")
    (tmp_path / "ref.json").write_text(json.dumps(matrix(ref_less)))
    gate = compare.gate(matrix(ref_less), matrix(REFERENCE), findings.load())
    assert not gate.failed
    assert gate.known == [("debian-6.16", TFO, "fail", "tfo-connect-bypass")]


def test_known_test_failing_elsewhere_or_otherwise_fails(tmp_path: Path) -> None:
    # Same test, a build where it was never observed.
    status, out = run_gate(tmp_path, matrix(with_cell("debian-7.3", TFO, "fail", TFO_REASON)))
    assert status == 1 and "REGRESSION: debian-7.3::" in out
    # Same build, another assertion of the same test.
    other = ("suites/abi4_net_tcp.c:546:fastopen_sendto_checked_as_connect:"
             "Expected 1 (1) == sendto(...) (-1)")
    status, out = run_gate(tmp_path, matrix(with_cell("debian-6.16", TFO, "fail", other)))
    assert status == 1
    assert f"REGRESSION: debian-6.16::{TFO}: fail -> fail: no longer the known deviation" in out
    # The known deviation turning into a crash is a regression.
    status, out = run_gate(tmp_path, matrix(with_cell("debian-6.16", TFO, "crashed")))
    assert status == 1 and f"REGRESSION: debian-6.16::{TFO}: fail -> crashed" in out


def test_kernel_not_run_fails_and_excluded_kernel_does_not(tmp_path: Path) -> None:
    fewer = {k: v for k, v in REFERENCE.items() if k != "debian-7.3"}
    status, out = run_gate(tmp_path, matrix(fewer))
    assert status == 1 and "REGRESSION: debian-7.3: in" in out
    host_fails = matrix(with_cell("host", OTHER, "fail"))
    assert run_gate(tmp_path, host_fails)[0] == 1
    status, out = run_gate(tmp_path, host_fails, "--exclude", "host")
    assert status == 0 and "not gated: host" in out


def test_improvements_do_not_fail(tmp_path: Path) -> None:
    status, out = run_gate(tmp_path, matrix(with_cell("debian-6.16", TFO, "pass", "")))
    assert status == 0 and f"changed: debian-6.16::{TFO}: fail -> pass" in out


def test_not_a_matrix_is_our_side(tmp_path: Path) -> None:
    (tmp_path / "junk.json").write_text("{}")
    proc = subprocess.run([str(REPO / "llconform"), "compare", str(tmp_path / "junk.json"),
                           str(tmp_path / "junk.json")], capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 2
