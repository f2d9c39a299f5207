// SPDX-License-Identifier: GPL-2.0
/*
 * faults: every allocation of the Landlock system calls fails once (fault
 * injection), and the kernel must keep its promises: the call fails
 * cleanly with ENOMEM, nothing is half applied (no new fd, no new rule, no
 * new layer, no no_new_privs, no sibling thread changed after a failed
 * TSYNC), the previous domain stays as it was, and the kernel stays
 * healthy (a WARNING or BUG taints the guest: the init reports it).
 *
 * The mechanism is the per-task fail-nth file (CONFIG_FAULT_INJECTION,
 * Documentation/fault-injection/fault-injection.rst): writing N to
 * /proc/thread-self/fail-nth makes the Nth allocation (slab or page) of
 * that task fail; reading it back gives 0 once the failure was injected.
 * Each test makes one call with N = 1, 2, 3... (each in a fresh child
 * process) until the call runs without reaching the Nth allocation: then
 * every allocation of the call has been failed once. A failure the kernel
 * tolerates (the call succeeds anyway) must leave the full new state.
 * failslab and fail_page_alloc ignore allocations that may sleep unless
 * their debugfs knob ignore-gfp-wait is N, so the tests set it (root,
 * debugfs): kernels without fault injection skip with the reason.
 *
 * The other error path of TSYNC is an interruption: a signal while the
 * caller waits for its siblings makes the call start again from scratch
 * (ERESTARTNOINTR), and the restarted call must still add one layer only.
 *
 * Each test prints "# faults: <call>: <n> allocation(s) ..." so a run
 * shows how many allocation points each call has; `llconform coverage`
 * shows which error paths of security/landlock they reached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"

LL_PROGRAM(LL_B_LANDLOCK);

#define DEBUGFS "/sys/kernel/debug"
#define MAX_NTH 400 /* more allocation points than any call has */
#define ROOT_WHY "fault-injection knobs in debugfs (ignore-gfp-wait)"
#define NNP LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS
#define TSYNC LANDLOCK_RESTRICT_SELF_TSYNC
#define LOG_NEW_EXEC LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON

/* --- fault injection ---------------------------------------------------- */

static const char *const knobs[] = {
	DEBUGFS "/failslab/ignore-gfp-wait",
	DEBUGFS "/fail_page_alloc/ignore-gfp-wait",
	DEBUGFS "/failslab/verbose",
	DEBUGFS "/fail_page_alloc/verbose",
};
/* ignore-gfp-wait N: inject into allocations that may sleep (all of a
 * syscall's); verbose 0: no stack dump per injected failure. */
static const char *const knob_values[] = { "N", "N", "0", "0" };

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, text, strlen(text)) < 0)
		err = errno;
	close(fd);
	return err;
}

/* Whether this kernel can inject, and the knobs set; else a skip. */
#define FAULTS_READY()                                                       \
	do {                                                                 \
		const char *_why = faults_setup();                           \
		if (_why)                                                    \
			LL_SKIP_ENV(return, "no fault injection: %s", _why); \
	} while (0)

static const char *faults_setup(void)
{
	static char why[256];
	struct stat st;
	size_t i;

	if (stat("/proc/thread-self/fail-nth", &st))
		return "/proc/thread-self/fail-nth is absent (a kernel "
		       "without CONFIG_FAULT_INJECTION)";
	if (stat(DEBUGFS "/failslab", &st))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int err = write_text(knobs[i], knob_values[i]);

		if (err) {
			snprintf(why, sizeof(why),
				 "%s: %s (needs CONFIG_FAILSLAB, "
				 "CONFIG_FAIL_PAGE_ALLOC, "
				 "CONFIG_FAULT_INJECTION_DEBUG_FS)",
				 knobs[i], strerror(err));
			return why;
		}
	}
	return NULL;
}

static int nth_fd(pid_t tid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", tid);
	return open(path, O_RDWR | O_CLOEXEC);
}

static void arm(int fd, unsigned int n)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	if (pwrite(fd, buf, strlen(buf), 0) < 0)
		_exit(250);
}

