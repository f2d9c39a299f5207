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
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
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

/*
 * TSYNC takes the process's exec_update_lock and gives it back: the
 * process can execve afterwards (mutant d0074db6c9 released the lock
 * without having taken it, and the next execve waited for it forever).
 * The child enforces and re-executes itself with LL_EXIT0_ARG; the parent
 * waits at most 10 s.
 */
LL_TEST(tsync_leaves_execve_possible)
{
	int ruleset = ruleset_of(R_WRITE), status = 0, i;
	pid_t child;

	ASSERT_LE(0, ruleset);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		if (ll_set_nnp() || ll_restrict_self(ruleset, TSYNC))
			_exit(2);
		execl("/proc/self/exe", "tsync-exec", LL_EXIT0_ARG, NULL);
		_exit(3);
	}
	for (i = 0; i < 1000 && !waitpid(child, &status, WNOHANG); i++)
		usleep(10000);
	if (i == 1000) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	ASSERT_LT(i, 1000)
	TH_LOG("execve after TSYNC still blocked after 10 s");
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
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

/*
 * A thread group whose leader has exited: the leader stays listed among the
 * threads, exiting, until the whole group ends, and never runs task_work
 * again.  TSYNC from another thread must skip it (not wait for it forever)
 * and still restrict the live sibling.  Played in a child process, whose
 * leader can exit without ending the test; the caller thread reports.
 */
struct zombie_leader {
	const char *path;
	int ruleset, report;
	pid_t leader;
	struct sibling sib;
};

struct zombie_report {
	int setup; /* 0, or which setup step failed (no verdict) */
	char leader_state; /* 'Z' once the leader has exited */
	int before_err; /* the caller's read before enforcing */
	int restrict_err, read_err, write_err;
	int sib_read_err, sib_write_err;
};

static void *zombie_leader_caller(void *arg)
{
	struct zombie_leader *z = arg;
	struct zombie_report r = { 0 };
	long i;

	/* Bounded: the leader is exiting when this thread starts. */
	for (i = 0; i < 10000000 && ll_thread_state(z->leader) != 'Z'; i++)
		sched_yield();
	r.leader_state = ll_thread_state(z->leader);
	r.before_err = ll_try_open(z->path, O_RDONLY);
	r.restrict_err = ll_errno_of(ll_restrict_self(z->ruleset, TSYNC));
	r.read_err = ll_try_open(z->path, O_RDONLY);
	r.write_err = ll_try_open(z->path, O_WRONLY);
	if (write(z->sib.go[1], "g", 1) != 1 ||
	    pthread_join(z->sib.thread, NULL))
		r.setup = 5;
	r.sib_read_err = z->sib.read_err;
	r.sib_write_err = z->sib.write_err;
	_exit(write(z->report, &r, sizeof(r)) == sizeof(r) ? 0 : 6);
}

/* The child's leader: starts both threads, then exits alone. */
static void zombie_leader_child(struct zombie_leader *z)
{
	struct zombie_report r = { 0 };
	pthread_t caller;
	long i;

	z->leader = getpid();
	z->sib.path = z->path;
	z->sib.read_err = z->sib.write_err = -1;
	if (ll_set_nnp())
		r.setup = 1;
	else if (pipe2(z->sib.started, O_CLOEXEC) ||
		 pipe2(z->sib.go, O_CLOEXEC) ||
		 pthread_create(&z->sib.thread, NULL, sibling_main, &z->sib) ||
		 !read_byte(z->sib.started[0]))
		r.setup = 2;
	for (i = 0;
	     !r.setup && i < 10000000 && ll_thread_state(z->sib.tid) != 'S';
	     i++)
		sched_yield();
	if (!r.setup && ll_thread_state(z->sib.tid) != 'S')
		r.setup = 3;
	if (!r.setup && pthread_create(&caller, NULL, zombie_leader_caller, z))
		r.setup = 4;
	if (r.setup)
		_exit(write(z->report, &r, sizeof(r)) == sizeof(r) ? 0 : 6);
	/* This thread only: the process lives on in its two threads. */
	syscall(SYS_exit, 0);
}

