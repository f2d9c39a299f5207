"""`llconform coverage src:...`: line, function and branch coverage of
security/landlock by our suites, by the upstream selftests of the same
tree, and by both, in the same gcov kernel.

Steps (each a function below, so that tests can run the report part on
recorded data):

1. The kernel: the `src:` tree is built through vm's source-build path
   with vm/config/coverage.config (gcov, debugfs, fault injection, what the
   upstream selftests' own config asks for) and one more patch, generated
   from the tree's own security/landlock/Makefile, that adds
   `GCOV_PROFILE := y` there: only that directory is profiled (a make
   variable on the command line would apply to every directory, and
   per-object GCOV_PROFILE_<stem>.o names clash with other directories'
   fs.o, audit.o, net.o). The patch is part of the build's cache key like
   any --patches file; user patches (--patches) are copied next to it.
   vm keeps the .gcno notes and the profiled sources in the cache entry
   (<entry>/gcov/), since the build tree is deleted.
2. Two guests of that kernel, booted at the same time: one runs our suites,
   the other the upstream selftests (built by the bench's builder from the
   same tree, each behind harness/coverage/upstream_launch.c, which gives
   it the working directory and ./true that `make run_tests` would); both
   end with harness/coverage/gcov_dump.c, which prints every .gcda file of
   /sys/kernel/debug/gcov on its stdout. The data thus comes back on the
   results channel the init already has (base64 lines in
   zz_gcov_dump.ktap): no disk image, no virtio or 9p driver in the
   kernel, no change to the guest init. Separate guests rather than one
   with a counter reset in between: each set starts from the same
   freshly booted kernel, and the two run in parallel.
3. The report, with Debian's lcov: geninfo on the notes and each guest's
   .gcda files, source paths mapped to the kept sources, `lcov --extract`
   of security/landlock, `lcov -a` of both, genhtml; coverage.json with
   the totals and per-file figures read from the tracefiles, the
   uncovered lines with their function, and the lines only one set covers.
"""
from __future__ import annotations

import argparse
import base64
import concurrent.futures
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vm.api import OBTAIN_ERRORS, BootRequest, GuestResult, KernelOptions, Kernels, boot

REPO = Path(__file__).resolve().parents[2]
COVERAGE_FRAGMENT = REPO / "vm" / "config" / "coverage.config"
HELPERS = REPO / "harness" / "coverage"
LANDLOCK = "security/landlock"
GCOV_PATCH = "zz-llconform-gcov-profile.patch"
DUMP = "zz_gcov_dump"  # sorts after every suite: the init runs in name order
SETS = ("llconform", "upstream")
BUSYBOX = "/bin/busybox"  # Debian's busybox-static (make coverage installs it)
LCOV_RC = ["--rc", "lcov_branch_coverage=1"]
EXIT_OK, EXIT_FAILED, EXIT_OURS = 0, 1, 2


class CoverageError(RuntimeError):
    """Bad input or a failed step: a clear message, exit status 2."""


def say(msg: str) -> None:
    print(f"coverage: {msg}", file=sys.stderr, flush=True)


# --- 1. the kernel -----------------------------------------------------------

def check_tree(tree: Path) -> None:
    """A tree that can be measured has security/landlock with a Makefile."""
    if not (tree / LANDLOCK / "Makefile").is_file():
        raise CoverageError(
            f"{tree}: no {LANDLOCK}/Makefile: not a kernel tree with Landlock "
            "(Landlock is in Linux 5.13 and later), nothing to measure")


def gcov_patch(tree: Path) -> str:
    """A patch that turns on gcov for security/landlock only."""
    check_tree(tree)
    rel = f"{LANDLOCK}/Makefile"
    old = (tree / rel).read_text().splitlines(keepends=True)
    new = ["# llconform coverage: gcov counters for this directory only\n",
           "GCOV_PROFILE := y\n", "\n", *old]
    return "".join(difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}"))


