// SPDX-License-Identifier: GPL-2.0
/*
 * abi7_logging: the restrict_self log flags and the audit records of
 * Landlock denials (SPEC §4.2, §8).  Flag checks that base.c already makes
 * (each known flag alone, fd -1 with other flags → EBADF, the mute call's
 * layer count) are not repeated here.
 *
 * Audit tests make the test process the audit daemon for their duration:
 * it registers its NETLINK_AUDIT socket (AUDIT_SET pid, and enabled when
 * audit was off), reads the records, then restores the previous state.  A
 * running audit daemon is never replaced (the kernel answers EEXIST: the
 * test skips).  Sandboxed children trigger the denials; a record's absence
 * is shown by a later "marker" denial from a child that logs by default:
 * records leave the kernel in order, so everything the first child logged
 * arrives before the marker.  A deallocation record's absence is shown the
 * same way by an outer domain's: a hierarchy holds its parent, so inner
 * domains are freed (and logged) first.
 *
 * Audit sees every process: records are matched by the test's own paths,
 * or by the domains whose allocation record names the test's child, never
 * by counting everything read (another process may be denied meanwhile).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"
#include "audit.h"
#include "audit_expect.h"
#include "fs_ops.h"
#include "net.h"
#include "privs.h"
#include "rights.h"

LL_PROGRAM(LL_B_LOGGING);

#define SAME_EXEC_OFF LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF
#define NEW_EXEC_ON LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON
#define SUBDOMAINS_OFF LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF
#define LOG_FLAGS (SAME_EXEC_OFF | NEW_EXEC_ON | SUBDOMAINS_OFF)

/*
 * Re-executed as `PROGRAM --abi7-open-read PATH`, the program opens PATH
 * for reading and exits with the errno (0: opened): a denial after execve.
 */
#define OPEN_READ_ARG "--abi7-open-read"

/*
 * `PROGRAM --abi7-read-write R W` opens R for reading, then W for writing,
 * and exits with 16 * outcome(R) + outcome(W): 0 opened, 1 EACCES, 3 else.
 */
#define READ_WRITE_ARG "--abi7-read-write"

static int outcome(int err)
{
	return !err ? 0 : err == EACCES ? 1 : 3;
}

static void __attribute__((constructor)) open_read_hook(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], OPEN_READ_ARG))
		_exit(ll_try_open(argv[2], O_RDONLY));
	if (argc == 4 && !strcmp(argv[1], READ_WRITE_ARG))
		_exit(16 * outcome(ll_try_open(argv[2], O_RDONLY)) +
		      outcome(ll_try_open(argv[3], O_WRONLY)));
}

/* Builds a ruleset and enforces it with `flags` (0 or the errno). */
static int enforce_flags(uint64_t handled_fs, const struct ll_path_rule *rules,
			 uint32_t flags)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = handled_fs,
		.paths = rules,
	};
	int fd = ll_ruleset_build(&desc), err;

	if (fd < 0)
		return -fd;
	err = ll_set_nnp();
	if (!err && ll_restrict_self(fd, flags))
		err = errno;
	close(fd);
	return err;
}

/* Results a forked child leaves for the test (unset: -1). */
#define NRES 16
static int *shared_results(void)
{
	return ll_shared_ints(NRES);
}

/* A scratch directory with files named by the tests. */
static const char *const tree[] = { "f",   "g",	   "marker", "r",     "w",
				    "r2",  "w2",   "before", "after", "a/",
				    "a/f", "bin/", NULL };

static void make_scratch(struct __test_metadata *_metadata, const char *name,
			 char *dir, size_t size)
{
	LL_SETUP(ll_scratch_dir(name, dir, size));
	LL_SETUP(ll_make_tree(dir, tree));
}

/* --- flags without audit ------------------------------------------------ */

struct flags_arg {
	const char *path;
	uint32_t flags;
	int *res;
};

static void enforce_with_flags_then_read(void *p)
{
	struct flags_arg *a = p;

	a->res[0] = enforce_flags(R_READ, NO_RULES, a->flags);
	a->res[1] = ll_try_open(a->path, O_RDONLY);
}

/* Every combination of the three log flags: accepted, domain enforced. */
LL_TEST(log_flags_each_and_combined_are_accepted_and_enforce_the_domain)
{
	struct flags_arg a = { .res = shared_results() };
	char dir[256], path[512];
	uint32_t flags;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "flags", dir, sizeof(dir));
	a.path = ll_path(path, sizeof(path), dir, "f");
	ASSERT_EQ(0, ll_try_open(a.path, O_RDONLY));
	for (flags = 0; flags <= LOG_FLAGS; flags++) {
		if (flags & ~LOG_FLAGS)
			continue;
		a.flags = flags;
		ASSERT_LT(0, ll_fork_wait(enforce_with_flags_then_read, &a,
					  &status));
		ASSERT_EQ(0, a.res[0])
		TH_LOG("flags 0x%x", flags);
		ASSERT_EQ(EACCES, a.res[1])
		TH_LOG("flags 0x%x", flags);
	}
}

/* A log flag next to an unknown one: EINVAL, and no domain. */
LL_TEST(log_flags_with_an_unknown_flag_fail_with_einval_and_enforce_nothing)
{
	const uint32_t known = ll_mask(LL_RESTRICT_FLAG, ll_abi_now());
	const uint32_t unknown = ~known & -~known;
	const struct ll_ruleset_desc desc = { .handled_fs = R_READ };
	int ruleset = ll_ruleset_build(&desc);
	char dir[256], path[512];
	uint32_t flags;

	ASSERT_LE(0, ruleset);
	make_scratch(_metadata, "unknown", dir, sizeof(dir));
	ll_path(path, sizeof(path), dir, "f");
	ASSERT_EQ(0, ll_set_nnp());
	for (flags = 1; flags <= LOG_FLAGS; flags++) {
		if (flags & ~LOG_FLAGS)
			continue;
		ASSERT_EQ(-1, ll_restrict_self(ruleset, flags | unknown));
		ASSERT_EQ(EINVAL, errno)
		TH_LOG("flags 0x%x", flags | unknown);
	}
	ASSERT_EQ(0, ll_try_open(path, O_RDONLY));
}

/*
 * The mute call (fd -1, LOG_SUBDOMAINS_OFF) restricts nothing; a domain
 * enforced after it still denies.
 */
LL_TEST(mute_call_restricts_nothing)
{
	const struct ll_ruleset_desc desc = { .handled_fs = R_READ };
	char dir[256], path[512], sub[512];
	int ruleset = ll_ruleset_build(&desc);

	ASSERT_LE(0, ruleset);
	make_scratch(_metadata, "mute", dir, sizeof(dir));
	ll_path(path, sizeof(path), dir, "f");
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(0, ll_restrict_self(-1, SUBDOMAINS_OFF));
	ASSERT_EQ(0, ll_try_open(path, O_RDWR));
	ASSERT_EQ(0, ll_errno_of(
			     mkdir(ll_path(sub, sizeof(sub), dir, "m"), 0700)));
	ASSERT_EQ(0, ll_restrict_self(ruleset, 0));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
}

/*
 * Before ABI 7 the log flags are unknown: EINVAL (also with fd -1, flags
 * come before the fd).  Unprivileged without no_new_privs, ABI 2-6 check
 * privileges first (EPERM); original ABI-1 kernels the flags (§4.1).
 */
LL_TEST(log_flags_are_unknown_before_abi7, .lacks = LL_B_LOGGING)
{
	const struct ll_ruleset_desc desc = { .handled_fs = R_READ };
	int ruleset = ll_ruleset_build(&desc), err;
	char dir[256], path[512];
	uint32_t flag;

	ASSERT_LE(0, ruleset);
	make_scratch(_metadata, "before7", dir, sizeof(dir));
	ll_path(path, sizeof(path), dir, "f");
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0) {
		ASSERT_EQ(0, ll_drop_caps());
		for (flag = 1; flag <= LOG_FLAGS; flag <<= 1) {
			err = ll_errno_of(ll_restrict_self(ruleset, flag));
			if (ll_abi_has(ll_abi_now(),
				       LL_B_RESTRICT_EPERM_BEFORE_FLAGS)) {
				ASSERT_EQ(EPERM, err);
			} else {
				ASSERT_TRUE(err == EINVAL || err == EPERM)
				TH_LOG("ABI 1, flag 0x%x: errno %d", flag, err);
			}
		}
	}
	ASSERT_EQ(0, ll_set_nnp());
	for (flag = 1; flag <= LOG_FLAGS; flag <<= 1) {
		ASSERT_EQ(-1, ll_restrict_self(ruleset, flag));
		ASSERT_EQ(EINVAL, errno)
		TH_LOG("flag 0x%x", flag);
	}
	ASSERT_EQ(-1, ll_restrict_self(ruleset, LOG_FLAGS));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, ll_restrict_self(-1, SUBDOMAINS_OFF));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, ll_try_open(path, O_RDONLY));
	ASSERT_EQ(0, ll_restrict_self(ruleset, 0));
	ASSERT_EQ(EACCES, ll_try_open(path, O_RDONLY));
}

/* --- audit netlink -------------------------------------------------------- */

#include "audit_fixture.h"

/* The hex domain id after "domain=", 0 if none. */
static uint64_t record_domain(const char *text)
{
	const char *d = strstr(text, " domain=");

	return d ? strtoull(d + strlen(" domain="), NULL, 16) : 0;
}

/* ` path="DIR/NAME"` as a needle. */
static const char *path_field(char *buf, size_t size, const char *dir,
			      const char *name)
{
	snprintf(buf, size, " path=\"%s/%s\"", dir, name);
	return buf;
}

/*
 * Logs the marker denial and reads every Landlock record up to it: what
 * earlier children logged is in `r`, and only that.
 */
static void read_to_marker(struct __test_metadata *_metadata,
			   struct ll_audit *self, const char *dir,
			   struct ll_audit_records *r)
{
	char marker[512];

	ASSERT_EQ(0,
		  ll_audit_read_to_marker(
			  self->fd,
			  ll_path(marker, sizeof(marker), dir, "marker"), r));
}

/* The records, for the log of a failing assertion. */
static void dump(struct __test_metadata __attribute__((unused)) * _metadata,
		 const struct ll_audit_records *r)
{
	ll_audit_dump(r);
}

/* ACCESS records about DIR/NAME (and holding needle2, unless NULL). */
static int access_count(const struct ll_audit_records *r, const char *dir,
			const char *name, const char *needle2,
			const char **first)
{
	char path[600];

	return ll_audit_count(r, AUDIT_LANDLOCK_ACCESS,
			      path_field(path, sizeof(path), dir, name),
			      needle2, first);
}

/*
 * The one ACCESS record of `dir`/f, which names `blockers` right before its
 * path (e.g. "fs.read_file").
 */
static const char *only_access_blocked_by(struct __test_metadata *_metadata,
					  const struct ll_audit_records *r,
					  const char *dir, const char *blockers)
{
	const char *access = NULL;
	char field[128];

	snprintf(field, sizeof(field), " blockers=%s path=", blockers);
	ASSERT_EQ(1, access_count(r, dir, "f", NULL, &access))
	dump(_metadata, r);
	ASSERT_NE(NULL, strstr(access, field))
	TH_LOG("%s", access);
	return access;
}

/* DOMAIN records of `domain` allocated by `pid`, the needle ending `tail`. */
static int allocated_count(const struct ll_audit_records *r, uint64_t domain,
			   pid_t pid, const char *tail)
{
	char needle[900];

	snprintf(needle, sizeof(needle),
		 " domain=%llx status=allocated mode=enforcing pid=%d%s",
		 (unsigned long long)domain, (int)pid, tail);
	return ll_audit_count(r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL);
}

/* --- audit records ---------------------------------------------------------
 */

struct denial_arg {
	const char *dir;
	uint32_t flags;
	int *res;
};

/* The scratch tree `name` in dir, for a child given `a`. */
static void denial_scratch(struct __test_metadata *_metadata,
			   struct denial_arg *a, const char *name, char *dir,
			   size_t size)
{
	ASSERT_NE(NULL, a->res);
	make_scratch(_metadata, name, dir, size);
	a->dir = dir;
}

/*
 * Runs fn(a) in a child, asserts its results are want[0..n-1] and reads
 * the records it caused into `r`.  Returns the child's pid.
 */
