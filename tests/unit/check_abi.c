// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of abi/: the per-ABI tables, the reference best-effort
 * downgrade and the JSON writer.
 *
 * This is the one place where Landlock values are typed a second time: every
 * number below is copied from abi/SPEC.md (§1.2, §1.3, §1.4, §9), so a
 * change to abi/tables.c that does not match the specification fails here.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi.h"
#include "downgrade.h"
#include "fs_ops.h"
#include "json.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Index 0 is "no Landlock"; 1..11 are the ABIs of SPEC §1.1. */
#define ABIS (LL_ABI_LAST + 1)

struct expected_bit {
	const char *name;
	const char *macro;
	uint64_t value;
	int abi; /* 0: not merged */
};

static void check_family(enum ll_family family, const char *family_name,
			 const struct expected_bit *exp, size_t count)
{
	const struct ll_bit *bits = ll_family_bits(family);
	size_t i;

	ck_assert_str_eq(ll_family_name(family), family_name);
	ck_assert_ptr_nonnull(bits);
	for (i = 0; i < count; i++) {
		const struct ll_bit *by_name;

		ck_assert_msg(bits[i].name, "%s: table ends after %zu of %zu",
			      family_name, i, count);
		ck_assert_str_eq(bits[i].name, exp[i].name);
		ck_assert_str_eq(bits[i].macro, exp[i].macro);
		ck_assert_msg(bits[i].value == exp[i].value,
			      "%s: value 0x%" PRIx64 ", SPEC says 0x%" PRIx64,
			      exp[i].macro, bits[i].value, exp[i].value);
		ck_assert_msg(bits[i].abi == exp[i].abi,
			      "%s: ABI %d, SPEC says %d", exp[i].macro,
			      bits[i].abi, exp[i].abi);
		by_name = ll_bit_by_name(family, exp[i].name);
		ck_assert_ptr_eq(by_name, &bits[i]);
	}
	ck_assert_msg(bits[count].name == NULL,
		      "%s: table has more than the %zu bits of SPEC",
		      family_name, count);
	ck_assert_ptr_null(ll_bit_by_name(family, "no_such_bit"));
}

/* --- SPEC §1.2: filesystem rights ------------------------------------- */

static const struct expected_bit fs_bits[] = {
	{ "execute", "LANDLOCK_ACCESS_FS_EXECUTE", 0x1, 1 },
	{ "write_file", "LANDLOCK_ACCESS_FS_WRITE_FILE", 0x2, 1 },
	{ "read_file", "LANDLOCK_ACCESS_FS_READ_FILE", 0x4, 1 },
	{ "read_dir", "LANDLOCK_ACCESS_FS_READ_DIR", 0x8, 1 },
	{ "remove_dir", "LANDLOCK_ACCESS_FS_REMOVE_DIR", 0x10, 1 },
	{ "remove_file", "LANDLOCK_ACCESS_FS_REMOVE_FILE", 0x20, 1 },
	{ "make_char", "LANDLOCK_ACCESS_FS_MAKE_CHAR", 0x40, 1 },
	{ "make_dir", "LANDLOCK_ACCESS_FS_MAKE_DIR", 0x80, 1 },
	{ "make_reg", "LANDLOCK_ACCESS_FS_MAKE_REG", 0x100, 1 },
	{ "make_sock", "LANDLOCK_ACCESS_FS_MAKE_SOCK", 0x200, 1 },
	{ "make_fifo", "LANDLOCK_ACCESS_FS_MAKE_FIFO", 0x400, 1 },
	{ "make_block", "LANDLOCK_ACCESS_FS_MAKE_BLOCK", 0x800, 1 },
	{ "make_sym", "LANDLOCK_ACCESS_FS_MAKE_SYM", 0x1000, 1 },
	{ "refer", "LANDLOCK_ACCESS_FS_REFER", 0x2000, 2 },
	{ "truncate", "LANDLOCK_ACCESS_FS_TRUNCATE", 0x4000, 3 },
	{ "ioctl_dev", "LANDLOCK_ACCESS_FS_IOCTL_DEV", 0x8000, 5 },
	{ "resolve_unix", "LANDLOCK_ACCESS_FS_RESOLVE_UNIX", 0x10000, 9 },
};

static const uint64_t fs_masks[ABIS] = {
	0,	0x1FFF, 0x3FFF, 0x7FFF,	 0x7FFF,  0xFFFF,
	0xFFFF, 0xFFFF, 0xFFFF, 0x1FFFF, 0x1FFFF, 0x1FFFF,
};

/* "ACCESS_FILE": rights allowed on a rule whose object is not a directory. */
static const uint64_t fs_file_rights[ABIS] = {
	0,	0x7,	0x7,	0x4007,	 0x4007,  0xC007,
	0xC007, 0xC007, 0xC007, 0x1C007, 0x1C007, 0x1C007,
};

START_TEST(fs_rights_match_spec)
{
	check_family(LL_FS_ACCESS, "fs_access", fs_bits, ARRAY_SIZE(fs_bits));
}
END_TEST

START_TEST(fs_masks_per_abi)
{
	int abi;

	for (abi = 0; abi <= LL_ABI_LAST; abi++)
		ck_assert_msg(ll_mask(LL_FS_ACCESS, abi) == fs_masks[abi],
			      "ABI %d: fs mask 0x%" PRIx64 ", SPEC 0x%" PRIx64,
			      abi, ll_mask(LL_FS_ACCESS, abi), fs_masks[abi]);
}
END_TEST

START_TEST(fs_file_rights_per_abi)
{
	int abi;

	for (abi = 0; abi <= LL_ABI_LAST; abi++)
		ck_assert_msg(ll_fs_file_rights(abi) == fs_file_rights[abi],
			      "ABI %d: file rights 0x%" PRIx64
			      ", SPEC 0x%" PRIx64,
			      abi, ll_fs_file_rights(abi), fs_file_rights[abi]);
	/* READ_DIR and the directory-entry rights are never file rights. */
	ck_assert_uint_eq(ll_fs_file_rights(LL_ABI_LAST) & 0x3FF8, 0);
}
END_TEST

/* --- SPEC §1.3: network, scopes, flags, rule types -------------------- */

