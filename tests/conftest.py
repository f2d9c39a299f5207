import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "boot: boots a real Debian kernel in QEMU (downloads it on first use); "
        "deselect with -m 'not boot'",
    )
