// SPDX-License-Identifier: GPL-2.0
/*
 * abi1_fs_topology: filesystem rules and the mount tree (SPEC §5.1, §5.4,
 * §5.5).  Mount, bind, remount, propagation changes, umount, move_mount and
 * pivot_root are denied with EPERM to a domain handling an FS right (on ABI
 * 1-3 every domain handles one) and allowed otherwise; rules are tied to
 * inodes and found by a walk that crosses mount points upward; a bind mount
 * shows the same inodes under two paths; renames across mount points are the
 * VFS's EXDEV; chroot is not restricted; nsfs and unlinked files reached
 * through /proc.
 *
 * Every test that mounts runs in its own mount namespace (plus a user
 * namespace when not root) on a tmpfs it mounts over its scratch directory
 * T, so nothing leaks to the machine and root is not needed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "modules.h"
#include "privs.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_LANDLOCK);

#define ACCESS_RO (R_READ | R_READ_DIR)
#define ACCESS_RW (ACCESS_RO | R_WRITE)

/* An operation's own setup failed (never a plausible errno). */
#define OP_SETUP_FAILED 254

/*
 * Makes T, enters a private mount namespace, mounts a tmpfs on T and
 * creates `entries` in it.  Same returns as ll_enter_namespaces().
 */
static int mount_tree(const char *const entries[])
{
	int err = ll_scratch_dir("t", ll_root, sizeof(ll_root));

	if (err)
		return err;
	err = ll_enter_namespaces(CAP_SYS_ADMIN, CLONE_NEWNS);
	if (err)
		return err;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", ll_root, "tmpfs", 0, "mode=0700"))
		return errno;
	return ll_make_tree(ll_root, entries);
}

/* In a test body: mount_tree(), a refused user namespace is a skip. */
#define LL_MOUNT_TREE(entries)                                            \
	do {                                                              \
		int _err = mount_tree(entries);                           \
		if (_err < 0)                                             \
			LL_NAMESPACES_OR_SKIP("a user namespace", -_err); \
		LL_SETUP(_err);                                           \
	} while (0)

/* A fresh tmpfs on T/rel, holding `entries`. */
static int mount_tmpfs(const char *rel, const char *const entries[])
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", ll_at("%s", rel));
	if (mount("tmpfs", dir, "tmpfs", 0, "mode=0700"))
		return errno;
	return entries ? ll_make_tree(dir, entries) : 0;
}

static struct statx stat_of(const char *path)
{
	struct statx stx = { 0 };

	statx(AT_FDCWD, path, 0, STATX_INO | STATX_MNT_ID, &stx);
	return stx;
}

static bool is_mount_root(const char *path)
{
	return stat_of(path).stx_attributes & STATX_ATTR_MOUNT_ROOT;
}

static bool is_read_only(const char *path)
{
	struct statvfs st;

	return !statvfs(path, &st) && (st.f_flag & ST_RDONLY);
}

/* Whether the mount at `path` is in a peer group (/proc/self/mountinfo). */
static bool is_shared(const char *path)
{
	const uint64_t id = stat_of(path).stx_mnt_id;
	FILE *info = fopen("/proc/self/mountinfo", "re");
	bool shared = false;
	char line[4096];

	while (info && fgets(line, sizeof(line), info)) {
		char *tag = strstr(line, " shared:"),
		     *end = strstr(line, " - ");

		if (strtoull(line, NULL, 10) != id)
			continue;
		shared = tag && (!end || tag < end);
		break;
	}
	if (info)
		fclose(info);
	return shared;
}

/* ------------------------------------------------------------------------
 * §5.5: changes of the mount tree.  Each variant is one change, done in a
 * child (sharing the test's mount namespace) on:
 *
 *	T/			tmpfs of the test's mount namespace
 *	├── src/f		source of the bind mount
 *	├── m/			target of mount, bind and move_mount
 *	└── mnt/		a tmpfs mounted by the test: what remount,
 *	    ├── f		propagation, umount, move_mount and pivot_root
 *	    └── old/		change (old/: pivot_root's put_old)
 *
 * A denied change must leave the tree as it was; the same change by an
 * unsandboxed child afterwards must then succeed and show its effect, so the
 * EPERM was Landlock's.  pivot_root is called after chroot(T): T is a mount
 * with a parent, which pivot_root needs, while the guests' / (the initial
 * rootfs) is refused with EINVAL on kernels up to 6.19.  Landlock's check
 * comes first in path_pivot_root() (right after may_mount(), before any
 * mount check), so the denied side does not depend on that [7.3.4:
 * fs/namespace.c].
 */
static const char *const topology_tree[] = { "src/", "src/f", "m/", "mnt/",
					     NULL };
static const char *const mnt_tree[] = { "f", "old/", NULL };

static int op_mount(void *arg)
{
	(void)arg;
	return ll_errno_of(mount("tmpfs", ll_at("m"), "tmpfs", 0, "mode=0700"));
}

static bool mount_done(void)
{
	return is_mount_root(ll_at("m"));
}

static int op_bind(void *arg)
{
	(void)arg;
	return ll_errno_of(
		mount(ll_at("src"), ll_at("m"), NULL, MS_BIND, NULL));
}

static bool bind_done(void)
{
	return ll_type_of(ll_at("m/f")) == S_IFREG;
}

/* Superblock remount (the sb_remount hook behind the sb_mount one). */
static int op_remount(void *arg)
{
	(void)arg;
	return ll_errno_of(
		mount(NULL, ll_at("mnt"), NULL, MS_REMOUNT | MS_RDONLY, NULL));
}

/*
 * The same superblock change through the new mount API: fspick(2), then
 * fsconfig(FSCONFIG_CMD_RECONFIGURE).  No sb_mount hook runs on this path,
 * so Landlock decides in its sb_remount hook alone.
 */
