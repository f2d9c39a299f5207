/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test's scratch tree T: one directory per test (each test runs in its
 * own process), its paths spelled relative to it through ll_at().
 */
#ifndef LLCONFORM_TREE_H
#define LLCONFORM_TREE_H

#include <limits.h>

/* T itself, set by ll_tree_make(). */
extern char ll_root[PATH_MAX];

/*
 * Makes T a fresh scratch directory named after `name` and creates
 * `entries` under it (ll_make_tree()).  Returns 0 or an errno.
 */
int ll_tree_make(const char *name, const char *const entries[]);

/*
 * T/<printf(fmt, ...)>.  The result lives in one of 16 rotating buffers:
 * good for the arguments of one call, not for keeping.
 */
const char *ll_at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* LLCONFORM_TREE_H */
