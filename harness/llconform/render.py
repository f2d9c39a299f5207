"""matrix.json into matrix.md, matrix.html (self-contained) and junit.xml."""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from . import findings, outcomes
from .matrix import counts

GUEST_LOGS = ("console", "results", "guest")
SYMBOL = {"pass": "ok", "fail": "FAIL", "skip": "skip", "xfail": "xfail",
          "xpass": "XPASS", "broken": "BROKEN", "timeout": "TIMEOUT",
          "crashed": "CRASH", "tainted": "TAINT", "unverified": "unverified"}
COLOUR = {"pass": "#cdeccd", "fail": "#f4a6a6", "skip": "#e6e6e6",
          "xfail": "#f3e2b3", "xpass": "#b3d9f3", "broken": "#e0b3f3",
          "timeout": "#f4c6a6", "crashed": "#f48f8f", "tainted": "#f4a6d8", "unverified": "#f3f0a0"}


def _errata(value: Any) -> str:
    return "-" if value is None else hex(value) if isinstance(value, int) else str(value)


def kernel_caption(k: dict[str, Any]) -> str:
    probed = k.get("probed") or {}
    status = probed.get("status") or "?"
    if status != "enabled":
        return f"Landlock {status}"
    caption = f"ABI {probed.get('abi')}, errata {_errata(probed.get('errata'))}"
    if probed.get("abi_known") and probed["abi"] > probed["abi_known"]:
        caption += (f" (newer than the ABI {probed['abi_known']} llconform "
                    f"knows: tested as at least {probed['abi_known']})")
    return caption


def tests_by_program(doc: dict[str, Any]) -> list[tuple[str, list[str]]]:
    return [(p, tests) for p, tests in doc["programs"].items()]


def markdown(doc: dict[str, Any]) -> str:
    kernels = doc["kernels"]
    names = [k["name"] for k in kernels]
    out = [f"# llconform compatibility matrix ({doc['created']})", "",
           f"Suite build `{doc['suite_build']}`, llconform "
           f"`{doc['llconform']}`.", "",
           "| kernel | version | Landlock | guest | boot s | run s | "
           + " | ".join(outcomes.ALL) + " |",
           "|---|---|---|---|---|---|" + "---|" * len(outcomes.ALL)]
    for k in kernels:
        c = counts(doc["cells"][k["name"]])
        out.append(f"| {k['name']} | {k.get('package_version') or '-'} | "
                   f"{kernel_caption(k)} | {k.get('guest')} | "
                   f"{_num(k.get('boot_seconds'))} | "
                   f"{_num(k.get('run_seconds'))} | "
                   + " | ".join(str(c.get(o, 0)) for o in outcomes.ALL) + " |")
    out += ["", "Where each kernel came from: " + "; ".join(
        f"{k['name']}: {k.get('source') or '-'}" for k in kernels) + "."]
    problems = [k for k in kernels if k.get("problem")]
    if problems:
        out += ["", "## Kernels that did not run cleanly", ""]
        out += [f"- **{k['name']}**: {k['problem']}" for k in problems]
    for program, tests in tests_by_program(doc):
        out += ["", f"## {program}", "",
                "| test | " + " | ".join(names) + " |",
                "|---|" + "---|" * len(names)]
        for test in tests:
            key = f"{program}::{test}"
            row = [SYMBOL[doc["cells"][n][key]["outcome"]]
                   if key in doc["cells"][n] else "" for n in names]
            out.append(f"| {test} | " + " | ".join(row) + " |")
    lines = not_passing_lines(doc)
    if lines:
        out += ["", "## Not passing", ""]
        out += [f"- {line}" for line in lines]
    return "\n".join(out) + "\n"


def not_passing_lines(doc: dict[str, Any]) -> list[str]:
    """Every cell a run does not accept (outcomes.accepted), one line each,
    with the known deviation that explains it; a kernel that never ran is
    one line."""
    known = findings.load()
    kernels = {k["name"]: k for k in doc["kernels"]}
    lines = [f"{name}: {'the kernel failed' if k.get('kernel_failed') else 'did not run'}: "
             f"{k['problem'].splitlines()[0]}"
             for name, k in kernels.items() if k.get("problem")]
    for kernel, test, cell in _not_passing(doc):
        if kernels[kernel].get("problem") and not kernels[kernel].get("kernel_failed"):
            continue
        finding = findings.known(known, kernels[kernel], test, cell)
        tag = f" (known deviation `{finding.id}`)" if finding else ""
        lines.append(f"`{kernel}::{test}` {cell['outcome']}{tag}: "
                     f"{cell['reason']}")
    return lines


