/*
 * site.c — site.yaml, the content folder, and link resolution.
 */
#include "content/site.h"

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/cgiurl.h"
#include "base/diag.h"
#include "base/hash.h"
#include "content/scan.h"
#include "base/util.h"
#include "content/yamldoc.h"

#define ARTICLE_MAX_SIZE (4 * 1024 * 1024)
#define CONFIG_MAX_SIZE (1024 * 1024)

/* ---- site.yaml ---- */

static bool config_text(const struct yamldoc_node *root, const char *key,
			char **out)
{
	struct yamldoc_node *value = yamldoc_get(root, key, NULL);

	if (value == NULL)
		return true;
	if (value->type != YAMLDOC_SCALAR) {
		diag_error("site.yaml", value->line, value->col,
			   "'%s' must be text, not %s", key,
			   yamldoc_type_name(value));
		return false;
	}
	free(*out);
	*out = xstrdup(value->text);
	return true;
}

static bool config_links(const struct yamldoc_node *root,
			 struct site_config *config)
{
	struct yamldoc_node *links = yamldoc_get(root, "links", NULL);
	bool ok = true;

	if (links == NULL || yamldoc_is_null(links))
		return true;
	if (links->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", links->line, links->col,
			   "'links' must be a mapping of name: {title, url}");
		return false;
	}
	config->links = xcalloc(links->count, sizeof *config->links);
	for (size_t i = 0; i < links->count; i++) {
		const struct yamldoc_node *entry = links->items[i];
		struct yamldoc_node *title = yamldoc_get(entry, "title", NULL);
		struct yamldoc_node *url = yamldoc_get(entry, "url", NULL);
		struct external_link *link;

		if (entry->type != YAMLDOC_MAPPING || title == NULL || url == NULL ||
		    title->type != YAMLDOC_SCALAR || url->type != YAMLDOC_SCALAR) {
			diag_error("site.yaml", entry->line, entry->col,
				   "link '%s' needs 'title' and 'url' as text",
				   links->keys[i]->text);
			ok = false;
			continue;
		}
		if (strncmp(url->text, "https://", 8) != 0 &&
		    strncmp(url->text, "http://", 7) != 0) {
			diag_error("site.yaml", url->line, url->col,
				   "link '%s' must be an http(s) URL",
				   links->keys[i]->text);
			ok = false;
			continue;
		}
		link = &config->links[config->link_count++];
		link->name = xstrdup(links->keys[i]->text);
		link->title = xstrdup(title->text);
		link->url = xstrdup(url->text);
	}
	return ok;
}

static bool config_unknown_keys(const struct yamldoc_node *root)
{
	static const char *const known[] = {"title", "description", "base_url",
					    "language", "cgi_url", "links"};

	for (size_t i = 0; i < root->count; i++) {
		bool found = false;
		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (strcmp(root->keys[i]->text, known[k]) == 0)
				found = true;
		if (!found)
			diag_warning("site.yaml", root->keys[i]->line,
				     root->keys[i]->col,
				     "unknown key '%s' (ignored)",
				     root->keys[i]->text);
	}
	return true;
}

/* cgi_url, when set, must be what kb.cgi can put in a URL as it is: the
 * search box, the wizard's links and every redirect start with it. */
static bool config_cgi_url(const struct site_config *config,
			   const struct yamldoc_node *root)
{
	struct yamldoc_node *node = yamldoc_get(root, "cgi_url", NULL);
	const char *why;

	if (config->cgi_url == NULL || *config->cgi_url == '\0' ||
	    cgiurl_base_valid(config->cgi_url, &why))
		return true;
	diag_error("site.yaml", node ? node->line : 1, node ? node->col : 1,
		   "'cgi_url' is not a URL kb.cgi can answer at: %s", why);
	return false;
}

/* Derives base_path from base_url and checks both. */
static bool config_base(struct site_config *config,
			const struct yamldoc_node *root)
{
	struct yamldoc_node *node = yamldoc_get(root, "base_url", NULL);
	const char *after_scheme, *path;
	size_t length;

	if (strncmp(config->base_url, "http://", 7) == 0)
		after_scheme = config->base_url + 7;
	else if (strncmp(config->base_url, "https://", 8) == 0)
		after_scheme = config->base_url + 8;
	else {
		diag_error("site.yaml", node ? node->line : 1, node ? node->col : 1,
			   "'base_url' must start with http:// or https://");
		return false;
	}
	length = strlen(config->base_url);
	if (config->base_url[length - 1] != '/') {
		char *slashed = xasprintf("%s/", config->base_url);
		free(config->base_url);
		config->base_url = slashed;
		after_scheme = strstr(slashed, "//") + 2;
	}
	path = strchr(after_scheme, '/');
	config->base_path = xstrdup(path);
	return true;
}

bool site_config_load(const char *root, struct site_config *config)
{
	char *path = path_join(root, "site.yaml");
	struct yamldoc_node *document = NULL;
	char *text = NULL;
	size_t length;
	bool ok = false;

	memset(config, 0, sizeof *config);
	config->title = xstrdup("Knowledge base");
	config->description = xstrdup("");
	config->base_url = xstrdup("http://127.0.0.1:8080/");
	config->language = xstrdup("ja");
	if (read_file(path, CONFIG_MAX_SIZE, &text, &length) != 0) {
		diag_error("site.yaml", 0, 0, "cannot read site.yaml: %s",
			   strerror(errno));
		goto out;
	}
	document = yamldoc_parse(text, length, "site.yaml", 1, &ok);
	if (!ok)
		goto out;
	if (document != NULL && document->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", document->line, document->col,
			   "site.yaml must be a mapping of keys");
		ok = false;
		goto out;
	}
	/* Every check runs, so that one build reports every mistake. */
	ok = config_text(document, "title", &config->title);
	ok = config_text(document, "description", &config->description) && ok;
	ok = config_text(document, "base_url", &config->base_url) && ok;
	ok = config_text(document, "language", &config->language) && ok;
	ok = config_text(document, "cgi_url", &config->cgi_url) && ok;
	ok = config_links(document, config) && ok;
	ok = config_unknown_keys(document) && ok;
	if (ok) {
		ok = config_base(config, document);
		ok = config_cgi_url(config, document) && ok;
	}
