// SPDX-License-Identifier: GPL-2.0
/*
 * abi11_trace: Landlock's trace events (SPEC §8), the same decisions the
 * audit records show, seen through tracefs: ruleset creation and its
 * rules, domain creation and enforcement, and each kind of denial with
 * its domain, same_exec, logged, blockers and object
 * [7.3.4: include/trace/events/landlock.h, sl/trace.c, sl/log.c].
 *
 * The events came with 7.3 without an ABI value of their own; 7.3 is the
 * release that first reports ABI 11, so the tests need ABI 11 and skip
 * (environment) where tracefs is not mounted or the kernel was built
 * without the events.  Each test reads a private trace instance that
 * records only the test process and its children (harness/trace.h), and
 * compares whole event lines, so an extra or a missing field fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"
#include "audit_expect.h"
#include "net.h"
#include "rights.h"
#include "trace.h"
#include "tree.h"

LL_PROGRAM(LL_B_TRACE_EVENTS);

#define ROOT_WHY "a tracefs instance needs root"
#define SAME_EXEC_OFF LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF

/*
 * Re-executed as `PROGRAM --abi11-trace-open PATH`, the program opens PATH
 * for reading and exits with the errno: a denial after execve.
 */
#define OPEN_ARG "--abi11-trace-open"

static void __attribute__((constructor)) open_hook(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], OPEN_ARG))
		_exit(ll_try_open(argv[2], O_RDONLY));
}

FIXTURE(trace)
{
	struct ll_trace t;
	char *text;
};

FIXTURE_SETUP(trace)
{
	static const char *const tree[] = {
		"a/", "a/f", "a/g", "b/", "b/f", "b/g", "c/", "bin/", NULL,
	};

	self->t.dir[0] = '\0';
	self->text = NULL;
	LL_SETUP(ll_tree_make("trace", tree));
}

FIXTURE_TEARDOWN(trace)
{
	free(self->text);
	ll_trace_stop(&self->t);
}

/* The names of `mask`'s bits joined by '|', in bit order, as __print_flags. */
static const char *names(enum ll_family family, uint64_t mask, char *buf,
			 size_t size)
{
	const struct ll_bit *bit;
	size_t n = 0;

	buf[0] = '\0';
	for (bit = ll_family_bits(family); bit->name; bit++)
		if (mask & bit->value)
			n += snprintf(buf + n, size - n, "%s%s", n ? "|" : "",
				      bit->name);
	return buf;
}

/* " dev=MAJ:MIN ino=N path=PATH" of a file, as the events print it. */
static const char *object(const char *path, char *buf, size_t size)
{
	struct stat st;

	if (stat(path, &st))
		snprintf(buf, size, "(stat %s: %s)", path, strerror(errno));
	else
		snprintf(buf, size, "dev=%u:%u ino=%lu path=%s",
			 major(st.st_dev), minor(st.st_dev),
			 (unsigned long)st.st_ino, path);
	return buf;
}

/* The trace as diagnostic lines (KTAP: each starts with "# "). */
static void dump_trace(const char *text)
{
	const char *end;

	for (; *text; text = *end ? end + 1 : end) {
		end = strchrnul(text, '\n');
		if (text[0] != '#')
			printf("# trace: %.*s\n", (int)(end - text), text);
	}
}

/* The n-th `event` line (its fields), asserted to exist. */
#define LINE(event, n, buf)                                                  \
	do {                                                                 \
		ASSERT_LT((n), ll_trace_line(self->text, (event), NULL, (n), \
					     (buf), sizeof(buf)))            \
		{                                                            \
			TH_LOG("no %s event #%d", (event), (n));             \
			dump_trace(self->text);                              \
		}                                                            \
	} while (0)

/* One `event` line equal to `want` (all its fields). */
#define EXPECT_LINE(event, want)                                            \
	do {                                                                \
		char _line[600];                                            \
		int _i, _n = ll_trace_count(self->text, (event), NULL),     \
			_found = 0;                                         \
		for (_i = 0; _i < _n; _i++) {                               \
			ll_trace_line(self->text, (event), NULL, _i, _line, \
				      sizeof(_line));                       \
			_found += !strcmp(_line, (want));                   \
		}                                                           \
		ASSERT_EQ(1, _found)                                        \
		{                                                           \
			TH_LOG("want one \"%s: %s\"", (event), (want));     \
			dump_trace(self->text);                             \
		}                                                           \
	} while (0)

static void read_trace(struct __test_metadata *_metadata,
		       FIXTURE_DATA(trace) * self)
{
	self->text = ll_trace_read(&self->t);
	ASSERT_NE(NULL, self->text);
}

/* --- rulesets ----------------------------------------------------------- */

/*
 * create_ruleset: the new ruleset's id, version 0 and handled rights; a
 * failed call emits nothing.  free_ruleset when its fd is closed.
 */
