/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llconform's one source of Landlock ABI knowledge: which right, flag, field,
 * rule type and behaviour belongs to which ABI version, the errata, the probe
 * of the running kernel and the reference best-effort downgrade.
 *
 * Everything else (suites, guest runner, Python driver through `llabi
 * --json`) asks these tables; nothing re-types a bit or an ABI number.
 */
#ifndef LLCONFORM_ABI_H
#define LLCONFORM_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "landlock_uapi.h"

/* The newest ABI this table describes. */
#define LL_ABI_LAST 11

/* One named bit (a right, a scope, a flag) and the ABI that introduced it. */
struct ll_bit {
	const char *name; /* e.g. "execute", as in audit blockers */
	const char *macro; /* e.g. "LANDLOCK_ACCESS_FS_EXECUTE" */
	uint64_t value;
	int abi; /* first ABI that accepts it; 0 = not merged */
};

/* The families of named bits. */
enum ll_family {
	LL_FS_ACCESS,
	LL_NET_ACCESS,
	LL_SCOPE,
	LL_CREATE_FLAG,
	LL_ADD_RULE_FLAG,
	LL_RESTRICT_FLAG,
	LL_RULE_TYPE,
	LL_FAMILY_COUNT,
};

const char *ll_family_name(enum ll_family family);
/* NULL-terminated (name == NULL) table of one family, in bit order. */
const struct ll_bit *ll_family_bits(enum ll_family family);
/* OR of the values of `family` that ABI `abi` accepts (0 before any). */
uint64_t ll_mask(enum ll_family family, int abi);
/* The bit of `family` named `name`, or NULL. */
const struct ll_bit *ll_bit_by_name(enum ll_family family, const char *name);

/*
 * Rights that may appear in a rule whose parent_fd is not a directory, for
 * ABI `abi` (SPEC §1.2 "ACCESS_FILE").
 */
uint64_t ll_fs_file_rights(int abi);

/* The fields of struct landlock_ruleset_attr and the ABI of each. */
struct ll_field {
	const char *name;
	size_t offset;
	size_t size;
	int abi;
};
const struct ll_field *ll_ruleset_attr_fields(void);
/* sizeof(struct landlock_ruleset_attr) as ABI `abi` defines it. */
size_t ll_ruleset_attr_size(int abi);
#define LL_PATH_BENEATH_ATTR_SIZE sizeof(struct landlock_path_beneath_attr)
#define LL_NET_PORT_ATTR_SIZE sizeof(struct landlock_net_port_attr)

/*
 * Behaviours that are not a single bit: each changed at one ABI.  A test
 * states the behaviour it needs; its ABI comes from here.
 */
enum ll_behaviour {
	LL_B_NONE, /* no behaviour: a test's "needs nothing more" */
	LL_B_LANDLOCK, /* the three syscalls exist and work */
	LL_B_REFER, /* reparenting allowed with REFER */
	LL_B_TRUNCATE,
	LL_B_NET_TCP,
	LL_B_IOCTL_DEV,
	LL_B_SCOPE,
	LL_B_LOGGING, /* restrict_self log flags, audit records */
	LL_B_TSYNC,
	LL_B_RESOLVE_UNIX,
	LL_B_NET_UDP,
	LL_B_QUIET,
	LL_B_NNP_FLAG,
	/* Check-order and semantic changes */
	LL_B_LAYER_LIMIT_16, /* ABI 1 may still allow 64 */
	LL_B_CHECK_ORDER_5_19, /* ABI-1 originals checked in another order */
	LL_B_RESTRICT_EPERM_BEFORE_FLAGS, /* ABI 2..10 only, see below */
	LL_B_RESTRICT_FLAGS_BEFORE_EPERM, /* ABI 11 */
	LL_B_SAME_LAYER_UNION, /* rules in one layer are ORed */
	LL_B_FS_TOPOLOGY_NEEDS_FS, /* net/scope-only domains may mount */
	LL_B_LOG_SUBDOMAINS_OFF_WITH_TSYNC_FD_MINUS1, /* relaxed fd -1 form */
	LL_B_QUIET_ALLOWS_EMPTY_RULE,
	LL_B_TRACE_EVENTS, /* 7.3, no ABI bump: first seen with ABI 11 */
	/* Proposed, not merged: no ABI; the probe says whether a kernel has it
	 */
	LL_B_NO_INHERIT,
	LL_BEHAVIOUR_COUNT,
};

