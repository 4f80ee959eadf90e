/*
 * treeload.c — reading a decision tree's YAML file into the model
 * (tree.h): every malformed value is reported and left out, and loading
 * carries on, so one run lists every mistake; the graph checks
 * (treecheck.c) then run on what was read.
 */
#include "content/tree.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/treecheck.h"
#include "content/yamldoc.h"

struct loader {
	const char *path;	/* relative, for diagnostics */
	const struct tree_context *context;
	const char *text;	/* the file, for locating block bodies */
	size_t length;
	size_t *line_starts;	/* byte offset of each line, built on demand */
	size_t line_count;
	struct tree *tree;
	const struct yamldoc_node *start;	/* the start: value, if text */
};

static const char *const root_fields[] = {
	"tree", "title", "description", "duration", "start", "nodes", "tests",
	NULL,
};
static const char *const common_node_fields[] = {
	"type", "title", "body", "agent_note", NULL,
};
static const char *const question_fields[] = {"hint", "options", NULL};
static const char *const outcome_fields[] = {
	"result", "articles", "links", NULL,
};
static const char *const option_fields[] = {"id", "label", "next", NULL};
static const char *const test_fields[] = {"path", "expect", NULL};

/* ---- small checks shared by every field ---------------------------------- */

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* Reports every key of mapping that is not in allowed. */
static void check_fields(const struct loader *loader,
			 const struct yamldoc_node *mapping,
			 const char *const *allowed)
{
	for (size_t i = 0; i < mapping->count; i++) {
		const struct yamldoc_node *key = mapping->keys[i];
		if (!in_list(allowed, key->text))
			diag_error(loader->path, key->line, key->col,
				   "unknown field '%s'", key->text);
	}
}

/* True when value has the wanted type; otherwise reports it. */
static bool expect_type(const struct loader *loader, const char *name,
			const struct yamldoc_node *value, enum yamldoc_type type)
{
	if (value->type == type)
		return true;
	diag_error(loader->path, value->line, value->col,
		   "'%s' must be %s, not %s", name, yamldoc_type_label(type),
		   yamldoc_type_name(value));
	return false;
}

/* Like expect_type, for an item of a list; what names it ("an option"). */
static bool expect_item(const struct loader *loader, const char *what,
			const struct yamldoc_node *item, enum yamldoc_type type)
{
	if (item->type == type)
		return true;
	diag_error(loader->path, item->line, item->col, "%s must be %s, not %s",
		   what, yamldoc_type_label(type), yamldoc_type_name(item));
	return false;
}

static void report_missing(const struct loader *loader, unsigned line,
			   unsigned col, const char *name)
{
	diag_error(loader->path, line, col, "missing required field '%s'",
		   name);
}

/* The value under key, or NULL when absent or written as null. */
static const struct yamldoc_node *get_value(const struct yamldoc_node *mapping,
					    const char *key)
{
	const struct yamldoc_node *value = yamldoc_get(mapping, key, NULL);

	return value && !yamldoc_is_null(value) ? value : NULL;
}

/* Reads a text field into a new string (NULL when absent or wrong). A
 * required field that is missing is reported at line:col. */
static char *read_text(const struct loader *loader,
		       const struct yamldoc_node *mapping, const char *key,
		       bool required, unsigned line, unsigned col)
{
	const struct yamldoc_node *value = get_value(mapping, key);

	if (value == NULL) {
		if (required)
			report_missing(loader, line, col, key);
		return NULL;
	}
	if (!expect_type(loader, key, value, YAMLDOC_SCALAR))
		return NULL;
	if (required && value->length == 0) {
		diag_error(loader->path, value->line, value->col,
			   "'%s' must not be empty", key);
		return NULL;
	}
	return xstrdup(value->text);
}

/* True when text is a slug; otherwise reports it as a bad `what` id. */
static bool check_slug(const struct loader *loader, const char *what,
		       const char *text, unsigned line, unsigned col)
{
	if (tree_id_valid(text))
		return true;
	diag_error(loader->path, line, col,
		   "invalid %s id '%s': use a-z, 0-9 and '-', starting with "
		   "a letter or digit, at most %d characters", what, text,
		   TREE_MAX_ID_LENGTH);
	return false;
}

/* ---- locating a block body ----------------------------------------------- */

