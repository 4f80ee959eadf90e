/*
 * cgiwizard.c — one step of the stateless wizard walk (see cgiwizard.h).
 *
 * Ids in URLs need no escaping: tree, node and option ids are slugs (the
 * tree loader, treestore and the request validators all insist), which is
 * also what makes them safe in a Location header.
 */
#include "cgi/cgiwizard.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html/dom.h"
#include "content/markdown.h"
#include "db/treestore.h"
#include "base/util.h"
#include "base/hash.h"
#include "db/feedback.h"
#include "html/feedbackform.h"

#include "html/wizardpage.h"

/* A tree read from kb.db, and each node's details once read. */
struct cached_tree {
	struct tree *tree;
	struct treestore_details *details;	/* per node */
	bool *read;				/* per node: details read */
};

struct cgiwizard_cache {
	struct cached_tree *trees;
	size_t count, capacity;
};

struct cgiwizard_cache *cgiwizard_cache_new(void)
{
	return xcalloc(1, sizeof(struct cgiwizard_cache));
}

void cgiwizard_cache_free(struct cgiwizard_cache *cache)
{
	if (cache == NULL)
		return;
	for (size_t i = 0; i < cache->count; i++) {
		struct cached_tree *cached = &cache->trees[i];

		for (size_t j = 0; j < cached->tree->node_count; j++)
			if (cached->read[j])
				treestore_details_free(&cached->details[j]);
		free(cached->details);
		free(cached->read);
		tree_free(cached->tree);
	}
	free(cache->trees);
	free(cache);
}

struct walk_page {
	const struct cgi_site *site;
	const struct cgi_request *request;
	const struct theme *theme;
	struct cached_tree *cached;
	struct tree *tree;
	size_t node;			/* the requested node */
	size_t from;			/* where the walk began: the start,
					 * or a step in the middle (_from) */
	size_t previous;		/* the node's option answered before
					 * (a Change link), or TREE_NONE */
	struct tree_answer *given;	/* the answers, without the node's own */
	size_t given_count;
	struct tree_walk walk;
	struct tree_answer *pending;	/* unused, but may apply later */
	size_t pending_count;
	char *base;			/* kb.cgi's URL */
};

static const char *ui(const struct walk_page *walk, const char *key)
{
	return theme_text(walk->theme, key);
}

/* ---- answers and URLs ---------------------------------------------------------- */

struct answers {
	struct tree_answer *items;
	size_t count, capacity;
};

static void answers_add(struct answers *answers, const char *node,
			const char *option)
{
	answers->items = xgrow(answers->items, &answers->capacity,
			       answers->count + 1, sizeof *answers->items);
	answers->items[answers->count++] = (struct tree_answer){node, option};
}

/* The answers a walk applied, in path order (strings from the tree). */
static void add_steps(struct answers *answers, const struct tree *tree,
		      const struct tree_walk *walk, size_t skip)
{
	for (size_t i = 0; i < walk->step_count; i++) {
		const struct tree_node *node = &tree->nodes[walk->steps[i].node];
		if (i != skip)
			answers_add(answers, node->id,
				    node->options[walk->steps[i].option].id);
	}
}

static void add_pending(struct answers *answers, const struct walk_page *walk)
{
	for (size_t i = 0; i < walk->pending_count; i++)
		answers_add(answers, walk->pending[i].node,
			    walk->pending[i].option);
}

/* <cgi>/wizard/<tree>/<node>?[_from=f&]a=x&b=y, for a walk begun at node
 * from. The caller frees. */
static char *step_url_from(const struct walk_page *walk, size_t from,
			   size_t node, const struct answers *answers)
{
	struct buf url = {0};
	char separator = '?';

	buf_printf(&url, "%s/wizard/%s/%s", walk->base, walk->tree->id,
		   walk->tree->nodes[node].id);
	if (from != walk->tree->start) {
		buf_printf(&url, "?" WIZARD_FROM_PARAM "=%s",
			   walk->tree->nodes[from].id);
		separator = '&';
	}
	for (size_t i = 0; i < answers->count; i++, separator = '&')
		buf_printf(&url, "%c%s=%s", separator, answers->items[i].node,
			   answers->items[i].option);
	return buf_detach(&url);
}

