"""`llconform mutate` plumbing: operators found by libclang, sampling,
applying, and the verdicts (killed, survived, not built) against the
unmutated kernel's outcomes."""
from __future__ import annotations

from pathlib import Path

import pytest

from llconform import mutate

SOURCE = """\
#define LIMIT 16
struct r { int n; unsigned int mask; };
static int check(const struct r *r, int a, int b)
{
\tif (!r)
\t\treturn -22;
\tif (r->n >= LIMIT && (r->mask & 4))
\t\treturn -7;
\treturn a < b || a == 2;
}
static int two(int a, int b)
{
\treturn a - b;
}
static int call(int a, int b)
{
\treturn check(0, a, b) + two(a, b);
}
int unused = 3;
"""


def have_clang() -> bool:
    try:
        import clang.cindex  # type: ignore[import]  # noqa: F401
    except ImportError:
        return False
    return True


needs_clang = pytest.mark.skipif(
    not have_clang(), reason="needs python3-clang (make check installs it)")


def tree(tmp: Path) -> Path:
    d = tmp / "security" / "landlock"
    d.mkdir(parents=True)
    (d / "Makefile").write_text("obj-y := x.o\n")
    (d / "x.c").write_text(SOURCE)
    (tmp / "include").mkdir()
    return tmp


@needs_clang
def test_operators_found_in_function_bodies_only(tmp_path: Path) -> None:
    t = tree(tmp_path)
    ms = mutate.generate(t)
    got = {(m.operator, m.original, m.replacement, m.function) for m in ms}
    assert ("ror", ">=", ">", "check") in got
    assert ("ror", "<", "<=", "check") in got
    assert ("ror", "==", "!=", "check") in got
    assert ("lor", "&&", "||", "check") in got
    assert ("lor", "||", "&&", "check") in got
    assert ("bit", "&", "|", "check") in got
    assert ("const", "22", "23", "check") in got
    assert ("drop-if", "!r", "0", "check") in got
    assert ("swap-args", "a, b", "b, a", "call") in got
    # `int unused = 3;` is outside any function; LIMIT is a macro's text
    assert not [m for m in ms if m.function in ("", None)]
    assert not [m for m in ms if m.original == "16"]
    # every mutant is where the file has its text
    text = (t / "security/landlock/x.c").read_bytes()
    for m in ms:
        assert text[m.offset:m.offset + len(m.original)] == m.original.encode()


@needs_clang
def test_apply_and_restore(tmp_path: Path) -> None:
    t = tree(tmp_path)
    m = next(m for m in mutate.generate(t) if m.original == "&&")
    assert "-\t" in mutate.diff(t, m) and "||" in mutate.diff(t, m)
    original = mutate.apply(t, m)
    assert "r->n >= LIMIT || (r->mask & 4)" in (t / "security/landlock/x.c").read_text()
    with pytest.raises(mutate.MutateError, match="changed since parsing"):
        mutate.apply(t, m)
    (t / m.file).write_text(original)
    assert (t / m.file).read_text() == SOURCE


def test_tree_without_landlock_is_refused(tmp_path: Path) -> None:
    with pytest.raises(mutate.MutateError, match="nothing to mutate"):
        mutate.sources(tmp_path)


def test_sample_is_seeded_and_filtered() -> None:
    ms = [mutate.Mutant("f.c", i, "<", "<=", "ror", f"fn{i % 3}", i)
          for i in range(30)]
    a = mutate.sample(ms, 5, 1, None)
    assert a == mutate.sample(ms, 5, 1, None)
    assert a != mutate.sample(ms, 5, 2, None)
    assert len(a) == 5
    only = mutate.sample(ms, None, 0, "fn1")
    assert only and all(m.function == "fn1" for m in only)


BASELINE = {"base::a": "pass", "base::b": "skip", "faults::c": "pass",
            "errata::d": "xfail", "abi1_fs::e": "fail"}


def test_killed_by_a_cell_that_passed_before() -> None:
    got = dict(BASELINE, **{"faults::c": "fail"})
    assert mutate.classify(BASELINE, got, "ok") == ("killed", ["faults::c"])
    gone = {k: v for k, v in BASELINE.items() if k != "base::a"}
    assert mutate.classify(BASELINE, gone, "ok") == ("killed", ["base::a"])


def test_killed_by_a_guest_that_did_not_end_ok() -> None:
    assert mutate.classify(BASELINE, BASELINE, "tainted") == (
        "killed", ["guest tainted"])


def test_survivor_and_known_failures() -> None:
    # abi1_fs::e failed already without the mutant: it kills nothing
    assert mutate.classify(BASELINE, dict(BASELINE), "ok") == ("survived", [])


def test_not_built_when_make_fails(tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant that does not compile: `make` fails in the kept tree; the
    source is restored and no image is returned."""
    t = tree(tmp_path / "src")
    out = tmp_path / "out"
    out.mkdir()
    # a Makefile that compiles x.c for real, as a kernel build would
    (t / "Makefile").write_text(
        "all:\n\tgcc -fsyntax-only -c security/landlock/x.c\n"
        "bzImage vmlinux: all\n")
    base = mutate.Base(tmp_path, t, out, "k")
    bad = mutate.Mutant("security/landlock/x.c", SOURCE.index("return a <"),
                        "return", "retur", "const", "check", 9)
    import vm.build as vmbuild

    def argv(src: str, o: str, jobs: int, *targets: str) -> list[str]:
        return ["make", "-s", "-C", src, *targets]

    monkeypatch.setattr(vmbuild, "make_argv", argv)
    assert mutate.build_mutant(base, bad, 1, tmp_path / "b.log") is None
    assert (t / "security/landlock/x.c").read_text() == SOURCE
    assert "error" in (tmp_path / "b.log").read_text()
    good = mutate.Mutant("security/landlock/x.c", SOURCE.index("&&"), "&&",
                         "||", "lor", "check", 7)
    (out / "vmlinux").write_bytes(b"image")
    assert mutate.build_mutant(base, good, 1, tmp_path / "g.log") == out / "vmlinux"
    assert (t / "security/landlock/x.c").read_text() == SOURCE


def test_a_killed_run_leaves_no_mutant_behind(tmp_path: Path) -> None:
    t = tree(tmp_path / "src")
    base = mutate.Base(tmp_path, t, tmp_path / "out", "k")
    (tmp_path / "MUTATED").write_text(SOURCE)
    (tmp_path / "MUTATED.path").write_text("security/landlock/x.c")
    (t / "security/landlock/x.c").write_text("mutated\n")
    mutate.restore_base(base)
    assert (t / "security/landlock/x.c").read_text() == SOURCE
    assert not (tmp_path / "MUTATED.path").exists()
