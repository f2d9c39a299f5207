"""Kernels built from a source tree: the make driver and the build cache
(Kconfig handling is vm/kconfig.py, patches vm/patches.py).

A build: hard-link copy of the source tree (so the cached tree stays pristine),
`*.patch` of --patches applied in sorted order with `patch -p1`, `make
tinyconfig`, then vm/config/llconform.config and the user's fragments merged
into .config, `make olddefconfig`, a check that every requested option
survived, and `make bzImage vmlinux` out of tree (O=). Everything happens in
<cache>/builds/.tmp-<key>-<pid>/; only the finished images move to
<cache>/builds/<key>/ (meta.json last, then one rename).

The key is a hash of the source's identity (Debian package and version, or a
local tree's fingerprint), every patch's name and content, the merged fragment,
the compiler version and this recipe's version.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from . import bzimage, cache, packages, source
from .errors import BuildError
from .kconfig import (
    Config,
    apply_fragment,
    dropped_options,
    explain_dropped,
    fragment_text,
    merge_fragments,
    parse_config,
    read_fragment,
)
from .patches import apply_patches, link_tree, patch_files
from .apt import AptState
from .catalogue import Kernel
from .fetch import Image, _check_cached

RECIPE = 1  # bump when the build steps change in a way that changes the images
ARCH = "x86_64"
TARGETS = ["bzImage", "vmlinux"]
PROJECT_FRAGMENT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "config", "llconform.config"
)
BUILD_SPACE = 1 << 30  # asked for before a build (a tinyconfig build needs ~300 MiB)
PROGRESS_EVERY = 30.0  # seconds between progress lines
# Host tools of a build, installed with packages.ensure_packages when missing.
BUILD_TOOLS = [
    "make", "gcc", "ld", "flex", "bison", "bc", "perl", "patch", "xz", "cpio",
    "/usr/include/gelf.h",
]


class MakeFailed(BuildError):
    """make failed: the work tree is kept as <cache>/builds/failed-<key> to reproduce it."""


def log(msg: str) -> None:
    print(f"vm: {msg}", file=sys.stderr, flush=True)


# -- the build ----------------------------------------------------------------

@dataclass
class Plan:
    tree: str
    source: dict[str, Any]
    patches: list[tuple[str, str]]  # (path, sha256)
    fragments: list[tuple[str, Config]]
    merged: Config
    notes: list[str]
    compiler: str
    key: str
    lenient: set[str]  # project-fragment options a tree may not define


def compiler_version() -> str:
    try:
        res = subprocess.run(["gcc", "--version"], capture_output=True, text=True)
        return res.stdout.splitlines()[0] if res.stdout else "gcc ?"
    except OSError:
        return "gcc missing"


def cache_key(
    source_id: str, patches: list[tuple[str, str]], merged: Config, compiler: str
) -> str:
    blob = json.dumps(
        {
            "recipe": RECIPE,
            "arch": ARCH,
            "targets": TARGETS,
            "source": source_id,
            "patches": [[os.path.basename(p), h] for p, h in patches],
            "config": fragment_text(merged),
            "compiler": compiler,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def _sha256_file(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def plan_for(
    k: Kernel, tree: str, src: dict[str, Any], project_fragment: str = PROJECT_FRAGMENT
) -> Plan:
    frags = [("vm/config/llconform.config", read_fragment(project_fragment))]
    frags += [(f, read_fragment(f)) for f in k.fragments]
    merged, notes = merge_fragments(frags)
    patches = [(p, _sha256_file(p)) for p in patch_files(k.patches)]
    compiler = compiler_version()
    key = cache_key(src["id"], patches, merged, compiler)
    user = {sym for _, frag in frags[1:] for sym in frag}
    lenient = {sym for sym in frags[0][1] if sym not in user}
    return Plan(tree, src, patches, frags, merged, notes, compiler, key, lenient)


def builds_root(cache_root: str) -> str:
    return os.path.join(cache_root, "builds")


def make_argv(src: str, out: str, jobs: int, *targets: str) -> list[str]:
    return ["make", "-C", src, f"O={out}", f"ARCH={ARCH}", f"-j{jobs}", *targets]


def cached_build(cache_root: str, key: str) -> Image | None:
    return _check_cached(os.path.join(builds_root(cache_root), key))


def lookup(
    k: Kernel, cache_root: str, project_fragment: str = PROJECT_FRAGMENT
) -> tuple[str, Image | None] | None:
    """(key, cached images or None) of a src: kernel whose source is at hand, else None."""
    try:
        at_hand = source.available(k, cache_root)
    except source.SourceError:
        return None
    if at_hand is None:
        return None
    plan = plan_for(k, at_hand[0], at_hand[1], project_fragment)
    return plan.key, cached_build(cache_root, plan.key)


def ensure_built(
    k: Kernel,
    apt: AptState | None,
    cache_root: str,
    jobs: int | None = None,
    project_fragment: str = PROJECT_FRAGMENT,
) -> Image:
    """The src: kernel's images, from the cache or built now. Fills k.build."""
    try:
        tree, src = source.obtain(k, apt, cache_root)
    except source.SourceError as e:
        raise BuildError(str(e)) from e
    if shutil.which("gcc") is None:  # its version is part of the key
        packages.ensure_packages(["gcc"])
    plan = plan_for(k, tree, src, project_fragment)
    for note in plan.notes:
        log(f"{k.name}: {note}")
    d = os.path.join(builds_root(cache_root), plan.key)
    img = cached_build(cache_root, plan.key)
    if img is None:
        os.makedirs(builds_root(cache_root), exist_ok=True)
        locks = os.path.join(builds_root(cache_root), ".locks")
        os.makedirs(locks, exist_ok=True)
        with open(os.path.join(locks, plan.key), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it
            img = cached_build(cache_root, plan.key)
            if img is None:
                img = _build(k, plan, cache_root, d, jobs or os.cpu_count() or 1)
    else:
        log(f"{k.name}: cached build {d}")
    k.build = {
        "key": plan.key,
        "kernelversion": img.meta.get("kernelversion"),
        "source": img.meta.get("source"),
        "patches": img.meta.get("patches"),
        "config_sha256": img.meta.get("config_sha256"),
        "fragments": img.meta.get("fragments"),
        "dir": d,
    }
    return img


def _build(k: Kernel, plan: Plan, cache_root: str, final: str, jobs: int) -> Image:
    root = builds_root(cache_root)
    for old in os.listdir(root):  # only the last failed build is kept for inspection
        if old.startswith("failed-"):
            shutil.rmtree(os.path.join(root, old), ignore_errors=True)
    source.remove_stale_tmp(root)
    try:
        source.check_space(root, BUILD_SPACE, f"building {k.name}")
    except source.SourceError as e:
        raise BuildError(str(e)) from e
    packages.ensure_packages(BUILD_TOOLS)
    work = os.path.join(root, f".tmp-{plan.key}-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    src, out = os.path.join(work, "src"), os.path.join(work, "out")
    os.makedirs(out)
    logpath = os.path.join(work, "build.log")
    failed = os.path.join(root, f"failed-{plan.key}")
    t0 = time.monotonic()
    try:
        log(f"{k.name}: building {plan.source['id']} (key {plan.key}) in {work}")
        link_tree(plan.tree, src)
        if plan.patches:
            notes = apply_patches(src, [p for p, _ in plan.patches])
            log(f"{k.name}: applied {len(plan.patches)} patch(es)"
                + (f" ({'; '.join(notes)})" if notes else ""))
        with open(logpath, "w") as logf:
            _make(k, make_argv(src, out, jobs, "tinyconfig"), logf, logpath, work, failed)
            cfg = os.path.join(out, ".config")
            with open(cfg) as f:
                tiny = f.read()
            cache.write_atomic(cfg, apply_fragment(tiny, plan.merged).encode())
            _make(k, make_argv(src, out, jobs, "olddefconfig"), logf, logpath, work, failed)
            with open(cfg) as f:
                final_text = f.read()
            final_cfg = parse_config(final_text)
            dropped = dropped_options(plan.merged, final_cfg)
            if dropped:
                why, skipped = explain_dropped(dropped, final_cfg, src, plan.lenient)
                for note in skipped:
                    log(f"{k.name}: project fragment option skipped: {note}")
            if dropped and why:
                raise BuildError(
                    f"{k.name}: {len(dropped)} requested config option(s) did not survive "
                    "`make olddefconfig`:\n  " + "\n  ".join(why)
                )
            log(f"{k.name}: configuration ok ({len(plan.merged)} options requested); "
                f"make -j{jobs} {' '.join(TARGETS)}")
            _make(k, make_argv(src, out, jobs, *TARGETS), logf, logpath, work, failed,
                  progress=True)
        elapsed = time.monotonic() - t0
        img = _install(k, plan, out, final_text, logpath, final, elapsed)
        log(f"{k.name}: built in {elapsed:.0f} s -> {final}")
        shutil.rmtree(work, ignore_errors=True)
        return img
    except OSError as e:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(final + ".new", ignore_errors=True)
        if e.errno == errno.ENOSPC:
            raise BuildError(source.disk_full_message(root, f"{k.name}: build")) from e
        raise
    except MakeFailed:
        if os.path.isdir(work):
            os.rename(work, failed)  # kept for the reproducer; never a cache entry
        raise
    except BuildError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _make(
    k: Kernel,
    argv: list[str],
    logf: IO[str],
    logpath: str,
    work: str,
    failed: str,
    progress: bool = False,
) -> None:
    logf.write("$ " + " ".join(argv) + "\n")
    logf.flush()
    env = dict(os.environ, LC_ALL="C", KBUILD_BUILD_USER="llconform", KBUILD_BUILD_HOST="vm")
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
        errors="replace",
    )
    compiled = [0]
    last = [""]
    stop = threading.Event()
    start = time.monotonic()

    def ticker() -> None:
        while not stop.wait(PROGRESS_EVERY):
            log(f"{k.name}: building, {time.monotonic() - start:.0f} s: "
                f"{compiled[0]} files compiled, last: {last[0]}")

    thread = threading.Thread(target=ticker, daemon=True)
    if progress:
        thread.start()
    assert proc.stdout is not None
    for line in proc.stdout:
        logf.write(line)
        s = line.strip()
        if s.startswith(("CC ", "AS ")):
            compiled[0] += 1
        if s:
            last[0] = s[:100]
        if progress and re.match(r"^(LD|OBJCOPY|ZSTD|XZ|LZMA|GZIP|LZ4|BZIP2)\s+\S*(vmlinux|bzImage)"
                                 r"|^Kernel: .* is ready", s):
            log(f"{k.name}: {s}")
    rc = proc.wait()
    stop.set()
    logf.flush()
    if rc == 0:
        return
    with open(logpath, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if "No space left on device" in text:
        shutil.rmtree(work, ignore_errors=True)
        raise BuildError(source.disk_full_message(os.path.dirname(work), f"{k.name}: build"))
    lines = text.splitlines()
    errors = [ln for ln in lines if re.search(r"\berror\b|Error \d", ln)][:10]
    tail = lines[-30:]
    repro = " ".join(
        a.replace(work, failed) for a in argv[:5] + ["-j1"] + argv[6:]
    )
    raise MakeFailed(
        f"{k.name}: `{' '.join(argv[5:])}` failed (make exit {rc}).\n"
        + ("first errors:\n  " + "\n  ".join(errors) + "\n" if errors else "")
        + "last lines of the build log:\n  " + "\n  ".join(tail) + "\n"
        + f"full log: {logpath.replace(work, failed)}\n"
        + f"reproduce with: {repro}"
    )


def _keep_gcov_notes(out: str, work: str, tmp: str, config_text: str) -> dict[str, Any] | None:
    """A gcov kernel's compile-time notes (.gcno) and the sources of their directories,
    kept as <entry>/gcov/{out,src}/<dir>/ (the work tree they name is deleted after the
    build): what gcov needs, with the .gcda files a guest writes, to report coverage."""
    if "CONFIG_GCOV_KERNEL=y" not in config_text.splitlines():
        return None
    dirs: list[str] = []
    for root, _dirs, files in os.walk(out):
        notes = [f for f in files if f.endswith(".gcno")]
        if not notes:
            continue
        rel = os.path.relpath(root, out)
        dirs.append(rel)
        os.makedirs(os.path.join(tmp, "gcov", "out", rel), exist_ok=True)
        for f in notes:
            shutil.copyfile(os.path.join(root, f), os.path.join(tmp, "gcov", "out", rel, f))
        srcdir = os.path.join(work, "src", rel)
        os.makedirs(os.path.join(tmp, "gcov", "src", rel), exist_ok=True)
        for f in os.listdir(srcdir):
            if f.endswith((".c", ".h")) and os.path.isfile(os.path.join(srcdir, f)):
                shutil.copyfile(os.path.join(srcdir, f), os.path.join(tmp, "gcov", "src", rel, f))
    return {"work": work, "dirs": sorted(dirs)}


def _install(
    k: Kernel, plan: Plan, out: str, config_text: str, logpath: str, final: str, elapsed: float
) -> Image:
    bz_path = os.path.join(out, "arch", "x86", "boot", "bzImage")
    vml_path = os.path.join(out, "vmlinux")
    with open(bz_path, "rb") as f:
        bz = f.read()
    if not bzimage.is_bzimage(bz):
        raise BuildError(f"{k.name}: the build produced no valid bzImage ({bz_path})")
    with open(vml_path, "rb") as f:
        vml = f.read()
    pvh = bzimage.is_elf(vml) and bzimage.has_pvh_note(vml)
    if not pvh:
        log(f"{k.name}: warning: vmlinux has no PVH note; guests will boot the bzImage on -M pc")
    tmp = final + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    shutil.copyfile(bz_path, os.path.join(tmp, "vmlinuz"))
    shutil.copyfile(vml_path, os.path.join(tmp, "vmlinux"))
    shutil.copyfile(logpath, os.path.join(tmp, "build.log"))
    cache.write_atomic(os.path.join(tmp, "config"), config_text.encode())
    gcov = _keep_gcov_notes(out, os.path.dirname(out), tmp, config_text)
    cache.write_atomic(os.path.join(tmp, "fragment.config"), fragment_text(plan.merged).encode())
    meta = {
        "name": k.name,
        "kind": "src",
        "key": plan.key,
        "source": plan.source,
        "kernelversion": plan.source.get("kernelversion"),
        "patches": [{"file": os.path.basename(p), "sha256": h} for p, h in plan.patches],
        "patches_dir": k.patches,
        "fragments": [name for name, _ in plan.fragments],
        "config_sha256": hashlib.sha256(config_text.encode()).hexdigest(),
        "fragment_sha256": hashlib.sha256(fragment_text(plan.merged).encode()).hexdigest(),
        "compiler": plan.compiler,
        "build_seconds": round(elapsed, 1),
        "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "vmlinuz_size": len(bz),
        "vmlinuz_sha256": hashlib.sha256(bz).hexdigest(),
        "vmlinux_size": len(vml) if pvh else 0,
        "pvh": pvh,
        "payload": "build",
    }
    if gcov:
        meta["gcov"] = gcov
    if not pvh:
        os.unlink(os.path.join(tmp, "vmlinux"))
    cache.write_json_atomic(os.path.join(tmp, "meta.json"), meta)
    shutil.rmtree(final, ignore_errors=True)
    os.rename(tmp, final)
    img = _check_cached(final)
    if img is None:
        raise BuildError(f"cache entry {final} does not verify after writing it")
    return img
