"""Mutants of security/landlock, found with a real C parser (libclang).

`generate()` parses each security/landlock/*.c of a tree with Debian's
libclang bindings (python3-clang) and lists the places where a standard
operator applies, inside function definitions of that file only:

- ror: relational operator replacement (< <=, > >=, == !=, each way);
- lor: logical operator replacement (&& ||);
- bit: bitmask operator swap (& |);
- const: an integer literal plus or minus one;
- drop-if: the condition of an `if` whose branch returns or jumps made
  false (the check, or the early return, removed);
- swap-args: the two arguments of a two-argument call swapped, when both
  are plain variables.

The kernel's generated headers (asm/ wrappers, autoconf.h) do not exist in
a source tree; libclang recovers from the missing includes and still gives
the function bodies, and every mutant is checked against the file's own
bytes (the operator is where the parser says), so a macro expansion never
yields a mutant of text that is not there.

A mutant is (file, offset, original text, replacement, operator, function,
line); `apply()` writes it, `sample()` picks --max of them for --seed among
--functions (or --ids names them).

Running them (`run()`): a kept build tree of the src: kernel with the
configuration of its vm build (`base_tree()`, built once); each mutant
compiles its own object there (`make <file>.o`), and is "equivalent"
without a link or a boot when that object is the unmutated one (up to
gcov's stamp), else links vmlinux (the PVH image a guest boots) and boots
with the suites; a `Pipeline` builds the next mutant while one boots.
Verdicts against the unmutated kernel's outcomes: killed, survived,
equivalent, not built, not compiled (a file the configuration leaves out),
error (our side). results/mutation/README.md has a run and its triage.
"""
from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import random
import re
import shutil
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from . import outcomes as cell_outcomes

LANDLOCK = "security/landlock"
ROR = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
LOR = {"&&": "||", "||": "&&"}
BIT = {"&": "|", "|": "&"}


class MutateError(RuntimeError):
    """Bad input: a tree without security/landlock, no libclang."""


@dataclass(frozen=True)
class Mutant:
    file: str  # relative to the tree
    offset: int  # byte offset of the original text
    original: str
    replacement: str
    operator: str
    function: str
    line: int

    @property
    def ident(self) -> str:
        blob = f"{self.file}:{self.offset}:{self.original}:{self.replacement}"
        return hashlib.sha256(blob.encode()).hexdigest()[:10]

    def describe(self) -> str:
        return (f"{self.file}:{self.line} {self.function}: {self.operator} "
                f"`{self.original}` -> `{self.replacement}`")


def clang_args(tree: Path) -> list[str]:
    return ["-nostdinc", "-std=gnu11", "-D__KERNEL__", "-Wno-everything",
            "-ferror-limit=0",
            f"-I{tree}/include", f"-I{tree}/arch/x86/include",
            f"-I{tree}/include/uapi", f"-I{tree}/arch/x86/include/uapi",
            "-include", f"{tree}/include/linux/compiler_types.h"]


def _index() -> Any:
    try:
        import clang.cindex as ci  # type: ignore[import]  # python3-clang
    except ImportError as e:
        raise MutateError("python3-clang is missing: apt-get install "
                          "--no-install-recommends python3-clang") from e
    return ci


def sources(tree: Path) -> list[Path]:
    d = tree / LANDLOCK
    if not (d / "Makefile").is_file():
        raise MutateError(f"{tree}: no {LANDLOCK}: nothing to mutate")
    return sorted(p for p in d.glob("*.c"))


def generate(tree: Path, files: list[Path] | None = None) -> list[Mutant]:
    ci = _index()
    index = ci.Index.create()
    out: list[Mutant] = []
    for path in files or sources(tree):
        text = path.read_bytes()
        rel = str(path.relative_to(tree))
        tu = index.parse(str(path), args=clang_args(tree))
        out += list(_walk(ci, tu.cursor, str(path), rel, text, None))
    return sorted(set(out), key=lambda m: (m.file, m.offset, m.replacement))


