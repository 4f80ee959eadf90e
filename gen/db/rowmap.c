/*
 * rowmap.c — the map from search rows to their results (rowmap.h).
 */
#include "db/rowmap.h"

#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/kept.h"

static const char rows_sql[] = "SELECT url, id FROM search_rows";
static const char store_sql[] =
	"INSERT OR REPLACE INTO search_rowmap(id, groups, entries) "
	"VALUES(1, ?1, ?2)";
static const char load_sql[] =
	"SELECT groups, entries FROM search_rowmap WHERE id = 1";

struct pair {
	sqlite3_int64 rowid;
	uint32_t group;
};

static int compare_pairs(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static void put_entry(unsigned char *at, const struct pair *pair)
{
	uint64_t rowid = htobe64((uint64_t)pair->rowid);
	uint32_t group = htobe32(pair->group);

	memcpy(at, &rowid, 8);
	memcpy(at + 8, &group, 4);
}

static sqlite3_int64 entry_rowid(const unsigned char *entries, size_t i)
{
	uint64_t rowid;

	memcpy(&rowid, entries + i * ROWMAP_ENTRY_BYTES, 8);
	return (sqlite3_int64)be64toh(rowid);
}

static uint32_t entry_group(const unsigned char *entries, size_t i)
{
	uint32_t group;

	memcpy(&group, entries + i * ROWMAP_ENTRY_BYTES + 8, 4);
	return be32toh(group);
}

int rowmap_write(sqlite3 *db)
{
	sqlite3_stmt *rows = NULL, *store = NULL;
	struct pair *pairs = NULL;
	size_t count = 0, capacity = 0;
	unsigned char *entries = NULL;
	char *last = NULL;
	uint32_t group = 0;
	int rc = sqlite3_prepare_v2(db, rows_sql, -1, &rows, NULL);

	if (rc != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
		const char *url = (const char *)sqlite3_column_text(rows, 0);

		if (url == NULL)
			url = "";
		if (last != NULL && strcmp(last, url) != 0)
			group++;
		if (last == NULL || strcmp(last, url) != 0) {
			free(last);
			last = xstrdup(url);
		}
		pairs = xgrow(pairs, &capacity, count + 1, sizeof *pairs);
		pairs[count++] = (struct pair){sqlite3_column_int64(rows, 1),
					       group};
	}
	if (rc != SQLITE_DONE)
		goto out;
	if (count > 0)
		qsort(pairs, count, sizeof *pairs, compare_pairs);
	entries = xcalloc(count + 1, ROWMAP_ENTRY_BYTES);
	for (size_t i = 0; i < count; i++)
		put_entry(entries + i * ROWMAP_ENTRY_BYTES, &pairs[i]);
	rc = sqlite3_prepare_v2(db, store_sql, -1, &store, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(store, 1,
					count > 0 ? (sqlite3_int64)group + 1 : 0);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_blob64(store, 2, entries,
					 (sqlite3_uint64)count * ROWMAP_ENTRY_BYTES,
					 SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(store) == SQLITE_DONE ? SQLITE_OK
							 : sqlite3_errcode(db);
out:
	if (rc == SQLITE_DONE)
		rc = SQLITE_OK;
	sqlite3_finalize(rows);
	sqlite3_finalize(store);
	free(entries);
	free(pairs);
	free(last);
	return rc;
}

int rowmap_read(sqlite3 *db, struct rowmap *map)
{
	int rc;

	memset(map, 0, sizeof *map);
	map->db = db;
	rc = kept_prepare(db, load_sql, &map->statement);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(map->statement);
		if (rc == SQLITE_ROW) {
			sqlite3_int64 groups =
				sqlite3_column_int64(map->statement, 0);

			map->entries = sqlite3_column_blob(map->statement, 1);
			map->count = (size_t)sqlite3_column_bytes(
					     map->statement, 1) /
				     ROWMAP_ENTRY_BYTES;
			/* every group has a row: a count past the rows is
			 * a damaged file, and no array is sized from it */
			rc = groups >= 0 && (size_t)groups <= map->count &&
					     groups < ROWMAP_NONE
				     ? SQLITE_OK : SQLITE_CORRUPT;
			map->groups = (uint32_t)groups;
			if (map->entries == NULL)
				map->count = 0;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	if (rc != SQLITE_OK)
		rowmap_free(map);
	return rc;
}

uint32_t rowmap_group(const struct rowmap *map, sqlite3_int64 rowid,
		      size_t *from)
{
	size_t low = from ? *from : 0, step = 1, high;

	if (low >= map->count)
		return ROWMAP_NONE;
	/* gallop from where the last search ended, then halve */
	high = low;
	while (high < map->count && entry_rowid(map->entries, high) < rowid) {
		low = high + 1;
		high += step;
		step *= 2;
	}
	if (high > map->count)
		high = map->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (entry_rowid(map->entries, middle) < rowid)
			low = middle + 1;
		else
			high = middle;
	}
	if (from != NULL)
		*from = low;
	if (low < map->count && entry_rowid(map->entries, low) == rowid) {
		uint32_t group = entry_group(map->entries, low);

		/* a damaged kb.db must not send a caller past its arrays */
		return group < map->groups ? group : ROWMAP_NONE;
	}
	return ROWMAP_NONE;
}

void rowmap_free(struct rowmap *map)
{
	kept_release(map->db, map->statement);
	memset(map, 0, sizeof *map);
}
