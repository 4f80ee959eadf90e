/*
 * correct.c — typo correction of a query's Latin words (see correct.h):
 * one pass over the index's Latin vocabulary finds every word's best
 * neighbour.
 */
#include "db/correct.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/search.h"
#include "db/tokenizer.h"

/* Latin terms sort between these: digits, then lowercase letters (CJK
 * bigrams start with bytes above 0x7F). */
#define LATIN_FIRST "0"
#define LATIN_LAST "{"

static const char vocabulary_sql[] =
	"CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_vocabulary "
	"USING fts5vocab(main, search, row)";
static const char latin_sql[] =
	"SELECT term, doc FROM temp.kb_vocabulary "
	"WHERE term >= '" LATIN_FIRST "' AND term < '" LATIN_LAST "'";

size_t correct_distance(const char *a, size_t a_length, const char *b,
			size_t b_length, size_t cap)
{
	size_t rows[3][CORRECT_WORD_MAX + 1];
	size_t *before = rows[0], *previous = rows[1], *current = rows[2];

	if (a_length > CORRECT_WORD_MAX || b_length > CORRECT_WORD_MAX)
		return cap + 1;
	if ((a_length > b_length ? a_length - b_length : b_length - a_length) >
	    cap)
		return cap + 1;
	for (size_t j = 0; j <= b_length; j++)
		previous[j] = j;
	for (size_t i = 1; i <= a_length; i++) {
		size_t smallest = current[0] = i;

		for (size_t j = 1; j <= b_length; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t best = previous[j - 1] + cost;

			if (previous[j] + 1 < best)
				best = previous[j] + 1;
			if (current[j - 1] + 1 < best)
				best = current[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && before[j - 2] + 1 < best)
				best = before[j - 2] + 1;
			current[j] = best;
			if (best < smallest)
				smallest = best;
		}
		/* every later row is at least this row's smallest */
		if (smallest > cap)
			return cap + 1;
		size_t *spare = before;
		before = previous;
		previous = current;
		current = spare;
	}
	return previous[b_length] > cap ? cap + 1 : previous[b_length];
}

size_t correct_max_distance(size_t length)
{
	if (length < 3)
		return 0;
	return length < 5 ? 1 : 2;
}

bool correct_prefers(long long word_rows, long long neighbour_rows)
{
	if (word_rows <= 0)
		return neighbour_rows > 0;
	return word_rows <= CORRECT_RARE_ROWS &&
	       neighbour_rows >= word_rows * CORRECT_RATIO;
}

bool correct_better(const char *term, size_t term_length, size_t distance,
		    long long rows, const char *best, size_t best_length,
		    size_t best_distance, long long best_rows)
{
	size_t shorter = term_length < best_length ? term_length : best_length;
	int order;

	if (best == NULL || distance != best_distance)
		return best == NULL || distance < best_distance;
	if (rows != best_rows)
		return rows > best_rows;
	order = memcmp(term, best, shorter);
	return order < 0 || (order == 0 && term_length < best_length);
}

/* One word of the query and its best neighbour so far. */
struct word {
	size_t start, end;		/* bytes of the user's text */
	char text[CORRECT_WORD_MAX];
	size_t length;
	long long rows;			/* rows the word itself is in */
	bool open;			/* the query ends in it: a prefix */
	bool begins_term;		/* open, and a longer term starts
					 * with it: being typed, not a typo */
	char best[CORRECT_WORD_MAX];
	size_t best_length, best_distance;
	long long best_rows;
	bool has_best;
};

struct words {
	struct word items[CORRECT_MAX_WORDS];
	size_t count;
};

/* Letters and digits only, at least one letter. */
static bool is_latin(const char *text, size_t length)
{
	bool letter = false;

	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 'a' && c <= 'z')
			letter = true;
		else if (c < '0' || c > '9')
			return false;
	}
	return letter;
}

