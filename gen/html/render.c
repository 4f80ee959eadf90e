/*
 * render.c — builds each page's <main> as DOM nodes and saves it.
 */
#include "html/render.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "content/shortcode.h"
#include "html/bouncepage.h"
#include "html/dom.h"
#include "html/feedbackform.h"
#include "html/recordspage.h"
#include "base/util.h"

#define RECENT_ON_HOME 10
#define TOC_MIN_HEADINGS 3

int render_save(const struct render_context *context, struct page *page,
		const char *url_path)
{
	char *directory = path_join(context->out_dir, url_path);
	char *file = path_join(directory, "index.html");
	int rc = -1;

	if (make_dirs(directory) != 0) {
		diag_error(directory, 0, 0, "cannot create folder: %s",
			   strerror(errno));
		goto out;
	}
	if (page_save(page, file) != 0) {
		diag_error(file, 0, 0, "cannot write: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	page_free(page);
	free(file);
	free(directory);
	return rc;
}

/* Adds the trail to section: the sections it is in, then it. */
static void add_section_crumbs(const struct render_context *context,
			       struct page *page, const struct section *section)
{
	char *url;

	if (section == NULL)
		return;
	add_section_crumbs(context, page, section->parent);
	url = theme_url(context->theme, section->url_path);
	page_add_breadcrumb(page, url, section->title);
	free(url);
}

void render_breadcrumbs(const struct render_context *context, struct page *page,
			const struct section *section, const char *current)
{
	const struct theme *theme = context->theme;
	char *home = theme_url(theme, "");

	page_add_breadcrumb(page, home, theme_text(theme, "home"));
	add_section_crumbs(context, page, section);
	page_add_breadcrumb(page, NULL, current);
	free(home);
}

void render_article_list(const struct render_context *context,
			 xmlNodePtr parent, struct article *const *articles,
			 size_t count)
{
	xmlNodePtr list = dom_element(parent, "ul", "card-list");

	for (size_t i = 0; i < count; i++) {
		/* _build's list: never: a page of its own, in no list */
		if (articles[i]->meta.unlisted)
			continue;
		xmlNodePtr item = dom_element(list, "li", NULL);
		char *url = theme_url(context->theme, articles[i]->url_path);
		dom_link(item, url, site_list_title(articles[i]));
		if (*site_description(articles[i]))
			dom_text_element(item, "p", NULL,
					 site_description(articles[i]));
		free(url);
	}
}

static void render_tag_links(const struct render_context *context,
			     xmlNodePtr parent, const struct article *article)
{
	xmlNodePtr list;

	if (article->meta.tags.count == 0)
		return;
	list = dom_element(parent, "ul", "tag-list");
	dom_set(list, "aria-label", theme_text(context->theme, "tags"));
	for (size_t i = 0; i < article->meta.tags.count; i++) {
		char *slug = site_tag_slug(article->meta.tags.items[i]);
		char *path = xasprintf("tags/%s/", slug);
		char *url = theme_url(context->theme, path);
		dom_link(dom_element(list, "li", NULL), url,
			 article->meta.tags.items[i]);
		free(url);
		free(path);
		free(slug);
	}
}

static void render_meta(const struct render_context *context, xmlNodePtr parent,
			const struct article *article)
{
	xmlNodePtr meta, time;
	char *date;

	if (*article->updated == '\0')
		return;
	meta = dom_element(parent, "p", "meta");
	dom_text(meta, theme_text(context->theme, "updated"));
	dom_text(meta, ": ");
	date = xstrndup(article->updated, 10);
	time = dom_text_element(meta, "time", NULL, date);
	dom_set(time, "datetime", article->updated);
	free(date);
}

static void render_toc(const struct render_context *context, xmlNodePtr parent,
		       const struct article *article)
{
	const struct markdown_headings *headings = &article->headings;
	xmlNodePtr nav, list;

	if (headings->count < TOC_MIN_HEADINGS)
		return;
	nav = dom_element(parent, "nav", "toc");
	dom_set(nav, "aria-labelledby", "kb-toc");
	dom_set(dom_text_element(nav, "h2", NULL, theme_text(context->theme, "toc")),
		"id", "kb-toc");
	list = dom_element(nav, "ol", NULL);
	for (size_t i = 0; i < headings->count; i++) {
		char *href;
		if (headings->items[i].level > 3)
			continue;
		href = xasprintf("#%s", headings->items[i].id);
		dom_link(dom_element(list, "li", headings->items[i].level == 3
				     ? "toc-sub" : NULL),
			 href, headings->items[i].text);
		free(href);
	}
}

static char *rewrite_article_url(void *user, const char *url, bool image)
{
	const void *const *pair = user;
	const struct site *site = pair[0];
	const struct article *article = pair[1];

	(void)image;
	return site_resolve_link(site, article, url, NULL);
}

/* An image beside the article: its size from the file. */
static bool article_image_size(void *user, const char *url, unsigned *width,
			       unsigned *height)
{
	const void *const *pair = user;
	char *name;
	bool known = false;

	if (site_file_reference(url, &name) == SITE_FILE_BESIDE)
		known = site_file_image_size(pair[0], pair[1], name, width,
					     height);
	free(name);
	return known;
}

static void render_related(const struct render_context *context,
			   xmlNodePtr parent, const struct article *article)
{
	xmlNodePtr section;

	if (article->related_count == 0)
		return;
	section = dom_element(parent, "section", "related");
	dom_set(section, "aria-labelledby", "kb-related");
	dom_set(dom_text_element(section, "h2", NULL,
				 theme_text(context->theme, "related")),
		"id", "kb-related");
	render_article_list(context, section, article->related,
			    article->related_count);
}

char *render_feedback_action(const struct site *site)
{
	if (site->config.feedback.db == NULL || site->config.cgi_url == NULL)
		return NULL;
	return xasprintf("%s/feedback", site->config.cgi_url);
}

void render_feedback(const struct render_context *context, xmlNodePtr parent,
		     const char *url_path, enum feedbackform_kind kind)
{
	char *action = render_feedback_action(context->site);
	char *page;

	if (action == NULL)
		return;
	/* the page as the browser shows its path: base_path ends in '/',
	 * url_path has no leading one */
	page = xasprintf("%s%s", context->site->config.base_path, url_path);
	feedbackform_add(context->theme, parent, action, page, kind);
	free(page);
	free(action);
}

/* The front matter's keywords, for search engines: <meta name="keywords">
 * in the head, the keywords joined with ", ". */
static void render_keywords(struct page *page, const struct article *article)
{
	struct buf joined = {0};
	xmlNodePtr element;

	if (article->meta.keywords.count == 0)
		return;
	for (size_t i = 0; i < article->meta.keywords.count; i++) {
		if (i > 0)
			buf_adds(&joined, ", ");
		buf_adds(&joined, article->meta.keywords.items[i]);
	}
	element = dom_element(page_head(page), "meta", NULL);
	dom_set(element, "name", "keywords");
	dom_set(element, "content", buf_cstr(&joined));
	buf_free(&joined);
}

/* Renders the Markdown body of article (an article, or a section's
 * _index.md) into parent, its links and images made the site's URLs;
 * the parsed document goes to context->article_parsed when notify.
 * 0, or -1 after a diagnostic. */
static int render_body(const struct render_context *context, xmlNodePtr parent,
		       const struct article *article, bool notify)
{
	const void *pair[2] = {context->site, article};
	struct markdown_render_options options = {
		.rewrite_url = rewrite_article_url,
		.image_size = article_image_size,
		.user = pair,
		.headings = &article->headings,
		.permalink_label = theme_text(context->theme, "permalink"),
		.raw_html_safe = context->site->config.raw_html_safe,
	};
	cmark_node *document;
	const char *markdown;
	char *text;
	size_t length;

	if (site_article_body(context->site, article, &text, &markdown,
			      &length) != 0)
		return -1;
	document = shortcode_parse_article(article, markdown, length, false);
	free(text);
	markdown_render(document, parent, &options);
	if (notify && context->article_parsed != NULL)
		context->article_parsed(context->article_parsed_user, article,
					document);
	cmark_node_free(document);
	return 0;
}

int render_article(const struct render_context *context,
		   const struct article *article)
{
	struct page *page = page_new(context->theme, article->meta.title,
				     site_description(article));
	xmlNodePtr body = dom_element(page_main(page), "article", NULL);
	char *url;

	render_breadcrumbs(context, page, article->section,
			   site_list_title(article));
	render_keywords(page, article);
	dom_text_element(body, "h1", NULL, article->meta.title);
	render_meta(context, body, article);
	render_toc(context, body, article);
	if (render_body(context, body, article, true) != 0) {
		page_free(page);
		return -1;
	}
	render_tag_links(context, body, article);
	render_feedback(context, page_main(page), article->url_path,
			FEEDBACKFORM_ARTICLE);
	render_related(context, page_main(page), article);
	/* base_url ends in '/', url_path has no leading one */
	url = xasprintf("%s%s", context->site->config.base_url,
			article->url_path);
	page_add_print_source(page, url);
	free(url);
	return render_save(context, page, article->url_path);
}

/* A section's (or the home page's) _index.md body, when it has one, in
 * a block of its own above the lists. 0, or -1 after a diagnostic. */
static int render_section_body(const struct render_context *context,
			       xmlNodePtr parent, const struct article *page)
{
	if (page->meta.body_length == 0)
		return 0;
	return render_body(context, dom_element(parent, "div", "section-body"),
			   page, false);
}

/* The sections given (a section's children; the site's top ones) as a
 * list of cards under a heading whose id is id. */
static void render_section_cards(const struct render_context *context,
				 xmlNodePtr parent,
				 struct section *const *sections, size_t count,
				 bool top, const char *id)
{
	xmlNodePtr section = dom_element(parent, "section", "section-list");
	xmlNodePtr list;

	dom_set(section, "aria-labelledby", id);
	dom_set(dom_text_element(section, "h2", NULL,
				 theme_text(context->theme, "sections")),
		"id", id);
	list = dom_element(section, "ul", "card-list");
	for (size_t i = 0; i < count; i++) {
		char *url;
		xmlNodePtr item;
		if (top && sections[i]->parent != NULL)
			continue;
		url = theme_url(context->theme, sections[i]->url_path);
		item = dom_element(list, "li", NULL);
		dom_link(item, url, sections[i]->title);
		if (*sections[i]->description)
			dom_text_element(item, "p", NULL,
					 sections[i]->description);
		free(url);
	}
}

int render_section(const struct render_context *context,
		   const struct section *section)
{
	struct page *page = page_new(context->theme, section->title,
				     section->description);
	render_breadcrumbs(context, page, section->parent, section->title);
	dom_text_element(page_main(page), "h1", NULL, section->title);
	if (*section->description)
		dom_text_element(page_main(page), "p", "lead",
				 section->description);
	if (section->page != NULL &&
	    render_section_body(context, page_main(page), section->page) != 0) {
		page_free(page);
		return -1;
	}
	if (section->article_count > 0 && section->page != NULL &&
	    section->page->meta.body_length > 0) {
		/* under a heading of its own, or the list would read as part
		 * of the body's last section */
		xmlNodePtr list = dom_element(page_main(page), "section",
					      "article-list");
		dom_set(list, "aria-labelledby", "kb-articles");
		dom_set(dom_text_element(list, "h2", NULL,
					 theme_text(context->theme,
						    "section-articles")),
			"id", "kb-articles");
		render_article_list(context, list, section->articles,
				    section->article_count);
	} else if (section->article_count > 0)
		render_article_list(context, page_main(page),
				    section->articles,
				    section->article_count);
	else if (section->child_count == 0)
		dom_text_element(page_main(page), "p", NULL,
				 theme_text(context->theme, "no-articles"));
	if (section->child_count > 0)
		render_section_cards(context, page_main(page),
				     section->children, section->child_count,
				     false, "kb-sections");
	return render_save(context, page, section->url_path);
}

int render_sections(const struct render_context *context)
{
	const struct site *site = context->site;

	for (size_t i = 0; i < site->section_count; i++)
		if (render_section(context, site->sections[i]) != 0)
			return -1;
	return 0;
}

int render_tag_index(const struct render_context *context)
{
	const struct site *site = context->site;
	const char *title = theme_text(context->theme, "all-tags");
	struct page *page = page_new(context->theme, title,
				     theme_text(context->theme,
						"all-tags-description"));
	xmlNodePtr list;

	render_breadcrumbs(context, page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	list = dom_element(page_main(page), "ul", "tag-list");
	for (size_t i = 0; i < site->tag_count; i++) {
		char *path = xasprintf("tags/%s/", site->tags[i]->slug);
		char *url = theme_url(context->theme, path);
		char *label = xasprintf("%s (%zu)", site->tags[i]->name,
					site->tags[i]->article_count);
		dom_link(dom_element(list, "li", NULL), url, label);
		free(label);
		free(url);
		free(path);
	}
	return render_save(context, page, "tags/");
}

int render_tag(const struct render_context *context, const struct tag *tag)
{
	char *title = xasprintf("%s%s", theme_text(context->theme,
						   "tag-prefix"),
				tag->name);
	char *description = xasprintf("%s%s", theme_text(context->theme,
							 "tag-description"),
				      tag->name);
	char *path = xasprintf("tags/%s/", tag->slug);
	struct page *page = page_new(context->theme, title, description);
	int rc;

	render_breadcrumbs(context, page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	render_article_list(context, page_main(page), tag->articles,
			    tag->article_count);
	rc = render_save(context, page, path);
	free(path);
	free(description);
	free(title);
	return rc;
}

int render_tags(const struct render_context *context)
{
	const struct site *site = context->site;

	for (size_t i = 0; i < site->tag_count; i++)
		if (render_tag(context, site->tags[i]) != 0)
			return -1;
	return render_tag_index(context);
}

static void render_wizard_entries(const struct render_context *context,
				  xmlNodePtr parent)
{
	const struct theme *theme = context->theme;
	xmlNodePtr box;

	if (context->wizard_count == 0)
		return;
	box = dom_element(parent, "section", "wizard-entry");
	dom_set(box, "aria-labelledby", "kb-wizards");
	dom_set(dom_text_element(box, "h2", NULL, theme_text(theme, "wizard-title")),
		"id", "kb-wizards");
	dom_text_element(box, "p", NULL, theme_text(theme, "wizard-lead"));
	for (size_t i = 0; i < context->wizard_count; i++) {
		const struct render_wizard_entry *entry = &context->wizards[i];
		char *url = theme_url(theme, entry->url_path);
		xmlNodePtr item = dom_element(box, "p", NULL);
		xmlNodePtr link = dom_link(item, url, entry->title);
		dom_set(link, "class", "button");
		free(url);
	}
}

int render_home(const struct render_context *context)
{
	const struct site *site = context->site;
	struct page *page = page_new(context->theme, NULL,
				     site->config.description);
	xmlNodePtr main = page_main(page);
	xmlNodePtr recent;
	size_t recent_count = site->article_count < RECENT_ON_HOME
		? site->article_count : RECENT_ON_HOME;

	/* content/_index.md, as Hugo's home page, says the title and the
	 * lead; else the theme and site.yaml do */
	dom_text_element(main, "h1", NULL, site->home->title
			 ? site->home->title
			 : theme_text(context->theme, "home-title"));
	dom_text_element(main, "p", "lead", *site->home->description
			 ? site->home->description
			 : *site->config.description
			 ? site->config.description
			 : theme_text(context->theme, "home-lead"));
	if (site->home->page != NULL &&
	    render_section_body(context, main, site->home->page) != 0) {
		page_free(page);
		return -1;
	}
	render_wizard_entries(context, main);
	render_section_cards(context, main, site->sections, site->section_count,
			     true, "kb-sections");
	recent = dom_element(main, "section", "recent");
	dom_set(recent, "aria-labelledby", "kb-recent");
	dom_set(dom_text_element(recent, "h2", NULL,
				 theme_text(context->theme, "recent")),
		"id", "kb-recent");
	render_article_list(context, recent, site->recent, recent_count);
	return render_save(context, page, "");
}

int render_not_found(const struct render_context *context)
{
	const struct theme *theme = context->theme;
	struct page *page = page_new(theme, theme_text(theme, "not-found-title"),
				     NULL);
	char *home = theme_url(theme, "");
	char *file = path_join(context->out_dir, "404.html");
	xmlNodePtr paragraph, element;
	int rc = 0;

	/* Served with status 404, but also a file anyone can ask for. */
	element = dom_element(page_head(page), "meta", NULL);
	dom_set(element, "name", "robots");
	dom_set(element, "content", "noindex");
	dom_text_element(page_main(page), "h1", NULL,
			 theme_text(theme, "not-found-title"));
	dom_text_element(page_main(page), "p", NULL,
			 theme_text(theme, "not-found-body"));
	paragraph = dom_element(page_main(page), "p", NULL);
	dom_link(paragraph, home, theme_text(theme, "home"));
	if (page_save(page, file) != 0) {
		diag_error(file, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
	}
	page_free(page);
	free(file);
	free(home);
	return rc;
}

int render_search_page(const struct render_context *context)
{
	const struct theme *theme = context->theme;
	const char *title = theme_text(theme, "search-title");
	struct page *page = page_new(theme, title,
				     theme_text(theme, "search-lead"));

	render_breadcrumbs(context, page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	dom_text_element(page_main(page), "p", NULL,
			 theme_text(theme, "search-lead"));
	return render_save(context, page, "search/");
}

int render_bounce_page(const struct render_context *context, const char *action)
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

int render_records_page(const struct render_context *context)
{
	const struct theme *theme = context->theme;
	const struct site_config *config = &context->site->config;
	const char *title = theme_text(theme, "records-title");
	/* the lookup is kb.cgi's: without cgi_url there is nothing to ask */
	bool live = config->records_live.enabled && config->cgi_url != NULL &&
		    *config->cgi_url != '\0';
	const char *lead = theme_text(theme, live ? "records-lead-live" : "records-lead");
	struct page *page = page_new(theme, title, lead);
	char *action = config->cgi_url != NULL && *config->cgi_url != '\0'
			       ? xasprintf("%s/records", config->cgi_url)
			       : xasprintf("%srecords/", config->base_path);

	render_breadcrumbs(context, page, NULL, title);
	dom_text_element(page_main(page), "h1", NULL, title);
	dom_text_element(page_main(page), "p", NULL, lead);
	recordspage_add_form(page_main(page), theme, action, NULL, 0, NULL, NULL);
	if (live)
		recordspage_add_live_form(page_main(page), theme, action, NULL, NULL);
	free(action);
	return render_save(context, page, "records/");
}

static int render_alias(const struct render_context *context,
			const struct article *article, const char *alias_path)
{
	const struct theme *theme = context->theme;
	char *target = theme_url(theme, article->url_path);
	char *refresh = xasprintf("0; url=%s", target);
	struct page *page = page_new(theme, theme_text(theme, "redirect-title"),
				     NULL);
	xmlNodePtr head = page_head(page), element, paragraph;

	element = dom_element(head, "meta", NULL);
	dom_set(element, "http-equiv", "refresh");
	dom_set(element, "content", refresh);
	element = dom_element(head, "link", NULL);
	dom_set(element, "rel", "canonical");
	dom_set(element, "href", target);
	element = dom_element(head, "meta", NULL);
	dom_set(element, "name", "robots");
	dom_set(element, "content", "noindex");
	dom_text_element(page_main(page), "h1", NULL,
			 theme_text(theme, "redirect-title"));
	paragraph = dom_element(page_main(page), "p", NULL);
	dom_text(paragraph, theme_text(theme, "redirect-body"));
	dom_link(paragraph, target, article->meta.title);
	free(refresh);
	free(target);
	return render_save(context, page, alias_path);
}

int render_alias_page(const struct render_context *context,
		      const struct article *article, const char *alias_path)
{
	return render_alias(context, article, alias_path);
}

int render_aliases(const struct render_context *context)
{
	const struct site *site = context->site;

	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		for (size_t k = 0; k < article->meta.aliases.count; k++) {
			char *path = site_alias_path(article->url_path,
						     article->meta.aliases.items[k]);
			int rc;
			/* NULL was reported when the site was checked; the
			 * page's own URL is no alias to write */
			if (path == NULL || strcmp(path, article->url_path) == 0) {
				free(path);
				continue;
			}
			rc = render_alias(context, article, path);
			free(path);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}
