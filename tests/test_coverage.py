"""`llconform coverage` plumbing: the gcov patch, the data on the results
channel, the lcov report (on a gcov data set recorded from a real run, in
tests/data/coverage), and the bad inputs that must end with status 2."""
from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from llconform import coverage

DATA = Path(__file__).parent / "data" / "coverage"


def dump_text(files: dict[str, bytes], end: bool = True) -> str:
    """What harness/coverage/gcov_dump.c prints for these files."""
    out = ["TAP version 13", "1..1"]
    for path, blob in files.items():
        out.append(f"# gcov-file {path} {len(blob)}")
        for i in range(0, len(blob), 57):
            out.append("# gcov-data "
                       + base64.b64encode(blob[i:i + 57]).decode())
    if end:
        out.append(f"# gcov-end files={len(files)} bytes=0")
        out.append("ok 1 gcov_dump")
    return "\n".join(out) + "\n"


def test_dump_round_trip() -> None:
    files = {"/w/out/security/landlock/a.gcda": bytes(range(256)) * 3,
             "/w/out/security/landlock/b.gcda": b"x"}
    assert coverage.decode_dump(dump_text(files)) == files


def test_dump_without_gcov_says_so() -> None:
    text = ("TAP version 13\n1..1\nnot ok 1 gcov_dump # no gcov: "
            "/sys/kernel/debug/gcov: No such file or directory (a kernel "
            "without CONFIG_GCOV_KERNEL)\n")
    with pytest.raises(coverage.CoverageError, match="no gcov support"):
        coverage.decode_dump(text)


def test_dump_cut_short_is_an_error() -> None:
    files = {"/w/out/x.gcda": b"y" * 200}
    text = dump_text(files)
    lines = text.splitlines()
    cut = "\n".join(ln for i, ln in enumerate(lines)
                    if not (ln.startswith("# gcov-data") and i == 4)) + "\n"
    with pytest.raises(coverage.CoverageError, match="cut short"):
        coverage.decode_dump(cut)
    with pytest.raises(coverage.CoverageError, match="did not finish"):
        coverage.decode_dump(dump_text(files, end=False))


def test_place_gcda_maps_the_build_directory(tmp_path: Path) -> None:
    files = {"/c/builds/.tmp-k-1/out/security/landlock/fs.gcda": b"1",
             "/elsewhere/init/main.gcda": b"2"}
    assert coverage.place_gcda(files, "/c/builds/.tmp-k-1", tmp_path) == 1
    assert (tmp_path / "security/landlock/fs.gcda").read_bytes() == b"1"


def fake_tree(root: Path) -> Path:
    (root / "security/landlock").mkdir(parents=True)
    (root / "security/landlock/Makefile").write_text(
        "obj-$(CONFIG_SECURITY_LANDLOCK) := landlock.o\n\nlandlock-y := "
        "setup.o\n")
    return root


def test_gcov_patch_applies_and_profiles_only_landlock(tmp_path: Path) -> None:
    tree = fake_tree(tmp_path / "t")
    patch = coverage.gcov_patch(tree)
    subprocess.run(["patch", "-p1", "--batch"], input=patch, text=True,
                   cwd=tree, check=True, capture_output=True)
    lines = (tree / "security/landlock/Makefile").read_text().splitlines()
    assert "GCOV_PROFILE := y" in lines
    assert lines[-1] == "landlock-y := setup.o"


def test_patches_dir_is_content_addressed(tmp_path: Path) -> None:
    tree = fake_tree(tmp_path / "t")
    user = tmp_path / "series"
    user.mkdir()
    (user / "0001-a.patch").write_text("a\n")
    (user / "notes.txt").write_text("not a patch\n")
    one = coverage.patches_dir(tmp_path / "cache", tree, user)
    assert sorted(p.name for p in one.iterdir()) == [
        "0001-a.patch", coverage.GCOV_PATCH]
    assert coverage.patches_dir(tmp_path / "cache", tree, user) == one
    alone = coverage.patches_dir(tmp_path / "cache", tree, None)
    assert alone != one
    assert [p.name for p in alone.iterdir()] == [coverage.GCOV_PATCH]


def test_tree_without_landlock_is_refused(tmp_path: Path) -> None:
    (tmp_path / "security").mkdir()
    with pytest.raises(coverage.CoverageError, match="no security/landlock"):
        coverage.gcov_patch(tmp_path)


