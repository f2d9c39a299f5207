// SPDX-License-Identifier: GPL-2.0
/*
 * Reference best-effort downgrade (the idea of rust-landlock's compat layer):
 * keep what the target ABI can enforce, say what was left out and why.
 */
#include <stdio.h>
#include <string.h>

#include "downgrade.h"

static void drop(struct ll_downgrade *out, const char *where,
		 enum ll_family family, uint64_t bits, const char *why)
{
	struct ll_drop *d;

	if (out->drop_count >= LL_MAX_DROPPED)
		return;
	d = &out->dropped[out->drop_count++];
	snprintf(d->where, sizeof(d->where), "%s", where);
	d->family = family;
	d->bits = bits;
	d->why = why;
}

/* The bits of `value` that ABI `abi` knows for `family`. */
static uint64_t keep_known(struct ll_downgrade *out, const char *where,
			   enum ll_family family, uint64_t value, int abi)
{
	uint64_t unknown = value & ~ll_mask(family, abi);

	if (unknown)
		drop(out, where, family, unknown, "not in the target ABI");
	return value & ~unknown;
}

/* Quiet bits must stay a subset of what is still handled. */
static void keep_quiet(struct ll_downgrade *out, const char *where,
		       enum ll_family family, uint64_t *quiet, uint64_t handled,
		       int abi)
{
	uint64_t lost;

	if (!ll_abi_has(abi, LL_B_QUIET)) {
		lost = *quiet;
		*quiet = 0;
		if (lost)
			drop(out, where, family, lost,
			     "no quiet fields before ABI 10");
		return;
	}
	lost = *quiet & ~handled;
	if (lost) {
		*quiet &= handled;
		drop(out, where, family, lost,
		     "its right is no longer handled");
	}
}

static uint64_t handled_for(const struct landlock_ruleset_attr *attr,
			    enum landlock_rule_type type)
{
	return type == LANDLOCK_RULE_PATH_BENEATH ? attr->handled_access_fs
						  : attr->handled_access_net;
}

static uint64_t quiet_for(const struct landlock_ruleset_attr *attr,
			  enum landlock_rule_type type)
{
	return type == LANDLOCK_RULE_PATH_BENEATH ? attr->quiet_access_fs
						  : attr->quiet_access_net;
}

static bool rule_type_known(enum landlock_rule_type type, int abi)
{
	const struct ll_bit *bit;

	for (bit = ll_family_bits(LL_RULE_TYPE); bit->name; bit++)
		if (bit->value == (uint64_t)type)
			return bit->abi && bit->abi <= abi;
	return false;
}

static void downgrade_rule(const struct ll_rule *in, size_t index, int abi,
			   struct ll_downgrade *out)
{
	struct ll_ruleset *rs = &out->ruleset;
	enum ll_family family = in->type == LANDLOCK_RULE_PATH_BENEATH
					? LL_FS_ACCESS
					: LL_NET_ACCESS;
	struct ll_rule rule = *in;
	char where[32];
	uint64_t lost;

	snprintf(where, sizeof(where), "rule[%zu]", index);
	if (!rule_type_known(in->type, abi)) {
		drop(out, where, family, 0, "rule type not in the target ABI");
		return;
	}
	lost = rule.allowed_access & ~handled_for(&rs->attr, rule.type);
	if (lost) {
		rule.allowed_access &= ~lost;
		drop(out, where, family, lost,
		     "its right is no longer handled");
	}
	if (rule.type == LANDLOCK_RULE_PATH_BENEATH && !rule.is_dir) {
		lost = rule.allowed_access & ~ll_fs_file_rights(abi);
		if (lost) {
			rule.allowed_access &= ~lost;
			drop(out, where, family, lost,
			     "directory-only right on a file");
		}
	}
	rule.flags = keep_known(out, where, LL_ADD_RULE_FLAG, rule.flags, abi);
	if ((rule.flags & LANDLOCK_ADD_RULE_QUIET) &&
	    !quiet_for(&rs->attr, rule.type)) {
		rule.flags &= ~LANDLOCK_ADD_RULE_QUIET;
		drop(out, where, LL_ADD_RULE_FLAG, LANDLOCK_ADD_RULE_QUIET,
		     "no quiet right left for its type");
	}
	if (!rule.allowed_access &&
	    !(rule.flags && ll_abi_has(abi, LL_B_QUIET_ALLOWS_EMPTY_RULE))) {
		drop(out, where, family, 0, "nothing left to allow");
		return;
	}
	out->rule_origin[rs->rule_count] = (int)index;
	rs->rules[rs->rule_count++] = rule;
}

