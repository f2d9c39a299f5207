"""`llconform bench`: our suites against the upstream Landlock selftests.

Host part: builds every upstream `*_test.c` (and their `true` helper) from
the linux-source package our harness headers come from (build/kselftest/,
see harness/fetch-kselftest.sh), runs the whole upstream set and every one
of our programs in build/suites/ REPEAT times each on this kernel (rounds
interleaved, so that the load of the machine weighs on both sets alike), and
prints the sums of the median wall-clock times side by side with their ratio
(target: ours below a third of upstream), the per-program medians and the
outcome counts of each program's KTAP `# Totals:` line. An upstream program
that does not build is reported and left out of the sum.

The upstream selftests assert the ABI of their own tree, so on a kernel of
another ABI they report failures that are not deviations: the timing is the
point here, not their verdict.

Second host comparison (bench_upstream.py, unless --upstream-tree none):
the same against the selftests of a newer tree, by default Debian's newest
linux-source (src:debian-7.3), fetched and unpacked by the vm tool's own
source fetching (vm/source.py, as `./llconform fetch src:debian-7.3`) and
built into build/bench/upstream-<series>/; one run per program unless
--repeat is given (~45 s: their per-test timeouts fire on the ABI 8-11
features an ABI 7 kernel lacks; ~1 min in all with the build, plus a
one-time download of ~160 MiB when the tree is not in the vm cache). A
selftest of that tree that does not build is reported and left out; a tree
that cannot be obtained is reported and left out too, unless it was asked
for with --upstream-tree.

Guest part (bench_guests.py, unless --no-guests): boot times of the
catalogue's kernels under TCG, bare and with every suite.
"""

import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from vm.api import BootRequest

# (upstream selftest, our suite covering the same ground)
PAIRS: list[tuple[str, str]] = [("base_test", "base"), ("fs_test", "abi1_fs")]
TIMEOUT_S = 900
# Headers the selftests need from their own tree (the host's are older).
UAPI_HEADERS = ("linux/landlock.h", "linux/fs.h", "linux/mount.h")
TOTALS = re.compile(r"^# Totals: (.*)$", re.MULTILINE)
COUNT = re.compile(r"(\w+):(\d+)")
LIBCAP_WHY = (
    "the upstream selftests include <sys/capability.h> and link -lcap "
    "statically (libcap.a)"
)


class BenchError(Exception):
    """A setup problem, with a message that says what to do."""


@dataclass
class Timing:
    path: Path
    times: list[float] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)
    exit_codes: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None


