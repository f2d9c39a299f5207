/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference best-effort downgrade: what a library promising "best
 * effort" on an older kernel must turn an ABI-N ruleset into.  The result is
 * accepted by an ABI-k kernel and enforces exactly the intersection of what
 * was asked and what ABI k can enforce; everything left out is listed.
 */
#ifndef LLCONFORM_DOWNGRADE_H
#define LLCONFORM_DOWNGRADE_H

#include "abi.h"

#define LL_MAX_RULES 32
#define LL_MAX_DROPPED 64

struct ll_rule {
	enum landlock_rule_type type;
	uint64_t allowed_access;
	uint32_t flags; /* add_rule flags */
	bool is_dir; /* path rules: the object is a directory */
	uint64_t port; /* net rules */
};

struct ll_ruleset {
	struct landlock_ruleset_attr attr;
	size_t attr_size; /* as the ABI it was written for defines it */
	struct ll_rule rules[LL_MAX_RULES];
	size_t rule_count;
	uint32_t restrict_flags;
};

struct ll_drop {
	/* Which part: "handled_access_fs", "rule[3]", "restrict_self_flags"...
	 */
	char where[32];
	enum ll_family family;
	uint64_t bits; /* the bits left out; 0 = the whole rule */
	const char *why;
};

struct ll_downgrade {
	struct ll_ruleset ruleset; /* for the target ABI */
	/* A rule of the input that the output leaves out has index -1 here. */
	int rule_origin[LL_MAX_RULES];
	/*
	 * False when nothing is left to handle: the target kernel cannot create
	 * the ruleset (ENOMSG), so a best-effort library enforces nothing.
	 */
	bool enforceable;
	struct ll_drop dropped[LL_MAX_DROPPED];
	size_t drop_count;
};

/* Downgrade `in` (written for any ABI) for a kernel of ABI `target_abi`. */
void ll_downgrade(const struct ll_ruleset *in, int target_abi,
		  struct ll_downgrade *out);

/* The fullest ruleset an ABI-N program may write: every right handled. */
void ll_ruleset_full(int abi, struct ll_ruleset *out);

#endif /* LLCONFORM_DOWNGRADE_H */
