"""The kernel cache directory and atomic file writes."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any


def cache_dir(override: str | None = None) -> str:
    path = (
        override
        or os.environ.get("LLCONFORM_CACHE")
        or os.path.join(os.path.expanduser("~"), ".cache", "llconform")
    )
    os.makedirs(path, exist_ok=True)
    return os.path.abspath(path)


def temp_path(final: str) -> str:
    """A fresh temporary name beside `final` (same filesystem, for rename)."""
    d = os.path.dirname(final) or "."
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(final) + ".", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the cache private
    return tmp


def write_atomic(final: str, data: bytes) -> None:
    tmp = temp_path(final)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json_atomic(final: str, obj: Any) -> None:
    write_atomic(final, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
