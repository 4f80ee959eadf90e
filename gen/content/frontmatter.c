/*
 * frontmatter.c — splits an article into YAML or TOML front matter and body and
 * checks each known key's type.
 */
#include "content/frontmatter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/jsondoc.h"
#include "content/toml.h"
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

/* Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar (Howard Hinnant's days_from_civil). */
static long long days_from_civil(int year, int month, int day)
{
	long long era, year_of_era, day_of_year, day_of_era;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	year_of_era = year - era * 400;
	day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
		     day_of_year;
	return era * 146097 + day_of_era - 719468;
}

bool front_matter_date_seconds(const char *text, long long *seconds)
{
	const char *zone;

	if (!front_matter_valid_date(text))
		return false;
	*seconds = days_from_civil(number(text, 4), number(text + 5, 2),
				   number(text + 8, 2)) * 86400;
	if (text[10] == '\0')
		return true;
	*seconds += number(text + 11, 2) * 3600 + number(text + 14, 2) * 60;
	zone = text + 16;
	if (*zone == ':') {
		*seconds += number(zone + 1, 2);
		zone += 3;
		while (*zone == '.' || isdigit((unsigned char)*zone))
			zone++;
	}
	if (*zone == '+' || *zone == '-') {
		long long offset = number(zone + 1, 2) * 3600 +
				   number(zone + 4, 2) * 60;
		*seconds += *zone == '+' ? -offset : offset;
	}
	return true;
}

/* True when the line (length bytes, without its LF) is the fence: the
 * three characters, then only spaces, tabs or a CR, which Hugo accepts
 * ("--- " is common in files written by hand). */
static bool fence_line(const char *line, size_t length, const char *fence)
{
	if (length < 3 || memcmp(line, fence, 3) != 0)
		return false;
	for (size_t at = 3; at < length; at++)
		if (line[at] != ' ' && line[at] != '\t' && line[at] != '\r')
			return false;
	return true;
}

/* Finds the line that closes the front matter. Returns the offset of
 * that line's start, or -1; *after is set to the offset after it. */
