/*
 * build.c — the build pipeline.
 */
#include "build/build.h"

#include <errno.h>
#include <pthread.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

#include "build/cache.h"
#include "base/diag.h"
#include "html/feed.h"
#include "base/hash.h"
#include "build/incremental.h"
#include "db/index.h"
#include "content/lint.h"
#include "build/progress.h"
#include "build/publish.h"
#include "html/render.h"
#include "content/scan.h"
#include "content/site.h"
#include "html/theme.h"
#include "db/themestore.h"
#include "content/tree.h"
#include "db/treestore.h"
#include "html/wizard.h"
#include "base/util.h"

#define RELATED_LIMIT 5
#define FEED_LIMIT 20

struct build {
	const struct build_options *options;
	struct site *site;
	struct theme *theme;
	char *staging;
	struct tree **trees;
	size_t tree_count;
	struct wizard_links wizard_links;
	struct cache *cache;	/* the last build's, for an incremental one */
	struct content_scan scan;	/* the content folder, read once */
	uint64_t global;	/* fingerprint of the global inputs */
};

/* With KBGEN_TRACE set, says on stderr which way the build went (for
 * tests and for finding out why a build was a full one). */
static void trace(const char *format, ...)
	__attribute__((format(printf, 1, 2)));
static void trace(const char *format, ...)
{
	va_list args;
	struct buf line = {0};

	if (getenv("KBGEN_TRACE") == NULL)
		return;
	va_start(args, format);
	buf_adds(&line, "kbgen: trace: ");
	buf_vprintf(&line, format, args);
	buf_addc(&line, '\n');
	va_end(args);
	/* one write: threads trace too, and a line must not be cut */
	fflush(stderr);
	ssize_t written = write(STDERR_FILENO, line.data, line.length);
	(void)written;	/* a trace that cannot be written is dropped */
	buf_free(&line);
}

/* With KBGEN_TRACE set, says when a phase of the build ended, in
 * milliseconds since the process started (CLOCK_MONOTONIC from the first
 * call): where a build's wall time goes. */
static void trace_phase(const char *phase)
{
	static struct timespec start;
	struct timespec now;

	if (getenv("KBGEN_TRACE") == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (start.tv_sec == 0 && start.tv_nsec == 0)
		start = now;
	struct rusage usage;
	getrusage(RUSAGE_THREAD, &usage);
	trace("%s at %.0f ms (this thread: %.0f ms user, %.0f ms system)", phase,
	      (double)(now.tv_sec - start.tv_sec) * 1e3 +
	      (double)(now.tv_nsec - start.tv_nsec) / 1e6,
	      (double)usage.ru_utime.tv_sec * 1e3 + (double)usage.ru_utime.tv_usec / 1e3,
	      (double)usage.ru_stime.tv_sec * 1e3 + (double)usage.ru_stime.tv_usec / 1e3);
}

static char *search_action(const struct site_config *config)
{
	if (config->cgi_url != NULL && *config->cgi_url != '\0')
		return xasprintf("%s/search", config->cgi_url);
	return xasprintf("%ssearch/", config->base_path);
}

static bool load_theme(struct build *build)
{
	const struct site_config *config = &build->site->config;
	char *action = search_action(config);
	struct theme_config theme_config = {
		.root = build->options->root,
		.language = config->language,
		.base_path = config->base_path,
		.site_title = config->title,
		.search_action = action,
		.live_reload = build->options->live_reload,
	};

	build->theme = theme_load(&theme_config);
	free(action);
	if (build->theme == NULL)
		return false;
	theme_add_nav(build->theme, "", theme_text(build->theme, "home"));
	for (size_t i = 0; i < build->site->section_count; i++) {
		char *path = xasprintf("%s/", build->site->sections[i]->name);
		theme_add_nav(build->theme, path, build->site->sections[i]->title);
		free(path);
	}
	if (build->tree_count > 0)
		theme_add_nav(build->theme, "wizard/",
			      theme_text(build->theme, "wizard-title"));
	return true;
}

static bool tree_article_exists(void *user, const char *content_path)
{
	return site_find_article(user, content_path) != NULL;
}

static bool tree_link_exists(void *user, const char *name)
{
	const struct site *site = user;

	return site_config_link(&site->config, name) != NULL;
}

/* Loads the decision trees and lets articles link into them. */
static bool load_trees(struct build *build)
{
	struct tree_context context = {
		.article_exists = tree_article_exists,
		.link_exists = tree_link_exists,
		.user = build->site,
	};

	if (tree_load_all(build->options->root, &context, &build->trees,
			  &build->tree_count) != 0)
		return false;
	build->wizard_links = (struct wizard_links){
		build->site, build->trees, build->tree_count,
	};
	build->site->tree_links = wizard_resolve_link;
	build->site->tree_links_user = &build->wizard_links;
	return true;
}

/* The site's article with this source, for the cache's files taken in
 * order: *next walks the site's articles (both lists are sorted by
 * source), so the whole list costs one comparison per file. NULL when the
 * site has no such article. */
static const struct article *article_in_step(const struct site *site,
					     size_t *next, const char *source)
{
	while (*next < site->article_count) {
		int order = strcmp(site->articles[*next]->source, source);
		if (order > 0)
			return NULL;
		if (order == 0)
			return site->articles[(*next)++];
		(*next)++;
	}
	return NULL;
}

/* With a cache, the links of unchanged articles were all fine last time
 * and can only break through the files they point to: only articles read
 * again, and those linking to an article read again or gone, are
 * checked. */
static void check_changed_links(struct build *build)
{
	const struct site *site = build->site;
	const char **touched = xcalloc(site->article_count +
				       cache_file_count(build->cache) + 1,
				       sizeof *touched);
	size_t count = 0;

	for (size_t i = 0; i < site->article_count; i++)
		if (!site->articles[i]->from_cache)
			touched[count++] = site->articles[i]->source;
	for (size_t i = 0, next = 0; i < cache_file_count(build->cache); i++) {
		const char *source;
		bool article;
		cache_file(build->cache, i, &source, NULL, &article, NULL);
		if (article && article_in_step(site, &next, source) == NULL)
			touched[count++] = source;
	}
	qsort(touched, count, sizeof *touched, compare_strings);
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		bool check = !article->from_cache;
		for (size_t k = 0; !check && k < article->link_count; k++)
			check = article->links[k].target != NULL && count > 0 &&
				bsearch(&article->links[k].target, touched, count,
					sizeof *touched, compare_strings) != NULL;
		if (check)
			site_check_links_of(site, article);
	}
	for (size_t i = 0; i < site->rejected_count; i++)
		site_check_links_of(site, site->rejected[i]);
	free(touched);
}

