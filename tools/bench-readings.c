/*
 * bench-readings.c — the two designs issue 17 asks to compare, measured
 * on the rows of a built kb.db:
 *
 *   table   what kbgen does: the readings of each distinct run of kanji
 *           and katakana, analysed once per build (readings_count), kept
 *           in search_readings; a kana query is expanded through it.
 *   index   the readings put into the index itself: every row's texts
 *           analysed with MeCab in full (each word in its sentence), and
 *           each kanji word's reading indexed as extra tokens at its
 *           place (the reading's bigrams and its last character, as the
 *           tokenizer makes them).
 *
 * Prints the CPU seconds of each analysis and the tokens the index holds
 * now and would hold with the readings in it. A measurement, not a test.
 *
 *   build/bench-readings KB_DB [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/analyze.h"
#include "db/fts5.h"
#include "db/readings.h"
#include "db/tokenizer.h"
#include "base/util.h"

struct rows {
	char **texts; /* 4 per row: title, heading, tags, body; NULL ones */
	size_t count, capacity;
};

static double cpu_seconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static int count_token(void *context, const struct kb_token *token)
{
	(void)token;
	(*(size_t *)context)++;
	return 0;
}

/* Tokens the index would gain from one word's reading. */
static int reading_tokens(void *context, const struct analyze_word *word)
{
	struct buf reading = {0};
	size_t tokens = 0;

	if (word->reading_length == 0 ||
	    !analyze_has_kanji(word->surface, word->surface_length))
		return 0;
	analyze_katakana(word->reading, word->reading_length, &reading);
	kb_tokenize(reading.data, reading.length, KB_TOKENIZE_DOCUMENT,
		    count_token, &tokens);
	*(size_t *)context += tokens;
	buf_free(&reading);
	return 0;
}

static void load(sqlite3 *db, struct rows *rows)
{
	sqlite3_stmt *statement = NULL;

	if (sqlite3_prepare_v2(db, "SELECT title, heading, tags, body FROM "
			       "search ORDER BY rowid", -1, &statement,
			       NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-readings: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	while (sqlite3_step(statement) == SQLITE_ROW) {
		rows->texts = xgrow(rows->texts, &rows->capacity,
				    (rows->count + 1) * 4, sizeof *rows->texts);
		for (int i = 0; i < 4; i++) {
			const char *text =
				(const char *)sqlite3_column_text(statement, i);

			rows->texts[rows->count * 4 + (size_t)i] =
				text ? xstrdup(text) : NULL;
		}
		rows->count++;
	}
	sqlite3_finalize(statement);
}

int main(int argc, char **argv)
{
	struct rows rows = {0};
	sqlite3 *db = NULL;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;

	if (argc < 2 || rounds < 1) {
		fprintf(stderr, "usage: bench-readings KB_DB [ROUNDS]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) !=
		    SQLITE_OK ||
	    kb_tokenizer_register(db) != SQLITE_OK || analyze_open() != 0) {
		fprintf(stderr, "bench-readings: cannot open %s or MeCab\n",
			argv[1]);
		return 1;
	}
	load(db, &rows);
	sqlite3_close(db);
	printf("rows %zu\n", rows.count);
	for (int round = 0; round < rounds; round++) {
		struct readings *readings = readings_new();
		size_t tokens = 0, extra = 0;
		double start = cpu_seconds(), table, index, tokenize;

		for (size_t i = 0; i < rows.count; i++)
			readings_count(readings,
				       (const char *const *)&rows.texts[i * 4],
				       4, +1);
		table = cpu_seconds() - start;
		readings_free(readings);
		start = cpu_seconds();
		for (size_t i = 0; i < rows.count * 4; i++)
			if (rows.texts[i] != NULL)
				analyze_words(rows.texts[i],
					      strlen(rows.texts[i]),
					      reading_tokens, &extra);
		index = cpu_seconds() - start;
		start = cpu_seconds();
		for (size_t i = 0; i < rows.count * 4; i++)
			if (rows.texts[i] != NULL)
				kb_tokenize(rows.texts[i],
					    strlen(rows.texts[i]),
					    KB_TOKENIZE_DOCUMENT, count_token,
					    &tokens);
		tokenize = cpu_seconds() - start;
		printf("round %d: table %.3f s, index (MeCab over every "
		       "text) %.3f s, the tokenizer alone %.3f s; tokens %zu, "
		       "with readings %zu (+%.1f %%)\n",
		       round + 1, table, index, tokenize, tokens,
		       tokens + extra, 100.0 * (double)extra / (double)tokens);
	}
	for (size_t i = 0; i < rows.count * 4; i++)
		free(rows.texts[i]);
	free(rows.texts);
	return 0;
}
