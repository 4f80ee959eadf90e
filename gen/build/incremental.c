/*
 * incremental.c — global fingerprint, the quick "nothing changed" scan,
 * and page fingerprints (see incremental.h).
 *
 * A page fingerprint must cover everything the page's bytes depend on,
 * or an incremental build would differ from a clean one; the randomised
 * test in tests/cli/incremental.sh compares the two after every edit.
 * Global inputs (theme, config, trees, section files) are left out here
 * on purpose: any change to them makes the build a full one.
 */
#include "build/incremental.h"
#include "build/publish.h"
#include "content/gitinfo.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html/feed.h"
#include "base/hash.h"
#include "html/render.h"
#include "base/util.h"
#include "html/wizard.h"

#define GLOBAL_FILE_MAX ((size_t)64 * 1024 * 1024)

/* ---- global inputs ---- */

static int compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

/* The names in a folder, sorted, without "." and ".."; NULL when it
 * cannot be read.
 * Folder names end with '/' (from the directory entry's type, so no file
 * needs a stat). */
static char **folder_names(const char *path, size_t *count)
{
	DIR *folder = opendir(path);
	struct dirent *entry;
	char **names = NULL;
	size_t capacity = 0;

	*count = 0;
	if (folder == NULL)
		return NULL;
	while ((entry = readdir(folder)) != NULL) {
		bool directory;
		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
			struct stat status;
			directory = fstatat(dirfd(folder), entry->d_name, &status,
					    0) == 0 && S_ISDIR(status.st_mode);
		} else {
			directory = entry->d_type == DT_DIR;
		}
		names = xgrow(names, &capacity, *count + 1, sizeof *names);
		names[(*count)++] = directory ? xasprintf("%s/", entry->d_name)
					      : xstrdup(entry->d_name);
	}
	closedir(folder);
	if (*count > 1)
		qsort(names, *count, sizeof *names, compare_names);
	return names;
}

static bool is_folder_name(const char *name)
{
	return name[strlen(name) - 1] == '/';
}

