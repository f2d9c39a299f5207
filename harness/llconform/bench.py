"""`llconform bench`: our suites against the upstream Landlock selftests.

Builds the kernel's own `base_test` and `fs_test` from the linux-source
package our harness headers come from (build/kselftest/, see
harness/fetch-kselftest.sh), runs them and our `base` + `abi1_fs` suites
REPEAT times each on this kernel and prints the median wall-clock times side
by side, with the outcome counts of each program's KTAP `# Totals:` line.

The upstream selftests assert the ABI of their own tree, so on a kernel of
another ABI they report failures that are not deviations: the timing is the
point here, not their verdict.
"""

import argparse
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
from typing import Dict, List, Optional, Sequence, Tuple

# (upstream selftest, our suite covering the same ground)
PAIRS: List[Tuple[str, str]] = [("base_test", "base"), ("fs_test", "abi1_fs")]
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
    times: List[float] = field(default_factory=list)
    totals: Dict[str, int] = field(default_factory=dict)
    exit_codes: List[int] = field(default_factory=list)
    error: Optional[str] = None

    @property
    def median(self) -> Optional[float]:
        return statistics.median(self.times) if self.times else None


def say(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --- building the upstream selftests -------------------------------------


def kselftest_source(ksrc: Path) -> Tuple[str, str]:
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


def ensure_libcap() -> None:
    """`make bench` installs libcap-dev (scripts/ensure-deps.sh)."""
    if not have_libcap():
        raise BenchError(
            f"libcap-dev is missing ({LIBCAP_WHY}): run 'make bench', which "
            "installs it, or apt-get install --no-install-recommends "
            "libcap-dev"
        )


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


def build_upstream(build: Path) -> Dict[str, Path]:
    ksrc = build / "kselftest"
    pkg, version = kselftest_source(ksrc)
    out = build / "bench" / "upstream"
    include = out / "include"
    ensure_libcap()
    ensure_uapi_headers(pkg, version, include)
    sources = sorted((ksrc / "landlock").glob("*.h")) + [
        ksrc / "kselftest_harness.h",
        ksrc / "kselftest.h",
        *(include / h for h in UAPI_HEADERS),
    ]
    newest = max(p.stat().st_mtime for p in sources)
    programs: Dict[str, Path] = {}
    # `true` is fs_test's helper: it copies ./true to test execution.
    for name in [*(up for up, _ in PAIRS), "true"]:
        src = ksrc / "landlock" / f"{name}.c"
        exe = out / name
        programs[name] = exe
        if exe.exists() and exe.stat().st_mtime >= max(
            newest, src.stat().st_mtime
        ):
            continue
        # As the selftests' Makefile, plus -static to match our suites.
        cmd = [
            "gcc", "-Wall", "-O2", "-static",
            "-isystem", str(include),
            "-I", str(ksrc / "landlock"),
            str(src), "-o", str(exe), "-lcap", "-lpthread",
        ]
        say(f"building upstream {name} ({pkg} {version})")
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(
                f"building {name} failed:\n  {' '.join(cmd)}\n"
                + done.stderr.strip()
            )
    return programs


# --- running and timing --------------------------------------------------


def parse_totals(ktap: str) -> Dict[str, int]:
    """Counts of the last `# Totals: pass:N fail:N ...` line, or {}."""
    found = TOTALS.findall(ktap)
    if not found:
        return {}
    return {k: int(v) for k, v in COUNT.findall(found[-1])}


def time_program(
    path: Path, repeat: int, workdir: Path, helpers: Sequence[Path] = ()
) -> Timing:
    timing = Timing(path)
    if not path.is_file() or not os.access(path, os.X_OK):
        timing.error = f"{path} does not exist or is not executable"
        return timing
    for _ in range(repeat):
        # A fresh directory each run: fs_test works in ./tmp and runs
        # ./true, as from its own build directory.
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
                return timing
        finally:
            elapsed = time.perf_counter() - start
            shutil.rmtree(cwd, ignore_errors=True)
        timing.times.append(elapsed)
        timing.exit_codes.append(proc.returncode)
        timing.totals = parse_totals(out.decode(errors="replace"))
        if not timing.totals:
            timing.error = f"{path}: no '# Totals:' line in its output"
    return timing


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


def fmt_time(t: Optional[float]) -> str:
    return "-" if t is None else f"{t:8.3f}s"


def fmt_totals(totals: Dict[str, int]) -> str:
    if not totals:
        return "-"
    return " ".join(f"{k}:{v}" for k, v in totals.items() if v)


def total_time(timings: Sequence[Timing]) -> Optional[float]:
    medians = [t.median for t in timings]
    if any(m is None for m in medians):
        return None
    return sum(m for m in medians if m is not None)


def report(
    upstream: List[Timing], ours: List[Timing], repeat: int, source: str,
    kernel: str,
) -> None:
    print(f"kernel: {os.uname().release}, llabi --probe: {kernel}")
    print(f"upstream selftests: {source}; median of {repeat} run(s), "
          "wall clock")
    print(f"our suites' scratch directory: {scratch_fs()} (upstream fs_test "
          "mounts a tmpfs in ./tmp)")
    print()
    head = f"{'upstream':<12}{'time':>10}  {'ours':<10}{'time':>10}  ratio"
    print(head)
    print("-" * len(head))
    rows = list(zip(PAIRS, upstream, ours)) + [
        (("total", "total"), None, None)
    ]
    for (up_name, our_name), up, our in rows:
        if up is None or our is None:
            a, b = total_time(upstream), total_time(ours)
        else:
            a, b = up.median, our.median
        ratio = f"{b / a:5.2f}x" if a and b is not None else "  -"
        print(f"{up_name:<12}{fmt_time(a):>10}  {our_name:<10}"
              f"{fmt_time(b):>10}  {ratio}")
    print("(ratio = ours / upstream; below 1 means ours is faster)")
    print()
    print("outcomes (from each program's KTAP '# Totals:' line):")
    for t in [*upstream, *ours]:
        runs = " ".join(f"{x:.3f}" for x in t.times) or "-"
        codes = sorted(set(t.exit_codes))
        line = f"  {t.path.name:<10} {fmt_totals(t.totals):<40}"
        line += f" exit {','.join(map(str, codes)) or '-'}  runs [{runs}]"
        print(line)
        if t.error:
            print(f"    error: {t.error}")
    print()
    print(
        "note: the upstream selftests assert the ABI and errata of their own "
        f"tree ({source}), not those this kernel reports: on a kernel of "
        "another ABI or with other errata fixed, their failures are "
        "expected and are not deviations of this kernel. Our suites assert "
        "what the kernel reports."
    )


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="llconform bench",
        description="Time the upstream Landlock selftests (base_test, "
        "fs_test) against our suites (base, abi1_fs) on this kernel.",
    )
    parser.add_argument("--build", default="build", type=Path,
                        help="build directory (default: build)")
    parser.add_argument("--repeat", default=3, type=int,
                        help="runs per program; the median is shown "
                        "(default: 3)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    build: Path = args.build

    try:
        upstream_paths = build_upstream(build)
        pkg, version = kselftest_source(build / "kselftest")
    except BenchError as e:
        say(f"error: {e}")
        return 1

    ours_paths = [build / "suites" / ours for _, ours in PAIRS]
    missing = [p for p in ours_paths if not p.is_file()]
    for p in missing:
        say(f"error: our suite {p} is missing: run `make B={build} {p}` "
            "(timing the rest)")

    workdir = build / "bench" / "work"
    workdir.mkdir(parents=True, exist_ok=True)
    upstream: List[Timing] = []
    ours: List[Timing] = []
    for (up_name, _), our_path in zip(PAIRS, ours_paths):
        say(f"running {up_name} x{args.repeat}")
        upstream.append(
            time_program(
                upstream_paths[up_name], args.repeat, workdir,
                [upstream_paths["true"]],
            )
        )
        if our_path.is_file():
            say(f"running {our_path.name} x{args.repeat}")
        ours.append(time_program(our_path, args.repeat, workdir))

    report(upstream, ours, args.repeat, f"{pkg} {version}",
           kernel_abi(build))
    failed = [t for t in [*upstream, *ours] if t.error]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
