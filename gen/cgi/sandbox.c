/*
 * sandbox.c — kb.cgi's time limit and confinement (see sandbox.h).
 *
 * The system call list is what `strace -f` showed kb.cgi make after
 * cgi_site_open on every route (search and search.json with results, none
 * and too many; the wizard's 200 and 303; 404, 405, 400, 503), plus what
 * a path not taken in those runs still needs: SQLite's busy wait
 * (clock_nanosleep), large allocations (mmap, mremap), abort() on
 * exhausted memory, and the time limit's handler (write, exit_group).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "cgi/sandbox.h"
#include "base/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_BUILD 1
#endif
#endif
#ifndef SANITIZER_BUILD
#define SANITIZER_BUILD 0
#endif

/* ---- the time limit ----------------------------------------------------- */

/* Where the response is: from RESPONSE_BEGUN on, the handler must not
 * write to standard output (it would corrupt the response). */
enum { RESPONSE_NOT_BEGUN, RESPONSE_BEGUN, RESPONSE_WRITTEN };
static volatile sig_atomic_t response_state;
static const char *timeout_response;
static size_t timeout_length;
static volatile sig_atomic_t timeout_fd = STDOUT_FILENO;
/* A server's limit per request, in milliseconds (0: not a server). */
static unsigned server_limit;
/* The handler's log lines, formatted when the limit is armed (snprintf is
 * not async-signal-safe). */
static char cut_early[96], cut_before[96], cut_during[96], cut_after[96];

static void write_all(int fd, const char *bytes, size_t length)
{
	while (length > 0) {
		ssize_t written = write(fd, bytes, length);

		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0)
			return;
		bytes += written;
		length -= (size_t)written;
	}
}

/* Only async-signal-safe calls, and only write and exit_group, which the
 * filter allows. */
static void on_time_limit(int signal_number)
{
	(void)signal_number;
	if (response_state == RESPONSE_WRITTEN) {
		write_all(STDERR_FILENO, cut_after, strlen(cut_after));
	} else if (response_state == RESPONSE_BEGUN) {
		write_all(STDERR_FILENO, cut_during, strlen(cut_during));
	} else if (timeout_response == NULL) {
		write_all(STDERR_FILENO, cut_early, strlen(cut_early));
	} else {
		write_all(timeout_fd, timeout_response, timeout_length);
		write_all(STDERR_FILENO, cut_before, strlen(cut_before));
	}
	_exit(SANDBOX_EXIT_TIME_LIMIT);
}

/* The handler's log lines for a limit of milliseconds. */
static void format_cuts(unsigned milliseconds)
{
	snprintf(cut_early, sizeof cut_early, "kb.cgi: the request took "
		 "over its time limit (%u ms): cut, nothing written\n",
		 milliseconds);
	snprintf(cut_before, sizeof cut_before, "kb.cgi: the request took "
		 "over its time limit (%u ms): answered 503\n", milliseconds);
	snprintf(cut_during, sizeof cut_during, "kb.cgi: the request took "
		 "over its time limit (%u ms): cut, the response unfinished\n",
		 milliseconds);
	snprintf(cut_after, sizeof cut_after, "kb.cgi: the request took "
		 "over its time limit (%u ms) after its response\n",
		 milliseconds);
}

static struct itimerval timer_of(unsigned milliseconds)
{
	return (struct itimerval){
		.it_value = {.tv_sec = milliseconds / 1000,
			     .tv_usec = milliseconds % 1000 * 1000},
	};
}

int sandbox_time_limit(unsigned milliseconds)
{
	struct sigaction action;
	struct itimerval timer = timer_of(milliseconds);
	rlim_t seconds = (milliseconds + 999) / 1000;
	struct rlimit cpu = {seconds + 1, seconds + 2};

	format_cuts(milliseconds);
	memset(&action, 0, sizeof action);
	action.sa_handler = on_time_limit;
	sigemptyset(&action.sa_mask);
	if (sigaction(SIGALRM, &action, NULL) != 0 ||
	    setrlimit(RLIMIT_CPU, &cpu) != 0 ||
	    setitimer(ITIMER_REAL, &timer, NULL) != 0)
		return -1;
	return 0;
}