/* Loads and checks everything; false when content errors were found. */
static bool load(struct build *build)
{
	struct site_config config;

	if (!site_config_load(build->options->root, &config)) {
		site_config_free(&config);
		return false;
	}
	struct site_reuse reuse = {build->cache ? cache_article : NULL,
				   build->cache, &build->scan};

	build->site = site_load(build->options->root, build->options->drafts,
				&reuse);
	trace_phase("articles loaded");
	build->site->config = config;
	if (!load_trees(build))
		return false;
	if (build->cache != NULL)
		check_changed_links(build);
	else
		site_check_links(build->site);
	wizard_check_links(build->site, build->trees, build->tree_count);
	if (!load_theme(build))
		return false;
	trace_phase("trees, links and theme checked");
	return diag_error_count() == 0;
}

/* One search row per wizard node, linking to its static page. */
static int index_tree(struct build *build, sqlite3 *db, const struct tree *tree)
{
	int rc = 0;

	if (tree->id == NULL || tree->title == NULL)
		return 0;
	for (size_t i = 0; rc == 0 && i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		char *path = xasprintf("wizard/%s/%s/", tree->id, node->id);
		char *url = site_url(build->site, path);
		char *body = NULL;
		if (node->body != NULL) {
			cmark_node *document = markdown_parse(node->body,
							      strlen(node->body));
			body = markdown_plain_text(document);
			cmark_node_free(document);
		}
		rc = index_add_node(db, url, node->title ? node->title : node->id,
				    tree->title, body);
		free(body);
		free(url);
		free(path);
	}
	return rc;
}

/* Article sections handed from the renderers to the index writer, one
 * slot per article in site order. The writer takes them in that order, so
 * row ids never depend on which thread rendered what. Renderers wait when
 * the sections waiting for the writer hold FEED_WINDOW_BYTES of text,
 * which bounds memory; the window is large enough to hold what the
 * renderers make while the writer writes one queue into FTS5 (about 0.6 s
 * at 10,000 articles), so they do not stall then: with a window of 256
 * articles they waited 1.5 to 2.3 s of a 5 to 9 s build. The article the
 * writer waits for is never held back. */
#define FEED_WINDOW_BYTES (8u << 20)

struct section_slot {
	bool ready;
	struct index_part *sections;
	size_t count;
	size_t bytes;
};

struct section_feed {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct section_slot *slots;
	size_t consumed;
	size_t pending_bytes;	/* text in ready slots not yet taken */
	bool closed;		/* no more slots will be filled */
};

/* render_context.article_parsed: runs in a rendering thread. */
static void feed_article(void *user, const struct article *article,
			 cmark_node *document)
{
	struct section_feed *feed = user;
	struct index_part *sections;
	size_t count;

	size_t bytes = 0;

	index_parts_make(article, document, &sections, &count);
	for (size_t i = 0; i < count; i++)
		bytes += strlen(sections[i].text) + 1;
	pthread_mutex_lock(&feed->lock);
	while (article->order > feed->consumed && !feed->closed &&
	       feed->pending_bytes + bytes > FEED_WINDOW_BYTES)
		pthread_cond_wait(&feed->changed, &feed->lock);
	feed->slots[article->order] =
		(struct section_slot){true, sections, count, bytes};
	feed->pending_bytes += bytes;
	/* only the writer waits for a slot to be filled */
	if (article->order == feed->consumed)
		pthread_cond_broadcast(&feed->changed);
	pthread_mutex_unlock(&feed->lock);
}

