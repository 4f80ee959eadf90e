/*
 * shortcode.h — Hugo's shortcodes in article Markdown, "{{< name args >}}"
 * and "{{% name args %}}": the built-ins a knowledge base uses expanded,
 * every other one left out of the page with a located warning, never
 * printed raw.
 *
 * Expansion is a pass over the Markdown body before cmark-gfm reads it
 * (see shortcode.c for why), which keeps every line where it was, so
 * that cmark's lines are the file's:
 *  - ref and relref "page.md#anchor" become that relative .md link (a
 *    page path "/section/page" or "page" the .md file it names), so they
 *    are resolved, checked and tracked by the build exactly as links are;
 *  - param "name" becomes the front matter's value, as text;
 *  - highlight lang becomes a fenced code block (a code span inline);
 *  - figure and details become placeholders, HTML comments no writer's
 *    text can contain, which markdown_render draws through the DOM from
 *    the table attached to the document (struct shortcodes);
 *  - Hugo's escape, a C comment's markers just inside the delimiters,
 *    shows the shortcode as text without them.
 * Shortcodes in code blocks, code spans and HTML comments stay as written.
 */
#ifndef KB_SHORTCODE_H
#define KB_SHORTCODE_H

#include <cmark-gfm.h>
#include <stdbool.h>
#include <stddef.h>

/* One argument as written: name NULL for a positional one. */
struct shortcode_argument {
	char *name;
	char *value;
};

/* One shortcode read from text: bytes [start, end). */
struct shortcode_call {
	size_t start, end;
	char delimiter;		/* '<' or '%' */
	bool closing;		/* "{{< /name >}}" */
	bool self_closing;	/* "{{< name />}}" */
	bool escaped;		/* Hugo's escape: shown as text */
	char *name;		/* NULL when escaped */
	struct shortcode_argument *arguments;
	size_t argument_count, argument_capacity;
};

enum shortcode_read_result {
	SHORTCODE_OK,
	SHORTCODE_UNCLOSED,	/* no closing delimiter before a blank line */
	SHORTCODE_MALFORMED,	/* closed, but its arguments are wrong */
};

/* Reads the shortcode whose "{{" is at text[at] (text[at..] starts with
 * "{{<" or "{{%"). On SHORTCODE_OK and SHORTCODE_MALFORMED, call->end is
 * past its closing delimiter; on SHORTCODE_MALFORMED and
 * SHORTCODE_UNCLOSED, *why (static) says what is wrong. The caller
 * releases *call with shortcode_call_free whatever the result. */
enum shortcode_read_result shortcode_read(const char *text, size_t length,
					  size_t at, struct shortcode_call *call,
					  const char **why);
void shortcode_call_free(struct shortcode_call *call);

/* The value of the argument called name, else of the positional one at
 * index position (-1: none), else NULL. Borrowed from call. */
const char *shortcode_argument(const struct shortcode_call *call,
			       const char *name, int position);

struct shortcode_figure {
	char *src, *alt, *caption, *title, *link;
	unsigned width, height;	/* 0 when not given */
};

struct shortcode_details {
	char *summary;
	bool open;
};

/* A ref expanded: where its page was written, for the diagnostics of
 * the link it became. */
struct shortcode_ref {
	unsigned line;		/* in the text, 1-based */
	unsigned column;	/* of the page as written, in characters */
	char *destination;	/* the link's URL */
};

/* What markdown_render draws for the placeholders of one document, and
 * where its refs were written. */
struct shortcodes {
	char *marker;		/* "kbsc", longer when the text holds it */
	struct shortcode_ref *refs;
	size_t ref_count, ref_capacity;
	struct shortcode_figure *figures;
	size_t figure_count, figure_capacity;
	struct shortcode_details *details;
	size_t details_count, details_capacity;
};

struct shortcode_options {
	/* The file the text is in, from the site root ("content/docs/a.md"):
	 * where a ref "/section/page" starts from, and where diagnostics
	 * are said; NULL is a file in content/ itself. */
	const char *source;
	bool report;		/* say mistakes through diag */
	unsigned first_line;	/* the file's line of the text's first */
	/* The value of a page param ("title"), or NULL when there is none
	 * (a warning). Borrowed. May be NULL: every param is unknown. */
	const char *(*param)(void *user, const char *name);
	void *user;
};

/* The Markdown text with text's shortcodes expanded (caller frees, its
 * length in *out_length, as many lines as text), every mistake reported
 * through diag at options->source's line:col when options->report; *codes gets what the
 * placeholders draw (release with shortcodes_free). */
char *shortcode_expand(const char *text, size_t length,
		       const struct shortcode_options *options,
		       struct shortcodes *codes, size_t *out_length);
void shortcodes_free(struct shortcodes *codes);

/* markdown_parse of the expanded text, the table attached to the
 * document (shortcode_of_document), which cmark_node_free frees. Text
 * without "{{" is parsed as it is. The caller frees the document. */
cmark_node *shortcode_parse(const char *text, size_t length,
			    const struct shortcode_options *options);

struct article;

/* shortcode_parse of an article's body (length bytes, which start on
 * the file's line article->meta.body_line), its page params those of its
 * front matter that kbgen keeps (title, description, slug, date,
 * lastmod); mistakes said when report (as loading does; rendering reads
 * the body again silently). */
cmark_node *shortcode_parse_article(const struct article *article,
				    const char *body, size_t length,
				    bool report);

/* The table shortcode_parse attached to document, or NULL. Borrowed. */
const struct shortcodes *shortcode_of_document(cmark_node *document);

/* The column (in characters) where the link node with url was written
 * when a ref of its document made it, else fallback: the link is not
 * in the file as the URL it has. */
unsigned shortcode_link_column(cmark_node *node, const char *url,
			       unsigned fallback);

/* text without the placeholders of codes in it, or NULL when it has
 * none (the caller frees). Where this pass and cmark disagree on what
 * is code (a code span cmark found around one), a placeholder is left
 * out of the page rather than shown. */
char *shortcode_strip_placeholders(const struct shortcodes *codes,
				   const char *text);

/* What a placeholder is: the literal of an HTML node, once its leading
 * and trailing spaces are left out, made of placeholders of codes only.
 * Calls visit for each, with the figure or details it draws (the other
 * NULL; both NULL for the end of a details), and returns true; false,
 * calling nothing, when the literal is anything else. */
bool shortcode_each_placeholder(const struct shortcodes *codes,
				const char *literal,
				void (*visit)(void *user,
					      const struct shortcode_figure *figure,
					      const struct shortcode_details *details),
				void *user);

#endif
