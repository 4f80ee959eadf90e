/*
 * test_match.c — db/match.c: FTS5 expressions evaluated in C against the
 * phrases a row holds; what it refuses; and, on rows of many kinds of
 * text, that a row matches in C exactly when FTS5 says it does.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db/match.h"
#include "db/query.h"
#include "db/search.h"
#include "db/snippet.h"
#include "test.h"

/* The expression evaluated with the phrases whose letters ('a' for the
 * first, 'b' for the second...) appear in held. */
static int eval(const char *expression, const char *held)
{
	struct match_expr *expr = match_parse(expression);
	bool found[26] = {false};
	int result;

	if (expr == NULL)
		return -1;
	for (const char *c = held; *c; c++)
		found[*c - 'a'] = true;
	result = match_eval(expr, found);
	match_free(expr);
	return result;
}

static void test_parse(void)
{
	struct match_expr *expr;

	TEST_SUITE("match/parse");
	CHECK_INT(eval("\"a\"", "a"), 1, "one phrase, held");
	CHECK_INT(eval("\"a\"", ""), 0, "one phrase, missing");
	CHECK_INT(eval("\"x y\"*", "a"), 1, "a phrase of two terms and a prefix");
	CHECK_INT(eval("\"a\" \"b\"", "a"), 0, "side by side: both needed");
	CHECK_INT(eval("\"a\" \"b\"", "ab"), 1, "side by side: both held");
	CHECK_INT(eval("\"a\" AND \"b\"", "b"), 0, "AND");
	CHECK_INT(eval("\"a\" OR \"b\"", "b"), 1, "OR");
	CHECK_INT(eval("\"a\" OR \"b\" AND \"c\"", "b"), 0,
		  "AND binds tighter than OR: b alone is not b AND c");
	CHECK_INT(eval("\"a\" OR \"b\" AND \"c\"", "a"), 1,
		  "AND binds tighter than OR: a alone is enough");
	CHECK_INT(eval("(\"a\" OR \"b\") AND \"c\"", "b"), 0, "parentheses");
	CHECK_INT(eval("(\"a\" OR \"b\") AND \"c\"", "bc"), 1,
		  "parentheses, held");
	CHECK_INT(eval("\"a\" OR \"b\" \"c\"", "bc"), 1,
		  "side by side inside OR");
	CHECK_INT(eval("(\"a\" AND (\"b\" OR \"c\")) OR \"d\"", "ac"), 1,
		  "nested");
	CHECK_INT(eval("\"say \"\"hi\"\"\" AND \"b\"", "ab"), 1,
		  "a quote written twice inside a phrase");
	expr = match_parse("(\"a\" OR \"b\") AND \"c\"*");
	CHECK(expr != NULL && match_phrase_count(expr) == 3,
	      "three phrases counted");
	match_free(expr);
	CHECK_INT(eval("NEAR(\"a\" \"b\", 8)", "ab"), -1, "NEAR is refused");
	CHECK_INT(eval("\"a\" NOT \"b\"", "a"), -1, "NOT is refused");
	CHECK_INT(eval("title:\"a\"", "a"), -1, "a column filter is refused");
	CHECK_INT(eval("^\"a\"", "a"), -1, "^ is refused");
	CHECK_INT(eval("\"a\" + \"b\"", "ab"), -1, "+ is refused");
	CHECK_INT(eval("\"a", "a"), -1, "an open phrase is refused");
	CHECK_INT(eval("(\"a\"", "a"), -1, "an open parenthesis is refused");
	CHECK_INT(eval("\"a\")", "a"), -1, "a stray ')' is refused");
	CHECK_INT(eval("\"a\" AND", "a"), -1, "AND with nothing after");
	CHECK_INT(eval("OR \"a\"", "a"), -1, "OR with nothing before");
	CHECK_INT(eval("", ""), -1, "an empty expression is refused");
	CHECK_INT(eval("ANDROID", ""), -1, "a bare word is refused");
	CHECK(match_parse(NULL) == NULL, "NULL is refused");
}

static void test_deep(void)
{
	char deep[400] = "";

	TEST_SUITE("match/deep");
	for (int i = 0; i < 100; i++)
		strcat(deep, "(");
	strcat(deep, "\"a\"");
	for (int i = 0; i < 100; i++)
		strcat(deep, ")");
	CHECK_INT(eval(deep, "a"), -1,
		  "100 levels of parentheses are refused, not recursed into");
	CHECK_INT(eval("((((\"a\"))))", "a"), 1, "a few levels are fine");
}

/* Rows of many kinds: CJK runs and their last characters, kana,
 * full-width Latin, digits with dots, a word inside a longer one. */
static const char *const texts[][4] = {
	{"迷惑メールフォルダ", "確認方法", "spam", "迷惑メールに振り分けられたメールを確認します。"},
	{"SPFレコードの設定", "v=spf1", "spf dns", "ＳＰＦ の include を追加します。"},
	{"DKIM署名", NULL, "dkim", "署名が検証できないとエラーになります。"},
	{"エラーコード5.1.1", "原因", NULL, "宛先のアドレスが存在しません。5.1.1 は恒久的なエラーです。"},
	{"配信停止", "手順", "unsubscribe", "配信停止の依頼を受けたら、すぐに停止します。"},
	{"一時的なエラー", "再送", "retry", "一時的にサーバーが混み合っています。"},
	{"対策方法", NULL, NULL, "迷惑メール対策の方法をまとめました。"},
	{"メールが届かない", "迷", NULL, "届かないときは迷"},
	{"spfsetup", "SPF", "spf1", "spf の設定は spfsetup ガイドを参照。"},
	{"Outlook", "受信", "outlook microsoft", "Outlook で受信できない場合。"},
};

