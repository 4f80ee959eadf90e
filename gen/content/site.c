/*
 * site.c — the site from its content folder: the articles (read by a few
 * threads, article.c) added to their sections, every page URL claimed
 * once, the section, recent and tag orders, and lookups by path.
 */
#include "content/site.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/hash.h"
#include "base/util.h"
#include "content/article.h"
#include "content/gitinfo.h"
#include "content/scan.h"

/* ---- lookup ---- */

static int compare_article_source(const void *key, const void *element)
{
	const struct article *article = *(struct article *const *)element;

	return strcmp(key, article->source);
}

static struct article *find_by_source(const struct site *site,
				      const char *path);

struct article *site_find_article(const struct site *site, const char *path)
{
	struct article *found;
	char *bundle;

	if (strncmp(path, "content/", 8) == 0)
		return find_by_source(site, path);
	found = find_by_source(site, path);
	if (found != NULL)
		return found;
	/* a content path names a leaf bundle's index.md as well */
	bundle = xconcat("content/", path, "/index.md", (char *)NULL);
	found = find_by_source(site, bundle);
	free(bundle);
	return found;
}

/* site_find_article but for leaf bundles. */
static struct article *find_by_source(const struct site *site,
				      const char *path)
{
	struct article **found = NULL;
	char *made = NULL, local[256];

	if (strncmp(path, "content/", 8) != 0) {
		size_t length = strlen(path);
		if (length + 12 <= sizeof local) {
			memcpy(local, "content/", 8);
			memcpy(local + 8, path, length);
			memcpy(local + 8 + length, ".md", 4);
			path = local;
		} else {
			path = made = xconcat("content/", path, ".md", (char *)NULL);
		}
	}
	if (site->by_source != NULL) {
		size_t at = (size_t)hash64_string(path, 0) & site->by_source_mask;
		for (; site->by_source[at] != NULL;
		     at = (at + 1) & site->by_source_mask)
			if (strcmp(site->by_source[at]->source, path) == 0) {
				found = &site->by_source[at];
				break;
			}
	} else if (site->article_count > 0) {
		found = bsearch(path, site->articles, site->article_count,
				sizeof *site->articles, compare_article_source);
	}
	free(made);
	return found ? *found : NULL;
}

/* Fills site->by_source (see site.h): link checks, page fingerprints and
 * the kb.db update look articles up by path, and a binary search over
 * sources that share long prefixes compares the same bytes again and
 * again. */
static void index_sources(struct site *site)
{
	size_t size = 16;

	while (size < site->article_count * 2)
		size *= 2;
	site->by_source = xcalloc(size, sizeof *site->by_source);
	site->by_source_mask = size - 1;
	for (size_t i = 0; i < site->article_count; i++) {
		size_t at = (size_t)hash64_string(site->articles[i]->source, 0) &
			    site->by_source_mask;
		while (site->by_source[at] != NULL)
			at = (at + 1) & site->by_source_mask;
		site->by_source[at] = site->articles[i];
	}
}

bool site_article_has_anchor(const struct article *article, const char *id)
{
	for (size_t i = 0; i < article->headings.count; i++)
		if (strcmp(article->headings.items[i].id, id) == 0)
			return true;
	return false;
}

/* ---- loading the site ---- */

static void section_add(struct section *section, struct article *article)
{
	section->articles = xgrow(section->articles, &section->article_capacity,
				  section->article_count + 1,
				  sizeof *section->articles);
	section->articles[section->article_count++] = article;
	article->section = section;
}

/* One article file to load; the files of every section are loaded by a
 * few threads, then added to the site in this (sorted) order, so the
 * result never depends on which thread read what. */
struct load_job {
	struct section *section;	/* NULL at the top */
	const char *folder;		/* the scan's: "" for content/ */
	char *name;
	struct article *article;
	struct file_stamp stamp;
	struct article_outcome outcome;	/* why article is NULL */
};

struct load_pool {
	const char *root;
	const struct site_publish *publish;
	const struct front_matter *cascade;	/* the home page's */
	const struct site_reuse *reuse;
	struct load_job *jobs;
	size_t count;
	atomic_size_t next;
};

