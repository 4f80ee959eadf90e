/*
 * search.c — the query runner: registers what a connection needs, runs a
 * query within its budget and reads the page of results with their
 * snippets.
 */
#include "db/search.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "db/column.h"
#include "db/fts5.h"
#include "db/query.h"
#include "db/snippet.h"
#include "db/tokenizer.h"

static const char count_sql[] =
	"SELECT count(*) FROM search WHERE search MATCH ?1";

/* Ranks on what the index alone holds (bm25, rowid: a node is told by its
 * rowid range), then reads columns and makes snippets for the page of
 * rows it keeps only: evaluating them for every match before sorting
 * would read every matching row's text. */
static const char results_sql[] =
	"WITH page(id, score) AS ("
	"SELECT rowid, bm25(search, " SEARCH_BM25_WEIGHTS ") * "
	"CASE WHEN rowid >= " SEARCH_NODE_ROWID_BASE_SQL " THEN " SEARCH_NODE_WEIGHT
	" ELSE 1.0 END AS score "
	"FROM search WHERE search MATCH ?1 "
	"ORDER BY score, rowid LIMIT ?2 OFFSET ?3) "
	"SELECT search.url, search.anchor, search.title, search.heading, "
	"kb_snippet(search, ?4, ?5), page.score "
	"FROM page JOIN search ON search.rowid = page.id "
	"WHERE search MATCH ?1 "
	"ORDER BY page.score, page.id";

const char *search_strerror(int code)
{
	switch (code) {
	case SEARCH_OK:
		return "success";
	case SEARCH_TOO_LONG:
		return "query too long";
	case SEARCH_BAD_ROW:
		return "search row without url, title or kind";
	case SEARCH_NO_FTS5:
		return "SQLite has no FTS5";
	case SEARCH_DATABASE:
		return "database error";
	case SEARCH_DUPLICATE:
		return "a search row with this url and anchor exists already";
	case SEARCH_TOO_BROAD:
		return "the search is too broad: narrow it down";
	default:
		return "unknown search error";
	}
}

int search_register(sqlite3 *db)
{
	fts5_api *api = kb_fts5_api(db);

	if (api == NULL)
		return SEARCH_NO_FTS5;
	if (kb_tokenizer_register_api(api) != SQLITE_OK)
		return SEARCH_DATABASE;
	if (api->xCreateFunction(api, "kb_snippet", NULL, snippet_kb_snippet,
				 NULL) != SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

/* Prepares sql; when that fails because this connection lacks the kb
 * tokenizer or kb_snippet, registers them and tries once more. */
static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement)
{
	if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) == SQLITE_OK)
		return SEARCH_OK;
	if (search_register(db) != SEARCH_OK ||
	    sqlite3_prepare_v2(db, sql, -1, statement, NULL) != SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

static int count_matches(sqlite3 *db, const char *query, size_t *total)
{
	sqlite3_stmt *statement = NULL;
	int rc = prepare(db, count_sql, &statement);

	if (rc != SEARCH_OK)
		goto out;
	rc = SEARCH_DATABASE;
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_ROW)
		goto out;
	*total = (size_t)sqlite3_column_int64(statement, 0);
	rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

static void read_result(sqlite3_stmt *statement, struct search_result *result)
{
	const unsigned char *snippet = sqlite3_column_text(statement, 4);

	result->url = column_copy(statement, 0);
	if (result->url == NULL)
		result->url = xstrdup("");
	result->anchor = column_copy(statement, 1);
	result->title = column_copy(statement, 2);
	if (result->title == NULL)
		result->title = xstrdup("");
	result->heading = column_copy(statement, 3);
	snippet_read(snippet ? (const char *)snippet : "",
		     snippet ? (size_t)sqlite3_column_bytes(statement, 4) : 0,
		     &result->snippet);
	result->rank = sqlite3_column_double(statement, 5);
}

static sqlite3_int64 clamp_int64(size_t value)
{
	return value > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)value;
}

static int fetch_results(sqlite3 *db, const char *query, const char *singles,
			 size_t limit, size_t offset,
			 struct search_results *out)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = prepare(db, results_sql, &statement), step;

	if (rc != SEARCH_OK)
		goto out;
	rc = SEARCH_DATABASE;
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(statement, 2, clamp_int64(limit)) != SQLITE_OK ||
	    sqlite3_bind_int64(statement, 3, clamp_int64(offset)) !=
		    SQLITE_OK ||
	    sqlite3_bind_int(statement, 4, SEARCH_SNIPPET_CHARACTERS) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(statement, 5, singles, -1, SQLITE_STATIC) !=
		    SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		out->items = xgrow(out->items, &capacity, out->count + 1,
				   sizeof *out->items);
		read_result(statement, &out->items[out->count++]);
	}
	if (step != SQLITE_DONE)
		goto out;
	rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

/* The CPU time this thread has used, in milliseconds. */
static double thread_cpu_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
	return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

struct budget {
	double deadline_ms;	/* thread CPU time at which to stop */
	bool spent;
};

/* SQLite's progress handler: non-zero interrupts the statement. */
static int check_budget(void *user)
{
	struct budget *budget = user;

	if (thread_cpu_ms() > budget->deadline_ms)
		budget->spent = true;
	return budget->spent;
}

int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out)
{
	return search_run_budget(db, user_text, length, limit, offset,
				 SEARCH_BUDGET_MS, out);
}

int search_run_budget(sqlite3 *db, const char *user_text, size_t length,
		      size_t limit, size_t offset, double budget_ms,
		      struct search_results *out)
{
	char *query = NULL, *singles = NULL;
	struct budget budget = {thread_cpu_ms() + budget_ms, false};
	int rc;

	bool own_transaction = false;

	memset(out, 0, sizeof *out);
	rc = query_build(db, user_text, length, &query, &singles);
	if (rc != SEARCH_OK || query == NULL)
		goto out;
	/* the count and the page from one snapshot, even while a build
	 * updates the file in place */
	if (sqlite3_get_autocommit(db)) {
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
			rc = SEARCH_DATABASE;
			goto out;
		}
		own_transaction = true;
	}
	/* checked every 1,000 virtual machine steps; FTS5's work on one
	 * row is a step, so a query that matches too much stops soon */
	sqlite3_progress_handler(db, 1000, check_budget, &budget);
	rc = count_matches(db, query, &out->total);
	if (rc == SEARCH_OK && limit > 0)
		rc = fetch_results(db, query, singles, limit, offset, out);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	if (budget.spent) {
		search_results_free(out);
		rc = SEARCH_TOO_BROAD;
	}
	if (own_transaction)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
	free(query);
	free(singles);
	return rc;
}

void search_result_clear(struct search_result *result)
{
	free(result->url);
	free(result->anchor);
	free(result->title);
	free(result->heading);
	free(result->snippet.text);
	free(result->snippet.highlights);
	memset(result, 0, sizeof *result);
}

void search_results_free(struct search_results *results)
{
	for (size_t i = 0; i < results->count; i++)
		search_result_clear(&results->items[i]);
	free(results->items);
	memset(results, 0, sizeof *results);
}
