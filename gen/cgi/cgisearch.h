/*
 * cgisearch.h — kb.cgi's search routes: the themed results page and the
 * same results as JSON for the instant search in kb.js.
 *
 * JSON (application/json):
 *   {"query": "...", "total": N, "page": P, "per_page": 10,
 *    "results": [{"url": "/x/#heading", "title": "...", "heading": "..."
 *                 or null, "snippet": "plain text",
 *                 "snippet_parts": ["plain", "marked", "plain", ...]}]}
 * snippet_parts alternates text outside and inside the highlights, so a
 * script can build text nodes and <mark> elements without parsing HTML.
 * The strings are written by base/json.h ('<', '>', '&' and U+2028/9 as
 * \u escapes).
 */
#ifndef KB_CGISEARCH_H
#define KB_CGISEARCH_H

#include <stdbool.h>
#include <stddef.h>

#include "cgi/request.h"
#include "cgi/response.h"

/* GET /search: query (validated; NULL when none was given; NULL, empty
 * or blank shows the search page itself) and the 1-based page number.
 * Fills *response. */
void cgisearch_page(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, struct cgi_response *response);

/* GET /search.json, as cgisearch_page. */
void cgisearch_json(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, struct cgi_response *response);

/* A JSON error body {"error": "..."} with error's status. */
void cgisearch_json_error(int error, struct cgi_response *response);

#endif
