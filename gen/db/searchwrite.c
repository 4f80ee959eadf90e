/*
 * searchwrite.c — the search tables' schema and their writer: rows
 * queued and written in rowid order, each at the rowid its identity
 * gives it (ordered linear probing, so rowids depend only on the set of
 * rows), and removals that close their gaps as a clean build would.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/search.h"
#include "db/champions.h"
#include "db/fts5.h"
#include "db/readings.h"
#include "db/rowmap.h"
#include "db/tokenizer.h"
#include "base/util.h"

static const char schema_sql[] =
	"CREATE VIRTUAL TABLE search USING fts5("
	"title, heading, tags, body, "
	"url UNINDEXED, anchor UNINDEXED, kind UNINDEXED, "
	"tokenize = 'kb', prefix = '3');"
	"INSERT INTO search(search, rank) "
	"VALUES('rank', 'bm25(" SEARCH_BM25_WEIGHTS ")');"
	"CREATE TABLE search_rows("
	"url TEXT NOT NULL, id INTEGER NOT NULL, "
	"PRIMARY KEY(url, id)) WITHOUT ROWID;"
	"CREATE TABLE articles("
	"url TEXT PRIMARY KEY NOT NULL, "
	"title TEXT NOT NULL, "
	"section TEXT, "
	"description TEXT, "
	"updated TEXT) WITHOUT ROWID;"
	READINGS_SCHEMA_SQL
	CHAMPIONS_SCHEMA_SQL
	ROWMAP_SCHEMA_SQL;

int search_schema_create(sqlite3 *db)
{
	int rc = search_register(db);

	if (rc != SEARCH_OK)
		return rc;
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

/* The identity hash: FNV-1a over url, a NUL, then "#anchor" when there is
 * an anchor, finished with splitmix64's mixer so that every bit depends on
 * every byte. */
static uint64_t identity_hash(const char *url, const char *anchor)
{
	uint64_t hash = 0xCBF29CE484222325u;
	const unsigned char *c;

	for (c = (const unsigned char *)url; *c; c++)
		hash = (hash ^ *c) * 0x100000001B3u;
	hash = (hash ^ 0) * 0x100000001B3u;
	if (anchor != NULL) {
		hash = (hash ^ '#') * 0x100000001B3u;
		for (c = (const unsigned char *)anchor; *c; c++)
			hash = (hash ^ *c) * 0x100000001B3u;
	}
	hash ^= hash >> 30;
	hash *= 0xBF58476D1CE4E5B9u;
	hash ^= hash >> 27;
	hash *= 0x94D049BB133111EBu;
	hash ^= hash >> 31;
	return hash;
}

/* Homes spread over ROWID_SPAN rowids from the kind's base. Sparse rowids
 * cost index space: every entry of a term's doclist stores the distance
 * to the previous rowid as a varint, about log128(span / rows) bytes more
 * than dense numbering. 2^22 keeps that near one byte for a large site,
 * and collisions cheap up to millions of rows; clusters grow past the
 * span into the free rowids before the next kind's base, which no
 * cluster can reach. */
#define ROWID_SPAN ((sqlite3_int64)1 << 22)

/* search_testing_set_rowid_span's span; 0 for ROWID_SPAN. */
static uint64_t testing_span;

void search_testing_set_rowid_span(sqlite3_int64 span)
{
	testing_span = span > 0 && span < ROWID_SPAN ? (uint64_t)span : 0;
}

static sqlite3_int64 home_rowid(const char *url, const char *anchor,
				bool node)
{
	sqlite3_int64 base = node ? SEARCH_NODE_ROWID_BASE : 1;
	uint64_t span = testing_span ? testing_span : (uint64_t)ROWID_SPAN;

	return base + (sqlite3_int64)(identity_hash(url, anchor) % span);
}

static bool valid_kind(const char *kind, bool *node)
{
	*node = kind != NULL && strcmp(kind, "node") == 0;
	return *node || (kind != NULL && strcmp(kind, "article") == 0);
}

sqlite3_int64 search_home_rowid(const char *url, const char *anchor,
				const char *kind)
{
	bool node;

	if (url == NULL || !valid_kind(kind, &node))
		return 0;
	return home_rowid(url, anchor, node);
}

/* Rows sharing a cluster of consecutive rowids are kept in this order:
 * home rowid, then url, then anchor (NULL first). */
