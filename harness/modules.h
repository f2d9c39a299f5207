/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel modules vm gives a guest whose kernel builds them as modules
 * (vm/modules.py puts the kernel package's own loop.ko and overlay.ko in
 * the initramfs as /modules/<name>.ko).
 */
#ifndef LLCONFORM_MODULES_H
#define LLCONFORM_MODULES_H

/*
 * Loads /modules/<name>.ko if it is there.  Nothing to report: on the host,
 * with the module built in or already loaded, or without it, what the test
 * does next fails or not by itself, and its skip says what was missing.
 */
void ll_load_guest_module(const char *name);

#endif
