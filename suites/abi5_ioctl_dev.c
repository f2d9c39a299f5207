// SPDX-License-Identifier: GPL-2.0
/*
 * abi5_ioctl_dev: LANDLOCK_ACCESS_FS_IOCTL_DEV (SPEC §5.2, §5.3).
 *
 * ioctl(2) on a character or block device needs IOCTL_DEV, looked up when
 * the device is opened and carried by the open file; a fixed list of
 * VFS-level commands is always allowed; every other file type is never
 * restricted.  Before ABI 5 no ioctl is restricted.
 *
 * Devices are the ones devtmpfs always has.  Each driver command below is
 * one the driver answers the same way every time:
 *
 *	device		command		driver's answer
 *	/dev/null	FIONREAD	ENOTTY (no ioctl handler)
 *	/dev/zero	FIONREAD	ENOTTY
 *	/dev/full	FIONREAD	ENOTTY
 *	/dev/urandom	RNDGETENTCNT	0 (random_ioctl)
 *
 * The answer is also measured on a descriptor opened before any domain (a
 * "reference"): a differing reference is a broken setup, not a verdict.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <linux/random.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ll_harness.h"
#include "modules.h"
#include "rights.h"
#include "fdpass.h"

LL_PROGRAM(LL_B_IOCTL_DEV);

/* Commands the host's uapi headers may lack (6.8+ and falloc.h ones). */
#ifndef FS_IOC_GETFSUUID
struct ll_fsuuid2 {
	__u8 len;
	__u8 uuid[16];
};
#define FS_IOC_GETFSUUID _IOR(0x15, 0, struct ll_fsuuid2)
#endif
#ifndef FS_IOC_GETFSSYSFSPATH
struct ll_fs_sysfs_path {
	__u8 len;
	__u8 name[128];
};
#define FS_IOC_GETFSSYSFSPATH _IOR(0x15, 1, struct ll_fs_sysfs_path)
#endif
struct ll_space_resv {
	__s16 l_type;
	__s16 l_whence;
	__s64 l_start;
	__s64 l_len;
	__s32 l_sysid;
	__u32 l_pid;
	__s32 l_pad[4];
};
#define LL_FS_IOC_RESVSP _IOW('X', 40, struct ll_space_resv)
#define LL_FS_IOC_UNRESVSP _IOW('X', 41, struct ll_space_resv)
#define LL_FS_IOC_RESVSP64 _IOW('X', 42, struct ll_space_resv)
#define LL_FS_IOC_UNRESVSP64 _IOW('X', 43, struct ll_space_resv)
#define LL_FS_IOC_ZERO_RANGE _IOW('X', 57, struct ll_space_resv)
/* A command no driver or VFS layer knows. */
#define LL_UNKNOWN_IOCTL 0xc00ffeeeU

struct named_cmd {
	const char *name;
	unsigned long cmd;
};
#define CMD(c)                         \
	{                              \
		.name = #c, .cmd = (c) \
	}

/* §5.3: never restricted on a device, whatever the domain. */
static const struct named_cmd always_allowed[] = {
	CMD(FIOCLEX),	       CMD(FIONCLEX),
	CMD(FIONBIO),	       CMD(FIOASYNC),
	CMD(FIOQSIZE),	       CMD(FIFREEZE),
	CMD(FITHAW),	       CMD(FS_IOC_FIEMAP),
	CMD(FIGETBSZ),	       CMD(FICLONE),
	CMD(FICLONERANGE),     CMD(FIDEDUPERANGE),
	CMD(FS_IOC_GETFSUUID), CMD(FS_IOC_GETFSSYSFSPATH),
};

