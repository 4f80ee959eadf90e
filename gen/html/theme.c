/*
 * theme.c — layout loading, the page template, per-page filling and
 * UTF-8 serialization (through htmlout).
 */
#include "html/theme.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "html/dom.h"
#include "html/htmlout.h"
#include "base/util.h"
#include "content/yamldoc.h"

#define LAYOUT_MAX_SIZE (1024 * 1024)
#define STRINGS_MAX_SIZE (1024 * 1024)

struct nav_entry {
	char *path;
	char *label;
};

/* What a page puts where in the layout. Every hole but the last kind
 * replaces a layout element with the page's own copy of it; APPEND
 * holes sit before an element's end tag and take the page's extra
 * children (of <head>, or of the root element in a layout without
 * <head> or data-kb="main"). */
enum hole_kind {
	HOLE_TITLE,
	HOLE_DESCRIPTION,
	HOLE_SEARCH_INPUT,
	HOLE_BREADCRUMBS,
	HOLE_MAIN,
	HOLE_APPEND,
};

struct hole {
	enum hole_kind kind;
	xmlNodePtr node;	/* in the template's document */
	size_t offset;		/* where it sits in the template's bytes */
};

/* The layout as every page shares it, made once (the slots found, the
 * navigation filled, the data-kb attributes gone) and serialized into
 * static bytes with holes. Immutable once made, so pages on any thread
 * read it without a lock. */
struct page_template {
	xmlDocPtr document;
	struct buf bytes;
	struct hole *holes;
	size_t hole_count, hole_capacity;
	/* Slots found while preparing, turned into holes in order. */
	xmlNodePtr *titles, *descriptions;
	size_t title_count, title_capacity;
	size_t description_count, description_capacity;
	xmlNodePtr head, main, breadcrumbs, search_input;
	xmlNodePtr head_marker, main_marker;
	struct page_template *older;
};

/* Templates are made on the first page_new after a change of the
 * navigation; older ones stay until theme_free (pages may still point
 * at them). */
struct template_cache {
	pthread_mutex_t lock;
	struct page_template *current;
	struct page_template *stale;
};

struct theme {
	xmlDocPtr layout;
	char *base_path;
	char *site_title;
	char **keys, **values;
	size_t string_count;
	struct nav_entry *nav;
	size_t nav_count, nav_capacity;
	struct template_cache *templates;
};

struct crumb {
	char *href;
	char *label;
};

/* A page owns only what differs from the template: a copy of each
 * hole's element (children of a holder element in a small document). */
struct page {
	const struct theme *theme;
	const struct page_template *template;
	xmlDocPtr document;
	xmlNodePtr *nodes;	/* one per template hole */
	xmlNodePtr main, head, breadcrumbs, search_input;
	struct crumb *crumbs;
	size_t crumb_count, crumb_capacity;
};

static char *kb_attribute(xmlNodePtr node, const char *name)
{
	xmlChar *value;
	char *copy;

	/* xmlHasProp does not allocate: most elements have no such attribute */
	if (node->properties == NULL || xmlHasProp(node, BAD_CAST name) == NULL)
		return NULL;
	value = xmlGetProp(node, BAD_CAST name);
	if (value == NULL)
		return NULL;
	copy = xstrdup((const char *)value);
	xmlFree(value);
	return copy;
}

const char *theme_text(const struct theme *theme, const char *key)
{
	for (size_t i = 0; i < theme->string_count; i++)
		if (strcmp(theme->keys[i], key) == 0)
			return theme->values[i];
	return key;
}

char *theme_url(const struct theme *theme, const char *path)
{
	return xasprintf("%s%s", theme->base_path, path);
}

/* Reads the UI strings from length bytes of YAML (a mapping of key: text);
 * name is the file named in diagnostics. */