LL_TEST(tsync_skips_an_exited_leader_and_restricts_the_live_sibling)
{
	static const char *const steps[] = {
		"",
		"no_new_privs",
		"starting the sibling",
		"the sibling never blocked in read()",
		"starting the caller thread",
		"joining the sibling",
	};
	struct zombie_leader z = { 0 };
	struct zombie_report r = { .setup = -1 };
	char path[512];
	int pipefd[2], status;
	pid_t pid;

	z.ruleset = ruleset_of(R_READ);
	ASSERT_LE(0, z.ruleset);
	scratch_file(_metadata, "zombie", path, sizeof(path));
	z.path = path;
	LL_SETUP(pipe2(pipefd, O_CLOEXEC) ? errno : 0);
	z.report = pipefd[1];
	pid = fork();
	LL_SETUP(pid < 0 ? errno : 0);
	if (pid == 0) {
		close(pipefd[0]);
		zombie_leader_child(&z);
	}
	close(pipefd[1]);
	/* The report comes after enforcement: a short read is a verdict. */
	ASSERT_EQ(sizeof(r), read(pipefd[0], &r, sizeof(r)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	if (r.setup > 0 && r.setup < 5)
		LL_BROKEN("in the child: %s", steps[r.setup]);
	ASSERT_EQ(0, r.setup)
	TH_LOG("in the child: %s", steps[r.setup]);
	if (r.leader_state != 'Z')
		LL_BROKEN("the child's leader never became a zombie (%c)",
			  r.leader_state);
	if (r.before_err)
		LL_BROKEN("reading before enforcement: %s",
			  strerror(r.before_err));
	ASSERT_EQ(0, r.restrict_err);
	ASSERT_EQ(EACCES, r.read_err);
	ASSERT_EQ(0, r.write_err);
	EXPECT_EQ(EACCES, r.sib_read_err);
	EXPECT_EQ(0, r.sib_write_err);
}

/*
 * Two threads enforce with TSYNC at the same moment, each its own ruleset
 * (READ_FILE, WRITE_FILE).  One sync runs at a time (the other restarts
 * once the first has reached it), so both succeed and both threads end
 * with both layers: reading and writing denied in each.  Repeated, each
 * round in a fresh child, because which one wins is the scheduler's.
 */
#define COMPETING_ROUNDS 6

struct competing {
	const char *path;
	int rulesets[2];
	/* Set by each side once its call returned; `go` starts both. */
	atomic_int go, called[2];
	int restrict_err[2], read_err[2], write_err[2];
};

static void competing_side(struct competing *c, int side)
{
	while (!atomic_load(&c->go))
		sched_yield();
	c->restrict_err[side] =
		ll_errno_of(ll_restrict_self(c->rulesets[side], TSYNC));
	atomic_store(&c->called[side], 1);
	while (!atomic_load(&c->called[!side]))
		sched_yield();
	c->read_err[side] = ll_try_open(c->path, O_RDONLY);
	c->write_err[side] = ll_try_open(c->path, O_WRONLY);
}

static void *competing_thread(void *arg)
{
	competing_side(arg, 1);
	return NULL;
}

/* One round in a child: 0, or 1 when its own setup failed. */
static int competing_round(struct competing *c)
{
	pthread_t thread;

	if (ll_set_nnp() || pthread_create(&thread, NULL, competing_thread, c))
		return 1;
	atomic_store(&c->go, 1);
	competing_side(c, 0);
	return pthread_join(thread, NULL) ? 1 : 0;
}

LL_TEST(tsync_from_two_threads_at_once_gives_both_layers_to_both)
{
	struct competing *c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char path[512];
	int round, side, status;
	pid_t pid;

	LL_SETUP(c == MAP_FAILED ? errno : 0);
	scratch_file(_metadata, "competing", path, sizeof(path));
	c->path = path;
	c->rulesets[0] = ruleset_of(R_READ);
	c->rulesets[1] = ruleset_of(R_WRITE);
	ASSERT_LE(0, c->rulesets[0]);
	ASSERT_LE(0, c->rulesets[1]);
	if (ll_try_open(path, O_RDWR))
		LL_BROKEN("%s not readable and writable before", path);
	for (round = 0; round < COMPETING_ROUNDS; round++) {
		atomic_store(&c->go, 0);
		for (side = 0; side < 2; side++) {
			atomic_store(&c->called[side], 0);
			c->restrict_err[side] = c->read_err[side] =
				c->write_err[side] = -1;
		}
		pid = fork();
		LL_SETUP(pid < 0 ? errno : 0);
		if (pid == 0)
			_exit(competing_round(c));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
			LL_BROKEN("round %d: no_new_privs or pthread_create",
				  round);
		ASSERT_EQ(0, status);
		for (side = 0; side < 2; side++) {
			ASSERT_EQ(0, c->restrict_err[side])
			TH_LOG("round %d, thread %d", round, side);
			ASSERT_EQ(EACCES, c->read_err[side])
			TH_LOG("round %d, thread %d", round, side);
			ASSERT_EQ(EACCES, c->write_err[side])
			TH_LOG("round %d, thread %d", round, side);
		}
	}
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
