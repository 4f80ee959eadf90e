/*
 * build.c — the build's orchestration: load and check the site, then
 * either a full build (renderer threads and the kb.db writer, into a
 * staging folder publish.h swaps in) or an incremental one (the changed
 * pages and an updated copy of kb.db, moved in through journal.h).
 *
 * With KBGEN_TRACE set, the build says on stderr which way it went and
 * when each phase ended.
 */
#include "build/build.h"

#include <pthread.h>
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
#include "build/frontmatter_diff.h"
#include "build/incremental.h"
#include "build/index_queue.h"
#include "build/journal.h"
#include "db/index.h"
#include "content/gitinfo.h"
#include "content/lint.h"
#include "build/pagetable.h"
#include "build/progress.h"
#include "build/publish.h"
#include "html/render.h"
#include "content/scan.h"
#include "content/markdown.h"
#include "content/shortcode.h"
#include "content/site.h"
#include "html/theme.h"
#include "db/themestore.h"
#include "content/tree.h"
#include "db/treestore.h"
#include "db/bouncestore.h"
#include "content/bounce.h"
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
	struct bounce_rules bounce;	/* empty when the site has no rules */
	struct cache *cache;	/* the last build's, for an incremental one */
	struct content_scan scan;	/* the content folder, read once */
	uint64_t global;	/* fingerprint of the global inputs */
	struct site_publish publish;	/* what is published, and now */
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

/* Where the bounce form posts: kb.cgi's /bounce, or NULL without a
 * cgi_url (the page then says the analyzer is not available). */
static char *bounce_action(const struct site_config *config)
{
	if (config->cgi_url != NULL && *config->cgi_url != '\0')
		return xasprintf("%s/bounce", config->cgi_url);
	return NULL;
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
		.service = config->service,
		.search_action = action,
		.live_reload = build->options->live_reload,
	};

	build->theme = theme_load(&theme_config);
	free(action);
	if (build->theme == NULL)
		return false;
	theme_add_nav(build->theme, "", theme_text(build->theme, "home"));
	for (size_t i = 0; i < build->site->section_count; i++) {
		const struct section *section = build->site->sections[i];
		if (section->parent == NULL)	/* the top ones */
			theme_add_nav(build->theme, section->url_path,
				      section->title);
	}
	if (build->tree_count > 0)
		theme_add_nav(build->theme, "wizard/",
			      theme_text(build->theme, "wizard-title"));
	return true;
}

/* An article that did not load (its file has errors) exists too: the
 * tree naming it is not wrong, and the file's errors say what is. */
