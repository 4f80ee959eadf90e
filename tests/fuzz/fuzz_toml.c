/*
 * fuzz_toml.c — libFuzzer harness for the TOML front matter parser
 * (gen/content/toml.h), which reads the writer's text between "+++"
 * lines. Input: the TOML. The promises kept, or the harness aborts (a
 * crash for libFuzzer): no read past the input (ASan); a document
 * refused comes with exactly one error and no tree, at a line of the
 * input and a column within its line or just past its end; a document
 * read comes with no error, as a mapping whose every key and value is
 * at such a place.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const char *text;
	size_t length;
	bool bad;
};

/* True when line:col is in the text: lines from 1 (by "\n"), a column
 * at most one past the line's last character. */
static bool in_text(const struct bounds *bounds, unsigned line, unsigned col)
{
	const char *at = bounds->text, *end = bounds->text + bounds->length;
	const char *line_end;

	if (line == 0 || col == 0)
		return false;
	for (unsigned n = 1; n < line; n++) {
		at = memchr(at, '\n', (size_t)(end - at));
		if (at == NULL)
			return false;
		at++;
	}
	line_end = memchr(at, '\n', (size_t)(end - at));
	if (line_end == NULL)
		line_end = end;
	return col <= utf8_count(at, (size_t)(line_end - at)) + 1;
}

static void check_place(void *user, enum diag_severity severity,
			const char *path, unsigned line, unsigned col,
			const char *message)
{
	struct bounds *bounds = user;

	(void)severity;
	(void)path;
	(void)message;
	if (!in_text(bounds, line, col))
		bounds->bad = true;
}

static void check_tree(struct bounds *bounds, const struct yamldoc_node *node)
{
	if (!in_text(bounds, node->line, node->col) && node->type == YAMLDOC_SCALAR)
		bounds->bad = true;
	if (node->type == YAMLDOC_SCALAR && (node->text == NULL ||
					     strlen(node->text) > node->length))
		bounds->bad = true;
	for (size_t i = 0; i < node->count; i++) {
		if (node->type == YAMLDOC_MAPPING)
			check_tree(bounds, node->keys[i]);
		check_tree(bounds, node->items[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds bounds = {(const char *)data, size, false};
	bool ok;
	struct yamldoc_node *root = toml_parse((const char *)data, size,
					       "fuzz.toml", 1, &ok);

	if (ok != (diag_error_count() == 0) || ok != (root != NULL) ||
	    (!ok && diag_error_count() != 1))
		abort();
	if (root != NULL && root->type != YAMLDOC_MAPPING)
		abort();
	diag_each(check_place, &bounds);
	if (root != NULL)
		check_tree(&bounds, root);
	if (bounds.bad)
		abort();
	yamldoc_free(root);
	diag_clear();
	return 0;
}
