/*
 * test_query.c — the analysed query (query_words.h) through query_build
 * and search_run over an in-memory kb.db whose rows went through the real
 * writer, so that search_readings holds their readings: kana queries
 * find kanji words, inflections find their stem, particles drop out,
 * nothing the user types is FTS5 syntax, the limits hold; and, in a
 * child process with no dictionary, the plain query of before.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/analyze.h"
#include "db/query.h"
#include "db/search.h"
#include "test.h"
#include "base/util.h"

static const struct search_row index_rows[] = {
	{"/spam/", NULL, "article", "迷惑メールフォルダを確認してください",
	 NULL, "Gmail 迷惑メール",
	 "届いたメールが迷惑メールフォルダに振り分けられていることがあります。"},
	{"/errors/delivery/", NULL, "article", "配信エラーの原因", NULL,
	 "エラー", "メールが届かない場合、配信エラーを確認します。"},
	{"/spf/", NULL, "article", "SPFレコードの設定", NULL, "SPF DNS",
	 "v=spf1 include:_spf.example.com -all をTXTレコードに設定します。"},
	{"/wizard/not-arriving/", NULL, "node", "メールが届きません", NULL,
	 NULL, "送信したメールが相手に届きません。"},
	{"/bounce/", NULL, "article", "宛先不明で戻る", NULL, NULL,
	 "宛先が存在しないとメールが戻ります。"},
};

static sqlite3 *open_index(void)
{
	sqlite3 *db = NULL;
	bool ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
		  search_schema_create(db) == SEARCH_OK;

	for (size_t i = 0; ok && i < sizeof index_rows / sizeof *index_rows;
	     i++)
		ok = search_add_row(db, &index_rows[i]) == SEARCH_OK;
	CHECK(ok, "build an in-memory index through the writer");
	return db;
}

static long long count_sql(sqlite3 *db, const char *sql, const char *text)
{
	sqlite3_stmt *statement = NULL;
	long long found = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    (text == NULL || sqlite3_bind_text(statement, 1, text, -1,
					       SQLITE_STATIC) == SQLITE_OK) &&
	    sqlite3_step(statement) == SQLITE_ROW)
		found = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return found;
}

/* Rows matching an FTS5 expression; -1 when FTS5 refuses it. */
static long long count_matches(sqlite3 *db, const char *match)
{
	return count_sql(db, "SELECT count(*) FROM search WHERE search MATCH ?1",
			 match);
}

/* The result urls joined by spaces, or "error N". */
static char *run_urls(sqlite3 *db, const char *text)
{
	struct search_results results;
	struct buf out = {0};
	int rc = search_run(db, text, strlen(text), 10, 0, &results);

	if (rc != SEARCH_OK)
		buf_printf(&out, "error %d", rc);
	for (size_t i = 0; i < results.count; i++)
		buf_printf(&out, "%s%s", i ? " " : "", results.items[i].url);
	search_results_free(&results);
	return out.data != NULL ? buf_detach(&out) : xstrdup("");
}

static char *build(sqlite3 *db, const char *text, int *rc, char **singles)
{
	char *query = NULL, *ignored = NULL;

	*rc = query_build(db, text, strlen(text), &query,
			  singles ? singles : &ignored);
	free(ignored);
	return query;
}

/* What an expression is made of, read back: its phrases (quoted, with
 * a trailing '*' when it has one) and whether anything outside them is
 * other than the builder's own syntax: ( ) OR AND NEAR( , 8). */
struct shape {
	char **phrases;
	size_t count, capacity, distinct, distinct_prefixes;
	bool foreign; /* something else outside the quotes */
};

static void shape_free(struct shape *shape)
{
	for (size_t i = 0; i < shape->count; i++)
		free(shape->phrases[i]);
	free(shape->phrases);
}

static bool starts(const char *at, const char *word)
{
	return strncmp(at, word, strlen(word)) == 0;
}

