// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

static int audit_send(struct ll_audit *audit, uint16_t type, uint16_t flags,
		      const void *payload, size_t len)
{
	struct ll_audit_msg msg = {
		.hdr = {
			.nlmsg_len = NLMSG_SPACE(len),
			.nlmsg_type = type,
			.nlmsg_flags = NLM_F_REQUEST | flags,
			.nlmsg_seq = ++audit->seq,
		},
	};
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };

	memcpy(NLMSG_DATA(&msg.hdr), payload, len);
	if (sendto(audit->fd, &msg, msg.hdr.nlmsg_len, 0,
		   (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return errno;
	return 0;
}

int ll_audit_recv(int fd, struct ll_audit_msg *msg)
{
	struct sockaddr_nl addr;
	socklen_t addrlen = sizeof(addr);
	ssize_t n;

	memset(msg, 0, sizeof(*msg));
	do {
		n = recvfrom(fd, msg, sizeof(*msg) - 1, 0,
			     (struct sockaddr *)&addr, &addrlen);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno;
	if ((size_t)n < sizeof(msg->hdr) || addr.nl_pid != 0)
		return EPROTO;
	/*
	 * Records' nlmsg_len leaves the header out (an audit quirk): the
	 * text ends where the datagram does.
	 */
	((char *)msg)[n] = '\0';
	return 0;
}

/*
 * Sends a request and waits for its ack (skipping audit records that may
 * arrive in between).  With `reply`, also waits for the AUDIT_GET answer:
 * the kernel sends it from another thread, so it may come after the ack.
 */
static int audit_request(struct ll_audit *audit, uint16_t type,
			 const void *payload, size_t len,
			 struct audit_status *reply)
{
	struct ll_audit_msg msg;
	bool acked = false, answered = !reply;
	int err = audit_send(audit, type, NLM_F_ACK, payload, len);

	while (!err && !(acked && answered)) {
		err = ll_audit_recv(audit->fd, &msg);
		if (err)
			break;
		if (msg.hdr.nlmsg_seq != audit->seq)
			continue;
		if (msg.hdr.nlmsg_type == AUDIT_GET && reply) {
			memcpy(reply, NLMSG_DATA(&msg.hdr), sizeof(*reply));
			answered = true;
		}
		if (msg.hdr.nlmsg_type == NLMSG_ERROR) {
			if (msg.err.error)
				return -msg.err.error;
			acked = true;
		}
	}
	return err;
}

static int audit_set(struct ll_audit *audit, uint32_t mask, uint32_t value)
{
	struct audit_status s = { .mask = mask };

	if (mask == AUDIT_STATUS_PID)
		s.pid = value;
	else if (mask == AUDIT_STATUS_BACKLOG_LIMIT)
		s.backlog_limit = value;
	else
		s.enabled = value;
	return audit_request(audit, AUDIT_SET, &s, sizeof(s), NULL);
}

static int set_timeout(int fd, struct timeval tv)
{
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ? errno
									: 0;
}

/* The audit netlink cannot be had here: says so, returns `err`. */
static int no_netlink(struct ll_audit *audit, int err)
{
	snprintf(audit->unavailable, sizeof(audit->unavailable),
		 "audit netlink unavailable: %s", strerrorname_np(err) ?: "?");
	return err;
}

int ll_audit_exclude(int type, bool add)
{
	struct audit_rule_data rule = {
		.flags = AUDIT_FILTER_EXCLUDE,
		.action = AUDIT_ALWAYS,
		.field_count = 1,
		.fields = { AUDIT_MSGTYPE },
		.values = { type },
		.fieldflags = { AUDIT_EQUAL },
	};
	struct ll_audit own = { .fd = -1 };
	int err;

	memset(rule.mask, 0xff, sizeof(rule.mask));
	own.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (own.fd < 0)
		return errno;
	err = set_timeout(own.fd, (struct timeval){ .tv_sec = 5 });
	if (!err)
		err = audit_request(&own, add ? AUDIT_ADD_RULE : AUDIT_DEL_RULE,
				    &rule, sizeof(rule), NULL);
	close(own.fd);
	return err;
}

static int keep(struct ll_audit_records *r, int type, const char *text)
{
	char *copy;

	if (r->count == r->capacity) {
		int capacity = r->capacity ? 2 * r->capacity : 64;
		int *types = realloc(r->type, capacity * sizeof(*types));
		char **texts;

		if (!types)
			return ENOMEM;
		r->type = types;
		texts = realloc(r->text, capacity * sizeof(*texts));
		if (!texts)
			return ENOMEM;
		r->text = texts;
		r->capacity = capacity;
	}
	copy = strdup(text);
	if (!copy)
		return ENOMEM;
	r->type[r->count] = type;
	r->text[r->count++] = copy;
	return 0;
}

/*
 * Reads until a message of `type` containing `marker` (within
 * LL_AUDIT_DEADLINE_S), keeping every Landlock record up to it in `out`
 * unless NULL; with `seq`, an error answer to that request ends it.
 */
static int read_to_marker(int fd, int type, const char *marker,
			  struct ll_audit_records *out, uint32_t seq)
{
	struct timespec start, now;
	struct ll_audit_msg msg;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= LL_AUDIT_DEADLINE_S)
			return ETIMEDOUT;
		err = ll_audit_recv(fd, &msg);
		/* Nothing for a second: kauditd may be starved, keep on. */
		if (err == EAGAIN || err == EWOULDBLOCK)
			continue;
		if (err)
			return err;
		if (seq && msg.hdr.nlmsg_type == NLMSG_ERROR &&
		    msg.hdr.nlmsg_seq == seq && msg.err.error)
			return -msg.err.error;
		/* The union follows the header: NLMSG_DATA() is msg.data. */
		if (out && (msg.hdr.nlmsg_type == AUDIT_LANDLOCK_ACCESS ||
			    msg.hdr.nlmsg_type == AUDIT_LANDLOCK_DOMAIN)) {
			err = keep(out, msg.hdr.nlmsg_type, msg.data);
			if (err)
				return err;
		}
		if (msg.hdr.nlmsg_type == type && strstr(msg.data, marker))
			return 0;
	}
}

/*
 * Reads and drops every record queued before: a user message of our own
 * goes through kauditd's queue behind them, so once it arrives, none is
 * left.  (Waiting for the socket to stay quiet instead cost a timer tick
 * per test, 4-10 ms under TCG, and proved nothing about records kauditd
 * had not sent yet.)  No ack is asked for: audit_request() would drop the
 * marker if kauditd sent it before the ack.
 */
static int audit_drain(struct ll_audit *audit)
{
	char marker[64];
	int err, len;

	len = snprintf(marker, sizeof(marker), "llconform-drain pid=%d",
		       (int)getpid());
	err = audit_send(audit, AUDIT_USER, 0, marker, len + 1);
	if (!err)
		err = read_to_marker(audit->fd, AUDIT_USER, marker, NULL,
				     audit->seq);
	if (err == ETIMEDOUT)
		snprintf(audit->unavailable, sizeof(audit->unavailable),
			 "our AUDIT_USER message never came back "
			 "(an audit rule excludes it?)");
	return err;
}

int ll_audit_start(struct ll_audit *audit)
{
	struct audit_status status = { 0 };
	const int rcvbuf = 16 << 20;
	int err;

	audit->unavailable[0] = '\0';
	audit->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (audit->fd < 0)
		return no_netlink(audit, errno);
	/*
	 * Room for bursts (a test's records, the deallocations of earlier
	 * tests' domains), so that kauditd never finds the socket full while
	 * the test is busy elsewhere.  Best effort: the default also works.
	 */
	setsockopt(audit->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		   sizeof(rcvbuf));
	err = audit_request(audit, AUDIT_GET, NULL, 0, &status);
	if (err == ECONNREFUSED || err == EPERM)
		return no_netlink(audit, err);
	if (err)
		return err;
	err = audit_set(audit, AUDIT_STATUS_PID, getpid());
	if (err == EEXIST) {
		snprintf(
			audit->unavailable, sizeof(audit->unavailable),
			"another audit daemon holds the audit netlink (pid %u)",
			status.pid);
		return err;
	}
	if (err == ECONNREFUSED)
		return no_netlink(audit, err);
	if (err)
		return err;
	audit->pid_set = true;
	if (!status.enabled) {
		err = audit_set(audit, AUDIT_STATUS_ENABLED, 1);
		if (err)
			return err;
		audit->prev_enabled = status.enabled;
		audit->enabled_changed = true;
	}
	/*
	 * 0 is no limit.  Best effort: a locked configuration (enabled=2)
	 * refuses it, and the tests only lose their margin under load.
	 */
	if (status.backlog_limit && status.backlog_limit < LL_AUDIT_BACKLOG &&
	    !audit_set(audit, AUDIT_STATUS_BACKLOG_LIMIT, LL_AUDIT_BACKLOG)) {
		audit->prev_backlog_limit = status.backlog_limit;
		audit->backlog_changed = true;
	}
	audit->lost_at_start = status.lost;
	err = set_timeout(audit->fd, (struct timeval){ .tv_sec = 1 });
	return err ? err : audit_drain(audit);
}

void ll_audit_stop(struct ll_audit *audit)
{
	if (audit->fd < 0)
		return;
	if (audit->backlog_changed)
		audit_set(audit, AUDIT_STATUS_BACKLOG_LIMIT,
			  audit->prev_backlog_limit);
	if (audit->enabled_changed)
		audit_set(audit, AUDIT_STATUS_ENABLED, audit->prev_enabled);
	if (audit->pid_set)
		audit_set(audit, AUDIT_STATUS_PID, 0);
	close(audit->fd);
}

long ll_audit_lost(struct ll_audit *audit)
{
	struct audit_status status = { 0 };

	if (audit->fd < 0 || audit_request(audit, AUDIT_GET, NULL, 0, &status))
		return -1;
	return (long)(status.lost - audit->lost_at_start);
}

void ll_audit_records_free(struct ll_audit_records *r)
{
	int i;

	for (i = 0; i < r->count; i++)
		free(r->text[i]);
	free(r->text);
	free(r->type);
	memset(r, 0, sizeof(*r));
}

int ll_audit_read_more(int fd, int type, const char *marker,
		       struct ll_audit_records *out)
{
	return read_to_marker(fd, type, marker, out, 0);
}

int ll_audit_read_until(int fd, int type, const char *marker,
			struct ll_audit_records *out)
{
	/* Not freed: `out` may be uninitialised (callers' old contract). */
	memset(out, 0, sizeof(*out));
	return ll_audit_read_more(fd, type, marker, out);
}
int ll_audit_count(const struct ll_audit_records *r, int type,
		   const char *needle, const char *needle2, const char **first)
{
	int i, n = 0;

	for (i = 0; i < r->count; i++) {
		if (r->type[i] != type ||
		    (needle && !strstr(r->text[i], needle)) ||
		    (needle2 && !strstr(r->text[i], needle2)))
			continue;
		if (!n && first)
			*first = r->text[i];
		n++;
	}
	return n;
}
