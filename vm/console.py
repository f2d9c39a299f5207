"""Reading a guest's serial console: faults, init markers, which program ran."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# (kind, pattern) in the order a line is tried; the first match names it.
FAULTS: list[tuple[str, re.Pattern[str]]] = [
    ("panic", re.compile(r"Kernel panic - not syncing")),
    ("kasan", re.compile(r"BUG: KASAN: ")),
    ("bug", re.compile(r"\bBUG: |kernel BUG at ")),
    ("oops", re.compile(r"\bOops(: |\b)|general protection fault")),
    ("ubsan", re.compile(r"UBSAN: ")),
    ("hung_task", re.compile(r"INFO: task \S+ blocked for more than")),
    ("rcu_stall", re.compile(r"rcu: INFO: \S+ detected stalls")),
    ("warning", re.compile(r"\bWARNING: ")),
]
CRASH_KINDS = {"kasan", "bug", "oops", "ubsan", "hung_task", "rcu_stall"}

INIT_START = "llconform-init: start"
INIT_DONE = "llconform-init: done"
_PREFIX = re.compile(r"^(?:<\d+>)?(?:\[\s*\d+\.\d+\]\s?)?")
_BEGIN = re.compile(r"^llconform: begin (\S+)")
_END = re.compile(r"^llconform: end (\S+)")
_UNAME = re.compile(r"llconform-init: start uname=(\S+)")


def clean(line: str) -> str:
    """A console line without CR, log level and printk timestamp."""
    return _PREFIX.sub("", line.replace("\r", "").rstrip("\n"), count=1)


@dataclass
class Fault:
    kind: str
    line: int  # 1-based line number in the console log
    text: str
    program: str | None  # the program running when it appeared

    def to_json(self) -> dict:
        return self.__dict__.copy()


@dataclass
class ConsoleReport:
    faults: list[Fault] = field(default_factory=list)
    init_started: bool = False
    init_done: bool = False
    uname: str | None = None
    lines: int = 0

    def kinds(self) -> set[str]:
        return {f.kind for f in self.faults}

    def first(self, kinds: set[str]) -> Fault | None:
        return next((f for f in self.faults if f.kind in kinds), None)


def analyse(text: str) -> ConsoleReport:
    r = ConsoleReport()
    running: str | None = None
    lines = text.splitlines()
    r.lines = len(lines)
    for no, raw in enumerate(lines, start=1):
        line = clean(raw)
        if line.startswith(INIT_START):
            r.init_started = True
            m = _UNAME.search(line)
            r.uname = m.group(1) if m else r.uname
        elif line.startswith(INIT_DONE):
            r.init_done = True
        m = _BEGIN.match(line)
        if m:
            running = m.group(1)
            continue
        if _END.match(line):
            running = None
            continue
        for kind, pat in FAULTS:
            if pat.search(line):
                r.faults.append(Fault(kind, no, line.strip(), running))
                break
    return r


def excerpt(
    text: str, around: int | None = None, before: int = 10, after: int = 40, tail: int = 40
) -> str:
    """Lines around line `around` (1-based), or the last `tail` lines."""
    lines = [raw.replace("\r", "") for raw in text.splitlines()]
    if around is None:
        return "\n".join(lines[-tail:])
    return "\n".join(lines[max(0, around - 1 - before):around - 1 + after])
