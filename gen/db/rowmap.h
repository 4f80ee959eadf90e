/*
 * rowmap.h — inside db: which result (article or wizard node) each row
 * of the search index belongs to, kept in kb.db as one array sorted by
 * rowid, so that a query groups its matching rows without reading each
 * row's url or scanning search_rows (search.c; grouping through a scan
 * of search_rows cost several milliseconds a query at 10,000 articles,
 * however few rows matched).
 *
 *   search_rowmap  id INTEGER PRIMARY KEY (always 1), groups INTEGER
 *             (how many urls), entries BLOB:
 *             per row of the search table, ROWMAP_ENTRY_BYTES: its rowid
 *             (8 bytes) and its group (4 bytes), both big-endian, sorted
 *             by rowid. A group is the number of the row's url among the
 *             distinct urls of search_rows, in their order, so the array
 *             depends on the set of rows alone: a clean build and an
 *             incremental one leading to the same rows write the same
 *             bytes.
 *
 * The search writer writes it again at each search_writer_flush that
 * follows a change (rowmap_write).
 */
#ifndef KB_ROWMAP_H
#define KB_ROWMAP_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#define ROWMAP_ENTRY_BYTES 12

#define ROWMAP_SCHEMA_SQL \
	"CREATE TABLE search_rowmap(" \
	"id INTEGER PRIMARY KEY CHECK (id = 1), groups INTEGER NOT NULL, " \
	"entries BLOB NOT NULL);"

/* No group: the rowid is not in the map. */
#define ROWMAP_NONE UINT32_MAX

/* Replaces db's map with one made from search_rows as it is now.
 * Returns an SQLite result code. */
int rowmap_write(sqlite3 *db);

/* A map as read from kb.db: its entries are SQLite's, borrowed from the
 * statement that read them, not copied (they are a few hundred kB). */
struct rowmap {
	const unsigned char *entries; /* count entries */
	size_t count;
	uint32_t groups;        /* how many groups; each is below it */
	sqlite3_stmt *statement; /* holds the entries */
	sqlite3 *db;             /* read from */
};

/* Reads db's map into *map (the caller frees it with rowmap_free, which
 * must come before db is closed). A kb.db without a map row gives an
 * empty map. Returns an SQLite result code; on failure *map is empty. */
int rowmap_read(sqlite3 *db, struct rowmap *map);

/* The group of rowid, or ROWMAP_NONE. *from, when not NULL, is where to
 * start looking (an entry index, which the call advances): a caller
 * asking for rowids in increasing order passes the same variable each
 * time and walks the map once instead of searching it each time. */
uint32_t rowmap_group(const struct rowmap *map, sqlite3_int64 rowid,
		      size_t *from);

/* Frees what *map holds and empties it. */
void rowmap_free(struct rowmap *map);

#endif
