/*
 * fuzz_cgi.c — libFuzzer harness for kb.cgi's request handler.
 *
 * Input: REQUEST_METHOD, PATH_INFO and QUERY_STRING separated by '\n' (the
 * rest of the input is the query string); a NUL ends the input, since no
 * environment variable can hold one. The handler runs against a kb.db
 * built once from the shipped content (run from the repository root), and
 * every answer must keep kb.cgi's promises: a status it documents and
 * never a 5xx (the database is fine), headers without control characters,
 * a Location made of ids only, the headers every response carries, and a
 * body with no raw '<' in JSON. Anything else aborts, which libFuzzer
 * reports as a crash.
 */
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/build.h"
#include "cgi/cgi.h"
#include "base/diag.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cgi_site site;
static char folder[] = "/tmp/kbgen-fuzz-cgi-XXXXXX";

struct env {
	const char *method, *path, *query;
};

static const char *fake_getenv(void *user, const char *name)
{
	const struct env *env = user;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return env->method;
	if (strcmp(name, "PATH_INFO") == 0)
		return env->path;
	if (strcmp(name, "QUERY_STRING") == 0)
		return env->query;
	if (strcmp(name, "SCRIPT_NAME") == 0)
		return "/cgi-bin/kb.cgi";
	return NULL;
}

static void cleanup(void)
{
	cgi_site_close(&site);
	remove_tree(folder);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct build_options options = {.root = "."};
	char *out, *db;

	(void)argc;
	(void)argv;
	if (mkdtemp(folder) == NULL) {
		perror("fuzz_cgi: mkdtemp");
		exit(1);
	}
	out = path_join(folder, "out");
	db = path_join(out, "kb.db");
	options.out_dir = out;
	if (build_run(&options) != BUILD_OK) {
		diag_print(stderr);
		fprintf(stderr, "fuzz_cgi: the shipped site does not build "
			"(run from the repository root)\n");
		exit(1);
	}
	diag_clear();
	cgi_site_open(&site, db);
	if (site.problem != NULL) {
		fprintf(stderr, "fuzz_cgi: %s\n", site.problem);
		exit(1);
	}
	atexit(cleanup);
	free(db);
	free(out);
	return 0;
}

static void require(int condition, const char *what,
		    const struct cgi_response *response)
{
	if (condition)
		return;
	fprintf(stderr, "fuzz_cgi: %s (status %d)\n", what, response->status);
	abort();
}

static int is_id_location(const char *location)
{
	static const char prefix[] = "/cgi-bin/kb.cgi/wizard/";

	if (strncmp(location, prefix, sizeof prefix - 1) != 0)
		return 0;
	for (const char *c = location + sizeof prefix - 1; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
		      strchr("-/?=&", *c) != NULL))
			return 0;
	return 1;
}

static void check(const struct cgi_response *response)
{
	static const int statuses[] = {200, 303, 400, 404, 405};
	const char *type = cgi_response_get(response, "Content-Type");
	const char *location = cgi_response_get(response, "Location");
	int known = 0;

	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		known |= response->status == statuses[i];
	require(known, "a status kb.cgi does not document", response);
	require(type != NULL && strstr(type, "charset=utf-8") != NULL,
		"no Content-Type with charset", response);
	require(cgi_response_get(response, "Content-Security-Policy") != NULL &&
		cgi_response_get(response, "X-Content-Type-Options") != NULL &&
		cgi_response_get(response, "Cache-Control") != NULL,
		"a security header is missing", response);
	for (size_t i = 0; i < response->header_count; i++)
		for (const char *c = response->headers[i].value; *c; c++)
			require((unsigned char)*c >= 0x20, "control character in "
				"a header", response);
	require((response->status == 303) == (location != NULL),
		"Location without 303 or 303 without Location", response);
	require(location == NULL || is_id_location(location),
		"a Location that is not a wizard step of ids", response);
	require(strncmp(type, "application/json", 16) != 0 ||
		memchr(response->body, '<', response->body_length) == NULL,
		"raw '<' in JSON", response);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *path = strchr(text, '\n'), *query = NULL;
	struct env env = {text, "", ""};
	struct cgi_request request;
	struct cgi_response response;

	if (path != NULL) {
		*path++ = '\0';
		env.path = path;
		query = strchr(path, '\n');
		if (query != NULL) {
			*query++ = '\0';
			env.query = query;
		}
	}
	cgi_request_parse(&request, fake_getenv, &env);
	cgi_handle(&site, &request, &response);
	check(&response);
	cgi_response_free(&response);
	cgi_request_free(&request);
	diag_clear();
	free(text);
	return 0;
}
