/*
 * test_cgi.c — kb.cgi's request handler driven with made-up CGI
 * environments (as kcgi's regression tests do), against a kb.db built
 * here with build_run() from the shipped content into a scratch folder:
 * request parsing and its limits, the validators and query cleaning on
 * their own, every route and every status, the headers of every
 * response, the wizard walk (redirects, stale and invalid answers,
 * Change links keeping later answers, the summary), escaping of hostile
 * input, and the trees and theme read back from kb.db (treestore,
 * themestore) compared with what the build loaded.
 *
 * Run from the repository root (tests/run does).
 */
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "cgi/cgi.h"
#include "cgi/cgisearch.h"
#include "base/diag.h"
#include "db/search.h"
#include "test.h"
#include "db/themestore.h"
#include "content/tree.h"
#include "db/treestore.h"
#include "base/util.h"
#include "html/wizardpage.h"

#define TREE "/wizard/mail-not-arriving/"
#define CGI "/cgi-bin/kb.cgi"

static struct cgi_site site;

/* ---- fake environments ------------------------------------------------------ */

struct env {
	const char *method, *path, *query, *script;
};

static const char *fake_getenv(void *user, const char *name)
{
	const struct env *env = user;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return env->method;
	if (strcmp(name, "PATH_INFO") == 0)
		return env->path;
	if (strcmp(name, "QUERY_STRING") == 0)
		return env->query;
	if (strcmp(name, "SCRIPT_NAME") == 0)
		return env->script;
	return NULL;
}

struct reply {
	struct cgi_response response;
	char *body;		/* NUL-terminated copy */
};

static void request_as(struct reply *reply, const char *method,
		       const char *path, const char *query, const char *script)
{
	struct env env = {method, path, query, script};
	struct cgi_request parsed;

	cgi_request_parse(&parsed, fake_getenv, &env);
	cgi_handle(&site, &parsed, &reply->response);
	reply->body = xstrndup(reply->response.body ? reply->response.body : "",
			       reply->response.body_length);
	cgi_request_free(&parsed);
}

static void request(struct reply *reply, const char *method, const char *path,
		    const char *query)
{
	request_as(reply, method, path, query, CGI);
}

static void get(struct reply *reply, const char *path, const char *query)
{
	request(reply, "GET", path, query);
}

static void reply_free(struct reply *reply)
{
	cgi_response_free(&reply->response);
	free(reply->body);
}

static const char *header(const struct reply *reply, const char *name)
{
	return cgi_response_get(&reply->response, name);
}

static bool contains(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t count = 0;

	for (const char *at = haystack ? strstr(haystack, needle) : NULL; at;
	     at = strstr(at + 1, needle))
		count++;
	return count;
}

static char *describe(const char *format, ...)
	__attribute__((format(printf, 1, 2)));
static char *describe(const char *format, ...)
{
	struct buf text = {0};
	va_list args;

	va_start(args, format);
	buf_vprintf(&text, format, args);
	va_end(args);
	return buf_detach(&text);
}

/* GETs path?query and checks the status and the headers every response
 * must carry. */
static void check_status(const char *path, const char *query, int status)
{
	struct reply reply;
	char *what;

	get(&reply, path, query);
	what = describe("GET %s?%.60s is %d", path, query, status);
	CHECK_INT(reply.response.status, status, what);
	free(what);
	reply_free(&reply);
}

static void check_common_headers(const struct reply *reply, const char *what)
{
	const char *type = header(reply, "Content-Type");
	char *label;

	label = describe("%s: Content-Type with charset=utf-8", what);
	CHECK(contains(type, "charset=utf-8"), label);
	free(label);
	label = describe("%s: strict CSP", what);
	CHECK(contains(header(reply, "Content-Security-Policy"),
		       "default-src 'self'") &&
	      !contains(header(reply, "Content-Security-Policy"), "unsafe"),
	      label);
	free(label);
	label = describe("%s: nosniff, Referrer-Policy, Cache-Control", what);
	CHECK(contains(header(reply, "X-Content-Type-Options"), "nosniff") &&
	      header(reply, "Referrer-Policy") != NULL &&
	      header(reply, "Cache-Control") != NULL, label);
	free(label);
}

/* ---- request parsing -------------------------------------------------------- */

static void test_parsing(void)
{
	struct env env = {"GET", "/search", "q=a+b%2Fc&&=skip&q=second&bad=%zz%4&flag",
			  CGI};
	struct cgi_request parsed;

	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_OK, "parse: a plain query is fine");
	CHECK_INT(parsed.method, CGI_GET, "parse: GET");
	CHECK_INT(parsed.param_count, 4, "parse: empty names skipped");
	CHECK_STR(cgi_param(&parsed, "q"), "a b/c", "parse: + and %XX decoded; "
		  "the first of repeated parameters wins");
	CHECK_STR(cgi_param(&parsed, "bad"), "%zz%4", "parse: a broken % escape "
		  "stays as written");
	CHECK_STR(cgi_param(&parsed, "flag"), "", "parse: a name without = has "
		  "an empty value");
	cgi_request_free(&parsed);

	env = (struct env){"GET", "/search", "q=a%00b", CGI};
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_NUL, "parse: %00 in a value is refused");
	cgi_request_free(&parsed);
	env.query = "a%00=b";
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_NUL, "parse: %00 in a name is refused");
	cgi_request_free(&parsed);
	env.query = "q=%FF%FE";
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_BAD_UTF8, "parse: invalid UTF-8 is refused");
	cgi_request_free(&parsed);
	env.query = "q=%C0%AF";
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_BAD_UTF8, "parse: an overlong '/' is refused");
	cgi_request_free(&parsed);
	env.query = "q=%ED%A0%80";
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_BAD_UTF8, "parse: a surrogate is refused");
	cgi_request_free(&parsed);
}

/* The size limits, PATH_INFO, and the method and variables unset. */
static void test_parsing_limits(void)
{
	struct env env = {"GET", "/search", NULL, CGI};
	struct cgi_request parsed;
	char big[CGI_QUERY_MAX_BYTES + 2];

	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	env.query = big;
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_TOO_LARGE, "parse: 4097 bytes of query string "
		  "are too many");
	CHECK_INT(parsed.param_count, 0, "parse: an oversized query string is "
		  "not parsed");
	cgi_request_free(&parsed);
	big[CGI_QUERY_MAX_BYTES] = '\0';
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_OK, "parse: 4096 bytes of query string are "
		  "fine");
	cgi_request_free(&parsed);

	{
		/* 1 MB: more than an environment string can hold, so only here. */
		char *huge = xmalloc(1024 * 1024 + 3);
		memcpy(huge, "q=", 2);
		memset(huge + 2, 'a', 1024 * 1024);
		huge[1024 * 1024 + 2] = '\0';
		env.query = huge;
		cgi_request_parse(&parsed, fake_getenv, &env);
		CHECK_INT(parsed.error, CGI_TOO_LARGE, "parse: a 1 MB query string "
			  "is refused unparsed");
		cgi_request_free(&parsed);
		free(huge);
	}

	env = (struct env){"GET", "/wizard/\xff", "", CGI};
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.error, CGI_BAD_UTF8, "parse: invalid UTF-8 in PATH_INFO");
	cgi_request_free(&parsed);

	env = (struct env){"POST", "/search", NULL, NULL};
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.method, CGI_POST, "parse: POST is known (the bounce analyzer's)");
	CHECK_STR(parsed.query_string, "", "parse: no QUERY_STRING is empty");
	cgi_request_free(&parsed);
	env = (struct env){NULL, NULL, NULL, NULL};
	cgi_request_parse(&parsed, fake_getenv, &env);
	CHECK_INT(parsed.method, CGI_OTHER, "parse: no REQUEST_METHOD is no GET");
	CHECK_STR(parsed.path_info, "", "parse: no PATH_INFO is empty");
	cgi_request_free(&parsed);
}

/* ---- validators --------------------------------------------------------------- */

/* Parses query as a GET of /search and applies rules to it. */
static enum cgi_error validate_query(const char *query,
				     const struct cgi_field_rule *rules,
				     size_t rule_count,
				     struct cgi_request *parsed,
				     struct cgi_fields *fields)
{
	struct env env = {"GET", "/search", query, CGI};

