/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The audit fixture, written once for abi7_logging.c and no_inherit.c: the
 * test process holds an audit netlink socket (harness/audit.c: it becomes
 * the audit daemon for the test's duration, never replacing a running one)
 * and gives it back at teardown, whatever the test's outcome.  The
 * including program includes "ll_harness.h" and "audit.h" first.
 */
#ifndef LL_AUDIT_FIXTURE_H
#define LL_AUDIT_FIXTURE_H

FIXTURE(audit)
{
	struct ll_audit st;
};

FIXTURE_SETUP(audit)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit)
{
	ll_audit_stop(&self->st);
}

#endif
