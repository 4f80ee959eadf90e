/*
 * fts5.h — the FTS5 API of an SQLite connection, and the kb tokenizer
 * registered with it. Kept apart from the tokenizer core (tokenizer.c),
 * which calls no sqlite3_* function, so that build/kbtok.so takes the core
 * alone and reaches SQLite only through its host's extension routines.
 */
#ifndef KB_FTS5_H
#define KB_FTS5_H

#include <sqlite3.h>

/* The FTS5 API object of db (borrowed from db, never freed), or NULL when
 * the SQLite library has no FTS5. */
fts5_api *kb_fts5_api(sqlite3 *db);

/* Registers the tokenizer as "kb" with db (once per connection, before
 * any table using tokenize='kb' is touched). Returns an SQLite result
 * code; SQLITE_ERROR when FTS5 is missing. */
int kb_tokenizer_register(sqlite3 *db);

#endif