	cgi_request_parse(parsed, fake_getenv, &env);
	return cgi_validate(parsed, rules, rule_count, fields);
}

static void test_validate(void)
{
	static const struct cgi_field_rule search[] = {
		{"q", cgi_check_query, CGI_REFUSE},
		{"page", cgi_check_page, CGI_REFUSE},
	};
	static const struct cgi_field_rule answers[] = {
		{NULL, cgi_check_answer, CGI_DROP},
	};
	static const struct cgi_field_rule unchecked_first[] = {
		{"q", NULL, CGI_REFUSE},
		{"q", cgi_check_query, CGI_DROP},
	};
	struct cgi_request parsed;
	struct cgi_fields fields;

	CHECK_INT(validate_query("q=spf&other=%01&page=2", search, 2, &parsed,
				 &fields), CGI_OK,
		  "validate: what no rule names is not checked");
	CHECK_INT(fields.count, 2, "validate: only the named fields are kept");
	CHECK_STR(cgi_field(&fields, "q"), "spf", "validate: q kept");
	CHECK_STR(cgi_field(&fields, "page"), "2", "validate: page kept");
	CHECK(cgi_field(&fields, "other") == NULL, "validate: other ignored");
	free(fields.items);
	cgi_request_free(&parsed);

	CHECK_INT(validate_query("q=a&page=0", search, 2, &parsed, &fields),
		  CGI_BAD_VALUE, "validate: a refusing rule refuses the request");
	free(fields.items);
	cgi_request_free(&parsed);

	CHECK_INT(validate_query("a=b&x=%3Cb%3E&c=d", answers, 1, &parsed,
				 &fields), CGI_OK,
		  "validate: a dropping rule never refuses");
	CHECK_INT(fields.count, 2, "validate: the answer that is no id dropped");
	CHECK_STR(cgi_field(&fields, "c"), "d", "validate: the others kept in "
		  "order");
	free(fields.items);
	cgi_request_free(&parsed);

	CHECK_INT(validate_query("q=%01", unchecked_first, 2, &parsed, &fields),
		  CGI_OK, "validate: a rule without a check matches nothing");
	CHECK_INT(fields.count, 0, "validate: the next matching rule decides");
	free(fields.items);
	cgi_request_free(&parsed);
}

static void test_checks(void)
{
	struct buf text = {0};

	CHECK_INT(cgi_check_page("page", ""), CGI_OK, "page: empty is the first");
	CHECK_INT(cgi_check_page("page", "1"), CGI_OK, "page: 1");
	CHECK_INT(cgi_check_page("page", "1000"), CGI_OK, "page: CGI_PAGE_MAX");
	CHECK_INT(cgi_check_page("page", "1001"), CGI_BAD_VALUE,
		  "page: over CGI_PAGE_MAX");
	CHECK_INT(cgi_check_page("page", "0"), CGI_BAD_VALUE, "page: 0");
	CHECK_INT(cgi_check_page("page", "12345"), CGI_BAD_VALUE,
		  "page: five digits");
	CHECK_INT(cgi_check_page("page", "1a"), CGI_BAD_VALUE, "page: not digits");

	for (int i = 0; i < SEARCH_QUERY_MAX_CHARACTERS; i++)
		buf_adds(&text, "\xE3\x81\x82");
	CHECK_INT(cgi_check_query("q", buf_cstr(&text)), CGI_OK,
		  "q: SEARCH_QUERY_MAX_CHARACTERS code points");
	buf_adds(&text, "x");
	CHECK_INT(cgi_check_query("q", buf_cstr(&text)), CGI_TOO_LARGE,
		  "q: one code point more");
	buf_free(&text);
	CHECK_INT(cgi_check_query("q", "a\tb\r\nc"), CGI_OK,
		  "q: tab, CR and LF pass");
	CHECK_INT(cgi_check_query("q", "a\x01"), CGI_BAD_VALUE, "q: C0 refused");
	CHECK_INT(cgi_check_query("q", "a\x7F"), CGI_BAD_VALUE, "q: DEL refused");
	CHECK_INT(cgi_check_query("q", "a\xC2\x85"), CGI_BAD_VALUE,
		  "q: C1 (NEL) refused");
	CHECK_INT(cgi_check_answer("check-spam", "not-found"), CGI_OK,
		  "answer: two ids");
	CHECK_INT(cgi_check_answer("check-spam", "<b>"), CGI_BAD_VALUE,
		  "answer: an option that is no id");
}

static void check_clean(const char *q, const char *expected, const char *what)
{
	char *clean = cgi_query_clean(q);

	CHECK_STR(clean, expected, what);
	free(clean);
}

static void test_query_clean(void)
{
	CHECK(cgi_query_clean(NULL) == NULL, "clean: NULL for NULL");
	check_clean("迷惑 spf", "迷惑 spf", "clean: text stays");
	check_clean("a\tb\r\nc", "a b  c", "clean: tab, CR, LF become spaces");
	check_clean("x\xE2\x80\xAEy", "x y", "clean: U+202E becomes a space");
	check_clean("x\xE2\x81\xA6y", "x y", "clean: U+2066 becomes a space");
	check_clean("x\xE2\x80\xA8y", "x y", "clean: U+2028 becomes a space");
	check_clean("\xEF\xBF\xBE", " ", "clean: U+FFFE becomes a space");
	check_clean("\xEF\xB7\x90", " ", "clean: U+FDD0 becomes a space");
}

static void test_statuses(void)
{
	CHECK_INT(cgi_error_status(CGI_OK), 200, "status: CGI_OK");
	CHECK_INT(cgi_error_status(CGI_NUL), 400, "status: CGI_NUL");
	CHECK_INT(cgi_error_status(CGI_TOO_BROAD), 422, "status: CGI_TOO_BROAD");
	CHECK_INT(cgi_error_status(CGI_UNAVAILABLE), 503,
		  "status: CGI_UNAVAILABLE");
	CHECK_INT(cgi_error_status(CGI_INTERNAL), 500, "status: CGI_INTERNAL");
	CHECK_INT(cgi_error_status(99), 500, "status: an unknown error");
	CHECK_STR(cgi_status_text(422), "Unprocessable Content", "status text: 422");
	CHECK_STR(cgi_status_text(999), "Internal Server Error",
		  "status text: an unknown status");
	CHECK_STR(cgi_strerror(99), "unknown error", "strerror: an unknown error");
}

static void test_headers(void)
{
	struct cgi_response response = {0};

	CHECK_INT(cgi_response_header(&response, "Location", "/a\r\nSet-Cookie: x"),
		  -1, "headers: a value with CR LF is dropped");
	CHECK_INT(cgi_response_header(&response, "X-A: b", "c"), -1,
		  "headers: a name with ':' is dropped");
	CHECK_INT(cgi_response_header(&response, "X-Ok", "fine"), 0,
		  "headers: a plain header is kept");
	CHECK_INT(response.header_count, 1, "headers: only the plain one kept");
	CHECK_STR(cgi_response_get(&response, "x-ok"), "fine",
		  "headers: lookup ignores case");
	cgi_response_free(&response);
}

/* ---- search ------------------------------------------------------------------ */

