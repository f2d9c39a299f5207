"""Catalogue resolution against a small recorded set of Packages lists."""

import os
import re

import pytest

from vmdata import DATA
from vm import catalogue
from vm.apt import AptState, parse_packages
from vm.catalogue import NotServed, UnknownName

CAT = catalogue.load()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> list:
    root = tmp_path_factory.mktemp("cache")
    apt = AptState(str(root), CAT["archive"], None)
    apt.lists = os.path.join(DATA, "lists")
    apt.index_path = str(root / "index.json")
    return apt.index()


def resolve(name: str, index: list, **kw: object) -> catalogue.Kernel:
    return catalogue.resolve(name, CAT, index, **kw)  # type: ignore[arg-type]


def test_catalogue_has_every_series_with_kernels_md_expectations() -> None:
    expected = {
        "5.10": None,
        "6.1": (2, 0xC),
        "6.12": (6, 0xF),
        "6.16": (7, 0x3),
        "6.17": (7, 0x3),
        "6.18": (7, 0x7),
        "6.19": (7, 0x7),
        "7.0": (8, 0x7),
        "7.1": (9, 0x7),
        "7.2": (10, 0xF),
        "7.3": (11, 0xF),
    }
    assert catalogue.entry_names(CAT) == [f"debian-{s}" for s in expected]
    for series, exp in expected.items():
        spec = CAT["kernels"][f"debian-{series}"]
        assert spec["series"] == series
        assert spec["scheme"] in CAT["schemes"]
        if exp is None:
            assert spec["expected_status"] == "none"
        else:
            assert (spec["expected_abi"], spec["expected_errata"]) == exp


def test_index_keeps_only_kernel_packages(index: list) -> None:
    names = {p.name for p in index}
    assert "hello" not in names
    assert not any(n.endswith("-dbg") for n in names)
    assert "linux-image-6.1.0-57-cloud-amd64-unsigned" in names


@pytest.mark.parametrize(
    "name, krel, version, suite, first_package",
    [
        (
            "debian-5.10",
            "5.10.0-46-cloud-amd64",
            "5.10.262-1",
            "bullseye-security",
            "linux-image-5.10.0-46-cloud-amd64-unsigned",
        ),
        # bookworm-security's 6.1.192-3 beats bookworm and bullseye-security's 6.1 backport
        (
            "debian-6.1",
            "6.1.0-57-cloud-amd64",
            "6.1.192-3",
            "bookworm-security",
            "linux-image-6.1.0-57-cloud-amd64-unsigned",
        ),
        (
            "debian-6.12",
            "6.12.118+deb13-cloud-amd64",
            "6.12.118-1",
            "trixie-security",
            "linux-image-6.12.118+deb13-cloud-amd64-unsigned",
        ),
        (
            "debian-6.16",
            "6.16.12+deb13-cloud-amd64",
            "6.16.12-1~bpo13+1",
            "trixie-backports",
            "linux-image-6.16.12+deb13-cloud-amd64",
        ),
        # 6.19: linux-image-* is a meta package there; the image is in linux-binary-*
        (
            "debian-6.19",
            "6.19.14+deb13-cloud-amd64",
            "6.19.14-1~bpo13+1",
            "trixie-backports",
            "linux-binary-6.19.14+deb13-cloud-amd64",
        ),
        (
            "debian-7.2",
            "7.2.13+deb14-cloud-amd64",
            "7.2.13-1",
            "sid",
            "linux-binary-unsigned-7.2.13+deb14-cloud-amd64",
        ),
        # 7.3.4 beats experimental's 7.3~rc7 meta packages
        (
            "debian-7.3",
            "7.3.4+deb13-cloud-amd64",
            "7.3.4-1~bpo13+1",
            "trixie-backports",
            "linux-binary-unsigned-7.3.4+deb13-cloud-amd64",
        ),
    ],
)
def test_series_resolve_to_newest_build(
    index: list, name: str, krel: str, version: str, suite: str, first_package: str
) -> None:
    k = resolve(name, index)
    assert (k.krel, k.version, k.suite) == (krel, version, suite)
    assert k.packages[0].name == first_package
    assert all(krel in m for m in k.members)