/* §5.3: commands that reach the driver (or the VFS on its behalf). */
static const struct named_cmd reaching_driver[] = {
	CMD(FIONREAD),
	CMD(FS_IOC_GETFLAGS),
	CMD(FS_IOC_SETFLAGS),
	CMD(FS_IOC_FSGETXATTR),
	CMD(FS_IOC_FSSETXATTR),
	CMD(FIBMAP),
	CMD(LL_FS_IOC_RESVSP),
	CMD(LL_FS_IOC_RESVSP64),
	CMD(LL_FS_IOC_UNRESVSP),
	CMD(LL_FS_IOC_UNRESVSP64),
	CMD(LL_FS_IOC_ZERO_RANGE),
	CMD(LL_UNKNOWN_IOCTL),
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * ioctl with a zeroed buffer large enough for every command above;
 * returns 0 or the errno.  Commands reading a source fd out of the buffer
 * (FICLONERANGE, FIDEDUPERANGE) find fd 0, which park_stdin() made an
 * O_PATH descriptor: EBADF, never a real file.
 */
static int ioctl_err(int fd, unsigned long cmd)
{
	char buf[256] = { 0 };

	return ioctl(fd, cmd, buf) < 0 ? errno : 0;
}

static int park_stdin(void)
{
	int fd = open("/", O_PATH | O_CLOEXEC);

	if (fd < 0)
		return errno;
	if (dup2(fd, 0) < 0) {
		int err = errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

/* ------------------------------------------------------------------------
 * The compat ioctl (§5.3).  A 32-bit caller's ioctl(2) goes through
 * compat_sys_ioctl() and Landlock's file_ioctl_compat hook, whose list of
 * always-allowed commands differs: FICLONE has its own case there, and the
 * 32-bit forms FS_IOC32_GETFLAGS/SETFLAGS and (x86_64) the reserve and
 * zero-range commands with their packed struct reach the driver.  A 64-bit
 * process enters that path with `int $0x80` (ll_ia32_ioctl(), abi/), so no
 * 32-bit binary is needed.
 */
/* struct space_resv_32 of fs/ioctl.c: packed, 44 bytes. */
struct ll_space_resv_32 {
	__s16 l_type;
	__s16 l_whence;
	__s64 l_start;
	__s64 l_len;
	__s32 l_sysid;
	__u32 l_pid;
	__s32 l_pad[4];
} __attribute__((packed));
#define LL_FS_IOC_RESVSP_32 _IOW('X', 40, struct ll_space_resv_32)
#define LL_FS_IOC_UNRESVSP_32 _IOW('X', 41, struct ll_space_resv_32)
#define LL_FS_IOC_RESVSP64_32 _IOW('X', 42, struct ll_space_resv_32)
#define LL_FS_IOC_UNRESVSP64_32 _IOW('X', 43, struct ll_space_resv_32)
#define LL_FS_IOC_ZERO_RANGE_32 _IOW('X', 57, struct ll_space_resv_32)

/*
 * The commands only a 32-bit caller has, which reach the driver.  None
 * writes: FS_IOC32_SETFLAGS is left to the denied side (it never reaches
 * the real /dev there), and a zeroed reservation has length 0 (EINVAL
 * before any allocation).
 */
static const struct named_cmd compat_reaching_driver[] = {
	CMD(FS_IOC32_GETFLAGS),	      CMD(LL_FS_IOC_RESVSP_32),
	CMD(LL_FS_IOC_RESVSP64_32),   CMD(LL_FS_IOC_UNRESVSP_32),
	CMD(LL_FS_IOC_UNRESVSP64_32), CMD(LL_FS_IOC_ZERO_RANGE_32),
};

#ifdef LL_NR_ia32_ioctl
/*
 * A zeroed buffer below 4 GiB (the ia32 entry cuts pointers to 32 bits),
 * large enough for every command above; NULL when it cannot be mapped.
 */
static void *low_buffer(void)
{
	static void *buf;

	if (!buf) {
		buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (buf == MAP_FAILED)
			buf = NULL;
	}
	if (buf)
		memset(buf, 0, 256);
	return buf;
}
#endif

/*
 * ioctl_err() through the ia32 entry: 0 or the errno.  Only called after
 * COMPAT_SETUP(), which skips the test where there is no such entry.
 */
static int compat_ioctl_err(int fd, unsigned long cmd)
{
#ifdef LL_NR_ia32_ioctl
	void *buf = low_buffer();

	if (!buf)
		return ENOMEM; /* COMPAT_SETUP() mapped it: never here */
	return ll_ia32_ioctl(fd, (uint32_t)cmd, (uint32_t)(uintptr_t)buf) < 0
		       ? errno
		       : 0;
#else
	(void)fd;
	(void)cmd;
	return ENOSYS;
#endif
}

/* How a command is sent: ioctl_err(), or compat_ioctl_err() ("compat "). */
struct ioctl_way {
	int (*err_of)(int fd, unsigned long cmd);
	const char *prefix;
};

static const struct ioctl_way native = { ioctl_err, "" };
static const struct ioctl_way compat = { compat_ioctl_err, "compat " };

/*
 * Each of `cmds` answers on `fd` as on `reference`, and is not denied.
 * `path` names the file in the log (NULL: none).
 */
static void expect_as_reference(struct __test_metadata *_metadata,
				const struct ioctl_way *way, int reference,
				int fd, const char *path,
				const struct named_cmd *cmds, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		int ref = way->err_of(reference, cmds[i].cmd);
		int got = way->err_of(fd, cmds[i].cmd);

		EXPECT_EQ(ref, got)
		{
			TH_LOG("%s%s%s%s: errno %d, reference %d", way->prefix,
			       cmds[i].name, path ? " on " : "", path ?: "",
			       got, ref);
		}
		EXPECT_NE(EACCES, got)
		{
			TH_LOG("%s%s denied", way->prefix, cmds[i].name);
		}
	}
}

/* Each of `cmds` is denied on `fd` (EACCES). */
static void expect_all_denied(struct __test_metadata *_metadata,
			      const struct ioctl_way *way, int fd,
			      const char *path, const struct named_cmd *cmds,
			      size_t count)
{
	size_t i;

	for (i = 0; i < count; i++) {
		EXPECT_EQ(EACCES, way->err_of(fd, cmds[i].cmd))
		{
			TH_LOG("%s%s on %s", way->prefix, cmds[i].name, path);
		}
	}
}

#ifdef LL_NR_ia32_ioctl

static void exit_on_fault(int sig)
{
	(void)sig;
	_exit(3);
}

/*
 * Whether this kernel takes `int $0x80` from a 64-bit process, tried in a
 * child with FIOCLEX on /dev/null: 0 yes; 1 no, `why` says why; -1 the
 * child itself failed (`why`).  A kernel without the ia32 entry (no
 * CONFIG_IA32_EMULATION, or ia32_emulation=0 since 6.7) has no gate for
 * the vector: the instruction faults.  The child handles SIGSEGV itself so
 * that the kernel logs no "general protection fault" line for it (which
 * the driver would read as an oops) and dumps no core.
 */
static int compat_entry_refused(char *why, size_t size)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		signal(SIGSEGV, exit_on_fault);
		if (fd < 0 || !low_buffer())
			_exit(4);
		if (ll_ia32_ioctl(fd, FIOCLEX, 0))
			_exit(errno == ENOSYS ? 2 : 5);
		_exit(fcntl(fd, F_GETFD) == FD_CLOEXEC ? 0 : 6);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		snprintf(why, size, "the int $0x80 probe did not exit (0x%x)",
			 status);
		return -1;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 2:
		snprintf(why, size,
			 "the ia32 syscall entry answers ENOSYS (ia32 "
			 "emulation disabled): no compat ioctl");
		return 1;
	case 3:
		snprintf(why, size,
			 "int $0x80 faults: the kernel has no ia32 syscall "
			 "entry (CONFIG_IA32_EMULATION off or "
			 "ia32_emulation=0): no compat ioctl");
		return 1;
	default:
		snprintf(why, size,
			 "the int $0x80 probe failed (exit %d: 4 no /dev/null "
			 "or low mapping, 5 FIOCLEX failed, 6 no effect)",
			 WEXITSTATUS(status));
		return -1;
	}
}
#endif /* LL_NR_ia32_ioctl */