static bool tree_article_exists(void *user, const char *content_path)
{
	char *source;
	bool exists;

	if (site_find_article(user, content_path) != NULL)
		return true;
	source = xasprintf("content/%s.md", content_path);
	exists = diag_blame(source);
	free(source);
	if (!exists) {	/* a page bundle's */
		source = xasprintf("content/%s/index.md", content_path);
		exists = diag_blame(source);
		free(source);
	}
	return exists;
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

/* A bounce rule's article link ("content/x.md#heading"): its URL, and
 * "article title: heading" as the analyzer's pages show it. */
static char *bounce_resolve_article(void *user, const char *link, char **title,
				    char **error)
{
	const struct build *build = user;
	char *url = site_resolve_link_from(build->site, BOUNCE_RULES_FILE, NULL,
					   link, error);
	char *target = site_link_target(BOUNCE_RULES_FILE, link);
	const struct article *article = target ? site_find_article(build->site, target)
					       : NULL;
	const char *anchor = strchr(link, '#');

	free(target);
	if (url == NULL) {
		if (*error == NULL)
			*error = xasprintf("'%s' is not a link to an article "
					   "(content/<folders>/<name>.md#heading)",
					   link);
		return NULL;
	}
	*title = NULL;
	if (article != NULL && anchor != NULL) {
		for (size_t i = 0; i < article->headings.count; i++)
			if (strcmp(article->headings.items[i].id, anchor + 1) == 0)
				*title = xasprintf("%s: %s", article->meta.title,
						   article->headings.items[i].text);
	}
	if (*title == NULL && article != NULL)
		*title = xstrdup(article->meta.title);
	return url;
}

/* A bounce rule's walk: the answers followed in order from the tree's
 * start, as a tree's own tests follow them. */
static char *bounce_walk(void *user, const char *tree_id,
			 const char *const *answers, size_t count,
			 size_t *bad_answer, char **error)
{
	const struct build *build = user;
	const struct tree *tree = NULL;
	size_t node;

	for (size_t i = 0; i < build->tree_count; i++)
		if (build->trees[i]->id != NULL &&
		    strcmp(build->trees[i]->id, tree_id) == 0)
			tree = build->trees[i];
	*bad_answer = count;
	if (tree == NULL || tree->start == TREE_NONE) {
		*error = xasprintf("no decision tree '%s'", tree_id);
		return NULL;
	}
	node = tree->start;
	for (size_t i = 0; i < count; i++) {
		const char *equals = strchr(answers[i], '=');
		const struct tree_node *at = &tree->nodes[node];
		size_t option;
		*bad_answer = i;
		if (strlen(at->id) != (size_t)(equals - answers[i]) ||
		    strncmp(at->id, answers[i], strlen(at->id)) != 0) {
			*error = xasprintf("the answer '%s' does not apply: the "
					   "walk is at '%s'", answers[i], at->id);
			return NULL;
		}
		option = tree_option_index(at, equals + 1);
		if (option == TREE_NONE || at->options[option].next_index == TREE_NONE) {
			*error = xasprintf("'%s' has no option '%s'", at->id,
					   equals + 1);
			return NULL;
		}
		node = at->options[option].next_index;
	}
	return xasprintf("%s/%s", tree->id, tree->nodes[node].id);
}

/* bounce-rules.yaml, when the site has one: checked, its samples run. */
static void load_bounce_rules(struct build *build)
{
	struct bounce_context context = {
		.resolve_article = bounce_resolve_article,
		.walk = bounce_walk,
		.user = build,
	};
	(void)bounce_rules_load(build->options->root, &context, &build->bounce);
}

/* An escalate or unresolved outcome tells the visitor to reach a person;
 * without site.yaml's support: its page cannot say how. One warning per
 * tree, at its first such outcome. */
static void warn_no_support(const struct build *build)
{
	if (site_config_has_support(&build->site->config))
		return;
	for (size_t i = 0; i < build->tree_count; i++) {
		const struct tree *tree = build->trees[i];
		size_t count = 0, first = TREE_NONE;

		for (size_t k = 0; tree != NULL && k < tree->node_count; k++) {
			const struct tree_node *node = &tree->nodes[k];
			if (node->type != TREE_OUTCOME ||
			    (node->result != TREE_ESCALATE &&
			     node->result != TREE_UNRESOLVED))
				continue;
			if (count++ == 0)
				first = k;
		}
		if (count > 0)
			diag_warning(tree->path, tree->nodes[first].line,
				     tree->nodes[first].col,
				     "%zu escalate or unresolved outcome%s "
				     "(first '%s') may leave the visitor "
				     "needing a person, but site.yaml has no "
				     "'support:' (url and/or email, and hours): "
				     "%s cannot say how to reach one",
				     count, count == 1 ? "" : "s",
				     tree->nodes[first].id,
				     count == 1 ? "its page" : "their pages");
	}
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
		/* a root-relative link ("/docs/a/") names a page, not a file:
		 * any article changed or gone may have been its page */
		for (size_t k = 0; !check && k < article->link_count; k++)
			check = count > 0 &&
				((article->links[k].url[0] == '/' &&
				  article->links[k].url[1] != '/') ||
				 (article->links[k].target != NULL &&
				  bsearch(&article->links[k].target, touched, count,
					  sizeof *touched, compare_strings) != NULL));
		if (check)
			site_check_links_of(site, article);
	}
	for (size_t i = 0; i < site->rejected_count; i++)
		site_check_links_of(site, site->rejected[i]);
	site_check_section_links(site);
	free(touched);
}

/* The output folder as an absolute path without symbolic links (its
 * parent resolved when it does not exist yet); NULL when neither can be. */
