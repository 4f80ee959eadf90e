/*
 * test_tree.c — decision trees: the bad-*.yaml fixtures against their
 * exact expected diagnostics, the good fixture, generated graphs up to
 * 10,000 nodes, tree_walk, tree_load_all and the SVG map.
 *
 * Run from the repository root (tests/run does). Timings are printed as
 * "# ..." lines for the record; they are never asserted.
 */
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "test.h"
#include "content/tree.h"
#include "html/treemap.h"
#include "base/util.h"

#define FIXTURES "tests/trees"

/* ---- helpers ------------------------------------------------------------- */

static bool known_article(void *user, const char *path)
{
	(void)user;
	return strcmp(path, "deliverability/spf") == 0 ||
	       strcmp(path, "deliverability/dkim") == 0;
}

static bool known_link(void *user, const char *name)
{
	(void)user;
	return strcmp(name, "spf-guide") == 0 || strcmp(name, "dkim-guide") == 0;
}

static const struct tree_context site = {
	.article_exists = known_article,
	.link_exists = known_link,
};

/* Everything diag holds, as diag_print writes it; then forgets it. The
 * caller frees. */
static char *take_diagnostics(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&text, &size);

	diag_print(stream);
	fclose(stream);
	diag_clear();
	return text;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static char *scratch_folder(void)
{
	char *folder = xstrdup("/tmp/kbgen-test-tree-XXXXXX");

	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	return folder;
}

/* Writes text to folder/name and loads it as a tree. */
static struct tree *load_text(const char *folder, const char *name,
			      const char *text)
{
	char *path = path_join(folder, name);
	struct tree *tree;

	if (write_file(path, text, strlen(text)) != 0) {
		perror(path);
		exit(1);
	}
	tree = tree_load(folder, name, &site);
	free(path);
	return tree;
}

/* ---- fixtures ------------------------------------------------------------ */

static void check_fixture(const char *yaml_path)
{
	const char *name = yaml_path + strlen(FIXTURES "/");
	char *expected_path = xasprintf("%.*s.expected",
					(int)(strlen(yaml_path) - 5), yaml_path);
	char *expected = NULL, *actual, *what;
	size_t length;
	struct tree *tree;

	tree = tree_load(FIXTURES, name, &site);
	actual = take_diagnostics();
	what = xasprintf("%s: diagnostics match %s", name,
			 expected_path + strlen(FIXTURES "/"));
	if (read_file(expected_path, 1 << 20, &expected, &length) != 0)
		CHECK(false, what);
	else
		CHECK_STR(actual, expected, what);
	tree_free(tree);
	free(what);
	free(actual);
	free(expected);
	free(expected_path);
}

static void test_fixtures(void)
{
	glob_t found;
	size_t expected_count = 0;

	TEST_SUITE("tree fixtures");
	CHECK(glob(FIXTURES "/bad-*.yaml", 0, NULL, &found) == 0,
	      "bad-*.yaml fixtures exist");
	for (size_t i = 0; i < found.gl_pathc; i++)
		check_fixture(found.gl_pathv[i]);
	CHECK(found.gl_pathc >= 20, "at least 20 bad fixtures");
	globfree(&found);
	if (glob(FIXTURES "/bad-*.expected", 0, NULL, &found) == 0) {
		expected_count = found.gl_pathc;
		globfree(&found);
	}
	CHECK(glob(FIXTURES "/bad-*.yaml", 0, NULL, &found) == 0 &&
	      found.gl_pathc == expected_count,
	      "every .expected file has its .yaml");
	globfree(&found);
}

static void test_too_large(void)
{
	char *folder = scratch_folder();
	size_t size = TREE_MAX_FILE_SIZE + 1;
	char *text = xmalloc(size + 1);
	struct tree *tree;
	char *diagnostics, *want;

	TEST_SUITE("tree limits");
	memset(text, '#', size);
	text[size] = '\0';
	tree = load_text(folder, "huge.yaml", text);
	diagnostics = take_diagnostics();
	want = xasprintf("huge.yaml:1:1: error: file too large (%zu bytes; "
			 "the limit is 4 MiB)\n", size);
	CHECK(tree == NULL, "a file over 4 MiB is not loaded");
	CHECK_STR(diagnostics, want, "a file over 4 MiB is refused cleanly");
	tree_free(tree);
	free(want);
	free(diagnostics);
	free(text);
	remove_tree(folder);
	free(folder);
}

/* ---- the good fixture ---------------------------------------------------- */

