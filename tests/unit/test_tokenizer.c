/*
 * test_tokenizer.c — the kb tokenizer: normalisation, token rules, offsets
 * into the original text, hostile input, and its FTS5 registration.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "db/fts5.h"
#include "db/tokenizer.h"
#include "base/util.h"

struct token_copy {
	char *text;
	size_t start, end;
	unsigned flags;
};

struct token_list {
	struct token_copy *items;
	size_t count, capacity;
	const char *input;
	size_t input_length;
	bool bounds_ok; /* every range inside the input, start < end */
};

static int collect(void *context, const struct kb_token *token)
{
	struct token_list *list = context;
	struct token_copy *copy;

	list->items = xgrow(list->items, &list->capacity, list->count + 1,
			    sizeof *list->items);
	copy = &list->items[list->count++];
	copy->text = xstrndup(token->text, token->length);
	copy->start = token->start;
	copy->end = token->end;
	copy->flags = token->flags;
	if (token->start >= token->end || token->end > list->input_length ||
	    token->length == 0)
		list->bounds_ok = false;
	return 0;
}

static void list_free(struct token_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->items[i].text);
	free(list->items);
	memset(list, 0, sizeof *list);
}

static struct token_list tokenize_bytes(const char *text, size_t length,
					enum kb_tokenize_mode mode)
{
	struct token_list list = {0};

	list.input = text;
	list.input_length = length;
	list.bounds_ok = true;
	kb_tokenize(text, length, mode, collect, &list);
	return list;
}

static struct token_list tokenize(const char *text, enum kb_tokenize_mode mode)
{
	return tokenize_bytes(text, strlen(text), mode);
}

/* The tokens' texts joined by spaces; colocated ones prefixed with '+'. */
static char *texts(const struct token_list *list)
{
	struct buf out = {0};
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (i > 0)
			buf_addc(&out, ' ');
		if (list->items[i].flags & KB_TOKEN_COLOCATED)
			buf_addc(&out, '+');
		buf_adds(&out, list->items[i].text);
	}
	return buf_detach(&out);
}

/* The original bytes of every token, joined by '|'. */
static char *slices(const struct token_list *list)
{
	struct buf out = {0};
	size_t i;

	for (i = 0; i < list->count; i++) {
		if (i > 0)
			buf_addc(&out, '|');
		buf_add(&out, list->input + list->items[i].start,
			list->items[i].end - list->items[i].start);
	}
	return buf_detach(&out);
}

/* Offsets as "start-end" pairs joined by spaces. */
static char *offsets(const struct token_list *list)
{
	struct buf out = {0};
	size_t i;

	for (i = 0; i < list->count; i++)
		buf_printf(&out, "%s%zu-%zu", i ? " " : "", list->items[i].start,
			   list->items[i].end);
	return buf_detach(&out);
}

static void check_tokens(const char *input, enum kb_tokenize_mode mode,
			 const char *want_texts, const char *want_slices,
			 const char *what)
{
	struct token_list list = tokenize(input, mode);
	char *got_texts = texts(&list), *got_slices = slices(&list);
	char *label = xasprintf("%s: tokens", what);

	CHECK_STR(got_texts, want_texts, label);
	free(label);
	if (want_slices != NULL) {
		label = xasprintf("%s: original ranges", what);
		CHECK_STR(got_slices, want_slices, label);
		free(label);
	}
	free(got_texts);
	free(got_slices);
	list_free(&list);
}

static void check_offsets(const char *input, const char *want, const char *what)
{
	struct token_list list = tokenize(input, KB_TOKENIZE_DOCUMENT);
	char *got = offsets(&list);

	CHECK_STR(got, want, what);
	free(got);
	list_free(&list);
}

