/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llconform's layer on the kernel's kselftest_harness.h (taken from Debian's
 * linux-source package at build time, never copied here).
 *
 * Every test states what it needs once, as data:
 *
 *	LL_TEST(truncate_denied_without_right, .needs = LL_B_TRUNCATE)
 *	LL_TEST(truncate_unrestricted_before_abi3, .lacks = LL_B_TRUNCATE)
 *	LL_TEST(whiteout_needs_make_reg, .erratum = 4)  (+ LL_ERRATUM_*)
 *	LL_TEST(make_char_allowed_with_right, .root = "CAP_MKNOD for mknod")
 *
 * A fixture variant may declare needs too, which every test instance of that
 * variant has on top of its test's (one fixture crossed by protocol, where
 * the UDP variants need ABI 10 and the TCP ones ABI 4):
 *
 *	LL_FIXTURE_VARIANT_ADD(net, udp_ipv4, .needs = LL_B_NET_UDP) { ... };
 *
 * and the gate turns that into a skip that names the needed and the running
 * ABI; the assertions an erratum changes are marked in the body (see
 * LL_ERRATUM_EXPECT below), never the whole test.  `PROGRAM --list-json` prints
 *every test with its needs without running anything, so a driver knows
 *beforehand which cells must be skips.
 *
 * Include this header in exactly one file per program (it includes the
 * kselftest harness, which defines functions), then end it with LL_MAIN().
 */
#ifndef LLCONFORM_LL_HARNESS_H
#define LLCONFORM_LL_HARNESS_H

#define _GNU_SOURCE
#include <linux/capability.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Diagnostics belong in the KTAP stream, next to the result they explain. */
#define TH_LOG_STREAM stdout
#include "kselftest_harness.h"

/*
 * The tests use the harness's public interface (harness/README.md): the
 * TEST/FIXTURE/ASSERT/EXPECT/SKIP/TH_LOG macros and the two fields SKIP()
 * itself writes (exit_code, results->reason), plus the KSFT_XFAIL/XPASS
 * exit codes, which the harness reports as such since it has XFAIL_ADD().
 * Two things of ours reach further, for speed under TCG, and say so: the
 * runner (ll_harness_run(): __run_test() and the loop around it) and
 * LL_TEST_F() (TEST_F() without its second fork).
 */
#ifndef XFAIL_ADD
#error "kselftest_harness.h (package in build/kselftest/SOURCE) predates XFAIL/XPASS exit codes (XFAIL_ADD): llconform needs the harness of Linux 6.9 or later"
#endif

/* The constructor priority TEST_F() registers with (renamed after 6.9). */
#ifdef KSELFTEST_PRIO_TEST
#define LL_PRIO_TEST KSELFTEST_PRIO_TEST
#else
#define LL_PRIO_TEST KSELFTEST_PRIO_TEST_F
#endif

#include "abi.h"
#include "json.h"
#include "sandbox.h"

struct ll_needs {
	/* The behaviour the test checks (default: the program's own). */
	enum ll_behaviour needs;
	/* The test checks the fallback of a kernel without this behaviour. */
	enum ll_behaviour lacks;
	/* Runs only where Landlock is absent or disabled. */
	bool landlock_off;
	/* Why the test needs real root (NULL: it does not). */
	const char *root;
	/* The fixed behaviour of this erratum is asserted. */
	int erratum;
};

/* One registered test: fixture and test names as the harness knows them. */
struct ll_registered {
	const char *fixture;
	const char *test;
	const struct ll_needs *needs;
	struct ll_registered *next;
};

/* Each program states the behaviour its tests check by default, once. */
extern const enum ll_behaviour ll_program_behaviour;
#define LL_PROGRAM(behaviour) \
	const enum ll_behaviour ll_program_behaviour = (behaviour)

static struct ll_registered *ll_registry;

static inline void ll_register(struct ll_registered *r)
{
	r->next = ll_registry;
	ll_registry = r;
}

/* The needs a fixture variant declares (LL_FIXTURE_VARIANT_ADD). */
struct ll_registered_variant {
	const char *fixture;
	const char *variant;
	const struct ll_needs *needs;
	struct ll_registered_variant *next;
};

static struct ll_registered_variant *ll_variant_registry;

static inline void ll_register_variant(struct ll_registered_variant *r)
{
	r->next = ll_variant_registry;
	ll_variant_registry = r;
}

#define LL_GATE_MARK "# llconform: gate=skip"

/* Lowest ABI a test runs on, and the behaviour that sets it. */
static inline enum ll_behaviour ll_needed_behaviour(const struct ll_needs *n)
{
	if (n->needs != LL_B_NONE)
		return n->needs;
	if (n->lacks != LL_B_NONE || n->landlock_off)
		return LL_B_NONE;
	return ll_program_behaviour;
}

