"""Tests of the `llabi` CLI: what the Python side reads from abi/.

The tables themselves are pinned against the specification by the Check unit
tests (tests/unit/check_abi.c).  Here the JSON must be well-formed and agree
with itself: every mask is the OR of its family's bits of that ABI or older,
sizes follow the fields, the probe fits the tables, and the downgrade keeps
exactly what the target ABI accepts.
"""

import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

LLABI = Path(__file__).parents[1] / "build" / "llabi"

FAMILIES = [
    "fs_access",
    "net_access",
    "scope",
    "create_ruleset_flags",
    "add_rule_flags",
    "restrict_self_flags",
    "rule_types",
]
# Families whose values are single bits (rule types are plain numbers).
BIT_FAMILIES = [f for f in FAMILIES if f != "rule_types"]
ATTR_FIELDS = {
    "fs_access": "handled_access_fs",
    "net_access": "handled_access_net",
    "scope": "scoped",
}
QUIET_FIELDS = {
    "fs_access": "quiet_access_fs",
    "net_access": "quiet_access_net",
    "scope": "quiet_scoped",
}
PROBE_LINE = re.compile(
    r"(?P<status>enabled|disabled|absent|probe_error)"
    r" abi=(?P<abi>\d+) errata=(?P<errata>0x[0-9a-f]+|none)"
)

Json = dict[str, Any]