def patches_dir(cache_root: Path, tree: Path, user: Path | None) -> Path:
    """The user's *.patch files and the gcov patch (last: it is named to
    sort after them), in a directory of the cache named by their content."""
    files: dict[str, bytes] = {}
    if user is not None:
        if not user.is_dir():
            raise CoverageError(f"--patches {user}: not a directory")
        for p in sorted(user.glob("*.patch")):
            files[p.name] = p.read_bytes()
    files[GCOV_PATCH] = gcov_patch(tree).encode()
    digest = hashlib.sha256(json.dumps(
        {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
        sort_keys=True).encode()).hexdigest()[:16]
    final = cache_root / "coverage" / f"patches-{digest}"
    if final.is_dir():
        return final
    tmp = final.with_name(f".tmp-{final.name}-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name, blob in files.items():
        (tmp / name).write_bytes(blob)
    try:
        tmp.rename(final)
    except OSError:  # another run made it first: same content
        shutil.rmtree(tmp, ignore_errors=True)
    return final


@dataclass
class Kernel:
    name: str
    tree: Path
    patches: Path
    fragments: list[str]
    build_dir: Path
    build: dict[str, Any]
    gcov: dict[str, Any]


def kernel_options(patches: Path | None, fragments: list[str], cache: str | None,
                   jobs: int | None = None, offline: bool = False) -> KernelOptions:
    return KernelOptions(cache=cache, offline=offline,
                         patches=str(patches) if patches else None,
                         config_fragments=fragments, build_jobs=jobs)


def build_kernel(name: str, user_patches: Path | None,
                 user_fragments: list[str], cache: str | None,
                 jobs: int | None) -> Kernel:
    """The gcov kernel of a src: name, from vm's cache or built now."""
    if not name.startswith("src:"):
        raise CoverageError(
            f"{name}: coverage needs a kernel built here with gcov, a src: "
            "name (src:debian-7.3, src:/path/to/tree); Debian's binary "
            "kernels have no CONFIG_GCOV_KERNEL")
    fragments = [str(COVERAGE_FRAGMENT), *user_fragments]
    try:
        kernels = Kernels(kernel_options(None, [], cache))
        tree = kernels.source_tree(kernels.resolve(name))
    except OBTAIN_ERRORS as e:
        raise CoverageError(f"{name}: cannot obtain the source tree: {e}") from e
    patches = patches_dir(Path(kernels.cache), Path(tree), user_patches)
    t0 = time.monotonic()
    try:
        kernels = Kernels(kernel_options(patches, fragments, cache, jobs))
        k = kernels.resolve(name)
        img = kernels.obtain(k)
    except OBTAIN_ERRORS as e:
        raise CoverageError(f"{name}: the gcov kernel did not build: {e}") from e
    assert img is not None
    d = Path(k.build["dir"])
    meta = json.loads((d / "meta.json").read_text())
    gcov = meta.get("gcov")
    if not gcov or not (d / "gcov" / "out" / LANDLOCK).is_dir():
        raise CoverageError(
            f"{name}: the build {d} has no gcov notes of {LANDLOCK} "
            "(a kernel without CONFIG_GCOV_KERNEL, or built before vm kept "
            "them: remove that cache entry)")
    say(f"{name}: gcov kernel {d} (built in {meta.get('build_seconds')} s; "
        f"this step {time.monotonic() - t0:.1f} s)")
    return Kernel(name, Path(tree), patches, fragments, d, k.build, gcov)


# --- 2. the guests -------------------------------------------------------------

def compile_helper(name: str, build: Path) -> Path:
    src = HELPERS / f"{name}.c"
    exe = build / "coverage" / name
    if exe.exists() and exe.stat().st_mtime >= src.stat().st_mtime:
        return exe
    exe.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2",
           "-static", str(src), "-o", str(exe)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode:
        raise CoverageError(f"{' '.join(cmd)} failed:\n{done.stderr}")
    return exe


def our_suites(build: Path, selection: list[str] | None) -> list[Path]:
    suites = build / "suites"
    found = (sorted(p for p in suites.glob("*") if p.is_file() and os.access(p, os.X_OK))
             if suites.is_dir() else [])
    if not found:
        raise CoverageError(f"no suites in {suites}: run `make` first")
    if selection is None:
        return found
    by_name = {p.name: p for p in found}
    unknown = [s for s in selection if s not in by_name]
    if unknown:
        raise CoverageError(
            f"unknown suite(s) {', '.join(unknown)}; known: "
            + ", ".join(by_name))
    return [by_name[s] for s in selection]


def stage_llconform(stage: Path, suites: list[Path], dump: Path) -> list[str]:
    stage.mkdir(parents=True, exist_ok=True)
    for p in suites:
        shutil.copy2(p, stage / p.name)
    shutil.copy2(dump, stage / DUMP)
    return [p.name for p in suites] + [DUMP]


def stage_upstream(stage: Path, programs: dict[str, Path], helper: Path,
                   launcher: Path, dump: Path) -> list[str]:
    """Each upstream program as <name>.bin behind the launcher <name>;
    `true.bin` for ./true. The selection names only the launchers."""
    stage.mkdir(parents=True, exist_ok=True)
    shutil.copy2(helper, stage / "true.bin")
    if Path(BUSYBOX).is_file():  # /bin/sh and ip for net_test's system()
        shutil.copy2(BUSYBOX, stage / "busybox.bin")
    for name, exe in sorted(programs.items()):
        shutil.copy2(exe, stage / f"{name}.bin")
        shutil.copy2(launcher, stage / name)
    shutil.copy2(dump, stage / DUMP)
    return sorted(programs) + [DUMP]


def boot_sets(k: Kernel, stages: dict[str, tuple[Path, list[str]]],
              out: Path, cache: str | None, timeout: int) -> dict[str, Path]:
    """Boot one guest per set, at the same time; each set's guest dir."""

    def one(item: tuple[str, tuple[Path, list[str]]]) -> tuple[str, GuestResult | None]:
        label, (stage, programs) = item
        request = BootRequest(
            out=str(out / f"guest-{label}"), suites=str(stage), programs=programs, jobs=1,
            program_timeout=timeout, guest_timeout=max(1800, 3 * timeout),
            kernels=kernel_options(k.patches, k.fragments, cache, offline=True))
        say(f"{label}: booting {k.name} with {len(programs) - 1} program(s)")
        return label, next(iter(boot([k.name], request)), None)

    dirs: dict[str, Path] = {}
    with concurrent.futures.ThreadPoolExecutor(len(stages)) as pool:
        for label, guest in pool.map(one, stages.items()):
            st = guest.status if guest else "error"
            msg = guest.message if guest else "no result"
            say(f"{label}: guest {st}" + (f": {msg}" if msg else ""))
            found = sorted((out / f"guest-{label}").glob(f"*/{DUMP}.ktap"))
            if not found:
                raise CoverageError(
                    f"{label}: the guest gave no {DUMP} output ({st}: {msg})")
            dirs[label] = found[0].parent
    return dirs


# --- the gcov data on the results channel --------------------------------------

def decode_dump(text: str) -> dict[str, bytes]:
    """The .gcda files (path below the gcov root -> content) printed by
    gcov_dump; CoverageError if the kernel has no gcov or data is cut."""
    files: dict[str, bytes] = {}
    current: str | None = None
    size = 0
    chunks: list[bytes] = []
    ended = False

    def close() -> None:
        if current is None:
            return
        blob = b"".join(chunks)
        if len(blob) != size:
            raise CoverageError(
                f"gcov data of {current} cut short: {len(blob)} of {size} bytes")
        files[current] = blob

    for line in text.splitlines():
        if line.startswith("not ok 1 gcov_dump # no gcov"):
            raise CoverageError(
                "the kernel has no gcov support: " + line.split("# ", 1)[1])
        m = re.match(r"^# gcov-file (\S+) (\d+)$", line)
        if m:
            close()
            current, size, chunks = m.group(1), int(m.group(2)), []
            continue
        m = re.match(r"^# gcov-data (\S+)$", line)
        if m and current is not None:
            chunks.append(base64.b64decode(m.group(1)))
            continue
        if line.startswith("# gcov-end"):
            ended = True
    close()
    if not ended:
        raise CoverageError("the gcov dump did not finish (guest died or "
                            "timed out during it)")
    return files


def place_gcda(files: dict[str, bytes], work: str, dest: Path) -> int:
    """Write each .gcda below dest/ by its path in the build's out/ tree
    (the gcov root mirrors the absolute build directory)."""
    prefix = work.rstrip("/") + "/out/"
    n = 0
    for path, blob in files.items():
        rel = path[len(prefix):] if path.startswith(prefix) else None
        if rel is None:
            m = re.search(r"/out/(.+\.gcda)$", path)
            rel = m.group(1) if m else None
        if rel is None:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        n += 1
    return n


# --- 3. the report ----------------------------------------------------------------

def run_lcov(argv: list[str], what: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode:
        raise CoverageError(f"{what}: {' '.join(argv[:2])} failed "
                            f"(exit {done.returncode}):\n"
                            + "\n".join((done.stderr or done.stdout)
                                        .splitlines()[-15:]))
    return done.stdout


def ensure_deps() -> None:
    """lcov, libcap-dev (the upstream selftests), the kernel build's tools:
    installed as `make` does it (scripts/ensure-deps.sh names each and why)."""
    done = subprocess.run([str(REPO / "scripts" / "ensure-deps.sh"),
                           "coverage"])
    if done.returncode:
        raise CoverageError("missing Debian packages (see above)")


def ensure_lcov() -> None:
    if not (shutil.which("geninfo") and shutil.which("genhtml")):
        raise CoverageError(
            "lcov is missing: apt-get install --no-install-recommends lcov")


def tracefile(gcov_dir: Path, work: str, gcda: dict[str, bytes],
              scratch: Path, out: Path, test_name: str) -> None:
    """lcov tracefile of security/landlock from the notes kept by vm
    (gcov_dir/out, gcov_dir/src) and one guest's .gcda files."""
    objs = scratch / "out"
    shutil.copytree(gcov_dir / "out", objs)
    if not place_gcda(gcda, work, objs):
        raise CoverageError(
            f"{test_name}: no .gcda file of this build in the guest's data")
    raw = scratch / "raw.info"
    run_lcov(["geninfo", str(objs / LANDLOCK), "-q", "-o", str(raw),
              "-t", test_name, "--gcov-tool", "gcov", *LCOV_RC],
             f"{test_name}: geninfo")
    # gcov names the sources by their path at build time (the work tree
    # vm deleted); vm kept them in gcov_dir/src.
    src_prefix = work.rstrip("/") + "/src/"
    kept = str((gcov_dir / "src").resolve()) + "/"
    text = raw.read_text()
    text = re.sub(r"^SF:" + re.escape(src_prefix), "SF:" + kept, text,
                  flags=re.M)
    raw.write_text(text)
    run_lcov(["lcov", "-q", "--extract", str(raw), f"*/{LANDLOCK}/*",
              "-o", str(out), *LCOV_RC], f"{test_name}: lcov --extract")


@dataclass
class FileCov:
    lines: dict[int, int] = field(default_factory=dict)  # line -> hits
    functions: dict[str, tuple[int, int]] = field(default_factory=dict)
    branches: dict[tuple[int, str, str], int] = field(default_factory=dict)


def read_info(path: Path, strip: str = "") -> dict[str, FileCov]:
    """The DA, FN/FNDA and BRDA records of an lcov tracefile, per source
    file (named relative to `strip`)."""
    files: dict[str, FileCov] = {}
    cur = FileCov()
    starts: dict[str, int] = {}
    for line in path.read_text().splitlines():
        tag, _, rest = line.partition(":")
        if tag == "SF":
            name = rest[len(strip):] if strip and rest.startswith(strip) else rest
            cur = files.setdefault(name, FileCov())
            starts = {}
        elif tag == "DA":
            n, hits = rest.split(",")[:2]
            cur.lines[int(n)] = cur.lines.get(int(n), 0) + int(hits)
        elif tag == "FN":
            n, fname = rest.split(",", 1)
            starts[fname] = int(n)
            cur.functions.setdefault(fname, (int(n), 0))
        elif tag == "FNDA":
            hits, fname = rest.split(",", 1)
            start = starts.get(fname, cur.functions.get(fname, (0, 0))[0])
            cur.functions[fname] = (start, cur.functions.get(
                fname, (start, 0))[1] + int(hits))
        elif tag == "BRDA":
            n, block, branch, taken = rest.split(",")
            key = (int(n), block, branch)
            cur.branches[key] = cur.branches.get(key, 0) + (
                0 if taken == "-" else int(taken))
    return files


def pct(hit: int, found: int) -> float | None:
    return round(100.0 * hit / found, 1) if found else None


def figures(fc: FileCov | list[FileCov]) -> dict[str, Any]:
    many = fc if isinstance(fc, list) else [fc]
    lf = sum(len(f.lines) for f in many)
    lh = sum(1 for f in many for h in f.lines.values() if h)
    ff = sum(len(f.functions) for f in many)
    fh = sum(1 for f in many for _, h in f.functions.values() if h)
    bf = sum(len(f.branches) for f in many)
    bh = sum(1 for f in many for h in f.branches.values() if h)
    return {"lines": {"found": lf, "hit": lh, "percent": pct(lh, lf)},
            "functions": {"found": ff, "hit": fh, "percent": pct(fh, ff)},
            "branches": {"found": bf, "hit": bh, "percent": pct(bh, bf)}}


def function_at(fc: FileCov, line: int) -> str:
    """The function whose start is the nearest at or before `line`."""
    best, name = -1, "?"
    for fname, (start, _) in fc.functions.items():
        if best < start <= line:
            best, name = start, fname
    return name


def source_line(src_root: Path, rel: str, n: int) -> str:
    try:
        with open(src_root / rel, encoding="utf-8", errors="replace") as f:
            for i, text in enumerate(f, 1):
                if i == n:
                    return text.strip()
    except OSError:
        pass
    return ""


def uncovered(files: dict[str, FileCov], src_root: Path
              ) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for rel, fc in sorted(files.items()):
        rows = [{"line": n, "function": function_at(fc, n),
                 "text": source_line(src_root, rel, n)}
                for n, h in sorted(fc.lines.items()) if not h]
        if rows:
            out[rel] = rows
    return out


def only_in(a: dict[str, FileCov], b: dict[str, FileCov]
            ) -> dict[str, list[int]]:
    """Lines a covers and b does not, per file."""
    out: dict[str, list[int]] = {}
    for rel, fc in sorted(a.items()):
        other = b.get(rel, FileCov()).lines
        lines = sorted(n for n, h in fc.lines.items() if h and not other.get(n))
        if lines:
            out[rel] = lines
    return out


def _reached(fc: FileCov, n: int) -> bool | None:
    """Whether the error path at line n runs: the line's own count where
    gcc kept it apart; else (at -O2 a `return -ENOMEM;` often has no line
    record) whether fewer runs reached the next line than the check just
    before it: some left through the error path."""
    if n in fc.lines:
        return fc.lines[n] > 0
    before = next((m for m in range(n - 1, n - 4, -1) if m in fc.lines), None)
    after = next((m for m in range(n + 1, n + 9) if m in fc.lines), None)
    if before is None or after is None:
        return None
    return fc.lines[before] > fc.lines[after]


def enomem_paths(data: dict[str, dict[str, FileCov]], src_root: Path
                 ) -> list[dict[str, Any]]:
    """Every line of security/landlock that returns ENOMEM (the error paths
    of allocations) and which sets reach it: what the faults suite adds."""
    rows: list[dict[str, Any]] = []
    for rel in sorted({rel for files in data.values() for rel in files}):
        try:
            lines = (src_root / rel).read_text(errors="replace").splitlines()
        except OSError:
            continue
        for n, text in enumerate(lines, 1):
            if "ENOMEM" not in text:
                continue
            seen = {label: _reached(files[rel], n)
                    for label, files in data.items() if rel in files}
            if all(v is None for v in seen.values()):
                continue
            fc = next(files[rel] for files in data.values() if rel in files)
            rows.append({"file": rel, "line": n,
                         "function": function_at(fc, n),
                         "text": text.strip(),
                         "reached_by": sorted(k for k, v in seen.items()
                                              if v)})
    return rows


def summarize(infos: dict[str, Path], src_root: Path,
              meta: dict[str, Any]) -> dict[str, Any]:
    strip = str(src_root.resolve()) + "/"
    data = {label: read_info(p, strip) for label, p in infos.items()}
    summary: dict[str, Any] = {"schema": "llconform-coverage/1", **meta,
                               "sets": {}}
    for label, files in data.items():
        summary["sets"][label] = {
            "tracefile": infos[label].name,
            "total": figures(list(files.values())),
            "files": {rel: figures(fc) for rel, fc in sorted(files.items())},
            "uncovered": uncovered(files, src_root),
        }
    summary["enomem_paths"] = enomem_paths(data, src_root)
    if "llconform" in data and "upstream" in data:
        summary["only_llconform"] = only_in(data["llconform"],
                                            data["upstream"])
        summary["only_upstream"] = only_in(data["upstream"],
                                           data["llconform"])
    return summary


def table(summary: dict[str, Any]) -> str:
    """The markdown table of the totals (results/README.md, the console)."""
    rows = ["| tests | lines | functions | branches |",
            "|---|---|---|---|"]
    for label, s in summary["sets"].items():
        t = s["total"]
        rows.append(f"| {label} | " + " | ".join(
            f"{t[k]['percent']}% of {t[k]['found']}" for k in
            ("lines", "functions", "branches")) + " |")
    return "\n".join(rows)


def report(gcov_dir: Path, work: str, dumps: dict[str, dict[str, bytes]],
           out: Path, meta: dict[str, Any], html: bool = True
           ) -> dict[str, Any]:
    """Tracefiles <set>.info for each dump, both.info when there are two,
    coverage.json, html/<set>/; returns the summary."""
    ensure_lcov()
    out.mkdir(parents=True, exist_ok=True)
    infos: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="llconform-cov-") as tmp:
        for label, gcda in dumps.items():
            scratch = Path(tmp) / label
            scratch.mkdir()
            infos[label] = out / f"{label}.info"
            tracefile(gcov_dir, work, gcda, scratch, infos[label], label)
    if len(infos) > 1:
        both = out / "both.info"
        adds = [x for p in infos.values() for x in ("-a", str(p))]
        argv = ["lcov", "-q", *adds, "-o", str(both), *LCOV_RC]
        run_lcov(argv, "lcov -a")
        infos["both"] = both
    summary = summarize(infos, gcov_dir / "src", meta)
    if html:
        for label, p in infos.items():
            run_lcov(["genhtml", "-q", str(p), "-o", str(out / "html" / label),
                      "--branch-coverage", "--legend", "-t",
                      f"{label}: {meta.get('kernel', '')}",
                      "--prefix", str((gcov_dir / "src").resolve())],
                     f"{label}: genhtml")
        summary["html"] = {label: f"html/{label}/index.html" for label in infos}
    (out / "coverage.json").write_text(json.dumps(summary, indent=1) + "\n")
    return summary


def print_summary(summary: dict[str, Any], out: Path) -> None:
    print(table(summary))
    paths = summary.get("enomem_paths", [])
    print(f"allocation-failure paths (lines with ENOMEM): {len(paths)}, "
          + ", ".join(f"{label} reaches {sum(label in r['reached_by'] for r in paths)}"
                      for label in summary["sets"]))
    for label in ("only_llconform", "only_upstream"):
        lines = summary.get(label)
        if lines is None:
            continue
        n = sum(len(v) for v in lines.values())
        print(f"{label.replace('_', ' ')}: {n} line(s)"
              + "".join(f"\n  {f}: {', '.join(map(str, v))}"
                        for f, v in lines.items()))
    print(f"report: {out}/coverage.json, {out}/html/")


# --- the command -----------------------------------------------------------------

def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kernel", help="a src: kernel (src:debian-7.3, src:PATH)")
    p.add_argument("--patches", type=Path, help="DIR of *.patch to apply "
                   "before the gcov patch (e.g. the NO_INHERIT series)")
    p.add_argument("--config-fragment", action="append", default=[],
                   help="more Kconfig fragments (after coverage.config)")
    p.add_argument("--programs", help="our suites to run (a,b; default all)")
    p.add_argument("--no-upstream", action="store_true",
                   help="only our suites (no upstream.info, no both.info)")
    p.add_argument("--reuse-upstream", type=Path, metavar="RUN",
                   help="take the upstream selftests' gcov data from RUN "
                   "(an earlier results/<timestamp> of the same build) "
                   "instead of booting them again")
    p.add_argument("--build", type=Path, default=REPO / "build")
    p.add_argument("--results", type=Path, default=REPO / "results")
    p.add_argument("--cache", help="vm's cache (default $LLCONFORM_CACHE or "
                   "~/.cache/llconform)")
    p.add_argument("--build-jobs", type=int)
    p.add_argument("--program-timeout", type=int, default=900)
    p.add_argument("--no-html", action="store_true")


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except CoverageError as e:
        print(f"coverage: error: {e}", file=sys.stderr)
        return EXIT_OURS


def _run(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    ensure_deps()
    selection = args.programs.split(",") if args.programs else None
    suites = our_suites(args.build, selection)
    k = build_kernel(args.kernel, args.patches, args.config_fragment,
                     args.cache, args.build_jobs)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = args.results / stamp
    cov = out / "coverage"
    cov.mkdir(parents=True, exist_ok=True)
    dump = compile_helper("gcov_dump", args.build)
    stages: dict[str, tuple[Path, list[str]]] = {}
    stages["llconform"] = (out / "stage-llconform", stage_llconform(
        out / "stage-llconform", suites, dump))
    upstream_label = ""
    reused: dict[str, Path] = {}
    if args.reuse_upstream:
        reused["upstream"], upstream_label = reusable_upstream(
            args.reuse_upstream, k)
    elif not args.no_upstream:
        from .bench import BenchError
        from .bench_upstream import build_tree, obtain_tree
        try:
            tree = obtain_tree(args.kernel)
            up, _ = build_tree(tree, args.build)
        except BenchError as e:
            raise CoverageError(f"upstream selftests: {e}") from e
        if up.helper is None:
            raise CoverageError("upstream selftests: no `true` helper built")
        upstream_label = tree.label
        launcher = compile_helper("upstream_launch", args.build)
        stages["upstream"] = (out / "stage-upstream", stage_upstream(
            out / "stage-upstream", dict(up.programs), up.helper, launcher,
            dump))
    t_boot = time.monotonic()
    guests = boot_sets(k, stages, out, args.cache, args.program_timeout)
    boot_s = time.monotonic() - t_boot
    guests.update(reused)
    dumps = {label: decode_dump((d / f"{DUMP}.ktap").read_text(
        errors="replace")) for label, d in guests.items()}
    for label, d in guests.items():
        shutil.rmtree(out / f"stage-{label}", ignore_errors=True)
    meta = {
        "kernel": args.kernel,
        "build": {key: k.build.get(key) for key in
                  ("key", "kernelversion", "source", "patches",
                   "config_sha256")},
        "upstream_tree": upstream_label or None,
        "programs": {label: [p for p in stages[label][1] if p != DUMP]
                     for label in stages},
        "guests": {label: str(d) for label, d in guests.items()},
        "guest_status": {label: _guest_status(d) for label, d in
                         guests.items()},
        "boot_seconds": round(boot_s, 1),
    }
    summary = report(k.build_dir / "gcov", str(k.gcov["work"]), dumps, cov,
                     meta, html=not args.no_html)
    summary["seconds"] = round(time.monotonic() - t0, 1)
    (cov / "coverage.json").write_text(json.dumps(summary, indent=1) + "\n")
    latest = args.results / "latest-coverage"
    if latest.is_symlink() or not latest.exists():
        latest.unlink(missing_ok=True)
        latest.symlink_to(stamp)
    print_summary(summary, cov)
    return EXIT_OK


def reusable_upstream(run: Path, k: Kernel) -> tuple[Path, str]:
    """The upstream guest of an earlier run of the same build (its gcov
    data and label), so that iterating on our suites does not boot the
    upstream selftests again."""
    summary = run / "coverage" / "coverage.json"
    try:
        old = json.loads(summary.read_text())
    except (OSError, ValueError) as e:
        raise CoverageError(f"--reuse-upstream {run}: {summary}: {e}") from e
    if old.get("build", {}).get("key") != k.build.get("key"):
        raise CoverageError(
            f"--reuse-upstream {run}: another build "
            f"({old.get('build', {}).get('key')}, this one "
            f"{k.build.get('key')}): the counters would not match")
    found = sorted((run / "guest-upstream").glob(f"*/{DUMP}.ktap"))
    if not found:
        raise CoverageError(f"--reuse-upstream {run}: no upstream guest")
    say(f"upstream: reusing {found[0].parent}")
    return found[0].parent, str(old.get("upstream_tree") or "")


def _guest_status(d: Path) -> str:
    try:
        return str(json.loads((d / "guest.json").read_text()).get("status"))
    except (OSError, ValueError):
        return "unknown"
