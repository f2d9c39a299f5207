"""Kernel names -> what to boot and what the run should expect.

Names: `debian-<series>` (newest build of a series in the archive),
`debian-<pin>` (one build: `debian-6.1.0-47`, `debian-7.2.6`), `host`,
`file:<path>`, `src:debian-<series>` (Debian's linux-source-<series>, built
here) and `src:<path>` (a local source tree, built here), each optionally with
the suffix `+nolandlock`; `host@USER` runs the programs as USER. Patches and
config fragments of src: kernels come from
the command line (`--patches`, `--config-fragment`), not from the name.
"""

from __future__ import annotations

import os
import pwd
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from . import debversion
from .apt import Package

CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernels.toml")
NOLANDLOCK = "+nolandlock"
NOLANDLOCK_APPEND = "lsm=lockdown,yama"


class CatalogueError(ValueError):
    """An unknown or unresolvable kernel name."""


class UnknownName(CatalogueError):
    """The name is not in the catalogue at all."""


class NotServed(CatalogueError):
    """A catalogued series or pin that the package lists do not (or no longer) hold."""


@dataclass
class Kernel:
    name: str  # as asked for, e.g. "debian-6.1+nolandlock"
    kind: str  # "debian" | "host" | "file" | "src"
    expected: dict[str, Any]  # status, abi, errata, errata_source, proposed
    entry: str | None = None  # catalogue entry, e.g. "debian-6.1"
    series: str | None = None
    krel: str | None = None  # kernel release, e.g. 6.1.0-57-cloud-amd64
    version: str | None = None  # Debian version, e.g. 6.1.192-3
    suite: str | None = None
    packages: list[Package] = field(default_factory=list)  # scheme order
    members: list[str] = field(default_factory=list)
    path: str | None = None  # file: kernels
    append: list[str] = field(default_factory=list)
    # src: kernels: what to build (vm/build.py fills `build` once it is built)
    source: str | None = None  # "debian-7.3" or an absolute path to a tree
    patches: str | None = None  # directory of *.patch, applied in sorted order
    fragments: list[str] = field(default_factory=list)  # user Kconfig fragments
    build: dict[str, Any] = field(default_factory=dict)
    user: str | None = None  # host@USER: the programs run as this user

    @property
    def slug(self) -> str:
        """A directory name for this kernel's results."""
        name = self.name.replace("file:", "file-").replace("@", "-as-")
        if name.startswith("src:"):
            name = "src-" + name[4:].lstrip("/")
        return re.sub(r"[^A-Za-z0-9.+_-]", "_", name.lstrip("/"))

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "entry": self.entry,
            "series": self.series,
            "krel": self.krel,
            "version": self.version,
            "suite": self.suite,
            "packages": [p.name for p in self.packages],
            "path": self.path,
            "append": self.append,
            "expected": self.expected,
            **(
                {
                    "source": self.source,
                    "patches": self.patches,
                    "config_fragments": self.fragments,
                    "build": self.build,
                }
                if self.kind == "src"
                else {}
            ),
            **({"user": self.user} if self.user else {}),
        }


def load(path: str = CATALOGUE) -> dict[str, Any]:
    with open(path, "rb") as f:
        return tomllib.load(f)


def entry_names(cat: dict[str, Any]) -> list[str]:
    return list(cat["kernels"])


def names_help(cat: dict[str, Any]) -> str:
    return (
        "known names: "
        + ", ".join(entry_names(cat))
        + "; pins like debian-6.1.0-47 or debian-7.2.6; host; file:<path>; "
        "host@USER; src:debian-<series> or src:<path> (built from source); "
        "any of them with the suffix +nolandlock"
    )


_KREL_RE = re.compile(
    r"^linux-(?:image|binary)(?:-unsigned)?-(?P<krel>\d+\.\d+\.\d+\S*?-{flavour})(?:-unsigned)?$"
)


def krel_of(package: str, flavour: str) -> str | None:
    """Kernel release of a kernel package, None for meta packages."""
    m = re.match(_KREL_RE.pattern.format(flavour=re.escape(flavour)), package)
    return m.group("krel") if m else None


def scheme_packages(cat: dict[str, Any], scheme: str, krel: str) -> list[str]:
    return [p.format(krel=krel) for p in cat["schemes"][scheme]["packages"]]