static void check_good_model(const struct tree *tree)
{
	const struct tree_node *question, *outcome;

	CHECK_STR(tree->id, "good-small", "tree id");
	CHECK_STR(tree->title, "送ったメールが届かない", "tree title");
	CHECK_STR(tree->duration, "約3分", "duration");
	CHECK_STR(tree->path, "good-small.yaml", "path as given");
	CHECK_INT(tree->node_count, 4, "four nodes");
	CHECK_INT(tree->test_count, 3, "three tests");
	CHECK_STR(tree->nodes[tree->start].id, "delivery-error-shown", "start");
	question = tree_find_node(tree, "delivery-error-shown");
	CHECK(question && question->type == TREE_QUESTION, "question found");
	if (question == NULL)
		return;
	CHECK_INT(question->line, 8, "node line");
	CHECK_INT(question->col, 3, "node column");
	CHECK_INT(question->body_line, 12, "block body starts on the next line");
	CHECK_INT(question->body_col, 7, "block body column is its indentation");
	CHECK(strncmp(question->body, "配信履歴は", strlen("配信履歴は")) == 0,
	      "body text kept");
	CHECK_INT(question->option_count, 2, "two options");
	CHECK_STR(question->options[1].id, "no", "option id 'no' stays text");
	CHECK_STR(tree->nodes[question->options[1].next_index].id, "check-spam",
		  "next resolved to an index");
	CHECK_INT(question->options[1].line, 19, "option line");
	CHECK_INT(question->options[1].col, 14, "option column");
	outcome = tree_find_node(tree, "set-up-spf-dkim");
	CHECK(outcome && outcome->result == TREE_UNRESOLVED, "outcome result");
	if (outcome == NULL)
		return;
	CHECK_INT(outcome->article_count, 2, "two articles");
	CHECK_STR(outcome->articles[1].name, "deliverability/dkim", "article");
	CHECK_INT(outcome->link_count, 2, "two links");
	CHECK_STR(outcome->agent_note, "設定後 24 時間ほどで反映されます。",
		  "agent note");
	CHECK_INT(tree->tests[2].path_length, 2, "a test's path");
	CHECK_STR(tree->tests[2].path[1].option, "not-found", "answer option");
}

static void test_good(void)
{
	struct tree *tree;
	char *diagnostics;

	TEST_SUITE("tree good");
	tree = tree_load(FIXTURES, "good-small.yaml", &site);
	diagnostics = take_diagnostics();
	CHECK(tree != NULL, "good-small.yaml loads");
	CHECK_STR(diagnostics, "", "good-small.yaml has no diagnostics");
	if (tree) {
		check_good_model(tree);
		CHECK(tree_find_node(tree, "nope") == NULL,
		      "unknown id is NULL");
		CHECK(tree_node_index(tree, "") == TREE_NONE,
		      "empty id is TREE_NONE");
	}
	tree_free(tree);
	free(diagnostics);
}

/* ---- generated graphs ---------------------------------------------------- */

static void add_header(struct buf *yaml, const char *id, const char *start)
{
	buf_printf(yaml, "tree: %s\ntitle: Generated\nstart: %s\nnodes:\n",
		   id, start);
}

static void add_outcome(struct buf *yaml, const char *id)
{
	buf_printf(yaml, "  %s:\n    type: outcome\n    result: resolved\n"
		   "    title: Outcome %s\n    links: [spf-guide]\n", id, id);
}

/* A chain q0 -> q1 -> ... -> q(n-1) -> last; every question may also
 * "stop" to the outcome end; q(back_from) also goes back to q(back_to)
 * when back_from > 0. Tests reach both outcomes. */
static char *chain_yaml(const char *id, size_t count, size_t back_from,
			size_t back_to)
{
	struct buf yaml = {0};

	add_header(&yaml, id, "q0");
	for (size_t i = 0; i < count; i++) {
		buf_printf(&yaml, "  q%zu:\n    type: question\n    title: "
			   "Step %zu?\n    options:\n      - {id: go, label: Go, "
			   "next: ", i, i);
		if (i + 1 < count)
			buf_printf(&yaml, "q%zu}\n", i + 1);
		else
			buf_adds(&yaml, "last}\n");
		buf_adds(&yaml, "      - {id: stop, label: Stop, next: end}\n");
		if (back_from > 0 && i == back_from)
			buf_printf(&yaml, "      - {id: back, label: Back, "
				   "next: q%zu}\n", back_to);
	}
	add_outcome(&yaml, "end");
	add_outcome(&yaml, "last");
	buf_adds(&yaml, "tests:\n  - {path: [q0=stop], expect: end}\n"
		 "  - expect: last\n    path:\n");
	for (size_t i = 0; i < count; i++)
		buf_printf(&yaml, "      - q%zu=go\n", i);
	return buf_detach(&yaml);
}

