/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The network fixture, protocol x family, and the behaviours TCP and UDP
 * share (SPEC §6.1, §6.2), written once.  The including program picks the
 * protocol, the variants cross it with the families: abi4_net_tcp.c and
 * abi10_udp.c each include it for their protocol, which keeps their
 * program, fixture and test names (tcp.ipv4.bind_allowed_by_rule_denied_without
 * in abi4_net_tcp, udp.ipv4.... in abi10_udp), then add the tests of their
 * protocol alone.  Before including it, a program defines NET_FIXTURE, the
 * fixture's name and protocol: tcp or udp (NET_PROTOCOL is then net_tcp or
 * net_udp below).
 *
 * Each variant declares the behaviour its protocol needs (ABI 4 for TCP,
 * ABI 10 for UDP: LL_FIXTURE_VARIANT_ADD), so every instance is gated by
 * its own variant, not by the program it happens to be in.
 *
 * Every test runs in a fresh network namespace holding only `lo`
 * (127.0.0.1 and ::1): fixed ports cannot collide with anything, and
 * nothing ever leaves the machine.  Servers (TCP listeners, UDP receivers)
 * are made, non-blocking, before the test restricts itself: no connect can
 * block, and a receive right after a send tells whether it went through.
 *
 *	port        rule (when the test adds one)
 *	P_ALLOWED   the right under test           (0x1234 in host order)
 *	P_SWAPPED   none: P_ALLOWED byte-swapped   (catches endianness bugs)
 *	P_DENIED    none
 *	P_OTHER     a different right than the one under test
 *	0           the autobind right (UDP's BIND_UDP) where a test allows
 *	            sockets without a local port to get one (§6.1)
 */
#ifndef LLCONFORM_NET_FIXTURE_H
#define LLCONFORM_NET_FIXTURE_H

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ll_harness.h"
#include "net.h"

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

/* What the shared tests need to know of a protocol. */
struct net_protocol {
	int type; /* SOCK_STREAM or SOCK_DGRAM */
	uint64_t bind, connect; /* its two rights */
	/*
	 * A socket without a local port gets one when it connects or sends:
	 * the right that port 0 needs then (0: not checked, TCP).
	 */
	uint64_t autobind;
	/*
	 * Handled rights other than `connect` that must not grant a connect,
	 * and other than `bind` that must not grant a bind.  Only rights of
	 * the protocol's own ABI: a TCP variant also runs on ABI 4, and UDP
	 * must not handle BIND_UDP when a test checks connect alone (autobind).
	 */
	uint64_t not_connect, not_bind;
};

static const struct net_protocol __attribute__((unused)) net_tcp = {
	.type = SOCK_STREAM,
	.bind = BIND_TCP,
	.connect = CONNECT_TCP,
	.not_connect = BIND_TCP,
	.not_bind = CONNECT_TCP,
};

static const struct net_protocol __attribute__((unused)) net_udp = {
	.type = SOCK_DGRAM,
	.bind = BIND_UDP,
	.connect = SEND_UDP,
	.autobind = BIND_UDP,
	.not_connect = CONNECT_TCP,
	.not_bind = SEND_UDP | BIND_TCP,
};

static inline uint64_t net_rights(const struct net_protocol *p)
{
	return p->bind | p->connect;
}

static inline int net_socket(const struct net_protocol *p, int family)
{
	return socket(family, p->type | SOCK_CLOEXEC, 0);
}

/* bind() / connect() of a fresh socket to loopback:port: 0 or errno. */
static inline int try_bind(const struct net_protocol *p, int family,
			   uint16_t port)
{
	return ll_try_bind(family, p->type, 0, port);
}

static inline int try_connect(const struct net_protocol *p, int family,
			      uint16_t port)
{
	return ll_try_connect(family, p->type, 0, port);
}

/*
 * A server on loopback:port, made before the restriction: a listener for
 * TCP, a bound receiver for UDP; both non-blocking.
 */
#define NET_SERVER(fd, p, family, port)                                    \
	do {                                                               \
		(fd) = ll_loopback_socket((family), (p)->type, 0, (port)); \
		if ((fd) < 0)                                              \
			LL_BROKEN("server on port %d: %s", (port),         \
				  strerror(-(fd)));                        \
	} while (0)

/*
 * What reached a server since the last call (drained): connections a TCP
 * listener accepted, or datagrams a UDP receiver got.
 */
static inline int net_arrivals(const struct net_protocol *p, int srv)
{
	char buf[16];
	int n = 0, fd;

	if (p->type == SOCK_STREAM) {
		while ((fd = accept4(srv, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
			close(fd);
			n++;
		}
		return n;
	}
	while (recv(srv, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		n++;
	return n;
}

/* A fresh netns where a socket of the family and protocol can be made. */
#define NET_NETNS(p, family) LL_NETNS_FAMILY((family), (p)->type)

/* One byte to `a` with sendto(), `len` bytes of address: 0 or the errno. */
static inline int net_send_len(int fd, const struct ll_addr *a, socklen_t len)
{
	ssize_t ret = sendto(fd, "d", 1, 0, a ? &a->u.sa : NULL, a ? len : 0);

	return ret < 0 ? errno : ret == 1 ? 0 : EIO;
}

static inline int net_send_to(int fd, const struct ll_addr *a)
{
	return net_send_len(fd, a, a ? a->len : 0);
}

/* --- the fixture: protocol (the program's) x family ------------------- */

/* The harness's macros paste their arguments: expand NET_FIXTURE first. */
#define NET_EXPAND(macro, ...) macro(__VA_ARGS__)
#define NET_CAT_(a, b) a##b
#define NET_CAT(a, b) NET_CAT_(a, b)
/* The program's protocol, and the behaviour (ABI) its variants need. */
#define NET_PROTOCOL NET_CAT(net_, NET_FIXTURE)
#define NET_BEHAVIOUR NET_CAT(NET_BEHAVIOUR_, NET_FIXTURE)
#define NET_BEHAVIOUR_tcp LL_B_NET_TCP
#define NET_BEHAVIOUR_udp LL_B_NET_UDP
#define NET_TEST(test_name, ...) \
	NET_EXPAND(LL_TEST_F, NET_FIXTURE, test_name, ##__VA_ARGS__)

NET_EXPAND(FIXTURE, NET_FIXTURE){};

NET_EXPAND(FIXTURE_VARIANT, NET_FIXTURE)
{
	const struct net_protocol *proto;
	int family;
};

NET_EXPAND(LL_FIXTURE_VARIANT_ADD, NET_FIXTURE, ipv4, .needs = NET_BEHAVIOUR){
	.proto = &NET_PROTOCOL,
	.family = AF_INET,
};

NET_EXPAND(LL_FIXTURE_VARIANT_ADD, NET_FIXTURE, ipv6, .needs = NET_BEHAVIOUR){
	.proto = &NET_PROTOCOL,
	.family = AF_INET6,
};

NET_EXPAND(FIXTURE_SETUP, NET_FIXTURE)
{
}

NET_EXPAND(FIXTURE_TEARDOWN, NET_FIXTURE)
{
}

/* --- §6.1: bind and connect per port --------------------------------- */

NET_TEST(bind_allowed_by_rule_denied_without)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;

	NET_NETNS(p, family);
	ASSERT_EQ(0, ll_enforce_net(net_rights(p) | p->not_bind,
				    PORTS(PORT(P_ALLOWED, p->bind),
					  PORT(P_OTHER, p->not_bind))));
	EXPECT_EQ(0, try_bind(p, family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(p, family, P_DENIED));
	/* The rule is in host byte order: the swapped port has none. */
	EXPECT_EQ(EACCES, try_bind(p, family, P_SWAPPED));
	/* Neither the connect right nor the other protocol's grants bind. */
	EXPECT_EQ(EACCES, try_bind(p, family, P_OTHER));
}

/* UDP's BIND_UDP is not handled here: no autobind check. */
NET_TEST(connect_allowed_by_rule_denied_without)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;
	/* A TCP connect reaches the listener; a UDP one sends nothing. */
	const int reached = p->type == SOCK_STREAM;
	int allowed, denied, swapped, other;

	NET_NETNS(p, family);
	NET_SERVER(allowed, p, family, P_ALLOWED);
	NET_SERVER(denied, p, family, P_DENIED);
	NET_SERVER(swapped, p, family, P_SWAPPED);
	NET_SERVER(other, p, family, P_OTHER);
	ASSERT_EQ(0, ll_enforce_net(p->connect | p->not_connect,
				    PORTS(PORT(P_ALLOWED, p->connect),
					  PORT(P_OTHER, p->not_connect))));
	EXPECT_EQ(0, try_connect(p, family, P_ALLOWED));
	/* Denied although a server is there. */
	EXPECT_EQ(EACCES, try_connect(p, family, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(p, family, P_SWAPPED));
	/* Another handled right on the port does not grant connect. */
	EXPECT_EQ(EACCES, try_connect(p, family, P_OTHER));
	/* Only the allowed connection reached a server. */
	EXPECT_EQ(reached, net_arrivals(p, allowed));
	EXPECT_EQ(0, net_arrivals(p, denied));
	EXPECT_EQ(0, net_arrivals(p, swapped));
	EXPECT_EQ(0, net_arrivals(p, other));
	close(allowed);
	close(denied);
	close(swapped);
	close(other);
}

/* §6.1: port 0 in a bind rule means "may bind to an ephemeral port". */
NET_TEST(bind_zero_allowed_only_by_port_zero_rule)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;
	struct ll_addr a = ll_loopback(family, 0), got;
	int fd;

	NET_NETNS(p, family);
	ASSERT_EQ(0, ll_enforce_net(p->bind, PORTS(PORT(0, p->bind))));
	EXPECT_EQ(0, try_bind(p, family, 0));
	fd = net_socket(p, family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_bind_to(fd, &a));
	/* The kernel picked a port: binding to it explicitly is denied. */
	got.len = sizeof(got.u);
	ASSERT_EQ(0, getsockname(fd, &got.u.sa, &got.len));
	ASSERT_NE(0, ll_port_of(&got));
	EXPECT_EQ(EACCES, try_bind(p, family, ll_port_of(&got)));
	EXPECT_EQ(EACCES, try_bind(p, family, P_ALLOWED));
	close(fd);
}

NET_TEST(bind_zero_denied_without_port_zero_rule)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;

	NET_NETNS(p, family);
	ASSERT_EQ(0, ll_enforce_net(p->bind, PORTS(PORT(P_ALLOWED, p->bind))));
	EXPECT_EQ(EACCES, try_bind(p, family, 0));
	EXPECT_EQ(0, try_bind(p, family, P_ALLOWED));
}

/* --- §6.2: address validation ---------------------------------------- */

/*
 * Rules of a domain handling both rights of `p`: both on P_ALLOWED, and
 * the autobind right on port 0 where the protocol has one (an entry with
 * no right ends a PORTS() list, so TCP's stops before it).
 */
#define NET_ALLOWED_PORTS(p) \
	PORTS(PORT(P_ALLOWED, net_rights(p)), PORT(0, (p)->autobind))

/*
 * A too short address is EINVAL, never EACCES, even for a denied port:
 * shorter than sa_family, and shorter than the family's sockaddr.
 */
NET_TEST(short_address_einval_when_handled)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;
	const socklen_t min = ll_addr_min_len(family);
	struct ll_addr denied = ll_loopback(family, P_DENIED);
	struct ll_addr allowed = ll_loopback(family, P_ALLOWED);
	int srv, fd;

	NET_NETNS(p, family);
	NET_SERVER(srv, p, family, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(net_rights(p), NET_ALLOWED_PORTS(p)));
	fd = net_socket(p, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, ll_bind_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL, ll_bind_len(fd, &denied, min - 1));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &denied, min - 1));
	if (p->type == SOCK_DGRAM) {
		/* A UDP send names its destination the same way. */
		EXPECT_EQ(EINVAL, net_send_len(fd, &denied, 1));
		EXPECT_EQ(EINVAL, net_send_len(fd, &denied, min - 1));
	}
	EXPECT_EQ(EINVAL, ll_bind_len(fd, &allowed, min - 1));
	/* The full length reaches the port check. */
	if (p->type == SOCK_DGRAM)
		EXPECT_EQ(EACCES, net_send_to(fd, &denied));
	EXPECT_EQ(EACCES, ll_connect_to(fd, &denied));
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	EXPECT_EQ(0, net_arrivals(p, srv));
	close(fd);
	close(srv);
}

/*
 * An address whose sa_family is the other inet family is EINVAL (not
 * EACCES), whether its port is allowed or not.  It is long enough for
 * either family (an IPv4-sized one would be short for an IPv6 socket).
 */
NET_TEST(family_mismatch_einval)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;
	const int other = family == AF_INET ? AF_INET6 : AF_INET;
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET6, P_DENIED), other);
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET6, P_ALLOWED), other);
	int fd;

	NET_NETNS(p, family);
	if (other == AF_INET) {
		/* The IPv4 port field is where the IPv6 one is. */
		denied.u.in4.sin_port = htons(P_DENIED);
		allowed.u.in4.sin_port = htons(P_ALLOWED);
	}
	ASSERT_EQ(0, ll_enforce_net(net_rights(p), NET_ALLOWED_PORTS(p)));
	fd = net_socket(p, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, ll_bind_to(fd, &denied));
	EXPECT_EQ(EINVAL, ll_bind_to(fd, &allowed));
	EXPECT_EQ(EINVAL, ll_connect_to(fd, &denied));
	EXPECT_EQ(EINVAL, ll_connect_to(fd, &allowed));
	if (p->type == SOCK_DGRAM) {
		EXPECT_EQ(EINVAL, net_send_to(fd, &denied));
		EXPECT_EQ(EINVAL, net_send_to(fd, &allowed));
	}
	close(fd);
}

