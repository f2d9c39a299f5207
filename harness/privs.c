// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"
#include "sandbox.h"

bool ll_nnp_set(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

int ll_set_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? errno : 0;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t len = strlen(text);

	if (fd < 0)
		return errno;
	if (write(fd, text, len) != len)
		err = errno ?: EIO;
	close(fd);
	return err;
}

int ll_enter_namespaces(int cap, int ns_flags)
{
	const uid_t uid = getuid();
	const gid_t gid = getgid();
	char map[64];
	int err;

	if (ll_has_cap(cap) && ll_has_cap(CAP_SYS_ADMIN))
		return ns_flags && unshare(ns_flags) ? errno : 0;
	if (unshare(CLONE_NEWUSER | ns_flags))
		return -errno;
	snprintf(map, sizeof(map), "0 %d 1", (int)uid);
	err = write_file("/proc/self/setgroups", "deny");
	if (!err)
		err = write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %d 1", (int)gid);
	return err ?: write_file("/proc/self/gid_map", map);
}
