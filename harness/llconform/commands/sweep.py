"""Tests across every point release of one Debian series: where they flip.

Without --bisect every release boots (in parallel); with it, only the
releases a binary search for the first flip needs.  Each boot is a matrix
run under RESULTS/sweeps/<timestamp>/.
"""
from __future__ import annotations

import argparse
import sys

from .. import results, run_matrix, sweep


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("series", help="a catalogue entry, e.g. debian-6.1")
    parser.add_argument("--tests", action="append", default=[],
                        help="program::test globs (default: every test)")
    parser.add_argument("--bisect", action="store_true",
                        help="boot only what a binary search needs")
    run_matrix.add_run_arguments(parser)


def run(args: argparse.Namespace) -> int:
    try:
        return sweep.run(args.series, args.tests, args.bisect,
                         run_matrix.request_from(args, []))
    except (sweep.SweepError, RuntimeError, results.ResultsError) as err:
        print(f"llconform sweep: error: {err}", file=sys.stderr)
        return 2
