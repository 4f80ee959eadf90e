/*
 * treemap.c — decision tree to SVG through Graphviz.
 *
 * gvContext() would load every plugin Graphviz has, including the pango
 * text layout: its output would then depend on the fonts installed, and
 * fontconfig's caches show up as leaks under ASan. So the two plugins we
 * need (core: the SVG renderer; dot_layout) are opened from Graphviz's
 * plugin folder and handed to gvContextPlugins as builtins. When that
 * fails (an unusual install), gvContext() is the fallback.
 */
#include "html/treemap.h"

#include <dlfcn.h>
#include <gvc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "base/util.h"

/* Code points per label line before wrapping. */
#define LABEL_WIDTH 18

static pthread_mutex_t graphviz_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t plugins_once = PTHREAD_ONCE_INIT;
static lt_symlist_t builtins[3];
static bool have_builtins;

/* Graphviz's plugin folder: $GVBINDIR, else "graphviz" next to libgvc.
 * The caller frees. */
static char *plugin_folder(void)
{
	const char *configured = getenv("GVBINDIR");
	Dl_info info;
	const char *slash;

	if (configured && *configured)
		return xstrdup(configured);
	if (dladdr((void *)gvContextPlugins, &info) == 0 ||
	    info.dli_fname == NULL)
		return NULL;
	slash = strrchr(info.dli_fname, '/');
	if (slash == NULL)
		return NULL;
	return xasprintf("%.*s/graphviz", (int)(slash - info.dli_fname),
			 info.dli_fname);
}

/* dlsym of a plugin's library symbol; NULL when it cannot be had. The
 * handle is kept open for the life of the process on purpose. */
static void *open_plugin(const char *folder, const char *plugin,
			 const char *symbol)
{
	char *file = xasprintf("%s/libgvplugin_%s.so.6", folder, plugin);
	void *handle = dlopen(file, RTLD_NOW | RTLD_LOCAL);
	void *address = handle ? dlsym(handle, symbol) : NULL;

	free(file);
	return address;
}

static void load_plugins(void)
{
	char *folder = plugin_folder();
	void *core, *dot;

	if (folder == NULL)
		return;
	core = open_plugin(folder, "core", "gvplugin_core_LTX_library");
	dot = open_plugin(folder, "dot_layout",
			  "gvplugin_dot_layout_LTX_library");
	free(folder);
	if (core == NULL || dot == NULL)
		return;
	builtins[0] = (lt_symlist_t){"gvplugin_core_LTX_library", core};
	builtins[1] = (lt_symlist_t){"gvplugin_dot_layout_LTX_library", dot};
	builtins[2] = (lt_symlist_t){NULL, NULL};
	have_builtins = true;
}

static GVC_t *open_context(void)
{
	pthread_once(&plugins_once, load_plugins);
	if (have_builtins)
		return gvContextPlugins(builtins, 0);
	return gvContext();
}

/* ---- labels -------------------------------------------------------------- */

/* Graphviz reads backslash escapes (\N, \G, \n...) in labels, URLs and
 * tooltips; doubling every backslash makes text mean itself. */
static void add_escaped(struct buf *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\\')
			buf_addc(out, '\\');
		buf_addc(out, text[i]);
	}
}

static char *escape(const char *text)
{
	struct buf out = {0};

	add_escaped(&out, text, strlen(text));
	return buf_detach(&out);
}

static size_t code_point_length(const char *text)
{
	size_t length = 1;

	while (text[length] && ((unsigned char)text[length] & 0xC0) == 0x80)
		length++;
	return length;
}

static size_t count_code_points(const char *text)
{
	size_t count = 0;

	for (; *text; text += code_point_length(text))
		count++;
	return count;
}

static bool starts_with_any(const char *text, const char *const *list)
{
	for (; *list; list++)
		if (strncmp(text, *list, strlen(*list)) == 0)
			return true;
	return false;
}