static void read_shape(const char *query, struct shape *shape)
{
	const char *at = query;

	memset(shape, 0, sizeof *shape);
	while (*at != '\0') {
		if (*at == '"') {
			const char *start = at++;
			size_t i;
			bool seen = false;

			while (*at != '\0' && !(at[0] == '"' && at[1] != '"'))
				at += at[0] == '"' ? 2 : 1;
			if (*at == '\0') {
				shape->foreign = true;
				break;
			}
			at++;
			at += *at == '*';
			shape->phrases = xgrow(shape->phrases, &shape->capacity,
					       shape->count + 1,
					       sizeof *shape->phrases);
			shape->phrases[shape->count] =
				xstrndup(start, (size_t)(at - start));
			for (i = 0; i < shape->count && !seen; i++)
				seen = strcmp(shape->phrases[i],
					      shape->phrases[shape->count]) == 0;
			if (!seen) {
				shape->distinct++;
				shape->distinct_prefixes += at[-1] == '*';
			}
			shape->count++;
		} else if (*at == ' ' || *at == '(' || *at == ')') {
			at++;
		} else if (starts(at, "OR ") || starts(at, "AND ")) {
			at += *at == 'O' ? 3 : 4;
		} else if (starts(at, "NEAR(")) {
			at += 5;
		} else if (starts(at, ", 8)")) {
			at += 4;
		} else {
			shape->foreign = true;
			break;
		}
	}
}

static bool has_phrase(const struct shape *shape, const char *phrase)
{
	for (size_t i = 0; i < shape->count; i++)
		if (strcmp(shape->phrases[i], phrase) == 0)
			return true;
	return false;
}

static size_t count_char(const char *text, char c)
{
	size_t found = 0;

	for (; text != NULL && *text != '\0'; text++)
		found += *text == c;
	return found;
}

/* What every analysed expression must be, whatever the text. */
static void check_well_formed(sqlite3 *db, const char *text, const char *what)
{
	struct shape shape;
	char *singles = NULL;
	int rc;
	char *query = build(db, text, &rc, &singles);
	char label[512];

	snprintf(label, sizeof label, "%s: %s", what, text);
	for (char *c = label; *c != '\0'; c++)
		if ((unsigned char)*c < 0x20)
			*c = ' ';
	CHECK_INT(rc, SEARCH_OK, label);
	if (query == NULL) {
		CHECK(singles == NULL, label);
		free(singles);
		return;
	}
	read_shape(query, &shape);
	CHECK(!shape.foreign, label);
	CHECK(shape.distinct <= SEARCH_MAX_TERMS, label);
	CHECK(shape.distinct_prefixes <= SEARCH_MAX_PREFIX_TERMS, label);
	CHECK_INT(count_char(singles, '\x1F') + 1, shape.count, label);
	CHECK(count_matches(db, query) >= 0, label);
	if (shape.foreign || count_matches(db, query) < 0)
		printf("  expression: %s\n", query);
	shape_free(&shape);
	free(query);
	free(singles);
}

struct exact_case {
	const char *text;
	const char *query;
	const char *what;
};

