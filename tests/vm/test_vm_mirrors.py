"""Mirror URIs from the system's apt configuration, both formats."""

import os

from vm.mirrors import mirrors_from_entries, parse_deb822, parse_one_line, system_mirrors

DEB822 = """\
Types: deb
# http://snapshot.invalid/archive/debian/20250520T000000Z
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.invalid/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: https://other.invalid/node
Suites: nodistro
Components: main

Types: deb-src
URIs: http://src.invalid/debian
Suites: bookworm
Components: main

Types: deb
Enabled: no
URIs: http://disabled.invalid/debian
Suites: bookworm
Components: main
"""

ONE_LINE = """\
# comment
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://one.invalid/debian/ bookworm main
deb http://one.invalid/debian bookworm-updates main contrib
deb http://sec.invalid/debian-security bookworm-security main
deb-src http://one.invalid/debian bookworm main
deb cdrom:[Debian GNU/Linux]/ bookworm main
deb http://ppa.invalid/ubuntu jammy main
"""


def test_deb822() -> None:
    m = mirrors_from_entries(parse_deb822(DEB822))
    assert m.debian == ["http://mirror.invalid/debian"]
    assert m.security == ["http://mirror.invalid/debian-security"]


def test_one_line() -> None:
    m = mirrors_from_entries(parse_one_line(ONE_LINE))
    assert m.debian == ["http://one.invalid/debian"]
    assert m.security == ["http://sec.invalid/debian-security"]


def test_security_uri_derived_when_not_listed() -> None:
    m = mirrors_from_entries(parse_one_line("deb http://one.invalid/debian bookworm main\n"))
    assert m.security == ["http://one.invalid/debian-security"]


def test_old_style_security_suite() -> None:
    m = mirrors_from_entries(
        parse_one_line(
            "deb http://a.invalid/debian buster main\ndeb http://s.invalid/ buster/updates main\n"
        )
    )
    assert m.security == ["http://s.invalid"]


def test_system_mirrors_reads_both_formats(tmp_path: os.PathLike) -> None:
    etc = str(tmp_path)
    os.makedirs(os.path.join(etc, "sources.list.d"))
    with open(os.path.join(etc, "sources.list"), "w") as f:
        f.write(ONE_LINE)
    with open(os.path.join(etc, "sources.list.d", "debian.sources"), "w") as f:
        f.write(DEB822)
    with open(os.path.join(etc, "sources.list.d", "x.sources.disabled-by-farm"), "w") as f:
        f.write("Types: deb\nURIs: http://ignored.invalid/debian\nSuites: sid\n")
    m = system_mirrors(etc)
    assert m.debian == ["http://one.invalid/debian", "http://mirror.invalid/debian"]
    assert m.security == [
        "http://sec.invalid/debian-security",
        "http://mirror.invalid/debian-security",
    ]


def test_private_apt_sources_use_signed_by(tmp_path: os.PathLike) -> None:
    from vm import catalogue
    from vm.apt import AptState

    cat = catalogue.load()
    apt = AptState(str(tmp_path), cat["archive"], mirrors_from_entries(parse_deb822(DEB822)))
    text = apt.sources_text()
    assert "trusted=" not in text  # no source may skip signature checks
    lines = [ln for ln in text.splitlines() if ln.startswith("deb ")]
    assert all("signed-by=/usr/share/keyrings/debian-archive-keyring.gpg" in ln for ln in lines)
    assert "http://mirror.invalid/debian-security bullseye-security main" in text
    assert "http://mirror.invalid/debian experimental main" in text
    assert "http://mirror.invalid/debian-security sid" not in text
    opts = apt.apt_options()
    assert "Dir::Etc::SourceParts=/dev/null" in opts
    assert f"Dir::State::Lists={apt.lists}" in opts
