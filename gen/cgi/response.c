/*
 * response.c — responses as data, status lines, the common headers, and
 * the pages, errors and redirects the routes answer with (see
 * response.h). Every page is built as DOM and serialized by one writer,
 * so no text reaches HTML unescaped.
 */
#include "cgi/response.h"

#include <libxml/HTMLtree.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/cgiurl.h"
#include "base/util.h"
#include "html/dom.h"
#include "html/htmlout.h"

/* Every answer may load only kb.cgi's own scripts, styles and images, and
 * may be framed by nobody: tests/cli/deploy.sh reads this to check what
 * real servers send. */
#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
	    "img-src 'self'; connect-src 'self'; form-action 'self'; "    \
	    "base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

/* ---- statuses ---------------------------------------------------------------- */

int cgi_error_status(int error)
{
	switch (error) {
	case CGI_OK:
		return 200;
	case CGI_NOT_FOUND:
		return 404;
	case CGI_METHOD:
		return 405;
	case CGI_TOO_LARGE:
	case CGI_BAD_UTF8:
	case CGI_NUL:
	case CGI_BAD_VALUE:
		return 400;
	case CGI_UNAVAILABLE:
		return 503;
	case CGI_TOO_BROAD:
		return 422;
	case CGI_PAYLOAD_TOO_LARGE:
		return 413;
	case CGI_UNSUPPORTED_TYPE:
		return 415;
	case CGI_LENGTH_REQUIRED:
		return 411;
	}
	return 500;
}

const char *cgi_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 303:
		return "See Other";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 411:
		return "Length Required";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 409:
		return "Conflict";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 503:
		return "Service Unavailable";
	}
	return "Internal Server Error";
}

/* ---- responses --------------------------------------------------------------- */

static bool has_control(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7F)
			return true;
	return false;
}

int cgi_response_header(struct cgi_response *response, const char *name,
			const char *value)
{
	if (has_control(name) || has_control(value) || *name == '\0' ||
	    strchr(name, ':') != NULL)
		return -1;
	response->headers = xrealloc(response->headers,
				     (response->header_count + 1) *
				     sizeof *response->headers);
	response->headers[response->header_count++] =
		(struct cgi_header){xstrdup(name), xstrdup(value)};
	return 0;
}

const char *cgi_response_get(const struct cgi_response *response,
			     const char *name)
{
	for (size_t i = 0; i < response->header_count; i++)
		if (strcasecmp(response->headers[i].name, name) == 0)
			return response->headers[i].value;
	return NULL;
}

void cgi_response_free(struct cgi_response *response)
{
	for (size_t i = 0; i < response->header_count; i++) {
		free(response->headers[i].name);
		free(response->headers[i].value);
	}
	free(response->headers);
	free(response->body);
	memset(response, 0, sizeof *response);
}

static void set_body(struct cgi_response *response, int status,
		     const char *content_type, char *body, size_t length)
{
	response->status = status;
	free(response->body);
	response->body = body;
	response->body_length = length;
	cgi_response_header(response, "Content-Type", content_type);
}

void cgi_respond_page(struct cgi_response *response, int status,
		      struct page *page)
{
	char *html;
	size_t length;

	page_render(page, &html, &length);
	page_free(page);
	set_body(response, status, "text/html; charset=utf-8", html, length);
}

void cgi_respond_redirect(const struct cgi_site *site,
			  const struct cgi_request *request,
			  struct cgi_response *response, const char *location)
{
	char *base = cgi_base_url(site, request);
	char *encoded = cgiurl_location(location, base ? base : "");

	if (encoded == NULL ||
	    cgi_response_header(response, "Location", encoded) != 0) {
		/* Never happens with a checked base and ids checked as slugs;
		 * no redirect is better than one to elsewhere. */
		cgi_respond_error(site, CGI_INTERNAL, response);
	} else {
		response->status = 303;
		set_body(response, response->status, "text/plain; charset=utf-8",
			 xstrdup(""), 0);
	}
	free(encoded);
	free(base);
}

/* Error pages for when there is no theme: the database is missing or
 * unusable. Built as DOM like every other page, in both languages since
 * the site's is unknown. */
