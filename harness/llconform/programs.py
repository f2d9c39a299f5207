"""The suite programs: their tests and needs, and judging one program's run.

Needs come from the program itself (`PROGRAM --list-json`), never from a
table typed here; whether a skip was the gate's the program says itself
(ktap.GATE_MARK): Python never re-derives the gate.
"""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import ktap, outcomes


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


def suite_programs(build: Path) -> list[Path]:
    """The executables of build/suites (RuntimeError when there are none)."""
    folder = build / "suites"
    found = sorted(p for p in folder.glob("*") if p.is_file() and os.access(p, os.X_OK))
    if not found:
        raise RuntimeError(f"no suite programs in {folder}: run 'make' first")
    return found


def judge(program: str, stream: ktap.ProgramResult, tests: dict[str, Needs],
          exit_code: int | None) -> tuple[list[ktap.Result], list[str]]:
    """Results for every expected test, and what is wrong beyond them.

    A test whose result never came is `crashed`.  A skip is justified when
    the gate of its declared needs made it (the program marks those) or when
    it names what the machine lacks (an environment skip); any other skip,
    and a row of skips on a kernel with Landlock enabled that the gate did
    not make, is a problem of the run.
    """
    problems = [f"{program}: {e}" for e in stream.errors]
    if not stream.header:
        problems.append(f"{program}: no '# llconform:' header line")
    seen = stream.by_name()
    results: list[ktap.Result] = []
    why_missing = ("program timeout" if exit_code is None
                   else f"result line never came (exit {exit_code})")
    for name in tests:
        result = seen.get(name)
        if result is None:
            results.append(ktap.Result(name=name, outcome=outcomes.CRASHED,
                                       reason=why_missing))
            continue
        results.append(result)
        if result.gated and result.outcome != outcomes.SKIP:
            problems.append(f"{program}: {name} ran ({result.outcome}) "
                            "although the gate of its needs skipped it")
        elif (result.outcome == outcomes.SKIP and not result.gated
              and not result.environment_skip):
            problems.append(f"{program}: {name} skipped ({result.reason}) "
                            "by the test itself, not by the gate of its "
                            "declared needs")
    for name in seen.keys() - tests.keys():
        problems.append(f"{program}: result for unknown test {name}")
    enabled = stream.header.get("landlock") == "enabled"
    if (results and enabled
            and all(r.outcome == outcomes.SKIP for r in results)
            and not all(r.gated for r in results)):
        problems.append(f"{program}: every test skipped on a kernel with "
                        "Landlock enabled")
    return results, problems
