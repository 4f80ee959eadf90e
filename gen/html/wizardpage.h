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
 * option shown without a link. */
void wizardpage_add_options(xmlNodePtr parent, const struct tree_node *node,
			    char *(*href)(void *user, size_t option),
			    void *user);

/* <p class="result result-...">, the outcome's result in words. */
void wizardpage_add_result(const struct theme *theme, xmlNodePtr parent,
			   enum tree_result result);

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
