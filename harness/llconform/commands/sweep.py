"""Tests across every point release of one Debian series: where they flip.

Without --bisect every release boots (in parallel); with it, only the
releases a binary search for the first flip needs.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import sweep


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("series", help="a catalogue entry, e.g. debian-6.1")
    parser.add_argument("--tests", action="append", default=[],
                        help="program::test globs (default: every test)")
    parser.add_argument("--programs", action="append", default=[],
                        help="only these programs (faster boots)")
    parser.add_argument("--bisect", action="store_true",
                        help="boot only what a binary search needs")
    parser.add_argument("--build", type=Path, default=Path("build"),
                        help="the build folder (default: build)")
    parser.add_argument("--results", type=Path, default=Path("results"),
                        help="sweeps go to RESULTS/sweeps/<timestamp>/")
    parser.add_argument("-j", "--jobs", type=int, default=2,
                        help="guests at a time (default 2)")
    parser.add_argument("--vm-arg", action="append", default=[],
                        help="an option of `llconform boot`")


def run(args: argparse.Namespace) -> int:
    return sweep.run(args)