static void *load_worker(void *argument)
{
	struct load_pool *pool = argument;

	for (;;) {
		size_t i = atomic_fetch_add(&pool->next, 1);
		if (i >= pool->count)
			break;
		struct load_job *job = &pool->jobs[i];
		job->article = site_load_article(pool->root, job->folder,
						 job->name, pool->publish,
						 job->section ? job->section->cascade
						 : pool->cascade,
						 pool->reuse, i, &job->stamp,
						 &job->outcome);
	}
	return NULL;
}

static void load_all(struct load_pool *pool)
{
	size_t count = core_count();

	if (count > pool->count / 16 + 1)
		count = pool->count / 16 + 1;
	atomic_init(&pool->next, 0);
	run_threads(load_worker, pool, count);
}

/* What became of the Markdown files a build read: a build that
 * publishes none of them, or drops more than half, fails (drop_check).
 * Files left out on purpose (drafts, and whatever front matter says not
 * to publish) are not dropped. */
struct drop_tally {
	size_t read, published, on_purpose;
	size_t rejected, unreadable;	/* the drops, by why */
};

/* The section named path (a folder's path under content/), or NULL. */
static struct section *find_section(const struct site *site, const char *path,
				    size_t length)
{
	for (size_t i = site->section_count; i-- > 0;)
		if (strncmp(site->sections[i]->name, path, length) == 0 &&
		    site->sections[i]->name[length] == '\0')
			return site->sections[i];
	return NULL;
}

/* The nearest section enclosing the folder at path (its parent folder's
 * section, or that one's, ...); NULL at the top. The folders are listed
 * parents first, so the section is made already. */
static struct section *enclosing_section(const struct site *site,
					 const char *path)
{
	for (const char *slash = strrchr(path, '/'); slash != NULL;) {
		size_t length = (size_t)(slash - path);
		struct section *section = find_section(site, path, length);
		if (section != NULL)
			return section;
		while (length > 0 && path[--length] != '/')
			;
		slash = length > 0 ? path + length : NULL;
	}
	return NULL;
}

/* Warns of each Markdown file inside a leaf bundle's folder (a path from
 * the site root), but its index.md: Hugo takes them for the bundle's
 * resources, never pages, which surprises a writer who meant a section. */
static void warn_bundle_markdown(const char *root, const char *folder,
				 const char *bundle, unsigned depth)
{
	char *path = path_join(root, folder);
	DIR *directory = depth < SCAN_MAX_DEPTH ? opendir(path) : NULL;
	struct dirent *entry;

	while (directory != NULL && (entry = readdir(directory)) != NULL) {
		const char *name = entry->d_name;
		size_t length = strlen(name);
		char *inner;
		if (name[0] == '.' || (depth == 0 && strcmp(name, "index.md") == 0))
			continue;
		inner = path_join(folder, name);
		if (length > 3 && strcmp(name + length - 3, ".md") == 0 &&
		    entry->d_type != DT_DIR)
			diag_warning(inner, 0, 0, "not published: it is inside "
				     "the leaf bundle %s/ (a folder with an "
				     "index.md); to make that folder a section, "
				     "rename its index.md to _index.md", bundle);
		else if (entry->d_type == DT_DIR)
			warn_bundle_markdown(root, inner, bundle, depth + 1);
		free(inner);
	}
	if (directory != NULL)
		closedir(directory);
	free(path);
}

/* Queues a scanned folder's article files, under the section its
 * articles belong to: its own when it is one (every folder of content/,
 * a deeper one with an _index.md), made here, else the one it is in. */
static void list_folder(struct site *site, const struct scan_folder *scanned,
			struct load_job **jobs, size_t *count,
			size_t *capacity)
{
	struct section *section = NULL;

	if (!scanned->readable && scanned->depth > 0) {
		/* its articles would be lost without a word */
		char *folder = site_source_path(scanned->name, "");
		folder[strlen(folder) - 1] = '\0';
		diag_error(folder, 0, 0, "cannot read the folder: %s",
			   strerror(scanned->error));
		free(folder);
	}
	if (scanned->depth == 1 || (scanned->depth > 1 && scanned->has_index)) {
		struct section *parent = enclosing_section(site, scanned->name);
		section = site_load_section(site->root, scanned->name,
					    parent ? parent->cascade
						   : site->home->cascade);
		section->parent = parent;
		site->sections = xrealloc(site->sections,
					  (site->section_count + 1) *
					  sizeof *site->sections);
		site->sections[site->section_count++] = section;
	} else if (scanned->depth > 1) {
		section = enclosing_section(site, scanned->name);
	}
	for (size_t i = 0; i < scanned->count; i++) {
		const struct scan_entry *entry = &scanned->entries[i];
		if (!entry->article)
			continue;
		if (entry->bundle) {
			char *index = site_source_path(scanned->name, entry->name);
			char *bundle = xstrndup(index, strlen(index) - 9);
			warn_bundle_markdown(site->root, bundle, bundle, 0);
			free(bundle);
			free(index);
		}
		*jobs = xgrow(*jobs, capacity, *count + 1, sizeof **jobs);
		(*jobs)[(*count)++] = (struct load_job){
			section, scanned->name, xstrdup(entry->name), NULL,
			entry->stamped ? entry->stamp : (struct file_stamp){0},
			{false, NULL, LLONG_MAX}};
	}
}

