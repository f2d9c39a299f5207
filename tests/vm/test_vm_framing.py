"""The results channel framing: guest_init.c writes it, vm/framing.py reads it."""

import os
import subprocess

import pytest

from vm import framing, guestinit
from vmdata import read_data


def test_recorded_ok() -> None:
    r = framing.parse(read_data("results-ok.log"))
    assert r.started and r.done and r.uname == "6.12.118+deb13-cloud-amd64"
    [p] = r.programs
    assert (p.name, p.status, p.exit, p.signal, p.timeout, p.tainted) == (
        "probe",
        "ok",
        0,
        0,
        False,
        False,
    )
    assert p.ktap.startswith("TAP version 13\n1..1\n") and p.ktap.endswith("ok 1 probe\n")
    assert r.stray == [] and r.missing == []


def test_recorded_program_timeout() -> None:
    r = framing.parse(read_data("results-program-timeout.log"))
    hang = r.programs[-1]
    assert (hang.name, hang.status, hang.signal, hang.timeout) == ("hang", "timeout", 9, True)
    assert hang.seconds is not None and hang.seconds >= 3
    assert r.done


def test_recorded_truncated() -> None:
    r = framing.parse(read_data("results-hang.log"))
    assert not r.done
    assert [(p.name, p.status) for p in r.programs] == [("a_probe", "ok"), ("hang", "crashed")]
    assert r.programs[1].ktap == "TAP version 13\n1..1\n# hanging\n"


def test_taint_change() -> None:
    [p] = framing.parse(read_data("results-taint.log")).programs
    assert p.tainted and (p.taint_before, p.taint_after) == (0, 512)


def test_garbage_crlf_and_missing() -> None:
    text = (
        "noise before\r\n# llconform-init: start uname=7.3.4 programs=2 timeout=5\r\n"
        "# llconform-program: begin a\r\nnot ok 1 x\r\n"
        "# llconform-program: begin b\nok 1\n"
        "# llconform-program: end b exit=3 signal=0 timeout=0 seconds=0.5"
        " taint_before=0 taint_after=0\n"
        "# llconform-init: missing c\n# llconform-init: done programs=2 seconds=1.0\n"
    )
    r = framing.parse(text)
    assert [(p.name, p.status) for p in r.programs] == [("a", "crashed"), ("b", "failed")]
    assert r.programs[0].ktap == "not ok 1 x\n"
    assert r.missing == ["c"] and r.stray == ["noise before"] and r.done


@pytest.fixture(scope="module")
def init_binary(tmp_path_factory: pytest.TempPathFactory) -> str:
    return guestinit.build(str(tmp_path_factory.mktemp("init")))


def _prog(d: str, name: str, body: str) -> None:
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n" + body + "\n")
    os.chmod(path, 0o755)


def test_host_mode_round_trip(init_binary: str, tmp_path: os.PathLike) -> None:
    """The real guest_init, in its host mode, against the real parser."""
    d = str(tmp_path)
    _prog(d, "10_ok", "echo 'TAP version 13'; echo '1..1'; echo 'ok 1 x'; echo err >&2")
    _prog(d, "20_noeol", "printf 'not ok 1 y'; exit 3")
    _prog(d, "30_hang", "echo started; sleep 30")
    _prog(d, "40_segv", "kill -SEGV $$")
    open(os.path.join(d, "50_notexec"), "w").close()
    with open(os.path.join(d, "60_noexec"), "w") as f:
        f.write("#!/nonexistent/interpreter\n")
    os.chmod(os.path.join(d, "60_noexec"), 0o755)
    out = subprocess.run(
        [init_binary, "--host", "--timeout", "1", d],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0
    r = framing.parse(out.stdout)
    assert r.started and r.done
    got = {p.name: p for p in r.programs}
    assert list(got) == ["10_ok", "20_noeol", "30_hang", "40_segv", "60_noexec"]
    assert got["10_ok"].status == "ok" and "err\n" in got["10_ok"].ktap
    assert got["20_noeol"].status == "failed" and got["20_noeol"].exit == 3
    assert got["20_noeol"].ktap == "not ok 1 y\n"
    assert got["30_hang"].status == "timeout" and got["30_hang"].ktap == "started\n"
    assert got["40_segv"].status == "signaled" and got["40_segv"].signal == 11
    # a failed exec: the init says why, as the program's output, and 127
    assert got["60_noexec"].status == "failed" and got["60_noexec"].exit == 127
    assert got["60_noexec"].ktap == (
        f"llconform-init: cannot execute {d}/60_noexec: No such file or directory\n"
    )
    sel = subprocess.run(
        [init_binary, "--host", "--programs", "40_segv,nope", d],
        stdout=subprocess.PIPE,
        text=True,
        timeout=30,
    )
    r = framing.parse(sel.stdout)
    assert [p.name for p in r.programs] == ["40_segv"] and r.missing == ["nope"]


def test_budget_fields(init_binary: str, tmp_path: os.PathLike) -> None:
    """The time budget's fields: bytes and seconds on the channel, fork to
    first byte; the kernel log's clock is unknown (-1, None) on the host."""
    d = str(tmp_path)
    _prog(d, "a", "sleep 0.2; echo 'TAP version 13'; echo '1..0'")
    out = subprocess.run(
        [init_binary, "--host", d], stdout=subprocess.PIPE, text=True, timeout=30
    )
    r = framing.parse(out.stdout)
    [p] = r.programs
    # its output and its begin line (the end line is written after the count)
    assert p.bytes == len("# llconform-program: begin a\nTAP version 13\n1..0\n")
    assert p.first_output is not None and 0.15 < p.first_output < 30
    assert p.write_seconds is not None and p.write_seconds >= 0 and p.at is None
    assert int(r.done_fields["bytes"]) == len(out.stdout) - len(out.stdout.splitlines()[-1]) - 1
    assert r.boot_fields == {} and r.start_fields["at"] == "-1.000000"


def test_inflate_results(tmp_path: os.PathLike) -> None:
    """The guest's deflated channel is inflated in place, up to its last
    flush when the stream was cut (a guest that died); text stays text."""
    import zlib

    from vm import qemu

    text = b"# llconform-init: start uname=x programs=1 timeout=5\n# llconform-program: begin a\n"
    z = zlib.compressobj(1)
    stream = z.compress(text) + z.flush(zlib.Z_SYNC_FLUSH) + z.compress(b"lost")
    path = os.path.join(str(tmp_path), "results.log")
    with open(path, "wb") as f:
        f.write(stream)
    qemu.inflate_results(path)
    with open(path, "rb") as f:
        assert f.read() == text
    qemu.inflate_results(path)  # already text: unchanged
    with open(path, "rb") as f:
        assert f.read() == text
