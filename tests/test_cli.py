"""The one command: every subcommand answers --help from anywhere, with no
PYTHONPATH; the project's files call it, never `python3 -m` with a path."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from llconform import commands

REPO = Path(__file__).resolve().parents[1]
COMMAND = REPO / "llconform"
# The list; `exec` and `coverage` come later as modules of commands/.
EXPECTED = {"list", "fetch", "build", "boot", "matrix", "host", "compare",
            "merge", "sweep", "bench", "coverage", "lock", "mutate", "exec"}
BARE_ENV = {"PATH": os.defpath}  # no PYTHONPATH, no virtualenv


def llconform(*argv: str, cwd: Path = Path("/")) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COMMAND), *argv], capture_output=True, text=True, cwd=cwd,
                          env=BARE_ENV, timeout=60, check=False)


def test_every_subcommand_is_a_module_of_commands() -> None:
    assert EXPECTED <= {c.name for c in commands.discover()}


def test_top_level_help_lists_every_subcommand() -> None:
    proc = llconform("--help")
    assert proc.returncode == 0, proc.stderr
    for name in EXPECTED:
        assert re.search(rf"^\s+{name}\s", proc.stdout, re.M), name
    assert "1 a kernel deviates" in proc.stdout


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_subcommand_help_works_from_elsewhere(name: str) -> None:
    proc = llconform(name, "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"usage: llconform {name} ")
    assert "exit status: 0 nothing failed" in proc.stdout


def test_bad_usage_is_our_failure() -> None:
    assert llconform("no-such-command").returncode == 2
    assert llconform("compare").returncode == 2


def test_nothing_sets_pythonpath() -> None:
    files = [REPO / "README.md", REPO / "Makefile", *sorted((REPO / ".ci").iterdir()),
             *sorted((REPO / ".github").rglob("*.yml"))]
    found = [f"{f.relative_to(REPO)}:{n}" for f in files
             for n, line in enumerate(f.read_text().splitlines(), 1) if "PYTHONPATH" in line]
    assert found == []


def test_readme_commands_go_through_llconform_or_make() -> None:
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    commands_shown = [line.split("#")[0].strip() for block in blocks
                      for line in block.splitlines() if line.strip()]
    for line in commands_shown:
        if line:
            assert line.split()[0] in ("make", "./llconform", "build/llabi"), line