/* Questions 0..questions-1 each branch to 2i+1 and 2i+2; the rest are
 * outcomes, and a test reaches each one. */
static char *balanced_yaml(size_t questions)
{
	size_t total = 2 * questions + 1;
	struct buf yaml = {0};

	add_header(&yaml, "balanced", "n0");
	for (size_t i = 0; i < questions; i++)
		buf_printf(&yaml, "  n%zu:\n    type: question\n    title: "
			   "Node %zu?\n    options:\n      - {id: left, label: "
			   "Left, next: n%zu}\n      - {id: right, label: Right, "
			   "next: n%zu}\n", i, i, 2 * i + 1, 2 * i + 2);
	for (size_t i = questions; i < total; i++) {
		char *id = xasprintf("n%zu", i);
		add_outcome(&yaml, id);
		free(id);
	}
	buf_adds(&yaml, "tests:\n");
	for (size_t leaf = questions; leaf < total; leaf++) {
		size_t steps[64], depth = 0;

		for (size_t at = leaf; at > 0; at = (at - 1) / 2)
			steps[depth++] = at;
		buf_adds(&yaml, "  - {path: [");
		for (size_t k = depth, at = 0; k > 0; at = steps[--k])
			buf_printf(&yaml, "%sn%zu=%s", k == depth ? "" : ", ",
				   at, steps[k - 1] % 2 ? "left" : "right");
		buf_printf(&yaml, "], expect: n%zu}\n", leaf);
	}
	return buf_detach(&yaml);
}

/* A ladder of diamonds: top(i) -> left(i), right(i) -> top(i+1); the
 * last diamond's sides lead to finish, every side may also stop at done. */
static char *diamonds_yaml(size_t count)
{
	struct buf yaml = {0};

	add_header(&yaml, "diamonds", "t0");
	for (size_t i = 0; i < count; i++) {
		char *next = i + 1 < count ? xasprintf("t%zu", i + 1)
					   : xstrdup("finish");

		buf_printf(&yaml, "  t%zu:\n    type: question\n    title: T\n"
			   "    options:\n      - {id: a, label: A, next: l%zu}\n"
			   "      - {id: b, label: B, next: r%zu}\n", i, i, i);
		buf_printf(&yaml, "  l%zu:\n    type: question\n    title: L\n"
			   "    options:\n      - {id: a, label: A, next: %s}\n"
			   "      - {id: b, label: B, next: done}\n", i, next);
		buf_printf(&yaml, "  r%zu:\n    type: question\n    title: R\n"
			   "    options:\n      - {id: a, label: A, next: %s}\n"
			   "      - {id: b, label: B, next: done}\n", i, next);
		free(next);
	}
	add_outcome(&yaml, "done");
	add_outcome(&yaml, "finish");
	buf_adds(&yaml, "tests:\n  - {path: [t0=a, l0=b], expect: done}\n"
		 "  - expect: finish\n    path:\n");
	for (size_t i = 0; i < count; i++)
		buf_printf(&yaml, "      - t%zu=b\n      - r%zu=a\n", i, i);
	return buf_detach(&yaml);
}

static struct tree *load_generated(const char *folder, const char *name,
				   char *yaml, double *seconds)
{
	struct timespec start;
	struct tree *tree;

	clock_gettime(CLOCK_MONOTONIC, &start);
	tree = load_text(folder, name, yaml);
	*seconds = seconds_since(&start);
	free(yaml);
	return tree;
}

static void test_chain(const char *folder)
{
	double seconds;
	struct tree *tree = load_generated(folder, "chain.yaml",
					   chain_yaml("chain", 10000, 0, 0),
					   &seconds);
	char *diagnostics = take_diagnostics();

	CHECK(tree != NULL && tree->node_count == 10002,
	      "a 10,000-question chain loads");
	CHECK_STR(diagnostics, "", "a 10,000-deep chain validates clean");
	printf("# tree: load and validate a 10,002-node chain (10,000 deep): "
	       "%.3f s\n", seconds);
	tree_free(tree);
	free(diagnostics);
}

static void test_balanced(const char *folder)
{
	double seconds;
	struct tree *tree = load_generated(folder, "balanced.yaml",
					   balanced_yaml(5000), &seconds);
	char *diagnostics = take_diagnostics();

	CHECK(tree != NULL && tree->node_count == 10001 &&
	      tree->test_count == 5001,
	      "a 10,001-node branching tree with 5,001 tests loads");
	CHECK_STR(diagnostics, "", "a 10,001-node branching tree validates "
		  "clean");
	printf("# tree: load and validate a 10,001-node branching tree with "
	       "5,001 tests: %.3f s\n", seconds);
	tree_free(tree);
	free(diagnostics);
}

