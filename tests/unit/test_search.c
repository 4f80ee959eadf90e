/*
 * test_search.c — the search module over a small hand-made index: query
 * building (every hostile input run as a real MATCH), ranking, tie-break,
 * phrase and prefix semantics, snippets, the writers' checks.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/search.h"
#include "db/fts5.h"
#include "db/tokenizer.h"
#include "test.h"
#include "base/util.h"

static const struct search_row rows[] = {
	{"/delivery/spam-folder/", NULL, "article",
	 "迷惑メールフォルダを確認してください", NULL, "Gmail 迷惑メール",
	 "届いたメールが迷惑メールフォルダに振り分けられていることがあります。"},
	{"/delivery/spam-folder/", "gmail-tabs", "article",
	 "迷惑メールフォルダを確認してください", "Gmailのタブ", "Gmail",
	 "プロモーションタブに入ることもあります。"},
	{"/deliverability/spf/", NULL, "article", "SPFレコードの設定", NULL,
	 "SPF DNS",
	 "v=spf1 include:_spf.example.com -all をTXTレコードに設定します。"},
	{"/deliverability/dkim/", NULL, "article", "DKIM署名の設定", NULL,
	 "DKIM", "ＳＰＦと一緒に設定してください。到達率が上がります。"},
	{"/errors/permanent-error/", NULL, "article", "永続的なエラー", NULL,
	 "エラー", "550 5.1.1 User unknown は宛先が存在しないエラーです。"},
	{"/errors/unknown-error/", NULL, "article", "原因不明のエラー", NULL,
	 "エラー", "迷惑な話ですが、メールの原因がわからないこともあります。"},
	{"/notes/escaping/", NULL, "article", "表示のテスト", NULL, NULL,
	 "<script>alert(\"迷惑\")</script> & 'quotes'"},
	{"/tie/b/", NULL, "article", "同点の記事", NULL, NULL, "同点の本文です"},
	{"/tie/a/", NULL, "article", "同点の記事", NULL, NULL, "同点の本文です"},
	{"/wizard/mail-not-arriving/check-spam/", NULL, "node",
	 "迷惑メールフォルダにありますか?", "送ったメールが届きません", NULL,
	 "迷惑メールフォルダを探してください。"},
	{"/repeat/", NULL, "article", "繰り返し", NULL, NULL, "ははは、メールメール"},
};

static sqlite3 *open_index(void)
{
	sqlite3 *db = NULL;
	size_t i;
	bool ok;

	ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
	     search_schema_create(db) == SEARCH_OK;
	for (i = 0; ok && i < sizeof rows / sizeof rows[0]; i++)
		ok = search_add_row(db, &rows[i]) == SEARCH_OK;
	CHECK(ok, "build an in-memory index of hand-made rows");
	return db;
}

/* The result urls, with #anchor when there is one, joined by spaces. */
static char *run_urls(sqlite3 *db, const char *query, size_t limit)
{
	struct search_results results;
	struct buf out = {0};
	size_t i;
	int rc = search_run(db, query, strlen(query), limit, 0, &results);

	if (rc != SEARCH_OK)
		buf_printf(&out, "error %d", rc);
	for (i = 0; i < results.count; i++) {
		buf_printf(&out, "%s%s", i ? " " : "", results.items[i].url);
		if (results.items[i].anchor)
			buf_printf(&out, "#%s", results.items[i].anchor);
	}
	search_results_free(&results);
	return buf_detach(&out);
}

/* Rows (not articles) matching an FTS5 expression, read directly. */
static size_t count_rows(sqlite3 *db, const char *match)
{
	sqlite3_stmt *statement = NULL;
	size_t found = 0;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM search "
			       "WHERE search MATCH ?1", -1, &statement,
			       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, match, -1, SQLITE_STATIC) ==
		    SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		found = (size_t)sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return found;
}

static size_t run_total(sqlite3 *db, const char *query)
{
	struct search_results results;
	size_t total;

	search_run(db, query, strlen(query), 0, 0, &results);
	total = results.total;
	search_results_free(&results);
	return total;
}

static void add_marked_run(void *user, const char *text, size_t length,
			   bool marked)
{
	struct buf *out = user;

	buf_adds(out, marked ? "<mark>" : "");
	buf_add(out, text, length);
	buf_adds(out, marked ? "</mark>" : "");
}

/* A snippet as its text with each highlight inside <mark>…</mark> (not
 * escaped: the search layer leaves escaping to each output). */
static char *marked_text(const struct search_snippet *snippet)
{
	struct buf out = {0};

	search_snippet_runs(snippet, add_marked_run, &out);
	return out.data != NULL ? buf_detach(&out) : xstrdup("");
}

static char *first_snippet(sqlite3 *db, const char *query)
{
	struct search_results results;
	char *snippet = NULL;

	if (search_run(db, query, strlen(query), 1, 0, &results) ==
		    SEARCH_OK &&
	    results.count == 1)
		snippet = marked_text(&results.items[0].snippet);
	search_results_free(&results);
	return snippet;
}

static void check_query(const char *input, const char *want, const char *what)
{
	char *query = NULL;
	int rc = search_build_query(input, strlen(input), &query);

	CHECK_INT(rc, SEARCH_OK, what);
	if (want == NULL)
		CHECK(query == NULL, what);
	else
		CHECK_STR(query, want, what);
	free(query);
}

static void test_build_query(void)
{
	TEST_SUITE("search/query");
	check_query("spf", "\"spf\"*", "the last word is a prefix");
	check_query("spf ", "\"spf\"", "not when a space follows it");
	check_query("SPF DKIM", "\"spf\" \"dkim\"*", "words are ANDed");
	check_query("迷惑メール", "\"迷惑 惑メ メー ール\"",
		    "a CJK run is one phrase of bigrams");
	check_query("迷惑 設定", "\"迷惑\" \"設定\"", "CJK words are ANDed");
	check_query("迷", "\"迷\"*", "a lone CJK character is a prefix");
	check_query("5.1.1", "\"5 1 1\"*", "5.1.1 is a phrase");
	check_query("a-b", "\"a b\"*", "a-b is a phrase");
	check_query("-all", "\"all\"*", "a leading minus is no operator");
	check_query("v=spf1", "\"v spf1\"*", "v=spf1 is a phrase");
	check_query("SPFレコード", "\"spf レコ コー ード\"",
		    "a word touching a CJK run joins its phrase");
	check_query("5月", "\"5 月\"*", "a lone CJK character after a word");
	check_query("AND", "\"and\"*", "AND is a word");
	check_query("a OR b NOT c", "\"a\" \"or\" \"b\" \"not\" \"c\"*",
		    "OR and NOT are words");
	check_query("NEAR(a b)", "\"near\" \"a\" \"b\"",
		    "NEAR( is a word and a separator");
	check_query("title:SPF", "\"title spf\"*", "no column filter");
	check_query("ＳＰＦ", "\"spf\"*", "full-width letters fold");
	check_query("!!", NULL, "punctuation only: no query");
	check_query("\"", NULL, "a quote: no query");
	check_query("*", NULL, "a star: no query");
	check_query("^", NULL, "a caret: no query");
	check_query("", NULL, "empty: no query");
	check_query(" \t\n　 ", NULL, "whitespace only: no query");
	check_query("\xFF\xFE", NULL, "invalid UTF-8 only: no query");
	check_query("spf\xFF", "\"spf\"", "invalid UTF-8 after a word");
}

