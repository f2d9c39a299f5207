"""The kernel cache: atomic entries, corruption detected and never booted."""

import gzip
import os

from test_vm_bzimage import fake_bzimage, fake_elf_with_pvh
from vm import fetch


def test_install_and_detect_corruption(tmp_path: os.PathLike) -> None:
    d = os.path.join(tmp_path, "k")
    bz = fake_bzimage(gzip.compress(fake_elf_with_pvh()))
    img = fetch.install_image(
        d, bz, {"source": "test", "krel": "1.2.3-cloud-amd64", "version": "1"}
    )
    assert img.vmlinux and img.meta["pvh"] and img.meta["payload"] == "gzip"
    assert fetch._check_cached(d) is not None
    with open(os.path.join(d, "vmlinux"), "r+b") as f:  # truncated vmlinux
        f.truncate(10)
    assert fetch._check_cached(d) is None
    fetch.install_image(d, bz, {"source": "test"})
    with open(os.path.join(d, "vmlinux"), "r+b") as f:  # not an ELF any more
        f.write(b"XXXX")
    assert fetch._check_cached(d) is None
    fetch.install_image(d, bz, {"source": "test"})
    os.unlink(os.path.join(d, "meta.json"))  # an interrupted fetch
    assert fetch._check_cached(d) is None


def test_no_temp_files_left(tmp_path: os.PathLike) -> None:
    d = os.path.join(tmp_path, "k")
    fetch.install_image(d, fake_bzimage(gzip.compress(fake_elf_with_pvh())), {"source": "t"})
    assert sorted(os.listdir(d)) == ["meta.json", "vmlinux", "vmlinuz"]


def test_corrupt_deb_is_rejected(tmp_path: os.PathLike) -> None:
    deb = os.path.join(tmp_path, "x.deb")
    with open(deb, "wb") as f:
        f.write(b"!<arch>\ngarbage")
    assert fetch._verify_deb(deb)


def test_file_kernel_errors(tmp_path: os.PathLike) -> None:
    from vm.catalogue import Kernel

    bad = os.path.join(tmp_path, "bzImage")
    with open(bad, "wb") as f:
        f.write(b"not a kernel at all")
    k = Kernel(f"file:{bad}", "file", {}, path=bad)
    try:
        fetch.fetch_file(k, str(tmp_path))
    except fetch.FetchError as e:
        assert "neither a bzImage nor an ELF vmlinux" in str(e)
    else:
        raise AssertionError("a corrupt file: kernel was accepted")
