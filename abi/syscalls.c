// SPDX-License-Identifier: GPL-2.0
/* Raw Landlock syscalls and the probe of the running kernel (SPEC §2.1). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi.h"

int ll_create_ruleset(const struct landlock_ruleset_attr *attr, size_t size,
		      uint32_t flags)
{
	return syscall(LL_NR_landlock_create_ruleset, attr, size, flags);
}

int ll_add_rule(int ruleset_fd, enum landlock_rule_type type, const void *attr,
		uint32_t flags)
{
	return syscall(LL_NR_landlock_add_rule, ruleset_fd, type, attr, flags);
}

int ll_restrict_self(int ruleset_fd, uint32_t flags)
{
	return syscall(LL_NR_landlock_restrict_self, ruleset_fd, flags);
}

#ifdef LL_NR_ia32_ioctl
int ll_ia32_ioctl(int fd, uint32_t cmd, uint32_t arg)
{
	long ret = LL_NR_ia32_ioctl;

	/*
	 * The ia32 entry takes eax, ebx, ecx, edx and returns in eax; r8-r11
	 * are listed because kernels before 4.17 did not preserve them.
	 */
	__asm__ volatile("int $0x80"
			 : "+a"(ret)
			 : "b"(fd), "c"(cmd), "d"(arg)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	/* The 32-bit result, sign-extended: -4095..-1 is -errno. */
	ret = (int)ret;
	if (ret < 0 && ret >= -4095) {
		errno = (int)-ret;
		return -1;
	}
	return (int)ret;
}
#endif

/*
 * Proposed add_rule flags (abi 0 in the table) the kernel accepts on a
 * path rule: a released kernel rejects them with EINVAL.
 */
static uint32_t proposed_add_rule_flags(void)
{
	const struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	struct landlock_path_beneath_attr rule = {
		.allowed_access = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	const struct ll_bit *bit;
	uint32_t accepted = 0;
	int ruleset;

	for (bit = ll_family_bits(LL_ADD_RULE_FLAG); bit->name; bit++) {
		if (bit->abi)
			continue;
		ruleset = ll_create_ruleset(&attr, ll_ruleset_attr_size(1), 0);
		rule.parent_fd = open("/", O_PATH | O_CLOEXEC);
		if (ruleset >= 0 && rule.parent_fd >= 0 &&
		    !ll_add_rule(ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule,
				 bit->value))
			accepted |= bit->value;
		if (ruleset >= 0)
			close(ruleset);
		if (rule.parent_fd >= 0)
			close(rule.parent_fd);
	}
	return accepted;
}

struct ll_probe ll_probe_kernel(void)
{
	struct ll_probe probe = { .status = LL_PROBE_ERROR, .errata = -1 };
	int ret;

	ret = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (ret < 0) {
		probe.error = errno;
		if (errno == ENOSYS)
			probe.status = LL_ABSENT;
		else if (errno == EOPNOTSUPP)
			probe.status = LL_DISABLED;
		return probe;
	}
	probe.status = LL_ENABLED;
	probe.abi = ret;
	/* EINVAL: a kernel from before the errata interface. */
	ret = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);
	if (ret >= 0)
		probe.errata = ret;
	probe.proposed_add_rule_flags = proposed_add_rule_flags();
	return probe;
}

const char *ll_status_name(enum ll_status status)
{
	switch (status) {
	case LL_ABSENT:
		return "absent";
	case LL_DISABLED:
		return "disabled";
	case LL_ENABLED:
		return "enabled";
	case LL_PROBE_ERROR:
		break;
	}
	return "probe_error";
}

bool ll_probe_has_proposed(const struct ll_probe *probe, enum ll_behaviour b)
{
	const struct ll_behaviour_info *info = ll_behaviour(b);

	return ll_behaviour_proposed(b) && info->family == LL_ADD_RULE_FLAG &&
	       (probe->proposed_add_rule_flags & info->value);
}
