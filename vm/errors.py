"""vm's errors shared by several modules."""

from __future__ import annotations


class BuildError(RuntimeError):
    """A src: kernel could not be built (bad patch, dropped option, compiler error, ...)."""