static bool is_word_character(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* May a line end between previous and next (each the start of a code
 * point)? Not inside a Latin word, not before a space or closing
 * punctuation, not after opening punctuation (Japanese line-breaking
 * rules, kept to the common characters). */
static bool can_break(const char *previous, const char *next)
{
	static const char *const closing[] = {
		"?", "!", ",", ".", ":", ";", ")", "]", "」", "』", "）",
		"、", "。", "？", "！", "ー", "ッ", "っ", "ャ", "ュ", "ョ",
		"ゃ", "ゅ", "ょ", NULL,
	};
	static const char *const opening[] = {
		"(", "[", "「", "『", "（", NULL,
	};

	if (*next == ' ' || starts_with_any(next, closing) ||
	    starts_with_any(previous, opening))
		return false;
	return !(is_word_character(*previous) && is_word_character(*next));
}

/* Breaks title into lines of about the same length, at most about
 * LABEL_WIDTH code points, where can_break allows, joined by '\n'. A
 * space at a break is dropped. The text is not escaped. The caller
 * frees. */
static char *wrap_label(const char *title)
{
	struct buf out = {0};
	const char *line = title, *cursor = title;
	size_t total = count_code_points(title), count = 0;
	size_t lines = (total + LABEL_WIDTH - 1) / LABEL_WIDTH;
	size_t width = lines > 1 ? (total + lines - 1) / lines : LABEL_WIDTH;

	while (*cursor) {
		const char *previous = cursor;

		cursor += code_point_length(cursor);
		if (++count < width || *cursor == '\0')
			continue;
		if (!can_break(previous, cursor) &&
		    count < LABEL_WIDTH + LABEL_WIDTH / 2)
			continue;
		buf_add(&out, line, (size_t)(cursor - line) - (*previous == ' '));
		buf_addc(&out, '\n');
		line = cursor;
		count = 0;
	}
	buf_add(&out, line, (size_t)(cursor - line));
	return buf_detach(&out);
}

/* The label of a node: its wrapped title, then its id on a line of its
 * own, so that support staff can tell a customer's step from the
 * diagram alone; the id is the last <text> of the node (the page's
 * style sets it smaller). Escaped for Graphviz. The caller frees. */
static char *node_label(const char *wrapped_title, const char *id)
{
	struct buf out = {0};

	for (const char *cursor = wrapped_title; *cursor; cursor++) {
		if (*cursor == '\n')
			buf_adds(&out, "\\n");
		else
			add_escaped(&out, cursor, 1);
	}
	buf_adds(&out, "\\n");
	add_escaped(&out, id, strlen(id));
	return buf_detach(&out);
}

/* Graphviz's built-in font metrics (no fontconfig, for reproducible
 * output) know Latin widths only and under-measure Japanese, so labels
 * spilled out of their boxes. The box is sized here instead, in inches:
 * a full-width character is 1 em, others half an em, plus the margins. */
#define NODE_FONT_POINTS 12.0
#define NODE_MARGIN_INCHES 0.35

/* Half-ems in the widest line of text (lines end at '\n'). */
static size_t widest_line_units(const char *text)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)text;
	size_t units = 0, widest = 0;
	utf8proc_int32_t code;

	while (*cursor) {
		utf8proc_ssize_t size = utf8proc_iterate(cursor, -1, &code);
		if (size <= 0) {
			cursor++;
			continue;
		}
		cursor += size;
		if (code == '\n') {
			widest = units > widest ? units : widest;
			units = 0;
			continue;
		}
		units += utf8proc_charwidth(code) == 2 ? 2 : 1;
	}
	return units > widest ? units : widest;
}

/* The width of a node's box, in inches, for its wrapped title and the
 * id line under it. */
static double label_width_inches(const char *wrapped_title, const char *id)
{
	size_t title = widest_line_units(wrapped_title);
	size_t id_line = widest_line_units(id);
	size_t widest = title > id_line ? title : id_line;

	return (double)widest * NODE_FONT_POINTS / 2 / 72 + NODE_MARGIN_INCHES;
}

/* An edge label escaped and padded with a space on each side per
 * full-width character, so that dot, which measures those characters at
 * about half their width, leaves room for them (see above). Caller
 * frees. */
static char *padded_edge_label(const char *text)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)text;
	char *escaped = escape(text);
	struct buf label = {0};
	size_t wide = 0;
	utf8proc_int32_t code;

	while (*cursor) {
		utf8proc_ssize_t size = utf8proc_iterate(cursor, -1, &code);
		cursor += size > 0 ? size : 1;
		if (size > 0 && utf8proc_charwidth(code) == 2)
			wide++;
	}
	for (size_t i = 0; i < wide; i++)
		buf_addc(&label, ' ');
	buf_adds(&label, escaped);
	for (size_t i = 0; i < wide; i++)
		buf_addc(&label, ' ');
	free(escaped);
	return buf_detach(&label);
}

