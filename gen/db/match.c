/*
 * match.c — an FTS5 expression of query_build's evaluated against the
 * phrases a row holds (match.h).
 */
#include "db/match.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

enum node_kind { NODE_PHRASE, NODE_AND, NODE_OR };

struct node {
	enum node_kind kind;
	size_t left, right; /* children, for AND and OR */
	size_t phrase;      /* for a phrase */
};

struct match_expr {
	struct node *nodes;
	size_t count, capacity;
	size_t root;
	size_t phrases;
};

enum token_kind {
	TOKEN_END,
	TOKEN_PHRASE,
	TOKEN_AND,
	TOKEN_OR,
	TOKEN_OPEN,
	TOKEN_CLOSE,
	TOKEN_BAD,
};

struct parser {
	const char *at;
	enum token_kind token; /* the next one, read ahead */
	struct match_expr *expr;
	unsigned depth;
};

/* Deeper nesting than query_build ever writes is refused. */
#define MAX_DEPTH 64

static void next_token(struct parser *parser)
{
	const char *at = parser->at;

	while (*at == ' ')
		at++;
	if (*at == '\0') {
		parser->token = TOKEN_END;
	} else if (*at == '"') {
		/* a quote inside a phrase is written twice */
		for (at++; *at != '\0' && !(at[0] == '"' && at[1] != '"');)
			at += at[0] == '"' ? 2 : 1;
		if (*at == '\0') {
			parser->token = TOKEN_BAD;
		} else {
			at++;
			if (*at == '*')
				at++;
			parser->token = TOKEN_PHRASE;
		}
	} else if (*at == '(' || *at == ')') {
		parser->token = *at++ == '(' ? TOKEN_OPEN : TOKEN_CLOSE;
	} else if (strncmp(at, "AND", 3) == 0 &&
		   (at[3] == ' ' || at[3] == '"' || at[3] == '(')) {
		parser->token = TOKEN_AND;
		at += 3;
	} else if (strncmp(at, "OR", 2) == 0 &&
		   (at[2] == ' ' || at[2] == '"' || at[2] == '(')) {
		parser->token = TOKEN_OR;
		at += 2;
	} else {
		parser->token = TOKEN_BAD;
	}
	parser->at = at;
}

static size_t add_node(struct match_expr *expr, struct node node)
{
	expr->nodes = xgrow(expr->nodes, &expr->capacity, expr->count + 1,
			    sizeof *expr->nodes);
	expr->nodes[expr->count] = node;
	return expr->count++;
}

static bool parse_or(struct parser *parser, size_t *out);

static bool parse_primary(struct parser *parser, size_t *out)
{
	if (parser->token == TOKEN_PHRASE) {
		*out = add_node(parser->expr,
				(struct node){.kind = NODE_PHRASE,
					      .phrase = parser->expr->phrases++});
		next_token(parser);
		return true;
	}
	if (parser->token != TOKEN_OPEN || ++parser->depth > MAX_DEPTH)
		return false;
	next_token(parser);
	if (!parse_or(parser, out) || parser->token != TOKEN_CLOSE)
		return false;
	parser->depth--;
	next_token(parser);
	return true;
}

static bool parse_and(struct parser *parser, size_t *out)
{
	size_t right;

	if (!parse_primary(parser, out))
		return false;
	for (;;) {
		if (parser->token == TOKEN_AND)
			next_token(parser);
		else if (parser->token != TOKEN_PHRASE &&
			 parser->token != TOKEN_OPEN)
			return true;
		if (!parse_primary(parser, &right))
			return false;
		*out = add_node(parser->expr, (struct node){
			.kind = NODE_AND, .left = *out, .right = right});
	}
}

static bool parse_or(struct parser *parser, size_t *out)
{
	size_t right;

	if (!parse_and(parser, out))
		return false;
	while (parser->token == TOKEN_OR) {
		next_token(parser);
		if (!parse_and(parser, &right))
			return false;
		*out = add_node(parser->expr, (struct node){
			.kind = NODE_OR, .left = *out, .right = right});
	}
	return true;
}

struct match_expr *match_parse(const char *fts_query)
{
	struct match_expr *expr = xcalloc(1, sizeof *expr);
	struct parser parser = {.at = fts_query ? fts_query : "",
				.expr = expr};

	next_token(&parser);
	if (!parse_or(&parser, &expr->root) || parser.token != TOKEN_END) {
		match_free(expr);
		return NULL;
	}
	return expr;
}

size_t match_phrase_count(const struct match_expr *expr)
{
	return expr->phrases;
}

static bool eval_node(const struct match_expr *expr, size_t index,
		      const bool *found)
{
	const struct node *node = &expr->nodes[index];

	switch (node->kind) {
	case NODE_PHRASE:
		return found[node->phrase];
	case NODE_AND:
		return eval_node(expr, node->left, found) &&
		       eval_node(expr, node->right, found);
	case NODE_OR:
	default:
		return eval_node(expr, node->left, found) ||
		       eval_node(expr, node->right, found);
	}
}

bool match_eval(const struct match_expr *expr, const bool *found)
{
	return expr->count > 0 && eval_node(expr, expr->root, found);
}

void match_free(struct match_expr *expr)
{
	if (expr == NULL)
		return;
	free(expr->nodes);
	free(expr);
}
