"""Known deviations (findings.toml): failures already explained.

They stay failures in every report; a host run or a CI gate uses them to
tell a known deviation of a kernel from a new failure.
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

FILE = Path(__file__).resolve().parents[2] / "findings.toml"


@dataclass(frozen=True)
class Finding:
    id: str
    tests: tuple[str, ...]
    uname: str
    summary: str

    def covers(self, test: str, uname: str) -> bool:
        return bool(re.search(self.uname, uname)) and any(
            fnmatch.fnmatchcase(test, pattern) for pattern in self.tests)


def load(path: Path = FILE) -> list[Finding]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return [Finding(id=f["id"], tests=tuple(f["tests"]), uname=f["uname"],
                    summary=f["summary"]) for f in data.get("finding", [])]


def known(findings: list[Finding], test: str, uname: str) -> Finding | None:
    return next((f for f in findings if f.covers(test, uname)), None)