/* Takes article i's sections from the feed, waiting for them; false when
 * the renderers stopped before producing them. */
static bool feed_take(struct section_feed *feed, size_t i,
		      struct section_slot *out)
{
	bool ready;

	pthread_mutex_lock(&feed->lock);
	while (!feed->slots[i].ready && !feed->closed)
		pthread_cond_wait(&feed->changed, &feed->lock);
	ready = feed->slots[i].ready;
	*out = feed->slots[i];
	feed->pending_bytes -= out->bytes;
	feed->slots[i] = (struct section_slot){0};
	feed->consumed = i + 1;
	pthread_cond_broadcast(&feed->changed);
	pthread_mutex_unlock(&feed->lock);
	return ready;
}

static void feed_close(struct section_feed *feed)
{
	pthread_mutex_lock(&feed->lock);
	feed->closed = true;
	pthread_cond_broadcast(&feed->changed);
	pthread_mutex_unlock(&feed->lock);
}

/* Indexes one article: from the feed, or (feed NULL) by parsing it. */
static int index_article(struct build *build, sqlite3 *db,
			 struct section_feed *feed, const struct article *article)
{
	struct section_slot slot = {0};
	int rc;

	if (feed != NULL) {
		if (!feed_take(feed, article->order, &slot))
			return -1;	/* rendering failed; reported there */
	} else {
		char *text;
		const char *body;
		size_t length;
		cmark_node *document;
		if (site_article_body(build->site, article, &text, &body,
				      &length) != 0)
			return -1;
		document = markdown_parse(body, length);
		free(text);
		index_parts_make(article, document, &slot.sections,
				    &slot.count);
		cmark_node_free(document);
	}
	rc = index_add_article(db, build->site, article, slot.sections,
			       slot.count);
	index_parts_free(slot.sections, slot.count);
	return rc;
}

static int write_index(struct build *build, struct section_feed *feed)
{
	char *path = path_join(build->staging, "kb.db");
	sqlite3 *db;
	int rc = index_open(path, &db);

	if (rc == 0)
		index_expect_articles(db, build->site->article_count);
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++)
		rc = index_article(build, db, feed, build->site->articles[i]);
	for (size_t t = 0; rc == 0 && t < build->tree_count; t++)
		rc = index_tree(build, db, build->trees[t]);
	if (rc == 0)
		rc = treestore_write(db, build->site, build->trees,
				     build->tree_count);
	if (rc == 0) {
		char *action = search_action(&build->site->config);
		rc = themestore_write(db, build->options->root,
				      &build->site->config, build->theme, action);
		free(action);
	}
	trace_phase("index rows queued");
	if (db != NULL)
		rc = index_close(db, path, rc == 0) == 0 ? rc : -1;
	trace_phase("kb.db closed");
	free(path);
	return rc;
}

/* Articles are rendered by a pool of threads, one per core, sharing a
 * counter; the search index is written meanwhile by one more thread
 * (SQLite has a single writer). Every page is its own file and the index
 * rows go in a fixed order, so the output stays byte-identical whatever
 * the timing.
 *
 * The index writer is the longer job (FTS5 takes about as much CPU as
 * rendering, and its last queue can only be written after the last page
 * is parsed), so the renderers run at a lower priority (RENDER_NICE):
 * whenever the writer has work it gets a core, and the renderers use
 * the rest of the machine. One renderer and the writer at equal priority
 * left a core idle whenever the writer waited for pages. */
#define RENDER_NICE 10

struct article_pool {
	const struct render_context *context;
	atomic_size_t next;
	atomic_int failed;
	bool yield_to_writer;
};

static void *render_articles(void *argument)
{
	struct article_pool *pool = argument;
	const struct site *site = pool->context->site;

	/* Linux: a thread's nice value is its own (the calling thread only,
	 * and never raised again: it ends with the pool) */
	if (pool->yield_to_writer)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), RENDER_NICE);

	for (;;) {
		size_t i = atomic_fetch_add(&pool->next, 1);
		if (i >= site->article_count || atomic_load(&pool->failed))
			break;
		if (render_article(pool->context, site->articles[i]) != 0)
			atomic_store(&pool->failed, 1);
		progress_step(1);
	}
	return NULL;
}

static size_t render_thread_count(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 1 ? (size_t)cores : 1;
}

/* Renders every article page. With a writer running (writer_running),
 * the pool's threads yield to it; the calling thread only waits, so its
 * priority is left alone. */
