/*
 * treestore.c — the reading half of the tree store (see treestore.h): one
 * tree, the list of trees and a node's details back from kb.db, for
 * kb.cgi. It needs no site model; treestore_write.c is the build's half.
 */
#include "db/treestore.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "db/column.h"

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

/* Prepares sql with the tree's id bound as ?1 (copied: id may be freed
 * before the statement is). */
static int prepare_for_tree(sqlite3 *db, const char *sql, const char *id,
			    sqlite3_stmt **statement)
{
	*statement = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, statement, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(*statement, 1, id, -1,
			      SQLITE_TRANSIENT) != SQLITE_OK)
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
	    sqlite3_bind_text(statement, 1, tree_id, -1,
			      SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(statement, 2, node_id, -1,
			      SQLITE_TRANSIENT) != SQLITE_OK)
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
