/*
 * search.h — the full-text index in kb.db and the queries run against it;
 * shared by the generator (which writes the index), `kbgen search` and the
 * CGI (which read it).
 *
 * Schema (search_schema_create):
 *
 *   search    FTS5 table, tokenize='kb' (see tokenizer.h), columns
 *             title, heading, tags, body (indexed) and url, anchor, kind
 *             (UNINDEXED); one row per article section (the intro, whose
 *             heading and anchor are NULL, and each `##` heading) and one
 *             per wizard node (kind 'node'). Its rank is configured as
 *             bm25 with the weights below, so `ORDER BY rank` in the
 *             sqlite3 shell (after `.load build/kbtok`) agrees with
 *             search_run.
 *   articles  url PRIMARY KEY, title, section, description, updated.
 *
 * Ranking: bm25 weighting title 10, heading 5, tags 3, body 1, times
 * SEARCH_NODE_WEIGHT for wizard nodes, so that an article outranks a node
 * that matches as well (a node's few lines would otherwise win on length).
 * Equal scores are ordered by rowid: articles first, each kind in the order
 * its rows were added, so the order never depends on chance as long as the
 * generator adds rows in a fixed order (it does: builds are deterministic).
 * Ranking reads only the index, never the rows' text (article rows are
 * numbered from 1 and nodes from 2^40 to make that possible), so a word
 * found in every row stays fast. The rank configured for the shell is the
 * plain weighted bm25, without the node weight.
 *
 * Queries: the user's text is split by the kb tokenizer and every term is
 * quoted, so nothing typed is FTS5 syntax (AND, OR, NOT, NEAR, column:,
 * quotes, *, ^, parentheses are plain text or separators). Terms are ANDed;
 * tokens joined without spaces (a CJK run, 5.1.1, v=spf1, SPFレコード) form
 * one phrase, so 迷惑メール matches only that sequence. A lone CJK
 * character is a prefix (迷 finds 迷惑), and so is the last word when
 * nothing follows it in the text (spf → "spf"*). Queries longer than
 * SEARCH_QUERY_MAX_CHARACTERS code points are refused with
 * SEARCH_TOO_LONG; text with nothing searchable is no query at all.
 *
 * Snippets: a window of about SEARCH_SNIPPET_CHARACTERS characters of the
 * body (or of the column that matched, when the body did not), HTML-escaped,
 * with each matched run of characters inside <mark>…</mark>. They come from
 * the auxiliary function kb_snippet(search, characters), which places
 * control-character markers by token offsets (merging the overlapping
 * ranges of CJK bigrams, which the built-in snippet() cannot do); the
 * markers are replaced after escaping.
 */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stddef.h>
#include <sqlite3.h>

/* Longest query accepted, in code points (bytes that are not UTF-8 count
 * one each). Long enough for any sentence, short enough that a query can
 * never be expensive. */
#define SEARCH_QUERY_MAX_CHARACTERS 256

/* Snippet width in characters. */
#define SEARCH_SNIPPET_CHARACTERS 96

/* bm25 weights of title, heading, tags, body. */
#define SEARCH_BM25_WEIGHTS "10.0, 5.0, 3.0, 1.0"
/* The factor applied to a wizard node's score. */
#define SEARCH_NODE_WEIGHT "0.5"

enum search_status {
	SEARCH_OK = 0,
	SEARCH_TOO_LONG,   /* the query is longer than the limit */
	SEARCH_BAD_ROW,    /* a row or article lacks url, title or kind */
	SEARCH_NO_FTS5,    /* the SQLite library has no FTS5 */
	SEARCH_DATABASE,   /* SQLite failed; sqlite3_errmsg(db) says why */
};

/* A short English message for a search_status; static, never NULL. */
const char *search_strerror(int code);

/* Registers the kb tokenizer and the kb_snippet function with db. Needed
 * once per connection before the search table is used; search_schema_create
 * does it, and search_run does it by itself when a query first fails for
 * lack of them. Returns a search_status. */
int search_register(sqlite3 *db);

/* Registers (as search_register) and creates the search and articles
 * tables in db, which must not have them yet. Returns a search_status. */
int search_schema_create(sqlite3 *db);

/* One row of the search table. url, kind ("article" or "node") and title
 * are required; the others may be NULL. Nothing is kept after the call. */
struct search_row {
	const char *url;     /* "/delivery/spam-folder/" */
	const char *anchor;  /* heading id, or NULL for the intro or a node */
	const char *kind;    /* "article" or "node" */
	const char *title;   /* the article or node title */
	const char *heading; /* the section heading, NULL for the intro */
	const char *tags;    /* space separated */
	const char *body;    /* plain text */
};

/* Adds one row. Call inside a transaction when adding many (one commit
 * instead of one per row), and in a fixed order: it breaks ties in
 * ranking. Returns a search_status. */
int search_add_row(sqlite3 *db, const struct search_row *row);

/* One row of the articles table; url and title are required. */
struct search_article {
	const char *url;
	const char *title;
	const char *section;
	const char *description;
	const char *updated; /* ISO 8601 date */
};

/* Adds one article's metadata; a url added twice fails. Returns a
 * search_status. */
int search_add_article(sqlite3 *db, const struct search_article *article);

/* Turns length bytes of user text into an FTS5 MATCH expression as
 * described above. On SEARCH_OK, *fts_query is a string the caller frees,
 * or NULL when the text has nothing searchable (empty, spaces,
 * punctuation). SEARCH_TOO_LONG leaves *fts_query NULL. */
int search_build_query(const char *user_text, size_t length,
		       char **fts_query);

struct search_result {
	char *url;          /* never NULL */
	char *anchor;       /* heading id, or NULL */
	char *title;        /* never NULL */
	char *heading;      /* NULL for an intro or a node */
	char *snippet_html; /* escaped HTML with <mark>, never NULL */
	double rank;        /* bm25 score; lower is better */
};

struct search_results {
	struct search_result *items;
	size_t count; /* items filled */
	size_t total; /* rows matching, beyond limit and offset */
};

/* Runs the user's query: the best `limit` rows after skipping `offset`,
 * best first, and the total number of matching rows. Text with nothing
 * searchable gives SEARCH_OK and no results. *out is always initialised;
 * the caller releases it with search_results_free whatever the result.
 * Returns a search_status. */
int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out);

/* Frees everything in results and empties it; safe on an emptied one. */
void search_results_free(struct search_results *results);

#endif