/*
 * Highest ABI a test runs on: below a behaviour it checks the absence of,
 * or the last ABI of a behaviour that later changed (0: no limit).
 */
static inline int ll_max_abi(const struct ll_needs *n)
{
	int until = ll_behaviour(ll_needed_behaviour(n))->until_abi;
	/* A proposed behaviour has no ABI: only the probe says who lacks it. */
	int below = n->lacks != LL_B_NONE && !ll_behaviour_proposed(n->lacks)
			    ? ll_behaviour_abi(n->lacks) - 1
			    : 0;

	if (until && below)
		return until < below ? until : below;
	return until ?: below;
}

static inline int ll_min_abi(const struct ll_needs *n)
{
	int abi = ll_behaviour_abi(ll_needed_behaviour(n));
	const struct ll_erratum *e = n->erratum ? ll_erratum(n->erratum) : NULL;

	return e && e->abi > abi ? e->abi : abi;
}

/* The macro of the bit a behaviour is, e.g. LANDLOCK_ADD_RULE_NO_INHERIT. */
static inline const char *ll_behaviour_macro(enum ll_behaviour b)
{
	const struct ll_behaviour_info *info = ll_behaviour(b);
	const struct ll_bit *bit;

	for (bit = ll_family_bits(info->family); bit->name; bit++)
		if (bit->value == info->value)
			return bit->macro;
	return info->name;
}

/* Writes the reason of a skip into `why`; returns whether to skip. */
static inline bool ll_skip_reason(const struct ll_needs *n, char *why,
				  size_t size)
{
	enum ll_behaviour b = ll_needed_behaviour(n);
	int min = ll_min_abi(n);

	if (n->landlock_off) {
		if (ll_kernel.status == LL_ENABLED) {
			snprintf(why, size,
				 "needs Landlock absent or disabled, kernel "
				 "has ABI %d",
				 ll_kernel.abi);
			return true;
		}
		return false;
	}
	if (ll_kernel.status != LL_ENABLED) {
		snprintf(why, size, "Landlock %s on this kernel (%s)",
			 ll_status_name(ll_kernel.status),
			 strerrorname_np(ll_kernel.error) ?: "?");
		return true;
	}
	if (ll_behaviour_proposed(b)) {
		if (!ll_probe_has_proposed(&ll_kernel, b)) {
			snprintf(why, size,
				 "kernel rejects %s (proposed, not merged)",
				 ll_behaviour_macro(b));
			return true;
		}
	} else if (ll_kernel.abi < min) {
		snprintf(why, size, "needs ABI %d (%s), kernel has %d", min,
			 ll_behaviour(b)->name, ll_kernel.abi);
		return true;
	}
	if (!n->lacks && ll_max_abi(n) &&
	    ll_abi_effective(ll_kernel.abi) > ll_max_abi(n)) {
		snprintf(why, size,
			 "checks %s, which ABI %d to %d have, kernel has %d",
			 ll_behaviour(b)->name, min, ll_max_abi(n),
			 ll_kernel.abi);
		return true;
	}
	if (n->lacks != LL_B_NONE && ll_behaviour_proposed(n->lacks)) {
		if (ll_probe_has_proposed(&ll_kernel, n->lacks)) {
			snprintf(why, size,
				 "checks the fallback of a kernel that rejects "
				 "%s; this one accepts it",
				 ll_behaviour_macro(n->lacks));
			return true;
		}
	} else if (n->lacks != LL_B_NONE &&
		   ll_abi_has(ll_kernel.abi, n->lacks)) {
		snprintf(why, size,
			 "checks the fallback without %s (before ABI %d), "
			 "kernel has %d",
			 ll_behaviour(n->lacks)->name,
			 ll_behaviour_abi(n->lacks), ll_kernel.abi);
		return true;
	}
	if (n->root && !ll_has_cap(CAP_SYS_ADMIN)) {
		snprintf(why, size, "needs root: %s", n->root);
		return true;
	}
	return false;
}

static inline bool ll_erratum_fixed(int id)
{
	return ll_kernel.errata > 0 && (ll_kernel.errata & LL_ERRATUM_BIT(id));
}

/*
 * A skip that no declared need explains: what this machine lacks (no IPv6,
 * no block device, audit held by a daemon...).  The reason says so, and the
 * driver tells these apart from the skips the kernel's ABI must give.
 */