/*
 * Skips the test where no compat ioctl can be made (another architecture,
 * or the kernel refuses the ia32 entry); before any domain: a failing probe
 * is a broken setup.
 */
#ifdef LL_NR_ia32_ioctl
#define COMPAT_SETUP()                                                   \
	do {                                                             \
		char why_[160];                                          \
		int refused_ = compat_entry_refused(why_, sizeof(why_)); \
		if (refused_ < 0)                                        \
			LL_BROKEN("%s", why_);                           \
		if (refused_ > 0)                                        \
			LL_SKIP_ENV(return, "%s", why_);                 \
	} while (0)
#else
#define COMPAT_SETUP()                                                      \
	LL_SKIP_ENV(return, "the compat ioctl is reached through x86_64's " \
			    "int $0x80 (ia32 entry); this is not x86_64")
#endif

/* Opens `path` and returns the fd or -errno. */
static int open_fd(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static const char *parent_dir(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');

	snprintf(out, size, "%.*s", slash == path ? 1 : (int)(slash - path),
		 path);
	return out;
}

/* ------------------------------------------------------------------------
 * Character devices.
 */
FIXTURE(device)
{
	/* Opened before any domain: carries every right. */
	int reference;
	char dir[64];
};

FIXTURE_VARIANT(device)
{
	const char *path;
	/* A command that reaches the driver, and the driver's answer. */
	const char *cmd_name;
	unsigned long cmd;
	int driver;
};

FIXTURE_VARIANT_ADD(device, null){
	.path = "/dev/null",
	.cmd_name = "FIONREAD",
	.cmd = FIONREAD,
	.driver = ENOTTY,
};

FIXTURE_VARIANT_ADD(device, zero){
	.path = "/dev/zero",
	.cmd_name = "FIONREAD",
	.cmd = FIONREAD,
	.driver = ENOTTY,
};

FIXTURE_VARIANT_ADD(device, full){
	.path = "/dev/full",
	.cmd_name = "FIONREAD",
	.cmd = FIONREAD,
	.driver = ENOTTY,
};

FIXTURE_VARIANT_ADD(device, urandom){
	.path = "/dev/urandom",
	.cmd_name = "RNDGETENTCNT",
	.cmd = RNDGETENTCNT,
	.driver = 0,
};

FIXTURE_SETUP(device)
{
	struct stat st;
	int ref;

	self->reference = -1;
	if (stat(variant->path, &st) || !S_ISCHR(st.st_mode))
		LL_BROKEN("%s is not a character device", variant->path);
	parent_dir(variant->path, self->dir, sizeof(self->dir));
	LL_SETUP(park_stdin());
	self->reference = open_fd(variant->path, O_RDONLY);
	if (self->reference < 0)
		LL_BROKEN("open %s: %s", variant->path,
			  strerror(-self->reference));
	ref = ioctl_err(self->reference, variant->cmd);
	if (ref != variant->driver)
		LL_BROKEN("unsandboxed %s on %s: errno %d, documented %d",
			  variant->cmd_name, variant->path, ref,
			  variant->driver);
}

FIXTURE_TEARDOWN(device)
{
	if (self->reference >= 0)
		close(self->reference);
}

/* The driver's answer on a descriptor opened in the current domain. */
static int cmd_on_new_fd(const FIXTURE_VARIANT(device) * variant)
{
	int fd = open_fd(variant->path, O_RDONLY), err;

	if (fd < 0)
		return 1000 - fd; /* never an ioctl errno: the open failed */
	err = ioctl_err(fd, variant->cmd);
	close(fd);
	return err;
}

LL_TEST_F(device, ioctl_reaches_driver_with_rule_on_device_file)
{
	ASSERT_EQ(0, ll_enforce_fs(
			     ll_all_fs(),
			     RULES(RULE(variant->path, R_READ | R_IOCTL_DEV))));
	ASSERT_EQ(variant->driver, cmd_on_new_fd(variant));
}

LL_TEST_F(device, ioctl_reaches_driver_with_rule_on_parent_dir)
{
	ASSERT_EQ(0,
		  ll_enforce_fs(ll_all_fs(),
				RULES(RULE(self->dir, R_READ | R_IOCTL_DEV))));
	ASSERT_EQ(variant->driver, cmd_on_new_fd(variant));
}

LL_TEST_F(device, ioctl_denied_with_eacces_without_right)
{
	ASSERT_EQ(0,
		  ll_enforce_fs(ll_all_fs(), RULES(RULE(variant->path, R_READ),
						   RULE(self->dir, R_READ))));
	/* The open itself never fails for lack of IOCTL_DEV. */
	ASSERT_EQ(EACCES, cmd_on_new_fd(variant));
	/* The descriptor from before still reaches the driver. */
	ASSERT_EQ(variant->driver, ioctl_err(self->reference, variant->cmd));
}

LL_TEST_F(device, ioctl_denied_when_only_ioctl_dev_is_handled)
{
	ASSERT_EQ(0, ll_enforce_fs(R_IOCTL_DEV, NO_RULES));
	ASSERT_EQ(EACCES, cmd_on_new_fd(variant));
}

LL_TEST_F(device, ioctl_unrestricted_when_ioctl_dev_unhandled)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs() & ~R_IOCTL_DEV,
				   RULES(RULE(variant->path, R_READ))));
	ASSERT_EQ(variant->driver, cmd_on_new_fd(variant));
}

