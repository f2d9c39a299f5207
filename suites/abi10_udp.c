// SPDX-License-Identifier: GPL-2.0
/*
 * abi10_udp: UDP bind and connect/send rights (SPEC §6.1, §6.2, ABI 10)
 * for the ABI the running kernel reports, and the fallback of kernels
 * without them (ABI 4-9: UDP bits unknown, UDP unrestricted).
 *
 * Every test runs in a fresh network namespace holding only `lo`
 * (127.0.0.1 and ::1).  Receivers are bound, non-blocking, before the test
 * restricts itself; loopback delivers a datagram before sendto() returns,
 * so a receive right after a send tells whether it went through.
 *
 *	port        rule (when the test adds one)
 *	P_ALLOWED   the right under test           (0x1234 in host order)
 *	P_SWAPPED   none: P_ALLOWED byte-swapped
 *	P_DENIED    none
 *	P_OTHER     a different right than the one under test
 *	0           BIND_UDP where a test allows autobinding (§6.1)
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

#define BIND_TCP LANDLOCK_ACCESS_NET_BIND_TCP
#define CONNECT_TCP LANDLOCK_ACCESS_NET_CONNECT_TCP
#define TCP_RIGHTS (BIND_TCP | CONNECT_TCP)
#define BIND_UDP LANDLOCK_ACCESS_NET_BIND_UDP
#define SEND_UDP LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP
#define UDP_RIGHTS (BIND_UDP | SEND_UDP)

#define P_ALLOWED 0x1234
#define P_SWAPPED 0x3412
#define P_DENIED 4661
#define P_OTHER 4662

static int udp_socket(int family)
{
	return socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

/* One byte to `a` (NULL: no address) with sendto(); 0 or the errno. */
static int send_len(int fd, const struct ll_addr *a, socklen_t len)
{
	ssize_t ret = sendto(fd, "d", 1, 0, a ? &a->u.sa : NULL, a ? len : 0);

	return ret < 0 ? errno : ret == 1 ? 0 : EIO;
}

static int send_to(int fd, const struct ll_addr *a)
{
	return send_len(fd, a, a ? a->len : 0);
}

/* The same with sendmsg() and msg_name. */
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

/* bind() / connect() / sendto() of a fresh UDP socket to loopback:port. */
static int try_bind(int family, uint16_t port)
{
	return ll_try_bind(family, SOCK_DGRAM, 0, port);
}

static int try_connect(int family, uint16_t port)
{
	return ll_try_connect(family, SOCK_DGRAM, 0, port);
}

/* One byte by `how` from a fresh UDP socket; -1 if it cannot be made. */
static int try_send(int family, uint16_t port,
		    int (*how)(int fd, const struct ll_addr *a))
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = udp_socket(family), err;

	if (fd < 0)
		return -1;
	err = how(fd, &a);
	close(fd);
	return err;
}

static int try_sendto(int family, uint16_t port)
{
	return try_send(family, port, send_to);
}

static int try_sendmsg(int family, uint16_t port)
{
	return try_send(family, port, sendmsg_to);
}

#define RECEIVER(fd, family, port)                                          \
	do {                                                                \
		(fd) = ll_loopback_socket((family), SOCK_DGRAM, 0, (port)); \
		if ((fd) < 0)                                               \
			LL_BROKEN("UDP bind to port %d: %s", (port),        \
				  strerror(-(fd)));                         \
	} while (0)

/* Datagrams waiting on a receiver (drained). */
static int pending(int rx)
{
	char buf[16];
	int n = 0;

	while (recv(rx, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* --- fixture: IPv4 and IPv6 ------------------------------------------ */

#define NETNS_FAMILY(family) LL_NETNS_FAMILY(family, SOCK_DGRAM)

FIXTURE(udp){};

FIXTURE_VARIANT(udp)
{
	int family;
};

FIXTURE_VARIANT_ADD(udp, ipv4){
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(udp, ipv6){
	.family = AF_INET6,
};

FIXTURE_SETUP(udp)
{
}

FIXTURE_TEARDOWN(udp)
{
}

/* --- §6.1: bind --------------------------------------------------------- */

LL_TEST_F(udp, bind_allowed_by_rule_denied_without)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS | BIND_TCP,
				    PORTS(PORT(P_ALLOWED, BIND_UDP),
					  PORT(P_OTHER, SEND_UDP | BIND_TCP))));
	EXPECT_EQ(0, try_bind(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(family, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(family, P_SWAPPED));
	/* Neither CONNECT_SEND_UDP nor BIND_TCP grants a UDP bind. */
	EXPECT_EQ(EACCES, try_bind(family, P_OTHER));
}

LL_TEST_F(udp, bind_zero_allowed_only_by_port_zero_rule)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(BIND_UDP, PORTS(PORT(0, BIND_UDP))));
	EXPECT_EQ(0, try_bind(family, 0));
	EXPECT_EQ(EACCES, try_bind(family, P_ALLOWED));
}

LL_TEST_F(udp, bind_zero_denied_without_port_zero_rule)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_UDP, PORTS(PORT(P_ALLOWED, BIND_UDP))));
	EXPECT_EQ(EACCES, try_bind(family, 0));
	EXPECT_EQ(0, try_bind(family, P_ALLOWED));
}

