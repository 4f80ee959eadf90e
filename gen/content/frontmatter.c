/*
 * frontmatter.c — splits an article into YAML front matter and body and
 * checks each known key's type.
 */
#include "content/frontmatter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/yamldoc.h"

void string_list_add(struct string_list *list, const char *text)
{
	/* The capacity is implicit: the array doubles whenever the count
	 * reaches a power of two. */
	if (list->count == 0 || (list->count & (list->count - 1)) == 0)
		list->items = xrealloc(list->items, (list->count ? list->count * 2
						     : 1) * sizeof *list->items);
	list->items[list->count++] = xstrdup(text);
}

void string_list_free(struct string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

bool string_list_contains(const struct string_list *list, const char *text)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->items[i], text) == 0)
			return true;
	return false;
}

static bool digits(const char *text, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (!isdigit((unsigned char)text[i]))
			return false;
	return true;
}

static int number(const char *text, size_t count)
{
	int value = 0;

	for (size_t i = 0; i < count; i++)
		value = value * 10 + (text[i] - '0');
	return value;
}

static bool valid_zone(const char *text)
{
	if (*text == '\0' || strcmp(text, "Z") == 0)
		return true;
	if ((text[0] != '+' && text[0] != '-') || strlen(text) != 6 ||
	    !digits(text + 1, 2) || text[3] != ':' || !digits(text + 4, 2))
		return false;
	return number(text + 1, 2) <= 23 && number(text + 4, 2) <= 59;
}

static bool valid_time(const char *text)
{
	if (!digits(text, 2) || text[2] != ':' || !digits(text + 3, 2))
		return false;
	if (number(text, 2) > 23 || number(text + 3, 2) > 59)
		return false;
	text += 5;
	if (*text == ':') {
		if (!digits(text + 1, 2) || number(text + 1, 2) > 60)
			return false;
		text += 3;
		if (*text == '.') {
			text++;
			if (!isdigit((unsigned char)*text))
				return false;
			while (isdigit((unsigned char)*text))
				text++;
		}
	}
	return valid_zone(text);
}

bool front_matter_valid_date(const char *text)
{
	static const int month_days[] = {31, 29, 31, 30, 31, 30,
					 31, 31, 30, 31, 30, 31};
	int year, month, day;

	if (strlen(text) < 10 || !digits(text, 4) || text[4] != '-' ||
	    !digits(text + 5, 2) || text[7] != '-' || !digits(text + 8, 2))
		return false;
	year = number(text, 4);
	month = number(text + 5, 2);
	day = number(text + 8, 2);
	if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1])
		return false;
	if (month == 2 && day == 29 &&
	    !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)))
		return false;
	if (text[10] == '\0')
		return true;
	if (text[10] != 'T' && text[10] != ' ')
		return false;
	return valid_time(text + 11);
}

/* Finds the line that closes the front matter. Returns the offset of
 * that line's start, or -1; *after is set to the offset after it. */
static long find_closing_line(const char *text, size_t length, size_t start,
			      size_t *after, unsigned *lines)
{
	size_t line_start = start;

	*lines = 0;
	while (line_start < length) {
		const char *newline = memchr(text + line_start, '\n',
					     length - line_start);
		size_t line_end = newline ? (size_t)(newline - text) : length;
		size_t content_end = line_end;

		if (content_end > line_start && text[content_end - 1] == '\r')
			content_end--;
		if (content_end - line_start == 3 &&
		    (memcmp(text + line_start, "---", 3) == 0 ||
		     memcmp(text + line_start, "...", 3) == 0)) {
			*after = newline ? line_end + 1 : length;
			return (long)line_start;
		}
		(*lines)++;
		line_start = line_end + 1;
	}
	return -1;
}

/* Where front matter without its closing line most likely ends: the
 * file line of the first blank line or Markdown heading ("# ", "## "...)
 * after the opening line, which is where the body starts in a file
 * that lost its '---'; 0 when there is none. */
static unsigned likely_end(const char *text, size_t length, size_t start)
{
	unsigned line = 2;

	for (size_t at = start; at < length; line++) {
		const char *newline = memchr(text + at, '\n', length - at);
		size_t end = newline ? (size_t)(newline - text) : length;
		size_t blank = at, hashes = at;

		while (blank < end && strchr(" \t\r", text[blank]) != NULL)
			blank++;
		while (hashes < end && text[hashes] == '#')
			hashes++;
		if (blank == end || (hashes > at && hashes - at <= 6 &&
				     hashes < end && text[hashes] == ' '))
			return line;
		at = end + 1;
	}
	return 0;
}

static bool text_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       char **out)
{
	if (value->type != YAMLDOC_SCALAR) {
		diag_error(path, value->line, value->col,
			   "'%s' must be text, not %s", key->text,
			   yamldoc_type_name(value));
		return false;
	}
	free(*out);
	*out = xstrdup(value->text);
	return true;
}

static bool list_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       struct string_list *out)
{
	bool ok = true;

	if (yamldoc_is_null(value))
		return true;
	if (value->type != YAMLDOC_SEQUENCE) {
		diag_error(path, value->line, value->col,
			   "'%s' must be a list of text, not %s", key->text,
			   value->type == YAMLDOC_SCALAR ? "a single value"
							 : yamldoc_type_name(value));
		return false;
	}
	for (size_t i = 0; i < value->count; i++) {
		const struct yamldoc_node *item = value->items[i];
		if (item->type != YAMLDOC_SCALAR || item->length == 0) {
			diag_error(path, item->line, item->col,
				   "each entry of '%s' must be non-empty text",
				   key->text);
			ok = false;
			continue;
		}
		string_list_add(out, item->text);
	}
	return ok;
}

