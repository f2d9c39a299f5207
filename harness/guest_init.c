// SPDX-License-Identifier: GPL-2.0
/*
 * guest_init.c - /init of llconform guests, and the runner of the host row.
 *
 * In a guest (pid 1): mount the pseudo filesystems, run every executable in
 * /suites in name order, each in its own process group with a timeout, then
 * end the guest through QEMU's isa-debug-exit device (reboot as a fallback).
 * On the host (`guest_init --host [--timeout S] [--programs a,b] [--kmsg]
 * DIR`): run the programs of DIR the same way and write the same results to
 * stdout.
 *
 * The results channel (/dev/ttyS1 in a guest, stdout on the host) carries each
 * program's stdout and stderr (KTAP), framed by lines only this file writes:
 *
 *   # llconform-init: start uname=<release> programs=<n> timeout=<s> at=<k>
 *   # llconform-init: boot unpack_start=<k> unpack_end=<k> run_init=<k>
 *     init_entry=<k> clocksource=<name>       (one line; guest only)
 *   # llconform-program: begin <name>
 *   ... the program's output, always ending in a newline ...
 *   # llconform-program: end <name> exit=<code|-1> signal=<sig|0> timeout=<0|1>
 *     seconds=<t> taint_before=<n> taint_after=<n> at=<k> first_output=<t>
 *     bytes=<n> write_seconds=<t>                          (one line)
 *   # llconform-init: missing <name>     (selected, but not in the directory)
 *   # llconform-init: done programs=<n> seconds=<t> at=<k> bytes=<n>
 *     write_seconds=<t>
 *
 * The time budget fields (what `make bench` splits a guest's time with):
 * <k> is a time on the kernel log's clock (seconds since the kernel
 * started; -1 where unknown, e.g. on the host), taken from the kernel's own
 * messages (initramfs unpacking, "Run /init") or converted from the init's
 * CLOCK_MONOTONIC through a marker written to and read back from /dev/kmsg.
 * first_output: seconds from the fork to the program's first byte (exec and
 * harness setup); bytes and write_seconds: what went to the results channel
 * and the time the init spent blocked writing it.
 *
 * In a guest the channel is a zlib stream (RFC 1950, deflate level 1)
 * flushed (Z_SYNC_FLUSH) at every write, so that whatever came before a
 * crash can be inflated: under TCG each byte through the emulated 16550
 * costs microseconds, and the KTAP shrinks about nine times (measured: 181
 * KB raw 1.95 s, deflated 20 KB 0.27 s with the deflating). The host side
 * (vm/qemu.py) inflates it into the text above; on the host (stdout) the
 * text is written as it is.
 *
 * The kernel log gets "llconform: begin <name> taint=<n>" and
 * "llconform: end <name> status=<n> taint=<n>" (status: exit code, or 128 +
 * signal), so that a splat on the console can be blamed on a program.
 *
 * Guest kernel command line: llconform.programs=a,b,c  llconform.timeout=<s>
 * isa-debug-exit byte: 0 when every selected program ran (QEMU exits with 1),
 * 1 when the init itself failed (QEMU exits with 3).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <math.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define GUEST_SUITES_DIR "/suites"
#define RESULTS_TTY "/dev/ttyS1"
#define DEBUG_EXIT_PORT 0xf4
#define DEFAULT_TIMEOUT_S 600
#define DRAIN_S 2.0 /* output still accepted after the program exited */
/*
 * After each read of a program's output, wait this long (or until a child
 * exits) before reading again: the harness writes line by line, and waking
 * for every line costs two context switches and a write to the serial port
 * each, which under TCG weighs more than the tests themselves.
 */
#define BATCH_NS 20000000L
#define CONSOLE_LOGLEVEL 5 /* print KERN_WARNING and above (WARN splats) */

struct options {
	const char *dir;
	char *programs; /* comma-separated selection, or NULL for all */
	unsigned int timeout_s;
	bool guest;
	bool kmsg;
};

static int results_fd = STDOUT_FILENO;
static int kmsg_fd = -1;
/* Kernel log clock minus CLOCK_MONOTONIC; unknown (no guest) while NAN. */
static double klog_offset = NAN;
static unsigned long long results_bytes;
static double results_write_s;
static z_stream deflater; /* in a guest: the channel's compression */
static bool deflating;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= n;
	}
}

