// SPDX-License-Identifier: GPL-2.0
/*
 * layers: how stacked domains combine (abi/SPEC.md §1.5, §4.4, §5.1,
 * §5.7): every layer that handles a right must grant it, a layer never
 * restricts what it does not handle, domains nest across fork and execve,
 * ptrace only reaches nested domains, the layer limit holds whatever the
 * layers handle, and keyctl's session-to-parent keeps the domain.
 *
 * Every mask comes from abi/ and the probed ABI.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "procfs.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_LANDLOCK);

/*
 * Each test makes a fresh scratch directory T:
 *
 *	T/
 *	├── a/f		rule targets: a/ and b/ get rules, c/ gets both
 *	├── b/f
 *	├── c/f
 *	├── d/		empty directory (readdir target)
 *	└── bin/	a copy of this program (execve tests only)
 */
static int make_layout(void)
{
	static const char *const tree[] = {
		"a/", "a/f", "b/", "b/f", "c/", "c/f", "d/", NULL,
	};
	return ll_tree_make("t", tree);
}

#define LAYOUT() LL_SETUP(make_layout())

static int read_err(const char *path)
{
	return ll_try_open(path, O_RDONLY);
}

static int op_read(void *path)
{
	return read_err(path);
}

static int write_err(const char *path)
{
	return ll_try_open(path, O_WRONLY);
}

static int readdir_err(const char *path)
{
	return ll_try_open(path, O_RDONLY | O_DIRECTORY);
}

/* ------------------------------------------------------------------------
 * §5.1: across layers, every layer handling a right must grant it.  Two
 * layers handling READ_FILE; each variant says which one has a rule on a/.
 */
FIXTURE(two_layers){};

FIXTURE_VARIANT(two_layers)
{
	bool first_grants, second_grants;
};

FIXTURE_VARIANT_ADD(two_layers, both_grant){
	.first_grants = true,
	.second_grants = true,
};

FIXTURE_VARIANT_ADD(two_layers, first_grants_second_denies){
	.first_grants = true,
};

FIXTURE_VARIANT_ADD(two_layers, first_denies_second_grants){
	.second_grants = true,
};

FIXTURE_VARIANT_ADD(two_layers, both_deny){};

FIXTURE_SETUP(two_layers)
{
	LAYOUT();
}

FIXTURE_TEARDOWN(two_layers)
{
}

/* Each layer grants READ_FILE on c/; on a/ only if the variant says so. */
static int read_layer(bool grants_a)
{
	return grants_a
		       ? ll_enforce_fs(R_READ, RULES(RULE(ll_at("a"), R_READ),
						     RULE(ll_at("c"), R_READ)))
		       : ll_enforce_fs(R_READ, RULES(RULE(ll_at("c"), R_READ)));
}

LL_TEST_F(two_layers, read_is_allowed_only_if_every_layer_grants)
{
	const bool allowed = variant->first_grants && variant->second_grants;

	ASSERT_EQ(0, read_layer(variant->first_grants));
	ASSERT_EQ(variant->first_grants ? 0 : EACCES, read_err(ll_at("a/f")));
	ASSERT_EQ(0, read_layer(variant->second_grants));
	ASSERT_EQ(allowed ? 0 : EACCES, read_err(ll_at("a/f")));
	/* Granted by both everywhere: c/; by none: b/. */
	ASSERT_EQ(0, read_err(ll_at("c/f")));
	ASSERT_EQ(EACCES, read_err(ll_at("b/f")));
	/* Unhandled by both layers: writing stays allowed. */
	ASSERT_EQ(0, write_err(ll_at("b/f")));
}

/* A third layer granting everything cannot give back what one denied. */
LL_TEST_F(two_layers, a_later_layer_cannot_restore_access)
{
	const bool allowed = variant->first_grants && variant->second_grants;

	ASSERT_EQ(0, read_layer(variant->first_grants));
	ASSERT_EQ(0, read_layer(variant->second_grants));
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_root, ll_all_fs()))));
	ASSERT_EQ(allowed ? 0 : EACCES, read_err(ll_at("a/f")));
	ASSERT_EQ(EACCES, read_err(ll_at("b/f")));
	ASSERT_EQ(0, read_err(ll_at("c/f")));
}

