"""Derive the Debian mirror URIs from the system's own apt configuration.

No mirror host is ever written in this repository: the archive and security
URIs are read from /etc/apt/sources.list.d/*.sources (deb822) and the one-line
/etc/apt/sources.list (and sources.list.d/*.list).
"""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field

APT_ETC = "/etc/apt"


@dataclass
class SourceEntry:
    types: list[str]
    uris: list[str]
    suites: list[str]
    enabled: bool = True


@dataclass
class Mirrors:
    """URIs of the Debian archive and of the Debian security archive."""

    debian: list[str] = field(default_factory=list)
    security: list[str] = field(default_factory=list)


def parse_deb822(text: str) -> list[SourceEntry]:
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        key = None
        for line in stanza.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0] in " \t" and key:
                fields[key] += " " + line.strip()
                continue
            k, sep, v = line.partition(":")
            if not sep:
                continue
            key = k.strip().lower()
            fields[key] = v.strip()
        if "uris" not in fields:
            continue
        entries.append(
            SourceEntry(
                types=fields.get("types", "deb").split(),
                uris=fields["uris"].split(),
                suites=fields.get("suites", "").split(),
                enabled=fields.get("enabled", "yes").lower() not in ("no", "false", "0"),
            )
        )
    return entries


def parse_one_line(text: str) -> list[SourceEntry]:
    entries = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        line = re.sub(r"\[[^\]]*\]", " ", line)  # drop [options]
        words = line.split()
        if len(words) < 3 or words[0] not in ("deb", "deb-src"):
            continue
        entries.append(SourceEntry(types=[words[0]], uris=[words[1]], suites=[words[2]]))
    return entries


def _is_debian_suite(suite: str) -> bool:
    base = suite.split("/")[0].split("-")[0]
    return base in {
        "buster",
        "bullseye",
        "bookworm",
        "trixie",
        "forky",
        "duke",
        "sid",
        "experimental",
        "oldoldstable",
        "oldstable",
        "stable",
        "testing",
        "unstable",
    }


def mirrors_from_entries(entries: list[SourceEntry]) -> Mirrors:
    m = Mirrors()
    for e in entries:
        if not e.enabled or "deb" not in e.types:
            continue
        debian_suites = [s for s in e.suites if _is_debian_suite(s)]
        if not debian_suites:
            continue
        security = any(s.endswith("-security") or s.endswith("/updates") for s in debian_suites)
        for uri in e.uris:
            if not re.match(r"^(https?|file)://", uri):
                continue
            uri = uri.rstrip("/")
            target = m.security if security else m.debian
            if uri not in target:
                target.append(uri)
    if m.debian and not m.security:
        # The security archive sits beside the main one on Debian mirrors.
        m.security = [u + "-security" for u in m.debian]
    return m


def system_mirrors(etc: str = APT_ETC) -> Mirrors:
    """The Debian mirrors the system's apt configuration names."""
    entries: list[SourceEntry] = []
    one_line = [os.path.join(etc, "sources.list")] + sorted(
        glob.glob(os.path.join(etc, "sources.list.d", "*.list"))
    )
    for path in one_line:
        if os.path.isfile(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                entries += parse_one_line(f.read())
    for path in sorted(glob.glob(os.path.join(etc, "sources.list.d", "*.sources"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            entries += parse_deb822(f.read())
    m = mirrors_from_entries(entries)
    if not m.debian:
        raise RuntimeError(
            f"no Debian archive URI found in the apt configuration under {etc} "
            "(sources.list, sources.list.d/*.list, sources.list.d/*.sources)"
        )
    return m
