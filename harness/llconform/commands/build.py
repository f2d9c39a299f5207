"""Build src: kernels into the cache, without booting them.

`src:debian-<series>` is Debian's linux-source, `src:<path>` a local tree;
--patches and --config-fragment apply to every src: kernel of the command.
"""
from __future__ import annotations

import argparse

from vm import cli as vmcli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    vmcli.add_build_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return vmcli.cmd_build(args)
