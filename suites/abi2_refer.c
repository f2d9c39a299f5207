// SPDX-License-Identifier: GPL-2.0
/*
 * abi2_refer: link(2) and rename(2) across directories,
 * LANDLOCK_ACCESS_FS_REFER (ABI 2, SPEC §5.4), and the ABI-1 fallback.
 *
 * ABI ≥ 2: reparenting needs REFER on the source and the destination parent
 * and must not give the moved object a right (handled by some layer) that it
 * did not have, in both directions for RENAME_EXCHANGE.  REFER is denied by
 * default in every layer handling any FS right.  A missing MAKE_* / REMOVE_*
 * is EACCES, a REFER or widening problem alone EXDEV, both EACCES.  Renames
 * and links within one directory need no REFER.  A domain handling no FS
 * right (ABI ≥ 4) does not restrict link/rename at all.
 *
 * ABI 1: every reparenting is EXDEV before any right is checked.
 *
 * Expected masks come from abi/ and the probed ABI: ALL below stands for
 * ll_mask(LL_FS_ACCESS, ll_kernel.abi).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ll_harness.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_REFER);

/* Everything a file/directory exchange needs on both sides. */
#define XCHG_FD \
	(R_REFER | R_REMOVE_FILE | R_REMOVE_DIR | R_MAKE_REG | R_MAKE_DIR)

/* In a layer's handled set: every FS right of the running ABI. */
#define ALL UINT64_MAX

/*
 * Each test makes a fresh scratch directory T:
 *
 *	T/
 *	├── s/		source side
 *	│   ├── f, g	files
 *	│   └── d/	directory (moved), holding f
 *	├── t/		destination side
 *	│   ├── f, g
 *	│   └── d/	holding f
 *	└── u/		never a rule
 *	    └── f
 *
 * Paths are spelled relative to T through ll_at(); "t/n" and "s/n" are new
 * names.
 */
static const char *const layout_tree[] = {
	"s/",  "s/f",  "s/g",	"s/d/", "s/d/f", "t/", "t/f",
	"t/g", "t/d/", "t/d/f", "u/",	"u/f",	 NULL,
};

static int make_layout(void)
{
	return ll_tree_make("t", layout_tree);
}

/* ------------------------------------------------------------------------
 * Layers, operations and the state of the tree.
 */
struct rel_rule {
	const char *path; /* relative to T; NULL ends */
	uint64_t access; /* ALL: every FS right */
};

struct layer {
	uint64_t handled_fs; /* ALL: every FS right; 0: no such layer */
	uint64_t handled_net; /* ALL: every net right of the ABI */
	uint64_t scoped; /* ALL: every scope of the ABI */
	struct rel_rule rules[5];
};

/* Up to two layers, enforced in order. */
static int enforce_layers(const struct layer *layers, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct layer *l = &layers[i];
		struct ll_path_rule rules[6] = { { 0 } };
		struct ll_ruleset_desc desc = {
			.handled_fs = l->handled_fs == ALL ? ll_all_fs()
							   : l->handled_fs,
			.handled_net =
				l->handled_net == ALL
					? ll_mask(LL_NET_ACCESS, ll_kernel.abi)
					: l->handled_net,
			.scoped = l->scoped == ALL
					  ? ll_mask(LL_SCOPE, ll_kernel.abi)
					  : l->scoped,
			.paths = rules,
		};
		int err;

		if (!desc.handled_fs && !desc.handled_net && !desc.scoped)
			continue;
		for (size_t r = 0; r < 5 && l->rules[r].path; r++)
			rules[r] = (struct ll_path_rule)RULE(
				ll_at("%s", l->rules[r].path),
				l->rules[r].access == ALL ? ll_all_fs()
							  : l->rules[r].access);
		err = ll_enforce(&desc);
		if (err)
			return err;
	}
	return 0;
}

enum op { OP_RENAME, OP_EXCHANGE, OP_LINK };

