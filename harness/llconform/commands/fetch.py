"""Download kernels into the cache (src: kernels: the source tree only).

Debian packages come through a private apt state verified against Debian's
archive keyring; prints each kernel's version, release and image.
"""
from __future__ import annotations

import argparse

from vm import cli as vmcli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    vmcli.add_fetch_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return vmcli.cmd_fetch(args)