/* Formats into a line, cut at its size: the length to write, or -1. */
static int __attribute__((format(printf, 3, 0)))
format_line(char *line, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(line, size, fmt, ap);

	return n < 0 ? -1 : (size_t)n >= size ? (int)size - 1 : n;
}

static void __attribute__((format(printf, 2, 3)))
fd_printf(int fd, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_line(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0)
		write_all(fd, line, n);
}

/* Deflate `len` bytes (none with Z_FINISH) and write what comes out. */
static void deflate_write(const char *buf, size_t len, int flush)
{
	static unsigned char out[65536];

	deflater.next_in = (unsigned char *)buf;
	deflater.avail_in = len;
	do {
		deflater.next_out = out;
		deflater.avail_out = sizeof(out);
		if (deflate(&deflater, flush) == Z_STREAM_ERROR)
			return;
		write_all(results_fd, (char *)out,
			  sizeof(out) - deflater.avail_out);
	} while (deflater.avail_out == 0);
}

/*
 * Writes to the results channel, counted for the time budget (bytes: before
 * compression; seconds: deflating and writing).
 */
static void results_write(const char *buf, size_t len)
{
	double t0 = now();

	if (deflating)
		deflate_write(buf, len, Z_SYNC_FLUSH);
	else
		write_all(results_fd, buf, len);
	results_write_s += now() - t0;
	results_bytes += len;
}

static void __attribute__((format(printf, 1, 2))) emit(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = format_line(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n >= 0)
		results_write(line, n);
}

#define say(...) fd_printf(STDERR_FILENO, "llconform-init: " __VA_ARGS__)
#define kmsg(...)                                        \
	do {                                             \
		if (kmsg_fd >= 0)                        \
			fd_printf(kmsg_fd, __VA_ARGS__); \
	} while (0)

static long read_taint(void)
{
	char buf[32] = "";
	long taint = -1;
	int fd = open("/proc/sys/kernel/tainted", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (read(fd, buf, sizeof(buf) - 1) > 0)
			taint = strtol(buf, NULL, 10);
		close(fd);
	}
	return taint;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		write_all(fd, text, strlen(text));
		close(fd);
	}
}

static void mount_fs(const char *type, const char *dst, const char *data,
		     bool optional)
{
	mkdir(dst, 0755);
	if (mount(type, dst, type, MS_NOSUID, data) && !optional)
		say("cannot mount %s on %s: %s\n", type, dst, strerror(errno));
}

/*
 * The network namespaces tests make are handed to us (harness/net.c) and
 * kept to the power-off, unread in our end's queue: tearing one down
 * (cleanup_net and its RCU grace periods) took a kworker ~0.5 s of CPU
 * per guest under TCG, stolen from the tests that ran after it.
 */
static void keep_netns_setup(void)
{
	const int size = 16 << 20;
	char fd[16];
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size));
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	/* A full queue must never block a test: the namespace then goes. */
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	snprintf(fd, sizeof(fd), "%d", sv[1]);
	setenv("LLCONFORM_NETNS_KEEPER", fd, 1);
}

static void setup_guest(void)
{
	struct stat st;

	if (fcntl(STDERR_FILENO, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
	}
	mount_fs("proc", "/proc", NULL, false);
	mount_fs("sysfs", "/sys", NULL, false);
	mount_fs("devtmpfs", "/dev", "mode=0755", false);
	mount_fs("tmpfs", "/tmp", "mode=1777", false);
	mount_fs("tmpfs", "/run", "mode=0755", false);
	mount_fs("tmpfs", "/dev/shm", "mode=1777", true);
	if (stat("/sys/kernel/security", &st) == 0)
		mount_fs("securityfs", "/sys/kernel/security", NULL, true);
	/* Landlock's trace events (7.3+) are read through tracefs. */
	if (stat("/sys/kernel/tracing", &st) == 0)
		mount_fs("tracefs", "/sys/kernel/tracing", NULL, true);

	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, CONSOLE_LOGLEVEL);
	write_file("/proc/sys/kernel/printk_devkmsg", "on\n");
	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);

	results_fd = open(RESULTS_TTY, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (results_fd >= 0) {
		struct termios tio;

		if (tcgetattr(results_fd, &tio) == 0) {
			cfmakeraw(&tio);
			tcsetattr(results_fd, TCSANOW, &tio);
		}
		deflating = deflateInit(&deflater, 1) == Z_OK;
	}
	setenv("PATH", "/suites:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TMPDIR", "/tmp", 1);
	setenv("LLCONFORM_GUEST", "1", 1);
	keep_netns_setup();
}

