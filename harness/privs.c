// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sys/prctl.h>

#include "privs.h"

bool ll_nnp_set(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
}

int ll_set_nnp(void)
{
	return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ? errno : 0;
}
