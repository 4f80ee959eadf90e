/*
 * toml.c — TOML text to the located yamldoc tree: one pass over the
 * bytes, stopping at the first mistake with an error at its place.
 */
#include "content/toml.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

/* How a table or array came to be, which decides what may extend it
 * later (TOML forbids defining a table twice, or adding to an inline
 * table or a static array). A node with no mark is a table made on the
 * way to a [header]'s last key, or a static array. */
enum {
	MADE_BY_HEADER = 1,	/* [a.b]: may not be defined again */
	MADE_BY_DOTS = 2,	/* a.b = 1: may not become a [header] */
	FROZEN = 4,		/* { ... }: complete as written */
	TABLE_ARRAY = 8		/* [[a]]: more [[a]] append to it */
};

struct mark {
	const struct yamldoc_node *node;
	unsigned how;
};

struct place {
	unsigned line, col;
};

struct parser {
	const char *text;
	size_t length, at;
	size_t line_start;	/* offset of the current line's first byte */
	unsigned line;		/* file line of the current line */
	const char *path;
	bool failed;
	struct mark *marks;
	size_t mark_count, mark_capacity;
};

/* One key of a dotted key, as read. */
struct key_part {
	char *text;
	struct place place;
};

#define MAX_PARTS YAMLDOC_MAX_DEPTH

struct key {
	struct key_part parts[MAX_PARTS];
	size_t count;
	size_t start, end;	/* the key as written, for messages */
};

static struct place here(const struct parser *p)
{
	struct place place = {p->line, (unsigned)utf8_count(
			      p->text + p->line_start, p->at - p->line_start) + 1};
	return place;
}

static void fail(struct parser *p, struct place place, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

/* Reports the first error (later ones would follow from it). */
static void fail(struct parser *p, struct place place, const char *format, ...)
{
	va_list args;
	struct buf message = {0};

	if (p->failed)
		return;
	p->failed = true;
	va_start(args, format);
	buf_vprintf(&message, format, args);
	va_end(args);
	diag_error(p->path, place.line, place.col, "%s", buf_cstr(&message));
	buf_free(&message);
}

static int peek(const struct parser *p, size_t ahead)
{
	return p->at + ahead < p->length ? (unsigned char)p->text[p->at + ahead] : -1;
}

static bool at_newline(const struct parser *p)
{
	return peek(p, 0) == '\n' || (peek(p, 0) == '\r' && peek(p, 1) == '\n');
}

/* Consumes the line end at p->at (LF or CRLF). */
static void take_newline(struct parser *p)
{
	if (peek(p, 0) == '\r')
		p->at++;
	p->at++;
	p->line++;
	p->line_start = p->at;
}

static void skip_blanks(struct parser *p)
{
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
		p->at++;
}

/* Skips a comment to its line end; a control character in it (but a
 * tab) is an error, as TOML says. */
static void skip_comment(struct parser *p)
{
	if (peek(p, 0) != '#')
		return;
	while (p->at < p->length && !at_newline(p)) {
		int c = peek(p, 0);
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			fail(p, here(p), "invalid TOML: a control character "
			     "(U+%04X) in a comment", (unsigned)c);
			return;
		}
		p->at++;
	}
}

/* Skips blanks, comments and line ends (inside an array). */
static void skip_space(struct parser *p)
{
	for (;;) {
		skip_blanks(p);
		skip_comment(p);
		if (p->failed || !at_newline(p))
			return;
		take_newline(p);
	}
}

/* The rest of the line from offset, trimmed, at most 40 bytes cut at a
 * character, for quoting in a message. Caller frees. */
static char *rest_of_line(const struct parser *p, size_t offset)
{
	size_t end = offset;

	while (end < p->length && p->text[end] != '\n' && p->text[end] != '\r')
		end++;
	while (end > offset && (p->text[end - 1] == ' ' || p->text[end - 1] == '\t'))
		end--;
	if (end - offset > 40) {
		end = offset + 40;
		while (end > offset && ((unsigned char)p->text[end] & 0xC0) == 0x80)
			end--;
	}
	return xstrndup(p->text + offset, end - offset);
}

/* ---- the tree ---- */

static struct yamldoc_node *node_new(enum yamldoc_type type, struct place place)
{
	struct yamldoc_node *node = xcalloc(1, sizeof *node);

