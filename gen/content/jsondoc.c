/*
 * jsondoc.c — a recursive-descent reader of RFC 8259 JSON into yamldoc's
 * tree, with a location on every node and a diagnostic at the first
 * mistake (see jsondoc.h).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/jsondoc.h"

struct reader {
	const char *text;
	size_t length;
	size_t at;		/* the next byte */
	const char *path;
	unsigned line;		/* of at */
	size_t line_start;	/* byte offset of that line */
	bool failed;		/* an error was reported */
	bool stopped;		/* a syntax error was: the parse ends */
};

/* A place in the text, taken before a token is read. */
struct place {
	unsigned line, col;
};

static struct place here(const struct reader *reader, size_t byte)
{
	struct place place;

	/* byte is on the current line: tokens never span a newline except
	 * inside whitespace, which is skipped before places are taken */
	place.line = reader->line;
	place.col = (unsigned)utf8_count(reader->text + reader->line_start,
					 byte - reader->line_start) + 1;
	return place;
}

/* Reports the first mistake only: after it the parse stops, and what a
 * reader guesses past a syntax error is rarely the writer's mistake. */
static void __attribute__((format(printf, 3, 4)))
fail_place(struct reader *reader, struct place place, const char *format, ...)
{
	struct buf message = {0};
	va_list args;

	if (!reader->stopped) {
		va_start(args, format);
		buf_vprintf(&message, format, args);
		va_end(args);
		diag_error(reader->path, place.line, place.col, "%s",
			   buf_cstr(&message));
		buf_free(&message);
	}
	reader->stopped = reader->failed = true;
}

/* fail_place at byte, which is on the current line. */
#define fail_at(reader, byte, ...) \
	fail_place(reader, here(reader, byte), __VA_ARGS__)

