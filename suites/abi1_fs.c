// SPDX-License-Identifier: GPL-2.0
/*
 * abi1_fs: the 13 filesystem rights of ABI 1 (SPEC §1.2, §5), checked on
 * every ABI: each right allowed by a rule and denied without one, file vs
 * directory rules, inheritance, union within a layer, rights fixed at open
 * time, special files, same-directory rename and link, mount topology.
 * Whiteouts (erratum 4) are errata.c's.
 *
 * Expected masks come from abi/ and the probed ABI: "every right" below is
 * ll_mask(LL_FS_ACCESS, ll_kernel.abi), so a newer kernel handles more and
 * the tests still hold.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fs_ops.h"
#include "ll_harness.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_LANDLOCK);

/* Named groups of rights. */
#define ACCESS_RW (R_READ | R_WRITE)
#define ACCESS_DEVICES (R_MAKE_CHAR | R_MAKE_BLOCK)

/*
 * Each test makes a fresh scratch directory T:
 *
 *	T/
 *	├── f			above every rule
 *	├── a/			rule: the access under test
 *	│   ├── f
 *	│   ├── d/
 *	│   ├── p		fifo
 *	│   ├── l -> f
 *	│   └── s/		nested
 *	│       ├── f
 *	│       └── d/
 *	├── x/			rule: every right except the one under test
 *	│   ├── f, d/, p, l -> f
 *	└── b/			sibling of a/, no rule
 *	    ├── f, d/, p, l -> f
 *
 * Paths are spelled relative to T through ll_at(); the EXECUTE variant adds a
 * copy of this program as a/x, x/x and b/x (fs_ops.h's executable).
 */
static const char *const layout_tree[] = {
	"f",	 "a/",	   "a/f",  "a/d/",   "a/l->f", "a/s/",
	"a/s/f", "a/s/d/", "x/",   "x/f",    "x/d/",   "x/l->f",
	"b/",	 "b/f",	   "b/d/", "b/l->f", NULL,
};

static int make_layout(bool with_exec)
{
	static const char *const dirs[] = { "a", "x", "b" };
	int err = ll_tree_make("t", layout_tree);

	for (size_t i = 0; !err && i < 3; i++) {
		if (mkfifo(ll_at("%s/p", dirs[i]), 0600))
			err = errno;
		else if (with_exec)
			err = ll_fs_make_exec(
				ll_at("%s/" LL_FS_OP_EXEC, dirs[i]));
	}
	return err;
}

/* A one-call sandboxed child. */
static int in_sandbox(uint64_t handled, const struct ll_path_rule *rules,
		      int (*fn)(void *), const void *arg)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = handled,
		.paths = rules,
	};

	return ll_run_child(&desc, fn, (void *)arg);
}

/* The operation of `right` (fs_ops.h) on T/<dir> in a sandboxed child. */
static int op_in_sandbox(uint64_t handled, const struct ll_path_rule *rules,
			 uint64_t right, const char *dir)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = handled,
		.paths = rules,
	};

	return ll_fs_op_in_child(&desc, right, ll_at("%s", dir));
}

/* ------------------------------------------------------------------------
 * Each of the 13 rights: allowed by a rule, denied without one, denied by
 * every other right, not restricted when unhandled.  Every right of the
 * running ABI is handled unless the test says otherwise.
 */
FIXTURE(right){};

/*
 * One variant per right; what the operation does, what else it needs
 * and what it makes or removes come from the operation table (fs_ops.h).
 */
FIXTURE_VARIANT(right)
{
	uint64_t access;
};

FIXTURE_VARIANT_ADD(right, execute){
	.access = R_EXECUTE,
};

FIXTURE_VARIANT_ADD(right, write_file){
	.access = R_WRITE,
};

FIXTURE_VARIANT_ADD(right, read_file){
	.access = R_READ,
};

FIXTURE_VARIANT_ADD(right, read_dir){
	.access = R_READ_DIR,
};

FIXTURE_VARIANT_ADD(right, remove_dir){
	.access = R_REMOVE_DIR,
};

FIXTURE_VARIANT_ADD(right, remove_file){
	.access = R_REMOVE_FILE,
};

FIXTURE_VARIANT_ADD(right, make_char){
	.access = R_MAKE_CHAR,
};