static void test_search(void)
{
	struct reply reply;

	get(&reply, "/search", "q=%E8%BF%B7%E6%83%91");
	CHECK_INT(reply.response.status, 200, "search 迷惑: 200");
	check_common_headers(&reply, "search 迷惑");
	CHECK(contains(header(&reply, "Content-Type"), "text/html"),
	      "search 迷惑: HTML");
	CHECK(contains(reply.body, "<mark>迷惑</mark>"), "search 迷惑: highlighted "
	      "snippet");
	CHECK(contains(reply.body, "value=\"迷惑\""), "search 迷惑: the query stays "
	      "in the box");
	CHECK(contains(reply.body, "<title>「\xE2\x81\xA8迷惑\xE2\x81\xA9」の検索結果 |"),
	      "search 迷惑: title names the query");
	CHECK(contains(reply.body, "href=\"/delivery/spam-folder/#"),
	      "search 迷惑: links to the article's heading");
	CHECK(contains(reply.body, "class=\"result-heading\""),
	      "search 迷惑: result headings shown");
	CHECK(contains(reply.body, "aria-current=\"page\""),
	      "search 迷惑: pagination marks the current page");
	CHECK(contains(reply.body, "action=\"/cgi-bin/kb.cgi/search\""),
	      "search 迷惑: the form submits to the CGI");
	CHECK(contains(reply.body, "noindex"), "search 迷惑: not for robots");
	CHECK(contains(header(&reply, "Cache-Control"), "max-age"),
	      "search 迷惑: cacheable");
	reply_free(&reply);

	/* メール: more articles than one page holds */
	get(&reply, "/search", "q=%E3%83%A1%E3%83%BC%E3%83%AB&page=2");
	CHECK_INT(reply.response.status, 200, "search page 2: 200");
	CHECK(contains(reply.body, "aria-label=\"ページ 2\" aria-current") ||
	      contains(reply.body, "aria-current=\"page\" aria-label=\"ページ 2\""),
	      "search page 2: page 2 is current");
	CHECK(contains(reply.body, "rel=\"prev\""), "search page 2: a previous "
	      "link");
	CHECK(contains(reply.body, "<ol class=\"search-results\" start=\"11\">"),
	      "search page 2: numbering continues");
	reply_free(&reply);

	get(&reply, "/search", "q=%E8%BF%B7%E6%83%91&page=999");
	CHECK_INT(reply.response.status, 200, "search past the last page: 200");
	CHECK(contains(reply.body, "このページには結果がありません"),
	      "search past the last page: says so, links to the first");
	reply_free(&reply);
}

/* No results, no words, and queries that try to become markup. */
static void test_search_odd_queries(void)
{
	struct reply reply;

	get(&reply, "/search", "q=qqqzzzxxyy");
	CHECK_INT(reply.response.status, 200, "no results: 200");
	CHECK(contains(reply.body, "「\xE2\x81\xA8qqqzzzxxyy\xE2\x81\xA9」に一致する記事は見つかりませんでした"),
	      "no results: says nothing matched");
	CHECK(contains(reply.body, "href=\"/wizard/mail-not-arriving/\""),
	      "no results: suggests the wizard");
	reply_free(&reply);

	get(&reply, "/search", "q=+%09+");
	CHECK(contains(reply.body, "キーワードを入力して"), "search for blanks: "
	      "asks for words");
	reply_free(&reply);

	get(&reply, "/search", "");
	CHECK_INT(reply.response.status, 200, "search without q: 200");
	CHECK(contains(reply.body, "キーワードを入力して"), "search without q: "
	      "asks for words");
	reply_free(&reply);

	/* libxml2 writes "<!--...-->" in attribute values raw unless the
	 * theme guards the search box's value. */
	get(&reply, "/search", "q=%3C!--%22%3E%3Cscript%3E%26amp%3B--%3E");
	CHECK(contains(reply.body, "value='&lt;!--\"&gt;&lt;script&gt;"
		       "&amp;amp;--&gt;'"),
	      "search <!--...-->: the box's value escaped like any other");
	reply_free(&reply);

	get(&reply, "/search", "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27");
	CHECK_INT(reply.response.status, 200, "search <script>: 200");
	CHECK(!contains(reply.body, "<script>alert"), "search <script>: never "
	      "unescaped");
	CHECK(contains(reply.body, "&lt;script&gt;alert(1)"),
	      "search <script>: shown as text");
	reply_free(&reply);
}

static void test_search_limits(void)
{
	struct buf text = {0};

	/* 256 characters pass, 257 do not, in ASCII and in Japanese (9
	 * bytes each once encoded: 257 of them also pass 2 KiB). */
	buf_adds(&text, "q=");
	for (int i = 0; i < 256; i++)
		buf_adds(&text, "x");
	check_status("/search", buf_cstr(&text), 200);
	buf_adds(&text, "x");
	check_status("/search", buf_cstr(&text), 400);
	check_status("/search.json", buf_cstr(&text), 400);
	buf_reset(&text);
	buf_adds(&text, "q=");
	for (int i = 0; i < 256; i++)
		buf_adds(&text, "%E3%81%82");
	check_status("/search", buf_cstr(&text), 200);
	buf_adds(&text, "%E3%81%82");
	check_status("/search", buf_cstr(&text), 400);
	buf_free(&text);
	check_status("/search", "q=a&page=0", 400);
	check_status("/search", "q=a&page=abc", 400);
	check_status("/search", "q=a&page=-1", 400);
	check_status("/search", "q=a&page=1001", 400);
	check_status("/search", "q=a&page=99999999999999999999999", 400);
	check_status("/search", "q=a&page=", 200);
	check_status("/search", "q=a&page=1000", 200);
	check_status("/search", "q=%01", 400);
	check_status("/search", "q=a%0D%0Ab", 200);
	check_status("/search", "q=%22spf%22+OR+NEAR(a+b)+*+%5E+-+title%3Ax", 200);
	check_status("/search/", "q=a", 404);
	check_status("/Search", "q=a", 404);
}

static void test_search_json(void)
{
	struct reply reply;

	get(&reply, "/search.json", "q=%E8%BF%B7%E6%83%91");
	CHECK_INT(reply.response.status, 200, "json 迷惑: 200");
	check_common_headers(&reply, "json 迷惑");
	CHECK(contains(header(&reply, "Content-Type"), "application/json"),
	      "json 迷惑: application/json");
	CHECK(strncmp(reply.body, "{\"query\":\"迷惑\",\"corrected\":null,"
		      "\"total\":", 43) == 0,
	      "json 迷惑: query, corrected and total first");
	CHECK(contains(reply.body, "\"results\":[{\"url\":\"/delivery/spam-folder/\","
		       "\"kind\":\"article\""),
	      "json 迷惑: results with the article's url and kind");
	CHECK(contains(reply.body, "\"sections\":[{\"url\":\"/delivery/spam-folder/#"),
	      "json 迷惑: sections with url#heading");
	CHECK(contains(reply.body, "\"title\":") &&
	      contains(reply.body, "\"heading\":") &&
	      contains(reply.body, "\"snippet\":"),
	      "json 迷惑: title, heading, snippet");
	CHECK(contains(reply.body, "\"snippet_parts\":[\""), "json 迷惑: snippet "
	      "parts");
	CHECK(contains(reply.body, "\"迷惑\""), "json 迷惑: a marked part");
	reply_free(&reply);

	/* exact=1: the shipped articles say "strict", which a correction
	 * would search instead, and this is about the escaping */
	get(&reply, "/search.json", "q=%3C%2Fscript%3E%22%5C%E2%80%A8%26&exact=1");
	CHECK_INT(reply.response.status, 200, "json hostile: 200");
	CHECK_STR(reply.body, "{\"query\":\"\\u003c/script\\u003e\\\"\\\\ "
		  "\\u0026\",\"corrected\":null,\"total\":0,"
		  "\"total_at_least\":false,\"page\":1,\"per_page\":10,"
		  "\"results\":[]}\n",
		  "json hostile: <, >, &, quote and backslash escaped, U+2028 "
		  "read as a space");
	reply_free(&reply);

	get(&reply, "/search.json", "");
	CHECK_STR(reply.body, "{\"query\":\"\",\"corrected\":null,\"total\":0,"
		  "\"total_at_least\":false,\"page\":1,"
		  "\"per_page\":10,\"results\":[]}\n", "json without q: empty");
	reply_free(&reply);

	get(&reply, "/search.json", "q=a&page=x");
	CHECK_INT(reply.response.status, 400, "json bad page: 400");
	CHECK(contains(reply.body, "{\"error\":"), "json bad page: a JSON error");
	check_common_headers(&reply, "json bad page");
	reply_free(&reply);
}

/* ---- wizard ------------------------------------------------------------------ */

