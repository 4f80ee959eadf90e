/*
 * sandbox: kb.cgi's time limit and confinement, each case in a child
 * process (the confinement lasts for the life of the process): what the
 * time limit writes before, during and after the response; the limits and
 * the filter seen from outside (/proc/<pid>/status and limits); that a
 * forbidden call kills with SIGSYS, open(2) fails with EACCES, and what
 * the request path and abort() need still works under the filter; in a
 * sanitizer build, that ASan and LeakSanitizer still report under it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgi/sandbox.h"
#include "test.h"
#include "base/util.h"

/* What a child did: its exit status or signal, what it wrote. */
struct outcome {
	int status;		/* from waitpid */
	char out[4096], err[16384];
	char status_file[4096], limits_file[4096];	/* from /proc */
};

static void read_all(int fd, char *into, size_t size)
{
	size_t length = 0;
	ssize_t got;

	while (length + 1 < size &&
	       (got = read(fd, into + length, size - 1 - length)) > 0)
		length += (size_t)got;
	into[length] = '\0';
}

static void read_file_into(const char *path, char *into, size_t size)
{
	int fd = open(path, O_RDONLY);

	into[0] = '\0';
	if (fd >= 0) {
		read_all(fd, into, size);
		close(fd);
	}
}

/* Runs body in a child, its standard output a pipe and its standard error
 * a temporary file. When body writes "ready\n" first, the child's
 * /proc/<pid>/status and limits are read while it sleeps on. */
static void run_child(void (*body)(void), struct outcome *outcome)
{
	int out[2];
	FILE *err = tmpfile();
	pid_t pid;

	memset(outcome, 0, sizeof *outcome);
	if (pipe(out) != 0 || err == NULL)
		abort();
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		/* a child that hangs (a sanitizer's tracer killed, say) dies
		 * instead of holding a core */
		alarm(20);
		dup2(out[1], STDOUT_FILENO);
		dup2(fileno(err), STDERR_FILENO);
		close(out[0]);
		close(out[1]);
		fclose(err);
		body();
		_exit(0);
	}
	close(out[1]);
	read_all(out[0], outcome->out, 7);
	if (strcmp(outcome->out, "ready\n") == 0) {
		char path[64];

		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
		read_file_into(path, outcome->status_file,
			       sizeof outcome->status_file);
		snprintf(path, sizeof path, "/proc/%d/limits", (int)pid);
		read_file_into(path, outcome->limits_file,
			       sizeof outcome->limits_file);
	}
	read_all(out[0], outcome->out + strlen(outcome->out),
		 sizeof outcome->out - strlen(outcome->out));
	close(out[0]);
	waitpid(pid, &outcome->status, 0);
	rewind(err);
	read_all(fileno(err), outcome->err, sizeof outcome->err);
	fclose(err);
}

static bool exited_with(const struct outcome *outcome, int code)
{
	return WIFEXITED(outcome->status) && WEXITSTATUS(outcome->status) == code;
}

static bool killed_by(const struct outcome *outcome, int signal_number)
{
	return WIFSIGNALED(outcome->status) &&
	       WTERMSIG(outcome->status) == signal_number;
}

/* The line of /proc/<pid>/limits for name, spaces squeezed. */
static char *limit_line(const struct outcome *outcome, const char *name)
{
	const char *line = strstr(outcome->limits_file, name);
	struct buf squeezed = {0};

	if (line == NULL)
		return xstrdup("");
	for (; *line && *line != '\n'; line++)
		if (*line != ' ' || (squeezed.length > 0 &&
				     squeezed.data[squeezed.length - 1] != ' '))
			buf_addc(&squeezed, *line);
	while (squeezed.length > 0 && squeezed.data[squeezed.length - 1] == ' ')
		squeezed.data[--squeezed.length] = '\0';
	return buf_detach(&squeezed);
}

static void enter_or_die(void)
{
	char *problem;

	if (sandbox_enter(&problem) != 0) {
		fprintf(stderr, "sandbox_enter: %s\n", problem);
		_exit(99);
	}
}