int sandbox_server_time_limit(unsigned milliseconds)
{
	struct sigaction action, ignore;

	format_cuts(milliseconds);
	server_limit = milliseconds;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_time_limit;
	sigemptyset(&action.sa_mask);
	memset(&ignore, 0, sizeof ignore);
	ignore.sa_handler = SIG_IGN;
	sigemptyset(&ignore.sa_mask);
	if (sigaction(SIGALRM, &action, NULL) != 0 ||
	    sigaction(SIGXCPU, &action, NULL) != 0 ||
	    sigaction(SIGPIPE, &ignore, NULL) != 0 ||
	    sigaction(SIGXFSZ, &ignore, NULL) != 0)
		return -1;
	return 0;
}

int sandbox_request_arm(int fd, const char *bytes, size_t length)
{
	struct itimerval timer = timer_of(server_limit);
	struct rusage usage;
	struct rlimit cpu;

	response_state = RESPONSE_NOT_BEGUN;
	timeout_response = bytes;
	timeout_length = length;
	timeout_fd = fd;
	/* the CPU time this request may add, as a whole process's would be
	 * limited: the whole seconds used so far, the limit's, and one */
	if (getrusage(RUSAGE_SELF, &usage) != 0 ||
	    getrlimit(RLIMIT_CPU, &cpu) != 0)
		return -1;
	cpu.rlim_cur = (rlim_t)usage.ru_utime.tv_sec +
		       (rlim_t)usage.ru_stime.tv_sec + 2 +
		       (server_limit + 999) / 1000;
	if (cpu.rlim_max != RLIM_INFINITY && cpu.rlim_cur > cpu.rlim_max)
		cpu.rlim_cur = cpu.rlim_max;
	if (setrlimit(RLIMIT_CPU, &cpu) != 0)
		return -1;
	return setitimer(ITIMER_REAL, &timer, NULL);
}

void sandbox_request_disarm(void)
{
	struct itimerval off = timer_of(0);

	setitimer(ITIMER_REAL, &off, NULL);
	timeout_response = NULL;
	timeout_length = 0;
	timeout_fd = STDOUT_FILENO;
	response_state = RESPONSE_NOT_BEGUN;
}

void sandbox_set_timeout_response(const char *bytes, size_t length)
{
	timeout_response = bytes;
	timeout_length = length;
}

void sandbox_response_begins(void)
{
	response_state = RESPONSE_BEGUN;
}

void sandbox_response_ends(void)
{
	response_state = RESPONSE_WRITTEN;
}

/* ---- resource limits ---------------------------------------------------- */

/* The highest open descriptor, from /proc/self/fd (the descriptor reading
 * it excluded), or by probing when /proc is not mounted. */
static int highest_descriptor(void)
{
	DIR *folder = opendir("/proc/self/fd");
	struct rlimit files;
	int highest = STDERR_FILENO;

	if (folder != NULL) {
		int own = dirfd(folder);
		struct dirent *entry;

		while ((entry = readdir(folder)) != NULL) {
			int fd = atoi(entry->d_name);

			if (entry->d_name[0] != '.' && fd != own && fd > highest)
				highest = fd;
		}
		closedir(folder);
		return highest;
	}
	if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur > 65536)
		files.rlim_cur = 65536;
	for (int fd = 0; fd < (int)files.rlim_cur; fd++)
		if (fcntl(fd, F_GETFD) != -1)
			highest = fd;
	return highest;
}

/* 0, or SANDBOX_LOG_GROWTH past the largest regular file on standard
 * output or error. */
static rlim_t file_size_limit(void)
{
	rlim_t limit = 0;

	for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
		struct stat status;

		if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
		    (rlim_t)status.st_size + SANDBOX_LOG_GROWTH > limit)
			limit = (rlim_t)status.st_size + SANDBOX_LOG_GROWTH;
	}
	return limit;
}

