/*
 * feedbackreport.c — see feedbackreport.h. The databases are attached
 * read-only to an in-memory one, their rows copied into three tables
 * there, and every part of the report is a query over those.
 */
#include "db/feedbackreport.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/util.h"
#include "db/feedback.h"

static const char merged_sql[] =
	"CREATE TABLE v(at INTEGER, page TEXT, kind TEXT, helpful INTEGER,"
	" comment TEXT);"
	"CREATE TABLE s(at INTEGER, query TEXT, kind TEXT);"
	"CREATE TABLE st(at INTEGER, tree TEXT, node TEXT, outcome INTEGER,"
	" walk INTEGER, parent INTEGER, client INTEGER);"
	"CREATE INDEX st_next ON st(client, parent, tree, at);"
	"CREATE TABLE titles(page TEXT PRIMARY KEY, title TEXT);"
	"CREATE TABLE node_titles(tree TEXT, node TEXT, title TEXT,"
	" PRIMARY KEY(tree, node));"
	"CREATE TABLE all_articles(page TEXT PRIMARY KEY, title TEXT);";

static char *quoted_uri(const char *path)
{
	struct buf uri = {0};

	buf_adds(&uri, "file:");
	for (const char *c = path; *c; c++) {
		if (*c == '%' || *c == '?' || *c == '#')
			buf_printf(&uri, "%%%02X", (unsigned char)*c);
		else
			buf_add(&uri, c, 1);
	}
	buf_adds(&uri, "?mode=ro");
	return buf_detach(&uri);
}

static int attach(sqlite3 *db, const char *path, const char *name,
		  char **problem)
{
	char *uri = quoted_uri(path);
	char *sql = sqlite3_mprintf("ATTACH %Q AS %s", uri, name);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	sqlite3_free(sql);
	free(uri);
	if (rc != SQLITE_OK)
		*problem = xasprintf("%s: %s", path, sqlite3_errmsg(db));
	return rc == SQLITE_OK ? 0 : -1;
}

static int detach(sqlite3 *db, const char *name)
{
	char *sql = sqlite3_mprintf("DETACH %s", name);
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	sqlite3_free(sql);
	return rc;
}

