"""Mutation testing of security/landlock: which plausible bugs no test catches.

Mutants from libclang's view of security/landlock/*.c (relational, logical
and bitmask operators, constants +-1, checks and early returns removed,
swapped arguments), each rebuilt incrementally in a kept build tree of the
src: kernel, booted with our suites, and classified killed, survived or not
built against the unmutated kernel (and equivalent without a boot when its
object is the unmutated one). --max/--functions/--seed keep a run within a
budget, --ids reruns chosen mutants; RESULTS/<timestamp>/mutate/ gets
mutants.json and mutate.md (every survivor with its diff). See
harness/llconform/mutate.py and results/mutation/README.md.
"""
from __future__ import annotations

import argparse

from .. import mutate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mutate.add_arguments(parser)


def run(args: argparse.Namespace) -> int:
    return mutate.run(args)