static void test_query_limits(void)
{
	struct buf text = {0};
	char *query = NULL;
	size_t i;

	TEST_SUITE("search/query-limits");
	for (i = 0; i < SEARCH_QUERY_MAX_CHARACTERS; i++)
		buf_adds(&text, "迷");
	CHECK_INT(search_build_query(text.data, text.length, &query), SEARCH_OK,
		  "exactly the limit in CJK characters is accepted");
	CHECK(query != NULL, "and gives a query");
	free(query);
	buf_adds(&text, "x");
	CHECK_INT(search_build_query(text.data, text.length, &query),
		  SEARCH_TOO_LONG, "one character more is too long");
	CHECK(query == NULL, "too long leaves no query");
	buf_reset(&text);
	for (i = 0; i < 10000; i++)
		buf_addc(&text, "ab \""[i % 4]);
	CHECK_INT(search_build_query(text.data, text.length, &query),
		  SEARCH_TOO_LONG, "10,000 characters are too long");
	CHECK_STR(search_strerror(SEARCH_TOO_LONG), "query too long",
		  "the message for too long");
	buf_free(&text);
}

/* Issue 15: what one query may cost. */
static void test_query_cost(sqlite3 *db)
{
	struct buf text = {0};
	struct search_results results;
	char *query = NULL;
	size_t phrases = 0;

	TEST_SUITE("search/query-cost");
	for (int i = 0; i < 128; i++)
		buf_adds(&text, "の ");
	check_query(text.data, "\"の\"*", "'の ' x 128 is one term");
	check_query("spf SPF ＳＰＦ spf", "\"spf\" \"spf\"*",
		    "repeated words merged (the last one stays a prefix)");
	check_query("迷惑 設定 迷惑 設定 迷惑", "\"迷惑\" \"設定\"",
		    "repeated CJK words merged");
	check_query("あ い う え", "\"あ\"* \"い\"* \"う\" \"え\"",
		    "at most SEARCH_MAX_PREFIX_TERMS prefixes");
	buf_reset(&text);
	for (int i = 0; i < 40; i++)
		buf_printf(&text, "w%d ", i);
	CHECK_INT(search_build_query(text.data, text.length, &query), SEARCH_OK,
		  "40 distinct words: a query");
	for (const char *c = query; c && *c; c++)
		phrases += c[0] == '"' && (c == query || c[-1] == ' ');
	CHECK_INT(phrases, SEARCH_MAX_TERMS, "40 distinct words: the first "
		  "SEARCH_MAX_TERMS kept");
	CHECK(query != NULL && strncmp(query, "\"w0\" \"w1\" ", 10) == 0,
	      "40 distinct words: the first ones, in order");
	free(query);
	buf_free(&text);

	CHECK_INT(search_run_budget(db, "迷惑", strlen("迷惑"), 10, 0, 0,
				    &results), SEARCH_TOO_BROAD,
		  "a query over its budget is SEARCH_TOO_BROAD");
	CHECK(results.count == 0 && results.items == NULL,
	      "a query over its budget leaves no results");
	search_results_free(&results);
	CHECK_INT(search_run_budget(db, "迷惑", strlen("迷惑"), 10, 0, 1e6,
				    &results), SEARCH_OK,
		  "the same query within a budget is answered");
	search_results_free(&results);
	CHECK_INT(search_run(db, "迷惑", strlen("迷惑"), 10, 0, &results),
		  SEARCH_OK, "the progress handler is removed after a query");
	search_results_free(&results);
	CHECK_STR(search_strerror(SEARCH_TOO_BROAD),
		  "the search is too broad: narrow it down",
		  "the message for too broad");
}

/* Every hostile input, run as a real MATCH on the index: SQLite must
 * accept the query (or there is none, or it is too long). */
static void test_hostile(sqlite3 *db)
{
	static const char *const inputs[] = {
		"5.1.1", "a-b", "-all", "v=spf1", "!!", "AND", "OR", "NOT",
		"NEAR(a b)", "title:SPF", "\"", "*", "^", "", "   ", "\t\n",
		"\xFF\xFE\xFD", "迷惑\xC3(メール", "a AND", "OR b", "(a", "a)",
		"\"spf\"*", "{title body}: spf", "^spf", "spf + dkim",
		"NEAR(\"a\" \"b\", 3)", "a:b:c", "-", "--", "..", "*spf*",
		"'; DROP TABLE search; --", "\x01\x02\x03", "😀", "ー", "々",
		"ａｎｄ", "ＡＮＤ", "NOT NOT", "rank:1", "rowid=1", "迷惑 OR メール",
	};
	struct buf long_text = {0};
	size_t i;

	TEST_SUITE("search/hostile");
	for (i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct search_results results;
		int rc = search_run(db, inputs[i], strlen(inputs[i]), 10, 0,
				    &results);
		char *what = xasprintf("input %zu runs without an error", i);

		CHECK_INT(rc, SEARCH_OK, what);
		free(what);
		search_results_free(&results);
	}
	for (i = 0; i < SEARCH_QUERY_MAX_CHARACTERS; i++)
		buf_addc(&long_text, "ab \""[i % 4]);
	{
		struct search_results results;
		int rc = search_run(db, long_text.data, long_text.length, 10, 0,
				    &results);

		CHECK_INT(rc, SEARCH_OK,
			  "the longest query, 64 phrases, runs without an error");
		search_results_free(&results);
	}
	buf_free(&long_text);
}

static sqlite3_int64 rowid_of(sqlite3 *db, const char *url)
{
	sqlite3_stmt *statement = NULL;
	sqlite3_int64 rowid = -1;

	if (sqlite3_prepare_v2(db, "SELECT rowid FROM search WHERE url = ?1",
			       -1, &statement, NULL) == SQLITE_OK) {
		sqlite3_bind_text(statement, 1, url, -1, SQLITE_STATIC);
		if (sqlite3_step(statement) == SQLITE_ROW)
			rowid = sqlite3_column_int64(statement, 0);
	}
	sqlite3_finalize(statement);
	return rowid;
}

static void test_ranking(sqlite3 *db)
{
	char *urls, *again;

	TEST_SUITE("search/ranking");
	urls = run_urls(db, "spf", 10);
	CHECK_STR(urls, "/deliverability/spf/ /deliverability/dkim/",
		  "title match ranks above a body match");
	free(urls);
	urls = run_urls(db, "同点", 10);
	CHECK_STR(urls,
		  search_home_rowid("/tie/a/", NULL, "article") <
				  search_home_rowid("/tie/b/", NULL, "article")
			  ? "/tie/a/ /tie/b/"
			  : "/tie/b/ /tie/a/",
		  "equal scores are ordered by rowid, from the rows' identity");
	free(urls);
	urls = run_urls(db, "メール", 20);
	again = run_urls(db, "メール", 20);
	CHECK_STR(again, urls, "a common word gives the same order twice");
	free(urls);
	free(again);
	urls = run_urls(db, "gmail", 10);
	CHECK_STR(urls, "/delivery/spam-folder/#gmail-tabs",
		  "heading outranks tags; anchors come back; one result per "
		  "article");
	free(urls);
	urls = run_urls(db, "迷惑メールフォルダ", 10);
	CHECK_STR(urls,
		  "/delivery/spam-folder/#gmail-tabs "
		  "/wizard/mail-not-arriving/check-spam/",
		  "an article outranks a wizard node matching as well");
	free(urls);
	CHECK_INT(rowid_of(db, "/wizard/mail-not-arriving/check-spam/"),
		  search_home_rowid("/wizard/mail-not-arriving/check-spam/",
				    NULL, "node"),
		  "a wizard node's rowid is its home");
	CHECK(rowid_of(db, "/wizard/mail-not-arriving/check-spam/") >=
		      SEARCH_NODE_ROWID_BASE,
	      "wizard nodes are numbered from 2^40");
	CHECK_INT(rowid_of(db, "/repeat/"),
		  search_home_rowid("/repeat/", NULL, "article"),
		  "an article row's rowid is its home");
	CHECK(rowid_of(db, "/repeat/") >= 1 &&
		      rowid_of(db, "/repeat/") < SEARCH_NODE_ROWID_BASE,
	      "articles are numbered below 2^40");
}

/* The homes search_champions lists under token, joined by spaces, best
 * first. */
