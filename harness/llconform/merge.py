"""The shards' matrices as one.

Shards of different suite builds are refused: their cells would not mean
the same thing.  A kernel present in two shards is refused too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .matrix import MatrixError


def merge(docs: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    (first_path, first), rest = docs[0], docs[1:]
    kernels: list[dict[str, Any]] = list(first["kernels"])
    cells: dict[str, Any] = dict(first["cells"])
    programs: dict[str, list[str]] = dict(first["programs"])
    for path, doc in rest:
        if doc["suite_build"] != first["suite_build"]:
            raise MatrixError(
                f"{path}: suite build {doc['suite_build']} differs from "
                f"{first_path}'s {first['suite_build']}: shards must come "
                "from one build of the suites")
        for kernel in doc["kernels"]:
            if kernel["name"] in cells:
                raise MatrixError(f"{path}: kernel {kernel['name']} is in "
                                  "two shards")
            kernels.append(kernel)
            cells[kernel["name"]] = doc["cells"][kernel["name"]]
        for program, tests in doc["programs"].items():
            programs.setdefault(program, tests)
    return {**first, "kernels": kernels, "cells": cells, "programs": programs}
