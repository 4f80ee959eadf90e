/*
 * fuzz_markdown.c — libFuzzer harness for the Markdown reader and
 * renderer (gen/content/markdown.h): the "{#id}" heading attributes, the
 * raw HTML names the warnings give, the URL policy and the DOM built.
 *
 * Input: Markdown text, any bytes. The promises kept, or the harness
 * aborts (a crash for libFuzzer):
 *   - every heading id is non-empty, unique in the document and never one
 *     of the reserved ids;
 *   - a heading whose explicit id was refused says where its "{#" is;
 *   - a raw HTML name is NULL or "<...>";
 *   - a scheme length points at a ':' after a letter-led scheme;
 *   - the rendered fragment holds only the elements the renderer makes,
 *     no event-handler attribute, and no href or src that the URL policy
 *     refuses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "content/markdown.h"
#include "base/util.h"
#include "rendered.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const reserved[] = {"main", "site-search", NULL};

static void check_headings(const struct markdown_headings *headings)
{
	for (size_t i = 0; i < headings->count; i++) {
		const struct markdown_heading *heading = &headings->items[i];
		if (heading->id == NULL || heading->id[0] == '\0')
			abort();
		for (size_t r = 0; reserved[r]; r++)
			if (strcmp(heading->id, reserved[r]) == 0)
				abort();
		for (size_t j = 0; j < i; j++)
			if (strcmp(heading->id, headings->items[j].id) == 0)
				abort();
		if (heading->id_problem != NULL && heading->id_column == 0)
			abort();
	}
}

static void check_raw_html_name(void *user, cmark_node *node, const char *name)
{
	size_t length = strlen(name);

	(void)user;
	(void)node;
	if (length < 2 || name[0] != '<' || name[length - 1] != '>')
		abort();
}

static void check_link(void *user, cmark_node *node, const char *url, bool image)
{
	size_t scheme = markdown_url_scheme_length(url);

	(void)user;
	(void)node;
	(void)image;
	if (scheme > 0 && (url[scheme] != ':' ||
			   !((url[0] >= 'a' && url[0] <= 'z') ||
			     (url[0] >= 'A' && url[0] <= 'Z'))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cmark_node *document = markdown_parse((const char *)data, size);
	struct markdown_headings headings;
	struct markdown_render_options options = {0};
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
	char *text = xstrndup((const char *)data, size);

	xmlDocSetRootElement(doc, root);
	markdown_collect_headings(document, reserved, &headings);
	check_headings(&headings);
	markdown_each_raw_html(document, check_raw_html_name, NULL);
	markdown_each_link(document, check_link, NULL);
	(void)markdown_url_scheme_length(text);
	options.headings = &headings;
	options.permalink_label = "link";
	markdown_render(document, root, &options);
	check_rendered(root->children, NULL);
	xmlFreeDoc(doc);
	markdown_headings_free(&headings);
	cmark_node_free(document);
	free(text);
	return 0;
}