static int op_reconfigure(void *arg)
{
	int fd, err;

	(void)arg;
	fd = fspick(AT_FDCWD, ll_at("mnt"), FSPICK_CLOEXEC);
	if (fd < 0)
		return errno;
	err = ll_errno_of(fsconfig(fd, FSCONFIG_SET_FLAG, "ro", NULL, 0));
	if (!err)
		err = ll_errno_of(
			fsconfig(fd, FSCONFIG_CMD_RECONFIGURE, NULL, NULL, 0));
	close(fd);
	return err;
}

/* Per-mount flags. */
static int op_bind_remount(void *arg)
{
	(void)arg;
	return ll_errno_of(mount(NULL, ll_at("mnt"), NULL,
				 MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
}

static bool read_only_done(void)
{
	return is_read_only(ll_at("mnt"));
}

static int op_make_shared(void *arg)
{
	(void)arg;
	return ll_errno_of(mount(NULL, ll_at("mnt"), NULL, MS_SHARED, NULL));
}

static bool shared_done(void)
{
	return is_shared(ll_at("mnt"));
}

static int op_umount(void *arg)
{
	(void)arg;
	return ll_errno_of(umount(ll_at("mnt")));
}

static bool umount_done(void)
{
	return !is_mount_root(ll_at("mnt"));
}

static int op_move_mount(void *arg)
{
	(void)arg;
	return ll_errno_of(syscall(SYS_move_mount, AT_FDCWD, ll_at("mnt"),
				   AT_FDCWD, ll_at("m"), 0));
}

static bool move_mount_done(void)
{
	return is_mount_root(ll_at("m")) && !is_mount_root(ll_at("mnt")) &&
	       ll_type_of(ll_at("m/old")) == S_IFDIR;
}

/* chroot(2) is not restricted (§5.5): a failure here is no verdict. */
static int op_pivot_root(void *arg)
{
	(void)arg;
	if (chroot(ll_root) || chdir("/"))
		return OP_SETUP_FAILED;
	return ll_errno_of(syscall(SYS_pivot_root, "/mnt", "/mnt/old"));
}

/* T now shows mnt's tmpfs, and T's old tmpfs is mounted on its old/. */
static bool pivot_root_done(void)
{
	return ll_type_of(ll_at("f")) == S_IFREG &&
	       ll_type_of(ll_at("old/src/f")) == S_IFREG;
}

FIXTURE(topology){};

FIXTURE_VARIANT(topology)
{
	int (*op)(void *arg);
	bool (*done)(void);
};

FIXTURE_SETUP(topology)
{
}

FIXTURE_TEARDOWN(topology)
{
}

/* clang-format off */
FIXTURE_VARIANT_ADD(topology, mount) {
	.op = op_mount, .done = mount_done,
};
FIXTURE_VARIANT_ADD(topology, bind_mount) {
	.op = op_bind, .done = bind_done,
};
FIXTURE_VARIANT_ADD(topology, remount) {
	.op = op_remount, .done = read_only_done,
};
FIXTURE_VARIANT_ADD(topology, reconfigure) {
	.op = op_reconfigure, .done = read_only_done,
};
FIXTURE_VARIANT_ADD(topology, bind_remount) {
	.op = op_bind_remount, .done = read_only_done,
};
FIXTURE_VARIANT_ADD(topology, make_shared) {
	.op = op_make_shared, .done = shared_done,
};
FIXTURE_VARIANT_ADD(topology, umount) {
	.op = op_umount, .done = umount_done,
};
FIXTURE_VARIANT_ADD(topology, move_mount) {
	.op = op_move_mount, .done = move_mount_done,
};
FIXTURE_VARIANT_ADD(topology, pivot_root) {
	.op = op_pivot_root, .done = pivot_root_done,
};
/* clang-format on */

#define LL_TOPOLOGY_TREE()                                \
	do {                                              \
		LL_MOUNT_TREE(topology_tree);             \
		LL_SETUP(mount_tmpfs("mnt", mnt_tree));   \
		ASSERT_TRUE(is_mount_root(ll_at("mnt"))); \
		ASSERT_FALSE(variant->done());            \
	} while (0)

/* A second layer enforced in the child before the operation. */
struct layered_op {
	const struct ll_ruleset_desc *layer;
	int (*op)(void *arg);
};

static int run_layered(void *arg)
{
	const struct layered_op *l = arg;

	if (ll_enforce(l->layer))
		return OP_SETUP_FAILED;
	return l->op(NULL);
}

/* The change is refused with EPERM under `desc` and the tree unchanged. */
static void assert_denied(struct __test_metadata *_metadata,
			  const FIXTURE_VARIANT(topology) * variant,
			  const struct ll_ruleset_desc *desc,
			  const struct ll_ruleset_desc *second)
{
	struct layered_op layered = { second, variant->op };

	if (second) {
		ASSERT_EQ(EPERM, ll_run_child(desc, run_layered, &layered));
	} else {
		ASSERT_EQ(EPERM, ll_run_child(desc, variant->op, NULL));
	}
	ASSERT_FALSE(variant->done());
}

/* The change succeeds under `desc` (NULL: no domain) and shows. */
static void assert_allowed(struct __test_metadata *_metadata,
			   const FIXTURE_VARIANT(topology) * variant,
			   const struct ll_ruleset_desc *desc)
{
	ASSERT_EQ(0, ll_run_child(desc, variant->op, NULL));
	ASSERT_TRUE(variant->done());
}

LL_TEST_F(topology, allowed_without_a_domain)
{
	LL_TOPOLOGY_TREE();
	assert_allowed(_metadata, variant, NULL);
}

/*
 * Even a domain that restricts no access (every right granted on /), or one
 * handling a single unrelated right.
 */
LL_TEST_F(topology, denied_with_eperm_by_a_domain_handling_an_fs_right)
{
	LL_TOPOLOGY_TREE();
	assert_denied(_metadata, variant,
		      &(struct ll_ruleset_desc){
			      .handled_fs = ll_all_fs(),
			      .paths = RULES(RULE("/", ll_all_fs())),
		      },
		      NULL);
	assert_denied(_metadata, variant,
		      &(struct ll_ruleset_desc){ .handled_fs = R_MAKE_SOCK },
		      NULL);
	assert_allowed(_metadata, variant, NULL);
}

LL_TEST_F(topology, allowed_by_a_net_only_domain,
	  .needs = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	LL_TOPOLOGY_TREE();
	assert_allowed(_metadata, variant,
		       &(struct ll_ruleset_desc){
			       .handled_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		       });
}

LL_TEST_F(topology, allowed_by_a_scope_only_domain, .needs = LL_B_SCOPE)
{
	LL_TOPOLOGY_TREE();
	assert_allowed(_metadata, variant,
		       &(struct ll_ruleset_desc){
			       .scoped = LANDLOCK_SCOPE_SIGNAL,
		       });
}

LL_TEST_F(topology, denied_by_a_domain_handling_net_and_an_fs_right,
	  .needs = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	LL_TOPOLOGY_TREE();
	assert_denied(_metadata, variant,
		      &(struct ll_ruleset_desc){
			      .handled_fs = R_EXECUTE,
			      .handled_net = LANDLOCK_ACCESS_NET_BIND_TCP,
		      },
		      NULL);
	assert_allowed(_metadata, variant, NULL);
}

/* One layer handling an FS right is enough, above or below a net-only one. */
LL_TEST_F(topology, denied_when_any_layer_handles_an_fs_right,
	  .needs = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	const struct ll_ruleset_desc fs = { .handled_fs = R_EXECUTE };
	const struct ll_ruleset_desc net = {
		.handled_net = LANDLOCK_ACCESS_NET_BIND_TCP,
	};

	LL_TOPOLOGY_TREE();
	assert_denied(_metadata, variant, &fs, &net);
	assert_denied(_metadata, variant, &net, &fs);
	assert_allowed(_metadata, variant, NULL);
}

/*
 * Before ABI 4 no domain can be without an FS right: a ruleset handling
 * network rights cannot even be made (its attr is larger than the kernel's,
 * with a non-zero tail: E2BIG, §2.1), and the narrowest domain there is (one
 * right, granted everywhere) denies every change.
 */
LL_TEST_F(topology, denied_by_every_domain_before_net_only_domains,
	  .lacks = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	const struct landlock_ruleset_attr net_only = {
		.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP,
	};

	LL_TOPOLOGY_TREE();
	ASSERT_EQ(-1, ll_create_ruleset(&net_only,
					ll_ruleset_attr_size(
						ll_behaviour_abi(LL_B_NET_TCP)),
					0));
	ASSERT_EQ(E2BIG, errno);
	assert_denied(_metadata, variant,
		      &(struct ll_ruleset_desc){
			      .handled_fs = R_EXECUTE,
			      .paths = RULES(RULE("/", R_EXECUTE)),
		      },
		      NULL);
	assert_allowed(_metadata, variant, NULL);
}

/* ------------------------------------------------------------------------
 * §5.1: rules and mount points.  The walk from a file goes up to the real
 * root, crossing mount points:
 *
 *	T/			tmpfs of the test's mount namespace
 *	├── s1/f
 *	│   └── d/f
 *	├── s2/f
 *	├── s3/f
 *	│   └── mp/		a tmpfs: f, d/f
 *	└── c/f			covered by a tmpfs in covered_*
 */
static const char *const rules_tree[] = {
	"s1/", "s1/f", "s1/d/",	 "s1/d/f", "s2/", "s2/f",
	"s3/", "s3/f", "s3/mp/", "c/",	   "c/f", NULL,
};
static const char *const mp_tree[] = { "f", "d/", "d/f", NULL };

#define LL_RULES_TREE()                                  \
	do {                                             \
		LL_MOUNT_TREE(rules_tree);               \
		LL_SETUP(mount_tmpfs("s3/mp", mp_tree)); \
	} while (0)

static int open_dir(const char *path)
{
	return ll_try_open(path, O_RDONLY | O_DIRECTORY);
}

LL_TEST(rule_on_a_mount_point_grants_the_mounted_tree)
{
	LL_RULES_TREE();
	/* T/s3/mp is opened after the mount: the tmpfs's root. */
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1"), ACCESS_RO),
					 RULE(ll_at("s3/mp"), ACCESS_RO))));
	ASSERT_EQ(0, open_dir(ll_at("s1")));
	ASSERT_EQ(EACCES, open_dir(ll_at("s2")));
	ASSERT_EQ(EACCES, open_dir(ll_at("s3")));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s3/f"), O_RDONLY));
	ASSERT_EQ(0, open_dir(ll_at("s3/mp")));
	ASSERT_EQ(0, open_dir(ll_at("s3/mp/d")));
	ASSERT_EQ(0, ll_try_open(ll_at("s3/mp/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s3/mp/d/f"), O_WRONLY));
}