static const struct exact_case exact_cases[] = {
	{"再配信", "\"再配 配信\"",
	 "a prefix stays with its noun: 再配信 is not 配信"},
	{"未設定の", "(\"未設 設定\" OR \"未設 設定 定の\")",
	 "so does 未 of 未設定; の is dropped (the run as typed stays an "
	 "alternative)"},
	{"めいわく", "(\"迷惑\" OR \"メイ イワ ワク\" OR \"めい いわ わく\")",
	 "a hiragana reading finds its kanji word"},
	{"メイワク", "(\"迷惑\" OR \"メイ イワ ワク\")",
	 "so does the katakana reading (no hiragana form: the text writes "
	 "katakana words in katakana)"},
	{"えらー", "(\"エラ ラー\" OR \"えら らー\")",
	 "hiragana folds to katakana"},
	{"エラー", "\"エラ ラー\"",
	 "katakana typed stays katakana, one phrase"},
	{"はいしんえらー",
	 "(\"はい いし しん んえ えら らー\" OR NEAR(\"配信\" \"エラ ラー\", 8) "
	 "OR ((\"配信\" OR \"ハイ イシ シン\" OR \"はい いし しん\") AND "
	 "(\"エラ ラー\" OR \"えら らー\")))",
	 "a kana run is cut into known readings: 配信 + エラー"},
	{"とどかない", "(\"届\"* OR \"とど どか\" OR \"とど どか かな ない\")",
	 "an inflected kana verb: the stem of its kanji base"},
	{"届かない", "(\"届\"* OR \"届か かな ない\")",
	 "届かない: the stem 届 as a prefix"},
	{"届きません", "(\"届\"* OR \"届き きま ませ せん\")",
	 "届きません: the stem 届"},
	{"届いてない", "(\"届\"* OR \"届い いて てな ない\")",
	 "届いてない: the stem 届"},
	{"とどく", "(\"届く\" OR \"届\"* OR \"トド ドク\" OR \"とど どく\")",
	 "a kana base form: the kanji base and its stem"},
	{"もどる", "(\"戻る\" OR \"戻\"* OR \"モド ドル\" OR \"もど どる\")",
	 "another kana verb: 戻る and 戻"},
	{"メールが届きません",
	 "(\"メー ール ルが が届 届き きま ませ せん\" OR NEAR(\"メー ール\" "
	 "\"届\"*, 8) OR (\"メー ール\" AND \"届\"*))",
	 "が is dropped, メール and 届 are ANDed"},
	{"迷惑フォルダ",
	 "(\"迷惑 惑フ フォ ォル ルダ\" OR NEAR(\"迷惑\" \"フォ ォル ルダ\", 8) "
	 "OR (\"迷惑\" AND \"フォ ォル ルダ\"))",
	 "a compound: exact OR NEAR OR AND"},
	{"迷惑メール",
	 "(\"迷惑 惑メ メー ール\" OR NEAR(\"迷惑\" \"メー ール\", 8) OR "
	 "(\"迷惑\" AND \"メー ール\"))",
	 "readings that begin with the katakana word add nothing: its phrase "
	 "matches them"},
	{"めいわ", "(\"迷惑\" OR \"メイ イワ\" OR \"めい いわ\")",
	 "the last kana word, open, adds the kanji words whose reading it "
	 "begins (an IME's unconverted text)"},
	{"迷惑メール ", "(\"迷惑 惑メ メー ール\" OR NEAR(\"迷惑\" \"メー ール\", 8) "
	 "OR (\"迷惑\" AND \"メー ール\"))",
	 "not when a space ends the text"},
	{"あてさき", "(\"宛先\" OR \"アテ テサ サキ\" OR \"あて てさ さき\")",
	 "あてさき → 宛先"},
	{"戻らない", "(\"戻\"* OR \"戻ら らな ない\")", "戻らない: the stem 戻"},
	{"SPFレコード", "\"spf\" AND \"レコ コー ード\"",
	 "a Latin word before a run is its own phrase"},
	{"spf", "\"spf\"*", "no CJK run: the plain query"},
	{"迷", "\"迷\"*", "a lone CJK character: the plain query"},
	{"迷惑 AND メール ",
	 "\"迷惑\" AND \"and\" AND \"メー ール\"",
	 "AND typed is a word"},
	{"NEAR(迷惑 メール)",
	 "\"near\" AND \"迷惑\" AND \"メー ール\"",
	 "NEAR( typed is a word and a separator"},
	{"迷惑\"メール ", "\"迷惑\" AND \"メー ール\"",
	 "a quote inside Japanese text separates"},
	{"迷惑*メール ", "\"迷惑\" AND \"メー ール\"",
	 "a star inside Japanese text separates"},
	{"^迷惑", "\"迷惑\"", "a caret is nothing"},
	{"(迷惑)メール ", "\"迷惑\" AND \"メー ール\"",
	 "parentheses separate"},
	{"迷惑title:メール ",
	 "\"迷惑\" AND \"title\" AND \"メー ール\"",
	 "a column filter inside Japanese text is words"},
	{"迷惑{title body}:メール ", "\"迷惑\" AND \"title\" AND \"body\" AND "
	 "\"メー ール\"",
	 "a column set inside Japanese text is words"},
	{"迷惑-メール NOT 届く",
	 "\"迷惑\" AND \"メー ール\" AND \"not\" AND "
	 "(\"届\"* OR \"届く\")",
	 "NOT and a minus are no operators"},
	{"めーるがとどかない",
	 "(\"めー ーる るが がと とど どか かな ない\" OR NEAR(\"メー ール\" "
	 "\"届\"*, 8) OR ((\"メー ール\" OR \"めー ーる\") AND (\"届\"* OR "
	 "\"とど どか\")))",
	 "a question in hiragana is cut at its particle: めーる, and "
	 "とどかない analysed alone"},
	{"めいわくのめーる",
	 "(\"めい いわ わく くの のめ めー ーる\" OR NEAR(\"迷惑\" "
	 "\"メー ール\", 8) OR ((\"迷惑\" OR \"メイ イワ ワク\" OR "
	 "\"めい いわ わく\") AND (\"メー ール\" OR \"めー ーる\")))",
	 "the left side cut into readings, の dropped"},
	{"がとどかない",
	 "(\"届\"* OR \"とど どか\" OR \"がと とど どか かな ない\")",
	 "a particle first is not a cut: MeCab's words"},
	{"がを", "\"がを\"", "particles only: searched as written"},
	{"", NULL, "empty: no query"},
	{"「」。、", NULL, "Japanese punctuation only: no query"},
};

