/*
 * cache.h — the build cache: what the last successful build knew, kept in
 * <out>/.kbgen/cache so the next build can redo only what an edit
 * affects (see incremental.h).
 *
 * It holds: a fingerprint of every global input (kbgen itself, site.yaml,
 * the theme, the trees, section files, the content folder's layout); for
 * each article file its stat stamp and everything loading it produced
 * (front matter, headings, links, its warnings), so an unchanged file is
 * not read again; a fingerprint of every generated page; and every
 * diagnostic the build printed. The file is one binary blob written
 * atomically; anything unexpected in it makes the build a full one.
 */
#ifndef KB_CACHE_H
#define KB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "site.h"

/* A generated page (or group of pages) and the fingerprint of what it
 * was made from. key is an output path such as "delivery/x/index.html". */
struct page_fp {
	char *key;
	uint64_t fp;
};

struct cache;

/* The cache folder inside an output folder: "<out>/.kbgen". Caller frees. */
char *cache_dir(const char *out_dir);

/* Reads out_dir's cache. NULL when there is none or it cannot be used
 * (another format, truncated, damaged): the caller builds in full. The
 * caller frees with cache_free. */
struct cache *cache_read(const char *out_dir);
void cache_free(struct cache *cache);

uint64_t cache_global(const struct cache *cache);

/* Number of article files (loaded or skipped drafts) the cache knows. */
size_t cache_file_count(const struct cache *cache);

/* The i-th known file: its source path and stamp, whether it was a
 * loaded article (else a skipped draft) and then its page URL path.
 * Borrowed from the cache. */
void cache_file(const struct cache *cache, size_t i, const char **source,
		struct file_stamp *stamp, bool *article, const char **url_path);

/* The index of source among the known files, or -1. */
long cache_find(const struct cache *cache, const char *source);

/* The article as loaded last time when source is known with the same
 * stamp, else NULL. Replays the warnings loading it gave. Matches
 * site_reuse.article; safe from several threads. */
struct article *cache_article(void *cache, const char *source,
			      const struct file_stamp *stamp);

/* Page fingerprints, sorted by key. Borrowed. */
const struct page_fp *cache_pages(const struct cache *cache, size_t *count);

/* Reports again every diagnostic the cached build printed. */
void cache_replay(const struct cache *cache);

/* Writes the cache of a build that just succeeded into dir/.kbgen/cache
 * (dir is the staging folder or the output folder), atomically: global
 * fingerprint, the site's articles and skipped drafts, the page
 * fingerprints (any order) and diag's current messages. Records of
 * articles taken unchanged from previous (may be NULL) are copied from
 * it. 0, or -1 after a diagnostic. */
int cache_write(const char *dir, uint64_t global, const struct site *site,
		const struct page_fp *pages, size_t page_count,
		const struct cache *previous);

#endif