static void test_deep_cycle(const char *folder)
{
	double seconds;
	struct tree *tree = load_generated(folder, "deep-cycle.yaml",
					   chain_yaml("deep-cycle", 10000, 9000,
						      5000), &seconds);
	char *diagnostics = take_diagnostics();
	struct buf want = {0};
	char *location = NULL;

	/* Four header lines, six per question: q9000's "back" option is
	 * line 5 + 9000 * 6 + 6, its next value at column 39. */
	buf_adds(&want, "cycle: q5000");
	for (size_t i = 5001; i <= 9000; i++)
		buf_printf(&want, " -> q%zu", i);
	buf_adds(&want, " -> q5000\n");
	location = xasprintf("deep-cycle.yaml:%d:39: error: ", 5 + 9000 * 6 + 6);
	CHECK(tree != NULL, "a tree with a deep cycle loads");
	CHECK(strncmp(diagnostics, location, strlen(location)) == 0,
	      "the cycle is reported at the option that closes it");
	CHECK_STR(diagnostics + (strncmp(diagnostics, location,
					 strlen(location)) == 0
				 ? strlen(location) : 0),
		  buf_cstr(&want), "the cycle 4,001 nodes long is named whole");
	printf("# tree: load and validate a 10,002-node chain with a cycle: "
	       "%.3f s\n", seconds);
	tree_free(tree);
	free(location);
	buf_free(&want);
	free(diagnostics);
}

static void test_small_shapes(const char *folder)
{
	double seconds;
	struct tree *tree = load_generated(folder, "diamonds.yaml",
					   diamonds_yaml(3000), &seconds);
	char *diagnostics = take_diagnostics();
	const char *self_loop =
		"tree: loop\ntitle: L\nstart: a\nnodes:\n  a:\n    type: "
		"question\n    title: A\n    options:\n      - {id: x, label: X, "
		"next: a}\n      - {id: y, label: Y, next: b}\n  b:\n    type: "
		"outcome\n    result: resolved\n    title: B\n    links: "
		"[spf-guide]\ntests:\n  - {path: [a=y], expect: b}\n";

	CHECK_STR(diagnostics, "", "3,000 diamonds: shared nodes are no cycle");
	tree_free(tree);
	free(diagnostics);
	tree = load_text(folder, "loop.yaml", self_loop);
	diagnostics = take_diagnostics();
	CHECK_STR(diagnostics, "loop.yaml:9:33: error: cycle: a -> a\n",
		  "a node that leads to itself is a cycle");
	tree_free(tree);
	free(diagnostics);
}

static void test_generated(void)
{
	char *folder = scratch_folder();

	TEST_SUITE("tree graphs");
	test_chain(folder);
	test_balanced(folder);
	test_deep_cycle(folder);
	test_small_shapes(folder);
	remove_tree(folder);
	free(folder);
}

/* ---- tree_walk ----------------------------------------------------------- */

static const char *walk_end(const struct tree *tree,
			    const struct tree_answer *answers, size_t count,
			    struct tree_walk *walk)
{
	tree_walk(tree, answers, count, walk);
	return walk->node == TREE_NONE ? "(none)" : tree->nodes[walk->node].id;
}

static void test_walk_orders(const struct tree *tree)
{
	const struct tree_answer forward[] = {
		{"delivery-error-shown", "no"}, {"check-spam", "found"},
	};
	const struct tree_answer backward[] = {
		{"check-spam", "found"}, {"delivery-error-shown", "no"},
	};
	struct tree_walk walk;

	CHECK_STR(walk_end(tree, forward, 2, &walk), "found-in-spam",
		  "answers in path order reach the outcome");
	CHECK_INT(walk.step_count, 2, "two steps");
	CHECK_INT(walk.steps[0].answer, 0, "first step used answer 0");
	tree_walk_free(&walk);
	CHECK_STR(walk_end(tree, backward, 2, &walk), "found-in-spam",
		  "answers in any order reach the same node");
	CHECK_INT(walk.steps[0].answer, 1, "first step used answer 1");
	CHECK(walk.status[0] == TREE_ANSWER_APPLIED &&
	      walk.status[1] == TREE_ANSWER_APPLIED, "both applied");
	tree_walk_free(&walk);
	CHECK_STR(walk_end(tree, NULL, 0, &walk), "delivery-error-shown",
		  "no answers: the walk stays at start");
	CHECK_INT(walk.step_count, 0, "no steps");
	tree_walk_free(&walk);
}