static pid_t run_denials(struct __test_metadata *_metadata, struct ll_audit *st,
			 void (*fn)(void *arg), struct denial_arg *a,
			 const int want[], int n, struct ll_audit_records *r)
{
	int status, i;
	pid_t pid = ll_fork_wait(fn, a, &status);

	ASSERT_LT(0, pid);
	for (i = 0; i < n; i++)
		ASSERT_EQ(want[i], a->res[i])
	TH_LOG("result %d", i);
	read_to_marker(_metadata, st, a->dir, r);
	return pid;
}

#define RUN_DENIALS(fn, a, r, ...)                   \
	run_denials(_metadata, &self->st, (fn), (a), \
		    (const int[]){ __VA_ARGS__ },    \
		    sizeof((const int[]){ __VA_ARGS__ }) / sizeof(int), (r))

/* Reads a/f (allowed by a rule), then f (denied). */
static void allowed_then_denied_read(void *p)
{
	struct denial_arg *a = p;
	char rule[512], path[512];

	a->res[0] = enforce_flags(
		R_READ,
		RULES(RULE(ll_path(rule, sizeof(rule), a->dir, "a"), R_READ)),
		0);
	a->res[1] = ll_try_open(ll_path(path, sizeof(path), a->dir, "a/f"),
				O_RDONLY);
	a->res[2] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "f"), O_RDONLY);
}

/*
 * One denial: an ACCESS record (domain, blocker, path) and, with the
 * domain's first logged denial, its DOMAIN record (allocated, enforcing,
 * the creator's pid); once the domain is freed, a DOMAIN record with the
 * denial count.  The allowed access before it is not logged.
 */
LL_TEST_F(audit, denial_logs_access_and_domain_records,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128];
	const char *access = NULL;
	struct ll_audit_records r;
	uint64_t domain;
	pid_t pid;

	denial_scratch(_metadata, &a, "records", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(allowed_then_denied_read, &a, &r, 0, 0, EACCES);

	access = only_access_blocked_by(_metadata, &r, dir, "fs.read_file");
	domain = record_domain(access);
	ASSERT_NE(0, domain);
	ASSERT_EQ(1, allocated_count(&r, domain, pid, " uid="))
	dump(_metadata, &r);
	ASSERT_EQ(0, access_count(&r, dir, "a/f", NULL, NULL))
	dump(_metadata, &r);

	/*
	 * The child is reaped: its domain goes, with one denial counted.  The
	 * record may already be among those read (the domain can be freed
	 * before the marker's denial is logged), or still to come.
	 */
	snprintf(needle, sizeof(needle), " domain=%llx status=deallocated ",
		 (unsigned long long)domain);
	if (!ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL)) {
		ASSERT_EQ(0, ll_audit_read_until(self->st.fd,
						 AUDIT_LANDLOCK_DOMAIN, needle,
						 &r))
		dump(_metadata, &r);
	}
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle,
				    " denials=1", NULL))
	dump(_metadata, &r);
}

static void read_write_denied(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	a->res[0] = enforce_flags(R_READ | R_WRITE, NO_RULES, 0);
	a->res[1] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "f"), O_RDWR);
}

/* Several denied rights: one record, blockers joined in bit order. */
LL_TEST_F(audit, blockers_list_every_denied_right_in_bit_order,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "blockers", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(read_write_denied, &a, &r, 0, EACCES);
	only_access_blocked_by(_metadata, &r, dir,
			       "fs.write_file,fs.read_file");
}

/*
 * Sixteen layers, the youngest alone handling READ_FILE: the record of its
 * denial names the blocker (mutant 670cf9e1cf began the search for the
 * denying layer one layer too low, found none and logged no blocker).
 */
static void sixteenth_layer_denies(void *p)
{
	struct denial_arg *a = p;
	char path[512];
	int i, err = 0;

	for (i = 0; i < 15 && !err; i++)
		err = enforce_flags(R_WRITE, NO_RULES, 0);
	a->res[0] = err;
	a->res[1] = err ?: enforce_flags(R_READ, NO_RULES, 0);
	a->res[2] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "f"), O_RDONLY);
}

LL_TEST_F(audit, denial_by_the_sixteenth_layer_names_its_blocker,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "layer16", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(sixteenth_layer_denies, &a, &r, 0, 0, EACCES);
	only_access_blocked_by(_metadata, &r, dir, "fs.read_file");
}

/*
 * A DOMAIN record the kernel could not emit (its type excluded by an audit
 * rule at the first denial) comes with the domain's next logged denial
 * (mutant 4f54c559d3 marked the domain logged all the same and never
 * logged it). The child deletes the rule between its two denials.
 */
static void denied_before_and_after_an_exclusion(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	ll_path(path, sizeof(path), a->dir, "f");
	a->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	a->res[1] = ll_try_open(path, O_RDONLY);
	a->res[2] = ll_audit_exclude(AUDIT_LANDLOCK_DOMAIN, false);
	a->res[3] = ll_try_open(path, O_RDONLY);
}

LL_TEST_F(audit, domain_record_excluded_once_comes_with_the_next_denial,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	const char *access = NULL;
	struct ll_audit_records r;
	int status;
	char dir[256];
	pid_t pid;

	denial_scratch(_metadata, &a, "excluded", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	LL_SETUP(ll_audit_exclude(AUDIT_LANDLOCK_DOMAIN, true));
	pid = ll_fork_wait(denied_before_and_after_an_exclusion, &a, &status);
	/* No rule left behind, whatever the child did (ENOENT when it did). */
	ll_audit_exclude(AUDIT_LANDLOCK_DOMAIN, false);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	read_to_marker(_metadata, &self->st, a.dir, &r);
	ASSERT_EQ(2, access_count(&r, dir, "f", NULL, &access))
	dump(_metadata, &r);
	ASSERT_EQ(1, allocated_count(&r, record_domain(access), pid, " "))
	dump(_metadata, &r);
}

/* Two layers: each denial names the layer that denied it. */
static void two_layers(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	a->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	a->res[1] = enforce_flags(R_WRITE, NO_RULES, 0);
	a->res[2] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "r"), O_RDONLY);
	a->res[3] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "w"), O_WRONLY);
}

LL_TEST_F(audit, nested_domains_log_distinct_domain_ids,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	const char *read_rec = NULL, *write_rec = NULL;
	uint64_t outer, inner;
	struct ll_audit_records r;
	char dir[256];
	pid_t pid;

	denial_scratch(_metadata, &a, "layers", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(two_layers, &a, &r, 0, 0, EACCES, EACCES);
	ASSERT_EQ(1, access_count(&r, dir, "r", " blockers=fs.read_file ",
				  &read_rec))
	dump(_metadata, &r);
	ASSERT_EQ(1, access_count(&r, dir, "w", " blockers=fs.write_file ",
				  &write_rec))
	dump(_metadata, &r);
	outer = record_domain(read_rec);
	inner = record_domain(write_rec);
	ASSERT_NE(0, outer);
	ASSERT_NE(0, inner);
	ASSERT_NE(outer, inner);
	/* Both domains were created by the child. */
	ASSERT_EQ(1, allocated_count(&r, outer, pid, " "))
	dump(_metadata, &r);
	ASSERT_EQ(1, allocated_count(&r, inner, pid, " "))
	dump(_metadata, &r);
}

/* --- LOG_SAME_EXEC_OFF / LOG_NEW_EXEC_ON ------------------------------------
 */

/*
 * Denied reads before and after an execve of a copy of this program,
 * under a domain enforced with the variant's flags.  Defaults: logged
 * while the creating program runs, not after execve.
 */
FIXTURE(audit_exec)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(audit_exec)
{
	uint32_t flags;
	bool logged_before_exec, logged_after_exec;
};

FIXTURE_VARIANT_ADD(audit_exec, default_flags){
	.logged_before_exec = true,
};

FIXTURE_VARIANT_ADD(audit_exec, same_exec_off){
	.flags = SAME_EXEC_OFF,
};

FIXTURE_VARIANT_ADD(audit_exec, new_exec_on){
	.flags = NEW_EXEC_ON,
	.logged_before_exec = true,
	.logged_after_exec = true,
};

FIXTURE_VARIANT_ADD(audit_exec, same_exec_off_new_exec_on){
	.flags = SAME_EXEC_OFF | NEW_EXEC_ON,
	.logged_after_exec = true,
};

/* SUBDOMAINS_OFF concerns later domains only: this one logs as default. */
FIXTURE_VARIANT_ADD(audit_exec, subdomains_off){
	.flags = SUBDOMAINS_OFF,
	.logged_before_exec = true,
};

FIXTURE_SETUP(audit_exec)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit_exec)
{
	ll_audit_stop(&self->st);
}

static void read_exec_read(void *p)
{
	struct denial_arg *a = p;
	char bin[512], rule[512], path[512];
	char *argv[] = { bin, OPEN_READ_ARG, path, NULL };

	ll_path(bin, sizeof(bin), a->dir, "bin/prog");
	a->res[0] = enforce_flags(
		R_READ | R_EXECUTE,
		RULES(RULE(ll_path(rule, sizeof(rule), a->dir, "bin"),
			   R_READ | R_EXECUTE)),
		a->flags);
	a->res[1] = ll_try_open(ll_path(path, sizeof(path), a->dir, "before"),
				O_RDONLY);
	ll_path(path, sizeof(path), a->dir, "after");
	fflush(NULL);
	execve(bin, argv, environ);
	a->res[2] = errno;
	_exit(255);
}

