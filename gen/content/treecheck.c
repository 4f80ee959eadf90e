/*
 * treecheck.c — the graph checks a loaded tree goes through: every next
 * and the start name a node, no node is unreachable, no cycle, no
 * question whose options all lead one way. Walks are iterative, so a
 * long chain of nodes needs no deep C stack.
 */
#include "content/treecheck.h"

#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/tree.h"
#include "content/treetest.h"

/* Sets each option's next_index, reporting a next that names no node. */
static void resolve_next(struct tree *tree)
{
	for (size_t i = 0; i < tree->node_count; i++) {
		struct tree_node *node = &tree->nodes[i];

		for (size_t k = 0; k < node->option_count; k++) {
			struct tree_option *option = &node->options[k];

			option->next_index = tree_node_index(tree, option->next);
			if (option->next_index == TREE_NONE)
				diag_error(tree->path, option->next_line,
					   option->next_col,
					   "next node '%s' does not exist",
					   option->next);
		}
	}
}

/* Marks reached[i] for every node reachable from start (breadth first). */
static bool *find_reachable(const struct tree *tree)
{
	bool *reached = xcalloc(tree->node_count, sizeof *reached);
	size_t *queue = xmalloc(tree->node_count * sizeof *queue);
	size_t head = 0, tail = 0;

	reached[tree->start] = true;
	queue[tail++] = tree->start;
	while (head < tail) {
		const struct tree_node *node = &tree->nodes[queue[head++]];

		for (size_t k = 0; k < node->option_count; k++) {
			size_t next = node->options[k].next_index;

			if (next != TREE_NONE && !reached[next]) {
				reached[next] = true;
				queue[tail++] = next;
			}
		}
	}
	free(queue);
	return reached;
}

static void report_unreachable(const struct tree *tree,
			       const bool *reached)
{

	for (size_t i = 0; i < tree->node_count; i++)
		if (!reached[i])
			diag_error(tree->path, tree->nodes[i].line,
				   tree->nodes[i].col,
				   "node '%s' is not reachable from start '%s'",
				   tree->nodes[i].id,
				   tree->nodes[tree->start].id);
}

struct frame {
	size_t node;
	size_t next_option;
};

enum colour { WHITE, GREY, BLACK };

/* Reports the cycle closed by option: the stack from its target up. */
static void report_cycle(const struct tree *tree,
			 const struct frame *cycle, size_t length,
			 const struct tree_option *option)
{
	struct buf text = {0};

	for (size_t i = 0; i < length; i++) {
		buf_adds(&text, tree->nodes[cycle[i].node].id);
		buf_adds(&text, " -> ");
	}
	buf_adds(&text, tree->nodes[cycle[0].node].id);
	diag_error(tree->path, option->next_line, option->next_col,
		   "cycle: %s", buf_cstr(&text));
	buf_free(&text);
}

struct cycle_search {
	unsigned char *colour;
	size_t *position;	/* of a grey node on the stack */
	struct frame *stack;
	size_t depth;
};

/* Depth-first from root with an explicit stack; every back edge found is
 * a cycle. */
static void search_from(const struct tree *tree,
			struct cycle_search *search, size_t root)
{

	search->colour[root] = GREY;
	search->position[root] = 0;
	search->stack[0] = (struct frame){root, 0};
	search->depth = 1;
	while (search->depth > 0) {
		struct frame *top = &search->stack[search->depth - 1];
		const struct tree_node *node = &tree->nodes[top->node];
		const struct tree_option *option;
		size_t next;

		if (top->next_option == node->option_count) {
			search->colour[top->node] = BLACK;
			search->depth--;
			continue;
		}
		option = &node->options[top->next_option++];
		next = option->next_index;
		if (next == TREE_NONE || search->colour[next] == BLACK)
			continue;
		if (search->colour[next] == GREY) {
			size_t at = search->position[next];
			report_cycle(tree, search->stack + at,
				     search->depth - at, option);
			continue;
		}
		search->colour[next] = GREY;
		search->position[next] = search->depth;
		search->stack[search->depth++] = (struct frame){next, 0};
	}
}

static void find_cycles(const struct tree *tree)
{
	size_t count = tree->node_count;
	struct cycle_search search = {
		.colour = xcalloc(count, 1),
		.position = xcalloc(count, sizeof *search.position),
		.stack = xcalloc(count, sizeof *search.stack),
	};

	if (tree->start != TREE_NONE)
		search_from(tree, &search, tree->start);
	for (size_t i = 0; i < count; i++)
		if (search.colour[i] == WHITE)
			search_from(tree, &search, i);
	free(search.colour);
	free(search.position);
	free(search.stack);
}

/* ---- node rules ---------------------------------------------------------- */

/* Warns about a question with two or more options that all lead to the
 * same node: the question asks nothing. One option ("continue") is fine. */
static void check_same_next(const struct tree *tree,
			    const struct tree_node *node)
{
	size_t k = 1;

	if (node->type != TREE_QUESTION || node->option_count < 2)
		return;
	while (k < node->option_count &&
	       strcmp(node->options[k].next, node->options[0].next) == 0)
		k++;
	if (k == node->option_count)
		diag_warning(tree->path, node->line, node->col,
			     "every option of question '%s' leads to '%s'",
			     node->id, node->options[0].next);
}

/* ---- the checks in order ------------------------------------------------- */

/* Resolves every option's next and the start node, then checks the graph
 * (cycles, options that all lead one way, unreachable nodes) and runs the
 * tree's tests. The order is the order of the diagnostics. */
void tree_check_graph(struct tree *tree, const struct tree_reference *start)
{
	bool *reached = NULL;

	resolve_next(tree);
	if (start != NULL) {
		tree->start = tree_node_index(tree, start->name);
		if (tree->start == TREE_NONE)
			diag_error(tree->path, start->line, start->col,
				   "start node '%s' does not exist",
				   start->name);
	}
	find_cycles(tree);
	for (size_t i = 0; i < tree->node_count; i++)
		check_same_next(tree, &tree->nodes[i]);
	if (tree->start == TREE_NONE)
		return;
	reached = find_reachable(tree);
	report_unreachable(tree, reached);
	tree_run_tests(tree, reached);
	free(reached);
}
