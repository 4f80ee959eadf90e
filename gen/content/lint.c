/*
 * lint.c — writer-facing checks (see lint.h).
 *
 * The loader keeps no article text, so each file is read again
 * (site_article_body, which also notices a file changed since loading);
 * the front matter is not parsed, nor its warnings reported, twice.
 *
 * Rules that needed a decision:
 *  - An article is an orphan when no other article links to it with a
 *    relative .md link and no decision tree names it (an outcome's
 *    articles:) or links to it (a node's body). Section lists and tag
 *    pages do not count: every article is on those.
 *  - Headings: the page title is the only level 1 heading, so a '#' in
 *    the body is reported, and so is a heading more than one level
 *    deeper than the one before it, counting the title as level 1 (so a
 *    body must start at '##'). Going back up any number of levels is
 *    fine.
 *  - A description that is missing or only blanks is reported at 1:1.
 *  - Duplicate titles are compared byte for byte and reported at each
 *    article's title: line, naming every other article with that title.
 *  - A file in the content folder (or a folder under it: a section, a
 *    page bundle, a folder of images) that no article references is reported at the
 *    file: it is not published. Markdown files, _index.md and hidden
 *    files are not such files.
 */
#include "content/lint.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/diag.h"
#include "content/markdown.h"
#include "content/records.h"
#include "base/util.h"

struct lint {
	const struct site *site;
	bool *linked;		/* by article->order: someone links to it */
	unsigned *title_lines;	/* by article->order: line of "title:" */
};

/* One article's body, with the byte offset of each of its lines so that
 * cmark's positions (body-relative line, byte column) turn into the
 * file's line and character column. */
struct body {
	const struct article *article;
	const char *text;
	size_t length;
	size_t *line_starts;	/* line_starts[k - 1]: body line k */
	size_t line_count;
};

/* ---- links: who points at which article -------------------------------- */

/* The article a relative .md link written in a tree's node body points
 * at, or NULL. Borrowed from the site. Articles' own links come resolved
 * from the loader (article_link.target). */
static struct article *link_target(const struct site *site,
				   const char *from_source, const char *url)
{
	char *target = site_link_target(from_source, url);
	struct article *article = NULL;

	if (target != NULL && strncmp(target, "content/", 8) == 0)
		article = site_find_article(site, target);
	free(target);
	return article;
}

static void mark_linked(struct lint *lint, const struct article *target,
			const struct article *from)
{
	if (target != NULL && target != from)
		lint->linked[target->order] = true;
}

struct tree_body_links {
	struct lint *lint;
	const char *tree_path;
};

static void mark_tree_body_link(void *user, cmark_node *node, const char *url,
				bool image)
{
	struct tree_body_links *links = user;

	(void)node;
	if (!image)
		mark_linked(links->lint, link_target(links->lint->site,
						     links->tree_path, url),
			    NULL);
}

/* Marks every article a tree names as an outcome's article or links to
 * from a node's body. */
static void mark_tree_references(struct lint *lint, const struct tree *tree)
{
	struct tree_body_links links = {lint, tree->path};

	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		for (size_t k = 0; k < node->article_count; k++)
			mark_linked(lint, site_find_article(lint->site,
							    node->articles[k].name),
				    NULL);
		if (node->body != NULL) {
			cmark_node *document = markdown_parse(node->body,
							      strlen(node->body));
			markdown_each_link(document, mark_tree_body_link, &links);
			cmark_node_free(document);
		}
	}
}

/* ---- one article's body ------------------------------------------------- */

/* The file line of body line k (1-based, as cmark counts). */
static unsigned file_line(const struct body *body, int line)
{
	return body->article->meta.body_line - 1 + (unsigned)(line > 0 ? line : 1);
}

/* The character column of cmark's byte column on body line k. */
static unsigned file_column(const struct body *body, int line, int byte_col)
{
	size_t start, end, bytes;

	if (line < 1 || (size_t)line > body->line_count || byte_col < 1)
		return 1;
	start = body->line_starts[line - 1];
	end = (size_t)line < body->line_count ? body->line_starts[line]
					       : body->length;
	bytes = (size_t)byte_col - 1;
	if (bytes > end - start)
		bytes = end - start;
	return (unsigned)utf8_count(body->text + start, bytes) + 1;
}

static void index_lines(struct body *body)
{
	size_t capacity = 0;

	body->line_starts = xgrow(NULL, &capacity, 1, sizeof *body->line_starts);
	body->line_starts[0] = 0;
	body->line_count = 1;
	for (size_t i = 0; i < body->length; i++)
		if (body->text[i] == '\n' && i + 1 < body->length) {
			body->line_starts = xgrow(body->line_starts, &capacity,
						  body->line_count + 1,
						  sizeof *body->line_starts);
			body->line_starts[body->line_count++] = i + 1;
		}
}

/* Where node starts, as the file's line and character column. */
static void locate(const struct body *body, cmark_node *node, unsigned *line,
		   unsigned *col)
{
	int body_line = cmark_node_get_start_line(node);

	*line = file_line(body, body_line);
	*col = file_column(body, body_line, cmark_node_get_start_column(node));
}

