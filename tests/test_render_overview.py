"""matrix.html's first screen: every non-passing cell grouped by finding
(known deviation id, or new), then programs x kernels coloured by the worst
outcome, linking to the detailed tables (issue 12 item 15)."""
from __future__ import annotations

import re

from llconform import render
from llconform.matrix import Cell, KernelRow, document

TFO = "abi4_net_tcp::tcp.ipv4.fastopen_sendto_checked_as_connect"
TFO_REASON = ("suites/abi4_net_tcp.c:532:fastopen_sendto_checked_as_connect:"
              "Expected -1 (-1) == ret (1)")
NEW = "abi1_fs::global.read_denied"


def doc() -> dict:
    rows = []
    for name, version, cells in [
            ("debian-6.16", "6.16.12-1~bpo13+1", {TFO: ("fail", TFO_REASON), NEW: ("pass", "")}),
            ("debian-7.3", "7.3.4-1~bpo13+1", {TFO: ("pass", ""), NEW: ("fail", "x.c:1:f:boom")}),
            ("debian-6.1", "6.1.192-3", {TFO: ("skip", "needs ABI 4"), NEW: ("crashed", "oops")})]:
        row = KernelRow(name=name, package_version=version, uname=name)
        row.cells = {t: Cell(o, r) for t, (o, r) in cells.items()}
        rows.append(row)
    rows[2].problem, rows[2].kernel_failed = "kernel panic while abi1_fs ran: Oops", True
    return document(rows, {"abi4_net_tcp": [TFO.split("::")[1]],
                           "abi1_fs": [NEW.split("::")[1]]}, "b", "v")


def test_first_screen_groups_by_finding_then_grid() -> None:
    page = render.page(doc())
    where = page.index("What deviates, where")
    assert where < page.index("Programs &times; kernels") < page.index("id=kernels")
    first = page[where:page.index("id=kernels")]
    # New failures first, with every kernel where they happen; then the
    # known deviation by its id.
    assert first.index("id='g-new'") < first.index("id='g-tfo-connect-bypass'")
    new_group = first[first.index("id='g-new'"):first.index("id='g-tfo-connect-bypass'")]
    assert NEW in new_group and "7.3" in new_group and "6.1" in new_group
    assert "<td class=crashed>CRASH</td>" in new_group
    assert ("<b>2</b> new failing cell(s), 1 cell(s) of 1 known deviation(s), "
            "1 kernel(s) crashed") in first
    assert "debian-6.1: the kernel failed" in first
    known = first[first.index("id='g-tfo-connect-bypass'"):]
    assert TFO in known and "6.16" in known


def test_grid_colours_by_worst_outcome_and_links_to_tables() -> None:
    page = render.page(doc())
    grid = page[page.index("Programs &times; kernels"):page.index("id=kernels")]
    squares = re.findall(r"<td class=(\w+) title='([^:']+): [^']*'><a href='#p-(\w+)'>([^<]*)",
                         grid)
    by = {(k, p): (cls, text) for cls, k, p, text in squares}
    assert by[("debian-6.16", "abi4_net_tcp")][0] == "known"  # only a known deviation
    assert by[("debian-7.3", "abi1_fs")] == ("fail", "0/1 1&nbsp;FAIL")
    assert by[("debian-6.1", "abi1_fs")][0] == "crashed"
    assert by[("debian-6.1", "abi4_net_tcp")][0] == "skip"
    # Every link of the first screen has its target in the page.
    for target in set(re.findall(r"href='#([^']+)'", page)):
        assert f"id='{target}'" in page or f"id={target}>" in page, target