static void test_normalisation(void)
{
	TEST_SUITE("tokenizer/normalise");
	check_tokens("ＳＰＦ", KB_TOKENIZE_QUERY, "spf", "ＳＰＦ",
		     "full-width SPF folds to spf");
	check_tokens("SPF Spf sPf", KB_TOKENIZE_QUERY, "spf spf spf", NULL,
		     "ASCII case folds");
	check_tokens("ｽﾊﾟﾑ", KB_TOKENIZE_QUERY, "スパ パム", "ｽﾊﾟ|ﾊﾟﾑ",
		     "half-width katakana with a voicing mark");
	check_tokens("スパム", KB_TOKENIZE_QUERY, "スパ パム", NULL,
		     "full-width katakana gives the same bigrams");
	check_tokens("５．１．１", KB_TOKENIZE_QUERY, "5 1 1", "５|１|１",
		     "full-width digits and full stops");
	check_tokens("か\xE3\x82\x99", KB_TOKENIZE_QUERY, "が",
		     "か\xE3\x82\x99", "か + U+3099 composes to が");
	check_tokens("ｶﾞｲﾄﾞ", KB_TOKENIZE_QUERY, "ガイ イド", NULL,
		     "half-width dakuten composes");
	check_tokens("e\xCC\x81t\xC3\xA9", KB_TOKENIZE_QUERY, "\xC3\xA9t\xC3\xA9",
		     NULL, "e + U+0301 composes like precomposed é");
	check_tokens("ÄÖÜ Straße", KB_TOKENIZE_QUERY, "äöü strasse", NULL,
		     "non-ASCII case folding");
	check_tokens("ｴﾗｰ", KB_TOKENIZE_QUERY, "エラ ラー", "ｴﾗ|ﾗｰ",
		     "half-width prolonged sound mark");
	check_tokens("㍻ ㈱ ① ﬃ", KB_TOKENIZE_QUERY, "平成 株 1 ffi",
		     "㍻|㈱|①|ﬃ", "compatibility characters map to their text");
	check_tokens("S\xE2\x80\x8BPF", KB_TOKENIZE_QUERY, "spf", NULL,
		     "a zero-width space inside a word is ignored");
	check_tokens("Ｖ＝ｓｐｆ１", KB_TOKENIZE_QUERY, "v spf1", "Ｖ|ｓｐｆ１",
		     "full-width v=spf1");
}

static void test_rules(void)
{
	TEST_SUITE("tokenizer/rules");
	check_tokens("迷惑メール", KB_TOKENIZE_QUERY, "迷惑 惑メ メー ール",
		     "迷惑|惑メ|メー|ール", "a CJK run gives overlapping bigrams");
	check_tokens("迷惑メール", KB_TOKENIZE_DOCUMENT,
		     "迷惑 惑メ メー ール +ル", NULL,
		     "documents add the last character, colocated");
	check_tokens("迷", KB_TOKENIZE_QUERY, "迷", "迷",
		     "a lone character is a unigram");
	check_tokens("迷", KB_TOKENIZE_DOCUMENT, "迷", NULL,
		     "a lone character is not doubled in documents");
	check_tokens("人々 こゝろ ヽヾ", KB_TOKENIZE_QUERY, "人々 こゝ ゝろ ヽヾ",
		     NULL, "iteration marks belong to runs");
	check_tokens("メールアドレス ー", KB_TOKENIZE_QUERY,
		     "メー ール ルア アド ドレ レス ー", NULL,
		     "the prolonged sound mark belongs to runs");
	check_tokens("迷惑、設定。「到達」　確認・変更〜", KB_TOKENIZE_QUERY,
		     "迷惑 設定 到達 確認 変更", NULL,
		     "U+3000-303F punctuation and the ideographic space separate");
	check_tokens("SPFレコードを設定 DKIM署名", KB_TOKENIZE_QUERY,
		     "spf レコ コー ード ドを を設 設定 dkim 署名", NULL,
		     "mixed scripts: Latin and CJK runs alternate");
	check_tokens("v=spf1 include:_spf.example.com -all", KB_TOKENIZE_QUERY,
		     "v spf1 include spf example com all", NULL,
		     ". - _ = : separate inside Latin runs");
	check_tokens("550 5.1.1 User unknown", KB_TOKENIZE_QUERY,
		     "550 5 1 1 user unknown", NULL, "SMTP status codes");
	check_tokens("メール😀送信👍🏽です", KB_TOKENIZE_QUERY,
		     "メー ール 送信 です", "メー|ール|送信|です",
		     "emoji (with a skin tone) separate");
	check_tokens("👨‍👩‍👧 family", KB_TOKENIZE_QUERY, "family", NULL,
		     "a ZWJ emoji sequence separates");
	check_tokens("Привет мир Ελλάδα 한국어", KB_TOKENIZE_QUERY,
		     "привет мир ελλάδα 한국어", NULL,
		     "other scripts are words");
	check_tokens("", KB_TOKENIZE_QUERY, "", "", "empty text");
	check_tokens(" \t\n　!!\"*^()", KB_TOKENIZE_QUERY, "", "",
		     "only separators");
}