LL_TEST_F(audit_exec, denials_logged_before_and_after_execve,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = {
		.res = shared_results(),
		.flags = variant->flags,
	};
	char dir[256], bin[512];
	struct ll_audit_records r;
	int status;

	denial_scratch(_metadata, &a, "exec", dir, sizeof(dir));
	LL_SETUP(ll_copy_self(ll_path(bin, sizeof(bin), dir, "bin/prog")));
	LL_AUDIT_START(&self->st);
	ASSERT_LT(0, ll_fork_wait(read_exec_read, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	ASSERT_EQ(-1, a.res[2])
	TH_LOG("execve: %s", strerror(a.res[2]));
	/* The re-executed program's open: its exit status. */
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(EACCES, WEXITSTATUS(status));
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(variant->logged_before_exec,
		  access_count(&r, dir, "before", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(variant->logged_after_exec,
		  access_count(&r, dir, "after", NULL, NULL))
	dump(_metadata, &r);
}

/* --- when a denial is logged, and the denial counter -----------------------
 *
 * A sandboxed child stacks up to three domains, each handling one right
 * of its own, so that every denial has exactly one denying layer:
 *
 *	S  MAKE_DIR, default flags: mkdir in a/ denied once (always logged:
 *	   S is the sentinel whose deallocation comes after A's and B's)
 *	   [the variant's mute call: restrict_self(-1, LOG_SUBDOMAINS_OFF)]
 *	A  READ_FILE (bin/ readable), the variant's flags: r read twice
 *	B  WRITE_FILE (when the variant has it), its flags: w written once
 *
 * then executes a copy of this program, which reads r2 (A) and writes w2
 * (B).  Each denial's record is there or not as the variant says, proven
 * by the marker.  Once the child is reaped its domains go, innermost
 * first: a hierarchy holds its parent, so B's and A's deallocation
 * records (if any) precede S's.  Up to S's, a domain that logged has one
 * with `denials=` every denial it made, logged or not (A: 3, B: 2), and a
 * domain that never logged has none: no deallocation record names an id
 * between S's and the marker's domain (created later) but A's and B's.
 */
FIXTURE(audit_when)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(audit_when)
{
	bool mute_first, has_b;
	uint32_t a_flags, b_flags;
	/* Records expected: A's r (0 or 2), r2, B's w, w2 (0 or 1). */
	int a_before, a_after, b_before, b_after;
};

FIXTURE_VARIANT_ADD(audit_when, default_flags){
	.has_b = true,
	.a_before = 2,
	.b_before = 1,
};

FIXTURE_VARIANT_ADD(audit_when, a_same_exec_off){
	.has_b = true,
	.a_flags = SAME_EXEC_OFF,
	.b_before = 1,
};

FIXTURE_VARIANT_ADD(audit_when, a_new_exec_on){
	.has_b = true,
	.a_flags = NEW_EXEC_ON,
	.a_before = 2,
	.a_after = 1,
	.b_before = 1,
};

FIXTURE_VARIANT_ADD(audit_when, a_same_exec_off_new_exec_on){
	.has_b = true,
	.a_flags = SAME_EXEC_OFF | NEW_EXEC_ON,
	.a_after = 1,
	.b_before = 1,
};

/* The domain created in the same call still logs; B, created later, not. */
FIXTURE_VARIANT_ADD(audit_when, a_subdomains_off){
	.has_b = true,
	.a_flags = SUBDOMAINS_OFF,
	.a_before = 2,
};

FIXTURE_VARIANT_ADD(audit_when, a_subdomains_off_new_exec_on){
	.has_b = true,
	.a_flags = SUBDOMAINS_OFF | NEW_EXEC_ON,
	.a_before = 2,
	.a_after = 1,
};

FIXTURE_VARIANT_ADD(audit_when, a_all_log_flags){
	.has_b = true,
	.a_flags = LOG_FLAGS,
	.a_after = 1,
};

/* Only the inner layer logs after execve: the exec bit is per layer. */
FIXTURE_VARIANT_ADD(audit_when, b_new_exec_on){
	.has_b = true,
	.b_flags = NEW_EXEC_ON,
	.a_before = 2,
	.b_before = 1,
	.b_after = 1,
};

FIXTURE_VARIANT_ADD(audit_when, b_same_exec_off){
	.has_b = true,
	.b_flags = SAME_EXEC_OFF,
	.a_before = 2,
};

/* On the youngest domain, SUBDOMAINS_OFF changes nothing that exists. */
FIXTURE_VARIANT_ADD(audit_when, b_subdomains_off){
	.has_b = true,
	.b_flags = SUBDOMAINS_OFF,
	.a_before = 2,
	.b_before = 1,
};

FIXTURE_VARIANT_ADD(audit_when, a_same_exec_off_b_new_exec_on){
	.has_b = true,
	.a_flags = SAME_EXEC_OFF,
	.b_flags = NEW_EXEC_ON,
	.b_before = 1,
	.b_after = 1,
};

/* The mute call silences every later domain, whatever its own flags. */
FIXTURE_VARIANT_ADD(audit_when, mute_call_first){
	.mute_first = true,
	.has_b = true,
};

FIXTURE_VARIANT_ADD(audit_when, mute_call_first_new_exec_on){
	.mute_first = true,
	.has_b = true,
	.a_flags = NEW_EXEC_ON,
	.b_flags = NEW_EXEC_ON,
};

/* One domain only, after the sentinel: its count with nothing after it. */
FIXTURE_VARIANT_ADD(audit_when, a_alone_new_exec_on){
	.a_flags = NEW_EXEC_ON,
	.a_before = 2,
	.a_after = 1,
};

FIXTURE_SETUP(audit_when)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit_when)
{
	ll_audit_stop(&self->st);
}

struct when_arg {
	const char *dir;
	const FIXTURE_VARIANT(audit_when) * v;
	int *res;
};

/*
 * res: 0 S, 1 mkdir, 2 mute call, 3 A, 4-5 reads, 6 B, 7 write,
 * 8 execve's errno (when it returns).
 */
static void stack_then_exec(void *p)
{
	struct when_arg *a = p;
	char bin[512], rule[512], path[512], r2[512], w2[512];
	char *argv[] = { bin, READ_WRITE_ARG, r2, w2, NULL };

	ll_path(bin, sizeof(bin), a->dir, "bin/prog");
	ll_path(r2, sizeof(r2), a->dir, "r2");
	ll_path(w2, sizeof(w2), a->dir, "w2");
	a->res[0] = enforce_flags(R_MAKE_DIR, NO_RULES, 0);
	a->res[1] = ll_errno_of(
		mkdir(ll_path(path, sizeof(path), a->dir, "a/d"), 0700));
	if (a->v->mute_first)
		a->res[2] = ll_errno_of(ll_restrict_self(-1, SUBDOMAINS_OFF));
	a->res[3] = enforce_flags(
		R_READ,
		RULES(RULE(ll_path(rule, sizeof(rule), a->dir, "bin"), R_READ)),
		a->v->a_flags);
	ll_path(path, sizeof(path), a->dir, "r");
	a->res[4] = ll_try_open(path, O_RDONLY);
	a->res[5] = ll_try_open(path, O_RDONLY);
	if (a->v->has_b) {
		a->res[6] = enforce_flags(R_WRITE, NO_RULES, a->v->b_flags);
		a->res[7] = ll_try_open(
			ll_path(path, sizeof(path), a->dir, "w"), O_WRONLY);
	}
	fflush(NULL);
	execve(bin, argv, environ);
	a->res[8] = errno;
	_exit(255);
}

/* The domain of the marker's record (the latest domain of the test). */
static uint64_t marker_domain(const struct ll_audit_records *r, const char *dir)
{
	const char *rec = NULL;

	access_count(r, dir, "marker", NULL, &rec);
	return rec ? record_domain(rec) : 0;
}

/*
 * Makes sure a record of `type` holding `needle` is among `r`, reading on
 * (appending) when it is not there yet: 0 or the reading's errno.
 */
static int await_record(struct ll_audit *st, int type, const char *needle,
			struct ll_audit_records *r)
{
	if (ll_audit_count(r, type, needle, NULL, NULL))
		return 0;
	return ll_audit_read_more(st->fd, type, needle, r);
}

/* " domain=ID status=deallocated " as a needle. */
static const char *deallocated(char *buf, size_t size, uint64_t domain)
{
	snprintf(buf, size, " domain=%llx status=deallocated ",
		 (unsigned long long)domain);
	return buf;
}

/* The denials= of the one deallocation record of `domain`, -1 if none. */
static long denials_of(const struct ll_audit_records *r, uint64_t domain)
{
	const char *rec = NULL, *n;
	char needle[96];

	if (ll_audit_count(r, AUDIT_LANDLOCK_DOMAIN,
			   deallocated(needle, sizeof(needle), domain), NULL,
			   &rec) != 1)
		return -1;
	n = strstr(rec, " denials=");
	return n ? strtol(n + strlen(" denials="), NULL, 10) : -1;
}

/*
 * Deallocation records of ids in (low, high) whose domain was never
 * logged while the test read: a domain that logs has its allocation
 * record before its deallocation one (a foreign process's domain that
 * logged too, so it does not count).
 */
static int unlogged_deallocations(const struct ll_audit_records *r,
				  uint64_t low, uint64_t high)
{
	char needle[96];
	int i, found = 0;

	for (i = 0; i < r->count; i++) {
		uint64_t id = record_domain(r->text[i]);

		if (r->type[i] != AUDIT_LANDLOCK_DOMAIN ||
		    !strstr(r->text[i], " status=deallocated ") || id <= low ||
		    id >= high)
			continue;
		snprintf(needle, sizeof(needle),
			 " domain=%llx status=allocated ",
			 (unsigned long long)id);
		found += !ll_audit_count(r, AUDIT_LANDLOCK_DOMAIN, needle, NULL,
					 NULL);
	}
	return found;
}

/* The name of the running program as the kernel has it (ocomm=). */
static void own_comm(char comm[16])
{
	memset(comm, 0, 16);
	if (prctl(PR_GET_NAME, comm, 0, 0, 0))
		strcpy(comm, "?");
}

/*
 * " uid=U exe="E" comm="C"": what an allocation record says of a domain
 * this process (or a child forked from it) creates.  The details are
 * taken when the domain is created: a domain first logged after execve
 * still names the program that created it.  Returns why it cannot be
 * known here, or NULL.
 */
static const char *creator_details(char *buf, size_t size)
{
	char exe[512], comm[16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return "no /proc/self/exe";
	exe[n] = '\0';
	own_comm(comm);
	/* Audit hex-encodes strings with these; not worth decoding here. */
	if (strpbrk(exe, " \"\\") || strpbrk(comm, " \"\\"))
		return "the executable's path or name would be hex-encoded";
	snprintf(buf, size, " uid=%u exe=\"%s\" comm=\"%s\"", getuid(), exe,
		 comm);
	return NULL;
}

LL_TEST_F(audit_when, each_denial_logged_per_layer_flags_and_counted,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	const FIXTURE_VARIANT(audit_when) *v = variant;
	struct when_arg a = { .v = v, .res = shared_results() };
	const char *s_rec = NULL, *a_rec = NULL, *b_rec = NULL;
	uint64_t s_id, a_id = 0, b_id = 0, m_id;
	char dir[256], bin[512], needle[128], creator[700];
	const char *why;
	struct ll_audit_records r;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, a.res);
	why = creator_details(creator, sizeof(creator));
	if (why)
		LL_SKIP_ENV(return, "%s", why);
	make_scratch(_metadata, "when", dir, sizeof(dir));
	a.dir = dir;
	LL_SETUP(ll_copy_self(ll_path(bin, sizeof(bin), dir, "bin/prog")));
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(stack_then_exec, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	if (v->mute_first)
		ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(0, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	ASSERT_EQ(EACCES, a.res[5]);
	if (v->has_b) {
		ASSERT_EQ(0, a.res[6]);
		ASSERT_EQ(EACCES, a.res[7]);
	}
	ASSERT_EQ(-1, a.res[8])
	TH_LOG("execve: %s", strerror(a.res[8]));
	ASSERT_TRUE(WIFEXITED(status));
	/* After execve: r2 denied by A, w2 by B (or allowed without B). */
	ASSERT_EQ(16 + (v->has_b ? 1 : 0), WEXITSTATUS(status));
	read_to_marker(_metadata, &self->st, dir, &r);

	/* The sentinel's denial, and its domain allocated by the child. */
	ASSERT_EQ(1,
		  access_count(&r, dir, "a", " blockers=fs.make_dir ", &s_rec))
	dump(_metadata, &r);
	s_id = record_domain(s_rec);
	ASSERT_EQ(1, allocated_count(&r, s_id, pid, creator))
	dump(_metadata, &r);
	ASSERT_EQ(v->a_before, access_count(&r, dir, "r", NULL, &a_rec))
	dump(_metadata, &r);
	ASSERT_EQ(v->a_after,
		  access_count(&r, dir, "r2", NULL, a_rec ? NULL : &a_rec))
	dump(_metadata, &r);
	ASSERT_EQ(v->b_before, access_count(&r, dir, "w", NULL, &b_rec))
	dump(_metadata, &r);
	ASSERT_EQ(v->b_after,
		  access_count(&r, dir, "w2", NULL, b_rec ? NULL : &b_rec))
	dump(_metadata, &r);
	/* Every record of a layer names its domain, allocated once. */
	if (a_rec) {
		a_id = record_domain(a_rec);
		snprintf(needle, sizeof(needle),
			 " domain=%llx blockers=", (unsigned long long)a_id);
		ASSERT_EQ(v->a_before + v->a_after,
			  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle,
					 NULL, NULL));
		ASSERT_LT(s_id, a_id);
		ASSERT_EQ(1, allocated_count(&r, a_id, pid, creator))
		dump(_metadata, &r);
	}
	if (b_rec) {
		b_id = record_domain(b_rec);
		ASSERT_LT(a_id ?: s_id, b_id);
		ASSERT_EQ(1, allocated_count(&r, b_id, pid, creator))
		dump(_metadata, &r);
	}
	m_id = marker_domain(&r, dir);
	ASSERT_LT(b_id ?: a_id ?: s_id, m_id);

	/* The child is gone: its domains too, S last. */
	ASSERT_EQ(0,
		  await_record(&self->st, AUDIT_LANDLOCK_DOMAIN,
			       deallocated(needle, sizeof(needle), s_id), &r))
	dump(_metadata, &r);
	ASSERT_EQ(1, denials_of(&r, s_id))
	dump(_metadata, &r);
	if (a_id)
		ASSERT_EQ(3, denials_of(&r, a_id))
	dump(_metadata, &r);
	if (b_id)
		ASSERT_EQ(2, denials_of(&r, b_id))
	dump(_metadata, &r);
	ASSERT_EQ(0, unlogged_deallocations(&r, s_id, m_id))
	{
		TH_LOG("a domain that never logged was logged at its end");
		dump(_metadata, &r);
	}
	ll_audit_records_free(&r);
}

/* --- LOG_SUBDOMAINS_OFF ------------------------------------------------------
 */

/*
 * A domain enforced with SUBDOMAINS_OFF logs its own denials; a domain
 * its holder enforces afterwards does not.
 */
static void outer_muting_inner(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	a->res[0] = enforce_flags(R_READ, NO_RULES, SUBDOMAINS_OFF);
	a->res[1] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "r"), O_RDONLY);
	a->res[2] = enforce_flags(R_WRITE, NO_RULES, 0);
	a->res[3] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "w"), O_WRONLY);
}

