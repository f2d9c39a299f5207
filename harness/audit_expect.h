/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What forked children logged, and what they did not: a page of results a
 * child leaves for the test, and a "marker" denial logged after the
 * children under test.  Records leave the kernel in order, so every record
 * the earlier children caused arrives before the marker's: reading up to it
 * shows a record's absence without waiting for a timeout.
 */
#ifndef LLCONFORM_AUDIT_EXPECT_H
#define LLCONFORM_AUDIT_EXPECT_H

#include <sys/types.h>

#include "audit.h"

/* `n` ints shared with forked children, each -1; NULL when mmap fails. */
int *ll_shared_ints(int n);

/*
 * A child with a domain that logs by default (READ_FILE handled, no rule)
 * is denied reading `path`; then every Landlock record up to that denial's
 * is read into `r`.  Returns 0 or the errno that stopped it (ECHILD: the
 * marker child was not denied as it must be).
 */
int ll_audit_read_to_marker(int fd, const char *path,
			    struct ll_audit_records *r);

/*
 * ACCESS records in `r` of the domains `pid` created (their DOMAIN record,
 * also in `r`, names it): another process's denials are never counted.
 */
int ll_audit_caused_by(const struct ll_audit_records *r, pid_t pid);

/* Prints every kept record as a diagnostic line ("# record TYPE: TEXT"). */
void ll_audit_dump(const struct ll_audit_records *r);

#endif /* LLCONFORM_AUDIT_EXPECT_H */