/* step_url_from for this page's walk. */
static char *step_url(const struct walk_page *walk, size_t node,
		      const struct answers *answers)
{
	return step_url_from(walk, walk->from, node, answers);
}

static bool on_path(const struct tree_walk *walk, size_t node)
{
	if (walk->node == node)
		return true;
	for (size_t i = 0; i < walk->step_count; i++)
		if (walk->steps[i].node == node)
			return true;
	return false;
}

/* Answers the walk ignored that name a node off the path and one of its
 * options: the first one per node. */
static void find_pending(struct walk_page *walk)
{
	const struct tree *tree = walk->tree;
	struct answers pending = {0};

	for (size_t i = 0; i < walk->given_count; i++) {
		size_t node = tree_node_index(tree, walk->given[i].node);
		bool seen = false;

		if (walk->walk.status[i] != TREE_ANSWER_IGNORED ||
		    node == TREE_NONE || on_path(&walk->walk, node) ||
		    tree_option_index(&tree->nodes[node],
				      walk->given[i].option) == TREE_NONE)
			continue;
		for (size_t k = 0; !seen && k < pending.count; k++)
			seen = strcmp(pending.items[k].node,
				      walk->given[i].node) == 0;
		if (!seen)
			answers_add(&pending, walk->given[i].node,
				    walk->given[i].option);
	}
	walk->pending = pending.items;
	walk->pending_count = pending.count;
}

/* An option's link: the walk with this answer and the pending ones
 * replayed, to where it ends, with the answers that applied. */
static char *option_href(void *user, size_t option)
{
	const struct walk_page *walk = user;
	const struct tree_node *node = &walk->tree->nodes[walk->node];
	struct answers answers = {0}, applied = {0};
	struct tree_walk next;
	char *url;

	add_steps(&answers, walk->tree, &walk->walk, TREE_NONE);
	answers_add(&answers, node->id, node->options[option].id);
	add_pending(&answers, walk);
	tree_walk_from(walk->tree, walk->from, answers.items, answers.count,
		       &next);
	add_steps(&applied, walk->tree, &next, TREE_NONE);
	url = step_url(walk, next.node, &applied);
	tree_walk_free(&next);
	free(applied.items);
	free(answers.items);
	return url;
}

/* scheme://host[:port] of the site's base URL ("" when it has none). */
static char *origin(const char *base_url)
{
	const char *scheme_end = strstr(base_url, "://");
	const char *host_end;

	if (scheme_end == NULL)
		return xstrdup("");
	host_end = strchr(scheme_end + 3, '/');
	return host_end ? xstrndup(base_url, (size_t)(host_end - base_url))
			: xstrdup(base_url);
}

/* This page's URL as a visitor would paste it: absolute. Caller frees. */
static char *absolute_page_url(const struct walk_page *walk)
{
	struct answers answers = {0};
	char *path, *host, *url;

	add_steps(&answers, walk->tree, &walk->walk, TREE_NONE);
	path = step_url(walk, walk->node, &answers);
	host = strstr(path, "://") ? xstrdup("")
				   : origin(walk->site->store.base_url);
	url = xasprintf("%s%s", host, path);
	free(host);
	free(path);
	free(answers.items);
	return url;
}

/* ---- page parts ---------------------------------------------------------------- */

/* A printed outcome shows where it came from: this walk's URL, with
 * every answer, as absolute_page_url gives it. */
static void add_print_source(const struct walk_page *walk, struct page *page)
{
	char *url = absolute_page_url(walk);

	page_add_print_source(page, url);
	free(url);
}

/* The step's page, which search engines are told to index as the step's
 * static node page (wizard/<tree>/<node>/, the URL that never changes),
 * described as that page is. */
static struct page *step_page_new(const struct walk_page *walk,
				  const char *title)
{
	const struct tree_node *node = &walk->tree->nodes[walk->node];
	char *description = wizardpage_description(walk->tree, node);
	char *path = xasprintf("wizard/%s/%s/", walk->tree->id, node->id);
	struct page *page = cgi_page_new_canonical(walk->site, title,
						   description, path);

	free(path);
	free(description);
	return page;
}