def _not_passing(doc: dict[str, Any], look: bool = False
                 ) -> list[tuple[str, str, dict[str, Any]]]:
    """Cells a run does not accept; with `look`, xpass and unverified too."""
    extra = outcomes.WORTH_A_LOOK if look else frozenset()
    return [(k, t, c) for k, cells in doc["cells"].items()
            for t, c in cells.items()
            if not outcomes.accepted(c["outcome"]) or c["outcome"] in extra]


def _num(value: Any) -> str:
    return "-" if value is None else f"{value:.1f}"


# Worst first: the colour of a program x kernel square of the overview.
SEVERITY = outcomes.SEVERITY
# A square whose only failures are known deviations.
KNOWN_COLOUR = "#f6d2b0"
NEW = "new"


def deviation_groups(doc: dict[str, Any]
                     ) -> list[tuple[str, str, list[tuple[str, str, list[str], str]]]]:
    """Every cell that did not pass, grouped by what explains it: (group id,
    title, [(test, outcome, kernels, reason)]).  New (unexplained) cells
    first, then each known deviation of findings.toml, then the cells worth
    a look (xpass, unverified probe); skip and xfail are not listed."""
    known = {f.id: f for f in findings.load()}
    headers = {k["name"]: k for k in doc["kernels"]}
    grouped: dict[str, dict[tuple[str, str], tuple[list[str], str]]] = {}
    for kernel, test, cell in _not_passing(doc, look=True):
        o = cell["outcome"]
        if headers[kernel].get("problem") and not headers[kernel].get("kernel_failed"):
            continue
        finding = findings.known(list(known.values()), headers[kernel], test, cell)
        group = finding.id if finding else (NEW if not outcomes.accepted(o) else "look")
        entry = grouped.setdefault(group, {}).setdefault((test, o), ([], cell["reason"]))
        entry[0].append(kernel)
    titles = {NEW: "new: not explained by any known deviation",
              "look": "worth a look (not failures): xpass, unverified probe"}
    titles.update({i: f"known deviation {i}: {f.summary}" for i, f in known.items()})
    order = [NEW, *known, "look"]
    return [(g, titles[g], [(test, o, kernels, reason)
                            for (test, o), (kernels, reason) in grouped[g].items()])
            for g in order if g in grouped]


def short(kernel: str) -> str:
    """A kernel's name in the overview: debian-6.16 -> 6.16."""
    return kernel.removeprefix("debian-")


def worst(found: dict[str, int]) -> str:
    return next((o for o in SEVERITY if found.get(o)), "pass")