/* Disarms; returns whether the armed failure was injected. */
static bool disarm(int fd)
{
	char buf[16] = "";
	bool injected;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		_exit(250);
	injected = atoi(buf) == 0;
	arm(fd, 0);
	return injected;
}

/* --- what one attempt observed, sent from the child to the test ---------- */

enum state { ST_UNCHANGED = 1, ST_APPLIED, ST_INCONSISTENT };

struct outcome {
	bool injected;
	int err; /* errno of the call, 0 on success */
	enum state state;
	char what[200]; /* what the state check saw */
};

static const char *state_name(enum state s)
{
	return s == ST_UNCHANGED ? "unchanged"
	       : s == ST_APPLIED ? "applied"
				 : "half applied";
}

/* One attempt with the Nth allocation failing, in a child process. */
typedef void (*attempt_fn)(unsigned int nth, const void *arg,
			   struct outcome *out);

static bool run_attempt(attempt_fn fn, unsigned int nth, const void *arg,
			struct outcome *out)
{
	int pfd[2], status;
	pid_t pid;
	bool ok;

	if (pipe(pfd))
		return false;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		struct outcome o = { 0 };

		close(pfd[0]);
		fn(nth, arg, &o);
		_exit(write(pfd[1], &o, sizeof(o)) == sizeof(o) ? 0 : 251);
	}
	close(pfd[1]);
	memset(out, 0, sizeof(*out));
	ok = read(pfd[0], out, sizeof(*out)) == sizeof(*out);
	close(pfd[0]);
	return waitpid(pid, &status, 0) == pid && ok && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/*
 * Fails allocation 1, 2, ... of the call until it runs without reaching
 * the armed one; asserts each outcome. Returns the number of allocations.
 */
#define EVERY_ALLOCATION_FAILS(label, fn, arg)                                \
	({                                                                    \
		unsigned int _n, _enomem = 0, _tolerated = 0;                 \
		struct outcome _o;                                            \
		for (_n = 1; _n <= MAX_NTH; _n++) {                           \
			if (!run_attempt((fn), _n, (arg), &_o))               \
				LL_BROKEN("%s: attempt %u: the child died",   \
					  (label), _n);                       \
			if (!_o.injected) {                                   \
				ASSERT_EQ(0, _o.err)                          \
				TH_LOG("%s without failure: %s", (label),     \
				       strerror(_o.err));                     \
				ASSERT_EQ(ST_APPLIED, _o.state)               \
				TH_LOG("%s without failure: %s: %s", (label), \
				       state_name(_o.state), _o.what);        \
				break;                                        \
			}                                                     \
			if (_o.err == 0) {                                    \
				/* a failure the kernel may tolerate */       \
				ASSERT_EQ(ST_APPLIED, _o.state)               \
				TH_LOG("%s, allocation %u failed, call "      \
				       "succeeded: state %s: %s",             \
				       (label), _n, state_name(_o.state),     \
				       _o.what);                              \
				_tolerated++;                                 \
				continue;                                     \
			}                                                     \
			ASSERT_EQ(ENOMEM, _o.err)                             \
			TH_LOG("%s, allocation %u failed: %s", (label), _n,   \
			       strerror(_o.err));                             \
			ASSERT_EQ(ST_UNCHANGED, _o.state)                     \
			TH_LOG("%s, allocation %u failed (ENOMEM): state "    \
			       "%s: %s",                                      \
			       (label), _n, state_name(_o.state), _o.what);   \
			_enomem++;                                            \
		}                                                             \
		ASSERT_GE(MAX_NTH, _n)                                        \
		TH_LOG("%s: still failing after %u allocations", (label),     \
		       MAX_NTH);                                              \
		printf("# faults: %s: %u allocation(s), each failed once: "   \
		       "%u ENOMEM, %u tolerated\n",                           \
		       (label), _n - 1, _enomem, _tolerated);                 \
		_n - 1;                                                       \
	})

/* --- the scratch tree ------------------------------------------------------
 */

/*
 *	T/ok/f		readable in every domain of these tests
 *	T/prev/f	denied by the "previous" layers
 *	T/new/f		denied by the layer the call under test adds
 *	T/d<i>/f	one directory per rule of a growing ruleset
 */
