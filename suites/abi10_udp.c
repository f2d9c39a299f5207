// SPDX-License-Identifier: GPL-2.0
/*
 * abi10_udp: UDP bind and connect/send rights (SPEC §6.1, §6.2, ABI 10)
 * for the ABI the running kernel reports, and the fallback of kernels
 * without them (ABI 4-9: UDP bits unknown, UDP unrestricted).
 *
 * The behaviours UDP shares with TCP are the network fixture's
 * (net_fixture.h, with its port diagram), instantiated here as fixture
 * `udp` (variants ipv4 and ipv6, each needing ABI 10); this file adds what
 * only UDP does: sendto/sendmsg with an address, sends on a connected
 * socket, autobind, AF_UNSPEC destinations, and the fallback before ABI 10.
 * Loopback delivers a datagram before sendto() returns, so a receive right
 * after a send tells whether it went through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ll_harness.h"
#include "net.h"

LL_PROGRAM(LL_B_NET_UDP);

#define NET_FIXTURE udp
#include "net_fixture.h"

#define UDP (&net_udp)

/* One byte to `a` (NULL: no address) with sendmsg() and msg_name. */
static int sendmsg_to(int fd, const struct ll_addr *a)
{
	struct iovec iov = { .iov_base = "m", .iov_len = 1 };
	struct msghdr msg = {
		.msg_name = a ? (void *)&a->u.sa : NULL,
		.msg_namelen = a ? a->len : 0,
		.msg_iov = &iov,
		.msg_iovlen = 1,
	};
	ssize_t ret = sendmsg(fd, &msg, 0);

	return ret < 0 ? errno : ret == 1 ? 0 : EIO;
}

/* One byte by `how` from a fresh UDP socket; -1 if it cannot be made. */
static int try_send(int family, uint16_t port,
		    int (*how)(int fd, const struct ll_addr *a))
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = net_socket(UDP, family), err;

	if (fd < 0)
		return -1;
	err = how(fd, &a);
	close(fd);
	return err;
}

static int try_sendto(int family, uint16_t port)
{
	return try_send(family, port, net_send_to);
}

static int try_sendmsg(int family, uint16_t port)
{
	return try_send(family, port, sendmsg_to);
}

/* --- §6.1: sendto, sendmsg, autobind ---------------------------------- */