static const char *const queries[] = {
	"迷惑", "迷", "メール", "迷惑メール", "確認方法", "spf", "SPF", "spf1",
	"spfs", "ＳＰＦ", "dkim", "DKIM 署名", "署名", "5.1.1", "5.1", "エラー",
	"エラーコード", "配信停止", "停止", "一時的", "一時的なエラー", "対策方法",
	"対策", "方法", "届かない", "メールが届かない", "outlook 受信", "受信",
	"micro", "の", "v=spf1", "include", "恒久的", "宛先 アドレス", "サーバー",
	"混み合", "再送", "retry", "unsub", "フォルダ",
};

static sqlite3_int64 row_ids[sizeof texts / sizeof *texts];

static sqlite3 *open_rows(void)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
		  search_schema_create(db) == SEARCH_OK;
	sqlite3_stmt *statement = NULL;

	for (size_t i = 0; ok && i < sizeof texts / sizeof *texts; i++) {
		char url[32];
		struct search_row row = {.url = url, .kind = "article",
					 .title = texts[i][0],
					 .heading = texts[i][1],
					 .anchor = texts[i][1] ? "h" : NULL,
					 .tags = texts[i][2],
					 .body = texts[i][3]};

		snprintf(url, sizeof url, "/r/%zu/", i);
		ok = search_add_row(db, &row) == SEARCH_OK;
	}
	ok = ok && sqlite3_prepare_v2(db, "SELECT rowid FROM search WHERE url = ?1",
				      -1, &statement, NULL) == SQLITE_OK;
	for (size_t i = 0; ok && i < sizeof texts / sizeof *texts; i++) {
		char url[32];

		snprintf(url, sizeof url, "/r/%zu/", i);
		sqlite3_bind_text(statement, 1, url, -1, SQLITE_TRANSIENT);
		ok = sqlite3_step(statement) == SQLITE_ROW;
		row_ids[i] = sqlite3_column_int64(statement, 0);
		sqlite3_reset(statement);
	}
	sqlite3_finalize(statement);
	if (!ok) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Whether FTS5 matches row rowid with the expression; -1 on an error. */
static int fts5_matches(sqlite3 *db, const char *expression,
			sqlite3_int64 rowid)
{
	sqlite3_stmt *statement = NULL;
	int result = -1;

	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM search WHERE search MATCH ?1 "
			       "AND rowid = ?2", -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, expression, -1, SQLITE_STATIC) ==
		    SQLITE_OK &&
	    sqlite3_bind_int64(statement, 2, rowid) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		result = sqlite3_column_int(statement, 0) > 0;
	sqlite3_finalize(statement);
	return result;
}

/* Whether the row matches in C: its four columns' phrases found. */
static bool c_matches(const struct match_expr *expr,
		      const struct snippet_query *marks, size_t row)
{
	bool found[64] = {false};

	for (int column = 0; column < 4; column++)
		if (texts[row][column] != NULL)
			snippet_find_phrases(marks, texts[row][column],
					     strlen(texts[row][column]), found);
	return match_eval(expr, found);
}

/* Compares C and FTS5 over every row for one expression; counts the
 * expressions checked and the rows that matched. */
static bool agree(sqlite3 *db, const char *expression, size_t *checked,
		  size_t *matched)
{
	struct match_expr *expr = match_parse(expression);
	struct snippet_query *marks;
	bool ok = true;

	if (expr == NULL)
		return true; /* refused: FTS5 decides, nothing to compare */
	marks = snippet_query_new(expression, NULL);
	ok = match_phrase_count(expr) == snippet_query_phrase_count(marks);
	for (size_t i = 0; ok && i < sizeof texts / sizeof *texts; i++) {
		int fts5 = fts5_matches(db, expression, row_ids[i]);
		bool c = c_matches(expr, marks, i);

		ok = fts5 >= 0 && c == (fts5 == 1);
		if (!ok)
			printf("# %s, row %zu: FTS5 %d, C %d\n", expression, i,
			       fts5, c);
		*matched += c;
	}
	(*checked)++;
	snippet_query_free(marks);
	match_free(expr);
	return ok;
}

static void test_agrees_with_fts5(void)
{
	sqlite3 *db = open_rows();
	size_t checked = 0, matched = 0;
	bool ok = db != NULL;

	TEST_SUITE("match/fts5");
	CHECK(db != NULL, "rows of ten kinds of text");
	for (size_t i = 0; ok && i < sizeof queries / sizeof *queries; i++) {
		char *expression = NULL, *singles = NULL;
		struct query_tiers tiers = {0};

		ok = query_build_tiers(db, queries[i], strlen(queries[i]),
				       &expression, &singles, &tiers) ==
			     SEARCH_OK &&
		     expression != NULL;
		ok = ok && agree(db, expression, &checked, &matched) &&
		     (tiers.exact == NULL ||
		      agree(db, tiers.exact, &checked, &matched)) &&
		     (tiers.loose == NULL ||
		      agree(db, tiers.loose, &checked, &matched));
		if (!ok)
			printf("# query %s: %s\n", queries[i],
			       expression ? expression : "(none)");
		free(expression);
		free(singles);
		query_tiers_free(&tiers);
	}
	CHECK(ok, "every row matches in C exactly when FTS5 matches it, for "
		  "every expression and tier of 40 queries");
	CHECK(checked >= sizeof queries / sizeof *queries && matched > 40,
	      "the expressions were checked and matched rows");
	printf("# %zu expressions checked, %zu row matches\n", checked, matched);
	sqlite3_close(db);
}

int main(void)
{
	test_parse();
	test_deep();
	test_agrees_with_fts5();
	return TEST_EXIT();
}
