/*
 * correct.h — inside db: typo correction of a query's Latin words against
 * the index's own vocabulary (see search.h, "Corrections").
 *
 * A word is a query token of ASCII letters and digits (after NFKC and case
 * folding, so ＳＦＰ is sfp) with at least one letter; CJK tokens and words
 * holding any other character are never corrected. Its neighbours are the
 * index's Latin terms at a Damerau–Levenshtein distance (optimal string
 * alignment: an adjacent transposition counts one edit) of at most
 * correct_max_distance. A word found in no row yields to its best
 * neighbour; a word found in at most CORRECT_RARE_ROWS rows only to one
 * found in CORRECT_RATIO times as many; a commoner word never changes,
 * nor does the word a query ends in when a longer term begins with it
 * (the query looks for it as a prefix: "Diag" is Diagnostic being typed).
 * The best neighbour is the nearest, then the one in most rows, then the
 * first in byte order, so the same index always gives the same answer.
 */
#ifndef KB_CORRECT_H
#define KB_CORRECT_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

/* Rows a word may be found in and still be corrected. */
#define CORRECT_RARE_ROWS 3
/* How many times more rows a neighbour of a rare word must be found in. */
#define CORRECT_RATIO 20
/* Longer words are never corrected (the distance table is bounded). */
#define CORRECT_WORD_MAX 32
/* Words of one query looked at; the others stay as typed. */
#define CORRECT_MAX_WORDS 8

/* The distance between the bytes a and b as above, or cap + 1 when it is
 * more than cap or either is longer than CORRECT_WORD_MAX. */
size_t correct_distance(const char *a, size_t a_length, const char *b,
			size_t b_length, size_t cap);

/* The largest distance a word of length bytes may be corrected by: 0
 * (never corrected) under 3 bytes, 1 for 3 and 4, 2 from 5. */
size_t correct_max_distance(size_t length);

/* Whether a word found in word_rows rows yields to a neighbour found in
 * neighbour_rows rows. */
bool correct_prefers(long long word_rows, long long neighbour_rows);

/* Whether the neighbour (term, distance, rows) is better than the best so
 * far (best, best_distance, best_rows), by the order above. */
bool correct_better(const char *term, size_t term_length, size_t distance,
		    long long rows, const char *best, size_t best_length,
		    size_t best_distance, long long best_rows);

/* The user's text with each word to correct replaced by its best
 * neighbour in the search table's vocabulary (in capitals when the word
 * was typed in capitals), read through an fts5vocab table it creates in
 * the temp schema. On SEARCH_OK *corrected is a string the caller frees,
 * or NULL when nothing changed. Returns a search_status. */
int correct_query(sqlite3 *db, const char *user_text, size_t length,
		  char **corrected);

#endif
