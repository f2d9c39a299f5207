// SPDX-License-Identifier: GPL-2.0
/*
 * upstream_launch.c - runs one upstream Landlock selftest in an
 * `llconform coverage` guest. The guest init runs /suites/<name> with "/"
 * as its working directory, but the upstream programs expect their helper
 * `./true` and a writable scratch directory in their working directory (as
 * `make run_tests` gives them). Installed as /suites/<name> next to the real
 * program /suites/<name>.bin and the helper /suites/true.bin: makes
 * /tmp/upstream-<name>/ with ./true in it, enters it and executes the real
 * program with the same name in argv[0] (its KTAP names stay upstream's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUITES "/suites"

int main(int argc, char *argv[])
{
	char dir[4096], real[4096];
	const char *name = basename(argv[0]);

	(void)argc;
	snprintf(dir, sizeof(dir), "/tmp/upstream-%s", name);
	snprintf(real, sizeof(real), SUITES "/%s.bin", name);
	if ((mkdir(dir, 0755) && errno != EEXIST) || chdir(dir)) {
		fprintf(stderr, "upstream_launch: %s: %s\n", dir,
			strerror(errno));
		return 2;
	}
	if (symlink(SUITES "/true.bin", "true") && errno != EEXIST) {
		fprintf(stderr, "upstream_launch: ./true: %s\n",
			strerror(errno));
		return 2;
	}
	execv(real, argv);
	fprintf(stderr, "upstream_launch: %s: %s\n", real, strerror(errno));
	return 2;
}