static int render_all_articles(const struct render_context *context,
			       bool writer_running)
{
	struct article_pool pool = {
		.context = context,
		.yield_to_writer = writer_running,
	};
	size_t count = render_thread_count();
	pthread_t *threads = xcalloc(count, sizeof *threads);
	size_t started = 0;

	atomic_init(&pool.next, 0);
	atomic_init(&pool.failed, 0);
	for (; started < count; started++)
		if (pthread_create(&threads[started], NULL, render_articles, &pool) != 0)
			break;
	if (started == 0) {	/* no thread: render here, at full priority */
		pool.yield_to_writer = false;
		render_articles(&pool);
	}
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return atomic_load(&pool.failed) ? -1 : 0;
}

struct index_job {
	struct build *build;
	struct section_feed *feed;
	int rc;
};

static void *index_thread(void *argument)
{
	struct index_job *job = argument;

	job->rc = write_index(job->build, job->feed);
	return NULL;
}

static int write_cache(struct build *build, const char *dir);

/* Renders every page into build->staging and writes kb.db and the build
 * cache there. 0, or -1 after a diagnostic. */
static int render_all(struct build *build)
{
	struct render_context context = {
		.site = build->site,
		.theme = build->theme,
		.out_dir = build->staging,
	};
	char *static_source = path_join(build->options->root, "theme/static");
	char *static_target = path_join(build->staging, "static");
	struct wizard_entries entries;
	struct wizard_paths paths;
	struct feed_extra extra;
	struct section_feed feed = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.changed = PTHREAD_COND_INITIALIZER,
		.slots = xcalloc(build->site->article_count + 1,
				 sizeof *feed.slots),
	};
	struct index_job index = {.build = build, .feed = &feed};
	pthread_t indexer;
	bool index_running;
	int rc = 0;

	wizard_entries_make(build->trees, build->tree_count, &entries);
	wizard_paths_make(build->trees, build->tree_count, &paths);
	extra = (struct feed_extra){paths.paths, paths.count};
	context.wizards = entries.items;
	context.wizard_count = entries.count;
	site_compute_related(build->site, RELATED_LIMIT);
	trace_phase("related articles computed");
	index_running = pthread_create(&indexer, NULL, index_thread, &index) == 0;
	if (index_running) {
		context.article_parsed = feed_article;
		context.article_parsed_user = &feed;
	}
	progress_begin(build->site->article_count, build->options->quiet);
	rc = render_all_articles(&context, index_running);
	progress_end();
	trace_phase("articles rendered");
	feed_close(&feed);
	if (rc == 0)
		rc = wizard_render_all(&context, build->trees, build->tree_count);
	if (rc == 0)
		rc = render_sections(&context);
	if (rc == 0)
		rc = render_tags(&context);
	if (rc == 0)
		rc = render_home(&context);
	if (rc == 0)
		rc = render_not_found(&context);
	if (rc == 0)
		rc = render_search_page(&context);
	if (rc == 0)
		rc = render_aliases(&context);
	if (rc == 0)
		rc = publish_copy_tree(static_source, static_target);
	if (rc == 0)
		rc = feed_write_sitemap(build->site, &extra, build->staging);
	if (rc == 0)
		rc = feed_write_atom(build->site, build->staging, FEED_LIMIT);
	if (rc == 0)
		rc = feed_write_robots(build->site, build->staging);
	trace_phase("other pages rendered");
	/* while the index writer finishes: the cache reads the site only,
	 * and a diagnostic from the writer fails the build, cache and all */
	if (rc == 0)
		rc = write_cache(build, build->staging);
	trace_phase("cache written");
	if (index_running)
		pthread_join(indexer, NULL);
	else
		index.rc = write_index(build, NULL);
	trace_phase("kb.db written");
	for (size_t i = 0; i < build->site->article_count; i++)
		index_parts_free(feed.slots[i].sections, feed.slots[i].count);
	free(feed.slots);
	if (rc == 0)
		rc = index.rc;
	wizard_paths_free(&paths);
	wizard_entries_free(&entries);
	free(static_source);
	free(static_target);
	return rc;
}

/* ---- the build cache and incremental builds ---- */

/* Writes the cache describing this build into dir (staging or output). */
static int write_cache(struct build *build, const char *dir)
{
	struct page_plan plan;
	int rc;

	incremental_plan(build->site, build->trees, build->tree_count, NULL,
			 &plan);
	rc = cache_write(dir, build->global, build->site, plan.pages, plan.count,
			 incremental_related_key(build->site, RELATED_LIMIT), NULL);
	incremental_plan_free(&plan);
	return rc;
}

/* Files of an incremental build are rendered into a staging folder
 * beside the output (publish_begin's), and kb.db is updated in a copy
 * there, so the output is untouched while the build works. Then the
 * journal <out>/.kbgen/journal is written, listing every move (kb.db's
 * among them) and deletion; the moves are made and the journal removed. A build killed after writing the journal
 * is completed by the next one (journal_replay) instead of leaving a mix.
 * Entries are NUL-ended: 'S' staging folder (first), 'M' path (move from
 * it), 'D' path (delete). */
