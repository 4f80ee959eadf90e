/*
 * fuzz_frontmatter.c — libFuzzer harness for an article's front matter
 * and body split (front_matter_parse), then the Markdown rendering of
 * the body, as the build does for every file in content/.
 *
 * Input: the bytes of a Markdown file in content/. The promises kept, or the
 * harness aborts (a crash for libFuzzer):
 *   - the result is true exactly when no error was reported;
 *   - the body lies inside the input, and starts on a line of it;
 *   - an accepted article has a title, and its dates are valid dates;
 *   - its publishDate and expiryDate are moments, its url a clean path,
 *     its keywords non-empty text;
 *   - the body's heading ids are unique (checked pairwise on pages of
 *     under 64 headings);
 *   - the body renders to an HTML fragment without crashing, in time
 *     (libFuzzer's -timeout catches a pathological slowdown), and
 *     everything is released (ASan's leak check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "base/diag.h"
#include "content/frontmatter.h"
#include "content/markdown.h"

/* Hugo's publishing keys as accepted: their dates convert to moments,
 * a url has a segment and no '?', '#', '%', '\\' or space, keywords are
 * non-empty text, render is one of its values. */
static void check_publishing(const struct front_matter *matter)
{
	long long seconds;

	if ((matter->publish_date &&
	     !front_matter_date_seconds(matter->publish_date, &seconds)) ||
	    (matter->expiry_date &&
	     !front_matter_date_seconds(matter->expiry_date, &seconds)))
		abort();
	if (matter->url != NULL &&
	    (strspn(matter->url, "/") == strlen(matter->url) ||
	     strpbrk(matter->url, "?#%\\ ") != NULL))
		abort();
	for (size_t i = 0; i < matter->keywords.count; i++)
		if (matter->keywords.items[i][0] == '\0')
			abort();
	if (matter->render > FRONT_MATTER_RENDER_LINK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_body(const struct front_matter *matter,
		       const char *text, size_t size)
{
	unsigned lines = 1;

	if (matter->body < text || matter->body > text + size ||
	    matter->body_length > (size_t)(text + size - matter->body))
		abort();
	for (const char *c = text; c < matter->body; c++)
		if (*c == '\n')
			lines++;
	if (matter->body_line < 1 || matter->body_line > lines + 1)
		abort();
}

/* Parses and renders the body as the build does: headings with unique
 * ids and permalinks, into a <div> of a document of its own. */
static void render(const struct front_matter *matter)
{
	const char *const reserved[] = {"main", "content", NULL};
	cmark_node *document = markdown_parse(matter->body, matter->body_length);
	struct markdown_headings headings;
	struct markdown_render_options options = {
		.headings = &headings,
		.permalink_label = "この見出しへのリンク",
	};
	xmlDocPtr html;
	xmlNodePtr root;

	if (document == NULL)
		abort();
	markdown_collect_headings(document, reserved, &headings);
	for (size_t i = 0; i < headings.count; i++)
		for (size_t k = 0; k < i && headings.count < 64; k++)
			if (strcmp(headings.items[i].id, headings.items[k].id) == 0)
				abort();
	html = xmlNewDoc(BAD_CAST "1.0");
	root = xmlNewDocNode(html, NULL, BAD_CAST "div", NULL);
	xmlDocSetRootElement(html, root);
	markdown_render(document, root, &options);
	xmlFreeDoc(html);
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct front_matter matter;
	bool ok;

	diag_clear();
	ok = front_matter_parse(text, size, "content/docs/fuzz.md", &matter);
	if (ok != (diag_error_count() == 0))
		abort();
	if (ok) {
		check_body(&matter, text, size);
		if (matter.title == NULL || matter.title[0] == '\0')
			abort();
		if ((matter.date && !front_matter_valid_date(matter.date)) ||
		    (matter.lastmod && !front_matter_valid_date(matter.lastmod)))
			abort();
		check_publishing(&matter);
		render(&matter);
	}
	front_matter_free(&matter);
	diag_clear();
	return 0;
}