/*
 * §6.2: connect(AF_UNSPEC) dissolves the association (TCP) or removes the
 * peer (UDP): always allowed, at any length from a bare sa_family on.
 * For TCP this is the fixed behaviour of upstream commit e4d82cbce225
 * ("landlock: Fix TCP handling of short AF_UNSPEC addresses"): the original
 * code wrongly required a sockaddr_in's length and answered EINVAL.
 */
NET_TEST(connect_unspec_always_allowed)
{
	const struct net_protocol *p = variant->proto;
	const int family = variant->family;
	struct ll_addr peer = ll_loopback(family, P_DENIED);
	struct ll_addr unspec =
		ll_addr_with_family(ll_loopback(family, 0), AF_UNSPEC);
	int srv, fd, err;

	NET_NETNS(p, family);
	NET_SERVER(srv, p, family, P_DENIED);
	fd = net_socket(p, family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_connect_to(fd, &peer));
	net_arrivals(p, srv);
	ASSERT_EQ(0, ll_enforce_net(net_rights(p), NO_PORTS));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &unspec, 1));
	/* A bare sa_family, on the connected socket. */
	err = ll_connect_len(fd, &unspec, sizeof(sa_family_t));
	EXPECT_EQ(0, err)
	{
		TH_LOG("connect(AF_UNSPEC, %zu bytes) on a connected %s "
		       "socket: %s (EINVAL: the original code, fixed upstream "
		       "by e4d82cbce225)",
		       sizeof(sa_family_t),
		       p->type == SOCK_STREAM ? "TCP" : "UDP", strerror(err));
	}
	/* The full length. */
	EXPECT_EQ(0, ll_connect_to(fd, &unspec));
	/* Reconnecting is checked again. */
	EXPECT_EQ(EACCES, ll_connect_to(fd, &peer));
	close(fd);
	/* On a socket without a local port: no autobind, so allowed. */
	fd = net_socket(p, family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, ll_connect_len(fd, &unspec, sizeof(sa_family_t)));
	close(fd);
	/* Nothing new reached the server. */
	EXPECT_EQ(0, net_arrivals(p, srv));
	close(srv);
}