static bool parse_strings(struct theme *theme, const char *text, size_t length,
			  const char *name)
{
	struct yamldoc_node *strings = NULL;
	bool ok = false;

	strings = yamldoc_parse(text, length, name, 1, &ok);
	if (!ok)
		goto out;
	if (strings == NULL || strings->type != YAMLDOC_MAPPING) {
		diag_error(name, 1, 1, "UI strings must be a mapping of "
			   "key: text");
		ok = false;
		goto out;
	}
	theme->keys = xcalloc(strings->count, sizeof *theme->keys);
	theme->values = xcalloc(strings->count, sizeof *theme->values);
	for (size_t i = 0; i < strings->count; i++) {
		const struct yamldoc_node *value = strings->items[i];
		if (value->type != YAMLDOC_SCALAR) {
			diag_error(name, value->line, value->col,
				   "UI string '%s' must be text",
				   strings->keys[i]->text);
			ok = false;
			continue;
		}
		theme->keys[theme->string_count] = xstrdup(strings->keys[i]->text);
		theme->values[theme->string_count++] = xstrdup(value->text);
	}
out:
	yamldoc_free(strings);
	return ok;
}

static char *strings_name(const char *language)
{
	return xasprintf("theme/i18n/%s.yaml", language);
}

static bool load_strings(struct theme *theme, const char *root,
			 const char *language)
{
	char *relative = strings_name(language);
	char *path = path_join(root, relative);
	char *text = NULL;
	size_t length;
	bool ok = false;

	if (read_file(path, STRINGS_MAX_SIZE, &text, &length) != 0) {
		diag_error(relative, 0, 0, "cannot read UI strings for "
			   "language '%s': %s", language, strerror(errno));
		goto out;
	}
	ok = parse_strings(theme, text, length, relative);
out:
	free(text);
	free(path);
	free(relative);
	return ok;
}

static bool is_relative_url(const char *url)
{
	return *url != '\0' && *url != '/' && *url != '#' &&
	       strchr(url, ':') == NULL;
}

static void rewrite_url_attribute(struct theme *theme, xmlNodePtr node,
				  const char *name)
{
	char *value = kb_attribute(node, name);
	char *url;

	if (value == NULL)
		return;
	if (is_relative_url(value)) {
		url = strcmp(value, "index.html") == 0
			? xstrdup(theme->base_path) : theme_url(theme, value);
		dom_set(node, name, url);
		free(url);
	}
	free(value);
}

static void apply_text_attribute(struct theme *theme, xmlNodePtr node)
{
	char *spec = kb_attribute(node, "data-kb-text-attr");
	char *equals;

	if (spec == NULL)
		return;
	equals = strchr(spec, '=');
	if (equals != NULL) {
		*equals = '\0';
		dom_set(node, spec, theme_text(theme, equals + 1));
	}
	xmlUnsetProp(node, BAD_CAST "data-kb-text-attr");
	free(spec);
}

static void apply_text(struct theme *theme, xmlNodePtr node)
{
	char *key = kb_attribute(node, "data-kb-text");

	if (key == NULL)
		return;
	dom_clear(node);
	dom_text(node, theme_text(theme, key));
	xmlUnsetProp(node, BAD_CAST "data-kb-text");
	free(key);
}

static void apply_slot(xmlNodePtr node, const struct theme_config *config)
{
	char *slot = kb_attribute(node, "data-kb");

	if (slot == NULL)
		return;
	if (strcmp(slot, "site-title") == 0 || strcmp(slot, "footer-title") == 0) {
		dom_clear(node);
		dom_text(node, config->site_title);
		xmlUnsetProp(node, BAD_CAST "data-kb");
	} else if (strcmp(slot, "search-form") == 0) {
		dom_set(node, "action", config->search_action);
		xmlUnsetProp(node, BAD_CAST "data-kb");
	}
	free(slot);
}

