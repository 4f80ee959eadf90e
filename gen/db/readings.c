/*
 * readings.c — search_readings: the readings of the text's content
 * words, counted per row, and looked up for kana queries.
 *
 * Analysing every row with MeCab would cost more than the rest of the
 * index; but a site repeats its words. So the text is cut into runs (a
 * stretch of kanji and katakana with at most RUN_OKURIGANA hiragana
 * after it, where a verb's inflection ends), each distinct run is
 * analysed once per build, and its pairs are kept in a cache. A run is
 * analysed alone, out of its sentence, so its words depend on the run
 * only: a row gives the same pairs whenever it is counted.
 */
#include "db/readings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/analyze.h"
#include "db/kept.h"
#include "db/keymap.h"
#include "base/util.h"

/* Hiragana kept after a run's kanji: enough for 届かな, 入って. */
#define RUN_OKURIGANA 3
/* A longer run is cut (a run is analysed as a whole). */
#define RUN_MAX_BYTES 96
/* Readings a prefix lookup looks at before sorting by refs. */
#define PREFIX_SCAN 256

/* A (reading, surface) pair: "reading\tsurface", its change since the
 * last write, and the last row that counted it. */
struct pair {
	const char *key;	/* the pairs map's */
	size_t length;
	long delta;
	size_t stamp;
};

/* A run's pairs, as indexes into readings.list, and the last row that
 * counted the run (a row counts a pair once, however many of its runs
 * have it). */
struct run_pairs {
	size_t stamp;
	size_t count;
	size_t pairs[];
};

/* The runs of a short text counted last in its column, which the next row
 * most likely repeats (an article's rows share its title and tags). */
struct column_cache {
	char *text;
	struct run_pairs **runs;
	size_t count, capacity;
};

/* Texts up to this long are cached; longer ones (bodies) rarely repeat. */
#define CACHED_BYTES 1024
#define CACHED_COLUMNS 4

struct readings {
	struct keymap runs;  /* run text → its struct run_pairs */
	struct column_cache columns[CACHED_COLUMNS];
	struct keymap pairs; /* "reading\tsurface" → its index in list */
	struct pair *list;
	size_t count, capacity;
	size_t rows;      /* rows counted: the stamp of the current one */
};

struct readings *readings_new(void)
{
	return xcalloc(1, sizeof(struct readings));
}

void readings_free(struct readings *readings)
{
	if (readings == NULL)
		return;
	keymap_free(&readings->runs);
	keymap_free(&readings->pairs);
	free(readings->list);
	for (size_t i = 0; i < CACHED_COLUMNS; i++) {
		free(readings->columns[i].text);
		free(readings->columns[i].runs);
	}
	free(readings);
}

/* A verb's or adjective's reading in its base form, from the reading of
 * the form the text has: 届か トドカ with base 届く gives トドク. False
 * when the kanji stems differ or the reading does not end in the
 * surface's kana (irregular verbs), to store nothing rather than a
 * wrong reading. */
static bool base_reading(const struct analyze_word *word, struct buf *out)
{
	size_t surface_stem = analyze_stem_length(word->surface,
						  word->surface_length);
	size_t base_stem = analyze_stem_length(word->base, word->base_length);
	struct buf tail = {0};
	bool ok = false;

	if (base_stem == 0 || surface_stem != base_stem ||
	    memcmp(word->surface, word->base, base_stem) != 0)
		return false;
	analyze_katakana(word->surface + surface_stem,
			 word->surface_length - surface_stem, &tail);
	if (tail.length <= word->reading_length &&
	    (tail.length == 0 ||
	     memcmp(word->reading + word->reading_length - tail.length,
		    tail.data, tail.length) == 0)) {
		buf_add(out, word->reading, word->reading_length - tail.length);
		analyze_katakana(word->base + base_stem,
				 word->base_length - base_stem, out);
		ok = true;
	}
	buf_free(&tail);
	return ok;
}

/* Adds "reading\tsurface\n" for a word worth a reading: one with a
 * kanji, or a katakana word (so that a hiragana query of several words
 * can be cut at it: はいしんえらー → 配信 + エラー). */
