/* test_rowmap.c — db/rowmap.c, which result each search row belongs to. */
#include "test.h"

#include <sqlite3.h>
#include <string.h>

#include "db/rowmap.h"
#include "db/search.h"

static sqlite3 *open_schema(void)
{
	sqlite3 *db = NULL;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    search_schema_create(db) != SEARCH_OK)
		return NULL;
	return db;
}

static bool add(sqlite3 *db, const char *url, const char *anchor,
		const char *kind)
{
	struct search_row row = {.url = url, .anchor = anchor, .kind = kind,
				 .title = "タイトル", .body = "本文"};

	return search_add_row(db, &row) == SEARCH_OK;
}

static sqlite3_int64 rowid_of(sqlite3 *db, const char *url, const char *anchor)
{
	sqlite3_stmt *statement = NULL;
	sqlite3_int64 rowid = -1;

	sqlite3_prepare_v2(db,
			   "SELECT rowid FROM search WHERE url = ?1 AND "
			   "anchor IS ?2", -1, &statement, NULL);
	sqlite3_bind_text(statement, 1, url, -1, SQLITE_STATIC);
	if (anchor != NULL)
		sqlite3_bind_text(statement, 2, anchor, -1, SQLITE_STATIC);
	if (sqlite3_step(statement) == SQLITE_ROW)
		rowid = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return rowid;
}

/* Whether map gives every row of db its url's number among the distinct
 * urls in order, both with a fresh search and walking in rowid order. */
static bool map_agrees(sqlite3 *db, const struct rowmap *map)
{
	sqlite3_stmt *statement = NULL;
	bool ok = true;
	size_t rows = 0, from = 0;
	uint32_t group = 0;
	char last[256] = "";

	sqlite3_prepare_v2(db, "SELECT url, id FROM search_rows", -1,
			   &statement, NULL);
	while (sqlite3_step(statement) == SQLITE_ROW) {
		const char *url = (const char *)sqlite3_column_text(statement, 0);

		if (rows > 0 && strcmp(last, url) != 0)
			group++;
		snprintf(last, sizeof last, "%s", url);
		ok &= rowmap_group(map, sqlite3_column_int64(statement, 1),
				   NULL) == group;
		rows++;
	}
	sqlite3_finalize(statement);
	ok &= rows == map->count && map->groups == group + 1;
	sqlite3_prepare_v2(db, "SELECT rowid FROM search ORDER BY rowid", -1,
			   &statement, NULL);
	while (sqlite3_step(statement) == SQLITE_ROW) {
		sqlite3_int64 rowid = sqlite3_column_int64(statement, 0);

		ok &= rowmap_group(map, rowid, &from) ==
			      rowmap_group(map, rowid, NULL) &&
		      rowmap_group(map, rowid, NULL) != ROWMAP_NONE;
	}
	sqlite3_finalize(statement);
	return ok;
}

static void test_map(void)
{
	sqlite3 *db = open_schema();
	struct rowmap map = {0};
	char url[64], anchor[64];
	bool ok = db != NULL;
	size_t from = 0;

	CHECK(db != NULL, "a schema in memory");
	CHECK_INT(rowmap_read(db, &map), SQLITE_OK, "read before any row");
	CHECK_INT(map.count, 0, "no row yet: an empty map");
	CHECK_INT(rowmap_group(&map, 1, NULL), ROWMAP_NONE,
		  "an empty map knows no rowid");
	rowmap_free(&map);
	/* rows of many urls, their anchors' rowids scattered, and two
	 * urls holding both an article's rows and a node's */
	for (int i = 0; ok && i < 60; i++) {
		snprintf(url, sizeof url, "/a/%02d/", i);
		ok = add(db, url, NULL, i % 7 == 0 ? "node" : "article");
		for (int j = 0; ok && j < i % 4 && i % 7 != 0; j++) {
			snprintf(anchor, sizeof anchor, "h%d", j);
			ok = add(db, url, anchor, "article");
		}
	}
	CHECK(ok, "rows of 60 urls added");
	CHECK_INT(rowmap_read(db, &map), SQLITE_OK, "read the map");
	CHECK(map_agrees(db, &map),
	      "every row's group is its url's number; walking and searching "
	      "agree");
	CHECK_INT(rowmap_group(&map, rowid_of(db, "/a/05/", "h0"), NULL),
		  rowmap_group(&map, rowid_of(db, "/a/05/", NULL), NULL),
		  "an article's sections share its intro's group");
	CHECK(rowmap_group(&map, rowid_of(db, "/a/05/", NULL), NULL) !=
		      rowmap_group(&map, rowid_of(db, "/a/06/", NULL), NULL),
	      "two articles, two groups");
	CHECK_INT(rowmap_group(&map, SEARCH_NODE_ROWID_BASE + (1LL << 30),
			       NULL),
		  ROWMAP_NONE, "a rowid past every row has no group");
	from = map.count;
	CHECK_INT(rowmap_group(&map, rowid_of(db, "/a/05/", NULL), &from),
		  ROWMAP_NONE, "a walk past the end finds nothing more");
	rowmap_free(&map);
	CHECK(map.entries == NULL && map.count == 0, "freed and emptied");
	sqlite3_close(db);
}