#define DIRS 32
static char root[256];

static void make_tree(struct __test_metadata *_metadata)
{
	static const char *const tree[] = { "ok/",  "ok/f",  "prev/", "prev/f",
					    "new/", "new/f", NULL };
	int i;

	LL_SETUP(ll_scratch_dir("faults", root, sizeof(root)));
	LL_SETUP(ll_make_tree(root, tree));
	for (i = 0; i < DIRS; i++) {
		char rel[16];
		const char *entries[] = { rel, NULL };

		snprintf(rel, sizeof(rel), "d%d/", i);
		LL_SETUP(ll_make_tree(root, entries));
		snprintf(rel, sizeof(rel), "d%d/f", i);
		LL_SETUP(ll_make_tree(root, entries));
	}
}

static const char *at(char *buf, size_t size, const char *rel)
{
	return ll_path(buf, size, root, rel);
}

static bool readable(const char *rel)
{
	char path[512];

	return ll_try_open(at(path, sizeof(path), rel), O_RDONLY) == 0;
}

/* Adds a rule of `access` on the directory `dirfd`; 0 or an errno. */
static int add_rule_at(int ruleset, int dirfd, uint64_t access, uint32_t flags)
{
	struct landlock_path_beneath_attr rule = {
		.allowed_access = access,
		.parent_fd = dirfd,
	};

	return ll_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, flags)
		       ? errno
		       : 0;
}

/* Adds a READ_FILE rule on T/<rel>; 0 or an errno. */
static int add_path_rule(int ruleset, const char *rel)
{
	char path[512];
	int dirfd = open(at(path, sizeof(path), rel), O_PATH | O_CLOEXEC), err;

	if (dirfd < 0)
		return errno;
	err = add_rule_at(ruleset, dirfd, LANDLOCK_ACCESS_FS_READ_FILE, 0);
	close(dirfd);
	return err;
}

/*
 * A ruleset handling `handled` (READ_FILE at least) that grants READ_FILE
 * on the listed dirs and on `extra` d<i>.
 */
static int ruleset_of(uint64_t handled, const char *const grant[], int extra)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = handled,
	};
	int fd = ll_ruleset_build(&desc), i;

	if (fd < 0)
		return fd;
	for (i = 0; grant && grant[i]; i++)
		if (add_path_rule(fd, grant[i]))
			goto fail;
	for (i = 0; i < extra; i++) {
		char rel[16];

		snprintf(rel, sizeof(rel), "d%d", i);
		if (add_path_rule(fd, rel))
			goto fail;
	}
	return fd;
fail:
	i = errno;
	close(fd);
	return -i;
}

static int read_ruleset(const char *const grant[], int extra)
{
	return ruleset_of(LANDLOCK_ACCESS_FS_READ_FILE, grant, extra);
}

/* The "previous" layer: denies T/prev/f only. */
static const char *const prev_grants[] = { "ok", "new", NULL };
/* The layer under test: denies T/new/f only. */
static const char *const new_grants[] = { "ok", "prev", NULL };

static int restrict_with(const char *const grant[], uint32_t flags)
{
	int fd = read_ruleset(grant, 0), err = 0;

	if (fd < 0)
		return -fd;
	if (ll_restrict_self(fd, flags))
		err = errno;
	close(fd);
	return err;
}

/* How many more layers this thread can take (restricts until E2BIG). */
static int layers_left(void)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	int fd, n = 0;

	/* an unprivileged caller needs it; the state was observed before */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	fd = ll_ruleset_build(&desc);
	if (fd < 0)
		return -1;
	while (n < 100 && ll_restrict_self(fd, 0) == 0)
		n++;
	if (errno != E2BIG)
		n = -1;
	close(fd);
	return n;
}

/* The layer limit of this kernel, counted in a child with no domain. */
static int layer_limit(void)
{
	int pfd[2], n = -1;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		n = layers_left();
		_exit(write(pfd[1], &n, sizeof(n)) == sizeof(n) ? 0 : 1);
	}
	close(pfd[1]);
	if (read(pfd[0], &n, sizeof(n)) != sizeof(n))
		n = -1;
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	return n;
}

