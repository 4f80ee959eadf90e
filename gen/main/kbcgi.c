/*
 * kb.cgi — the knowledge base's dynamic part, a CGI/1.1 program (RFC
 * 3875): search and the wizard walk, answered from kb.db alone.
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
 */
#include <errno.h>
#include <libxml/parser.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "cgi/cgi.h"
#include "cgi/sandbox.h"
#include "db/analyze.h"
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

/* Confines the process unless KB_CGI_SANDBOX=0. When confinement fails the
 * site is closed, so that the request is answered 503: an unconfined
 * kb.cgi only runs when asked for. */
static void confine(struct cgi_site *site)
{
	const char *setting = getenv("KB_CGI_SANDBOX");
	const char *self_test = getenv("KB_CGI_SANDBOX_SELFTEST");
	char *problem = NULL;

	if (setting != NULL && strcmp(setting, "0") == 0) {
		fprintf(stderr, "kb.cgi: sandbox off (KB_CGI_SANDBOX=0)\n");
	} else if (sandbox_enter(&problem) != 0) {
		fprintf(stderr, "kb.cgi: sandbox: %s; answering 503 "
			"(KB_CGI_SANDBOX=0 runs without it)\n", problem);
		free(problem);
		cgi_site_close(site);
	}
	if (self_test != NULL && strcmp(self_test, "1") == 0 &&
	    sandbox_self_test() != 0)
		fprintf(stderr, "kb.cgi: sandbox self-test: socket(2) was "
			"allowed\n");
}

int main(void)
{
	const char *path = getenv("KB_DB");
	struct cgi_request request;
	struct cgi_response response;
	struct cgi_site site;
	struct buf timeout = {0};
	int status = 0;

	xmlmem_init();
	if (sandbox_time_limit(time_limit()) != 0)
		perror("kb.cgi: the time limit");
	if (path == NULL || *path == '\0')
		path = DEFAULT_DATABASE;
	cgi_request_parse(&request, environment, NULL);
	prepare_timeout_response(&request, &timeout);
	sandbox_set_timeout_response(timeout.data, timeout.length);
	cgi_site_open(&site, path);
	if (site.problem != NULL)
		fprintf(stderr, "kb.cgi: %s\n", site.problem);
	/* A sort too big for memory would want a temporary file, which the
	 * sandbox cannot open; in memory it is bounded by RLIMIT_AS. */
	if (site.db != NULL)
		sqlite3_exec(site.db, "PRAGMA temp_store = MEMORY", NULL, NULL,
			     NULL);
	/* MeCab's dictionary is opened now: the sandbox refuses opening
	 * files; without it search goes on unanalysed */
	if (analyze_open() != 0)
		fprintf(stderr, "kb.cgi: %s\n", analyze_error());
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
	xmlCleanupParser();
	sandbox_set_timeout_response(NULL, 0);
	buf_free(&timeout);
	return status;
}