static const struct expected_bit net_bits[] = {
	{ "bind_tcp", "LANDLOCK_ACCESS_NET_BIND_TCP", 0x1, 4 },
	{ "connect_tcp", "LANDLOCK_ACCESS_NET_CONNECT_TCP", 0x2, 4 },
	{ "bind_udp", "LANDLOCK_ACCESS_NET_BIND_UDP", 0x4, 10 },
	{ "connect_send_udp", "LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP", 0x8, 10 },
};
static const uint64_t net_masks[ABIS] = { 0,   0,   0,	 0,   0x3, 0x3,
					  0x3, 0x3, 0x3, 0x3, 0xF, 0xF };

static const struct expected_bit scope_bits[] = {
	{ "abstract_unix_socket", "LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET", 0x1,
	  6 },
	{ "signal", "LANDLOCK_SCOPE_SIGNAL", 0x2, 6 },
};
static const uint64_t scope_masks[ABIS] = { 0,	 0,   0,   0,	0,   0,
					    0x3, 0x3, 0x3, 0x3, 0x3, 0x3 };

static const struct expected_bit create_bits[] = {
	{ "version", "LANDLOCK_CREATE_RULESET_VERSION", 0x1, 1 },
	{ "errata", "LANDLOCK_CREATE_RULESET_ERRATA", 0x2, 7 },
};
static const uint64_t create_masks[ABIS] = { 0,	  0x1, 0x1, 0x1, 0x1, 0x1,
					     0x1, 0x3, 0x3, 0x3, 0x3, 0x3 };

static const struct expected_bit add_rule_bits[] = {
	{ "quiet", "LANDLOCK_ADD_RULE_QUIET", 0x1, 10 },
	{ "no_inherit", "LANDLOCK_ADD_RULE_NO_INHERIT", 0x2, 0 },
};
static const uint64_t add_rule_masks[ABIS] = { 0, 0, 0, 0, 0,	0,
					       0, 0, 0, 0, 0x1, 0x1 };

static const struct expected_bit restrict_bits[] = {
	{ "log_same_exec_off", "LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF", 0x1,
	  7 },
	{ "log_new_exec_on", "LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON", 0x2, 7 },
	{ "log_subdomains_off", "LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF",
	  0x4, 7 },
	{ "tsync", "LANDLOCK_RESTRICT_SELF_TSYNC", 0x8, 8 },
	{ "no_new_privs", "LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS", 0x10, 11 },
};
static const uint64_t restrict_masks[ABIS] = { 0, 0,   0,   0,	 0,   0,
					       0, 0x7, 0xF, 0xF, 0xF, 0x1F };

static const struct expected_bit rule_type_bits[] = {
	{ "path_beneath", "LANDLOCK_RULE_PATH_BENEATH", 1, 1 },
	{ "net_port", "LANDLOCK_RULE_NET_PORT", 2, 4 },
};
static const uint64_t rule_type_masks[ABIS] = { 0, 1, 1, 1, 3, 3,
						3, 3, 3, 3, 3, 3 };

START_TEST(net_rights_match_spec)
{
	check_family(LL_NET_ACCESS, "net_access", net_bits,
		     ARRAY_SIZE(net_bits));
}
END_TEST

START_TEST(scopes_match_spec)
{
	check_family(LL_SCOPE, "scope", scope_bits, ARRAY_SIZE(scope_bits));
}
END_TEST

START_TEST(create_flags_match_spec)
{
	check_family(LL_CREATE_FLAG, "create_ruleset_flags", create_bits,
		     ARRAY_SIZE(create_bits));
}
END_TEST

START_TEST(add_rule_flags_match_spec)
{
	check_family(LL_ADD_RULE_FLAG, "add_rule_flags", add_rule_bits,
		     ARRAY_SIZE(add_rule_bits));
}
END_TEST

START_TEST(restrict_flags_match_spec)
{
	check_family(LL_RESTRICT_FLAG, "restrict_self_flags", restrict_bits,
		     ARRAY_SIZE(restrict_bits));
}
END_TEST

START_TEST(rule_types_match_spec)
{
	check_family(LL_RULE_TYPE, "rule_types", rule_type_bits,
		     ARRAY_SIZE(rule_type_bits));
}
END_TEST

static const struct {
	enum ll_family family;
	const uint64_t *masks;
} family_masks[] = {
	{ LL_FS_ACCESS, fs_masks },
	{ LL_NET_ACCESS, net_masks },
	{ LL_SCOPE, scope_masks },
	{ LL_CREATE_FLAG, create_masks },
	{ LL_ADD_RULE_FLAG, add_rule_masks },
	{ LL_RESTRICT_FLAG, restrict_masks },
	{ LL_RULE_TYPE, rule_type_masks },
};

START_TEST(every_family_has_spec_masks)
{
	size_t f;
	int abi;

	ck_assert_uint_eq(ARRAY_SIZE(family_masks), LL_FAMILY_COUNT);
	for (f = 0; f < ARRAY_SIZE(family_masks); f++)
		for (abi = 0; abi <= LL_ABI_LAST; abi++) {
			enum ll_family fam = family_masks[f].family;

			ck_assert_msg(
				ll_mask(fam, abi) == family_masks[f].masks[abi],
				"%s, ABI %d: 0x%" PRIx64 ", SPEC 0x%" PRIx64,
				ll_family_name(fam), abi, ll_mask(fam, abi),
				family_masks[f].masks[abi]);
		}
}
END_TEST

START_TEST(each_abi_is_a_superset_of_the_previous)
{
	int f, abi;

	for (f = 0; f < LL_FAMILY_COUNT; f++)
		for (abi = 1; abi <= LL_ABI_LAST; abi++) {
			uint64_t before = ll_mask(f, abi - 1);
			uint64_t now = ll_mask(f, abi);

			ck_assert_msg(
				(before & ~now) == 0,
				"%s: ABI %d loses 0x%" PRIx64 " of ABI %d",
				ll_family_name(f), abi, before & ~now, abi - 1);
		}
	for (abi = 1; abi <= LL_ABI_LAST; abi++) {
		ck_assert_uint_eq(ll_fs_file_rights(abi - 1) &
					  ~ll_fs_file_rights(abi),
				  0);
		ck_assert_uint_ge(ll_ruleset_attr_size(abi),
				  ll_ruleset_attr_size(abi - 1));
		ck_assert_uint_eq(
			ll_errata_mask(abi - 1) & ~ll_errata_mask(abi), 0);
	}
}
END_TEST

