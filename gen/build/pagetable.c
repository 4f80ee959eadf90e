/*
 * pagetable.c — page fingerprints by key (see pagetable.h).
 */
#include "build/pagetable.h"

#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "base/util.h"

void page_table_make(struct page_table *table, const struct page_fp *pages,
		     size_t count)
{
	size_t size = 16;

	while (size < count * 2)
		size <<= 1;
	table->pages = pages;
	table->mask = size - 1;
	table->slots = xcalloc(size, sizeof *table->slots);
	for (size_t i = 0; i < count; i++) {
		size_t slot = hash64_string(pages[i].key, 0) & table->mask;
		while (table->slots[slot] != 0)
			slot = (slot + 1) & table->mask;
		table->slots[slot] = (uint32_t)(i + 1);
	}
}

void page_table_free(struct page_table *table)
{
	free(table->slots);
	table->slots = NULL;
}

bool page_table_find(const struct page_table *table, const char *key,
		     uint64_t *fp)
{
	size_t slot = hash64_string(key, 0) & table->mask;

	for (; table->slots[slot] != 0; slot = (slot + 1) & table->mask) {
		const struct page_fp *page = &table->pages[table->slots[slot] - 1];
		if (strcmp(page->key, key) == 0) {
			*fp = page->fp;
			return true;
		}
	}
	return false;
}