static bool date_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       char **out)
{
	if (!text_value(key, value, path, out))
		return false;
	if (front_matter_valid_date(*out))
		return true;
	diag_error(path, value->line, value->col,
		   "invalid date '%s' for '%s' (expected YYYY-MM-DD or "
		   "YYYY-MM-DDTHH:MM:SS with an optional zone)", value->text,
		   key->text);
	free(*out);
	*out = NULL;
	return false;
}

static bool slug_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       char **out)
{
	if (!text_value(key, value, path, out))
		return false;
	if (value->length > 0 && strchr(value->text, '/') == NULL &&
	    strcmp(value->text, ".") != 0 && strcmp(value->text, "..") != 0 &&
	    strspn(value->text, " \t") == 0)
		return true;
	diag_error(path, value->line, value->col,
		   "invalid slug '%s' (one non-empty path segment, no '/')",
		   value->text);
	return false;
}

static bool read_key(const struct yamldoc_node *key,
		     const struct yamldoc_node *value, const char *path,
		     struct front_matter *out)
{
	const char *name = key->text;

	if (strcmp(name, "title") == 0)
		return text_value(key, value, path, &out->title);
	if (strcmp(name, "description") == 0)
		return text_value(key, value, path, &out->description);
	if (strcmp(name, "slug") == 0) {
		out->slug_line = value->line;
		out->slug_col = value->col;
		return slug_value(key, value, path, &out->slug);
	}
	if (strcmp(name, "date") == 0)
		return date_value(key, value, path, &out->date);
	if (strcmp(name, "lastmod") == 0)
		return date_value(key, value, path, &out->lastmod);
	if (strcmp(name, "tags") == 0)
		return list_value(key, value, path, &out->tags);
	if (strcmp(name, "categories") == 0)
		return list_value(key, value, path, &out->categories);
	if (strcmp(name, "aliases") == 0) {
		out->alias_line = value->line;
		out->alias_col = value->col;
		return list_value(key, value, path, &out->aliases);
	}
	if (strcmp(name, "draft") == 0) {
		if (yamldoc_bool(value, &out->draft))
			return true;
		diag_error(path, value->line, value->col,
			   "'draft' must be true or false");
		return false;
	}
	if (strcmp(name, "weight") == 0) {
		if (yamldoc_long(value, &out->weight))
			return true;
		diag_error(path, value->line, value->col,
			   "'weight' must be a whole number");
		return false;
	}
	diag_warning(path, key->line, key->col,
		     "unknown front matter key '%s' (ignored)", name);
	return true;
}

static bool read_fields(const struct yamldoc_node *root, const char *path,
			struct front_matter *out)
{
	bool ok = true;

	if (root == NULL || yamldoc_is_null(root)) {
		diag_error(path, 2, 1, "empty front matter: 'title' is required");
		return false;
	}
	if (root->type != YAMLDOC_MAPPING) {
		diag_error(path, root->line, root->col,
			   "front matter must be a mapping of keys, not %s",
			   yamldoc_type_name(root));
		return false;
	}
	for (size_t i = 0; i < root->count; i++)
		if (!read_key(root->keys[i], root->items[i], path, out))
			ok = false;
	if (out->title == NULL) {
		if (yamldoc_get(root, "title", NULL) == NULL)
			diag_error(path, root->line, root->col,
				   "missing 'title' in front matter");
		ok = false;
	} else if (strspn(out->title, " \t") == strlen(out->title)) {
		struct yamldoc_node *key;
		const struct yamldoc_node *value = yamldoc_get(root, "title", &key);
		diag_error(path, value->line, value->col, "'title' is empty");
		ok = false;
	}
	return ok;
}

bool front_matter_parse(const char *text, size_t length, const char *path,
			struct front_matter *out)
{
	struct yamldoc_node *root;
	size_t start, after;
	unsigned yaml_lines;
	long closing;
	bool ok;

	memset(out, 0, sizeof *out);
	out->description = xstrdup("");
	if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		length -= 3;
	}
	/* The first line is "---", ended by LF or CRLF (a lone CR ends no
	 * line: the lines counted here, and so every location, count LFs). */
	start = 3;
	if (start < length && text[start] == '\r')
		start++;
	if (length < 3 || memcmp(text, "---", 3) != 0 ||
	    (start < length && text[start] != '\n')) {
		diag_error(path, 1, 1, "missing front matter: the file must "
			   "start with a '---' line and give at least a title");
		return false;
	}
	if (start < length)
		start++;
	closing = find_closing_line(text, length, start, &after, &yaml_lines);
	if (closing < 0) {
		unsigned end = likely_end(text, length, start);
		diag_error(path, 1, 1, "unterminated front matter: no closing "
			   "'---' line");
		if (end > 0)
			diag_note(path, end, 1, "the front matter seems to end "
				  "here: put a '---' line above this one");
		return false;
	}
	root = yamldoc_parse(text + start, (size_t)closing - start, path, 2, &ok);
	if (ok)
		ok = read_fields(root, path, out);
	yamldoc_free(root);
	out->body = text + after;
	out->body_length = length - after;
	out->body_line = yaml_lines + 3;
	return ok;
}

void front_matter_free(struct front_matter *matter)
{
	free(matter->title);
	free(matter->description);
	free(matter->slug);
	free(matter->date);
	free(matter->lastmod);
	string_list_free(&matter->tags);
	string_list_free(&matter->categories);
	string_list_free(&matter->aliases);
	memset(matter, 0, sizeof *matter);
}