static long find_closing_line(const char *text, size_t length, size_t start,
			      const char *fence, size_t *after, unsigned *lines)
{
	size_t line_start = start;

	*lines = 0;
	while (line_start < length) {
		const char *newline = memchr(text + line_start, '\n',
					     length - line_start);
		size_t line_end = newline ? (size_t)(newline - text) : length;

		/* YAML may also end at "...", its end-of-document line */
		if (fence_line(text + line_start, line_end - line_start, fence) ||
		    (fence[0] == '-' &&
		     fence_line(text + line_start, line_end - line_start, "..."))) {
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

/* Reads a list of text. An empty entry is an error, or, for a taxonomy
 * (tags, categories: Hugo drops an empty term), a warning and left out. */
static bool list_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       struct string_list *out, bool empty_is_warning)
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
		if (empty_is_warning && item->type == YAMLDOC_SCALAR &&
		    strspn(item->text, " \t") == item->length) {
			diag_warning(path, item->line, item->col,
				     "empty entry in '%s' (left out)", key->text);
			continue;
		}
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

/* Hugo's url: the page's path from the site root ("/guides/setup/" or
 * "guides/setup"), one or more clean segments: no empty, "." or ".."
 * segment (a '/' at either end aside), nothing a URL path would read
 * otherwise ('?', '#', '%', '\\'), no space or control character. */
static bool url_value(const struct yamldoc_node *key,
		      const struct yamldoc_node *value, const char *path,
		      struct front_matter *out)
{
	const char *text;
	size_t start, end;
	bool ok;

	out->url_line = value->line;
	out->url_col = value->col;
	if (!text_value(key, value, path, &out->url))
		return false;
	text = out->url;
	start = text[0] == '/';
	end = strlen(text);
	if (end > start && text[end - 1] == '/')
		end--;
	ok = end > start;
	for (size_t at = start; ok && at < end;) {
		size_t length = strcspn(text + at, "/");
		if (at + length > end)
			length = end - at;
		ok = length > 0 && !(length == 1 && text[at] == '.') &&
		     !(length == 2 && text[at] == '.' && text[at + 1] == '.');
		for (size_t i = at; ok && i < at + length; i++)
			ok = (unsigned char)text[i] > ' ' && text[i] != 0x7f &&
			     strchr("?#%\\", text[i]) == NULL;
		at += length + 1;
	}
	if (ok)
		return true;
	diag_error(path, value->line, value->col,
		   "invalid url '%s' (a clean path from the site's root, such "
		   "as /guides/setup/: no empty, '.' or '..' segment, no '?', "
		   "'#', '%%', '\\' or space)", value->text);
	free(out->url);
	out->url = NULL;
	return false;
}

/* Hugo's _build (also build, its older name): render always, never,
 * link (or true, false), list always, never, local (or true, false),
 * publishResources true or false. */
static bool build_value(const struct yamldoc_node *key,
			const struct yamldoc_node *value, const char *path,
			struct front_matter *out)
{
	static const char *const renders[] = {"always", "never", "link"};
	bool ok = true, flag;

	if (value->type != YAMLDOC_MAPPING) {
		diag_error(path, value->line, value->col,
			   "'%s' must be a mapping (render, list, "
			   "publishResources), not %s", key->text,
			   yamldoc_type_name(value));
		return false;
	}
	for (size_t i = 0; i < value->count; i++) {
		const struct yamldoc_node *option = value->keys[i];
		const struct yamldoc_node *item = value->items[i];
		bool known = false;

		if (strcasecmp(option->text, "render") == 0) {
			if (yamldoc_bool(item, &flag)) {
				out->render = flag ? FRONT_MATTER_RENDER_ALWAYS
						   : FRONT_MATTER_RENDER_NEVER;
				continue;
			}
			for (size_t k = 0; k < 3 && item->type == YAMLDOC_SCALAR; k++)
				if (strcasecmp(item->text, renders[k]) == 0) {
					out->render = (enum front_matter_render)k;
					known = true;
				}
			if (known)
				continue;
			diag_error(path, item->line, item->col, "'%s.render' must "
				   "be always, never or link", key->text);
			ok = false;
		} else if (strcasecmp(option->text, "list") == 0) {
			if (yamldoc_bool(item, &flag)) {
				out->unlisted = !flag;
				continue;
			}
			if (item->type == YAMLDOC_SCALAR &&
			    (strcasecmp(item->text, "always") == 0 ||
			     strcasecmp(item->text, "local") == 0 ||
			     strcasecmp(item->text, "never") == 0)) {
				out->unlisted = strcasecmp(item->text, "never") == 0;
				continue;
			}
			diag_error(path, item->line, item->col, "'%s.list' must "
				   "be always, never or local", key->text);
			ok = false;
		} else if (strcasecmp(option->text, "publishResources") == 0) {
			if (yamldoc_bool(item, &flag))
				continue;
			diag_error(path, item->line, item->col, "'%s.%s' must be "
				   "true or false", key->text, option->text);
			ok = false;
		} else {
			diag_warning(path, option->line, option->col,
				     "unknown key '%s' in '%s' (ignored)",
				     option->text, key->text);
		}
	}
	return ok;
}

/* A key that takes true or false. */
static bool bool_value(const struct yamldoc_node *key,
		       const struct yamldoc_node *value, const char *path,
		       bool *out)
{
	if (yamldoc_bool(value, out))
		return true;
	diag_error(path, value->line, value->col,
		   "'%s' must be true or false", key->text);
	return false;
}

/* The keys Hugo reads the publication date from, and the expiry date. */
static bool is_publish_date(const char *name)
{
	return strcasecmp(name, "publishDate") == 0 ||
	       strcasecmp(name, "pubdate") == 0 ||
	       strcasecmp(name, "published") == 0;
}

static bool is_expiry_date(const char *name)
{
	return strcasecmp(name, "expiryDate") == 0 ||
	       strcasecmp(name, "unpublishdate") == 0;
}

/* The enum front_matter_key bit of a key's name, or 0. */
static unsigned key_bit(const char *name)
{
	if (strcasecmp(name, "draft") == 0)
		return FRONT_MATTER_DRAFT;
	if (strcasecmp(name, "_build") == 0 || strcasecmp(name, "build") == 0)
		return FRONT_MATTER_BUILD;
	if (strcasecmp(name, "tags") == 0)
		return FRONT_MATTER_TAGS;
	if (strcasecmp(name, "categories") == 0)
		return FRONT_MATTER_CATEGORIES;
	if (strcasecmp(name, "keywords") == 0)
		return FRONT_MATTER_KEYWORDS;
	if (is_publish_date(name))
		return FRONT_MATTER_PUBLISH_DATE;
	if (is_expiry_date(name))
		return FRONT_MATTER_EXPIRY_DATE;
	return 0;
}

static bool read_key(const struct yamldoc_node *key,
		     const struct yamldoc_node *value, const char *path,
		     struct front_matter *out);

/* One mapping of a cascade into out->cascade: the keys it can give are
 * read as front matter; the ones kbgen does not pass down are said. */
static bool cascade_entry(const struct yamldoc_node *entry, const char *path,
			  struct front_matter *cascade)
{
	static const char *const unused[] = {"menu", "menus", "layout", "type",
					     "params", "outputs"};
	bool ok = true;

	if (entry->type != YAMLDOC_MAPPING) {
		diag_error(path, entry->line, entry->col, "'cascade' must be a "
			   "mapping of front matter keys (or a list of them), "
			   "not %s", yamldoc_type_name(entry));
		return false;
	}
	for (size_t i = 0; i < entry->count; i++)
		if (strcasecmp(entry->keys[i]->text, "_target") == 0) {
			diag_warning(path, entry->keys[i]->line,
				     entry->keys[i]->col, "a cascade with a "
				     "_target is not applied: kbgen cascades "
				     "to every page below");
			return true;
		}
	for (size_t i = 0; i < entry->count; i++) {
		const struct yamldoc_node *key = entry->keys[i];
		bool quiet = false;
		for (size_t k = 0; k < sizeof unused / sizeof *unused; k++)
			quiet = quiet || strcasecmp(key->text, unused[k]) == 0;
		if (quiet)
			continue;
		if (key_bit(key->text) == 0) {
			diag_warning(path, key->line, key->col, "'%s' in "
				     "cascade is not applied: kbgen cascades "
				     "draft, _build, tags, categories, "
				     "keywords, publishDate and expiryDate",
				     key->text);
			continue;
		}
		if (!read_key(key, entry->items[i], path, cascade))
			ok = false;
	}
	return ok;
}

/* Hugo's cascade: a mapping, or a list of mappings. */
static bool cascade_value(const struct yamldoc_node *value, const char *path,
			  struct front_matter *out)
{
	bool ok = true;

	if (out->cascade == NULL) {
		out->cascade = xcalloc(1, sizeof *out->cascade);
		out->cascade->description = xstrdup("");
	}
	if (value->type != YAMLDOC_SEQUENCE)
		return cascade_entry(value, path, out->cascade);
	for (size_t i = 0; i < value->count; i++)
		if (!cascade_entry(value->items[i], path, out->cascade))
			ok = false;
	return ok;
}

static bool read_key(const struct yamldoc_node *key,
		     const struct yamldoc_node *value, const char *path,
		     struct front_matter *out)
{
	/* Hugo's own keys, accepted without a warning although kbgen has no
	 * use for them (menus, templates and output formats are the theme's). */
	static const char *const accepted[] = {
		"menu", "menus", "layout", "type", "params", "outputs",
	};
	const char *name = key->text;

	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
		if (strcasecmp(name, accepted[i]) == 0)
			return true;
	if (strcasecmp(name, "cascade") == 0)
		return cascade_value(value, path, out);
	out->set |= key_bit(name);
	if (strcasecmp(name, "title") == 0)
		return text_value(key, value, path, &out->title);
	if (strcasecmp(name, "description") == 0)
		return text_value(key, value, path, &out->description);
	if (strcasecmp(name, "slug") == 0) {
		out->slug_line = value->line;
		out->slug_col = value->col;
		return slug_value(key, value, path, &out->slug);
	}
	if (strcasecmp(name, "date") == 0)
		return date_value(key, value, path, &out->date);
	if (strcasecmp(name, "lastmod") == 0)
		return date_value(key, value, path, &out->lastmod);
	if (strcasecmp(name, "tags") == 0)
		return list_value(key, value, path, &out->tags, true);
	if (strcasecmp(name, "categories") == 0)
		return list_value(key, value, path, &out->categories, true);
	if (strcasecmp(name, "aliases") == 0) {
		out->alias_line = value->line;
		out->alias_col = value->col;
		return list_value(key, value, path, &out->aliases, false);
	}
	if (strcasecmp(name, "draft") == 0)
		return bool_value(key, value, path, &out->draft);
	if (strcasecmp(name, "headless") == 0)
		return bool_value(key, value, path, &out->headless);
	if (strcasecmp(name, "url") == 0)
		return url_value(key, value, path, out);
	if (strcasecmp(name, "linkTitle") == 0)
		return text_value(key, value, path, &out->link_title);
	if (strcasecmp(name, "summary") == 0)
		return text_value(key, value, path, &out->summary);
	if (strcasecmp(name, "keywords") == 0)
		return list_value(key, value, path, &out->keywords, false);
	if (is_publish_date(name))
		return date_value(key, value, path, &out->publish_date);
	if (is_expiry_date(name))
		return date_value(key, value, path, &out->expiry_date);
	if (strcasecmp(name, "_build") == 0 || strcasecmp(name, "build") == 0)
		return build_value(key, value, path, out);
	if (strcasecmp(name, "weight") == 0) {
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

/* The value of the mapping's key written in any case (Hugo matches
 * front matter keys without case), or NULL; *key_out is set to the key. */
static const struct yamldoc_node *get_key(const struct yamldoc_node *root,
					  const char *name,
					  const struct yamldoc_node **key_out)
{
	for (size_t i = 0; i < root->count; i++)
		if (strcasecmp(root->keys[i]->text, name) == 0) {
			*key_out = root->keys[i];
			return root->items[i];
		}
	return NULL;
}

/* Keys that differ only in case are one key to Hugo, so a second is a
 * duplicate (yamldoc already refuses exact ones). Quadratic, but front
 * matter has a handful of keys. */
static bool check_case_duplicates(const struct yamldoc_node *root,
				  const char *path)
{
	bool ok = true;

	for (size_t i = 1; i < root->count; i++)
		for (size_t j = 0; j < i; j++) {
			const struct yamldoc_node *key = root->keys[i];
			const struct yamldoc_node *first = root->keys[j];
			if (strcasecmp(key->text, first->text) != 0)
				continue;
			diag_error(path, key->line, key->col,
				   "duplicate key '%s': keys are matched without "
				   "case, and '%s' is at line %u", key->text,
				   first->text, first->line);
			ok = false;
			break;
		}
	return ok;
}

static bool read_fields(const struct yamldoc_node *root, const char *path,
			struct front_matter *out)
{
	const struct yamldoc_node *title_key;
	bool ok = true;

	if (root == NULL || yamldoc_is_null(root)) {
		if (out->title_optional) {
			out->title_line = 2;
			out->title_col = 1;
			return true;
		}
		diag_error(path, 2, 1, "empty front matter: 'title' is required");
		return false;
	}
	if (root->type != YAMLDOC_MAPPING) {
		diag_error(path, root->line, root->col,
			   "front matter must be a mapping of keys, not %s",
			   yamldoc_type_name(root));
		return false;
	}
	if (!check_case_duplicates(root, path))
		return false;
	for (size_t i = 0; i < root->count; i++)
		if (!read_key(root->keys[i], root->items[i], path, out))
			ok = false;
	if (out->title == NULL) {
		if (get_key(root, "title", &title_key) != NULL) {
			ok = false;	/* its value was reported */
		} else if (out->title_optional) {
			out->title_line = root->line;
			out->title_col = root->col;
		} else {
			diag_error(path, root->line, root->col,
				   "missing 'title' in front matter");
			ok = false;
		}
	} else if (strspn(out->title, " \t") == strlen(out->title)) {
		const struct yamldoc_node *value = get_key(root, "title", &title_key);
		diag_error(path, value->line, value->col, "'title' is empty");
		ok = false;
	}
	return ok;
}

/* The text of the first ATX heading ("# Title", "## Title #") outside a
 * fenced code block, newly allocated, or NULL. A line scan rather than
 * the Markdown parser: the title is needed while loading, before the
 * body is parsed, and an ATX line is what a title-less file starts with. */
static char *first_heading(const char *text, size_t length)
{
	char fence = 0;

	for (size_t at = 0; at < length;) {
		const char *newline = memchr(text + at, '\n', length - at);
		size_t end = newline ? (size_t)(newline - text) : length;
		size_t indent = at, hashes, first, last;

		while (indent < end && indent - at < 3 && text[indent] == ' ')
			indent++;
		if (end - indent >= 3 && (text[indent] == '`' || text[indent] == '~') &&
		    text[indent + 1] == text[indent] && text[indent + 2] == text[indent]) {
			if (fence == 0)
				fence = text[indent];
			else if (fence == text[indent])
				fence = 0;
		}
		for (hashes = indent; hashes < end && text[hashes] == '#'; hashes++)
			;
		if (fence == 0 && hashes > indent && hashes - indent <= 6 &&
		    hashes < end && (text[hashes] == ' ' || text[hashes] == '\t')) {
			first = hashes;
			last = end;
			while (first < last && strchr(" \t", text[first]) != NULL)
				first++;
			while (last > first && strchr(" \t\r", text[last - 1]) != NULL)
				last--;
			/* a closing run of '#' counts only after a space
			 * ("# C#" keeps its '#', as CommonMark says) */
			size_t closing = last;
			while (closing > first && text[closing - 1] == '#')
				closing--;
			if (closing == first || strchr(" \t", text[closing - 1]) != NULL)
				last = closing;
			while (last > first && strchr(" \t", text[last - 1]) != NULL)
				last--;
			if (last > first)
				return xstrndup(text + first, last - first);
		}
		at = end + 1;
	}
	return NULL;
}

/* The title of a file without front matter and without a heading: its
 * name without ".md", or for a bundle's index.md or a section's
 * _index.md, the folder's name. Newly allocated. */
static char *title_from_name(const char *path)
{
	const char *name = strrchr(path, '/');
	const char *start = name ? name + 1 : path;
	size_t count = strlen(start);

	if (count > 3 && strcmp(start + count - 3, ".md") == 0)
		count -= 3;
	if (name != NULL && ((count == 5 && memcmp(start, "index", 5) == 0) ||
			     (count == 6 && memcmp(start, "_index", 6) == 0))) {
		const char *folder = name;
		while (folder > path && folder[-1] != '/')
			folder--;
		if (folder < name)
			return xstrndup(folder, (size_t)(name - folder));
	}
	return xstrndup(start, count);
}

/* A file that does not start with a fence is all body, published as
 * Hugo publishes it; its title comes from its first heading, else its
 * name, with a warning, since a writer usually meant to give one. */
void front_matter_guess_title(const char *text, size_t length,
			      const char *path, struct front_matter *out)
{
	out->title = first_heading(text, length);
	if (out->title != NULL) {
		diag_warning(path, 1, 1, "no front matter: the title is the "
			     "first heading's, '%s'", out->title);
	} else {
		out->title = title_from_name(path);
		diag_warning(path, 1, 1, "no front matter and no heading: the "
			     "title is the file name, '%s'", out->title);
	}
}

static bool no_front_matter(const char *text, size_t length, const char *path,
			    struct front_matter *out)
{
	/* untitled, the caller guesses once it knows the page is shown */
	if (out->title_optional)
		out->title_line = out->title_col = 0;
	else
		front_matter_guess_title(text, length, path, out);
	out->body = text;
	out->body_length = length;
	out->body_line = 1;
	return true;
}

/* Hugo's JSON front matter: the object the file starts with, up to its
 * matching '}'; the body starts on the next line. */
static bool json_front_matter(const char *text, size_t length,
			      const char *path, struct front_matter *out)
{
	size_t after = length;
	unsigned body_line = 1;
	bool ok;
	struct yamldoc_node *root = jsondoc_parse(text, length, path, &after,
						  &body_line, &ok);

	if (ok)
		ok = read_fields(root, path, out);
	yamldoc_free(root);
	out->body = text + after;
	out->body_length = length - after;
	out->body_line = body_line;
	return ok;
}

static bool parse(const char *text, size_t length, const char *path,
		  struct front_matter *out, bool title_optional)
{
	struct yamldoc_node *root;
	const char *fence = "---";
	size_t start, after;
	unsigned yaml_lines;
	long closing;
	bool ok;

	memset(out, 0, sizeof *out);
	out->description = xstrdup("");
	out->title_optional = title_optional;
	if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		length -= 3;
	}
	/* The first line is "---", ended by LF or CRLF (a lone CR ends no
	 * line: the lines counted here, and so every location, count LFs). */
	start = 0;
	while (start < length && text[start] != '\n')
		start++;
	/* Hugo's TOML front matter, between "+++" lines */
	if (length >= 3 && fence_line(text, start, "+++"))
		fence = "+++";
	if (length >= 1 && text[0] == '{')
		return json_front_matter(text, length, path, out);
	if (fence[0] == '-' && (length < 3 || memcmp(text, "---", 3) != 0))
		return no_front_matter(text, length, path, out);
	if (!fence_line(text, start, fence)) {
		diag_error(path, 1, 1, "front matter must start with a line of "
			   "'---' alone");
		return false;
	}
	if (start < length)
		start++;
	closing = find_closing_line(text, length, start, fence, &after, &yaml_lines);
	if (closing < 0) {
		unsigned end = likely_end(text, length, start);
		diag_error(path, 1, 1, "unterminated front matter: no closing "
			   "'%s' line", fence);
		if (end > 0)
			diag_note(path, end, 1, "the front matter seems to end "
				  "here: put a '%s' line above this one", fence);
		return false;
	}
	if (fence[0] == '+')
		root = toml_parse(text + start, (size_t)closing - start, path, 2, &ok);
	else
		root = yamldoc_parse(text + start, (size_t)closing - start, path, 2, &ok);
	if (ok)
		ok = read_fields(root, path, out);
	yamldoc_free(root);
	out->body = text + after;
	out->body_length = length - after;
	out->body_line = yaml_lines + 3;
	return ok;
}

bool front_matter_parse(const char *text, size_t length, const char *path,
			struct front_matter *out)
{
	return parse(text, length, path, out, false);
}

bool front_matter_parse_untitled(const char *text, size_t length,
				 const char *path, struct front_matter *out)
{
	return parse(text, length, path, out, true);
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
	free(matter->url);
	free(matter->link_title);
	free(matter->summary);
	string_list_free(&matter->keywords);
	free(matter->publish_date);
	free(matter->expiry_date);
	if (matter->cascade != NULL) {
		front_matter_free(matter->cascade);
		free(matter->cascade);
	}
	memset(matter, 0, sizeof *matter);
}

static void inherit_list(struct string_list *list,
			 const struct string_list *from)
{
	for (size_t i = 0; i < from->count; i++)
		string_list_add(list, from->items[i]);
}

void front_matter_inherit(struct front_matter *page,
			  const struct front_matter *cascade)
{
	unsigned give;

	if (cascade == NULL)
		return;
	give = cascade->set & ~page->set;
	if (give & FRONT_MATTER_DRAFT)
		page->draft = cascade->draft;
	if (give & FRONT_MATTER_BUILD) {
		page->render = cascade->render;
		page->unlisted = cascade->unlisted;
	}
	if (give & FRONT_MATTER_TAGS)
		inherit_list(&page->tags, &cascade->tags);
	if (give & FRONT_MATTER_CATEGORIES)
		inherit_list(&page->categories, &cascade->categories);
	if (give & FRONT_MATTER_KEYWORDS)
		inherit_list(&page->keywords, &cascade->keywords);
	if ((give & FRONT_MATTER_PUBLISH_DATE) && cascade->publish_date)
		page->publish_date = xstrdup(cascade->publish_date);
	if ((give & FRONT_MATTER_EXPIRY_DATE) && cascade->expiry_date)
		page->expiry_date = xstrdup(cascade->expiry_date);
	page->set |= give;
}