/* Fills everything that is the same on every page, once. */
static void prepare_layout(struct theme *theme, xmlNodePtr node,
			   const struct theme_config *config)
{
	for (; node != NULL; node = node->next) {
		if (node->type != XML_ELEMENT_NODE)
			continue;
		rewrite_url_attribute(theme, node, "href");
		rewrite_url_attribute(theme, node, "src");
		rewrite_url_attribute(theme, node, "action");
		apply_text_attribute(theme, node);
		apply_text(theme, node);
		apply_slot(node, config);
		if (xmlStrEqual(node->name, BAD_CAST "html"))
			dom_set(node, "lang", config->language);
		prepare_layout(theme, node->children, config);
	}
}

/* Parses length bytes of layout HTML and fills what every page shares. */
static bool parse_layout(struct theme *theme, const struct theme_config *config,
			 const char *text, size_t length)
{
	if (length > LAYOUT_MAX_SIZE) {
		diag_error("theme/layout.html", 0, 0, "the layout is larger "
			   "than %d bytes", LAYOUT_MAX_SIZE);
		return false;
	}
	theme->layout = htmlReadMemory(text, (int)length, "layout.html", "UTF-8",
				       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				       HTML_PARSE_NONET);
	if (theme->layout == NULL || xmlDocGetRootElement(theme->layout) == NULL) {
		diag_error("theme/layout.html", 0, 0, "the layout is not HTML");
		return false;
	}
	prepare_layout(theme, xmlDocGetRootElement(theme->layout), config);
	return true;
}

static bool load_layout(struct theme *theme, const struct theme_config *config)
{
	char *path = path_join(config->root, "theme/layout.html");
	char *text = NULL;
	size_t length;
	bool ok;

	if (read_file(path, LAYOUT_MAX_SIZE, &text, &length) != 0) {
		diag_error("theme/layout.html", 0, 0, "cannot read the layout: %s",
			   strerror(errno));
		free(path);
		return false;
	}
	ok = parse_layout(theme, config, text, length);
	free(text);
	free(path);
	return ok;
}

static struct theme *theme_new(const struct theme_config *config)
{
	struct theme *theme = xcalloc(1, sizeof *theme);

	theme->base_path = xstrdup(config->base_path);
	theme->site_title = xstrdup(config->site_title);
	theme->templates = xcalloc(1, sizeof *theme->templates);
	if (pthread_mutex_init(&theme->templates->lock, NULL) != 0)
		abort();
	return theme;
}

/* kbgen watch: every page loads <base>_kb/live.js, which the watcher
 * serves from beside the output folder (see watch.h). Never in a build
 * without live_reload, so never in a published site. */
static void add_live_reload_script(struct theme *theme)
{
	xmlNodePtr node = xmlDocGetRootElement(theme->layout)->children;
	xmlNodePtr script;
	char *url;

	while (node != NULL && !(node->type == XML_ELEMENT_NODE &&
				 xmlStrEqual(node->name, BAD_CAST "head")))
		node = node->next;
	if (node == NULL)
		return;
	script = dom_element(node, "script", NULL);
	url = theme_url(theme, "_kb/live.js");
	dom_set(script, "src", url);
	xmlNewProp(script, BAD_CAST "defer", NULL);
	free(url);
}

struct theme *theme_load(const struct theme_config *config)
{
	struct theme *theme = theme_new(config);

	if (!load_strings(theme, config->root, config->language) ||
	    !load_layout(theme, config)) {
		theme_free(theme);
		return NULL;
	}
	if (config->live_reload)
		add_live_reload_script(theme);
	return theme;
}

struct theme *theme_load_memory(const struct theme_config *config,
				const char *layout_html, size_t layout_length,
				const char *strings_yaml, size_t strings_length)
{
	struct theme *theme = theme_new(config);
	char *name = strings_name(config->language);
	bool ok = parse_strings(theme, strings_yaml, strings_length, name) &&
		  parse_layout(theme, config, layout_html, layout_length);

	free(name);
	if (!ok) {
		theme_free(theme);
		return NULL;
	}
	return theme;
}

