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
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"
#include "rights.h"
#include "tree.h"
#include "net.h"
#include "outsider.h"
#include "audit_expect.h"

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

/* --- §8: what quiet does to the audit records ---------------------------
 *
 * A sandboxed child enforces the variant's layers and makes its probes
 * (each with the decision quiet must not change); the test, as the audit
 * daemon, then reads every record up to a later marker denial and checks,
 * probe by probe, that the record is there with exactly the blockers the
 * kernel must name, or that there is none about the probe's object.  The
 * rule [7.2.13, 7.3.4: sl/log.c is_denial_quieted()]: the layer that
 * decides is the youngest denying one (for a scope, the youngest handling
 * it); a denial is quiet when a QUIET rule of that layer covers the object
 * (the file itself or an ancestor; the port) and every bit that layer
 * denies is in its quiet_access_fs/net, or, for a scope, when its
 * quiet_scoped has the scope; ptrace and topology denials are never quiet.
 */

#define Q_LAYERS 2
#define Q_RULES 3
#define Q_PROBES 5
#define PORT_QUIET 4300
#define PORT_LOUD 4301

enum q_op {
	Q_END,
	Q_READ, /* open O_RDONLY */
	Q_WRITE, /* open O_WRONLY */
	Q_RDWR, /* open O_RDWR */
	Q_TRUNCATE, /* open O_WRONLY (must work), then ftruncate */
	Q_TCP_BIND,
	Q_TCP_CONNECT,
	Q_UDP_BIND,
	Q_UDP_CONNECT,
	Q_SIGNAL, /* kill(test process, 0) */
	Q_ABSTRACT, /* connect to the test's abstract socket */
	Q_PTRACE, /* PTRACE_ATTACH to an unsandboxed child */
	Q_MOUNT, /* tmpfs on T/rel, in a private mount namespace */
	/* T/rel/f renamed into the next probe's directory (Q_RENAMED_TO). */
	Q_RENAME,
	Q_RENAMED_TO, /* that rename, seen from its destination */
};

/* A path rule (rel set, "" is T) or a port rule. */
struct q_rule {
	const char *rel;
	uint16_t port;
	uint64_t access;
	uint32_t flags;
};

/* An unused layer handles nothing. */
struct q_layer {
	uint64_t fs, net, scoped, qfs, qnet, qscoped;
	struct q_rule rules[Q_RULES];
};

/* Probes of one variant name distinct objects (a record names its object). */
struct q_probe {
	enum q_op op;
	const char *rel;
	uint16_t port;
	int err; /* the decision, quiet or not */
	const char *blockers; /* the record's, or NULL: no record */
};

FIXTURE(quiet_audit)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(quiet_audit)
{
	struct q_layer layers[Q_LAYERS];
	struct q_probe probes[Q_PROBES];
	/* T/a/sub bind-mounted on T/c before the layers (own mount ns). */
	bool bind_sub_on_c;
};

#define FS_RW (R_READ | R_WRITE)
#define TCP (LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP)
#define UDP \
	(LANDLOCK_ACCESS_NET_BIND_UDP | LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP)
#define SCOPES (LANDLOCK_SCOPE_SIGNAL | LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET)
#define QUIET_ON(r)                        \
	{                                  \
		.rel = (r), .flags = QUIET \
	}
#define QUIET_PORT(p)                       \
	{                                   \
		.port = (p), .flags = QUIET \
	}

