/*
 * kept.h — inside db: the prepared statements kept for a connection from
 * one query to the next (search_keep_statements, search.h), shared by
 * the modules whose statements a query runs (search, champions,
 * readings, the row map). A statement is known by its SQL text, which
 * must be a static string of the module preparing it: the pointer, not
 * the text, is compared.
 */
#ifndef KB_KEPT_H
#define KB_KEPT_H

#include <stddef.h>
#include <sqlite3.h>

/* Connections whose statements can be kept at once. */
#define KEPT_CONNECTIONS 4

/* Starts keeping db's statements; 0, or -1 when KEPT_CONNECTIONS are
 * kept already. Keeping one twice is fine. */
int kept_start(sqlite3 *db);

/* Finalizes and forgets db's kept statements; nothing when none. */
void kept_stop(sqlite3 *db);

/* How many statements db keeps. */
size_t kept_count(sqlite3 *db);

/* sqlite3_prepare_v2 of sql (a static string, see above) into
 * *statement, or, when db's statements are kept, the kept one for sql
 * that is not in use. Returns an SQLite result code; on failure
 * *statement is NULL. Give it back with kept_release. */
int kept_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement);

/* Gives back what kept_prepare gave: a kept statement is reset and its
 * bindings cleared for the next query (so nothing bound stays pointed
 * at); any other is finalized. NULL is fine. */
void kept_release(sqlite3 *db, sqlite3_stmt *statement);

#endif
