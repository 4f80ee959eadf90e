/*
 * links.c — links written in Markdown: which are relative, where each
 * points (an article page, a heading, a decision tree), and the check that
 * reports a broken one at its file:line:col.
 */
#include "content/site.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/markdown.h"

bool site_link_is_relative(const char *url)
{
	return markdown_url_scheme_length(url) == 0 && url[0] != '/' && url[0] != '?';
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

/* Why the article file source was left out by its front matter (a
 * draft, headless...), or NULL: it exists, but has no page to link to. */
static const char *held_back(const struct site *site, const char *source)
{
	for (size_t i = 0; i < site->skipped_count; i++)
		if (site->skipped[i].held_back != NULL &&
		    strcmp(site->skipped[i].source, source) == 0)
			return site->skipped[i].held_back;
	return NULL;
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
			char *path = xstrdup(section->url_path);
			char *href = site_url(site, path);
			free(path);
			return href;
		}
	}
	if (target == NULL) {
		/* a file that did not load (its front matter, its text)
		 * exists: its own errors are the ones to fix, and only
		 * checking links reports (error set) counts as a reference */
		if (error && diag_blame(target_path))
			return NULL;
		if (error && held_back(site, target_path) != NULL)
			*error = xasprintf("broken link: '%s' has no page: %s "
					   "is %s", written, target_path,
					   held_back(site, target_path));
		else if (error)
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
	if (!site_link_is_relative(url))
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
	if (self != NULL) {
		char *name;
		enum site_file file = site_file_reference(url, &name);
		if (file == SITE_FILE_BESIDE)
			href = site_file_url(site, self, name);
		free(name);
		if (file != SITE_FILE_NONE)
			goto out;	/* checked by check_article_links */
	}
	directory = directory_of(from_source);
	if (!ends_with(path, ".md") && !ends_with(path, ".yaml")) {
		/* the pages the build makes itself, written from the site's
		 * root as "../../records/": the URL they get, wherever the
		 * link is shown (kb.cgi draws tree bodies at its own URLs) */
		target = site_normalize_path(directory, path);
		if (target != NULL && strcmp(target, "records") == 0)
			href = site_url(site, "records/");
		goto out;
	}
	target = site_normalize_path(directory, path);
	if (target == NULL) {
		if (error)
			*error = xasprintf("broken link: '%s' points outside the "
					   "site", url);
		goto out;
	}
	if (ends_with(target, ".md")) {
		href = resolve_markdown_link(site, target, fragment, url, error);
	} else if (strcmp(target, "bounce-rules.yaml") == 0) {
		/* the bounce analyzer's page, which the rules make */
		if (site->has_bounce_page)
			href = site_url(site, "bounce/");
		else if (error)
			*error = xasprintf("broken link: the site has no "
					   "bounce-rules.yaml, so no /bounce/ page");
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

/* The mistake in a reference to a file beside the article, or NULL
 * (caller frees). */
static char *file_error(const struct site *site, const struct article *article,
			const char *url)
{
	char *name, *source, *path, *error = NULL;
	enum site_file file = site_file_reference(url, &name);
	struct stat status;

	if (file == SITE_FILE_OUTSIDE) {
		const char *slash = strrchr(article->source, '/');
		return xasprintf("'%s' is outside the article's folder (%.*s/): "
				 "keep its images and files beside it, or in its "
				 "bundle", url, (int)(slash - article->source),
				 article->source);
	}
	if (file == SITE_FILE_NONE)
		return NULL;
	source = site_file_source(article, name);
	path = path_join(site->root, source);
	if (stat(path, &status) != 0)
		error = xasprintf("missing file: '%s' does not exist (resolved to "
				  "%s)", url, source);
	else if (!S_ISREG(status.st_mode))
		error = xasprintf("'%s' is not a file (resolved to %s)", url,
				  source);
	free(path);
	free(source);
	free(name);
	return error;
}

/* The page (article, section, tag, alias or a page the build makes
 * itself) at output path key ("docs/a/", "" for the home page): true
 * when the build makes it; *target the article when it is one. */
static bool site_has_page(const struct site *site, const char *key,
			  const struct article **target)
{
	static const char *const made[] = {"", "tags/", "records/", "search/"};

	*target = NULL;
	for (size_t i = 0; i < sizeof made / sizeof *made; i++)
		if (strcmp(key, made[i]) == 0)
			return true;
	if ((site->has_bounce_page && strcmp(key, "bounce/") == 0) ||
	    strncmp(key, "wizard/", 7) == 0)	/* trees checked apart */
		return true;
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		if (strcmp(article->url_path, key) == 0) {
			*target = article;
			return true;
		}
	}
	for (size_t i = 0; i < site->section_count; i++) {
		if (strcmp(key, site->sections[i]->url_path) == 0)
			return true;
	}
	for (size_t i = 0; i < site->tag_count; i++)
		if (strncmp(key, "tags/", 5) == 0 &&
		    strncmp(key + 5, site->tags[i]->slug,
			    strlen(site->tags[i]->slug)) == 0 &&
		    strcmp(key + 5 + strlen(site->tags[i]->slug), "/") == 0)
			return true;
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		for (size_t k = 0; k < article->meta.aliases.count; k++) {
			char *path = site_alias_path(article->url_path,
						     article->meta.aliases.items[k]);
			bool found = path != NULL && strcmp(path, key) == 0;
			free(path);
			if (found)
				return true;
		}
	}
	return false;
}