static void test_walk_stale(const struct tree *tree)
{
	const struct tree_answer stale[] = {
		{"check-spam", "found"}, {"delivery-error-shown", "yes"},
		{"no-such-node", "x"}, {"delivery-error-shown", "no"},
	};
	const struct tree_answer invalid[] = {
		{"delivery-error-shown", "no"}, {"check-spam", "maybe"},
	};
	struct tree_walk walk;

	CHECK_STR(walk_end(tree, stale, 4, &walk), "set-up-spf-dkim",
		  "the first answer to a node wins");
	CHECK(walk.status[0] == TREE_ANSWER_IGNORED,
	      "an answer to a node off the path is ignored");
	CHECK(walk.status[2] == TREE_ANSWER_IGNORED,
	      "an answer to an unknown node is ignored");
	CHECK(walk.status[3] == TREE_ANSWER_IGNORED,
	      "a second answer to the same node is ignored");
	tree_walk_free(&walk);
	CHECK_STR(walk_end(tree, invalid, 2, &walk), "check-spam",
		  "an unknown option stops the walk at its node");
	CHECK(walk.status[1] == TREE_ANSWER_INVALID, "and is marked invalid");
	CHECK_INT(walk.step_count, 1, "one step before it");
	tree_walk_free(&walk);
}

static void test_walk_from(const struct tree *tree)
{
	const struct tree_answer answers[] = {
		{"delivery-error-shown", "no"}, {"check-spam", "not-found"},
	};
	size_t check_spam = tree_node_index(tree, "check-spam");
	struct tree_walk walk;

	tree_walk_from(tree, check_spam, answers, 2, &walk);
	CHECK_STR(tree->nodes[walk.node].id, "set-up-spf-dkim",
		  "a walk from a middle step follows its answers");
	CHECK_INT(walk.step_count, 1, "from there: one step");
	CHECK(walk.status[0] == TREE_ANSWER_IGNORED,
	      "an answer before the middle step is not on that walk");
	tree_walk_free(&walk);
	tree_walk_from(tree, TREE_NONE, answers, 2, &walk);
	CHECK_INT(walk.step_count, 2, "from out of range: from the start");
	tree_walk_free(&walk);
}

static void test_distances(const struct tree *tree)
{
	size_t start = tree->start;
	size_t check_spam = tree_node_index(tree, "check-spam");
	size_t outcome = tree_node_index(tree, "found-in-spam");

	CHECK_INT(tree_questions_left(tree, start), 2,
		  "at most two questions from the start");
	CHECK_INT(tree_questions_left(tree, check_spam), 1,
		  "the last question counts itself");
	CHECK_INT(tree_questions_left(tree, outcome), 0, "an outcome asks none");
	CHECK_INT(tree_questions_left(tree, tree->node_count), 0,
		  "out of range asks none");
	CHECK_INT(tree_depth(tree, start), 0, "the start is at depth 0");
	CHECK_INT(tree_depth(tree, check_spam), 1, "one answer to check-spam");
	CHECK_INT(tree_depth(tree, tree_node_index(tree, "set-up-spf-dkim")), 1,
		  "the shortest of two paths counts");
	CHECK_INT(tree_depth(tree, tree->node_count), TREE_NONE,
		  "out of range has no depth");
}

static void test_distances_generated(const char *folder)
{
	char *yaml = chain_yaml("chain", 50, 0, 0);
	struct tree *tree = load_text(folder, "chain.yaml", yaml);

	diag_clear();
	if (tree != NULL) {
		CHECK_INT(tree_questions_left(tree, tree->start), 50,
			  "a chain of 50 questions: 50 at most");
		CHECK_INT(tree_depth(tree, tree_node_index(tree, "last")), 50,
			  "its last outcome after 50 answers");
		CHECK_INT(tree_depth(tree, tree_node_index(tree, "end")), 1,
			  "its stop outcome after one");
	}
	CHECK(tree != NULL, "the chain loads");
	tree_free(tree);
	free(yaml);
	yaml = balanced_yaml(15);
	tree = load_text(folder, "balanced.yaml", yaml);
	diag_clear();
	if (tree != NULL)
		CHECK_INT(tree_questions_left(tree, tree->start), 4,
			  "a balanced tree of 15 questions: 4 at most");
	CHECK(tree != NULL, "the balanced tree loads");
	tree_free(tree);
	free(yaml);
}

static void test_walk_long(const char *folder)
{
	char *yaml = chain_yaml("walk", 10000, 0, 0);
	struct tree *tree = load_text(folder, "walk.yaml", yaml);
	struct tree_answer *answers = xcalloc(10000, sizeof *answers);
	char **ids = xcalloc(10000, sizeof *ids);
	struct tree_walk walk;

	diag_clear();
	for (size_t i = 0; i < 10000; i++) {
		ids[i] = xasprintf("q%zu", 9999 - i);
		answers[i] = (struct tree_answer){ids[i], "go"};
	}
	CHECK_STR(walk_end(tree, answers, 10000, &walk), "last",
		  "10,000 answers given backwards walk the whole chain");
	CHECK_INT(walk.step_count, 10000, "10,000 steps");
	tree_walk_free(&walk);
	for (size_t i = 0; i < 10000; i++)
		free(ids[i]);
	free(ids);
	free(answers);
	free(yaml);
	tree_free(tree);
}

