/*
 * fuzz_query.c — libFuzzer harness for the query builder, the only way a
 * visitor's text reaches FTS5: each input is built both plain
 * (search_build_query) and analysed (query_build with the index, whose
 * rows went through the writer, so MeCab cuts the CJK runs and
 * search_readings expands kana). Every query built must be valid FTS5
 * syntax: it is run as a real MATCH against the small in-memory index
 * with the kb tokenizer, and an SQLite error aborts (a crash to
 * libFuzzer). A refusal must mean the text was over the length limit,
 * and both builders must agree on it. The text is also searched, ranked
 * by bm25 and by the champion tables: both must count the same. Each
 * expression the checks of broad queries understand (match.h) must
 * match each row in C exactly when FTS5 matches it, and the input
 * itself, read as an expression, must parse or be refused, never crash.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/match.h"
#include "db/query.h"
#include "db/snippet.h"
#include "db/search.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *statement, *one_row;

static const struct search_row rows[] = {
	{"/a/", NULL, "article", "迷惑メールフォルダ", NULL, "Gmail 迷惑",
	 "届いたメールが迷惑メールフォルダに振り分けられます。"},
	{"/b/", "spf", "article", "SPFレコード", "SPFとは", "SPF DNS",
	 "v=spf1 include:_spf.example.com -all を設定します。"},
	{"/c/", NULL, "node", "ＤＫＩＭ署名", NULL, NULL,
	 "550 5.1.1 User unknown ｽﾊﾟﾑ AND OR NOT NEAR \"quoted\" *"},
	{"/d/", NULL, "article", "配信エラーの原因", NULL, "エラー",
	 "メールが届かない場合、配信エラーを確認します。宛先に届きません。"},
	{"/e/", NULL, "node", "宛先不明で戻る", NULL, NULL,
	 "送信したメールが相手に戻ります。迷惑な設定です。"},
};

static void close_db(void)
{
	sqlite3_finalize(statement);
	sqlite3_finalize(one_row);
	sqlite3_close(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_schema_create(db) != SEARCH_OK) {
		fprintf(stderr, "fuzz_query: cannot create the index\n");
		exit(1);
	}
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		if (search_add_row(db, &rows[i]) != SEARCH_OK)
			exit(1);
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM search WHERE search "
			       "MATCH ?1", -1, &statement, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM search WHERE search "
			       "MATCH ?1 AND url = ?2 AND anchor IS ?3", -1,
			       &one_row, NULL) != SQLITE_OK)
		exit(1);
	atexit(close_db);
	return 0;
}

/* Runs query as a MATCH; an FTS5 error aborts. */
static void check_match(const char *query, const char *builder)
{
	sqlite3_reset(statement);
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_ROW) {
		fprintf(stderr, "fuzz_query: FTS5 refused the %s '%s': %s\n",
			builder, query, sqlite3_errmsg(db));
		abort();
	}
}

/* Whether FTS5 matches rows[row] with the expression. */
static bool fts5_matches(const char *expression, size_t row)
{
	bool matches;

	sqlite3_reset(one_row);
	sqlite3_bind_text(one_row, 1, expression, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(one_row, 2, rows[row].url, -1, SQLITE_STATIC);
	sqlite3_bind_text(one_row, 3, rows[row].anchor, -1, SQLITE_STATIC);
	if (sqlite3_step(one_row) != SQLITE_ROW) {
		fprintf(stderr, "fuzz_query: FTS5 refused '%s': %s\n",
			expression, sqlite3_errmsg(db));
		abort();
	}
	matches = sqlite3_column_int(one_row, 0) > 0;
	sqlite3_reset(one_row);
	return matches;
}

/* For an expression match.h understands, each row matches in C exactly
 * when FTS5 matches it. */
static void check_in_c(const char *expression)
{
	struct match_expr *expr = match_parse(expression);
	struct snippet_query *marks;
	bool *found;

	if (expr == NULL)
		return;
	marks = snippet_query_new(expression, NULL);
	if (match_phrase_count(expr) != snippet_query_phrase_count(marks)) {
		fprintf(stderr, "fuzz_query: '%s': %zu phrases, %zu marked\n",
			expression, match_phrase_count(expr),
			snippet_query_phrase_count(marks));
		abort();
	}
	found = xcalloc(match_phrase_count(expr) + 1, sizeof *found);
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const char *texts[4] = {rows[i].title, rows[i].heading,
					rows[i].tags, rows[i].body};

		memset(found, 0, (match_phrase_count(expr) + 1) * sizeof *found);
		for (int column = 0; column < 4; column++)
			if (texts[column] != NULL)
				snippet_find_phrases(marks, texts[column],
						     strlen(texts[column]),
						     found);
		if (match_eval(expr, found) != fts5_matches(expression, i)) {
			fprintf(stderr, "fuzz_query: '%s' and row %zu: C and "
				"FTS5 disagree\n", expression, i);
			abort();
		}
	}
	free(found);
	snippet_query_free(marks);
	match_free(expr);
}