/* ------------------------------------------------------------------------
 * Layers with different handled sets: each restricts only what it handles.
 */
FIXTURE(layout){};

FIXTURE_SETUP(layout)
{
	LAYOUT();
}

FIXTURE_TEARDOWN(layout)
{
}

/*
 * Layer 1 handles READ_FILE (rule on a/), layer 2 WRITE_FILE (rule on b/):
 * reads follow layer 1 alone, writes layer 2 alone, O_RDWR both.
 */
LL_TEST_F(layout, disjoint_handled_sets_restrict_independently)
{
	ASSERT_EQ(0, ll_enforce_fs(R_READ, RULES(RULE(ll_at("a"), R_READ),
						 RULE(ll_at("c"), R_READ))));
	ASSERT_EQ(0, ll_enforce_fs(R_WRITE, RULES(RULE(ll_at("b"), R_WRITE),
						  RULE(ll_at("c"), R_WRITE))));
	ASSERT_EQ(0, read_err(ll_at("a/f")));
	ASSERT_EQ(EACCES, read_err(ll_at("b/f")));
	ASSERT_EQ(0, write_err(ll_at("b/f")));
	ASSERT_EQ(EACCES, write_err(ll_at("a/f")));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("a/f"), O_RDWR));
	ASSERT_EQ(EACCES, ll_try_open(ll_at("b/f"), O_RDWR));
	ASSERT_EQ(0, ll_try_open(ll_at("c/f"), O_RDWR));
	/* Handled by neither layer. */
	ASSERT_EQ(0, readdir_err(ll_at("d")));
	ASSERT_EQ(0, ll_errno_of(mkdir(ll_at("d/new"), 0700)));
}

/*
 * A first layer granting every right everywhere, a second handling only
 * READ_DIR with no rule: only directory listing is lost.
 */
LL_TEST_F(layout, layer_handling_one_right_restricts_only_that_right)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_root, ll_all_fs()))));
	ASSERT_EQ(0, readdir_err(ll_at("d")));
	ASSERT_EQ(0, ll_enforce_fs(R_READ_DIR, NO_RULES));
	ASSERT_EQ(EACCES, readdir_err(ll_at("d")));
	ASSERT_EQ(EACCES, readdir_err(ll_root));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDWR));
	ASSERT_EQ(0, ll_errno_of(mkdir(ll_at("d/new"), 0700)));
	ASSERT_EQ(0, ll_errno_of(unlink(ll_at("b/f"))));
}

/*
 * The reverse order: a narrow first layer, then one handling every right
 * and granting all of them on T: the narrow layer still decides READ_DIR,
 * the wide one decides everything outside T.
 */
LL_TEST_F(layout, wide_layer_over_narrow_one_keeps_both_restrictions)
{
	ASSERT_EQ(0, ll_enforce_fs(R_READ_DIR,
				   RULES(RULE(ll_at("d"), R_READ_DIR))));
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_root, ll_all_fs()))));
	ASSERT_EQ(0, readdir_err(ll_at("d")));
	ASSERT_EQ(EACCES, readdir_err(ll_at("a")));
	ASSERT_EQ(0, ll_try_open(ll_at("a/f"), O_RDWR));
	/* Outside T only the wide layer's (absent) rules count. */
	ASSERT_EQ(EACCES, read_err("/proc/self/exe"));
}

/* ------------------------------------------------------------------------
 * §5.1: domains follow fork and survive execve; a child's extra layer never
 * reaches its parent.
 */
static int child_add_layer_then_read(void *arg)
{
	const char *path = arg;
	int before = read_err(path);

	if (before)
		return 100 + before % 100;
	if (ll_enforce_fs(R_READ, RULES(RULE(ll_at("a"), R_READ))))
		return 255;
	return read_err(path);
}

LL_TEST_F(layout, child_layer_stacks_on_inherited_domain_not_on_parent)
{
	ASSERT_EQ(0, ll_enforce_fs(R_READ, RULES(RULE(ll_at("a"), R_READ),
						 RULE(ll_at("b"), R_READ))));
	/* The child inherits layer 1: c/ is denied before its own layer. */
	ASSERT_EQ(EACCES, ll_run_child(NULL, op_read, (void *)ll_at("c/f")));
	ASSERT_EQ(0, ll_run_child(NULL, child_add_layer_then_read,
				  (void *)ll_at("a/f")));
	ASSERT_EQ(EACCES, ll_run_child(NULL, child_add_layer_then_read,
				       (void *)ll_at("b/f")));
	/* The parent keeps exactly layer 1. */
	ASSERT_EQ(0, read_err(ll_at("b/f")));
	ASSERT_EQ(0, read_err(ll_at("a/f")));
	ASSERT_EQ(EACCES, read_err(ll_at("c/f")));
}

