"""One host runner: `./llconform host` (make check) and the matrix's host
row are one run function with the same request, timeouts and judging; the
last probed status lands in the results folder, where `list` reads it."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from vm.api import PROGRAM_TIMEOUT

from llconform import cli, results, run_matrix
from llconform.matrix import KernelRow, document


def captured(monkeypatch: pytest.MonkeyPatch) -> list[run_matrix.MatrixRequest]:
    requests: list[run_matrix.MatrixRequest] = []

    def run(request: run_matrix.MatrixRequest, on_row: Any = None) -> tuple[Path, dict[str, Any]]:
        requests.append(request)
        return Path("."), document([], {}, "b", "v")
    monkeypatch.setattr(run_matrix, "run", run)
    return requests


def test_host_command_is_the_matrix_run_of_host_rows(monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    requests = captured(monkeypatch)
    assert cli.main(["host", "--as-root", "--as-user", "nobody", "--out", str(tmp_path)]) == 0
    assert cli.main(["matrix", "--kernels", "host,host@nobody"]) == 0
    host, matrix = requests
    assert host.kernels == matrix.kernels == ["host", "host@nobody"]
    assert host.boot == matrix.boot  # same timeouts, same init, same everything
    assert host.boot.program_timeout == PROGRAM_TIMEOUT
    assert host.run_dir == tmp_path and not host.record_probed


def test_last_probed_status_is_kept_in_the_results(tmp_path: Path) -> None:
    row = KernelRow(name="debian-6.1", package_version="6.1.192-3",
                    probed={"status": "enabled", "abi": 2, "errata": 0xc})
    off = KernelRow(name="debian-7.3+nolandlock", probed={"status": "disabled"})
    results.record_probed(tmp_path, document([row, off], {}, "b", "v"), tmp_path / "run1")
    known = results.last_probed(tmp_path)
    assert results.last_probed_text(known, "debian-6.1", "6.1.192-3") == "abi 2 errata 0xc"
    on_another_build = results.last_probed_text(known, "debian-6.1", "6.1.193-1")
    assert on_another_build == "abi 2 errata 0xc (on 6.1.192-3)"
    assert results.last_probed_text(known, "debian-7.3+nolandlock", None) == "disabled"
    assert results.last_probed_text(known, "debian-5.10", "5.10.1-1") == "-"


REPO = Path(__file__).resolve().parents[1]


def test_pytest_view_is_the_same_run(tmp_path: Path) -> None:
    """`matrix -- PYTEST_ARGS` runs the same function: the same cells, the
    same exit status (one program on the host row, to stay quick)."""
    def matrix(results: Path, *extra: str) -> tuple[int, dict[str, Any]]:
        proc = subprocess.run(
            [str(REPO / "llconform"), "matrix", "--kernels", "host", "--programs", "base",
             "--build", str(REPO / "build"), "--results", str(results), *extra],
            capture_output=True, text=True, timeout=120, check=False)
        doc = json.loads((results / "latest" / "matrix.json").read_text())
        return proc.returncode, doc["cells"]["host"]

    direct_status, direct = matrix(tmp_path / "direct")
    view_status, view = matrix(tmp_path / "view", "--", "-p", "no:cacheprovider")
    assert view_status == direct_status
    outcomes = {k: c["outcome"] for k, c in direct.items()}
    assert {k: c["outcome"] for k, c in view.items()} == outcomes
