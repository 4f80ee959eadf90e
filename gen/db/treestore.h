/*
 * treestore.h — the decision trees in kb.db, so that kb.cgi can walk them
 * with nothing but the database: the generator writes every tree that
 * loaded without errors, the CGI reads one tree back into the same
 * struct tree that tree.h describes (tree_walk, tree_find_node and the
 * rest work on it unchanged).
 *
 * Schema (treestore_write creates it, or empties and refills it):
 *
 *   trees       id PRIMARY KEY, position, path, title, description,
 *               duration, start (a node id)
 *   nodes       (tree, id) PRIMARY KEY, position (file order), type
 *               ("question" | "outcome"), result ("resolved" ... | NULL),
 *               title, body (Markdown), hint, agent_note
 *   options     (tree, node, id) PRIMARY KEY, position, label, next
 *   node_articles  (tree, node, position), path (content path), and the
 *               article's url and title and description, resolved at build
 *               time: the CGI has no site model
 *   node_links  (tree, node, position), name (site.yaml links: key),
 *               title, url
 *   node_body_links  (tree, node, written) PRIMARY KEY, href: every link
 *               of a node's body that the build rewrites (".md" files,
 *               links into trees) with the href the static page uses;
 *               links not listed are kept as written, as on static pages
 *
 * Bodies stay Markdown: the CGI renders them with markdown_render, into
 * DOM nodes, like the static wizard pages.
 *
 * treestore_write (treestore_write.c) is the build's half and needs the
 * site model; everything else (treestore.c) is what kb.cgi links, so the
 * CGI carries no site loading.
 */
#ifndef KB_TREESTORE_H
#define KB_TREESTORE_H

#include <sqlite3.h>
#include <stddef.h>

#include "content/site.h"
#include "content/tree.h"

enum treestore_status {
	TREESTORE_OK = 0,
	TREESTORE_NOT_FOUND,	/* no tree with that id */
	TREESTORE_CORRUPT,	/* rows that do not make a tree (bad ids,
				 * dangling next or start, missing titles) */
	TREESTORE_DATABASE,	/* SQLite failed (sqlite3_errmsg says why), or
				 * the tables are missing */
};

/* A short English message for a treestore_status; static, never NULL. */
const char *treestore_strerror(int status);

/*
 * Creates the tables above in db when they are missing, empties them
 * (in a kb.db updated in place they hold what the previous build wrote)
 * and writes every tree that has an id, a title and a valid start (trees
 * with errors never reach a written kb.db: the build stops first). So the
 * tables end up as a full build of the same trees leaves them. Article
 * titles and URLs and external links are resolved against site. Call
 * inside the index's transaction (index_open or index_open_update).
 * Returns 0, or -1 after a diagnostic.
 */
int treestore_write(sqlite3 *db, const struct site *site,
		    struct tree *const *trees, size_t count);

/*
 * Reads the tree with this id from db into *out (a tree the caller frees
 * with tree_free): nodes in file order, options with next_index set,
 * start set, the id index built, no tests, articles and links by name
 * (their titles and URLs come from treestore_node_details). id may be any
 * text; it only ever reaches SQL as a bound parameter. Returns a
 * treestore_status; *out is NULL unless TREESTORE_OK.
 */
int treestore_load(sqlite3 *db, const char *id, struct tree **out);

/* One tree in the list of trees (for pages that suggest the wizard). */
struct treestore_entry {
	char *id, *title, *description;	/* description may be NULL */
};

/* Every stored tree, in the order the build wrote them. The caller
 * releases *entries with treestore_entries_free. Returns a status. */
int treestore_list(sqlite3 *db, struct treestore_entry **entries,
		   size_t *count);
void treestore_entries_free(struct treestore_entry *entries, size_t count);

struct treestore_article {
	char *url, *title, *description;	/* description may be NULL */
};

struct treestore_link {
	char *title, *url;
};

struct treestore_body_link {
	char *written, *href;
};

/* What a node's page shows beyond the tree itself. */
struct treestore_details {
	struct treestore_article *articles;
	size_t article_count;
	struct treestore_link *links;
	size_t link_count;
	struct treestore_body_link *body_links;
	size_t body_link_count;
};

/* Reads the articles, external links and rewritten body links of one
 * node, each in written order. *details is always initialised; release
 * it with treestore_details_free. Returns a status. */
int treestore_node_details(sqlite3 *db, const char *tree_id,
			   const char *node_id,
			   struct treestore_details *details);
void treestore_details_free(struct treestore_details *details);

/* The href a body link written as `written` becomes, or NULL to keep it
 * as written. Borrowed from details. */
const char *treestore_body_href(const struct treestore_details *details,
				const char *written);

#endif
