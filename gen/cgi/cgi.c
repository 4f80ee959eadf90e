/*
 * cgi.c — kb.cgi's top: opening the site, and routing a request to the
 * route that answers it (see cgi.h). The routes (cgisearch.c,
 * cgiwizard.c) build their answers with response.h and read the request
 * through request.h; nothing below this file calls back into it.
 */
#include "cgi/cgi.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/cgiurl.h"
#include "base/util.h"
#include "html/wizardpage.h"
#include "cgi/cgirecords.h"
#include "content/records_live.h"
#include "cgi/cgibounce.h"
#include "cgi/cgifeedback.h"
#include "cgi/cgisearch.h"
#include "cgi/cgiwizard.h"
#include "db/feedback.h"
#include "db/search.h"
#include "content/tree.h"

/* ---- the site ------------------------------------------------------------- */

/* "file:" URI of path for sqlite3_open_v2, read-only. Not immutable=1:
 * kb.db is ours to trust only while SQLite's locking says nobody writes
 * it, and an immutable reader would not look. */
static char *database_uri(const char *path)
{
	struct buf uri = {0};

	buf_adds(&uri, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c) != NULL)
			buf_addc(&uri, (char)*c);
		else
			buf_printf(&uri, "%%%02X", *c);
	}
	buf_adds(&uri, "?mode=ro");
	return buf_detach(&uri);
}

/* NULL when path is a regular file kb.cgi may open, else why not (for
 * the log; the caller frees). Opened without blocking: a FIFO or a
 * device as KB_DB would hold the request forever. */