def say(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --- building the upstream selftests -------------------------------------


def kselftest_source(ksrc: Path) -> tuple[str, str]:
    """The (package, version) named by build/kselftest/SOURCE."""
    source = ksrc / "SOURCE"
    if not source.is_file():
        raise BenchError(
            f"{source} is missing: run `make {source}` (it extracts the "
            "kselftest harness and the Landlock selftests from Debian's "
            "linux-source package)"
        )
    words = source.read_text().split()
    if len(words) != 2 or not words[0].startswith("linux-source-"):
        raise BenchError(f"{source}: expected 'linux-source-X.Y VERSION'")
    for name in ("base_test.c", "fs_test.c", "common.h"):
        if not (ksrc / "landlock" / name).is_file():
            raise BenchError(
                f"{ksrc}/landlock/{name} is missing: remove {ksrc} and "
                f"run `make {source}` again"
            )
    return words[0], words[1]


def have_libcap() -> bool:
    header = Path("/usr/include/sys/capability.h")
    found = subprocess.run(
        ["gcc", "-print-file-name=libcap.a"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return header.is_file() and os.path.isabs(found)


def ensure_uapi_headers(pkg: str, version: str, include: Path) -> None:
    """The UAPI headers of the selftests' own tree.

    The selftests use the UAPI of their tree (Landlock rights, newer fs
    ioctls), which is newer than the build host's linux-libc-dev: take those
    headers from the same linux-source tarball, as the kernel's Makefile
    would take them from its own `headers_install`.
    """
    stamp = include / "SOURCE"
    want = f"{pkg} {version} {' '.join(UAPI_HEADERS)}"
    if stamp.is_file() and stamp.read_text().strip() == want:
        if all((include / h).is_file() for h in UAPI_HEADERS):
            return
    series = pkg[len("linux-source-"):]
    tarball = Path(f"/usr/src/linux-source-{series}.tar.xz")
    if not tarball.is_file():
        raise BenchError(
            f"{tarball} is missing (from {pkg} {version}, which provided "
            f"build/kselftest): apt-get install --no-install-recommends {pkg}"
        )
    say(f"extracting {', '.join(UAPI_HEADERS)} from {tarball}")
    include.mkdir(parents=True, exist_ok=True)
    # "*/include/uapi/..." with * not matching "/": the tree's own headers,
    # not the copies under tools/.
    cmd = [
        "tar", "-xJf", str(tarball), "-C", str(include),
        "--strip-components=3", "--no-wildcards-match-slash", "--wildcards",
        *(f"*/include/uapi/{h}" for h in UAPI_HEADERS),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    missing = [h for h in UAPI_HEADERS if not (include / h).is_file()]
    if done.returncode != 0 or missing:
        raise BenchError(
            f"could not extract {', '.join(missing) or 'headers'} from "
            f"{tarball}: {done.stderr.strip()}"
        )
    stamp.write_text(want + "\n")


@dataclass
class Upstream:
    """The upstream programs that built, and those that did not (why)."""

    programs: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    helper: Path | None = None


def build_failure(name: str, cmd: list[str], stderr: str) -> str:
    """Why `name` did not build, in a few lines, with what to do."""
    errors = [ln.strip() for ln in stderr.splitlines() if "error" in ln]
    first = errors[:3] or stderr.strip().splitlines()[-3:]
    why = "; ".join(first) or "no compiler output"
    if "capability.h" in stderr or "-lcap" in stderr:
        why += (f" ({LIBCAP_WHY}: apt-get install --no-install-recommends "
                "libcap-dev)")
    elif "undefined reference" in stderr or "cannot find -l" in stderr:
        why += " (a library it needs is missing or not available statically)"
    return f"does not build: {why}\n      command: {' '.join(cmd)}"


def build_selftests(selftests: Path, include: Path, out: Path,
                    label: str) -> Upstream:
    """Every `landlock/*_test.c` under `selftests` (a tree's
    tools/testing/selftests, with its kselftest headers), and `true`,
    statically into `out`, with the UAPI headers of `include` first.

    A program that does not build is reported in `skipped` and left out;
    only `true` (fs_test's helper, 5 lines) failing is fatal.
    """
    landlock = selftests / "landlock"
    names = sorted(p.stem for p in landlock.glob("*_test.c"))
    if not names or not (landlock / "true.c").is_file():
        raise BenchError(f"{landlock}: no *_test.c or true.c there")
    if not have_libcap():
        say(f"warning: libcap-dev is missing ({LIBCAP_WHY}): the upstream "
            "selftests will not build; `make bench` installs it")
    sources = [*landlock.glob("*.h"), selftests / "kselftest_harness.h",
               selftests / "kselftest.h", *include.rglob("*.h")]
    newest = max(p.stat().st_mtime for p in sources if p.is_file())
    result = Upstream()
    # `true` is fs_test's helper: it copies ./true to test execution.
    for name in ["true", *names]:
        src = landlock / f"{name}.c"
        exe = out / name
        if not (exe.exists() and exe.stat().st_mtime >= max(
            newest, src.stat().st_mtime
        )):
            # As the selftests' Makefile (lib.mk: -I of the selftests
            # directory for the harness), plus -static like our suites.
            cmd = [
                "gcc", "-Wall", "-O2", "-static",
                "-isystem", str(include),
                "-I", str(landlock), "-I", str(selftests),
                str(src), "-o", str(exe),
            ]
            if name != "true":
                cmd += ["-lcap", "-lpthread"]
            say(f"building upstream {name} ({label})")
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                exe.unlink(missing_ok=True)
                why = build_failure(name, cmd, done.stderr)
                if name == "true":
                    raise BenchError(f"building {name} of {label} failed: "
                                     f"{why}")
                say(f"skipping upstream {name} ({label}): {why}")
                result.skipped[name] = why
                continue
        if name == "true":
            result.helper = exe
        else:
            result.programs[name] = exe
    if not result.programs:
        raise BenchError(
            f"no selftest of {label} built: "
            + "; ".join(f"{n} {w}" for n, w in result.skipped.items())
        )
    return result


def build_upstream(build: Path) -> Upstream:
    """The selftests of build/kselftest (our harness headers' tree)."""
    ksrc = build / "kselftest"
    pkg, version = kselftest_source(ksrc)
    out = build / "bench" / "upstream"
    include = out / "include"
    ensure_uapi_headers(pkg, version, include)
    return build_selftests(ksrc, include, out, f"{pkg} {version}")


# --- running and timing --------------------------------------------------


def parse_totals(ktap: str) -> dict[str, int]:
    """Counts of the last `# Totals: pass:N fail:N ...` line, or {}."""
    found = TOTALS.findall(ktap)
    if not found:
        return {}
    return {k: int(v) for k, v in COUNT.findall(found[-1])}


def run_once(
    timing: Timing, workdir: Path, helpers: Sequence[Path] = ()
) -> None:
    """One timed run of `timing.path`, added to `timing`."""
    path = timing.path
    if timing.error:
        return
    if not path.is_file() or not os.access(path, os.X_OK):
        timing.error = f"{path} does not exist or is not executable"
        return
    # A fresh directory each run: fs_test works in ./tmp and runs ./true,
    # as from its own build directory.
    cwd = Path(tempfile.mkdtemp(prefix=f"{path.name}.", dir=workdir))
    for helper in helpers:
        shutil.copy2(helper, cwd / helper.name)
    start = time.perf_counter()
    try:
        # Its own process group: a timeout kills its forked tests too.
        proc = subprocess.Popen(
            [str(path.resolve())],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            out, _ = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            timing.error = f"{path} timed out after {TIMEOUT_S} s"
            return
    finally:
        elapsed = time.perf_counter() - start
        shutil.rmtree(cwd, ignore_errors=True)
    timing.times.append(elapsed)
    timing.exit_codes.append(proc.returncode)
    timing.totals = parse_totals(out.decode(errors="replace"))
    if not timing.totals:
        timing.error = f"{path}: no '# Totals:' line in its output"


def time_program(
    path: Path, repeat: int, workdir: Path, helpers: Sequence[Path] = ()
) -> Timing:
    timing = Timing(path)
    for _ in range(repeat):
        run_once(timing, workdir, helpers)
    return timing


def time_sets(
    upstream: Upstream, ours: Sequence[Path], repeat: int, workdir: Path,
    after_upstream: Callable[[Timing], None] | None = None,
) -> tuple[list[Timing], list[Timing]]:
    """REPEAT rounds; each round runs every upstream and every own program
    once, so a burst of load on the machine hits both sets alike.
    `after_upstream` is called after each upstream run (untimed)."""
    helpers = [upstream.helper] if upstream.helper else []
    up = [Timing(p) for p in upstream.programs.values()]
    our = [Timing(p) for p in ours]
    for r in range(repeat):
        say(f"round {r + 1}/{repeat}: {len(up)} upstream program(s), "
            f"{len(our)} of ours")
        for t in up:
            run_once(t, workdir, helpers)
            if after_upstream:
                after_upstream(t)
        for t in our:
            run_once(t, workdir)
    return up, our


def our_programs(build: Path) -> list[Path]:
    suites = build / "suites"
    found = sorted(p for p in suites.glob("*")
                   if p.is_file() and os.access(p, os.X_OK))
    if not found:
        raise BenchError(f"no programs in {suites}: run `make B={build}`")
    return found


def kernel_abi(build: Path) -> str:
    llabi = build / "llabi"
    if llabi.is_file():
        done = subprocess.run(
            [str(llabi), "--probe"], capture_output=True, text=True
        )
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return f"unknown ({llabi} missing)"


def scratch_fs() -> str:
    """Where our suites make their per-test trees, and its filesystem."""
    shm_ok = os.access("/dev/shm", os.W_OK | os.X_OK)
    tmp = os.environ.get("TMPDIR") or ("/dev/shm" if shm_ok else "/tmp")
    done = subprocess.run(
        ["stat", "-f", "-c", "%T", tmp], capture_output=True, text=True
    )
    return f"{tmp} ({done.stdout.strip() or 'unknown filesystem'})"


# --- report --------------------------------------------------------------


def load() -> str:
    """The machine's load average and cores: other work skews wall times."""
    try:
        avg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        avg = "?"
    return f"load average {avg} on {os.cpu_count() or '?'} core(s)"


# --- report --------------------------------------------------------------


def fmt_time(t: float | None) -> str:
    return "-" if t is None else f"{t:8.3f}s"


def fmt_totals(totals: dict[str, int]) -> str:
    if not totals:
        return "-"
    return " ".join(f"{k}:{v}" for k, v in totals.items() if v)


def total_time(timings: Sequence[Timing]) -> float | None:
    medians = [t.median for t in timings]
    if not medians or any(m is None for m in medians):
        return None
    return sum(m for m in medians if m is not None)


def sum_totals(timings: Sequence[Timing]) -> dict[str, int]:
    summed: dict[str, int] = {}
    for t in timings:
        for k, v in t.totals.items():
            summed[k] = summed.get(k, 0) + v
    return summed


def fmt_ratio(a: float | None, b: float | None) -> str:
    return f"{b / a:5.2f}x" if a and b is not None else "  -"


def whole_sets(
    upstream: list[Timing], ours: list[Timing], source: str,
    skipped: dict[str, str],
) -> None:
    """The sums of both sets, their ratio and the target's verdict."""
    a, b = total_time(upstream), total_time(ours)
    print("whole sets (sum of the per-program medians):")
    head = f"  {'set':<42}{'programs':>9}{'time':>11}  outcomes"
    print(head)
    print("  " + "-" * (len(head) - 2 + 30))
    print(f"  {'upstream selftests (' + source.split()[0] + ')':<42}"
          f"{len(upstream):>9}{fmt_time(a):>11}  "
          f"{fmt_totals(sum_totals(upstream))}")
    print(f"  {'ours (build/suites/*)':<42}{len(ours):>9}{fmt_time(b):>11}"
          f"  {fmt_totals(sum_totals(ours))}")
    if a and b is not None:
        verdict = "met" if b / a < 1 / 3 else "MISSED"
        print(f"  ratio ours/upstream: {b / a:.3f} (target < 0.333: "
              f"{verdict}; upstream/ours: {a / b:.2f}x)")
    else:
        print("  ratio ours/upstream: - (a program could not be timed)")
    if skipped:
        print(f"  not in the upstream sum (did not build): "
              f"{', '.join(sorted(skipped))}")
    print()


def name_width(upstream: list[Timing], ours: list[Timing],
               skipped: dict[str, str]) -> int:
    return max(len(n) for n in [
        *(t.path.name for t in [*upstream, *ours]), *skipped
    ]) + 1


def per_program(
    upstream: list[Timing], ours: list[Timing], skipped: dict[str, str]
) -> None:
    """Every program, the two sets side by side."""
    print("per program (median), side by side:")
    width = name_width(upstream, ours, skipped)
    col = width + 10 + 2 + 34
    head = (f"  {'upstream':<{width}}{'time':>10}  {'outcomes':<34}"
            f"| {'ours':<{width}}{'time':>10}  outcomes")
    print(head)
    print("  " + "-" * (len(head) - 2))
    rows = max(len(upstream), len(ours))
    for i in range(rows):
        left = " " * col
        if i < len(upstream):
            u = upstream[i]
            left = (f"{u.path.name:<{width}}{fmt_time(u.median):>10}  "
                    f"{fmt_totals(u.totals):<34}")
        right = ""
        if i < len(ours):
            o = ours[i]
            right = (f"{o.path.name:<{width}}{fmt_time(o.median):>10}  "
                     f"{fmt_totals(o.totals)}")
        print(f"  {left}| {right}")
    for name in sorted(skipped):
        print(f"  {name:<{width}}{'skipped':>10}  (did not build, see below)")
    print()


def outcomes(
    upstream: list[Timing], ours: list[Timing], skipped: dict[str, str]
) -> None:
    """Every program's counts, exit codes and run times, and the skips."""
    width = name_width(upstream, ours, skipped)
    print("outcomes (from each program's KTAP '# Totals:' line):")
    for t in [*upstream, *ours]:
        runs = " ".join(f"{x:.3f}" for x in t.times) or "-"
        codes = sorted(set(t.exit_codes))
        line = f"  {t.path.name:<{width}} {fmt_totals(t.totals):<40}"
        line += f" exit {','.join(map(str, codes)) or '-'}  runs [{runs}]"
        print(line)
        if t.error:
            print(f"    error: {t.error}")
    for name, why in sorted(skipped.items()):
        print(f"  {name:<{width}} skipped: {why}")
    print()


def abi_note(source: str) -> None:
    print(
        "note: the upstream selftests assert the ABI and errata of their own "
        f"tree ({source}), not those this kernel reports: on a kernel of "
        "another ABI or with other errata fixed, their failures are "
        "expected and are not deviations of this kernel. Our suites assert "
        "what the kernel reports."
    )


def report(
    upstream: list[Timing], ours: list[Timing], repeat: int, source: str,
    kernel: str, skipped: dict[str, str], loads: tuple[str, str],
) -> None:
    print(f"kernel: {os.uname().release}, llabi --probe: {kernel}")
    print(f"upstream selftests: {source}; median of {repeat} run(s) per "
          "program, wall clock, rounds interleaved")
    print(f"our suites' scratch directory: {scratch_fs()} (upstream fs_test "
          "mounts a tmpfs in ./tmp)")
    print(f"machine: {loads[0]} before, {loads[1]} after")
    print()

    whole_sets(upstream, ours, source, skipped)
    per_program(upstream, ours, skipped)

    # The pairs covering the same ground.
    print("pairs covering the same ground:")
    head = f"  {'upstream':<12}{'time':>10}  {'ours':<10}{'time':>10}  ratio"
    print(head)
    print("  " + "-" * (len(head) - 2))
    by_name = {t.path.name: t for t in [*upstream, *ours]}
    for up_name, our_name in PAIRS:
        pu, po = by_name.get(up_name), by_name.get(our_name)
        ua = pu.median if pu else None
        ob = po.median if po else None
        print(f"  {up_name:<12}{fmt_time(ua):>10}  {our_name:<10}"
              f"{fmt_time(ob):>10}  {fmt_ratio(ua, ob)}")
    print("  (ratio = ours / upstream; below 1 means ours is faster)")
    print()

    outcomes(upstream, ours, skipped)
    abi_note(source)


def report_tree(
    upstream: list[Timing], ours: list[Timing], repeat: int, name: str,
    source: str, out: Path, skipped: dict[str, str],
    loads: tuple[str, str], spent: float,
) -> None:
    """The second comparison: the selftests of --upstream-tree."""
    print(f"=== upstream selftests of {name}: {source} ===")
    print(f"built in {out}/ with that tree's kselftest harness and UAPI "
          "headers; median of "
          f"{repeat} run(s) per program, wall clock, rounds interleaved with "
          "a new run of ours")
    print(f"machine: {loads[0]} before, {loads[1]} after; this comparison "
          f"took {spent:.0f} s (build and runs)")
    print()
    whole_sets(upstream, ours, source, skipped)
    per_program(upstream, ours, skipped)
    outcomes(upstream, ours, skipped)
    abi_note(source)


def run(build: Path, repeat: int | None, upstream_tree: str | None,
        host: bool, guests: bool, kernels: list[str],
        request: "BootRequest", guest_runs: int = 1) -> int:
    """The whole bench; `upstream_tree` None: the default tree, reported
    and left out when it cannot be obtained; "none": no tree comparison."""
    from . import bench_upstream

    explicit = upstream_tree is not None
    tree: str | None = upstream_tree or bench_upstream.DEFAULT_TREE
    if tree == "none":
        tree = None
    status = 0
    if host:
        status = host_part(build, repeat or 3)
        if tree:
            print()
            status = max(status, tree_part(build, tree, repeat or 1,
                                           explicit))
    if guests:
        from . import bench_guests
        print()
        status = max(status, bench_guests.run(build, kernels, request,
                                              guest_runs))
    return status


def host_part(build: Path, repeat: int) -> int:
    try:
        upstream = build_upstream(build)
        pkg, version = kselftest_source(build / "kselftest")
        ours = our_programs(build)
    except BenchError as e:
        say(f"error: {e}")
        return 1

    workdir = build / "bench" / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    before = load()
    up_t, our_t = time_sets(upstream, ours, repeat, workdir)
    report(up_t, our_t, repeat, f"{pkg} {version}", kernel_abi(build),
           upstream.skipped, (before, load()))
    failed = [t for t in [*up_t, *our_t] if t.error]
    return 1 if failed else 0


def tree_part(build: Path, name: str, repeat: int, explicit: bool) -> int:
    """Our suites against the selftests of the vm source tree `name`.

    A tree that cannot be obtained or built fails the bench when asked for
    with --upstream-tree; by default it is reported and left out.
    """
    from . import bench_upstream

    start = time.perf_counter()
    try:
        tree = bench_upstream.obtain_tree(name)
        upstream, out = bench_upstream.build_tree(tree, build)
        ours = our_programs(build)
    except BenchError as e:
        if explicit:
            say(f"error: {e}")
            return 1
        say(f"warning: left out the comparison with {name}: {e}")
        print(f"upstream selftests of {name}: not compared ({e}); "
              "`--upstream-tree none` skips this comparison")
        return 0
    workdir = build / "bench" / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    cleared: list[str] = []

    def clear_audit(t: Timing) -> None:
        cleared.extend(f"{r} after {t.path.name}"
                       for r in bench_upstream.clear_audit_rules(out))

    before = load()
    up_t, our_t = time_sets(upstream, ours, repeat, workdir, clear_audit)
    report_tree(up_t, our_t, repeat, name, tree.label, out,
                upstream.skipped, (before, load()),
                time.perf_counter() - start)
    if cleared:
        print("audit: deleted the audit rule(s) a timed-out upstream test "
              "left on this host (they silence every other program's audit "
              f"records, ours included): {'; '.join(cleared)}")
    failed = [t for t in [*up_t, *our_t] if t.error]
    return 1 if failed else 0
