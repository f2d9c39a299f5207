"""Kernels built from source (vm/build.py, vm/source.py): everything but a real build.

A fake "source tree" whose Makefile mimics the kernel's targets (tinyconfig,
olddefconfig, bzImage/vmlinux) drives the whole pipeline in well under a second.
"""

import os
import shutil
import subprocess

import pytest

from vmdata import read_data
from vm import build, catalogue, kconfig, packages, patches
from vm.catalogue import CatalogueError

CAT = catalogue.load()

FAKE_MAKEFILE = """\
VERSION = 7
PATCHLEVEL = 3
SUBLEVEL = 4
EXTRAVERSION =
tinyconfig:
\tprintf 'CONFIG_64BIT=y\\n# CONFIG_FOO is not set\\nCONFIG_BAZ=y\\n' > $(O)/.config
olddefconfig:
\tsed -i -e '/^CONFIG_FOO=/d' $(O)/.config
bzImage vmlinux:
\t@echo '  CC      kernel/fork.o'
\t@echo "$(FAIL_WITH)"
\t@exit 1
"""

FAKE_KCONFIG = """\
config 64BIT
\tbool "64-bit kernel"

if NET
config FOO
\tbool "foo"
\tdepends on BAR && 64BIT
\thelp
\t  depends on NOT_A_DEPENDENCY (help text)
endif

config BAR
\tbool "bar"
\tselect BAZ
"""

GOOD_C = "int main(void)\n{\n\treturn 0;\n}\n"

BAD_PATCH = """\
From: someone <a@b>
Subject: [PATCH] change main

---
 init/main.c | 2 +-
 1 file changed, 1 insertion(+), 1 deletion(-)

diff --git a/init/main.c b/init/main.c
--- a/init/main.c
+++ b/init/main.c
@@ -1,4 +1,4 @@ int main(void)
 int main(void)
 {
-\treturn 42;
+\treturn 43;
 }
"""

GOOD_PATCH = BAD_PATCH.replace("return 42", "return 0").replace("return 43", "return 1")


@pytest.fixture
def tree(tmp_path: "os.PathLike[str]") -> str:
    t = os.path.join(str(tmp_path), "linux")
    os.makedirs(os.path.join(t, "arch", "x86"))
    os.makedirs(os.path.join(t, "init"))
    for rel, text in {
        "Makefile": FAKE_MAKEFILE,
        "Kconfig": FAKE_KCONFIG,
        "arch/x86/Kconfig": "config X86\n\tdef_bool y\n",
        "init/main.c": GOOD_C,
    }.items():
        with open(os.path.join(t, rel), "w") as f:
            f.write(text)
    return t


@pytest.fixture
def env(tmp_path: "os.PathLike[str]", monkeypatch: pytest.MonkeyPatch) -> dict:
    if shutil.which("make") is None or shutil.which("patch") is None:
        pytest.skip("needs make and patch")
    monkeypatch.setattr(packages, "ensure_packages", lambda cmds, install=True: None)
    base = str(tmp_path)
    frag = os.path.join(base, "project.config")
    with open(frag, "w") as f:
        f.write("CONFIG_64BIT=y\n# CONFIG_PRINTK_TIME is not set\n")
    return {"cache": os.path.join(base, "cache"), "project": frag, "base": base}


def write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def src_kernel(tree: str, patches: str | None = None, fragments: list | None = None):
    return catalogue.resolve(
        "src:" + tree, CAT, [], patches=patches, fragments=fragments or []
    )


def nothing_cached(cache_root: str) -> None:
    root = os.path.join(cache_root, "builds")
    left = [n for n in os.listdir(root) if not n.startswith((".", "failed-"))] if os.path.isdir(
        root
    ) else []
    tmp = [n for n in os.listdir(root) if n.startswith(".tmp")] if os.path.isdir(root) else []
    assert left == [] and tmp == []


# -- fragments and the dropped-option check ----------------------------------

def test_fragments_merge_in_order_and_later_ones_win() -> None:
    a = kconfig.parse_config("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S=\"x\"\n", "a", True)
    b = kconfig.parse_config("# comment\n\nCONFIG_B=y\n# CONFIG_A is not set\n", "b", True)
    merged, notes = kconfig.merge_fragments([("a", a), ("b", b)])
    assert merged == {"CONFIG_A": None, "CONFIG_B": "y", "CONFIG_S": '"x"'}
    assert notes == [
        "b overrides # CONFIG_B is not set (from a) with CONFIG_B=y",
        "b overrides CONFIG_A=y (from a) with # CONFIG_A is not set",
    ]
    text = kconfig.apply_fragment("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\n", merged)
    assert text == '# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_C=y\nCONFIG_S="x"\n'


