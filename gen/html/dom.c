/*
 * dom.c — libxml2 node shorthands.
 */
#include "html/dom.h"

xmlNodePtr dom_element(xmlNodePtr parent, const char *name,
		       const char *class_name)
{
	xmlNodePtr element = xmlNewDocNode(parent->doc, NULL, BAD_CAST name,
					   NULL);

	if (class_name != NULL)
		xmlNewProp(element, BAD_CAST "class", BAD_CAST class_name);
	return xmlAddChild(parent, element);
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
		xmlAddChild(parent, xmlNewDocText(parent->doc, BAD_CAST text));
}

xmlNodePtr dom_link(xmlNodePtr parent, const char *href, const char *text)
{
	xmlNodePtr link = dom_text_element(parent, "a", NULL, text);

	xmlNewProp(link, BAD_CAST "href", BAD_CAST href);
	return link;
}

void dom_set(xmlNodePtr element, const char *attribute, const char *value)
{
	xmlSetProp(element, BAD_CAST attribute, BAD_CAST value);
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