static void say(const char *text)
{
	if (write(STDOUT_FILENO, text, strlen(text)) < 0)
		_exit(98);
}

/* ---- the time limit ----------------------------------------------------- */

static const char canned[] = "Status: 503 Service Unavailable\r\n\r\n";

static void time_limit_before(void)
{
	sandbox_set_timeout_response(canned, sizeof canned - 1);
	sandbox_time_limit(100);
	for (;;)
		pause();
}

static void time_limit_nothing_ready(void)
{
	sandbox_time_limit(100);
	for (;;)
		pause();
}

static void time_limit_during(void)
{
	sandbox_set_timeout_response(canned, sizeof canned - 1);
	sandbox_time_limit(100);
	say("Status: 200 OK\r\n");
	sandbox_response_begins();
	for (;;)
		pause();
}

static void time_limit_after(void)
{
	sandbox_set_timeout_response(canned, sizeof canned - 1);
	sandbox_time_limit(100);
	sandbox_response_begins();
	say("whole");
	sandbox_response_ends();
	for (;;)
		pause();
}

/* The limit strikes under the filter too: the handler's calls are in it. */
static void time_limit_confined(void)
{
	sandbox_set_timeout_response(canned, sizeof canned - 1);
	sandbox_time_limit(200);
	enter_or_die();
	for (;;)
		usleep(10000);
}

static void cpu_limit(void)
{
	struct rlimit cpu;

	sandbox_time_limit(1500);
	getrlimit(RLIMIT_CPU, &cpu);
	printf("%llu %llu", (unsigned long long)cpu.rlim_cur,
	       (unsigned long long)cpu.rlim_max);
	fflush(stdout);
}

static void test_time_limit(void)
{
	struct outcome outcome;

	run_child(time_limit_before, &outcome);
	CHECK(exited_with(&outcome, SANDBOX_EXIT_TIME_LIMIT),
	      "time limit before the response: exit status 3");
	CHECK_STR(outcome.out, canned, "time limit before the response: the "
		  "503 written whole");
	CHECK_STR(outcome.err, "kb.cgi: the request took over its time limit "
		  "(100 ms): answered 503\n", "time limit before the response: "
		  "logged");

	run_child(time_limit_nothing_ready, &outcome);
	CHECK(exited_with(&outcome, SANDBOX_EXIT_TIME_LIMIT),
	      "time limit before a 503 was ready: exit status 3");
	CHECK_STR(outcome.out, "", "time limit before a 503 was ready: "
		  "nothing written");
	CHECK_STR(outcome.err, "kb.cgi: the request took over its time limit "
		  "(100 ms): cut, nothing written\n", "time limit before a 503 "
		  "was ready: logged");

	run_child(time_limit_during, &outcome);
	CHECK(exited_with(&outcome, SANDBOX_EXIT_TIME_LIMIT),
	      "time limit while writing: exit status 3");
	CHECK_STR(outcome.out, "Status: 200 OK\r\n", "time limit while "
		  "writing: nothing added to the half-written response");
	CHECK_STR(outcome.err, "kb.cgi: the request took over its time limit "
		  "(100 ms): cut, the response unfinished\n", "time limit while "
		  "writing: logged");

	run_child(time_limit_after, &outcome);
	CHECK(exited_with(&outcome, SANDBOX_EXIT_TIME_LIMIT),
	      "time limit after the response: exit status 3");
	CHECK_STR(outcome.out, "whole", "time limit after the response: "
		  "nothing added");
	CHECK_STR(outcome.err, "kb.cgi: the request took over its time limit "
		  "(100 ms) after its response\n", "time limit after the "
		  "response: logged");

	run_child(time_limit_confined, &outcome);
	CHECK(exited_with(&outcome, SANDBOX_EXIT_TIME_LIMIT),
	      "time limit under the filter: exit status 3, not SIGSYS");
	CHECK_STR(outcome.out, canned, "time limit under the filter: the 503 "
		  "written");

	run_child(cpu_limit, &outcome);
	CHECK_STR(outcome.out, "3 4", "time limit of 1.5 s: RLIMIT_CPU 3 s "
		  "soft, 4 s hard (the limit rounded up, + 1, + 2)");
}

