/*
 * treestore.c — decision trees to and from kb.db (see treestore.h).
 */
#include "db/treestore.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "content/markdown.h"
#include "base/util.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS trees("
	"id TEXT PRIMARY KEY NOT NULL, position INTEGER NOT NULL, "
	"path TEXT NOT NULL, title TEXT NOT NULL, description TEXT, "
	"duration TEXT, start TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS nodes("
	"tree TEXT NOT NULL, id TEXT NOT NULL, position INTEGER NOT NULL, "
	"type TEXT NOT NULL, result TEXT, title TEXT NOT NULL, body TEXT, "
	"hint TEXT, agent_note TEXT, PRIMARY KEY(tree, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS options("
	"tree TEXT NOT NULL, node TEXT NOT NULL, id TEXT NOT NULL, "
	"position INTEGER NOT NULL, label TEXT NOT NULL, next TEXT NOT NULL, "
	"PRIMARY KEY(tree, node, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS node_articles("
	"tree TEXT NOT NULL, node TEXT NOT NULL, position INTEGER NOT NULL, "
	"path TEXT NOT NULL, url TEXT NOT NULL, title TEXT NOT NULL, "
	"description TEXT, PRIMARY KEY(tree, node, position)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS node_links("
	"tree TEXT NOT NULL, node TEXT NOT NULL, position INTEGER NOT NULL, "
	"name TEXT NOT NULL, title TEXT NOT NULL, url TEXT NOT NULL, "
	"PRIMARY KEY(tree, node, position)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS node_body_links("
	"tree TEXT NOT NULL, node TEXT NOT NULL, written TEXT NOT NULL, "
	"href TEXT NOT NULL, PRIMARY KEY(tree, node, written)) WITHOUT ROWID;";

/* What an earlier treestore_write left, when updating kb.db in place. */
static const char clear_sql[] =
	"DELETE FROM trees; DELETE FROM nodes; DELETE FROM options; "
	"DELETE FROM node_articles; DELETE FROM node_links; "
	"DELETE FROM node_body_links;";

const char *treestore_strerror(int status)
{
	switch (status) {
	case TREESTORE_OK:
		return "success";
	case TREESTORE_NOT_FOUND:
		return "no such tree";
	case TREESTORE_CORRUPT:
		return "the stored tree is inconsistent";
	case TREESTORE_DATABASE:
		return "database error";
	}
	return "unknown treestore status";
}

/* ---- small SQLite helpers --------------------------------------------------- */

/* Binds text, or NULL; SQLITE_TRANSIENT so callers may free right after. */
static int bind_text(sqlite3_stmt *statement, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(statement, index);
	return sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
}

/* A copy of a text column, or NULL for NULL. The caller frees. */
static char *column_copy(sqlite3_stmt *statement, int column)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	if (text == NULL)
		return NULL;
	return xstrndup((const char *)text,
			(size_t)sqlite3_column_bytes(statement, column));
}

/* Runs an INSERT of count texts (NULL allowed) and one number bound as
 * ?(count + 1) when with_number. 0 or -1. */
static int insert(sqlite3 *db, const char *sql, const char *const *texts,
		  int count, bool with_number, sqlite3_int64 number)
{
	sqlite3_stmt *statement = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		goto out;
	for (int i = 0; i < count; i++)
		if (bind_text(statement, i + 1, texts[i]) != SQLITE_OK)
			goto out;
	if (with_number &&
	    sqlite3_bind_int64(statement, count + 1, number) != SQLITE_OK)
		goto out;
	if (sqlite3_step(statement) == SQLITE_DONE)
		rc = 0;
out:
	sqlite3_finalize(statement);
	return rc;
}

/* ---- writing ----------------------------------------------------------------- */

struct writer {
	sqlite3 *db;
	const struct site *site;
	const struct tree *tree;
	const struct tree_node *node;
	int failed;
};

static bool tree_writable(const struct tree *tree)
{
	return tree != NULL && tree->id != NULL && tree->title != NULL &&
	       tree->start < tree->node_count;
}

static int write_options(struct writer *writer)
{
	const struct tree_node *node = writer->node;

	for (size_t i = 0; i < node->option_count; i++) {
		const struct tree_option *option = &node->options[i];
		const char *texts[] = {writer->tree->id, node->id, option->id,
				       option->label, option->next};
		if (insert(writer->db, "INSERT INTO options(tree, node, id, "
			   "label, next, position) VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
			   texts, 5, true, (sqlite3_int64)i) != 0)
			return -1;
	}
	return 0;
}