/* §5.1: every layer that handles IOCTL_DEV must grant it. */
LL_TEST_F(device, ioctl_denied_by_any_layer_handling_it_without_rule)
{
	ASSERT_EQ(0, ll_enforce_fs(
			     ll_all_fs(),
			     RULES(RULE(variant->path, R_READ | R_IOCTL_DEV))));
	/* A second layer not handling IOCTL_DEV changes nothing. */
	ASSERT_EQ(0, ll_enforce_fs(R_READ, RULES(RULE(variant->path, R_READ))));
	ASSERT_EQ(variant->driver, cmd_on_new_fd(variant));
	/* A third one handling it without granting it denies. */
	ASSERT_EQ(0, ll_enforce_fs(R_READ | R_IOCTL_DEV,
				   RULES(RULE(variant->path, R_READ))));
	ASSERT_EQ(EACCES, cmd_on_new_fd(variant));
}

/* §5.3: the right is computed at open and travels with the file. */
LL_TEST_F(device, right_of_fd_opened_before_restriction_is_kept)
{
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), NO_RULES));
	ASSERT_EQ(variant->driver, ioctl_err(self->reference, variant->cmd));
	/* Opening again is denied (READ_FILE), so only the old fd works. */
	ASSERT_EQ(EACCES, ll_try_open(variant->path, O_RDONLY));
}

LL_TEST_F(device, right_of_fd_opened_with_it_survives_a_new_layer)
{
	int with_right;

	ASSERT_EQ(0, ll_enforce_fs(
			     ll_all_fs(),
			     RULES(RULE(variant->path, R_READ | R_IOCTL_DEV))));
	with_right = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, with_right);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(variant->path, R_READ))));
	ASSERT_EQ(variant->driver, ioctl_err(with_right, variant->cmd));
	ASSERT_EQ(EACCES, cmd_on_new_fd(variant));
	ASSERT_EQ(0, close(with_right));
}

/*
 * A sandboxed child opens the device without IOCTL_DEV and hands the fd to
 * this unsandboxed process: the denial goes with it.
 */
LL_TEST_F(device, denial_travels_with_fd_to_unsandboxed_process)
{
	int sv[2], status, fd;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int dev;

		if (ll_enforce_fs(ll_all_fs(),
				  RULES(RULE(variant->path, R_READ))))
			_exit(100);
		dev = open_fd(variant->path, O_RDONLY);
		if (dev < 0)
			_exit(101);
		_exit(ll_send_fd(sv[0], dev) ? 102 : 0);
	}
	fd = ll_recv_fd(sv[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	ASSERT_LE(0, fd);
	ASSERT_EQ(EACCES, ioctl_err(fd, variant->cmd));
	ASSERT_EQ(variant->driver, ioctl_err(self->reference, variant->cmd));
	ASSERT_EQ(0, close(fd));
}

/*
 * §5.3: the always-allowed commands answer on a device opened without
 * IOCTL_DEV exactly as on the reference.  Capabilities are dropped first
 * so that FIFREEZE/FITHAW stop at their CAP_SYS_ADMIN check.
 */
LL_TEST_F(device, always_allowed_ioctls_unrestricted_without_right)
{
	int fd;

	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(variant->path, R_READ))));
	fd = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EACCES, ioctl_err(fd, variant->cmd));
	expect_as_reference(_metadata, &native, self->reference, fd,
			    variant->path, always_allowed,
			    ARRAY_LEN(always_allowed));
	/* FIOCLEX/FIONCLEX and FIONBIO took effect. */
	ASSERT_EQ(0, ioctl(fd, FIOCLEX));
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, ioctl(fd, FIONCLEX));
	ASSERT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	{
		int on = 1;

		ASSERT_EQ(0, ioctl(fd, FIONBIO, &on));
		ASSERT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	}
	ASSERT_EQ(0, close(fd));
}

