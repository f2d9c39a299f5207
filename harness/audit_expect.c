// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit_expect.h"
#include "rights.h"
#include "sandbox.h"

int *ll_shared_ints(int n)
{
	int *p = mmap(NULL, n * sizeof(int), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0xff, n * sizeof(int));
	return p;
}

static int marker_child(void *path)
{
	if (ll_enforce_fs(R_READ, NO_RULES))
		return 1;
	return ll_try_open(path, O_RDONLY) == EACCES ? 0 : 1;
}

/*
 * The marker child shares our memory (CLONE_VM) on a stack of its own,
 * and we wait for it (CLONE_VFORK): a fork per reading cost 2 ms under
 * TCG.  Its creds, no_new_privs flag and Landlock domain are its own as
 * after a fork, and its denial is logged with its own pid.  It only makes
 * system calls (no stdio, no malloc); errno, shared, is ours to ignore.
 */
static pid_t marker_spawn(const char *path, char *stack, size_t size)
{
	return clone(marker_child, stack + size,
		     CLONE_VM | CLONE_VFORK | SIGCHLD, (void *)path);
}

static const char *marker_needle(char *buf, size_t size, const char *path)
{
	snprintf(buf, size, " path=\"%s\"", path);
	return buf;
}

int ll_audit_read_to_marker(int fd, const char *path,
			    struct ll_audit_records *r)
{
	char stack[64 << 10] __attribute__((aligned(16)));
	char needle[4200];
	int status;
	pid_t pid = marker_spawn(path, stack, sizeof(stack));

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return ECHILD;
	return ll_audit_read_until(fd, AUDIT_LANDLOCK_ACCESS,
				   marker_needle(needle, sizeof(needle), path),
				   r);
}

int ll_audit_caused_by(const struct ll_audit_records *r, pid_t pid)
{
	char needle[128];
	const char *d;
	int i, n = 0;

	for (i = 0; i < r->count; i++) {
		if (r->type[i] != AUDIT_LANDLOCK_ACCESS)
			continue;
		d = strstr(r->text[i], " domain=");
		if (!d)
			continue;
		snprintf(needle, sizeof(needle),
			 " domain=%llx status=allocated mode=enforcing pid=%d ",
			 strtoull(d + strlen(" domain="), NULL, 16), (int)pid);
		if (ll_audit_count(r, AUDIT_LANDLOCK_DOMAIN, needle, NULL,
				   NULL))
			n++;
	}
	return n;
}

void ll_audit_dump(const struct ll_audit_records *r)
{
	int i;

	for (i = 0; i < r->count; i++)
		printf("# record %d: %s\n", r->type[i], r->text[i]);
}
