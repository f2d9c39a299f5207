"""Uncompressed vmlinux out of a bzImage (the payload that the boot stub unpacks).

The x86 boot header gives the payload's offset and length exactly
(boot protocol 2.08+: payload_offset at 0x248, payload_length at 0x24c,
relative to the protected-mode code after the setup sectors). Kernel
payloads other than gzip end with the 4-byte uncompressed size.
"""

from __future__ import annotations

import lzma
import shutil
import struct
import subprocess
import zlib

MAGICS: list[tuple[str, bytes]] = [
    ("gzip", b"\x1f\x8b"),
    ("zstd", b"\x28\xb5\x2f\xfd"),
    ("lz4", b"\x02\x21\x4c\x18"),
    ("xz", b"\xfd7zXZ\x00"),
    ("lzma", b"\x5d\x00\x00"),
    ("bzip2", b"BZh"),
]


class ImageError(ValueError):
    """Not a usable kernel image."""


class CorruptImage(ImageError):
    """A kernel image that is damaged (truncated, payload does not decompress)."""


def is_elf(data: bytes) -> bool:
    return data[:4] == b"\x7fELF"


def is_bzimage(data: bytes) -> bool:
    return len(data) > 0x260 and data[0x202:0x206] == b"HdrS"


def payload(bz: bytes) -> tuple[str, bytes]:
    """(format, compressed payload) of a bzImage."""
    if not is_bzimage(bz):
        raise ImageError("not a bzImage (no 'HdrS' boot header)")
    version = struct.unpack_from("<H", bz, 0x206)[0]
    if version < 0x208:
        raise ImageError(f"boot protocol {version:#x} has no payload fields")
    setup_sects = bz[0x1F1] or 4
    offset, length = struct.unpack_from("<II", bz, 0x248)
    start = (setup_sects + 1) * 512 + offset
    data = bz[start:start + length]
    if len(data) != length or length == 0:
        raise CorruptImage("bzImage truncated: payload runs past the end of the file")
    for fmt, magic in MAGICS:
        if data.startswith(magic):
            return fmt, data
    raise ImageError(f"unknown payload compression (magic {data[:4].hex()})")


def _tool(argv: list[str], data: bytes) -> bytes:
    if shutil.which(argv[0]) is None:
        raise ImageError(
            f"{argv[0]} is needed to decompress this kernel (Debian package {argv[0]})"
        )
    res = subprocess.run(argv, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if res.returncode != 0 and not is_elf(res.stdout):
        raise ImageError(f"{' '.join(argv)} failed: {res.stderr.decode(errors='replace').strip()}")
    return res.stdout


def decompress(fmt: str, data: bytes) -> bytes:
    if fmt == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)
    body = data[:-4]  # drop the appended uncompressed size
    if fmt == "xz":
        return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(body)
    if fmt == "lzma":
        return lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(body)
    if fmt == "zstd":
        return _tool(["zstd", "-d", "-q", "-c"], body)
    if fmt == "lz4":
        return _tool(["lz4", "-d", "-q", "-c"], body)
    if fmt == "bzip2":
        import bz2

        return bz2.decompress(body)
    raise ImageError(f"unsupported payload format {fmt}")


def vmlinux_from_bzimage(bz: bytes) -> tuple[str, bytes]:
    fmt, data = payload(bz)
    try:
        elf = decompress(fmt, data)
    except (OSError, lzma.LZMAError, zlib.error) as e:
        raise CorruptImage(f"{fmt} payload does not decompress: {e}") from e
    if not is_elf(elf):
        raise ImageError(f"{fmt} payload is not an ELF vmlinux")
    return fmt, elf


def has_pvh_note(elf: bytes) -> bool:
    """True if the ELF has XEN_ELFNOTE_PHYS32_ENTRY (PVH entry: microvm boots it)."""
    if not is_elf(elf) or elf[4] != 2:  # ELFCLASS64 only
        return False
    (phoff,) = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, _va, _pa, p_filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize
        )
        if p_type != 4:  # PT_NOTE
            continue
        pos, end = p_offset, p_offset + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            if name == b"Xen" and ntype == 18:
                return True
            pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return False