out:
	yamldoc_free(document);
	free(text);
	free(path);
	return ok;
}

void site_config_free(struct site_config *config)
{
	for (size_t i = 0; i < config->link_count; i++) {
		free(config->links[i].name);
		free(config->links[i].title);
		free(config->links[i].url);
	}
	free(config->links);
	free(config->title);
	free(config->description);
	free(config->base_url);
	free(config->base_path);
	free(config->language);
	free(config->cgi_url);
	memset(config, 0, sizeof *config);
}

const struct external_link *site_config_link(const struct site_config *config,
					     const char *name)
{
	for (size_t i = 0; i < config->link_count; i++)
		if (strcmp(config->links[i].name, name) == 0)
			return &config->links[i];
	return NULL;
}

/* ---- paths and URLs ---- */

char *site_url(const struct site *site, const char *path)
{
	return xasprintf("%s%s", site->config.base_path, path);
}

char *site_normalize_path(const char *directory, const char *relative)
{
	char *joined = *relative == '/' ? xstrdup(relative + 1)
					: path_join(directory, relative);
	char **segments = xcalloc(strlen(joined) + 1, sizeof *segments);
	size_t count = 0;
	struct buf result = {0};
	char *save = NULL;
	char *result_text = NULL;

	for (char *segment = strtok_r(joined, "/", &save); segment;
	     segment = strtok_r(NULL, "/", &save)) {
		if (strcmp(segment, ".") == 0)
			continue;
		if (strcmp(segment, "..") == 0) {
			if (count == 0)
				goto out;
			count--;
			continue;
		}
		segments[count++] = segment;
	}
	for (size_t i = 0; i < count; i++) {
		if (i)
			buf_addc(&result, '/');
		buf_adds(&result, segments[i]);
	}
	result_text = buf_detach(&result);
out:
	buf_free(&result);
	free(segments);
	free(joined);
	return result_text;
}

char *site_tag_slug(const char *tag)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)tag;
	struct buf slug = {0};
	utf8proc_int32_t code;

	while (*cursor) {
		utf8proc_uint8_t encoded[4];
		utf8proc_ssize_t size = utf8proc_iterate(cursor, -1, &code);
		if (size <= 0) {
			cursor++;
			continue;
		}
		cursor += size;
		if (code == ' ' || code == '/' || code == '\\' || code == '?' ||
		    code == '#' || code == '%' || code == '"' || code == '\'' ||
		    code == '<' || code == '>' || code == '&' || code < 0x20) {
			if (slug.length && slug.data[slug.length - 1] != '-')
				buf_addc(&slug, '-');
			continue;
		}
		code = utf8proc_tolower(code);
		buf_add(&slug, (const char *)encoded,
			(size_t)utf8proc_encode_char(code, encoded));
	}
	if (slug.length == 0 || strcmp(buf_cstr(&slug), ".") == 0 ||
	    strcmp(buf_cstr(&slug), "..") == 0) {
		buf_free(&slug);
		return xstrdup("tag");
	}
	return buf_detach(&slug);
}

/* ---- lookup ---- */

static int compare_article_source(const void *key, const void *element)
{
	const struct article *article = *(struct article *const *)element;

	return strcmp(key, article->source);
}

struct article *site_find_article(const struct site *site, const char *path)
{
	struct article **found = NULL;
	char *made = NULL, local[256];

	if (strncmp(path, "content/", 8) != 0) {
		size_t length = strlen(path);
		if (length + 12 <= sizeof local) {
			memcpy(local, "content/", 8);
			memcpy(local + 8, path, length);
			memcpy(local + 8 + length, ".md", 4);
			path = local;
		} else {
			path = made = xconcat("content/", path, ".md", (char *)NULL);
		}
	}
	if (site->by_source != NULL) {
		size_t at = (size_t)hash64_string(path, 0) & site->by_source_mask;
		for (; site->by_source[at] != NULL;
		     at = (at + 1) & site->by_source_mask)
			if (strcmp(site->by_source[at]->source, path) == 0) {
				found = &site->by_source[at];
				break;
			}
	} else if (site->article_count > 0) {
		found = bsearch(path, site->articles, site->article_count,
				sizeof *site->articles, compare_article_source);
	}
	free(made);
	return found ? *found : NULL;
}

/* Fills site->by_source (see site.h): every article lookup by path (link
 * checks, page fingerprints, the kb.db update) was a binary search over
 * sources sharing long prefixes. */
static void index_sources(struct site *site)
{
	size_t size = 16;

	while (size < site->article_count * 2)
		size *= 2;
	site->by_source = xcalloc(size, sizeof *site->by_source);
	site->by_source_mask = size - 1;
	for (size_t i = 0; i < site->article_count; i++) {
		size_t at = (size_t)hash64_string(site->articles[i]->source, 0) &
			    site->by_source_mask;
		while (site->by_source[at] != NULL)
			at = (at + 1) & site->by_source_mask;
		site->by_source[at] = site->articles[i];
	}
}

bool site_article_has_anchor(const struct article *article, const char *id)
{
	for (size_t i = 0; i < article->headings.count; i++)
		if (strcmp(article->headings.items[i].id, id) == 0)
			return true;
	return false;
}

/* ---- links ---- */

static bool has_scheme(const char *url)
{
	const char *c = url;

	while ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
	       (*c >= '0' && *c <= '9') || *c == '+' || *c == '-' || *c == '.')
		c++;
	return c != url && *c == ':';
}

static bool ends_with(const char *text, const char *suffix)
{
	size_t length = strlen(text), suffix_length = strlen(suffix);

	return length >= suffix_length &&
	       strcmp(text + length - suffix_length, suffix) == 0;
}

static char *directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? xstrndup(path, (size_t)(slash - path)) : xstrdup("");
}

