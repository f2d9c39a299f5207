"""vm/debs.py and the go-landlock build's checks that need no network."""
from __future__ import annotations

from pathlib import Path

import pytest

from vm import debs

from llconform import go_landlock


def _deb(name: str, version: str) -> debs.Deb:
    return debs.Deb(name, version, "sid", f"/cache/{name}_{version}_all.deb")


def test_one_set_of_packages_one_folder_whatever_the_order() -> None:
    a, b = _deb("golang-1.26-go", "1.26.10-1"), _deb("golang-1.26-src", "1.26.10-1")
    assert debs.unpack_key([a, b]) == debs.unpack_key([b, a])
    assert debs.unpack_key([a, b]) != debs.unpack_key([a, _deb("golang-1.26-src", "1.26.11-1")])


def test_a_purpose_is_a_plain_folder_name() -> None:
    with pytest.raises(ValueError, match="plain folder name"):
        debs.extract(None, "sid", [], "../elsewhere")  # type: ignore[arg-type]


def test_the_toolchain_must_be_as_new_as_the_go_mod_files(tmp_path: Path) -> None:
    mod = tmp_path / "go.mod"
    mod.write_text("module golang.org/x/sys\n\ngo 1.26.0\n")
    need = go_landlock._go_directive(mod)
    assert need == (1, 26, 0)
    assert go_landlock._version_tuple("go version go1.26.10 linux/amd64") >= need
    assert go_landlock._version_tuple("go version go1.24.4 linux/amd64") < need
    assert go_landlock._version_tuple("") < need