static char *champion_homes(sqlite3 *db, const char *token)
{
	sqlite3_stmt *statement = NULL;
	struct buf out = {0};

	if (sqlite3_prepare_v2(db, "SELECT entries FROM search_champions "
			       "WHERE token = ?1", -1, &statement,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(statement, 1, token, -1, SQLITE_STATIC);
		if (sqlite3_step(statement) == SQLITE_ROW) {
			const unsigned char *blob =
				sqlite3_column_blob(statement, 0);
			int bytes = sqlite3_column_bytes(statement, 0);

			for (int at = 0; at + 12 <= bytes; at += 12) {
				long long home = 0;

				for (int i = 4; i < 12; i++)
					home = home << 8 | blob[at + i];
				buf_printf(&out, "%s%lld", at ? " " : "", home);
			}
		}
	}
	sqlite3_finalize(statement);
	return buf_detach(&out);
}

/* A query matching more rows than search.c scores with bm25 is ranked by
 * its words' champions: the same rows counted, the article whose title
 * holds the word first. */
/* The whole search_champions table as text. */
static char *champion_table(sqlite3 *db)
{
	sqlite3_stmt *statement = NULL;
	char *out = NULL;

	if (sqlite3_prepare_v2(db, "SELECT group_concat(token || ':' || "
			       "hex(entries), ' ') FROM (SELECT * FROM "
			       "search_champions ORDER BY token)", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW &&
	    sqlite3_column_text(statement, 0) != NULL)
		out = xstrdup((const char *)sqlite3_column_text(statement, 0));
	sqlite3_finalize(statement);
	return out ? out : xstrdup("");
}

/* The writer counts a row's champions from the tokens FTS5 makes as it
 * indexes the row; where it cannot watch them (the kb tokenizer
 * registered again, without an observer), it tokenizes the texts
 * itself, to the same table. */
static void test_champions_observed(void)
{
	sqlite3 *observed = open_index(), *plain = NULL;
	char *a, *b;
	bool ok;

	TEST_SUITE("search/champions-observed");
	CHECK(kb_tokenizer_observer_of(kb_fts5_api(observed)) != NULL,
	      "the writer's connection has an observer to watch");
	ok = sqlite3_open(":memory:", &plain) == SQLITE_OK &&
	     search_schema_create(plain) == SEARCH_OK &&
	     kb_tokenizer_register(plain) == SQLITE_OK &&
	     kb_tokenizer_observer_of(kb_fts5_api(plain)) == NULL;
	for (size_t i = 0; ok && i < sizeof rows / sizeof rows[0]; i++)
		ok = search_add_row(plain, &rows[i]) == SEARCH_OK;
	CHECK(ok, "the same rows, written without an observer");
	a = champion_table(observed);
	b = champion_table(plain);
	CHECK(strlen(a) > 100, "the table has entries");
	CHECK_STR(a, b, "watched or tokenized again, the same table");
	free(b);
	sqlite3_close(plain);

	/* one writer: every row, the spam-folder article removed (which
	 * writes the queued rows but holds the tables' changes back) and
	 * added again, then flushed: the changes add up to the same table */
	{
		struct search_writer *writer = NULL;
		sqlite3 *again = NULL;

		ok = sqlite3_open(":memory:", &again) == SQLITE_OK &&
		     search_schema_create(again) == SEARCH_OK &&
		     search_writer_open(again, &writer) == SEARCH_OK;
		for (size_t i = 0; ok && i < sizeof rows / sizeof rows[0]; i++)
			ok = search_writer_add_row(writer, &rows[i]) ==
			     SEARCH_OK;
		ok = ok && search_writer_remove(writer, "/delivery/spam-folder/",
						"article") == SEARCH_OK;
		b = champion_table(again);
		CHECK_STR(b, "", "held back: nothing written before the flush");
		free(b);
		for (size_t i = 0; ok && i < sizeof rows / sizeof rows[0]; i++)
			if (strcmp(rows[i].url, "/delivery/spam-folder/") == 0)
				ok = search_writer_add_row(writer, &rows[i]) ==
				     SEARCH_OK;
		ok = ok && search_writer_flush(writer) == SEARCH_OK;
		CHECK(ok, "add, remove, add back, flush");
		b = champion_table(again);
		CHECK_STR(b, a, "the same table as one clean write");
		free(b);
		search_writer_free(writer);
		sqlite3_close(again);
	}
	free(a);
	sqlite3_close(observed);
}

static void test_champions(void)
{
	static const char *const queries[] = {"メール", "迷惑", "エラー", "設定",
					      "gmail", "spf", "同点", "ル"};
	sqlite3 *db = open_index();
	struct search_results full, champion;
	struct search_writer *writer = NULL;
	char *homes, *expected, *urls;
	bool same = true;

	TEST_SUITE("search/champions");
	expected = xasprintf("%lld", (long long)search_home_rowid(
					     "/deliverability/spf/", NULL,
					     "article"));
	homes = champion_homes(db, "spf");
	CHECK_STR(homes, expected,
		  "spf's champions: the article with it in its title and "
		  "tags, not the one with it in its body");
	free(homes);
	for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
		search_testing_set_champion_matches(0);
		search_run(db, queries[i], strlen(queries[i]), 10, 0, &full);
		search_testing_set_champion_matches(1);
		search_run(db, queries[i], strlen(queries[i]), 10, 0, &champion);
		if (full.total != champion.total ||
		    full.count != champion.count) {
			same = false;
			printf("%s: total %zu and %zu\n", queries[i], full.total,
			       champion.total);
		}
		search_results_free(&full);
		search_results_free(&champion);
	}
	CHECK(same, "ranked by champions, each query counts and shows as many "
		    "articles as ranked by bm25");
	urls = run_urls(db, "spf", 10);
	CHECK_STR(urls, "/deliverability/spf/ /deliverability/dkim/",
		  "by champions too, the title match ranks first; the body "
		  "match, among no champions, follows unscored");
	free(urls);
	urls = run_urls(db, "迷惑メールフォルダ", 10);
	CHECK(strncmp(urls, "/delivery/spam-folder/", 22) == 0 &&
		      strstr(urls, " /wizard/mail-not-arriving/check-spam/"),
	      "an article outranks a wizard node matching as well");
	free(urls);

	CHECK(search_writer_open(db, &writer) == SEARCH_OK &&
		      search_writer_remove(writer, "/deliverability/spf/",
					   "article") == SEARCH_OK &&
		      search_writer_flush(writer) == SEARCH_OK,
	      "remove the article");
	search_writer_free(writer);
	homes = champion_homes(db, "spf");
	CHECK_STR(homes, "", "its champions go with it");
	free(homes);
	urls = run_urls(db, "spf", 10);
	CHECK_STR(urls, "/deliverability/dkim/",
		  "the other article is still found, unscored");
	free(urls);

	CHECK(sqlite3_exec(db, "DROP TABLE search_champions", NULL, NULL,
			   NULL) == SQLITE_OK,
	      "a kb.db written before the table");
	urls = run_urls(db, "メール", 20);
	search_testing_set_champion_matches(0);
	homes = run_urls(db, "メール", 20);
	CHECK_STR(urls, homes, "without it, the same results as by bm25");
	free(urls);
	free(homes);
	free(expected);
	sqlite3_close(db);
}

/* The same rows added in reverse order rank exactly alike. */
static void test_order_independence(sqlite3 *db)
{
	static const char *const queries[] = {"同点", "メール", "エラー",
					      "設定", "迷惑", "ル", "gmail"};
	sqlite3 *reverse = NULL;
	size_t i;
	bool ok;

	TEST_SUITE("search/order-independence");
	ok = sqlite3_open(":memory:", &reverse) == SQLITE_OK &&
	     search_schema_create(reverse) == SEARCH_OK;
	for (i = sizeof rows / sizeof rows[0]; ok && i > 0; i--)
		ok = search_add_row(reverse, &rows[i - 1]) == SEARCH_OK;
	CHECK(ok, "the rows added in reverse order");
	for (i = 0; i < sizeof queries / sizeof queries[0]; i++) {
		char *want = run_urls(db, queries[i], 50);
		char *got = run_urls(reverse, queries[i], 50);
		char *what = xasprintf("%s: the same results in the same order",
				       queries[i]);

		CHECK_STR(got, want, what);
		free(what);
		free(got);
		free(want);
	}
	sqlite3_close(reverse);
}

/* Every row as "rowid url#anchor kind title", by rowid, then the
 * search_rows table: what must not depend on the order of writes. */
static char *row_map(sqlite3 *db)
{
	struct buf out = {0};
	sqlite3_stmt *statement = NULL;

	if (sqlite3_prepare_v2(db, "SELECT rowid, url, anchor, kind, title "
			       "FROM search ORDER BY rowid", -1, &statement,
			       NULL) == SQLITE_OK) {
		while (sqlite3_step(statement) == SQLITE_ROW)
			buf_printf(&out, "%lld %s#%s %s %s\n",
				   sqlite3_column_int64(statement, 0),
				   sqlite3_column_text(statement, 1),
				   sqlite3_column_text(statement, 2)
					   ? (const char *)sqlite3_column_text(
						     statement, 2)
					   : "",
				   sqlite3_column_text(statement, 3),
				   sqlite3_column_text(statement, 4));
	}
	sqlite3_finalize(statement);
	statement = NULL;
	if (sqlite3_prepare_v2(db, "SELECT url, id FROM search_rows "
			       "ORDER BY id", -1, &statement,
			       NULL) == SQLITE_OK) {
		while (sqlite3_step(statement) == SQLITE_ROW)
			buf_printf(&out, "side %s %lld\n",
				   sqlite3_column_text(statement, 0),
				   sqlite3_column_int64(statement, 1));
	}
	sqlite3_finalize(statement);
	return buf_detach(&out);
}

/* Rows for the collision tests: with homes reduced to 3 rowids per kind,
 * nearly every row collides. */
static const struct search_row crowd[] = {
	{"/c/a/", NULL, "article", "crowd a", NULL, NULL, "crowd one"},
	{"/c/a/", "x", "article", "crowd a", "x", NULL, "crowd two"},
	{"/c/a/", "y", "article", "crowd a", "y", NULL, "crowd three"},
	{"/c/b/", NULL, "article", "crowd b", NULL, NULL, "crowd four"},
	{"/c/b/", "x", "article", "crowd b", "x", NULL, "crowd five"},
	{"/c/c/", NULL, "article", "crowd c", NULL, NULL, "crowd six"},
	{"/c/d/", NULL, "article", "crowd d", NULL, NULL, "crowd seven"},
	{"/c/e/", NULL, "article", "crowd e", NULL, NULL, "crowd eight"},
	{"/c/e/", "z", "article", "crowd e", "z", NULL, "crowd nine"},
	{"/w/t1/n1/", NULL, "node", "crowd n1", NULL, "t1", "crowd ten"},
	{"/w/t1/n2/", NULL, "node", "crowd n2", NULL, "t1", "crowd eleven"},
	{"/w/t2/n1/", NULL, "node", "crowd n3", NULL, "t2", "crowd twelve"},
	{"/w/t1/n3/", NULL, "node", "crowd n4", NULL, "t1", "crowd thirteen"},
};
#define CROWD_COUNT (sizeof crowd / sizeof crowd[0])

static sqlite3 *crowd_db(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_schema_create(db) != SEARCH_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Adds crowd[i] for each i whose bit is set in mask, in the order the
 * permutation gives, through one writer. */
static bool add_crowd(sqlite3 *db, unsigned mask, const size_t *order)
{
	struct search_writer *writer = NULL;
	bool ok = search_writer_open(db, &writer) == SEARCH_OK;

	for (size_t k = 0; ok && k < CROWD_COUNT; k++) {
		size_t i = order ? order[k] : k;

		if (mask & (1u << i))
			ok = search_writer_add_row(writer, &crowd[i]) ==
			     SEARCH_OK;
	}
	ok = ok && search_writer_flush(writer) == SEARCH_OK;
	search_writer_free(writer);
	return ok;
}

static unsigned next_random(unsigned *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 16;
}

/* One random history: every row added in a random order, some urls and
 * maybe a tree removed, a random part of what was removed added back.
 * *final is the set of rows it leaves. NULL on error. */
static char *random_history(unsigned *state, int round, unsigned *final)
{
	size_t order[CROWD_COUNT];
	struct search_writer *writer = NULL;
	unsigned removed = 0, again;
	sqlite3 *db = crowd_db();
	char *map = NULL;
	bool ok;

	for (size_t i = 0; i < CROWD_COUNT; i++)
		order[i] = i;
	for (size_t i = CROWD_COUNT - 1; i > 0; i--) {
		size_t j = next_random(state) % (i + 1), swap = order[i];

		order[i] = order[j];
		order[j] = swap;
	}
	ok = db && add_crowd(db, (1u << CROWD_COUNT) - 1, order) &&
	     search_writer_open(db, &writer) == SEARCH_OK;
	for (int k = 0; ok && k < 3; k++) {
		size_t i = next_random(state) % CROWD_COUNT;

		ok = search_writer_remove(writer, crowd[i].url,
					  crowd[i].kind) == SEARCH_OK;
		for (size_t j = 0; j < CROWD_COUNT; j++)
			if (strcmp(crowd[j].url, crowd[i].url) == 0 &&
			    strcmp(crowd[j].kind, crowd[i].kind) == 0)
				removed |= 1u << j;
	}
	if (ok && round % 2 == 0) {
		ok = search_writer_remove_prefix(writer, "/w/t1/", "node") ==
		     SEARCH_OK;
		removed |= 1u << 9 | 1u << 10 | 1u << 12;
	}
	search_writer_free(writer);
	again = round % 3 == 0 ? removed : removed & next_random(state);
	if (ok && add_crowd(db, again, order))
		map = row_map(db);
	*final = (((1u << CROWD_COUNT) - 1) & ~removed) | again;
	sqlite3_close(db);
	return map;
}

/* Clusters: rowids depend on the set of rows only, whatever sequence of
 * additions (in any order) and removals led to it. */
static void test_collisions(void)
{
	unsigned state = 7;
	bool ok = true;

	TEST_SUITE("search/collisions");
	search_testing_set_rowid_span(3);
	CHECK(search_home_rowid("/c/a/", "x", "article") <= 3 &&
		      search_home_rowid("/w/t1/n1/", NULL, "node") <
			      SEARCH_NODE_ROWID_BASE + 3,
	      "homes are reduced to 3 rowids");
	for (int round = 0; ok && round < 60; round++) {
		unsigned final = 0;
		char *got = random_history(&state, round, &final);
		sqlite3 *clean = crowd_db();
		char *want = clean && add_crowd(clean, final, NULL)
				     ? row_map(clean)
				     : NULL;

		if (got == NULL || want == NULL || strcmp(got, want) != 0) {
			ok = false;
			printf("round %d: got\n%s\nwant\n%s", round,
			       got ? got : "(error)", want ? want : "(error)");
		}
		free(got);
		free(want);
		sqlite3_close(clean);
	}
	CHECK(ok, "60 random histories give a clean build's rowids");
	search_testing_set_rowid_span(0);
}

static void test_removal(void)
{
	struct search_writer *writer = NULL;
	sqlite3 *db = crowd_db();
	char *map;
	bool ok;

	TEST_SUITE("search/removal");
	ok = db && add_crowd(db, (1u << CROWD_COUNT) - 1, NULL) &&
	     search_writer_open(db, &writer) == SEARCH_OK;
	CHECK(ok, "an index to remove from");
	CHECK_INT(search_writer_remove(writer, "/c/a/", "node"), SEARCH_OK,
		  "removing a url of the other kind removes nothing");
	CHECK_INT(count_rows(db, "crowd"), CROWD_COUNT, "all rows still there");
	CHECK_INT(search_writer_remove(writer, "/c/a/", "article"), SEARCH_OK,
		  "remove an article's rows");
	CHECK_INT(count_rows(db, "crowd"), CROWD_COUNT - 3, "its three rows go");
	CHECK_INT(search_writer_remove_prefix(writer, "/w/t1/", "node"),
		  SEARCH_OK, "remove one tree's nodes");
	CHECK_INT(count_rows(db, "crowd"), CROWD_COUNT - 6,
		  "its three nodes go, the other tree's stays");
	CHECK_INT(search_writer_remove(writer, "/nothing/", "article"),
		  SEARCH_OK, "removing an unknown url is fine");
	CHECK_INT(search_writer_remove_prefix(writer, "", "node"), SEARCH_OK,
		  "an empty prefix");
	CHECK_INT(count_rows(db, "crowd"), CROWD_COUNT - 7, "removes every node");
	CHECK_INT(search_writer_remove(writer, "/x/", "page"), SEARCH_BAD_ROW,
		  "an unknown kind is refused");
	map = row_map(db);
	CHECK(map && strstr(map, "/c/a/") == NULL && strstr(map, "/w/") == NULL,
	      "search_rows follows the search table");
	free(map);
	CHECK_INT(search_writer_add_row(writer, &crowd[3]), SEARCH_OK,
		  "queue a row that exists");
	CHECK_INT(search_writer_flush(writer), SEARCH_DUPLICATE,
		  "a duplicate identity is refused when written");
	search_writer_free(writer);
	sqlite3_close(db);
}

static void test_matching(sqlite3 *db)
{
	char *urls;

	TEST_SUITE("search/matching");
	urls = run_urls(db, "迷惑メール", 10);
	CHECK(strstr(urls, "/delivery/spam-folder/") != NULL,
	      "迷惑メール finds the spam-folder article");
	CHECK(strncmp(urls, "/delivery/spam-folder/", 22) == 0,
	      "the exact phrase ranks first (迷惑 … メール apart only after)");
	free(urls);
	urls = run_urls(db, "迷惑", 10);
	CHECK(strstr(urls, "/errors/unknown-error/") != NULL,
	      "迷惑 alone finds it");
	CHECK(strncmp(urls, "/delivery/spam-folder/", 22) == 0,
	      "迷惑 finds the spam-folder article first");
	free(urls);
	CHECK(run_total(db, "設定") >= 2, "2-character query 設定 matches");
	CHECK(run_total(db, "到達") == 1, "2-character query 到達 matches");
	CHECK(run_total(db, "迷惑") >= 3, "2-character query 迷惑 matches");
	CHECK_INT(run_total(db, "sp"), 2, "sp is a prefix of spf (and ＳＰＦ)");
	CHECK_INT(run_total(db, "sp dkim"), 0,
		  "only the last word is a prefix");
	CHECK_INT(run_total(db, "dkim sp"), 1, "dkim sp* matches");
	CHECK_INT(run_total(db, "ＳＰＦ"), 2, "ＳＰＦ finds spf");
	CHECK_INT(run_total(db, "5.1.1"), 1, "5.1.1 finds the status code");
	CHECK_INT(run_total(db, "1.1.5"), 0, "1.1.5 does not");
	CHECK_INT(run_total(db, "v=spf1"), 1, "v=spf1 matches");
	CHECK_INT(count_rows(db, "\"ル\"*"), 5,
		  "a lone character is a prefix, and finds run ends (メール)");
	CHECK_INT(run_total(db, "ル"), 4, "in four articles and nodes");
	CHECK_INT(run_total(db, "永続的"), 1, "永続的 finds its article");
	CHECK_INT(run_total(db, "ｴﾗｰ"), 2, "half-width ｴﾗｰ finds エラー");
	CHECK_INT(run_total(db, "user unknown"), 1, "two words, ANDed");
	CHECK_INT(run_total(db, "user nobody"), 0, "ANDed: both must match");
	CHECK_INT(run_total(db, "!!"), 0, "nothing searchable: no results");
	urls = run_urls(db, "届きません", 10);
	CHECK(strncmp(urls, "/wizard/mail-not-arriving/check-spam/", 37) == 0,
	      "wizard nodes are searchable");
	free(urls);
}

static void test_snippets(sqlite3 *db)
{
	char *snippet;

	TEST_SUITE("search/snippet");
	snippet = first_snippet(db, "script");
	CHECK_STR(snippet,
		  "<<mark>script</mark>>alert(\"迷惑\")</"
		  "<mark>script</mark>> & 'quotes'",
		  "body text stays text (never escaped here), matches marked");
	free(snippet);
	snippet = first_snippet(db, "到達");
	CHECK(snippet && strstr(snippet, "<mark>到達</mark>"),
	      "a bigram is marked exactly");
	free(snippet);
	snippet = first_snippet(db, "ＳＰＦと");
	CHECK(snippet && strstr(snippet, "<mark>ＳＰＦと</mark>一緒"),
	      "full-width characters and a lone character are marked exactly");
	free(snippet);
	snippet = first_snippet(db, "は");
	CHECK(snippet && strstr(snippet, "<mark>ははは</mark>、"),
	      "overlapping and adjacent matches merge into one mark");
	free(snippet);
	snippet = first_snippet(db, "繰り返し");
	CHECK(snippet && strcmp(snippet, "ははは、メールメール") == 0,
	      "a title match shows the body, unmarked");
	free(snippet);
	snippet = first_snippet(db, "メールメール");
	CHECK(snippet && strstr(snippet, "<mark>メールメール</mark>"),
	      "a repeated phrase is marked once");
	free(snippet);
}

/* One-character terms are prefixes of bigrams, yet only the character
 * itself is marked, wherever in a run it stands. */
static void test_single_marks(void)
{
	static const struct {
		const char *query, *want;
	} cases[] = {
		{"メ", "<mark>メ</mark>ール、ｽﾊﾟﾑ"},
		{"ー", "メ<mark>ー</mark>ル、ｽﾊﾟﾑ"},
		{"ル", "メー<mark>ル</mark>、ｽﾊﾟﾑ"},
		{"パ", "メール、ｽ<mark>ﾊﾟ</mark>ﾑ"},
		{"ム", "メール、ｽﾊﾟ<mark>ﾑ</mark>"},
		{"メール", "<mark>メール</mark>、ｽﾊﾟﾑ"},
		{"スパム", "メール、<mark>ｽﾊﾟﾑ</mark>"},
	};
	struct search_row row = {"/m/", NULL, "article", "t", NULL, NULL,
				 "メール、ｽﾊﾟﾑ"};
	sqlite3 *db = NULL;
	size_t i;

	TEST_SUITE("search/single-marks");
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK &&
		      search_schema_create(db) == SEARCH_OK &&
		      search_add_row(db, &row) == SEARCH_OK,
	      "a one-row index");
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *snippet = first_snippet(db, cases[i].query);
		char *what = xasprintf("%s is marked exactly", cases[i].query);

		CHECK_STR(snippet, cases[i].want, what);
		free(what);
		free(snippet);
	}
	sqlite3_close(db);
}