/* --- §6.1: connect, sendto, sendmsg ------------------------------------ */

/* BIND_UDP is not handled here: no autobind check. */
LL_TEST_F(udp, connect_allowed_by_rule_denied_without)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(SEND_UDP | CONNECT_TCP,
				    PORTS(PORT(P_ALLOWED, SEND_UDP),
					  PORT(P_OTHER, CONNECT_TCP))));
	EXPECT_EQ(0, try_connect(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_connect(family, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(family, P_SWAPPED));
	/* CONNECT_TCP does not grant a UDP connect. */
	EXPECT_EQ(EACCES, try_connect(family, P_OTHER));
}

LL_TEST_F(udp, sendto_and_sendmsg_with_address_checked)
{
	const int family = variant->family;
	int rx_allowed, rx_denied;

	NETNS_FAMILY(family);
	RECEIVER(rx_allowed, family, P_ALLOWED);
	RECEIVER(rx_denied, family, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(0, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(0, try_sendmsg(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendto(family, P_DENIED));
	EXPECT_EQ(EACCES, try_sendmsg(family, P_DENIED));
	EXPECT_EQ(2, pending(rx_allowed));
	EXPECT_EQ(0, pending(rx_denied));
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

	NETNS_FAMILY(family);
	RECEIVER(rx, family, P_DENIED);
	tx = udp_socket(family);
	ASSERT_LE(0, tx);
	ASSERT_EQ(0, ll_connect_to(tx, &peer));
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS, NO_PORTS));
	EXPECT_EQ(0, send_to(tx, NULL));
	EXPECT_EQ(0, sendmsg_to(tx, NULL));
	EXPECT_EQ(1, write(tx, "w", 1));
	EXPECT_EQ(3, pending(rx));
	EXPECT_EQ(EACCES, send_to(tx, &peer));
	EXPECT_EQ(EACCES, sendmsg_to(tx, &peer));
	EXPECT_EQ(EACCES, ll_connect_to(tx, &peer));
	EXPECT_EQ(0, pending(rx));
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

	NETNS_FAMILY(family);
	RECEIVER(rx, family, P_ALLOWED);
	/* Bound before the restriction: it has a local port. */
	bound = udp_socket(family);
	ASSERT_LE(0, bound);
	ASSERT_EQ(0, ll_bind_to(bound, &local));
	ASSERT_EQ(0,
		  ll_enforce_net(UDP_RIGHTS, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(EACCES, try_connect(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_sendmsg(family, P_ALLOWED));
	/* Even without an address, an unbound socket would autobind. */
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EACCES, send_to(fd, NULL));
	close(fd);
	EXPECT_EQ(0, pending(rx));
	/* A socket with a local port needs only the remote right. */
	EXPECT_EQ(0, send_to(bound, &dst));
	EXPECT_EQ(0, ll_connect_to(bound, &dst));
	EXPECT_EQ(0, send_to(bound, NULL));
	EXPECT_EQ(2, pending(rx));
	close(bound);
	close(rx);
}

LL_TEST_F(udp, autobind_allowed_by_port_zero_rule)
{
	const int family = variant->family;
	struct ll_addr dst = ll_loopback(family, P_ALLOWED);
	int rx, fd;

	NETNS_FAMILY(family);
	RECEIVER(rx, family, P_ALLOWED);
	ASSERT_EQ(0,
		  ll_enforce_net(UDP_RIGHTS, PORTS(PORT(0, BIND_UDP),
						   PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(0, try_sendto(family, P_ALLOWED));
	EXPECT_EQ(0, try_sendmsg(family, P_ALLOWED));
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ll_connect_to(fd, &dst));
	EXPECT_EQ(0, send_to(fd, NULL));
	close(fd);
	EXPECT_EQ(3, pending(rx));
	/* The remote port is still checked, and explicit binds too. */
	EXPECT_EQ(EACCES, try_sendto(family, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(family, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(family, P_DENIED));
	/* Without an address an unconnected socket gets the protocol error. */
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EDESTADDRREQ, send_to(fd, NULL));
	close(fd);
	close(rx);
}

/* --- §6.2: address validation ------------------------------------------ */

LL_TEST_F(udp, short_address_einval_when_handled)
{
	const int family = variant->family;
	struct ll_addr denied = ll_loopback(family, P_DENIED);
	struct ll_addr allowed = ll_loopback(family, P_ALLOWED);
	int fd;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS,
				    PORTS(PORT(0, BIND_UDP),
					  PORT(P_ALLOWED, UDP_RIGHTS))));
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, ll_bind_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(family) - 1));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL,
		  ll_connect_len(fd, &denied, ll_addr_min_len(family) - 1));
	EXPECT_EQ(EINVAL, send_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL, send_len(fd, &denied, ll_addr_min_len(family) - 1));
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &allowed, ll_addr_min_len(family) - 1));
	/* The full length reaches the port check. */
	EXPECT_EQ(EACCES, send_to(fd, &denied));
	EXPECT_EQ(EACCES, ll_connect_to(fd, &denied));
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

LL_TEST_F(udp, family_mismatch_einval)
{
	const int family = variant->family;
	const int other = family == AF_INET ? AF_INET6 : AF_INET;
	/* Long enough for either family, sa_family of the other one. */
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET6, P_DENIED), other);
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET6, P_ALLOWED), other);
	int fd;

	NETNS_FAMILY(family);
	if (other == AF_INET) {
		/* The IPv4 port field is where the IPv6 one is. */
		denied.u.in4.sin_port = htons(P_DENIED);
		allowed.u.in4.sin_port = htons(P_ALLOWED);
	}
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS,
				    PORTS(PORT(0, BIND_UDP),
					  PORT(P_ALLOWED, UDP_RIGHTS))));
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, ll_bind_to(fd, &denied));
	EXPECT_EQ(EINVAL, ll_bind_to(fd, &allowed));
	EXPECT_EQ(EINVAL, ll_connect_to(fd, &denied));
	EXPECT_EQ(EINVAL, ll_connect_to(fd, &allowed));
	EXPECT_EQ(EINVAL, send_to(fd, &denied));
	EXPECT_EQ(EINVAL, send_to(fd, &allowed));
	close(fd);
}

