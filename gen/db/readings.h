/*
 * readings.h — inside db: the search_readings table, how the content
 * words of the indexed text are read, so that a query in kana finds the
 * words written in kanji (めいわく → 迷惑).
 *
 *   search_readings  (reading, surface) PRIMARY KEY, refs; WITHOUT ROWID.
 *             reading in katakana (メイワク, トドク), surface the word's
 *             base form as the text writes it (迷惑, 届く), refs the
 *             number of search rows whose text has it. A pair whose refs
 *             fall to 0 is deleted, so the table depends on the set of
 *             rows alone: an incremental build leaves it as a clean
 *             build does.
 *
 * The writer's side (readings_count, readings_write) is used by the
 * search writer, which counts each row it adds and each row it removes
 * (from the row's text as stored). The reader's side (readings_lookup,
 * readings_known) by the query builder. Words are found with analyze.h;
 * without a dictionary nothing is counted and lookups find nothing.
 */
#ifndef KB_READINGS_H
#define KB_READINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

/* The table, for search_schema_create. */
#define READINGS_SCHEMA_SQL \
	"CREATE TABLE search_readings(" \
	"reading TEXT NOT NULL, surface TEXT NOT NULL, " \
	"refs INTEGER NOT NULL, " \
	"PRIMARY KEY(reading, surface)) WITHOUT ROWID;"

/* Changes to the table not yet written, and the words of every run of
 * text analysed so far (the same runs recur across a site, so each is
 * analysed once per build). */
struct readings;

/* A new, empty counter; the caller frees it with readings_free. */
struct readings *readings_new(void);

/* Frees what readings_new gave; NULL is fine. */
void readings_free(struct readings *readings);

/* Counts one row: each distinct (reading, surface) found in the count
 * texts (NULL ones skipped) changes its refs by sign (+1 for a row
 * added, -1 for a row removed). */
void readings_count(struct readings *readings, const char *const *texts,
		    size_t count, int sign);

/* Applies the counted changes to db's search_readings and forgets them.
 * Returns an SQLite result code. */
int readings_write(struct readings *readings, sqlite3 *db);

/* Calls visit with each surface of reading (katakana, length bytes; with
 * prefix, of every reading that starts with it), most rows first, at most
 * max of them (a prefix looks at a bounded number of readings). Nothing
 * is called when db has no such table. visit's text is valid during the
 * call only. Returns the number of surfaces visited. */
size_t readings_lookup(sqlite3 *db, const char *reading, size_t length,
		       bool prefix, size_t max,
		       void (*visit)(void *context, const char *surface,
				     size_t surface_length),
		       void *context);

/* Whether some word of db's text is read reading (katakana). */
bool readings_known(sqlite3 *db, const char *reading, size_t length);

#endif