/* --- the calls under test ----------------------------------------------------
 */

static void create_ruleset_attempt(unsigned int nth, const void *arg,
				   struct outcome *out)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	int fd, next, after, nfd = nth_fd(gettid());
	char link[64], target[64] = "";

	(void)arg;
	next = dup(0); /* the fd a new ruleset must get */
	close(next);
	arm(nfd, nth);
	fd = ll_create_ruleset(&attr, sizeof(attr.handled_access_fs), 0);
	out->err = fd < 0 ? errno : 0;
	out->injected = disarm(nfd);
	if (fd < 0) {
		after = dup(0);
		out->state = after == next ? ST_UNCHANGED : ST_INCONSISTENT;
		snprintf(out->what, sizeof(out->what),
			 "next free fd %d, was %d", after, next);
		return;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (readlink(link, target, sizeof(target) - 1) < 0)
		target[0] = '\0';
	out->state = fd == next && strstr(target, "landlock-ruleset")
			     ? ST_APPLIED
			     : ST_INCONSISTENT;
	snprintf(out->what, sizeof(out->what), "fd %d (%s), expected %d", fd,
		 target, next);
}

struct add_rule_case {
	int existing; /* d0..d<existing-1> already granted READ_FILE */
	const char *target; /* the directory the new rule is on */
	/*
	 * The new rule grants READ_DIR, which no earlier rule does, so that a
	 * rule on a directory that already has one is seen to change.
	 */
	bool net; /* a TCP port rule instead */
	uint32_t flags; /* of the new rule's landlock_add_rule() */
};

#define PORT_BASE 47000

static int bind_port(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return errno;
	if (bind(s, (struct sockaddr *)&a, sizeof(a)))
		err = errno;
	close(s);
	return err;
}

/*
 * Adds one rule to a ruleset of `existing` rules, then enforces it and
 * looks: every earlier rule still grants, the new one grants exactly when
 * the call succeeded.
 */
static void add_rule_attempt(unsigned int nth, const void *arg,
			     struct outcome *out)
{
	const struct add_rule_case *c = arg;
	int nfd = nth_fd(gettid()), fd, i, lost = 0, err;
	bool granted;
	char rel[16];

	if (c->net) {
		const struct ll_ruleset_desc desc = {
			.handled_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		};
		struct landlock_net_port_attr rule = {
			.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
		};

		fd = ll_ruleset_build(&desc);
		for (i = 0; fd >= 0 && i < c->existing; i++) {
			rule.port = PORT_BASE + i;
			if (ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, 0))
				_exit(252);
		}
		rule.port = PORT_BASE + c->existing;
		arm(nfd, nth);
		err = ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, 0);
	} else {
		char path[512];
		/* opened first: only the Landlock call may meet the failure */
		int dirfd = open(at(path, sizeof(path), c->target),
				 O_PATH | O_CLOEXEC);

		fd = ruleset_of(LANDLOCK_ACCESS_FS_READ_FILE |
					LANDLOCK_ACCESS_FS_READ_DIR,
				NULL, c->existing);
		if (dirfd < 0)
			_exit(252);
		arm(nfd, nth);
		err = add_rule_at(fd, dirfd, LANDLOCK_ACCESS_FS_READ_DIR,
				  c->flags);
	}
	out->err = c->net && err ? errno : err;
	out->injected = disarm(nfd);
	if (fd < 0 || ll_restrict_self(fd, 0))
		_exit(253);
	for (i = 0; i < c->existing; i++) {
		snprintf(rel, sizeof(rel), "d%d/f", i);
		lost += c->net ? bind_port(PORT_BASE + i) != 0 : !readable(rel);
	}
	if (c->net) {
		granted = bind_port(PORT_BASE + c->existing) == 0;
	} else {
		char path[512];

		granted = ll_try_open(at(path, sizeof(path), c->target),
				      O_RDONLY | O_DIRECTORY) == 0;
	}
	if (lost)
		out->state = ST_INCONSISTENT;
	else
		out->state = granted == !out->err
				     ? (granted ? ST_APPLIED : ST_UNCHANGED)
				     : ST_INCONSISTENT;
	snprintf(out->what, sizeof(out->what),
		 "%d of %d earlier rule(s) lost, new rule %s", lost,
		 c->existing, granted ? "grants" : "does not grant");
}

