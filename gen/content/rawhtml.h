/*
 * rawhtml.h — the raw HTML a support writer may put in Markdown when
 * site.yaml says `raw_html: safe`: a, br, kbd, sub, sup, details,
 * summary and img. Nothing is passed through: each tag of a raw HTML
 * literal is read (its attributes by libxml2's HTML parser, which knows
 * HTML's quoting and character references), and the renderer builds a
 * new element of the subset with only the attributes kept here — a's
 * href when its URL is safe (markdown_url_is_safe), img's src when it is
 * local (no scheme, not "//host"), img's alt, width and height, details'
 * open, a's and img's title. Every other tag is dropped (a located
 * warning at load time), its text kept.
 */
#ifndef KB_RAWHTML_H
#define KB_RAWHTML_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

/* One piece of a raw HTML literal. */
enum rawhtml_kind {
	RAWHTML_TEXT,		/* text between tags (character references
				 * not decoded: the renderer's text node
				 * shows them as written) */
	RAWHTML_START,		/* <name ...> or <name .../> */
	RAWHTML_END,		/* </name> */
	RAWHTML_OTHER,		/* a comment, <!...>, <?...?>, a lone '<' */
};

struct rawhtml_token {
	enum rawhtml_kind kind;
	const char *text;	/* the token's bytes in the literal */
	size_t length;
	size_t offset;		/* where it starts in the literal */
	char name[16];		/* START and END: the tag's name in lower
				 * case ("" when longer than 15 bytes) */
	bool allowed;		/* START and END: name is in the subset */
	bool empty;		/* START: a void element (br, img) or "/>" */
};

/* Calls visit for each token of literal (length bytes), in order, the
 * tokens covering it exactly; what a <script> or <style> holds is one
 * OTHER token, never text. The token is valid during the call. */
void rawhtml_each(const char *literal, size_t length,
		  void (*visit)(void *user, const struct rawhtml_token *token),
		  void *user);

/* True when name (lower case) is a tag of the subset. */
bool rawhtml_allowed(const char *name);

/* A new element for an allowed START token, owned by doc's caller (add
 * it to the tree or free it with xmlFreeNode), with the kept attributes
 * only; NULL when the token is not an allowed start tag, or is an img
 * without a local src or an a without a safe href (whose text the
 * renderer then keeps as plain text). */
xmlNodePtr rawhtml_element(xmlDocPtr doc, const struct rawhtml_token *token);

#endif
