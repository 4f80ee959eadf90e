/*
 * cgibounce.h — kb.cgi's bounce analyzer: POST <cgi_url>/bounce (a themed
 * page) and /bounce.json, reading the form field "text" (a pasted bounce)
 * or "file" (an uploaded .eml) with the rules stored in kb.db
 * (db/bouncestore.h). Every answer says Cache-Control: no-store: the
 * visitor's addresses are shown to the visitor only, and nothing of what
 * was sent is stored or logged.
 */
#ifndef KB_CGIBOUNCE_H
#define KB_CGIBOUNCE_H

#include "cgi/request.h"
#include "cgi/response.h"

/* The results page for the request's POST body. */
void cgibounce_page(const struct cgi_site *site,
		    const struct cgi_request *request,
		    struct cgi_response *response);

/* The same results as {"results": [...]} (content/bounce.h). */
void cgibounce_json(const struct cgi_site *site,
		    const struct cgi_request *request,
		    struct cgi_response *response);

/* An error on /bounce.json: {"error": "message"} with its status. */
void cgibounce_json_error(int error, struct cgi_response *response);

#endif
