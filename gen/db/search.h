/*
 * search.h — the full-text index in kb.db and the queries run against it;
 * shared by the generator (which writes the index), `kbgen search` and the
 * CGI (which read it).
 *
 * Schema (search_schema_create):
 *
 *   search    FTS5 table, tokenize='kb' (see tokenizer.h), prefix='3'
 *             (an index of every token's first three characters: a
 *             Latin word typed last is a prefix, spf*, and without it
 *             FTS5 merges the doclists of every token it starts before
 *             reading the first row; CJK bigrams are too short for it,
 *             so it costs only the Latin words' postings), columns
 *             title, heading, tags, body (indexed) and url, anchor, kind
 *             (UNINDEXED); one row per article section (the intro, whose
 *             heading and anchor are NULL, and each `##` heading) and one
 *             per wizard node (kind 'node'); tags holds the article's
 *             tags, and in its first row also its description. Its rank
 *             is configured as bm25 with the weights below, so `ORDER BY
 *             rank` in the sqlite3 shell (after `.load build/kbtok`)
 *             agrees with search_run.
 *   search_rows  (url, id) PRIMARY KEY, WITHOUT ROWID: the rowids of
 *             each url's rows, so that an article's or a tree's rows are
 *             found without scanning the search table.
 *   articles  url PRIMARY KEY, title, section, description, updated;
 *             WITHOUT ROWID.
 *   search_rowmap  every row's rowid with its url's number (rowmap.h),
 *             written at each search_writer_flush after a change.
 *
 * Ranking: bm25 weighting title 10, heading 5, tags 3, body 1, times
 * SEARCH_NODE_WEIGHT for wizard nodes, so that an article outranks a node
 * that matches as well (a node's few lines would otherwise win on length).
 * Rows that hold a CJK run of the query exactly as typed (メールが届きません)
 * rank before every other row; when they fill the page, the other rows
 * are only counted, not scored. Then, among the best results of a query
 * of several words, those whose row holds every word near the others,
 * with the light verbs the expression leaves out (なる of SPFがエラーに
 * なる: SPFはエラーになり), rank before the rest: bm25 alone prefers the
 * rows that repeat the commonest word. That check reads the rows' text.
 * Equal scores are ordered by rowid, and a row's rowid depends on its
 * identity (kind, url, anchor) alone, never on when it was added: it is
 * the row's home, a 64-bit hash of url and anchor reduced to 2^22 rowids
 * from its kind's base (articles 1, wizard nodes SEARCH_NODE_ROWID_BASE =
 * 2^40), unless rows' homes collide; then the colliding rows take
 * consecutive rowids, sorted by (home, url, anchor), which again depends
 * only on the set of rows (see search_writer_flush). So a clean build and
 * any sequence of removals and additions leading to the same rows rank
 * ties alike. Ranking reads only the index (the kind is told by the
 * rowid range), but for the near check of the few best results, so a
 * word found in every row stays fast. The rank configured for the shell is the plain weighted bm25,
 * without the node weight.
 *
 * Queries: the user's text is split by the kb tokenizer and every term is
 * quoted (query.c); with kb.db's readings and MeCab's dictionary at hand,
 * each CJK run is first cut into content words, each a group of
 * alternatives: kana forms, the kanji words its reading names, a verb's
 * stem; a run of several words matches as the exact phrase, the words
 * near each other, or all of them (query_words.h). Either way nothing
 * typed is FTS5 syntax (AND, OR, NOT, NEAR, column:, quotes, *, ^,
 * parentheses are plain text or separators). Terms are ANDed; without
 * analysis, tokens joined without spaces (a CJK run, 5.1.1, v=spf1,
 * SPFレコード) form one phrase. A lone CJK
 * character is a prefix (迷 finds 迷惑), and so is the last word when
 * nothing follows it in the text (spf → "spf"*). Queries longer than
 * SEARCH_QUERY_MAX_CHARACTERS code points are refused with
 * SEARCH_TOO_LONG; text with nothing searchable is no query at all.
 *
 * Results: one per article or wizard node (rows grouped by url), ranked
 * by the article's best row, with its next best headed rows as sections;
 * the total counts articles and nodes. Rows are grouped through
 * search_rowmap (db/rowmap.h), which says each rowid's url by number, and
 * only the urls of the page's results are read.
 *
 * Broad queries: an expression matching more than 2,000 rows is ranked
 * through its terms' champions (champions.h) and read only in part: its
 * first 2,001 rows by rowid, and its best candidates, each checked
 * against its own text (match.h) when it lies past them, until the
 * page's results are known, and then every row of each result shown. A
 * tiered query (query.h) is read so when its run as typed is that broad
 * and its rows fill the page: then the rest of its rows, the words
 * apart, are not read but to complete the results shown. The page is the one reading every
 * match would give, and the total counts the results known so far: a
 * lower bound, said to be one (total_at_least). A page deeper than the
 * first rows reach reads every match, and its total is exact. Walking
 * every match of a common word and scoring it costs milliseconds per
 * ten thousand rows; a page needs a few dozen.
 *
 * Corrections: see correct.h; the vocabulary is read only when the words
 * as typed find next to nothing, so a query that finds results costs no
 * more for them.
 *
 * Snippets: a window of about SEARCH_SNIPPET_CHARACTERS characters of the
 * body (or of the column that matched, when the body did not), as plain
 * text with the byte ranges of each matched run of characters. Nothing
 * here escapes: each output escapes the text once, its own way (kb.cgi's
 * page as DOM text nodes and <mark> elements, JSON through base/json.h).
 * The rows shown are read by rowid and their phrases found by matching
 * the expression's phrases against the text's tokens (snippet.h): a MATCH
 * limited to a page's rows would walk every matching row. Every
 * occurrence of a phrase is marked, by its original bytes, the
 * overlapping ranges of CJK bigrams merged (which the built-in snippet()
 * cannot do).
 */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stdbool.h>
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

