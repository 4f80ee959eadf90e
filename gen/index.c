/*
 * index.c — fills kb.db from the site model.
 */
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "search.h"
#include "util.h"

struct section_rows {
	sqlite3 *db;
	const struct article *article;
	const char *url;
	const char *tags;
	int failed;
};

static void add_section(void *user, const struct markdown_heading *heading,
			const char *text, size_t length)
{
	struct section_rows *rows = user;
	struct search_row row = {
		.url = rows->url,
		.anchor = heading ? heading->id : NULL,
		.kind = "article",
		.title = rows->article->meta.title,
		.heading = heading ? heading->text : NULL,
		.tags = rows->tags,
		.body = text,
	};

	(void)length;
	if (rows->failed == 0 && search_add_row(rows->db, &row) != SEARCH_OK)
		rows->failed = 1;
}

static char *joined_tags(const struct article *article)
{
	struct buf tags = {0};

	for (size_t i = 0; i < article->meta.tags.count; i++) {
		if (i)
			buf_addc(&tags, ' ');
		buf_adds(&tags, article->meta.tags.items[i]);
	}
	return buf_detach(&tags);
}

static int add_article(sqlite3 *db, const struct site *site,
		       const struct article *article)
{
	char *url = site_url(site, article->url_path);
	char *tags = joined_tags(article);
	struct section_rows rows = {db, article, url, tags, 0};
	struct search_article meta = {
		.url = url,
		.title = article->meta.title,
		.section = article->section ? article->section->title : "",
		.description = article->meta.description,
		.updated = article->updated,
	};
	cmark_node *document;

	document = markdown_parse(article->meta.body, article->meta.body_length);
	markdown_each_section(document, &article->headings, add_section, &rows);
	cmark_node_free(document);
	if (rows.failed == 0 && search_add_article(db, &meta) != SEARCH_OK)
		rows.failed = 1;
	free(tags);
	free(url);
	return rows.failed ? -1 : 0;
}

static int fail(sqlite3 *db, const char *path)
{
	diag_error(path, 0, 0, "cannot write the search index: %s",
		   db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

int index_open(const struct site *site, const char *path, sqlite3 **db)
{
	*db = NULL;
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
			    NULL) != SQLITE_OK)
		goto failed;
	/* the file is rebuilt from scratch each time: no journal needed */
	if (sqlite3_exec(*db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
			 "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    search_schema_create(*db) != SEARCH_OK)
		goto failed;
	for (size_t i = 0; i < site->article_count; i++)
		if (add_article(*db, site, site->articles[i]) != 0)
			goto failed;
	return 0;
failed:
	fail(*db, path);
	sqlite3_close(*db);
	*db = NULL;
	return -1;
}

int index_add_node(sqlite3 *db, const char *url, const char *title,
		   const char *tree_title, const char *body)
{
	struct search_row row = {
		.url = url,
		.kind = "node",
		.title = title,
		.tags = tree_title,
		.body = body,
	};

	if (search_add_row(db, &row) == SEARCH_OK)
		return 0;
	diag_error("kb.db", 0, 0, "cannot add a wizard node to the search "
		   "index: %s", sqlite3_errmsg(db));
	return -1;
}

int index_close(sqlite3 *db, const char *path, int commit)
{
	int rc = 0;

	if (db == NULL)
		return 0;
	if (sqlite3_exec(db, commit ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) !=
	    SQLITE_OK)
		rc = fail(db, path);
	if (sqlite3_close(db) != SQLITE_OK)
		rc = -1;
	return rc;
}
