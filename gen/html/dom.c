/*
 * dom.c — libxml2 node shorthands. Each treats a NULL from a libxml2
 * constructor as exhausted memory: with the valid arguments given here,
 * that is the only way they fail.
 */
#include "html/dom.h"

#include <stdlib.h>

#include "base/util.h"

static xmlNodePtr checked(xmlNodePtr node)
{
	if (node == NULL)
		out_of_memory();
	return node;
}

static void new_attribute(xmlNodePtr element, const char *name,
			  const char *value)
{
	if (xmlNewProp(element, BAD_CAST name, BAD_CAST value) == NULL)
		out_of_memory();
}

xmlNodePtr dom_new_element(xmlDocPtr document, const char *name)
{
	return checked(xmlNewDocNode(document, NULL, BAD_CAST name, NULL));
}

xmlNodePtr dom_element(xmlNodePtr parent, const char *name,
		       const char *class_name)
{
	xmlNodePtr element = dom_new_element(parent->doc, name);

	if (class_name != NULL)
		new_attribute(element, "class", class_name);
	return checked(xmlAddChild(parent, element));
}

xmlNodePtr dom_text_element(xmlNodePtr parent, const char *name,
			    const char *class_name, const char *text)
{
	xmlNodePtr element = dom_element(parent, name, class_name);

	dom_text(element, text);
	return element;
}

void dom_text(xmlNodePtr parent, const char *text)
{
	if (text != NULL && *text != '\0')
		checked(xmlAddChild(parent, checked(xmlNewDocText(
			parent->doc, BAD_CAST text))));
}

xmlNodePtr dom_link(xmlNodePtr parent, const char *href, const char *text)
{
	xmlNodePtr link = dom_text_element(parent, "a", NULL, text);

	new_attribute(link, "href", href);
	return link;
}

void dom_set(xmlNodePtr element, const char *attribute, const char *value)
{
	if (xmlSetProp(element, BAD_CAST attribute, BAD_CAST value) == NULL)
		out_of_memory();
}

void dom_set_boolean(xmlNodePtr element, const char *attribute)
{
	new_attribute(element, attribute, NULL);
}

char *dom_attribute(xmlNodePtr element, const char *name)
{
	xmlChar *value;
	char *copy;

	/* xmlHasProp does not allocate: most elements have no such attribute */
	if (element->properties == NULL || xmlHasProp(element, BAD_CAST name) == NULL)
		return NULL;
	value = xmlGetProp(element, BAD_CAST name);
	if (value == NULL)
		out_of_memory();
	copy = xstrdup((const char *)value);
	xmlFree(value);
	return copy;
}

void dom_clear(xmlNodePtr element)
{
	xmlNodePtr child = element->children;

	while (child != NULL) {
		xmlNodePtr next = child->next;
		xmlUnlinkNode(child);
		xmlFreeNode(child);
		child = next;
	}
}