static void skip_space(struct reader *reader)
{
	while (reader->at < reader->length) {
		char c = reader->text[reader->at];
		if (c == '\n') {
			reader->line++;
			reader->line_start = reader->at + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		reader->at++;
	}
}

static int peek(const struct reader *reader)
{
	return reader->at < reader->length
		? (unsigned char)reader->text[reader->at] : -1;
}

static struct yamldoc_node *node_at(const struct reader *reader,
				    enum yamldoc_type type, size_t byte)
{
	struct yamldoc_node *node = xcalloc(1, sizeof *node);
	struct place place = here(reader, byte);

	node->type = type;
	node->line = place.line;
	node->col = place.col;
	return node;
}

/* The one character at byte, for a message. Static storage. */
static const char *char_at(const struct reader *reader, size_t byte)
{
	static char character[8];
	size_t count = utf8_sequence(reader->text + byte, reader->length - byte);

	if (count == 0)
		count = 1;
	memcpy(character, reader->text + byte, count);
	character[count] = '\0';
	return character;
}

/* What the writer typed at byte, quoted for a message: one token of
 * letters, digits and a few number signs, or one character. Static
 * storage, so one message at a time. */
static const char *token_at(const struct reader *reader, size_t byte)
{
	static char token[40];
	size_t end = byte, count;

	while (end < reader->length && end - byte < 32 &&
	       (strchr("+-.", reader->text[end]) != NULL ||
		(reader->text[end] >= '0' && reader->text[end] <= '9') ||
		((reader->text[end] | 0x20) >= 'a' && (reader->text[end] | 0x20) <= 'z')))
		end++;
	if (end == byte)
		return char_at(reader, byte);
	count = end - byte;
	memcpy(token, reader->text + byte, count);
	token[count] = '\0';
	return token;
}

/* Reads the four hex digits after "\u" at byte (the backslash). */
static bool read_hex4(struct reader *reader, size_t byte, unsigned *out)
{
	unsigned value = 0;

	for (size_t i = 2; i < 6; i++) {
		int digit = byte + i < reader->length
			? hex_value(reader->text[byte + i]) : -1;
		if (digit < 0) {
			fail_at(reader, byte, "invalid JSON: '\\u' must be "
				"followed by four hex digits");
			return false;
		}
		value = value * 16 + (unsigned)digit;
	}
	*out = value;
	return true;
}

static void add_utf8(struct buf *out, unsigned code)
{
	if (code < 0x80) {
		buf_addc(out, (char)code);
	} else if (code < 0x800) {
		buf_addc(out, (char)(0xC0 | (code >> 6)));
		buf_addc(out, (char)(0x80 | (code & 0x3F)));
	} else if (code < 0x10000) {
		buf_addc(out, (char)(0xE0 | (code >> 12)));
		buf_addc(out, (char)(0x80 | ((code >> 6) & 0x3F)));
		buf_addc(out, (char)(0x80 | (code & 0x3F)));
	} else {
		buf_addc(out, (char)(0xF0 | (code >> 18)));
		buf_addc(out, (char)(0x80 | ((code >> 12) & 0x3F)));
		buf_addc(out, (char)(0x80 | ((code >> 6) & 0x3F)));
		buf_addc(out, (char)(0x80 | (code & 0x3F)));
	}
}

/* "\uXXXX" at byte (the backslash), with its low half when it is a high
 * surrogate; advances past it. */
static bool read_unicode(struct reader *reader, size_t byte, struct buf *out)
{
	unsigned code, low;
	char shown[8];

	if (!read_hex4(reader, byte, &code))
		return false;
	memcpy(shown, reader->text + byte, 6);
	shown[6] = '\0';
	reader->at = byte + 6;
	if (code >= 0xDC00 && code <= 0xDFFF) {
		fail_at(reader, byte, "invalid JSON: '%s' is the low half of a "
			"surrogate pair with no high half before it", shown);
		return false;
	}
	if (code >= 0xD800 && code <= 0xDBFF) {
		if (reader->at + 1 >= reader->length ||
		    reader->text[reader->at] != '\\' ||
		    reader->text[reader->at + 1] != 'u') {
			fail_at(reader, byte, "invalid JSON: '%s' is the high "
				"half of a surrogate pair with no low half "
				"('\\uDC00' to '\\uDFFF') after it", shown);
			return false;
		}
		if (!read_hex4(reader, reader->at, &low))
			return false;
		if (low < 0xDC00 || low > 0xDFFF) {
			fail_at(reader, byte, "invalid JSON: '%s' is the high "
				"half of a surrogate pair with no low half "
				"('\\uDC00' to '\\uDFFF') after it", shown);
			return false;
		}
		reader->at += 6;
		code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
	}
	if (code == 0) {
		fail_at(reader, byte, "invalid JSON: '%s' (NUL) cannot be in "
			"front matter", shown);
		return false;
	}
	add_utf8(out, code);
	return true;
}

/* A string at the '"' under reader->at: a quoted scalar, escapes
 * decoded. */
static struct yamldoc_node *read_string(struct reader *reader)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	size_t open = reader->at;
	struct buf text = {0};
	struct yamldoc_node *node;

	reader->at++;
	for (;;) {
		int c = peek(reader);
		const char *escape;

		if (c < 0 || c == '\n') {
			fail_at(reader, open, "invalid JSON: this string is not "
				"closed by a '\"' on its line");
			goto fail;
		}
		if (c == '"')
			break;
		if (c < 0x20) {
			fail_at(reader, reader->at, "invalid JSON: a control "
				"character (U+%04X) in a string: write it as "
				"\\u%04X", (unsigned)c, (unsigned)c);
			goto fail;
		}
		if (c != '\\') {
			buf_addc(&text, (char)c);
			reader->at++;
			continue;
		}
		c = reader->at + 1 < reader->length
			? (unsigned char)reader->text[reader->at + 1] : -1;
		if (c == 'u') {
			if (!read_unicode(reader, reader->at, &text))
				goto fail;
			continue;
		}
		escape = c > 0 ? strchr(escapes, c) : NULL;
		if (escape == NULL || (escape - escapes) % 2 != 0) {
			fail_at(reader, reader->at, "invalid JSON: unknown "
				"escape '\\%s' in a string (JSON knows \\\" \\\\ "
				"\\/ \\b \\f \\n \\r \\t \\uXXXX)",
				c < 0 ? "" : char_at(reader, reader->at + 1));
			goto fail;
		}
		buf_addc(&text, escape[1]);
		reader->at += 2;
	}
	node = node_at(reader, YAMLDOC_SCALAR, open);
	node->length = text.length;
	node->text = buf_detach(&text);
	reader->at++;
	return node;
fail:
	buf_free(&text);
	return NULL;
}

static size_t digits(const struct reader *reader, size_t byte)
{
	size_t count = 0;

	while (byte + count < reader->length &&
	       reader->text[byte + count] >= '0' && reader->text[byte + count] <= '9')
		count++;
	return count;
}