static bool is_blank(const char *text)
{
	return text[strspn(text, " \t\r\n")] == '\0';
}

static void check_image(const struct body *body, cmark_node *image)
{
	char *alt = markdown_plain_text(image);
	const char *url = cmark_node_get_url(image);
	unsigned line, col;

	if (is_blank(alt)) {
		locate(body, image, &line, &col);
		diag_warning(body->article->source, line, col,
			     "image '%s' has no alt text (describe it between "
			     "the brackets)", url ? url : "");
	}
	free(alt);
}

static const char *const heading_marks[] = {"", "#", "##", "###", "####",
					    "#####", "######"};

/* *previous is the level of the heading before (1 for the title). */
static void check_heading(const struct body *body, cmark_node *heading,
			  int *previous)
{
	int level = cmark_node_get_heading_level(heading);
	const char *path = body->article->source;
	unsigned line, col;

	if (level < 1 || level > 6)
		return;
	locate(body, heading, &line, &col);
	if (level == 1)
		diag_warning(path, line, col, "level 1 heading in the body: the "
			     "title is the page's level 1 heading, so sections "
			     "start at '##'");
	else if (level > *previous + 1 && *previous == 1)
		diag_warning(path, line, col, "heading level %d right after the "
			     "title skips a level (use '##')", level);
	else if (level > *previous + 1)
		diag_warning(path, line, col, "heading level %d after level %d "
			     "skips a level (use '%s')", level, *previous,
			     heading_marks[*previous + 1]);
	*previous = level;
}

/* Walks the body once, checking images and headings. */
static void check_body(const struct body *body)
{
	cmark_node *document = markdown_parse(body->text, body->length);
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;
	int previous_level = 1;

	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		cmark_node_type type = cmark_node_get_type(node);

		if (event != CMARK_EVENT_ENTER)
			continue;
		if (type == CMARK_NODE_HEADING)
			check_heading(body, node, &previous_level);
		else if (type == CMARK_NODE_IMAGE)
			check_image(body, node);
	}
	cmark_iter_free(iterator);
	cmark_node_free(document);
}

/* The line of the front matter's "title:" key (between the first line
 * and the body), or 1 when it is written some other way. */
static unsigned find_title_line(const char *text, const char *body)
{
	const char *line = strchr(text, '\n');

	for (unsigned n = 2; line != NULL && ++line < body; n++) {
		if (strncmp(line, "title:", 6) == 0)
			return n;
		line = strchr(line, '\n');
	}
	return 1;
}

/* Marks the articles this one links to, reads its file again and checks
 * its body and description. */
static void check_article(struct lint *lint, const struct article *article)
{
	struct body body = {.article = article};
	char *text;

	for (size_t i = 0; i < article->link_count; i++)
		if (article->links[i].target != NULL)
			mark_linked(lint, site_find_article(lint->site,
							    article->links[i].target),
				    article);
	/* a summary stands in for the description where one is shown */
	if (is_blank(site_description(article)))
		diag_warning(article->source, 1, 1, "no description in the front "
			     "matter (search results and link previews show it)");
	if (site_article_body(lint->site, article, &text, &body.text,
			      &body.length) != 0)
		return;
	lint->title_lines[article->order] = find_title_line(text, body.text);
	index_lines(&body);
	check_body(&body);
	free(body.line_starts);
	free(text);
}

/* ---- across articles ---------------------------------------------------- */

static void report_orphans(const struct lint *lint)
{
	for (size_t i = 0; i < lint->site->article_count; i++)
		if (!lint->linked[i])
			diag_warning(lint->site->articles[i]->source, 1, 1,
				     "no other article or wizard links to this "
				     "article (orphan)");
}

static int compare_by_title(const void *left_pointer, const void *right_pointer)
{
	const struct article *left = *(struct article *const *)left_pointer;
	const struct article *right = *(struct article *const *)right_pointer;
	int by_title = strcmp(left->meta.title, right->meta.title);

	return by_title ? by_title : strcmp(left->source, right->source);
}

/* Warns at each of articles[0..count), all titled alike. */
static void report_same_title(const struct lint *lint,
			      struct article *const *articles, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct buf others = {0};
		for (size_t k = 0; k < count; k++)
			if (k != i)
				buf_printf(&others, "%s%s", others.length ? ", " : "",
					   articles[k]->source);
		diag_warning(articles[i]->source,
			     lint->title_lines[articles[i]->order], 1,
			     "the title '%s' is also the title of %s",
			     articles[i]->meta.title, buf_cstr(&others));
		buf_free(&others);
	}
}

