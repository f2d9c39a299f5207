// SPDX-License-Identifier: GPL-2.0
/*
 * errata: one reproducer per Landlock erratum (abi/SPEC.md §9), each
 * tied to its bit with `.erratum = N`.  The assertions the erratum changes
 * are marked LL_ERRATUM_*(N, ...) and assert the fixed behaviour: they
 * pass where the kernel reports the bit set and are an expected failure
 * where it reports it clear.  Each reproducer also asserts, with ordinary
 * assertions, the side the erratum never changed (what stays denied, the
 * positive controls): those fail on any kernel that breaks them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "rights.h"
#include "tree.h"
#include "net.h"
#include "outsider.h"
#include "privs.h"

LL_PROGRAM(LL_B_LANDLOCK);

/* ------------------------------------------------------------------------
 * What the kernel reports: only errata a kernel of its ABI can carry.
 */
LL_TEST(errata_bitmask_holds_only_errata_of_the_running_abi)
{
	const uint32_t known = ll_errata_mask(ll_abi_now());
	const struct ll_erratum *e;
	int errata = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);

	if (errata < 0) {
		ASSERT_EQ(EINVAL, errno);
		ASSERT_FALSE(ll_mask(LL_CREATE_FLAG, ll_abi_now()) &
			     LANDLOCK_CREATE_RULESET_ERRATA)
		TH_LOG("ERRATA query must work on ABI %d", ll_kernel.abi);
		return;
	}
	ASSERT_EQ(ll_kernel.errata, errata);
	ASSERT_EQ(0, errata & ~known)
	TH_LOG("errata 0x%x, ABI %d knows 0x%x", errata, ll_kernel.abi, known);
	for (e = ll_errata(); e->id; e++) {
		if (errata & LL_ERRATUM_BIT(e->id)) {
			ASSERT_LE(e->abi, ll_abi_now())
			TH_LOG("erratum %d (ABI %d) on ABI %d", e->id, e->abi,
			       ll_kernel.abi);
		}
	}
}

/* ------------------------------------------------------------------------
 * Erratum 1 (§6.3): TCP rights apply to TCP sockets only.  MPTCP (or SCTP)
 * stream sockets are not restricted by BIND_TCP / CONNECT_TCP; plain TCP
 * stays denied.  In a fresh network namespace, on loopback only.
 */

/* The first non-TCP stream protocol this kernel offers, or 0. */
static int other_stream_protocol(const char **name)
{
	static const struct {
		int proto;
		const char *name;
	} protos[] = {
		{ IPPROTO_MPTCP, "MPTCP" },
		{ IPPROTO_SCTP, "SCTP" },
	};
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
				protos[i].proto);

		if (fd >= 0) {
			close(fd);
			*name = protos[i].name;
			return protos[i].proto;
		}
	}
	return 0;
}

/* A listening socket of `proto` on loopback; its port, or 0. */
static uint16_t listener(int proto, int *fd_out)
{
	struct ll_addr addr = ll_loopback(AF_INET, 0);

	*fd_out = ll_loopback_socket(AF_INET, SOCK_STREAM, proto, 0);
	if (*fd_out < 0 || getsockname(*fd_out, &addr.u.sa, &addr.len))
		return 0;
	return ll_port_of(&addr);
}

LL_TEST(erratum1_tcp_rights_do_not_restrict_other_stream_protocols,
	.needs = LL_B_NET_TCP, .erratum = 1)
{
	const char *name = NULL;
	int proto, tcp_fd, other_fd;
	uint16_t tcp_port, other_port;

	LL_NETNS();
	proto = other_stream_protocol(&name);
	if (!proto)
		LL_SKIP_ENV(return, "neither MPTCP nor SCTP is available");
	tcp_port = listener(IPPROTO_TCP, &tcp_fd);
	other_port = listener(proto, &other_fd);
	if (!tcp_port || !other_port)
		LL_BROKEN("cannot listen on loopback");
	ASSERT_EQ(0,
		  ll_enforce(&(struct ll_ruleset_desc){
			  .handled_net = ll_mask(LL_NET_ACCESS, ll_abi_now()),
		  }));
	/* TCP: denied, no rule (EACCES wins over any protocol error). */
	ASSERT_EQ(EACCES, ll_try_bind(AF_INET, SOCK_STREAM, IPPROTO_TCP, 0));
	ASSERT_EQ(EACCES,
		  ll_try_connect(AF_INET, SOCK_STREAM, IPPROTO_TCP, tcp_port));
	/* The other protocol: not Landlock's business once fixed. */
	TH_LOG("%s bind and connect with BIND_TCP, CONNECT_TCP handled", name);
	LL_ERRATUM_EXPECT_EQ(1, 0, ll_try_bind(AF_INET, SOCK_STREAM, proto, 0));
	LL_ERRATUM_EXPECT_EQ(
		1, 0, ll_try_connect(AF_INET, SOCK_STREAM, proto, other_port));
}

