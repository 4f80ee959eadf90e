/*
 * champions.c — search_champions: per row, its distinct tokens with
 * their weighted frequency, the best of them kept as the row's
 * champions; the changes of a flush merged into each token's sorted
 * entries; and the lookups the champion plan makes.
 */
#include "db/champions.h"

#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/kept.h"
#include "db/keymap.h"
#include "db/tokenizer.h"
#include "base/util.h"

/* bm25's constants, as FTS5 uses them. */
#define K1 1.2
#define B 0.75

/* Column weights: SEARCH_BM25_WEIGHTS' title, heading and tags. */
static const double column_weights[3] = {10.0, 5.0, 3.0};

/* One distinct token of the row being counted. */
struct row_token {
	uint64_t hash;
	size_t text, length;	/* in row.texts */
	double frequency;	/* column-weighted occurrences */
	unsigned stamp;		/* the row it belongs to: 0 is empty */
};

/* The row being counted: its distinct tokens in a table reused from row
 * to row (a slot whose stamp is not the row's is empty). */
struct row {
	struct row_token *slots;
	size_t capacity, used;
	size_t *order;		/* the slots of the row's tokens, used of them */
	unsigned stamp;
	struct buf texts;
	size_t positions;	/* tokens, colocated ones not counted */
	double column_weight;
};

/* One entry added (sign +1) or removed (-1) since the last write. */
struct change {
	size_t token;		/* in champions.names */
	int weight;
	int sign;
	sqlite3_int64 home;
};

static struct row_token *row_slot(struct row *row, const char *text,
				  size_t length, uint64_t hash)
{
	size_t mask = row->capacity - 1, i = (size_t)hash & mask;

	while (row->slots[i].stamp == row->stamp &&
	       !(row->slots[i].hash == hash &&
		 row->slots[i].length == length &&
		 memcmp(row->texts.data + row->slots[i].text, text, length) ==
			 0))
		i = (i + 1) & mask;
	return &row->slots[i];
}

static void row_grow(struct row *row)
{
	struct row bigger = *row;

	bigger.capacity = row->capacity ? row->capacity * 2 : 512;
	bigger.slots = xcalloc(bigger.capacity, sizeof *bigger.slots);
	/* the table stays at most half full: order needs no more */
	bigger.order = xrealloc(row->order, (bigger.capacity / 2 + 1) *
						    sizeof *bigger.order);
	for (size_t i = 0; i < row->used; i++) {
		struct row_token *old = &row->slots[row->order[i]];
		struct row_token *slot = row_slot(
			&bigger, row->texts.data + old->text, old->length,
			old->hash);

		*slot = *old;
		bigger.order[i] = (size_t)(slot - bigger.slots);
	}
	free(row->slots);
	*row = bigger;
}

static void add_token(struct row *row, const char *text, size_t length,
		      uint64_t hash, bool colocated)
{
	struct row_token *slot;

	if (!colocated)
		row->positions++;
	if ((row->used + 1) * 2 > row->capacity)
		row_grow(row);
	slot = row_slot(row, text, length, hash);
	if (slot->stamp != row->stamp) {
		*slot = (struct row_token){hash, row->texts.length, length, 0.0,
					   row->stamp};
		if (row->texts.length + length >= row->texts.capacity)
			buf_add(&row->texts, text, length);
		else { /* buf_add's work without its calls: every token */
			memcpy(row->texts.data + row->texts.length, text,
			       length);
			row->texts.length += length;
		}
		row->order[row->used++] = (size_t)(slot - row->slots);
	}
	slot->frequency += row->column_weight;
}

/* One token of a cached text. */
struct cached_token {
	size_t text, length;	/* in the cache's tokens */
	uint64_t hash;
	bool colocated;
};

/* A text's tokens, kept for the next row: the rows of one article share
 * its title and tags, and tokenizing them once saves most of the work. */
struct text_cache {
	char *text;
	struct buf tokens;
	struct cached_token *items;
	size_t count, capacity;
	struct row *row;
};

static int cache_token(void *context, const struct kb_token *token)
{
	struct text_cache *cache = context;
	uint64_t hash = keymap_hash(token->text, token->length);
	bool colocated = token->flags & KB_TOKEN_COLOCATED;

	cache->items = xgrow(cache->items, &cache->capacity, cache->count + 1,
			     sizeof *cache->items);
	cache->items[cache->count++] = (struct cached_token){
		cache->tokens.length, token->length, hash, colocated};
	buf_add(&cache->tokens, token->text, token->length);
	add_token(cache->row, token->text, token->length, hash, colocated);
	return 0;
}

