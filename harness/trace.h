/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Landlock's trace events (7.3+, SPEC §8) read through tracefs: a private
 * trace instance with every Landlock event enabled, recording only the
 * test process and what it forks afterwards, removed when done.  Events
 * are written by the call that causes them, so the buffer read after a
 * child is reaped holds everything the child caused: no waiting.
 */
#ifndef LLCONFORM_TRACE_H
#define LLCONFORM_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#define LL_TRACEFS "/sys/kernel/tracing"

struct ll_trace {
	char dir[128]; /* the instance; empty before ll_trace_start() */
	/* Why tracing cannot be had here (empty: it can). */
	char unavailable[160];
};

/*
 * Makes the instance and enables the events.  Returns 0 or an errno;
 * where tracefs or the Landlock events are missing, `unavailable` also
 * says which.
 */
int ll_trace_start(struct ll_trace *t);
/*
 * The same for `events` ("landlock", or "landlock/<event>"), from every
 * process unless `own_only`: for the events that kernel threads emit
 * (landlock_free_domain comes from a kworker).
 */
int ll_trace_start_events(struct ll_trace *t, const char *events,
			  bool own_only);
/* Disables the events and removes the instance. */
void ll_trace_stop(struct ll_trace *t);

/* The instance's buffer as text (malloc'd; NULL and errno on failure). */
char *ll_trace_read(const struct ll_trace *t);

/*
 * Lines of `text` that are `event` records (": <event>: ") containing
 * `needle` (NULL: any); the n-th (from 0) of them copied into `line`
 * when not NULL (the part after ": <event>: ").
 */
int ll_trace_count(const char *text, const char *event, const char *needle);
int ll_trace_line(const char *text, const char *event, const char *needle,
		  int n, char *line, size_t size);

/*
 * Waits (up to two seconds) for an `event` record containing `needle`,
 * consuming the instance's buffer; its fields into `line`.  Returns 0 or
 * ETIMEDOUT (or the errno that stopped it).
 */
int ll_trace_wait(const struct ll_trace *t, const char *event,
		  const char *needle, char *line, size_t size);

/*
 * The value of `name=` in an event's fields (up to the next space), or ""
 * when absent.
 */
const char *ll_trace_field(const char *fields, const char *name, char *out,
			   size_t size);

/* In a test: ll_trace_start(), an environment skip where unavailable. */
#define LL_TRACE_START(trace)                                            \
	do {                                                             \
		int _ll_err = ll_trace_start(trace);                     \
		if (_ll_err && (trace)->unavailable[0])                  \
			LL_SKIP_ENV(return, "%s", (trace)->unavailable); \
		LL_SETUP(_ll_err);                                       \
	} while (0)

#endif /* LLCONFORM_TRACE_H */