/* The section itself, or the nearest above it with a page of its own. */
static struct section *shown(struct section *section)
{
	while (section != NULL && section->headless)
		section = section->parent;
	return section;
}

/* Takes the headless sections out of site->sections (into
 * site->headless): their pages below, when published, are listed with
 * the nearest section above that has a page, and their sections are
 * that one's. */
static void hide_headless(struct site *site, struct load_job *jobs,
			  size_t count)
{
	size_t kept = 0;

	for (size_t i = 0; i < count; i++)
		jobs[i].section = shown(jobs[i].section);
	for (size_t i = 0; i < site->section_count; i++) {
		struct section *section = site->sections[i];
		section->parent = shown(section->parent);
		if (!section->headless) {
			site->sections[kept++] = section;
			continue;
		}
		site->headless = xrealloc(site->headless,
					  (site->headless_count + 1) *
					  sizeof *site->headless);
		site->headless[site->headless_count++] = section;
	}
	site->section_count = kept;
}

/* Each section's children, in the order of site->sections. */
static void link_children(struct site *site)
{
	for (size_t i = 0; i < site->section_count; i++) {
		struct section *parent = site->sections[i]->parent;
		if (parent == NULL)
			continue;
		parent->children = xrealloc(parent->children,
					    (parent->child_count + 1) *
					    sizeof *parent->children);
		parent->children[parent->child_count++] = site->sections[i];
	}
}

/* git_info: an article read without a lastmod is dated by its file's
 * last commit (else by its date, as without git_info). One taken from
 * the build cache was dated so when it was read, at the same commit: the
 * commit is in the build's global fingerprint. */
static void date_by_commits(struct load_job *jobs, size_t count,
			    const struct git_dates *dates)
{
	for (size_t i = 0; i < count; i++) {
		struct article *article = jobs[i].article;
		const char *date;
		if (article == NULL || article->from_cache || article->borrowed ||
		    article->meta.lastmod != NULL)
			continue;
		date = git_dates_find(dates, article->source);
		if (date != NULL) {
			free(article->updated);
			article->updated = xstrdup(date);
		}
	}
}

/* Adds the loaded articles to their sections and the site, in order. */
static void add_loaded(struct site *site, struct load_job *jobs, size_t count,
		       struct drop_tally *tally)
{
	size_t capacity = 0;

	tally->read += count;
	for (size_t i = 0; i < count; i++) {
		struct article *article = jobs[i].article;
		if (jobs[i].outcome.changes_at < site->publish_changes_at)
			site->publish_changes_at = jobs[i].outcome.changes_at;
		if (article == NULL) {
			if (jobs[i].outcome.on_purpose)
				tally->on_purpose++;
			else
				tally->unreadable++;
			/* a draft left out (or a file already reported) */
			site->skipped = xrealloc(site->skipped,
						 (site->skipped_count + 1) *
						 sizeof *site->skipped);
			site->skipped[site->skipped_count++] =
				(struct skipped_file){
					site_source_path(jobs[i].folder,
							 jobs[i].name),
					jobs[i].stamp, jobs[i].outcome.why};
			free(jobs[i].name);
			continue;
		}
		free(jobs[i].name);
		if (article->rejected) {
			tally->rejected++;
			site->rejected = xrealloc(site->rejected,
						  (site->rejected_count + 1) *
						  sizeof *site->rejected);
			site->rejected[site->rejected_count++] = article;
			continue;
		}
		if (jobs[i].section != NULL)
			section_add(jobs[i].section, article);
		site->articles = xgrow(site->articles, &capacity,
				       site->article_count + 1,
				       sizeof *site->articles);
		site->articles[site->article_count++] = article;
		tally->published++;
	}
}