static void report_duplicate_titles(const struct lint *lint)
{
	size_t count = lint->site->article_count, start = 0;
	struct article **sorted;

	if (count < 2)
		return;
	sorted = xcalloc(count, sizeof *sorted);
	memcpy(sorted, lint->site->articles, count * sizeof *sorted);
	qsort(sorted, count, sizeof *sorted, compare_by_title);
	for (size_t i = 1; i <= count; i++) {
		if (i < count &&
		    strcmp(sorted[i]->meta.title, sorted[start]->meta.title) == 0)
			continue;
		if (i - start > 1)
			report_same_title(lint, sorted + start, i - start);
		start = i;
	}
	free(sorted);
}

/* An outcome with neither articles nor links is tree.c's warning; one
 * that only links out is ours. */
static void report_outcomes_without_articles(const struct tree *tree)
{
	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		if (node->type == TREE_OUTCOME && node->article_count == 0 &&
		    node->link_count > 0)
			diag_warning(tree->path, node->line, node->col,
				     "outcome '%s' has links but no articles",
				     node->id ? node->id : "");
	}
}

/* ---- files no article references ---- */

/* Every file an article references, as its source path, sorted. */
static void referenced_files(const struct site *site, struct string_list *out)
{
	*out = (struct string_list){0};
	for (size_t i = 0; i < site->article_count; i++) {
		struct string_list names;
		site_article_files(site->articles[i], &names);
		for (size_t k = 0; k < names.count; k++) {
			char *source = site_file_source(site->articles[i],
							names.items[k]);
			string_list_add(out, source);
			free(source);
		}
		string_list_free(&names);
	}
	if (out->count > 1)
		qsort(out->items, out->count, sizeof *out->items, compare_strings);
}

static bool is_markdown(const char *name)
{
	size_t length = strlen(name);

	return length > 3 && strcmp(name + length - 3, ".md") == 0;
}

#define FOLDER_DEPTH_MAX 32

/* Warns of each file under folder (a path from the site root) that is
 * not referenced, in name order. */
static void report_unreferenced_in(const struct site *site, const char *folder,
				   const struct string_list *referenced,
				   unsigned depth)
{
	char *path = path_join(site->root, folder);
	struct dirent **entries = NULL;
	int count = scandir(path, &entries, NULL, alphasort);

	for (int i = 0; i < count; i++) {
		const char *name = entries[i]->d_name;
		char *source = path_join(folder, name);
		char *full = path_join(site->root, source);
		struct stat status;

		if (name[0] != '.' && stat(full, &status) == 0) {
			if (S_ISDIR(status.st_mode) && depth < FOLDER_DEPTH_MAX)
				report_unreferenced_in(site, source, referenced,
						       depth + 1);
			else if (S_ISREG(status.st_mode) && !is_markdown(name) &&
				 bsearch(&source, referenced->items,
					 referenced->count, sizeof (char *),
					 compare_strings) == NULL)
				diag_warning(source, 0, 0, "no article references "
					     "this file, so it is not published "
					     "(link it from the article beside it, "
					     "or remove it)");
		}
		free(full);
		free(source);
		free(entries[i]);
	}
	free(entries);
	free(path);
}

static void report_unreferenced_files(const struct site *site)
{
	struct string_list referenced;

	referenced_files(site, &referenced);
	report_unreferenced_in(site, "content", &referenced, 0);
	string_list_free(&referenced);
}

/* A site that names its spf_include uses the record checker, whose
 * diagnostics link the headings of the shipped SPF, DKIM and DMARC
 * guides: each must be there, or kb.cgi's results link nowhere. */
static void report_missing_record_guides(const struct site *site)
{
	size_t count;
	const struct record_guide *const *guides = records_guides(&count);

	if (site->config.spf_include == NULL || *site->config.spf_include == '\0')
		return;
	for (size_t i = 0; i < count; i++) {
		const struct article *article = NULL;
		char *slug = markdown_heading_slug(guides[i]->heading);

		for (size_t k = 0; k < site->article_count; k++)
			if (strcmp(site->articles[k]->url_path, guides[i]->page) == 0)
				article = site->articles[k];
		if (article == NULL || !site_article_has_anchor(article, slug))
			diag_warning("site.yaml", 0, 0,
				     "the record checker (spf_include) links "
				     "/%s#%s, which this site does not have: "
				     "an article at /%s with the heading '%s'",
				     guides[i]->page, slug, guides[i]->page,
				     guides[i]->heading);
		free(slug);
	}
}

void lint_run(const struct site *site, struct tree *const *trees,
	      size_t tree_count)
{
	struct lint lint = {
		.site = site,
		.linked = xcalloc(site->article_count + 1, sizeof *lint.linked),
		.title_lines = xcalloc(site->article_count + 1,
				       sizeof *lint.title_lines),
	};

	for (size_t i = 0; i < tree_count; i++)
		if (trees[i] != NULL) {
			mark_tree_references(&lint, trees[i]);
			report_outcomes_without_articles(trees[i]);
		}
	for (size_t i = 0; i < site->article_count; i++)
		check_article(&lint, site->articles[i]);
	report_orphans(&lint);
	report_duplicate_titles(&lint);
	report_unreferenced_files(site);
	report_missing_record_guides(site);
	free(lint.title_lines);
	free(lint.linked);
}