static int write_articles(struct writer *writer)
{
	const struct tree_node *node = writer->node;
	sqlite3_int64 position = 0;

	for (size_t i = 0; i < node->article_count; i++) {
		const struct article *article =
			site_find_article(writer->site, node->articles[i].name);
		char *url;
		int rc;

		if (article == NULL)
			continue;	/* reported by the tree loader */
		url = site_url(writer->site, article->url_path);
		const char *texts[] = {writer->tree->id, node->id,
				       node->articles[i].name, url,
				       article->meta.title,
				       article->meta.description};
		rc = insert(writer->db, "INSERT INTO node_articles(tree, node, "
			    "path, url, title, description, position) "
			    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			    texts, 6, true, position++);
		free(url);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int write_links(struct writer *writer)
{
	const struct tree_node *node = writer->node;
	sqlite3_int64 position = 0;

	for (size_t i = 0; i < node->link_count; i++) {
		const struct external_link *link =
			site_config_link(&writer->site->config,
					 node->links[i].name);
		if (link == NULL)
			continue;	/* reported by the tree loader */
		const char *texts[] = {writer->tree->id, node->id, link->name,
				       link->title, link->url};
		if (insert(writer->db, "INSERT INTO node_links(tree, node, "
			   "name, title, url, position) "
			   "VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
			   texts, 5, true, position++) != 0)
			return -1;
	}
	return 0;
}

/* markdown_each_link visitor: stores the href of each link the static
 * page rewrites (the same call wizard.c makes for it). */
static void write_body_link(void *user, cmark_node *link, const char *url,
			    bool image)
{
	struct writer *writer = user;
	char *href;

	(void)link;
	(void)image;
	if (writer->failed)
		return;
	href = site_resolve_link_from(writer->site, writer->tree->path, NULL,
				      url, NULL);
	if (href != NULL) {
		const char *texts[] = {writer->tree->id, writer->node->id, url,
				       href};
		if (insert(writer->db, "INSERT OR IGNORE INTO node_body_links("
			   "tree, node, written, href) VALUES(?1, ?2, ?3, ?4)",
			   texts, 4, false, 0) != 0)
			writer->failed = 1;
	}
	free(href);
}

static int write_body_links(struct writer *writer)
{
	const char *body = writer->node->body;
	cmark_node *document;

	if (body == NULL)
		return 0;
	document = markdown_parse(body, strlen(body));
	markdown_each_link(document, write_body_link, writer);
	cmark_node_free(document);
	return writer->failed ? -1 : 0;
}

static int write_node(struct writer *writer, size_t position)
{
	const struct tree_node *node = writer->node;
	const char *texts[] = {
		writer->tree->id, node->id, tree_node_type_name(node->type),
		node->type == TREE_OUTCOME ? tree_result_name(node->result) : NULL,
		node->title ? node->title : node->id, node->body, node->hint,
		node->agent_note,
	};

	if (insert(writer->db, "INSERT INTO nodes(tree, id, type, result, "
		   "title, body, hint, agent_note, position) "
		   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		   texts, 8, true, (sqlite3_int64)position) != 0 ||
	    write_options(writer) != 0 || write_articles(writer) != 0 ||
	    write_links(writer) != 0 || write_body_links(writer) != 0)
		return -1;
	return 0;
}

static int write_tree(struct writer *writer, size_t position)
{
	const struct tree *tree = writer->tree;
	const char *texts[] = {tree->id, tree->path, tree->title,
			       tree->description, tree->duration,
			       tree->nodes[tree->start].id};

	if (insert(writer->db, "INSERT INTO trees(id, path, title, "
		   "description, duration, start, position) "
		   "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		   texts, 6, true, (sqlite3_int64)position) != 0)
		return -1;
	for (size_t i = 0; i < tree->node_count; i++) {
		writer->node = &tree->nodes[i];
		if (write_node(writer, i) != 0)
			return -1;
	}
	return 0;
}

int treestore_write(sqlite3 *db, const struct site *site,
		    struct tree *const *trees, size_t count)
{
	struct writer writer = {.db = db, .site = site};
	size_t position = 0;

	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, clear_sql, NULL, NULL, NULL) != SQLITE_OK)
		goto failed;
	for (size_t i = 0; i < count; i++) {
		if (!tree_writable(trees[i]))
			continue;
		writer.tree = trees[i];
		if (write_tree(&writer, position++) != 0)
			goto failed;
	}
	return 0;
failed:
	diag_error("kb.db", 0, 0, "cannot write the decision trees: %s",
		   sqlite3_errmsg(db));
	return -1;
}

/* ---- reading ----------------------------------------------------------------- */

static int prepare_for_tree(sqlite3 *db, const char *sql, const char *id,
			    sqlite3_stmt **statement)
{
	*statement = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) != SQLITE_OK ||
	    bind_text(*statement, 1, id) != SQLITE_OK)
		return TREESTORE_DATABASE;
	return TREESTORE_OK;
}

