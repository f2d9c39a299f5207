// SPDX-License-Identifier: GPL-2.0
/*
 * abi4_net_tcp: TCP bind and connect rights (SPEC §6, §3.1, §9 erratum 1)
 * for the ABI the running kernel reports, and the documented fallbacks of
 * kernels without them (ABI 1-3: no net field, no NET_PORT rule, TCP
 * unrestricted; ABI 4-9: UDP unrestricted).
 *
 * Every test runs in a fresh network namespace holding only `lo`
 * (127.0.0.1 and ::1): fixed ports cannot collide with anything, and
 * nothing ever leaves the machine.  Servers a test connects to listen
 * before the test restricts itself, so no connect can block.
 *
 *	port        rule (when the test adds one)
 *	P_ALLOWED   the right under test           (0x1234 in host order)
 *	P_SWAPPED   none: P_ALLOWED byte-swapped   (catches endianness bugs)
 *	P_DENIED    none
 *	P_OTHER     a different right than the one under test
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "net.h"

LL_PROGRAM(LL_B_NET_TCP);

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define BIND_TCP LANDLOCK_ACCESS_NET_BIND_TCP
#define CONNECT_TCP LANDLOCK_ACCESS_NET_CONNECT_TCP
#define TCP_RIGHTS (BIND_TCP | CONNECT_TCP)

#define P_ALLOWED 0x1234
#define P_SWAPPED 0x3412
#define P_DENIED 4661
#define P_OTHER 4662

/* A TCP socket, and bind() / connect() of a fresh one to loopback:port. */
static int tcp_socket(int family)
{
	return socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int try_bind(int family, uint16_t port)
{
	return ll_try_bind(family, SOCK_STREAM, 0, port);
}

static int try_connect(int family, uint16_t port)
{
	return ll_try_connect(family, SOCK_STREAM, 0, port);
}

#define LISTEN(fd, family, port)                                             \
	do {                                                                 \
		(fd) = ll_loopback_socket((family), SOCK_STREAM, 0, (port)); \
		if ((fd) < 0)                                                \
			LL_BROKEN("listen on port %d: %s", (port),           \
				  strerror(-(fd)));                          \
	} while (0)

/* Accepts one connection (EAGAIN on a listener without one). */
static int accept_one(int srv)
{
	return accept4(srv, NULL, NULL, SOCK_CLOEXEC);
}

/* --- fixture: IPv4 and IPv6 ------------------------------------------ */

#define NETNS_FAMILY(family) LL_NETNS_FAMILY(family, SOCK_STREAM)

FIXTURE(tcp){};

FIXTURE_VARIANT(tcp)
{
	int family;
};

FIXTURE_VARIANT_ADD(tcp, ipv4){
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(tcp, ipv6){
	.family = AF_INET6,
};

FIXTURE_SETUP(tcp)
{
}

FIXTURE_TEARDOWN(tcp)
{
}

/* --- §6.1: bind and connect per port --------------------------------- */

LL_TEST_F(tcp, bind_allowed_by_rule_denied_without)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS,
				    PORTS(PORT(P_ALLOWED, BIND_TCP),
					  PORT(P_OTHER, CONNECT_TCP))));
	EXPECT_EQ(0, try_bind(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(family, P_DENIED));
	/* The rule is in host byte order: the swapped port has none. */
	EXPECT_EQ(EACCES, try_bind(family, P_SWAPPED));
	/* CONNECT_TCP on a port does not grant bind. */
	EXPECT_EQ(EACCES, try_bind(family, P_OTHER));
}

