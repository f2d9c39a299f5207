// SPDX-License-Identifier: GPL-2.0
/*
 * abi10_quiet: the quiet_* fields of struct landlock_ruleset_attr and the
 * LANDLOCK_ADD_RULE_QUIET flag (abi/SPEC.md §1.3, §1.4, §2.1, §3.1, §8):
 * size handling of the 48-byte struct, quiet ⊆ handled, QUIET rules need a
 * quiet mask and may be empty, and quiet never changes an access decision.
 * Before ABI 10: the flag is unknown (EINVAL), the fields are a non-zero
 * tail (E2BIG).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "rights.h"
#include "tree.h"
#include "net.h"
#include "outsider.h"

LL_PROGRAM(LL_B_QUIET);

#define QUIET LANDLOCK_ADD_RULE_QUIET

static int create_err(const struct landlock_ruleset_attr *attr, size_t size)
{
	int fd = ll_create_ruleset(attr, size, 0);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int path_rule_err(int fd, uint64_t access, const char *path,
			 uint32_t flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = open(path, O_PATH | O_CLOEXEC),
	};
	int err = ll_errno_of(
		ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &attr, flags));

	close(attr.parent_fd);
	return err;
}

static int port_rule_err(int fd, uint64_t access, uint64_t port, uint32_t flags)
{
	struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	return ll_errno_of(
		ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &attr, flags));
}

/* Everything of the running ABI handled, and quiet. */
static struct landlock_ruleset_attr all_quiet(void)
{
	const int abi = ll_abi_now();

	return (struct landlock_ruleset_attr){
		.handled_access_fs = ll_mask(LL_FS_ACCESS, abi),
		.handled_access_net = ll_mask(LL_NET_ACCESS, abi),
		.scoped = ll_mask(LL_SCOPE, abi),
		.quiet_access_fs = ll_mask(LL_FS_ACCESS, abi),
		.quiet_access_net = ll_mask(LL_NET_ACCESS, abi),
		.quiet_scoped = ll_mask(LL_SCOPE, abi),
	};
}

static size_t field_end(const char *name)
{
	const struct ll_field *f;

	for (f = ll_ruleset_attr_fields(); f->name; f++)
		if (!strcmp(f->name, name))
			return f->offset + f->size;
	return 0;
}

/* --- §2.1: the 48-byte struct ------------------------------------------ */

/*
 * The kernel reads exactly `size` bytes: quiet fields beyond a 24-byte
 * struct are not read (an invalid quiet mask there is ignored), each one
 * within the size is checked.
 */
LL_TEST(create_ruleset_reads_quiet_fields_only_within_size)
{
	const size_t full = ll_ruleset_attr_size(ll_abi_now());
	const size_t scoped_end = field_end("scoped");
	struct landlock_ruleset_attr attr = all_quiet();

	ASSERT_EQ(sizeof(attr), full);
	ASSERT_EQ(0, create_err(&attr, full));
	/* Quiet bits outside handled, in each field in turn. */
	attr.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE;
	ASSERT_EQ(EINVAL, create_err(&attr, full));
	ASSERT_EQ(EINVAL, create_err(&attr, field_end("quiet_access_fs")));
	/* Not read with a 24-byte (ABI 6-9) struct. */
	ASSERT_EQ(0, create_err(&attr, scoped_end));
	attr = all_quiet();
	attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP;
	ASSERT_EQ(EINVAL, create_err(&attr, full));
	ASSERT_EQ(0, create_err(&attr, field_end("quiet_access_fs")));
	ASSERT_EQ(0, create_err(&attr, scoped_end));
	attr = all_quiet();
	attr.scoped = LANDLOCK_SCOPE_SIGNAL;
	ASSERT_EQ(EINVAL, create_err(&attr, full));
	ASSERT_EQ(0, create_err(&attr, field_end("quiet_access_net")));
	/* Zero quiet fields are the same as none. */
	attr = all_quiet();
	attr.quiet_access_fs = attr.quiet_access_net = attr.quiet_scoped = 0;
	ASSERT_EQ(0, create_err(&attr, full));
}

/* Each quiet bit outside its handled mask → EINVAL; inside → accepted. */
static void check_quiet_subset(struct __test_metadata *_metadata,
			       enum ll_family family, size_t handled_off,
			       size_t quiet_off)
{
	const uint64_t mask = ll_mask(family, ll_abi_now());
	const struct ll_bit *bit;

	for (bit = ll_family_bits(family); bit->name; bit++) {
		/* Something handled outside the family under test. */
		struct landlock_ruleset_attr attr = {
			.handled_access_fs =
				family == LL_FS_ACCESS
					? 0
					: LANDLOCK_ACCESS_FS_READ_FILE,
		};
		uint64_t *handled = (uint64_t *)((char *)&attr + handled_off);
		uint64_t *quiet = (uint64_t *)((char *)&attr + quiet_off);

		if (!(bit->value & mask))
			continue;
		*handled |= mask & ~bit->value;
		*quiet = bit->value;
		ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr)))
		TH_LOG("quiet %s not handled", bit->macro);
		*handled |= bit->value;
		ASSERT_EQ(0, create_err(&attr, sizeof(attr)))
		TH_LOG("quiet %s handled", bit->macro);
		/* Quiet alone, nothing handled: EINVAL before ENOMSG. */
		memset(&attr, 0, sizeof(attr));
		*quiet = bit->value;
		ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr)));
	}
}

