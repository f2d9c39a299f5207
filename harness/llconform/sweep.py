"""Selected tests across every point release Debian serves for one series,
in order; prints where an outcome flips.

    ./llconform sweep debian-6.1 --tests 'errata::*' [--bisect]

Without --bisect every release boots (in parallel); with it, only the
releases a binary search for the first flip needs.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import sys
from typing import Any


from vm import catalogue, debversion
from vm.api import KernelOptions, Kernels

from . import results, run_matrix


class SweepError(ValueError):
    pass


def releases(entry: str, options: KernelOptions) -> list[str]:
    """Pins of every build of `entry`'s series the archive serves, oldest
    first (`debian-6.1.170-3`, ...)."""
    kernels = Kernels(options)
    kernels.lists()
    cat = kernels.cat
    if entry not in cat["kernels"]:
        raise SweepError(f"unknown series '{entry}': "
                         f"{', '.join(catalogue.entry_names(cat))}")
    found = catalogue.candidates(cat, entry, kernels.apt.index())
    versions = sorted({pkgs[0].version for pkgs in found.values()},
                      key=debversion.sort_key)
    return [f"debian-{v}" for v in versions]


def signature(doc: dict[str, Any], kernel: str, patterns: list[str]
              ) -> dict[str, str]:
    cells = doc["cells"].get(kernel, {})
    return {k: c["outcome"] for k, c in sorted(cells.items())
            if any(fnmatch.fnmatch(k, p) for p in patterns)}


class Sweep:
    def __init__(self, request: run_matrix.MatrixRequest, tests: list[str]) -> None:
        self.request = request
        self.tests = tests
        self.dir = results.new_run_dir(request.results / "sweeps")
        self.docs: dict[str, dict[str, Any]] = {}

    def boot(self, pins: list[str]) -> None:
        todo = [p for p in pins if p not in self.docs]
        if not todo:
            return
        _, doc = run_matrix.run(dataclasses.replace(
            self.request, kernels=todo, run_dir=self.dir / f"step-{len(self.docs):02d}"))
        for pin in todo:
            self.docs[pin] = doc

    def problem(self, pin: str) -> str | None:
        """Why this release gave no verdict (download, boot), or None."""
        row = next((k for k in self.docs[pin]["kernels"]
                    if k["name"] == pin), None)
        return "no result" if row is None else row.get("problem")

    def usable(self, pins: list[str]) -> list[str]:
        """`pins` less the releases that could not run, each said once."""
        kept = []
        for pin in pins:
            why = self.problem(pin)
            if why:
                print(f"llconform sweep: {pin} left out: "
                      f"{why.splitlines()[0]}", flush=True)
            else:
                kept.append(pin)
        return kept

    def sig(self, pin: str) -> dict[str, str]:
        return signature(self.docs[pin], pin, self.tests)

    def log(self, pin: str, test: str) -> str:
        doc = self.docs[pin]
        row = next(k for k in doc["kernels"] if k["name"] == pin)
        program = test.split("::", 1)[0]
        logs = row.get("logs", {})
        step = next(p for p in self.dir.iterdir()
                    if (p / "matrix.json").exists() and
                    pin in (p / "matrix.json").read_text())
        return str(step / logs[program]) if program in logs else "-"


def report_flips(sweep: Sweep, pins: list[str]) -> int:
    flips = 0
    for before, after in zip(pins, pins[1:]):
        old, new = sweep.sig(before), sweep.sig(after)
        for test in sorted(old.keys() | new.keys()):
            if old.get(test) != new.get(test):
                flips += 1
                print(f"FLIP {test}: {old.get(test, 'absent')} on {before} "
                      f"-> {new.get(test, 'absent')} on {after}\n"
                      f"  logs: {sweep.log(before, test)}\n"
                      f"        {sweep.log(after, test)}")
    return flips


def run(series: str, tests: list[str], bisect: bool,
        request: run_matrix.MatrixRequest) -> int:
    """Sweeps `tests` (program::test globs) over the releases of `series`."""
    tests = tests or ["*"]
    pins = releases(series, request.boot.kernels)
    if len(pins) < 2:
        print(f"llconform sweep: {series}: only {pins} served: nothing "
              "to sweep", file=sys.stderr)
        return 2
    print(f"llconform sweep: {len(pins)} releases of {series}: "
          f"{pins[0]} ... {pins[-1]}", file=sys.stderr, flush=True)
    sweep = Sweep(request, tests)
    if not bisect:
        sweep.boot(pins)
        flips = report_flips(sweep, sweep.usable(pins))
    else:
        # Ends first; a release that cannot run is left out and the
        # search goes on with its neighbours.
        while len(pins) >= 2:
            sweep.boot([pins[0], pins[-1]])
            kept = sweep.usable([pins[0], pins[-1]])
            if len(kept) == 2:
                break
            pins = [p for p in pins if p in kept or p not in sweep.docs]
        if len(pins) < 2:
            print("llconform sweep: fewer than two releases could run",
                  file=sys.stderr)
            return 2
        if sweep.sig(pins[0]) == sweep.sig(pins[-1]):
            print("llconform sweep: same outcomes at both ends: no flip "
                  "(a flip and its reversal in between would not show)")
            return 0
        low, high = 0, len(pins) - 1
        while high - low > 1:
            middle = (low + high) // 2
            sweep.boot([pins[middle]])
            if not sweep.usable([pins[middle]]):
                del pins[middle]
                high -= 1
                continue
            if sweep.sig(pins[middle]) == sweep.sig(pins[low]):
                low = middle
            else:
                high = middle
        flips = report_flips(sweep, [pins[low], pins[high]])
        print(f"llconform sweep: {len(sweep.docs)} of {len(pins)} releases "
              "booted")
    print(f"llconform sweep: {flips} flip(s); runs in {sweep.dir}")
    return 0