LL_TEST(rule_above_a_mount_point_grants_across_it)
{
	LL_RULES_TREE();
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1"), ACCESS_RO),
					 RULE(ll_at("s3"), ACCESS_RO))));
	ASSERT_EQ(0, open_dir(ll_at("s1")));
	ASSERT_EQ(EACCES, open_dir(ll_at("s2")));
	ASSERT_EQ(0, open_dir(ll_at("s3")));
	ASSERT_EQ(0, open_dir(ll_at("s3/mp")));
	ASSERT_EQ(0, open_dir(ll_at("s3/mp/d")));
	ASSERT_EQ(0, ll_try_open(ll_at("s3/mp/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s3/mp/d/f"), O_WRONLY));
}

/*
 * A rule on / reaches everything through every mount (T's tmpfs, the
 * scratch filesystem, mp); a second layer granting less on / takes it away.
 */
LL_TEST(rule_on_root_grants_through_every_mount_and_a_narrower_layer_denies)
{
	LL_RULES_TREE();
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE("/", ACCESS_RO))));
	ASSERT_EQ(0, open_dir("/"));
	ASSERT_EQ(0, open_dir(ll_at("s1")));
	ASSERT_EQ(0, open_dir(ll_at("s3/mp/d")));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s3/mp/d/f"), O_WRONLY));

	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE("/", R_READ))));
	ASSERT_EQ(EACCES, open_dir("/"));
	ASSERT_EQ(EACCES, open_dir(ll_at("s1")));
	ASSERT_EQ(EACCES, open_dir(ll_at("s3/mp/d")));
	ASSERT_EQ(0, ll_try_open(ll_at("s3/mp/d/f"), O_RDONLY));
}