def _walk(ci: Any, cursor: Any, path: str, rel: str, text: bytes,
          function: str | None) -> Iterator[Mutant]:
    K = ci.CursorKind
    for c in cursor.get_children():
        loc = c.location
        if loc.file is None or loc.file.name != path:
            continue
        if c.kind == K.FUNCTION_DECL:
            if c.is_definition():
                yield from _walk(ci, c, path, rel, text, c.spelling)
            continue
        if function is not None:
            yield from _at(ci, c, rel, text, function)
        yield from _walk(ci, c, path, rel, text, function)


def _mutant(rel: str, text: bytes, offset: int, original: str,
            replacement: str, operator: str, function: str
            ) -> Mutant | None:
    """A mutant, if the file really has `original` at `offset`."""
    if text[offset:offset + len(original)] != original.encode():
        return None
    line = text.count(b"\n", 0, offset) + 1
    return Mutant(rel, offset, original, replacement, operator, function,
                  line)


def _at(ci: Any, c: Any, rel: str, text: bytes, function: str
        ) -> Iterator[Mutant]:
    K = ci.CursorKind
    found: list[Mutant | None] = []
    if c.kind == K.BINARY_OPERATOR:
        kids = list(c.get_children())
        if len(kids) == 2:
            lhs_end = kids[0].extent.end.offset
            for tok in c.get_tokens():
                if tok.extent.start.offset < lhs_end:
                    continue
                op = tok.spelling
                for table, name in ((ROR, "ror"), (LOR, "lor"),
                                    (BIT, "bit")):
                    if op in table:
                        found.append(_mutant(rel, text,
                                             tok.extent.start.offset, op,
                                             table[op], name, function))
                break
    elif c.kind == K.INTEGER_LITERAL:
        tokens = list(c.get_tokens())
        if len(tokens) == 1 and tokens[0].spelling.isdigit():
            value = int(tokens[0].spelling)
            off = tokens[0].extent.start.offset
            found.append(_mutant(rel, text, off, tokens[0].spelling,
                                 str(value + 1), "const", function))
            if value > 0:
                found.append(_mutant(rel, text, off, tokens[0].spelling,
                                     str(value - 1), "const", function))
    elif c.kind == K.IF_STMT:
        kids = list(c.get_children())
        if len(kids) >= 2 and _exits(ci, kids[1]):
            cond = kids[0]
            start, end = cond.extent.start.offset, cond.extent.end.offset
            original = text[start:end].decode(errors="replace")
            if 0 < end - start < 400 and "\n\n" not in original:
                found.append(_mutant(rel, text, start, original, "0",
                                     "drop-if", function))
    elif c.kind == K.CALL_EXPR:
        args = list(c.get_arguments())
        if len(args) == 2 and all(
                a.kind == K.UNEXPOSED_EXPR or a.kind == K.DECL_REF_EXPR
                for a in args):
            a, b = (text[x.extent.start.offset:x.extent.end.offset]
                    .decode(errors="replace") for x in args)
            if (a.isidentifier() and b.isidentifier() and a != b
                    and args[0].type.spelling == args[1].type.spelling):
                start = args[0].extent.start.offset
                end = args[1].extent.end.offset
                original = text[start:end].decode(errors="replace")
                swapped = b + original[len(a):len(original) - len(b)] + a
                found.append(_mutant(rel, text, start, original, swapped,
                                     "swap-args", function))
    yield from (m for m in found if m is not None)


def _exits(ci: Any, body: Any) -> bool:
    """An if branch that returns or jumps (an early return, a check)."""
    K = ci.CursorKind
    if body.kind in (K.RETURN_STMT, K.GOTO_STMT):
        return True
    if body.kind == K.COMPOUND_STMT:
        return any(ch.kind in (K.RETURN_STMT, K.GOTO_STMT)
                   for ch in body.get_children())
    return False


def sample(mutants: list[Mutant], max_n: int | None, seed: int,
           functions: str | None) -> list[Mutant]:
    pool = [m for m in mutants
            if not functions or fnmatch.fnmatch(m.function, functions)]
    if max_n is None or max_n >= len(pool):
        return pool
    return sorted(random.Random(seed).sample(pool, max_n),
                  key=lambda m: (m.file, m.offset))


