/*
 * fuzz_shortcode.c — libFuzzer harness for Hugo's shortcodes
 * (gen/content/shortcode.h): the reader of one shortcode, the expansion
 * of a text and the pages drawn from it.
 *
 * Input: Markdown text, any bytes. The promises kept, or the harness
 * aborts (a crash for libFuzzer):
 *   - a shortcode read ends after its "{{" and within the text; one read
 *     whole has a name (or is an escape) and every argument a value;
 *   - the expanded text has as many lines as the input, as cmark counts
 *     them (diagnostics and links keep the file's lines);
 *   - the page drawn holds only the elements the renderer makes, no
 *     event-handler attribute, no href or src the URL policy refuses,
 *     and no placeholder comment left as text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/markdown.h"
#include "content/shortcode.h"
#include "rendered.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reads(const char *text, size_t size)
{
	for (size_t at = 0; at + 3 <= size; at++) {
		struct shortcode_call call;
		const char *why;
		enum shortcode_read_result result;

		if (text[at] != '{' || text[at + 1] != '{' ||
		    (text[at + 2] != '<' && text[at + 2] != '%'))
			continue;
		result = shortcode_read(text, size, at, &call, &why);
		if (call.end <= at || call.end > size || call.start != at)
			abort();
		if (result != SHORTCODE_OK && why == NULL)
			abort();
		if (result == SHORTCODE_OK && !call.escaped &&
		    (call.name == NULL || call.name[0] == '\0'))
			abort();
		for (size_t i = 0; i < call.argument_count; i++)
			if (call.arguments[i].value == NULL)
				abort();
		shortcode_call_free(&call);
	}
}

/* Lines as cmark counts them: "\n", "\r\n" or a lone "\r" ends one. */
static size_t count_lines(const char *text, size_t length)
{
	size_t lines = 0;

	for (size_t i = 0; i < length; i++)
		lines += text[i] == '\n' ||
			 (text[i] == '\r' && (i + 1 >= length || text[i + 1] != '\n'));
	return lines;
}

static const char *any_param(void *user, const char *name)
{
	(void)user;
	return name[0] == 't' ? "<b onclick=x>{{< ref \"y\" >}}</b>" : NULL;
}

/* The marker of the document being checked (check_rendered's visitor
 * takes no user pointer; the harness runs one input at a time). */
static const char *document_marker;

static void check_no_placeholder(xmlNodePtr text)
{
	if (text->content && strstr((const char *)text->content, document_marker) &&
	    strstr((const char *)text->content, "<!--"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct shortcode_options options = {
		.source = "content/docs/a.md", .report = true, .first_line = 3,
		.param = any_param,
	};
	struct markdown_render_options render = {0};
	struct shortcodes codes;
	size_t length;
	char *expanded;
	cmark_node *document;
	xmlDocPtr doc;
	xmlNodePtr root;

	check_reads(text, size);
	expanded = shortcode_expand(text, size, &options, &codes, &length);
	if (count_lines(expanded, length) != count_lines(text, size))
		abort();
	free(expanded);
	shortcodes_free(&codes);
	diag_clear();

	document = shortcode_parse(text, size, &options);
	doc = xmlNewDoc(BAD_CAST "1.0");
	root = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
	xmlDocSetRootElement(doc, root);
	markdown_render(document, root, &render);
	document_marker = shortcode_of_document(document)
			  ? shortcode_of_document(document)->marker : NULL;
	check_rendered(root->children, document_marker ? check_no_placeholder : NULL);
	xmlFreeDoc(doc);
	cmark_node_free(document);
	diag_clear();
	return 0;
}
