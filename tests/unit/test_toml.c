/* The TOML front matter parser: each construct read into the yamldoc
 * tree (dumped with every key's and value's line:col), and each mistake
 * refused with its exact diagnostic. */
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/toml.h"
#include "test.h"

/* key@line:col=value; text in quotes unless plain (numbers, booleans,
 * dates); containers as {...} and [...]. */
static void dump(struct buf *out, const struct yamldoc_node *node)
{
	switch (node->type) {
	case YAMLDOC_SCALAR:
		buf_printf(out, node->plain ? "%s@%u:%u" : "\"%s\"@%u:%u",
			   node->text, node->line, node->col);
		return;
	case YAMLDOC_SEQUENCE:
		buf_addc(out, '[');
		for (size_t i = 0; i < node->count; i++) {
			if (i > 0)
				buf_addc(out, ',');
			dump(out, node->items[i]);
		}
		buf_addc(out, ']');
		return;
	case YAMLDOC_MAPPING:
		buf_addc(out, '{');
		for (size_t i = 0; i < node->count; i++) {
			if (i > 0)
				buf_addc(out, ',');
			buf_printf(out, "%s@%u:%u=", node->keys[i]->text,
				   node->keys[i]->line, node->keys[i]->col);
			dump(out, node->items[i]);
		}
		buf_addc(out, '}');
		return;
	}
}

struct good {
	const char *what, *toml, *tree;
};

/* Front matter starts on line 2, after "+++". */
static const struct good goods[] = {
	{"empty", "", "{}"},
	{"comments and blank lines", "# a comment\n\n  # another\n", "{}"},
	{"basic string", "title = \"記事\"\n", "{title@2:1=\"記事\"@2:9}"},
	{"escapes", "a = \"\\t\\\"\\\\\\u00e9\\U0001F600\\n\"\n",
	 "{a@2:1=\"\t\"\\é😀\n\"@2:5}"},
	{"literal string", "a = 'C:\\dir\\n'\n", "{a@2:1=\"C:\\dir\\n\"@2:5}"},
	{"multi-line basic", "a = \"\"\"\none\ntwo \\\n   three\"\"\"\nb = 1\n",
	 "{a@2:1=\"one\ntwo three\"@2:5,b@6:1=1@6:5}"},
	{"multi-line literal", "a = '''\n\\x\n'''\n", "{a@2:1=\"\\x\n\"@2:5}"},
	{"multi-line ends in quotes", "a = \"\"\"x\"\"\"\"\"\n",
	 "{a@2:1=\"x\"\"\"@2:5}"},
	{"integers", "a = 1_000\nb = -17\nc = 0xff\nd = 0o17\ne = 0b101\nf = +3\n",
	 "{a@2:1=1000@2:5,b@3:1=-17@3:5,c@4:1=255@4:5,d@5:1=15@5:5,"
	 "e@6:1=5@6:5,f@7:1=3@7:5}"},
	{"largest integers", "a = 9223372036854775807\nb = -9223372036854775808\n",
	 "{a@2:1=9223372036854775807@2:5,b@3:1=-9223372036854775808@3:5}"},
	{"floats", "a = 3.14\nb = -1e-3\nc = 6.02E2_3\nd = inf\ne = -nan\nf = 1_0.5\n",
	 "{a@2:1=3.14@2:5,b@3:1=-1e-3@3:5,c@4:1=6.02e23@4:5,d@5:1=inf@5:5,"
	 "e@6:1=-nan@6:5,f@7:1=10.5@7:5}"},
	{"booleans", "draft = true\nx = false\n",
	 "{draft@2:1=true@2:9,x@3:1=false@3:5}"},
	{"dates", "a = 2024-01-02T10:00:00+09:00\nb = 2024-01-02\n"
	 "c = 2024-01-02 10:00:00z\nd = 1979-05-27t07:32:00.999\ne = 07:32:00\n",
	 "{a@2:1=2024-01-02T10:00:00+09:00@2:5,b@3:1=2024-01-02@3:5,"
	 "c@4:1=2024-01-02 10:00:00Z@4:5,d@5:1=1979-05-27T07:32:00.999@5:5,"
	 "e@6:1=07:32:00@6:5}"},
	{"quoted keys", "\"日本語\" = 1\n'a.b' = 2\n\"\" = 3\n",
	 "{日本語@2:1=1@2:9,a.b@3:1=2@3:9,@4:1=3@4:6}"},
	{"dotted keys", "a.b = 1\na . c = 2\n",
	 "{a@2:1={b@2:3=1@2:7,c@3:5=2@3:9}}"},
	{"tables", "t = 1\n[params]\nx = \"y\"\n[a.b]\nc = 2\n",
	 "{t@2:1=1@2:5,params@3:2={x@4:1=\"y\"@4:5},a@5:2={b@5:4={c@6:1=2@6:5}}}"},
	{"a sub-table after its parent", "[a.b]\nx = 1\n[a]\ny = 2\n",
	 "{a@2:2={b@2:4={x@3:1=1@3:5},y@5:1=2@5:5}}"},
	{"arrays of tables", "[[menu.main]]\nname = \"a\"\n[[menu.main]]\nname = \"b\"\n"
	 "[menu.main.params]\nx = 1\n",
	 "{menu@2:3={main@2:8=[{name@3:1=\"a\"@3:8},{name@5:1=\"b\"@5:8,"
	 "params@6:12={x@7:1=1@7:5}}]}}"},
	{"multi-line array, trailing comma, comments",
	 "tags = [\n  \"a\", # one\n  'b',\n]\n",
	 "{tags@2:1=[\"a\"@3:3,\"b\"@4:3]}"},
	{"nested arrays", "a = [[1, 2], [\"x\"], []]\n",
	 "{a@2:1=[[1@2:7,2@2:10],[\"x\"@2:15],[]]}"},
	{"inline tables", "a = { b = 1, c.d = \"x\" }\ne = {}\n",
	 "{a@2:1={b@2:7=1@2:11,c@2:14={d@2:16=\"x\"@2:20}},e@3:1={}}"},
	{"CRLF lines", "a = 1\r\nb = [\r\n 2\r\n]\r\n",
	 "{a@2:1=1@2:5,b@3:1=[2@4:2]}"},
	{"columns count characters", "\"題名\" = \"日本\"  # 注\nx = 1\n",
	 "{題名@2:1=\"日本\"@2:8,x@3:1=1@3:5}"},
};

