"""What `llconform exec` puts into a guest: the user's programs checked
before any boot, their loader and libraries, extra files, and the records
that tell the guest's `llexec` what to run.

Every refusal is a PayloadError naming the file and what is wrong with it,
raised before a kernel is fetched or booted.
"""
from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

GUEST_BIN = "/exec/bin"
GUEST_BUSYBOX = "/exec/busybox"
# Where Debian's busybox-static puts its one static binary.
HOST_BUSYBOX = "/bin/busybox"
# The guest runs x86_64 kernels only (vm/kernels.toml).
ELF_MACHINE_X86_64 = 62
_MACHINES = {
    3: "i386", 8: "mips", 21: "ppc64", 22: "s390", 40: "arm", 62: "x86_64", 183: "aarch64",
    243: "riscv",
}
_PT_INTERP = 3
# Where a sysroot keeps its libraries (Debian's multiarch layout first).
_SYSROOT_LIB_DIRS = (
    "lib/x86_64-linux-gnu",
    "usr/lib/x86_64-linux-gnu",
    "lib64",
    "usr/lib64",
    "lib",
    "usr/lib",
)


class PayloadError(Exception):
    """A program, a library or a file cannot go into the guest."""


@dataclass(frozen=True)
class Elf:
    machine: int
    bits: int
    interpreter: str | None  # PT_INTERP: None for a static program


@dataclass
class Program:
    """One program to run: where it is on the host, where it goes in the guest."""

    host_path: str
    guest_path: str
    label: str
    elf: Elf | None  # None: a script (with --with-shell)


@dataclass
class Payload:
    programs: list[Program]
    args: list[str]
    # (host path, guest path) of every file the guest needs besides llexec.
    files: list[tuple[str, str]] = field(default_factory=list)
    shell: str | None = None  # guest path of busybox, with --with-shell


def read_elf(path: str) -> Elf | None:
    """The ELF header's machine, class and interpreter; None if not an ELF file."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or len(head) < 64:
            return None
        order = "<" if head[5] == 1 else ">"
        machine = struct.unpack_from(order + "H", head, 18)[0]
        if head[4] != 2:
            return Elf(machine, 32, None)
        phoff = struct.unpack_from(order + "Q", head, 32)[0]
        phentsize, phnum = struct.unpack_from(order + "HH", head, 54)
        interpreter = None
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            ph = f.read(phentsize)
            p_type, _flags, p_offset = struct.unpack_from(order + "IIQ", ph, 0)
            p_filesz = struct.unpack_from(order + "Q", ph, 32)[0]
            if p_type == _PT_INTERP:
                f.seek(p_offset)
                interpreter = f.read(p_filesz).rstrip(b"\0").decode()
        return Elf(machine, 64, interpreter)


def machine_name(elf: Elf) -> str:
    name = _MACHINES.get(elf.machine, f"ELF machine {elf.machine}")
    return f"{name} ({elf.bits}-bit)" if elf.machine == ELF_MACHINE_X86_64 else name


def check_program(path: str, with_shell: bool) -> Elf | None:
    """The program's ELF facts, or PayloadError saying why it cannot run."""
    if not os.path.lexists(path):
        raise PayloadError(f"{path}: no such file")
    if not os.path.isfile(path):
        raise PayloadError(f"{path}: not a regular file")
    if not os.access(path, os.X_OK):
        raise PayloadError(f"{path}: not executable (chmod +x it)")
    elf = read_elf(path)
    if elf is not None:
        if elf.machine != ELF_MACHINE_X86_64 or elf.bits != 64:
            raise PayloadError(
                f"{path}: built for {machine_name(elf)}; the guests run x86_64 (64-bit) programs"
            )
        return elf
    with open(path, "rb") as f:
        first = f.readline(256)
    if not first.startswith(b"#!"):
        raise PayloadError(f"{path}: neither an ELF program nor a script starting with #!")
    interpreter = first[2:].split()[0].decode() if first[2:].split() else ""
    if not with_shell:
        raise PayloadError(
            f"{path}: a script for {interpreter or '?'}: the guest has no shell unless "
            "--with-shell is given"
        )
    if interpreter not in ("/bin/sh", "/bin/busybox"):
        raise PayloadError(
            f"{path}: a script for {interpreter}: only /bin/sh (busybox) is in the guest"
        )
    return None


