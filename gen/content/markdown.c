/*
 * markdown.c — cmark-gfm parsing and AST-to-DOM rendering without ever
 * producing an HTML string that would need parsing again.
 */
#include "content/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "base/hash.h"
#include "base/util.h"
#include "content/rawhtml.h"
#include "content/shortcode.h"

static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;

static void attach(cmark_parser *parser, const char *name)
{
	cmark_syntax_extension *extension = cmark_find_syntax_extension(name);

	if (extension != NULL)
		cmark_parser_attach_syntax_extension(parser, extension);
}

/* The parser and every node it makes allocate through the x* wrappers,
 * so exhausted memory meets the one policy of base/util.h (cmark-gfm's
 * own allocator aborts without a word). */
static cmark_mem allocator = {xcalloc, xrealloc, free};

static cmark_parser *new_parser(void)
{
	cmark_parser *parser =
		cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, &allocator);

	attach(parser, "table");
	attach(parser, "autolink");
	attach(parser, "strikethrough");
	attach(parser, "tasklist");
	return parser;
}

/*
 * cmark-gfm keeps the table of inline "special characters" in one global
 * array. cmark_parser_finish adds the extensions' characters (autolink's
 * ':' and 'w', strikethrough's '~') before parsing inlines and removes
 * them afterwards, through this exported function: two parses at once
 * lose each other's characters and autolinks go missing at random.
 *
 * The library calls it through the PLT, so this definition takes its
 * place: the characters are added once, at start-up, through the
 * library's own function (dlsym RTLD_NEXT), and every later call is a
 * no-op, so the table never changes while threads parse. We always
 * attach the same extensions, so "always added" is what every parse
 * wants. Should a library build ever bind the call internally, the no-op
 * is never reached; markdown_parse notices and serializes parses.
 */
typedef void manage_specials_fn(cmark_parser *parser, int add);

static atomic_bool specials_interposed;

void cmark_manage_extensions_special_characters(cmark_parser *parser, int add);
void cmark_manage_extensions_special_characters(cmark_parser *parser, int add)
{
	(void)parser;
	(void)add;
	atomic_store(&specials_interposed, true);
}

static void register_extensions(void)
{
	manage_specials_fn *real;
	cmark_parser *parser;

	cmark_gfm_core_extensions_ensure_registered();
	*(void **)&real = dlsym(RTLD_NEXT,
				"cmark_manage_extensions_special_characters");
	if (real == NULL)
		return;
	parser = new_parser();
	real(parser, 1);
	cmark_parser_free(parser);
}

/* An explicit heading id, "## Title {#id}", as Hugo's Goldmark reads
 * it: kept on the heading node (user data) once its text is cut off. */
struct explicit_id {
	char *id;
	unsigned column;	/* of the '{', in characters, 1-based */
};

static void free_explicit_id(cmark_mem *mem, void *data)
{
	struct explicit_id *explicit = data;

	(void)mem;
	free(explicit->id);
	free(explicit);
}

/* The length of the "{#id}" that ends text (spaces after it allowed),
 * with the id's bounds, or 0. An id is any run of characters other than
 * spaces and braces; "{#}" is matched too, so it can be reported. */
static size_t attribute_suffix(const char *text, const char **id,
			       size_t *id_length)
{
	size_t end = strlen(text), close, open;

	while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t'))
		end--;
	if (end < 3 || text[end - 1] != '}')
		return 0;
	close = end - 1;
	for (open = close; open > 0 && text[open - 1] != '{'; open--)
		if (strchr(" \t{}", text[open - 1]) != NULL)
			return 0;
	if (open < 1 || text[open] != '#')
		return 0;
	open--;
	*id = text + open + 2;
	*id_length = close - open - 2;
	return strlen(text) - open;
}

/* The column of the last "{#" on lines first..last of the text, or 0
 * when there is none or it is written "\\{#" (an escaped brace is text). */
static unsigned attribute_column(const char *text, size_t length,
				 int first, int last)
{
	const char *line = text, *end = text + length, *found = NULL;
	const char *found_line = text;
	int number = 1;

	while (line < end && number <= last) {
		const char *stop = memchr(line, '\n', (size_t)(end - line));
		if (stop == NULL)
			stop = end;
		for (const char *c = line; number >= first && c + 1 < stop; c++)
			if (c[0] == '{' && c[1] == '#') {
				found = c;
				found_line = line;
			}
		line = stop + 1;
		number++;
	}
	if (found == NULL || (found > found_line && found[-1] == '\\'))
		return 0;
	return (unsigned)utf8_count(found_line, (size_t)(found - found_line)) + 1;
}

static void take_heading_attribute(cmark_node *heading, const char *text,
				   size_t length)
{
	cmark_node *last = cmark_node_last_child(heading);
	const char *literal, *id;
	size_t id_length, cut, keep;
	struct explicit_id *explicit;
	unsigned column;
	char *shorter;

	if (last == NULL || cmark_node_get_type(last) != CMARK_NODE_TEXT)
		return;
	literal = cmark_node_get_literal(last);
	if (literal == NULL ||
	    (cut = attribute_suffix(literal, &id, &id_length)) == 0)
		return;
	column = attribute_column(text, length, cmark_node_get_start_line(heading),
				  cmark_node_get_end_line(heading));
	if (column == 0)
		return;
	explicit = xcalloc(1, sizeof *explicit);
	explicit->id = xstrndup(id, id_length);
	explicit->column = column;
	keep = strlen(literal) - cut;
	while (keep > 0 && (literal[keep - 1] == ' ' || literal[keep - 1] == '\t'))
		keep--;
	shorter = xstrndup(literal, keep);
	cmark_node_set_literal(last, shorter);
	free(shorter);
	cmark_node_set_user_data(heading, explicit);
	cmark_node_set_user_data_free_func(heading, free_explicit_id);
}

