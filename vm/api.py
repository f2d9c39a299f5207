"""The library API of vm/, in one import: `from vm import api`.

    kernels = api.Kernels(api.KernelOptions(offline=True))
    k = kernels.resolve("debian-6.1")          # -> api.Kernel
    image = kernels.obtain(k)                  # -> api.Image in the cache
    for result in api.boot(["debian-6.1", "host@nobody"],
                           api.BootRequest(out="out", suites="build/suites")):
        ...                                    # -> api.GuestResult, as each ends

vm/ knows nothing of Landlock: expectations are carried as data.
"""

from __future__ import annotations

from .boot import PROGRAM_TIMEOUT, BootRequest, boot
from .catalogue import CatalogueError, Kernel
from .fetch import Image
from .guest import GuestProgram, GuestResult, Times, exit_code
from .kernels import OBTAIN_ERRORS, KernelOptions, Kernels

__all__ = [
    "BootRequest",
    "CatalogueError",
    "GuestProgram",
    "GuestResult",
    "Image",
    "Kernel",
    "KernelOptions",
    "Kernels",
    "OBTAIN_ERRORS",
    "PROGRAM_TIMEOUT",
    "Times",
    "boot",
    "exit_code",
]