LL_TEST(rule_on_root_without_read_dir_denies_every_directory)
{
	LL_RULES_TREE();
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE("/", R_READ))));
	ASSERT_EQ(EACCES, open_dir("/"));
	ASSERT_EQ(EACCES, open_dir(ll_at("s1")));
	ASSERT_EQ(EACCES, open_dir(ll_at("s3/mp")));
	ASSERT_EQ(0, ll_try_open(ll_at("s1/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("s3/mp/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s3/mp/f"), O_WRONLY));
}

/*
 * A rule on T/c, made before a tmpfs covers T/c, stays on the hidden
 * directory: the walk from the mount's root goes to the mount point's
 * parent, never through the covered inode.
 */
LL_TEST(rule_on_a_directory_covered_by_a_later_mount_does_not_grant_the_mount)
{
	int ruleset;

	LL_RULES_TREE();
	ruleset = ll_ruleset_build(&(struct ll_ruleset_desc){
		.handled_fs = R_READ_DIR,
		.paths = RULES(RULE(ll_at("c"), R_READ_DIR),
			       RULE(ll_at("s1"), R_READ_DIR)),
	});
	ASSERT_LE(0, ruleset);
	LL_SETUP(mount_tmpfs("c", NULL));
	ASSERT_EQ(0, open_dir(ll_at("c")));
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, ll_restrict_self(ruleset, 0));
	close(ruleset);
	ASSERT_EQ(EACCES, open_dir(ll_at("c")));
	ASSERT_EQ(0, open_dir(ll_at("s1")));
	ASSERT_EQ(0, open_dir(ll_at("s1/d")));
}

/* A rule follows its inode: renamed before enforcement, the path does not. */
LL_TEST(rule_follows_its_directory_renamed_before_enforcement)
{
	int ruleset;

	LL_SETUP(ll_tree_make("t", rules_tree));
	ruleset = ll_ruleset_build(&(struct ll_ruleset_desc){
		.handled_fs = ACCESS_RW,
		.paths = RULES(RULE(ll_at("s1"), ACCESS_RO)),
	});
	ASSERT_LE(0, ruleset);
	LL_SETUP(ll_errno_of(rename(ll_at("s1"), ll_at("moved"))));
	LL_SETUP(ll_errno_of(rename(ll_at("s2"), ll_at("s1"))));
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, ll_restrict_self(ruleset, 0));
	close(ruleset);
	ASSERT_EQ(0, open_dir(ll_at("moved")));
	ASSERT_EQ(0, ll_try_open(ll_at("moved/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, open_dir(ll_at("s1")));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/f"), O_RDONLY));
}

/*
 * After pivot_root (before enforcement), a rule made through the new paths:
 * the old root, now on /old, is granted; the new root is not.
 */
LL_TEST(rule_after_pivot_root_grants_only_beneath_its_new_path)
{
	LL_MOUNT_TREE(topology_tree);
	LL_SETUP(mount_tmpfs("mnt", mnt_tree));
	LL_SETUP(ll_errno_of(chroot(ll_root)));
	LL_SETUP(ll_errno_of(chdir("/")));
	LL_SETUP(ll_errno_of(syscall(SYS_pivot_root, "/mnt", "/mnt/old")));
	LL_SETUP(ll_errno_of(chdir("/")));
	ASSERT_EQ(S_IFREG, ll_type_of("/old/src/f"));

	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE("old", ACCESS_RO))));
	ASSERT_EQ(0, open_dir("old"));
	ASSERT_EQ(0, ll_try_open("/old/src/f", O_RDONLY));
	ASSERT_EQ(EACCES, open_dir("/"));
	ASSERT_EQ(EACCES, ll_try_open("/f", O_RDONLY));
}

/*
 * umount_sandboxer: a process running a program from a mount pins it
 * (EBUSY); once the sandboxed process has execve'd a program from elsewhere,
 * its domain (with a rule on the mount) does not pin the mount.  The
 * sandboxer and the waiter are copies of this program, run through these
 * arguments before the harness starts.
 */
#define SANDBOXER_ARG "--llconform-topology-sandboxer"
#define WAITER_ARG "--llconform-topology-waiter"

