"""The host row run as another user (make check's `nobody` pass) runs copies
of the init and the programs that this user can reach: a clone under /root
(mode 0700, as on a fresh machine) is not."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from vm.boot import _readable_copy


def test_init_and_programs_copied_readable_by_all(tmp_path: Path) -> None:
    build = tmp_path / "root"
    (build / "suites").mkdir(parents=True)
    (build / "init").write_bytes(b"init")
    (build / "suites" / "base").write_bytes(b"base")
    os.chmod(build, 0o700)
    out = tmp_path / "tmp"
    out.mkdir()
    init, suites = _readable_copy(str(build / "init"),
                                  str(build / "suites"), str(out))
    assert Path(init).read_bytes() == b"init"
    assert sorted(os.listdir(suites)) == ["base"]
    for p in (Path(init), Path(suites), Path(suites) / "base",
              Path(init).parent):
        assert stat.S_IMODE(p.stat().st_mode) == 0o755, p
    # Again into the same place (a second run): replaced, not an error.
    assert _readable_copy(str(build / "init"), str(build / "suites"),
                          str(out)) == (init, suites)