static int do_op(enum op op, const char *from, const char *to)
{
	switch (op) {
	case OP_RENAME:
		return ll_errno_of(rename(ll_at("%s", from), ll_at("%s", to)));
	case OP_EXCHANGE:
		return ll_errno_of(renameat2(AT_FDCWD, ll_at("%s", from),
					     AT_FDCWD, ll_at("%s", to),
					     RENAME_EXCHANGE));
	case OP_LINK:
		return ll_errno_of(link(ll_at("%s", from), ll_at("%s", to)));
	}
	return EINVAL;
}

/* Inode number at T/<rel>, 0 when absent. */
static ino_t ino_of(const char *rel)
{
	struct stat st;

	return lstat(ll_at("%s", rel), &st) ? 0 : st.st_ino;
}

struct move {
	const struct layer *layers;
	size_t layer_count;
	enum op op;
	const char *from, *to;
};

/* In the sandboxed child: enforce, then the operation. */
static int sandboxed_move(void *arg)
{
	const struct move *m = arg;

	/* 255: no verdict, ll_run_child() reports -1. */
	if (enforce_layers(m->layers, m->layer_count))
		return 255;
	return do_op(m->op, m->from, m->to);
}

/*
 * Runs the move in a sandboxed child and checks the tree: moved (or
 * exchanged, or linked) exactly when the result is 0, untouched otherwise.
 * Returns the child's result.
 */
static int move_and_check(struct __test_metadata *_metadata,
			  const struct move *m)
{
	const ino_t from = ino_of(m->from), to = ino_of(m->to);
	int ret;

	if (!from || (m->op == OP_EXCHANGE && !to))
		LL_BROKEN("%s or %s missing before the move", m->from, m->to);
	ret = ll_run_child(NULL, sandboxed_move, (void *)m);
	if (ret != 0) {
		EXPECT_EQ(from, ino_of(m->from));
		EXPECT_EQ(to, ino_of(m->to));
	} else if (m->op == OP_RENAME) {
		EXPECT_EQ(0, ino_of(m->from));
		EXPECT_EQ(from, ino_of(m->to));
	} else if (m->op == OP_EXCHANGE) {
		EXPECT_EQ(to, ino_of(m->from));
		EXPECT_EQ(from, ino_of(m->to));
	} else {
		EXPECT_EQ(from, ino_of(m->from));
		EXPECT_EQ(from, ino_of(m->to));
	}
	return ret;
}

/* ------------------------------------------------------------------------
 * §5.4 as a table: each variant is one move under one or two layers and
 * the result the spec gives for it.  Rights on s/ and t/ are spelled out;
 * every layer handles ALL unless it says otherwise.
 */
FIXTURE(move){};

FIXTURE_VARIANT(move)
{
	enum op op;
	const char *from, *to;
	struct layer layers[2];
	int expected; /* 0, EXDEV or EACCES */
};

/* One layer handling ALL with the given rules. */
#define ONE_LAYER(...)                                           \
	.layers = {                                              \
		{ .handled_fs = ALL, .rules = { __VA_ARGS__ } }, \
	}

/* --- A file renamed to a new name in another directory. ---------------- */

/* Source parent: REMOVE_FILE + REFER; destination: MAKE_REG + REFER. */
FIXTURE_VARIANT_ADD(move, file_refer_on_both_sides_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, file_refer_from_common_ancestor_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "", R_REFER }, { "s", R_REMOVE_FILE }, { "t", R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, file_no_refer_on_source_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REMOVE_FILE }, { "t", R_REFER | R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, file_no_refer_on_destination_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE }, { "t", R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, file_no_refer_anywhere_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REMOVE_FILE }, { "t", R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, file_no_make_reg_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE }, { "t", R_REFER }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, file_no_remove_file_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER }, { "t", R_REFER | R_MAKE_REG }),
	.expected = EACCES,
};

/* Missing REFER (source) and MAKE_REG (destination): EACCES wins. */
FIXTURE_VARIANT_ADD(move, file_no_refer_and_no_make_reg_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REMOVE_FILE }, { "t", R_REFER }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, file_to_dir_without_rule_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "u/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE }),
	.expected = EACCES,
};

