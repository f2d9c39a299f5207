// SPDX-License-Identifier: GPL-2.0
/*
 * abi7_net_records: the address fields of network audit records (SPEC §8),
 * each record checked to its end.  Landlock gives the audit code the
 * socket (audit_net.sk), whose bound and connected addresses are printed
 * before the address the call named, by the shared lsm_audit.c: laddr/
 * lport once the socket is bound, faddr/fport once it is connected, then
 * saddr/src (bind) or daddr/dest (connect, send); zero addresses and ports
 * are left out [7.3.4: sl/net.c current_check_access_socket(),
 * security/lsm_audit.c audit_log_lsm_data()].
 *
 * The socket was not given to audit before d936e1a9170f ("landlock: Set
 * audit_net.sk for socket access checks", "Fixes: 9f74411a40ce", sent to
 * stable): a denied connect from a bound socket then had no laddr/lport.
 * The fix is asserted; kernels without it are known deviations
 * (findings.toml, "audit-net-no-socket").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "audit_expect.h"
#include "net.h"
#include "tree.h"

LL_PROGRAM(LL_B_LOGGING);

enum {
	PORT_BOUND = 4401, /* a rule allows binding it */
	PORT_PEER, /* a rule allows connecting to it */
	PORT_DENIED, /* no rule */
};

FIXTURE(net_records)
{
	struct ll_audit st;
};

FIXTURE_VARIANT(net_records)
{
	int family;
	const char *addr; /* as audit prints it */
};

FIXTURE_VARIANT_ADD(net_records, ipv4){
	.family = AF_INET,
	.addr = "127.0.0.1",
};

FIXTURE_VARIANT_ADD(net_records, ipv6){
	.family = AF_INET6,
	.addr = "::1",
};

FIXTURE_SETUP(net_records)
{
	static const char *const tree[] = { "marker", NULL };

	self->st.fd = -1;
	LL_SETUP(ll_tree_make("net_records", tree));
}

FIXTURE_TEARDOWN(net_records)
{
	ll_audit_stop(&self->st);
}

struct net_arg {
	int family;
	pid_t child;
	int *res; /* [0] setup (-1: no such family), [1] domain, [2..] calls */
};

/* A socket of the family bound to loopback:port (0 or -errno). */
static int bound_socket(int family, int type, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = socket(family, type | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	err = ll_bind_to(fd, &a);
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

static int connect_port(int fd, int family, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);

	return ll_connect_to(fd, &a);
}

static int sendto_port(int fd, int family, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);

	return ll_errno_of(sendto(fd, "x", 1, 0, &a.u.sa, a.len));
}

/* The network namespace and a listener on PORT_PEER, before the domain. */
static int net_setup(struct net_arg *a, int type)
{
	int err = ll_enter_netns(), fd;

	if (err)
		return err;
	fd = ll_loopback_socket(a->family, type, 0, PORT_PEER);
	if (fd == -EAFNOSUPPORT)
		return -1;
	return fd < 0 ? -fd : 0;
}

/*
 * TCP: connect from a socket bound to an allowed port (laddr/lport), and
 * from an unbound one (daddr/dest only), both to a port with no rule.
 */
static void tcp_connects(void *p)
{
	struct net_arg *a = p;
	int fd;

	a->res[0] = net_setup(a, SOCK_STREAM);
	if (a->res[0])
		return;
	a->res[1] = ll_enforce_net(
		LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP,
		PORTS(PORT(PORT_BOUND, LANDLOCK_ACCESS_NET_BIND_TCP),
		      PORT(PORT_PEER, LANDLOCK_ACCESS_NET_CONNECT_TCP)));
	/* Bound inside the domain, as its rule allows. */
	fd = bound_socket(a->family, SOCK_STREAM, PORT_BOUND);
	a->res[2] = fd < 0 ? -fd : 0;
	if (fd >= 0) {
		a->res[3] = connect_port(fd, a->family, PORT_DENIED);
		close(fd);
	}
	a->res[4] = ll_try_connect(a->family, SOCK_STREAM, 0, PORT_DENIED);
}

/* Records of `type` whose text ends with `tail` (all fields to the end). */
static int ending_with(const struct ll_audit_records *r, int type,
		       const char *tail)
{
	size_t n = strlen(tail);
	int i, count = 0;

	for (i = 0; i < r->count; i++) {
		size_t len = strlen(r->text[i]);

		if (r->type[i] == type && len >= n &&
		    !strcmp(r->text[i] + len - n, tail))
			count++;
	}
	return count;
}

/* Runs fn in a child (its pid in a->child) and reads its records. */
static void run(struct __test_metadata *_metadata, struct ll_audit *st,
		void (*fn)(void *), struct net_arg *a,
		struct ll_audit_records *r)
{
	int status;