/* One feedback database's rows since since, into the merged tables. */
static int merge_one(sqlite3 *db, const char *path, time_t since,
		     char **problem)
{
	sqlite3_stmt *statement = NULL;
	int version = -1, rc;
	char *sql;

	/* SQLite would name the URI, not the file, and not why */
	if (access(path, R_OK) != 0) {
		*problem = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	if (attach(db, path, "f", problem) != 0)
		return -1;
	rc = sqlite3_prepare_v2(db, "PRAGMA f.user_version", -1, &statement,
				NULL);
	if (rc == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
		version = sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	/* schema 1 lacks only the lookups table, which no report reads; a
	 * report never upgrades, since it must leave the database as it was */
	if (version < 1 || version > FEEDBACK_SCHEMA_VERSION) {
		*problem = version < 0
				   ? xasprintf("%s: %s", path, sqlite3_errmsg(db))
				   : xasprintf("%s: not a feedback database of "
					       "schema 1 to %d (it says %d)", path,
					       FEEDBACK_SCHEMA_VERSION, version);
		detach(db, "f");
		return -1;
	}
	sql = sqlite3_mprintf(
		"INSERT INTO v SELECT at, page, kind, helpful, comment"
		" FROM f.votes WHERE at >= %lld;"
		"INSERT INTO s SELECT at, query, kind FROM f.searches"
		" WHERE at >= %lld;"
		"INSERT INTO st SELECT at, tree, node, outcome, walk, parent,"
		" client FROM f.steps WHERE at >= %lld;",
		(long long)since, (long long)since, (long long)since);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		*problem = xasprintf("%s: %s", path, sqlite3_errmsg(db));
	detach(db, "f");
	return rc == SQLITE_OK ? 0 : -1;
}

/* Titles from kb.db, and its articles. */
static int read_site(sqlite3 *db, const char *kb_db, char **problem)
{
	int rc;

	if (attach(db, kb_db, "kb", problem) != 0)
		return -1;
	rc = sqlite3_exec(db,
			  "INSERT INTO titles SELECT url, title FROM kb.articles;"
			  "INSERT INTO all_articles SELECT url, title FROM kb.articles;"
			  "INSERT INTO node_titles SELECT tree, id, title FROM kb.nodes;",
			  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		*problem = xasprintf("%s: %s", kb_db, sqlite3_errmsg(db));
	detach(db, "kb");
	return rc == SQLITE_OK ? 0 : -1;
}

static char *column_text(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	return text ? xstrdup((const char *)text) : NULL;
}

/* The counts a query returns (name, title, count), in its order; ?1 is
 * tree, ?2 the time before which a step with no next one has ended, ?3
 * how long a next step may take, where the query has them. */
static int read_counts(sqlite3 *db, const char *sql, const char *tree,
		       time_t now, struct report_count **out, size_t *count)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);

	*out = NULL;
	*count = 0;
	if (rc != SQLITE_OK)
		return -1;
	if (tree != NULL)
		sqlite3_bind_text(statement, 1, tree, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(statement) >= 3) {
		sqlite3_bind_int64(statement, 2, (sqlite3_int64)now -
						     FEEDBACK_ABANDON_SECONDS);
		sqlite3_bind_int(statement, 3, FEEDBACK_ABANDON_SECONDS);
	}
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		*out = xgrow(*out, &capacity, *count + 1, sizeof **out);
		(*out)[*count] = (struct report_count){
			column_text(statement, 0), column_text(statement, 1),
			(long)sqlite3_column_int64(statement, 2)};
		(*count)++;
	}
	sqlite3_finalize(statement);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int read_comments(sqlite3 *db, struct report_page *page)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = sqlite3_prepare_v2(
		db, "SELECT date(at, 'unixepoch'), comment FROM v WHERE page = ?1"
		    " AND kind = ?2 AND comment IS NOT NULL ORDER BY at, comment",
		-1, &statement, NULL);

	if (rc != SQLITE_OK)
		return -1;
	sqlite3_bind_text(statement, 1, page->page, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, page->kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		page->comments = xgrow(page->comments, &capacity,
				       page->comment_count + 1,
				       sizeof *page->comments);
		page->comments[page->comment_count++] = (struct report_comment){
			column_text(statement, 0), column_text(statement, 1)};
	}
	sqlite3_finalize(statement);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int read_pages(sqlite3 *db, const char *sql,
		      struct report_page **out, size_t *count, bool comments)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);

	*out = NULL;
	*count = 0;
	if (rc != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct report_page *page;
		*out = xgrow(*out, &capacity, *count + 1, sizeof **out);
		page = &(*out)[(*count)++];
		*page = (struct report_page){
			.page = column_text(statement, 0),
			.kind = column_text(statement, 1),
			.title = column_text(statement, 2),
			.votes = (long)sqlite3_column_int64(statement, 3),
			.yes = (long)sqlite3_column_int64(statement, 4),
		};
		if (comments && read_comments(db, page) != 0)
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(statement);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* An outcome's page is /…/wizard/<tree>/<node>/: its title is the node's. */
static const char pages_sql[] =
	"SELECT v.page, v.kind, coalesce(t.title, ("
	"  SELECT n.title FROM node_titles n WHERE v.kind = 'outcome' AND"
	"  v.page LIKE '%/wizard/' || n.tree || '/' || n.node || '/')),"
	" count(*), sum(helpful) FROM v LEFT JOIN titles t ON t.page = v.page"
	" GROUP BY v.page, v.kind ORDER BY count(*) DESC, v.page, v.kind";

static const char unvoted_sql[] =
	"SELECT page, 'article', title, 0, 0 FROM all_articles WHERE page NOT IN"
	" (SELECT page FROM v WHERE kind = 'article') ORDER BY page";

static const char reached_sql[] =
	"SELECT st.node, n.title, count(*) FROM st LEFT JOIN node_titles n ON"
	" n.tree = st.tree AND n.node = st.node WHERE st.tree = ?1 AND"
	" st.outcome = 1 GROUP BY st.node ORDER BY count(*) DESC, st.node";

/* ?2: the time before which a step with no next one has ended */
static const char ended_sql[] =
	"SELECT a.node, n.title, count(*) FROM st a LEFT JOIN node_titles n ON"
	" n.tree = a.tree AND n.node = a.node WHERE a.tree = ?1 AND"
	" a.outcome = 0 AND a.at <= ?2 AND NOT EXISTS (SELECT 1 FROM st b"
	" WHERE b.client = a.client AND b.parent = a.walk AND b.tree = a.tree"
	" AND b.at >= a.at AND b.at <= a.at + ?3)"
	" GROUP BY a.node ORDER BY count(*) DESC, a.node";

static int read_trees(sqlite3 *db, time_t now, struct feedback_report *out)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = sqlite3_prepare_v2(db, "SELECT DISTINCT tree FROM st ORDER BY tree",
				    -1, &statement, NULL);

	if (rc != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct report_tree *tree;
		out->trees = xgrow(out->trees, &capacity, out->tree_count + 1,
				   sizeof *out->trees);
		tree = &out->trees[out->tree_count++];
		memset(tree, 0, sizeof *tree);
		tree->tree = column_text(statement, 0);
		if (read_counts(db, reached_sql, tree->tree, now, &tree->reached,
				&tree->reached_count) != 0 ||
		    read_counts(db, ended_sql, tree->tree, now, &tree->ended,
				&tree->ended_count) != 0)
			rc = SQLITE_ERROR;
	}
	sqlite3_finalize(statement);
	return rc == SQLITE_DONE ? 0 : -1;
}