#define ATTR_OFF(field) offsetof(struct landlock_ruleset_attr, field)

LL_TEST(quiet_access_fs_outside_handled_fails_with_einval)
{
	check_quiet_subset(_metadata, LL_FS_ACCESS, ATTR_OFF(handled_access_fs),
			   ATTR_OFF(quiet_access_fs));
}

LL_TEST(quiet_access_net_outside_handled_fails_with_einval)
{
	check_quiet_subset(_metadata, LL_NET_ACCESS,
			   ATTR_OFF(handled_access_net),
			   ATTR_OFF(quiet_access_net));
}

LL_TEST(quiet_scoped_outside_scoped_fails_with_einval)
{
	check_quiet_subset(_metadata, LL_SCOPE, ATTR_OFF(scoped),
			   ATTR_OFF(quiet_scoped));
}

/* --- §3.1: QUIET rules -------------------------------------------------- */

static void scratch(struct __test_metadata *_metadata)
{
	static const char *const tree[] = {
		"a/", "a/f", "b/", "b/f", "c/", "c/f", NULL,
	};

	LL_SETUP(ll_tree_make("quiet", tree));
}

/* A QUIET rule needs a quiet mask for its own type (others don't count). */
LL_TEST(quiet_rule_without_quiet_mask_for_its_type_fails_with_einval)
{
	struct landlock_ruleset_attr attr = all_quiet();
	const uint64_t fs = attr.handled_access_fs;
	const uint64_t net = attr.handled_access_net;
	int fs_quiet_only, net_quiet_only, scope_quiet_only;

	scratch(_metadata);
	attr.quiet_access_net = attr.quiet_scoped = 0;
	fs_quiet_only = ll_create_ruleset(&attr, sizeof(attr), 0);
	attr = all_quiet();
	attr.quiet_access_fs = attr.quiet_scoped = 0;
	net_quiet_only = ll_create_ruleset(&attr, sizeof(attr), 0);
	attr = all_quiet();
	attr.quiet_access_fs = attr.quiet_access_net = 0;
	scope_quiet_only = ll_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, fs_quiet_only);
	ASSERT_LE(0, net_quiet_only);
	ASSERT_LE(0, scope_quiet_only);

	ASSERT_EQ(0, path_rule_err(fs_quiet_only, fs, ll_root, QUIET));
	ASSERT_EQ(EINVAL, port_rule_err(fs_quiet_only, net, 1, QUIET));
	ASSERT_EQ(0, port_rule_err(fs_quiet_only, net, 1, 0));
	ASSERT_EQ(EINVAL, path_rule_err(net_quiet_only, fs, ll_root, QUIET));
	ASSERT_EQ(0, path_rule_err(net_quiet_only, fs, ll_root, 0));
	ASSERT_EQ(0, port_rule_err(net_quiet_only, net, 1, QUIET));
	ASSERT_EQ(EINVAL, path_rule_err(scope_quiet_only, fs, ll_root, QUIET));
	ASSERT_EQ(EINVAL, port_rule_err(scope_quiet_only, net, 1, QUIET));
	/* Checked before the parent fd (EBADF). */
	{
		struct landlock_path_beneath_attr bad = {
			.allowed_access = fs,
			.parent_fd = -1,
		};

		ASSERT_EQ(-1,
			  ll_add_rule(net_quiet_only,
				      LANDLOCK_RULE_PATH_BENEATH, &bad, QUIET));
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(-1,
			  ll_add_rule(fs_quiet_only, LANDLOCK_RULE_PATH_BENEATH,
				      &bad, QUIET));
		ASSERT_EQ(EBADF, errno);
	}
}

LL_TEST(empty_quiet_rule_is_accepted_empty_plain_rule_is_not)
{
	struct landlock_ruleset_attr attr = all_quiet();
	int fd;

	scratch(_metadata);
	fd = ll_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, path_rule_err(fd, 0, ll_root, QUIET));
	ASSERT_EQ(0, port_rule_err(fd, 0, 1, QUIET));
	ASSERT_EQ(ENOMSG, path_rule_err(fd, 0, ll_root, 0));
	ASSERT_EQ(ENOMSG, port_rule_err(fd, 0, 1, 0));
	/* Still a subset check on what a QUIET rule allows. */
	attr.handled_access_fs = attr.quiet_access_fs = R_READ;
	close(fd);
	fd = ll_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL, path_rule_err(fd, R_READ | R_WRITE, ll_root, QUIET));
	ASSERT_EQ(0, path_rule_err(fd, R_READ, ll_root, QUIET));
}

/* --- §8: quiet never changes the decision ------------------------------- */

#define ALLOWED_PORT 4241
#define OTHER_PORT 4242

FIXTURE(decision){};

