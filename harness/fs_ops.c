// SPDX-License-Identifier: GPL-2.0
/*
 * The operation of each filesystem right (fs_ops.h).  The rights are
 * abi/'s (landlock_uapi.h); tests/unit/check_abi.c checks that every FS bit
 * of abi/ has one entry here.
 */
#define _GNU_SOURCE
#include "fs_ops.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

extern char **environ;

/* D/<rel> into a PATH_MAX buffer. */
#define IN_DIR(buf, dir, rel) ll_path((buf), sizeof(buf), (dir), (rel))

static int op_execute(const char *dir)
{
	char path[PATH_MAX];
	char *const argv[] = { path, LL_EXIT0_ARG, NULL };

	execve(IN_DIR(path, dir, LL_FS_OP_EXEC), argv, environ);
	return errno;
}

static int op_write_file(const char *dir)
{
	char path[PATH_MAX];

	return ll_try_open(IN_DIR(path, dir, LL_FS_OP_FILE), O_WRONLY);
}

static int op_read_file(const char *dir)
{
	char path[PATH_MAX];

	return ll_try_open(IN_DIR(path, dir, LL_FS_OP_FILE), O_RDONLY);
}

static int op_read_dir(const char *dir)
{
	char path[PATH_MAX];

	return ll_try_open(IN_DIR(path, dir, LL_FS_OP_DIR),
			   O_RDONLY | O_DIRECTORY);
}

static int op_remove_dir(const char *dir)
{
	char path[PATH_MAX];

	return ll_errno_of(rmdir(IN_DIR(path, dir, LL_FS_OP_DIR)));
}

static int op_remove_file(const char *dir)
{
	char path[PATH_MAX];

	return ll_errno_of(unlink(IN_DIR(path, dir, LL_FS_OP_FILE)));
}

static int make_node(const char *dir, mode_t type, dev_t dev)
{
	char path[PATH_MAX];

	return ll_errno_of(
		mknod(IN_DIR(path, dir, LL_FS_OP_NEW), type | 0600, dev));
}

/* Real devices (/dev/null, /dev/loop0): 0:0 would be a whiteout. */
static int op_make_char(const char *dir)
{
	return make_node(dir, S_IFCHR, makedev(1, 3));
}

static int op_make_block(const char *dir)
{
	return make_node(dir, S_IFBLK, makedev(7, 0));
}

static int op_make_reg(const char *dir)
{
	return make_node(dir, S_IFREG, 0);
}

static int op_make_fifo(const char *dir)
{
	return make_node(dir, S_IFIFO, 0);
}

static int op_make_dir(const char *dir)
{
	char path[PATH_MAX];

	return ll_errno_of(mkdir(IN_DIR(path, dir, LL_FS_OP_NEW), 0700));
}

static int op_make_sym(const char *dir)
{
	char path[PATH_MAX];

	return ll_errno_of(
		symlink(LL_FS_OP_FILE, IN_DIR(path, dir, LL_FS_OP_NEW)));
}

/*
 * bind(2) of a pathname socket, the way programs make one; relative to D
 * (the caller's child changes directory) so that a long D still fits in
 * sun_path.
 */
static int op_make_sock(const char *dir)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX,
				    .sun_path = LL_FS_OP_NEW };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return errno;
	err = ll_errno_of(chdir(dir));
	if (!err)
		err = ll_errno_of(
			bind(fd, (struct sockaddr *)&addr, sizeof(addr)));
	close(fd);
	return err;
}

/* Reparenting D/f into D/d/: EXDEV when REFER is what is missing. */
static int op_refer(const char *dir)
{
	char src[PATH_MAX], dst[PATH_MAX];

	return ll_errno_of(
		link(IN_DIR(src, dir, LL_FS_OP_FILE),
		     IN_DIR(dst, dir, LL_FS_OP_DIR "/" LL_FS_OP_FILE)));
}

static int op_truncate(const char *dir)
{
	char path[PATH_MAX];

	return ll_errno_of(truncate(IN_DIR(path, dir, LL_FS_OP_FILE), 0));
}

/* FIONREAD goes to the driver, so IOCTL_DEV checks it (SPEC §5.2). */
static int op_ioctl_dev(const char *dir)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), n, err;

	(void)dir;
	if (fd < 0)
		return errno;
	err = ll_errno_of(ioctl(fd, FIONREAD, &n));
	close(fd);
	return err;
}

static int op_resolve_unix(const char *dir)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return errno;
	err = ll_errno_of(chdir(dir));
	strcpy(addr.sun_path, LL_FS_OP_UNIX);
	if (!err)
		err = ll_errno_of(
			connect(fd, (struct sockaddr *)&addr, sizeof(addr)));
	close(fd);
	return err;
}

/* Shorthands for the table below: a right and its operation. */
#define RIGHT(name, fn) .right = LANDLOCK_ACCESS_FS_##name, .run = (fn)
#define MAKES(type) .entry = LL_FS_OP_NEW, .after = (type)
#define REMOVES(what, type) .entry = (what), .before = (type)

