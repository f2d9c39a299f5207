"""The results folder: one folder per run (and `latest`), and the last
probed Landlock status of each kernel, which `./llconform list` shows.

The probe results live here, with the runs that found them, never in vm's
kernel cache: vm knows nothing of Landlock.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

LAST_PROBED = "last-probed.json"


class ResultsError(OSError):
    """The results folder cannot be written."""


def new_run_dir(root: Path) -> Path:
    """results/<timestamp>/, with results/latest pointing at it."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        run = root / stamp
        suffix = 1
        while run.exists():
            run = root / f"{stamp}-{suffix}"
            suffix += 1
        run.mkdir()
        latest = root / "latest"
        tmp = root / f".latest.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(run.name)
        tmp.replace(latest)
    except OSError as err:
        raise ResultsError(f"cannot write results into {root}: {err.strerror}") from err
    return run


def probed_text(probed: dict[str, Any]) -> str:
    """What a row's probe found, in a few words."""
    if probed.get("status") != "enabled":
        return str(probed.get("status"))
    errata = probed.get("errata")
    return f"abi {probed['abi']} errata {'-' if errata is None else hex(errata)}"


def record_probed(root: Path, doc: dict[str, Any], run_dir: Path) -> None:
    """Remembers what each kernel of a matrix reported, and on which build."""
    path = root / LAST_PROBED
    known = last_probed(root)
    for k in doc["kernels"]:
        if k.get("probed"):
            known[k["name"]] = {"version": k.get("package_version"),
                                "text": probed_text(k["probed"]),
                                "run": run_dir.name}
    tmp = path.with_name(f".{LAST_PROBED}.{os.getpid()}")
    tmp.write_text(json.dumps(known, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


def last_probed(root: Path) -> dict[str, dict[str, Any]]:
    try:
        found = json.loads((root / LAST_PROBED).read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def last_probed_text(known: dict[str, dict[str, Any]], name: str, version: str | None) -> str:
    """The last run's word on this kernel, and which build it was about."""
    found = known.get(name)
    if not found:
        return "-"
    if found.get("version") != version:
        return f"{found['text']} (on {found.get('version')})"
    return str(found["text"])