static void take_heading_attributes(cmark_node *document, const char *text,
				    size_t length)
{
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_HEADING)
			take_heading_attribute(node, text, length);
	}
	cmark_iter_free(iterator);
}

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

cmark_node *markdown_parse(const char *text, size_t length)
{
	cmark_parser *parser;
	cmark_node *document;
	bool serialize;

	pthread_once(&extensions_once, register_extensions);
	serialize = !atomic_load(&specials_interposed);
	if (serialize)
		pthread_mutex_lock(&parse_lock);
	parser = new_parser();
	cmark_parser_feed(parser, text, length);
	document = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	if (serialize)
		pthread_mutex_unlock(&parse_lock);
	if (document == NULL)
		out_of_memory();
	take_heading_attributes(document, text, length);
	return document;
}

bool markdown_parses_in_parallel(void)
{
	return atomic_load(&specials_interposed);
}

static bool slug_keeps(utf8proc_int32_t code)
{
	switch (utf8proc_category(code)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO: case UTF8PROC_CATEGORY_PC:
		return true;
	default:
		return code == '-' || code == ' ';
	}
}

char *markdown_heading_slug(const char *text)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)text;
	struct buf slug = {0};
	utf8proc_int32_t code;
	utf8proc_ssize_t size;

	while (*cursor) {
		utf8proc_uint8_t encoded[4];
		size = utf8proc_iterate(cursor, -1, &code);
		if (size <= 0) {
			cursor++;
			continue;
		}
		cursor += size;
		if (!slug_keeps(code))
			continue;
		if (code == ' ') {
			buf_addc(&slug, '-');
			continue;
		}
		code = utf8proc_tolower(code);
		buf_add(&slug, (const char *)encoded,
			(size_t)utf8proc_encode_char(code, encoded));
	}
	return buf_detach(&slug);
}

static bool is_type(cmark_node *node, const char *name)
{
	return strcmp(cmark_node_get_type_string(node), name) == 0;
}

static bool soft_break_vanishes(cmark_node *node);

char *markdown_plain_text(cmark_node *node)
{
	cmark_iter *iterator = cmark_iter_new(node);
	struct buf text = {0};
	cmark_event_type event;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *current = cmark_iter_get_node(iterator);
		const char *literal;

		if (event != CMARK_EVENT_ENTER) {
			/* a block ends: keep words of adjacent blocks apart */
			if (current != node && text.length &&
			    (cmark_node_get_type(current) & CMARK_NODE_TYPE_MASK) ==
				    CMARK_NODE_TYPE_BLOCK &&
			    text.data[text.length - 1] != '\n')
				buf_addc(&text, '\n');
			continue;
		}
		switch (cmark_node_get_type(current)) {
		case CMARK_NODE_SOFTBREAK:
			if (!soft_break_vanishes(current))
				buf_addc(&text, ' ');
			break;
		case CMARK_NODE_LINEBREAK:
			buf_addc(&text, ' ');
			break;
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_CODE_BLOCK:
			literal = cmark_node_get_literal(current);
			if (literal)
				buf_adds(&text, literal);
			break;
		default:
			break;
		}
	}
	cmark_iter_free(iterator);
	while (text.length && text.data[text.length - 1] == '\n')
		text.data[--text.length] = '\0';
	return buf_detach(&text);
}

/* The ids given so far, and per slug the next suffix to try: a page of
 * many equal headings would otherwise cost a scan of every id for every
 * suffix tried, cubic in their number. Keys are owned by the table. */
struct id_table {
	char **keys;
	unsigned *next_suffix;	/* 0 for an id that no repeat started from */
	size_t capacity, count;
};

static size_t id_slot(const struct id_table *table, const char *key)
{
	size_t mask = table->capacity - 1;
	size_t slot = (size_t)hash64_string(key, 0) & mask;

	while (table->keys[slot] && strcmp(table->keys[slot], key) != 0)
		slot = (slot + 1) & mask;
	return slot;
}

static void id_table_grow(struct id_table *table)
{
	struct id_table bigger = {
		.capacity = table->capacity ? table->capacity * 2 : 64,
		.count = table->count,
	};

	bigger.keys = xcalloc(bigger.capacity, sizeof *bigger.keys);
	bigger.next_suffix = xcalloc(bigger.capacity, sizeof *bigger.next_suffix);
	for (size_t i = 0; i < table->capacity; i++) {
		if (table->keys[i] == NULL)
			continue;
		size_t slot = id_slot(&bigger, table->keys[i]);
		bigger.keys[slot] = table->keys[i];
		bigger.next_suffix[slot] = table->next_suffix[i];
	}
	free(table->keys);
	free(table->next_suffix);
	*table = bigger;
}

/* The slot of key, added (with no suffix yet) when absent. */
static size_t id_table_add(struct id_table *table, const char *key)
{
	size_t slot;

	if (2 * (table->count + 1) > table->capacity)
		id_table_grow(table);
	slot = id_slot(table, key);
	if (table->keys[slot] == NULL) {
		table->keys[slot] = xstrdup(key);
		table->count++;
	}
	return slot;
}

static bool id_table_has(const struct id_table *table, const char *key)
{
	return table->capacity && table->keys[id_slot(table, key)] != NULL;
}

static void id_table_free(struct id_table *table)
{
	for (size_t i = 0; i < table->capacity; i++)
		free(table->keys[i]);
	free(table->keys);
	free(table->next_suffix);
}