/* A snippet is plain text and byte ranges: control characters become
 * spaces, bytes that are not UTF-8 U+FFFD, and the highlights count
 * bytes of that text. */
static void test_snippet_text(void)
{
	struct search_row row = {"/t/", NULL, "article", "t", NULL, NULL,
				 "a\tb <x> \xff spf & spf"};
	struct search_results results = {0};
	const struct search_snippet *snippet;
	sqlite3 *db = NULL;

	TEST_SUITE("search/snippet-text");
	CHECK(sqlite3_open(":memory:", &db) == SQLITE_OK &&
		      search_schema_create(db) == SEARCH_OK &&
		      search_add_row(db, &row) == SEARCH_OK,
	      "a one-row index");
	CHECK_INT(search_run(db, "spf", 3, 1, 0, &results), SEARCH_OK,
		  "spf runs");
	CHECK_INT(results.count, 1, "one result");
	if (results.count == 1) {
		snippet = &results.items[0].snippet;
		CHECK_STR(snippet->text, "a b <x> \xEF\xBF\xBD spf & spf",
			  "a tab is a space, 0xFF is U+FFFD, nothing escaped");
		CHECK_INT(snippet->length, strlen(snippet->text),
			  "length is the text's");
		CHECK_INT(snippet->highlight_count, 2, "two highlights");
		if (snippet->highlight_count == 2) {
			CHECK_INT(snippet->highlights[0].start, 12,
				  "the first starts after U+FFFD's 3 bytes");
			CHECK_INT(snippet->highlights[0].end, 15,
				  "and ends after spf");
			CHECK_INT(snippet->highlights[1].start, 18,
				  "the second starts after ' & '");
			CHECK_INT(snippet->highlights[1].end, 21,
				  "and ends the text");
		}
	}
	search_results_free(&results);
	sqlite3_close(db);
}

