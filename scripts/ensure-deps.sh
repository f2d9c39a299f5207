#!/bin/sh
# Installs the Debian packages a make target needs, saying what and why.
# Usage: ensure-deps.sh build|check|matrix|bench|coverage
# Quick when everything is there: one dpkg-query, no apt call.
set -eu

# package:why, per target
build_pkgs="gcc:C compiler
make:build driver
libc6-dev:static glibc for the guest binaries
zlib1g-dev:static zlib for the guest init (a deflated results channel)
pkg-config:finds the Check library
check:Check (libcheck) unit-test framework for abi/
xz-utils:unpacks the linux-source tarball
python3:the driver (Debian's python3, not a pyenv one)"
guest_pkgs="qemu-system-x86:boots the kernels under test (no GUI: --no-install-recommends)
zstd:unpacks zstd-compressed kernels (6.12 and later)
lz4:unpacks lz4-compressed kernels (5.10, 6.1)
xz-utils:compresses the guest initramfs"
check_pkgs="$build_pkgs
python3-pytest:the project's Python tests
python3-yaml:parses the CI workflow in the tests
flake8:Python checker
python3-mypy:Python type checker
shellcheck:shell checker
clang-format:C style checker
python3-clang:libclang bindings: the mutation operators' tests parse C with them
util-linux:setpriv, to run the suites as an unprivileged user
patch:the tests of applying patch series to kernel sources
$guest_pkgs"
matrix_pkgs="$build_pkgs
$guest_pkgs"
bench_pkgs="$build_pkgs
libcap-dev:the upstream Landlock selftests link with libcap"
coverage_pkgs="$matrix_pkgs
libcap-dev:the upstream Landlock selftests link with libcap
lcov:geninfo, lcov and genhtml turn the guests' gcov data into the report
make:runs the kernel build
flex:Kconfig's lexer
bison:Kconfig's parser
bc:the kernel build computes timeconst.h with it
libelf-dev:objtool links against libelf
cpio:the kernel build packs headers with it
patch:applies the gcov patch and --patches
python3-clang:llconform mutate parses security/landlock with libclang
busybox-static:sh and ip in the guest for the upstream net_test (it brings lo up with ip)"

case "${1:-}" in
build) wanted=$build_pkgs ;;
check) wanted=$check_pkgs ;;
matrix) wanted=$matrix_pkgs ;;
bench) wanted=$bench_pkgs ;;
coverage) wanted=$coverage_pkgs ;;
*) echo "usage: ensure-deps.sh build|check|matrix|bench|coverage" >&2; exit 2 ;;
esac

missing=""
reasons=""
IFS='
'
for line in $wanted; do
	pkg=${line%%:*}
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
	case "$status" in
	ii*) ;;
	*)
		case " $missing " in *" $pkg "*) continue ;; esac
		missing="$missing $pkg"
		reasons="$reasons
  $pkg: ${line#*:}" ;;
	esac
done
unset IFS
[ -z "$missing" ] && exit 0

echo "llconform: installing missing Debian packages:$reasons" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "llconform: error: not root; run as root:  apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
if ! apt-get install -y -q --no-install-recommends $missing >&2; then
	echo "llconform: apt-get install failed; refreshing the package lists once" >&2
	apt-get update -q >&2 || true
	# shellcheck disable=SC2086
	if ! apt-get install -y -q --no-install-recommends $missing >&2; then
		echo "llconform: error: could not install:$missing" >&2
		echo "  run:  apt-get update && apt-get install -y --no-install-recommends$missing" >&2
		exit 1
	fi
fi
