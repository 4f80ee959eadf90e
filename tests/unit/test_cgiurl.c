/*
 * test_cgiurl.c — the URL checks kb.cgi relies on (gen/base/cgiurl.h): plain
 * paths for SCRIPT_NAME, cgi_url as site.yaml may give it, and the
 * Location of a redirect, percent-encoded and same-site.
 */
#include <stdlib.h>

#include "base/cgiurl.h"
#include "test.h"

static void check_location(const char *target, const char *base,
			   const char *expected, const char *what)
{
	char *location = cgiurl_location(target, base);

	if (expected == NULL)
		CHECK(location == NULL, what);
	else
		CHECK_STR(location, expected, what);
	free(location);
}

static void test_plain_path(void)
{
	CHECK(cgiurl_plain_path("/cgi-bin/kb.cgi"), "plain: /cgi-bin/kb.cgi");
	CHECK(cgiurl_plain_path("/"), "plain: /");
	CHECK(cgiurl_plain_path("/a/%E3%81%82/kb.cgi"), "plain: %XX kept");
	CHECK(!cgiurl_plain_path(""), "not plain: empty");
	CHECK(!cgiurl_plain_path("//evil.example"), "not plain: //host");
	CHECK(!cgiurl_plain_path("/\\evil.example"), "not plain: /\\host");
	CHECK(!cgiurl_plain_path("cgi-bin/kb.cgi"), "not plain: relative");
	CHECK(!cgiurl_plain_path("/cgi bin/kb.cgi"), "not plain: a space");
	CHECK(!cgiurl_plain_path("/kb.cgi?x"), "not plain: '?'");
	CHECK(!cgiurl_plain_path("/kb.cgi#x"), "not plain: '#'");
	CHECK(!cgiurl_plain_path("/kb.cgi\r\nSet-Cookie: a=b"),
	      "not plain: CR LF");
	CHECK(!cgiurl_plain_path("/ア/kb.cgi"), "not plain: raw non-ASCII");
	CHECK(!cgiurl_plain_path("/a/../kb.cgi"), "not plain: '..' segment");
	CHECK(!cgiurl_plain_path("/a/./kb.cgi"), "not plain: '.' segment");
	CHECK(!cgiurl_plain_path("/a/.."), "not plain: '..' at the end");
	CHECK(cgiurl_plain_path("/a/..b/.c"), "plain: dots inside a name");
	CHECK(!cgiurl_plain_path("/a%2"), "not plain: a cut %XX");
	CHECK(!cgiurl_plain_path("/a%zz"), "not plain: %zz");
}

static void test_base_valid(void)
{
	const char *why = NULL;

	CHECK(cgiurl_base_valid("/cgi-bin/kb.cgi", &why) && why == NULL,
	      "cgi_url: a path");
	CHECK(cgiurl_base_valid("https://kb.example.jp/cgi-bin/kb.cgi", NULL),
	      "cgi_url: https URL");
	CHECK(cgiurl_base_valid("http://127.0.0.1:8080/kb.cgi", NULL),
	      "cgi_url: IPv4 and port");
	CHECK(cgiurl_base_valid("http://[::1]:8080/kb.cgi", NULL),
	      "cgi_url: IPv6 literal");
	CHECK(cgiurl_base_valid("https://kb.example.jp", NULL),
	      "cgi_url: host alone");
	CHECK(!cgiurl_base_valid("//evil.example/kb.cgi", &why) &&
	      why != NULL && strstr(why, "one '/'") != NULL,
	      "cgi_url: //host refused, saying why");
	CHECK(!cgiurl_base_valid("javascript:alert(1)", NULL),
	      "cgi_url: javascript: refused");
	CHECK(!cgiurl_base_valid("ftp://kb.example.jp/kb.cgi", NULL),
	      "cgi_url: ftp refused");
	CHECK(!cgiurl_base_valid("https://user@kb.example.jp/", NULL),
	      "cgi_url: user info refused");
	CHECK(!cgiurl_base_valid("https://kb.example.jp:65536/", NULL),
	      "cgi_url: port 65536 refused");
	CHECK(!cgiurl_base_valid("https://kb.example.jp:99999999999999999999/",
				 NULL), "cgi_url: a huge port refused");
	CHECK(cgiurl_base_valid("https://kb.example.jp:8443/", NULL),
	      "cgi_url: port 8443");
	CHECK(!cgiurl_base_valid("https:///kb.cgi", NULL),
	      "cgi_url: no host refused");
	CHECK(!cgiurl_base_valid("https://kb.example.jp/a b", &why) &&
	      why != NULL && strstr(why, "no spaces") != NULL,
	      "cgi_url: a space in the path refused, saying why");
	CHECK(!cgiurl_base_valid("/kb.cgi?x=1", NULL), "cgi_url: a query refused");
	CHECK(!cgiurl_base_valid("", NULL), "cgi_url: empty is no URL");
}

static void test_location(void)
{
	check_location("/cgi-bin/kb.cgi/wizard/t/a?b=c&d=e", "/cgi-bin/kb.cgi",
		       "/cgi-bin/kb.cgi/wizard/t/a?b=c&d=e", "location: as it is");
	check_location("/a b/#x\"<>\\^`{|}", "", "/a%20b/%23x%22%3C%3E%5C%5E%60"
		       "%7B%7C%7D", "location: unsafe ASCII encoded");
	check_location("/ア", "", "/%E3%82%A2", "location: non-ASCII encoded");
	check_location("/a\r\nSet-Cookie: x", "", "/a%0D%0ASet-Cookie:%20x",
		       "location: CR LF encoded");
	check_location("/a%41%zz%", "", "/a%41%25zz%25",
		       "location: a stray '%' encoded, %XX kept");
	check_location("//evil.example/wizard/t/a", "", NULL,
		       "location: //host refused");
	check_location("/\\evil.example/", "", "/%5Cevil.example/",
		       "location: /\\host encoded to a path");
	check_location("wizard/t/a", "", NULL, "location: relative refused");
	check_location("https://kb.example.jp/kb.cgi/wizard/t/a",
		       "https://kb.example.jp/kb.cgi",
		       "https://kb.example.jp/kb.cgi/wizard/t/a",
		       "location: the site's own origin");
	check_location("https://kb.example.jp.evil/x",
		       "https://kb.example.jp/kb.cgi", NULL,
		       "location: a longer host refused");
	check_location("https://kb.example.jp:444/x",
		       "https://kb.example.jp/kb.cgi", NULL,
		       "location: another port refused");
	check_location("http://kb.example.jp/x", "https://kb.example.jp/kb.cgi",
		       NULL, "location: another scheme refused");
	check_location("https://evil.example/x", "/cgi-bin/kb.cgi", NULL,
		       "location: absolute with a path base refused");
	check_location("javascript:alert(1)", "", NULL,
		       "location: javascript: refused");
}

int main(void)
{
	TEST_SUITE("cgiurl");
	test_plain_path();
	test_base_valid();
	test_location();
	return TEST_EXIT();
}
