/*
 * cgisearch.c — search results as a themed page and as JSON (see
 * cgisearch.h). Every text reaches the page as a DOM text node; the
 * snippets' highlights become <mark> elements built here, never parsed
 * markup.
 */
#include "cgi/cgisearch.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html/dom.h"
#include "content/markdown.h"
#include "db/feedback.h"
#include "db/search.h"
#include "db/treestore.h"
#include "base/util.h"
#include "base/json.h"

/* Page numbers shown around the current one in the pagination. */
#define PAGINATION_SPAN 4

/* ---- snippets ---------------------------------------------------------------- */

/* A snippet's run as a text node, or a <mark> element holding one. */
static void add_run(void *user, const char *text, size_t length, bool marked)
{
	xmlNodePtr parent = user;
	char *copy = xstrndup(text, length);

	if (marked)
		dom_text_element(parent, "mark", NULL, copy);
	else
		dom_text(parent, copy);
	free(copy);
}

/* ---- URLs ------------------------------------------------------------------- */

/* text percent-encoded for a query string (unreserved characters kept). */
static void add_encoded(struct buf *out, const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c) != NULL)
			buf_addc(out, (char)*c);
		else
			buf_printf(out, "%%%02X", *c);
	}
}

/* <cgi>/search?q=...&page=N (no page part for the first), with exact=1
 * when the words are to be searched as typed. Caller frees. */
static char *search_url(const struct cgi_site *site,
			const struct cgi_request *request, const char *query,
			size_t page, bool exact)
{
	char *base = cgi_base_url(site, request);
	struct buf url = {0};

	buf_printf(&url, "%s/search?q=", base);
	add_encoded(&url, query);
	if (page > 1)
		buf_printf(&url, "&page=%zu", page);
	if (exact)
		buf_adds(&url, "&exact=1");
	free(base);
	return buf_detach(&url);
}

/* url with the anchor of a heading, when there is one. Caller frees. */
static char *anchored_url(const char *url, const char *anchor)
{
	if (anchor == NULL || *anchor == '\0')
		return xstrdup(url);
	return xasprintf("%s#%s", url, anchor);
}

/* ---- the page ------------------------------------------------------------------ */

struct search_page {
	const struct cgi_site *site;
	const struct cgi_request *request;
	const struct theme *theme;
	const char *query;	/* as typed */
	const char *shown;	/* what was searched: the correction, or query */
	bool exact;		/* no correction asked for */
	size_t page, page_count;
	struct search_results results;
	struct page *html;
	xmlNodePtr main;
};

static const char *ui(const struct search_page *search, const char *key)
{
	return theme_text(search->theme, key);
}

/* The visitor's text inside a bidi isolate (U+2068 FIRST STRONG
 * ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE), which works in <title> as
 * in the page, where <bdi> could not be used: whatever direction it
 * holds cannot reorder the words around it. */
#define ISOLATE_OPEN "\xE2\x81\xA8"
#define ISOLATE_CLOSE "\xE2\x81\xA9"

/* 「query」の検索結果 (prefix + query + suffix). Caller frees. */
static char *results_title(const struct search_page *search)
{
	return xasprintf("%s" ISOLATE_OPEN "%s" ISOLATE_CLOSE "%s",
			 ui(search, "search-results-prefix"), search->shown,
			 ui(search, "search-results-suffix"));
}

static void add_count(struct search_page *search)
{
	size_t from = (search->page - 1) * CGI_RESULTS_PER_PAGE + 1;
	size_t to = from + search->results.count - 1;
	struct buf text = {0};

	/* a broad query's total is a lower bound (search.h) */
	buf_printf(&text, "%zu%s", search->results.total,
		   ui(search, search->results.total_at_least
				      ? "search-count-at-least"
				      : "search-count-of"));
	if (search->results.count > 0)
		buf_printf(&text, "%zu%s%zu%s", from,
			   ui(search, "search-count-range"), to,
			   ui(search, "search-count-end"));
	dom_set(dom_text_element(search->main, "p", "meta search-count",
				 buf_cstr(&text)),
		"role", "status");
	buf_free(&text);
}

/* The sections under a result: links to their headings, with their
 * snippets. */
static void add_sections(xmlNodePtr item, const struct search_result *result)
{
	xmlNodePtr list;

	if (result->section_count == 0)
		return;
	list = dom_element(item, "ul", "result-sections");
	for (size_t i = 0; i < result->section_count; i++) {
		const struct search_section *section = &result->sections[i];
		xmlNodePtr entry = dom_element(list, "li", NULL);
		char *url = anchored_url(result->url, section->anchor);

		dom_link(entry, url, section->heading);
		if (section->snippet.length > 0)
			search_snippet_runs(&section->snippet, add_run,
					    dom_element(entry, "p", "snippet"));
		free(url);
	}
}

