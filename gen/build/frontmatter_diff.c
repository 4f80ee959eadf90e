/*
 * frontmatter_diff.c — an article's front matter compared with the last
 * build's (see frontmatter_diff.h).
 */
#include "build/frontmatter_diff.h"

#include <string.h>

static bool same_text(const char *left, const char *right)
{
	return left == right ||
	       (left != NULL && right != NULL && strcmp(left, right) == 0);
}

static bool same_list(const struct string_list *left,
		      const struct string_list *right)
{
	if (left->count != right->count)
		return false;
	for (size_t i = 0; i < left->count; i++)
		if (!same_text(left->items[i], right->items[i]))
			return false;
	return true;
}

bool front_matter_same(const struct article *before, const struct article *now)
{
	const struct front_matter *a = &before->meta, *b = &now->meta;

	return same_text(before->url_path, now->url_path) &&
	       same_text(before->content_path, now->content_path) &&
	       same_text(before->updated, now->updated) &&
	       same_text(a->title, b->title) &&
	       same_text(a->description, b->description) &&
	       same_text(a->slug, b->slug) && same_text(a->date, b->date) &&
	       same_text(a->lastmod, b->lastmod) && a->draft == b->draft &&
	       a->weight == b->weight && same_list(&a->tags, &b->tags) &&
	       same_list(&a->categories, &b->categories) &&
	       same_list(&a->aliases, &b->aliases) &&
	       a->slug_line == b->slug_line && a->slug_col == b->slug_col &&
	       a->alias_line == b->alias_line && a->alias_col == b->alias_col &&
	       same_text(a->url, b->url) && a->url_line == b->url_line &&
	       a->url_col == b->url_col &&
	       same_text(a->link_title, b->link_title) &&
	       same_text(a->summary, b->summary) &&
	       same_list(&a->keywords, &b->keywords) &&
	       same_text(a->publish_date, b->publish_date) &&
	       same_text(a->expiry_date, b->expiry_date) &&
	       a->headless == b->headless && a->render == b->render &&
	       a->unlisted == b->unlisted;
}

bool front_matter_kept(const struct site *site, struct cache *cache)
{
	size_t known = 0;

	for (size_t i = 0; i < cache_file_count(cache); i++) {
		bool article;
		cache_file(cache, i, NULL, NULL, &article, NULL);
		known += article;
	}
	if (known != site->article_count)
		return false;
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *now = site->articles[i], *before;
		if (now->from_cache)
			continue;
		before = cache_previous_article(cache, now->source);
		if (before == NULL || !front_matter_same(before, now))
			return false;
	}
	return true;
}