struct runs_seen {
	struct buf text;
};

static void collect_run(void *user, const char *text, size_t length,
			bool marked)
{
	struct runs_seen *seen = user;

	buf_printf(&seen->text, "%s%.*s|", marked ? "+" : "-", (int)length,
		   text);
}

/* search_snippet_runs alternates plain and marked runs, skipping the
 * empty ones: a highlight at either end, two highlights apart, none. */
static void test_snippet_runs(void)
{
	struct search_highlight highlights[] = {{0, 2}, {3, 5}, {7, 9}};
	struct search_snippet snippet = {"ab-cd--ef", 9, highlights, 3};
	struct search_snippet plain = {"plain", 5, NULL, 0};
	struct search_snippet empty = {"", 0, NULL, 0};
	struct runs_seen seen = {{0}};

	TEST_SUITE("search/snippet-runs");
	search_snippet_runs(&snippet, collect_run, &seen);
	CHECK_STR(buf_cstr(&seen.text), "+ab|--|+cd|---|+ef|",
		  "highlights at both ends and between plain runs");
	buf_reset(&seen.text);
	search_snippet_runs(&plain, collect_run, &seen);
	CHECK_STR(buf_cstr(&seen.text), "-plain|", "no highlight: one run");
	buf_reset(&seen.text);
	search_snippet_runs(&empty, collect_run, &seen);
	CHECK_STR(buf_cstr(&seen.text), "", "an empty snippet: no run");
	buf_free(&seen.text);
}