static void free_names(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Mixes a file's name and bytes (or that it is missing) into h. */
static uint64_t hash_file(const char *path, const char *name, uint64_t h)
{
	char *text;
	size_t length;

	h = hash64_string(name, h);
	if (read_file(path, GLOBAL_FILE_MAX, &text, &length) != 0)
		return hash64_u64((uint64_t)errno + 1, h);
	h = hash64(text, length, h);
	free(text);
	return h;
}

/* The running program's stat stamp (its file's device, inode, size,
 * mtime and ctime), or its bytes when it cannot be stat-ed. */
static uint64_t hash_program(uint64_t h)
{
	struct stat status;

	h = hash64_string("kbgen", h);
	if (stat("/proc/self/exe", &status) != 0)
		return hash_file("/proc/self/exe", "kbgen", h);
	h = hash64_u64((uint64_t)status.st_dev, h);
	h = hash64_u64((uint64_t)status.st_ino, h);
	h = hash64_u64((uint64_t)status.st_size, h);
	h = hash64_u64((uint64_t)status.st_mtim.tv_sec * 1000000000u +
		       (uint64_t)status.st_mtim.tv_nsec, h);
	return hash64_u64((uint64_t)status.st_ctim.tv_sec * 1000000000u +
			  (uint64_t)status.st_ctim.tv_nsec, h);
}

/* Every file under path, recursively, names relative to the root. */
static uint64_t hash_tree(const char *path, const char *name, uint64_t h)
{
	size_t count;
	char **names = folder_names(path, &count);

	h = hash64_string(name, h);
	if (names == NULL)
		return hash64_u64(0x6e6f6e65, h);	/* missing */
	for (size_t i = 0; i < count; i++) {
		char *child = path_join(path, names[i]);
		char *child_name = path_join(name, names[i]);
		if (is_folder_name(names[i]))
			h = hash_tree(child, child_name, h);
		else
			h = hash_file(child, child_name, h);
		free(child_name);
		free(child);
	}
	free_names(names, count);
	return h;
}

/* A page bundle's folder but its index.md (an article file, compared by
 * its stamp). */
static uint64_t hash_bundle(const char *path, const char *name, uint64_t h)
{
	size_t count;
	char **names = folder_names(path, &count);

	h = hash64_string(name, h);
	if (names == NULL)
		return hash64_u64(0x6e6f6e65, h);	/* missing */
	for (size_t i = 0; i < count; i++) {
		char *child = path_join(path, names[i]);
		char *child_name = path_join(name, names[i]);
		if (is_folder_name(names[i]))
			h = hash_tree(child, child_name, h);
		else if (strcmp(names[i], "index.md") != 0)
			h = hash_file(child, child_name, h);
		free(child_name);
		free(child);
	}
	free_names(names, count);
	return h;
}

/* The content folder without the article files: its layout, every
 * section's _index.md and anything else found there. */
static uint64_t hash_content(const char *root, const struct content_scan *scan,
			     uint64_t h)
{
	char *content = path_join(root, "content");

	h = hash64_u64(scan->folders[0].readable ? scan->folder_count
						  : 0xffffffffu, h);
	h = hash64_u64(scan->too_deep, h);
	for (size_t i = 0; i < scan->folder_count; i++) {
		const struct scan_folder *folder = &scan->folders[i];
		char *path = path_join(content, folder->name);

		h = hash64_string(folder->name, h);
		h = hash64_u64(folder->readable, h);
		for (size_t k = 0; k < folder->count; k++) {
			const struct scan_entry *inner = &folder->entries[k];
			char *file;
			if (inner->bundle) {
				/* its index.md is an article file; the rest
				 * of the folder is its files */
				file = path_join(path, inner->name);
				*strrchr(file, '/') = '\0';
				h = hash_bundle(file, inner->name, h);
				free(file);
				continue;
			}
			/* the article files are compared by their stamps
			 * instead (incremental_unchanged), the folders in
			 * it are folders of the scan */
			if (inner->article)
				continue;
			h = hash64_string(inner->name, h);
			h = hash64_u64(inner->directory, h);
			if (inner->directory)
				continue;
			file = path_join(path, inner->name);
			h = hash_file(file, inner->name, h);
			free(file);
		}
		free(path);
	}
	free(content);
	return h;
}

/* True when site.yaml (at path) sets git_info on: a top-level line
 * "git_info: true" (yes, on), as config.c reads it; looked at before
 * site.yaml is loaded, so without its diagnostics. */
static bool wants_git_info(const char *path)
{
	static const char *const truths[] = {"true", "yes", "on"};
	char *text;
	size_t length;
	bool wanted = false;

	if (read_file(path, GLOBAL_FILE_MAX, &text, &length) != 0)
		return false;
	for (char *line = text; line != NULL && !wanted;) {
		char *end = strchr(line, '\n');
		if (end != NULL)
			*end = '\0';
		if (strncmp(line, "git_info:", 9) == 0) {
			char *value = line + 9;
			value += strspn(value, " \t");
			for (size_t i = 0; i < 3 && !wanted; i++) {
				size_t n = strlen(truths[i]);
				wanted = strncasecmp(value, truths[i], n) == 0 &&
					 strspn(value + n, " \t\r") ==
					 strlen(value + n);
			}
		}
		line = end ? end + 1 : NULL;
	}
	free(text);
	return wanted;
}

/* With git_info, the dates articles show come from the commits: the
 * commit checked out is an input like any file. */
static uint64_t hash_git_head(const char *root, const char *site_yaml,
			      uint64_t h)
{
	char *head;

	if (!wants_git_info(site_yaml))
		return h;
	head = git_head(root);
	h = hash64_string(head ? head : "no commit", h);
	free(head);
	return h;
}

uint64_t incremental_global(const char *root, const struct content_scan *scan,
			    const struct site_publish *publish, bool live_reload)
{
	char *path;
	char resolved[PATH_MAX];
	uint64_t h = hash64_string("kbgen-global-1", 0);

	/* kbgen itself: a rebuilt kbgen may render differently. Known by
	 * its stat stamp (hashing its megabyte took a tenth of a no-change
	 * build): installing or building it again changes its inode or its
	 * ctime, which no program can set back. */
	h = hash_program(h);
	h = hash64_string(realpath(root, resolved) ? resolved : root, h);
	h = hash64_u64(publish->drafts | publish->future << 1 |
		       publish->expired << 2, h);
	h = hash64_u64(live_reload, h);
	path = path_join(root, "site.yaml");
	h = hash_file(path, "site.yaml", h);
	h = hash_git_head(root, path, h);
	free(path);
	path = path_join(root, "theme");
	h = hash_tree(path, "theme", h);
	free(path);
	path = path_join(root, "decision-trees");
	h = hash_tree(path, "decision-trees", h);
	free(path);
	path = path_join(root, "bounce-rules.yaml");
	h = hash_file(path, "bounce-rules.yaml", h);
	free(path);
	return hash_content(root, scan, h);
}

bool incremental_unchanged(const struct content_scan *scan,
			   const struct cache *cache)
{
	struct buf source = {0};
	bool same = scan->folders[0].readable &&
		    scan->article_count == cache_file_count(cache);
	/* the scan's order is the cache's (by source) but where a section's
	 * name sorts otherwise than its path: try the next file first */
	size_t next = 0;

	for (size_t i = 0; same && i < scan->folder_count; i++) {
		const struct scan_folder *folder = &scan->folders[i];
		same = folder->readable;
		for (size_t k = 0; same && k < folder->count; k++) {
			const struct scan_entry *entry = &folder->entries[k];
			struct file_stamp cached;
			long index;

			if (!entry->article)
				continue;
			buf_reset(&source);
			buf_adds(&source, "content/");
			if (*folder->name) {
				buf_adds(&source, folder->name);
				buf_addc(&source, '/');
			}
			buf_adds(&source, entry->name);
			index = -1;
			if (next < cache_file_count(cache)) {
				const char *known;
				cache_file(cache, next, &known, NULL, NULL, NULL);
				if (strcmp(known, buf_cstr(&source)) == 0)
					index = (long)next;
			}
			if (index < 0)
				index = cache_find(cache, buf_cstr(&source));
			if (index < 0 || !entry->stamped) {
				same = false;
				break;
			}
			cache_file(cache, (size_t)index, NULL, &cached, NULL, NULL);
			same = memcmp(&entry->stamp, &cached, sizeof cached) == 0;
			next = (size_t)index + 1;
		}
	}
	buf_free(&source);
	return same;
}

/* ---- related articles ---- */

uint64_t incremental_related_key(const struct site *site, size_t limit)
{
	uint64_t h = hash64_string("related-1", 0);

	h = hash64_u64(limit, h);
	h = hash64_u64(site->article_count, h);
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		h = hash64_string(article->source, h);
		h = hash64_string(article->section ? article->section->name
						   : "", h);
		h = hash64_string(article->updated, h);
		h = hash64_u64((uint64_t)article->meta.weight, h);
		h = hash64_string(article->meta.title, h);
		h = hash64_u64(article->meta.tags.count, h);
		for (size_t t = 0; t < article->meta.tags.count; t++)
			h = hash64_string(article->meta.tags.items[t], h);
	}
	return h;
}

