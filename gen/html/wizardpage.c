/*
 * wizardpage.c — wizard step parts as DOM nodes (see wizardpage.h). The
 * markup follows wizard.c's static pages, so one stylesheet serves both.
 */
#include "html/wizardpage.h"

#include <stdlib.h>
#include <string.h>

#include "html/dom.h"
#include "content/markdown.h"
#include "base/util.h"

/* Ids the pages use themselves; body headings must not take them ("main"
 * and "site-search" are the layout's). */
static const char *const reserved_ids[] = {
	"main", "site-search", WIZARDPAGE_QUESTION_ID, "kb-wizard-articles",
	"kb-wizard-guides", "kb-wizard-nodes", "kb-wizard-answers",
	"kb-wizard-summary", "kb-wizard-summary-text", NULL,
};

char *wizardpage_description(const struct tree *tree,
			     const struct tree_node *node)
{
	const char *title = node->title && *node->title ? node->title
							: node->id;
	const char *about = tree->description && *tree->description
				    ? tree->description
				    : tree->title ? tree->title : "";

	return xasprintf("%s %s", title, about);
}

void wizardpage_add_title(xmlNodePtr parent, const char *title)
{
	dom_set(dom_text_element(parent, "h1", NULL, title), "id",
		WIZARDPAGE_QUESTION_ID);
}

/* The node's title is the page's only h1: a body with an h1 has every
 * heading moved one level down. */
static void demote_headings(cmark_node *document)
{
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;
	bool has_h1 = false;

	while (!has_h1 &&
	       (event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		has_h1 = cmark_node_get_type(node) == CMARK_NODE_HEADING &&
			 cmark_node_get_heading_level(node) == 1;
	}
	cmark_iter_reset(iterator, document, CMARK_EVENT_ENTER);
	while (has_h1 &&
	       (event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		int level = cmark_node_get_heading_level(node);
		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_HEADING && level < 6)
			cmark_node_set_heading_level(node, level + 1);
	}
	cmark_iter_free(iterator);
}

void wizardpage_add_body(const struct theme *theme, xmlNodePtr parent,
			 const char *markdown,
			 char *(*rewrite_url)(void *user, const char *url,
					      bool image),
			 void *user)
{
	struct markdown_headings headings = {0};
	struct markdown_render_options options = {
		.rewrite_url = rewrite_url,
		.user = user,
		.headings = &headings,
		.permalink_label = theme_text(theme, "permalink"),
	};
	cmark_node *document;

	if (markdown == NULL || *markdown == '\0')
		return;
	document = markdown_parse(markdown, strlen(markdown));
	demote_headings(document);
	markdown_collect_headings(document, reserved_ids, &headings);
	markdown_render(document, dom_element(parent, "div", "wizard-body"),
			&options);
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

void wizardpage_add_hint(const struct theme *theme, xmlNodePtr parent,
			 const char *hint)
{
	xmlNodePtr paragraph;

	if (hint == NULL || *hint == '\0')
		return;
	paragraph = dom_element(parent, "p", "hint");
	dom_text(paragraph, theme_text(theme, "wizard-hint"));
	dom_text(paragraph, hint);
}

void wizardpage_add_options(xmlNodePtr parent, const struct tree_node *node,
			    char *(*href)(void *user, size_t option),
			    void *user)
{
	xmlNodePtr list = dom_element(parent, "ul", "options");

	dom_set(list, "aria-labelledby", WIZARDPAGE_QUESTION_ID);
	for (size_t i = 0; i < node->option_count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);
		char *url = href(user, i);

		if (url != NULL)
			dom_link(item, url, node->options[i].label);
		else
			dom_text(item, node->options[i].label);
		free(url);
	}
}

static const char *result_key(enum tree_result result)
{
	switch (result) {
	case TREE_RESOLVED:
		return "wizard-result-resolved";
	case TREE_UNRESOLVED:
		return "wizard-result-unresolved";
	case TREE_ESCALATE:
		return "wizard-result-escalate";
	case TREE_RESULT_NONE:
		break;
	}
	return NULL;
}

void wizardpage_add_result(const struct theme *theme, xmlNodePtr parent,
			   enum tree_result result)
{
	const char *key = result_key(result);
	char *class_name;

	if (key == NULL)
		return;
	class_name = xasprintf("result result-%s", tree_result_name(result));
	dom_text_element(parent, "p", class_name, theme_text(theme, key));
	free(class_name);
}

xmlNodePtr wizardpage_add_section(const struct theme *theme, xmlNodePtr parent,
				  const char *class_name, const char *id,
				  const char *title_key)
{
	xmlNodePtr section = dom_element(parent, "section", class_name);

	dom_set(section, "aria-labelledby", id);
	dom_set(dom_text_element(section, "h2", NULL,
				 theme_text(theme, title_key)),
		"id", id);
	return section;
}

void wizardpage_add_articles(const struct theme *theme, xmlNodePtr parent,
			     const struct wizardpage_article *articles,
			     size_t count)
{
	xmlNodePtr list;

	if (count == 0)
		return;
	list = dom_element(wizardpage_add_section(theme, parent, "related",
						  "kb-wizard-articles",
						  "related"),
			   "ul", "card-list");
	for (size_t i = 0; i < count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);

		dom_link(item, articles[i].url, articles[i].title);
		if (articles[i].description != NULL &&
		    *articles[i].description != '\0')
			dom_text_element(item, "p", NULL,
					 articles[i].description);
	}
}

void wizardpage_add_guides(const struct theme *theme, xmlNodePtr parent,
			   const struct wizardpage_guide *guides, size_t count)
{
	xmlNodePtr list;

	if (count == 0)
		return;
	list = dom_element(wizardpage_add_section(theme, parent, "guides",
						  "kb-wizard-guides",
						  "wizard-guides"),
			   "ul", "guide-list");
	for (size_t i = 0; i < count; i++)
		dom_set(dom_link(dom_element(list, "li", NULL), guides[i].url,
				 guides[i].title),
			"rel", "noopener");
}
