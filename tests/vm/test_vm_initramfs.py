"""initramfs images: what build() writes parses back, byte for byte."""

import gzip
import lzma
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from vm import initramfs
from vm.initramfs import Entry


@pytest.fixture
def files(tmp_path: os.PathLike) -> tuple[str, list[str]]:
    init = os.path.join(tmp_path, "guest_init")
    with open(init, "wb") as f:
        f.write(b"\x7fELF init" * 100)
    progs = []
    for name, size in [("zeta", 3), ("abi1_fs", 1001), ("base", 0)]:
        path = os.path.join(tmp_path, name)
        with open(path, "wb") as f:
            f.write(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
        progs.append(path)
    return init, progs


@pytest.mark.parametrize("compress", initramfs.COMPRESSIONS)
def test_build_parses_back(files: tuple[str, list[str]], compress: str) -> None:
    init, progs = files
    blob = initramfs.build(init, progs, compress)
    if compress == "gzip":
        assert blob[:2] == b"\x1f\x8b"
    elif compress == "xz":
        assert blob[:6] == b"\xfd7zXZ\x00"
        # the kernel's xz decoder needs CRC32 checks
        assert lzma.decompress(blob)[:6] == b"070701"
    entries = {e.name: e for e in initramfs.read(blob)}
    assert stat.S_ISREG(entries["init"].mode) and entries["init"].mode & 0o777 == 0o755
    with open(init, "rb") as f:
        assert entries["init"].data == f.read()
    for d in ["dev", "proc", "sys", "tmp", "run", "suites"]:
        assert stat.S_ISDIR(entries[d].mode)
    assert stat.S_ISCHR(entries["dev/console"].mode) and entries["dev/console"].rdev == (5, 1)
    suites = [e.name for e in initramfs.read(blob) if e.name.startswith("suites/")]
    assert suites == ["suites/abi1_fs", "suites/base", "suites/zeta"]
    for p in progs:
        with open(p, "rb") as f:
            assert entries["suites/" + os.path.basename(p)].data == f.read()


def test_newc_layout_is_4_byte_aligned() -> None:
    blob = initramfs.write_newc(
        [Entry("a", stat.S_IFREG | 0o644, b"12345"), Entry("bb", stat.S_IFDIR | 0o755)]
    )
    assert len(blob) % 4 == 0
    assert blob.startswith(b"070701")
    # header (110) + "a\0" padded to 112, data 5 padded to 8
    assert blob[120:126] == b"070701"
    assert blob.rstrip(b"\0").endswith(b"TRAILER!!!")
    assert [(e.name, e.data) for e in initramfs.parse_newc(blob)] == [("a", b"12345"), ("bb", b"")]


def test_build_is_deterministic(files: tuple[str, list[str]]) -> None:
    init, progs = files
    assert initramfs.build(init, progs, "gzip") == initramfs.build(init, progs, "gzip")
    assert gzip.decompress(initramfs.build(init, progs, "gzip")) == initramfs.build(
        init, progs, "none"
    )


def test_many_static_programs_stay_small(tmp_path: os.PathLike) -> None:
    """17 programs sharing most of their bytes (as static binaries do) -> well under 2 MiB."""
    common = os.urandom(900 * 1024)
    progs = []
    for i in range(17):
        path = os.path.join(tmp_path, f"prog{i:02}")
        with open(path, "wb") as f:
            f.write(common + os.urandom(8 * 1024))
        progs.append(path)
    blob = initramfs.build(progs[0], progs, "xz")
    assert len(blob) < 2 << 20


def test_bad_archive() -> None:
    with pytest.raises(ValueError, match="bad cpio magic"):
        initramfs.parse_newc(b"070707" + b"0" * 200)


def test_programs_are_stripped_of_debug_sections(tmp_path) -> None:
    src = tmp_path / "p.c"
    src.write_text("int main(void) { return 0; }\n")
    prog = tmp_path / "p"
    subprocess.run(["gcc", "-g", "-static", "-o", str(prog), str(src)], check=True)
    assert b".debug_info" in prog.read_bytes()
    (entry,) = [e for e in initramfs.parse_newc(initramfs.archive(str(prog), [str(prog)]))
                if e.name == "suites/p"]
    assert b".debug_info" not in entry.data
    assert 0 < len(entry.data) < prog.stat().st_size
    assert entry.data.startswith(b"\x7fELF")


def _image(directory: Path, name: str, size: int, age_s: float, now: float) -> Path:
    path = directory / name
    path.write_bytes(b"\0" * size)
    os.utime(path, (now - age_s, now - age_s))
    return path


def test_prune_drops_images_unused_for_a_week(tmp_path: Path) -> None:
    now = 1_800_000_000.0
    old = _image(tmp_path, "a.cpio.none", 10, 8 * 86400, now)
    recent = _image(tmp_path, "b.cpio.none", 10, 6 * 86400, now)
    assert initramfs.prune(str(tmp_path), now) == [str(old)]
    assert recent.exists()


def test_prune_keeps_the_most_recently_used_within_the_size_cap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    now = 1_800_000_000.0
    monkeypatch.setattr(initramfs, "PRUNE_BYTES", 25)
    newest = _image(tmp_path, "n.cpio.none", 10, 2 * 3600, now)
    middle = _image(tmp_path, "m.cpio.none", 10, 3 * 3600, now)
    oldest = _image(tmp_path, "o.cpio.none", 10, 4 * 3600, now)
    young = _image(tmp_path, "y.cpio.none", 10, 60, now)  # may be booting
    assert initramfs.prune(str(tmp_path), now) == [str(middle), str(oldest)]
    assert newest.exists() and young.exists()


def test_a_cache_hit_marks_the_image_used(tmp_path: Path) -> None:
    path = _image(tmp_path, "h.cpio.none", 1, 30 * 86400, 1_800_000_000.0)
    initramfs.used(str(path))
    assert time.time() - path.stat().st_mtime < 60
