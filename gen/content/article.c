/*
 * article.c — one article file: read, checked (UTF-8, front matter), and
 * kept as little of it as the site needs (headings, links, where the body
 * is), so memory does not grow with the site; read again to render. Also
 * a section's _index.md.
 */
#include "content/article.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/hash.h"
#include "base/util.h"
#include "content/shortcode.h"

struct article *site_article_new(void)
{
	return xcalloc(1, sizeof(struct article));
}

void site_article_free(struct article *article)
{
	if (article == NULL)
		return;
	if (article->borrowed) {
		/* it, its strings and its arrays belong to the build cache */
		free(article->related);
		return;
	}
	front_matter_free(&article->meta);
	markdown_headings_free(&article->headings);
	for (size_t i = 0; i < article->link_count; i++) {
		free(article->links[i].url);
		free(article->links[i].target);
	}
	free(article->links);
	free(article->source);
	free(article->content_path);
	free(article->url_path);
	free(article->updated);
	free(article->related);
	free(article);
}

/* The name an article's path and URL take: the file's without ".md", a
 * page bundle's folder name ("spf/index.md" is "spf"). */
static char *file_stem(const char *name)
{
	size_t length = strlen(name);

	if (length > 9 && strcmp(name + length - 9, "/index.md") == 0)
		return xstrndup(name, length - 9);
	return xstrndup(name, length - 3);
}

/* Keeps the links the build resolves (relative ones) and the ones to
 * pages of the site written from its root ("/docs/a/", links.c checks
 * them) for checking once every article is known, so the Markdown need
 * not be parsed again. */
static void collect_link(void *user, cmark_node *node, const char *url,
			 bool image)
{
	struct article *article = user;
	struct article_link *link;

	(void)image;
	if (!site_link_is_relative(url) && (url[0] != '/' || url[1] == '/'))
		return;
	article->links = xgrow(article->links, &article->link_capacity,
			       article->link_count + 1, sizeof *article->links);
	link = &article->links[article->link_count++];
	link->url = xstrdup(url);
	link->target = site_link_target(article->source, url);
	link->line = article->meta.body_line - 1 +
		     (unsigned)cmark_node_get_start_line(node);
	link->byte_col = shortcode_link_column(
		node, url, (unsigned)cmark_node_get_start_column(node));
}

/* Ids the page layout uses itself, which no heading may take. */
static const char *const reserved_ids[] = {"main", "site-search", "kb-toc",
					   "kb-related", "kb-sections",
					   "kb-articles", "kb-recent", NULL};

/* True when the file's text is UTF-8 without NUL bytes; otherwise reports
 * the first bad byte at its line:col. */
static bool check_text(const char *source, const char *text, size_t length)
{
	const char *nul = memchr(text, '\0', length);
	const char *line_start = text;
	unsigned line = 1;
	size_t bad = 0;
	bool valid = utf8_valid(text, length, &bad);

	if (valid && nul == NULL)
		return true;
	if (nul != NULL && (valid || (size_t)(nul - text) < bad))
		bad = (size_t)(nul - text);
	for (size_t i = 0; i < bad; i++)
		if (text[i] == '\n') {
			line++;
			line_start = text + i + 1;
		}
	diag_error(source, line,
		   (unsigned)utf8_count(line_start,
					(size_t)(text + bad - line_start)) + 1,
		   "not valid UTF-8 text (byte 0x%02x at offset %zu)",
		   (unsigned char)text[bad], bad);
	return false;
}

/* An explicit "{#id}" that could not be taken as written is a mistake
 * at its cause: links written to it would reach another heading. */
static void report_heading_ids(const struct article *article)
{
	for (size_t i = 0; i < article->headings.count; i++) {
		const struct markdown_heading *heading = &article->headings.items[i];
		if (heading->id_problem == NULL)
			continue;
		diag_error(article->source,
			   article->meta.body_line - 1 + heading->line,
			   heading->id_column, "%s: this heading's id is '%s'",
			   heading->id_problem, heading->id);
	}
}

/* Raw HTML never reaches a page: say so where it was written, so that a
 * writer coming from a Hugo site with unsafe HTML on sees what is lost. */
static void report_raw_html(void *user, cmark_node *node, const char *name)
{
	const struct article *article = user;
	unsigned line = (unsigned)cmark_node_get_start_line(node);
	size_t byte_col = (size_t)cmark_node_get_start_column(node);
	const char *line_start = article->meta.body;

	for (unsigned k = 1; k < line; k++) {
		const char *newline = memchr(line_start, '\n',
			(size_t)(article->meta.body + article->meta.body_length -
				 line_start));
		if (newline == NULL)
			break;
		line_start = newline + 1;
	}
	size_t left = (size_t)(article->meta.body + article->meta.body_length -
			       line_start);

	if (byte_col > 0)
		byte_col--;
	if (byte_col > left)
		byte_col = left;
	diag_warning(article->source, article->meta.body_line - 1 + line,
		     (unsigned)utf8_count(line_start, byte_col) + 1,
		     "raw HTML dropped: %s", name);
}