	node->type = type;
	node->line = place.line;
	node->col = place.col;
	return node;
}

static struct yamldoc_node *scalar_new(struct place place, struct buf *text,
				       bool plain)
{
	struct yamldoc_node *node = node_new(YAMLDOC_SCALAR, place);

	node->length = text->length;
	node->text = buf_detach(text);
	node->plain = plain;
	return node;
}

/* Appends an item (and its key, for a mapping). The capacity is implicit:
 * the arrays double whenever the count reaches a power of two. */
static void append(struct yamldoc_node *parent, struct yamldoc_node *key,
		   struct yamldoc_node *value)
{
	size_t count = parent->count;

	if (count == 0 || (count & (count - 1)) == 0) {
		size_t capacity = count ? count * 2 : 1;
		parent->items = xrealloc(parent->items, capacity * sizeof *parent->items);
		if (parent->type == YAMLDOC_MAPPING)
			parent->keys = xrealloc(parent->keys,
						capacity * sizeof *parent->keys);
	}
	if (parent->type == YAMLDOC_MAPPING)
		parent->keys[count] = key;
	parent->items[count] = value;
	parent->count++;
}

static unsigned how_made(const struct parser *p, const struct yamldoc_node *node)
{
	for (size_t i = 0; i < p->mark_count; i++)
		if (p->marks[i].node == node)
			return p->marks[i].how;
	return 0;
}

static void set_made(struct parser *p, const struct yamldoc_node *node,
		     unsigned how)
{
	for (size_t i = 0; i < p->mark_count; i++)
		if (p->marks[i].node == node) {
			p->marks[i].how |= how;
			return;
		}
	p->marks = xgrow(p->marks, &p->mark_capacity, p->mark_count + 1,
			 sizeof *p->marks);
	p->marks[p->mark_count].node = node;
	p->marks[p->mark_count++].how = how;
}

/* The index of key in mapping, or -1. */
static long find(const struct yamldoc_node *mapping, const char *key)
{
	for (size_t i = 0; i < mapping->count; i++)
		if (strcmp(mapping->keys[i]->text, key) == 0)
			return (long)i;
	return -1;
}

static struct yamldoc_node *key_node(const struct key_part *part)
{
	struct yamldoc_node *node = node_new(YAMLDOC_SCALAR, part->place);

	node->text = xstrdup(part->text);
	node->length = strlen(part->text);
	return node;
}

/* Adds an empty table under part in mapping and returns it. */
static struct yamldoc_node *add_table(struct yamldoc_node *mapping,
				      const struct key_part *part)
{
	struct yamldoc_node *table = node_new(YAMLDOC_MAPPING, part->place);

	append(mapping, key_node(part), table);
	return table;
}

/* ---- strings ---- */

static void add_utf8(struct buf *out, unsigned long code)
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

/* Reads the escape at p->at (a backslash) into out. */
static bool read_escape(struct parser *p, struct buf *out)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	struct place place = here(p);
	int c = peek(p, 1);
	const char *known = c > 0 ? strchr(from, c) : NULL;
	unsigned long code = 0;
	size_t digits;

	if (known != NULL) {
		buf_addc(out, to[known - from]);
		p->at += 2;
		return true;
	}
	if (c != 'u' && c != 'U') {
		char *shown = c < 0x21 || c > 0x7E ? xstrdup("\\")
			: xasprintf("\\%c", c);
		fail(p, place, "invalid TOML: '%s' is not an escape (write "
		     "\\\\ for a backslash)", shown);
		free(shown);
		return false;
	}
	digits = c == 'u' ? 4 : 8;
	for (size_t i = 0; i < digits; i++) {
		int d = peek(p, 2 + i);
		const char *hex = "0123456789abcdef";
		const char *digit = d > 0 ? strchr(hex, d | 0x20) : NULL;
		if (digit == NULL || d == 0) {
			fail(p, place, "invalid TOML: '\\%c' needs %zu hex "
			     "digits", c, digits);
			return false;
		}
		code = code * 16 + (unsigned long)(digit - hex);
	}
	if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
		fail(p, place, "invalid TOML: '\\%c%.*s' is not a Unicode "
		     "character", c, (int)digits, p->text + p->at + 2);
		return false;
	}
	add_utf8(out, code);
	p->at += 2 + digits;
	return true;
}