static unsigned flags_of(const char *input, size_t index)
{
	struct token_list list = tokenize(input, KB_TOKENIZE_QUERY);
	unsigned flags = index < list.count ? list.items[index].flags : ~0u;

	list_free(&list);
	return flags;
}

static void test_flags(void)
{
	TEST_SUITE("tokenizer/flags");
	CHECK(!(flags_of("5.1.1", 0) & KB_TOKEN_JOINED),
	      "the first token is not joined");
	CHECK(flags_of("5.1.1", 1) & KB_TOKEN_JOINED, "5.1: joined by .");
	CHECK(flags_of("a-b", 1) & KB_TOKEN_JOINED, "a-b: joined by -");
	CHECK(flags_of("a_b", 1) & KB_TOKEN_JOINED, "a_b: joined by _");
	CHECK(flags_of("v=spf1", 1) & KB_TOKEN_JOINED, "v=spf1: joined by =");
	CHECK(flags_of("メール・アドレス", 3) & KB_TOKEN_JOINED,
	      "メール・アドレス: joined by ・");
	CHECK(!(flags_of("a b", 1) & KB_TOKEN_JOINED), "a b: not joined");
	CHECK(!(flags_of("a - b", 1) & KB_TOKEN_JOINED),
	      "a - b: spaces break the join");
	CHECK(!(flags_of("a(b", 1) & KB_TOKEN_JOINED), "a(b: not joined");
	CHECK(!(flags_of("迷惑、設定", 1) & KB_TOKEN_JOINED),
	      "迷惑、設定: not joined");
	CHECK(flags_of("迷惑メール", 1) & KB_TOKEN_JOINED,
	      "bigrams of one run are joined");
	CHECK(flags_of("SPFレコード", 1) & KB_TOKEN_JOINED,
	      "a CJK run touching a word is joined");
	CHECK(flags_of("迷惑", 0) & KB_TOKEN_CJK, "bigrams are CJK");
	CHECK(!(flags_of("迷惑", 0) & KB_TOKEN_SINGLE), "bigrams are not single");
	CHECK(flags_of("迷", 0) & KB_TOKEN_SINGLE, "a lone character is single");
	CHECK(!(flags_of("spf", 0) & (KB_TOKEN_CJK | KB_TOKEN_SINGLE)),
	      "words are neither CJK nor single");
}

static void test_offsets(void)
{
	TEST_SUITE("tokenizer/offsets");
	/* Ｓ Ｐ Ｆ are 3 bytes each; a space; then ｽ ﾊ ﾟ ﾑ, 3 bytes each. */
	check_offsets("ＳＰＦ ｽﾊﾟﾑ", "0-9 10-19 13-22 19-22",
		      "full-width SPF and half-width スパム, byte by byte");
	check_offsets("a５．１b", "0-4 7-11",
		      "full-width digits inside ASCII text");
	check_offsets("x か\xE3\x82\x99き", "0-1 2-11 8-11",
		      "a decomposed が keeps both of its code points");
	check_offsets("\xFF迷惑\xC0", "1-7 4-7", "invalid bytes around a run");
	check_offsets("😀ＳＰＦ😀", "4-13", "emoji around a full-width word");
}

/* Every token's original bytes, tokenized alone, give that same token:
 * the ranges are exact, whatever the input. (Not for characters that expand
 * to several CJK characters, like ㍻ → 平成: there the colocated 成 has the
 * range of the whole ㍻; test_normalisation covers them.) */
static bool ranges_reproduce(const char *input)
{
	struct token_list list = tokenize(input, KB_TOKENIZE_DOCUMENT);
	bool ok = list.bounds_ok;
	size_t i;

	for (i = 0; ok && i < list.count; i++) {
		struct token_list alone = tokenize_bytes(
			input + list.items[i].start,
			list.items[i].end - list.items[i].start,
			KB_TOKENIZE_QUERY);

		ok = alone.count == 1 &&
		     strcmp(alone.items[0].text, list.items[i].text) == 0;
		list_free(&alone);
	}
	list_free(&list);
	return ok;
}