/* The mistake in a root-relative link to a page ("/docs/a/#step"), or
 * NULL (caller frees). Only links to pages are checked: a last segment
 * with a '.' is a file (the theme's, the feed), and a path outside the
 * site's base_path belongs to another site on the host. */
static char *root_link_error(const struct site *site, const char *url)
{
	const char *base = site->config.base_path ? site->config.base_path : "/";
	const char *end = url + strcspn(url, "?#");
	const char *hash = strchr(url, '#');
	const char *last;
	const struct article *target;
	char *path, *normalized, *key, *error = NULL;

	if (url[0] != '/' || url[1] == '/')
		return NULL;
	path = percent_decode(url, (size_t)(end - url));
	last = strrchr(path, '/');
	if (strncmp(path, base, strlen(base)) != 0 || strchr(last, '.') != NULL) {
		free(path);
		return NULL;
	}
	normalized = site_normalize_path("", path + strlen(base));
	key = normalized == NULL || *normalized == '\0'
	      ? xstrdup("") : xasprintf("%s/", normalized);
	if (normalized == NULL)
		error = xasprintf("broken link: '%s' points outside the site",
				  url);
	else if (!site_has_page(site, key, &target)) {
		char *resolved = xasprintf("%s%s", base, key);
		error = strcmp(resolved, path) == 0
			? xasprintf("broken link: no page '%s' in this site", url)
			: xasprintf("broken link: no page '%s' in this site "
				    "(resolved to %s)", url, resolved);
		free(resolved);
	}
	else if (target != NULL && hash != NULL && hash[1] != '\0') {
		char *fragment = percent_decode(hash + 1, strlen(hash + 1));
		if (!site_article_has_anchor(target, fragment))
			error = xasprintf("broken anchor: %s has no heading "
					  "'#%s'", target->source, fragment);
		free(fragment);
	}
	free(key);
	free(normalized);
	free(path);
	return error;
}

static void check_article_links(const struct site *site,
				const struct article *article)
{
	char *text = NULL;

	for (size_t k = 0; k < article->link_count; k++) {
		const struct article_link *link = &article->links[k];
		char *error = file_error(site, article, link->url);
		char *href = NULL;

		if (error == NULL)
			error = root_link_error(site, link->url);
		if (error == NULL)
			href = site_resolve_link(site, article, link->url, &error);
		if (error != NULL) {
			/* the text was dropped after loading: read it again
			 * for the column (only ever for a broken link) */
			if (text == NULL) {
				char *path = path_join(site->root, article->source);
				size_t length;
				if (read_file(path, SITE_ARTICLE_MAX_SIZE, &text,
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
	site_check_section_links(site);
}

void site_check_section_links(const struct site *site)
{
	for (size_t i = 0; i < site->section_count; i++)
		if (site->sections[i]->page != NULL)
			check_article_links(site, site->sections[i]->page);
	if (site->home->page != NULL)
		check_article_links(site, site->home->page);
}

char *site_link_target(const char *from_source, const char *url)
{
	const char *hash = strchr(url, '#');
	size_t path_length = hash ? (size_t)(hash - url) : strlen(url);
	char *path, *directory, *target = NULL;

	if (path_length == 0 || !site_link_is_relative(url))
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
