// SPDX-License-Identifier: GPL-2.0
/*
 * abi9_resolve_unix: LANDLOCK_ACCESS_FS_RESOLVE_UNIX (SPEC §5.2, §5.6).
 *
 * connect(2) (stream, seqpacket, dgram) and sendto(2) with an explicit
 * address to a *pathname* AF_UNIX socket need RESOLVE_UNIX on the socket
 * file or an ancestor, unless the socket was created (socket(2), whose
 * credentials the socket file keeps) in the caller's domain or a deeper
 * one.  Denial is EACCES.  Abstract sockets and already connected sockets
 * are not concerned.  Before ABI 9 pathname sockets are unrestricted.
 *
 * Each test makes a fresh scratch directory T:
 *
 *	T/
 *	├── a/		rule: RESOLVE_UNIX (when the test grants it)
 *	│   └── srv	server made by the unsandboxed test process
 *	├── b/		no rule
 *	│   └── srv	server made by the unsandboxed test process
 *	└── c/		rule: MAKE_SOCK, for servers made inside domains
 *
 * Every variant crosses one socket type with connect or sendto.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "rights.h"
#include "tree.h"

LL_PROGRAM(LL_B_RESOLVE_UNIX);

/* A pathname (rel under T) or abstract (rel starting with '@') address. */
static socklen_t address(struct sockaddr_un *addr, const char *rel)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (rel[0] == '@') {
		size_t len = strlen(rel);

		memcpy(addr->sun_path + 1, rel + 1, len - 1);
		return offsetof(struct sockaddr_un, sun_path) + len;
	}
	snprintf(addr->sun_path, sizeof(addr->sun_path), "%s",
		 ll_at("%s", rel));
	return sizeof(*addr);
}

/* A bound (and, but for dgram, listening) server; fd or -errno. */
static int make_server(int type, const char *rel)
{
	struct sockaddr_un addr;
	socklen_t len = address(&addr, rel);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, len) ||
	    (type != SOCK_DGRAM && listen(fd, 16))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* The same with a socket made earlier (maybe in another domain). */
static int bind_server(int fd, int type, const char *rel)
{
	struct sockaddr_un addr;
	socklen_t len = address(&addr, rel);

	if (bind(fd, (struct sockaddr *)&addr, len) ||
	    (type != SOCK_DGRAM && listen(fd, 16)))
		return errno;
	return 0;
}

struct reach {
	int type;
	bool sendto;
	const char *rel;
};

/* connect(2) or sendto(2) to the server at `rel`; 0 or the errno. */
static int reach(int type, bool use_sendto, const char *rel)
{
	struct sockaddr_un addr;
	socklen_t len = address(&addr, rel);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return errno;
	if (use_sendto) {
		if (sendto(fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&addr,
			   len) != 1)
			err = errno;
	} else if (connect(fd, (struct sockaddr *)&addr, len)) {
		err = errno;
	}
	close(fd);
	return err;
}

static int reach_fn(void *arg)
{
	const struct reach *r = arg;

	return reach(r->type, r->sendto, r->rel);
}

FIXTURE(unix_server)
{
	int a_srv, b_srv;
};

FIXTURE_VARIANT(unix_server)
{
	int type;
	bool sendto;
};

FIXTURE_VARIANT_ADD(unix_server, stream_connect){
	.type = SOCK_STREAM,
};

FIXTURE_VARIANT_ADD(unix_server, seqpacket_connect){
	.type = SOCK_SEQPACKET,
};

FIXTURE_VARIANT_ADD(unix_server, dgram_connect){
	.type = SOCK_DGRAM,
};

FIXTURE_VARIANT_ADD(unix_server, dgram_sendto){
	.type = SOCK_DGRAM,
	.sendto = true,
};

static const char *const layout[] = { "a/", "b/", "c/", NULL };

