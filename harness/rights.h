/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Short names of the filesystem rights, for rule lists that read at a
 * glance, and the set of every FS right the running kernel knows.
 */
#ifndef LLCONFORM_RIGHTS_H
#define LLCONFORM_RIGHTS_H

#include "sandbox.h"

#define R_EXECUTE LANDLOCK_ACCESS_FS_EXECUTE
#define R_WRITE LANDLOCK_ACCESS_FS_WRITE_FILE
#define R_READ LANDLOCK_ACCESS_FS_READ_FILE
#define R_READ_DIR LANDLOCK_ACCESS_FS_READ_DIR
#define R_REMOVE_DIR LANDLOCK_ACCESS_FS_REMOVE_DIR
#define R_REMOVE_FILE LANDLOCK_ACCESS_FS_REMOVE_FILE
#define R_MAKE_CHAR LANDLOCK_ACCESS_FS_MAKE_CHAR
#define R_MAKE_DIR LANDLOCK_ACCESS_FS_MAKE_DIR
#define R_MAKE_REG LANDLOCK_ACCESS_FS_MAKE_REG
#define R_MAKE_SOCK LANDLOCK_ACCESS_FS_MAKE_SOCK
#define R_MAKE_FIFO LANDLOCK_ACCESS_FS_MAKE_FIFO
#define R_MAKE_BLOCK LANDLOCK_ACCESS_FS_MAKE_BLOCK
#define R_MAKE_SYM LANDLOCK_ACCESS_FS_MAKE_SYM
#define R_REFER LANDLOCK_ACCESS_FS_REFER
#define R_TRUNCATE LANDLOCK_ACCESS_FS_TRUNCATE
#define R_IOCTL_DEV LANDLOCK_ACCESS_FS_IOCTL_DEV
#define R_RESOLVE_UNIX LANDLOCK_ACCESS_FS_RESOLVE_UNIX

/* Every FS right of the running kernel's ABI (as abi/ describes it). */
static inline uint64_t ll_all_fs(void)
{
	return ll_mask(LL_FS_ACCESS, ll_abi_now());
}

#endif /* LLCONFORM_RIGHTS_H */