#define LL_SKIP_ENV(statement, fmt, ...) \
	SKIP(statement, LL_ENV_PREFIX fmt, ##__VA_ARGS__)
#define LL_ENV_PREFIX "environment: "

/*
 * The test's own setup failed (a mkdir, a fork...): no verdict on the
 * kernel.  KTAP carries it as "not ok ... # BROKEN <why>".  Only before
 * enforcement: after it, every call is an assertion about the kernel.
 * The harness's public ASSERT ends the test (wherever the macro is used).
 */
#define LL_BROKEN(fmt, ...)                                                 \
	do {                                                                \
		snprintf(_metadata->results->reason,                        \
			 sizeof(_metadata->results->reason), "BROKEN " fmt, \
			 ##__VA_ARGS__);                                    \
		ASSERT_STREQ("the test's own setup to succeed",             \
			     _metadata->results->reason);                   \
	} while (0)

/* A setup step returning 0 or an errno (the sandbox.h helpers). */
#define LL_SETUP(call)                                                 \
	do {                                                           \
		int _ll_err = (call);                                  \
		if (_ll_err)                                           \
			LL_BROKEN("%s: %s", #call, strerror(_ll_err)); \
	} while (0)

/*
 * A call after enforcement returning 0 or an errno: an assertion about the
 * kernel (Landlock itself could be what refuses it), never LL_SETUP().
 * The log names the call and the error.
 */
#define LL_ASSERT_OK(call)                               \
	do {                                             \
		int _ll_err = (call);                    \
		ASSERT_EQ(0, _ll_err)                    \
		TH_LOG("in the domain, %s: %s", #call,   \
		       strerrorname_np(_ll_err) ?: "?"); \
	} while (0)

/* A diagnostic line the driver reads as the test's duration. */
static inline void ll_print_elapsed(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	printf("# llconform: elapsed=%.6f\n",
	       (double)(now.tv_sec - start->tv_sec) +
		       (now.tv_nsec - start->tv_nsec) / 1e9);
}

/*
 * Errata, per assertion.  A test that asserts an erratum's fix declares it
 * (`.erratum = N`) and marks the assertion(s) the erratum changes with
 * LL_ERRATUM_EXPECT*() / LL_ERRATUM_ASSERT*(); every other assertion is an
 * ordinary one.  Where the kernel reports N fixed, a marked assertion is an
 * ordinary assertion too.  Where it reports N unfixed:
 *
 *   - a marked assertion that does not hold makes the test XFAIL (the
 *     _ASSERT form also ends it there: what follows depends on the fix);
 *   - if every marked assertion that ran held, the test is XPASS (the
 *     kernel behaves as fixed although it reports otherwise);
 *   - any other failing assertion stays a failure with its own message,
 *     a skip stays a skip, and a test that reached no marked assertion
 *     passes or fails on its ordinary assertions alone.
 *
 * The state lives in the test's own process (the harness forks one per
 * test): mark only assertions evaluated there, not in forked helpers.
 */
struct ll_erratum_state {
	const struct ll_needs *needs;
	/* Where a marked assertion first did not hold (unfixed kernel). */
	const char *failed_file;
	int failed_line;
	/* Where a marked assertion held on an unfixed kernel. */
	const char *held_file;
	int held_line;
	/* LL_ERRATUM_ASSERT*() ends the body here. */
	jmp_buf stop;
};

static struct ll_erratum_state ll_erratum_state;

/* Evaluates one marked assertion; returns whether the body must stop. */
static inline bool ll_erratum_check(struct __test_metadata *_metadata,
				    int erratum, bool held, bool stop,
				    const char *file, int line)
{
	struct ll_erratum_state *st = &ll_erratum_state;

	if (!st->needs || st->needs->erratum != erratum) {
		/* The suite's own mistake: a fail, so that it gets fixed. */
		fprintf(TH_LOG_STREAM,
			"# %s:%d:%s:assertion marked for erratum %d in a test "
			"that declares .erratum = %d\n",
			file, line, _metadata->name, erratum,
			st->needs ? st->needs->erratum : 0);
		_metadata->exit_code = KSFT_FAIL;
		return true;
	}
	if (ll_erratum_fixed(erratum)) {
		if (held)
			return false;
		fprintf(TH_LOG_STREAM,
			"# %s:%d:%s:erratum %d is reported fixed, the kernel "
			"behaves as unfixed\n",
			file, line, _metadata->name, erratum);
		_metadata->exit_code = KSFT_FAIL;
		return stop;
	}
	if (held) {
		if (!st->held_file) {
			st->held_file = file;
			st->held_line = line;
		}
		return false;
	}
	fprintf(TH_LOG_STREAM,
		"# %s:%d:%s:erratum %d reported unfixed: the kernel behaves "
		"as unfixed here (expected)\n",
		file, line, _metadata->name, erratum);
	if (!st->failed_file) {
		st->failed_file = file;
		st->failed_line = line;
	}
	return stop;
}

#define __LL_ERRATUM(erratum, held, ends)                                  \
	do {                                                               \
		if (ll_erratum_check(_metadata, (erratum), (held), (ends), \
				     __FILE__, __LINE__))                  \
			longjmp(ll_erratum_state.stop, 1);                 \
	} while (0)

/* Logs both sides of a marked comparison; returns whether it held. */
static inline bool ll_erratum_eq(struct __test_metadata *_metadata,
				 intmax_t expected, const char *expected_str,
				 intmax_t seen, const char *seen_str,
				 const char *file, int line)
{
	if (expected == seen)
		return true;
	fprintf(TH_LOG_STREAM, "# %s:%d:%s:Expected %s (%jd) == %s (%jd)\n",
		file, line, _metadata->name, expected_str, expected, seen_str,
		seen);
	return false;
}

#define __LL_ERRATUM_EQ(erratum, expected, seen, stop)                         \
	__LL_ERRATUM(erratum,                                                  \
		     ll_erratum_eq(_metadata, (intmax_t)(expected), #expected, \
				   (intmax_t)(seen), #seen, __FILE__,          \
				   __LINE__),                                  \
		     stop)

/* Marked assertions: `cond` (or expected == seen) holds once fixed. */
#define LL_ERRATUM_EXPECT(erratum, cond) __LL_ERRATUM(erratum, (cond), false)
#define LL_ERRATUM_ASSERT(erratum, cond) __LL_ERRATUM(erratum, (cond), true)
#define LL_ERRATUM_EXPECT_EQ(erratum, expected, seen) \
	__LL_ERRATUM_EQ(erratum, expected, seen, false)
#define LL_ERRATUM_ASSERT_EQ(erratum, expected, seen) \
	__LL_ERRATUM_EQ(erratum, expected, seen, true)

/* The body has ended (or stopped): the outcome its marked assertions give. */
static inline void ll_erratum_outcome(struct __test_metadata *_metadata)
{
	const struct ll_erratum_state *st = &ll_erratum_state;
	int id = st->needs->erratum;
	char errata[32] = "none";

	/* A failure keeps its own messages; a skip its own reason. */
	if (!id || _metadata->exit_code != KSFT_PASS ||
	    (!st->failed_file && !st->held_file))
		return;
	if (ll_kernel.errata >= 0)
		snprintf(errata, sizeof(errata), "0x%llx",
			 (unsigned long long)ll_kernel.errata);
	/* The unfixed behaviour shows: xfail; the fixed one: xpass. */
	_metadata->exit_code = st->failed_file ? KSFT_XFAIL : KSFT_XPASS;
	snprintf(_metadata->results->reason, sizeof(_metadata->results->reason),
		 "erratum %d reported unfixed (errata %s), behaves as %s at "
		 "%s:%d: %s",
		 id, errata, st->failed_file ? "unfixed" : "fixed",
		 st->failed_file ? st->failed_file : st->held_file,
		 st->failed_file ? st->failed_line : st->held_line,
		 ll_erratum(id)->summary);
}

/*
 * The needs of the test instance being run: ll_harness_run() sets them before
 * the harness forks for the test, having already reported a test its gate
 * skips, so a body only ever runs where its needs hold.
 */
static struct ll_needs ll_running_needs;

/*
 * The body.  An ordinary ASSERT in the body ends the test through the
 * harness as usual (a failure); LL_ERRATUM_ASSERT*() ends it through our own
 * jump buffer, so that the outcome is still decided here.
 */
#define LL_RUN_BODY(call)                                               \
	do {                                                            \
		struct timespec _ll_start;                              \
		memset(&ll_erratum_state, 0, sizeof(ll_erratum_state)); \
		ll_erratum_state.needs = &ll_running_needs;             \
		clock_gettime(CLOCK_MONOTONIC, &_ll_start);             \
		if (setjmp(ll_erratum_state.stop) == 0)                 \
			call;                                           \
		ll_print_elapsed(&_ll_start);                           \
		ll_erratum_outcome(_metadata);                          \
	} while (0)

/*
 * FIXTURE_VARIANT_ADD() of a variant with needs of its own, which each test
 * instance of the variant has on top of its test's (ll_instance_needs()).
 * The fixture and variant names are the harness's; the braces that follow
 * are the variant's data, as with FIXTURE_VARIANT_ADD().
 */
#define LL_FIXTURE_VARIANT_ADD(fixture, variant_name, ...)                     \
	static const struct ll_needs _ll_vneeds_##fixture##_##variant_name = { \
		__VA_ARGS__                                                    \
	};                                                                     \
	static struct ll_registered_variant                                    \
		_ll_vreg_##fixture##_##variant_name = {                        \
			#fixture, #variant_name,                               \
			&_ll_vneeds_##fixture##_##variant_name, NULL           \
		};                                                             \
	static void __attribute__((constructor))                               \
	_ll_vregister_##fixture##_##variant_name(void)                         \
	{                                                                      \
		ll_register_variant(&_ll_vreg_##fixture##_##variant_name);     \
	}                                                                      \
	FIXTURE_VARIANT_ADD(fixture, variant_name)

/* The needs a variant of `fixture` declares (NULL: none, or no
 * variant). */
static inline const struct ll_needs *ll_find_variant_needs(const char *fixture,
							   const char *variant)
{
	struct ll_registered_variant *r;

	for (r = ll_variant_registry; r; r = r->next)
		if (!strcmp(r->fixture, fixture) &&
		    !strcmp(r->variant, variant))
			return r->needs;
	return NULL;
}

/*
 * The needs of one test instance: its test's, and its variant's (NULL:
 * none).  The instance needs the later of the two behaviours, what
 * either lacks, root if either needs it, the erratum either asserts.
 * Returns false (the program is wrong) when they cannot hold together:
 * two different lacks or errata, a proposed behaviour with another one,
 * or a lack the needed behaviour already implies (the instance could
 * never run).
 */
static inline bool ll_instance_needs(const struct ll_needs *test,
				     const struct ll_needs *variant,
				     struct ll_needs *out)
{
	enum ll_behaviour mine = ll_needed_behaviour(test);

	*out = *test;
	if (!variant)
		return true;
	/* The test's own behaviour, even once a variant's lack is
	 * added. */
	out->needs = mine;
	if (variant->needs != LL_B_NONE && variant->needs != mine) {
		if (mine != LL_B_NONE &&
		    (ll_behaviour_proposed(mine) ||
		     ll_behaviour_proposed(variant->needs)))
			return false;
		if (mine == LL_B_NONE ||
		    ll_behaviour_abi(variant->needs) > ll_behaviour_abi(mine))
			out->needs = variant->needs;
	}
	if (variant->lacks != LL_B_NONE) {
		if (out->lacks != LL_B_NONE && out->lacks != variant->lacks)
			return false;
		out->lacks = variant->lacks;
	}
	if (variant->erratum) {
		if (out->erratum && out->erratum != variant->erratum)
			return false;
		out->erratum = variant->erratum;
	}
	out->landlock_off = out->landlock_off || variant->landlock_off;
	out->root = out->root ?: variant->root;
	return out->lacks == LL_B_NONE || ll_behaviour_proposed(out->lacks) ||
	       ll_min_abi(out) < ll_behaviour_abi(out->lacks);
}

#define LL_TEST(test_name, ...)                                               \
	static const struct ll_needs _ll_needs_##test_name = { __VA_ARGS__ }; \
	static struct ll_registered _ll_reg_##test_name = {                   \
		"global", #test_name, &_ll_needs_##test_name, NULL            \
	};                                                                    \
	static void __attribute__((constructor))                              \
	_ll_register_##test_name(void)                                        \
	{                                                                     \
		ll_register(&_ll_reg_##test_name);                            \
	}                                                                     \
	static void _ll_body_##test_name(struct __test_metadata *_metadata);  \
	TEST(test_name)                                                       \
	{                                                                     \
		LL_RUN_BODY(_ll_body_##test_name(_metadata));                 \
	}                                                                     \
	static void _ll_body_##test_name(                                     \
		struct __test_metadata __attribute__((unused)) * _metadata)

/*
 * A fixture test's setup and teardown time, apart from its body's
 * (elapsed=): "# llconform: fixture=<seconds>" after the teardown, which
 * `make bench` counts in a column of its own.  Outside the wrapper's frame,
 * which the harness's ASSERT longjmp()s back into.
 */
static struct {
	struct timespec mark;
	double seconds;
	bool tearing_down;
} ll_fixture_clock;

static inline void ll_fixture_clock_start(void)
{
	clock_gettime(CLOCK_MONOTONIC, &ll_fixture_clock.mark);
}

static inline void ll_fixture_clock_stop(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ll_fixture_clock.seconds +=
		(double)(now.tv_sec - ll_fixture_clock.mark.tv_sec) +
		(now.tv_nsec - ll_fixture_clock.mark.tv_nsec) / 1e9;
	ll_fixture_clock.tearing_down = false;
}

/* True the first time only: the teardown's clock starts. */
static inline bool ll_fixture_teardown_once(void)
{
	static bool done;

	if (done)
		return false;
	done = ll_fixture_clock.tearing_down = true;
	ll_fixture_clock_start();
	return true;
}

/* Once the fixture is done, a teardown an ASSERT ended included. */
static inline void ll_fixture_clock_print(void)
{
	if (ll_fixture_clock.tearing_down)
		ll_fixture_clock_stop();
	printf("# llconform: fixture=%.6f\n", ll_fixture_clock.seconds);
}

/*
 * A FIXTURE_TEARDOWN_PARENT() asks for a teardown outside the body's
 * process, which LL_TEST_F() does not give: the program is wrong.
 */
static inline void ll_teardown_parent_refused(struct __test_metadata *_metadata,
					      const char *fixture)
{
	ksft_print_msg("BROKEN: fixture %s has FIXTURE_TEARDOWN_PARENT(), "
		       "which LL_TEST_F() does not run\n",
		       fixture);
	_metadata->exit_code = KSFT_FAIL;
}

/*
 * TEST_F() in one process.  The harness forks for every test
 * (__run_test()); its TEST_F() then forks a second time, so that a
 * FIXTURE_TEARDOWN_PARENT() can tear down outside the body's process, and
 * runs setup, body and teardown in that second process.  None of our
 * fixtures has one, and under TCG that second fork and its copy-on-write
 * faults cost ~3 ms per test, for 600-odd tests per guest (issue 14): here
 * setup, body and teardown run in the process the harness forked, in the
 * same order and with the same outcomes (an ASSERT in any of them ends the
 * test by abort(); a setup that skips or fails skips body and teardown;
 * the teardown runs after the body in its process and domain, as the
 * harness's own FIXTURE_TEARDOWN() does).
 */
#define LL_TEST_F(fixture_name, test_name, ...)                                \
	static const struct ll_needs                                           \
		_ll_needs_##fixture_name##_##test_name = { __VA_ARGS__ };      \
	static struct ll_registered _ll_reg_##fixture_name##_##test_name = {   \
		#fixture_name, #test_name,                                     \
		&_ll_needs_##fixture_name##_##test_name, NULL                  \
	};                                                                     \
	static void __attribute__((constructor))                               \
	_ll_register_##fixture_name##_##test_name(void)                        \
	{                                                                      \
		ll_register(&_ll_reg_##fixture_name##_##test_name);            \
	}                                                                      \
	static void _ll_body_##fixture_name##_##test_name(                     \
		struct __test_metadata *_metadata,                             \
		FIXTURE_DATA(fixture_name) * self,                             \
		const FIXTURE_VARIANT(fixture_name) * variant);                \
	static void _ll_run_##fixture_name##_##test_name(                      \
		struct __test_metadata *_metadata,                             \
		struct __fixture_variant_metadata *variant)                    \
	{                                                                      \
		FIXTURE_DATA(fixture_name) self;                               \
		memset(&self, 0, sizeof(self));                                \
		if (fixture_name##_teardown_parent) {                          \
			ll_teardown_parent_refused(_metadata, #fixture_name);  \
			return;                                                \
		}                                                              \
		ll_fixture_clock_start();                                      \
		if (setjmp(_metadata->env) == 0) {                             \
			fixture_name##_setup(_metadata, &self, variant->data); \
			ll_fixture_clock_stop();                               \
			/* A setup that skipped or failed ends the test. */    \
			if (_metadata->exit_code) {                            \
				ll_fixture_clock_print();                      \
				return;                                        \
			}                                                      \
			_metadata->setup_completed = true;                     \
			LL_RUN_BODY(_ll_body_##fixture_name##_##test_name(     \
				_metadata, &self, variant->data));             \
		} else if (!_metadata->setup_completed) {                      \
			ll_fixture_clock_stop(); /* an ASSERT in setup */      \
		}                                                              \
		/* Once: an ASSERT in the teardown lands here again. */        \
		if (_metadata->setup_completed &&                              \
		    ll_fixture_teardown_once()) {                              \
			fixture_name##_teardown(_metadata, &self,              \
						variant->data);                \
			ll_fixture_clock_stop();                               \
		}                                                              \
		ll_fixture_clock_print();                                      \
		__test_check_assert(_metadata);                                \
	}                                                                      \
	static struct __test_metadata                                          \
		_ll_test_##fixture_name##_##test_name = {                      \
			.name = #test_name,                                    \
			.fn = &_ll_run_##fixture_name##_##test_name,           \
			.fixture = &_##fixture_name##_fixture_object,          \
			.termsig = -1,                                         \
			.timeout = TEST_TIMEOUT_DEFAULT,                       \
		};                                                             \
	static void __attribute__((constructor(LL_PRIO_TEST)))                 \
	_ll_register_test_##fixture_name##_##test_name(void)                   \
	{                                                                      \
		__register_test(&_ll_test_##fixture_name##_##test_name);       \
	}                                                                      \
	static void _ll_body_##fixture_name##_##test_name(                     \
		struct __test_metadata __attribute__((unused)) * _metadata,    \
		FIXTURE_DATA(fixture_name) __attribute__((unused)) * self,     \
		const FIXTURE_VARIANT(fixture_name) __attribute__((unused)) *  \
			variant)

