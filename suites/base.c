// SPDX-License-Identifier: GPL-2.0
/*
 * base: the Landlock syscall interface as abi/SPEC.md §1-§4 describes it
 * for the ABI the running kernel reports.
 *
 * Every expected mask, size and errno is derived from abi/ and ll_kernel:
 * nothing here types a bit value or an ABI number.  Argument checks walk the
 * invalid inputs in the kernel's order; each step feeds an input that also
 * violates a later check, so the earlier errno must win.
 *
 * Each test runs in the harness's forked child: it may set no_new_privs,
 * drop capabilities and enforce domains freely.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "privs.h"
#include "fdpass.h"

LL_PROGRAM(LL_B_LANDLOCK);

/* Lowest bit not in `mask`. */
static uint64_t lowest_unknown(uint64_t mask)
{
	return ~mask & -~mask;
}

/* Lowest bit in `mask`. */
static uint64_t lowest_bit(uint64_t mask)
{
	return mask & -mask;
}

/* Bits of a family that are proposed, not merged (table ABI 0). */
static uint64_t proposed_bits(enum ll_family family)
{
	const struct ll_bit *bit;
	uint64_t mask = 0;

	for (bit = ll_family_bits(family); bit->name; bit++)
		if (!bit->abi)
			mask |= bit->value;
	return mask;
}

/*
 * Syscalls returning 0 or the errno.  A ruleset fd a successful call
 * returns is closed (only when flags are 0: a query returns a number).
 */
static int create_err(const void *attr, size_t size, uint32_t flags)
{
	int ret = ll_create_ruleset(attr, size, flags);

	if (ret < 0)
		return errno;
	if (!flags)
		close(ret);
	return 0;
}

static int add_rule_err(int fd, int type, const void *attr, uint32_t flags)
{
	return ll_add_rule(fd, type, attr, flags) ? errno : 0;
}

static int restrict_err(int fd, uint32_t flags)
{
	return ll_restrict_self(fd, flags) ? errno : 0;
}

static int path_rule_err(int fd, uint64_t access, int parent, uint32_t flags)
{
	struct landlock_path_beneath_attr attr = {
		.allowed_access = access,
		.parent_fd = parent,
	};

	return add_rule_err(fd, LANDLOCK_RULE_PATH_BENEATH, &attr, flags);
}

static int port_rule_err(int fd, uint64_t access, uint64_t port, uint32_t flags)
{
	struct landlock_net_port_attr attr = {
		.allowed_access = access,
		.port = port,
	};

	return add_rule_err(fd, LANDLOCK_RULE_NET_PORT, &attr, flags);
}

/* A ruleset with the running ABI's struct size; -1 on failure. */
static int new_ruleset(const struct landlock_ruleset_attr *attr)
{
	return ll_create_ruleset(attr, ll_ruleset_attr_size(ll_abi_now()), 0);
}

/* Handles every FS right of the running ABI (and every net right). */
static int full_ruleset(void)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = ll_mask(LL_FS_ACCESS, ll_abi_now()),
		.handled_access_net = ll_mask(LL_NET_ACCESS, ll_abi_now()),
	};

	return new_ruleset(&attr);
}

/*
 * One zeroed readable page directly followed by an unmapped one: a struct
 * placed at its end cannot be read one byte further.
 */
static char *page_before_hole(size_t page)
{
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (munmap(p + page, page)) {
		munmap(p, page);
		return NULL;
	}
	return p;
}

/* A fresh scratch directory (O_PATH) and a regular file in it. */
static void scratch_fds(struct __test_metadata *_metadata, const char *name,
			int *dir, int *file, char *dir_path, size_t size)
{
	static const char *const entries[] = { "f", NULL };
	char path[512];

	ASSERT_EQ(0, ll_scratch_dir(name, dir_path, size));
	ASSERT_EQ(0, ll_make_tree(dir_path, entries));
	*dir = open(dir_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, *dir);
	*file = open(ll_path(path, sizeof(path), dir_path, "f"),
		     O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, *file);
}

/* --- §2: version and errata queries ---------------------------------- */

LL_TEST(version_query_returns_the_probed_abi)
{
	int abi = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	ASSERT_LE(1, abi);
	ASSERT_EQ(ll_kernel.abi, abi);
}

LL_TEST(version_and_errata_queries_reject_attr_or_size_with_einval)
{
	struct landlock_ruleset_attr attr = { 0 };
	const uint32_t queries[] = { LANDLOCK_CREATE_RULESET_VERSION,
				     LANDLOCK_CREATE_RULESET_ERRATA };
	size_t i;

	for (i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		ASSERT_EQ(EINVAL, create_err(&attr, 0, queries[i]));
		ASSERT_EQ(EINVAL, create_err(NULL, 1, queries[i]));
		ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), queries[i]));
	}
	/* The same query without attr and size works. */
	ASSERT_EQ(0, create_err(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION));
}

/*
 * ERRATA is documented with ABI 7 and was backported: below 7 the query
 * works or is an unknown flag.  What it reports is the probed bitmask and
 * only errata a kernel of this ABI can carry.
 */
LL_TEST(errata_query_reports_only_errata_of_the_running_abi)
{
	const bool documented = ll_mask(LL_CREATE_FLAG, ll_abi_now()) &
				LANDLOCK_CREATE_RULESET_ERRATA;
	int errata = ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);

	if (errata < 0) {
		ASSERT_EQ(EINVAL, errno);
		ASSERT_FALSE(documented)
		TH_LOG("ERRATA query must work on ABI %d", ll_kernel.abi);
		ASSERT_EQ(-1, ll_kernel.errata);
		return;
	}
	ASSERT_EQ(ll_kernel.errata, errata);
	ASSERT_EQ(0, errata & ~ll_errata_mask(ll_abi_now()))
	TH_LOG("errata 0x%x outside those of ABI %d (0x%x)", errata,
	       ll_kernel.abi, ll_errata_mask(ll_abi_now()));
}

LL_TEST(create_ruleset_rejects_version_with_errata_and_unknown_flags)
{
	const uint32_t known = ll_mask(LL_CREATE_FLAG, LL_ABI_LAST);
	uint32_t flag;

	ASSERT_EQ(EINVAL, create_err(NULL, 0,
				     LANDLOCK_CREATE_RULESET_VERSION |
					     LANDLOCK_CREATE_RULESET_ERRATA));
	for (flag = 1; flag; flag <<= 1) {
		if (flag & known)
			continue;
		ASSERT_EQ(EINVAL, create_err(NULL, 0, flag));
		ASSERT_EQ(EINVAL,
			  create_err(NULL, 0,
				     flag | LANDLOCK_CREATE_RULESET_VERSION));
	}
	ASSERT_LE(1,
		  ll_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION));
}