def run(*args: str) -> "subprocess.CompletedProcess[str]":
    if not LLABI.exists():
        pytest.fail(f"{LLABI} is missing: run `make build/llabi` first")
    return subprocess.run(
        [str(LLABI), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def run_json(*args: str) -> Json:
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert proc.stdout.endswith("}\n")
    doc = json.loads(proc.stdout)
    assert isinstance(doc, dict)
    return doc


@lru_cache(maxsize=None)
def _tables_text() -> str:
    proc = run("--json")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture
def tables() -> Json:
    doc = json.loads(_tables_text())
    assert isinstance(doc, dict)
    return doc


def mask(tables: Json, family: str, abi: int) -> int:
    """OR of the family's values that ABI `abi` accepts (null: unmerged)."""
    value = 0
    for bit in tables["families"][family]:
        if bit["abi"] is not None and bit["abi"] <= abi:
            value |= bit["value"]
    return value


def abi_entry(tables: Json, abi: int) -> Json:
    entry: Json = tables["abis"][abi - 1]
    assert entry["abi"] == abi
    return entry


def effective(tables: Json, abi: int) -> int:
    last: int = tables["abi_last"]
    return min(abi, last)


# --- llabi --json ----------------------------------------------------------


def test_json_is_one_object_with_every_section(tables: Json) -> None:
    assert set(tables) == {
        "abi_last",
        "probe",
        "families",
        "abis",
        "ruleset_attr_fields",
        "path_beneath_attr_size",
        "net_port_attr_size",
        "behaviours",
        "errata",
    }
    assert isinstance(tables["abi_last"], int)
    assert tables["abi_last"] >= 1


def test_json_is_compact_single_line() -> None:
    text = _tables_text()
    assert text.count("\n") == 1
    assert json.loads(text)["abi_last"] >= 1


def test_every_family_is_listed(tables: Json) -> None:
    assert list(tables["families"]) == FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_family_bits_are_well_formed(tables: Json, family: str) -> None:
    bits: list[Json] = tables["families"][family]
    last = tables["abi_last"]
    assert bits, family
    names = [b["name"] for b in bits]
    values = [b["value"] for b in bits]
    assert len(set(names)) == len(names)
    assert len(set(values)) == len(values)
    assert values == sorted(values), "tables are in bit order"
    for bit in bits:
        assert set(bit) == {"name", "macro", "value", "abi"}
        assert re.fullmatch(r"[a-z][a-z0-9_]*", bit["name"]), bit
        assert bit["macro"].startswith("LANDLOCK_"), bit
        assert bit["macro"].endswith(bit["name"].upper()), bit
        assert isinstance(bit["value"], int) and bit["value"] > 0
        if family in BIT_FAMILIES:
            assert bit["value"] & (bit["value"] - 1) == 0, bit
        assert bit["abi"] is None or 1 <= bit["abi"] <= last, bit


def test_only_no_inherit_is_unmerged(tables: Json) -> None:
    unmerged = [
        (family, bit["name"])
        for family, bits in tables["families"].items()
        for bit in bits
        if bit["abi"] is None
    ]
    assert unmerged == [("add_rule_flags", "no_inherit")]


def test_abis_are_one_to_last(tables: Json) -> None:
    assert [a["abi"] for a in tables["abis"]] == list(
        range(1, tables["abi_last"] + 1)
    )


def test_abi_masks_are_or_of_bits(tables: Json) -> None:
    for entry in tables["abis"]:
        assert set(entry) == {
            "abi",
            *FAMILIES,
            "fs_file_rights",
            "ruleset_attr_size",
            "errata",
            "max_layers",
        }
        for family in FAMILIES:
            assert entry[family] == mask(tables, family, entry["abi"]), (
                family,
                entry["abi"],
            )


def test_each_abi_is_a_superset_of_the_previous(tables: Json) -> None:
    keys = [*FAMILIES, "fs_file_rights", "errata"]
    for before, after in zip(tables["abis"], tables["abis"][1:]):
        for key in keys:
            assert before[key] & ~after[key] == 0, (key, after["abi"])
        assert before["ruleset_attr_size"] <= after["ruleset_attr_size"]
    first = tables["abis"][0]
    assert first["fs_access"] != 0
    assert first["create_ruleset_flags"] != 0


def test_every_bit_appears_at_its_abi(tables: Json) -> None:
    for family, bits in tables["families"].items():
        for bit in bits:
            if bit["abi"] is None:
                continue
            if bit["abi"] > 1:
                before = abi_entry(tables, bit["abi"] - 1)
                assert not before[family] & bit["value"], bit
            assert abi_entry(tables, bit["abi"])[family] & bit["value"]


def test_file_rights_are_fs_rights(tables: Json) -> None:
    for entry in tables["abis"]:
        assert entry["fs_file_rights"] != 0
        assert entry["fs_file_rights"] & ~entry["fs_access"] == 0


def test_ruleset_attr_sizes_follow_the_fields(tables: Json) -> None:
    fields: list[Json] = tables["ruleset_attr_fields"]
    assert fields[0]["name"] == "handled_access_fs"
    assert fields[0]["abi"] == 1
    offset = 0
    for field in fields:
        assert field["offset"] == offset, field
        assert field["size"] == 8, "every ruleset_attr field is a __u64"
        offset += field["size"]
    for entry in tables["abis"]:
        size = max(
            f["offset"] + f["size"]
            for f in fields
            if f["abi"] <= entry["abi"]
        )
        assert entry["ruleset_attr_size"] == size, entry["abi"]
    assert abi_entry(tables, 1)["ruleset_attr_size"] == 8
    assert abi_entry(tables, tables["abi_last"])["ruleset_attr_size"] == (
        offset
    )


def test_rule_attr_sizes(tables: Json) -> None:
    # Fixed UAPI layouts: packed {__u64; __s32} and {__u64; __u64}.
    assert tables["path_beneath_attr_size"] == 12
    assert tables["net_port_attr_size"] == 16


def test_errata_are_well_formed(tables: Json) -> None:
    errata: list[Json] = tables["errata"]
    assert [e["id"] for e in errata] == list(range(1, len(errata) + 1))
    for erratum in errata:
        assert set(erratum) == {"id", "bit", "abi", "summary"}
        assert erratum["bit"] == 1 << (erratum["id"] - 1)
        assert 1 <= erratum["abi"] <= tables["abi_last"]
        assert erratum["summary"]
    for entry in tables["abis"]:
        want = 0
        for erratum in errata:
            if erratum["abi"] <= entry["abi"]:
                want |= erratum["bit"]
        assert entry["errata"] == want, entry["abi"]


def test_behaviours_are_well_formed(tables: Json) -> None:
    behaviours: list[Json] = tables["behaviours"]
    names = [b["name"] for b in behaviours]
    assert len(set(names)) == len(names)
    for b in behaviours:
        assert set(b) == {"name", "summary", "abi", "until_abi"}
        assert b["summary"]
        assert 0 <= b["abi"] <= tables["abi_last"], b
        assert b["until_abi"] is None or b["abi"] <= b["until_abi"], b


def test_max_layers_follow_the_behaviour(tables: Json) -> None:
    by_name = {b["name"]: b for b in tables["behaviours"]}
    since = by_name["layer_limit_16"]["abi"]
    for entry in tables["abis"]:
        want = 16 if entry["abi"] >= since else 64
        assert entry["max_layers"] == want, entry["abi"]


def test_probe_is_consistent(tables: Json) -> None:
    probe = tables["probe"]
    assert set(probe) == {"status", "abi", "errata", "errno", "proposed"}
    proposed = {b["name"] for b in tables["behaviours"] if b["abi"] == 0}
    assert set(probe["proposed"]) <= proposed
    assert probe["status"] in {"enabled", "disabled", "absent", "probe_error"}
    assert isinstance(probe["errno"], int)
    if probe["status"] == "enabled":
        assert isinstance(probe["abi"], int) and probe["abi"] >= 1
        assert probe["errno"] == 0
        if probe["errata"] is not None:
            # A kernel only reports errata of its ABI or older ones.
            entry = abi_entry(tables, effective(tables, probe["abi"]))
            assert probe["errata"] >= 0
            assert probe["errata"] & ~entry["errata"] == 0
    else:
        assert probe["abi"] is None
        assert probe["errata"] is None
        assert probe["errno"] > 0


# --- llabi --probe ---------------------------------------------------------


def test_probe_line_format_and_agreement(tables: Json) -> None:
    proc = run("--probe")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and proc.stdout.endswith("\n")
    match = PROBE_LINE.fullmatch(lines[0])
    assert match, lines[0]
    probe = tables["probe"]
    assert match["status"] == probe["status"]
    assert int(match["abi"]) == (probe["abi"] or 0)
    if probe["errata"] is None:
        assert match["errata"] == "none"
    else:
        assert int(match["errata"], 16) == probe["errata"]


def test_no_option_prints_a_human_probe() -> None:
    proc = run()
    assert proc.returncode in (0, 1)
    assert proc.stdout.startswith("Landlock ")


def test_help() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    assert proc.stdout.startswith("usage: llabi")


# --- llabi --downgrade -----------------------------------------------------


def check_downgrade(tables: Json, doc: Json, src: int, dst: int) -> None:
    assert doc["from_abi"] == src and doc["to_abi"] == dst
    inp, out = doc["input"], doc["output"]
    src_entry = abi_entry(tables, src)
    dst_entry = abi_entry(tables, dst)

    # The input is the fullest ABI-src ruleset.
    for family, field in ATTR_FIELDS.items():
        assert inp[field] == src_entry[family], field
    assert inp["attr_size"] == src_entry["ruleset_attr_size"]

    # The output keeps exactly what the target ABI accepts.
    for family, field in ATTR_FIELDS.items():
        assert out[field] == inp[field] & dst_entry[family], field
    for family, field in QUIET_FIELDS.items():
        assert out[field] & ~out[ATTR_FIELDS[family]] == 0, field
    flags = "restrict_self_flags"
    assert out[flags] == inp[flags] & dst_entry[flags]
    assert out["attr_size"] == dst_entry["ruleset_attr_size"]
    assert out["rules"] == [] == inp["rules"]

    # Dropped lists exactly what was removed.
    fields = [*ATTR_FIELDS.values(), *QUIET_FIELDS.values(), flags]
    dropped: dict[str, int] = {}
    for drop in doc["dropped"]:
        assert set(drop) == {"where", "family", "bits", "why"}
        assert drop["family"] in FAMILIES
        assert drop["why"]
        dropped[drop["where"]] = dropped.get(drop["where"], 0) | drop["bits"]
    for field in fields:
        gone = dropped.pop(field, 0)
        assert out[field] & gone == 0, field
        assert out[field] | gone == inp[field], field
    assert dropped == {}, "drops of unknown parts"
    unchanged = all(out[f] == inp[f] for f in fields)
    assert (doc["dropped"] == []) == unchanged
    if dst >= src:
        assert unchanged

    handled = any(out[f] for f in ATTR_FIELDS.values())
    assert doc["enforceable"] is handled


def test_downgrade_11_to_2(tables: Json) -> None:
    doc = run_json("--downgrade", "11", "2")
    check_downgrade(tables, doc, 11, 2)
    assert doc["output"]["handled_access_net"] == 0
    assert doc["output"]["scoped"] == 0
    assert doc["output"]["handled_access_fs"] != 0
    assert doc["enforceable"] is True
    assert {d["where"] for d in doc["dropped"]} == {
        "handled_access_fs",
        "handled_access_net",
        "scoped",
    }


def test_downgrade_every_pair(tables: Json) -> None:
    last = tables["abi_last"]
    for src in range(1, last + 1):
        for dst in range(1, last + 1):
            doc = run_json("--downgrade", str(src), str(dst))
            check_downgrade(tables, doc, src, dst)


# --- errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "option",
    [
        "--bogus",
        "--json=1",
        "-x",
        "-xy",
    ],
)
def test_unknown_option_is_a_usage_error(option: str) -> None:
    proc = run(option)
    assert proc.returncode == 2
    assert proc.stdout == ""
    first = proc.stderr.splitlines()[0]
    # A short option is named alone, even inside a group ("-xy" -> "-x").
    named = option if option.startswith("--") else option[:2]
    assert first == f"llabi: unknown option '{named}'"


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--downgrade", "0", "5"], "'0'"),
        (["--downgrade", "5", "0"], "'0'"),
        (["--downgrade", "12", "1"], "'12'"),
        (["--downgrade", "abc", "3"], "'abc'"),
        (["--downgrade", "3"], "FROM_ABI TO_ABI"),
        (["--downgrade", "3", "2", "1"], "FROM_ABI TO_ABI"),
        (["--json", "--probe"], "choose one"),
        (["--json", "extra"], "'extra'"),
    ],
)
def test_bad_arguments_are_usage_errors(args: list[str], needle: str) -> None:
    proc = run(*args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("llabi: ")
    assert needle in proc.stderr