/* The trees row: id, path, title, description, duration; start kept in
 * *start for after the nodes are read. */
static int read_header(sqlite3 *db, const char *id, struct tree *tree,
		       char **start)
{
	sqlite3_stmt *statement;
	int rc = prepare_for_tree(db, "SELECT id, path, title, description, "
				  "duration, start FROM trees WHERE id = ?1",
				  id, &statement);
	int step;

	if (rc != TREESTORE_OK)
		goto out;
	step = sqlite3_step(statement);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE ? TREESTORE_NOT_FOUND
					 : TREESTORE_DATABASE;
		goto out;
	}
	tree->id = column_copy(statement, 0);
	tree->path = column_copy(statement, 1);
	tree->title = column_copy(statement, 2);
	tree->description = column_copy(statement, 3);
	tree->duration = column_copy(statement, 4);
	*start = column_copy(statement, 5);
	if (!tree_id_valid(tree->id) || tree->path == NULL || tree->title == NULL ||
	    *start == NULL)
		rc = TREESTORE_CORRUPT;
out:
	sqlite3_finalize(statement);
	return rc;
}

static bool read_node_type(sqlite3_stmt *statement, struct tree_node *node)
{
	const char *type = (const char *)sqlite3_column_text(statement, 1);
	const char *result = (const char *)sqlite3_column_text(statement, 2);

	if (type != NULL && strcmp(type, "question") == 0) {
		node->type = TREE_QUESTION;
		return true;
	}
	if (type == NULL || strcmp(type, "outcome") != 0 || result == NULL)
		return false;
	node->type = TREE_OUTCOME;
	if (strcmp(result, "resolved") == 0)
		node->result = TREE_RESOLVED;
	else if (strcmp(result, "unresolved") == 0)
		node->result = TREE_UNRESOLVED;
	else if (strcmp(result, "escalate") == 0)
		node->result = TREE_ESCALATE;
	return node->result != TREE_RESULT_NONE;
}

static int read_nodes(sqlite3 *db, struct tree *tree)
{
	sqlite3_stmt *statement;
	size_t capacity = 0;
	int rc = prepare_for_tree(db, "SELECT id, type, result, title, body, "
				  "hint, agent_note FROM nodes WHERE tree = ?1 "
				  "ORDER BY position", tree->id, &statement);
	int step = SQLITE_DONE;

	while (rc == TREESTORE_OK &&
	       (step = sqlite3_step(statement)) == SQLITE_ROW) {
		struct tree_node *node;

		tree->nodes = xgrow(tree->nodes, &capacity, tree->node_count + 1,
				    sizeof *tree->nodes);
		node = &tree->nodes[tree->node_count++];
		memset(node, 0, sizeof *node);
		node->id = column_copy(statement, 0);
		node->title = column_copy(statement, 3);
		node->body = column_copy(statement, 4);
		node->hint = column_copy(statement, 5);
		node->agent_note = column_copy(statement, 6);
		if (!tree_id_valid(node->id) || node->title == NULL ||
		    !read_node_type(statement, node))
			rc = TREESTORE_CORRUPT;
	}
	if (rc == TREESTORE_OK && step != SQLITE_DONE)
		rc = TREESTORE_DATABASE;
	sqlite3_finalize(statement);
	return rc;
}

/* Options in file order, attached to their nodes, next_index resolved. */
static int read_options(sqlite3 *db, struct tree *tree)
{
	sqlite3_stmt *statement;
	size_t *capacities = xcalloc(tree->node_count + 1, sizeof *capacities);
	int rc = prepare_for_tree(db, "SELECT node, id, label, next FROM "
				  "options WHERE tree = ?1 ORDER BY node, "
				  "position", tree->id, &statement);
	int step = SQLITE_DONE;

	while (rc == TREESTORE_OK &&
	       (step = sqlite3_step(statement)) == SQLITE_ROW) {
		const char *node_id = (const char *)sqlite3_column_text(statement, 0);
		size_t index = tree_node_index(tree, node_id);
		struct tree_node *node;
		struct tree_option *option;

		if (index == TREE_NONE ||
		    tree->nodes[index].type != TREE_QUESTION) {
			rc = TREESTORE_CORRUPT;
			break;
		}
		node = &tree->nodes[index];
		node->options = xgrow(node->options, &capacities[index],
				      node->option_count + 1,
				      sizeof *node->options);
		option = &node->options[node->option_count++];
		memset(option, 0, sizeof *option);
		option->id = column_copy(statement, 1);
		option->label = column_copy(statement, 2);
		option->next = column_copy(statement, 3);
		option->next_index = tree_node_index(tree, option->next);
		if (!tree_id_valid(option->id) || option->label == NULL ||
		    option->next_index == TREE_NONE)
			rc = TREESTORE_CORRUPT;
	}
	if (rc == TREESTORE_OK && step != SQLITE_DONE)
		rc = TREESTORE_DATABASE;
	sqlite3_finalize(statement);
	free(capacities);
	return rc;
}

