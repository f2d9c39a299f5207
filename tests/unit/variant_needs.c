// SPDX-License-Identifier: GPL-2.0
/*
 * A program of the harness's own, for tests/test_variant_needs.py: fixture
 * variants that declare needs (LL_FIXTURE_VARIANT_ADD), crossed with tests
 * that declare their own, so that --list-json and the gate can be checked
 * on every combination.  The program's own behaviour is TCP (ABI 4):
 *
 *	variant   declares                 test: any       test: scoped (.needs
 *= scope) tcp       needs net_tcp (4)        4               scope (6) udp
 *needs net_udp (10)       10              net_udp (10) old       lacks net_udp
 *(< 10)     4 .. 9          6 .. 9 plain     nothing (FIXTURE_VARIANT_ADD)  4 6
 *	root      root                     4, root         6, root
 */
#define _GNU_SOURCE
#include "ll_harness.h"

LL_PROGRAM(LL_B_NET_TCP);

FIXTURE(net){};

FIXTURE_VARIANT(net)
{
	int id;
};

LL_FIXTURE_VARIANT_ADD(net, tcp, .needs = LL_B_NET_TCP){
	.id = 1,
};

LL_FIXTURE_VARIANT_ADD(net, udp, .needs = LL_B_NET_UDP){
	.id = 2,
};

LL_FIXTURE_VARIANT_ADD(net, old, .lacks = LL_B_NET_UDP){
	.id = 3,
};

FIXTURE_VARIANT_ADD(net, plain){
	.id = 4,
};

LL_FIXTURE_VARIANT_ADD(net, root, .root = "a variant that needs root"){
	.id = 5,
};

FIXTURE_SETUP(net)
{
}

FIXTURE_TEARDOWN(net)
{
}

/* Each instance runs with its own variant's data. */
LL_TEST_F(net, any)
{
	ASSERT_LT(0, variant->id);
}

LL_TEST_F(net, scoped, .needs = LL_B_SCOPE)
{
	ASSERT_LT(0, variant->id);
}

LL_MAIN();