/* The address space reserved now (VmSize), in bytes, or 0 when unknown. */
static rlim_t address_space_now(void)
{
	FILE *statm = fopen("/proc/self/statm", "r");
	unsigned long pages = 0;

	if (statm == NULL)
		return 0;
	if (fscanf(statm, "%lu", &pages) != 1)
		pages = 0;
	fclose(statm);
	return (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
}

static int set_limit(int resource, rlim_t value)
{
	struct rlimit limit = {value, value};

	return setrlimit(resource, &limit);
}

/* ---- the filter --------------------------------------------------------- */

struct rule {
	const char *name;	/* for the error message */
	int number;
	unsigned arg_count;
	struct scmp_arg_cmp args[2];
};

#define CALL(name) {#name, SCMP_SYS(name), 0, {{0}}}
#define CALL1(name, a) {#name, SCMP_SYS(name), 1, {a}}
#define ARG(index, op, value) {index, op, value, 0}
#define ARG_MASKED(index, mask, value) {index, SCMP_CMP_MASKED_EQ, mask, value}

/* What every build allows: the request path's calls. */
static const struct rule request_calls[] = {
	/* the response and the log: standard output and error only */
	CALL1(write, ARG(0, SCMP_CMP_EQ, STDOUT_FILENO)),
	CALL1(write, ARG(0, SCMP_CMP_EQ, STDERR_FILENO)),
	/* SQLite reading kb.db at each statement: the pages, the file's
	 * size and identity (fstat, stat of its path), whether a journal or
	 * WAL file is beside it (stat), the shared lock */
	CALL(pread64),
	CALL(fstat),
	CALL(newfstatat),
	CALL(access),
	CALL(faccessat),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_SETLK)),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_GETLK)),
	/* SQLite's busy wait while a build commits (usleep) */
	CALL(clock_nanosleep),
	CALL(nanosleep),
	/* memory: malloc, SQLite's page cache; never executable */
	CALL(brk),
	CALL1(mmap, ARG_MASKED(2, PROT_EXEC, 0)),
	CALL(munmap),
	CALL(mremap),
	CALL(futex),
	/* glibc's qsort of a large array asks sysconf(_SC_PHYS_PAGES) */
	CALL(sysinfo),
	/* clocks, for a cost budget (CLOCK_PROCESS_CPUTIME_ID is a real
	 * system call, not the vDSO's) */
	CALL(clock_gettime),
	CALL(gettimeofday),
	CALL1(getrusage, ARG(0, SCMP_CMP_EQ, RUSAGE_SELF)),
	/* the end: kb.db closed, exit; abort() on exhausted memory (the x*
	 * wrappers' policy) blocks signals, resets SIGABRT's action and sends
	 * it to itself (tgkill: added with this pid when the filter is
	 * built) */
	CALL(close),
	CALL(exit_group),
	CALL(rt_sigreturn),
	CALL(rt_sigprocmask),
	CALL1(rt_sigaction, ARG(0, SCMP_CMP_EQ, SIGABRT)),
	CALL(getpid),
	CALL(gettid),
};

/* What writing the feedback database needs on top
 * (sandbox_allow_database_writes): SQLite's WAL appends and checkpoints
 * through pwrite, syncs, truncates a WAL it restarts, and maps the
 * shared index writable (mmap without PROT_EXEC is allowed already).
 * Its files are open before the filter; no other file can be opened for
 * writing, and kb.db is open read-only (a pwrite to it fails, EBADF). */
static const struct rule database_write_calls[] = {
	CALL(pwrite64),
	CALL(fsync),
	CALL(fdatasync),
	CALL(ftruncate),
};

static bool database_writes;
static rlim_t database_size_limit;

void sandbox_allow_database_writes(off_t max_file_size)
{
	database_writes = true;
	database_size_limit = max_file_size > 0 ? (rlim_t)max_file_size : 0;
}

/* What live DNS lookups need on top (sandbox_allow_dns), found with
 * strace on ldns's queries: a UDP socket per query (TCP when an answer
 * is truncated) to the resolver read before the filter, its connect,
 * send, wait and receive; ldns seeds its query ids from getrandom.
 * Only AF_INET and AF_INET6 sockets: no local socket can be reached. */
static const struct rule dns_calls[] = {
	CALL1(socket, ARG(0, SCMP_CMP_EQ, AF_INET)),
	CALL1(socket, ARG(0, SCMP_CMP_EQ, AF_INET6)),
	CALL(connect),
	CALL(sendto),
	CALL(recvfrom),
	CALL(poll),
	CALL(ppoll),
	CALL(select),
	CALL(pselect6),
	CALL(getsockopt),
	CALL(setsockopt),
	CALL(getrandom),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_GETFL)),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_SETFL)),
};