/* base itself when free, else base-N for the first free N (N from 1):
 * ids are only ever added, so every suffix below the one a repeat of
 * base last took is still taken. The id is added to the table. */
static char *unique_id(struct id_table *table, const char *base)
{
	char *id;
	unsigned n;
	size_t slot;

	if (!id_table_has(table, base)) {
		id_table_add(table, base);
		return xstrdup(base);
	}
	n = table->next_suffix[id_slot(table, base)];
	if (n == 0)
		n = 1;
	for (id = xasprintf("%s-%u", base, n); id_table_has(table, id);
	     id = xasprintf("%s-%u", base, n)) {
		free(id);
		n++;
	}
	id_table_add(table, id);
	slot = id_slot(table, base);
	table->next_suffix[slot] = n + 1;
	return id;
}

/* The explicit id of a heading ("{#id}"), or NULL. */
static const struct explicit_id *explicit_id_of(cmark_node *heading)
{
	return cmark_node_get_user_data(heading);
}

static char *automatic_id(struct id_table *ids, const char *text)
{
	char *base = markdown_heading_slug(text), *id;

	if (*base == '\0') {
		free(base);
		base = xstrdup("section");
	}
	id = unique_id(ids, base);
	free(base);
	return id;
}

/* An explicit id is taken as written the first time (ids holds it
 * already, see below); a repeat, or one the layout reserves, gets a
 * suffix as a slug would, and says why. */
static void give_explicit_id(struct id_table *ids, struct id_table *seen,
			     const struct id_table *reserved,
			     struct markdown_heading *heading,
			     const struct explicit_id *explicit)
{
	heading->id_column = explicit->column;
	if (explicit->id[0] == '\0') {
		heading->id_problem = "empty heading id '{#}'";
		heading->id = automatic_id(ids, heading->text);
		return;
	}
	if (id_table_has(seen, explicit->id))
		heading->id_problem = "duplicate heading id";
	else if (id_table_has(reserved, explicit->id))
		heading->id_problem = "heading id reserved by the page layout";
	if (heading->id_problem != NULL) {
		heading->id = unique_id(ids, explicit->id);
	} else {
		id_table_add(seen, explicit->id);
		heading->id = xstrdup(explicit->id);
	}
}

void markdown_collect_headings(cmark_node *document, const char *const *reserved,
			       struct markdown_headings *out)
{
	cmark_iter *iterator = cmark_iter_new(document);
	struct id_table ids = {0}, seen = {0}, layout = {0};
	size_t capacity = 0;
	cmark_event_type event;

	out->items = NULL;
	out->count = 0;
	for (size_t i = 0; reserved && reserved[i]; i++) {
		id_table_add(&ids, reserved[i]);
		id_table_add(&layout, reserved[i]);
	}
	/* explicit ids first, so that no slug of an earlier heading takes
	 * one a writer chose and links to */
	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_HEADING &&
		    explicit_id_of(node) != NULL)
			id_table_add(&ids, explicit_id_of(node)->id);
	}
	cmark_iter_reset(iterator, document, CMARK_EVENT_ENTER);
	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		struct markdown_heading *heading;

		if (event != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_HEADING)
			continue;
		out->items = xgrow(out->items, &capacity, out->count + 1,
				   sizeof *out->items);
		heading = &out->items[out->count];
		memset(heading, 0, sizeof *heading);
		heading->level = cmark_node_get_heading_level(node);
		heading->text = markdown_plain_text(node);
		heading->line = (unsigned)cmark_node_get_start_line(node);
		if (explicit_id_of(node) != NULL)
			give_explicit_id(&ids, &seen, &layout, heading,
					 explicit_id_of(node));
		else
			heading->id = automatic_id(&ids, heading->text);
		out->count++;
	}
	cmark_iter_free(iterator);
	id_table_free(&ids);
	id_table_free(&seen);
	id_table_free(&layout);
}

void markdown_headings_free(struct markdown_headings *headings)
{
	for (size_t i = 0; i < headings->count; i++) {
		free(headings->items[i].text);
		free(headings->items[i].id);
	}
	free(headings->items);
	headings->items = NULL;
	headings->count = 0;
}

struct figure_links {
	void (*visit)(void *user, cmark_node *node, const char *url, bool image);
	void *user;
	cmark_node *node;
};

static void visit_figure_links(void *user, const struct shortcode_figure *figure,
			       const struct shortcode_details *details)
{
	struct figure_links *links = user;

	(void)details;
	if (figure == NULL)
		return;
	links->visit(links->user, links->node, figure->src, true);
	if (figure->link != NULL)
		links->visit(links->user, links->node, figure->link, false);
}

void markdown_each_link(cmark_node *document,
			void (*visit)(void *user, cmark_node *node,
				      const char *url, bool image),
			void *user)
{
	const struct shortcodes *codes = shortcode_of_document(document);
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		cmark_node_type type = cmark_node_get_type(node);
		const char *url;

		if (event == CMARK_EVENT_ENTER && codes != NULL &&
		    (type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE)) {
			/* a figure's image and link, as an image's are */
			struct figure_links links = {visit, user, node};
			shortcode_each_placeholder(codes, cmark_node_get_literal(node),
						   visit_figure_links, &links);
			continue;
		}
		if (event != CMARK_EVENT_ENTER ||
		    (type != CMARK_NODE_LINK && type != CMARK_NODE_IMAGE))
			continue;
		url = cmark_node_get_url(node);
		if (url != NULL)
			visit(user, node, url, type == CMARK_NODE_IMAGE);
	}
	cmark_iter_free(iterator);
}

