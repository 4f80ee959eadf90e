/*
 * page.h — the pages of the site and of kb.cgi, built from the theme's
 * layout (theme.h): the page's title and description, breadcrumbs,
 * search box, extra <head> elements and <main> content go into the
 * layout's data-kb slots, and the page comes out as HTML5 bytes. Every
 * page of a theme shares one serialized template of the layout, so a
 * page holds and writes only what differs.
 */
#ifndef KB_PAGE_H
#define KB_PAGE_H

#include <libxml/tree.h>
#include <stddef.h>

#include "html/theme.h"

struct page;

/* A new page from the layout. title NULL means the site's title alone
 * (the home page). The caller frees with page_free (or page_save then
 * page_free). The theme must outlive the page. */
struct page *page_new(const struct theme *theme, const char *title,
		      const char *description);

/* The <main> element to fill with the page's content, empty at first
 * (without data-kb="main" in the layout, what is appended comes out at
 * the end of the root element). Owned by the page. */
xmlNodePtr page_main(struct page *page);

/* Where extra <head> elements go (redirects, canonical links): what is
 * appended comes out after the layout's own <head> children (at the end
 * of the root element when the layout has no <head>). Owned by the
 * page; it holds only what the page added. */
xmlNodePtr page_head(struct page *page);

/* Appends a breadcrumb; href NULL marks the current page (last). Pages
 * with no breadcrumbs show none. */
void page_add_breadcrumb(struct page *page, const char *href,
			 const char *label);

/* Puts text into the search box (a results page keeps the query). */
void page_set_search_query(struct page *page, const char *query);

/* Ends <main> with a <p class="print-source">: the page's absolute URL
 * (as a link) and an empty <span class="print-date"> that kb.js fills
 * with the date when the page is printed, so a printout says where and
 * when it came from while the build stays deterministic. The theme's
 * style.css hides it on screen. Labelled with the UI strings
 * print-source and print-date. The page copies absolute_url; a second
 * call replaces the first. */
void page_add_print_source(struct page *page, const char *absolute_url);

/* Serializes the page as HTML5 in UTF-8 (raw, not numeric references).
 * The caller frees *out. Finalizes the page: call once. */
void page_render(struct page *page, char **out, size_t *length);

/* page_render, then writes the bytes to path. 0, or -1 with errno. */
int page_save(struct page *page, const char *path);

/* Frees the page and every node it owns; NULL is ignored. */
void page_free(struct page *page);

#endif
