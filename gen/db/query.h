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

#endif