LL_TEST_F(trace, create_and_free_ruleset_events, .root = ROOT_WHY)
{
	const struct landlock_ruleset_attr first = {
		.handled_access_fs = R_READ | R_WRITE,
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		.scoped = LANDLOCK_SCOPE_SIGNAL,
	};
	const struct landlock_ruleset_attr second = {
		.handled_access_fs = R_READ,
	};
	const struct landlock_ruleset_attr bad = {
		.handled_access_fs = 1ULL << 63,
	};
	char line[600], id1[40], id2[40], want[600], fs[200], net[100],
		scope[100];
	int fd1, fd2;

	LL_TRACE_START(&self->t);
	fd1 = ll_create_ruleset(&first, sizeof(first), 0);
	ASSERT_LE(0, fd1);
	ASSERT_EQ(-1, ll_create_ruleset(&bad, sizeof(bad), 0));
	ASSERT_EQ(EINVAL, errno);
	fd2 = ll_create_ruleset(&second, sizeof(second), 0);
	ASSERT_LE(0, fd2);
	close(fd1);
	close(fd2);
	read_trace(_metadata, self);

	ASSERT_EQ(2,
		  ll_trace_count(self->text, "landlock_create_ruleset", NULL))
	dump_trace(self->text);
	LINE("landlock_create_ruleset", 0, line);
	ll_trace_field(line, "ruleset", id1, sizeof(id1));
	snprintf(want, sizeof(want),
		 "ruleset=%s handled_fs=%s handled_net=%s scoped=%s", id1,
		 names(LL_FS_ACCESS, first.handled_access_fs, fs, sizeof(fs)),
		 names(LL_NET_ACCESS, first.handled_access_net, net,
		       sizeof(net)),
		 names(LL_SCOPE, first.scoped, scope, sizeof(scope)));
	/* The kernel's spelling, in bit order. */
	ASSERT_STREQ("write_file|read_file", fs);
	ASSERT_STREQ(want, line);
	LINE("landlock_create_ruleset", 1, line);
	ll_trace_field(line, "ruleset", id2, sizeof(id2));
	snprintf(want, sizeof(want),
		 "ruleset=%s handled_fs=read_file handled_net= scoped=", id2);
	ASSERT_STREQ(want, line);
	/* Version 0 (no rule yet), distinct ids. */
	ASSERT_EQ(0, strcmp(".0", strchrnul(id1, '.')));
	ASSERT_EQ(0, strcmp(".0", strchrnul(id2, '.')));
	ASSERT_STRNE(id1, id2);
	/* Both freed once their only fd was closed. */
	snprintf(want, sizeof(want), "ruleset=%s", id1);
	EXPECT_LINE("landlock_free_ruleset", want);
	snprintf(want, sizeof(want), "ruleset=%s", id2);
	EXPECT_LINE("landlock_free_ruleset", want);
	ASSERT_EQ(2, ll_trace_count(self->text, "landlock_free_ruleset", NULL));
}

/*
 * add_rule: the ruleset's id and version after the rule (one more per
 * successful call, extending an existing rule included), the rights of
 * this call, and the object (dev, ino, absolute path; or the port).  A
 * rejected rule emits nothing.  Every right is handled, so no unhandled
 * right is added to the rule's mask.
 */
LL_TEST_F(trace, add_rule_events_name_version_rights_and_object,
	  .root = ROOT_WHY)
{
	const int abi = ll_abi_now();
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = ll_mask(LL_FS_ACCESS, abi),
		.handled_access_net = ll_mask(LL_NET_ACCESS, abi),
	};
	struct landlock_path_beneath_attr path = {
		.allowed_access = R_READ | R_READ_DIR,
	};
	const struct landlock_net_port_attr port = {
		.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
		.port = 4500,
	};
	char line[600], id[40], base[40], obj[400], want[800];
	int fd;

	LL_TRACE_START(&self->t);
	fd = ll_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, fd);
	path.parent_fd = open(ll_at("a"), O_PATH | O_CLOEXEC);
	ASSERT_LE(0, path.parent_fd);
	ASSERT_EQ(0, ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &path, 0));
	ASSERT_EQ(0, ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &port, 0));
	path.allowed_access = 1ULL << 62;
	ASSERT_EQ(-1, ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &path, 0));
	ASSERT_EQ(EINVAL, errno);
	path.allowed_access = R_WRITE;
	ASSERT_EQ(0, ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &path, 0));
	close(path.parent_fd);
	close(fd);
	read_trace(_metadata, self);

	LINE("landlock_create_ruleset", 0, line);
	ll_trace_field(line, "ruleset", id, sizeof(id));
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(id, "."), id);
	object(ll_at("a"), obj, sizeof(obj));
	ASSERT_EQ(2, ll_trace_count(self->text,
				    "landlock_add_rule_path_beneath", NULL))
	dump_trace(self->text);
	snprintf(want, sizeof(want),
		 "ruleset=%s.1 access_rights=read_file|read_dir %s", base, obj);
	EXPECT_LINE("landlock_add_rule_path_beneath", want);
	snprintf(want, sizeof(want), "ruleset=%s.3 access_rights=write_file %s",
		 base, obj);
	EXPECT_LINE("landlock_add_rule_path_beneath", want);
	snprintf(want, sizeof(want),
		 "ruleset=%s.2 access_rights=bind_tcp port=4500", base);
	EXPECT_LINE("landlock_add_rule_net_port", want);
	ASSERT_EQ(1, ll_trace_count(self->text, "landlock_add_rule_net_port",
				    NULL));
}

/* --- domains ------------------------------------------------------------ */

static void two_domains(void *p)
{
	int *res = p;
	const struct landlock_ruleset_attr read = { .handled_access_fs =
							    R_READ };
	const struct landlock_ruleset_attr write = { .handled_access_fs =
							     R_WRITE };
	struct landlock_path_beneath_attr rule = { .allowed_access = R_READ };
	int r1 = ll_create_ruleset(&read, sizeof(read), 0);
	int r2 = ll_create_ruleset(&write, sizeof(write), 0);

	rule.parent_fd = open(ll_at("a"), O_PATH | O_CLOEXEC);
	res[0] = ll_errno_of(
			 ll_add_rule(r1, LANDLOCK_RULE_PATH_BENEATH, &rule, 0))
			 ?: ll_errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	res[1] = ll_errno_of(ll_restrict_self(r1, 0));
	res[2] = ll_errno_of(ll_restrict_self(r2, 0));
	/* The flags-only call creates no domain; a bad call nothing. */
	res[3] = ll_errno_of(ll_restrict_self(
		-1, LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF));
	res[4] = ll_errno_of(ll_restrict_self(-1, 0));
}