def candidates(cat: dict[str, Any], entry: str, index: list[Package]) -> dict[str, list[Package]]:
    """krel -> packages of the entry's scheme (scheme order) for every build of its series."""
    spec = cat["kernels"][entry]
    flavour = cat["archive"]["flavour"]
    by_name: dict[str, list[Package]] = {}
    for p in index:
        by_name.setdefault(p.name, []).append(p)
    out: dict[str, list[Package]] = {}
    for p in index:
        krel = krel_of(p.name, flavour)
        if krel is None or krel in out or debversion.series(p.version) != spec["series"]:
            continue
        pkgs = []
        for name in scheme_packages(cat, spec["scheme"], krel):
            versions = sorted(by_name.get(name, []), key=lambda q: debversion.sort_key(q.version))
            if versions:
                pkgs.append(versions[-1])
        if pkgs:
            out[krel] = pkgs
    return out


def _pin_matches(pin: str, krel: str, version: str, flavour: str) -> bool:
    return pin in (krel, krel[: -len(flavour) - 1], version, debversion.upstream(version))


def expected_for(spec: dict[str, Any], version: str | None) -> dict[str, Any]:
    status = spec.get("expected_status", "enabled")
    exp: dict[str, Any] = {
        "status": status,
        "abi": spec.get("expected_abi"),
        "errata": spec.get("expected_errata"),
        "errata_source": "series",
        # The proposed (unmerged) features the kernel must accept: none for
        # Debian's builds, the patch series' own for a built kernel.
        "proposed": list(spec.get("expected_proposed", [])),
    }
    by_version = spec.get("errata_by_version", {})
    if version is not None and debversion.upstream(version) in by_version:
        exp["errata"] = by_version[debversion.upstream(version)]
        exp["errata_source"] = "measured"
    if status == "none":
        exp["errata"] = None
        exp["errata_source"] = None
        exp["proposed"] = None
    return exp


def given_expectation(
    abi: int | None, errata: int | None, status: str | None = None,
    proposed: list[str] | None = None,
) -> dict[str, Any]:
    """An expectation given on the command line (or none: all None); the
    catalogue's own come from `expected_for`.  Any given field implies that
    Landlock is expected enabled."""
    if status is None and (abi is not None or errata is not None or proposed is not None):
        status = "enabled"
    return {
        "status": status,
        "abi": abi,
        "errata": errata,
        "errata_source": "option" if errata is not None else None,
        "proposed": list(proposed) if proposed is not None else None,
    }


def patch_series_expectation(cat: dict[str, Any], patches: str) -> dict[str, Any] | None:
    """What the catalogue expects of a kernel built with the patch series in
    directory `patches` ([patch_series.<directory name>]), or None."""
    spec = cat.get("patch_series", {}).get(os.path.basename(os.path.normpath(patches)))
    if spec is None:
        return None
    exp = expected_for(spec, None)
    exp["errata_source"] = "patch_series" if exp["errata"] is not None else None
    return exp


def split_name(name: str) -> tuple[str, bool]:
    """(the name without `+nolandlock`, whether it had it)."""
    if name.endswith(NOLANDLOCK):
        return name[: -len(NOLANDLOCK)], True
    return name, False


def needs_package_lists(name: str) -> bool:
    """Whether resolving `name` reads Debian's package lists."""
    base, _ = split_name(name)
    return base.startswith("debian-") or base.startswith("src:debian-")


@dataclass
class Given:
    """What resolving may use besides the name (see `resolve`)."""

    cat: dict[str, Any]
    index: list[Package]
    abi: int | None = None
    errata: int | None = None
    cached: list[dict[str, Any]] = field(default_factory=list)
    patches: str | None = None
    fragments: list[str] = field(default_factory=list)
    cached_sources: list[dict[str, Any]] = field(default_factory=list)
    proposed: list[str] | None = None
    locked: dict[str, str] = field(default_factory=dict)  # entry -> version (lock file)

    def expectation(self, status: str | None = None) -> dict[str, Any]:
        """What the options say to expect (all None when none was given)."""
        return given_expectation(self.abi, self.errata, status, self.proposed)

    def given(self) -> bool:
        return self.abi is not None or self.errata is not None or self.proposed is not None


