"""Kernel modules a guest needs that its kernel does not build in.

Debian's cloud kernels have no disk driver a microvm guest can use
(virtio_blk and virtio_mmio are modules, and virtio_mmio lacks the
command-line device list that microvm with acpi=off relies on), so a block
device in the guest is a loop device, and `loop` is a module too; so is
`overlay` (OverlayFS, which the topology suite mounts).  Their .ko come
from the same kernel's Debian package (linux-modules-<krel> in the newer
packaging, linux-image-<krel> in the older one), decompressed and cached
next to the kernel: <kernel dir>/modules/<name>.ko, or <name>.none with
the reason when the kernel's packages were all read and none has it (built
in, or not built; a failed download is retried next time; an older cache's
NONE file stands for every module).  A guest gets them as /modules/*.ko in
a small cpio appended to the shared initramfs (the kernel unpacks
concatenated archives); a suite that needs one loads it
(harness/modules.h).  Knows nothing of Landlock.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import subprocess
import tarfile
import tempfile

from . import cache, initramfs
from .apt import AptState
from .catalogue import Kernel
from .fetch import kernel_dir, log

# module -> its directory in the package's /lib/modules/<krel>/
MODULES = {"loop": "kernel/drivers/block/", "overlay": "kernel/fs/overlayfs/"}


def _decompress(name: str, data: bytes) -> bytes:
    if name.endswith(".xz"):
        return lzma.decompress(data)
    if name.endswith(".zst"):
        res = subprocess.run(["zstd", "-dc"], input=data, stdout=subprocess.PIPE, check=True)
        return res.stdout
    return data


def _from_deb(deb: str, krel: str) -> dict[str, bytes]:
    """The MODULES found in a .deb, decompressed."""
    found: dict[str, bytes] = {}
    tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
    assert tar.stdout is not None
    with tarfile.open(fileobj=tar.stdout, mode="r|") as tf:
        for m in tf:
            base = os.path.basename(m.name)
            mod = base.split(".ko", 1)[0]
            if mod in MODULES and f"/{krel}/{MODULES[mod]}" in m.name and m.isfile():
                f = tf.extractfile(m)
                if f is not None:
                    found[mod] = _decompress(base, f.read())
    tar.wait()
    return found


def _known(d: str) -> bool:
    """Whether each module is cached or known absent in `d` (an older
    cache's NONE: all absent)."""
    def has(name: str) -> bool:
        return os.path.exists(os.path.join(d, name))
    return has("NONE") or all(has(f"{m}.ko") or has(f"{m}.none") for m in MODULES)


def ensure(k: Kernel, apt: AptState, cache_root: str) -> str | None:
    """<kernel dir>/modules with those of MODULES the kernel's packages
    have, or None (and why, logged once) when they have none."""
    if k.kind != "debian" or not k.krel or not k.version:
        return None
    d = os.path.join(kernel_dir(cache_root, k.krel, k.version), "modules")
    if _known(d):
        return d if any(n.endswith(".ko") for n in os.listdir(d)) else None
    names = [f"linux-modules-{k.krel}"] + [p.name for p in k.packages]
    found: dict[str, bytes] = {}
    source = ""
    tried = []
    transient = False  # a download that failed may work next time
    with tempfile.TemporaryDirectory(dir=cache_root) as work:
        for name in dict.fromkeys(names):
            deb, output = apt.download(name, k.version, work)
            if deb is None:
                tried.append(f"{name}: not downloadable")
                transient = transient or name in {p.name for p in k.packages}
                continue
            try:
                found = _from_deb(deb, k.krel)
            except (OSError, subprocess.SubprocessError, tarfile.TarError) as e:
                tried.append(f"{name}: {e}")
                transient = True
                continue
            finally:
                os.unlink(deb)
            if found:
                source = name
                break
            tried.append(f"{name}: no {', '.join(MODULES)}")
    os.makedirs(d, exist_ok=True)
    why = "; ".join(tried) or "no package"
    for mod, data in found.items():
        cache.write_atomic(os.path.join(d, f"{mod}.ko"), data)
    missing = [m for m in MODULES if m not in found
               and not os.path.exists(os.path.join(d, f"{m}.ko"))]
    if missing:
        log(f"{k.name}: no {', '.join(missing)} module for the guest ({why})")
    if not transient or found:
        for mod in missing:
            cache.write_atomic(os.path.join(d, f"{mod}.none"),
                               ((f"not in {source}" if found else why) + "\n").encode())
    if found:
        log(f"{k.name}: {', '.join(sorted(found))} module(s) from the kernel's package cached")
    return d if any(n.endswith(".ko") for n in os.listdir(d)) else None


def initrd_with_modules(initrd: str, modules_dir: str) -> str:
    """The shared initrd followed by a cpio of /modules/*.ko, cached next to
    it (keyed by both)."""
    entries = [initramfs.Entry("modules", 0o040755)]
    for name in sorted(os.listdir(modules_dir)):
        if name.endswith(".ko"):
            with open(os.path.join(modules_dir, name), "rb") as f:
                entries.append(initramfs.Entry("modules/" + name, 0o100644, f.read()))
    tail = initramfs.write_newc(entries)
    key = hashlib.sha256(tail).hexdigest()[:16]
    path = f"{initrd}+modules-{key}"
    if os.path.exists(path):
        initramfs.used(path)
    else:
        with open(initrd, "rb") as f:
            blob = f.read()
        blob += b"\0" * ((4 - len(blob) % 4) % 4)
        cache.write_atomic(path, blob + tail)
    return path