	a->child = ll_fork_wait(fn, a, &status);
	ASSERT_LT(0, a->child);
	if (a->res[0] == -1)
		LL_SKIP_ENV(return, "no IPv6 on this kernel");
	LL_SETUP(a->res[0]);
	ASSERT_EQ(0, a->res[1]);
	ASSERT_EQ(0, ll_audit_read_to_marker(st->fd, ll_at("marker"), r));
}

#define EXPECT_RECORD(r, fmt, ...)                                           \
	do {                                                                 \
		char _tail[256];                                             \
		snprintf(_tail, sizeof(_tail), fmt, ##__VA_ARGS__);          \
		ASSERT_EQ(1, ending_with((r), AUDIT_LANDLOCK_ACCESS, _tail)) \
		{                                                            \
			TH_LOG("no record ending with \"%s\"", _tail);       \
			ll_audit_dump(r);                                    \
		}                                                            \
	} while (0)

LL_TEST_F(net_records, tcp_connect_from_a_bound_socket_names_laddr_lport,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct net_arg a = { .family = variant->family };
	struct ll_audit_records r;

	a.res = ll_shared_ints(8);
	ASSERT_NE(NULL, a.res);
	LL_AUDIT_START(&self->st);
	run(_metadata, &self->st, tcp_connects, &a, &r);
	ASSERT_EQ(0, a.res[2]);
	ASSERT_EQ(EACCES, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	EXPECT_RECORD(&r,
		      " blockers=net.connect_tcp laddr=%s lport=%d daddr=%s "
		      "dest=%d",
		      variant->addr, PORT_BOUND, variant->addr, PORT_DENIED);
	/* Unbound: the named address only. */
	EXPECT_RECORD(&r, " blockers=net.connect_tcp daddr=%s dest=%d",
		      variant->addr, PORT_DENIED);
	ASSERT_EQ(2, ll_audit_caused_by(&r, a.child))
	ll_audit_dump(&r);
}

/*
 * UDP (ABI 10): bind (saddr/src), connect from a bound socket (laddr/
 * lport), send from a bound and connected one (laddr/lport, faddr/fport,
 * then daddr/dest), and the autobind an unbound socket's connect needs
 * (BIND_UDP on port 0: no address at all).
 */
static void udp_calls(void *p)
{
	struct net_arg *a = p;
	int fd;

	a->res[0] = net_setup(a, SOCK_DGRAM);
	if (a->res[0])
		return;
	a->res[1] = ll_enforce_net(
		LANDLOCK_ACCESS_NET_BIND_UDP |
			LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP,
		PORTS(PORT(PORT_BOUND, LANDLOCK_ACCESS_NET_BIND_UDP),
		      PORT(PORT_PEER, LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP)));
	a->res[2] = ll_try_bind(a->family, SOCK_DGRAM, 0, PORT_DENIED);
	fd = bound_socket(a->family, SOCK_DGRAM, PORT_BOUND);
	a->res[3] = fd < 0 ? -fd : 0;
	if (fd < 0)
		return;
	a->res[4] = connect_port(fd, a->family, PORT_DENIED);
	a->res[5] = connect_port(fd, a->family, PORT_PEER);
	a->res[6] = sendto_port(fd, a->family, PORT_DENIED);
	close(fd);
	a->res[7] = ll_try_connect(a->family, SOCK_DGRAM, 0, PORT_PEER);
}

LL_TEST_F(net_records, udp_records_name_bound_connected_and_named_addresses,
	  .needs = LL_B_NET_UDP,
	  .root = "audit netlink needs CAP_AUDIT_CONTROL")
{
	struct net_arg a = { .family = variant->family };
	struct ll_audit_records r;

	a.res = ll_shared_ints(8);
	ASSERT_NE(NULL, a.res);
	LL_AUDIT_START(&self->st);
	run(_metadata, &self->st, udp_calls, &a, &r);
	ASSERT_EQ(EACCES, a.res[2]);
	ASSERT_EQ(0, a.res[3]);
	ASSERT_EQ(EACCES, a.res[4]);
	ASSERT_EQ(0, a.res[5]);
	ASSERT_EQ(EACCES, a.res[6]);
	ASSERT_EQ(EACCES, a.res[7]);
	EXPECT_RECORD(&r, " blockers=net.bind_udp saddr=%s src=%d",
		      variant->addr, PORT_DENIED);
	EXPECT_RECORD(&r,
		      " blockers=net.connect_send_udp laddr=%s lport=%d "
		      "daddr=%s dest=%d",
		      variant->addr, PORT_BOUND, variant->addr, PORT_DENIED);
	EXPECT_RECORD(&r,
		      " blockers=net.connect_send_udp laddr=%s lport=%d "
		      "faddr=%s fport=%d daddr=%s dest=%d",
		      variant->addr, PORT_BOUND, variant->addr, PORT_PEER,
		      variant->addr, PORT_DENIED);
	EXPECT_RECORD(&r, " blockers=net.bind_udp");
	ASSERT_EQ(4, ll_audit_caused_by(&r, a.child))
	ll_audit_dump(&r);
}

LL_MAIN()