START_TEST(masks_are_the_or_of_bits_of_earlier_abis)
{
	const struct ll_bit *bit;
	int f, abi;

	for (f = 0; f < LL_FAMILY_COUNT; f++)
		for (abi = 0; abi <= LL_ABI_LAST + 1; abi++) {
			uint64_t mask = 0;

			for (bit = ll_family_bits(f); bit->name; bit++)
				if (bit->abi >= 1 && bit->abi <= abi)
					mask |= bit->value;
			ck_assert_uint_eq(ll_mask(f, abi), mask);
		}
}
END_TEST

START_TEST(no_inherit_in_no_released_mask)
{
	int abi;

	ck_assert_uint_eq(LANDLOCK_ADD_RULE_NO_INHERIT, 0x2);
	ck_assert_int_eq(ll_bit_by_name(LL_ADD_RULE_FLAG, "no_inherit")->abi,
			 0);
	for (abi = 0; abi <= 100; abi++)
		ck_assert_uint_eq(ll_mask(LL_ADD_RULE_FLAG, abi) &
					  LANDLOCK_ADD_RULE_NO_INHERIT,
				  0);
}
END_TEST

START_TEST(newer_kernels_use_the_last_tables)
{
	int f;

	ck_assert_int_eq(LL_ABI_LAST, 11);
	ck_assert_int_eq(ll_abi_effective(12), 11);
	ck_assert_int_eq(ll_abi_effective(1000), 11);
	ck_assert_int_eq(ll_abi_effective(11), 11);
	ck_assert_int_eq(ll_abi_effective(5), 5);
	ck_assert_int_eq(ll_abi_effective(1), 1);
	for (f = 0; f < LL_FAMILY_COUNT; f++)
		ck_assert_uint_eq(ll_mask(f, 12), ll_mask(f, 11));
	ck_assert_uint_eq(ll_fs_file_rights(12), ll_fs_file_rights(11));
	ck_assert_uint_eq(ll_ruleset_attr_size(12), 48);
	ck_assert_uint_eq(ll_errata_mask(12), ll_errata_mask(11));
	ck_assert(ll_abi_has(12, LL_B_NNP_FLAG));
	ck_assert(!ll_abi_has(12, LL_B_RESTRICT_EPERM_BEFORE_FLAGS));
}
END_TEST

/* --- SPEC §1.4: struct layouts ---------------------------------------- */

static const size_t attr_sizes[ABIS] = { 0,  8,	 8,  8,	 16, 16,
					 24, 24, 24, 24, 48, 48 };

START_TEST(struct_sizes_match_spec)
{
	int abi;

	for (abi = 1; abi <= LL_ABI_LAST; abi++)
		ck_assert_msg(ll_ruleset_attr_size(abi) == attr_sizes[abi],
			      "ABI %d: ruleset_attr size %zu, SPEC %zu", abi,
			      ll_ruleset_attr_size(abi), attr_sizes[abi]);
	ck_assert_uint_eq(sizeof(struct landlock_ruleset_attr), 48);
	ck_assert_uint_eq(LL_PATH_BENEATH_ATTR_SIZE, 12);
	ck_assert_uint_eq(LL_NET_PORT_ATTR_SIZE, 16);
	ck_assert_uint_eq(sizeof(struct landlock_path_beneath_attr), 12);
	ck_assert_uint_eq(sizeof(struct landlock_net_port_attr), 16);
	ck_assert_uint_eq(
		offsetof(struct landlock_path_beneath_attr, parent_fd), 8);
	ck_assert_uint_eq(offsetof(struct landlock_net_port_attr, port), 8);
}
END_TEST

START_TEST(ruleset_attr_fields_match_spec)
{
	static const struct {
		const char *name;
		size_t offset;
		int abi;
	} exp[] = {
		{ "handled_access_fs", 0, 1 },
		{ "handled_access_net", 8, 4 },
		{ "scoped", 16, 6 },
		{ "quiet_access_fs", 24, 10 },
		{ "quiet_access_net", 32, 10 },
		{ "quiet_scoped", 40, 10 },
	};
	const struct ll_field *fields = ll_ruleset_attr_fields();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exp); i++) {
		ck_assert_ptr_nonnull(fields[i].name);
		ck_assert_str_eq(fields[i].name, exp[i].name);
		ck_assert_uint_eq(fields[i].offset, exp[i].offset);
		ck_assert_uint_eq(fields[i].size, 8);
		ck_assert_int_eq(fields[i].abi, exp[i].abi);
	}
	ck_assert_ptr_null(fields[ARRAY_SIZE(exp)].name);
}
END_TEST

/* --- SPEC §9: errata -------------------------------------------------- */

START_TEST(errata_match_spec)
{
	static const struct {
		int id;
		unsigned int bit;
		int abi;
	} exp[] = {
		{ 1, 0x1, 4 }, { 2, 0x2, 6 }, { 3, 0x4, 1 }, { 4, 0x8, 1 }
	};
	const struct ll_erratum *all = ll_errata();
	size_t i;

	for (i = 0; i < ARRAY_SIZE(exp); i++) {
		ck_assert_int_eq(all[i].id, exp[i].id);
		ck_assert_int_eq(all[i].abi, exp[i].abi);
		ck_assert_uint_eq(LL_ERRATUM_BIT(exp[i].id), exp[i].bit);
		ck_assert_ptr_nonnull(all[i].summary);
		ck_assert_ptr_eq(ll_erratum(exp[i].id), &all[i]);
	}
	ck_assert_int_eq(all[ARRAY_SIZE(exp)].id, 0);
	ck_assert_ptr_null(ll_erratum(0));
	ck_assert_ptr_null(ll_erratum(5));
}
END_TEST

START_TEST(errata_mask_per_abi)
{
	/* Errata 3, 4 from ABI 1; 1 from ABI 4; 2 from ABI 6. */
	static const uint32_t exp[ABIS] = { 0,	 0xc, 0xc, 0xc, 0xd, 0xd,
					    0xf, 0xf, 0xf, 0xf, 0xf, 0xf };
	int abi;

	for (abi = 0; abi <= LL_ABI_LAST; abi++)
		ck_assert_msg(ll_errata_mask(abi) == exp[abi],
			      "ABI %d: errata mask 0x%x, SPEC 0x%x", abi,
			      ll_errata_mask(abi), exp[abi]);
	/* Measured kernels (SPEC §0) must fit their ABI's mask. */
	ck_assert_uint_eq(0x0 & ~ll_errata_mask(2), 0);
	ck_assert_uint_eq(0xf & ~ll_errata_mask(6), 0);
	ck_assert_uint_eq(0x3 & ~ll_errata_mask(7), 0);
	ck_assert_uint_eq(0x7 & ~ll_errata_mask(9), 0);
}
END_TEST