/* Seconds on the kernel log's clock of a CLOCK_MONOTONIC time (-1: unknown). */
static double klog_time(double t)
{
	return isnan(klog_offset) ? -1 : t + klog_offset;
}

static bool starts_with(const char *text, const char *prefix)
{
	return !strncmp(text, prefix, strlen(prefix));
}

/* One /dev/kmsg record: its time in seconds and its text. */
static bool read_record(int fd, char *rec, size_t size, double *t,
			const char **text)
{
	unsigned long long usec;

	for (;;) {
		ssize_t n = read(fd, rec, size - 1);

		if (n < 0 && errno == EPIPE) /* overwritten: the next one */
			continue;
		if (n <= 0)
			return false;
		rec[n] = '\0';
		*text = strchr(rec, ';');
		if (*text && sscanf(rec, "%*u,%*u,%llu", &usec) == 1) {
			*t = usec / 1e6;
			(*text)++;
			return true;
		}
	}
}

/*
 * The kernel's own milestones from its log (initramfs unpacking, the start
 * of /init, the clocksource), and the offset between the log's clock and
 * ours, from a marker written to /dev/kmsg and read back: the time budget
 * of `make bench` is made of these.
 */
static void boot_marks(double entry, char *line, size_t size)
{
	char rec[2048], clocksource[32] = "-";
	double unpack_start = -1, unpack_end = -1, run_init = -1, t, t0, t1;
	const char *text;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return;
	while (read_record(fd, rec, sizeof(rec), &t, &text)) {
		if (starts_with(text, "Trying to unpack rootfs") &&
		    unpack_start < 0)
			unpack_start = t;
		else if (starts_with(text, "Freeing initrd memory"))
			unpack_end = t;
		else if (starts_with(text, "Run /init as init process"))
			run_init = t;
		else if (starts_with(text, "clocksource: Switched to "))
			sscanf(text,
			       "clocksource: Switched to clocksource %31s",
			       clocksource);
	}
	t0 = now();
	kmsg("llconform: clock\n");
	t1 = now();
	for (int tries = 0; tries < 100 && isnan(klog_offset); tries++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (!read_record(fd, rec, sizeof(rec), &t, &text)) {
			if (poll(&p, 1, 10) < 0)
				break;
			continue;
		}
		if (starts_with(text, "llconform: clock"))
			klog_offset = t - (t0 + t1) / 2;
	}
	close(fd);
	snprintf(line, size,
		 "# llconform-init: boot unpack_start=%.6f unpack_end=%.6f "
		 "run_init=%.6f init_entry=%.6f clocksource=%s\n",
		 unpack_start, unpack_end, run_init, klog_time(entry),
		 clocksource);
}

static void __attribute__((noreturn)) end_guest(unsigned char code)
{
	if (deflating)
		deflate_write(NULL, 0, Z_FINISH);
	if (results_fd >= 0)
		while (tcdrain(results_fd) < 0 && errno == EINTR)
			; /* SIGCHLD interrupts (no SA_RESTART) */
	while (tcdrain(STDERR_FILENO) < 0 && errno == EINTR)
		;
	sync();
	if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0)
		outb(code, DEBUG_EXIT_PORT);
	/* No isa-debug-exit device: QEMU's -no-reboot ends the guest. */
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

static void parse_cmdline(struct options *opt)
{
	static char buf[4096];
	char *tok, *save = NULL;
	ssize_t n;
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(tok, "llconform.programs=", 19))
			opt->programs = tok + 19;
		else if (!strncmp(tok, "llconform.timeout=", 18))
			opt->timeout_s = strtoul(tok + 18, NULL, 10);
	}
}

static bool in_list(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	while (p && *p) {
		const char *end = strchrnul(p, ',');

		if ((size_t)(end - p) == len && !strncmp(p, name, len))
			return true;
		p = *end ? end + 1 : end;
	}
	return false;
}

