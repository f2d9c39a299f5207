"""`llconform exec`: bad input refused before any boot, llexec's report
read back, expectations, and one real guest running a static program of
ours that checks what exec promises it (deselect with -m 'not boot')."""
from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from vm.api import BootRequest

from llconform import exec_payload, exec_run, outcomes

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build"
WITNESS = BUILD / "tests" / "exec_witness"
KERNEL = "debian-6.12"  # ABI 6, errata 0xf


def llconform_exec(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / "llconform"), "exec", *argv], capture_output=True,
                          text=True, cwd=ROOT)


def _executable(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o755)
    return path


def _plain(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    path.chmod(0o644)
    return path


def _elf_header(machine: int, bits: int = 64) -> bytes:
    """Just enough of an ELF header for the checks (no program headers)."""
    head = bytearray(64)
    head[:4] = b"\x7fELF"
    head[4], head[5], head[6] = (2 if bits == 64 else 1), 1, 1
    head[18:20] = machine.to_bytes(2, "little")
    return bytes(head)


@pytest.mark.parametrize("make, says", [
    (lambda d: d / "absent", "no such file"),
    (lambda d: _plain(d / "plain", b"\x7fELF"), "not executable"),
    (lambda d: _executable(d / "script", b"#!/bin/sh\necho hi\n"), "--with-shell"),
    (lambda d: _executable(d / "arm", _elf_header(183)), "aarch64"),
    (lambda d: _executable(d / "x86", _elf_header(3, 32)), "i386"),
    (lambda d: _executable(d / "text", b"hello\n"), "neither an ELF program nor a script"),
])
def test_bad_program_is_refused_before_any_boot(tmp_path: Path, make, says: str) -> None:
    program = make(tmp_path)
    done = llconform_exec("--results", str(tmp_path / "results"), "debian-6.12", "--",
                          str(program))
    assert done.returncode == 2
    assert str(program) in done.stderr and says in done.stderr
    assert "booting" not in done.stderr and not (tmp_path / "results").exists()


def test_dir_takes_the_arguments_after_the_kernels(tmp_path: Path) -> None:
    """--dir DIR KERNEL... -- ARG...: every program of DIR gets the ARGs
    (go test binaries need -test.v); here the check of DIR's programs runs."""
    folder = tmp_path / "bin"
    folder.mkdir()
    arm = _executable(folder / "arm.test", _elf_header(183))
    done = llconform_exec("--dir", str(folder), "debian-6.12", "--", "-test.v")
    assert done.returncode == 2
    assert f"{arm}: built for aarch64" in done.stderr, done.stderr


@pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build a shared library")
def test_missing_library_is_named(tmp_path: Path) -> None:
    (tmp_path / "lib.c").write_text("int llx_answer(void) { return 42; }\n")
    (tmp_path / "main.c").write_text(
        "int llx_answer(void);\nint main(void) { return llx_answer() != 42; }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(tmp_path / "libllx.so"),
                    str(tmp_path / "lib.c")], check=True)
    subprocess.run(["gcc", "-o", str(tmp_path / "prog"), str(tmp_path / "main.c"),
                    f"-L{tmp_path}", "-lllx"], check=True)
    (tmp_path / "libllx.so").unlink()
    done = llconform_exec("debian-6.12", "--", str(tmp_path / "prog"))
    assert done.returncode == 2
    assert "libllx.so" in done.stderr and str(tmp_path / "prog") in done.stderr


def test_dynamic_program_brings_its_loader_and_libraries() -> None:
    ls = shutil.which("ls")
    assert ls is not None
    payload = exec_payload.prepare([ls], [])
    guest = {dest for _, dest in payload.files}
    elf = exec_payload.read_elf(ls)
    assert elf is not None and elf.interpreter in guest
    assert any(d.endswith("/libc.so.6") for d in guest)
    assert f"{exec_payload.GUEST_BIN}/{os.path.basename(ls)}" in guest


def test_a_sysroot_without_the_loader_is_refused(tmp_path: Path) -> None:
    ls = shutil.which("ls")
    assert ls is not None
    with pytest.raises(exec_payload.PayloadError, match="loader .* is not in the sysroot"):
        exec_payload.prepare([ls], [], sysroot=str(tmp_path))