/* A number at reader->at, checked against RFC 8259's grammar:
 * -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static struct yamldoc_node *read_number(struct reader *reader)
{
	size_t start = reader->at, byte = start, count;
	const char *problem = NULL;
	struct yamldoc_node *node;

	if (reader->text[byte] == '-')
		byte++;
	count = digits(reader, byte);
	if (count == 0)
		problem = "a digit must follow the '-'";
	else if (reader->text[byte] == '0' && count > 1)
		problem = "a number cannot start with 0 and more digits";
	byte += count;
	if (problem == NULL && byte < reader->length && reader->text[byte] == '.') {
		count = digits(reader, ++byte);
		if (count == 0)
			problem = "a digit must follow the '.'";
		byte += count;
	}
	if (problem == NULL && byte < reader->length &&
	    (reader->text[byte] | 0x20) == 'e') {
		byte++;
		if (byte < reader->length &&
		    (reader->text[byte] == '+' || reader->text[byte] == '-'))
			byte++;
		count = digits(reader, byte);
		if (count == 0)
			problem = "a digit must follow the exponent's 'e'";
		byte += count;
	}
	/* "1x", "1.2.3": the token goes on where the grammar stopped */
	if (problem == NULL && byte < reader->length &&
	    strchr(".+-eE", reader->text[byte]) == NULL &&
	    (reader->text[byte] | 0x20) >= 'a' && (reader->text[byte] | 0x20) <= 'z')
		problem = "letters after the digits";
	else if (problem == NULL && byte < reader->length &&
		 strchr(".+-eE0123456789", reader->text[byte]) != NULL)
		problem = "more after the number's end";
	if (problem != NULL) {
		fail_at(reader, start, "invalid JSON: '%s' is not a number (%s)",
			token_at(reader, start), problem);
		return NULL;
	}
	node = node_at(reader, YAMLDOC_SCALAR, start);
	node->length = byte - start;
	node->text = xstrndup(reader->text + start, node->length);
	node->plain = true;
	reader->at = byte;
	return node;
}

static struct yamldoc_node *read_value(struct reader *reader, unsigned depth);

/* Sorts an object's keys to find the duplicates: by text, then by where
 * they are, so the first of equal keys comes first. */
static int key_order(const void *left_pointer, const void *right_pointer)
{
	const struct yamldoc_node *left = *(struct yamldoc_node *const *)left_pointer;
	const struct yamldoc_node *right = *(struct yamldoc_node *const *)right_pointer;
	size_t common = left->length < right->length ? left->length : right->length;
	int order = memcmp(left->text, right->text, common);

	if (order != 0)
		return order;
	if (left->length != right->length)
		return left->length < right->length ? -1 : 1;
	if (left->line != right->line)
		return left->line < right->line ? -1 : 1;
	return left->col < right->col ? -1 : left->col > right->col;
}

/* Reports every key that repeats an earlier one; O(n log n), so a long
 * object costs no quadratic time. */
static void report_duplicates(struct reader *reader,
			      const struct yamldoc_node *object)
{
	struct yamldoc_node **sorted;

	if (object->count < 2)
		return;
	sorted = xmalloc(object->count * sizeof *sorted);
	memcpy(sorted, object->keys, object->count * sizeof *sorted);
	qsort(sorted, object->count, sizeof *sorted, key_order);
	for (size_t i = 1, first = 0; i < object->count; i++) {
		if (sorted[i]->length != sorted[first]->length ||
		    memcmp(sorted[i]->text, sorted[first]->text,
			   sorted[i]->length) != 0) {
			first = i;
			continue;
		}
		diag_error(reader->path, sorted[i]->line, sorted[i]->col,
			   "duplicate key '%s' (first at line %u)",
			   sorted[i]->text, sorted[first]->line);
		reader->failed = true;
	}
	free(sorted);
}

static void append(struct yamldoc_node *parent, struct yamldoc_node *key,
		   struct yamldoc_node *value, size_t *capacity)
{
	size_t key_capacity = *capacity;

	parent->items = xgrow(parent->items, capacity, parent->count + 1,
			      sizeof *parent->items);
	if (key != NULL) {
		parent->keys = xgrow(parent->keys, &key_capacity,
				     parent->count + 1, sizeof *parent->keys);
		parent->keys[parent->count] = key;
	}
	parent->items[parent->count++] = value;
}

