"""Kernel source trees: Debian's linux-source-<series>, or a local tree.

Debian sources are downloaded with the same private, signature-verified apt
state as binary kernels (vm/apt.py), and the `.tar.xz` inside the package is
unpacked once into <cache>/sources/<package>_<version>/tree. meta.json is
written last and the directory is renamed into place at the end, so an
interrupted extraction leaves nothing that looks cached.
"""

from __future__ import annotations

import errno
import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
from typing import Any

from . import cache
from .apt import AptState
from .catalogue import Kernel

# Free space (bytes) asked for before unpacking a Debian source (~1.5 GiB tree,
# plus the package and the tarball while they exist).
SOURCE_SPACE = 2 << 30


class SourceError(RuntimeError):
    """A source tree could not be obtained."""


def log(msg: str) -> None:
    print(f"vm: {msg}", file=sys.stderr, flush=True)


def free_bytes(path: str) -> int:
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def disk_full_message(path: str, what: str) -> str:
    return (
        f"{what}: no space left on device under {path} "
        f"({free_bytes(path) >> 20} MiB free now); free some space or use --cache DIR"
    )


def remove_stale_tmp(root: str) -> None:
    """Remove `.tmp-*-<pid>` work directories whose process is gone (killed builds)."""
    try:
        names = os.listdir(root)
    except OSError:
        return
    for name in names:
        m = re.match(r"^\.tmp-.*-(\d+)$", name)
        if not m:
            continue
        try:
            os.kill(int(m.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
        except OSError:
            pass


def check_space(path: str, need: int, what: str) -> None:
    have = free_bytes(path)
    if have < need:
        raise SourceError(
            f"{what} needs about {need >> 20} MiB free under {path}, there are {have >> 20} MiB; "
            "free some space or use --cache DIR"
        )


def sources_root(cache_root: str) -> str:
    return os.path.join(cache_root, "sources")


def source_dir(cache_root: str, package: str, version: str) -> str:
    return os.path.join(sources_root(cache_root), f"{package}_{version.replace(':', '%3a')}")


def cached_sources(cache_root: str) -> list[dict[str, Any]]:
    out = []
    for path in glob.glob(os.path.join(sources_root(cache_root), "*", "meta.json")):
        meta = cache.read_json(path)
        if isinstance(meta, dict) and "package" in meta and "version" in meta:
            out.append(meta)
    return out


def _cached_tree(d: str) -> str | None:
    meta = cache.read_json(os.path.join(d, "meta.json"))
    tree = os.path.join(d, "tree")
    if isinstance(meta, dict) and os.path.isfile(os.path.join(tree, "Makefile")):
        return tree
    return None


def tree_version(tree: str) -> str:
    """VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION] from the top-level Makefile."""
    vals: dict[str, str] = {}
    try:
        with open(os.path.join(tree, "Makefile"), encoding="utf-8", errors="replace") as f:
            for line in f:
                m = re.match(r"^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)\s*=\s*(\S*)", line)
                if m:
                    vals.setdefault(m.group(1), m.group(2))
                if len(vals) == 4:
                    break
    except OSError as e:
        raise SourceError(f"cannot read {tree}/Makefile: {e}") from e
    if "VERSION" not in vals:
        raise SourceError(f"{tree}/Makefile has no VERSION: not a Linux source tree")
    return (
        f"{vals['VERSION']}.{vals.get('PATCHLEVEL', '0')}.{vals.get('SUBLEVEL', '0')}"
        f"{vals.get('EXTRAVERSION', '')}"
    )


def tree_fingerprint(tree: str) -> str:
    """A cheap identity of a local tree: path, size and mtime of every file (no .git)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(tree):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        for name in sorted(files):
            p = os.path.join(root, name)
            try:
                st = os.lstat(p)
            except OSError:
                continue
            h.update(f"{os.path.relpath(p, tree)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _run_pipe(argv1: list[str], argv2: list[str], cwd: str) -> tuple[int, str]:
    first = subprocess.Popen(argv1, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    second = subprocess.run(
        argv2, stdin=first.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd
    )
    assert first.stdout is not None and first.stderr is not None
    first.stdout.close()
    err1 = first.stderr.read()
    first.wait()
    rc = first.returncode or second.returncode
    return rc, (err1 + second.stderr).decode(errors="replace")


def obtain(k: Kernel, apt: AptState | None, cache_root: str) -> tuple[str, dict[str, Any]]:
    """(tree, description) of a src: kernel's source, downloading/unpacking it if needed."""
    if k.path:  # a local tree, used in place (the build copies it with hard links)
        return k.path, {
            "kind": "tree",
            "path": k.path,
            "kernelversion": tree_version(k.path),
            "id": "tree:" + tree_fingerprint(k.path),
        }
    assert k.series
    package = f"linux-source-{k.series}"
    if not k.version:
        raise SourceError(f"{k.name}: no version of {package} known")
    d = source_dir(cache_root, package, k.version)
    tree = _cached_tree(d)
    if tree is None:
        os.makedirs(sources_root(cache_root), exist_ok=True)
        with open(d + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be unpacking it
            tree = _cached_tree(d) or _download_and_unpack(k, package, apt, cache_root, d)
    return tree, {
        "kind": "debian",
        "package": package,
        "version": k.version,
        "suite": k.suite,
        "kernelversion": tree_version(tree),
        "id": f"{package}_{k.version}",
    }


def available(k: Kernel, cache_root: str) -> tuple[str, dict[str, Any]] | None:
    """obtain() when that needs no download (a local tree, or an unpacked Debian source)."""
    if k.path:
        return obtain(k, None, cache_root)
    if k.series and k.version:
        d = source_dir(cache_root, f"linux-source-{k.series}", k.version)
        if _cached_tree(d):
            return obtain(k, None, cache_root)
    return None


def _download_and_unpack(
    k: Kernel, package: str, apt: AptState | None, cache_root: str, d: str
) -> str:
    if apt is None or not k.packages:
        raise SourceError(
            f"{k.name}: {package} {k.version} is not unpacked in the cache and no package list "
            "names it; run online"
        )
    pkg = k.packages[0]
    root = sources_root(cache_root)
    os.makedirs(root, exist_ok=True)
    remove_stale_tmp(root)
    check_space(root, SOURCE_SPACE, f"unpacking {package}")
    tmp = os.path.join(root, f".tmp-{os.path.basename(d)}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        log(
            f"{k.name}: downloading {pkg.name} {pkg.version} ({pkg.size >> 20} MiB) "
            f"from {pkg.suite}"
        )
        t = time.monotonic()
        deb, output = apt.download(pkg.name, pkg.version, tmp)
        if deb is None:
            reason = next(
                (line for line in output.splitlines() if line.startswith(("E:", "Err"))),
                output.strip()[-300:],
            )
            raise SourceError(f"{k.name}: could not download {pkg.name} {pkg.version}: {reason}")
        res = subprocess.run(["dpkg-deb", "--info", deb], capture_output=True, text=True)
        if res.returncode != 0:
            raise SourceError(f"{k.name}: corrupt package {deb}: {res.stderr.strip()}")
        log(f"{k.name}: downloaded in {time.monotonic() - t:.1f} s; unpacking the source tarball")
        t = time.monotonic()
        rc, err = _run_pipe(
            ["dpkg-deb", "--fsys-tarfile", deb],
            ["tar", "-x", "--wildcards", "./usr/src/linux-source-*.tar.xz"],
            tmp,
        )
        _check_tool(rc, err, root, f"{k.name}: extracting the tarball from {pkg.name}")
        os.unlink(deb)
        tars = glob.glob(os.path.join(tmp, "usr", "src", "linux-source-*.tar.xz"))
        if len(tars) != 1:
            raise SourceError(f"{k.name}: {pkg.name} holds no usr/src/linux-source-*.tar.xz")
        unpack = os.path.join(tmp, "unpack")
        os.makedirs(unpack)
        xz = "xz -T0" if shutil.which("xz") else "xz"
        res = subprocess.run(
            ["tar", "-x", "-C", unpack, f"--use-compress-program={xz}", "-f", tars[0]],
            capture_output=True,
            text=True,
        )
        _check_tool(res.returncode, res.stderr, root, f"{k.name}: unpacking {tars[0]}")
        os.unlink(tars[0])
        tops = os.listdir(unpack)
        if len(tops) != 1 or not os.path.isfile(os.path.join(unpack, tops[0], "Makefile")):
            raise SourceError(f"{k.name}: unexpected layout of the source tarball: {tops}")
        os.rename(os.path.join(unpack, tops[0]), os.path.join(tmp, "tree"))
        shutil.rmtree(os.path.join(tmp, "usr"), ignore_errors=True)
        os.rmdir(unpack)
        meta = {
            "package": package,
            "version": pkg.version,
            "suite": pkg.suite,
            "sha256": pkg.sha256,
            "kernelversion": tree_version(os.path.join(tmp, "tree")),
            "unpacked": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        cache.write_json_atomic(os.path.join(tmp, "meta.json"), meta)
        shutil.rmtree(d, ignore_errors=True)  # an older, incomplete entry
        os.rename(tmp, d)
        log(f"{k.name}: unpacked {package} {pkg.version} in {time.monotonic() - t:.1f} s -> {d}")
    except OSError as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if e.errno == errno.ENOSPC:
            raise SourceError(disk_full_message(root, f"{k.name}: unpacking {package}")) from e
        raise
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return os.path.join(d, "tree")


def _check_tool(rc: int, err: str, root: str, what: str) -> None:
    if rc == 0:
        return
    if "No space left on device" in err:
        raise SourceError(disk_full_message(root, what))
    raise SourceError(f"{what} failed (exit {rc}): {err.strip()[-500:]}")