static void __attribute__((constructor)) topology_helpers(int argc, char **argv)
{
	char c;

	/* SANDBOXER_ARG out_fd in_fd waiter rule_dir */
	if (argc == 6 && !strcmp(argv[1], SANDBOXER_ARG)) {
		/* The ABI-1 struct: accepted by every ABI. */
		struct landlock_ruleset_attr attr = { .handled_access_fs =
							      R_WRITE };
		struct landlock_path_beneath_attr rule = {
			.allowed_access = R_WRITE,
			.parent_fd = open(argv[5], O_PATH | O_CLOEXEC),
		};
		char *const next[] = { argv[4], WAITER_ARG, argv[2], argv[3],
				       NULL };
		int fd = ll_create_ruleset(&attr,
					   sizeof(attr.handled_access_fs), 0);

		if (fd < 0 || rule.parent_fd < 0 ||
		    ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		    ll_restrict_self(fd, 0))
			_exit(2);
		close(fd);
		close(rule.parent_fd);
		if (write(atoi(argv[2]), ".", 1) != 1 ||
		    read(atoi(argv[3]), &c, 1) != 1)
			_exit(3);
		execve(next[0], next, environ);
		_exit(4);
	}
	/* WAITER_ARG out_fd in_fd */
	if (argc == 4 && !strcmp(argv[1], WAITER_ARG)) {
		if (write(atoi(argv[2]), ".", 1) != 1 ||
		    read(atoi(argv[3]), &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
}

LL_TEST(umount_not_blocked_by_the_domain_of_a_process_started_from_the_mount)
{
	int up[2], down[2], status;
	char out[16], in[16], c;
	pid_t child;

	LL_RULES_TREE();
	LL_SETUP(ll_copy_self(ll_at("s3/mp/sandboxer")));
	LL_SETUP(ll_copy_self(ll_at("waiter")));
	LL_SETUP(ll_errno_of(pipe(up)));
	LL_SETUP(ll_errno_of(pipe(down)));
	snprintf(out, sizeof(out), "%d", up[1]);
	snprintf(in, sizeof(in), "%d", down[0]);
	fflush(NULL);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		char *const argv[] = { (char *)ll_at("s3/mp/sandboxer"),
				       SANDBOXER_ARG,
				       out,
				       in,
				       (char *)ll_at("waiter"),
				       (char *)ll_at("s3/mp/d"),
				       NULL };

		close(up[0]);
		close(down[1]);
		execve(argv[0], argv, environ);
		_exit(1);
	}
	close(up[1]);
	close(down[0]);

	/* The sandboxer runs from the mount and is sandboxed. */
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(-1, umount(ll_at("s3/mp")));
	ASSERT_EQ(EBUSY, errno);

	/* Now the same process, same domain, runs T/waiter. */
	ASSERT_EQ(1, write(down[1], ".", 1));
	ASSERT_EQ(1, read(up[0], &c, 1));
	ASSERT_EQ(0, ll_errno_of(umount(ll_at("s3/mp"))));
	ASSERT_FALSE(is_mount_root(ll_at("s3/mp")));

	ASSERT_EQ(1, write(down[1], ".", 1));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* ------------------------------------------------------------------------
 * §5.1: a bind mount shows the same inodes under a second path.
 *
 *	T/			tmpfs of the test's mount namespace
 *	├── s1/f
 *	│   └── d/f		source of the bind mount
 *	│       └── e/f
 *	└── s2/f
 *	    └── b/		bind mount of T/s1/d: b/f, b/e/f
 */
static const char *const bind_tree[] = {
	"s1/",	    "s1/f", "s1/d/", "s1/d/f", "s1/d/e/",
	"s1/d/e/f", "s2/",  "s2/f",  "s2/b/",  NULL,
};

#define LL_BIND_TREE()                                                         \
	do {                                                                   \
		LL_MOUNT_TREE(bind_tree);                                      \
		LL_SETUP(ll_errno_of(mount(ll_at("s1/d"), ll_at("s2/b"), NULL, \
					   MS_BIND, NULL)));                   \
	} while (0)

LL_TEST(bind_mount_shows_the_same_inodes_without_a_domain)
{
	struct statx src, dst;

	LL_BIND_TREE();
	ASSERT_EQ(0, open_dir(ll_at("s1/d/e")));
	ASSERT_EQ(0, open_dir(ll_at("s2/b/e")));
	ASSERT_EQ(0, ll_try_open(ll_at("s1/d/e/f"), O_RDWR));
	ASSERT_EQ(0, ll_try_open(ll_at("s2/b/e/f"), O_RDWR));
	src = stat_of(ll_at("s1/d/e/f"));
	dst = stat_of(ll_at("s2/b/e/f"));
	ASSERT_NE(0, src.stx_ino);
	ASSERT_EQ(src.stx_ino, dst.stx_ino);
	ASSERT_NE(src.stx_mnt_id, dst.stx_mnt_id);
	ASSERT_TRUE(is_mount_root(ll_at("s2/b")));
}

/*
 * Layer by layer: rules above the two mount points differ, so do the rights
 * seen through each path; a rule on an inode (through either path) applies
 * through both.
 */
LL_TEST(rules_through_either_path_of_a_bind_mount_apply_to_the_same_inode)
{
	LL_BIND_TREE();
	/* Layer 1: above the source and above the mount point. */
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1"), ACCESS_RO),
					 RULE(ll_at("s2"), ACCESS_RW))));
	ASSERT_EQ(0, ll_try_open(ll_at("s1/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/d/f"), O_WRONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("s2/b/f"), O_RDWR));
	ASSERT_EQ(0, ll_try_open(ll_at("s2/f"), O_RDWR));

	/* Layer 2: s1/d and s2/b are one inode: its rights are RO | RW. */
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1/d"), R_READ),
					 RULE(ll_at("s2/b"), ACCESS_RW))));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s2/f"), O_RDONLY));
	ASSERT_EQ(0, open_dir(ll_at("s1/d")));
	ASSERT_EQ(0, ll_try_open(ll_at("s1/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/d/f"), O_WRONLY));
	ASSERT_EQ(0, open_dir(ll_at("s2/b")));
	ASSERT_EQ(0, ll_try_open(ll_at("s2/b/f"), O_RDWR));

	/* Layer 3: READ_FILE on s1/d/e, seen through s2/b/e as well. */
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1/d/e"), R_READ))));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/d/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s2/b/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("s1/d/e/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("s2/b/e/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s2/b/e/f"), O_WRONLY));
	ASSERT_EQ(EACCES, open_dir(ll_at("s2/b/e")));

	/* Layer 4: WRITE_FILE only, on the file through the bind mount. */
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s2/b/e/f"), R_WRITE))));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/d/e/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s2/b/e/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("s1/d/e/f"), O_WRONLY));
}

static int rename_errno(const char *from, const char *to)
{
	return ll_errno_of(rename(from, to));
}

static int link_errno(const char *from, const char *to)
{
	return ll_errno_of(link(from, to));
}

/*
 * Across two mounts, even of the same directory of the same filesystem, the
 * VFS refuses a rename or link with EXDEV before Landlock is asked, so a
 * domain granting everything changes nothing.
 */
