// SPDX-License-Identifier: GPL-2.0
/*
 * abi11_nnp: LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS (SPEC §4.1-§4.3, §4.5).
 *
 * With the flag, restrict_self sets no_new_privs itself, after its last
 * failure point: an unprivileged caller without no_new_privs may enforce a
 * domain, and a failing call leaves no_new_privs unset.  With TSYNC every
 * thread gets it; without, only the caller.  Before ABI 11 the bit is an
 * unknown flag (EINVAL, or EPERM first where privileges are checked first).
 *
 * The check order itself (EINVAL before EPERM on ABI 11, the reverse on
 * 2-10) is base.c's: restrict_self_checks_{flags_before_privileges,
 * privileges_before_flags}.
 *
 * "Unprivileged" = no CAP_SYS_ADMIN in the current user namespace (root
 * drops its capabilities); "privileged" = root as is, or anyone inside a
 * fresh user namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "privs.h"

LL_PROGRAM(LL_B_NNP_FLAG);

#define NNP_FLAG LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS

static int restrict_err(int fd, uint32_t flags)
{
	return ll_restrict_self(fd, flags) ? errno : 0;
}

/*
 * T/f: a file the domain denies reading (READ_FILE handled, no rule), so
 * that a test sees whether a domain is in force.
 */
static char file[512];

static void make_file(struct __test_metadata *_metadata)
{
	static const char *const tree[] = { "f", NULL };
	char root[256];

	LL_SETUP(ll_scratch_dir("nnp", root, sizeof(root)));
	LL_SETUP(ll_make_tree(root, tree));
	ll_path(file, sizeof(file), root, "f");
}

/* Handles READ_FILE, no rule: T/f becomes unreadable. */
static int read_denying_ruleset(void)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};

	return ll_ruleset_build(&desc);
}

/* CAP_SYS_ADMIN in the current user namespace, no no_new_privs. */
#define BECOME_PRIVILEGED_IN_USERNS()                                   \
	do {                                                            \
		LL_NNP_MUST_BE_UNSET();                                 \
		if (unshare(CLONE_NEWUSER))                             \
			LL_NAMESPACES_OR_SKIP("unshare(CLONE_NEWUSER)", \
					      errno);                   \
		ASSERT_TRUE(ll_has_cap(CAP_SYS_ADMIN));                 \
	} while (0)

#define BECOME_PRIVILEGED()                            \
	do {                                           \
		if (!ll_has_cap(CAP_SYS_ADMIN))        \
			BECOME_PRIVILEGED_IN_USERNS(); \
		LL_NNP_MUST_BE_UNSET();                \
	} while (0)

/* A child reports its no_new_privs bit and whether T/f opens. */
static int child_state(void *arg)
{
	(void)arg;
	return (ll_nnp_set() ? 1 : 0) | (ll_try_open(file, O_RDONLY) ? 2 : 0);
}

#define STATE_NNP 1
#define STATE_DENIED 2

/* --- ABI 11: the flag ------------------------------------------------- */

LL_TEST(nnp_flag_lets_unprivileged_caller_enforce_and_sets_nnp)
{
	int ruleset;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	ASSERT_EQ(0, ll_try_open(file, O_RDONLY));
	ASSERT_EQ(EPERM, restrict_err(ruleset, 0));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
	ASSERT_EQ(EACCES, ll_try_open(file, O_RDONLY));
	/* Children inherit both; later calls need no flag. */
	ASSERT_EQ(STATE_NNP | STATE_DENIED,
		  ll_run_child(NULL, child_state, NULL));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
}

/* The flag sets no_new_privs even when CAP_SYS_ADMIN made it needless. */
LL_TEST(nnp_flag_sets_nnp_for_privileged_caller_too)
{
	int ruleset;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	BECOME_PRIVILEGED();
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
	ASSERT_EQ(EACCES, ll_try_open(file, O_RDONLY));
}

LL_TEST(nnp_flag_with_nnp_already_set_keeps_it)
{
	int ruleset;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
	ASSERT_EQ(EACCES, ll_try_open(file, O_RDONLY));
}

/* Next to every other known flag (log flags, TSYNC) it works the same. */
LL_TEST(nnp_flag_combines_with_every_known_flag)
{
	const uint32_t known = ll_mask(LL_RESTRICT_FLAG, ll_abi_now());
	uint32_t flag;

	make_file(_metadata);
	for (flag = 1; flag; flag <<= 1) {
		int ruleset, status;
		pid_t pid;

		if (!(flag & known) || flag == NNP_FLAG)
			continue;
		ruleset = read_denying_ruleset();
		ASSERT_LE(0, ruleset);
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			if (ll_nnp_set() || ll_drop_caps())
				_exit(100);
			if (restrict_err(ruleset, flag | NNP_FLAG))
				_exit(101);
			_exit(child_state(NULL));
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_EQ(STATE_NNP | STATE_DENIED, WEXITSTATUS(status))
		{
			TH_LOG("flags 0x%x", flag | NNP_FLAG);
		}
		ASSERT_EQ(0, close(ruleset));
	}
}