struct restrict_case {
	int before; /* layers the thread already has (the previous domain) */
	int rules; /* extra rules of the new layer (copied into the domain) */
	uint32_t flags;
	int limit; /* the kernel's layer limit */
	int siblings; /* threads that TSYNC must change */
	bool sibling_fails; /* arm a sibling's fail-nth, not the caller's */
	bool sibling_own_domain; /* siblings have a domain of their own */
};

struct sibling {
	pthread_t thread;
	pid_t tid;
	int wake[2], report[2];
	bool own;
};

/* Blocks until woken, then reports whether it reads T/new/f and T/prev/f
 * and its no_new_privs. */
static void *sibling_main(void *p)
{
	struct sibling *s = p;
	char c = 's';
	int seen[3];

	s->tid = gettid();
	if (s->own && restrict_with(prev_grants, 0))
		c = 'e';
	if (write(s->report[1], &c, 1) != 1 || read(s->wake[0], &c, 1) != 1)
		return NULL;
	seen[0] = readable("new/f");
	seen[1] = readable("prev/f");
	seen[2] = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	if (write(s->report[1], seen, sizeof(seen)) != sizeof(seen))
		return NULL;
	return NULL;
}

/*
 * restrict_self on a thread with `before` layers (and siblings): after a
 * failure nothing changed anywhere, after a success the new layer is in
 * every thread it must reach and nothing else changed.
 */
static void restrict_attempt(unsigned int nth, const void *arg,
			     struct outcome *out)
{
	const struct restrict_case *c = arg;
	struct sibling sib[4];
	int i, fd, nfd, left, changed = 0, unchanged = 0, bad = 0;
	bool nnp_asked = c->flags & NNP, new_layer;
	long nnp;

	/* before any layer: the domains deny reading /proc */
	nfd = nth_fd(gettid());
	for (i = 0; i < c->before; i++)
		if (restrict_with(prev_grants, 0))
			_exit(252);
	for (i = 0; i < c->siblings; i++) {
		char ch;

		sib[i].own = c->sibling_own_domain;
		if (pipe(sib[i].wake) || pipe(sib[i].report) ||
		    pthread_create(&sib[i].thread, NULL, sibling_main,
				   &sib[i]) ||
		    read(sib[i].report[0], &ch, 1) != 1 || ch != 's')
			_exit(252);
	}
	fd = read_ruleset(new_grants, c->rules);
	if (fd < 0)
		_exit(252);
	if (c->sibling_fails) {
		close(nfd);
		nfd = nth_fd(sib[0].tid);
	}
	arm(nfd, nth);
	out->err = ll_restrict_self(fd, c->flags) ? errno : 0;
	out->injected = disarm(nfd);
	close(fd);

	/* the caller first (layers_left() below fills its domain up) */
	nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	new_layer = !readable("new/f");
	if (readable("prev/f") == !!c->before || !readable("ok/f"))
		bad++;
	for (i = 0; i < c->siblings; i++) {
		int seen[3] = { 0 };
		char ch = 'w';

		if (write(sib[i].wake[1], &ch, 1) != 1 ||
		    read(sib[i].report[0], seen, sizeof(seen)) != sizeof(seen))
			_exit(252);
		pthread_join(sib[i].thread, NULL);
		/*
		 * T/prev/f: denied wherever a previous domain was; TSYNC gives
		 * every thread the caller's domain, replacing a sibling's own.
		 */
		if (seen[1] != (seen[0] ? !(c->before || c->sibling_own_domain)
					: !c->before))
			bad++;
		if (seen[0])
			unchanged++;
		else
			changed++;
		if (seen[2] != (nnp_asked && !seen[0]))
			bad++;
	}
	/* exactly one layer more, or none: nothing half stacked */
	left = layers_left();
	if (left != c->limit - c->before - new_layer)
		bad++;
	if (bad || (changed && unchanged))
		out->state = ST_INCONSISTENT;
	else if (new_layer && !unchanged && nnp == nnp_asked)
		out->state = ST_APPLIED;
	else if (!new_layer && !changed && nnp == 0)
		out->state = ST_UNCHANGED;
	else
		out->state = ST_INCONSISTENT;
	snprintf(out->what, sizeof(out->what),
		 "caller: new layer %s, %d layer(s) left (limit %d, %d "
		 "before), no_new_privs %ld; siblings: %d changed, %d not; "
		 "%d wrong observation(s)",
		 new_layer ? "present" : "absent", left, c->limit, c->before,
		 nnp, changed, unchanged, bad);
}