static void build_line_starts(struct loader *loader)
{
	size_t capacity = 0;

	loader->line_starts = xgrow(NULL, &capacity, 1,
				    sizeof *loader->line_starts);
	loader->line_starts[loader->line_count++] = 0;
	for (size_t i = 0; i < loader->length; i++) {
		if (loader->text[i] != '\n')
			continue;
		loader->line_starts = xgrow(loader->line_starts, &capacity,
					    loader->line_count + 1,
					    sizeof *loader->line_starts);
		loader->line_starts[loader->line_count++] = i + 1;
	}
}

/* The byte offset of 1-based line:col (col in code points), or SIZE_MAX. */
static size_t byte_offset(struct loader *loader, unsigned line, unsigned col)
{
	size_t offset;

	if (loader->line_starts == NULL)
		build_line_starts(loader);
	if (line == 0 || line > loader->line_count)
		return SIZE_MAX;
	offset = loader->line_starts[line - 1];
	for (unsigned seen = 1; offset < loader->length; offset++) {
		if (((unsigned char)loader->text[offset] & 0xC0) == 0x80)
			continue;
		if (seen++ == col)
			return offset;
	}
	return SIZE_MAX;
}

/* The indentation (in bytes, which are spaces) of the first line at or
 * after line that is not blank, or 0. */
static unsigned block_indent(const struct loader *loader, unsigned line)
{
	for (size_t at = line - 1; at < loader->line_count; at++) {
		const char *start = loader->text + loader->line_starts[at];
		const char *end = loader->text + loader->length;
		const char *c = start;

		while (c < end && *c == ' ')
			c++;
		if (c < end && *c != '\n' && *c != '\r')
			return (unsigned)(c - start);
	}
	return 0;
}

static void locate_body(struct loader *loader,
			const struct yamldoc_node *value,
			struct tree_node *node)
{
	size_t offset;

	node->body_line = value->line;
	node->body_col = value->col;
	if (value->plain)
		return;
	offset = byte_offset(loader, value->line, value->col);
	if (offset == SIZE_MAX || (loader->text[offset] != '|' &&
				   loader->text[offset] != '>'))
		return;
	if (value->line >= loader->line_count)
		return;
	node->body_line = value->line + 1;
	node->body_col = block_indent(loader, value->line + 1) + 1;
}

/* ---- nodes --------------------------------------------------------------- */

static void report_duplicate_option(const struct loader *loader,
				    const struct tree_node *node,
				    const struct tree_option *option)
{
	if (option->id == NULL)
		return;
	for (size_t i = 0; i < node->option_count; i++) {
		if (node->options[i].id &&
		    strcmp(node->options[i].id, option->id) == 0) {
			diag_error(loader->path, option->line, option->col,
				   "duplicate option id '%s' (first at line %u)",
				   option->id, node->options[i].line);
			return;
		}
	}
}

/* Reads one {id, label, next}; false when it has no next (reported). An
 * option with a bad id or label is kept, as an edge of the graph, so one
 * mistake does not make the nodes after it look unreachable. */
static bool read_option(const struct loader *loader,
			const struct yamldoc_node *item,
			struct tree_option *option)
{
	const struct yamldoc_node *id = get_value(item, "id");
	const struct yamldoc_node *next = get_value(item, "next");

	memset(option, 0, sizeof *option);
	option->next_index = TREE_NONE;
	option->line = item->line;
	option->col = item->col;
	if (!expect_item(loader, "an option", item, YAMLDOC_MAPPING))
		return false;
	check_fields(loader, item, option_fields);
	option->id = read_text(loader, item, "id", true, item->line, item->col);
	option->label = read_text(loader, item, "label", true, item->line,
				  item->col);
	option->next = read_text(loader, item, "next", true, item->line,
				 item->col);
	if (option->id) {
		option->line = id->line;
		option->col = id->col;
		check_slug(loader, "option", option->id, id->line, id->col);
	}
	if (option->next) {
		option->next_line = next->line;
		option->next_col = next->col;
	}
	return option->next != NULL;
}

/* Frees what read_option put in an option that is then left out. */
static void discard_option(struct tree_option *option)
{
	free(option->id);
	free(option->label);
	free(option->next);
}

static void load_options(const struct loader *loader,
			 const struct yamldoc_node *value,
			 struct tree_node *node)
{
	if (!expect_type(loader, "options", value, YAMLDOC_SEQUENCE))
		return;
	node->options = xcalloc(value->count, sizeof *node->options);
	for (size_t i = 0; i < value->count; i++) {
		struct tree_option *option = &node->options[node->option_count];

		if (!read_option(loader, value->items[i], option)) {
			discard_option(option);
			continue;
		}
		report_duplicate_option(loader, node, option);
		node->option_count++;
	}
}