def busybox() -> str:
    """Debian's static busybox, for --with-shell."""
    elf = read_elf(HOST_BUSYBOX) if os.path.isfile(HOST_BUSYBOX) else None
    if elf is None or elf.interpreter is not None:
        raise PayloadError(
            f"--with-shell needs a static busybox at {HOST_BUSYBOX}: "
            "apt-get install busybox-static"
        )
    return HOST_BUSYBOX


_LIST_LINE = re.compile(r"^\s*(\S+)(?: => (\S+|not found))?(?: \(0x[0-9a-f]+\))?\s*$")


def libraries(path: str, elf: Elf, sysroot: str | None) -> list[tuple[str, str]]:
    """(host path, guest path) of the loader and every library the program
    needs, as the loader resolves them: the host's, or the sysroot's own
    loader confined to the sysroot (`ld.so --list`, what ldd runs)."""
    if elf.interpreter is None:
        return []
    root = os.path.abspath(sysroot) if sysroot else "/"
    loader = sysroot_file(root, elf.interpreter)
    if not os.path.isfile(loader):
        where = f"in the sysroot {root}" if sysroot else "on this machine"
        raise PayloadError(f"{path}: its loader {elf.interpreter} is not {where}")
    argv = [loader, "--inhibit-cache"]
    if sysroot:
        dirs = [os.path.join(root, d) for d in _SYSROOT_LIB_DIRS]
        dirs = [d for d in dirs if os.path.isdir(d)]
        argv += ["--library-path", ":".join(dirs)]
    done = subprocess.run(argv + ["--list", path], capture_output=True, text=True)
    found: list[tuple[str, str]] = [(loader, elf.interpreter)]
    real_root = os.path.realpath(root).rstrip("/") + "/"
    missing = []
    for line in done.stdout.splitlines():
        m = _LIST_LINE.match(line)
        if not m:
            continue
        name, target = m.group(1), m.group(2)
        if target == "not found":
            missing.append(name)
        elif target and os.path.isabs(target):
            if sysroot and not os.path.realpath(target).startswith(real_root):
                # The sysroot's loader fell back on this machine's folders:
                # mixing two libcs' files would break in the guest.
                missing.append(name)
                continue
            found.append((target, _guest_path(target, root)))
    version_errors = [line for line in done.stderr.splitlines() if "not found" in line]
    if missing:
        raise PayloadError(f"{path}: needs {', '.join(missing)}, found neither {_where(sysroot)}")
    if done.returncode != 0 or version_errors:
        detail = (version_errors or done.stderr.strip().splitlines() or ["?"])[0]
        raise PayloadError(
            f"{path}: its libraries cannot be resolved {_where(sysroot)}: {detail.strip()}"
            + ("" if sysroot else " (a newer libc? give --sysroot DIR)")
        )
    return sorted(set(found))


# Top folders that a merged-/usr system has as links into /usr.
_MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")


def sysroot_file(root: str, path: str) -> str:
    """PATH inside ROOT. A sysroot unpacked from merged-/usr packages (trixie
    on: /lib64 is a link that base-files makes, not a folder of the .debs)
    has /lib64/ld-linux-x86-64.so.2 at usr/lib64/ only."""
    rel = path.lstrip("/")
    there = os.path.join(root, rel)
    if root != "/" and not os.path.lexists(there) and rel.split("/", 1)[0] in _MERGED:
        merged = os.path.join(root, "usr", rel)
        if os.path.exists(merged):
            return merged
    return there


def _where(sysroot: str | None) -> str:
    return f"in the sysroot {sysroot}" if sysroot else "on this machine"


def _guest_path(host: str, root: str) -> str:
    """A sysroot's library goes where the sysroot has it."""
    if root != "/" and host.startswith(root.rstrip("/") + "/"):
        return host[len(root.rstrip("/")):]
    return host


def copies(specs: list[str]) -> list[tuple[str, str]]:
    """--copy SRC:DEST (DEST absolute; a directory is copied whole)."""
    out = []
    for spec in specs:
        src, sep, dest = spec.rpartition(":")
        if not sep or not src or not dest.startswith("/"):
            raise PayloadError(f"--copy {spec}: expected SRC:/ABSOLUTE/DEST")
        if os.path.isdir(src):
            for base, _dirs, names in os.walk(src):
                for n in sorted(names):
                    full = os.path.join(base, n)
                    if os.path.isfile(full):
                        rel = os.path.relpath(full, src)
                        out.append((full, os.path.join(dest, rel)))
        elif os.path.isfile(src):
            out.append((src, dest))
        else:
            raise PayloadError(f"--copy {spec}: {src} does not exist")
    return out


