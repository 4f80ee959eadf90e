/*
 * wizardpage.h — the parts of a wizard step's page (body, hint, options,
 * result, articles, guides), as DOM nodes with the same markup and classes
 * as the static wizard pages of wizard.c, for pages that are not built
 * from a site model: kb.cgi's walk draws its steps from kb.db with these.
 * Every text goes in as a text node.
 */
#ifndef KB_WIZARDPAGE_H
#define KB_WIZARDPAGE_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "html/theme.h"
#include "content/tree.h"

/* The id of the page's h1 (the question or outcome), which labels the
 * options list. */
#define WIZARDPAGE_QUESTION_ID "kb-wizard-question"

/* The recorded walk's parameter naming the node it was started from,
 * when a visitor began in the middle (a static step page a support
 * person sent): kb.cgi replays the answers from there. Not an id, so it
 * cannot name a node. */
#define WIZARD_FROM_PARAM "_from"

/* The ids the wizard's pages use themselves, NULL-terminated ("main" and
 * "site-search" are the layout's): body headings must not take them. */
extern const char *const wizardpage_reserved_ids[];

/* The meta description of a step's page: the step's title (its id when
 * it has none), then the tree's description, or the tree's title when the
 * tree has no description. Never empty. Caller frees. */
char *wizardpage_description(const struct tree *tree,
			     const struct tree_node *node);

/* Appends the node's title as the page's h1 (id WIZARDPAGE_QUESTION_ID). */
void wizardpage_add_title(xmlNodePtr parent, const char *title);

/* Renders Markdown into <div class="wizard-body"> (nothing when markdown
 * is NULL or empty): headings move one level down when the body has an
 * h1, every heading gets a permalink, ids never take the page's own.
 * rewrite_url (may be NULL) returns the href for a link as written, or
 * NULL to keep it; the renderer frees what it returns. */
void wizardpage_add_body(const struct theme *theme, xmlNodePtr parent,
			 const char *markdown,
			 char *(*rewrite_url)(void *user, const char *url,
					      bool image),
			 void *user);

/* <p class="hint">Tip: hint</p>, when hint is not empty. */
void wizardpage_add_hint(const struct theme *theme, xmlNodePtr parent,
			 const char *hint);

/* <ul class="options"> labelled by the h1, one link per option; href
 * returns the URL for option index (the list frees it), or NULL for an
 * option shown without a link. Option previous (TREE_NONE: none), the
 * answer a visitor changing it gave before, is marked aria-current and
 * says so in words. */
void wizardpage_add_options(const struct theme *theme, xmlNodePtr parent,
			    const struct tree_node *node,
			    char *(*href)(void *user, size_t option),
			    void *user, size_t previous);

/* <p class="progress">質問 number / 最大 most</p>: the question's place
 * in the walk and the most it can come to (number - 1 answered, and the
 * longest path of questions left). */
void wizardpage_add_progress(const struct theme *theme, xmlNodePtr parent,
			     size_t number, size_t most);

/* <p class="result result-...">, the outcome's result in words. contact
 * says whether the page shows how to reach support: an escalate outcome
 * without it does not tell the visitor to contact anyone. */
void wizardpage_add_result(const struct theme *theme, xmlNodePtr parent,
			   enum tree_result result, bool contact);

/* How a customer reaches a person (site.yaml's support:), each NULL or
 * "" when unset. Borrowed. */
struct wizardpage_support {
	const char *url, *email, *hours;
};

/* True when support names a contact form or a mail address. */
bool wizardpage_support_set(const struct wizardpage_support *support);

/* True for the outcomes that send a visitor to a person: escalate and
 * unresolved. */
bool wizardpage_wants_contact(enum tree_result result);

/* The longest mailto: URL wizardpage_mailto writes, in bytes: mail
 * programs and browsers cut or refuse longer ones. */
#define WIZARDPAGE_MAILTO_MAX 2000

/* mailto:email?subject=…&body=… with every byte but RFC 3986's unreserved
 * ones percent-encoded as UTF-8 and line breaks as %0D%0A (RFC 6068).
 * The body is body when the URL fits WIZARDPAGE_MAILTO_MAX, else
 * short_body, cut at a character boundary and ended with "…" when even
 * that does not fit. Caller frees. */
char *wizardpage_mailto(const char *email, const char *subject,
			const char *body, const char *short_body);

/* <section class="wizard-contact">: how to reach support — the contact
 * form, a mailto: link whose subject and body carry the summary
 * (wizardpage_mailto with body and short_body), the opening hours. Nothing
 * when support names neither a form nor an address. */
void wizardpage_add_contact(const struct theme *theme, xmlNodePtr parent,
			    const struct wizardpage_support *support,
			    const char *subject, const char *body,
			    const char *short_body);

/* wizardpage_add_contact with the lead paragraph of UI string lead_key
 * and, under a mail address, the note of note_key (none when NULL): for
 * pages that carry no walk summary (kb.cgi's thanks after いいえ). */
void wizardpage_add_contact_with(const struct theme *theme, xmlNodePtr parent,
				 const struct wizardpage_support *support,
				 const char *lead_key, const char *note_key,
				 const char *subject, const char *body,
				 const char *short_body);

/* <section class="wizard-summary">: the plain-text summary of the walk
 * in a <pre> that kb.js gives a Copy button (labels from the theme). */
void wizardpage_add_summary(const struct theme *theme, xmlNodePtr parent,
			    const char *text);

/* <section class="class_name" aria-labelledby="id"> with an h2 (id) whose
 * text is UI string title_key. Returns the section. */
xmlNodePtr wizardpage_add_section(const struct theme *theme, xmlNodePtr parent,
				  const char *class_name, const char *id,
				  const char *title_key);

struct wizardpage_article {
	const char *url, *title, *description;	/* description may be NULL */
};

/* The outcome's articles as a card list under "Related articles"
 * (nothing when count is 0). */
void wizardpage_add_articles(const struct theme *theme, xmlNodePtr parent,
			     const struct wizardpage_article *articles,
			     size_t count);

struct wizardpage_guide {
	const char *title, *url;
};

/* The outcome's external guides (nothing when count is 0). */
void wizardpage_add_guides(const struct theme *theme, xmlNodePtr parent,
			   const struct wizardpage_guide *guides, size_t count);

#endif
