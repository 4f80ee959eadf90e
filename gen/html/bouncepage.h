/*
 * bouncepage.h — the bounce analyzer's pages: the form a visitor pastes
 * a bounce into or uploads a saved .eml with (on the static /bounce/
 * page and under kb.cgi's results), and the static page itself. The
 * form works without JavaScript: a plain POST to kb.cgi's /bounce.
 */
#ifndef KB_BOUNCEPAGE_H
#define KB_BOUNCEPAGE_H

#include <libxml/tree.h>

#include "html/render.h"
#include "html/theme.h"

/* Appends the form (a textarea "text", a file input "file", a submit
 * button) posting multipart/form-data to action, and the privacy note,
 * to parent. */
void bouncepage_add_form(xmlNodePtr parent, const struct theme *theme,
			 const char *action);

/* Writes out/bounce/index.html: the lead, the privacy note and the form
 * posting to action (kb.cgi's /bounce), or, when action is NULL (no
 * cgi_url), a note that the analyzer needs kb.cgi. 0, or -1 after a
 * diagnostic. */
int bouncepage_render(const struct render_context *context, const char *action);

#endif