static char *article_href(const struct site *site, const struct article *target,
			  const char *fragment)
{
	char *base = site_url(site, target->url_path);
	char *href;

	if (fragment == NULL || *fragment == '\0')
		return base;
	href = xasprintf("%s#%s", base, fragment);
	free(base);
	return href;
}

static char *resolve_markdown_link(const struct site *site,
				   const char *target_path, const char *fragment,
				   const char *written, char **error)
{
	const struct article *target = site_find_article(site, target_path);
	const struct section *section = NULL;

	if (target == NULL && ends_with(target_path, "/_index.md")) {
		for (size_t i = 0; i < site->section_count; i++)
			if (site->sections[i]->source &&
			    strcmp(site->sections[i]->source, target_path) == 0)
				section = site->sections[i];
		if (section != NULL) {
			char *path = xasprintf("%s/", section->name);
			char *href = site_url(site, path);
			free(path);
			return href;
		}
	}
	if (target == NULL) {
		/* a file whose front matter has errors exists: those errors,
		 * reported in that file, are the ones to fix */
		for (size_t i = 0; i < site->rejected_count; i++)
			if (strcmp(site->rejected[i]->source, target_path) == 0)
				return NULL;
		if (error)
			*error = xasprintf("broken link: '%s' does not exist "
					   "(resolved to %s)", written, target_path);
		return NULL;
	}
	if (fragment && *fragment && !site_article_has_anchor(target, fragment)) {
		if (error)
			*error = xasprintf("broken anchor: %s has no heading "
					   "'#%s'", target->source, fragment);
		return NULL;
	}
	return article_href(site, target, fragment);
}

char *site_resolve_link_from(const struct site *site, const char *from_source,
			     const struct article *self, const char *url,
			     char **error)
{
	const char *hash = strchr(url, '#');
	size_t path_length = hash ? (size_t)(hash - url) : strlen(url);
	char *path = NULL, *fragment = NULL, *directory = NULL, *target = NULL;
	char *href = NULL;

	if (error)
		*error = NULL;
	if (has_scheme(url) || url[0] == '/' || url[0] == '?')
		return NULL;
	path = percent_decode(url, path_length);
	fragment = hash ? percent_decode(hash + 1, strlen(hash + 1)) : NULL;
	if (*path == '\0') {
		if (fragment && *fragment && error &&
		    (self == NULL || !site_article_has_anchor(self, fragment)))
			*error = xasprintf("broken anchor: no heading '#%s' in "
					   "this article", fragment);
		goto out;
	}
	if (!ends_with(path, ".md") && !ends_with(path, ".yaml"))
		goto out;
	directory = directory_of(from_source);
	target = site_normalize_path(directory, path);
	if (target == NULL) {
		if (error)
			*error = xasprintf("broken link: '%s' points outside the "
					   "site", url);
		goto out;
	}
	if (ends_with(target, ".md")) {
		href = resolve_markdown_link(site, target, fragment, url, error);
	} else if (strncmp(target, "decision-trees/", 15) == 0) {
		if (site->tree_links)
			href = site->tree_links(site->tree_links_user, target,
						fragment, error);
		else if (error)
			*error = xasprintf("broken link: no decision tree '%s'",
					   target);
	}
out:
	free(path);
	free(fragment);
	free(directory);
	free(target);
	return href;
}

char *site_resolve_link(const struct site *site, const struct article *from,
			const char *url, char **error)
{
	return site_resolve_link_from(site, from->source, from, url, error);
}

/* The column of url in the article's source line (cmark reports columns
 * in bytes after stripping indentation; editors want characters). */
