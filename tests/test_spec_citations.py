"""Every "§x.y" cited in the tree names a section of abi/SPEC.md.

The suites, the harness, abi/ and the docs cite the specification by
section number.  A citation that names no heading of abi/SPEC.md is a
dangling reference: this test lists each one as file:line so that it can
be fixed where it is (or the section added).  Standard library only.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "abi" / "SPEC.md"

SECTION = "\u00a7"  # written escaped so this file cites nothing itself
CITATION = re.compile(SECTION + r"\s*(\d+(?:\.\d+)*)")
HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s")
# Build output, caches and VCS data are not part of the tree's text.
SKIP_DIRS = {".git", "build", "__pycache__", ".mypy_cache", ".pytest_cache",
             "node_modules"}
MAX_BYTES = 4 << 20
# The notes the spec was first written from; a clone does not have them.
OUTSIDE = "shared/" + "SPEC.md"


def spec_sections(spec: Path) -> set[str]:
    """The section numbers that abi/SPEC.md's headings define."""
    found = set()
    for line in spec.read_text(encoding="utf-8").splitlines():
        m = HEADING.match(line)
        if m:
            found.add(m.group(1))
    return found


def text_files(root: Path) -> list[Path]:
    """Every text file under root, outside build output and caches."""
    out = []
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs
                         if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(top) / name
            try:
                if path.stat().st_size > MAX_BYTES:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if b"\0" not in data:
                out.append(path)
    return out


def citations(root: Path) -> list[tuple[str, int, str]]:
    """(relative path, line number, section) of every citation."""
    out = []
    for path in text_files(root):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for m in CITATION.finditer(line):
                out.append((str(path.relative_to(root)), lineno, m.group(1)))
    return out


def dangling(root: Path, spec: Path) -> list[str]:
    """file:line: §x.y for each citation that names no heading of spec."""
    sections = spec_sections(spec)
    return [f"{f}:{n}: {SECTION}{s}" for f, n, s in citations(root)
            if s not in sections]


def test_spec_has_the_numbered_sections() -> None:
    sections = spec_sections(SPEC)
    # The top-level sections the suites are organised around.
    for top in range(0, 14):
        assert str(top) in sections, f"abi/SPEC.md has no section {top}"


def test_the_tree_cites_the_spec() -> None:
    # Guards the scan itself: the suites do cite sections (over a hundred).
    assert len(citations(ROOT)) > 100


def test_every_citation_resolves() -> None:
    missing = dangling(ROOT, SPEC)
    assert not missing, (
        "citations naming no heading of abi/SPEC.md:\n" + "\n".join(missing))


def test_no_citation_points_outside_the_repository() -> None:
    # A clone has no ../shared: the spec the code cites is abi/SPEC.md.
    bad = []
    for path in text_files(ROOT):
        text = path.read_bytes().decode("utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            if OUTSIDE in line:
                bad.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert not bad, f"cites {OUTSIDE}, use abi/SPEC.md:\n" + "\n".join(bad)


def test_a_dangling_citation_is_named_with_its_line() -> None:
    # The check itself can fail: a tree citing a missing section.
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        spec = root / "SPEC.md"
        spec.write_text("## 1. One\n\n### 1.2 Two\n", encoding="utf-8")
        (root / "a.c").write_text(
            f"/* {SECTION}1.2 */\n\n/* {SECTION}1, {SECTION}7.3 */\n",
            encoding="utf-8")
        (root / "bin").write_bytes(b"\0" + f"{SECTION}9".encode())
        assert dangling(root, spec) == [f"a.c:3: {SECTION}7.3"]
