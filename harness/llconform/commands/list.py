"""The kernels of the catalogue: resolved versions, cache, expectations.

Each name resolves as `vm/README.md` describes (catalogue entries, pins,
host, file:, src:, +nolandlock).
"""
from __future__ import annotations

import argparse

from vm import cli as vmcli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    vmcli.add_list_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return vmcli.cmd_list(vmcli.Context(args))