static char *journal_path(const char *out_dir)
{
	char *folder = cache_dir(out_dir);
	char *path = path_join(folder, "journal");

	free(folder);
	return path;
}

/* Removes out_dir/relative and the folders above it that became empty. */
static void delete_output(const char *out_dir, const char *relative)
{
	char *path = path_join(out_dir, relative);
	char *slash;

	if (unlink(path) != 0 && errno != ENOENT && errno != EISDIR)
		diag_warning(path, 0, 0, "cannot remove: %s", strerror(errno));
	while ((slash = strrchr(path, '/')) != NULL &&
	       (size_t)(slash - path) > strlen(out_dir)) {
		*slash = '\0';
		if (rmdir(path) != 0)
			break;
	}
	free(path);
}

static int move_output(const char *new_dir, const char *out_dir,
		       const char *relative)
{
	char *from = path_join(new_dir, relative);
	char *to = path_join(out_dir, relative);
	char *slash = strrchr(to, '/');
	int rc = 0;

	if (rename(from, to) != 0 && errno == ENOENT && slash != NULL) {
		*slash = '\0';
		make_dirs(to);
		*slash = '/';
		if (rename(from, to) != 0 && errno != ENOENT)
			rc = -1;
	}
	if (rc != 0)
		diag_error(to, 0, 0, "cannot write: %s", strerror(errno));
	free(from);
	free(to);
	return rc;
}

static int apply_journal(const char *out_dir, const char *text, size_t length)
{
	const char *staging = NULL;
	int rc = 0;

	for (size_t at = 0; at + 1 < length;) {
		const char *entry = text + at + 1;
		size_t entry_length = strnlen(entry, length - at - 1);
		if (at + 1 + entry_length >= length)
			break;		/* torn tail: not a complete entry */
		if (text[at] == 'S')
			staging = entry;
		else if (text[at] == 'M' && staging != NULL)
			rc |= move_output(staging, out_dir, entry);
		else if (text[at] == 'D')
			delete_output(out_dir, entry);
		at += 2 + entry_length;
	}
	if (staging != NULL)
		remove_tree(staging);
	return rc;
}

/* Completes the moves of an incremental build that was interrupted. */
static int journal_replay(const char *out_dir)
{
	char *path = journal_path(out_dir);
	char *text;
	size_t length;
	int rc = 0;

	if (read_file(path, (size_t)1 << 30, &text, &length) == 0) {
		rc = apply_journal(out_dir, text, length);
		free(text);
		if (rc == 0)
			unlink(path);
	}
	free(path);
	return rc;
}

static void journal_add(struct buf *journal, char kind, const char *path)
{
	buf_addc(journal, kind);
	buf_add(journal, path, strlen(path));
	buf_addc(journal, '\0');
}

/* Every file under dir, as paths relative to base, into journal. */
static void journal_files(struct buf *journal, const char *dir,
			  const char *relative)
{
	DIR *folder = opendir(dir);
	struct dirent *entry;

	if (folder == NULL)
		return;
	while ((entry = readdir(folder)) != NULL) {
		char *path, *name;
		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		path = path_join(dir, entry->d_name);
		name = *relative ? path_join(relative, entry->d_name)
				 : xstrdup(entry->d_name);
		if (entry->d_type == DT_DIR)
			journal_files(journal, path, name);
		else
			journal_add(journal, 'M', name);
		free(name);
		free(path);
	}
	closedir(folder);
}

/* Page fingerprints by key: an open-addressing table over an array of
 * page_fp, for the two lookups of an incremental build (each page of this
 * build among the last build's, each of the last build's among this
 * one's). A binary search made them 300,000 string comparisons at 10,000
 * articles, a tenth of a body edit's time. */
struct page_table {
	const struct page_fp *pages;
	uint32_t *slots;	/* index in pages + 1; 0 when empty */
	size_t mask;
};

static void page_table_make(struct page_table *table,
			    const struct page_fp *pages, size_t count)
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

static void page_table_free(struct page_table *table)
{
	free(table->slots);
	table->slots = NULL;
}