def apply(tree: Path, m: Mutant) -> str:
    """Writes the mutant into tree (a private copy); returns the original
    file text to restore."""
    path = tree / m.file
    text = path.read_bytes()
    if text[m.offset:m.offset + len(m.original)] != m.original.encode():
        raise MutateError(f"{m.describe()}: the file changed since parsing")
    path.write_bytes(text[:m.offset] + m.replacement.encode()
                     + text[m.offset + len(m.original):])
    return text.decode(errors="surrogateescape")


def diff(tree: Path, m: Mutant) -> str:
    import difflib
    old = (tree / m.file).read_bytes()
    new = (old[:m.offset] + m.replacement.encode()
           + old[m.offset + len(m.original):])
    return "".join(difflib.unified_diff(
        old.decode(errors="replace").splitlines(keepends=True),
        new.decode(errors="replace").splitlines(keepends=True),
        f"a/{m.file}", f"b/{m.file}", n=2))


def to_json(mutants: list[Mutant]) -> str:
    return json.dumps([dict(asdict(m), id=m.ident) for m in mutants],
                      indent=1) + "\n"


# --- building and running mutants ---------------------------------------------

# Every outcome a run does not accept (outcomes.accepted) kills a mutant.
KILLING = frozenset(o for o in cell_outcomes.ALL if not cell_outcomes.accepted(o))


@dataclass
class Base:
    """A kept build tree (sources and objects) to rebuild mutants in."""
    work: Path  # <cache>/mutate/<key>/
    src: Path
    out: Path
    key: str


def _logged(argv: list[str], log: Path, cwd: Path | None = None) -> int:
    with open(log, "a") as f:
        f.write("$ " + " ".join(argv) + "\n")
        f.flush()
        return subprocess.run(argv, cwd=cwd, stdout=f,
                              stderr=subprocess.STDOUT).returncode


def base_tree(cache_root: Path, tree: Path, source_id: str,
              patches: list[Path], fragments: list[Path],
              jobs: int) -> Base:
    """The mutation base of (source, patches, config): like vm's build
    (hard-link copy, patches, tinyconfig + fragments, olddefconfig, make),
    but the tree is kept so that a mutant rebuilds one file and relinks.
    Ready when <work>/READY exists; a failed build leaves no READY."""
    from vm import build as vmbuild
    from vm import kconfig as vmkconfig
    from vm import patches as vmpatches
    frags = [("vm/config/llconform.config",
              vmkconfig.read_fragment(vmbuild.PROJECT_FRAGMENT))]
    frags += [(str(f), vmkconfig.read_fragment(str(f))) for f in fragments]
    merged, _ = vmkconfig.merge_fragments(frags)
    key = vmbuild.cache_key(
        source_id, [(str(p), hashlib.sha256(p.read_bytes()).hexdigest())
                    for p in patches], merged, vmbuild.compiler_version())
    work = cache_root / "mutate" / key
    base = Base(work, work / "src", work / "out", key)
    if (work / "READY").is_file():
        restore_base(base)
        return base
    shutil.rmtree(work, ignore_errors=True)
    base.out.mkdir(parents=True)
    log = work / "build.log"
    vmpatches.link_tree(str(tree), str(base.src))
    if patches:
        vmpatches.apply_patches(str(base.src), [str(p) for p in patches])
    make = vmbuild.make_argv(str(base.src), str(base.out), jobs)
    if _logged(make + ["tinyconfig"], log):
        raise MutateError(f"make tinyconfig failed: {log}")
    cfg = base.out / ".config"
    cfg.write_text(vmkconfig.apply_fragment(cfg.read_text(), merged))
    if _logged(make + ["olddefconfig"], log) or _logged(
            make + vmbuild.TARGETS, log):
        raise MutateError(f"the base build failed: {log}")
    (work / "READY").write_text(time.strftime("%Y-%m-%dT%H:%M:%S\n"))
    return base


def restore_base(base: Base) -> None:
    """Puts back the file a killed run left mutated."""
    marker = base.work / "MUTATED.path"
    if marker.is_file():
        (base.src / marker.read_text()).write_bytes(
            (base.work / "MUTATED").read_bytes())
        marker.unlink()