/* --- behaviours ------------------------------------------------------- */

START_TEST(behaviours_match_spec)
{
	static const struct {
		enum ll_behaviour b;
		int abi;
		int until;
	} exp[] = {
		{ LL_B_NONE, 1, 0 },
		{ LL_B_LANDLOCK, 1, 0 },
		{ LL_B_REFER, 2, 0 },
		{ LL_B_TRUNCATE, 3, 0 },
		{ LL_B_NET_TCP, 4, 0 },
		{ LL_B_IOCTL_DEV, 5, 0 },
		{ LL_B_SCOPE, 6, 0 },
		{ LL_B_LOGGING, 7, 0 },
		{ LL_B_TSYNC, 8, 0 },
		{ LL_B_RESOLVE_UNIX, 9, 0 },
		{ LL_B_NET_UDP, 10, 0 },
		{ LL_B_QUIET, 10, 0 },
		{ LL_B_NNP_FLAG, 11, 0 },
		{ LL_B_LAYER_LIMIT_16, 2, 0 },
		{ LL_B_CHECK_ORDER_5_19, 2, 0 },
		{ LL_B_RESTRICT_EPERM_BEFORE_FLAGS, 2, 10 },
		{ LL_B_RESTRICT_FLAGS_BEFORE_EPERM, 11, 0 },
		{ LL_B_SAME_LAYER_UNION, 2, 0 },
		{ LL_B_FS_TOPOLOGY_NEEDS_FS, 4, 0 },
		{ LL_B_LOG_SUBDOMAINS_OFF_WITH_TSYNC_FD_MINUS1, 10, 0 },
		{ LL_B_QUIET_ALLOWS_EMPTY_RULE, 10, 0 },
		{ LL_B_TRACE_EVENTS, 11, 0 },
		/* proposed, not merged: no ABI has it */
		{ LL_B_NO_INHERIT, 0, 0 },
	};
	size_t i;
	int abi;

	ck_assert_uint_eq(ARRAY_SIZE(exp), LL_BEHAVIOUR_COUNT);
	for (i = 0; i < ARRAY_SIZE(exp); i++) {
		const struct ll_behaviour_info *info = ll_behaviour(exp[i].b);

		ck_assert_ptr_nonnull(info->name);
		ck_assert_ptr_nonnull(info->summary);
		ck_assert_msg(ll_behaviour_abi(exp[i].b) == exp[i].abi,
			      "%s: ABI %d, SPEC %d", info->name,
			      ll_behaviour_abi(exp[i].b), exp[i].abi);
		ck_assert_int_eq(info->until_abi, exp[i].until);
		ck_assert(ll_behaviour_proposed(exp[i].b) == !exp[i].abi);
		for (abi = 0; abi <= LL_ABI_LAST + 1; abi++) {
			int eff = abi > LL_ABI_LAST ? LL_ABI_LAST : abi;
			bool want = exp[i].abi && eff >= exp[i].abi &&
				    (!exp[i].until || eff <= exp[i].until);

			ck_assert_msg(ll_abi_has(abi, exp[i].b) == want,
				      "%s on ABI %d: %d, want %d", info->name,
				      abi, ll_abi_has(abi, exp[i].b), want);
		}
	}
	/* The two restrict_self orders never overlap. */
	for (abi = 1; abi <= LL_ABI_LAST; abi++)
		ck_assert(!(ll_abi_has(abi, LL_B_RESTRICT_EPERM_BEFORE_FLAGS) &&
			    ll_abi_has(abi, LL_B_RESTRICT_FLAGS_BEFORE_EPERM)));
}
END_TEST

/* --- the reference downgrade ----------------------------------------- */

/* An ABI-N program's fullest ruleset plus one rule of each kind. */
static void sample_ruleset(int abi, struct ll_ruleset *rs)
{
	struct ll_rule *r;

	ll_ruleset_full(abi, rs);
	r = &rs->rules[rs->rule_count++];
	r->type = LANDLOCK_RULE_PATH_BENEATH;
	r->allowed_access = ll_mask(LL_FS_ACCESS, abi);
	r->is_dir = true;

	r = &rs->rules[rs->rule_count++];
	r->type = LANDLOCK_RULE_PATH_BENEATH;
	r->allowed_access = ll_fs_file_rights(abi);
	r->is_dir = false;

	if (abi >= 4) {
		r = &rs->rules[rs->rule_count++];
		r->type = LANDLOCK_RULE_NET_PORT;
		r->allowed_access = ll_mask(LL_NET_ACCESS, abi);
		r->port = 443;
	}
	if (abi >= 10) {
		rs->attr.quiet_access_fs =
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_REFER;
		rs->attr.quiet_access_net = LANDLOCK_ACCESS_NET_BIND_UDP |
					    LANDLOCK_ACCESS_NET_BIND_TCP;
		rs->attr.quiet_scoped = LANDLOCK_SCOPE_SIGNAL;
		/* An empty quiet rule: valid from ABI 10 on. */
		r = &rs->rules[rs->rule_count++];
		r->type = LANDLOCK_RULE_PATH_BENEATH;
		r->allowed_access = 0;
		r->flags = LANDLOCK_ADD_RULE_QUIET;
		r->is_dir = true;
		/* A quiet rule that also allows something. */
		r = &rs->rules[rs->rule_count++];
		r->type = LANDLOCK_RULE_NET_PORT;
		r->allowed_access = LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP;
		r->flags = LANDLOCK_ADD_RULE_QUIET;
		r->port = 53;
	}
	rs->restrict_flags = (uint32_t)ll_mask(LL_RESTRICT_FLAG, abi);
}

static uint64_t mask_at(enum ll_family f, int abi)
{
	return f == LL_FS_ACCESS ? fs_masks[abi] : net_masks[abi];
}

/* The OR of every dropped bit recorded for (where, family). */
static uint64_t dropped_bits(const struct ll_downgrade *d, const char *where,
			     enum ll_family family)
{
	uint64_t bits = 0;
	size_t i;

	for (i = 0; i < d->drop_count; i++)
		if (!strcmp(d->dropped[i].where, where) &&
		    d->dropped[i].family == family)
			bits |= d->dropped[i].bits;
	return bits;
}

static bool whole_rule_dropped(const struct ll_downgrade *d, const char *where)
{
	size_t i;

	for (i = 0; i < d->drop_count; i++)
		if (!strcmp(d->dropped[i].where, where) && !d->dropped[i].bits)
			return true;
	return false;
}