LL_TEST_F(tcp, connect_allowed_by_rule_denied_without)
{
	const int family = variant->family;
	int allowed, denied, swapped, other, fd;

	NETNS_FAMILY(family);
	LISTEN(allowed, family, P_ALLOWED);
	LISTEN(denied, family, P_DENIED);
	LISTEN(swapped, family, P_SWAPPED);
	LISTEN(other, family, P_OTHER);
	ASSERT_EQ(0,
		  ll_enforce_net(TCP_RIGHTS, PORTS(PORT(P_ALLOWED, CONNECT_TCP),
						   PORT(P_OTHER, BIND_TCP))));
	EXPECT_EQ(0, try_connect(family, P_ALLOWED));
	/* Denied although a server listens there. */
	EXPECT_EQ(EACCES, try_connect(family, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(family, P_SWAPPED));
	/* BIND_TCP on a port does not grant connect. */
	EXPECT_EQ(EACCES, try_connect(family, P_OTHER));
	/* Only the allowed connection reached a server. */
	fd = accept_one(allowed);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, accept_one(denied));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, accept_one(other));
	EXPECT_EQ(EAGAIN, errno);
	close(allowed);
	close(denied);
	close(swapped);
	close(other);
}

/* §6.1: Landlock denies before the protocol checks its state. */
LL_TEST_F(tcp, denial_wins_over_address_in_use)
{
	const int family = variant->family;
	int busy_allowed, busy_denied;

	NETNS_FAMILY(family);
	LISTEN(busy_allowed, family, P_ALLOWED);
	LISTEN(busy_denied, family, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	EXPECT_EQ(EADDRINUSE, try_bind(family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(family, P_DENIED));
	close(busy_allowed);
	close(busy_denied);
}

/* Rights not handled by the domain stay unrestricted. */
LL_TEST_F(tcp, unhandled_right_unrestricted)
{
	const int family = variant->family;
	int srv;

	NETNS_FAMILY(family);
	LISTEN(srv, family, P_DENIED);
	/* Only BIND_TCP handled: any connect is allowed. */
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	EXPECT_EQ(0, try_connect(family, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(family, P_OTHER));
	close(srv);
}

/* §6.1: port 0 in a bind rule means "may bind to an ephemeral port". */
LL_TEST_F(tcp, bind_zero_allowed_only_by_port_zero_rule)
{
	const int family = variant->family;
	struct ll_addr a = ll_loopback(family, 0), got;
	int fd;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(BIND_TCP, PORTS(PORT(0, BIND_TCP))));
	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_bind_to(fd, &a));
	/* The kernel picked a port: binding to it explicitly is denied. */
	got.len = sizeof(got.u);
	ASSERT_EQ(0, getsockname(fd, &got.u.sa, &got.len));
	ASSERT_NE(0, ll_port_of(&got));
	EXPECT_EQ(EACCES, try_bind(family, ll_port_of(&got)));
	EXPECT_EQ(EACCES, try_bind(family, P_ALLOWED));
	close(fd);
}

LL_TEST_F(tcp, bind_zero_denied_without_port_zero_rule)
{
	const int family = variant->family;

	NETNS_FAMILY(family);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	EXPECT_EQ(EACCES, try_bind(family, 0));
	EXPECT_EQ(0, try_bind(family, P_ALLOWED));
}

/* §6.1: a bound socket keeps working: listen, accept, data. */
LL_TEST_F(tcp, socket_bound_before_restriction_listens_and_accepts)
{
	const int family = variant->family;
	struct ll_addr a = ll_loopback(family, P_DENIED);
	int srv, conn, go[2], status;
	char c = 0;
	pid_t pid;

	NETNS_FAMILY(family);
	srv = tcp_socket(family);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, ll_bind_to(srv, &a));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	/* An unrestricted client, started before the restriction. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = tcp_socket(family);

		close(go[1]);
		if (fd < 0 || read(go[0], &c, 1) != 1 ||
		    ll_connect_to(fd, &a) || write(fd, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	/* The domain is in force... */
	EXPECT_EQ(EACCES, try_bind(family, P_OTHER));
	/* ...and the socket bound before it still listens and accepts. */
	ASSERT_EQ(0, listen(srv, 1));
	ASSERT_EQ(1, write(go[1], "g", 1));
	conn = accept_one(srv);
	ASSERT_LE(0, conn);
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('x', c);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(conn);
	close(srv);
	close(go[1]);
}