def object_of(m: Mutant) -> str:
    """The object file kbuild compiles the mutant's file into."""
    return m.file[:-2] + ".o"


def normalized_object(obj: Path) -> bytes:
    """The object's bytes with gcov's per-compile stamp zeroed: gcc writes
    a new stamp (from the clock) into the object and its .gcno at every
    compile, so two compiles of the same source differ only there. The
    .gcno header (magic, version, stamp) says which 4 bytes it is."""
    data = obj.read_bytes()
    gcno = obj.with_suffix(".gcno")
    stamp = gcov_stamp(gcno) if gcno.is_file() else None
    return data.replace(stamp, b"\0\0\0\0") if stamp else data


def gcov_stamp(gcno: Path) -> bytes | None:
    """The 4 stamp bytes of a .gcno header (magic, version, stamp)."""
    head = gcno.read_bytes()[:12]
    if len(head) == 12 and head[:4] in (b"oncg", b"gcno"):
        return head[8:12]
    return None


def save_pristine(base: Base) -> None:
    """Copies the unmutated objects (and gcov notes) of security/landlock
    aside: after a mutant they are put back instead of recompiled, and a
    mutant whose object equals one of them needs no link and no boot."""
    keep = base.work / "pristine"
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir()
    for f in sorted((base.out / LANDLOCK).glob("*.o")):
        gcno = f.with_suffix(".gcno")
        stamp = gcov_stamp(gcno) if gcno.is_file() else None
        if stamp and stamp not in f.read_bytes():
            # notes of another compile than the object's (a compile by
            # hand): no comparison possible, that file's mutants are linked
            # and booted and its source recompiled after each
            say(f"{f}: its gcov notes are of another compile: not kept")
            continue
        shutil.copy2(f, keep / f.name)
        if gcno.is_file():
            shutil.copy2(gcno, keep / gcno.name)


def build_mutant(base: Base, m: Mutant, jobs: int, log: Path, dest: Path
                 ) -> str | None:
    """Builds the mutant in the kept tree; returns None when its vmlinux
    is in `dest` (to boot), else the verdict that needs no boot:

    - "not compiled": the configuration does not build that file;
    - "not built": the object or the link fails (the mutant does not
      compile);
    - "equivalent": the object is the unmutated one, byte for byte (up to
      gcov's stamp): the compiler made the same code of both.

    Only the mutated object is compiled first (`make <file>.o`), then
    vmlinux (what a PVH boot needs; no bzImage). The tree is restored
    afterwards whatever happens: the source (with its old mtime) and the
    unmutated object from save_pristine(), so the next mutant compiles its
    own file only; without a pristine copy the source gets a new mtime and
    the next build recompiles it."""
    from vm import build as vmbuild
    from vm import patches as vmpatches
    obj = object_of(m)
    if not (base.out / obj).is_file():
        return "not compiled"
    pristine = base.work / "pristine" / Path(obj).name
    path = base.src / m.file
    vmpatches.unshare(str(path))  # never write the cached source tree
    st = path.stat()
    # a run killed while the mutant is in the tree: restore_base() undoes it
    (base.work / "MUTATED").write_bytes(path.read_bytes())
    (base.work / "MUTATED.path").write_text(m.file)
    original = apply(base.src, m)
    try:
        if _logged(vmbuild.make_argv(str(base.src), str(base.out), jobs, obj),
                   log):
            return "not built"
        if pristine.is_file() and (normalized_object(base.out / obj)
                                   == normalized_object(pristine)):
            return "equivalent"
        if _logged(vmbuild.make_argv(str(base.src), str(base.out), jobs,
                                     "vmlinux"), log):
            return "not built"
        shutil.copyfile(base.out / "vmlinux", dest)
        return None
    finally:
        path.write_bytes(original.encode(errors="surrogateescape"))
        if pristine.is_file():
            # the unmutated object, newer than the restored source: up to
            # date for make, no recompile
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
            shutil.copyfile(pristine, base.out / obj)
            gcno = pristine.with_suffix(".gcno")
            if gcno.is_file():
                shutil.copyfile(gcno, (base.out / obj).with_suffix(".gcno"))
        (base.work / "MUTATED.path").unlink()


