/*
 * cgifeedback.h — kb.cgi's POST <cgi_url>/feedback: a vote on an article
 * or a wizard outcome (page, kind, vote=yes|no), or the comment that
 * follows いいえ (vote_id, comment), stored in the feedback database
 * (db/feedback.h) and answered with a themed thank-you page that links
 * back, or JSON (format=json) for kb.js. Only from the site's own pages:
 * Sec-Fetch-Site, else Origin, must say so (403 otherwise).
 */
#ifndef KB_CGIFEEDBACK_H
#define KB_CGIFEEDBACK_H

#include <stdbool.h>

#include "cgi/request.h"
#include "cgi/response.h"

/* True when the request comes from a page of this site: Sec-Fetch-Site
 * is "same-origin", or without it Origin is the request's own origin
 * (scheme from HTTPS, HTTP_HOST) or the site's base_url's. Neither
 * header: false (every browser sends Origin with a POST). */
bool cgifeedback_same_origin(const struct cgi_site *site,
			     const struct cgi_request *request);

/* Answers POST /feedback (the caller checked the method). */
void cgifeedback_post(const struct cgi_site *site,
		      const struct cgi_request *request,
		      struct cgi_response *response);

#endif