def run_command(argv: list[str], capsys: pytest.CaptureFixture[str],
                monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    p = coverage.argparse.ArgumentParser()
    coverage.add_arguments(p)
    args = p.parse_args(argv)
    monkeypatch.setattr(coverage, "ensure_deps", lambda: None)
    monkeypatch.setattr(coverage, "our_suites", lambda build, sel: [])
    status = coverage.run(args)
    return status, capsys.readouterr().err


def test_binary_kernel_asked_for_coverage_exits_2(
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    status, err = run_command(["debian-7.3"], capsys, monkeypatch)
    assert status == 2
    assert "needs a kernel built here with gcov" in err


def test_local_tree_without_landlock_exits_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "linux"
    (tree / "security").mkdir(parents=True)
    (tree / "arch/x86").mkdir(parents=True)
    (tree / "Kconfig").write_text("")
    (tree / "arch/x86/Kconfig").write_text("")
    (tree / "Makefile").write_text("VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 0\n")
    monkeypatch.setenv("LLCONFORM_CACHE", str(tmp_path / "cache"))
    status, err = run_command([f"src:{tree}"], capsys, monkeypatch)
    assert status == 2
    assert "no security/landlock" in err
    assert not (tmp_path / "cache" / "coverage").exists()


# --- the report on recorded data -----------------------------------------------

needs_lcov = pytest.mark.skipif(
    shutil.which("geninfo") is None, reason="needs lcov (make coverage "
    "installs it)")


def recorded(tmp: Path) -> tuple[Path, str, dict[str, dict[str, bytes]]]:
    """The recorded notes and dumps, with placeholder sources (the kernel's
    own are not in this repository) of the right length for genhtml."""
    meta = json.loads((DATA / "meta.json").read_text())
    dumps = {label: coverage.decode_dump(
        (DATA / f"{label}.dump").read_text()) for label in coverage.SETS}
    gcov = tmp / "gcov"
    shutil.copytree(DATA / "gcov", gcov)
    first = coverage.report(gcov, meta["work"], dumps, tmp / "first", {},
                            html=False)
    for rel, fig in first["sets"]["both"]["files"].items():
        info = coverage.read_info(tmp / "first" / "both.info")
        last = max(max(fc.lines, default=0) for name, fc in info.items()
                   if name.endswith(rel))
        src = gcov / "src" / rel
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text("".join(f"/* line {n} */\n"
                               for n in range(1, last + 1)))
    return gcov, meta["work"], dumps


@needs_lcov
def test_report_on_recorded_data(tmp_path: Path) -> None:
    gcov, work, dumps = recorded(tmp_path)
    out = tmp_path / "report"
    summary = coverage.report(gcov, work, dumps, out, {"kernel": "k"},
                              html=True)
    for name in ("llconform.info", "upstream.info", "both.info",
                 "coverage.json", "html/both/index.html"):
        assert (out / name).is_file(), name
    sets = summary["sets"]
    expected = json.loads((DATA / "expected.json").read_text())
    for label in ("llconform", "upstream", "both"):
        assert sets[label]["total"] == expected[label], label
    # both covers every line either covers, and no more
    both = sets["both"]["total"]["lines"]["hit"]
    only = sum(len(v) for v in summary["only_upstream"].values())
    assert both == sets["llconform"]["total"]["lines"]["hit"] + only
    assert both >= sets["upstream"]["total"]["lines"]["hit"]
    # an uncovered line names its function and shows its text
    rows = [r for rows in sets["both"]["uncovered"].values() for r in rows]
    assert all(r["function"] != "?" for r in rows)
    assert all(r["text"] == f"/* line {r['line']} */" for r in rows)


def test_error_path_reached_without_its_own_line_record() -> None:
    """tsync.c of 7.3 at -O2: `if (!cred)` at 107 (5 runs), the ENOMEM
    line 108 has no record, the next recorded line 114 ran once: 4 runs
    left through the error path. Recorded from the coverage run."""
    fc = coverage.FileCov(lines={102: 26, 105: 5, 107: 5, 114: 1, 115: 1})
    assert coverage._reached(fc, 108) is True
    fc.lines[114] = 5
    assert coverage._reached(fc, 108) is False
    fc.lines[108] = 0
    assert coverage._reached(fc, 108) is False
    assert coverage._reached(coverage.FileCov(lines={1: 1}), 50) is None