/* The fingerprint the table has for key, or false. */
static bool page_table_find(const struct page_table *table, const char *key,
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

/* Sections of the articles rendered again, for their kb.db rows. */
struct reindexed {
	const struct article *article;
	struct index_part *sections;
	size_t count;
};

struct reindex {
	struct reindexed *items;
	size_t count, capacity;
};

static void reindex_add(void *user, const struct article *article,
			cmark_node *document)
{
	struct reindex *reindex = user;
	struct reindexed *item;

	reindex->items = xgrow(reindex->items, &reindex->capacity,
			       reindex->count + 1, sizeof *reindex->items);
	item = &reindex->items[reindex->count++];
	item->article = article;
	index_parts_make(article, document, &item->sections, &item->count);
}

static void reindex_free(struct reindex *reindex)
{
	for (size_t i = 0; i < reindex->count; i++)
		index_parts_free(reindex->items[i].sections,
				    reindex->items[i].count);
	free(reindex->items);
}

/* Parses an article that was read again but whose page did not change
 * (its file was touched, or only its search rows depend on the edit). */
static int reindex_parse(struct build *build, struct reindex *reindex,
			 const struct article *article)
{
	char *text;
	const char *body;
	size_t length;
	cmark_node *document;

	if (site_article_body(build->site, article, &text, &body, &length) != 0)
		return -1;
	document = markdown_parse(body, length);
	free(text);
	reindex_add(reindex, article, document);
	cmark_node_free(document);
	return 0;
}

/* Writes the updated kb.db into new_dir, the staging folder, from a copy
 * of the published one: rows of articles gone, moved or read again are
 * replaced; the trees' tables are rewritten when what they show of
 * articles changed. The journal then moves it over the published kb.db
 * with the pages, in one rename: kb.cgi reads the old file or the new
 * one, never one half written, whenever the build is killed, and no
 * rollback journal ever appears in the output. 1 when the file must be
 * rebuilt (a full build). */
static int update_index(struct build *build, struct reindex *reindex,
			bool wizard_changed, const char *new_dir)
{
	char *published = path_join(build->options->out_dir, "kb.db");
	char *hot = path_join(build->options->out_dir, "kb.db-journal");
	char *path = path_join(new_dir, "kb.db");
	sqlite3 *db;
	int rc;

	/* missing (someone removed it), or left with a hot journal by an
	 * older kbgen that updated it in place: build it afresh */
	rc = access(published, F_OK) != 0 || access(hot, F_OK) == 0;
	free(hot);
	if (rc == 0 && publish_copy_file(published, path) != 0)
		rc = -1;
	free(published);
	if (rc != 0) {
		free(path);
		return rc;
	}
	rc = index_open_update(path, &db);
	if (rc != 0) {
		free(path);
		return rc == INDEX_REBUILD ? 1 : -1;
	}
	for (size_t i = 0, next = 0;
	     rc == 0 && i < cache_file_count(build->cache); i++) {
		const char *source, *url_path;
		bool article;
		const struct article *now;
		char *url;
		cache_file(build->cache, i, &source, NULL, &article, NULL);
		if (!article)
			continue;
		now = article_in_step(build->site, &next, source);
		if (now != NULL && now->from_cache)
			continue;	/* its rows stay */
		cache_file(build->cache, i, NULL, NULL, NULL, &url_path);
		if (url_path == NULL) {
			rc = 1;	/* a damaged record: rebuild kb.db afresh */
			break;
		}
		url = site_url(build->site, url_path);
		rc = index_remove_article(db, url);
		free(url);
	}
	for (size_t i = 0; rc == 0 && i < reindex->count; i++) {
		const struct reindexed *item = &reindex->items[i];
		if (item->article->from_cache)
			continue;	/* re-rendered for a neighbour's sake */
		rc = index_add_article(db, build->site, item->article,
				       item->sections, item->count);
	}
	if (rc == 0 && wizard_changed)
		rc = treestore_write(db, build->site, build->trees,
				     build->tree_count);
	if (index_close(db, path, rc == 0) != 0 && rc == 0)
		rc = -1;
	free(path);
	return rc;
}

static bool same_text(const char *left, const char *right)
{
	return left == right ||
	       (left != NULL && right != NULL && strcmp(left, right) == 0);
}

static bool same_list(const struct string_list *left,
		      const struct string_list *right)
{
	if (left->count != right->count)
		return false;
	for (size_t i = 0; i < left->count; i++)
		if (!same_text(left->items[i], right->items[i]))
			return false;
	return true;
}

/* Everything of an article but its body, as far as pages other than its
 * own can show it. */
static bool same_front_matter(const struct article *left,
			      const struct article *right)
{
	const struct front_matter *a = &left->meta, *b = &right->meta;

	return same_text(left->url_path, right->url_path) &&
	       same_text(left->content_path, right->content_path) &&
	       same_text(left->updated, right->updated) &&
	       same_text(a->title, b->title) &&
	       same_text(a->description, b->description) &&
	       same_text(a->slug, b->slug) && same_text(a->date, b->date) &&
	       same_text(a->lastmod, b->lastmod) && a->draft == b->draft &&
	       a->weight == b->weight && same_list(&a->tags, &b->tags) &&
	       same_list(&a->categories, &b->categories) &&
	       same_list(&a->aliases, &b->aliases) &&
	       a->slug_line == b->slug_line && a->slug_col == b->slug_col &&
	       a->alias_line == b->alias_line && a->alias_col == b->alias_col;
}

/* True when the site has the articles the cache knows, and every one read
 * again kept its front matter (struct plan_previous). */
static bool front_matter_kept(struct build *build)
{
	const struct site *site = build->site;
	size_t known = 0;

	for (size_t i = 0; i < cache_file_count(build->cache); i++) {
		bool article;
		cache_file(build->cache, i, NULL, NULL, &article, NULL);
		known += article;
	}
	if (known != site->article_count)
		return false;
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *now = site->articles[i], *before;
		if (now->from_cache)
			continue;
		before = cache_previous_article(build->cache, now->source);
		if (before == NULL || !same_front_matter(before, now))
			return false;
	}
	return true;
}