/* §5.3: every other command is denied, known to the VFS or not. */
LL_TEST_F(device, driver_ioctls_all_denied_without_right)
{
	int fd;

	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(variant->path, R_READ))));
	fd = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, fd);
	expect_all_denied(_metadata, &native, fd, variant->path,
			  reaching_driver, ARRAY_LEN(reaching_driver));
	ASSERT_EQ(EACCES, ioctl_err(fd, variant->cmd));
	ASSERT_EQ(0, close(fd));
}

/*
 * §5.3 for a 32-bit caller (compat_sys_ioctl, the file_ioctl_compat hook):
 * the same decision, over the compat command numbers.
 */
static void compat_reference_is_the_driver(struct __test_metadata *_metadata,
					   FIXTURE_DATA(device) * self,
					   const FIXTURE_VARIANT(device) *
						   variant)
{
	int ref = compat_ioctl_err(self->reference, variant->cmd);

	if (ref != variant->driver)
		LL_BROKEN(
			"unsandboxed compat %s on %s: errno %d, documented %d",
			variant->cmd_name, variant->path, ref, variant->driver);
}

/* With IOCTL_DEV every compat command reaches the driver. */
LL_TEST_F(device, compat_ioctl_reaches_driver_with_right)
{
	int fd;

	COMPAT_SETUP();
	compat_reference_is_the_driver(_metadata, self, variant);
	ASSERT_EQ(0, ll_enforce_fs(
			     ll_all_fs(),
			     RULES(RULE(variant->path, R_READ | R_IOCTL_DEV))));
	fd = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(variant->driver, compat_ioctl_err(fd, variant->cmd));
	expect_as_reference(_metadata, &compat, self->reference, fd,
			    variant->path, compat_reaching_driver,
			    ARRAY_LEN(compat_reaching_driver));
	ASSERT_EQ(0, close(fd));
}

/*
 * Without IOCTL_DEV: the 32-bit forms and every command reaching the driver
 * are denied, the always-allowed ones (FICLONE through its compat case)
 * answer as on the reference.  Capabilities are dropped for FIFREEZE.
 */
LL_TEST_F(device, compat_ioctl_denied_with_eacces_without_right)
{
	int fd;

	COMPAT_SETUP();
	compat_reference_is_the_driver(_metadata, self, variant);
	ASSERT_EQ(0, ll_drop_caps());
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(variant->path, R_READ))));
	fd = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EACCES, compat_ioctl_err(fd, variant->cmd));
	/* The descriptor from before still reaches the driver. */
	ASSERT_EQ(variant->driver,
		  compat_ioctl_err(self->reference, variant->cmd));
	EXPECT_EQ(EACCES, compat_ioctl_err(fd, FS_IOC32_SETFLAGS));
	expect_all_denied(_metadata, &compat, fd, variant->path,
			  compat_reaching_driver,
			  ARRAY_LEN(compat_reaching_driver));
	/* The 64-bit numbers, sent by a 32-bit caller, are denied too. */
	expect_all_denied(_metadata, &compat, fd, variant->path,
			  reaching_driver, ARRAY_LEN(reaching_driver));
	expect_as_reference(_metadata, &compat, self->reference, fd,
			    variant->path, always_allowed,
			    ARRAY_LEN(always_allowed));
	/* The compat FIOCLEX took effect. */
	ASSERT_EQ(0, fcntl(fd, F_SETFD, 0));
	ASSERT_EQ(0, compat_ioctl_err(fd, FIOCLEX));
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, close(fd));
}

LL_TEST_F(device, compat_ioctl_unrestricted_when_ioctl_dev_unhandled)
{
	int fd;

	COMPAT_SETUP();
	compat_reference_is_the_driver(_metadata, self, variant);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs() & ~R_IOCTL_DEV,
				   RULES(RULE(variant->path, R_READ))));
	fd = open_fd(variant->path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(variant->driver, compat_ioctl_err(fd, variant->cmd));
	ASSERT_EQ(compat_ioctl_err(self->reference, FS_IOC32_GETFLAGS),
		  compat_ioctl_err(fd, FS_IOC32_GETFLAGS));
	ASSERT_NE(EACCES, compat_ioctl_err(fd, FS_IOC32_GETFLAGS));
	ASSERT_EQ(0, close(fd));
}

/* ------------------------------------------------------------------------
 * Other file types: IOCTL_DEV never applies (§5.2), even with every FS
 * right handled and IOCTL_DEV granted nowhere.
 *
 *	T/
 *	├── f		regular file, 3 bytes
 *	├── d/		directory
 *	├── p		fifo
 *	└── s		pathname socket, listening
 */
FIXTURE(non_device)
{
	char root[256];
	int server;
	/* The object opened before any domain, for the reference answer. */
	int reference;
};

