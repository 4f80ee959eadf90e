/*
 * cgisearch.h — kb.cgi's search routes: the themed results page and the
 * same results as JSON for the instant search in kb.js.
 *
 * JSON (application/json):
 *   {"query": "...", "corrected": "..." or null, "total": N, "page": P,
 *    "per_page": 10,
 *    "results": [{"url": "/x/", "kind": "article" or "node",
 *                 "title": "...", "heading": "..." or null,
 *                 "snippet": "plain text",
 *                 "snippet_parts": ["plain", "marked", "plain", ...],
 *                 "sections": [{"url": "/x/#heading", "heading": "...",
 *                               "snippet": ..., "snippet_parts": [...]}]}]}
 * One result per article or node (total counts them), its best row's
 * heading and snippet, and up to SEARCH_MAX_SECTIONS more of its headed
 * rows, best first. corrected is the text searched when the words as
 * typed were corrected (search.h), null otherwise.
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
 * or blank shows the search page itself), the 1-based page number, and
 * exact: search the words as typed, never corrected. A corrected search
 * says so, with a link to the words as typed. Fills *response. */
void cgisearch_page(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, bool exact, struct cgi_response *response);

/* GET /search.json, as cgisearch_page. */
void cgisearch_json(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, bool exact, struct cgi_response *response);

/* A JSON error body {"error": "..."} with error's status. */
void cgisearch_json_error(int error, struct cgi_response *response);

#endif
