"""bzImage payload location and vmlinux checks on synthetic images."""

import gzip
import os
import struct

import pytest

from vm import bzimage


def fake_bzimage(payload: bytes, setup_sects: int = 2) -> bytes:
    hdr = bytearray(512 * (setup_sects + 1))
    hdr[0x1F1] = setup_sects
    hdr[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", hdr, 0x206, 0x20F)
    struct.pack_into("<II", hdr, 0x248, 16, len(payload))
    return bytes(hdr) + b"\0" * 16 + payload + b"trailing"


def fake_elf_with_pvh() -> bytes:
    note = struct.pack("<III", 4, 4, 18) + b"Xen\0" + b"\0\0\0\1"
    elf = bytearray(0x40 + 56)
    elf[:5] = b"\x7fELF\x02"
    struct.pack_into("<Q", elf, 0x20, 0x40)
    struct.pack_into("<HH", elf, 0x36, 56, 1)
    struct.pack_into("<IIQQQQ", elf, 0x40, 4, 0, len(elf), 0, 0, len(note))
    return bytes(elf) + note


def test_gzip_payload_roundtrip() -> None:
    elf = fake_elf_with_pvh()
    fmt, out = bzimage.vmlinux_from_bzimage(fake_bzimage(gzip.compress(elf)))
    assert fmt == "gzip" and out == elf
    assert bzimage.has_pvh_note(out)


def test_xz_payload_with_size_trailer() -> None:
    import lzma

    elf = fake_elf_with_pvh()
    payload = lzma.compress(elf, check=lzma.CHECK_CRC32) + struct.pack("<I", len(elf))
    assert bzimage.vmlinux_from_bzimage(fake_bzimage(payload)) == ("xz", elf)


def test_not_a_bzimage() -> None:
    with pytest.raises(bzimage.ImageError, match="not a bzImage"):
        bzimage.payload(b"garbage" * 200)


def test_truncated_bzimage() -> None:
    bz = fake_bzimage(gzip.compress(os.urandom(4000)))
    with pytest.raises(bzimage.ImageError, match="truncated"):
        bzimage.payload(bz[:1600])


def test_corrupt_payload() -> None:
    with pytest.raises(bzimage.ImageError):
        bzimage.vmlinux_from_bzimage(fake_bzimage(b"\x1f\x8b\x08" + b"\xff" * 100))


def test_elf_without_pvh() -> None:
    assert not bzimage.has_pvh_note(b"\x7fELF\x02" + b"\0" * 100)