/* --- the tests ---------------------------------------------------------------
 */

/*
 * The measuring stick of every restrict test: layers_left() counts the
 * layers a thread can still take, exactly. Runs on every kernel.
 */
LL_TEST(layer_count_is_exact)
{
	int limit = layer_limit();
	pid_t pid;
	int status;

	ASSERT_LE(16, limit);
	ASSERT_GE(64, limit);
	make_tree(_metadata);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int i;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			_exit(9);
		for (i = 0; i < 3; i++)
			if (restrict_with(prev_grants, 0))
				_exit(10);
		/* observed before layers_left() fills the domain up */
		if (readable("prev/f") || !readable("new/f"))
			_exit(12);
		_exit(layers_left() == limit - 3 ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

LL_TEST(create_ruleset_every_allocation_fails, .root = ROOT_WHY)
{
	FAULTS_READY();
	ASSERT_LE(1, EVERY_ALLOCATION_FAILS("create_ruleset",
					    create_ruleset_attempt, NULL));
}

LL_TEST(add_rule_every_allocation_fails, .root = ROOT_WHY)
{
	/* a new object (inode) in an empty, a small and a larger ruleset */
	static const struct add_rule_case cases[] = {
		{ .existing = 0, .target = "new" },
		{ .existing = 4, .target = "new" },
		{ .existing = DIRS, .target = "new" },
	};
	char label[64];
	size_t i;

	FAULTS_READY();
	make_tree(_metadata);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(label, sizeof(label), "add_rule (path, %d rule(s))",
			 cases[i].existing);
		ASSERT_LE(1, EVERY_ALLOCATION_FAILS(label, add_rule_attempt,
						    &cases[i]));
	}
}

/*
 * A rule on an inode that already has one: the rights join the existing
 * rule (7.3 does it in place, without allocating: the call must then
 * succeed with the new right in force; a kernel that allocates a merged
 * copy gets each of those allocations failed).
 */
LL_TEST(add_rule_to_existing_object_every_allocation_fails, .root = ROOT_WHY)
{
	static const struct add_rule_case c = { .existing = 8, .target = "d3" };

	FAULTS_READY();
	make_tree(_metadata);
	EVERY_ALLOCATION_FAILS("add_rule (path already in the ruleset)",
			       add_rule_attempt, &c);
}

/*
 * The proposed NO_INHERIT flag marks the rule's ancestors, each an object
 * of its own (mark_no_inherit_ancestors() in the series): every one of
 * those allocations failing must leave the ruleset as it was.
 */
LL_TEST(add_rule_no_inherit_every_allocation_fails, .needs = LL_B_NO_INHERIT,
	.root = ROOT_WHY)
{
	static const struct add_rule_case c = {
		.existing = 4,
		.target = "new",
		.flags = LANDLOCK_ADD_RULE_NO_INHERIT,
	};

	FAULTS_READY();
	make_tree(_metadata);
	ASSERT_LE(1, EVERY_ALLOCATION_FAILS("add_rule (path, NO_INHERIT)",
					    add_rule_attempt, &c));
}

LL_TEST(add_net_rule_every_allocation_fails, .needs = LL_B_NET_TCP,
	.root = ROOT_WHY)
{
	static const struct add_rule_case cases[] = {
		{ .existing = 0, .net = true },
		{ .existing = 8, .net = true },
	};
	size_t i;

	FAULTS_READY();
	make_tree(_metadata);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ASSERT_LE(1,
			  EVERY_ALLOCATION_FAILS("add_rule (net port)",
						 add_rule_attempt, &cases[i]));
}

static void restrict_cases(struct __test_metadata *_metadata, const char *what,
			   struct restrict_case c)
{
	static const int before[] = { 0, 1, -1 }; /* -1: one below the limit */
	char label[96];
	size_t i;

	c.limit = layer_limit();
	ASSERT_LE(16, c.limit);
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++) {
		c.before = before[i] < 0 ? c.limit - 1 : before[i];
		c.rules = c.before ? 8 : DIRS;
		snprintf(label, sizeof(label),
			 "restrict_self%s (%d layer(s) before)", what,
			 c.before);
		ASSERT_LE(1,
			  EVERY_ALLOCATION_FAILS(label, restrict_attempt, &c));
	}
}

