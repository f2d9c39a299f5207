/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network helpers: a private network namespace with loopback up, loopback
 * addresses of either family, syscalls returning 0 or the errno, and port
 * rule literals.  Tests run in their own namespace, so fixed ports cannot
 * collide with anything and nothing leaves the machine.
 */
#ifndef LLCONFORM_NET_H
#define LLCONFORM_NET_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "privs.h"
#include "sandbox.h"

/* Literal port rule lists: PORTS(PORT(port, access), ...). */
#define PORT(p, a)                         \
	{                                  \
		.port = (p), .access = (a) \
	}
#define PORTS(...) \
	((const struct ll_port_rule[]){ __VA_ARGS__, { .access = 0 } })
#define NO_PORTS PORTS({ .access = 0 })

/*
 * Enters a fresh network namespace (a user namespace too when not
 * privileged) and brings its loopback interface up.  Returns 0 or an errno.
 */
int ll_enter_netns(void);

/*
 * ll_enter_netns() in a test, before anything is enforced: where user
 * namespaces are refused (unprivileged), an environment skip naming the
 * restriction; any other failure is a broken setup.
 */
#define LL_NETNS()                                                         \
	do {                                                               \
		int _ll_ns = ll_enter_netns();                             \
		if (_ll_ns)                                                \
			LL_NAMESPACES_OR_SKIP("ll_enter_netns()", _ll_ns); \
	} while (0)

/*
 * LL_NETNS(), then checks that a socket of `family` and `type` can be made:
 * a kernel without IPv6 is an environment skip.
 */
#define LL_NETNS_FAMILY(family, type)                                     \
	do {                                                              \
		int _fd;                                                  \
		LL_NETNS();                                               \
		_fd = socket((family), (type) | SOCK_CLOEXEC, 0);         \
		if (_fd < 0 && errno == EAFNOSUPPORT)                     \
			LL_SKIP_ENV(return, "no IPv6 on this kernel: %s", \
					  strerror(errno));               \
		if (_fd < 0)                                              \
			LL_BROKEN("socket: %s", strerror(errno));         \
		close(_fd);                                               \
	} while (0)

/* A socket address and its full length. */
struct ll_addr {
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
		struct sockaddr_storage ss;
	} u;
	socklen_t len;
};

/* The loopback address of `family` (AF_INET or AF_INET6), port host order. */
struct ll_addr ll_loopback(int family, uint16_t port);
/*
 * The shortest address Landlock accepts for `family`: sockaddr_in, or
 * sockaddr_in6 without sin6_scope_id (SIN6_LEN_RFC2133).
 */
socklen_t ll_addr_min_len(int family);
/* The same address with another sa_family (AF_UNSPEC...). */
struct ll_addr ll_addr_with_family(struct ll_addr a, int family);
/* The port of an AF_INET or AF_INET6 address, host order. */
uint16_t ll_port_of(const struct ll_addr *a);

/* bind() / connect() with `len` or the address's own length: 0 or errno. */
int ll_bind_len(int fd, const struct ll_addr *a, socklen_t len);
int ll_bind_to(int fd, const struct ll_addr *a);
int ll_connect_len(int fd, const struct ll_addr *a, socklen_t len);
int ll_connect_to(int fd, const struct ll_addr *a);

/*
 * bind() / connect() of a fresh socket(family, type, protocol) to
 * loopback:port, closed after: 0 or the errno, -errno when the socket
 * itself cannot be made.
 */
int ll_try_bind(int family, int type, int protocol, uint16_t port);
int ll_try_connect(int family, int type, int protocol, uint16_t port);

/*
 * A non-blocking socket(family, type, protocol) bound to loopback:port
 * (listening for SOCK_STREAM), or -errno.  accept() and recv() on it never
 * block.
 */
int ll_loopback_socket(int family, int type, int protocol, uint16_t port);

/* Restricts the calling thread: handled net rights and port rules. */
int ll_enforce_net(uint64_t handled_net, const struct ll_port_rule *ports);

#endif /* LLCONFORM_NET_H */
