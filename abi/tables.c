// SPDX-License-Identifier: GPL-2.0
/*
 * The per-ABI tables (abi/SPEC.md §1, §9).  Each named bit carries the ABI
 * that introduced it; every per-ABI mask is derived from that, so an ABI is a
 * superset of the one before by construction and tests pin the values.
 */
#include <stddef.h>
#include <string.h>

#include "abi.h"

/* A named bit: its lower-case name, its macro's name and its value. */
#define NAMED(prefix, NAME, name, abi)                 \
	{                                              \
		name, #prefix #NAME, prefix##NAME, abi \
	}

/* Lower-case names: the audit blockers' spelling (SPEC §8). */
static const struct ll_bit fs_access[] = {
	NAMED(LANDLOCK_ACCESS_FS_, EXECUTE, "execute", 1),
	NAMED(LANDLOCK_ACCESS_FS_, WRITE_FILE, "write_file", 1),
	NAMED(LANDLOCK_ACCESS_FS_, READ_FILE, "read_file", 1),
	NAMED(LANDLOCK_ACCESS_FS_, READ_DIR, "read_dir", 1),
	NAMED(LANDLOCK_ACCESS_FS_, REMOVE_DIR, "remove_dir", 1),
	NAMED(LANDLOCK_ACCESS_FS_, REMOVE_FILE, "remove_file", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_CHAR, "make_char", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_DIR, "make_dir", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_REG, "make_reg", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_SOCK, "make_sock", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_FIFO, "make_fifo", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_BLOCK, "make_block", 1),
	NAMED(LANDLOCK_ACCESS_FS_, MAKE_SYM, "make_sym", 1),
	NAMED(LANDLOCK_ACCESS_FS_, REFER, "refer", 2),
	NAMED(LANDLOCK_ACCESS_FS_, TRUNCATE, "truncate", 3),
	NAMED(LANDLOCK_ACCESS_FS_, IOCTL_DEV, "ioctl_dev", 5),
	NAMED(LANDLOCK_ACCESS_FS_, RESOLVE_UNIX, "resolve_unix", 9),
	{ 0 },
};

static const struct ll_bit net_access[] = {
	NAMED(LANDLOCK_ACCESS_NET_, BIND_TCP, "bind_tcp", 4),
	NAMED(LANDLOCK_ACCESS_NET_, CONNECT_TCP, "connect_tcp", 4),
	NAMED(LANDLOCK_ACCESS_NET_, BIND_UDP, "bind_udp", 10),
	NAMED(LANDLOCK_ACCESS_NET_, CONNECT_SEND_UDP, "connect_send_udp", 10),
	{ 0 },
};

static const struct ll_bit scopes[] = {
	NAMED(LANDLOCK_SCOPE_, ABSTRACT_UNIX_SOCKET, "abstract_unix_socket", 6),
	NAMED(LANDLOCK_SCOPE_, SIGNAL, "signal", 6),
	{ 0 },
};

/*
 * ERRATA is documented with ABI 7 but was backported to older series
 * (6.1.170 reports ABI 2 and answers it): below ABI 7 it may or may not be
 * there, so the probe never relies on it.
 */
static const struct ll_bit create_flags[] = {
	NAMED(LANDLOCK_CREATE_RULESET_, VERSION, "version", 1),
	NAMED(LANDLOCK_CREATE_RULESET_, ERRATA, "errata", 7),
	{ 0 },
};

static const struct ll_bit add_rule_flags[] = {
	NAMED(LANDLOCK_ADD_RULE_, QUIET, "quiet", 10),
	/* abi 0: proposed, not merged (SPEC §10). */
	NAMED(LANDLOCK_ADD_RULE_, NO_INHERIT, "no_inherit", 0),
	{ 0 },
};

static const struct ll_bit restrict_flags[] = {
	NAMED(LANDLOCK_RESTRICT_SELF_, LOG_SAME_EXEC_OFF, "log_same_exec_off",
	      7),
	NAMED(LANDLOCK_RESTRICT_SELF_, LOG_NEW_EXEC_ON, "log_new_exec_on", 7),
	NAMED(LANDLOCK_RESTRICT_SELF_, LOG_SUBDOMAINS_OFF, "log_subdomains_off",
	      7),
	NAMED(LANDLOCK_RESTRICT_SELF_, TSYNC, "tsync", 8),
	NAMED(LANDLOCK_RESTRICT_SELF_, NO_NEW_PRIVS, "no_new_privs", 11),
	{ 0 },
};

static const struct ll_bit rule_types[] = {
	NAMED(LANDLOCK_RULE_, PATH_BENEATH, "path_beneath", 1),
	NAMED(LANDLOCK_RULE_, NET_PORT, "net_port", 4),
	{ 0 },
};