static void check_redirect(const char *path, const char *query,
			   const char *location, const char *what)
{
	struct reply reply;
	char *label;

	get(&reply, path, query);
	label = describe("%s: 303", what);
	CHECK_INT(reply.response.status, 303, label);
	free(label);
	label = describe("%s: Location", what);
	CHECK_STR(header(&reply, "Location"), location, label);
	free(label);
	check_common_headers(&reply, what);
	reply_free(&reply);
}

static void test_wizard_walk(void)
{
	struct reply reply;

	check_redirect("/wizard/mail-not-arriving", "",
		       CGI TREE "delivery-error-shown", "tree");
	check_redirect("/wizard/mail-not-arriving/", "",
		       CGI TREE "delivery-error-shown", "tree/");

	get(&reply, TREE "delivery-error-shown", "");
	CHECK_INT(reply.response.status, 200, "start: 200");
	check_common_headers(&reply, "start");
	CHECK(contains(reply.body, "<h1 id=\"kb-wizard-question\">配信履歴に"),
	      "start: the question is the h1");
	CHECK(contains(reply.body, "href=\"" CGI TREE
		       "recipient-in-report?delivery-error-shown=yes\""),
	      "start: option yes records the answer");
	CHECK(contains(reply.body, "href=\"" CGI TREE
		       "check-spam?delivery-error-shown=no\""),
	      "start: option no records the answer");
	CHECK(!contains(reply.body, "回答の履歴"), "start: no answers yet");
	CHECK(contains(reply.body, "(まだ回答していません)"),
	      "start: the summary says no answers yet");
	CHECK(contains(reply.body, "href=\"/errors/check-errors/\""),
	      "start: body links rewritten as on the static page");
	CHECK(contains(reply.body, "<p class=\"hint\">"), "start: hint shown");
	reply_free(&reply);

	get(&reply, TREE "elapsed-time",
	    "delivery-error-shown=no&check-spam=not-found");
	CHECK_INT(reply.response.status, 200, "two answers: 200");
	CHECK(contains(reply.body, "<h2 id=\"kb-wizard-answers\">回答の履歴</h2>"),
	      "two answers: Your answers");
	CHECK(contains(reply.body, "<dd>いいえ(表示されていない) <a href=\"" CGI TREE
		       "delivery-error-shown?delivery-error-shown=no&amp;"
		       "check-spam=not-found\" class=\"change\">"),
	      "two answers: Change keeps the later answer, and the one changed");
	CHECK(contains(reply.body, "href=\"" CGI TREE
		       "check-spam?delivery-error-shown=no&amp;check-spam=not-found"
		       "\" class=\"change\""),
	      "two answers: Change keeps the earlier answer");
	CHECK(contains(reply.body, "<p class=\"progress\">質問 3 / 最大 "),
	      "two answers: the third question");
	CHECK(contains(reply.body, ">最初からやり直す</a>") &&
	      contains(reply.body, "href=\"" CGI TREE "delivery-error-shown\">"),
	      "two answers: Start again");
	CHECK(contains(reply.body, "1. 配信履歴に「配信エラー」と表示されていますか?\n"
		       "   → いいえ(表示されていない)\n2. "),
	      "two answers: plain-text summary lists the answers");
	CHECK(contains(reply.body, "現在のステップ: 配信してから1週間以上たっていますか?\n"
		       "URL: http://127.0.0.1:8080" CGI TREE "elapsed-time?"
		       "delivery-error-shown=no&amp;check-spam=not-found</pre>"),
	      "two answers: summary ends with the step and its absolute URL");
	CHECK(contains(reply.body, "data-copy-label=\"コピー\""),
	      "two answers: Copy label for kb.js");
	reply_free(&reply);

	/* Change: the answer given before is marked, and leads on as before. */
	get(&reply, TREE "delivery-error-shown",
	    "delivery-error-shown=no&check-spam=not-found");
	CHECK_INT(reply.response.status, 200, "change marks: 200");
	CHECK(contains(reply.body, "<a href=\"" CGI TREE "elapsed-time?"
		       "delivery-error-shown=no&amp;check-spam=not-found\" "
		       "aria-current=\"true\" class=\"previous\">いいえ(表示されて"
		       "いない)<span class=\"previous-note\">(前回の回答)</span></a>"),
	      "change marks: the previous answer is aria-current and says so");
	CHECK_INT(count_of(reply.body, "aria-current=\"true\""), 1,
	      "change marks: only that one");
	CHECK(!contains(reply.body, "回答の履歴"),
	      "change marks: the answer changed is not in the history");
	reply_free(&reply);

	/* Changing the first answer: the later one is carried and reapplied. */
	get(&reply, TREE "delivery-error-shown", "check-spam=not-found");
	CHECK_INT(reply.response.status, 200, "change: 200");
	CHECK(contains(reply.body, "href=\"" CGI TREE "elapsed-time?"
		       "delivery-error-shown=no&amp;check-spam=not-found\""),
	      "change: the same answer leads past the kept later answer");
	CHECK(contains(reply.body, "href=\"" CGI TREE
		       "recipient-in-report?delivery-error-shown=yes\""),
	      "change: another answer drops the later one that no longer "
	      "applies");
	reply_free(&reply);

	get(&reply, TREE "unknown-error",
	    "delivery-error-shown=yes&recipient-in-report=listed&"
	    "error-type=unknown&unknown-auth=no");
	CHECK_INT(reply.response.status, 200, "outcome: 200");
	CHECK(contains(reply.body, "class=\"result result-unresolved\""),
	      "outcome: the result");
	CHECK(contains(reply.body, "href=\"/deliverability/spf/\">SPFの設定方法</a>") &&
	      contains(reply.body, "href=\"/deliverability/dkim/\""),
	      "outcome: SPF and DKIM articles with their titles");
	CHECK(contains(reply.body, "href=\"https://support.haihaimail.jp/"
		       "arrivalimprovement/spfset/\" rel=\"noopener\""),
	      "outcome: external guides");
	CHECK(contains(reply.body, "診断結果: 原因不明のエラーは"),
	      "outcome: summary names the outcome");
	CHECK(!contains(reply.body, "class=\"options\""), "outcome: no options");
	CHECK(!contains(reply.body, "class=\"progress\""),
	      "outcome: no question count");
	reply_free(&reply);
}

/* The href of the first mailto: link in html, &amp; unescaped. Caller
 * frees; NULL when there is none. */
static char *mailto_href(const char *html)
{
	const char *from = html ? strstr(html, "href=\"mailto:") : NULL;
	const char *to = from ? strchr(from + 6, '"') : NULL;
	struct buf out = {0};

	if (to == NULL)
		return NULL;
	for (const char *c = from + 6; c < to; c++) {
		buf_addc(&out, *c);
		if (strncmp(c, "&amp;", 5) == 0)
			c += 4;
	}
	return buf_detach(&out);
}

#define TO_ESCALATE "delivery-error-shown=no&check-spam=not-found&" \
		    "elapsed-time=over-week&no-bounce-auth=yes"

