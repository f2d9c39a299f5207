/* SPDX-License-Identifier: GPL-2.0 */
/*
 * no_new_privs and the unprivileged caller: restrict_self without
 * no_new_privs needs CAP_SYS_ADMIN (SPEC §4), so tests of that rule start
 * from a thread with neither.
 */
#ifndef LLCONFORM_PRIVS_H
#define LLCONFORM_PRIVS_H

#include <stdbool.h>

/* Whether no_new_privs is set on the calling thread. */
bool ll_nnp_set(void);
/* Sets no_new_privs on the calling thread: 0 or the errno. */
int ll_set_nnp(void);

/*
 * Gives the calling process `cap` over its own namespaces: nothing to do
 * for root; otherwise a user namespace mapping the caller to root.  With
 * `ns_flags` (CLONE_NEWNS), also a new namespace of that kind.  Returns 0,
 * an errno, or -errno when the kernel refuses a user namespace (an
 * environment matter, not the test's).
 */
int ll_enter_namespaces(int cap, int ns_flags);

/*
 * Whether this process is refused a user namespace (tried in a child, so
 * nothing changes here); if so, `why` names the errno and what refuses it
 * (a sysctl, AppArmor's restriction, a seccomp filter, a chroot).  Such a
 * machine cannot run tests that need one as an unprivileged user: an
 * environment skip, never a broken test nor a verdict on the kernel.
 */
bool ll_userns_refused(char *why, size_t size);

/*
 * In a test, after a namespace entry failed with `err` (before anything is
 * enforced): an environment skip naming the restriction where user
 * namespaces are refused, else a broken setup.
 */
#define LL_NAMESPACES_OR_SKIP(what, err)                         \
	do {                                                     \
		char _ll_why[256];                               \
		if (ll_userns_refused(_ll_why, sizeof(_ll_why))) \
			LL_SKIP_ENV(return, "%s", _ll_why);      \
		LL_BROKEN("%s: %s", (what), strerror(err));      \
	} while (0)

/*
 * In a test: skips where no_new_privs was already set by whoever started
 * the program (it cannot be unset, so its absence cannot be tested).
 */
#define LL_NNP_MUST_BE_UNSET()                                                \
	do {                                                                  \
		if (ll_nnp_set())                                             \
			LL_SKIP_ENV(return,                                   \
					  "no_new_privs already set by the "  \
					  "caller, cannot test its absence"); \
	} while (0)

/* In a test: leaves the thread with neither no_new_privs nor capabilities. */
#define LL_BECOME_UNPRIVILEGED()                         \
	do {                                             \
		LL_NNP_MUST_BE_UNSET();                  \
		ASSERT_EQ(0, ll_drop_caps());            \
		ASSERT_FALSE(ll_has_cap(CAP_SYS_ADMIN)); \
	} while (0)

#endif /* LLCONFORM_PRIVS_H */