static void template_free(struct page_template *template)
{
	while (template != NULL) {
		struct page_template *older = template->older;
		xmlFreeDoc(template->document);
		buf_free(&template->bytes);
		free(template->holes);
		free(template->titles);
		free(template->descriptions);
		free(template);
		template = older;
	}
}

void theme_free(struct theme *theme)
{
	if (theme == NULL)
		return;
	template_free(theme->templates->current);
	template_free(theme->templates->stale);
	pthread_mutex_destroy(&theme->templates->lock);
	free(theme->templates);
	if (theme->layout)
		xmlFreeDoc(theme->layout);
	for (size_t i = 0; i < theme->string_count; i++) {
		free(theme->keys[i]);
		free(theme->values[i]);
	}
	for (size_t i = 0; i < theme->nav_count; i++) {
		free(theme->nav[i].path);
		free(theme->nav[i].label);
	}
	free(theme->nav);
	free(theme->keys);
	free(theme->values);
	free(theme->base_path);
	free(theme->site_title);
	free(theme);
}

void theme_add_nav(struct theme *theme, const char *path, const char *label)
{
	theme->nav = xgrow(theme->nav, &theme->nav_capacity,
			   theme->nav_count + 1, sizeof *theme->nav);
	theme->nav[theme->nav_count].path = xstrdup(path);
	theme->nav[theme->nav_count++].label = xstrdup(label);
	pthread_mutex_lock(&theme->templates->lock);
	if (theme->templates->current != NULL) {
		theme->templates->current->older = theme->templates->stale;
		theme->templates->stale = theme->templates->current;
		theme->templates->current = NULL;
	}
	pthread_mutex_unlock(&theme->templates->lock);
}

size_t theme_nav_count(const struct theme *theme)
{
	return theme->nav_count;
}

void theme_nav_entry(const struct theme *theme, size_t index,
		     const char **path, const char **label)
{
	*path = theme->nav[index].path;
	*label = theme->nav[index].label;
}

static void fill_nav(const struct theme *theme, xmlNodePtr list)
{
	dom_clear(list);
	for (size_t i = 0; i < theme->nav_count; i++) {
		char *url = theme_url(theme, theme->nav[i].path);
		dom_link(dom_element(list, "li", NULL), url, theme->nav[i].label);
		free(url);
	}
}

static void fill_title(struct page *page, xmlNodePtr node, const char *title)
{
	char *text = title ? xasprintf("%s | %s", title, page->theme->site_title)
			   : xstrdup(page->theme->site_title);

	dom_clear(node);
	dom_text(node, text);
	free(text);
}

static xmlNodePtr *push_node(xmlNodePtr *nodes, size_t *count,
			     size_t *capacity, xmlNodePtr node)
{
	nodes = xgrow(nodes, capacity, *count + 1, sizeof *nodes);
	nodes[(*count)++] = node;
	return nodes;
}

/* Finds the per-page slots in the template's copy of the layout (the
 * last <head>, main, breadcrumbs and search box win, every title and
 * description counts), fills the navigation and drops data-kb. */
static void find_slots(const struct theme *theme,
		       struct page_template *template, xmlNodePtr node)
{
	for (; node != NULL; node = node->next) {
		char *slot;

		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrEqual(node->name, BAD_CAST "head"))
			template->head = node;
		slot = kb_attribute(node, "data-kb");
		if (slot != NULL) {
			if (strcmp(slot, "title") == 0)
				template->titles = push_node(
					template->titles, &template->title_count,
					&template->title_capacity, node);
			else if (strcmp(slot, "description") == 0)
				template->descriptions = push_node(
					template->descriptions,
					&template->description_count,
					&template->description_capacity, node);
			else if (strcmp(slot, "main") == 0)
				template->main = node;
			else if (strcmp(slot, "breadcrumbs") == 0)
				template->breadcrumbs = node;
			else if (strcmp(slot, "search-input") == 0)
				template->search_input = node;
			else if (strcmp(slot, "site-nav") == 0)
				fill_nav(theme, node);
			xmlUnsetProp(node, BAD_CAST "data-kb");
			free(slot);
		}
		find_slots(theme, template, node->children);
	}
}

