"""Reproducible kernel sets (issue 12 item 14): stale package lists named,
a lock file pinning each series to one build, what a stale suite changes."""

import os
from pathlib import Path

import pytest

from vmdata import DATA
from vm import apt, catalogue, lock
from vm.apt import AptState
from vm.catalogue import NotServed

CAT = catalogue.load()
NOW = 1796280000.0  # 2026-12-03
EXPIRED = "Origin: Debian\nSuite: unstable\nValid-Until: Fri, 06 Nov 2026 08:08:01 UTC\n"
CURRENT = "Origin: Debian\nValid-Until: Tue, 08 Dec 2026 02:13:34 UTC\n"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> list:
    root = tmp_path_factory.mktemp("cache")
    state = AptState(str(root), CAT["archive"], None)
    state.lists = os.path.join(DATA, "lists")
    state.index_path = str(root / "index.json")
    return state.index()


def test_release_problem() -> None:
    assert apt.release_problem(CURRENT, NOW) is None
    assert apt.release_problem("Origin: Debian\n", NOW) is None  # stable: no Valid-Until
    assert apt.release_problem(EXPIRED, NOW) == (
        "Release file expired (Valid-Until Fri, 06 Nov 2026 08:08:01 UTC)")
    assert "no Release file" in (apt.release_problem(None, NOW) or "")


def test_expired_suites_named_from_apt_output() -> None:
    out = ("Hit:1 http://mirror.invalid/debian trixie InRelease\n"
           "E: Release file for http://mirror.invalid/debian/dists/sid/InRelease is expired "
           "(invalid since 26d 22h 42min 59s). Updates for this repository will not be applied.\n"
           "E: Release file for http://mirror.invalid/debian/dists/experimental/InRelease is "
           "expired (invalid since 26d 22h 42min 59s).\n")
    assert apt.expired_in_output(out) == ["experimental", "sid"]


def test_stale_suites_of_a_lists_folder(tmp_path: Path) -> None:
    state = AptState(str(tmp_path), CAT["archive"], None)
    state.lists = str(tmp_path)
    for suite in CAT["archive"]["debian_suites"] + CAT["archive"]["security_suites"]:
        if suite != "experimental":  # never accepted: no file at all
            text = EXPIRED if suite == "sid" else CURRENT
            (tmp_path / f"mirror.invalid_debian_dists_{suite}_InRelease").write_text(text)
    stale = state.stale_suites(NOW)
    assert sorted(stale) == ["experimental", "sid"]
    assert stale["sid"].startswith("Release file expired")


def test_what_a_stale_suite_changes(index: list) -> None:
    """The issue's case: with sid's lists, debian-7.2 is 7.2.13 from sid;
    a machine that refuses them resolves 7.2.6 from trixie-backports (in
    the recorded lists): said in the warning and in the lock file."""
    k = catalogue.resolve("debian-7.2", CAT, index)
    assert (k.version, k.suite) == ("7.2.13-1", "sid")
    effects = lock.stale_effects(CAT, index, [k], {"sid": "Release file expired (X)"})
    assert effects == {"sid": "Release file expired (X); debian-7.2 is 7.2.13-1 here, "
                              "7.2.6-1~bpo13+1 (trixie-backports) without these lists: locked "
                              "to the latter, which every machine's apt accepts"}


def test_lock_takes_the_build_every_machine_accepts(index: list) -> None:
    """A fresh machine's apt refuses sid's expired lists, so it could not
    fetch 7.2.13 at all: the lock pins what the other suites serve, and a
    series only a stale suite serves keeps its build."""
    k = catalogue.resolve("debian-7.2", CAT, index)
    (locked,) = lock.accepted_everywhere(CAT, index, [k], {"sid": "expired"})
    assert (locked.version, locked.suite) == ("7.2.6-1~bpo13+1", "trixie-backports")
    only_sid = [p for p in index if p.suite == "sid"]
    (kept,) = lock.accepted_everywhere(CAT, only_sid, [k], {"sid": "expired"})
    assert kept.version == "7.2.13-1"


def test_lock_pins_a_series_to_its_build(index: list, tmp_path: Path) -> None:
    newest = catalogue.resolve("debian-7.2", CAT, index)
    path = str(tmp_path / "kernels.lock")
    lock.write(path, lock.make([newest], {"sid": "expired"}))
    read = lock.read(path)
    assert read.version("debian-7.2") == "7.2.13-1" and read.stale_suites == {"sid": "expired"}
    assert read.kernels["debian-7.2"]["packages"][0].startswith(
        "linux-binary-unsigned-7.2.13+deb14-cloud-amd64=")
    # Locked to an older build: the name resolves to it, +nolandlock too.
    pinned = {"debian-7.2": "7.2.6-1~bpo13+1"}
    k = catalogue.resolve("debian-7.2", CAT, index, locked=pinned)
    assert (k.name, k.version, k.suite) == ("debian-7.2", "7.2.6-1~bpo13+1", "trixie-backports")
    nolandlock = catalogue.resolve("debian-7.2+nolandlock", CAT, index, locked=pinned)
    assert nolandlock.version == "7.2.6-1~bpo13+1"
    # A locked build no usable list holds (sid refused on a fresh machine):
    # a clear error, never another build under the same name.
    without_sid = [p for p in index if p.suite != "sid"]
    with pytest.raises(NotServed, match="lock file's build 7.2.13-1 is in no package list"):
        catalogue.resolve("debian-7.2", CAT, without_sid, locked={"debian-7.2": "7.2.13-1"})


def test_lock_diff_names_changes_and_stale_suites() -> None:
    old = lock.Lock(kernels={"debian-7.2": {"version": "7.2.12-1~bpo13+1",
                                            "suite": "trixie-backports"}})
    new = lock.Lock(kernels={"debian-7.2": {"version": "7.2.13-1", "suite": "sid"}},
                    stale_suites={"experimental": "Release file expired (X)"})
    assert lock.diff(old, new) == [
        "~ debian-7.2: 7.2.12-1~bpo13+1 (trixie-backports) -> 7.2.13-1 (sid)",
        "! stale lists now: experimental: Release file expired (X)"]
    assert lock.diff(new, new) == []


def test_committed_lock_covers_the_default_set() -> None:
    path = Path(__file__).resolve().parents[2] / "kernels.lock"
    entries = set(lock.read(str(path)).kernels)
    assert entries == {n for n in CAT["kernels"] if n.startswith("debian-")}
