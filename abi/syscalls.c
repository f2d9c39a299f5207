// SPDX-License-Identifier: GPL-2.0
/* Raw Landlock syscalls and the probe of the running kernel (SPEC §2.1). */
#include <errno.h>
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