LL_TEST_F(audit, log_subdomains_off_mutes_later_domains_only,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "subdomains", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(outer_muting_inner, &a, &r, 0, EACCES, 0, EACCES);
	ASSERT_EQ(1, access_count(&r, dir, "r", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, access_count(&r, dir, "w", NULL, NULL))
	dump(_metadata, &r);
}

/*
 * LOG_SUBDOMAINS_OFF set with a domain lives in the credentials: a child
 * forked afterwards inherits it (its own later domain does not log, w)
 * while the inherited domain goes on logging in the child (r2) as in the
 * parent (r).
 */
static void outer_muting_child_domains(void *p)
{
	struct denial_arg *a = p;
	char path[512];
	int status;
	pid_t g;

	a->res[0] = enforce_flags(R_READ, NO_RULES, SUBDOMAINS_OFF);
	a->res[1] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "r"), O_RDONLY);
	fflush(NULL);
	g = fork();
	if (g == 0) {
		a->res[2] = enforce_flags(R_WRITE, NO_RULES, 0);
		a->res[3] = ll_try_open(
			ll_path(path, sizeof(path), a->dir, "w"), O_WRONLY);
		a->res[4] = ll_try_open(
			ll_path(path, sizeof(path), a->dir, "r2"), O_RDONLY);
		_exit(0);
	}
	if (g < 0 || waitpid(g, &status, 0) != g)
		_exit(1);
}

LL_TEST_F(audit, log_subdomains_off_reaches_domains_of_later_children,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	const char *r_rec = NULL, *r2_rec = NULL;
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "subdomains_fork", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(outer_muting_child_domains, &a, &r, 0, EACCES, 0, EACCES,
		    EACCES);
	ASSERT_EQ(1, access_count(&r, dir, "r", NULL, &r_rec))
	dump(_metadata, &r);
	ASSERT_EQ(1, access_count(&r, dir, "r2", NULL, &r2_rec))
	dump(_metadata, &r);
	ASSERT_EQ(record_domain(r_rec), record_domain(r2_rec));
	ASSERT_EQ(0, access_count(&r, dir, "w", NULL, NULL))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

/*
 * The mute call (fd -1) alone: the caller's later domains and those of
 * children forked after it do not log.
 */
static void muted_then_enforced(void *p)
{
	struct denial_arg *a = p;
	char path[512];
	pid_t pid;

	a->res[0] = ll_set_nnp();
	if (!a->res[0] && ll_restrict_self(-1, SUBDOMAINS_OFF))
		a->res[0] = errno;
	pid = fork();
	if (pid == 0) {
		a->res[1] = enforce_flags(R_READ, NO_RULES, 0);
		a->res[2] = ll_try_open(
			ll_path(path, sizeof(path), a->dir, "g"), O_RDONLY);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		_exit(1);
	a->res[3] = enforce_flags(R_READ, NO_RULES, 0);
	a->res[4] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "r"), O_RDONLY);
}

LL_TEST_F(audit, mute_call_mutes_later_domains_and_children,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "mute_call", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(muted_then_enforced, &a, &r, 0, 0, EACCES, 0, EACCES);
	ASSERT_EQ(0, access_count(&r, dir, "g", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, access_count(&r, dir, "r", NULL, NULL))
	dump(_metadata, &r);
}

/* --- who created a domain: the allocation record ---------------------------
 *
 * C renames itself, becomes uid 65534, enforces a domain, renames itself
 * again and forks G, which is denied reading /dev/null.  The record names
 * C's domain; its allocation record names C (pid, uid, executable, the
 * name it had when enforcing), not G that was denied.
 */
#define CREATOR_COMM "llc-creator"
#define NOBODY 65534

static void creator_then_grandchild(void *p)
{
	struct denial_arg *a = p;
	int status;
	pid_t g;

	a->res[0] = ll_errno_of(prctl(PR_SET_NAME, CREATOR_COMM, 0, 0, 0));
	a->res[1] = ll_errno_of(setresuid(NOBODY, NOBODY, NOBODY));
	a->res[2] = enforce_flags(R_READ, NO_RULES, 0);
	prctl(PR_SET_NAME, "llc-renamed", 0, 0, 0);
	fflush(NULL);
	g = fork();
	if (g == 0)
		_exit(ll_try_open("/dev/null", O_RDONLY) == EACCES ? 0 : 1);
	a->res[3] = g;
	a->res[4] = g > 0 && waitpid(g, &status, 0) == g && WIFEXITED(status)
			    ? WEXITSTATUS(status)
			    : -2;
}

LL_TEST_F(audit, allocation_record_names_the_creator_not_the_denied_process,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL, setresuid CAP_SETUID")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], exe[512], needle[800];
	const char *access = NULL;
	struct ll_audit_records r;
	uint64_t domain;
	ssize_t n;
	pid_t pid;

	denial_scratch(_metadata, &a, "creator", dir, sizeof(dir));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		LL_SKIP_ENV(return, "no /proc/self/exe: %s", strerror(errno));
	exe[n] = '\0';
	if (strpbrk(exe, " \"\\") || strlen(exe) >= 400)
		LL_SKIP_ENV(return, "executable path audit would hex-encode");
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(creator_then_grandchild, &a, &r, 0, 0, 0);
	ASSERT_LT(0, a.res[3]);
	ASSERT_EQ(0, a.res[4]);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    " blockers=fs.read_file path=\"/dev/null\"",
				    NULL, &access))
	dump(_metadata, &r);
	domain = record_domain(access);
	snprintf(needle, sizeof(needle),
		 " domain=%llx status=allocated mode=enforcing pid=%d uid=%d "
		 "exe=\"%s\" comm=\"" CREATOR_COMM "\"",
		 (unsigned long long)domain, (int)pid, NOBODY, exe);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	/* Once: G's denial did not allocate it again under G's pid. */
	snprintf(needle, sizeof(needle), " domain=%llx status=allocated ",
		 (unsigned long long)domain);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

/*
 * Sixteen layers, each denying a signal to the test once: sixteen domain
 * ids, rising with nesting, each allocated by the child; a 17th layer is
 * E2BIG.  Once the child is gone every domain is freed innermost first (a
 * hierarchy holds its parent), each with denials=1.
 */
static void sixteen_signal_layers(void *p)
{
	struct denial_arg *a = p;
	const struct ll_ruleset_desc desc = { .scoped = LANDLOCK_SCOPE_SIGNAL };
	int i;

	for (i = 0; i < 16; i++) {
		if (ll_enforce(&desc) ||
		    ll_errno_of(kill(getppid(), 0)) != EPERM)
			return;
		a->res[0] = i + 1;
	}
	a->res[1] = ll_enforce(&desc);
}

LL_TEST_F(audit, sixteen_layers_logged_with_rising_ids_freed_innermost_first,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128];
	uint64_t ids[16] = { 0 };
	struct ll_audit_records r;
	int i, n = 0, last = -1;
	pid_t pid;

	denial_scratch(_metadata, &a, "layers16", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(sixteen_signal_layers, &a, &r, 16, E2BIG);
	snprintf(needle, sizeof(needle), " blockers=scope.signal opid=%d ",
		 (int)getpid());
	for (i = 0; i < r.count; i++) {
		if (r.type[i] != AUDIT_LANDLOCK_ACCESS ||
		    !strstr(r.text[i], needle) ||
		    !allocated_count(&r, record_domain(r.text[i]), pid, " "))
			continue;
		ASSERT_GT(16, n);
		ids[n] = record_domain(r.text[i]);
		if (n)
			ASSERT_LT(ids[n - 1], ids[n]);
		n++;
	}
	ASSERT_EQ(16, n)
	{
		TH_LOG("records lost by the kernel: %ld",
		       ll_audit_lost(&self->st));
		dump(_metadata, &r);
	}
	ASSERT_EQ(0,
		  await_record(&self->st, AUDIT_LANDLOCK_DOMAIN,
			       deallocated(needle, sizeof(needle), ids[0]), &r))
	dump(_metadata, &r);
	for (i = 0; i < r.count; i++) {
		int j;

		if (r.type[i] != AUDIT_LANDLOCK_DOMAIN ||
		    !strstr(r.text[i], " status=deallocated "))
			continue;
		for (j = 0; j < 16 && ids[j] != record_domain(r.text[i]); j++)
			;
		if (j == 16)
			continue;
		/* Innermost first: each later record is an outer layer. */
		ASSERT_TRUE(last < 0 || j == last - 1)
		{
			TH_LOG("layer %d freed after layer %d", j, last);
			dump(_metadata, &r);
		}
		last = j;
		ASSERT_EQ(1, denials_of(&r, ids[j]))
		dump(_metadata, &r);
	}
	ASSERT_EQ(0, last);
	ll_audit_records_free(&r);
}

/* --- threads and TSYNC ---------------------------------------------------- */

/*
 * A thread of the sandboxed child that runs one step each time it is told
 * to (and says when it is done), so the child can order what each thread
 * does around its own calls.
 */
struct stepper {
	pthread_t thread;
	int go[2], done[2];
	void (*steps[2])(struct stepper *t);
	struct denial_arg *a;
	int *res; /* the thread's own result slots */
	pid_t tid;
};

static void *stepper_main(void *p)
{
	struct stepper *t = p;
	char c;
	int i;

	t->tid = gettid();
	for (i = 0; i < 2 && t->steps[i]; i++) {
		if (read(t->go[0], &c, 1) != 1)
			break;
		t->steps[i](t);
		if (write(t->done[1], "d", 1) != 1)
			break;
	}
	return NULL;
}

static int stepper_start(struct stepper *t)
{
	if (pipe2(t->go, O_CLOEXEC) || pipe2(t->done, O_CLOEXEC))
		return errno;
	return pthread_create(&t->thread, NULL, stepper_main, t);
}

/* Runs the thread's next step and waits for it: 0 or -1. */
static int stepper_step(struct stepper *t)
{
	char c;

	if (write(t->go[1], "g", 1) != 1 || read(t->done[0], &c, 1) != 1)
		return -1;
	return 0;
}

/* Reading NAME in the thread: its errno into t->res[slot]. */
static void thread_read(struct stepper *t, int slot, const char *name)
{
	char path[512];

	t->res[slot] = ll_try_open(ll_path(path, sizeof(path), t->a->dir, name),
				   O_RDONLY);
}

/*
 * A thread enforces a domain and is denied a signal to the test: the
 * allocation record's pid= is the process (TGID), not the thread.  The
 * domain goes with the thread, denials=1.
 */
static void thread_signal_step(struct stepper *t)
{
	const struct ll_ruleset_desc desc = { .scoped = LANDLOCK_SCOPE_SIGNAL };

	t->res[0] = ll_enforce(&desc);
	t->res[1] = ll_errno_of(kill(getppid(), 0));
}

static void process_with_thread(void *p)
{
	struct denial_arg *a = p;
	struct stepper t = { .steps = { thread_signal_step }, .a = a };

	t.res = a->res + 2;
	a->res[0] = stepper_start(&t);
	if (a->res[0])
		return;
	a->res[1] = stepper_step(&t);
	pthread_join(t.thread, NULL);
	a->res[5] = t.tid;
	a->res[6] = getpid();
}

LL_TEST_F(audit, thread_domain_record_names_the_process_id,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128];
	const char *access = NULL;
	struct ll_audit_records r;
	uint64_t domain;
	pid_t pid;

	denial_scratch(_metadata, &a, "thread", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(process_with_thread, &a, &r, 0, 0, 0, EPERM);
	ASSERT_NE(a.res[5], a.res[6]);
	snprintf(needle, sizeof(needle), " blockers=scope.signal opid=%d ",
		 (int)getpid());
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL,
				    &access))
	dump(_metadata, &r);
	domain = record_domain(access);
	ASSERT_EQ(1, allocated_count(&r, domain, pid, " uid="))
	dump(_metadata, &r);
	ASSERT_EQ(0, allocated_count(&r, domain, a.res[5], " "));
	ASSERT_EQ(0,
		  await_record(&self->st, AUDIT_LANDLOCK_DOMAIN,
			       deallocated(needle, sizeof(needle), domain), &r))
	dump(_metadata, &r);
	ASSERT_EQ(1, denials_of(&r, domain))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

