"""The verdicts of one kernel: its matrix row, judged from what vm/ left.

vm/ knows nothing of Landlock: it boots, runs the programs and yields a
GuestResult (guest.json) next to <program>.ktap and console.log.  Here
those become cells, judged against what each program says of its tests
(gate skips, declared needs) and against what the catalogue expects the
kernel to report (checked first: a kernel whose Landlock is off or
different can never read as all-green).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from vm.api import GuestProgram, GuestResult

from . import ktap, outcomes
from .matrix import PROBE_CELL, Cell, KernelRow
from .programs import Needs, judge

# The catalogue says "none" for a kernel without Landlock; the probe "absent".
STATUS_NAMES = {"none": "absent"}


def _probed(streams: dict[str, ktap.ProgramResult]) -> dict[str, Any]:
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


# Where a kernel's expected errata come from (vm/catalogue.py): a measured
# build of the catalogue, an option (--expect-errata), a patch series of the
# catalogue; "series" is the catalogue's guess for a build it never measured.
GIVEN_ERRATA = ("measured", "option", "patch_series")


def _proposed(value: Any) -> set[str]:
    """The probe's `proposed` field ("none" or a comma list) as a set."""
    if isinstance(value, (list, tuple, set)):
        return set(value)
    return {p for p in str(value or "none").split(",") if p and p != "none"}


def probe_cell(expected: dict[str, Any], probed: dict[str, Any]) -> Cell:
    """Does the kernel report what it was expected to report?

    Every expectation that was given is compared: status, ABI, errata
    (measured, or given with --expect-errata or a patch series), proposed
    features (--expect-proposed, the catalogue).  Any difference fails.
    Where an expectation is missing (a host without --expect-*, a Debian
    build whose errata the catalogue never measured), the cell is
    `unverified`: said as such, never a pass.
    """
    if not probed:
        return Cell(outcomes.CRASHED, "no program reported what the kernel probes")
    got_proposed = _proposed(probed.get("proposed"))
    reports = (f"kernel reports {probed['status']} ABI {probed['abi']} errata "
               f"{_hex(probed['errata'])} proposed "
               f"{','.join(sorted(got_proposed)) or 'none'}")
    status = expected.get("status")
    if status is None and any(expected.get(k) is not None
                              for k in ("abi", "errata", "proposed")):
        status = "enabled"
    if status is None:
        return Cell(outcomes.UNVERIFIED, f"no expectation given for this kernel: {reports}")
    want = STATUS_NAMES.get(status, status)
    differs: list[str] = []
    missing: list[str] = []
    if probed["status"] != want:
        differs.append(f"status {probed['status']}, expected {want}")
    elif want == "enabled":
        if expected.get("abi") is None:
            missing.append("no expected ABI")
        elif probed["abi"] != expected["abi"]:
            differs.append(f"ABI {probed['abi']}, expected {expected['abi']}")
        errata, source = expected.get("errata"), expected.get("errata_source")
        if errata is None or source not in GIVEN_ERRATA:
            guess = f" (series-level guess {_hex(errata)})" if errata is not None else ""
            missing.append(f"no measured errata for this build{guess}")
        elif probed["errata"] != errata:
            differs.append(f"errata {_hex(probed['errata'])}, expected {_hex(errata)} "
                           f"({source})")
        proposed = expected.get("proposed")
        if proposed is None:
            missing.append("no expected proposed features")
        else:
            rejected = sorted(set(proposed) - got_proposed)
            extra = sorted(got_proposed - set(proposed))
            if rejected:
                differs.append(f"the kernel rejects proposed {', '.join(rejected)}")
            if extra:
                differs.append(f"the kernel accepts proposed {', '.join(extra)}, "
                               "not expected")
    if differs:
        return Cell(outcomes.FAIL, "; ".join(differs) + f" ({reports})")
    if missing:
        return Cell(outcomes.UNVERIFIED, "; ".join(missing) + f": {reports}")
    return Cell(outcomes.PASS, f"as expected: {reports}")


def _hex(value: Any) -> str:
    return hex(value) if isinstance(value, int) else "-"


def _tainted_by(program: GuestProgram) -> str:
    if program.faults:
        return "; ".join(f"{f.kind}: {f.text}" for f in program.faults)
    return (f"kernel taint {program.taint_before} -> "
            f"{program.taint_after}")


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


def row_from_guest(guest: GuestResult, folder: Path,
                   tests: dict[str, dict[str, Needs]]) -> KernelRow:
    """The row of one kernel: the probe cell, then each program's cells."""
    info = guest.kernel_info or {}
    row = KernelRow(
        name=guest.kernel, package_version=info.get("version"),
        uname=guest.uname, source=source_of(info),
        expected=guest.expected or {},
        guest=guest.exit_class, kernel_failed=guest.kernel_failed,
        boot_seconds=guest.times.boot_to_first_program,
        run_seconds=guest.times.total)
    if guest.status not in ("ok", "tainted"):
        row.problem = guest.message or guest.status
        if guest.console_excerpt:
            row.problem += "\n" + guest.console_excerpt
    for name in ("console.log", "results.log", "guest.json"):
        if (folder / name).exists():
            row.logs[name.split(".")[0]] = f"{folder.name}/{name}"
    programs = {p.name: p for p in guest.programs}
    streams: dict[str, ktap.ProgramResult] = {}
    for program in tests:
        ktap_file = folder / f"{program}.ktap"
        if ktap_file.exists():
            row.logs[program] = f"{folder.name}/{ktap_file.name}"
            streams[program] = ktap.parse(ktap_file.read_text(
                errors="replace"))
    row.probed = _probed(streams)
    if row.problem and not (row.kernel_failed and row.probed):
        row.cells[PROBE_CELL] = Cell(outcomes.CRASHED,
                                     row.problem.splitlines()[0])
    else:
        row.cells[PROBE_CELL] = probe_cell(row.expected, row.probed)
    for program, needs in tests.items():
        add_program(row, program, needs, streams.get(program),
                    programs.get(program))
    return row


def add_program(row: KernelRow, program: str, needs: dict[str, Needs],
                stream: ktap.ProgramResult | None, run: GuestProgram | None
                ) -> None:
    """The program's cells, plus one that says its skips were justified."""
    if stream is None or run is None:
        why = (row.problem.splitlines()[0] if row.problem
               else "the program never ran")
        for test in needs:
            row.cells[f"{program}::{test}"] = Cell(outcomes.CRASHED, why)
        return
    exit_code = None if run.timeout else run.exit
    results, problems = judge(program, stream, needs, exit_code)
    # A taint change or any console fault while it ran (BUG, WARNING, ...).
    tainted = run.tainted or bool(run.faults)
    for result in results:
        cell = Cell(result.outcome, result.reason, result.seconds)
        if result.outcome == outcomes.CRASHED and run.timeout:
            cell = Cell(outcomes.TIMEOUT, "program timeout (guest init)")
        elif tainted and result.outcome in outcomes.TAINTABLE:
            cell = Cell(outcomes.TAINTED, _tainted_by(run))
        row.cells[f"{program}::{result.name}"] = cell
    if problems:
        row.cells[f"{program}::{NEEDS_CELL}"] = Cell(outcomes.FAIL,
                                                     "; ".join(problems))
    else:
        row.cells[f"{program}::{NEEDS_CELL}"] = Cell(outcomes.PASS)


# Per program: did every skip and run agree with the declared needs?
NEEDS_CELL = "(skips match declared needs)"
