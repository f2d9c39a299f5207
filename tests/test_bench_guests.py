"""The guest bench's choice among repeated runs, and its CPU check."""
from __future__ import annotations

from pathlib import Path

from llconform import bench_guests as bg


def pair(index: int, wall: float) -> bg.RunPair:
    bare = bg.GuestRun("(a) bare", Path("bare"), wall=1.0)
    full = bg.GuestRun("(b) suites", Path("suites"), wall=wall)
    return bg.RunPair(index, bare, full, cpu_check=0.1)


def test_the_median_run_is_shown_whole() -> None:
    runs = [pair(1, 72.3), pair(2, 47.1), pair(3, 52.0)]
    assert bg.median_pair(runs).index == 3


def test_an_even_count_shows_the_lower_middle_run() -> None:
    runs = [pair(1, 60.0), pair(2, 50.0)]
    assert bg.median_pair(runs).index == 2
    assert bg.median_pair([pair(1, 9.0)]).index == 1


def test_cpu_check_times_a_loop() -> None:
    assert 0 < bg.cpu_check() < 60