static const struct ll_fs_op ops[] = {
	/* execve opens the file for reading too. */
	{ RIGHT(EXECUTE, op_execute), .also = LANDLOCK_ACCESS_FS_READ_FILE },
	{ RIGHT(WRITE_FILE, op_write_file) },
	{ RIGHT(READ_FILE, op_read_file) },
	{ RIGHT(READ_DIR, op_read_dir) },
	{ RIGHT(REMOVE_DIR, op_remove_dir), REMOVES(LL_FS_OP_DIR, S_IFDIR) },
	{ RIGHT(REMOVE_FILE, op_remove_file), REMOVES(LL_FS_OP_FILE, S_IFREG) },
	{ RIGHT(MAKE_CHAR, op_make_char), MAKES(S_IFCHR), .device = true },
	{ RIGHT(MAKE_DIR, op_make_dir), MAKES(S_IFDIR) },
	{ RIGHT(MAKE_REG, op_make_reg), MAKES(S_IFREG) },
	{ RIGHT(MAKE_SOCK, op_make_sock), MAKES(S_IFSOCK) },
	{ RIGHT(MAKE_FIFO, op_make_fifo), MAKES(S_IFIFO) },
	{ RIGHT(MAKE_BLOCK, op_make_block), MAKES(S_IFBLK), .device = true },
	{ RIGHT(MAKE_SYM, op_make_sym), MAKES(S_IFLNK) },
	/* The link itself needs MAKE_REG on D/d; REFER alone: EXDEV (§5.4). */
	{ RIGHT(REFER, op_refer), .also = LANDLOCK_ACCESS_FS_MAKE_REG,
	  .denied = EXDEV },
	{ RIGHT(TRUNCATE, op_truncate) },
	{ RIGHT(IOCTL_DEV, op_ioctl_dev) },
	{ RIGHT(RESOLVE_UNIX, op_resolve_unix) },
};

const struct ll_fs_op *ll_fs_op(uint64_t right)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].right == right)
			return &ops[i];
	return NULL;
}

int ll_fs_op_denied(const struct ll_fs_op *op)
{
	return op->denied ?: EACCES;
}

int ll_fs_op_allowed(const struct ll_fs_op *op)
{
	return op->device && !ll_has_cap(CAP_MKNOD) ? EPERM : 0;
}

struct op_call {
	const struct ll_fs_op *op;
	const char *dir;
};

static int run_call(void *arg)
{
	const struct op_call *call = arg;

	return call->op->run(call->dir);
}

int ll_fs_op_in_child(const struct ll_ruleset_desc *desc, uint64_t right,
		      const char *dir)
{
	struct op_call call = { ll_fs_op(right), dir };

	if (!call.op)
		return EINVAL;
	return ll_run_child(desc, run_call, &call);
}

#if defined(__x86_64__)
static const unsigned char exit0_code[] = {
	0xb8, 0x3c, 0x00, 0x00, 0x00, /* mov $60, %eax: exit */
	0x31, 0xff, /* xor %edi, %edi: status 0 */
	0x0f, 0x05, /* syscall */
};

int ll_fs_make_exec(const char *path)
{
	enum { BASE = 0x400000 };
	struct __attribute__((packed)) {
		Elf64_Ehdr eh;
		Elf64_Phdr load, stack;
		unsigned char code[sizeof(exit0_code)];
	} elf = {
		.eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3,
				     ELFCLASS64, ELFDATA2LSB, EV_CURRENT,
				     ELFOSABI_SYSV },
			.e_type = ET_EXEC,
			.e_machine = EM_X86_64,
			.e_version = EV_CURRENT,
			.e_phoff = offsetof(typeof(elf), load),
			.e_ehsize = sizeof(Elf64_Ehdr),
			.e_phentsize = sizeof(Elf64_Phdr),
			.e_phnum = 2,
		},
		.load = {
			.p_type = PT_LOAD,
			.p_flags = PF_R | PF_X,
			.p_vaddr = BASE,
			.p_paddr = BASE,
			.p_filesz = sizeof(elf),
			.p_memsz = sizeof(elf),
			.p_align = 0x1000,
		},
		/* A stack without execute, as every linker marks it. */
		.stack = { .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W },
	};
	int fd, err = 0;

	elf.eh.e_entry = BASE + offsetof(typeof(elf), code);
	memcpy(elf.code, exit0_code, sizeof(exit0_code));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (fd < 0)
		return errno;
	if (write(fd, &elf, sizeof(elf)) != (ssize_t)sizeof(elf))
		err = errno ?: EIO;
	if (close(fd) && !err)
		err = errno;
	return err;
}
#else
int ll_fs_make_exec(const char *path)
{
	return ll_copy_self(path);
}
#endif

int ll_fs_listen_unix(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	strcpy(addr.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 4)) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}
