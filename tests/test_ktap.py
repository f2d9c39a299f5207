"""The KTAP parser and the judge, on recorded and hand-cut streams."""
from __future__ import annotations

from pathlib import Path

from llconform import ktap
from llconform.programs import Needs, judge

DATA = Path(__file__).parent / "data"


def needs(**kw: object) -> Needs:
    base: dict[str, object] = dict(min_abi=1, needs="landlock", lacks=None,
                                   max_abi=None, landlock_off=False,
                                   root=None, erratum=None)
    base.update(kw)
    return Needs(**base)  # type: ignore[arg-type]


def test_every_outcome_is_read() -> None:
    stream = ktap.parse((DATA / "mixed.ktap").read_text())
    outcomes = {r.name: r.outcome for r in stream.results}
    assert outcomes == {
        "global.allowed": "pass", "global.needs_udp": "skip",
        "global.denied": "fail", "global.whiteout": "xfail",
        "fx.one.whiteout": "xpass", "global.setup": "broken",
        "global.slow": "timeout"}
    assert stream.plan == 7 and not stream.errors
    assert stream.header["abi"] == "7" and stream.header["errata"] == "0x7"


def test_reasons_are_kept() -> None:
    results = ktap.parse((DATA / "mixed.ktap").read_text()).by_name()
    assert results["global.needs_udp"].reason == "needs ABI 10 (net_udp), kernel has 7"
    assert results["global.setup"].reason == "mkdir: Permission denied"
    assert "Expected EACCES (13) == errno (0)" in results["global.denied"].reason


def test_body_and_fixture_times_go_to_their_own_test() -> None:
    # What LL_TEST_F prints around one test (ll_harness.h): the body's
    # time, then its fixture's setup and teardown; a plain test has no
    # fixture line, and neither line is a program note.
    stream = ktap.parse(
        "TAP version 13\n1..2\n#  RUN           fx.a ...\n"
        "# llconform: elapsed=0.002500\n# llconform: fixture=0.004000\n"
        "#            OK  fx.a\nok 1 fx.a\n"
        "# llconform: elapsed=0.001000\nok 2 global.b\n")
    a, b = stream.results
    assert (a.seconds, a.fixture_seconds) == (0.0025, 0.004)
    assert (b.seconds, b.fixture_seconds) == (0.001, None)
    assert not stream.notes


def test_garbage_line_is_an_error_naming_it() -> None:
    stream = ktap.parse("TAP version 13\n1..1\nok 1 a\nSegmentation fault\n")
    assert stream.errors == ["line 4: not KTAP: Segmentation fault"]


def test_truncated_stream_leaves_tests_crashed() -> None:
    text = ("# llconform: program=p landlock=enabled abi=7 errata=0x7 uid=0\n"
            "TAP version 13\n1..3\nok 1 global.a\n")
    stream = ktap.parse(text)
    tests = {f"global.{n}": needs() for n in "abc"}
    results, problems = judge("p", stream, tests, exit_code=None)
    assert [r.outcome for r in results] == ["pass", "crashed", "crashed"]
    assert results[1].reason == "program timeout"
    assert problems == []


def test_crashed_program_names_its_exit() -> None:
    stream = ktap.parse("# llconform: program=p landlock=enabled abi=7 "
                        "errata=0x7 uid=0\n1..1\n")
    results, _ = judge("p", stream, {"global.a": needs()}, exit_code=-11)
    assert results[0].outcome == "crashed"
    assert "exit -11" in results[0].reason


HEADER = "# llconform: program=p landlock=enabled abi=2 errata=0x0 uid=0\n1..1\n"


def test_a_gate_skip_is_marked_by_the_program_itself() -> None:
    text = HEADER + (f"{ktap.GATE_MARK}\n"
                     "ok 1 global.tcp # SKIP needs ABI 4 (net_tcp), kernel has 2\n")
    (result,) = ktap.parse(text).results
    assert result.gated and result.outcome == "skip"
    _, problems = judge("p", ktap.parse(text), {"global.tcp": needs(min_abi=4)}, exit_code=0)
    assert problems == []


def test_skip_the_gate_did_not_make_is_a_problem() -> None:
    # The same reason without the gate's mark: the test skipped by itself.
    text = HEADER + "ok 1 global.tcp # SKIP needs ABI 4 (net_tcp), kernel has 2\n"
    _, problems = judge("p", ktap.parse(text), {"global.tcp": needs(min_abi=4)}, exit_code=0)
    assert "not by the gate" in problems[0]


def test_environment_skip_is_justified_by_its_reason() -> None:
    text = HEADER.replace("1..1", "1..2") + (
        "ok 1 global.v6 # SKIP environment: no IPv6\n"
        f"{ktap.GATE_MARK}\nok 2 global.udp # SKIP needs ABI 10 (net_udp), kernel has 2\n")
    tests = {"global.v6": needs(), "global.udp": needs(min_abi=10)}
    _, problems = judge("p", ktap.parse(text), tests, exit_code=0)
    # Two skips, one of them the environment's: not a row the gate made.
    assert problems == ["p: every test skipped on a kernel with Landlock enabled"]


def test_a_test_that_ran_after_a_gate_skip_is_a_problem() -> None:
    text = HEADER + f"{ktap.GATE_MARK}\nok 1 global.tcp\n"
    _, problems = judge("p", ktap.parse(text), {"global.tcp": needs(min_abi=4)}, exit_code=0)
    assert len(problems) == 1 and "although the gate" in problems[0]


def test_python_never_re_derives_the_gate() -> None:
    """The C gate (ll_skip_reason) is the only definition: nothing in the
    driver compares ABIs or needs with the kernel's probe."""
    driver = Path(__file__).resolve().parents[1] / "harness" / "llconform"
    for source in driver.rglob("*.py"):
        text = source.read_text()
        assert "must_skip" not in text, source
        assert "min_abi" not in text or source.name == "programs.py", source


def test_all_skipped_row_with_landlock_enabled_is_a_problem() -> None:
    text = ("# llconform: program=p landlock=enabled abi=7 errata=0x7 uid=0\n"
            "1..1\nok 1 global.a # SKIP something odd\n")
    _, problems = judge("p", ktap.parse(text), {"global.a": needs()}, 0)
    assert any("every test skipped" in p for p in problems)