/* site.yaml's support: on the outcomes that send a visitor to a person. */
static void test_wizard_contact(void)
{
	struct reply reply;
	char *mailto, *saved;

	get(&reply, TREE "contact-support", TO_ESCALATE);
	CHECK_INT(reply.response.status, 200, "contact: escalate outcome: 200");
	CHECK(contains(reply.body, "<p class=\"result result-escalate\">サポートへの"
		       "お問い合わせが必要です</p>"),
	      "contact: escalate says to contact support");
	CHECK(contains(reply.body, "<h2 id=\"kb-wizard-contact\">サポートへの"
		       "お問い合わせ</h2>") &&
	      contains(reply.body, ">メールで問い合わせる(support@example.jp)</a>") &&
	      contains(reply.body, "受付時間: 平日 10:00〜18:00"),
	      "contact: the site's address and hours");
	mailto = mailto_href(reply.body);
	CHECK(mailto && strncmp(mailto, "mailto:support@example.jp?subject=", 34) == 0 &&
	      strlen(mailto) <= WIZARDPAGE_MAILTO_MAX,
	      "contact: a mailto: link within the bound");
	/* Four answers in Japanese encode to more than the bound: the mail
	 * carries the outcome and the URL, which replays every answer. */
	CHECK(mailto && contains(mailto, "&body=%E3%80%90") &&
	      !contains(mailto, "%0D%0A1.%20") &&
	      contains(mailto, "%0D%0AURL%3A%20http%3A%2F%2F127.0.0.1%3A8080%2Fcgi-bin"
		       "%2Fkb.cgi%2Fwizard%2Fmail-not-arriving%2Fcontact-support%3F"
		       "delivery-error-shown%3Dno%26check-spam%3Dnot-found%26"
		       "elapsed-time%3Dover-week%26no-bounce-auth%3Dyes"),
	      "contact: a summary over the bound: the mail has the outcome and the "
	      "URL with every answer");
	free(mailto);
	reply_free(&reply);
	get(&reply, TREE "contact-support", "_from=no-bounce-auth&no-bounce-auth=yes");
	mailto = mailto_href(reply.body);
	CHECK(mailto && contains(mailto, "%0D%0A1.%20") &&
	      contains(mailto, "%0D%0A%E8%A8%BA%E6%96%AD%E7%B5%90%E6%9E%9C"),
	      "contact: a summary within the bound is the mail's body, answers and all");
	CHECK(contains(reply.body, "class=\"wizard-contact\"") &&
	      strstr(reply.body, "class=\"wizard-contact\"") <
		      strstr(reply.body, "class=\"wizard-summary\""),
	      "contact: before the summary it refers to");
	free(mailto);
	reply_free(&reply);

	get(&reply, TREE "found-in-spam", "delivery-error-shown=no&check-spam=found");
	CHECK(!contains(reply.body, "wizard-contact") && !contains(reply.body, "mailto:"),
	      "contact: none on a resolved outcome");
	reply_free(&reply);
	get(&reply, TREE "check-spam", "delivery-error-shown=no");
	CHECK(!contains(reply.body, "wizard-contact"), "contact: none on a question");
	reply_free(&reply);

	saved = site.store.support_email;
	site.store.support_email = (char *)"";
	get(&reply, TREE "contact-support", TO_ESCALATE);
	CHECK(contains(reply.body, "<p class=\"result result-escalate\">この診断で"
		       "確かめられるのはここまでです</p>") &&
	      !contains(reply.body, "wizard-contact") &&
	      !contains(reply.body, "mailto:"),
	      "contact: a site without support says nothing about contacting");
	reply_free(&reply);
	site.store.support_email = saved;
}

/* A walk begun at a step in the middle (a static step page's option, or
 * a link support staff sent): _from names where it began. */
static void test_wizard_from(void)
{
	struct reply reply;

	get(&reply, TREE "check-spam", "_from=check-spam");
	CHECK_INT(reply.response.status, 200, "from: the middle step itself: 200");
	CHECK(contains(reply.body, "<p class=\"notice\">このページは診断の途中の"
		       "ステップです。") &&
	      contains(reply.body, "<a href=\"" CGI TREE "delivery-error-shown\">"
		       "最初の質問</a>"),
	      "from: the step begun at says so and links the real start");
	CHECK(contains(reply.body, "<p class=\"progress\">質問 2 / 最大 "),
	      "from: counts the answer that leads there");
	CHECK(contains(reply.body, "href=\"" CGI TREE "found-in-spam?_from=check-spam"
		       "&amp;check-spam=found\""),
	      "from: options carry where the walk began");
	reply_free(&reply);

	get(&reply, TREE "found-in-spam", "_from=check-spam&check-spam=found");
	CHECK_INT(reply.response.status, 200, "from: one answer on: 200");
	CHECK(!contains(reply.body, "class=\"notice\""),
	      "from: no notice past the step begun at");
	CHECK(contains(reply.body, "<dt>受信者の迷惑メールフォルダ"),
	      "from: the history has the answer given");
	CHECK(contains(reply.body, "途中のステップから開始: 受信者の迷惑メールフォルダ"),
	      "from: the summary says where the walk began");
	CHECK(contains(reply.body, "URL: http://127.0.0.1:8080" CGI TREE
		       "found-in-spam?_from=check-spam&amp;check-spam=found</pre>"),
	      "from: the summary's URL keeps it");
	CHECK(contains(reply.body, "href=\"" CGI TREE "check-spam?_from=check-spam"
		       "&amp;check-spam=found\" class=\"change\""),
	      "from: Change keeps it");
	CHECK(contains(reply.body, "<a href=\"" CGI TREE "delivery-error-shown\">"
		       "最初からやり直す</a>"),
	      "from: start again begins at the real start");
	reply_free(&reply);

	check_redirect(TREE "check-spam", "_from=no-such-node",
		       CGI TREE "delivery-error-shown",
		       "from: an unknown node counts as the start");
	check_redirect(TREE "check-spam", "_from=found-in-spam",
		       CGI TREE "delivery-error-shown",
		       "from: an outcome counts as the start");
	check_redirect(TREE "check-spam", "_from=Bad%20Id",
		       CGI TREE "delivery-error-shown",
		       "from: a malformed one is dropped");
	check_redirect(TREE "no-bounce-auth", "_from=check-spam&check-spam=found",
		       CGI TREE "found-in-spam?_from=check-spam&check-spam=found",
		       "from: a detour keeps where the walk began");
}

/* The walk's steps are for search engines as their static node pages:
 * described as those are and naming them canonical, never noindex (that
 * would fail Lighthouse's SEO audit); search results and errors stay
 * noindex. Without an absolute base URL a step has nothing to name and is
 * noindex too. */
static void test_wizard_for_search_engines(void)
{
	struct reply reply;
	char relative[] = "/relative/";
	char *base_url;
	const char *canonical, *stylesheet;

	get(&reply, TREE "elapsed-time",
	    "delivery-error-shown=no&check-spam=not-found");
	CHECK(contains(reply.body, "<link rel=\"canonical\" href=\""
		       "http://127.0.0.1:8080/wizard/mail-not-arriving/"
		       "elapsed-time/\">"),
	      "question: canonical is its static node page");
	CHECK(contains(reply.body, "<meta name=\"description\" content=\""
		       "配信してから1週間以上たっていますか? 配信したメールが"
		       "相手に届かないときに"),
	      "question: described by its title and the tree's description");
	CHECK(!contains(reply.body, "noindex"), "question: not noindex");
	canonical = strstr(reply.body, "rel=\"canonical\"");
	stylesheet = strstr(reply.body, "static/cgi.css");
	CHECK(canonical != NULL && stylesheet != NULL && canonical < stylesheet,
	      "question: the CGI's stylesheet still comes last");
	reply_free(&reply);

	get(&reply, TREE "unknown-error",
	    "delivery-error-shown=yes&recipient-in-report=listed&"
	    "error-type=unknown&unknown-auth=no");
	CHECK(contains(reply.body, "<link rel=\"canonical\" href=\""
		       "http://127.0.0.1:8080/wizard/mail-not-arriving/"
		       "unknown-error/\">") &&
	      !contains(reply.body, "noindex"),
	      "outcome: canonical is its static node page, not noindex");
	reply_free(&reply);

	get(&reply, "/search", "q=%E8%BF%B7%E6%83%91");
	CHECK(contains(reply.body, "noindex") &&
	      !contains(reply.body, "rel=\"canonical\""),
	      "search results: noindex, no canonical");
	reply_free(&reply);
	get(&reply, "/no-such-page", "");
	CHECK(contains(reply.body, "noindex"), "404: noindex");
	reply_free(&reply);

	base_url = site.store.base_url;
	site.store.base_url = relative;
	get(&reply, TREE "delivery-error-shown", "");
	CHECK(contains(reply.body, "noindex") &&
	      !contains(reply.body, "rel=\"canonical\""),
	      "no absolute base URL: a step is noindex, without canonical");
	reply_free(&reply);
	site.store.base_url = base_url;
}

/* Answers that do not lead to the requested node, and paths that name no
 * node. */
