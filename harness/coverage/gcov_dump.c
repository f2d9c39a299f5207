// SPDX-License-Identifier: GPL-2.0
/*
 * gcov_dump.c - last program of an `llconform coverage` guest: copies every
 * .gcda file of the kernel's gcov debugfs tree into its stdout, which the
 * guest init forwards on the results channel (so no disk image, no virtio
 * driver and no change to the init are needed; the host decodes it in
 * harness/llconform/coverage.py). A Landlock-only gcov kernel has about 15
 * files of a few KiB, well within what the serial channel carries quickly.
 *
 * Output (KTAP-shaped, so the run's tools read it as one passing test):
 *
 *   TAP version 13
 *   1..1
 *   # gcov-file <path below the gcov root> <size>
 *   # gcov-data <base64 of up to 57 bytes>      (as many lines as needed)
 *   # gcov-end files=<n> bytes=<total>
 *   ok 1 gcov_dump
 *
 * Exit status: 0, or 4 (and "not ok 1 gcov_dump # no gcov: ...") when the
 * kernel has no /sys/kernel/debug/gcov (built without CONFIG_GCOV_KERNEL).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEBUGFS "/sys/kernel/debug"
#define GCOV_ROOT DEBUGFS "/gcov"
#define EXIT_NO_GCOV 4

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static unsigned int files;
static unsigned long total;

static void print_b64_line(const unsigned char *p, size_t n)
{
	char line[80];
	size_t i, o = 0;

	for (i = 0; i < n; i += 3) {
		unsigned int v = p[i] << 16;

		if (i + 1 < n)
			v |= p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		line[o++] = b64[(v >> 18) & 63];
		line[o++] = b64[(v >> 12) & 63];
		line[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		line[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	line[o] = '\0';
	printf("# gcov-data %s\n", line);
}

/* debugfs gcov files have no size in stat(): read until EOF. */
static int dump(const char *path, const struct stat *st, int type,
		struct FTW *ftw)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, off;
	int fd;

	(void)st;
	(void)ftw;
	if (type != FTW_F || strlen(path) < 5 ||
	    strcmp(path + strlen(path) - 5, ".gcda"))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("# gcov-error %s: %s\n", path, strerror(errno));
		return 0;
	}
	for (;;) {
		ssize_t n;

		if (len == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			if (!buf) {
				printf("# gcov-error %s: out of memory\n",
				       path);
				close(fd);
				return 0;
			}
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	printf("# gcov-file %s %zu\n", path + strlen(GCOV_ROOT), len);
	for (off = 0; off < len; off += 57)
		print_b64_line(buf + off, len - off < 57 ? len - off : 57);
	free(buf);
	files++;
	total += len;
	return 0;
}

int main(void)
{
	struct stat st;

	printf("TAP version 13\n1..1\n");
	/* The init mounts proc, sysfs and securityfs, not debugfs. */
	if (stat(GCOV_ROOT, &st) &&
	    mount("debugfs", DEBUGFS, "debugfs", 0, NULL) && errno != EBUSY)
		printf("# mount debugfs: %s\n", strerror(errno));
	if (stat(GCOV_ROOT, &st)) {
		printf("not ok 1 gcov_dump # no gcov: %s: %s (a kernel "
		       "without CONFIG_GCOV_KERNEL)\n",
		       GCOV_ROOT, strerror(errno));
		return EXIT_NO_GCOV;
	}
	if (nftw(GCOV_ROOT, dump, 16, FTW_PHYS))
		printf("# gcov-error walking %s: %s\n", GCOV_ROOT,
		       strerror(errno));
	printf("# gcov-end files=%u bytes=%lu\n", files, total);
	printf("ok 1 gcov_dump\n");
	return 0;
}
