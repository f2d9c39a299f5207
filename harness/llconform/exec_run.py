"""`llconform exec`: someone else's test program in every kernel.

The program (its loader, libraries and extra files) goes into each guest
with `llexec` (harness/llexec.c), which probes Landlock, exports what it
found, runs the program and reports on the results channel. Here the
guests are booted through vm's API, what llexec reported is read back into
typed rows, judged against the expected exit statuses and written as
exec.json, exec.md and junit.xml.
"""
from __future__ import annotations

import base64
import fnmatch
import json
import os
import pwd
import re
import shlex
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from xml.etree import ElementTree as ET

from vm import api

from . import exec_payload, outcomes, results

SCHEMA = "llconform-exec/1"
# Seconds one run of the user's program may take (llexec applies it).
RUN_TIMEOUT = 300
# llexec's own margin over the programs' timeouts, for the init's limit.
INIT_MARGIN_S = 60


class ExpectError(ValueError):
    """An --expect file that cannot be read."""


@dataclass(frozen=True)
class Probe:
    status: str  # enabled | disabled | absent | error
    abi: int
    errata: int

    def text(self) -> str:
        if self.status != "enabled":
            return f"Landlock {self.status}"
        return f"ABI {self.abi}, errata {self.errata:#x}"


@dataclass
class ProgramRun:
    """One program in one kernel, as llexec reported it."""

    label: str
    exit: int | None = None  # None: no end line came
    signal: int = 0
    timeout: bool = False
    seconds: float | None = None
    truncated: bool = False
    stdout: bytes = b""
    stderr: bytes = b""

    @property
    def status(self) -> int | None:
        """The exit status as a shell shows it (128+N for signal N)."""
        if self.exit is None:
            return None
        return 128 + self.signal if self.signal else self.exit


@dataclass
class ExecCell:
    """A program's verdict in one kernel."""

    kernel: str
    program: str
    outcome: str  # outcomes.PASS | FAIL | TIMEOUT | CRASHED | BROKEN
    reason: str
    expected_status: int
    status: int | None
    seconds: float | None
    tests: str  # what the program's own output says it ran, if recognised
    stdout_file: str | None
    stderr_file: str | None


@dataclass
class ExecRow:
    kernel: str
    version: str | None
    uname: str | None
    guest: str  # the guest's status (vm)
    probe: Probe | None
    seconds: float | None  # the guest (or host run) as a whole
    cells: list[ExecCell] = field(default_factory=list)
    message: str = ""
    console_excerpt: str = ""
    folder: str = ""  # under kernels/: the stdout and stderr files are there


@dataclass
class ExecRequest:
    kernels: list[str]
    payload: exec_payload.Payload
    llexec: str  # the static build/llexec
    boot: api.BootRequest  # its out, suites and programs are set here
    results: Path
    user: str = "root"
    timeout: int = RUN_TIMEOUT
    env: list[str] = field(default_factory=list)
    expect: list[tuple[str, int]] = field(default_factory=list)


# -- parsing what llexec said ------------------------------------------------

_PROBE = re.compile(r"^llexec probe status=(\w+) abi=(\d+) errata=0x([0-9a-f]+)$")
_BEGIN = re.compile(r"^llexec begin (\S+)$")
_BLOCK = re.compile(r"^llexec (stdout|stderr) (\S+) (\d+)$")
_END = re.compile(
    r"^llexec end (\S+) exit=(-?\d+) signal=(\d+) timeout=(\d) seconds=([\d.]+) truncated=(\d)$"
)


def parse(text: str) -> tuple[Probe | None, list[ProgramRun]]:
    """llexec's report (as the init forwarded it: other lines are ignored)."""
    probe = None
    runs: dict[str, ProgramRun] = {}
    block: tuple[ProgramRun, str] | None = None
    chunks: list[str] = []
    for line in text.splitlines():
        if block is not None:
            if line == "llexec .":
                data = base64.b64decode("".join(chunks))
                setattr(block[0], block[1], data)
                block, chunks = None, []
            else:
                chunks.append(line.strip())
            continue
        if m := _PROBE.match(line):
            probe = Probe(m.group(1), int(m.group(2)), int(m.group(3), 16))
        elif m := _BEGIN.match(line):
            runs[m.group(1)] = ProgramRun(m.group(1))
        elif (m := _BLOCK.match(line)) and m.group(2) in runs:
            block = (runs[m.group(2)], m.group(1))
        elif (m := _END.match(line)) and m.group(1) in runs:
            r = runs[m.group(1)]
            r.exit, r.signal = int(m.group(2)), int(m.group(3))
            r.timeout, r.seconds = m.group(4) == "1", float(m.group(5))
            r.truncated = m.group(6) == "1"
    return probe, list(runs.values())