FIXTURE_VARIANT(non_device)
{
	/* Opens the object (in the domain or not); fd or -errno. */
	int (*open)(FIXTURE_DATA(non_device) * self);
	/* Commands checked: FIONREAD always, plus the file's own. */
	unsigned long extra_cmd;
	const char *extra_name;
};

static const char *at(FIXTURE_DATA(non_device) * self, const char *rel)
{
	static char bufs[4][512];
	static unsigned int next;

	return ll_path(bufs[next++ % 4], sizeof(bufs[0]), self->root, rel);
}

static int open_regular(FIXTURE_DATA(non_device) * self)
{
	return open_fd(at(self, "f"), O_RDONLY);
}

static int open_directory(FIXTURE_DATA(non_device) * self)
{
	return open_fd(at(self, "d"), O_RDONLY | O_DIRECTORY);
}

/* O_RDWR does not wait for a writer; the fifo holds what setup wrote. */
static int open_fifo(FIXTURE_DATA(non_device) * self)
{
	return open_fd(at(self, "p"), O_RDWR);
}

static int connect_socket(FIXTURE_DATA(non_device) * self)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", at(self, "s"));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

/* Objects never opened through a path: pipes, socketpairs, memfds. */
static int make_pipe(FIXTURE_DATA(non_device) * self)
{
	int p[2];

	(void)self;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	if (write(p[1], "abc", 3) != 3) {
		close(p[0]);
		close(p[1]);
		return -EIO;
	}
	close(p[1]);
	return p[0];
}

static int make_memfd(FIXTURE_DATA(non_device) * self)
{
	int fd = memfd_create("llconform", MFD_CLOEXEC);

	(void)self;
	if (fd < 0)
		return -errno;
	if (write(fd, "abc", 3) != 3) {
		close(fd);
		return -EIO;
	}
	return fd;
}

FIXTURE_VARIANT_ADD(non_device, regular_file){
	.open = open_regular,
	.extra_cmd = FS_IOC_GETFLAGS,
	.extra_name = "FS_IOC_GETFLAGS",
};

FIXTURE_VARIANT_ADD(non_device, directory){
	.open = open_directory,
	.extra_cmd = FS_IOC_GETFLAGS,
	.extra_name = "FS_IOC_GETFLAGS",
};

FIXTURE_VARIANT_ADD(non_device, fifo){
	.open = open_fifo,
	.extra_cmd = LL_UNKNOWN_IOCTL,
	.extra_name = "unknown command",
};

FIXTURE_VARIANT_ADD(non_device, pathname_socket){
	.open = connect_socket,
	.extra_cmd = LL_UNKNOWN_IOCTL,
	.extra_name = "unknown command",
};

FIXTURE_VARIANT_ADD(non_device, pipe){
	.open = make_pipe,
	.extra_cmd = LL_UNKNOWN_IOCTL,
	.extra_name = "unknown command",
};

FIXTURE_VARIANT_ADD(non_device, memfd){
	.open = make_memfd,
	.extra_cmd = FS_IOC_GETFLAGS,
	.extra_name = "FS_IOC_GETFLAGS",
};

FIXTURE_SETUP(non_device)
{
	static const char *const tree[] = { "f", "d/", NULL };
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fifo;

	self->server = -1;
	self->reference = -1;
	LL_SETUP(park_stdin());
	LL_SETUP(ll_scratch_dir("ioctl", self->root, sizeof(self->root)));
	LL_SETUP(ll_make_tree(self->root, tree));
	if (mkfifo(at(self, "p"), 0600))
		LL_BROKEN("mkfifo: %s", strerror(errno));
	self->server = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (self->server < 0)
		LL_BROKEN("socket: %s", strerror(errno));
	if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s",
		     at(self, "s")) >= (int)sizeof(addr.sun_path))
		LL_BROKEN("socket path too long: %s", at(self, "s"));
	if (bind(self->server, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(self->server, 8))
		LL_BROKEN("bind/listen: %s", strerror(errno));
	/* Three bytes wait in the fifo for FIONREAD to count. */
	fifo = open_fd(at(self, "p"), O_RDWR);
	if (fifo < 0 || write(fifo, "abc", 3) != 3)
		LL_BROKEN("fifo: %s", strerror(errno));
	self->reference = fifo;
	if (variant->open != open_fifo) {
		self->reference = variant->open(self);
		if (self->reference < 0)
			LL_BROKEN("reference open: %s",
				  strerror(-self->reference));
		/* The fifo's fd stays open so that its bytes stay. */
	}
}

FIXTURE_TEARDOWN(non_device)
{
	if (self->reference >= 0)
		close(self->reference);
	if (self->server >= 0)
		close(self->server);
}

/* FIONREAD's answer and count on `fd`. */
static int fionread(int fd, int *count)
{
	*count = -1;
	return ioctl(fd, FIONREAD, count) < 0 ? errno : 0;
}