char *markdown_raw_html_name(const char *literal)
{
	const char *c = literal, *start;

	while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
		c++;
	if (strncmp(c, "<!--", 4) == 0)
		return NULL;
	if (*c != '<')
		return xstrdup("<?>");
	if (c[1] == '!' || c[1] == '?')
		return xasprintf("<%c...>", c[1]);
	start = c + 1;
	c = start + (*start == '/');
	while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
	       (*c >= '0' && *c <= '9') || *c == '-')
		c++;
	return xasprintf("<%.*s>", (int)(c - start), start);
}

static bool raw_html_safe;

void markdown_set_raw_html_safe(bool safe)
{
	raw_html_safe = safe;
}

struct unsafe_tags {
	void (*visit)(void *user, cmark_node *node, const char *name);
	void *user;
	cmark_node *node;
};

static void visit_unsafe_tag(void *user, const struct rawhtml_token *token)
{
	struct unsafe_tags *tags = user;
	char *name;

	if (token->kind != RAWHTML_START && token->kind != RAWHTML_END)
		return;
	if (token->allowed && token->kind == RAWHTML_END)
		return;
	if (token->allowed) {
		/* an a without a safe href, an img without a local src */
		xmlNodePtr element = rawhtml_element(NULL, token);
		if (element != NULL) {
			xmlFreeNode(element);
			return;
		}
	}
	name = xasprintf("<%s%.*s>", token->kind == RAWHTML_END ? "/" : "",
			 (int)strcspn(token->text + (token->kind == RAWHTML_END ? 2 : 1),
				      " \t\r\n/>"),
			 token->text + (token->kind == RAWHTML_END ? 2 : 1));
	tags->visit(tags->user, tags->node, name);
	free(name);
}

void markdown_each_raw_html(cmark_node *document,
			    void (*visit)(void *user, cmark_node *node,
					  const char *name),
			    void *user)
{
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		cmark_node_type type = cmark_node_get_type(node);
		char *name;

		if (event != CMARK_EVENT_ENTER ||
		    (type != CMARK_NODE_HTML_BLOCK && type != CMARK_NODE_HTML_INLINE))
			continue;
		if (raw_html_safe) {
			const char *literal = cmark_node_get_literal(node);
			struct unsafe_tags tags = {visit, user, node};
			rawhtml_each(literal, strlen(literal), visit_unsafe_tag, &tags);
			continue;
		}
		name = markdown_raw_html_name(cmark_node_get_literal(node));
		if (name != NULL)
			visit(user, node, name);
		free(name);
	}
	cmark_iter_free(iterator);
}

size_t markdown_url_scheme_length(const char *url)
{
	const char *c = url;

	/* RFC 3986 section 3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
	if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
		return 0;
	while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
	       (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.')
		c++;
	return *c == ':' ? (size_t)(c - url) : 0;
}

bool markdown_url_is_safe(const char *url)
{
	static const char *const allowed[] = {"http", "https", "mailto", "tel"};
	struct buf cleaned = {0};
	bool safe = true;
	size_t length;

	/* what a browser does before it looks for a scheme: leading
	 * controls and spaces go, tabs and line breaks anywhere vanish */
	while (*url && (unsigned char)*url <= ' ')
		url++;
	for (const char *c = url; *c; c++)
		if (*c != '\t' && *c != '\n' && *c != '\r')
			buf_addc(&cleaned, *c);
	length = markdown_url_scheme_length(buf_cstr(&cleaned));
	if (length == 0)
		goto out;	/* a relative URL: no scheme */
	cleaned.data[length] = '\0';
	safe = false;
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++)
		if (strcasecmp(buf_cstr(&cleaned), allowed[i]) == 0)
			safe = true;
out:
	buf_free(&cleaned);
	return safe;
}

/* Rendering. The iterator gives enter/exit events, so nesting depth never
 * costs C stack; `current` follows the element being filled. */

/* Raw HTML elements open at once (content/rawhtml.h): deeper ones are
 * left out, their text kept. */
#define RAW_OPEN_MAX 16

struct renderer {
	const struct markdown_render_options *options;
	size_t heading_index;
	xmlNodePtr current;
	/* elements a raw HTML start tag opened, innermost last: the
	 * Markdown between it and its end tag goes inside */
	xmlNodePtr raw_open[RAW_OPEN_MAX];
	size_t raw_count;
	bool raw_block;		/* the literal being read is a block's */
	/* the document's shortcodes (content/shortcode.h), or NULL */
	const struct shortcodes *codes;
	/* a details element whose end was met inside a paragraph of it:
	 * closed when that paragraph is */
	xmlNodePtr details_closing;
};

static xmlNodePtr add_element(struct renderer *renderer, const char *name)
{
	xmlNodePtr element = xmlNewDocNode(renderer->current->doc, NULL,
					   BAD_CAST name, NULL);
	return xmlAddChild(renderer->current, element);
}

static void add_text(struct renderer *renderer, const char *text)
{
	xmlNodePtr node = xmlNewDocText(renderer->current->doc, BAD_CAST text);
	xmlAddChild(renderer->current, node);
}

/* A text or code literal of the document as a text node of parent,
 * never with a shortcode's placeholder in it (content/shortcode.h). */
static void add_literal(const struct renderer *renderer, xmlNodePtr parent,
			cmark_node *node)
{
	const char *literal = cmark_node_get_literal(node);
	char *stripped = shortcode_strip_placeholders(renderer->codes, literal);

	xmlAddChild(parent, xmlNewDocText(parent->doc,
					  BAD_CAST (stripped ? stripped : literal)));
	free(stripped);
}

