/*
 * feed.h — sitemap.xml, the Atom feed (feed.xml) and robots.txt, written
 * with libxml2's xmlTextWriter so every value is escaped.
 */
#ifndef KB_FEED_H
#define KB_FEED_H

#include <stddef.h>

#include "content/site.h"

/* Extra URLs (paths under the base, e.g. wizard pages) for the sitemap. */
struct feed_extra {
	const char *const *paths;
	size_t count;
};

/* Each writes into out_dir; 0, or -1 after a diagnostic. */
int feed_write_sitemap(const struct site *site, const struct feed_extra *extra,
		       const char *out_dir);
int feed_write_atom(const struct site *site, const char *out_dir, size_t limit);
int feed_write_robots(const struct site *site, const char *out_dir);

/* A front matter date as RFC 3339 ("2026-01-02" -> "2026-01-02T00:00:00Z").
 * Caller frees. */
char *feed_rfc3339(const char *date);

#endif