static void report_bad_article(const struct loader *loader,
			       const struct yamldoc_node *item)
{
	size_t length = item->length;

	if (length > 3 && strcmp(item->text + length - 3, ".md") == 0)
		diag_error(loader->path, item->line, item->col,
			   "article '%s' does not exist (write content paths "
			   "without .md)", item->text);
	else
		diag_error(loader->path, item->line, item->col,
			   "article '%s' does not exist", item->text);
}

/* Checks one article or link name against the site; true when known. */
static bool reference_known(const struct loader *loader, bool is_article,
			    const struct yamldoc_node *item)
{
	const struct tree_context *context = loader->context;

	if (context == NULL)
		return true;
	if (is_article && context->article_exists &&
	    !context->article_exists(context->user, item->text)) {
		report_bad_article(loader, item);
		return false;
	}
	if (!is_article && context->link_exists &&
	    !context->link_exists(context->user, item->text)) {
		diag_error(loader->path, item->line, item->col,
			   "unknown link '%s'", item->text);
		return false;
	}
	return true;
}

/* Reads articles: or links: (a list of names) into *out. */
static void load_references(const struct loader *loader,
			    const struct yamldoc_node *node_value,
			    const char *key, struct tree_reference **out,
			    size_t *count)
{
	const struct yamldoc_node *value = get_value(node_value, key);
	bool is_article = strcmp(key, "articles") == 0;

	if (value == NULL || !expect_type(loader, key, value,
					  YAMLDOC_SEQUENCE))
		return;
	*out = xcalloc(value->count, sizeof **out);
	for (size_t i = 0; i < value->count; i++) {
		const struct yamldoc_node *item = value->items[i];

		if (!expect_item(loader, is_article ? "an article" : "a link",
				 item, YAMLDOC_SCALAR) ||
		    !reference_known(loader, is_article, item))
			continue;
		(*out)[*count].name = xstrdup(item->text);
		(*out)[*count].line = item->line;
		(*out)[*count].col = item->col;
		(*count)++;
	}
}

static void load_result(const struct loader *loader,
			const struct yamldoc_node *value,
			struct tree_node *node)
{
	static const char *const names[] = {"resolved", "unresolved",
					    "escalate"};
	static const enum tree_result results[] = {
		TREE_RESOLVED, TREE_UNRESOLVED, TREE_ESCALATE,
	};
	const struct yamldoc_node *result = get_value(value, "result");

	if (result == NULL) {
		if (node->type == TREE_OUTCOME)
			diag_error(loader->path, node->line, node->col,
				   "outcome '%s' has no result (resolved, "
				   "unresolved or escalate)", node->id);
		return;
	}
	if (!expect_type(loader, "result", result, YAMLDOC_SCALAR))
		return;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(result->text, names[i]) == 0) {
			node->result = results[i];
			return;
		}
	}
	diag_error(loader->path, result->line, result->col,
		   "invalid result '%s' (expected resolved, unresolved or "
		   "escalate)", result->text);
}

static enum tree_node_type read_type(const struct loader *loader,
				     const struct yamldoc_node *value,
				     const struct tree_node *node)
{
	const struct yamldoc_node *type = get_value(value, "type");

	if (type == NULL) {
		report_missing(loader, node->line, node->col, "type");
		return TREE_UNKNOWN;
	}
	if (!expect_type(loader, "type", type, YAMLDOC_SCALAR))
		return TREE_UNKNOWN;
	if (strcmp(type->text, "question") == 0)
		return TREE_QUESTION;
	if (strcmp(type->text, "outcome") == 0)
		return TREE_OUTCOME;
	diag_error(loader->path, type->line, type->col,
		   "invalid node type '%s' (expected question or outcome)",
		   type->text);
	return TREE_UNKNOWN;
}