static const struct {
	const char *name;
	const struct ll_bit *bits;
} families[LL_FAMILY_COUNT] = {
	[LL_FS_ACCESS] = { "fs_access", fs_access },
	[LL_NET_ACCESS] = { "net_access", net_access },
	[LL_SCOPE] = { "scope", scopes },
	[LL_CREATE_FLAG] = { "create_ruleset_flags", create_flags },
	[LL_ADD_RULE_FLAG] = { "add_rule_flags", add_rule_flags },
	[LL_RESTRICT_FLAG] = { "restrict_self_flags", restrict_flags },
	[LL_RULE_TYPE] = { "rule_types", rule_types },
};

const char *ll_family_name(enum ll_family family)
{
	return families[family].name;
}

const struct ll_bit *ll_family_bits(enum ll_family family)
{
	return families[family].bits;
}

uint64_t ll_mask(enum ll_family family, int abi)
{
	const struct ll_bit *bit;
	uint64_t mask = 0;

	for (bit = families[family].bits; bit->name; bit++)
		if (bit->abi && bit->abi <= abi)
			mask |= bit->value;
	return mask;
}

const struct ll_bit *ll_bit_by_name(enum ll_family family, const char *name)
{
	const struct ll_bit *bit;

	for (bit = families[family].bits; bit->name; bit++)
		if (!strcmp(bit->name, name))
			return bit;
	return NULL;
}

/* Rights that make sense on a file, i.e. not about directory entries. */
uint64_t ll_fs_file_rights(int abi)
{
	return ll_mask(LL_FS_ACCESS, abi) &
	       (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE |
		LANDLOCK_ACCESS_FS_IOCTL_DEV | LANDLOCK_ACCESS_FS_RESOLVE_UNIX);
}

#define FIELD(name, abi)                                                       \
	{                                                                      \
#name, offsetof(struct landlock_ruleset_attr, name),           \
			sizeof(((struct landlock_ruleset_attr *)0)->name), abi \
	}

static const struct ll_field ruleset_attr_fields[] = {
	FIELD(handled_access_fs, 1),
	FIELD(handled_access_net, 4),
	FIELD(scoped, 6),
	FIELD(quiet_access_fs, 10),
	FIELD(quiet_access_net, 10),
	FIELD(quiet_scoped, 10),
	{ 0 },
};

const struct ll_field *ll_ruleset_attr_fields(void)
{
	return ruleset_attr_fields;
}

size_t ll_ruleset_attr_size(int abi)
{
	const struct ll_field *field;
	size_t size = 0;

	for (field = ruleset_attr_fields; field->name; field++)
		if (field->abi <= abi && field->offset + field->size > size)
			size = field->offset + field->size;
	return size;
}

/* A behaviour that is one bit takes that bit's ABI: no number typed twice. */
#define BIT_BEHAVIOUR(id, name, family, bit, summary) \
	[id] = { name, summary, 0, 0, family, bit }

