"""Every suite on a kernel without Landlock: a skip with the reason, not a
crash.  The kernel here has Landlock, so a seccomp filter
(build/tests/without_landlock) makes its syscalls fail as an absent
(ENOSYS) or disabled (EOPNOTSUPP) Landlock does.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llconform import ktap
from llconform.programs import judge, list_tests

BUILD = Path(__file__).resolve().parents[1] / "build"
PROGRAMS = sorted(p for p in (BUILD / "suites").glob("*") if p.is_file())
STATUS = {"ENOSYS": "absent", "EOPNOTSUPP": "disabled"}


@pytest.mark.parametrize("errno_name", sorted(STATUS))
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_suite_skips_everything_with_the_reason(program: Path,
                                                errno_name: str) -> None:
    tests = list_tests(program)
    proc = subprocess.run(
        [str(BUILD / "tests" / "without_landlock"), errno_name, str(program)],
        capture_output=True, text=True, timeout=60, check=False)
    stream = ktap.parse(proc.stdout)
    assert stream.header["landlock"] == STATUS[errno_name]
    results, problems = judge(program.name, stream, tests, proc.returncode)
    assert problems == []
    assert proc.returncode == 0
    for result in results:
        if tests[result.name].landlock_off:
            assert result.outcome == "pass", result
        else:
            assert result.outcome == "skip", result
            assert result.reason.startswith(
                f"Landlock {STATUS[errno_name]} on this kernel "
                f"({errno_name})"), result


def test_there_are_programs_to_check() -> None:
    assert {p.name for p in PROGRAMS} >= {"base", "abi1_fs"}
