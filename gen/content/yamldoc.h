/*
 * yamldoc.h — a YAML document as a small tree that remembers where every
 * value came from, for front matter, site.yaml, UI strings and trees.
 *
 * libyaml accepts things a content file must not contain; the loader
 * refuses them with a diagnostic at the offending value:
 *   - duplicate keys in a mapping ("duplicate key 'x' (first at line N)");
 *   - aliases (*name), so an alias bomb cannot exhaust memory;
 *   - nesting deeper than YAMLDOC_MAX_DEPTH;
 *   - more than one document in a stream.
 * Every scalar is kept as text; typing is the reader's job (yamldoc_bool,
 * yamldoc_int...), so `id: no` stays the string "no".
 */
#ifndef KB_YAMLDOC_H
#define KB_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>

#define YAMLDOC_MAX_DEPTH 64

enum yamldoc_type { YAMLDOC_SCALAR, YAMLDOC_SEQUENCE, YAMLDOC_MAPPING };

struct yamldoc_node {
	enum yamldoc_type type;
	unsigned line, col;	/* 1-based, in the file (line offset applied) */
	/* scalar: */
	char *text;		/* NUL-terminated, owned by the node */
	size_t length;
	bool plain;		/* unquoted scalar (so `~`/`null` mean null) */
	/* sequence items, or mapping values: */
	struct yamldoc_node **items;
	/* mapping keys (scalars), parallel to items: */
	struct yamldoc_node **keys;
	size_t count;
};

/* Parses length bytes of YAML. path names the file in diagnostics;
 * first_line is the file line the text starts on (1 for a whole file, 2
 * for front matter after "---"). Returns the root node (NULL for an empty
 * document, or after an error). Every problem is reported through diag;
 * *ok is set false when any error was reported. The caller frees the
 * result with yamldoc_free. */
struct yamldoc_node *yamldoc_parse(const char *text, size_t length,
				   const char *path, unsigned first_line,
				   bool *ok);

void yamldoc_free(struct yamldoc_node *node);

/* The value under key in a mapping, or NULL (also when node is not a
 * mapping). Borrowed from the tree. When key_out is not NULL it receives
 * the key node. */
struct yamldoc_node *yamldoc_get(const struct yamldoc_node *mapping,
				 const char *key, struct yamldoc_node **key_out);

/* True when node is a plain null scalar ("", "~", "null"). */
bool yamldoc_is_null(const struct yamldoc_node *node);

/* Short human name of a type for messages: "a mapping", "a list",
 * "text". Static storage. */
const char *yamldoc_type_label(enum yamldoc_type type);

/* yamldoc_type_label of node's type. */
const char *yamldoc_type_name(const struct yamldoc_node *node);

/* Reads a boolean scalar (true/false/yes/no, any case). Returns false and
 * leaves *out alone when node is not one. */
bool yamldoc_bool(const struct yamldoc_node *node, bool *out);

/* Reads a decimal integer scalar. Returns false when node is not one or
 * it does not fit a long. */
bool yamldoc_long(const struct yamldoc_node *node, long *out);

#endif