LL_TEST(rename_and_link_across_mount_points_fail_with_exdev_from_the_vfs)
{
	LL_BIND_TREE();
	for (int sandboxed = 0; sandboxed < 2; sandboxed++) {
		if (sandboxed) {
			ASSERT_EQ(0,
				  ll_enforce_fs(ll_all_fs(),
						RULES(RULE("/", ll_all_fs()))));
		}
		ASSERT_EQ(EXDEV, rename_errno(ll_at("s2/f"), ll_at("s2/b/g")));
		ASSERT_EQ(EXDEV, link_errno(ll_at("s2/f"), ll_at("s2/b/g")));
		/* Same directory inode, two mounts. */
		ASSERT_EQ(EXDEV,
			  rename_errno(ll_at("s1/d/f"), ll_at("s2/b/g")));
		ASSERT_EQ(EXDEV, link_errno(ll_at("s2/b/f"), ll_at("s1/d/g")));
		ASSERT_EQ(0, ll_type_of(ll_at("s1/d/g")));
		/* Within one mount and one directory: allowed. */
		ASSERT_EQ(0, rename_errno(ll_at("s2/b/f"), ll_at("s2/b/h")));
		ASSERT_EQ(0, rename_errno(ll_at("s2/b/h"), ll_at("s2/b/f")));
	}
}

/*
 * REFER is found by the walk across the bind mount's mount point (rule on
 * s2), not through the source path; EXECUTE on s2/b/e makes a move into it
 * a widening one.
 */
LL_TEST(reparenting_in_a_bind_mount_takes_refer_from_above_its_mount_point,
	.needs = LL_B_REFER)
{
	LL_BIND_TREE();
	ASSERT_EQ(0, ll_enforce_fs(R_REFER | R_EXECUTE,
				   RULES(RULE(ll_at("s2"), R_REFER),
					 RULE(ll_at("s2/b/e"), R_EXECUTE))));
	/* No REFER through the source path. */
	ASSERT_EQ(EXDEV, rename_errno(ll_at("s1/f"), ll_at("s1/d/g")));
	ASSERT_EQ(EXDEV, rename_errno(ll_at("s1/d/e/f"), ll_at("s1/d/g")));
	/* Through the bind mount: widening refused, narrowing allowed. */
	ASSERT_EQ(EXDEV, rename_errno(ll_at("s2/b/f"), ll_at("s2/b/e/g")));
	ASSERT_EQ(0, rename_errno(ll_at("s2/b/e/f"), ll_at("s2/b/g")));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("s1/d/g")));
	ASSERT_EQ(0, ll_type_of(ll_at("s1/d/e/f")));
}

/* §5.4: before REFER, any reparenting is EXDEV; same directory is fine. */
LL_TEST(reparenting_in_a_bind_mount_always_exdev_before_refer,
	.lacks = LL_B_REFER)
{
	LL_BIND_TREE();
	ASSERT_EQ(0, ll_enforce_fs(R_EXECUTE,
				   RULES(RULE(ll_at("s2"), R_EXECUTE))));
	ASSERT_EQ(EXDEV, rename_errno(ll_at("s2/b/e/f"), ll_at("s2/b/g")));
	ASSERT_EQ(EXDEV, rename_errno(ll_at("s2/b/f"), ll_at("s2/b/e/g")));
	ASSERT_EQ(0, rename_errno(ll_at("s2/b/f"), ll_at("s2/b/g")));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("s1/d/g")));
}

/* ------------------------------------------------------------------------
 * refer_mount_root_deny: a detached clone (open_tree OPEN_TREE_CLONE) of
 * T/s1, which is no mount point in its filesystem.  Linking its root into
 * itself is a reparenting of a directory: without a domain the VFS refuses
 * it (EPERM, hard link to a directory); in a domain Landlock decides first.
 * Renaming "." is always EBUSY (the VFS, before Landlock).
 */
static int open_clone(void)
{
	return syscall(SYS_open_tree, AT_FDCWD, ll_at("s1"),
		       AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}

static void check_detached_root(struct __test_metadata *_metadata, int expected)
{
	int root = open_clone();

	ASSERT_LE(0, root);
	ASSERT_EQ(-1, linkat(root, ".", root, "x", 0));
	ASSERT_EQ(EPERM, errno);
	ASSERT_EQ(0, ll_enforce_fs(R_MAKE_DIR, NULL));
	ASSERT_EQ(-1, linkat(root, ".", root, "x", 0));
	ASSERT_EQ(expected, errno);
	ASSERT_EQ(-1, renameat2(root, ".", root, "x", 0));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(0, faccessat(root, "f", F_OK, 0));
	close(root);
}

/*
 * A rename between two directories of the tmpfs mounted on T, REFER and
 * REMOVE_FILE granted inside it and MAKE_REG only on the directory holding
 * the mount point: the walk that checks both parents goes on past the
 * mount root until the destination side is allowed too (mutant 0e44fa872f
 * stopped it as soon as the source side alone was allowed: EACCES).
 */
LL_TEST(rename_needing_a_right_granted_above_the_mount_root,
	.needs = LL_B_REFER)
{
	static const char *const tree[] = { "s/", "s/f", "t/", "t/g", NULL };
	char above[PATH_MAX];

	LL_MOUNT_TREE(tree);
	snprintf(above, sizeof(above), "%s", ll_root);
	*strrchr(above, '/') = '\0';
	ASSERT_EQ(0, ll_enforce_fs(R_REFER | R_REMOVE_FILE | R_MAKE_REG,
				   RULES(RULE(ll_root, R_REFER),
					 RULE(ll_at("s"), R_REMOVE_FILE),
					 RULE(above, R_MAKE_REG))));
	ASSERT_EQ(0, rename_errno(ll_at("s/f"), ll_at("t/n")));
	/* t has no REMOVE_FILE: the other way is denied. */
	ASSERT_EQ(EACCES, rename_errno(ll_at("t/g"), ll_at("s/n")));
}

LL_TEST(link_of_a_detached_mount_root_denied_with_eacces, .needs = LL_B_REFER)
{
	LL_MOUNT_TREE(rules_tree);
	check_detached_root(_metadata, EACCES);
}

LL_TEST(link_of_a_detached_mount_root_exdev_before_refer, .lacks = LL_B_REFER)
{
	LL_MOUNT_TREE(rules_tree);
	check_detached_root(_metadata, EXDEV);
}

/* ------------------------------------------------------------------------
 * relative_chroot_*: chroot(2) is allowed in a domain, and the new root is
 * no boundary for the walk: layer 1's only rule is on T, above it.
 *
 *	T/			layer 1: RO
 *	├── s1/f
 *	│   └── d/f		layer 2: RO
 *	│       └── e/f
 *	└── s2/f
 *	    └── d/f		layer 2: RO
 *	        └── e/f
 */
static const char *const chroot_tree[] = {
	"s1/",	"s1/f",	 "s1/d/",  "s1/d/f",  "s1/d/e/",  "s1/d/e/f", "s2/",
	"s2/f", "s2/d/", "s2/d/f", "s2/d/e/", "s2/d/e/f", NULL,
};

static void chroot_layers(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE(ll_root, ACCESS_RO))));
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW,
				   RULES(RULE(ll_at("s1/d"), ACCESS_RO),
					 RULE(ll_at("s2/d"), ACCESS_RO))));
}