static void test_wizard_detours(void)
{
	struct reply reply;

	check_redirect(TREE "no-bounce-auth", "delivery-error-shown=no",
		       CGI TREE "check-spam?delivery-error-shown=no",
		       "unreachable node");
	check_redirect(TREE "error-type", "",
		       CGI TREE "delivery-error-shown", "no answers, deep node");
	check_redirect(TREE "check-spam", "delivery-error-shown=maybe",
		       CGI TREE "delivery-error-shown", "invalid option");
	check_redirect(TREE "fix-address",
		       "error-type=permanent&delivery-error-shown=yes&"
		       "address-check=correct&nonsense=1&x=%3Cb%3E&"
		       "recipient-in-report=listed",
		       CGI TREE "permanent-auth?delivery-error-shown=yes&"
		       "recipient-in-report=listed&error-type=permanent&"
		       "address-check=correct",
		       "answers out of order, junk dropped");
	check_status(TREE "check-spam",
		     "delivery-error-shown=no&delivery-error-shown=yes", 200);
	check_status(TREE "delivery-error-shown", "delivery-error-shown=no", 200);
	check_status(TREE "check-spam", "delivery-error-shown=no&"
		     "error-type=temporary", 200);
	check_status("/wizard/no-such-tree/start", "", 404);
	check_status("/wizard/no-such-tree", "", 404);
	check_status(TREE "no-such-node", "", 404);
	check_status(TREE "map", "", 404);
	check_status("/wizard/../search", "", 404);
	check_status("/wizard/mail-not-arriving/check-spam/", "", 404);
	check_status("/wizard/mail-not-arriving/check-spam/x", "", 404);
	check_status("/wizard/Mail-Not-Arriving/check-spam", "", 404);
	check_status("/wizard/%3Cscript%3E/x", "", 404);
	check_status("/wizard//", "", 404);
	check_status("/wizard", "", 404);
	check_status("", "", 404);
	check_status("/", "", 404);
	check_status("search", "", 404);

	get(&reply, TREE "check-spam", "delivery-error-shown=no&"
	    "check-spam=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E");
	CHECK_INT(reply.response.status, 200, "hostile option value: 200");
	CHECK(!contains(reply.body, "<script>alert"),
	      "hostile option value: not in the page");
	reply_free(&reply);
}

static void test_other_statuses(void)
{
	struct reply reply;

	get(&reply, "/no-such-page", "");
	CHECK_INT(reply.response.status, 404, "404: status");
	check_common_headers(&reply, "404");
	CHECK(contains(reply.body, "ページが見つかりません"), "404: themed");
	CHECK(contains(reply.body, "class=\"site-header\""), "404: in the layout");
	reply_free(&reply);

	request(&reply, "POST", "/search", "q=a");
	CHECK_INT(reply.response.status, 405, "POST: 405");
	CHECK_STR(header(&reply, "Allow"), "GET, HEAD", "POST: Allow");
	check_common_headers(&reply, "405");
	CHECK(contains(reply.body, "class=\"site-header\""), "405: themed");
	reply_free(&reply);
	request(&reply, "DELETE", TREE "check-spam", "");
	CHECK_INT(reply.response.status, 405, "DELETE: 405");
	reply_free(&reply);
	request(&reply, "get", "/search", "");
	CHECK_INT(reply.response.status, 405, "lower-case get: 405");
	reply_free(&reply);

	request(&reply, "HEAD", "/search", "q=spf");
	CHECK_INT(reply.response.status, 200, "HEAD: 200 like GET");
	reply_free(&reply);

	get(&reply, "/search", "q=%00");
	CHECK_INT(reply.response.status, 400, "NUL: 400");
	check_common_headers(&reply, "400");
	CHECK(contains(reply.body, "リクエストを処理できません"), "400: themed");
	CHECK(contains(header(&reply, "Cache-Control"), "no-store"),
	      "400: not cached");
	reply_free(&reply);
	check_status("/search", "q=%FF", 400);
	check_status(TREE "check-spam", "delivery-error-shown=%00", 400);
	check_status(TREE "check-spam", "%C3%28=no", 400);
}

static void test_unavailable(const char *folder)
{
	struct cgi_site saved = site;
	struct reply reply;
	char *empty = path_join(folder, "empty.db");
	sqlite3 *db = NULL;

	cgi_site_open(&site, "/nonexistent/kb.db");
	CHECK(site.problem != NULL && site.db == NULL,
	      "unavailable: a missing database is a problem");
	get(&reply, "/search", "q=a");
	CHECK_INT(reply.response.status, 503, "unavailable: 503");
	check_common_headers(&reply, "503");
	CHECK(header(&reply, "Retry-After") != NULL, "unavailable: Retry-After");
	CHECK(contains(reply.body, "<h1>503 Service Unavailable</h1>"),
	      "unavailable: a plain page");
	reply_free(&reply);
	request(&reply, "PUT", "/search", "");
	CHECK_INT(reply.response.status, 405, "unavailable: 405 still 405");
	reply_free(&reply);
	cgi_site_close(&site);

	/* A database from before the CGI: no theme tables. */
	sqlite3_open(empty, &db);
	sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL);
	sqlite3_close(db);
	cgi_site_open(&site, empty);
	CHECK(site.problem != NULL && contains(site.problem, "no theme"),
	      "unavailable: a kb.db without a theme is a problem");
	check_status("/search", "q=a", 503);
	cgi_site_close(&site);

	write_file(empty, "not a database at all", 21);
	cgi_site_open(&site, empty);
	check_status("/search", "q=a", 503);
	cgi_site_close(&site);
	site = saved;
	free(empty);
}

/* ---- hardening (issue 15) ------------------------------------------------------ */

/* With cgi_url unset, URLs are built on SCRIPT_NAME: only a plain path. */
static void test_script_name(void)
{
	char *saved = site.store.cgi_url;
	static char unset[] = "";
	const char *refused[] = {
		"//evil.example", "/\\evil.example", "/a b/kb.cgi",
		"/kb.cgi?x=1", "/kb.cgi#x", "/kb.cgi\r\nSet-Cookie: a=b",
		"/cgi-bin/../kb.cgi", "/ア/kb.cgi", "cgi-bin/kb.cgi",
	};
	struct reply reply;

	site.store.cgi_url = unset;
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char *what = describe("SCRIPT_NAME #%zu: 400, no Location", i);
		request_as(&reply, "GET", "/wizard/mail-not-arriving", "",
			   refused[i]);
		CHECK(reply.response.status == 400 &&
		      header(&reply, "Location") == NULL &&
		      contains(reply.body, "リクエストを処理できません"), what);
		free(what);
		reply_free(&reply);
	}
	request_as(&reply, "GET", "/search.json", "q=spf", "//evil.example");
	CHECK(reply.response.status == 400 &&
	      contains(header(&reply, "Content-Type"), "application/json"),
	      "SCRIPT_NAME '//evil.example' on search.json: a JSON 400");
	reply_free(&reply);
	request_as(&reply, "GET", "/wizard/mail-not-arriving", "",
		   "/help/kb.cgi");
	CHECK_STR(header(&reply, "Location"),
		  "/help/kb.cgi" TREE "delivery-error-shown",
		  "SCRIPT_NAME '/help/kb.cgi': the redirect is built on it");
	reply_free(&reply);
	request_as(&reply, "GET", "/wizard/mail-not-arriving", "", "");
	CHECK_STR(header(&reply, "Location"), TREE "delivery-error-shown",
		  "no SCRIPT_NAME: the redirect is a path from the root");
	reply_free(&reply);
	site.store.cgi_url = saved;
}

static void check_json_error(const char *method, const char *query,
			     int status, const char *what)
{
	struct reply reply;

	request(&reply, method, "/search.json", query);
	CHECK(reply.response.status == status &&
	      contains(header(&reply, "Content-Type"), "application/json") &&
	      strncmp(reply.body, "{\"error\":\"", 10) == 0 &&
	      !contains(reply.body, "<"), what);
	reply_free(&reply);
}