LL_TEST(restrict_self_every_allocation_fails, .root = ROOT_WHY)
{
	FAULTS_READY();
	make_tree(_metadata);
	restrict_cases(_metadata, "", (struct restrict_case){ 0 });
}

/* The flag sets no_new_privs after the last failure point only. */
LL_TEST(restrict_self_nnp_every_allocation_fails, .needs = LL_B_NNP_FLAG,
	.root = ROOT_WHY)
{
	FAULTS_READY();
	make_tree(_metadata);
	restrict_cases(_metadata, " NO_NEW_PRIVS",
		       (struct restrict_case){ .flags = NNP });
}

/* Domain logging allocates the hierarchy's details (the exe path). */
LL_TEST(restrict_self_logging_every_allocation_fails, .needs = LL_B_LOGGING,
	.root = ROOT_WHY)
{
	FAULTS_READY();
	make_tree(_metadata);
	restrict_cases(_metadata, " LOG_NEW_EXEC_ON",
		       (struct restrict_case){ .flags = LOG_NEW_EXEC });
}

/* The caller's allocations of TSYNC (work items for each sibling). */
LL_TEST(restrict_self_tsync_every_allocation_fails, .needs = LL_B_TSYNC,
	.root = ROOT_WHY)
{
	FAULTS_READY();
	make_tree(_metadata);
	restrict_cases(_metadata, " TSYNC, 3 siblings",
		       (struct restrict_case){ .flags = TSYNC, .siblings = 3 });
}

/*
 * A sibling with a domain of its own needs new credentials of its own,
 * prepared in its own context: that allocation failing must fail the whole
 * call and change no thread.
 */
LL_TEST(restrict_self_tsync_sibling_allocation_fails, .needs = LL_B_TSYNC,
	.root = ROOT_WHY)
{
	struct restrict_case c = { .flags = TSYNC,
				   .siblings = 2,
				   .sibling_fails = true,
				   .sibling_own_domain = true };
	struct outcome o;

	FAULTS_READY();
	make_tree(_metadata);
	c.limit = layer_limit();
	ASSERT_LE(16, c.limit);
	c.rules = 4;
	if (!run_attempt(restrict_attempt, 1, &c, &o))
		LL_BROKEN("the child died");
	ASSERT_TRUE(o.injected);
	EXPECT_EQ(ENOMEM, o.err)
	TH_LOG("TSYNC with a sibling's first allocation failing: %s",
	       strerror(o.err));
	EXPECT_EQ(ST_UNCHANGED, o.state)
	TH_LOG("state %s: %s", state_name(o.state), o.what);
	/* the same without injection: every thread changes */
	if (!run_attempt(restrict_attempt, 100000, &c, &o))
		LL_BROKEN("the child died");
	ASSERT_FALSE(o.injected);
	ASSERT_EQ(0, o.err);
	EXPECT_EQ(ST_APPLIED, o.state)
	TH_LOG("state %s: %s", state_name(o.state), o.what);
}

/* --- an interrupted TSYNC
 * ----------------------------------------------------- */

/* Interruptions of the TSYNC caller before its sibling is let go. */
#define TSYNC_INTERRUPTIONS 3

static volatile sig_atomic_t alarms;
/* Written by the alarm handler to end the sibling's vfork wait. */
static int release_fd = -1;