/* Reports fields that no node has, and fields of the other type. */
static void check_node_fields(const struct loader *loader,
			      const struct yamldoc_node *value,
			      enum tree_node_type type)
{
	for (size_t i = 0; i < value->count; i++) {
		const struct yamldoc_node *key = value->keys[i];
		bool question = in_list(question_fields, key->text);
		bool outcome = in_list(outcome_fields, key->text);

		if (in_list(common_node_fields, key->text))
			continue;
		if (!question && !outcome)
			diag_error(loader->path, key->line, key->col,
				   "unknown field '%s'", key->text);
		else if (type == TREE_QUESTION && outcome)
			diag_error(loader->path, key->line, key->col,
				   "'%s' is not allowed in a question",
				   key->text);
		else if (type == TREE_OUTCOME && question)
			diag_error(loader->path, key->line, key->col,
				   "'%s' is not allowed in an outcome",
				   key->text);
	}
}

static void load_question_parts(const struct loader *loader,
				const struct yamldoc_node *value,
				struct tree_node *node)
{
	const struct yamldoc_node *options = get_value(value, "options");

	node->hint = read_text(loader, value, "hint", false, 0, 0);
	if (options != NULL)
		load_options(loader, options, node);
	if (node->type == TREE_QUESTION &&
	    (options == NULL || (options->type == YAMLDOC_SEQUENCE &&
				 options->count == 0)))
		diag_error(loader->path, node->line, node->col,
			   "question '%s' has no options", node->id);
}

/* True when key holds a non-empty value (whether or not it is valid). */
static bool has_content(const struct yamldoc_node *mapping, const char *key)
{
	const struct yamldoc_node *value = get_value(mapping, key);

	return value && (value->type != YAMLDOC_SEQUENCE || value->count > 0);
}

static void load_outcome_parts(const struct loader *loader,
			       const struct yamldoc_node *value,
			       struct tree_node *node)
{
	load_result(loader, value, node);
	load_references(loader, value, "articles", &node->articles,
			&node->article_count);
	load_references(loader, value, "links", &node->links,
			&node->link_count);
	if (node->type == TREE_OUTCOME && !has_content(value, "articles") &&
	    !has_content(value, "links"))
		diag_warning(loader->path, node->line, node->col,
			     "outcome '%s' has neither articles nor links",
			     node->id);
}

static void load_node(struct loader *loader, const struct yamldoc_node *key,
		      const struct yamldoc_node *value, struct tree_node *node)
{
	const struct yamldoc_node *body;

	node->id = xstrdup(key->text);
	node->line = key->line;
	node->col = key->col;
	check_slug(loader, "node", node->id, key->line, key->col);
	if (!expect_type(loader, node->id, value, YAMLDOC_MAPPING))
		return;
	node->type = read_type(loader, value, node);
	check_node_fields(loader, value, node->type);
	node->title = read_text(loader, value, "title", true, node->line,
				node->col);
	node->body = read_text(loader, value, "body", false, 0, 0);
	body = get_value(value, "body");
	if (node->body)
		locate_body(loader, body, node);
	node->agent_note = read_text(loader, value, "agent_note", false, 0, 0);
	if (node->type != TREE_OUTCOME)
		load_question_parts(loader, value, node);
	if (node->type != TREE_QUESTION)
		load_outcome_parts(loader, value, node);
}

/* Loads nodes:; leaves tree->nodes NULL when it is missing or wrong. */
static void load_nodes(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *nodes = get_value(root, "nodes");
	struct tree *tree = loader->tree;

	if (nodes == NULL) {
		report_missing(loader, root->line, root->col, "nodes");
		return;
	}
	if (!expect_type(loader, "nodes", nodes, YAMLDOC_MAPPING))
		return;
	tree->nodes = xcalloc(nodes->count, sizeof *tree->nodes);
	for (size_t i = 0; i < nodes->count; i++) {
		load_node(loader, nodes->keys[i], nodes->items[i],
			  &tree->nodes[tree->node_count]);
		tree->node_count++;
	}
}

/* ---- tests --------------------------------------------------------------- */

/* Splits "node=option"; leaves node and option NULL (reported) when the
 * item is not that shape. */
static void read_answer(const struct loader *loader,
			const struct yamldoc_node *item,
			struct tree_test_answer *answer)
{
	const char *equals;

	answer->line = item->line;
	answer->col = item->col;
	if (!expect_item(loader, "an answer", item, YAMLDOC_SCALAR))
		return;
	equals = strchr(item->text, '=');
	if (equals == NULL || equals == item->text || equals[1] == '\0') {
		diag_error(loader->path, item->line, item->col,
			   "answer '%s' must be node=option", item->text);
		return;
	}
	answer->node = xstrndup(item->text, (size_t)(equals - item->text));
	answer->option = xstrdup(equals + 1);
}