static void test_walk(void)
{
	struct tree *tree = tree_load(FIXTURES, "good-small.yaml", &site);
	char *folder = scratch_folder();

	TEST_SUITE("tree walk");
	diag_clear();
	if (tree) {
		test_walk_orders(tree);
		test_walk_stale(tree);
		test_walk_from(tree);
		test_distances(tree);
	}
	CHECK(tree != NULL, "good-small.yaml loads");
	test_walk_long(folder);
	test_distances_generated(folder);
	tree_free(tree);
	remove_tree(folder);
	free(folder);
}

/* ---- trees built by hand ------------------------------------------------- */

static struct tree *hand_tree(const char *const *ids, size_t count)
{
	struct tree *tree = xcalloc(1, sizeof *tree);

	tree->nodes = xcalloc(count, sizeof *tree->nodes);
	tree->node_count = count;
	for (size_t i = 0; i < count; i++) {
		tree->nodes[i].id = xstrdup(ids[i]);
		tree->nodes[i].type = TREE_OUTCOME;
	}
	tree->start = 0;
	return tree;
}

static void test_by_hand(void)
{
	static const char *const unique[] = {"a", "b", "c", "d"};
	static const char *const repeated[] = {"a", "b", "a"};
	char longest[TREE_MAX_ID_LENGTH + 2];
	struct tree *tree;

	TEST_SUITE("tree by hand");
	tree = hand_tree(unique, 4);
	CHECK(tree_build_index(tree), "distinct ids index");
	CHECK_INT(tree_node_index(tree, "c"), 2, "and are found");
	CHECK(tree_build_index(tree), "rebuilding replaces the index");
	tree_free(tree);
	tree = hand_tree(repeated, 3);
	CHECK(!tree_build_index(tree), "a repeated id is refused");
	CHECK_INT(tree_node_index(tree, "a"), 0, "lookup finds the first");
	tree_free(tree);
	memset(longest, 'a', sizeof longest);
	longest[TREE_MAX_ID_LENGTH] = '\0';
	CHECK(tree_id_valid(longest), "a 64-character id is valid");
	longest[TREE_MAX_ID_LENGTH] = 'a';
	longest[TREE_MAX_ID_LENGTH + 1] = '\0';
	CHECK(!tree_id_valid(longest), "a 65-character id is not");
	CHECK(tree_id_valid("0-a-"), "digits and dashes after the first");
	CHECK(!tree_id_valid("-a") && !tree_id_valid("") &&
	      !tree_id_valid("a_b") && !tree_id_valid("A") &&
	      !tree_id_valid(NULL), "bad ids are refused");
}

/* ---- tree_load_all ------------------------------------------------------- */

static void write_in(const char *folder, const char *name, const char *text)
{
	char *path = path_join(folder, name);

	if (write_file(path, text, strlen(text)) != 0)
		perror(path);
	free(path);
}

static const char one_node[] =
	"tree: %s\ntitle: T\nstart: done\nnodes:\n  done:\n    type: outcome\n"
	"    result: resolved\n    title: Done\n    links: [spf-guide]\n"
	"tests:\n  - {path: [], expect: done}\n";

static void test_load_all(void)
{
	char *root = scratch_folder();
	char *folder = path_join(root, "decision-trees");
	char *text;
	struct tree **trees;
	size_t count;
	int rc;

	TEST_SUITE("tree load all");
	rc = tree_load_all(root, &site, &trees, &count);
	CHECK(rc == 0 && count == 0 && trees == NULL,
	      "no decision-trees folder: no trees");
	make_dirs(folder);
	write_in(folder, "zeta.yaml", (text = xasprintf(one_node, "zeta")));
	free(text);
	write_in(folder, "alpha.yaml", (text = xasprintf(one_node, "zeta")));
	free(text);
	write_in(folder, ".draft.yaml", "not: [valid");
	write_in(folder, "notes.txt", "not a tree");
	write_in(folder, "broken.yaml", "- a list");
	rc = tree_load_all(root, &site, &trees, &count);
	text = take_diagnostics();
	CHECK(rc == 0 && count == 2, "two trees loaded, the broken one left out");
	CHECK(count == 2 && strcmp(trees[0]->path, "decision-trees/alpha.yaml")
	      == 0 && strcmp(trees[1]->path, "decision-trees/zeta.yaml") == 0,
	      "sorted by file name");
	CHECK_STR(text,
		  "decision-trees/alpha.yaml:1:7: error: tree id 'zeta' does "
		  "not match the file name 'alpha.yaml'\n"
		  "decision-trees/broken.yaml:1:1: error: a tree file must be a "
		  "mapping, not a list\n"
		  "decision-trees/zeta.yaml:1:7: error: duplicate tree id 'zeta' "
		  "(also in decision-trees/alpha.yaml)\n",
		  "a second tree with the same id is reported");
	tree_free_all(trees, count);
	free(text);
	remove_tree(root);
	free(folder);
	free(root);
}