FIXTURE_VARIANT_ADD(right, make_dir){
	.access = R_MAKE_DIR,
};

FIXTURE_VARIANT_ADD(right, make_reg){
	.access = R_MAKE_REG,
};

FIXTURE_VARIANT_ADD(right, make_sock){
	.access = R_MAKE_SOCK,
};

FIXTURE_VARIANT_ADD(right, make_fifo){
	.access = R_MAKE_FIFO,
};

FIXTURE_VARIANT_ADD(right, make_block){
	.access = R_MAKE_BLOCK,
};

FIXTURE_VARIANT_ADD(right, make_sym){
	.access = R_MAKE_SYM,
};

FIXTURE_SETUP(right)
{
	ASSERT_EQ(0, make_layout(variant->access == R_EXECUTE));
	/* The executables run at all (no noexec scratch). */
	if (variant->access == R_EXECUTE)
		ASSERT_EQ(0, ll_fs_op_in_child(NULL, R_EXECUTE, ll_at("b")));
}

FIXTURE_TEARDOWN(right)
{
}

/* Type of the entry the operation makes or removes in T/<dir>. */
static mode_t target_type(const struct ll_fs_op *op, const char *dir)
{
	return op->entry ? ll_type_of(ll_at("%s/%s", dir, op->entry)) : 0;
}

/* Its expected type once the operation succeeded or failed. */
static mode_t type_when(const struct ll_fs_op *op, bool done)
{
	return op->entry ? (done ? op->after : op->before) : 0;
}

LL_TEST_F(right, allowed_by_rule_on_parent_dir)
{
	const struct ll_fs_op *op = ll_fs_op(variant->access);
	const int expected = ll_fs_op_allowed(op);

	ASSERT_EQ(expected,
		  op_in_sandbox(ll_all_fs(),
				RULES(RULE(ll_at("a"), op->right | op->also)),
				op->right, "a"));
	ASSERT_EQ(type_when(op, expected == 0), target_type(op, "a"));
}

LL_TEST_F(right, denied_without_rule)
{
	const struct ll_fs_op *op = ll_fs_op(variant->access);

	ASSERT_EQ(EACCES,
		  op_in_sandbox(ll_all_fs(),
				RULES(RULE(ll_at("a"), op->right | op->also)),
				op->right, "b"));
	ASSERT_EQ(type_when(op, false), target_type(op, "b"));
}

LL_TEST_F(right, denied_by_every_other_right)
{
	const struct ll_fs_op *op = ll_fs_op(variant->access);

	ASSERT_EQ(EACCES, op_in_sandbox(ll_all_fs(),
					RULES(RULE(ll_at("x"),
						   ll_all_fs() & ~op->right)),
					op->right, "x"));
	ASSERT_EQ(type_when(op, false), target_type(op, "x"));
}

LL_TEST_F(right, allowed_when_unhandled)
{
	const struct ll_fs_op *op = ll_fs_op(variant->access);
	const int expected = ll_fs_op_allowed(op);

	ASSERT_EQ(expected, op_in_sandbox(ll_all_fs() & ~(op->right | op->also),
					  NO_RULES, op->right, "b"));
	ASSERT_EQ(type_when(op, expected == 0), target_type(op, "b"));
}

/* ------------------------------------------------------------------------
 * Tests on the plain layout.
 */
FIXTURE(layout){};

FIXTURE_SETUP(layout)
{
	ASSERT_EQ(0, make_layout(false));
}

FIXTURE_TEARDOWN(layout)
{
}

/* add_rule of `access` on `path` in a ruleset handling every right. */
static int add_rule_on(const char *path, uint64_t access)
{
	const struct ll_ruleset_desc desc = { .handled_fs = ll_all_fs() };
	struct landlock_path_beneath_attr rule = { .allowed_access = access };
	int ruleset_fd = ll_ruleset_build(&desc), err;

	if (ruleset_fd < 0)
		return -ruleset_fd;
	rule.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (rule.parent_fd < 0) {
		err = errno;
	} else {
		err = ll_errno_of(ll_add_rule(
			ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0));
		close(rule.parent_fd);
	}
	close(ruleset_fd);
	return err;
}