static void test_exact(sqlite3 *db)
{
	TEST_SUITE("query/exact");
	for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
		const struct exact_case *c = &exact_cases[i];
		int rc;
		char *query = build(db, c->text, &rc, NULL);

		CHECK_INT(rc, SEARCH_OK, c->what);
		if (c->query == NULL)
			CHECK(query == NULL, c->what);
		else
			CHECK_STR(query, c->query, c->what);
		free(query);
		check_well_formed(db, c->text, c->what);
	}
}

struct word_case {
	const char *text;
	const char *present[4];
	const char *absent[4];
	const char *what;
};

static const struct word_case word_cases[] = {
	{"メールが届きません", {"\"メー ール\"", "\"届\"*"},
	 {"\"が\"", "\"ません\"", "\"ませ せん\""}, "が and ません are dropped"},
	{"迷惑メールを確認してください", {"\"迷惑\"", "\"確認\""},
	 {"\"を\"", "\"くだ ださ さい\"", "\"して\""},
	 "を, して, ください are dropped"},
	{"配信エラーの原因", {"\"配信\"", "\"原因\"", "\"エラ ラー\""},
	 {"\"の\""}, "の is dropped"},
	{"メールが届かないのはなぜ", {"\"メー ール\"", "\"届\"*"},
	 {"\"が\"", "\"ない\""}, "が, ない, の, は are dropped"},
	{"迷惑メールに入る", {"\"迷惑\"", "\"入\"*"}, {"\"に\""},
	 "入る by its stem"},
};

static void test_words(sqlite3 *db)
{
	TEST_SUITE("query/words");
	for (size_t i = 0; i < sizeof word_cases / sizeof *word_cases; i++) {
		const struct word_case *c = &word_cases[i];
		struct shape shape;
		int rc;
		char *query = build(db, c->text, &rc, NULL);

		CHECK(query != NULL, c->what);
		read_shape(query ? query : "", &shape);
		for (size_t j = 0; j < 4 && c->present[j]; j++)
			CHECK(has_phrase(&shape, c->present[j]), c->present[j]);
		for (size_t j = 0; j < 4 && c->absent[j]; j++)
			CHECK(!has_phrase(&shape, c->absent[j]), c->absent[j]);
		shape_free(&shape);
		free(query);
	}
}

static const char *const hostile[] = {
	"迷惑\"メール", "\"\"\"迷惑\"\"\"", "迷惑\" OR \"メール",
	"迷惑メール\"OR\"届く", "NEAR(迷惑 メール, 0)", "迷惑 NEAR/2 メール",
	"迷惑 AND OR NOT メール", "迷惑* メール*", "*迷惑", "迷惑^メール",
	"^^^迷惑^", "((迷惑)) (メール", "迷惑)", "title:迷惑", "迷惑title:",
	"- 迷惑 + メール", "{title}:迷惑メール", "body : 届きません",
	"迷惑\\メール", "迷惑'メール'", "届く\"", "\"届く", "めいわく\"*",
	"はいしん\"えらー", "ＮＥＡＲ（迷惑）", "迷惑\x01メール",
	"迷惑\xFFメール", "\xE8\xBF", "迷惑\xE8\xBF", "ｽﾊﾟﾑ迷惑",
	"迷惑ﾒｰﾙ", "〜ー〜", "々々", "ゝゞヽヾ", "迷惑メール\tが\n届く",
};

static void test_hostile(sqlite3 *db)
{
	TEST_SUITE("query/hostile");
	for (size_t i = 0; i < sizeof hostile / sizeof *hostile; i++)
		check_well_formed(db, hostile[i], "only quoted phrases");
}