/* ---- page fingerprints ---- */

/* What lists show of an article: URL, title, description, date, tags. */
static uint64_t display_hash(const struct article *article, uint64_t h)
{
	h = hash64_string(article->url_path, h);
	h = hash64_string(article->meta.title, h);
	h = hash64_string(site_list_title(article), h);
	h = hash64_string(site_description(article), h);
	h = hash64_u64(article->meta.unlisted, h);
	h = hash64_string(article->updated, h);
	h = hash64_u64(article->meta.tags.count, h);
	for (size_t i = 0; i < article->meta.tags.count; i++)
		h = hash64_string(article->meta.tags.items[i], h);
	return h;
}

/* A plan being made: its arrays' room, and each article's display hash
 * (computed once: list pages combine them). */
struct plan_maker {
	struct page_plan *plan;
	size_t capacity;
	const uint64_t *display;	/* by article order */
};

/* Appends a page to the plan; the plan owns key. */
static void plan_page(struct plan_maker *maker, char *key, uint64_t fp,
		      enum page_kind kind, const void *object)
{
	struct page_plan *plan = maker->plan;

	if (plan->count + 1 > maker->capacity) {
		maker->capacity = maker->capacity ? maker->capacity * 2 : 256;
		plan->pages = xrealloc(plan->pages,
				       maker->capacity * sizeof *plan->pages);
		plan->kinds = xrealloc(plan->kinds,
				       maker->capacity * sizeof *plan->kinds);
		plan->objects = xrealloc(plan->objects,
					 maker->capacity * sizeof *plan->objects);
	}
	plan->pages[plan->count] = (struct page_fp){key, fp};
	plan->kinds[plan->count] = kind;
	plan->objects[plan->count] = object;
	plan->count++;
}

/* h combined with the URLs the links of article to other articles
 * become. */