/* Counts text's tokens into row, from the cache when it holds the same
 * text, else tokenized and cached. */
static void count_text(struct text_cache *cache, struct row *row,
		       const char *text)
{
	if (cache->text != NULL && strcmp(cache->text, text) == 0) {
		for (size_t i = 0; i < cache->count; i++) {
			const struct cached_token *token = &cache->items[i];

			add_token(row, cache->tokens.data + token->text,
				  token->length, token->hash, token->colocated);
		}
		return;
	}
	free(cache->text);
	cache->text = xstrdup(text);
	cache->tokens.length = 0;
	cache->count = 0;
	cache->row = row;
	kb_tokenize(text, strlen(text), KB_TOKENIZE_DOCUMENT, cache_token,
		    cache);
}

static void text_cache_free(struct text_cache *cache)
{
	free(cache->text);
	buf_free(&cache->tokens);
	free(cache->items);
}

struct champions {
	struct row row;
	struct text_cache caches[3];	/* one per column */
	struct keymap tokens;	/* token → its index in names (stamp) */
	const char **names;	/* the map's keys, by index */
	size_t *name_lengths;
	size_t name_count, name_capacity, length_capacity;
	struct change *changes;
	size_t change_count, change_capacity;
	sqlite3_int64 home;	/* of the row being counted */
	int sign;
};

struct champions *champions_new(void)
{
	return xcalloc(1, sizeof(struct champions));
}

static void forget_changes(struct champions *champions)
{
	keymap_free(&champions->tokens);
	free(champions->names);
	free(champions->name_lengths);
	free(champions->changes);
	champions->names = NULL;
	champions->name_lengths = NULL;
	champions->changes = NULL;
	champions->name_count = champions->name_capacity = 0;
	champions->length_capacity = 0;
	champions->change_count = champions->change_capacity = 0;
}

void champions_free(struct champions *champions)
{
	if (champions == NULL)
		return;
	free(champions->row.slots);
	free(champions->row.order);
	buf_free(&champions->row.texts);
	for (int i = 0; i < 3; i++)
		text_cache_free(&champions->caches[i]);
	forget_changes(champions);
	free(champions);
}

/* A token's weight in a row of the given length: bm25's term frequency
 * part, saturating at K1 + 1. */
static int token_weight(double frequency, size_t positions)
{
	double norm = K1 * (1.0 - B + B * (double)positions / CHAMPION_LENGTH);

	return (int)(1000.0 * frequency * (K1 + 1.0) / (frequency + norm) +
		     0.5);
}

/* One of the row's best tokens so far. */
struct ranked {
	const struct row_token *token;
	int weight;
};

/* Whether a ranks before b: best weight first; equal weights by the
 * token's bytes, so that the row's champions depend on its text alone. */
static bool ranks_before(const struct ranked *a, const struct ranked *b,
			 const char *texts)
{
	size_t length;
	int order;

	if (a->weight != b->weight)
		return a->weight > b->weight;
	length = a->token->length < b->token->length ? a->token->length
						     : b->token->length;
	order = memcmp(texts + a->token->text, texts + b->token->text, length);
	if (order != 0)
		return order < 0;
	return a->token->length < b->token->length;
}

/* Keeps candidate among best[0..*count), best first, at most
 * CHAMPION_TOKENS: most tokens of a row never get in, so this costs less
 * than sorting them all. */
static void keep_best(struct ranked *best, size_t *count,
		      struct ranked candidate, const char *texts)
{
	size_t place = *count;

	if (place == CHAMPION_TOKENS &&
	    !ranks_before(&candidate, &best[CHAMPION_TOKENS - 1], texts))
		return;
	if (place < CHAMPION_TOKENS)
		(*count)++;
	else
		place--;
	while (place > 0 && ranks_before(&candidate, &best[place - 1], texts)) {
		best[place] = best[place - 1];
		place--;
	}
	best[place] = candidate;
}


/* The index of token in champions->names, added when new. */
static size_t token_index(struct champions *champions, const char *text,
			  size_t length, uint64_t hash)
{
	bool added;
	struct keymap_entry *entry = keymap_get_hashed(&champions->tokens, text,
						       length, hash, &added);

	if (added) {
		champions->names = xgrow(champions->names,
					 &champions->name_capacity,
					 champions->name_count + 1,
					 sizeof *champions->names);
		champions->name_lengths = xgrow(champions->name_lengths,
						&champions->length_capacity,
						champions->name_count + 1,
						sizeof *champions->name_lengths);
		champions->names[champions->name_count] = entry->key;
		champions->name_lengths[champions->name_count] = length;
		entry->stamp = champions->name_count++;
	}
	return entry->stamp;
}