static bool is_one_of(xmlNodePtr node, xmlNodePtr *nodes, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (nodes[i] == node)
			return true;
	return false;
}

/* htmlout_skip_fn: leaves a hole where each slot is. */
static bool make_hole(void *user, xmlNodePtr element, struct buf *out)
{
	struct page_template *template = user;
	enum hole_kind kind;

	if (is_one_of(element, template->titles, template->title_count))
		kind = HOLE_TITLE;
	else if (is_one_of(element, template->descriptions,
			   template->description_count))
		kind = HOLE_DESCRIPTION;
	else if (element == template->search_input)
		kind = HOLE_SEARCH_INPUT;
	else if (element == template->breadcrumbs)
		kind = HOLE_BREADCRUMBS;
	else if (element == template->main)
		kind = HOLE_MAIN;
	else if (element == template->head_marker ||
		 element == template->main_marker)
		kind = HOLE_APPEND;
	else
		return false;
	template->holes = xgrow(template->holes, &template->hole_capacity,
				template->hole_count + 1,
				sizeof *template->holes);
	template->holes[template->hole_count++] = (struct hole){
		.kind = kind, .node = element, .offset = out->length};
	return true;
}

/* An empty element at the end of parent's children: where the page's
 * extra children go. */
static xmlNodePtr add_marker(xmlNodePtr parent)
{
	return xmlAddChild(parent, xmlNewDocNode(parent->doc, NULL,
						 parent->name, NULL));
}

static struct page_template *template_new(const struct theme *theme)
{
	struct page_template *template = xcalloc(1, sizeof *template);
	xmlNodePtr root;

	template->document = xmlCopyDoc(theme->layout, 1);
	if (template->document == NULL)
		abort();
	root = xmlDocGetRootElement(template->document);
	find_slots(theme, template, root);
	template->head_marker = add_marker(template->head ? template->head
					   : root);
	if (template->main == NULL)
		template->main_marker = template->head == NULL
			? template->head_marker : add_marker(root);
	htmlout_node(&template->bytes, (xmlNodePtr)template->document,
		     make_hole, template);
	return template;
}

/* The theme's current template, made when missing. */
static const struct page_template *theme_template(const struct theme *theme)
{
	struct template_cache *cache = theme->templates;
	const struct page_template *template;

	pthread_mutex_lock(&cache->lock);
	if (cache->current == NULL)
		cache->current = template_new(theme);
	template = cache->current;
	pthread_mutex_unlock(&cache->lock);
	return template;
}

/* The page's own copy of a hole's element, filled as far as page_new
 * can. */
static xmlNodePtr copy_hole(struct page *page, const struct hole *hole,
			    const char *title, const char *description)
{
	const struct page_template *template = page->template;
	xmlNodePtr node;

	if (hole->kind == HOLE_APPEND) {
		node = xmlNewDocNode(page->document, NULL, hole->node->name, NULL);
		if (hole->node == template->head_marker)
			page->head = node;
		if (hole->node == template->main_marker)
			page->main = node;
		return node;
	}
	/* 2: the element and its attributes; 1: with its children too. */
	node = xmlDocCopyNode(hole->node, page->document,
			      hole->kind == HOLE_DESCRIPTION ||
			      hole->kind == HOLE_SEARCH_INPUT ? 1 : 2);
	if (node == NULL)
		abort();
	if (hole->kind == HOLE_TITLE)
		fill_title(page, node, title);
	else if (hole->kind == HOLE_DESCRIPTION)
		dom_set(node, "content", description ? description : "");
	else if (hole->kind == HOLE_SEARCH_INPUT)
		page->search_input = node;
	else if (hole->kind == HOLE_BREADCRUMBS)
		page->breadcrumbs = node;
	else
		page->main = node;
	return node;
}

