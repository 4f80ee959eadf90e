/*
 * rendered.h — the promise every harness that renders Markdown checks:
 * the fragment holds only the elements markdown_render makes, no
 * event-handler attribute, and no href or src that the URL policy
 * refuses. visit_text, when not NULL, sees every text node too.
 */
#ifndef KB_FUZZ_RENDERED_H
#define KB_FUZZ_RENDERED_H

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "content/markdown.h"

static bool made_by_renderer(const char *name)
{
	static const char *const elements[] = {
		"p", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4",
		"h5", "h6", "em", "strong", "a", "span", "img", "pre", "code",
		"hr", "br", "table", "thead", "tbody", "tr", "th", "td", "del",
		"input", "figure", "figcaption", "details", "summary", NULL};

	for (size_t i = 0; elements[i]; i++)
		if (strcmp(name, elements[i]) == 0)
			return true;
	return false;
}

static void check_rendered(xmlNodePtr node, void (*visit_text)(xmlNodePtr text))
{
	for (; node != NULL; node = node->next) {
		if (node->type == XML_TEXT_NODE && visit_text != NULL)
			visit_text(node);
		if (node->type != XML_ELEMENT_NODE)
			continue;
		if (!made_by_renderer((const char *)node->name))
			abort();
		for (xmlAttrPtr attribute = node->properties; attribute;
		     attribute = attribute->next) {
			const char *name = (const char *)attribute->name;
			xmlChar *value = xmlGetProp(node, attribute->name);
			if (strncmp(name, "on", 2) == 0)
				abort();
			if ((strcmp(name, "href") == 0 || strcmp(name, "src") == 0) &&
			    !markdown_url_is_safe((const char *)value))
				abort();
			xmlFree(value);
		}
		check_rendered(node->children, visit_text);
	}
}

#endif