/* Hugo lower-cases the paths of pages (its disablePathToLower is off by
 * default): content/Functions/Translate.md is /functions/translate/, and
 * links written to that URL must find it. Only ASCII: a path in
 * Japanese is left as written. */
static void lower_ascii(char *path)
{
	for (; *path; path++)
		if (*path >= 'A' && *path <= 'Z')
			*path = (char)(*path - 'A' + 'a');
}

/* The URL path of Hugo's url (checked by front matter: clean segments,
 * a '/' at either end or not): "guides/setup/". Newly allocated. */
static char *url_path(const char *url)
{
	size_t length = strlen(url);

	if (url[0] == '/') {
		url++;
		length--;
	}
	if (length > 0 && url[length - 1] == '/')
		length--;
	return xasprintf("%.*s/", (int)length, url);
}

/* Whether the front matter holds the article back from publish, and
 * until when its dates say the same (outcome->changes_at). */
static bool held_back(const struct front_matter *meta,
		      const struct site_publish *publish,
		      struct article_outcome *outcome)
{
	long long publish_at, expires_at;
	bool future = false, expired = false;

	if (meta->publish_date != NULL &&
	    front_matter_date_seconds(meta->publish_date, &publish_at) &&
	    publish_at > publish->now) {
		future = true;
		if (publish_at < outcome->changes_at)
			outcome->changes_at = publish_at;
	}
	if (meta->expiry_date != NULL &&
	    front_matter_date_seconds(meta->expiry_date, &expires_at)) {
		if (expires_at <= publish->now)
			expired = true;
		else if (expires_at < outcome->changes_at)
			outcome->changes_at = expires_at;
	}
	if (meta->headless || meta->render != FRONT_MATTER_RENDER_ALWAYS)
		outcome->why = "headless (headless: true, or _build's render: "
			       "never)";
	else if (meta->draft && !publish->drafts)
		outcome->why = "a draft (--drafts publishes it)";
	else if (future && !publish->future)
		outcome->why = "to be published later (its publishDate; "
			       "--future publishes it)";
	else if (expired && !publish->expired)
		outcome->why = "expired (its expiryDate; --expired publishes it)";
	else
		outcome->why = NULL;
	return outcome->why != NULL;
}

/* Keeps what the site needs of an article whose front matter is parsed:
 * its URL and date, and its body's headings and links; then lets go of
 * the text (site_article_body reads it again). */
static void keep_article_parts(struct article *article, const char *folder,
			       const char *stem, const char *text,
			       size_t length)
{
	const char *last = article->meta.slug ? article->meta.slug : stem;
	cmark_node *document;

	if (article->meta.url != NULL) {
		/* as written: a url is the writer's own choice of path */
		article->url_path = url_path(article->meta.url);
	} else {
		if (strcmp(stem, "_index") == 0)	/* a section's own page */
			article->url_path = *folder ? xasprintf("%s/", folder)
						    : xstrdup("");
		else
			article->url_path = *folder
				? xasprintf("%s/%s/", folder, last)
				: xasprintf("%s/", last);
		lower_ascii(article->url_path);
	}
	article->slug_line = article->meta.url ? article->meta.url_line
					       : article->meta.slug_line;
	article->slug_col = article->meta.url ? article->meta.url_col
					      : article->meta.slug_col;
	article->updated = xstrdup(article->meta.lastmod ? article->meta.lastmod
				   : article->meta.date ? article->meta.date : "");
	document = shortcode_parse_article(article, article->meta.body,
					   article->meta.body_length, true);
	markdown_collect_headings(document, reserved_ids, &article->headings);
	report_heading_ids(article);
	markdown_each_raw_html(document, report_raw_html, article);
	markdown_each_link(document, collect_link, article);
	cmark_node_free(document);
	article->text_hash = hash64(text, length, 0);
	article->body_offset = (size_t)(article->meta.body - text);
	article->meta.body = NULL;
}

struct article *site_load_article(const char *root, const char *folder,
				  const char *name,
				  const struct site_publish *publish,
				  const struct front_matter *cascade,
				  const struct site_reuse *reuse, size_t hint,
				  const struct file_stamp *stamp_in,
				  struct article_outcome *outcome)
{
	struct article *article;
	char *source = site_source_path(folder, name);
	char *path, *stem;
	size_t length;
	struct file_stamp stamp = *stamp_in;
	char *text = NULL;
	bool ok;

