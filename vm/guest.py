"""What one guest (or the host row) left: the typed result behind guest.json.

`GuestResult` is what `vm.boot.boot` yields per kernel and what guest.json
is written from (`write`) and read back into (`read`); nothing assembles
guest.json as a free-form dict.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from . import cache
from .console import Fault
from .framing import Program

# Guest statuses (guest.json `status`); `timeout` has a `timeout_level`.
OK = "ok"
TAINTED = "tainted"
# Statuses of a guest that never finished: our side's failure unless
# `kernel_failed` says the kernel itself failed after /init started.
INFRA = {"panic", "crashed", "timeout-boot", "timeout-guest", "error"}
GUEST_JSON = "guest.json"


@dataclass
class Times:
    """Host seconds counted from the QEMU spawn (or the host run's start)."""

    boot_to_init: float | None = None
    boot_to_first_program: float | None = None
    boot_to_done: float | None = None
    total: float | None = None


@dataclass
class GuestProgram:
    """One suite program as the init ran it."""

    name: str
    status: str  # ok | failed | signaled | timeout | crashed (framing.Program.status)
    exit: int | None = None
    signal: int | None = None
    timeout: bool = False
    seconds: float | None = None
    taint_before: int | None = None
    taint_after: int | None = None
    tainted: bool = False
    # The time budget (framing.Program): the fork on the kernel log's clock,
    # fork to first byte, bytes and seconds blocked on the results channel.
    at: float | None = None
    first_output: float | None = None
    bytes: int | None = None
    write_seconds: float | None = None
    ktap: str = ""  # file name of its KTAP, next to guest.json
    faults: list[Fault] = field(default_factory=list)  # console faults while it ran

    @classmethod
    def from_framing(cls, p: Program, ktap: str, faults: list[Fault]) -> GuestProgram:
        """What the results channel said of the program (framing.Program's
        JSON, every field this class knows), its KTAP file, its faults."""
        known = {f.name for f in fields(cls)}
        said: dict[str, Any] = {k: v for k, v in p.to_json().items() if k in known}
        said.update(ktap=ktap, faults=faults)
        return cls(**said)


@dataclass
class GuestResult:
    """One kernel's run: guest.json."""

    kernel: str  # the name asked for
    folder: str  # its folder under the output directory
    status: str  # ok | timeout | panic | crashed | tainted | error
    timeout_level: str | None = None  # boot | guest | program
    message: str = ""
    # The kernel failed once /init had started (a panic, Oops, BUG, KASAN,
    # hung task, or the guest dying or hanging mid-run without QEMU saying
    # why): the kernel's failure, not ours (boot.kernel_failed).
    kernel_failed: bool = False
    kernel_info: dict[str, Any] | None = None  # catalogue.Kernel.describe()
    expected: dict[str, Any] | None = None  # passed through, never judged here
    uname: str | None = None
    times: Times = field(default_factory=Times)
    programs: list[GuestProgram] = field(default_factory=list)
    missing_programs: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    console_excerpt: str = ""
    machine: str | None = None  # microvm | pc | host
    accel: str | None = None
    qemu_command: str | None = None
    qemu_exit: int | None = None
    qemu_stderr: str | None = None
    image: str | None = None
    init_exit: int | None = None  # host row: the init's own exit status
    command: list[str] | None = None  # host row: the init's command line

    @property
    def exit_class(self) -> str:
        """status, with the level of a timeout: `timeout-boot`."""
        if self.status == "timeout" and self.timeout_level:
            return f"{self.status}-{self.timeout_level}"
        return self.status

    @property
    def infrastructure_failed(self) -> bool:
        """Our side failed: no QEMU, a download, a corrupt image, a boot that
        never reached /init, a program missing from the initramfs."""
        return (self.exit_class in INFRA and not self.kernel_failed) or bool(
            self.missing_programs
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GuestResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["times"] = Times(**(data.get("times") or {}))
        values["faults"] = [Fault(**f) for f in data.get("faults") or []]
        values["programs"] = [_program(p) for p in data.get("programs") or []]
        return cls(**values)

    def write(self, out_root: str) -> str:
        """guest.json in out_root/<folder>/; returns its path."""
        path = os.path.join(out_root, self.folder, GUEST_JSON)
        cache.write_json_atomic(path, self.to_json())
        return path

    @classmethod
    def read(cls, path: str) -> GuestResult:
        with open(path) as f:
            return cls.from_json(json.load(f))


def _program(data: dict[str, Any]) -> GuestProgram:
    values: dict[str, Any] = dict(data)
    values["faults"] = [Fault(**f) for f in data.get("faults") or []]
    return GuestProgram(**values)


def exit_code(results: list[GuestResult]) -> int:
    """0: every guest ok; 2: an infrastructure failure anywhere;
    1: the kernels' failures only (tainted, program timeout, a crash after
    /init started)."""
    if any(r.infrastructure_failed for r in results):
        return 2
    return 0 if all(r.exit_class == OK for r in results) else 1
