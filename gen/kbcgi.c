/*
 * kb.cgi — the knowledge base's dynamic part, a CGI/1.1 program (RFC
 * 3875): search and the wizard walk, answered from kb.db alone.
 *
 * The database is out/kb.db (relative to the working directory the server
 * gives the program); the environment variable KB_DB overrides it. It is
 * opened read-only and nothing is ever written but the response to
 * standard output. What the server logs (standard error): why the
 * database is unusable, and any problem in its stored theme.
 *
 * Exit status: 0 when the response was written, 1 when writing it failed.
 */
#include <libxml/parser.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "cgi.h"
#include "diag.h"

#define DEFAULT_DATABASE "out/kb.db"

static const char *environment(void *user, const char *name)
{
	(void)user;
	return getenv(name);
}

/* Writes the response as CGI wants it: a Status line, the headers, a
 * blank line, then the body unless the request was HEAD. */
static int write_response(FILE *out, const struct cgi_response *response,
			  bool with_body)
{
	fprintf(out, "Status: %d %s\r\n", response->status,
		cgi_status_text(response->status));
	for (size_t i = 0; i < response->header_count; i++)
		fprintf(out, "%s: %s\r\n", response->headers[i].name,
			response->headers[i].value);
	fprintf(out, "Content-Length: %zu\r\n\r\n", response->body_length);
	if (with_body && response->body_length > 0)
		fwrite(response->body, 1, response->body_length, out);
	if (fflush(out) != 0 || ferror(out))
		return -1;
	return 0;
}

int main(void)
{
	const char *path = getenv("KB_DB");
	struct cgi_request request;
	struct cgi_response response;
	struct cgi_site site;
	int status = 0;

	if (path == NULL || *path == '\0')
		path = DEFAULT_DATABASE;
	cgi_request_parse(&request, environment, NULL);
	cgi_site_open(&site, path);
	if (site.problem != NULL)
		fprintf(stderr, "kb.cgi: %s\n", site.problem);
	cgi_handle(&site, &request, &response);
	if (write_response(stdout, &response, request.method != CGI_HEAD) != 0) {
		perror("kb.cgi: writing the response");
		status = 1;
	}
	if (diag_error_count() > 0 || diag_warning_count() > 0)
		diag_print(stderr);
	cgi_response_free(&response);
	cgi_site_close(&site);
	cgi_request_free(&request);
	diag_clear();
	xmlCleanupParser();
	return status;
}
