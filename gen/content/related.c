/*
 * related.c — each article's related articles: those sharing the most
 * tags, then others of its section, computed by a few threads.
 */
#include "content/site.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

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

/* site->tags is sorted by name (site.h). */
static int compare_tag_names(const void *left, const void *right)
{
	return strcmp((*(struct tag *const *)left)->name,
		      (*(struct tag *const *)right)->name);
}

static struct tag *find_tag(const struct site *site, const char *name)
{
	struct tag key = {.name = (char *)name}, *key_pointer = &key, **found;

	found = site->tag_count ? bsearch(&key_pointer, site->tags, site->tag_count,
					  sizeof *site->tags, compare_tag_names)
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
 * takes batches of them, each with its own candidate set. */
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
