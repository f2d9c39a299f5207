"""Host tools vm/ needs, installed from Debian's archive when missing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# command -> (Debian package, why vm/ needs it)
TOOLS: dict[str, tuple[str, str]] = {
    "qemu-system-x86_64": ("qemu-system-x86", "boots the guests"),
    "dpkg-deb": ("dpkg", "verifies and unpacks kernel packages"),
    "apt-get": ("apt", "downloads signed kernel packages"),
    "zstd": ("zstd", "decompresses zstd kernel payloads (6.12 and later)"),
    "lz4": ("lz4", "decompresses lz4 kernel payloads (5.10, 6.1)"),
    "gcc": ("gcc", "builds the guest /init"),
    "setpriv": ("util-linux", "runs the host row as another user (host@USER)"),
    # kernels built from source (vm/build.py)
    "make": ("make", "runs the kernel build"),
    "ld": ("binutils", "links the kernel"),
    "flex": ("flex", "Kconfig's lexer, needed by `make tinyconfig`"),
    "bison": ("bison", "Kconfig's parser, needed by `make tinyconfig`"),
    "bc": ("bc", "computes kernel/timeconst.h during the build"),
    "perl": ("perl-base", "kernel build scripts"),
    "patch": ("patch", "applies --patches to the source tree"),
    "xz": ("xz-utils", "unpacks linux-source-*.tar.xz and compresses the kernel"),
    "cpio": ("cpio", "kernel build (initramfs and header archives)"),
    # A path instead of a command: the file the package provides.
    "/usr/include/gelf.h": (
        "libelf-dev",
        "objtool (run by every x86_64 kernel build) links against libelf",
    ),
}


class MissingTool(RuntimeError):
    """A host tool is missing and could not be installed."""


def missing(commands: list[str]) -> list[str]:
    """Commands not on PATH; entries that are absolute paths: files that do not exist."""
    return [
        c
        for c in commands
        if (not os.path.exists(c) if c.startswith("/") else shutil.which(c) is None)
    ]


def ensure_packages(commands: list[str], install: bool = True) -> None:
    """Make sure every command exists; install its Debian package if not.

    Installs with --no-install-recommends (qemu-system-x86 otherwise pulls a
    GUI stack). Raises MissingTool with the exact apt-get line on failure.
    """
    absent = missing(commands)
    if not absent:
        return
    pkgs = sorted({TOOLS[c][0] for c in absent if c in TOOLS})
    unknown = [c for c in absent if c not in TOOLS]
    if unknown:
        raise MissingTool(f"missing command(s) {', '.join(unknown)}: no known Debian package")
    argv = ["apt-get", "install", "-y", "--no-install-recommends", *pkgs]
    line = " ".join(argv)
    for c in absent:
        pkg, why = TOOLS[c]
        print(f"vm: {c} is missing: installing Debian package {pkg} ({why})", file=sys.stderr)
    if not install or os.geteuid() != 0:
        raise MissingTool(f"missing {', '.join(absent)}; install with: {line}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"vm: running: {line}", file=sys.stderr)
    res = subprocess.run(argv, env=env, stdout=sys.stderr)
    if res.returncode != 0:
        print("vm: package lists may be stale, running apt-get update", file=sys.stderr)
        subprocess.run(["apt-get", "update"], env=env, stdout=sys.stderr)
        res = subprocess.run(argv, env=env, stdout=sys.stderr)
    if res.returncode != 0 or missing(absent):
        raise MissingTool(
            f"could not install {', '.join(pkgs)} (exit {res.returncode}); " f"run as root: {line}"
        )