static void add_crumbs(const struct walk_page *walk, struct page *page,
		       const char *current)
{
	char *home = theme_url(walk->theme, "");
	char *wizards = theme_url(walk->theme, "wizard/");
	char *tree_path = xasprintf("wizard/%s/", walk->tree->id);
	char *tree = theme_url(walk->theme, tree_path);

	page_add_breadcrumb(page, home, ui(walk, "home"));
	page_add_breadcrumb(page, wizards, ui(walk, "wizard-crumb"));
	page_add_breadcrumb(page, tree, walk->tree->title);
	page_add_breadcrumb(page, NULL, current);
	free(tree);
	free(tree_path);
	free(wizards);
	free(home);
}

static char *rewrite_body_url(void *user, const char *url, bool image)
{
	const char *href = treestore_body_href(user, url);

	(void)image;
	return href ? xstrdup(href) : NULL;
}

/* The outcome's articles and guides, resolved at build time. Their URLs
 * come from kb.db, so they meet the policy of every URL kb.cgi writes
 * (markdown_url_is_safe) or are left out. */
static void add_references(const struct walk_page *walk, xmlNodePtr main,
			   const struct treestore_details *details)
{
	struct wizardpage_article *articles =
		xcalloc(details->article_count + 1, sizeof *articles);
	struct wizardpage_guide *guides =
		xcalloc(details->link_count + 1, sizeof *guides);
	size_t article_count = 0, guide_count = 0;

	for (size_t i = 0; i < details->article_count; i++)
		if (markdown_url_is_safe(details->articles[i].url))
			articles[article_count++] = (struct wizardpage_article){
				details->articles[i].url,
				details->articles[i].title,
				details->articles[i].description,
			};
	for (size_t i = 0; i < details->link_count; i++)
		if (markdown_url_is_safe(details->links[i].url))
			guides[guide_count++] = (struct wizardpage_guide){
				details->links[i].title, details->links[i].url,
			};
	wizardpage_add_articles(walk->theme, main, articles, article_count);
	wizardpage_add_guides(walk->theme, main, guides, guide_count);
	free(guides);
	free(articles);
}

/* "Your answers": each question with the answer and a Change link to
 * that question with every other answer kept. */
static void add_history(const struct walk_page *walk, xmlNodePtr main)
{
	const struct tree *tree = walk->tree;
	xmlNodePtr list;

	if (walk->walk.step_count == 0)
		return;
	list = dom_element(wizardpage_add_section(walk->theme, main,
						  "wizard-answers",
						  "kb-wizard-answers",
						  "wizard-answers"),
			   "dl", "answers");
	for (size_t i = 0; i < walk->walk.step_count; i++) {
		const struct tree_step *step = &walk->walk.steps[i];
		const struct tree_node *node = &tree->nodes[step->node];
		struct answers others = {0};
		xmlNodePtr answer, link;
		char *url, *hidden;

		/* The answer being changed goes along: the question marks
		 * it; the walk there never applies it. */
		add_steps(&others, tree, &walk->walk, TREE_NONE);
		add_pending(&others, walk);
		url = step_url(walk, step->node, &others);
		dom_text_element(list, "dt", NULL, node->title);
		answer = dom_text_element(list, "dd", NULL,
					  node->options[step->option].label);
		dom_text(answer, " ");
		link = dom_link(answer, url, ui(walk, "wizard-change"));
		dom_set(link, "class", "change");
		hidden = xasprintf(" %s", node->title);
		dom_text_element(link, "span", "visually-hidden", hidden);
		free(hidden);
		free(url);
		free(others.items);
	}
}

static void add_actions(const struct walk_page *walk, xmlNodePtr main)
{
	struct answers none = {0};
	char *url;

	if (walk->walk.step_count == 0 && walk->node == walk->tree->start)
		return;
	url = step_url_from(walk, walk->tree->start, walk->tree->start, &none);
	dom_link(dom_element(dom_element(main, "ul", "wizard-actions"), "li",
			     NULL),
		 url, ui(walk, "wizard-restart"));
	free(url);
}

