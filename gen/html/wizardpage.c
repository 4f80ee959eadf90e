/*
 * wizardpage.c — wizard step parts as DOM nodes (see wizardpage.h). The
 * markup follows wizard.c's static pages, so one stylesheet serves both.
 */
#include "html/wizardpage.h"

#include <stdlib.h>
#include <string.h>

#include "html/dom.h"
#include "content/markdown.h"
#include "base/util.h"

const char *const wizardpage_reserved_ids[] = {
	"main", "site-search", WIZARDPAGE_QUESTION_ID, "kb-wizard-articles",
	"kb-wizard-guides", "kb-wizard-nodes", "kb-wizard-answers",
	"kb-wizard-summary", "kb-wizard-summary-text", "kb-wizard-contact",
	NULL,
};

char *wizardpage_description(const struct tree *tree,
			     const struct tree_node *node)
{
	const char *title = node->title && *node->title ? node->title
							: node->id;
	const char *about = tree->description && *tree->description
				    ? tree->description
				    : tree->title ? tree->title : "";

	return xasprintf("%s %s", title, about);
}

void wizardpage_add_title(xmlNodePtr parent, const char *title)
{
	dom_set(dom_text_element(parent, "h1", NULL, title), "id",
		WIZARDPAGE_QUESTION_ID);
}

/* The node's title is the page's only h1: a body with an h1 has every
 * heading moved one level down. */
