"""python3 -m vm {list,fetch,build,boot}: kernels and guests for llconform."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from typing import Any, Callable

from . import build, cache, catalogue, fetch, packages, run, source
from .apt import AptState
from .catalogue import CatalogueError, Kernel, NotServed
from .mirrors import system_mirrors

FETCH_TOOLS = ["apt-get", "dpkg-deb", "zstd", "lz4"]
# Seconds one suite program may run, in a guest and on the host alike.
PROGRAM_TIMEOUT = 600


class Context:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.cache = cache.cache_dir(args.cache)
        self.cat = catalogue.load()
        try:
            mirrors = system_mirrors()
        except RuntimeError as e:
            print(f"vm: warning: {e}", file=sys.stderr)
            mirrors = None
        self.apt = AptState(self.cache, self.cat["archive"], mirrors)
        self.updated = False
        self.refreshed = False

    def lists(self, force: bool = False) -> None:
        if self.args.offline or self.apt.mirrors is None or (self.updated and not force):
            return
        if force or self.args.refresh:
            self.apt.ensure_lists(force=True)
            self.refreshed = True
        else:
            self.apt.ensure_lists()
        self.updated = True

    def resolve(self, name: str) -> Kernel:
        def attempt() -> Kernel:
            return catalogue.resolve(
                name,
                self.cat,
                self.apt.index(),
                self.args.expect_abi,
                self.args.expect_errata,
                fetch.cached_metas(self.cache),
                patches=self.args.patches,
                fragments=self.args.config_fragment or [],
                cached_sources=source.cached_sources(self.cache),
            )

        base = name[: -len(catalogue.NOLANDLOCK)] if name.endswith(catalogue.NOLANDLOCK) else name
        if base == "host" or base.startswith("file:") or (
            base.startswith("src:") and not base.startswith("src:debian-")
        ):
            return attempt()
        self.lists()
        try:
            return attempt()
        except NotServed:
            # A miss: the lists may predate the build asked for; refresh them once.
            if self.args.offline or self.apt.mirrors is None or self.refreshed:
                raise
            print(f"vm: {name} is not in the package lists; refreshing them", file=sys.stderr)
            self.lists(force=True)
            return attempt()


def _hex(v: int | None) -> str:
    return "-" if v is None else f"{v:#x}"


def _last(cache_root: str, name: str, version: str | None) -> str:
    """The last run's word on this kernel, and which build it was about."""
    found = cache.last_result(cache_root, name)
    if not found:
        return "-"
    if found.get("version") != version:
        return f"{found['text']} (on {found.get('version')})"
    return str(found["text"])


def cmd_list(ctx: Context) -> int:
    names = ctx.args.names or catalogue.entry_names(ctx.cat)
    rows = []
    for name in names:
        try:
            k = ctx.resolve(name)
        except CatalogueError as e:
            rows.append([name, "-", "-", "-", "-", "-", str(e)])
            continue
        exp_ = k.expected
        cached = "yes" if fetch.is_cached(ctx.cache, k) else ("n/a" if k.kind != "debian" else "no")
        if k.kind == "src":
            try:
                found = build.lookup(k, ctx.cache)
            except build.BuildError as e:  # e.g. an unreadable fragment
                found, cached = None, f"error: {e}"
            if found is not None:
                cached = f"built {found[0]}" if found[1] else f"not built ({found[0]})"
            elif not cached.startswith("error"):
                cached = "no source"
        exp = (
            exp_["status"]
            if exp_["status"] != "enabled"
            else f"abi {exp_['abi']} errata {_hex(exp_['errata'])}"
            + ("?" if exp_.get("errata_source") == "series" else "")
        )
        rows.append(
            [
                name,
                k.version or "-",
                k.krel or k.path or "-",
                k.suite or "-",
                "+".join(
                    p.name.split("-")[1] + ("-unsigned" if "unsigned" in p.name else "")
                    for p in k.packages[:1]
                )
                or "-",
                cached,
                exp,
                _last(ctx.cache, name, k.version),
            ]
        )
    header = ["name", "version", "kernel release", "suite", "package", "cached", "expected",
              "last probed"]
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header) - 1)]
    for r in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)) + "  " + str(r[-1]))
    print(
        "(expected errata marked ? are the series' newest build's; errata change within a series)"
    )
    return 0


