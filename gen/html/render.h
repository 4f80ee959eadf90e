/*
 * render.h — the site's HTML pages: articles, sections, tags, home, 404,
 * the static search page and alias redirects, each written as
 * <out>/<url path>/index.html through the theme.
 */
#ifndef KB_RENDER_H
#define KB_RENDER_H

#include <stddef.h>

#include "content/site.h"
#include "html/feedbackform.h"
#include "html/page.h"

/* A troubleshooting wizard as the home page and navigation show it. */
struct render_wizard_entry {
	const char *url_path;	/* "wizard/mail-not-arriving/" */
	const char *title;
	const char *description;
};

struct render_context {
	const struct site *site;
	const struct theme *theme;
	const char *out_dir;
	const struct render_wizard_entry *wizards;
	size_t wizard_count;
	/* When set, called with each article's parsed Markdown before it is
	 * freed (from the thread that rendered it), so the search index can
	 * use the same parse. */
	void (*article_parsed)(void *user, const struct article *article,
			       cmark_node *document);
	void *article_parsed_user;
};

/* Where the pages' feedback forms post (kb.cgi's URL + "/feedback"), or
 * NULL when the site takes no feedback (no feedback: or no cgi_url in
 * site.yaml). Caller frees. */
char *render_feedback_action(const struct site *site);

/* The page's "Did this help?" form (feedbackform.h) at the end of parent,
 * for the page at url_path ("a/b/", from the site's root); nothing when
 * render_feedback_action gives no action. */
void render_feedback(const struct render_context *context, xmlNodePtr parent,
		     const char *url_path, enum feedbackform_kind kind);

/* Each returns 0, or -1 after reporting a system error through diag. */
int render_article(const struct render_context *context,
		   const struct article *article);
int render_sections(const struct render_context *context);
int render_tags(const struct render_context *context);
int render_home(const struct render_context *context);
int render_not_found(const struct render_context *context);
int render_search_page(const struct render_context *context);
/* The record checker's form at records/, submitting to kb.cgi's
 * /records (to itself without cgi_url, where only kb.cgi answers). */
int render_records_page(const struct render_context *context);
int render_aliases(const struct render_context *context);

/* One page each, for incremental builds (the functions above render all
 * of their kind): a section page, a tag page, the tag index, and the
 * redirect page at alias_path ("old/page/") for article. */
int render_section(const struct render_context *context,
		   const struct section *section);
int render_tag(const struct render_context *context, const struct tag *tag);
int render_tag_index(const struct render_context *context);
int render_alias_page(const struct render_context *context,
		      const struct article *article, const char *alias_path);

/* Writes page as <out>/<url_path>index.html (url_path "" or ending in
 * '/'), creating folders. Frees the page. 0, or -1 with a diagnostic. */
int render_save(const struct render_context *context, struct page *page,
		const char *url_path);

/* Fills the page breadcrumbs Home > [section] > current. */
void render_breadcrumbs(const struct render_context *context, struct page *page,
			const struct section *section, const char *current);

/* Appends <ul class="card-list"> with a link and description per article. */
void render_article_list(const struct render_context *context,
			 xmlNodePtr parent, struct article *const *articles,
			 size_t count);

#endif
