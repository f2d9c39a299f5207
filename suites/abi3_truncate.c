// SPDX-License-Identifier: GPL-2.0
/*
 * abi3_truncate: LANDLOCK_ACCESS_FS_TRUNCATE (ABI 3, SPEC §1.2, §5.2, §5.3).
 *
 * truncate(2) is checked on the path at call time; ftruncate(2), open with
 * O_TRUNC and creat() over an existing file use the TRUNCATE decision taken
 * when the file was opened, which travels with the open file.  Before ABI 3
 * truncation is never restricted (rst "Previous limitations"): the fallback
 * tests handle every FS right the kernel knows and grant only what the open
 * itself needs, so truncation is the only variable.
 *
 * Expected masks come from abi/ and the probed ABI: "every right" is
 * ll_mask(LL_FS_ACCESS, ll_kernel.abi).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "fdpass.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_TRUNCATE);

#define ACCESS_RW (R_READ | R_WRITE)

/*
 * Each test makes a fresh scratch directory T (every file holds its own
 * name, so its size is strlen(name) until truncated):
 *
 *	T/
 *	├── a/			rule: the rights under test
 *	│   ├── f, g, h
 *	│   ├── p		fifo
 *	│   └── s/
 *	│       └── f		reached through the rule on a/
 *	├── b/			no rule
 *	│   ├── f, g
 *	└── c/			no rule on the directory…
 *	    ├── f		…a rule on this file only
 *	    └── g
 */
static const char *const layout_tree[] = {
	"a/",  "a/f", "a/g", "a/h", "a/s/", "a/s/f", "b/",
	"b/f", "b/g", "c/",  "c/f", "c/g",  NULL,
};

static int make_layout(void)
{
	int err = ll_tree_make("t", layout_tree);

	if (!err && mkfifo(ll_at("a/p"), 0600))
		err = errno;
	return err;
}

/* Size of T/<rel>, -1 when it cannot be read. */
static off_t size_of(const char *rel)
{
	struct stat st;

	return stat(ll_at("%s", rel), &st) ? -1 : st.st_size;
}

/* The untouched size of T/<rel>: its own name (see the layout). */
static off_t full(const char *rel)
{
	return strlen(rel);
}

/* Enforces a layer; rules granting nothing (truncate(2) needs no other
 * right) are left out, add_rule would refuse them with ENOMSG. */
static int enforce(uint64_t handled, const struct ll_path_rule *rules)
{
	struct ll_path_rule kept[8] = { { 0 } };
	size_t n = 0;

	for (; rules->path && n < 7; rules++)
		if (rules->access)
			kept[n++] = *rules;
	return ll_enforce_fs(handled, kept);
}

/* Operations on a path relative to T; each returns 0 or an errno. */
static int op_truncate(const char *rel)
{
	return ll_errno_of(truncate(ll_at("%s", rel), 0));
}

/*
 * Where this runs, WRITE_FILE is granted: the open works and only
 * ftruncate(2) may be denied (open_succeeds_then_ftruncate_denied pins it).
 */