/* Replacing t/f also needs REMOVE_FILE on t/. */
FIXTURE_VARIANT_ADD(move, file_replacing_without_remove_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_MAKE_REG }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, file_replacing_with_remove_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_MAKE_REG | R_REMOVE_FILE }),
	.expected = 0,
};

/* The file would gain READ_FILE under t/. */
FIXTURE_VARIANT_ADD(move, file_gaining_read_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_MAKE_REG | R_READ }),
	.expected = EXDEV,
};

/* …unless a rule on the file itself already grants it. */
FIXTURE_VARIANT_ADD(move, file_gaining_read_held_by_own_rule_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE }, { "s/f", R_READ },
		  { "t", R_REFER | R_MAKE_REG | R_READ }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, file_same_read_on_both_sides_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_READ },
		  { "t", R_REFER | R_MAKE_REG | R_READ }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, file_losing_read_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_READ },
		  { "t", R_REFER | R_MAKE_REG }),
	.expected = 0,
};

/* Directory-only rights are no widening for a file. */
FIXTURE_VARIANT_ADD(move, file_gaining_dir_only_rights_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_MAKE_REG | R_MAKE_DIR | R_REMOVE_DIR |
				 R_READ_DIR | R_MAKE_SYM }),
	.expected = 0,
};

/* --- A directory renamed to a new name in another directory. ----------- */

FIXTURE_VARIANT_ADD(move, dir_same_rights_on_both_sides_allowed){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = 0,
};

/* t/ grants MAKE_DIR that s/ does not: the directory would gain it. */
FIXTURE_VARIANT_ADD(move, dir_gaining_make_dir_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, dir_gaining_make_reg_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR | R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, dir_gaining_right_held_by_own_rule_allowed){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR },
		  { "s/d", R_MAKE_REG },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR | R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, dir_losing_rights_allowed){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s",
		    R_REFER | R_REMOVE_DIR | R_MAKE_DIR | R_MAKE_REG | R_READ },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, dir_no_refer_on_destination_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR },
		  { "t", R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = EXDEV,
};

/* REFER must be on the source parent: a rule on the moved dir is not it. */
FIXTURE_VARIANT_ADD(move, dir_refer_only_on_moved_dir_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REMOVE_DIR | R_MAKE_DIR }, { "s/d", R_REFER },
		  { "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, dir_no_make_dir_eacces){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR },
		  { "t", R_REFER | R_REMOVE_DIR }),
	.expected = EACCES,
};

/* Widening (MAKE_REG) and a missing MAKE_DIR: EACCES wins. */
FIXTURE_VARIANT_ADD(move, dir_gaining_and_no_make_dir_eacces){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_DIR },
		  { "t", R_REFER | R_MAKE_REG }),
	.expected = EACCES,
};

/* --- Hard links: REFER on both sides, MAKE_REG, no REMOVE_FILE. ---------- */

FIXTURE_VARIANT_ADD(move, link_refer_on_both_sides_allowed){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER }, { "t", R_REFER | R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, link_no_refer_on_source_exdev){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "t", R_REFER | R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, link_no_refer_on_destination_exdev){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER }, { "t", R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, link_no_make_reg_eacces){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER }, { "t", R_REFER }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, link_no_refer_and_no_make_reg_eacces){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "t", R_REFER }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, link_gaining_read_exdev){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER }, { "t", R_REFER | R_MAKE_REG | R_READ }),
	.expected = EXDEV,
};

/* --- RENAME_EXCHANGE: checked in both directions. ------------------------ */

FIXTURE_VARIANT_ADD(move, exchange_files_refer_on_both_sides_allowed){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG },
		  { "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG }),
	.expected = 0,
};

/* s/f would gain READ_FILE under t/. */
FIXTURE_VARIANT_ADD(move, exchange_files_gaining_read_forward_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG },
		  { "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG | R_READ }),
	.expected = EXDEV,
};

/* t/f would gain READ_FILE under s/ (a plain rename s→t would work). */
FIXTURE_VARIANT_ADD(move, exchange_files_gaining_read_backward_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG | R_READ },
		  { "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG }),
	.expected = EXDEV,
};

