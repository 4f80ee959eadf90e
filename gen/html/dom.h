/*
 * dom.h — a few shorthands for building page content as libxml2 nodes.
 * Text always goes in as text nodes, so the serializer escapes it; there
 * is no way to put raw markup into a page through this module.
 * Every returned node belongs to the parent's document and is never
 * NULL: a libxml2 allocation that fails ends the program through
 * out_of_memory (base/util.h).
 */
#ifndef KB_DOM_H
#define KB_DOM_H

#include <libxml/tree.h>

/* A new element <name> of document, not yet in the tree: the caller
 * attaches it (or frees it with xmlFreeNode). */
xmlNodePtr dom_new_element(xmlDocPtr document, const char *name);

/* Appends <name class="class_name"> (class omitted when NULL) to parent. */
xmlNodePtr dom_element(xmlNodePtr parent, const char *name,
		       const char *class_name);

/* Appends <name class=...>text</name>. */
xmlNodePtr dom_text_element(xmlNodePtr parent, const char *name,
			    const char *class_name, const char *text);

/* Appends a text node (escaped when written). */
void dom_text(xmlNodePtr parent, const char *text);

/* Appends <a href="href">text</a>. */
xmlNodePtr dom_link(xmlNodePtr parent, const char *href, const char *text);

/* Sets (or replaces) an attribute. */
void dom_set(xmlNodePtr element, const char *attribute, const char *value);

/* Adds an attribute without a value (<script defer>). */
void dom_set_boolean(xmlNodePtr element, const char *attribute);

/* A copy of the attribute's value, or NULL when element has none. The
 * caller frees. */
char *dom_attribute(xmlNodePtr element, const char *name);

/* Removes and frees every child of element. */
void dom_clear(xmlNodePtr element);

#endif