/* A connection made before the restriction keeps carrying data. */
LL_TEST_F(tcp, socket_connected_before_restriction_keeps_working)
{
	const int family = variant->family;
	struct ll_addr a = ll_loopback(family, P_DENIED);
	int srv, cli, conn;
	char c = 0;

	NETNS_FAMILY(family);
	LISTEN(srv, family, P_DENIED);
	cli = tcp_socket(family);
	ASSERT_LE(0, cli);
	ASSERT_EQ(0, ll_connect_to(cli, &a));
	conn = accept_one(srv);
	ASSERT_LE(0, conn);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	EXPECT_EQ(EACCES, try_connect(family, P_DENIED));
	EXPECT_EQ(1, write(cli, "y", 1));
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('y', c);
	close(conn);
	close(cli);
	close(srv);
}

/* --- §6.2: address validation ---------------------------------------- */

/*
 * A too short address is EINVAL, never EACCES, even for a denied port:
 * shorter than sa_family, and shorter than the family's sockaddr.
 */
LL_TEST_F(tcp, short_address_einval_when_handled)
{
	const int family = variant->family;
	struct ll_addr denied = ll_loopback(family, P_DENIED);
	struct ll_addr allowed = ll_loopback(family, P_ALLOWED);
	int srv, fd;

	NETNS_FAMILY(family);
	LISTEN(srv, family, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS,
				    PORTS(PORT(P_ALLOWED, TCP_RIGHTS))));
	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, ll_bind_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(family) - 1));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &denied, 1));
	EXPECT_EQ(EINVAL,
		  ll_connect_len(fd, &denied, ll_addr_min_len(family) - 1));
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &allowed, ll_addr_min_len(family) - 1));
	/* The full length reaches the port check. */
	EXPECT_EQ(EACCES, ll_connect_to(fd, &denied));
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
	close(srv);
}

/*
 * An address of the other inet family is EINVAL (not EACCES), whether its
 * port is allowed or not.
 */
LL_TEST_F(tcp, family_mismatch_einval)
{
	const int family = variant->family;
	const int other = family == AF_INET ? AF_INET6 : AF_INET;
	struct ll_addr denied = ll_loopback(other, P_DENIED);
	struct ll_addr allowed = ll_loopback(other, P_ALLOWED);
	int fd;

	NETNS_FAMILY(family);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS,
				    PORTS(PORT(P_ALLOWED, TCP_RIGHTS))));
	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	/* The other family's full length (an IPv4 one is short for IPv6). */
	if (family == AF_INET) {
		EXPECT_EQ(EINVAL, ll_bind_to(fd, &denied));
		EXPECT_EQ(EINVAL, ll_bind_to(fd, &allowed));
		EXPECT_EQ(EINVAL, ll_connect_to(fd, &denied));
		EXPECT_EQ(EINVAL, ll_connect_to(fd, &allowed));
	} else {
		/* Long enough for IPv6, family AF_INET. */
		struct ll_addr d6 = ll_addr_with_family(
			ll_loopback(family, P_DENIED), AF_INET);
		struct ll_addr a6 = ll_addr_with_family(
			ll_loopback(family, P_ALLOWED), AF_INET);

		EXPECT_EQ(EINVAL, ll_bind_to(fd, &d6));
		EXPECT_EQ(EINVAL, ll_bind_to(fd, &a6));
		EXPECT_EQ(EINVAL, ll_connect_to(fd, &d6));
		EXPECT_EQ(EINVAL, ll_connect_to(fd, &a6));
	}
	close(fd);
}

/*
 * §6.2: connect(AF_UNSPEC) dissolves the association and is always
 * allowed.  A bare sa_family (2 bytes) was EINVAL in the 6.7 code
 * (§12.3: accepted either way on ABI 4-9).
 */