/* A control character (but a tab) may not be in a string as itself. */
static bool control_character(struct parser *p)
{
	int c = peek(p, 0);

	if ((c >= 0x20 || c == '\t') && c != 0x7F)
		return false;
	fail(p, here(p), "invalid TOML: a control character (U+%04X) in a "
	     "string; write it as \\u%04X", (unsigned)c, (unsigned)c);
	return true;
}

/* Reads a one-line string at p->at (its opening quote) into out. */
static bool read_line_string(struct parser *p, struct buf *out)
{
	char quote = p->text[p->at];
	struct place opening = here(p);

	p->at++;
	for (;;) {
		int c = peek(p, 0);
		if (c == quote) {
			p->at++;
			return true;
		}
		if (c < 0 || at_newline(p)) {
			fail(p, opening, "invalid TOML: this quote (%c) is not "
			     "closed on its line", quote);
			return false;
		}
		if (c == '\\' && quote == '"') {
			if (!read_escape(p, out))
				return false;
			continue;
		}
		if (control_character(p))
			return false;
		buf_addc(out, (char)c);
		p->at++;
	}
}

/* Reads a multi-line string at p->at (its three opening quotes). */
static bool read_long_string(struct parser *p, struct buf *out)
{
	char quote = p->text[p->at];
	struct place opening = here(p);

	p->at += 3;
	if (at_newline(p))
		take_newline(p);	/* a line end right after the quotes is dropped */
	for (;;) {
		int c = peek(p, 0);
		if (c == quote && peek(p, 1) == quote && peek(p, 2) == quote) {
			size_t run = 3;
			while (run < 5 && peek(p, run) == quote)
				run++;	/* up to two quotes end the text */
			for (size_t i = 3; i < run; i++)
				buf_addc(out, quote);
			p->at += run;
			return true;
		}
		if (c < 0) {
			fail(p, opening, "invalid TOML: these quotes (%c%c%c) "
			     "are not closed", quote, quote, quote);
			return false;
		}
		if (at_newline(p)) {
			take_newline(p);
			buf_addc(out, '\n');
			continue;
		}
		if (c == '\\' && quote == '"') {
			/* a backslash ending a line drops the line end and
			 * the blanks after it */
			size_t after = p->at + 1;
			while (after < p->length && (p->text[after] == ' ' ||
						     p->text[after] == '\t'))
				after++;
			if (after < p->length && (p->text[after] == '\n' ||
						  (p->text[after] == '\r' &&
						   after + 1 < p->length &&
						   p->text[after + 1] == '\n'))) {
				p->at = after;
				while (at_newline(p) || peek(p, 0) == ' ' ||
				       peek(p, 0) == '\t') {
					if (at_newline(p))
						take_newline(p);
					else
						p->at++;
				}
				continue;
			}
			if (!read_escape(p, out))
				return false;
			continue;
		}
		if (control_character(p))
			return false;
		buf_addc(out, (char)c);
		p->at++;
	}
}

static bool read_string(struct parser *p, struct buf *out)
{
	char quote = p->text[p->at];

	if (peek(p, 1) == quote && peek(p, 2) == quote)
		return read_long_string(p, out);
	return read_line_string(p, out);
}

/* ---- keys ---- */

static bool bare_key_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static void free_key(struct key *key)
{
	for (size_t i = 0; i < key->count; i++)
		free(key->parts[i].text);
	key->count = 0;
}

/* Reads a (dotted) key at p->at into *key; on failure the parts read
 * are left for read_key to free. */
