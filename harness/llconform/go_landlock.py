"""A real third-party Landlock client for `llconform exec`: the Go library
go-landlock's own tests, built from Debian's packages.

Everything comes through vm's private, signed apt state (vm/debs.py) and is
unpacked into the cache, never installed: the library and its dependencies
as Debian's Go packaging lays them out (/usr/share/gocode/src/<module
path>) and a Go toolchain new enough for their go.mod files. The build is
GOPATH-less and offline: the library's module is copied into a work folder
whose go.mod replaces each dependency by its folder (GOPROXY=off,
GOFLAGS=-mod=mod, GOTOOLCHAIN=local), and each test package becomes one
static test binary (`CGO_ENABLED=0 go test -c`).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from vm import debs
from vm.apt import AptState

SUITE = "sid"
LIBRARY = "golang-github-landlock-lsm-go-landlock-dev"
# Its Depends (the Go packages of its go.mod's require lines).
DEPENDENCIES = ("golang-golang-x-sys-dev", "golang-kernel-pub-linux-libs-security-libcap-dev")
# The newest toolchain of the same suite: x/sys 0.49 in sid says `go 1.26.0`.
TOOLCHAIN = ("golang-1.26-go", "golang-1.26-src")
GOROOT = "usr/lib/go-1.26"
GOCODE = "usr/share/gocode/src"
MODULE = "github.com/landlock-lsm/go-landlock"
# Debian ships psx's sources without its go.mod: one is written for the replace.
PSX = "kernel.org/pub/linux/libs/security/libcap/psx"
# Test packages of the module, and the binary each becomes.
TEST_PACKAGES = {"./landlock": "go-landlock.test", "./landlock/syscall": "go-landlock-syscall.test"}


class GoBuildError(RuntimeError):
    """The toolchain or the library cannot be had, or the build failed."""


@dataclass
class Built:
    binaries: list[Path]
    toolchain: str  # `go version`
    packages: list[str]  # "name version suite" of everything used


def _go_directive(go_mod: Path) -> tuple[int, ...]:
    m = re.search(r"^go (\d+(?:\.\d+)*)\s*$", go_mod.read_text(), re.M)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (1,)


def _version_tuple(text: str) -> tuple[int, ...]:
    m = re.search(r"go(\d+(?:\.\d+)*)", text)
    return tuple(int(x) for x in m.group(1).split(".")) if m else (0,)


def _unpacked(folder: str) -> list[str]:
    return Path(folder, ".llconform-unpacked").read_text().splitlines()


def build(apt: AptState, out: Path, cache_root: str) -> Built:
    """The library's test binaries in OUT/bin (the work folder is OUT/src)."""
    try:
        toolchain = debs.extract(apt, SUITE, TOOLCHAIN, "go-toolchain")
        library = debs.extract(apt, SUITE, (LIBRARY, *DEPENDENCIES), "go-landlock")
    except (debs.DebError, RuntimeError, OSError) as e:
        raise GoBuildError(str(e)) from e
    goroot = Path(toolchain, GOROOT)
    gocode = Path(library, GOCODE)
    env = {
        "PATH": f"{goroot}/bin:/usr/bin:/bin",
        "HOME": str(out),
        "GOROOT": str(goroot),
        "GOPATH": str(out / "gopath"),
        "GOCACHE": os.path.join(cache_root, "go-build"),
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOFLAGS": "-mod=mod",
        "CGO_ENABLED": "0",
    }
    version = subprocess.run([str(goroot / "bin" / "go"), "version"], env=env,
                             capture_output=True, text=True).stdout.strip()
    mods = (gocode / MODULE / "go.mod", gocode / "golang.org/x/sys/go.mod")
    need = max(_go_directive(p) for p in mods)
    if _version_tuple(version) < need:
        raise GoBuildError(f"{version or 'no go'}: the library's go.mod files need go "
                           + ".".join(map(str, need)))
    src = out / "src"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(gocode / MODULE, src / "go-landlock")
    shutil.copytree(gocode / PSX, src / "psx")
    (src / "psx" / "go.mod").write_text(f"module {PSX}\n\ngo 1.16\n")
    module = src / "go-landlock"
    replaces = {"golang.org/x/sys": str(gocode / "golang.org/x/sys"), PSX: str(src / "psx")}
    with open(module / "go.mod", "a") as f:
        f.write("\n// llconform: Debian's packaged sources instead of the module proxy\n")
        f.writelines(f"replace {m} => {d}\n" for m, d in replaces.items())
    bin_dir = out / "bin"
    shutil.rmtree(bin_dir, ignore_errors=True)
    bin_dir.mkdir(parents=True)
    binaries = []
    for package, name in TEST_PACKAGES.items():
        argv = ["go", "test", "-c", "-o", str(bin_dir / name), package]
        print(f"go-landlock: {' '.join(argv)}", file=sys.stderr, flush=True)
        done = subprocess.run(argv, cwd=module, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise GoBuildError(f"{' '.join(argv)} failed:\n{done.stdout}{done.stderr}")
        binaries.append(bin_dir / name)
    used = _unpacked(toolchain) + _unpacked(library)
    (out / "BUILT").write_text(version + "\n" + "\n".join(used) + "\n")
    return Built(binaries, version, used)