LL_TEST_F(non_device, ioctl_unrestricted_with_ioctl_dev_handled)
{
	int fd, ref_err, ref_count, err, count;

	ref_err = fionread(self->reference, &ref_count);
	ASSERT_NE(EACCES, ref_err);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(self->root,
					      ll_all_fs() & ~R_IOCTL_DEV))));
	fd = variant->open(self);
	ASSERT_LE(0, fd)
	{
		TH_LOG("open in the domain: %s", strerror(-fd));
	}
	err = fionread(fd, &count);
	ASSERT_EQ(ref_err, err);
	ASSERT_EQ(ref_count, count);
	ASSERT_EQ(ioctl_err(self->reference, variant->extra_cmd),
		  ioctl_err(fd, variant->extra_cmd))
	{
		TH_LOG("%s", variant->extra_name);
	}
	ASSERT_NE(EACCES, ioctl_err(fd, variant->extra_cmd));
	ASSERT_EQ(0, close(fd));
}

/* The same for a 32-bit caller: only devices are checked (§5.2). */
LL_TEST_F(non_device, compat_ioctl_unrestricted_with_ioctl_dev_handled)
{
	static const struct named_cmd cmds[] = {
		CMD(FIONREAD),
		CMD(FS_IOC32_GETFLAGS),
		CMD(LL_UNKNOWN_IOCTL),
	};
	int fd;

	COMPAT_SETUP();
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(self->root,
					      ll_all_fs() & ~R_IOCTL_DEV))));
	fd = variant->open(self);
	ASSERT_LE(0, fd)
	{
		TH_LOG("open in the domain: %s", strerror(-fd));
	}
	expect_as_reference(_metadata, &compat, self->reference, fd, NULL, cmds,
			    ARRAY_LEN(cmds));
	ASSERT_EQ(0, close(fd));
}

/* ------------------------------------------------------------------------
 * Block devices: root only (devices are 0600 root:disk or similar).
 */

/* First block device in /dev that opens read-only and answers
 * BLKGETSIZE64; its path in `out` and the open fd, or -1. */
static int find_block_device(char *out, size_t size)
{
	DIR *dir = opendir("/dev");
	struct dirent *e;
	int fd = -1;

	if (!dir)
		return -1;
	while ((e = readdir(dir))) {
		unsigned long long bytes;
		struct stat st;

		snprintf(out, size, "/dev/%s", e->d_name);
		if (lstat(out, &st) || !S_ISBLK(st.st_mode))
			continue;
		fd = open(out, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (!ioctl(fd, BLKGETSIZE64, &bytes))
			break;
		close(fd);
		fd = -1;
	}
	closedir(dir);
	return fd;
}

/*
 * Where /dev has no block device (a guest without a disk), a loop device
 * over a scratch file is one, when the kernel has loop (built in, loaded,
 * or loaded on demand).  It clears itself when its last fd closes.  Its
 * path in `out` and an open fd, or -1.  Before any domain: setup.
 */
static int make_loop_device(char *out, size_t size)
{
	static const char block[4096];
	struct loop_config cfg = {
		.info.lo_flags = LO_FLAGS_AUTOCLEAR | LO_FLAGS_READ_ONLY,
	};
	char dir[256], backing[300];
	int ctl, n, fd = -1, i, file;

	/* Debian's kernels build loop as a module (vm/modules.py) */
	if (access("/dev/loop-control", F_OK))
		ll_load_guest_module("loop");
	if (ll_scratch_dir("loop", dir, sizeof(dir)))
		return -1;
	snprintf(backing, sizeof(backing), "%s/disk", dir);
	file = open(backing, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (file < 0)
		return -1;
	cfg.fd = file;
	for (i = 0; i < 16; i++)
		if (write(file, block, sizeof(block)) != sizeof(block))
			goto out;
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		goto out;
	n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		goto out;
	snprintf(out, size, "/dev/loop%d", n);
	fd = open(out, O_RDONLY | O_CLOEXEC);
	/* LOOP_CONFIGURE since 5.8; LOOP_SET_FD before. */
	if (fd >= 0 && ioctl(fd, LOOP_CONFIGURE, &cfg) &&
	    (ioctl(fd, LOOP_SET_FD, file) ||
	     ioctl(fd, LOOP_SET_STATUS64, &cfg.info))) {
		close(fd);
		fd = -1;
	}
out:
	close(file);
	return fd;
}

LL_TEST(block_device_ioctl_needs_ioctl_dev,
	.root = "block devices in /dev are readable by root only")
{
	unsigned long long ref_bytes = 0, bytes = 0;
	char path[300];
	int reference, fd;

	reference = find_block_device(path, sizeof(path));
	if (reference < 0)
		reference = make_loop_device(path, sizeof(path));
	if (reference < 0)
		LL_SKIP_ENV(return, "no block device in /dev opens and answers "
				    "BLKGETSIZE64, and no loop device can be "
				    "made (loop neither built in, loaded, nor "
				    "given as /modules/loop.ko)");
	ASSERT_EQ(0, ioctl(reference, BLKGETSIZE64, &ref_bytes));
	/* Layer 1 grants IOCTL_DEV on the device, layer 2 does not. */
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE(path, R_READ | R_IOCTL_DEV))));
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &bytes))
	{
		TH_LOG("BLKGETSIZE64 on %s: %s", path, strerror(errno));
	}
	ASSERT_EQ(ref_bytes, bytes);
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(), RULES(RULE(path, R_READ))));
	ASSERT_EQ(0, ioctl(fd, BLKGETSIZE64, &bytes));
	ASSERT_EQ(0, close(fd));
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(-1, ioctl(fd, BLKGETSIZE64, &bytes));
	ASSERT_EQ(EACCES, errno);
	/* FIGETBSZ is always allowed: the reference's answer. */
	ASSERT_EQ(ioctl_err(reference, FIGETBSZ), ioctl_err(fd, FIGETBSZ));
	ASSERT_NE(EACCES, ioctl_err(fd, FIGETBSZ));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, close(reference));
}

