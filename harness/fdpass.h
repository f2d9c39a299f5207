/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Passing an open file over a unix socket (SCM_RIGHTS): what a process
 * decided at open time travels with the fd to one that never opened it.
 */
#ifndef LLCONFORM_FDPASS_H
#define LLCONFORM_FDPASS_H

/* Sends `fd` with one byte of data over `sock`: 0 or the errno. */
int ll_send_fd(int sock, int fd);
/* Receives one fd sent by ll_send_fd() (close-on-exec), or -1. */
int ll_recv_fd(int sock);

#endif /* LLCONFORM_FDPASS_H */
