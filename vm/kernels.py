"""Kernel names into kernels and their images in the cache.

`Kernels(KernelOptions(...))` holds the cache, the catalogue and the
private apt state of one command; `resolve(name)` gives the `Kernel` a name
means, `obtain(kernel)` its image (downloaded, or built for src: kernels).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from . import build, cache, catalogue, fetch, lock, modules, packages, source
from .apt import AptState
from .catalogue import CatalogueError, Kernel, NotServed
from .fetch import Image
from .mirrors import system_mirrors

# Host tools for downloading and unpacking Debian kernel packages.
FETCH_TOOLS = ["apt-get", "dpkg-deb", "zstd", "lz4"]
SOURCE_TOOLS = ["apt-get", "dpkg-deb", "xz"]
# The errors of obtaining one kernel: they end that kernel, not the run.
OBTAIN_ERRORS = (
    CatalogueError,
    fetch.FetchError,
    build.BuildError,
    source.SourceError,
    packages.MissingTool,
    RuntimeError,
    OSError,
)


@dataclass
class KernelOptions:
    """What every command that names kernels takes."""

    cache: str | None = None  # None: $LLCONFORM_CACHE or ~/.cache/llconform
    offline: bool = False  # never update the package lists
    refresh: bool = False  # update them first
    expect_abi: int | None = None  # for file: and host kernels
    expect_errata: int | None = None
    expect_proposed: list[str] | None = None  # proposed features it must accept
    lock: str | None = None  # a lock file (vm/lock.py): debian-<series> -> its build
    patches: str | None = None  # src: kernels: DIR/*.patch
    config_fragments: list[str] = field(default_factory=list)
    build_jobs: int | None = None  # src: kernels: make -j


class Kernels:
    """Resolving and obtaining kernels for one command."""

    def __init__(self, options: KernelOptions) -> None:
        self.options = options
        self.cache = cache.cache_dir(options.cache)
        self.cat = catalogue.load()
        try:
            mirrors = system_mirrors()
        except RuntimeError as e:
            print(f"vm: warning: {e}", file=sys.stderr)
            mirrors = None
        self.apt = AptState(self.cache, self.cat["archive"], mirrors)
        self.updated = False
        self.refreshed = False
        self.locked = lock.read(options.lock) if options.lock else None
        self.stale: dict[str, str] | None = None  # named once per command

    def lists(self, force: bool = False) -> None:
        """Brings the package lists up to date (when allowed and needed)."""
        if not (self.options.offline or self.apt.mirrors is None or (self.updated and not force)):
            if force or self.options.refresh:
                self.apt.ensure_lists(force=True)
                self.refreshed = True
            else:
                self.apt.ensure_lists()
            self.updated = True
            self.stale = None
        if self.stale is None and self.apt.have_lists():
            self.stale = self.apt.warn_stale()

    def resolve(self, name: str) -> Kernel:
        """The kernel `name` means (CatalogueError when none)."""
        o = self.options

        def attempt() -> Kernel:
            return catalogue.resolve(
                name,
                self.cat,
                self.apt.index(),
                o.expect_abi,
                o.expect_errata,
                fetch.cached_metas(self.cache),
                patches=o.patches,
                fragments=o.config_fragments,
                cached_sources=source.cached_sources(self.cache),
                proposed=o.expect_proposed,
                locked={e: b["version"] for e, b in self.locked.kernels.items()}
                if self.locked else None,
            )

        if not catalogue.needs_package_lists(name):
            return attempt()
        self.lists()
        try:
            return attempt()
        except NotServed:
            # A miss: the lists may predate the build asked for; refresh them once.
            if o.offline or self.apt.mirrors is None or self.refreshed:
                raise
            print(f"vm: {name} is not in the package lists; refreshing them", file=sys.stderr)
            self.lists(force=True)
            return attempt()

    def is_cached(self, k: Kernel) -> bool:
        return fetch.is_cached(self.cache, k)

    def source_tree(self, k: Kernel) -> str:
        """A src: kernel's source tree (downloaded and unpacked when needed)."""
        if k.packages:
            packages.ensure_packages(SOURCE_TOOLS)
        tree, _ = source.obtain(k, self.apt, self.cache)
        return tree

    def obtain(self, k: Kernel) -> Image | None:
        """The kernel's image in the cache: downloaded, or built for src:
        kernels; None for the host.  Raises one of OBTAIN_ERRORS."""
        if k.kind == "host":
            return None
        if k.kind == "src":
            if k.packages:
                packages.ensure_packages(SOURCE_TOOLS)
            return build.ensure_built(k, self.apt, self.cache, self.options.build_jobs)
        if k.kind == "debian" and not fetch.is_cached(self.cache, k):
            packages.ensure_packages(FETCH_TOOLS)
        img = fetch.fetch(k, self.apt, self.cache)
        if k.kind == "debian" and self.apt.mirrors is not None:
            # The guest's loop module (vm/modules.py): a missing one only
            # costs the tests that need a block device their run.
            try:
                modules.ensure(k, self.apt, self.cache)
            except Exception as e:  # noqa: BLE001
                print(f"vm: warning: {k.name}: no guest modules: {e}", file=sys.stderr)
        return img