/* Marks expression's phrases in text; the snippet read back must keep
 * its highlights inside its text, in order. */
static void check_marks(const char *expression, const char *singles,
			const char *text, size_t length)
{
	struct snippet_query *marks = snippet_query_new(expression, singles);
	char *marked = snippet_mark(marks, text, length,
				    SEARCH_SNIPPET_CHARACTERS);
	struct search_snippet snippet;
	size_t at = 0;

	snippet_read(marked, strlen(marked), &snippet);
	for (size_t i = 0; i < snippet.highlight_count; i++) {
		if (snippet.highlights[i].start < at ||
		    snippet.highlights[i].end <= snippet.highlights[i].start ||
		    snippet.highlights[i].end > snippet.length) {
			fprintf(stderr, "fuzz_query: a highlight out of place\n");
			abort();
		}
		at = snippet.highlights[i].end;
	}
	free(snippet.text);
	free(snippet.highlights);
	free(marked);
	snippet_query_free(marks);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query = NULL, *analysed = NULL, *singles = NULL;
	int rc = search_build_query((const char *)data, size, &query);
	int analysed_rc = query_build(db, (const char *)data, size, &analysed,
				      &singles);

	if (rc != analysed_rc) {
		fprintf(stderr, "fuzz_query: the builders disagree: %s, %s\n",
			search_strerror(rc), search_strerror(analysed_rc));
		abort();
	}
	if (rc == SEARCH_TOO_LONG) {
		if (utf8_count((const char *)data, size) <=
		    SEARCH_QUERY_MAX_CHARACTERS) {
			fprintf(stderr, "fuzz_query: refused a short query\n");
			abort();
		}
		return 0;
	}
	if (rc != SEARCH_OK) {
		fprintf(stderr, "fuzz_query: %s\n", search_strerror(rc));
		abort();
	}
	if ((analysed == NULL) != (singles == NULL)) {
		fprintf(stderr, "fuzz_query: a query without singles\n");
		abort();
	}
	if (query != NULL) {
		check_match(query, "plain query");
		check_in_c(query);
	}
	if (analysed != NULL) {
		check_match(analysed, "analysed query");
		check_in_c(analysed);
	}
	for (size_t i = 0; analysed != NULL && i < sizeof rows / sizeof *rows;
	     i++)
		check_marks(analysed, singles, rows[i].body,
			    strlen(rows[i].body));
	{
		/* ranked by bm25 and by champions (forced for any query
		 * matching two rows), the same articles are counted */
		struct search_results full, champion;
		int full_rc, champion_rc;

		search_testing_set_champion_matches(0);
		full_rc = search_run_flags(db, (const char *)data, size, 10, 0,
					   SEARCH_NO_CORRECTION, 10000, &full);
		search_testing_set_champion_matches(1);
		champion_rc = search_run_flags(db, (const char *)data, size, 10,
					       0, SEARCH_NO_CORRECTION, 10000,
					       &champion);
		search_testing_set_champion_matches(0);
		if (full_rc != champion_rc || full.total != champion.total ||
		    full.count != champion.count) {
			fprintf(stderr, "fuzz_query: the rankings disagree: "
				"%d %zu %zu, %d %zu %zu\n", full_rc, full.total,
				full.count, champion_rc, champion.total,
				champion.count);
			abort();
		}
		search_results_free(&full);
		search_results_free(&champion);
	}
	{
		/* the near tier: an expression FTS5 takes, and a near check
		 * of every row's body and of the input itself that ends */
		struct query_tiers tiers;
		char *tiered = NULL, *tiered_singles = NULL;

		query_build_tiers(db, (const char *)data, size, &tiered,
				  &tiered_singles, &tiers);
		if (tiers.exact != NULL)
			check_in_c(tiers.exact);
		if (tiers.loose != NULL)
			check_in_c(tiers.loose);
		if (tiers.near != NULL) {
			struct snippet_query *near =
				snippet_query_new(tiers.near, NULL);

			check_match(tiers.near, "near tier");
			for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
				snippet_near(near, rows[i].body,
					     strlen(rows[i].body),
					     QUERY_NEAR_TOKENS);
			snippet_near(near, (const char *)data, size,
				     QUERY_NEAR_TOKENS);
			snippet_query_free(near);
		}
		free(tiered);
		free(tiered_singles);
		query_tiers_free(&tiers);
	}
	{
		/* the input as an expression, and as the text marked */
		char *text = xstrndup((const char *)data, size);

		match_free(match_parse(text));
		check_marks(text, NULL, rows[0].body, strlen(rows[0].body));
		if (analysed != NULL)
			check_marks(analysed, singles, text, strlen(text));
		free(text);
	}
	free(query);
	free(analysed);
	free(singles);
	return 0;
}