static void add_result(struct search_page *search, xmlNodePtr list,
		       const struct search_result *result)
{
	xmlNodePtr item = dom_element(list, "li", NULL);
	xmlNodePtr title = dom_element(item, "h2", "result-title");
	char *url = anchored_url(result->url, result->anchor);
	xmlNodePtr link = dom_link(title, url, result->title);

	if (result->heading != NULL && *result->heading != '\0') {
		char *heading = xasprintf("%s%s",
					  ui(search, "search-heading-separator"),
					  result->heading);
		dom_text_element(link, "span", "result-heading", heading);
		free(heading);
	}
	if (result->snippet.length > 0)
		search_snippet_runs(&result->snippet, add_run,
				    dom_element(item, "p", "snippet"));
	add_sections(item, result);
	free(url);
}

static void add_page_link(struct search_page *search, xmlNodePtr list,
			  size_t page, const char *label, const char *rel)
{
	xmlNodePtr item = dom_element(list, "li", NULL);
	char *url = search_url(search->site, search->request, search->query,
			       page, search->exact);
	xmlNodePtr link = dom_link(item, url, label);

	if (rel != NULL)
		dom_set(link, "rel", rel);
	if (page == search->page && rel == NULL)
		dom_set(link, "aria-current", "page");
	if (rel == NULL) {
		char *name = xasprintf("%s%zu", ui(search, "search-page-prefix"),
				       page);
		dom_set(link, "aria-label", name);
		free(name);
	}
	free(url);
}

static void add_pagination(struct search_page *search)
{
	size_t first, last;
	xmlNodePtr nav, list;

	if (search->page_count <= 1)
		return;
	nav = dom_element(search->main, "nav", "pagination-nav");
	dom_set(nav, "aria-label", ui(search, "search-pagination"));
	list = dom_element(nav, "ul", "pagination");
	first = search->page > PAGINATION_SPAN ? search->page - PAGINATION_SPAN : 1;
	last = search->page + PAGINATION_SPAN;
	if (last > search->page_count)
		last = search->page_count;
	if (search->page > 1 && search->page <= search->page_count)
		add_page_link(search, list, search->page - 1,
			      ui(search, "search-previous"), "prev");
	for (size_t page = first; page <= last; page++) {
		char *label = xasprintf("%zu", page);
		add_page_link(search, list, page, label, NULL);
		free(label);
	}
	if (search->page < search->page_count)
		add_page_link(search, list, search->page + 1,
			      ui(search, "search-next"), "next");
}

/* "Try the troubleshooters": the stored trees, as the home page lists
 * them. */
static void add_wizards(struct search_page *search)
{
	struct treestore_entry *entries = NULL;
	size_t count = 0;
	xmlNodePtr section, list;

	if (treestore_list(search->site->db, &entries, &count) != TREESTORE_OK ||
	    count == 0)
		goto out;
	section = dom_element(search->main, "section", "related");
	dom_set(section, "aria-labelledby", "kb-search-wizards");
	dom_set(dom_text_element(section, "h2", NULL,
				 ui(search, "search-wizards")),
		"id", "kb-search-wizards");
	list = dom_element(section, "ul", "card-list");
	for (size_t i = 0; i < count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);
		char *path = xasprintf("wizard/%s/", entries[i].id);
		char *url = theme_url(search->theme, path);

		dom_link(item, url, entries[i].title);
		if (entries[i].description != NULL && *entries[i].description)
			dom_text_element(item, "p", NULL, entries[i].description);
		free(url);
		free(path);
	}
out:
	treestore_entries_free(entries, count);
}

/* 「SPF」の検索結果を表示しています (「SFP」で検索): the second part a
 * link to the words as typed, searched without correction. */
static void add_correction(struct search_page *search)
{
	xmlNodePtr paragraph;
	char *text, *original, *url;

	if (search->results.corrected == NULL)
		return;
	paragraph = dom_element(search->main, "p", "search-corrected");
	text = xasprintf("%s" ISOLATE_OPEN "%s" ISOLATE_CLOSE "%s",
			 ui(search, "search-corrected-prefix"), search->shown,
			 ui(search, "search-corrected-suffix"));
	original = xasprintf("%s" ISOLATE_OPEN "%s" ISOLATE_CLOSE "%s",
			     ui(search, "search-original-prefix"),
			     search->query, ui(search, "search-original-suffix"));
	url = search_url(search->site, search->request, search->query, 1,
			 true);
	dom_text(paragraph, text);
	dom_text(paragraph, " ");
	dom_link(paragraph, url, original);
	free(url);
	free(original);
	free(text);
}

