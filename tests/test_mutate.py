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


# A kbuild stand-in: `make <file>.o` compiles for real (gcc, with gcov's
# notes as the kernel's landlock objects have them), `make vmlinux` "links".
FAKE_KBUILD = """\
.PHONY: security/landlock/x.o vmlinux
security/landlock/x.o:
\tgcc -O2 -fkeep-static-functions --coverage -c security/landlock/x.c \\
\t  -o $(OUT)/security/landlock/x.o
vmlinux:
\tcat $(OUT)/security/landlock/x.o > $(OUT)/vmlinux
"""


def kept_tree(tmp: Path, monkeypatch: pytest.MonkeyPatch,
              source: str = SOURCE) -> mutate.Base:
    """A kept build tree with its objects built and saved as pristine."""
    t = tree(tmp / "src")
    (t / "security/landlock/x.c").write_text(source)
    (t / "Makefile").write_text(FAKE_KBUILD)
    out = tmp / "out"
    (out / "security/landlock").mkdir(parents=True)
    import vm.build as vmbuild

    def argv(src: str, o: str, jobs: int, *targets: str) -> list[str]:
        return ["make", "-s", "-C", src, f"OUT={o}", *targets]

    monkeypatch.setattr(vmbuild, "make_argv", argv)
    base = mutate.Base(tmp / "work", t, out, "k")
    base.work.mkdir()
    assert mutate._logged(argv(str(t), str(out), 1, "security/landlock/x.o",
                               "vmlinux"), tmp / "base.log") == 0
    mutate.save_pristine(base)
    return base


def mutant_at(source: str, text: str, replacement: str, operator: str
              ) -> mutate.Mutant:
    offset = source.index(text)
    return mutate.Mutant("security/landlock/x.c", offset, text, replacement,
                         operator, "f", source.count("\n", 0, offset) + 1)


def test_not_built_when_the_mutant_does_not_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant that does not compile: `make x.o` fails in the kept tree;
    the verdict is "not built", no image, and the tree is as before: the
    source restored (with its mtime: nothing to recompile) and the
    unmutated object back in place (nothing half-built left)."""
    base = kept_tree(tmp_path, monkeypatch)
    src = base.src / "security/landlock/x.c"
    obj = base.out / "security/landlock/x.o"
    before = (src.stat().st_mtime_ns, obj.read_bytes())
    bad = mutant_at(SOURCE, "return a <", "retur a <", "const")
    dest = tmp_path / "image"
    assert mutate.build_mutant(base, bad, 1, tmp_path / "b.log", dest) == (
        "not built")
    assert not dest.exists()
    assert "error" in (tmp_path / "b.log").read_text()
    assert src.read_text() == SOURCE
    assert (src.stat().st_mtime_ns, obj.read_bytes()) == before
    assert not (base.work / "MUTATED.path").exists()


def test_a_changed_object_is_linked_for_the_boot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = kept_tree(tmp_path, monkeypatch)
    pristine = (base.out / "security/landlock/x.o").read_bytes()
    good = mutant_at(SOURCE, "&&", "||", "lor")
    dest = tmp_path / "image"
    assert mutate.build_mutant(base, good, 1, tmp_path / "g.log", dest) is None
    # the image is the mutant's (its object differs beyond gcov's stamp)
    assert mutate.normalized_object(dest) != mutate.normalized_object(
        base.work / "pristine/x.o")
    assert (base.src / good.file).read_text() == SOURCE
    assert (base.out / "security/landlock/x.o").read_bytes() == pristine


# sizeof(long) > 4 and >= 4 are both 1 on x86-64: same code
EQUIVALENT = SOURCE + "int width(void)\n{\n\treturn sizeof(long) > 4;\n}\n"


@needs_clang
def test_an_identical_object_is_equivalent_without_a_boot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = kept_tree(tmp_path, monkeypatch, EQUIVALENT)
    m = next(m for m in mutate.generate(base.src) if m.function == "width"
             and m.original == ">")
    dest = tmp_path / "image"
    assert mutate.build_mutant(base, m, 1, tmp_path / "e.log", dest) == (
        "equivalent")
    assert not dest.exists()
    assert "vmlinux" not in (tmp_path / "e.log").read_text()  # no link


def test_gcov_stamp_is_the_only_noise(tmp_path: Path) -> None:
    """Two compiles of one source differ in gcov's stamp (gcc takes it
    from the clock), which normalized_object() zeroes; a real change
    stays a change."""
    c = tmp_path / "x.c"
    c.write_text(SOURCE)

    def compile_(name: str) -> Path:
        """x.c compiled to x.o (the object names its .gcda: one name for
        all), kept as name.o with its notes as name.gcno."""
        import shutil
        import subprocess
        subprocess.run(["gcc", "-O2", "-fkeep-static-functions", "--coverage",
                        "-c", str(c), "-o",
                        str(tmp_path / "x.o")], check=True)
        for ext in (".o", ".gcno"):
            shutil.copyfile(tmp_path / f"x{ext}", tmp_path / f"{name}{ext}")
        return tmp_path / f"{name}.o"

    a = compile_("a")
    import time
    time.sleep(0.01)
    b = compile_("b")
    assert a.read_bytes() != b.read_bytes()
    assert mutate.normalized_object(a) == mutate.normalized_object(b)
    c.write_text(SOURCE.replace("&&", "||"))
    assert mutate.normalized_object(compile_("m")) != (
        mutate.normalized_object(a))


def test_objects_with_notes_of_another_compile_are_not_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An object whose .gcno is of another compile (the object put back by
    hand after a recompile) cannot be compared: save_pristine leaves it
    out, so its mutants are linked, never called equivalent."""
    base = kept_tree(tmp_path, monkeypatch)
    assert (base.work / "pristine/x.o").is_file()
    o = base.out / "security/landlock/x.o"
    kept = o.read_bytes()
    import time
    time.sleep(0.01)
    assert mutate._logged(["make", "-s", "-C", str(base.src),
                           f"OUT={base.out}", "security/landlock/x.o"],
                          tmp_path / "again.log") == 0
    o.write_bytes(kept)  # the old object, the new notes
    mutate.save_pristine(base)
    assert not (base.work / "pristine/x.o").exists()


