/*
 * index.c — fills kb.db from the site model.
 */
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "search.h"
#include "util.h"

struct section_list {
	struct index_section *items;
	size_t count, capacity;
};

static void collect_section(void *user, const struct markdown_heading *heading,
			    const char *text, size_t length)
{
	struct section_list *list = user;

	list->items = xgrow(list->items, &list->capacity, list->count + 1,
			    sizeof *list->items);
	list->items[list->count].heading = heading;
	list->items[list->count++].text = xstrndup(text, length);
}

void index_sections_make(const struct article *article, cmark_node *document,
			 struct index_section **out, size_t *count)
{
	struct section_list list = {0};

	markdown_each_section(document, &article->headings, collect_section,
			      &list);
	*out = list.items;
	*count = list.count;
}

void index_sections_free(struct index_section *sections, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(sections[i].text);
	free(sections);
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

int index_add_article(sqlite3 *db, const struct site *site,
		      const struct article *article,
		      const struct index_section *sections, size_t count)
{
	char *url = site_url(site, article->url_path);
	char *tags = joined_tags(article);
	struct search_article meta = {
		.url = url,
		.title = article->meta.title,
		.section = article->section ? article->section->title : "",
		.description = article->meta.description,
		.updated = article->updated,
	};
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < count; i++) {
		struct search_row row = {
			.url = url,
			.anchor = sections[i].heading ? sections[i].heading->id : NULL,
			.kind = "article",
			.title = article->meta.title,
			.heading = sections[i].heading ? sections[i].heading->text : NULL,
			.tags = tags,
			.body = sections[i].text,
		};
		if (search_add_row(db, &row) != SEARCH_OK)
			rc = -1;
	}
	if (rc == 0 && search_add_article(db, &meta) != SEARCH_OK)
		rc = -1;
	if (rc != 0)
		diag_error("kb.db", 0, 0, "cannot add %s to the search index: %s",
			   article->source, sqlite3_errmsg(db));
	free(tags);
	free(url);
	return rc;
}

static int fail(sqlite3 *db, const char *path)
{
	diag_error(path, 0, 0, "cannot write the search index: %s",
		   db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

int index_open(const char *path, sqlite3 **db)
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
