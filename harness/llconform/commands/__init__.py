"""The subcommands of `./llconform`, one module each.

A module here is a subcommand named after it (`bench_guests.py` would be
`bench-guests`): its docstring's first line is the one-line help and the
rest the description; it defines `add_arguments(parser)` and
`run(args) -> int`.  Adding a subcommand is adding a module: nothing else
lists them.  A command module only parses its arguments and calls the
library; every one keeps the exit status contract of `EXIT`.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ..run_matrix import MatrixRequest

# The exit status of every subcommand.
EXIT_OK = 0  # nothing failed
EXIT_DEVIATION = 1  # a kernel deviates from what its ABI and errata promise
EXIT_OURS = 2  # our side failed: bad input, a download, a boot, a broken test
EXIT = ("exit status: 0 nothing failed, 1 a kernel deviates, 2 our side failed\n"
        "(bad input, download, build, boot, a broken test)")


@dataclass(frozen=True)
class Command:
    name: str
    summary: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _command(module: ModuleType) -> Command:
    doc = (module.__doc__ or "").strip()
    summary, _, rest = doc.partition("\n")
    name = module.__name__.rsplit(".", 1)[1].replace("_", "-")
    return Command(name=name, summary=summary.strip(),
                   description=f"{doc}\n\n{EXIT}",
                   add_arguments=module.add_arguments, run=module.run)


def run_matrix_and_report(
    request: MatrixRequest, allow_known: bool, where: Callable[[Path], str]
) -> int:
    """The matrix run of `matrix` and `host`: every cell that did not pass on
    stdout, where the results went and the exit status on stderr."""
    from .. import render, results, run_matrix
    from ..matrix import exit_status

    try:
        run_dir, doc = run_matrix.run(request)
    except (RuntimeError, results.ResultsError) as err:
        print(f"llconform: error: {err}", file=sys.stderr)
        return EXIT_OURS
    for line in render.not_passing_lines(doc):
        print(line)
    status = exit_status(doc, allow_known)
    print(f"llconform: {where(run_dir)}; exit {status}", file=sys.stderr)
    return status


def discover() -> list[Command]:
    """Every subcommand, in name order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            found.append(_command(importlib.import_module(
                f"{__name__}.{info.name}")))
    return sorted(found, key=lambda c: c.name)
