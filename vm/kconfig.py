"""Kconfig for kernels built here: fragments (parse, merge, apply to a
.config), the options `make olddefconfig` dropped, and why (each one's
`depends on` and the unset symbols it needs, or what selects it)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .errors import BuildError

_SET = re.compile(r"^(CONFIG_[A-Za-z0-9_]+)=(.*)$")
_UNSET = re.compile(r"^# (CONFIG_[A-Za-z0-9_]+) is not set\s*$")

Config = dict[str, "str | None"]  # CONFIG_X -> value, None for "is not set"


def parse_config(text: str, origin: str = "", strict: bool = False) -> Config:
    """Options of a .config or a fragment, in order. strict: reject unknown lines."""
    out: Config = {}
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        m = _SET.match(line)
        if m:
            out[m.group(1)] = m.group(2)
            continue
        m = _UNSET.match(line)
        if m:
            out[m.group(1)] = None
            continue
        if strict and line and not line.startswith("#"):
            raise BuildError(
                f"{origin}:{n}: not a Kconfig fragment line "
                f"(want CONFIG_X=value or '# CONFIG_X is not set'): {raw!r}"
            )
    return out


def read_fragment(path: str) -> Config:
    try:
        with open(path, encoding="utf-8") as f:
            return parse_config(f.read(), path, strict=True)
    except OSError as e:
        raise BuildError(f"cannot read config fragment {path}: {e}") from e


def merge_fragments(fragments: list[tuple[str, Config]]) -> tuple[Config, list[str]]:
    """Later fragments win. (merged options, notes about overridden options)."""
    merged: Config = {}
    origin: dict[str, str] = {}
    notes = []
    for name, frag in fragments:
        for sym, val in frag.items():
            if sym in merged and merged[sym] != val:
                notes.append(
                    f"{name} overrides {format_option(sym, merged[sym])} "
                    f"(from {origin[sym]}) with {format_option(sym, val)}"
                )
            merged[sym] = val
            origin[sym] = name
    return merged, notes


def format_option(sym: str, val: str | None) -> str:
    return f"# {sym} is not set" if val is None else f"{sym}={val}"


def fragment_text(merged: Config) -> str:
    return "".join(format_option(s, v) + "\n" for s, v in merged.items())


def apply_fragment(config_text: str, merged: Config) -> str:
    """.config text with every option of `merged` set (replaced in place or appended)."""
    lines = []
    done: set[str] = set()
    for raw in config_text.splitlines():
        m = _SET.match(raw.strip()) or _UNSET.match(raw.strip())
        if m and m.group(1) in merged:
            sym = m.group(1)
            if sym not in done:
                lines.append(format_option(sym, merged[sym]))
                done.add(sym)
            continue
        lines.append(raw)
    lines += [format_option(s, v) for s, v in merged.items() if s not in done]
    return "\n".join(lines) + "\n"


def dropped_options(requested: Config, final: Config) -> list[tuple[str, str | None, str | None]]:
    """(option, requested, got) for every requested option .config does not have as asked."""
    out = []
    for sym, want in requested.items():
        got = final.get(sym)
        if want is None or want == "n":
            if got not in (None, "n"):
                out.append((sym, want, got))
        elif got != want:
            out.append((sym, want, got))
    return out


# -- why an option was dropped --------------------------------------

@dataclass
class Symbol:
    depends: list[str]
    selected_by: list[str]
    defined_in: str


def kconfig_symbols(tree: str, wanted: set[str]) -> dict[str, Symbol]:
    """`depends on` (with enclosing `if` blocks of the same file) and `select`ing symbols
    of the wanted symbols (names without CONFIG_), from every Kconfig file of the tree."""
    syms: dict[str, Symbol] = {}
    for root, dirs, files in os.walk(tree):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for fname in files:
            if not fname.startswith("Kconfig"):
                continue
            path = os.path.join(root, fname)
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            _parse_kconfig(text, os.path.relpath(path, tree), wanted, syms)
    return syms


def _parse_kconfig(text: str, rel: str, wanted: set[str], syms: dict[str, Symbol]) -> None:
    ifs: list[str] = []
    current: str | None = None
    help_indent: int | None = -1  # -1: not in a help text; None: help started
    for raw in text.replace("\\\n", " ").splitlines():
        expanded = raw.expandtabs(8)
        indent = len(expanded) - len(expanded.lstrip())
        if help_indent != -1:
            if not expanded.strip():
                continue
            if help_indent is None:
                help_indent = indent
                continue
            if indent >= help_indent:
                continue
            help_indent = -1
        line = raw.split("#", 1)[0].strip()
        if re.match(r"^(-*help-*|---help---)$", line):
            help_indent = None
            continue
        m = re.match(r"^(?:menu)?config\s+(\w+)$", line)
        if m:
            current = m.group(1)
            if current in wanted:
                s = syms.setdefault(current, Symbol([], [], rel))
                s.defined_in = s.defined_in or rel
                s.depends += [f"({c})" for c in ifs]
            continue
        m = re.match(r"^if\s+(.+)$", line)
        if m:
            ifs.append(m.group(1).strip())
            current = None
            continue
        if line == "endif":
            if ifs:
                ifs.pop()
            current = None
            continue
        if re.match(r"^(choice|endchoice|menu\b|endmenu|comment|source|mainmenu)", line):
            current = None
            continue
        m = re.match(r"^depends\s+on\s+(.+)$", line)
        if m and current in wanted:
            syms[current].depends.append(m.group(1).strip())
            continue
        m = re.match(r"^select\s+(\w+)", line)
        if m and m.group(1) in wanted and current:
            target = syms.setdefault(m.group(1), Symbol([], [], ""))
            target.selected_by.append(current)


def explain_dropped(
    dropped: list[tuple[str, str | None, str | None]],
    final: Config,
    tree: str | None,
    lenient: set[str] | None = None,
) -> tuple[list[str], list[str]]:
    """(errors, notes): one line per dropped option, with the Kconfig reason where the tree
    tells it. Options in `lenient` that the tree's Kconfig does not define are notes."""
    names = {sym[len("CONFIG_"):] for sym, _, _ in dropped}
    syms = kconfig_symbols(tree, names) if tree else {}
    lines: list[str] = []
    notes: list[str] = []
    for sym, want, got in dropped:
        bare = sym[len("CONFIG_"):]
        s = syms.get(bare)
        head = (
            f"{format_option(sym, want)} -> "
            + ("not in .config" if got is None and sym not in final else format_option(sym, got))
        )
        if tree and (s is None or not s.defined_in):
            (notes if sym in (lenient or set()) else lines).append(
                f"{head}: no such option in this tree's Kconfig"
            )
            continue
        if s is None:
            lines.append(head)
            continue
        why = []
        if want not in (None, "n"):
            if s.depends:
                expr = " && ".join(s.depends)
                unmet = sorted(
                    {
                        d
                        for d in re.findall(r"\b[A-Z][A-Z0-9_]+\b", expr)
                        if final.get("CONFIG_" + d) in (None, "n")
                        and d not in ("y", "m", "n")
                    }
                )
                unset = f" (unset: {', '.join(unmet)})" if unmet else ""
                why.append(f"depends on {expr}{unset}")
        else:
            on = [x for x in s.selected_by if final.get("CONFIG_" + x) not in (None, "n")]
            if on:
                why.append("selected by " + ", ".join(on))
        lines.append(f"{head}" + (f": {'; '.join(why)}" if why else "") + f" [{s.defined_in}]")
    return lines, notes
