"""The compatibility matrix: every test on every kernel, in one document.

`matrix.json` (schema below) is what the renderers, the comparison and the
shard merge read; its cells keep the outcomes of outcomes.ALL, never
collapsed into pass/fail.

Schema `llconform-matrix/1`:
  schema, created (ISO 8601), suite_build (hash of the suite programs: shards
  of different builds never merge), llconform (git describe),
  kernels: [ {name, package_version, uname, source, expected: {status, abi,
             errata}, probed: {status, abi, errata}, guest (ok | timeout-* |
             panic | crashed | error | native), problem (why a guest or
             probe failed, or null), kernel_failed (the problem is the
             kernel's: it crashed or hung after /init started; its cells
             count as verdicts), boot_seconds, run_seconds,
             logs: {name: path relative to the run folder}} ],
  programs: {program: [test names in order]},
  cells: {kernel: {"program::test": {outcome, reason, seconds}}}
"""
from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import findings, outcomes

SCHEMA = "llconform-matrix/1"
# The identity of the check that the kernel reports what the catalogue says.
PROBE_CELL = "probe::landlock_matches_catalogue"


class MatrixError(ValueError):
    """A matrix.json that is not one: names the file and what is wrong."""


@dataclass
class Cell:
    outcome: str
    reason: str = ""
    seconds: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "reason": self.reason,
                "seconds": self.seconds}


@dataclass
class KernelRow:
    name: str
    package_version: str | None = None
    uname: str | None = None
    source: str | None = None
    expected: dict[str, Any] = field(default_factory=dict)
    probed: dict[str, Any] = field(default_factory=dict)
    guest: str = "ok"
    problem: str | None = None
    # The problem is the kernel's (it crashed or hung after /init started):
    # its cells are verdicts, not our side's failure (vm GuestResult).
    kernel_failed: bool = False
    boot_seconds: float | None = None
    run_seconds: float | None = None
    logs: dict[str, str] = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "cells"}


def suite_build(programs: list[Path]) -> str:
    digest = hashlib.sha256()
    for program in sorted(programs, key=lambda p: p.name):
        digest.update(program.name.encode() + b"\0")
        digest.update(program.read_bytes())
    return digest.hexdigest()[:16]


def git_describe(repo: Path) -> str:
    proc = subprocess.run(["git", "-C", str(repo), "describe", "--always",
                           "--dirty"], capture_output=True, text=True,
                          check=False)
    return proc.stdout.strip() or "unknown"


def document(rows: list[KernelRow], programs: dict[str, list[str]],
             build: str, version: str) -> dict[str, Any]:
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "schema": SCHEMA,
        "created": now.isoformat(timespec="seconds"),
        "suite_build": build,
        "llconform": version,
        "kernels": [row.header() for row in rows],
        "programs": programs,
        "cells": {row.name: {k: c.to_json() for k, c in row.cells.items()}
                  for row in rows},
    }


def load(path: Path) -> dict[str, Any]:
    """A matrix.json, checked enough that every reader can trust its shape."""
    try:
        doc = json.loads(path.read_text())
    except OSError as err:
        raise MatrixError(f"{path}: cannot read: {err.strerror}") from err
    except json.JSONDecodeError as err:
        raise MatrixError(f"{path}: not JSON: {err}") from err
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise MatrixError(f"{path}: not a {SCHEMA} document")
    for key in ("kernels", "programs", "cells", "suite_build"):
        if key not in doc:
            raise MatrixError(f"{path}: missing '{key}'")
    names = [k.get("name") for k in doc["kernels"]]
    if set(names) != set(doc["cells"]):
        raise MatrixError(f"{path}: kernels and cells disagree")
    for kernel, cells in doc["cells"].items():
        for test, cell in cells.items():
            if cell.get("outcome") not in outcomes.ALL:
                raise MatrixError(f"{path}: {kernel}::{test}: unknown "
                                  f"outcome {cell.get('outcome')!r}")
    return doc


def exit_status(doc: dict[str, Any], allow_known: bool = False) -> int:
    """0 nothing failed, 1 a kernel deviates, 2 only our side failed.

    The cells of a kernel whose guest never ran because of our side (no
    QEMU, a download, a corrupt image, a boot that never reached /init) say
    what happened, but they are not verdicts: 2.  A kernel that crashed or
    hung after /init started (`kernel_failed`) is the kernel's failure: its
    crashed and tainted cells count, 1.
    With `allow_known`, a `fail` that findings.toml explains is not counted
    (it stays a failure in every report).
    """
    faulty = {k["name"] for k in doc["kernels"]
              if k.get("problem") and not k.get("kernel_failed")}
    headers = {k["name"]: k for k in doc["kernels"]}
    known = findings.load() if allow_known else []

    def explained(kernel: str, test: str, cell: dict[str, Any]) -> bool:
        return findings.known(known, headers[kernel], test, cell) is not None

    seen = {c["outcome"] for kernel, cells in doc["cells"].items() if kernel not in faulty
            for test, c in cells.items() if not explained(kernel, test, c)}
    status = outcomes.status(seen)
    if status == 0 and faulty:
        return 2
    return status


def counts(cells: dict[str, dict[str, Any]]) -> dict[str, int]:
    found = {o: 0 for o in outcomes.ALL}
    for cell in cells.values():
        found[cell["outcome"]] += 1
    return {o: n for o, n in found.items() if n}