static void add_no_results(struct search_page *search)
{
	char *text = xasprintf("%s" ISOLATE_OPEN "%s" ISOLATE_CLOSE "%s",
			       ui(search, "search-empty-prefix"), search->query,
			       ui(search, "search-empty-suffix"));
	xmlNodePtr list;

	dom_set(dom_text_element(search->main, "p", "lead", text), "role",
		"status");
	dom_text_element(search->main, "p", NULL, ui(search, "search-tips"));
	list = dom_element(search->main, "ul", "search-tips");
	dom_text_element(list, "li", NULL, ui(search, "search-tip-words"));
	dom_text_element(list, "li", NULL, ui(search, "search-tip-kana"));
	dom_text_element(list, "li", NULL, ui(search, "search-tip-wizard"));
	add_wizards(search);
	free(text);
}

static void add_results(struct search_page *search)
{
	xmlNodePtr list;
	char *start;

	add_count(search);
	if (search->results.count == 0) {
		char *first = search_url(search->site, search->request,
					 search->query, 1, search->exact);
		xmlNodePtr paragraph = dom_element(search->main, "p", NULL);
		dom_text(paragraph, ui(search, "search-page-empty"));
		dom_text(paragraph, " ");
		dom_link(paragraph, first, ui(search, "search-page-first"));
		free(first);
	} else {
		list = dom_element(search->main, "ol", "search-results");
		start = xasprintf("%zu", (search->page - 1) *
				  CGI_RESULTS_PER_PAGE + 1);
		dom_set(list, "start", start);
		free(start);
		for (size_t i = 0; i < search->results.count; i++)
			add_result(search, list, &search->results.items[i]);
		/* kb.js tells kb.cgi when the visitor leaves without opening
		 * a result (the writers' "searches nobody opened") */
		if (search->site->feedback != NULL) {
			char *base = cgi_base_url(search->site, search->request);
			char *action = xasprintf("%s/feedback", base ? base : "");
			dom_set(list, "data-feedback-search", action);
			dom_set(list, "data-query", search->query);
			free(action);
			free(base);
		}
	}
	add_pagination(search);
}

/* Runs the query; 0, or the cgi_error to answer with. */
static int run_query(struct search_page *search)
{
	int rc = search_run_flags(search->site->db, search->query,
				  strlen(search->query), CGI_RESULTS_PER_PAGE,
				  (search->page - 1) * CGI_RESULTS_PER_PAGE,
				  search->exact ? SEARCH_NO_CORRECTION : 0,
				  SEARCH_BUDGET_MS, &search->results);

	size_t kept = 0;

	if (rc == SEARCH_TOO_LONG)
		return CGI_TOO_LARGE;
	if (rc == SEARCH_TOO_BROAD)
		return CGI_TOO_BROAD;
	if (rc != SEARCH_OK)
		return CGI_INTERNAL;
	/* URLs read from kb.db meet the policy of every URL written
	 * (markdown_url_is_safe), or their result is left out */
	for (size_t i = 0; i < search->results.count; i++) {
		struct search_result *result = &search->results.items[i];
		if (markdown_url_is_safe(result->url)) {
			search->results.items[kept++] = *result;
			continue;
		}
		search_result_clear(result);
	}
	search->results.count = kept;
	search->shown = search->results.corrected ? search->results.corrected
						  : search->query;
	search->page_count = (search->results.total + CGI_RESULTS_PER_PAGE - 1) /
			     CGI_RESULTS_PER_PAGE;
	if (search->page_count > CGI_PAGE_MAX)
		search->page_count = CGI_PAGE_MAX;
	return CGI_OK;
}

/* The search page with nothing asked yet. */
static void respond_empty(const struct cgi_site *site,
			  struct cgi_response *response)
{
	const struct theme *theme = site->store.theme;
	const char *title = theme_text(theme, "search-title");
	struct page *page = cgi_page_new(site, title);
	char *home = theme_url(theme, "");