LL_TEST_F(udp, sendto_and_sendmsg_with_address_checked)
{
	const int family = variant->family;
	int rx_allowed, rx_denied;

	NET_NETNS(UDP, family);
	NET_SERVER(rx_allowed, UDP, family, P_ALLOWED);
	NET_SERVER(rx_denied, UDP, family, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(0, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(0, try_sendmsg(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendto(family, P_DENIED));
	EXPECT_EQ(EACCES, try_sendmsg(family, P_DENIED));
	EXPECT_EQ(2, net_arrivals(UDP, rx_allowed));
	EXPECT_EQ(0, net_arrivals(UDP, rx_denied));
	close(rx_allowed);
	close(rx_denied);
}

/*
 * A connected socket sends to its peer without an address: not checked.
 * Naming an address is checked again, even the peer's.
 */
LL_TEST_F(udp, send_without_address_unchecked_on_connected_socket)
{
	const int family = variant->family;
	struct ll_addr peer = ll_loopback(family, P_DENIED);
	int rx, tx;

	NET_NETNS(UDP, family);
	NET_SERVER(rx, UDP, family, P_DENIED);
	tx = net_socket(UDP, family);
	ASSERT_LE(0, tx);
	ASSERT_EQ(0, ll_connect_to(tx, &peer));
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS, NO_PORTS));
	EXPECT_EQ(0, net_send_to(tx, NULL));
	EXPECT_EQ(0, sendmsg_to(tx, NULL));
	EXPECT_EQ(1, write(tx, "w", 1));
	EXPECT_EQ(3, net_arrivals(UDP, rx));
	EXPECT_EQ(EACCES, net_send_to(tx, &peer));
	EXPECT_EQ(EACCES, sendmsg_to(tx, &peer));
	EXPECT_EQ(EACCES, ll_connect_to(tx, &peer));
	EXPECT_EQ(0, net_arrivals(UDP, rx));
	close(tx);
	close(rx);
}

/*
 * §6.1 autobind: with BIND_UDP handled, a socket without a local port
 * needs BIND_UDP on port 0 to connect or send (the kernel would bind an
 * ephemeral port), on top of CONNECT_SEND_UDP on the remote port.
 */
LL_TEST_F(udp, autobind_denied_without_port_zero_rule)
{
	const int family = variant->family;
	struct ll_addr dst = ll_loopback(family, P_ALLOWED);
	struct ll_addr local = ll_loopback(family, P_OTHER);
	int rx, bound, fd;

	NET_NETNS(UDP, family);
	NET_SERVER(rx, UDP, family, P_ALLOWED);
	/* Bound before the restriction: it has a local port. */
	bound = net_socket(UDP, family);
	ASSERT_LE(0, bound);
	ASSERT_EQ(0, ll_bind_to(bound, &local));
	ASSERT_EQ(0,
		  ll_enforce_net(UDP_RIGHTS, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(EACCES, try_connect(UDP, family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendmsg(family, P_ALLOWED));
	/* Even without an address, an unbound socket would autobind. */
	fd = net_socket(UDP, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EACCES, net_send_to(fd, NULL));
	close(fd);
	EXPECT_EQ(0, net_arrivals(UDP, rx));
	/* A socket with a local port needs only the remote right. */
	EXPECT_EQ(0, net_send_to(bound, &dst));
	EXPECT_EQ(0, ll_connect_to(bound, &dst));
	EXPECT_EQ(0, net_send_to(bound, NULL));
	EXPECT_EQ(2, net_arrivals(UDP, rx));
	close(bound);
	close(rx);
}

LL_TEST_F(udp, autobind_allowed_by_port_zero_rule)
{
	const int family = variant->family;
	struct ll_addr dst = ll_loopback(family, P_ALLOWED);
	int rx, fd;

	NET_NETNS(UDP, family);
	NET_SERVER(rx, UDP, family, P_ALLOWED);
	ASSERT_EQ(0,
		  ll_enforce_net(UDP_RIGHTS, PORTS(PORT(0, BIND_UDP),
						   PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(0, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(0, try_sendmsg(family, P_ALLOWED));
	fd = net_socket(UDP, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ll_connect_to(fd, &dst));
	EXPECT_EQ(0, net_send_to(fd, NULL));
	close(fd);
	EXPECT_EQ(3, net_arrivals(UDP, rx));
	/* The remote port is still checked, and explicit binds too. */
	EXPECT_EQ(EACCES, try_sendto(family, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(UDP, family, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(UDP, family, P_DENIED));
	/* Without an address an unconnected socket gets the protocol error. */
	fd = net_socket(UDP, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EDESTADDRREQ, net_send_to(fd, NULL));
	close(fd);
	close(rx);
}

/* --- §6.2: AF_UNSPEC destinations --------------------------------------- */

/* §6.2: an AF_UNSPEC destination on an IPv4 socket is checked as AF_INET. */
LL_TEST(sendto_unspec_checked_as_inet_on_ipv4)
{
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET, P_DENIED), AF_UNSPEC);
	int rx_allowed, rx_denied, fd;

	LL_NETNS();
	NET_SERVER(rx_allowed, UDP, AF_INET, P_ALLOWED);
	NET_SERVER(rx_denied, UDP, AF_INET, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	fd = net_socket(UDP, AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  net_send_len(fd, &denied, ll_addr_min_len(AF_INET) - 1));
	EXPECT_EQ(EACCES, net_send_to(fd, &denied));
	EXPECT_EQ(EACCES, sendmsg_to(fd, &denied));
	EXPECT_EQ(0, net_send_to(fd, &allowed));
	EXPECT_EQ(0, sendmsg_to(fd, &allowed));
	EXPECT_EQ(2, net_arrivals(UDP, rx_allowed));
	EXPECT_EQ(0, net_arrivals(UDP, rx_denied));
	close(fd);
	close(rx_allowed);
	close(rx_denied);
}

/*
 * §6.2: an AF_UNSPEC destination on an IPv6 socket is always denied (the
 * socket could turn IPv4 under Landlock's feet), even to an allowed port
 * and on a connected socket.
 */
LL_TEST(sendto_unspec_denied_on_ipv6)
{
	struct ll_addr peer = ll_loopback(AF_INET6, P_ALLOWED);
	struct ll_addr unspec = ll_addr_with_family(peer, AF_UNSPEC);
	int rx, fd;

	NET_NETNS(UDP, AF_INET6);
	NET_SERVER(rx, UDP, AF_INET6, P_ALLOWED);
	fd = net_socket(UDP, AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_connect_to(fd, &peer));
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(EACCES, net_send_to(fd, &unspec));
	EXPECT_EQ(EACCES, sendmsg_to(fd, &unspec));
	EXPECT_EQ(EACCES, net_send_len(fd, &unspec, sizeof(sa_family_t)));
	EXPECT_EQ(0, net_arrivals(UDP, rx));
	/* Without an address, or with the peer's, it goes through. */
	EXPECT_EQ(0, net_send_to(fd, NULL));
	EXPECT_EQ(0, net_send_to(fd, &peer));
	EXPECT_EQ(2, net_arrivals(UDP, rx));
	close(fd);
	close(rx);
}

/* --- rules: separate from TCP ------------------------------------------ */

/* TCP rights do not restrict UDP... */
LL_TEST(tcp_rights_do_not_restrict_udp)
{
	int rx;

	LL_NETNS();
	NET_SERVER(rx, UDP, AF_INET, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	EXPECT_EQ(0, try_bind(UDP, AF_INET, P_OTHER));
	EXPECT_EQ(0, try_bind(UDP, AF_INET, 0));
	EXPECT_EQ(0, try_connect(UDP, AF_INET, P_DENIED));
	EXPECT_EQ(0, try_sendto(AF_INET, P_DENIED));
	EXPECT_EQ(0, try_sendmsg(AF_INET, P_DENIED));
	EXPECT_EQ(2, net_arrivals(UDP, rx));
	close(rx);
}

/* ...and UDP rights do not restrict TCP. */
LL_TEST(udp_rights_do_not_restrict_tcp)
{
	struct ll_addr a = ll_loopback(AF_INET, P_DENIED);
	int srv, fd;

	LL_NETNS();
	srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS, NO_PORTS));
	EXPECT_EQ(0, ll_bind_to(srv, &a));
	EXPECT_EQ(0, listen(srv, 1));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ll_connect_to(fd, &a));
	close(fd);
	close(srv);
}

/* --- before ABI 10: no UDP rights ---------------------------------------- */

LL_TEST(udp_rights_rejected_before_abi10, .needs = LL_B_NET_TCP,
	.lacks = LL_B_NET_UDP)
{
	const uint64_t udp[] = { BIND_UDP, SEND_UDP, UDP_RIGHTS,
				 TCP_RIGHTS | BIND_UDP };
	struct landlock_ruleset_attr attr = { 0 };
	struct landlock_net_port_attr rule = { .port = P_ALLOWED };
	const size_t size = ll_ruleset_attr_size(ll_kernel.abi);
	int fd;

	for (size_t i = 0; i < sizeof(udp) / sizeof(udp[0]); i++) {
		attr.handled_access_net = udp[i];
		EXPECT_EQ(-1, ll_create_ruleset(&attr, size, 0));
		EXPECT_EQ(EINVAL, errno);
	}
	attr.handled_access_net = ll_mask(LL_NET_ACCESS, ll_kernel.abi);
	fd = ll_create_ruleset(&attr, size, 0);
	ASSERT_LE(0, fd);
	/* Unknown to the ruleset (not handled): EINVAL at add_rule. */
	rule.allowed_access = BIND_UDP;
	EXPECT_EQ(-1, ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, 0));
	EXPECT_EQ(EINVAL, errno);
	rule.allowed_access = SEND_UDP;
	EXPECT_EQ(-1, ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, 0));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

/* With every net right of an ABI 4-9 kernel handled, UDP works freely. */
LL_TEST(udp_unrestricted_before_abi10, .needs = LL_B_NET_TCP,
	.lacks = LL_B_NET_UDP)
{
	const int families[] = { AF_INET, AF_INET6 };
	int rx[2], fd;

	LL_NETNS();
	for (int i = 0; i < 2; i++) {
		rx[i] = ll_loopback_socket(families[i], SOCK_DGRAM, 0,
					   P_DENIED);
		if (rx[i] < 0 && families[i] == AF_INET6 &&
		    rx[i] == -EAFNOSUPPORT)
			continue; /* no IPv6 on this kernel */
		if (rx[i] < 0)
			LL_BROKEN("UDP bind: %s", strerror(-rx[i]));
	}
	ASSERT_EQ(0, ll_enforce_net(ll_mask(LL_NET_ACCESS, ll_kernel.abi),
				    NO_PORTS));
	for (int i = 0; i < 2; i++) {
		const int family = families[i];
		struct ll_addr dst = ll_loopback(family, P_DENIED);

		if (rx[i] < 0)
			continue;
		EXPECT_EQ(0, try_bind(UDP, family, P_OTHER));
		EXPECT_EQ(0, try_bind(UDP, family, 0));
		EXPECT_EQ(0, try_sendto(family, P_DENIED));
		EXPECT_EQ(0, try_sendmsg(family, P_DENIED));
		fd = net_socket(UDP, family);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, ll_connect_to(fd, &dst));
		EXPECT_EQ(0, net_send_to(fd, NULL));
		close(fd);
		EXPECT_EQ(3, net_arrivals(UDP, rx[i]));
		close(rx[i]);
	}
}

LL_MAIN();