@dataclass
class Built:
    """What the builder hands the booter: a mutant and its image, or the
    verdict it got without a boot."""
    mutant: Mutant
    verdict: str | None  # None: boot `vmlinux`
    vmlinux: Path | None
    build_seconds: float


class Pipeline:
    """Builds mutant i+1 (a thread: make, one core) while mutant i boots
    (the guest: one core), so a mutant costs about max(build, boot), not
    their sum. Only the builder touches the kept tree; a boot uses its own
    copy of the image. The builder starts at once (while the caller boots
    the baseline); iterating yields one row per mutant, in order. At most
    `depth` built mutants wait for their boot (their images use disk).
    close() stops the builder after the mutant it is building (the tree is
    restored by then)."""

    def __init__(self, mutants: list[Mutant], build: Callable[[Mutant], Built],
                 boot_one: Callable[[Built], tuple[str, list[str], float]],
                 depth: int = 1) -> None:
        self.boot_one = boot_one
        self.q: queue.Queue[Built | BaseException | None] = queue.Queue(
            maxsize=depth)
        self.stop = threading.Event()

        def builder() -> None:
            try:
                for m in mutants:
                    if self.stop.is_set():
                        return
                    self.q.put(build(m))
                self.q.put(None)
            except BaseException as e:  # handed to the booter, raised there
                self.q.put(e)

        self.thread = threading.Thread(target=builder, name="mutate-builder",
                                       daemon=True)
        self.thread.start()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        while True:
            t0 = time.monotonic()
            item = self.q.get()
            waited = time.monotonic() - t0
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            cells: list[str] = []
            boot_s = 0.0
            verdict = item.verdict
            if verdict is None:
                verdict, cells, boot_s = self.boot_one(item)
            m = item.mutant
            yield dict(asdict(m), id=m.ident, verdict=verdict,
                       killed_by=cells[:20],
                       build_seconds=round(item.build_seconds, 1),
                       boot_seconds=round(boot_s, 1),
                       waited_seconds=round(waited, 1))

    def close(self) -> None:
        self.stop.set()
        while self.thread.is_alive():  # a builder blocked on a full queue
            try:
                self.q.get(timeout=0.2)
            except queue.Empty:
                pass
        self.thread.join()


# What the kernel reports of itself (each program's KTAP header): compared
# like the matrix's probe cell compares it with the catalogue's expectation,
# the unmutated kernel's report being the expectation here.
PROBE = "(probe)"
REPORTED = ("landlock", "abi", "errata", "proposed")
# The kernel's taint when the first program begins (guest_init's console
# line): a WARNING during the boot (a failed LSM init) taints it before any
# test runs, which the per-program taint checks do not see, and `quiet`
# keeps the splat itself off the console.
BOOT_TAINT = "(boot taint)"
BOOT_TAINT_LINE = re.compile(r"^llconform: begin \S+ taint=(\d+)", re.M)


def outcomes(guest_dir: Path) -> dict[str, str]:
    """program::test -> outcome of every KTAP file of a guest, and PROBE ->
    what the kernel reported (Landlock status, ABI, errata, proposed
    features)."""
    from .ktap import parse
    out: dict[str, str] = {}
    reported: set[str] = set()
    for f in sorted(guest_dir.glob("*.ktap")):
        stream = parse(f.read_text(errors="replace"))
        for r in stream.results:
            out[f"{f.stem}::{r.name}"] = r.outcome
        if stream.header:
            reported.add(" ".join(f"{k}={stream.header.get(k, '?')}"
                                  for k in REPORTED))
    if reported:
        out[PROBE] = " | ".join(sorted(reported))
    console = guest_dir / "console.log"
    if console.is_file():
        found = BOOT_TAINT_LINE.search(console.read_text(errors="replace"))
        if found:
            out[BOOT_TAINT] = found[1]
    return out