static void test_limits_and_offsets(sqlite3 *db)
{
	struct search_results results;
	char *two, *second;

	TEST_SUITE("search/paging");
	CHECK_INT(search_run(db, "メール", strlen("メール"), 2, 0, &results),
		  SEARCH_OK, "a page of two");
	CHECK_INT(results.count, 2, "count is the page size");
	CHECK(results.total > 2, "total counts every matching article");
	search_results_free(&results);
	CHECK(results.items == NULL && results.count == 0,
	      "free empties the results");
	search_results_free(&results);
	two = run_urls(db, "メール", 2);
	search_run(db, "メール", strlen("メール"), 1, 1, &results);
	second = results.count != 1 ? NULL
	       : xasprintf(" %s%s%s", results.items[0].url,
			   results.items[0].anchor ? "#" : "",
			   results.items[0].anchor ? results.items[0].anchor
						   : "");
	CHECK(second && strlen(two) > strlen(second) &&
		      strcmp(two + strlen(two) - strlen(second), second) == 0,
	      "offset 1 gives the second result");
	free(two);
	free(second);
	search_results_free(&results);
}

static void test_writers(sqlite3 *db)
{
	struct search_row bad = {"/x/", NULL, "page", "x", NULL, NULL, "x"};
	struct search_row untitled = {"/x/", NULL, "article", NULL, NULL,
				      NULL, "x"};
	struct search_article article = {"/deliverability/spf/", "SPF",
					 "deliverability", "SPFの設定",
					 "2026-01-01"};
	struct search_article nameless = {NULL, "x", NULL, NULL, NULL};

	TEST_SUITE("search/writers");
	CHECK_INT(search_add_row(db, &bad), SEARCH_BAD_ROW,
		  "an unknown kind is refused");
	CHECK_INT(search_add_row(db, &untitled), SEARCH_BAD_ROW,
		  "a row without a title is refused");
	CHECK_INT(search_add_article(db, &article), SEARCH_OK, "add an article");
	CHECK_INT(search_add_article(db, &article), SEARCH_DATABASE,
		  "the same url twice fails");
	CHECK_INT(search_add_article(db, &nameless), SEARCH_BAD_ROW,
		  "an article without a url is refused");
	CHECK_INT(search_schema_create(db), SEARCH_DATABASE,
		  "creating the schema twice fails");
}

/* Writes TAPER_ARTICLES articles of two rows each (about 16 KB of text
 * per article) through one writer, told the count first when expect is
 * set. Returns the database, NULL on error. */
