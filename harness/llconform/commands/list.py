"""The kernels of the catalogue: versions, cache, expectations, last probed.

Each name resolves as `vm/README.md` describes (catalogue entries, pins,
host, host@USER, file:, src:, +nolandlock); `last probed` is what the last
matrix run found (RESULTS/last-probed.json).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from vm import cli as vmcli
from vm import listing
from vm.api import Kernels

from .. import results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    vmcli.add_list_arguments(parser)
    parser.add_argument("--results", type=Path, default=Path("results"),
                        help="where matrix runs write (default: results)")


def run(args: argparse.Namespace) -> int:
    kernels = Kernels(vmcli.kernel_options(args))
    known = results.last_probed(args.results)
    rows = []
    for name in args.names or list(kernels.cat["kernels"]):
        found = listing.describe(kernels, name)
        rows.append(found.cells() + [results.last_probed_text(known, name, found.version)])
    print(listing.table([*listing.HEADER, "last probed"], rows))
    print(listing.NOTE)
    return 0