static bool read_key_parts(struct parser *p, struct key *key)
{
	key->count = 0;
	key->start = p->at;
	for (;;) {
		struct key_part part = {NULL, here(p)};
		struct buf text = {0};
		int c = peek(p, 0);

		if (key->count == MAX_PARTS) {
			fail(p, part.place, "nesting deeper than %d levels",
			     YAMLDOC_MAX_DEPTH);
			return false;
		}
		if (c == '"' || c == '\'') {
			if (peek(p, 1) == c && peek(p, 2) == c) {
				fail(p, part.place, "invalid TOML: a key cannot "
				     "be a multi-line string");
				return false;
			}
			if (!read_line_string(p, &text)) {
				buf_free(&text);
				return false;
			}
		} else if (bare_key_char(c)) {
			while (bare_key_char(peek(p, 0)))
				buf_addc(&text, (char)p->text[p->at++]);
		} else {
			char *shown = rest_of_line(p, p->at);
			if (*shown == '\0')
				fail(p, part.place, "invalid TOML: a key is "
				     "missing here");
			else
				fail(p, part.place, "invalid TOML: '%s' does not "
				     "start with a key (a name of letters, digits, "
				     "'_' and '-', or text in quotes)", shown);
			free(shown);
			return false;
		}
		part.text = buf_detach(&text);
		key->parts[key->count++] = part;
		key->end = p->at;
		skip_blanks(p);
		if (peek(p, 0) != '.')
			return true;
		p->at++;
		skip_blanks(p);
	}
}

/* Reads a (dotted) key at p->at into *key, which the caller frees with
 * free_key when this returns true (and finds empty when false). */
static bool read_key(struct parser *p, struct key *key)
{
	if (read_key_parts(p, key))
		return true;
	free_key(key);
	return false;
}

/* The key as written, for messages. Caller frees. */
static char *key_text(const struct parser *p, const struct key *key)
{
	return xstrndup(p->text + key->start, key->end - key->start);
}

/* ---- values ---- */

static struct yamldoc_node *read_value(struct parser *p, unsigned depth);

