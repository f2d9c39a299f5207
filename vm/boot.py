"""Booting kernels with the suites: `boot(names, BootRequest)` yields a
`GuestResult` per kernel as each guest finishes (and writes its guest.json).

The host row (`host`, `host@USER`) runs the same init in its --host mode,
without QEMU, with the same timeouts and the same classification.
"""

from __future__ import annotations

import concurrent.futures
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Iterator

from . import cache, console, framing, guestinit, initramfs, modules, packages, qemu
from .catalogue import Kernel
from .fetch import Image
from .guest import GuestProgram, GuestResult, Times
from .kernels import OBTAIN_ERRORS, KernelOptions, Kernels

# Seconds one suite program may run, in a guest and on the host alike.
PROGRAM_TIMEOUT = 600


@dataclass
class BootRequest:
    """How to boot: everything but the kernels' names."""

    out: str  # one folder per kernel, summary.json
    suites: str | None = None  # directory of static programs (None: a bare boot)
    programs: list[str] | None = None  # selection (None: all)
    init: str | None = None  # a prebuilt static guest_init (None: built into the cache)
    program_timeout: int = PROGRAM_TIMEOUT
    boot_timeout: float = 60.0
    guest_timeout: float = 1800.0
    jobs: int = os.cpu_count() or 1
    accel: str = "auto"  # auto | kvm | tcg
    machine: str = "auto"  # auto (microvm, pc as the fallback) | microvm | pc
    append: list[str] = field(default_factory=list)
    memory_mb: int = 512
    qemu: str | None = None  # None: $LLCONFORM_QEMU or qemu-system-x86_64
    compression: str = "none"  # initramfs: none | xz | gzip (none unpacks fastest)
    # Extra files for the guest: (host path, absolute guest path), as they are.
    files: list[tuple[str, str]] = field(default_factory=list)
    kernels: KernelOptions = field(default_factory=KernelOptions)


@dataclass
class _Run:
    """A request made concrete: the init located, QEMU chosen."""

    request: BootRequest
    init: str
    qemu: str

    @property
    def out(self) -> str:
        return self.request.out

    def limits(self) -> dict[str, float]:
        r = self.request
        return {
            "boot": r.boot_timeout,
            "guest": r.guest_timeout,
            "program": float(r.program_timeout),
        }


def log(msg: str) -> None:
    print(f"vm: {msg}", file=sys.stderr, flush=True)


def suite_programs(suites: str | None) -> list[str]:
    if not suites:
        return []
    if not os.path.isdir(suites):
        raise RuntimeError(f"suites directory {suites} does not exist")
    return sorted(
        os.path.join(suites, n)
        for n in os.listdir(suites)
        if not n.startswith(".")
        and os.path.isfile(os.path.join(suites, n))
        and os.access(os.path.join(suites, n), os.X_OK)
    )


def classify(
    rc: int | None,
    killed: str | None,
    report: console.ConsoleReport,
    results: framing.Results,
    limits: dict[str, float],
) -> tuple[str, str | None, str, int | None]:
    """(status, timeout level, message, console line to show) of one guest."""
    panic = report.first({"panic"})
    if panic:
        where = f" while {panic.program} ran" if panic.program else ""
        return "panic", None, f"kernel panic{where}: {panic.text}", panic.line
    crash = report.first(console.CRASH_KINDS)
    if crash:
        where = f" while {crash.program} ran" if crash.program else ""
        return "crashed", None, f"{crash.kind}{where}: {crash.text}", crash.line
    if killed == "boot":
        return (
            "timeout",
            "boot",
            f"the guest did not reach /init within {limits['boot']:.0f} s (killed)",
            None,
        )
    if killed == "guest":
        running = next((p.name for p in results.programs if not p.ended), None)
        extra = f" ({running} still running)" if running else ""
        return (
            "timeout",
            "guest",
            f"the guest outlived its {limits['guest']:.0f} s wall-clock limit{extra} (killed)",
            None,
        )
    if not results.started:
        return "crashed", None, f"the guest ended (QEMU status {rc}) without reaching /init", None
    if not results.done:
        running = next((p.name for p in results.programs if not p.ended), None)
        extra = f" during {running}" if running else ""
        return (
            "crashed",
            None,
            f"the guest ended (QEMU status {rc}){extra} before /init finished",
            None,
        )
    timed_out = [p.name for p in results.programs if p.timeout]
    if timed_out:
        return (
            "timeout",
            "program",
            f"program timeout ({limits['program']:.0f} s): {', '.join(timed_out)}",
            None,
        )
    warn = report.first({"warning"})
    tainted = [p.name for p in results.programs if p.tainted]
    if warn or tainted:
        what = f"{warn.text}" if warn else ""
        if tainted:
            what += ("; " if what else "") + "kernel taint changed during " + ", ".join(tainted)
        return "tainted", None, what, warn.line if warn else None
    return "ok", None, "", None