/* §6.2: bind(AF_UNSPEC) on an IPv4 socket: checked as AF_INET if ANY. */
LL_TEST(bind_unspec_inaddr_any_checked_as_inet_on_ipv4)
{
	const struct net_protocol *p = &NET_PROTOCOL;
	struct ll_addr allowed =
		ll_addr_with_family(ll_loopback(AF_INET, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET, P_DENIED), AF_UNSPEC);
	int fd;

	LL_NETNS();
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	denied.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	ASSERT_EQ(0, ll_enforce_net(p->bind, PORTS(PORT(P_ALLOWED, p->bind))));
	fd = net_socket(p, AF_INET);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(AF_INET) - 1));
	EXPECT_EQ(EACCES, ll_bind_to(fd, &denied));
	/* Not INADDR_ANY: EAFNOSUPPORT even where a rule allows the port. */
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	EXPECT_EQ(EAFNOSUPPORT, ll_bind_to(fd, &allowed));
	allowed.u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

/*
 * §6.2: bind(AF_UNSPEC) on an IPv6 socket is EAFNOSUPPORT, as the stack
 * answers, whether the port is allowed or not (EINVAL when shorter than
 * sockaddr_in6).  For TCP the original code answered EINVAL at every
 * length; upstream e4d82cbce225 fixed it (its selftest bind_unspec, fixed
 * by bd09d9a05cf0, asserts EAFNOSUPPORT).
 */