/* A question needs options (a walk stops at one without); an outcome
 * has none. */
static bool nodes_complete(const struct tree *tree)
{
	for (size_t i = 0; i < tree->node_count; i++)
		if ((tree->nodes[i].type == TREE_QUESTION) !=
		    (tree->nodes[i].option_count > 0))
			return false;
	return true;
}

/* The outcomes' article and link names, as tree_load gives them. */
static int read_references(sqlite3 *db, struct tree *tree, bool articles)
{
	sqlite3_stmt *statement;
	size_t *capacities = xcalloc(tree->node_count + 1, sizeof *capacities);
	int rc = prepare_for_tree(db, articles
				  ? "SELECT node, path FROM node_articles WHERE "
				    "tree = ?1 ORDER BY node, position"
				  : "SELECT node, name FROM node_links WHERE "
				    "tree = ?1 ORDER BY node, position",
				  tree->id, &statement);
	int step = SQLITE_DONE;

	while (rc == TREESTORE_OK &&
	       (step = sqlite3_step(statement)) == SQLITE_ROW) {
		const char *node_id = (const char *)sqlite3_column_text(statement, 0);
		size_t index = tree_node_index(tree, node_id);
		struct tree_reference **list;
		size_t *count;

		if (index == TREE_NONE) {
			rc = TREESTORE_CORRUPT;
			break;
		}
		list = articles ? &tree->nodes[index].articles
				: &tree->nodes[index].links;
		count = articles ? &tree->nodes[index].article_count
				 : &tree->nodes[index].link_count;
		*list = xgrow(*list, &capacities[index], *count + 1,
			      sizeof **list);
		memset(&(*list)[*count], 0, sizeof **list);
		(*list)[(*count)++].name = column_copy(statement, 1);
	}
	if (rc == TREESTORE_OK && step != SQLITE_DONE)
		rc = TREESTORE_DATABASE;
	sqlite3_finalize(statement);
	free(capacities);
	return rc;
}

int treestore_load(sqlite3 *db, const char *id, struct tree **out)
{
	struct tree *tree = xcalloc(1, sizeof *tree);
	char *start = NULL;
	int rc;

	*out = NULL;
	tree->start = TREE_NONE;
	rc = read_header(db, id, tree, &start);
	if (rc == TREESTORE_OK)
		rc = read_nodes(db, tree);
	if (rc == TREESTORE_OK && !tree_build_index(tree))
		rc = TREESTORE_CORRUPT;
	if (rc == TREESTORE_OK)
		rc = read_options(db, tree);
	if (rc == TREESTORE_OK)
		rc = read_references(db, tree, true);
	if (rc == TREESTORE_OK)
		rc = read_references(db, tree, false);
	if (rc == TREESTORE_OK) {
		tree->start = tree_node_index(tree, start);
		if (tree->start == TREE_NONE || !nodes_complete(tree))
			rc = TREESTORE_CORRUPT;
	}
	free(start);
	if (rc != TREESTORE_OK) {
		tree_free(tree);
		return rc;
	}
	*out = tree;
	return TREESTORE_OK;
}

int treestore_list(sqlite3 *db, struct treestore_entry **entries,
		   size_t *count)
{
	sqlite3_stmt *statement = NULL;
	size_t capacity = 0;
	int rc = TREESTORE_DATABASE, step;

	*entries = NULL;
	*count = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, title, description FROM trees "
			       "ORDER BY position", -1, &statement,
			       NULL) != SQLITE_OK)
		goto out;
	rc = TREESTORE_OK;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		struct treestore_entry *entry;

		*entries = xgrow(*entries, &capacity, *count + 1, sizeof **entries);
		entry = &(*entries)[(*count)++];
		entry->id = column_copy(statement, 0);
		entry->title = column_copy(statement, 1);
		entry->description = column_copy(statement, 2);
		if (!tree_id_valid(entry->id) || entry->title == NULL)
			rc = TREESTORE_CORRUPT;
	}
	if (rc == TREESTORE_OK && step != SQLITE_DONE)
		rc = TREESTORE_DATABASE;