/* kept ∪ dropped == input and kept ∩ dropped == ∅, for one attr field. */
static void check_field(const struct ll_downgrade *d, const char *where,
			enum ll_family family, uint64_t in, uint64_t out,
			uint64_t want)
{
	uint64_t gone = dropped_bits(d, where, family);

	ck_assert_msg(out == want, "%s: kept 0x%" PRIx64 ", want 0x%" PRIx64,
		      where, out, want);
	ck_assert_msg((out | gone) == in && !(out & gone),
		      "%s: kept 0x%" PRIx64 " + dropped 0x%" PRIx64
		      " != input 0x%" PRIx64,
		      where, out, gone, in);
}

static int output_index(const struct ll_downgrade *d, size_t origin)
{
	size_t j;

	for (j = 0; j < d->ruleset.rule_count; j++)
		if (d->rule_origin[j] == (int)origin)
			return (int)j;
	return -1;
}

static void check_downgrade(const struct ll_ruleset *in, int n, int k,
			    const struct ll_downgrade *d)
{
	const struct landlock_ruleset_attr *ia = &in->attr;
	const struct landlock_ruleset_attr *oa = &d->ruleset.attr;
	bool quiet_ok = k >= 10;
	size_t i;
	int prev = -1;

	ck_assert_uint_eq(d->ruleset.attr_size, attr_sizes[k]);
	ck_assert_uint_lt(d->drop_count, LL_MAX_DROPPED);

	/* Only bits ABI k accepts, and all of the input's that it accepts. */
	check_field(d, "handled_access_fs", LL_FS_ACCESS, ia->handled_access_fs,
		    oa->handled_access_fs, ia->handled_access_fs & fs_masks[k]);
	check_field(d, "handled_access_net", LL_NET_ACCESS,
		    ia->handled_access_net, oa->handled_access_net,
		    ia->handled_access_net & net_masks[k]);
	check_field(d, "scoped", LL_SCOPE, ia->scoped, oa->scoped,
		    ia->scoped & scope_masks[k]);
	check_field(d, "quiet_access_fs", LL_FS_ACCESS, ia->quiet_access_fs,
		    oa->quiet_access_fs,
		    quiet_ok ? ia->quiet_access_fs & oa->handled_access_fs : 0);
	check_field(d, "quiet_access_net", LL_NET_ACCESS, ia->quiet_access_net,
		    oa->quiet_access_net,
		    quiet_ok ? ia->quiet_access_net & oa->handled_access_net
			     : 0);
	check_field(d, "quiet_scoped", LL_SCOPE, ia->quiet_scoped,
		    oa->quiet_scoped,
		    quiet_ok ? ia->quiet_scoped & oa->scoped : 0);
	check_field(d, "restrict_self_flags", LL_RESTRICT_FLAG,
		    in->restrict_flags, d->ruleset.restrict_flags,
		    in->restrict_flags & restrict_masks[k]);

	/* Every output rule comes from an input rule, in order. */
	for (i = 0; i < d->ruleset.rule_count; i++) {
		const struct ll_rule *r = &d->ruleset.rules[i];
		uint64_t handled = r->type == LANDLOCK_RULE_PATH_BENEATH
					   ? oa->handled_access_fs
					   : oa->handled_access_net;

		ck_assert_int_gt(d->rule_origin[i], prev);
		ck_assert_int_lt(d->rule_origin[i], (int)in->rule_count);
		prev = d->rule_origin[i];
		ck_assert_uint_ne(rule_type_masks[k] & r->type, 0);
		ck_assert_msg((r->allowed_access & ~handled) == 0,
			      "N=%d k=%d rule %zu: 0x%" PRIx64
			      " not handled (0x%" PRIx64 ")",
			      n, k, i, r->allowed_access, handled);
		ck_assert_uint_eq(r->flags & ~add_rule_masks[k], 0);
		if (r->type == LANDLOCK_RULE_PATH_BENEATH && !r->is_dir)
			ck_assert_uint_eq(
				r->allowed_access & ~fs_file_rights[k], 0);
		/* ENOMSG unless an empty rule is a quiet one on ABI >= 10. */
		if (!r->allowed_access)
			ck_assert_msg(
				k >= 10 && (r->flags & LANDLOCK_ADD_RULE_QUIET),
				"N=%d k=%d: empty rule %zu", n, k, i);
		if (r->flags & LANDLOCK_ADD_RULE_QUIET)
			ck_assert_uint_ne(r->type == LANDLOCK_RULE_PATH_BENEATH
						  ? oa->quiet_access_fs
						  : oa->quiet_access_net,
					  0);
	}

	/* Every input rule: kept with exactly its supported part, or gone. */
	for (i = 0; i < in->rule_count; i++) {
		const struct ll_rule *r = &in->rules[i];
		enum ll_family fam = r->type == LANDLOCK_RULE_PATH_BENEATH
					     ? LL_FS_ACCESS
					     : LL_NET_ACCESS;
		uint64_t want = r->allowed_access & mask_at(fam, k);
		uint32_t want_flags = r->flags & add_rule_masks[k];
		int j = output_index(d, i);
		char where[32];

		snprintf(where, sizeof(where), "rule[%zu]", i);
		if (!(rule_type_masks[k] & r->type)) {
			ck_assert_int_eq(j, -1);
			ck_assert(whole_rule_dropped(d, where));
			continue;
		}
		if (fam == LL_FS_ACCESS && !r->is_dir)
			want &= fs_file_rights[k];
		if ((want_flags & LANDLOCK_ADD_RULE_QUIET) &&
		    !(fam == LL_FS_ACCESS ? oa->quiet_access_fs
					  : oa->quiet_access_net))
			want_flags &= ~LANDLOCK_ADD_RULE_QUIET;
		if (!want && !(k >= 10 && want_flags)) {
			ck_assert_msg(j == -1, "N=%d k=%d %s: kept empty", n, k,
				      where);
			ck_assert(whole_rule_dropped(d, where));
			continue;
		}
		ck_assert_msg(j >= 0, "N=%d k=%d %s: lost", n, k, where);
		ck_assert(!whole_rule_dropped(d, where));
		ck_assert_int_eq(d->ruleset.rules[j].type, r->type);
		ck_assert_int_eq(d->ruleset.rules[j].is_dir, r->is_dir);
		ck_assert_uint_eq(d->ruleset.rules[j].port, r->port);
		check_field(d, where, fam, r->allowed_access,
			    d->ruleset.rules[j].allowed_access, want);
		check_field(d, where, LL_ADD_RULE_FLAG, r->flags,
			    d->ruleset.rules[j].flags, want_flags);
	}

	/* Nothing is reported dropped that was not in the input. */
	for (i = 0; i < d->drop_count; i++) {
		const struct ll_drop *drop = &d->dropped[i];

		ck_assert_ptr_nonnull(drop->why);
		ck_assert_uint_ne(strlen(drop->why), 0);
		ck_assert_uint_ne(strlen(drop->where), 0);
	}

	ck_assert_int_eq(d->enforceable,
			 (oa->handled_access_fs || oa->handled_access_net ||
			  oa->scoped));
}

