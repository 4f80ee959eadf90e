/*
 * request.c — a CGI/1.1 request: reading it through the environment hook,
 * form decoding, the checks every route needs, and the declarative
 * validators and query cleaning the routes use (see request.h).
 */
#include "cgi/request.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"
#include "content/tree.h"
#include "db/search.h"

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

/* ---- requests ---------------------------------------------------------------- */

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

/* The checks every route's rules are made of: pure functions of one
 * parameter, so a rule table is all a route needs to say. */

enum cgi_error cgi_check_query(const char *name, const char *value)
{
	(void)name;
	if (utf8_count(value, strlen(value)) > SEARCH_QUERY_MAX_CHARACTERS)
		return CGI_TOO_LARGE;
	/* controls but the white space a paste brings: C0, DEL and C1
	 * (U+0080..U+009F, 0xC2 0x80..0x9F in UTF-8); they have no place
	 * in a page */
	for (const unsigned char *c = (const unsigned char *)value; *c; c++)
		if ((*c < 0x20 && *c != '\t' && *c != '\r' && *c != '\n') ||
		    *c == 0x7F || (c[0] == 0xC2 && c[1] >= 0x80 && c[1] <= 0x9F))
			return CGI_BAD_VALUE;
	return CGI_OK;
}

enum cgi_error cgi_check_page(const char *name, const char *value)
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

/* An answer that is not two ids can match nothing in the tree. */
enum cgi_error cgi_check_answer(const char *name, const char *value)
{
	return tree_id_valid(name) && tree_id_valid(value) ? CGI_OK : CGI_BAD_VALUE;
}

enum cgi_error cgi_validate(const struct cgi_request *request,
			    const struct cgi_field_rule *rules,
			    size_t rule_count, struct cgi_fields *kept)
{
	kept->items = xcalloc(request->param_count + 1, sizeof *kept->items);
	kept->count = 0;
	for (size_t i = 0; i < request->param_count; i++) {
		const struct cgi_param *param = &request->params[i];
		const struct cgi_field_rule *rule = NULL;
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
		else if (rule->on_failure == CGI_REFUSE)
			return error;
	}
	return CGI_OK;
}

const char *cgi_field(const struct cgi_fields *fields, const char *name)
{
	for (size_t i = 0; i < fields->count; i++)
		if (strcmp(fields->items[i]->name, name) == 0)
			return fields->items[i]->value;
	return NULL;
}

/* ---- query cleaning ---------------------------------------------------------- */

/* True for what q may not carry into a page or the index: the white
 * space controls cgi_check_query lets through (tab, CR, LF), the bidi
 * formatting characters (an unclosed U+202E would reverse the rest of
 * the page's title), line and paragraph separators, and non-characters.
 * The other controls never get here: cgi_check_query refuses them. */
static bool unwanted_in_query(utf8proc_int32_t c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x061C ||
	       c == 0x200E || c == 0x200F || (c >= 0x2028 && c <= 0x202E) ||
	       (c >= 0x2066 && c <= 0x2069) || (c >= 0xFDD0 && c <= 0xFDEF) ||
	       (c & 0xFFFE) == 0xFFFE;
}

/* Unwanted characters become spaces rather than a refusal: a customer's
 * pasted text may hold a tab or a stray mark, and refusing it would help
 * nobody. q is valid UTF-8 (cgi_request_parse checked). */
char *cgi_query_clean(const char *q)
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