static char *absolute_out(const char *out_dir)
{
	char *resolved = realpath(out_dir, NULL), *parent, *slash;

	if (resolved != NULL)
		return resolved;
	parent = xstrdup(out_dir);
	slash = strrchr(parent, '/');
	if (slash != NULL)
		*slash = '\0';
	resolved = realpath(slash == NULL ? "." : (*parent ? parent : "/"), NULL);
	if (resolved != NULL) {
		char *joined = path_join(resolved, slash ? slash + 1 : out_dir);
		free(resolved);
		resolved = joined;
	}
	free(parent);
	return resolved;
}

/* feedback.db is written by kb.cgi: inside the published folder the web
 * server would hand it to anyone, and every build would replace it. */
static void check_feedback(const struct build *build)
{
	const struct site_feedback *feedback = &build->site->config.feedback;
	char *out;
	size_t length;

	if (feedback->db == NULL)
		return;
	if (build->site->config.cgi_url == NULL)
		diag_warning("site.yaml", feedback->db_line, feedback->db_col,
			     "'feedback' needs 'cgi_url': without kb.cgi no "
			     "page can take a vote, so none shows the form");
	out = absolute_out(build->options->out_dir);
	length = out ? strlen(out) : 0;
	if (out != NULL && strncmp(feedback->db, out, length) == 0 &&
	    (feedback->db[length] == '/' || feedback->db[length] == '\0'))
		diag_error("site.yaml", feedback->db_line, feedback->db_col,
			   "'feedback.db' is inside the output folder %s: the "
			   "web server would publish it and the next build "
			   "would delete it; keep it outside, for example in "
			   "/var/lib/kbgen/", out);
	free(out);
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
				   build->cache, &build->scan, NULL};
	struct git_dates *dates = NULL;
	const char *why;

	if (config.git_info &&
	    (dates = git_dates_load(build->options->root, &why)) == NULL)
		diag_warning("site.yaml", config.git_info_line,
			     config.git_info_col, "git_info: %s; articles "
			     "are dated by their front matter", why);
	reuse.git_dates = dates;
	markdown_set_raw_html_safe(config.raw_html_safe);
	build->site = site_load(build->options->root, &build->publish, &reuse);
	git_dates_free(dates);
	trace_phase("articles loaded");
	trace("%zu articles published, %zu with errors, %zu left out; "
	      "%zu sections, %zu headless", build->site->article_count,
	      build->site->rejected_count, build->site->skipped_count,
	      build->site->section_count, build->site->headless_count);
	build->site->config = config;
	if (!load_trees(build))
		return false;
	if (build->cache != NULL)
		check_changed_links(build);
	else
		site_check_links(build->site);
	wizard_check_links(build->site, build->trees, build->tree_count);
	load_bounce_rules(build);
	warn_no_support(build);
	check_feedback(build);
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

/* Indexes one article: from the queue, or (queue NULL) by parsing it. */
static int index_article(struct build *build, sqlite3 *db,
			 struct index_queue *queue, const struct article *article)
{
	struct index_slot slot = {0};
	int rc;

	if (queue != NULL) {
		if (!index_queue_take(queue, article->order, &slot))
			return -1;	/* rendering failed; reported there */
	} else {
		char *text;
		const char *body;
		size_t length;
		cmark_node *document;
		if (site_article_body(build->site, article, &text, &body,
				      &length) != 0)
			return -1;
		document = shortcode_parse_article(article, body, length, false);
		free(text);
		index_parts_make(article, document, &slot.parts, &slot.count);
		cmark_node_free(document);
	}
	rc = index_add_article(db, build->site, article, slot.parts,
			       slot.count);
	index_parts_free(slot.parts, slot.count);
	return rc;
}

/* Writes build->staging/kb.db: every article (from queue, or parsed here
 * when queue is NULL), every wizard node, the trees and the theme. */