static int op_ftruncate(const char *rel)
{
	int fd = open(ll_at("%s", rel), O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = ll_errno_of(ftruncate(fd, 0));
	close(fd);
	return err;
}

static int op_open_wronly_trunc(const char *rel)
{
	return ll_try_open(ll_at("%s", rel), O_WRONLY | O_TRUNC);
}

static int op_open_rdwr_trunc(const char *rel)
{
	return ll_try_open(ll_at("%s", rel), O_RDWR | O_TRUNC);
}

/* Linux truncates on O_RDONLY | O_TRUNC too: FMODE_READ only. */
static int op_open_rdonly_trunc(const char *rel)
{
	return ll_try_open(ll_at("%s", rel), O_RDONLY | O_TRUNC);
}

static int op_creat(const char *rel)
{
	int fd = creat(ll_at("%s", rel), 0600);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------------
 * Each way to truncate: allowed with TRUNCATE, denied (EACCES, size kept)
 * without it even when every other right is granted, not restricted when
 * TRUNCATE is unhandled; a rule on a file or on a directory grants it.
 */
FIXTURE(op){};

FIXTURE_VARIANT(op)
{
	int (*op)(const char *rel);
	/* The rights the operation needs besides TRUNCATE. */
	uint64_t also;
};

FIXTURE_VARIANT_ADD(op, truncate){
	.op = op_truncate,
};

FIXTURE_VARIANT_ADD(op, ftruncate){
	.op = op_ftruncate,
	.also = R_WRITE,
};

FIXTURE_VARIANT_ADD(op, open_wronly_trunc){
	.op = op_open_wronly_trunc,
	.also = R_WRITE,
};

FIXTURE_VARIANT_ADD(op, open_rdwr_trunc){
	.op = op_open_rdwr_trunc,
	.also = ACCESS_RW,
};

FIXTURE_VARIANT_ADD(op, open_rdonly_trunc){
	.op = op_open_rdonly_trunc,
	.also = R_READ,
};

/* creat() over an existing file: O_CREAT creates nothing, no MAKE_REG. */
FIXTURE_VARIANT_ADD(op, creat_existing){
	.op = op_creat,
	.also = R_WRITE,
};

FIXTURE_SETUP(op)
{
	LL_SETUP(make_layout());
}

FIXTURE_TEARDOWN(op)
{
}

LL_TEST_F(op, allowed_with_truncate_on_parent_dir)
{
	ASSERT_EQ(0,
		  enforce(ll_all_fs(),
			  RULES(RULE(ll_at("a"), variant->also | R_TRUNCATE))));
	ASSERT_EQ(0, variant->op("a/f"));
	ASSERT_EQ(0, size_of("a/f"));
	/* Inherited below the rule. */
	ASSERT_EQ(0, variant->op("a/s/f"));
	ASSERT_EQ(0, size_of("a/s/f"));
}

LL_TEST_F(op, denied_with_every_right_but_truncate)
{
	ASSERT_EQ(0, enforce(ll_all_fs(),
			     RULES(RULE(ll_at("a"), ll_all_fs() & ~R_TRUNCATE),
				   RULE(ll_at("b"), variant->also))));
	ASSERT_EQ(EACCES, variant->op("a/f"));
	ASSERT_EQ(full("a/f"), size_of("a/f"));
	ASSERT_EQ(EACCES, variant->op("b/f"));
	ASSERT_EQ(full("b/f"), size_of("b/f"));
}

LL_TEST_F(op, allowed_when_truncate_unhandled)
{
	ASSERT_EQ(0, enforce(ll_all_fs() & ~R_TRUNCATE,
			     RULES(RULE(ll_at("b"), variant->also))));
	ASSERT_EQ(0, variant->op("b/f"));
	ASSERT_EQ(0, size_of("b/f"));
}

LL_TEST_F(op, file_rule_grants_that_file_only)
{
	ASSERT_EQ(0,
		  enforce(ll_all_fs(),
			  RULES(RULE(ll_at("c/f"), variant->also | R_TRUNCATE),
				RULE(ll_at("c/g"), variant->also))));
	ASSERT_EQ(0, variant->op("c/f"));
	ASSERT_EQ(0, size_of("c/f"));
	ASSERT_EQ(EACCES, variant->op("c/g"));
	ASSERT_EQ(full("c/g"), size_of("c/g"));
}

/* Every layer handling TRUNCATE must grant it (§5.1). */
LL_TEST_F(op, every_layer_must_grant_truncate)
{
	const uint64_t rights = variant->also | R_TRUNCATE;

	ASSERT_EQ(0, enforce(ll_all_fs(), RULES(RULE(ll_at("a"), rights),
						RULE(ll_at("b"), rights))));
	ASSERT_EQ(0, enforce(R_TRUNCATE, RULES(RULE(ll_at("a"), R_TRUNCATE))));
	ASSERT_EQ(0, variant->op("a/f"));
	ASSERT_EQ(0, size_of("a/f"));
	ASSERT_EQ(EACCES, variant->op("b/f"));
	ASSERT_EQ(full("b/f"), size_of("b/f"));
}

/* ------------------------------------------------------------------------
 * Tests on the plain layout.
 */
FIXTURE(layout){};

FIXTURE_SETUP(layout)
{
	LL_SETUP(make_layout());
}

FIXTURE_TEARDOWN(layout)
{
}

/* §5.3: the open never fails for lack of TRUNCATE; ftruncate does. */
LL_TEST_F(layout, open_succeeds_then_ftruncate_denied)
{
	int fd;

	ASSERT_EQ(0, enforce(ll_all_fs(), RULES(RULE(ll_at("a"), ACCESS_RW))));
	fd = open(ll_at("a/f"), O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, ftruncate(fd, 0));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(-1, ftruncate(fd, 100));
	ASSERT_EQ(EACCES, errno);
	/* Writing through the same fd works: only truncation is denied. */
	ASSERT_EQ(1, pwrite(fd, "x", 1, 0));
	ASSERT_EQ(full("a/f"), size_of("a/f"));
	close(fd);
}

/* creat() of a new file truncates nothing: MAKE_REG and WRITE suffice. */
LL_TEST_F(layout, creat_of_new_file_needs_no_truncate)
{
	ASSERT_EQ(0, enforce(ll_all_fs(),
			     RULES(RULE(ll_at("a"), R_WRITE | R_MAKE_REG))));
	ASSERT_EQ(0, op_creat("a/new"));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("a/new")));
	ASSERT_EQ(0, ll_try_open(ll_at("a/new2"),
				 O_WRONLY | O_CREAT | O_EXCL | O_TRUNC));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("a/new2")));
	/* The same call over an existing file truncates: denied. */
	ASSERT_EQ(EACCES, op_creat("a/f"));
	ASSERT_EQ(full("a/f"), size_of("a/f"));
}