void champions_begin(struct champions *champions, sqlite3_int64 home,
		     int sign)
{
	struct row *row = &champions->row;

	if (++row->stamp == 0) { /* wrapped: every slot reads as empty */
		memset(row->slots, 0, row->capacity * sizeof *row->slots);
		row->stamp = 1;
	}
	row->used = 0;
	row->positions = 0;
	row->texts.length = 0;
	row->column_weight = column_weights[0];
	champions->home = home;
	champions->sign = sign;
}

void champions_column(struct champions *champions, int column)
{
	champions->row.column_weight = column_weights[column];
}

int champions_token(void *context, const struct kb_token *token)
{
	struct champions *champions = context;

	add_token(&champions->row, token->text, token->length,
		  keymap_hash(token->text, token->length),
		  token->flags & KB_TOKEN_COLOCATED);
	return 0;
}

void champions_text(struct champions *champions, int column,
		    const char *text)
{
	champions_column(champions, column);
	count_text(&champions->caches[column], &champions->row, text);
}

void champions_end(struct champions *champions)
{
	struct row *row = &champions->row;
	struct ranked best[CHAMPION_TOKENS];
	size_t count = 0;

	for (size_t i = 0; i < row->used; i++) {
		const struct row_token *token = &row->slots[row->order[i]];

		keep_best(best, &count,
			  (struct ranked){token, token_weight(token->frequency,
							      row->positions)},
			  row->texts.data);
	}
	for (size_t i = 0; i < count; i++) {
		const struct row_token *token = best[i].token;

		champions->changes = xgrow(champions->changes,
					   &champions->change_capacity,
					   champions->change_count + 1,
					   sizeof *champions->changes);
		champions->changes[champions->change_count++] = (struct change){
			token_index(champions, row->texts.data + token->text,
				    token->length, token->hash),
			best[i].weight, champions->sign, champions->home};
	}
}

void champions_count(struct champions *champions, const char *const texts[3],
		     sqlite3_int64 home, int sign)
{
	champions_begin(champions, home, sign);
	for (int i = 0; i < 3; i++)
		if (texts[i] != NULL)
			champions_text(champions, i, texts[i]);
	champions_end(champions);
}

size_t champions_pending(const struct champions *champions)
{
	return champions->change_count;
}

/* An entry as stored: weight, then home, big-endian. */
static void put_entry(unsigned char *at, int weight, sqlite3_int64 home)
{
	uint32_t w = htobe32((uint32_t)weight);
	uint64_t h = htobe64((uint64_t)home);

	memcpy(at, &w, 4);
	memcpy(at + 4, &h, 8);
}

static void get_entry(const unsigned char *at, int *weight,
		      sqlite3_int64 *home)
{
	uint32_t w;
	uint64_t h;

	memcpy(&w, at, 4);
	memcpy(&h, at + 4, 8);
	*weight = (int)be32toh(w);
	*home = (sqlite3_int64)be64toh(h);
}

/* Entries order: best weight first, then lower home. */
static int compare_entry(int weight, sqlite3_int64 home, int other_weight,
			 sqlite3_int64 other_home)
{
	if (weight != other_weight)
		return weight > other_weight ? -1 : 1;
	return (home > other_home) - (home < other_home);
}

/* A token's changes: best entry first, a removal before an addition of
 * the same entry. */
static int compare_changes(const void *left, const void *right)
{
	const struct change *a = left, *b = right;
	int order = compare_entry(a->weight, a->home, b->weight, b->home);

	return order != 0 ? order : (a->sign > b->sign) - (a->sign < b->sign);
}

static int compare_names(const void *left, const void *right, void *user)
{
	const struct champions *champions = user;
	size_t a = *(const size_t *)left, b = *(const size_t *)right;
	size_t la = champions->name_lengths[a], lb = champions->name_lengths[b];
	int order = memcmp(champions->names[a], champions->names[b],
			   la < lb ? la : lb);

	if (order != 0)
		return order;
	return (la > lb) - (la < lb);
}

/* The changes grouped by token, the tokens in byte order (the table's
 * order, so its pages are written front to back), each token's changes
 * sorted; *starts (name_count + 1 entries, freed by the caller) where
 * each group starts, in that order, and *tokens which token each is. */