/* ------------------------------------------------------------------------
 * Erratum 2 (§7): signals between threads of one process are always
 * allowed, even when only one thread has a SCOPE_SIGNAL domain; a process
 * outside the domain stays unreachable.
 */
struct thread_pair {
	int go[2];
	pthread_t sibling;
	int result;
};

static void *waiting_thread(void *arg)
{
	struct thread_pair *p = arg;
	char c;

	return read(p->go[0], &c, 1) == 1 ? NULL : (void *)1;
}

/* A thread that restricts itself alone, then signals its sibling. */
static void *scoped_thread(void *arg)
{
	struct thread_pair *p = arg;
	const struct ll_ruleset_desc desc = { .scoped = LANDLOCK_SCOPE_SIGNAL };

	p->result = ll_enforce(&desc) ? -1 : pthread_kill(p->sibling, 0);
	return NULL;
}

LL_TEST(erratum2_thread_signals_sibling_outside_its_domain, .needs = LL_B_SCOPE,
	.erratum = 2)
{
	struct thread_pair p = { .result = -2 };
	pthread_t scoped;
	void *ret = (void *)1;
	int go, kill_err;
	pid_t outsider;

	ASSERT_EQ(0, pipe2(p.go, O_CLOEXEC));
	ASSERT_EQ(0, pthread_create(&p.sibling, NULL, waiting_thread, &p));
	ASSERT_EQ(0, pthread_create(&scoped, NULL, scoped_thread, &p));
	ASSERT_EQ(0, pthread_join(scoped, NULL));
	ASSERT_EQ(1, write(p.go[1], "x", 1));
	ASSERT_EQ(0, pthread_join(p.sibling, &ret));
	ASSERT_EQ(NULL, ret);
	ASSERT_NE(-1, p.result)
	TH_LOG("the thread could not restrict itself");

	/* A process outside the thread's domain stays out of reach. */
	outsider = ll_outsider_start(&go);
	ASSERT_LT(0, outsider);
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .scoped = LANDLOCK_SCOPE_SIGNAL }));
	kill_err = ll_errno_of(kill(outsider, 0));
	ll_outsider_stop(outsider, go);
	ASSERT_EQ(EPERM, kill_err);
	ASSERT_EQ(0, pthread_kill(pthread_self(), 0));

	/* The fix: the restricted thread reached its unrestricted sibling. */
	LL_ERRATUM_EXPECT_EQ(2, 0, p.result);
}

/* ------------------------------------------------------------------------
 * Erratum 3 (§5.1, §9): a directory moved out of a bind mount's source
 * (disconnected) is evaluated with the rules from its filesystem root and
 * those from the mount point up.  In a mount namespace (plus a user
 * namespace when not root), on a fresh tmpfs at T:
 *
 *	T/
 *	├── src/	source of the bind mount; rule of layer 2
 *	│   └── d/	moved to T/out/d once the fd below is open
 *	│       ├── f
 *	│       └── g
 *	├── mnt/	bind mount of src/: fd on mnt/d stays on T/out/d
 *	└── out/	where d/ goes (no rule)
 */
static int disconnected_layout(int *dir_fd)
{
	static const char *const tree[] = {
		"src/", "src/d/", "src/d/f", "src/d/g", "mnt/", "out/", NULL,
	};
	int err = ll_scratch_dir("bind", ll_root, sizeof(ll_root));

	if (err)
		return err;
	err = ll_enter_namespaces(CAP_SYS_ADMIN, CLONE_NEWNS);
	if (err)
		return err < 0 ? -err : err;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", ll_root, "tmpfs", 0, "mode=0700") ||
	    ll_make_tree(ll_root, tree) ||
	    mount(ll_at("src"), ll_at("mnt"), NULL, MS_BIND, NULL))
		return errno;
	*dir_fd = open(ll_at("mnt/d"), O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*dir_fd < 0)
		return errno;
	return rename(ll_at("src/d"), ll_at("out/d")) ? errno : 0;
}

/* Refused user namespaces named; other refusals of a mount namespace too. */
#define SKIP_IF_NO_MOUNT_NS(err)                                              \
	do {                                                                  \
		char _why[256];                                               \
		if ((err) == EPERM || (err) == EINVAL || (err) == ENOSPC) {   \
			if (ll_userns_refused(_why, sizeof(_why)))            \
				LL_SKIP_ENV(return, "%s", _why);              \
			LL_SKIP_ENV(return, "no private mount namespace: %s", \
					  strerror(err));                     \
		}                                                             \
	} while (0)