def test_fragment_garbage_line_is_named() -> None:
    with pytest.raises(build.BuildError, match=r"f.config:2: not a Kconfig fragment line"):
        kconfig.parse_config("CONFIG_A=y\nA=y\n", "f.config", strict=True)


def test_project_fragment_parses_and_asks_for_landlock() -> None:
    frag = kconfig.read_fragment(build.PROJECT_FRAGMENT)
    assert frag["CONFIG_SECURITY_LANDLOCK"] == "y"
    assert '"landlock"' in (frag["CONFIG_LSM"] or "")
    assert frag["CONFIG_SECURITY_LANDLOCK_KUNIT_TEST"] is None
    assert frag["CONFIG_PVH"] == "y" and frag["CONFIG_AUDIT"] == "y"
    assert frag["CONFIG_PRINTK_TIME"] is None


def test_recorded_config_keeps_every_option_of_the_fragments() -> None:
    """The .config of the NO_INHERIT build (7.3.4, tinyconfig + both fragments)."""
    final = kconfig.parse_config(read_data("src-7.3-no-inherit.config"))
    project = kconfig.read_fragment(build.PROJECT_FRAGMENT)
    assert kconfig.dropped_options(project, final) == []
    series = os.path.join(os.path.dirname(__file__), "data", "no-inherit-config-fragment")
    assert kconfig.dropped_options(kconfig.read_fragment(series), final) == []
    # what olddefconfig does to options that do not survive:
    asked = {"CONFIG_MODULES": "y", "CONFIG_SECURITY_LANDLOCK": None, "CONFIG_NOPE": "y"}
    dropped = kconfig.dropped_options(asked, final)
    assert dropped == [
        ("CONFIG_MODULES", "y", None),
        ("CONFIG_SECURITY_LANDLOCK", None, "y"),
        ("CONFIG_NOPE", "y", None),
    ]


def test_dropped_option_is_named_with_its_kconfig_dependencies(tree: str) -> None:
    final: dict[str, str | None] = {"CONFIG_64BIT": "y", "CONFIG_BAZ": "y"}
    asked = {"CONFIG_FOO": "y", "CONFIG_BAZ": None, "CONFIG_MISSING": "y", "CONFIG_64BIT": "y"}
    dropped = kconfig.dropped_options(asked, final)
    errors, notes = kconfig.explain_dropped(dropped, final, tree, lenient={"CONFIG_MISSING"})
    assert errors[0].startswith("CONFIG_FOO=y -> not in .config: depends on (NET) && BAR && 64BIT")
    assert "(unset: BAR, NET)" in errors[0] and "[Kconfig]" in errors[0]
    assert "NOT_A_DEPENDENCY" not in errors[0]
    assert errors[1].startswith("# CONFIG_BAZ is not set -> CONFIG_BAZ=y")
    assert len(errors) == 2
    assert notes == ["CONFIG_MISSING=y -> not in .config: no such option in this tree's Kconfig"]


# -- names ------------------------------------------------------------------

def test_src_names(tree: str, tmp_path: "os.PathLike[str]") -> None:
    k = src_kernel(tree)
    assert (k.kind, k.source, k.slug) == ("src", tree, "src-" + tree.lstrip("/").replace("/", "_"))
    assert k.expected["abi"] is None
    k = catalogue.resolve("src:" + tree + "+nolandlock", CAT, [], file_abi=12)
    assert k.expected["status"] == "disabled" and k.append == [catalogue.NOLANDLOCK_APPEND]
    with pytest.raises(CatalogueError, match="no such kernel source tree"):
        src_kernel(str(tmp_path) + "/nope")
    with pytest.raises(CatalogueError, match="not a Linux source tree"):
        src_kernel(str(tmp_path))
    with pytest.raises(CatalogueError, match="no such directory"):
        src_kernel(tree, patches=str(tmp_path) + "/nope")
    # --patches/--config-fragment are for src: kernels; others in the same command ignore them
    k = catalogue.resolve("file:" + tree + "/Makefile", CAT, [], patches=tree)
    assert k.kind == "file" and k.patches is None


