// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fdpass.h"
#include "net.h"

/*
 * In a guest, hands the namespace to the init, which keeps it to the
 * power-off (guest_init.c): its teardown would cost the tests after this
 * one. Best effort: a namespace not handed over (the socket is
 * non-blocking) is torn down as usual.
 */
static void keep_netns(void)
{
	const char *keeper = getenv("LLCONFORM_NETNS_KEEPER");
	int ns;

	if (!keeper)
		return;
	ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return;
	ll_send_fd(atoi(keeper), ns);
	close(ns);
}

int ll_enter_netns(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd, err = 0;

	if (unshare(CLONE_NEWNET)) {
		if (errno != EPERM)
			return errno;
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			return errno;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		err = errno;
	ifr.ifr_flags |= IFF_UP;
	if (!err && ioctl(fd, SIOCSIFFLAGS, &ifr))
		err = errno;
	close(fd);
	if (!err)
		keep_netns();
	return err;
}

struct ll_addr ll_loopback(int family, uint16_t port)
{
	struct ll_addr a;

	memset(&a, 0, sizeof(a));
	if (family == AF_INET) {
		a.u.in4.sin_family = AF_INET;
		a.u.in4.sin_port = htons(port);
		a.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a.len = sizeof(a.u.in4);
	} else {
		a.u.in6.sin6_family = AF_INET6;
		a.u.in6.sin6_port = htons(port);
		a.u.in6.sin6_addr = in6addr_loopback;
		a.len = sizeof(a.u.in6);
	}
	return a;
}

socklen_t ll_addr_min_len(int family)
{
	return family == AF_INET ? sizeof(struct sockaddr_in)
				 : offsetof(struct sockaddr_in6, sin6_scope_id);
}

struct ll_addr ll_addr_with_family(struct ll_addr a, int family)
{
	a.u.sa.sa_family = family;
	return a;
}

uint16_t ll_port_of(const struct ll_addr *a)
{
	return ntohs(a->u.sa.sa_family == AF_INET ? a->u.in4.sin_port
						  : a->u.in6.sin6_port);
}

int ll_bind_len(int fd, const struct ll_addr *a, socklen_t len)
{
	return bind(fd, &a->u.sa, len) ? errno : 0;
}

int ll_bind_to(int fd, const struct ll_addr *a)
{
	return ll_bind_len(fd, a, a->len);
}

int ll_connect_len(int fd, const struct ll_addr *a, socklen_t len)
{
	return connect(fd, &a->u.sa, len) ? errno : 0;
}

int ll_connect_to(int fd, const struct ll_addr *a)
{
	return ll_connect_len(fd, a, a->len);
}

int ll_try_bind(int family, int type, int protocol, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = socket(family, type | SOCK_CLOEXEC, protocol), err;

	if (fd < 0)
		return -errno;
	err = ll_bind_to(fd, &a);
	close(fd);
	return err;
}

int ll_try_connect(int family, int type, int protocol, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = socket(family, type | SOCK_CLOEXEC, protocol), err;

	if (fd < 0)
		return -errno;
	err = ll_connect_to(fd, &a);
	close(fd);
	return err;
}

int ll_loopback_socket(int family, int type, int protocol, uint16_t port)
{
	struct ll_addr a = ll_loopback(family, port);
	int fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol),
	    err;

	if (fd < 0)
		return -errno;
	err = ll_bind_to(fd, &a);
	if (!err && type == SOCK_STREAM && listen(fd, 16))
		err = errno;
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

int ll_enforce_net(uint64_t handled_net, const struct ll_port_rule *ports)
{
	const struct ll_ruleset_desc desc = {
		.handled_net = handled_net,
		.ports = ports,
	};

	return ll_enforce(&desc);
}
