/*
 * fuzz_tree.c — libFuzzer harness for decision trees (tree_parse, the
 * checks of tree.h) and the walk and progress computed on them.
 *
 * Input: the bytes of decision-trees/fuzz.yaml (so a tree that can pass
 * says `tree: fuzz`). Articles and links all exist. The promises kept,
 * or the harness aborts (a crash for libFuzzer):
 *   - no tree comes back only when an error was reported;
 *   - a tree with no error has a start, every option leads to a node,
 *     every question has options and every outcome a result;
 *   - on such a tree, progress is consistent: an outcome has no question
 *     left, a question at least one and one more than the option that
 *     asks most after it; the start is at depth 0;
 *   - walking with any answers (the input's bytes choose the options)
 *     ends within one step per node, at the node its steps lead to;
 *   - on any tree, errors or not, tree_questions_left and tree_walk end;
 *   - everything is released (ASan's leak check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "content/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool exists(void *user, const char *name)
{
	(void)user;
	(void)name;
	return true;
}

static void check_shape(const struct tree *tree)
{
	if (tree->start >= tree->node_count || tree->id == NULL)
		abort();
	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		size_t most = 0;

		if (node->type == TREE_OUTCOME) {
			if (node->result == TREE_RESULT_NONE ||
			    tree_questions_left(tree, i) != 0)
				abort();
			continue;
		}
		if (node->type != TREE_QUESTION || node->option_count == 0)
			abort();
		for (size_t k = 0; k < node->option_count; k++) {
			size_t next = node->options[k].next_index;
			size_t left;
			if (next >= tree->node_count)
				abort();
			left = tree_questions_left(tree, next);
			if (left > most)
				most = left;
		}
		if (tree_questions_left(tree, i) != most + 1)
			abort();
	}
	if (tree_depth(tree, tree->start) != 0)
		abort();
}

/* Answers every node with the option the input's bytes choose. */
static void check_walk(const struct tree *tree, const uint8_t *data,
		       size_t size, bool valid)
{
	struct tree_answer *answers = calloc(tree->node_count + 1,
					     sizeof *answers);
	size_t count = 0;
	struct tree_walk walk;

	if (answers == NULL)
		abort();
	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		if (node->id == NULL || node->option_count == 0 ||
		    node->options[0].id == NULL)
			continue;
		size_t pick = size ? data[i % size] % node->option_count : 0;
		if (node->options[pick].id == NULL)
			pick = 0;
		answers[count++] = (struct tree_answer){node->id,
							node->options[pick].id};
	}
	tree_walk(tree, answers, count, &walk);
	if (walk.step_count > tree->node_count)
		abort();
	if (valid) {
		size_t at = tree->start;
		for (size_t s = 0; s < walk.step_count; s++) {
			const struct tree_step *step = &walk.steps[s];
			if (step->node != at)
				abort();
			at = tree->nodes[at].options[step->option].next_index;
		}
		if (walk.node != at || tree->nodes[at].type != TREE_OUTCOME)
			abort();
	}
	tree_walk_free(&walk);
	free(answers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tree_context context = {
		.article_exists = exists, .link_exists = exists,
	};
	struct tree *tree;
	bool valid;

	diag_clear();
	tree = tree_parse((const char *)data, size, "decision-trees/fuzz.yaml",
			  &context);
	valid = tree != NULL && diag_error_count() == 0;
	if (tree == NULL && diag_error_count() == 0)
		abort();
	if (tree != NULL) {
		if (valid)
			check_shape(tree);
		for (size_t i = 0; i < tree->node_count; i++)
			(void)tree_questions_left(tree, i);
		check_walk(tree, data, size, valid);
	}
	tree_free(tree);
	diag_clear();
	return 0;
}
