/*
 * tree.h — decision trees: load one YAML file per tree, check it, look
 * nodes up, and replay a visitor's answers.
 *
 * The format is in DESIGN.md ("Decision trees"). Tree, node and option
 * ids are URL slugs: one or more of [a-z0-9-], starting with [a-z0-9], at
 * most TREE_MAX_ID_LENGTH bytes. They appear in URLs and must never be
 * renumbered, so the loader refuses anything else rather than mangling it.
 *
 * Every mistake is reported through diag at the offending value's
 * path:line:col, all of them in one run; see tree_load for the list.
 *
 * The model, the lookups and the walk are tree.c, all a program that
 * reads trees back from kb.db needs; tree_load and tree_load_all are
 * treeload.c, with the graph checks in treecheck.c and the tree's own
 * tests in treetest.c.
 */
#ifndef KB_TREE_H
#define KB_TREE_H

#include <stdbool.h>
#include <stddef.h>

/* "No node / no option": the value of an index that names nothing. */
#define TREE_NONE ((size_t)-1)
#define TREE_MAX_ID_LENGTH 64
/* Larger tree files are refused before parsing. */
#define TREE_MAX_FILE_SIZE ((size_t)4 << 20)

enum tree_node_type {
	TREE_UNKNOWN,		/* type missing or invalid (an error was reported) */
	TREE_QUESTION,
	TREE_OUTCOME,
};

enum tree_result {
	TREE_RESULT_NONE,	/* questions, and outcomes with a bad result */
	TREE_RESOLVED,
	TREE_UNRESOLVED,
	TREE_ESCALATE,
};

/* A name that points elsewhere (an article's content path, an external
 * link's name in site.yaml), with where it was written. */
struct tree_reference {
	char *name;
	unsigned line, col;
};

/* id and label are NULL only in a tree with errors. */
struct tree_option {
	char *id, *label, *next;
	unsigned line, col;	/* of the option's id */
	unsigned next_line, next_col;
	size_t next_index;	/* into tree->nodes; TREE_NONE if no such node */
};

struct tree_node {
	char *id;
	unsigned line, col;	/* of the id, the node's key under nodes: */
	enum tree_node_type type;
	char *title;
	char *body;		/* Markdown, or NULL */
	/* Where the body's first line is: for a block scalar (body: |) the
	 * line after the indicator, at the block's indentation, so body line
	 * k is file line body_line + k; otherwise where the value starts. */
	unsigned body_line, body_col;
	char *hint, *agent_note;	/* or NULL */
	enum tree_result result;	/* outcomes only */
	struct tree_option *options;	/* questions only */
	size_t option_count;
	struct tree_reference *articles;	/* outcomes: content paths */
	size_t article_count;
	struct tree_reference *links;	/* outcomes: names from site.yaml */
	size_t link_count;
};

/* One step of a test: the answer "node=option" as written. node and
 * option are NULL when the answer was malformed (an error was reported). */
struct tree_test_answer {
	char *node, *option;
	unsigned line, col;
};

struct tree_test {
	struct tree_test_answer *path;	/* NULL when missing or not a list */
	size_t path_length;
	char *expect;		/* node id the path must end at, or NULL */
	unsigned line, col;	/* of the test entry */
	unsigned expect_line, expect_col;
};

struct tree_index;

struct tree {
	char *path;		/* as given to tree_load, e.g. decision-trees/x.yaml */
	char *id, *title;	/* NULL only in a tree that has errors */
	unsigned id_line, id_col;	/* where the tree id was written */
	char *description, *duration;	/* or NULL */
	size_t start;		/* into nodes; TREE_NONE if missing or unknown */
	struct tree_node *nodes;	/* in file order */
	size_t node_count;
	struct tree_test *tests;
	size_t test_count;
	struct tree_index *index;	/* private: see tree_build_index */
};

/* What the rest of the site tells the validator. Either callback may be
 * NULL, which skips that check (unit tests); context itself may be NULL. */
struct tree_context {
	bool (*article_exists)(void *user, const char *content_path);
	bool (*link_exists)(void *user, const char *name);
	void *user;
};

/*
 * Loads and checks root/relative_path; diagnostics name relative_path.
 * Reports every problem through diag, all of them, not just the first.
 * Returns NULL when the file could not be loaded at all (unreadable, too
 * large, not YAML, not a mapping, or refused by yamldoc: duplicate keys,
 * so duplicate node ids too, aliases, nesting);
 * otherwise a tree, which the caller frees with tree_free. A tree is
 * valid only when no error was reported: compare diag_error_count()
 * before and after. The context is used only during the call.
 *
 * Errors: an unknown field; a value of the wrong type; a missing required
 * field (tree, title, start, nodes; a node's type and title; an option's
 * id, label and next; a test's path and expect); an id that is not a
 * slug; `tree` not matching the file name; `start` or a `next` naming no
 * node; a node unreachable from start; a cycle; a question without
 * options; an outcome without result or with an invalid one; a duplicate
 * option id; an article or link name the context does not know; a
 * reachable outcome that no test expects; a test whose walk fails (a
 * test's answers must follow the path in order, from start, unlike
 * tree_walk's; a test may expect a question). Warnings: a
 * question with two or more options that all lead to the same node; an
 * outcome with neither articles nor links.
 */