def test_a_file_the_config_does_not_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = kept_tree(tmp_path, monkeypatch)
    m = mutate.Mutant("security/landlock/other.c", 0, "<", "<=", "ror", "f", 1)
    assert mutate.build_mutant(base, m, 1, tmp_path / "n.log",
                               tmp_path / "image") == "not compiled"


def built(i: int, verdict: str | None = None) -> mutate.Built:
    m = mutate.Mutant("f.c", i, "<", "<=", "ror", "fn", i)
    return mutate.Built(m, verdict, None if verdict else Path(f"v{i}"), 1.0)


def test_pipeline_builds_the_next_mutant_while_one_boots() -> None:
    import threading
    ms = [built(i).mutant for i in range(3)]
    started: dict[int, threading.Event] = {i: threading.Event()
                                           for i in range(3)}
    overlapped: list[bool] = []

    def build(m: mutate.Mutant) -> mutate.Built:
        started[m.offset].set()
        return built(m.offset, "not built" if m.offset == 2 else None)

    def boot_one(b: mutate.Built) -> tuple[str, list[str], float]:
        # mutant i boots while mutant i+1 is being built
        overlapped.append(started[b.mutant.offset + 1].wait(timeout=10))
        return ("killed", ["base::a"], 2.0) if b.mutant.offset == 0 else (
            "survived", [], 3.0)

    rows = list(mutate.Pipeline(ms, build, boot_one))
    assert overlapped == [True, True]
    assert [(r["offset"], r["verdict"]) for r in rows] == [
        (0, "killed"), (1, "survived"), (2, "not built")]
    assert rows[0]["killed_by"] == ["base::a"] and rows[2]["boot_seconds"] == 0


def test_pipeline_hands_a_build_error_to_the_caller() -> None:
    def build(m: mutate.Mutant) -> mutate.Built:
        raise mutate.MutateError("the tree is gone")

    p = mutate.Pipeline([built(0).mutant], build,
                        lambda b: ("survived", [], 0.0))
    with pytest.raises(mutate.MutateError, match="tree is gone"):
        list(p)
    p.close()


def test_pipeline_close_stops_the_builder() -> None:
    done: list[int] = []

    def build(m: mutate.Mutant) -> mutate.Built:
        done.append(m.offset)
        return built(m.offset)

    p = mutate.Pipeline([built(i).mutant for i in range(50)], build,
                        lambda b: ("survived", [], 0.0))
    next(iter(p))
    p.close()
    assert not p.thread.is_alive() and len(done) < 50


class Args:
    ids: str | None = None
    max: int | None = 2
    seed = 3
    functions: str | None = None


def test_ids_pick_exact_mutants() -> None:
    ms = [mutate.Mutant("f.c", i, "<", "<=", "ror", f"fn{i}", i)
          for i in range(10)]
    a = Args()
    a.ids = f"{ms[7].ident},{ms[2].ident}"
    assert mutate.select(ms, a, lambda m: False) == [ms[7], ms[2]]
    a.ids = "0123456789"
    with pytest.raises(mutate.MutateError, match="no such mutant: 0123456789"):
        mutate.select(ms, a, lambda m: True)