static int compare_identity(sqlite3_int64 home, const char *url,
			    const char *anchor, sqlite3_int64 other_home,
			    const char *other_url, const char *other_anchor)
{
	int order;

	if (home != other_home)
		return home < other_home ? -1 : 1;
	order = strcmp(url, other_url);
	if (order != 0)
		return order;
	if (anchor == NULL || other_anchor == NULL)
		return (anchor != NULL) - (other_anchor != NULL);
	return strcmp(anchor, other_anchor);
}

/* A row waiting in the writer's queue: its seven texts (NULL allowed)
 * copied into one allocation. */
struct queued_row {
	sqlite3_int64 home;
	char *texts[7]; /* title, heading, tags, body, url, anchor, kind */
	char *storage;
};

enum writer_statement {
	STATEMENT_OCCUPANT,
	STATEMENT_INSERT,
	STATEMENT_MOVE,
	STATEMENT_DELETE,
	STATEMENT_TEXTS,
	STATEMENT_SIDE_INSERT,
	STATEMENT_SIDE_MOVE,
	STATEMENT_SIDE_DELETE,
	STATEMENT_FIRST_OF_URL,
	STATEMENT_FIRST_OF_PREFIX,
	STATEMENT_ARTICLE_INSERT,
	STATEMENT_ARTICLE_DELETE,
	STATEMENT_COUNT
};

static const char *const writer_sql[STATEMENT_COUNT] = {
	[STATEMENT_OCCUPANT] =
		"SELECT url, anchor FROM search WHERE rowid = ?1",
	[STATEMENT_INSERT] =
		"INSERT INTO search(title, heading, tags, body, url, anchor, "
		"kind, rowid) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[STATEMENT_MOVE] = "UPDATE search SET rowid = ?2 WHERE rowid = ?1",
	[STATEMENT_DELETE] = "DELETE FROM search WHERE rowid = ?1",
	[STATEMENT_TEXTS] = "SELECT title, heading, tags, body, url, anchor "
			    "FROM search WHERE rowid = ?1",
	[STATEMENT_SIDE_INSERT] =
		"INSERT INTO search_rows(url, id) VALUES(?1, ?2)",
	[STATEMENT_SIDE_MOVE] =
		"UPDATE search_rows SET id = ?2 WHERE url = ?3 AND id = ?1",
	[STATEMENT_SIDE_DELETE] =
		"DELETE FROM search_rows WHERE url = ?2 AND id = ?1",
	[STATEMENT_FIRST_OF_URL] =
		"SELECT url, id FROM search_rows "
		"WHERE url = ?1 AND id >= ?2 AND id < ?3 LIMIT 1",
	/* ?4 is the first text after every url starting with ?1, or a blob
	 * when there is none (every text sorts before every blob) */
	[STATEMENT_FIRST_OF_PREFIX] =
		"SELECT url, id FROM search_rows "
		"WHERE url >= ?1 AND url < ?4 AND id >= ?2 AND id < ?3 LIMIT 1",
	[STATEMENT_ARTICLE_INSERT] =
		"INSERT INTO articles(url, title, section, description, "
		"updated) VALUES(?1, ?2, ?3, ?4, ?5)",
	[STATEMENT_ARTICLE_DELETE] = "DELETE FROM articles WHERE url = ?1",
};

struct search_writer {
	sqlite3 *db;
	sqlite3_stmt *statements[STATEMENT_COUNT];
	struct queued_row *queue;
	size_t queued, capacity;
	size_t queued_bytes;
	size_t limit;	/* queued_bytes that make a flush */
	/* search_writer_expect's count, and what came since it was set */
	size_t expected, articles_added, bytes_added;
	char *failed_row; /* "url#anchor" of the row a flush failed on */
	/* search_readings' changes from the rows added and removed */
	struct readings *readings;
	/* search_champions' changes, the same way */
	struct champions *champions;
	/* rows were placed or removed since search_rowmap was written */
	bool rows_changed;
	/* what the kb tokenizer shows of the texts FTS5 indexes (owned by
	 * the connection; NULL when it cannot be found) */
	struct kb_tokenizer_observer *observer;
	/* the row being inserted, as the observer sees it */
	struct {
		const char *texts[3];	/* title, heading, tags */
		size_t lengths[3];
		bool seen[3];
	} observed;
};

