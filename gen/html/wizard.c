/*
 * wizard.c — the static wizard pages, built as DOM nodes through the
 * theme like every other page; the map's SVG comes from treemap and is
 * parsed and imported as nodes, never pasted in as markup.
 */
#include "html/wizard.h"
#include "html/wizardpage.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "html/dom.h"
#include "html/page.h"
#include "content/markdown.h"
#include "html/treemap.h"
#include "base/util.h"

/* ---- paths ----------------------------------------------------------------- */

/* Trees that can be rendered: those that loaded with what a page needs. */
static bool tree_usable(const struct tree *tree)
{
	return tree != NULL && tree->id != NULL && tree->title != NULL &&
	       tree->start < tree->node_count;
}

static char *tree_path(const struct tree *tree)
{
	return xasprintf("wizard/%s/", tree->id);
}

static char *node_path(const struct tree *tree, const struct tree_node *node)
{
	return xasprintf("wizard/%s/%s/", tree->id, node->id);
}

static char *map_path(const struct tree *tree)
{
	return xasprintf("wizard/%s/" WIZARD_MAP_SEGMENT "/", tree->id);
}

/* ---- link checking --------------------------------------------------------- */

struct node_check {
	const struct site *site;
	const struct tree *tree;
	const struct tree_node *node;
	const struct markdown_headings *headings;
};

/* NULL when "#fragment" names one of the body's headings (or nothing);
 * otherwise the error message, which the caller frees. */
static char *check_own_anchor(const struct markdown_headings *headings,
			      const char *fragment)
{
	char *id = percent_decode(fragment, strlen(fragment));
	char *error = NULL;
	bool found = *id == '\0';

	for (size_t i = 0; !found && i < headings->count; i++)
		found = strcmp(headings->items[i].id, id) == 0;
	if (!found)
		error = xasprintf("broken anchor: this node's body has no "
				  "heading '#%s'", id);
	free(id);
	return error;
}

/* The text of line number line (1-based) of text, its length in *length;
 * NULL when text has fewer lines. */
static const char *nth_line(const char *text, unsigned line, size_t *length)
{
	const char *end;

	for (unsigned n = 1; n < line && text != NULL; n++) {
		text = strchr(text, '\n');
		if (text != NULL)
			text++;
	}
	if (text == NULL)
		return NULL;
	end = strchr(text, '\n');
	*length = end ? (size_t)(end - text) : strlen(text);
	return text;
}

/* Where a link of a node's body is in the tree file. cmark counts lines
 * of the body from 1 and columns in bytes, and places the link at its
 * '['; the column reported is where the URL itself is written, searched
 * from there (the same URL may be written earlier on the line), in
 * characters, as editors want. */
static void link_location(const struct tree_node *node, cmark_node *link,
			  const char *url, unsigned *line, unsigned *col)
{
	int body_line = cmark_node_get_start_line(link);
	int byte_col = cmark_node_get_start_column(link);
	size_t length = 0, from = 0;
	const char *text, *found;

	if (body_line < 1)
		body_line = 1;
	*line = node->body_line + (unsigned)body_line - 1;
	*col = node->body_col;
	text = nth_line(node->body, (unsigned)body_line, &length);
	if (text == NULL)
		return;
	if (byte_col > 1 && (size_t)byte_col - 1 <= length)
		from = (size_t)byte_col - 1;
	found = memmem(text + from, length - from, url, strlen(url));
	if (found == NULL)
		found = memmem(text, length, url, strlen(url));
	if (found == NULL)
		found = text + from;
	*col = node->body_col + (unsigned)utf8_count(text, (size_t)(found - text));
}

static void check_one_link(void *user, cmark_node *link, const char *url,
			   bool image)
{
	const struct node_check *check = user;
	char *error = NULL;
	unsigned line, col;

	(void)image;
	if (url[0] == '#')
		error = check_own_anchor(check->headings, url + 1);
	else
		free(site_resolve_link_from(check->site, check->tree->path, NULL,
					    url, &error));
	if (error != NULL) {
		link_location(check->node, link, url, &line, &col);
		diag_error(check->tree->path, line, col, "%s", error);
	}
	free(error);
}

