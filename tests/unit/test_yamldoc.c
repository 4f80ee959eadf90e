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

/* The common mistakes, each reported where the writer fixes it (libyaml
 * gives up a line or more later), in the writer's words. */
static void test_writer_mistakes(void)
{
	expect("title: [迷惑メール\ndescription: x\n",
	       "t.yaml:1:8: error: invalid YAML: this '[' is not closed by a "
	       "']', or its items are not separated by ','\n",
	       false, "unclosed '[': at the bracket, not the next line");
	expect("title: x\ntags: {a: b\n",
	       "t.yaml:2:7: error: invalid YAML: this '{' is not closed by a "
	       "'}', or its items are not separated by ','\n",
	       false, "unclosed '{': at the brace");
	expect("title: \"迷惑メール\ndescription: x\n",
	       "t.yaml:1:8: error: invalid YAML: this quote (\") is not closed\n",
	       false, "unclosed double quote: at the quote");
	expect("title: '迷惑\n",
	       "t.yaml:1:8: error: invalid YAML: this quote (') is not closed\n",
	       false, "unclosed single quote: at the quote");
	expect("title 迷惑メール\ndescription: x\n",
	       "t.yaml:1:1: error: invalid YAML: 'title 迷惑メール' has no ':' "
	       "after its key (write 'key: value')\n",
	       false, "missing ':' before a key line: at the line without it");
	expect("title 迷惑\ntags [a]\ndescription: x\n",
	       "t.yaml:1:1: error: invalid YAML: 'title 迷惑' has no ':' after "
	       "its key (write 'key: value')\n",
	       false, "two lines without ':': at the first");
	expect("title: x\ndescription y\ntags: [a]\n",
	       "t.yaml:2:1: error: invalid YAML: 'description y' has no ':' "
	       "after its key (write 'key: value')\n",
	       false, "missing ':' after a key line: at that line");
	expect("title: x\ntags\n",
	       "t.yaml:2:1: error: invalid YAML: 'tags' has no ':' after its "
	       "key (write 'key: value')\n",
	       false, "missing ':' on the last line");
	expect("title: 例: テスト\n",
	       "t.yaml:1:9: error: invalid YAML: a second ': ' in one line; put "
	       "the value in quotes (\"...\") if it holds ': '\n",
	       false, "a second ': ' in a value: at it");
	expect("title: 迷惑メール\n  description: x\n",
	       "t.yaml:2:3: error: invalid YAML: this line is indented under "
	       "'title:', which has its value already; start it in the column "
	       "of the keys above\n",
	       false, "a key indented under a value: at the indented line");
	expect("title: x\ntags:\n  - a\n - b\n",
	       "t.yaml:4:2: error: invalid YAML: this line's indentation matches "
	       "no key or list item above it\n",
	       false, "an item indented less than the list: at it");
	expect("title: x\ntags:\n\t- a\n",
	       "t.yaml:3:1: error: invalid YAML: a tab here; YAML indents with "
	       "spaces only\n",
	       false, "tab indentation: at the tab");
	expect("a: [1, 2\n",
	       "t.yaml:1:4: error: invalid YAML: this '[' is not closed by a "
	       "']', or its items are not separated by ','\n",
	       false, "unclosed '[' at the end of the text");
	/* found by fuzz_yamldoc: a lone "\r" breaks a line for libyaml,
	 * not for the lines read around its marks: its own words, at its
	 * own mark */
	expect("title 迷惑\rdesc\ndesc: z\n",
	       "t.yaml:3:5: error: invalid YAML: mapping values are not allowed "
	       "in this context\n",
	       false, "a lone CR: libyaml's mark, not a line guessed around it");
	expect("a: 1\n@b: 2\n",
	       "t.yaml:2:1: error: invalid YAML: found character that cannot "
	       "start any token while scanning for the next token\n",
	       false, "other mistakes: libyaml's own words at its mark");
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
	test_writer_mistakes();
	return TEST_EXIT();
}
