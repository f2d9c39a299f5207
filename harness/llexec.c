// SPDX-License-Identifier: GPL-2.0
/*
 * llexec: runs someone else's test program for `llconform exec`.
 *
 * The guest init (or, for the host row, the init in its --host mode) runs
 * this program like a suite program; it reads what to run from a file of
 * NUL-terminated "key=value" records (argv[1], or llexec.conf beside its own
 * executable), probes Landlock through abi/, and reports on stdout, which
 * the init forwards on the results channel:
 *
 *   llexec probe status=enabled abi=7 errata=0x7
 *   llexec begin LABEL
 *   llexec stdout LABEL BYTES      then base64 lines, then "llexec ."
 *   llexec stderr LABEL BYTES      (the same)
 *   llexec end LABEL exit=N signal=S timeout=T seconds=X truncated=U
 *
 * The program's output is base64-encoded so that nothing it prints can be
 * taken for a frame of the results channel, whatever bytes it writes.
 *
 * Records: setup=1 (build the ordinary little system a test binary expects:
 * guests only), user=root|nobody, timeout=SECONDS, shell=PATH (busybox, to
 * be /bin/sh), env=NAME=VALUE, then per program run=LABEL, path=PATH and
 * arg=ARG (repeated, after argv[0]).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abi.h"

#define MAX_ARGS 256
#define MAX_ENV 256
#define MAX_RUNS 256
/* What is kept of each stream of one run; the rest is counted, not sent. */
#define OUTPUT_CAP (4u << 20)
#define NOBODY_ID 65534

struct run {
	const char *label;
	const char *path;
	const char *argv[MAX_ARGS + 2];
	int argc;
};

struct config {
	bool setup;
	bool nobody;
	int timeout_s;
	const char *shell;
	const char *env[MAX_ENV];
	int nenv;
	struct run runs[MAX_RUNS];
	int nruns;
};

struct buffer {
	char *data;
	size_t len;
	size_t seen; /* bytes the program wrote, kept or not */
};

static void __attribute__((noreturn)) die(const char *what)
{
	fprintf(stderr, "llexec: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data;

	if (fd < 0 || fstat(fd, &st))
		die(path);
	data = calloc(1, st.st_size + 1);
	if (!data)
		die("calloc");
	*len = 0;
	while (*len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + *len, st.st_size - *len);

		if (n <= 0)
			die(path);
		*len += n;
	}
	close(fd);
	return data;
}

static bool take(const char *rec, const char *key, const char **value)
{
	size_t n = strlen(key);

	if (strncmp(rec, key, n) || rec[n] != '=')
		return false;
	*value = rec + n + 1;
	return true;
}

static void parse_config(const char *path, struct config *c)
{
	size_t len, pos = 0;
	char *data = read_whole(path, &len);
	struct run *r = NULL;

	memset(c, 0, sizeof(*c));
	c->timeout_s = 300;
	while (pos < len) {
		const char *rec = data + pos, *v;

		pos += strlen(rec) + 1;
		if (take(rec, "setup", &v)) {
			c->setup = !strcmp(v, "1");
		} else if (take(rec, "user", &v)) {
			c->nobody = !strcmp(v, "nobody");
		} else if (take(rec, "timeout", &v)) {
			c->timeout_s = atoi(v);
		} else if (take(rec, "shell", &v)) {
			c->shell = v;
		} else if (take(rec, "env", &v) && c->nenv < MAX_ENV) {
			c->env[c->nenv++] = v;
		} else if (take(rec, "run", &v) && c->nruns < MAX_RUNS) {
			r = &c->runs[c->nruns++];
			r->label = v;
		} else if (r && take(rec, "path", &v)) {
			r->path = v;
			r->argv[0] = v;
			r->argc = 1;
		} else if (r && r->argc && take(rec, "arg", &v) &&
			   r->argc < MAX_ARGS) {
			r->argv[r->argc++] = v;
		} else {
			fprintf(stderr, "llexec: %s: bad record '%s'\n", path,
				rec);
			exit(2);
		}
	}
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	close(fd);
}

static void loopback_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		die("SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die("SIOCSIFFLAGS lo");
	close(fd);
}

static void symlink_once(const char *target, const char *path)
{
	if (symlink(target, path) && errno != EEXIST)
		die(path);
}

/*
 * The guest's init mounted /proc, /sys, devtmpfs on /dev, /dev/shm and /tmp:
 * add what a test binary built for an ordinary system expects besides.
 */