START_TEST(downgrade_every_pair)
{
	int n = _i / LL_ABI_LAST + 1, k = _i % LL_ABI_LAST + 1;
	struct ll_downgrade *d = calloc(1, sizeof(*d));
	struct ll_ruleset in;
	size_t i;

	ck_assert_ptr_nonnull(d);
	sample_ruleset(n, &in);
	ll_downgrade(&in, k, d);
	check_downgrade(&in, n, k, d);
	ck_assert(d->enforceable);

	if (k >= n) {
		/* Identity: nothing to drop, every rule as it was. */
		ck_assert_uint_eq(d->drop_count, 0);
		ck_assert(!memcmp(&d->ruleset.attr, &in.attr, sizeof(in.attr)));
		ck_assert_uint_eq(d->ruleset.rule_count, in.rule_count);
		for (i = 0; i < in.rule_count; i++) {
			ck_assert_int_eq(d->rule_origin[i], (int)i);
			ck_assert(!memcmp(&d->ruleset.rules[i], &in.rules[i],
					  sizeof(in.rules[i])));
		}
		ck_assert_uint_eq(d->ruleset.restrict_flags, in.restrict_flags);
	} else {
		ck_assert_uint_gt(d->drop_count, 0);
	}
	free(d);
}
END_TEST

START_TEST(full_ruleset_handles_everything)
{
	struct ll_ruleset rs;
	int abi;

	for (abi = 1; abi <= LL_ABI_LAST; abi++) {
		ll_ruleset_full(abi, &rs);
		ck_assert_uint_eq(rs.attr.handled_access_fs, fs_masks[abi]);
		ck_assert_uint_eq(rs.attr.handled_access_net, net_masks[abi]);
		ck_assert_uint_eq(rs.attr.scoped, scope_masks[abi]);
		ck_assert_uint_eq(rs.attr.quiet_access_fs, 0);
		ck_assert_uint_eq(rs.attr.quiet_access_net, 0);
		ck_assert_uint_eq(rs.attr.quiet_scoped, 0);
		ck_assert_uint_eq(rs.attr_size, attr_sizes[abi]);
		ck_assert_uint_eq(rs.rule_count, 0);
		ck_assert_uint_eq(rs.restrict_flags, 0);
	}
}
END_TEST

START_TEST(downgrade_of_a_newer_kernel_is_abi_last)
{
	struct ll_downgrade a, b;
	struct ll_ruleset in;

	sample_ruleset(LL_ABI_LAST, &in);
	ll_downgrade(&in, LL_ABI_LAST, &a);
	ll_downgrade(&in, LL_ABI_LAST + 1, &b);
	ck_assert(!memcmp(&a.ruleset, &b.ruleset, sizeof(a.ruleset)));
	ck_assert_uint_eq(b.drop_count, 0);
}
END_TEST

START_TEST(downgrade_without_anything_handled_is_not_enforceable)
{
	struct ll_downgrade d;
	struct ll_ruleset in;

	/* A scope-only ruleset (ABI 6) on ABI 5. */
	memset(&in, 0, sizeof(in));
	in.attr.scoped = 0x3;
	in.attr_size = 24;
	ll_downgrade(&in, 5, &d);
	ck_assert(!d.enforceable);
	ck_assert_uint_eq(d.ruleset.attr.scoped, 0);
	ck_assert_uint_eq(dropped_bits(&d, "scoped", LL_SCOPE), 0x3);
	ll_downgrade(&in, 6, &d);
	ck_assert(d.enforceable);

	/* A net-only ruleset (ABI 4) with a port rule on ABI 3. */
	memset(&in, 0, sizeof(in));
	in.attr.handled_access_net = 0x3;
	in.attr_size = 16;
	in.rules[0].type = LANDLOCK_RULE_NET_PORT;
	in.rules[0].allowed_access = 0x1;
	in.rules[0].port = 8080;
	in.rule_count = 1;
	ll_downgrade(&in, 3, &d);
	ck_assert(!d.enforceable);
	ck_assert_uint_eq(d.ruleset.rule_count, 0);
	ck_assert(whole_rule_dropped(&d, "rule[0]"));
	ck_assert_uint_eq(d.ruleset.attr_size, 8);
	ll_downgrade(&in, 4, &d);
	ck_assert(d.enforceable);
	ck_assert_uint_eq(d.ruleset.rule_count, 1);
}
END_TEST

START_TEST(downgrade_drops_what_no_abi_accepts)
{
	struct ll_downgrade d;
	struct ll_ruleset in;

	ll_ruleset_full(11, &in);
	in.attr.quiet_access_fs = LANDLOCK_ACCESS_FS_EXECUTE;
	/* A file rule with a directory-only right. */
	in.rules[0].type = LANDLOCK_RULE_PATH_BENEATH;
	in.rules[0].allowed_access =
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_REFER;
	/* NO_INHERIT: not merged, never kept. */
	in.rules[1].type = LANDLOCK_RULE_PATH_BENEATH;
	in.rules[1].is_dir = true;
	in.rules[1].allowed_access = LANDLOCK_ACCESS_FS_READ_DIR;
	in.rules[1].flags =
		LANDLOCK_ADD_RULE_NO_INHERIT | LANDLOCK_ADD_RULE_QUIET;
	/* QUIET on a net rule while no net right is quiet. */
	in.rules[2].type = LANDLOCK_RULE_NET_PORT;
	in.rules[2].allowed_access = LANDLOCK_ACCESS_NET_BIND_TCP;
	in.rules[2].flags = LANDLOCK_ADD_RULE_QUIET;
	in.rule_count = 3;
	ll_downgrade(&in, 11, &d);

	ck_assert_uint_eq(d.ruleset.rule_count, 3);
	ck_assert_uint_eq(d.ruleset.rules[0].allowed_access,
			  LANDLOCK_ACCESS_FS_READ_FILE);
	ck_assert_uint_eq(dropped_bits(&d, "rule[0]", LL_FS_ACCESS),
			  LANDLOCK_ACCESS_FS_REFER);
	ck_assert_uint_eq(d.ruleset.rules[1].flags, LANDLOCK_ADD_RULE_QUIET);
	ck_assert_uint_eq(dropped_bits(&d, "rule[1]", LL_ADD_RULE_FLAG),
			  LANDLOCK_ADD_RULE_NO_INHERIT);
	ck_assert_uint_eq(d.ruleset.rules[2].flags, 0);
	ck_assert_uint_eq(dropped_bits(&d, "rule[2]", LL_ADD_RULE_FLAG),
			  LANDLOCK_ADD_RULE_QUIET);
	ck_assert_uint_eq(d.drop_count, 3);
}
END_TEST

