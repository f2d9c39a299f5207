"""Launching one QEMU guest: command line, hard wall-clock kill, console capture."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import threading
import time
import zlib
from dataclasses import dataclass

from .console import INIT_DONE, INIT_START

# Fast and quiet; 8250.nr_uarts=2 for the results channel on ttyS1;
# printk.devkmsg=on so the init's markers are never rate-limited;
# damon_stat.enabled=N: Debian's 6.17+ kernels start DAMON's access
# monitor at boot, whose sampling thread took 6% of a guest's time under
# TCG (7.3, A/B alternated); kernels without it ignore the parameter.
BASE_APPEND = [
    "console=ttyS0",
    "quiet",
    "panic=-1",
    "reboot=t",
    "cryptomgr.notests",
    "tsc=reliable",
    "8250.nr_uarts=2",
    "printk.devkmsg=on",
    "damon_stat.enabled=N",
]
QEMU = os.environ.get("LLCONFORM_QEMU", "qemu-system-x86_64")
PROGRAM_MARKER = "llconform: begin "
_TSC_KHZ: dict[str, int | None] = {}


def clock_append(init: str, accel: str) -> list[str]:
    """Under TCG the guest's TSC is the host's: its rate (measured once by
    `init --tsc-khz`) as tsc_early_khz= spares the guest a PIT calibration
    that fails on a busy host, leaving it on a jiffies clock (4 ms steps,
    losing ticks under load) and skips the delay-loop calibration."""
    if accel != "tcg":
        return []
    if init not in _TSC_KHZ:
        khz = None
        try:
            done = subprocess.run([init, "--tsc-khz"], capture_output=True, text=True, timeout=10)
            if done.returncode == 0 and done.stdout.strip().isdigit():
                khz = int(done.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
        _TSC_KHZ[init] = khz
    khz = _TSC_KHZ[init]
    return [f"tsc_early_khz={khz}"] if khz else []


@dataclass
class Boot:
    kernel: str  # vmlinux (microvm) or bzImage (pc)
    initrd: str
    results: str  # results channel file
    append: list[str]
    machine: str = "microvm"  # microvm | pc
    accel: str = "tcg"  # tcg | kvm
    memory_mb: int = 512
    qemu: str = QEMU

    def argv(self) -> list[str]:
        machine = "microvm,acpi=off" if self.machine == "microvm" else "pc"
        return [
            self.qemu,
            "-accel",
            self.accel,
            "-M",
            machine,
            "-cpu",
            "max",
            "-m",
            str(self.memory_mb),
            "-smp",
            "1",
            "-nodefaults",
            "-no-user-config",
            "-display",
            "none",
            "-no-reboot",
            "-serial",
            "stdio",
            "-chardev",
            f"file,id=results,path={self.results}",
            "-device",
            "isa-serial,chardev=results",
            "-device",
            "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-kernel",
            self.kernel,
            "-initrd",
            self.initrd,
            "-append",
            " ".join(self.append),
        ]

    def command_line(self) -> str:
        """The command line in a form a person can paste into a shell."""
        return shlex.join(self.argv())


@dataclass
class Outcome:
    returncode: int | None  # QEMU's exit status (None: killed by us)
    killed: str | None  # "boot" | "guest": which wall-clock limit fired
    t_init: float | None  # seconds from spawn to the init's start line
    t_first_program: float | None
    t_done: float | None  # seconds from spawn to the init's done line
    t_total: float
    qemu_stderr: str


def inflate_results(path: str) -> None:
    """The guest init deflates the results channel (guest_init.c): write it
    back as text, as far as it goes (a guest that died mid-stream leaves a
    stream without its end, inflated up to its last flush)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return
    if raw[:1] != b"\x78":  # not a zlib stream: an older init, or the host
        return
    d = zlib.decompressobj()
    try:
        text = d.decompress(raw)
    except zlib.error as err:
        text = b"\n# llconform-host: results channel corrupt: %s\n" % str(err).encode()
    with open(path, "wb") as f:
        f.write(text)


def run(boot: Boot, console_path: str, boot_timeout: float, guest_timeout: float) -> Outcome:
    """Boot; kill the guest if /init is not reached in boot_timeout or it outlives guest_timeout."""
    if os.path.exists(boot.results):
        os.unlink(boot.results)
    start = time.monotonic()
    marks: dict[str, float] = {}
    proc = subprocess.Popen(
        boot.argv(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    err_chunks: list[bytes] = []

    def read_console() -> None:
        assert proc.stdout is not None
        pending = b""
        with open(console_path, "wb") as log:
            while True:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                log.write(chunk)
                log.flush()
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    text = line.decode(errors="replace")
                    if INIT_START in text and "init" not in marks:
                        marks["init"] = time.monotonic() - start
                    if PROGRAM_MARKER in text and "program" not in marks:
                        marks["program"] = time.monotonic() - start
                    if INIT_DONE in text and "done" not in marks:
                        marks["done"] = time.monotonic() - start

    def read_stderr() -> None:
        assert proc.stderr is not None
        err_chunks.append(proc.stderr.read())

    readers = [
        threading.Thread(target=read_console, daemon=True),
        threading.Thread(target=read_stderr, daemon=True),
    ]
    for t in readers:
        t.start()
    killed = None
    while proc.poll() is None:
        elapsed = time.monotonic() - start
        if "init" not in marks and elapsed > boot_timeout:
            killed = "boot"
        elif elapsed > guest_timeout:
            killed = "guest"
        if killed:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        time.sleep(0.02)
    total = time.monotonic() - start
    for t in readers:
        t.join(timeout=5)
    inflate_results(boot.results)
    return Outcome(
        None if killed else proc.returncode,
        killed,
        marks.get("init"),
        marks.get("program"),
        marks.get("done"),
        total,
        b"".join(err_chunks).decode(errors="replace"),
    )