static void setup_system(const struct config *c)
{
	mkdir("/etc", 0755);
	write_text("/etc/hosts",
		   "127.0.0.1\tlocalhost\n"
		   "::1\tlocalhost ip6-localhost ip6-loopback\n",
		   0644);
	write_text("/etc/passwd",
		   "root:x:0:0:root:/root:/bin/sh\n"
		   "nobody:x:65534:65534:nobody:/home/nobody:/bin/sh\n",
		   0644);
	write_text("/etc/group",
		   "root:x:0:\nnogroup:x:65534:\nnobody:x:65534:\n", 0644);
	write_text("/etc/nsswitch.conf",
		   "passwd: files\ngroup: files\nhosts: files\n", 0644);
	mkdir("/root", 0700);
	mkdir("/home", 0755);
	mkdir("/home/nobody", 0755);
	if (chown("/home/nobody", NOBODY_ID, NOBODY_ID))
		die("chown /home/nobody");
	chmod("/tmp", 01777);
	symlink_once("/proc/self/fd", "/dev/fd");
	symlink_once("/proc/self/fd/0", "/dev/stdin");
	symlink_once("/proc/self/fd/1", "/dev/stdout");
	symlink_once("/proc/self/fd/2", "/dev/stderr");
	loopback_up();
	if (c->shell) {
		mkdir("/bin", 0755);
		symlink_once(c->shell, "/bin/sh");
	}
}

/* Adds NAME=VALUE unless NAME is already set: the user's --env comes first. */
static void add_env(char **env, int *n, const char *entry)
{
	size_t name = strcspn(entry, "=");

	for (int i = 0; i < *n; i++)
		if (!strncmp(env[i], entry, name + 1))
			return;
	env[(*n)++] = (char *)entry;
}

static void probe_env(char **env, int *n, char *store, size_t size)
{
	struct ll_probe p = ll_probe_kernel();
	int abi = p.status == LL_ENABLED ? p.abi : 0;
	unsigned long long errata =
		p.status == LL_ENABLED && p.errata > 0 ? p.errata : 0;
	const char *status = p.status == LL_ENABLED    ? "enabled"
			     : p.status == LL_DISABLED ? "disabled"
			     : p.status == LL_ABSENT   ? "absent"
						       : "error";
	int len;

	printf("llexec probe status=%s abi=%d errata=0x%llx\n", status, abi,
	       errata);
	len = snprintf(store, size,
		       "LL_STATUS=%s%cLL_ABI=%d%cLL_ERRATA=0x%llx%c"
		       "LANDLOCK_CRATE_TEST_ABI=%d",
		       status, 0, abi, 0, errata, 0, abi);
	if (len < 0 || (size_t)len >= size)
		die("probe environment");
	for (char *s = store; s < store + len; s += strlen(s) + 1)
		add_env(env, n, s);
}

static void keep(struct buffer *b, const char *data, size_t n)
{
	size_t room = OUTPUT_CAP - b->len;

	b->seen += n;
	if (n > room)
		n = room;
	if (!n)
		return;
	b->data = realloc(b->data, b->len + n);
	if (!b->data)
		die("realloc");
	memcpy(b->data + b->len, data, n);
	b->len += n;
}

static void emit_base64(const char *stream, const char *label,
			const struct buffer *b)
{
	static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *d = (const unsigned char *)b->data;
	char line[80];
	size_t col = 0;

	printf("llexec %s %s %zu\n", stream, label, b->len);
	for (size_t i = 0; i < b->len; i += 3) {
		unsigned v = d[i] << 16;
		size_t left = b->len - i;

		if (left > 1)
			v |= d[i + 1] << 8;
		if (left > 2)
			v |= d[i + 2];
		line[col++] = abc[v >> 18 & 63];
		line[col++] = abc[v >> 12 & 63];
		line[col++] = left > 1 ? abc[v >> 6 & 63] : '=';
		line[col++] = left > 2 ? abc[v & 63] : '=';
		if (col >= 76) {
			printf("%.*s\n", (int)col, line);
			col = 0;
		}
	}
	if (col)
		printf("%.*s\n", (int)col, line);
	printf("llexec .\n");
}