/* The last (or first) code point of a text node's literal, or 0. */
static utf8proc_int32_t edge_code_point(cmark_node *node, bool last)
{
	const char *text;
	const utf8proc_uint8_t *cursor;
	utf8proc_int32_t code = 0;

	if (node == NULL || cmark_node_get_type(node) != CMARK_NODE_TEXT)
		return 0;
	text = cmark_node_get_literal(node);
	if (text == NULL || *text == '\0')
		return 0;
	cursor = (const utf8proc_uint8_t *)text;
	if (last) {
		cursor += strlen(text);
		do
			cursor--;
		while (cursor > (const utf8proc_uint8_t *)text && (*cursor & 0xC0) == 0x80);
	}
	if (utf8proc_iterate(cursor, -1, &code) <= 0)
		return 0;
	return code;
}

/* A line break inside a Japanese sentence is not a space: a soft break
 * between two wide characters disappears, as browsers do not drop it. */
static bool soft_break_vanishes(cmark_node *node)
{
	utf8proc_int32_t before = edge_code_point(cmark_node_previous(node), true);
	utf8proc_int32_t after = edge_code_point(cmark_node_next(node), false);

	return before && after && utf8proc_charwidth(before) == 2 &&
	       utf8proc_charwidth(after) == 2;
}

static bool in_tight_list(cmark_node *paragraph)
{
	cmark_node *item = cmark_node_parent(paragraph);
	cmark_node *list = item ? cmark_node_parent(item) : NULL;

	return list != NULL && cmark_node_get_type(list) == CMARK_NODE_LIST &&
	       cmark_node_get_list_tight(list);
}

static char *url_target(struct renderer *renderer, const char *url, bool image)
{
	char *rewritten;

	if (url == NULL || !markdown_url_is_safe(url))
		return NULL;
	if (renderer->options->rewrite_url != NULL) {
		rewritten = renderer->options->rewrite_url(
			renderer->options->user, url, image);
		/* a rewritten URL may come from kb.db (kb.cgi's wizard
		 * bodies): the policy holds for it too */
		if (rewritten != NULL && !markdown_url_is_safe(rewritten)) {
			free(rewritten);
			return NULL;
		}
		if (rewritten != NULL)
			return rewritten;
	}
	return xstrdup(url);
}

static char *link_target(struct renderer *renderer, cmark_node *node,
			 bool image)
{
	return url_target(renderer, cmark_node_get_url(node), image);
}

static void enter_heading(struct renderer *renderer, cmark_node *node)
{
	const struct markdown_headings *headings = renderer->options->headings;
	char name[3] = {'h', '1', '\0'};
	xmlNodePtr element;

	name[1] = (char)('0' + cmark_node_get_heading_level(node));
	element = add_element(renderer, name);
	if (headings && renderer->heading_index < headings->count)
		xmlNewProp(element, BAD_CAST "id",
			   BAD_CAST headings->items[renderer->heading_index].id);
	renderer->current = element;
}

static void exit_heading(struct renderer *renderer)
{
	const struct markdown_headings *headings = renderer->options->headings;
	const char *label = renderer->options->permalink_label;

	if (label && headings && renderer->heading_index < headings->count) {
		char *href = xasprintf(
			"#%s", headings->items[renderer->heading_index].id);
		xmlNodePtr anchor = add_element(renderer, "a");
		xmlNewProp(anchor, BAD_CAST "class", BAD_CAST "anchor");
		xmlNewProp(anchor, BAD_CAST "href", BAD_CAST href);
		xmlNewProp(anchor, BAD_CAST "aria-label", BAD_CAST label);
		xmlAddChild(anchor, xmlNewDocText(anchor->doc, BAD_CAST "#"));
		free(href);
	}
	renderer->heading_index++;
	renderer->current = renderer->current->parent;
}

/* An <img> of url as written, its size the one given or else the
 * file's; NULL, nothing added, when the URL is unsafe. */
static xmlNodePtr add_image(struct renderer *renderer, const char *url,
			    const char *alt, const char *title, unsigned width,
			    unsigned height)
{
	char *target = url_target(renderer, url, true);
	xmlNodePtr image;
	char number[16];

	if (target == NULL)
		return NULL;
	image = add_element(renderer, "img");
	xmlNewProp(image, BAD_CAST "src", BAD_CAST target);
	xmlNewProp(image, BAD_CAST "alt", BAD_CAST alt);
	if (title && *title)
		xmlNewProp(image, BAD_CAST "title", BAD_CAST title);
	if (width == 0 && height == 0 && renderer->options->image_size != NULL &&
	    !renderer->options->image_size(renderer->options->user, url, &width,
					   &height))
		width = height = 0;
	if (width != 0) {
		snprintf(number, sizeof number, "%u", width);
		xmlNewProp(image, BAD_CAST "width", BAD_CAST number);
	}
	if (height != 0) {
		snprintf(number, sizeof number, "%u", height);
		xmlNewProp(image, BAD_CAST "height", BAD_CAST number);
	}
	xmlNewProp(image, BAD_CAST "loading", BAD_CAST "lazy");
	free(target);
	return image;
}

static void render_image(struct renderer *renderer, cmark_node *node)
{
	char *alt = markdown_plain_text(node);

	if (add_image(renderer, cmark_node_get_url(node), alt,
		      cmark_node_get_title(node), 0, 0) == NULL)
		add_text(renderer, alt);
	free(alt);
}

/* A figure shortcode: on a line of its own a <figure> with its caption
 * (the title first, in bold); inside a line of text only its image,
 * which a paragraph may hold, the title or else the caption its
 * tooltip. Its link and image go through the same URL rules as
 * Markdown's. */