/* §3.1: a directory-only right on a non-directory rule → EINVAL. */
LL_TEST_F(layout, file_rule_rejects_dir_only_rights)
{
	const uint64_t file = ll_fs_file_rights(ll_kernel.abi);
	const struct ll_bit *bit;

	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		if (!(bit->value & ll_all_fs()))
			continue;
		EXPECT_EQ(bit->value & file ? 0 : EINVAL,
			  add_rule_on(ll_at("a/f"), bit->value))
		{
			TH_LOG("%s on a file rule", bit->name);
		}
		EXPECT_EQ(0, add_rule_on(ll_at("a"), bit->value))
		{
			TH_LOG("%s on a directory rule", bit->name);
		}
	}
	ASSERT_EQ(0, add_rule_on(ll_at("a/f"), file));
	ASSERT_EQ(EINVAL, add_rule_on(ll_at("a/f"), file | R_READ_DIR));
	ASSERT_EQ(0, add_rule_on(ll_at("a"), ll_all_fs()));
}

/* A rule on a file grants on that file only. */
LL_TEST_F(layout, file_rule_grants_that_file_only)
{
	ASSERT_EQ(0, ll_fs_make_exec(ll_at("a/" LL_FS_OP_EXEC)));
	ASSERT_EQ(0, ll_fs_make_exec(ll_at("a/s/" LL_FS_OP_EXEC)));
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(RULE(ll_at("a/f"), ACCESS_RW),
					    RULE(ll_at("a/" LL_FS_OP_EXEC),
						 R_EXECUTE | R_READ)) }));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDWR));
	ASSERT_EQ(0, ll_fs_op_in_child(NULL, R_EXECUTE, ll_at("a")));
	ASSERT_EQ(EACCES, ll_fs_op_in_child(NULL, R_EXECUTE, ll_at("a/s")));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/s/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a"), O_RDONLY | O_DIRECTORY));
}

/* §5.1: a directory rule reaches everything beneath, nothing beside. */
LL_TEST_F(layout, dir_rule_inherited_beneath_only)
{
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(
				     RULE(ll_at("a"), R_READ | R_READ_DIR)) }));
	ASSERT_EQ(0, ll_try_open(ll_at("a"), O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("a/s/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("a/s/d"), O_RDONLY | O_DIRECTORY));
	/* Sibling, parent, and a right the rule does not grant. */
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b"), O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_root, O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/s/f"), O_WRONLY));
}

/*
 * §5.1: READ from a rule on a/ and WRITE from a rule on a/s/ together grant
 * O_RDWR on a/s/f (ABI ≥ 2; ABI-1 originals needed one rule for the whole
 * request, and the stable fix may or may not be there).
 */
LL_TEST_F(layout, nested_rules_of_one_layer_unite)
{
	int rdwr;

	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(RULE(ll_at("a"), R_READ),
					    RULE(ll_at("a/s"), R_WRITE)) }));
	ASSERT_EQ(0, ll_try_open(ll_at("a/s/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("a/s/f"), O_WRONLY));
	rdwr = ll_try_open(ll_at("a/s/f"), O_RDWR);
	if (ll_abi_has(ll_kernel.abi, LL_B_SAME_LAYER_UNION)) {
		ASSERT_EQ(0, rdwr);
	} else {
		ASSERT_TRUE(rdwr == 0 || rdwr == EACCES);
	}
	/* WRITE stops at a/s/. */
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_WRONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_RDWR));
}

/* Two add_rule calls on one directory merge into one rule (every ABI). */
LL_TEST_F(layout, rules_on_same_dir_merge)
{
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(RULE(ll_at("a"), R_READ),
					    RULE(ll_at("a"), R_WRITE)) }));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDWR));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/f"), O_RDWR));
}

/* §5.3: files opened before the restriction keep every right. */
LL_TEST_F(layout, fds_opened_before_keep_working)
{
	const int fd = open(ll_at("a/f"), O_RDWR | O_CLOEXEC);
	const int dir = open(ll_at("a"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char buf[64];

	ASSERT_LE(0, fd);
	ASSERT_LE(0, dir);
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs() }));
	ASSERT_EQ(3, write(fd, "new", 3));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ(3, read(fd, buf, sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "new", 3));
	ASSERT_EQ(0, ftruncate(fd, 1));
	ASSERT_LT(0, syscall(SYS_getdents64, dir, buf, sizeof(buf)));
	/* New opens, even relative to the old directory fd, are checked. */
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_openat(dir, "f", O_RDONLY));
	close(dir);
	close(fd);
}