/* Tokenizing a token's normalised text gives the token again, which the
 * query builder relies on when it quotes tokens. */
static bool tokens_idempotent(const char *input)
{
	struct token_list list = tokenize(input, KB_TOKENIZE_QUERY);
	bool ok = true;
	size_t i;

	for (i = 0; ok && i < list.count; i++) {
		struct token_list again =
			tokenize(list.items[i].text, KB_TOKENIZE_QUERY);

		ok = again.count == 1 &&
		     strcmp(again.items[0].text, list.items[i].text) == 0;
		list_free(&again);
	}
	list_free(&list);
	return ok;
}

static const char *const samples[] = {
	"送ったメールが届かない場合、以下の状況が考えられます。",
	"※先んじて、SPFとDKIMの双方とも設定をお願い致します。",
	"( 1 ) 実際には届いているが迷惑メールフォルダに振り分けられている",
	"受信側から通知が届くまでには、早くて2~3時間、最大1週間掛かります。",
	"【 エラーの有無を確認する方法 】グループ配信 >(グル-プ名を選択)>",
	"ＳＰＦ ｽﾊﾟﾑ ５．１．１ ㈱ ① ﬃ か\xE3\x82\x99 e\xCC\x81 ｶﾞｲﾄﾞ",
	"v=spf1 include:_spf.example.com ~all; 550 5.1.1 <user@example.com>",
	"😀テ👍🏽スト 👨‍👩‍👧 Привет 한국어 Ελλάδα Straße ǅ İstanbul",
	"\xFF\xFE迷惑\xC3(メール\xED\xA0\x80x\xF4\x90\x80\x80ＳＰＦ\xE8\xBF",
};

static void test_properties(void)
{
	size_t i;

	TEST_SUITE("tokenizer/properties");
	for (i = 0; i < sizeof samples / sizeof samples[0]; i++) {
		char *what = xasprintf("sample %zu: ranges reproduce tokens", i);

		CHECK(ranges_reproduce(samples[i]), what);
		free(what);
		what = xasprintf("sample %zu: tokens are stable", i);
		CHECK(tokens_idempotent(samples[i]), what);
		free(what);
	}
}

static void test_long_input(void)
{
	const char *character = "迷"; /* 3 bytes */
	size_t characters = 100 * 1024 / 3, i;
	struct buf text = {0};
	struct token_list list;

	TEST_SUITE("tokenizer/long");
	for (i = 0; i < characters; i++)
		buf_adds(&text, character);
	list = tokenize_bytes(text.data, text.length, KB_TOKENIZE_QUERY);
	CHECK_INT(list.count, characters - 1, "100 KB run: one bigram per pair");
	CHECK(list.bounds_ok, "100 KB run: ranges inside the text");
	CHECK_INT(list.items[list.count - 1].end, text.length,
		  "100 KB run: the last bigram ends at the end");
	list_free(&list);
	list = tokenize_bytes(text.data, text.length, KB_TOKENIZE_DOCUMENT);
	CHECK_INT(list.count, characters, "100 KB run: plus one colocated");
	list_free(&list);

	buf_reset(&text);
	for (i = 0; i < 600; i++)
		buf_addc(&text, 'a');
	list = tokenize_bytes(text.data, text.length, KB_TOKENIZE_QUERY);
	CHECK_INT(list.count, 3, "a 600-letter word is cut into 3 tokens");
	CHECK_INT(strlen(list.items[0].text), KB_TOKEN_MAX_BYTES,
		  "pieces are at most KB_TOKEN_MAX_BYTES");
	CHECK(list.items[1].flags & KB_TOKEN_JOINED, "pieces are joined");
	list_free(&list);

	buf_reset(&text);
	buf_adds(&text, "か");
	for (i = 0; i < 1000; i++)
		buf_adds(&text, "\xE3\x82\x99");
	list = tokenize_bytes(text.data, text.length, KB_TOKENIZE_DOCUMENT);
	CHECK(list.bounds_ok && list.count >= 1,
	      "1000 combining marks on one character: bounded, no crash");
	list_free(&list);
	buf_free(&text);
}