static int write_index(struct build *build, struct index_queue *queue)
{
	char *path = path_join(build->staging, "kb.db");
	sqlite3 *db;
	int rc = index_open(path, &db);

	if (rc == 0)
		index_expect_articles(db, build->site->article_count);
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++)
		rc = index_article(build, db, queue, build->site->articles[i]);
	for (size_t t = 0; rc == 0 && t < build->tree_count; t++)
		rc = index_tree(build, db, build->trees[t]);
	if (rc == 0)
		rc = treestore_write(db, build->site, build->trees,
				     build->tree_count);
	if (rc == 0)
		rc = bouncestore_write(db, &build->bounce);
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
 * The index writer is the longer job (FTS5 costs about as much CPU as
 * rendering, and its last batch can only be written after the last page
 * is parsed), so the renderers run at a lower priority (RENDER_NICE):
 * whenever the writer has work it gets a core, and the renderers use the
 * rest of the machine; at equal priority a core would sit idle whenever
 * the writer waits for pages. */
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

/* The kb.db writer of a full build, in a thread of its own when one can
 * be started (running), taking the articles' parts from queue. */
struct index_job {
	struct build *build;
	struct index_queue queue;
	pthread_t thread;
	bool running;
	int rc;
};

static void *index_thread(void *argument)
{
	struct index_job *job = argument;

	job->rc = write_index(job->build, &job->queue);
	return NULL;
}

static void index_job_start(struct index_job *job, struct build *build)
{
	job->build = build;
	index_queue_init(&job->queue, build->site->article_count);
	job->running = pthread_create(&job->thread, NULL, index_thread,
				      job) == 0;
}

/* Waits for the writer, or without one writes kb.db here by parsing
 * every article again; releases the queue. The writer's result. */
static int index_job_finish(struct index_job *job)
{
	if (job->running)
		pthread_join(job->thread, NULL);
	else
		job->rc = write_index(job->build, NULL);
	trace_phase("kb.db written");
	index_queue_free(&job->queue);
	return job->rc;
}

/* Every page but the articles', the static files, the sitemap, the feed
 * and robots.txt, into context->out_dir. 0, or -1 after a diagnostic. */
/* Copies the files beside an article that it references next to its
 * page in the staging folder. */
static int publish_files_of(struct build *build, const struct article *article)
{
	struct string_list names;
	int rc = 0;

	site_article_files(article, &names);
	for (size_t i = 0; rc == 0 && i < names.count; i++)
		rc = publish_article_file(build->options->root, article,
					  names.items[i], build->staging);
	string_list_free(&names);
	return rc;
}

static int render_other_pages(struct build *build,
			      const struct render_context *context,
			      const struct feed_extra *extra)
{
	char *static_source = path_join(build->options->root, "theme/static");
	char *static_target = path_join(build->staging, "static");
	int rc = wizard_render_all(context, build->trees, build->tree_count);

	if (rc == 0)
		rc = render_sections(context);
	if (rc == 0)
		rc = render_tags(context);
	if (rc == 0)
		rc = render_home(context);
	if (rc == 0)
		rc = render_not_found(context);
	if (rc == 0)
		rc = render_search_page(context);
	if (rc == 0 && build->bounce.rule_count > 0) {
		char *action = bounce_action(&build->site->config);
		rc = render_bounce_page(context, action);
		free(action);
	}
	if (rc == 0)
		rc = render_records_page(context);
	if (rc == 0)
		rc = render_aliases(context);
	if (rc == 0)
		rc = publish_copy_tree(static_source, static_target);
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++)
		rc = publish_files_of(build, build->site->articles[i]);
	for (size_t i = 0; rc == 0 && i < build->site->section_count; i++)
		if (build->site->sections[i]->page != NULL)
			rc = publish_files_of(build, build->site->sections[i]->page);
	if (rc == 0 && build->site->home->page != NULL)
		rc = publish_files_of(build, build->site->home->page);
	if (rc == 0)
		rc = feed_write_sitemap(build->site, extra, build->staging);
	if (rc == 0)
		rc = feed_write_atom(build->site, build->staging, FEED_LIMIT);
	if (rc == 0)
		rc = feed_write_robots(build->site, build->staging);
	free(static_source);
	free(static_target);
	return rc;
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
	struct wizard_entries entries;
	struct wizard_paths paths;
	struct feed_extra extra;
	struct index_job index = {0};
	int rc, index_rc;

	wizard_entries_make(build->trees, build->tree_count, &entries);
	wizard_paths_make(build->trees, build->tree_count, &paths);
	extra = (struct feed_extra){paths.paths, paths.count};
	context.wizards = entries.items;
	context.wizard_count = entries.count;
	site_compute_related(build->site, RELATED_LIMIT);
	trace_phase("related articles computed");
	index_job_start(&index, build);
	if (index.running) {
		context.article_parsed = index_queue_put;
		context.article_parsed_user = &index.queue;
	}
	progress_begin(build->site->article_count, build->options->quiet);
	rc = render_all_articles(&context, index.running);
	progress_end();
	trace_phase("articles rendered");
	index_queue_close(&index.queue);
	if (rc == 0)
		rc = render_other_pages(build, &context, &extra);
	trace_phase("other pages rendered");
	/* while the index writer finishes: the cache reads the site only,
	 * and a diagnostic from the writer fails the build, cache and all */
	if (rc == 0)
		rc = write_cache(build, build->staging);
	trace_phase("cache written");
	index_rc = index_job_finish(&index);
	if (rc == 0)
		rc = index_rc;
	wizard_paths_free(&paths);
	wizard_entries_free(&entries);
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

