/*
 * search.c — the search index schema, its writers, the query builder and
 * the query runner with its snippet function.
 */
#include "db/search.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "db/fts5.h"
#include "db/tokenizer.h"
#include "base/util.h"

enum search_column { COLUMN_TITLE, COLUMN_HEADING, COLUMN_TAGS, COLUMN_BODY };

/* Marks placed by kb_snippet around matched text; any such bytes in the
 * text itself become spaces as the snippet is copied. */
#define MARK_OPEN '\x02'
#define MARK_CLOSE '\x03'

static const char schema_sql[] =
	"CREATE VIRTUAL TABLE search USING fts5("
	"title, heading, tags, body, "
	"url UNINDEXED, anchor UNINDEXED, kind UNINDEXED, "
	"tokenize = 'kb');"
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
	"updated TEXT) WITHOUT ROWID;";

static const char count_sql[] =
	"SELECT count(*) FROM search WHERE search MATCH ?1";

/* Ranks on what the index alone holds (bm25, rowid: a node is told by its
 * rowid range), then reads columns
 * and makes snippets for the page of rows it keeps only: evaluating them
 * for every match before sorting made 2-character queries 4 times slower
 * on 45,000 rows. */
static const char results_sql[] =
	"WITH page(id, score) AS ("
	"SELECT rowid, bm25(search, " SEARCH_BM25_WEIGHTS ") * "
	"CASE WHEN rowid >= " SEARCH_NODE_ROWID_BASE_SQL " THEN " SEARCH_NODE_WEIGHT
	" ELSE 1.0 END AS score "
	"FROM search WHERE search MATCH ?1 "
	"ORDER BY score, rowid LIMIT ?2 OFFSET ?3) "
	"SELECT search.url, search.anchor, search.title, search.heading, "
	"kb_snippet(search, ?4, ?5), page.score "
	"FROM page JOIN search ON search.rowid = page.id "
	"WHERE search MATCH ?1 "
	"ORDER BY page.score, page.id";

const char *search_strerror(int code)
{
	switch (code) {
	case SEARCH_OK:
		return "success";
	case SEARCH_TOO_LONG:
		return "query too long";
	case SEARCH_BAD_ROW:
		return "search row without url, title or kind";
	case SEARCH_NO_FTS5:
		return "SQLite has no FTS5";
	case SEARCH_DATABASE:
		return "database error";
	case SEARCH_DUPLICATE:
		return "a search row with this url and anchor exists already";
	case SEARCH_TOO_BROAD:
		return "the search is too broad: narrow it down";
	default:
		return "unknown search error";
	}
}

/* --- kb_snippet: an FTS5 auxiliary function ----------------------------- */

struct byte_range {
	size_t start, end;
};

struct ranges {
	struct byte_range *items;
	size_t count, capacity;
};

static void ranges_add(struct ranges *ranges, size_t start, size_t end)
{
	ranges->items = xgrow(ranges->items, &ranges->capacity,
			      ranges->count + 1, sizeof *ranges->items);
	ranges->items[ranges->count].start = start;
	ranges->items[ranges->count].end = end;
	ranges->count++;
}