/* ---- the graph ----------------------------------------------------------- */

static void set(void *object, const char *name, const char *value)
{
	agsafeset(object, (char *)name, (char *)value, "");
}

struct attribute {
	const char *name, *value;
};

static void declare(Agraph_t *graph, int kind,
		    const struct attribute *attributes, size_t count)
{
	for (size_t i = 0; i < count; i++)
		agattr(graph, kind, (char *)attributes[i].name,
		       (char *)attributes[i].value);
}

/* mclimit 0.5 halves dot's crossing-minimisation passes: the layout of
 * large trees stays the same, and it costs much less. Top to bottom, the
 * first question is at the top, in the first screen of the page that
 * fits the diagram to its width; left to right made the shipped tree
 * wider still (1,929 pt against 1,576), as its boxes are wider than tall. */
static void set_defaults(Agraph_t *graph)
{
	struct treemap_colours question =
		treemap_colours(TREE_QUESTION, TREE_RESULT_NONE);
	static const struct attribute graph_attributes[] = {
		{"rankdir", "TB"}, {"nodesep", "0.3"}, {"ranksep", "0.45"},
		{"bgcolor", "transparent"}, {"mclimit", "0.5"},
	};
	static const struct attribute node_attributes[] = {
		{"shape", "box"}, {"style", "rounded,filled"},
		{"fontname", "sans-serif"}, {"fontsize", "12"},
		{"margin", "0.15,0.08"},
	};
	static const struct attribute edge_attributes[] = {
		{"fontname", "sans-serif"}, {"fontsize", "11"},
		{"color", "#555555"},
	};

	declare(graph, AGRAPH, graph_attributes,
		sizeof graph_attributes / sizeof *graph_attributes);
	declare(graph, AGNODE, node_attributes,
		sizeof node_attributes / sizeof *node_attributes);
	agattr(graph, AGNODE, "fillcolor", (char *)question.fill);
	agattr(graph, AGNODE, "color", (char *)question.line);
	declare(graph, AGEDGE, edge_attributes,
		sizeof edge_attributes / sizeof *edge_attributes);
}

struct treemap_colours treemap_colours(enum tree_node_type type,
				       enum tree_result result)
{
	static const struct treemap_colours question = {"#eef3fb", "#4a6fa5"};
	static const struct treemap_colours outcomes[] = {
		[TREE_RESULT_NONE] = {"#eeeeee", "#777777"},
		[TREE_RESOLVED] = {"#dcf3dc", "#2e7d32"},
		[TREE_UNRESOLVED] = {"#fff1cc", "#b26a00"},
		[TREE_ESCALATE] = {"#fde0e0", "#c62828"},
	};

	if (type != TREE_OUTCOME)
		return question;
	return outcomes[result];
}

static void style_outcome(Agnode_t *vertex, enum tree_result result)
{
	struct treemap_colours colours = treemap_colours(TREE_OUTCOME, result);
	char *class_name = xasprintf("outcome %s", tree_result_name(result));

	set(vertex, "style", "filled,bold");
	set(vertex, "fillcolor", colours.fill);
	set(vertex, "color", colours.line);
	set(vertex, "class", class_name);
	free(class_name);
}

/* What building one graph needs. */
struct map {
	Agraph_t *graph;
	const struct tree *tree;
	treemap_url_function *node_url;
	void *user;
	Agnode_t **vertices;	/* one per tree node */
	size_t *uses;		/* edges drawn into each node so far */
};

/* Adds the vertex for tree node index; copy 0 is the node itself, copy
 * n > 0 its (n+1)th drawing, named and identified apart ('.' is never in
 * a slug, so "map-x.2" cannot clash with another node's id). */
