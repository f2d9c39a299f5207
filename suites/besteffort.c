// SPDX-License-Identifier: GPL-2.0
/*
 * besteffort: a ruleset written for any ABI N, passed through the reference
 * downgrade (abi/downgrade.h) for the running kernel, is accepted (no
 * EINVAL/E2BIG) and enforces exactly the intersection of what was asked and
 * what the kernel supports: what the input allows stays allowed, what it
 * denies with a right the kernel knows stays denied, and what only a newer
 * kernel could restrict is unrestricted (abi/SPEC.md §1, §2, §3, §9).
 *
 * One variant per ABI N in 1..LL_ABI_LAST.  Each input ruleset handles
 * every right, scope and flag of ABI N; its rules on a scratch tree T:
 *
 *	T/
 *	├── a/		dir rule: READ_FILE, READ_DIR, MAKE_REG, TRUNCATE
 *	│   └── f
 *	├── b/
 *	│   └── f	file rule: READ_FILE, WRITE_FILE (+ TRUNCATE…)
 *	└── c/		no rule
 *	    └── f
 *
 * plus, from ABI 4, a net rule allowing bind on port ALLOWED_PORT (TCP, and
 * UDP from ABI 10), and from ABI 10 quiet masks and a QUIET dir rule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "downgrade.h"
#include "ll_harness.h"
#include "rights.h"
#include "tree.h"
#include "net.h"
#include "outsider.h"

LL_PROGRAM(LL_B_LANDLOCK);

/* Ports inside a private network namespace. */
#define ALLOWED_PORT 4241
#define OTHER_PORT 4242

FIXTURE(besteffort)
{
	struct ll_ruleset in;
	struct ll_downgrade out;
	/* Path of each input rule (NULL: a net rule). */
	const char *paths[LL_MAX_RULES];
};

FIXTURE_VARIANT(besteffort)
{
	int abi; /* the ABI the input ruleset is written for */
};

