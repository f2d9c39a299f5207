"""One kernel's row of the matrix, from what vm/ left in its folder.

vm/ knows nothing of Landlock: it boots, runs the programs and writes
guest.json, <program>.ktap, console.log.  Here those become cells, judged
against what each test declares it needs and against what the catalogue
expects the kernel to report (checked first: a kernel whose Landlock is off
or different can never read as all-green).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import ktap
from .matrix import PROBE_CELL, Cell, KernelRow
from .programs import Needs, judge

# The catalogue says "none" for a kernel without Landlock; the probe "absent".
STATUS_NAMES = {"none": "absent"}


def _probed(streams: dict[str, ktap.Stream]) -> dict[str, Any]:
    for stream in streams.values():
        h = stream.header
        if h:
            errata = h.get("errata", "none")
            return {"status": h.get("landlock"),
                    "abi": int(h["abi"]) if h.get("landlock") == "enabled"
                    else None,
                    "errata": None if errata == "none" else int(errata, 16),
                    "abi_known": int(h.get("abi_known", "0")) or None,
                    "proposed": h.get("proposed", "none")}
    return {}


def probe_cell(expected: dict[str, Any], probed: dict[str, Any]) -> Cell:
    """Does the kernel report what the catalogue expects of it?"""
    if not probed:
        return Cell("crashed", "no program reported what the kernel probes")
    if not expected or expected.get("status") is None:
        return Cell("pass", "no expectation given for this kernel: the "
                    f"probe is the truth ({probed['status']} ABI "
                    f"{probed['abi']} errata {_hex(probed['errata'])})")
    want = STATUS_NAMES.get(expected.get("status", ""), expected.get("status"))
    said = (f"catalogue expects {want} ABI {expected.get('abi')} errata "
            f"{_hex(expected.get('errata'))}; kernel reports "
            f"{probed['status']} ABI {probed['abi']} errata "
            f"{_hex(probed['errata'])}")
    if probed["status"] != want:
        return Cell("fail", said)
    if want != "enabled":
        return Cell("pass", said)
    if probed["abi"] != expected.get("abi"):
        return Cell("fail", said)
    if probed["errata"] != expected.get("errata"):
        # Errata grow within a series as fixes are backported: only a
        # measured build's bitmask is a promise, a series-level one a guess.
        if expected.get("errata_source") == "measured":
            return Cell("fail", said)
        return Cell("pass", said + " (expected errata are a series-level "
                    "guess for this build)")
    return Cell("pass", said)


def _hex(value: Any) -> str:
    return hex(value) if isinstance(value, int) else "-"


def _tainted_by(program: dict[str, Any]) -> str:
    faults = program.get("faults") or []
    if faults:
        return "; ".join(f"{f.get('kind')}: {f.get('text')}" for f in faults)
    return (f"kernel taint {program.get('taint_before')} -> "
            f"{program.get('taint_after')}")


def source_of(info: dict[str, Any]) -> str | None:
    """Where the kernel came from: the Debian suite, or for a kernel built
    here its source, patches and configuration hash."""
    build = info.get("build")
    if not build:
        return info.get("suite") or info.get("kind")
    src = build.get("source", {})
    patches = ", ".join(p["file"] for p in build.get("patches", []))
    return (f"built from {src.get('package') or src.get('path') or '?'} "
            f"{src.get('version') or ''}".rstrip()
            + (f" + {len(build.get('patches', []))} patches ({patches})"
               if patches else "")
            + f", config {build.get('config_sha256', '?')[:12]}")


def row_from_guest(guest: dict[str, Any], folder: Path,
                   tests: dict[str, dict[str, Needs]]) -> KernelRow:
    info = guest.get("kernel_info") or {}
    times = guest.get("times") or {}
    status = guest.get("status", "error")
    level = guest.get("timeout_level")
    row = KernelRow(
        name=guest["kernel"], package_version=info.get("version"),
        uname=guest.get("uname"), source=source_of(info),
        expected=guest.get("expected") or {},
        guest=f"{status}-{level}" if level else status,
        boot_seconds=times.get("boot_to_first_program"),
        run_seconds=times.get("total"))
    if status not in ("ok", "tainted"):
        row.problem = guest.get("message") or status
        excerpt = guest.get("console_excerpt")
        if excerpt:
            row.problem += "\n" + excerpt
    for name in ("console.log", "results.log", "guest.json"):
        if (folder / name).exists():
            row.logs[name.split(".")[0]] = f"{folder.name}/{name}"
    programs = {p["name"]: p for p in guest.get("programs") or []}
    streams: dict[str, ktap.Stream] = {}
    for program, needs in tests.items():
        ktap_file = folder / f"{program}.ktap"
        if ktap_file.exists():
            row.logs[program] = f"{folder.name}/{ktap_file.name}"
            streams[program] = ktap.parse(ktap_file.read_text(
                errors="replace"))
    row.probed = _probed(streams)
    row.cells[PROBE_CELL] = probe_cell(row.expected, row.probed) \
        if not row.problem else Cell("crashed", row.problem.splitlines()[0])
    for program, needs in tests.items():
        add_program(row, program, needs, streams.get(program),
                    programs.get(program))
    return row


def add_program(row: KernelRow, program: str, needs: dict[str, Needs],
                stream: ktap.Stream | None, run: dict[str, Any] | None
                ) -> None:
    """The program's cells, plus one that says its skips were justified."""
    if stream is None or run is None:
        why = row.problem.splitlines()[0] if row.problem else \
            "the program never ran"
        for test in needs:
            row.cells[f"{program}::{test}"] = Cell("crashed", why)
        return
    exit_code = None if run.get("timeout") else run.get("exit")
    results, problems = judge(program, stream, needs, exit_code)
    # A taint change or any console fault while it ran (BUG, WARNING, ...).
    tainted = bool(run.get("tainted") or run.get("faults"))
    for result in results:
        cell = Cell(result.outcome, result.reason, result.seconds)
        if result.outcome == "crashed" and run.get("timeout"):
            cell = Cell("timeout", "program timeout (guest init)")
        elif tainted and result.outcome in ("pass", "xfail", "xpass"):
            cell = Cell("tainted", _tainted_by(run))
        row.cells[f"{program}::{result.name}"] = cell
    row.cells[f"{program}::{NEEDS_CELL}"] = \
        Cell("fail", "; ".join(problems)) if problems else Cell("pass")


# Per program: did every skip and run agree with the declared needs?
NEEDS_CELL = "(skips match declared needs)"