static Agnode_t *add_vertex(struct map *map, size_t index, size_t copy)
{
	const struct tree_node *node = &map->tree->nodes[index];
	char *name = copy ? xasprintf("%s.%zu", node->id, copy + 1)
			  : xstrdup(node->id);
	Agnode_t *vertex = agnode(map->graph, name, 1);
	char *title = wrap_label(node->title ? node->title : node->id);
	char *label = node_label(title, node->id);
	char *tooltip = escape(node->title ? node->title : node->id);
	char *url = escape(map->node_url(map->user, node));
	char *id = xasprintf("map-%s", name);
	char width[32];

	snprintf(width, sizeof width, "%.2f",
		 label_width_inches(title, node->id));
	set(vertex, "label", label);
	set(vertex, "width", width);
	set(vertex, "tooltip", tooltip);
	set(vertex, "URL", url);
	set(vertex, "id", id);
	if (node->type == TREE_OUTCOME)
		style_outcome(vertex, node->result);
	else
		set(vertex, "class", "question");
	free(name);
	free(title);
	free(label);
	free(tooltip);
	free(url);
	free(id);
	return vertex;
}

/* The vertex an edge into node index ends at: a fresh copy for every
 * edge after the first into an outcome. */
static Agnode_t *edge_target(struct map *map, size_t index)
{
	size_t copy = map->uses[index]++;

	if (copy == 0 || map->tree->nodes[index].type != TREE_OUTCOME)
		return map->vertices[index];
	return add_vertex(map, index, copy);
}

static void add_edges(struct map *map)
{
	const struct tree *tree = map->tree;

	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];

		for (size_t k = 0; k < node->option_count; k++) {
			const struct tree_option *option = &node->options[k];
			Agedge_t *edge;
			char *label;

			if (option->next_index == TREE_NONE)
				continue;
			edge = agedge(map->graph, map->vertices[i],
				      edge_target(map, option->next_index),
				      NULL, 1);
			label = padded_edge_label(option->label ? option->label : "");
			set(edge, "label", label);
			free(label);
		}
	}
}

static Agraph_t *build_graph(const struct tree *tree,
			     treemap_url_function *node_url, void *user)
{
	struct map map = {
		.graph = agopen(tree->id ? tree->id : "tree", Agdirected, NULL),
		.tree = tree,
		.node_url = node_url,
		.user = user,
		.vertices = xcalloc(tree->node_count, sizeof *map.vertices),
		.uses = xcalloc(tree->node_count, sizeof *map.uses),
	};

	set_defaults(map.graph);
	for (size_t i = 0; i < tree->node_count; i++)
		map.vertices[i] = add_vertex(&map, i, 0);
	add_edges(&map);
	free(map.vertices);
	free(map.uses);
	return map.graph;
}

/* ---- the output ---------------------------------------------------------- */

/* Keeps the <svg> element only, without comments: the XML declaration,
 * DOCTYPE and "Generated by graphviz version" comment do not belong
 * inline in HTML5, and the version would differ between machines. */
static char *clean_svg(const char *text)
{
	const char *end = text + strlen(text);
	const char *cursor = strstr(text, "<svg");
	struct buf out = {0};

	while (cursor && cursor < end) {
		const char *comment = strstr(cursor, "<!--");
		const char *close;

		if (comment == NULL || comment >= end) {
			buf_add(&out, cursor, (size_t)(end - cursor));
			break;
		}
		buf_add(&out, cursor, (size_t)(comment - cursor));
		close = strstr(comment, "-->");
		if (close == NULL)
			break;
		cursor = close + 3;
		if (cursor < end && *cursor == '\n')
			cursor++;
	}
	return buf_detach(&out);
}

char *treemap_svg(const struct tree *tree, treemap_url_function *node_url,
		  void *user)
{
	GVC_t *context;
	Agraph_t *graph;
	char *data = NULL, *svg = NULL;
	unsigned int length = 0;

	pthread_mutex_lock(&graphviz_lock);
	context = open_context();
	graph = build_graph(tree, node_url, user);
	if (gvLayout(context, graph, "dot") != 0)
		goto out;
	if (gvRenderData(context, graph, "svg", &data, &length) == 0 && data) {
		char *text = xstrndup(data, length);

		svg = clean_svg(text);
		free(text);
	}
	gvFreeRenderData(data);
	gvFreeLayout(context, graph);
out:
	agclose(graph);
	gvFreeContext(context);
	pthread_mutex_unlock(&graphviz_lock);
	return svg;
}
