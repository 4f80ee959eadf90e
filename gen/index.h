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

/* Creates path (which must not exist) with the search schema and every
 * article of site, inside one transaction. On success *db is the open
 * connection, still inside the transaction, for more rows; finish with
 * index_close. Returns 0, or -1 after a diagnostic. */
int index_open(const struct site *site, const char *path, sqlite3 **db);

/* Adds a wizard node: url is its page URL, title the question or outcome,
 * body its plain text. 0, or -1 after a diagnostic. */
int index_add_node(sqlite3 *db, const char *url, const char *title,
		   const char *tree_title, const char *body);

/* Commits and closes. With commit false, rolls back. 0, or -1 after a
 * diagnostic. */
int index_close(sqlite3 *db, const char *path, int commit);

#endif
