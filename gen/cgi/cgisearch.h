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
 * '<', '>', '&' and U+2028/9 are written as \u escapes.
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

/* Calls visit for each run of a snippet as search_run makes it (escaped
 * text with <mark>…</mark>): the text decoded, marked true inside a
 * highlight. Anything but those tags and the five entities search.c
 * writes is taken as literal text, so nothing in a snippet can ever
 * become markup. Empty runs are skipped. */
void cgisearch_snippet_runs(const char *snippet_html,
			    void (*visit)(void *user, const char *text,
					  size_t length, bool marked),
			    void *user);

#endif
