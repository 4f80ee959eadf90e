/*
 * match.h — inside db: whether a row matches an expression query_build
 * wrote, decided in C from which of its phrases the row's text holds
 * (snippet_find_phrases), so that a query can check a few candidate
 * rows without FTS5 walking its terms' doclists for each (search.c).
 *
 * Understood: quoted phrases, each with an optional '*', AND, OR,
 * parentheses, and phrases side by side (ANDed), with FTS5's
 * precedence (AND binds tighter than OR). Anything else (NEAR, NOT,
 * column filters, '^', '+') is refused, and the caller asks FTS5.
 */
#ifndef KB_MATCH_H
#define KB_MATCH_H

#include <stdbool.h>
#include <stddef.h>

/* A parsed expression. */
struct match_expr;

/* Parses fts_query; its phrases are numbered in the order their quotes
 * open, as snippet_query_new numbers them. NULL when the expression
 * holds anything not understood, or is malformed. The caller frees the
 * result with match_free. */
struct match_expr *match_parse(const char *fts_query);

/* The number of phrases the expression holds. */
size_t match_phrase_count(const struct match_expr *expr);

/* Whether a row holding the phrases found[p] is true for matches the
 * expression. */
bool match_eval(const struct match_expr *expr, const bool *found);

/* Frees expr; NULL is fine. */
void match_free(struct match_expr *expr);

#endif