#define TAPER_ARTICLES 600
static sqlite3 *taper_db(bool expect)
{
	struct search_writer *writer = NULL;
	sqlite3 *db = crowd_db();
	struct buf body = {0};
	/* as index_open sets it: a segment per queue, no merging */
	bool ok = db && sqlite3_exec(db,
				     "INSERT INTO search(search, rank) "
				     "VALUES('automerge', 0);"
				     "INSERT INTO search(search, rank) "
				     "VALUES('hashsize', 1073741824);"
				     "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
		  search_writer_open(db, &writer) == SEARCH_OK;

	while (body.length < 8000)
		buf_adds(&body, "配信の遅延と迷惑メールの確認 retry bounce ");
	if (ok && expect)
		search_writer_expect(writer, TAPER_ARTICLES);
	for (size_t i = 0; ok && i < TAPER_ARTICLES; i++) {
		char *url = xasprintf("/t/a%zu/", i);
		char *title = xasprintf("taper %zu", i);
		struct search_row intro = {url, NULL, "article", title,
					   NULL, NULL, body.data};
		struct search_row part = {url, "part", "article", title,
					  "part", NULL, body.data};
		struct search_article meta = {url, title, NULL, NULL, NULL};

		ok = search_writer_add_row(writer, &intro) == SEARCH_OK &&
		     search_writer_add_row(writer, &part) == SEARCH_OK &&
		     search_writer_add_article(writer, &meta) == SEARCH_OK;
		free(title);
		free(url);
	}
	ok = ok && search_writer_flush(writer) == SEARCH_OK &&
	     sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	search_writer_free(writer);
	buf_free(&body);
	if (!ok) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* FTS5 segments in the index: the segment id is the top bits of a
 * search_data rowid (ids below 11 are the index's own records). */
static long long segment_count(sqlite3 *db)
{
	sqlite3_stmt *statement = NULL;
	long long count = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(DISTINCT id >> 37) "
			       "FROM search_data WHERE id > 10", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		count = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return count;
}

/* A writer told how many articles come writes its last queues smaller
 * (more, smaller segments at the end), and nothing else changes: the
 * same rows at the same rowids, the same matches. */
static void test_taper(void)
{
	sqlite3 *plain = taper_db(false), *tapered = taper_db(true);
	char *plain_map = plain ? row_map(plain) : NULL;
	char *tapered_map = tapered ? row_map(tapered) : NULL;

	TEST_SUITE("search/taper");
	CHECK(plain && tapered, "write the same articles twice");
	CHECK(plain_map && tapered_map && strcmp(plain_map, tapered_map) == 0,
	      "the same rows at the same rowids");
	CHECK_INT(segment_count(plain), 2,
		  "9.6 MB in 8 MB queues: two segments");
	CHECK(segment_count(tapered) > segment_count(plain),
	      "told the count, the writer ends with smaller queues");
	CHECK_INT(count_rows(tapered, "\"迷惑メール\""), 2 * TAPER_ARTICLES,
		  "every row matches");
	CHECK_INT(count_rows(tapered, "\"迷惑メール\""),
		  count_rows(plain, "\"迷惑メール\""),
		  "as many matches either way");
	free(plain_map);
	free(tapered_map);
	sqlite3_close(plain);
	sqlite3_close(tapered);
}

/* A second connection (read-only, as the CGI opens it) finds the kb
 * tokenizer and snippet function registered by search_run itself. */
static void test_read_only(void)
{
	char path[] = "/tmp/kbgen-test-search-XXXXXX";
	sqlite3 *db = NULL;
	int fd = mkstemp(path);
	char *urls;
	bool ok;

	TEST_SUITE("search/read-only");
	if (fd >= 0)
		close(fd);
	ok = fd >= 0 && sqlite3_open(path, &db) == SQLITE_OK &&
	     search_schema_create(db) == SEARCH_OK &&
	     search_add_row(db, &rows[3]) == SEARCH_OK;
	sqlite3_close(db);
	CHECK(ok, "write an index file");
	ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	     SQLITE_OK;
	CHECK(ok, "open it read-only");
	urls = run_urls(db, "到達", 10);
	CHECK_STR(urls, "/deliverability/dkim/",
		  "search_run registers what it needs");
	free(urls);
	sqlite3_close(db);
	unlink(path);
}

/* An index of GROUP_ARTICLES articles, each an intro and
 * GROUP_SECTIONS headed sections that all say "group", plus two nodes. */
#define GROUP_ARTICLES 23
#define GROUP_SECTIONS 6

static sqlite3 *group_db(void)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
		  search_schema_create(db) == SEARCH_OK;

	for (int a = 0; ok && a < GROUP_ARTICLES; a++) {
		for (int s = 0; ok && s <= GROUP_SECTIONS; s++) {
			char url[32], anchor[16], heading[32], body[128];
			struct search_row row = {url, s ? anchor : NULL,
						 "article", "group title",
						 s ? heading : NULL, NULL, body};

			snprintf(url, sizeof url, "/g/%02d/", a);
			snprintf(anchor, sizeof anchor, "s%d", s);
			snprintf(heading, sizeof heading, "heading %d", s);
			/* more words, lower scores: each article's rows
			 * and the articles themselves rank differently */
			snprintf(body, sizeof body, "group %.*s", (a + s) % 9 * 4,
				 "pad pad pad pad pad pad pad pad pad pad");
			ok = search_add_row(db, &row) == SEARCH_OK;
		}
	}
	for (int n = 0; ok && n < 2; n++) {
		char url[32];
		struct search_row node = {url, NULL, "node", "group node", NULL,
					  NULL, "group"};

		snprintf(url, sizeof url, "/wizard/g/n%d/", n);
		ok = search_add_row(db, &node) == SEARCH_OK;
	}
	CHECK(ok, "an index of articles with many matching sections");
	return db;
}

/* Checks every page of query over db: no url twice, total equals the
 * distinct urls, sections within bounds, headed, of their article and
 * never the row shown as the result. */
static bool check_grouping(sqlite3 *db, const char *query, size_t per_page,
			   size_t *distinct)
{
	char **seen = NULL;
	size_t count = 0, capacity = 0, total = 0;
	bool ok = true;

	for (size_t offset = 0; ok; offset += per_page) {
		struct search_results results;

		ok = search_run(db, query, strlen(query), per_page, offset,
				&results) == SEARCH_OK;
		total = results.total;
		for (size_t i = 0; ok && i < results.count; i++) {
			const struct search_result *result = &results.items[i];

			ok = strchr(result->url, '#') == NULL &&
			     result->section_count <= SEARCH_MAX_SECTIONS;
			for (size_t j = 0; ok && j < count; j++)
				ok = strcmp(seen[j], result->url) != 0;
			for (size_t j = 0; ok && j < result->section_count; j++) {
				const struct search_section *section =
					&result->sections[j];
				ok = section->heading && *section->heading &&
				     section->anchor &&
				     (result->anchor == NULL ||
				      strcmp(section->anchor, result->anchor) != 0) &&
				     (j == 0 || section->rank >=
						result->sections[j - 1].rank) &&
				     section->rank >= result->rank;
			}
			seen = xgrow(seen, &capacity, count + 1, sizeof *seen);
			seen[count++] = xstrdup(result->url);
		}
		if (results.count == 0 || offset > 10000) {
			search_results_free(&results);
			break;
		}
		search_results_free(&results);
	}
	ok = ok && total == count;
	for (size_t j = 0; j < count; j++)
		free(seen[j]);
	free(seen);
	*distinct = count;
	return ok;
}

static void test_grouping(sqlite3 *small)
{
	static const char *const queries[] = {"メール", "迷惑", "エラー", "設定",
					      "ル", "gmail", "spf", "の"};
	sqlite3 *db = group_db();
	struct search_results results;
	size_t distinct = 0;
	bool ok = true;

	TEST_SUITE("search/grouping");
	for (size_t limit = 1; limit <= 4; limit += 3) {
		for (size_t champions = 0; champions <= 1; champions++) {
			/* both rankings */
			search_testing_set_champion_matches(champions);
			ok &= check_grouping(db, "group", limit, &distinct) &&
			      distinct == GROUP_ARTICLES + 2;
			for (size_t i = 0; i < sizeof queries / sizeof *queries;
			     i++)
				ok &= check_grouping(small, queries[i], limit,
						     &distinct);
		}
	}
	search_testing_set_champion_matches(0);
	CHECK(ok, "every page: no url twice, total = distinct urls, "
		  "sections ≤ 3, headed, of their own article, best first");
	CHECK_INT(search_run(db, "group", 5, 100, 0, &results), SEARCH_OK,
		  "search the articles");
	CHECK_INT(results.total, GROUP_ARTICLES + 2, "total counts articles");
	CHECK_INT(results.count, GROUP_ARTICLES + 2, "one result each");
	ok = results.count > 0;
	for (size_t i = 0; ok && i < results.count; i++) {
		const struct search_result *result = &results.items[i];
		bool node = strncmp(result->url, "/wizard/", 8) == 0;

		ok = strcmp(result->kind, node ? "node" : "article") == 0 &&
		     result->section_count == (node ? 0 : SEARCH_MAX_SECTIONS) &&
		     (i == 0 || result->rank >= results.items[i - 1].rank);
	}
	CHECK(ok, "articles show 3 sections, nodes none; kinds; ranked");
	search_results_free(&results);
	sqlite3_close(db);
}

static bool same_snippet(const struct search_snippet *a,
			 const struct search_snippet *b)
{
	if (strcmp(a->text, b->text) != 0 ||
	    a->highlight_count != b->highlight_count)
		return false;
	for (size_t i = 0; i < a->highlight_count; i++)
		if (a->highlights[i].start != b->highlights[i].start ||
		    a->highlights[i].end != b->highlights[i].end)
			return false;
	return true;
}

static bool same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	       (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Whether two pages show the same results, rows, ranks and snippets
 * (their totals aside). */
static bool same_page(const struct search_results *a,
		      const struct search_results *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct search_result *x = &a->items[i], *y = &b->items[i];

		if (strcmp(x->url, y->url) != 0 || !same_text(x->anchor, y->anchor) ||
		    strcmp(x->title, y->title) != 0 ||
		    !same_text(x->heading, y->heading) || x->rank != y->rank ||
		    !same_snippet(&x->snippet, &y->snippet) ||
		    x->section_count != y->section_count)
			return false;
		for (size_t j = 0; j < x->section_count; j++)
			if (strcmp(x->sections[j].anchor, y->sections[j].anchor) ||
			    strcmp(x->sections[j].heading,
				   y->sections[j].heading) ||
			    x->sections[j].rank != y->sections[j].rank ||
			    !same_snippet(&x->sections[j].snippet,
					  &y->sections[j].snippet))
				return false;
	}
	return true;
}

/* A broad query reads its first rows and its best candidates only: each
 * page it can answer so shows exactly what reading every match shows,
 * with the total a lower bound said to be one; a page deeper than its
 * first rows reach is answered by reading everything. */
static void test_bounded(void)
{
	/* the grouped index's words, and Japanese for the shipped rows:
	 * compounds whose run as typed is a tier of its own (query.h) */
	static const char *const queries[] = {
		"group", "grou", "group title", "heading", "pad", "title pad",
		"group OR", "node", "迷惑メール", "迷惑メールフォルダ", "メール",
		"エラー", "設定", "迷惑", "メール設定", "確認"};
	sqlite3 *grouped = group_db(), *shipped = open_index();
	bool same = true, bounded = false, exact = true, at_least = true;

	TEST_SUITE("search/bounded");
	for (size_t matches = 2; matches <= 40; matches += 6) {
		search_testing_set_champion_matches(matches);
		for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
			sqlite3 *db = q < 8 ? grouped : shipped;

			for (size_t limit = 1; limit <= 5; limit += 2) {
				for (size_t offset = 0; offset <= 30;
				     offset += limit) {
					struct search_results part, all;
					const char *query = queries[q];

					search_testing_set_bounded(true);
					search_run(db, query, strlen(query),
						   limit, offset, &part);
					search_testing_set_bounded(false);
					search_run(db, query, strlen(query),
						   limit, offset, &all);
					if (!same_page(&part, &all)) {
						same = false;
						printf("# %s, %zu matches, "
						       "limit %zu offset %zu\n",
						       query, matches, limit,
						       offset);
					}
					bounded |= part.total_at_least;
					exact &= !all.total_at_least;
					/* a lower bound, never above */
					at_least &= part.total_at_least
							    ? part.total <= all.total &&
								      part.total >= offset + part.count
							    : part.total == all.total;
					search_results_free(&part);
					search_results_free(&all);
				}
			}
		}
	}
	search_testing_set_bounded(true);
	search_testing_set_champion_matches(0);
	CHECK(bounded, "some pages were answered from the first rows alone");
	CHECK(same, "every page shows what reading every match shows: the "
		    "same results, ranks, sections and snippets");
	CHECK(exact, "reading every match, the total is exact");
	CHECK(at_least, "a total said to be a lower bound is one, and covers "
			"the page; any other total is exact");
	sqlite3_close(grouped);
	sqlite3_close(shipped);
}

/* A tiered query whose run as typed is broad: its results come from the
 * rows with the run, each completed with its sections that have the
 * words apart (the loose tier, not read), as reading every match gives;
 * and rows with the run rank before those with the words apart, scored
 * or not. */
static void test_bounded_tiers(void)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
		  search_schema_create(db) == SEARCH_OK;
	struct search_results part, all;
	size_t sections = 0;

	TEST_SUITE("search/bounded-tiers");
	for (int a = 0; ok && a < 12; a++) {
		char url[32];
		struct search_row intro = {url, NULL, "article", "記事",
					   NULL, NULL,
					   "迷惑メールが届いたら確認します。"};
		struct search_row apart = {url, "apart", "article", "記事",
					   "離れた語", NULL,
					   "迷惑な話ですが、メールは来ません。"};
		struct search_row other = {url, "other", "article", "記事",
					   "別の節", NULL, "関係のない本文。"};

		snprintf(url, sizeof url, "/t/%02d/", a);
		ok = search_add_row(db, &intro) == SEARCH_OK &&
		     search_add_row(db, &apart) == SEARCH_OK &&
		     search_add_row(db, &other) == SEARCH_OK;
	}
	for (int a = 0; ok && a < 6; a++) {
		char url[32];
		struct search_row loose = {url, NULL, "article", "別記事", NULL,
					   NULL, "迷惑です。メールです。"};

		snprintf(url, sizeof url, "/u/%02d/", a);
		ok = search_add_row(db, &loose) == SEARCH_OK;
	}
	CHECK(ok, "12 articles with the run and a section with the words "
		  "apart, 6 with the words apart alone");
	search_testing_set_champion_matches(3);
	for (size_t limit = 1; ok && limit <= 4; limit++) {
		search_testing_set_bounded(true);
		search_run(db, "迷惑メール", strlen("迷惑メール"), limit, 0, &part);
		search_testing_set_bounded(false);
		search_run(db, "迷惑メール", strlen("迷惑メール"), limit, 0, &all);
		ok = same_page(&part, &all) && part.total_at_least &&
		     all.count == limit;
		for (size_t i = 0; ok && i < all.count; i++) {
			sections += all.items[i].section_count;
			ok = strncmp(all.items[i].url, "/t/", 3) == 0;
		}
		search_results_free(&part);
		search_results_free(&all);
	}
	search_testing_set_bounded(true);
	search_testing_set_champion_matches(0);
	CHECK(ok, "each page read in part is the page read in full, its total "
		  "a lower bound, and the articles with the run come first");
	CHECK(sections > 0, "the results show their sections with the words "
			    "apart");
	sqlite3_close(db);
}

