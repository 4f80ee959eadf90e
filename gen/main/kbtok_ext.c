/*
 * kbtok_ext.c — build/kbtok.so, a loadable SQLite extension that registers
 * the kb tokenizer, so the stock shell can query the index:
 *
 *   sqlite3 out/kb.db
 *   sqlite> .load build/kbtok
 *   sqlite> SELECT url, highlight(search, 3, '[', ']') FROM search
 *      ...>   WHERE search MATCH '"迷惑"' ORDER BY rank;
 *
 * Only this file talks to SQLite through the extension API routines
 * (sqlite3ext.h); the tokenizer core it registers calls no sqlite3_*
 * function, so the host's SQLite is the only one involved. The shell's
 * built-in highlight() and snippet() work, but may garble a match that
 * starts right after another one ends on overlapping CJK bigrams; kbgen and
 * the CGI mark matches their own way (db/snippet.h).
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "db/tokenizer.h"

int sqlite3_kbtok_init(sqlite3 *db, char **error,
		       const sqlite3_api_routines *api);

/* The FTS5 API object of db, fetched through the extension routines. */
static fts5_api *extension_fts5_api(sqlite3 *db)
{
	fts5_api *fts5 = NULL;
	sqlite3_stmt *statement = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_pointer(statement, 1, (void *)&fts5, "fts5_api_ptr",
			     NULL);
	sqlite3_step(statement);
out:
	sqlite3_finalize(statement);
	return fts5;
}

/* The entry point SQLite derives from the file name kbtok. */
int sqlite3_kbtok_init(sqlite3 *db, char **error,
		       const sqlite3_api_routines *api)
{
	fts5_api *fts5;
	int rc;

	SQLITE_EXTENSION_INIT2(api);
	fts5 = extension_fts5_api(db);
	if (fts5 == NULL) {
		*error = sqlite3_mprintf("kbtok: this SQLite has no FTS5");
		return SQLITE_ERROR;
	}
	rc = kb_tokenizer_register_api(fts5, NULL, NULL);
	if (rc != SQLITE_OK)
		*error = sqlite3_mprintf("kbtok: cannot register the kb "
					 "tokenizer");
	return rc;
}