def test_unsigned_falls_back_to_signed_package(index: list) -> None:
    k = resolve("debian-6.1", index)
    assert [p.name for p in k.packages] == [
        "linux-image-6.1.0-57-cloud-amd64-unsigned",
        "linux-image-6.1.0-57-cloud-amd64",
    ]
    assert k.members == ["./boot/vmlinuz-6.1.0-57-cloud-amd64"]
    k = resolve("debian-7.2", index)
    assert k.members == [
        "./usr/lib/modules/7.2.13+deb14-cloud-amd64/vmlinuz.unsigned",
        "./usr/lib/modules/7.2.13+deb14-cloud-amd64/vmlinuz",
    ]


@pytest.mark.parametrize(
    "name, krel, version",
    [
        ("debian-6.1.0-47", "6.1.0-47-cloud-amd64", "6.1.170-3"),
        ("debian-7.2.6", "7.2.6+deb13-cloud-amd64", "7.2.6-1~bpo13+1"),
        ("debian-6.19.13", "6.19.13+deb13-cloud-amd64", "6.19.13-1~bpo13+1"),
        ("debian-6.1.192-2", "6.1.0-56-cloud-amd64", "6.1.192-2"),
        ("debian-6.12.90+deb13.1", "6.12.90+deb13.1-cloud-amd64", "6.12.90-2"),
    ],
)
def test_pins(index: list, name: str, krel: str, version: str) -> None:
    k = resolve(name, index)
    assert (k.krel, k.version) == (krel, version)


def test_errata_expectation_per_build(index: list) -> None:
    assert resolve("debian-6.1.0-47", index).expected == {
        "status": "enabled",
        "abi": 2,
        "errata": 0,
        "errata_source": "measured",
        "proposed": [],
    }
    assert resolve("debian-6.1", index).expected["errata"] == 0xC
    assert resolve("debian-7.2.6", index).expected["errata_source"] == "series"
    assert resolve("debian-5.10", index).expected == {
        "status": "none",
        "abi": None,
        "errata": None,
        "errata_source": None,
        "proposed": None,
    }


def test_nolandlock(index: list) -> None:
    k = resolve("debian-6.12+nolandlock", index)
    assert k.krel == "6.12.118+deb13-cloud-amd64"
    assert k.append == ["lsm=lockdown,yama"]
    assert k.expected["status"] == "disabled"
    assert k.slug == "debian-6.12+nolandlock"


@pytest.mark.parametrize(
    "name", ["foo", "debian", "debian-6", "linux-6.1", "debian-6.6", "debian-4.19"]
)
def test_unknown_names_say_which_exist(index: list, name: str) -> None:
    with pytest.raises(UnknownName) as e:
        resolve(name, index)
    assert "debian-6.1, debian-6.12" in str(e.value)
    assert name in str(e.value)


def test_series_not_served(index: list) -> None:
    # 6.17 is catalogued but absent from the recorded lists
    with pytest.raises(
        NotServed,
        match=r"debian-6.17: Debian's archive serves no cloud-amd64 kernel of series 6.17",
    ):
        resolve("debian-6.17", index)
    with pytest.raises(NotServed, match="build 7.2.99"):
        resolve("debian-7.2.99", index)


def test_offline_resolution_from_cache() -> None:
    cached = [
        {"entry": "debian-6.1", "krel": "6.1.0-50-cloud-amd64", "version": "6.1.176-1"},
        {"entry": "debian-6.1", "krel": "6.1.0-57-cloud-amd64", "version": "6.1.192-3"},
    ]
    k = resolve("debian-6.1", [], cached=cached)
    assert (k.krel, k.version, k.packages) == ("6.1.0-57-cloud-amd64", "6.1.192-3", [])
    assert resolve("debian-6.1.0-50", [], cached=cached).version == "6.1.176-1"
    with pytest.raises(NotServed, match="nothing cached"):
        resolve("debian-6.12", [], cached=cached)


