"""Guests start longest first, by their wall time in the previous run."""

import types
from typing import Any

from vm import boot, cache


def _job(name: str) -> Any:
    return (types.SimpleNamespace(name=name), None)


def test_longest_first_unknown_before_all() -> None:
    jobs = [_job("a"), _job("b"), _job("new"), _job("c")]
    known = {"a": 3.0, "b": 9.0, "c": 1.0}
    assert [k.name for k, _ in boot.longest_first(jobs, known)] == ["new", "b", "a", "c"]


def test_guest_seconds_round_trip(tmp_path: Any) -> None:
    root = str(tmp_path)
    assert boot.guest_seconds(root) == {}
    cache.write_json_atomic(f"{root}/{boot.GUEST_SECONDS}", {"a": 2, "b": "bad"})
    assert boot.guest_seconds(root) == {"a": 2.0}
