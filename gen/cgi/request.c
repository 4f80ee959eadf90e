/*
 * request.c — a CGI/1.1 request: reading it through the environment hook,
 * form decoding, the checks every route needs, and the declarative
 * validators and query cleaning the routes use (see request.h).
 */
#include "cgi/request.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
	case CGI_PAYLOAD_TOO_LARGE:
		return "the text is too large";
	case CGI_UNSUPPORTED_TYPE:
		return "unsupported content type";
	case CGI_LENGTH_REQUIRED:
		return "length required";
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

/* CONTENT_LENGTH: decimal digits only (RFC 3875 4.1.2), at most
 * CGI_BODY_MAX_BYTES. */
static enum cgi_error content_length(const char *text, size_t *out)
{
	size_t value = 0;

	*out = 0;
	if (text == NULL || *text == '\0')
		return CGI_LENGTH_REQUIRED;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9')
			return CGI_BAD_VALUE;
		if (value > CGI_BODY_MAX_BYTES)
			return CGI_PAYLOAD_TOO_LARGE;	/* and no overflow */
		value = value * 10 + (size_t)(*c - '0');
	}
	if (value > CGI_BODY_MAX_BYTES)
		return CGI_PAYLOAD_TOO_LARGE;
	*out = value;
	return CGI_OK;
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
	else if (strcmp(request->method_name, "POST") == 0)
		request->method = CGI_POST;
	else
		request->method = CGI_OTHER;
	request->path_info = env_copy(getenv, user, "PATH_INFO");
	request->script_name = env_copy(getenv, user, "SCRIPT_NAME");
	request->query_string = env_copy(getenv, user, "QUERY_STRING");
	request->content_type = env_copy(getenv, user, "CONTENT_TYPE");
	request->origin = env_copy(getenv, user, "HTTP_ORIGIN");
	request->fetch_site = env_copy(getenv, user, "HTTP_SEC_FETCH_SITE");
	request->host = env_copy(getenv, user, "HTTP_HOST");
	request->remote_addr = env_copy(getenv, user, "REMOTE_ADDR");
	{
		const char *https = getenv(user, "HTTPS");
		request->https = https != NULL && strcasecmp(https, "on") == 0;
	}
	if (request->method == CGI_POST)
		request->error = content_length(getenv(user, "CONTENT_LENGTH"),
						 &request->content_length);
	path_length = strlen(request->path_info);
	query_length = strlen(request->query_string);
	if (request->error != CGI_OK)
		;	/* the body's length, refused above */
	else if (path_length > CGI_PATH_MAX_BYTES ||
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
	for (size_t i = 0; i < request->form_count; i++) {
		free(request->form[i].name);
		free(request->form[i].value);
		free(request->form[i].filename);
	}
	free(request->form);
	free(request->content_type);
	free(request->origin);
	free(request->fetch_site);
	free(request->host);
	free(request->remote_addr);
	free(request->method_name);
	free(request->path_info);
	free(request->script_name);
	free(request->query_string);
	memset(request, 0, sizeof *request);
}

/* ---- POST bodies ------------------------------------------------------------- */

static void add_field(struct cgi_request *request, char *name, char *value,
		      size_t length, char *filename)
{
	if (*name == '\0' || request->form_count == 64) {
		free(name);
		free(value);
		free(filename);
		return;
	}
	request->form = xrealloc(request->form, (request->form_count + 1) *
				 sizeof *request->form);
	request->form[request->form_count++] = (struct cgi_form_field){
		name, value, filename, length};
}

static void parse_urlencoded(struct cgi_request *request, const char *body,
			     size_t length)
{
	size_t at = 0;

	while (at < length) {
		const char *amp = memchr(body + at, '&', length - at);
		size_t end = amp ? (size_t)(amp - body) : length;
		const char *equals = memchr(body + at, '=', end - at);
		size_t name_end = equals ? (size_t)(equals - body) : end;
		size_t name_length, value_length = 0;
		char *name = form_decode(body + at, name_end - at, &name_length);
		char *value = equals ? form_decode(equals + 1, end - name_end - 1,
						   &value_length)
				     : xstrdup("");

		if (memchr(name, '\0', name_length) != NULL) {
			free(name);
			free(value);
		} else {
			add_field(request, name, value, value_length, NULL);
		}
		at = end + 1;
	}
}

/* The value of parameter name in a header value ("form-data;
 * name=\"x\"; filename=\"y\""), unquoted, or NULL. The caller frees. */