LL_TEST_F(tcp, connect_unspec_always_allowed)
{
	const int family = variant->family;
	struct ll_addr peer = ll_loopback(family, P_DENIED);
	struct ll_addr unspec =
		ll_addr_with_family(ll_loopback(family, 0), AF_UNSPEC);
	int srv, fd, err;

	NETNS_FAMILY(family);
	LISTEN(srv, family, P_DENIED);
	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ll_connect_to(fd, &peer));
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	EXPECT_EQ(EINVAL, ll_connect_len(fd, &unspec, 1));
	/* Full length: always allowed (the original code too). */
	EXPECT_EQ(0, ll_connect_to(fd, &unspec));
	/* Reconnecting is checked again. */
	EXPECT_EQ(EACCES, ll_connect_to(fd, &peer));
	/* A bare sa_family. */
	err = ll_connect_len(fd, &unspec, sizeof(sa_family_t));
	if (ll_abi_effective(ll_kernel.abi) < ll_behaviour_abi(LL_B_NET_UDP)) {
		if (err) {
			TH_LOG("bare AF_UNSPEC connect: EINVAL (6.7 code, "
			       "accepted on ABI %d)",
			       ll_kernel.abi);
			EXPECT_EQ(EINVAL, err);
		}
	} else {
		EXPECT_EQ(0, err);
	}
	close(fd);
	close(srv);
}

/* §6.2: bind(AF_UNSPEC) on an IPv4 socket: checked as AF_INET if ANY. */
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
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	fd = tcp_socket(AF_INET);
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
 * §6.2: bind(AF_UNSPEC) on an IPv6 socket is EAFNOSUPPORT (EINVAL when
 * shorter than sockaddr_in6).  The 6.7 code returned EINVAL for every
 * length (§12.3: accepted on ABI 4-9).
 */
LL_TEST(bind_unspec_rejected_on_ipv6)
{
	struct ll_addr allowed = ll_addr_with_family(
		ll_loopback(AF_INET6, P_ALLOWED), AF_UNSPEC);
	struct ll_addr denied =
		ll_addr_with_family(ll_loopback(AF_INET6, P_DENIED), AF_UNSPEC);
	const bool old = ll_abi_effective(ll_kernel.abi) <
			 ll_behaviour_abi(LL_B_NET_UDP);
	int fd, err;

	NETNS_FAMILY(AF_INET6);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	fd = tcp_socket(AF_INET6);
	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL,
		  ll_bind_len(fd, &denied, ll_addr_min_len(AF_INET6) - 1));
	err = ll_bind_to(fd, &denied);
	if (old && err == EINVAL) {
		TH_LOG("AF_UNSPEC bind on IPv6: EINVAL (6.7 code, accepted "
		       "on ABI %d)",
		       ll_kernel.abi);
		err = EAFNOSUPPORT;
	}
	EXPECT_EQ(EAFNOSUPPORT, err);
	err = ll_bind_to(fd, &allowed);
	if (old && err == EINVAL)
		err = EAFNOSUPPORT;
	EXPECT_EQ(EAFNOSUPPORT, err);
	/* The socket is still unbound and usable. */
	allowed = ll_loopback(AF_INET6, P_ALLOWED);
	EXPECT_EQ(0, ll_bind_to(fd, &allowed));
	close(fd);
}

/* --- §6.1: TCP Fast Open ---------------------------------------------- */