#define ABI_VARIANT(n)                           \
	FIXTURE_VARIANT_ADD(besteffort, abi_##n) \
	{                                        \
		.abi = (n)                       \
	}

ABI_VARIANT(1);
ABI_VARIANT(2);
ABI_VARIANT(3);
ABI_VARIANT(4);
ABI_VARIANT(5);
ABI_VARIANT(6);
ABI_VARIANT(7);
ABI_VARIANT(8);
ABI_VARIANT(9);
ABI_VARIANT(10);
ABI_VARIANT(11);
/* A new ABI in abi/ needs its variant here. */
_Static_assert(LL_ABI_LAST == 11, "add an ABI_VARIANT for the new ABI");

static void add_rule(FIXTURE_DATA(besteffort) * self, const char *path,
		     struct ll_rule rule)
{
	self->paths[self->in.rule_count] = path;
	self->in.rules[self->in.rule_count++] = rule;
}

FIXTURE_SETUP(besteffort)
{
	static const char *const tree[] = {
		"a/", "a/f", "b/", "b/f", "c/", "c/f", NULL,
	};
	const int n = variant->abi;
	const uint64_t fs = ll_mask(LL_FS_ACCESS, n);

	LL_SETUP(ll_tree_make("be", tree));

	ll_ruleset_full(n, &self->in);
	self->in.restrict_flags = ll_mask(LL_RESTRICT_FLAG, n);
	if (ll_abi_has(n, LL_B_QUIET)) {
		self->in.attr.quiet_access_fs = self->in.attr.handled_access_fs;
		self->in.attr.quiet_access_net =
			self->in.attr.handled_access_net;
		self->in.attr.quiet_scoped = self->in.attr.scoped;
	}
	add_rule(self, ll_at("a"),
		 (struct ll_rule){
			 .type = LANDLOCK_RULE_PATH_BENEATH,
			 .allowed_access = fs & (R_READ | R_READ_DIR |
						 R_MAKE_REG | R_TRUNCATE),
			 .flags = ll_mask(LL_ADD_RULE_FLAG, n) &
				  LANDLOCK_ADD_RULE_QUIET,
			 .is_dir = true,
		 });
	add_rule(self, ll_at("b/f"),
		 (struct ll_rule){
			 .type = LANDLOCK_RULE_PATH_BENEATH,
			 .allowed_access = ll_fs_file_rights(n) &
					   (R_READ | R_WRITE | R_TRUNCATE |
					    R_IOCTL_DEV | R_RESOLVE_UNIX),
		 });
	if (ll_abi_has(n, LL_B_NET_TCP))
		add_rule(self, NULL,
			 (struct ll_rule){
				 .type = LANDLOCK_RULE_NET_PORT,
				 .allowed_access =
					 ll_mask(LL_NET_ACCESS, n) &
					 (LANDLOCK_ACCESS_NET_BIND_TCP |
					  LANDLOCK_ACCESS_NET_BIND_UDP),
				 .port = ALLOWED_PORT,
			 });
	ll_downgrade(&self->in, ll_kernel.abi, &self->out);
}

FIXTURE_TEARDOWN(besteffort)
{
}

/*
 * Creates the downgraded ruleset and adds its rules: the fd, or a test
 * failure naming the call the kernel refused.
 */
static int build_downgraded(struct __test_metadata *_metadata,
			    FIXTURE_DATA(besteffort) * self)
{
	const struct ll_ruleset *rs = &self->out.ruleset;
	int fd = ll_create_ruleset(&rs->attr, rs->attr_size, 0);
	size_t i;

	EXPECT_LE(0, fd)
	{
		TH_LOG("create_ruleset(size %zu): %s", rs->attr_size,
		       strerror(errno));
		return -1;
	}
	for (i = 0; i < rs->rule_count; i++) {
		const struct ll_rule *r = &rs->rules[i];
		const char *path = self->paths[self->out.rule_origin[i]];
		int err;

		if (r->type == LANDLOCK_RULE_PATH_BENEATH) {
			struct landlock_path_beneath_attr attr = {
				.allowed_access = r->allowed_access,
				.parent_fd = open(path, O_PATH | O_CLOEXEC),
			};

			err = ll_errno_of(
				ll_add_rule(fd, r->type, &attr, r->flags));
			close(attr.parent_fd);
		} else {
			struct landlock_net_port_attr attr = {
				.allowed_access = r->allowed_access,
				.port = r->port,
			};

			err = ll_errno_of(
				ll_add_rule(fd, r->type, &attr, r->flags));
		}
		EXPECT_EQ(0, err)
		{
			TH_LOG("rule %zu (input rule %d): %s", i,
			       self->out.rule_origin[i], strerror(err));
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* What the downgrade keeps of a family is exactly input ∩ kernel. */
LL_TEST_F(besteffort, downgrade_keeps_exactly_what_the_kernel_supports)
{
	const int k = ll_abi_now();
	const struct landlock_ruleset_attr *in = &self->in.attr;
	const struct landlock_ruleset_attr *out = &self->out.ruleset.attr;

	ASSERT_TRUE(self->out.enforceable);
	ASSERT_EQ(ll_ruleset_attr_size(k), self->out.ruleset.attr_size);
	ASSERT_EQ(in->handled_access_fs & ll_mask(LL_FS_ACCESS, k),
		  out->handled_access_fs);
	ASSERT_EQ(in->handled_access_net & ll_mask(LL_NET_ACCESS, k),
		  out->handled_access_net);
	ASSERT_EQ(in->scoped & ll_mask(LL_SCOPE, k), out->scoped);
	ASSERT_EQ(self->in.restrict_flags & ll_mask(LL_RESTRICT_FLAG, k),
		  self->out.ruleset.restrict_flags);
}

LL_TEST_F(besteffort, downgraded_ruleset_is_accepted)
{
	int fd = build_downgraded(_metadata, self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, ll_restrict_self(fd, self->out.ruleset.restrict_flags))
	TH_LOG("restrict_self(flags 0x%x): %s",
	       self->out.ruleset.restrict_flags, strerror(errno));
}

/*
 * The undowngraded input, for contrast: a kernel of its ABI or newer takes
 * it as it is; an older one refuses it.  Which errno the two ABIs decide
 * (SPEC §3.2, §4.1): create_ruleset copies the attribute first and fails
 * with E2BIG when a byte past the kernel's struct (abi/'s size for its
 * ABI) is non-zero, before reading any field; otherwise an unknown bit
 * (create_ruleset, add_rule) or flag (restrict_self) is EINVAL.  Returns
 * the errno and writes the step that must refuse it.
 */
static int refusal_of(const struct ll_ruleset *in, int kernel_abi,
		      const char **step)
{
	const unsigned char *bytes = (const unsigned char *)&in->attr;
	size_t i;

	for (i = ll_ruleset_attr_size(kernel_abi); i < in->attr_size; i++) {
		if (bytes[i]) {
			*step = "create_ruleset";
			return E2BIG;
		}
	}
	*step = "create_ruleset, add_rule or restrict_self";
	return EINVAL;
}

LL_TEST_F(besteffort, input_as_is_accepted_only_up_to_the_kernel_abi)
{
	const struct ll_ruleset *in = &self->in;
	const char *step = "", *refused_at = "create_ruleset";
	int fd, err = 0;
	size_t i;

	fd = ll_create_ruleset(&in->attr, in->attr_size, 0);
	if (fd < 0)
		err = errno;
	if (!err)
		refused_at = "add_rule";
	for (i = 0; !err && i < in->rule_count; i++) {
		struct landlock_path_beneath_attr path = {
			.allowed_access = in->rules[i].allowed_access,
		};
		struct landlock_net_port_attr port = {
			.allowed_access = in->rules[i].allowed_access,
			.port = in->rules[i].port,
		};

		if (in->rules[i].type == LANDLOCK_RULE_PATH_BENEATH) {
			path.parent_fd =
				open(self->paths[i], O_PATH | O_CLOEXEC);
			err = ll_errno_of(ll_add_rule(fd, in->rules[i].type,
						      &path,
						      in->rules[i].flags));
			close(path.parent_fd);
		} else {
			err = ll_errno_of(ll_add_rule(fd, in->rules[i].type,
						      &port,
						      in->rules[i].flags));
		}
	}
	if (!err) {
		ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
		refused_at = "restrict_self";
		err = ll_errno_of(ll_restrict_self(fd, in->restrict_flags));
	}
	if (variant->abi <= ll_abi_effective(ll_kernel.abi)) {
		ASSERT_EQ(0, err)
		TH_LOG("ABI-%d input as is on ABI %d: errno %d", variant->abi,
		       ll_kernel.abi, err);
	} else {
		const int want =
			refusal_of(in, ll_abi_effective(ll_kernel.abi), &step);

		ASSERT_EQ(want, err)
		TH_LOG("ABI-%d input as is on ABI %d: %s from %s, expected "
		       "%s from %s",
		       variant->abi, ll_kernel.abi, strerrorname_np(err) ?: "?",
		       refused_at, strerrorname_np(want), step);
		if (want == E2BIG)
			ASSERT_STREQ("create_ruleset", refused_at);
	}
}

/* --- enforcement -------------------------------------------------------- */

/* EACCES where input N and the kernel both know `b`, else 0. */
static int denied_if_both(int n, enum ll_behaviour b, int err)
{
	return ll_abi_has(n, b) && ll_abi_has(ll_kernel.abi, b) ? err : 0;
}

LL_TEST_F(besteffort, downgraded_ruleset_enforces_the_supported_intersection)
{
	const int n = variant->abi;
	int fd, go = -1, netns_err, kill_err = 0;
	char no_netns[256];
	pid_t outsider;

	/* Decided before the domain; the skip comes after the FS checks. */
	netns_err = ll_enter_netns();
	if (netns_err && !ll_userns_refused(no_netns, sizeof(no_netns)))
		LL_BROKEN("ll_enter_netns(): %s", strerror(netns_err));
	outsider = ll_outsider_start(&go);
	ASSERT_LT(0, outsider);
	fd = build_downgraded(_metadata, self);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, ll_restrict_self(fd, self->out.ruleset.restrict_flags));
	if (outsider > 0) {
		kill_err = ll_errno_of(kill(outsider, 0));
		ll_outsider_stop(outsider, go);
	}

	/* Allowed by the input: stays allowed. */
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDONLY));
	ASSERT_EQ(0, ll_try_open(ll_at("a"), O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(0, ll_errno_of(mknod(ll_at("a/new"), S_IFREG | 0600, 0)));
	ASSERT_EQ(0, ll_try_open(ll_at("b/f"), O_RDWR));
	ASSERT_EQ(0, ll_errno_of(truncate(ll_at("a/f"), 0)));
	ASSERT_EQ(0, ll_errno_of(truncate(ll_at("b/f"), 0)));

	/* Denied by the input with ABI-1 rights: stays denied. */
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_WRONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("c/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b"), O_RDONLY | O_DIRECTORY));
	ASSERT_EQ(EACCES, ll_errno_of(mkdir(ll_at("a/d"), 0700)));
	ASSERT_EQ(EACCES, ll_errno_of(unlink(ll_at("c/f"))));

	/* Newer rights: denied only where both sides know them. */
	ASSERT_EQ(denied_if_both(n, LL_B_TRUNCATE, EACCES),
		  ll_errno_of(truncate(ll_at("c/f"), 0)));
	ASSERT_EQ(denied_if_both(n, LL_B_SCOPE, EPERM), kill_err);
	if (netns_err)
		LL_SKIP_ENV(return, "%s", no_netns);
	ASSERT_EQ(0, ll_try_bind(AF_INET, SOCK_STREAM, 0, ALLOWED_PORT));
	ASSERT_EQ(denied_if_both(n, LL_B_NET_TCP, EACCES),
		  ll_try_bind(AF_INET, SOCK_STREAM, 0, OTHER_PORT));
	ASSERT_EQ(0, ll_try_bind(AF_INET, SOCK_DGRAM, 0, ALLOWED_PORT));
	ASSERT_EQ(denied_if_both(n, LL_B_NET_UDP, EACCES),
		  ll_try_bind(AF_INET, SOCK_DGRAM, 0, OTHER_PORT));
}

LL_MAIN()