/* …unless t/f's own rule already grants it (the second file's own rules). */
FIXTURE_VARIANT_ADD(move, exchange_files_gaining_read_held_by_own_rule_allowed){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG | R_READ },
		  { "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG },
		  { "t/f", R_READ }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, exchange_files_no_make_reg_on_source_eacces){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE },
		  { "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG }),
	.expected = EACCES,
};

FIXTURE_VARIANT_ADD(move, exchange_files_no_refer_on_destination_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	ONE_LAYER({ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG },
		  { "t", R_REMOVE_FILE | R_MAKE_REG }),
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, exchange_file_and_dir_allowed){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	ONE_LAYER({ "s", XCHG_FD }, { "t", XCHG_FD }),
	.expected = 0,
};

/* t/d lands in s/: MAKE_DIR is needed there. */
FIXTURE_VARIANT_ADD(move, exchange_file_and_dir_no_make_dir_eacces){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	ONE_LAYER({ "s", XCHG_FD & ~R_MAKE_DIR }, { "t", XCHG_FD }),
	.expected = EACCES,
};

/* t/d would gain MAKE_SYM under s/ (the file cannot gain a dir right). */
FIXTURE_VARIANT_ADD(move, exchange_file_and_dir_dir_gaining_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	ONE_LAYER({ "s", XCHG_FD | R_MAKE_SYM }, { "t", XCHG_FD }),
	.expected = EXDEV,
};

/* --- REFER is denied by default in a layer not handling it. -------------- */

FIXTURE_VARIANT_ADD(move, refer_unhandled_rename_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = R_REMOVE_FILE | R_MAKE_REG,
		      .rules = { { "", R_REMOVE_FILE | R_MAKE_REG } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, refer_unhandled_link_exdev){
	.op = OP_LINK,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = R_MAKE_REG,
		      .rules = { { "", R_MAKE_REG } } } },
	.expected = EXDEV,
};