/* Wizard nodes' rowids start here (2^40); articles' are below. */
#define SEARCH_NODE_ROWID_BASE 1099511627776LL
#define SEARCH_NODE_ROWID_BASE_SQL "1099511627776"

/* Rows queued by a search_writer are written once they hold this many
 * bytes of text (and at search_writer_flush). When the writer is told how
 * many articles are still to come (search_writer_expect), its queues
 * shrink towards SEARCH_WRITER_LAST_QUEUE_BYTES as the end nears. */
#define SEARCH_WRITER_QUEUE_BYTES (8u << 20)
#define SEARCH_WRITER_LAST_QUEUE_BYTES (2u << 20)

enum search_status {
	SEARCH_OK = 0,
	SEARCH_TOO_LONG,   /* the query is longer than the limit */
	SEARCH_BAD_ROW,    /* a row or article lacks url, title or kind */
	SEARCH_NO_FTS5,    /* the SQLite library has no FTS5 */
	SEARCH_DATABASE,   /* SQLite failed; sqlite3_errmsg(db) says why */
	SEARCH_DUPLICATE,  /* a row of this kind, url and anchor exists */
	SEARCH_TOO_BROAD,  /* the query ran over its budget */
};

/* What one query may cost. Distinct phrases beyond SEARCH_MAX_TERMS are
 * left out (the first ones narrow enough), repeated ones merged, and at
 * most SEARCH_MAX_PREFIX_TERMS phrases end in a prefix: a prefix of one
 * CJK character expands to every bigram that starts with it. Whatever
 * still costs more than SEARCH_BUDGET_MS of the thread's CPU time is
 * stopped and answered SEARCH_TOO_BROAD. */
#define SEARCH_MAX_TERMS 12
#define SEARCH_MAX_PREFIX_TERMS 2
#define SEARCH_BUDGET_MS 250

/* What a connection that only searches kb.db memory-maps of it
 * (search_reader_setup): pages read in place from the page cache instead
 * of copied for each read, the larger part of a broad query's cost
 * otherwise. Address space only; the pages are the page cache's, shared
 * by every process reading the file. */
#define SEARCH_MMAP_BYTES 1073741824

/* A short English message for a search_status; static, never NULL. */
const char *search_strerror(int code);

/* Registers the kb tokenizer with db, with an observer the search writer
 * watches the indexed texts through (kb_tokenizer_observer). Needed
 * once per connection before the search table is used; search_schema_create
 * does it, and search_run does it by itself when a query first fails for
 * lack of it. Returns a search_status. */
int search_register(sqlite3 *db);

/* Sets up db, a connection that reads kb.db and never writes it, for
 * searching: up to SEARCH_MMAP_BYTES of the file memory-mapped. A file
 * that cannot be mapped is read as before (SQLite falls back by itself).
 * Returns a search_status. */
int search_reader_setup(sqlite3 *db);

/* Keeps the statements search_run prepares on db for the next queries
 * on it, instead of finalizing them after each: for a process that
 * answers many queries on one connection (kb.cgi's FastCGI mode), whose
 * queries then take them prepared. Call search_release_statements(db)
 * before sqlite3_close(db). At most 4 connections at once, from one
 * thread. Returns SEARCH_OK, or SEARCH_DATABASE when 4 are kept
 * already (the queries then prepare their statements as before). */
int search_keep_statements(sqlite3 *db);

/* Finalizes and forgets the statements kept for db; nothing when there
 * are none. */
void search_release_statements(sqlite3 *db);

/* How many statements are kept for db (for tests). */
size_t search_kept_statements(sqlite3 *db);