def test_host_and_file(tmp_path: os.PathLike) -> None:
    k = resolve("host", [], file_abi=7, file_errata=7)
    assert k.kind == "host" and k.expected["abi"] == 7
    with pytest.raises(catalogue.CatalogueError, match="no such kernel image file"):
        resolve("file:/nonexistent/bzImage", [])
    img = os.path.join(tmp_path, "bzImage")
    open(img, "wb").close()
    k = resolve(f"file:{img}+nolandlock", [], file_abi=5, file_errata=1)
    assert (k.kind, k.path, k.append, k.expected["status"]) == (
        "file",
        img,
        ["lsm=lockdown,yama"],
        "disabled",
    )
    assert resolve(f"file:{img}", [], file_abi=5, file_errata=1).expected == {
        "status": "enabled",
        "abi": 5,
        "errata": 1,
        "errata_source": "option",
        "proposed": None,
    }
    # Any expectation given implies Landlock enabled: --expect-errata alone
    # is compared, never waved through (issue 12 item 2).
    assert resolve("host", [], file_errata=7).expected["status"] == "enabled"
    assert resolve("host", [], proposed=["no_inherit"]).expected == {
        "status": "enabled", "abi": None, "errata": None, "errata_source": None,
        "proposed": ["no_inherit"]}
    assert resolve("host", []).expected["status"] is None


def test_patch_series_expectation_from_the_catalogue() -> None:
    """A kernel built with the NO_INHERIT series is expected to accept
    no_inherit (issue 12 item 1), from vm/kernels.toml [patch_series]."""
    cat = catalogue.load()
    exp = catalogue.patch_series_expectation(cat, "../shared/patches/landlock-no-inherit/")
    assert exp == {"status": "enabled", "abi": 12, "errata": 0xF,
                   "errata_source": "patch_series", "proposed": ["no_inherit"]}
    assert catalogue.patch_series_expectation(cat, "/tmp/other-series") is None


def test_parse_packages_handles_last_stanza_and_continuations() -> None:
    text = (
        "Package: linux-binary-7.3.4+deb13-cloud-amd64\nVersion: 7.3.4-1\nDescription: x\n y\n"
        "Filename: pool/a.deb\nSize: 12\nSHA256: ab"
    )
    [p] = parse_packages(text, "sid", "cloud-amd64")
    assert (p.name, p.version, p.filename, p.size, p.suite) == (
        "linux-binary-7.3.4+deb13-cloud-amd64",
        "7.3.4-1",
        "pool/a.deb",
        12,
        "sid",
    )


def test_krel_of_skips_meta_packages() -> None:
    assert catalogue.krel_of("linux-image-cloud-amd64", "cloud-amd64") is None
    assert catalogue.krel_of("linux-image-6.1-cloud-amd64", "cloud-amd64") is None
    assert (
        catalogue.krel_of("linux-binary-unsigned-7.2.6+deb13-cloud-amd64", "cloud-amd64")
        == "7.2.6+deb13-cloud-amd64"
    )
    assert (
        catalogue.krel_of("linux-image-6.1.0-57-cloud-amd64-unsigned", "cloud-amd64")
        == "6.1.0-57-cloud-amd64"
    )


def test_no_mirror_host_in_vm_sources() -> None:
    vm_dir = os.path.join(os.path.dirname(DATA), "..", "..", "vm")
    for name in os.listdir(vm_dir):
        if name.endswith((".py", ".toml")):
            with open(os.path.join(vm_dir, name), encoding="utf-8") as f:
                assert not re.search(r"debian\.org|debian\.net|https?://[a-z]", f.read()), name