static void render_figure(struct renderer *renderer,
			  const struct shortcode_figure *figure, bool block)
{
	const char *alt = figure->alt ? figure->alt
			  : figure->caption ? figure->caption : "";
	const char *title = block ? NULL
			    : figure->title ? figure->title : figure->caption;
	char *href = figure->link ? url_target(renderer, figure->link, false) : NULL;
	xmlNodePtr saved = renderer->current;

	if (block)
		renderer->current = add_element(renderer, "figure");
	if (href != NULL) {
		renderer->current = add_element(renderer, "a");
		xmlNewProp(renderer->current, BAD_CAST "href", BAD_CAST href);
	}
	if (add_image(renderer, figure->src, alt, title, figure->width,
		      figure->height) == NULL)
		add_text(renderer, alt);
	if (href != NULL)
		renderer->current = renderer->current->parent;
	if (block && (figure->caption || figure->title)) {
		renderer->current = add_element(renderer, "figcaption");
		if (figure->title) {
			xmlNodePtr strong = add_element(renderer, "strong");
			xmlAddChild(strong, xmlNewDocText(strong->doc,
							  BAD_CAST figure->title));
			if (figure->caption)
				add_text(renderer, " ");
		}
		if (figure->caption)
			add_text(renderer, figure->caption);
	}
	renderer->current = saved;
	free(href);
}

/* A details shortcode opens <details> as a raw one does under
 * raw_html: safe: the Markdown up to its end goes inside, and the end
 * of the block holding it closes it too. */
static void render_details(struct renderer *renderer,
			   const struct shortcode_details *details)
{
	xmlNodePtr element = add_element(renderer, "details");
	xmlNodePtr summary = xmlNewDocNode(element->doc, NULL, BAD_CAST "summary",
					   NULL);

	if (details->open)
		xmlNewProp(element, BAD_CAST "open", BAD_CAST "");
	xmlAddChild(element, summary);
	xmlAddChild(summary, xmlNewDocText(element->doc, BAD_CAST details->summary));
	if (renderer->raw_count < RAW_OPEN_MAX) {
		renderer->raw_open[renderer->raw_count++] = element;
		renderer->current = element;
	}
}

static void end_details(struct renderer *renderer)
{
	xmlNodePtr top;

	if (renderer->raw_count == 0)
		return;
	top = renderer->raw_open[renderer->raw_count - 1];
	if (!xmlStrEqual(top->name, BAD_CAST "details"))
		return;
	if (renderer->current == top) {
		renderer->current = top->parent;
		renderer->raw_count--;
	} else {
		renderer->details_closing = top;
	}
}

struct placeholder_visit {
	struct renderer *renderer;
	bool block;
};

static void draw_placeholder(void *user, const struct shortcode_figure *figure,
			     const struct shortcode_details *details)
{
	struct placeholder_visit *visit = user;

	if (figure != NULL)
		render_figure(visit->renderer, figure, visit->block);
	else if (details != NULL)
		render_details(visit->renderer, details);
	else
		end_details(visit->renderer);
}

static void render_code_block(struct renderer *renderer, cmark_node *node)
{
	const char *info = cmark_node_get_fence_info(node);
	xmlNodePtr pre = add_element(renderer, "pre");
	xmlNodePtr code = xmlAddChild(pre, xmlNewDocNode(pre->doc, NULL,
							 BAD_CAST "code", NULL));

	/* A long record scrolls sideways; a keyboard user can only scroll
	 * what can take focus (WCAG 2.1.1). */
	xmlNewProp(pre, BAD_CAST "tabindex", BAD_CAST "0");

	if (info && *info) {
		size_t word = strcspn(info, " \t");
		char *language = xstrndup(info, word);
		char *class_name = xasprintf("language-%s", language);
		xmlNewProp(code, BAD_CAST "class", BAD_CAST class_name);
		free(language);
		free(class_name);
	}
	add_literal(renderer, code, node);
}

static void enter_list(struct renderer *renderer, cmark_node *node)
{
	bool ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
	xmlNodePtr list = add_element(renderer, ordered ? "ol" : "ul");
	int start = cmark_node_get_list_start(node);

	if (ordered && start != 1) {
		char number[24];
		snprintf(number, sizeof number, "%d", start);
		xmlNewProp(list, BAD_CAST "start", BAD_CAST number);
	}
	renderer->current = list;
}

static const char *cell_alignment(cmark_node *cell)
{
	cmark_node *row = cmark_node_parent(cell);
	cmark_node *table = row ? cmark_node_parent(row) : NULL;
	uint8_t *alignments;
	size_t column = 0;

	if (table == NULL)
		return NULL;
	for (cmark_node *sibling = cmark_node_previous(cell); sibling;
	     sibling = cmark_node_previous(sibling))
		column++;
	if (column >= cmark_gfm_extensions_get_table_columns(table))
		return NULL;
	alignments = cmark_gfm_extensions_get_table_alignments(table);
	switch (alignments ? alignments[column] : 0) {
	case 'l':
		return "align-left";
	case 'c':
		return "align-center";
	case 'r':
		return "align-right";
	default:
		return NULL;
	}
}

/* Table rows: the header row goes in <thead>, the rest in one <tbody>. */
static void enter_table_row(struct renderer *renderer, cmark_node *row)
{
	xmlNodePtr table = renderer->current;
	bool header = cmark_gfm_extensions_get_table_row_is_header(row);
	const char *section = header ? "thead" : "tbody";

	if (table->last == NULL || !xmlStrEqual(table->last->name,
						BAD_CAST section))
		xmlAddChild(table, xmlNewDocNode(table->doc, NULL,
						 BAD_CAST section, NULL));
	renderer->current = table->last;
	renderer->current = add_element(renderer, "tr");
}

