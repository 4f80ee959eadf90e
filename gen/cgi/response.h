/*
 * response.h — kb.cgi's answers as data: struct cgi_response (status,
 * headers, body) that the caller writes, HTTP status lines, the headers
 * every answer carries (the CSP among them), and what the routes build
 * their answers with: kb.cgi's own URL, themed pages, themed error pages
 * and same-site redirects. Nothing here writes anywhere.
 */
#ifndef KB_CGI_RESPONSE_H
#define KB_CGI_RESPONSE_H

#include <sqlite3.h>
#include <stddef.h>

#include "cgi/request.h"
#include "db/themestore.h"
#include "html/page.h"

/* The HTTP status a cgi_error is answered with (200 for CGI_OK). */
int cgi_error_status(int error);

/* The reason phrase of an HTTP status ("Not Found"); static. */
const char *cgi_status_text(int status);

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

/* Frees the headers and the body and zeroes *response. */
void cgi_response_free(struct cgi_response *response);

/* Adds what every answer carries, by its status: Cache-Control,
 * Content-Security-Policy, X-Content-Type-Options, Referrer-Policy and
 * X-Frame-Options. Call it once, after the status is final. */
void cgi_response_add_common_headers(struct cgi_response *response);

struct cgiwizard_cache;

/* What every answer is built from: the open database and the stored
 * theme. cgi_site_open (cgi.h) fills it; the routes only read it, but for
 * what they keep of kb.db in its caches (a FastCGI worker answers many
 * requests from one kb.db, which does not change while it is open). */
/* What one client may add to the feedback database in a day besides
 * votes: searches counted, wizard steps counted. */
#define CGIFEEDBACK_SEARCHES_PER_DAY 100
#define CGIFEEDBACK_STEPS_PER_DAY 500

struct records_resolver;

struct cgi_site {
	sqlite3 *db;		/* NULL when it could not be opened */
	struct themestore store;	/* store.theme NULL when unusable */
	char *problem;		/* why the site is unusable (for the log), or
				 * NULL */
	struct cgiwizard_cache *wizard;	/* the trees read (cgiwizard.h) */
	/* The feedback database (db/feedback.h) when site.yaml names one
	 * (or KB_FEEDBACK_DB does) and it opened: cgi_site_open_feedback */
	struct feedback *feedback;
	unsigned feedback_votes;	/* per client per page per day */
	/* The record checker's resolver, when live mode is on:
	 * cgi_site_open_resolver */
	struct records_resolver *resolver;
};

/* kb.cgi's public URL without a trailing '/': the site's cgi_url (checked
 * when kb.db was opened), else the request's SCRIPT_NAME when it is empty
 * or a plain path (cgiurl.h); NULL when it is not, and cgi_handle answers
 * such a request 400 before any route runs. The caller frees. */
char *cgi_base_url(const struct cgi_site *site,
		   const struct cgi_request *request);

/* A page of the stored theme for kb.cgi's own pages: not for search
 * engines (robots noindex), with the CGI's stylesheet. The caller owns it
 * and hands it to cgi_respond_page. */
struct page *cgi_page_new(const struct cgi_site *site, const char *title);

/* A page of the stored theme for a kb.cgi page that stands for a page of
 * the static site (a wizard step for its node page): with the meta
 * description and the CGI's stylesheet, and rel=canonical naming that
 * page's absolute URL, the site's base URL + canonical_path (given without
 * a leading '/'), for search engines to index instead. When kb.db has no
 * absolute base URL ending in '/', there is no URL to name: the page is
 * noindex, as cgi_page_new's. The caller owns it and hands it to
 * cgi_respond_page. */
struct page *cgi_page_new_canonical(const struct cgi_site *site,
				    const char *title, const char *description,
				    const char *canonical_path);

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