static void thread_enforce_read_r(struct stepper *t)
{
	t->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	thread_read(t, 1, "r");
}

static void thread_enforce_read_g(struct stepper *t)
{
	t->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	thread_read(t, 1, "g");
}

/*
 * Credentials are per thread: the mute call of the main thread reaches
 * neither T1, created before it (its later domain logs, r), nor anything
 * but the main thread's later domains (f) and threads created after it
 * (T2, g).
 */
static void mute_between_threads(void *p)
{
	struct denial_arg *a = p;
	struct stepper t1 = { .steps = { thread_enforce_read_r }, .a = a };
	struct stepper t2 = { .steps = { thread_enforce_read_g }, .a = a };
	char path[512];

	t1.res = a->res + 2;
	t2.res = a->res + 4;
	a->res[0] = stepper_start(&t1);
	if (a->res[0])
		return;
	a->res[0] =
		ll_set_nnp()
			?: ll_errno_of(ll_restrict_self(-1, SUBDOMAINS_OFF));
	if (!a->res[0])
		a->res[0] = stepper_start(&t2);
	if (a->res[0] || stepper_step(&t1) || stepper_step(&t2))
		_exit(1);
	pthread_join(t1.thread, NULL);
	pthread_join(t2.thread, NULL);
	a->res[1] = enforce_flags(R_READ, NO_RULES, 0);
	a->res[6] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "f"), O_RDONLY);
}