static char *header_parameter(const char *value, size_t length, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n < length; i++) {
		if ((i == 0 || value[i - 1] == ' ' || value[i - 1] == ';' ||
		     value[i - 1] == '\t') &&
		    strncasecmp(value + i, name, n) == 0 && value[i + n] == '=') {
			size_t start = i + n + 1, end;
			if (start < length && value[start] == '"') {
				start++;
				end = start;
				while (end < length && value[end] != '"')
					end++;
			} else {
				end = start;
				while (end < length && value[end] != ';' &&
				       value[end] != ' ')
					end++;
			}
			return xstrndup(value + start, end - start);
		}
	}
	return NULL;
}

/* Finds needle (length n) in haystack[from, length); its offset, or
 * length. memmem is linear in glibc (two-way). */
static size_t find(const char *haystack, size_t length, size_t from,
		   const char *needle, size_t n)
{
	const char *hit = from <= length
				  ? memmem(haystack + from, length - from, needle, n)
				  : NULL;

	return hit ? (size_t)(hit - haystack) : length;
}

/* One part of a multipart/form-data body: its headers up to a blank line
 * (Content-Disposition names it), then its bytes. */
static void add_part(struct cgi_request *request, const char *part,
		     size_t length)
{
	size_t headers_end = find(part, length, 0, "\r\n\r\n", 4);
	size_t at = 0;
	char *name = NULL, *filename = NULL;

	if (headers_end == length)
		return;
	while (at < headers_end) {
		size_t end = find(part, headers_end, at, "\r\n", 2);
		if (end - at > 20 &&
		    strncasecmp(part + at, "Content-Disposition:", 20) == 0) {
			free(name);
			free(filename);
			name = header_parameter(part + at + 20, end - at - 20, "name");
			filename = header_parameter(part + at + 20, end - at - 20,
						    "filename");
		}
		at = end + 2;
	}
	if (name == NULL) {
		free(filename);
		return;
	}
	add_field(request, name, xstrndup(part + headers_end + 4,
					  length - headers_end - 4),
		  length - headers_end - 4, filename);
}

/* RFC 7578: parts between "--boundary" delimiters, each delimiter at the
 * start of a line (the CRLF before it belongs to it). */
static void parse_multipart(struct cgi_request *request, const char *body,
			    size_t length, const char *boundary)
{
	char *delimiter = xasprintf("\r\n--%s", boundary);
	size_t n = strlen(delimiter);
	size_t at;

	/* the first delimiter has no CRLF before it */
	if (length < n - 2 || memcmp(body, delimiter + 2, n - 2) != 0) {
		request->error = CGI_BAD_VALUE;
		free(delimiter);
		return;
	}
	at = n - 2;
	while (at + 2 <= length && memcmp(body + at, "--", 2) != 0) {
		size_t next;
		if (at + 2 > length || memcmp(body + at, "\r\n", 2) != 0)
			break;
		at += 2;
		next = find(body, length, at, delimiter, n);
		if (next == length)
			break;	/* no closing delimiter: the part is cut */
		add_part(request, body + at, next - at);
		at = next + n;
	}
	free(delimiter);
}

void cgi_request_set_body(struct cgi_request *request, const char *body,
			  size_t length)
{
	const char *type = request->content_type;
	size_t type_length = strcspn(type, ";");
	char *boundary;

	while (type_length > 0 && type[type_length - 1] == ' ')
		type_length--;
	if (request->error != CGI_OK)
		return;
	if (length != request->content_length) {
		request->error = CGI_BAD_VALUE;	/* a body cut short */
		return;
	}
	if (type_length == 33 &&
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) == 0) {
		parse_urlencoded(request, body, length);
		return;
	}
	if (type_length != 19 || strncasecmp(type, "multipart/form-data", 19) != 0) {
		request->error = CGI_UNSUPPORTED_TYPE;
		return;
	}
	boundary = header_parameter(type, strlen(type), "boundary");
	if (boundary == NULL || *boundary == '\0' || strlen(boundary) > 70)
		request->error = CGI_BAD_VALUE;
	else
		parse_multipart(request, body, length, boundary);
	free(boundary);
}

const struct cgi_form_field *cgi_form_field(const struct cgi_request *request,
					    const char *name)
{
	for (size_t i = 0; i < request->form_count; i++)
		if (strcmp(request->form[i].name, name) == 0 &&
		    request->form[i].length > 0)
			return &request->form[i];
	return NULL;
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