static inline const struct ll_needs *ll_find_needs(const char *fixture,
						   const char *test)
{
	struct ll_registered *r;

	for (r = ll_registry; r; r = r->next)
		if (!strcmp(r->fixture, fixture) && !strcmp(r->test, test))
			return r->needs;
	return NULL;
}

static inline void ll_json_needs(struct ll_json *j, const struct ll_needs *n)
{
	enum ll_behaviour b = ll_needed_behaviour(n);

	ll_json_key(j, "min_abi");
	ll_json_int(j, ll_min_abi(n));
	ll_json_key(j, "needs");
	ll_json_string(j, ll_behaviour(b)->name);
	ll_json_key(j, "lacks");
	if (n->lacks != LL_B_NONE)
		ll_json_string(j, ll_behaviour(n->lacks)->name);
	else
		ll_json_null(j);
	ll_json_key(j, "max_abi");
	if (ll_max_abi(n))
		ll_json_int(j, ll_max_abi(n));
	else
		ll_json_null(j);
	ll_json_key(j, "proposed");
	ll_json_bool(j, ll_behaviour_proposed(b));
	ll_json_key(j, "lacks_proposed");
	ll_json_bool(j,
		     n->lacks != LL_B_NONE && ll_behaviour_proposed(n->lacks));
	ll_json_key(j, "landlock_off");
	ll_json_bool(j, n->landlock_off);
	ll_json_key(j, "root");
	ll_json_string(j, n->root);
	ll_json_key(j, "erratum");
	if (n->erratum)
		ll_json_int(j, n->erratum);
	else
		ll_json_null(j);
}