static void test_invalid_utf8(void)
{
	unsigned seed = 12345;
	bool ok = true;
	int round;

	TEST_SUITE("tokenizer/invalid");
	check_tokens("\xFF\xFEspf\xC3", KB_TOKENIZE_QUERY, "spf", "spf",
		     "bad bytes around a word");
	check_tokens("ab\x80\x80" "cd", KB_TOKENIZE_QUERY, "ab cd", NULL,
		     "stray continuation bytes separate");
	check_tokens("\xED\xA0\x80x\xC0\xAFy\xF4\x90\x80\x80z", KB_TOKENIZE_QUERY,
		     "x y z", NULL,
		     "surrogates, overlongs and > U+10FFFF separate");
	check_tokens("迷\xE8\xBF", KB_TOKENIZE_QUERY, "迷", NULL,
		     "a truncated sequence at the end");
	for (round = 0; round < 2000 && ok; round++) {
		unsigned char bytes[64];
		size_t length = (size_t)(round % 64), i;
		struct token_list list;

		for (i = 0; i < length; i++) {
			seed = seed * 1103515245u + 12345u;
			bytes[i] = (unsigned char)(seed >> 16);
			if (seed & 0x8000u) /* mix in valid lead bytes */
				bytes[i] = (unsigned char)(0xE3 + (i & 1));
		}
		list = tokenize_bytes((const char *)bytes, length,
				      KB_TOKENIZE_DOCUMENT);
		ok = list.bounds_ok;
		list_free(&list);
	}
	CHECK(ok, "2000 random byte strings: no crash, ranges in bounds");
}

static int stop_after_two(void *context, const struct kb_token *token)
{
	int *seen = context;

	(void)token;
	return ++*seen == 2 ? 42 : 0;
}

static void test_stop(void)
{
	int seen = 0;
	int rc;

	TEST_SUITE("tokenizer/callback");
	rc = kb_tokenize("a b c d", 7, KB_TOKENIZE_QUERY, stop_after_two, &seen);
	CHECK_INT(rc, 42, "the callback's nonzero result is returned");
	CHECK_INT(seen, 2, "no token after the callback stops");
}

static char *query_text(sqlite3 *db, const char *sql, const char *argument)
{
	sqlite3_stmt *statement = NULL;
	char *result = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(statement, 1, argument, -1, SQLITE_STATIC);
	if (sqlite3_step(statement) == SQLITE_ROW &&
	    sqlite3_column_text(statement, 0) != NULL)
		result = xstrdup((const char *)sqlite3_column_text(statement, 0));
out:
	sqlite3_finalize(statement);
	return result;
}

static void test_fts5(void)
{
	sqlite3 *db = NULL;
	char *got;

	TEST_SUITE("tokenizer/fts5");
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK, "open");
	CHECK_INT(kb_tokenizer_register(db), SQLITE_OK, "register");
	CHECK_INT(sqlite3_exec(db,
			       "CREATE VIRTUAL TABLE t USING fts5(x, "
			       "tokenize='kb');"
			       "INSERT INTO t VALUES('ＳＰＦレコードを設定');"
			       "INSERT INTO t VALUES('ｽﾊﾟﾑ判定の話');",
			       NULL, NULL, NULL),
		  SQLITE_OK, "a table with tokenize='kb'");
	got = query_text(db, "SELECT highlight(t, 0, '[', ']') FROM t "
			     "WHERE t MATCH ?1", "\"spf\"");
	CHECK_STR(got, "[ＳＰＦ]レコードを設定",
		  "highlight() marks exactly the full-width characters");
	free(got);
	got = query_text(db, "SELECT highlight(t, 0, '[', ']') FROM t "
			     "WHERE t MATCH ?1", "\"スパム\"");
	CHECK_STR(got, "[ｽﾊﾟﾑ]判定の話", "スパム finds and marks ｽﾊﾟﾑ");
	free(got);
	got = query_text(db, "SELECT count(*) FROM t WHERE t MATCH ?1",
			 "\"ド\"*");
	CHECK_STR(got, "1", "one-character prefix matches inside a run");
	free(got);
	got = query_text(db, "SELECT count(*) FROM t WHERE t MATCH ?1",
			 "\"定\"");
	CHECK_STR(got, "1", "the last character of a run is indexed");
	free(got);
	CHECK(sqlite3_exec(db, "CREATE VIRTUAL TABLE u USING fts5(x, "
			       "tokenize='kb nonsense')",
			   NULL, NULL, NULL) != SQLITE_OK,
	      "options to the tokenizer are refused");
	sqlite3_close(db);
}