	page_add_breadcrumb(page, home, theme_text(theme, "home"));
	page_add_breadcrumb(page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	dom_text_element(page_main(page), "p", NULL,
			 theme_text(theme, "search-lead"));
	cgi_respond_page(response, 200, page);
	free(home);
}

void cgisearch_page(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, bool exact, struct cgi_response *response)
{
	struct search_page search = {
		.site = site, .request = request, .theme = site->store.theme,
		.query = query, .shown = query, .exact = exact, .page = page,
	};
	char *title, *home;
	int error;

	if (query == NULL || query[strspn(query, " \t\r\n")] == '\0') {
		respond_empty(site, response);
		return;
	}
	error = run_query(&search);
	if (error != CGI_OK) {
		search_results_free(&search.results);
		cgi_respond_error(site, error, response);
		return;
	}
	title = results_title(&search);
	search.html = cgi_page_new(site, title);
	search.main = page_main(search.html);
	home = theme_url(search.theme, "");
	page_add_breadcrumb(search.html, home, ui(&search, "home"));
	page_add_breadcrumb(search.html, NULL, title);
	page_set_search_query(search.html, query);
	dom_text_element(search.main, "h1", NULL, title);
	add_correction(&search);
	if (search.results.total == 0) {
		add_no_results(&search);
		/* what customers look for and do not find, for the writers */
		if (site->feedback != NULL)
			(void)feedback_add_search(site->feedback, time(NULL), query,
						  "none", request->remote_addr,
						  CGIFEEDBACK_SEARCHES_PER_DAY);
	} else {
		add_results(&search);
	}
	cgi_respond_page(response, 200, search.html);
	search_results_free(&search.results);
	free(home);
	free(title);
}

/* ---- JSON -------------------------------------------------------------------- */

struct json_snippet {
	struct buf *out;
	bool marked;		/* the last part written was marked */
	size_t parts;
};

static void add_json_part(void *user, const char *text, size_t length,
			  bool marked)
{
	struct json_snippet *snippet = user;

	/* Parts alternate plain, marked, plain...: fill a missing one. */
	if (marked == snippet->marked) {
		if (snippet->parts++ > 0)
			buf_addc(snippet->out, ',');
		buf_adds(snippet->out, "\"\"");
	}
	if (snippet->parts++ > 0)
		buf_addc(snippet->out, ',');
	json_add_string(snippet->out, text, length);
	snippet->marked = marked;
}

/* "snippet": ..., "snippet_parts": [...] of one snippet. */
static void add_json_snippet(struct buf *out,
			     const struct search_snippet *snippet)
{
	struct buf parts = {0};
	struct json_snippet runs = {.out = &parts, .marked = true};

	search_snippet_runs(snippet, add_json_part, &runs);
	buf_adds(out, "\"snippet\":");
	json_add_string(out, snippet->text, snippet->length);
	buf_adds(out, ",\"snippet_parts\":[");
	buf_add(out, buf_cstr(&parts), parts.length);
	buf_adds(out, "]");
	buf_free(&parts);
}

static void add_json_result(struct buf *out, const struct search_result *result)
{
	buf_adds(out, "{\"url\":");
	json_add_text(out, result->url);
	buf_adds(out, ",\"kind\":");
	json_add_text(out, result->kind);
	buf_adds(out, ",\"title\":");
	json_add_text(out, result->title);
	buf_adds(out, ",\"heading\":");
	json_add_text(out, result->heading);
	buf_addc(out, ',');
	add_json_snippet(out, &result->snippet);
	buf_adds(out, ",\"sections\":[");
	for (size_t i = 0; i < result->section_count; i++) {
		const struct search_section *section = &result->sections[i];
		char *url = anchored_url(result->url, section->anchor);

		buf_adds(out, i > 0 ? ",{\"url\":" : "{\"url\":");
		json_add_text(out, url);
		buf_adds(out, ",\"heading\":");
		json_add_text(out, section->heading);
		buf_addc(out, ',');
		add_json_snippet(out, &section->snippet);
		buf_addc(out, '}');
		free(url);
	}
	buf_adds(out, "]}");
}

static void respond_json(struct cgi_response *response, int status,
			 struct buf *body)
{
	size_t length = body->length;

	response->status = status;
	response->body = buf_detach(body);
	response->body_length = length;
	cgi_response_header(response, "Content-Type",
			    "application/json; charset=utf-8");
}

void cgisearch_json_error(int error, struct cgi_response *response)
{
	struct buf body = {0};

	buf_adds(&body, "{\"error\":");
	json_add_text(&body, cgi_strerror(error));
	buf_adds(&body, "}\n");
	respond_json(response, cgi_error_status(error), &body);
}

void cgisearch_json(const struct cgi_site *site,
		    const struct cgi_request *request, const char *query,
		    size_t page, bool exact, struct cgi_response *response)
{
	struct search_page search = {
		.site = site, .request = request, .theme = site->store.theme,
		.query = query ? query : "", .exact = exact, .page = page,
	};
	struct buf body = {0};
	int error = run_query(&search);

	if (error != CGI_OK) {
		search_results_free(&search.results);
		cgisearch_json_error(error, response);
		return;
	}
	buf_adds(&body, "{\"query\":");
	json_add_text(&body, search.query);
	buf_adds(&body, ",\"corrected\":");
	json_add_text(&body, search.results.corrected);
	buf_printf(&body, ",\"total\":%zu,\"total_at_least\":%s,\"page\":%zu,"
		   "\"per_page\":%d,\"results\":[", search.results.total,
		   search.results.total_at_least ? "true" : "false", page,
		   CGI_RESULTS_PER_PAGE);
	for (size_t i = 0; i < search.results.count; i++) {
		if (i > 0)
			buf_addc(&body, ',');
		add_json_result(&body, &search.results.items[i]);
	}
	buf_adds(&body, "]}\n");
	respond_json(response, 200, &body);
	search_results_free(&search.results);
}