/* Statements kept from one query to the next (a FastCGI worker's
 * connection) answer exactly as statements prepared for each query, also
 * after a query stopped over its budget; they are reused, not piled up,
 * and released before the connection closes. */
static void test_kept_statements(void)
{
	static const char *const queries[] = {
		"迷惑メール", "メール", "spf", "エラー", "迷惑メールフォルダ",
		"設定", "group", "group title", "ル", "存在しない語"};
	enum { QUERIES = sizeof queries / sizeof *queries };
	sqlite3 *dbs[2] = {open_index(), group_db()};
	size_t counts[2][2][QUERIES] = {{{0}}};
	bool same = true, steady = true, reused = true;

	TEST_SUITE("search/kept");
	for (size_t d = 0; d < 2; d++) {
		sqlite3 *db = dbs[d];

		for (size_t round = 0; round < 2; round++) {
			for (size_t m = 0; m < 2; m++) {
				search_testing_set_champion_matches(m ? 3 : 0);
				for (size_t q = 0; q < QUERIES; q++) {
					struct search_results fresh, kept, spent;
					const char *query = queries[q];
					size_t length = strlen(query), count;

					/* prepared for this query alone */
					search_release_statements(db);
					search_run(db, query, length, 3, 0, &fresh);
					/* kept: prepared by a query stopped midway
					 * and by another page, then taken again */
					search_keep_statements(db);
					search_run_budget(db, query, length, 3, 0,
							  0.0001, &spent);
					search_results_free(&spent);
					search_run(db, query, length, 3, 1, &spent);
					search_results_free(&spent);
					count = search_kept_statements(db);
					search_run(db, query, length, 3, 0, &kept);
					same &= same_page(&fresh, &kept) &&
						fresh.total == kept.total;
					reused &= search_kept_statements(db) == count;
					counts[d][round][q] += count;
					search_results_free(&fresh);
					search_results_free(&kept);
				}
			}
		}
		for (size_t q = 0; q < QUERIES; q++)
			steady &= counts[d][0][q] == counts[d][1][q];
		steady &= counts[d][0][0] > 0;
		search_release_statements(db);
		CHECK_INT(search_kept_statements(db), 0, "released: none kept");
		CHECK_INT(sqlite3_close(db), SQLITE_OK,
			  "the connection closes: nothing left unfinalized");
	}
	search_testing_set_champion_matches(0);
	CHECK(same, "kept statements answer every query as fresh ones, also "
		    "after a query stopped over its budget");
	CHECK(reused, "a query whose statements are kept prepares no more");
	CHECK(steady, "the same queries keep as many statements each time");
}

int main(void)
{
	sqlite3 *db;

	test_build_query();
	test_query_limits();
	db = open_index();
	test_hostile(db);
	test_query_cost(db);
	test_ranking(db);
	test_order_independence(db);
	test_matching(db);
	test_snippets(db);
	test_limits_and_offsets(db);
	test_grouping(db);
	test_writers(db);
	sqlite3_close(db);
	test_single_marks();
	test_snippet_text();
	test_snippet_runs();
	test_read_only();
	test_collisions();
	test_removal();
	test_champions();
	test_champions_observed();
	test_taper();
	test_bounded();
	test_bounded_tiers();
	test_kept_statements();
	return TEST_EXIT();
}