static char *database_problem(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *problem = NULL;

	if (fd < 0)
		return xasprintf("cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		problem = xasprintf("cannot open %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		problem = xasprintf("cannot open %s: not a regular file", path);
	close(fd);
	return problem;
}

void cgi_site_open(struct cgi_site *site, const char *path)
{
	char *uri = database_uri(path);
	const char *why;
	int rc;

	memset(site, 0, sizeof *site);
	site->wizard = cgiwizard_cache_new();
	site->problem = database_problem(path);
	if (site->problem != NULL)
		goto out;
	/* A build replaces kb.db by renaming a new file over it, so nothing
	 * should hold its lock; whatever does (a writer by hand) makes the
	 * request wait CGI_BUSY_TIMEOUT_MS at most, then 503, rather than
	 * pile up processes behind it. */
	if (sqlite3_open_v2(uri, &site->db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(site->db, CGI_BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    search_reader_setup(site->db) != SEARCH_OK ||
	    sqlite3_exec(site->db, "SELECT count(*) FROM sqlite_schema", NULL,
			 NULL, NULL) != SQLITE_OK) {
		site->problem = xasprintf("cannot open %s: %s", path,
					  site->db ? sqlite3_errmsg(site->db)
						   : "out of memory");
		sqlite3_close(site->db);
		site->db = NULL;
		goto out;
	}
	/* a worker's queries take their statements prepared; without room
	 * to keep them (never with one site) they prepare them each time */
	(void)search_keep_statements(site->db);
	rc = themestore_load(site->db, &site->store);
	if (rc != THEMESTORE_OK) {
		site->problem = xasprintf("%s: %s", path, themestore_strerror(rc));
		themestore_free(&site->store);
	} else if (site->store.cgi_url != NULL && *site->store.cgi_url != '\0' &&
		   !cgiurl_base_valid(site->store.cgi_url, &why)) {
		site->problem = xasprintf("%s: the stored cgi_url '%s' is not "
					  "usable: %s", path,
					  site->store.cgi_url, why);
		themestore_free(&site->store);
	}
out:
	free(uri);
}

char *cgi_site_open_feedback(struct cgi_site *site, const char *path,
			     time_t now)
{
	const char *named = path != NULL && *path != '\0'
				    ? path
				    : site->store.feedback_db;
	unsigned retention = 365;
	char *problem = NULL;

	if (named == NULL || *named == '\0' || site->store.theme == NULL)
		return NULL;
	site->feedback_votes = 3;
	if (site->store.feedback_votes != NULL)
		site->feedback_votes = (unsigned)strtoul(site->store.feedback_votes,
							  NULL, 10);
	if (site->store.feedback_retention != NULL)
		retention = (unsigned)strtoul(site->store.feedback_retention,
					      NULL, 10);
	site->feedback = feedback_open(named, retention, now, &problem);
	return problem;
}

char *cgi_site_open_resolver(struct cgi_site *site, const char *server)
{
	struct records_live_options options = {0};
	char *address = NULL, *at;
	const char *why = NULL;

	if (site->feedback == NULL || site->store.records_live_visitor == NULL)
		return NULL;
	if (server != NULL && *server != '\0') {
		address = xstrdup(server);
		at = strrchr(address, '@');
		if (at != NULL) {
			char *end;
			unsigned long port = strtoul(at + 1, &end, 10);
			if (at[1] == '\0' || *end != '\0' || port == 0 || port > 65535) {
				free(address);
				return xasprintf("KB_RECORDS_DNS '%s': the port after "
						 "'@' must be from 1 to 65535", server);
			}
			*at = '\0';
			options.port = (unsigned)port;
		}
		options.server = address;
	}
	site->resolver = records_resolver_open(&options, &why);
	free(address);
	return site->resolver == NULL ? xasprintf("%s", why) : NULL;
}

void cgi_site_close(struct cgi_site *site)
{
	records_resolver_close(site->resolver);
	feedback_close(site->feedback);
	cgiwizard_cache_free(site->wizard);
	themestore_free(&site->store);
	search_release_statements(site->db);
	sqlite3_close(site->db);
	free(site->problem);
	memset(site, 0, sizeof *site);
}

/* ---- routing ------------------------------------------------------------------ */

/* Splits "/a/b/c" into at most max segments; a trailing '/' gives a last
 * empty segment. Returns the count, or max + 1 when there are more. */
static size_t split_path(const char *path, char **segments, size_t max)
{
	size_t count = 0;

	if (*path != '/')
		return max + 1;
	while (*path == '/') {
		size_t length = strcspn(path + 1, "/");

		if (count == max) {
			for (size_t i = 0; i < count; i++)
				free(segments[i]);
			return max + 1;
		}
		segments[count++] = xstrndup(path + 1, length);
		path += 1 + length;
	}
	return count;
}

/* exact: empty or 1 (search the words as typed, uncorrected). */
static enum cgi_error check_exact(const char *name, const char *value)
{
	(void)name;
	return *value == '\0' || strcmp(value, "1") == 0 ? CGI_OK
							 : CGI_BAD_VALUE;
}

/* What each route reads; every other parameter is ignored. */
static const struct cgi_field_rule search_rules[] = {
	{"q", cgi_check_query, CGI_REFUSE},
	{"page", cgi_check_page, CGI_REFUSE},
	{"exact", check_exact, CGI_REFUSE},
};

static enum cgi_error check_from(const char *name, const char *value)
{
	(void)name;
	return tree_id_valid(value) ? CGI_OK : CGI_BAD_VALUE;
}

static const struct cgi_field_rule wizard_rules[] = {
	{WIZARD_FROM_PARAM, check_from, CGI_DROP},
	{NULL, cgi_check_answer, CGI_DROP},
};

static void route_search(const struct cgi_site *site,
			 const struct cgi_request *request, bool json,
			 struct cgi_response *response)
{
	struct cgi_fields fields;
	enum cgi_error error = cgi_validate(request, search_rules,
					    sizeof search_rules /
					    sizeof *search_rules, &fields);
	const char *page_text = cgi_field(&fields, "page");
	size_t page = page_text && *page_text ? strtoul(page_text, NULL, 10) : 1;
	char *q = cgi_query_clean(cgi_field(&fields, "q"));
	const char *exact_text = cgi_field(&fields, "exact");
	bool exact = exact_text != NULL && *exact_text != '\0';

	if (error != CGI_OK && json)
		cgisearch_json_error(error, response);
	else if (error != CGI_OK)
		cgi_respond_error(site, error, response);
	else if (json)
		cgisearch_json(site, request, q, page, exact, response);
	else
		cgisearch_page(site, request, q, page, exact, response);
	free(q);
	free(fields.items);
}

static void route_wizard(const struct cgi_site *site,
			 const struct cgi_request *request, char **segments,
			 size_t count, struct cgi_response *response)
{
	struct cgi_fields fields;
	struct tree_answer *answers;
	size_t answer_count = 0;

	if (count == 2 || (count == 3 && *segments[2] == '\0')) {
		cgiwizard_start(site, request, segments[1], response);
		return;
	}
	cgi_validate(request, wizard_rules,
		     sizeof wizard_rules / sizeof *wizard_rules, &fields);
	answers = xcalloc(fields.count + 1, sizeof *answers);
	for (size_t i = 0; i < fields.count; i++)
		if (strcmp(fields.items[i]->name, WIZARD_FROM_PARAM) != 0)
			answers[answer_count++] = (struct tree_answer){
				fields.items[i]->name, fields.items[i]->value};
	cgiwizard_step(site, request, segments[1], segments[2],
		       cgi_field(&fields, WIZARD_FROM_PARAM), answers,
		       answer_count,
		       response);
	free(answers);
	free(fields.items);
}

/* The record checker's fields (cgirecords.h); spf may come more than
 * once. */
static const struct cgi_field_rule records_rules[] = {
	{"spf", cgirecords_check_field, CGI_REFUSE},
	{"dkim", cgirecords_check_field, CGI_REFUSE},
	{"dmarc", cgirecords_check_field, CGI_REFUSE},
	{"domain", cgirecords_check_field, CGI_REFUSE},
	{"selector", cgirecords_check_field, CGI_REFUSE},
};

static void route_records(const struct cgi_site *site,
			  const struct cgi_request *request, bool json,
			  struct cgi_response *response)
{
	struct cgi_fields fields;
	enum cgi_error error = cgi_validate(request, records_rules,
					    sizeof records_rules /
					    sizeof *records_rules, &fields);

	if (error != CGI_OK && json)
		cgirecords_json_error(error, response);
	else if (error != CGI_OK)
		cgi_respond_error(site, error, response);
	else if (json)
		cgirecords_json(site, request, &fields, response);
	else
		cgirecords_page(site, request, &fields, response);
	free(fields.items);
}

/* POST only: a bounce holds addresses, which a GET would put in the
 * server's logs and the browser's history. */
static void route_bounce(const struct cgi_site *site,
			 const struct cgi_request *request, bool json,
			 struct cgi_response *response)
{
	if (request->method != CGI_POST) {
		if (json)
			cgibounce_json_error(CGI_METHOD, response);
		else
			cgi_respond_error(site, CGI_METHOD, response);
		cgi_response_header(response, "Allow", "POST");
	} else if (json) {
		cgibounce_json(site, request, response);
	} else {
		cgibounce_page(site, request, response);
	}
}

/* POST only: a vote writes. */
static void route_feedback(const struct cgi_site *site,
			   const struct cgi_request *request,
			   struct cgi_response *response)
{
	if (request->method != CGI_POST) {
		cgi_respond_error(site, CGI_METHOD, response);
		cgi_response_header(response, "Allow", "POST");
	} else {
		cgifeedback_post(site, request, response);
	}
}

static void route(const struct cgi_site *site, const struct cgi_request *request,
		  struct cgi_response *response)
{
	char *segments[3];
	size_t count = split_path(request->path_info, segments, 3);

	if (count == 1 && (strcmp(segments[0], "bounce") == 0 ||
			   strcmp(segments[0], "bounce.json") == 0))
		route_bounce(site, request, strcmp(segments[0], "bounce.json") == 0,
			     response);
	else if (count == 1 && strcmp(segments[0], "feedback") == 0)
		route_feedback(site, request, response);
	else if (count == 1 && strcmp(segments[0], "search") == 0)
		route_search(site, request, false, response);
	else if (count == 1 && strcmp(segments[0], "search.json") == 0)
		route_search(site, request, true, response);
	else if (count == 1 && strcmp(segments[0], "records") == 0)
		route_records(site, request, false, response);
	else if (count == 1 && strcmp(segments[0], "records.json") == 0)
		route_records(site, request, true, response);
	else if (count >= 2 && count <= 3 && strcmp(segments[0], "wizard") == 0 &&
		 tree_id_valid(segments[1]) && (count == 2 || tree_id_valid(segments[2]) ||
					  *segments[2] == '\0'))
		route_wizard(site, request, segments, count, response);
	else
		cgi_respond_error(site, CGI_NOT_FOUND, response);
	for (size_t i = 0; count <= 3 && i < count; i++)
		free(segments[i]);
}

/* An error answered as its route answers: JSON on /search.json (the
 * instant results read every status as JSON), a themed page elsewhere. */
static void respond_error(const struct cgi_site *site,
			  const struct cgi_request *request, int error,
			  struct cgi_response *response)
{
	if (strcmp(request->path_info, "/search.json") == 0)
		cgisearch_json_error(error, response);
	else if (strcmp(request->path_info, "/records.json") == 0)
		cgirecords_json_error(error, response);
	else if (strcmp(request->path_info, "/bounce.json") == 0)
		cgibounce_json_error(error, response);
	else
		cgi_respond_error(site, error, response);
}

/* The routes a POST may go to: the bounce analyzer's. */
static bool posted_route(const struct cgi_request *request)
{
	return strcmp(request->path_info, "/bounce") == 0 ||
	       strcmp(request->path_info, "/bounce.json") == 0 ||
	       strcmp(request->path_info, "/feedback") == 0;
}

/* False when the URLs of the answer would be built on a SCRIPT_NAME that
 * is not a plain path ("//evil.example" would make every redirect leave
 * the site). */
static bool base_usable(const struct cgi_site *site,
			const struct cgi_request *request)
{
	char *base = cgi_base_url(site, request);
	bool usable = base != NULL;

	free(base);
	return usable;
}

void cgi_handle(const struct cgi_site *site, const struct cgi_request *request,
		struct cgi_response *response)
{
	memset(response, 0, sizeof *response);
	if (request->method == CGI_OTHER ||
	    (request->method == CGI_POST && !posted_route(request))) {
		respond_error(site, request, CGI_METHOD, response);
		cgi_response_header(response, "Allow", "GET, HEAD");
	} else if (site->db == NULL || site->store.theme == NULL) {
		respond_error(site, request, CGI_UNAVAILABLE, response);
		cgi_response_header(response, "Retry-After", "10");
	} else if (request->error != CGI_OK) {
		respond_error(site, request, request->error, response);
	} else if (!base_usable(site, request)) {
		respond_error(site, request, CGI_BAD_VALUE, response);
	} else {
		route(site, request, response);
	}
	cgi_response_add_common_headers(response);
}