/*
 * restrict_self: create_domain (the new domain, its parent, the ruleset
 * and version it was made from) and enforce_domain (complete, the whole
 * single-threaded process, no_new_privs set), once per domain.
 */
LL_TEST_F(trace, restrict_self_events_create_and_enforce_each_domain,
	  .root = ROOT_WHY)
{
	int *res = ll_shared_ints(8), status;
	char line[600], r1[40], r2[40], d1[40], d2[40], want[600];

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(two_domains, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(0, res[2]);
	ASSERT_EQ(0, res[3]);
	ASSERT_EQ(EBADF, res[4]);
	read_trace(_metadata, self);

	LINE("landlock_create_ruleset", 0, line);
	ll_trace_field(line, "ruleset", r1, sizeof(r1));
	LINE("landlock_create_ruleset", 1, line);
	ll_trace_field(line, "ruleset", r2, sizeof(r2));
	ASSERT_EQ(2, ll_trace_count(self->text, "landlock_create_domain", NULL))
	dump_trace(self->text);
	LINE("landlock_create_domain", 0, line);
	ll_trace_field(line, "domain", d1, sizeof(d1));
	snprintf(want, sizeof(want), "domain=%s parent=0 ruleset=%.*s.1", d1,
		 (int)strcspn(r1, "."), r1);
	ASSERT_STREQ(want, line);
	LINE("landlock_create_domain", 1, line);
	ll_trace_field(line, "domain", d2, sizeof(d2));
	snprintf(want, sizeof(want), "domain=%s parent=%s ruleset=%s", d2, d1,
		 r2);
	ASSERT_STREQ(want, line);
	ASSERT_STRNE(d1, d2);
	ASSERT_STRNE("0", d1);
	ASSERT_EQ(2,
		  ll_trace_count(self->text, "landlock_enforce_domain", NULL));
	snprintf(want, sizeof(want),
		 "domain=%s complete=1 process_wide=1 no_new_privs=1", d1);
	EXPECT_LINE("landlock_enforce_domain", want);
	snprintf(want, sizeof(want),
		 "domain=%s complete=1 process_wide=1 no_new_privs=1", d2);
	EXPECT_LINE("landlock_enforce_domain", want);
}

/* --- denials -------------------------------------------------------------- */

/* Enforces a layer (quiet masks and QUIET rules optional); 0 or errno. */
struct layer {
	uint64_t fs, net, scoped, qfs;
	const char *quiet_rule; /* T-relative, a QUIET rule granting nothing */
	const char *rule; /* T-relative, granting `rule_access` */
	uint64_t rule_access;
	uint16_t port; /* a port rule granting BIND_TCP */
	uint32_t flags; /* restrict_self flags */
};

static int enforce(const struct layer *l)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = l->fs,
		.handled_access_net = l->net,
		.scoped = l->scoped,
		.quiet_access_fs = l->qfs,
	};
	struct landlock_path_beneath_attr path = { 0 };
	struct landlock_net_port_attr port = {
		.allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP,
		.port = l->port,
	};
	int fd = ll_create_ruleset(&attr, sizeof(attr), 0), err = 0;

	if (fd < 0)
		return errno;
	if (l->rule) {
		path.allowed_access = l->rule_access;
		path.parent_fd = open(ll_at("%s", l->rule), O_PATH | O_CLOEXEC);
		err = ll_errno_of(
			ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &path, 0));
		close(path.parent_fd);
	}
	if (!err && l->quiet_rule) {
		path.allowed_access = 0;
		path.parent_fd =
			open(ll_at("%s", l->quiet_rule), O_PATH | O_CLOEXEC);
		err = ll_errno_of(ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH,
					      &path, LANDLOCK_ADD_RULE_QUIET));
		close(path.parent_fd);
	}
	if (!err && l->port)
		err = ll_errno_of(
			ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &port, 0));
	if (!err)
		err = ll_errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
			      ?: ll_errno_of(ll_restrict_self(fd, l->flags));
	close(fd);
	return err;
}

static void fs_denials(void *p)
{
	const struct layer first = {
		.fs = R_READ | R_WRITE,
		.rule = "a",
		.rule_access = R_READ,
	};
	const struct layer second = { .fs = R_WRITE, .flags = SAME_EXEC_OFF };
	int *res = p;

	res[0] = ll_errno_of(unshare(CLONE_NEWNS))
			 ?: ll_errno_of(mount(NULL, "/", NULL,
					      MS_REC | MS_PRIVATE, NULL));
	if (res[0])
		return;
	res[1] = enforce(&first);
	res[2] = ll_try_open(ll_at("a/f"), O_RDONLY);
	res[3] = ll_try_open(ll_at("b/f"), O_RDONLY);
	res[4] = ll_try_open(ll_at("b/g"), O_RDWR);
	res[5] = ll_errno_of(mount("tmpfs", ll_at("c"), "tmpfs", 0, NULL));
	res[6] = enforce(&second);
	res[7] = ll_try_open(ll_at("a/g"), O_WRONLY);
}

/* The id of the n-th domain created. */
static const char *domain_id(struct __test_metadata *_metadata,
			     FIXTURE_DATA(trace) * self, int n, char *id,
			     size_t size)
{
	char line[600];

	id[0] = '\0';
	LINE("landlock_create_domain", n, line);
	return ll_trace_field(line, "domain", id, size);
}

/*
 * Filesystem denials: the domain that denied, same_exec, logged (0 under
 * LOG_SAME_EXEC_OFF: the event fires anyway), the missing rights in bit
 * order (or change_topology for a mount), and the object.  The allowed
 * read is not traced.
 */