static int add_word_pair(void *context, const struct analyze_word *word)
{
	struct buf *pairs = context, reading = {0};
	const char *surface = word->surface;
	size_t surface_length = word->surface_length;
	bool ok;

	if (word->kind == ANALYZE_INFLECTED) {
		surface = word->base;
		surface_length = word->base_length;
		ok = analyze_has_kanji(surface, surface_length) &&
		     base_reading(word, &reading);
	} else if (analyze_has_kanji(surface, surface_length)) {
		ok = analyze_katakana(word->reading, word->reading_length,
				      &reading);
	} else {
		/* kana alone: katakana words are their own reading */
		ok = analyze_katakana(surface, surface_length, &reading) &&
		     reading.length == surface_length &&
		     memcmp(reading.data, surface, surface_length) == 0;
	}
	if (ok && reading.length > 0 &&
	    analyze_is_kana(reading.data, reading.length)) {
		buf_add(pairs, reading.data, reading.length);
		buf_addc(pairs, '\t');
		buf_add(pairs, surface, surface_length);
		buf_addc(pairs, '\n');
	}
	buf_free(&reading);
	return 0;
}

/* The index in readings->list of the pair "reading\tsurface", added
 * when new. */
static size_t pair_index(struct readings *readings, const char *key,
			 size_t length)
{
	bool added;
	struct keymap_entry *entry =
		keymap_get(&readings->pairs, key, length, &added);

	if (added) {
		readings->list = xgrow(readings->list, &readings->capacity,
				       readings->count + 1,
				       sizeof *readings->list);
		readings->list[readings->count] =
			(struct pair){entry->key, length, 0, 0};
		entry->stamp = readings->count++;
	}
	return entry->stamp;
}

/* The pairs of one run, analysed on its first appearance. */
static struct run_pairs *run_pairs(struct readings *readings, const char *run,
				   size_t length)
{
	bool added;
	struct keymap_entry *entry = keymap_get_hashed(
		&readings->runs, run, length, keymap_hash(run, length), &added);

	if (added) {
		struct buf lines = {0};
		struct run_pairs *pairs;
		size_t count = 0;
		const char *line;

		analyze_words(entry->key, length, add_word_pair, &lines);
		for (size_t i = 0; i < lines.length; i++)
			count += lines.data[i] == '\n';
		pairs = xmalloc(sizeof *pairs + count * sizeof *pairs->pairs);
		pairs->stamp = 0;
		pairs->count = 0;
		for (line = lines.data; pairs->count < count;) {
			const char *end = memchr(line, '\n',
						 lines.length -
							 (size_t)(line - lines.data));

			pairs->pairs[pairs->count++] = pair_index(
				readings, line, (size_t)(end - line));
			line = end + 1;
		}
		buf_free(&lines);
		entry->value = pairs;
	}
	return entry->value;
}

static void count_pairs(struct readings *readings, struct run_pairs *run,
			int sign)
{
	if (run->stamp == readings->rows)
		return;
	run->stamp = readings->rows;
	for (size_t i = 0; i < run->count; i++) {
		struct pair *pair = &readings->list[run->pairs[i]];

		if (pair->stamp != readings->rows) {
			pair->stamp = readings->rows;
			pair->delta += sign;
		}
	}
}

enum run_character { RUN_OTHER, RUN_CORE, RUN_HIRAGANA };

/* Kanji, katakana, ー and 々 make a run; hiragana may end one. The text
 * is valid UTF-8 (every article is checked as it is read), so a character's
 * size is its lead byte's: this runs over every character indexed. */