/* Fails the build (an error on "content") when it read Markdown files
 * and published none, or dropped more than half: a layout kbgen does not
 * read must not pass as an empty site. Says the counts and the most
 * common reason. */
static void drop_check(const struct drop_tally *tally)
{
	static const char *const why[] = {
		"their front matter has errors",
		"they could not be read as UTF-8 text",
	};
	size_t counts[] = {tally->rejected, tally->unreadable};
	size_t dropped = tally->read - tally->published - tally->on_purpose;
	size_t most = 0;

	if (dropped == 0 || (tally->published > 0 && dropped * 2 <= tally->read))
		return;
	for (size_t i = 1; i < sizeof counts / sizeof *counts; i++)
		if (counts[i] > counts[most])
			most = i;
	diag_error("content", 0, 0, "%zu Markdown files read, %zu published, "
		   "%zu left out on purpose, %zu dropped; most (%zu) because %s",
		   tally->read, tally->published, tally->on_purpose, dropped,
		   counts[most], why[most]);
}


/* ---- every page URL claimed once ---- */

/* Every page URL a content file claims, to find two claiming the same. */
struct claim {
	char *url;
	const char *source;
	unsigned line, col;
	size_t order;
};

static int compare_claims(const void *left_pointer, const void *right_pointer)
{
	const struct claim *left = left_pointer, *right = right_pointer;
	int by_url = strcmp(left->url, right->url);

	if (by_url)
		return by_url;
	/* a claim written somewhere (a slug, an alias) is the one to blame */
	if ((left->line == 0) != (right->line == 0))
		return left->line == 0 ? -1 : 1;
	return left->order < right->order ? -1 : left->order > right->order;
}

static void add_claim(struct claim **claims, size_t *count, size_t *capacity,
		      char *url, const char *source, unsigned line, unsigned col)
{
	*claims = xgrow(*claims, capacity, *count + 1, sizeof **claims);
	(*claims)[*count] = (struct claim){url, source, line, col, *count};
	(*count)++;
}

static void claim_aliases(const struct article *article, struct claim **claims,
			  size_t *count, size_t *capacity)
{
	for (size_t k = 0; k < article->meta.aliases.count; k++) {
		char *path = site_alias_path(article->url_path,
						     article->meta.aliases.items[k]);
		if (path == NULL) {
			diag_error(article->source, article->meta.alias_line,
				   article->meta.alias_col,
				   "invalid alias '%s' (a path such as /old/page/)",
				   article->meta.aliases.items[k]);
			continue;
		}
		if (strcmp(path, article->url_path) == 0) {
			/* the page's own URL (Hugo's paths are lower-cased,
			 * and writers list the lower-case old one): no
			 * redirect is written, so nothing is claimed twice */
			free(path);
			continue;
		}
		add_claim(claims, count, capacity, path, article->source,
			  article->meta.alias_line, article->meta.alias_col);
	}
}

/* True when no two claims have one URL. */
static bool claims_unique(const struct claim *claims, size_t count)
{
	size_t size = 16, mask;
	const struct claim **slots;
	bool unique = true;

	while (size < count * 2)
		size *= 2;
	mask = size - 1;
	slots = xcalloc(size, sizeof *slots);
	for (size_t i = 0; i < count && unique; i++) {
		size_t at = (size_t)hash64_string(claims[i].url, 0) & mask;
		for (; slots[at] != NULL && unique; at = (at + 1) & mask)
			unique = strcmp(slots[at]->url, claims[i].url) != 0;
		slots[at] = &claims[i];
	}
	free(slots);
	return unique;
}

