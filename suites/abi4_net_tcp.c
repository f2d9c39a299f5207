// SPDX-License-Identifier: GPL-2.0
/*
 * abi4_net_tcp: TCP bind and connect rights (SPEC §6, §3.1, §9 erratum 1)
 * for the ABI the running kernel reports, and the documented fallbacks of
 * kernels without them (ABI 1-3: no net field, no NET_PORT rule, TCP
 * unrestricted; ABI 4-9: UDP unrestricted).
 *
 * The behaviours TCP shares with UDP are the network fixture's
 * (net_fixture.h, with its port diagram), instantiated here as fixture
 * `tcp` (variants ipv4 and ipv6, each needing ABI 4); this file adds what
 * only TCP does: listen/accept, connections kept across a restriction,
 * Fast Open, layers, erratum 1 and the fallbacks before ABI 4.
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

#define NET_FIXTURE tcp
#include "net_fixture.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef MSG_FASTOPEN
#define MSG_FASTOPEN 0x20000000
#endif

#define TCP (&net_tcp)

/* A listener on loopback:port, made before the restriction. */
#define LISTEN(fd, family, port) NET_SERVER(fd, TCP, family, port)

/* Accepts one connection (EAGAIN on a listener without one). */
static int accept_one(int srv)
{
	return accept4(srv, NULL, NULL, SOCK_CLOEXEC);
}

/* --- §6.1: TCP alone -------------------------------------------------- */

/* §6.1: Landlock denies before the protocol checks its state. */
LL_TEST_F(tcp, denial_wins_over_address_in_use)
{
	const int family = variant->family;
	int busy_allowed, busy_denied;

	NET_NETNS(TCP, family);
	LISTEN(busy_allowed, family, P_ALLOWED);
	LISTEN(busy_denied, family, P_DENIED);
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	EXPECT_EQ(EADDRINUSE, try_bind(TCP, family, P_ALLOWED));
	EXPECT_EQ(EACCES, try_bind(TCP, family, P_DENIED));
	close(busy_allowed);
	close(busy_denied);
}

/* Rights not handled by the domain stay unrestricted. */
LL_TEST_F(tcp, unhandled_right_unrestricted)
{
	const int family = variant->family;
	int srv;

	NET_NETNS(TCP, family);
	LISTEN(srv, family, P_DENIED);
	/* Only BIND_TCP handled: any connect is allowed. */
	ASSERT_EQ(0,
		  ll_enforce_net(BIND_TCP, PORTS(PORT(P_ALLOWED, BIND_TCP))));
	EXPECT_EQ(0, try_connect(TCP, family, P_DENIED));
	EXPECT_EQ(EACCES, try_bind(TCP, family, P_OTHER));
	close(srv);
}

/* §6.1: a bound socket keeps working: listen, accept, data. */
LL_TEST_F(tcp, socket_bound_before_restriction_listens_and_accepts)
{
	const int family = variant->family;
	struct ll_addr a = ll_loopback(family, P_DENIED);
	int srv, conn, go[2], status;
	char c = 0;
	pid_t pid;

	NET_NETNS(TCP, family);
	srv = net_socket(TCP, family);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, ll_bind_to(srv, &a));
	ASSERT_EQ(0, pipe2(go, O_CLOEXEC));
	/* An unrestricted client, started before the restriction. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd = net_socket(TCP, family);

		close(go[1]);
		if (fd < 0 || read(go[0], &c, 1) != 1 ||
		    ll_connect_to(fd, &a) || write(fd, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
	/* The domain is in force... */
	EXPECT_EQ(EACCES, try_bind(TCP, family, P_OTHER));
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

/*
 * A connection to the denied port, made before a domain that denies every
 * port: its listener, client and accepted ends.
 */
static void connect_then_deny_every_port(struct __test_metadata *_metadata,
					 int family, int *srv, int *cli,
					 int *conn)
{
	struct ll_addr a = ll_loopback(family, P_DENIED);

	LISTEN(*srv, family, P_DENIED);
	*cli = net_socket(TCP, family);
	ASSERT_LE(0, *cli);
	ASSERT_EQ(0, ll_connect_to(*cli, &a));
	*conn = accept_one(*srv);
	ASSERT_LE(0, *conn);
	ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
}

/* A connection made before the restriction keeps carrying data. */
LL_TEST_F(tcp, socket_connected_before_restriction_keeps_working)
{
	const int family = variant->family;
	int srv, cli, conn;
	char c = 0;

	NET_NETNS(TCP, family);
	connect_then_deny_every_port(_metadata, family, &srv, &cli, &conn);
	EXPECT_EQ(EACCES, try_connect(TCP, family, P_DENIED));
	EXPECT_EQ(1, write(cli, "y", 1));
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('y', c);
	close(conn);
	close(cli);
	close(srv);
}