static const struct ll_behaviour_info behaviours[LL_BEHAVIOUR_COUNT] = {
	[LL_B_NONE] = { "none", "nothing beyond Landlock itself", 1, 0, 0, 0 },
	[LL_B_LANDLOCK] = { "landlock", "the three Landlock syscalls", 1, 0, 0,
			    0 },
	BIT_BEHAVIOUR(LL_B_REFER, "refer", LL_FS_ACCESS,
		      LANDLOCK_ACCESS_FS_REFER, "reparenting with REFER"),
	BIT_BEHAVIOUR(LL_B_TRUNCATE, "truncate", LL_FS_ACCESS,
		      LANDLOCK_ACCESS_FS_TRUNCATE, "truncation is a right"),
	BIT_BEHAVIOUR(LL_B_NET_TCP, "net_tcp", LL_NET_ACCESS,
		      LANDLOCK_ACCESS_NET_BIND_TCP,
		      "TCP bind/connect rights, RULE_NET_PORT"),
	BIT_BEHAVIOUR(LL_B_IOCTL_DEV, "ioctl_dev", LL_FS_ACCESS,
		      LANDLOCK_ACCESS_FS_IOCTL_DEV,
		      "device ioctls are a right"),
	BIT_BEHAVIOUR(LL_B_SCOPE, "scope", LL_SCOPE, LANDLOCK_SCOPE_SIGNAL,
		      "abstract UNIX socket and signal scoping"),
	BIT_BEHAVIOUR(LL_B_LOGGING, "logging", LL_RESTRICT_FLAG,
		      LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF,
		      "restrict_self log flags and audit records"),
	BIT_BEHAVIOUR(LL_B_TSYNC, "tsync", LL_RESTRICT_FLAG,
		      LANDLOCK_RESTRICT_SELF_TSYNC,
		      "domain applied to every thread"),
	BIT_BEHAVIOUR(LL_B_RESOLVE_UNIX, "resolve_unix", LL_FS_ACCESS,
		      LANDLOCK_ACCESS_FS_RESOLVE_UNIX,
		      "pathname UNIX socket resolution is a right"),
	BIT_BEHAVIOUR(LL_B_NET_UDP, "net_udp", LL_NET_ACCESS,
		      LANDLOCK_ACCESS_NET_BIND_UDP,
		      "UDP bind/connect/send rights"),
	BIT_BEHAVIOUR(LL_B_QUIET, "quiet", LL_ADD_RULE_FLAG,
		      LANDLOCK_ADD_RULE_QUIET,
		      "quiet rules and quiet_* fields"),
	BIT_BEHAVIOUR(LL_B_NNP_FLAG, "nnp_flag", LL_RESTRICT_FLAG,
		      LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS,
		      "restrict_self sets no_new_privs itself"),
	[LL_B_LAYER_LIMIT_16] = { "layer_limit_16",
				  "at most 16 layers (original ABI-1 kernels "
				  "allow 64)",
				  2, 0, 0, 0 },
	[LL_B_CHECK_ORDER_5_19] = { "check_order_5_19",
				    "the 5.19 check order: add_rule checks the "
				    "ruleset fd before type and attr, "
				    "restrict_self privileges before flags",
				    2, 0, 0, 0 },
	[LL_B_RESTRICT_EPERM_BEFORE_FLAGS] = { "restrict_eperm_before_flags",
					       "restrict_self checks "
					       "privileges (EPERM) before "
					       "flags (EINVAL)",
					       2, 10, 0, 0 },
	[LL_B_RESTRICT_FLAGS_BEFORE_EPERM] = { "restrict_flags_before_eperm",
					       "restrict_self checks flags "
					       "(EINVAL) before privileges "
					       "(EPERM)",
					       11, 0, 0, 0 },
	[LL_B_SAME_LAYER_UNION] = { "same_layer_union",
				    "rules of one layer grant the union of "
				    "their rights",
				    2, 0, 0, 0 },
	[LL_B_FS_TOPOLOGY_NEEDS_FS] = { "fs_topology_needs_fs",
					"mount/rename restrictions apply only "
					"to domains handling FS rights",
					4, 0, 0, 0 },
	[LL_B_LOG_SUBDOMAINS_OFF_WITH_TSYNC_FD_MINUS1] = { "log_subdomains_off_"
							   "tsync_fd_minus1",
							   "ruleset fd -1 "
							   "accepted with "
							   "LOG_SUBDOMAINS_OFF|"
							   "TSYNC",
							   10, 0, 0, 0 },
	[LL_B_QUIET_ALLOWS_EMPTY_RULE] = { "quiet_allows_empty_rule",
					   "a QUIET rule may have no "
					   "allowed_access",
					   10, 0, 0, 0 },
	/*
	 * Added in 7.3 with no ABI value of their own (SPEC §8): 7.3 is the
	 * release that first reports ABI 11, so ABI 11 is where they can be
	 * expected; a kernel built without tracepoints lacks them.
	 */
	[LL_B_TRACE_EVENTS] = { "trace_events",
				"Landlock trace events in tracefs "
				"(events/landlock)",
				11, 0, 0, 0 },
	BIT_BEHAVIOUR(LL_B_NO_INHERIT, "no_inherit", LL_ADD_RULE_FLAG,
		      LANDLOCK_ADD_RULE_NO_INHERIT,
		      "proposed: a rule that ignores its ancestors' rules"),
};

const struct ll_behaviour_info *ll_behaviour(enum ll_behaviour b)
{
	return &behaviours[b];
}

int ll_behaviour_abi(enum ll_behaviour b)
{
	const struct ll_behaviour_info *info = &behaviours[b];
	const struct ll_bit *bit;

	if (!info->value)
		return info->abi;
	for (bit = families[info->family].bits; bit->name; bit++)
		if (bit->value == info->value)
			return bit->abi;
	return 0;
}

bool ll_behaviour_proposed(enum ll_behaviour b)
{
	return behaviours[b].value && !ll_behaviour_abi(b);
}

bool ll_abi_has(int abi, enum ll_behaviour b)
{
	const struct ll_behaviour_info *info = &behaviours[b];
	int first = ll_behaviour_abi(b);

	abi = ll_abi_effective(abi);
	return first && abi >= first &&
	       (!info->until_abi || abi <= info->until_abi);
}

static const struct ll_erratum errata[] = {
	{ 1, 4,
	  "TCP rights apply only to TCP sockets, not to other SOCK_STREAM "
	  "protocols" },
	{ 2, 6, "signals between threads of one process are always allowed" },
	{ 3, 1,
	  "disconnected directories: no access widening through a moved "
	  "bind-mount "
	  "source" },
	{ 4, 1, "whiteout creation is guarded by MAKE_REG, not MAKE_CHAR" },
	{ 0 },
};

const struct ll_erratum *ll_errata(void)
{
	return errata;
}

const struct ll_erratum *ll_erratum(int id)
{
	const struct ll_erratum *e;

	for (e = errata; e->id; e++)
		if (e->id == id)
			return e;
	return NULL;
}

uint32_t ll_errata_mask(int abi)
{
	const struct ll_erratum *e;
	uint32_t mask = 0;

	for (e = errata; e->id; e++)
		if (e->abi <= abi)
			mask |= LL_ERRATUM_BIT(e->id);
	return mask;
}

int ll_abi_effective(int abi)
{
	return abi > LL_ABI_LAST ? LL_ABI_LAST : abi;
}
