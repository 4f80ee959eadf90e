/*
 * toml.h — TOML front matter (Hugo's "+++" fences) as the located tree
 * yamldoc.h builds, so frontmatter.c reads both with the same code.
 *
 * Why a parser of our own: Debian 12 packages no C TOML library (only
 * C++ ones), and front matter needs little of TOML; ours is small, is
 * fuzzed (tests/fuzz/fuzz_toml.c), reports every mistake at the line:col
 * a writer fixes, and gives the same struct yamldoc_node tree as YAML.
 *
 * Read: comments; `key = value` with bare, quoted and dotted keys
 * (`a.b = 1`); tables `[a.b]`; arrays of tables `[[menu.main]]`; arrays
 * (over several lines, trailing comma allowed); inline tables `{a = 1}`
 * (on one line, as TOML 1.0 says); basic strings with the escapes \b \t
 * \n \f \r \" \\ \uXXXX \UXXXXXXXX; literal strings; multi-line basic and
 * literal strings; integers (with '_', 0x/0o/0b, kept as their decimal
 * text); floats (text without '_'); true/false; offset and local dates,
 * date-times and times (kept as written, with 't' and 'z' made upper
 * case, which front_matter_valid_date reads).
 * Every scalar is text: strings are not plain (node->plain false);
 * numbers, booleans and dates are plain, so yamldoc_bool and
 * yamldoc_long read them as they read YAML's.
 * Refused, each with an error at its place: a duplicate key, a table
 * defined twice, a key redefining a value, a value added to an inline
 * table or a static array, unclosed strings, arrays and inline tables,
 * a missing '=', a bad escape, a bad number or date, text without
 * quotes, nesting deeper than YAMLDOC_MAX_DEPTH. Parsing stops at the
 * first error.
 */
#ifndef KB_TOML_H
#define KB_TOML_H

#include <stdbool.h>
#include <stddef.h>

#include "content/yamldoc.h"

/* Parses length bytes of TOML into a mapping. path names the file in
 * diagnostics; first_line is the file line the text starts on (2 for
 * front matter after "+++"). Returns the root mapping (an empty one for
 * an empty document), or NULL after an error, which was reported through
 * diag and sets *ok false. The caller frees the result with yamldoc_free. */
struct yamldoc_node *toml_parse(const char *text, size_t length,
				const char *path, unsigned first_line, bool *ok);

#endif
