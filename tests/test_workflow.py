"""The GitHub Actions workflow parses and runs what the README promises."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import]  # Debian ships no stubs for it

WORKFLOW = Path(__file__).resolve().parents[1] / ".github/workflows/matrix.yml"


def load() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def test_shards_cover_every_index_once() -> None:
    doc = load()
    shards = doc["jobs"]["shard"]["strategy"]["matrix"]["shard"]
    assert shards == list(range(1, int(doc["env"]["SHARDS"]) + 1))


def test_each_shard_runs_make_matrix_with_its_slice() -> None:
    steps = load()["jobs"]["shard"]["steps"]
    runs = [s.get("run", "") for s in steps]
    assert any("make matrix" in r and "--shard ${{ matrix.shard }}/${SHARDS}"
               in r for r in runs)
    cache = next(s for s in steps if s.get("uses", "").startswith(
        "actions/cache"))
    assert "hashFiles('kernels.txt')" in cache["with"]["key"]


def test_merge_job_merges_every_shard() -> None:
    jobs = load()["jobs"]
    assert jobs["merge"]["needs"] == "shard"
    runs = " ".join(s.get("run", "") for s in jobs["merge"]["steps"])
    assert "llconform merge merged shards/*/matrix.json" in runs