struct page *page_new(const struct theme *theme, const char *title,
		      const char *description)
{
	struct page *page = xcalloc(1, sizeof *page);
	xmlNodePtr holder;

	page->theme = theme;
	page->template = theme_template(theme);
	page->document = htmlNewDocNoDtD(NULL, NULL);
	if (page->document == NULL)
		abort();
	holder = xmlNewDocNode(page->document, NULL, BAD_CAST "html", NULL);
	xmlDocSetRootElement(page->document, holder);
	page->nodes = xcalloc(page->template->hole_count, sizeof *page->nodes);
	for (size_t i = 0; i < page->template->hole_count; i++)
		page->nodes[i] = xmlAddChild(holder, copy_hole(
			page, &page->template->holes[i], title, description));
	/* Only when a broken layout nests these inside another slot: the
	 * content has nowhere to go. */
	if (page->main == NULL)
		page->main = holder;
	if (page->head == NULL)
		page->head = holder;
	return page;
}

xmlNodePtr page_main(struct page *page)
{
	return page->main;
}

xmlNodePtr page_head(struct page *page)
{
	return page->head;
}

void page_add_breadcrumb(struct page *page, const char *href,
			 const char *label)
{
	page->crumbs = xgrow(page->crumbs, &page->crumb_capacity,
			     page->crumb_count + 1, sizeof *page->crumbs);
	page->crumbs[page->crumb_count].href = href ? xstrdup(href) : NULL;
	page->crumbs[page->crumb_count++].label = xstrdup(label);
}

/* A visitor's text: htmlout escapes every '<' and '&' in attribute
 * values (libxml2's serializer copied "<!--...-->" in them raw). */
void page_set_search_query(struct page *page, const char *query)
{
	if (page->search_input != NULL)
		dom_set(page->search_input, "value", query);
}

static void fill_breadcrumbs(struct page *page)
{
	xmlNodePtr list;

	if (page->breadcrumbs == NULL || page->crumb_count == 0)
		return;
	dom_clear(page->breadcrumbs);
	list = dom_element(page->breadcrumbs, "ol", NULL);
	for (size_t i = 0; i < page->crumb_count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);
		if (page->crumbs[i].href != NULL) {
			dom_link(item, page->crumbs[i].href, page->crumbs[i].label);
		} else {
			dom_text(item, page->crumbs[i].label);
			dom_set(item, "aria-current", "page");
		}
	}
}

void page_render(struct page *page, char **out, size_t *length)
{
	const struct page_template *template = page->template;
	struct buf html = {0};
	size_t done = 0;

	fill_breadcrumbs(page);
	/* Room for the layout and a typical page's content at once. */
	html.data = xmalloc(template->bytes.length * 2 + 4096);
	html.capacity = template->bytes.length * 2 + 4096;
	for (size_t i = 0; i < template->hole_count; i++) {
		const struct hole *hole = &template->holes[i];
		buf_add(&html, template->bytes.data + done, hole->offset - done);
		done = hole->offset;
		if (hole->kind == HOLE_APPEND)
			htmlout_children(&html, page->nodes[i]);
		else if (hole->kind != HOLE_BREADCRUMBS || page->crumb_count > 0)
			htmlout_node(&html, page->nodes[i], NULL, NULL);
	}
	buf_add(&html, template->bytes.data + done,
		template->bytes.length - done);
	*length = html.length;
	*out = buf_detach(&html);
}

int page_save(struct page *page, const char *path)
{
	char *html;
	size_t length;
	int rc;

	page_render(page, &html, &length);
	rc = write_file(path, html, length);
	free(html);
	return rc;
}

void page_free(struct page *page)
{
	if (page == NULL)
		return;
	for (size_t i = 0; i < page->crumb_count; i++) {
		free(page->crumbs[i].href);
		free(page->crumbs[i].label);
	}
	free(page->crumbs);
	free(page->nodes);
	xmlFreeDoc(page->document);
	free(page);
}