def classify(baseline: dict[str, str], mutant: dict[str, str],
             guest_status: str) -> tuple[str, list[str]]:
    """killed (and by which cells) or survived, against the unmutated
    kernel's outcomes: a cell that passed there and fails, crashes or
    times out here, a test that vanished, a guest that did not end ok
    (panic, taint, timeout), a kernel that reports another Landlock
    status, ABI or errata than the unmutated one (the probe cell of a
    matrix run given the unmutated kernel's report as expectation), or one
    tainted by its boot where the unmutated one is not."""
    if guest_status == "error":  # QEMU or the boot itself failed: our side
        return "error", []
    if guest_status != "ok":
        return "killed", [f"guest {guest_status}"]
    cells = []
    if PROBE in baseline and mutant.get(PROBE) != baseline[PROBE]:
        cells.append(f"{PROBE} {mutant.get(PROBE, 'no report')} (unmutated: "
                     f"{baseline[PROBE]})")
    if BOOT_TAINT in baseline and mutant.get(BOOT_TAINT) != baseline[
            BOOT_TAINT]:
        cells.append(f"{BOOT_TAINT} {mutant.get(BOOT_TAINT, 'unknown')} "
                     f"(unmutated: {baseline[BOOT_TAINT]})")
    cells += [name for name, o in sorted(baseline.items())
              if name not in (PROBE, BOOT_TAINT) and o not in KILLING
              and mutant.get(name, "crashed") in KILLING]
    return ("killed", cells) if cells else ("survived", [])


def reclassify(out: Path) -> list[dict[str, Any]]:
    """The rows of a finished run (its mutants.json) with the verdicts of
    its booted mutants recomputed from the guests' records against its
    baseline's (after the classification changed); nothing is rebooted."""
    data = json.loads((out / "mutants.json").read_text())
    guests = sorted((out / "baseline").glob("*/guest.json"))
    if not guests:
        raise MutateError(f"{out}: no baseline guest")
    baseline = outcomes(guests[0].parent)
    rows: list[dict[str, Any]] = data["mutants"]
    for r in rows:
        found = sorted((out / "mutants" / r["id"] / "guest").glob(
            "*/guest.json"))
        if r["verdict"] not in ("killed", "survived") or not found:
            continue
        status = json.loads(found[0].read_text())["status"]
        r["verdict"], cells = classify(baseline, outcomes(found[0].parent),
                                       status)
        r["killed_by"] = cells[:20]
    return rows


# --- the command -----------------------------------------------------------------

def say(msg: str) -> None:
    print(f"mutate: {msg}", file=sys.stderr, flush=True)


def boot(vmlinux: Path, stage: Path, out: Path, timeout: int,
         guest_timeout: float | None = None) -> tuple[str, dict[str, str]]:
    """Boots a kernel image with the staged suites: (guest status, outcomes)."""
    from vm.api import BootRequest, KernelOptions
    from vm.api import boot as vmboot
    request = BootRequest(out=str(out), suites=str(stage), jobs=1,
                          program_timeout=timeout,
                          guest_timeout=guest_timeout or 4 * timeout,
                          kernels=KernelOptions(offline=True))
    result = next(iter(vmboot([f"file:{vmlinux}"], request)), None)
    guests = sorted(out.glob("*/guest.json"))
    if result is None or not guests:
        return "error", {}
    return result.status, outcomes(guests[0].parent)


def add_arguments(p: Any) -> None:
    p.add_argument("kernel", help="a src: kernel (src:debian-7.3, src:PATH)")
    p.add_argument("--patches", type=Path)
    p.add_argument("--config-fragment", action="append", default=[])
    p.add_argument("--max", type=int, help="mutants to run (a sample)")
    p.add_argument("--functions", help="only functions matching this glob")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--ids", help="run exactly these mutants (ID,ID,...: the "
                   "ids of mutants.json or --list), e.g. to show that a new "
                   "test kills a survivor; --max/--functions do not apply")
    p.add_argument("--programs", help="our suites to run (a,b; default all)")
    p.add_argument("--list", action="store_true",
                   help="list the mutants (after sampling), build nothing")
    p.add_argument("--build", type=Path, default=Path("build"))
    p.add_argument("--results", type=Path, default=Path("results"))
    p.add_argument("--cache")
    p.add_argument("--build-jobs", type=int, default=2,
                   help="make -j of the base build (a mutant builds with -j1 "
                   "beside the previous mutant's guest)")
    p.add_argument("--program-timeout", type=int, default=60)
    p.add_argument("--reclassify", type=Path, metavar="RUN",
                   help="recompute the verdicts of a finished run (its "
                   "mutate/ directory) from its guests' records, no boot")


