/*
 * cgi.c — request parsing, validators, routing, responses (see cgi.h).
 *
 * Validation is declarative, as kcgi does it: each route lists the
 * parameters it reads with a pure check function and what to do when the
 * check fails (refuse the request, or drop the parameter); parameters no
 * rule names are ignored. The route functions then see only values that
 * passed.
 */
#include "cgi/cgi.h"

#include <libxml/HTMLtree.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "cgi/cgisearch.h"
#include "base/cgiurl.h"
#include "cgi/cgiwizard.h"
#include "base/diag.h"
#include "html/dom.h"
#include "html/htmlout.h"
#include "db/index.h"
#include "db/search.h"
#include "content/tree.h"
#include "base/util.h"

#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; " \
	    "img-src 'self'; connect-src 'self'; form-action 'self'; "    \
	    "base-uri 'none'; frame-ancestors 'none'; object-src 'none'"

/* ---- errors ------------------------------------------------------------------ */

const char *cgi_strerror(int error)
{
	switch (error) {
	case CGI_OK:
		return "success";
	case CGI_NOT_FOUND:
		return "no such page";
	case CGI_METHOD:
		return "method not allowed";
	case CGI_TOO_LARGE:
		return "request too large";
	case CGI_BAD_UTF8:
		return "not valid UTF-8";
	case CGI_NUL:
		return "NUL byte in the request";
	case CGI_BAD_VALUE:
		return "invalid parameter value";
	case CGI_UNAVAILABLE:
		return "the knowledge base is not available";
	case CGI_INTERNAL:
		return "internal error";
	case CGI_TOO_BROAD:
		return "the search is too broad: narrow it down";
	}
	return "unknown error";
}

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
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 422:
		return "Unprocessable Content";
	case 503:
		return "Service Unavailable";
	}
	return "Internal Server Error";
}

/* ---- requests ---------------------------------------------------------------- */

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* application/x-www-form-urlencoded decoding of length bytes: '+' is a
 * space, %XX a byte; a '%' not followed by two hex digits stays as it
 * is. The caller frees; *decoded_length excludes the terminating NUL
 * (the text may hold NUL bytes of its own). */
static char *form_decode(const char *text, size_t length,
			 size_t *decoded_length)
{
	char *out = xmalloc(length + 1);
	size_t n = 0;

	for (size_t i = 0; i < length; i++) {
		if (text[i] == '+') {
			out[n++] = ' ';
		} else if (text[i] == '%' && i + 2 < length &&
			   hex_value(text[i + 1]) >= 0 &&
			   hex_value(text[i + 2]) >= 0) {
			out[n++] = (char)(hex_value(text[i + 1]) * 16 +
					  hex_value(text[i + 2]));
			i += 2;
		} else {
			out[n++] = text[i];
		}
	}
	out[n] = '\0';
	*decoded_length = n;
	return out;
}

/* Decodes one part of the query string and checks what every parameter
 * must satisfy. */
static enum cgi_error decode_part(const char *text, size_t length, char **out)
{
	size_t decoded_length;

	*out = form_decode(text, length, &decoded_length);
	if (memchr(*out, '\0', decoded_length) != NULL)
		return CGI_NUL;
	if (!utf8_valid(*out, decoded_length, NULL))
		return CGI_BAD_UTF8;
	return CGI_OK;
}

static void add_param(struct cgi_request *request, const char *part,
		      size_t length)
{
	const char *equals = memchr(part, '=', length);
	size_t name_length = equals ? (size_t)(equals - part) : length;
	char *name = NULL, *value = NULL;
	enum cgi_error error;

	if (name_length == 0)
		return;		/* "&&" and "=x" carry nothing */
	error = decode_part(part, name_length, &name);
	if (error == CGI_OK)
		error = equals ? decode_part(equals + 1,
					     length - name_length - 1, &value)
			       : decode_part("", 0, &value);
	if (error != CGI_OK) {
		if (request->error == CGI_OK)
			request->error = error;
		free(name);
		free(value);
		return;
	}
	request->params = xrealloc(request->params, (request->param_count + 1) *
				   sizeof *request->params);
	request->params[request->param_count++] = (struct cgi_param){name, value};
}