/* Every status of /search.json is JSON with one error shape. */
static void test_json_errors(void)
{
	char *long_query = xmalloc(CGI_QUERY_MAX_BYTES + 3);
	struct reply reply;

	memset(long_query, 'a', CGI_QUERY_MAX_BYTES + 2);
	memcpy(long_query, "q=", 2);
	long_query[CGI_QUERY_MAX_BYTES + 2] = '\0';
	check_json_error("GET", "q=%FF", 400, "search.json: bad UTF-8 is a JSON 400");
	check_json_error("GET", "q=a%00b", 400, "search.json: NUL is a JSON 400");
	check_json_error("GET", long_query, 400,
			 "search.json: an oversized query string is a JSON 400");
	check_json_error("GET", "page=0", 400, "search.json: page=0 is a JSON 400");
	check_json_error("POST", "q=spf", 405, "search.json: POST is a JSON 405");
	memset(&reply, 0, sizeof reply);
	cgisearch_json_error(CGI_TOO_BROAD, &reply.response);
	reply.body = xstrndup(reply.response.body, reply.response.body_length);
	CHECK(reply.response.status == 422 &&
	      contains(reply.body, "{\"error\":\"the search is too broad"),
	      "search.json: a query over its budget is a JSON 422");
	reply_free(&reply);
	memset(&reply, 0, sizeof reply);
	cgi_respond_error(&site, CGI_TOO_BROAD, &reply.response);
	reply.body = xstrndup(reply.response.body, reply.response.body_length);
	CHECK(reply.response.status == 422 &&
	      contains(reply.body, "検索語が広すぎます") &&
	      contains(reply.body, "絞り込んでください") &&
	      contains(reply.body, "id=\"site-search\""),
	      "search: a query over its budget is a themed 422 that says to "
	      "narrow it down, with the search box");
	reply_free(&reply);
	request(&reply, "DELETE", "/search.json", "");
	CHECK_STR(header(&reply, "Allow"), "GET, HEAD", "search.json: 405 has Allow");
	reply_free(&reply);
	free(long_query);
}

/* What q may not carry is read as a space, and the query is echoed
 * inside a bidi isolate. */
static void test_query_characters(void)
{
	const char *unwanted[][2] = {
		{"%E2%80%AE", "\xE2\x80\xAE"}, {"%E2%80%AD", "\xE2\x80\xAD"},
		{"%E2%81%A6", "\xE2\x81\xA6"}, {"%E2%80%8F", "\xE2\x80\x8F"},
		{"%EF%BF%BF", "\xEF\xBF\xBF"}, {"%EF%B7%90", "\xEF\xB7\x90"},
		{"%F0%9F%BF%BE", "\xF0\x9F\xBF\xBE"}, {"%0D%0A", "\r\n"},
		{"%E2%80%A8", "\xE2\x80\xA8"},
	};
	struct reply reply;

	for (size_t i = 0; i < sizeof unwanted / sizeof *unwanted; i++) {
		char *query = describe("q=SPF%s%%E8%%A8%%AD%%E5%%AE%%9A",
				       unwanted[i][0]);
		char *what = describe("q with %s: 200, the character nowhere in "
				      "the page", unwanted[i][0]);
		char *decoded = describe("%s", unwanted[i][1]);
		get(&reply, "/search", query);
		CHECK(reply.response.status == 200 &&
		      !contains(reply.body, decoded), what);
		reply_free(&reply);
		free(decoded);
		free(what);
		free(query);
	}
	get(&reply, "/search", "q=%E2%80%AE%E8%BF%B7%E6%83%91");
	CHECK(reply.response.status == 200 && contains(reply.body, "迷惑"),
	      "q with U+202E: the rest of the query still searched");
	reply_free(&reply);
	get(&reply, "/search", "q=SPF%09DKIM");
	CHECK_INT(reply.response.status, 200, "q with a tab: 200");
	reply_free(&reply);
	check_status("/search", "q=SPF%C2%85", 400);
	check_status("/search", "q=SPF%C2%9B", 400);
	check_status("/search", "q=SPF%C2%80", 400);
	check_status("/search", "q=SPF%C2%A0", 200);
	check_status("/search", "q=SPF%07", 400);
	check_status("/search", "q=SPF%7F", 400);
}

/* A KB_DB that would block (a FIFO), or a kb.db locked by a writer,
 * makes a quick 503, not a hang. */