static void test_limits(sqlite3 *db)
{
	struct buf text = {0};
	struct shape shape;
	char *query, *singles = NULL;
	int rc;

	TEST_SUITE("query/limits");
	for (size_t i = 0; i < SEARCH_QUERY_MAX_CHARACTERS / 2; i++)
		buf_adds(&text, "届く");
	check_well_formed(db, text.data, "the limit in 届く");
	buf_adds(&text, "x");
	rc = query_build(db, text.data, text.length, &query, &singles);
	CHECK_INT(rc, SEARCH_TOO_LONG, "one character more is too long");
	CHECK(query == NULL && singles == NULL, "and gives nothing");
	buf_reset(&text);
	for (size_t i = 0; i < 8; i++)
		buf_adds(&text, "めいわく えらー はいしん とどく せってい ");
	check_well_formed(db, text.data, "many kana words");
	query = build(db, text.data, &rc, NULL);
	read_shape(query ? query : "", &shape);
	CHECK_INT(shape.distinct, SEARCH_MAX_TERMS, "terms fill up to the limit");
	CHECK(has_phrase(&shape, "\"迷惑\""), "the first word is kept");
	shape_free(&shape);
	free(query);
	check_well_formed(db, "迷 惑 届 配 信 戻 宛 先", "many prefixes");
	query = build(db, "届かない 戻らない 入らない 送れない", &rc, NULL);
	read_shape(query ? query : "", &shape);
	CHECK_INT(shape.distinct_prefixes, SEARCH_MAX_PREFIX_TERMS,
		  "stems past the prefix limit are no prefix");
	CHECK(has_phrase(&shape, "\"届\"*") && has_phrase(&shape, "\"戻\"*"),
	      "the first two stems are the prefixes");
	shape_free(&shape);
	free(query);
	for (int length = 1; length <= 40; length++) {
		buf_reset(&text);
		for (int i = 0; i < length; i++)
			buf_adds(&text, i % 3 ? "めいわく" : "届いて");
		check_well_formed(db, text.data, "a long run");
	}
	buf_free(&text);
}

struct found_case {
	const char *text;
	const char *urls;
};

static const struct found_case found_cases[] = {
	{"めいわく", "/spam/"},
	{"メイワク", "/spam/"},
	{"えらー", "/errors/delivery/"},
	{"はいしんえらー", "/errors/delivery/"},
	{"とどかない", "/errors/delivery/ /wizard/not-arriving/ /spam/"},
	{"とどく", "/errors/delivery/ /wizard/not-arriving/ /spam/"},
	{"届いてない", "/errors/delivery/ /wizard/not-arriving/ /spam/"},
	{"届きません", "/wizard/not-arriving/ /errors/delivery/ /spam/"},
	{"迷惑フォルダ", "/spam/"},
	{"あてさき", "/bounce/"},
	{"そうしん", "/wizard/not-arriving/"},
	{"もどらない", "/bounce/"},
};

static void test_found(sqlite3 *db)
{
	TEST_SUITE("query/found");
	for (size_t i = 0; i < sizeof found_cases / sizeof *found_cases; i++) {
		const struct found_case *c = &found_cases[i];
		char *plain = NULL, *urls = run_urls(db, c->text);

		CHECK_STR(urls, c->urls, c->text);
		search_build_query(c->text, strlen(c->text), &plain);
		if (strcmp(c->text, "届きません") != 0)
			CHECK_INT(count_matches(db, plain), 0,
				  "the plain query finds none of them");
		free(plain);
		free(urls);
	}
}

struct tier_case {
	const char *text, *exact, *loose;
};

static const struct tier_case tier_cases[] = {
	{"メールが届きません", "\"メー ール ルが が届 届き きま ませ せん\"",
	 "(\"メー ール\" AND \"届\"*)"},
	{"届いてない", "\"届い いて てな ない\"",
	 "(\"届\"* OR \"届い いて てな ない\")"},
	{"SPF 届かない", "\"spf\" AND \"届か かな ない\"",
	 "\"spf\" AND (\"届\"* OR \"届か かな ない\")"},
	{"めいわく", "\"めい いわ わく\"",
	 "(\"迷惑\" OR \"メイ イワ ワク\" OR \"めい いわ わく\")"},
	{"迷惑", NULL, NULL},
	{"SPF", NULL, NULL},
};

/* The tiers (query.h), and the two ways search_run ranks with them: a
 * page the exact run fills, the rest unscored; a page it does not fill,
 * the rest by the whole expression. Both count the same articles. */
