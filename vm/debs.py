"""Debian packages other than kernels, for programs that run in the guests:
downloaded through the private apt state (vm/apt.py: lists verified against
the archive keyring, each package against their SHA256) from a named suite
and unpacked with `dpkg-deb -x` into a folder of the cache. Nothing is
installed; the system's dpkg never sees them.

Used to build a third-party Landlock client from Debian's packages (a newer
Go toolchain and the go-landlock library from trixie/sid on a bookworm host)
and to make a sysroot for a program that needs a newer libc than the host's.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from .apt import AptState


class DebError(RuntimeError):
    """A package cannot be found, downloaded, verified or unpacked."""


@dataclass(frozen=True)
class Deb:
    name: str
    version: str
    suite: str
    path: str  # the verified .deb in the cache


def debs_dir(apt: AptState, suite: str) -> str:
    return os.path.join(os.path.dirname(apt.root), "debs-extra", suite)


def _stanza(apt: AptState, name: str, suite: str) -> dict[str, str]:
    """The package's fields as the lists of SUITE give them (apt-cache show)."""
    done = subprocess.run(
        ["apt-cache", *apt.apt_options(), "show", "--no-all-versions", f"{name}/{suite}"],
        capture_output=True, text=True,
    )
    if done.returncode != 0 or not done.stdout.strip():
        why = (done.stderr.strip().splitlines() or ["not in the lists"])[-1]
        raise DebError(f"{name}: not found in suite {suite}: {why}")
    fields: dict[str, str] = {}
    for line in done.stdout.split("\n\n")[0].splitlines():
        if line[:1] not in (" ", "\t") and ":" in line:
            k, _, v = line.partition(":")
            fields[k] = v.strip()
    return fields


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def download(apt: AptState, suite: str, names: Sequence[str]) -> list[Deb]:
    """The named packages of SUITE as .deb files in the cache: downloaded by
    apt-get (which checks each against the signed lists) unless a file with
    the lists' SHA256 is already there."""
    apt.ensure_lists()
    where = debs_dir(apt, suite)
    os.makedirs(where, exist_ok=True)
    out = []
    for name in names:
        fields = _stanza(apt, name, suite)
        version, filename = fields.get("Version", ""), fields.get("Filename", "")
        sha = fields.get("SHA256", "")
        if not version or not filename or not sha:
            raise DebError(f"{name}/{suite}: the lists give no Version, Filename or SHA256")
        path = os.path.join(where, os.path.basename(filename))
        if not (os.path.isfile(path) and _sha256(path) == sha):
            got, log = apt.download(name, version, where)
            if got is None:
                raise DebError(f"{name}={version} ({suite}): apt-get download failed: "
                               + log.strip()[-300:])
            path = got
        if _sha256(path) != sha:
            raise DebError(f"{path}: SHA256 differs from the signed lists of {suite}")
        out.append(Deb(name, version, suite, path))
    return out


def unpack_key(debs: Sequence[Deb]) -> str:
    """A folder name for one set of packages (same set, same folder)."""
    text = "\n".join(sorted(os.path.basename(d.path) for d in debs))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def extract(apt: AptState, suite: str, names: Sequence[str], purpose: str) -> str:
    """Downloads NAMES from SUITE and unpacks them all into one folder of the
    cache (<cache>/unpacked/<purpose>-<key>), reused while the packages are
    the same; returns the folder."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", purpose):
        raise ValueError(f"purpose {purpose!r}: a plain folder name")
    debs = download(apt, suite, names)
    root = os.path.join(os.path.dirname(apt.root), "unpacked")
    final = os.path.join(root, f"{purpose}-{unpack_key(debs)}")
    if os.path.isfile(os.path.join(final, ".llconform-unpacked")):
        return final
    os.makedirs(root, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=root, prefix=f".{purpose}.")
    os.chmod(tmp, 0o755)  # like the packages' own trees: readable by every user
    for d in debs:
        done = subprocess.run(["dpkg-deb", "-x", d.path, tmp], capture_output=True, text=True)
        if done.returncode != 0:
            shutil.rmtree(tmp, ignore_errors=True)
            raise DebError(f"dpkg-deb -x {d.path}: {done.stderr.strip()}")
    with open(os.path.join(tmp, ".llconform-unpacked"), "w") as f:
        f.writelines(f"{d.name} {d.version} {d.suite}\n" for d in debs)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(tmp, final)
    return final
