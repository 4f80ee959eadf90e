/*
 * fuzz_query.c — libFuzzer harness for search_build_query, the only way a
 * visitor's text reaches FTS5. Every query it builds must be valid FTS5
 * syntax: it is run as a real MATCH against a small in-memory index with
 * the kb tokenizer, and an SQLite error aborts (a crash to libFuzzer). A
 * refusal must mean the text was over the length limit.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "db/search.h"
#include "base/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sqlite3 *db;
static sqlite3_stmt *statement;

static const struct search_row rows[] = {
	{"/a/", NULL, "article", "迷惑メールフォルダ", NULL, "Gmail 迷惑",
	 "届いたメールが迷惑メールフォルダに振り分けられます。"},
	{"/b/", "spf", "article", "SPFレコード", "SPFとは", "SPF DNS",
	 "v=spf1 include:_spf.example.com -all を設定します。"},
	{"/c/", NULL, "node", "ＤＫＩＭ署名", NULL, NULL,
	 "550 5.1.1 User unknown ｽﾊﾟﾑ AND OR NOT NEAR \"quoted\" *"},
};

static void close_db(void)
{
	sqlite3_finalize(statement);
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
			       "MATCH ?1", -1, &statement, NULL) != SQLITE_OK)
		exit(1);
	atexit(close_db);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *query = NULL;
	int rc = search_build_query((const char *)data, size, &query);

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
	if (query == NULL)
		return 0;
	sqlite3_reset(statement);
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_TRANSIENT) !=
		    SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_ROW) {
		fprintf(stderr, "fuzz_query: FTS5 refused '%s': %s\n", query,
			sqlite3_errmsg(db));
		abort();
	}
	free(query);
	return 0;
}