/* --- §2.1: create_ruleset argument checks ------------------------------ */

LL_TEST(create_ruleset_checks_ordering)
{
	const int abi = ll_abi_now();
	const size_t size = ll_ruleset_attr_size(abi);
	const size_t page = sysconf(_SC_PAGESIZE);
	const uint32_t bad_flag =
		lowest_unknown(ll_mask(LL_CREATE_FLAG, LL_ABI_LAST));
	char *buf = page_before_hole(page);
	struct landlock_ruleset_attr *attr = (void *)buf;
	size_t s;

	ASSERT_NE(NULL, buf);
	attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
	ASSERT_EQ(0, create_err(attr, size, 0));

	/* 1. flags, before the attr: valid flag with attr, bad flag. */
	ASSERT_EQ(EINVAL,
		  create_err(attr, size, LANDLOCK_CREATE_RULESET_VERSION));
	ASSERT_EQ(EINVAL, create_err(attr, size, bad_flag));
	ASSERT_EQ(EINVAL, create_err(NULL, 0, bad_flag));
	/* 2. NULL attr, before the size checks. */
	ASSERT_EQ(EFAULT, create_err(NULL, 0, 0));
	ASSERT_EQ(EFAULT, create_err(NULL, 1, 0));
	ASSERT_EQ(EFAULT, create_err(NULL, page + 1, 0));
	/* 3. size < 8, before reading (an all-zero attr would be ENOMSG). */
	attr->handled_access_fs = 0;
	for (s = 0; s < sizeof(attr->handled_access_fs); s++) {
		ASSERT_EQ(EINVAL, create_err(attr, s, 0));
	}
	/* 4. size > page, before reading (reading would fault). */
	ASSERT_EQ(E2BIG, create_err(attr, page + 1, 0));
	ASSERT_EQ(E2BIG, create_err(attr, SIZE_MAX, 0));
	/* 5. a non-zero tail, before the access bits. */
	attr->handled_access_fs = lowest_unknown(ll_mask(LL_FS_ACCESS, abi));
	buf[size] = 1;
	ASSERT_EQ(E2BIG, create_err(attr, size + 1, 0));
	buf[size] = 0;
	/* 6. unknown access bits, before ENOMSG-style emptiness checks. */
	ASSERT_EQ(EINVAL, create_err(attr, size + 1, 0));
	/* 7. (ABI >= 10) quiet outside handled, before ENOMSG. */
	attr->handled_access_fs = 0;
	if (ll_abi_has(abi, LL_B_QUIET)) {
		attr->quiet_access_fs = ll_mask(LL_FS_ACCESS, abi);
		ASSERT_EQ(EINVAL, create_err(attr, size, 0));
		attr->quiet_access_fs = 0;
	}
	/* 8. nothing handled. */
	ASSERT_EQ(ENOMSG, create_err(attr, size, 0));
	/* A whole zero page and the smallest struct are fine. */
	attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
	ASSERT_EQ(0, create_err(attr, page, 0));
	ASSERT_EQ(0, create_err(attr, sizeof(attr->handled_access_fs), 0));
}

LL_TEST(create_ruleset_rejects_unreadable_tail_with_efault)
{
	const int abi = ll_abi_now();
	const size_t size = ll_ruleset_attr_size(abi);
	const size_t page = sysconf(_SC_PAGESIZE);
	char *buf = page_before_hole(page);
	struct landlock_ruleset_attr *attr;

	ASSERT_NE(NULL, buf);
	/* The struct ends where the hole starts. */
	attr = (void *)(buf + page - size);
	attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
	ASSERT_EQ(0, create_err(attr, size, 0));
	ASSERT_EQ(EFAULT, create_err(attr, size + 1, 0));
}

LL_TEST(create_ruleset_accepts_smallest_struct_and_zero_tail)
{
	const int abi = ll_abi_now();
	const size_t size = ll_ruleset_attr_size(abi);
	char buf[sizeof(struct landlock_ruleset_attr) + 64] = { 0 };
	struct landlock_ruleset_attr *attr = (void *)buf;
	size_t s;

	attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
	for (s = sizeof(attr->handled_access_fs); s <= sizeof(buf); s++) {
		ASSERT_EQ(0, create_err(attr, s, 0))
		TH_LOG("size %zu (ABI struct %zu)", s, size);
	}
	/* The same sizes with nothing handled are ENOMSG, not a size error. */
	attr->handled_access_fs = 0;
	ASSERT_EQ(ENOMSG, create_err(attr, sizeof(attr->handled_access_fs), 0));
	ASSERT_EQ(ENOMSG, create_err(attr, sizeof(buf), 0));
}

/* A field of a later ABI is a non-zero tail: E2BIG, and any byte past. */
LL_TEST(create_ruleset_rejects_non_zero_bytes_beyond_the_abi_struct)
{
	const int abi = ll_abi_now();
	const size_t size = ll_ruleset_attr_size(abi);
	const struct ll_field *field;
	char buf[sizeof(struct landlock_ruleset_attr) + 8];
	struct landlock_ruleset_attr *attr = (void *)buf;
	size_t byte;

	for (field = ll_ruleset_attr_fields(); field->name; field++) {
		if (field->abi <= abi)
			continue;
		memset(buf, 0, sizeof(buf));
		attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
		buf[field->offset] = 1;
		ASSERT_EQ(E2BIG, create_err(attr, sizeof(buf), 0))
		TH_LOG("field %s on ABI %d", field->name, ll_kernel.abi);
		ASSERT_EQ(0, create_err(attr, size, 0));
	}
	for (byte = size; byte < sizeof(buf); byte++) {
		memset(buf, 0, sizeof(buf));
		attr->handled_access_fs = ll_mask(LL_FS_ACCESS, abi);
		buf[byte] = 1;
		ASSERT_EQ(E2BIG, create_err(attr, sizeof(buf), 0))
		TH_LOG("byte %zu", byte);
		ASSERT_EQ(0, create_err(attr, byte, 0));
	}
}

/*
 * Each right of a family alone is a valid ruleset; every bit outside the
 * family's mask is EINVAL.  `field` selects handled_access_fs/_net/scoped.
 */