static void enter_table_cell(struct renderer *renderer, cmark_node *cell)
{
	cmark_node *row = cmark_node_parent(cell);
	bool header = row && cmark_gfm_extensions_get_table_row_is_header(row);
	const char *alignment = cell_alignment(cell);
	xmlNodePtr element = add_element(renderer, header ? "th" : "td");

	if (header)
		xmlNewProp(element, BAD_CAST "scope", BAD_CAST "col");
	if (alignment)
		xmlNewProp(element, BAD_CAST "class", BAD_CAST alignment);
	renderer->current = element;
}

/* Elements whose exit event closes what their enter opened. */
static bool opens_element(cmark_node *node)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		return !in_tight_list(node);
	case CMARK_NODE_BLOCK_QUOTE:
	case CMARK_NODE_LIST:
	case CMARK_NODE_ITEM:
	case CMARK_NODE_EMPH:
	case CMARK_NODE_STRONG:
		return true;
	default:
		return is_type(node, "table") || is_type(node, "table_cell") ||
		       is_type(node, "strikethrough");
	}
}

/* A GFM task item "- [x] text": a checkbox a reader sees but cannot
 * tick (the page is not a form), named by the item's first block of
 * text so that a screen reader says what is done or to do. It goes where
 * that text starts: into the first <p> of a loose item, so that the box
 * and its words stay on one line. */
static bool is_task_item(cmark_node *node)
{
	return node != NULL && cmark_node_get_type(node) == CMARK_NODE_ITEM &&
	       is_type(node, "tasklist");
}

static void add_task_checkbox(struct renderer *renderer, cmark_node *item)
{
	xmlNodePtr box;
	char *label;

	box = add_element(renderer, "input");
	xmlNewProp(box, BAD_CAST "type", BAD_CAST "checkbox");
	if (cmark_gfm_extensions_get_tasklist_item_checked(item))
		xmlNewProp(box, BAD_CAST "checked", BAD_CAST "");
	xmlNewProp(box, BAD_CAST "disabled", BAD_CAST "");
	label = cmark_node_first_child(item)
			? markdown_plain_text(cmark_node_first_child(item))
			: xstrdup("");
	if (*label)
		xmlNewProp(box, BAD_CAST "aria-label", BAD_CAST label);
	free(label);
}

static void enter_link(struct renderer *renderer, cmark_node *node)
{
	char *target = link_target(renderer, node, false);
	const char *title = cmark_node_get_title(node);
	xmlNodePtr link;

	if (target == NULL) {
		/* unsafe: keep the text, in a span so exit can pop it */
		renderer->current = add_element(renderer, "span");
		return;
	}
	link = add_element(renderer, "a");
	xmlNewProp(link, BAD_CAST "href", BAD_CAST target);
	if (title && *title)
		xmlNewProp(link, BAD_CAST "title", BAD_CAST title);
	free(target);
	renderer->current = link;
}

static void visit_raw_token(void *user, const struct rawhtml_token *token)
{
	struct renderer *renderer = user;
	xmlNodePtr element;

	switch (token->kind) {
	case RAWHTML_TEXT: {
		char *text = xstrndup(token->text, token->length);
		bool blank = strspn(text, " \t\r\n") == token->length;
		if (!(blank && renderer->raw_block))
			add_text(renderer, text);
		free(text);
		return;
	}
	case RAWHTML_START:
		element = rawhtml_element(renderer->current->doc, token);
		if (element == NULL)
			return;
		xmlAddChild(renderer->current, element);
		if (!token->empty && renderer->raw_count < RAW_OPEN_MAX) {
			renderer->raw_open[renderer->raw_count++] = element;
			renderer->current = element;
		}
		return;
	case RAWHTML_END:
		if (renderer->raw_count > 0 &&
		    renderer->current == renderer->raw_open[renderer->raw_count - 1] &&
		    xmlStrEqual(renderer->current->name, BAD_CAST token->name)) {
			renderer->current = renderer->current->parent;
			renderer->raw_count--;
		}
		return;
	case RAWHTML_OTHER:
		return;
	}
}

/* A raw HTML node under raw_html: safe: its tags of the subset rebuilt,
 * the rest dropped with their text kept. */
static void render_raw_html(struct renderer *renderer, cmark_node *node, bool block)
{
	const char *literal = cmark_node_get_literal(node);

	if (literal == NULL)
		return;
	renderer->raw_block = block;
	rawhtml_each(literal, strlen(literal), visit_raw_token, renderer);
}

/* Closes the raw HTML elements still open in the element that ends now:
 * an end tag never given does not carry them past it. */
static void close_raw_html(struct renderer *renderer)
{
	while (renderer->raw_count > 0 &&
	       renderer->current == renderer->raw_open[renderer->raw_count - 1]) {
		if (renderer->current == renderer->details_closing)
			renderer->details_closing = NULL;
		renderer->current = renderer->current->parent;
		renderer->raw_count--;
	}
}

/* A details whose end was met inside its paragraph ends with it. */
static void close_details(struct renderer *renderer)
{
	if (renderer->details_closing != NULL && renderer->raw_count > 0 &&
	    renderer->current == renderer->details_closing &&
	    renderer->raw_open[renderer->raw_count - 1] == renderer->current) {
		renderer->current = renderer->current->parent;
		renderer->raw_count--;
		renderer->details_closing = NULL;
	}
}

