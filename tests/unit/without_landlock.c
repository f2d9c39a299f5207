// SPDX-License-Identifier: GPL-2.0
/*
 * without_landlock ERRNO PROGRAM [ARGS...]: runs PROGRAM with the three
 * Landlock syscalls failing with ERRNO (ENOSYS: not built in; EOPNOTSUPP:
 * built in but disabled), through a seccomp filter.  It lets `make check`
 * exercise the suites' whole-run skip on this host; real kernels without
 * Landlock are the guest rows' job.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "landlock_uapi.h"

int main(int argc, char **argv)
{
	unsigned int err;
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
			 LL_NR_landlock_create_ruleset, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
			 LL_NR_landlock_restrict_self, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	if (argc < 3) {
		fprintf(stderr, "usage: without_landlock ENOSYS|EOPNOTSUPP "
				"PROGRAM [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "ENOSYS")) {
		err = ENOSYS;
	} else if (!strcmp(argv[1], "EOPNOTSUPP")) {
		err = EOPNOTSUPP;
	} else {
		fprintf(stderr, "without_landlock: unknown errno '%s'\n",
			argv[1]);
		return 2;
	}
	filter[3].k = SECCOMP_RET_ERRNO | err;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("without_landlock: seccomp");
		return 2;
	}
	execv(argv[2], argv + 2);
	perror("without_landlock: execv");
	return 2;
}
