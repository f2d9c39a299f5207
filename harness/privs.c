// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
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

/* The first line of `path` as an integer, or `otherwise`. */
static long read_long(const char *path, long otherwise)
{
	char buf[32] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len;

	if (fd < 0)
		return otherwise;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return len > 0 ? strtol(buf, NULL, 10) : otherwise;
}

/* The value of a "Key:\tvalue" line of /proc/self/status, or -1. */
static long status_field(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long value = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':')
			value = strtol(line + len + 1, NULL, 10);
	fclose(f);
	return value;
}

/*
 * Whether the process is chrooted (the kernel refuses a user namespace to
 * a chrooted caller): no mount of /proc/self/mountinfo is at "/" then,
 * unless the new root is itself a mount point.
 */
static bool chrooted(void)
{
	char line[4096], mount_point[4096];
	bool root_seen = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mount_point) == 1 &&
		    !strcmp(mount_point, "/"))
			root_seen = true;
	fclose(f);
	return !root_seen;
}

/* What refuses user namespaces here, as far as the system shows it. */
static const char *userns_restriction(void)
{
	if (read_long("/proc/sys/user/max_user_namespaces", -1) == 0)
		return "sysctl user.max_user_namespaces=0";
	if (read_long("/proc/sys/kernel/unprivileged_userns_clone", -1) == 0)
		return "sysctl kernel.unprivileged_userns_clone=0";
	if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		      -1) == 1)
		return "AppArmor's restriction of unprivileged user namespaces "
		       "(kernel.apparmor_restrict_unprivileged_userns=1)";
	if (status_field("Seccomp") == 2)
		return "a seccomp filter (Seccomp: 2 in /proc/self/status), "
		       "e.g. a container's default profile";
	if (chrooted())
		return "a chroot (the kernel refuses user namespaces to a "
		       "chrooted process)";
	/* A chroot whose new root is a mount point shows no sign of it. */
	return "no sysctl or seccomp filter refuses it: a chroot onto a mount "
	       "point, or a security module";
}

/* In a child: a user namespace with our uid mapped, as the tests make. */
static int try_userns(void)
{
	char map[64];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS))
		return errno;
	snprintf(map, sizeof(map), "0 %d 1", (int)getuid());
	return write_file("/proc/self/uid_map", map);
}

bool ll_userns_refused(char *why, size_t size)
{
	int status, err;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0)
		_exit(try_userns() & 0xff);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return false;
	err = WEXITSTATUS(status);
	if (!err)
		return false;
	snprintf(why, size, "unprivileged user namespaces refused (%s): %s",
		 strerrorname_np(err) ?: "?", userns_restriction());
	return true;
}
