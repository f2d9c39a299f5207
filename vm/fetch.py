"""Kernel images in the cache: download, verify, extract, decompress.

Layout: <cache>/kernels/<krel>_<version>/{vmlinuz,vmlinux,meta.json}. meta.json
is written last (atomically), so a directory without it is incomplete and is
fetched again; images are checked (bzImage header, ELF magic, sizes) before use.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from . import bzimage, cache
from .apt import AptState
from .catalogue import Kernel


class FetchError(RuntimeError):
    """A kernel could not be obtained."""


@dataclass
class Image:
    bzimage: str | None  # compressed image (-M pc fallback)
    vmlinux: str | None  # uncompressed ELF with PVH note (microvm), or None
    meta: dict[str, Any]


def log(msg: str) -> None:
    print(f"vm: {msg}", file=sys.stderr, flush=True)


def kernel_dir(cache_root: str, krel: str, version: str) -> str:
    return os.path.join(cache_root, "kernels", f"{krel}_{version.replace(':', '%3a')}")


def cached_metas(cache_root: str) -> list[dict[str, Any]]:
    out = []
    for path in glob.glob(os.path.join(cache_root, "kernels", "*", "meta.json")):
        meta = cache.read_json(path)
        if isinstance(meta, dict) and "krel" in meta:
            out.append(meta)
    return out


def _check_cached(d: str) -> Image | None:
    meta = cache.read_json(os.path.join(d, "meta.json"))
    if not isinstance(meta, dict):
        return None
    bz = os.path.join(d, "vmlinuz")
    vml = os.path.join(d, "vmlinux") if meta.get("vmlinux_size") else None
    try:
        if os.path.getsize(bz) != meta["vmlinuz_size"]:
            return None
        with open(bz, "rb") as f:
            if not bzimage.is_bzimage(f.read(0x300)):
                return None
        if vml:
            if os.path.getsize(vml) != meta["vmlinux_size"]:
                return None
            with open(vml, "rb") as f:
                if not bzimage.is_elf(f.read(4)):
                    return None
    except (OSError, KeyError):
        return None
    return Image(bz, vml, meta)


def is_cached(cache_root: str, k: Kernel) -> bool:
    return bool(k.krel and k.version and _check_cached(kernel_dir(cache_root, k.krel, k.version)))


def _verify_deb(path: str) -> str | None:
    res = subprocess.run(
        ["dpkg-deb", "--info", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return None if res.returncode == 0 else (res.stderr.strip() or "dpkg-deb --info failed")


def _extract_member(deb: str, members: list[str]) -> tuple[str, bytes]:
    for member in members:
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
        res = subprocess.run(
            ["tar", "-x", "-O", "-f", "-", member],
            stdin=tar.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert tar.stdout is not None
        tar.stdout.close()
        tar.wait()
        if res.returncode == 0 and res.stdout:
            return member, res.stdout
    raise FetchError(f"{os.path.basename(deb)} holds none of {', '.join(members)}")


def install_image(d: str, bz: bytes, meta: dict[str, Any]) -> Image:
    """Write vmlinuz, vmlinux (when extractable) and meta.json into d, atomically each."""
    if not bzimage.is_bzimage(bz):
        raise FetchError(f"{meta.get('source', 'image')} is not a bzImage")
    os.makedirs(d, exist_ok=True)
    meta_path = os.path.join(d, "meta.json")
    if os.path.exists(meta_path):
        os.unlink(meta_path)
    cache.write_atomic(os.path.join(d, "vmlinuz"), bz)
    meta = dict(meta, vmlinuz_size=len(bz), vmlinuz_sha256=hashlib.sha256(bz).hexdigest())
    try:
        t = time.monotonic()
        fmt, elf = bzimage.vmlinux_from_bzimage(bz)
        meta.update(payload=fmt, pvh=bzimage.has_pvh_note(elf), vmlinux_size=len(elf))
        cache.write_atomic(os.path.join(d, "vmlinux"), elf)
        log(
            f"extracted vmlinux ({fmt}, {len(elf) >> 20} MiB, PVH note: {meta['pvh']}) "
            f"in {time.monotonic() - t:.1f} s"
        )
    except bzimage.CorruptImage as e:
        raise FetchError(f"{meta.get('source', 'image')} is corrupt: {e}") from e
    except bzimage.ImageError as e:
        log(f"warning: no vmlinux from {meta.get('source')}: {e}; will boot the bzImage with -M pc")
        meta.update(payload=None, pvh=False, vmlinux_size=0, vmlinux_error=str(e))
    cache.write_json_atomic(meta_path, meta)
    img = _check_cached(d)
    if img is None:
        raise FetchError(f"cache entry {d} does not verify after writing it")
    return img


def fetch_debian(k: Kernel, apt: AptState, cache_root: str) -> Image:
    assert k.krel and k.version
    d = kernel_dir(cache_root, k.krel, k.version)
    img = _check_cached(d)
    if img is not None:
        return img
    if not k.packages:
        raise FetchError(
            f"{k.name}: {k.krel} {k.version} is not cached and no package list names it"
        )
    work = os.path.join(cache_root, "debs")
    errors = []
    for pkg in k.packages:
        size = f"{pkg.size >> 20} MiB" if pkg.size else "?"
        log(f"{k.name}: downloading {pkg.name} {pkg.version} ({size}) from {pkg.suite}")
        t = time.monotonic()
        deb, output = apt.download(pkg.name, pkg.version, work)
        if deb is None:
            reason = next(
                (line for line in output.splitlines() if line.startswith(("E:", "Err"))),
                output.strip()[-300:],
            )
            errors.append(f"{pkg.name}: {reason}")
            log(f"{k.name}: download of {pkg.name} failed: {reason}")
            continue
        bad = _verify_deb(deb)
        if bad:
            os.unlink(deb)
            errors.append(f"{pkg.name}: corrupt package: {bad}")
            continue
        log(f"{k.name}: downloaded in {time.monotonic() - t:.1f} s, extracting")
        try:
            member, bz = _extract_member(deb, k.members)
        finally:
            os.unlink(deb)
        meta = {
            "name": k.entry,
            "entry": k.entry,
            "krel": k.krel,
            "version": k.version,
            "suite": pkg.suite,
            "package": pkg.name,
            "member": member,
            "source": f"{pkg.name}_{pkg.version}",
            "fetched": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        return install_image(d, bz, meta)
    raise FetchError(f"{k.name}: could not download {k.krel} {k.version}: " + "; ".join(errors))


def fetch_file(k: Kernel, cache_root: str) -> Image:
    """A local kernel image: a bzImage (vmlinux extracted into the cache) or a vmlinux."""
    assert k.path
    try:
        with open(k.path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise FetchError(f"{k.name}: cannot read {k.path}: {e}") from e
    if bzimage.is_elf(data):
        if not bzimage.has_pvh_note(data):
            raise FetchError(
                f"{k.name}: {k.path} is an ELF vmlinux without the PVH note; "
                "give the bzImage instead"
            )
        return Image(None, k.path, {"source": k.path, "pvh": True})
    if not bzimage.is_bzimage(data):
        raise FetchError(
            f"{k.name}: {k.path} is neither a bzImage nor an ELF vmlinux "
            f"(starts with {data[:8].hex() or 'nothing: empty file'})"
        )
    digest = hashlib.sha256(data).hexdigest()
    d = os.path.join(cache_root, "files", digest[:24])
    img = _check_cached(d)
    if img is not None:
        return img
    return install_image(d, data, {"source": k.path, "sha256": digest})


def fetch(k: Kernel, apt: AptState | None, cache_root: str) -> Image:
    if k.kind == "file":
        return fetch_file(k, cache_root)
    if k.kind == "debian":
        if apt is None:
            raise FetchError("no apt state")
        return fetch_debian(k, apt, cache_root)
    raise FetchError(f"{k.name}: nothing to fetch for a {k.kind} kernel")


def clean_stale(cache_root: str) -> None:
    shutil.rmtree(os.path.join(cache_root, "debs"), ignore_errors=True)