/* An object or an array at its opening bracket under reader->at. */
static struct yamldoc_node *read_container(struct reader *reader,
					   unsigned depth)
{
	size_t open = reader->at;
	bool object = reader->text[open] == '{';
	char close = object ? '}' : ']';
	struct yamldoc_node *node = node_at(reader, object ? YAMLDOC_MAPPING
					    : YAMLDOC_SEQUENCE, open);
	struct place opened = here(reader, open), comma_place = {0, 0};
	size_t capacity = 0, comma = 0;
	unsigned value_line = 0;

	reader->at++;
	for (;;) {
		struct yamldoc_node *key = NULL, *value;
		int c;

		skip_space(reader);
		c = peek(reader);
		if (c < 0) {
			fail_place(reader, opened, "invalid JSON: this '%c' is "
				   "not closed by a '%c'", object ? '{' : '[', close);
			goto fail;
		}
		if (c == close && comma == 0)
			break;
		if (c == close) {
			fail_place(reader, comma_place, "invalid JSON: a ',' before the "
				"closing '%s' (JSON allows no trailing comma)",
				object ? "}" : "]");
			goto fail;
		}
		if (node->count > 0 && comma == 0) {
			/* a front matter whose '}' was forgotten runs into
			 * the body: say so where the body starts */
			bool unclosed = object && depth == 1 &&
				reader->line > value_line;
			fail_at(reader, reader->at, "invalid JSON: expected ',' "
				"or '%c' after the %s, not '%s'%s", close,
				object ? "value" : "item",
				token_at(reader, reader->at), unclosed
				? ": is the front matter's closing '}' missing "
				  "above this line?" : "");
			goto fail;
		}
		if (object) {
			if (c != '"') {
				fail_at(reader, reader->at, "invalid JSON: a key "
					"must be a string in double quotes, not "
					"'%s'", token_at(reader, reader->at));
				goto fail;
			}
			key = read_string(reader);
			if (key == NULL)
				goto fail;
			skip_space(reader);
			if (peek(reader) != ':') {
				fail_at(reader, reader->at, "invalid JSON: "
					"expected ':' after the key '%s'",
					key->text);
				yamldoc_free(key);
				goto fail;
			}
			reader->at++;
			skip_space(reader);
		}
		value = read_value(reader, depth + 1);
		if (value == NULL) {
			yamldoc_free(key);
			goto fail;
		}
		append(node, key, value, &capacity);
		value_line = reader->line;
		skip_space(reader);
		comma = 0;
		if (peek(reader) == ',') {
			comma = reader->at;
			comma_place = here(reader, comma);
			reader->at++;
		}
	}
	reader->at++;
	if (object)
		report_duplicates(reader, node);
	return node;
fail:
	yamldoc_free(node);
	return NULL;
}

/* A value at reader->at (whitespace skipped). */
static struct yamldoc_node *read_value(struct reader *reader, unsigned depth)
{
	static const char *const words[] = {"true", "false", "null"};
	int c = peek(reader);

	if (depth > YAMLDOC_MAX_DEPTH) {
		fail_at(reader, reader->at, "nesting deeper than %d levels",
			YAMLDOC_MAX_DEPTH);
		return NULL;
	}
	if (c == '{' || c == '[')
		return read_container(reader, depth);
	if (c == '"')
		return read_string(reader);
	if (c == '-' || (c >= '0' && c <= '9'))
		return read_number(reader);
	for (size_t i = 0; i < 3; i++) {
		size_t count = strlen(words[i]);
		const char *token = c < 0 ? "" : token_at(reader, reader->at);
		if (strcmp(token, words[i]) == 0) {
			struct yamldoc_node *node =
				node_at(reader, YAMLDOC_SCALAR, reader->at);
			node->text = xstrndup(words[i], count);
			node->length = count;
			node->plain = true;
			reader->at += count;
			return node;
		}
	}
	if (c < 0)
		fail_at(reader, reader->at, "invalid JSON: a value is missing "
			"at the end");
	else
		fail_at(reader, reader->at, "invalid JSON: unexpected '%s': a "
			"value is a string in double quotes, a number, an "
			"object, an array, true, false or null",
			token_at(reader, reader->at));
	return NULL;
}

struct yamldoc_node *jsondoc_parse(const char *text, size_t length,
				   const char *path, size_t *end,
				   unsigned *end_line, bool *ok)
{
	struct reader reader = {text, length, 0, path, 1, 0, false, false};
	struct yamldoc_node *root = NULL;

	skip_space(&reader);
	if (peek(&reader) != '{') {
		fail_at(&reader, reader.at, "invalid JSON: front matter must be "
			"an object, in '{' and '}'");
		goto out;
	}
	root = read_value(&reader, 1);
	if (root == NULL)
		goto out;
	/* Hugo's body starts after the '}'; a writer's text on that line is
	 * taken for a mistake, as text after a closing '---' is */
	while (reader.at < length && (text[reader.at] == ' ' ||
				      text[reader.at] == '\t' ||
				      text[reader.at] == '\r'))
		reader.at++;
	if (reader.at < length && text[reader.at] != '\n') {
		fail_at(&reader, reader.at, "text after the front matter's "
			"closing '}' on its line: start the body on the next "
			"line");
		goto out;
	}
	if (reader.failed)
		goto out;
	*end = reader.at < length ? reader.at + 1 : length;
	*end_line = reader.line + 1;
out:
	*ok = !reader.failed;
	if (reader.failed) {
		yamldoc_free(root);
		root = NULL;
	}
	return root;
}
