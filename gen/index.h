/*
 * index.h — writes out/kb.db: the search index (see search.h) filled from
 * the site's articles, one row per intro and per `##` section, plus the
 * article metadata table. Wizard nodes are added by the wizard module
 * through index_add_node.
 */
#ifndef KB_INDEX_H
#define KB_INDEX_H

#include <sqlite3.h>

#include "site.h"

/* Creates path (which must not exist) with the search schema, inside one
 * transaction. On success *db is the open connection, still inside the
 * transaction, for rows; finish with index_close. Returns 0, or -1 after
 * a diagnostic. */
int index_open(const char *path, sqlite3 **db);

/* One indexed part of an article: the intro (heading NULL) or a `##`
 * section, with its plain text. */
struct index_section {
	const struct markdown_heading *heading;
	char *text;
};

/* The article's sections from its parsed document (as the renderer has
 * it, so the Markdown is parsed once). The caller frees *out with
 * index_sections_free. */
void index_sections_make(const struct article *article, cmark_node *document,
			 struct index_section **out, size_t *count);
void index_sections_free(struct index_section *sections, size_t count);

/* Adds an article's rows (one per section) and its metadata. 0, or -1
 * after a diagnostic. */
int index_add_article(sqlite3 *db, const struct site *site,
		      const struct article *article,
		      const struct index_section *sections, size_t count);

/* Adds a wizard node: url is its page URL, title the question or outcome,
 * body its plain text. 0, or -1 after a diagnostic. */
int index_add_node(sqlite3 *db, const char *url, const char *title,
		   const char *tree_title, const char *body);

/* Commits and closes. With commit false, rolls back. 0, or -1 after a
 * diagnostic. */
int index_close(sqlite3 *db, const char *path, int commit);

#endif