#define LL_CHROOT_TREE()                                                  \
	do {                                                              \
		int _err;                                                 \
		LL_SETUP(ll_tree_make("t", chroot_tree));                 \
		_err = ll_enter_namespaces(CAP_SYS_CHROOT, 0);            \
		if (_err < 0)                                             \
			LL_NAMESPACES_OR_SKIP("a user namespace", -_err); \
		LL_SETUP(_err);                                           \
	} while (0)

static int open_rel(const char *path)
{
	return ll_try_openat(AT_FDCWD, path, O_RDONLY);
}

/* chroot to T/s1/d while the working directory stays T/s2/d. */
LL_TEST(chroot_elsewhere_in_a_domain_leaves_cwd_walks_to_the_rules)
{
	LL_CHROOT_TREE();
	LL_SETUP(ll_errno_of(chdir(ll_at("s2/d"))));
	chroot_layers(_metadata);
	ASSERT_EQ(0, ll_errno_of(chroot("../../s1/d")));

	/* The working directory, outside the new root. */
	ASSERT_EQ(EACCES, open_rel(".."));
	ASSERT_EQ(0, open_rel("."));
	ASSERT_EQ(0, open_rel("./e"));
	ASSERT_EQ(0, open_rel("e/f"));
	ASSERT_EQ(EACCES, open_rel("../../s1"));
	ASSERT_EQ(0, open_rel("../../s1/d/e"));
	ASSERT_EQ(EACCES, open_rel("../../s2"));
	ASSERT_EQ(0, open_rel("../../s2/d/e/f"));

	/* The new root: layer 1's rule above it still grants. */
	ASSERT_EQ(0, open_rel("/.."));
	ASSERT_EQ(0, open_rel("/"));
	ASSERT_EQ(0, open_rel("/f"));
	ASSERT_EQ(0, open_rel("/e"));
	ASSERT_EQ(EACCES, ll_try_open("/f", O_WRONLY));
}

/* chroot to the working directory T/s1/d: ".." stops at the new root. */
LL_TEST(chroot_to_cwd_in_a_domain_keeps_the_rules_above_the_new_root)
{
	LL_CHROOT_TREE();
	LL_SETUP(ll_errno_of(chdir(ll_at("s1/d"))));
	chroot_layers(_metadata);
	ASSERT_EQ(0, ll_errno_of(chroot(".")));

	ASSERT_EQ(0, open_rel(".."));
	ASSERT_EQ(0, open_rel("."));
	ASSERT_EQ(0, open_rel("./e"));
	ASSERT_EQ(0, open_rel("/.."));
	ASSERT_EQ(0, open_rel("/"));
	ASSERT_EQ(0, open_rel("/f"));
	ASSERT_EQ(0, open_rel("/e/f"));
	ASSERT_EQ(EACCES, ll_try_open("/e/f", O_WRONLY));
}

/* ------------------------------------------------------------------------
 * /proc: an unlinked file keeps the rule of its inode when reopened through
 * /proc/self/fd; nsfs files (/proc/self/ns/ *) are on an internal
 * filesystem: no rule can name them (EBADFD) and opening them is allowed.
 */
#define LL_NEEDS_PROC()                                       \
	do {                                                  \
		if (access("/proc/self/ns/mnt", F_OK))        \
			LL_BROKEN("/proc is not mounted: %s", \
				  strerror(errno));           \
	} while (0)

LL_TEST(unlinked_file_reopened_through_proc_keeps_its_rule)
{
	static const char *const tree[] = { "d/", "d/f", NULL };
	char proc[64];
	int fd;

	LL_NEEDS_PROC();
	LL_SETUP(ll_tree_make("t", tree));
	ASSERT_EQ(0, ll_enforce_fs(R_READ | R_WRITE,
				   RULES(RULE(ll_at("d/f"), R_READ))));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("d/f"), O_RDWR));
	fd = open(ll_at("d/f"), O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_errno_of(unlink(ll_at("d/f"))));
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	ASSERT_EQ(0, ll_try_open(proc, O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(proc, O_RDWR));
	ASSERT_EQ(EACCES, ll_try_open(proc, O_WRONLY));
	close(fd);
}

/*
 * A rule holds its file's inode as long as a ruleset (or domain) holds the
 * rule, no longer: a file deleted after its rule was added stays allocated
 * on its tmpfs while the ruleset is open and is freed when the ruleset is
 * closed (a kernel that leaked the rule's reference, mutant 4ae66cd06a,
 * kept it until the unmount).
 */
LL_TEST(deleted_file_of_a_rule_freed_when_its_ruleset_is_closed)
{
	static const char *const tree[] = { "d/", "d/f", NULL };
	struct statvfs before, held, freed;
	int fd;

	LL_MOUNT_TREE(tree);
	LL_SETUP(ll_errno_of(statvfs(ll_root, &before)));
	fd = ll_ruleset_build(&(struct ll_ruleset_desc){
		.handled_fs = R_READ,
		.paths = RULES(RULE(ll_at("d/f"), R_READ)) });
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_errno_of(unlink(ll_at("d/f"))));
	ASSERT_EQ(0, ll_errno_of(statvfs(ll_root, &held)));
	EXPECT_EQ(before.f_ffree, held.f_ffree);
	close(fd);
	ASSERT_EQ(0, ll_errno_of(statvfs(ll_root, &freed)));
	EXPECT_EQ(before.f_ffree + 1, freed.f_ffree);
}

