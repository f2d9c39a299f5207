"""Boot kernels and run the suite programs in them (no verdict).

Writes OUT/<kernel>/guest.json, console.log, results.log and a KTAP file per
program, and OUT/summary.json; `matrix` turns these into verdicts.
"""
from __future__ import annotations

import argparse

from vm import cli as vmcli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    vmcli.add_boot_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return vmcli.cmd_boot(args)