/* §5.2: O_PATH opens, chdir and stat are not restricted. */
LL_TEST_F(layout, o_path_chdir_stat_unrestricted)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs() }));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_PATH));
	ASSERT_EQ(0, ll_try_open(ll_at("a/d"), O_PATH | O_DIRECTORY));
	fd = open(ll_at("a/s"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstatat(fd, "f", &st, 0));
	ASSERT_EQ(0, fchdir(fd));
	ASSERT_EQ(0, chdir(ll_at("a/s/d")));
	ASSERT_EQ(0, stat(ll_at("a/l"), &st));
	ASSERT_TRUE(S_ISREG(st.st_mode));
	/* The same paths stay closed to real opens. */
	ASSERT_EQ(EACCES, ll_try_openat(fd, "f", O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(".", O_RDONLY | O_DIRECTORY));
	close(fd);
}

/*
 * §5.1: objects of never-mountable filesystems (SB_NOUSER) are always
 * allowed: a pipe reopened through /proc/self/fd/N, for reading and for
 * writing, while the same domain denies every file of the hierarchy (a
 * kernel that checked the pipe's path like a file's would deny it).
 */
LL_TEST_F(layout, pipe_reopened_through_proc_unrestricted)
{
	char path[64];
	int p[2];

	ASSERT_EQ(0, pipe2(p, O_CLOEXEC));
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs() }));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	EXPECT_EQ(0, ll_try_open(path, O_RDONLY | O_NONBLOCK));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[1]);
	EXPECT_EQ(0, ll_try_open(path, O_WRONLY | O_NONBLOCK));
	EXPECT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_RDONLY));
	close(p[0]);
	close(p[1]);
}

/* §5.2: opening an existing fifo for reading needs READ_FILE. */
LL_TEST_F(layout, fifo_open_needs_read_file)
{
	const int ro = O_RDONLY | O_NONBLOCK;

	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(RULE(ll_at("a"), R_READ),
					    RULE(ll_at("x"),
						 ll_all_fs() & ~R_READ)) }));
	ASSERT_EQ(0, ll_try_open(ll_at("a/p"), ro));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("x/p"), ro));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/p"), ro));
}

/* Landlock decides before CAP_MKNOD: EACCES when denied, else EPERM. */
static int make_device_no_caps(uint64_t right, const char *dir)
{
	return ll_drop_caps() ?: ll_fs_op(right)->run(ll_at("%s", dir));
}

static int op_make_char_no_caps(void *dir)
{
	return make_device_no_caps(R_MAKE_CHAR, dir);
}

static int op_make_block_no_caps(void *dir)
{
	return make_device_no_caps(R_MAKE_BLOCK, dir);
}

LL_TEST_F(layout, device_nodes_checked_before_cap_mknod)
{
	const struct ll_path_rule *rules =
		RULES(RULE(ll_at("a"), ACCESS_DEVICES));

	ASSERT_EQ(EPERM,
		  in_sandbox(ll_all_fs(), rules, op_make_char_no_caps, "a"));
	ASSERT_EQ(EPERM,
		  in_sandbox(ll_all_fs(), rules, op_make_block_no_caps, "a"));
	ASSERT_EQ(EACCES,
		  in_sandbox(ll_all_fs(), rules, op_make_char_no_caps, "b"));
	ASSERT_EQ(EACCES,
		  in_sandbox(ll_all_fs(), rules, op_make_block_no_caps, "b"));
	ASSERT_EQ(0, ll_type_of(ll_at("a/n")));
	ASSERT_EQ(0, ll_type_of(ll_at("b/n")));
}

/* ------------------------------------------------------------------------
 * §5.4: rename and link within one directory need MAKE_* for the type and
 * (rename) REMOVE_* for the source on that directory, never REFER.
 */
struct two_paths {
	const char *from, *to;
};

static int op_rename(void *arg)
{
	const struct two_paths *p = arg;

	return ll_errno_of(rename(p->from, p->to));
}

static int op_link(void *arg)
{
	const struct two_paths *p = arg;

	return ll_errno_of(link(p->from, p->to));
}

FIXTURE(rename_in_dir){};

FIXTURE_VARIANT(rename_in_dir)
{
	const char *name; /* in a/ */
	mode_t type;
	uint64_t make, remove;
};