	*outcome = (struct article_outcome){false, NULL, LLONG_MAX};
	/* the stamp was taken before reading (scan.h): should the file
	 * change in between, the stamp kept is the older one and the next
	 * build reads it again */
	if (reuse != NULL && reuse->article != NULL &&
	    (article = reuse->article(reuse->user, source, hint, &stamp)) != NULL) {
		free(source);
		/* published when it was cached; its expiryDate may have
		 * passed since */
		if (!article->rejected && held_back(&article->meta, publish, outcome)) {
			outcome->on_purpose = true;
			site_article_free(article);
			return NULL;
		}
		return article;
	}
	path = path_join(root, source);
	article = site_article_new();
	article->source = source;
	article->stamp = stamp;
	stem = file_stem(name);
	article->content_path = *folder ? xasprintf("%s/%s", folder, stem)
					: xstrdup(stem);
	if (read_file(path, SITE_ARTICLE_MAX_SIZE, &text, &length) != 0) {
		diag_error(article->source, 0, 0, "cannot read: %s",
			   errno == EFBIG ? "file larger than 4 MiB"
					  : strerror(errno));
		goto fail;
	}
	if (!check_text(article->source, text, length))
		goto fail;
	/* a title is needed only by a page that is published */
	ok = front_matter_parse_untitled(text, length, article->source,
					 &article->meta);
	if (!ok && article->meta.body == NULL)
		goto fail;
	front_matter_inherit(&article->meta, cascade);
	/* the hook for every "do not publish" front matter key: a page left
	 * out so is not counted as dropped (site.c's drop_check) */
	if (ok && held_back(&article->meta, publish, outcome)) {
		outcome->on_purpose = true;
		goto fail;
	}
	/* a section's page is titled by its folder without one */
	if (ok && article->meta.title == NULL && article->meta.title_line == 0 &&
	    strcmp(stem, "_index") != 0)
		front_matter_guess_title(text, length, article->source,
					 &article->meta);
	if (ok && article->meta.title == NULL && strcmp(stem, "_index") != 0) {
		diag_error(article->source, article->meta.title_line,
			   article->meta.title_col,
			   "missing 'title' in front matter");
		ok = false;
	}
	/* With bad front matter the article is not published, but its
	 * links are still checked, so one run reports every mistake. */
	article->rejected = !ok;
	keep_article_parts(article, folder, stem, text, length);
	free(text);
	free(path);
	free(stem);
	return article;
fail:
	free(text);
	free(path);
	free(stem);
	site_article_free(article);
	return NULL;
}

struct section *site_load_section(const char *root, const char *path,
				  const struct front_matter *above)
{
	struct section *section = xcalloc(1, sizeof *section);
	char *source = site_source_path(path, "_index.md");
	char *file = path_join(root, source);
	const char *slash = strrchr(path, '/');
	struct file_stamp stamp = {0};
	/* a draft, future or expired _index.md is still the section's page */
	struct site_publish publish = {true, true, true, 0};
	struct article_outcome outcome = {false, NULL, 0};

	section->name = xstrdup(path);
	section->url_path = *path ? xasprintf("%s/", path) : xstrdup("");
	lower_ascii(section->url_path);
	section->title = *path ? xstrdup(slash ? slash + 1 : path) : NULL;
	section->description = xstrdup("");
	if (access(file, F_OK) == 0) {
		section->source = source;
		source = NULL;
		/* read as an article, for its body and the links in it */
		section->page = site_load_article(root, path, "_index.md",
						  &publish, NULL, NULL, 0,
						  &stamp, &outcome);
		if (section->page != NULL && section->page->rejected) {
			site_article_free(section->page);
			section->page = NULL;
		}
		if (section->page != NULL && section->page->meta.title != NULL) {
			free(section->title);
			section->title = xstrdup(section->page->meta.title);
		}
		if (section->page != NULL) {
			free(section->description);
			section->description =
				xstrdup(section->page->meta.description);
			section->weight = section->page->meta.weight;
		}
	}
	section->cascade = xcalloc(1, sizeof *section->cascade);
	section->cascade->description = xstrdup("");
	if (section->page != NULL)
		front_matter_inherit(section->cascade,
				     section->page->meta.cascade);
	front_matter_inherit(section->cascade, above);
	if (section->page != NULL) {
		front_matter_inherit(&section->page->meta, section->cascade);
		section->headless = section->page->meta.headless ||
				    section->page->meta.render !=
					    FRONT_MATTER_RENDER_ALWAYS;
	} else {
		/* publish asks for everything: only headless or _build's
		 * render never hold it back */
		section->headless = outcome.on_purpose ||
				    ((section->cascade->set & FRONT_MATTER_BUILD) &&
				     section->cascade->render !=
					     FRONT_MATTER_RENDER_ALWAYS);
	}
	free(file);
	free(source);
	return section;
}

const char *site_list_title(const struct article *article)
{
	return article->meta.link_title ? article->meta.link_title
					: article->meta.title;
}

const char *site_description(const struct article *article)
{
	if (article->meta.description[0] != '\0' || article->meta.summary == NULL)
		return article->meta.description;
	return article->meta.summary;
}

int site_article_body(const struct site *site, const struct article *article,
		      char **text, const char **body, size_t *length)
{
	char *path = path_join(site->root, article->source);
	size_t size;

	*text = NULL;
	if (read_file(path, SITE_ARTICLE_MAX_SIZE, text, &size) != 0) {
		diag_error(article->source, 0, 0, "cannot read: %s",
			   strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	if (hash64(*text, size, 0) != article->text_hash ||
	    article->body_offset + article->meta.body_length > size) {
		diag_error(article->source, 0, 0, "the file changed while the "
			   "site was being built; build again");
		free(*text);
		*text = NULL;
		return -1;
	}
	*body = *text + article->body_offset;
	*length = article->meta.body_length;
	return 0;
}
