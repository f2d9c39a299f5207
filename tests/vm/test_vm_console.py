"""Console fault detection on recorded real console logs (debian-6.12, 5.10, TCG)."""

import pytest

from vm import boot, console, framing
from vm.guest import GuestResult, exit_code
from vmdata import read_data

LIMITS = {"boot": 60.0, "guest": 1800.0, "program": 600.0}


def classify(
    console_log: str, results_log: str, rc: int | None = 1, killed: str | None = None
) -> tuple:
    report = console.analyse(read_data(console_log) if console_log else "")
    results = framing.parse(read_data(results_log) if results_log else "")
    return boot.classify(rc, killed, report, results, LIMITS)


@pytest.mark.parametrize(
    "log, uname",
    [
        ("console-ok-6.12.log", "6.12.118+deb13-cloud-amd64"),
        ("console-ok-5.10.log", "5.10.0-46-cloud-amd64"),
    ],
)
def test_normal_boot(log: str, uname: str) -> None:
    r = console.analyse(read_data(log))
    assert r.faults == []
    assert r.init_started and r.init_done and r.uname == uname
    assert classify(log, "results-ok.log")[:2] == ("ok", None)


def test_panic_without_init() -> None:
    r = console.analyse(read_data("console-panic-noinit.log"))
    assert [f.kind for f in r.faults] == ["panic"]
    assert "VFS: Unable to mount root fs" in r.faults[0].text
    assert not r.init_started
    status, level, message, line = classify("console-panic-noinit.log", "", rc=0)
    assert (status, level) == ("panic", None)
    assert "Unable to mount root fs" in message
    assert "Kernel panic" in console.excerpt(read_data("console-panic-noinit.log"), line)


def test_panic_blamed_on_the_running_program() -> None:
    r = console.analyse(read_data("console-panic-program.log"))
    assert r.faults[0].kind == "panic" and r.faults[0].program == "crash"
    status, _, message, _ = classify("console-panic-program.log", "results-panic-program.log", rc=0)
    assert status == "panic" and "while crash ran" in message


def test_hang_in_a_program_is_a_guest_timeout() -> None:
    assert console.analyse(read_data("console-hang.log")).faults == []
    status, level, message, _ = classify(
        "console-hang.log", "results-hang.log", rc=None, killed="guest"
    )
    assert (status, level) == ("timeout", "guest")
    assert "hang still running" in message


def test_hang_before_init_is_a_boot_timeout() -> None:
    r = console.analyse(read_data("console-boot-hang.log"))
    assert not r.init_started
    assert classify("console-boot-hang.log", "", rc=None, killed="boot")[:2] == ("timeout", "boot")


def test_program_timeout_and_taint() -> None:
    assert classify("console-ok-6.12.log", "results-program-timeout.log")[:2] == (
        "timeout",
        "program",
    )
    status, _, message, _ = classify("console-ok-6.12.log", "results-taint.log")
    assert status == "tainted" and "taint changed during taint" in message


def test_guest_ended_early_is_crashed() -> None:
    status, _, message, _ = classify("console-hang.log", "results-hang.log", rc=0)
    assert status == "crashed" and "during hang" in message
    status, _, message, _ = classify("", "", rc=0)
    assert status == "crashed" and "without reaching /init" in message


SPLATS = """\
[    2.100000] llconform: begin abi1_fs taint=0
[    2.200000] ------------[ cut here ]------------
[    2.200001] WARNING: CPU: 0 PID: 120 at security/landlock/fs.c:1000 hook_file_open+0x10/0x20
[    2.300000] llconform: end abi1_fs status=0 taint=512
[    2.400000] llconform: begin base taint=512
[    2.500000] BUG: kernel NULL pointer dereference, address: 0000000000000008
[    2.500001] Oops: 0000 [#1] PREEMPT SMP NOPTI
[    2.600000] BUG: KASAN: slab-use-after-free in landlock_put_ruleset+0x1/0x2
\r
<4>[    2.700000] UBSAN: shift-out-of-bounds in security/landlock/ruleset.c:10:5
"""


