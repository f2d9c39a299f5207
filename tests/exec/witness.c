// SPDX-License-Identifier: GPL-2.0
/*
 * What `llconform exec` promises a program, checked from inside: the
 * environment it exports, the little system around it. Prints one
 * "name=value" line per fact and exits 1 if any check failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static bool ok = true;

static void fact(const char *name, bool good, const char *value)
{
	printf("%s=%s%s\n", name, value ? value : "(none)", good ? "" : " BAD");
	ok &= good;
}

static bool file_has(const char *path, const char *text)
{
	char buf[4096] = { 0 };
	int fd = open(path, O_RDONLY);
	bool found;

	if (fd < 0)
		return false;
	found = read(fd, buf, sizeof(buf) - 1) > 0 && strstr(buf, text);
	close(fd);
	return found;
}

/* A TCP connection to ourselves: the loopback interface is up. */
static bool loopback(int family)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);
	int srv = socket(family, SOCK_STREAM, 0),
	    cli = socket(family, SOCK_STREAM, 0);
	bool good;

	ss.ss_family = family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(INADDR_LOOPBACK);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	good = srv >= 0 && cli >= 0 &&
	       !bind(srv, (struct sockaddr *)&ss, len) && !listen(srv, 1) &&
	       !getsockname(srv, (struct sockaddr *)&ss, &len) &&
	       !connect(cli, (struct sockaddr *)&ss, len);
	close(srv);
	close(cli);
	return good;
}

static bool writable_dir(const char *dir)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/.llconform-witness",
		 dir ? dir : "/nonexistent");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return false;
	close(fd);
	return !unlink(path);
}

int main(int argc, char **argv)
{
	const char *vars[] = { "LL_STATUS", "LL_ABI",
			       "LL_ERRATA", "LANDLOCK_CRATE_TEST_ABI",
			       "HOME",	    "PATH" };
	char uid[32];
	struct stat st;

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		fact(vars[i], getenv(vars[i]) != NULL, getenv(vars[i]));
	for (int i = 1; i < argc; i++)
		fact("arg", true, argv[i]);
	snprintf(uid, sizeof(uid), "%d", (int)getuid());
	fact("uid", true, uid);
	fact("passwd_nobody", file_has("/etc/passwd", "nobody:x:65534:"), "");
	fact("hosts_localhost", file_has("/etc/hosts", "localhost"), "");
	fact("loopback_ipv4", loopback(AF_INET), "");
	fact("loopback_ipv6", loopback(AF_INET6), "");
	fact("home_writable", writable_dir(getenv("HOME")), "");
	fact("tmp_writable", writable_dir("/tmp"), "");
	fact("dev_shm_writable", writable_dir("/dev/shm"), "");
	fact("dev_null", !stat("/dev/null", &st) && S_ISCHR(st.st_mode), "");
	fact("dev_tty", !stat("/dev/tty", &st) && S_ISCHR(st.st_mode), "");
	fact("proc", !stat("/proc/self/status", &st), "");
	fact("sys", !stat("/sys/kernel", &st), "");
	fprintf(stderr, "witness: %s\n",
		ok ? "all good" : "something is missing");
	return ok ? 0 : 1;
}
