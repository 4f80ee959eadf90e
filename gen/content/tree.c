/*
 * tree.c — the decision-tree model: ids, the node index, lookups, the
 * walk that replays a visitor's answers, and freeing. Loading and
 * checking a tree's YAML live in treeload.c, treecheck.c and treetest.c,
 * so that a program that only reads trees back (kb.cgi) takes none of
 * them.
 */
#include "content/tree.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

struct tree_index {
	size_t *slots;		/* node indexes; TREE_NONE when empty */
	size_t mask;		/* slot count - 1 (a power of two) */
};

/* ---- ids ----------------------------------------------------------------- */

bool tree_id_valid(const char *text)
{
	size_t length;

	if (text == NULL)
		return false;
	length = strlen(text);
	if (length == 0 || length > TREE_MAX_ID_LENGTH || text[0] == '-')
		return false;
	for (size_t i = 0; i < length; i++) {
		char c = text[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-'))
			return false;
	}
	return true;
}

/* ---- the index ----------------------------------------------------------- */

static uint64_t hash_id(const char *id)
{
	uint64_t hash = 14695981039346656037u;

	for (; *id; id++) {
		hash ^= (unsigned char)*id;
		hash *= 1099511628211u;
	}
	return hash;
}

static void free_index(struct tree_index *index)
{
	if (index)
		free(index->slots);
	free(index);
}

bool tree_build_index(struct tree *tree)
{
	struct tree_index *index = xcalloc(1, sizeof *index);
	size_t slots = 16;
	bool unique = true;

	while (slots < tree->node_count * 2)
		slots *= 2;
	index->mask = slots - 1;
	index->slots = xmalloc(slots * sizeof *index->slots);
	for (size_t i = 0; i < slots; i++)
		index->slots[i] = TREE_NONE;
	for (size_t i = 0; i < tree->node_count; i++) {
		const char *id = tree->nodes[i].id;
		size_t slot = (size_t)hash_id(id ? id : "") & index->mask;

		while (index->slots[slot] != TREE_NONE) {
			const char *other = tree->nodes[index->slots[slot]].id;
			if (id == NULL || (other && strcmp(other, id) == 0))
				unique = false;
			slot = (slot + 1) & index->mask;
		}
		index->slots[slot] = i;
		unique = unique && id != NULL;
	}
	free_index(tree->index);
	tree->index = index;
	return unique;
}

/* ---- freeing ------------------------------------------------------------- */

static void free_option(struct tree_option *option)
{
	free(option->id);
	free(option->label);
	free(option->next);
}

static void free_references(struct tree_reference *references, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(references[i].name);
	free(references);
}

static void free_node(struct tree_node *node)
{
	free(node->id);
	free(node->title);
	free(node->body);
	free(node->hint);
	free(node->agent_note);
	for (size_t k = 0; k < node->option_count; k++)
		free_option(&node->options[k]);
	free(node->options);
	free_references(node->articles, node->article_count);
	free_references(node->links, node->link_count);
}

static void free_test(struct tree_test *test)
{
	for (size_t i = 0; i < test->path_length; i++) {
		free(test->path[i].node);
		free(test->path[i].option);
	}
	free(test->path);
	free(test->expect);
}

void tree_free(struct tree *tree)
{
	if (tree == NULL)
		return;
	for (size_t i = 0; i < tree->node_count; i++)
		free_node(&tree->nodes[i]);
	free(tree->nodes);
	for (size_t i = 0; i < tree->test_count; i++)
		free_test(&tree->tests[i]);
	free(tree->tests);
	free_index(tree->index);
	free(tree->path);
	free(tree->id);
	free(tree->title);
	free(tree->description);
	free(tree->duration);
	free(tree);
}

void tree_free_all(struct tree **trees, size_t count)
{
	for (size_t i = 0; i < count; i++)
		tree_free(trees[i]);
	free(trees);
}

/* ---- lookup -------------------------------------------------------------- */

size_t tree_node_index(const struct tree *tree, const char *id)
{
	const struct tree_index *index = tree->index;
	size_t slot;

	if (index == NULL || id == NULL)
		return TREE_NONE;
	slot = (size_t)hash_id(id) & index->mask;
	while (index->slots[slot] != TREE_NONE) {
		size_t node = index->slots[slot];

		if (tree->nodes[node].id && strcmp(tree->nodes[node].id, id) == 0)
			return node;
		slot = (slot + 1) & index->mask;
	}
	return TREE_NONE;
}

const struct tree_node *tree_find_node(const struct tree *tree,
				       const char *id)
{
	size_t node = tree_node_index(tree, id);

	return node == TREE_NONE ? NULL : &tree->nodes[node];
}

size_t tree_option_index(const struct tree_node *node, const char *id)
{
	for (size_t k = 0; k < node->option_count; k++)
		if (node->options[k].id && strcmp(node->options[k].id, id) == 0)
			return k;
	return TREE_NONE;
}

const char *tree_node_type_name(enum tree_node_type type)
{
	switch (type) {
	case TREE_QUESTION:
		return "question";
	case TREE_OUTCOME:
		return "outcome";
	default:
		return "unknown";
	}
}

const char *tree_result_name(enum tree_result result)
{
	switch (result) {
	case TREE_RESOLVED:
		return "resolved";
	case TREE_UNRESOLVED:
		return "unresolved";
	case TREE_ESCALATE:
		return "escalate";
	default:
		return "none";
	}
}

/* ---- walking ------------------------------------------------------------- */

/* chosen[node] = the first answer naming that node, or TREE_NONE. */
static size_t *choose_answers(const struct tree *tree,
			      const struct tree_answer *answers,
			      size_t answer_count)
{
	size_t *chosen = xmalloc(tree->node_count * sizeof *chosen);

	for (size_t i = 0; i < tree->node_count; i++)
		chosen[i] = TREE_NONE;
	for (size_t i = 0; i < answer_count; i++) {
		size_t node = tree_node_index(tree, answers[i].node);

		if (node != TREE_NONE && chosen[node] == TREE_NONE)
			chosen[node] = i;
	}
	return chosen;
}

void tree_walk(const struct tree *tree, const struct tree_answer *answers,
	       size_t answer_count, struct tree_walk *walk)
{
	tree_walk_from(tree, tree->start, answers, answer_count, walk);
}

void tree_walk_from(const struct tree *tree, size_t from,
		    const struct tree_answer *answers, size_t answer_count,
		    struct tree_walk *walk)
{
	size_t *chosen, capacity = 0;
	size_t current = from < tree->node_count ? from : tree->start;

	memset(walk, 0, sizeof *walk);
	walk->status = xcalloc(answer_count, sizeof *walk->status);
	walk->node = current;
	if (current == TREE_NONE)
		return;
	chosen = choose_answers(tree, answers, answer_count);
	for (;;) {
		const struct tree_node *node = &tree->nodes[current];
		size_t answer = chosen[current], option;

		if (answer == TREE_NONE || node->type == TREE_OUTCOME)
			break;
		chosen[current] = TREE_NONE;
		option = answers[answer].option
			? tree_option_index(node, answers[answer].option)
			: TREE_NONE;
		if (option == TREE_NONE ||
		    node->options[option].next_index == TREE_NONE) {
			walk->status[answer] = TREE_ANSWER_INVALID;
			break;
		}
		walk->status[answer] = TREE_ANSWER_APPLIED;
		walk->steps = xgrow(walk->steps, &capacity, walk->step_count + 1,
				    sizeof *walk->steps);
		walk->steps[walk->step_count++] =
			(struct tree_step){current, option, answer};
		current = node->options[option].next_index;
	}
	walk->node = current;
	free(chosen);
}

/* ---- distances ------------------------------------------------------------ */

enum { UNSEEN = 0, VISITING, DONE };

/* Longest question path from index, memoised in left[]; a node being
 * visited again (a cycle) counts nothing more. */
static size_t questions_left(const struct tree *tree, size_t index,
			     unsigned char *state, size_t *left)
{
	const struct tree_node *node = &tree->nodes[index];
	size_t most = 0;

	if (state[index] == DONE)
		return left[index];
	if (state[index] == VISITING || node->type != TREE_QUESTION)
		return 0;
	state[index] = VISITING;
	for (size_t i = 0; i < node->option_count; i++) {
		size_t next = node->options[i].next_index;
		size_t count = next < tree->node_count
				       ? questions_left(tree, next, state, left)
				       : 0;
		if (count > most)
			most = count;
	}
	state[index] = DONE;
	left[index] = most + 1;
	return left[index];
}

size_t tree_questions_left(const struct tree *tree, size_t index)
{
	unsigned char *state;
	size_t *left, count;

	if (index >= tree->node_count)
		return 0;
	state = xcalloc(tree->node_count, sizeof *state);
	left = xcalloc(tree->node_count, sizeof *left);
	count = questions_left(tree, index, state, left);
	free(left);
	free(state);
	return count;
}

size_t tree_depth(const struct tree *tree, size_t index)
{
	size_t *depth, *queue, head = 0, tail = 0, found;

	if (index >= tree->node_count || tree->start >= tree->node_count)
		return TREE_NONE;
	depth = xmalloc(tree->node_count * sizeof *depth);
	queue = xmalloc(tree->node_count * sizeof *queue);
	for (size_t i = 0; i < tree->node_count; i++)
		depth[i] = TREE_NONE;
	depth[tree->start] = 0;
	queue[tail++] = tree->start;
	while (head < tail) {
		const struct tree_node *node = &tree->nodes[queue[head]];
		size_t here = depth[queue[head++]];

		for (size_t i = 0; i < node->option_count; i++) {
			size_t next = node->options[i].next_index;
			if (next < tree->node_count && depth[next] == TREE_NONE) {
				depth[next] = here + 1;
				queue[tail++] = next;
			}
		}
	}
	found = depth[index];
	free(queue);
	free(depth);
	return found;
}

void tree_walk_free(struct tree_walk *walk)
{
	free(walk->steps);
	free(walk->status);
	walk->steps = NULL;
	walk->status = NULL;
	walk->step_count = 0;
}