def test_summary(stdout: bytes) -> str:
    """'12 pass, 3 skip' from libtest, go test -v or TAP/KTAP output; '' if none."""
    text = stdout.decode(errors="replace")
    rust = re.findall(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", text)
    if rust:
        passed, failed, ignored = (sum(int(r[i]) for r in rust) for i in range(3))
        return f"{passed} pass, {failed} fail, {ignored} ignored"
    counts = {
        "pass": len(re.findall(r"^\s*--- PASS:", text, re.M)),
        "skip": len(re.findall(r"^\s*--- SKIP:", text, re.M)),
        "fail": len(re.findall(r"^\s*--- FAIL:", text, re.M)),
    }
    if not any(counts.values()):
        counts = {
            "pass": len(re.findall(r"^\s*ok \d+(?!.*# (?i:skip))", text, re.M)),
            "skip": len(re.findall(r"^\s*ok \d+.*# (?i:skip)", text, re.M)),
            "fail": len(re.findall(r"^\s*not ok \d+", text, re.M)),
        }
    return ", ".join(f"{n} {k}" for k, n in counts.items() if n)


# -- expectations --------------------------------------------------------------


def read_expect(path: str) -> list[tuple[str, int]]:
    """--expect FILE: 'KERNEL-GLOB STATUS' per line (# comments); the first
    matching line gives a kernel's expected exit status, 0 where none does."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError as e:
        raise ExpectError(f"--expect {path}: {e.strerror}") from e
    rules = []
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2 or not re.fullmatch(r"\d+", words[1]):
            raise ExpectError(f"{path}:{n}: expected 'KERNEL-GLOB EXIT-STATUS', got {line!r}")
        rules.append((words[0], int(words[1])))
    return rules


def expected_status(rules: list[tuple[str, int]], kernel: str, program: str) -> int:
    for glob, status in rules:
        if fnmatch.fnmatchcase(kernel, glob) or fnmatch.fnmatchcase(f"{kernel}:{program}", glob):
            return status
    return 0


# -- running -------------------------------------------------------------------


def _host_home(tmp: str, user: str) -> str:
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    os.chmod(tmp, 0o755)  # mkdtemp's 0700 would keep nobody out of its own $HOME
    entry = pwd.getpwnam(user)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o755)
    return home


def _judge(
    guest: api.GuestResult, folder: Path, req: ExecRequest
) -> ExecRow:
    info = guest.kernel_info or {}
    row = ExecRow(
        kernel=guest.kernel,
        version=info.get("version"),
        uname=guest.uname,
        guest=guest.exit_class,
        probe=None,
        seconds=guest.times.total,
        message=guest.message,
        console_excerpt=guest.console_excerpt,
        folder=guest.folder,
    )
    report = next((p for p in guest.programs if p.name == "llexec"), None)
    runs: list[ProgramRun] = []
    if report is not None and report.ktap:
        text = (folder / report.ktap).read_text(errors="replace")
        row.probe, runs = parse(text)
    by_label = {r.label: r for r in runs}
    for program in req.payload.programs:
        want = expected_status(req.expect, guest.kernel, program.label)
        run = by_label.get(program.label)
        out_file = err_file = None
        if run is not None:
            out_file, err_file = f"{program.label}.stdout", f"{program.label}.stderr"
            (folder / out_file).write_bytes(run.stdout)
            (folder / err_file).write_bytes(run.stderr)
        outcome, reason = _verdict(guest, run, want)
        row.cells.append(
            ExecCell(
                kernel=guest.kernel,
                program=program.label,
                outcome=outcome,
                reason=reason,
                expected_status=want,
                status=run.status if run else None,
                seconds=run.seconds if run else None,
                tests=test_summary(run.stdout) if run else "",
                stdout_file=out_file,
                stderr_file=err_file,
            )
        )
    return row


def _verdict(guest: api.GuestResult, run: ProgramRun | None, want: int) -> tuple[str, str]:
    if run is None or run.exit is None:
        if guest.infrastructure_failed:
            return outcomes.BROKEN, guest.message or f"the guest ended {guest.exit_class}"
        what = guest.message or f"the guest ended {guest.exit_class} before the program did"
        return outcomes.CRASHED, what
    if run.timeout:
        return outcomes.TIMEOUT, f"killed after {run.seconds:.0f} s (--timeout)"
    if guest.kernel_failed or guest.status == "tainted":
        return outcomes.CRASHED, guest.message or "the kernel reported a fault while it ran"
    if run.status == want:
        return outcomes.PASS, f"exit status {run.status}" + (
            f" (expected {want})" if want else ""
        )
    return outcomes.FAIL, f"exit status {run.status}, expected {want}"


def run(
    req: ExecRequest, on_row: Callable[[ExecRow], None] | None = None
) -> tuple[Path, list[ExecRow]]:
    """Boots every kernel with the programs; returns the run folder and the
    rows in the order the kernels were named."""
    run_dir = results.new_run_dir(req.results)
    kernels_dir = run_dir / "kernels"
    rows: dict[str, ExecRow] = {}
    with tempfile.TemporaryDirectory(prefix="llconform-exec-") as tmp:
        home = _host_home(tmp, req.user)
        stage = Path(tmp) / "stage"
        host_payload = req.payload
        if req.user != "root":
            host_payload = exec_payload.reachable_copies(req.payload, Path(tmp) / "host")
        host_conf = exec_payload.records(
            host_payload, guest=False, user=req.user, timeout=req.timeout, env=req.env, home=home
        )
        guest_conf = exec_payload.records(
            req.payload, guest=True, user=req.user, timeout=req.timeout, env=req.env
        )
        files = exec_payload.stage(stage, req.llexec, req.payload, host_conf, guest_conf)
        limit = req.timeout * len(req.payload.programs) + INIT_MARGIN_S
        boot = replace(
            req.boot,
            out=str(kernels_dir),
            suites=str(stage),
            programs=["llexec"],
            files=files,
            program_timeout=limit,
            guest_timeout=max(req.boot.guest_timeout, limit + req.boot.boot_timeout),
        )
        for guest in api.boot(req.kernels, boot):
            row = _judge(guest, kernels_dir / guest.folder, req)
            rows[guest.kernel] = row
            if on_row:
                on_row(row)
    ordered = [rows[k] for k in req.kernels if k in rows]
    ordered += [r for k, r in rows.items() if k not in req.kernels]
    write_outputs(run_dir, ordered, req)
    return run_dir, ordered


def exit_status(rows: list[ExecRow]) -> int:
    return outcomes.status({c.outcome for r in rows for c in r.cells} or {outcomes.BROKEN})


# -- reports -------------------------------------------------------------------


def row_line(row: ExecRow) -> str:
    probe = row.probe.text() if row.probe else "not probed"
    cells = "; ".join(
        f"{c.program}: {c.outcome} ({c.reason}{', ' + c.tests if c.tests else ''})"
        for c in row.cells
    )
    return f"{row.kernel:24} {row.version or '-':22} {probe:24} {cells}"


def markdown(rows: list[ExecRow], command: list[str]) -> str:
    out = [
        "# llconform exec",
        "",
        "`" + " ".join(command) + "`",
        "",
        "| kernel | version | Landlock | program | outcome | exit | expected | tests | seconds "
        "| output |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        probe = r.probe.text() if r.probe else "-"
        for c in r.cells:
            out.append(
                f"| {r.kernel} | {r.version or '-'} | {probe} | {c.program} | {c.outcome} | "
                f"{'-' if c.status is None else c.status} | {c.expected_status} | {c.tests or '-'} "
                f"| {'-' if c.seconds is None else f'{c.seconds:.2f}'} | "
                f"{f'kernels/{r.folder or r.kernel}/{c.stdout_file}' if c.stdout_file else '-'} |"
            )
    problems = [c for r in rows for c in r.cells if not outcomes.accepted(c.outcome)]
    if problems:
        out += ["", "## What did not pass", ""]
        out += [f"- {c.kernel} {c.program}: {c.outcome}: {c.reason}" for c in problems]
    return "\n".join(out) + "\n"


def junit(rows: list[ExecRow]) -> str:
    suites = ET.Element("testsuites", name="llconform exec")
    for r in rows:
        suite = ET.SubElement(suites, "testsuite", name=r.kernel, tests=str(len(r.cells)))
        for c in r.cells:
            case = ET.SubElement(suite, "testcase", classname=r.kernel, name=c.program)
            if c.seconds is not None:
                case.set("time", f"{c.seconds:.3f}")
            kind = outcomes.kind(c.outcome)
            if kind == "kernel_failure":
                ET.SubElement(case, "failure", type=c.outcome, message=c.reason)
            elif kind == "infrastructure":
                ET.SubElement(case, "error", type=c.outcome, message=c.reason)
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def document(rows: list[ExecRow], req: ExecRequest) -> dict[str, object]:
    return {
        "schema": SCHEMA,
        "programs": [p.label for p in req.payload.programs],
        "args": req.payload.args,
        "user": req.user,
        "rows": [asdict(r) for r in rows],
    }


def write_outputs(run_dir: Path, rows: list[ExecRow], req: ExecRequest) -> None:
    options = ["--user", req.user] if req.user != "root" else []
    options += [f"--env {e}" for e in req.env]
    labels = [p.label for p in req.payload.programs]
    # Several programs (--dir) all get the same arguments, after --.
    runs = labels[:1] if len(labels) == 1 else [f"{{{','.join(labels)}}}"]
    args = [shlex.quote(a) for a in req.payload.args]
    command = ["llconform", "exec", *options, *req.kernels, "--", *runs, *args]
    (run_dir / "exec.json").write_text(json.dumps(document(rows, req), indent=1) + "\n")
    (run_dir / "exec.md").write_text(markdown(rows, command))
    (run_dir / "junit.xml").write_text(junit(rows))
