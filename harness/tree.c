// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "sandbox.h"
#include "tree.h"

char ll_root[PATH_MAX];

int ll_tree_make(const char *name, const char *const entries[])
{
	int err = ll_scratch_dir(name, ll_root, sizeof(ll_root));

	return err ?: ll_make_tree(ll_root, entries);
}

const char *ll_at(const char *fmt, ...)
{
	static char bufs[16][PATH_MAX];
	static unsigned int next;
	char *buf = bufs[next++ % 16];
	int len = snprintf(buf, PATH_MAX, "%s/", ll_root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, PATH_MAX - len, fmt, ap);
	va_end(ap);
	return buf;
}
