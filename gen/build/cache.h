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
 * diagnostic the build printed; and each article's related articles, with
 * a key of everything they were computed from. Two files: the cache file,
 * written atomically by every build, and a records file of the articles
 * (appended to by incremental builds); anything unexpected in either makes
 * the build a full one.
 */
#ifndef KB_CACHE_H
#define KB_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/site.h"

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

/* What cache_read does with the two files, from their bytes in memory:
 * image is a cache file's content, records the records file's. NULL when
 * they cannot be used together, exactly when cache_read would give NULL
 * for files holding these bytes. The cache points into both images: the
 * caller keeps them unchanged until cache_free, then frees them itself.
 * Records are decoded when asked for (cache_article, cache_file), so a
 * damaged record shows there, not here. */
struct cache *cache_parse(const char *image, size_t size, const char *records,
			  size_t records_size);

/* Frees cache and every article it handed out; NULL is fine. */
void cache_free(struct cache *cache);

/* The fingerprint of every global input the cached build was made from. */
uint64_t cache_global(const struct cache *cache);

/* The moment (seconds since 1970 UTC) from which the cached build no
 * longer holds, even with no file changed: a publishDate or expiryDate
 * then publishes an article or takes one away (LLONG_MAX for never). */
long long cache_valid_until(const struct cache *cache);

/* Number of article files (loaded or skipped drafts) the cache knows. */
size_t cache_file_count(const struct cache *cache);

/* The i-th known file: its source path and stamp, whether it was a
 * loaded article (else a skipped draft) and then its page URL path
 * (NULL for a draft, or when its record is damaged). Any output may be
 * NULL. Borrowed from the cache. */
void cache_file(const struct cache *cache, size_t i, const char **source,
		struct file_stamp *stamp, bool *article, const char **url_path);

/* The index of source among the known files, or -1. */
long cache_find(const struct cache *cache, const char *source);

/* The article as loaded last time when source is known with the same
 * stamp, else NULL; hint is where source probably is among the known
 * files (looked at first). Replays the warnings loading it gave. Matches
 * site_reuse.article; safe from several threads. The article is the
 * cache's (article->borrowed; the cache must outlive it):
 * site_article_free releases only what the site added (related). */
struct article *cache_article(void *cache, const char *source, size_t hint,
			      const struct file_stamp *stamp);

/* The article source was as the cache knows it, whatever its stamp now:
 * to compare an article read again with what it was. Reports nothing
 * (its warnings are not replayed). NULL when the cache has no article
 * there, or its record is damaged. The cache's, like cache_article's. */
const struct article *cache_previous_article(struct cache *cache,
					     const char *source);

/* Page fingerprints, in the order cache_write was given them. Borrowed. */
const struct page_fp *cache_pages(const struct cache *cache, size_t *count);

/* Reports again every diagnostic the cached build printed. */
void cache_replay(const struct cache *cache);

/* Writes the cache of a build that just succeeded into dir/.kbgen/
 * (dir is the staging folder or the output folder), atomically: global
 * fingerprint, the site's articles and skipped drafts, the page
 * fingerprints (any order), diag's current messages and every article's
 * related list (computed from what related_key stands for). With previous
 * (read from the same dir; may be NULL), records of articles taken
 * unchanged from it stay where they are and only the others are appended
 * to its records file. 0, or -1 after a diagnostic. */
int cache_write(const char *dir, uint64_t global, const struct site *site,
		const struct page_fp *pages, size_t page_count,
		uint64_t related_key, const struct cache *previous);

/* cache_write in two steps, so that the cache can be written while the
 * build does something else: cache_prepare (same arguments) writes it all
 * but makes none of it count (records are only appended, or written to a
 * records file the current cache does not name; the cache file waits
 * under a temporary name); then cache_commit renames the cache file into
 * place (0, or -1 after a diagnostic), or cache_discard removes it.
 * cache_prepare only reads site and previous, and may run in a thread of
 * its own. */
int cache_prepare(const char *dir, uint64_t global, const struct site *site,
		  const struct page_fp *pages, size_t page_count,
		  uint64_t related_key, const struct cache *previous);
int cache_commit(const char *dir);
void cache_discard(const char *dir);

/* When the cache's related lists were computed from the same related_key
 * and there are as many articles, gives every article of site its list
 * from the cache (site_compute_related need not run) and returns true;
 * else false and site is unchanged. */
bool cache_related(const struct cache *cache, struct site *site,
		   uint64_t related_key);

#endif
