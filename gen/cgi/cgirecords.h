/*
 * cgirecords.h — kb.cgi's record checker routes (content/records.h):
 * GET /records?spf=...&dkim=...&dmarc=... as a themed page (the results,
 * then the form filled with what was asked, to fix and check again: the
 * first two spf values, the dkim and the dmarc), and
 * GET /records.json as records_format_json's object. Each spf value may
 * hold several records, one a line (as `dig +short TXT` prints them);
 * dkim and dmarc one record each, their line breaks read as the folding
 * spaces tag lists allow. The service's include: is the spf_include kb.db
 * stores.
 *
 * Live mode, when site.yaml's records_live is on (kb.db's theme says so,
 * the feedback database is open and the resolver was opened before the
 * sandbox): domain=D (and selector=S) looks D's records up
 * (content/records_live.h) within CGIRECORDS_LIVE_BUDGET_MS, counted
 * against the hourly limits in the feedback database. Refused as 403
 * when live mode is off, 400 for a domain or selector that is not one,
 * 429 with Retry-After over a limit, 503 when the count fails.
 */
#ifndef KB_CGIRECORDS_H
#define KB_CGIRECORDS_H

#include <stdbool.h>

#include "cgi/request.h"
#include "cgi/response.h"

/* The time one live check may take: under kb.cgi's time limit
 * (SANDBOX_TIME_LIMIT_DEFAULT, 5 s) with room for the answer. */
#define CGIRECORDS_LIVE_BUDGET_MS 3000

/* A record field's value: at most RECORDS_TEXT_MAX bytes, no control
 * characters but tab, CR and LF (C1 controls included). A validator for
 * cgi_validate. */
enum cgi_error cgirecords_check_field(const char *name, const char *value);

/* GET /records with fields, the request's parameters that passed
 * cgirecords_check_field (every spf, the first dkim and dmarc are read).
 * No record at all shows the form alone. Fills *response (400 when there
 * are more than RECORDS_MAX records). */
void cgirecords_page(const struct cgi_site *site,
		     const struct cgi_request *request,
		     const struct cgi_fields *fields,
		     struct cgi_response *response);

/* GET /records.json, as cgirecords_page; a refused live lookup is
 * {"error": "live-off" | "bad-domain" | "bad-selector" | "limited" |
 * "unavailable"} (with "retry_after" seconds when limited). */
void cgirecords_json(const struct cgi_site *site,
		     const struct cgi_request *request,
		     const struct cgi_fields *fields,
		     struct cgi_response *response);

/* True when live lookups can be made: kb.db turns them on, the feedback
 * database (which counts them) and the resolver are open. */
bool cgirecords_live_on(const struct cgi_site *site);

/* A JSON error body {"error": "..."} with error's status. */
void cgirecords_json_error(int error, struct cgi_response *response);

#endif