START_TEST(downgrade_keeps_rights_only_if_handled)
{
	struct ll_downgrade d;
	struct ll_ruleset in;

	memset(&in, 0, sizeof(in));
	in.attr.handled_access_fs =
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
	in.attr_size = 8;
	in.rules[0].type = LANDLOCK_RULE_PATH_BENEATH;
	in.rules[0].is_dir = true;
	in.rules[0].allowed_access = LANDLOCK_ACCESS_FS_TRUNCATE;
	in.rules[1].type = LANDLOCK_RULE_PATH_BENEATH;
	in.rules[1].is_dir = true;
	in.rules[1].allowed_access =
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE;
	in.rule_count = 2;
	ll_downgrade(&in, 2, &d);
	ck_assert_uint_eq(d.ruleset.attr.handled_access_fs,
			  LANDLOCK_ACCESS_FS_READ_FILE);
	ck_assert_uint_eq(d.ruleset.rule_count, 1);
	ck_assert_int_eq(d.rule_origin[0], 1);
	ck_assert_uint_eq(d.ruleset.rules[0].allowed_access,
			  LANDLOCK_ACCESS_FS_READ_FILE);
	ck_assert(whole_rule_dropped(&d, "rule[0]"));
	ck_assert_uint_eq(dropped_bits(&d, "rule[0]", LL_FS_ACCESS),
			  LANDLOCK_ACCESS_FS_TRUNCATE);
	ck_assert_uint_eq(dropped_bits(&d, "rule[1]", LL_FS_ACCESS),
			  LANDLOCK_ACCESS_FS_TRUNCATE);
}
END_TEST

START_TEST(downgrade_keeps_quiet_within_handled)
{
	struct ll_downgrade d;
	struct ll_ruleset in;

	memset(&in, 0, sizeof(in));
	in.attr.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE;
	in.attr.quiet_access_fs =
		LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE;
	in.attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_UDP;
	in.attr.quiet_access_net = LANDLOCK_ACCESS_NET_CONNECT_TCP;
	in.attr.quiet_scoped = LANDLOCK_SCOPE_SIGNAL;
	in.attr_size = 48;
	ll_downgrade(&in, 10, &d);
	ck_assert_uint_eq(d.ruleset.attr.quiet_access_fs,
			  LANDLOCK_ACCESS_FS_READ_FILE);
	ck_assert_uint_eq(dropped_bits(&d, "quiet_access_fs", LL_FS_ACCESS),
			  LANDLOCK_ACCESS_FS_WRITE_FILE);
	ck_assert_uint_eq(d.ruleset.attr.quiet_access_net, 0);
	ck_assert_uint_eq(dropped_bits(&d, "quiet_access_net", LL_NET_ACCESS),
			  LANDLOCK_ACCESS_NET_CONNECT_TCP);
	ck_assert_uint_eq(d.ruleset.attr.quiet_scoped, 0);
	ck_assert_uint_eq(dropped_bits(&d, "quiet_scoped", LL_SCOPE),
			  LANDLOCK_SCOPE_SIGNAL);

	/* ABI 4: UDP is unknown, so nothing net is handled or quiet. */
	ll_downgrade(&in, 4, &d);
	ck_assert_uint_eq(d.ruleset.attr.handled_access_net, 0);
	ck_assert_uint_eq(d.ruleset.attr.quiet_access_fs, 0);
	ck_assert_uint_eq(dropped_bits(&d, "quiet_access_fs", LL_FS_ACCESS),
			  in.attr.quiet_access_fs);
	ck_assert_uint_eq(d.ruleset.attr_size, 16);
}
END_TEST

/* --- JSON writer ------------------------------------------------------ */

struct memjson {
	struct ll_json j;
	FILE *f;
	char *buf;
	size_t len;
};

static void mj_open(struct memjson *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	ck_assert_ptr_nonnull(m->f);
	ll_json_init(&m->j, m->f);
}

/* Closes the stream and compares everything written with `want`. */
static void mj_expect(struct memjson *m, const char *want)
{
	ck_assert_int_eq(fclose(m->f), 0);
	ck_assert_str_eq(m->buf, want);
	ck_assert_uint_eq(m->len, strlen(want));
	free(m->buf);
}

START_TEST(json_nested_objects_and_arrays)
{
	struct memjson m;

	mj_open(&m);
	ll_json_object(&m.j);
	ll_json_key(&m.j, "a");
	ll_json_int(&m.j, 1);
	ll_json_key(&m.j, "b");
	ll_json_array(&m.j);
	ll_json_bool(&m.j, true);
	ll_json_bool(&m.j, false);
	ll_json_null(&m.j);
	ll_json_object(&m.j);
	ll_json_key(&m.j, "x");
	ll_json_array(&m.j);
	ll_json_end(&m.j);
	ll_json_key(&m.j, "y");
	ll_json_object(&m.j);
	ll_json_end(&m.j);
	ll_json_end(&m.j);
	ll_json_array(&m.j);
	ll_json_int(&m.j, -7);
	ll_json_array(&m.j);
	ll_json_int(&m.j, 0);
	ll_json_end(&m.j);
	ll_json_end(&m.j);
	ll_json_end(&m.j);
	ll_json_key(&m.j, "c");
	ll_json_string(&m.j, "d");
	ll_json_key(&m.j, "n");
	ll_json_string(&m.j, NULL);
	ll_json_end(&m.j);
	ll_json_finish(&m.j);
	mj_expect(&m, "{\"a\":1,\"b\":[true,false,null,{\"x\":[],\"y\":{}},"
		      "[-7,[0]]],\"c\":\"d\",\"n\":null}\n");
}
END_TEST