/* Reports two articles (or aliases, or a generated page) with one URL. */
static void check_duplicate_urls(struct site *site)
{
	static const char *const reserved[] = {"tags/", "search/", "wizard/",
					       "static/"};
	struct claim *claims = NULL;
	size_t count = 0, capacity = 0;

	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		add_claim(&claims, &count, &capacity, xstrdup(reserved[i]),
			  "(generated pages)", 0, 0);
	for (size_t i = 0; i < site->section_count; i++)
		add_claim(&claims, &count, &capacity,
			  xstrdup(site->sections[i]->url_path),
			  "(section page)", 0, 0);
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		add_claim(&claims, &count, &capacity, xstrdup(article->url_path),
			  article->source, article->slug_line, article->slug_col);
		claim_aliases(article, &claims, &count, &capacity);
	}
	/* almost always every URL is claimed once: a hash set finds that
	 * in one pass, and only a site with a duplicate pays for the sort
	 * that reports them in order */
	bool unique = claims_unique(claims, count);
	if (!unique)
		qsort(claims, count, sizeof *claims, compare_claims);
	for (size_t i = 1; i < count && !unique; i++)
		if (strcmp(claims[i].url, claims[i - 1].url) == 0)
			diag_error(claims[i].source, claims[i].line, claims[i].col,
				   "URL /%s is already used by %s", claims[i].url,
				   claims[i - 1].source);
	for (size_t i = 0; i < count; i++)
		free(claims[i].url);
	free(claims);
}

/* ---- orders: sections, recent updates, tags ---- */

static int compare_sources(const void *left, const void *right)
{
	return strcmp((*(struct article *const *)left)->source,
		      (*(struct article *const *)right)->source);
}

static bool sorted_by_source(struct article *const *articles, size_t count)
{
	for (size_t i = 1; i < count; i++)
		if (strcmp(articles[i - 1]->source, articles[i]->source) >= 0)
			return false;
	return true;
}

/* An article with its sort key (a section's list: weight, then title;
 * the recent list: newest date first), the key's first 16 bytes as two
 * big-endian numbers, which settle most comparisons without strcmp. Ties go by
 * source, that is by article->order. */
struct keyed_article {
	long weight;
	uint64_t high, low;
	const char *key;
	struct article *article;
};

static void key_prefix(const char *key, uint64_t *high, uint64_t *low)
{
	unsigned char bytes[16] = {0};

	for (size_t i = 0; i < sizeof bytes && key[i] != '\0'; i++)
		bytes[i] = (unsigned char)key[i];
	*high = *low = 0;
	for (size_t i = 0; i < 8; i++) {
		*high = *high << 8 | bytes[i];
		*low = *low << 8 | bytes[8 + i];
	}
}

/* strcmp's order of the two keys. */
static int compare_key(const struct keyed_article *left,
		       const struct keyed_article *right)
{
	if (left->high != right->high)
		return left->high < right->high ? -1 : 1;
	if (left->low != right->low)
		return left->low < right->low ? -1 : 1;
	/* the same first 16 bytes: the same string when it ended there,
	 * else both go on past them */
	if ((left->low & 0xff) == 0)
		return 0;
	return strcmp(left->key + 16, right->key + 16);
}

static int compare_by_order(const struct keyed_article *left,
			    const struct keyed_article *right)
{
	return left->article->order < right->article->order ? -1
	       : left->article->order > right->article->order;
}

/* weight, title, source */
static int compare_in_section(const void *left_pointer, const void *right_pointer)
{
	const struct keyed_article *left = left_pointer, *right = right_pointer;
	int by_title;

	if (left->weight != right->weight)
		return left->weight < right->weight ? -1 : 1;
	by_title = compare_key(left, right);
	return by_title ? by_title : compare_by_order(left, right);
}

/* newest first, then source */
static int compare_recent(const void *left_pointer, const void *right_pointer)
{
	const struct keyed_article *left = left_pointer, *right = right_pointer;
	int by_date = compare_key(right, left);

	return by_date ? by_date : compare_by_order(left, right);
}

/* Sorts a section's list (recent false) or the recent list (true); the
 * articles' order must be set. */
static void sort_articles(struct article **articles, size_t count, bool recent)
{
	struct keyed_article *keyed;

	if (count < 2)
		return;
	keyed = xmalloc(count * sizeof *keyed);
	for (size_t i = 0; i < count; i++) {
		struct article *article = articles[i];
		keyed[i].article = article;
		keyed[i].weight = recent ? 0 : article->meta.weight;
		keyed[i].key = recent ? article->updated : article->meta.title;
		key_prefix(keyed[i].key, &keyed[i].high, &keyed[i].low);
	}
	qsort(keyed, count, sizeof *keyed,
	      recent ? compare_recent : compare_in_section);
	for (size_t i = 0; i < count; i++)
		articles[i] = keyed[i].article;
	free(keyed);
}

