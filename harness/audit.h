/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal audit netlink client: the test process becomes the audit
 * daemon (audit enabled), reads the Landlock records the kernel emits
 * (SPEC §8), and gives everything back when done.
 */
#ifndef LLCONFORM_AUDIT_H
#define LLCONFORM_AUDIT_H

#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

/* Record types of SPEC §8 (include/uapi/linux/audit.h, 6.15+). */
#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif

struct ll_audit_msg {
	struct nlmsghdr hdr;
	union {
		struct audit_status status;
		struct nlmsgerr err;
		char data[8960]; /* a record's text, NUL-terminated */
	};
};

/* The test process as the audit daemon, and what it changed. */
struct ll_audit {
	int fd; /* -1 before ll_audit_start() */
	bool pid_set;
	bool enabled_changed;
	bool backlog_changed;
	uint32_t prev_enabled;
	uint32_t prev_backlog_limit;
	/* The kernel's count of records lost, when the test started. */
	uint32_t lost_at_start;
	uint32_t seq;
	/* Why the audit netlink cannot be had here (empty: it can). */
	char unavailable[96];
};

/* One message from the kernel: 0, or the errno of recv (EAGAIN: none). */
int ll_audit_recv(int fd, struct ll_audit_msg *msg);

/*
 * Becomes the audit daemon with audit enabled and a backlog of at least
 * LL_AUDIT_BACKLOG records (Landlock logs denials with GFP_ATOMIC: past
 * the backlog limit, a record is dropped, not delayed), and drains what
 * was queued.  Returns 0 or an errno; where the machine cannot give the
 * audit netlink (no netlink, another daemon holds it...) `unavailable`
 * also says why.
 */
int ll_audit_start(struct ll_audit *audit);
/*
 * Adds (add) or deletes an audit rule excluding the records of `type`
 * (auditctl -a always,exclude -F msgtype=TYPE), through a netlink socket
 * of its own, so that the daemon's socket loses no record to the ack.
 * Returns 0 or an errno.
 */
int ll_audit_exclude(int type, bool add);
/* Restores what ll_audit_start() changed; the socket closes last. */
void ll_audit_stop(struct ll_audit *audit);

/* In a test: ll_audit_start(), an environment skip where unavailable. */
#define LL_AUDIT_START(audit)                                            \
	do {                                                             \
		int _ll_err = ll_audit_start(audit);                     \
		if (_ll_err && (audit)->unavailable[0])                  \
			LL_SKIP_ENV(return, "%s", (audit)->unavailable); \
		LL_SETUP(_ll_err);                                       \
	} while (0)

#define LL_AUDIT_BACKLOG 8192u

/*
 * How long a record that must come is waited for.  Absences are never
 * waited out (a later marker record proves them), so this bounds only
 * failures; it is long because kauditd may be starved on a loaded host.
 */
#define LL_AUDIT_DEADLINE_S 10

/*
 * The Landlock records read up to a marker, every one of them and whole
 * (no cap: records of other domains, such as the deallocations of earlier
 * tests' domains, may come in bursts between the ones a test needs).
 */
struct ll_audit_records {
	int count, capacity;
	int *type;
	char **text;
};

/*
 * Reads records until one of `type` containing `marker` (within
 * LL_AUDIT_DEADLINE_S), keeping every Landlock record up to it in `out`
 * (which it resets; `out` need not be initialised).  Returns 0 or the
 * errno that ended the reading (ETIMEDOUT: the marker never came, ENOMEM).
 */
int ll_audit_read_until(int fd, int type, const char *marker,
			struct ll_audit_records *out);
/* As ll_audit_read_until(), appending to records read before. */
int ll_audit_read_more(int fd, int type, const char *marker,
		       struct ll_audit_records *out);
/* Frees what ll_audit_read_until() kept; `r` is empty afterwards. */
void ll_audit_records_free(struct ll_audit_records *r);
/*
 * Records the kernel dropped since ll_audit_start() (backlog overflow,
 * memory), or -1 when it cannot be asked.  Only for diagnostics after the
 * reading: the request's answer is read off the same socket.
 */
long ll_audit_lost(struct ll_audit *audit);
/*
 * How many kept records of `type` contain both needles (NULL: any); the
 * first of them in *first when not NULL.
 */
int ll_audit_count(const struct ll_audit_records *r, int type,
		   const char *needle, const char *needle2, const char **first);

#endif /* LLCONFORM_AUDIT_H */