int search_writer_open(sqlite3 *db, struct search_writer **out)
{
	struct search_writer *writer = xcalloc(1, sizeof *writer);
	int i;

	*out = NULL;
	writer->db = db;
	writer->limit = SEARCH_WRITER_QUEUE_BYTES;
	writer->readings = readings_new();
	writer->champions = champions_new();
	writer->observer = kb_tokenizer_observer_of(kb_fts5_api(db));
	for (i = 0; i < STATEMENT_COUNT; i++) {
		if (sqlite3_prepare_v3(db, writer_sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT,
				       &writer->statements[i],
				       NULL) != SQLITE_OK) {
			search_writer_free(writer);
			return SEARCH_DATABASE;
		}
	}
	*out = writer;
	return SEARCH_OK;
}

static void queue_clear(struct search_writer *writer)
{
	size_t i;

	for (i = 0; i < writer->queued; i++)
		free(writer->queue[i].storage);
	writer->queued = 0;
	writer->queued_bytes = 0;
}

void search_writer_free(struct search_writer *writer)
{
	int i;

	if (writer == NULL)
		return;
	queue_clear(writer);
	free(writer->queue);
	free(writer->failed_row);
	readings_free(writer->readings);
	champions_free(writer->champions);
	for (i = 0; i < STATEMENT_COUNT; i++)
		sqlite3_finalize(writer->statements[i]);
	free(writer);
}

/* Binds text, or NULL for a NULL pointer; the text must outlive the
 * statement's step. */
static int bind_text(sqlite3_stmt *statement, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(statement, index);
	return sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
}

/* Steps a bound statement to completion and resets it (which also lets
 * go of its bound texts). */
static int step_done(sqlite3_stmt *statement)
{
	int step = sqlite3_step(statement);

	sqlite3_reset(statement);
	sqlite3_clear_bindings(statement);
	return step == SQLITE_DONE ? SEARCH_OK : SEARCH_DATABASE;
}

/* The row at rowid slot: 1 with *url and *anchor (copies the caller
 * frees), 0 when the slot is free, -1 on error. */
static int read_occupant(struct search_writer *writer, sqlite3_int64 slot,
			 char **url, char **anchor)
{
	sqlite3_stmt *statement = writer->statements[STATEMENT_OCCUPANT];
	const unsigned char *text;
	int step, found = -1;

	*url = *anchor = NULL;
	if (sqlite3_bind_int64(statement, 1, slot) != SQLITE_OK)
		goto out;
	step = sqlite3_step(statement);
	if (step == SQLITE_DONE) {
		found = 0;
	} else if (step == SQLITE_ROW) {
		text = sqlite3_column_text(statement, 0);
		*url = xstrdup(text ? (const char *)text : "");
		text = sqlite3_column_text(statement, 1);
		*anchor = text ? xstrdup((const char *)text) : NULL;
		found = 1;
	}
out:
	sqlite3_reset(statement);
	return found;
}