/* A layer handling an unrelated right only (like upstream's EXECUTE). */
FIXTURE_VARIANT_ADD(move, refer_unhandled_unrelated_right_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	.layers = { { .handled_fs = R_EXECUTE,
		      .rules = { { "", R_EXECUTE } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, refer_unhandled_exchange_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/f",
	.layers = { { .handled_fs = R_REMOVE_FILE | R_MAKE_REG,
		      .rules = { { "", R_REMOVE_FILE | R_MAKE_REG } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, refer_unhandled_no_make_reg_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = R_REMOVE_FILE | R_MAKE_REG,
		      .rules = { { "s", R_REMOVE_FILE | R_MAKE_REG },
				 { "t", R_REMOVE_FILE } } } },
	.expected = EACCES,
};

/* --- Within one directory: no REFER, even where REFER is handled. -------- */

FIXTURE_VARIANT_ADD(move, same_dir_rename_file_without_refer_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "s/n",
	ONE_LAYER({ "s", R_REMOVE_FILE | R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, same_dir_rename_dir_without_refer_allowed){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "s/n",
	ONE_LAYER({ "s", R_REMOVE_DIR | R_MAKE_DIR }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, same_dir_link_without_refer_allowed){
	.op = OP_LINK,
	.from = "s/f",
	.to = "s/n",
	ONE_LAYER({ "s", R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, same_dir_exchange_without_refer_allowed){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "s/g",
	ONE_LAYER({ "s", R_REMOVE_FILE | R_MAKE_REG }),
	.expected = 0,
};

/* No widening check in one directory: t/ alone grants READ_FILE. */
FIXTURE_VARIANT_ADD(move, same_dir_rename_ignores_other_dirs_allowed){
	.op = OP_RENAME,
	.from = "t/f",
	.to = "t/n",
	ONE_LAYER({ "s", R_REFER | R_READ },
		  { "t", R_REMOVE_FILE | R_MAKE_REG }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, same_dir_rename_without_make_reg_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "s/n",
	ONE_LAYER({ "s", R_REMOVE_FILE | R_REFER }),
	.expected = EACCES,
};

/* --- Two layers: each must allow the move (reparent_exdev_layers). ------- */

#define LAYER1_FILE_OK                                                 \
	{                                                              \
		.handled_fs = ALL, .rules = {                          \
			{ "s", R_REFER | R_REMOVE_FILE | R_MAKE_REG }, \
			{ "t", R_REFER | R_REMOVE_FILE | R_MAKE_REG }  \
		}                                                      \
	}

FIXTURE_VARIANT_ADD(move, layers_second_without_refer_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { LAYER1_FILE_OK,
		    { .handled_fs = R_MAKE_REG,
		      .rules = { { "", R_MAKE_REG } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, layers_first_without_refer_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = R_MAKE_REG,
		      .rules = { { "", R_MAKE_REG } } },
		    LAYER1_FILE_OK },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, layers_both_with_refer_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { LAYER1_FILE_OK,
		    { .handled_fs = R_REFER | R_MAKE_REG,
		      .rules = { { "", R_REFER | R_MAKE_REG } } } },
	.expected = 0,
};

/* Same-directory moves stay allowed under the refer-less second layer. */
FIXTURE_VARIANT_ADD(move, layers_second_without_refer_same_dir_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "s/n",
	.layers = { LAYER1_FILE_OK,
		    { .handled_fs = R_MAKE_REG,
		      .rules = { { "", R_MAKE_REG } } } },
	.expected = 0,
};

/* Layer 1: REFER missing on t/ (EXDEV); layer 2: MAKE_REG missing on t/. */
FIXTURE_VARIANT_ADD(move, layers_eacces_in_one_exdev_in_other_eacces){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = ALL,
		      .rules = { { "s", R_REFER | R_REMOVE_FILE },
				 { "t", R_MAKE_REG } } },
		    { .handled_fs = R_REFER | R_MAKE_REG,
		      .rules = { { "", R_REFER }, { "s", R_MAKE_REG } } } },
	.expected = EACCES,
};

/*
 * Every handled right granted above both parents (on T) in every layer:
 * nothing to compare, the move is allowed; a second layer handling REFER
 * with no rule still makes it EXDEV.
 */
FIXTURE_VARIANT_ADD(move, every_right_above_both_parents_allowed){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	ONE_LAYER({ "", ALL }),
	.expected = 0,
};

FIXTURE_VARIANT_ADD(move, every_right_above_both_parents_refer_layer_exdev){
	.op = OP_RENAME,
	.from = "s/f",
	.to = "t/n",
	.layers = { { .handled_fs = ALL, .rules = { { "", ALL } } },
		    { .handled_fs = R_REFER } },
	.expected = EXDEV,
};

#define LAYER1_DIR_OK                                                 \
	{                                                             \
		.handled_fs = ALL, .rules = {                         \
			{ "s", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }, \
			{ "t", R_REFER | R_REMOVE_DIR | R_MAKE_DIR }  \
		}                                                     \
	}

/* Equal rights in layer 1; layer 2 grants MAKE_REG on t/ only. */
FIXTURE_VARIANT_ADD(move, layers_dir_gaining_in_second_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	.layers = { LAYER1_DIR_OK,
		    { .handled_fs = R_REFER | R_MAKE_REG,
		      .rules = { { "", R_REFER }, { "t", R_MAKE_REG } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, layers_dir_gaining_held_by_own_rule_allowed){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	.layers = { LAYER1_DIR_OK,
		    { .handled_fs = R_REFER | R_MAKE_REG,
		      .rules = { { "", R_REFER },
				 { "s/d", R_MAKE_REG },
				 { "t", R_MAKE_REG } } } },
	.expected = 0,
};

/* Layer 2 handles MAKE_DIR, not REFER, and grants MAKE_DIR on t/ only. */
FIXTURE_VARIANT_ADD(move, layers_dir_second_make_dir_only_on_dest_exdev){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	.layers = { LAYER1_DIR_OK,
		    { .handled_fs = R_MAKE_DIR,
		      .rules = { { "t", R_MAKE_DIR } } } },
	.expected = EXDEV,
};

FIXTURE_VARIANT_ADD(move, layers_dir_second_make_dir_only_on_source_eacces){
	.op = OP_RENAME,
	.from = "s/d",
	.to = "t/n",
	.layers = { LAYER1_DIR_OK,
		    { .handled_fs = R_MAKE_DIR,
		      .rules = { { "s", R_MAKE_DIR } } } },
	.expected = EACCES,
};

#define LAYER1_EXCHANGE_OK                    \
	{                                     \
		.handled_fs = ALL, .rules = { \
			{ "s", XCHG_FD },     \
			{ "t", XCHG_FD }      \
		}                             \
	}

/* Layer 2 handles MAKE_DIR (not REFER) and grants it everywhere. */
FIXTURE_VARIANT_ADD(move, layers_exchange_second_without_refer_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	.layers = { LAYER1_EXCHANGE_OK,
		    { .handled_fs = R_MAKE_DIR,
		      .rules = { { "", R_MAKE_DIR } } } },
	.expected = EXDEV,
};

/* …and only on t/: t/d may not land in s/ (EACCES wins). */
FIXTURE_VARIANT_ADD(move, layers_exchange_second_no_make_dir_eacces){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	.layers = { LAYER1_EXCHANGE_OK,
		    { .handled_fs = R_MAKE_DIR,
		      .rules = { { "t", R_MAKE_DIR } } } },
	.expected = EACCES,
};

/* Layer 2 grants REFER and MAKE_DIR on both sides: allowed. */
FIXTURE_VARIANT_ADD(move, layers_exchange_both_with_refer_allowed){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	.layers = { LAYER1_EXCHANGE_OK,
		    { .handled_fs = R_REFER | R_MAKE_DIR,
		      .rules = { { "", R_REFER | R_MAKE_DIR } } } },
	.expected = 0,
};

/* Layer 2 gives MAKE_SYM to s/ only: t/d would gain it there. */
FIXTURE_VARIANT_ADD(move, layers_exchange_dir_gaining_in_second_exdev){
	.op = OP_EXCHANGE,
	.from = "s/f",
	.to = "t/d",
	.layers = { LAYER1_EXCHANGE_OK,
		    { .handled_fs = R_REFER | R_MAKE_SYM,
		      .rules = { { "", R_REFER }, { "s", R_MAKE_SYM } } } },
	.expected = EXDEV,
};

FIXTURE_SETUP(move)
{
	LL_SETUP(make_layout());
}

FIXTURE_TEARDOWN(move)
{
}

static const char *errno_name(int err)
{
	return err < 0 ? "no verdict" : err ? strerrorname_np(err) : "0";
}

LL_TEST_F(move, gives_the_spec_result)
{
	const struct move m = {
		.layers = variant->layers,
		.layer_count = 2,
		.op = variant->op,
		.from = variant->from,
		.to = variant->to,
	};
	const int ret = move_and_check(_metadata, &m);

	EXPECT_EQ(variant->expected, ret)
	{
		TH_LOG("%s -> %s: expected %s, got %s", variant->from,
		       variant->to, errno_name(variant->expected),
		       errno_name(ret));
	}
}

/* ------------------------------------------------------------------------
 * Domains handling no FS right (ABI ≥ 4) do not restrict link/rename.
 */
FIXTURE(no_fs){};

FIXTURE_VARIANT(no_fs)
{
	enum op op;
	const char *from, *to;
};

FIXTURE_VARIANT_ADD(no_fs, rename_file){ OP_RENAME, "s/f", "t/n" };
FIXTURE_VARIANT_ADD(no_fs, rename_dir){ OP_RENAME, "s/d", "t/n" };
FIXTURE_VARIANT_ADD(no_fs, link){ OP_LINK, "s/f", "t/n" };
FIXTURE_VARIANT_ADD(no_fs, exchange){ OP_EXCHANGE, "s/f", "t/d" };

FIXTURE_SETUP(no_fs)
{
	LL_SETUP(make_layout());
}

FIXTURE_TEARDOWN(no_fs)
{
}

LL_TEST_F(no_fs, net_only_domain_allows_reparenting,
	  .needs = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	const struct layer layer = { .handled_net = ALL };
	const struct move m = { &layer, 1, variant->op, variant->from,
				variant->to };

	ASSERT_EQ(0, move_and_check(_metadata, &m));
}

LL_TEST_F(no_fs, scope_only_domain_allows_reparenting, .needs = LL_B_SCOPE)
{
	const struct layer layer = { .scoped = ALL };
	const struct move m = { &layer, 1, variant->op, variant->from,
				variant->to };

	ASSERT_EQ(0, move_and_check(_metadata, &m));
}

/* The same move under a layer handling one FS right: EXDEV (control). */
LL_TEST_F(no_fs, fs_and_net_domain_denies_reparenting,
	  .needs = LL_B_FS_TOPOLOGY_NEEDS_FS)
{
	const struct layer layer = {
		.handled_fs = R_EXECUTE,
		.handled_net = ALL,
		.rules = { { "", R_EXECUTE } },
	};
	const struct move m = { &layer, 1, variant->op, variant->from,
				variant->to };

	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
}

/* ------------------------------------------------------------------------
 * ABI 1 (no REFER): any reparenting is EXDEV before any right is checked;
 * within one directory MAKE_* and REMOVE_* decide.
 */
FIXTURE(abi1){};

FIXTURE_SETUP(abi1)
{
	LL_SETUP(make_layout());
}

FIXTURE_TEARDOWN(abi1)
{
}

/* Every right granted on T: still EXDEV, for every kind of move. */
LL_TEST_F(abi1, reparenting_always_exdev_before_abi2, .lacks = LL_B_REFER)
{
	const struct layer layer = { .handled_fs = ALL,
				     .rules = { { "", ALL } } };
	struct move m = { &layer, 1, OP_RENAME, "s/f", "t/n" };

	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
	m.from = "s/d";
	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
	m.op = OP_LINK;
	m.from = "s/f";
	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
	m.op = OP_EXCHANGE;
	m.to = "t/f";
	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
}

/* EXDEV even where MAKE_REG/REMOVE_FILE are missing (EACCES on ABI ≥ 2). */
LL_TEST_F(abi1, reparenting_exdev_before_right_checks_before_abi2,
	  .lacks = LL_B_REFER)
{
	const struct layer layer = { .handled_fs = ALL };
	struct move m = { &layer, 1, OP_RENAME, "s/f", "u/n" };

	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
	m.op = OP_LINK;
	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
}

/* Any domain: one handling EXECUTE only. */
LL_TEST_F(abi1, reparenting_exdev_in_any_domain_before_abi2,
	  .lacks = LL_B_REFER)
{
	const struct layer layer = { .handled_fs = R_EXECUTE,
				     .rules = { { "", R_EXECUTE } } };
	struct move m = { &layer, 1, OP_RENAME, "s/f", "t/n" };

	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
	m.op = OP_LINK;
	ASSERT_EQ(EXDEV, move_and_check(_metadata, &m));
}

LL_TEST_F(abi1, same_dir_moves_need_make_and_remove_before_abi2,
	  .lacks = LL_B_REFER)
{
	const struct layer ok = { .handled_fs = ALL,
				  .rules = { { "s",
					       R_REMOVE_FILE | R_MAKE_REG } } };
	const struct layer no_make = { .handled_fs = ALL,
				       .rules = { { "s", R_REMOVE_FILE } } };
	const struct layer no_remove = { .handled_fs = ALL,
					 .rules = { { "s", R_MAKE_REG } } };
	struct move m = { &no_make, 1, OP_RENAME, "s/f", "s/n" };

	ASSERT_EQ(EACCES, move_and_check(_metadata, &m));
	m.layers = &no_remove;
	ASSERT_EQ(EACCES, move_and_check(_metadata, &m));
	m.layers = &ok;
	ASSERT_EQ(0, move_and_check(_metadata, &m));
	/* Links need MAKE_REG only. */
	m = (struct move){ &no_make, 1, OP_LINK, "s/g", "s/m" };
	ASSERT_EQ(EACCES, move_and_check(_metadata, &m));
	m.layers = &no_remove;
	ASSERT_EQ(0, move_and_check(_metadata, &m));
}

LL_MAIN()