FIXTURE_SETUP(unix_server)
{
	self->a_srv = self->b_srv = -1;
	LL_SETUP(ll_tree_make("unix", layout));
	if (strlen(ll_at("c/srv")) >=
	    sizeof(((struct sockaddr_un *)0)->sun_path))
		LL_BROKEN("scratch path too long for sun_path: %.200s",
			  ll_root);
	self->a_srv = make_server(variant->type, "a/srv");
	self->b_srv = make_server(variant->type, "b/srv");
	if (self->a_srv < 0 || self->b_srv < 0)
		LL_BROKEN("servers: %s",
			  strerror(-(self->a_srv < 0 ? self->a_srv
						     : self->b_srv)));
	/* Unsandboxed, both are reachable. */
	if (reach(variant->type, variant->sendto, "a/srv") ||
	    reach(variant->type, variant->sendto, "b/srv"))
		LL_BROKEN("servers unreachable before any domain");
}

FIXTURE_TEARDOWN(unix_server)
{
	if (self->a_srv >= 0)
		close(self->a_srv);
	if (self->b_srv >= 0)
		close(self->b_srv);
}

#define REACH(rel) reach(variant->type, variant->sendto, (rel))

/* The test process made both servers before restricting itself. */
LL_TEST_F(unix_server, allowed_with_rule_on_socket_dir)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("a"), R_RESOLVE_UNIX))));
	ASSERT_EQ(0, REACH("a/srv"));
	ASSERT_EQ(EACCES, REACH("b/srv"));
}

LL_TEST_F(unix_server, allowed_with_rule_on_socket_file)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), RULES(RULE(ll_at("a/srv"),
							   R_RESOLVE_UNIX))));
	ASSERT_EQ(0, REACH("a/srv"));
	ASSERT_EQ(EACCES, REACH("b/srv"));
}

LL_TEST_F(unix_server, denied_by_every_other_right)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_root,
					      ll_all_fs() & ~R_RESOLVE_UNIX))));
	ASSERT_EQ(EACCES, REACH("a/srv"));
	ASSERT_EQ(EACCES, REACH("b/srv"));
}

LL_TEST_F(unix_server, denied_when_only_resolve_unix_is_handled)
{
	ASSERT_EQ(0, ll_enforce_fs(R_RESOLVE_UNIX, NO_RULES));
	ASSERT_EQ(EACCES, REACH("a/srv"));
}

LL_TEST_F(unix_server, unrestricted_when_resolve_unix_unhandled)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs() & ~R_RESOLVE_UNIX, NO_RULES));
	ASSERT_EQ(0, REACH("a/srv"));
	ASSERT_EQ(0, REACH("b/srv"));
}

/* §5.1: every layer handling RESOLVE_UNIX must grant it. */
LL_TEST_F(unix_server, denied_by_any_layer_handling_it_without_rule)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("a"), R_RESOLVE_UNIX))));
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs() & ~R_RESOLVE_UNIX, NO_RULES));
	ASSERT_EQ(0, REACH("a/srv"));
	ASSERT_EQ(0,
		  ll_enforce_fs(R_RESOLVE_UNIX,
				RULES(RULE(ll_at("a/srv"), R_RESOLVE_UNIX))));
	ASSERT_EQ(0, REACH("a/srv"));
	ASSERT_EQ(0, ll_enforce_fs(R_RESOLVE_UNIX, NO_RULES));
	ASSERT_EQ(EACCES, REACH("a/srv"));
}

/* A failed lookup did not leave the client connected. */
LL_TEST_F(unix_server, denied_connect_leaves_socket_unconnected)
{
	struct sockaddr_un addr;
	socklen_t len = address(&addr, "b/srv");
	int fd;

	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), NO_RULES));
	fd = socket(AF_UNIX, variant->type | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	if (variant->sendto) {
		ASSERT_EQ(-1, sendto(fd, "x", 1, MSG_DONTWAIT,
				     (struct sockaddr *)&addr, len));
	} else {
		ASSERT_EQ(-1, connect(fd, (struct sockaddr *)&addr, len));
	}
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(-1, send(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL));
	ASSERT_TRUE(errno == ENOTCONN || errno == EDESTADDRREQ)
	{
		TH_LOG("send on the refused socket: %s", strerror(errno));
	}
	ASSERT_EQ(0, close(fd));
}

