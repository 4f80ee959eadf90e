/*
 * kb.cgi — the knowledge base's dynamic part, a CGI/1.1 program (RFC
 * 3875): search, the wizard walk and the bounce analyzer, answered from
 * kb.db alone. A POST's body (the bounce analyzer's form) is read first,
 * exactly CONTENT_LENGTH bytes, and never stored or logged.
 *
 * The database is out/kb.db (relative to the working directory the server
 * gives the program); the environment variable KB_DB overrides it. It is
 * opened read-only and nothing is ever written but the response to
 * standard output. What the server logs (standard error): why the
 * database is unusable, any problem in its stored theme, a request cut by
 * the time limit.
 *
 * Limits (gen/cgi/sandbox.h): a request gets SANDBOX_TIME_LIMIT_DEFAULT ms of
 * wall time (KB_CGI_TIME_LIMIT=<seconds>, 0.1 to 60, overrides it). The
 * response is computed whole in memory and written last, so when the limit
 * strikes, nothing of it has been written yet (the client gets a complete
 * 503 with Retry-After), or it is being written to a server that stopped
 * reading (the process then exits without writing more: the server sees a
 * body shorter than Content-Length, never two responses spliced). Once
 * kb.db and the theme are open the process is confined (resource limits,
 * no new privileges, a seccomp filter); KB_CGI_SANDBOX=0 leaves it
 * unconfined, for debugging (logged with every request).
 * KB_CGI_SANDBOX_SELFTEST=1 makes a forbidden system call once confined,
 * so that a test sees the process die with SIGSYS; it runs only after the
 * confinement and adds a call, so it cannot loosen anything.
 *
 * Exit status: 0 when the response was written, 1 when writing it failed,
 * 3 (SANDBOX_EXIT_TIME_LIMIT) when the time limit ended the request; killed
 * by SIGSYS on a system call the sandbox forbids.
 *
 * FastCGI: started with a listening socket as descriptor 0 (by lighttpd's
 * mod_fastcgi, spawn-fcgi, a systemd socket unit), kb.cgi answers request
 * after request (libfcgi) with kb.db, the theme and MeCab's dictionary
 * opened once, confined once (sandbox_enter_server). Each request is
 * answered exactly as a fresh CGI process would answer it: its own
 * environment (the request's parameters, not the process's: KB_DB and
 * the settings above are read at start), nothing kept from the one
 * before. Before each request kb.db's path is looked at (stat: device,
 * inode, size, modification time); a build that swapped out/ since makes
 * the next request open the new kb.db, and a request is answered from
 * one kb.db whole: the open one keeps reading the file it opened. A new
 * kb.db that cannot be opened is logged once, and the build before goes
 * on answering; a path that is missing for a moment (out/ being swapped)
 * changes nothing. The time limit is per request: when it strikes, the
 * 503 is sent on the request's connection and the process exits with
 * SANDBOX_EXIT_TIME_LIMIT (the server starts another). A client gone
 * mid-answer only ends its request. SIGTERM ends the process after the
 * request it is answering, at once between requests.
 */
#include <errno.h>
#include <fcgiapp.h>
#include <libxml/parser.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "cgi/cgi.h"
#include "cgi/sandbox.h"
#include "db/analyze.h"
#include "content/bouncemime.h"
#include "content/xmlmem.h"

#define DEFAULT_DATABASE "out/kb.db"

static const char *environment(void *user, const char *name)
{
	(void)user;
	return getenv(name);
}

/* The time limit in milliseconds: KB_CGI_TIME_LIMIT (seconds, a decimal
 * fraction allowed) within the bounds, else the default, with a log line
 * when the variable is set but unusable. */
