/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One operation per filesystem right (LTP's landlock tester helpers are the
 * model): a table mapping each LANDLOCK_ACCESS_FS_* bit of abi/ to a
 * function that performs the operation the right controls, on the entries
 * of one directory D, and returns 0 or the errno.  Suites loop over
 * ll_family_bits(LL_FS_ACCESS) and look each right up here instead of
 * keeping their own copies.
 *
 * The entries an operation uses in D (the caller makes those it needs):
 *
 *	D/f	a regular file		read_file write_file remove_file
 *					truncate, refer (linked to D/d/f)
 *	D/d/	an empty directory	read_dir remove_dir, refer (target)
 *	D/x	an executable		execute: ll_fs_make_exec() writes
 *					one that exits 0 (any other 0755
 *					file gives ENOEXEC)
 *	D/u	a listening socket	resolve_unix (ll_fs_listen_unix)
 *	D/n	absent			make_*: created there
 *
 * ioctl_dev uses /dev/null (FIONREAD, which the driver answers), not D.
 */
#ifndef LLCONFORM_FS_OPS_H
#define LLCONFORM_FS_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sandbox.h"

#define LL_FS_OP_FILE "f"
#define LL_FS_OP_DIR "d"
#define LL_FS_OP_EXEC "x"
#define LL_FS_OP_UNIX "u"
#define LL_FS_OP_NEW "n"

struct ll_fs_op {
	uint64_t right; /* a LANDLOCK_ACCESS_FS_* bit, as abi/ has it */
	/* Performs the operation on the entries of `dir`: 0 or the errno. */
	int (*run)(const char *dir);
	/* Other rights the operation needs when every right is handled. */
	uint64_t also;
	/* The errno when Landlock denies `right`, if not EACCES (refer). */
	int denied;
	/* The entry it makes or removes in D (NULL: none)... */
	const char *entry;
	/* ...its type before and after the operation (0: absent). */
	mode_t before, after;
	/* mknod of a device: CAP_MKNOD is checked after Landlock (EPERM). */
	bool device;
};

/* The operation of one FS right (NULL: not one bit abi/ knows). */
const struct ll_fs_op *ll_fs_op(uint64_t right);

/* The errno of the operation when Landlock denies its right. */
int ll_fs_op_denied(const struct ll_fs_op *op);

/*
 * The result of an allowed operation: 0, or EPERM for a device node made
 * without CAP_MKNOD.
 */
int ll_fs_op_allowed(const struct ll_fs_op *op);

/*
 * Runs the operation of `right` on `dir` in a forked child after enforcing
 * `desc` (NULL: no sandbox).  Returns its errno, or -1 when the child could
 * not tell (ll_run_child()), or EINVAL for a right without an operation.
 */
int ll_fs_op_in_child(const struct ll_ruleset_desc *desc, uint64_t right,
		      const char *dir);

/*
 * D/x for execute: an executable at `path` (0700) that exits 0 at once, as
 * small as an ELF file can be on x86-64 (elsewhere a copy of this program,
 * which LL_EXIT0_ARG makes exit 0).  Execute is checked when the file is
 * opened for execve(), whatever it holds; a copy of this static program
 * costs a megabyte to write and, under TCG, its start translated anew for
 * every copy.  0 or the errno.
 */
int ll_fs_make_exec(const char *path);

/* A listening pathname socket at `path` for resolve_unix: fd or -errno. */
int ll_fs_listen_unix(const char *path);

#endif /* LLCONFORM_FS_OPS_H */
