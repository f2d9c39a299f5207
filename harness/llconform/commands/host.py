"""Every suite program on the running kernel, as root and other users.

The same judging as the matrix's host row: one cell per test, and per
program the check that its skips match its declared needs.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import host


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--build", type=Path, default=Path("build"),
                        help="the build folder (default: build)")
    parser.add_argument("--results", type=Path,
                        help="write results/<timestamp>/ and results/latest")
    parser.add_argument("--out", type=Path,
                        help="write into this folder (replacing its files)")
    parser.add_argument("--as-root", action="store_true",
                        help="run as root (the default without --as-user)")
    parser.add_argument("--as-user", action="append", default=[],
                        metavar="USER", help="also run as this user")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds per program (default 300)")


def run(args: argparse.Namespace) -> int:
    return host.run(args)
