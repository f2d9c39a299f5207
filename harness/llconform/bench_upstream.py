"""`llconform bench --upstream-tree NAME`: the selftests of another tree.

The host part of the bench compares our suites with the Landlock selftests
of the linux-source tree our kselftest harness headers come from
(build/kselftest/). This module builds the selftests of any other tree the
vm tool can obtain (`src:debian-7.3`: Debian's linux-source-7.3, fetched
and unpacked through the vm tool's private, signature-verified apt state
into its cache, as `./llconform fetch src:debian-7.3` does; `src:PATH`:
a local tree) into build/bench/upstream-<series>/, each program with that
tree's own kselftest harness, its landlock/*.h and copies of its UAPI
headers (see UAPI_HEADERS).
"""

import errno
import filecmp
import os
import shutil
import socket
import struct
from dataclasses import dataclass
from pathlib import Path


from vm import api as vmapi
from vm import catalogue as vmcatalogue
from vm import kernels as vmkernels
from vm import packages as vmpackages
from vm import source as vmsource

from .bench import BenchError, Upstream, build_selftests

# The default of --upstream-tree: the newest series of Debian's
# linux-source that the vm catalogue serves.
DEFAULT_TREE = "src:debian-7.3"
# UAPI headers taken from the tree itself (the host's linux-libc-dev is
# older): Landlock rights and audit records, newer fs ioctls and mount
# flags, and AT_EXECVE_CHECK (linux/fcntl.h, fs_test since 6.14).
UAPI_HEADERS = (
    "linux/landlock.h", "linux/audit.h", "linux/fs.h", "linux/mount.h",
    "linux/fcntl.h",
)
SELFTESTS = Path("tools/testing/selftests")


@dataclass
class Tree:
    name: str
    path: Path
    label: str  # "linux-source-7.3 7.3.4-1~bpo13+1" or "tree PATH (7.3.4)"
    series: str  # "7.3"


def obtain_tree(name: str) -> Tree:
    """The source tree of a `src:` name, fetched through the vm tool.

    In process, as `./llconform fetch NAME` does: resolve the name in
    the catalogue (Debian's package lists, refreshed when old), then
    download and unpack the linux-source package unless it already is in
    the cache.
    """
    if not name.startswith("src:"):
        raise BenchError(
            f"--upstream-tree {name}: a vm source name is expected, such as "
            f"{DEFAULT_TREE} (Debian's linux-source-7.3) or src:/path/to/tree"
        )
    try:
        kernels = vmapi.Kernels(vmapi.KernelOptions())
        k = kernels.resolve(name)
        if k.kind != "src":
            raise BenchError(f"--upstream-tree {name}: not a source tree")
        if vmsource.available(k, kernels.cache) is None and k.packages:
            vmpackages.ensure_packages(vmkernels.SOURCE_TOOLS)
        tree, desc = vmsource.obtain(k, kernels.apt, kernels.cache)
    except BenchError:
        raise
    except (vmcatalogue.CatalogueError, vmsource.SourceError,
            vmpackages.MissingTool, RuntimeError, OSError) as e:
        raise BenchError(
            f"--upstream-tree {name}: could not obtain the tree: {e} (try "
            f"`./llconform fetch {name}`)"
        ) from e
    version = str(desc["kernelversion"])
    series = ".".join(version.split(".")[:2])
    if desc["kind"] == "debian":
        label = f"{desc['package']} {desc['version']}"
    else:
        label = f"tree {tree} ({version})"
    return Tree(name, Path(tree), label, series)


def copy_if_changed(src: Path, dst: Path) -> None:
    """copy2 (keeping the tree's mtime) unless dst already is the same."""
    if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def build_tree(tree: Tree, build: Path) -> tuple[Upstream, Path]:
    """Every `landlock/*_test.c` of the tree, and `true`, statically.

    Returns the programs (those that did not build are in `skipped`, with
    the compiler's reason) and the output directory.
    """
    selftests = tree.path / SELFTESTS
    out = build / "bench" / f"upstream-{tree.series}"
    include = out / "include"
    missing = [h for h in UAPI_HEADERS
               if not (tree.path / "include" / "uapi" / h).is_file()]
    if missing:
        raise BenchError(f"{tree.path}: no include/uapi/{', '.join(missing)}")
    for h in UAPI_HEADERS:
        copy_if_changed(tree.path / "include" / "uapi" / h, include / h)
    return build_selftests(selftests, include, out, tree.label), out


# --- audit rules left by a timed-out upstream test -----------------------

# The audit tests of newer trees (audit_test, scoped_abstract_unix_test)
# add kernel-wide audit rules "never log a record whose exe is not this
# test" and remove them in their teardown. A test that times out on this
# kernel (an ABI it lacks) never reaches the teardown: the rule stays and
# silences every other program's audit records on the host, ours
# (abi7_logging) included, until it is deleted.
NETLINK_AUDIT = 9
AUDIT_DEL_RULE, AUDIT_LIST_RULES = 1012, 1013
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
AUDIT_EXE = 112
RULE_HEAD = 12 + 4 * 64 * 4 + 4  # flags action field_count, 4 arrays, buflen


def _audit_request(
    sock: socket.socket, msg_type: int, payload: bytes, flags: int
) -> list[tuple[int, bytes]]:
    sock.send(struct.pack("=IHHII", 16 + len(payload), msg_type, flags, 1, 0)
              + payload)
    out: list[tuple[int, bytes]] = []
    while True:
        data = sock.recv(1 << 16)
        off = 0
        while off + 16 <= len(data):
            length, typ = struct.unpack_from("=IH", data, off)
            out.append((typ, data[off + 16:off + length]))
            off += max(16, (length + 3) & ~3)
        if not data or out[-1][0] in (NLMSG_ERROR, NLMSG_DONE):
            return out


def clear_audit_rules(out: Path) -> list[str]:
    """Delete the audit rules whose AUDIT_EXE field names a program of
    `out` (a selftest of ours built there); what was deleted, or why not."""
    prefix = str(out.resolve()).encode() + b"/"
    done: list[str] = []
    try:
        with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                           NETLINK_AUDIT) as sock:
            sock.settimeout(2)
            rules = [p for t, p in _audit_request(
                sock, AUDIT_LIST_RULES, b"", NLM_F_REQUEST | NLM_F_DUMP)
                if t == AUDIT_LIST_RULES and len(p) >= RULE_HEAD]
            for rule in rules:
                count = struct.unpack_from("=I", rule, 8)[0]
                fields = struct.unpack_from("=64I", rule, 12 + 256)[:count]
                buflen = struct.unpack_from("=I", rule, RULE_HEAD - 4)[0]
                buf = rule[RULE_HEAD:RULE_HEAD + buflen]
                if AUDIT_EXE not in fields or not buf.startswith(prefix):
                    continue
                acks = _audit_request(sock, AUDIT_DEL_RULE,
                                      rule[:RULE_HEAD + buflen],
                                      NLM_F_REQUEST | NLM_F_ACK)
                err = next((struct.unpack_from("=i", p)[0]
                            for t, p in acks if t == NLMSG_ERROR), 0)
                exe = Path(buf.decode(errors="replace")).name
                done.append(f"exe!={exe}" + (
                    f" (not deleted: {os.strerror(-err)})" if err else ""))
    except OSError as e:
        if done:
            done.append(f"then: {e}")
        elif e.errno not in (errno.EPROTONOSUPPORT, errno.EPERM,
                             errno.EACCES):
            done.append(f"could not list the audit rules: {e}")
    return done
