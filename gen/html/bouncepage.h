/*
 * bouncepage.h — the bounce analyzer's form, which a visitor pastes a
 * bounce into or uploads a saved .eml with: on the static /bounce/ page
 * (render_bounce_page, render.h) and under kb.cgi's results. It works
 * without JavaScript: a plain POST to kb.cgi's /bounce. Kept apart from
 * render.c so that kb.cgi links the form without the site's renderer.
 */
#ifndef KB_BOUNCEPAGE_H
#define KB_BOUNCEPAGE_H

#include <libxml/tree.h>

#include "html/theme.h"

/* Appends the form (a textarea "text", a file input "file", a submit
 * button) posting multipart/form-data to action, and the privacy note,
 * to parent. */
void bouncepage_add_form(xmlNodePtr parent, const struct theme *theme,
			 const char *action);

#endif
