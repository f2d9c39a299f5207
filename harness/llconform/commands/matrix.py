"""Every suite in every selected kernel: one compatibility matrix.

Kernels boot in parallel, once each; a line per kernel goes to stderr as it
finishes; results/<timestamp>/ (and results/latest) get matrix.json, .md,
.html, junit.xml and each guest's logs.  After `--`, pytest options
(`-k abi4`, `-x`, `--lf`) select cells as items `kernel::program::test`:
the same run, seen through pytest (needs python3-pytest).
"""
from __future__ import annotations

import argparse
import sys

from .. import run_matrix, selection
from . import run_matrix_and_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    run_matrix.add_arguments(parser)
    parser.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS",
                        help="pytest options: the cells as pytest items")


def run(args: argparse.Namespace) -> int:
    if args.pytest_args:
        from .. import pytest_matrix
        return pytest_matrix.main(args, args.pytest_args)
    try:
        names = run_matrix.select(args.kernels, args.shard)
    except selection.SelectionError as err:
        print(f"llconform: error: {err}", file=sys.stderr)
        return 2
    if not names:
        print(f"llconform: shard {args.shard} holds no kernel", file=sys.stderr)
        return 0
    return run_matrix_and_report(
        run_matrix.request_from(args, names), args.allow_known,
        lambda d: f"matrix in {d}/matrix.{{json,md,html}}, junit.xml")