def _merged_usr_sysroot(root: Path) -> Path:
    """A sysroot laid out as .debs of a merged-/usr release unpack (trixie's
    libc6: no /lib64 link, the loader in usr/lib64), made of this machine's
    own loader and libc, so that resolution is checked without a network."""
    lib = root / "usr/lib/x86_64-linux-gnu"
    lib.mkdir(parents=True)
    (root / "usr/lib64").mkdir()
    shutil.copy("/lib64/ld-linux-x86-64.so.2", root / "usr/lib64/ld-linux-x86-64.so.2")
    shutil.copy("/lib/x86_64-linux-gnu/libc.so.6", lib / "libc.so.6")
    return root


ECHO = "/usr/bin/echo"  # coreutils: needs the loader and libc only


def test_a_merged_usr_sysroot_gives_the_loader_and_libraries(tmp_path: Path) -> None:
    root = _merged_usr_sysroot(tmp_path / "sysroot")
    payload = exec_payload.prepare([ECHO], [], sysroot=str(root))
    files = dict((dest, src) for src, dest in payload.files)
    assert files["/lib64/ld-linux-x86-64.so.2"] == str(root / "usr/lib64/ld-linux-x86-64.so.2")
    assert files["/usr/lib/x86_64-linux-gnu/libc.so.6"] == str(
        root / "usr/lib/x86_64-linux-gnu/libc.so.6")
    assert all(src.startswith(str(root)) for dest, src in files.items()
               if dest != f"{exec_payload.GUEST_BIN}/echo")
    # Without its libc the sysroot cannot serve the program: named, no fallback to the host's.
    (root / "usr/lib/x86_64-linux-gnu/libc.so.6").unlink()
    with pytest.raises(exec_payload.PayloadError, match="libc.so.6.* in the sysroot"):
        exec_payload.prepare([ECHO], [], sysroot=str(root))


def test_the_hosts_own_root_as_sysroot_gives_the_hosts_libraries() -> None:
    plain = exec_payload.prepare([ECHO], [])
    assert exec_payload.prepare([ECHO], [], sysroot="/").files == plain.files


def _block(stream: str, label: str, data: bytes) -> str:
    text = base64.b64encode(data).decode()
    lines = [text[i:i + 76] for i in range(0, len(text), 76)]
    return "\n".join([f"llexec {stream} {label} {len(data)}", *lines, "llexec ."])


def test_llexec_report_is_read_back_whatever_the_program_printed() -> None:
    tricky = b"# llconform-program: end llexec\nllexec end t exit=0\n\x00\xff"
    report = "\n".join([
        "# llconform-program: begin llexec",
        "llexec probe status=enabled abi=6 errata=0xf",
        "llexec begin t",
        _block("stdout", "t", tricky),
        _block("stderr", "t", b""),
        "llexec end t exit=3 signal=0 timeout=0 seconds=0.250 truncated=0",
        "llexec begin u",
        _block("stdout", "u", b"--- PASS: A\n--- SKIP: B\n--- PASS: C\n"),
        _block("stderr", "u", b""),
        "llexec end u exit=-1 signal=9 timeout=1 seconds=300.000 truncated=1",
        "llexec begin v",
    ])
    probe, runs = exec_run.parse(report)
    assert probe == exec_run.Probe("enabled", 6, 0xF)
    t, u, v = runs
    assert (t.stdout, t.status, t.timeout) == (tricky, 3, False)
    assert (u.status, u.timeout, u.truncated) == (137, True, True)
    assert exec_run.test_summary(u.stdout) == "2 pass, 1 skip"
    assert v.exit is None  # the guest ended before the program did


def test_test_summaries_of_libtest_and_tap() -> None:
    rust = b"test result: ok. 10 passed; 0 failed; 2 ignored; 0 measured\n" * 2
    assert exec_run.test_summary(rust) == "20 pass, 0 fail, 4 ignored"
    tap = b"ok 1 a\nok 2 b # SKIP no\nnot ok 3 c\n"
    assert exec_run.test_summary(tap) == "1 pass, 1 skip, 1 fail"