static uint64_t with_link_targets(const struct site *site,
				  const struct article *article, uint64_t h)
{
	for (size_t i = 0; i < article->link_count; i++) {
		const struct article *target;
		if (article->links[i].target == NULL)
			continue;
		target = site_find_article(site, article->links[i].target);
		h = hash64_string(target ? target->url_path : "", h);
	}
	return h;
}

static uint64_t article_fp(const struct site *site,
			   const struct article *article, const uint64_t *display)
{
	uint64_t h = hash64_string("article", 0);

	h = hash64_string(article->source, h);
	h = hash64_u64(article->text_hash, h);
	/* the titles of the sections above it are global inputs (their
	 * _index.md files), as is which section it is in (its folders) */
	h = hash64_string(article->section ? article->section->name : "", h);
	h = hash64_string(article->section ? article->section->title : "", h);
	h = hash64_u64(article->related_count, h);
	for (size_t i = 0; i < article->related_count; i++)
		h = hash64_u64(display[article->related[i]->order], h);
	return with_link_targets(site, article, h);
}

/* The article pages' fingerprints, by a thread per core: resolving every
 * link of every article is most of the plan's time. */
struct fp_pool {
	const struct site *site;
	uint64_t *display;	/* by article order */
	uint64_t *fps;		/* by article order */
	const struct plan_previous *previous;
	bool displays;		/* the first pass: display hashes */
	atomic_size_t next;
};

/* The fingerprint the last build gave an article's page, when it still
 * holds (see struct plan_previous). */
static bool previous_fp(const struct plan_previous *previous,
			const struct article *article, uint64_t *fp)
{
	char local[256];
	size_t length = strlen(article->url_path);
	bool found;

	if (previous == NULL || !article->from_cache)
		return false;
	if (length + sizeof "index.html" <= sizeof local) {
		memcpy(local, article->url_path, length);
		memcpy(local + length, "index.html", sizeof "index.html");
		return previous->find(previous->table, local, fp);
	}
	char *key = xconcat(article->url_path, "index.html", (char *)NULL);
	found = previous->find(previous->table, key, fp);
	free(key);
	return found;
}

#define FP_BATCH 256

static void *fp_worker(void *argument)
{
	struct fp_pool *pool = argument;
	size_t count = pool->site->article_count;

	for (;;) {
		size_t start = atomic_fetch_add(&pool->next, FP_BATCH);
		size_t end = start + FP_BATCH < count ? start + FP_BATCH : count;
		if (start >= count)
			break;
		for (size_t i = start; i < end; i++) {
			const struct article *article = pool->site->articles[i];
			if (pool->displays)
				pool->display[i] = display_hash(article, 0);
			else if (!previous_fp(pool->previous, article,
					      &pool->fps[i]))
				pool->fps[i] = article_fp(pool->site, article,
							  pool->display);
		}
	}
	return NULL;
}

static void article_fps(struct fp_pool *pool)
{
	size_t wanted = core_count();

	/* a thread costs more than a few batches */
	if (wanted > pool->site->article_count / (4 * FP_BATCH) + 1)
		wanted = pool->site->article_count / (4 * FP_BATCH) + 1;
	/* every display hash first: an article's fingerprint takes its
	 * related articles' */
	pool->displays = true;
	atomic_init(&pool->next, 0);
	run_threads(fp_worker, pool, wanted);
	pool->displays = false;
	atomic_init(&pool->next, 0);
	run_threads(fp_worker, pool, wanted);
}

/* h combined with what lists show of article. */
static uint64_t with_display(const struct plan_maker *maker,
			     const struct article *article, uint64_t h)
{
	return hash64_u64(maker->display[article->order], h);
}

/* h combined with the articles a listing page (a section's, a tag's)
 * shows: how many, and what it shows of each. */
static uint64_t with_listing(const struct plan_maker *maker, uint64_t h,
			     struct article *const *articles, size_t count)
{
	h = hash64_u64(count, h);
	for (size_t k = 0; k < count; k++)
		h = with_display(maker, articles[k], h);
	return h;
}

/* The files beside an article that it references, each copied next to
 * its page. A file's bytes are in the global fingerprint (the content
 * folder's other files): a changed one makes a full build, so its name
 * and source are all its fingerprint needs. */