/* ---- the SVG map --------------------------------------------------------- */

static const char *node_url(void *user, const struct tree_node *node)
{
	struct buf *url = user;

	buf_reset(url);
	buf_printf(url, "../good-small/%s/", node->id);
	return buf_cstr(url);
}

static void check_svg_links(const struct tree *tree, const char *svg)
{
	size_t linked = 0;

	for (size_t i = 0; i < tree->node_count; i++) {
		char *anchor = xasprintf("<a xlink:href=\"../good-small/%s/\"",
					 tree->nodes[i].id);
		if (strstr(svg, anchor))
			linked++;
		free(anchor);
	}
	CHECK_INT(linked, tree->node_count, "every node is an <a> to its URL");
}

/* text as Graphviz writes it in SVG, which escapes '-' as "&#45;" (ids
 * are slugs: no other character needs it). The caller frees. */
static char *graphviz_text(const char *text)
{
	struct buf out = {0};

	for (; *text; text++) {
		if (*text == '-')
			buf_adds(&out, "&#45;");
		else
			buf_addc(&out, *text);
	}
	return buf_detach(&out);
}

/* The part of svg that draws the node named name (its first drawing),
 * from its <title> to the end of its link; NULL when it is missing. The
 * caller frees. */
static char *node_drawing(const char *svg, const char *name)
{
	char *escaped = graphviz_text(name);
	char *title = xasprintf("<title>%s</title>", escaped);
	const char *start = strstr(svg, title);
	const char *end = start ? strstr(start, "</a>") : NULL;

	free(title);
	free(escaped);
	return end ? xstrndup(start, (size_t)(end - start)) : NULL;
}

/* The text of the last <text> element in drawing; NULL when none. The
 * caller frees. */
static char *last_text(const char *drawing)
{
	const char *last = NULL, *close;

	for (const char *at = drawing; (at = strstr(at, "<text")); at++)
		last = at;
	if (last == NULL || (last = strchr(last, '>')) == NULL ||
	    (close = strstr(last, "</text>")) == NULL)
		return NULL;
	return xstrndup(last + 1, (size_t)(close - last - 1));
}

/* Every box shows its node's id as its last line, and is filled with the
 * colour treemap_colours gives its kind (the key on the map page). */
static void check_node_boxes(const struct tree *tree, const char *svg)
{
	size_t labelled = 0, coloured = 0;

	for (size_t i = 0; i < tree->node_count; i++) {
		const struct tree_node *node = &tree->nodes[i];
		char *drawing = node_drawing(svg, node->id);
		char *text = drawing ? last_text(drawing) : NULL;
		char *id = graphviz_text(node->id);
		char *fill = xasprintf("fill=\"%s\"",
				       treemap_colours(node->type,
						       node->result).fill);

		labelled += text && strcmp(text, id) == 0;
		coloured += drawing && strstr(drawing, fill) != NULL;
		free(fill);
		free(id);
		free(text);
		free(drawing);
	}
	CHECK_INT(labelled, tree->node_count,
		  "every box's last line is its node's id");
	CHECK_INT(coloured, tree->node_count,
		  "every box is filled with its kind's key colour");
}

static void test_colours(void)
{
	struct treemap_colours question =
		treemap_colours(TREE_QUESTION, TREE_RESULT_NONE);
	const enum tree_result results[] = {
		TREE_RESOLVED, TREE_UNRESOLVED, TREE_ESCALATE,
	};
	size_t distinct = 0;

	for (size_t i = 0; i < 3; i++) {
		struct treemap_colours outcome =
			treemap_colours(TREE_OUTCOME, results[i]);
		struct treemap_colours next =
			treemap_colours(TREE_OUTCOME, results[(i + 1) % 3]);

		distinct += strcmp(outcome.fill, question.fill) != 0 &&
			    strcmp(outcome.fill, next.fill) != 0;
	}
	CHECK_INT(distinct, 3, "the four kinds of box have four fills");
	CHECK_STR(treemap_colours(TREE_OUTCOME, TREE_RESOLVED).fill, "#dcf3dc",
		  "a resolved outcome is green");
}

