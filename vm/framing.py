"""Parsing the results channel that harness/guest_init.c writes.

guest_init.c is the one writer of the framing (see the comment at its top);
this is the one reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_INIT = re.compile(r"^# llconform-init: (start|boot|done|missing)\b ?(.*)$")
_BEGIN = re.compile(r"^# llconform-program: begin (\S+)$")
_END = re.compile(r"^# llconform-program: end (\S+) ?(.*)$")
_KV = re.compile(r"(\w+)=(\S*)")


def _fields(text: str) -> dict[str, str]:
    return dict(_KV.findall(text))


def _num(v: str | None) -> int | float | None:
    if v is None:
        return None
    try:
        return int(v)
    except ValueError:
        try:
            return float(v)
        except ValueError:
            return None


def _float(v: str | None) -> float | None:
    """A time field; None when absent or negative (the init's 'unknown')."""
    n = _num(v)
    return None if n is None or n < 0 else float(n)


def _int(v: str | None) -> int | None:
    n = _num(v)
    return n if isinstance(n, int) else None


@dataclass
class Program:
    name: str
    ktap: str = ""
    ended: bool = False  # the end line came
    exit: int | None = None
    signal: int | None = None
    timeout: bool = False
    seconds: float | None = None
    taint_before: int | None = None
    taint_after: int | None = None
    # The time budget (see guest_init.c): the fork on the kernel log's clock,
    # fork to first byte, bytes and seconds blocked on the results channel.
    at: float | None = None
    first_output: float | None = None
    bytes: int | None = None
    write_seconds: float | None = None

    @property
    def status(self) -> str:
        """ok | failed (non-zero exit) | signaled | timeout | crashed (no end line)."""
        if not self.ended:
            return "crashed"
        if self.timeout:
            return "timeout"
        if self.signal:
            return "signaled"
        return "ok" if self.exit == 0 else "failed"

    @property
    def tainted(self) -> bool:
        return (
            self.taint_before is not None
            and self.taint_after is not None
            and self.taint_after != self.taint_before
        )

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "exit": self.exit,
            "signal": self.signal,
            "timeout": self.timeout,
            "seconds": self.seconds,
            "taint_before": self.taint_before,
            "taint_after": self.taint_after,
            "tainted": self.tainted,
            "at": self.at,
            "first_output": self.first_output,
            "bytes": self.bytes,
            "write_seconds": self.write_seconds,
        }


@dataclass
class Results:
    started: bool = False
    done: bool = False
    uname: str | None = None
    start_fields: dict[str, str] = field(default_factory=dict)
    done_fields: dict[str, str] = field(default_factory=dict)
    boot_fields: dict[str, str] = field(default_factory=dict)  # kernel milestones
    programs: list[Program] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stray: list[str] = field(default_factory=list)  # output outside any program


def parse(text: str) -> Results:
    r = Results()
    current: Program | None = None
    body: list[str] = []
    for raw in text.splitlines():
        line = raw.replace("\r", "")
        m = _BEGIN.match(line)
        if m:
            if current is not None:  # begin without end: the previous one crashed
                current.ktap = "\n".join(body) + ("\n" if body else "")
            current, body = Program(m.group(1)), []
            r.programs.append(current)
            continue
        m = _END.match(line)
        if m and current is not None and m.group(1) == current.name:
            f = _fields(m.group(2))
            current.ktap = "\n".join(body) + ("\n" if body else "")
            current.ended = True
            current.exit = _num(f.get("exit"))  # type: ignore[assignment]
            current.signal = _num(f.get("signal"))  # type: ignore[assignment]
            current.timeout = f.get("timeout") == "1"
            current.seconds = _num(f.get("seconds"))  # type: ignore[assignment]
            current.taint_before = _num(f.get("taint_before"))  # type: ignore[assignment]
            current.taint_after = _num(f.get("taint_after"))  # type: ignore[assignment]
            current.at = _float(f.get("at"))
            current.first_output = _float(f.get("first_output"))
            current.bytes = _int(f.get("bytes"))
            current.write_seconds = _float(f.get("write_seconds"))
            current, body = None, []
            continue
        if current is not None:
            body.append(line)
            continue
        m = _INIT.match(line)
        if m:
            kind, f = m.group(1), _fields(m.group(2))
            if kind == "start":
                r.started, r.start_fields, r.uname = True, f, f.get("uname")
            elif kind == "done":
                r.done, r.done_fields = True, f
            elif kind == "boot":
                r.boot_fields = f
            else:
                r.missing.append(m.group(2).strip())
        elif line.strip():
            r.stray.append(line)
    if current is not None:
        current.ktap = "\n".join(body) + ("\n" if body else "")
    return r