/* §6.2: connect(AF_UNSPEC) only removes the peer: always allowed. */
LL_TEST_F(udp, connect_unspec_always_allowed)
{
	const int family = variant->family;
	struct ll_addr peer = ll_loopback(family, P_DENIED);
	struct ll_addr unspec =
		ll_addr_with_family(ll_loopback(family, 0), AF_UNSPEC);
	int rx, fd;

	NETNS_FAMILY(family);
	RECEIVER(rx, family, P_DENIED);
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_connect_to(fd, &peer));
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS, NO_PORTS));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &unspec, 1));
	EXPECT_EQ(0, ll_connect_len(fd, &unspec, sizeof(sa_family_t)));
	EXPECT_EQ(0, ll_connect_to(fd, &unspec));
	/* Reconnecting is checked. */
	EXPECT_EQ(EACCES, ll_connect_to(fd, &peer));
	close(fd);
	/* On a socket without a local port: no autobind, so allowed. */
	fd = udp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ll_connect_len(fd, &unspec, sizeof(sa_family_t)));
	close(fd);
	EXPECT_EQ(0, pending(rx));
	close(rx);
}

/* §6.2: an AF_UNSPEC destination on an IPv4 socket is checked as AF_INET. */
LL_TEST(sendto_unspec_checked_as_inet_on_ipv4)
{
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET, P_DENIED), AF_UNSPEC);
	int rx_allowed, rx_denied, fd;

	LL_NETNS();
	RECEIVER(rx_allowed, AF_INET, P_ALLOWED);
	RECEIVER(rx_denied, AF_INET, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, send_len(fd, &denied, ll_addr_min_len(AF_INET) - 1));
	EXPECT_EQ(EACCES, send_to(fd, &denied));
	EXPECT_EQ(EACCES, sendmsg_to(fd, &denied));
	EXPECT_EQ(0, send_to(fd, &allowed));
	EXPECT_EQ(0, sendmsg_to(fd, &allowed));
	EXPECT_EQ(2, pending(rx_allowed));
	EXPECT_EQ(0, pending(rx_denied));
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

	NETNS_FAMILY(AF_INET6);
	RECEIVER(rx, AF_INET6, P_ALLOWED);
	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_connect_to(fd, &peer));
	ASSERT_EQ(0,
		  ll_enforce_net(SEND_UDP, PORTS(PORT(P_ALLOWED, SEND_UDP))));
	EXPECT_EQ(EACCES, send_to(fd, &unspec));
	EXPECT_EQ(EACCES, sendmsg_to(fd, &unspec));
	EXPECT_EQ(EACCES, send_len(fd, &unspec, sizeof(sa_family_t)));
	EXPECT_EQ(0, pending(rx));
	/* Without an address, or with the peer's, it goes through. */
	EXPECT_EQ(0, send_to(fd, NULL));
	EXPECT_EQ(0, send_to(fd, &peer));
	EXPECT_EQ(2, pending(rx));
	close(fd);
	close(rx);
}

