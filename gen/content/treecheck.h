/*
 * treecheck.h — the graph checks of a tree the loader has read (treeload.c
 * calls them; nothing outside gen/content/ needs to).
 */
#ifndef KB_TREECHECK_H
#define KB_TREECHECK_H

#include "content/tree.h"

/*
 * Resolves every option's next (next_index) and start (tree->start), then
 * reports through diag, at tree->path: a next or start naming no node,
 * every cycle, a question whose options all lead to one node (a warning),
 * nodes unreachable from start, and what the tree's own tests find
 * (treetest.h). start is the start: value as written, or NULL when it was
 * missing or not text (already reported). The tree's index must be built.
 */
void tree_check_graph(struct tree *tree, const struct tree_reference *start);

#endif
