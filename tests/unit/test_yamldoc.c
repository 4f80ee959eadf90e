/* The located YAML loader: positions, duplicate keys (small mappings and
 * hashed large ones), aliases, nesting, several documents. */
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"
#include "test.h"
#include "base/util.h"
#include "content/yamldoc.h"

static char *parse_messages(const char *text, bool *ok)
{
	char *messages = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&messages, &length);
	struct yamldoc_node *root = yamldoc_parse(text, strlen(text), "t.yaml", 1, ok);

	yamldoc_free(root);
	diag_print(stream);
	fclose(stream);
	diag_clear();
	return messages;
}

static void expect(const char *text, const char *want, bool want_ok,
		   const char *what)
{
	bool ok;
	char *messages = parse_messages(text, &ok);

	CHECK_STR(messages, want, what);
	CHECK(ok == want_ok, what);
	free(messages);
}

static void test_large_mapping(size_t keys)
{
	struct buf text = {0};
	char *want = xasprintf("t.yaml:%zu:1: error: duplicate key 'k7' (first at line 8)\n",
			       keys + 1);
	char *what = xasprintf("duplicate among %zu keys", keys);

	for (size_t i = 0; i < keys; i++)
		buf_printf(&text, "k%zu: v\n", i);
	buf_adds(&text, "k7: again\n");
	expect(buf_cstr(&text), want, false, what);
	buf_free(&text);
	free(want);
	free(what);
}

static void test_positions(void)
{
	const char *text = "a: 1\nb:\n  - x\n  - {c: 日本語}\n";
	bool ok;
	struct yamldoc_node *root = yamldoc_parse(text, strlen(text), "t.yaml", 3, &ok);
	struct yamldoc_node *list = yamldoc_get(root, "b", NULL);
	struct yamldoc_node *c = list ? yamldoc_get(list->items[1], "c", NULL) : NULL;

	CHECK(ok && root != NULL, "parses");
	CHECK_INT(list ? list->line : 0, 5, "line offset applied");
	CHECK_INT(c ? c->line : 0, 6, "nested value line");
	CHECK_INT(c ? c->col : 0, 9, "column in characters");
	CHECK_STR(c ? c->text : NULL, "日本語", "scalar text");
	yamldoc_free(root);
	diag_clear();
}

int main(void)
{
	TEST_SUITE("yamldoc");
	test_positions();
	expect("a: 1\nb: 2\na: 3\n", "t.yaml:3:1: error: duplicate key 'a' (first at line 1)\n",
	       false, "duplicate in a small mapping");
	test_large_mapping(15);
	test_large_mapping(16);
	test_large_mapping(5000);
	expect("a: &x [1]\nb: *x\n", "t.yaml:2:4: error: YAML aliases (*name) are not supported\n",
	       false, "alias refused");
	expect("a: 1\n---\nb: 2\n", "t.yaml:2:1: error: only one YAML document is allowed\n",
	       false, "two documents");
	expect("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	       "t.yaml:1:66: error: nesting deeper than 64 levels\n", false, "deep nesting");
	expect("", "", true, "empty document");
	expect("{a: 1}: 2\n", "t.yaml:1:1: error: a mapping key must be text, not a mapping\n",
	       false, "mapping as key");
	return TEST_EXIT();
}