/* A QUIET rule on the denied file itself. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_rule_on_the_file_itself){
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("a/f") } } },
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, NULL },
		{ Q_WRITE, "a/f", 0, EACCES, NULL },
		{ Q_READ, "b/f", 0, EACCES, "fs.read_file" },
	},
};

/* ... on an ancestor: everything beneath it is quiet. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_rule_on_an_ancestor){
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("a") } } },
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, NULL },
		{ Q_RDWR, "a/sub/g", 0, EACCES, NULL },
		{ Q_READ, "b/f", 0, EACCES, "fs.read_file" },
	},
};

/* ... on a descendant or a sibling of the object: no effect on it. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_rule_below_or_beside_the_object){
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("a/sub"), QUIET_ON("b/f") } } },
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, "fs.read_file" },
		{ Q_READ, "a/sub/g", 0, EACCES, NULL },
		{ Q_READ, "b/g", 0, EACCES, "fs.read_file" },
	},
};

/* Every denied bit must be quiet: a partial mask logs all of them. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_partial_quiet_mask_logs){
	.layers = { { .fs = FS_RW, .qfs = R_READ,
		      .rules = { QUIET_ON("a") } } },
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, NULL },
		{ Q_WRITE, "a/g", 0, EACCES, "fs.write_file" },
		{ Q_RDWR, "a/sub/g", 0, EACCES, "fs.write_file,fs.read_file" },
	},
};

/*
 * A QUIET rule that also grants: what it grants is allowed, the rest of
 * what it covers is quiet (only the denied bits count).
 */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_rule_that_grants){
	.layers = { { .fs = FS_RW, .qfs = R_WRITE,
		      .rules = { { .rel = "a", .access = R_READ,
				   .flags = QUIET } } } },
	.probes = {
		{ Q_READ, "a/f", 0, 0, NULL },
		{ Q_RDWR, "a/f", 0, EACCES, NULL },
		{ Q_RDWR, "b/f", 0, EACCES, "fs.write_file,fs.read_file" },
	},
};

/*
 * A QUIET rule on a path the ruleset already has a rule for: the two
 * merge into one rule, quiet, granting what the first one grants (mutant
 * a30f0b0e1b merged a flag from beyond the new rule and lost it).
 */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_rule_merged_into_an_earlier_rule){
	.layers = { { .fs = FS_RW, .qfs = R_WRITE,
		      .rules = { { .rel = "a", .access = R_READ },
				 { .rel = "a", .flags = QUIET } } } },
	.probes = {
		{ Q_READ, "a/f", 0, 0, NULL },
		{ Q_RDWR, "a/f", 0, EACCES, NULL },
		{ Q_RDWR, "b/f", 0, EACCES, "fs.write_file,fs.read_file" },
	},
};

/* Both layers deny: the youngest one's QUIET rule decides. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_youngest_denying_layer_quiet){
	.layers = {
		{ .fs = R_READ },
		{ .fs = R_READ, .qfs = R_READ, .rules = { QUIET_ON("a") } },
	},
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, NULL },
		{ Q_READ, "b/f", 0, EACCES, "fs.read_file" },
	},
};

/* A QUIET rule of an older denying layer: no effect. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_in_an_older_layer){
	.layers = {
		{ .fs = R_READ, .qfs = R_READ, .rules = { QUIET_ON("a") } },
		{ .fs = R_READ },
	},
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, "fs.read_file" },
	},
};

/* A QUIET rule of a younger layer that does not deny: no effect. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_in_a_younger_allowing_layer){
	.layers = {
		{ .fs = R_READ },
		{ .fs = FS_RW, .qfs = FS_RW,
		  .rules = { { .rel = "a", .access = R_READ,
			       .flags = QUIET } } },
	},
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, "fs.read_file" },
		{ Q_WRITE, "a/g", 0, EACCES, NULL },
	},
};

/*
 * The youngest denying layer's bits only: the older layer quiets
 * READ|WRITE on a/, the younger one handles WRITE alone, without quiet.
 */
FIXTURE_VARIANT_ADD(quiet_audit, fs_record_names_the_youngest_layer_bits){
	.layers = {
		{ .fs = FS_RW, .qfs = FS_RW, .rules = { QUIET_ON("a") } },
		{ .fs = R_WRITE },
	},
	.probes = {
		{ Q_RDWR, "a/f", 0, EACCES, "fs.write_file" },
		{ Q_READ, "a/g", 0, EACCES, NULL },
	},
};

