/*
 * fuzz_url.c — libFuzzer harness for the URLs kb.cgi writes
 * (gen/base/cgiurl.h) and the base it builds them on (cgi_base_url).
 *
 * Input: SCRIPT_NAME, cgi_url and a redirect target separated by '\n';
 * a NUL ends the input, since no environment variable can hold one. The
 * promises kept, or the harness aborts (a crash for libFuzzer):
 *   - a plain path starts with one '/' and holds only printable ASCII
 *     without space, '?', '#' or '\';
 *   - a valid cgi_url is a plain path or an http(s) URL of printable
 *     ASCII;
 *   - cgi_base_url is NULL only for a SCRIPT_NAME that is neither empty
 *     nor plain, with no cgi_url to use instead;
 *   - a Location is printable ASCII without space, '#', '"', '<', '>' or
 *     '\', and same-site: a path starting with one '/', or on the
 *     cgi_url's own origin;
 *   - a wizard URL built on a usable base is always a Location, unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi/cgi.h"
#include "base/cgiurl.h"
#include "base/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool printable_ascii(const char *text, const char *forbidden)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++)
		if (*c <= 0x20 || *c >= 0x7F || strchr(forbidden, *c) != NULL)
			return false;
	return true;
}

static void check_location(const char *target, const char *base,
			   bool must_pass)
{
	char *location = cgiurl_location(target, base);

	if (location == NULL) {
		if (must_pass)
			abort();
		return;
	}
	if (!printable_ascii(location, "#\"<>\\^`{|}"))
		abort();
	if (location[0] == '/') {
		if (location[1] == '/')
			abort();
	} else {
		const char *host = strstr(base, "://");
		const char *end;
		size_t origin;
		if (host == NULL || strncmp(base, "http", 4) != 0)
			abort();
		end = strchr(host + 3, '/');
		origin = end ? (size_t)(end - base) : strlen(base);
		if (strncmp(location, base, origin) != 0 ||
		    (location[origin] != '/' && location[origin] != '\0'))
			abort();
	}
	if (must_pass && strcmp(location, target) != 0)
		abort();
	free(location);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = xstrndup((const char *)data, size);
	char *script = text, *cgi_url = "", *target = "", *newline;
	struct cgi_site site;
	struct cgi_request request;
	char *base;

	if ((newline = strchr(script, '\n')) != NULL) {
		*newline = '\0';
		cgi_url = newline + 1;
		if ((newline = strchr(cgi_url, '\n')) != NULL) {
			*newline = '\0';
			target = newline + 1;
		}
	}
	if (cgiurl_plain_path(script) &&
	    (script[1] == '/' || !printable_ascii(script, "?#\\")))
		abort();
	if (cgiurl_base_valid(cgi_url, NULL) &&
	    (!printable_ascii(cgi_url, "?#\\") ||
	     (cgi_url[0] == '/' ? cgi_url[1] == '/'
			       : strncmp(cgi_url, "http", 4) != 0)))
		abort();

	memset(&site, 0, sizeof site);
	memset(&request, 0, sizeof request);
	site.store.cgi_url = cgiurl_base_valid(cgi_url, NULL) ? cgi_url : "";
	request.script_name = script;
	base = cgi_base_url(&site, &request);
	if (base == NULL && (*site.store.cgi_url != '\0' || *script == '\0' ||
			     cgiurl_plain_path(script)))
		abort();
	check_location(target, site.store.cgi_url, false);
	if (base != NULL) {
		char *url = xasprintf("%s/wizard/mail-not-arriving/check-spam"
				      "?delivery-error-shown=no", base);
		check_location(url, site.store.cgi_url, *base != '\0');
		free(url);
		free(base);
	}
	free(text);
	return 0;
}
