/*
 * query.h — inside db: the query builder search_build_query and
 * search_run share (see search.h, "Queries").
 */
#ifndef KB_QUERY_H
#define KB_QUERY_H

#include <stddef.h>
#include <sqlite3.h>

/* search_build_query, also giving in *singles what snippet_mark needs to
 * mark one-character prefix terms exactly: per phrase of the expression,
 * in order, its one-character prefix term or nothing, separated by US
 * (0x1F). With db (kb.db, for its readings) and MeCab's dictionary, a
 * query with a CJK run is analysed into content words (query_words.h);
 * with db NULL, or without the dictionary, the text is only tokenized
 * and quoted. On SEARCH_OK the caller owns and frees both; both are
 * NULL when the text has nothing searchable or the call fails. Returns
 * a search_status. */
int query_build(sqlite3 *db, const char *user_text, size_t length,
		char **fts_query, char **singles);

/* The tiers of an analysed expression with a CJK run of several content
 * words (a compound) or of one word with other forms: the same
 * expression with each such run written as its exact phrase alone, and
 * with each compound written as its words ANDed alone. exact matches a
 * subset of the expression's rows; loose matches the same rows, cheaper.
 * Both NULL when the expression has no such run. */
struct query_tiers {
	char *exact, *loose;
};

/* query_build, also giving the expression's tiers in *tiers (the
 * caller's to free with query_tiers_free, whatever the result). */
int query_build_tiers(sqlite3 *db, const char *user_text, size_t length,
		      char **fts_query, char **singles,
		      struct query_tiers *tiers);

/* Frees the tiers' expressions and clears them. */
void query_tiers_free(struct query_tiers *tiers);

#endif