/*
 * Re-executing this program with PROBE_ARG PATH [DIR] makes it (in a
 * constructor, before the harness) optionally add a layer handling
 * READ_FILE with a rule on DIR, then open PATH for reading, and exit with
 * the errno (0 on success, 255 when the layer could not be added).
 */
#define PROBE_ARG "--llconform-layers-probe"

static void __attribute__((constructor)) probe_hook(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || strcmp(argv[1], PROBE_ARG))
		return;
	if (argc == 4) {
		ll_kernel = ll_probe_kernel();
		if (ll_enforce_fs(R_READ, RULES(RULE(argv[3], R_READ))))
			_exit(255);
	}
	_exit(read_err(argv[2]));
}

static void exec_argv(void *argv)
{
	char *const *args = argv;

	execve(args[0], args, environ);
	_exit(254);
}

/* execve(T/bin/self, PROBE_ARG, path[, dir]) in a child: its exit code. */
static int exec_probe(const char *path, const char *dir)
{
	const char *bin = ll_at("bin/self");
	char *const argv[] = { (char *)bin, PROBE_ARG, (char *)path,
			       (char *)dir, NULL };
	int status;

	if (ll_fork_wait(exec_argv, (void *)argv, &status) < 0 ||
	    !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void setup_exec(struct __test_metadata *_metadata)
{
	LL_SETUP(ll_errno_of(mkdir(ll_at("bin"), 0700)));
	LL_SETUP(ll_copy_self(ll_at("bin/self")));
	/* The probe works unsandboxed. */
	if (exec_probe(ll_at("c/f"), NULL) != 0)
		LL_BROKEN("cannot execute a copy of this program in %.200s",
			  ll_root);
}

/* The rights execve of T/bin/self needs. */
#define EXEC_RULE() RULE(ll_at("bin"), R_EXECUTE | R_READ)

LL_TEST_F(layout, domain_survives_execve)
{
	setup_exec(_metadata);
	ASSERT_EQ(0,
		  ll_enforce_fs(R_EXECUTE | R_READ,
				RULES(EXEC_RULE(), RULE(ll_at("a"), R_READ))));
	ASSERT_EQ(0, exec_probe(ll_at("a/f"), NULL));
	ASSERT_EQ(EACCES, exec_probe(ll_at("b/f"), NULL));
	/* Unhandled: writing is not restricted here nor after execve. */
	ASSERT_EQ(0, write_err(ll_at("b/f")));
}

LL_TEST_F(layout, layer_added_after_execve_stacks_on_inherited_domain)
{
	setup_exec(_metadata);
	ASSERT_EQ(0, ll_enforce_fs(R_EXECUTE | R_READ,
				   RULES(EXEC_RULE(), RULE(ll_at("a"), R_READ),
					 RULE(ll_at("b"), R_READ))));
	/* The exec'd program adds "READ_FILE only under a/". */
	ASSERT_EQ(0, exec_probe(ll_at("a/f"), ll_at("a")));
	ASSERT_EQ(EACCES, exec_probe(ll_at("b/f"), ll_at("a")));
	/* Its own rule cannot widen the inherited layer. */
	ASSERT_EQ(EACCES, exec_probe(ll_at("c/f"), ll_at("c")));
	/* Nothing of it reached this process. */
	ASSERT_EQ(0, read_err(ll_at("b/f")));
}

/* ------------------------------------------------------------------------
 * §5.7: ptrace.  A tracer with a domain reaches only tracees in the same or
 * a nested domain: PTRACE_ATTACH and PTRACE_TRACEME → EPERM,
 * /proc/PID/environ → EACCES.  Yama may refuse first: tests skip when its
 * ptrace_scope would decide (a tracee calls PR_SET_PTRACER_ANY so that
 * scope 1 lets Landlock decide).
 */
/* Yama's scope 2 needs CAP_SYS_PTRACE for any attach, 3 forbids all. */
#define SKIP_IF_YAMA_DECIDES(max_scope)                                        \
	do {                                                                   \
		int _scope = ll_yama_ptrace_scope();                           \
		if (_scope > (max_scope))                                      \
			LL_SKIP_ENV(return,                                    \
					  "Yama ptrace_scope=%d would refuse " \
					  "before "                            \
					  "Landlock",                          \
					  _scope);                             \
	} while (0)

/* A process that waits until told to exit, its domain ready first. */
struct waiter {
	pid_t pid;
	int go; /* write end: closing it makes the waiter exit */
};

/* A layer that restricts nothing the tests use: ptrace only. */
static int ptrace_only_layer(void)
{
	return ll_enforce_fs(R_MAKE_FIFO, NO_RULES);
}

static int start_waiter(struct waiter *w, bool restricted)
{
	int go[2], ready[2];
	char c = 0;

	if (pipe2(go, O_CLOEXEC) || pipe2(ready, O_CLOEXEC))
		return errno;
	fflush(NULL);
	w->pid = fork();
	if (w->pid < 0)
		return errno;
	if (w->pid == 0) {
		close(go[1]);
		close(ready[0]);
		prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
		c = restricted && ptrace_only_layer() ? 'E' : 'R';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		ll_wait_go(go[0]);
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	w->go = go[1];
	if (read(ready[0], &c, 1) != 1)
		c = 0;
	close(ready[0]);
	return c == 'R' ? 0 : ECHILD;
}

static void stop_waiter(struct waiter *w)
{
	close(w->go);
	kill(w->pid, SIGKILL);
	waitpid(w->pid, NULL, 0);
}

/* PTRACE_ATTACH: 0 (then detached) or the errno. */
static int attach_err(pid_t pid)
{
	int status;

	if (ptrace(PTRACE_ATTACH, pid, NULL, 0))
		return errno;
	waitpid(pid, &status, __WALL);
	ptrace(PTRACE_DETACH, pid, NULL, 0);
	return 0;
}

static int environ_err(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	return read_err(path);
}

static int op_attach(void *pid)
{
	return attach_err(*(pid_t *)pid);
}

/* A restricted child probing an unrestricted sibling. */
static int probe_sibling(void *arg)
{
	const pid_t *pid = arg;
	int err = attach_err(*pid);

	return err ?: 100 + environ_err(*pid) % 100;
}

/* PTRACE_ATTACH from a child in a domain, with `cap` alone (-1: as is). */
static void attach_across_domains(struct __test_metadata *_metadata, int cap)
{
	struct waiter w;

	if (cap >= 0)
		LL_SETUP(ll_keep_only_cap(cap));
	LL_SETUP(start_waiter(&w, false));
	ASSERT_EQ(0, ll_run_child(NULL, op_attach, &w.pid))
	{
		stop_waiter(&w);
	}
	{
		const int err = ll_run_child(
			&(struct ll_ruleset_desc){ .handled_fs = R_MAKE_FIFO },
			op_attach, &w.pid);

		stop_waiter(&w);
		ASSERT_EQ(EPERM, err);
	}
}

LL_TEST_F(layout, ptrace_attach_to_a_less_restricted_process_fails_with_eperm)
{
	SKIP_IF_YAMA_DECIDES(1);
	attach_across_domains(_metadata, -1);
}

/* Landlock's hook runs after commoncap's CAP_SYS_PTRACE check passed. */
LL_TEST_F(
	layout,
	ptrace_attach_to_a_less_restricted_process_fails_despite_cap_sys_ptrace,
	.root = "keeps CAP_SYS_PTRACE alone")
{
	SKIP_IF_YAMA_DECIDES(2);
	attach_across_domains(_metadata, CAP_SYS_PTRACE);
}

static int environ_of(void *arg)
{
	return environ_err(*(pid_t *)arg);
}

/*
 * /proc/PID/environ of an unsandboxed process, read from a sibling in a
 * domain, with the capability `cap` alone (-1: none).  Landlock's
 * ptrace_access_check hook denies by domain only, whatever the caller's
 * capabilities (SPEC §5.7): __ptrace_may_access() calls the LSM hooks
 * after its own uid and CAP_SYS_PTRACE checks, so CAP_SYS_PTRACE only
 * gets the caller past commoncap.  The waiter has the same capabilities,
 * so that commoncap allows the unsandboxed control.
 */
static void environ_across_domains(struct __test_metadata *_metadata, int cap)
{
	struct waiter w;
	int unrestricted, restricted, own;

	LL_SETUP(cap < 0 ? ll_drop_caps() : ll_keep_only_cap(cap));
	LL_SETUP(start_waiter(&w, false));
	unrestricted = ll_run_child(NULL, environ_of, &w.pid);
	restricted = ll_run_child(
		&(struct ll_ruleset_desc){ .handled_fs = R_MAKE_FIFO },
		environ_of, &w.pid);
	stop_waiter(&w);
	ASSERT_EQ(0, unrestricted);
	ASSERT_EQ(EACCES, restricted);
	/* Its own environ stays readable under the domain. */
	ASSERT_EQ(0, ptrace_only_layer());
	own = environ_err(getpid());
	ASSERT_EQ(0, own);
}

LL_TEST_F(layout, proc_environ_of_a_less_restricted_process_fails_with_eacces)
{
	environ_across_domains(_metadata, -1);
}

LL_TEST_F(
	layout,
	proc_environ_of_a_less_restricted_process_fails_despite_cap_sys_ptrace,
	.root = "keeps CAP_SYS_PTRACE alone")
{
	environ_across_domains(_metadata, CAP_SYS_PTRACE);
}

/*
 * The same with CAP_SYS_ADMIN or CAP_PERFMON alone: still denied as
 * Landlock documents it.  Kernels whose mm_access() lets perfmon_capable()
 * callers read another mm before asking ptrace_may_access() (and so any
 * LSM) deviate: findings.toml `mm-access-perfmon-bypass`.
 */
LL_TEST_F(layout,
	  proc_environ_of_a_less_restricted_process_fails_despite_cap_sys_admin,
	  .root = "keeps CAP_SYS_ADMIN alone")
{
	environ_across_domains(_metadata, CAP_SYS_ADMIN);
}

LL_TEST_F(layout,
	  proc_environ_of_a_less_restricted_process_fails_despite_cap_perfmon,
	  .root = "keeps CAP_PERFMON alone")
{
	environ_across_domains(_metadata, CAP_PERFMON);
}

LL_TEST_F(layout, ptrace_attach_from_unrestricted_parent_is_allowed)
{
	struct waiter w;
	int attach, environ;

	SKIP_IF_YAMA_DECIDES(2);
	/* The waiter's own layer is enforced in it: an assertion. */
	LL_ASSERT_OK(start_waiter(&w, true));
	attach = attach_err(w.pid);
	environ = environ_err(w.pid);
	stop_waiter(&w);
	ASSERT_EQ(0, attach);
	ASSERT_EQ(0, environ);
}

/*
 * Same domain and nested domain: allowed.  The test process restricts
 * itself, then starts a waiter in the same domain and one with an extra
 * layer; from the nested one back up: denied.
 */
LL_TEST_F(layout, ptrace_reaches_same_and_nested_domains_only)
{
	struct waiter same, nested;
	int to_same, to_nested, env_nested, from_nested;

	SKIP_IF_YAMA_DECIDES(1);
	ASSERT_EQ(0, ptrace_only_layer());
	/* In the domain: pipes, forks and the nested layer are assertions. */
	LL_ASSERT_OK(start_waiter(&same, false));
	LL_ASSERT_OK(start_waiter(&nested, true));
	to_same = attach_err(same.pid);
	to_nested = attach_err(nested.pid);
	env_nested = environ_err(nested.pid);
	/* A child with yet another layer probing `same` (one level up). */
	from_nested = ll_run_child(
		&(struct ll_ruleset_desc){ .handled_fs = R_MAKE_FIFO },
		probe_sibling, &same.pid);
	stop_waiter(&same);
	stop_waiter(&nested);
	ASSERT_EQ(0, to_same);
	ASSERT_EQ(0, to_nested);
	ASSERT_EQ(0, env_nested);
	ASSERT_EQ(EPERM, from_nested);
}

/*
 * PTRACE_TRACEME: the child asks to be traced by its parent; refused when
 * the parent's domain is not the child's or an ancestor of it.
 */
static int traceme_after_go(int go_read)
{
	char c;

	if (read(go_read, &c, 1) != 1)
		return 254;
	if (c == 'R' && ptrace_only_layer())
		return 255;
	return ptrace(PTRACE_TRACEME, 0, NULL, 0) ? errno : 0;
}

/* `parent_layer`: the parent restricts itself after the fork. */
static int traceme_result(bool parent_layer, bool child_layer)
{
	int go[2], status;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(go[1]);
		_exit(traceme_after_go(go[0]));
	}
	close(go[0]);
	if (parent_layer && ptrace_only_layer())
		kill(pid, SIGKILL);
	if (write(go[1], child_layer ? "R" : "N", 1) != 1)
		kill(pid, SIGKILL);
	close(go[1]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

LL_TEST_F(layout, ptrace_traceme_allowed_under_unrestricted_parent)
{
	SKIP_IF_YAMA_DECIDES(2);
	ASSERT_EQ(0, traceme_result(false, true));
	ASSERT_EQ(0, traceme_result(false, false));
}

LL_TEST_F(layout, ptrace_traceme_under_more_restricted_parent_fails_with_eperm)
{
	SKIP_IF_YAMA_DECIDES(2);
	/* The parent gets a layer after forking: the child is outside it. */
	ASSERT_EQ(EPERM, traceme_result(true, false));
}

/* ------------------------------------------------------------------------
 * §1.5, §4.4: the layer limit counts layers, whatever they handle.
 */

/* Rulesets of the running ABI handling one family each (fd or -1). */
struct family_rulesets {
	int fs, net, scope;
};

static void open_family_rulesets(struct family_rulesets *r)
{
	const int abi = ll_abi_now();

	r->fs = ll_ruleset_build(&(struct ll_ruleset_desc){
		.handled_fs = R_MAKE_FIFO,
	});
	r->net = r->scope = -1;
	if (ll_abi_has(abi, LL_B_NET_TCP))
		r->net = ll_ruleset_build(&(struct ll_ruleset_desc){
			.handled_net = ll_mask(LL_NET_ACCESS, abi),
		});
	if (ll_abi_has(abi, LL_B_SCOPE))
		r->scope = ll_ruleset_build(&(struct ll_ruleset_desc){
			.scoped = ll_mask(LL_SCOPE, abi),
		});
}

/*
 * Layer i handles the i-th FS right of the running ABI other than
 * READ_FILE (cycling), every third one the net or scope family too where
 * the ABI has it, so no two neighbours handle the same set.
 */
static int varied_layer(int i)
{
	const int abi = ll_abi_now();
	const uint64_t rights = ll_all_fs() & ~R_READ;
	struct ll_ruleset_desc desc = { 0 };
	const struct ll_bit *bit;
	int n = 0, count = __builtin_popcountll(rights);

	for (bit = ll_family_bits(LL_FS_ACCESS); bit->name; bit++) {
		if (!(bit->value & rights))
			continue;
		if (n++ == i % count)
			desc.handled_fs = bit->value;
	}
	if (i % 3 == 1 && ll_abi_has(abi, LL_B_NET_TCP))
		desc.handled_net = ll_mask(LL_NET_ACCESS, abi);
	if (i % 3 == 2 && ll_abi_has(abi, LL_B_SCOPE))
		desc.scoped = ll_mask(LL_SCOPE, abi);
	return ll_enforce(&desc);
}

/* The extra layer fails with E2BIG for each family. */
static void assert_full_stack(struct __test_metadata *_metadata,
			      const struct family_rulesets *r)
{
	ASSERT_EQ(-1, ll_restrict_self(r->fs, 0));
	ASSERT_EQ(E2BIG, errno);
	if (r->net >= 0) {
		ASSERT_EQ(-1, ll_restrict_self(r->net, 0));
		ASSERT_EQ(E2BIG, errno);
	}
	if (r->scope >= 0) {
		ASSERT_EQ(-1, ll_restrict_self(r->scope, 0));
		ASSERT_EQ(E2BIG, errno);
	}
}

LL_TEST_F(layout, seventeenth_layer_fails_with_e2big_whatever_it_handles,
	  .needs = LL_B_LAYER_LIMIT_16)
{
	struct family_rulesets r;
	int i;

	open_family_rulesets(&r);
	ASSERT_LE(0, r.fs);
	for (i = 0; i < LL_MAX_LAYERS; i++) {
		ASSERT_EQ(0, varied_layer(i))
		TH_LOG("layer %d", i + 1);
	}
	assert_full_stack(_metadata, &r);
	/* The 16 layers are all in force: each handled right is denied. */
	ASSERT_EQ(EACCES, write_err(ll_at("a/f")));
	ASSERT_EQ(EACCES, readdir_err(ll_at("d")));
	/* READ_FILE, handled by none, is not. */
	ASSERT_EQ(0, read_err(ll_at("a/f")));
}

/* ABI 1: 16 (patched) or 64 (original) layers, whatever they handle. */
LL_TEST_F(layout, abi1_layer_limit_is_16_or_64_whatever_the_layers_handle,
	  .lacks = LL_B_LAYER_LIMIT_16)
{
	struct family_rulesets r;
	int layers = 0, err = 0;

	open_family_rulesets(&r);
	ASSERT_LE(0, r.fs);
	while (layers <= LL_MAX_LAYERS_ABI1_ORIGINAL) {
		err = varied_layer(layers);
		if (err)
			break;
		layers++;
	}
	ASSERT_EQ(E2BIG, err);
	ASSERT_TRUE(layers == LL_MAX_LAYERS ||
		    layers == LL_MAX_LAYERS_ABI1_ORIGINAL)
	TH_LOG("%d layers accepted", layers);
	assert_full_stack(_metadata, &r);
	ASSERT_EQ(EACCES, write_err(ll_at("a/f")));
	ASSERT_EQ(0, read_err(ll_at("a/f")));
}

/* ------------------------------------------------------------------------
 * §5.1: KEYCTL_SESSION_TO_PARENT replaces the parent's credentials through
 * cred_transfer; the parent keeps its own domain (LTP landlock07,
 * CVE-2024-42318), and gets none of the child's extra layer.
 */
#define LL_KEYCTL_GET_KEYRING_ID 0
#define LL_KEYCTL_JOIN_SESSION_KEYRING 1
#define LL_KEYCTL_SESSION_TO_PARENT 18
#define LL_KEY_SPEC_SESSION_KEYRING -3

static long keyctl(int op, long a, long b)
{
	return syscall(SYS_keyctl, op, a, b, 0, 0);
}

static long session_keyring(void)
{
	return keyctl(LL_KEYCTL_GET_KEYRING_ID, LL_KEY_SPEC_SESSION_KEYRING, 0);
}

/* In the child: a new session keyring, an extra layer, then to parent. */
static int child_session_to_parent(void *arg)
{
	long id = keyctl(LL_KEYCTL_JOIN_SESSION_KEYRING, 0, 0);

	(void)arg;
	if (id < 0)
		return 100;
	if (ll_enforce_fs(R_READ, NO_RULES))
		return 101;
	return keyctl(LL_KEYCTL_SESSION_TO_PARENT, 0, 0) ? errno : 0;
}

LL_TEST_F(layout, keyctl_session_to_parent_keeps_the_parent_domain)
{
	long before;
	int err;

	if (keyctl(LL_KEYCTL_JOIN_SESSION_KEYRING, 0, 0) < 0) {
		if (errno == ENOSYS)
			LL_SKIP_ENV(
				return,
				      "keyctl(2) not available (CONFIG_KEYS)");
		LL_BROKEN("KEYCTL_JOIN_SESSION_KEYRING: %s", strerror(errno));
	}
	before = session_keyring();
	ASSERT_LT(0, before);
	ASSERT_EQ(0, ll_enforce_fs(R_READ_DIR,
				   RULES(RULE(ll_at("d"), R_READ_DIR))));
	ASSERT_EQ(EACCES, readdir_err(ll_at("a")));
	err = ll_run_child(NULL, child_session_to_parent, NULL);
	ASSERT_EQ(0, err);
	/* The transfer happened (task work ran on our way back)... */
	ASSERT_NE(before, session_keyring());
	/* ...and left exactly our domain. */
	ASSERT_EQ(EACCES, readdir_err(ll_at("a")));
	ASSERT_EQ(0, readdir_err(ll_at("d")));
	ASSERT_EQ(0, read_err(ll_at("a/f")));
}

LL_MAIN()
