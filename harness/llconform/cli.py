"""`./llconform COMMAND ...`: the one command; each subcommand is a module
of llconform.commands."""
from __future__ import annotations

import argparse
import sys

from . import commands


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="llconform",
        description="Landlock conformance: every suite in every kernel, "
        "one matrix.",
        epilog=commands.EXIT,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = top.add_subparsers(dest="command", required=True,
                             metavar="COMMAND")
    for command in commands.discover():
        p = sub.add_parser(
            command.name, help=command.summary,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except KeyboardInterrupt:
        print("llconform: interrupted", file=sys.stderr)
        return commands.EXIT_OURS
    return status
