// SPDX-License-Identifier: GPL-2.0
/*
 * upstream_launch.c - runs one upstream Landlock selftest in an
 * `llconform coverage` guest the way `make run_tests` would on a full
 * system. The guest init runs /suites/<name> with "/" as its working
 * directory and nothing but /suites; the upstream programs expect:
 *
 * - their helper ./true and a writable scratch directory in their working
 *   directory (fs_test);
 * - their own name as comm and exe (audit and trace records are matched
 *   against it), so the program cannot run as /suites/<name>.bin;
 * - /bin/sh and ip for system("ip link set dev lo up") (net_test).
 *
 * Installed as /suites/<name> next to the real program /suites/<name>.bin,
 * the helper /suites/true.bin and, if the host had it, Debian's static
 * busybox as /suites/busybox.bin: makes /tmp/upstream-<name>/ with copies
 * of the program and ./true, links /bin/sh and /bin/ip to busybox, enters
 * the directory and executes the copy under its upstream name.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUITES "/suites"

static int copy(const char *src, const char *dst)
{
	struct stat st;
	int in = open(src, O_RDONLY | O_CLOEXEC), out, err = 0;

	if (in < 0 || fstat(in, &st))
		return errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (out < 0) {
		err = errno;
		close(in);
		return err;
	}
	while (err == 0) {
		ssize_t n = sendfile(out, in, NULL, 1 << 20);

		if (n == 0)
			break;
		if (n < 0)
			err = errno;
	}
	close(in);
	close(out);
	return err;
}

static void busybox(const char *applet)
{
	char link[64];

	snprintf(link, sizeof(link), "/bin/%s", applet);
	if (access(SUITES "/busybox.bin", X_OK) == 0)
		symlink(SUITES "/busybox.bin", link); /* EEXIST: done before */
}

int main(int argc, char *argv[])
{
	char dir[2048], real[4096];
	const char *name = basename(argv[0]);
	int err;

	(void)argc;
	snprintf(dir, sizeof(dir), "/tmp/upstream-%s", name);
	snprintf(real, sizeof(real), SUITES "/%s.bin", name);
	mkdir("/bin", 0755);
	busybox("sh");
	busybox("ip");
	if ((mkdir(dir, 0755) && errno != EEXIST) || chdir(dir)) {
		fprintf(stderr, "upstream_launch: %s: %s\n", dir,
			strerror(errno));
		return 2;
	}
	err = copy(SUITES "/true.bin", "true") ?: copy(real, name);
	if (err) {
		fprintf(stderr, "upstream_launch: copying into %s: %s\n", dir,
			strerror(err));
		return 2;
	}
	snprintf(real, sizeof(real), "%s/%s", dir, name);
	execv(real, argv);
	fprintf(stderr, "upstream_launch: %s: %s\n", real, strerror(errno));
	return 2;
}
