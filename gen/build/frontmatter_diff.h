/*
 * frontmatter_diff.h — whether an edit changed what other pages show of
 * an article: its front matter, URL and dates, not its body.
 *
 * When no article read again changed any of that, and the set of articles
 * is the cached one, every list, tag page and feed shows what it showed,
 * and the pages of articles taken from the cache keep their fingerprints
 * (incremental.h, struct plan_previous).
 */
#ifndef KB_FRONTMATTER_DIFF_H
#define KB_FRONTMATTER_DIFF_H

#include <stdbool.h>

#include "build/cache.h"
#include "content/site.h"

/* True when before and now agree on everything but their bodies that any
 * page other than their own can show. */
bool front_matter_same(const struct article *before, const struct article *now);

/* True when site has exactly as many articles as the cache knows and
 * every article read again (not from_cache) kept its front matter. */
bool front_matter_kept(const struct site *site, struct cache *cache);

#endif
