"""The sweep's search, on invented releases: which boots it asks for and
which flip it reports (no kernel is booted here)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llconform import cli, run_matrix, sweep

PINS = [f"debian-6.1.{n}-1" for n in range(170, 186)]  # 16 releases
FLIP_AT = 9          # PINS[9] is the first release that behaves fixed
BROKEN = {PINS[7]}   # listed by the archive, cannot be fetched


def fake_run(booted: list[str]) -> Any:
    def run(request: run_matrix.MatrixRequest, on_row: Any = None
            ) -> tuple[Path, dict[str, Any]]:
        names, run_dir = request.kernels, request.run_dir
        booted.extend(names)
        assert run_dir is not None
        run_dir.mkdir(parents=True)
        (run_dir / "matrix.json").write_text(" ".join(names))
        kernels = [{"name": n, "problem": "404 Not Found" if n in BROKEN
                    else None, "logs": {"errata": f"kernels/{n}/errata.ktap"}}
                   for n in names]
        cells = {n: {} if n in BROKEN else {"errata::global.erratum4": {
            "outcome": "pass" if PINS.index(n) >= FLIP_AT else "xfail"}}
            for n in names}
        return run_dir, {"kernels": kernels, "cells": cells}
    return run


@pytest.mark.parametrize("bisect", [False, True])
def test_sweep_reports_the_flip_and_leaves_out_what_cannot_run(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], bisect: bool) -> None:
    booted: list[str] = []
    monkeypatch.setattr(sweep, "releases", lambda entry, options: list(PINS))
    monkeypatch.setattr(run_matrix, "run", fake_run(booted))
    argv = ["debian-6.1", "--tests", "errata::*", "--results", str(tmp_path)]
    assert cli.main(["sweep", *argv] + (["--bisect"] if bisect else [])) == 0
    out = capsys.readouterr().out
    flips = [line for line in out.splitlines() if line.startswith("FLIP")]
    assert flips == [f"FLIP errata::global.erratum4: xfail on "
                     f"{PINS[FLIP_AT - 1]} -> pass on {PINS[FLIP_AT]}"]
    if bisect:
        assert len(set(booted)) <= 6 < len(PINS)
    else:
        assert sorted(booted) == sorted(PINS)
    if PINS[7] in booted:
        assert f"{PINS[7]} left out: 404 Not Found" in out