static void load_test(const struct loader *loader,
		      const struct yamldoc_node *item, struct tree_test *test)
{
	const struct yamldoc_node *path, *expect;

	test->line = item->line;
	test->col = item->col;
	if (!expect_item(loader, "a test", item, YAMLDOC_MAPPING))
		return;
	check_fields(loader, item, test_fields);
	test->expect = read_text(loader, item, "expect", true, item->line,
				 item->col);
	expect = get_value(item, "expect");
	if (test->expect) {
		test->expect_line = expect->line;
		test->expect_col = expect->col;
	}
	path = get_value(item, "path");
	if (path == NULL) {
		report_missing(loader, item->line, item->col, "path");
		return;
	}
	if (!expect_type(loader, "path", path, YAMLDOC_SEQUENCE))
		return;
	test->path = xcalloc(path->count, sizeof *test->path);
	test->path_length = path->count;
	for (size_t i = 0; i < path->count; i++)
		read_answer(loader, path->items[i], &test->path[i]);
}

static void load_tests(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *tests = get_value(root, "tests");
	struct tree *tree = loader->tree;

	if (tests == NULL ||
	    !expect_type(loader, "tests", tests, YAMLDOC_SEQUENCE))
		return;
	tree->tests = xcalloc(tests->count, sizeof *tree->tests);
	tree->test_count = tests->count;
	for (size_t i = 0; i < tests->count; i++)
		load_test(loader, tests->items[i], &tree->tests[i]);
}

/* ---- the file ------------------------------------------------------------ */

/* The file name without folders and without .yaml; the caller frees. */
static char *file_stem(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	size_t length = strlen(name);

	if (length > 5 && strcmp(name + length - 5, ".yaml") == 0)
		length -= 5;
	return xstrndup(name, length);
}

static void load_header(struct loader *loader, const struct yamldoc_node *root)
{
	struct tree *tree = loader->tree;
	const struct yamldoc_node *id = get_value(root, "tree");
	char *stem = file_stem(tree->path);

	check_fields(loader, root, root_fields);
	tree->id = read_text(loader, root, "tree", true, root->line, root->col);
	if (tree->id) {
		tree->id_line = id->line;
		tree->id_col = id->col;
		if (check_slug(loader, "tree", tree->id, id->line, id->col) &&
		    strcmp(tree->id, stem) != 0)
			diag_error(loader->path, id->line, id->col,
				   "tree id '%s' does not match the file name "
				   "'%s.yaml'", tree->id, stem);
	}
	tree->title = read_text(loader, root, "title", true, root->line,
				root->col);
	tree->description = read_text(loader, root, "description", false, 0, 0);
	tree->duration = read_text(loader, root, "duration", false, 0, 0);
	free(stem);
	loader->start = get_value(root, "start");
	if (loader->start == NULL)
		report_missing(loader, root->line, root->col, "start");
	else if (!expect_type(loader, "start", loader->start, YAMLDOC_SCALAR))
		loader->start = NULL;
}

/* Reads the file, refusing one over the size limit. NULL when it failed
 * (reported); the caller frees the text. */
static char *read_tree_file(const char *full_path, const char *path,
			    size_t *length)
{
	struct stat status;
	char *text = NULL;

	if (stat(full_path, &status) == 0 &&
	    (uintmax_t)status.st_size > TREE_MAX_FILE_SIZE) {
		diag_error(path, 0, 0, "file too large (%jd bytes; the limit "
			   "is %zu MiB)", (intmax_t)status.st_size,
			   TREE_MAX_FILE_SIZE >> 20);
		return NULL;
	}
	if (read_file(full_path, TREE_MAX_FILE_SIZE, &text, length) != 0) {
		if (errno == EFBIG)
			diag_error(path, 0, 0, "file too large (the limit is "
				   "%zu MiB)", TREE_MAX_FILE_SIZE >> 20);
		else
			diag_error(path, 0, 0, "cannot read: %s",
				   strerror(errno));
		return NULL;
	}
	return text;
}

/* Parses the YAML; NULL when there is no usable mapping (reported). */
static struct yamldoc_node *parse_tree_file(const char *text, size_t length,
					    const char *path)
{
	struct yamldoc_node *root;
	bool ok;

	root = yamldoc_parse(text, length, path, 1, &ok);
	if (!ok)
		return NULL;
	if (root == NULL) {
		diag_error(path, 0, 0, "the file is empty");
		return NULL;
	}
	if (root->type != YAMLDOC_MAPPING) {
		diag_error(path, root->line, root->col,
			   "a tree file must be a mapping, not %s",
			   yamldoc_type_name(root));
		yamldoc_free(root);
		return NULL;
	}
	return root;
}