/* O_TRUNC on a fifo is ignored by the VFS: no truncation, no TRUNCATE. */
LL_TEST_F(layout, o_trunc_on_fifo_needs_no_truncate)
{
	ASSERT_EQ(0, enforce(ll_all_fs(), RULES(RULE(ll_at("a"), ACCESS_RW))));
	ASSERT_EQ(0, ll_try_open(ll_at("a/p"), O_RDWR | O_TRUNC | O_NONBLOCK));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_RDWR | O_TRUNC));
}

/* §5.3: files opened before the restriction carry every right. */
LL_TEST_F(layout, fd_opened_before_restriction_can_ftruncate)
{
	const int fd = open(ll_at("b/f"), O_WRONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, enforce(ll_all_fs(), NO_RULES));
	ASSERT_EQ(0, ftruncate(fd, 1));
	ASSERT_EQ(1, size_of("b/f"));
	/* The path itself is checked at call time: denied. */
	ASSERT_EQ(EACCES, op_truncate("b/f"));
	ASSERT_EQ(1, size_of("b/f"));
	close(fd);
}

/* §5.3: the decision taken at open outlives a stricter layer. */
LL_TEST_F(layout, ftruncate_right_fixed_at_open_survives_new_layer)
{
	int with, without;

	ASSERT_EQ(0, enforce(ll_all_fs(),
			     RULES(RULE(ll_at("a"), R_WRITE | R_TRUNCATE),
				   RULE(ll_at("b"), R_WRITE))));
	with = open(ll_at("a/f"), O_WRONLY | O_CLOEXEC);
	without = open(ll_at("b/f"), O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, with);
	ASSERT_LE(0, without);
	/* A second layer that grants nothing at all. */
	ASSERT_EQ(0, enforce(ll_all_fs(), NO_RULES));
	ASSERT_EQ(EACCES, op_truncate("a/g"));
	ASSERT_EQ(0, ftruncate(with, 0));
	ASSERT_EQ(0, size_of("a/f"));
	ASSERT_EQ(-1, ftruncate(without, 0));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(full("b/f"), size_of("b/f"));
	close(with);
	close(without);
}