static unsigned link_column(const char *text, unsigned file_line,
			    const char *url, unsigned fallback)
{
	const char *line = text;
	const char *end, *found;

	for (unsigned n = 1; n < file_line && line; n++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (line == NULL)
		return fallback;
	end = strchr(line, '\n');
	if (end == NULL)
		end = line + strlen(line);
	/* prefer the destination as written "(url)" or "(url "title")" */
	for (const char *suffix = ")"; suffix; suffix = *suffix == ')' ? " " : NULL) {
		char *needle = xasprintf("(%s%s", url, suffix);
		found = memmem(line, (size_t)(end - line), needle, strlen(needle));
		free(needle);
		if (found != NULL)
			return (unsigned)utf8_count(line, (size_t)(found - line)) + 2;
	}
	found = memmem(line, (size_t)(end - line), url, strlen(url));
	if (found == NULL)
		return fallback;
	return (unsigned)utf8_count(line, (size_t)(found - line)) + 1;
}

static void check_article_links(const struct site *site,
				const struct article *article)
{
	char *text = NULL;

	for (size_t k = 0; k < article->link_count; k++) {
		const struct article_link *link = &article->links[k];
		char *error = NULL;
		char *href = site_resolve_link(site, article, link->url, &error);
		if (error != NULL) {
			/* the text was dropped after loading: read it again
			 * for the column (only ever for a broken link) */
			if (text == NULL) {
				char *path = path_join(site->root, article->source);
				size_t length;
				if (read_file(path, ARTICLE_MAX_SIZE, &text,
					      &length) != 0)
					text = xstrdup("");
				free(path);
			}
			diag_error(article->source, link->line,
				   link_column(text, link->line, link->url,
					       link->byte_col),
				   "%s", error);
		}
		free(error);
		free(href);
	}
	free(text);
}

void site_check_links_of(const struct site *site, const struct article *article)
{
	check_article_links(site, article);
}

void site_check_links(struct site *site)
{
	for (size_t i = 0; i < site->article_count; i++)
		check_article_links(site, site->articles[i]);
	for (size_t i = 0; i < site->rejected_count; i++)
		check_article_links(site, site->rejected[i]);
}

/* ---- loading ---- */

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

static char *file_stem(const char *name)
{
	return xstrndup(name, strlen(name) - 3);
}

char *site_link_target(const char *from_source, const char *url)
{
	const char *hash = strchr(url, '#');
	size_t path_length = hash ? (size_t)(hash - url) : strlen(url);
	char *path, *directory, *target = NULL;

	if (path_length == 0 || has_scheme(url) || url[0] == '/' || url[0] == '?')
		return NULL;
	path = percent_decode(url, path_length);
	if (ends_with(path, ".md")) {
		directory = directory_of(from_source);
		target = site_normalize_path(directory, path);
		free(directory);
	}
	free(path);
	return target;
}

/* Keeps the links the build resolves (relative ones) for checking once
 * every article is known, so the Markdown need not be parsed again. */
static void collect_link(void *user, cmark_node *node, const char *url,
			 bool image)
{
	struct article *article = user;
	struct article_link *link;

	(void)image;
	if (has_scheme(url) || url[0] == '/' || url[0] == '?')
		return;
	article->links = xgrow(article->links, &article->link_capacity,
			       article->link_count + 1, sizeof *article->links);
	link = &article->links[article->link_count++];
	link->url = xstrdup(url);
	link->target = site_link_target(article->source, url);
	link->line = article->meta.body_line - 1 +
		     (unsigned)cmark_node_get_start_line(node);
	link->byte_col = (unsigned)cmark_node_get_start_column(node);
}

/* Ids the page layout uses itself, which no heading may take. */
static const char *const reserved_ids[] = {"main", "site-search", "kb-toc",
					   "kb-related", NULL};

/* Reads and checks one article file, whose stat stamp (scan.h) is
 * stamp_in. Returns NULL when it must be left out (unreadable, invalid,
 * or a draft not asked for). */
static struct article *load_article(const char *root, const char *section,
				    const char *name, bool with_drafts,
				    const struct site_reuse *reuse, size_t hint,
				    const struct file_stamp *stamp_in)
{
	struct article *article;
	char *source = xconcat("content/", section, "/", name, (char *)NULL);
	char *path, *stem;
	size_t length, bad;
	cmark_node *document;
	struct file_stamp stamp = *stamp_in;
	char *text = NULL;
	bool ok;

	/* the stamp was taken before reading (scan.h): should the file
	 * change in between, the stamp kept is the older one and the next
	 * build reads it again */
	if (reuse != NULL && reuse->article != NULL &&
	    (article = reuse->article(reuse->user, source, hint, &stamp)) != NULL) {
		free(source);
		return article;
	}
	path = path_join(root, source);
	article = site_article_new();
	article->source = source;
	article->stamp = stamp;
	stem = file_stem(name);
	article->content_path = xasprintf("%s/%s", section, stem);
	if (read_file(path, ARTICLE_MAX_SIZE, &text, &length) != 0) {
		diag_error(article->source, 0, 0, "cannot read: %s",
			   errno == EFBIG ? "file larger than 4 MiB"
					  : strerror(errno));
		goto fail;
	}
	if (!utf8_valid(text, length, &bad) ||
	    memchr(text, '\0', length) != NULL) {
		const char *line_start = text;
		unsigned line = 1;
		if (memchr(text, '\0', length) != NULL &&
		    (utf8_valid(text, length, NULL) ||
		     (size_t)((char *)memchr(text, '\0', length) -
			      text) < bad))
			bad = (size_t)((char *)memchr(text, '\0', length) -
				       text);
		for (size_t i = 0; i < bad; i++)
			if (text[i] == '\n') {
				line++;
				line_start = text + i + 1;
			}
		diag_error(article->source, line,
			   (unsigned)utf8_count(line_start,
						(size_t)(text + bad -
							 line_start)) + 1,
			   "not valid UTF-8 text (byte 0x%02x at offset %zu)",
			   (unsigned char)text[bad], bad);
		goto fail;
	}
	ok = front_matter_parse(text, length, article->source,
				&article->meta);
	if (!ok && article->meta.body == NULL)
		goto fail;
	if (ok && article->meta.draft && !with_drafts)
		goto fail;
	/* With bad front matter the article is not published, but its
	 * links are still checked, so one run reports every mistake. */
	article->rejected = !ok;
	article->url_path = xasprintf("%s/%s/", section,
				      article->meta.slug ? article->meta.slug : stem);
	article->slug_line = article->meta.slug_line;
	article->slug_col = article->meta.slug_col;
	article->updated = xstrdup(article->meta.lastmod ? article->meta.lastmod
				   : article->meta.date ? article->meta.date : "");
	document = markdown_parse(article->meta.body, article->meta.body_length);
	markdown_collect_headings(document, reserved_ids, &article->headings);
	markdown_each_link(document, collect_link, article);
	cmark_node_free(document);
	article->text_hash = hash64(text, length, 0);
	article->body_offset = (size_t)(article->meta.body - text);
	article->meta.body = NULL;
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

static struct section *load_section_index(const char *root, const char *name)
{
	struct section *section = xcalloc(1, sizeof *section);
	char *source = xasprintf("content/%s/_index.md", name);
	char *path = path_join(root, source);
	struct front_matter meta;
	char *text = NULL;
	size_t length;

	section->name = xstrdup(name);
	section->title = xstrdup(name);
	section->description = xstrdup("");
	if (read_file(path, ARTICLE_MAX_SIZE, &text, &length) == 0) {
		section->source = source;
		source = NULL;
		if (!utf8_valid(text, length, NULL)) {
			diag_error(section->source, 0, 0, "not valid UTF-8 text");
		} else if (front_matter_parse(text, length, section->source, &meta)) {
			free(section->title);
			free(section->description);
			section->title = xstrdup(meta.title);
			section->description = xstrdup(meta.description);
			section->weight = meta.weight;
		}
		front_matter_free(&meta);
	}
	free(text);
	free(path);
	free(source);
	return section;
}

static void section_add(struct section *section, struct article *article)
{
	section->articles = xgrow(section->articles, &section->article_capacity,
				  section->article_count + 1,
				  sizeof *section->articles);
	section->articles[section->article_count++] = article;
	article->section = section;
}

/* One article file to load; the files of every section are loaded by a
 * few threads, then added to the site in this (sorted) order, so the
 * result never depends on which thread read what. */
struct load_job {
	struct section *section;
	char *name;
	struct article *article;
	struct file_stamp stamp;
};

struct load_pool {
	const char *root;
	bool with_drafts;
	const struct site_reuse *reuse;
	struct load_job *jobs;
	size_t count;
	atomic_size_t next;
};

static void *load_worker(void *argument)
{
	struct load_pool *pool = argument;

	for (;;) {
		size_t i = atomic_fetch_add(&pool->next, 1);
		if (i >= pool->count)
			break;
		pool->jobs[i].article = load_article(pool->root,
						     pool->jobs[i].section->name,
						     pool->jobs[i].name,
						     pool->with_drafts, pool->reuse,
						     i, &pool->jobs[i].stamp);
	}
	return NULL;
}

static void load_all(struct load_pool *pool)
{
	size_t count = core_count();

	if (count > pool->count / 16 + 1)
		count = pool->count / 16 + 1;
	atomic_init(&pool->next, 0);
	run_threads(load_worker, pool, count);
}

/* Adds a section (a scanned folder) and queues its article files. */
static void list_section(struct site *site, const struct scan_folder *scanned,
			 struct load_job **jobs, size_t *count,
			 size_t *capacity)
{
	char *folder = xasprintf("content/%s", scanned->name);
	struct section *section = load_section_index(site->root, scanned->name);

	site->sections = xrealloc(site->sections, (site->section_count + 1) *
				  sizeof *site->sections);
	site->sections[site->section_count++] = section;
	for (size_t i = 0; i < scanned->count; i++)
		if (scanned->entries[i].directory &&
		    scanned->entries[i].name[0] != '.')
			diag_warning(folder, 0, 0, "folder '%s' ignored: articles "
				     "live one level deep, in content/<section>/",
				     scanned->entries[i].name);
	for (size_t i = 0; i < scanned->count; i++) {
		const struct scan_entry *entry = &scanned->entries[i];
		if (!entry->article)
			continue;
		*jobs = xgrow(*jobs, capacity, *count + 1, sizeof **jobs);
		(*jobs)[(*count)++] = (struct load_job){
			section, xstrdup(entry->name), NULL,
			entry->stamped ? entry->stamp : (struct file_stamp){0}};
	}
	free(folder);
}

/* Adds the loaded articles to their sections and the site, in order. */
static void add_loaded(struct site *site, struct load_job *jobs, size_t count)
{
	size_t capacity = 0;

	for (size_t i = 0; i < count; i++) {
		struct article *article = jobs[i].article;
		if (article == NULL) {
			/* a draft left out (or a file already reported) */
			site->skipped = xrealloc(site->skipped,
						 (site->skipped_count + 1) *
						 sizeof *site->skipped);
			site->skipped[site->skipped_count++] =
				(struct skipped_file){
					xasprintf("content/%s/%s",
						  jobs[i].section->name,
						  jobs[i].name),
					jobs[i].stamp};
			free(jobs[i].name);
			continue;
		}
		free(jobs[i].name);
		if (article->rejected) {
			site->rejected = xrealloc(site->rejected,
						  (site->rejected_count + 1) *
						  sizeof *site->rejected);
			site->rejected[site->rejected_count++] = article;
			continue;
		}
		section_add(jobs[i].section, article);
		site->articles = xgrow(site->articles, &capacity,
				       site->article_count + 1,
				       sizeof *site->articles);
		site->articles[site->article_count++] = article;
	}
}

static int compare_sources(const void *left, const void *right)
{
	return strcmp((*(struct article *const *)left)->source,
		      (*(struct article *const *)right)->source);
}

char *site_alias_path(const char *alias)
{
	char *normalized = site_normalize_path("", alias);
	char *path;

	if (normalized == NULL || *normalized == '\0' ||
	    strpbrk(normalized, "?#%\\") != NULL) {
		free(normalized);
		return NULL;
	}
	path = xasprintf("%s/", normalized);
	free(normalized);
	return path;
}

/* Every page URL a content file claims, to find two claiming the same. */
struct claim {
	char *url;
	const char *source;
	unsigned line, col;
	size_t order;
};

static int compare_claims(const void *left_pointer, const void *right_pointer)
{
	const struct claim *left = left_pointer, *right = right_pointer;
	int by_url = strcmp(left->url, right->url);

	if (by_url)
		return by_url;
	/* a claim written somewhere (a slug, an alias) is the one to blame */
	if ((left->line == 0) != (right->line == 0))
		return left->line == 0 ? -1 : 1;
	return left->order < right->order ? -1 : left->order > right->order;
}

static void add_claim(struct claim **claims, size_t *count, size_t *capacity,
		      char *url, const char *source, unsigned line, unsigned col)
{
	*claims = xgrow(*claims, capacity, *count + 1, sizeof **claims);
	(*claims)[*count] = (struct claim){url, source, line, col, *count};
	(*count)++;
}

static void claim_aliases(const struct article *article, struct claim **claims,
			  size_t *count, size_t *capacity)
{
	for (size_t k = 0; k < article->meta.aliases.count; k++) {
		char *path = site_alias_path(article->meta.aliases.items[k]);
		if (path == NULL) {
			diag_error(article->source, article->meta.alias_line,
				   article->meta.alias_col,
				   "invalid alias '%s' (a path such as /old/page/)",
				   article->meta.aliases.items[k]);
			continue;
		}
		add_claim(claims, count, capacity, path, article->source,
			  article->meta.alias_line, article->meta.alias_col);
	}
}

/* True when no two claims have one URL. */
static bool claims_unique(const struct claim *claims, size_t count)
{
	size_t size = 16, mask;
	const struct claim **slots;
	bool unique = true;

	while (size < count * 2)
		size *= 2;
	mask = size - 1;
	slots = xcalloc(size, sizeof *slots);
	for (size_t i = 0; i < count && unique; i++) {
		size_t at = (size_t)hash64_string(claims[i].url, 0) & mask;
		for (; slots[at] != NULL && unique; at = (at + 1) & mask)
			unique = strcmp(slots[at]->url, claims[i].url) != 0;
		slots[at] = &claims[i];
	}
	free(slots);
	return unique;
}

/* Reports two articles (or aliases, or a generated page) with one URL. */
static void check_duplicate_urls(struct site *site)
{
	static const char *const reserved[] = {"tags/", "search/", "wizard/",
					       "static/"};
	struct claim *claims = NULL;
	size_t count = 0, capacity = 0;

	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		add_claim(&claims, &count, &capacity, xstrdup(reserved[i]),
			  "(generated pages)", 0, 0);
	for (size_t i = 0; i < site->section_count; i++)
		add_claim(&claims, &count, &capacity,
			  xasprintf("%s/", site->sections[i]->name),
			  "(section page)", 0, 0);
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		add_claim(&claims, &count, &capacity, xstrdup(article->url_path),
			  article->source, article->slug_line, article->slug_col);
		claim_aliases(article, &claims, &count, &capacity);
	}
	/* almost always every URL is claimed once: a hash set finds that
	 * in one pass, and only a site with a duplicate pays for the sort
	 * that reports them in order */
	bool unique = claims_unique(claims, count);
	if (!unique)
		qsort(claims, count, sizeof *claims, compare_claims);
	for (size_t i = 1; i < count && !unique; i++)
		if (strcmp(claims[i].url, claims[i - 1].url) == 0)
			diag_error(claims[i].source, claims[i].line, claims[i].col,
				   "URL /%s is already used by %s", claims[i].url,
				   claims[i - 1].source);
	for (size_t i = 0; i < count; i++)
		free(claims[i].url);
	free(claims);
}

static bool sorted_by_source(struct article *const *articles, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (strcmp(articles[i - 1]->source, articles[i]->source) >= 0)
			return false;
	return true;
}

/* An article with its sort key (a section's list: weight, then title;
 * the recent list: newest date first), the key's first 16 bytes as two
 * big-endian numbers, which settle most comparisons without strcmp (a
 * third of a body edit's loading time went to sorting). Ties go by
 * source, that is by article->order. */
struct keyed_article {
	long weight;
	uint64_t high, low;
	const char *key;
	struct article *article;
};

static void key_prefix(const char *key, uint64_t *high, uint64_t *low)
{
	unsigned char bytes[16] = {0};

	for (size_t i = 0; i < sizeof bytes && key[i] != '\0'; i++)
		bytes[i] = (unsigned char)key[i];
	*high = *low = 0;
	for (size_t i = 0; i < 8; i++) {
		*high = *high << 8 | bytes[i];
		*low = *low << 8 | bytes[8 + i];
	}
}

/* strcmp's order of the two keys. */
static int compare_key(const struct keyed_article *left,
		       const struct keyed_article *right)
{
	if (left->high != right->high)
		return left->high < right->high ? -1 : 1;
	if (left->low != right->low)
		return left->low < right->low ? -1 : 1;
	/* the same first 16 bytes: the same string when it ended there,
	 * else both go on past them */
	if ((left->low & 0xff) == 0)
		return 0;
	return strcmp(left->key + 16, right->key + 16);
}

static int compare_by_order(const struct keyed_article *left,
			    const struct keyed_article *right)
{
	return left->article->order < right->article->order ? -1
	       : left->article->order > right->article->order;
}

/* weight, title, source */
static int compare_in_section(const void *left_pointer, const void *right_pointer)
{
	const struct keyed_article *left = left_pointer, *right = right_pointer;
	int by_title;

	if (left->weight != right->weight)
		return left->weight < right->weight ? -1 : 1;
	by_title = compare_key(left, right);
	return by_title ? by_title : compare_by_order(left, right);
}

/* newest first, then source */
static int compare_recent(const void *left_pointer, const void *right_pointer)
{
	const struct keyed_article *left = left_pointer, *right = right_pointer;
	int by_date = compare_key(right, left);

	return by_date ? by_date : compare_by_order(left, right);
}

/* Sorts a section's list (recent false) or the recent list (true); the
 * articles' order must be set. */
static void sort_articles(struct article **articles, size_t count, bool recent)
{
	struct keyed_article *keyed;

	if (count < 2)
		return;
	keyed = xmalloc(count * sizeof *keyed);
	for (size_t i = 0; i < count; i++) {
		struct article *article = articles[i];
		keyed[i].article = article;
		keyed[i].weight = recent ? 0 : article->meta.weight;
		keyed[i].key = recent ? article->updated : article->meta.title;
		key_prefix(keyed[i].key, &keyed[i].high, &keyed[i].low);
	}
	qsort(keyed, count, sizeof *keyed,
	      recent ? compare_recent : compare_in_section);
	for (size_t i = 0; i < count; i++)
		articles[i] = keyed[i].article;
	free(keyed);
}

static int compare_sections(const void *left_pointer, const void *right_pointer)
{
	const struct section *left = *(struct section *const *)left_pointer;
	const struct section *right = *(struct section *const *)right_pointer;

	if (left->weight != right->weight)
		return left->weight < right->weight ? -1 : 1;
	return strcmp(left->name, right->name);
}

static int compare_tags(const void *left, const void *right)
{
	return strcmp((*(struct tag *const *)left)->name,
		      (*(struct tag *const *)right)->name);
}

/* Tags by name while they are collected (a sorted array kept sorted
 * cost 6 ms at 10,000 articles). */
struct tag_table {
	struct tag **slots;
	size_t mask;
};

static struct tag *find_or_add_tag(struct site *site, struct tag_table *table,
				   const char *name, size_t *capacity)
{
	size_t at;

	if (site->tag_count * 2 >= table->mask) {
		/* grow (also the first time: mask 0) */
		size_t size = table->mask ? (table->mask + 1) * 2 : 64;
		free(table->slots);
		table->slots = xcalloc(size, sizeof *table->slots);
		table->mask = size - 1;
		for (size_t i = 0; i < site->tag_count; i++) {
			at = (size_t)hash64_string(site->tags[i]->name, 0) & table->mask;
			while (table->slots[at] != NULL)
				at = (at + 1) & table->mask;
			table->slots[at] = site->tags[i];
		}
	}
	at = (size_t)hash64_string(name, 0) & table->mask;
	for (; table->slots[at] != NULL; at = (at + 1) & table->mask)
		if (strcmp(table->slots[at]->name, name) == 0)
			return table->slots[at];
	site->tags = xgrow(site->tags, capacity, site->tag_count + 1,
			   sizeof *site->tags);
	site->tags[site->tag_count] = xcalloc(1, sizeof **site->tags);
	site->tags[site->tag_count]->name = xstrdup(name);
	site->tags[site->tag_count]->slug = site_tag_slug(name);
	table->slots[at] = site->tags[site->tag_count];
	return site->tags[site->tag_count++];
}

static void build_tags(struct site *site)
{
	size_t capacity = 0;
	struct tag_table table = {0};

	/* walk in recent order so each tag's list is already ordered */
	for (size_t i = 0; i < site->article_count; i++) {
		struct article *article = site->recent[i];
		for (size_t t = 0; t < article->meta.tags.count; t++) {
			struct tag *tag = find_or_add_tag(site, &table,
							  article->meta.tags.items[t],
							  &capacity);
			if (tag->article_count &&
			    tag->articles[tag->article_count - 1] == article)
				continue;	/* the same tag twice */
			tag->articles = xgrow(tag->articles, &tag->article_capacity,
					      tag->article_count + 1,
					      sizeof *tag->articles);
			tag->articles[tag->article_count++] = article;
		}
	}
	free(table.slots);
	if (site->tag_count > 1)
		qsort(site->tags, site->tag_count, sizeof *site->tags,
		      compare_tags);
	for (size_t i = 1; i < site->tag_count; i++)
		if (strcmp(site->tags[i]->slug, site->tags[i - 1]->slug) == 0)
			diag_warning("content", 0, 0, "tags '%s' and '%s' share "
				     "the page /tags/%s/", site->tags[i - 1]->name,
				     site->tags[i]->name, site->tags[i]->slug);
}

/* The recent list (newest first) and the tags (which list their articles
 * in that order). Reads the articles' dates, tags and order; writes only
 * site->recent, site->tags and each article's recent_rank. */
static void *recent_and_tags(void *argument)
{
	struct site *site = argument;

	site->recent = xmalloc((site->article_count + 1) * sizeof *site->recent);
	memcpy(site->recent, site->articles,
	       site->article_count * sizeof *site->recent);
	sort_articles(site->recent, site->article_count, true);
	for (size_t i = 0; i < site->article_count; i++)
		site->recent[i]->recent_rank = i;
	build_tags(site);
	return NULL;
}

struct site *site_load(const char *root, bool with_drafts,
		       const struct site_reuse *reuse)
{
	pthread_t tail;
	bool tail_started;
	struct site *site = xcalloc(1, sizeof *site);
	struct content_scan own;
	const struct content_scan *scan = reuse ? reuse->scan : NULL;
	struct load_pool pool = {.root = root, .with_drafts = with_drafts,
				 .reuse = reuse};
	size_t capacity = 0;

	if (scan == NULL) {
		scan_content(root, &own);
		scan = &own;
	}
	site->root = xstrdup(root);
	if (!scan->top.readable)
		diag_error("content", 0, 0, "cannot read the content folder: %s",
			   strerror(scan->top.error));
	for (size_t i = 0; i < scan->top.count; i++) {
		const struct scan_entry *entry = &scan->top.entries[i];
		if (!entry->directory && entry->name[0] != '.' &&
		    ends_with(entry->name, ".md"))
			diag_warning("content", 0, 0, "'%s' ignored: "
				     "articles live in content/<section>/",
				     entry->name);
	}
	for (size_t i = 0; i < scan->section_count; i++)
		if (scan->sections[i].name[0] != '.')
			list_section(site, &scan->sections[i], &pool.jobs,
				     &pool.count, &capacity);
	load_all(&pool);
	add_loaded(site, pool.jobs, pool.count);
	free(pool.jobs);
	if (scan == &own)
		scan_free(&own);
	/* the sections and their files were listed in order: the articles
	 * come sorted by source but where a section's name sorts otherwise
	 * than its folder path ("a-b" and "a") */
	if (!sorted_by_source(site->articles, site->article_count))
		qsort(site->articles, site->article_count, sizeof *site->articles,
		      compare_sources);
	for (size_t i = 0; i < site->article_count; i++)
		site->articles[i]->order = i;
	/* the recent list and the tags in a second thread, the rest here:
	 * neither side writes what the other reads */
	tail_started = pthread_create(&tail, NULL, recent_and_tags, site) == 0;
	if (!tail_started)
		recent_and_tags(site);
	index_sources(site);
	check_duplicate_urls(site);
	for (size_t i = 0; i < site->section_count; i++)
		sort_articles(site->sections[i]->articles,
			      site->sections[i]->article_count, false);
	if (site->section_count > 1)
		qsort(site->sections, site->section_count, sizeof *site->sections,
		      compare_sections);
	if (tail_started)
		pthread_join(tail, NULL);
	return site;
}

/* ---- related articles ---- */

struct candidate {
	struct article *article;
	unsigned shared;
	size_t order;		/* position in the recent list */
};

static int compare_candidates(const void *left_pointer, const void *right_pointer)
{
	const struct candidate *left = left_pointer, *right = right_pointer;

	if (left->shared != right->shared)
		return left->shared > right->shared ? -1 : 1;
	return left->order < right->order ? -1 : left->order > right->order;
}

/* For each of an article's tags only the articles nearest it in that
 * tag's (date-ordered) list are considered, so the cost per article stays
 * flat however popular a tag is. */
#define RELATED_WINDOW 24

static struct tag *find_tag(const struct site *site, const char *name)
{
	struct tag key = {.name = (char *)name}, *key_pointer = &key, **found;

	found = site->tag_count ? bsearch(&key_pointer, site->tags, site->tag_count,
					  sizeof *site->tags, compare_tags)
				: NULL;
	return found ? *found : NULL;
}

/* The index in tag's list of the first article not newer than article. */
static size_t position_in_tag(const struct tag *tag, const struct article *article)
{
	size_t low = 0, high = tag->article_count;

	while (low < high) {
		size_t middle = (low + high) / 2;
		if (tag->articles[middle]->recent_rank < article->recent_rank)
			low = middle + 1;
		else
			high = middle;
	}
	return low;
}

/* Candidates of one article; slot[order] is an article's place among
 * them (SIZE_MAX when not one), so adding is O(1) however many share a
 * tag. */
struct candidates {
	struct candidate *items;
	size_t count, capacity;
	size_t *slot;		/* per article, by order */
};

static void add_candidate(struct candidates *set, struct article *other)
{
	size_t c = set->slot[other->order];

	if (c == SIZE_MAX) {
		set->items = xgrow(set->items, &set->capacity, set->count + 1,
				   sizeof *set->items);
		c = set->count++;
		set->items[c] = (struct candidate){other, 0, other->recent_rank};
		set->slot[other->order] = c;
	}
	set->items[c].shared++;
}

/* Moves the best min(limit, count) candidates, in order, to the front. */
static void select_best(struct candidates *set, size_t limit)
{
	size_t keep = set->count < limit ? set->count : limit;

	for (size_t i = 0; i < keep; i++) {
		size_t best = i;
		for (size_t k = i + 1; k < set->count; k++)
			if (compare_candidates(&set->items[k], &set->items[best]) < 0)
				best = k;
		if (best != i) {
			struct candidate swap = set->items[i];
			set->items[i] = set->items[best];
			set->items[best] = swap;
		}
	}
}

static void relate_article(const struct site *site, struct article *article,
			   size_t limit, struct candidates *set)
{
	size_t count;

	set->count = 0;
	for (size_t t = 0; t < article->meta.tags.count; t++) {
		const struct tag *tag = find_tag(site, article->meta.tags.items[t]);
		size_t at, from, to;

		if (tag == NULL)
			continue;
		at = position_in_tag(tag, article);
		from = at > RELATED_WINDOW ? at - RELATED_WINDOW : 0;
		to = at + RELATED_WINDOW + 1 < tag->article_count
			? at + RELATED_WINDOW + 1 : tag->article_count;
		for (size_t k = from; k < to; k++)
			if (tag->articles[k] != article)
				add_candidate(set, tag->articles[k]);
	}
	select_best(set, limit);
	/* too few sharing a tag: fill up with the article's section */
	for (size_t k = 0; set->count < limit && article->section &&
	     k < article->section->article_count; k++) {
		struct article *other = article->section->articles[k];
		if (other != article && set->slot[other->order] == SIZE_MAX)
			add_candidate(set, other);
	}
	count = set->count > limit ? limit : set->count;
	free(article->related);
	article->related = xmalloc((count + 1) * sizeof *article->related);
	for (size_t c = 0; c < count; c++)
		article->related[c] = set->items[c].article;
	article->related_count = count;
	for (size_t c = 0; c < set->count; c++)
		set->slot[set->items[c].article->order] = SIZE_MAX;
}

/* Each article's list depends only on the site, so a thread per core
 * takes batches of them, each with its own candidate set (40 ms at
 * 10,000 articles on one core, while the other waited). */
struct relate_pool {
	struct site *site;
	size_t limit;
	atomic_size_t next;
};

#define RELATE_BATCH 256

static void *relate_worker(void *argument)
{
	struct relate_pool *pool = argument;
	struct site *site = pool->site;
	struct candidates set = {0};

	set.slot = xmalloc((site->article_count + 1) * sizeof *set.slot);
	for (size_t i = 0; i < site->article_count; i++)
		set.slot[i] = SIZE_MAX;
	for (;;) {
		size_t start = atomic_fetch_add(&pool->next, RELATE_BATCH);
		size_t end = start + RELATE_BATCH;
		if (start >= site->article_count)
			break;
		if (end > site->article_count)
			end = site->article_count;
		for (size_t i = start; i < end; i++)
			relate_article(site, site->recent[i], pool->limit, &set);
	}
	free(set.items);
	free(set.slot);
	return NULL;
}

void site_compute_related(struct site *site, size_t limit)
{
	struct relate_pool pool = {.site = site, .limit = limit};
	size_t wanted = core_count();

	/* a thread costs more than a few batches */
	if (wanted > site->article_count / (4 * RELATE_BATCH) + 1)
		wanted = site->article_count / (4 * RELATE_BATCH) + 1;
	atomic_init(&pool.next, 0);
	run_threads(relate_worker, &pool, wanted);
}

void site_free(struct site *site)
{
	if (site == NULL)
		return;
	for (size_t i = 0; i < site->article_count; i++)
		site_article_free(site->articles[i]);
	for (size_t i = 0; i < site->rejected_count; i++)
		site_article_free(site->rejected[i]);
	free(site->rejected);
	for (size_t i = 0; i < site->skipped_count; i++)
		free(site->skipped[i].source);
	free(site->skipped);
	for (size_t i = 0; i < site->section_count; i++) {
		free(site->sections[i]->name);
		free(site->sections[i]->title);
		free(site->sections[i]->description);
		free(site->sections[i]->source);
		free(site->sections[i]->articles);
		free(site->sections[i]);
	}
	for (size_t i = 0; i < site->tag_count; i++) {
		free(site->tags[i]->name);
		free(site->tags[i]->slug);
		free(site->tags[i]->articles);
		free(site->tags[i]);
	}
	free(site->articles);
	free(site->by_source);
	free(site->sections);
	free(site->tags);
	free(site->recent);
	site_config_free(&site->config);
	free(site->root);
	free(site);
}

int site_article_body(const struct site *site, const struct article *article,
		      char **text, const char **body, size_t *length)
{
	char *path = path_join(site->root, article->source);
	size_t size;

	*text = NULL;
	if (read_file(path, ARTICLE_MAX_SIZE, text, &size) != 0) {
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
