/*
 * yamldoc.c — libyaml events to a located node tree, refusing duplicate
 * keys, aliases and runaway nesting.
 */
#include "content/yamldoc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "base/diag.h"
#include "base/util.h"

struct loader {
	yaml_parser_t parser;
	const char *text;	/* the YAML being parsed, length bytes */
	size_t length;
	const char *path;
	unsigned first_line;
	bool failed;
};

static unsigned mark_line(const struct loader *loader, yaml_mark_t mark)
{
	return (unsigned)mark.line + loader->first_line;
}

static unsigned mark_col(yaml_mark_t mark)
{
	return (unsigned)mark.column + 1;
}

static struct yamldoc_node *node_new(const struct loader *loader,
				     enum yamldoc_type type, yaml_mark_t mark)
{
	struct yamldoc_node *node = xcalloc(1, sizeof *node);

	node->type = type;
	node->line = mark_line(loader, mark);
	node->col = mark_col(mark);
	return node;
}

static void append(struct yamldoc_node *parent, struct yamldoc_node *key,
		   struct yamldoc_node *value, size_t *capacity)
{
	size_t old_capacity = *capacity;

	parent->items = xgrow(parent->items, capacity, parent->count + 1,
			      sizeof *parent->items);
	if (parent->type == YAMLDOC_MAPPING) {
		size_t key_capacity = old_capacity;
		parent->keys = xgrow(parent->keys, &key_capacity,
				     parent->count + 1, sizeof *parent->keys);
		parent->keys[parent->count] = key;
	}
	parent->items[parent->count++] = value;
}

/* ---- parse errors where a writer fixes them ----
 *
 * libyaml reports where it gave up (the problem mark), which is often
 * a line after the mistake: an unclosed '[' or quote is found at the end
 * of the text, a key without its ':' when the next line's ':' comes. The
 * context mark, or a look at the lines around, says where the mistake
 * starts, and a message in the writer's terms says what it is. */

/* One line of the YAML text: [start, end) without its line end. */
struct text_line {
	size_t start, end;
	unsigned number;	/* 0-based, as libyaml counts */
};

static struct text_line line_at(const struct loader *loader, size_t index)
{
	struct text_line line = {0, 0, 0};
	const char *newline;

	if (index > loader->length)
		index = loader->length;
	for (size_t at = 0; at < index; at++)
		if (loader->text[at] == '\n') {
			line.start = at + 1;
			line.number++;
		}
	newline = memchr(loader->text + line.start, '\n',
			 loader->length - line.start);
	line.end = newline ? (size_t)(newline - loader->text) : loader->length;
	if (line.end > line.start && loader->text[line.end - 1] == '\r')
		line.end--;
	return line;
}

/* The byte offset of mark in the text: libyaml counts the mark's index
 * in characters, so it is found from its line and column. */
static size_t mark_byte(const struct loader *loader, yaml_mark_t mark)
{
	size_t at = 0;

	for (size_t line = 0; line < mark.line && at < loader->length; at++)
		if (loader->text[at] == '\n')
			line++;
	for (size_t column = 0; column < mark.column && at < loader->length &&
	     loader->text[at] != '\n'; column++) {
		size_t size = utf8_sequence(loader->text + at, loader->length - at);
		at += size ? size : 1;
	}
	return at;
}

/* The nearest line above line that holds something but a comment;
 * false when there is none. */
static bool line_above(const struct loader *loader,
		       const struct text_line *line, struct text_line *above)
{
	struct text_line candidate = *line;

	while (candidate.start > 0) {
		candidate = line_at(loader, candidate.start - 1);
		size_t first = candidate.start;
		while (first < candidate.end && loader->text[first] == ' ')
			first++;
		if (first < candidate.end && loader->text[first] != '#') {
			*above = candidate;
			return true;
		}
	}
	return false;
}

static size_t indentation(const struct loader *loader,
			  const struct text_line *line)
{
	size_t at = line->start;

	while (at < line->end && loader->text[at] == ' ')
		at++;
	return at - line->start;
}

/* Where in [from, to) a ':' ends a key (a ':' before a space or the end
 * of the line), or to when none does. */
static size_t key_colon(const struct loader *loader, size_t from, size_t to,
			size_t line_end)
{
	for (size_t at = from; at < to; at++)
		if (loader->text[at] == ':' &&
		    (at + 1 >= line_end || loader->text[at + 1] == ' ' ||
		     loader->text[at + 1] == '\t'))
			return at;
	return to;
}