struct open_and_send {
	int sock;
	const char *path;
};

static int open_and_send(void *arg)
{
	const struct open_and_send *o = arg;
	int fd = open(o->path, O_WRONLY | O_CLOEXEC), err;

	if (fd < 0)
		return errno;
	err = ll_send_fd(o->sock, fd);
	close(fd);
	return err;
}

/*
 * §5.3: a sandboxed child opens a/f (TRUNCATE granted) and b/f (not) and
 * hands both to this unsandboxed process: each keeps its decision.
 */
LL_TEST_F(layout, ftruncate_decision_travels_to_unsandboxed_process)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = ll_all_fs(),
		.paths = RULES(RULE(ll_at("a"), R_WRITE | R_TRUNCATE),
			       RULE(ll_at("b"), R_WRITE)),
	};
	int sv[2], with, without;
	struct open_and_send o;

	LL_SETUP(ll_errno_of(
		socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)));
	o = (struct open_and_send){ sv[0], ll_at("a/f") };
	ASSERT_EQ(0, ll_run_child(&desc, open_and_send, &o));
	o.path = ll_at("b/f");
	ASSERT_EQ(0, ll_run_child(&desc, open_and_send, &o));
	with = ll_recv_fd(sv[1]);
	without = ll_recv_fd(sv[1]);
	ASSERT_LE(0, with);
	ASSERT_LE(0, without);
	ASSERT_EQ(0, ftruncate(with, 0));
	ASSERT_EQ(0, size_of("a/f"));
	ASSERT_EQ(-1, ftruncate(without, 0));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(full("b/f"), size_of("b/f"));
	/* This process itself is not restricted. */
	ASSERT_EQ(0, op_truncate("b/f"));
	close(with);
	close(without);
	close(sv[0]);
	close(sv[1]);
}

static int ftruncate_fd(void *arg)
{
	return ll_errno_of(ftruncate(*(int *)arg, 0));
}

/* §5.3: an fd inherited by a child that restricts itself keeps working. */
LL_TEST_F(layout, fd_inherited_by_sandboxed_child_can_ftruncate)
{
	const struct ll_ruleset_desc desc = { .handled_fs = ll_all_fs() };
	int fd = open(ll_at("b/f"), O_WRONLY | O_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_run_child(&desc, ftruncate_fd, &fd));
	ASSERT_EQ(0, size_of("b/f"));
	close(fd);
}

/* ftruncate(2) on an O_PATH fd fails in the VFS (EBADF), whatever the
 * rights. */
LL_TEST_F(layout, o_path_fd_ftruncate_fails_with_ebadf)
{
	int before, granted, denied;

	before = open(ll_at("a/f"), O_PATH | O_CLOEXEC);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, enforce(ll_all_fs(),
			     RULES(RULE(ll_at("a"), R_WRITE | R_TRUNCATE))));
	granted = open(ll_at("a/g"), O_PATH | O_CLOEXEC);
	denied = open(ll_at("b/f"), O_PATH | O_CLOEXEC);
	ASSERT_LE(0, granted);
	ASSERT_LE(0, denied);
	ASSERT_EQ(EBADF, ll_errno_of(ftruncate(before, 0)));
	ASSERT_EQ(EBADF, ll_errno_of(ftruncate(granted, 0)));
	ASSERT_EQ(EBADF, ll_errno_of(ftruncate(denied, 0)));
	ASSERT_EQ(full("a/f"), size_of("a/f"));
	ASSERT_EQ(full("a/g"), size_of("a/g"));
	ASSERT_EQ(full("b/f"), size_of("b/f"));
	close(before);
	close(granted);
	close(denied);
}

/* §5.3: memfds never go through file_open: they carry every right. */
LL_TEST_F(layout, memfd_ftruncate_unrestricted)
{
	const int before = memfd_create("before", MFD_CLOEXEC);
	int after;

	ASSERT_LE(0, before);
	ASSERT_EQ(0, enforce(ll_all_fs(), NO_RULES));
	after = memfd_create("after", MFD_CLOEXEC);
	ASSERT_LE(0, after);
	ASSERT_EQ(0, ftruncate(before, 4096));
	ASSERT_EQ(0, ftruncate(after, 4096));
	ASSERT_EQ(0, ftruncate(after, 0));
	close(before);
	close(after);
}

