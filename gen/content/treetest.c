/*
 * treetest.c — running a tree's own tests: each test's answers followed
 * from start, in order, must end at the node it expects, and every
 * reachable outcome must be expected by some test.
 */
#include "content/treetest.h"

#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

/* Follows one answer from *current; false (reported) when it fails. */
static bool follow_answer(const struct tree *tree,
			  const struct tree_test_answer *answer,
			  size_t *current)
{
	const struct tree_node *node = &tree->nodes[*current];
	size_t option;

	if (answer->node == NULL)
		return false;
	if (tree_node_index(tree, answer->node) == TREE_NONE) {
		diag_error(tree->path, answer->line, answer->col,
			   "answer '%s=%s': node '%s' does not exist",
			   answer->node, answer->option, answer->node);
		return false;
	}
	if (strcmp(node->id, answer->node) != 0) {
		diag_error(tree->path, answer->line, answer->col,
			   "answer '%s=%s' is not on the path (the walk was "
			   "at '%s')", answer->node, answer->option, node->id);
		return false;
	}
	option = tree_option_index(node, answer->option);
	if (option == TREE_NONE) {
		diag_error(tree->path, answer->line, answer->col,
			   "answer '%s=%s': node '%s' has no option '%s'",
			   answer->node, answer->option, answer->node,
			   answer->option);
		return false;
	}
	*current = node->options[option].next_index;
	return *current != TREE_NONE;
}

static void run_test(const struct tree *tree, const struct tree_test *test,
		     bool *expected)
{
	size_t current = tree->start, target;

	if (test->expect == NULL || test->path == NULL)
		return;
	target = tree_node_index(tree, test->expect);
	if (target == TREE_NONE) {
		diag_error(tree->path, test->expect_line, test->expect_col,
			   "test expects '%s', which is not a node",
			   test->expect);
		return;
	}
	expected[target] = true;
	for (size_t i = 0; i < test->path_length; i++)
		if (!follow_answer(tree, &test->path[i], &current))
			return;
	if (current != target)
		diag_error(tree->path, test->expect_line, test->expect_col,
			   "test expects '%s' but the path ends at '%s'",
			   test->expect, tree->nodes[current].id);
}

void tree_run_tests(const struct tree *tree, const bool *reached)
{
	bool *expected = xcalloc(tree->node_count, sizeof *expected);

	for (size_t i = 0; i < tree->test_count; i++)
		run_test(tree, &tree->tests[i], expected);
	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];

		if (node->type == TREE_OUTCOME && reached[i] && !expected[i])
			diag_error(tree->path, node->line, node->col,
				   "outcome '%s' is not reached by any test",
				   node->id);
	}
	free(expected);
}