static void parse_query(struct cgi_request *request)
{
	const char *at = request->query_string;

	while (*at != '\0' && request->error == CGI_OK) {
		size_t length = strcspn(at, "&");

		add_param(request, at, length);
		at += length;
		if (*at == '&')
			at++;
	}
}

static char *env_copy(cgi_getenv_fn getenv, void *user, const char *name)
{
	const char *value = getenv(user, name);

	return xstrdup(value ? value : "");
}

void cgi_request_parse(struct cgi_request *request, cgi_getenv_fn getenv,
		       void *user)
{
	size_t path_length, query_length;

	memset(request, 0, sizeof *request);
	request->method_name = env_copy(getenv, user, "REQUEST_METHOD");
	if (strcmp(request->method_name, "GET") == 0)
		request->method = CGI_GET;
	else if (strcmp(request->method_name, "HEAD") == 0)
		request->method = CGI_HEAD;
	else
		request->method = CGI_OTHER;
	request->path_info = env_copy(getenv, user, "PATH_INFO");
	request->script_name = env_copy(getenv, user, "SCRIPT_NAME");
	request->query_string = env_copy(getenv, user, "QUERY_STRING");
	path_length = strlen(request->path_info);
	query_length = strlen(request->query_string);
	if (path_length > CGI_PATH_MAX_BYTES ||
	    query_length > CGI_QUERY_MAX_BYTES)
		request->error = CGI_TOO_LARGE;
	else if (!utf8_valid(request->path_info, path_length, NULL))
		request->error = CGI_BAD_UTF8;
	if (request->error != CGI_OK) {
		request->query_string[0] = '\0';
		return;
	}
	parse_query(request);
}

void cgi_request_free(struct cgi_request *request)
{
	for (size_t i = 0; i < request->param_count; i++) {
		free(request->params[i].name);
		free(request->params[i].value);
	}
	free(request->params);
	free(request->method_name);
	free(request->path_info);
	free(request->script_name);
	free(request->query_string);
	memset(request, 0, sizeof *request);
}

const char *cgi_param(const struct cgi_request *request, const char *name)
{
	for (size_t i = 0; i < request->param_count; i++)
		if (strcmp(request->params[i].name, name) == 0)
			return request->params[i].value;
	return NULL;
}

/* ---- validators -------------------------------------------------------------- */

/* q: at most SEARCH_QUERY_MAX_CHARACTERS code points, no control
 * characters but tab, CR and LF (they have no place in a page). */
static enum cgi_error check_query(const char *name, const char *value)
{
	(void)name;
	if (utf8_count(value, strlen(value)) > SEARCH_QUERY_MAX_CHARACTERS)
		return CGI_TOO_LARGE;
	/* controls but the white space a paste brings: C0, DEL and C1
	 * (U+0080..U+009F, 0xC2 0x80..0x9F in UTF-8) */
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if ((*c < 0x20 && *c != '\t' && *c != '\r' && *c != '\n') ||
		    *c == 0x7F || (c[0] == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F))
			return CGI_BAD_VALUE;
	return CGI_OK;
}

/* page: empty (the first), or a decimal number 1..CGI_PAGE_MAX. */
static enum cgi_error check_page(const char *name, const char *value)
{
	size_t page = 0;

	(void)name;
	if (*value == '\0')
		return CGI_OK;
	for (const char *c = value; *c; c++) {
		if (*c < '0' || *c > '9' || c - value >= 4)
			return CGI_BAD_VALUE;
		page = page * 10 + (size_t)(*c - '0');
	}
	return page >= 1 && page <= CGI_PAGE_MAX ? CGI_OK : CGI_BAD_VALUE;
}

/* node=option: both must be ids, or the answer can match nothing. */
static enum cgi_error check_answer(const char *name, const char *value)
{
	return tree_id_valid(name) && tree_id_valid(value) ? CGI_OK : CGI_BAD_VALUE;
}

