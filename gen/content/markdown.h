/*
 * markdown.h — Markdown (CommonMark + GFM tables, autolinks, task lists,
 * strikethrough) through cmark-gfm, rendered straight into libxml2 nodes.
 *
 * Safe by construction: raw HTML is dropped, text becomes text nodes, and
 * a link or image whose URL has a scheme other than http, https, mailto or
 * tel loses its URL (the link text stays, as plain text).
 */
#ifndef KB_MARKDOWN_H
#define KB_MARKDOWN_H

#include <cmark-gfm.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* True once a parse has shown that cmark-gfm's special-character table
 * is set up once for all threads (see markdown.c), so parses run
 * concurrently; false means they are serialized by a lock. */
bool markdown_parses_in_parallel(void);

/* Parses length bytes. A heading's closing "{#id}" is cut from its text
 * and kept for markdown_collect_headings. Never fails (Markdown has no syntax errors); the
 * caller frees the document with cmark_node_free. Thread-safe: parses run
 * at once when markdown_parses_in_parallel() is true, one at a time under
 * a lock otherwise. */
cmark_node *markdown_parse(const char *text, size_t length);

/* The GitHub-style anchor for a heading's text: lower-cased, characters
 * other than letters, marks, numbers, '_', '-' and spaces removed, spaces
 * turned into '-'. Japanese is kept. The caller frees. */
char *markdown_heading_slug(const char *text);

/* The concatenated text of node and its descendants (code included, soft
 * breaks as spaces). The caller frees. */
char *markdown_plain_text(cmark_node *node);

struct markdown_heading {
	int level;
	char *text;
	char *id;		/* unique within the document */
	unsigned line;		/* relative to the Markdown text, 1-based */
	/* For an explicit "{#id}" that could not be taken as written (a
	 * repeat, reserved, empty): why, a static string; else NULL. */
	const char *id_problem;
	unsigned id_column;	/* of the "{#", in characters; 0 if none */
};

struct markdown_headings {
	struct markdown_heading *items;
	size_t count;
};

/* Collects the document's headings in order, giving each an id that is
 * unique in the document (a repeat gets "-1", "-2"...). A heading whose
 * text ended in "{#id}" (markdown_parse cut it off) gets that id, unless
 * it is taken: then id_problem says why. Ids listed in
 * reserved (may be NULL) are treated as taken. The caller releases *out
 * with markdown_headings_free. */
void markdown_collect_headings(cmark_node *document, const char *const *reserved,
			       struct markdown_headings *out);
void markdown_headings_free(struct markdown_headings *headings);

/* Calls visit for each link and image destination with its location
 * (line relative to the Markdown text, byte column from cmark); in a
 * document from shortcode_parse (content/shortcode.h), a figure's image
 * and link too, at the node of its placeholder. */
void markdown_each_link(cmark_node *document,
			void (*visit)(void *user, cmark_node *node,
				      const char *url, bool image),
			void *user);

/* The length of url's scheme (RFC 3986: a letter, then letters, digits,
 * '+', '-' or '.', then ':'), the colon not counted; 0 when url has no
 * scheme, as "foo):" or "1a:" have none (they are relative). */
size_t markdown_url_scheme_length(const char *url);

/* How a raw HTML node (block or inline) that the renderer drops is
 * named in a warning: its first tag, "<name>" or "</name>" with the
 * attributes left out, or "<!...>" / "<?...>" for a declaration or a
 * processing instruction. NULL for a comment, dropped without a word (a
 * comment is written not to be shown). The caller frees. */
char *markdown_raw_html_name(const char *literal);

/* Whether the articles loaded from now on keep the safe subset of raw
 * HTML (site.yaml's raw_html: safe, content/rawhtml.h): then
 * markdown_each_raw_html names only the tags outside it. Set once per
 * build, before articles are loaded (threads read it). */
void markdown_set_raw_html_safe(bool safe);

/* Calls visit for each raw HTML node that the renderer drops and that
 * markdown_raw_html_name names, with that name (valid during the call)
 * and the node's place (line relative to the Markdown text, byte column
 * from cmark); with the safe subset on, once for each tag of the node
 * outside the subset (<name>). */
void markdown_each_raw_html(cmark_node *document,
			    void (*visit)(void *user, cmark_node *node,
					  const char *name),
			    void *user);

/* True when url may appear in an href or src (see above): it has no
 * scheme, once leading spaces and every tab and line break are taken out
 * as browsers do, or its scheme is one of those. */
bool markdown_url_is_safe(const char *url);

struct markdown_render_options {
	/* Called for each safe link/image URL; returns the href to use (the
	 * renderer frees it) or NULL to keep the URL as written. May be NULL. */
	char *(*rewrite_url)(void *user, const char *url, bool image);
	void *user;
	/* Called for each image with its URL as written: true with the
	 * image's width and height when they are known, so the <img> gets
	 * them (the page does not shift while it loads). May be NULL. */
	bool (*image_size)(void *user, const char *url, unsigned *width,
			   unsigned *height);
	/* Heading ids, in document order, as markdown_collect_headings gave. */
	const struct markdown_headings *headings;
	/* When not NULL, every heading gets a permalink <a class="anchor">
	 * with this accessible label. */
	const char *permalink_label;
	/* site.yaml's raw_html: safe: raw HTML's tags of the subset
	 * (content/rawhtml.h) rebuilt, the rest dropped with their text
	 * kept; false drops raw HTML whole. */
	bool raw_html_safe;
};

/* Appends the document's HTML as children of parent (in parent's doc);
 * in a document from shortcode_parse, its figure and details
 * placeholders drawn (content/shortcode.h). */
void markdown_render(cmark_node *document, xmlNodePtr parent,
		     const struct markdown_render_options *options);

/* Splits the document at its level 1 and 2 headings and calls visit once
 * for the intro (heading NULL) and once per such heading, with the plain
 * text of the blocks up to the next one. Empty intros are skipped. The
 * heading index counts into markdown_collect_headings' order. */
void markdown_each_section(cmark_node *document,
			   const struct markdown_headings *headings,
			   void (*visit)(void *user,
					 const struct markdown_heading *heading,
					 const char *text, size_t length),
			   void *user);

#endif