static int collect_word(void *context, const struct kb_token *token)
{
	struct words *words = context;
	struct word *word;

	if (token->flags & KB_TOKEN_CJK ||
	    correct_max_distance(token->length) == 0 ||
	    token->length > CORRECT_WORD_MAX ||
	    !is_latin(token->text, token->length))
		return 0;
	if (words->count == CORRECT_MAX_WORDS)
		return 1;
	word = &words->items[words->count++];
	memset(word, 0, sizeof *word);
	word->start = token->start;
	word->end = token->end;
	memcpy(word->text, token->text, token->length);
	word->length = token->length;
	return 0;
}

/* Weighs one vocabulary term against every word. */
static void consider(struct words *words, const char *term, size_t length,
		     long long rows)
{
	if (length > CORRECT_WORD_MAX || !is_latin(term, length))
		return;
	for (size_t i = 0; i < words->count; i++) {
		struct word *word = &words->items[i];
		size_t cap = correct_max_distance(word->length), distance;

		if (length == word->length &&
		    memcmp(term, word->text, length) == 0) {
			word->rows = rows;
			continue;
		}
		if (word->open && length > word->length &&
		    memcmp(term, word->text, word->length) == 0)
			word->begins_term = true;
		distance = correct_distance(word->text, word->length, term,
					    length, cap);
		if (distance > cap ||
		    !correct_better(term, length, distance, rows,
				    word->has_best ? word->best : NULL,
				    word->best_length, word->best_distance,
				    word->best_rows))
			continue;
		memcpy(word->best, term, length);
		word->best_length = length;
		word->best_distance = distance;
		word->best_rows = rows;
		word->has_best = true;
	}
}

static int read_vocabulary(sqlite3 *db, struct words *words)
{
	sqlite3_stmt *statement = NULL;
	int rc = SEARCH_DATABASE, step;

	if (sqlite3_exec(db, vocabulary_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, latin_sql, -1, &statement, NULL) !=
		    SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW)
		consider(words, (const char *)sqlite3_column_text(statement, 0),
			 (size_t)sqlite3_column_bytes(statement, 0),
			 sqlite3_column_int64(statement, 1));
	if (step == SQLITE_DONE)
		rc = SEARCH_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

/* True when the typed bytes have a capital letter and no small one. */
static bool typed_in_capitals(const char *typed, size_t length)
{
	bool capital = false;

	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)typed[i];

		if (c >= 'a' && c <= 'z')
			return false;
		capital |= c >= 'A' && c <= 'Z';
	}
	return capital;
}

/* The user's text with the words that yield replaced; NULL when none. */
static char *rewrite(const char *user_text, size_t length,
		     const struct words *words)
{
	struct buf out = {0};
	size_t copied = 0;
	bool changed = false;

	for (size_t i = 0; i < words->count; i++) {
		const struct word *word = &words->items[i];
		bool capitals;

		if (!word->has_best || word->begins_term ||
		    !correct_prefers(word->rows, word->best_rows))
			continue;
		capitals = typed_in_capitals(user_text + word->start,
					     word->end - word->start);
		buf_add(&out, user_text + copied, word->start - copied);
		for (size_t j = 0; j < word->best_length; j++) {
			char c = word->best[j];
			buf_addc(&out, capitals && c >= 'a' && c <= 'z'
					       ? (char)(c - 'a' + 'A') : c);
		}
		copied = word->end;
		changed = true;
	}
	if (!changed) {
		buf_free(&out);
		return NULL;
	}
	buf_add(&out, user_text + copied, length - copied);
	return buf_detach(&out);
}

int correct_query(sqlite3 *db, const char *user_text, size_t length,
		  char **corrected)
{
	struct words words = {0};
	int rc;

	*corrected = NULL;
	kb_tokenize(user_text, length, KB_TOKENIZE_QUERY, collect_word, &words);
	if (words.count == 0)
		return SEARCH_OK;
	/* as the query builder reads it: nothing after the last word */
	words.items[words.count - 1].open =
		words.items[words.count - 1].end == length;
	rc = read_vocabulary(db, &words);
	if (rc == SEARCH_OK)
		*corrected = rewrite(user_text, length, &words);
	return rc;
}