static void __attribute__((noreturn))
exec_child(const struct config *c, const struct run *r, char **env, int out,
	   int err)
{
	const char *home = c->nobody ? "/home/nobody" : "/root";
	int null = open("/dev/null", O_RDONLY);

	setpgid(0, 0);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		_exit(126);
	if (null > STDERR_FILENO)
		close(null);
	if (c->setup && chdir(home))
		_exit(126);
	if (c->nobody &&
	    (setgroups(0, NULL) || setgid(NOBODY_ID) || setuid(NOBODY_ID))) {
		dprintf(STDERR_FILENO, "llexec: cannot become nobody: %s\n",
			strerror(errno));
		_exit(126);
	}
	execve(r->path, (char **)r->argv, env);
	dprintf(STDERR_FILENO, "llexec: cannot execute %s: %s\n", r->path,
		strerror(errno));
	_exit(127);
}

static void run_one(const struct config *c, const struct run *r, char **env)
{
	struct buffer out = { 0 }, err = { 0 };
	int po[2], pe[2], status = 0;
	bool out_open = true, err_open = true, exited = false,
	     timed_out = false;
	double start = now(), deadline = start + c->timeout_s;
	pid_t pid;

	printf("llexec begin %s\n", r->label);
	fflush(stdout);
	if (pipe2(po, O_CLOEXEC) || pipe2(pe, O_CLOEXEC))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		exec_child(c, r, env, po[1], pe[1]);
	setpgid(pid, pid);
	close(po[1]);
	close(pe[1]);
	while (out_open || err_open || !exited) {
		struct pollfd p[2] = {
			{ .fd = out_open ? po[0] : -1, .events = POLLIN },
			{ .fd = err_open ? pe[0] : -1, .events = POLLIN }
		};
		char buf[65536];

		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
		if (!exited && now() > deadline) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
			exited = timed_out = true;
		}
		if (!out_open && !err_open) {
			if (!exited)
				usleep(10000);
			continue;
		}
		if (poll(p, 2, 50) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(p[i].fd, buf, sizeof(buf));
			if (n > 0)
				keep(i ? &err : &out, buf, n);
			else if (n == 0 || errno != EINTR)
				*(i ? &err_open : &out_open) = false;
		}
		/* A killed program's grandchildren may hold the pipes open. */
		if (timed_out)
			out_open = err_open = false;
	}
	kill(-pid, SIGKILL);
	close(po[0]);
	close(pe[0]);
	emit_base64("stdout", r->label, &out);
	emit_base64("stderr", r->label, &err);
	printf("llexec end %s exit=%d signal=%d timeout=%d seconds=%.3f "
	       "truncated=%d\n",
	       r->label, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
	       WIFSIGNALED(status) ? WTERMSIG(status) : 0, timed_out,
	       now() - start, out.seen > out.len || err.seen > err.len);
	fflush(stdout);
	free(out.data);
	free(err.data);
}

int main(int argc, char **argv)
{
	static char probe_store[256];
	static struct config c;
	char conf[PATH_MAX], *env[MAX_ENV + 16];
	const char *keeper = getenv("LLCONFORM_NETNS_KEEPER");
	int n = 0;

	/* The init's keeper of our suites' network namespaces: not theirs. */
	if (keeper)
		close(atoi(keeper));
	if (argc > 1) {
		snprintf(conf, sizeof(conf), "%s", argv[1]);
	} else {
		ssize_t len =
			readlink("/proc/self/exe", conf, sizeof(conf) - 1);
		char *slash;

		if (len < 0)
			die("/proc/self/exe");
		conf[len] = '\0';
		slash = strrchr(conf, '/');
		snprintf(slash + 1, sizeof(conf) - (slash + 1 - conf),
			 "llexec.conf");
	}
	parse_config(conf, &c);
	if (c.setup)
		setup_system(&c);
	for (int i = 0; i < c.nenv; i++)
		add_env(env, &n, c.env[i]);
	add_env(env, &n, "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
	add_env(env, &n, c.nobody ? "HOME=/home/nobody" : "HOME=/root");
	add_env(env, &n, c.nobody ? "USER=nobody" : "USER=root");
	add_env(env, &n, c.nobody ? "LOGNAME=nobody" : "LOGNAME=root");
	add_env(env, &n, "TMPDIR=/tmp");
	add_env(env, &n, "LANG=C.UTF-8");
	probe_env(env, &n, probe_store, sizeof(probe_store));
	env[n] = NULL;
	for (int i = 0; i < c.nruns; i++)
		run_one(&c, &c.runs[i], env);
	return 0;
}
