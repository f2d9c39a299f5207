// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

struct ll_probe ll_kernel;

void ll_wait_go(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0 && errno == EINTR)
		;
}

int ll_errno_of(int ret)
{
	return ret < 0 ? errno : 0;
}

int ll_ruleset_build(const struct ll_ruleset_desc *desc)
{
	struct landlock_ruleset_attr attr = {
		.handled_access_fs = desc->handled_fs,
		.handled_access_net = desc->handled_net,
		.scoped = desc->scoped,
	};
	const struct ll_path_rule *p;
	const struct ll_port_rule *n;
	int fd, err;

	fd = ll_create_ruleset(&attr, ll_ruleset_attr_size(ll_kernel.abi), 0);
	if (fd < 0)
		return -errno;
	for (p = desc->paths; p && p->path; p++) {
		struct landlock_path_beneath_attr rule = {
			.allowed_access = p->access,
			.parent_fd = open(p->path, O_PATH | O_CLOEXEC),
		};

		if (rule.parent_fd < 0)
			goto fail;
		err = ll_add_rule(fd, LANDLOCK_RULE_PATH_BENEATH, &rule,
				  p->flags);
		close(rule.parent_fd);
		if (err)
			goto fail;
	}
	for (n = desc->ports; n && n->access; n++) {
		struct landlock_net_port_attr rule = {
			.allowed_access = n->access,
			.port = n->port,
		};

		if (ll_add_rule(fd, LANDLOCK_RULE_NET_PORT, &rule, n->flags))
			goto fail;
	}
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

int ll_enforce(const struct ll_ruleset_desc *desc)
{
	int fd = ll_ruleset_build(desc), err = 0;

	if (fd < 0)
		return -fd;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || ll_restrict_self(fd, 0))
		err = errno;
	close(fd);
	return err;
}

int ll_enforce_fs(uint64_t handled_fs, const struct ll_path_rule *rules)
{
	const struct ll_ruleset_desc desc = {
		.handled_fs = handled_fs,
		.paths = rules,
	};

	return ll_enforce(&desc);
}

pid_t ll_fork_wait(void (*fn)(void *arg), void *arg, int *status)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (waitpid(pid, status, 0) != pid)
		return -1;
	return pid;
}

struct ll_child_call {
	const struct ll_ruleset_desc *desc;
	int (*fn)(void *arg);
	void *arg;
};

static void ll_sandboxed_call(void *p)
{
	const struct ll_child_call *c = p;

	/* 255: the sandbox itself failed, never a plausible errno. */
	if (c->desc && ll_enforce(c->desc))
		_exit(255);
	_exit(c->fn(c->arg) & 0xff);
}

int ll_run_child(const struct ll_ruleset_desc *desc, int (*fn)(void *arg),
		 void *arg)
{
	struct ll_child_call call = { desc, fn, arg };
	int status;

	if (ll_fork_wait(ll_sandboxed_call, &call, &status) < 0 ||
	    !WIFEXITED(status) || WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

int ll_drop_caps(void)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	return syscall(SYS_capset, &header, data) ? errno : 0;
}

int ll_keep_only_cap(int cap)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	data[cap / 32].effective = data[cap / 32].permitted = 1U << (cap % 32);
	return syscall(SYS_capset, &header, data) ? errno : 0;
}

bool ll_has_cap(int cap)
{
	struct __user_cap_header_struct header = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };

	if (syscall(SYS_capget, &header, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

int ll_try_openat(int dirfd, const char *path, int flags)
{
	int fd = openat(dirfd, path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

int ll_try_open(const char *path, int flags)
{
	return ll_try_openat(AT_FDCWD, path, flags);
}

static char scratch_root[256];
static pid_t scratch_owner;

static int remove_entry(const char *path, const struct stat *st, int type,
			struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

bool ll_in_guest(void)
{
	return getenv("LLCONFORM_GUEST") != NULL;
}

static void scratch_cleanup(void)
{
	/* Removing the trees one entry at a time cost more than making them. */
	if (ll_in_guest())
		return;
	/* Test children exit through _exit(); only the creator cleans up. */
	if (scratch_root[0] && getpid() == scratch_owner)
		nftw(scratch_root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* TMPDIR, else a tmpfs: test trees on a disk filesystem are 7x slower. */
static const char *scratch_parent(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp && *tmp)
		return tmp;
	if (!access("/dev/shm", W_OK | X_OK))
		return "/dev/shm";
	return "/tmp";
}

int ll_scratch_init(const char *program)
{
	snprintf(scratch_root, sizeof(scratch_root), "%s/llconform-%s.XXXXXX",
		 scratch_parent(), program);
	if (!mkdtemp(scratch_root))
		return errno;
	scratch_owner = getpid();
	atexit(scratch_cleanup);
	return 0;
}

int ll_scratch_dir(const char *test_name, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s.XXXXXX", scratch_root,
			     test_name) >= size)
		return ENAMETOOLONG;
	return mkdtemp(out) ? 0 : errno;
}

const char *ll_path(char *out, size_t size, const char *root, const char *rel)
{
	snprintf(out, size, "%s/%s", root, rel);
	return out;
}

static int make_entry(const char *root, const char *entry)
{
	char path[512], target[256];
	const char *arrow = strstr(entry, "->");
	size_t len = strlen(entry);
	int fd;

	if (arrow) {
		snprintf(target, sizeof(target), "%s", arrow + 2);
		snprintf(path, sizeof(path), "%s/%.*s", root,
			 (int)(arrow - entry), entry);
		return symlink(target, path) ? errno : 0;
	}
	ll_path(path, sizeof(path), root, entry);
	if (entry[len - 1] == '/')
		return mkdir(path, 0700) ? errno : 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd < 0)
		return errno;
	if (write(fd, entry, len) != (ssize_t)len) {
		close(fd);
		return EIO;
	}
	return close(fd) ? errno : 0;
}

int ll_make_tree(const char *root, const char *const entries[])
{
	int err;

	for (; *entries; entries++) {
		err = make_entry(root, *entries);
		if (err)
			return err;
	}
	return 0;
}

static void __attribute__((constructor)) exit0_hook(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], LL_EXIT0_ARG))
		_exit(0);
}

int ll_copy_self(const char *dst)
{
	char buf[65536];
	int in, out, err = 0;
	ssize_t n;

	/* Without /proc, argv[0] (the harness never changes directory). */
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		in = open(program_invocation_name, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return errno;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		err = errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			err = errno ?: EIO;
			break;
		}
	}
	if (n < 0)
		err = errno;
	close(in);
	if (close(out) && !err)
		err = errno;
	return err;
}

mode_t ll_type_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? 0 : st.st_mode & S_IFMT;
}