static unsigned time_limit(void)
{
	const char *text = getenv("KB_CGI_TIME_LIMIT");
	char *end;
	double seconds;

	if (text == NULL || *text == '\0')
		return SANDBOX_TIME_LIMIT_DEFAULT;
	errno = 0;
	seconds = strtod(text, &end);
	if (errno == 0 && *end == '\0' && end != text &&
	    seconds * 1000 >= SANDBOX_TIME_LIMIT_MIN &&
	    seconds * 1000 <= SANDBOX_TIME_LIMIT_MAX)
		return (unsigned)(seconds * 1000 + 0.5);
	fprintf(stderr, "kb.cgi: KB_CGI_TIME_LIMIT=%s: not a number of seconds "
		"from %g to %g; the limit is %g s\n", text,
		SANDBOX_TIME_LIMIT_MIN / 1000.0, SANDBOX_TIME_LIMIT_MAX / 1000.0,
		SANDBOX_TIME_LIMIT_DEFAULT / 1000.0);
	return SANDBOX_TIME_LIMIT_DEFAULT;
}

static const char *fastcgi_environment(void *user, const char *name)
{
	return FCGX_GetParam(name, user);
}

/* The response as CGI wants it, into out: a Status line, the headers, a
 * blank line, then the body unless the request was HEAD. */
static void format_response(struct buf *out, const struct cgi_response *response,
			    bool with_body)
{
	buf_printf(out, "Status: %d %s\r\n", response->status,
		   cgi_status_text(response->status));
	for (size_t i = 0; i < response->header_count; i++)
		buf_printf(out, "%s: %s\r\n", response->headers[i].name,
			   response->headers[i].value);
	buf_printf(out, "Content-Length: %zu\r\n\r\n", response->body_length);
	if (with_body && response->body_length > 0)
		buf_add(out, response->body, response->body_length);
}

/* Writes the response to standard output with write(2): no stdio buffer
 * that the time limit's handler could leave half-flushed. 0, or -1 with
 * errno. */
static int write_response(const struct cgi_response *response, bool with_body)
{
	struct buf out = {0};
	const char *bytes;
	size_t length;
	int rc = 0;

	format_response(&out, response, with_body);
	bytes = out.data;
	length = out.length;
	while (length > 0) {
		ssize_t written = write(STDOUT_FILENO, bytes, length);

		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0) {
			rc = -1;
			break;
		}
		bytes += written;
		length -= (size_t)written;
	}
	buf_free(&out);
	return rc;
}

/* What the time limit answers when it strikes before the response began:
 * the request's own answer with no database (503, Retry-After), formatted
 * into out, which must live until exit. */
static void prepare_timeout_response(const struct cgi_request *request,
				     struct buf *out)
{
	struct cgi_site none;
	struct cgi_request as_get = *request;
	struct cgi_response response;

	memset(&none, 0, sizeof none);
	as_get.method = CGI_GET;
	cgi_handle(&none, &as_get, &response);
	format_response(out, &response, request->method != CGI_HEAD);
	cgi_response_free(&response);
}

/* A POST's body: exactly CONTENT_LENGTH bytes (cgi_request_parse
 * checked it is at most CGI_BODY_MAX_BYTES), never one more, through
 * read_some (standard input, or the FastCGI stream); a client that sends
 * fewer gets a 400 (cgi_request_set_body). */