static int is_program(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void on_sigchld(int sig)
{
	(void)sig; /* only there to interrupt the batching nap */
}

/* Sleep BATCH_NS, cut short by SIGCHLD (no SA_RESTART). */
static void batch_nap(void)
{
	struct timespec ts = { .tv_nsec = BATCH_NS };

	nanosleep(&ts, NULL);
}

/*
 * Start a program in a process group of its own, stdin /dev/null, stdout
 * and stderr to `out`.  posix_spawn(), not fork(): glibc's shares our
 * memory until the exec (CLONE_VM | CLONE_VFORK), so no page table is
 * copied for a process that drops it at once; measured in the 7.3 guest,
 * 1.8-2.8 ms less per program start under TCG.  -1 with *err on failure,
 * an exec that failed included.
 */
static pid_t spawn(const char *path, const char *name, int out, int *err)
{
	char *argv[] = { (char *)name, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = -1;

	*err = posix_spawn_file_actions_init(&fa);
	if (*err)
		return -1;
	*err = posix_spawnattr_init(&attr);
	if (!*err) {
		*err = posix_spawn_file_actions_addopen(
			&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
		if (!*err)
			*err = posix_spawn_file_actions_adddup2(&fa, out,
								STDOUT_FILENO);
		if (!*err)
			*err = posix_spawn_file_actions_adddup2(&fa, out,
								STDERR_FILENO);
		if (!*err)
			*err = posix_spawnattr_setflags(&attr,
							POSIX_SPAWN_SETPGROUP);
		if (!*err)
			*err = posix_spawn(&pid, path, &fa, &attr, argv,
					   environ);
		posix_spawnattr_destroy(&attr);
	}
	posix_spawn_file_actions_destroy(&fa);
	return *err ? -1 : pid;
}

/* Run one program; its output goes to the results channel. */
static void run_program(const struct options *opt, const char *name)
{
	static char buf[65536];
	char path[4096];
	int pfd[2], status = 0, code, sig;
	bool exited = false, eof = false, timed_out = false;
	double start, deadline, drain_until = 0, first_output = -1;
	double write_s = results_write_s;
	unsigned long long bytes = results_bytes;
	long taint_before, taint_after;
	char last = '\n';
	pid_t pid;
	int err;

	snprintf(path, sizeof(path), "%s/%s", opt->dir, name);
	if (pipe2(pfd, O_CLOEXEC)) {
		say("pipe: %s\n", strerror(errno));
		return;
	}
	taint_before = read_taint();
	emit("# llconform-program: begin %s\n", name);
	kmsg("llconform: begin %s taint=%ld\n", name, taint_before);
	start = now();
	deadline = start + opt->timeout_s;
	pid = spawn(path, name, pfd[1], &err);
	close(pfd[1]);
	if (pid < 0) {
		/* Why it never ran, as the program's own output. */
		char msg[4200];

		snprintf(msg, sizeof(msg),
			 "llconform-init: cannot execute %s: %s\n", path,
			 strerror(err));
		results_write(msg, strlen(msg));
		eof = exited = true;
		status = 127 << 8;
	}

	while (!exited || (!eof && now() < drain_until)) {
		if (!eof) {
			struct pollfd p = { .fd = pfd[0], .events = POLLIN };

			if (poll(&p, 1, 50) > 0) {
				ssize_t n = read(pfd[0], buf, sizeof(buf));

				if (n > 0) {
					if (first_output < 0)
						first_output = now() - start;
					results_write(buf, n);
					last = buf[n - 1];
					if (!exited)
						batch_nap();
				} else if (n == 0 || errno != EINTR) {
					eof = true;
				}
			}
		} else {
			usleep(20000);
		}
		if (exited)
			continue;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			drain_until = now() + DRAIN_S;
		} else if (now() > deadline) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			exited = timed_out = true;
			drain_until = now() + DRAIN_S;
		}
	}
	close(pfd[0]);
	if (pid > 0)
		kill(-pid, SIGKILL); /* whatever the program left behind */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;

	taint_after = read_taint();
	code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	if (last != '\n')
		emit("\n");
	emit("# llconform-program: end %s exit=%d signal=%d timeout=%d "
	     "seconds=%.3f taint_before=%ld taint_after=%ld at=%.6f "
	     "first_output=%.6f bytes=%llu write_seconds=%.6f\n",
	     name, code, sig, timed_out, now() - start, taint_before,
	     taint_after, klog_time(start), first_output, results_bytes - bytes,
	     results_write_s - write_s);
	kmsg("llconform: end %s status=%d taint=%ld\n", name,
	     sig ? 128 + sig : code, taint_after);
}

static int run_all(const struct options *opt, double entry)
{
	struct dirent **names;
	struct utsname uts;
	double start = now();
	int i, n, ran = 0, count = 0;
	char *sel, *tok, *save = NULL, boot[512] = "";

	if (opt->guest)
		boot_marks(entry, boot, sizeof(boot));
	n = scandir(opt->dir, &names, is_program, alphasort);
	if (n < 0) {
		say("cannot read %s: %s\n", opt->dir, strerror(errno));
		n = 0;
	}
	for (i = 0; i < n; i++)
		count += !opt->programs ||
			 in_list(opt->programs, names[i]->d_name);
	uname(&uts);
	emit("# llconform-init: start uname=%s programs=%d timeout=%u "
	     "at=%.6f\n",
	     uts.release, count, opt->timeout_s, klog_time(start));
	emit("%s", boot);
	say("start uname=%s programs=%d\n", uts.release, count);

	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", opt->dir, name);
		if ((!opt->programs || in_list(opt->programs, name)) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(path, X_OK) == 0) {
			run_program(opt, name);
			ran++;
		}
	}
	if (opt->programs) {
		sel = strdup(opt->programs);
		for (tok = strtok_r(sel, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			bool found = false;

			for (i = 0; i < n; i++)
				found |= !strcmp(names[i]->d_name, tok);
			if (!found)
				emit("# llconform-init: missing %s\n", tok);
		}
		free(sel);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	emit("# llconform-init: done programs=%d seconds=%.3f at=%.6f "
	     "bytes=%llu write_seconds=%.6f\n",
	     ran, now() - start, klog_time(now()), results_bytes,
	     results_write_s);
	say("done programs=%d\n", ran);
	return 0;
}

/*
 * `guest_init --tsc-khz`: this machine's TSC rate. Under TCG a guest's TSC
 * is the host's, and handing its rate to the guest (tsc_early_khz=) spares
 * the guest a calibration against the emulated PIT that fails when the host
 * is busy: the guest then runs on a jiffies clock, 4 ms steps that lose
 * ticks under load, and every duration it measures is off.
 */
static int print_tsc_khz(void)
{
#if defined(__x86_64__)
	struct timespec a, b, nap = { .tv_nsec = 50000000L };
	unsigned long long t0, t1;
	double s;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __rdtsc();
	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	t1 = __rdtsc();
	s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	if (s <= 0 || t1 <= t0)
		return 1;
	printf("%.0f\n", (t1 - t0) / s / 1000);
	return 0;
#else
	return 1;
#endif
}

static int usage(void)
{
	fprintf(stderr, "usage: guest_init --host [--timeout S] [--programs "
			"a,b] [--kmsg] DIR\n"
			"       guest_init --tsc-khz\n"
			"       (as pid 1: /init of an llconform guest)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct options opt = { .dir = GUEST_SUITES_DIR,
			       .timeout_s = DEFAULT_TIMEOUT_S };
	double entry = now();
	int i;

	opt.guest = getpid() == 1;
	if (opt.guest) {
		sigaction(SIGCHLD,
			  &(struct sigaction){ .sa_handler = on_sigchld },
			  NULL);
		setup_guest();
		parse_cmdline(&opt);
		if (results_fd < 0) {
			say("cannot open the results channel %s\n",
			    RESULTS_TTY);
			end_guest(1);
		}
		run_all(&opt, entry);
		end_guest(0);
	}

	if (argc == 2 && !strcmp(argv[1], "--tsc-khz"))
		return print_tsc_khz();
	if (argc < 2 || strcmp(argv[1], "--host"))
		return usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			opt.timeout_s = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--programs") && i + 1 < argc)
			opt.programs = argv[++i];
		else if (!strcmp(argv[i], "--kmsg"))
			opt.kmsg = true;
		else if (argv[i][0] == '-' || i != argc - 1)
			return usage();
		else
			opt.dir = argv[i];
	}
	if (opt.kmsg)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	setvbuf(stdout, NULL, _IONBF, 0);
	sigaction(SIGCHLD, &(struct sigaction){ .sa_handler = on_sigchld },
		  NULL);
	return run_all(&opt, entry);
}