/* The plain text a visitor pastes into a message to support. */
static char *summary_text(const struct walk_page *walk)
{
	const struct tree *tree = walk->tree;
	const struct tree_node *current = &tree->nodes[walk->node];
	struct buf text = {0};
	char *url = absolute_page_url(walk);

	buf_printf(&text, "%s%s\n", ui(walk, "wizard-summary-heading"),
		   tree->title);
	if (walk->from != tree->start)
		buf_printf(&text, "%s%s\n", ui(walk, "wizard-summary-from"),
			   tree->nodes[walk->from].title);
	if (walk->walk.step_count == 0)
		buf_printf(&text, "%s\n", ui(walk, "wizard-summary-none"));
	for (size_t i = 0; i < walk->walk.step_count; i++) {
		const struct tree_node *node = &tree->nodes[walk->walk.steps[i].node];
		buf_printf(&text, "%zu. %s\n   → %s\n", i + 1, node->title,
			   node->options[walk->walk.steps[i].option].label);
	}
	if (current->type == TREE_OUTCOME)
		buf_printf(&text, "%s%s\n", ui(walk, "wizard-summary-outcome"),
			   current->title);
	else
		buf_printf(&text, "%s%s\n", ui(walk, "wizard-summary-current"),
			   current->title);
	buf_printf(&text, "%s%s", ui(walk, "wizard-summary-url"), url);
	free(url);
	return buf_detach(&text);
}

/* The summary cut to what a mailto: link can always carry: the tree,
 * the outcome and the page's URL, which holds the answers. */
static char *short_summary(const struct walk_page *walk)
{
	char *url = absolute_page_url(walk);
	char *text = xasprintf("%s%s\n%s%s\n%s%s",
			       ui(walk, "wizard-summary-heading"),
			       walk->tree->title,
			       ui(walk, "wizard-summary-outcome"),
			       walk->tree->nodes[walk->node].title,
			       ui(walk, "wizard-summary-url"), url);

	free(url);
	return text;
}

/* How to reach support, on an outcome that sends the visitor to a person
 * when the site names a contact; the mail carries the summary. */
static void add_contact(const struct walk_page *walk, xmlNodePtr main,
			const char *summary)
{
	const struct themestore *store = &walk->site->store;
	struct wizardpage_support support = {
		store->support_url, store->support_email, store->support_hours,
	};
	char *subject = xasprintf("%s%s", ui(walk, "wizard-contact-subject"),
				  walk->tree->title);
	char *short_text = short_summary(walk);

	wizardpage_add_contact(walk->theme, main, &support, subject, summary,
			       short_text);
	free(short_text);
	free(subject);
}

static bool has_contact(const struct walk_page *walk)
{
	const struct themestore *store = &walk->site->store;
	struct wizardpage_support support = {
		store->support_url, store->support_email, store->support_hours,
	};

	return wizardpage_support_set(&support);
}

/* A walk begun at a step in the middle: what came before is not in it. */
static void add_from_notice(const struct walk_page *walk, xmlNodePtr main)
{
	xmlNodePtr notice = dom_element(main, "p", "notice");
	struct answers none = {0};
	char *url = step_url_from(walk, walk->tree->start, walk->tree->start,
				  &none);

	dom_text(notice, ui(walk, "wizard-notice"));
	dom_link(notice, url, ui(walk, "wizard-notice-link"));
	dom_text(notice, ui(walk, "wizard-notice-end"));
	free(url);
}

/* 質問 n / 最大 m: n counts the answers of this walk, and those that
 * lead to where it began when that was a step in the middle. */
static void add_progress(const struct walk_page *walk, xmlNodePtr main)
{
	size_t before = tree_depth(walk->tree, walk->from);
	size_t number;

	if (before == TREE_NONE)
		before = 0;
	number = before + walk->walk.step_count + 1;
	wizardpage_add_progress(walk->theme, main, number,
				number - 1 +
				tree_questions_left(walk->tree, walk->node));
}

