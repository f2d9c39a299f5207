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
	uint32_t prev_enabled;
	uint32_t seq;
	/* Why the audit netlink cannot be had here (empty: it can). */
	char unavailable[96];
};

/* One message from the kernel: 0, or the errno of recv (EAGAIN: none). */
int ll_audit_recv(int fd, struct ll_audit_msg *msg);

/*
 * Becomes the audit daemon with audit enabled and drains what was queued;
 * records are then waited for up to one second each.  Returns 0 or an
 * errno; where the machine cannot give the audit netlink (no netlink,
 * another daemon holds it...) `unavailable` also says why.
 */
int ll_audit_start(struct ll_audit *audit);
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

#define LL_AUDIT_KEPT 32

/* The Landlock records read up to a marker. */
struct ll_audit_records {
	int count;
	int type[LL_AUDIT_KEPT];
	char text[LL_AUDIT_KEPT][1024];
};

/*
 * Reads records until one of `type` containing `marker` (within two
 * seconds), keeping every Landlock record up to it.  Returns 0 or the
 * errno that ended the reading (EAGAIN, ETIMEDOUT: the marker never came).
 */
int ll_audit_read_until(int fd, int type, const char *marker,
			struct ll_audit_records *out);
/*
 * How many kept records of `type` contain both needles (NULL: any); the
 * first of them in *first when not NULL.
 */
int ll_audit_count(const struct ll_audit_records *r, int type,
		   const char *needle, const char *needle2, const char **first);

#endif /* LLCONFORM_AUDIT_H */