def resolve(
    name: str,
    cat: dict[str, Any],
    index: list[Package],
    file_abi: int | None = None,
    file_errata: int | None = None,
    cached: list[dict[str, Any]] | None = None,
    patches: str | None = None,
    fragments: list[str] | None = None,
    cached_sources: list[dict[str, Any]] | None = None,
    proposed: list[str] | None = None,
    locked: dict[str, str] | None = None,
) -> Kernel:
    """Resolve one kernel name. `file_abi`, `file_errata`: what to expect of
    kernels the catalogue does not describe; `cached`: metadata of cached
    kernels (offline use); `patches`, `fragments`: what src: kernels are built
    with; `cached_sources`: metadata of extracted Debian source trees (offline
    use).  One resolver per kind of name."""
    given = Given(
        cat, index, file_abi, file_errata, cached or [], patches, fragments or [],
        cached_sources or [], proposed, locked or {},
    )
    base, nolandlock = split_name(name)
    append = [NOLANDLOCK_APPEND] if nolandlock else []
    if base == "host" or base.startswith("host@"):
        if nolandlock:
            raise CatalogueError(
                "host+nolandlock: the running kernel's command line cannot be changed"
            )
        return resolve_host(name, base, given)
    if base.startswith("file:"):
        k = resolve_file(name, base[5:], given, append)
    elif base.startswith("src:"):
        k = resolve_src(name, base[4:], given, append)
    elif base.startswith("debian-"):
        k = resolve_debian(name, base, given, append)
    else:
        raise UnknownName(f"unknown kernel name {name!r}: {names_help(cat)}")
    if nolandlock:
        k.expected = given_expectation(None, None, "disabled")
    return k


def resolve_host(name: str, base: str, given: Given) -> Kernel:
    """`host`, or `host@USER`: the running kernel, its programs run as USER."""
    user = base.partition("@")[2] or None
    if user is not None:
        try:
            pwd.getpwnam(user)
        except KeyError:
            raise CatalogueError(f"{name}: no such user {user!r} on this machine") from None
    return Kernel(name, "host", given.expectation(), user=user)


def resolve_file(name: str, path: str, given: Given, append: list[str]) -> Kernel:
    """`file:PATH`: a local bzImage or vmlinux."""
    if not path:
        raise CatalogueError(f"{name}: file: needs a path to a bzImage/vmlinuz or vmlinux")
    if not os.path.isfile(path):
        raise CatalogueError(f"{name}: no such kernel image file: {path}")
    exp = given.expectation()
    return Kernel(name, "file", exp, path=os.path.abspath(path), append=append)


def resolve_debian(name: str, base: str, given: Given, append: list[str]) -> Kernel:
    """`debian-<series>` (its newest build) or a pin of one build."""
    cat = given.cat
    m = re.match(r"^debian-(\d+\.\d+)(?:([.-])(\S+))?$", base)
    if not m:
        raise UnknownName(f"unknown kernel name {name!r}: {names_help(cat)}")
    series = m.group(1)
    entry = f"debian-{series}"
    if entry not in cat["kernels"]:
        raise UnknownName(
            f"{name}: series {series} is not in the catalogue (vm/kernels.toml); Debian's archive "
            f"does not serve a cloud-amd64 kernel of that series. {names_help(cat)}"
        )
    spec = cat["kernels"][entry]
    pin = base[len("debian-"):] if m.group(3) else None
    # A lock file pins the series to one build (vm/lock.py); a pin in the
    # name still wins.
    locked = given.locked.get(entry) if pin is None else None
    pin = pin or locked
    flavour = cat["archive"]["flavour"]
    found = candidates(cat, entry, given.index)
    if pin:
        found = {k: v for k, v in found.items() if _pin_matches(pin, k, v[0].version, flavour)}
    if not found:
        offline = _from_cache(given.cached, entry, pin, flavour)
        if offline is not None:
            return Kernel(
                name,
                "debian",
                expected_for(spec, offline["version"]),
                entry=entry,
                series=series,
                krel=offline["krel"],
                version=offline["version"],
                suite=offline.get("suite"),
                append=append,
            )
        if locked:
            raise NotServed(
                f"{name}: the lock file's build {locked} is in no package list this machine "
                "accepts and not in the kernel cache (a suite whose Release file expired is "
                "refused by apt: see the warning above); `./llconform lock --update` locks "
                "what is served now"
            )
        what = f"build {pin}" if pin else f"{flavour} kernel of series {series}"
        if not given.index:
            raise NotServed(
                f"{name}: no package lists and nothing cached; "
                f"run `./llconform fetch {name}` online"
            )
        raise NotServed(
            f"{name}: Debian's archive serves no {what} (scheme {spec['scheme']}: "
            f"{', '.join(cat['schemes'][spec['scheme']]['packages'])}) in "
            f"{', '.join(cat['archive']['debian_suites'] + cat['archive']['security_suites'])}"
        )
    krel, pkgs = max(found.items(), key=lambda kv: debversion.sort_key(kv[1][0].version))
    scheme = cat["schemes"][spec["scheme"]]
    return Kernel(
        name,
        "debian",
        expected_for(spec, pkgs[0].version),
        entry=entry,
        series=series,
        krel=krel,
        version=pkgs[0].version,
        suite=pkgs[0].suite,
        packages=pkgs,
        members=[mb.format(krel=krel) for mb in scheme["members"]],
        append=append,
    )


