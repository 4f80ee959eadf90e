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

/* How far apart, in tokens, a compound's words may be to count as near,
 * and the words of the near tier (struct query_tiers); the same number
 * as written in an expression. */
#define QUERY_NEAR_TOKENS 8
#define QUERY_STRINGIFY(x) #x
#define QUERY_TEXT(x) QUERY_STRINGIFY(x)
#define QUERY_NEAR_TOKENS_TEXT QUERY_TEXT(QUERY_NEAR_TOKENS)

/* The tiers of an analysed expression with a CJK run of several content
 * words (a compound) or of one word with other forms: the same
 * expression with each such run written as its exact phrase alone, and
 * with each compound written as its words ANDed alone. exact matches a
 * subset of the expression's rows; loose matches the same rows, cheaper.
 * Both NULL when the expression has no such run. */
struct query_tiers {
	char *exact, *loose;
	/* Every word of a query of several words, each by its first
	 * alternative that is not a prefix, with the light verbs the
	 * expression leaves out (なる of エラーになる, as the query's bigram
	 * of particle and verb), as one NEAR group: a row it matches says
	 * what the query says. Not for finding rows, only for ranking the
	 * best ones found (search.c); NULL for a query of one word, or
	 * when a word has only prefixes. */
	char *near;
};

/* query_build, also giving the expression's tiers in *tiers (the
 * caller's to free with query_tiers_free, whatever the result). */
int query_build_tiers(sqlite3 *db, const char *user_text, size_t length,
		      char **fts_query, char **singles,
		      struct query_tiers *tiers);

/* Frees the tiers' expressions and clears them. */
void query_tiers_free(struct query_tiers *tiers);

#endif