/* ---- the confinement ---------------------------------------------------- */

/* Waits while the parent reads /proc; nanosleep is in the filter. */
static void confined_and_waiting(void)
{
	/* the highest descriptor: 9, so RLIMIT_NOFILE is 9 + 1 + margin */
	closefrom(3);
	dup2(STDIN_FILENO, 9);
	enter_or_die();
	say("ready\n");
	usleep(300000);
}

static void forbidden_call(void)
{
	enter_or_die();
	sandbox_self_test();
	say("survived");
}

/* With DNS allowed: a UDP query's calls to a local port nobody answers
 * on (socket, sendto, poll, close) run; a local socket still kills. */
static void dns_allowed(void)
{
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(9),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct pollfd wait_for;
	int fd;

	sandbox_allow_dns();
	enter_or_die();
	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
	if (fd < 0 || sendto(fd, "q", 1, 0, (struct sockaddr *)&to, sizeof to) != 1)
		_exit(97);
	wait_for = (struct pollfd){.fd = fd, .events = POLLIN};
	poll(&wait_for, 1, 10);
	close(fd);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd >= 0)
		close(fd);
	say("udp ");
	sandbox_self_test();
	say("survived");
}

static void open_refused(void)
{
	int fd;

	enter_or_die();
	fd = open("/tmp", O_RDWR | O_CREAT, 0600);
	printf("%d %s", fd, fd < 0 ? strerror(errno) : "opened");
	fflush(stdout);
}

static void open_read_only(void)
{
	int fd;

	enter_or_die();
	fd = open("/etc/hostname", O_RDONLY);
	printf("%s", fd < 0 ? strerror(errno) : "opened");
	fflush(stdout);
}

/* What the request path does beyond the routes' strace: SQLite's busy
 * wait, big allocations grown and freed, the clocks. */
static void request_path(void)
{
	char *big;
	struct timespec now;

	enter_or_die();
	sqlite3_sleep(2);
	big = malloc(64 << 20);
	if (big == NULL)
		_exit(97);
	memset(big, 1, 64 << 20);
	big = realloc(big, 128 << 20);
	if (big == NULL)
		_exit(96);
	free(big);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	clock_gettime(CLOCK_MONOTONIC, &now);
	say("survived");
}

static void abort_under_filter(void)
{
	enter_or_die();
	abort();
}

static void address_space(void)
{
	void *huge;

	enter_or_die();
	huge = malloc(1UL << 30);
	say(huge == NULL ? "refused" : "allowed");
	free(huge);
}

