"""Smoke test of the whole path: one real Debian kernel (downloaded into the
cache on first use) boots with every suite program, and its matrix row is
what its ABI promises.  Deselect with `-m 'not boot'`."""
from __future__ import annotations

from pathlib import Path

import pytest

from vm.api import BootRequest

from llconform import outcomes, run_matrix
from llconform.matrix import PROBE_CELL, exit_status

BUILD = Path(__file__).resolve().parents[1] / "build"
KERNEL = "debian-6.12"  # ABI 6, errata 0xf, no known deviation


@pytest.mark.boot
def test_every_suite_in_a_debian_guest(tmp_path: Path) -> None:
    _, doc = run_matrix.run(run_matrix.MatrixRequest(
        [KERNEL], build=BUILD, results=tmp_path, boot=BootRequest(out="", jobs=1),
        run_dir=tmp_path / "run", record_probed=False))
    (row,) = doc["kernels"]
    assert row["guest"] == "ok", row.get("problem")
    assert row["probed"]["abi"] == 6 and row["probed"]["errata"] == 0xf
    cells = doc["cells"][KERNEL]
    assert cells[PROBE_CELL]["outcome"] == "pass"
    programs = {p.name for p in (BUILD / "suites").iterdir()}
    assert {key.split("::")[0] for key in cells} == programs | {"probe"}
    bad = {k: c for k, c in cells.items() if not outcomes.accepted(c["outcome"])}
    assert bad == {}
    assert exit_status(doc) == 0
    for name in ("matrix.json", "matrix.md", "matrix.html", "junit.xml"):
        assert (tmp_path / "run" / name).stat().st_size > 0