static int compare_ranges(const void *left, const void *right)
{
	const struct byte_range *a = left, *b = right;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

/* Sorts the ranges and merges those that overlap or touch, so that
 * overlapping bigrams (迷惑, 惑メ) give one marked run. */
static void ranges_merge(struct ranges *ranges)
{
	size_t kept = 0, i;

	if (ranges->count == 0)
		return;
	qsort(ranges->items, ranges->count, sizeof *ranges->items,
	      compare_ranges);
	for (i = 1; i < ranges->count; i++) {
		struct byte_range *last = &ranges->items[kept];

		if (ranges->items[i].start <= last->end) {
			if (ranges->items[i].end > last->end)
				last->end = ranges->items[i].end;
		} else {
			ranges->items[++kept] = ranges->items[i];
		}
	}
	ranges->count = kept + 1;
}

/* One token position of a column as the index saw it (document mode):
 * the token's range and text, and for the last bigram of a run the
 * colocated last character. */
struct position {
	size_t start, end;
	size_t text, length; /* the normalised token, in positions.texts */
	unsigned flags;
	bool has_last;       /* a colocated last character follows */
	size_t last_start, last_end, last_text, last_length;
};

struct positions {
	struct position *items;
	size_t count, capacity;
	struct buf texts;
};

static int collect_position(void *context, const struct kb_token *token)
{
	struct positions *positions = context;
	size_t text = positions->texts.length;
	struct position *position;

	buf_add(&positions->texts, token->text, token->length);
	if (token->flags & KB_TOKEN_COLOCATED) {
		if (positions->count > 0) {
			position = &positions->items[positions->count - 1];
			position->has_last = true;
			position->last_start = token->start;
			position->last_end = token->end;
			position->last_text = text;
			position->last_length = token->length;
		}
		return 0;
	}
	positions->items = xgrow(positions->items, &positions->capacity,
				 positions->count + 1, sizeof *positions->items);
	position = &positions->items[positions->count++];
	memset(position, 0, sizeof *position);
	position->start = token->start;
	position->end = token->end;
	position->text = text;
	position->length = token->length;
	position->flags = token->flags;
	return 0;
}

static bool text_starts_with(const struct positions *positions, size_t text,
			     size_t length, const char *prefix,
			     size_t prefix_length)
{
	return prefix_length <= length &&
	       memcmp(positions->texts.data + text, prefix, prefix_length) == 0;
}

/* Adds the characters a one-character prefix term matched at position
 * index: the first character of the bigram there when it starts with
 * the term, and the run's colocated last character when it is the term. */
static void add_single(const struct positions *positions, size_t index,
		       const char *single, size_t length, struct ranges *out)
{
	const struct position *at = &positions->items[index];
	size_t second;

	if (at->flags & KB_TOKEN_SINGLE) {
		ranges_add(out, at->start, at->end);
		return;
	}
	if (text_starts_with(positions, at->text, at->length, single, length)) {
		second = at->has_last ? at->last_start
		       : index + 1 < positions->count
			       ? positions->items[index + 1].start
			       : at->end;
		ranges_add(out, at->start, second > at->start ? second : at->end);
	}
	if (at->has_last && at->last_length == length &&
	    text_starts_with(positions, at->last_text, at->last_length, single,
			     length))
		ranges_add(out, at->last_start, at->last_end);
}

/* The phrases' one-character prefix terms: `singles` holds one entry per
 * phrase, separated by US (0x1F), each empty or the character. */
static void single_of_phrase(const char *singles, int phrase,
			     const char **text, size_t *length)
{
	const char *end;

	*text = NULL;
	*length = 0;
	for (; singles != NULL && phrase > 0; phrase--) {
		singles = strchr(singles, '\x1F');
		if (singles != NULL)
			singles++;
	}
	if (singles == NULL)
		return;
	end = strchr(singles, '\x1F');
	*text = singles;
	*length = end ? (size_t)(end - singles) : strlen(singles);
}

/* Adds the byte range matched by one phrase instance covering positions
 * first..last. */
static void add_instance(const struct positions *positions, size_t first,
			 size_t last, const char *single, size_t single_length,
			 struct ranges *out)
{
	if (single_length == 0) {
		ranges_add(out, positions->items[first].start,
			   positions->items[last].end);
		return;
	}
	if (last > first)
		ranges_add(out, positions->items[first].start,
			   positions->items[last - 1].end);
	add_single(positions, last, single, single_length, out);
}

/* The byte ranges of the current row's phrase matches in column. */
static int match_ranges(const Fts5ExtensionApi *api, Fts5Context *fts,
			int column, const char *text, int length,
			const char *singles, struct ranges *out)
{
	struct positions positions = {0};
	int count = 0, i, rc;

	kb_tokenize(text, (size_t)length, KB_TOKENIZE_DOCUMENT,
		    collect_position, &positions);
	rc = api->xInstCount(fts, &count);
	for (i = 0; rc == SQLITE_OK && i < count; i++) {
		int phrase, instance_column, offset, last;
		const char *single;
		size_t single_length;

		rc = api->xInst(fts, i, &phrase, &instance_column, &offset);
		if (rc != SQLITE_OK || instance_column != column)
			continue;
		last = offset + api->xPhraseSize(fts, phrase) - 1;
		if (offset < 0 || last < offset ||
		    (size_t)last >= positions.count)
			continue;
		single_of_phrase(singles, phrase, &single, &single_length);
		add_instance(&positions, (size_t)offset, (size_t)last, single,
			     single_length, out);
	}
	ranges_merge(out);
	free(positions.items);
	buf_free(&positions.texts);
	return rc;
}

/* The body when it has text (a title-only match still shows where the
 * section begins), else the first column that matched. */
static int snippet_column(const Fts5ExtensionApi *api, Fts5Context *fts,
			  int *column)
{
	const char *text;
	int length = 0, count = 0, phrase, offset, rc;

	rc = api->xColumnText(fts, COLUMN_BODY, &text, &length);
	*column = COLUMN_BODY;
	if (rc != SQLITE_OK || length > 0)
		return rc;
	*column = COLUMN_TITLE;
	rc = api->xInstCount(fts, &count);
	if (rc == SQLITE_OK && count > 0)
		rc = api->xInst(fts, 0, &phrase, column, &offset);
	return rc;
}

static bool is_continuation(char byte)
{
	return ((unsigned char)byte & 0xC0) == 0x80;
}

static size_t skip_forward(const char *text, size_t length, size_t at,
			   size_t characters)
{
	for (; at < length && characters > 0; characters--) {
		at++;
		while (at < length && is_continuation(text[at]))
			at++;
	}
	return at;
}

static size_t skip_back(const char *text, size_t at, size_t characters)
{
	for (; at > 0 && characters > 0; characters--) {
		at--;
		while (at > 0 && is_continuation(text[at]))
			at--;
	}
	return at;
}

static size_t ranges_inside(const struct ranges *ranges, size_t start,
			    size_t end)
{
	size_t inside = 0, i;

	for (i = 0; i < ranges->count; i++)
		inside += ranges->items[i].start >= start &&
			  ranges->items[i].end <= end;
	return inside;
}

/* The window of `width` characters holding the most matches, each
 * candidate starting a quarter of the width before a match; the earliest
 * wins a tie. */
static struct byte_range choose_window(const char *text, size_t length,
				       const struct ranges *ranges,
				       size_t width)
{
	struct byte_range best = {0, skip_forward(text, length, 0, width)};
	size_t best_count = ranges_inside(ranges, best.start, best.end);
	size_t i;

	for (i = 0; i < ranges->count; i++) {
		struct byte_range window;
		size_t inside;

		window.start = skip_back(text, ranges->items[i].start,
					 width / 4);
		window.end = skip_forward(text, length, window.start, width);
		inside = ranges_inside(ranges, window.start, window.end);
		if (inside > best_count) {
			best = window;
			best_count = inside;
		}
	}
	return best;
}

/* Copies text, turning control characters (our markers included) into
 * spaces so that the snippet is one line and the markers unambiguous. */
static void add_plain(struct buf *out, const char *text, size_t start,
		      size_t end)
{
	size_t i;

	for (i = start; i < end; i++) {
		unsigned char byte = (unsigned char)text[i];

		buf_addc(out, byte < 0x20 || byte == 0x7F ? ' ' : (char)byte);
	}
}

static void build_snippet(struct buf *out, const char *text, size_t length,
			  const struct ranges *ranges, size_t width)
{
	struct byte_range window = choose_window(text, length, ranges, width);
	size_t at = window.start, i;

	if (window.start > 0)
		buf_adds(out, "…");
	for (i = 0; i < ranges->count; i++) {
		size_t start = ranges->items[i].start;
		size_t end = ranges->items[i].end;

		if (end <= window.start || start >= window.end)
			continue;
		if (start < window.start)
			start = window.start;
		if (end > window.end)
			end = window.end;
		add_plain(out, text, at, start);
		buf_addc(out, MARK_OPEN);
		add_plain(out, text, start, end);
		buf_addc(out, MARK_CLOSE);
		at = end;
	}
	add_plain(out, text, at, window.end);
	if (window.end < length)
		buf_adds(out, "…");
}

/* kb_snippet(search [, characters [, singles]]): see search.h; singles is
 * what search_run passes to mark one-character prefix terms exactly. */
static void kb_snippet(const Fts5ExtensionApi *api, Fts5Context *fts,
		       sqlite3_context *context, int argument_count,
		       sqlite3_value **arguments)
{
	struct ranges ranges = {0};
	struct buf snippet = {0};
	const char *text = NULL, *singles = NULL;
	int column, length = 0, width = SEARCH_SNIPPET_CHARACTERS, rc;

	if (argument_count > 0)
		width = sqlite3_value_int(arguments[0]);
	if (argument_count > 1)
		singles = (const char *)sqlite3_value_text(arguments[1]);
	if (width < 8 || width > 4096)
		width = SEARCH_SNIPPET_CHARACTERS;
	rc = snippet_column(api, fts, &column);
	if (rc == SQLITE_OK)
		rc = api->xColumnText(fts, column, &text, &length);
	if (rc == SQLITE_OK && length > 0)
		rc = match_ranges(api, fts, column, text, length, singles,
				  &ranges);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(context, rc);
		goto out;
	}
	if (length > 0)
		build_snippet(&snippet, text, (size_t)length, &ranges,
			      (size_t)width);
	sqlite3_result_text(context, buf_cstr(&snippet), (int)snippet.length,
			    SQLITE_TRANSIENT);
out:
	free(ranges.items);
	buf_free(&snippet);
}