LL_TEST(bind_unspec_rejected_on_ipv6)
{
	const struct net_protocol *p = &NET_PROTOCOL;
	struct ll_addr allowed = ll_addr_with_family(
		ll_loopback(AF_INET6, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET6, P_DENIED), AF_UNSPEC);
	int fd, err;

	NET_NETNS(p, AF_INET6);
	ASSERT_EQ(0, ll_enforce_net(p->bind, PORTS(PORT(P_ALLOWED, p->bind))));
	fd = net_socket(p, AF_INET6);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(AF_INET6) - 1));
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &allowed, ll_addr_min_len(AF_INET6) - 1));
	err = ll_bind_to(fd, &denied);
	EXPECT_EQ(EAFNOSUPPORT, err)
	{
		TH_LOG("bind(AF_UNSPEC) on an IPv6 %s socket, denied port: %s "
		       "(EINVAL: the original code, fixed upstream by "
		       "e4d82cbce225)",
		       p->type == SOCK_STREAM ? "TCP" : "UDP", strerror(err));
	}
	EXPECT_EQ(EAFNOSUPPORT, ll_bind_to(fd, &allowed));
	/* The socket is still unbound and usable. */
	allowed = ll_loopback(AF_INET6, P_ALLOWED);
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

/* --- rules: shared by both families ------------------------------------ */

LL_TEST(ipv4_and_ipv6_share_port_rules)
{
	const struct net_protocol *p = &NET_PROTOCOL;
	int s4, s6;

	NET_NETNS(p, AF_INET6);
	NET_SERVER(s4, p, AF_INET, P_DENIED);
	NET_SERVER(s6, p, AF_INET6, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(net_rights(p), NET_ALLOWED_PORTS(p)));
	EXPECT_EQ(0, try_bind(p, AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_bind(p, AF_INET6, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(p, AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(p, AF_INET6, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(p, AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(p, AF_INET6, P_DENIED));
	close(s4);
	close(s6);
	/* Both families can serve and reach the allowed port. */
	s4 = ll_loopback_socket(AF_INET, p->type, 0, P_ALLOWED);
	EXPECT_LE(0, s4);
	s6 = ll_loopback_socket(AF_INET6, p->type, 0, P_ALLOWED);
	EXPECT_LE(0, s6);
	EXPECT_EQ(0, try_connect(p, AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_connect(p, AF_INET6, P_ALLOWED));
	close(s4);
	close(s6);
}

#endif /* LLCONFORM_NET_FIXTURE_H */