/*
 * sendto() with an address on a connected TCP socket sends on the
 * connection: only MSG_FASTOPEN makes the address a connect, so a port the
 * domain denies is not checked there (mutant f20e92a3fd checked every such
 * address as a connect and survived).
 */
LL_TEST_F(tcp, sendto_address_on_a_connected_socket_is_no_connect)
{
	const int family = variant->family;
	struct ll_addr other = ll_loopback(family, P_OTHER);
	int srv, cli, conn;
	char c = 0;

	NET_NETNS(TCP, family);
	connect_then_deny_every_port(_metadata, family, &srv, &cli, &conn);
	/* Nothing to read would block: stop at a failed send. */
	ASSERT_EQ(1, sendto(cli, "z", 1, 0, &other.u.sa, other.len));
	EXPECT_EQ(1, read(conn, &c, 1));
	EXPECT_EQ('z', c);
	close(conn);
	close(cli);
	close(srv);
}

/*
 * An address of another family (AF_UNIX here) names no port: Landlock
 * leaves it to the network stack, which refuses it (EAFNOSUPPORT) in a
 * domain handling TCP as without one (mutant 5d6ed21edf returned 1 from
 * the hook, which connect() and bind() passed on without doing anything).
 */
LL_TEST_F(tcp, foreign_address_family_left_to_the_network_stack)
{
	const struct sockaddr_storage ss = { .ss_family = AF_UNIX };
	const socklen_t len = sizeof(struct sockaddr_in6);
	int fd, sandboxed;

	NET_NETNS(TCP, variant->family);
	for (sandboxed = 0; sandboxed < 2; sandboxed++) {
		if (sandboxed)
			ASSERT_EQ(0, ll_enforce_net(TCP_RIGHTS, NO_PORTS));
		fd = net_socket(TCP, variant->family);
		ASSERT_LE(0, fd);
		EXPECT_EQ(-1, connect(fd, (const struct sockaddr *)&ss, len));
		EXPECT_EQ(EAFNOSUPPORT, errno);
		EXPECT_EQ(-1, bind(fd, (const struct sockaddr *)&ss, len));
		EXPECT_EQ(EAFNOSUPPORT, errno);
		close(fd);
	}
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

	NET_NETNS(TCP, family);
	if (!tfo_client_enabled())
		LL_SKIP_ENV(return,
				  "TCP Fast Open client disabled in this netns "
				  "(net.ipv4.tcp_fastopen) and not settable");
	LISTEN(srv_allowed, family, P_ALLOWED);
	LISTEN(srv_denied, family, P_DENIED);
	ASSERT_EQ(0, ll_enforce_net(CONNECT_TCP,
				    PORTS(PORT(P_ALLOWED, CONNECT_TCP))));

	fd = net_socket(TCP, family);
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

	fd = net_socket(TCP, family);
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

/* Every layer that handles a right must grant it (§5.1 applies to ports). */
LL_TEST(each_layer_must_allow_the_port)
{
	int srv, other;

	LL_NETNS();
	LISTEN(srv, AF_INET, P_ALLOWED);
	ASSERT_EQ(0,
		  ll_enforce_net(TCP_RIGHTS, PORTS(PORT(P_ALLOWED, TCP_RIGHTS),
						   PORT(P_OTHER, TCP_RIGHTS))));
	EXPECT_EQ(0, try_connect(TCP, AF_INET, P_ALLOWED));
	/* A second layer handles only CONNECT_TCP and allows P_OTHER. */
	ASSERT_EQ(0, ll_enforce_net(CONNECT_TCP,
				    PORTS(PORT(P_OTHER, CONNECT_TCP))));
	EXPECT_EQ(EACCES, try_connect(TCP, AF_INET, P_ALLOWED));
	/* Bind is handled by the first layer only, which allows P_OTHER. */
	EXPECT_EQ(EACCES, try_bind(TCP, AF_INET, P_DENIED));
	other = ll_loopback_socket(AF_INET, SOCK_STREAM, 0, P_OTHER);
	EXPECT_LE(0, other);
	/* Connect to P_OTHER is allowed by both layers. */
	EXPECT_EQ(0, try_connect(TCP, AF_INET, P_OTHER));
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
	EXPECT_EQ(EACCES, try_bind(TCP, AF_INET, P_DENIED));
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
	EXPECT_EQ(EACCES, try_bind(TCP, AF_INET, P_DENIED));
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
	EXPECT_EQ(0, try_bind(TCP, AF_INET, P_OTHER));
	EXPECT_EQ(0, try_bind(TCP, AF_INET, 0));
	EXPECT_EQ(0, try_connect(TCP, AF_INET, P_DENIED));
	close(srv);
}

LL_MAIN();
