/*
 * test_snippet.c — snippets without FTS5 (db/snippet.h): the phrases read
 * from the expressions query_build writes, every occurrence marked by its
 * original bytes (full-width, overlapping bigrams, a run's last
 * character), one-character prefixes marked exactly, the window, and
 * hostile expressions and text.
 */
#include <stdlib.h>
#include <string.h>

#include "db/query.h"
#include "db/snippet.h"
#include "test.h"

/* The marked snippet of text for the expression, markers shown as [ ]. */
static char *marked(const char *expression, const char *singles,
		    const char *text, size_t width)
{
	struct snippet_query *query = snippet_query_new(expression, singles);
	char *snippet = snippet_mark(query, text, strlen(text), width);

	for (char *c = snippet; *c; c++)
		if (*c == '\x02')
			*c = '[';
		else if (*c == '\x03')
			*c = ']';
	snippet_query_free(query);
	return snippet;
}

static void check_marked(const char *expression, const char *singles,
			 const char *text, const char *expected,
			 const char *what)
{
	char *snippet = marked(expression, singles, text, 96);

	CHECK_STR(snippet, expected, what);
	free(snippet);
}

/* The expression and singles query_build writes for text, without the
 * analysis (db NULL). */
static void check_typed(const char *typed, const char *text,
			const char *expected, const char *what)
{
	char *expression = NULL, *singles = NULL;

	query_build(NULL, typed, strlen(typed), &expression, &singles);
	check_marked(expression, singles, text, expected, what);
	free(expression);
	free(singles);
}

static void test_phrases(void)
{
	TEST_SUITE("snippet/phrases");
	check_marked("\"迷惑\"", "", "迷惑メールフォルダ",
		     "[迷惑]メールフォルダ", "a bigram at the start");
	check_marked("\"メー ール\"", "", "迷惑メールと、メール",
		     "迷惑[メール]と、[メール]", "every occurrence");
	check_marked("\"迷惑\" AND \"フォ ォル ルダ\"", "",
		     "迷惑メールフォルダ", "[迷惑]メール[フォルダ]",
		     "both sides of an AND");
	check_marked("(\"迷惑 惑フ\" OR NEAR(\"迷惑\" \"フォ ォル ルダ\", 8))",
		     "\x1F\x1F", "迷惑メールフォルダ",
		     "[迷惑]メール[フォルダ]",
		     "a phrase that does not occur marks nothing");
	check_marked("\"spf\"", "", "ＳＰＦレコードと spf",
		     "[ＳＰＦ]レコードと [spf]",
		     "full-width text marked by its own bytes");
	check_marked("\"dkim\"*", "", "DKIM-Signature",
		     "[DKIM]-Signature", "a Latin prefix");
	check_marked("\"エラ ラー\"", "", "配信エラー",
		     "配信[エラー]", "a run's last bigram and character");
	check_marked("\"届\"*", "届", "メールが届かない。届",
		     "メールが[届]かない。[届]",
		     "a one-character prefix marks that character alone");
	check_marked("\"a\"\"b\"", "", "a\"b and ab", "[a\"b] and ab",
		     "a doubled quote is a quote inside the phrase, which "
		     "separates its terms as in the text");
	check_marked("\"迷惑\"", "", "迷惑\x02メール\x03",
		     "[迷惑] メール ", "markers in the text become spaces");
}

static void test_typed(void)
{
	TEST_SUITE("snippet/typed");
	check_typed("迷惑", "迷惑メールフォルダに入る", "[迷惑]メールフォルダに入る",
		    "a word as typed");
	check_typed("受信 拒否", "受信を拒否された", "[受信]を[拒否]された",
		    "two words");
	check_typed("届", "届く", "[届]く", "a lone character typed");
	check_typed("SPF", "spf1 と SPF", "[spf1] と [SPF]",
		    "the last word typed is a prefix: the whole word it "
		    "begins is marked");
}