/* The answers that led here, named by their hash: tree, then each step's
 * node and option in order; 0 for none at all (no step before). */
static uint64_t walk_hash(const struct walk_page *walk, size_t steps)
{
	uint64_t hash = hash64_string(walk->tree->id, 1);

	for (size_t i = 0; i < steps; i++) {
		const struct tree_step *step = &walk->walk.steps[i];
		const struct tree_node *node = &walk->tree->nodes[step->node];
		hash = hash64_string(node->id, hash);
		hash = hash64_string(node->options[step->option].id, hash);
	}
	return hash;
}

/* Counts the step shown, for the writers' report of where walks end. */
static void record_step(const struct walk_page *walk)
{
	const struct tree_node *node = &walk->tree->nodes[walk->node];
	size_t steps = walk->walk.step_count;
	struct feedback_step step = {
		.at = time(NULL), .tree = walk->tree->id, .node = node->id,
		.outcome = node->type == TREE_OUTCOME,
		.walk = walk_hash(walk, steps),
		.parent = steps > 0 ? walk_hash(walk, steps - 1) : 0,
		.address = walk->request->remote_addr,
	};

	if (walk->site->feedback != NULL)
		(void)feedback_add_step(walk->site->feedback, &step,
					CGIFEEDBACK_STEPS_PER_DAY);
}

/* An outcome's "Did this solve it?", posting to kb.cgi's /feedback. */
static void add_feedback(const struct walk_page *walk, xmlNodePtr main)
{
	const char *base_path = walk->site->store.base_path
					? walk->site->store.base_path
					: "/";
	char *action, *page;

	if (walk->site->feedback == NULL)
		return;
	action = xasprintf("%s/feedback", walk->base);
	page = xasprintf("%swizard/%s/%s/", base_path, walk->tree->id,
			 walk->tree->nodes[walk->node].id);
	feedbackform_add(walk->theme, main, action, page, FEEDBACKFORM_OUTCOME);
	free(page);
	free(action);
}

static void respond_step(struct walk_page *walk, struct cgi_response *response)
{
	const struct tree_node *node = &walk->tree->nodes[walk->node];
	struct treestore_details *details = &walk->cached->details[walk->node];
	char *title, *summary;
	struct page *page;
	xmlNodePtr main;

	if (!walk->cached->read[walk->node]) {
		if (treestore_node_details(walk->site->db, walk->tree->id,
					   node->id, details) != TREESTORE_OK) {
			treestore_details_free(details);
			cgi_respond_error(walk->site, CGI_INTERNAL, response);
			return;
		}
		walk->cached->read[walk->node] = true;
	}
	summary = summary_text(walk);
	title = xasprintf("%s | %s", node->title, walk->tree->title);
	page = step_page_new(walk, title);
	main = page_main(page);
	add_crumbs(walk, page, node->title);
	if (walk->node == walk->from && walk->from != walk->tree->start)
		add_from_notice(walk, main);
	if (node->type == TREE_QUESTION)
		add_progress(walk, main);
	wizardpage_add_title(main, node->title);
	if (node->type == TREE_OUTCOME) {
		bool contact = wizardpage_wants_contact(node->result) &&
			       has_contact(walk);

		wizardpage_add_result(walk->theme, main, node->result, contact);
		wizardpage_add_body(walk->theme, main, node->body,
				    rewrite_body_url, details);
		if (contact && node->result == TREE_ESCALATE)
			add_contact(walk, main, summary);
		add_references(walk, main, details);
		if (contact && node->result != TREE_ESCALATE)
			add_contact(walk, main, summary);
		add_feedback(walk, main);
		add_print_source(walk, page);
	} else {
		wizardpage_add_body(walk->theme, main, node->body,
				    rewrite_body_url, details);
		wizardpage_add_hint(walk->theme, main, node->hint);
		wizardpage_add_options(walk->theme, main, node, option_href,
				       walk, walk->previous);
	}
	add_history(walk, main);
	add_actions(walk, main);
	wizardpage_add_summary(walk->theme, main, summary);
	record_step(walk);
	cgi_respond_page(response, 200, page);
	free(summary);
	free(title);
}

