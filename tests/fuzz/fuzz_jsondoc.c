/*
 * fuzz_jsondoc.c — libFuzzer harness for the JSON front matter reader
 * (gen/content/jsondoc.h): the writer's text up to the object's '}'.
 * Input: the file's text. The promises kept, or the harness aborts (a
 * crash for libFuzzer): no read past the input (ASan); refused text
 * comes with at most one syntax error (the parse stops there) and any
 * duplicate-key errors found before it, each at a line of the input
 * (lines end with "\n" only) and a column at most one past its line's
 * end; read text comes with none, its body starts
 * at the start of a line within the input, on the line said, and every
 * node's place is in the input too; no scalar holds a NUL, and when the
 * input is valid UTF-8 so is every scalar (escapes never make a lone
 * surrogate).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/jsondoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const char *text;
	size_t length;
	bool valid_utf8;
	size_t syntax_errors;
};

/* True when line:col is a place in the input: a column up to one past
 * the line's last character (where an unclosed thing ends). */
static bool in_input(const struct input *input, unsigned line, unsigned col)
{
	const char *at = input->text, *end = input->text + input->length;
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

static void check_message(void *user, enum diag_severity severity,
			  const char *path, unsigned line, unsigned col,
			  const char *message)
{
	struct input *input = user;

	(void)path;
	if (severity != DIAG_ERROR || !in_input(input, line, col))
		abort();
	if (strncmp(message, "duplicate key '", 15) != 0 &&
	    ++input->syntax_errors > 1)
		abort();
}

static void check_tree(const struct input *input,
		       const struct yamldoc_node *node, unsigned depth)
{
	if (depth > YAMLDOC_MAX_DEPTH || !in_input(input, node->line, node->col))
		abort();
	if (node->type == YAMLDOC_SCALAR) {
		if (strlen(node->text) != node->length || node->count != 0)
			abort();
		if (input->valid_utf8 && !utf8_valid(node->text, node->length, NULL))
			abort();
		return;
	}
	if (node->type == YAMLDOC_MAPPING ? node->count > 0 && node->keys == NULL
	    : node->keys != NULL)
		abort();
	for (size_t i = 0; i < node->count; i++) {
		if (node->keys != NULL)
			check_tree(input, node->keys[i], depth + 1);
		check_tree(input, node->items[i], depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input input = {(const char *)data, size,
			      utf8_valid((const char *)data, size, NULL), 0};
	size_t end = SIZE_MAX, lines = 1;
	unsigned end_line = 0;
	bool ok;
	struct yamldoc_node *root = jsondoc_parse(input.text, size, "fuzz.md",
						  &end, &end_line, &ok);

	if (ok != (root != NULL) || ok != (diag_error_count() == 0))
		abort();
	diag_each(check_message, &input);
	if (root != NULL) {
		if (root->type != YAMLDOC_MAPPING || end > size)
			abort();
		for (size_t i = 0; i < end; i++)
			lines += data[i] == '\n';
		/* the body's line is the one after the '}': counted, or one
		 * more when the file ends on the '}' line with no newline */
		if (end < size ? (data[end - 1] != '\n' || end_line != lines)
		    : (end_line != lines && end_line != lines + 1))
			abort();
		check_tree(&input, root, 1);
	}
	yamldoc_free(root);
	diag_clear();
	return 0;
}