def overview(doc: dict[str, Any]) -> list[str]:
    """The first screen: what deviates, where; then programs x kernels."""
    e = html.escape
    names = [k["name"] for k in doc["kernels"]]
    groups = deviation_groups(doc)
    not_run = [k for k in doc["kernels"] if k.get("problem") and not k.get("kernel_failed")]
    crashed = [k for k in doc["kernels"] if k.get("kernel_failed")]
    total = {g: sum(len(kernels) for _, _, kernels, _ in rows) for g, _, rows in groups}
    new = total.get(NEW, 0)
    known_cells = sum(n for g, n in total.items() if g not in (NEW, "look"))
    parts = ["<h2 id=deviations>What deviates, where</h2>",
             f"<p class=verdict><b>{new}</b> new failing cell(s), {known_cells} cell(s) of "
             f"{sum(1 for g in total if g not in (NEW, 'look'))} known deviation(s), "
             f"{len(crashed)} kernel(s) crashed, {len(not_run)} kernel(s) did not run "
             "(our side).</p>"]
    for k in crashed:
        parts.append(f"<p class=crashed><b>{e(k['name'])}: the kernel failed</b>: "
                     f"{e(k['problem'].splitlines()[0])}</p>")
    for k in not_run:
        parts.append(f"<p class=broken><b>{e(k['name'])} did not run</b> (our side): "
                     f"{e(k['problem'].splitlines()[0])}</p>")
    for group, title, rows in groups:
        cls = NEW if group == NEW else "look" if group == "look" else "known"
        parts.append(f"<h3 class=g-{cls} id='g-{e(group)}'>{e(title)} "
                     f"({total[group]} cells)</h3><table class=dev><tr><th>test</th>"
                     "<th>outcome</th><th>kernels</th><th>reason (first kernel)</th></tr>")
        for test, o, kernels, reason in rows:
            links = " ".join(f"<a href='#t-{e(test)}' title='{e(k)}'>{e(short(k))}</a>"
                             for k in kernels)
            brief = reason if len(reason) <= 160 else reason[:157] + "..."
            parts.append(f"<tr><td class=t><a href='#t-{e(test)}'>{e(test)}</a></td>"
                         f"<td class={o}>{SYMBOL[o]}</td><td class=t>{links}</td>"
                         f"<td class=r title='{e(reason)}'>{e(brief)}</td></tr>")
        parts.append("</table>")
    if not groups and not not_run:
        parts.append("<p>Every cell passed, skipped as declared or is an expected xfail.</p>")
    known_cells_at = {(k, t) for g, _, rows in groups if g not in (NEW, "look")
                      for t, _, ks, _ in rows for k in ks}
    parts.append("<h2 id=grid>Programs &times; kernels</h2><p>Each square: passed/total "
                 "and its worst outcome, coloured by it (orange: failures that are all known "
                 "deviations); a click opens the program's table.</p><table class=grid>"
                 "<tr><th>program</th>" + "".join(f"<th title='{e(n)}'>{e(short(n))}</th>"
                                                  for n in names) + "</tr>")
    for program, tests in tests_by_program(doc):
        row = [f"<tr><td class=t><a href='#p-{e(program)}'>{e(program)}</a></td>"]
        for n in names:
            cells = {f"{program}::{t}": doc["cells"][n][f"{program}::{t}"] for t in tests
                     if f"{program}::{t}" in doc["cells"][n]}
            if not cells:
                row.append("<td></td>")
                continue
            c = counts(cells)
            w = worst(c)
            bad = [k for k, v in cells.items() if not outcomes.accepted(v["outcome"])]
            cls = "known" if bad and all((n, k) in known_cells_at for k in bad) else w
            text = f"{sum(c.get(o, 0) for o in outcomes.PASSING)}/{len(cells)}"
            if not outcomes.accepted(w) or w in outcomes.WORTH_A_LOOK:
                text += f" {c[w]}&nbsp;{SYMBOL[w]}"
            detail = ", ".join(f"{v} {o}" for o, v in c.items())
            row.append(f"<td class={cls} title='{e(n)}: {e(detail)}'>"
                       f"<a href='#p-{e(program)}'>{text}</a></td>")
        parts.append("".join(row) + "</tr>")
    parts.append("</table><p><a href='#kernels'>Kernels</a> &middot; detailed tables: "
                 + " ".join(f"<a href='#p-{e(p)}'>{e(p)}</a>" for p, _ in tests_by_program(doc))
                 + "</p>")
    return parts