/*
 * §4.3: no_new_privs is set after the last failure point.  Each failing
 * call, whatever its errno, leaves it unset and enforces nothing.
 */
LL_TEST(failing_nnp_flag_calls_leave_nnp_unset)
{
	const uint32_t unknown = ~ll_mask(LL_RESTRICT_FLAG, ll_abi_now());
	int ruleset, closed, opath, plain;
	struct {
		const char *what;
		int fd;
		uint32_t flags;
		int err;
	} calls[] = {
		{ "fd -1", -1, NNP_FLAG, EBADF },
		{ "fd -2", -2, NNP_FLAG, EBADF },
		{ "fd -1 with LOG_SUBDOMAINS_OFF", -1,
		  NNP_FLAG | LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF, EBADF },
		{ "closed fd", 0, NNP_FLAG, EBADF },
		{ "O_PATH fd", 0, NNP_FLAG, EBADF },
		{ "regular file fd", 0, NNP_FLAG, EBADFD },
		{ "unknown flag", 0, NNP_FLAG | (unknown & -unknown), EINVAL },
		{ "every unknown flag", 0, NNP_FLAG | unknown, EINVAL },
	};
	size_t i;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	plain = open(file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, plain);
	opath = open(file, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, opath);
	closed = dup(plain);
	ASSERT_LE(0, closed);
	ASSERT_EQ(0, close(closed));
	calls[3].fd = closed;
	calls[4].fd = opath;
	calls[5].fd = plain;
	calls[6].fd = ruleset;
	calls[7].fd = ruleset;
	LL_BECOME_UNPRIVILEGED();
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		EXPECT_EQ(calls[i].err,
			  restrict_err(calls[i].fd, calls[i].flags))
		{
			TH_LOG("%s", calls[i].what);
		}
		ASSERT_FALSE(ll_nnp_set())
		{
			TH_LOG("no_new_privs set by the failing call: %s",
			       calls[i].what);
		}
	}
	/* Nothing changed: no domain, still no privilege to enforce. */
	ASSERT_EQ(0, ll_try_open(file, O_RDONLY));
	ASSERT_EQ(EPERM, restrict_err(ruleset, 0));
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
}

/*
 * The 17th layer fails with E2BIG and leaves no_new_privs unset.  The 16
 * layers need privileges without no_new_privs: a user namespace, so that
 * this runs for everyone (base.c checks the same as real root).
 */
LL_TEST(nnp_flag_failing_on_17th_layer_leaves_nnp_unset_in_userns)
{
	int ruleset, i;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	BECOME_PRIVILEGED_IN_USERNS();
	for (i = 0; i < LL_MAX_LAYERS; i++) {
		ASSERT_EQ(0, restrict_err(ruleset, 0));
	}
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(E2BIG, restrict_err(ruleset, NNP_FLAG));
	ASSERT_FALSE(ll_nnp_set());
}

/* --- Threads ------------------------------------------------------------ */

/*
 * Sibling threads park on a pipe; once released each records its
 * no_new_privs bit and whether T/f opens, then exits.
 */
#define SIBLINGS 2

struct sibling {
	pthread_t thread;
	int release;
	int state;
};

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;
	char c;

	if (read(s->release, &c, 1) != 1) {
		s->state = -1;
		return NULL;
	}
	s->state = child_state(NULL);
	return NULL;
}

static void start_siblings(struct __test_metadata *_metadata, struct sibling *s,
			   int release[2])
{
	int i;

	ASSERT_EQ(0, pipe2(release, O_CLOEXEC));
	for (i = 0; i < SIBLINGS; i++) {
		s[i].release = release[0];
		s[i].state = -1;
		ASSERT_EQ(0, pthread_create(&s[i].thread, NULL, sibling_main,
					    &s[i]));
	}
}

static void join_siblings(struct __test_metadata *_metadata, struct sibling *s,
			  int release[2])
{
	int i;

	for (i = 0; i < SIBLINGS; i++) {
		ASSERT_EQ(1, write(release[1], "g", 1));
	}
	for (i = 0; i < SIBLINGS; i++) {
		ASSERT_EQ(0, pthread_join(s[i].thread, NULL));
	}
}

