/*
 * treestore_write.c — the build's half of the tree store: the tables of
 * treestore.h created, emptied and filled from loaded trees, with article
 * titles, URLs and rewritten body links resolved against the site model
 * (which is why it sits apart from the reading half kb.cgi links).
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

/* Binds text, or NULL; SQLITE_TRANSIENT so callers may free right after. */
static int bind_text(sqlite3_stmt *statement, int index, const char *text)
{
	if (text == NULL)
		return sqlite3_bind_null(statement, index);
	return sqlite3_bind_text(statement, index, text, -1, SQLITE_TRANSIENT);
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
