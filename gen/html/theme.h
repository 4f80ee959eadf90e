/*
 * theme.h — the site's look: theme/layout.html (plain HTML5 a designer
 * can open in a browser) filled through libxml2, and the UI strings of
 * theme/i18n/<language>.yaml.
 *
 * The layout marks what the generator fills:
 *   data-kb="title|description|site-title|footer-title|search-form|
 *            search-input|site-nav|breadcrumbs|main"
 *   data-kb-text="key"            the element's text becomes UI string key
 *   data-kb-text-attr="attr=key"  the attribute becomes UI string key
 * Relative href/src/action values in the layout (static/style.css,
 * index.html) are rewritten against the site's base path. Every data-kb
 * attribute is removed from the pages written.
 */
#ifndef KB_THEME_H
#define KB_THEME_H

#include <stdbool.h>

#include <libxml/tree.h>
#include <stddef.h>

struct theme_config {
	const char *root;		/* site root holding theme/ */
	const char *language;		/* "ja", "en": picks theme/i18n/<lang>.yaml */
	const char *base_path;		/* "/" or "/kb/": every URL starts with it */
	const char *site_title;
	const char *search_action;	/* URL the search form submits to */
	bool live_reload;		/* pages load <base>_kb/live.js */
};

struct theme;

/* Loads the layout and UI strings. Problems are reported through diag
 * (path relative to the root); returns NULL when the theme is unusable.
 * The caller frees with theme_free. Copies everything it keeps. */
struct theme *theme_load(const struct theme_config *config);

/* theme_load from text instead of files (config->root is not used): the
 * layout HTML and the UI strings YAML of config->language, as kb.cgi reads
 * them from kb.db. Problems are reported through diag under the files'
 * usual names. Returns NULL when unusable; the caller frees with
 * theme_free. Copies what it keeps; the texts may be freed after. */
struct theme *theme_load_memory(const struct theme_config *config,
				const char *layout_html, size_t layout_length,
				const char *strings_yaml, size_t strings_length);
void theme_free(struct theme *theme);

/* A UI string; the key itself when the language file lacks it (never
 * NULL). Owned by the theme. */
const char *theme_text(const struct theme *theme, const char *key);

/* base_path + path (path given without a leading '/'). Caller frees. */
char *theme_url(const struct theme *theme, const char *path);

/* Adds an entry to the navigation shown on every page, in call order. */
void theme_add_nav(struct theme *theme, const char *path, const char *label);

/* The number of navigation entries, and entry index (< that count) as
 * given to theme_add_nav; *path and *label are owned by the theme. */
size_t theme_nav_count(const struct theme *theme);
void theme_nav_entry(const struct theme *theme, size_t index,
		     const char **path, const char **label);

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

/* Serializes the page as HTML5 in UTF-8 (raw, not numeric references).
 * The caller frees *out. Finalizes the page: call once. */
void page_render(struct page *page, char **out, size_t *length);

/* page_render, then writes the bytes to path. 0, or -1 with errno. */
int page_save(struct page *page, const char *path);

void page_free(struct page *page);

#endif
