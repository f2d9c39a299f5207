import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "boot: boots a real Debian kernel in QEMU (downloads it on first use); "
        "deselect with -m 'not boot'",
    )