/* §6.2: bind(AF_UNSPEC) on IPv4 is checked as AF_INET when INADDR_ANY. */
LL_TEST(bind_unspec_inaddr_any_checked_as_inet_on_ipv4)
{
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET, P_DENIED), AF_UNSPEC);
	int fd;

	LL_NETNS();
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	denied.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_UDP, PORTS(PORT(P_ALLOWED, BIND_UDP))));
	fd = udp_socket(AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(AF_INET) - 1));
	EXPECT_EQ(EACCES, ll_bind_to(fd, &denied));
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	EXPECT_EQ(EAFNOSUPPORT, ll_bind_to(fd, &allowed));
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

/* §6.2: bind(AF_UNSPEC) on IPv6: EINVAL if short, else EAFNOSUPPORT. */
LL_TEST(bind_unspec_rejected_on_ipv6)
{
	struct ll_addr allowed = ll_addr_with_family(
		ll_loopback(AF_INET6, P_ALLOWED), AF_UNSPEC);
	int fd;

	NETNS_FAMILY(AF_INET6);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_UDP, PORTS(PORT(P_ALLOWED, BIND_UDP))));
	fd = udp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &allowed, ll_addr_min_len(AF_INET6) - 1));
	EXPECT_EQ(EAFNOSUPPORT, ll_bind_to(fd, &allowed));
	allowed = ll_loopback(AF_INET6, P_ALLOWED);
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

/* --- rules: shared by families, separate from TCP ------------------------ */

LL_TEST(ipv4_and_ipv6_share_port_rules)
{
	NETNS_FAMILY(AF_INET6);
	ASSERT_EQ(0, ll_enforce_net(UDP_RIGHTS,
				    PORTS(PORT(0, BIND_UDP),
					  PORT(P_ALLOWED, UDP_RIGHTS))));
	EXPECT_EQ(0, try_bind(AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_bind(AF_INET6, P_ALLOWED));
	EXPECT_EQ(0, try_connect(AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_connect(AF_INET6, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(AF_INET6, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(AF_INET6, P_DENIED));
}

/* TCP rights do not restrict UDP... */
LL_TEST(tcp_rights_do_not_restrict_udp)
{
	int rx;

	LL_NETNS();
	RECEIVER(rx, AF_INET, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	EXPECT_EQ(0, try_bind(AF_INET, P_OTHER));
	EXPECT_EQ(0, try_bind(AF_INET, 0));
	EXPECT_EQ(0, try_connect(AF_INET, P_DENIED));
	EXPECT_EQ(0, try_sendto(AF_INET, P_DENIED));
	EXPECT_EQ(0, try_sendmsg(AF_INET, P_DENIED));
	EXPECT_EQ(2, pending(rx));
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
		EXPECT_EQ(0, try_bind(family, P_OTHER));
		EXPECT_EQ(0, try_bind(family, 0));
		EXPECT_EQ(0, try_sendto(family, P_DENIED));
		EXPECT_EQ(0, try_sendmsg(family, P_DENIED));
		fd = udp_socket(family);
		ASSERT_LE(0, fd);
		EXPECT_EQ(0, ll_connect_to(fd, &dst));
		EXPECT_EQ(0, send_to(fd, NULL));
		close(fd);
		EXPECT_EQ(3, pending(rx[i]));
		close(rx[i]);
	}
}

LL_MAIN();