/* The client bit of net.ipv4.tcp_fastopen in this namespace, set if we can. */
static bool tfo_client_enabled(void)
{
	char buf[32] = { 0 };
	int fd = open("/proc/sys/net/ipv4/tcp_fastopen", O_RDWR | O_CLOEXEC);
	long val;

	if (fd < 0)
		fd = open("/proc/sys/net/ipv4/tcp_fastopen",
			  O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	val = strtol(buf, NULL, 0);
	if (!(val & 1)) {
		snprintf(buf, sizeof(buf), "%ld\n", val | 1);
		if (lseek(fd, 0, SEEK_SET) == 0 &&
		    write(fd, buf, strlen(buf)) > 0)
			val |= 1;
	}
	close(fd);
	return val & 1;
}

/*
 * sendto(MSG_FASTOPEN) with an address connects implicitly, so CONNECT_TCP
 * must be checked on that port (§6.1).  The original 6.7 code did not, and
 * no erratum bit records the fix (§12.3): 6.12.118, 7.2 and 7.3 check it,
 * but a kernel that lets this through lets a sandbox connect to a port its
 * ABI-4 domain denies.  That is a deviation, shown as a failure.
 */
LL_TEST_F(tcp, fastopen_sendto_checked_as_connect)
{
	const int family = variant->family;
	struct ll_addr allowed = ll_loopback(family, P_ALLOWED);
	struct ll_addr denied = ll_loopback(family, P_DENIED);
	int srv_allowed, srv_denied, fd, conn;
	ssize_t ret;
	char c = 0;

	NETNS_FAMILY(family);
	if (!tfo_client_enabled())
		LL_SKIP_ENV(return,
				  "TCP Fast Open client disabled in this netns "
				  "(net.ipv4.tcp_fastopen) and not settable");
	LISTEN(srv_allowed, family, P_ALLOWED);
	LISTEN(srv_denied, family, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(CONNECT_TCP,
				    PORTS(PORT(P_ALLOWED, CONNECT_TCP))));

	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	ret = sendto(fd, "d", 1, MSG_FASTOPEN, &denied.u.sa, denied.len);
	EXPECT_EQ(-1, ret)
	TH_LOG("CONNECT_TCP bypass: sendto(MSG_FASTOPEN) to denied port %d "
	       "returned %zd (expected EACCES; fixed in 6.12.118 and 7.2, no "
	       "erratum bit)",
	       P_DENIED, ret);
	EXPECT_EQ(EACCES, errno);
	/* Nothing reached the server. */
	EXPECT_EQ(-1, accept_one(srv_denied));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);

	fd = tcp_socket(family);
	ASSERT_LE(0, fd);
	EXPECT_EQ(1,
		  sendto(fd, "a", 1, MSG_FASTOPEN, &allowed.u.sa, allowed.len));
	conn = accept_one(srv_allowed);
	ASSERT_LE(0, conn);
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('a', c);
	close(conn);
	close(fd);
	close(srv_allowed);
	close(srv_denied);
}

/* --- rules and layers -------------------------------------------------- */

/* IPv4 and IPv6 share the port rules of one domain. */
LL_TEST(ipv4_and_ipv6_share_port_rules)
{
	int s4, s6, fd;

	NETNS_FAMILY(AF_INET6);
	LISTEN(s4, AF_INET, P_DENIED);
	LISTEN(s6, AF_INET6, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS,
				    PORTS(PORT(P_ALLOWED, TCP_RIGHTS))));
	EXPECT_EQ(0, try_bind(AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_bind(AF_INET6, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(AF_INET6, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(AF_INET, P_DENIED));
	EXPECT_EQ(EACCES, try_connect(AF_INET6, P_DENIED));
	/* Both families can serve and reach the allowed port. */
	close(s4);
	close(s6);
	LISTEN(s4, AF_INET, P_ALLOWED);
	fd = ll_loopback_socket(AF_INET6, SOCK_STREAM, 0, P_ALLOWED);
	EXPECT_LE(0, fd);
	EXPECT_EQ(0, try_connect(AF_INET, P_ALLOWED));
	EXPECT_EQ(0, try_connect(AF_INET6, P_ALLOWED));
	close(fd);
	close(s4);
}

/* Every layer that handles a right must grant it (§5.1 applies to ports). */
LL_TEST(each_layer_must_allow_the_port)
{
	int srv, other;

	LL_NETNS();
	LISTEN(srv, AF_INET, P_ALLOWED);
	ASSERT_EQ(0,
		  ll_enforce_net(TCP_RIGHTS, PORTS(PORT(P_ALLOWED, TCP_RIGHTS),
						   PORT(P_OTHER, TCP_RIGHTS))));
	EXPECT_EQ(0, try_connect(AF_INET, P_ALLOWED));
	/* A second layer handles only CONNECT_TCP and allows P_OTHER. */
	ASSERT_EQ(0, ll_enforce_net(CONNECT_TCP,
				    PORTS(PORT(P_OTHER, CONNECT_TCP))));
	EXPECT_EQ(EACCES, try_connect(AF_INET, P_ALLOWED));
	/* Bind is handled by the first layer only, which allows P_OTHER. */
	EXPECT_EQ(EACCES, try_bind(AF_INET, P_DENIED));
	other = ll_loopback_socket(AF_INET, SOCK_STREAM, 0, P_OTHER);
	EXPECT_LE(0, other);
	/* Connect to P_OTHER is allowed by both layers. */
	EXPECT_EQ(0, try_connect(AF_INET, P_OTHER));
	close(other);
	close(srv);
}

/* A ruleset of the running ABI's attr size handling `fs` and `net`, or -1. */
static int net_ruleset(uint64_t fs, uint64_t net)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = fs,
		.handled_access_net = net,
	};

	return ll_create_ruleset(
		&attr, ll_ruleset_attr_size(ll_abi_effective(ll_kernel.abi)),
		0);
}