static long total(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *statement = NULL;
	long value = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		value = (long)sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return value;
}

int feedback_report_load(const char *const *paths, size_t count,
			 const char *kb_db, time_t since, time_t now,
			 struct feedback_report *out, char **problem)
{
	sqlite3 *db = NULL;
	int rc = -1;

	memset(out, 0, sizeof *out);
	*problem = NULL;
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
			    SQLITE_OPEN_URI, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, merged_sql, NULL, NULL, NULL) != SQLITE_OK) {
		*problem = xasprintf("cannot start the report: %s",
				     sqlite3_errmsg(db));
		goto out;
	}
	for (size_t i = 0; i < count; i++)
		if (merge_one(db, paths[i], since, problem) != 0)
			goto out;
	if (kb_db != NULL && read_site(db, kb_db, problem) != 0)
		goto out;
	out->vote_total = total(db, "SELECT count(*) FROM v");
	out->search_total = total(db, "SELECT count(*) FROM s");
	out->step_total = total(db, "SELECT count(*) FROM st");
	if (read_pages(db, pages_sql, &out->pages, &out->page_count, true) != 0 ||
	    read_counts(db, "SELECT query, NULL, count(*) FROM s WHERE kind ="
			    " 'none' GROUP BY query ORDER BY count(*) DESC, query",
			NULL, now, &out->not_found, &out->not_found_count) != 0 ||
	    read_counts(db, "SELECT query, NULL, count(*) FROM s WHERE kind ="
			    " 'unopened' GROUP BY query ORDER BY count(*) DESC,"
			    " query", NULL, now, &out->unopened,
			&out->unopened_count) != 0 ||
	    read_trees(db, now, out) != 0 ||
	    (kb_db != NULL && read_pages(db, unvoted_sql, &out->unvoted,
					 &out->unvoted_count, false) != 0)) {
		*problem = xasprintf("cannot read the feedback: %s",
				     sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	if (rc != 0)
		feedback_report_free(out);
	return rc;
}

static void free_counts(struct report_count *counts, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(counts[i].name);
		free(counts[i].title);
	}
	free(counts);
}

static void free_pages(struct report_page *pages, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(pages[i].page);
		free(pages[i].kind);
		free(pages[i].title);
		for (size_t k = 0; k < pages[i].comment_count; k++) {
			free(pages[i].comments[k].date);
			free(pages[i].comments[k].text);
		}
		free(pages[i].comments);
	}
	free(pages);
}

void feedback_report_free(struct feedback_report *report)
{
	free_pages(report->pages, report->page_count);
	free_pages(report->unvoted, report->unvoted_count);
	free_counts(report->not_found, report->not_found_count);
	free_counts(report->unopened, report->unopened_count);
	for (size_t i = 0; i < report->tree_count; i++) {
		free(report->trees[i].tree);
		free_counts(report->trees[i].reached, report->trees[i].reached_count);
		free_counts(report->trees[i].ended, report->trees[i].ended_count);
	}
	free(report->trees);
	memset(report, 0, sizeof *report);
}