LL_TEST_F(trace, fs_denial_events_name_domain_logged_blockers_and_object,
	  .root = ROOT_WHY)
{
	int *res = ll_shared_ints(8), status;
	char d1[40], d2[40], obj[400], want[800];

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(fs_denials, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(0, res[2]);
	ASSERT_EQ(EACCES, res[3]);
	ASSERT_EQ(EACCES, res[4]);
	ASSERT_EQ(EPERM, res[5]);
	ASSERT_EQ(0, res[6]);
	ASSERT_EQ(EACCES, res[7]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d1, sizeof(d1));
	domain_id(_metadata, self, 1, d2, sizeof(d2));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=read_file %s", d1,
		 object(ll_at("b/f"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=write_file|read_file "
		 "%s",
		 d1, object(ll_at("b/g"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=change_topology %s",
		 d1, object(ll_at("c"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	/* Both layers deny the write: the younger one is named. */
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=0 blockers=write_file %s", d2,
		 object(ll_at("a/g"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	ASSERT_EQ(4,
		  ll_trace_count(self->text, "landlock_deny_access_fs", NULL))
	dump_trace(self->text);
}

/*
 * The other kinds of filesystem objects a denial names (sl/trace.c selects
 * the path by the audit data's type): an open file (ftruncate), an ioctl's
 * file, a mount's root dentry (umount, rendered within its filesystem), and
 * a path or a dentry too long to render (more than PATH_MAX: "<too_long>").
 *
 *	T/c		a tmpfs
 *	T/b		a tmpfs holding D = DEEP_LEVELS directories of
 *			DEEP_NAME bytes each, and D/f
 *	T/bin		a bind mount of D
 *
 * All of it in the child's own mount namespace, gone with it.
 */
#define DEEP_LEVELS 17
#define DEEP_NAME 250

/* res[]: what the child did, then dev major, minor and ino of 3 objects. */
enum {
	OBJ_C_ROOT = 10,
	OBJ_DEEP_F = 13,
	OBJ_DEEP_DIR = 16,
	OBJ_RES_COUNT = 19,
};

static void store_object(int *res, int at, int fd)
{
	struct stat st;

	if (fstat(fd, &st))
		return;
	res[at] = (int)major(st.st_dev);
	res[at + 1] = (int)minor(st.st_dev);
	res[at + 2] = (int)st.st_ino;
}

/* Makes D under `dir` and D/f; D's O_PATH fd or -1 (errno). */
static int make_deep_dir(const char *dir, int *res)
{
	char name[DEEP_NAME + 1];
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC), next, f, i;

	memset(name, 'd', DEEP_NAME);
	name[DEEP_NAME] = '\0';
	for (i = 0; fd >= 0 && i < DEEP_LEVELS; i++) {
		next = mkdirat(fd, name, 0700)
			       ? -1
			       : openat(fd, name,
					O_PATH | O_DIRECTORY | O_CLOEXEC);
		close(fd);
		fd = next;
	}
	if (fd < 0)
		return -1;
	f = openat(fd, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (f < 0) {
		close(fd);
		return -1;
	}
	store_object(res, OBJ_DEEP_F, f);
	close(f);
	store_object(res, OBJ_DEEP_DIR, fd);
	return fd;
}

static void object_kinds_denials(void *p)
{
	const struct layer layer = {
		.fs = R_WRITE | R_TRUNCATE | R_IOCTL_DEV,
		.rule = "a",
		.rule_access = R_WRITE,
	};
	char fdpath[64];
	int *res = p, deep, c, fd, count;

	res[0] = ll_errno_of(unshare(CLONE_NEWNS))
			 ?: ll_errno_of(mount(NULL, "/", NULL,
					      MS_REC | MS_PRIVATE, NULL))
			 ?: ll_errno_of(mount("tmpfs", ll_at("c"), "tmpfs", 0,
					      NULL))
			 ?: ll_errno_of(mount("tmpfs", ll_at("b"), "tmpfs", 0,
					      NULL));
	if (res[0])
		return;
	c = open(ll_at("c"), O_PATH | O_CLOEXEC);
	deep = make_deep_dir(ll_at("b"), res);
	if (c < 0 || deep < 0) {
		res[0] = errno;
		return;
	}
	store_object(res, OBJ_C_ROOT, c);
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", deep);
	res[0] = ll_errno_of(mount(fdpath, ll_at("bin"), NULL, MS_BIND, NULL));
	if (res[0])
		return;
	res[1] = enforce(&layer);
	/* ftruncate: the open file (LSM_AUDIT_DATA_FILE). */
	fd = open(ll_at("a/f"), O_WRONLY | O_CLOEXEC);
	res[2] = fd < 0 ? errno : ll_errno_of(ftruncate(fd, 0));
	if (fd >= 0)
		close(fd);
	/* ioctl: the device's file (LSM_AUDIT_DATA_IOCTL_OP). */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	res[3] = fd < 0 ? errno : ll_errno_of(ioctl(fd, FIONREAD, &count));
	if (fd >= 0)
		close(fd);
	/* umount: the mount's root dentry (LSM_AUDIT_DATA_DENTRY). */
	res[4] = ll_errno_of(umount(ll_at("c")));
	/* A path longer than PATH_MAX, then a dentry. */
	res[5] = ll_try_openat(deep, "f", O_WRONLY);
	res[6] = ll_errno_of(umount(ll_at("bin")));
}

/*
 * Each object kind names its file: dev and ino of the inode, the path from
 * the root (a mount root's dentry: within its filesystem), "<too_long>"
 * past PATH_MAX.
 */
LL_TEST_F(trace, fs_denial_events_name_files_ioctls_dentries_and_long_paths,
	  .root = ROOT_WHY)
{
	static const struct {
		const char *blocker;
		int object; /* OBJ_*, or 0: `path` */
		const char *path;
	} want_lines[] = {
		{ "truncate", 0, "a/f" },
		{ "ioctl_dev", 0, "/dev/null" },
		{ "change_topology", OBJ_C_ROOT, "/" },
		{ "write_file", OBJ_DEEP_F, "<too_long>" },
		{ "change_topology", OBJ_DEEP_DIR, "<too_long>" },
	};
	int *res = ll_shared_ints(OBJ_RES_COUNT), status;
	char d[40], obj[400], want[800];
	size_t i;

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(object_kinds_denials, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(EACCES, res[2]);
	ASSERT_EQ(EACCES, res[3]);
	ASSERT_EQ(EPERM, res[4]);
	ASSERT_EQ(EACCES, res[5]);
	ASSERT_EQ(EPERM, res[6]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d, sizeof(d));
	for (i = 0; i < sizeof(want_lines) / sizeof(want_lines[0]); i++) {
		const int o = want_lines[i].object;

		if (!o)
			object(want_lines[i].path[0] == '/'
				       ? want_lines[i].path
				       : ll_at("%s", want_lines[i].path),
			       obj, sizeof(obj));
		else
			snprintf(obj, sizeof(obj), "dev=%u:%u ino=%u path=%s",
				 res[o], res[o + 1], res[o + 2],
				 want_lines[i].path);
		snprintf(want, sizeof(want),
			 "domain=%s same_exec=1 logged=1 blockers=%s %s", d,
			 want_lines[i].blocker, obj);
		EXPECT_LINE("landlock_deny_access_fs", want);
	}
	ASSERT_EQ(5,
		  ll_trace_count(self->text, "landlock_deny_access_fs", NULL))
	dump_trace(self->text);
}

static void quiet_denials(void *p)
{
	const struct layer quiet = {
		.fs = R_READ,
		.qfs = R_READ,
		.quiet_rule = "a",
	};
	int *res = p;

	res[0] = enforce(&quiet);
	res[1] = ll_try_open(ll_at("a/f"), O_RDONLY);
	res[2] = ll_try_open(ll_at("b/f"), O_RDONLY);
}

/* A quiet denial is traced, with logged=0; its neighbour with logged=1. */
LL_TEST_F(trace, quiet_denial_is_traced_with_logged_0, .root = ROOT_WHY)
{
	int *res = ll_shared_ints(4), status;
	char d[40], obj[400], want[800];

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(quiet_denials, res, &status));
	ASSERT_EQ(0, res[0]);
	ASSERT_EQ(EACCES, res[1]);
	ASSERT_EQ(EACCES, res[2]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d, sizeof(d));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=0 blockers=read_file %s", d,
		 object(ll_at("a/f"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=read_file %s", d,
		 object(ll_at("b/f"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
}

static void read_after_execve(void *p)
{
	const struct layer layer = {
		.fs = R_READ | R_EXECUTE,
		.rule = "bin",
		.rule_access = R_READ | R_EXECUTE,
	};
	char bin[PATH_MAX], path[PATH_MAX];
	char *argv[] = { bin, OPEN_ARG, path, NULL };
	int *res = p;

	snprintf(bin, sizeof(bin), "%s", ll_at("bin/prog"));
	snprintf(path, sizeof(path), "%s", ll_at("b/f"));
	res[0] = enforce(&layer);
	fflush(NULL);
	execve(bin, argv, environ);
	res[1] = errno;
	_exit(255);
}

/* After execve: same_exec=0, and by default not logged (logged=0). */
LL_TEST_F(trace, denial_after_execve_is_traced_with_same_exec_0,
	  .root = ROOT_WHY)
{
	int *res = ll_shared_ints(4), status;
	char d[40], obj[400], want[800];

	ASSERT_NE(NULL, res);
	LL_SETUP(ll_copy_self(ll_at("bin/prog")));
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(read_after_execve, res, &status));
	ASSERT_EQ(0, res[0]);
	ASSERT_EQ(-1, res[1])
	TH_LOG("execve: %s", strerror(res[1]));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(EACCES, WEXITSTATUS(status));
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d, sizeof(d));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=0 logged=0 blockers=read_file %s", d,
		 object(ll_at("b/f"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	ASSERT_EQ(1,
		  ll_trace_count(self->text, "landlock_deny_access_fs", NULL));
}

static void net_denials(void *p)
{
	const int abi = ll_abi_now();
	const struct layer layer = {
		.net = ll_mask(LL_NET_ACCESS, abi),
		.port = 4500,
	};
	int *res = p;

	res[0] = ll_enter_netns();
	if (res[0])
		return;
	res[1] = enforce(&layer);
	res[2] = ll_try_bind(AF_INET, SOCK_STREAM, 0, 4500);
	res[3] = ll_try_bind(AF_INET, SOCK_STREAM, 0, 4501);
	res[4] = ll_try_connect(AF_INET6, SOCK_STREAM, 0, 4502);
	res[5] = ll_try_connect(AF_INET, SOCK_DGRAM, 0, 4503);
}

/* Network denials: the missing right and the port the call named. */
LL_TEST_F(trace, net_denial_events_name_blocker_and_port, .root = ROOT_WHY)
{
	int *res = ll_shared_ints(8), status;
	char d[40], want[300];

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(net_denials, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(0, res[2]);
	ASSERT_EQ(EACCES, res[3]);
	if (res[4] == -EAFNOSUPPORT)
		LL_SKIP_ENV(return, "no IPv6 on this kernel");
	ASSERT_EQ(EACCES, res[4]);
	ASSERT_EQ(EACCES, res[5]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d, sizeof(d));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=bind_tcp port=4501",
		 d);
	EXPECT_LINE("landlock_deny_access_net", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=connect_tcp "
		 "port=4502",
		 d);
	EXPECT_LINE("landlock_deny_access_net", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=connect_send_udp "
		 "port=4503",
		 d);
	EXPECT_LINE("landlock_deny_access_net", want);
	ASSERT_EQ(3,
		  ll_trace_count(self->text, "landlock_deny_access_net", NULL))
	dump_trace(self->text);
}

/* The test's abstract listener: "\0llconform-trace-<test pid>". */
static socklen_t abstract_name(struct sockaddr_un *addr, pid_t test)
{
	int len;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	len = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		       "llconform-trace-%d", (int)test);
	return offsetof(struct sockaddr_un, sun_path) + 1 + len;
}

struct other_arg {
	pid_t test;
	int *res; /* [5]: the unsandboxed tracee */
};

static void other_party_denials(void *p)
{
	const struct layer layer = {
		.fs = R_READ,
		.scoped = LANDLOCK_SCOPE_SIGNAL |
			  LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET,
	};
	struct other_arg *a = p;
	struct sockaddr_un addr;
	socklen_t len = abstract_name(&addr, a->test);
	int go[2], fd;
	pid_t tracee;
	char c;

	if (pipe2(go, O_CLOEXEC)) {
		a->res[0] = errno;
		return;
	}
	tracee = fork();
	if (tracee == 0) {
		close(go[1]);
		_exit(read(go[0], &c, 1) < 0);
	}
	a->res[5] = tracee;
	a->res[0] = tracee < 0 ? errno : enforce(&layer);
	if (!a->res[0]) {
		a->res[1] = ll_errno_of(kill(a->test, 0));
		a->res[2] = ll_errno_of(kill(getpid(), 0));
		a->res[3] = ll_errno_of(ptrace(PTRACE_ATTACH, tracee, 0, 0));
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		a->res[4] =
			fd < 0 ? -errno
			       : ll_errno_of(connect(
					 fd, (struct sockaddr *)&addr, len));
	}
	close(go[1]);
	if (tracee > 0)
		waitpid(tracee, NULL, 0);
}

/*
 * Scope and ptrace denials name the other party: its domain (0: none),
 * pid and command; for the abstract socket, the listener's pid.  A
 * signal to itself is allowed and not traced.
 */
LL_TEST_F(trace, scope_and_ptrace_denial_events_name_the_other_party,
	  .root = ROOT_WHY)
{
	struct other_arg a = { .test = getpid(), .res = ll_shared_ints(8) };
	char d[40], comm[16] = "", want[300], line[600];
	struct sockaddr_un addr;
	int status, listener, yama = 0;

	ASSERT_NE(NULL, a.res);
	yama = ll_yama_ptrace_scope();
	if (yama >= 3)
		LL_SKIP_ENV(return, "Yama ptrace_scope %d forbids ptrace",
				  yama);
	LL_SETUP(prctl(PR_GET_NAME, comm, 0, 0, 0) ? errno : 0);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	LL_SETUP(listener < 0 ? errno : 0);
	LL_SETUP(ll_errno_of(bind(listener, (struct sockaddr *)&addr,
				  abstract_name(&addr, a.test))));
	LL_SETUP(ll_errno_of(listen(listener, 4)));
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(other_party_denials, &a, &status));
	/* The child's domain (after its pipe and fork): an assertion. */
	ASSERT_EQ(0, a.res[0]);
	ASSERT_EQ(EPERM, a.res[1]);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EPERM, a.res[3]);
	ASSERT_EQ(EPERM, a.res[4]);
	read_trace(_metadata, self);
	close(listener);

	domain_id(_metadata, self, 0, d, sizeof(d));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 target_domain=0 "
		 "target_pid=%d target_comm=%s",
		 d, (int)a.test, comm);
	EXPECT_LINE("landlock_deny_scope_signal", want);
	ASSERT_EQ(1, ll_trace_count(self->text, "landlock_deny_scope_signal",
				    NULL));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 tracee_domain=0 "
		 "tracee_pid=%d tracee_comm=%s",
		 d, a.res[5], comm);
	EXPECT_LINE("landlock_deny_ptrace", want);
	/* The name is escaped (its leading NUL): checked up to it. */
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 peer_domain=0 peer_pid=%d "
		 "sun_path=",
		 d, (int)a.test);
	LINE("landlock_deny_scope_abstract_unix_socket", 0, line);
	ASSERT_EQ(0, strncmp(want, line, strlen(want)))
	TH_LOG("want \"%s...\", got \"%s\"", want, line);
	ASSERT_NE(NULL, strstr(line, "llconform-trace-"))
	TH_LOG("%s", line);
}

static void sigio_owner(void *p)
{
	const struct layer layer = { .scoped = LANDLOCK_SCOPE_SIGNAL };
	struct other_arg *a = p;
	int fds[2];

	a->res[0] = enforce(&layer);
	if (a->res[0])
		return;
	/* The owner's domain is recorded now; the signal goes on write. */
	a->res[1] = pipe2(fds, O_CLOEXEC) || fcntl(fds[0], F_SETSIG, SIGURG) ||
				    fcntl(fds[0], F_SETOWN, a->test) ||
				    fcntl(fds[0], F_SETFL, O_ASYNC) ||
				    write(fds[1], ".", 1) != 1
			    ? errno
			    : 0;
}

/*
 * SIGURG through F_SETOWN, from a SCOPE_SIGNAL domain to the unsandboxed
 * test process: not delivered, and traced as a scope.signal denial naming
 * the recipient (the domain is the F_SETOWN caller's).
 */
LL_TEST_F(trace, fown_signal_denial_is_traced_with_its_recipient,
	  .root = ROOT_WHY)
{
	struct other_arg a = { .test = getpid(), .res = ll_shared_ints(4) };
	char d[40], comm[16] = "", want[300], line[600];
	sigset_t urg, pending;
	int status, n, i;

	ASSERT_NE(NULL, a.res);
	LL_SETUP(prctl(PR_GET_NAME, comm, 0, 0, 0) ? errno : 0);
	sigemptyset(&urg);
	sigaddset(&urg, SIGURG);
	LL_SETUP(sigprocmask(SIG_BLOCK, &urg, NULL) ? errno : 0);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(sigio_owner, &a, &status));
	ASSERT_EQ(0, a.res[0]);
	LL_SETUP(a.res[1]);
	ASSERT_EQ(0, sigpending(&pending));
	ASSERT_FALSE(sigismember(&pending, SIGURG));
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d, sizeof(d));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 target_domain=0 "
		 "target_pid=%d target_comm=%s",
		 d, (int)a.test, comm);
	/*
	 * One event per attempt to signal: how many the pipe makes is the
	 * pipe's business; each must be this one.
	 */
	n = ll_trace_count(self->text, "landlock_deny_scope_signal", NULL);
	for (i = 0; i < n; i++) {
		ll_trace_line(self->text, "landlock_deny_scope_signal", NULL, i,
			      line, sizeof(line));
		ASSERT_STREQ(want, line);
	}
	ASSERT_LE(1, n)
	dump_trace(self->text);
}

/* --- rule checks, log flags, threads, deallocation --------------------- */

static void checked_rules(void *p)
{
	const struct layer first = {
		.fs = R_READ | R_WRITE,
		.rule = "a",
		.rule_access = R_READ | R_WRITE,
	};
	const struct layer second = {
		.fs = R_READ,
		.net = LANDLOCK_ACCESS_NET_BIND_TCP,
		.rule = "a",
		.rule_access = R_READ,
		.port = 4500,
	};
	int *res = p;

	res[0] = ll_enter_netns();
	if (res[0])
		return;
	res[1] = enforce(&first);
	res[2] = enforce(&second);
	res[3] = ll_try_open(ll_at("a/f"), O_RDONLY);
	res[4] = ll_try_open(ll_at("a/g"), O_WRONLY);
	/* Handled by no layer: no rule is checked. */
	res[5] = ll_errno_of(mkdir(ll_at("a/d"), 0700));
	res[6] = ll_try_bind(AF_INET, SOCK_STREAM, 0, 4500);
}

/*
 * check_rule: one event per rule met on the walk, with the request and
 * what the rule grants at each layer of the domain ({layer 1,layer 2});
 * none for an access no layer handles.
 */
LL_TEST_F(trace, check_rule_events_show_each_layers_grants, .root = ROOT_WHY)
{
	int *res = ll_shared_ints(8), status;
	char d2[40], obj[400], want[800];
	struct stat st;

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(checked_rules, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(0, res[2]);
	ASSERT_EQ(0, res[3]);
	ASSERT_EQ(0, res[4]);
	ASSERT_EQ(0, res[5]);
	ASSERT_EQ(0, res[6]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 1, d2, sizeof(d2));
	ASSERT_EQ(0, stat(ll_at("a"), &st));
	object(ll_at("a"), obj, sizeof(obj));
	/* "dev=... ino=..." of the rule's directory, without its path. */
	obj[strstr(obj, " path=") - obj] = '\0';
	snprintf(want, sizeof(want),
		 "domain=%s access_request=read_file %s "
		 "grants={read_file,read_file}",
		 d2, obj);
	EXPECT_LINE("landlock_check_rule_inode", want);
	/*
	 * The second layer does not handle WRITE_FILE: its rule holds every
	 * right the layer leaves unhandled (rules are stored absolute).
	 */
	snprintf(want, sizeof(want),
		 "domain=%s access_request=write_file %s "
		 "grants={write_file,write_file}",
		 d2, obj);
	EXPECT_LINE("landlock_check_rule_inode", want);
	ASSERT_EQ(2,
		  ll_trace_count(self->text, "landlock_check_rule_inode", NULL))
	dump_trace(self->text);
	snprintf(want, sizeof(want),
		 "domain=%s access_request=bind_tcp port=4500 "
		 "grants={,bind_tcp}",
		 d2);
	EXPECT_LINE("landlock_check_rule_net_port", want);
	ASSERT_EQ(0,
		  ll_trace_count(self->text, "landlock_deny_access_fs", NULL));
}

static void log_flags(void *p)
{
	const struct layer outer = {
		.fs = R_READ | R_EXECUTE,
		.rule = "bin",
		.rule_access = R_READ | R_EXECUTE,
		.flags = LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF |
			 LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON,
	};
	const struct layer inner = { .fs = R_WRITE };
	char bin[PATH_MAX], path[PATH_MAX];
	char *argv[] = { bin, OPEN_ARG, path, NULL };
	int *res = p;

	snprintf(bin, sizeof(bin), "%s", ll_at("bin/prog"));
	snprintf(path, sizeof(path), "%s", ll_at("b/g"));
	res[0] = enforce(&outer);
	res[1] = enforce(&inner);
	res[2] = ll_try_open(ll_at("b/f"), O_RDONLY);
	res[3] = ll_try_open(ll_at("a/g"), O_WRONLY);
	fflush(NULL);
	execve(bin, argv, environ);
	res[4] = errno;
	_exit(255);
}

/*
 * logged follows the log flags: the outer domain (LOG_SUBDOMAINS_OFF,
 * LOG_NEW_EXEC_ON) logs its denials, before and after execve; the inner
 * one, created under LOG_SUBDOMAINS_OFF, does not, and is traced anyway.
 */
LL_TEST_F(trace, logged_follows_subdomains_off_and_new_exec_on,
	  .root = ROOT_WHY)
{
	int *res = ll_shared_ints(8), status;
	char d1[40], d2[40], obj[400], want[800];

	ASSERT_NE(NULL, res);
	LL_SETUP(ll_copy_self(ll_at("bin/prog")));
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(log_flags, res, &status));
	ASSERT_EQ(0, res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(EACCES, res[2]);
	ASSERT_EQ(EACCES, res[3]);
	ASSERT_EQ(-1, res[4])
	TH_LOG("execve: %s", strerror(res[4]));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(EACCES, WEXITSTATUS(status));
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d1, sizeof(d1));
	domain_id(_metadata, self, 1, d2, sizeof(d2));
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=1 blockers=read_file %s", d1,
		 object(ll_at("b/f"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=1 logged=0 blockers=write_file %s", d2,
		 object(ll_at("a/g"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
	snprintf(want, sizeof(want),
		 "domain=%s same_exec=0 logged=1 blockers=read_file %s", d1,
		 object(ll_at("b/g"), obj, sizeof(obj)));
	EXPECT_LINE("landlock_deny_access_fs", want);
}

struct blocked_thread {
	pthread_t thread;
	int go[2];
};

static void *wait_for_go(void *p)
{
	struct blocked_thread *b = p;
	char c;

	return (void *)(long)read(b->go[0], &c, 1);
}

static void threads_enforced(void *p)
{
	const struct landlock_ruleset_attr attr = { .handled_access_fs =
							    R_READ };
	int *res = p, r1, r2;
	struct blocked_thread b;

	r1 = ll_create_ruleset(&attr, sizeof(attr), 0);
	r2 = ll_create_ruleset(&attr, sizeof(attr), 0);
	res[0] = r1 < 0 || r2 < 0 ? errno : 0;
	if (!res[0] && pipe2(b.go, O_CLOEXEC))
		res[0] = errno;
	if (!res[0])
		res[0] = pthread_create(&b.thread, NULL, wait_for_go, &b);
	if (!res[0])
		res[0] = ll_errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (res[0])
		return;
	/* The caller alone, then (TSYNC) every thread. */
	res[1] = ll_errno_of(ll_restrict_self(r1, 0));
	res[2] =
		ll_errno_of(ll_restrict_self(r2, LANDLOCK_RESTRICT_SELF_TSYNC));
	res[3] = write(b.go[1], "g", 1) == 1 ? 0 : errno;
	pthread_join(b.thread, NULL);
}

/*
 * enforce_domain in a two-thread process: without TSYNC the caller alone
 * (process_wide=0); with TSYNC one event from the sibling (complete=0)
 * and the caller's concluding one, both process-wide.
 */
LL_TEST_F(trace, enforce_events_per_thread_with_and_without_tsync,
	  .root = ROOT_WHY)
{
	int *res = ll_shared_ints(4), status;
	char d1[40], d2[40], want[300];

	ASSERT_NE(NULL, res);
	LL_TRACE_START(&self->t);
	ASSERT_LT(0, ll_fork_wait(threads_enforced, res, &status));
	LL_SETUP(res[0]);
	ASSERT_EQ(0, res[1]);
	ASSERT_EQ(0, res[2]);
	LL_SETUP(res[3]);
	read_trace(_metadata, self);

	domain_id(_metadata, self, 0, d1, sizeof(d1));
	domain_id(_metadata, self, 1, d2, sizeof(d2));
	snprintf(want, sizeof(want),
		 "domain=%s complete=1 process_wide=0 no_new_privs=1", d1);
	EXPECT_LINE("landlock_enforce_domain", want);
	snprintf(want, sizeof(want),
		 "domain=%s complete=0 process_wide=1 no_new_privs=1", d2);
	EXPECT_LINE("landlock_enforce_domain", want);
	snprintf(want, sizeof(want),
		 "domain=%s complete=1 process_wide=1 no_new_privs=1", d2);
	EXPECT_LINE("landlock_enforce_domain", want);
	ASSERT_EQ(3,
		  ll_trace_count(self->text, "landlock_enforce_domain", NULL))
	dump_trace(self->text);
}

static void unlogged_denials(void *p)
{
	const struct layer layer = { .fs = R_READ, .flags = SAME_EXEC_OFF };
	int *res = p;

	res[0] = enforce(&layer);
	res[1] = ll_try_open(ll_at("b/f"), O_RDONLY);
	res[2] = ll_try_open(ll_at("b/g"), O_RDONLY);
}

/*
 * free_domain, from a kworker once the domain's last user is gone: its
 * denials= counts every denial, logged or not (here none is logged).
 */
LL_TEST_F(trace, free_domain_event_counts_unlogged_denials, .root = ROOT_WHY)
{
	int *res = ll_shared_ints(4), status, err;
	char d[40], line[600], needle[80];

	ASSERT_NE(NULL, res);
	/* Every process: the event comes from a kernel thread. */
	err = ll_trace_start_events(&self->t, "landlock", false);
	if (err && self->t.unavailable[0])
		LL_SKIP_ENV(return, "%s", self->t.unavailable);
	LL_SETUP(err);
	ASSERT_LT(0, ll_fork_wait(unlogged_denials, res, &status));
	ASSERT_EQ(0, res[0]);
	ASSERT_EQ(EACCES, res[1]);
	ASSERT_EQ(EACCES, res[2]);
	/* The domain's id, from its creation by the child. */
	read_trace(_metadata, self);
	snprintf(needle, sizeof(needle), " logged=0 blockers=read_file ");
	ASSERT_EQ(2,
		  ll_trace_count(self->text, "landlock_deny_access_fs", needle))
	dump_trace(self->text);
	ASSERT_LT(0, ll_trace_line(self->text, "landlock_deny_access_fs",
				   needle, 0, line, sizeof(line)));
	ll_trace_field(line, "domain", d, sizeof(d));
	snprintf(needle, sizeof(needle), "domain=%s denials=2", d);
	ASSERT_EQ(0, ll_trace_wait(&self->t, "landlock_free_domain", needle,
				   line, sizeof(line)))
	{
		TH_LOG("no \"landlock_free_domain: %s\"", needle);
		dump_trace(self->text);
	}
	ASSERT_STREQ(needle, line);
}

LL_MAIN()