def programs_of(program: str | None, directory: str | None) -> list[str]:
    """The program, or every executable file of --dir DIR (sorted)."""
    if directory is None:
        assert program is not None
        return [program]
    if not os.path.isdir(directory):
        raise PayloadError(f"--dir {directory}: not a directory")
    found = sorted(
        os.path.join(directory, n)
        for n in os.listdir(directory)
        if not n.startswith(".")
        and os.path.isfile(os.path.join(directory, n))
        and os.stat(os.path.join(directory, n)).st_mode & stat.S_IXUSR
    )
    if not found:
        raise PayloadError(f"--dir {directory}: no executable file in it")
    return found


def prepare(
    paths: list[str],
    args: list[str],
    with_shell: bool = False,
    sysroot: str | None = None,
    copy: list[str] | None = None,
) -> Payload:
    """Checks every program and gathers what the guest needs to run them."""
    if sysroot and not os.path.isdir(sysroot):
        raise PayloadError(f"--sysroot {sysroot}: not a directory")
    payload = Payload(programs=[], args=args)
    if with_shell:
        payload.shell = GUEST_BUSYBOX
        payload.files.append((busybox(), GUEST_BUSYBOX))
    labels: set[str] = set()
    for path in paths:
        elf = check_program(path, with_shell)
        label = os.path.basename(path)
        if label in labels:
            raise PayloadError(f"{path}: two programs named {label}")
        labels.add(label)
        guest = f"{GUEST_BIN}/{label}"
        payload.programs.append(Program(os.path.abspath(path), guest, label, elf))
        payload.files.append((os.path.abspath(path), guest))
        if elf is not None:
            payload.files += libraries(path, elf, sysroot)
    payload.files += copies(copy or [])
    seen: dict[str, str] = {}
    for src, dest in payload.files:
        if seen.setdefault(dest, src) != src and not _same(seen[dest], src):
            raise PayloadError(f"{dest}: would be both {seen[dest]} and {src}")
    payload.files = sorted({dest: (src, dest) for src, dest in payload.files}.values())
    return payload


def _same(a: str, b: str) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def records(
    payload: Payload,
    guest: bool,
    user: str,
    timeout: int,
    env: list[str],
    home: str | None = None,
) -> bytes:
    """llexec's configuration: NUL-terminated key=value records. In a guest
    the programs are at their guest paths and llexec builds the little
    system; on the host they run where they are."""
    recs = [f"setup={1 if guest else 0}", f"user={user}", f"timeout={timeout}"]
    if guest and payload.shell:
        recs.append(f"shell={payload.shell}")
    if home:
        recs.append(f"env=HOME={home}")
    recs += [f"env={e}" for e in env]
    for p in payload.programs:
        recs += [f"run={p.label}", f"path={p.guest_path if guest else p.host_path}"]
        recs += [f"arg={a}" for a in payload.args]
    for r in recs:
        if "\0" in r:
            raise PayloadError(f"an argument or variable holds a NUL byte: {r!r}")
    return b"".join(r.encode() + b"\0" for r in recs)


def reachable_copies(payload: Payload, directory: Path) -> Payload:
    """The payload with each program copied into DIRECTORY/bin (mode 0755),
    for the host row's unprivileged runs: a program under /root (a clone
    there, as on a fresh machine) is out of another user's reach."""
    bin_dir = directory / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o755)
    programs = []
    for p in payload.programs:
        copy = bin_dir / p.label
        shutil.copyfile(p.host_path, copy)
        os.chmod(copy, 0o755)
        programs.append(replace(p, host_path=str(copy)))
    return replace(payload, programs=programs)


def stage(directory: Path, llexec: str, payload: Payload, host_records: bytes,
          guest_records: bytes) -> list[tuple[str, str]]:
    """DIRECTORY becomes the 'suites' folder of the boot: llexec and its
    host configuration; returns the guest's files, its configuration included."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy2(llexec, directory / "llexec")
    (directory / "llexec.conf").write_bytes(host_records)
    (directory / "llexec.guest.conf").write_bytes(guest_records)
    os.chmod(directory / "llexec.conf", 0o644)
    os.chmod(directory / "llexec.guest.conf", 0o644)
    return payload.files + [(str(directory / "llexec.guest.conf"), "/suites/llexec.conf")]