/* Parts of the articles rendered again, for their kb.db rows. */
struct reindexed {
	const struct article *article;
	struct index_part *parts;
	size_t count;
};

struct reindex {
	struct reindexed *items;
	size_t count, capacity;
};

/* Fits render_context.article_parsed (user is the reindex). */
static void reindex_add(void *user, const struct article *article,
			cmark_node *document)
{
	struct reindex *reindex = user;
	struct reindexed *item;

	reindex->items = xgrow(reindex->items, &reindex->capacity,
			       reindex->count + 1, sizeof *reindex->items);
	item = &reindex->items[reindex->count++];
	item->article = article;
	index_parts_make(article, document, &item->parts, &item->count);
}

static void reindex_free(struct reindex *reindex)
{
	for (size_t i = 0; i < reindex->count; i++)
		index_parts_free(reindex->items[i].parts,
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
	document = shortcode_parse_article(article, body, length, false);
	free(text);
	reindex_add(reindex, article, document);
	cmark_node_free(document);
	return 0;
}

/* Removes from db the rows of the cached articles gone, moved or read
 * again. 0, 1 when a damaged cache record means kb.db must be built
 * afresh, -1 after a diagnostic. */
static int remove_changed_rows(struct build *build, sqlite3 *db)
{
	int rc = 0;

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
		if (url_path == NULL)
			return 1;	/* a damaged record */
		url = site_url(build->site, url_path);
		rc = index_remove_article(db, url);
		free(url);
	}
	return rc;
}

/* Writes the updated kb.db into new_dir, the staging folder, from a copy
 * of the published one: rows of articles gone, moved or read again are
 * replaced; the trees' tables are rewritten when what they show of
 * articles changed. The journal then moves it over the published kb.db
 * with the pages, in one rename: kb.cgi reads the old file or the new
 * one, never one half written, whenever the build is killed, and no
 * rollback journal ever appears in the output. 1 when the file must be
 * rebuilt (a full build). */
static int update_index(struct build *build, const struct reindex *reindex,
			bool wizard_changed, const char *new_dir)
{
	char *published = path_join(build->options->out_dir, "kb.db");
	char *hot = path_join(build->options->out_dir, "kb.db-journal");
	char *path = path_join(new_dir, "kb.db");
	sqlite3 *db = NULL;
	int rc;

	/* missing (someone removed it), or left with a hot journal by an
	 * update made in place: build it afresh */
	rc = access(published, F_OK) != 0 || access(hot, F_OK) == 0;
	if (rc == 0 && publish_copy_file(published, path) != 0)
		rc = -1;
	if (rc == 0) {
		rc = index_open_update(path, &db);
		if (rc != 0)
			rc = rc == INDEX_REBUILD ? 1 : -1;
	}
	if (rc == 0)
		rc = remove_changed_rows(build, db);
	for (size_t i = 0; rc == 0 && i < reindex->count; i++) {
		const struct reindexed *item = &reindex->items[i];
		char *url;
		if (item->article->from_cache)
			continue;	/* re-rendered for a neighbour's sake */
		/* a build killed after its journal's moves but before its
		 * cache counted left this article's rows in the published
		 * kb.db while the cache does not know them */
		url = site_url(build->site, item->article->url_path);
		rc = index_remove_article(db, url);
		free(url);
		if (rc == 0)
			rc = index_add_article(db, build->site, item->article,
					       item->parts, item->count);
	}
	if (rc == 0 && wizard_changed)
		rc = treestore_write(db, build->site, build->trees,
				     build->tree_count);
	/* the rules' article URLs follow the articles: cheap to write again */
	if (rc == 0)
		rc = bouncestore_write(db, &build->bounce);
	if (db != NULL && index_close(db, path, rc == 0) != 0 && rc == 0)
		rc = -1;
	free(hot);
	free(published);
	free(path);
	return rc;
}