static void enter_node(struct renderer *renderer, cmark_iter *iterator,
		       cmark_node *node)
{
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_PARAGRAPH:
		if (!in_tight_list(node)) {
			renderer->current = add_element(renderer, "p");
			if (is_task_item(cmark_node_parent(node)) &&
			    cmark_node_previous(node) == NULL)
				add_task_checkbox(renderer, cmark_node_parent(node));
		}
		return;
	case CMARK_NODE_BLOCK_QUOTE:
		renderer->current = add_element(renderer, "blockquote");
		return;
	case CMARK_NODE_LIST:
		enter_list(renderer, node);
		return;
	case CMARK_NODE_ITEM:
		renderer->current = add_element(renderer, "li");
		if (is_task_item(node)) {
			cmark_node *first = cmark_node_first_child(node);
			xmlNewProp(renderer->current, BAD_CAST "class",
				   BAD_CAST "task");
			if (first == NULL ||
			    cmark_node_get_type(first) != CMARK_NODE_PARAGRAPH ||
			    in_tight_list(first))
				add_task_checkbox(renderer, node);
		}
		return;
	case CMARK_NODE_HEADING:
		enter_heading(renderer, node);
		return;
	case CMARK_NODE_EMPH:
		renderer->current = add_element(renderer, "em");
		return;
	case CMARK_NODE_STRONG:
		renderer->current = add_element(renderer, "strong");
		return;
	case CMARK_NODE_LINK:
		enter_link(renderer, node);
		return;
	case CMARK_NODE_IMAGE:
		render_image(renderer, node);
		cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT);
		return;
	case CMARK_NODE_CODE_BLOCK:
		render_code_block(renderer, node);
		return;
	case CMARK_NODE_THEMATIC_BREAK:
		add_element(renderer, "hr");
		return;
	case CMARK_NODE_TEXT:
		add_literal(renderer, renderer->current, node);
		return;
	case CMARK_NODE_CODE:
		add_literal(renderer, add_element(renderer, "code"), node);
		return;
	case CMARK_NODE_SOFTBREAK:
		if (!soft_break_vanishes(node))
			add_text(renderer, "\n");
		return;
	case CMARK_NODE_LINEBREAK:
		add_element(renderer, "br");
		return;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE: {
		struct placeholder_visit visit = {
			renderer, cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK};
		if (shortcode_each_placeholder(renderer->codes,
					       cmark_node_get_literal(node),
					       draw_placeholder, &visit))
			return;
		if (renderer->options->raw_html_safe)
			render_raw_html(renderer, node,
					cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK);
		return;
	}
	default:
		break;
	}
	if (is_type(node, "table")) {
		renderer->current = add_element(renderer, "table");
		/* Wide tables scroll sideways too (see render_code_block). */
		xmlNewProp(renderer->current, BAD_CAST "tabindex",
			   BAD_CAST "0");
	} else if (is_type(node, "table_row") || is_type(node, "table_header")) {
		enter_table_row(renderer, node);
	} else if (is_type(node, "table_cell")) {
		enter_table_cell(renderer, node);
	} else if (is_type(node, "strikethrough")) {
		renderer->current = add_element(renderer, "del");
	}
	/* raw HTML, footnotes and anything unknown: dropped */
}

static void exit_node(struct renderer *renderer, cmark_node *node)
{
	cmark_node_type type = cmark_node_get_type(node);

	close_raw_html(renderer);
	if (type == CMARK_NODE_HEADING) {
		exit_heading(renderer);
	} else if (type == CMARK_NODE_LINK) {
		renderer->current = renderer->current->parent;
	} else if (is_type(node, "table_row") || is_type(node, "table_header")) {
		renderer->current = renderer->current->parent->parent;
	} else if (opens_element(node)) {
		renderer->current = renderer->current->parent;
	}
	close_details(renderer);
}

void markdown_render(cmark_node *document, xmlNodePtr parent,
		     const struct markdown_render_options *options)
{
	struct renderer renderer = {
		.options = options, .current = parent,
		.codes = shortcode_of_document(document),
	};
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		if (node == document)
			continue;
		if (event == CMARK_EVENT_ENTER)
			enter_node(&renderer, iterator, node);
		else
			exit_node(&renderer, node);
	}
	cmark_iter_free(iterator);
}

void markdown_each_section(cmark_node *document,
			   const struct markdown_headings *headings,
			   void (*visit)(void *user,
					 const struct markdown_heading *heading,
					 const char *text, size_t length),
			   void *user)
{
	const struct markdown_heading *current = NULL;
	size_t heading_index = 0;
	struct buf text = {0};

	for (cmark_node *block = cmark_node_first_child(document); block;
	     block = cmark_node_next(block)) {
		bool is_heading = cmark_node_get_type(block) == CMARK_NODE_HEADING;
		const struct markdown_heading *heading = NULL;
		char *plain;

		if (is_heading && heading_index < headings->count)
			heading = &headings->items[heading_index];
		if (heading && heading->level <= 2) {
			if (current != NULL || text.length > 0)
				visit(user, current, buf_cstr(&text), text.length);
			buf_reset(&text);
			current = heading;
		} else {
			plain = markdown_plain_text(block);
			if (text.length)
				buf_addc(&text, '\n');
			buf_adds(&text, plain);
			free(plain);
		}
		/* count every heading, however deep it is nested */
		cmark_iter *iterator = cmark_iter_new(block);
		cmark_event_type event;
		while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE)
			if (event == CMARK_EVENT_ENTER &&
			    cmark_node_get_type(cmark_iter_get_node(iterator)) ==
				    CMARK_NODE_HEADING)
				heading_index++;
		cmark_iter_free(iterator);
	}
	if (current != NULL || text.length > 0)
		visit(user, current, buf_cstr(&text), text.length);
	buf_free(&text);
}