/* Truncation of an opened file: quiet as decided at open time. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_truncate_of_an_opened_file){
	.layers = { { .fs = R_WRITE | R_TRUNCATE, .qfs = R_TRUNCATE,
		      .rules = { { .rel = "a", .access = R_WRITE,
				   .flags = QUIET },
				 { .rel = "b", .access = R_WRITE } } } },
	.probes = {
		{ Q_TRUNCATE, "a/f", 0, EACCES, NULL },
		{ Q_TRUNCATE, "b/f", 0, EACCES, "fs.truncate" },
	},
};

/* Only quiet denials: no ACCESS record, and no DOMAIN record either. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_only_quiet_denials_log_no_domain){
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("a") } } },
	.probes = {
		{ Q_READ, "a/f", 0, EACCES, NULL },
		{ Q_WRITE, "a/sub/g", 0, EACCES, NULL },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, tcp_quiet_port_rule){
	.layers = { { .net = TCP, .qnet = TCP,
		      .rules = { QUIET_PORT(PORT_QUIET) } } },
	.probes = {
		{ Q_TCP_BIND, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_TCP_CONNECT, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_TCP_BIND, NULL, PORT_LOUD, EACCES, "net.bind_tcp" },
		{ Q_TCP_CONNECT, NULL, PORT_LOUD, EACCES, "net.connect_tcp" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, tcp_partial_quiet_mask_logs){
	.layers = { { .net = TCP, .qnet = LANDLOCK_ACCESS_NET_BIND_TCP,
		      .rules = { QUIET_PORT(PORT_QUIET) } } },
	.probes = {
		{ Q_TCP_BIND, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_TCP_CONNECT, NULL, PORT_QUIET, EACCES, "net.connect_tcp" },
	},
};

/* Both layers deny; only the younger one's quiet mask counts. */
FIXTURE_VARIANT_ADD(quiet_audit, tcp_youngest_denying_layer_decides){
	.layers = {
		{ .net = TCP, .qnet = LANDLOCK_ACCESS_NET_BIND_TCP,
		  .rules = { QUIET_PORT(PORT_QUIET) } },
		{ .net = TCP, .qnet = LANDLOCK_ACCESS_NET_CONNECT_TCP,
		  .rules = { QUIET_PORT(PORT_QUIET) } },
	},
	.probes = {
		{ Q_TCP_CONNECT, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_TCP_BIND, NULL, PORT_QUIET, EACCES, "net.bind_tcp" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, tcp_quiet_in_an_older_layer){
	.layers = {
		{ .net = TCP, .qnet = TCP, .rules = { QUIET_PORT(PORT_QUIET) } },
		{ .net = TCP },
	},
	.probes = {
		{ Q_TCP_BIND, NULL, PORT_QUIET, EACCES, "net.bind_tcp" },
		{ Q_TCP_CONNECT, NULL, PORT_QUIET, EACCES, "net.connect_tcp" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, udp_quiet_port_rule){
	.layers = { { .net = UDP, .qnet = UDP,
		      .rules = { QUIET_PORT(PORT_QUIET) } } },
	.probes = {
		{ Q_UDP_BIND, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_UDP_CONNECT, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_UDP_BIND, NULL, PORT_LOUD, EACCES, "net.bind_udp" },
		{ Q_UDP_CONNECT, NULL, PORT_LOUD, EACCES,
		  "net.connect_send_udp" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, udp_partial_quiet_mask_logs){
	.layers = { { .net = UDP, .qnet = LANDLOCK_ACCESS_NET_BIND_UDP,
		      .rules = { QUIET_PORT(PORT_QUIET) } } },
	.probes = {
		{ Q_UDP_BIND, NULL, PORT_QUIET, EACCES, NULL },
		{ Q_UDP_CONNECT, NULL, PORT_QUIET, EACCES,
		  "net.connect_send_udp" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, udp_quiet_in_an_older_layer){
	.layers = {
		{ .net = UDP, .qnet = UDP, .rules = { QUIET_PORT(PORT_QUIET) } },
		{ .net = UDP },
	},
	.probes = {
		{ Q_UDP_BIND, NULL, PORT_QUIET, EACCES, "net.bind_udp" },
	},
};

/* quiet_scoped alone (no rule can name a scope's object) quiets it. */
FIXTURE_VARIANT_ADD(quiet_audit, scope_signal_quiet_scoped_alone){
	.layers = { { .scoped = SCOPES, .qscoped = LANDLOCK_SCOPE_SIGNAL } },
	.probes = {
		{ Q_SIGNAL, NULL, 0, EPERM, NULL },
		{ Q_ABSTRACT, NULL, 0, EPERM, "scope.abstract_unix_socket" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, scope_abstract_quiet_scoped_alone){
	.layers = { { .scoped = SCOPES,
		      .qscoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET } },
	.probes = {
		{ Q_ABSTRACT, NULL, 0, EPERM, NULL },
		{ Q_SIGNAL, NULL, 0, EPERM, "scope.signal" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, scope_quiet_in_the_youngest_layer){
	.layers = {
		{ .scoped = SCOPES },
		{ .scoped = SCOPES, .qscoped = SCOPES },
	},
	.probes = {
		{ Q_SIGNAL, NULL, 0, EPERM, NULL },
		{ Q_ABSTRACT, NULL, 0, EPERM, NULL },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, scope_quiet_in_an_older_layer){
	.layers = {
		{ .scoped = SCOPES, .qscoped = SCOPES },
		{ .scoped = SCOPES },
	},
	.probes = {
		{ Q_SIGNAL, NULL, 0, EPERM, "scope.signal" },
		{ Q_ABSTRACT, NULL, 0, EPERM, "scope.abstract_unix_socket" },
	},
};

/* Everything quiet, a QUIET rule on T: ptrace still logs. */
FIXTURE_VARIANT_ADD(quiet_audit, ptrace_is_never_quiet){
	.layers = { { .fs = FS_RW, .qfs = FS_RW, .scoped = SCOPES,
		      .qscoped = SCOPES, .rules = { QUIET_ON("") } } },
	.probes = {
		{ Q_PTRACE, NULL, 0, EPERM, "ptrace" },
		{ Q_READ, "a/f", 0, EACCES, NULL },
	},
};

/* ... and so does a mount (fs.change_topology). */
FIXTURE_VARIANT_ADD(quiet_audit, topology_is_never_quiet){
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("") } } },
	.probes = {
		{ Q_MOUNT, "c", 0, EPERM, "fs.change_topology" },
		{ Q_READ, "a/f", 0, EACCES, NULL },
	},
};

/*
 * A rename is checked on both parents, each its own object and record:
 * the source loses a file (REMOVE_FILE), the destination gains one
 * (MAKE_REG), both are reparented (REFER); each side is quiet on its own.
 */
#define MOVE (R_MAKE_REG | R_REMOVE_FILE | R_REFER)

FIXTURE_VARIANT_ADD(quiet_audit, rename_quiet_on_both_sides){
	.layers = { { .fs = MOVE, .qfs = MOVE,
		      .rules = { QUIET_ON("a"), QUIET_ON("c") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, NULL },
		{ Q_RENAMED_TO, "c", 0, EACCES, NULL },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, rename_quiet_on_the_source_only){
	.layers = { { .fs = MOVE, .qfs = MOVE,
		      .rules = { QUIET_ON("a") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, NULL },
		{ Q_RENAMED_TO, "c", 0, EACCES, "fs.make_reg,fs.refer" },
	},
};

FIXTURE_VARIANT_ADD(quiet_audit, rename_quiet_on_the_destination_only){
	.layers = { { .fs = MOVE, .qfs = MOVE,
		      .rules = { QUIET_ON("c") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, "fs.remove_file,fs.refer" },
		{ Q_RENAMED_TO, "c", 0, EACCES, NULL },
	},
};

/* Only REFER quiet: both sides also miss another right, both log. */
FIXTURE_VARIANT_ADD(quiet_audit, rename_with_only_refer_quiet){
	.layers = { { .fs = MOVE, .qfs = R_REFER,
		      .rules = { QUIET_ON("a"), QUIET_ON("c") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, "fs.remove_file,fs.refer" },
		{ Q_RENAMED_TO, "c", 0, EACCES, "fs.make_reg,fs.refer" },
	},
};

/* The rename's objects are the parents: a QUIET rule on the file is not. */
FIXTURE_VARIANT_ADD(quiet_audit, rename_quiet_rule_on_the_file_is_ignored){
	.layers = { { .fs = MOVE, .qfs = MOVE,
		      .rules = { QUIET_ON("a/f"), QUIET_ON("c") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, "fs.remove_file,fs.refer" },
		{ Q_RENAMED_TO, "c", 0, EACCES, NULL },
	},
};

/* The source side allowed, the destination denied and quiet. */
FIXTURE_VARIANT_ADD(quiet_audit, rename_source_allowed_destination_quiet){
	.layers = { { .fs = MOVE, .qfs = MOVE,
		      .rules = { { .rel = "a", .access = MOVE },
				 QUIET_ON("c") } } },
	.probes = {
		{ Q_RENAME, "a", 0, EACCES, NULL },
		{ Q_RENAMED_TO, "c", 0, EACCES, NULL },
	},
};

/*
 * Across a mount point: T/a/sub is also T/c (a bind mount).  Through
 * T/c the walk goes from the mount's root to its mount point and on up
 * to T, never through T/a: a QUIET rule on T/a covers T/a/sub/g, not
 * the same file reached as T/c/g ...
 */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_rule_behind_a_mount_point){
	.bind_sub_on_c = true,
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("a") } } },
	.probes = {
		{ Q_READ, "c/g", 0, EACCES, "fs.read_file" },
		{ Q_READ, "a/sub/g", 0, EACCES, NULL },
	},
};

/* ... while one on T, above the mount point, covers it. */
FIXTURE_VARIANT_ADD(quiet_audit, fs_quiet_rule_across_a_mount_point){
	.bind_sub_on_c = true,
	.layers = { { .fs = FS_RW, .qfs = FS_RW,
		      .rules = { QUIET_ON("") } } },
	.probes = {
		{ Q_READ, "c/g", 0, EACCES, NULL },
		{ Q_WRITE, "a/sub/g", 0, EACCES, NULL },
	},
};

FIXTURE_SETUP(quiet_audit)
{
	self->st.fd = -1;
}

FIXTURE_TEARDOWN(quiet_audit)
{
	ll_audit_stop(&self->st);
}

static bool q_uses(const FIXTURE_VARIANT(quiet_audit) * v, enum q_op op)
{
	int i;

	for (i = 0; i < Q_PROBES && v->probes[i].op != Q_END; i++)
		if (v->probes[i].op == op)
			return true;
	return false;
}

static bool q_uses_net(const FIXTURE_VARIANT(quiet_audit) * v)
{
	return q_uses(v, Q_TCP_BIND) || q_uses(v, Q_TCP_CONNECT) ||
	       q_uses(v, Q_UDP_BIND) || q_uses(v, Q_UDP_CONNECT);
}

/* Enforces one layer; 0 or the errno of the first failing call. */
static int q_enforce(const struct q_layer *l)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = l->fs,
		.handled_access_net = l->net,
		.scoped = l->scoped,
		.quiet_access_fs = l->qfs,
		.quiet_access_net = l->qnet,
		.quiet_scoped = l->qscoped,
	};
	int fd = ll_create_ruleset(&attr, sizeof(attr), 0), err = 0, i;

	if (fd < 0)
		return errno;
	for (i = 0; i < Q_RULES && !err; i++) {
		const struct q_rule *r = &l->rules[i];

		if (r->rel)
			err = path_rule_err(fd, r->access, ll_at("%s", r->rel),
					    r->flags);
		else if (r->port)
			err = port_rule_err(fd, r->access, r->port, r->flags);
	}
	if (!err)
		err = ll_errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
	if (!err)
		err = ll_errno_of(ll_restrict_self(fd, 0));
	close(fd);
	return err;
}

/* The test's abstract listener: "\0llconform-quiet-<test pid>". */
static socklen_t q_abstract_name(struct sockaddr_un *addr, pid_t test)
{
	int len;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	len = snprintf(addr->sun_path + 1, sizeof(addr->sun_path) - 1,
		       "llconform-quiet-%d", (int)test);
	return offsetof(struct sockaddr_un, sun_path) + 1 + len;
}

struct q_arg {
	const FIXTURE_VARIANT(quiet_audit) * v;
	pid_t test;
	/* [0] setup, [1..] layers, [4..] probes, [15] the ptrace tracee */
	int *res;
};

#define Q_RES_PROBE 4
#define Q_RES_TRACEE 15

static int q_probe(const struct q_probe *p, struct q_arg *a)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd, err;

	switch (p->op) {
	case Q_READ:
		return ll_try_open(ll_at("%s", p->rel), O_RDONLY);
	case Q_WRITE:
		return ll_try_open(ll_at("%s", p->rel), O_WRONLY);
	case Q_RDWR:
		return ll_try_open(ll_at("%s", p->rel), O_RDWR);
	case Q_TRUNCATE:
		fd = open(ll_at("%s", p->rel), O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno; /* not the expected EACCES */
		err = ll_errno_of(ftruncate(fd, 0));
		close(fd);
		return err;
	case Q_TCP_BIND:
		return ll_try_bind(AF_INET, SOCK_STREAM, 0, p->port);
	case Q_TCP_CONNECT:
		return ll_try_connect(AF_INET, SOCK_STREAM, 0, p->port);
	case Q_UDP_BIND:
		return ll_try_bind(AF_INET, SOCK_DGRAM, 0, p->port);
	case Q_UDP_CONNECT:
		return ll_try_connect(AF_INET, SOCK_DGRAM, 0, p->port);
	case Q_SIGNAL:
		return ll_errno_of(kill(a->test, 0));
	case Q_ABSTRACT:
		len = q_abstract_name(&addr, a->test);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -errno;
		err = ll_errno_of(connect(fd, (struct sockaddr *)&addr, len));
		close(fd);
		return err;
	case Q_PTRACE:
		err = ll_errno_of(ptrace(PTRACE_ATTACH, a->res[Q_RES_TRACEE],
					 NULL, NULL));
		if (!err)
			ptrace(PTRACE_DETACH, a->res[Q_RES_TRACEE], NULL, NULL);
		return err;
	case Q_MOUNT:
		return ll_errno_of(
			mount("tmpfs", ll_at("%s", p->rel), "tmpfs", 0, NULL));
	case Q_RENAME:
		return ll_errno_of(
			rename(ll_at("%s/f", p->rel), ll_at("%s/f", p[1].rel)));
	case Q_RENAMED_TO:
		return a->res[Q_RES_PROBE + (p - a->v->probes) - 1];
	case Q_END:
		break;
	}
	return -EINVAL;
}

static void q_child(void *p)
{
	struct q_arg *a = p;
	int i, go[2] = { -1, -1 };
	pid_t tracee = -1;

	a->res[0] = 0;
	if (q_uses_net(a->v))
		a->res[0] = ll_enter_netns();
	if (!a->res[0] && (q_uses(a->v, Q_MOUNT) || a->v->bind_sub_on_c)) {
		a->res[0] = ll_errno_of(unshare(CLONE_NEWNS));
		if (!a->res[0])
			a->res[0] = ll_errno_of(mount(
				NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
	}
	if (!a->res[0] && a->v->bind_sub_on_c)
		a->res[0] = ll_errno_of(
			mount(ll_at("a/sub"), ll_at("c"), NULL, MS_BIND, NULL));
	if (!a->res[0] && q_uses(a->v, Q_PTRACE)) {
		/* Forked before the domain: outside it. */
		if (pipe2(go, O_CLOEXEC))
			a->res[0] = errno;
		tracee = a->res[0] ? -1 : fork();
		if (tracee == 0) {
			char c;

			close(go[1]);
			_exit(read(go[0], &c, 1) < 0);
		}
		if (tracee < 0 && !a->res[0])
			a->res[0] = errno;
		a->res[Q_RES_TRACEE] = tracee;
	}
	if (a->res[0])
		return;
	for (i = 0; i < Q_LAYERS; i++)
		if (a->v->layers[i].fs || a->v->layers[i].net ||
		    a->v->layers[i].scoped)
			a->res[1 + i] = q_enforce(&a->v->layers[i]);
	for (i = 0; i < Q_PROBES && a->v->probes[i].op != Q_END; i++)
		a->res[Q_RES_PROBE + i] = q_probe(&a->v->probes[i], a);
	if (tracee > 0) {
		close(go[1]);
		waitpid(tracee, NULL, 0);
	}
}

/* What identifies the probe's object in a record. */
static const char *q_object(char *buf, size_t size, const struct q_probe *p,
			    const struct q_arg *a)
{
	struct sockaddr_un addr;
	socklen_t len, i;
	int n;

	switch (p->op) {
	case Q_TCP_BIND:
	case Q_UDP_BIND:
		snprintf(buf, size, " saddr=127.0.0.1 src=%u", p->port);
		break;
	case Q_TCP_CONNECT:
	case Q_UDP_CONNECT:
		snprintf(buf, size, " daddr=127.0.0.1 dest=%u", p->port);
		break;
	case Q_SIGNAL:
		snprintf(buf, size, " opid=%d ocomm=", (int)a->test);
		break;
	case Q_PTRACE:
		snprintf(buf, size, " opid=%d ocomm=", a->res[Q_RES_TRACEE]);
		break;
	case Q_ABSTRACT:
		len = q_abstract_name(&addr, a->test) -
		      offsetof(struct sockaddr_un, sun_path);
		n = snprintf(buf, size, " path=");
		for (i = 0; i < len && n + 3 < (int)size; i++)
			n += snprintf(buf + n, size - n, "%02X",
				      (unsigned char)addr.sun_path[i]);
		break;
	default:
		snprintf(buf, size, " path=\"%s\"", ll_at("%s", p->rel));
		break;
	}
	return buf;
}

static const char *q_op_name(enum q_op op)
{
	static const char *const names[] = {
		"end",	       "read",	   "write",	  "rdwr",
		"truncate",    "tcp bind", "tcp connect", "udp bind",
		"udp connect", "signal",   "abstract",	  "ptrace",
		"mount",       "rename",   "renamed to",
	};

	return names[op];
}

LL_TEST_F(quiet_audit, records_of_quiet_and_logged_denials,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	static const char *const tree[] = {
		"a/",  "a/f", "a/g", "a/sub/", "a/sub/g", "b/",
		"b/f", "b/g", "c/",  "marker", NULL,
	};
	struct q_arg a = { .v = variant, .test = getpid() };
	char object[300], record[400], needle[40];
	struct ll_audit_records r;
	const struct q_probe *p;
	int status, i, logged = 0, listener = -1, domains;
	pid_t child;

	a.res = ll_shared_ints(16);
	ASSERT_NE(NULL, a.res);
	LL_SETUP(ll_tree_make("quiet_audit", tree));
	if (q_uses(variant, Q_PTRACE)) {
		int yama = ll_yama_ptrace_scope();

		if (yama >= 3)
			LL_SKIP_ENV(return,
					  "Yama ptrace_scope %d forbids ptrace",
					  yama);
	}
	if (q_uses(variant, Q_ABSTRACT)) {
		struct sockaddr_un addr;
		socklen_t len = q_abstract_name(&addr, a.test);

		listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		LL_SETUP(listener < 0 ? errno : 0);
		LL_SETUP(ll_errno_of(
			bind(listener, (struct sockaddr *)&addr, len)));
		LL_SETUP(ll_errno_of(listen(listener, 4)));
	}
	LL_AUDIT_START(&self->st);
	child = ll_fork_wait(q_child, &a, &status);
	ASSERT_LT(0, child);
	if (q_uses_net(variant) && a.res[0] == EPERM)
		LL_SKIP_ENV(return, "no private network namespace");
	LL_SETUP(a.res[0]);
	for (i = 0; i < Q_LAYERS; i++)
		if (variant->layers[i].fs || variant->layers[i].net ||
		    variant->layers[i].scoped)
			ASSERT_EQ(0, a.res[1 + i])
	TH_LOG("layer %d: %s", i + 1, strerror(a.res[1 + i]));
	/* The decision, whatever quiet says. */
	for (i = 0, p = variant->probes; i < Q_PROBES && p->op != Q_END;
	     i++, p++)
		ASSERT_EQ(p->err, a.res[Q_RES_PROBE + i])
	TH_LOG("probe %d (%s %s%d): errno %d", i, q_op_name(p->op),
	       p->rel ?: "port ", p->rel ? 0 : p->port, a.res[Q_RES_PROBE + i]);

	ASSERT_EQ(0, ll_audit_read_to_marker(self->st.fd, ll_at("marker"), &r));
	for (i = 0, p = variant->probes; i < Q_PROBES && p->op != Q_END;
	     i++, p++) {
		q_object(object, sizeof(object), p, &a);
		if (!p->blockers) {
			ASSERT_EQ(0, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS,
						    object, NULL, NULL))
			{
				TH_LOG("probe %d (%s): quiet, but logged", i,
				       q_op_name(p->op));
				ll_audit_dump(&r);
			}
			continue;
		}
		snprintf(record, sizeof(record), " blockers=%s%s", p->blockers,
			 object);
		ASSERT_EQ(1, ll_audit_count(&r, AUDIT_LANDLOCK_ACCESS, record,
					    NULL, NULL))
		{
			TH_LOG("probe %d (%s): no record with \"%s\"", i,
			       q_op_name(p->op), record);
			ll_audit_dump(&r);
		}
		logged++;
	}
	/* Nothing else was logged. */
	ASSERT_EQ(logged, ll_audit_caused_by(&r, child))
	ll_audit_dump(&r);
	/*
	 * A domain shows up (status=allocated) with its first logged denial
	 * only: none when every denial was quiet.
	 */
	snprintf(needle, sizeof(needle), " pid=%d ", (int)child);
	domains = ll_audit_count(&r, AUDIT_LANDLOCK_DOMAIN,
				 " status=allocated ", needle, NULL);
	if (!logged) {
		ASSERT_EQ(0, domains) ll_audit_dump(&r);
	} else {
		ASSERT_LE(1, domains) ll_audit_dump(&r);
	}
	if (listener >= 0)
		close(listener);
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