static void test_tiers(sqlite3 *db)
{
	TEST_SUITE("query/tiers");
	for (size_t i = 0; i < sizeof tier_cases / sizeof *tier_cases; i++) {
		const struct tier_case *c = &tier_cases[i];
		char *query = NULL, *singles = NULL;
		struct query_tiers tiers;

		CHECK_INT(query_build_tiers(db, c->text, strlen(c->text),
					    &query, &singles, &tiers),
			  SEARCH_OK, c->text);
		if (c->exact == NULL) {
			CHECK(tiers.exact == NULL && tiers.loose == NULL,
			      "a query without a run of several forms has "
			      "no tiers");
		} else {
			CHECK_STR(tiers.exact, c->exact, c->text);
			CHECK_STR(tiers.loose, c->loose, c->text);
			CHECK_INT(count_matches(db, tiers.loose),
				  count_matches(db, query),
				  "loose matches what the expression does");
			CHECK(count_matches(db, tiers.exact) <=
				      count_matches(db, query),
			      "exact matches no more than it");
		}
		free(query);
		free(singles);
		query_tiers_free(&tiers);
	}
	{
		const char *text = "メールが届きません";
		struct search_results one, all;

		CHECK_INT(search_run(db, text, strlen(text), 1, 0, &one),
			  SEARCH_OK, "a page of one, filled by the exact run");
		CHECK_INT(search_run(db, text, strlen(text), 10, 0, &all),
			  SEARCH_OK, "a page of ten, which it does not fill");
		CHECK_INT(one.total, 3, "three articles match");
		CHECK_INT(all.total, one.total,
			  "both pages count the same articles");
		CHECK(one.count == 1 && all.count == 3 &&
		      strcmp(one.items[0].url, "/wizard/not-arriving/") == 0 &&
		      strcmp(all.items[0].url, one.items[0].url) == 0,
		      "the row with the run as typed ranks first either way");
		search_results_free(&one);
		search_results_free(&all);
	}
}

struct near_case {
	const char *text, *near;
};

static const struct near_case near_cases[] = {
	/* the light verb なる, left out of the expression, is kept as the
	 * query's bigram of particle and verb */
	{"SPFがエラーになる", "NEAR(\"spf\" \"エラ ラー\" \"にな\", 8)"},
	/* a Latin word the query ends in is a whole word here */
	{"エラー SPF", "NEAR(\"エラ ラー\" \"spf\", 8)"},
	{"迷惑メール 設定", "NEAR(\"迷惑\" \"メー ール\" \"設定\", 8)"},
	/* 届く's only form in the expression is the prefix 届* */
	{"メールが届きません", NULL},
	{"迷惑", NULL},
	{"SPF", NULL},
	/* a light verb at the run's start has no particle before it */
	{"なる", NULL},
};

/* Rows for the near tier: bm25 prefers the error articles, which
 * repeat エラー and tag SPF, over the one that says what the query does
 * (SPFはエラーになり). */
static const struct search_row near_rows[] = {
	{"/spf/", NULL, "article", "SPFの設定方法", NULL, "SPF DNS",
	 "レコードを2つ置くと、SPFはエラーになり、認証に失敗します。"},
	{"/errors/permanent/", NULL, "article", "永続的エラーになる場合",
	 NULL, "エラー SPF", "永続的エラーは、エラーの内容を確認します。"},
	{"/errors/temporary/", NULL, "article", "一時的なエラーになる場合",
	 NULL, "エラー SPF", "一時的なエラーは、時間をおいて送ります。"},
};

/* The near tier (query.h): its expression, and that the best results
 * the near group matches rank above those bm25 alone puts first. */