def test_expect_file_first_match_wins(tmp_path: Path) -> None:
    f = tmp_path / "expect"
    f.write_text("# fails on purpose without Landlock\ndebian-5.10 1\n*+nolandlock 1\n* 0\n")
    rules = exec_run.read_expect(str(f))
    assert exec_run.expected_status(rules, "debian-5.10", "t") == 1
    assert exec_run.expected_status(rules, "debian-7.3+nolandlock", "t") == 1
    assert exec_run.expected_status(rules, "debian-7.3", "t") == 0
    f.write_text("debian-5.10 fails\n")
    with pytest.raises(exec_run.ExpectError, match=":1: expected 'KERNEL-GLOB EXIT-STATUS'"):
        exec_run.read_expect(str(f))


@pytest.mark.boot
def test_program_sees_what_exec_promises_in_a_guest(tmp_path: Path) -> None:
    assert WITNESS.stat().st_mode & stat.S_IXUSR, "make build/tests/exec_witness first"
    # Beside the static witness, a dynamic program through --sysroot.
    sysroot = _merged_usr_sysroot(tmp_path / "sysroot")
    payload = exec_payload.prepare([str(WITNESS), ECHO], ["one", "two words"],
                                   sysroot=str(sysroot))
    request = exec_run.ExecRequest(
        kernels=[KERNEL], payload=payload, llexec=str(BUILD / "llexec"),
        boot=BootRequest(out="", jobs=1), results=tmp_path / "results", user="nobody",
        timeout=60, env=["LLX_EXTRA=yes"])
    run_dir, (row,) = exec_run.run(request)
    cell, echo = row.cells
    assert (echo.program, echo.outcome) == ("echo", outcomes.PASS), echo.reason
    assert (run_dir / "kernels" / KERNEL / "echo.stdout").read_text() == "one two words\n"
    out = (run_dir / "kernels" / KERNEL / "exec_witness.stdout").read_text()
    assert cell.outcome == outcomes.PASS, (cell.reason, out)
    facts = dict(line.split("=", 1) for line in out.splitlines())
    assert row.probe == exec_run.Probe("enabled", 6, 0xF)
    assert (facts["LL_STATUS"], facts["LL_ABI"], facts["LL_ERRATA"]) == ("enabled", "6", "0xf")
    assert facts["LANDLOCK_CRATE_TEST_ABI"] == "6"
    assert facts["uid"] == "65534" and facts["HOME"] == "/home/nobody"
    for name in ("passwd_nobody", "hosts_localhost", "loopback_ipv4", "loopback_ipv6",
                 "home_writable", "tmp_writable", "dev_shm_writable", "dev_null", "dev_tty"):
        assert facts[name] == "", f"{name}: {facts[name]}"
    assert [v for k, v in (line.split("=", 1) for line in out.splitlines()) if k == "arg"] == [
        "one", "two words"]
    assert exec_run.exit_status([row]) == 0
    for name in ("exec.json", "exec.md", "junit.xml"):
        assert (run_dir / name).stat().st_size > 0


@pytest.mark.skipif(os.geteuid() != 0, reason="runs the program as nobody: needs root")
def test_host_row_as_nobody_has_a_writable_home(tmp_path: Path) -> None:
    """The host row has no little system, but nobody's fresh $HOME must be
    reachable through the private folder it is made in."""
    assert WITNESS.stat().st_mode & stat.S_IXUSR, "make build/tests/exec_witness first"
    # The program where nobody cannot reach it, as in a clone under /root.
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    program = private / "exec_witness"
    shutil.copy2(WITNESS, program)
    payload = exec_payload.prepare([str(program)], [])
    request = exec_run.ExecRequest(
        kernels=["host"], payload=payload, llexec=str(BUILD / "llexec"),
        boot=BootRequest(out="", jobs=1), results=tmp_path / "results", user="nobody",
        timeout=60)
    run_dir, (row,) = exec_run.run(request)
    out = (run_dir / "kernels" / "host" / "exec_witness.stdout").read_text().splitlines()
    assert "uid=65534" in out and "home_writable=" in out, out
