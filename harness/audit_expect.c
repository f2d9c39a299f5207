// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static void marker_child(void *path)
{
	if (ll_enforce_fs(R_READ, NO_RULES))
		_exit(1);
	_exit(ll_try_open(path, O_RDONLY) == EACCES ? 0 : 1);
}

static const char *marker_needle(char *buf, size_t size, const char *path)
{
	snprintf(buf, size, " path=\"%s\"", path);
	return buf;
}

int ll_audit_read_to_marker(int fd, const char *path,
			    struct ll_audit_records *r)
{
	char needle[4200];
	int status;

	if (ll_fork_wait(marker_child, (void *)path, &status) < 0)
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