static bool find_previous_fp(const void *table, const char *key, uint64_t *fp)
{
	return page_table_find(table, key, fp);
}

/* More pages than this to redo and a full build (which uses every core
 * and writes kb.db afresh) is the faster way. */
#define INCREMENTAL_MAX_PAGES 2000

/* What an incremental build works with; update_free releases it. */
struct update {
	struct page_plan plan;		/* this build's pages */
	const struct page_fp *old_pages;	/* the last build's (the cache's) */
	size_t old_count;
	struct page_table old_table;
	bool *dirty;			/* by plan page: to render again */
	size_t dirty_count;
	bool wizard_changed;		/* a wizard page is among them */
	uint64_t related_key;
	struct reindex reindex;
	char *new_dir;			/* the staging folder */
};

static void update_free(struct update *update)
{
	page_table_free(&update->old_table);
	reindex_free(&update->reindex);
	free(update->dirty);
	incremental_plan_free(&update->plan);
	free(update->new_dir);
}

/* Fingerprints this build's pages and marks those that differ from the
 * last build's. */
static void plan_update(struct build *build, struct update *update)
{
	struct plan_previous previous;
	bool related_kept, lists_kept;

	/* the related lists stay the same unless what they are computed
	 * from changed (dates, tags, titles, weights, the set of articles) */
	update->related_key = incremental_related_key(build->site, RELATED_LIMIT);
	related_kept = cache_related(build->cache, build->site,
				     update->related_key);
	if (!related_kept)
		site_compute_related(build->site, RELATED_LIMIT);
	trace_phase("related articles");
	update->old_pages = cache_pages(build->cache, &update->old_count);
	page_table_make(&update->old_table, update->old_pages,
			update->old_count);
	previous = (struct plan_previous){find_previous_fp, &update->old_table};
	lists_kept = related_kept && front_matter_kept(build->site, build->cache);
	trace("incremental: %s", lists_kept ? "only article bodies changed"
		: "front matter or the set of articles changed");
	incremental_plan(build->site, build->trees, build->tree_count,
			 lists_kept ? &previous : NULL, &update->plan);
	trace_phase("page fingerprints");
	update->dirty = xcalloc(update->plan.count + 1, sizeof *update->dirty);
	for (size_t i = 0; i < update->plan.count; i++) {
		const struct page_fp *page = &update->plan.pages[i];
		uint64_t fp;
		update->dirty[i] = !page_table_find(&update->old_table, page->key,
						    &fp) || fp != page->fp;
		update->dirty_count += update->dirty[i];
		if (update->dirty[i] && update->plan.kinds[i] == PAGE_WIZARD)
			update->wizard_changed = true;
	}
	trace("incremental: %zu of %zu pages to render", update->dirty_count,
	      update->plan.count);
}

/* Renders the changed pages into a new staging folder, and parses the
 * articles read again whose page stayed the same, since their search rows
 * are written again all the same. 0, or -1 after a diagnostic. */