static inline __attribute__((always_inline)) enum run_character
run_character(const char *text, size_t length, size_t at, size_t *size)
{
	const unsigned char *s = (const unsigned char *)text + at;

	if (s[0] >= 0xE0 && s[0] < 0xF0 && length - at >= 3) {
		*size = 3;
		switch (s[0]) {
		case 0xE3: /* U+3000-U+3FFF, by its second byte */
			switch (s[1]) {
			case 0x80: /* U+3000-303F: of these only 々 */
				return s[2] == 0x85 ? RUN_CORE : RUN_OTHER;
			case 0x81: /* U+3040-307F: ぁ and after */
				return s[2] >= 0x81 ? RUN_HIRAGANA : RUN_OTHER;
			case 0x82: /* U+3080-30BF: to ゖ, then ァ and after */
				return s[2] <= 0x96   ? RUN_HIRAGANA
				       : s[2] >= 0xA1 ? RUN_CORE
						      : RUN_OTHER;
			case 0x83: /* U+30C0-30FF: to ヺ, and ー */
				return s[2] <= 0xBA || s[2] == 0xBC ? RUN_CORE
								    : RUN_OTHER;
			default: /* U+3400 and after: extension A */
				return s[1] >= 0x90 ? RUN_CORE : RUN_OTHER;
			}
		case 0xE4: /* U+4000-4FFF but the hexagrams U+4DC0-4DFF */
			return s[1] == 0xB7 ? RUN_OTHER : RUN_CORE;
		case 0xE5: case 0xE6: case 0xE7: case 0xE8: case 0xE9:
			return RUN_CORE; /* U+5000-9FFF */
		default:
			return RUN_OTHER;
		}
	}
	*size = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : 4;
	if (*size > length - at)
		*size = length - at;
	return RUN_OTHER; /* four bytes: rare kanji, not worth a reading */
}

/* Counts the runs of text; with cache, remembers them there. */
static void count_text(struct readings *readings, const char *text,
		       size_t length, int sign, struct column_cache *cache)
{
	size_t at = 0;

	while (at < length) {
		size_t size, start, okurigana = 0;
		enum run_character kind;
		struct run_pairs *run;

		/* ASCII first, in a tight loop: most bytes of most text */
		while (at < length && (unsigned char)text[at] < 0x80)
			at++;
		if (at == length)
			break;
		start = at;
		kind = run_character(text, length, at, &size);

		at += size;
		if (kind != RUN_CORE)
			continue;
		while (at < length && at - start < RUN_MAX_BYTES) {
			kind = run_character(text, length, at, &size);
			if (kind == RUN_OTHER ||
			    (kind == RUN_CORE && okurigana > 0) ||
			    (kind == RUN_HIRAGANA &&
			     ++okurigana > RUN_OKURIGANA))
				break;
			at += size;
		}
		run = run_pairs(readings, text + start, at - start);
		count_pairs(readings, run, sign);
		if (cache != NULL) {
			cache->runs = xgrow(cache->runs, &cache->capacity,
					    cache->count + 1,
					    sizeof *cache->runs);
			cache->runs[cache->count++] = run;
		}
	}
}

/* Counts a text of column column, from the cache when the column's last
 * text was the same. */
static void count_column(struct readings *readings, size_t column,
			 const char *text, int sign)
{
	size_t length = strlen(text);
	struct column_cache *cache;

	if (column >= CACHED_COLUMNS || length > CACHED_BYTES) {
		count_text(readings, text, length, sign, NULL);
		return;
	}
	cache = &readings->columns[column];
	if (cache->text != NULL && strcmp(cache->text, text) == 0) {
		for (size_t i = 0; i < cache->count; i++)
			count_pairs(readings, cache->runs[i], sign);
		return;
	}
	free(cache->text);
	cache->text = xstrdup(text);
	cache->count = 0;
	count_text(readings, text, length, sign, cache);
}

void readings_count(struct readings *readings, const char *const *texts,
		    size_t count, int sign)
{
	if (analyze_open() != 0)
		return;
	readings->rows++;
	for (size_t i = 0; i < count; i++) {
		if (texts[i] != NULL)
			count_column(readings, i, texts[i], sign);
	}
}

static const char upsert_sql[] =
	"INSERT INTO search_readings(reading, surface, refs) "
	"VALUES(?1, ?2, ?3) ON CONFLICT(reading, surface) "
	"DO UPDATE SET refs = refs + excluded.refs";
static const char prune_sql[] =
	"DELETE FROM search_readings "
	"WHERE reading = ?1 AND surface = ?2 AND refs <= 0";