static void test_waits(const char *folder, const char *db_path)
{
	struct cgi_site saved = site;
	char *fifo = path_join(folder, "fifo.db");
	struct timespec start, end;
	sqlite3 *writer = NULL;
	double seconds;

	CHECK(mkfifo(fifo, 0600) == 0, "waits: a FIFO made");
	clock_gettime(CLOCK_MONOTONIC, &start);
	cgi_site_open(&site, fifo);
	clock_gettime(CLOCK_MONOTONIC, &end);
	seconds = (double)(end.tv_sec - start.tv_sec) +
		  (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	CHECK(seconds < 2.0, "waits: a FIFO as KB_DB does not block");
	CHECK(site.db == NULL && contains(site.problem, "not a regular file"),
	      "waits: a FIFO as KB_DB is 'not a regular file'");
	check_status("/search", "q=spf", 503);
	cgi_site_close(&site);

	cgi_site_open(&site, folder);
	CHECK(contains(site.problem, "not a regular file"),
	      "waits: a folder as KB_DB is 'not a regular file'");
	cgi_site_close(&site);

	CHECK(sqlite3_open(db_path, &writer) == SQLITE_OK &&
	      sqlite3_exec(writer, "BEGIN EXCLUSIVE", NULL, NULL, NULL) ==
	      SQLITE_OK, "waits: a writer holds kb.db's exclusive lock");
	clock_gettime(CLOCK_MONOTONIC, &start);
	cgi_site_open(&site, db_path);
	check_status("/search", "q=spf", 503);
	clock_gettime(CLOCK_MONOTONIC, &end);
	seconds = (double)(end.tv_sec - start.tv_sec) +
		  (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	CHECK(seconds < 2.0 && seconds >= CGI_BUSY_TIMEOUT_MS / 1e3 * 0.9,
	      "waits: a locked kb.db is a 503 after the short busy wait");
	cgi_site_close(&site);
	sqlite3_exec(writer, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(writer);
	site = saved;
	unlink(fifo);
	free(fifo);
}

/* URLs read from kb.db go out under the URL policy of Markdown links. */
static void test_stored_urls(const char *folder, const char *db_path)
{
	struct cgi_site saved = site;
	char *copy = path_join(folder, "hostile.db");
	char *text;
	size_t length;
	sqlite3 *db = NULL;
	struct reply reply;

	CHECK(read_file(db_path, (size_t)1 << 30, &text, &length) == 0 &&
	      write_file(copy, text, length) == 0, "stored URLs: kb.db copied");
	free(text);
	CHECK(sqlite3_open(copy, &db) == SQLITE_OK &&
	      sqlite3_exec(db,
			   "UPDATE node_articles SET url = 'javascript:alert(1)' "
			   "WHERE position = 0;"
			   "UPDATE node_links SET url = 'JavaScript:alert(2)' "
			   "WHERE position = 0;"
			   "UPDATE node_body_links SET href = 'data:text/html,x';",
			   NULL, NULL, NULL) == SQLITE_OK &&
	      search_register(db) == SEARCH_OK &&
	      sqlite3_exec(db, "UPDATE search SET url = 'javascript:alert(3)' "
			   "WHERE url = '/delivery/spam-folder/'", NULL, NULL,
			   NULL) == SQLITE_OK,
	      "stored URLs: javascript: written into the outcomes");
	sqlite3_close(db);
	cgi_site_open(&site, copy);
	get(&reply, TREE "unknown-error",
	    "delivery-error-shown=yes&recipient-in-report=listed&"
	    "error-type=unknown&unknown-auth=no");
	CHECK_INT(reply.response.status, 200, "stored URLs: the outcome answers");
	CHECK(!contains(reply.body, "javascript:") &&
	      !contains(reply.body, "JavaScript:") &&
	      !contains(reply.body, "data:text"),
	      "stored URLs: no javascript: or data: URL written");
	CHECK(contains(reply.body, "href=\"/deliverability/spf/\"") &&
	      contains(reply.body, "dkimset/"),
	      "stored URLs: the safe articles and guides still listed");
	reply_free(&reply);
	get(&reply, "/search", "q=%E8%BF%B7%E6%83%91");
	CHECK(reply.response.status == 200 &&
	      !contains(reply.body, "javascript:") &&
	      contains(reply.body, "href=\"/"),
	      "stored URLs: a javascript: search result is left out, the "
	      "others listed");
	reply_free(&reply);
	get(&reply, "/search.json", "q=%E8%BF%B7%E6%83%91");
	CHECK(reply.response.status == 200 &&
	      !contains(reply.body, "javascript:") &&
	      contains(reply.body, "\"url\":\"/"),
	      "stored URLs: not in search.json either");
	reply_free(&reply);
	cgi_site_close(&site);

	CHECK(sqlite3_open(copy, &db) == SQLITE_OK &&
	      sqlite3_exec(db, "UPDATE theme SET value = '//evil.example' "
			   "WHERE key = 'cgi_url'", NULL, NULL, NULL) == SQLITE_OK,
	      "stored URLs: a hostile cgi_url written");
	sqlite3_close(db);
	cgi_site_open(&site, copy);
	CHECK(contains(site.problem, "stored cgi_url '//evil.example' is not "
		       "usable"), "stored URLs: a hostile cgi_url is a problem");
	check_status(TREE, "", 503);
	cgi_site_close(&site);
	site = saved;
	unlink(copy);
	free(copy);
}

/* ---- treestore and themestore ------------------------------------------------ */

static bool same_walk(const struct tree *a, const struct tree *b,
		      const struct tree_test *test)
{
	struct tree_answer *answers = xcalloc(test->path_length + 1,
					      sizeof *answers);
	struct tree_walk walk_a, walk_b;
	bool same;

	for (size_t i = 0; i < test->path_length; i++)
		answers[i] = (struct tree_answer){test->path[i].node,
						  test->path[i].option};
	tree_walk(a, answers, test->path_length, &walk_a);
	tree_walk(b, answers, test->path_length, &walk_b);
	same = walk_a.step_count == walk_b.step_count &&
	       strcmp(a->nodes[walk_a.node].id, b->nodes[walk_b.node].id) == 0 &&
	       strcmp(b->nodes[walk_b.node].id, test->expect) == 0;
	tree_walk_free(&walk_a);
	tree_walk_free(&walk_b);
	free(answers);
	return same;
}

static bool same_nodes(const struct tree *loaded, const struct tree *stored)
{
	if (loaded->node_count != stored->node_count ||
	    loaded->start != stored->start)
		return false;
	for (size_t i = 0; i < loaded->node_count; i++) {
		const struct tree_node *a = &loaded->nodes[i], *b = &stored->nodes[i];
		if (strcmp(a->id, b->id) != 0 || strcmp(a->title, b->title) != 0 ||
		    a->type != b->type || a->result != b->result ||
		    a->option_count != b->option_count ||
		    a->article_count != b->article_count ||
		    a->link_count != b->link_count ||
		    (a->body == NULL) != (b->body == NULL) ||
		    (a->body && strcmp(a->body, b->body) != 0))
			return false;
		for (size_t k = 0; k < a->option_count; k++)
			if (strcmp(a->options[k].id, b->options[k].id) != 0 ||
			    strcmp(a->options[k].label, b->options[k].label) != 0 ||
			    a->options[k].next_index != b->options[k].next_index)
				return false;
	}
	return true;
}

static void test_treestore(void)
{
	const char *files[] = {"mail-not-arriving", "spf-dkim-setup"};
	struct treestore_entry *entries;
	struct treestore_details details;
	size_t count;

	for (size_t f = 0; f < 2; f++) {
		char *path = xasprintf("decision-trees/%s.yaml", files[f]);
		struct tree *loaded = tree_load(".", path, NULL);
		struct tree *stored = NULL;
		char *what;
		bool walks = true;

		what = describe("treestore: %s reads back", files[f]);
		CHECK_INT(treestore_load(site.db, files[f], &stored), TREESTORE_OK,
			  what);
		free(what);
		what = describe("treestore: %s has the nodes, options and start "
				"of the YAML", files[f]);
		CHECK(loaded && stored && same_nodes(loaded, stored), what);
		free(what);
		for (size_t t = 0; loaded && stored && t < loaded->test_count; t++)
			walks = walks && same_walk(loaded, stored, &loaded->tests[t]);
		what = describe("treestore: %s walks every test path of the YAML "
				"to its outcome", files[f]);
		CHECK(loaded && stored && loaded->test_count > 0 && walks, what);
		free(what);
		tree_free(stored);
		tree_free(loaded);
		free(path);
	}
	CHECK_INT(treestore_load(site.db, "no-such-tree", &(struct tree *){NULL}),
		  TREESTORE_NOT_FOUND, "treestore: unknown tree");
	CHECK_INT(treestore_load(site.db, "' OR 1=1 --", &(struct tree *){NULL}),
		  TREESTORE_NOT_FOUND, "treestore: ids are bound, never spliced");
	CHECK_INT(treestore_list(site.db, &entries, &count), TREESTORE_OK,
		  "treestore: list");
	CHECK(count == 2 && strcmp(entries[0].id, "mail-not-arriving") == 0,
	      "treestore: both trees in build order");
	treestore_entries_free(entries, count);
	CHECK_INT(treestore_node_details(site.db, "mail-not-arriving",
					 "unknown-error", &details),
		  TREESTORE_OK, "treestore: node details");
	CHECK(details.article_count == 3 && details.link_count == 2 &&
	      strcmp(details.articles[1].url, "/deliverability/spf/") == 0,
	      "treestore: articles resolved to URLs, links to guides");
	treestore_details_free(&details);
	treestore_node_details(site.db, "mail-not-arriving", "error-type",
			       &details);
	CHECK_STR(treestore_body_href(&details, "../content/errors/check-errors.md"
				      "#エラーレポートの見方"),
		  "/errors/check-errors/#エラーレポートの見方",
		  "treestore: body links keep their anchor");
	treestore_details_free(&details);
}

static void test_themestore(void)
{
	const struct theme *theme = site.store.theme;
	const char *path, *label;

	CHECK(theme != NULL, "themestore: the theme loads from kb.db");
	if (theme == NULL)
		return;
	CHECK_STR(theme_text(theme, "search-button"), "検索",
		  "themestore: the site's UI strings");
	CHECK_STR(theme_text(theme, "wizard-answers"), "回答の履歴",
		  "themestore: the CGI's own UI strings");
	CHECK_INT(theme_nav_count(theme), 5, "themestore: the navigation");
	theme_nav_entry(theme, 4, &path, &label);
	CHECK_STR(path, "wizard/", "themestore: navigation in order");
	CHECK_STR(site.store.cgi_url, "/cgi-bin/kb.cgi", "themestore: cgi_url");
	CHECK_STR(site.store.search_action, "/cgi-bin/kb.cgi/search",
		  "themestore: the search form's action");
}

int main(void)
{
	char folder[] = "/tmp/kbgen-test-cgi-XXXXXX";
	struct build_options options = {.root = "."};
	char *out, *db;

	TEST_SUITE("cgi");
	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	out = path_join(folder, "out");
	db = path_join(out, "kb.db");
	options.out_dir = out;
	CHECK_INT(build_run(&options), BUILD_OK, "the shipped site builds");
	diag_print(stdout);
	diag_clear();
	cgi_site_open(&site, db);
	CHECK(site.problem == NULL, "kb.db opens with its theme");

	test_parsing();
	test_parsing_limits();
	test_validate();
	test_checks();
	test_query_clean();
	test_statuses();
	test_headers();
	if (site.problem == NULL) {
		test_search();
		test_search_odd_queries();
		test_search_limits();
		test_search_json();
		test_wizard_walk();
		test_wizard_from();
		test_wizard_contact();
		test_wizard_detours();
		test_wizard_for_search_engines();
		test_other_statuses();
		test_treestore();
		test_themestore();
	}
	test_unavailable(folder);
	if (site.problem == NULL) {
		test_script_name();
		test_json_errors();
		test_query_characters();
		test_stored_urls(folder, db);
		test_waits(folder, db);
	}

	cgi_site_close(&site);
	remove_tree(folder);
	free(db);
	free(out);
	diag_clear();
	xmlCleanupParser();
	return TEST_EXIT();
}
