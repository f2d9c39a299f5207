#!/bin/sh
# Extracts the kernel's kselftest harness headers (and, for `make bench`, the
# upstream Landlock selftests) from the newest Debian linux-source-<series>
# package the machine's apt sources offer.  Nothing is copied into the
# repository: the files land in OUTDIR, once.
set -eu

out=${1:?usage: fetch-kselftest.sh OUTDIR}
[ -f "$out/SOURCE" ] && exit 0

newest_offered() {
	apt-cache pkgnames linux-source- 2>/dev/null |
		grep -E '^linux-source-[0-9]+\.[0-9]+$' | sort -V | tail -n 1
}

pkg=$(newest_offered)
if [ -z "$pkg" ]; then
	echo "fetch-kselftest: apt knows no linux-source-* package yet: running 'apt-get update'" >&2
	apt-get update -q >&2 || true
	pkg=$(newest_offered)
fi
if [ -z "$pkg" ]; then
	echo "fetch-kselftest: error: no linux-source-<series> package in this machine's apt sources." >&2
	echo "  The kselftest harness headers come from it. Add a Debian suite that has one" >&2
	echo "  (e.g. bookworm-security), then: apt-get update && apt-get install linux-source-6.12" >&2
	exit 1
fi
series=${pkg#linux-source-}
tarball=/usr/src/linux-source-$series.tar.xz
if [ ! -f "$tarball" ]; then
	echo "fetch-kselftest: installing $pkg (~150 MB): the kselftest harness headers come from it" >&2
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$pkg" >&2; then
		echo "fetch-kselftest: error: could not install $pkg; try: apt-get install --no-install-recommends $pkg" >&2
		exit 1
	fi
fi
[ -f "$tarball" ] || { echo "fetch-kselftest: error: $pkg is installed but $tarball is missing" >&2; exit 1; }

echo "fetch-kselftest: extracting the kselftest headers and Landlock selftests from $tarball" >&2
tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --strip-components=4 --wildcards \
	'*/tools/testing/selftests/kselftest_harness.h' \
	'*/tools/testing/selftests/kselftest.h' \
	'*/tools/testing/selftests/landlock/*'
for f in kselftest_harness.h kselftest.h landlock/base_test.c; do
	[ -f "$tmp/$f" ] || { echo "fetch-kselftest: error: $tarball has no tools/testing/selftests/$f" >&2; exit 1; }
done
version=$(dpkg-query -W -f='${Version}' "$pkg")
echo "$pkg $version" >"$tmp/SOURCE"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "fetch-kselftest: kselftest headers from $pkg $version in $out" >&2
