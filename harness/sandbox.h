/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers that keep tests short: rulesets from a compact description,
 * scratch trees, sandboxed children, privilege dropping.  None of them
 * asserts: each returns 0 or an errno so that the test asserting on the
 * result blames its own line (the fs_test.c test_open() habit).
 */
#ifndef LLCONFORM_SANDBOX_H
#define LLCONFORM_SANDBOX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "abi.h"

/* What the running kernel reported, probed once by the program's main(). */
extern struct ll_probe ll_kernel;

/* The ABI whose tables describe the running kernel (newer: the last). */
static inline int ll_abi_now(void)
{
	return ll_abi_effective(ll_kernel.abi);
}

struct ll_path_rule {
	const char *path; /* NULL ends a list */
	uint64_t access;
	uint32_t flags;
};

struct ll_port_rule {
	uint64_t port;
	uint64_t access; /* 0 ends a list */
	uint32_t flags;
};

/* A ruleset in one literal: handled sets and the rules that grant. */
struct ll_ruleset_desc {
	uint64_t handled_fs;
	uint64_t handled_net;
	uint64_t scoped;
	const struct ll_path_rule *paths;
	const struct ll_port_rule *ports;
};

/* Literal rule lists: RULES(RULE(path, access), ...) */
#define RULE(p, a)                         \
	{                                  \
		.path = (p), .access = (a) \
	}
#define RULES(...) \
	((const struct ll_path_rule[]){ __VA_ARGS__, { .path = NULL } })
#define NO_RULES RULES({ .path = NULL })

/*
 * Creates the ruleset (attr size of the running ABI) and adds every rule.
 * Returns the fd, or -errno of the first failing call.
 */
int ll_ruleset_build(const struct ll_ruleset_desc *desc);
/* Sets no_new_privs, builds and enforces `desc` on the calling thread. */
int ll_enforce(const struct ll_ruleset_desc *desc);
/* ll_enforce() of FS rights and path rules only. */
int ll_enforce_fs(uint64_t handled_fs, const struct ll_path_rule *rules);

/*
 * Runs fn(arg) in a forked child after enforcing `desc` (NULL: no
 * sandbox) and returns what fn returned (an errno, 0 for success).
 * Returns -1 when the child died or its sandbox could not be enforced:
 * the test cannot tell anything then.
 */
int ll_run_child(const struct ll_ruleset_desc *desc, int (*fn)(void *arg),
		 void *arg);

/*
 * Forks fn(arg) (the child exits 0 when fn returns) and waits for it.
 * Returns the child's pid, its wait status in *status, or -1 when the
 * fork or the wait failed.
 */
pid_t ll_fork_wait(void (*fn)(void *arg), void *arg, int *status);
/*
 * Blocks until a byte (or the end) comes on `fd`: a thread or process held
 * until its test says go.  Signals do not end the wait.
 */
void ll_wait_go(int fd);

/* Drops every capability of the calling thread (root becomes ordinary). */
int ll_drop_caps(void);
/* Keeps `cap` alone, effective and permitted (0 or the errno). */
int ll_keep_only_cap(int cap);
/* True when the process has CAP_SYS_ADMIN in its user namespace. */
bool ll_has_cap(int cap);

/* Syscall helpers returning 0 or the errno, closing what they open. */
int ll_try_open(const char *path, int flags);
int ll_try_openat(int dirfd, const char *path, int flags);
int ll_errno_of(int ret); /* ret < 0 ? errno : 0 */

/*
 * True in a guest booted by llconform (guest_init.c sets LLCONFORM_GUEST):
 * what a test leaves in the guest's memory goes with it at power-off, so
 * cleanup whose only purpose is to leave nothing behind can be skipped.
 */
bool ll_in_guest(void);

/*
 * Scratch space: ll_scratch_init() makes one private directory for the
 * whole program (removed at exit by the process that made it);
 * ll_scratch_dir() makes a fresh directory under it for one test.
 */
int ll_scratch_init(const char *program);
int ll_scratch_dir(const char *test_name, char *out, size_t size);
/*
 * Creates entries under `root`: "a/" a directory, "a/f" a regular file
 * holding its own name, "a/l->target" a symlink.  NULL ends the list.
 */
int ll_make_tree(const char *root, const char *const entries[]);
/*
 * Re-executing this program with LL_EXIT0_ARG as its only argument exits 0
 * at once (a constructor, before the harness runs).  ll_copy_self() copies
 * the executable to `dst`, for a test whose copy runs this program's own
 * code; an executable that only has to exit is ll_fs_make_exec()'s.
 */
#define LL_EXIT0_ARG "--llconform-exit-0"
int ll_copy_self(const char *dst);
/* File type at `path` (S_IFREG...), 0 when absent. */
mode_t ll_type_of(const char *path);

/* Joins root and rel into out; returns out. */
const char *ll_path(char *out, size_t size, const char *root, const char *rel);

#endif /* LLCONFORM_SANDBOX_H */