struct bad {
	const char *what, *toml, *message;
};

static const struct bad bads[] = {
	{"unclosed string", "title = \"abc\nx = 1\n",
	 "2:9: error: invalid TOML: this quote (\") is not closed on its line"},
	{"unclosed literal string", "a = 1\ntitle = 'abc\n",
	 "3:9: error: invalid TOML: this quote (') is not closed on its line"},
	{"unclosed multi-line string", "a = \"\"\"\nabc\n",
	 "2:5: error: invalid TOML: these quotes (\"\"\") are not closed"},
	{"missing '='", "title \"x\"\n",
	 "2:1: error: invalid TOML: 'title' has no '=' after its key (write 'key = value')"},
	{"YAML written in TOML", "title: x\n",
	 "2:1: error: invalid TOML: 'title' has no '=' after its key (write 'key = value')"},
	{"no value", "a = 1\ntitle =   # none\n",
	 "3:7: error: invalid TOML: no value after this '='"},
	{"text without quotes", "title = Hello world\n",
	 "2:9: error: invalid TOML: 'Hello world' is not a value; write text in quotes (\"...\")"},
	{"bad escape", "a = \"x\\qy\"\n",
	 "2:7: error: invalid TOML: '\\q' is not an escape (write \\\\ for a backslash)"},
	{"short unicode escape", "a = \"\\u12\"\n",
	 "2:6: error: invalid TOML: '\\u' needs 4 hex digits"},
	{"surrogate escape", "a = \"\\uD800\"\n",
	 "2:6: error: invalid TOML: '\\uD800' is not a Unicode character"},
	{"control character in a string", "a = \"x\001\"\n",
	 "2:7: error: invalid TOML: a control character (U+0001) in a string; write it as \\u0001"},
	{"bad number", "weight = 1__0\n",
	 "2:10: error: invalid TOML: '1__0' is not a number"},
	{"leading zero", "weight = 012\n",
	 "2:10: error: invalid TOML: '012': a number cannot start with 0"},
	{"too large", "weight = 9223372036854775808\n",
	 "2:10: error: invalid TOML: 9223372036854775808 does not fit in 64 bits"},
	{"bad float", "a = 1.\n", "2:5: error: invalid TOML: '1.' is not a number"},
	{"bad date", "date = 2024-1-02\n",
	 "2:8: error: invalid TOML: '2024-1-02' is not a date (write YYYY-MM-DD, "
	 "or YYYY-MM-DDTHH:MM:SS with an optional zone)"},
	{"date out of range", "date = 2024-13-01\n",
	 "2:8: error: invalid TOML: '2024-13-01' is not a date: a month, day, "
	 "hour, minute or second is out of range"},
	{"time out of range", "date = 2024-01-02T24:00:00Z\n",
	 "2:8: error: invalid TOML: '2024-01-02T24:00:00Z' is not a date: a month, "
	 "day, hour, minute or second is out of range"},
	{"duplicate key", "title = \"a\"\n\ntitle = \"b\"\n",
	 "4:1: error: duplicate key 'title' (first at line 2)"},
	{"duplicate in a table", "[params]\nx = 1\nx = 2\n",
	 "4:1: error: duplicate key 'x' (first at line 3)"},
	{"table defined twice", "[params]\nx = 1\n[params]\n",
	 "4:2: error: table [params] defined twice (first at line 2)"},
	{"table over dotted keys", "a.b = 1\n[a]\n",
	 "3:2: error: table [a] defined twice (first at line 2)"},
	{"key redefined as a table", "a = 1\n[a.b]\n",
	 "3:2: error: 'a' is a value already (line 2), not a table"},
	{"dotted key over a value", "a = 1\na.b = 2\n",
	 "3:1: error: 'a' is a value already (line 2), so a dotted key cannot add to it"},
	{"dotted key into an inline table", "a = {b = 1}\na.c = 2\n",
	 "3:1: error: 'a' is an inline table already (line 2), so a dotted key cannot add to it"},
	{"array of tables over an array", "a = [1]\n[[a]]\n",
	 "3:3: error: 'a' is an array already (line 2), so [[a]] cannot make it an array of tables"},
	{"unclosed array", "tags = [\"a\",\n\"b\"\n",
	 "2:8: error: invalid TOML: this '[' is not closed by a ']', or its items are not separated by ','"},
	{"array without commas", "tags = [\"a\" \"b\"]\n",
	 "2:8: error: invalid TOML: this '[' is not closed by a ']', or its items are not separated by ','"},
	{"unclosed inline table", "a = {b = 1",
	 "2:5: error: invalid TOML: this '{' is not closed on its line: an inline table is written on one line"},
	{"newline in an inline table", "a = {b = 1,\nc = 2}\n",
	 "2:5: error: invalid TOML: this '{' is not closed on its line: an inline table is written on one line"},
	{"inline table without commas", "a = {b = 1 c = 2}\n",
	 "2:5: error: invalid TOML: this '{' is not closed by a '}', or its items are not separated by ','"},
	{"duplicate in an inline table", "a = {b = 1, b = 2}\n",
	 "2:13: error: duplicate key 'b' (first at line 2)"},
	{"unclosed header", "[params\nx = 1\n",
	 "2:1: error: invalid TOML: this '[' of a table header is not closed by ']'"},
	{"two values on a line", "a = 1 b = 2\n",
	 "2:7: error: invalid TOML: 'b = 2' after the value; write one 'key = value' on a line"},
	{"no key", "= 1\n",
	 "2:1: error: invalid TOML: '= 1' does not start with a key (a name of letters, digits, '_' and '-', or text in quotes)"},
	{"lone CR", "a = 1\rb = 2\n",
	 "2:6: error: invalid TOML: a carriage return without a line feed after it"},
	{"deep nesting", "a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
	 "2:69: error: nesting deeper than 64 levels"},
};