static bool find_previous_fp(const void *table, const char *key, uint64_t *fp)
{
	return page_table_find(table, key, fp);
}

/* cache_prepare in a thread of its own (cache.h). */
struct cache_writer {
	struct build *build;	/* NULL: not started */
	const char *out_dir;
	const struct page_plan *plan;
	uint64_t related_key;
	int rc;
};

static void *write_cache_thread(void *argument)
{
	struct cache_writer *writer = argument;

	writer->rc = cache_prepare(writer->out_dir, writer->build->global,
				   writer->build->site, writer->plan->pages,
				   writer->plan->count, writer->related_key,
				   writer->build->cache);
	return NULL;
}

/* More pages than this to redo and a full build (which uses every core
 * and writes kb.db afresh) is the faster way. */
#define INCREMENTAL_MAX_PAGES 2000

/* Brings the published output up to date with what changed since the
 * cached build. 0 done, 1 when a full build is needed instead, -1 after a
 * diagnostic (the output then still has every page it had, or the moves
 * are completed by the next build). */
static int build_incremental(struct build *build)
{
	const char *out_dir = build->options->out_dir;
	char *new_dir = NULL;
	char *journal_file = journal_path(out_dir);
	struct render_context context = {
		.site = build->site,
		.theme = build->theme,
	};
	struct reindex reindex = {0};
	struct wizard_entries entries;
	struct wizard_paths paths;
	struct feed_extra extra;
	struct page_plan plan;
	const struct page_fp *old_pages;
	size_t old_count, dirty_count = 0;
	bool *dirty, wizard_changed = false;
	uint64_t related_key;
	struct buf journal = {0};
	struct page_table old_table = {0}, new_table = {0};
	struct cache_writer writer = {0};
	struct plan_previous previous;
	bool related_kept, lists_kept;
	pthread_t writer_thread;
	bool writing = false;
	int rc = 0;

	/* the related lists stay the same unless what they are computed
	 * from changed (dates, tags, titles, weights, the set of articles) */
	related_key = incremental_related_key(build->site, RELATED_LIMIT);
	related_kept = cache_related(build->cache, build->site, related_key);
	if (!related_kept)
		site_compute_related(build->site, RELATED_LIMIT);
	trace_phase("related articles");
	old_pages = cache_pages(build->cache, &old_count);
	page_table_make(&old_table, old_pages, old_count);
	previous = (struct plan_previous){find_previous_fp, &old_table};
	lists_kept = related_kept && front_matter_kept(build);
	trace("incremental: %s", lists_kept ? "only article bodies changed"
		: "front matter or the set of articles changed");
	incremental_plan(build->site, build->trees, build->tree_count,
			 lists_kept ? &previous : NULL, &plan);
	trace_phase("page fingerprints");
	dirty = xcalloc(plan.count + 1, sizeof *dirty);
	for (size_t i = 0; i < plan.count; i++) {
		uint64_t fp;
		dirty[i] = !page_table_find(&old_table, plan.pages[i].key, &fp) ||
			   fp != plan.pages[i].fp;
		dirty_count += dirty[i];
		if (dirty[i] && plan.kinds[i] == PAGE_WIZARD)
			wizard_changed = true;
	}
	trace("incremental: %zu of %zu pages to render", dirty_count, plan.count);
	if (dirty_count > INCREMENTAL_MAX_PAGES) {
		rc = 1;
		goto out;
	}
	wizard_entries_make(build->trees, build->tree_count, &entries);
	wizard_paths_make(build->trees, build->tree_count, &paths);
	extra = (struct feed_extra){paths.paths, paths.count};
	context.wizards = entries.items;
	context.wizard_count = entries.count;
	context.article_parsed = reindex_add;
	context.article_parsed_user = &reindex;
	new_dir = publish_begin(out_dir);
	if (new_dir == NULL)
		rc = -1;
	context.out_dir = new_dir;
	for (size_t i = 0; rc == 0 && i < plan.count; i++)
		if (dirty[i])
			rc = incremental_render(&context, build->trees,
						build->tree_count, &plan, i, &extra,
						FEED_LIMIT);
	/* articles read again whose page stayed the same still get their
	 * search rows written again */
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++) {
		const struct article *article = build->site->articles[i];
		bool rendered = false;
		if (article->from_cache)
			continue;
		for (size_t k = 0; k < reindex.count && !rendered; k++)
			rendered = reindex.items[k].article == article;
		if (!rendered)
			rc = reindex_parse(build, &reindex, article);
	}
	trace_phase("pages rendered");
	if (rc == 0) {
		/* pages no longer generated ("wizard/" is a group, not a file) */
		page_table_make(&new_table, plan.pages, plan.count);
		/* the new cache is written meanwhile, and counts only once
		 * kb.db and the pages are in place */
		if (rc == 0) {
			writer = (struct cache_writer){build, out_dir, &plan,
						       related_key, -1};
			writing = pthread_create(&writer_thread, NULL,
						 write_cache_thread, &writer) == 0;
			if (!writing)
				write_cache_thread(&writer);
		}
		if (rc == 0)
			rc = update_index(build, &reindex, wizard_changed,
					  new_dir);
		trace_phase("kb.db updated");
		if (rc == 0) {
			journal_add(&journal, 'S', new_dir);
			journal_files(&journal, new_dir, "");
			for (size_t i = 0; i < old_count; i++) {
				uint64_t fp;
				const char *key = old_pages[i].key;
				if (key[strlen(key) - 1] != '/' &&
				    !page_table_find(&new_table, key, &fp))
					journal_add(&journal, 'D', key);
			}
			if (write_file(journal_file, journal.data,
				       journal.length) != 0) {
				diag_error(journal_file, 0, 0,
					   "cannot write: %s", strerror(errno));
				rc = -1;
			}
		}
	}
	if (rc == 0) {
		rc = apply_journal(out_dir, journal.data, journal.length);
		if (rc == 0)
			unlink(journal_file);
	} else if (new_dir != NULL) {
		publish_abort(new_dir);
	}
	trace_phase("output moved");
	if (writing)
		pthread_join(writer_thread, NULL);
	if (writer.build != NULL) {
		if (rc == 0 && writer.rc == 0)
			rc = cache_commit(out_dir);
		else
			cache_discard(out_dir);
		if (rc == 0 && writer.rc != 0)
			rc = -1;
	}
	trace_phase("cache written");
	wizard_paths_free(&paths);
	wizard_entries_free(&entries);