/* What an observer saw: each text watched, "|" before it, and its
 * tokens, space-separated. */
struct watched {
	struct buf seen;
	int texts;
	const char *skip; /* a text not to watch */
};

static int watch_text(void *context, const char *text, size_t length)
{
	struct watched *watched = context;

	watched->texts++;
	if (watched->skip != NULL && strlen(watched->skip) == length &&
	    memcmp(watched->skip, text, length) == 0)
		return 0;
	buf_addc(&watched->seen, '|');
	return 1;
}

static int watch_token(void *context, const struct kb_token *token)
{
	struct watched *watched = context;

	buf_add(&watched->seen, token->text, token->length);
	if (token->flags & KB_TOKEN_COLOCATED)
		buf_addc(&watched->seen, '@');
	buf_addc(&watched->seen, ' ');
	return 0;
}

static void test_observer(void)
{
	static struct kb_tokenizer_observer observer;
	struct watched watched = {{0}, 0, "本文"};
	sqlite3 *db = NULL;
	fts5_api *api;
	char *got;

	TEST_SUITE("tokenizer/observer");
	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK, "open");
	api = kb_fts5_api(db);
	CHECK_INT(kb_tokenizer_register_api(api, &observer, NULL), SQLITE_OK,
		  "register with an observer");
	CHECK(kb_tokenizer_observer_of(api) == &observer,
	      "the observer is found through the FTS5 API");
	CHECK_INT(sqlite3_exec(db,
			       "CREATE VIRTUAL TABLE t USING fts5(a, b, c, d, "
			       "u UNINDEXED, tokenize='kb');",
			       NULL, NULL, NULL),
		  SQLITE_OK, "a table");
	observer = (struct kb_tokenizer_observer){watch_text, watch_token,
						  &watched};
	CHECK_INT(sqlite3_exec(db,
			       "INSERT INTO t VALUES('ＳＰＦ設定', NULL, '', "
			       "'本文', 'url')",
			       NULL, NULL, NULL),
		  SQLITE_OK, "insert a row");
	CHECK_STR(watched.seen.data, "|spf 設定 定@ ",
		  "the first column's tokens as kb_tokenize makes them in "
		  "document mode; NULL and empty texts not shown, nor the "
		  "one the observer declined, nor the unindexed column");
	CHECK_INT(watched.texts, 2, "shown two texts: the first and the body");
	got = query_text(db, "SELECT count(*) FROM t WHERE t MATCH ?1",
			 "\"本文\"");
	CHECK_STR(got, "1", "a declined text is still indexed");
	free(got);
	observer = (struct kb_tokenizer_observer){0};
	watched.texts = 0;
	CHECK_INT(sqlite3_exec(db, "INSERT INTO t VALUES('迷惑', 'x', 'y', "
			       "'z', 'u')", NULL, NULL, NULL),
		  SQLITE_OK, "insert with the observer cleared");
	CHECK_INT(watched.texts, 0, "a cleared observer is not called");
	watched.seen.length = 0;
	observer = (struct kb_tokenizer_observer){watch_text, watch_token,
						  &watched};
	got = query_text(db, "SELECT count(*) FROM t WHERE t MATCH ?1",
			 "\"迷惑\"");
	CHECK_STR(got, "1", "a query");
	free(got);
	CHECK_INT(watched.texts, 0, "query texts are not shown");
	observer = (struct kb_tokenizer_observer){0};
	sqlite3_close(db);
	buf_free(&watched.seen);

	CHECK_INT(sqlite3_open(":memory:", &db), SQLITE_OK, "open");
	CHECK_INT(kb_tokenizer_register(db), SQLITE_OK, "register plainly");
	CHECK(kb_tokenizer_observer_of(kb_fts5_api(db)) == NULL,
	      "registered without one, there is no observer");
	sqlite3_close(db);
}

int main(void)
{
	test_normalisation();
	test_rules();
	test_flags();
	test_offsets();
	test_properties();
	test_long_input();
	test_invalid_utf8();
	test_stop();
	test_fts5();
	test_observer();
	return TEST_EXIT();
}
