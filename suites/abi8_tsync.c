// SPDX-License-Identifier: GPL-2.0
/*
 * abi8_tsync: LANDLOCK_RESTRICT_SELF_TSYNC (SPEC §4.3, §4.5).  The new
 * domain goes to every thread of the process, including threads blocked
 * in a system call, and replaces whatever domain a sibling had; NNP
 * follows.  Without the flag only the calling thread changes.  Before
 * ABI 8 the flag is unknown.  The fd -1 combinations are base.c's.
 *
 * Each sibling thread runs a small script: it reports "started", blocks
 * in read(2) on its own pipe (the kernel must reach it there), and once
 * woken tries the accesses and reports their errnos.  Nothing sleeps: the
 * test waits until /proc shows the sibling sleeping in the kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"
#include "privs.h"
#include "rights.h"

LL_PROGRAM(LL_B_TSYNC);

#define TSYNC LANDLOCK_RESTRICT_SELF_TSYNC

/* A ruleset handling `handled` FS rights, no rule; -errno on failure. */
static int ruleset_of(uint64_t handled)
{
	const struct ll_ruleset_desc desc = { .handled_fs = handled };

	return ll_ruleset_build(&desc);
}

static bool read_byte(int fd)
{
	char c;
	ssize_t n;

	do {
		n = read(fd, &c, 1);
	} while (n < 0 && errno == EINTR);
	return n == 1;
}

/*
 *	T/
 *	└── f	read and written by every thread
 */
struct sibling {
	pthread_t thread;
	pid_t tid;
	const char *path;
	/* Restricts itself alone (no TSYNC) to `own` before blocking. */
	uint64_t own;
	int started[2], go[2];
	/* What it saw once woken. */
	int own_err, read_err, write_err;
	bool nnp_before, nnp_after;
};

static void *sibling_main(void *arg)
{
	struct sibling *s = arg;
	int fd;

	s->tid = syscall(SYS_gettid);
	s->nnp_before = ll_nnp_set();
	s->own_err = 0;
	if (s->own) {
		fd = ruleset_of(s->own);
		if (fd < 0) {
			s->own_err = -fd;
		} else {
			s->own_err = ll_set_nnp();
			if (!s->own_err && ll_restrict_self(fd, 0))
				s->own_err = errno;
			close(fd);
		}
	}
	if (write(s->started[1], "s", 1) != 1 || !read_byte(s->go[0]))
		return NULL;
	s->nnp_after = ll_nnp_set();
	s->read_err = ll_try_open(s->path, O_RDONLY);
	s->write_err = ll_try_open(s->path, O_WRONLY);
	return NULL;
}

/* Starts the sibling and returns once it sleeps in read(2). */
static void start_sibling(struct __test_metadata *_metadata, struct sibling *s,
			  const char *path, uint64_t own)
{
	long i;

	memset(s, 0, sizeof(*s));
	s->path = path;
	s->own = own;
	s->read_err = s->write_err = -1;
	LL_SETUP(pipe2(s->started, O_CLOEXEC) ? errno : 0);
	LL_SETUP(pipe2(s->go, O_CLOEXEC) ? errno : 0);
	LL_SETUP(pthread_create(&s->thread, NULL, sibling_main, s));
	if (!read_byte(s->started[0]))
		LL_BROKEN("the sibling thread did not start");
	ASSERT_EQ(0, s->own_err)
	TH_LOG("the sibling could not restrict itself: %s",
	       strerror(s->own_err));
	/* Bounded: a thread about to block in read() gets there at once. */
	for (i = 0; i < 10000000 && ll_thread_state(s->tid) != 'S'; i++)
		sched_yield();
	if (ll_thread_state(s->tid) != 'S')
		LL_BROKEN("the sibling thread never blocked in read()");
}

/* Wakes the sibling and waits for its report. */
static void finish_sibling(struct __test_metadata *_metadata, struct sibling *s)
{
	ASSERT_EQ(1, write(s->go[1], "g", 1));
	ASSERT_EQ(0, pthread_join(s->thread, NULL));
}

static void scratch_file(struct __test_metadata *_metadata, const char *name,
			 char *path, size_t size)
{
	static const char *const entries[] = { "f", NULL };
	char dir[256];

	LL_SETUP(ll_scratch_dir(name, dir, sizeof(dir)));
	LL_SETUP(ll_make_tree(dir, entries));
	ll_path(path, size, dir, "f");
}

/* --- TSYNC -----------------------------------------------------------------
 */

LL_TEST(tsync_in_a_single_threaded_process_restricts_it)
{
	char path[512];
	int ruleset = ruleset_of(R_READ);

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "single", path, sizeof(path));
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(0, ll_restrict_self(ruleset, TSYNC));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
	ASSERT_EQ(0, ll_try_open(path, O_WRONLY));
}

/* Two siblings blocked in read(2) while the main thread enforces. */
LL_TEST(tsync_restricts_siblings_blocked_in_a_syscall)
{
	struct sibling s[2];
	char path[512];
	int ruleset = ruleset_of(R_READ), i;

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "blocked", path, sizeof(path));
	ASSERT_EQ(0, ll_set_nnp());
	for (i = 0; i < 2; i++)
		start_sibling(_metadata, &s[i], path, 0);
	ASSERT_EQ(0, ll_restrict_self(ruleset, TSYNC));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
	for (i = 0; i < 2; i++) {
		finish_sibling(_metadata, &s[i]);
		EXPECT_EQ(EACCES, s[i].read_err)
		TH_LOG("sibling %d read", i);
		EXPECT_EQ(0, s[i].write_err)
		TH_LOG("sibling %d write", i);
	}
}