static void test_svg_small(void)
{
	struct tree *tree = tree_load(FIXTURES, "good-small.yaml", &site);
	struct buf url = {0};
	char *first, *second;

	diag_clear();
	first = treemap_svg(tree, node_url, &url);
	second = treemap_svg(tree, node_url, &url);
	CHECK(first != NULL, "the map renders");
	if (first == NULL)
		goto out;
	CHECK(strncmp(first, "<svg", 4) == 0, "it starts with <svg");
	CHECK(strstr(first, "</svg>\n") != NULL, "it ends with </svg>");
	CHECK(strstr(first, "<!--") == NULL && strstr(first, "<?xml") == NULL &&
	      strstr(first, "DOCTYPE") == NULL,
	      "no prolog, DOCTYPE or comments");
	check_svg_links(tree, first);
	check_node_boxes(tree, first);
	CHECK(strstr(first, "迷惑メールフォルダ") != NULL, "Japanese titles kept");
	/* labels are padded with a space per full-width character
	 * (treemap.c: padded_edge_label); Graphviz writes runs of spaces
	 * as " &#160;..." */
	CHECK(strstr(first, "> &#160;&#160;&#160;&#160;&#160;見つからない "
			    "&#160;&#160;&#160;&#160;&#160;<") != NULL,
	      "edge labels are options");
	CHECK(strstr(first, "class=\"node outcome unresolved\"") != NULL &&
	      strstr(first, "class=\"node question\"") != NULL,
	      "node classes say the type and result");
	CHECK(strstr(first, "fill=\"#dcf3dc\"") != NULL,
	      "a resolved outcome is green");
	CHECK(strstr(first, "id=\"map&#45;set&#45;up&#45;spf&#45;dkim.2\"")
	      != NULL, "a shared outcome is drawn once per edge into it");
	CHECK(second != NULL && strcmp(first, second) == 0,
	      "two renders give the same bytes");
out:
	free(first);
	free(second);
	buf_free(&url);
	tree_free(tree);
}

static const char *plain_url(void *user, const struct tree_node *node)
{
	(void)user;
	return node->id;
}

static void test_svg_escaping(const char *folder)
{
	const char *yaml =
		"tree: odd\ntitle: T\nstart: a\nnodes:\n  a:\n    type: outcome\n"
		"    result: escalate\n    title: 'back\\N & <slash>'\n"
		"    links: [spf-guide]\ntests:\n  - {path: [], expect: a}\n";
	struct tree *tree = load_text(folder, "odd.yaml", yaml);
	char *svg;

	diag_clear();
	svg = tree ? treemap_svg(tree, plain_url, NULL) : NULL;
	CHECK(svg && strstr(svg, ">back\\N &amp; &lt;slash&gt;</text>"),
	      "titles are text: backslashes literal, markup escaped");
	free(svg);
	tree_free(tree);
}

static void time_svg(const char *folder, const char *name, char *yaml)
{
	struct timespec start;
	struct tree *tree = load_text(folder, name, yaml);
	char *svg, *what;

	diag_clear();
	clock_gettime(CLOCK_MONOTONIC, &start);
	svg = tree ? treemap_svg(tree, plain_url, NULL) : NULL;
	what = xasprintf("%s: a %zu-node map renders", name,
			 tree ? tree->node_count : 0);
	CHECK(svg != NULL, what);
	printf("# treemap: %s: lay out and render %zu nodes: %.3f s, %zu "
	       "bytes\n", name, tree ? tree->node_count : 0,
	       seconds_since(&start), svg ? strlen(svg) : 0);
	free(what);
	free(svg);
	free(yaml);
	tree_free(tree);
}

/* Sizes for the record: a branching tree, and a ladder of diamonds whose
 * every question may also stop at one shared outcome (drawn once, that
 * outcome made dot take minutes). */
static void test_svg_large(const char *folder)
{
	time_svg(folder, "balanced.yaml", balanced_yaml(250));
	time_svg(folder, "diamonds.yaml", diamonds_yaml(166));
}

static void test_svg(void)
{
	char *folder = scratch_folder();

	TEST_SUITE("treemap");
	test_colours();
	test_svg_small();
	test_svg_escaping(folder);
	test_svg_large(folder);
	remove_tree(folder);
	free(folder);
}

int main(void)
{
	test_fixtures();
	test_too_large();
	test_good();
	test_generated();
	test_walk();
	test_by_hand();
	test_load_all();
	test_svg();
	diag_clear();
	return TEST_EXIT();
}