def run(args: Any) -> int:
    from . import coverage
    try:
        return _run(args)
    except (MutateError, coverage.CoverageError) as e:
        print(f"mutate: error: {e}", file=sys.stderr)
        return 2


def select(all_mutants: list[Mutant], args: Any,
           compiled: Callable[[Mutant], bool]) -> list[Mutant]:
    """--ids, or a --seed sample of --max among --functions of the mutants
    in files the configuration compiles; in the order they run (shuffled,
    so that a run stopped early is still a sample of all)."""
    if args.ids:
        want = [i.strip() for i in args.ids.split(",") if i.strip()]
        by_id = {m.ident: m for m in all_mutants}
        unknown = [i for i in want if i not in by_id]
        if unknown:
            raise MutateError(f"no such mutant: {', '.join(unknown)} (the ids "
                              "of `--list` or mutants.json of this source)")
        return [by_id[i] for i in want]
    pool = [m for m in all_mutants if compiled(m)]
    if len(pool) < len(all_mutants):
        say(f"{len(all_mutants) - len(pool)} mutant(s) in files this "
            "configuration does not compile: left out")
    mutants = sample(pool, args.max, args.seed, args.functions)
    random.Random(args.seed).shuffle(mutants)
    return mutants


def _run(args: Any) -> int:
    from . import coverage
    if args.reclassify:
        data = json.loads((args.reclassify / "mutants.json").read_text())
        write_report(args.reclassify, reclassify(args.reclassify),
                     data["seconds"], data["seed"])
        print((args.reclassify / "mutate.md").read_text())
        return 0
    t0 = time.monotonic()
    selection = args.programs.split(",") if args.programs else None
    suites = coverage.our_suites(args.build, selection)
    k = coverage.build_kernel(args.kernel, args.patches, args.config_fragment,
                              args.cache, args.build_jobs)
    all_mutants = generate(k.tree)
    if args.list:
        for m in select(all_mutants, args, lambda m: True):
            print(f"{m.ident} {m.describe()}")
        return 0
    from vm import cache as vmcache
    cache_root = Path(vmcache.cache_dir(args.cache))
    say("base tree (kept build of the unmutated kernel; the first time this "
        "is a full build)")
    base = base_tree(cache_root, k.tree, str(k.build["source"]["id"]),
                     sorted(k.patches.glob("*.patch")),
                     [Path(f) for f in k.fragments], args.build_jobs)
    mutants = select(all_mutants, args,
                     lambda m: (base.out / object_of(m)).is_file())
    say(f"{len(mutants)} mutant(s) selected (seed {args.seed})")
    out = args.results / time.strftime("%Y%m%d-%H%M%S") / "mutate"
    out.mkdir(parents=True)
    stage = out / "stage"
    stage.mkdir()
    for p in suites:
        shutil.copy2(p, stage / p.name)
    log = out / "build.log"
    # the unmutated kernel: a killed run may have left a mutant's object
    # (restore_base gave its source a new mtime: recompiled here)
    from vm import build as vmbuild
    make = vmbuild.make_argv(str(base.src), str(base.out), args.build_jobs,
                             "vmlinux")
    if _logged(make, log):
        raise MutateError(f"the unmutated base does not build: {log}")
    save_pristine(base)
    ref = out / "baseline-vmlinux"
    shutil.copyfile(base.out / "vmlinux", ref)

    def build_one(m: Mutant) -> Built:
        t = time.monotonic()
        d = out / "mutants" / m.ident
        d.mkdir(parents=True)
        (d / "mutant.diff").write_text(diff(k.tree, m))
        verdict = build_mutant(base, m, 1, d / "build.log", d / "vmlinux")
        return Built(m, verdict, None if verdict else d / "vmlinux",
                     time.monotonic() - t)

    def boot_one(b: Built) -> tuple[str, list[str], float]:
        assert b.vmlinux is not None
        t = time.monotonic()
        status, got = boot(b.vmlinux, stage, b.vmlinux.parent / "guest",
                           args.program_timeout, guest_limit[0])
        b.vmlinux.unlink()
        verdict, cells = classify(baseline, got, status)
        return verdict, cells, time.monotonic() - t

    rows: list[dict[str, Any]] = []
    baseline: dict[str, str] = {}
    # a mutant that hangs its guest is killed as soon as it takes 4 times
    # the unmutated kernel's guest (at least the program timeout), not
    # after 4 program timeouts: set once the baseline has booted
    guest_limit: list[float | None] = [None]
    # the builder starts on the first mutants while the baseline boots
    with contextlib.closing(Pipeline(mutants, build_one, boot_one)) as runs:
        tb = time.monotonic()
        status, baseline = boot(ref, stage, out / "baseline",
                                args.program_timeout)
        if status != "ok" or not baseline:
            raise MutateError(f"the unmutated kernel's guest is {status}: "
                              f"{out / 'baseline'}")
        guest_limit[0] = max(float(args.program_timeout),
                             4 * (time.monotonic() - tb))
        say(f"baseline: {len(baseline)} cells in "
            f"{time.monotonic() - tb:.0f} s; a mutant's guest is stopped "
            f"after {guest_limit[0]:.0f} s")
        for i, row in enumerate(runs, 1):
            rows.append(row)
            say(f"[{i}/{len(mutants)}] {row['verdict']} {row['id']}: "
                f"{row['file']}:{row['line']} {row['function']}: "
                f"{row['operator']} `{row['original']}` -> "
                f"`{row['replacement']}` (build {row['build_seconds']:.0f} "
                f"s, boot {row['boot_seconds']:.0f} s, "
                f"{time.monotonic() - t0:.0f} s so far)")
            write_report(out, rows, time.monotonic() - t0, args.seed)
    write_report(out, rows, time.monotonic() - t0, args.seed)
    print((out / "mutate.md").read_text())
    return 0