static void respond_plain(struct cgi_response *response, int status)
{
	htmlDocPtr document = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr html, head, body;
	struct buf out = {0};
	size_t length;
	char *title = xasprintf("%d %s", status, cgi_status_text(status));

	if (document == NULL)
		out_of_memory();	/* its one way to fail */
	xmlCreateIntSubset(document, BAD_CAST "html", NULL, NULL);
	html = xmlNewDocNode(document, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(document, html);
	dom_set(html, "lang", "en");
	head = dom_element(html, "head", NULL);
	dom_set(dom_element(head, "meta", NULL), "charset", "utf-8");
	dom_text_element(head, "title", NULL, title);
	body = dom_element(html, "body", NULL);
	dom_text_element(body, "h1", NULL, title);
	if (status >= 500) {
		dom_text_element(body, "p", NULL, "The knowledge base is not "
				 "available right now. Please try again in a "
				 "moment.");
		dom_set(dom_text_element(body, "p", NULL,
					 "ただいまご利用いただけません。"
					 "しばらくしてからもう一度お試しください。"),
			"lang", "ja");
	}
	htmlout_node(&out, (xmlNodePtr)document, NULL, NULL);
	length = out.length;
	set_body(response, status, "text/html; charset=utf-8",
		 buf_detach(&out), length);
	xmlFreeDoc(document);
	free(title);
}

/* <meta name="robots" content="noindex"> */
static void add_noindex(struct page *page)
{
	xmlNodePtr element = dom_element(page_head(page), "meta", NULL);

	dom_set(element, "name", "robots");
	dom_set(element, "content", "noindex");
}

/* The CGI's stylesheet, after the theme's. */
static void add_stylesheet(const struct cgi_site *site, struct page *page)
{
	xmlNodePtr element = dom_element(page_head(page), "link", NULL);
	char *css = theme_url(site->store.theme, "static/cgi.css");

	dom_set(element, "rel", "stylesheet");
	dom_set(element, "href", css);
	free(css);
}

struct page *cgi_page_new(const struct cgi_site *site, const char *title)
{
	struct page *page = page_new(site->store.theme, title, NULL);

	add_noindex(page);
	add_stylesheet(site, page);
	return page;
}

struct page *cgi_page_new_canonical(const struct cgi_site *site,
				    const char *title, const char *description,
				    const char *canonical_path)
{
	const char *base = site->store.base_url;
	struct page *page = page_new(site->store.theme, title, description);
	xmlNodePtr element;
	char *canonical;

	if (base == NULL || (strncmp(base, "http://", 7) != 0 &&
			     strncmp(base, "https://", 8) != 0) ||
	    base[strlen(base) - 1] != '/') {
		add_noindex(page);
		add_stylesheet(site, page);
		return page;
	}
	canonical = xasprintf("%s%s", base, canonical_path);
	element = dom_element(page_head(page), "link", NULL);
	dom_set(element, "rel", "canonical");
	dom_set(element, "href", canonical);
	free(canonical);
	add_stylesheet(site, page);
	return page;
}

static const char *error_key(int error, bool body)
{
	switch (cgi_error_status(error)) {
	case 404:
		return body ? "not-found-body" : "not-found-title";
	case 405:
		return body ? "method-body" : "method-title";
	case 411:
	case 413:
		return body ? "too-large-body" : "too-large-title";
	case 415:
		return body ? "unsupported-type-body" : "unsupported-type-title";
	case 400:
		return body ? "bad-request-body" : "bad-request-title";
	case 422:
		return body ? "too-broad-body" : "too-broad-title";
	}
	return body ? "server-error-body" : "server-error-title";
}

void cgi_respond_error(const struct cgi_site *site, int error,
		       struct cgi_response *response)
{
	const struct theme *theme = site->store.theme;
	const char *title;
	struct page *page;
	xmlNodePtr main, list;
	char *home, *search;

	if (theme == NULL) {
		respond_plain(response, cgi_error_status(error));
		return;
	}
	title = theme_text(theme, error_key(error, false));
	page = cgi_page_new(site, title);
	main = page_main(page);
	home = theme_url(theme, "");
	search = theme_url(theme, "search/");
	dom_text_element(main, "h1", NULL, title);
	dom_text_element(main, "p", NULL, theme_text(theme, error_key(error, true)));
	list = dom_element(main, "ul", "wizard-actions");
	dom_link(dom_element(list, "li", NULL), home, theme_text(theme, "home"));
	dom_link(dom_element(list, "li", NULL), search,
		 theme_text(theme, "search-title"));
	cgi_respond_page(response, cgi_error_status(error), page);
	free(search);
	free(home);
}

/* Headers every response carries, and how long it may be cached: the
 * answers change only when the site is rebuilt. */
void cgi_response_add_common_headers(struct cgi_response *response)
{
	const char *cache = "no-store";

	if (response->status == 200 || response->status == 303)
		cache = "public, max-age=300";
	else if (response->status == 404)
		cache = "public, max-age=60";
	/* a route that answers from what a visitor sent (a bounce) says
	 * no-store itself */
	if (cgi_response_get(response, "Cache-Control") == NULL)
		cgi_response_header(response, "Cache-Control", cache);
	cgi_response_header(response, "Content-Security-Policy", CSP);
	cgi_response_header(response, "X-Content-Type-Options", "nosniff");
	cgi_response_header(response, "Referrer-Policy", "same-origin");
	cgi_response_header(response, "X-Frame-Options", "DENY");
}

/* ---- kb.cgi's URL ------------------------------------------------------------- */

char *cgi_base_url(const struct cgi_site *site,
		   const struct cgi_request *request)
{
	const char *url = site->store.cgi_url;
	size_t length;

	if (url == NULL || *url == '\0') {
		url = request->script_name;
		if (*url != '\0' && !cgiurl_plain_path(url))
			return NULL;
	}
	length = strlen(url);
	while (length > 0 && url[length - 1] == '/')
		length--;
	return xstrndup(url, length);
}

