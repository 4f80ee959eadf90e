/*
 * kept.c — prepared statements kept per connection (kept.h).
 */
#include "db/kept.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct kept_statement {
	const char *sql;
	sqlite3_stmt *statement;
	bool taken;
};

struct kept_connection {
	sqlite3 *db;
	struct kept_statement *items;
	size_t count, capacity;
};

/* A FastCGI worker has one connection, and a second while a new build's
 * kb.db replaces the first; one thread uses them. */
static struct kept_connection kept[KEPT_CONNECTIONS];

static struct kept_connection *kept_for(sqlite3 *db)
{
	for (size_t i = 0; db != NULL && i < KEPT_CONNECTIONS; i++)
		if (kept[i].db == db)
			return &kept[i];
	return NULL;
}

int kept_start(sqlite3 *db)
{
	if (db == NULL)
		return -1;
	if (kept_for(db) != NULL)
		return 0;
	for (size_t i = 0; i < KEPT_CONNECTIONS; i++)
		if (kept[i].db == NULL) {
			kept[i].db = db;
			return 0;
		}
	return -1;
}

void kept_stop(sqlite3 *db)
{
	struct kept_connection *connection = kept_for(db);

	if (connection == NULL)
		return;
	for (size_t i = 0; i < connection->count; i++)
		sqlite3_finalize(connection->items[i].statement);
	free(connection->items);
	memset(connection, 0, sizeof *connection);
}

size_t kept_count(sqlite3 *db)
{
	struct kept_connection *connection = kept_for(db);

	return connection ? connection->count : 0;
}

int kept_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement)
{
	struct kept_connection *connection = kept_for(db);
	int rc;

	for (size_t i = 0; connection != NULL && i < connection->count; i++) {
		struct kept_statement *item = &connection->items[i];

		if (item->sql == sql && !item->taken) {
			item->taken = true;
			*statement = item->statement;
			return SQLITE_OK;
		}
	}
	rc = sqlite3_prepare_v2(db, sql, -1, statement, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(*statement);
		*statement = NULL;
		return rc;
	}
	if (connection != NULL) {
		connection->items = xgrow(connection->items,
					  &connection->capacity,
					  connection->count + 1,
					  sizeof *connection->items);
		connection->items[connection->count++] =
			(struct kept_statement){sql, *statement, true};
	}
	return SQLITE_OK;
}

void kept_release(sqlite3 *db, sqlite3_stmt *statement)
{
	struct kept_connection *connection = kept_for(db);

	if (statement == NULL)
		return;
	for (size_t i = 0; connection != NULL && i < connection->count; i++) {
		struct kept_statement *item = &connection->items[i];

		if (item->statement == statement) {
			sqlite3_reset(statement);
			sqlite3_clear_bindings(statement);
			item->taken = false;
			return;
		}
	}
	sqlite3_finalize(statement);
}
