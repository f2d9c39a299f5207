"""The matrices of shards (`matrix --shard I/N`) as one matrix.

Shards of different suite builds are refused (their cells would not mean
the same thing), and so is a kernel present in two shards.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..matrix import MatrixError, exit_status, load
from ..merge import merge
from ..render import write_outputs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", type=Path, help="folder for the merged matrix")
    parser.add_argument("shards", type=Path, nargs="+",
                        help="the shards' matrix.json files")


def run(args: argparse.Namespace) -> int:
    try:
        doc = merge([(p, load(p)) for p in args.shards])
        args.out.mkdir(parents=True, exist_ok=True)
        write_outputs(args.out, doc)
    except MatrixError as err:
        print(f"llconform merge: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"llconform merge: error: {args.out}: {err.strerror}",
              file=sys.stderr)
        return 2
    print(f"llconform merge: {len(doc['kernels'])} kernels from "
          f"{len(args.shards)} shards in {args.out}", file=sys.stderr)
    return exit_status(doc)
