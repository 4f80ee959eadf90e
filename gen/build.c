/*
 * build.c — the build pipeline.
 */
#include "build.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "diag.h"
#include "feed.h"
#include "index.h"
#include "lint.h"
#include "progress.h"
#include "publish.h"
#include "render.h"
#include "site.h"
#include "theme.h"
#include "themestore.h"
#include "tree.h"
#include "treestore.h"
#include "wizard.h"
#include "util.h"

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
};

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

/* Loads and checks everything; false when content errors were found. */
static bool load(struct build *build)
{
	struct site_config config;

	if (!site_config_load(build->options->root, &config)) {
		site_config_free(&config);
		return false;
	}
	build->site = site_load(build->options->root, build->options->drafts, NULL);
	build->site->config = config;
	if (!load_trees(build))
		return false;
	site_check_links(build->site);
	wizard_check_links(build->site, build->trees, build->tree_count);
	if (!load_theme(build))
		return false;
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
 * row ids never depend on which thread rendered what; renderers wait when
 * they run more than FEED_WINDOW articles ahead, which bounds memory. */
#define FEED_WINDOW 256

struct section_slot {
	bool ready;
	struct index_section *sections;
	size_t count;
};

struct section_feed {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct section_slot *slots;
	size_t consumed;
	bool closed;		/* no more slots will be filled */
};

/* render_context.article_parsed: runs in a rendering thread. */
static void feed_article(void *user, const struct article *article,
			 cmark_node *document)
{
	struct section_feed *feed = user;
	struct index_section *sections;
	size_t count;

	index_sections_make(article, document, &sections, &count);
	pthread_mutex_lock(&feed->lock);
	while (article->order >= feed->consumed + FEED_WINDOW && !feed->closed)
		pthread_cond_wait(&feed->changed, &feed->lock);
	feed->slots[article->order] = (struct section_slot){true, sections, count};
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
		index_sections_make(article, document, &slot.sections,
				    &slot.count);
		cmark_node_free(document);
	}
	rc = index_add_article(db, build->site, article, slot.sections,
			       slot.count);
	index_sections_free(slot.sections, slot.count);
	return rc;
}

static int write_index(struct build *build, struct section_feed *feed)
{
	char *path = path_join(build->staging, "kb.db");
	sqlite3 *db;
	int rc = index_open(path, &db);

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
	if (db != NULL)
		rc = index_close(db, path, rc == 0) == 0 ? rc : -1;
	free(path);
	return rc;
}

/* Articles are rendered by a small pool of threads sharing a counter;
 * the search index is written meanwhile by one more thread (SQLite has a
 * single writer). Every page is its own file and the index rows go in a
 * fixed order, so the output stays byte-identical whatever the timing. */
struct article_pool {
	const struct render_context *context;
	atomic_size_t next;
	atomic_int failed;
};

static void *render_articles(void *argument)
{
	struct article_pool *pool = argument;
	const struct site *site = pool->context->site;

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

	/* one core is left to the index writer */
	return cores > 2 ? (size_t)(cores - 1) : 1;
}

static int render_all_articles(const struct render_context *context)
{
	struct article_pool pool = {.context = context};
	size_t count = render_thread_count();
	pthread_t *threads = xcalloc(count, sizeof *threads);
	size_t started = 0;

	atomic_init(&pool.next, 0);
	atomic_init(&pool.failed, 0);
	for (; started + 1 < count; started++)
		if (pthread_create(&threads[started], NULL, render_articles, &pool) != 0)
			break;
	render_articles(&pool);
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
	index_running = pthread_create(&indexer, NULL, index_thread, &index) == 0;
	if (index_running) {
		context.article_parsed = feed_article;
		context.article_parsed_user = &feed;
	}
	progress_begin(build->site->article_count, build->options->quiet);
	rc = render_all_articles(&context);
	progress_end();
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
	if (index_running)
		pthread_join(indexer, NULL);
	else
		index.rc = write_index(build, NULL);
	for (size_t i = 0; i < build->site->article_count; i++)
		index_sections_free(feed.slots[i].sections, feed.slots[i].count);
	free(feed.slots);
	if (rc == 0)
		rc = index.rc;
	wizard_paths_free(&paths);
	wizard_entries_free(&entries);
	free(static_source);
	free(static_target);
	return rc;
}

enum build_status build_run(const struct build_options *options)
{
	struct build build = {.options = options};
	enum build_status status = BUILD_CONTENT_ERRORS;

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
	build.staging = publish_begin(options->out_dir);
	if (build.staging == NULL)
		goto out;
	if (render_all(&build) != 0 ||
	    publish_commit(build.staging, options->out_dir) != 0) {
		publish_abort(build.staging);
		goto out;
	}
	status = BUILD_OK;
out:
	theme_free(build.theme);
	tree_free_all(build.trees, build.tree_count);
	site_free(build.site);
	free(build.staging);
	return status;
}
