/*
 * bouncepage.c — the bounce analyzer's form and static page (see
 * bouncepage.h). Text goes in as DOM text nodes, like every page.
 */
#include "html/bouncepage.h"

#include "html/dom.h"
#include "html/page.h"

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

int bouncepage_render(const struct render_context *context, const char *action)
{
	const struct theme *theme = context->theme;
	const char *title = theme_text(theme, "bounce-title");
	struct page *page = page_new(theme, title, theme_text(theme, "bounce-lead"));

	render_breadcrumbs(context, page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	dom_text_element(page_main(page), "p", NULL, theme_text(theme, "bounce-lead"));
	if (action != NULL)
		bouncepage_add_form(page_main(page), theme, action);
	else
		dom_text_element(page_main(page), "p", "notice",
				 theme_text(theme, "bounce-unavailable"));
	return render_save(context, page, "bounce/");
}
