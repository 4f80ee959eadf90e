/*
 * snippet.h — inside db: a result's snippet (see search.h, "Snippets"):
 * the query's phrases marked in the row's text, and the reading of that
 * marked text.
 */
#ifndef KB_SNIPPET_H
#define KB_SNIPPET_H

#include <stdbool.h>
#include <stddef.h>

#include "db/search.h"

/* The phrases of an FTS5 expression query_build wrote, read for marking
 * them in a row's text. */
struct snippet_query;

/* Reads the quoted phrases of fts_query (and their '*'), each tokenized
 * as FTS5 tokenizes it, with singles (query_build's: per phrase, its
 * one-character prefix term or nothing, separated by US) to mark such
 * terms exactly. Never fails; the caller frees the result with
 * snippet_query_free. */
struct snippet_query *snippet_query_new(const char *fts_query,
					const char *singles);

/* How many phrases query holds. */
size_t snippet_query_phrase_count(const struct snippet_query *query);

/* Term number term of phrase number phrase, NUL-terminated and owned by
 * query, or NULL past the phrase's last term; *prefix says whether it is
 * a prefix (the last term of a phrase written with '*'). */
const char *snippet_query_term(const struct snippet_query *query,
			       size_t phrase, size_t term, bool *prefix);

/* Frees query; NULL is allowed. */
void snippet_query_free(struct snippet_query *query);

/* Whether text (one column of a row) holds every phrase of query with
 * at most distance tokens between the end of the first and the start of
 * the last (the other phrases' tokens among them), in any order: a NEAR
 * over the positions the index gives text, decided from the text alone
 * (a MATCH of one rowid walks the phrases' doclists). A query of no
 * phrases is never near. */
bool snippet_near(const struct snippet_query *query, const char *text,
		  size_t length, size_t distance);

/* Sets found[p] (the caller's array of snippet_query_phrase_count
 * entries; never cleared here) for each phrase p of query that occurs
 * in text, one column of a row: what FTS5 finds of the phrase there,
 * decided from the text alone. */
void snippet_find_phrases(const struct snippet_query *query,
			  const char *text, size_t length, bool *found);

/* About width characters of text (8 to 4096, else
 * SEARCH_SNIPPET_CHARACTERS), the window holding the most matches,
 * control characters as spaces, each run where a phrase of query occurs
 * between the bytes 0x02 and 0x03: every occurrence, whichever part of
 * the expression made the row match. The caller frees the result. */
char *snippet_mark(const struct snippet_query *query, const char *text,
		   size_t length, size_t width);

/* Reads length bytes of snippet_mark's result into *out: the text without
 * the markers, bytes that are not UTF-8 replaced by U+FFFD, and each
 * marked run a highlight (by its offsets in that text). The caller owns
 * *out (search_result_clear frees it with its result). */
void snippet_read(const char *marked, size_t length,
		  struct search_snippet *out);

#endif