/*
 * The needs of a test instance (ll_instance_needs()); false when the
 * program is wrong: a test that is no LL_TEST, or needs of test and variant
 * that contradict each other (`why` says which).
 */
static inline bool ll_find_instance_needs(const struct __fixture_metadata *f,
					  const char *variant,
					  const struct __test_metadata *t,
					  struct ll_needs *out, char *why,
					  size_t size)
{
	const struct ll_needs *n = ll_find_needs(f->name, t->name);

	if (!n) {
		snprintf(why, size, "not an LL_TEST: its needs are unknown");
		return false;
	}
	if (!ll_instance_needs(n, ll_find_variant_needs(f->name, variant),
			       out)) {
		snprintf(why, size,
			 "the needs of test and variant contradict each other");
		return false;
	}
	return true;
}

/*
 * Every test instance (fixture.variant.test) with what it needs: its
 * test's and its variant's needs together (ll_instance_needs()).
 */
static inline int ll_list_json(const char *program)
{
	struct __fixture_variant_metadata no_variant = { .name = "" };
	struct __fixture_variant_metadata *v;
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	struct ll_json j;
	char name[512];

	ll_json_init(&j, stdout);
	ll_json_object(&j);
	ll_json_key(&j, "program");
	ll_json_string(&j, program);
	ll_json_key(&j, "behaviour");
	ll_json_string(&j, ll_behaviour(ll_program_behaviour)->name);
	ll_json_key(&j, "tests");
	ll_json_array(&j);
	for (f = __fixture_list; f; f = f->next) {
		for (v = f->variant ?: &no_variant; v; v = v->next) {
			for (t = f->tests; t; t = t->next) {
				struct ll_needs instance;
				char why[128];

				snprintf(name, sizeof(name), "%s%s%s.%s",
					 f->name, v->name[0] ? "." : "",
					 v->name, t->name);
				if (!ll_find_instance_needs(f, v->name, t,
							    &instance, why,
							    sizeof(why))) {
					fprintf(stderr, "%s: %s: %s\n", program,
						name, why);
					return 2;
				}
				ll_json_object(&j);
				ll_json_key(&j, "name");
				ll_json_string(&j, name);
				ll_json_needs(&j, &instance);
				ll_json_end(&j);
			}
		}
	}
	ll_json_finish(&j);
	return 0;
}