def kernel_failed(
    status: str, report: console.ConsoleReport, results: framing.Results, qemu_stderr: str | None
) -> bool:
    """Whether a guest that did not finish failed because of its kernel: it
    crashed (panic, Oops, BUG, KASAN, hung task, ...) or died or hung after
    /init started, and QEMU itself reported no error.  A boot that never
    reached /init (no initramfs, a corrupt image, no init found) stays our
    side's failure, like a missing QEMU or a failed download (status error)."""
    if status not in ("panic", "crashed", "timeout") or not (
        report.init_started or results.started
    ):
        return False
    if report.first({"panic"} | console.CRASH_KINDS):
        return True
    return not (qemu_stderr or "").strip()


def write_programs(
    out: str, results: framing.Results, report: console.ConsoleReport
) -> list[GuestProgram]:
    progs = []
    for p in results.programs:
        path = os.path.join(out, f"{p.name}.ktap")
        cache.write_atomic(path, p.ktap.encode())
        faults = [f for f in report.faults if f.program == p.name]
        progs.append(GuestProgram.from_framing(p, os.path.basename(path), faults))
    return progs


def _started(k: Kernel) -> GuestResult:
    return GuestResult(
        kernel=k.name, folder=k.slug, status="error", kernel_info=k.describe(), expected=k.expected
    )


def error_result(k: Kernel | None, name: str, out_root: str, message: str) -> GuestResult:
    """A kernel that could not run: resolved or not, its guest.json says why."""
    if k is not None:
        res = _started(k)
    else:
        slug = Kernel(name, "?", {}).slug
        res = GuestResult(kernel=name, folder=slug, status="error")
    res.message = message
    os.makedirs(os.path.join(out_root, res.folder), exist_ok=True)
    res.write(out_root)
    log(f"{name}: error: {message}")
    return res


def finish(
    k: Kernel,
    run: _Run,
    res: GuestResult,
    console_text: str,
    results_text: str,
    rc: int | None,
    killed: str | None,
) -> GuestResult:
    out = os.path.join(run.out, res.folder)
    report = console.analyse(console_text)
    results = framing.parse(results_text)
    status, level, message, line = classify(rc, killed, report, results, run.limits())
    qemu_said = (res.qemu_stderr or "").strip().splitlines()
    if status != "ok" and qemu_said:
        message += f"; QEMU said: {qemu_said[-1]}"
    if results.missing:
        message += ("; " if message else "") + "no such program: " + ", ".join(results.missing)
    res.status, res.timeout_level, res.message = status, level, message
    res.kernel_failed = level not in ("boot", "program") and kernel_failed(
        status, report, results, res.qemu_stderr
    )
    res.uname = results.uname or report.uname
    res.programs = write_programs(out, results, report)
    res.missing_programs = results.missing
    res.faults = report.faults
    res.console_excerpt = console.excerpt(console_text, line) if status != "ok" else ""
    res.write(run.out)
    shown = f"{status}" + (f" ({level})" if level else "") + (f": {message}" if message else "")
    log(f"{k.name}: {shown}")
    return res


