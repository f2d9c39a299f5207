"""Kernel modules a guest needs that its kernel does not build in.

Debian's cloud kernels have no disk driver a microvm guest can use
(virtio_blk and virtio_mmio are modules, and virtio_mmio lacks the
command-line device list that microvm with acpi=off relies on), so a block
device in the guest is a loop device, and `loop` is a module too.  Its
.ko comes from the same kernel's Debian package (linux-modules-<krel> in
the newer packaging, linux-image-<krel> in the older one), decompressed
and cached next to the kernel: <kernel dir>/modules/loop.ko, or
<kernel dir>/modules/NONE with the reason when the kernel's packages were
all read and none has it (a failed download is retried next time).  A guest
gets it as /modules/loop.ko in a small cpio appended to the shared
initramfs (the kernel unpacks concatenated archives); the suite that needs
a block device loads it.  Knows nothing of Landlock.
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

MODULES = ("loop",)
WHERE = "kernel/drivers/block/"


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
            if mod in MODULES and f"/{krel}/{WHERE}" in m.name and m.isfile():
                f = tf.extractfile(m)
                if f is not None:
                    found[mod] = _decompress(base, f.read())
    tar.wait()
    return found


def ensure(k: Kernel, apt: AptState, cache_root: str) -> str | None:
    """<kernel dir>/modules with MODULES in it, or None (and why, logged once)."""
    if k.kind != "debian" or not k.krel or not k.version:
        return None
    d = os.path.join(kernel_dir(cache_root, k.krel, k.version), "modules")
    if all(os.path.exists(os.path.join(d, f"{m}.ko")) for m in MODULES):
        return d
    if os.path.exists(os.path.join(d, "NONE")):
        return None
    names = [f"linux-modules-{k.krel}"] + [p.name for p in k.packages]
    found: dict[str, bytes] = {}
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
                break
            tried.append(f"{name}: no {', '.join(MODULES)}")
    os.makedirs(d, exist_ok=True)
    if not found:
        why = "; ".join(tried) or "no package"
        log(f"{k.name}: no loop module for the guest ({why})")
        if not transient:
            cache.write_atomic(os.path.join(d, "NONE"), (why + "\n").encode())
        return None
    for mod, data in found.items():
        cache.write_atomic(os.path.join(d, f"{mod}.ko"), data)
    log(f"{k.name}: {', '.join(sorted(found))} module(s) from the kernel's package cached")
    return d


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
    if not os.path.exists(path):
        with open(initrd, "rb") as f:
            blob = f.read()
        blob += b"\0" * ((4 - len(blob) % 4) % 4)
        cache.write_atomic(path, blob + tail)
    return path
