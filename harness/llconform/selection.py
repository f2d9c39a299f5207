"""Which kernels a run covers: catalogue names, globs, shards."""
from __future__ import annotations

import fnmatch
import zlib

from vm import catalogue


class SelectionError(ValueError):
    pass


def _series_key(name: str) -> tuple[int, ...]:
    return tuple(int(p) for p in name.split("-", 1)[1].split(".")
                 if p.isdigit())


def catalogue_names() -> list[str]:
    return catalogue.entry_names(catalogue.load())


def default_set() -> list[str]:
    """Every debian-* entry, the host, and the newest one without Landlock."""
    debian = sorted((n for n in catalogue_names()
                     if n.startswith("debian-")), key=_series_key)
    return debian + ["host", f"{debian[-1]}+nolandlock"]


def select(patterns: list[str]) -> list[str]:
    """Names from catalogue names, globs (`debian-7.*`) and comma lists.

    A pattern that is no glob passes through as it is (pins, `file:`,
    `+nolandlock`): vm/ says clearly what is wrong with an unknown one.
    """
    known = catalogue_names() + ["host"]
    chosen: list[str] = []
    for pattern in (p.strip() for item in patterns for p in item.split(",")):
        if not pattern:
            continue
        if pattern == "default":
            found = default_set()
        elif any(c in pattern for c in "*?["):
            found = fnmatch.filter(known, pattern)
            if not found:
                raise SelectionError(
                    f"'{pattern}' matches no kernel of the catalogue "
                    f"({', '.join(known)})")
        else:
            found = [pattern]
        chosen += [n for n in found if n not in chosen]
    if not chosen:
        raise SelectionError("no kernel selected")
    return chosen


def shard(names: list[str], spec: str) -> list[str]:
    """`I/N`: a stable slice, the same kernels whatever the order given."""
    try:
        index, count = (int(x) for x in spec.split("/"))
    except ValueError as err:
        raise SelectionError(f"--shard takes I/N, not '{spec}'") from err
    if not 1 <= index <= count:
        raise SelectionError(f"--shard {spec}: I must be within 1..{count}")
    return [n for n in names
            if zlib.crc32(n.encode()) % count == index - 1]
