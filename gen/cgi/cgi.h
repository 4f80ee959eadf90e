/*
 * cgi.h — kb.cgi's request handling as pure computation: a CGI/1.1
 * request (RFC 3875) read from an environment through a hook, checked by
 * declarative validators, and answered with a response (status, headers,
 * body) that the caller writes. Nothing here reads stdin or writes
 * anywhere; gen/kbcgi.c does that, and the tests and the fuzzer call the
 * same functions with made-up environments.
 *
 * Routes (PATH_INFO; everything else is a themed 404):
 *   /search?q=…&page=N        results page (HTML)
 *   /search.json?q=…&page=N   the same results as JSON
 *   /wizard/<tree>/<node>?<node>=<option>&…   one step of the walk
 *   /wizard/<tree>[/]         303 to the tree's first question
 * Methods other than GET and HEAD get 405 with Allow. A query string over
 * CGI_QUERY_MAX_BYTES, a PATH_INFO over CGI_PATH_MAX_BYTES or a q over
 * SEARCH_QUERY_MAX_CHARACTERS characters, invalid UTF-8 or a NUL byte
 * anywhere, or a parameter its validator refuses get a themed 400. Only
 * the server's own trouble (no database, a database that fails) gets a
 * 5xx.
 */
#ifndef KB_CGI_H
#define KB_CGI_H

#include <sqlite3.h>
#include <stddef.h>

#include "html/theme.h"
#include "db/themestore.h"

#define CGI_QUERY_MAX_BYTES 4096
#define CGI_PATH_MAX_BYTES 1024
/* Search result pages: this many results each, at most CGI_PAGE_MAX. */
#define CGI_RESULTS_PER_PAGE 10
#define CGI_PAGE_MAX 1000

/* Why a request was not served as asked. */
enum cgi_error {
	CGI_OK = 0,
	CGI_NOT_FOUND,		/* no such route, tree or node: 404 */
	CGI_METHOD,		/* not GET or HEAD: 405 */
	CGI_TOO_LARGE,		/* query string, path or q over its limit: 400 */
	CGI_BAD_UTF8,		/* path or a parameter is not UTF-8: 400 */
	CGI_NUL,		/* a NUL byte (%00) in a parameter: 400 */
	CGI_BAD_VALUE,		/* a parameter its validator refuses: 400 */
	CGI_UNAVAILABLE,	/* no usable database (missing, old): 503 */
	CGI_INTERNAL,		/* the database failed mid-request: 500 */
	CGI_TOO_BROAD,		/* a query over its cost budget: 422 */
};

/* A short English message for a cgi_error; static, never NULL. */
const char *cgi_strerror(int error);

/* The HTTP status a cgi_error is answered with (200 for CGI_OK). */
int cgi_error_status(int error);

/* The reason phrase of an HTTP status ("Not Found"); static. */
const char *cgi_status_text(int status);

enum cgi_method { CGI_GET, CGI_HEAD, CGI_OTHER };

/* One query parameter, '+' and %XX decoded. Both strings are
 * NUL-terminated and hold no NUL (a request with one is refused). */
struct cgi_param {
	char *name, *value;
};

struct cgi_request {
	enum cgi_method method;
	char *method_name;	/* as sent; "" when unset */
	char *path_info;	/* "" when unset */
	char *script_name;	/* "" when unset */
	char *query_string;	/* raw; "" when unset or refused */
	struct cgi_param *params;	/* in order, empty names skipped */
	size_t param_count;
	enum cgi_error error;	/* the first problem found, or CGI_OK */
};

/* Reads a variable of the environment, or NULL when unset. */
typedef const char *(*cgi_getenv_fn)(void *user, const char *name);

/* Reads REQUEST_METHOD, PATH_INFO, SCRIPT_NAME and QUERY_STRING through
 * getenv and checks what applies to every route (sizes, UTF-8, NUL).
 * Never fails: problems are kept in request->error. Release with
 * cgi_request_free. */
void cgi_request_parse(struct cgi_request *request, cgi_getenv_fn getenv,
		       void *user);
void cgi_request_free(struct cgi_request *request);

/* The value of the first parameter called name, or NULL. Borrowed. */
const char *cgi_param(const struct cgi_request *request, const char *name);

struct cgi_header {
	char *name, *value;
};

struct cgi_response {
	int status;
	struct cgi_header *headers;	/* in the order to write them */
	size_t header_count;
	char *body;			/* the whole body (also for HEAD) */
	size_t body_length;
};

/* Adds a header; name and value are copied. A header whose name or value
 * holds a control character is dropped (it could split the response);
 * returns 0, or -1 when dropped. */
int cgi_response_header(struct cgi_response *response, const char *name,
			const char *value);

/* The first value of header name (case-insensitive), or NULL. Borrowed. */
const char *cgi_response_get(const struct cgi_response *response,
			     const char *name);
void cgi_response_free(struct cgi_response *response);

/* What every request needs: the open database and the stored theme. */
struct cgi_site {
	sqlite3 *db;		/* NULL when it could not be opened */
	struct themestore store;	/* store.theme NULL when unusable */
	char *problem;		/* why the site is unusable (for the log), or
				 * NULL */
};

/* How long a request waits for a lock on kb.db that someone holds. */
#define CGI_BUSY_TIMEOUT_MS 250

/* Opens path read-only with normal locking (a request waits at most
 * CGI_BUSY_TIMEOUT_MS for a lock; a path that is not a regular file, a
 * FIFO say, is refused without waiting) and loads the stored theme, whose
 * cgi_url must pass cgiurl_base_valid. Never fails: an unusable database leaves site->db or
 * site->store.theme NULL and says why in site->problem; requests are then
 * answered 503. Release with cgi_site_close. */
void cgi_site_open(struct cgi_site *site, const char *path);
void cgi_site_close(struct cgi_site *site);

/* Answers request into *response (zeroed first; release it with
 * cgi_response_free). Every response has Content-Type, Cache-Control,
 * Content-Security-Policy, X-Content-Type-Options and Referrer-Policy. */
void cgi_handle(const struct cgi_site *site, const struct cgi_request *request,
		struct cgi_response *response);

/*
 * For the route modules (cgisearch.c, cgiwizard.c).
 */

/* kb.cgi's public URL without a trailing '/': the site's cgi_url (checked
 * when kb.db was opened), else the request's SCRIPT_NAME when it is empty
 * or a plain path (cgiurl.h); NULL when it is not, and cgi_handle answers
 * such a request 400 before any route runs. The caller frees. */
char *cgi_base_url(const struct cgi_site *site,
		   const struct cgi_request *request);

/* A page of the stored theme for kb.cgi's own pages: not for search
 * engines (robots noindex), with the CGI's stylesheet. The caller hands
 * it to cgi_respond_page. */
struct page *cgi_page_new(const struct cgi_site *site, const char *title);

/* Serializes page as the HTML body with status and frees it. */
void cgi_respond_page(struct cgi_response *response, int status,
		      struct page *page);

/* A themed page for error (or, without a theme, a plain one). */
void cgi_respond_error(const struct cgi_site *site, int error,
		       struct cgi_response *response);

/* A 303 to location, a URL built on cgi_base_url: percent-encoded and
 * checked to be same-site (cgiurl_location); a 500 page when it is not. */
void cgi_respond_redirect(const struct cgi_site *site,
			  const struct cgi_request *request,
			  struct cgi_response *response, const char *location);

#endif