LL_TEST_F(audit, log_subdomains_off_reaches_later_threads_not_earlier_ones,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	struct ll_audit_records r;
	char dir[256];

	denial_scratch(_metadata, &a, "mute_threads", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(mute_between_threads, &a, &r, 0, 0, 0, EACCES, 0, EACCES,
		    EACCES);
	ASSERT_EQ(1, access_count(&r, dir, "r", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, access_count(&r, dir, "g", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, access_count(&r, dir, "f", NULL, NULL))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

/*
 * TSYNC carries the caller's log settings to every thread (SPEC §4.5).
 * T first enforces a domain of its own and is denied "before" (logged,
 * the baseline).  The main thread then enforces with TSYNC: a domain D
 * handling MAKE_DIR with LOG_SUBDOMAINS_OFF (or, `fd_minus1`, the mute
 * call alone).  T then enforces again and is denied "after": not logged.
 * D itself logs (T's mkdir).  `override`: T mutes itself first (before:
 * not logged) and the main thread's TSYNC without LOG_SUBDOMAINS_OFF
 * clears it (after: logged).
 */
enum tsync_case { TSYNC_MUTES, TSYNC_FD_MINUS1_MUTES, TSYNC_OVERRIDES };

struct tsync_arg {
	struct denial_arg d;
	enum tsync_case c;
};

static void thread_before_tsync(struct stepper *t)
{
	/* t->a is the first member of a struct tsync_arg. */
	const struct tsync_arg *ta = (const void *)t->a;

	if (ta->c == TSYNC_OVERRIDES)
		t->res[2] = ll_set_nnp()
				    ?: ll_errno_of(ll_restrict_self(
					       -1, SUBDOMAINS_OFF));
	t->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	thread_read(t, 1, "before");
}

static void thread_after_tsync(struct stepper *t)
{
	char path[512];

	t->res[3] = ll_errno_of(
		mkdir(ll_path(path, sizeof(path), t->a->dir, "a/t"), 0700));
	t->res[4] = enforce_flags(R_READ, NO_RULES, 0);
	thread_read(t, 5, "after");
}

static void tsync_between_thread_domains(void *p)
{
	struct tsync_arg *ta = p;
	struct denial_arg *a = &ta->d;
	struct stepper t = {
		.steps = { thread_before_tsync, thread_after_tsync },
		.a = a,
	};
	const struct ll_ruleset_desc desc = { .handled_fs = R_MAKE_DIR };
	int fd = -1;

	t.res = a->res + 2;
	a->res[0] = stepper_start(&t) ?: ll_set_nnp();
	if (a->res[0] || stepper_step(&t))
		_exit(1);
	if (ta->c != TSYNC_FD_MINUS1_MUTES) {
		fd = ll_ruleset_build(&desc);
		if (fd < 0)
			_exit(1);
	}
	a->res[1] = ll_errno_of(ll_restrict_self(
		fd, LANDLOCK_RESTRICT_SELF_TSYNC |
			    (ta->c == TSYNC_OVERRIDES ? 0 : SUBDOMAINS_OFF)));
	if (stepper_step(&t))
		_exit(1);
	pthread_join(t.thread, NULL);
}

static void tsync_log_check(struct __test_metadata *_metadata,
			    struct ll_audit *st, enum tsync_case c)
{
	struct tsync_arg ta = { .d = { .res = shared_results() }, .c = c };
	const bool mutes = c != TSYNC_OVERRIDES;
	struct ll_audit_records r;
	char dir[256];
	int *res = ta.d.res;

	denial_scratch(_metadata, &ta.d, "tsync", dir, sizeof(dir));
	LL_AUDIT_START(st);
	run_denials(_metadata, st, tsync_between_thread_domains, &ta.d,
		    (const int[]){ 0, 0, 0, EACCES }, 4, &r);
	if (c == TSYNC_OVERRIDES)
		ASSERT_EQ(0, res[4]);
	/* Without a ruleset, nothing handles MAKE_DIR. */
	ASSERT_EQ(c == TSYNC_FD_MINUS1_MUTES ? 0 : EACCES, res[5]);
	ASSERT_EQ(0, res[6]);
	ASSERT_EQ(EACCES, res[7]);
	ASSERT_EQ(mutes, access_count(&r, dir, "before", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(!mutes, access_count(&r, dir, "after", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(c != TSYNC_FD_MINUS1_MUTES,
		  access_count(&r, dir, "a", " blockers=fs.make_dir ", NULL))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

LL_TEST_F(audit, log_subdomains_off_with_tsync_mutes_sibling_threads,
	  .needs = LL_B_TSYNC, .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	tsync_log_check(_metadata, &self->st, TSYNC_MUTES);
}

LL_TEST_F(audit, mute_call_with_tsync_mutes_sibling_threads,
	  .needs = LL_B_LOG_SUBDOMAINS_OFF_WITH_TSYNC_FD_MINUS1,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	tsync_log_check(_metadata, &self->st, TSYNC_FD_MINUS1_MUTES);
}

LL_TEST_F(audit, tsync_without_subdomains_off_unmutes_sibling_threads,
	  .needs = LL_B_TSYNC, .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	tsync_log_check(_metadata, &self->st, TSYNC_OVERRIDES);
}

/*
 * Quiet rules (ABI 10) drop records, never the count: a domain handling
 * READ_FILE, quiet for it on q/, denied reading q/f (quiet) twice and f
 * once: one record, and denials=3 when the domain goes.
 */
static void quiet_and_logged(void *p)
{
	struct denial_arg *a = p;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = R_READ,
		.quiet_access_fs = R_READ,
	};
	struct landlock_path_beneath_attr rule = { .allowed_access = 0 };
	char path[512];
	int fd = ll_create_ruleset(&attr, sizeof(attr), 0);

	if (fd < 0) {
		a->res[0] = errno;
		return;
	}
	rule.parent_fd = open(ll_path(path, sizeof(path), a->dir, "a"),
			      O_PATH | O_CLOEXEC);
	a->res[0] = ll_errno_of(ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH,
					    &rule, LANDLOCK_ADD_RULE_QUIET));
	if (!a->res[0])
		a->res[0] =
			ll_set_nnp() ?: ll_errno_of(ll_restrict_self(fd, 0));
	close(fd);
	ll_path(path, sizeof(path), a->dir, "a/f");
	a->res[1] = ll_try_open(path, O_RDONLY);
	a->res[2] = ll_try_open(path, O_RDONLY);
	a->res[3] =
		ll_try_open(ll_path(path, sizeof(path), a->dir, "f"), O_RDONLY);
}

LL_TEST_F(audit, quiet_denials_are_counted_but_not_logged, .needs = LL_B_QUIET,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128];
	const char *access = NULL;
	struct ll_audit_records r;
	uint64_t domain;

	denial_scratch(_metadata, &a, "quiet_count", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	RUN_DENIALS(quiet_and_logged, &a, &r, 0, EACCES, EACCES, EACCES);
	ASSERT_EQ(0, access_count(&r, dir, "a/f", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(1, access_count(&r, dir, "f", NULL, &access))
	dump(_metadata, &r);
	domain = record_domain(access);
	ASSERT_EQ(0,
		  await_record(&self->st, AUDIT_LANDLOCK_DOMAIN,
			       deallocated(needle, sizeof(needle), domain), &r))
	dump(_metadata, &r);
	ASSERT_EQ(3, denials_of(&r, domain))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

/* --- the blocker of every kind of denial ---------------------------------
 *
 * Each test below has a sandboxed child make exactly one kind of denial,
 * then reads every record up to the marker: the records the child caused
 * are all Landlock records but the marker's, and each must name the
 * blocker (SPEC §8 spelling) and the object the kernel checked.
 */

/* ACCESS records of domains that `pid` created. */
static int records_of(const struct ll_audit_records *r, pid_t pid)
{
	int i, n = 0;

	for (i = 0; i < r->count; i++) {
		if (r->type[i] != AUDIT_LANDLOCK_ACCESS)
			continue;
		if (allocated_count(r, record_domain(r->text[i]), pid, " "))
			n++;
	}
	return n;
}

/*
 * One FS right denied alone, under R = DIR/<name>: the child's domain
 * handles only that right and grants nothing, so nothing else can refuse.
 * The operation is harness/fs_ops's for the right (entries f, d/, x, u in
 * R).  The record holds `blockers=fs.<name>` and the checked object with
 * its dev and ino: the file itself, the parent directory for the rights
 * of creation and removal, both parents for refer.
 */

/* The objects a denial of `right` names: "" is R, "/..." absolute. */
static void audited_objects(uint64_t right, const char *objects[2])
{
	const struct ll_fs_op *op = ll_fs_op(right);

	objects[1] = NULL;
	if (right == LANDLOCK_ACCESS_FS_REFER) {
		objects[0] = "";
		objects[1] = LL_FS_OP_DIR;
	} else if (op->entry) {
		/* Made or removed: the parent is checked. */
		objects[0] = "";
	} else if (right == LANDLOCK_ACCESS_FS_EXECUTE) {
		objects[0] = LL_FS_OP_EXEC;
	} else if (right == LANDLOCK_ACCESS_FS_READ_DIR) {
		objects[0] = LL_FS_OP_DIR;
	} else if (right == LANDLOCK_ACCESS_FS_IOCTL_DEV) {
		objects[0] = "/dev/null";
	} else if (right == LANDLOCK_ACCESS_FS_RESOLVE_UNIX) {
		objects[0] = LL_FS_OP_UNIX;
	} else {
		objects[0] = LL_FS_OP_FILE;
	}
}

static const char *in_r(char *buf, size_t size, const char *r, const char *rel)
{
	if (rel[0] == '/' || !rel[0])
		snprintf(buf, size, "%s", rel[0] ? rel : r);
	else
		ll_path(buf, size, r, rel);
	return buf;
}

struct fs_denial_arg {
	const struct ll_fs_op *op;
	const char *r;
	int *res;
};

static void deny_one_fs_right(void *p)
{
	struct fs_denial_arg *a = p;

	a->res[0] = enforce_flags(a->op->right, NO_RULES, 0);
	if (!a->res[0])
		a->res[1] = a->op->run(a->r);
}

LL_TEST_F(audit, each_fs_right_denied_alone_logs_fs_blocker_and_object,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	pid_t pid;
	const uint64_t known = ll_mask(LL_FS_ACCESS, ll_abi_now());
	struct fs_denial_arg a = { .res = shared_results() };
	static const char *const marker_tree[] = { "marker", NULL };
	const struct ll_bit *bit;
	char dir[256], r[512], obj[600], needle[900], ino[64];
	struct ll_audit_records rec;
	int status, checked = 0;
	size_t i;

	ASSERT_NE(NULL, a.res);
	LL_SETUP(ll_scratch_dir("fs_rights", dir, sizeof(dir)));
	LL_SETUP(ll_make_tree(dir, marker_tree));
	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		const char *const entries[] = { LL_FS_OP_FILE, LL_FS_OP_DIR "/",
						LL_FS_OP_EXEC, NULL };
		int fd;

		if (!(bit->value & known))
			continue;
		ll_path(r, sizeof(r), dir, bit->name);
		LL_SETUP(mkdir(r, 0700) ? errno : 0);
		LL_SETUP(ll_make_tree(r, entries));
		LL_SETUP(
			chmod(ll_path(obj, sizeof(obj), r, LL_FS_OP_EXEC), 0755)
				? errno
				: 0);
		if (bit->value != R_RESOLVE_UNIX)
			continue;
		/* Kept open until the test ends. */
		fd = ll_fs_listen_unix(
			ll_path(obj, sizeof(obj), r, LL_FS_OP_UNIX));
		LL_SETUP(fd < 0 ? -fd : 0);
	}
	LL_AUDIT_START(&self->st);

	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		const char *objects[2];
		struct stat st;

		if (!(bit->value & known))
			continue;
		a.op = ll_fs_op(bit->value);
		ASSERT_NE(NULL, a.op)
		TH_LOG("no operation for fs.%s", bit->name);
		audited_objects(bit->value, objects);
		a.r = ll_path(r, sizeof(r), dir, bit->name);
		memset(a.res, 0xff, NRES * sizeof(int));
		pid = ll_fork_wait(deny_one_fs_right, &a, &status);
		ASSERT_LT(0, pid);
		ASSERT_EQ(0, a.res[0])
		TH_LOG("fs.%s: %s", bit->name, strerror(a.res[0]));
		ASSERT_EQ(ll_fs_op_denied(a.op), a.res[1])
		TH_LOG("fs.%s denied alone: expected %s, got %s", bit->name,
		       strerrorname_np(ll_fs_op_denied(a.op)),
		       strerrorname_np(a.res[1]) ?: "0");
		read_to_marker(_metadata, &self->st, dir, &rec);
		for (i = 0; i < 2 && objects[i]; i++) {
			in_r(obj, sizeof(obj), r, objects[i]);
			ASSERT_EQ(0, stat(obj, &st));
			snprintf(needle, sizeof(needle),
				 " blockers=fs.%s path=\"%s\" dev=\"",
				 bit->name, obj);
			snprintf(ino, sizeof(ino), "\" ino=%llu",
				 (unsigned long long)st.st_ino);
			ASSERT_EQ(1, ll_audit_count(&rec, AUDIT_LANDLOCK_ACCESS,
						    needle, ino, NULL))
			{
				TH_LOG("fs.%s: no record with \"%s\" and "
				       "\"%s\"",
				       bit->name, needle, ino);
				dump(_metadata, &rec);
			}
		}
		ASSERT_EQ(i, records_of(&rec, pid))
		{
			TH_LOG("fs.%s: other records", bit->name);
			dump(_metadata, &rec);
		}
		checked++;
	}
	ASSERT_LT(0, checked);
}

/* --- blockers of operations needing several rights ------------------------
 *
 * One operation denied under a domain handling `handled` (every FS right
 * of the running ABI when 0) with the variant's rules, in T = a scratch
 * dir holding s1/{f,x,d/} and s2/{g,d2/}.  Each checked object has one
 * record naming exactly the rights it lacks, in bit order (SPEC §8), its
 * path, a dev= and its inode number; no other record comes from the
 * child's domain.
 */
struct blocked_record {
	const char *blockers; /* "fs.a,fs.b" */
	const char *object; /* T-relative, or absolute */
	const char *extra; /* what follows ino=N, or NULL */
};

FIXTURE(audit_blockers)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(audit_blockers)
{
	uint64_t handled;
	struct {
		const char *rel;
		uint64_t access;
	} rules[2];
	int (*op)(const char *t);
	int err;
	struct blocked_record records[2];
};

FIXTURE_SETUP(audit_blockers)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit_blockers)
{
	ll_audit_stop(&self->st);
}

static int t_execve(const char *t)
{
	char path[512];
	char *argv[] = { path, NULL };

	/* Were it allowed: ENOEXEC, x holds no program. */
	execve(ll_path(path, sizeof(path), t, "s1/x"), argv, environ);
	return errno;
}

static int t_link(const char *t)
{
	char from[512], to[512];

	return ll_errno_of(link(ll_path(from, sizeof(from), t, "s1/f"),
				ll_path(to, sizeof(to), t, "s2/f")));
}

static int t_rename2(const char *t, const char *a, const char *b,
		     unsigned int flags)
{
	char from[512], to[512];

	return ll_errno_of(
		renameat2(AT_FDCWD, ll_path(from, sizeof(from), t, a), AT_FDCWD,
			  ll_path(to, sizeof(to), t, b), flags));
}

/* s1/f over the existing s2/g. */
static int t_rename_replacing(const char *t)
{
	return t_rename2(t, "s1/f", "s2/g", 0);
}

static int t_rename_new(const char *t)
{
	return t_rename2(t, "s1/f", "s2/f", 0);
}

static int t_exchange(const char *t)
{
	return t_rename2(t, "s1/f", "s2/g", RENAME_EXCHANGE);
}

static int t_exchange_file_dir(const char *t)
{
	return t_rename2(t, "s1/f", "s2/d2", RENAME_EXCHANGE);
}

static int t_rename_dir(const char *t)
{
	return t_rename2(t, "s1/d", "s2/d", 0);
}

static int t_rename_same_dir(const char *t)
{
	return t_rename2(t, "s1/f", "s1/h", 0);
}

static int t_ioctl(const char *t)
{
	(void)t;
	return ll_fs_op(LANDLOCK_ACCESS_FS_IOCTL_DEV)->run(t);
}

static int t_read_write(const char *t)
{
	char path[512];

	return ll_try_open(ll_path(path, sizeof(path), t, "s1/f"), O_RDWR);
}

#define READ_EXEC (R_EXECUTE | R_READ)

/* execve needs EXECUTE and, to load the file, READ_FILE. */
FIXTURE_VARIANT_ADD(audit_blockers, execute_read){
	.op = t_execve,
	.err = EACCES,
	.records = { { "fs.execute,fs.read_file", "s1/x" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, execute_read_read_granted){
	.rules = { { "s1", R_READ } },
	.op = t_execve,
	.err = EACCES,
	.records = { { "fs.execute", "s1/x" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, execute_read_execute_granted){
	.handled = READ_EXEC,
	.rules = { { "s1", R_EXECUTE } },
	.op = t_execve,
	.err = EACCES,
	.records = { { "fs.read_file", "s1/x" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, read_write_open){
	.op = t_read_write,
	.err = EACCES,
	.records = { { "fs.write_file,fs.read_file", "s1/f" } },
};

/* link: REFER on both parents, MAKE_REG on the new one. */
FIXTURE_VARIANT_ADD(audit_blockers, refer_make){
	.handled = R_MAKE_REG | R_REFER,
	.op = t_link,
	.err = EACCES,
	.records = { { "fs.refer", "s1" }, { "fs.make_reg,fs.refer", "s2" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, refer_make_all_handled){
	.op = t_link,
	.err = EACCES,
	.records = { { "fs.refer", "s1" }, { "fs.make_reg,fs.refer", "s2" } },
};

/* Only REFER missing, on the source only: EXDEV, one record. */
FIXTURE_VARIANT_ADD(audit_blockers, refer_rename_half){
	.handled = R_REFER,
	.rules = { { "s2", R_REFER } },
	.op = t_rename_new,
	.err = EXDEV,
	.records = { { "fs.refer", "s1" } },
};

/* A rename replacing a file removes one on each side. */
FIXTURE_VARIANT_ADD(audit_blockers, refer_rename){
	.op = t_rename_replacing,
	.err = EACCES,
	.records = { { "fs.remove_file,fs.refer", "s1" },
		     { "fs.remove_file,fs.make_reg,fs.refer", "s2" } },
};

/* Everything granted on the destination: the source's record only. */
FIXTURE_VARIANT_ADD(audit_blockers, refer_rename_destination_granted){
	.rules = { { "s2", R_REFER | R_MAKE_REG | R_REMOVE_FILE } },
	.op = t_rename_replacing,
	.err = EACCES,
	.records = { { "fs.remove_file,fs.refer", "s1" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, refer_exchange){
	.op = t_exchange,
	.err = EACCES,
	.records = { { "fs.remove_file,fs.make_reg,fs.refer", "s1" },
		     { "fs.remove_file,fs.make_reg,fs.refer", "s2" } },
};

/* A file and a directory exchanged: each side's kinds, in bit order. */
FIXTURE_VARIANT_ADD(audit_blockers, refer_exchange_file_and_dir){
	.op = t_exchange_file_dir,
	.err = EACCES,
	.records = { { "fs.remove_file,fs.make_dir,fs.refer", "s1" },
		     { "fs.remove_dir,fs.make_reg,fs.refer", "s2" } },
};

FIXTURE_VARIANT_ADD(audit_blockers, refer_rename_dir){
	.op = t_rename_dir,
	.err = EACCES,
	.records = { { "fs.remove_dir,fs.refer", "s1" },
		     { "fs.make_dir,fs.refer", "s2" } },
};

/* Within one directory REFER is not needed. */
FIXTURE_VARIANT_ADD(audit_blockers, rename_same_dir){
	.op = t_rename_same_dir,
	.err = EACCES,
	.records = { { "fs.remove_file,fs.make_reg", "s1" } },
};

/* The command follows the object (open needs no READ_FILE here). */
FIXTURE_VARIANT_ADD(audit_blockers, ioctl_dev_command){
	.handled = R_IOCTL_DEV | R_WRITE,
	.op = t_ioctl,
	.err = EACCES,
	.records = { { "fs.ioctl_dev", "/dev/null", " ioctlcmd=0x541b" } },
};

struct blockers_arg {
	const FIXTURE_VARIANT(audit_blockers) * v;
	const char *t;
	int *res;
};

static void deny_blocked(void *p)
{
	struct blockers_arg *a = p;
	struct ll_path_rule rules[3] = { { 0 } };
	char paths[2][512];
	int i;

	for (i = 0; i < 2 && a->v->rules[i].rel; i++) {
		rules[i].path = ll_path(paths[i], sizeof(paths[i]), a->t,
					a->v->rules[i].rel);
		rules[i].access = a->v->rules[i].access;
	}
	a->res[0] = enforce_flags(
		a->v->handled ?: ll_mask(LL_FS_ACCESS, ll_abi_now()), rules, 0);
	if (!a->res[0])
		a->res[1] = a->v->op(a->t);
}

/*
 * The one ACCESS record with ` blockers=B path="P" dev="`, and its inode
 * and what follows as the kernel has them now.
 */
static void assert_blocked_record(struct __test_metadata *_metadata,
				  const struct ll_audit_records *r,
				  const char *t, const struct blocked_record *b)
{
	char object[512], needle[700], tail[128];
	const char *rec = NULL;
	struct stat st;

	in_r(object, sizeof(object), t, b->object);
	snprintf(needle, sizeof(needle), " blockers=%s path=\"%s\" dev=\"",
		 b->blockers, object);
	ASSERT_EQ(1,
		  ll_audit_count(r, AUDIT_LANDLOCK_ACCESS, needle, NULL, &rec))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, r);
	}
	ASSERT_EQ(0, stat(object, &st));
	snprintf(tail, sizeof(tail), "\" ino=%llu%s",
		 (unsigned long long)st.st_ino, b->extra ?: "");
	ASSERT_NE(NULL, strstr(rec, tail))
	TH_LOG("\"%s\" lacks \"%s\"", rec, tail);
	/* Nothing after what the variant names. */
	ASSERT_EQ('\0', strstr(rec, tail)[strlen(tail)])
	TH_LOG("\"%s\" has more than \"%s\"", rec, tail);
}

LL_TEST_F(audit_blockers, operation_logs_each_missing_right_per_object,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	static const char *const layout[] = { "marker", "s1/",	  "s1/f",
					      "s1/x",	"s1/d/",  "s2/",
					      "s2/g",	"s2/d2/", NULL };
	struct blockers_arg a = { .v = variant, .res = shared_results() };
	char t[256], path[512];
	struct ll_audit_records r;
	int status, i;
	pid_t pid;

	ASSERT_NE(NULL, a.res);
	LL_SETUP(ll_scratch_dir("blockers", t, sizeof(t)));
	LL_SETUP(ll_make_tree(t, layout));
	LL_SETUP(chmod(ll_path(path, sizeof(path), t, "s1/x"), 0755) ? errno
								     : 0);
	a.t = t;
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(deny_blocked, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(variant->err, a.res[1])
	TH_LOG("expected %s, got %s", strerrorname_np(variant->err),
	       strerrorname_np(a.res[1]) ?: "0");
	read_to_marker(_metadata, &self->st, t, &r);
	for (i = 0; i < 2 && variant->records[i].blockers; i++)
		assert_blocked_record(_metadata, &r, t, &variant->records[i]);
	ASSERT_EQ(i, records_of(&r, pid))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

static void mknod_whiteout(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	a->res[0] =
		enforce_flags(ll_mask(LL_FS_ACCESS, ll_abi_now()), NO_RULES, 0);
	a->res[1] =
		ll_errno_of(mknod(ll_path(path, sizeof(path), a->dir, "a/n"),
				  S_IFCHR | 0600, makedev(0, 0)));
}

/*
 * A whiteout (a 0:0 character device) is a regular file to Landlock once
 * erratum 4 is fixed: its record blames fs.make_reg on the parent, and
 * fs.make_char not at all.
 */
LL_TEST_F(audit, whiteout_denial_logs_make_reg, .erratum = 4,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct denial_arg a = { .res = shared_results() };
	char dir[256], object[512], needle[600];
	struct ll_audit_records r;
	const char *rec = NULL;
	struct stat st;
	pid_t pid;

	denial_scratch(_metadata, &a, "whiteout", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(mknod_whiteout, &a, &r, 0, EACCES);
	ASSERT_EQ(1, records_of(&r, pid))
	dump(_metadata, &r);
	/* One record, on the parent, blaming one of the two rights. */
	ASSERT_EQ(0, stat(ll_path(object, sizeof(object), dir, "a"), &st));
	snprintf(needle, sizeof(needle), " path=\"%s\" dev=\"", object);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, &rec))
	dump(_metadata, &r);
	snprintf(needle, sizeof(needle), "\" ino=%llu",
		 (unsigned long long)st.st_ino);
	ASSERT_NE(NULL, strstr(rec, needle))
	TH_LOG("%s", rec);
	ASSERT_TRUE(strstr(rec, " blockers=fs.make_reg path=") ||
		    strstr(rec, " blockers=fs.make_char path="))
	TH_LOG("%s", rec);
	/* Erratum 4 is precisely which of the two. */
	LL_ERRATUM_ASSERT(4, strstr(rec, " blockers=fs.make_reg path="));
	ll_audit_records_free(&r);
}

/* --- which layer a record names, with which rights -------------------------
 *
 * Two layers; one operation denied.  The record goes to the youngest layer
 * that denies any of the requested rights and names only the rights that
 * layer denies (an older layer's denial of other rights is not logged),
 * and that layer alone counts it.  Each layer also handles a right of its
 * own (L1 MAKE_SYM, L2 MAKE_FIFO) whose denial, after the operation,
 * gives its domain id.
 */
FIXTURE(audit_layers)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(audit_layers)
{
	uint64_t l1, l2; /* handled besides the marker rights */
	uint64_t l1_rule; /* granted on T by L1 */
	int (*op)(const char *t); /* on T/f */
	int err;
	int layer; /* 1 or 2: the layer the record names */
	const char *blockers;
};

FIXTURE_SETUP(audit_layers)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit_layers)
{
	ll_audit_stop(&self->st);
}

static int t_open_rdwr(const char *t)
{
	char path[512];

	return ll_try_open(ll_path(path, sizeof(path), t, "f"), O_RDWR);
}

static int t_truncate(const char *t)
{
	char path[512];

	return ll_errno_of(truncate(ll_path(path, sizeof(path), t, "f"), 0));
}

FIXTURE_VARIANT_ADD(audit_layers, read_then_write){
	.l1 = R_READ,
	.l2 = R_WRITE,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.write_file",
};

FIXTURE_VARIANT_ADD(audit_layers, write_then_read){
	.l1 = R_WRITE,
	.l2 = R_READ,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.read_file",
};

FIXTURE_VARIANT_ADD(audit_layers, both_then_read){
	.l1 = R_READ | R_WRITE,
	.l2 = R_READ,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.read_file",
};

FIXTURE_VARIANT_ADD(audit_layers, read_then_both){
	.l1 = R_READ,
	.l2 = R_READ | R_WRITE,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.write_file,fs.read_file",
};

/* The younger layer does not handle what is denied: the older one. */
FIXTURE_VARIANT_ADD(audit_layers, both_then_other){
	.l1 = R_READ | R_WRITE,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 1,
	.blockers = "fs.write_file,fs.read_file",
};

/* L1 grants READ, denies WRITE; L2 denies READ: only L2's shows. */
FIXTURE_VARIANT_ADD(audit_layers, older_denial_of_another_right_unlogged){
	.l1 = R_READ | R_WRITE,
	.l1_rule = R_READ,
	.l2 = R_READ,
	.op = t_open_rdwr,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.read_file",
};

/* TRUNCATE (an optional right) follows the same rule. */
FIXTURE_VARIANT_ADD(audit_layers, truncate_in_both){
	.l1 = R_TRUNCATE,
	.l2 = R_TRUNCATE,
	.op = t_truncate,
	.err = EACCES,
	.layer = 2,
	.blockers = "fs.truncate",
};

FIXTURE_VARIANT_ADD(audit_layers, truncate_in_older_only){
	.l1 = R_TRUNCATE,
	.l2 = R_WRITE,
	.op = t_truncate,
	.err = EACCES,
	.layer = 1,
	.blockers = "fs.truncate",
};

struct layers_arg {
	const FIXTURE_VARIANT(audit_layers) * v;
	const char *t;
	int *res;
};

static void two_layers_one_denial(void *p)
{
	struct layers_arg *a = p;
	struct ll_path_rule rules[2] = { { 0 } };
	char path[512];

	rules[0].path = a->t;
	rules[0].access = a->v->l1_rule;
	a->res[0] = enforce_flags(a->v->l1 | R_MAKE_SYM,
				  a->v->l1_rule ? rules : NO_RULES, 0);
	a->res[1] = enforce_flags(a->v->l2 | R_MAKE_FIFO, NO_RULES, 0);
	a->res[2] = a->v->op(a->t);
	a->res[3] = ll_errno_of(
		symlink("f", ll_path(path, sizeof(path), a->t, "a/s")));
	a->res[4] = ll_errno_of(mknod(ll_path(path, sizeof(path), a->t, "a/p"),
				      S_IFIFO | 0600, 0));
}

LL_TEST_F(audit_layers, record_names_youngest_denying_layer_and_its_rights,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	static const char *const layout[] = { "marker", "f", "a/", NULL };
	struct layers_arg a = { .v = variant, .res = shared_results() };
	const char *sym = NULL, *fifo = NULL, *rec = NULL;
	uint64_t ids[2], want;
	char t[256], path[512], needle[700];
	struct ll_audit_records r;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, a.res);
	LL_SETUP(ll_scratch_dir("layers", t, sizeof(t)));
	LL_SETUP(ll_make_tree(t, layout));
	a.t = t;
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(two_layers_one_denial, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(variant->err, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	read_to_marker(_metadata, &self->st, t, &r);
	ll_path(path, sizeof(path), t, "a");
	snprintf(needle, sizeof(needle), " blockers=fs.make_sym path=\"%s\"",
		 path);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, &sym))
	dump(_metadata, &r);
	snprintf(needle, sizeof(needle), " blockers=fs.make_fifo path=\"%s\"",
		 path);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL,
				    &fifo))
	dump(_metadata, &r);
	ids[0] = record_domain(sym);
	ids[1] = record_domain(fifo);
	ASSERT_LT(ids[0], ids[1]);
	want = ids[variant->layer - 1];
	snprintf(needle, sizeof(needle), " path=\"%s/f\" dev=\"", t);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, &rec))
	dump(_metadata, &r);
	snprintf(needle, sizeof(needle),
		 " domain=%llx blockers=%s path=", (unsigned long long)want,
		 variant->blockers);
	ASSERT_NE(NULL, strstr(rec, needle))
	TH_LOG("\"%s\" lacks \"%s\"", rec, needle);
	/* Three records: the operation's and the two layers' own. */
	ASSERT_EQ(3, records_of(&r, pid))
	dump(_metadata, &r);
	/* Only the naming layer counted the operation's denial. */
	ASSERT_EQ(0,
		  await_record(&self->st, AUDIT_LANDLOCK_DOMAIN,
			       deallocated(needle, sizeof(needle), ids[0]), &r))
	dump(_metadata, &r);
	ASSERT_EQ(variant->layer == 1 ? 2 : 1, denials_of(&r, ids[0]))
	dump(_metadata, &r);
	ASSERT_EQ(variant->layer == 2 ? 2 : 1, denials_of(&r, ids[1]))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

/* mount(2) in a domain handling an FS right: fs.change_topology (§5.5). */
static void mount_in_private_ns(void *p)
{
	struct denial_arg *a = p;
	char path[512];

	a->res[0] = ll_errno_of(unshare(CLONE_NEWNS));
	if (!a->res[0])
		a->res[0] = ll_errno_of(
			mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	if (a->res[0])
		return;
	a->res[1] = ll_errno_of(mount("tmpfs",
				      ll_path(path, sizeof(path), a->dir, "a"),
				      "tmpfs", 0, NULL));
	a->res[2] = enforce_flags(R_EXECUTE, NO_RULES, 0);
	a->res[3] = ll_errno_of(
		mount("tmpfs", ll_path(path, sizeof(path), a->dir, "bin"),
		      "tmpfs", 0, NULL));
}

LL_TEST_F(audit, mount_denial_logs_fs_change_topology_and_mount_point,
	  .root = "mount in a private mount namespace needs CAP_SYS_ADMIN")
{
	pid_t pid;
	struct denial_arg a = { .res = shared_results() };
	char dir[256], path[600], needle[700];
	struct ll_audit_records r;
	int status;

	denial_scratch(_metadata, &a, "topology", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(mount_in_private_ns, &a, &status);
	ASSERT_LT(0, pid);
	LL_SETUP(a.res[0]);
	/* Before the domain: the same mount works. */
	LL_SETUP(a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EPERM, a.res[3]);
	read_to_marker(_metadata, &self->st, dir, &r);
	snprintf(needle, sizeof(needle),
		 " blockers=fs.change_topology path=\"%s\" dev=\"",
		 ll_path(path, sizeof(path), dir, "bin"));
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle,
				    "\" ino=", NULL))
	dump(_metadata, &r);
	ASSERT_EQ(1, records_of(&r, pid))
	dump(_metadata, &r);
}

/*
 * A signal to a process outside a SCOPE_SIGNAL domain: scope.signal with
 * the target's pid and command (opid, ocomm).  Signalling itself is
 * allowed and not logged.
 */
static void signal_out_of_scope(void *p)
{
	struct denial_arg *a = p;
	const struct ll_ruleset_desc desc = { .scoped = LANDLOCK_SCOPE_SIGNAL };

	a->res[0] = ll_enforce(&desc);
	a->res[1] = ll_errno_of(kill(getppid(), 0));
	a->res[2] = ll_errno_of(kill(getpid(), 0));
}

LL_TEST_F(audit, scoped_signal_denial_logs_scope_signal_and_target,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	pid_t pid;
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128], comm[16];
	struct ll_audit_records r;

	denial_scratch(_metadata, &a, "signal", dir, sizeof(dir));
	own_comm(comm);
	LL_AUDIT_START(&self->st);
	pid = RUN_DENIALS(signal_out_of_scope, &a, &r, 0, EPERM, 0);
	snprintf(needle, sizeof(needle),
		 " blockers=scope.signal opid=%d ocomm=\"%s\"", (int)getpid(),
		 comm);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(1, records_of(&r, pid))
	dump(_metadata, &r);
}

/*
 * An abstract socket bound outside a SCOPE_ABSTRACT_UNIX_SOCKET domain:
 * scope.abstract_unix_socket with the socket's name (hex: it starts with
 * a NUL byte).  A socket the child binds inside its domain is reachable
 * and not logged.
 */
static socklen_t abstract_name(struct sockaddr_un *addr, const char *what)
{
	int len;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	len = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		       "llconform-abi7-%s-%d", what, (int)getpid());
	return offsetof(struct sockaddr_un, sun_path) + 1 + len;
}

static int abstract_listener(const char *what)
{
	struct sockaddr_un addr;
	socklen_t len = abstract_name(&addr, what);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, len) || listen(fd, 4)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int abstract_connect(const struct sockaddr_un *addr, socklen_t len)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return errno;
	err = ll_errno_of(connect(fd, (const struct sockaddr *)addr, len));
	close(fd);
	return err;
}

struct abstract_arg {
	struct sockaddr_un server;
	socklen_t server_len;
	int *res;
};

static void connect_out_of_scope(void *p)
{
	struct abstract_arg *a = p;
	const struct ll_ruleset_desc desc = {
		.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
	};
	struct sockaddr_un own;
	socklen_t own_len;
	int fd;

	a->res[0] = ll_enforce(&desc);
	a->res[1] = abstract_connect(&a->server, a->server_len);
	fd = abstract_listener("inside");
	a->res[2] = fd < 0 ? -fd : 0;
	own_len = abstract_name(&own, "inside");
	a->res[3] = abstract_connect(&own, own_len);
}

LL_TEST_F(audit, scoped_abstract_socket_denial_logs_scope_and_socket_name,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	pid_t pid;
	struct abstract_arg a = { .res = shared_results() };
	char dir[256], needle[300];
	struct ll_audit_records r;
	int status, fd, n;
	socklen_t i;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "abstract", dir, sizeof(dir));
	fd = abstract_listener("outside");
	LL_SETUP(fd < 0 ? -fd : 0);
	a.server_len = abstract_name(&a.server, "outside");
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(connect_out_of_scope, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EPERM, a.res[1]);
	/* Bound and listening inside the scoped domain: an assertion. */
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(0, a.res[3]);
	read_to_marker(_metadata, &self->st, dir, &r);
	n = snprintf(needle, sizeof(needle),
		     " blockers=scope.abstract_unix_socket path=");
	for (i = 0; i < a.server_len - offsetof(struct sockaddr_un, sun_path);
	     i++)
		n += snprintf(needle + n, sizeof(needle) - n, "%02X",
			      (unsigned char)a.server.sun_path[i]);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	ASSERT_EQ(1, records_of(&r, pid))
	dump(_metadata, &r);
	close(fd);
}

/*
 * ptrace across domains (§5.7): A, sandboxed, attaches to B, its
 * unsandboxed child (EPERM), then B asks to be traced by A
 * (PTRACE_TRACEME: EPERM).  Both refusals are A's domain's, both name B
 * (opid, ocomm).  A may trace C, a child inside its domain: not logged.
 */
static void trace_across_domains(void *p)
{
	struct denial_arg *a = p;
	int go[2], status;
	pid_t b, c;
	char ch;

	if (pipe2(go, O_CLOEXEC))
		_exit(1);
	b = fork();
	if (b < 0)
		_exit(1);
	if (b == 0) {
		close(go[1]);
		if (read(go[0], &ch, 1) != 1)
			_exit(1);
		a->res[3] = ll_errno_of(ptrace(PTRACE_TRACEME, 0, NULL, NULL));
		_exit(0);
	}
	close(go[0]);
	a->res[5] = b;
	a->res[0] = enforce_flags(R_READ, NO_RULES, 0);
	a->res[1] = ll_errno_of(ptrace(PTRACE_ATTACH, b, NULL, NULL));
	if (a->res[1] == 0)
		ptrace(PTRACE_DETACH, b, NULL, NULL);
	if (write(go[1], "g", 1) != 1 || waitpid(b, &status, 0) != b)
		_exit(1);
	c = fork();
	if (c < 0)
		_exit(1);
	if (c == 0) {
		pause();
		_exit(0);
	}
	a->res[2] = ll_errno_of(ptrace(PTRACE_ATTACH, c, NULL, NULL));
	kill(c, SIGKILL);
	waitpid(c, &status, 0);
}

LL_TEST_F(audit, ptrace_denials_log_ptrace_and_the_tracee,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	pid_t pid;
	struct denial_arg a = { .res = shared_results() };
	char dir[256], needle[128], comm[16];
	struct ll_audit_records r;
	int status, yama = 0;

	ASSERT_NE(NULL, a.res);
	yama = ll_yama_ptrace_scope();
	if (yama >= 3)
		LL_SKIP_ENV(return, "Yama ptrace_scope %d forbids ptrace",
				  yama);
	make_scratch(_metadata, "ptrace", dir, sizeof(dir));
	own_comm(comm);
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(trace_across_domains, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EPERM, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EPERM, a.res[3]);
	read_to_marker(_metadata, &self->st, dir, &r);
	snprintf(needle, sizeof(needle),
		 " blockers=ptrace opid=%d ocomm=\"%s\"", a.res[5], comm);
	ASSERT_EQ(2,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(2, records_of(&r, pid))
	dump(_metadata, &r);
}

/*
 * TCP denials (§6, §8): the blocker and the address and port the call
 * named, as the 7.3 selftests (net_test audit.bind, audit.connect) pin
 * them for a socket not bound yet: saddr/src for bind, daddr/dest for
 * connect.  The ports a rule allows are used and not logged.
 */
FIXTURE(audit_net)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(audit_net)
{
	int family;
	const char *addr; /* as audit prints it */
};

FIXTURE_VARIANT_ADD(audit_net, ipv4){
	.family = AF_INET,
	.addr = "127.0.0.1",
};

FIXTURE_VARIANT_ADD(audit_net, ipv6){
	.family = AF_INET6,
	.addr = "::1",
};

FIXTURE_SETUP(audit_net)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(audit_net)
{
	ll_audit_stop(&self->st);
}

enum { BIND_OK = 40101, BIND_DENIED, CONNECT_OK, CONNECT_DENIED };

struct net_arg {
	int family;
	int *res;
};

/* res[0]: setup (-1: no such family); then bind, bind, connect, connect. */
static void tcp_denials(void *p)
{
	struct net_arg *a = p;
	int fd;

	a->res[0] = ll_enter_netns();
	if (a->res[0])
		return;
	fd = ll_loopback_socket(a->family, SOCK_STREAM, 0, CONNECT_OK);
	if (fd < 0) {
		a->res[0] = fd == -EAFNOSUPPORT ? -1 : -fd;
		return;
	}
	a->res[1] = ll_enforce_net(
		LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP,
		PORTS(PORT(BIND_OK, LANDLOCK_ACCESS_NET_BIND_TCP),
		      PORT(CONNECT_OK, LANDLOCK_ACCESS_NET_CONNECT_TCP)));
	a->res[2] = ll_try_bind(a->family, SOCK_STREAM, 0, BIND_OK);
	a->res[3] = ll_try_bind(a->family, SOCK_STREAM, 0, BIND_DENIED);
	a->res[4] = ll_try_connect(a->family, SOCK_STREAM, 0, CONNECT_OK);
	a->res[5] = ll_try_connect(a->family, SOCK_STREAM, 0, CONNECT_DENIED);
}

LL_TEST_F(audit_net, tcp_denials_log_net_blocker_address_and_port,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	pid_t pid;
	struct net_arg a = { .family = variant->family,
			     .res = shared_results() };
	char dir[256], needle[128];
	struct ll_audit_records r;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "net", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(tcp_denials, &a, &status);
	ASSERT_LT(0, pid);
	if (a.res[0] == -1)
		LL_SKIP_ENV(return, "no IPv6 on this kernel");
	LL_SETUP(a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	ASSERT_EQ(0, a.res[4]);
	ASSERT_EQ(EACCES, a.res[5]);
	read_to_marker(_metadata, &self->st, dir, &r);
	snprintf(needle, sizeof(needle),
		 " blockers=net.bind_tcp saddr=%s src=%d", variant->addr,
		 BIND_DENIED);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	snprintf(needle, sizeof(needle),
		 " blockers=net.connect_tcp daddr=%s dest=%d", variant->addr,
		 CONNECT_DENIED);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	ASSERT_EQ(2, records_of(&r, pid))
	dump(_metadata, &r);
}

/*
 * UDP denials (ABI 10): bind → net.bind_udp with saddr/src; connect and
 * sendto of an unbound socket → net.connect_send_udp with daddr/dest; a
 * connect to an allowed port that must autobind without BIND_UDP for port
 * 0 → net.bind_udp with no address (none was named).  Allowed ports are
 * not logged.
 */
enum {
	UDP_BIND_OK = 40201,
	UDP_BIND_DENIED,
	UDP_CONNECT_OK,
	UDP_CONNECT_DENIED,
	UDP_SEND_DENIED
};

static int udp_sendto(int family, uint16_t port)
{
	struct ll_addr to = ll_loopback(family, port);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return errno;
	err = ll_errno_of(sendto(fd, "x", 1, 0, &to.u.sa, to.len) < 0 ? -1 : 0);
	close(fd);
	return err;
}

/* res[0] setup (-1: no such family); then the calls below in order. */
static void udp_denials(void *p)
{
	struct net_arg *a = p;
	int fd;

	a->res[0] = ll_enter_netns();
	if (a->res[0])
		return;
	fd = ll_loopback_socket(a->family, SOCK_DGRAM, 0, UDP_CONNECT_OK);
	if (fd < 0) {
		a->res[0] = fd == -EAFNOSUPPORT ? -1 : -fd;
		return;
	}
	a->res[1] = ll_enforce_net(
		LANDLOCK_ACCESS_NET_BIND_UDP |
			LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
		PORTS(PORT(UDP_BIND_OK, LANDLOCK_ACCESS_NET_BIND_UDP),
		      PORT(UDP_CONNECT_OK,
			   LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP)));
	a->res[2] = ll_try_bind(a->family, SOCK_DGRAM, 0, UDP_BIND_OK);
	a->res[3] = ll_try_bind(a->family, SOCK_DGRAM, 0, UDP_BIND_DENIED);
	a->res[4] =
		ll_try_connect(a->family, SOCK_DGRAM, 0, UDP_CONNECT_DENIED);
	a->res[5] = udp_sendto(a->family, UDP_SEND_DENIED);
	/* Allowed destination, but the implicit bind of port 0 is not. */
	a->res[6] = ll_try_connect(a->family, SOCK_DGRAM, 0, UDP_CONNECT_OK);
}

LL_TEST_F(audit_net, udp_denials_log_net_blocker_address_and_port,
	  .needs = LL_B_NET_UDP,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct net_arg a = { .family = variant->family,
			     .res = shared_results() };
	char dir[256], needle[128];
	struct ll_audit_records r;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "udp", dir, sizeof(dir));
	LL_AUDIT_START(&self->st);
	pid = ll_fork_wait(udp_denials, &a, &status);
	ASSERT_LT(0, pid);
	if (a.res[0] == -1)
		LL_SKIP_ENV(return, "no IPv6 on this kernel");
	LL_SETUP(a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	ASSERT_EQ(EACCES, a.res[5]);
	ASSERT_EQ(EACCES, a.res[6]);
	read_to_marker(_metadata, &self->st, dir, &r);
	snprintf(needle, sizeof(needle),
		 " blockers=net.bind_udp saddr=%s src=%d", variant->addr,
		 UDP_BIND_DENIED);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	snprintf(needle, sizeof(needle),
		 " blockers=net.connect_send_udp daddr=%s dest=%d",
		 variant->addr, UDP_CONNECT_DENIED);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	snprintf(needle, sizeof(needle),
		 " blockers=net.connect_send_udp daddr=%s dest=%d",
		 variant->addr, UDP_SEND_DENIED);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, needle, NULL, NULL))
	{
		TH_LOG("no record with \"%s\"", needle);
		dump(_metadata, &r);
	}
	/* The autobind's record ends with its blocker: no address named. */
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				 " blockers=net.bind_udp", NULL, NULL) -
			  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
					 " blockers=net.bind_udp ", NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(4, records_of(&r, pid))
	dump(_metadata, &r);
	ll_audit_records_free(&r);
}

LL_MAIN()
