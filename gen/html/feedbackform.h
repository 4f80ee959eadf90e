/*
 * feedbackform.h — "Did this help?" at the end of an article or a wizard
 * outcome: a form that POSTs the vote to kb.cgi's /feedback, which works
 * without JavaScript (kb.cgi answers with a thank-you page that links
 * back; after いいえ it asks for a comment) and which kb.js sends in
 * place. Only drawn when site.yaml names a feedback database and kb.cgi
 * is deployed (cgi_url).
 */
#ifndef KB_FEEDBACKFORM_H
#define KB_FEEDBACKFORM_H

#include <libxml/tree.h>

#include "html/theme.h"

/* What the vote is about: an article, or a wizard outcome. */
enum feedbackform_kind { FEEDBACKFORM_ARTICLE, FEEDBACKFORM_OUTCOME };

/* "article" or "outcome", as the form and the database name them. */
const char *feedbackform_kind_name(enum feedbackform_kind kind);

/* Appends <section class="feedback"> to parent: the question (UI string
 * feedback-article or feedback-outcome), はい and いいえ buttons in a
 * form posting page (the page's path from the site's root, "/a/b/"),
 * kind and the vote to action (kb.cgi's URL + "/feedback"), and the
 * privacy line. */
void feedbackform_add(const struct theme *theme, xmlNodePtr parent,
		      const char *action, const char *page,
		      enum feedbackform_kind kind);

#endif