def test_splat_kinds_and_attribution() -> None:
    r = console.analyse(SPLATS)
    assert [(f.kind, f.program) for f in r.faults] == [
        ("warning", "abi1_fs"),
        ("bug", "base"),
        ("oops", "base"),
        ("kasan", "base"),
        ("ubsan", "base"),
    ]
    status, _, message, line = boot.classify(
        1, None, r, framing.parse(read_data("results-ok.log")), LIMITS
    )
    assert status == "crashed" and "while base ran" in message and line == 6


def test_warning_only_is_tainted() -> None:
    r = console.analyse(SPLATS.split("[    2.400000]")[0])
    status, _, message, _ = boot.classify(
        1, None, r, framing.parse(read_data("results-ok.log")), LIMITS
    )
    assert status == "tainted" and message.startswith("WARNING: CPU: 0")


def test_user_text_is_not_a_fault() -> None:
    assert (
        console.analyse("llconform-init: start uname=x programs=1\nok 1 BUGS fixed\n").faults == []
    )


def guest(status: str, level: str | None = None) -> GuestResult:
    return GuestResult(kernel="k", folder="k", status=status, timeout_level=level)


def test_exit_codes() -> None:
    assert exit_code([guest("ok"), guest("ok")]) == 0
    assert exit_code([guest("ok"), guest("tainted")]) == 1
    assert exit_code([guest("timeout", "program")]) == 1
    for bad in [
        guest("panic"),
        guest("error"),
        guest("crashed"),
        guest("timeout", "boot"),
        guest("timeout", "guest"),
    ]:
        assert exit_code([guest("ok"), bad]) == 2


def kernel_failed(console_log: str, results_log: str, qemu_stderr: str = "",
                  rc: int | None = 0, killed: str | None = None) -> tuple[str, bool]:
    report = console.analyse(read_data(console_log) if console_log else "")
    results = framing.parse(read_data(results_log) if results_log else "")
    status = boot.classify(rc, killed, report, results, LIMITS)[0]
    return status, boot.kernel_failed(status, report, results, qemu_stderr)


def test_a_crash_after_init_started_is_the_kernels_failure() -> None:
    """Issue 12 item 5, recorded 6.12 guests: a panic while a program ran is
    the kernel's failure (exit 1); a panic before /init is our side's
    (exit 2), like a boot that never reaches /init."""
    assert kernel_failed("console-panic-program.log", "results-panic-program.log") == (
        "panic", True)
    assert kernel_failed("console-panic-noinit.log", "") == ("panic", False)
    assert kernel_failed("console-boot-hang.log", "", rc=None, killed="boot") == (
        "timeout", False)
    # The guest died mid-run with no console fault: the kernel's, unless
    # QEMU itself reported an error.
    assert kernel_failed("console-hang.log", "results-hang.log") == ("crashed", True)
    assert kernel_failed("console-hang.log", "results-hang.log",
                         qemu_stderr="qemu: fatal: lost the plot") == ("crashed", False)
    for crash in ("BUG: KASAN: slab-use-after-free in hook_ptrace_access_check",
                  "Oops: general protection fault, probably for non-canonical address",
                  "INFO: task abi6_scope:120 blocked for more than 120 seconds."):
        text = read_data("console-ok-6.12.log").replace(
            "llconform: end", f"{crash}\nllconform: end", 1)
        report = console.analyse(text)
        results = framing.parse(read_data("results-ok.log"))
        status = boot.classify(1, None, report, results, LIMITS)[0]
        assert status == "crashed" and boot.kernel_failed(status, report, results, ""), crash


def test_kernel_failure_exit_code() -> None:
    crashed = GuestResult(kernel="k", folder="k", status="panic", kernel_failed=True)
    assert not crashed.infrastructure_failed
    assert exit_code([guest("ok"), crashed]) == 1
    assert exit_code([crashed, guest("timeout", "boot")]) == 2