FIXTURE_VARIANT(decision)
{
	bool quiet; /* quiet masks and QUIET rules, or neither */
};

FIXTURE_VARIANT_ADD(decision, quiet){ .quiet = true };
FIXTURE_VARIANT_ADD(decision, plain){ .quiet = false };

FIXTURE_SETUP(decision)
{
	scratch(_metadata);
}

FIXTURE_TEARDOWN(decision)
{
}

/*
 * READ_FILE|WRITE_FILE handled; a/: READ_FILE rule, b/: empty QUIET rule
 * (quiet variant only); TCP and UDP bind on ALLOWED_PORT; signal scope.
 * Both variants must decide identically.
 */
LL_TEST_F(decision, quiet_never_changes_the_access_decision)
{
	const uint64_t net = ll_mask(LL_NET_ACCESS, ll_abi_now());
	const uint32_t flags = variant->quiet ? QUIET : 0;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = R_READ | R_WRITE,
		.handled_access_net = net,
		.scoped = LANDLOCK_SCOPE_SIGNAL,
	};
	int fd, go, netns_err, kill_err;
	pid_t outsider;

	if (variant->quiet) {
		attr.quiet_access_fs = attr.handled_access_fs;
		attr.quiet_access_net = attr.handled_access_net;
		attr.quiet_scoped = attr.scoped;
	}
	netns_err = ll_enter_netns();
	outsider = ll_outsider_start(&go);
	ASSERT_LT(0, outsider);
	fd = ll_create_ruleset(&attr, sizeof(attr), 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, path_rule_err(fd, R_READ, ll_at("a"), flags));
	if (variant->quiet) {
		ASSERT_EQ(0, path_rule_err(fd, 0, ll_at("b"), QUIET));
	}
	ASSERT_EQ(0, port_rule_err(fd, net, ALLOWED_PORT, flags));
	ASSERT_EQ(0, prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	ASSERT_EQ(0, ll_restrict_self(fd, 0));
	kill_err = ll_errno_of(kill(outsider, 0));
	ll_outsider_stop(outsider, go);

	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_WRONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/f"), O_RDONLY));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("c/f"), O_RDONLY));
	ASSERT_EQ(EPERM, kill_err);
	if (netns_err)
		LL_SKIP_ENV(return, "no private network namespace: %s",
				  strerror(netns_err));
	ASSERT_EQ(0, ll_try_bind(AF_INET, SOCK_STREAM, 0, ALLOWED_PORT));
	ASSERT_EQ(EACCES, ll_try_bind(AF_INET, SOCK_STREAM, 0, OTHER_PORT));
	ASSERT_EQ(0, ll_try_bind(AF_INET, SOCK_DGRAM, 0, ALLOWED_PORT));
	ASSERT_EQ(EACCES, ll_try_bind(AF_INET, SOCK_DGRAM, 0, OTHER_PORT));
}

/* --- before ABI 10 ------------------------------------------------------ */

LL_TEST(quiet_flag_fails_with_einval_before_abi10, .lacks = LL_B_QUIET)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = ll_mask(LL_FS_ACCESS, ll_abi_now()),
	};
	int fd;

	scratch(_metadata);
	fd = ll_create_ruleset(&attr, ll_ruleset_attr_size(ll_abi_now()), 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL,
		  path_rule_err(fd, attr.handled_access_fs, ll_root, QUIET));
	/* Unknown flag before the ruleset fd and before emptiness. */
	ASSERT_EQ(EINVAL, path_rule_err(-1, 0, ll_root, QUIET));
	ASSERT_EQ(0, path_rule_err(fd, attr.handled_access_fs, ll_root, 0));
}

LL_TEST(quiet_fields_non_zero_fail_with_e2big_before_abi10, .lacks = LL_B_QUIET)
{
	static const char *const fields[] = {
		"quiet_access_fs",
		"quiet_access_net",
		"quiet_scoped",
	};
	const uint64_t fs = ll_mask(LL_FS_ACCESS, ll_abi_now());
	struct landlock_ruleset_attr attr = { .handled_access_fs = fs };
	const struct ll_field *f;
	size_t i;

	/* The full struct with zero quiet fields: a zero tail, accepted. */
	ASSERT_EQ(0, create_err(&attr, sizeof(attr)));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		for (f = ll_ruleset_attr_fields(); f->name; f++)
			if (!strcmp(f->name, fields[i]))
				break;
		ASSERT_NE(NULL, f->name);
		memset(&attr, 0, sizeof(attr));
		attr.handled_access_fs = fs;
		/* Even a value that would be valid on ABI 10 (⊆ handled). */
		*(uint64_t *)((char *)&attr + f->offset) =
			LANDLOCK_ACCESS_FS_READ_FILE;
		ASSERT_EQ(E2BIG, create_err(&attr, sizeof(attr)))
		TH_LOG("%s non-zero on ABI %d", f->name, ll_kernel.abi);
		/* Cut off by a size of the running ABI: never read. */
		ASSERT_EQ(0, create_err(&attr,
					ll_ruleset_attr_size(ll_abi_now())));
	}
}

LL_MAIN()
