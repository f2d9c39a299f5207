"""vm's library API without QEMU: names to kernels (host@USER), and boot()
yielding typed results, written to guest.json from those results."""
from __future__ import annotations

import json
import os
import pwd
import shutil
import tempfile
from pathlib import Path

import pytest

from vm import api, boot, catalogue, guestinit

CAT = catalogue.load()
RUN_AS = "nobody"


def test_host_at_user_is_the_host_row_as_that_user() -> None:
    k = catalogue.resolve(f"host@{RUN_AS}", CAT, [])
    assert (k.kind, k.user, k.slug) == ("host", RUN_AS, f"host-as-{RUN_AS}")
    assert k.describe()["user"] == RUN_AS
    assert catalogue.resolve("host", CAT, []).user is None
    with pytest.raises(catalogue.CatalogueError, match="no such user"):
        catalogue.resolve("host@no-such-user-here", CAT, [])
    assert not catalogue.needs_package_lists(f"host@{RUN_AS}")


def test_host_row_as_a_user_runs_the_same_init_through_setpriv() -> None:
    run = boot._Run(api.BootRequest(out="o", program_timeout=7), init="/init", qemu="q")
    k = catalogue.resolve(f"host@{RUN_AS}", CAT, [])
    argv = boot.host_argv(k, run, "/suites")
    uid = pwd.getpwnam(RUN_AS).pw_uid
    assert argv[:2] == ["setpriv", f"--reuid={uid}"]
    assert argv[argv.index("--") + 1:] == ["/init", "--host", "--timeout", "7", "/suites"]
    root = boot.host_argv(catalogue.resolve("host", CAT, []), run, "/suites")
    assert root == argv[argv.index("--") + 1:]


def _program(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root: runs a row as another user")
def test_boot_yields_typed_results_and_writes_them(tmp_path: Path) -> None:
    # Readable by the other user (pytest's own folders are not).
    suites = Path(tempfile.mkdtemp(prefix="llconform-test-"))
    suites.chmod(0o755)
    request_suites = str(suites)
    _program(suites, "p", "echo 'TAP version 13'; echo '1..1'; echo \"ok 1 uid=$(id -u)\"")
    request = api.BootRequest(
        out=str(tmp_path / "out"), suites=request_suites, jobs=2,
        init=guestinit.build(str(tmp_path / "cache")),
        kernels=api.KernelOptions(cache=str(tmp_path / "cache"), offline=True))
    try:
        results = list(api.boot(["host", f"host@{RUN_AS}", "no-such-kernel"], request))
    finally:
        shutil.rmtree(suites)
    by_name = {r.kernel: r for r in results}
    assert set(by_name) == {"host", f"host@{RUN_AS}", "no-such-kernel"}
    assert results[0].kernel == "no-such-kernel"  # what cannot resolve comes first
    assert by_name["no-such-kernel"].status == "error"
    for name, uid in (("host", 0), (f"host@{RUN_AS}", pwd.getpwnam(RUN_AS).pw_uid)):
        r = by_name[name]
        assert isinstance(r, api.GuestResult) and r.status == "ok", r.message
        (program,) = r.programs
        assert isinstance(program, api.GuestProgram) and program.status == "ok"
        ktap = (tmp_path / "out" / r.folder / program.ktap).read_text()
        assert f"ok 1 uid={uid}" in ktap
        written = json.loads((tmp_path / "out" / r.folder / "guest.json").read_text())
        assert written == json.loads(json.dumps(r.to_json()))
        assert api.GuestResult.from_json(written) == r
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [s["kernel"] for s in summary] == ["host", f"host@{RUN_AS}", "no-such-kernel"]
    assert api.exit_code(results) == 2
