/*
 * treetest.h — running a tree's own tests (tests: in its file), which the
 * graph checks do once the start node and every next are resolved.
 */
#ifndef KB_TREETEST_H
#define KB_TREETEST_H

#include <stdbool.h>

#include "content/tree.h"

/*
 * Follows each test's answers from start, in order (unlike tree_walk, an
 * answer off the path is an error), and reports through diag, at
 * tree->path, a test that fails or expects no node, and a reachable
 * outcome (reached[i], one per node) that no test expects. Needs a valid
 * tree->start and resolved next_index values.
 */
void tree_run_tests(const struct tree *tree, const bool *reached);

#endif
