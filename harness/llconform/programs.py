"""The suite programs: what each test needs, and running one natively.

Needs come from the program itself (`PROGRAM --list-json`), never from a
table typed here.
"""
from __future__ import annotations

import json
import os
import pwd
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ktap

# harness/ll_harness.h LL_ENV_PREFIX: a skip for what the machine lacks.
ENV_SKIP = "environment: "


@dataclass(frozen=True)
class Needs:
    min_abi: int
    needs: str
    lacks: str | None
    max_abi: int | None
    landlock_off: bool
    root: str | None
    erratum: int | None
    proposed: bool = False  # `needs` is unmerged: the kernel's probe decides
    lacks_proposed: bool = False  # so is `lacks`

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "Needs":
        return cls(min_abi=item["min_abi"], needs=item["needs"],
                   lacks=item["lacks"], max_abi=item.get("max_abi"),
                   landlock_off=item["landlock_off"], root=item["root"],
                   erratum=item["erratum"],
                   proposed=item.get("proposed", False),
                   lacks_proposed=item.get("lacks_proposed", False))


@dataclass(frozen=True)
class Kernel:
    """What the kernel reported, as one program's header line says."""
    status: str
    abi: int
    errata: int | None
    root: bool
    proposed: frozenset[str] = frozenset()

    @classmethod
    def from_header(cls, header: dict[str, str]) -> "Kernel":
        errata = header.get("errata", "none")
        proposed = header.get("proposed", "none")
        return cls(status=header.get("landlock", "unknown"),
                   abi=int(header.get("abi", "0")),
                   errata=None if errata == "none" else int(errata, 16),
                   root=header.get("uid") == "0",
                   proposed=frozenset() if proposed == "none"
                   else frozenset(proposed.split(",")))


def must_skip(needs: Needs, kernel: Kernel) -> str | None:
    """Why this test must be a skip on this kernel, or None if it must run."""
    if needs.landlock_off:
        if kernel.status == "enabled":
            return "Landlock is enabled"
        return None
    if kernel.status != "enabled":
        return f"Landlock {kernel.status}"
    if needs.proposed:
        if needs.needs not in kernel.proposed:
            return f"kernel rejects proposed {needs.needs}"
    elif kernel.abi < needs.min_abi:
        return f"needs ABI {needs.min_abi}"
    if needs.lacks_proposed and needs.lacks in kernel.proposed:
        return f"kernel has proposed {needs.lacks}"
    if needs.max_abi is not None and kernel.abi > needs.max_abi:
        return f"fallback for ABI <= {needs.max_abi}"
    if needs.root and not kernel.root:
        return "needs root"
    return None


def list_tests(program: Path) -> dict[str, Needs]:
    """Every test of `program` with its needs, without running anything."""
    proc = subprocess.run([str(program), "--list-json"], capture_output=True,
                          text=True, timeout=30, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{program} --list-json failed "
                           f"(exit {proc.returncode}): {proc.stderr.strip()}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as err:
        raise RuntimeError(f"{program} --list-json: not JSON: {err}") from err
    return {t["name"]: Needs.from_json(t) for t in data["tests"]}


@dataclass
class ProgramRun:
    program: str
    user: str
    exit_code: int | None  # None: killed by the program timeout
    seconds: float
    output: str
    stream: ktap.Stream
    results: list[ktap.Result]
    problems: list[str]  # suite-level findings: unjustified skips, crashes


def judge(program: str, stream: ktap.Stream, tests: dict[str, Needs],
          exit_code: int | None) -> tuple[list[ktap.Result], list[str]]:
    """Results for every expected test, and what is wrong beyond them.

    A test whose result never came is `crashed`; a skip that its needs do
    not explain, or a run that its needs forbid, is a problem of the run.
    """
    problems = [f"{program}: {e}" for e in stream.errors]
    kernel = Kernel.from_header(stream.header)
    if not stream.header:
        problems.append(f"{program}: no '# llconform:' header line")
    seen = stream.by_name()
    results: list[ktap.Result] = []
    why_missing = ("program timeout" if exit_code is None
                   else f"result line never came (exit {exit_code})")
    for name, needs in tests.items():
        result = seen.get(name)
        if result is None:
            results.append(ktap.Result(name=name, outcome="crashed",
                                       reason=why_missing))
            continue
        results.append(result)
        expected_skip = must_skip(needs, kernel)
        if result.outcome == "skip" and result.reason.startswith(ENV_SKIP):
            continue  # this machine lacks something; the reason says what
        if result.outcome == "skip" and expected_skip is None:
            problems.append(f"{program}: {name} skipped ({result.reason}) "
                            "although its needs say it must run here")
        elif result.outcome != "skip" and expected_skip is not None:
            problems.append(f"{program}: {name} ran although it must be a "
                            f"skip here ({expected_skip})")
    for name in seen.keys() - tests.keys():
        problems.append(f"{program}: result for unknown test {name}")
    ran = [r for r in results if r.outcome != "skip"]
    if results and not ran and kernel.status == "enabled" and any(
            must_skip(n, kernel) is None for n in tests.values()):
        problems.append(f"{program}: every test skipped on a kernel with "
                        "Landlock enabled")
    return results, problems


def run_native(program: Path, user: str | None, timeout: float,
               tests: dict[str, Needs]) -> ProgramRun:
    """Runs one program on the running kernel, as root or as `user`."""
    argv = [str(program)]
    if user:
        entry = pwd.getpwnam(user)
        argv = ["setpriv", f"--reuid={entry.pw_uid}",
                f"--regid={entry.pw_gid}", "--clear-groups", "--"] + argv
    start = time.monotonic()
    # A private TMPDIR: a program killed by the timeout leaves nothing behind.
    shm = Path("/dev/shm")
    parent = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="llconform-", dir=parent) as tmp:
        os.chmod(tmp, 0o1777)
        env = dict(os.environ, TMPDIR=tmp)
        try:
            proc = subprocess.run(argv, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True,
                                  errors="replace", timeout=timeout, env=env,
                                  check=False, start_new_session=True)
            output, exit_code = proc.stdout, proc.returncode
        except subprocess.TimeoutExpired as err:
            raw = err.stdout or b""
            output = raw.decode(errors="replace") \
                if isinstance(raw, bytes) else raw
            exit_code = None
    seconds = time.monotonic() - start
    stream = ktap.parse(output)
    results, problems = judge(program.name, stream, tests, exit_code)
    return ProgramRun(program=program.name, user=user or "root",
                      exit_code=exit_code, seconds=seconds, output=output,
                      stream=stream, results=results, problems=problems)