def page(doc: dict[str, Any]) -> str:
    """One self-contained HTML file: no script, no network.  Its first
    screen answers "what deviates, where" (`overview`)."""
    kernels = doc["kernels"]
    names = [k["name"] for k in kernels]
    e = html.escape
    css = "".join(f".{o}{{background:{c}}}" for o, c in COLOUR.items())
    css += (f".known{{background:{KNOWN_COLOUR}}}.g-new{{color:#a00}}"
            "table.dev td.r{text-align:left;max-width:60em;overflow-wrap:anywhere}"
            "table.grid td{min-width:4.5em}"
            "table.grid a,table.dev a{color:inherit}p.verdict{font-size:15px}"
            "table.dev td,table.grid td{padding:1px 4px}h3{margin:.6em 0 .2em}")
    parts = [
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
        f"<title>llconform matrix {e(doc['created'])}</title><style>",
        "body{font:13px sans-serif;margin:1em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 5px;text-align:center}"
        "td.t{text-align:left;font-family:monospace}th{background:#eee}"
        "th.k{writing-mode:vertical-rl;text-align:left}h2{margin-top:1.5em}",
        css, "</style></head><body>",
        f"<h1>llconform compatibility matrix</h1><p>{e(doc['created'])}, "
        f"suite build <code>{e(doc['suite_build'])}</code>, llconform "
        f"<code>{e(doc['llconform'])}</code></p>",
        *overview(doc),
        "<h2 id=kernels>Kernels</h2><table><tr><th>kernel</th><th>version</th>"
        "<th>source</th>"
        "<th>uname -r</th><th>Landlock</th><th>guest</th><th>boot s</th>"
        "<th>run s</th>" + "".join(f"<th class={o}>{o}</th>"
                                   for o in outcomes.ALL) + "<th>logs</th></tr>"]
    for k in kernels:
        c = counts(doc["cells"][k["name"]])
        # Per-program logs are linked from the cells; here the guest's own.
        logs = " ".join(f"<a href='{e(path)}'>{e(label)}</a>"
                        for label, path in sorted(k.get("logs", {}).items())
                        if label in GUEST_LOGS)
        problem = f"<br><b>{e(k['problem'])}</b>" if k.get("problem") else ""
        parts.append(
            f"<tr><td class=t id='k-{e(k['name'])}'>{e(k['name'])}{problem}"
            f"</td><td>{e(str(k.get('package_version') or '-'))}</td>"
            f"<td>{e(str(k.get('source') or '-'))}</td>"
            f"<td>{e(str(k.get('uname') or '-'))}</td>"
            f"<td>{e(kernel_caption(k))}</td><td>{e(str(k.get('guest')))}"
            f"</td><td>{_num(k.get('boot_seconds'))}</td>"
            f"<td>{_num(k.get('run_seconds'))}</td>"
            + "".join(f"<td class={o if c.get(o) else ''}>{c.get(o, 0)}</td>"
                      for o in outcomes.ALL) + f"<td>{logs}</td></tr>")
    parts.append("</table>")
    for program, tests in tests_by_program(doc):
        summary = {n: counts({t: doc["cells"][n][f"{program}::{t}"]
                              for t in tests
                              if f"{program}::{t}" in doc["cells"][n]})
                   for n in names}
        parts.append(f"<h2 id='p-{e(program)}'>{e(program)}</h2><table><tr>"
                     "<th>test</th>" + "".join(
                         f"<th class=k>{e(n)}</th>" for n in names) + "</tr>")
        parts.append("<tr><td class=t><i>summary</i></td>" + "".join(
            "<td>" + e(" ".join(f"{v} {o}" for o, v in summary[n].items()))
            + "</td>" for n in names) + "</tr>")
        for test in tests:
            key = f"{program}::{test}"
            cells = []
            for k in kernels:
                cell = doc["cells"][k["name"]].get(key)
                if cell is None:
                    cells.append("<td></td>")
                    continue
                o = cell["outcome"]
                label = SYMBOL[o]
                log = k.get("logs", {}).get(program)
                if not outcomes.accepted(o) and log:
                    label = f"<a href='{e(log)}'>{label}</a>"
                cells.append(f"<td class={o} title='{e(cell['reason'])}'>"
                             f"{label}</td>")
            parts.append(f"<tr id='t-{e(key)}'><td class=t>{e(test)}</td>"
                         + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def junit(doc: dict[str, Any]) -> str:
    suites = ET.Element("testsuites", name="llconform")
    for k in doc["kernels"]:
        cells = doc["cells"][k["name"]]
        c = counts(cells)
        suite = ET.SubElement(
            suites, "testsuite", name=k["name"], tests=str(len(cells)),
            failures=str(sum(c.get(o, 0) for o in outcomes.KERNEL_FAILURES)),
            errors=str(sum(c.get(o, 0) for o in outcomes.INFRASTRUCTURE)),
            skipped=str(sum(c.get(o, 0) for o in outcomes.NOT_APPLICABLE)))
        for key, cell in cells.items():
            program, _, test = key.partition("::")
            case = ET.SubElement(suite, "testcase", name=test,
                                 classname=f"{k['name']}.{program}")
            if cell.get("seconds") is not None:
                case.set("time", f"{cell['seconds']:.3f}")
            o, reason = cell["outcome"], cell["reason"]
            kind = outcomes.kind(o)
            if kind == "kernel_failure":
                ET.SubElement(case, "failure", type=o, message=reason)
            elif kind == "infrastructure":
                ET.SubElement(case, "error", type=o, message=reason)
            elif kind == "not_applicable":
                ET.SubElement(case, "skipped", message=f"{o}: {reason}")
            elif o != outcomes.PASS:  # passing, but worth a note (xpass)
                ET.SubElement(case, "system-out").text = f"{o}: {reason}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def write_outputs(run_dir: Path, doc: dict[str, Any]) -> None:
    (run_dir / "matrix.json").write_text(json.dumps(doc, indent=1) + "\n")
    (run_dir / "matrix.md").write_text(markdown(doc))
    (run_dir / "matrix.html").write_text(page(doc))
    (run_dir / "junit.xml").write_text(junit(doc))