static void plan_files(struct plan_maker *maker, const struct article *article)
{
	struct string_list names;

	site_article_files(article, &names);
	for (size_t i = 0; i < names.count; i++) {
		char *source = site_file_source(article, names.items[i]);
		uint64_t h = hash64_string("file", 0);
		h = hash64_string(source, h);
		plan_page(maker, site_file_output(article, names.items[i]), h,
			  PAGE_FILE, article);
		free(source);
	}
	string_list_free(&names);
}

/* Every article's page (fingerprints from fps), its alias pages and the
 * files it references. */
static void plan_articles(struct plan_maker *maker, const struct site *site,
			  const uint64_t *fps)
{
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		plan_page(maker, xconcat(article->url_path, "index.html",
					 (char *)NULL),
			  fps[i], PAGE_ARTICLE, article);
		for (size_t k = 0; k < article->meta.aliases.count; k++) {
			char *path = site_alias_path(article->url_path,
						     article->meta.aliases.items[k]);
			uint64_t h;
			if (path == NULL || strcmp(path, article->url_path) == 0) {
				free(path);
				continue;	/* render_aliases writes none */
			}
			h = hash64_string("alias", 0);
			h = hash64_string(path, h);
			h = hash64_string(article->url_path, h);
			h = hash64_string(article->meta.title, h);
			plan_page(maker, xasprintf("%sindex.html", path), h,
				  PAGE_ALIAS, article);
			free(path);
		}
		plan_files(maker, article);
	}
}

static void plan_sections(struct plan_maker *maker, const struct site *site)
{
	for (size_t i = 0; i < site->section_count; i++) {
		const struct section *section = site->sections[i];
		uint64_t h = hash64_string("section", 0);

		h = hash64_string(section->name, h);
		h = hash64_string(section->title, h);
		h = hash64_string(section->description, h);
		h = with_listing(maker, h, section->articles,
				 section->article_count);
		/* its _index.md is a global input, but not the articles its
		 * body links to */
		if (section->page != NULL)
			h = with_link_targets(site, section->page, h);
		plan_page(maker, xasprintf("%sindex.html", section->url_path), h,
			  PAGE_SECTION, section);
		if (section->page != NULL)
			plan_files(maker, section->page);
	}
}

/* Every tag's page, then the tag index, which lists them all. */
static void plan_tags(struct plan_maker *maker, const struct site *site)
{
	struct page_plan *plan = maker->plan;
	uint64_t h = hash64_string("tags", 0);

	for (size_t i = 0; i < site->tag_count; i++) {
		const struct tag *tag = site->tags[i];
		uint64_t page = hash64_string("tag", 0);

		page = hash64_string(tag->name, page);
		page = hash64_string(tag->slug, page);
		page = with_listing(maker, page, tag->articles,
				    tag->article_count);
		if (plan->count > 0 && plan->kinds[plan->count - 1] == PAGE_TAG &&
		    strcmp(((const struct tag *)plan->objects[plan->count - 1])->slug,
			   tag->slug) == 0) {
			/* two tags, one page (warned about): the file holds
			 * the one rendered last */
			plan->pages[plan->count - 1].fp = page;
			plan->objects[plan->count - 1] = tag;
		} else {
			plan_page(maker, xasprintf("tags/%s/index.html", tag->slug),
				  page, PAGE_TAG, tag);
		}
		h = hash64_string(tag->name, h);
		h = hash64_string(tag->slug, h);
		h = hash64_u64(tag->article_count, h);
	}
	plan_page(maker, xstrdup("tags/index.html"), h, PAGE_TAG_INDEX, NULL);
}

/* The home page, the sitemap and the Atom feed. */
static void plan_site_pages(struct plan_maker *maker, const struct site *site)
{
	/* home: sections (global), the newest articles */
	uint64_t h = hash64_string("home", 0);

	for (size_t i = 0; i < site->article_count; i++)
		h = with_display(maker, site->recent[i], h);
	if (site->home->page != NULL)
		h = with_link_targets(site, site->home->page, h);
	plan_page(maker, xstrdup("index.html"), h, PAGE_HOME, NULL);
	if (site->home->page != NULL)
		plan_files(maker, site->home->page);
	h = hash64_string("sitemap", 0);
	for (size_t i = 0; i < site->section_count; i++)
		h = hash64_string(site->sections[i]->name, h);
	for (size_t i = 0; i < site->article_count; i++) {
		h = hash64_string(site->articles[i]->url_path, h);
		h = hash64_string(site->articles[i]->updated, h);
	}
	for (size_t i = 0; i < site->tag_count; i++)
		h = hash64_string(site->tags[i]->slug, h);
	h = hash64_string(site->article_count ? site->recent[0]->updated : NULL, h);
	plan_page(maker, xstrdup("sitemap.xml"), h, PAGE_SITEMAP, NULL);
	h = hash64_string("feed", 0);
	for (size_t i = 0; i < site->article_count; i++)
		h = with_display(maker, site->recent[i], h);
	plan_page(maker, xstrdup("feed.xml"), h, PAGE_FEED, NULL);
}

