/*
 * test_readings.c — search_readings as the search writer keeps it: each
 * row counts its (reading, surface) pairs once, removing a row takes
 * them back and deletes a pair at zero, a pair shared by two rows stays
 * until both are gone, and after any sequence of additions and removals
 * the table equals a clean build's of the rows that remain (what an
 * incremental build relies on).
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db/analyze.h"
#include "db/search.h"
#include "test.h"
#include "base/util.h"

static const struct search_row rows[] = {
	{"/spam/", NULL, "article", "迷惑メールフォルダ", NULL, "迷惑",
	 "届いたメールが迷惑メールフォルダに入ります。迷惑です。"},
	{"/spam/", "tabs", "article", "迷惑メールフォルダ", "タブの確認", NULL,
	 "プロモーションタブを確認します。"},
	{"/errors/", NULL, "article", "配信エラー", NULL, "エラー",
	 "メールが届かない場合は配信エラーを確認します。"},
	{"/noise/", NULL, "article", "迷惑な話", NULL, NULL,
	 "宛先が存在しません。"},
	{"/wizard/a/", NULL, "node", "届きませんか", NULL, NULL,
	 "送信したメールが届きません。"},
	{"/wizard/b/", NULL, "node", "設定の確認", NULL, NULL,
	 "SPFレコードを設定します。"},
};
#define ROW_COUNT (sizeof rows / sizeof *rows)

static sqlite3 *open_empty(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_schema_create(db) != SEARCH_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* The table as "reading surface refs" lines, sorted. */
static char *dump(sqlite3 *db)
{
	sqlite3_stmt *statement = NULL;
	struct buf out = {0};

	if (sqlite3_prepare_v2(db, "SELECT reading, surface, refs FROM "
			       "search_readings ORDER BY 1, 2", -1,
			       &statement, NULL) != SQLITE_OK)
		return xstrdup("error");
	while (sqlite3_step(statement) == SQLITE_ROW)
		buf_printf(&out, "%s %s %lld\n",
			   (const char *)sqlite3_column_text(statement, 0),
			   (const char *)sqlite3_column_text(statement, 1),
			   (long long)sqlite3_column_int64(statement, 2));
	sqlite3_finalize(statement);
	return out.data != NULL ? buf_detach(&out) : xstrdup("");
}