def _from_cache(
    cached: list[dict[str, Any]], entry: str, pin: str | None, flavour: str
) -> dict[str, Any] | None:
    hits = [
        c
        for c in cached
        if c.get("entry") == entry
        and (pin is None or _pin_matches(pin, c["krel"], c["version"], flavour))
    ]
    return max(hits, key=lambda c: debversion.sort_key(c["version"])) if hits else None


def source_packages(index: list[Package], series: str) -> list[Package]:
    """linux-source-<series> packages of the index, oldest first."""
    pkgs = [p for p in index if p.name == f"linux-source-{series}"]
    return sorted(pkgs, key=lambda p: debversion.sort_key(p.version))


def resolve_src(name: str, what: str, given: Given, append: list[str]) -> Kernel:
    """`src:debian-<series>` or `src:<path>`: a kernel built from a source tree."""
    cat, index, patches = given.cat, given.index, given.patches
    if patches is not None:
        if not os.path.isdir(patches):
            raise CatalogueError(f"{name}: --patches {patches}: no such directory")
        if not any(n.endswith(".patch") for n in os.listdir(patches)):
            raise CatalogueError(f"{name}: --patches {patches}: no *.patch file in it")
        patches = os.path.abspath(patches)
    for frag in given.fragments:
        if not os.path.isfile(frag):
            raise CatalogueError(f"{name}: --config-fragment {frag}: no such file")
    fragments = [os.path.abspath(f) for f in given.fragments]
    option = given.expectation()
    m = re.match(r"^debian-(\d+\.\d+)$", what)
    if m:
        series = m.group(1)
        entry = f"debian-{series}"
        # Debian's own source without patches behaves like Debian's binary of the
        # series (same code); a patch series the catalogue knows
        # ([patch_series]) brings its own expectation; anything else needs
        # --expect-abi/--expect-errata/--expect-proposed, which always win.
        series_exp = patch_series_expectation(cat, patches) if patches else None
        if given.given():
            exp = option
        elif series_exp is not None:
            exp = series_exp
        elif not patches and entry in cat["kernels"]:
            exp = expected_for(cat["kernels"][entry], None)
        else:
            exp = option
        pkgs = source_packages(index, series)
        k = Kernel(
            name, "src", exp, entry=entry, series=series, source=what, patches=patches,
            fragments=fragments, append=append,
        )
        if pkgs:
            k.version, k.suite, k.packages = pkgs[-1].version, pkgs[-1].suite, [pkgs[-1]]
            return k
        hits = [c for c in given.cached_sources if c.get("package") == f"linux-source-{series}"]
        if hits:
            k.version = max(hits, key=lambda c: debversion.sort_key(c["version"]))["version"]
            return k
        if not index:
            raise NotServed(
                f"{name}: no package lists and no extracted linux-source-{series}; "
                f"run `./llconform fetch {name}` online"
            )
        raise NotServed(
            f"{name}: Debian's archive serves no linux-source-{series} in "
            f"{', '.join(cat['archive']['debian_suites'] + cat['archive']['security_suites'])}"
        )
    if what.startswith("debian-"):
        raise UnknownName(f"{name}: src:debian-<series> takes a series such as 7.3, not {what!r}")
    if not what:
        raise CatalogueError(f"{name}: src: needs debian-<series> or a path to a source tree")
    path = os.path.abspath(what)
    if not os.path.isdir(path):
        raise CatalogueError(f"{name}: no such kernel source tree: {what}")
    missing = [f for f in ("Makefile", "Kconfig", "arch/x86/Kconfig") if not os.path.isfile(
        os.path.join(path, f))]
    if missing:
        raise CatalogueError(
            f"{name}: {what} is not a Linux source tree (no {', '.join(missing)})"
        )
    return Kernel(
        name, "src", option, source=path, path=path, patches=patches, fragments=fragments,
        append=append,
    )