START_TEST(json_finish_closes_open_levels)
{
	struct memjson m;

	mj_open(&m);
	ll_json_array(&m.j);
	ll_json_object(&m.j);
	ll_json_key(&m.j, "k");
	ll_json_array(&m.j);
	ll_json_int(&m.j, 1);
	ll_json_finish(&m.j);
	mj_expect(&m, "[{\"k\":[1]}]\n");
}
END_TEST

START_TEST(json_top_level_values)
{
	struct memjson m;

	mj_open(&m);
	ll_json_int(&m.j, INT64_MIN);
	ll_json_finish(&m.j);
	mj_expect(&m, "-9223372036854775808\n");

	mj_open(&m);
	ll_json_int(&m.j, INT64_MAX);
	ll_json_finish(&m.j);
	mj_expect(&m, "9223372036854775807\n");

	mj_open(&m);
	ll_json_array(&m.j);
	ll_json_end(&m.j);
	ll_json_end(&m.j); /* one too many: ignored */
	ll_json_finish(&m.j);
	mj_expect(&m, "[]\n");
}
END_TEST

START_TEST(json_escapes_strings_and_keys)
{
	struct memjson m;

	mj_open(&m);
	ll_json_object(&m.j);
	ll_json_key(&m.j, "q\"k\\");
	ll_json_string(&m.j, "say \"hi\" C:\\dir\\");
	ll_json_key(&m.j, "ctl");
	ll_json_string(&m.j, "\x01\b\t\n\f\r\x1f end");
	ll_json_key(&m.j, "plain");
	ll_json_string(&m.j, "/ \x7f \xc3\xa9");
	ll_json_key(&m.j, "");
	ll_json_string(&m.j, "");
	ll_json_finish(&m.j);
	mj_expect(&m, "{\"q\\\"k\\\\\":\"say \\\"hi\\\" C:\\\\dir\\\\\","
		      "\"ctl\":\"\\u0001\\u0008\\u0009\\u000a\\u000c\\u000d"
		      "\\u001f end\","
		      "\"plain\":\"/ \x7f \xc3\xa9\","
		      "\"\":\"\"}\n");
}
END_TEST

START_TEST(json_deepest_nesting)
{
	struct memjson m;
	char want[2 * LL_JSON_MAX_DEPTH + 2];
	int i, levels = LL_JSON_MAX_DEPTH - 1;

	mj_open(&m);
	for (i = 0; i < levels; i++)
		ll_json_array(&m.j);
	for (i = 0; i < levels; i++)
		ll_json_end(&m.j);
	ll_json_finish(&m.j);
	memset(want, '[', levels);
	memset(want + levels, ']', levels);
	want[2 * levels] = '\n';
	want[2 * levels + 1] = '\0';
	mj_expect(&m, want);
}
END_TEST

/* harness/fs_ops.c: one operation for each FS right abi/ knows, no other. */
START_TEST(fs_ops_cover_every_fs_right)
{
	const struct ll_bit *bit;

	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		const struct ll_fs_op *op = ll_fs_op(bit->value);

		ck_assert_msg(op, "no operation for fs.%s", bit->name);
		ck_assert(op->right == bit->value);
		ck_assert_ptr_nonnull(op->run);
		ck_assert_msg(!(op->also & op->right), "fs.%s needs itself",
			      bit->name);
	}
	ck_assert_ptr_null(ll_fs_op(0));
	ck_assert_ptr_null(ll_fs_op(LANDLOCK_ACCESS_FS_EXECUTE |
				    LANDLOCK_ACCESS_FS_READ_FILE));
	ck_assert_int_eq(ll_fs_op_denied(ll_fs_op(LANDLOCK_ACCESS_FS_REFER)),
			 EXDEV);
	ck_assert_int_eq(
		ll_fs_op_denied(ll_fs_op(LANDLOCK_ACCESS_FS_READ_FILE)),
		EACCES);
}
END_TEST

static Suite *abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tables = tcase_create("tables");
	TCase *downgrade = tcase_create("downgrade");
	TCase *json = tcase_create("json");
	TCase *harness = tcase_create("harness");

	tcase_add_test(tables, fs_rights_match_spec);
	tcase_add_test(tables, fs_masks_per_abi);
	tcase_add_test(tables, fs_file_rights_per_abi);
	tcase_add_test(tables, net_rights_match_spec);
	tcase_add_test(tables, scopes_match_spec);
	tcase_add_test(tables, create_flags_match_spec);
	tcase_add_test(tables, add_rule_flags_match_spec);
	tcase_add_test(tables, restrict_flags_match_spec);
	tcase_add_test(tables, rule_types_match_spec);
	tcase_add_test(tables, every_family_has_spec_masks);
	tcase_add_test(tables, each_abi_is_a_superset_of_the_previous);
	tcase_add_test(tables, masks_are_the_or_of_bits_of_earlier_abis);
	tcase_add_test(tables, no_inherit_in_no_released_mask);
	tcase_add_test(tables, newer_kernels_use_the_last_tables);
	tcase_add_test(tables, struct_sizes_match_spec);
	tcase_add_test(tables, ruleset_attr_fields_match_spec);
	tcase_add_test(tables, errata_match_spec);
	tcase_add_test(tables, errata_mask_per_abi);
	tcase_add_test(tables, behaviours_match_spec);
	suite_add_tcase(s, tables);

	tcase_add_loop_test(downgrade, downgrade_every_pair, 0,
			    LL_ABI_LAST * LL_ABI_LAST);
	tcase_add_test(downgrade, full_ruleset_handles_everything);
	tcase_add_test(downgrade, downgrade_of_a_newer_kernel_is_abi_last);
	tcase_add_test(downgrade,
		       downgrade_without_anything_handled_is_not_enforceable);
	tcase_add_test(downgrade, downgrade_drops_what_no_abi_accepts);
	tcase_add_test(downgrade, downgrade_keeps_rights_only_if_handled);
	tcase_add_test(downgrade, downgrade_keeps_quiet_within_handled);
	suite_add_tcase(s, downgrade);

	tcase_add_test(json, json_nested_objects_and_arrays);
	tcase_add_test(json, json_finish_closes_open_levels);
	tcase_add_test(json, json_top_level_values);
	tcase_add_test(json, json_escapes_strings_and_keys);
	tcase_add_test(json, json_deepest_nesting);
	suite_add_tcase(s, json);

	tcase_add_test(harness, fs_ops_cover_every_fs_right);
	suite_add_tcase(s, harness);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
