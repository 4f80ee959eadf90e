/*
 * index.h — writes out/kb.db: the search index (see search.h) filled from
 * the site's articles, one row per part of an article (its intro and each
 * `##` heading with the text under it), plus the article metadata table. Wizard nodes are added by the wizard module
 * through index_add_node; the decision trees (treestore.h) and the theme
 * (themestore.h) are written into the same transaction.
 *
 * Two ways in: index_open creates a new kb.db for a full build;
 * index_open_update opens an existing one to change it in place (an
 * incremental build): remove what changed (index_remove_article,
 * index_remove_nodes), add it back (index_add_article, index_add_node),
 * rewrite the trees and the theme (treestore_write, themestore_write
 * replace what they wrote before), index_close. Whatever the sequence,
 * the result holds the same rows with the same rowids as a full build
 * of the same site, so searches rank alike (tools/kbdb-dump.sh prints
 * what must be equal; the file's bytes differ).
 *
 * Readers (kb.cgi) never see a kb.db being written: a full build writes a
 * new file in the staging folder without any journal, and an incremental
 * one updates a copy of the published file in its staging folder (with
 * the rollback journal in memory), moved over the published one by a
 * rename (gen/build/build.c update_index).
 */
#ifndef KB_INDEX_H
#define KB_INDEX_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "content/site.h"

/* kb.db's schema version, stored as its user_version. Bump it whenever
 * the tables of search.h, treestore.h or themestore.h, the rowid scheme
 * or the tokenizer's output change: index_open_update then refuses older
 * files and the build starts afresh. */
#define INDEX_SCHEMA_VERSION 4

/* index_open_update's answer when kb.db cannot be updated in place (it
 * is missing, not a database, or of another schema version): do a full
 * build. No diagnostic is given. */
#define INDEX_REBUILD 1

/* The page size of a fresh kb.db. The FTS5 content table takes rows at
 * hashed rowids, so every writer queue lands all over it: large pages
 * keep a full build's page cache from thrashing, at a small cost to
 * updates in place. An existing file keeps the page size it was made
 * with. */
#define INDEX_PAGE_SIZE 65536

/* How long a writer waits for readers to finish, and a reader for a
 * writer's commit, in milliseconds. */
#define INDEX_BUSY_TIMEOUT_MS 10000

/* Creates path (which must not exist) with the search schema, inside one
 * transaction, with no journal (a crash leaves a staging file that is
 * thrown away). On success *db is the open connection, still inside the
 * transaction, for rows; finish with index_close. Returns 0, or -1 after
 * a diagnostic. */
int index_open(const char *path, sqlite3 **db);

/* Opens the existing kb.db at path (a copy the caller owns) for an update
 * in place: checks its
 * user_version against INDEX_SCHEMA_VERSION, registers the kb tokenizer
 * and begins a write transaction (BEGIN IMMEDIATE: readers go on reading
 * the old content until index_close commits). Returns 0 with *db open
 * (finish with index_close), INDEX_REBUILD with *db NULL when the file
 * cannot be updated (see above), or -1 with *db NULL after a diagnostic
 * (the file is locked beyond INDEX_BUSY_TIMEOUT_MS, or unreadable). */
int index_open_update(const char *path, sqlite3 **db);

/* One indexed part of an article: the intro (heading NULL) or a `##`
 * heading with the text under it, as plain text. ("Part", since a
 * section is a content folder.) */
struct index_part {
	const struct markdown_heading *heading;
	char *text;
};

/* The article's parts from its parsed document (as the renderer has it,
 * so the Markdown is parsed once). The caller owns *out and frees it with
 * index_parts_free. */
void index_parts_make(const struct article *article, cmark_node *document,
		      struct index_part **out, size_t *count);

/* Frees the count parts index_parts_make gave, and the array. */
void index_parts_free(struct index_part *parts, size_t count);

/* Tells the index how many articles will be added (see
 * search_writer_expect): a full build's index is then written with its
 * last queues small, so little is left to write after the last page. */
void index_expect_articles(sqlite3 *db, size_t count);

/* Adds an article's rows (one per part) and its metadata. Rows are
 * queued and written in rowid order later (by the next removal or by
 * index_close), so a duplicate may be reported then. 0, or -1 after a
 * diagnostic. */
int index_add_article(sqlite3 *db, const struct site *site,
		      const struct article *article,
		      const struct index_part *parts, size_t count);

/* Adds a wizard node: url is its page URL, title the question or outcome,
 * body its plain text. Queued like article rows. 0, or -1 after a
 * diagnostic. */
int index_add_node(sqlite3 *db, const char *url, const char *title,
		   const char *tree_title, const char *body);

/* Removes every search row and the metadata row of the article whose URL
 * (as site_url gives it, the same url index_add_article stored) is url;
 * an unknown url removes nothing. Uses the search_rows and articles
 * indexes: the cost is that of the rows removed. 0, or -1 after a
 * diagnostic. */
int index_remove_article(sqlite3 *db, const char *url);

/* Removes every wizard-node search row whose URL starts with url_prefix
 * (one tree: site_url of "wizard/<tree id>/"). 0, or -1 after a
 * diagnostic. */
int index_remove_nodes(sqlite3 *db, const char *url_prefix);

/* Writes the queued rows, then commits and closes. With commit false (or
 * when writing fails), rolls back. After a full build (index_open), the
 * committed index's segments are then spread one per level (see
 * index_spread_structure). 0, or -1 after a diagnostic. */
int index_close(sqlite3 *db, const char *path, int commit);

/* The FTS5 structure record (row 10 of search_data) of a full build,
 * rearranged as index_close leaves it: level 0 empty and the build's
 * segments one per level in the order FTS5 reads them (level 0 first,
 * each level's newest first), so the first at level 1; the
 * configuration cookie incremented (index.c says why). Returns true with
 * *out (the caller frees it) and *out_length when record is FTS5's
 * legacy (V1) form, exactly as FTS5 writes it, with 1 to 63 segments, no
 * merge under way, and not spread already; otherwise false with *out
 * NULL: such a record is to be left as it is. Pure computation, for
 * index_close and the tests. */
bool index_spread_structure(const unsigned char *record, size_t length,
			    unsigned char **out, size_t *out_length);

#endif
