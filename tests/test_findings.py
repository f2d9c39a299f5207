"""findings.toml excuses a failure only on the assertions it names and the
exact builds where it was observed (issue 12 item 6)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llconform import findings, ktap

REPO = Path(__file__).resolve().parents[1]
TFO = "abi4_net_tcp::tcp.ipv4.fastopen_sendto_checked_as_connect"
# The host's KTAP of the test (6.18.44-fc-v1098), as the harness prints it.
TFO_KTAP = """\
# llconform: program=abi4_net_tcp landlock=enabled abi=7 errata=0x7 abi_known=11 uid=0
1..1
# suites/abi4_net_tcp.c:532:fastopen_sendto_checked_as_connect:Expected -1 (-1) == ret (1)
# suites/abi4_net_tcp.c:533:fastopen_sendto_checked_as_connect:CONNECT_TCP bypass: \
sendto(MSG_FASTOPEN) to denied port 4661 returned 1 (expected EACCES; fixed in 6.12.118 and \
7.2, no erratum bit)
# suites/abi4_net_tcp.c:537:fastopen_sendto_checked_as_connect:Expected EACCES (13) == errno (22)
# suites/abi4_net_tcp.c:539:fastopen_sendto_checked_as_connect:Expected -1 (-1) == \
accept_one(srv_denied) (7)
# suites/abi4_net_tcp.c:540:fastopen_sendto_checked_as_connect:Expected EAGAIN (11) == errno (22)
not ok 1 tcp.ipv4.fastopen_sendto_checked_as_connect
"""
HOST = {"name": "host", "package_version": None, "uname": "6.18.44-fc-v1098"}
DEB_6_16 = {"name": "debian-6.16", "package_version": "6.16.12-1~bpo13+1",
            "uname": "6.16.12+deb13-cloud-amd64"}


def tfo_cell(extra: str = "") -> dict[str, Any]:
    text = TFO_KTAP.replace("not ok 1", extra + "not ok 1") if extra else TFO_KTAP
    result = ktap.parse(text).results[0]
    return {"outcome": result.outcome, "reason": result.reason}


@pytest.fixture(scope="module")
def known() -> list[findings.Finding]:
    return findings.load()


def explained(known: list[findings.Finding], kernel: dict[str, Any], test: str,
              cell: dict[str, Any]) -> str | None:
    found = findings.known(known, kernel, test, cell)
    return found.id if found else None


def test_every_failed_assertion_reaches_the_cell() -> None:
    # The reason keeps all five assertions (it kept two: a third failure
    # hid behind the known ones).
    assert len(findings.assertions(tfo_cell()["reason"])) == 5


def test_known_deviation_on_an_observed_build(known: list[findings.Finding]) -> None:
    assert explained(known, HOST, TFO, tfo_cell()) == "tfo-connect-bypass"
    assert explained(known, DEB_6_16, TFO, tfo_cell()) == "tfo-connect-bypass"


def test_another_assertion_of_the_same_test_is_new(known: list[findings.Finding]) -> None:
    # The allowed side of the same test fails too: not the known deviation.
    allowed = ("# suites/abi4_net_tcp.c:546:fastopen_sendto_checked_as_connect:"
               "Expected 1 (1) == sendto(fd, \"a\", 1, MSG_FASTOPEN, &allowed.u.sa, "
               "allowed.len) (-1)\n")
    assert explained(known, HOST, TFO, tfo_cell(allowed)) is None


def test_only_the_other_assertion_is_new(known: list[findings.Finding]) -> None:
    cell = {"outcome": "fail", "reason": (
        "suites/abi4_net_tcp.c:549:fastopen_sendto_checked_as_connect:"
        "Expected 1 (1) == read(conn, &c, 1) (0)")}
    assert explained(known, HOST, TFO, cell) is None


@pytest.mark.parametrize("kernel", [
    # The next stable release of an affected series, and builds the old
    # series-wide uname patterns covered.
    {"package_version": "6.16.12-2~bpo13+1", "uname": "6.16.12+deb13-cloud-amd64"},
    {"package_version": None, "uname": "6.18.45-fc-v1098"},
    {"package_version": None, "uname": "7.1.14+deb13-cloud-amd64"},
    {"package_version": "7.2.13-1", "uname": "7.2.13+deb14-cloud-amd64"},
])
def test_unobserved_build_is_new(known: list[findings.Finding], kernel: dict[str, Any]) -> None:
    assert explained(known, kernel, TFO, tfo_cell()) is None


@pytest.mark.parametrize("outcome", ["crashed", "timeout", "tainted", "broken", "xpass"])
def test_only_a_fail_is_excused(known: list[findings.Finding], outcome: str) -> None:
    cell = dict(tfo_cell(), outcome=outcome)
    assert explained(known, HOST, TFO, cell) is None


def test_a_message_without_assertions_is_new(known: list[findings.Finding]) -> None:
    cell = {"outcome": "fail", "reason": "Test terminated unexpectedly"}
    assert explained(known, HOST, TFO, cell) is None


def test_other_test_is_new(known: list[findings.Finding]) -> None:
    other = "abi4_net_tcp::tcp.ipv4.connect_denied_port_fails_with_eacces"
    assert explained(known, HOST, other, tfo_cell()) is None


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "findings.toml"
    path.write_text(body)
    return path


GOOD = """[[finding]]
id = "x"
summary = "s"
tests = ["p::t"]
assertions = ["f.c:*:t:Expected *"]
builds = ["1.0-1"]
"""


def test_malformed_findings_are_refused(tmp_path: Path) -> None:
    assert findings.load(write(tmp_path, GOOD))[0].builds == ("1.0-1",)
    for bad, words in [
            (GOOD.replace('builds = ["1.0-1"]', "uname = '^6\\\\.16'"), "unknown keys"),
            (GOOD.replace('"1.0-1"', '"6.16.*"'), "is a pattern"),
            (GOOD.replace('assertions = ["f.c:*:t:Expected *"]', "assertions = []"),
             "'assertions' must be"),
            (GOOD + GOOD, "duplicate ids")]:
        with pytest.raises(findings.FindingsError, match=words):
            findings.load(write(tmp_path, bad))


def reference_failures() -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    doc = json.loads((REPO / "results/reference/matrix.json").read_text())
    kernels = {k["name"]: k for k in doc["kernels"]}
    return [(kernels[name], test, cell) for name, cells in doc["cells"].items()
            for test, cell in cells.items() if cell["outcome"] == "fail"]


def test_reference_matrix_failures_are_the_known_deviations(
        known: list[findings.Finding]) -> None:
    """The committed reference matrix: its failures are exactly the known
    deviations where they were observed, nothing else is excused."""
    where: dict[str, set[str]] = {}
    for kernel, test, cell in reference_failures():
        found = explained(known, kernel, test, cell)
        assert found, f"{kernel['name']}::{test} is not a known deviation"
        where.setdefault(found, set()).add(kernel["name"])
    assert where == {
        "tfo-connect-bypass": {"debian-6.16", "debian-6.17", "debian-6.18", "debian-6.19",
                               "debian-7.0", "debian-7.1", "host"},
        "log-subdomains-off-ignored": {"debian-6.16", "debian-6.17", "debian-6.18",
                                       "debian-6.19"},
        "sigio-pgrp-scope-escape": {"debian-6.16", "debian-6.17", "debian-6.18",
                                    "debian-6.19", "debian-7.0"},
        "audit-net-no-socket": {"debian-6.16", "debian-6.17", "debian-6.18", "debian-6.19",
                                "debian-7.0"},
        "af-unspec-tcp-einval": {"debian-6.16", "debian-6.17"},
        "mm-access-perfmon-bypass": {"debian-6.16", "debian-6.17", "debian-6.18",
                                     "debian-6.19", "debian-7.0", "debian-7.1", "debian-7.2",
                                     "debian-7.3", "host"},
    }