struct ll_behaviour_info {
	const char *name;
	const char *summary;
	int abi; /* first ABI with the behaviour (when not a bit's) */
	int until_abi; /* last ABI with it, 0 = still current */
	enum ll_family family; /* with value: the bit that is the behaviour */
	uint64_t value;
};
const struct ll_behaviour_info *ll_behaviour(enum ll_behaviour b);
/* First ABI with behaviour `b` (0: none released has it). */
int ll_behaviour_abi(enum ll_behaviour b);
bool ll_abi_has(int abi, enum ll_behaviour b);
/* A behaviour no released ABI has: only a probe of the kernel can tell. */
bool ll_behaviour_proposed(enum ll_behaviour b);

/* Errata (SPEC §9): bit (id - 1) of the ERRATA query set = fixed. */
struct ll_erratum {
	int id;
	int abi; /* lowest ABI it affects (errata/abi-<k>.h) */
	const char *summary;
};
const struct ll_erratum *ll_errata(void); /* terminated by id == 0 */
const struct ll_erratum *ll_erratum(int id);
#define LL_ERRATUM_BIT(id) (1U << ((id)-1))
/* Errata a kernel of ABI `abi` can report (mask of bits). */
uint32_t ll_errata_mask(int abi);

/* Layer limits: the 17th layer fails on ABI >= 2, 65th on original ABI 1. */
#define LL_MAX_LAYERS 16
#define LL_MAX_LAYERS_ABI1_ORIGINAL 64

/* What the running kernel reports. */
enum ll_status {
	LL_ABSENT, /* ENOSYS: not built in */
	LL_DISABLED, /* EOPNOTSUPP: built in, not in the lsm= list */
	LL_ENABLED,
	LL_PROBE_ERROR, /* anything else: a deviation in itself */
};
struct ll_probe {
	enum ll_status status;
	int abi; /* valid when enabled */
	/* Errata bitmask; -1 when the ERRATA query is not supported (EINVAL).
	 */
	int64_t errata;
	int error; /* errno of the VERSION query when not enabled */
	/* Proposed (unmerged) add_rule flags this kernel accepts. */
	uint32_t proposed_add_rule_flags;
};
struct ll_probe ll_probe_kernel(void);
/* Whether the probed kernel accepts proposed behaviour `b`. */
bool ll_probe_has_proposed(const struct ll_probe *probe, enum ll_behaviour b);
const char *ll_status_name(enum ll_status status);
/*
 * The ABI whose tables describe a kernel reporting `abi`: newer kernels are
 * treated as "at least LL_ABI_LAST".
 */
int ll_abi_effective(int abi);

/* Raw syscall wrappers: no libc in the middle, errno as the kernel set it. */
int ll_create_ruleset(const struct landlock_ruleset_attr *attr, size_t size,
		      uint32_t flags);
int ll_add_rule(int ruleset_fd, enum landlock_rule_type type, const void *attr,
		uint32_t flags);
int ll_restrict_self(int ruleset_fd, uint32_t flags);
#ifdef LL_NR_ia32_ioctl
/*
 * ioctl(2) through the ia32 entry (`int $0x80`): the kernel sees a 32-bit
 * caller (in_compat_syscall()), so compat_sys_ioctl() runs.  Its arguments
 * are cut to 32 bits: `arg` must point below 4 GiB.  Returns 0 or more, or
 * -1 with errno.  A kernel without the entry (no CONFIG_IA32_EMULATION,
 * ia32_emulation=0) raises SIGSEGV instead: try it in a child first.
 */
int ll_ia32_ioctl(int fd, uint32_t cmd, uint32_t arg);
#endif

#endif /* LLCONFORM_ABI_H */
