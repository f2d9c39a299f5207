"""Every suite program on the running kernel, as root and as other users.

The matrix's host row, nothing else: the kernels `host` and `host@USER`
run through the same boot, timeouts and judging as in `matrix`, into a
matrix of their own (matrix.json, .md, .html, junit.xml).
"""
from __future__ import annotations

import argparse
import os
from pathlib import Path

from .. import run_matrix
from . import run_matrix_and_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-root", action="store_true",
                        help="run as root (the default without --as-user)")
    parser.add_argument("--as-user", action="append", default=[], metavar="USER",
                        help="also run as this user (the kernel host@USER)")
    parser.add_argument("--out", type=Path,
                        help="write into this folder instead of results/<timestamp>/")
    run_matrix.add_run_arguments(parser)


def host_names(as_root: bool, users: list[str]) -> list[str]:
    """`host` (as root, or as ourselves when not root) and `host@USER`."""
    if os.geteuid() != 0:
        return ["host"]  # not root: run as ourselves only
    names = ["host"] if as_root or not users else []
    return names + [f"host@{u}" for u in users]


def run(args: argparse.Namespace) -> int:
    request = run_matrix.request_from(args, host_names(args.as_root, args.as_user))
    request.run_dir = args.out
    request.record_probed = args.out is None
    return run_matrix_and_report(request, args.allow_known, lambda d: f"host results in {d}")
