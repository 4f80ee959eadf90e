/*
 * sandbox.h — what kb.cgi gives up once its inputs are open, as kcgi and
 * OpenSSH do: a time limit for the whole request, resource limits (address
 * space, CPU time, file size, open files), no new privileges, and a
 * seccomp filter (libseccomp) that allows only the system calls the
 * request path makes and kills the process on any other. Linux only.
 *
 * Order in kb.cgi's main: sandbox_time_limit first of all (a request that
 * hangs while opening kb.db is cut too), then the request parsed and
 * kb.db and the theme opened, then sandbox_enter, then the answer
 * computed and written, sandbox_response_begins just before its first
 * byte.
 *
 * A server (kb.cgi under FastCGI) answers many requests in one process:
 * sandbox_server_time_limit, then kb.db opened, then
 * sandbox_enter_server, which also allows what accepting and answering
 * on sockets takes and opening files read-only (a new build's kb.db);
 * then, per request, sandbox_request_arm before it and
 * sandbox_request_disarm after it.
 */
#ifndef KB_SANDBOX_H
#define KB_SANDBOX_H

#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>

/* The wall time a request may take, in milliseconds (KB_CGI_TIME_LIMIT
 * overrides it in seconds, within SANDBOX_TIME_LIMIT_MIN ..
 * SANDBOX_TIME_LIMIT_MAX). A normal request takes 10-100 ms; the limit is
 * for a request stuck waiting (a locked kb.db, a server that stopped
 * reading) or a search its cost budget missed. */
#define SANDBOX_TIME_LIMIT_DEFAULT 5000
#define SANDBOX_TIME_LIMIT_MIN 100
#define SANDBOX_TIME_LIMIT_MAX 60000

/* kb.cgi's exit status when the time limit ended the request. */
#define SANDBOX_EXIT_TIME_LIMIT 3

/* The address space kb.cgi may reserve under the sandbox, in bytes, on
 * top of what it has reserved when the sandbox goes on (the libraries,
 * the open database's page cache): the costliest query measured (issue
 * 15, "メ " x 128 on 21,681 articles) needed 63 MB. Not set in sanitizer
 * builds, whose shadow memory reserves terabytes of address space. */
#define SANDBOX_ADDRESS_SPACE_HEADROOM (512UL << 20)

/* Descriptors kb.cgi may have beyond the highest one open when the
 * sandbox goes on (none is needed: the filter refuses open(2) anyway). */
#define SANDBOX_FILE_MARGIN 4

/* How much a log or response file on standard output or error may grow
 * (RLIMIT_FSIZE is otherwise 0): kb.cgi writes only there, and a server
 * may give it a regular file (a log) rather than a pipe. */
#define SANDBOX_LOG_GROWTH (16UL << 20)

/* Arms the request's time limit: after milliseconds of wall time
 * (ITIMER_REAL) SIGALRM ends the process with SANDBOX_EXIT_TIME_LIMIT,
 * writing the response set with sandbox_set_timeout_response first if the
 * real one has not begun, and a line to standard error. RLIMIT_CPU is set
 * to the limit in whole seconds, rounded up, + 1 (SIGXCPU) and + 2
 * (SIGKILL) as a backstop should the handler never run. Call once, before
 * anything else. 0, or -1 with errno. */
int sandbox_time_limit(unsigned milliseconds);

/* The complete response (Status line, headers, body) the time limit's
 * handler writes to standard output when it strikes before
 * sandbox_response_begins. Borrowed: it must stay valid until the
 * process exits. NULL (the default) writes nothing. */
void sandbox_set_timeout_response(const char *bytes, size_t length);

/* Marks the start of the real response. From then on the time limit ends
 * the process without writing anything: the server sees a response
 * shorter than its Content-Length (and fails it), never a 503 spliced
 * into a half-written answer. */
void sandbox_response_begins(void);

/* Marks the response as written: should the time limit strike in the
 * clean-up after it, the process ends with only a line in the log. */
void sandbox_response_ends(void);

/* Confines the process for the rest of its life: RLIMIT_AS (not in
 * sanitizer builds), RLIMIT_FSIZE 0 (or SANDBOX_LOG_GROWTH over a regular
 * file on fd 1 or 2), RLIMIT_NOFILE to the highest open descriptor +
 * SANDBOX_FILE_MARGIN, PR_SET_NO_NEW_PRIVS, and the seccomp filter.
 * Everything the request needs must be open before (sqlite3 opens kb.db
 * lazily: run a statement first). After it, open(2) fails with EACCES
 * and a system call outside the list kills the process (SIGSYS). 0, or
 * -1 with *problem set to why (the caller frees); the process may then be
 * partly confined and should not answer. */
int sandbox_enter(char **problem);

/* Before sandbox_enter or sandbox_enter_server: the filter also lets the
 * process write the database files it has open (kb.cgi's feedback
 * database, opened read-write before), and RLIMIT_FSIZE lets them grow
 * to max_file_size bytes. */
void sandbox_allow_database_writes(off_t max_file_size);

/* Before sandbox_enter or sandbox_enter_server: the filter also allows
 * what DNS queries over IPv4 and IPv6 take (UDP and TCP sockets, their
 * connect, send, receive and wait, getrandom), for the record checker's
 * live mode when site.yaml turns it on. The resolver's configuration
 * must be read before. Local (AF_UNIX) sockets stay forbidden. */
void sandbox_allow_dns(void);

/* True when this is a sanitizer build, whose filter also allows what the
 * sanitizer's runtime needs to report (see sandbox.c) and which has no
 * RLIMIT_AS. */
bool sandbox_sanitizer_build(void);

/* For a server: installs the time limit's handler (SIGALRM, and SIGXCPU
 * for the CPU time) without arming it; SIGPIPE and SIGXFSZ are ignored,
 * so that a client gone or a full log fails a write, not the process.
 * Call once, before anything else. 0, or -1 with errno. */
int sandbox_server_time_limit(unsigned milliseconds);

/* Arms one request's time limit as sandbox_time_limit does (RLIMIT_CPU's
 * soft limit set past the CPU time used so far, its hard limit left),
 * with the timeout response written to fd (the request's connection,
 * bytes as the server's protocol frames them) when it strikes before
 * sandbox_response_begins. Borrowed as sandbox_set_timeout_response's.
 * 0, or -1 with errno. */
int sandbox_request_arm(int fd, const char *bytes, size_t length);

/* Disarms the request's time limit and forgets its timeout response. */
void sandbox_request_disarm(void);

/* sandbox_enter for a server: the same limits (RLIMIT_NOFILE with
 * SANDBOX_SERVER_FILE_MARGIN) and filter, which also allows accepting
 * on descriptor 0, reading and writing any descriptor, waiting on them,
 * shutting them down, the per-request time limit's calls, and opening
 * files read-only (only writing ones fail, with EACCES). */
int sandbox_enter_server(char **problem);

/* Descriptors a server may open beyond the highest one open when the
 * sandbox goes on: a connection, a new build's kb.db beside the old one
 * and SQLite's files for it. */
#define SANDBOX_SERVER_FILE_MARGIN 16

/* Makes a system call the filter forbids (socket(2) of AF_UNIX), for a test to see
 * that the filter is on: under it, the process dies here with SIGSYS.
 * Returns -1 when the call was allowed (the socket is closed again). */
int sandbox_self_test(void);

#endif