static int compare_sections(const void *left_pointer, const void *right_pointer)
{
	const struct section *left = *(struct section *const *)left_pointer;
	const struct section *right = *(struct section *const *)right_pointer;

	if (left->weight != right->weight)
		return left->weight < right->weight ? -1 : 1;
	return strcmp(left->name, right->name);
}

static int compare_tags(const void *left, const void *right)
{
	return strcmp((*(struct tag *const *)left)->name,
		      (*(struct tag *const *)right)->name);
}

/* Tags by name while they are collected: a hash table, as keeping an
 * array sorted while adding costs a move per new tag. */
struct tag_table {
	struct tag **slots;
	size_t mask;
};

static struct tag *find_or_add_tag(struct site *site, struct tag_table *table,
				   const char *name, size_t *capacity)
{
	size_t at;

	if (site->tag_count * 2 >= table->mask) {
		/* grow (also the first time: mask 0) */
		size_t size = table->mask ? (table->mask + 1) * 2 : 64;
		free(table->slots);
		table->slots = xcalloc(size, sizeof *table->slots);
		table->mask = size - 1;
		for (size_t i = 0; i < site->tag_count; i++) {
			at = (size_t)hash64_string(site->tags[i]->name, 0) & table->mask;
			while (table->slots[at] != NULL)
				at = (at + 1) & table->mask;
			table->slots[at] = site->tags[i];
		}
	}
	at = (size_t)hash64_string(name, 0) & table->mask;
	for (; table->slots[at] != NULL; at = (at + 1) & table->mask)
		if (strcmp(table->slots[at]->name, name) == 0)
			return table->slots[at];
	site->tags = xgrow(site->tags, capacity, site->tag_count + 1,
			   sizeof *site->tags);
	site->tags[site->tag_count] = xcalloc(1, sizeof **site->tags);
	site->tags[site->tag_count]->name = xstrdup(name);
	site->tags[site->tag_count]->slug = site_tag_slug(name);
	table->slots[at] = site->tags[site->tag_count];
	return site->tags[site->tag_count++];
}

static void build_tags(struct site *site)
{
	size_t capacity = 0;
	struct tag_table table = {0};

	/* walk in recent order so each tag's list is already ordered */
	for (size_t i = 0; i < site->article_count; i++) {
		struct article *article = site->recent[i];
		for (size_t t = 0; t < article->meta.tags.count; t++) {
			struct tag *tag = find_or_add_tag(site, &table,
							  article->meta.tags.items[t],
							  &capacity);
			if (tag->article_count &&
			    tag->articles[tag->article_count - 1] == article)
				continue;	/* the same tag twice */
			tag->articles = xgrow(tag->articles, &tag->article_capacity,
					      tag->article_count + 1,
					      sizeof *tag->articles);
			tag->articles[tag->article_count++] = article;
		}
	}
	free(table.slots);
	if (site->tag_count > 1)
		qsort(site->tags, site->tag_count, sizeof *site->tags,
		      compare_tags);
	for (size_t i = 1; i < site->tag_count; i++)
		if (strcmp(site->tags[i]->slug, site->tags[i - 1]->slug) == 0)
			diag_warning("content", 0, 0, "tags '%s' and '%s' share "
				     "the page /tags/%s/", site->tags[i - 1]->name,
				     site->tags[i]->name, site->tags[i]->slug);
}

/* The recent list (newest first) and the tags (which list their articles
 * in that order). Reads the articles' dates, tags and order; writes only
 * site->recent, site->tags and each article's recent_rank. */
static void *recent_and_tags(void *argument)
{
	struct site *site = argument;

	site->recent = xmalloc((site->article_count + 1) * sizeof *site->recent);
	if (site->article_count > 0)	/* articles is NULL in an empty site */
		memcpy(site->recent, site->articles,
		       site->article_count * sizeof *site->recent);
	sort_articles(site->recent, site->article_count, true);
	for (size_t i = 0; i < site->article_count; i++)
		site->recent[i]->recent_rank = i;
	build_tags(site);
	return NULL;
}

/* ---- the site ---- */

long long site_publish_now(void)
{
	const char *fixed = getenv("KBGEN_NOW");
	long long now;

	if (fixed != NULL && front_matter_date_seconds(fixed, &now))
		return now;
	return (long long)time(NULL);
}