static int render_changed(struct build *build, struct update *update)
{
	struct render_context context = {
		.site = build->site,
		.theme = build->theme,
		.article_parsed = reindex_add,
		.article_parsed_user = &update->reindex,
	};
	struct wizard_entries entries;
	struct wizard_paths paths;
	struct feed_extra extra;
	int rc = 0;

	update->new_dir = publish_begin(build->options->out_dir);
	if (update->new_dir == NULL)
		return -1;
	wizard_entries_make(build->trees, build->tree_count, &entries);
	wizard_paths_make(build->trees, build->tree_count, &paths);
	extra = (struct feed_extra){paths.paths, paths.count};
	context.wizards = entries.items;
	context.wizard_count = entries.count;
	context.out_dir = update->new_dir;
	for (size_t i = 0; rc == 0 && i < update->plan.count; i++)
		if (update->dirty[i])
			rc = incremental_render(&context, build->trees,
						build->tree_count, &update->plan,
						i, &extra, FEED_LIMIT);
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++) {
		const struct article *article = build->site->articles[i];
		bool rendered = false;
		if (article->from_cache)
			continue;
		for (size_t k = 0; k < update->reindex.count && !rendered; k++)
			rendered = update->reindex.items[k].article == article;
		if (!rendered)
			rc = reindex_parse(build, &update->reindex, article);
	}
	wizard_paths_free(&paths);
	wizard_entries_free(&entries);
	return rc;
}

/* Moves the staging folder's files over the output and deletes the pages
 * no longer generated, through the journal. 0, or -1 after a diagnostic. */
static int publish_update(struct build *build, const struct update *update)
{
	struct page_table new_table;
	struct journal journal;
	int rc;

	page_table_make(&new_table, update->plan.pages, update->plan.count);
	journal_begin(&journal, update->new_dir);
	for (size_t i = 0; i < update->old_count; i++) {
		uint64_t fp;
		const char *key = update->old_pages[i].key;
		/* "wizard/" is a group of pages, not a file */
		if (key[strlen(key) - 1] != '/' &&
		    !page_table_find(&new_table, key, &fp))
			journal_delete(&journal, key);
	}
	rc = journal_commit(&journal, build->options->out_dir);
	journal_free(&journal);
	page_table_free(&new_table);
	return rc;
}

/* cache_prepare in a thread of its own (cache.h), while kb.db is updated
 * and the pages are moved; the new cache counts only once they are in
 * place. */
struct cache_writer {
	struct build *build;
	const struct update *update;
	pthread_t thread;
	bool running;		/* in its own thread */
	int rc;
};

static void *write_cache_thread(void *argument)
{
	struct cache_writer *writer = argument;
	struct build *build = writer->build;
	const struct update *update = writer->update;

	writer->rc = cache_prepare(build->options->out_dir, build->global,
				   build->site, update->plan.pages,
				   update->plan.count, update->related_key,
				   build->cache);
	return NULL;
}

static void cache_writer_start(struct cache_writer *writer,
			       struct build *build, const struct update *update)
{
	*writer = (struct cache_writer){.build = build, .update = update,
					.rc = -1};
	writer->running = pthread_create(&writer->thread, NULL,
					 write_cache_thread, writer) == 0;
	if (!writer->running)
		write_cache_thread(writer);
}

/* Waits for the cache writer, then makes its cache the output's when the
 * build (rc) and the writer both succeeded, else drops it. The build's
 * result. */
static int cache_writer_finish(struct cache_writer *writer, int rc)
{
	const char *out_dir = writer->build->options->out_dir;

	if (writer->running)
		pthread_join(writer->thread, NULL);
	if (rc == 0 && writer->rc == 0)
		rc = cache_commit(out_dir);
	else
		cache_discard(out_dir);
	if (rc == 0 && writer->rc != 0)
		rc = -1;
	return rc;
}

/* Brings the published output up to date with what changed since the
 * cached build. 0 done, 1 when a full build is needed instead, -1 after a
 * diagnostic (the output then still has every page it had, or the moves
 * are completed by the next build). */