static void on_alarm(int sig)
{
	(void)sig;
	if (++alarms == TSYNC_INTERRUPTIONS && write(release_fd, "", 1) != 1)
		_exit(KSFT_FAIL);
}

struct vforker {
	int ready[2], report[2], release[2], check[2];
	int limit;
};

/*
 * Blocks in vfork() until its child exits (a killable wait: the TSYNC
 * task work cannot run there), then reports what it sees: whether it reads
 * T/new/f and how many layers it can still take.
 */
static void *vforking_sibling(void *p)
{
	struct vforker *v = p;
	pid_t pid, tid = gettid();
	int seen[2];

	if (write(v->ready[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	pid = vfork();
	if (pid == 0) {
		char c;

		/* until the caller has been interrupted enough (or is gone) */
		close(v->release[1]);
		_exit(read(v->release[0], &c, 1) < 0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	/* once the caller's restrict_self() returned */
	if (read(v->check[0], &pid, 1) < 0)
		return NULL;
	seen[0] = readable("new/f");
	seen[1] = layers_left();
	if (write(v->report[1], seen, sizeof(seen)) != sizeof(seen))
		return NULL;
	return NULL;
}

/*
 * A sibling that cannot take its task work (it waits in vfork()) and a timer
 * that interrupts the caller every 20 ms: restrict_self(TSYNC) is restarted
 * (its pending works cancelled) each time; the third interruption lets the
 * sibling go, and the call then succeeds with exactly one new layer in every
 * thread.
 */
LL_TEST(restrict_self_tsync_interrupted_adds_one_layer, .needs = LL_B_TSYNC)
{
	const struct sigaction sa = { .sa_handler = on_alarm };
	const struct itimerval every = { .it_interval = { 0, 20000 },
					 .it_value = { 0, 20000 } };
	const struct itimerval off = { 0 };
	struct vforker v = { 0 };
	pthread_t thread;
	int fd, ret, err, seen[2], left, i;
	pid_t tid;

	make_tree(_metadata);
	v.limit = layer_limit();
	ASSERT_LE(16, v.limit);
	fd = read_ruleset(new_grants, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (pipe(v.ready) || pipe(v.report) || pipe(v.release) ||
	    pipe(v.check) ||
	    pthread_create(&thread, NULL, vforking_sibling, &v) ||
	    read(v.ready[0], &tid, sizeof(tid)) != sizeof(tid))
		LL_BROKEN("sibling: %s", strerror(errno));
	/* the sibling sleeps in the vfork wait (state D) before the TSYNC */
	for (i = 0; i < 500 && ll_thread_state(tid) != 'D'; i++)
		usleep(10000);
	if (ll_thread_state(tid) != 'D')
		LL_BROKEN("the sibling never waited in vfork (state %c)",
			  ll_thread_state(tid));
	release_fd = v.release[1];
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &every, NULL));
	ret = ll_restrict_self(fd, TSYNC);
	err = errno;
	setitimer(ITIMER_REAL, &off, NULL);
	close(fd);
	ASSERT_EQ(1, write(v.check[1], "", 1));
	ASSERT_EQ(0, ret)
	TH_LOG("restrict_self(TSYNC) after %d interruption(s): %s", (int)alarms,
	       strerror(err));
	/* the call waited for the sibling: it was interrupted, and restarted */
	printf("# faults: restrict_self TSYNC: interrupted %d time(s)\n",
	       (int)alarms);
	ASSERT_LE(TSYNC_INTERRUPTIONS, alarms);
	EXPECT_FALSE(readable("new/f"));
	left = layers_left();
	if (read(v.report[0], seen, sizeof(seen)) != sizeof(seen))
		LL_BROKEN("no report from the sibling");
	pthread_join(thread, NULL);
	EXPECT_EQ(0, seen[0]);
	EXPECT_EQ(v.limit - 1, seen[1])
	TH_LOG("sibling: %d layer(s) left, expected %d", seen[1], v.limit - 1);
	EXPECT_EQ(v.limit - 1, left)
	TH_LOG("caller: %d layer(s) left, expected %d", left, v.limit - 1);
}

LL_MAIN();
