"""`./llconform list|fetch|build|boot` (and `python3 -m vm`, the same four):
the kernels-and-guests commands.

Each parses its arguments into `KernelOptions` / `BootRequest` and calls
`vm.kernels` / `vm.boot`; nothing else lives here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any, Callable, Protocol

from . import listing
from .boot import PROGRAM_TIMEOUT, BootRequest, boot
from .guest import exit_code
from .kernels import OBTAIN_ERRORS, KernelOptions, Kernels


class Adder(Protocol):
    """What the option functions below need: argparse's parser or group, or
    an adapter (the pytest plugin's)."""

    def add_argument(self, *flags: str, **kwargs: Any) -> Any: ...


def _proposed_list(values: list[str] | None) -> list[str] | None:
    """--expect-proposed a,b --expect-proposed c -> [a, b, c]; none -> []."""
    if not values:
        return None
    return sorted({v.strip() for item in values for v in item.split(",")} - {"", "none"})


def kernel_options(args: argparse.Namespace) -> KernelOptions:
    return KernelOptions(
        cache=args.cache,
        offline=args.offline,
        refresh=args.refresh,
        expect_abi=args.expect_abi,
        expect_errata=args.expect_errata,
        expect_proposed=_proposed_list(args.expect_proposed),
        lock=getattr(args, "lock", None),
        patches=args.patches,
        config_fragments=args.config_fragment or [],
        build_jobs=args.build_jobs,
    )


def boot_request(
    args: argparse.Namespace, out: str, suites: str | None, programs: list[str] | None = None
) -> BootRequest:
    """The request of the options of `add_guest_options` (and the kernel ones)."""
    return BootRequest(
        out=out,
        suites=suites,
        programs=programs,
        init=args.init,
        program_timeout=args.program_timeout,
        boot_timeout=args.boot_timeout,
        guest_timeout=args.guest_timeout,
        jobs=args.jobs,
        accel=args.accel,
        machine=args.machine,
        append=args.append or [],
        memory_mb=args.memory,
        qemu=args.qemu,
        compression=args.initramfs_compression,
        kernels=kernel_options(args),
    )


def cmd_list(args: argparse.Namespace) -> int:
    kernels = Kernels(kernel_options(args))
    names = args.names or list(kernels.cat["kernels"])
    rows = [listing.describe(kernels, n).cells() for n in names]
    print(listing.table(listing.HEADER, rows))
    print(listing.NOTE)
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Downloads kernels (src: kernels: only their source tree)."""
    kernels = Kernels(kernel_options(args))
    status = 0
    for name in args.names:
        try:
            k = kernels.resolve(name)
            where: str | None = "-"
            if k.kind == "src":
                where = kernels.source_tree(k)
                print(f"vm: {name}: source tree {where}", file=sys.stderr)
            else:
                img = kernels.obtain(k)
                if img is not None:
                    where = img.vmlinux or img.bzimage
        except OBTAIN_ERRORS as e:
            print(f"vm: {name}: error: {e}", file=sys.stderr)
            status = 2
            continue
        print(f"{k.name}\t{k.version or '-'}\t{k.krel or '-'}\t{where}")
    return status


def cmd_build(args: argparse.Namespace) -> int:
    """Builds src: kernels (or finds them in the cache); prints where the images are."""
    bad = [n for n in args.names if not n.startswith("src:")]
    if bad:
        print(f"vm: error: build takes src: kernels only, not {', '.join(bad)}", file=sys.stderr)
        return 2
    kernels = Kernels(kernel_options(args))
    start = time.monotonic()
    status = 0
    for name in args.names:
        try:
            k = kernels.resolve(name)
            img = kernels.obtain(k)
        except OBTAIN_ERRORS as e:
            print(f"vm: {name}: error: {e}", file=sys.stderr)
            status = 2
            continue
        assert img is not None
        b = k.build
        print(
            f"{k.name}\t{b.get('kernelversion')}\tkey {b.get('key')}\t"
            f"config {str(b.get('config_sha256'))[:12]}\t{img.vmlinux or img.bzimage}\t"
            f"bzImage {img.meta.get('vmlinuz_size', 0) >> 10} KiB"
        )
    print(f"vm: build: {time.monotonic() - start:.1f} s", file=sys.stderr)
    return status


def cmd_boot(args: argparse.Namespace) -> int:
    programs = args.programs.split(",") if args.programs is not None else None
    results = list(boot(args.names, boot_request(args, args.out, args.suites, programs)))
    by_name = {r.kernel: r for r in results}
    ordered = [by_name[n] for n in args.names if n in by_name]
    print(f"{'kernel':24} {'status':18} {'uname -r':30} {'init s':>7} {'total s':>8}  message")
    for r in ordered:
        t = r.times
        st = r.status + (f"({r.timeout_level})" if r.timeout_level else "")
        print(
            f"{r.kernel:24} {st:18} {str(r.uname or '-'):30} "
            f"{_num(t.boot_to_init):>7} {_num(t.total):>8}  {r.message}"
        )
    return exit_code(ordered)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _int(text: str) -> int:
    return int(text, 0)


def add_cache_options(p: Adder) -> None:
    """Where kernels are cached and whether the package lists may update."""
    p.add_argument(
        "--cache", help="kernel cache (default $LLCONFORM_CACHE or ~/.cache/llconform)"
    )
    p.add_argument("--offline", action="store_true", help="never update the package lists")
    p.add_argument("--refresh", action="store_true", help="update the package lists first")


def add_kernel_options(p: Adder) -> None:
    """The cache options, what to expect of file: and host kernels, how to
    build src: ones."""
    add_cache_options(p)
    p.add_argument(
        "--expect-abi", type=int, help="expected Landlock ABI of file: and host kernels"
    )
    p.add_argument(
        "--expect-errata", type=_int, help="expected errata bitmask of file: and host kernels"
    )
    p.add_argument(
        "--lock",
        metavar="FILE",
        help="resolve debian-<series> to the exact builds of this lock file "
        "(written by ./llconform lock)",
    )
    p.add_argument(
        "--expect-proposed",
        action="append",
        metavar="NAME[,NAME]",
        help="proposed Landlock features (e.g. no_inherit) that file:, host and src: kernels "
        "must accept; 'none' expects none (repeatable)",
    )
    p.add_argument(
        "--patches",
        metavar="DIR",
        help="src: kernels: apply DIR/*.patch (sorted) with patch -p1 before building",
    )
    p.add_argument(
        "--config-fragment",
        metavar="FILE",
        action="append",
        help="src: kernels: a Kconfig fragment merged after vm/config/llconform.config "
        "(repeatable; later ones win)",
    )
    p.add_argument(
        "--build-jobs",
        type=int,
        default=None,
        help="src: kernels: make -j (default: the number of cores)",
    )


def add_guest_options(p: Adder, jobs_default: int | None = None) -> None:
    """How guests boot: timeouts, parallelism, QEMU, the init (the fields of
    BootRequest but the output folder, the suites and the programs)."""
    p.add_argument(
        "--program-timeout",
        type=int,
        default=PROGRAM_TIMEOUT,
        help=f"seconds per program, in a guest and on the host (default {PROGRAM_TIMEOUT})",
    )
    p.add_argument(
        "--boot-timeout", type=float, default=60.0, help="seconds to reach /init (default 60)"
    )
    p.add_argument(
        "--guest-timeout",
        type=float,
        default=1800.0,
        help="wall-clock seconds per guest (default 1800)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=jobs_default or os.cpu_count() or 1,
        help="guests in parallel (default: %(default)s)",
    )
    p.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    p.add_argument(
        "--machine",
        choices=["auto", "microvm", "pc"],
        default="auto",
        help="auto: microvm with the vmlinux, -M pc with the bzImage when there is none",
    )
    p.add_argument("--append", action="append", help="extra kernel command line words")
    p.add_argument("--memory", type=int, default=512, help="guest memory in MiB")
    p.add_argument(
        "--initramfs-compression",
        choices=["xz", "gzip", "none"],
        default="none",
        help="none (default: 20 MB, unpacked twice as fast as xz under TCG), xz or gzip",
    )
    p.add_argument("--qemu", help="QEMU binary (default $LLCONFORM_QEMU or qemu-system-x86_64)")
    p.add_argument(
        "--init", help="a prebuilt static guest_init (default: built from harness/guest_init.c)"
    )


def add_list_arguments(p: argparse.ArgumentParser) -> None:
    add_kernel_options(p)
    p.add_argument("names", nargs="*", help="kernel names (default: the catalogue)")


def add_fetch_arguments(p: argparse.ArgumentParser) -> None:
    add_kernel_options(p)
    p.add_argument("names", nargs="+", help="kernel names")


add_build_arguments = add_fetch_arguments


def add_boot_arguments(p: argparse.ArgumentParser) -> None:
    add_kernel_options(p)
    p.add_argument("names", nargs="+", help="kernel names")
    p.add_argument("--suites", help="directory of static test programs (none: a bare boot)")
    p.add_argument("--out", required=True, help="results directory (one subdirectory per kernel)")
    p.add_argument("--programs", help="comma-separated subset of the programs to run")
    add_guest_options(p)


AddArguments = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, AddArguments, Callable[[argparse.Namespace], int]]] = {
    "list": ("the catalogue: resolved versions, cache, expectations", add_list_arguments, cmd_list),
    "fetch": (
        "download kernels into the cache (src: kernels: the source tree only)",
        add_fetch_arguments,
        cmd_fetch,
    ),
    "build": ("build src: kernels into the cache (no boot)", add_build_arguments, cmd_build),
    "boot": ("boot kernels and run the suites in them", add_boot_arguments, cmd_boot),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m vm", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, (summary, add, _) in COMMANDS.items():
        add(sub.add_parser(name, help=summary))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.cmd][2](args)
    except KeyboardInterrupt:
        return 2
