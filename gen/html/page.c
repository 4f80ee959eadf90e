/*
 * page.c — pages built from the theme's layout: a template per
 * navigation (the layout serialized once, with holes where each page
 * differs), each page's own copies of the hole elements, and the bytes
 * of a finished page (through htmlout).
 */
#include "html/page.h"

#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "html/dom.h"
#include "html/htmlout.h"

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
	char *print_source;	/* absolute URL, or NULL: no print source */
};

/* theme_cached's release: frees one template. */
static void template_free(void *object)
{
	struct page_template *template = object;

	xmlFreeDoc(template->document);
	buf_free(&template->bytes);
	free(template->holes);
	free(template->titles);
	free(template->descriptions);
	free(template);
}

static void fill_nav(const struct theme *theme, xmlNodePtr list)
{
	dom_clear(list);
	for (size_t i = 0; i < theme_nav_count(theme); i++) {
		const char *path, *label;
		char *url;

		theme_nav_entry(theme, i, &path, &label);
		url = theme_url(theme, path);
		dom_link(dom_element(list, "li", NULL), url, label);
		free(url);
	}
}

static void fill_title(struct page *page, xmlNodePtr node, const char *title)
{
	const char *site_title = theme_site_title(page->theme);
	char *text = title ? xasprintf("%s | %s", title, site_title)
			   : xstrdup(site_title);

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
		slot = dom_attribute(node, "data-kb");
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
	return xmlAddChild(parent, dom_new_element(parent->doc,
						   (const char *)parent->name));
}

static void *template_new(const struct theme *theme)
{
	struct page_template *template = xcalloc(1, sizeof *template);
	xmlNodePtr root;

	/* libxml2's copies fail only when memory runs out. */
	template->document = xmlCopyDoc(theme_layout(theme), 1);
	if (template->document == NULL)
		out_of_memory();
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

/* The theme's current template (see theme_cached). */
static const struct page_template *theme_template(const struct theme *theme)
{
	return theme_cached(theme, template_new, template_free);
}

/* The page's own copy of a hole's element, filled as far as page_new
 * can. */
static xmlNodePtr copy_hole(struct page *page, const struct hole *hole,
			    const char *title, const char *description)
{
	const struct page_template *template = page->template;
	xmlNodePtr node;

	if (hole->kind == HOLE_APPEND) {
		node = dom_new_element(page->document,
				       (const char *)hole->node->name);
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
		out_of_memory();
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
		out_of_memory();
	holder = dom_new_element(page->document, "html");
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
 * values, where libxml2's own serializer leaves "<!--...-->" raw. */
void page_set_search_query(struct page *page, const char *query)
{
	if (page->search_input != NULL)
		dom_set(page->search_input, "value", query);
}

void page_add_print_source(struct page *page, const char *absolute_url)
{
	free(page->print_source);
	page->print_source = xstrdup(absolute_url);
}

/* Made at render time, so it comes last in <main> whenever the page's
 * content was added. */
static void fill_print_source(struct page *page)
{
	xmlNodePtr paragraph, date;

	if (page->print_source == NULL)
		return;
	paragraph = dom_element(page->main, "p", "print-source");
	dom_text(paragraph, theme_text(page->theme, "print-source"));
	dom_set(dom_link(paragraph, page->print_source, page->print_source),
		"class", "print-url");
	date = dom_element(paragraph, "span", "print-date");
	dom_set(date, "data-label", theme_text(page->theme, "print-date"));
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
	fill_print_source(page);
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
	free(page->print_source);
	free(page->nodes);
	xmlFreeDoc(page->document);
	free(page);
}