/* Reports message at the byte of the line; takes message. */
static void report_at_line(struct loader *loader, const struct text_line *line,
			   size_t byte, char *message)
{
	unsigned col = (unsigned)utf8_count(loader->text + line->start,
					    byte - line->start) + 1;

	diag_error(loader->path, line->number + loader->first_line, col,
		   "invalid YAML: %s", message);
	free(message);
}

/* The text of a line from byte on, for quoting in a message (at most 40
 * bytes, cut at a character). Caller frees. */
static char *quoted_text(const struct loader *loader, size_t byte, size_t end)
{
	size_t length = end - byte;

	while (length > 0 && loader->text[byte + length - 1] == ' ')
		length--;
	if (length > 40) {
		length = 40;
		while (length > 0 &&
		       ((unsigned char)loader->text[byte + length] & 0xC0) == 0x80)
			length--;
	}
	return xstrndup(loader->text + byte, length);
}

/* "mapping values are not allowed in this context": a ':' where no key
 * may start. Three mistakes end there: a second ": " in a value, a line
 * indented under a key that has its value already, or a key written
 * without its ':' on a line above (whose text then runs on into this
 * line's key). */
static bool report_misplaced_colon(struct loader *loader, size_t colon)
{
	struct text_line line = line_at(loader, colon), above;
	size_t indent = indentation(loader, &line);
	size_t first = line.start + indent;
	size_t colon_above;

	if (key_colon(loader, first, colon, line.end) < colon) {
		report_at_line(loader, &line, colon, xstrdup(
			       "a second ': ' in one line; put the value in "
			       "quotes (\"...\") if it holds ': '"));
		return true;
	}
	if (!line_above(loader, &line, &above))
		return false;
	colon_above = key_colon(loader, above.start + indentation(loader, &above),
				above.end, above.end);
	if (indent > indentation(loader, &above) && colon_above < above.end &&
	    colon_above + 1 < above.end) {
		char *key = quoted_text(loader, above.start +
					indentation(loader, &above), colon_above);
		report_at_line(loader, &line, first, xasprintf(
			       "this line is indented under '%s:', which has "
			       "its value already; start it in the column of "
			       "the keys above", key));
		free(key);
		return true;
	}
	if (colon_above == above.end && loader->text[above.start +
			indentation(loader, &above)] != '-') {
		struct text_line earliest = above, previous;
		char *key;
		/* a key's text runs on over every line without a ':' */
		while (line_above(loader, &earliest, &previous) &&
		       key_colon(loader, previous.start, previous.end,
				 previous.end) == previous.end &&
		       indentation(loader, &previous) == indentation(loader, &earliest))
			earliest = previous;
		key = quoted_text(loader, earliest.start +
				  indentation(loader, &earliest), earliest.end);
		report_at_line(loader, &earliest, earliest.start +
			       indentation(loader, &earliest), xasprintf(
			       "'%s' has no ':' after its key (write "
			       "'key: value')", key));
		free(key);
		return true;
	}
	return false;
}

/* Reports the error at the place to fix, when it is one of the common
 * mistakes; false to report libyaml's own words. */
static bool report_writer_error(struct loader *loader)
{
	yaml_parser_t *parser = &loader->parser;
	const char *problem = parser->problem, *context = parser->context;
	size_t problem_at = mark_byte(loader, parser->problem_mark);
	size_t context_at = mark_byte(loader, parser->context_mark);
	struct text_line line;
	char *key;

	if (context != NULL && (strstr(context, "flow sequence") != NULL ||
				strstr(context, "flow mapping") != NULL)) {
		bool list = strstr(context, "sequence") != NULL;
		line = line_at(loader, context_at);
		report_at_line(loader, &line, context_at,
			       xasprintf("this '%s' is not closed by a '%s', or "
					 "its items are not separated by ','",
					 list ? "[" : "{", list ? "]" : "}"));
		return true;
	}
	if (context != NULL && strstr(context, "quoted scalar") != NULL &&
	    context_at < loader->length) {
		char quote[2] = {loader->text[context_at], 0};
		line = line_at(loader, context_at);
		report_at_line(loader, &line, context_at,
			       xasprintf("this quote (%s) is not closed", quote));
		return true;
	}
	if (context != NULL && strstr(context, "simple key") != NULL) {
		line = line_at(loader, context_at);
		key = quoted_text(loader, context_at, line.end);
		report_at_line(loader, &line, context_at,
			       xasprintf("'%s' has no ':' after its key (write "
					 "'key: value')", key));
		free(key);
		return true;
	}
	if (problem_at < loader->length && loader->text[problem_at] == '\t') {
		line = line_at(loader, problem_at);
		report_at_line(loader, &line, problem_at, xstrdup(
			       "a tab here; YAML indents with spaces only"));
		return true;
	}
	if (problem != NULL &&
	    strcmp(problem, "mapping values are not allowed in this context") == 0)
		return report_misplaced_colon(loader, problem_at);
	if (problem != NULL && context != NULL &&
	    strcmp(problem, "did not find expected key") == 0 &&
	    strstr(context, "block mapping") != NULL) {
		line = line_at(loader, problem_at);
		report_at_line(loader, &line, problem_at, xstrdup(
			       "this line's indentation matches no key or list "
			       "item above it"));
		return true;
	}
	return false;
}