static bool dns_lookups;

void sandbox_allow_dns(void)
{
	dns_lookups = true;
}

/* What a server needs on top (sandbox_enter_server): the connections
 * on the listening descriptor 0 (libfcgi's accept, reads, writes, its
 * wait for the server to close, shutdown), each request's time limit,
 * and what SQLite makes opening a new build's kb.db read-only (its path
 * made absolute, its randomness seeded). */
static const struct rule server_calls[] = {
	CALL1(accept, ARG(0, SCMP_CMP_EQ, 0)),
	CALL1(accept4, ARG(0, SCMP_CMP_EQ, 0)),
	CALL(read),
	CALL(write),
	CALL(select),
	CALL(pselect6),
	CALL(poll),
	CALL(ppoll),
	CALL(shutdown),
	CALL(getsockname),
	CALL(getpeername),
	CALL(setitimer),
	CALL1(getrusage, ARG(0, SCMP_CMP_EQ, RUSAGE_SELF)),
	CALL1(prlimit64, ARG(0, SCMP_CMP_EQ, 0)),
	CALL1(open, ARG_MASKED(1, O_ACCMODE, O_RDONLY)),
	CALL1(openat, ARG_MASKED(2, O_ACCMODE, O_RDONLY)),
	CALL(getcwd),
	CALL(readlink),
	CALL(readlinkat),
	CALL(lseek),
	CALL(getrandom),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_GETFD)),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_SETFD)),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_GETFL)),
	CALL1(fcntl, ARG(1, SCMP_CMP_EQ, F_SETFL)),
};

/* What the sanitizer's runtime needs on top (sanitizer builds only),
 * found as the request calls were, from the audit log's SIGSYS lines
 * while tests/unit/test_sandbox.c made ASan, UBSan and LeakSanitizer
 * report under the filter. A test build; the rest of the filter is the
 * same. */
static const struct rule sanitizer_calls[] = {
	/* its allocator: guard pages, memory handed back */
	CALL1(mprotect, ARG_MASKED(2, PROT_EXEC, 0)),
	CALL(madvise),
	/* a report: is stderr a terminal (colours), /proc/self/maps and the
	 * program read for symbols, UBSan's pipe that probes whether memory
	 * is readable */
	CALL1(ioctl, ARG(1, SCMP_CMP_EQ, TCGETS)),
	CALL(fcntl),
	CALL1(open, ARG_MASKED(1, O_ACCMODE, O_RDONLY)),
	CALL1(openat, ARG_MASKED(2, O_ACCMODE, O_RDONLY)),
	CALL(read),
	CALL(write),
	CALL(lseek),
	CALL(readlink),
	CALL(pipe2),
	/* LeakSanitizer at exit: a clone of the process that ptraces it,
	 * lists /proc/<pid>/task, and exits */
	CALL(clone),
	CALL(ptrace),
	CALL(wait4),
	CALL(prctl),
	CALL(getppid),
	CALL(getdents),
	CALL(getdents64),
	CALL(sigaltstack),
	CALL(rt_sigaction),
	CALL(sched_yield),
	CALL(exit),
};