def test_sample_leaves_out_files_not_compiled() -> None:
    ms = [mutate.Mutant(f"f{i % 2}.c", i, "<", "<=", "ror", "fn", i)
          for i in range(10)]
    got = mutate.select(ms, Args(), lambda m: m.file == "f0.c")
    assert len(got) == 2 and all(m.file == "f0.c" for m in got)


def test_an_error_guest_is_no_verdict() -> None:
    assert mutate.classify(BASELINE, {}, "error") == ("error", [])


def test_score_leaves_out_what_did_not_run() -> None:
    rows = [{"verdict": v} for v in ("killed", "killed", "survived",
                                     "equivalent", "not built", "error")]
    s = mutate.score(rows)
    assert s["score"] == 66.7 and s["equivalent"] == 1


def test_a_killed_run_leaves_no_mutant_behind(tmp_path: Path) -> None:
    t = tree(tmp_path / "src")
    base = mutate.Base(tmp_path, t, tmp_path / "out", "k")
    (tmp_path / "MUTATED").write_text(SOURCE)
    (tmp_path / "MUTATED.path").write_text("security/landlock/x.c")
    (t / "security/landlock/x.c").write_text("mutated\n")
    mutate.restore_base(base)
    assert (t / "security/landlock/x.c").read_text() == SOURCE
    assert not (tmp_path / "MUTATED.path").exists()


# A real run's records (results/mutation/README.md, run 20261203-084218),
# cut to two programs (base, abi6_scope): the baseline's guest and the
# guests of three booted mutants, and a fourth that did not compile.
RECORDED = Path(__file__).parent / "data" / "mutate"
KILLED, SURVIVED, PROBED, NOT_BUILT = ("254d742fd9", "541213cff5",
                                       "ad792cf139", "93052edff3")


def test_recorded_run_reclassified(tmp_path: Path) -> None:
    import shutil
    run = tmp_path / "mutate"
    shutil.copytree(RECORDED, run)
    rows = {r["id"]: r for r in mutate.reclassify(run)}
    # hook_file_send_sigiotask's scope check broken: an abi6_scope cell fails
    assert rows[KILLED]["verdict"] == "killed"
    assert rows[KILLED]["killed_by"] == [
        "abi6_scope::fown.sandbox_before_fork."
        "sigurg_of_tcp_oob_data_follows_the_setown_callers_scope"]
    # hook_ptrace_access_check's dead branch: every cell as unmutated
    assert rows[SURVIVED]["verdict"] == "survived"
    # compute_errata skipping the first erratum: every test passes, but
    # the kernel reports errata 0xb where the unmutated one reports 0xf
    assert rows[PROBED]["verdict"] == "killed"
    assert rows[PROBED]["killed_by"][0].startswith(
        "(probe) landlock=enabled abi=11 errata=0xb")
    # a BUILD_BUG_ON that fires: no guest, the verdict stays
    assert rows[NOT_BUILT]["verdict"] == "not built"
    assert "BUILD_BUG_ON failed" in (
        run / "mutants" / NOT_BUILT / "build.log").read_text()
    mutate.write_report(run, list(rows.values()), 120.0, 13)
    md = (run / "mutate.md").read_text()
    assert f"## survived: {SURVIVED} security/landlock/task.c:99" in md
    assert f"survived: {PROBED}" not in md
    assert "killed 2; survived 1; not built 1; score 66.7%" in md


def test_probe_read_from_the_ktap_headers() -> None:
    got = mutate.outcomes(RECORDED / "baseline" / "g")
    assert got[mutate.PROBE] == (
        "landlock=enabled abi=11 errata=0xf proposed=none")
    assert got["base::global.version_query_returns_the_probed_abi"] == "pass"
    assert mutate.classify(got, dict(got), "ok") == ("survived", [])


def test_a_kernel_tainted_by_its_boot_is_killed(tmp_path: Path) -> None:
    """landlock_init() returning 1 makes the LSM framework WARN at boot:
    the kernel is tainted (512) before the first program, which `quiet`
    keeps off the console and no program's taint check sees."""
    g = tmp_path / "g"
    g.mkdir()
    (g / "console.log").write_text(
        "llconform-init: start uname=7.3.4 programs=1\n"
        "llconform: begin base taint=512\n")
    base = {mutate.BOOT_TAINT: "0", "base::a": "pass"}
    got = dict(mutate.outcomes(g), **{"base::a": "pass"})
    assert got[mutate.BOOT_TAINT] == "512"
    assert mutate.classify(base, got, "ok") == (
        "killed", ["(boot taint) 512 (unmutated: 0)"])
    assert mutate.classify(base, dict(base), "ok") == ("survived", [])
