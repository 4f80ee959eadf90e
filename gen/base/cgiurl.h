/*
 * cgiurl.h — the URLs kb.cgi puts in its answers: where it says it lives
 * (site.yaml's cgi_url, checked when the site is built and again when
 * kb.db is opened, or the server's SCRIPT_NAME) and the Location of its
 * redirects. Everything here is pure string work, fuzzed by
 * tests/fuzz/fuzz_url.c.
 *
 * A "plain path" is what a server's program path can sensibly be: it
 * starts with exactly one '/', holds only RFC 3986 path characters
 * (unreserved, sub-delims, ':', '@', '/', and '%' followed by two hex
 * digits) and no "." or ".." segment. Nothing in it can turn a URL built
 * on it into another host's ("//evil.example", "/\evil.example"), split a
 * header (CR, LF) or end the path early ('?', '#', a space).
 */
#ifndef KB_CGIURL_H
#define KB_CGIURL_H

#include <stdbool.h>

/* True when path is a plain path (above). "" is not one. */
bool cgiurl_plain_path(const char *path);

/* True when url may be a site's cgi_url: a plain path, or http:// or
 * https:// with a host name (letters, digits, '-', '.'), an IPv6 literal
 * in brackets or an IPv4 address, an optional :port, and then nothing or
 * a plain path. On false, *why (when given) says what is wrong, in words
 * for a diagnostic; static. */
bool cgiurl_base_valid(const char *url, const char **why);

/* The Location header for a redirect to target, a URL that kb.cgi built
 * on base (the site's cgi_url, or SCRIPT_NAME): every byte outside the
 * characters a URL may hold raw is percent-encoded (a space, '#', '"',
 * '<', '>', '\', '^', '`', '{', '|', '}', controls and every non-ASCII
 * byte), and the result is same-site: a path starting with one '/', or an
 * absolute URL with base's own scheme, host and port. NULL when target is
 * neither. The caller frees. */
char *cgiurl_location(const char *target, const char *base);

#endif
