"""Run your own test program in every kernel (library authors' mode).

    llconform exec [OPTIONS] KERNEL... -- PROGRAM [ARG...]
    llconform exec [OPTIONS] --dir DIR KERNEL... [-- ARG...]

Options go before the kernel names. In each kernel (catalogue names and
globs, pins, host, file:, src: with --patches, any +nolandlock) a guest
boots with the program, its loader and libraries, and an ordinary little
system (loopback, /etc/hosts, /etc/passwd with root and nobody, /proc,
/sys, /dev, a writable /tmp and $HOME). The program sees what the guest's
Landlock reports: LL_STATUS=enabled|disabled|absent, LL_ABI=<n>,
LL_ERRATA=0x<hex> and LANDLOCK_CRATE_TEST_ABI=<n> (0 without Landlock).
A line per kernel as it finishes, then exec.json, exec.md and junit.xml
under results/<timestamp>/ with each run's stdout and stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from vm import cli as vmcli

from .. import exec_payload, exec_run, results, selection
from . import EXIT_OURS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", help="run every executable file of DIR in turn")
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE",
        help="one more variable for the program (repeatable)")
    parser.add_argument("--user", choices=("root", "nobody"), default="root",
                        help="run the program as root (default) or nobody")
    parser.add_argument("--with-shell", action="store_true",
                        help="give the guest /bin/sh (Debian's busybox-static)")
    parser.add_argument("--sysroot", metavar="DIR",
                        help="take the loader and libraries from DIR, not from this machine")
    parser.add_argument("--copy", action="append", default=[], metavar="SRC:DEST",
                        help="one more file or folder for the guest (repeatable)")
    parser.add_argument("--timeout", type=int, default=exec_run.RUN_TIMEOUT,
                        help=f"seconds per program run (default {exec_run.RUN_TIMEOUT})")
    parser.add_argument("--expect", metavar="FILE",
                        help="'KERNEL-GLOB EXIT-STATUS' lines: the status expected of a "
                        "kernel (first match; 0 where none matches)")
    parser.add_argument("--results", default="results", help="results root (default results)")
    parser.add_argument("--build", default="build", help="where build/llexec is (default build)")
    vmcli.add_kernel_options(parser)
    vmcli.add_guest_options(parser, jobs_default=os.cpu_count() or 1)
    parser.add_argument("words", nargs=argparse.REMAINDER,
                        metavar="KERNEL... -- PROGRAM [ARG...]")


def _split(args: argparse.Namespace) -> tuple[list[str], str | None, list[str]]:
    words = list(args.words)
    if "--" in words:
        cut = words.index("--")
        kernels, command = words[:cut], words[cut + 1:]
    else:
        kernels, command = words, []
    if args.dir is not None:
        # With --dir, what follows -- are the arguments of every program.
        return _checked(args, kernels), None, command
    if not command:
        raise exec_payload.PayloadError("no program: KERNEL... -- PROGRAM [ARG...] or --dir DIR")
    return _checked(args, kernels), command[0], command[1:]


def _checked(args: argparse.Namespace, kernels: list[str]) -> list[str]:
    if not kernels:
        raise exec_payload.PayloadError("no kernel named (e.g. debian-6.1 host 'debian-7.*')")
    for word in kernels:
        if word.startswith("-"):
            raise exec_payload.PayloadError(f"{word}: options go before the kernel names")
    for env in args.env:
        if "=" not in env or env.startswith("="):
            raise exec_payload.PayloadError(f"--env {env}: expected NAME=VALUE")
    return kernels


def run(args: argparse.Namespace) -> int:
    try:
        kernels, program, program_args = _split(args)
        paths = exec_payload.programs_of(program, args.dir)
        payload = exec_payload.prepare(paths, program_args, args.with_shell, args.sysroot,
                                       args.copy)
        expect = exec_run.read_expect(args.expect) if args.expect else []
        names = selection.select(kernels)
    except (exec_payload.PayloadError, exec_run.ExpectError, selection.SelectionError) as e:
        print(f"llconform exec: error: {e}", file=sys.stderr)
        return EXIT_OURS
    llexec = os.path.join(args.build, "llexec")
    if not os.access(llexec, os.X_OK):
        print(f"llconform exec: error: {llexec} is not built (run make)", file=sys.stderr)
        return EXIT_OURS
    request = exec_run.ExecRequest(
        kernels=names,
        payload=payload,
        llexec=llexec,
        boot=vmcli.boot_request(args, out="", suites=None),
        results=Path(args.results),
        user=args.user,
        timeout=args.timeout,
        env=args.env,
        expect=expect,
    )

    def line(row: exec_run.ExecRow) -> None:
        print(f"exec: {exec_run.row_line(row)}", file=sys.stderr, flush=True)

    try:
        run_dir, rows = exec_run.run(request, on_row=line)
    except results.ResultsError as e:
        print(f"llconform exec: error: {e}", file=sys.stderr)
        return EXIT_OURS
    sys.stdout.write((run_dir / "exec.md").read_text())
    print(f"llconform exec: results in {run_dir}", file=sys.stderr)
    return exec_run.exit_status(rows)
