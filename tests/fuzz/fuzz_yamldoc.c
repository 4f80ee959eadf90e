/*
 * fuzz_yamldoc.c — libFuzzer harness for the located YAML loader
 * (gen/content/yamldoc.h) and its reports of parse errors where a writer
 * fixes them, which look at the lines around libyaml's marks: front
 * matter, site.yaml and the trees are the writer's text. Input: the YAML.
 * The promises kept, or the harness aborts (a crash for libFuzzer): no
 * read past the input (ASan); a document refused comes with at least one
 * error, each at a line of the input and a column within its line (or
 * just past its end; libyaml puts the end of the stream at column 1 of
 * the line after the last), in text whose lines end with "\n" (libyaml
 * also breaks lines at "\r", NEL, U+2028 and U+2029, and counts them);
 * a document loaded comes with none.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/yamldoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bounds {
	const char *text;
	size_t length;
	bool bad;
};

/* Lines and columns count from 1 (0 for a whole file never comes from
 * the loader); a column may be one past the line's last character. */
static void check_place(void *user, enum diag_severity severity,
			const char *path, unsigned line, unsigned col,
			const char *message)
{
	struct bounds *bounds = user;
	const char *at = bounds->text, *end = bounds->text + bounds->length;
	const char *line_end;

	(void)severity;
	(void)path;
	(void)message;
	for (unsigned n = 1; n < line; n++) {
		at = memchr(at, '\n', (size_t)(end - at));
		if (at == NULL) {
			/* the end of the stream, after the last line */
			if (n + 1 < line || col != 1)
				bounds->bad = true;
			return;
		}
		at++;
	}
	line_end = memchr(at, '\n', (size_t)(end - at));
	if (line_end == NULL)
		line_end = end;
	if (line == 0 || col == 0 ||
	    col > utf8_count(at, (size_t)(line_end - at)) + 2)
		bounds->bad = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounds bounds = {(const char *)data, size, false};
	bool ok;
	struct yamldoc_node *root = yamldoc_parse((const char *)data, size,
						  "fuzz.yaml", 1, &ok);

	if (ok != (diag_error_count() == 0))
		abort();
	/* lines broken otherwise than by "\n" are libyaml's to count */
	if (memchr(data, '\r', size) == NULL && memmem(data, size, "\xc2\x85", 2) == NULL &&
	    memmem(data, size, "\xe2\x80\xa8", 3) == NULL &&
	    memmem(data, size, "\xe2\x80\xa9", 3) == NULL)
		diag_each(check_place, &bounds);
	if (bounds.bad)
		abort();
	yamldoc_free(root);
	diag_clear();
	return 0;
}