VERDICTS = ("killed", "survived", "equivalent", "not built", "not compiled",
            "error")


def score(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of each verdict; the score is killed / (killed + survived):
    mutants that did not build, whose object is the unmutated one, or whose
    guest failed on our side are not in it."""
    n = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    ran = n["killed"] + n["survived"]
    return {**n, "score": round(100.0 * n["killed"] / ran, 1) if ran else None}


def write_report(out: Path, rows: list[dict[str, Any]], seconds: float,
                 seed: int) -> None:
    s = score(rows)
    busy = sum(r["build_seconds"] + r["boot_seconds"] for r in rows)
    (out / "mutants.json").write_text(json.dumps(
        {"schema": "llconform-mutate/2", "seed": seed,
         "seconds": round(seconds, 1),
         "build_plus_boot_seconds": round(busy, 1), **s, "mutants": rows},
        indent=1) + "\n")
    lines = [f"# Mutation run: {len(rows)} mutant(s), {seconds / 60:.1f} min",
             "",
             "; ".join(f"{v} {s[v]}" for v in VERDICTS if s[v] or v in (
                 "killed", "survived"))
             + f"; score {s['score']}% (killed / (killed + survived))",
             "",
             f"build + boot {busy / 60:.1f} min (the builder works while the "
             "previous mutant boots)", ""]
    for r in rows:
        if r["verdict"] != "survived":
            continue
        lines += [f"## survived: {r['id']} {r['file']}:{r['line']} "
                  f"{r['function']} ({r['operator']})", "", "```diff",
                  (out / "mutants" / r["id"] / "mutant.diff").read_text()
                  .rstrip(), "```", ""]
    same = [r for r in rows if r["verdict"] == "equivalent"]
    if same:
        lines += ["## equivalent (the object is the unmutated one)", ""]
        lines += [f"- {r['id']} {r['file']}:{r['line']} {r['function']}: "
                  f"{r['operator']} `{r['original']}` -> `{r['replacement']}`"
                  for r in same]
        lines.append("")
    (out / "mutate.md").write_text("\n".join(lines) + "\n")