LL_TEST(erratum3_disconnected_dir_gets_rules_from_its_mount_point, .erratum = 3)
{
	int dir_fd = -1, err = disconnected_layout(&dir_fd);

	SKIP_IF_NO_MOUNT_NS(err);
	LL_SETUP(err);
	/* Disconnected: ".." does not lead anywhere. */
	ASSERT_EQ(ENOENT, ll_try_openat(dir_fd, "..", O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(0, ll_try_openat(dir_fd, "f", O_RDONLY));

	/* Layer 1: every right on T.  Layer 2: READ_FILE on src/ only. */
	ASSERT_EQ(0,
		  ll_enforce(&(struct ll_ruleset_desc){
			  .handled_fs = ll_mask(LL_FS_ACCESS, ll_abi_now()),
			  .paths = RULES(RULE(ll_root, ll_mask(LL_FS_ACCESS,
							       ll_abi_now()))),
		  }));
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = R_READ,
			     .paths = RULES(RULE(ll_at("src"), R_READ)),
		     }));
	/* Through the filesystem path, out/ has no READ_FILE rule. */
	ASSERT_EQ(EACCES, ll_try_open(ll_at("out/d/f"), O_RDONLY));
	/* Neither is g, the file never read before. */
	ASSERT_EQ(EACCES, ll_try_open(ll_at("out/d/g"), O_RDONLY));

	/* The fix: the walk continues at the mount (src/ is its root). */
	LL_ERRATUM_EXPECT_EQ(3, 0, ll_try_openat(dir_fd, "f", O_RDONLY));
	LL_ERRATUM_EXPECT_EQ(3, 0, ll_try_openat(dir_fd, "g", O_RDONLY));
}

/*
 * REFER widening through the disconnected fd: a file reached through mnt/d
 * may not be moved back under src/ (where it would gain READ_FILE from
 * layer 2's rule) when the move would widen its rights.
 */
LL_TEST(erratum3_disconnected_dir_cannot_widen_rights_by_rename,
	.needs = LL_B_REFER, .erratum = 3)
{
	const uint64_t move = R_REFER | R_MAKE_REG | R_REMOVE_FILE | R_READ;
	int dir_fd = -1, err = disconnected_layout(&dir_fd);

	SKIP_IF_NO_MOUNT_NS(err);
	LL_SETUP(err);
	ASSERT_EQ(0, ll_errno_of(mkdir(ll_at("out/e"), 0700)));
	ASSERT_EQ(0, ll_errno_of(mkdir(ll_at("src/e"), 0700)));
	/* Moves allowed on src/ and out/; READ_FILE only on src/e/. */
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = move,
			     .paths = RULES(RULE(ll_at("src"), move & ~R_READ),
					    RULE(ll_at("out"), move & ~R_READ),
					    RULE(ll_at("src/e"), R_READ)),
		     }));
	/* From out/e (no READ_FILE) to src/e (READ_FILE): widening. */
	ASSERT_EQ(0, ll_errno_of(rename(ll_at("out/d/f"), ll_at("out/e/f"))));
	ASSERT_EQ(-1, rename(ll_at("out/e/f"), ll_at("src/e/f")));
	ASSERT_EQ(EXDEV, errno);
	/* Narrowing is fine: src/e → out/e. */
	ASSERT_EQ(0, ll_errno_of(rename(ll_at("out/e/f"), ll_at("out/d/f"))));
	/* The fix: through the disconnected fd, same refusal, same errno. */
	LL_ERRATUM_ASSERT_EQ(
		3, EXDEV,
		ll_errno_of(renameat(dir_fd, "f", AT_FDCWD, ll_at("src/e/f"))));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("out/d/f")));
	ASSERT_EQ(0, ll_type_of(ll_at("src/e/f")));
}

/* ------------------------------------------------------------------------
 * Erratum 4 (§5.2, §9): a whiteout (char device 0:0, no CAP_MKNOD needed)
 * is guarded by MAKE_REG, not MAKE_CHAR; a real device still needs
 * MAKE_CHAR.
 *
 *	T/reg/		rule: MAKE_REG (+ REMOVE_FILE)
 *	T/chr/		rule: MAKE_CHAR (+ REMOVE_FILE)
 *	each with a file f
 */
FIXTURE(whiteout){};

FIXTURE_SETUP(whiteout)
{
	static const char *const tree[] = {
		"reg/", "reg/f", "chr/", "chr/f", NULL,
	};

	LL_SETUP(ll_tree_make("wo", tree));
}

FIXTURE_TEARDOWN(whiteout)
{
}

static int enforce_whiteout_rules(void)
{
	return ll_enforce(&(struct ll_ruleset_desc){
		.handled_fs = R_MAKE_CHAR | R_MAKE_REG | R_REMOVE_FILE,
		.paths = RULES(RULE(ll_at("reg"), R_MAKE_REG | R_REMOVE_FILE),
			       RULE(ll_at("chr"), R_MAKE_CHAR | R_REMOVE_FILE)),
	});
}