def resolve_and_fetch(
    ctx: Context, names: list[str], boot_dir: str | None = None, build_src: bool = True
) -> tuple[list[tuple[Kernel, fetch.Image | None]], list[dict[str, Any]]]:
    """Resolve and fetch every name; src: kernels are built (or, with build_src=False,
    only their source is fetched and the image is None)."""
    ok: list[tuple[Kernel, fetch.Image | None]] = []
    failed: list[dict[str, Any]] = []
    for name in names:
        try:
            k = ctx.resolve(name)
        except CatalogueError as e:
            failed.append(_fail(name, None, str(e), boot_dir))
            continue
        if k.kind == "host":
            ok.append((k, None))
            continue
        if k.kind == "src":
            try:
                if not build_src:
                    if k.packages:
                        packages.ensure_packages(FETCH_TOOLS[:2] + ["xz"])
                    tree, _ = source.obtain(k, ctx.apt, ctx.cache)
                    print(f"vm: {name}: source tree {tree}", file=sys.stderr)
                    ok.append((k, None))
                    continue
                if k.packages:
                    packages.ensure_packages(FETCH_TOOLS[:2] + ["xz"])
                img = build.ensure_built(k, ctx.apt, ctx.cache, ctx.args.build_jobs)
                ok.append((k, img))
                print(f"vm: {name}: {img.vmlinux or img.bzimage}", file=sys.stderr)
            except (build.BuildError, source.SourceError, packages.MissingTool, OSError) as e:
                failed.append(_fail(name, k, str(e), boot_dir))
            continue
        try:
            if k.kind == "debian" and not fetch.is_cached(ctx.cache, k):
                packages.ensure_packages(FETCH_TOOLS)
            img = fetch.fetch(k, ctx.apt, ctx.cache)
            ok.append((k, img))
            print(
                f"vm: {name}: {k.krel or k.path} {k.version or ''} -> {img.vmlinux or img.bzimage}",
                file=sys.stderr,
            )
        except (fetch.FetchError, packages.MissingTool, RuntimeError, OSError) as e:
            failed.append(_fail(name, k, str(e), boot_dir))
    return ok, failed


def _fail(name: str, k: Kernel | None, msg: str, boot_dir: str | None) -> dict[str, Any]:
    if boot_dir:
        return run.error_result(
            k, name, boot_dir, msg, k.slug if k else catalogue.Kernel(name, "?", {}).slug
        )
    print(f"vm: {name}: error: {msg}", file=sys.stderr)
    return {"kernel": name, "status": "error", "message": msg}


def cmd_fetch(ctx: Context) -> int:
    ok, failed = resolve_and_fetch(ctx, ctx.args.names, build_src=False)
    for k, img in ok:
        print(
            f"{k.name}\t{k.version or '-'}\t{k.krel or '-'}\t"
            f"{(img.vmlinux or img.bzimage) if img else '-'}"
        )
    return 2 if failed else 0


def cmd_build(ctx: Context) -> int:
    """Build src: kernels (or find them in the cache); print where the images are."""
    bad = [n for n in ctx.args.names if not n.startswith("src:")]
    if bad:
        print(f"vm: error: build takes src: kernels only, not {', '.join(bad)}", file=sys.stderr)
        return 2
    t = time.monotonic()
    ok, failed = resolve_and_fetch(ctx, ctx.args.names)
    for k, img in ok:
        assert img is not None
        b = k.build
        print(
            f"{k.name}\t{b.get('kernelversion')}\tkey {b.get('key')}\t"
            f"config {str(b.get('config_sha256'))[:12]}\t{img.vmlinux or img.bzimage}\t"
            f"bzImage {img.meta.get('vmlinuz_size', 0) >> 10} KiB"
        )
    print(f"vm: build: {time.monotonic() - t:.1f} s", file=sys.stderr)
    return 2 if failed else 0


def cmd_boot(
    ctx: Context, on_done: Callable[[dict[str, Any]], None] | None = None
) -> int:
    a = ctx.args
    os.makedirs(a.out, exist_ok=True)
    try:
        if not a.init:
            packages.ensure_packages(["gcc"])
        from . import guestinit

        init = guestinit.locate(ctx.cache, a.init)
    except (RuntimeError, packages.MissingTool) as e:
        print(f"vm: error: {e}", file=sys.stderr)
        return 2
    qemu_bin = a.qemu or run.qemu.QEMU
    needs_qemu = any(n != "host" for n in a.names)
    if needs_qemu and not a.qemu and shutil.which(qemu_bin) is None:
        try:
            packages.ensure_packages(["qemu-system-x86_64"])
        except packages.MissingTool as e:
            print(f"vm: error: {e}", file=sys.stderr)
    opts = run.Options(
        out=a.out,
        init=init,
        suites=a.suites,
        programs=a.programs.split(",") if a.programs is not None else None,
        program_timeout=a.program_timeout,
        boot_timeout=a.boot_timeout,
        guest_timeout=a.guest_timeout,
        jobs=a.jobs,
        accel=a.accel,
        append=a.append or [],
        memory_mb=a.memory,
        qemu=qemu_bin,
        compression=a.initramfs_compression,
        machine=a.machine,
        on_done=on_done,
    )
    try:
        run.suite_programs(a.suites)
    except RuntimeError as e:
        print(f"vm: error: {e}", file=sys.stderr)
        return 2
    ok, failed = resolve_and_fetch(ctx, a.names, a.out)
    if on_done:
        for result in failed:
            on_done(result)
    results = run.run_all(ok, opts, ctx.cache) if ok else []
    by_name = {r["kernel"]: r for r in results + failed}
    ordered = [by_name[n] for n in a.names if n in by_name]
    cache.write_json_atomic(os.path.join(a.out, "summary.json"), ordered)
    if on_done:  # the caller reports each kernel itself
        return run.exit_code(ordered)
    print(f"{'kernel':24} {'status':18} {'uname -r':30} {'init s':>7} {'total s':>8}  message")
    for r in ordered:
        t = r.get("times") or {}
        st = r["status"] + (f"({r['timeout_level']})" if r.get("timeout_level") else "")
        print(
            f"{r['kernel']:24} {st:18} {str(r.get('uname') or '-'):30} "
            f"{_num(t.get('boot_to_init')):>7} {_num(t.get('total')):>8}  {r.get('message') or ''}"
        )
    return run.exit_code(ordered)


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:.2f}"