/*
 * test_harness_run() with the gate decided before the harness forks: the
 * harness forks once per test, a TEST_F forks again and sets its fixture up
 * before the body could skip, which under TCG cost ~7 ms for every test a
 * kernel is too old for (800 of them without Landlock).  A gated test is
 * reported as the harness reports a skip, with LL_GATE_MARK before its
 * result line, and never started; every other test goes through the
 * harness's own __run_test() (the loop is test_harness_run()'s, Linux 6.9 to
 * 7.3: harness/README.md).
 */
static inline int ll_harness_run(int argc, char **argv)
{
	struct __fixture_variant_metadata no_variant = { .name = "" };
	unsigned int case_count = 0, test_count = 0, pass_count = 0;
	struct __fixture_variant_metadata *v;
	struct __test_results *results;
	struct __fixture_metadata *f;
	struct __test_metadata *t;
	int ret = test_harness_argv_check(argc, argv);

	if (ret != KSFT_PASS)
		return ret;
	for (f = __fixture_list; f; f = f->next) {
		for (v = f->variant ?: &no_variant; v; v = v->next) {
			unsigned int before = test_count;

			for (t = f->tests; t; t = t->next)
				test_count += test_enabled(argc, argv, f, v, t);
			case_count += test_count != before;
		}
	}
	results = mmap(NULL, sizeof(*results), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (results == MAP_FAILED) {
		perror("mmap");
		return KSFT_FAIL;
	}
	ksft_print_header();
	ksft_set_plan(test_count);
	ksft_print_msg("Starting %u tests from %u test cases.\n", test_count,
		       case_count);
	for (f = __fixture_list; f; f = f->next) {
		for (v = f->variant ?: &no_variant; v; v = v->next) {
			for (t = f->tests; t; t = t->next) {
				char name[1024], why[sizeof(results->reason)];

				if (!test_enabled(argc, argv, f, v, t))
					continue;
				snprintf(name, sizeof(name), "%s%s%s.%s",
					 f->name, v->name[0] ? "." : "",
					 v->name, t->name);
				if (!ll_find_instance_needs(f, v->name, t,
							    &ll_running_needs,
							    why, sizeof(why))) {
					ksft_test_result_code(KSFT_FAIL, name,
							      "BROKEN %s", why);
					ret = 1;
					continue;
				}
				if (ll_skip_reason(&ll_running_needs, why,
						   sizeof(why))) {
					/*
					 * The driver's only sign that this
					 * skip is the gate's (the declared
					 * needs), not the test's own: it never
					 * re-derives the gate (ktap.py).
					 */
					printf(LL_GATE_MARK "\n");
					ksft_test_result_code(KSFT_SKIP, name,
							      "%s", why);
					pass_count++;
					continue;
				}
				t->results = results;
				__run_test(f, v, t);
				t->results = NULL;
				if (__test_passed(t))
					pass_count++;
				else
					ret = 1;
			}
		}
	}
	munmap(results, sizeof(*results));
	ksft_print_msg("%s: %u / %u tests passed.\n", ret ? "FAILED" : "PASSED",
		       pass_count, test_count);
	ksft_exit(ret == 0);
}

/* The program's main(): --list-json, or probe then run the harness. */
#define LL_MAIN()                                                  \
	int main(int argc, char **argv)                            \
	{                                                          \
		const char *slash = strrchr(argv[0], '/');         \
		const char *program = slash ? slash + 1 : argv[0]; \
		int err;                                           \
		if (argc == 2 && !strcmp(argv[1], "--list-json"))  \
			return ll_list_json(program);              \
		ll_kernel = ll_probe_kernel();                     \
		err = ll_scratch_init(program);                    \
		if (err) {                                         \
			fprintf(stderr,                            \
				"%s: cannot create a scratch "     \
				"directory: %s\n",                 \
				program, strerror(err));           \
			return KSFT_FAIL;                          \
		}                                                  \
		ll_print_kernel(program);                          \
		return ll_harness_run(argc, argv);                 \
	}

/* The proposed behaviours the kernel accepts, comma-separated, or none.
 */
static inline void ll_print_proposed(void)
{
	const char *sep = "";
	int b;

	for (b = 0; b < LL_BEHAVIOUR_COUNT; b++) {
		if (ll_probe_has_proposed(&ll_kernel, b)) {
			printf("%s%s", sep, ll_behaviour(b)->name);
			sep = ",";
		}
	}
	if (!*sep)
		printf("none");
}

/* One KTAP comment line a parser can read before the results. */
static inline void ll_print_kernel(const char *program)
{
	printf("# llconform: program=%s landlock=%s abi=%d errata=", program,
	       ll_status_name(ll_kernel.status),
	       ll_kernel.status == LL_ENABLED ? ll_kernel.abi : 0);
	if (ll_kernel.errata >= 0)
		printf("0x%llx", (unsigned long long)ll_kernel.errata);
	else
		printf("none");
	printf(" abi_known=%d uid=%d proposed=", LL_ABI_LAST, (int)geteuid());
	ll_print_proposed();
	printf("\n");
	if (ll_kernel.status == LL_ENABLED && ll_kernel.abi > LL_ABI_LAST)
		printf("# llconform: kernel ABI %d is newer than the "
		       "%d "
		       "llconform "
		       "knows: treated as at least %d\n",
		       ll_kernel.abi, LL_ABI_LAST, LL_ABI_LAST);
	fflush(stdout);
}

#endif /* LLCONFORM_LL_HARNESS_H */
