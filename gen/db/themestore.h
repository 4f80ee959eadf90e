/*
 * themestore.h — the theme in kb.db, so that kb.cgi draws its pages with
 * the same layout, UI strings and navigation as the static site while
 * reading nothing but the database.
 *
 * Schema (themestore_write creates it, or empties and refills it):
 *
 *   theme      key PRIMARY KEY, value: "schema" (THEMESTORE_SCHEMA),
 *              "layout" (theme/layout.html as written), "strings" (the UI
 *              strings of the site's language: theme/i18n/<lang>.yaml,
 *              then theme/i18n/cgi/<lang>.yaml, the CGI's own, when it
 *              exists), "language", "site_title", "base_path", "base_url",
 *              "cgi_url" ("" when unset), "search_action",
 *              "support_url", "support_email", "support_hours" (site.yaml's
 *              support:, each "" when unset), "service" ("" when
 *              unset), "spf_include" (the record checker's include:
 *              domain, "" when unset), "live_reload" ("1", only in
 *              kbgen watch's preview: kb.cgi's pages load the
 *              live-reload script too), "feedback_db",
 *              "feedback_votes", "feedback_retention" (site.yaml's
 *              feedback:, absent when unset), "records_live_visitor",
 *              "records_live_site" (site.yaml's records_live:, lookups
 *              an hour per visitor and in all, absent when off)
 *   theme_nav  position PRIMARY KEY, path, label: the navigation entries
 *              of the build's theme, in order
 *
 * themestore_write (themestore_write.c) is the build's half, reading the
 * theme files; the rest (themestore.c) is what kb.cgi links.
 */
#ifndef KB_THEMESTORE_H
#define KB_THEMESTORE_H

#include <sqlite3.h>

#include "content/site.h"
#include "html/theme.h"

/* Bumped whenever what the CGI reads from kb.db changes shape. */
#define THEMESTORE_SCHEMA "6"

enum themestore_status {
	THEMESTORE_OK = 0,
	THEMESTORE_MISSING,	/* no theme in the database, or another schema */
	THEMESTORE_BAD,		/* the stored layout or strings do not load */
	THEMESTORE_DATABASE,	/* SQLite failed */
};

/* A short English message for a themestore_status; static, never NULL. */
const char *themestore_strerror(int status);

/* Creates the tables above in db when they are missing, empties them (in
 * a kb.db updated in place they hold the previous build's theme) and
 * fills them from root's theme files, config and theme's navigation;
 * search_action is where the search form submits. Checks that the stored
 * texts load (theme_load_memory) before touching db. Call inside the
 * index's transaction (index_open or index_open_update). Returns 0, or -1
 * after a diagnostic. */
int themestore_write(sqlite3 *db, const char *root,
		     const struct site_config *config,
		     const struct theme *theme, const char *search_action);

/* What the CGI gets back: a theme with its navigation, and the site's
 * settings. Everything is owned by the struct. */
struct themestore {
	struct theme *theme;
	char *language, *site_title, *base_path, *base_url, *cgi_url,
	     *search_action;
	char *support_url, *support_email, *support_hours;	/* "" unset */
	char *service;						/* "" unset */
	char *spf_include;					/* "" unset */
	char *live_reload;	/* "1" in kbgen watch's preview, else NULL */
	/* site.yaml's feedback: the database's path (NULL: no feedback),
	 * votes per client per page per day, retention in days */
	char *feedback_db, *feedback_votes, *feedback_retention;
	/* site.yaml's records_live: lookups an hour per visitor and in all;
	 * NULL: kb.cgi makes no DNS lookups */
	char *records_live_visitor, *records_live_site;
};

/* Loads the stored theme into *out (zeroed first; release it with
 * themestore_free whatever the result). Problems in the stored texts are
 * reported through diag. Returns a themestore_status. */
int themestore_load(sqlite3 *db, struct themestore *out);
void themestore_free(struct themestore *store);

#endif
