"""One Python style for the whole project (what flake8 and mypy do not see),
and the rule that no module reaches another through its command line."""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted([*REPO.glob("harness/**/*.py"), *REPO.glob("vm/**/*.py"),
                  *REPO.glob("tests/**/*.py"), REPO / "llconform"])
# The modules whose job is to parse a command line.
CLI_MODULES = {REPO / "harness/llconform/cli.py", REPO / "vm/cli.py",
               *REPO.glob("harness/llconform/commands/*.py")}
OLD_GENERICS = re.compile(r"\b(?:typing\.)?(List|Dict|Tuple|Set|FrozenSet|Type|Optional|Union)\[")


def code_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, text) of every physical line outside string literals."""
    text = path.read_text()
    in_string: set[int] = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
            in_string.update(range(tok.start[0], tok.end[0]))
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if n not in in_string]


def test_the_sources_are_found() -> None:
    assert len(SOURCES) > 50 and len(CLI_MODULES) > 10


def test_no_backslash_continuations() -> None:
    found = [f"{p.relative_to(REPO)}:{n}" for p in SOURCES for n, line in code_lines(p)
             if line.rstrip().endswith("\\") and not line.lstrip().startswith("#")]
    assert found == [], "use parentheses instead"


def test_builtin_generics_only() -> None:
    found = [f"{p.relative_to(REPO)}:{n}: {line.strip()}" for p in SOURCES
             for n, line in code_lines(p) if OLD_GENERICS.search(line.split("#")[0])]
    assert found == [], "list[...], dict[...], X | None instead of typing's aliases"


def test_no_module_builds_a_command_line_to_call_another() -> None:
    """Only a command-line module parses arguments; nothing else builds an
    argv for one (the library API is the way between modules)."""
    pattern = re.compile(r"parse_args\(\s*\[|cmd_\w+\(|\"-m\", \"(?:vm|llconform)\"")
    found = [f"{p.relative_to(REPO)}:{n}: {line.strip()}"
             for p in SOURCES if p not in CLI_MODULES and p != Path(__file__).resolve()
             for n, line in code_lines(p) if pattern.search(line)]
    assert found == []
