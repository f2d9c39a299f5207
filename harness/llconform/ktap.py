"""KTAP (TAP 13) that a kselftest-harness program prints -> ProgramResult.

A result line that never came is not a pass: `parse` reports what it saw,
and `missing` (with the program's --list-json) names the tests that
crashed.  A line that is neither KTAP nor a diagnostic is an error naming
its line number, never ignored.  A skip made by the gate of the test's
declared needs carries the harness's GATE_MARK line (harness/ll_harness.h
LL_GATE_MARK): the driver reads it, it never re-derives the gate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import outcomes

# harness/ll_harness.h LL_GATE_MARK: the gate skipped this test.
GATE_MARK = "# llconform: gate=skip"
# harness/ll_harness.h LL_ENV_PREFIX: a skip for what the machine lacks.
ENV_SKIP = "environment: "

_RESULT = re.compile(
    r"^(?P<ok>ok|not ok) (?P<num>\d+) (?P<name>[^#]*?)"
    r"(?: # ?(?P<directive>.*))?$")
_HEADER = re.compile(r"^# llconform: (?P<fields>program=.*)$")
_KEYVAL = re.compile(r"(\w+)=(\S+)")
# "# file.c:123:test_name:Expected ..." from a failed EXPECT/ASSERT
_ELAPSED = re.compile(r"^# llconform: elapsed=([0-9.]+)$")
# A fixture test's setup and teardown, apart from its body (ll_harness.h)
_FIXTURE = re.compile(r"^# llconform: fixture=([0-9.]+)$")
_ASSERTION = re.compile(r"^# [^\s:]+:\d+:")


@dataclass
class Result:
    name: str
    outcome: str
    reason: str = ""
    number: int = 0
    seconds: float | None = None  # the body's
    fixture_seconds: float | None = None  # its fixture's setup and teardown
    diagnostics: list[str] = field(default_factory=list)
    gated: bool = False  # a skip of the gate (declared needs), not the test's own

    @property
    def environment_skip(self) -> bool:
        """A skip for what the machine lacks (no IPv6, ...): the reason says what."""
        return self.outcome == outcomes.SKIP and self.reason.startswith(ENV_SKIP)


@dataclass
class ProgramResult:
    """What one program's KTAP says: its header, plan, results, errors."""

    header: dict[str, str] = field(default_factory=dict)
    plan: int | None = None
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def by_name(self) -> dict[str, Result]:
        return {r.name: r for r in self.results}


def _classify(ok: bool, directive: str, diags: list[str]) -> tuple[str, str]:
    """Outcome and reason of one result line."""
    directive = directive.strip()
    word, _, rest = directive.partition(" ")
    if ok:
        directives = {"SKIP": outcomes.SKIP, "XFAIL": outcomes.XFAIL, "XPASS": outcomes.XPASS}
        if word in directives:
            return directives[word], rest.strip()
        return outcomes.PASS, directive
    if directive.startswith("BROKEN"):
        return outcomes.BROKEN, directive[len("BROKEN"):].strip(" :")
    for line in diags:
        if "Test terminated by timeout" in line:
            return outcomes.TIMEOUT, "test timeout (kselftest harness)"
        if "terminated unexpectedly by signal" in line:
            return outcomes.CRASHED, line.lstrip("# ").strip()
    # Every failed assertion, in order: findings.toml excuses a failure
    # only when each of them is one it names.
    asserts = [d.lstrip("# ") for d in diags if _ASSERTION.match(d)]
    return outcomes.FAIL, directive or "; ".join(asserts)


def parse(text: str) -> ProgramResult:
    stream = ProgramResult()
    pending: list[str] = []
    seconds: float | None = None
    fixture: float | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line:
            continue
        if line.startswith(("TAP version", "KTAP version")):
            continue
        if line.startswith("#"):
            header = _HEADER.match(line)
            elapsed = _ELAPSED.match(line)
            fixture_line = _FIXTURE.match(line)
            if header:
                stream.header.update(_KEYVAL.findall(header["fields"]))
            elif elapsed:
                seconds = float(elapsed[1])
            elif fixture_line:
                fixture = float(fixture_line[1])
            elif line.startswith("# llconform:"):
                stream.notes.append(line[len("# llconform:"):].strip())
            pending.append(line)
            continue
        if re.fullmatch(r"1\.\.\d+", line):
            if stream.plan is not None:
                stream.errors.append(f"line {number}: a second plan: {line}")
            stream.plan = int(line[3:])
            continue
        match = _RESULT.match(line)
        if not match:
            stream.errors.append(f"line {number}: not KTAP: {line[:120]}")
            continue
        ok = match["ok"] == "ok"
        outcome, reason = _classify(ok, match["directive"] or "", pending)
        stream.results.append(Result(
            name=match["name"].strip(), outcome=outcome, reason=reason,
            number=int(match["num"]), diagnostics=pending, seconds=seconds,
            fixture_seconds=fixture, gated=GATE_MARK in pending))
        pending, seconds, fixture = [], None, None
    if stream.plan is not None and len(stream.results) > stream.plan:
        stream.errors.append(
            f"{len(stream.results)} results for a plan of {stream.plan}")
    return stream


def missing(stream: ProgramResult, expected: list[str]) -> list[str]:
    """Expected tests with no result line: they crashed or never ran."""
    seen = stream.by_name()
    return [name for name in expected if name not in seen]