static void check_family_bits(struct __test_metadata *_metadata,
			      enum ll_family family, uint64_t *field,
			      struct landlock_ruleset_attr *attr)
{
	const uint64_t mask = ll_mask(family, ll_abi_now());
	const struct ll_bit *bit;
	int b;

	ASSERT_NE(0, mask);
	for (bit = ll_family_bits(family); bit->name; bit++) {
		if (!(bit->value & mask))
			continue;
		*field = bit->value;
		ASSERT_NE(-1, new_ruleset(attr))
		TH_LOG("%s alone", bit->macro);
	}
	*field = mask;
	ASSERT_NE(-1, new_ruleset(attr));
	for (b = 0; b < 64; b++) {
		if (mask & (1ULL << b))
			continue;
		*field = mask | (1ULL << b);
		ASSERT_EQ(
			EINVAL,
			create_err(attr, ll_ruleset_attr_size(ll_abi_now()), 0))
		TH_LOG("%s: unknown bit %d", ll_family_name(family), b);
	}
}

LL_TEST(create_ruleset_accepts_each_fs_right_and_rejects_unknown_bits)
{
	struct landlock_ruleset_attr attr = { 0 };

	check_family_bits(_metadata, LL_FS_ACCESS, &attr.handled_access_fs,
			  &attr);
}

LL_TEST(create_ruleset_accepts_each_net_right_and_rejects_unknown_bits,
	.needs = LL_B_NET_TCP)
{
	struct landlock_ruleset_attr attr = { 0 };

	check_family_bits(_metadata, LL_NET_ACCESS, &attr.handled_access_net,
			  &attr);
}

LL_TEST(create_ruleset_accepts_each_scope_and_rejects_unknown_bits,
	.needs = LL_B_SCOPE)
{
	struct landlock_ruleset_attr attr = { 0 };

	check_family_bits(_metadata, LL_SCOPE, &attr.scoped, &attr);
}

/* Unknown bits win over an all-zero rest (EINVAL, not ENOMSG). */
LL_TEST(create_ruleset_unknown_bits_fail_with_einval_not_enomsg)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs =
			lowest_unknown(ll_mask(LL_FS_ACCESS, ll_abi_now())),
	};

	ASSERT_EQ(EINVAL,
		  create_err(&attr, ll_ruleset_attr_size(ll_abi_now()), 0));
	attr.handled_access_fs = 0;
	ASSERT_EQ(ENOMSG,
		  create_err(&attr, ll_ruleset_attr_size(ll_abi_now()), 0));
}

/* Quiet masks (ABI >= 10) must be subsets of the handled ones. */
LL_TEST(create_ruleset_rejects_quiet_outside_handled_with_einval,
	.needs = LL_B_QUIET)
{
	const int abi = ll_abi_now();
	const uint64_t fs = ll_mask(LL_FS_ACCESS, abi);
	const uint64_t net = ll_mask(LL_NET_ACCESS, abi);
	const uint64_t scope = ll_mask(LL_SCOPE, abi);
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = fs,
		.handled_access_net = net,
		.scoped = scope,
		.quiet_access_fs = fs,
		.quiet_access_net = net,
		.quiet_scoped = scope,
	};

	ASSERT_NE(-1, new_ruleset(&attr));
	attr.handled_access_fs = lowest_bit(fs);
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	attr.handled_access_fs = fs;
	attr.handled_access_net = lowest_bit(net);
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	attr.handled_access_net = net;
	attr.scoped = lowest_bit(scope);
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	/* Quiet bits alone: EINVAL before ENOMSG. */
	memset(&attr, 0, sizeof(attr));
	attr.quiet_access_fs = fs;
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	attr.quiet_access_fs = 0;
	attr.quiet_access_net = net;
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	attr.quiet_access_net = 0;
	attr.quiet_scoped = scope;
	ASSERT_EQ(EINVAL, create_err(&attr, sizeof(attr), 0));
	attr.quiet_scoped = 0;
	ASSERT_EQ(ENOMSG, create_err(&attr, sizeof(attr), 0));
}

/* --- §3: add_rule ------------------------------------------------------ */

/*
 * The checks every ABI agrees on (§3.1, §3.2), each step with an input
 * that also violates a later check: flags → ruleset fd (with a valid rule)
 * → ENOMSG → subset → parent_fd → file rights.
 */