/* Without TSYNC only the calling thread changes (§4.5). */
LL_TEST(nnp_flag_without_tsync_sets_nnp_on_calling_thread_only)
{
	struct sibling s[SIBLINGS];
	int ruleset, release[2], i;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	start_siblings(_metadata, s, release);
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG));
	ASSERT_TRUE(ll_nnp_set());
	join_siblings(_metadata, s, release);
	for (i = 0; i < SIBLINGS; i++) {
		ASSERT_EQ(0, s[i].state)
		{
			TH_LOG("sibling %d: state %d", i, s[i].state);
		}
	}
}

/* ABI >= 8 and 11: with TSYNC every thread gets no_new_privs (§4.3). */
LL_TEST(nnp_flag_with_tsync_sets_nnp_on_every_thread)
{
	const uint32_t tsync = LANDLOCK_RESTRICT_SELF_TSYNC;
	struct sibling s[SIBLINGS];
	int ruleset, release[2], i;

	ASSERT_TRUE(ll_abi_has(ll_abi_now(), LL_B_TSYNC))
	{
		TH_LOG("ABI %d has NO_NEW_PRIVS but not TSYNC", ll_kernel.abi);
	}
	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	start_siblings(_metadata, s, release);
	/* A failing TSYNC call leaves every thread as it was. */
	ASSERT_EQ(EBADF, restrict_err(-1, NNP_FLAG | tsync));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, restrict_err(ruleset, NNP_FLAG | tsync));
	ASSERT_TRUE(ll_nnp_set());
	ASSERT_EQ(EACCES, ll_try_open(file, O_RDONLY));
	join_siblings(_metadata, s, release);
	for (i = 0; i < SIBLINGS; i++) {
		ASSERT_EQ(STATE_NNP | STATE_DENIED, s[i].state)
		{
			TH_LOG("sibling %d: state %d", i, s[i].state);
		}
	}
}

/* The failing TSYNC call's siblings: checked apart, before any success. */
LL_TEST(failing_nnp_flag_with_tsync_leaves_siblings_unchanged)
{
	const uint32_t tsync = LANDLOCK_RESTRICT_SELF_TSYNC;
	struct sibling s[SIBLINGS];
	int ruleset, release[2], plain, i;

	ASSERT_TRUE(ll_abi_has(ll_abi_now(), LL_B_TSYNC));
	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	plain = open(file, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, plain);
	LL_BECOME_UNPRIVILEGED();
	start_siblings(_metadata, s, release);
	ASSERT_EQ(EBADF, restrict_err(-1, NNP_FLAG | tsync));
	ASSERT_EQ(EBADFD, restrict_err(plain, NNP_FLAG | tsync));
	ASSERT_FALSE(ll_nnp_set());
	join_siblings(_metadata, s, release);
	for (i = 0; i < SIBLINGS; i++) {
		ASSERT_EQ(0, s[i].state)
		{
			TH_LOG("sibling %d: state %d", i, s[i].state);
		}
	}
	ASSERT_EQ(EPERM, restrict_err(ruleset, tsync));
}

/* --- Before ABI 11: an unknown flag ------------------------------------ */

/* With no_new_privs set, only the flag check can fail: EINVAL. */
LL_TEST(nnp_bit_is_an_unknown_flag_before_abi11, .lacks = LL_B_NNP_FLAG)
{
	int ruleset;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(EINVAL, restrict_err(ruleset, NNP_FLAG));
	ASSERT_EQ(0, ll_try_open(file, O_RDONLY));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_EQ(EACCES, ll_try_open(file, O_RDONLY));
}

/* Privileged without no_new_privs: EINVAL, and no_new_privs stays unset. */
LL_TEST(nnp_bit_rejected_for_privileged_caller_before_abi11,
	.lacks = LL_B_NNP_FLAG)
{
	int ruleset;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	BECOME_PRIVILEGED();
	ASSERT_EQ(EINVAL, restrict_err(ruleset, NNP_FLAG));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, ll_try_open(file, O_RDONLY));
}

/*
 * Unprivileged without no_new_privs: ABI 2-10 check privileges first
 * (EPERM); ABI 1 kernels check flags first unless they took the 5.19
 * reorder (§4.1, §12.1): EINVAL or EPERM.  Never success, never NNP.
 */
LL_TEST(nnp_bit_unprivileged_before_abi11_fails_as_the_abi_orders,
	.lacks = LL_B_NNP_FLAG)
{
	int ruleset, err;

	make_file(_metadata);
	ruleset = read_denying_ruleset();
	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	err = restrict_err(ruleset, NNP_FLAG);
	if (ll_abi_has(ll_abi_now(), LL_B_RESTRICT_EPERM_BEFORE_FLAGS)) {
		ASSERT_EQ(EPERM, err);
	} else {
		ASSERT_TRUE(err == EINVAL || err == EPERM)
		{
			TH_LOG("ABI %d: errno %d", ll_kernel.abi, err);
		}
	}
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, ll_try_open(file, O_RDONLY));
}

LL_MAIN()