static int mknod_err(const char *path, mode_t type, dev_t dev)
{
	return ll_errno_of(mknod(path, type | 0600, dev));
}

LL_TEST_F(whiteout, erratum4_whiteout_mknod_needs_make_reg, .erratum = 4)
{
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, enforce_whiteout_rules());
	/* A real character device: MAKE_CHAR first, then CAP_MKNOD. */
	ASSERT_EQ(EACCES, mknod_err(ll_at("reg/dev"), S_IFCHR, makedev(1, 3)));
	ASSERT_EQ(EPERM, mknod_err(ll_at("chr/dev"), S_IFCHR, makedev(1, 3)));
	/* The fix: a whiteout with MAKE_REG only is created. */
	LL_ERRATUM_ASSERT_EQ(
		4, 0, mknod_err(ll_at("reg/wo"), S_IFCHR, makedev(0, 0)));
	ASSERT_EQ(S_IFCHR, ll_type_of(ll_at("reg/wo")));
}

LL_TEST_F(whiteout, erratum4_whiteout_mknod_denied_with_make_char_only,
	  .erratum = 4)
{
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, enforce_whiteout_rules());
	/* Regular files follow MAKE_REG as always. */
	ASSERT_EQ(EACCES, mknod_err(ll_at("chr/r"), S_IFREG, 0));
	ASSERT_EQ(0, mknod_err(ll_at("reg/r"), S_IFREG, 0));
	/* The fix: MAKE_CHAR alone does not allow a whiteout. */
	LL_ERRATUM_ASSERT_EQ(
		4, EACCES, mknod_err(ll_at("chr/wo"), S_IFCHR, makedev(0, 0)));
	ASSERT_EQ(0, ll_type_of(ll_at("chr/wo")));
}

/*
 * renameat2(RENAME_WHITEOUT) leaves a whiteout in the source directory:
 * MAKE_REG there once fixed.  Moving to T/dst/ keeps the moved file's own
 * MAKE_REG need on dst/ apart from the whiteout's need on the source.
 */
static int rename_whiteout_err(const char *from, const char *to)
{
	return ll_errno_of(
		renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_WHITEOUT));
}

LL_TEST_F(whiteout, erratum4_rename_whiteout_needs_make_reg_on_source,
	  .needs = LL_B_REFER, .erratum = 4)
{
	const uint64_t move = R_REFER | R_REMOVE_FILE;
	int unrestricted;

	/* The filesystem supports it at all (probe on a copy). */
	LL_SETUP(ll_errno_of(mkdir(ll_at("dst"), 0700)));
	LL_SETUP(ll_errno_of(mkdir(ll_at("probe"), 0700)));
	LL_SETUP(ll_errno_of(mknod(ll_at("probe/f"), S_IFREG | 0600, 0)));
	unrestricted = rename_whiteout_err(ll_at("probe/f"), ll_at("probe/g"));
	if (unrestricted == EINVAL || unrestricted == EPERM)
		LL_SKIP_ENV(return, "RENAME_WHITEOUT unsupported here: %s",
				  strerror(unrestricted));
	LL_SETUP(unrestricted);
	LL_SETUP(ll_errno_of(mknod(ll_at("chr/h"), S_IFREG | 0600, 0)));
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, ll_enforce(&(struct ll_ruleset_desc){
			     .handled_fs = R_MAKE_CHAR | R_MAKE_REG | move,
			     .paths = RULES(
				     RULE(ll_at("reg"), R_MAKE_REG | move),
				     RULE(ll_at("chr"), R_MAKE_CHAR | move),
				     RULE(ll_at("dst"), R_MAKE_REG | R_REFER)),
		     }));
	/* Not the erratum's: a plain rename needs no MAKE_* on the source. */
	ASSERT_EQ(0, ll_errno_of(rename(ll_at("chr/h"), ll_at("dst/h"))));
	/* The fix: MAKE_REG on the source, the whiteout may be left there. */
	LL_ERRATUM_ASSERT_EQ(
		4, 0, rename_whiteout_err(ll_at("reg/f"), ll_at("dst/f")));
	ASSERT_EQ(S_IFCHR, ll_type_of(ll_at("reg/f")));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("dst/f")));
	/* The fix: MAKE_CHAR only on the source, no whiteout, no rename. */
	LL_ERRATUM_ASSERT_EQ(
		4, EACCES, rename_whiteout_err(ll_at("chr/f"), ll_at("dst/g")));
	ASSERT_EQ(S_IFREG, ll_type_of(ll_at("chr/f")));
	ASSERT_EQ(0, ll_type_of(ll_at("dst/g")));
}

LL_MAIN()
