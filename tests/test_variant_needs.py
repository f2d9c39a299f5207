"""Fixture variants with needs of their own (harness/ll_harness.h
LL_FIXTURE_VARIANT_ADD), on build/tests/variant_needs: --list-json gives
each test instance its test's and its variant's needs together, and the
program's gate skips exactly the instances those needs exclude here.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from llconform import ktap
from llconform.programs import judge, list_tests

PROGRAM = Path(__file__).resolve().parents[1] / "build" / "tests" / "variant_needs"
ROOT = "a variant that needs root"

# instance: (needs, min_abi, lacks, max_abi, root), as the table in
# tests/unit/variant_needs.c draws them (program behaviour: net_tcp).
EXPECTED = {
    "net.tcp.any": ("net_tcp", 4, None, None, None),
    "net.tcp.scoped": ("scope", 6, None, None, None),
    "net.udp.any": ("net_udp", 10, None, None, None),
    "net.udp.scoped": ("net_udp", 10, None, None, None),
    "net.old.any": ("net_tcp", 4, "net_udp", 9, None),
    "net.old.scoped": ("scope", 6, "net_udp", 9, None),
    "net.plain.any": ("net_tcp", 4, None, None, None),
    "net.plain.scoped": ("scope", 6, None, None, None),
    "net.root.any": ("net_tcp", 4, None, None, ROOT),
    "net.root.scoped": ("scope", 6, None, None, ROOT),
}


def test_list_json_gives_each_instance_test_and_variant_needs() -> None:
    tests = list_tests(PROGRAM)
    assert set(tests) == set(EXPECTED)
    for name, (needs, min_abi, lacks, max_abi, root) in EXPECTED.items():
        n = tests[name]
        seen = (n.needs, n.min_abi, n.lacks, n.max_abi, n.root)
        assert seen == (needs, min_abi, lacks, max_abi, root), name


def test_gate_skips_the_instances_their_needs_exclude() -> None:
    tests = list_tests(PROGRAM)
    proc = subprocess.run([str(PROGRAM)], capture_output=True, text=True,
                          timeout=60, check=False)
    stream = ktap.parse(proc.stdout)
    results, problems = judge(PROGRAM.name, stream, tests, proc.returncode)
    assert problems == []
    abi = int(stream.header["abi"])
    enabled = stream.header["landlock"] == "enabled"
    root = stream.header["uid"] == "0"
    for result in results:
        needs, min_abi, _, max_abi, needs_root = EXPECTED[result.name]
        runs = (enabled and abi >= min_abi
                and (max_abi is None or abi <= max_abi)
                and (needs_root is None or root))
        assert result.outcome == ("pass" if runs else "skip"), result
        assert result.gated == (not runs), result
        if enabled and abi < min_abi:
            assert f"needs ABI {min_abi} ({needs})" in result.reason