/* --- schema and writers ---------------------------------------------- */

int search_register(sqlite3 *db)
{
	fts5_api *api = kb_fts5_api(db);

	if (api == NULL)
		return SEARCH_NO_FTS5;
	if (kb_tokenizer_register_api(api) != SQLITE_OK)
		return SEARCH_DATABASE;
	if (api->xCreateFunction(api, "kb_snippet", NULL, kb_snippet, NULL) !=
	    SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

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
 * than dense numbering (a 62-bit span doubled kb.db at 10,000 articles).
 * 2^22 keeps that near one byte at 35,000 rows, and collisions cheap up
 * to millions of rows; clusters grow past the span into the free rowids
 * before the next kind's base, which no cluster can reach. */
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
};

int search_writer_open(sqlite3 *db, struct search_writer **out)
{
	struct search_writer *writer = xcalloc(1, sizeof *writer);
	int i;

	*out = NULL;
	writer->db = db;
	writer->limit = SEARCH_WRITER_QUEUE_BYTES;
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

static int insert_at(struct search_writer *writer, char *const texts[7],
		     sqlite3_int64 rowid)
{
	sqlite3_stmt *insert = writer->statements[STATEMENT_INSERT];
	sqlite3_stmt *side = writer->statements[STATEMENT_SIDE_INSERT];
	int i;

	for (i = 0; i < 7; i++) {
		if (bind_text(insert, i + 1, texts[i]) != SQLITE_OK)
			return SEARCH_DATABASE;
	}
	if (sqlite3_bind_int64(insert, 8, rowid) != SQLITE_OK ||
	    step_done(insert) != SEARCH_OK ||
	    bind_text(side, 1, texts[4]) != SQLITE_OK ||
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
		rc = insert_at(writer, row->texts, place);
	for (i = 0; i < count; i++)
		free(urls[i]);
	free(urls);
	return rc;
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

	if (sqlite3_bind_int64(remove, 1, slot) != SQLITE_OK ||
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

int search_writer_flush(struct search_writer *writer)
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
		return search_writer_flush(writer);
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
	int rc = search_writer_flush(writer);

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
	int rc = search_writer_flush(writer);

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

/* --- query building --------------------------------------------------- */

struct query_builder {
	struct buf query;
	/* per phrase, its one-character prefix term or nothing, separated
	 * by US (0x1F): what kb_snippet needs to mark such terms exactly */
	struct buf singles;
	size_t phrases;
	size_t prefixes;	/* phrases that end in '*' */
	size_t phrase_mark;	/* query and singles lengths before the */
	size_t singles_mark;	/* open phrase (and its separator) */
	char *kept[SEARCH_MAX_TERMS];	/* the phrases in the query */
	size_t kept_count;
	bool in_phrase;
	unsigned last_flags; /* of the last token added */
	size_t last_end;
};

static void add_quoted(struct buf *query, const char *text, size_t length)
{
	size_t i;

	for (i = 0; i < length; i++) {
		if (text[i] == '"')
			buf_addc(query, '"');
		buf_addc(query, text[i]);
	}
}

/* Ends the open phrase; a lone CJK character always becomes a prefix (it
 * is indexed inside bigrams), the last word only when `open_end` says
 * nothing followed it. */
static void close_phrase(struct query_builder *builder, bool open_end)
{
	const char *query, *phrase;
	size_t phrase_length;
	bool prefix = false, drop;

	if (!builder->in_phrase)
		return;
	buf_addc(&builder->query, '"');
	if (((builder->last_flags & KB_TOKEN_SINGLE) ||
	     (open_end && !(builder->last_flags & KB_TOKEN_CJK))) &&
	    builder->prefixes < SEARCH_MAX_PREFIX_TERMS) {
		buf_addc(&builder->query, '*');
		prefix = true;
	}
	builder->in_phrase = false;
	/* the phrase just closed, without the separator before it */
	query = buf_cstr(&builder->query);
	phrase = query + builder->phrase_mark + (builder->phrase_mark > 0);
	phrase_length = builder->query.length - (size_t)(phrase - query);
	drop = builder->phrases > SEARCH_MAX_TERMS;
	for (size_t i = 0; !drop && i < builder->kept_count; i++)
		drop = strlen(builder->kept[i]) == phrase_length &&
		       memcmp(builder->kept[i], phrase, phrase_length) == 0;
	if (!drop) {
		builder->prefixes += prefix;
		builder->kept[builder->kept_count++] =
			xstrndup(phrase, phrase_length);
		return;
	}
	builder->query.length = builder->phrase_mark;
	builder->query.data[builder->query.length] = '\0';
	builder->singles.length = builder->singles_mark;
	if (builder->singles.data != NULL)
		builder->singles.data[builder->singles.length] = '\0';
	builder->phrases--;
}

static void open_phrase(struct query_builder *builder)
{
	close_phrase(builder, false);
	builder->phrase_mark = builder->query.length;
	builder->singles_mark = builder->singles.length;
	if (builder->phrases++ > 0) {
		buf_addc(&builder->query, ' ');
		buf_addc(&builder->singles, '\x1F');
	}
	buf_addc(&builder->query, '"');
	builder->in_phrase = true;
}

/* A lone CJK character ends its phrase: as a prefix it can only be the
 * phrase's last term. */
static int add_query_token(void *context, const struct kb_token *token)
{
	struct query_builder *builder = context;

	if (builder->in_phrase && (token->flags & KB_TOKEN_JOINED) &&
	    !(builder->last_flags & KB_TOKEN_SINGLE))
		buf_addc(&builder->query, ' ');
	else
		open_phrase(builder);
	add_quoted(&builder->query, token->text, token->length);
	if (token->flags & KB_TOKEN_SINGLE)
		buf_add(&builder->singles, token->text, token->length);
	builder->last_flags = token->flags;
	builder->last_end = token->end;
	return 0;
}

/* search_build_query, also giving the phrases' one-character terms in
 * *singles (the caller frees; NULL when there is no query). */
static int build_query(const char *user_text, size_t length,
		       char **fts_query, char **singles)
{
	struct query_builder builder = {0};

	*fts_query = NULL;
	*singles = NULL;
	if (utf8_count(user_text, length) > SEARCH_QUERY_MAX_CHARACTERS)
		return SEARCH_TOO_LONG;
	kb_tokenize(user_text, length, KB_TOKENIZE_QUERY, add_query_token,
		    &builder);
	close_phrase(&builder, builder.last_end == length);
	if (builder.phrases > 0) {
		*fts_query = buf_detach(&builder.query);
		*singles = buf_detach(&builder.singles);
	}
	buf_free(&builder.query);
	buf_free(&builder.singles);
	for (size_t i = 0; i < builder.kept_count; i++)
		free(builder.kept[i]);
	return SEARCH_OK;
}

int search_build_query(const char *user_text, size_t length,
		       char **fts_query)
{
	char *singles = NULL;
	int rc = build_query(user_text, length, fts_query, &singles);

	free(singles);
	return rc;
}

/* --- running queries -------------------------------------------------- */

/* Prepares sql; when that fails because this connection lacks the kb
 * tokenizer or kb_snippet, registers them and tries once more. */
static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement)
{
	if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) == SQLITE_OK)
		return SEARCH_OK;
	if (search_register(db) != SEARCH_OK ||
	    sqlite3_prepare_v2(db, sql, -1, statement, NULL) != SQLITE_OK)
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

static int count_matches(sqlite3 *db, const char *query, size_t *total)
{
	sqlite3_stmt *statement = NULL;
	int rc = prepare(db, count_sql, &statement);

	if (rc != SEARCH_OK)
		goto out;
	rc = SEARCH_DATABASE;
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_ROW)
		goto out;
	*total = (size_t)sqlite3_column_int64(statement, 0);
	rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

/* The snippet as HTML: text escaped, markers turned into <mark> tags, and
 * bytes that are not UTF-8 replaced by U+FFFD. The caller frees. */
static char *snippet_to_html(const char *raw, size_t length)
{
	struct buf html = {0};
	size_t at = 0;

	while (at < length) {
		utf8proc_int32_t code_point;
		size_t rest = length - at;
		utf8proc_ssize_t size = utf8proc_iterate(
			(const utf8proc_uint8_t *)raw + at,
			rest > 4 ? 4 : (utf8proc_ssize_t)rest, &code_point);

		if (size <= 0) {
			buf_adds(&html, "\xEF\xBF\xBD");
			at++;
			continue;
		}
		switch (code_point) {
		case MARK_OPEN: buf_adds(&html, "<mark>"); break;
		case MARK_CLOSE: buf_adds(&html, "</mark>"); break;
		case '&': buf_adds(&html, "&amp;"); break;
		case '<': buf_adds(&html, "&lt;"); break;
		case '>': buf_adds(&html, "&gt;"); break;
		case '"': buf_adds(&html, "&quot;"); break;
		case '\'': buf_adds(&html, "&#39;"); break;
		default: buf_add(&html, raw + at, (size_t)size); break;
		}
		at += (size_t)size;
	}
	return buf_detach(&html);
}

static char *column_copy(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	if (text == NULL)
		return NULL;
	return xstrndup((const char *)text,
			(size_t)sqlite3_column_bytes(statement, column));
}

static void read_result(sqlite3_stmt *statement, struct search_result *result)
{
	const unsigned char *snippet = sqlite3_column_text(statement, 4);

	result->url = column_copy(statement, 0);
	if (result->url == NULL)
		result->url = xstrdup("");
	result->anchor = column_copy(statement, 1);
	result->title = column_copy(statement, 2);
	if (result->title == NULL)
		result->title = xstrdup("");
	result->heading = column_copy(statement, 3);
	result->snippet_html = snippet_to_html(
		snippet ? (const char *)snippet : "",
		snippet ? (size_t)sqlite3_column_bytes(statement, 4) : 0);
	result->rank = sqlite3_column_double(statement, 5);
}

static sqlite3_int64 clamp_int64(size_t value)
{
	return value > (size_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)value;
}

static int fetch_results(sqlite3 *db, const char *query, const char *singles,
			 size_t limit, size_t offset,
			 struct search_results *out)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = prepare(db, results_sql, &statement), step;

	if (rc != SEARCH_OK)
		goto out;
	rc = SEARCH_DATABASE;
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    sqlite3_bind_int64(statement, 2, clamp_int64(limit)) != SQLITE_OK ||
	    sqlite3_bind_int64(statement, 3, clamp_int64(offset)) !=
		    SQLITE_OK ||
	    sqlite3_bind_int(statement, 4, SEARCH_SNIPPET_CHARACTERS) !=
		    SQLITE_OK ||
	    sqlite3_bind_text(statement, 5, singles, -1, SQLITE_STATIC) !=
		    SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		out->items = xgrow(out->items, &capacity, out->count + 1,
				   sizeof *out->items);
		read_result(statement, &out->items[out->count++]);
	}
	if (step != SQLITE_DONE)
		goto out;
	rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

/* The CPU time this thread has used, in milliseconds. */
static double thread_cpu_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
	return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

struct budget {
	double deadline_ms;	/* thread CPU time at which to stop */
	bool spent;
};

/* SQLite's progress handler: non-zero interrupts the statement. */
static int check_budget(void *user)
{
	struct budget *budget = user;

	if (thread_cpu_ms() > budget->deadline_ms)
		budget->spent = true;
	return budget->spent;
}

int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out)
{
	return search_run_budget(db, user_text, length, limit, offset,
				 SEARCH_BUDGET_MS, out);
}

int search_run_budget(sqlite3 *db, const char *user_text, size_t length,
		      size_t limit, size_t offset, double budget_ms,
		      struct search_results *out)
{
	char *query = NULL, *singles = NULL;
	struct budget budget = {thread_cpu_ms() + budget_ms, false};
	int rc;

	bool own_transaction = false;

	memset(out, 0, sizeof *out);
	rc = build_query(user_text, length, &query, &singles);
	if (rc != SEARCH_OK || query == NULL)
		goto out;
	/* the count and the page from one snapshot, even while a build
	 * updates the file in place */
	if (sqlite3_get_autocommit(db)) {
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
			rc = SEARCH_DATABASE;
			goto out;
		}
		own_transaction = true;
	}
	/* checked every 1,000 virtual machine steps; FTS5's work on one
	 * row is a step, so a query that matches too much stops soon */
	sqlite3_progress_handler(db, 1000, check_budget, &budget);
	rc = count_matches(db, query, &out->total);
	if (rc == SEARCH_OK && limit > 0)
		rc = fetch_results(db, query, singles, limit, offset, out);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	if (budget.spent) {
		search_results_free(out);
		rc = SEARCH_TOO_BROAD;
	}
	if (own_transaction)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
out:
	free(query);
	free(singles);
	return rc;
}

void search_results_free(struct search_results *results)
{
	size_t i;

	for (i = 0; i < results->count; i++) {
		free(results->items[i].url);
		free(results->items[i].anchor);
		free(results->items[i].title);
		free(results->items[i].heading);
		free(results->items[i].snippet_html);
	}
	free(results->items);
	memset(results, 0, sizeof *results);
}