static void check_node(const struct site *site, const struct tree *tree,
		       const struct tree_node *node)
{
	struct markdown_headings headings = {0};
	struct node_check check = {site, tree, node, &headings};
	cmark_node *document;

	if (node->id != NULL && strcmp(node->id, WIZARD_MAP_SEGMENT) == 0)
		diag_error(tree->path, node->line, node->col,
			   "node id '%s' is reserved: wizard/%s/%s/ is the "
			   "tree's map page", node->id,
			   tree->id ? tree->id : "", WIZARD_MAP_SEGMENT);
	if (node->body == NULL)
		return;
	document = markdown_parse(node->body, strlen(node->body));
	markdown_collect_headings(document, wizardpage_reserved_ids,
				  &headings);
	markdown_each_link(document, check_one_link, &check);
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

void wizard_check_links(const struct site *site, struct tree *const *trees,
			size_t count)
{
	for (size_t i = 0; i < count; i++)
		for (size_t k = 0; trees[i] && k < trees[i]->node_count; k++)
			check_node(site, trees[i], &trees[i]->nodes[k]);
}

/* ---- links into trees ------------------------------------------------------ */

static const struct tree *find_tree(const struct wizard_links *links,
				    const char *tree_file)
{
	const struct tree *found = NULL;

	for (size_t i = 0; found == NULL && i < links->count; i++) {
		char *path = site_normalize_path("", links->trees[i]->path);
		if (path != NULL && strcmp(path, tree_file) == 0)
			found = links->trees[i];
		free(path);
	}
	return found;
}

char *wizard_resolve_link(void *user, const char *tree_file,
			  const char *fragment, char **error)
{
	const struct wizard_links *links = user;
	const struct tree *tree = find_tree(links, tree_file);
	const struct tree_node *node = NULL;
	char *path, *href;

	if (error != NULL)
		*error = NULL;
	if (tree == NULL) {
		/* a tree file that did not load exists: its own errors are
		 * the ones to fix */
		if (error != NULL && !diag_blame(tree_file))
			*error = xasprintf("broken link: no decision tree '%s'",
					   tree_file);
		return NULL;
	}
	if (tree->id == NULL)
		return NULL;	/* the tree's own errors say enough */
	if (fragment != NULL && *fragment != '\0') {
		node = tree_find_node(tree, fragment);
		if (node == NULL) {
			if (error != NULL)
				*error = xasprintf("broken anchor: tree '%s' has "
						   "no node '%s'", tree->id,
						   fragment);
			return NULL;
		}
	}
	path = node ? node_path(tree, node) : tree_path(tree);
	href = site_url(links->site, path);
	free(path);
	return href;
}

/* ---- page parts ------------------------------------------------------------ */

static const char *ui(const struct render_context *context, const char *key)
{
	return theme_text(context->theme, key);
}

/* dom_link to a path under the base path. */
static xmlNodePtr link_to(const struct render_context *context,
			  xmlNodePtr parent, const char *path, const char *label)
{
	char *url = site_url(context->site, path);
	xmlNodePtr link = dom_link(parent, url, label);

	free(url);
	return link;
}

/* Home › wizards › [tree] › current. tree NULL: the list of trees is the
 * current page; current NULL: the tree's start page is. */
static void add_crumbs(const struct render_context *context, struct page *page,
		       const struct tree *tree, const char *current)
{
	char *home = site_url(context->site, "");
	char *wizards = site_url(context->site, "wizard/");

	page_add_breadcrumb(page, home, ui(context, "home"));
	page_add_breadcrumb(page, tree ? wizards : NULL,
			    ui(context, "wizard-crumb"));
	if (tree != NULL) {
		char *path = tree_path(tree);
		char *url = site_url(context->site, path);
		page_add_breadcrumb(page, current ? url : NULL, tree->title);
		if (current != NULL)
			page_add_breadcrumb(page, NULL, current);
		free(url);
		free(path);
	}
	free(wizards);
	free(home);
}

/* A node's body links resolve from its tree's file. */
struct body_links {
	const struct site *site;
	const struct tree *tree;
};

static char *rewrite_body_url(void *user, const char *url, bool image)
{
	const struct body_links *links = user;

	(void)image;
	return site_resolve_link_from(links->site, links->tree->path, NULL, url,
				      NULL);
}

struct option_links {
	const struct render_context *context;
	const struct tree *tree;
	const struct tree_node *node;
};

/* cgi_url without the trailing '/', or NULL when unset. Caller frees. */
static char *cgi_base(const struct site *site)
{
	const char *url = site->config.cgi_url;
	size_t length;

	if (url == NULL || *url == '\0')
		return NULL;
	length = strlen(url);
	while (length > 0 && url[length - 1] == '/')
		length--;
	return xstrndup(url, length);
}

/* The recorded walk's URL of a node: <cgi>/wizard/<tree>/<node>, with the
 * visitor's answer option to node from (NULL: none) as its query. A walk
 * that starts in the middle (from is not the start) says so with _from,
 * so that kb.cgi replays the answer from there. Caller frees. */
static char *cgi_step_url(const char *cgi, const struct tree *tree,
			  const struct tree_node *node,
			  const struct tree_node *from, const char *option)
{
	struct buf url = {0};

	buf_printf(&url, "%s/wizard/%s/%s", cgi, tree->id, node->id);
	if (from != NULL && from != &tree->nodes[tree->start])
		buf_printf(&url, "?" WIZARD_FROM_PARAM "=%s&%s=%s", from->id,
			   from->id, option);
	else if (from != NULL)
		buf_printf(&url, "?%s=%s", from->id, option);
	return buf_detach(&url);
}

/* Where the wizard's walk begins: the recorded walk's first step when
 * the site has the CGI, else the static page of the first question. */
static char *start_href(const struct render_context *context,
			const struct tree *tree)
{
	const struct tree_node *start = &tree->nodes[tree->start];
	char *cgi = cgi_base(context->site), *url;

	if (cgi != NULL) {
		url = cgi_step_url(cgi, tree, start, NULL, NULL);
	} else {
		char *path = node_path(tree, start);
		url = theme_url(context->theme, path);
		free(path);
	}
	free(cgi);
	return url;
}

/* The option's next step; NULL (no link) when it does not exist, in a
 * tree with errors. With the CGI, the recorded walk goes on from this
 * answer; without it, the static page of the next node, at its question
 * (#WIZARDPAGE_QUESTION_ID: the stylesheet hides the mid-walk notice of
 * a page reached from the step before). */
static char *option_href(void *user, size_t option)
{
	const struct option_links *links = user;
	const struct tree *tree = links->tree;
	size_t next = links->node->options[option].next_index;
	char *cgi, *path, *url;

	if (next >= tree->node_count)
		return NULL;
	cgi = cgi_base(links->context->site);
	if (cgi != NULL) {
		url = cgi_step_url(cgi, tree, &tree->nodes[next], links->node,
				   links->node->options[option].id);
		free(cgi);
		return url;
	}
	path = xasprintf("wizard/%s/%s/#" WIZARDPAGE_QUESTION_ID, tree->id,
			 tree->nodes[next].id);
	url = theme_url(links->context->theme, path);
	free(path);
	return url;
}

/* "This page is a step in the middle...; to start from the beginning, go
 * to [the first question]." */
static void add_mid_step_notice(const struct render_context *context,
				xmlNodePtr parent, const struct tree *tree)
{
	xmlNodePtr notice = dom_element(parent, "p", "notice");
	char *start = start_href(context, tree);

	dom_text(notice, ui(context, "wizard-notice"));
	dom_link(notice, start, ui(context, "wizard-notice-link"));
	dom_text(notice, ui(context, "wizard-notice-end"));
	free(start);
}

/* "Start again", except on the start node itself, where it would lead
 * to the same page. */
static void add_actions(const struct render_context *context, xmlNodePtr parent,
			const struct tree *tree, const struct tree_node *node)
{
	char *url;

	if (node == &tree->nodes[tree->start])
		return;
	url = start_href(context, tree);
	dom_link(dom_element(dom_element(parent, "ul", "wizard-actions"), "li",
			     NULL),
		 url, ui(context, "wizard-restart"));
	free(url);
}

/* The outcome's articles, titled as the articles title themselves. */
static void add_articles(const struct render_context *context,
			 xmlNodePtr parent, const struct tree_node *node)
{
	struct wizardpage_article *articles = xcalloc(node->article_count + 1,
						      sizeof *articles);
	char **urls = xcalloc(node->article_count + 1, sizeof *urls);
	size_t count = 0;

	for (size_t i = 0; i < node->article_count; i++) {
		const struct article *article =
			site_find_article(context->site, node->articles[i].name);
		if (article == NULL)
			continue;
		urls[count] = theme_url(context->theme, article->url_path);
		articles[count] = (struct wizardpage_article){
			urls[count], article->meta.title,
			article->meta.description,
		};
		count++;
	}
	wizardpage_add_articles(context->theme, parent, articles, count);
	for (size_t i = 0; i < count; i++)
		free(urls[i]);
	free(urls);
	free(articles);
}

/* The outcome's external guides, named in site.yaml's links:. */
static void add_guides(const struct render_context *context, xmlNodePtr parent,
		       const struct tree_node *node)
{
	struct wizardpage_guide *guides = xcalloc(node->link_count + 1,
						  sizeof *guides);
	size_t count = 0;

	for (size_t i = 0; i < node->link_count; i++) {
		const struct external_link *link =
			site_config_link(&context->site->config,
					 node->links[i].name);
		if (link != NULL)
			guides[count++] = (struct wizardpage_guide){link->title,
								    link->url};
	}
	wizardpage_add_guides(context->theme, parent, guides, count);
	free(guides);
}

/* ---- reaching a person ------------------------------------------------------ */

static struct wizardpage_support site_support(const struct site *site)
{
	const struct site_support *support = &site->config.support;

	return (struct wizardpage_support){support->url, support->email,
					   support->hours};
}

/* Whether an outcome shows how to reach support: one that sends the
 * visitor to a person, on a site that names a contact. */
static bool outcome_contact(const struct render_context *context,
			    const struct tree_node *node)
{
	struct wizardpage_support support = site_support(context->site);

	return wizardpage_wants_contact(node->result) &&
	       wizardpage_support_set(&support);
}

/* The contact and the summary to send with it. A static page does not
 * know the visitor's answers: the summary names the outcome and its URL
 * (the recorded walk's summary lists the answers too). */
static void add_contact(const struct render_context *context,
			xmlNodePtr parent, const struct tree *tree,
			const struct tree_node *node)
{
	struct wizardpage_support support = site_support(context->site);
	char *path = node_path(tree, node);
	char *text = xasprintf("%s%s\n%s%s\n%s%s%s",
			       ui(context, "wizard-summary-heading"), tree->title,
			       ui(context, "wizard-summary-outcome"), node->title,
			       ui(context, "wizard-summary-url"),
			       context->site->config.base_url, path);
	char *subject = xasprintf("%s%s", ui(context, "wizard-contact-subject"),
				  tree->title);

	wizardpage_add_contact(context->theme, parent, &support, subject, text,
			       text);
	wizardpage_add_summary(context->theme, parent, text);
	free(subject);
	free(text);
	free(path);
}

/* The URL a printed outcome shows: the page's, absolute (path is the
 * page's, without a leading '/'; base_url ends in one). */
static void add_print_source(const struct render_context *context,
			     struct page *page, const char *path)
{
	char *url = xasprintf("%s%s", context->site->config.base_url, path);

	page_add_print_source(page, url);
	free(url);
}

/* ---- pages ----------------------------------------------------------------- */

/* 質問 n / 最大 m on a static question page, which does not know the
 * visitor's path: n counts the fewest answers that reach it. */
static void add_progress(const struct render_context *context,
			 xmlNodePtr parent, const struct tree *tree,
			 size_t index)
{
	size_t depth = tree_depth(tree, index);

	if (depth == TREE_NONE)
		return;
	wizardpage_add_progress(context->theme, parent, depth + 1,
				depth + tree_questions_left(tree, index));
}

static int render_node(const struct render_context *context,
		       const struct tree *tree, size_t index)
{
	const struct tree_node *node = &tree->nodes[index];
	const char *title = node->title ? node->title : node->id;
	char *page_title = xasprintf("%s | %s", title, tree->title);
	char *path = node_path(tree, node);
	char *description = wizardpage_description(tree, node);
	struct page *page = page_new(context->theme, page_title, description);
	xmlNodePtr main = page_main(page);
	struct body_links links = {context->site, tree};
	struct option_links options = {context, tree, node};
	int rc;

	add_crumbs(context, page, tree, title);
	if (index != tree->start)
		add_mid_step_notice(context, main, tree);
	if (node->type == TREE_QUESTION)
		add_progress(context, main, tree, index);
	wizardpage_add_title(main, title);
	if (node->type == TREE_OUTCOME) {
		bool contact = outcome_contact(context, node);

		wizardpage_add_result(context->theme, main, node->result,
				      contact);
		wizardpage_add_body(context->theme, main, node->body,
				    rewrite_body_url, &links);
		if (contact && node->result == TREE_ESCALATE)
			add_contact(context, main, tree, node);
		add_articles(context, main, node);
		add_guides(context, main, node);
		if (contact && node->result != TREE_ESCALATE)
			add_contact(context, main, tree, node);
		render_feedback(context, main, path, FEEDBACKFORM_OUTCOME);
		add_print_source(context, page, path);
	} else {
		wizardpage_add_body(context->theme, main, node->body,
				    rewrite_body_url, &links);
		wizardpage_add_hint(context->theme, main, node->hint);
		wizardpage_add_options(context->theme, main, node, option_href,
				       &options, TREE_NONE);
	}
	add_actions(context, main, tree, node);
	rc = render_save(context, page, path);
	free(description);
	free(path);
	free(page_title);
	return rc;
}

/* "Takes about 3 minutes", when the tree says. */
static void add_duration(const struct render_context *context,
			 xmlNodePtr parent, const struct tree *tree)
{
	xmlNodePtr paragraph;

	if (tree->duration == NULL || *tree->duration == '\0')
		return;
	paragraph = dom_element(parent, "p", "meta");
	dom_text(paragraph, ui(context, "wizard-duration"));
	dom_text(paragraph, tree->duration);
}

static int render_start(const struct render_context *context,
			const struct tree *tree)
{
	struct page *page = page_new(context->theme, tree->title,
				     tree->description);
	xmlNodePtr main = page_main(page), paragraph;
	char *path = tree_path(tree);
	char *start = start_href(context, tree);
	char *map = map_path(tree);
	int rc;

	add_crumbs(context, page, tree, NULL);
	dom_text_element(main, "h1", NULL, tree->title);
	if (tree->description != NULL && *tree->description != '\0')
		dom_text_element(main, "p", "lead", tree->description);
	add_duration(context, main, tree);
	paragraph = dom_element(main, "p", NULL);
	dom_set(dom_link(paragraph, start, ui(context, "wizard-start")),
		"class", "button");
	paragraph = dom_element(main, "p", "wizard-staff");
	dom_text(paragraph, ui(context, "wizard-staff"));
	link_to(context, paragraph, map, ui(context, "wizard-map-link"));
	rc = render_save(context, page, path);
	free(map);
	free(start);
	free(path);
	return rc;
}

/* The node table's "kind" cell: question, the first question, or an
 * outcome by its result. */
static const char *kind_key(const struct tree *tree, size_t index)
{
	const struct tree_node *node = &tree->nodes[index];

	if (node->type == TREE_QUESTION)
		return index == tree->start ? "wizard-kind-start"
					    : "wizard-kind-question";
	switch (node->result) {
	case TREE_RESOLVED:
		return "wizard-kind-resolved";
	case TREE_UNRESOLVED:
		return "wizard-kind-unresolved";
	case TREE_ESCALATE:
		return "wizard-kind-escalate";
	case TREE_RESULT_NONE:
		break;
	}
	return "wizard-kind-unknown";
}

/* The table's column headings (UI keys), in order; each cell repeats its
 * column's heading in data-label, which the style shows when narrow
 * screens stack a row's cells into a card. */
static const char *const node_columns[] = {
	"wizard-col-id", "wizard-col-kind", "wizard-col-title",
	"wizard-col-url", "wizard-col-note",
};

static xmlNodePtr add_cell(const struct render_context *context,
			   xmlNodePtr row, size_t column, const char *text)
{
	xmlNodePtr cell = text ? dom_text_element(row, "td", NULL, text)
			       : dom_element(row, "td", NULL);

	dom_set(cell, "data-label", ui(context, node_columns[column]));
	return cell;
}

/* One row: id, kind, title linked to the step's page, the full URL as
 * selectable text (kb.js adds a Copy button beside it) and the note. */
static void add_node_row(const struct render_context *context,
			 xmlNodePtr body, const struct tree *tree, size_t index)
{
	const struct tree_node *node = &tree->nodes[index];
	xmlNodePtr row = dom_element(body, "tr", NULL), url;
	char *path = node_path(tree, node);
	char *full = xasprintf("%s%s", context->site->config.base_url, path);

	dom_text_element(add_cell(context, row, 0, NULL), "code", NULL,
			 node->id);
	add_cell(context, row, 1, ui(context, kind_key(tree, index)));
	link_to(context, add_cell(context, row, 2, NULL), path,
		node->title ? node->title : node->id);
	url = add_cell(context, row, 3, NULL);
	dom_set(url, "class", "node-url");
	dom_text_element(url, "code", NULL, full);
	add_cell(context, row, 4, node->agent_note);
	free(full);
	free(path);
}

/* The steps as a table; the Copy buttons' words ride on it as data-
 * attributes, for kb.js. */
static void add_node_table(const struct render_context *context,
			   xmlNodePtr parent, const struct tree *tree)
{
	xmlNodePtr section = wizardpage_add_section(context->theme, parent, "wizard-nodes",
					 "kb-wizard-nodes", "wizard-nodes");
	xmlNodePtr table = dom_element(section, "table", "node-table");
	xmlNodePtr row = dom_element(dom_element(table, "thead", NULL), "tr",
				     NULL);
	xmlNodePtr body = dom_element(table, "tbody", NULL);

	dom_set(table, "data-copy-label", ui(context, "wizard-map-copy"));
	dom_set(table, "data-copied-label", ui(context, "wizard-map-copied"));
	for (size_t i = 0; i < sizeof node_columns / sizeof *node_columns; i++)
		dom_set(dom_text_element(row, "th", NULL,
					 ui(context, node_columns[i])),
			"scope", "col");
	for (size_t i = 0; i < tree->node_count; i++)
		add_node_row(context, body, tree, i);
}

struct map_urls {
	const struct site *site;
	const struct tree *tree;
	struct buf url;
};

static const char *map_node_url(void *user, const struct tree_node *node)
{
	struct map_urls *urls = user;

	buf_reset(&urls->url);
	buf_printf(&urls->url, "%swizard/%s/%s/", urls->site->config.base_path,
		   urls->tree->id, node->id);
	return buf_cstr(&urls->url);
}

/* Draws the tree and imports the SVG's root element into parent, with
 * role="img" and label as its accessible name. 0, or -1 after a
 * diagnostic. */
static int add_svg(const struct render_context *context, xmlNodePtr parent,
		   const struct tree *tree, const char *label)
{
	struct map_urls urls = {context->site, tree, {0}};
	char *svg = treemap_svg(tree, map_node_url, &urls);
	xmlDocPtr document = NULL;
	xmlNodePtr copy;
	int rc = -1;

	if (svg == NULL) {
		diag_error(tree->path, 0, 0, "Graphviz could not draw the map "
			   "of tree '%s'", tree->id);
		goto out;
	}
	document = xmlReadMemory(svg, (int)strlen(svg), "map.svg", "UTF-8",
				 XML_PARSE_NONET | XML_PARSE_NOWARNING |
				 XML_PARSE_NOERROR);
	if (document == NULL || xmlDocGetRootElement(document) == NULL) {
		diag_error(tree->path, 0, 0, "the map of tree '%s' is not "
			   "valid SVG", tree->id);
		goto out;
	}
	copy = xmlDocCopyNode(xmlDocGetRootElement(document), parent->doc, 1);
	if (copy == NULL)
		out_of_memory();
	xmlAddChild(parent, copy);
	dom_set(copy, "role", "img");
	dom_set(copy, "aria-label", label);
	rc = 0;
out:
	xmlFreeDoc(document);
	free(svg);
	buf_free(&urls.url);
	return rc;
}

/* Above the diagram: a link that shows it at full size, scrolled to the
 * first question (#map-<start>: the style shows the diagram unscaled
 * while one of its boxes is the :target), which works without
 * JavaScript; kb.js adds zoom buttons here, with the words given in
 * data- attributes. */
static void add_map_tools(const struct render_context *context,
			  xmlNodePtr parent, const struct tree *tree)
{
	xmlNodePtr tools = dom_element(parent, "div", "map-tools");
	char *start = xasprintf("#map-%s", tree->nodes[tree->start].id);

	dom_set(tools, "data-tools-label", ui(context, "wizard-map-tools"));
	dom_set(tools, "data-fit-label", ui(context, "wizard-map-fit"));
	dom_set(tools, "data-zoom-in-label", ui(context, "wizard-map-zoom-in"));
	dom_set(tools, "data-zoom-out-label",
		ui(context, "wizard-map-zoom-out"));
	dom_set(dom_link(tools, start, ui(context, "wizard-map-full")),
		"class", "map-full-link");
	free(start);
}

/* A swatch of the colours treemap draws a kind of box in, beside its
 * name: the key says in words what the colour says. */
static void add_key_entry(const struct render_context *context,
			  xmlNodePtr list, enum tree_node_type type,
			  enum tree_result result, const char *key)
{
	struct treemap_colours colours = treemap_colours(type, result);
	xmlNodePtr item = dom_element(list, "li", NULL);
	xmlNodePtr swatch = dom_element(item, "svg", "map-swatch");
	xmlNodePtr box = dom_element(swatch, "rect", NULL);

	dom_set(swatch, "aria-hidden", "true");
	dom_set(swatch, "width", "28");
	dom_set(swatch, "height", "18");
	dom_set(swatch, "viewBox", "0 0 28 18");
	dom_set(box, "x", "1");
	dom_set(box, "y", "1");
	dom_set(box, "width", "26");
	dom_set(box, "height", "16");
	dom_set(box, "rx", type == TREE_QUESTION ? "4" : "0");
	dom_set(box, "fill", colours.fill);
	dom_set(box, "stroke", colours.line);
	dom_set(box, "stroke-width", type == TREE_QUESTION ? "1" : "2");
	dom_text_element(item, "span", NULL, ui(context, key));
}

static void add_map_key(const struct render_context *context,
			xmlNodePtr parent)
{
	xmlNodePtr list = dom_element(wizardpage_add_section(context->theme,
					parent, "map-key", "kb-wizard-map-key",
					"wizard-map-key"), "ul", NULL);

	add_key_entry(context, list, TREE_QUESTION, TREE_RESULT_NONE,
		      "wizard-kind-question");
	add_key_entry(context, list, TREE_OUTCOME, TREE_RESOLVED,
		      "wizard-kind-resolved");
	add_key_entry(context, list, TREE_OUTCOME, TREE_UNRESOLVED,
		      "wizard-kind-unresolved");
	add_key_entry(context, list, TREE_OUTCOME, TREE_ESCALATE,
		      "wizard-kind-escalate");
}

static int render_map(const struct render_context *context,
		      const struct tree *tree)
{
	char *title = xasprintf("%s%s", ui(context, "wizard-map-prefix"),
				tree->title);
	struct page *page = page_new(context->theme, title,
				     ui(context, "wizard-map-description"));
	xmlNodePtr main = page_main(page), figure;
	char *path = map_path(tree);
	int rc = -1;

	add_crumbs(context, page, tree, ui(context, "wizard-map"));
	dom_text_element(main, "h1", NULL, title);
	dom_text_element(main, "p", "lead", ui(context, "wizard-map-lead"));
	add_map_tools(context, main, tree);
	figure = dom_element(main, "div", "tree-map");
	/* Zoomed in, the map scrolls: keyboard users need to focus it. */
	dom_set(figure, "tabindex", "0");
	dom_set(figure, "role", "region");
	dom_set(figure, "aria-label", ui(context, "wizard-map-region"));
	if (add_svg(context, figure, tree, title) != 0) {
		page_free(page);
		goto out;
	}
	add_map_key(context, main);
	add_node_table(context, main, tree);
	rc = render_save(context, page, path);
out:
	free(path);
	free(title);
	return rc;
}

static int render_index(const struct render_context *context,
			struct tree *const *trees, size_t count)
{
	const char *title = ui(context, "wizard-list");
	struct page *page = page_new(context->theme, title,
				     ui(context, "wizard-list-description"));
	xmlNodePtr main = page_main(page), list;

	add_crumbs(context, page, NULL, NULL);
	dom_text_element(main, "h1", NULL, title);
	dom_text_element(main, "p", "lead", ui(context, "wizard-lead"));
	list = dom_element(main, "ul", "card-list");
	for (size_t i = 0; i < count; i++) {
		xmlNodePtr item;
		char *path;
		if (!tree_usable(trees[i]))
			continue;
		item = dom_element(list, "li", NULL);
		path = tree_path(trees[i]);
		link_to(context, item, path, trees[i]->title);
		if (trees[i]->description != NULL && *trees[i]->description)
			dom_text_element(item, "p", NULL, trees[i]->description);
		add_duration(context, item, trees[i]);
		free(path);
	}
	return render_save(context, page, "wizard/");
}

static int render_tree(const struct render_context *context,
		       const struct tree *tree)
{
	int rc = render_start(context, tree);

	for (size_t i = 0; rc == 0 && i < tree->node_count; i++)
		rc = render_node(context, tree, i);
	if (rc == 0)
		rc = render_map(context, tree);
	return rc;
}

static size_t usable_count(struct tree *const *trees, size_t count)
{
	size_t usable = 0;

	for (size_t i = 0; i < count; i++)
		usable += tree_usable(trees[i]);
	return usable;
}

int wizard_render_all(const struct render_context *context,
		      struct tree *const *trees, size_t count)
{
	int rc = 0;

	if (usable_count(trees, count) == 0)
		return 0;
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (tree_usable(trees[i]))
			rc = render_tree(context, trees[i]);
	if (rc == 0)
		rc = render_index(context, trees, count);
	return rc;
}

/* ---- home entries and sitemap ---------------------------------------------- */

void wizard_entries_make(struct tree *const *trees, size_t count,
			 struct wizard_entries *out)
{
	out->items = xcalloc(usable_count(trees, count) + 1, sizeof *out->items);
	out->count = 0;
	for (size_t i = 0; i < count; i++) {
		struct render_wizard_entry *entry = &out->items[out->count];
		if (!tree_usable(trees[i]))
			continue;
		entry->url_path = tree_path(trees[i]);
		entry->title = trees[i]->title;
		entry->description = trees[i]->description ? trees[i]->description
							    : "";
		out->count++;
	}
}

void wizard_entries_free(struct wizard_entries *entries)
{
	for (size_t i = 0; i < entries->count; i++)
		free((char *)entries->items[i].url_path);
	free(entries->items);
	entries->items = NULL;
	entries->count = 0;
}

void wizard_paths_make(struct tree *const *trees, size_t count,
		       struct wizard_paths *out)
{
	size_t capacity = 0;

	out->paths = NULL;
	out->count = 0;
	for (size_t i = 0; i < count; i++) {
		const struct tree *tree = trees[i];
		if (!tree_usable(tree))
			continue;
		out->paths = xgrow(out->paths, &capacity,
				   out->count + tree->node_count + 3,
				   sizeof *out->paths);
		if (out->count == 0)
			out->paths[out->count++] = xstrdup("wizard/");
		out->paths[out->count++] = tree_path(tree);
		for (size_t k = 0; k < tree->node_count; k++)
			out->paths[out->count++] = node_path(tree, &tree->nodes[k]);
		out->paths[out->count++] = map_path(tree);
	}
}

void wizard_paths_free(struct wizard_paths *paths)
{
	for (size_t i = 0; i < paths->count; i++)
		free((char *)paths->paths[i]);
	free(paths->paths);
	paths->paths = NULL;
	paths->count = 0;
}
