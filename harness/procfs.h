/* SPDX-License-Identifier: GPL-2.0 */
/* What the suites read of /proc about processes and threads. */
#ifndef LL_PROCFS_H
#define LL_PROCFS_H

#include <sys/types.h>

/* Yama's ptrace_scope: 0 where Yama is absent (it then decides nothing). */
int ll_yama_ptrace_scope(void);
/*
 * The state letter of a thread of this process (R, S, D...), '?' when it is
 * gone: a test waits on it for a sibling to sleep inside a call.
 */
char ll_thread_state(pid_t tid);

#endif
