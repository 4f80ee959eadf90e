/*
 * snippet.h — inside db: kb_snippet, the FTS5 auxiliary function that
 * makes a result's snippet (see search.h, "Snippets"), and the reading of
 * what it returns.
 */
#ifndef KB_SNIPPET_H
#define KB_SNIPPET_H

#include <stddef.h>
#include <sqlite3.h>

#include "db/search.h"

/* kb_snippet(search [, characters [, singles]]), registered with FTS5 by
 * search_register: about `characters` characters of the row's body (or
 * of the column that matched, when the body is empty), control
 * characters as spaces, each matched run between the bytes 0x02 and
 * 0x03. singles is query_build's, to mark one-character prefix terms
 * exactly. The result is SQLite's. */
void snippet_kb_snippet(const Fts5ExtensionApi *api, Fts5Context *fts,
			sqlite3_context *context, int argument_count,
			sqlite3_value **arguments);

/* Reads length bytes of kb_snippet's result into *out: the text without
 * the markers, bytes that are not UTF-8 replaced by U+FFFD, and each
 * marked run a highlight (by its offsets in that text). The caller owns
 * *out (search_result_clear frees it with its result). */
void snippet_read(const char *marked, size_t length,
		  struct search_snippet *out);

#endif