/* Moves the row of url at rowid from to rowid to (which is free). */
static int move_row(struct search_writer *writer, const char *url,
		    sqlite3_int64 from, sqlite3_int64 to)
{
	sqlite3_stmt *move = writer->statements[STATEMENT_MOVE];
	sqlite3_stmt *side = writer->statements[STATEMENT_SIDE_MOVE];

	if (sqlite3_bind_int64(move, 1, from) != SQLITE_OK ||
	    sqlite3_bind_int64(move, 2, to) != SQLITE_OK ||
	    step_done(move) != SEARCH_OK ||
	    sqlite3_bind_int64(side, 1, from) != SQLITE_OK ||
	    sqlite3_bind_int64(side, 2, to) != SQLITE_OK ||
	    bind_text(side, 3, url) != SQLITE_OK ||
	    step_done(side) != SEARCH_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

/* The observer's text callback: FTS5 tokenizes the row's indexed
 * columns in order, skipping NULL ones; a text is taken for the first
 * column not yet seen that holds the same bytes. The body and texts no
 * column holds are not watched. */
static int observe_text(void *context, const char *text, size_t length)
{
	struct search_writer *writer = context;

	for (int i = 0; i < 3; i++) {
		if (writer->observed.seen[i] ||
		    writer->observed.texts[i] == NULL ||
		    writer->observed.lengths[i] != length ||
		    memcmp(writer->observed.texts[i], text, length) != 0)
			continue;
		writer->observed.seen[i] = true;
		champions_column(writer->champions, i);
		return 1;
	}
	return 0;
}

static int observe_token(void *context, const struct kb_token *token)
{
	struct search_writer *writer = context;

	return champions_token(writer->champions, token);
}

/* Inserts the row at rowid, counting its champions from the tokens FTS5
 * makes of it; a column the observer did not see (no observer, or FTS5
 * called the tokenizer otherwise than expected) is tokenized here. */
static int insert_at(struct search_writer *writer, char *const texts[7],
		     sqlite3_int64 rowid, sqlite3_int64 home)
{
	sqlite3_stmt *insert = writer->statements[STATEMENT_INSERT];
	sqlite3_stmt *side = writer->statements[STATEMENT_SIDE_INSERT];
	int i, rc;

	for (i = 0; i < 7; i++) {
		if (bind_text(insert, i + 1, texts[i]) != SQLITE_OK)
			return SEARCH_DATABASE;
	}
	if (sqlite3_bind_int64(insert, 8, rowid) != SQLITE_OK)
		return SEARCH_DATABASE;
	champions_begin(writer->champions, home, +1);
	for (i = 0; i < 3; i++) {
		writer->observed.texts[i] = texts[i];
		writer->observed.lengths[i] = texts[i] ? strlen(texts[i]) : 0;
		/* an empty text has no tokens: FTS5 need not show it */
		writer->observed.seen[i] = texts[i] == NULL || *texts[i] == '\0';
	}
	if (writer->observer != NULL)
		*writer->observer = (struct kb_tokenizer_observer){
			observe_text, observe_token, writer};
	rc = step_done(insert);
	if (writer->observer != NULL)
		*writer->observer = (struct kb_tokenizer_observer){0};
	if (rc != SEARCH_OK)
		return rc;
	for (i = 0; i < 3; i++)
		if (!writer->observed.seen[i])
			champions_text(writer->champions, i, texts[i]);
	champions_end(writer->champions);
	if (bind_text(side, 1, texts[4]) != SQLITE_OK ||
	    sqlite3_bind_int64(side, 2, rowid) != SQLITE_OK ||
	    step_done(side) != SEARCH_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

/*
 * Writes a row at its place in the ordered linear probing that makes
 * rowids history-independent: a row goes to its home rowid when that is
 * free; rows whose homes collide fill the following rowids, each cluster
 * of consecutive rowids sorted by (home, url, anchor). So the rowid of
 * every row is a function of the set of rows alone, not of the order
 * they came in (Blelloch and Golovin's history-independent hashing), and
 * ties in ranking, broken by rowid, come out the same in a clean build
 * and after any sequence of removals and additions. Walks the cluster
 * from the row's home to its first free rowid, shifting the rows that
 * sort after the new one up by one.
 */
static int place_row(struct search_writer *writer, const struct queued_row *row)
{
	const char *url = row->texts[4], *anchor = row->texts[5];
	bool node = row->home >= SEARCH_NODE_ROWID_BASE;
	sqlite3_int64 slot, place = 0, limit;
	char **urls = NULL;
	size_t count = 0, capacity = 0, i;
	int rc = SEARCH_OK;

	writer->rows_changed = true;
	limit = (node ? INT64_MAX : SEARCH_NODE_ROWID_BASE - 1);
	for (slot = row->home; rc == SEARCH_OK; slot++) {
		char *occupant_url, *occupant_anchor;
		int found, order;

		if (slot >= limit) {
			rc = SEARCH_DATABASE;
			break;
		}
		found = read_occupant(writer, slot, &occupant_url,
				      &occupant_anchor);
		if (found <= 0) {
			rc = found < 0 ? SEARCH_DATABASE : SEARCH_OK;
			break;
		}
		order = compare_identity(home_rowid(occupant_url,
						    occupant_anchor, node),
					 occupant_url, occupant_anchor,
					 row->home, url, anchor);
		free(occupant_anchor);
		if (order == 0)
			rc = SEARCH_DUPLICATE;
		if (order > 0 && place == 0)
			place = slot;
		if (place != 0) { /* remembered: it moves up by one */
			urls = xgrow(urls, &capacity, count + 1, sizeof *urls);
			urls[count++] = occupant_url;
		} else {
			free(occupant_url);
		}
	}
	if (place == 0)
		place = slot;
	/* slot is the cluster's first free rowid; shift from the top down */
	for (i = count; rc == SEARCH_OK && i > 0; i--)
		rc = move_row(writer, urls[i - 1], place + (sqlite3_int64)i - 1,
			      place + (sqlite3_int64)i);
	if (rc == SEARCH_OK)
		rc = insert_at(writer, row->texts, place, row->home);
	for (i = 0; i < count; i++)
		free(urls[i]);
	free(urls);
	return rc;
}

/* Takes the row at rowid slot out of the readings' and champions'
 * counts, from its text as stored (what counted it in). */
static int uncount_row(struct search_writer *writer, sqlite3_int64 slot)
{
	sqlite3_stmt *statement = writer->statements[STATEMENT_TEXTS];
	const char *texts[6];
	int step;

	if (sqlite3_bind_int64(statement, 1, slot) != SQLITE_OK)
		return SEARCH_DATABASE;
	step = sqlite3_step(statement);
	if (step == SQLITE_ROW) {
		for (int i = 0; i < 6; i++)
			texts[i] = (const char *)sqlite3_column_text(statement,
								     i);
		readings_count(writer->readings, texts, 4, -1);
		if (texts[4] != NULL)
			champions_count(writer->champions, texts,
					home_rowid(texts[4], texts[5],
						   slot >= SEARCH_NODE_ROWID_BASE),
					-1);
	}
	sqlite3_reset(statement);
	return step == SQLITE_ROW || step == SQLITE_DONE ? SEARCH_OK
							 : SEARCH_DATABASE;
}

/* Removes the row of url at rowid slot, then closes the gap as the
 * ordering requires: each following row of the cluster moves down into
 * the hole as long as its home is at or below the hole. */
static int remove_row(struct search_writer *writer, const char *url,
		      sqlite3_int64 slot)
{
	sqlite3_stmt *remove = writer->statements[STATEMENT_DELETE];
	sqlite3_stmt *side = writer->statements[STATEMENT_SIDE_DELETE];
	bool node = slot >= SEARCH_NODE_ROWID_BASE;
	sqlite3_int64 hole = slot;
	int rc = SEARCH_DATABASE;

	writer->rows_changed = true;
	if (uncount_row(writer, slot) != SEARCH_OK ||
	    sqlite3_bind_int64(remove, 1, slot) != SQLITE_OK ||
	    step_done(remove) != SEARCH_OK ||
	    sqlite3_bind_int64(side, 1, slot) != SQLITE_OK ||
	    bind_text(side, 2, url) != SQLITE_OK ||
	    step_done(side) != SEARCH_OK)
		return SEARCH_DATABASE;
	for (;;) {
		char *next_url, *next_anchor;
		int found = read_occupant(writer, hole + 1, &next_url,
					  &next_anchor);
		bool moves;

		if (found <= 0) {
			rc = found < 0 ? SEARCH_DATABASE : SEARCH_OK;
			break;
		}
		moves = home_rowid(next_url, next_anchor, node) <= hole;
		if (moves)
			rc = move_row(writer, next_url, hole + 1, hole);
		free(next_url);
		free(next_anchor);
		if (!moves)
			return SEARCH_OK;
		if (rc != SEARCH_OK)
			break;
		hole++;
	}
	return rc;
}

static int compare_queued(const void *left, const void *right)
{
	const struct queued_row *a = left, *b = right;

	return compare_identity(a->home, a->texts[4], a->texts[5], b->home,
				b->texts[4], b->texts[5]);
}

static int write_side_tables(struct search_writer *writer)
{
	if (readings_write(writer->readings, writer->db) != SQLITE_OK ||
	    champions_write(writer->champions, writer->db) != SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

/* Writes every queued row, not the side tables: their changes add up
 * (a row removed and added back cancels out), and a common token's
 * champion list, rewritten whole each time, is the larger cost at every
 * write, so they wait for search_writer_flush, or until this many
 * champion changes are held. */
#define SIDE_CHANGES_HELD (1u << 20)

static int flush_rows(struct search_writer *writer)
{
	size_t i;
	int rc = SEARCH_OK;

	if (writer->queued == 0)
		return SEARCH_OK;
	/* in rowid order: FTS5 starts a new segment whenever a rowid is
	 * lower than the one written before it */
	qsort(writer->queue, writer->queued, sizeof *writer->queue,
	      compare_queued);
	for (i = 0; rc == SEARCH_OK && i < writer->queued; i++)
		rc = place_row(writer, &writer->queue[i]);
	if (rc != SEARCH_OK) {
		const struct queued_row *row = &writer->queue[i - 1];

		free(writer->failed_row);
		writer->failed_row = xasprintf("%s%s%s", row->texts[4],
					       row->texts[5] ? "#" : "",
					       row->texts[5] ? row->texts[5] : "");
	}
	queue_clear(writer);
	if (rc == SEARCH_OK &&
	    champions_pending(writer->champions) >= SIDE_CHANGES_HELD)
		rc = write_side_tables(writer);
	return rc;
}

int search_writer_flush(struct search_writer *writer)
{
	int rc = flush_rows(writer);

	if (rc == SEARCH_OK)
		rc = write_side_tables(writer);
	/* once per flush, not per queue written: the whole map is
	 * written again each time */
	if (rc == SEARCH_OK && writer->rows_changed) {
		if (rowmap_write(writer->db) != SQLITE_OK)
			rc = SEARCH_DATABASE;
		else
			writer->rows_changed = false;
	}
	return rc;
}

const char *search_writer_failed_row(const struct search_writer *writer)
{
	return writer->failed_row;
}

int search_writer_add_row(struct search_writer *writer,
			  const struct search_row *row)
{
	const char *texts[7] = {row->title, row->heading, row->tags, row->body,
				row->url,   row->anchor,  row->kind};
	size_t lengths[7], total = 0, i;
	struct queued_row *queued;
	bool node;
	char *at;

	if (row->url == NULL || row->title == NULL ||
	    !valid_kind(row->kind, &node))
		return SEARCH_BAD_ROW;
	readings_count(writer->readings, texts, 4, +1);
	for (i = 0; i < 7; i++) {
		lengths[i] = texts[i] ? strlen(texts[i]) + 1 : 0;
		total += lengths[i];
	}
	writer->queue = xgrow(writer->queue, &writer->capacity,
			      writer->queued + 1, sizeof *writer->queue);
	queued = &writer->queue[writer->queued++];
	queued->home = home_rowid(row->url, row->anchor, node);
	queued->storage = at = xmalloc(total);
	for (i = 0; i < 7; i++) {
		queued->texts[i] = texts[i] ? at : NULL;
		if (texts[i] != NULL)
			memcpy(at, texts[i], lengths[i]);
		at += lengths[i];
	}
	writer->queued_bytes += total;
	writer->bytes_added += total;
	if (writer->queued_bytes >= writer->limit)
		return flush_rows(writer);
	return SEARCH_OK;
}

/* The queue limit once `left` of the expected articles are still to
 * come: half the text they should bring. */
static void update_limit(struct search_writer *writer)
{
	size_t left, average, limit;

	if (writer->expected == 0 || writer->articles_added == 0)
		return;
	left = writer->expected > writer->articles_added
		       ? writer->expected - writer->articles_added
		       : 0;
	average = writer->bytes_added / writer->articles_added;
	limit = left > SEARCH_WRITER_QUEUE_BYTES / 2 / (average + 1)
			? SEARCH_WRITER_QUEUE_BYTES
			: left * average / 2;
	if (limit < SEARCH_WRITER_LAST_QUEUE_BYTES)
		limit = SEARCH_WRITER_LAST_QUEUE_BYTES;
	writer->limit = limit;
}

void search_writer_expect(struct search_writer *writer, size_t articles)
{
	writer->expected = articles;
	writer->articles_added = 0;
	writer->bytes_added = 0;
	writer->limit = SEARCH_WRITER_QUEUE_BYTES;
}

int search_writer_add_article(struct search_writer *writer,
			      const struct search_article *article)
{
	sqlite3_stmt *insert = writer->statements[STATEMENT_ARTICLE_INSERT];

	if (article->url == NULL || article->title == NULL)
		return SEARCH_BAD_ROW;
	writer->articles_added++;
	update_limit(writer);
	if (bind_text(insert, 1, article->url) != SQLITE_OK ||
	    bind_text(insert, 2, article->title) != SQLITE_OK ||
	    bind_text(insert, 3, article->section) != SQLITE_OK ||
	    bind_text(insert, 4, article->description) != SQLITE_OK ||
	    bind_text(insert, 5, article->updated) != SQLITE_OK)
		return SEARCH_DATABASE;
	return step_done(insert);
}

/* Removes, one by one, the rows the bound statement (url, id) finds
 * first, until it finds none: each removal may move other rows, so the
 * next is looked up afresh. */
static int remove_each(struct search_writer *writer, sqlite3_stmt *first)
{
	int rc = SEARCH_OK;

	while (rc == SEARCH_OK) {
		int step = sqlite3_step(first);
		char *url;
		sqlite3_int64 id;

		if (step != SQLITE_ROW) {
			rc = step == SQLITE_DONE ? SEARCH_OK : SEARCH_DATABASE;
			break;
		}
		url = xstrdup((const char *)sqlite3_column_text(first, 0));
		id = sqlite3_column_int64(first, 1);
		sqlite3_reset(first);
		rc = remove_row(writer, url, id);
		free(url);
	}
	sqlite3_reset(first);
	sqlite3_clear_bindings(first);
	return rc;
}

static int bind_kind_range(sqlite3_stmt *statement, const char *kind)
{
	bool node;

	if (!valid_kind(kind, &node))
		return SEARCH_BAD_ROW;
	if (sqlite3_bind_int64(statement, 2,
			       node ? SEARCH_NODE_ROWID_BASE : 1) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(statement, 3,
			       node ? INT64_MAX : SEARCH_NODE_ROWID_BASE) !=
		    SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

int search_writer_remove(struct search_writer *writer, const char *url,
			 const char *kind)
{
	sqlite3_stmt *first = writer->statements[STATEMENT_FIRST_OF_URL];
	int rc = flush_rows(writer);

	if (rc == SEARCH_OK)
		rc = bind_kind_range(first, kind);
	if (rc == SEARCH_OK && bind_text(first, 1, url) != SQLITE_OK)
		rc = SEARCH_DATABASE;
	if (rc == SEARCH_OK)
		rc = remove_each(writer, first);
	sqlite3_reset(first);
	sqlite3_clear_bindings(first);
	return rc;
}

/* Binds as ?4 the smallest text greater than every text that starts with
 * prefix: the prefix with trailing 0xFF bytes dropped and its last byte
 * incremented; a blob when nothing is left. */
static int bind_prefix_end(sqlite3_stmt *statement, const char *prefix,
			   char **end)
{
	size_t length = strlen(prefix);

	while (length > 0 && (unsigned char)prefix[length - 1] == 0xFF)
		length--;
	if (length == 0)
		return sqlite3_bind_blob(statement, 4, "", 0, SQLITE_STATIC);
	*end = xstrndup(prefix, length);
	(*end)[length - 1] = (char)((unsigned char)(*end)[length - 1] + 1);
	return sqlite3_bind_text(statement, 4, *end, (int)length,
				 SQLITE_STATIC);
}

int search_writer_remove_prefix(struct search_writer *writer,
				const char *prefix, const char *kind)
{
	sqlite3_stmt *first = writer->statements[STATEMENT_FIRST_OF_PREFIX];
	char *end = NULL;
	int rc = flush_rows(writer);

	if (rc == SEARCH_OK)
		rc = bind_kind_range(first, kind);
	if (rc == SEARCH_OK &&
	    (bind_text(first, 1, prefix) != SQLITE_OK ||
	     bind_prefix_end(first, prefix, &end) != SQLITE_OK))
		rc = SEARCH_DATABASE;
	if (rc == SEARCH_OK)
		rc = remove_each(writer, first);
	sqlite3_reset(first);
	sqlite3_clear_bindings(first);
	free(end);
	return rc;
}

int search_writer_remove_article(struct search_writer *writer,
				 const char *url)
{
	sqlite3_stmt *remove = writer->statements[STATEMENT_ARTICLE_DELETE];

	if (bind_text(remove, 1, url) != SQLITE_OK)
		return SEARCH_DATABASE;
	return step_done(remove);
}

int search_add_row(sqlite3 *db, const struct search_row *row)
{
	struct search_writer *writer;
	int rc = search_writer_open(db, &writer);

	if (rc == SEARCH_OK)
		rc = search_writer_add_row(writer, row);
	if (rc == SEARCH_OK)
		rc = search_writer_flush(writer);
	search_writer_free(writer);
	return rc;
}

int search_add_article(sqlite3 *db, const struct search_article *article)
{
	struct search_writer *writer;
	int rc = search_writer_open(db, &writer);

	if (rc == SEARCH_OK)
		rc = search_writer_add_article(writer, article);
	search_writer_free(writer);
	return rc;
}