/* refs of one pair; 0 when it is not in the table. */
static long long refs(sqlite3 *db, const char *reading, const char *surface)
{
	sqlite3_stmt *statement = NULL;
	long long found = 0;

	if (sqlite3_prepare_v2(db, "SELECT refs FROM search_readings WHERE "
			       "reading = ?1 AND surface = ?2", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, reading, -1, SQLITE_STATIC) ==
		    SQLITE_OK &&
	    sqlite3_bind_text(statement, 2, surface, -1, SQLITE_STATIC) ==
		    SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		found = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return found;
}

/* A clean build of the rows whose bit is set in mask. */
static char *clean_dump(unsigned mask)
{
	sqlite3 *db = open_empty();
	char *text;

	for (size_t i = 0; db && i < ROW_COUNT; i++)
		if ((mask >> i) & 1)
			search_add_row(db, &rows[i]);
	text = db ? dump(db) : xstrdup("error");
	sqlite3_close(db);
	return text;
}

/* Removes every row of rows[index]'s url (its other rows too). */
static unsigned url_mask(size_t index)
{
	unsigned mask = 0;

	for (size_t i = 0; i < ROW_COUNT; i++)
		if (strcmp(rows[i].url, rows[index].url) == 0 &&
		    strcmp(rows[i].kind, rows[index].kind) == 0)
			mask |= 1u << i;
	return mask;
}

static void test_counts(void)
{
	sqlite3 *db = open_empty();
	struct search_writer *writer = NULL;

	TEST_SUITE("readings/counts");
	CHECK(db != NULL, "an empty index");
	search_add_row(db, &rows[0]);
	CHECK_INT(refs(db, "メイワク", "迷惑"), 1,
		  "a row counts its word once, however often it has it");
	CHECK_INT(refs(db, "トドク", "届く"), 1,
		  "an inflected verb counts its base form");
	search_add_row(db, &rows[3]);
	CHECK_INT(refs(db, "メイワク", "迷惑"), 2, "two rows share 迷惑");
	CHECK_INT(refs(db, "アテサキ", "宛先"), 1, "the second row's own word");
	CHECK_INT(search_add_row(db, &rows[3]), SEARCH_DUPLICATE,
		  "adding the row again fails");
	CHECK_INT(refs(db, "メイワク", "迷惑"), 2,
		  "and counts nothing");
	CHECK_INT(search_writer_open(db, &writer), SEARCH_OK, "a writer");
	CHECK_INT(search_writer_remove(writer, "/noise/", "article"),
		  SEARCH_OK, "remove one of the two");
	/* a removal's readings are written with the writer's next flush */
	CHECK_INT(search_writer_flush(writer), SEARCH_OK, "flush");
	CHECK_INT(refs(db, "メイワク", "迷惑"), 1, "the shared word stays");
	CHECK_INT(refs(db, "アテサキ", "宛先"), 0,
		  "the removed row's own word is deleted at zero");
	CHECK_INT(search_writer_remove(writer, "/noise/", "article"),
		  SEARCH_OK, "removing it again is nothing");
	search_writer_flush(writer);
	CHECK_INT(refs(db, "メイワク", "迷惑"), 1, "and changes nothing");
	CHECK_INT(search_writer_remove(writer, "/spam/", "node"), SEARCH_OK,
		  "removing another kind's url is nothing");
	search_writer_flush(writer);
	CHECK_INT(refs(db, "メイワク", "迷惑"), 1, "and changes nothing");
	CHECK_INT(search_writer_remove(writer, "/spam/", "article"),
		  SEARCH_OK, "remove the other");
	CHECK_INT(search_writer_flush(writer), SEARCH_OK, "flush");
	{
		char *left = dump(db);

		CHECK_STR(left, "", "no rows, no readings");
		free(left);
	}
	search_writer_free(writer);
	sqlite3_close(db);
}

/* Adds the rows of add, then removes the urls of remove, through one
 * writer; the table must equal a clean build's of what remains. */
static void check_sequence(unsigned add, const size_t *removals,
			   size_t removal_count, const char *what)
{
	sqlite3 *db = open_empty();
	struct search_writer *writer = NULL;
	unsigned left = add;
	char *got, *want;
	bool ok = db && search_writer_open(db, &writer) == SEARCH_OK &&
		  sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;

	for (size_t i = 0; ok && i < ROW_COUNT; i++)
		if ((add >> i) & 1)
			ok = search_writer_add_row(writer, &rows[i]) ==
			     SEARCH_OK;
	for (size_t i = 0; ok && i < removal_count; i++) {
		size_t r = removals[i];

		if (r >= 100) { /* add rows[r - 100] back */
			ok = search_writer_add_row(writer, &rows[r - 100]) ==
			     SEARCH_OK;
			left |= 1u << (r - 100);
			continue;
		}
		ok = search_writer_remove(writer, rows[r].url, rows[r].kind) ==
		     SEARCH_OK;
		left &= ~url_mask(r);
	}
	ok = ok && search_writer_flush(writer) == SEARCH_OK &&
	     sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
	CHECK(ok, what);
	got = dump(db);
	want = clean_dump(left);
	CHECK_STR(got, want, what);
	free(got);
	free(want);
	search_writer_free(writer);
	sqlite3_close(db);
}

static void test_sequences(void)
{
	static const size_t one[] = {3};
	static const size_t spam[] = {0};
	static const size_t readd[] = {2, 102};
	static const size_t churn[] = {4, 0, 104, 100, 101, 3, 5};
	static const size_t all[] = {0, 2, 3, 4, 5};
	char *full;

	TEST_SUITE("readings/incremental");
	full = clean_dump((1u << ROW_COUNT) - 1);
	CHECK(strstr(full, "メイワク 迷惑 3\n") != NULL,
	      "a clean build counts 迷惑 in three rows");
	CHECK(strstr(full, "カクニン 確認 3\n") != NULL,
	      "and 確認 in three");
	free(full);
	check_sequence((1u << ROW_COUNT) - 1, one, 1, "remove one row");
	check_sequence((1u << ROW_COUNT) - 1, spam, 1,
		       "remove an article of two rows");
	check_sequence((1u << ROW_COUNT) - 1, readd, 2,
		       "remove a row and add it back");
	check_sequence((1u << ROW_COUNT) - 1, churn, 7,
		       "remove and add in turns");
	check_sequence((1u << ROW_COUNT) - 1, all, 5, "remove everything");
	check_sequence(0x2A, churn + 2, 2, "add to a partial index");
	for (unsigned mask = 0; mask < (1u << ROW_COUNT); mask += 7) {
		size_t removals[ROW_COUNT];
		size_t count = 0;

		for (size_t i = 0; i < ROW_COUNT; i++)
			if ((mask >> i) & 1)
				removals[count++] = i;
		check_sequence((1u << ROW_COUNT) - 1, removals, count,
			       "remove a subset");
	}
}

static void test_prefix_removal(void)
{
	sqlite3 *db = open_empty();
	struct search_writer *writer = NULL;
	char *got, *want;

	TEST_SUITE("readings/prefix");
	for (size_t i = 0; db && i < ROW_COUNT; i++)
		search_add_row(db, &rows[i]);
	CHECK_INT(search_writer_open(db, &writer), SEARCH_OK, "a writer");
	CHECK_INT(search_writer_remove_prefix(writer, "/wizard/", "node"),
		  SEARCH_OK, "remove the wizard's nodes");
	CHECK_INT(search_writer_flush(writer), SEARCH_OK, "flush");
	got = dump(db);
	want = clean_dump(0x0F);
	CHECK_STR(got, want, "as if they had never been added");
	CHECK_INT(refs(db, "ソウシン", "送信"), 0, "their own words are gone");
	free(got);
	free(want);
	search_writer_free(writer);
	sqlite3_close(db);
}

int main(void)
{
	TEST_SUITE("readings");
	if (analyze_open() != 0) {
		printf("FAIL: readings: no MeCab dictionary: %s\n",
		       analyze_error());
		return 1;
	}
	test_counts();
	test_sequences();
	test_prefix_removal();
	return TEST_EXIT();
}