/* Two lost flags change more than logging: their reason says what to do. */
static void drop_restrict_flags(struct ll_downgrade *out, uint64_t lost)
{
	static const struct {
		uint64_t flag;
		const char *why;
	} advice[] = {
		{ LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS,
		  "not in the target ABI: set PR_SET_NO_NEW_PRIVS first" },
		{ LANDLOCK_RESTRICT_SELF_TSYNC,
		  "not in the target ABI: only the calling thread is "
		  "restricted, restrict before creating threads" },
	};
	size_t i;

	for (i = 0; i < sizeof(advice) / sizeof(advice[0]); i++) {
		if (lost & advice[i].flag) {
			drop(out, "restrict_self_flags", LL_RESTRICT_FLAG,
			     advice[i].flag, advice[i].why);
			lost &= ~advice[i].flag;
		}
	}
	if (lost)
		drop(out, "restrict_self_flags", LL_RESTRICT_FLAG, lost,
		     "not in the target ABI");
}

void ll_downgrade(const struct ll_ruleset *in, int target_abi,
		  struct ll_downgrade *out)
{
	int abi = ll_abi_effective(target_abi);
	struct landlock_ruleset_attr *attr = &out->ruleset.attr;
	uint64_t lost;
	size_t i;

	memset(out, 0, sizeof(*out));
	*attr = in->attr;
	out->ruleset.attr_size = ll_ruleset_attr_size(abi);

	attr->handled_access_fs =
		keep_known(out, "handled_access_fs", LL_FS_ACCESS,
			   attr->handled_access_fs, abi);
	attr->handled_access_net =
		keep_known(out, "handled_access_net", LL_NET_ACCESS,
			   attr->handled_access_net, abi);
	attr->scoped = keep_known(out, "scoped", LL_SCOPE, attr->scoped, abi);
	keep_quiet(out, "quiet_access_fs", LL_FS_ACCESS, &attr->quiet_access_fs,
		   attr->handled_access_fs, abi);
	keep_quiet(out, "quiet_access_net", LL_NET_ACCESS,
		   &attr->quiet_access_net, attr->handled_access_net, abi);
	keep_quiet(out, "quiet_scoped", LL_SCOPE, &attr->quiet_scoped,
		   attr->scoped, abi);

	for (i = 0; i < in->rule_count && i < LL_MAX_RULES; i++)
		downgrade_rule(&in->rules[i], i, abi, out);

	out->ruleset.restrict_flags =
		in->restrict_flags & ll_mask(LL_RESTRICT_FLAG, abi);
	lost = in->restrict_flags & ~out->ruleset.restrict_flags;
	if (lost)
		drop_restrict_flags(out, lost);

	out->enforceable = attr->handled_access_fs ||
			   attr->handled_access_net || attr->scoped;
}

void ll_ruleset_full(int abi, struct ll_ruleset *out)
{
	abi = ll_abi_effective(abi);
	memset(out, 0, sizeof(*out));
	out->attr.handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
	out->attr.handled_access_net = ll_mask(LL_NET_ACCESS, abi);
	out->attr.scoped = ll_mask(LL_SCOPE, abi);
	out->attr_size = ll_ruleset_attr_size(abi);
}
