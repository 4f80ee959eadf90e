/*
 * cgiurl.c — checks and encoding of the URLs kb.cgi writes (see cgiurl.h).
 */
#include "base/cgiurl.h"

#include <string.h>

#include "base/util.h"

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

/* RFC 3986 pchar without pct-encoded, plus '/'. */
static bool is_path_char(char c)
{
	return is_alnum(c) || (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c));
}

bool cgiurl_plain_path(const char *path)
{
	if (path[0] != '/' || path[1] == '/')
		return false;
	for (const char *c = path; *c != '\0'; c++) {
		if (*c == '%') {
			if (!is_hex(c[1]) || !is_hex(c[2]))
				return false;
			c += 2;
		} else if (!is_path_char(*c)) {
			return false;
		}
	}
	/* no "." or ".." segment: a server or browser would fold it away
	 * and the URL would name another program */
	for (const char *segment = path; segment != NULL;
	     segment = strchr(segment + 1, '/')) {
		size_t length = strcspn(segment + 1, "/");
		if ((length == 1 && segment[1] == '.') ||
		    (length == 2 && segment[1] == '.' && segment[2] == '.'))
			return false;
	}
	return true;
}

/* Length of the "scheme://host[:port]" that starts url, or 0 when url
 * does not start with a valid one. */
static size_t origin_length(const char *url)
{
	const char *host, *at;

	if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else
		return 0;
	at = host;
	if (*at == '[') {
		for (at++; is_hex(*at) || *at == ':' || *at == '.'; at++)
			;
		if (*at != ']' || at == host + 1)
			return 0;
		at++;
	} else {
		for (; is_alnum(*at) || *at == '-' || *at == '.'; at++)
			;
		if (at == host || *host == '.' || *host == '-')
			return 0;
	}
	if (*at == ':') {
		const char *port = ++at;
		long value = 0;
		for (; *at >= '0' && *at <= '9' && value <= 65535; at++)
			value = value * 10 + (*at - '0');
		if (at == port || value > 65535)
			return 0;
	}
	if (*at != '\0' && *at != '/')
		return 0;
	return (size_t)(at - url);
}

bool cgiurl_base_valid(const char *url, const char **why)
{
	const char *path = url;
	const char *problem = NULL;

	if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0) {
		size_t length = origin_length(url);
		if (length == 0)
			problem = "its host must be a name, an IPv4 address or an "
				  "IPv6 address in brackets, with an optional "
				  ":port";
		path = url + length;
		if (problem == NULL && *path == '\0')
			return true;
	} else if (url[0] != '/' || url[1] == '/') {
		problem = "it must be a path starting with one '/' or an "
			  "http:// or https:// URL";
	}
	if (problem == NULL && !cgiurl_plain_path(path))
		problem = "its path may hold only letters, digits and "
			  "-._~!$&'()*+,;=:@/ or %XX, and no '.' or '..' "
			  "segment (no spaces, '?', '#' or non-ASCII "
			  "characters)";
	if (why != NULL)
		*why = problem;
	return problem == NULL;
}

/* Characters a Location may hold as they are: RFC 3986's unreserved,
 * reserved (without '#', which would end it in a fragment) and '%'. */
static bool is_url_char(unsigned char c)
{
	return is_alnum((char)c) ||
	       (c != '\0' && strchr("-._~:/?[]@!$&'()*+,;=%", c) != NULL);
}

char *cgiurl_location(const char *target, const char *base)
{
	struct buf out = {0};
	size_t origin = origin_length(base);
	const char *location;

	for (const unsigned char *c = (const unsigned char *)target; *c; c++) {
		if (is_url_char(*c) && (*c != '%' || (is_hex((char)c[1]) &&
						      is_hex((char)c[2]))))
			buf_addc(&out, (char)*c);
		else
			buf_printf(&out, "%%%02X", *c);
	}
	location = buf_cstr(&out);
	if (location[0] == '/' && location[1] != '/')
		return buf_detach(&out);
	if (origin > 0 && strncmp(location, base, origin) == 0 &&
	    origin_length(location) == origin)
		return buf_detach(&out);
	buf_free(&out);
	return NULL;
}
