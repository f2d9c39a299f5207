// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sandbox.h"
#include "trace.h"

static int write_in(const struct ll_trace *t, const char *file,
		    const char *value)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", t->dir, file);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = write(fd, value, strlen(value));
	if (n < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	close(fd);
	return (size_t)n == strlen(value) ? 0 : EIO;
}

int ll_trace_start(struct ll_trace *t)
{
	return ll_trace_start_events(t, "landlock", true);
}

int ll_trace_start_events(struct ll_trace *t, const char *events, bool own_only)
{
	char path[256], pid[16];
	struct stat st;
	int err;

	t->dir[0] = t->unavailable[0] = '\0';
	if (stat(LL_TRACEFS "/instances", &st)) {
		err = errno;
		snprintf(t->unavailable, sizeof(t->unavailable),
			 "tracefs not mounted at " LL_TRACEFS " (%s)",
			 strerrorname_np(err) ?: "?");
		return err;
	}
	snprintf(t->dir, sizeof(t->dir), LL_TRACEFS "/instances/llconform-%d",
		 (int)getpid());
	err = mkdir(t->dir, 0700) ? errno : 0;
	/* One left by a killed test of an earlier process with this pid. */
	if (err == EEXIST && !rmdir(t->dir))
		err = mkdir(t->dir, 0700) ? errno : 0;
	if (err) {
		t->dir[0] = '\0';
		if (err == EACCES || err == EPERM)
			snprintf(t->unavailable, sizeof(t->unavailable),
				 "cannot make a trace instance (%s)",
				 strerrorname_np(err) ?: "?");
		return err;
	}
	snprintf(path, sizeof(path), "%s/events/landlock", t->dir);
	if (stat(path, &st)) {
		err = errno;
		snprintf(t->unavailable, sizeof(t->unavailable),
			 "no Landlock trace events in tracefs (kernel built "
			 "without them)");
		ll_trace_stop(t);
		return err;
	}
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	snprintf(path, sizeof(path), "events/%s/enable", events);
	/* buffer_percent 0: a reader of trace_pipe wakes for one event. */
	err = write_in(t, "buffer_percent", "0");
	if (!err && own_only)
		err = write_in(t, "options/event-fork", "1")
			      ?: write_in(t, "set_event_pid", pid);
	if (!err)
		err = write_in(t, path, "1");
	if (err)
		ll_trace_stop(t);
	return err;
}

void ll_trace_stop(struct ll_trace *t)
{
	if (!t->dir[0])
		return;
	write_in(t, "events/landlock/enable", "0");
	/* Removing an instance waits for RCU grace periods: 31 ms under TCG. */
	if (!ll_in_guest())
		rmdir(t->dir);
	t->dir[0] = '\0';
}

char *ll_trace_read(const struct ll_trace *t)
{
	size_t size = 1 << 16, len = 0;
	char path[256], *buf = malloc(size), *bigger;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	snprintf(path, sizeof(path), "%s/trace", t->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 >= size) {
			bigger = realloc(buf, size *= 2);
			if (!bigger)
				break;
			buf = bigger;
		}
		n = read(fd, buf + len, size - len - 1);
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

int ll_trace_wait(const struct ll_trace *t, const char *event,
		  const char *needle, char *line, size_t size)
{
	char path[256], buf[8192];
	struct timespec start, now;
	size_t len = 0;
	int fd, err = ETIMEDOUT;

	snprintf(path, sizeof(path), "%s/trace_pipe", t->dir);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long ms;
		ssize_t n;
		char *nl;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = 2000 - (now.tv_sec - start.tv_sec) * 1000 -
		     (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms <= 0)
			break;
		if (poll(&p, 1, ms) < 0 && errno != EINTR) {
			err = errno;
			break;
		}
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			err = errno;
			break;
		}
		if (n > 0)
			len += n;
		buf[len] = '\0';
		/* Whole lines only; a partial one waits for its end. */
		while ((nl = strchr(buf, '\n'))) {
			*nl = '\0';
			if (ll_trace_line(buf, event, needle, 0, line, size)) {
				close(fd);
				return 0;
			}
			len -= nl + 1 - buf;
			memmove(buf, nl + 1, len + 1);
		}
		if (len == sizeof(buf) - 1)
			len = 0; /* a line longer than any event: dropped */
	}
	close(fd);
	return err;
}

int ll_trace_line(const char *text, const char *event, const char *needle,
		  int n, char *line, size_t size)
{
	char tag[96];
	const char *p, *end, *fields;
	int count = 0;

	snprintf(tag, sizeof(tag), ": %s: ", event);
	for (p = text; *p; p = *end ? end + 1 : end) {
		size_t len;

		end = strchrnul(p, '\n');
		fields = memmem(p, end - p, tag, strlen(tag));
		if (!fields)
			continue;
		fields += strlen(tag);
		if (needle &&
		    !memmem(fields, end - fields, needle, strlen(needle)))
			continue;
		if (line && count == n) {
			len = end - fields;
			if (len >= size)
				len = size - 1;
			memcpy(line, fields, len);
			line[len] = '\0';
		}
		count++;
	}
	return count;
}

int ll_trace_count(const char *text, const char *event, const char *needle)
{
	return ll_trace_line(text, event, needle, -1, NULL, 0);
}

const char *ll_trace_field(const char *fields, const char *name, char *out,
			   size_t size)
{
	size_t n = strlen(name), len;
	const char *p = fields;

	out[0] = '\0';
	while ((p = strstr(p, name))) {
		if ((p == fields || p[-1] == ' ') && p[n] == '=') {
			p += n + 1;
			len = strcspn(p, " ");
			if (len >= size)
				len = size - 1;
			memcpy(out, p, len);
			out[len] = '\0';
			break;
		}
		p += n;
	}
	return out;
}
