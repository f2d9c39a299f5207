"""What `list` shows of each kernel: resolved version, cache state, what the
catalogue expects."""

from __future__ import annotations

from dataclasses import dataclass

from . import build
from .catalogue import CatalogueError
from .kernels import Kernels

NOTE = "(expected errata marked ? are the series' newest build's; errata change within a series)"
HEADER = ["name", "version", "kernel release", "suite", "package", "cached", "expected"]


@dataclass
class Listed:
    name: str
    version: str | None = None
    release: str | None = None  # kernel release, or the file/tree path
    suite: str | None = None
    package: str | None = None
    cached: str = "-"
    expected: str = "-"
    error: str | None = None  # why the name does not resolve

    def cells(self) -> list[str]:
        if self.error is not None:
            return [self.name, "-", "-", "-", "-", "-", f"error: {self.error}"]
        return [
            self.name,
            self.version or "-",
            self.release or "-",
            self.suite or "-",
            self.package or "-",
            self.cached,
            self.expected,
        ]


def _hex(v: int | None) -> str:
    return "-" if v is None else f"{v:#x}"


def describe(kernels: Kernels, name: str) -> Listed:
    try:
        k = kernels.resolve(name)
    except CatalogueError as e:
        return Listed(name, error=str(e))
    exp = k.expected
    cached = "yes" if kernels.is_cached(k) else ("n/a" if k.kind != "debian" else "no")
    if k.kind == "src":
        try:
            found = build.lookup(k, kernels.cache)
        except build.BuildError as e:  # e.g. an unreadable fragment
            found, cached = None, f"error: {e}"
        if found is not None:
            cached = f"built {found[0]}" if found[1] else f"not built ({found[0]})"
        elif not cached.startswith("error"):
            cached = "no source"
    expected = (
        str(exp["status"])
        if exp["status"] != "enabled"
        else f"abi {exp['abi']} errata {_hex(exp['errata'])}"
        + ("?" if exp.get("errata_source") == "series" else "")
    )
    package = "+".join(
        p.name.split("-")[1] + ("-unsigned" if "unsigned" in p.name else "")
        for p in k.packages[:1]
    )
    return Listed(
        name,
        version=k.version,
        release=k.krel or k.path,
        suite=k.suite,
        package=package or None,
        cached=cached,
        expected=expected,
    )


def table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell; the last one is not padded."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in [header, *rows]
    )