def test_src_debian_offline_uses_the_unpacked_source() -> None:
    cached = [{"package": "linux-source-7.3", "version": "7.3.4-1~bpo13+1"}]
    k = catalogue.resolve("src:debian-7.3", CAT, [], cached_sources=cached)
    assert (k.kind, k.series, k.version) == ("src", "7.3", "7.3.4-1~bpo13+1")
    assert (k.expected["abi"], k.expected["errata"]) == (11, 0xF)  # Debian's own source
    k = catalogue.resolve(
        "src:debian-7.3", CAT, [], cached_sources=cached, file_abi=12, file_errata=0xF,
        patches=_patch_dir_with(GOOD_PATCH),
    )
    assert (k.expected["abi"], k.expected["errata"]) == (12, 0xF)
    with pytest.raises(catalogue.NotServed):
        catalogue.resolve("src:debian-7.3", CAT, [])


def _patch_dir_with(text: str) -> str:
    import tempfile

    d = tempfile.mkdtemp()
    write(os.path.join(d, "0001-x.patch"), text)
    return d


# -- cache key --------------------------------------------------------------

def test_cache_key_is_stable_and_covers_every_input(tree: str, env: dict) -> None:
    pdir = os.path.join(env["base"], "patches")
    write(os.path.join(pdir, "0001-a.patch"), GOOD_PATCH)
    frag = write(os.path.join(env["base"], "user.config"), "CONFIG_FOO=y\n")
    src = {"id": "linux-source-7.3_7.3.4-1~bpo13+1"}

    def key(**kw: object) -> str:
        k = src_kernel(tree, **kw)  # type: ignore[arg-type]
        return build.plan_for(k, tree, src, env["project"]).key

    k1 = key(patches=pdir, fragments=[frag])
    assert k1 == key(patches=pdir, fragments=[frag]) and len(k1) == 20
    assert k1 != key(fragments=[frag])
    assert k1 != key(patches=pdir)
    write(os.path.join(pdir, "0001-a.patch"), GOOD_PATCH + "\n")
    assert k1 != key(patches=pdir, fragments=[frag])
    write(os.path.join(pdir, "0001-a.patch"), GOOD_PATCH)
    write(frag, "# a comment changes nothing\nCONFIG_FOO=y\n")
    assert k1 == key(patches=pdir, fragments=[frag])
    src["id"] = "linux-source-7.3_7.3.5-1"
    assert k1 != key(patches=pdir, fragments=[frag])
    # pinned: a change of this value means every cached build is rebuilt
    assert build.cache_key("s", [("/x/0001-a.patch", "00")], {"CONFIG_A": "y"}, "gcc 12") == (
        build.cache_key("s", [("/y/0001-a.patch", "00")], {"CONFIG_A": "y"}, "gcc 12")
    )


def test_tree_fingerprint_changes_with_a_file(tree: str) -> None:
    from vm import source

    f1 = source.tree_fingerprint(tree)
    assert f1 == source.tree_fingerprint(tree)
    with open(os.path.join(tree, "init", "main.c"), "a") as f:
        f.write("/* x */\n")
    assert f1 != source.tree_fingerprint(tree)
    assert source.tree_version(tree) == "7.3.4"


# -- patches ------------------------------------------------------------------

def test_bad_patch_names_the_patch_and_the_hunk(tree: str, env: dict) -> None:
    pdir = os.path.join(env["base"], "patches")
    write(os.path.join(pdir, "0001-good.patch"), GOOD_PATCH)
    write(os.path.join(pdir, "0002-bad.patch"), BAD_PATCH)
    k = src_kernel(tree, patches=pdir)
    with pytest.raises(build.BuildError) as e:
        build.ensure_built(k, None, env["cache"], 1, env["project"])
    msg = str(e.value)
    assert msg.startswith("patch 0002-bad.patch does not apply: init/main.c: hunk #1 FAILED")
    assert ", hunk header: @@ -1,4 +1,4 @@ int main(void)" in msg
    nothing_cached(env["cache"])
    with open(os.path.join(tree, "init", "main.c")) as f:
        assert f.read() == GOOD_C  # the source tree itself is never patched