static void read_body(struct cgi_request *request,
		      long (*read_some)(void *user, char *bytes, size_t length),
		      void *user)
{
	char *body;
	size_t got = 0;

	if (request->method != CGI_POST || request->error != CGI_OK)
		return;
	body = xmalloc(request->content_length + 1);
	while (got < request->content_length) {
		long n = read_some(user, body + got, request->content_length - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	cgi_request_set_body(request, body, got);
	free(body);
}

static long read_stdin(void *user, char *bytes, size_t length)
{
	(void)user;
	for (;;) {
		ssize_t n = read(STDIN_FILENO, bytes, length);
		if (n >= 0 || errno != EINTR)
			return (long)n;
	}
}

static long read_fastcgi(void *user, char *bytes, size_t length)
{
	return FCGX_GetStr(bytes, (int)length, user);
}

/* KB_CGI_SANDBOX_SELFTEST=1: a forbidden call, once confined. */
static void self_test(void)
{
	const char *setting = getenv("KB_CGI_SANDBOX_SELFTEST");

	if (setting != NULL && strcmp(setting, "1") == 0 &&
	    sandbox_self_test() != 0)
		fprintf(stderr, "kb.cgi: sandbox self-test: socket(2) was "
			"allowed\n");
}

/* Confines the process unless KB_CGI_SANDBOX=0. When confinement fails the
 * site is closed, so that the request is answered 503: an unconfined
 * kb.cgi only runs when asked for. */
static void confine(struct cgi_site *site)
{
	const char *setting = getenv("KB_CGI_SANDBOX");
	char *problem = NULL;

	if (setting != NULL && strcmp(setting, "0") == 0) {
		fprintf(stderr, "kb.cgi: sandbox off (KB_CGI_SANDBOX=0)\n");
	} else if (sandbox_enter(&problem) != 0) {
		fprintf(stderr, "kb.cgi: sandbox: %s; answering 503 "
			"(KB_CGI_SANDBOX=0 runs without it)\n", problem);
		free(problem);
		cgi_site_close(site);
	}
	self_test();
}

/* Opens what every request reads: kb.db at path (its problem logged),
 * in-memory sorts, MeCab's dictionary. */
static void open_site(struct cgi_site *site, const char *path)
{
	char *why;

	cgi_site_open(site, path);
	if (site->problem != NULL)
		fprintf(stderr, "kb.cgi: %s\n", site->problem);
	/* the feedback database: opened read-write now, written under the
	 * sandbox, which then lets its files grow */
	why = cgi_site_open_feedback(site, getenv("KB_FEEDBACK_DB"), time(NULL));
	if (why != NULL) {
		fprintf(stderr, "kb.cgi: feedback: %s; no feedback taken\n", why);
		free(why);
	}
	if (site->feedback != NULL)
		sandbox_allow_database_writes((off_t)1 << 32);
	/* live DNS lookups: the resolver's configuration read now */
	why = cgi_site_open_resolver(site, getenv("KB_RECORDS_DNS"));
	if (why != NULL) {
		fprintf(stderr, "kb.cgi: records: %s; no live lookups\n", why);
		free(why);
	}
	if (site->resolver != NULL)
		sandbox_allow_dns();
	/* A sort too big for memory would want a temporary file, which the
	 * sandbox cannot open; in memory it is bounded by RLIMIT_AS. */
	if (site->db != NULL)
		sqlite3_exec(site->db, "PRAGMA temp_store = MEMORY", NULL, NULL,
			     NULL);
}

/* One answer as CGI wants it, written by the caller. */
static int serve_cgi(const char *path)
{
	struct cgi_request request;
	struct cgi_response response;
	struct cgi_site site;
	struct buf timeout = {0};
	int status = 0;

	if (sandbox_time_limit(time_limit()) != 0)
		perror("kb.cgi: the time limit");
	cgi_request_parse(&request, environment, NULL);
	read_body(&request, read_stdin, NULL);
	prepare_timeout_response(&request, &timeout);
	sandbox_set_timeout_response(timeout.data, timeout.length);
	open_site(&site, path);
	/* MeCab's dictionary is opened now: the sandbox refuses opening
	 * files; without it search goes on unanalysed */
	if (analyze_open() != 0)
		fprintf(stderr, "kb.cgi: %s\n", analyze_error());
	/* the bounce analyzer's charsets, which the sandbox could not load */
	mime_charsets_preload();
	confine(&site);
	cgi_handle(&site, &request, &response);
	sandbox_response_begins();
	if (write_response(&response, request.method != CGI_HEAD) != 0) {
		perror("kb.cgi: writing the response");
		status = 1;
	}
	sandbox_response_ends();
	if (diag_error_count() > 0 || diag_warning_count() > 0)
		diag_print(stderr);
	cgi_response_free(&response);
	cgi_site_close(&site);
	cgi_request_free(&request);
	diag_clear();
	sandbox_set_timeout_response(NULL, 0);
	buf_free(&timeout);
	return status;
}

/* ---- FastCGI ---------------------------------------------------------- */

/* FastCGI's records (the FastCGI specification, 1996): an 8-byte header
 * (version, type, request id, content length, padding length), then the
 * content. */
enum {
	FCGI_RECORD_END_REQUEST = 3,
	FCGI_RECORD_STDOUT = 6,
	FCGI_RECORD_MAX = 65535,
};

static void add_record(struct buf *out, int type, int request_id,
		       const char *content, size_t length)
{
	const char header[8] = {
		1, (char)type, (char)(request_id >> 8), (char)request_id,
		(char)(length >> 8), (char)length, 0, 0,
	};

	buf_add(out, header, sizeof header);
	if (length > 0)
		buf_add(out, content, length);
}

/* The CGI answer in text framed for the request's connection: its
 * STDOUT records, the empty one that ends the stream, and the end of the
 * request (status 0, request complete). What the time limit writes
 * itself, as libfcgi would. */
static void frame_answer(struct buf *out, int request_id, const char *text,
			 size_t length)
{
	static const char end[8] = {0};

	for (size_t at = 0; at < length; at += FCGI_RECORD_MAX)
		add_record(out, FCGI_RECORD_STDOUT, request_id, text + at,
			   length - at < FCGI_RECORD_MAX ? length - at
							 : FCGI_RECORD_MAX);
	add_record(out, FCGI_RECORD_STDOUT, request_id, NULL, 0);
	add_record(out, FCGI_RECORD_END_REQUEST, request_id, end, sizeof end);
}

/* The open kb.db and the identity of the file it was opened from. */
struct served {
	const char *path;
	struct cgi_site site;
	struct stat opened;	/* valid when site.db != NULL */
	struct stat refused;	/* the last file that failed to open */
	bool have_refused;
	bool unconfined;	/* the sandbox failed: every answer a 503 */
};

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Opens served->path again when it names another file than the one
 * open: a new build. The identity is taken before opening, so a second
 * swap while opening costs one more open, never a stale site. */
static void refresh_site(struct served *served)
{
	struct stat now;
	struct cgi_site next;

	if (served->unconfined || stat(served->path, &now) != 0)
		return;
	if (served->site.db != NULL && same_file(&now, &served->opened))
		return;
	if (served->have_refused && same_file(&now, &served->refused))
		return;
	cgi_site_open(&next, served->path);
	if (next.problem == NULL) {
		if (next.db != NULL)
			sqlite3_exec(next.db, "PRAGMA temp_store = MEMORY",
				     NULL, NULL, NULL);
		/* the feedback database stays open across builds: the
		 * sandbox could not open it again */
		next.feedback = served->site.feedback;
		next.feedback_votes = served->site.feedback_votes;
		served->site.feedback = NULL;
		/* so does the resolver: the sandbox allows DNS only when
		 * the first kb.db turned live lookups on */
		next.resolver = served->site.resolver;
		served->site.resolver = NULL;
		cgi_site_close(&served->site);
		served->site = next;
		served->opened = now;
		served->have_refused = false;
		return;
	}
	served->refused = now;
	served->have_refused = true;
	if (served->site.db != NULL && served->site.problem == NULL) {
		fprintf(stderr, "kb.cgi: %s; answering from the kb.db opened "
			"before\n", next.problem);
		cgi_site_close(&next);
		return;
	}
	fprintf(stderr, "kb.cgi: %s\n", next.problem);
	cgi_site_close(&served->site);
	served->site = next;
}

static volatile sig_atomic_t stopping;

static void on_terminate(int signal_number)
{
	(void)signal_number;
	stopping = 1;
}

/* SIGTERM sets stopping and interrupts the wait for a connection (no
 * SA_RESTART: FCGX_Accept_r returns). */
static int catch_terminate(void)
{
	struct sigaction action;

	memset(&action, 0, sizeof action);
	action.sa_handler = on_terminate;
	sigemptyset(&action.sa_mask);
	return sigaction(SIGTERM, &action, NULL);
}

/* Answers the accepted request from served's site. */
static void answer_fastcgi(struct served *served, FCGX_Request *fcgi)
{
	struct cgi_request request;
	struct cgi_response response;
	struct buf text = {0}, timeout = {0};

	cgi_request_parse(&request, fastcgi_environment, fcgi->envp);
	read_body(&request, read_fastcgi, fcgi->in);
	prepare_timeout_response(&request, &text);
	frame_answer(&timeout, fcgi->requestId, text.data, text.length);
	if (sandbox_request_arm(fcgi->ipcFd, timeout.data, timeout.length) != 0)
		perror("kb.cgi: the time limit");
	refresh_site(served);
	cgi_handle(&served->site, &request, &response);
	text.length = 0;
	format_response(&text, &response, request.method != CGI_HEAD);
	sandbox_response_begins();
	if (FCGX_PutStr(text.data, (int)text.length, fcgi->out) < 0 ||
	    FCGX_FFlush(fcgi->out) < 0)
		fprintf(stderr, "kb.cgi: writing the response: the server "
			"closed the connection\n");
	sandbox_response_ends();
	if (diag_error_count() > 0 || diag_warning_count() > 0)
		diag_print(stderr);
	diag_clear();
	cgi_response_free(&response);
	cgi_request_free(&request);
	FCGX_Finish_r(fcgi);
	sandbox_request_disarm();
	buf_free(&text);
	buf_free(&timeout);
}

/* Serves FastCGI requests on descriptor 0 until SIGTERM or an error on
 * the listening socket. */
static int serve_fastcgi(const char *path)
{
	struct served served = {.path = path};
	FCGX_Request fcgi;
	struct stat now;
	char *problem = NULL;
	const char *setting = getenv("KB_CGI_SANDBOX");

	if (sandbox_server_time_limit(time_limit()) != 0 ||
	    catch_terminate() != 0)
		perror("kb.cgi: the time limit");
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fcgi, 0,
						 FCGI_FAIL_ACCEPT_ON_INTR) != 0) {
		fprintf(stderr, "kb.cgi: FastCGI: cannot initialise libfcgi\n");
		return 1;
	}
	if (stat(path, &now) == 0)
		served.opened = now;
	open_site(&served.site, path);
	if (served.site.problem != NULL && stat(path, &now) == 0) {
		served.refused = now;
		served.have_refused = true;
	}
	if (analyze_open() != 0)
		fprintf(stderr, "kb.cgi: %s\n", analyze_error());
	mime_charsets_preload();
	if (setting != NULL && strcmp(setting, "0") == 0) {
		fprintf(stderr, "kb.cgi: sandbox off (KB_CGI_SANDBOX=0)\n");
	} else if (sandbox_enter_server(&problem) != 0) {
		fprintf(stderr, "kb.cgi: sandbox: %s; answering 503 "
			"(KB_CGI_SANDBOX=0 runs without it)\n", problem);
		free(problem);
		cgi_site_close(&served.site);
		served.unconfined = true;
	}
	self_test();
	while (!stopping && FCGX_Accept_r(&fcgi) == 0)
		answer_fastcgi(&served, &fcgi);
	FCGX_Free(&fcgi, 1);
	cgi_site_close(&served.site);
	return 0;
}

int main(void)
{
	const char *path = getenv("KB_DB");
	int status;

	xmlmem_init();
	if (path == NULL || *path == '\0')
		path = DEFAULT_DATABASE;
	status = FCGX_IsCGI() ? serve_cgi(path) : serve_fastcgi(path);
	xmlCleanupParser();
	return status;
}