def boot_guest(k: Kernel, img: Image, initrd: str, run: _Run, accel: str) -> GuestResult:
    r = run.request
    out = os.path.join(r.out, k.slug)
    os.makedirs(out, exist_ok=True)
    append = [
        *qemu.BASE_APPEND,
        *qemu.clock_append(run.init, accel),
        f"llconform.timeout={r.program_timeout}",
        *k.append,
        *r.append,
    ]
    if r.programs is not None:
        append.append("llconform.programs=" + ",".join(r.programs))
    machines = [("microvm", img.vmlinux)] if img.vmlinux and img.meta.get("pvh") else []
    if img.bzimage:
        machines.append(("pc", img.bzimage))
    if r.machine != "auto":
        machines = [m for m in machines if m[0] == r.machine]
    if not machines:
        return error_result(k, k.name, r.out, "no bootable image")
    console_path = os.path.join(out, "console.log")
    results_path = os.path.join(out, "results.log")
    # The kernel's own modules the guest needs (vm/modules.py), if cached.
    mods = os.path.join(os.path.dirname(machines[0][1]), "modules")
    if os.path.exists(os.path.join(mods, "loop.ko")):
        initrd = modules.initrd_with_modules(initrd, mods)
    for i, (machine, image) in enumerate(machines):
        boot = qemu.Boot(
            kernel=image,
            initrd=initrd,
            results=results_path,
            append=append,
            machine=machine,
            accel=accel,
            memory_mb=r.memory_mb,
            qemu=run.qemu,
        )
        log(f"{k.name}: booting: {boot.command_line()}")
        o = qemu.run(boot, console_path, r.boot_timeout, r.guest_timeout)
        console_text = _read(console_path)
        if o.killed == "boot" and not console_text.strip() and i + 1 < len(machines):
            log(
                f"{k.name}: no console output at all on {machine}; "
                f"retrying with -M {machines[i + 1][0]}"
            )
            continue
        break
    res = _started(k)
    res.machine, res.accel, res.image = machine, accel, image
    res.qemu_command = boot.command_line()
    res.qemu_exit = o.returncode
    res.qemu_stderr = o.qemu_stderr.strip()
    res.times = Times(
        boot_to_init=_r(o.t_init),
        boot_to_first_program=_r(o.t_first_program),
        boot_to_done=_r(o.t_done),
        total=_r(o.t_total),
    )
    return finish(k, run, res, console_text, _read(results_path), o.returncode, o.killed)


def host_argv(k: Kernel, run: _Run, suites: str, init: str | None = None) -> list[str]:
    """The host row's command: the init in its --host mode, as k.user if set."""
    r = run.request
    argv = [init or run.init, "--host", "--timeout", str(r.program_timeout)]
    if r.programs is not None:
        argv += ["--programs", ",".join(r.programs)]
    argv.append(os.path.abspath(suites))
    if k.user:
        entry = pwd.getpwnam(k.user)
        argv = [
            "setpriv",
            f"--reuid={entry.pw_uid}",
            f"--regid={entry.pw_gid}",
            "--clear-groups",
            "--",
            *argv,
        ]
    return argv


def _readable_copy(init: str, suites: str, tmp: str) -> tuple[str, str]:
    """Copies of the init and the programs in `tmp`, for a user who may not
    reach the build tree (a clone under /root, mode 0700, on a fresh
    machine)."""
    dst = os.path.join(tmp, "llconform-bin")
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(os.path.join(dst, "suites"))
    shutil.copy(init, os.path.join(dst, "init"))
    for name in sorted(os.listdir(suites)):
        src = os.path.join(suites, name)
        if os.path.isfile(src):
            shutil.copy(src, os.path.join(dst, "suites", name))
    for root, dirs, files in os.walk(dst):
        for n in dirs + files:
            os.chmod(os.path.join(root, n), 0o755)
    os.chmod(dst, 0o755)
    return os.path.join(dst, "init"), os.path.join(dst, "suites")