/* Adds a P_ALLOWED rule granting `access`: 0 or the errno. */
static int add_port_rule(int fd, uint64_t access)
{
	struct landlock_net_port_attr rule = {
		.allowed_access = access,
		.port = P_ALLOWED,
	};

	return ll_errno_of(ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, 0));
}

/* §3.1 step 7: a rule's rights must be handled by the ruleset. */
LL_TEST(port_rule_with_unhandled_right_einval)
{
	int fd = net_ruleset(0, BIND_TCP);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, add_port_rule(fd, CONNECT_TCP));
	EXPECT_EQ(EINVAL, add_port_rule(fd, TCP_RIGHTS));
	EXPECT_EQ(0, add_port_rule(fd, BIND_TCP));
	close(fd);
}

/* §3.1 step 7: an FS-only ruleset handles no net right. */
LL_TEST(port_rule_on_fs_only_ruleset_einval)
{
	int fd = net_ruleset(LANDLOCK_ACCESS_FS_READ_FILE, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, add_port_rule(fd, BIND_TCP));
	close(fd);
}

/* --- outside the scope of TCP rights ---------------------------------- */

/* AF_UNIX sockets are never checked by net rights. */
LL_TEST(unix_sockets_unaffected)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len;
	int srv, cli, conn, pair[2];
	char c = 0;

	/* An abstract name unique to this (forked) test process. */
	len = offsetof(struct sockaddr_un, sun_path) + 1 +
	      snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1,
		       "llconform-net-tcp-%d", getpid());
	LL_NETNS();
	ASSERT_EQ(0, ll_enforce_net(ll_mask(LL_NET_ACCESS,
					    ll_abi_effective(ll_kernel.abi)),
				    NO_PORTS));
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, srv);
	EXPECT_EQ(0, bind(srv, (struct sockaddr *)&sun, len));
	EXPECT_EQ(0, listen(srv, 1));
	cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, cli);
	EXPECT_EQ(0, connect(cli, (struct sockaddr *)&sun, len));
	conn = accept_one(srv);
	EXPECT_LE(0, conn);
	EXPECT_EQ(1, write(cli, "u", 1));
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('u', c);
	EXPECT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair));
	close(pair[0]);
	close(pair[1]);
	close(conn);
	close(cli);
	close(srv);
}

/* Before ABI 10 there are no UDP rights: every net right is a TCP one. */
LL_TEST(udp_unrestricted_by_tcp_rights, .needs = LL_B_NET_TCP,
	.lacks = LL_B_NET_UDP)
{
	struct ll_addr a = ll_loopback(AF_INET, P_DENIED);
	struct ll_addr b = ll_loopback(AF_INET, P_OTHER);
	int rx, tx;
	char c = 0;

	LL_NETNS();
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, rx);
	ASSERT_EQ(0, ll_enforce_net(ll_mask(LL_NET_ACCESS, ll_kernel.abi),
				    NO_PORTS));
	EXPECT_EQ(EACCES, try_bind(AF_INET, P_DENIED));
	EXPECT_EQ(0, ll_bind_to(rx, &a));
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, tx);
	EXPECT_EQ(1, sendto(tx, "1", 1, 0, &a.u.sa, a.len));
	EXPECT_EQ(1, recv(rx, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ('1', c);
	EXPECT_EQ(0, ll_connect_to(tx, &a));
	EXPECT_EQ(1, send(tx, "2", 1, 0));
	EXPECT_EQ(1, recv(rx, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ('2', c);
	close(tx);
	tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, tx);
	EXPECT_EQ(0, ll_bind_to(tx, &b));
	close(tx);
	close(rx);
}

/* --- §9 erratum 1: TCP rights apply to TCP sockets only --------------- */

/* An MPTCP (else SCTP) stream socket, or -errno of the last try. */
static int non_tcp_stream_socket(int *protocol)
{
	static const int protocols[] = { IPPROTO_MPTCP, IPPROTO_SCTP };
	int fd = -1, err = EPROTONOSUPPORT;

	for (size_t i = 0; i < sizeof(protocols) / sizeof(protocols[0]); i++) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, protocols[i]);
		if (fd >= 0) {
			*protocol = protocols[i];
			return fd;
		}
		err = errno;
	}
	return -err;
}