/*
 * §5.1/§5.3: pipes are not restricted: ftruncate(2) fails with the VFS's
 * EINVAL (not Landlock's EACCES) and a reopen with O_TRUNC through
 * /proc/self/fd works.
 */
LL_TEST_F(layout, pipe_unaffected)
{
	char proc[64];
	int p[2];

	LL_SETUP(ll_errno_of(pipe2(p, O_CLOEXEC)));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", p[1]);
	/* Checked before the domain: after it, every call is an assertion. */
	if (access(proc, F_OK))
		LL_BROKEN("/proc is not mounted: %s", strerror(errno));
	ASSERT_EQ(EINVAL, ll_errno_of(ftruncate(p[1], 0)));
	ASSERT_EQ(0, enforce(ll_all_fs(), NO_RULES));
	ASSERT_EQ(EINVAL, ll_errno_of(ftruncate(p[1], 0)));
	ASSERT_EQ(0, ll_try_open(proc, O_WRONLY | O_TRUNC));
	close(p[0]);
	close(p[1]);
}

/* ------------------------------------------------------------------------
 * Before ABI 3: truncation is never restricted, even when every FS right
 * the kernel knows is handled.  Only the rights for the open itself (READ
 * or WRITE) are granted, so truncation is the only variable; the control
 * test shows those rights are still enforced.
 */
LL_TEST_F(layout, truncation_unrestricted_before_abi3, .lacks = LL_B_TRUNCATE)
{
	int fd;

	/* Rights that do not allow writing anywhere but a/. */
	ASSERT_EQ(0, enforce(ll_all_fs(), RULES(RULE(ll_at("a"), ACCESS_RW))));
	/* truncate(2) needs no right at all, even where nothing is granted. */
	ASSERT_EQ(0, op_truncate("b/f"));
	ASSERT_EQ(0, size_of("b/f"));
	ASSERT_EQ(0, op_truncate("a/s/f"));
	ASSERT_EQ(0, size_of("a/s/f"));
	fd = open(ll_at("a/f"), O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1));
	ASSERT_EQ(1, size_of("a/f"));
	close(fd);
	ASSERT_EQ(0, op_open_wronly_trunc("a/f"));
	ASSERT_EQ(0, size_of("a/f"));
	ASSERT_EQ(0, op_open_rdonly_trunc("a/g"));
	ASSERT_EQ(0, size_of("a/g"));
	ASSERT_EQ(0, op_creat("a/h"));
	ASSERT_EQ(0, size_of("a/h"));
}

LL_TEST_F(layout, open_rights_still_checked_before_abi3, .lacks = LL_B_TRUNCATE)
{
	ASSERT_EQ(0, enforce(ll_all_fs(), RULES(RULE(ll_at("a"), ACCESS_RW))));
	ASSERT_EQ(EACCES, op_open_wronly_trunc("b/f"));
	ASSERT_EQ(EACCES, op_open_rdonly_trunc("b/f"));
	ASSERT_EQ(EACCES, op_creat("b/f"));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/f"), O_WRONLY));
	ASSERT_EQ(full("b/f"), size_of("b/f"));
}

/* Before ABI 3 the TRUNCATE bit is unknown: create_ruleset → EINVAL. */
LL_TEST(truncate_right_rejected_with_einval_before_abi3, .lacks = LL_B_TRUNCATE)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = ll_all_fs() | R_TRUNCATE,
	};

	ASSERT_EQ(0, ll_all_fs() & R_TRUNCATE);
	ASSERT_EQ(-1, ll_create_ruleset(
			      &attr, ll_ruleset_attr_size(ll_kernel.abi), 0));
	ASSERT_EQ(EINVAL, errno);
}

LL_MAIN()