/* True when c ends a bare value. */
static bool value_end(int c)
{
	return c < 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '#' || c == ',' || c == ']' || c == '}';
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool digits_at(const char *text, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (!is_digit((unsigned char)text[i]))
			return false;
	return true;
}

/* Length of a date, time or date-time at text (count bytes), or 0. */
static size_t date_length(const char *text, size_t count)
{
	size_t at = 0;

	if (count >= 10 && digits_at(text, 4) && text[4] == '-' &&
	    digits_at(text + 5, 2) && text[7] == '-' && digits_at(text + 8, 2)) {
		at = 10;
		if (at + 1 >= count || !strchr("Tt ", text[at]) ||
		    !is_digit((unsigned char)text[at + 1]))
			return at;
		at++;
	}
	if (count - at < 5 || !digits_at(text + at, 2) || text[at + 2] != ':' ||
	    !digits_at(text + at + 3, 2))
		return at == 11 ? 10 : at;
	at += 5;
	if (at + 2 < count && text[at] == ':' && digits_at(text + at + 1, 2)) {
		at += 3;
		if (at + 1 < count && text[at] == '.' &&
		    is_digit((unsigned char)text[at + 1])) {
			at++;
			while (at < count && is_digit((unsigned char)text[at]))
				at++;
		}
	}
	if (at < count && (text[at] == 'Z' || text[at] == 'z'))
		return at + 1;
	if (at + 6 <= count && (text[at] == '+' || text[at] == '-') &&
	    digits_at(text + at + 1, 2) && text[at + 3] == ':' &&
	    digits_at(text + at + 4, 2))
		return at + 6;
	return at;
}

static int two_digits(const char *text)
{
	return (text[0] - '0') * 10 + (text[1] - '0');
}

/* True when the fields of a date_length text are in range (the days of
 * each month are front_matter_valid_date's to check, for the dates it
 * reads). */
static bool date_in_range(const char *text, size_t count)
{
	size_t time = 0;

	if (count >= 10 && text[4] == '-') {
		int month = two_digits(text + 5), day = two_digits(text + 8);
		if (month < 1 || month > 12 || day < 1 || day > 31)
			return false;
		time = 11;
	}
	if (time >= count)
		return true;
	if (two_digits(text + time) > 23 || two_digits(text + time + 3) > 59)
		return false;
	return !(time + 5 < count && text[time + 5] == ':' &&
		 two_digits(text + time + 6) > 60);
}

/* A run of digits in base (1-9, 16) with single '_' between digits, from
 * text[at]; appends the digits to out and returns the end, or 0 when the
 * run is not one. */
static size_t digit_run(const char *text, size_t at, size_t end, int base,
			struct buf *out)
{
	size_t start = at;

	for (; at < end; at++) {
		int c = (unsigned char)text[at];
		bool digit = base == 16 ? strchr("0123456789abcdefABCDEF", c) != NULL
			: c >= '0' && c < '0' + base;
		if (c == 0)
			return 0;
		if (digit) {
			buf_addc(out, (char)c);
			continue;
		}
		if (c != '_' || at == start || at + 1 >= end)
			break;
		c = (unsigned char)text[at + 1];
		if (!(base == 16 ? strchr("0123456789abcdefABCDEF", c) != NULL && c
		      : c >= '0' && c < '0' + base))
			return 0;
	}
	return at > start ? at : 0;
}

/* Reads a number, a boolean or a date of count bytes at p->at into a
 * plain scalar. */
static struct yamldoc_node *read_bare(struct parser *p, size_t count)
{
	const char *text = p->text + p->at;
	struct place place = here(p);
	struct buf out = {0};
	size_t at = 0, date = date_length(text, count);
	int base = 10;
	bool negative = false;

	if ((count == 4 && memcmp(text, "true", 4) == 0) ||
	    (count == 5 && memcmp(text, "false", 5) == 0)) {
		buf_add(&out, text, count);
		goto done;
	}
	if (date == count && date > 0 && !date_in_range(text, count)) {
		fail(p, place, "invalid TOML: '%.*s' is not a date: a month, "
		     "day, hour, minute or second is out of range", (int)count, text);
		return NULL;
	}
	if (date == count && date > 0) {
		for (size_t i = 0; i < count; i++)
			buf_addc(&out, text[i] == 't' ? 'T' : text[i] == 'z' ? 'Z'
				 : text[i]);
		goto done;
	}
	if (text[0] == '+' || text[0] == '-') {
		negative = text[0] == '-';
		at = 1;
	}
	if (count - at == 3 && (memcmp(text + at, "inf", 3) == 0 ||
				memcmp(text + at, "nan", 3) == 0)) {
		buf_add(&out, text, count);
		goto done;
	}
	if (at == 0 && count > 2 && text[0] == '0' && strchr("xob", text[1])) {
		base = text[1] == 'x' ? 16 : text[1] == 'o' ? 8 : 2;
		at = 2;
	}
	if (at < count && (base != 10 || is_digit((unsigned char)text[at]))) {
		struct buf digits = {0};
		size_t end = digit_run(text, at, count, base, &digits);
		if (end == count && base == 10 && digits.length > 1 &&
		    digits.data[0] == '0') {
			buf_free(&digits);
			fail(p, place, "invalid TOML: '%.*s': a number cannot "
			     "start with 0", (int)count, text);
			return NULL;
		}
		if (end == count) {
			unsigned long long value = 0, limit = negative
				? (unsigned long long)INT64_MAX + 1 : INT64_MAX;
			for (size_t i = 0; i < digits.length; i++) {
				int c = digits.data[i] | 0x20;
				unsigned d = (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
				if (value > (limit - d) / (unsigned)base) {
					buf_free(&digits);
					fail(p, place, "invalid TOML: %.*s does not "
					     "fit in 64 bits", (int)count, text);
					return NULL;
				}
				value = value * (unsigned)base + d;
			}
			buf_free(&digits);
			if (negative && value > 0)
				buf_printf(&out, "-%llu", value);
			else
				buf_printf(&out, "%llu", value);
			goto done;
		}
		buf_free(&digits);
		if (base == 10 && end > 0) {
			/* a float: int part, then a fraction, an exponent or both */
			size_t next = end;
			bool whole = !(end - at > 1 && text[at] == '0');
			if (negative)
				buf_addc(&out, '-');
			digit_run(text, at, end, 10, &out);
			if (whole && next < count && text[next] == '.') {
				buf_addc(&out, '.');
				next = digit_run(text, next + 1, count, 10, &out);
			}
			if (whole && next > 0 && next < count &&
			    (text[next] == 'e' || text[next] == 'E')) {
				buf_addc(&out, 'e');
				next++;
				if (next < count && (text[next] == '+' || text[next] == '-'))
					buf_addc(&out, text[next++]);
				next = digit_run(text, next, count, 10, &out);
			}
			if (whole && next == count)
				goto done;
		}
	}
	buf_free(&out);
	if (is_digit((unsigned char)text[0]) && count >= 5 && (text[2] == ':' ||
							       text[4] == '-'))
		fail(p, place, "invalid TOML: '%.*s' is not a date (write "
		     "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional zone)",
		     (int)count, text);
	else if (is_digit((unsigned char)text[0]) || text[0] == '+' ||
		 text[0] == '-' || text[0] == '.')
		fail(p, place, "invalid TOML: '%.*s' is not a number",
		     (int)count, text);
	else {
		char *shown = rest_of_line(p, p->at);
		fail(p, place, "invalid TOML: '%s' is not a value; write text "
		     "in quotes (\"...\")", shown);
		free(shown);
	}
	return NULL;
done:
	p->at += count;
	return scalar_new(place, &out, true);
}

static bool insert(struct parser *p, struct yamldoc_node *table,
		   struct key *key, struct yamldoc_node *value, unsigned depth);

/* Reads an array at p->at (its '['). */
static struct yamldoc_node *read_array(struct parser *p, unsigned depth)
{
	struct yamldoc_node *array = node_new(YAMLDOC_SEQUENCE, here(p));
	struct place opening = here(p);

	p->at++;
	for (;;) {
		struct yamldoc_node *item;
		skip_space(p);
		if (p->failed)
			break;
		if (peek(p, 0) == ']') {
			p->at++;
			return array;
		}
		if (peek(p, 0) < 0 || peek(p, 0) == ',' || peek(p, 0) == '}')
			goto unclosed;
		item = read_value(p, depth + 1);
		if (item == NULL)
			break;
		append(array, NULL, item);
		skip_space(p);
		if (p->failed)
			break;
		if (peek(p, 0) == ',') {
			p->at++;
			continue;
		}
		if (peek(p, 0) == ']')
			continue;
		goto unclosed;
	}
	yamldoc_free(array);
	return NULL;
unclosed:
	fail(p, opening, "invalid TOML: this '[' is not closed by a ']', or "
	     "its items are not separated by ','");
	yamldoc_free(array);
	return NULL;
}

/* Reads an inline table at p->at (its '{'), on one line. */
static struct yamldoc_node *read_inline_table(struct parser *p, unsigned depth)
{
	struct place opening = here(p);
	struct yamldoc_node *table = node_new(YAMLDOC_MAPPING, opening);

	p->at++;
	skip_blanks(p);
	if (peek(p, 0) == '}') {
		p->at++;
		set_made(p, table, FROZEN);
		return table;
	}
	for (;;) {
		struct key key;
		struct yamldoc_node *value;
		struct place equals;
		int c;

		skip_blanks(p);
		c = peek(p, 0);
		if (c < 0 || c == '\n' || c == '\r' || c == '#')
			goto unclosed;
		if (!read_key(p, &key))
			break;
		if (peek(p, 0) != '=') {
			char *name = key_text(p, &key);
			fail(p, key.parts[0].place, "invalid TOML: '%s' has no "
			     "'=' after its key (write 'key = value')", name);
			free(name);
			free_key(&key);
			break;
		}
		equals = here(p);
		p->at++;
		skip_blanks(p);
		c = peek(p, 0);
		if (c < 0 || c == '\n' || c == '\r' || c == '#' || c == ',' ||
		    c == '}') {
			fail(p, equals, "invalid TOML: no value after this '='");
			free_key(&key);
			break;
		}
		value = read_value(p, depth + 1);
		if (value == NULL || !insert(p, table, &key, value, depth)) {
			free_key(&key);
			break;
		}
		free_key(&key);
		skip_blanks(p);
		if (peek(p, 0) == ',') {
			p->at++;
			skip_blanks(p);
			if (peek(p, 0) != '}')
				continue;
		}
		if (peek(p, 0) == '}') {
			p->at++;
			set_made(p, table, FROZEN);
			return table;
		}
		goto unclosed;
	}
	yamldoc_free(table);
	return NULL;
unclosed:
	if (p->at >= p->length || at_newline(p) || peek(p, 0) == '#' ||
	    peek(p, 0) == '\r')
		fail(p, opening, "invalid TOML: this '{' is not closed on its "
		     "line: an inline table is written on one line");
	else
		fail(p, opening, "invalid TOML: this '{' is not closed by a '}', "
		     "or its items are not separated by ','");
	yamldoc_free(table);
	return NULL;
}

/* Reads the value at p->at. */
static struct yamldoc_node *read_value(struct parser *p, unsigned depth)
{
	struct place place = here(p);
	size_t count = 0;
	int c = peek(p, 0);

	if (depth > YAMLDOC_MAX_DEPTH) {
		fail(p, place, "nesting deeper than %d levels", YAMLDOC_MAX_DEPTH);
		return NULL;
	}
	if (c == '"' || c == '\'') {
		struct buf text = {0};
		if (!read_string(p, &text)) {
			buf_free(&text);
			return NULL;
		}
		return scalar_new(place, &text, false);
	}
	if (c == '[')
		return read_array(p, depth);
	if (c == '{')
		return read_inline_table(p, depth);
	while (!value_end(peek(p, count)))
		count++;
	/* a date and its time may be apart by a space */
	if (count == 10 && peek(p, 10) == ' ' && is_digit(peek(p, 11)) &&
	    is_digit(peek(p, 12)) && peek(p, 13) == ':') {
		count = 11;
		while (!value_end(peek(p, count)))
			count++;
	}
	if (count == 0) {
		char *shown = rest_of_line(p, p->at);
		fail(p, place, "invalid TOML: '%s' is not a value", shown);
		free(shown);
		return NULL;
	}
	return read_bare(p, count);
}

/* ---- putting values in tables ---- */

static const char *what_is(const struct parser *p, const struct yamldoc_node *node)
{
	if (node->type == YAMLDOC_SEQUENCE)
		return how_made(p, node) & TABLE_ARRAY ? "an array of tables"
						       : "an array";
	if (node->type == YAMLDOC_MAPPING)
		return how_made(p, node) & FROZEN ? "an inline table" : "a table";
	return "a value";
}

/* Puts value under key (dotted: tables made on the way) in table; takes
 * value. depth is the table's. */
static bool insert(struct parser *p, struct yamldoc_node *table,
		   struct key *key, struct yamldoc_node *value, unsigned depth)
{
	for (size_t i = 0; i + 1 < key->count; i++) {
		const struct key_part *part = &key->parts[i];
		long found = find(table, part->text);
		if (++depth > YAMLDOC_MAX_DEPTH) {
			fail(p, part->place, "nesting deeper than %d levels",
			     YAMLDOC_MAX_DEPTH);
			goto refused;
		}
		if (found < 0) {
			table = add_table(table, part);
			set_made(p, table, MADE_BY_DOTS);
			continue;
		}
		struct yamldoc_node *next = table->items[found];
		if (next->type != YAMLDOC_MAPPING ||
		    (how_made(p, next) & (FROZEN | MADE_BY_HEADER))) {
			fail(p, part->place, "'%s' is %s already (line %u), so "
			     "a dotted key cannot add to it", part->text,
			     what_is(p, next), table->keys[found]->line);
			goto refused;
		}
		table = next;
	}
	const struct key_part *last = &key->parts[key->count - 1];
	long found = find(table, last->text);
	if (found >= 0) {
		fail(p, last->place, "duplicate key '%s' (first at line %u)",
		     last->text, table->keys[found]->line);
		goto refused;
	}
	append(table, key_node(last), value);
	return true;
refused:
	yamldoc_free(value);
	return false;
}

/* Reads a [table] or [[array of tables]] header at p->at and returns
 * the table that the keys after it go in, or NULL. */
static struct yamldoc_node *read_header(struct parser *p,
					struct yamldoc_node *root,
					unsigned *depth)
{
	struct place opening = here(p);
	bool array = peek(p, 1) == '[';
	struct yamldoc_node *table = root;
	struct key key;
	char *name;

	p->at += array ? 2 : 1;
	skip_blanks(p);
	if (!read_key(p, &key))
		return NULL;
	name = key_text(p, &key);
	if (peek(p, 0) != ']' || (array && peek(p, 1) != ']')) {
		fail(p, opening, "invalid TOML: this '%s' of a table header is "
		     "not closed by '%s'", array ? "[[" : "[", array ? "]]" : "]");
		goto refused;
	}
	p->at += array ? 2 : 1;
	*depth = 0;
	for (size_t i = 0; i < key.count; i++) {
		const struct key_part *part = &key.parts[i];
		long found = find(table, part->text);
		struct yamldoc_node *next = found >= 0 ? table->items[found] : NULL;
		unsigned how = next ? how_made(p, next) : 0;
		bool last = i + 1 == key.count;

		*depth += 2;
		if (next == NULL && last && array) {
			next = node_new(YAMLDOC_SEQUENCE, part->place);
			append(table, key_node(part), next);
			set_made(p, next, TABLE_ARRAY);
			how = TABLE_ARRAY;
		} else if (next == NULL) {
			next = add_table(table, part);
			if (last)
				set_made(p, next, MADE_BY_HEADER);
			table = next;
			continue;
		}
		if (next->type == YAMLDOC_SEQUENCE && (how & TABLE_ARRAY) &&
		    (!last || array)) {
			if (last)
				append(next, NULL, node_new(YAMLDOC_MAPPING,
							    part->place));
			table = next->items[next->count - 1];
			continue;
		}
		if (last && array) {
			fail(p, part->place, "'%s' is %s already (line %u), so "
			     "[[%s]] cannot make it an array of tables", name,
			     what_is(p, next), table->keys[found]->line, name);
			goto refused;
		}
		if (next->type != YAMLDOC_MAPPING || (how & FROZEN)) {
			fail(p, part->place, "'%s' is %s already (line %u), not "
			     "a table", part->text, what_is(p, next),
			     table->keys[found]->line);
			goto refused;
		}
		if (last && (how & (MADE_BY_HEADER | MADE_BY_DOTS))) {
			fail(p, part->place, "table [%s] defined twice (first "
			     "at line %u)", name, table->keys[found]->line);
			goto refused;
		}
		if (last)
			set_made(p, next, MADE_BY_HEADER);
		table = next;
	}
	free(name);
	free_key(&key);
	return table;
refused:
	free(name);
	free_key(&key);
	return NULL;
}

/* After a key = value or a header: blanks, a comment, the line end. */
static void expect_line_end(struct parser *p)
{
	skip_blanks(p);
	skip_comment(p);
	if (p->failed || p->at >= p->length)
		return;
	if (at_newline(p)) {
		take_newline(p);
		return;
	}
	char *shown = rest_of_line(p, p->at);
	if (peek(p, 0) == '\r')
		fail(p, here(p), "invalid TOML: a carriage return without a "
		     "line feed after it");
	else
		fail(p, here(p), "invalid TOML: '%s' after the value; write one "
		     "'key = value' on a line", shown);
	free(shown);
}

/* Reads key = value at p->at into table. */
static void read_pair(struct parser *p, struct yamldoc_node *table,
		      unsigned depth)
{
	struct key key;
	struct place equals;
	struct yamldoc_node *value;
	int c;

	if (!read_key(p, &key))
		return;
	if (peek(p, 0) != '=') {
		char *name = key_text(p, &key);
		fail(p, key.parts[0].place, "invalid TOML: '%s' has no '=' after "
		     "its key (write 'key = value')", name);
		free(name);
		free_key(&key);
		return;
	}
	equals = here(p);
	p->at++;
	skip_blanks(p);
	c = peek(p, 0);
	if (c < 0 || c == '#' || at_newline(p)) {
		fail(p, equals, "invalid TOML: no value after this '='");
		free_key(&key);
		return;
	}
	value = read_value(p, depth + key.count);
	if (value != NULL)
		insert(p, table, &key, value, depth);
	free_key(&key);
}

struct yamldoc_node *toml_parse(const char *text, size_t length,
				const char *path, unsigned first_line, bool *ok)
{
	struct parser p = {.text = text, .length = length, .path = path,
			   .line = first_line};
	struct place origin = {first_line, 1};
	struct yamldoc_node *root = node_new(YAMLDOC_MAPPING, origin);
	struct yamldoc_node *table = root;
	unsigned depth = 0;

	while (!p.failed) {
		skip_blanks(&p);
		if (p.at >= p.length)
			break;
		if (peek(&p, 0) == '#' || at_newline(&p)) {
			expect_line_end(&p);
			continue;
		}
		if (peek(&p, 0) == '[')
			table = read_header(&p, root, &depth);
		else
			read_pair(&p, table, depth);
		if (!p.failed)
			expect_line_end(&p);
	}
	free(p.marks);
	*ok = !p.failed;
	if (p.failed) {
		yamldoc_free(root);
		return NULL;
	}
	return root;
}