int main(void)
{
	TEST_SUITE("toml");
	for (size_t i = 0; i < sizeof goods / sizeof *goods; i++) {
		bool ok;
		struct buf tree = {0};
		struct yamldoc_node *root = toml_parse(goods[i].toml, strlen(goods[i].toml),
						       "t.md", 2, &ok);
		CHECK(ok && root != NULL && diag_error_count() == 0, goods[i].what);
		if (root != NULL)
			dump(&tree, root);
		CHECK_STR(buf_cstr(&tree), goods[i].tree, goods[i].what);
		buf_free(&tree);
		yamldoc_free(root);
		diag_clear();
	}
	for (size_t i = 0; i < sizeof bads / sizeof *bads; i++) {
		bool ok = true;
		char *messages = NULL;
		size_t length = 0;
		FILE *stream = open_memstream(&messages, &length);
		struct yamldoc_node *root = toml_parse(bads[i].toml, strlen(bads[i].toml),
						       "t.md", 2, &ok);
		char *want = xasprintf("t.md:%s\n", bads[i].message);

		diag_print(stream);
		fclose(stream);
		CHECK(!ok && root == NULL, bads[i].what);
		CHECK_STR(messages, want, bads[i].what);
		free(messages);
		free(want);
		diag_clear();
	}
	return TEST_EXIT();
}