LL_TEST(add_rule_checks_ordering)
{
	const int abi = ll_abi_now();
	const uint64_t fs = ll_mask(LL_FS_ACCESS, abi);
	const uint64_t file_rights = ll_fs_file_rights(abi);
	const uint64_t dir_only = fs & ~file_rights;
	const uint32_t bad_flag =
		lowest_unknown(ll_mask(LL_ADD_RULE_FLAG, abi) |
			       proposed_bits(LL_ADD_RULE_FLAG));
	struct landlock_ruleset_attr narrow = {
		.handled_access_fs = lowest_bit(file_rights),
	};
	int ruleset, narrow_fd, dir, file, opath, closed, pipefd[2];
	char path[256];

	scratch_fds(_metadata, "add_rule_order", &dir, &file, path,
		    sizeof(path));
	ruleset = full_ruleset();
	ASSERT_LE(0, ruleset);
	narrow_fd = new_ruleset(&narrow);
	ASSERT_LE(0, narrow_fd);
	opath = open(path, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, opath);
	ASSERT_EQ(0, pipe2(pipefd, O_CLOEXEC));
	/* Opened last: nothing may reuse its number. */
	closed = dup(file);
	ASSERT_EQ(0, close(closed));

	/* 1. flags, before the ruleset fd. */
	ASSERT_EQ(EINVAL, add_rule_err(-1, 0, NULL, bad_flag));
	ASSERT_EQ(EINVAL, path_rule_err(ruleset, file_rights, dir, bad_flag));
	/* 2. ruleset fd, before the rule's content. */
	ASSERT_EQ(EBADF, path_rule_err(-1, 0, -1, 0));
	ASSERT_EQ(EBADF, path_rule_err(closed, 0, -1, 0));
	ASSERT_EQ(EBADF, path_rule_err(opath, 0, -1, 0));
	ASSERT_EQ(EBADFD, path_rule_err(file, 0, -1, 0));
	ASSERT_EQ(EBADFD, path_rule_err(pipefd[0], 0, -1, 0));
	/* 3. NULL attr. */
	ASSERT_EQ(EFAULT,
		  add_rule_err(ruleset, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
	/* 4. empty access, before the parent fd. */
	ASSERT_EQ(ENOMSG, path_rule_err(ruleset, 0, -1, 0));
	/* 5. access outside handled (unknown or unhandled), before parent fd.
	 */
	ASSERT_EQ(EINVAL, path_rule_err(ruleset, lowest_unknown(fs), -1, 0));
	ASSERT_EQ(EINVAL,
		  path_rule_err(narrow_fd,
				lowest_unknown(narrow.handled_access_fs), -1,
				0));
	/* 6. parent fd: not open, or not a usable inode. */
	ASSERT_EQ(EBADF, path_rule_err(ruleset, file_rights, -1, 0));
	ASSERT_EQ(EBADF, path_rule_err(ruleset, file_rights, closed, 0));
	ASSERT_EQ(EBADFD, path_rule_err(ruleset, file_rights, pipefd[0], 0));
	ASSERT_EQ(EBADFD, path_rule_err(ruleset, file_rights, ruleset, 0));
	/* 7. a directory-only right on a file. */
	ASSERT_EQ(EINVAL, path_rule_err(ruleset, dir_only, file, 0));
	/* Valid: O_PATH parents, file rights on a file, all on a dir. */
	ASSERT_EQ(0, path_rule_err(ruleset, file_rights, file, 0));
	ASSERT_EQ(0, path_rule_err(ruleset, file_rights, opath, 0));
	ASSERT_EQ(0, path_rule_err(ruleset, fs, dir, 0));
	ASSERT_EQ(0,
		  path_rule_err(narrow_fd, narrow.handled_access_fs, dir, 0));
}

LL_TEST(add_rule_checks_ruleset_fd_before_type_and_attr,
	.needs = LL_B_CHECK_ORDER_5_19)
{
	int ruleset = full_ruleset();
	int regular = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

	ASSERT_LE(0, ruleset);
	ASSERT_LE(0, regular);
	ASSERT_EQ(EBADF, add_rule_err(-1, 0, NULL, 0));
	ASSERT_EQ(EBADFD, add_rule_err(regular, 0, NULL, 0));
	ASSERT_EQ(EBADF, add_rule_err(-1, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
	ASSERT_EQ(EBADFD,
		  add_rule_err(regular, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
	/* Type before attr. */
	ASSERT_EQ(EINVAL, add_rule_err(ruleset, 0, NULL, 0));
	ASSERT_EQ(EFAULT,
		  add_rule_err(ruleset, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
}

/* Original ABI-1 code checks type and attr first; fixed ones the fd (§3.2). */
LL_TEST(add_rule_abi1_checks_type_and_attr_either_side_of_ruleset_fd,
	.lacks = LL_B_CHECK_ORDER_5_19)
{
	int ruleset = full_ruleset();
	int type_err = add_rule_err(-1, 0, NULL, 0);
	int attr_err = add_rule_err(-1, LANDLOCK_RULE_PATH_BENEATH, NULL, 0);

	ASSERT_LE(0, ruleset);
	ASSERT_TRUE(type_err == EBADF || type_err == EINVAL)
	TH_LOG("bad fd and type: errno %d", type_err);
	ASSERT_TRUE(attr_err == EBADF || attr_err == EFAULT)
	TH_LOG("bad fd and attr: errno %d", attr_err);
	/* One order or the other, not a mix. */
	ASSERT_EQ(type_err == EBADF, attr_err == EBADF);
	ASSERT_EQ(EINVAL, add_rule_err(ruleset, 0, NULL, 0));
	ASSERT_EQ(EFAULT,
		  add_rule_err(ruleset, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
}

/* Rule types the ABI does not know, plus 0 and one past the last. */
LL_TEST(add_rule_rejects_unknown_rule_types_with_einval)
{
	const int abi = ll_abi_now();
	const struct ll_bit *type;
	struct landlock_net_port_attr big = { 0 };
	int ruleset = full_ruleset(), last = 0;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(EINVAL, add_rule_err(ruleset, 0, &big, 0));
	for (type = ll_family_bits(LL_RULE_TYPE); type->name; type++) {
		if ((int)type->value > last)
			last = type->value;
		if (type->abi && type->abi <= abi)
			continue;
		ASSERT_EQ(EINVAL, add_rule_err(ruleset, type->value, &big, 0))
		TH_LOG("%s on ABI %d", type->macro, ll_kernel.abi);
	}
	ASSERT_EQ(EINVAL, add_rule_err(ruleset, last + 1, &big, 0));
	ASSERT_EQ(EINVAL, add_rule_err(ruleset, -1, &big, 0));
}

/* Unknown flag bits: any non-zero before ABI 10, anything but QUIET after. */
LL_TEST(add_rule_rejects_unknown_flags_with_einval)
{
	const uint32_t known = ll_mask(LL_ADD_RULE_FLAG, ll_abi_now());
	const uint32_t proposed = proposed_bits(LL_ADD_RULE_FLAG);
	int ruleset = full_ruleset();
	uint32_t flag;

	ASSERT_LE(0, ruleset);
	for (flag = 1; flag; flag <<= 1) {
		if (flag & (known | proposed))
			continue;
		ASSERT_EQ(EINVAL, path_rule_err(ruleset, 0, -1, flag))
		TH_LOG("flag 0x%x", flag);
	}
}

/*
 * NO_INHERIT (SPEC §10) is not merged: every kernel of a known ABI rejects
 * it as an unknown flag, before looking at anything else.
 */
LL_TEST(add_rule_rejects_proposed_no_inherit_flag_with_einval,
	.lacks = LL_B_NO_INHERIT)
{
	int ruleset = full_ruleset(), dir, file;
	char path[256];

	scratch_fds(_metadata, "no_inherit", &dir, &file, path, sizeof(path));
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(EINVAL,
		  path_rule_err(ruleset, ll_mask(LL_FS_ACCESS, ll_abi_now()),
				dir, LANDLOCK_ADD_RULE_NO_INHERIT));
	ASSERT_EQ(EINVAL,
		  path_rule_err(-1, 0, -1, LANDLOCK_ADD_RULE_NO_INHERIT));
	ASSERT_EQ(0, path_rule_err(ruleset, ll_mask(LL_FS_ACCESS, ll_abi_now()),
				   dir, 0));
}

LL_TEST(add_rule_no_inherit_with_quiet_fails_with_einval, .needs = LL_B_QUIET,
	.lacks = LL_B_NO_INHERIT)
{
	const uint64_t fs = ll_mask(LL_FS_ACCESS, ll_abi_now());
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = fs,
		.quiet_access_fs = fs,
	};
	int ruleset = new_ruleset(&attr), dir, file;
	char path[256];

	scratch_fds(_metadata, "no_inherit_quiet", &dir, &file, path,
		    sizeof(path));
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(EINVAL, path_rule_err(ruleset, fs, dir,
					LANDLOCK_ADD_RULE_QUIET |
						LANDLOCK_ADD_RULE_NO_INHERIT));
	ASSERT_EQ(0, path_rule_err(ruleset, fs, dir, LANDLOCK_ADD_RULE_QUIET));
}

/* Every right alone on a directory; on a file only the file rights. */
LL_TEST(add_rule_accepts_each_fs_right_on_a_dir_and_file_rights_on_a_file)
{
	const int abi = ll_abi_now();
	const uint64_t file_rights = ll_fs_file_rights(abi);
	const struct ll_bit *bit;
	int ruleset = full_ruleset(), dir, file;
	char path[256];

	scratch_fds(_metadata, "each_fs_right", &dir, &file, path,
		    sizeof(path));
	ASSERT_LE(0, ruleset);
	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		if (!bit->abi || bit->abi > abi)
			continue;
		ASSERT_EQ(0, path_rule_err(ruleset, bit->value, dir, 0))
		TH_LOG("%s on a directory", bit->macro);
		ASSERT_EQ(bit->value & file_rights ? 0 : EINVAL,
			  path_rule_err(ruleset, bit->value, file, 0))
		TH_LOG("%s on a file", bit->macro);
	}
}

LL_TEST(add_rule_accepts_the_same_rule_twice)
{
	const uint64_t fs = ll_mask(LL_FS_ACCESS, ll_abi_now());
	int ruleset = full_ruleset(), dir, file;
	char path[256];

	scratch_fds(_metadata, "same_rule", &dir, &file, path, sizeof(path));
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, path_rule_err(ruleset, fs, dir, 0));
	ASSERT_EQ(0, path_rule_err(ruleset, fs, dir, 0));
	if (ll_abi_has(ll_abi_now(), LL_B_NET_TCP)) {
		const uint64_t net = ll_mask(LL_NET_ACCESS, ll_abi_now());

		ASSERT_EQ(0, port_rule_err(ruleset, net, 1, 0));
		ASSERT_EQ(0, port_rule_err(ruleset, net, 1, 0));
	}
}

/*
 * A ruleset is a file descriptor like any other: the lowest free one, 0
 * when stdin is closed, and usable as such (a kernel that took fd 0 for a
 * failure would free the ruleset under its descriptor: mutant 655a9f0533).
 */
LL_TEST(create_ruleset_may_return_fd_0)
{
	int ruleset, dir, file;
	char path[256];

	/* fd 0 is held while the scratch fds are opened, then freed */
	if (fcntl(0, F_GETFD) < 0)
		LL_SETUP(open("/dev/null", O_RDONLY | O_CLOEXEC) ? EBADF : 0);
	scratch_fds(_metadata, "fd_0", &dir, &file, path, sizeof(path));
	LL_SETUP(ll_errno_of(close(0)));
	ruleset = full_ruleset();
	ASSERT_EQ(0, ruleset);
	ASSERT_EQ(0, path_rule_err(ruleset, ll_mask(LL_FS_ACCESS, ll_abi_now()),
				   dir, 0));
	ASSERT_EQ(0, ll_errno_of(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_EQ(0, ll_errno_of(close(ruleset)));
}

LL_TEST(add_rule_net_port_checks_ordering, .needs = LL_B_NET_TCP)
{
	const int abi = ll_abi_now();
	const uint64_t net = ll_mask(LL_NET_ACCESS, abi);
	const uint64_t first = lowest_bit(net);
	const struct ll_bit *bit;
	struct landlock_ruleset_attr fs_only = {
		.handled_access_fs = ll_mask(LL_FS_ACCESS, abi),
	};
	struct landlock_ruleset_attr narrow = { .handled_access_net = first };
	int ruleset = full_ruleset();
	int fs_fd = new_ruleset(&fs_only), narrow_fd = new_ruleset(&narrow);

	ASSERT_LE(0, ruleset);
	ASSERT_LE(0, fs_fd);
	ASSERT_LE(0, narrow_fd);
	ASSERT_EQ(EFAULT,
		  add_rule_err(ruleset, LANDLOCK_RULE_NET_PORT, NULL, 0));
	/* Empty access, before the port. */
	ASSERT_EQ(ENOMSG, port_rule_err(ruleset, 0, UINT64_MAX, 0));
	/* Not handled, before the port (the LTP "overflow" case). */
	ASSERT_EQ(EINVAL, port_rule_err(fs_fd, first, 0, 0));
	ASSERT_EQ(EINVAL, port_rule_err(narrow_fd, net & ~first, 0, 0));
	ASSERT_EQ(EINVAL, port_rule_err(ruleset, lowest_unknown(net), 0, 0));
	/* Port range: 0..65535. */
	ASSERT_EQ(EINVAL, port_rule_err(ruleset, net, UINT16_MAX + 1ULL, 0));
	ASSERT_EQ(EINVAL, port_rule_err(ruleset, net, UINT64_MAX, 0));
	ASSERT_EQ(0, port_rule_err(ruleset, net, 0, 0));
	ASSERT_EQ(0, port_rule_err(ruleset, net, UINT16_MAX, 0));
	ASSERT_EQ(0, port_rule_err(narrow_fd, first, 1, 0));
	for (bit = ll_family_bits(LL_NET_ACCESS); bit->name; bit++) {
		if (!bit->abi || bit->abi > abi)
			continue;
		ASSERT_EQ(0, port_rule_err(ruleset, bit->value, 2, 0))
		TH_LOG("%s alone", bit->macro);
	}
}

LL_TEST(add_rule_rejects_net_port_type_before_abi4, .lacks = LL_B_NET_TCP)
{
	const uint64_t net = ll_mask(LL_NET_ACCESS, LL_ABI_LAST);
	int ruleset = full_ruleset(), dir, file;
	char path[256];

	scratch_fds(_metadata, "net_before_abi4", &dir, &file, path,
		    sizeof(path));
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(EINVAL, port_rule_err(ruleset, lowest_bit(net), 1, 0));
	ASSERT_EQ(0, path_rule_err(ruleset, ll_mask(LL_FS_ACCESS, ll_abi_now()),
				   dir, 0));
}

/* QUIET needs the ruleset's quiet mask for the type; may be empty. */
LL_TEST(add_rule_quiet_flag_needs_a_quiet_mask, .needs = LL_B_QUIET)
{
	const int abi = ll_abi_now();
	const uint64_t fs = ll_mask(LL_FS_ACCESS, abi);
	const uint64_t net = ll_mask(LL_NET_ACCESS, abi);
	struct landlock_ruleset_attr loud = {
		.handled_access_fs = fs,
		.handled_access_net = net,
	};
	struct landlock_ruleset_attr quiet = loud;
	int loud_fd, quiet_fd, dir, file;
	char path[256];

	quiet.quiet_access_fs = fs;
	quiet.quiet_access_net = net;
	scratch_fds(_metadata, "quiet", &dir, &file, path, sizeof(path));
	loud_fd = new_ruleset(&loud);
	quiet_fd = new_ruleset(&quiet);
	ASSERT_LE(0, loud_fd);
	ASSERT_LE(0, quiet_fd);

	/* No quiet mask: EINVAL, before the parent fd, even when empty. */
	ASSERT_EQ(EINVAL,
		  path_rule_err(loud_fd, fs, -1, LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(EINVAL,
		  path_rule_err(loud_fd, 0, dir, LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(EINVAL, port_rule_err(loud_fd, net, UINT64_MAX,
					LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(EINVAL,
		  port_rule_err(loud_fd, 0, 1, LANDLOCK_ADD_RULE_QUIET));
	/* With a quiet mask: accepted, an empty QUIET rule too. */
	ASSERT_EQ(0, path_rule_err(quiet_fd, fs, dir, LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(0, port_rule_err(quiet_fd, net, 1, LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(0, path_rule_err(quiet_fd, 0, dir, LANDLOCK_ADD_RULE_QUIET));
	ASSERT_EQ(0, port_rule_err(quiet_fd, 0, 2, LANDLOCK_ADD_RULE_QUIET));
	/* Without the flag an empty rule stays ENOMSG. */
	ASSERT_EQ(ENOMSG, path_rule_err(quiet_fd, 0, dir, 0));
	ASSERT_EQ(ENOMSG, port_rule_err(quiet_fd, 0, 2, 0));
	/* The parent fd is still checked after the quiet mask. */
	ASSERT_EQ(EBADF,
		  path_rule_err(quiet_fd, fs, -1, LANDLOCK_ADD_RULE_QUIET));
}

/* --- §4: restrict_self ------------------------------------------------- */

static uint32_t restrict_bad_flag(void)
{
	return lowest_unknown(ll_mask(LL_RESTRICT_FLAG, ll_abi_now()));
}

/* ABI 2..10: privileges (EPERM), then flags (EINVAL), then the fd. */
LL_TEST(restrict_self_checks_privileges_before_flags,
	.needs = LL_B_RESTRICT_EPERM_BEFORE_FLAGS)
{
	int ruleset = full_ruleset();

	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	ASSERT_EQ(EPERM, restrict_err(ruleset, restrict_bad_flag()));
	ASSERT_EQ(EPERM, restrict_err(-1, restrict_bad_flag()));
	ASSERT_EQ(EPERM, restrict_err(-1, 0));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EINVAL, restrict_err(-1, restrict_bad_flag()));
	ASSERT_EQ(EINVAL, restrict_err(ruleset, restrict_bad_flag()));
	ASSERT_EQ(EBADF, restrict_err(-1, 0));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

/* ABI 11: flags (EINVAL), then privileges (EPERM), then the fd. */
LL_TEST(restrict_self_checks_flags_before_privileges,
	.needs = LL_B_RESTRICT_FLAGS_BEFORE_EPERM)
{
	int ruleset = full_ruleset();

	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	ASSERT_EQ(EINVAL, restrict_err(ruleset, restrict_bad_flag()));
	ASSERT_EQ(EINVAL, restrict_err(-1, restrict_bad_flag()));
	ASSERT_EQ(EPERM, restrict_err(-1, 0));
	ASSERT_EQ(EPERM, restrict_err(ruleset, 0));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EINVAL, restrict_err(-1, restrict_bad_flag()));
	ASSERT_EQ(EBADF, restrict_err(-1, 0));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

/*
 * ABI 1: the original code checks flags first; the 5.19 reorder was
 * backported to some ABI-1 stable kernels (SPEC §4.1, §12.1).  abi/ has no
 * behaviour for "original restrict_self order": the add_rule reorder came
 * in the same series.
 */
LL_TEST(restrict_self_abi1_checks_flags_and_privileges_in_either_order,
	.lacks = LL_B_CHECK_ORDER_5_19)
{
	int ruleset = full_ruleset(), with_fd, without_fd;

	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	with_fd = restrict_err(ruleset, restrict_bad_flag());
	without_fd = restrict_err(-1, restrict_bad_flag());
	ASSERT_TRUE(with_fd == EINVAL || with_fd == EPERM)
	TH_LOG("unprivileged, bad flags: errno %d", with_fd);
	ASSERT_EQ(with_fd, without_fd);
	ASSERT_EQ(EPERM, restrict_err(-1, 0));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EINVAL, restrict_err(-1, restrict_bad_flag()));
	ASSERT_EQ(EBADF, restrict_err(-1, 0));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

LL_TEST(restrict_self_rejects_bad_ruleset_fds)
{
	int ruleset = full_ruleset(), dir, file, closed, opath;
	char path[256];

	scratch_fds(_metadata, "restrict_fds", &dir, &file, path, sizeof(path));
	ASSERT_LE(0, ruleset);
	opath = open(path, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, opath);
	closed = dup(file);
	ASSERT_EQ(0, close(closed));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EBADF, restrict_err(-1, 0));
	ASSERT_EQ(EBADF, restrict_err(-2, 0));
	ASSERT_EQ(EBADF, restrict_err(closed, 0));
	ASSERT_EQ(EBADF, restrict_err(opath, 0));
	ASSERT_EQ(EBADFD, restrict_err(file, 0));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

LL_TEST(restrict_self_rejects_unknown_flags_and_accepts_known_ones)
{
	const uint32_t known = ll_mask(LL_RESTRICT_FLAG, ll_abi_now());
	int ruleset = full_ruleset();
	uint32_t flag;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_set_nnp());
	for (flag = 1; flag; flag <<= 1) {
		if (flag & known)
			continue;
		ASSERT_EQ(EINVAL, restrict_err(ruleset, flag))
		TH_LOG("flag 0x%x", flag);
	}
	ASSERT_EQ(EINVAL, restrict_err(ruleset, known | restrict_bad_flag()));
	/* Each known flag with a real ruleset adds a layer. */
	for (flag = 1; flag; flag <<= 1) {
		if (!(flag & known))
			continue;
		ASSERT_EQ(0, restrict_err(ruleset, flag))
		TH_LOG("flag 0x%x", flag);
	}
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

/* ABI >= 7: fd -1 only with LOG_SUBDOMAINS_OFF (§4.2). */
LL_TEST(restrict_self_accepts_fd_minus1_only_with_log_subdomains_off,
	.needs = LL_B_LOGGING)
{
	const uint32_t off = LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;
	const uint32_t known = ll_mask(LL_RESTRICT_FLAG, ll_abi_now());
	int dir, file;
	char path[256];
	uint32_t flag;

	scratch_fds(_metadata, "fd_minus1", &dir, &file, path, sizeof(path));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EBADF, restrict_err(-1, 0));
	ASSERT_EQ(EBADF, restrict_err(-2, off));
	ASSERT_EQ(EBADFD, restrict_err(file, off));
	for (flag = 1; flag; flag <<= 1) {
		if (!(flag & known) || flag == off)
			continue;
		ASSERT_EQ(EBADF, restrict_err(-1, flag))
		TH_LOG("fd -1, flag 0x%x", flag);
		if (flag == LANDLOCK_RESTRICT_SELF_TSYNC)
			continue; /* restrict_self_fd_minus1_with_tsync */
		ASSERT_EQ(EBADF, restrict_err(-1, off | flag))
		TH_LOG("fd -1, flags 0x%x", off | flag);
	}
	ASSERT_EQ(0, restrict_err(-1, off));
	ASSERT_EQ(0, restrict_err(-1, off));
}

/*
 * ABI >= 8: TSYNC next to LOG_SUBDOMAINS_OFF with fd -1.  ABI 8-9 builds
 * may predate the stable relaxation (§4.2, §12.2): EBADF or 0.
 */
LL_TEST(restrict_self_fd_minus1_with_tsync, .needs = LL_B_TSYNC)
{
	const uint32_t off = LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;
	const uint32_t tsync = LANDLOCK_RESTRICT_SELF_TSYNC;
	int err;

	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(EBADF, restrict_err(-1, tsync));
	ASSERT_EQ(
		EBADF,
		restrict_err(-1,
			     off | tsync |
				     LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF));
	ASSERT_EQ(EBADF,
		  restrict_err(-1,
			       off | tsync |
				       LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON));
	err = restrict_err(-1, off | tsync);
	if (ll_abi_has(ll_abi_now(),
		       LL_B_LOG_SUBDOMAINS_OFF_WITH_TSYNC_FD_MINUS1)) {
		ASSERT_EQ(0, err);
	} else {
		ASSERT_TRUE(err == 0 || err == EBADF)
		TH_LOG("SUBDOMAINS_OFF|TSYNC with fd -1: errno %d", err);
	}
}

/* ABI 11: NO_NEW_PRIVS waives the privilege check, sets NNP on success. */
LL_TEST(restrict_self_nnp_flag_sets_nnp_only_on_success, .needs = LL_B_NNP_FLAG)
{
	const uint32_t nnp = LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS;
	int ruleset = full_ruleset(), dir, file;
	char path[256];

	scratch_fds(_metadata, "nnp_flag", &dir, &file, path, sizeof(path));
	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	ASSERT_EQ(EPERM, restrict_err(ruleset, 0));
	ASSERT_EQ(EBADF, restrict_err(-1, nnp));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(EBADF, restrict_err(-2, nnp));
	ASSERT_EQ(EBADF,
		  restrict_err(
			  -1, nnp | LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(EBADFD, restrict_err(file, nnp));
	ASSERT_FALSE(ll_nnp_set());
	ASSERT_EQ(0, restrict_err(ruleset, nnp));
	ASSERT_TRUE(ll_nnp_set());
}

/* A NO_NEW_PRIVS call failing on the 17th layer leaves NNP unset. */
LL_TEST(restrict_self_nnp_flag_failing_with_e2big_leaves_nnp_unset,
	.needs = LL_B_NNP_FLAG,
	.root = "CAP_SYS_ADMIN stacks layers without no_new_privs")
{
	int ruleset = full_ruleset(), i;

	ASSERT_LE(0, ruleset);
	if (ll_nnp_set())
		LL_SKIP_ENV(return, "no_new_privs already set by the caller");
	for (i = 0; i < LL_MAX_LAYERS; i++) {
		ASSERT_EQ(0, restrict_err(ruleset, 0));
	}
	ASSERT_EQ(E2BIG,
		  restrict_err(ruleset, LANDLOCK_RESTRICT_SELF_NO_NEW_PRIVS));
	ASSERT_FALSE(ll_nnp_set());
}

/* --- §4.3: no_new_privs and CAP_SYS_ADMIN ------------------------------- */

LL_TEST(restrict_self_without_nnp_or_cap_sys_admin_fails_with_eperm)
{
	int ruleset = full_ruleset();

	ASSERT_LE(0, ruleset);
	LL_BECOME_UNPRIVILEGED();
	ASSERT_EQ(EPERM, restrict_err(ruleset, 0));
	/* Privileges before the fd on every ABI. */
	ASSERT_EQ(EPERM, restrict_err(-1, 0));
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(0, restrict_err(ruleset, 0));
}

LL_TEST(restrict_self_with_cap_sys_admin_needs_no_nnp,
	.root = "CAP_SYS_ADMIN waives no_new_privs")
{
	int ruleset = full_ruleset();

	ASSERT_LE(0, ruleset);
	if (ll_nnp_set())
		LL_SKIP_ENV(return, "no_new_privs already set by the caller");
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_FALSE(ll_nnp_set());
}

/* --- §2.2: the ruleset fd ---------------------------------------------- */

LL_TEST(ruleset_fd_is_a_cloexec_rdwr_anon_inode_named_landlock_ruleset)
{
	const char expected[] = "anon_inode:[landlock-ruleset]";
	char link[64], target[64] = { 0 };
	int ruleset = full_ruleset();

	ASSERT_LE(0, ruleset);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", ruleset);
	ASSERT_EQ((ssize_t)strlen(expected),
		  readlink(link, target, sizeof(target) - 1));
	ASSERT_STREQ(expected, target);
	ASSERT_EQ(FD_CLOEXEC, fcntl(ruleset, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(O_RDWR, fcntl(ruleset, F_GETFL) & O_ACCMODE);
}

LL_TEST(ruleset_fd_read_and_write_fail_with_einval)
{
	int ruleset = full_ruleset();
	char c = 0;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(-1, read(ruleset, &c, 1));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, write(ruleset, &c, 1));
	ASSERT_EQ(EINVAL, errno);
}

/* The receiver (a child that never saw the original fd) uses it fully. */
LL_TEST(ruleset_fd_passed_over_scm_rights_is_usable)
{
	int sv[2], dir, file, status;
	char path[256];
	pid_t pid;

	scratch_fds(_metadata, "scm_rights", &dir, &file, path, sizeof(path));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = ll_recv_fd(sv[1]);

		if (fd < 0)
			_exit(100);
		if (path_rule_err(fd, ll_mask(LL_FS_ACCESS, ll_abi_now()), dir,
				  0))
			_exit(101);
		if (ll_set_nnp() || restrict_err(fd, 0))
			_exit(102);
		/* The domain is the received ruleset: the rule grants. */
		_exit(ll_try_open(path, O_RDONLY | O_DIRECTORY) ? 103 : 0);
	}
	{
		int ruleset = full_ruleset();

		ASSERT_LE(0, ruleset);
		ASSERT_EQ(0, ll_send_fd(sv[0], ruleset));
		ASSERT_EQ(0, close(ruleset));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* --- §4.4: layers -------------------------------------------------------- */

LL_TEST(restrict_self_17th_layer_fails_with_e2big, .needs = LL_B_LAYER_LIMIT_16)
{
	int ruleset = full_ruleset(), i;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_set_nnp());
	for (i = 0; i < LL_MAX_LAYERS; i++) {
		ASSERT_EQ(0, restrict_err(ruleset, 0))
		TH_LOG("layer %d", i + 1);
	}
	ASSERT_EQ(E2BIG, restrict_err(ruleset, 0));
	ASSERT_EQ(E2BIG, restrict_err(ruleset, 0));
}

/* The fd -1 "mute" call adds no layer: it works on a full stack. */
LL_TEST(restrict_self_mute_call_adds_no_layer, .needs = LL_B_LOGGING)
{
	int ruleset = full_ruleset(), i;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_set_nnp());
	for (i = 0; i < LL_MAX_LAYERS - 1; i++) {
		ASSERT_EQ(0, restrict_err(ruleset, 0));
	}
	ASSERT_EQ(0,
		  restrict_err(-1, LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF));
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_EQ(0,
		  restrict_err(-1, LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF));
	ASSERT_EQ(E2BIG, restrict_err(ruleset, 0));
}

/* Original ABI-1 kernels allow 64 layers, patched ones 16 (§1.5). */
LL_TEST(restrict_self_abi1_layer_limit_is_16_or_64,
	.lacks = LL_B_LAYER_LIMIT_16)
{
	int ruleset = full_ruleset(), layers = 0, err = 0;

	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, ll_set_nnp());
	while (layers <= LL_MAX_LAYERS_ABI1_ORIGINAL) {
		err = restrict_err(ruleset, 0);
		if (err)
			break;
		layers++;
	}
	ASSERT_EQ(E2BIG, err);
	ASSERT_TRUE(layers == LL_MAX_LAYERS ||
		    layers == LL_MAX_LAYERS_ABI1_ORIGINAL)
	TH_LOG("%d layers accepted", layers);
}

/* --- §2.2: a domain is a copy ------------------------------------------- */

/*
 * The test process and a child forked beforehand both enforce the same
 * ruleset; a rule added after the parent's restrict_self reaches only the
 * child's later domain.
 */
LL_TEST(rules_added_after_restrict_self_do_not_change_the_domain)
{
	const uint64_t read_file = LANDLOCK_ACCESS_FS_READ_FILE;
	struct landlock_ruleset_attr attr = { .handled_access_fs = read_file };
	int ruleset, dir, file, go[2], status;
	char path[256], fpath[512];
	pid_t pid;

	scratch_fds(_metadata, "domain_copy", &dir, &file, path, sizeof(path));
	ll_path(fpath, sizeof(fpath), path, "f");
	ruleset = new_ruleset(&attr);
	ASSERT_LE(0, ruleset);
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char c;

		if (read(go[0], &c, 1) != 1)
			_exit(100);
		if (ll_set_nnp() || restrict_err(ruleset, 0))
			_exit(101);
		_exit(ll_try_open(fpath, O_RDONLY));
	}
	ASSERT_EQ(0, ll_set_nnp());
	ASSERT_EQ(0, restrict_err(ruleset, 0));
	ASSERT_EQ(EACCES, ll_try_open(fpath, O_RDONLY));
	ASSERT_EQ(0, path_rule_err(ruleset, read_file, dir, 0));
	ASSERT_EQ(EACCES, ll_try_open(fpath, O_RDONLY));
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* --- §2.1 step 1: Landlock absent or disabled -------------------------- */

LL_TEST(syscalls_fail_with_enosys_or_eopnotsupp_when_landlock_is_off,
	.landlock_off = true)
{
	const int expected =
		ll_kernel.status == LL_ABSENT ? ENOSYS : EOPNOTSUPP;
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};

	ASSERT_TRUE(ll_kernel.status == LL_ABSENT ||
		    ll_kernel.status == LL_DISABLED)
	TH_LOG("probe failed with errno %d", ll_kernel.error);
	ASSERT_EQ(expected,
		  create_err(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION));
	ASSERT_EQ(expected,
		  create_err(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA));
	ASSERT_EQ(expected, create_err(&attr, sizeof(attr), 0));
	/* Bad arguments of every kind: still the same errno first. */
	ASSERT_EQ(expected, create_err(NULL, 0, 0));
	ASSERT_EQ(expected, create_err(&attr, 1, UINT32_MAX));
	ASSERT_EQ(expected, add_rule_err(-1, 0, NULL, UINT32_MAX));
	ASSERT_EQ(expected,
		  add_rule_err(-1, LANDLOCK_RULE_PATH_BENEATH, NULL, 0));
	ASSERT_EQ(expected, restrict_err(-1, UINT32_MAX));
	ASSERT_EQ(expected, restrict_err(-1, 0));
}

LL_MAIN()