static void demote_headings(cmark_node *document)
{
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;
	bool has_h1 = false;

	while (!has_h1 &&
	       (event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		has_h1 = cmark_node_get_type(node) == CMARK_NODE_HEADING &&
			 cmark_node_get_heading_level(node) == 1;
	}
	cmark_iter_reset(iterator, document, CMARK_EVENT_ENTER);
	while (has_h1 &&
	       (event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		int level = cmark_node_get_heading_level(node);
		if (event == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(node) == CMARK_NODE_HEADING && level < 6)
			cmark_node_set_heading_level(node, level + 1);
	}
	cmark_iter_free(iterator);
}

void wizardpage_add_body(const struct theme *theme, xmlNodePtr parent,
			 const char *markdown,
			 char *(*rewrite_url)(void *user, const char *url,
					      bool image),
			 void *user)
{
	struct markdown_headings headings = {0};
	struct markdown_render_options options = {
		.rewrite_url = rewrite_url,
		.user = user,
		.headings = &headings,
		.permalink_label = theme_text(theme, "permalink"),
	};
	cmark_node *document;

	if (markdown == NULL || *markdown == '\0')
		return;
	document = markdown_parse(markdown, strlen(markdown));
	demote_headings(document);
	markdown_collect_headings(document, wizardpage_reserved_ids,
				  &headings);
	markdown_render(document, dom_element(parent, "div", "wizard-body"),
			&options);
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

void wizardpage_add_hint(const struct theme *theme, xmlNodePtr parent,
			 const char *hint)
{
	xmlNodePtr paragraph;

	if (hint == NULL || *hint == '\0')
		return;
	paragraph = dom_element(parent, "p", "hint");
	dom_text(paragraph, theme_text(theme, "wizard-hint"));
	dom_text(paragraph, hint);
}

void wizardpage_add_options(const struct theme *theme, xmlNodePtr parent,
			    const struct tree_node *node,
			    char *(*href)(void *user, size_t option),
			    void *user, size_t previous)
{
	xmlNodePtr list = dom_element(parent, "ul", "options");

	dom_set(list, "aria-labelledby", WIZARDPAGE_QUESTION_ID);
	for (size_t i = 0; i < node->option_count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);
		xmlNodePtr choice;
		char *url = href(user, i);

		if (url != NULL)
			choice = dom_link(item, url, node->options[i].label);
		else
			choice = dom_text_element(item, "span", NULL,
						  node->options[i].label);
		if (i == previous) {
			dom_set(choice, "aria-current", "true");
			dom_set(choice, "class", "previous");
			dom_text_element(choice, "span", "previous-note",
					 theme_text(theme, "wizard-previous"));
		}
		free(url);
	}
}

void wizardpage_add_progress(const struct theme *theme, xmlNodePtr parent,
			     size_t number, size_t most)
{
	xmlNodePtr paragraph = dom_element(parent, "p", "progress");
	char *text = xasprintf("%s%zu%s%zu", theme_text(theme, "wizard-progress"),
			       number, theme_text(theme, "wizard-progress-most"),
			       most);

	dom_text(paragraph, text);
	free(text);
}

static const char *result_key(enum tree_result result)
{
	switch (result) {
	case TREE_RESOLVED:
		return "wizard-result-resolved";
	case TREE_UNRESOLVED:
		return "wizard-result-unresolved";
	case TREE_ESCALATE:
		return "wizard-result-escalate";
	case TREE_RESULT_NONE:
		break;
	}
	return NULL;
}

void wizardpage_add_result(const struct theme *theme, xmlNodePtr parent,
			   enum tree_result result, bool contact)
{
	const char *key = result == TREE_ESCALATE && !contact
				  ? "wizard-result-escalate-alone"
				  : result_key(result);
	char *class_name;

	if (key == NULL)
		return;
	class_name = xasprintf("result result-%s", tree_result_name(result));
	dom_text_element(parent, "p", class_name, theme_text(theme, key));
	free(class_name);
}

xmlNodePtr wizardpage_add_section(const struct theme *theme, xmlNodePtr parent,
				  const char *class_name, const char *id,
				  const char *title_key)
{
	xmlNodePtr section = dom_element(parent, "section", class_name);

	dom_set(section, "aria-labelledby", id);
	dom_set(dom_text_element(section, "h2", NULL,
				 theme_text(theme, title_key)),
		"id", id);
	return section;
}

void wizardpage_add_articles(const struct theme *theme, xmlNodePtr parent,
			     const struct wizardpage_article *articles,
			     size_t count)
{
	xmlNodePtr list;

	if (count == 0)
		return;
	list = dom_element(wizardpage_add_section(theme, parent, "related",
						  "kb-wizard-articles",
						  "related"),
			   "ul", "card-list");
	for (size_t i = 0; i < count; i++) {
		xmlNodePtr item = dom_element(list, "li", NULL);

		dom_link(item, articles[i].url, articles[i].title);
		if (articles[i].description != NULL &&
		    *articles[i].description != '\0')
			dom_text_element(item, "p", NULL,
					 articles[i].description);
	}
}

void wizardpage_add_guides(const struct theme *theme, xmlNodePtr parent,
			   const struct wizardpage_guide *guides, size_t count)
{
	xmlNodePtr list;

	if (count == 0)
		return;
	list = dom_element(wizardpage_add_section(theme, parent, "guides",
						  "kb-wizard-guides",
						  "wizard-guides"),
			   "ul", "guide-list");
	for (size_t i = 0; i < count; i++)
		dom_set(dom_link(dom_element(list, "li", NULL), guides[i].url,
				 guides[i].title),
			"rel", "noopener");
}

/* ---- reaching a person ------------------------------------------------------- */

static bool is_set(const char *text)
{
	return text != NULL && *text != '\0';
}

bool wizardpage_support_set(const struct wizardpage_support *support)
{
	return support != NULL && (is_set(support->url) || is_set(support->email));
}

bool wizardpage_wants_contact(enum tree_result result)
{
	return result == TREE_ESCALATE || result == TREE_UNRESOLVED;
}

static bool unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

/* The bytes of one character of text as encode() writes them. */
static size_t encoded_char(const char *text, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t length = 1;
	unsigned char lead = (unsigned char)*text;

	if (lead >= 0xC0)
		while (length < 4 && ((unsigned char)text[length] & 0xC0) == 0x80)
			length++;
	if (lead == '\n') {
		buf_adds(out, "%0D%0A");
		return 1;
	}
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (unreserved(c)) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
	return length;
}

/* Appends text percent-encoded while out stays within limit bytes;
 * false when it had to stop before the end. A line break already
 * written as CR LF counts as one. */
static bool encode(struct buf *out, const char *text, size_t limit)
{
	struct buf one = {0};
	bool whole = true;

	while (*text != '\0') {
		size_t used;

		if (text[0] == '\r' && text[1] == '\n') {
			text++;		/* CR LF is one line break */
			continue;
		}
		buf_reset(&one);
		used = encoded_char(text, &one);
		if (out->length + one.length > limit) {
			whole = false;
			break;
		}
		buf_add(out, buf_cstr(&one), one.length);
		text += used;
	}
	buf_free(&one);
	return whole;
}

static void mailto_head(struct buf *url, const char *email,
			const char *subject)
{
	buf_reset(url);
	buf_adds(url, "mailto:");
	for (const char *c = email; *c != '\0'; c++) {
		if (*c == '@') {
			buf_addc(url, '@');
		} else {
			char one[2] = {*c, '\0'};
			encode(url, one, (size_t)-1);
		}
	}
	buf_adds(url, "?subject=");
	encode(url, subject, (size_t)-1);
	buf_adds(url, "&body=");
}

char *wizardpage_mailto(const char *email, const char *subject,
			const char *body, const char *short_body)
{
	static const char ellipsis[] = "%E2%80%A6";	/* … */
	struct buf url = {0};

	mailto_head(&url, email, subject);
	if (encode(&url, body, WIZARDPAGE_MAILTO_MAX))
		return buf_detach(&url);
	mailto_head(&url, email, subject);
	if (!encode(&url, short_body,
		    WIZARDPAGE_MAILTO_MAX - (sizeof ellipsis - 1)))
		buf_adds(&url, ellipsis);
	return buf_detach(&url);
}

void wizardpage_add_contact(const struct theme *theme, xmlNodePtr parent,
			    const struct wizardpage_support *support,
			    const char *subject, const char *body,
			    const char *short_body)
{
	wizardpage_add_contact_with(theme, parent, support,
				    "wizard-contact-lead",
				    "wizard-contact-mail-note", subject, body,
				    short_body);
}

void wizardpage_add_contact_with(const struct theme *theme, xmlNodePtr parent,
				 const struct wizardpage_support *support,
				 const char *lead_key, const char *note_key,
				 const char *subject, const char *body,
				 const char *short_body)
{
	xmlNodePtr section, list;

	if (!wizardpage_support_set(support))
		return;
	section = wizardpage_add_section(theme, parent, "wizard-contact",
					 "kb-wizard-contact", "wizard-contact");
	dom_text_element(section, "p", NULL, theme_text(theme, lead_key));
	list = dom_element(section, "ul", "contact-list");
	if (is_set(support->url))
		dom_set(dom_link(dom_element(list, "li", NULL), support->url,
				 theme_text(theme, "wizard-contact-form")),
			"rel", "noopener");
	if (is_set(support->email)) {
		char *mailto = wizardpage_mailto(support->email, subject, body,
						 short_body);
		char *label = xasprintf("%s%s%s",
					theme_text(theme, "wizard-contact-mail"),
					support->email,
					theme_text(theme, "wizard-contact-mail-end"));

		dom_link(dom_element(list, "li", NULL), mailto, label);
		free(label);
		free(mailto);
	}
	if (is_set(support->hours)) {
		xmlNodePtr hours = dom_element(section, "p", "contact-hours");
		dom_text(hours, theme_text(theme, "wizard-contact-hours"));
		dom_text(hours, support->hours);
	}
	if (is_set(support->email) && note_key != NULL)
		dom_text_element(section, "p", "hint",
				 theme_text(theme, note_key));
}

void wizardpage_add_summary(const struct theme *theme, xmlNodePtr parent,
			    const char *text)
{
	xmlNodePtr section = wizardpage_add_section(theme, parent,
						    "wizard-summary",
						    "kb-wizard-summary",
						    "wizard-summary");
	xmlNodePtr pre;

	dom_text_element(section, "p", NULL,
			 theme_text(theme, "wizard-summary-lead"));
	pre = dom_text_element(section, "pre", "summary-text", text);
	dom_set(pre, "id", "kb-wizard-summary-text");
	dom_set(pre, "data-copy-label", theme_text(theme, "wizard-copy"));
	dom_set(pre, "data-copied-label", theme_text(theme, "wizard-copied"));
}