static void test_confinement(void)
{
	struct outcome outcome;
	char *line;

	run_child(confined_and_waiting, &outcome);
	CHECK(exited_with(&outcome, 0), "confined: the child ran to its end");
	CHECK(strstr(outcome.status_file, "NoNewPrivs:\t1\n") != NULL,
	      "confined: no new privileges");
	CHECK(strstr(outcome.status_file, "Seccomp:\t2\n") != NULL,
	      "confined: a seccomp filter (mode 2)");
	line = limit_line(&outcome, "Max open files");
	CHECK_STR(line, "Max open files 14 14 files", "confined: RLIMIT_NOFILE "
		  "the highest descriptor (9) + 1 + 4");
	free(line);
	line = limit_line(&outcome, "Max file size");
	CHECK_STR(line, "Max file size 16777216 16777216 bytes", "confined: "
		  "RLIMIT_FSIZE 16 MiB beyond the empty log file on fd 2");
	free(line);
	line = limit_line(&outcome, "Max address space");
	if (sandbox_sanitizer_build())
		printf("SKIP: %s: confined: RLIMIT_AS (a sanitizer build: its "
		       "shadow memory reserves terabytes)\n", test_suite);
	else
		CHECK(strstr(line, "unlimited") == NULL && strstr(line, "bytes"),
		      "confined: RLIMIT_AS set");
	free(line);

	run_child(forbidden_call, &outcome);
	CHECK(killed_by(&outcome, SIGSYS), "a forbidden call (socket) kills "
	      "the process with SIGSYS");
	CHECK_STR(outcome.out, "", "a forbidden call: nothing after it ran");

	run_child(dns_allowed, &outcome);
	CHECK(killed_by(&outcome, SIGSYS), "DNS allowed: a local socket still "
	      "kills");
	CHECK_STR(outcome.out, "udp ", "DNS allowed: UDP and TCP sockets over "
		  "IPv4 and IPv6, sendto, poll");

	run_child(open_refused, &outcome);
	CHECK(exited_with(&outcome, 0), "open(2) for writing: not a kill");
	CHECK_STR(outcome.out, "-1 Permission denied", "open(2) for writing: "
		  "EACCES");

	run_child(open_read_only, &outcome);
	if (sandbox_sanitizer_build())
		CHECK_STR(outcome.out, "opened", "open(2) read-only: allowed in "
			  "a sanitizer build (for its reports)");
	else
		CHECK_STR(outcome.out, "Permission denied",
			  "open(2) read-only: EACCES");

	run_child(request_path, &outcome);
	CHECK(exited_with(&outcome, 0) && strcmp(outcome.out, "survived") == 0,
	      "under the filter: SQLite's sleep, 64-128 MiB allocations, the "
	      "CPU clock");

	run_child(abort_under_filter, &outcome);
	CHECK(killed_by(&outcome, SIGABRT), "abort() under the filter: "
	      "SIGABRT, not SIGSYS");

	run_child(address_space, &outcome);
	if (sandbox_sanitizer_build())
		printf("SKIP: %s: a 1 GiB allocation refused (no RLIMIT_AS in a "
		       "sanitizer build)\n", test_suite);
	else
		CHECK_STR(outcome.out, "refused", "a 1 GiB allocation refused "
			  "(RLIMIT_AS)");
}

/* ---- the sanitizer's reports under the filter --------------------------- */

/* Where the leaked block's address was: the last pointer to it, dropped
 * (global, so that the compiler keeps both stores). */
void *volatile test_sandbox_leaked;

static void leak(void)
{
	enter_or_die();
	test_sandbox_leaked = malloc(1000);
	test_sandbox_leaked = NULL;
	exit(0);
}

/* A store one past a heap block whose size the compiler cannot see: with
 * a known size, UBSan's object-size check would report it first. */
static void overflow(void)
{
	volatile size_t size = 16, index = 16;
	char *bytes;

	enter_or_die();
	bytes = malloc(size);
	test_sandbox_leaked = bytes;	/* kept: not optimized away */
	bytes[index] = 'x';
	free(bytes);
}

static void test_sanitizer_reports(void)
{
	struct outcome outcome;

	if (!sandbox_sanitizer_build()) {
		printf("SKIP: %s: sanitizer reports under the filter (not a "
		       "sanitizer build)\n", test_suite);
		return;
	}
	run_child(leak, &outcome);
	CHECK(WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0,
	      "a leak under the filter: LeakSanitizer fails the process, not "
	      "SIGSYS");
	CHECK(strstr(outcome.err, "detected memory leaks") != NULL &&
	      strstr(outcome.err, "in leak ") != NULL,
	      "a leak under the filter: reported, with function names");
	run_child(overflow, &outcome);
	CHECK(WIFEXITED(outcome.status) && WEXITSTATUS(outcome.status) != 0,
	      "an overflow under the filter: ASan fails the process, not "
	      "SIGSYS");
	CHECK(strstr(outcome.err, "heap-buffer-overflow") != NULL &&
	      strstr(outcome.err, "in overflow ") != NULL,
	      "an overflow under the filter: reported, with function names");
}

int main(void)
{
	TEST_SUITE("sandbox");
	test_time_limit();
	test_confinement();
	test_sanitizer_reports();
	return TEST_EXIT();
}