/* The wizard pages show the titles and descriptions of the articles
 * outcomes point to; the trees themselves are global inputs. */
static void plan_wizard(struct plan_maker *maker, const struct site *site,
			struct tree *const *trees, size_t tree_count)
{
	uint64_t h = hash64_string("wizard", 0);

	for (size_t t = 0; t < tree_count; t++)
		for (size_t n = 0; n < trees[t]->node_count; n++)
			for (size_t a = 0; a < trees[t]->nodes[n].article_count; a++) {
				const struct article *article = site_find_article(
					site, trees[t]->nodes[n].articles[a].name);
				h = article ? with_display(maker, article, h)
					    : hash64_u64(0, h);
			}
	plan_page(maker, xstrdup("wizard/"), h, PAGE_WIZARD, NULL);
}

void incremental_plan(const struct site *site, struct tree *const *trees,
		      size_t tree_count, const struct plan_previous *previous,
		      struct page_plan *plan)
{
	uint64_t *display = xcalloc(site->article_count + 1, sizeof *display);
	uint64_t *fps = xcalloc(site->article_count + 1, sizeof *fps);
	struct fp_pool pool = {.site = site, .display = display, .fps = fps,
			       .previous = previous};
	struct plan_maker maker = {
		.plan = plan,
		.capacity = site->article_count + site->section_count +
			    site->tag_count + 16,
		.display = display,
	};

	article_fps(&pool);
	*plan = (struct page_plan){0};
	plan->pages = xmalloc(maker.capacity * sizeof *plan->pages);
	plan->kinds = xmalloc(maker.capacity * sizeof *plan->kinds);
	plan->objects = xmalloc(maker.capacity * sizeof *plan->objects);
	plan_articles(&maker, site, fps);
	plan_sections(&maker, site);
	plan_tags(&maker, site);
	plan_site_pages(&maker, site);
	plan_wizard(&maker, site, trees, tree_count);
	free(fps);
	free(display);
}

void incremental_plan_free(struct page_plan *plan)
{
	for (size_t i = 0; i < plan->count; i++)
		free(plan->pages[i].key);
	free(plan->pages);
	free(plan->kinds);
	free(plan->objects);
	*plan = (struct page_plan){0};
}

int incremental_render(const struct render_context *context,
		       struct tree *const *trees, size_t tree_count,
		       const struct page_plan *plan, size_t i,
		       const struct feed_extra *extra, size_t feed_limit)
{
	const char *key = plan->pages[i].key;
	char *alias_path;
	int rc;

	switch (plan->kinds[i]) {
	case PAGE_ARTICLE:
		return render_article(context, plan->objects[i]);
	case PAGE_ALIAS:
		/* "old/page/index.html" -> "old/page/" */
		alias_path = xstrndup(key, strlen(key) - strlen("index.html"));
		rc = render_alias_page(context, plan->objects[i], alias_path);
		free(alias_path);
		return rc;
	case PAGE_SECTION:
		return render_section(context, plan->objects[i]);
	case PAGE_TAG:
		return render_tag(context, plan->objects[i]);
	case PAGE_TAG_INDEX:
		return render_tag_index(context);
	case PAGE_HOME:
		return render_home(context);
	case PAGE_SITEMAP:
		return feed_write_sitemap(context->site, extra, context->out_dir);
	case PAGE_FEED:
		return feed_write_atom(context->site, context->out_dir, feed_limit);
	case PAGE_WIZARD:
		return wizard_render_all(context, trees, tree_count);
	case PAGE_FILE:
		/* "docs/a/shot.png": the name follows the article's URL */
		return publish_article_file(context->site->root,
					    plan->objects[i],
					    key + strlen(((const struct article *)
							  plan->objects[i])->url_path),
					    context->out_dir);
	}
	return -1;
}