LL_TEST(non_tcp_stream_sockets_unrestricted_by_tcp_rights, .erratum = 1)
{
	struct ll_addr a = ll_loopback(AF_INET, P_DENIED);
	int protocol = 0, fd, srv, cli;

	LL_NETNS();
	fd = non_tcp_stream_socket(&protocol);
	if (fd < 0)
		LL_SKIP_ENV(return,
				  "no MPTCP or SCTP stream socket on this "
				  "kernel: %s",
				  strerror(-fd));
	/* A server of that protocol, made before the restriction. */
	srv = ll_loopback_socket(AF_INET, SOCK_STREAM, protocol, P_OTHER);
	if (srv < 0)
		LL_BROKEN("listen (protocol %d): %s", protocol, strerror(-srv));
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	/* Plain TCP is denied... */
	EXPECT_EQ(EACCES, try_bind(AF_INET, P_DENIED));
	/* ...the other stream protocol is not restricted (the fix). */
	LL_ERRATUM_EXPECT_EQ(1, 0, ll_bind_to(fd, &a));
	cli = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, protocol);
	ASSERT_LE(0, cli);
	a = ll_loopback(AF_INET, P_OTHER);
	LL_ERRATUM_EXPECT_EQ(1, 0, ll_connect_to(cli, &a));
	close(cli);
	close(srv);
	close(fd);
}

/* --- before ABI 4: no net field, no port rule, TCP unrestricted ------- */

LL_TEST(handled_access_net_is_unknown_field_before_abi4, .needs = LL_B_LANDLOCK,
	.lacks = LL_B_NET_TCP)
{
	const size_t size =
		ll_ruleset_attr_size(ll_behaviour_abi(LL_B_NET_TCP));
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
		.handled_access_net = BIND_TCP,
	};
	int fd;

	/* Non-zero bytes beyond the kernel's struct: E2BIG. */
	EXPECT_EQ(-1, ll_create_ruleset(&attr, size, 0));
	EXPECT_EQ(E2BIG, errno);
	/* The same size with the field zero is accepted. */
	attr.handled_access_net = 0;
	fd = ll_create_ruleset(&attr, size, 0);
	EXPECT_LE(0, fd);
	close(fd);
}

LL_TEST(net_port_rule_type_einval_before_abi4, .needs = LL_B_LANDLOCK,
	.lacks = LL_B_NET_TCP)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = LANDLOCK_ACCESS_FS_READ_FILE,
	};
	int fd = ll_create_ruleset(&attr, ll_ruleset_attr_size(ll_kernel.abi),
				   0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EINVAL, add_port_rule(fd, BIND_TCP));
	close(fd);
}

LL_TEST(tcp_unrestricted_before_abi4, .needs = LL_B_LANDLOCK,
	.lacks = LL_B_NET_TCP)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = ll_mask(LL_FS_ACCESS, ll_kernel.abi),
		.paths = NO_RULES,
	};
	int srv;

	LL_NETNS();
	LISTEN(srv, AF_INET, P_DENIED);
	/* Every FS right handled, no rule: the most a domain can deny. */
	ASSERT_EQ(0, ll_enforce(&desc));
	EXPECT_EQ(0, try_bind(AF_INET, P_OTHER));
	EXPECT_EQ(0, try_bind(AF_INET, 0));
	EXPECT_EQ(0, try_connect(AF_INET, P_DENIED));
	close(srv);
}

LL_MAIN();
