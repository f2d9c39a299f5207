"""Booting kernels with the suites and turning what came out into guest.json."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import cache, console, framing, initramfs, qemu
from .catalogue import Kernel
from .fetch import Image

INFRA = {"panic", "crashed", "timeout-boot", "timeout-guest", "error"}


@dataclass
class Options:
    out: str
    init: str
    suites: str | None = None
    programs: list[str] | None = None  # selection (None: all)
    program_timeout: int = 600
    boot_timeout: float = 60.0
    guest_timeout: float = 1800.0
    jobs: int = os.cpu_count() or 1
    accel: str = "auto"  # auto | kvm | tcg
    machine: str = "auto"  # auto (microvm, pc as the fallback) | microvm | pc
    append: list[str] = field(default_factory=list)
    memory_mb: int = 512
    qemu: str = qemu.QEMU
    compression: str = "xz"  # initramfs: xz | gzip | none
    # Called with each guest's result as soon as it is known (progress).
    on_done: Callable[[dict[str, Any]], None] | None = None


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


def exit_class(status: str, level: str | None) -> str:
    return f"{status}-{level}" if status == "timeout" and level else status


def exit_code(results: list[dict[str, Any]]) -> int:
    """0: every guest ok; 2: an infrastructure failure anywhere;
    1: findings only (tainted, program timeout)."""
    classes = [exit_class(r["status"], r.get("timeout_level")) for r in results]
    if any(c in INFRA for c in classes) or any(r.get("missing_programs") for r in results):
        return 2
    return 0 if all(c == "ok" for c in classes) else 1


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


def write_programs(
    out: str, results: framing.Results, report: console.ConsoleReport
) -> list[dict[str, Any]]:
    progs = []
    for p in results.programs:
        path = os.path.join(out, f"{p.name}.ktap")
        cache.write_atomic(path, p.ktap.encode())
        j = p.to_json()
        j["ktap"] = os.path.basename(path)
        j["faults"] = [f.to_json() for f in report.faults if f.program == p.name]
        progs.append(j)
    return progs


def _base_json(k: Kernel) -> dict[str, Any]:
    return {"kernel": k.name, "kernel_info": k.describe(), "expected": k.expected}


def error_result(
    k: Kernel | None, name: str, out_root: str, message: str, slug: str | None = None
) -> dict[str, Any]:
    res: dict[str, Any] = (
        _base_json(k) if k else {"kernel": name, "kernel_info": None, "expected": None}
    )
    res.update(status="error", timeout_level=None, message=message, programs=[])
    out = os.path.join(out_root, slug or (k.slug if k else name.replace("/", "_")))
    os.makedirs(out, exist_ok=True)
    res["folder"] = os.path.basename(out)
    cache.write_json_atomic(os.path.join(out, "guest.json"), res)
    log(f"{name}: error: {message}")
    return res


def finish(
    k: Kernel,
    out: str,
    res: dict[str, Any],
    console_text: str,
    results_text: str,
    rc: int | None,
    killed: str | None,
    limits: dict[str, float],
) -> dict[str, Any]:
    report = console.analyse(console_text)
    results = framing.parse(results_text)
    status, level, message, line = classify(rc, killed, report, results, limits)
    qemu_said = (res.get("qemu_stderr") or "").strip().splitlines()
    if status != "ok" and qemu_said:
        message += f"; QEMU said: {qemu_said[-1]}"
    if results.missing:
        message += ("; " if message else "") + "no such program: " + ", ".join(results.missing)
    res.update(
        status=status,
        timeout_level=level,
        message=message,
        uname=results.uname or report.uname,
        programs=write_programs(out, results, report),
        missing_programs=results.missing,
        faults=[f.to_json() for f in report.faults],
        console_excerpt=console.excerpt(console_text, line) if status != "ok" else "",
    )
    res["folder"] = os.path.basename(out)
    cache.write_json_atomic(os.path.join(out, "guest.json"), res)
    shown = f"{status}" + (f" ({level})" if level else "") + (f": {message}" if message else "")
    log(f"{k.name}: {shown}")
    return res


def boot_guest(k: Kernel, img: Image, initrd: str, opts: Options, accel: str) -> dict[str, Any]:
    out = os.path.join(opts.out, k.slug)
    os.makedirs(out, exist_ok=True)
    append = [
        *qemu.BASE_APPEND,
        f"llconform.timeout={opts.program_timeout}",
        *k.append,
        *opts.append,
    ]
    if opts.programs is not None:
        append.append("llconform.programs=" + ",".join(opts.programs))
    machines = [("microvm", img.vmlinux)] if img.vmlinux and img.meta.get("pvh") else []
    if img.bzimage:
        machines.append(("pc", img.bzimage))
    if opts.machine != "auto":
        machines = [m for m in machines if m[0] == opts.machine]
    if not machines:
        return error_result(k, k.name, opts.out, "no bootable image")
    limits = {
        "boot": opts.boot_timeout,
        "guest": opts.guest_timeout,
        "program": float(opts.program_timeout),
    }
    console_path = os.path.join(out, "console.log")
    results_path = os.path.join(out, "results.log")
    for i, (machine, image) in enumerate(machines):
        boot = qemu.Boot(
            kernel=image,
            initrd=initrd,
            results=results_path,
            append=append,
            machine=machine,
            accel=accel,
            memory_mb=opts.memory_mb,
            qemu=opts.qemu,
        )
        log(f"{k.name}: booting: {boot.command_line()}")
        o = qemu.run(boot, console_path, opts.boot_timeout, opts.guest_timeout)
        console_text = _read(console_path)
        if o.killed == "boot" and not console_text.strip() and i + 1 < len(machines):
            log(
                f"{k.name}: no console output at all on {machine}; "
                f"retrying with -M {machines[i + 1][0]}"
            )
            continue
        break
    res = _base_json(k)
    res.update(
        machine=machine,
        accel=accel,
        qemu_command=boot.command_line(),
        qemu_exit=o.returncode,
        qemu_stderr=o.qemu_stderr.strip(),
        image=image,
        times={
            "boot_to_init": _r(o.t_init),
            "boot_to_first_program": _r(o.t_first_program),
            "boot_to_done": _r(o.t_done),
            "total": _r(o.t_total),
        },
    )
    return finish(k, out, res, console_text, _read(results_path), o.returncode, o.killed, limits)


def run_host(k: Kernel, opts: Options) -> dict[str, Any]:
    """The host row: the same init, in its --host mode, without QEMU."""
    out = os.path.join(opts.out, k.slug)
    os.makedirs(out, exist_ok=True)
    argv = [opts.init, "--host", "--timeout", str(opts.program_timeout)]
    if opts.programs is not None:
        argv += ["--programs", ",".join(opts.programs)]
    suites = opts.suites or _empty_dir(out)
    argv.append(os.path.abspath(suites))
    results_path = os.path.join(out, "results.log")
    console_path = os.path.join(out, "console.log")
    log(f"{k.name}: running: {' '.join(argv)}")
    start = time.monotonic()
    killed = None
    with open(results_path, "wb") as res_f, open(console_path, "wb") as con_f:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=res_f, stderr=con_f, start_new_session=True
        )
        try:
            proc.wait(timeout=opts.guest_timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            killed = "guest"
    total = time.monotonic() - start
    limits = {
        "boot": opts.boot_timeout,
        "guest": opts.guest_timeout,
        "program": float(opts.program_timeout),
    }
    res = _base_json(k)
    res.update(
        machine="host",
        accel=None,
        qemu_command=None,
        qemu_exit=None,
        init_exit=None if killed else proc.returncode,
        command=argv,
        times={"boot_to_init": 0.0, "boot_to_first_program": None, "total": _r(total)},
    )
    return finish(k, out, res, _read(console_path), _read(results_path), 1, killed, limits)


def probe_kvm(cache_root: str, img: Image, init: str, opts: Options) -> bool:
    """True if a KVM guest reaches /init and exits cleanly within seconds (cached per host boot)."""
    if not os.access("/dev/kvm", os.R_OK | os.W_OK) or not (img.vmlinux and img.meta.get("pvh")):
        return False
    boot_id = _read("/proc/sys/kernel/random/boot_id").strip()
    stamp = os.path.join(cache_root, "kvm-probe.json")
    known = cache.read_json(stamp)
    if (
        isinstance(known, dict)
        and known.get("boot_id") == boot_id
        and known.get("qemu") == opts.qemu
    ):
        return bool(known["ok"])
    d = os.path.join(cache_root, "kvm-probe")
    os.makedirs(d, exist_ok=True)
    initrd = os.path.join(d, "initrd")
    cache.write_atomic(initrd, initramfs.build(init, []))
    boot = qemu.Boot(
        kernel=img.vmlinux,
        initrd=initrd,
        results=os.path.join(d, "results.log"),
        append=[*qemu.BASE_APPEND, "llconform.programs="],
        accel="kvm",
        qemu=opts.qemu,
    )
    log("probing KVM with a short boot: " + boot.command_line())
    o = qemu.run(boot, os.path.join(d, "console.log"), 8.0, 15.0)
    ok = o.returncode == 1 and framing.parse(_read(boot.results)).done
    log(
        f"KVM {'works' if ok else 'does not work here'}"
        + ("" if ok else f" (QEMU status {o.returncode}, killed: {o.killed}); using TCG")
    )
    cache.write_json_atomic(stamp, {"boot_id": boot_id, "qemu": opts.qemu, "ok": ok})
    return ok


def run_all(
    jobs: list[tuple[Kernel, Image | None]], opts: Options, cache_root: str
) -> list[dict[str, Any]]:
    """Boot every (kernel, image) pair, `opts.jobs` at a time."""
    os.makedirs(opts.out, exist_ok=True)
    progs = suite_programs(opts.suites)
    initrd = ""
    guests = [(k, img) for k, img in jobs if k.kind != "host"]
    accel = "tcg"
    if guests:
        if shutil.which(opts.qemu) is None:
            return [
                error_result(
                    k,
                    k.name,
                    opts.out,
                    f"QEMU ({opts.qemu}) is not installed: "
                    "apt-get install -y --no-install-recommends qemu-system-x86",
                )
                if k.kind != "host"
                else run_host(k, opts)
                for k, _ in jobs
            ]
        initrd = initramfs.build_cached(opts.init, progs, opts.compression, cache_root)
        log(f"initramfs {initrd}: {len(progs)} program(s), {os.path.getsize(initrd) >> 10} KiB")
        if opts.accel == "kvm":
            accel = "kvm"
        elif opts.accel == "auto":
            img0 = next((img for _, img in guests if img is not None), None)
            if img0 is not None and probe_kvm(cache_root, img0, opts.init, opts):
                accel = "kvm"

    def one(item: tuple[Kernel, Image | None]) -> dict[str, Any]:
        k, img = item
        try:
            if k.kind == "host":
                return run_host(k, opts)
            assert img is not None
            return boot_guest(k, img, initrd, opts, accel)
        except Exception as e:  # noqa: BLE001 - one broken guest must not hide the others
            return error_result(k, k.name, opts.out, f"{type(e).__name__}: {e}")

    def reported(item: tuple[Kernel, Image | None]) -> dict[str, Any]:
        result = one(item)
        if opts.on_done:
            opts.on_done(result)
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        return list(pool.map(reported, jobs))


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