out:
	sqlite3_finalize(statement);
	if (rc != TREESTORE_OK) {
		treestore_entries_free(*entries, *count);
		*entries = NULL;
		*count = 0;
	}
	return rc;
}

void treestore_entries_free(struct treestore_entry *entries, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(entries[i].id);
		free(entries[i].title);
		free(entries[i].description);
	}
	free(entries);
}

/* Runs sql (binding tree and node as ?1, ?2) and hands each row to add. */
static int read_rows(sqlite3 *db, const char *sql, const char *tree_id,
		     const char *node_id,
		     bool (*add)(struct treestore_details *, sqlite3_stmt *),
		     struct treestore_details *details)
{
	sqlite3_stmt *statement = NULL;
	int rc = TREESTORE_DATABASE, step;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK ||
	    bind_text(statement, 1, tree_id) != SQLITE_OK ||
	    bind_text(statement, 2, node_id) != SQLITE_OK)
		goto out;
	rc = TREESTORE_OK;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW)
		if (!add(details, statement))
			rc = TREESTORE_CORRUPT;
	if (rc == TREESTORE_OK && step != SQLITE_DONE)
		rc = TREESTORE_DATABASE;
out:
	sqlite3_finalize(statement);
	return rc;
}

static bool add_article(struct treestore_details *details,
			sqlite3_stmt *statement)
{
	struct treestore_article *article;

	details->articles = xrealloc(details->articles,
				     (details->article_count + 1) *
				     sizeof *details->articles);
	article = &details->articles[details->article_count++];
	article->url = column_copy(statement, 0);
	article->title = column_copy(statement, 1);
	article->description = column_copy(statement, 2);
	return article->url != NULL && article->title != NULL;
}

static bool add_link(struct treestore_details *details,
		     sqlite3_stmt *statement)
{
	struct treestore_link *link;

	details->links = xrealloc(details->links, (details->link_count + 1) *
				  sizeof *details->links);
	link = &details->links[details->link_count++];
	link->title = column_copy(statement, 0);
	link->url = column_copy(statement, 1);
	return link->url != NULL && link->title != NULL;
}

static bool add_body_link(struct treestore_details *details,
			  sqlite3_stmt *statement)
{
	struct treestore_body_link *link;

	details->body_links = xrealloc(details->body_links,
				       (details->body_link_count + 1) *
				       sizeof *details->body_links);
	link = &details->body_links[details->body_link_count++];
	link->written = column_copy(statement, 0);
	link->href = column_copy(statement, 1);
	return link->written != NULL && link->href != NULL;
}

int treestore_node_details(sqlite3 *db, const char *tree_id,
			   const char *node_id,
			   struct treestore_details *details)
{
	int rc;

	memset(details, 0, sizeof *details);
	rc = read_rows(db, "SELECT url, title, description FROM node_articles "
		       "WHERE tree = ?1 AND node = ?2 ORDER BY position",
		       tree_id, node_id, add_article, details);
	if (rc == TREESTORE_OK)
		rc = read_rows(db, "SELECT title, url FROM node_links WHERE "
			       "tree = ?1 AND node = ?2 ORDER BY position",
			       tree_id, node_id, add_link, details);
	if (rc == TREESTORE_OK)
		rc = read_rows(db, "SELECT written, href FROM node_body_links "
			       "WHERE tree = ?1 AND node = ?2",
			       tree_id, node_id, add_body_link, details);
	return rc;
}

void treestore_details_free(struct treestore_details *details)
{
	for (size_t i = 0; i < details->article_count; i++) {
		free(details->articles[i].url);
		free(details->articles[i].title);
		free(details->articles[i].description);
	}
	for (size_t i = 0; i < details->link_count; i++) {
		free(details->links[i].title);
		free(details->links[i].url);
	}
	for (size_t i = 0; i < details->body_link_count; i++) {
		free(details->body_links[i].written);
		free(details->body_links[i].href);
	}
	free(details->articles);
	free(details->links);
	free(details->body_links);
	memset(details, 0, sizeof *details);
}

const char *treestore_body_href(const struct treestore_details *details,
				const char *written)
{
	for (size_t i = 0; i < details->body_link_count; i++)
		if (strcmp(details->body_links[i].written, written) == 0)
			return details->body_links[i].href;
	return NULL;
}