enum on_failure { REFUSE, DROP };

struct field_rule {
	const char *name;	/* NULL: any parameter */
	enum cgi_error (*check)(const char *name, const char *value);
	enum on_failure on_failure;
};

static const struct field_rule search_rules[] = {
	{"q", check_query, REFUSE},
	{"page", check_page, REFUSE},
	{NULL, NULL, REFUSE},
};

static const struct field_rule wizard_rules[] = {
	{NULL, check_answer, DROP},
};

struct fields {
	const struct cgi_param **items;
	size_t count;
};

/* Applies rules (rule_count of them) to every parameter; keeps those
 * that passed in *kept (pointers into request). Returns the first
 * refusal, or CGI_OK. */
static enum cgi_error validate(const struct cgi_request *request,
			       const struct field_rule *rules,
			       size_t rule_count, struct fields *kept)
{
	kept->items = xcalloc(request->param_count + 1, sizeof *kept->items);
	kept->count = 0;
	for (size_t i = 0; i < request->param_count; i++) {
		const struct cgi_param *param = &request->params[i];
		const struct field_rule *rule = NULL;
		enum cgi_error error;

		for (size_t r = 0; rule == NULL && r < rule_count; r++)
			if (rules[r].check != NULL &&
			    (rules[r].name == NULL ||
			     strcmp(rules[r].name, param->name) == 0))
				rule = &rules[r];
		if (rule == NULL)
			continue;
		error = rule->check(param->name, param->value);
		if (error == CGI_OK)
			kept->items[kept->count++] = param;
		else if (rule->on_failure == REFUSE)
			return error;
	}
	return CGI_OK;
}