/* The graph checks (treecheck.h), given the start: value as written. */
static void check_graph(const struct loader *loader)
{
	const struct yamldoc_node *value = loader->start;
	struct tree_reference start;

	if (value != NULL)
		start = (struct tree_reference){value->text, value->line,
						value->col};
	tree_check_graph(loader->tree, value != NULL ? &start : NULL);
}

struct tree *tree_parse(const char *text, size_t length,
			const char *relative_path,
			const struct tree_context *context)
{
	struct loader loader = {.path = relative_path, .context = context,
				.text = text, .length = length};
	struct yamldoc_node *root;
	struct tree *tree = NULL;

	root = parse_tree_file(text, length, relative_path);
	if (root == NULL)
		goto out;
	tree = xcalloc(1, sizeof *tree);
	tree->path = xstrdup(relative_path);
	tree->start = TREE_NONE;
	loader.tree = tree;
	load_header(&loader, root);
	load_nodes(&loader, root);
	load_tests(&loader, root);
	tree_build_index(tree);	/* yamldoc already refused duplicate ids */
	if (tree->nodes != NULL)
		check_graph(&loader);
out:
	yamldoc_free(root);
	free(loader.line_starts);
	return tree;
}

struct tree *tree_load(const char *root_path, const char *relative_path,
		       const struct tree_context *context)
{
	char *full_path = path_join(root_path, relative_path);
	struct tree *tree = NULL;
	size_t length;
	char *text;

	text = read_tree_file(full_path, relative_path, &length);
	if (text != NULL)
		tree = tree_parse(text, length, relative_path, context);
	free(text);
	free(full_path);
	return tree;
}

/* ---- all trees of a site ------------------------------------------------- */

static bool is_tree_file(const char *name)
{
	size_t length = strlen(name);

	return name[0] != '.' && length > 5 &&
	       strcmp(name + length - 5, ".yaml") == 0;
}

/* The sorted *.yaml names in folder; -1 (errno set) when unreadable. */
static int list_tree_files(const char *folder, char ***names, size_t *count)
{
	DIR *directory = opendir(folder);
	struct dirent *entry;
	size_t capacity = 0;

	*names = NULL;
	*count = 0;
	if (directory == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((entry = readdir(directory)) != NULL) {
		if (!is_tree_file(entry->d_name))
			continue;
		*names = xgrow(*names, &capacity, *count + 1, sizeof **names);
		(*names)[(*count)++] = xstrdup(entry->d_name);
	}
	closedir(directory);
	if (*count > 1)
		qsort(*names, *count, sizeof **names, compare_strings);
	return 0;
}

static void report_duplicate_tree(struct tree **trees, size_t count)
{
	const struct tree *tree = trees[count];

	if (tree->id == NULL)
		return;
	for (size_t i = 0; i < count; i++) {
		if (trees[i]->id && strcmp(trees[i]->id, tree->id) == 0) {
			diag_error(tree->path, tree->id_line, tree->id_col,
				   "duplicate tree id '%s' (also in %s)",
				   tree->id, trees[i]->path);
			return;
		}
	}
}

int tree_load_all(const char *root, const struct tree_context *context,
		  struct tree ***out, size_t *count)
{
	char *folder = path_join(root, "decision-trees");
	char **names = NULL;
	size_t name_count = 0;
	int rc = -1;

	*out = NULL;
	*count = 0;
	if (list_tree_files(folder, &names, &name_count) != 0) {
		diag_error("decision-trees", 0, 0, "cannot read the folder: %s",
			   strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < name_count; i++) {
		char *relative = path_join("decision-trees", names[i]);
		struct tree *tree = tree_load(root, relative, context);

		free(relative);
		if (tree == NULL)
			continue;
		if (*count == 0)
			*out = xcalloc(name_count, sizeof **out);
		(*out)[*count] = tree;
		report_duplicate_tree(*out, *count);
		(*count)++;
	}
	rc = 0;
out:
	for (size_t i = 0; i < name_count; i++)
		free(names[i]);
	free(names);
	free(folder);
	return rc;
}

