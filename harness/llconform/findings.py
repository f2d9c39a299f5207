"""Known deviations (findings.toml): failures already explained.

They stay failures in every report; a host run or a CI gate uses them to
tell a known deviation of a kernel from a new failure.  A finding explains
a cell only when all of these hold (anything else stays a new failure):

- the cell's outcome is `fail` (never a crash, a timeout, a taint, a
  broken setup: those say something else happened);
- its test matches one of the finding's `tests` (program::test globs);
- every failed assertion the cell reports (each `file:line:function:
  message` entry of its reason) matches one of the finding's `assertions`
  (globs over that entry), and there is at least one: a failure of any
  other check of the same test (its allowed side, a positive control) is
  not excused;
- the kernel is one of the exact `builds` where it was observed: a Debian
  package version (`6.16.12-1~bpo13+1`) or an exact `uname -r` (a kernel
  without a package, such as the host).  A later release is not covered
  until someone observes it and adds it.
"""
from __future__ import annotations

import fnmatch
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE = Path(__file__).resolve().parents[2] / "findings.toml"
KEYS = {"id", "tests", "assertions", "builds", "summary"}
# One failed assertion of a kselftest harness test: "suites/x.c:12:fn:...".
_ENTRY_START = re.compile(r"; (?=[^\s:;]+:\d+:)")
_ENTRY = re.compile(r"^[^\s:;]+:\d+:")


class FindingsError(ValueError):
    """findings.toml is malformed: names the entry and what is wrong."""


@dataclass(frozen=True)
class Finding:
    id: str
    tests: tuple[str, ...]
    assertions: tuple[str, ...]
    builds: tuple[str, ...]
    summary: str

    def explains(self, kernel: dict[str, Any], test: str,
                 cell: dict[str, Any]) -> bool:
        if cell.get("outcome") != "fail":
            return False
        if not any(fnmatch.fnmatchcase(test, p) for p in self.tests):
            return False
        if not self.observed_on(kernel):
            return False
        entries = assertions(cell.get("reason") or "")
        return bool(entries) and all(
            any(fnmatch.fnmatchcase(e, p) for p in self.assertions)
            for e in entries)

    def observed_on(self, kernel: dict[str, Any]) -> bool:
        ids = {kernel.get("package_version"), kernel.get("uname")} - {None}
        return bool(ids & set(self.builds))


def assertions(reason: str) -> list[str]:
    """The failed assertions a `fail` cell's reason lists, one entry each
    (`file:line:function:message`); [] when it lists none (a message from
    the harness itself, never a known deviation)."""
    entries = _ENTRY_START.split(reason)
    if not entries or not all(_ENTRY.match(e) for e in entries):
        return []
    return entries


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key)
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v for v in value)):
        raise FindingsError(f"{where}: '{key}' must be a non-empty list of "
                            "strings")
    return tuple(value)


def load(path: Path = FILE) -> list[Finding]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise FindingsError(f"{path}: {err}") from err
    found = []
    for number, entry in enumerate(data.get("finding", []), start=1):
        where = f"{path}: finding {entry.get('id') or number}"
        unknown = set(entry) - KEYS
        if unknown:
            raise FindingsError(f"{where}: unknown keys {sorted(unknown)} "
                                f"(a finding has {sorted(KEYS)})")
        if (not isinstance(entry.get("id"), str)
                or not isinstance(entry.get("summary"), str)):
            raise FindingsError(f"{where}: needs 'id' and 'summary'")
        for build in _strings(entry, "builds", where):
            if any(c in build for c in "*?[^$"):
                raise FindingsError(f"{where}: build '{build}' is a pattern: "
                                    "name the exact builds observed")
        found.append(Finding(
            id=entry["id"], tests=_strings(entry, "tests", where),
            assertions=_strings(entry, "assertions", where),
            builds=_strings(entry, "builds", where),
            summary=entry["summary"]))
    ids = [f.id for f in found]
    if len(ids) != len(set(ids)):
        raise FindingsError(f"{path}: duplicate ids")
    return found


def known(findings: list[Finding], kernel: dict[str, Any], test: str,
          cell: dict[str, Any]) -> Finding | None:
    """The finding that explains `cell` of `test` on `kernel` (a matrix
    kernel header: package_version, uname), or None."""
    return next((f for f in findings if f.explains(kernel, test, cell)),
                None)