static const char *field(const struct fields *fields, const char *name)
{
	for (size_t i = 0; i < fields->count; i++)
		if (strcmp(fields->items[i]->name, name) == 0)
			return fields->items[i]->value;
	return NULL;
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
		abort();
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

struct page *cgi_page_new(const struct cgi_site *site, const char *title)
{
	const struct theme *theme = site->store.theme;
	struct page *page = page_new(theme, title, NULL);
	xmlNodePtr head = page_head(page), element;
	char *css = theme_url(theme, "static/cgi.css");

	element = dom_element(head, "meta", NULL);
	dom_set(element, "name", "robots");
	dom_set(element, "content", "noindex");
	element = dom_element(head, "link", NULL);
	dom_set(element, "rel", "stylesheet");
	dom_set(element, "href", css);
	free(css);
	return page;
}

static const char *error_key(int error, bool body)
{
	switch (cgi_error_status(error)) {
	case 404:
		return body ? "not-found-body" : "not-found-title";
	case 405:
		return body ? "method-body" : "method-title";
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
static void add_common_headers(struct cgi_response *response)
{
	const char *cache = "no-store";

	if (response->status == 200 || response->status == 303)
		cache = "public, max-age=300";
	else if (response->status == 404)
		cache = "public, max-age=60";
	cgi_response_header(response, "Cache-Control", cache);
	cgi_response_header(response, "Content-Security-Policy", CSP);
	cgi_response_header(response, "X-Content-Type-Options", "nosniff");
	cgi_response_header(response, "Referrer-Policy", "same-origin");
	cgi_response_header(response, "X-Frame-Options", "DENY");
}

/* ---- the site ------------------------------------------------------------- */

/* "file:" URI of path for sqlite3_open_v2, read-only. Not immutable=1:
 * kb.db is ours to trust only while SQLite's locking says nobody writes
 * it, and an immutable reader would not look. */
static char *database_uri(const char *path)
{
	struct buf uri = {0};

	buf_adds(&uri, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c) != NULL)
			buf_addc(&uri, (char)*c);
		else
			buf_printf(&uri, "%%%02X", *c);
	}
	buf_adds(&uri, "?mode=ro");
	return buf_detach(&uri);
}

/* NULL when path is a regular file kb.cgi may open, else why not (for
 * the log; the caller frees). Opened without blocking: a FIFO or a
 * device as KB_DB would hold the request forever. */
static char *database_problem(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	char *problem = NULL;

	if (fd < 0)
		return xasprintf("cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0)
		problem = xasprintf("cannot open %s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		problem = xasprintf("cannot open %s: not a regular file", path);
	close(fd);
	return problem;
}

void cgi_site_open(struct cgi_site *site, const char *path)
{
	char *uri = database_uri(path);
	const char *why;
	int rc;

	memset(site, 0, sizeof *site);
	site->problem = database_problem(path);
	if (site->problem != NULL)
		goto out;
	/* A build replaces kb.db by renaming a new file over it, so nothing
	 * should hold its lock; whatever does (a writer by hand) makes the
	 * request wait CGI_BUSY_TIMEOUT_MS at most, then 503, rather than
	 * pile up processes behind it. */
	if (sqlite3_open_v2(uri, &site->db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(site->db, CGI_BUSY_TIMEOUT_MS) != SQLITE_OK ||
	    sqlite3_exec(site->db, "SELECT count(*) FROM sqlite_schema", NULL,
			 NULL, NULL) != SQLITE_OK) {
		site->problem = xasprintf("cannot open %s: %s", path,
					  site->db ? sqlite3_errmsg(site->db)
						   : "out of memory");
		sqlite3_close(site->db);
		site->db = NULL;
		goto out;
	}
	rc = themestore_load(site->db, &site->store);
	if (rc != THEMESTORE_OK) {
		site->problem = xasprintf("%s: %s", path, themestore_strerror(rc));
		themestore_free(&site->store);
	} else if (site->store.cgi_url != NULL && *site->store.cgi_url != '\0' &&
		   !cgiurl_base_valid(site->store.cgi_url, &why)) {
		site->problem = xasprintf("%s: the stored cgi_url '%s' is not "
					  "usable: %s", path,
					  site->store.cgi_url, why);
		themestore_free(&site->store);
	}
out:
	free(uri);
}

void cgi_site_close(struct cgi_site *site)
{
	themestore_free(&site->store);
	sqlite3_close(site->db);
	free(site->problem);
	memset(site, 0, sizeof *site);
}

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

/* ---- routing ------------------------------------------------------------------ */

/* Splits "/a/b/c" into at most max segments; a trailing '/' gives a last
 * empty segment. Returns the count, or max + 1 when there are more. */
static size_t split_path(const char *path, char **segments, size_t max)
{
	size_t count = 0;

	if (*path != '/')
		return max + 1;
	while (*path == '/') {
		size_t length = strcspn(path + 1, "/");

		if (count == max) {
			for (size_t i = 0; i < count; i++)
				free(segments[i]);
			return max + 1;
		}
		segments[count++] = xstrndup(path + 1, length);
		path += 1 + length;
	}
	return count;
}

/* True for what q may not carry into a page or the index: the white
 * space controls check_query lets through (tab, CR, LF), the bidi
 * formatting characters (an unclosed U+202E would reverse the rest of
 * the page's title), line and paragraph separators, and non-characters.
 * The other controls never get here: check_query refuses them. */
static bool unwanted_in_query(utf8proc_int32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C ||
	       c == 0x200E || c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069) || (c >= 0xFDD0 && c <= 0xFDEF) ||
	       (c & 0xFFFE) == 0xFFFE;
}

/* q with every unwanted character read as a space (a customer's pasted
 * text may hold a tab or a stray mark; refusing it would help nobody).
 * q is valid UTF-8 (cgi_request_parse checked). NULL for NULL; the caller
 * frees. */
static char *clean_query(const char *q)
{
	const utf8proc_uint8_t *at = (const utf8proc_uint8_t *)q;
	struct buf out = {0};

	if (q == NULL)
		return NULL;
	while (*at != '\0') {
		utf8proc_int32_t c;
		utf8proc_ssize_t length = utf8proc_iterate(at, -1, &c);
		if (length <= 0)
			break;		/* cannot happen after utf8_valid */
		if (unwanted_in_query(c))
			buf_addc(&out, ' ');
		else
			buf_add(&out, (const char *)at, (size_t)length);
		at += length;
	}
	return buf_detach(&out);
}

static void route_search(const struct cgi_site *site,
			 const struct cgi_request *request, bool json,
			 struct cgi_response *response)
{
	struct fields fields;
	enum cgi_error error = validate(request, search_rules,
					sizeof search_rules /
					sizeof *search_rules, &fields);
	const char *page_text = field(&fields, "page");
	size_t page = page_text && *page_text ? strtoul(page_text, NULL, 10) : 1;
	char *q = clean_query(field(&fields, "q"));

	if (error != CGI_OK && json)
		cgisearch_json_error(error, response);
	else if (error != CGI_OK)
		cgi_respond_error(site, error, response);
	else if (json)
		cgisearch_json(site, request, q, page, response);
	else
		cgisearch_page(site, request, q, page, response);
	free(q);
	free(fields.items);
}

static void route_wizard(const struct cgi_site *site,
			 const struct cgi_request *request, char **segments,
			 size_t count, struct cgi_response *response)
{
	struct fields fields;
	struct tree_answer *answers;

	if (count == 2 || (count == 3 && *segments[2] == '\0')) {
		cgiwizard_start(site, request, segments[1], response);
		return;
	}
	validate(request, wizard_rules, 1, &fields);
	answers = xcalloc(fields.count + 1, sizeof *answers);
	for (size_t i = 0; i < fields.count; i++)
		answers[i] = (struct tree_answer){fields.items[i]->name,
						  fields.items[i]->value};
	cgiwizard_step(site, request, segments[1], segments[2], answers,
		       fields.count, response);
	free(answers);
	free(fields.items);
}

static void route(const struct cgi_site *site, const struct cgi_request *request,
		  struct cgi_response *response)
{
	char *segments[3];
	size_t count = split_path(request->path_info, segments, 3);

	if (count == 1 && strcmp(segments[0], "search") == 0)
		route_search(site, request, false, response);
	else if (count == 1 && strcmp(segments[0], "search.json") == 0)
		route_search(site, request, true, response);
	else if (count >= 2 && count <= 3 && strcmp(segments[0], "wizard") == 0 &&
		 tree_id_valid(segments[1]) && (count == 2 || tree_id_valid(segments[2]) ||
					  *segments[2] == '\0'))
		route_wizard(site, request, segments, count, response);
	else
		cgi_respond_error(site, CGI_NOT_FOUND, response);
	for (size_t i = 0; count <= 3 && i < count; i++)
		free(segments[i]);
}

/* An error answered as its route answers: JSON on /search.json (the
 * instant results read every status as JSON), a themed page elsewhere. */
static void respond_error(const struct cgi_site *site,
			  const struct cgi_request *request, int error,
			  struct cgi_response *response)
{
	if (strcmp(request->path_info, "/search.json") == 0)
		cgisearch_json_error(error, response);
	else
		cgi_respond_error(site, error, response);
}

/* False when the URLs of the answer would be built on a SCRIPT_NAME that
 * is not a plain path ("//evil.example" would make every redirect leave
 * the site). */
static bool base_usable(const struct cgi_site *site,
			const struct cgi_request *request)
{
	char *base = cgi_base_url(site, request);
	bool usable = base != NULL;

	free(base);
	return usable;
}

void cgi_handle(const struct cgi_site *site, const struct cgi_request *request,
		struct cgi_response *response)
{
	memset(response, 0, sizeof *response);
	if (request->method == CGI_OTHER) {
		respond_error(site, request, CGI_METHOD, response);
		cgi_response_header(response, "Allow", "GET, HEAD");
	} else if (site->db == NULL || site->store.theme == NULL) {
		respond_error(site, request, CGI_UNAVAILABLE, response);
		cgi_response_header(response, "Retry-After", "10");
	} else if (request->error != CGI_OK) {
		respond_error(site, request, request->error, response);
	} else if (!base_usable(site, request)) {
		respond_error(site, request, CGI_BAD_VALUE, response);
	} else {
		route(site, request, response);
	}
	add_common_headers(response);
}
