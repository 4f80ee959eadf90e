/*
 * column.h — reading SQLite result columns into owned C strings, for the
 * readers of kb.db (search results, the tree and theme stores).
 */
#ifndef KB_COLUMN_H
#define KB_COLUMN_H

#include <sqlite3.h>

/* A copy of a text column of the current row (all its bytes, even past
 * an embedded NUL), or NULL when the value is NULL. The caller frees. */
char *column_copy(sqlite3_stmt *statement, int column);

#endif