out:
	buf_free(&journal);
	page_table_free(&old_table);
	page_table_free(&new_table);
	reindex_free(&reindex);
	free(dirty);
	incremental_plan_free(&plan);
	free(journal_file);
	free(new_dir);
	return rc;
}

enum build_status build_run(const struct build_options *options)
{
	struct build build = {.options = options};
	enum build_status status = BUILD_CONTENT_ERRORS;

	trace_phase("start");

	if (!options->check_only &&
	    journal_replay(options->out_dir) != 0) {
		status = BUILD_SYSTEM_ERROR;
		goto out;
	}
	scan_content(options->root, &build.scan);
	trace_phase("content scanned");
	if (!options->check_only) {
		build.global = incremental_global(options->root, &build.scan,
						  options->drafts,
						  options->live_reload);
		trace_phase("global fingerprint");
		if (!options->clean)
			build.cache = cache_read(options->out_dir);
		trace_phase("cache read");
		if (build.cache == NULL)
			trace("full build: %s", options->clean ? "--clean"
				: "no usable cache");
		if (build.cache != NULL &&
		    cache_global(build.cache) != build.global) {
			trace("full build: kbgen, site.yaml, theme, trees or "
			      "sections changed (%016llx, was %016llx)",
			      (unsigned long long)build.global,
			      (unsigned long long)cache_global(build.cache));
			cache_free(build.cache);
			build.cache = NULL;
		}
		if (build.cache != NULL &&
		    incremental_unchanged(&build.scan, build.cache)) {
			/* nothing changed: the same messages, nothing to do */
			trace_phase("up to date");
			cache_replay(build.cache);
			status = BUILD_OK;
			goto out;
		}
	}
	if (!load(&build))
		goto out;
	status = BUILD_OK;
	if (options->check_only) {
		if (options->lint)
			lint_run(build.site, build.trees, build.tree_count);
		status = diag_error_count() == 0 ? BUILD_OK : BUILD_CONTENT_ERRORS;
		goto out;
	}
	status = BUILD_SYSTEM_ERROR;
	if (build.cache != NULL) {
		int rc = build_incremental(&build);
		if (rc < 0)
			goto out;
		if (rc == 0) {
			status = BUILD_OK;
			goto out;
		}
		trace("full build after all");
	}
	build.staging = publish_begin(options->out_dir);
	if (build.staging == NULL)
		goto out;
	if (render_all(&build) != 0 ||
	    publish_commit(build.staging, options->out_dir) != 0) {
		publish_abort(build.staging);
		goto out;
	}
	trace_phase("output published");
	status = BUILD_OK;
out:
	theme_free(build.theme);
	tree_free_all(build.trees, build.tree_count);
	site_free(build.site);
	cache_free(build.cache);
	scan_free(&build.scan);
	free(build.staging);
	trace_phase("memory released");
	return status;
}
