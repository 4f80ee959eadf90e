/*
 * jsondoc.h — JSON front matter (RFC 8259) read into yamldoc's located
 * tree, so frontmatter.c reads a JSON object as it reads YAML.
 *
 * Ours rather than a library: gen/base/json.c only writes JSON; a JSON
 * library would give neither a line:col for every key and value nor a
 * diagnostic where the writer fixes the mistake, and its tree would need
 * copying into struct yamldoc_node anyway. The grammar is small.
 *
 * The tree: an object is a YAMLDOC_MAPPING (keys are quoted scalars), an
 * array a YAMLDOC_SEQUENCE, a string a quoted scalar (escapes decoded),
 * a number a plain scalar of its text as written (checked against the
 * grammar, not converted), true/false/null plain scalars "true", "false",
 * "null" (so yamldoc_bool and yamldoc_is_null read them). Refused with a
 * located error: every syntax mistake (the first one ends the parse),
 * duplicate keys (each one reported), nesting deeper than
 * YAMLDOC_MAX_DEPTH, lone or invalid surrogates, "\u0000" (scalars are C
 * strings), and text after the closing '}' on its line.
 */
#ifndef KB_JSONDOC_H
#define KB_JSONDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "content/yamldoc.h"

/* Parses the JSON object that text starts with (after optional JSON
 * whitespace) up to its matching '}', as Hugo's front matter: the rest of
 * that line may hold only spaces and tabs. path names the file in
 * diagnostics; lines and columns count from text's start as line 1,
 * column 1. On success returns the mapping (the caller frees it with
 * yamldoc_free), sets *ok true and *end to the byte offset where the body
 * starts (after the closing line's newline, or length) and *end_line to
 * the line it starts on. On failure reports through diag, sets *ok false
 * and returns NULL (*end and *end_line left alone). */
struct yamldoc_node *jsondoc_parse(const char *text, size_t length,
				   const char *path, size_t *end,
				   unsigned *end_line, bool *ok);

#endif
