/*
 * cgi.h — kb.cgi's request handling as pure computation: a request
 * (request.h) answered with a response (response.h) that the caller
 * writes. Nothing here reads stdin or writes anywhere; gen/main/kbcgi.c
 * does that, and the tests and the fuzzer call the same functions with
 * made-up environments. This is the top of gen/cgi/: it routes to the
 * route modules (cgisearch.h, cgiwizard.h), which never call back.
 *
 * Routes (PATH_INFO; everything else is a themed 404):
 *   /search?q=…&page=N        results page (HTML)
 *   /search.json?q=…&page=N   the same results as JSON
 *   /wizard/<tree>/<node>?<node>=<option>&…   one step of the walk
 *   /wizard/<tree>[/]         303 to the tree's first question
 *   POST /bounce, /bounce.json   the bounce analyzer (cgibounce.h)
 * Methods other than GET and HEAD get 405 with Allow (POST is taken by
 * the bounce routes only, and only POST is). A query string over
 * CGI_QUERY_MAX_BYTES, a PATH_INFO over CGI_PATH_MAX_BYTES or a q over
 * SEARCH_QUERY_MAX_CHARACTERS characters, invalid UTF-8 or a NUL byte
 * anywhere, or a parameter its validator refuses get a themed 400. Only
 * the server's own trouble (no database, a database that fails) gets a
 * 5xx.
 */
#ifndef KB_CGI_H
#define KB_CGI_H

#include <time.h>

#include "cgi/request.h"
#include "cgi/response.h"

/* How long a request waits for a lock on kb.db that someone holds. */
#define CGI_BUSY_TIMEOUT_MS 250

/* Opens path read-only with normal locking (a request waits at most
 * CGI_BUSY_TIMEOUT_MS for a lock; a path that is not a regular file, a
 * FIFO say, is refused without waiting) and loads the stored theme, whose
 * cgi_url must pass cgiurl_base_valid. Never fails: an unusable database
 * leaves site->db or site->store.theme NULL and says why in
 * site->problem; requests are then answered 503. The site owns all it
 * holds; release it with cgi_site_close. */
void cgi_site_open(struct cgi_site *site, const char *path);

/* Closes the database, frees the theme and the problem, zeroes *site. */
/* Opens the feedback database: path when not NULL (KB_FEEDBACK_DB),
 * else the one kb.db names (site.yaml's feedback.db); none named, no
 * feedback (and no form on kb.cgi's pages). now is the time the day's
 * key and the retention count from. Returns NULL, or why the named
 * database could not be opened (the caller logs and frees it; the site
 * then takes no feedback). Call before the sandbox. */
char *cgi_site_open_feedback(struct cgi_site *site, const char *path,
			     time_t now);

/* Opens the resolver of the record checker's live mode when kb.db turns
 * it on (site.yaml's records_live) and the feedback database, which
 * counts the lookups, is open: server "ADDRESS[@PORT]" when not NULL
 * (KB_RECORDS_DNS), else the system's (/etc/resolv.conf). Call after
 * cgi_site_open_feedback and before the sandbox, which must then allow
 * DNS (sandbox_allow_dns) when site->resolver is set. NULL, or why it
 * failed (live mode then stays off; the caller frees). */
char *cgi_site_open_resolver(struct cgi_site *site, const char *server);

void cgi_site_close(struct cgi_site *site);

/* Answers request into *response (zeroed first; the caller owns it and
 * releases it with cgi_response_free). Every response has Content-Type,
 * Cache-Control, Content-Security-Policy, X-Content-Type-Options and
 * Referrer-Policy. */
void cgi_handle(const struct cgi_site *site, const struct cgi_request *request,
		struct cgi_response *response);

#endif