/* Connected before the domain: later sends without address go through. */
LL_TEST_F(unix_server, connected_before_restriction_keeps_sending)
{
	struct sockaddr_un addr;
	socklen_t len = address(&addr, "b/srv");
	int fd = socket(AF_UNIX, variant->type | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&addr, len));
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), NO_RULES));
	ASSERT_EQ(1, send(fd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL));
	ASSERT_EQ(EACCES, REACH("b/srv"));
	ASSERT_EQ(0, close(fd));
}

/* §5.6: a server made in the caller's own domain needs no rule. */
LL_TEST_F(unix_server, server_made_in_same_domain_reachable_without_rule)
{
	struct reach r = { variant->type, variant->sendto, "c/srv" };
	int srv;

	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("c"), R_MAKE_SOCK))));
	srv = make_server(variant->type, "c/srv");
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, REACH("c/srv"));
	/* A child inherits the domain: same domain, same answer. */
	ASSERT_EQ(0, ll_run_child(NULL, reach_fn, &r));
	/* The servers made before the domain still need a rule. */
	ASSERT_EQ(EACCES, REACH("b/srv"));
	ASSERT_EQ(0, close(srv));
}

/*
 * The creator is whoever called socket(2): a socket made before the
 * domain and bound inside it is still outside the domain.
 */
LL_TEST_F(unix_server, creator_is_taken_at_socket_creation_not_at_bind)
{
	int early = socket(AF_UNIX, variant->type | SOCK_CLOEXEC, 0);

	ASSERT_LE(0, early);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("c"), R_MAKE_SOCK))));
	ASSERT_EQ(0, bind_server(early, variant->type, "c/srv"));
	ASSERT_EQ(EACCES, REACH("c/srv"));
	ASSERT_EQ(0, close(early));
}

/* Waits for one byte on `fd`; true when it came. */
static bool wait_byte(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

/*
 * A child of the test process makes the server at c/srv in its own
 * domain: `nested` stacks one more layer on the test process's domain,
 * otherwise the child starts from its parent's state and enforces
 * `child_handled` (0: none).  The child keeps the server until `done`
 * closes.  Returns the child's pid; its exit status tells its setup.
 */
static pid_t server_in_child(int type, uint64_t child_handled, int *ready_fd,
			     int *done_fd)
{
	int ready[2], done[2];
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) || pipe2(done, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int srv;

		close(ready[0]);
		close(done[1]);
		if (child_handled &&
		    ll_enforce_fs(child_handled,
				  RULES(RULE(ll_at("c"), R_MAKE_SOCK))))
			_exit(100);
		srv = make_server(type, "c/srv");
		if (srv < 0)
			_exit(101);
		if (write(ready[1], "r", 1) != 1)
			_exit(102);
		wait_byte(done[0]);
		_exit(0);
	}
	close(ready[1]);
	close(done[0]);
	*ready_fd = ready[0];
	*done_fd = done[1];
	return pid;
}

static void reap_server(struct __test_metadata *_metadata, pid_t pid, int ready,
			int done)
{
	int status;

	close(done);
	close(ready);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* A server made in a domain nested below the caller's is reachable. */
LL_TEST_F(unix_server, server_made_in_nested_domain_reachable)
{
	int ready, done;
	pid_t pid;

	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("c"), R_MAKE_SOCK))));
	pid = server_in_child(variant->type, ll_all_fs(), &ready, &done);
	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_byte(ready));
	ASSERT_EQ(0, REACH("c/srv"));
	reap_server(_metadata, pid, ready, done);
}

