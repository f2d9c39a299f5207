"""The unprivileged pass where user namespaces are refused (a chroot, a
container's default seccomp profile, AppArmor's restriction): every test
that needs one is an environment skip naming the restriction, none is
broken.  build/tests/without_userns refuses CLONE_NEWUSER with a seccomp
filter, as such a container does, and runs each suite as `nobody` under it.
"""
from __future__ import annotations

import os
import platform
import subprocess
import tempfile
from pathlib import Path

import pytest

from llconform import findings, ktap
from llconform.programs import judge, list_tests

BUILD = Path(__file__).resolve().parents[1] / "build"
SHIM = BUILD / "tests" / "without_userns"
PROGRAMS = sorted(p for p in (BUILD / "suites").glob("*") if p.is_file())
RESTRICTION = "unprivileged user namespaces refused (EPERM): a seccomp filter"
NOT_VERDICTS = ("broken", "crashed", "timeout")


def run_unprivileged(program: Path) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="llconform-userns-") as tmp:
        os.chmod(tmp, 0o1777)
        return subprocess.run(
            [str(SHIM), "setpriv", "--reuid=nobody", "--regid=nogroup",
             "--clear-groups", "--", str(program)],
            capture_output=True, text=True, timeout=120, check=False,
            env=dict(os.environ, TMPDIR=tmp))


@pytest.mark.skipif(os.geteuid() != 0, reason="the shim needs root to "
                    "install its filter without no_new_privs")
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.name)
def test_refused_user_namespaces_are_named_skips(program: Path) -> None:
    tests = list_tests(program)
    proc = run_unprivileged(program)
    stream = ktap.parse(proc.stdout)
    results, problems = judge(program.name, stream, tests, proc.returncode)
    assert problems == []
    known = findings.load()
    for result in results:
        assert result.outcome not in NOT_VERDICTS, result
        if result.outcome == "fail":
            # Only a deviation of this kernel already explained.
            assert findings.known(
                known, {"uname": platform.release()},
                f"{program.name}::{result.name}",
                {"outcome": result.outcome, "reason": result.reason}), result
        if result.reason.startswith("environment:") and "namespace" in result.reason:
            assert result.reason.startswith(
                f"environment: {RESTRICTION}"), result


@pytest.mark.skipif(os.geteuid() != 0, reason="the shim needs root")
def test_the_shim_refuses_user_namespaces_only() -> None:
    def unshare(flag: str) -> int:
        return subprocess.run(
            [str(SHIM), "setpriv", "--reuid=nobody", "--regid=nogroup",
             "--clear-groups", "--", "unshare", flag, "true"],
            capture_output=True, check=False).returncode
    assert unshare("--user") != 0
    assert subprocess.run([str(SHIM), "true"], check=False).returncode == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the shim needs root")
def test_network_suites_skip_naming_the_restriction() -> None:
    """The tests that were broken on ll_enter_netns() now say why."""
    program = BUILD / "suites" / "abi4_net_tcp"
    stream = ktap.parse(run_unprivileged(program).stdout)
    named = [r for r in stream.results
             if r.outcome == "skip" and RESTRICTION in r.reason]
    assert len(named) >= 20