def _int(text: str) -> int:
    return int(text, 0)


def add_cache_options(p: argparse.ArgumentParser) -> None:
    """Where kernels are cached and whether the package lists may update."""
    p.add_argument(
        "--cache", help="kernel cache (default $LLCONFORM_CACHE or ~/.cache/llconform)"
    )
    p.add_argument("--offline", action="store_true", help="never update the package lists")
    p.add_argument("--refresh", action="store_true", help="update the package lists first")


def add_kernel_options(p: argparse.ArgumentParser) -> None:
    """What to expect of file: and host kernels, how to build src: ones."""
    p.add_argument(
        "--expect-abi", type=int, help="expected Landlock ABI of file: and host kernels"
    )
    p.add_argument(
        "--expect-errata", type=_int, help="expected errata bitmask of file: and host kernels"
    )
    p.add_argument(
        "--patches",
        metavar="DIR",
        help="src: kernels: apply DIR/*.patch (sorted) with patch -p1 before building",
    )
    p.add_argument(
        "--config-fragment",
        metavar="FILE",
        action="append",
        help="src: kernels: a Kconfig fragment merged after vm/config/llconform.config "
        "(repeatable; later ones win)",
    )
    p.add_argument(
        "--build-jobs",
        type=int,
        default=None,
        help="src: kernels: make -j (default: the number of cores)",
    )


def add_guest_options(p: argparse.ArgumentParser) -> None:
    """How guests boot: timeouts, parallelism, QEMU, the init."""
    p.add_argument(
        "--program-timeout",
        type=int,
        default=PROGRAM_TIMEOUT,
        help=f"seconds per program (default {PROGRAM_TIMEOUT})",
    )
    p.add_argument(
        "--boot-timeout", type=float, default=60.0, help="seconds to reach /init (default 60)"
    )
    p.add_argument(
        "--guest-timeout",
        type=float,
        default=1800.0,
        help="wall-clock seconds per guest (default 1800)",
    )
    p.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="guests in parallel (default: cores)",
    )
    p.add_argument("--accel", choices=["auto", "kvm", "tcg"], default="auto")
    p.add_argument(
        "--machine",
        choices=["auto", "microvm", "pc"],
        default="auto",
        help="auto: microvm with the vmlinux, -M pc with the bzImage when there is none",
    )
    p.add_argument("--append", action="append", help="extra kernel command line words")
    p.add_argument("--memory", type=int, default=512, help="guest memory in MiB")
    p.add_argument(
        "--initramfs-compression",
        choices=["xz", "gzip", "none"],
        default="xz",
        help="xz (default: smallest, ~0.3 s slower to boot under TCG), gzip or none",
    )
    p.add_argument("--qemu", help="QEMU binary (default $LLCONFORM_QEMU or qemu-system-x86_64)")
    p.add_argument(
        "--init", help="a prebuilt static guest_init (default: built from harness/guest_init.c)"
    )


def add_list_arguments(p: argparse.ArgumentParser) -> None:
    add_cache_options(p)
    add_kernel_options(p)
    p.add_argument("names", nargs="*", help="kernel names (default: the catalogue)")


def add_fetch_arguments(p: argparse.ArgumentParser) -> None:
    add_cache_options(p)
    add_kernel_options(p)
    p.add_argument("names", nargs="+", help="kernel names")


add_build_arguments = add_fetch_arguments


def add_boot_arguments(p: argparse.ArgumentParser) -> None:
    add_cache_options(p)
    add_kernel_options(p)
    p.add_argument("names", nargs="+", help="kernel names")
    p.add_argument("--suites", help="directory of static test programs (none: a bare boot)")
    p.add_argument("--out", required=True, help="results directory (one subdirectory per kernel)")
    p.add_argument("--programs", help="comma-separated subset of the programs to run")
    add_guest_options(p)


AddArguments = Callable[[argparse.ArgumentParser], None]
COMMANDS: dict[str, tuple[str, AddArguments, Callable[[Context], int]]] = {
    "list": ("the catalogue: resolved versions, cache, expectations", add_list_arguments, cmd_list),
    "fetch": (
        "download kernels into the cache (src: kernels: the source tree only)",
        add_fetch_arguments,
        cmd_fetch,
    ),
    "build": ("build src: kernels into the cache (no boot)", add_build_arguments, cmd_build),
    "boot": ("boot kernels and run the suites in them", add_boot_arguments, cmd_boot),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python3 -m vm", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name, (summary, add, _) in COMMANDS.items():
        add(sub.add_parser(name, help=summary))
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        ctx = Context(args)
        return COMMANDS[args.cmd][2](ctx)
    except KeyboardInterrupt:
        return 130