static int add_rules(scmp_filter_ctx filter, const struct rule *rules,
		     size_t count, char **problem)
{
	for (size_t i = 0; i < count; i++) {
		int rc = seccomp_rule_add_array(filter, SCMP_ACT_ALLOW,
						rules[i].number,
						rules[i].arg_count,
						rules[i].args);

		if (rc < 0) {
			*problem = xasprintf("seccomp rule for %s: %s",
					     rules[i].name, strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* open(2) and openat(2) fail with EACCES: always in a normal build; in a
 * sanitizer build, which lets the runtime open files read-only, and in
 * a server, which opens each new build's kb.db, for writing. */
static int refuse_open(scmp_filter_ctx filter, bool server)
{
	static const int modes[] = {O_WRONLY, O_RDWR};
	const uint32_t refuse = SCMP_ACT_ERRNO(EACCES);
	int rc = 0;

	if (!SANITIZER_BUILD && !server) {
		rc = seccomp_rule_add(filter, refuse, SCMP_SYS(open), 0);
		if (rc == 0)
			rc = seccomp_rule_add(filter, refuse, SCMP_SYS(openat), 0);
		return rc;
	}
	for (size_t i = 0; rc == 0 && i < sizeof modes / sizeof *modes; i++) {
		rc = seccomp_rule_add(filter, refuse, SCMP_SYS(open), 1,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE,
					      modes[i]));
		if (rc == 0)
			rc = seccomp_rule_add(filter, refuse, SCMP_SYS(openat),
					      1, SCMP_A2(SCMP_CMP_MASKED_EQ,
							 O_ACCMODE, modes[i]));
	}
	return rc;
}

/* The filter, not loaded yet: the calls above allowed, open(2) failing
 * with EACCES (SQLite's answer to a missing permission is an error, not
 * a crash; OpenSSH's sandbox does the same), any other killing the whole
 * process. NULL with *problem set on failure. */
static scmp_filter_ctx build_filter(bool server, char **problem)
{
	scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = 0;

	if (filter == NULL) {
		*problem = xstrdup("seccomp_init failed");
		return NULL;
	}
	if (add_rules(filter, request_calls,
		      sizeof request_calls / sizeof *request_calls, problem) != 0)
		goto fail;
	if (server &&
	    add_rules(filter, server_calls,
		      sizeof server_calls / sizeof *server_calls, problem) != 0)
		goto fail;
	if (database_writes &&
	    add_rules(filter, database_write_calls,
		      sizeof database_write_calls / sizeof *database_write_calls,
		      problem) != 0)
		goto fail;
	if (dns_lookups &&
	    add_rules(filter, dns_calls, sizeof dns_calls / sizeof *dns_calls,
		      problem) != 0)
		goto fail;
	if (SANITIZER_BUILD &&
	    add_rules(filter, sanitizer_calls,
		      sizeof sanitizer_calls / sizeof *sanitizer_calls,
		      problem) != 0)
		goto fail;
	/* The second datum is unused by SCMP_CMP_EQ; it is given so that
	 * every field of the comparison is initialised. */
	rc = seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 2,
			      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0),
			      SCMP_A2(SCMP_CMP_EQ, SIGABRT, 0));
	if (rc == 0)
		rc = refuse_open(filter, server);
	if (rc < 0) {
		*problem = xasprintf("seccomp rules: %s", strerror(-rc));
		goto fail;
	}
	return filter;
fail:
	seccomp_release(filter);
	return NULL;
}

bool sandbox_sanitizer_build(void)
{
	return SANITIZER_BUILD;
}

static int enter(bool server, char **problem)
{
	int files = highest_descriptor() + 1 +
		    (server ? SANDBOX_SERVER_FILE_MARGIN : SANDBOX_FILE_MARGIN);
	rlim_t size = file_size_limit(), space = address_space_now();
	scmp_filter_ctx filter;
	int rc;

	if (database_writes && database_size_limit > size)
		size = database_size_limit;

	*problem = NULL;
	filter = build_filter(server, problem);
	if (filter == NULL)
		return -1;
	if (set_limit(RLIMIT_NOFILE, (rlim_t)files) != 0 ||
	    set_limit(RLIMIT_FSIZE, size) != 0 ||
	    (!SANITIZER_BUILD && space > 0 &&
	     set_limit(RLIMIT_AS, space + SANDBOX_ADDRESS_SPACE_HEADROOM) != 0)) {
		*problem = xasprintf("setrlimit: %s", strerror(errno));
		seccomp_release(filter);
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		*problem = xasprintf("PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		seccomp_release(filter);
		return -1;
	}
	rc = seccomp_load(filter);
	seccomp_release(filter);
	if (rc < 0) {
		*problem = xasprintf("seccomp_load: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

int sandbox_enter(char **problem)
{
	return enter(false, problem);
}

int sandbox_enter_server(char **problem)
{
	return enter(true, problem);
}

int sandbox_self_test(void)
{
	/* a local socket: forbidden even when DNS lookups are allowed */
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (fd >= 0)
		close(fd);
	return -1;
}
