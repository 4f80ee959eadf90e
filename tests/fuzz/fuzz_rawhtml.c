/*
 * fuzz_rawhtml.c — libFuzzer harness for the raw HTML subset
 * (gen/content/rawhtml.h), which reads what writers put in Markdown.
 * Input: a raw HTML literal. The promises kept, or the harness aborts:
 * the tokens cover the literal exactly, in order, each at least one
 * byte (no loop, no read past the input: ASan); a built element is one
 * of the subset with only its kept attributes, an a's href safe and an
 * img's src local.
 */
#include <libxml/tree.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/markdown.h"
#include "content/rawhtml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct walk {
	size_t at;
	xmlDocPtr doc;
};

static bool attribute_allowed(const char *element, const char *name)
{
	if (strcmp(element, "a") == 0)
		return strcmp(name, "href") == 0 || strcmp(name, "title") == 0;
	if (strcmp(element, "img") == 0)
		return strcmp(name, "src") == 0 || strcmp(name, "alt") == 0 ||
		       strcmp(name, "width") == 0 || strcmp(name, "height") == 0 ||
		       strcmp(name, "title") == 0;
	return strcmp(element, "details") == 0 && strcmp(name, "open") == 0;
}

static void visit(void *user, const struct rawhtml_token *token)
{
	struct walk *walk = user;
	xmlNodePtr element;

	if (token->offset != walk->at || token->length == 0)
		abort();
	walk->at += token->length;
	element = rawhtml_element(walk->doc, token);
	if (element == NULL)
		return;
	if (!token->allowed || !rawhtml_allowed((const char *)element->name))
		abort();
	for (xmlAttrPtr attribute = element->properties; attribute;
	     attribute = attribute->next) {
		xmlChar *value = xmlGetProp(element, attribute->name);
		if (!attribute_allowed((const char *)element->name,
				       (const char *)attribute->name))
			abort();
		if ((xmlStrEqual(attribute->name, BAD_CAST "href") ||
		     xmlStrEqual(attribute->name, BAD_CAST "src")) &&
		    !markdown_url_is_safe((const char *)value))
			abort();
		if (xmlStrEqual(attribute->name, BAD_CAST "src") &&
		    markdown_url_scheme_length((const char *)value) != 0)
			abort();
		xmlFree(value);
	}
	xmlFreeNode(element);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct walk walk = {0, xmlNewDoc(BAD_CAST "1.0")};

	rawhtml_each((const char *)data, size, visit, &walk);
	if (walk.at != size)
		abort();
	xmlFreeDoc(walk.doc);
	return 0;
}
