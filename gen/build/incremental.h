/*
 * incremental.h — what an edit can affect, for incremental builds.
 *
 * A build compares three things with the cache of the last successful
 * build (cache.h): a fingerprint of every global input (kbgen itself,
 * site.yaml, theme/, decision-trees/, section files, the content folder's
 * layout) — when it differs, the build is a full one; the stat stamps of
 * the article files — unchanged files are not read again; and the
 * fingerprint of every generated page, computed from exactly what the page
 * shows (an article page: its file, section, related articles' titles and
 * descriptions, its link targets' URLs; a list page: the titles,
 * descriptions and dates it lists...) — only pages whose fingerprint
 * changed are rendered again, and pages no longer generated are deleted.
 */
#ifndef KB_INCREMENTAL_H
#define KB_INCREMENTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build/cache.h"
#include "html/feed.h"
#include "html/render.h"
#include "content/scan.h"
#include "content/site.h"
#include "content/tree.h"

/* Fingerprint of every global input under root (see above), including
 * the running kbgen and the options that change pages (publish's drafts,
 * future and expired, not its now: the cache says until when it holds,
 * cache_valid_until; live_reload); the content folder's layout comes
 * from scan (of root). */
uint64_t incremental_global(const char *root, const struct content_scan *scan,
			    const struct site_publish *publish, bool live_reload);

/* True when the scanned sections hold exactly the article files the cache
 * knows, each with the same stat stamp: nothing to do. */
bool incremental_unchanged(const struct content_scan *scan,
			   const struct cache *cache);

/* A key of everything site_compute_related(site, limit) reads (each
 * article's source, section, date, weight, title and tags): equal keys,
 * equal related lists. */
uint64_t incremental_related_key(const struct site *site, size_t limit);

/* What a page is, so it can be rendered again. */
enum page_kind {
	PAGE_ARTICLE, PAGE_ALIAS, PAGE_SECTION, PAGE_TAG, PAGE_TAG_INDEX,
	PAGE_HOME, PAGE_SITEMAP, PAGE_FEED, PAGE_WIZARD,
	PAGE_FILE,	/* a file beside an article, copied next to its page */
};

struct page_plan {
	struct page_fp *pages;	/* key and fingerprint, for the cache */
	enum page_kind *kinds;
	const void **objects;	/* the article, section or tag; NULL */
	size_t count;
};

/* The last build's page fingerprints, when they can stand in for the
 * pages of the articles taken from the cache: when every article read
 * again kept its front matter (so every title, date, URL, tag, weight
 * and alias is as before: no list changes) and the related lists are the
 * cached ones, such an article's page shows exactly what it showed. */
struct plan_previous {
	/* The fingerprint of the page at key, or false when unknown. */
	bool (*find)(const void *table, const char *key, uint64_t *fp);
	const void *table;
};

/* The fingerprints of every page a loaded site generates (related
 * articles must be computed); with previous (may be NULL), those of the
 * pages of articles taken from the cache come from it. The caller frees
 * with incremental_plan_free. */
void incremental_plan(const struct site *site, struct tree *const *trees,
		      size_t tree_count, const struct plan_previous *previous,
		      struct page_plan *plan);
void incremental_plan_free(struct page_plan *plan);

/* Renders page i of plan into context->out_dir. 0, or -1 after a
 * diagnostic. */
int incremental_render(const struct render_context *context,
		       struct tree *const *trees, size_t tree_count,
		       const struct page_plan *plan, size_t i,
		       const struct feed_extra *extra, size_t feed_limit);

#endif
