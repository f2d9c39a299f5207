"""The guest /init binary (harness/guest_init.c), built on demand into the cache."""

from __future__ import annotations

import hashlib
import os
import subprocess

from . import cache

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.path.join(REPO, "harness", "guest_init.c")
CFLAGS = ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-O2", "-static"]
LIBS = ["-lz"]  # the results channel is deflated (see guest_init.c)


def build(cache_root: str, source: str = SOURCE) -> str:
    """Path of a static guest_init built from `source` (cached by content hash)."""
    with open(source, "rb") as f:
        digest = hashlib.sha256(f.read() + " ".join(CFLAGS + LIBS).encode()).hexdigest()[:16]
    out = os.path.join(cache_root, "init", f"guest_init-{digest}")
    if os.path.exists(out):
        return out
    tmp = cache.temp_path(out)
    res = subprocess.run(
        ["gcc", *CFLAGS, "-o", tmp, source, *LIBS], stderr=subprocess.PIPE, text=True
    )
    if res.returncode != 0:
        os.unlink(tmp)
        raise RuntimeError(f"building {source} failed:\n{res.stderr}")
    os.chmod(tmp, 0o755)
    os.replace(tmp, out)
    return out


def locate(cache_root: str, explicit: str | None = None) -> str:
    explicit = explicit or os.environ.get("LLCONFORM_INIT")
    if explicit:
        if not os.access(explicit, os.X_OK):
            raise RuntimeError(f"guest init {explicit} is not an executable file")
        return explicit
    return build(cache_root)