/* ---- routes ---------------------------------------------------------------------- */

/* The tree from the site's cache, read from kb.db the first time; on
 * failure answers 404 or 500 and returns NULL. The cache owns it. Only
 * trees kb.db has are kept: as many as the site has. */
static struct cached_tree *load_tree(const struct cgi_site *site,
				     const char *id,
				     struct cgi_response *response)
{
	struct cgiwizard_cache *cache = site->wizard;
	struct cached_tree *cached;
	struct tree *tree = NULL;
	int rc;

	for (size_t i = 0; i < cache->count; i++)
		if (strcmp(cache->trees[i].tree->id, id) == 0)
			return &cache->trees[i];
	rc = treestore_load(site->db, id, &tree);
	if (rc == TREESTORE_NOT_FOUND) {
		cgi_respond_error(site, CGI_NOT_FOUND, response);
		return NULL;
	}
	if (rc != TREESTORE_OK) {
		cgi_respond_error(site, CGI_INTERNAL, response);
		return NULL;
	}
	cache->trees = xgrow(cache->trees, &cache->capacity, cache->count + 1,
			     sizeof *cache->trees);
	cached = &cache->trees[cache->count++];
	cached->tree = tree;
	cached->details = xcalloc(tree->node_count + 1, sizeof *cached->details);
	cached->read = xcalloc(tree->node_count + 1, sizeof *cached->read);
	return cached;
}

void cgiwizard_start(const struct cgi_site *site,
		     const struct cgi_request *request, const char *tree_id,
		     struct cgi_response *response)
{
	struct cached_tree *cached = load_tree(site, tree_id, response);
	struct walk_page walk = {.site = site};
	struct answers none = {0};
	struct tree *tree;
	char *url;

	if (cached == NULL)
		return;
	tree = walk.tree = cached->tree;
	walk.base = cgi_base_url(site, request);
	url = step_url(&walk, tree->start, &none);
	cgi_respond_redirect(site, request, response, url);
	free(url);
	free(walk.base);
}

void cgiwizard_step(const struct cgi_site *site,
		    const struct cgi_request *request, const char *tree_id,
		    const char *node_id, const char *from_id,
		    const struct tree_answer *answers, size_t answer_count,
		    struct cgi_response *response)
{
	struct walk_page walk = {
		.site = site, .request = request, .theme = site->store.theme,
	};

	walk.cached = load_tree(site, tree_id, response);
	if (walk.cached == NULL)
		return;
	walk.tree = walk.cached->tree;
	walk.node = tree_node_index(walk.tree, node_id);
	if (walk.node == TREE_NONE) {
		cgi_respond_error(site, CGI_NOT_FOUND, response);
		goto out;
	}
	walk.from = from_id ? tree_node_index(walk.tree, from_id) : TREE_NONE;
	if (walk.from == TREE_NONE ||
	    walk.tree->nodes[walk.from].type != TREE_QUESTION)
		walk.from = walk.tree->start;
	walk.previous = TREE_NONE;
	walk.base = cgi_base_url(site, request);
	walk.given = xcalloc(answer_count + 1, sizeof *walk.given);
	for (size_t i = 0; i < answer_count; i++)
		if (strcmp(answers[i].node, node_id) != 0)
			walk.given[walk.given_count++] = answers[i];
		else if (walk.previous == TREE_NONE)
			walk.previous = tree_option_index(
				&walk.tree->nodes[walk.node], answers[i].option);
	tree_walk_from(walk.tree, walk.from, walk.given, walk.given_count,
		       &walk.walk);
	if (walk.walk.node != walk.node) {
		struct answers applied = {0};
		char *url;

		add_steps(&applied, walk.tree, &walk.walk, TREE_NONE);
		url = step_url(&walk, walk.walk.node, &applied);
		cgi_respond_redirect(site, request, response, url);
		free(url);
		free(applied.items);
		goto out;
	}
	find_pending(&walk);
	respond_step(&walk, response);
out:
	tree_walk_free(&walk.walk);
	free(walk.pending);
	free(walk.given);
	free(walk.base);
}
