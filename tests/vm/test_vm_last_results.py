"""`vm list` shows the last run's word on a kernel, as the driver wrote it."""

from vm import cache, cli


def test_last_result_is_kept_per_kernel_and_names_its_build(tmp_path) -> None:
    root = str(tmp_path)
    assert cli._last(root, "debian-6.1", "6.1.192-3") == "-"
    cache.record_last_result(root, "debian-6.1", "6.1.192-3", "abi 2 errata 0xc")
    cache.record_last_result(root, "debian-5.10", "5.10.262-1", "absent")
    assert cli._last(root, "debian-6.1", "6.1.192-3") == "abi 2 errata 0xc"
    assert cli._last(root, "debian-5.10", "5.10.262-1") == "absent"
    # A newer build of the series: the old result says which build it was about.
    assert cli._last(root, "debian-6.1", "6.1.193-1") == "abi 2 errata 0xc (on 6.1.192-3)"