/* True when the text breaks lines otherwise than by "\n" or "\r\n": a
 * lone "\r", NEL, U+2028 or U+2029 ends a line for libyaml, and its
 * marks then count lines the lines around them, read by "\n", do not
 * match. */
static bool other_line_breaks(const struct loader *loader)
{
	const char *text = loader->text;
	size_t length = loader->length;

	for (size_t at = 0; at < length; at++) {
		unsigned char c = (unsigned char)text[at];
		if (c == '\r' && (at + 1 >= length || text[at + 1] != '\n'))
			return true;
		if (c == 0xC2 && at + 1 < length &&
		    (unsigned char)text[at + 1] == 0x85)
			return true;
		if (c == 0xE2 && at + 2 < length &&
		    (unsigned char)text[at + 1] == 0x80 &&
		    ((unsigned char)text[at + 2] == 0xA8 ||
		     (unsigned char)text[at + 2] == 0xA9))
			return true;
	}
	return false;
}

static void report_parser_error(struct loader *loader)
{
	yaml_parser_t *parser = &loader->parser;
	yaml_mark_t mark = parser->problem_mark;

	if (parser->error == YAML_MEMORY_ERROR)
		out_of_memory();
	loader->failed = true;
	if (!other_line_breaks(loader) && report_writer_error(loader))
		return;
	if (parser->problem == NULL) {
		diag_error(loader->path, mark_line(loader, mark),
			   mark_col(mark), "invalid YAML");
	} else if (parser->context != NULL) {
		diag_error(loader->path, mark_line(loader, mark),
			   mark_col(mark), "invalid YAML: %s %s",
			   parser->problem, parser->context);
	} else {
		diag_error(loader->path, mark_line(loader, mark),
			   mark_col(mark), "invalid YAML: %s",
			   parser->problem);
	}
}

/* Reads the next event; false (with a diagnostic) on a parse error. */
static bool next_event(struct loader *loader, yaml_event_t *event)
{
	if (yaml_parser_parse(&loader->parser, event))
		return true;
	report_parser_error(loader);
	return false;
}

static struct yamldoc_node *parse_node(struct loader *loader,
				       yaml_event_t *event, unsigned depth);

/* The keys of one mapping being read, hashed once the mapping is large,
 * so that duplicate detection stays linear in the number of keys. */
struct key_set {
	size_t *slots;		/* index + 1 into the mapping's keys; 0 = empty */
	size_t capacity;	/* a power of two, or 0 while not hashed */
};

#define KEY_SET_THRESHOLD 16

static size_t hash_text(const char *text, size_t length)
{
	size_t hash = 1469598103934665603u;

	for (size_t i = 0; i < length; i++)
		hash = (hash ^ (unsigned char)text[i]) * 1099511628211u;
	return hash;
}

static bool same_key(const struct yamldoc_node *left,
		     const struct yamldoc_node *right)
{
	return left->length == right->length &&
	       memcmp(left->text, right->text, left->length) == 0;
}

static void key_set_insert(struct key_set *set, struct yamldoc_node **keys,
			   size_t index)
{
	size_t mask = set->capacity - 1;
	size_t slot = hash_text(keys[index]->text, keys[index]->length) & mask;

	while (set->slots[slot] != 0)
		slot = (slot + 1) & mask;
	set->slots[slot] = index + 1;
}

/* (Re)builds the table over every key once it is half full. */
static void key_set_grow(struct key_set *set, const struct yamldoc_node *mapping)
{
	size_t capacity = 64;

	if (set->capacity && mapping->count * 2 < set->capacity)
		return;
	while (capacity < mapping->count * 4)
		capacity *= 2;
	free(set->slots);
	set->slots = xcalloc(capacity, sizeof *set->slots);
	set->capacity = capacity;
	for (size_t i = 0; i < mapping->count; i++)
		key_set_insert(set, mapping->keys, i);
}

