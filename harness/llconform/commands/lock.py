"""Write, check or refresh the lock file of the default set's Debian builds.

`debian-<series>` means the newest build Debian serves now; the lock file
(kernels.lock) pins each series of the default set to one build (version,
kernel release, suite, each package's SHA256), so that `make matrix` and CI
(`--lock kernels.lock`) run the same kernels on every machine.  Without
--update: writes the file when there is none, else checks that every locked
build still resolves (exit 2 when one does not).  --update refreshes the
package lists and rewrites it, printing what changed.  Either way, suites
whose package lists are stale (a Release file past its Valid-Until, which
apt refuses: a fresh machine does not see their kernels) are named in a
warning and in the file (and its diff), and a series served only
from them on this machine is locked to the build the other suites serve:
a fresh machine's apt could not fetch the newer one, verified, at all.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vm import cli as vmcli
from vm import lock
from vm.api import CatalogueError, KernelOptions, Kernels

from .. import selection

REPO = Path(__file__).resolve().parents[3]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, default=REPO / "kernels.lock",
                        help="the lock file (default: kernels.lock of the checkout)")
    parser.add_argument("--update", action="store_true",
                        help="refresh the package lists and lock what is served now")
    vmcli.add_cache_options(parser)


def locked_names() -> list[str]:
    """The catalogue entries of the default set (debian-<series>)."""
    return [n for n in selection.default_set() if n.startswith("debian-") and "+" not in n]


def run(args: argparse.Namespace) -> int:
    path = str(args.file)
    try:
        old = lock.read(path) if args.file.exists() else None
        if old is not None and not args.update:
            kernels = Kernels(KernelOptions(cache=args.cache, offline=args.offline, lock=path))
            for name in locked_names():
                k = kernels.resolve(name)
                print(f"{name}: {k.version} ({k.suite}) as locked")
            return 0
        kernels = Kernels(KernelOptions(cache=args.cache, offline=args.offline,
                                        refresh=args.update or args.refresh))
        resolved = [kernels.resolve(name) for name in locked_names()]
    except CatalogueError as err:
        print(f"llconform lock: error: {err}", file=sys.stderr)
        return 2
    stale = kernels.stale if kernels.stale is not None else kernels.apt.warn_stale()
    index = kernels.apt.index()
    locked = lock.accepted_everywhere(kernels.cat, index, resolved, stale)
    stale = lock.stale_effects(kernels.cat, index, resolved, stale)
    for suite, effect in stale.items():
        print(f"llconform lock: warning: stale lists of {suite}: {effect}", file=sys.stderr)
    new = lock.make(locked, stale)
    changes = lock.diff(old, new)
    for line in changes:
        print(line)
    lock.write(path, new)
    print(f"llconform lock: {path}: {len(new.kernels)} builds, {len(changes)} changes"
          + (f"; stale lists: {', '.join(sorted(stale))}" if stale else ""), file=sys.stderr)
    return 0
