/*
 * bouncepage.c — the bounce analyzer's form (see bouncepage.h); the
 * static page around it is render.c's. Text goes in as DOM text nodes,
 * like every page.
 */
#include "html/bouncepage.h"

#include "html/dom.h"

void bouncepage_add_form(xmlNodePtr parent, const struct theme *theme,
			 const char *action)
{
	xmlNodePtr form = dom_element(parent, "form", "bounce-form");
	xmlNodePtr field, element;

	dom_set(form, "method", "post");
	dom_set(form, "action", action);
	dom_set(form, "enctype", "multipart/form-data");
	field = dom_element(form, "p", "bounce-field");
	element = dom_text_element(field, "label", NULL,
				   theme_text(theme, "bounce-text-label"));
	dom_set(element, "for", "bounce-text");
	element = dom_element(field, "textarea", NULL);
	dom_set(element, "id", "bounce-text");
	dom_set(element, "name", "text");
	dom_set(element, "rows", "12");
	dom_set(element, "aria-describedby", "bounce-text-hint");
	dom_set(element, "spellcheck", "false");
	element = dom_text_element(field, "span", "hint",
				   theme_text(theme, "bounce-text-hint"));
	dom_set(element, "id", "bounce-text-hint");
	field = dom_element(form, "p", "bounce-field");
	element = dom_text_element(field, "label", NULL,
				   theme_text(theme, "bounce-file-label"));
	dom_set(element, "for", "bounce-file");
	element = dom_element(field, "input", NULL);
	dom_set(element, "id", "bounce-file");
	dom_set(element, "type", "file");
	dom_set(element, "name", "file");
	dom_set(element, "accept", ".eml,.txt,.csv,message/rfc822,text/plain,text/csv");
	element = dom_text_element(form, "button", NULL,
				   theme_text(theme, "bounce-submit"));
	dom_set(element, "type", "submit");
	dom_text_element(parent, "p", "notice bounce-privacy",
			 theme_text(theme, "bounce-privacy"));
}