/* The earlier key equal to key, or NULL. */
static const struct yamldoc_node *find_key(struct key_set *set,
					   const struct yamldoc_node *mapping,
					   const struct yamldoc_node *key)
{
	size_t mask, slot;

	if (mapping->count < KEY_SET_THRESHOLD) {
		for (size_t i = 0; i < mapping->count; i++)
			if (same_key(mapping->keys[i], key))
				return mapping->keys[i];
		return NULL;
	}
	key_set_grow(set, mapping);
	mask = set->capacity - 1;
	for (slot = hash_text(key->text, key->length) & mask; set->slots[slot];
	     slot = (slot + 1) & mask)
		if (same_key(mapping->keys[set->slots[slot] - 1], key))
			return mapping->keys[set->slots[slot] - 1];
	return NULL;
}

static bool check_duplicate(struct loader *loader, struct key_set *set,
			    const struct yamldoc_node *mapping,
			    const struct yamldoc_node *key)
{
	const struct yamldoc_node *other = find_key(set, mapping, key);

	if (other == NULL)
		return true;
	diag_error(loader->path, key->line, key->col,
		   "duplicate key '%s' (first at line %u)", key->text,
		   other->line);
	loader->failed = true;
	return false;
}

/* Parses children until the end event of a sequence or mapping. */
static bool parse_children(struct loader *loader, struct yamldoc_node *parent,
			   unsigned depth)
{
	yaml_event_type_t end = parent->type == YAMLDOC_MAPPING
		? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
	struct key_set keys = {0};
	size_t capacity = 0;
	bool ok = false;

	for (;;) {
		struct yamldoc_node *key = NULL, *value;
		yaml_event_t event;

		if (!next_event(loader, &event))
			goto out;
		if (event.type == end) {
			yaml_event_delete(&event);
			ok = true;
			goto out;
		}
		if (parent->type == YAMLDOC_MAPPING) {
			key = parse_node(loader, &event, depth + 1);
			if (key == NULL)
				goto out;
			if (key->type != YAMLDOC_SCALAR) {
				diag_error(loader->path, key->line, key->col,
					   "a mapping key must be text, not %s",
					   yamldoc_type_name(key));
				loader->failed = true;
				yamldoc_free(key);
				goto out;
			}
			if (!next_event(loader, &event)) {
				yamldoc_free(key);
				goto out;
			}
		}
		value = parse_node(loader, &event, depth + 1);
		if (value == NULL) {
			yamldoc_free(key);
			goto out;
		}
		if (key != NULL && !check_duplicate(loader, &keys, parent, key)) {
			yamldoc_free(key);
			yamldoc_free(value);
			continue;
		}
		append(parent, key, value, &capacity);
		if (keys.capacity == 0)
			continue;	/* not hashed (yet) */
		if (parent->count * 2 >= keys.capacity)
			key_set_grow(&keys, parent);	/* rehashes every key */
		else
			key_set_insert(&keys, parent->keys, parent->count - 1);
	}
out:
	free(keys.slots);
	return ok;
}

/* Builds the node that begins with event (which it consumes). */
static struct yamldoc_node *parse_node(struct loader *loader,
				       yaml_event_t *event, unsigned depth)
{
	struct yamldoc_node *node = NULL;
	yaml_mark_t mark = event->start_mark;

	if (depth > YAMLDOC_MAX_DEPTH) {
		diag_error(loader->path, mark_line(loader, mark), mark_col(mark),
			   "nesting deeper than %d levels", YAMLDOC_MAX_DEPTH);
		loader->failed = true;
		yaml_event_delete(event);
		return NULL;
	}
	switch (event->type) {
	case YAML_SCALAR_EVENT:
		node = node_new(loader, YAMLDOC_SCALAR, mark);
		node->length = event->data.scalar.length;
		node->text = xstrndup((const char *)event->data.scalar.value,
				      node->length);
		node->plain = event->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		yaml_event_delete(event);
		return node;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		node = node_new(loader, event->type == YAML_MAPPING_START_EVENT
				? YAMLDOC_MAPPING : YAMLDOC_SEQUENCE, mark);
		yaml_event_delete(event);
		if (!parse_children(loader, node, depth)) {
			yamldoc_free(node);
			return NULL;
		}
		return node;
	case YAML_ALIAS_EVENT:
		diag_error(loader->path, mark_line(loader, mark), mark_col(mark),
			   "YAML aliases (*name) are not supported");
		break;
	default:
		diag_error(loader->path, mark_line(loader, mark), mark_col(mark),
			   "invalid YAML: unexpected event");
		break;
	}
	loader->failed = true;
	yaml_event_delete(event);
	return NULL;
}

