"""Results on disk: one folder per run, KTAP per program, a summary."""
from __future__ import annotations

import json
import os
import time
from collections import Counter
from pathlib import Path
from typing import Any

from . import ktap
from .programs import ProgramRun

SCHEMA = "llconform-host/1"


def new_run_dir(root: Path) -> Path:
    """results/<timestamp>/, with results/latest pointing at it."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        run = root / stamp
        suffix = 1
        while run.exists():
            run = root / f"{stamp}-{suffix}"
            suffix += 1
        run.mkdir()
        latest = root / "latest"
        tmp = root / f".latest.{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(run.name)
        tmp.replace(latest)
    except OSError as err:
        raise SystemExit(f"llconform: error: cannot write results into "
                         f"{root}: {err.strerror}") from err
    return run


def counts(results: list[ktap.Result]) -> Counter[str]:
    return Counter(r.outcome for r in results)


def _row(run: ProgramRun) -> dict[str, Any]:
    return {
        "program": run.program,
        "user": run.user,
        "exit_code": run.exit_code,
        "seconds": round(run.seconds, 3),
        "kernel": run.stream.header,
        "counts": dict(counts(run.results)),
        "problems": run.problems,
        "tests": [{"name": r.name, "outcome": r.outcome, "reason": r.reason}
                  for r in run.results],
    }


def write(run_dir: Path, runs: list[ProgramRun], kernel: dict[str, Any]
          ) -> None:
    for run in runs:
        sub = run_dir / f"host-{run.user}"
        sub.mkdir(exist_ok=True)
        (sub / f"{run.program}.ktap").write_text(run.output)
    summary = {"schema": SCHEMA, "kernel": kernel,
               "runs": [_row(r) for r in runs]}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=1)
                                          + "\n")
    (run_dir / "summary.md").write_text(markdown(runs, kernel))


def markdown(runs: list[ProgramRun], kernel: dict[str, Any]) -> str:
    lines = [f"# llconform host run: {kernel.get('release', '?')}", "",
             f"Landlock {kernel.get('status')}, ABI {kernel.get('abi')}, "
             f"errata {kernel.get('errata')}", "",
             "| program | user | " + " | ".join(ktap.OUTCOMES)
             + " | seconds |",
             "|---|---|" + "---|" * len(ktap.OUTCOMES) + "---|"]
    for run in runs:
        c = counts(run.results)
        lines.append(f"| {run.program} | {run.user} | "
                     + " | ".join(str(c.get(o, 0)) for o in ktap.OUTCOMES)
                     + f" | {run.seconds:.2f} |")
    problems = [p for run in runs for p in run.problems]
    failing = [(run, r) for run in runs for r in run.results
               if r.outcome in ("fail", "broken", "timeout", "crashed")]
    if failing or problems:
        lines += ["", "## Not passing", ""]
        lines += [f"- {run.user} {run.program}::{r.name}: {r.outcome}"
                  f"{': ' + r.reason if r.reason else ''}"
                  for run, r in failing]
        lines += [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n"