/* …but a nested domain may not reach its parent domain's server. */
LL_TEST_F(unix_server, server_of_parent_domain_denied_to_nested_domain)
{
	struct reach r = { variant->type, variant->sendto, "c/srv" };
	const struct ll_ruleset_desc handling = { .handled_fs = ll_all_fs() };
	const struct ll_ruleset_desc not_handling = {
		.handled_fs = ll_all_fs() & ~R_RESOLVE_UNIX,
	};
	const struct ll_ruleset_desc granting = {
		.handled_fs = ll_all_fs(),
		.paths = RULES(RULE(ll_at("c"), R_RESOLVE_UNIX)),
	};
	int srv;

	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(ll_at("c"), R_MAKE_SOCK))));
	srv = make_server(variant->type, "c/srv");
	ASSERT_LE(0, srv);
	ASSERT_EQ(EACCES, ll_run_child(&handling, reach_fn, &r));
	ASSERT_EQ(0, ll_run_child(&not_handling, reach_fn, &r));
	ASSERT_EQ(0, ll_run_child(&granting, reach_fn, &r));
	ASSERT_EQ(0, ll_run_child(NULL, reach_fn, &r));
	ASSERT_EQ(0, close(srv));
}

/* Two domains enforced from the same ruleset are still two domains. */
LL_TEST_F(unix_server, server_of_sibling_domain_denied)
{
	struct reach r = { variant->type, variant->sendto, "c/srv" };
	const struct ll_ruleset_desc sibling = {
		.handled_fs = ll_all_fs(),
		.paths = RULES(RULE(ll_at("c"), R_MAKE_SOCK)),
	};
	int ready, done;
	pid_t pid;

	pid = server_in_child(variant->type, ll_all_fs(), &ready, &done);
	ASSERT_LE(0, pid);
	ASSERT_TRUE(wait_byte(ready));
	ASSERT_EQ(EACCES, ll_run_child(&sibling, reach_fn, &r));
	/* The unsandboxed test process reaches it. */
	ASSERT_EQ(0, REACH("c/srv"));
	reap_server(_metadata, pid, ready, done);
}

/* Abstract sockets are a matter of scopes (§7), never of RESOLVE_UNIX. */
LL_TEST_F(unix_server, abstract_socket_unaffected)
{
	char name[64];
	int srv;

	snprintf(name, sizeof(name), "@llconform-resolve-%d-%ld", getpid(),
		 random());
	srv = make_server(variant->type, name);
	ASSERT_LE(0, srv);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), NO_RULES));
	ASSERT_EQ(0, REACH(name));
	ASSERT_EQ(EACCES, REACH("b/srv"));
	ASSERT_EQ(0, close(srv));
}

/*
 * Before ABI 9 (rst "Previous limitations"): pathname sockets are
 * reachable whatever is handled; MAKE_SOCK still governs bind(2).
 */
LL_TEST(pathname_unix_unrestricted_before_abi9, .lacks = LL_B_RESOLVE_UNIX)
{
	static const struct {
		int type;
		bool sendto;
		const char *name;
	} ops[] = {
		{ SOCK_STREAM, false, "stream connect" },
		{ SOCK_SEQPACKET, false, "seqpacket connect" },
		{ SOCK_DGRAM, false, "dgram connect" },
		{ SOCK_DGRAM, true, "dgram sendto" },
	};
	const char *const paths[] = { "a/stream", "a/seqpacket", "a/dgram",
				      "a/dgram" };
	int srv[3];
	size_t i;

	ASSERT_EQ(0, ll_tree_make("unix", layout));
	for (i = 0; i < 3; i++) {
		srv[i] = make_server(ops[i].type, paths[i]);
		ASSERT_LE(0, srv[i]);
	}
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), NO_RULES));
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		EXPECT_EQ(0, reach(ops[i].type, ops[i].sendto, paths[i]))
		{
			TH_LOG("%s", ops[i].name);
		}
	}
	/* Making a socket file is still MAKE_SOCK. */
	ASSERT_EQ(-EACCES, make_server(SOCK_STREAM, "c/srv"));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, close(srv[i]));
}

LL_MAIN()
