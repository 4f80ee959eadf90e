/*
 * feedbackform.c — see feedbackform.h.
 */
#include "html/feedbackform.h"

#include "html/dom.h"

const char *feedbackform_kind_name(enum feedbackform_kind kind)
{
	return kind == FEEDBACKFORM_OUTCOME ? "outcome" : "article";
}

static void hidden(xmlNodePtr form, const char *name, const char *value)
{
	xmlNodePtr input = dom_element(form, "input", NULL);

	dom_set(input, "type", "hidden");
	dom_set(input, "name", name);
	dom_set(input, "value", value);
}

static void vote_button(const struct theme *theme, xmlNodePtr parent,
			const char *value, const char *label_key)
{
	xmlNodePtr button = dom_text_element(parent, "button", NULL,
					     theme_text(theme, label_key));

	dom_set(button, "type", "submit");
	dom_set(button, "name", "vote");
	dom_set(button, "value", value);
}

void feedbackform_add(const struct theme *theme, xmlNodePtr parent,
		      const char *action, const char *page,
		      enum feedbackform_kind kind)
{
	xmlNodePtr section = dom_element(parent, "section", "feedback");
	xmlNodePtr form, choices;

	dom_set(section, "aria-labelledby", "kb-feedback");
	/* kb.js's words when it sends the vote in place */
	dom_set(section, "data-thanks", theme_text(theme, "feedback-thanks"));
	dom_set(section, "data-limited", theme_text(theme, "feedback-limited"));
	dom_set(section, "data-comment-label",
		theme_text(theme, "feedback-comment-label"));
	dom_set(section, "data-comment-submit",
		theme_text(theme, "feedback-comment-submit"));
	dom_set(section, "data-comment-thanks",
		theme_text(theme, "feedback-comment-thanks"));
	dom_set(dom_text_element(section, "h2", NULL,
				 theme_text(theme, kind == FEEDBACKFORM_OUTCOME
							   ? "feedback-outcome"
							   : "feedback-article")),
		"id", "kb-feedback");
	form = dom_element(section, "form", "feedback-form");
	dom_set(form, "method", "post");
	dom_set(form, "action", action);
	hidden(form, "page", page);
	hidden(form, "kind", feedbackform_kind_name(kind));
	choices = dom_element(form, "p", "feedback-choices");
	vote_button(theme, choices, "yes", "feedback-yes");
	vote_button(theme, choices, "no", "feedback-no");
	dom_text_element(section, "p", "feedback-privacy",
			 theme_text(theme, "feedback-privacy"));
}
