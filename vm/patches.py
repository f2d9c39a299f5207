"""Patches of kernels built here: the series of a --patches directory, a
hard-link copy of the source tree that patching never writes through, and
a failed hunk said as file, hunk number, line and function."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess

from .errors import BuildError


def patch_files(patches: str | None) -> list[str]:
    if not patches:
        return []
    return sorted(
        os.path.join(patches, n)
        for n in os.listdir(patches)
        if n.endswith(".patch") and os.path.isfile(os.path.join(patches, n))
    )


def _patch_targets(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"^(?:---|\+\+\+) (?:[^/\s]+/)(\S+)", text, re.M):
        if m.group(1) != "null" and m.group(1) not in out:
            out.append(m.group(1))
    return out


def _hunk_header(text: str, file: str, number: int) -> str | None:
    """The `@@ ... @@` line of hunk `number` (1-based) of `file` in a patch."""
    current = None
    n = 0
    for line in text.splitlines():
        m = re.match(r"^\+\+\+ (?:[^/\s]+/)?(\S+)", line)
        if m:
            current, n = m.group(1), 0
            continue
        if line.startswith("@@") and current == file:
            n += 1
            if n == number:
                return line
    return None


def patch_failure(patch_name: str, patch_text: str, output: str) -> str:
    """A readable account of GNU patch's output for a patch that did not apply."""
    failures = []
    current = "?"
    for line in output.splitlines():
        m = re.match(r"^(?:patching|checking) file (.+)$", line)
        if m:
            current = m.group(1).strip("'\"")
            continue
        m = re.match(r"^Hunk #(\d+) FAILED at (\d+)", line)
        if m:
            hdr = _hunk_header(patch_text, current, int(m.group(1)))
            failures.append(
                f"{current}: hunk #{m.group(1)} FAILED at line {m.group(2)}"
                + (f", hunk header: {hdr}" if hdr else "")
            )
            continue
        if "can't find file to patch" in line:
            failures.append("a file it patches does not exist in the tree")
        if "Reversed (or previously applied) patch detected" in line:
            failures.append(f"{current}: already applied (or reversed)")
        if re.search(r"malformed patch|Only garbage was found", line):
            failures.append(line.strip())
    detail = "; ".join(failures) or "see patch's output"
    tail = "\n".join(output.strip().splitlines()[-15:])
    return f"patch {patch_name} does not apply: {detail}\n--- patch -p1 said:\n{tail}"


def apply_patches(tree: str, patches: list[str]) -> list[str]:
    """Apply each patch with `patch -p1` in tree (a hard-link copy: every file a patch
    touches is first replaced by a private copy). Notes on fuzz/offsets; BuildError on
    the first patch that does not apply."""
    notes = []
    for path in patches:
        name = os.path.basename(path)
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for rel in _patch_targets(text):
            unshare(os.path.join(tree, rel))
        argv = [
            "patch", "-p1", "--batch", "--forward", "--no-backup-if-mismatch",
            "--reject-file=-", "-i", path,
        ]
        res = subprocess.run(argv, cwd=tree, capture_output=True, text=True)
        out = res.stdout + res.stderr
        if res.returncode != 0:
            raise BuildError(patch_failure(name, text, out))
        fuzz = [ln for ln in out.splitlines() if "with fuzz" in ln]
        if fuzz:
            notes.append(f"{name}: {len(fuzz)} hunk(s) applied with fuzz")
    return notes


def unshare(path: str) -> None:
    """Break a hard link so that writing `path` cannot change the cached tree."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if st.st_nlink > 1 and not os.path.islink(path):
        tmp = path + ".llconform-unshare"
        shutil.copy2(path, tmp)
        os.replace(tmp, path)


def link_tree(src: str, dst: str) -> None:
    """Copy a tree with hard links (fallback: real copies across filesystems); no .git."""
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d != ".git"]
        rel = os.path.relpath(root, src)
        target = os.path.join(dst, rel) if rel != "." else dst
        os.makedirs(target, exist_ok=True)
        for d in dirs:
            p = os.path.join(root, d)
            if os.path.islink(p):
                os.symlink(os.readlink(p), os.path.join(target, d))
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in files:
            s, t = os.path.join(root, name), os.path.join(target, name)
            if os.path.islink(s):
                os.symlink(os.readlink(s), t)
                continue
            try:
                os.link(s, t)
            except OSError as e:
                if e.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
                shutil.copy2(s, t)
