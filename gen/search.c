/*
 * search.c — the search index schema, its writers, the query builder and
 * the query runner with its snippet function.
 */
#include "search.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "tokenizer.h"
#include "util.h"

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
	"CREATE TABLE articles("
	"url TEXT PRIMARY KEY NOT NULL, "
	"title TEXT NOT NULL, "
	"section TEXT, "
	"description TEXT, "
	"updated TEXT);";

/* Article rows are numbered from 1, wizard nodes from NODE_ROWID_BASE
 * (2^40), each kind in the order added: ranking tells them apart by rowid
 * alone, without reading the rows. ?8..?9 is the kind's rowid range. */
#define NODE_ROWID_BASE 1099511627776LL
#define NODE_ROWID_BASE_SQL "1099511627776"

static const char insert_row_sql[] =
	"INSERT INTO search(rowid, title, heading, tags, body, url, anchor, "
	"kind) VALUES(coalesce((SELECT rowid + 1 FROM search "
	"WHERE rowid >= ?8 AND rowid < ?9 ORDER BY rowid DESC LIMIT 1), ?8), "
	"?1, ?2, ?3, ?4, ?5, ?6, ?7)";

static const char insert_article_sql[] =
	"INSERT INTO articles(url, title, section, description, updated) "
	"VALUES(?1, ?2, ?3, ?4, ?5)";

static const char count_sql[] =
	"SELECT count(*) FROM search WHERE search MATCH ?1";

/* Ranks on what the index alone holds (bm25, rowid), then reads columns
 * and makes snippets for the page of rows it keeps only: evaluating them
 * for every match before sorting made 2-character queries 4 times slower
 * on 45,000 rows. */
static const char results_sql[] =
	"WITH page(id, score) AS ("
	"SELECT rowid, bm25(search, " SEARCH_BM25_WEIGHTS ") * "
	"CASE WHEN rowid >= " NODE_ROWID_BASE_SQL " THEN " SEARCH_NODE_WEIGHT
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

/* Binds text, or NULL for a NULL pointer; the text must outlive the
 * statement's step. */
static int bind_text(sqlite3_stmt *statement, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(statement, index);
	return sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
}

/* Prepares sql, binds the count texts (then the count_numbers numbers)
 * and steps it once to completion. */
static int execute(sqlite3 *db, const char *sql, const char *const *texts,
		   int count, const sqlite3_int64 *numbers, int count_numbers)
{
	sqlite3_stmt *statement = NULL;
	int rc = SEARCH_DATABASE, i;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < count; i++) {
		if (bind_text(statement, i + 1, texts[i]) != SQLITE_OK)
			goto out;
	}
	for (i = 0; i < count_numbers; i++) {
		if (sqlite3_bind_int64(statement, count + i + 1, numbers[i]) !=
		    SQLITE_OK)
			goto out;
	}
	if (sqlite3_step(statement) != SQLITE_DONE)
		goto out;
	rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

int search_add_row(sqlite3 *db, const struct search_row *row)
{
	const char *texts[] = {row->title, row->heading, row->tags, row->body,
			       row->url,   row->anchor,  row->kind};
	sqlite3_int64 articles[] = {1, NODE_ROWID_BASE};
	sqlite3_int64 nodes[] = {NODE_ROWID_BASE, INT64_MAX};
	bool node;

	if (row->url == NULL || row->title == NULL || row->kind == NULL)
		return SEARCH_BAD_ROW;
	node = strcmp(row->kind, "node") == 0;
	if (!node && strcmp(row->kind, "article") != 0)
		return SEARCH_BAD_ROW;
	return execute(db, insert_row_sql, texts, 7, node ? nodes : articles,
		       2);
}

int search_add_article(sqlite3 *db, const struct search_article *article)
{
	const char *texts[] = {article->url, article->title, article->section,
			       article->description, article->updated};

	if (article->url == NULL || article->title == NULL)
		return SEARCH_BAD_ROW;
	return execute(db, insert_article_sql, texts, 5, NULL, 0);
}

/* --- query building --------------------------------------------------- */

struct query_builder {
	struct buf query;
	/* per phrase, its one-character prefix term or nothing, separated
	 * by US (0x1F): what kb_snippet needs to mark such terms exactly */
	struct buf singles;
	size_t phrases;
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
	if (!builder->in_phrase)
		return;
	buf_addc(&builder->query, '"');
	if ((builder->last_flags & KB_TOKEN_SINGLE) ||
	    (open_end && !(builder->last_flags & KB_TOKEN_CJK)))
		buf_addc(&builder->query, '*');
	builder->in_phrase = false;
}

static void open_phrase(struct query_builder *builder)
{
	close_phrase(builder, false);
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

int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out)
{
	char *query = NULL, *singles = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	rc = build_query(user_text, length, &query, &singles);
	if (rc != SEARCH_OK || query == NULL)
		goto out;
	rc = count_matches(db, query, &out->total);
	if (rc == SEARCH_OK && limit > 0)
		rc = fetch_results(db, query, singles, limit, offset, out);
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
