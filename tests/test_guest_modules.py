"""vm/modules.py: the guest's modules (loop, overlay) ride in a cpio
appended to the shared initramfs (the kernel unpacks concatenated archives);
a module a kernel's packages lack is remembered, not retried."""
from __future__ import annotations

import os
from pathlib import Path

from vm import initramfs, modules


def test_modules_cpio_follows_the_shared_initrd(tmp_path: Path) -> None:
    shared = tmp_path / "shared.cpio"
    shared.write_bytes(initramfs.write_newc(
        [initramfs.Entry("init", 0o100755, b"\x7fELF")]) + b"\0\0")
    mods = tmp_path / "modules"
    mods.mkdir()
    (mods / "loop.ko").write_bytes(b"module bytes")
    (mods / "NOTES").write_text("not a module")
    path = modules.initrd_with_modules(str(shared), str(mods))
    blob = Path(path).read_bytes()
    head = shared.read_bytes()
    assert blob.startswith(head)
    tail = blob[len(head) + (4 - len(head) % 4) % 4:]
    entries = {e.name: e.data for e in initramfs.parse_newc(tail)}
    assert entries == {"modules": b"", "modules/loop.ko": b"module bytes"}
    # Cached: the same inputs give the same file, not a second one.
    assert modules.initrd_with_modules(str(shared), str(mods)) == path
    assert len(os.listdir(tmp_path)) == 3


def test_modules_of_non_debian_kernels_are_not_fetched(tmp_path: Path) -> None:
    class NoApt:
        def download(self, *args: object) -> tuple[None, str]:
            raise AssertionError("must not download")

    from vm.catalogue import Kernel
    k = Kernel(name="host", kind="host", expected={})
    assert modules.ensure(k, NoApt(), str(tmp_path)) is None  # type: ignore[arg-type]


def test_a_kernel_without_the_module_is_remembered(tmp_path: Path) -> None:
    from vm.catalogue import Kernel
    from vm.fetch import kernel_dir
    k = Kernel(name="debian-x", kind="debian", expected={},
               krel="9.9.9-cloud-amd64", version="9.9.9-1")
    none = Path(kernel_dir(str(tmp_path), "9.9.9-cloud-amd64", "9.9.9-1"))
    (none / "modules").mkdir(parents=True)
    (none / "modules" / "NONE").write_text("no package\n")

    class NoApt:
        def download(self, *args: object) -> tuple[None, str]:
            raise AssertionError("must not retry")

    assert modules.ensure(k, NoApt(), str(tmp_path)) is None  # type: ignore[arg-type]


def test_a_module_known_absent_is_not_fetched_again(tmp_path: Path) -> None:
    from vm.catalogue import Kernel
    from vm.fetch import kernel_dir
    k = Kernel(name="debian-x", kind="debian", expected={},
               krel="9.9.9-cloud-amd64", version="9.9.9-1")
    d = Path(kernel_dir(str(tmp_path), "9.9.9-cloud-amd64", "9.9.9-1")) / "modules"
    d.mkdir(parents=True)
    (d / "loop.ko").write_bytes(b"module bytes")

    class OneDownload:
        calls = 0

        def download(self, name: str, version: str, work: str) -> tuple[str | None, str]:
            self.calls += 1
            return None, "not served"

    apt = OneDownload()
    # overlay neither cached nor known absent: the packages are read again
    assert modules.ensure(k, apt, str(tmp_path)) == str(d)  # type: ignore[arg-type]
    assert apt.calls > 0
    (d / "overlay.none").write_text("not in linux-modules-9.9.9-cloud-amd64\n")
    apt.calls = 0
    assert modules.ensure(k, apt, str(tmp_path)) == str(d)  # type: ignore[arg-type]
    assert apt.calls == 0