static struct change *sort_changes(struct champions *champions,
				   size_t **starts, size_t **tokens)
{
	size_t names = champions->name_count;
	size_t *order = xmalloc(names * sizeof *order);
	size_t *rank = xmalloc(names * sizeof *rank);
	size_t *start = xcalloc(names + 1, sizeof *start);
	struct change *sorted =
		xmalloc(champions->change_count * sizeof *sorted);

	for (size_t i = 0; i < names; i++)
		order[i] = i;
	qsort_r(order, names, sizeof *order, compare_names, champions);
	for (size_t i = 0; i < names; i++)
		rank[order[i]] = i;
	/* a counting sort by rank, then each group on its own */
	for (size_t i = 0; i < champions->change_count; i++)
		start[rank[champions->changes[i].token] + 1]++;
	for (size_t i = 0; i < names; i++)
		start[i + 1] += start[i];
	for (size_t i = 0; i < champions->change_count; i++) {
		size_t r = rank[champions->changes[i].token];

		sorted[start[r]++] = champions->changes[i];
	}
	for (size_t i = names; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	for (size_t i = 0; i < names; i++)
		qsort(sorted + start[i], start[i + 1] - start[i],
		      sizeof *sorted, compare_changes);
	free(rank);
	*starts = start;
	*tokens = order;
	return sorted;
}

/* One token's entries merged with its changes[0..count) (sorted, each
 * pair's signs summed): an entry stored stays unless removed, one added
 * comes in at its place. */
static void merge_entries(const unsigned char *stored, size_t stored_count,
			  const struct change *changes, size_t count,
			  struct buf *out)
{
	size_t s = 0, c = 0;

	out->length = 0;
	while (s < stored_count || c < count) {
		int weight = 0, net = 0, order;
		sqlite3_int64 home = 0;
		unsigned char entry[CHAMPION_ENTRY_BYTES];

		if (s < stored_count)
			get_entry(stored + s * CHAMPION_ENTRY_BYTES, &weight,
				  &home);
		order = s == stored_count ? 1
			: c == count ? -1
			: compare_entry(weight, home, changes[c].weight,
					changes[c].home);
		if (order > 0) {
			weight = changes[c].weight;
			home = changes[c].home;
		} else {
			s++;
			net = 1;
		}
		while (order >= 0 && c < count && changes[c].weight == weight &&
		       changes[c].home == home)
			net += changes[c++].sign;
		put_entry(entry, weight, home);
		for (; net > 0; net--)
			buf_add(out, (const char *)entry, sizeof entry);
	}
}

static const char read_sql[] =
	"SELECT entries FROM search_champions WHERE token = ?1";
static const char write_sql[] =
	"INSERT OR REPLACE INTO search_champions(token, entries) "
	"VALUES(?1, ?2)";
static const char delete_sql[] =
	"DELETE FROM search_champions WHERE token = ?1";

/* Writes one token's merged entries. */
static int write_token(sqlite3_stmt *statements[3], const char *token,
		       size_t length, const struct change *changes,
		       size_t count, struct buf *merged)
{
	sqlite3_stmt *read = statements[0], *write;
	const unsigned char *stored = NULL;
	size_t stored_count = 0;
	int rc;

	sqlite3_bind_text(read, 1, token, (int)length, SQLITE_STATIC);
	rc = sqlite3_step(read);
	if (rc == SQLITE_ROW) {
		stored = sqlite3_column_blob(read, 0);
		stored_count = (size_t)sqlite3_column_bytes(read, 0) /
			       CHAMPION_ENTRY_BYTES;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(read);
		return SQLITE_ERROR;
	}
	merge_entries(stored, stored_count, changes, count, merged);
	/* a row removed and added back unchanged (an edit of its body)
	 * changes nothing: the blob of a common token is large */
	if (merged->length == stored_count * CHAMPION_ENTRY_BYTES &&
	    (merged->length == 0 ||
	     memcmp(merged->data, stored, merged->length) == 0)) {
		sqlite3_reset(read);
		return SQLITE_OK;
	}
	sqlite3_reset(read);
	write = merged->length > 0 ? statements[1] : statements[2];
	sqlite3_bind_text(write, 1, token, (int)length, SQLITE_STATIC);
	if (merged->length > 0)
		sqlite3_bind_blob(write, 2, merged->data, (int)merged->length,
				  SQLITE_STATIC);
	rc = sqlite3_step(write) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
	sqlite3_reset(write);
	return rc;
}

int champions_write(struct champions *champions, sqlite3 *db)
{
	const char *sql[3] = {read_sql, write_sql, delete_sql};
	sqlite3_stmt *statements[3] = {NULL, NULL, NULL};
	struct buf merged = {0};
	struct change *sorted;
	size_t *starts, *tokens;
	int rc = SQLITE_OK;

	if (champions->change_count == 0)
		return SQLITE_OK;
	for (int i = 0; rc == SQLITE_OK && i < 3; i++)
		rc = sqlite3_prepare_v2(db, sql[i], -1, &statements[i], NULL);
	sorted = sort_changes(champions, &starts, &tokens);
	for (size_t i = 0; rc == SQLITE_OK && i < champions->name_count; i++) {
		size_t token = tokens[i];

		rc = write_token(statements, champions->names[token],
				 champions->name_lengths[token],
				 sorted + starts[i], starts[i + 1] - starts[i],
				 &merged);
	}
	for (int i = 0; i < 3; i++)
		sqlite3_finalize(statements[i]);
	free(sorted);
	free(starts);
	free(tokens);
	buf_free(&merged);
	forget_changes(champions);
	return rc;
}

/* ?2 is the prefix followed by a byte that no UTF-8 text has, so that
 * every token that starts with ?1 sorts between them */
static const char prefix_read_sql[] =
	"SELECT entries FROM search_champions "
	"WHERE token >= ?1 AND token < ?2";

/* A candidate row of a prefix: the best weight of any of its tokens. */
struct best_entry {
	int weight;
	sqlite3_int64 home;
};

static int compare_best_entries(const void *left, const void *right)
{
	const struct best_entry *a = left, *b = right;

	return compare_entry(a->weight, a->home, b->weight, b->home);
}

static int compare_best_homes(const void *left, const void *right)
{
	const struct best_entry *a = left, *b = right;

	if (a->home != b->home)
		return a->home < b->home ? -1 : 1;
	return (a->weight < b->weight) - (a->weight > b->weight);
}

size_t champions_lookup(sqlite3 *db, const char *token, size_t length,
			bool prefix, size_t max,
			void (*visit)(void *context, sqlite3_int64 home,
				      int weight),
			void *context)
{
	sqlite3_stmt *statement = NULL;
	struct best_entry *entries = NULL;
	size_t count = 0, capacity = 0, visited = 0, kept = 0;
	char *end = NULL;

	if (db == NULL || length == 0 ||
	    kept_prepare(db, prefix ? prefix_read_sql : read_sql,
			 &statement) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(statement, 1, token, (int)length, SQLITE_STATIC);
	if (prefix) {
		end = xmalloc(length + 1);
		memcpy(end, token, length);
		end[length] = '\xFF';
		sqlite3_bind_text(statement, 2, end, (int)length + 1,
				  SQLITE_STATIC);
	}
	while (sqlite3_step(statement) == SQLITE_ROW) {
		const unsigned char *blob = sqlite3_column_blob(statement, 0);
		size_t n = (size_t)sqlite3_column_bytes(statement, 0) /
			   CHAMPION_ENTRY_BYTES;

		/* each token's entries are sorted: its first max will do */
		for (size_t i = 0; i < n && i < max; i++) {
			entries = xgrow(entries, &capacity, count + 1,
					sizeof *entries);
			get_entry(blob + i * CHAMPION_ENTRY_BYTES,
				  &entries[count].weight, &entries[count].home);
			count++;
		}
	}
	kept_release(db, statement);
	free(end);
	if (count == 0)
		return 0;
	/* a row listed under several tokens of the prefix counts once */
	qsort(entries, count, sizeof *entries, compare_best_homes);
	for (size_t i = 0; i < count; i++)
		if (kept == 0 || entries[kept - 1].home != entries[i].home)
			entries[kept++] = entries[i];
	qsort(entries, kept, sizeof *entries, compare_best_entries);
	for (; visited < kept && visited < max; visited++)
		visit(context, entries[visited].home, entries[visited].weight);
	free(entries);
	return visited;
}

static const char present_sql[] =
	"SELECT 1 FROM sqlite_schema WHERE "
	"type = 'table' AND name = 'search_champions'";

bool champions_present(sqlite3 *db)
{
	sqlite3_stmt *statement = NULL;
	bool present = false;

	if (kept_prepare(db, present_sql, &statement) == SQLITE_OK)
		present = sqlite3_step(statement) == SQLITE_ROW;
	kept_release(db, statement);
	return present;
}