LL_TEST(nsfs_file_rejected_as_rule_parent_with_ebadfd)
{
	static const char *const tree[] = { "f", NULL };
	struct landlock_path_beneath_attr rule = {
		.allowed_access = R_READ | R_WRITE,
	};
	int ruleset;

	LL_NEEDS_PROC();
	LL_SETUP(ll_tree_make("t", tree));
	ruleset = ll_ruleset_build(
		&(struct ll_ruleset_desc){ .handled_fs = R_READ | R_WRITE });
	ASSERT_LE(0, ruleset);

	rule.parent_fd = open("/proc/self/ns/mnt", O_PATH | O_CLOEXEC);
	ASSERT_LE(0, rule.parent_fd);
	ASSERT_EQ(-1,
		  ll_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0));
	ASSERT_EQ(EBADFD, errno);
	close(rule.parent_fd);

	/* The same rule on a regular file is accepted. */
	rule.parent_fd = open(ll_at("f"), O_PATH | O_CLOEXEC);
	ASSERT_LE(0, rule.parent_fd);
	ASSERT_EQ(0,
		  ll_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0));
	close(rule.parent_fd);
	close(ruleset);
}

LL_TEST(nsfs_file_opens_through_proc_although_proc_is_denied)
{
	static const char *const tree[] = { "f", NULL };

	LL_NEEDS_PROC();
	LL_SETUP(ll_tree_make("t", tree));
	ASSERT_EQ(0, ll_try_open("/proc/self/ns/mnt", O_RDONLY));
	ASSERT_EQ(0, ll_enforce_fs(ACCESS_RW, RULES(RULE(ll_at("f"), R_READ))));
	ASSERT_EQ(0, ll_try_open(ll_at("f"), O_RDONLY));
	ASSERT_EQ(EACCES, open_dir("/"));
	ASSERT_EQ(EACCES, open_dir("/proc/self/ns"));
	ASSERT_EQ(EACCES, ll_try_open("/proc/self/status", O_RDONLY));
	/* A walk ending at nsfs's disconnected root: allowed (§5.1). */
	ASSERT_EQ(0, ll_try_open("/proc/self/ns/mnt", O_RDONLY));
	ASSERT_EQ(0, ll_try_open("/proc/self/ns/net", O_RDONLY));
}

/* ------------------------------------------------------------------------
 * OverlayFS: the files of the merged view are the overlay's own inodes,
 * not the layers' [7.3.4 rst, "Filesystem topology modification" and the
 * OverlayFS note]: a rule on a layer grants nothing through the overlay,
 * a rule on the overlay nothing on the layers.  (Debian's kernels build
 * overlayfs as a module: vm gives the guests their kernel's overlay.ko.)
 *
 *	T/
 *	├── l1/f	upper of the two lower layers
 *	├── l2/g	lower layer
 *	└── ov/		overlay of l1 over l2 (read-only: no upper layer)
 */
static const char *const overlay_tree[] = { "l1/",  "l1/f", "l2/",
					    "l2/g", "ov/",  NULL };

static int open_read(void *path)
{
	return ll_try_open(path, O_RDONLY);
}

LL_TEST(overlay_files_are_neither_granted_nor_denied_by_rules_on_layers)
{
	char l1[512], l2[512], ov[512], l1_f[512], l2_g[512], ov_f[512],
		ov_g[512], opts[1100];
	struct ll_ruleset_desc on_layers = { .handled_fs = R_READ },
			       on_overlay = { .handled_fs = R_READ };

	LL_MOUNT_TREE(overlay_tree);
	snprintf(l1, sizeof(l1), "%s", ll_at("l1"));
	snprintf(l2, sizeof(l2), "%s", ll_at("l2"));
	snprintf(ov, sizeof(ov), "%s", ll_at("ov"));
	snprintf(l1_f, sizeof(l1_f), "%s", ll_at("l1/f"));
	snprintf(l2_g, sizeof(l2_g), "%s", ll_at("l2/g"));
	snprintf(ov_f, sizeof(ov_f), "%s", ll_at("ov/f"));
	snprintf(ov_g, sizeof(ov_g), "%s", ll_at("ov/g"));
	snprintf(opts, sizeof(opts), "lowerdir=%s:%s", l1, l2);
	ll_load_guest_module("overlay");
	if (mount("overlay", ov, "overlay", MS_RDONLY, opts)) {
		if (errno == ENODEV)
			LL_SKIP_ENV(return, "no overlayfs in this kernel "
					    "(ENODEV: not built in, and no "
					    "overlay module to load)");
		LL_BROKEN("mount overlay: %s", strerror(errno));
	}
	if (ll_type_of(ov_f) != S_IFREG || ll_type_of(ov_g) != S_IFREG)
		LL_BROKEN("the overlay does not show f and g");
	on_layers.paths = RULES(RULE(l1, R_READ), RULE(l2, R_READ));
	EXPECT_EQ(0, ll_run_child(&on_layers, open_read, l1_f));
	EXPECT_EQ(0, ll_run_child(&on_layers, open_read, l2_g));
	EXPECT_EQ(EACCES, ll_run_child(&on_layers, open_read, ov_f));
	EXPECT_EQ(EACCES, ll_run_child(&on_layers, open_read, ov_g));
	on_overlay.paths = RULES(RULE(ov, R_READ));
	EXPECT_EQ(0, ll_run_child(&on_overlay, open_read, ov_f));
	EXPECT_EQ(0, ll_run_child(&on_overlay, open_read, ov_g));
	EXPECT_EQ(EACCES, ll_run_child(&on_overlay, open_read, l1_f));
	EXPECT_EQ(EACCES, ll_run_child(&on_overlay, open_read, l2_g));
	/* Its superblock goes now (hook_sb_delete walks its inodes). */
	ASSERT_EQ(0, ll_errno_of(umount(ov)));
}

LL_MAIN()
