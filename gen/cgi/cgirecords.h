/*
 * cgirecords.h — kb.cgi's record checker routes (content/records.h):
 * GET /records?spf=...&dkim=...&dmarc=... as a themed page (the results,
 * then the form filled with what was asked, to fix and check again: the
 * first two spf values, the dkim and the dmarc), and
 * GET /records.json as records_format_json's object. Each spf value may
 * hold several records, one a line (as `dig +short TXT` prints them);
 * dkim and dmarc one record each, their line breaks read as the folding
 * spaces tag lists allow. The service's include: is the spf_include kb.db
 * stores. Paste mode only: nothing is looked up in DNS.
 */
#ifndef KB_CGIRECORDS_H
#define KB_CGIRECORDS_H

#include "cgi/request.h"
#include "cgi/response.h"

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

/* GET /records.json, as cgirecords_page. */
void cgirecords_json(const struct cgi_site *site,
		     const struct cgi_fields *fields,
		     struct cgi_response *response);

/* A JSON error body {"error": "..."} with error's status. */
void cgirecords_json_error(int error, struct cgi_response *response);

#endif