static void test_near(void)
{
	sqlite3 *db = NULL;
	bool ok;

	TEST_SUITE("query/near");
	ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
	     search_schema_create(db) == SEARCH_OK;
	for (size_t i = 0; ok && i < sizeof near_rows / sizeof *near_rows; i++)
		ok = search_add_row(db, &near_rows[i]) == SEARCH_OK;
	CHECK(ok, "build the near rows' index");
	for (size_t i = 0; i < sizeof near_cases / sizeof *near_cases; i++) {
		const struct near_case *c = &near_cases[i];
		char *query = NULL, *singles = NULL;
		struct query_tiers tiers;

		CHECK_INT(query_build_tiers(db, c->text, strlen(c->text),
					    &query, &singles, &tiers),
			  SEARCH_OK, c->text);
		if (c->near == NULL)
			CHECK(tiers.near == NULL, c->text);
		else
			CHECK_STR(tiers.near, c->near, c->text);
		free(query);
		free(singles);
		query_tiers_free(&tiers);
	}
	{
		const char *text = "SPFがエラーになる";
		char *query = NULL, *singles = NULL, *urls;
		struct query_tiers tiers;
		sqlite3_stmt *statement = NULL;
		const char *by_bm25 = NULL;

		query_build_tiers(db, text, strlen(text), &query, &singles,
				  &tiers);
		if (query != NULL &&
		    sqlite3_prepare_v2(db,
				       "SELECT url FROM search WHERE search "
				       "MATCH ?1 ORDER BY rank LIMIT 1",
				       -1, &statement, NULL) == SQLITE_OK &&
		    sqlite3_bind_text(statement, 1, query, -1,
				      SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(statement) == SQLITE_ROW)
			by_bm25 = (const char *)sqlite3_column_text(statement, 0);
		CHECK(by_bm25 != NULL && strcmp(by_bm25, "/spf/") != 0,
		      "bm25 alone ranks an error article first");
		sqlite3_finalize(statement);
		urls = run_urls(db, text);
		CHECK_STR(urls, "/spf/ /errors/permanent/ /errors/temporary/",
			  "the row with the words together ranks first");
		free(urls);
		urls = run_urls(db, "永続的エラー");
		CHECK_STR(urls, "/errors/permanent/",
			  "a query of one word is ranked as before");
		free(urls);
		free(query);
		free(singles);
		query_tiers_free(&tiers);
	}
	sqlite3_close(db);
}

/* Runs in a child that has not analysed anything yet: with the
 * dictionary missing, every query is the plain one. */
static int no_dictionary(void)
{
	sqlite3 *db;

	TEST_SUITE("query/no-dictionary");
	setenv("KBGEN_MECAB_DICTIONARY", "/nonexistent", 1);
	CHECK_INT(analyze_open(), -1, "a missing dictionary disables analysis");
	CHECK(analyze_error() != NULL &&
	      strstr(analyze_error(), "/nonexistent") != NULL,
	      "and says which");
	db = open_index();
	CHECK_INT(count_sql(db, "SELECT count(*) FROM search_readings", NULL),
		  0, "no readings are counted");
	for (size_t i = 0; i < sizeof exact_cases / sizeof *exact_cases; i++) {
		char *plain = NULL, *query;
		int rc;

		search_build_query(exact_cases[i].text,
				   strlen(exact_cases[i].text), &plain);
		query = build(db, exact_cases[i].text, &rc, NULL);
		CHECK_INT(rc, SEARCH_OK, exact_cases[i].text);
		CHECK((query == NULL && plain == NULL) ||
		      (query && plain && strcmp(query, plain) == 0),
		      exact_cases[i].text);
		free(plain);
		free(query);
	}
	{
		int rc;
		char *query = build(db, "メールが届きません", &rc, NULL);
		char *urls = run_urls(db, "めいわく");

		CHECK_STR(query, "\"メー ール ルが が届 届き きま ませ せん\"",
			  "today's plain phrase");
		CHECK_STR(urls, "", "めいわく finds nothing unanalysed");
		free(urls);
		urls = run_urls(db, "迷惑メール");
		CHECK_STR(urls, "/spam/", "迷惑メール still finds its row");
		free(urls);
		free(query);
	}
	sqlite3_close(db);
	return TEST_EXIT();
}

int main(void)
{
	sqlite3 *db;
	pid_t child;
	int status = 0;

	fflush(stdout);
	child = fork();
	if (child == 0)
		exit(no_dictionary());
	TEST_SUITE("query/no-dictionary");
	CHECK(child > 0 && waitpid(child, &status, 0) == child &&
	      WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the child without a dictionary passed");
	setenv("KBGEN_MECAB_DICTIONARY", ANALYZE_DICTIONARY, 1);
	TEST_SUITE("query");
	CHECK_INT(analyze_open(), 0, "the dictionary loads");
	db = open_index();
	test_exact(db);
	test_words(db);
	test_hostile(db);
	test_limits(db);
	test_tiers(db);
	test_found(db);
	sqlite3_close(db);
	test_near();
	return TEST_EXIT();
}
