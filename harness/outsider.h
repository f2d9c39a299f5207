/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An outsider: a process forked before the test restricts itself, so that
 * it stays outside every domain the test enforces later (the target of a
 * scoped signal or abstract socket).  It waits until the test lets it go.
 */
#ifndef LLCONFORM_OUTSIDER_H
#define LLCONFORM_OUTSIDER_H

#include <sys/types.h>

/*
 * Forks the outsider; returns its pid (-1 when it cannot be made) and, in
 * *go, the fd whose closing lets it exit.
 */
pid_t ll_outsider_start(int *go);
/* Closes `go` and reaps the outsider. */
void ll_outsider_stop(pid_t pid, int go);

#endif /* LLCONFORM_OUTSIDER_H */