/* Skips events up to the first node of the document; returns that event
 * in *event, or false at the end of the stream (empty document). */
static bool first_node_event(struct loader *loader, yaml_event_t *event,
			     bool *empty)
{
	*empty = false;
	for (;;) {
		if (!next_event(loader, event))
			return false;
		switch (event->type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
			yaml_event_delete(event);
			continue;
		case YAML_STREAM_END_EVENT:
			yaml_event_delete(event);
			*empty = true;
			return false;
		default:
			return true;
		}
	}
}

static void expect_stream_end(struct loader *loader)
{
	yaml_event_t event;

	for (;;) {
		if (!next_event(loader, &event))
			return;
		if (event.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&event);
			return;
		}
		if (event.type == YAML_DOCUMENT_START_EVENT) {
			yaml_mark_t mark = event.start_mark;
			diag_error(loader->path, mark_line(loader, mark),
				   mark_col(mark),
				   "only one YAML document is allowed");
			loader->failed = true;
			yaml_event_delete(&event);
			return;
		}
		yaml_event_delete(&event);
	}
}

struct yamldoc_node *yamldoc_parse(const char *text, size_t length,
				   const char *path, unsigned first_line,
				   bool *ok)
{
	struct loader loader = {.text = text, .length = length, .path = path,
				.first_line = first_line};
	struct yamldoc_node *root = NULL;
	yaml_event_t event;
	bool empty;

	if (!yaml_parser_initialize(&loader.parser))
		out_of_memory();
	yaml_parser_set_input_string(&loader.parser,
				     (const unsigned char *)text, length);
	yaml_parser_set_encoding(&loader.parser, YAML_UTF8_ENCODING);
	if (first_node_event(&loader, &event, &empty)) {
		root = parse_node(&loader, &event, 0);
		if (root != NULL)
			expect_stream_end(&loader);
	}
	yaml_parser_delete(&loader.parser);
	if (loader.failed) {
		yamldoc_free(root);
		root = NULL;
	}
	*ok = !loader.failed;
	return root;
}

void yamldoc_free(struct yamldoc_node *node)
{
	if (node == NULL)
		return;
	for (size_t i = 0; i < node->count; i++) {
		yamldoc_free(node->items[i]);
		if (node->keys)
			yamldoc_free(node->keys[i]);
	}
	free(node->items);
	free(node->keys);
	free(node->text);
	free(node);
}

struct yamldoc_node *yamldoc_get(const struct yamldoc_node *mapping,
				 const char *key, struct yamldoc_node **key_out)
{
	if (mapping == NULL || mapping->type != YAMLDOC_MAPPING)
		return NULL;
	for (size_t i = 0; i < mapping->count; i++) {
		if (strcmp(mapping->keys[i]->text, key) == 0) {
			if (key_out)
				*key_out = mapping->keys[i];
			return mapping->items[i];
		}
	}
	return NULL;
}

bool yamldoc_is_null(const struct yamldoc_node *node)
{
	return node->type == YAMLDOC_SCALAR && node->plain &&
	       (node->length == 0 || strcmp(node->text, "~") == 0 ||
		strcasecmp(node->text, "null") == 0);
}

const char *yamldoc_type_name(const struct yamldoc_node *node)
{
	return yamldoc_type_label(node->type);
}

const char *yamldoc_type_label(enum yamldoc_type type)
{
	switch (type) {
	case YAMLDOC_MAPPING:
		return "a mapping";
	case YAMLDOC_SEQUENCE:
		return "a list";
	default:
		return "text";
	}
}

bool yamldoc_bool(const struct yamldoc_node *node, bool *out)
{
	static const char *const truths[] = {"true", "yes", "on"};
	static const char *const lies[] = {"false", "no", "off"};

	if (node->type != YAMLDOC_SCALAR || !node->plain)
		return false;
	for (size_t i = 0; i < 3; i++) {
		if (strcasecmp(node->text, truths[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(node->text, lies[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool yamldoc_long(const struct yamldoc_node *node, long *out)
{
	char *end;
	long value;

	if (node->type != YAMLDOC_SCALAR || node->length == 0)
		return false;
	errno = 0;
	value = strtol(node->text, &end, 10);
	if (errno != 0 || *end != '\0' || end == node->text)
		return false;
	*out = value;
	return true;
}