static int write_pair(sqlite3_stmt *upsert, sqlite3_stmt *prune,
		      const struct pair *pair)
{
	const char *tab = memchr(pair->key, '\t', pair->length);
	int reading = (int)(tab - pair->key);
	int surface = (int)(pair->length - (size_t)reading - 1);
	sqlite3_stmt *statements[2] = {upsert, pair->delta < 0 ? prune : NULL};
	int rc = SQLITE_OK;

	for (int i = 0; i < 2 && rc == SQLITE_OK && statements[i]; i++) {
		sqlite3_stmt *statement = statements[i];

		sqlite3_bind_text(statement, 1, pair->key, reading,
				  SQLITE_STATIC);
		sqlite3_bind_text(statement, 2, tab + 1, surface, SQLITE_STATIC);
		if (i == 0)
			sqlite3_bind_int64(statement, 3, pair->delta);
		rc = sqlite3_step(statement) == SQLITE_DONE ? SQLITE_OK
							   : SQLITE_ERROR;
		sqlite3_reset(statement);
	}
	return rc;
}

int readings_write(struct readings *readings, sqlite3 *db)
{
	sqlite3_stmt *upsert = NULL, *prune = NULL;
	size_t changed = 0;
	int rc = SQLITE_OK;

	for (size_t i = 0; i < readings->count; i++)
		changed += readings->list[i].delta != 0;
	if (changed == 0)
		return SQLITE_OK;
	rc = sqlite3_prepare_v2(db, upsert_sql, -1, &upsert, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, prune_sql, -1, &prune, NULL);
	for (size_t i = 0; rc == SQLITE_OK && i < readings->count; i++) {
		struct pair *pair = &readings->list[i];

		if (pair->delta != 0)
			rc = write_pair(upsert, prune, pair);
	}
	for (size_t i = 0; i < readings->count; i++)
		readings->list[i].delta = 0;
	sqlite3_finalize(upsert);
	sqlite3_finalize(prune);
	return rc;
}

static const char exact_sql[] =
	"SELECT surface FROM search_readings WHERE reading = ?1 "
	"ORDER BY refs DESC, surface LIMIT ?3";
/* ?2 is the prefix followed by a byte that no UTF-8 text has, so that
 * every reading that starts with ?1 sorts between them */
static const char prefix_sql[] =
	"SELECT surface FROM (SELECT surface, refs FROM search_readings "
	"WHERE reading >= ?1 AND reading < ?2 LIMIT ?4) "
	"ORDER BY refs DESC, surface LIMIT ?3";

size_t readings_lookup(sqlite3 *db, const char *reading, size_t length,
		       bool prefix, size_t max,
		       void (*visit)(void *context, const char *surface,
				     size_t surface_length),
		       void *context)
{
	sqlite3_stmt *statement = NULL;
	char *end = NULL;
	size_t visited = 0;

	if (db == NULL || length == 0 || length > 1024 ||
	    kept_prepare(db, prefix ? prefix_sql : exact_sql, &statement) !=
		    SQLITE_OK)
		goto out;
	end = xmalloc(length + 1);
	memcpy(end, reading, length);
	end[length] = '\xFF';
	sqlite3_bind_text(statement, 1, reading, (int)length, SQLITE_STATIC);
	sqlite3_bind_text(statement, 2, end, (int)length + 1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 3, (sqlite3_int64)max);
	if (prefix)
		sqlite3_bind_int64(statement, 4, PREFIX_SCAN);
	while (sqlite3_step(statement) == SQLITE_ROW) {
		const unsigned char *surface = sqlite3_column_text(statement, 0);

		if (surface == NULL)
			continue;
		visit(context, (const char *)surface,
		      (size_t)sqlite3_column_bytes(statement, 0));
		visited++;
	}
out:
	kept_release(db, statement);
	free(end);
	return visited;
}

static void note_found(void *context, const char *surface, size_t length)
{
	(void)surface;
	(void)length;
	*(bool *)context = true;
}

bool readings_known(sqlite3 *db, const char *reading, size_t length)
{
	bool found = false;

	readings_lookup(db, reading, length, false, 1, note_found, &found);
	return found;
}
