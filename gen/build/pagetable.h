/*
 * pagetable.h — page fingerprints by key, for the two lookups of an
 * incremental build: each page of this build among the last build's, and
 * each of the last build's among this one's.
 *
 * An open-addressing hash table over an array of struct page_fp: a binary
 * search over the keys costs a string comparison per step, a table about
 * one per lookup.
 */
#ifndef KB_PAGETABLE_H
#define KB_PAGETABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "build/cache.h"

struct page_table {
	const struct page_fp *pages;	/* borrowed: outlives the table */
	uint32_t *slots;		/* index in pages + 1; 0 when empty */
	size_t mask;
};

/* Makes a table of count pages; pages must outlive it (it keeps
 * pointers). Release with page_table_free. */
void page_table_make(struct page_table *table, const struct page_fp *pages,
		     size_t count);

/* Releases the table's slots; a zeroed table may be released too. */
void page_table_free(struct page_table *table);

/* Sets *fp to the fingerprint the table has for key and returns true, or
 * returns false when key is not in it. */
bool page_table_find(const struct page_table *table, const char *key,
		     uint64_t *fp);

#endif
