"""Our suites against the upstream Landlock selftests, and guest boot times.

Times every upstream Landlock selftest against every one of our suites on
this kernel, then boots the catalogue's kernels bare and with our suites
(TCG).  See harness/llconform/bench.py for what is measured.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from vm import cli as vmcli

from .. import bench
from . import EXIT_OK, EXIT_OURS
from ..bench_upstream import DEFAULT_TREE

UPSTREAM_TREE_HELP = (
    "also compare our suites with the Landlock selftests of this vm source "
    "tree, fetched and unpacked by the vm tool (as `./llconform fetch "
    "NAME`) and built into BUILD/bench/upstream-<series>/: src:debian-X.Y "
    "(Debian's linux-source-X.Y, e.g. src:debian-7.3, whose selftests take "
    "~45 s on an ABI 7 kernel: their per-test timeouts fire on the ABI "
    "8-11 features it lacks; one run per program unless --repeat is given) "
    "or src:/path/to/tree; `none` to skip (default: "
    "{default})"
)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--build", default="build", type=Path,
                        help="build directory (default: build)")
    parser.add_argument("--repeat", default=None, type=_positive,
                        help="runs per program; the median is shown "
                        "(default: 3, and 1 for the --upstream-tree set)")
    parser.add_argument("--guest-runs", default=1, type=_positive,
                        help="guest part: boot (a) bare then (b) with the "
                        "suites this many times; the tables are those of "
                        "the run with the median (b) wall time (default: 1; "
                        "`make bench`: 3, as a shared machine's speed moves "
                        "by a third within minutes)")
    parser.add_argument("--upstream-tree", metavar="NAME", default=None,
                        help=UPSTREAM_TREE_HELP.format(default=DEFAULT_TREE))
    parser.add_argument("--no-host", action="store_true",
                        help="skip the host part (the guests only)")
    parser.add_argument("--no-guests", action="store_true",
                        help="skip the guest part (the host only)")
    parser.add_argument("--kernels", action="append", default=[],
                        help="guest part: catalogue names, globs "
                        "(debian-7.*), comma lists (default: every "
                        "debian-* series of the catalogue)")
    parser.add_argument("--programs", help="guest part: only these suite programs "
                        "in the boots with suites (comma list)")
    vmcli.add_kernel_options(parser)
    vmcli.add_guest_options(parser)


def run(args: argparse.Namespace) -> int:
    programs = args.programs.split(",") if args.programs else None
    failed = bench.run(Path(args.build), args.repeat, args.upstream_tree,
                       not args.no_host, not args.no_guests, args.kernels,
                       vmcli.boot_request(args, out="", suites=None, programs=programs),
                       args.guest_runs)
    # A bench judges no kernel: anything that went wrong is our side's.
    return EXIT_OURS if failed else EXIT_OK