/* ------------------------------------------------------------------------
 * Before ABI 5 (rst "Previous limitations"): no ioctl is restricted, even
 * with every FS right the kernel knows handled.
 */
static const struct {
	const char *path;
	unsigned long cmd;
	const char *cmd_name;
} devices_before_abi5[] = {
	{ "/dev/null", FIONREAD, "FIONREAD" },
	{ "/dev/zero", FIONREAD, "FIONREAD" },
	{ "/dev/full", FIONREAD, "FIONREAD" },
	{ "/dev/urandom", RNDGETENTCNT, "RNDGETENTCNT" },
};

/*
 * Opens a reference fd of each device before any domain (refs[]), then
 * enforces every FS right with READ granted on the devices only.
 */
static void enforce_over_device_references(struct __test_metadata *_metadata,
					   int refs[])
{
	size_t i;

	ASSERT_EQ(0, park_stdin());
	ASSERT_EQ(0, ll_drop_caps());
	for (i = 0; i < ARRAY_LEN(devices_before_abi5); i++) {
		refs[i] = open_fd(devices_before_abi5[i].path, O_RDONLY);
		if (refs[i] < 0)
			LL_BROKEN("open %s: %s", devices_before_abi5[i].path,
				  strerror(-refs[i]));
	}
	ASSERT_EQ(0, ll_enforce_fs(ll_all_fs(),
				   RULES(RULE("/dev/null", R_READ),
					 RULE("/dev/zero", R_READ),
					 RULE("/dev/full", R_READ),
					 RULE("/dev/urandom", R_READ))));
}

LL_TEST(device_ioctls_unrestricted_before_abi5, .lacks = LL_B_IOCTL_DEV)
{
	int refs[ARRAY_LEN(devices_before_abi5)];
	size_t i;

	enforce_over_device_references(_metadata, refs);
	for (i = 0; i < ARRAY_LEN(devices_before_abi5); i++) {
		const char *path = devices_before_abi5[i].path;
		unsigned long cmd = devices_before_abi5[i].cmd;
		int fd = open_fd(path, O_RDONLY), ref, got;
		size_t c;

		ASSERT_LE(0, fd);
		ref = ioctl_err(refs[i], cmd);
		ASSERT_NE(EACCES, ref);
		ASSERT_EQ(ref, ioctl_err(fd, cmd))
		{
			TH_LOG("%s on %s", devices_before_abi5[i].cmd_name,
			       path);
		}
		/* The commands ABI 5 denies reach the driver here. */
		for (c = 0; c < ARRAY_LEN(reaching_driver); c++) {
			if (reaching_driver[c].cmd == FS_IOC_SETFLAGS ||
			    reaching_driver[c].cmd == FS_IOC_FSSETXATTR)
				continue; /* no writes to the real /dev */
			ref = ioctl_err(refs[i], reaching_driver[c].cmd);
			got = ioctl_err(fd, reaching_driver[c].cmd);
			EXPECT_EQ(ref, got)
			{
				TH_LOG("%s on %s: errno %d, reference %d",
				       reaching_driver[c].name, path, got, ref);
			}
		}
		ASSERT_EQ(0, close(fd));
	}
}

/* The same for a 32-bit caller (compat_sys_ioctl). */
LL_TEST(compat_device_ioctls_unrestricted_before_abi5, .lacks = LL_B_IOCTL_DEV)
{
	int refs[ARRAY_LEN(devices_before_abi5)];
	size_t i, c;

	COMPAT_SETUP();
	enforce_over_device_references(_metadata, refs);
	for (i = 0; i < ARRAY_LEN(devices_before_abi5); i++) {
		const char *path = devices_before_abi5[i].path;
		unsigned long cmd = devices_before_abi5[i].cmd;
		int fd = open_fd(path, O_RDONLY), ref, got;

		ASSERT_LE(0, fd);
		ref = compat_ioctl_err(refs[i], cmd);
		ASSERT_NE(EACCES, ref);
		ASSERT_EQ(ref, compat_ioctl_err(fd, cmd))
		{
			TH_LOG("compat %s on %s",
			       devices_before_abi5[i].cmd_name, path);
		}
		for (c = 0; c < ARRAY_LEN(compat_reaching_driver); c++) {
			ref = compat_ioctl_err(refs[i],
					       compat_reaching_driver[c].cmd);
			got = compat_ioctl_err(fd,
					       compat_reaching_driver[c].cmd);
			EXPECT_EQ(ref, got)
			{
				TH_LOG("compat %s on %s: errno %d, "
				       "reference %d",
				       compat_reaching_driver[c].name, path,
				       got, ref);
			}
			EXPECT_NE(EACCES, got);
		}
		ASSERT_EQ(0, close(fd));
	}
}

LL_MAIN()