static void test_hostile(void)
{
	char long_text[20000];
	char *snippet;

	TEST_SUITE("snippet/hostile");
	check_marked(NULL, NULL, "text", "text", "no expression");
	check_marked("", "", "text", "text", "an empty expression");
	check_marked("\"unclosed", "", "an unclosed phrase",
		     "an [unclosed] phrase", "an unclosed quote");
	check_marked("\"\"", "", "text", "text", "an empty phrase");
	check_marked("\"x\"", "", "", "", "empty text");
	check_marked("\"\xff\xfe\"", "", "a \xff\xfe b", "a \xff\xfe b",
		     "bytes that are not UTF-8 never match");
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	memcpy(long_text + 10000, " needle ", 8);
	snippet = marked("\"needle\"", "", long_text, 96);
	CHECK(strstr(snippet, "[needle]") != NULL,
	      "the window moves to a match deep in a long text");
	CHECK(strlen(snippet) < 200, "the window stays about its width");
	free(snippet);
	snippet = marked("\"x\"", "", "x", 1);
	CHECK_STR(snippet, "[x]", "a width out of range is the default");
	free(snippet);
}

struct near_case {
	const char *query, *text;
	size_t distance;
	bool near;
	const char *what;
};

static const struct near_case near_cases[] = {
	{"NEAR(\"spf\" \"エラ ラー\" \"にな\", 8)",
	 "SPFはエラー(permerror)になり、認証に失敗します。", 8, true,
	 "the words together, a symbol and a Latin word between"},
	{"NEAR(\"spf\" \"エラ ラー\", 8)", "エラー SPF DKIM", 8, true,
	 "in any order"},
	{"NEAR(\"spf\" \"dkim\", 2)", "SPF a b DKIM", 2, true,
	 "two tokens between, at distance 2"},
	{"NEAR(\"spf\" \"dkim\", 1)", "SPF a b DKIM", 1, false,
	 "two tokens between, at distance 1"},
	{"NEAR(\"spf\" \"dkim\" \"dmarc\", 1)", "DMARC SPF DKIM", 1, true,
	 "three side by side: the middle one is between the others"},
	{"NEAR(\"spf\" \"dkim\" \"dmarc\", 0)", "DMARC SPF DKIM", 0, false,
	 "three side by side at distance 0"},
	{"NEAR(\"spf\" \"dkim\", 0)", "SPF DKIM", 0, true,
	 "two side by side at distance 0"},
	{"NEAR(\"spf\" \"dkim\", 3)", "SPF a b c d e DKIM x SPF", 3, true,
	 "the closer pair of several instances"},
	{"NEAR(\"spf\" \"エラ ラー\" \"にな\", 8)",
	 "SPFの設定方法。エラーの内容を確認します。", 8, false,
	 "a word missing"},
	{"NEAR(\"迷惑\" \"メー ール ルフ フォ ォル ルダ\", 8)",
	 "迷惑メールフォルダ", 8, true, "a phrase of several bigrams"},
	{"NEAR(\"迷惑\" \"フォ ォル ルダ\", 2)",
	 "迷惑なものはメールのフォルダ", 2, false,
	 "bigrams count as tokens: too far"},
	{"", "SPF", 8, false, "no phrases"},
};

/* snippet_near: the window of tokens, in any order, per column. */
static void test_near(void)
{
	TEST_SUITE("snippet/near");
	for (size_t i = 0; i < sizeof near_cases / sizeof *near_cases; i++) {
		const struct near_case *c = &near_cases[i];
		struct snippet_query *query = snippet_query_new(c->query, NULL);

		CHECK(snippet_near(query, c->text, strlen(c->text),
				   c->distance) == c->near,
		      c->what);
		snippet_query_free(query);
	}
}

int main(void)
{
	test_phrases();
	test_typed();
	test_near();
	test_hostile();
	return TEST_EXIT();
}
