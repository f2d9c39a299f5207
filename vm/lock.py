"""Lock files: the exact Debian builds a set of kernel names stands for.

`debian-<series>` means "the newest build Debian serves now", which changes
with every point release and with what a machine's package lists hold (a
suite whose Release file expired is refused by apt: a fresh machine does not
see its kernels at all).  A lock file pins each catalogue entry to one build
(package version, kernel release, suite, each package's SHA256), so that two
machines run the same kernels under the same names; `./llconform lock`
writes it, `--update` refreshes it and prints what changed and which suites'
lists were stale.

Format (TOML, written here, read with tomllib):

    [stale_suites]            # suites whose lists were stale when written
    sid = "Release file expired (Valid-Until ...)"
    [kernels."debian-7.2"]
    version = "7.2.13-1"
    krel = "7.2.13+deb14-cloud-amd64"
    suite = "sid"
    packages = ["linux-binary-unsigned-7.2.13+deb14-cloud-amd64=<sha256>", ...]
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from typing import Any

from . import catalogue
from .apt import Package
from .catalogue import CatalogueError, Kernel

HEADER = (
    "# llconform kernel lock: the exact Debian builds of the default set.\n"
    "# Written by `./llconform lock`; `./llconform lock --update` refreshes it.\n"
    "# `make matrix` and CI resolve debian-<series> to these builds (--lock).\n"
)


class LockError(CatalogueError):
    """An unreadable lock file."""


@dataclass
class Lock:
    kernels: dict[str, dict[str, Any]] = field(default_factory=dict)  # entry -> build
    stale_suites: dict[str, str] = field(default_factory=dict)

    def version(self, entry: str) -> str | None:
        found = self.kernels.get(entry)
        return found["version"] if found else None


def read(path: str) -> Lock:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise LockError(f"{path}: {e}") from e
    kernels = data.get("kernels", {})
    for entry, build in kernels.items():
        if not isinstance(build, dict) or not isinstance(build.get("version"), str):
            raise LockError(f"{path}: kernels.{entry}: needs a version")
    return Lock(kernels=kernels, stale_suites=dict(data.get("stale_suites", {})))


def entry_of(k: Kernel) -> dict[str, Any]:
    return {
        "version": k.version,
        "krel": k.krel,
        "suite": k.suite,
        "packages": [f"{p.name}={p.sha256}" for p in k.packages],
    }


def text(lock: Lock) -> str:
    """The file's text (TOML; strings as JSON strings, which TOML reads)."""
    out = [HEADER]
    if lock.stale_suites:
        out.append("[stale_suites]")
        out += [f"{json.dumps(s)} = {json.dumps(w)}" for s, w in sorted(lock.stale_suites.items())]
        out.append("")
    for entry, build in lock.kernels.items():
        out.append(f"[kernels.{json.dumps(entry)}]")
        for key in ("version", "krel", "suite"):
            out.append(f"{key} = {json.dumps(build.get(key) or '')}")
        out.append("packages = [" + ", ".join(json.dumps(p) for p in build.get("packages", []))
                   + "]")
        out.append("")
    return "\n".join(out)


def write(path: str, lock: Lock) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text(lock))
    os.replace(tmp, path)


def diff(old: Lock | None, new: Lock) -> list[str]:
    """What changed, one line each: builds, and suites stale or current."""
    before = old.kernels if old else {}
    lines = []
    for entry in sorted(before.keys() | new.kernels.keys()):
        a, b = before.get(entry), new.kernels.get(entry)
        if a == b:
            continue
        if a is None and b is not None:
            lines.append(f"+ {entry}: {b['version']} ({b['suite']})")
        elif b is None and a is not None:
            lines.append(f"- {entry}: {a['version']} ({a['suite']})")
        elif a is not None and b is not None:
            same = a["version"] == b["version"]
            lines.append(f"~ {entry}: {a['version']} ({a['suite']}) -> {b['version']} "
                         f"({b['suite']})" + (" (packages changed)" if same else ""))
    stale_before = old.stale_suites if old else {}
    for suite in sorted(stale_before.keys() | new.stale_suites.keys()):
        if suite in new.stale_suites and suite not in stale_before:
            lines.append(f"! stale lists now: {suite}: {new.stale_suites[suite]}")
        elif suite in stale_before and suite not in new.stale_suites:
            lines.append(f"! lists current again: {suite}")
    return lines


def make(resolved: list[Kernel], stale: dict[str, str]) -> Lock:
    """The lock of resolved catalogue kernels (by their catalogue entry)."""
    return Lock(kernels={k.entry or k.name: entry_of(k) for k in resolved}, stale_suites=stale)


def accepted_everywhere(cat: dict[str, Any], index: list[Package], resolved: list[Kernel],
                        stale: dict[str, str]) -> list[Kernel]:
    """The builds to lock: a kernel resolved from a stale suite's lists is
    replaced by what the same name resolves to without them, since a fresh
    machine's apt refuses those lists and could not fetch the build (verified)
    at all. A name no other suite serves keeps its build."""
    usable = [p for p in index if p.suite not in stale]
    chosen = []
    for k in resolved:
        if k.suite in stale:
            try:
                k = catalogue.resolve(k.name, cat, usable)
            except CatalogueError:
                pass
        chosen.append(k)
    return chosen


def stale_effects(cat: dict[str, Any], index: list[Package], resolved: list[Kernel],
                  stale: dict[str, str]) -> dict[str, str]:
    """suite -> why it is stale and what that changes: for each kernel
    resolved from a stale suite's lists, the build a machine that refuses
    them (a fresh one) resolves the same name to."""
    usable = [p for p in index if p.suite not in stale]
    effects: dict[str, str] = {}
    for suite, why in stale.items():
        changed = []
        for k in resolved:
            if k.suite != suite:
                continue
            try:
                other = catalogue.resolve(k.name, cat, usable)
                changed.append(f"{k.name} is {k.version} here, {other.version} ({other.suite}) "
                               "without these lists: locked to the latter, which every "
                               "machine's apt accepts")
            except CatalogueError:
                changed.append(f"{k.name} is {k.version} here, not served without these lists")
        effects[suite] = why + ("; " + "; ".join(changed) if changed
                                else "; no kernel of the set comes from it")
    return effects
