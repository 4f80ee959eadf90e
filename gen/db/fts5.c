#include "db/fts5.h"

#include "db/tokenizer.h"

fts5_api *kb_fts5_api(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *statement = NULL;

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, NULL) !=
	    SQLITE_OK)
		goto out;
	sqlite3_bind_pointer(statement, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(statement);
out:
	sqlite3_finalize(statement);
	return api;
}

int kb_tokenizer_register(sqlite3 *db)
{
	return kb_tokenizer_register_api(kb_fts5_api(db), NULL, NULL);
}