def run_host(k: Kernel, run: _Run) -> GuestResult:
    """The host row: the same init, in its --host mode, without QEMU."""
    r = run.request
    out = os.path.join(r.out, k.slug)
    os.makedirs(out, exist_ok=True)
    if k.user:
        packages.ensure_packages(["setpriv"])
    argv = host_argv(k, run, r.suites or _empty_dir(out))
    results_path = os.path.join(out, "results.log")
    console_path = os.path.join(out, "console.log")
    start = time.monotonic()
    killed = None
    # A private TMPDIR that any user may write: a program killed by the
    # timeout leaves nothing behind.
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="llconform-", dir=parent) as tmp:
        os.chmod(tmp, 0o1777)
        env = dict(os.environ, TMPDIR=tmp)
        if k.user:
            where = tmp if not os.statvfs(tmp).f_flag & os.ST_NOEXEC else out
            init, suites = _readable_copy(run.init, r.suites or _empty_dir(out), where)
            argv = host_argv(k, run, suites, init)
        log(f"{k.name}: running: {' '.join(argv)}")
        with open(results_path, "wb") as res_f, open(console_path, "wb") as con_f:
            proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=res_f,
                stderr=con_f,
                env=env,
                start_new_session=True,
            )
            try:
                proc.wait(timeout=r.guest_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                killed = "guest"
    total = time.monotonic() - start
    res = _started(k)
    res.machine = "host"
    res.init_exit = None if killed else proc.returncode
    res.command = argv
    res.times = Times(boot_to_init=0.0, total=_r(total))
    return finish(k, run, res, _read(console_path), _read(results_path), 1, killed)


def probe_kvm(cache_root: str, img: Image, run: _Run) -> bool:
    """True if a KVM guest reaches /init and exits cleanly within seconds (cached per host boot)."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK) or not (img.vmlinux and img.meta.get("pvh")):
        return False
    boot_id = _read("/proc/sys/kernel/random/boot_id").strip()
    stamp = os.path.join(cache_root, "kvm-probe.json")
    known = cache.read_json(stamp)
    if (
        isinstance(known, dict)
        and known.get("boot_id") == boot_id
        and known.get("qemu") == run.qemu
    ):
        return bool(known["ok"])
    d = os.path.join(cache_root, "kvm-probe")
    os.makedirs(d, exist_ok=True)
    initrd = os.path.join(d, "initrd")
    cache.write_atomic(initrd, initramfs.build(run.init, []))
    boot = qemu.Boot(
        kernel=img.vmlinux,
        initrd=initrd,
        results=os.path.join(d, "results.log"),
        append=[*qemu.BASE_APPEND, "llconform.programs="],
        accel="kvm",
        qemu=run.qemu,
    )
    log("probing KVM with a short boot: " + boot.command_line())
    o = qemu.run(boot, os.path.join(d, "console.log"), 8.0, 15.0)
    ok = o.returncode == 1 and framing.parse(_read(boot.results)).done
    log(
        f"KVM {'works' if ok else 'does not work here'}"
        + ("" if ok else f" (QEMU status {o.returncode}, killed: {o.killed}); using TCG")
    )
    cache.write_json_atomic(stamp, {"boot_id": boot_id, "qemu": run.qemu, "ok": ok})
    return ok


def _prepare(request: BootRequest, cache_root: str) -> _Run:
    """The init and QEMU of a request (RuntimeError, packages.MissingTool)."""
    if not request.init:
        packages.ensure_packages(["gcc"])
    init = guestinit.locate(cache_root, request.init)
    return _Run(request, init, request.qemu or qemu.QEMU)


def boot(names: list[str], request: BootRequest) -> Iterator[GuestResult]:
    """Resolves, obtains and boots every kernel of `names`, `request.jobs`
    at a time; yields each kernel's result as soon as it is known (those that
    cannot be resolved or obtained first).  Every result is in
    request.out/<folder>/guest.json, and all of them, in the order of
    `names`, in request.out/summary.json once the iterator is exhausted."""
    os.makedirs(request.out, exist_ok=True)
    kernels = Kernels(request.kernels)
    done: dict[str, GuestResult] = {}

    def report(result: GuestResult) -> GuestResult:
        done[result.kernel] = result
        return result

    try:
        run = _prepare(request, kernels.cache)
        suite_programs(request.suites)
    except (RuntimeError, packages.MissingTool) as e:
        for name in names:
            yield report(error_result(None, name, request.out, str(e)))
        _summary(request.out, names, done)
        return
    ready: list[tuple[Kernel, Image | None]] = []
    for name in names:
        k: Kernel | None = None
        try:
            k = kernels.resolve(name)
            img = kernels.obtain(k)
        except OBTAIN_ERRORS as e:
            yield report(error_result(k, name, request.out, str(e)))
            continue
        if img is not None:
            log(f"{name}: {k.krel or k.path or k.source} {k.version or ''} -> "
                f"{img.vmlinux or img.bzimage}")
        ready.append((k, img))
    for result in run_all(ready, run, kernels.cache):
        yield report(result)
    _summary(request.out, names, done)


def _summary(out: str, names: list[str], done: dict[str, GuestResult]) -> None:
    ordered = [done[n].to_json() for n in names if n in done]
    cache.write_json_atomic(os.path.join(out, "summary.json"), ordered)


def run_all(
    jobs: list[tuple[Kernel, Image | None]], run: _Run, cache_root: str
) -> Iterator[GuestResult]:
    """Boots every (kernel, image) pair, `jobs` at a time, as each finishes."""
    r = run.request
    progs = suite_programs(r.suites)
    initrd = ""
    guests = [(k, img) for k, img in jobs if k.kind != "host"]
    accel = "tcg"
    if guests and shutil.which(run.qemu) is None and not r.qemu:
        try:
            packages.ensure_packages(["qemu-system-x86_64"])
        except packages.MissingTool as e:
            log(f"error: {e}")
    if guests and shutil.which(run.qemu) is None:
        for k, _ in jobs:
            if k.kind == "host":
                yield run_host(k, run)
            else:
                yield error_result(
                    k,
                    k.name,
                    r.out,
                    f"QEMU ({run.qemu}) is not installed: "
                    "apt-get install -y --no-install-recommends qemu-system-x86",
                )
        return
    if guests:
        initrd = initramfs.build_cached(run.init, progs, r.compression, cache_root, r.files)
        log(f"initramfs {initrd}: {len(progs)} program(s), {os.path.getsize(initrd) >> 10} KiB")
        if r.accel == "kvm":
            accel = "kvm"
        elif r.accel == "auto":
            img0 = next((img for _, img in guests if img is not None), None)
            if img0 is not None and probe_kvm(cache_root, img0, run):
                accel = "kvm"

    # The host rows share one kernel (ports, audit, namespaces): one at a time.
    host_lock = threading.Lock()

    def one(item: tuple[Kernel, Image | None]) -> GuestResult:
        k, img = item
        try:
            if k.kind == "host":
                with host_lock:
                    return run_host(k, run)
            assert img is not None
            return boot_guest(k, img, initrd, run, accel)
        except Exception as e:  # noqa: BLE001 - one broken guest must not hide the others
            return error_result(k, k.name, r.out, f"{type(e).__name__}: {e}")

    known = guest_seconds(cache_root)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, r.jobs)) as pool:
        futures = [pool.submit(one, item) for item in longest_first(jobs, known)]
        for future in concurrent.futures.as_completed(futures):
            res = future.result()
            if res.times.total is not None and res.status != "error":
                known[res.kernel] = res.times.total
            yield res
    cache.write_json_atomic(os.path.join(cache_root, GUEST_SECONDS), known)


GUEST_SECONDS = "guest-seconds.json"


def guest_seconds(cache_root: str) -> dict[str, float]:
    """Each kernel's wall time in its last run (for the scheduling)."""
    known = cache.read_json(os.path.join(cache_root, GUEST_SECONDS))
    if not isinstance(known, dict):
        return {}
    return {k: float(v) for k, v in known.items() if isinstance(v, (int, float))}


def longest_first(
    jobs: list[tuple[Kernel, Image | None]], known: dict[str, float]
) -> list[tuple[Kernel, Image | None]]:
    """The guests whose last run took longest start first, the never-timed
    ones before all (they may be long): the last guests to start are short
    ones, so N workers end close together (wall ~ sum of times / N)."""
    return sorted(jobs, key=lambda j: -known.get(j[0].name, float("inf")))


def _empty_dir(out: str) -> str:
    d = os.path.join(out, ".no-suites")
    os.makedirs(d, exist_ok=True)
    return d


def _read(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return ""


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 3)
