"""Coverage of security/landlock: our suites vs the upstream selftests.

Builds the src: kernel with gcov for security/landlock only and fault
injection (vm/config/coverage.config, cached like any src: build), boots it
twice (our suites; the tree's upstream Landlock selftests), brings the
gcov data back over the results channel and writes lcov's report to
RESULTS/<timestamp>/coverage/: llconform.info, upstream.info, both.info,
coverage.json (totals, per file, uncovered lines with their function,
lines only one set covers) and html/. See harness/llconform/coverage.py.
"""
from __future__ import annotations

import argparse

from .. import coverage


def add_arguments(parser: argparse.ArgumentParser) -> None:
    coverage.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return coverage.run(args)
