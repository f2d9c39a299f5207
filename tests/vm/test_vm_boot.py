"""Smoke test: boot one real Debian kernel with a trivial static program.

Downloads the kernel into the cache on first use (~35 MB). Deselect with
`-m 'not boot'`.
"""

import json
import os
import subprocess

import pytest

from vmdata import REPO

PROGRAM = r"""
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    long abi = syscall(444, NULL, 0, 1);
    printf("TAP version 13\n1..1\n# abi=%ld errno=%d\nok 1 smoke\n", abi, abi < 0 ? errno : 0);
    return 0;
}
"""


@pytest.mark.boot
def test_boot_debian_6_12(tmp_path: os.PathLike) -> None:
    suites = os.path.join(tmp_path, "suites")
    os.makedirs(suites)
    src = os.path.join(tmp_path, "smoke.c")
    with open(src, "w") as f:
        f.write(PROGRAM)
    subprocess.run(["gcc", "-static", "-O2", "-o", os.path.join(suites, "smoke"), src], check=True)
    out = os.path.join(tmp_path, "out")
    res = subprocess.run(
        [
            os.path.join(REPO, "llconform"),
            "boot",
            "debian-6.12",
            "--suites",
            suites,
            "--out",
            out,
            "--accel",
            "tcg",
            "--guest-timeout",
            "120",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    with open(os.path.join(out, "debian-6.12", "guest.json")) as f:
        guest = json.load(f)
    assert guest["status"] == "ok"
    assert guest["uname"].startswith("6.12.")
    assert guest["programs"][0]["name"] == "smoke" and guest["programs"][0]["status"] == "ok"
    assert guest["times"]["boot_to_init"] > 0
    assert guest["qemu_command"].startswith("qemu-system-x86_64 ")
    with open(os.path.join(out, "debian-6.12", "smoke.ktap")) as f:
        ktap = f.read()
    assert "ok 1 smoke" in ktap and "# abi=6 errno=0" in ktap
    for name in ("console.log", "results.log"):
        assert os.path.getsize(os.path.join(out, "debian-6.12", name)) > 0
