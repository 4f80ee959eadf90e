/*
 * champions.h — inside db: for each token, the rows where it weighs the
 * most, kept as rows are written, so that a query matching most of a
 * large index scores a bounded set of candidate rows instead of every
 * match (search.c; bm25 over tens of thousands of rows is what made such
 * queries slow).
 *
 *   search_champions  token PRIMARY KEY, entries BLOB; WITHOUT ROWID.
 *             The rows that list the token among their CHAMPION_TOKENS
 *             best, best first: each entry CHAMPION_ENTRY_BYTES, the
 *             token's weight in the row and the row's home
 *             (search_home_rowid, which stays when the row shifts within
 *             its cluster of rowids), both big-endian. A row's best
 *             tokens are those of its title, heading and tags (weighted
 *             10, 5 and 3 as SEARCH_BM25_WEIGHTS; its body is left out,
 *             as the longest text and the least telling), the weight
 *             bm25's term frequency part times 1000, against
 *             CHAMPION_LENGTH tokens, so that it depends on the row alone.
 *
 * Each row added adds its entries (the writer hands over the tokens FTS5
 * makes as it indexes the row, see kb_tokenizer_observer, so the texts
 * are not tokenized twice), each row removed removes them (from its text
 * as stored, tokenized again), and the entries of a token are kept sorted, so
 * the table depends on the set of rows alone and an incremental build
 * leaves it as a clean build does.
 */
#ifndef KB_CHAMPIONS_H
#define KB_CHAMPIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "db/tokenizer.h"

/* Tokens a row lists among its champions. */
#define CHAMPION_TOKENS 8
/* The row length the weights are computed against, in tokens. */
#define CHAMPION_LENGTH 24
/* Bytes of one entry: weight (4), home (8). */
#define CHAMPION_ENTRY_BYTES 12

#define CHAMPIONS_SCHEMA_SQL \
	"CREATE TABLE search_champions(" \
	"token TEXT PRIMARY KEY NOT NULL, entries BLOB NOT NULL) " \
	"WITHOUT ROWID;"

/* Changes to the table not yet written. */
struct champions;

/* A new, empty counter; the caller frees it with champions_free. */
struct champions *champions_new(void);

/* Frees what champions_new gave; NULL is fine. */
void champions_free(struct champions *champions);

/* Counts one row, whose home rowid is home and whose texts are title,
 * heading and tags (NULL ones empty): +1 for a row added, -1 for a row
 * removed. */
void champions_count(struct champions *champions, const char *const texts[3],
		     sqlite3_int64 home, int sign);

/* champions_count in steps, for a caller that sees the row's tokens as
 * they are made (the search writer, while FTS5 indexes the row): begin,
 * then for each column (0 title, 1 heading, 2 tags) either
 * champions_column and champions_token for each of its tokens, in
 * KB_TOKENIZE_DOCUMENT mode, or champions_text with its text; then end.
 * The row comes out as champions_count makes it. */
void champions_begin(struct champions *champions, sqlite3_int64 home,
		     int sign);
void champions_column(struct champions *champions, int column);
/* A kb_token_callback: context is the champions; returns 0. */
int champions_token(void *context, const struct kb_token *token);
void champions_text(struct champions *champions, int column,
		    const char *text);
void champions_end(struct champions *champions);

/* The number of changes counted and not yet written. */
size_t champions_pending(const struct champions *champions);

/* Applies the counted changes to db's table and forgets them. Returns an
 * SQLite result code. */
int champions_write(struct champions *champions, sqlite3 *db);

/* Calls visit with the best rows of token (length bytes, as the
 * tokenizer writes it; with prefix, of every token starting with it,
 * each row once with its best weight): each row's home and the token's
 * weight there, best first, at most max. Returns the number visited; 0
 * when db has no such table. */
size_t champions_lookup(sqlite3 *db, const char *token, size_t length,
			bool prefix, size_t max,
			void (*visit)(void *context, sqlite3_int64 home,
				      int weight),
			void *context);

/* Whether db has the table (a kb.db written before it has not). */
bool champions_present(sqlite3 *db);

#endif