/* Registers (as search_register) and creates the search, search_rows,
 * articles, readings, champions and row map tables in db, which must not
 * have them yet. Returns a search_status. */
int search_schema_create(sqlite3 *db);

/* One row of the search table. url, kind ("article" or "node") and title
 * are required; the others may be NULL. Its identity is (kind, url,
 * anchor): no two rows share one. Nothing is kept after the call. */
struct search_row {
	const char *url;     /* "/delivery/spam-folder/" */
	const char *anchor;  /* heading id, or NULL for the intro or a node */
	const char *kind;    /* "article" or "node" */
	const char *title;   /* the article or node title */
	const char *heading; /* the section heading, NULL for the intro */
	const char *tags;    /* space separated */
	const char *body;    /* plain text */
};

/* One row of the articles table; url and title are required. */
struct search_article {
	const char *url;
	const char *title;
	const char *section;
	const char *description;
	const char *updated; /* ISO 8601 date */
};

/* The rowid a row of this identity gets when no other row's home
 * collides with it; 0 for a NULL url or an unknown kind. */
sqlite3_int64 search_home_rowid(const char *url, const char *anchor,
				const char *kind);

/* For tests only: reduces homes to span rowids per kind, so that rows
 * collide and fill clusters; 0 (or anything out of range) restores the
 * real span. Affects every connection; never call it in a program. */
void search_testing_set_rowid_span(sqlite3_int64 span);

/*
 * A writer: statements prepared once for all the rows of a build or an
 * update, and a queue of rows not yet written. Rows are written in rowid
 * order (FTS5 starts a new segment whenever a rowid goes down, and merging
 * segments is the index's main cost), so they are queued and written
 * sorted, when the queue passes SEARCH_WRITER_QUEUE_BYTES and at
 * search_writer_flush. Use it inside a transaction; the connection must
 * outlive the writer.
 */
struct search_writer;

/* Prepares a writer for db, which must have the schema. On SEARCH_OK the
 * caller owns *out (search_writer_free); otherwise *out is NULL. */
int search_writer_open(sqlite3 *db, struct search_writer **out);

/* Queues a copy of row (checked now: SEARCH_BAD_ROW). Writing may happen
 * now or later; a duplicate identity is reported (SEARCH_DUPLICATE) by
 * the call that writes it. Returns a search_status. */
int search_writer_add_row(struct search_writer *writer,
			  const struct search_row *row);

/* Writes every queued row, and the changes the rows added and removed
 * since the last call make to the readings and champion tables (which
 * the writer otherwise holds back: they add up). After an error the
 * queue is emptied and the rows written so far stay: roll the
 * transaction back. Returns a search_status. */
int search_writer_flush(struct search_writer *writer);

/* The row (as "url#anchor", or the url alone) the last failed flush
 * stopped at, for diagnostics; NULL when no flush failed. Borrowed from
 * the writer. */
const char *search_writer_failed_row(const struct search_writer *writer);

/* Says that `articles` more articles are still to be added (each with its
 * search_writer_add_article), so that the writer can make its last queues
 * small: a queue is written when it holds half the text those articles
 * are expected to bring (at the average so far), between
 * SEARCH_WRITER_LAST_QUEUE_BYTES and SEARCH_WRITER_QUEUE_BYTES. A build
 * that feeds the writer while pages render then ends with a short write
 * instead of a full queue's. The queue sizes, and so the index's
 * segments, depend only on the rows and this count: the same input gives
 * the same file. */
void search_writer_expect(struct search_writer *writer, size_t articles);

/* Adds one article's metadata now; a url added twice fails
 * (SEARCH_DATABASE). Returns a search_status. */
int search_writer_add_article(struct search_writer *writer,
			      const struct search_article *article);

/* Flushes, then removes every row of this kind whose url is url; the
 * other rows keep (or get back) exactly the rowids a clean build would
 * give them. Looks rows up through search_rows, never scanning the search
 * table. Removing nothing is fine. Returns a search_status. */
int search_writer_remove(struct search_writer *writer, const char *url,
			 const char *kind);

/* As search_writer_remove for every row of this kind whose url starts with
 * prefix (an empty prefix: all of them). */
int search_writer_remove_prefix(struct search_writer *writer,
				const char *prefix, const char *kind);

/* Removes url's row from the articles table, if any. Returns a
 * search_status. */
int search_writer_remove_article(struct search_writer *writer,
				 const char *url);

/* Finalizes the statements and frees the writer, dropping rows still
 * queued (flush first to keep them). NULL is fine. */
void search_writer_free(struct search_writer *writer);

/* Adds one row at once, through a writer of its own: for tests and small
 * tools (a build uses one writer for all its rows). Returns a
 * search_status. */
