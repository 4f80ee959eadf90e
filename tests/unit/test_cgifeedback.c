/*
 * test_cgifeedback.c — the feedback route's same-origin check
 * (cgifeedback_same_origin): which headers decide, and what counts as
 * this site's origin.
 */
#include <stdlib.h>
#include <string.h>

#include "cgi/cgifeedback.h"
#include "test.h"

static bool same(const char *fetch_site, const char *origin, const char *host,
		 bool https, const char *base_url)
{
	struct cgi_site site;
	struct cgi_request request;

	memset(&site, 0, sizeof site);
	memset(&request, 0, sizeof request);
	site.store.base_url = (char *)base_url;
	request.fetch_site = (char *)fetch_site;
	request.origin = (char *)origin;
	request.host = (char *)host;
	request.https = https;
	return cgifeedback_same_origin(&site, &request);
}

int main(void)
{
	TEST_SUITE("cgifeedback");
	CHECK(same("same-origin", "", "", false, NULL),
	      "Sec-Fetch-Site same-origin is enough");
	CHECK(!same("same-site", "http://kb.example.jp", "kb.example.jp", false, NULL),
	      "same-site (another subdomain) is not");
	CHECK(!same("cross-site", "http://kb.example.jp", "kb.example.jp", false, NULL),
	      "cross-site is refused whatever Origin says");
	CHECK(!same("none", "", "kb.example.jp", false, NULL),
	      "none (typed in the address bar) is no form post");
	CHECK(same("", "http://kb.example.jp", "kb.example.jp", false, NULL),
	      "no Sec-Fetch-Site: Origin equal to the request's own");
	CHECK(same("", "https://kb.example.jp", "kb.example.jp", true, NULL),
	      "over HTTPS");
	CHECK(!same("", "http://kb.example.jp", "kb.example.jp", true, NULL),
	      "the scheme counts");
	CHECK(!same("", "http://kb.example.jp:8080", "kb.example.jp", false, NULL),
	      "the port counts");
	CHECK(!same("", "http://kb.example.jp.evil.example", "kb.example.jp", false, NULL),
	      "a longer host is another site");
	CHECK(same("", "https://www.example.jp", "app.internal:9000", false,
		   "https://www.example.jp/kb/"),
	      "behind a proxy: the origin of the site's base_url");
	CHECK(!same("", "null", "kb.example.jp", false, "https://kb.example.jp/"),
	      "Origin null is refused");
	CHECK(!same("", "", "kb.example.jp", false, "https://kb.example.jp/"),
	      "neither header: refused");
	return TEST_EXIT();
}
