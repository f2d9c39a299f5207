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
 * arrives before the marker.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ll_harness.h"
#include "audit.h"
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

static void __attribute__((constructor)) open_read_hook(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], OPEN_READ_ARG))
		_exit(ll_try_open(argv[2], O_RDONLY));
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

/*
 * Results a forked child leaves for the test: a shared page of ints.
 * Unset slots hold -1.
 */
#define NRES 16
static int *shared_results(void)
{
	int *res = mmap(NULL, NRES * sizeof(int), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (res == MAP_FAILED)
		return NULL;
	memset(res, 0xff, NRES * sizeof(int));
	return res;
}

/* Forks fn(arg); returns the child's pid (its exit status in *status). */
static pid_t spawn(void (*fn)(void *arg), void *arg, int *status)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, status, 0) != pid)
		return -1;
	return pid;
}

/* A scratch directory with files named by the tests. */
static const char *const tree[] = { "f",   "g",	     "marker", "r",
				    "w",   "before", "after",  "a/",
				    "a/f", "bin/",   NULL };

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
		ASSERT_LT(0, spawn(enforce_with_flags_then_read, &a, &status));
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

/* A child with a default domain denied reading DIR/marker. */
static void deny_marker(void *dir)
{
	char path[512];

	if (enforce_flags(R_READ, NO_RULES, 0))
		_exit(1);
	_exit(ll_try_open(ll_path(path, sizeof(path), dir, "marker"),
			  O_RDONLY) == EACCES
		      ? 0
		      : 1);
}

/*
 * Logs the marker denial and reads every Landlock record up to it: what
 * earlier children logged is in `r`, and only that.
 */
static void read_to_marker(struct __test_metadata *_metadata,
			   struct ll_audit *self, const char *dir,
			   struct ll_audit_records *r)
{
	char marker[600];
	int status;

	ASSERT_LT(0, spawn(deny_marker, (void *)dir, &status));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(0, ll_audit_read_until(
			     self->fd, AUDIT_LANDLOCK_ACCESS,
			     path_field(marker, sizeof(marker), dir, "marker"),
			     r));
}

/* A record's lines, for the log of a failing assertion. */
static void dump(struct __test_metadata __attribute__((unused)) * _metadata,
		 const struct ll_audit_records *r)
{
	int i;

	for (i = 0; i < r->count; i++)
		printf("# record %d: %s\n", r->type[i], r->text[i]);
}

/* --- audit records ---------------------------------------------------------
 */

struct denial_arg {
	const char *dir;
	uint32_t flags;
	int *res;
};

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
	char dir[256], path[600], needle[128];
	const char *access = NULL, *domain_rec = NULL;
	struct ll_audit_records r;
	uint64_t domain;
	pid_t pid;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "records", dir, sizeof(dir));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	pid = spawn(allowed_then_denied_read, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(EACCES, a.res[2]);
	read_to_marker(_metadata, &self->st, dir, &r);

	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "f"),
				    NULL, &access))
	dump(_metadata, &r);
	ASSERT_NE(NULL, strstr(access, " blockers=fs.read_file path="))
	TH_LOG("%s", access);
	domain = record_domain(access);
	ASSERT_NE(0, domain);
	snprintf(needle, sizeof(needle),
		 " domain=%llx status=allocated mode=enforcing pid=%d uid=",
		 (unsigned long long)domain, (int)pid);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL,
				    &domain_rec))
	dump(_metadata, &r);
	ASSERT_EQ(0, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "a/f"),
				    NULL, NULL))
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
	char dir[256], path[600];
	const char *access = NULL;
	struct ll_audit_records r;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "blockers", dir, sizeof(dir));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	ASSERT_LT(0, spawn(read_write_denied, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "f"),
				    NULL, &access))
	dump(_metadata, &r);
	ASSERT_NE(NULL,
		  strstr(access, " blockers=fs.write_file,fs.read_file path="))
	TH_LOG("%s", access);
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
	char dir[256], path[600], needle[128];
	const char *read_rec = NULL, *write_rec = NULL;
	uint64_t outer, inner;
	struct ll_audit_records r;
	int status;
	pid_t pid;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "layers", dir, sizeof(dir));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	pid = spawn(two_layers, &a, &status);
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(EACCES, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "r"),
				    " blockers=fs.read_file ", &read_rec))
	dump(_metadata, &r);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "w"),
				    " blockers=fs.write_file ", &write_rec))
	dump(_metadata, &r);
	outer = record_domain(read_rec);
	inner = record_domain(write_rec);
	ASSERT_NE(0, outer);
	ASSERT_NE(0, inner);
	ASSERT_NE(outer, inner);
	/* Both domains were created by the child. */
	snprintf(needle, sizeof(needle),
		 " domain=%llx status=allocated mode=enforcing pid=%d ",
		 (unsigned long long)outer, (int)pid);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL))
	dump(_metadata, &r);
	snprintf(needle, sizeof(needle),
		 " domain=%llx status=allocated mode=enforcing pid=%d ",
		 (unsigned long long)inner, (int)pid);
	ASSERT_EQ(1,
		  ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN, needle, NULL, NULL))
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
	char dir[256], bin[512], path[600];
	struct ll_audit_records r;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "exec", dir, sizeof(dir));
	LL_SETUP(ll_copy_self(ll_path(bin, sizeof(bin), dir, "bin/prog")));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	ASSERT_LT(0, spawn(read_exec_read, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	ASSERT_EQ(-1, a.res[2])
	TH_LOG("execve: %s", strerror(a.res[2]));
	/* The re-executed program's open: its exit status. */
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(EACCES, WEXITSTATUS(status));
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(variant->logged_before_exec,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				 path_field(path, sizeof(path), dir, "before"),
				 NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(variant->logged_after_exec,
		  ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				 path_field(path, sizeof(path), dir, "after"),
				 NULL, NULL))
	dump(_metadata, &r);
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
	char dir[256], path[600];
	struct ll_audit_records r;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "subdomains", dir, sizeof(dir));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	ASSERT_LT(0, spawn(outer_muting_inner, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EACCES, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "r"),
				    NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "w"),
				    NULL, NULL))
	dump(_metadata, &r);
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
	char dir[256], path[600];
	struct ll_audit_records r;
	int status;

	ASSERT_NE(NULL, a.res);
	make_scratch(_metadata, "mute_call", dir, sizeof(dir));
	a.dir = dir;
	LL_AUDIT_START(&self->st);
	ASSERT_LT(0, spawn(muted_then_enforced, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(0, a.res[1]);
	ASSERT_EQ(EACCES, a.res[2]);
	ASSERT_EQ(0, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	read_to_marker(_metadata, &self->st, dir, &r);
	ASSERT_EQ(0, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "g"),
				    NULL, NULL))
	dump(_metadata, &r);
	ASSERT_EQ(0, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
				    path_field(path, sizeof(path), dir, "r"),
				    NULL, NULL))
	dump(_metadata, &r);
}

LL_MAIN()