struct tree *tree_load(const char *root, const char *relative_path,
		       const struct tree_context *context);

/* tree_load on text already read (length bytes, not necessarily
 * NUL-terminated), diagnostics naming relative_path: the same checks and
 * the same result. text is used only during the call. */
struct tree *tree_parse(const char *text, size_t length,
			const char *relative_path,
			const struct tree_context *context);

/*
 * Loads every root/decision-trees/ *.yaml (names starting with '.' are
 * skipped) in name order, and reports two files with the same tree id.
 * A missing folder means no trees. Files that could not be loaded at all
 * are left out (their errors were reported). On success returns 0 and
 * hands the caller *out (an array of *count trees, possibly NULL when
 * zero) to free with tree_free_all; returns -1 with a diagnostic when the
 * folder exists but cannot be read.
 */
int tree_load_all(const char *root, const struct tree_context *context,
		  struct tree ***out, size_t *count);

/* Frees a tree and everything in it. NULL is fine. */
void tree_free(struct tree *tree);

/* Frees an array from tree_load_all and its trees. */
void tree_free_all(struct tree **trees, size_t count);

/* True when text is a valid tree, node or option id (the slug rule at
 * the top of this file). NULL is not. */
bool tree_id_valid(const char *text);

/* (Re)builds the id index of a tree the caller assembled itself (e.g.
 * read back from a database) so that lookups and tree_walk work on it;
 * tree_load does this already. Returns false when a node id is NULL or
 * repeats (lookups then find the first such node). tree_free frees the
 * index with the rest. */
bool tree_build_index(struct tree *tree);

/* The index of the node with this id, or TREE_NONE. O(1) expected. */
size_t tree_node_index(const struct tree *tree, const char *id);

/* The node with this id, or NULL. Borrowed from the tree. */
const struct tree_node *tree_find_node(const struct tree *tree,
				       const char *id);

/* The index of node's option with this id, or TREE_NONE (linear: a
 * question has a handful of options). */
size_t tree_option_index(const struct tree_node *node, const char *id);

/* "question" / "outcome" / "unknown"; "resolved" / "unresolved" /
 * "escalate" / "none". Static storage. */
const char *tree_node_type_name(enum tree_node_type type);
const char *tree_result_name(enum tree_result result);

/*
 * Replaying a visitor's answers, as the stateless wizard URLs
 * (/wizard/<tree>/<node>?<node>=<option>&...) need.
 */

/* One answer: the visitor chose option at node. Both borrowed. */
struct tree_answer {
	const char *node, *option;
};

enum tree_answer_status {
	TREE_ANSWER_IGNORED,	/* its node is not on the path (stale, unknown,
				 * or a second answer to the same node) */
	TREE_ANSWER_APPLIED,	/* it moved the walk one step */
	TREE_ANSWER_INVALID,	/* its node is on the path but has no such
				 * option; the walk stopped there */
};

struct tree_step {
	size_t node;		/* the node answered */
	size_t option;		/* index into that node's options */
	size_t answer;		/* index into the answers given */
};

struct tree_walk {
	size_t node;		/* where the walk stopped; TREE_NONE if the
				 * tree has no valid start */
	struct tree_step *steps;	/* from start, in order */
	size_t step_count;
	enum tree_answer_status *status;	/* one per answer given */
};

/*
 * Walks from start: at each node, looks for an answer to that node (in
 * any position of answers; the first one wins), follows its option, and
 * stops at the first node with no usable answer, or at an outcome. Each
 * answer is used at most once, so the walk always ends, even on a tree
 * with a cycle. Fills *walk, which the caller releases with
 * tree_walk_free. Meant for trees that loaded without errors.
 */
void tree_walk(const struct tree *tree, const struct tree_answer *answers,
	       size_t answer_count, struct tree_walk *walk);

/* tree_walk from node index from instead of the tree's start: the walk a
 * visitor records after arriving at a step in the middle (a link support
 * staff sent). from out of range walks from the start. */
void tree_walk_from(const struct tree *tree, size_t from,
		    const struct tree_answer *answers, size_t answer_count,
		    struct tree_walk *walk);

/* The most questions a visitor can still be asked from node index, that
 * one included: the longest path of questions to an outcome. 0 for an
 * outcome or an index out of range. Cycles (in a tree with errors) end
 * the count where they close. */
size_t tree_questions_left(const struct tree *tree, size_t index);

/* The fewest answers that lead from the start to node index (0 for the
 * start itself), or TREE_NONE when no path does. */
size_t tree_depth(const struct tree *tree, size_t index);

/* Releases what tree_walk put in *walk (not walk itself). */
void tree_walk_free(struct tree_walk *walk);

#endif
