"""initramfs images: the cpio "newc" format, written without root or tools."""

from __future__ import annotations

import gzip
import lzma
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

TRAILER = "TRAILER!!!"
XZ_DICT = 16 << 20
COMPRESSIONS = ("xz", "gzip", "none")


@dataclass
class Entry:
    name: str  # without leading '/'
    mode: int  # full st_mode (type | permissions)
    data: bytes = b""
    rdev: tuple[int, int] = (0, 0)


def _pad4(n: int) -> int:
    return (4 - n % 4) % 4


def write_newc(entries: list[Entry]) -> bytes:
    out = bytearray()
    for ino, e in enumerate([*entries, Entry(TRAILER, 0)], start=1):
        name = e.name.encode() + b"\0"
        fields = [
            ino if e.name != TRAILER else 0,
            e.mode,
            0,
            0,
            2 if stat.S_ISDIR(e.mode) else 1,
            0,
            len(e.data),
            0,
            0,
            e.rdev[0],
            e.rdev[1],
            len(name),
            0,
        ]
        out += b"070701" + b"".join(b"%08X" % f for f in fields) + name
        out += b"\0" * _pad4(110 + len(name))
        out += e.data + b"\0" * _pad4(len(e.data))
    return bytes(out)


def parse_newc(blob: bytes) -> list[Entry]:
    """Entries of a newc archive (the trailer excluded)."""
    entries: list[Entry] = []
    pos = 0
    while True:
        if blob[pos:pos + 6] != b"070701":
            raise ValueError(f"bad cpio magic at offset {pos}")
        f = [int(blob[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        namesize, filesize = f[11], f[6]
        name = blob[pos + 110:pos + 110 + namesize - 1].decode()
        pos += 110 + namesize
        pos += _pad4(pos)
        data = blob[pos:pos + filesize]
        pos += filesize + _pad4(filesize)
        if name == TRAILER:
            return entries
        entries.append(Entry(name, f[1], data, (f[9], f[10])))


# Extra files: (path on the host, absolute path in the guest).
Files = Sequence[tuple[str, str]]


def build(
    init: str, programs: list[str], compress: str = "xz", files: Files = ()
) -> bytes:
    """An initramfs with /init and /suites/<program> for each path in programs,
    and each (host path, guest path) of files as it is."""
    return compressed(archive(init, programs, files), compress)


def _file_entries(files: Files, have: set[str]) -> list[Entry]:
    """Entries for files, their parent directories first (the kernel's
    unpacker creates no missing parent)."""
    entries = []
    for src, dest in files:
        name = dest.lstrip("/")
        parts = name.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            if d not in have:
                have.add(d)
                entries.append(Entry(d, stat.S_IFDIR | 0o755))
        with open(src, "rb") as f:
            data = f.read()
        mode = stat.S_IMODE(os.stat(src).st_mode)
        entries.append(Entry(name, stat.S_IFREG | mode, data))
    return entries


def archive(init: str, programs: list[str], files: Files = ()) -> bytes:
    """The uncompressed newc archive of build()."""
    dirs = ["dev", "proc", "sys", "tmp", "run", "root", "suites"]
    entries = [Entry(d, stat.S_IFDIR | 0o755) for d in dirs]
    entries.append(Entry("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1)))
    entries.append(Entry("init", stat.S_IFREG | 0o755, stripped(init)))
    for path in sorted(programs, key=os.path.basename):
        entries.append(
            Entry("suites/" + os.path.basename(path), stat.S_IFREG | 0o755, stripped(path))
        )
    entries += _file_entries(files, {e.name for e in entries})
    return write_newc(entries)


def stripped(path: str) -> bytes:
    """The program without its symbols and debug sections: the guest needs
    none, and under TCG every byte the kernel unpacks costs boot time (the
    suites: 18.9 MiB -> 13 MiB unpacked, 2.0 -> 1.0 MiB compressed)."""
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"\x7fELF") or shutil.which("strip") is None:
        return data
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "program")
        done = subprocess.run(["strip", "--strip-all", "-o", out, path], capture_output=True)
        if done.returncode != 0:
            return data
        with open(out, "rb") as f:
            return f.read()


def compressed(blob: bytes, compress: str) -> bytes:
    if compress == "xz":
        # The kernel's xz decoder wants CRC32 (or no) checks. A dictionary larger
        # than one static binary lets identical libc code across programs
        # compress to almost nothing (17 static programs: 13 MiB -> 0.3 MiB).
        return lzma.compress(
            blob,
            format=lzma.FORMAT_XZ,
            check=lzma.CHECK_CRC32,
            filters=[{"id": lzma.FILTER_LZMA2, "preset": 6, "dict_size": XZ_DICT}],
        )
    if compress == "gzip":
        return gzip.compress(blob, compresslevel=6, mtime=0)
    if compress == "none":
        return blob
    raise ValueError(f"unknown initramfs compression {compress}")


def read(blob: bytes) -> list[Entry]:
    """Parse back an initramfs written by build()."""
    if blob[:2] == b"\x1f\x8b":
        blob = gzip.decompress(blob)
    elif blob[:6] == b"\xfd7zXZ\x00":
        blob = lzma.decompress(blob)
    return parse_newc(blob)


def build_cached(
    init: str, programs: list[str], compress: str, cache_root: str, files: Files = ()
) -> str:
    """Path of build()'s image in the cache, keyed by content (xz takes seconds)."""
    import hashlib

    from . import cache

    blob = archive(init, programs, files)
    key = hashlib.sha256(blob).hexdigest()[:24]
    path = os.path.join(cache_root, "initramfs", f"{key}.cpio.{compress}")
    if os.path.exists(path):
        used(path)
    else:
        cache.write_atomic(path, compressed(blob, compress))
        prune(os.path.dirname(path))
    return path


# Every build of the suites makes a new image (about 20 MB uncompressed, and
# one more per kernel with its modules): kept for reuse, not for ever.
PRUNE_AGE_S = 7 * 86400
PRUNE_BYTES = 2 << 30
# Never removed, whatever the total: an image this young may be booting now.
PRUNE_GRACE_S = 3600


def used(path: str) -> None:
    """Marks a cached image as used now: prune() goes by modification time."""
    try:
        os.utime(path)
    except OSError:
        pass


def prune(directory: str, now: float | None = None) -> list[str]:
    """Removes the images of `directory` unused for PRUNE_AGE_S, then the
    least recently used beyond PRUNE_BYTES in all, except those used within
    PRUNE_GRACE_S.  Returns the paths removed."""
    now = time.time() if now is None else now
    found = []
    for entry in os.scandir(directory):
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if entry.is_file(follow_symlinks=False):
            found.append((st.st_mtime, st.st_size, entry.path))
    found.sort(reverse=True)  # newest first
    removed, total = [], 0
    for mtime, size, path in found:
        age = now - mtime
        if age > PRUNE_GRACE_S and (age > PRUNE_AGE_S
                                    or total + size > PRUNE_BYTES):
            try:
                os.unlink(path)
                removed.append(path)
                continue
            except OSError:
                pass
        total += size
    return removed
