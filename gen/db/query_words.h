/*
 * query_words.h — inside db: the analysed query, for query_build when
 * MeCab and the readings table are at hand. A CJK run of the query
 * (two characters or more) is cut into content words, each a group of
 * alternative phrases that must match (the word as written, its kana
 * forms, the kanji words its reading names, a verb's stem); everything
 * else is tokenized and quoted as the plain builder does.
 */
#ifndef KB_QUERY_WORDS_H
#define KB_QUERY_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "db/query.h"

/* Builds the analysed FTS5 expression of length bytes of user_text
 * (already checked against SEARCH_QUERY_MAX_CHARACTERS) into *fts_query
 * and *singles, as query_build describes, reading readings from db
 * (NULL: none). Returns false, with both NULL, when the text has no CJK
 * run to analyse or analysis is unavailable: the caller then builds the
 * plain query. On true the caller owns both; *fts_query may be NULL
 * when nothing is searchable. With tiers, also the expression's tiers
 * (query.h), the caller's to free with query_tiers_free. */
bool query_words_build(sqlite3 *db, const char *user_text, size_t length,
		       char **fts_query, char **singles,
		       struct query_tiers *tiers);

#endif
