/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Landlock user-space ABI, every version from 1 to 11, plus the proposed
 * (not merged) LANDLOCK_ADD_RULE_NO_INHERIT flag.
 *
 * Written from the specification (abi/SPEC.md §1) so that llconform never
 * depends on the build host's <linux/landlock.h>, which is as old as the
 * host's kernel headers.  Names follow the kernel's UAPI so tests read like
 * the documentation; the struct layouts are the newest ones, and each older
 * ABI uses a prefix of them (see LL_RULESET_ATTR_SIZE_* in abi.h).
 */
#ifndef LLCONFORM_LANDLOCK_UAPI_H
#define LLCONFORM_LANDLOCK_UAPI_H

#ifdef _UAPI_LINUX_LANDLOCK_H
#error "<linux/landlock.h> was included: llconform uses abi/landlock_uapi.h only"
#endif
/* Stop a later <linux/landlock.h> from redefining everything below. */
#define _UAPI_LINUX_LANDLOCK_H
#define _LINUX_LANDLOCK_H

#include <stdint.h>

struct landlock_ruleset_attr {
	uint64_t handled_access_fs; /* ABI 1 */
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped; /* ABI 6 */
	uint64_t quiet_access_fs; /* ABI 10 */
	uint64_t quiet_access_net; /* ABI 10 */
	uint64_t quiet_scoped; /* ABI 10 */
};

/* landlock_create_ruleset() flags */
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define LANDLOCK_CREATE_RULESET_ERRATA (1U << 1)

enum landlock_rule_type {
	LANDLOCK_RULE_PATH_BENEATH = 1,
	LANDLOCK_RULE_NET_PORT,
};

struct landlock_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

struct landlock_net_port_attr {
	uint64_t allowed_access;
	uint64_t port; /* host byte order */
};

/* landlock_add_rule() flags */
#define LANDLOCK_ADD_RULE_QUIET (1U << 0)
/*
 * NOT MERGED: proposed by the NO_INHERIT series (v1-v6, 2025), see
 * shared/patches/landlock-no-inherit.  No released kernel accepts it.
 */
#define LANDLOCK_ADD_RULE_NO_INHERIT (1U << 1)

/* landlock_restrict_self() flags */
#define LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF (1U << 0)
#define LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON (1U << 1)
#define LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF (1U << 2)
#define LANDLOCK_RESTRICT_SELF_TSYNC (1U << 3)
#define LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS (1U << 4)

/* Filesystem access rights */
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#define LANDLOCK_ACCESS_FS_REMOVE_DIR (1ULL << 4)
#define LANDLOCK_ACCESS_FS_REMOVE_FILE (1ULL << 5)
#define LANDLOCK_ACCESS_FS_MAKE_CHAR (1ULL << 6)
#define LANDLOCK_ACCESS_FS_MAKE_DIR (1ULL << 7)
#define LANDLOCK_ACCESS_FS_MAKE_REG (1ULL << 8)
#define LANDLOCK_ACCESS_FS_MAKE_SOCK (1ULL << 9)
#define LANDLOCK_ACCESS_FS_MAKE_FIFO (1ULL << 10)
#define LANDLOCK_ACCESS_FS_MAKE_BLOCK (1ULL << 11)
#define LANDLOCK_ACCESS_FS_MAKE_SYM (1ULL << 12)
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#define LANDLOCK_ACCESS_FS_RESOLVE_UNIX (1ULL << 16)

/* Network access rights */
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#define LANDLOCK_ACCESS_NET_BIND_UDP (1ULL << 2)
#define LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP (1ULL << 3)

/* Scopes */
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)

/* Syscall numbers: one table entry, same in the x86-64 and generic tables. */
#if defined(__x86_64__) || defined(__aarch64__)
#define LL_NR_landlock_create_ruleset 444
#define LL_NR_landlock_add_rule 445
#define LL_NR_landlock_restrict_self 446
#else
#error "llconform knows Landlock syscall numbers for x86_64 and aarch64 only"
#endif

/*
 * ioctl(2) in the i386 table (arch/x86/entry/syscalls/syscall_32.tbl): the
 * number a 64-bit process passes to `int $0x80`, the ia32 entry, to reach
 * compat_sys_ioctl() and the file_ioctl_compat LSM hook (SPEC §5.3) without
 * a 32-bit binary.  Only x86_64 has such an entry.
 */
#if defined(__x86_64__)
#define LL_NR_ia32_ioctl 54
#endif

#endif /* LLCONFORM_LANDLOCK_UAPI_H */