int search_add_row(sqlite3 *db, const struct search_row *row);

/* Adds one article's metadata, as search_writer_add_article. Returns a
 * search_status. */
int search_add_article(sqlite3 *db, const struct search_article *article);

/* Turns length bytes of user text into an FTS5 MATCH expression as
 * described above. On SEARCH_OK, *fts_query is a string the caller frees,
 * or NULL when the text has nothing searchable (empty, spaces,
 * punctuation). SEARCH_TOO_LONG leaves *fts_query NULL. */
int search_build_query(const char *user_text, size_t length,
		       char **fts_query);

/* A highlight: the bytes start..end (end excluded) of a snippet's text. */
struct search_highlight {
	size_t start, end;
};

/* A snippet: one line of valid UTF-8 (control characters are spaces,
 * bytes that were not UTF-8 are U+FFFD), "…" where it cuts the text, and
 * the matched runs in it, in order, none empty, none touching another. */
struct search_snippet {
	char *text;    /* never NULL; "" when the row has no text */
	size_t length; /* bytes of text */
	struct search_highlight *highlights;
	size_t highlight_count;
};

/* Calls visit for each run of snippet in order: the text between and
 * inside its highlights, marked true inside one. Empty runs are skipped,
 * so an empty snippet calls visit never. */
void search_snippet_runs(const struct search_snippet *snippet,
			 void (*visit)(void *user, const char *text,
				       size_t length, bool marked),
			 void *user);

/* Sections shown under a result, at most. */
#define SEARCH_MAX_SECTIONS 3

/* A section of a result's article that matches too: a row with a
 * heading, other than the one the result itself shows. */
struct search_section {
	char *anchor;  /* the heading's id; never NULL */
	char *heading; /* never NULL */
	struct search_snippet snippet;
	double rank;   /* bm25 score; lower is better */
};

/* One article or wizard node: its best-matching row, and under it its
 * next best rows that have a heading, best first. */
struct search_result {
	char *url;        /* the article's or node's URL, no #anchor; never NULL */
	const char *kind; /* "article" or "node"; static */
	char *anchor;     /* the best row's heading id, or NULL */
	char *title;      /* never NULL */
	char *heading;    /* the best row's heading; NULL for an intro or a node */
	struct search_snippet snippet; /* of the best row */
	double rank;      /* the best row's bm25 score; lower is better */
	struct search_section sections[SEARCH_MAX_SECTIONS];
	size_t section_count;
};

struct search_results {
	struct search_result *items;
	size_t count; /* items filled */
	size_t total; /* articles and nodes matching, beyond limit and offset */
	/* total is a lower bound: the query matches too many rows to read
	 * them all (see "Broad queries" above) */
	bool total_at_least;
	char *corrected; /* the text searched instead of the user's, or NULL */
};

/* Flags of search_run_flags. */
enum search_flag {
	SEARCH_NO_CORRECTION = 1 << 0, /* search the words as typed */
};

/* Runs the user's query: the best `limit` articles and nodes after
 * skipping `offset` of them, best first, and how many match. An article
 * ranks by its best row (score, then rowid) and shows that row and up to
 * SEARCH_MAX_SECTIONS more; no url appears twice. When the words as typed
 * find at most CORRECT_RARE_ROWS articles (correct.h), Latin words the
 * index lacks (or barely has) are corrected to their nearest indexed
 * word, and if that finds more, those results come back with
 * out->corrected set to the text searched. Text with nothing searchable
 * gives SEARCH_OK and no results. *out is always initialised; the caller
 * releases it with search_results_free whatever the result. Returns a
 * search_status. */
int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out);

/* search_run with a budget of budget_ms milliseconds of CPU time instead
 * of SEARCH_BUDGET_MS (the tests use a tiny one). */
int search_run_budget(sqlite3 *db, const char *user_text, size_t length,
		      size_t limit, size_t offset, double budget_ms,
		      struct search_results *out);

/* search_run_budget with enum search_flag flags. */
int search_run_flags(sqlite3 *db, const char *user_text, size_t length,
		     size_t limit, size_t offset, unsigned flags,
		     double budget_ms, struct search_results *out);

/* For tests only: an expression matching more than this many rows is
 * ranked through the champion tables (db/champions.h) instead of bm25
 * over every match; 0 restores the real limit. Never call it in a
 * program. */
void search_testing_set_champion_matches(size_t rows);

/* For tests only: false makes a broad query read every row it matches
 * (as with a page past what its first rows reach), true restores the
 * bounded reading. Never call it in a program. */
void search_testing_set_bounded(bool bounded);

/* Frees what one result holds (not result itself) and empties it. */
void search_result_clear(struct search_result *result);

/* Frees everything in results and empties it; safe on an emptied one. */
void search_results_free(struct search_results *results);

#endif