/* Removing rows and adding them back writes the bytes a fresh map of the
 * same rows has. */
static void test_same_rows_same_bytes(void)
{
	sqlite3 *one = open_schema(), *two = open_schema();
	struct search_writer *writer = NULL;
	bool ok = one != NULL && two != NULL;
	char url[64];
	struct rowmap a = {0}, b = {0};

	for (int i = 0; ok && i < 20; i++) {
		snprintf(url, sizeof url, "/b/%02d/", i);
		ok = add(one, url, NULL, "article") &&
		     add(two, url, NULL, "article") &&
		     add(two, url, "more", "article");
	}
	ok = ok && search_writer_open(two, &writer) == SEARCH_OK;
	for (int i = 0; ok && i < 20; i++) {
		snprintf(url, sizeof url, "/b/%02d/", i);
		ok = search_writer_remove(writer, url, "article") == SEARCH_OK;
	}
	ok = ok && search_writer_flush(writer) == SEARCH_OK;
	search_writer_free(writer);
	CHECK(ok && rowmap_read(two, &b) == SQLITE_OK && b.count == 0,
	      "a flush after removals alone writes the map again: empty");
	rowmap_free(&b);
	for (int i = 19; ok && i >= 0; i--) {
		snprintf(url, sizeof url, "/b/%02d/", i);
		ok = add(two, url, NULL, "article");
	}
	CHECK(ok, "the same rows, one way and the other");
	CHECK(rowmap_read(one, &a) == SQLITE_OK &&
		      rowmap_read(two, &b) == SQLITE_OK,
	      "both maps read");
	CHECK(a.count == 20 && b.count == 20 &&
		      memcmp(a.entries, b.entries,
			     20 * ROWMAP_ENTRY_BYTES) == 0,
	      "the same bytes: the map depends on the rows alone");
	rowmap_free(&a);
	rowmap_free(&b);
	sqlite3_close(one);
	sqlite3_close(two);
}

/* A damaged map: a group count past its rows is refused, not trusted to
 * size arrays, and a search on it fails cleanly. */
static void test_damaged(void)
{
	sqlite3 *db = open_schema();
	struct rowmap map = {0};
	struct search_results results;

	CHECK(db != NULL && add(db, "/d/", NULL, "article") &&
		      add(db, "/e/", NULL, "article"),
	      "two rows");
	CHECK(sqlite3_exec(db, "UPDATE search_rowmap SET groups = 4000000000",
			   NULL, NULL, NULL) == SQLITE_OK,
	      "a count of four billion groups");
	CHECK_INT(rowmap_read(db, &map), SQLITE_CORRUPT,
		  "refused as damaged");
	CHECK(map.entries == NULL && map.count == 0 && map.statement == NULL,
	      "and left empty");
	CHECK_INT(search_run(db, "タイトル", strlen("タイトル"), 10, 0, &results),
		  SEARCH_DATABASE, "a search on it: a database error, no crash");
	search_results_free(&results);
	CHECK(sqlite3_exec(db, "UPDATE search_rowmap SET groups = 2, "
			   "entries = x'00'", NULL, NULL, NULL) == SQLITE_OK,
	      "entries cut short");
	CHECK_INT(search_run(db, "タイトル", strlen("タイトル"), 10, 0, &results),
		  SEARCH_DATABASE, "a count past the rows left: refused too");
	search_results_free(&results);
	sqlite3_close(db);
}

int main(void)
{
	TEST_SUITE("rowmap");
	test_map();
	test_same_rows_same_bytes();
	test_damaged();
	return TEST_EXIT();
}