def test_good_patches_leave_the_original_tree_alone(tree: str, tmp_path) -> None:
    copy = os.path.join(str(tmp_path), "copy")
    patches.link_tree(tree, copy)
    p = write(os.path.join(str(tmp_path), "p", "0001-good.patch"), GOOD_PATCH)
    patches.apply_patches(copy, [p])
    with open(os.path.join(copy, "init", "main.c")) as f:
        assert "return 1;" in f.read()
    with open(os.path.join(tree, "init", "main.c")) as f:
        assert f.read() == GOOD_C


def test_patch_failure_message_from_recorded_output() -> None:
    out = (
        "patching file security/landlock/fs.c\n"
        "Hunk #1 succeeded at 10 (offset 2 lines).\n"
        "Hunk #2 FAILED at 120.\n"
        "1 out of 2 hunks FAILED\n"
    )
    text = (
        "--- a/security/landlock/fs.c\n+++ b/security/landlock/fs.c\n"
        "@@ -8,3 +8,3 @@ first\n a\n-b\n+c\n@@ -118,3 +118,3 @@ static int second(void)\n"
        " a\n-b\n+c\n"
    )
    msg = patches.patch_failure("0003-x.patch", text, out)
    assert msg.startswith(
        "patch 0003-x.patch does not apply: security/landlock/fs.c: hunk #2 FAILED at line 120, "
        "hunk header: @@ -118,3 +118,3 @@ static int second(void)\n"
    )


# -- the build pipeline with a fake tree --------------------------------------

def test_dropped_user_option_is_an_error_and_nothing_is_cached(tree: str, env: dict) -> None:
    frag = write(os.path.join(env["base"], "user.config"), "CONFIG_FOO=y\n")
    k = src_kernel(tree, fragments=[frag])
    with pytest.raises(build.BuildError) as e:
        build.ensure_built(k, None, env["cache"], 1, env["project"])
    msg = str(e.value)
    assert "1 requested config option(s) did not survive `make olddefconfig`" in msg
    assert "CONFIG_FOO=y -> not in .config: depends on (NET) && BAR && 64BIT" in msg
    # CONFIG_PRINTK_TIME of the project fragment is unknown to this tree: a note only
    assert "PRINTK_TIME" not in msg
    nothing_cached(env["cache"])


def test_compile_error_shows_the_log_tail_and_a_reproducer(
    tree: str, env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_WITH", "kernel/fork.c:1:1: error: expected ';'")
    k = src_kernel(tree)
    with pytest.raises(build.BuildError) as e:
        build.ensure_built(k, None, env["cache"], 2, env["project"])
    msg = str(e.value)
    assert "`-j2 bzImage vmlinux` failed (make exit 2)" in msg
    assert "first errors:\n  kernel/fork.c:1:1: error: expected ';'" in msg
    repro = msg.split("reproduce with: ")[1].strip()
    assert repro.startswith("make -C " + os.path.join(env["cache"], "builds", "failed-"))
    assert repro.endswith("ARCH=x86_64 -j1 bzImage vmlinux")
    nothing_cached(env["cache"])
    argv = repro.split()
    assert os.path.isdir(argv[2])  # the kept tree exists, so the line works
    res = subprocess.run(argv, capture_output=True, text=True)
    assert res.returncode != 0 and "error: expected ';'" in res.stdout


def test_full_disk_during_the_build_is_named(
    tree: str, env: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAIL_WITH", "ld: final link failed: No space left on device")
    k = src_kernel(tree)
    with pytest.raises(build.BuildError, match=r"no space left on device under .*MiB free now"):
        build.ensure_built(k, None, env["cache"], 1, env["project"])
    root = os.path.join(env["cache"], "builds")
    assert [n for n in os.listdir(root) if n != ".locks"] == []  # nothing kept


def test_index_has_linux_source_packages() -> None:
    from vm.apt import parse_packages

    text = (
        "Package: linux-source-7.3\nSource: linux\nVersion: 7.3.4-1~bpo13+1\n"
        "Filename: pool/main/l/linux/linux-source-7.3_7.3.4-1~bpo13+1_all.deb\nSize: 166\n\n"
        "Package: linux-source\nVersion: 7.3.4-1~bpo13+1\nFilename: x.deb\n\n"
        "Package: linux-source-7.3-dbg\nVersion: 1\nFilename: y.deb\n"
    )
    pkgs = parse_packages(text, "trixie-backports", "cloud-amd64")
    assert [p.name for p in pkgs] == ["linux-source-7.3"]
    assert catalogue.source_packages(pkgs, "7.3")[-1].version == "7.3.4-1~bpo13+1"