/*
 * The sibling had restricted itself alone (WRITE_FILE); TSYNC gives it
 * the caller's new domain instead: reading denied, writing allowed again.
 */
LL_TEST(tsync_replaces_a_sibling_diverging_domain)
{
	struct sibling s;
	char path[512];
	int ruleset = ruleset_of(R_READ);

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "diverging", path, sizeof(path));
	ASSERT_EQ(0, ll_set_nnp());
	start_sibling(_metadata, &s, path, R_WRITE);
	ASSERT_EQ(0, ll_restrict_self(ruleset, TSYNC));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
	ASSERT_EQ(0, ll_try_open(path, O_WRONLY));
	finish_sibling(_metadata, &s);
	EXPECT_EQ(EACCES, s.read_err);
	EXPECT_EQ(0, s.write_err);
}

/*
 * no_new_privs is per thread: the sibling started without it and gets it
 * from the caller's TSYNC enforcement.
 */
LL_TEST(tsync_sets_no_new_privs_on_siblings)
{
	struct sibling s;
	char path[512];
	int ruleset = ruleset_of(R_READ);

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "nnp", path, sizeof(path));
	if (ll_nnp_set())
		LL_SKIP_ENV(return, "no_new_privs already set by the caller");
	start_sibling(_metadata, &s, path, 0);
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(0, ll_restrict_self(ruleset, TSYNC));
	finish_sibling(_metadata, &s);
	EXPECT_FALSE(s.nnp_before);
	EXPECT_TRUE(s.nnp_after);
	EXPECT_EQ(EACCES, s.read_err);
}

/* TSYNC next to each log flag: accepted, the sibling restricted. */
LL_TEST(tsync_combines_with_log_flags)
{
	const uint32_t log_flags =
		ll_mask(LL_RESTRICT_FLAG, ll_abi_now()) &
		ll_mask(LL_RESTRICT_FLAG, ll_behaviour_abi(LL_B_LOGGING));
	struct sibling s;
	char path[512];
	int ruleset = ruleset_of(R_READ);
	uint32_t flag;

	ASSERT_LE(0, ruleset);
	ASSERT_NE(0, log_flags);
	scratch_file(_metadata, "log_flags", path, sizeof(path));
	ASSERT_EQ(0, ll_set_nnp());
	start_sibling(_metadata, &s, path, 0);
	for (flag = 1; flag; flag <<= 1) {
		if (!(flag & log_flags))
			continue;
		ASSERT_EQ(0, ll_restrict_self(ruleset, TSYNC | flag))
		TH_LOG("TSYNC | 0x%x", flag);
	}
	finish_sibling(_metadata, &s);
	EXPECT_EQ(EACCES, s.read_err);
}

/* --- without TSYNC (every ABI) ------------------------------------------- */

LL_TEST(without_tsync_only_the_calling_thread_is_restricted,
	.needs = LL_B_LANDLOCK)
{
	struct sibling s;
	char path[512];
	int ruleset = ruleset_of(R_READ);

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "no_tsync", path, sizeof(path));
	ASSERT_EQ(0, ll_set_nnp());
	start_sibling(_metadata, &s, path, 0);
	ASSERT_EQ(0, ll_restrict_self(ruleset, 0));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
	finish_sibling(_metadata, &s);
	EXPECT_EQ(0, s.read_err);
	EXPECT_EQ(0, s.write_err);
}

/* --- before ABI 8 ------------------------------------------------------------
 */

/*
 * TSYNC is an unknown flag: EINVAL with no_new_privs set, and no domain
 * for any thread.  Without no_new_privs or capabilities, ABI 2-7 answer
 * EPERM first; original ABI-1 kernels may check the flags first (§4.1).
 */
LL_TEST(tsync_is_an_unknown_flag_before_abi8, .lacks = LL_B_TSYNC)
{
	struct sibling s;
	char path[512];
	int ruleset = ruleset_of(R_READ), err;

	ASSERT_LE(0, ruleset);
	scratch_file(_metadata, "before8", path, sizeof(path));
	start_sibling(_metadata, &s, path, 0);
	if (!ll_nnp_set()) {
		ASSERT_EQ(0, ll_drop_caps());
		err = ll_errno_of(ll_restrict_self(ruleset, TSYNC));
		if (ll_abi_has(ll_abi_now(),
			       LL_B_RESTRICT_EPERM_BEFORE_FLAGS)) {
			ASSERT_EQ(EPERM, err);
		} else {
			ASSERT_TRUE(err == EINVAL || err == EPERM)
			TH_LOG("ABI 1: errno %d", err);
		}
	}
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(-1, ll_restrict_self(ruleset, TSYNC));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ll_try_open(path, O_RDONLY));
	finish_sibling(_metadata, &s);
	EXPECT_EQ(0, s.read_err);
	EXPECT_FALSE(s.nnp_after);
}

LL_MAIN()