static int build_incremental(struct build *build)
{
	struct update update = {0};
	struct cache_writer writer;
	bool writing = false;
	int rc;

	plan_update(build, &update);
	if (update.dirty_count > INCREMENTAL_MAX_PAGES) {
		rc = 1;
		goto out;
	}
	rc = render_changed(build, &update);
	trace_phase("pages rendered");
	if (rc == 0) {
		cache_writer_start(&writer, build, &update);
		writing = true;
		rc = update_index(build, &update.reindex, update.wizard_changed,
				  update.new_dir);
		trace_phase("kb.db updated");
	}
	if (rc == 0)
		rc = publish_update(build, &update);
	if (rc != 0)
		publish_abort(update.new_dir);
	trace_phase("output moved");
	if (writing)
		rc = cache_writer_finish(&writer, rc);
	trace_phase("cache written");
out:
	update_free(&update);
	return rc;
}

/* Reads the last build's cache into build->cache when it can serve an
 * incremental build (it is left NULL otherwise). True when nothing
 * changed since, and the last build's messages were replayed. */
static bool read_cache(struct build *build)
{
	const struct build_options *options = build->options;

	build->publish = (struct site_publish){options->drafts, options->future,
					       options->expired,
					       site_publish_now()};
	build->global = incremental_global(options->root, &build->scan,
					   &build->publish, options->live_reload);
	trace_phase("global fingerprint");
	if (!options->clean)
		build->cache = cache_read(options->out_dir);
	trace_phase("cache read");
	if (build->cache == NULL)
		trace("full build: %s", options->clean ? "--clean"
			: "no usable cache");
	if (build->cache != NULL && cache_global(build->cache) != build->global) {
		trace("full build: kbgen, site.yaml, theme, trees or "
		      "sections changed (%016llx, was %016llx)",
		      (unsigned long long)build->global,
		      (unsigned long long)cache_global(build->cache));
		cache_free(build->cache);
		build->cache = NULL;
	}
	if (build->cache != NULL &&
	    build->publish.now >= cache_valid_until(build->cache)) {
		/* a publishDate or expiryDate has come: pages that were
		 * published are not, or the other way round */
		trace("full build: a publishDate or expiryDate has passed "
		      "(%lld, now %lld)", cache_valid_until(build->cache),
		      build->publish.now);
		cache_free(build->cache);
		build->cache = NULL;
	}
	if (build->cache != NULL &&
	    incremental_unchanged(&build->scan, build->cache)) {
		/* nothing changed: the same messages, nothing to do */
		trace_phase("up to date");
		cache_replay(build->cache);
		return true;
	}
	return false;
}

/* Writes the loaded site into the output: incrementally when there is a
 * cache and that is possible, else in full into a staging folder that
 * then replaces the output. */
static enum build_status write_output(struct build *build)
{
	const char *out_dir = build->options->out_dir;

	if (build->cache != NULL) {
		int rc = build_incremental(build);
		if (rc <= 0)
			return rc == 0 ? BUILD_OK : BUILD_SYSTEM_ERROR;
		trace("full build after all");
	}
	build->staging = publish_begin(out_dir);
	if (build->staging == NULL)
		return BUILD_SYSTEM_ERROR;
	if (render_all(build) != 0 ||
	    publish_commit(build->staging, out_dir) != 0) {
		publish_abort(build->staging);
		return BUILD_SYSTEM_ERROR;
	}
	trace_phase("output published");
	return BUILD_OK;
}

enum build_status build_run(const struct build_options *options)
{
	struct build build = {.options = options};
	enum build_status status = BUILD_CONTENT_ERRORS;

	trace_phase("start");
	if (!options->check_only && journal_replay(options->out_dir) != 0) {
		status = BUILD_SYSTEM_ERROR;
		goto out;
	}
	scan_content(options->root, &build.scan);
	trace_phase("content scanned");
	if (!options->check_only && read_cache(&build)) {
		status = BUILD_OK;
		goto out;
	}
	if (!load(&build))
		goto out;
	if (options->check_only) {
		if (options->lint)
			lint_run(build.site, build.trees, build.tree_count);
		status = diag_error_count() == 0 ? BUILD_OK : BUILD_CONTENT_ERRORS;
		goto out;
	}
	status = write_output(&build);
out:
	theme_free(build.theme);
	tree_free_all(build.trees, build.tree_count);
	bounce_rules_free(&build.bounce);
	site_free(build.site);
	cache_free(build.cache);
	scan_free(&build.scan);
	free(build.staging);
	trace_phase("memory released");
	return status;
}