FIXTURE_VARIANT_ADD(rename_in_dir, file){
	.name = "f",
	.type = S_IFREG,
	.make = R_MAKE_REG,
	.remove = R_REMOVE_FILE,
};

FIXTURE_VARIANT_ADD(rename_in_dir, dir){
	.name = "d",
	.type = S_IFDIR,
	.make = R_MAKE_DIR,
	.remove = R_REMOVE_DIR,
};

FIXTURE_VARIANT_ADD(rename_in_dir, fifo){
	.name = "p",
	.type = S_IFIFO,
	.make = R_MAKE_FIFO,
	.remove = R_REMOVE_FILE,
};

FIXTURE_VARIANT_ADD(rename_in_dir, symlink){
	.name = "l",
	.type = S_IFLNK,
	.make = R_MAKE_SYM,
	.remove = R_REMOVE_FILE,
};

FIXTURE_SETUP(rename_in_dir)
{
	ASSERT_EQ(0, make_layout(false));
}

FIXTURE_TEARDOWN(rename_in_dir)
{
}

/* Renames a/<name> to a/renamed granting `granted` on a/. */
static int rename_granting(const FIXTURE_VARIANT(rename_in_dir) * variant,
			   uint64_t granted)
{
	const struct two_paths p = { ll_at("a/%s", variant->name),
				     ll_at("a/renamed") };

	return in_sandbox(ll_all_fs(), RULES(RULE(ll_at("a"), granted)),
			  op_rename, &p);
}

LL_TEST_F(rename_in_dir, allowed_with_make_and_remove)
{
	ASSERT_EQ(0, rename_granting(variant, variant->make | variant->remove));
	ASSERT_EQ(0, ll_type_of(ll_at("a/%s", variant->name)));
	ASSERT_EQ(variant->type, ll_type_of(ll_at("a/renamed")));
}

LL_TEST_F(rename_in_dir, denied_without_remove)
{
	ASSERT_EQ(EACCES,
		  rename_granting(variant, ll_all_fs() & ~variant->remove));
	ASSERT_EQ(variant->type, ll_type_of(ll_at("a/%s", variant->name)));
}

LL_TEST_F(rename_in_dir, denied_without_make)
{
	ASSERT_EQ(EACCES,
		  rename_granting(variant, ll_all_fs() & ~variant->make));
	ASSERT_EQ(variant->type, ll_type_of(ll_at("a/%s", variant->name)));
}

LL_TEST_F(layout, link_in_dir_needs_make_reg)
{
	const struct ll_path_rule *rules =
		RULES(RULE(ll_at("a"), R_MAKE_REG),
		      RULE(ll_at("x"), ll_all_fs() & ~R_MAKE_REG));
	const struct two_paths in_a = { ll_at("a/f"), ll_at("a/g") };
	const struct two_paths in_x = { ll_at("x/f"), ll_at("x/g") };
	const struct two_paths in_b = { ll_at("b/f"), ll_at("b/g") };

	ASSERT_EQ(0, in_sandbox(ll_all_fs(), rules, op_link, &in_a));
	ASSERT_EQ(EACCES, in_sandbox(ll_all_fs(), rules, op_link, &in_x));
	ASSERT_EQ(EACCES, in_sandbox(ll_all_fs(), rules, op_link, &in_b));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("a/g")));
	ASSERT_EQ(0, ll_type_of(ll_at("x/g")));
	ASSERT_EQ(0, ll_type_of(ll_at("b/g")));
}

/* ------------------------------------------------------------------------
 * §5.5: a domain handling an FS right may not mount, even with every right
 * granted everywhere.
 */
LL_TEST_F(layout, mount_denied_after_restriction,
	  .root = "CAP_SYS_ADMIN for mount")
{
	ASSERT_EQ(0, unshare(CLONE_NEWNS));
	ASSERT_EQ(0, mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	ASSERT_EQ(0, mount("tmpfs", ll_at("a"), "tmpfs", 0, NULL));
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = ll_all_fs(),
			     .paths = RULES(RULE("/", ll_all_fs())) }));
	ASSERT_EQ(-1, mount("tmpfs", ll_at("b"), "tmpfs", 0, NULL));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(-1, umount(ll_at("a")));
	ASSERT_EQ(EPERM, errno);
}

LL_MAIN()
