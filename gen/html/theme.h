/*
 * theme.h — the site's look: theme/layout.html (plain HTML5 a designer
 * can open in a browser) filled through libxml2, and the UI strings of
 * theme/i18n/<language>.yaml.
 *
 * The layout marks what the generator fills:
 *   data-kb="title|description|site-title|footer-title|footer-service|
 *            search-form|search-input|site-nav|breadcrumbs|main"
 *   (footer-service: UI strings footer-service, the service's name and
 *   footer-service-end; the element is left out when site.yaml names no
 *   service)
 *   data-kb-text="key"            the element's text becomes UI string key
 *   data-kb-text-attr="attr=key"  the attribute becomes UI string key
 * Relative href/src/action values in the layout (static/style.css,
 * index.html) are rewritten against the site's base path. The theme fills
 * what every page shares; page.h builds the pages and fills the rest.
 * Every data-kb attribute is removed from the pages written.
 */
#ifndef KB_THEME_H
#define KB_THEME_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

struct theme_config {
	const char *root;		/* site root holding theme/ */
	const char *language;		/* "ja", "en": picks theme/i18n/<lang>.yaml */
	const char *base_path;		/* "/" or "/kb/": every URL starts with it */
	const char *site_title;
	const char *service;		/* site.yaml's service: or NULL */
	const char *search_action;	/* URL the search form submits to */
	bool live_reload;		/* pages load <base>_kb/live.js, its
					 * overlay's words (UI strings live-*)
					 * on its element */
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

/* True when the pages load the live-reload script (theme_config's
 * live_reload): kbgen watch's preview, whose kb.db tells kb.cgi so. */
bool theme_live_reload(const struct theme *theme);

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

/* The site's title as configured. Owned by the theme. */
const char *theme_site_title(const struct theme *theme);

/* The layout as loaded, with what every page shares filled in (URLs
 * rewritten, UI strings, site title, search form) and the per-page
 * data-kb slots still marked. Owned by the theme; read it, never change
 * it (pages on several threads copy it at once). */
xmlDocPtr theme_layout(const struct theme *theme);

/*
 * The object make builds from the theme as it stands (layout, strings,
 * navigation), shared by every caller until the next theme_add_nav: made
 * on the first call, under a lock, so pages on any thread may ask at
 * once. Objects made before a theme_add_nav stay valid (pages may still
 * point at them) until theme_free releases each with release. The theme
 * owns what it returns. One kind of object per theme: every call passes
 * the same make and release (page.c keeps its page template here).
 */
const void *theme_cached(const struct theme *theme,
			 void *(*make)(const struct theme *theme),
			 void (*release)(void *object));

#endif