struct site *site_load(const char *root, const struct site_publish *publish,
		       const struct site_reuse *reuse)
{
	pthread_t tail;
	bool tail_started;
	struct site *site = xcalloc(1, sizeof *site);
	struct content_scan own;
	const struct content_scan *scan = reuse ? reuse->scan : NULL;
	struct load_pool pool = {.root = root, .publish = publish,
				 .reuse = reuse};
	size_t capacity = 0;
	struct drop_tally tally = {0};

	if (scan == NULL) {
		scan_content(root, &own);
		scan = &own;
	}
	site->root = xstrdup(root);
	if (publish != NULL)
		site->publish = *publish;
	else
		site->publish.now = site_publish_now();
	pool.publish = &site->publish;
	site->publish_changes_at = LLONG_MAX;
	{
		/* the bounce analyzer's rules make a /bounce/ page to link to */
		char *rules = path_join(root, "bounce-rules.yaml");
		site->has_bounce_page = access(rules, F_OK) == 0;
		free(rules);
	}
	site->home = site_load_section(root, "", NULL);
	pool.cascade = site->home->cascade;
	if (!scan->folders[0].readable)
		diag_error("content", 0, 0, "cannot read the content folder: %s",
			   strerror(scan->folders[0].error));
	if (scan->too_deep > 0)
		diag_warning("content", 0, 0, "%zu folder%s more than %d "
			     "levels deep not read", scan->too_deep,
			     scan->too_deep == 1 ? "" : "s", SCAN_MAX_DEPTH);
	for (size_t i = 0; i < scan->folder_count; i++)
		list_folder(site, &scan->folders[i], &pool.jobs, &pool.count,
			    &capacity);
	load_all(&pool);
	if (reuse != NULL && reuse->git_dates != NULL)
		date_by_commits(pool.jobs, pool.count, reuse->git_dates);
	hide_headless(site, pool.jobs, pool.count);
	add_loaded(site, pool.jobs, pool.count, &tally);
	drop_check(&tally);
	free(pool.jobs);
	if (scan == &own)
		scan_free(&own);
	/* the sections and their files were listed in order: the articles
	 * come sorted by source but where a section's name sorts otherwise
	 * than its folder path ("a-b" and "a") */
	if (!sorted_by_source(site->articles, site->article_count))
		qsort(site->articles, site->article_count, sizeof *site->articles,
		      compare_sources);
	for (size_t i = 0; i < site->article_count; i++)
		site->articles[i]->order = i;
	/* the recent list and the tags in a second thread, the rest here:
	 * neither side writes what the other reads */
	tail_started = pthread_create(&tail, NULL, recent_and_tags, site) == 0;
	if (!tail_started)
		recent_and_tags(site);
	index_sources(site);
	check_duplicate_urls(site);
	for (size_t i = 0; i < site->section_count; i++)
		sort_articles(site->sections[i]->articles,
			      site->sections[i]->article_count, false);
	if (site->section_count > 1)
		qsort(site->sections, site->section_count, sizeof *site->sections,
		      compare_sections);
	link_children(site);
	if (tail_started)
		pthread_join(tail, NULL);
	return site;
}

static void section_free(struct section *section)
{
	if (section == NULL)
		return;
	free(section->name);
	free(section->url_path);
	free(section->title);
	free(section->description);
	free(section->source);
	site_article_free(section->page);
	if (section->cascade != NULL) {
		front_matter_free(section->cascade);
		free(section->cascade);
	}
	free(section->articles);
	free(section->children);
	free(section);
}

void site_free(struct site *site)
{
	if (site == NULL)
		return;
	for (size_t i = 0; i < site->article_count; i++)
		site_article_free(site->articles[i]);
	for (size_t i = 0; i < site->rejected_count; i++)
		site_article_free(site->rejected[i]);
	free(site->rejected);
	for (size_t i = 0; i < site->skipped_count; i++)
		free(site->skipped[i].source);
	free(site->skipped);
	for (size_t i = 0; i < site->section_count; i++)
		section_free(site->sections[i]);
	for (size_t i = 0; i < site->headless_count; i++)
		section_free(site->headless[i]);
	free(site->headless);
	section_free(site->home);
	for (size_t i = 0; i < site->tag_count; i++) {
		free(site->tags[i]->name);
		free(site->tags[i]->slug);
		free(site->tags[i]->articles);
		free(site->tags[i]);
	}
	free(site->articles);
	free(site->by_source);
	free(site->sections);
	free(site->tags);
	free(site->recent);
	site_config_free(&site->config);
	free(site->root);
	free(site);
}
