/* The JSON front matter reader: every construct's tree with its
 * locations, where the body starts, and every mistake's exact message at
 * its line:col. */
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"
#include "test.h"
#include "base/util.h"
#include "content/jsondoc.h"

/* The tree as text: scalars quoted when they were strings, each node
 * followed by @line:col. */
static void dump(struct buf *out, const struct yamldoc_node *node)
{
	if (node->type == YAMLDOC_SCALAR) {
		buf_printf(out, node->plain ? "%s" : "\"%s\"", node->text);
	} else {
		bool mapping = node->type == YAMLDOC_MAPPING;
		buf_addc(out, mapping ? '{' : '[');
		for (size_t i = 0; i < node->count; i++) {
			if (i > 0)
				buf_addc(out, ',');
			if (mapping) {
				dump(out, node->keys[i]);
				buf_addc(out, ':');
			}
			dump(out, node->items[i]);
		}
		buf_addc(out, mapping ? '}' : ']');
	}
	buf_printf(out, "@%u:%u", node->line, node->col);
}

/* Parses json; returns the tree's dump and where the body starts
 * ("|end=N line=L"), or the diagnostics printed. */
static char *parse(const char *json, bool *ok)
{
	struct buf out = {0};
	char *messages = NULL;
	size_t length = 0, end = 999;
	unsigned end_line = 999;
	FILE *stream;
	struct yamldoc_node *root = jsondoc_parse(json, strlen(json), "t.md",
						  &end, &end_line, ok);

	if (root != NULL) {
		dump(&out, root);
		buf_printf(&out, "|end=%zu line=%u", end, end_line);
	}
	yamldoc_free(root);
	stream = open_memstream(&messages, &length);
	diag_print(stream);
	fclose(stream);
	diag_clear();
	buf_adds(&out, messages);
	free(messages);
	return buf_detach(&out);
}

static const struct {
	const char *what, *json, *want;
} good[] = {
	{"empty object", "{}", "{}@1:1|end=2 line=2"},
	{"one string", "{\"a\":\"b\"}", "{\"a\"@1:2:\"b\"@1:6}@1:1|end=9 line=2"},
	{"columns count code points",
	 "{\"題\": \"日本語\", \"n\": 1}",
	 "{\"題\"@1:2:\"日本語\"@1:7,\"n\"@1:14:1@1:19}@1:1|end=28 line=2"},
	{"lines and indentation",
	 "{\n  \"title\": \"x\",\n\t\"tags\": [\n    \"a\"\n  ]\r\n}\nbody",
	 "{\"title\"@2:3:\"x\"@2:12,\"tags\"@3:2:[\"a\"@4:5]@3:10}@1:1|end=44 line=7"},
	{"numbers kept as written",
	 "{\"a\":[0,-0,12,2.5,-3e+2,1E-7,-0.0e0,10.25]}",
	 "{\"a\"@1:2:[0@1:7,-0@1:9,12@1:12,2.5@1:15,-3e+2@1:19,1E-7@1:25,"
	 "-0.0e0@1:30,10.25@1:37]@1:6}@1:1|end=43 line=2"},
	{"true, false, null",
	 "{\"t\":true,\"f\":false,\"n\":null}",
	 "{\"t\"@1:2:true@1:6,\"f\"@1:11:false@1:15,\"n\"@1:21:null@1:25}@1:1|end=29 line=2"},
	{"simple escapes", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
	 "{\"a\"@1:2:\"\"\\/\b\f\n\r\t\"@1:6}@1:1|end=24 line=2"},
	{"\\u escapes", "{\"a\":\"\\u00e9\\u3042\\u0041\"}",
	 "{\"a\"@1:2:\"éあA\"@1:6}@1:1|end=26 line=2"},
	{"a surrogate pair", "{\"a\":\"\\ud83d\\uDE00!\"}",
	 "{\"a\"@1:2:\"\xF0\x9F\x98\x80!\"@1:6}@1:1|end=21 line=2"},
	{"empty containers nested", "{\"a\":{},\"b\":[[]],\"c\":{\"d\":{}}}",
	 "{\"a\"@1:2:{}@1:6,\"b\"@1:9:[[]@1:14]@1:13,\"c\"@1:18:{\"d\"@1:23:{}@1:27}@1:22}@1:1|end=30 line=2"},
	{"a brace inside a string", "{\"a\":\"}{\"}\nbody",
	 "{\"a\"@1:2:\"}{\"@1:6}@1:1|end=11 line=2"},
	{"spaces and CR after the brace", "{\"a\":1} \t\r\nbody",
	 "{\"a\"@1:2:1@1:6}@1:1|end=11 line=2"},
	{"the body line after a long object", "{\n\"a\":\n1\n}\n\nbody",
	 "{\"a\"@2:1:1@3:1}@1:1|end=11 line=5"},
	{"leading whitespace", "  \n {\"a\":1}",
	 "{\"a\"@2:3:1@2:7}@2:2|end=11 line=3"},
	{"an empty key", "{\"\":1}", "{\"\"@1:2:1@1:5}@1:1|end=6 line=2"},
};

static const struct {
	const char *what, *json, *want;
} bad[] = {
	{"unclosed object", "{\"a\":1",
	 "t.md:1:1: error: invalid JSON: this '{' is not closed by a '}'\n"},
	{"unclosed object after a comma", "{\n  \"a\": 1,\n",
	 "t.md:1:1: error: invalid JSON: this '{' is not closed by a '}'\n"},
	{"unclosed inner object", "{\n\"a\": {\"b\": 1\n}",
	 "t.md:1:1: error: invalid JSON: this '{' is not closed by a '}'\n"},
	{"unclosed array", "{\"a\":[1,2",
	 "t.md:1:6: error: invalid JSON: this '[' is not closed by a ']'\n"},
	{"unclosed string", "{\"a\":\"xyz",
	 "t.md:1:6: error: invalid JSON: this string is not closed by a '\"' on its line\n"},
	{"a string broken by a newline", "{\"a\":\"x\ny\"}",
	 "t.md:1:6: error: invalid JSON: this string is not closed by a '\"' on its line\n"},
	{"missing colon", "{\"題\" 1}",
	 "t.md:1:6: error: invalid JSON: expected ':' after the key '題'\n"},
	{"missing comma", "{\"a\":1 \"b\":2}",
	 "t.md:1:8: error: invalid JSON: expected ',' or '}' after the value, not '\"'\n"},
	{"a forgotten '}' runs into the body", "{\n\"a\": 1\n\nbody\n",
	 "t.md:4:1: error: invalid JSON: expected ',' or '}' after the value, not 'body': is the front matter's closing '}' missing above this line?\n"},
	{"a missing comma on the next line inside", "{\"a\": {\"b\": 1\n\"c\": 2}}",
	 "t.md:2:1: error: invalid JSON: expected ',' or '}' after the value, not '\"'\n"},
	{"missing comma in an array", "{\"a\":[1 2]}",
	 "t.md:1:9: error: invalid JSON: expected ',' or ']' after the item, not '2'\n"},
	{"trailing comma", "{\"a\":1,}",
	 "t.md:1:7: error: invalid JSON: a ',' before the closing '}' (JSON allows no trailing comma)\n"},
	{"trailing comma a line above", "{\n  \"a\": 1,\n}",
	 "t.md:2:9: error: invalid JSON: a ',' before the closing '}' (JSON allows no trailing comma)\n"},
	{"trailing comma in an array", "{\"a\":[1,]}",
	 "t.md:1:8: error: invalid JSON: a ',' before the closing ']' (JSON allows no trailing comma)\n"},
	{"a comma alone", "{,}",
	 "t.md:1:2: error: invalid JSON: a key must be a string in double quotes, not ','\n"},
	{"unknown escape", "{\"a\":\"\\x\"}",
	 "t.md:1:7: error: invalid JSON: unknown escape '\\x' in a string (JSON knows \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)\n"},
	{"short \\u", "{\"a\":\"\\u12G4\"}",
	 "t.md:1:7: error: invalid JSON: '\\u' must be followed by four hex digits\n"},
	{"lone high surrogate", "{\"a\":\"x\\ud800\"}",
	 "t.md:1:8: error: invalid JSON: '\\ud800' is the high half of a surrogate pair with no low half ('\\uDC00' to '\\uDFFF') after it\n"},
	{"high surrogate and no low one", "{\"a\":\"\\uD800\\u0041\"}",
	 "t.md:1:7: error: invalid JSON: '\\uD800' is the high half of a surrogate pair with no low half ('\\uDC00' to '\\uDFFF') after it\n"},
	{"lone low surrogate", "{\"a\":\"\\udc00\"}",
	 "t.md:1:7: error: invalid JSON: '\\udc00' is the low half of a surrogate pair with no high half before it\n"},
	{"NUL escape", "{\"a\":\"\\u0000\"}",
	 "t.md:1:7: error: invalid JSON: '\\u0000' (NUL) cannot be in front matter\n"},
	{"raw tab in a string", "{\"a\":\"x\ty\"}",
	 "t.md:1:8: error: invalid JSON: a control character (U+0009) in a string: write it as \\u0009\n"},
	{"leading zero", "{\"a\":01}",
	 "t.md:1:6: error: invalid JSON: '01' is not a number (a number cannot start with 0 and more digits)\n"},
	{"no digit after the point", "{\"a\":1.}",
	 "t.md:1:6: error: invalid JSON: '1.' is not a number (a digit must follow the '.')\n"},
	{"a minus alone", "{\"a\":-}",
	 "t.md:1:6: error: invalid JSON: '-' is not a number (a digit must follow the '-')\n"},
	{"no exponent digits", "{\"a\":1e+}",
	 "t.md:1:6: error: invalid JSON: '1e+' is not a number (a digit must follow the exponent's 'e')\n"},
	{"two points", "{\"a\":1.2.3}",
	 "t.md:1:6: error: invalid JSON: '1.2.3' is not a number (more after the number's end)\n"},
	{"letters after digits", "{\"a\":12px}",
	 "t.md:1:6: error: invalid JSON: '12px' is not a number (letters after the digits)\n"},
	{"a leading point", "{\"a\":.5}",
	 "t.md:1:6: error: invalid JSON: unexpected '.5': a value is a string in double quotes, a number, an object, an array, true, false or null\n"},
	{"YAML's yes", "{\"a\":yes}",
	 "t.md:1:6: error: invalid JSON: unexpected 'yes': a value is a string in double quotes, a number, an object, an array, true, false or null\n"},
	{"True capitalised", "{\"a\":True}",
	 "t.md:1:6: error: invalid JSON: unexpected 'True': a value is a string in double quotes, a number, an object, an array, true, false or null\n"},
	{"a missing value", "{\"a\":}",
	 "t.md:1:6: error: invalid JSON: unexpected '}': a value is a string in double quotes, a number, an object, an array, true, false or null\n"},
	{"the end where a value is due", "{\"a\":",
	 "t.md:1:6: error: invalid JSON: a value is missing at the end\n"},
	{"an unquoted key", "{title: 1}",
	 "t.md:1:2: error: invalid JSON: a key must be a string in double quotes, not 'title'\n"},
	{"a single-quoted key", "{'a': 1}",
	 "t.md:1:2: error: invalid JSON: a key must be a string in double quotes, not '''\n"},
	{"duplicate keys", "{\"a\":1,\n\"b\":2,\n\"a\":3,\"a\":4}",
	 "t.md:3:1: error: duplicate key 'a' (first at line 1)\n"
	 "t.md:3:7: error: duplicate key 'a' (first at line 1)\n"},
	{"duplicate keys in an inner object", "{\"a\":{\"題\":1,\"題\":2}}",
	 "t.md:1:13: error: duplicate key '題' (first at line 1)\n"},
	{"a duplicate key, then a syntax error: both said",
	 "{\"a\":{\"b\":1,\"b\":2},\n\"c\":01}",
	 "t.md:1:13: error: duplicate key 'b' (first at line 1)\n"
	 "t.md:2:5: error: invalid JSON: '01' is not a number (a number cannot start with 0 and more digits)\n"},
	{"text after the brace", "{\"題\":1} x\nbody",
	 "t.md:1:9: error: text after the front matter's closing '}' on its line: start the body on the next line\n"},
	{"not an object", "[1]",
	 "t.md:1:1: error: invalid JSON: front matter must be an object, in '{' and '}'\n"},
	{"nothing", "",
	 "t.md:1:1: error: invalid JSON: front matter must be an object, in '{' and '}'\n"},
};

static void test_depth(void)
{
	struct buf json = {0};
	char *got;
	bool ok;

	/* the root and 63 arrays: 64 levels, as deep as YAML's limit */
	buf_adds(&json, "{\"a\":");
	for (int i = 1; i < YAMLDOC_MAX_DEPTH; i++)
		buf_addc(&json, '[');
	for (int i = 1; i < YAMLDOC_MAX_DEPTH; i++)
		buf_addc(&json, ']');
	buf_addc(&json, '}');
	got = parse(buf_cstr(&json), &ok);
	CHECK(ok && strstr(got, "error") == NULL, "64 levels of nesting read");
	free(got);
	buf_reset(&json);
	buf_adds(&json, "{\"a\":");
	for (int i = 0; i < YAMLDOC_MAX_DEPTH; i++)
		buf_addc(&json, '[');
	got = parse(buf_cstr(&json), &ok);
	CHECK_STR(got, "t.md:1:69: error: nesting deeper than 64 levels\n",
		  "65 levels of nesting refused where the 65th opens");
	CHECK(!ok, "65 levels: not ok");
	free(got);
	buf_free(&json);
}

/* What frontmatter.c reads off the tree: nulls, booleans, integers. */
static void test_readers(void)
{
	const char *json = "{\"n\":null,\"s\":\"null\",\"b\":true,\"w\":-3}";
	size_t end;
	unsigned line;
	bool ok, value = false;
	long number = 0;
	struct yamldoc_node *root = jsondoc_parse(json, strlen(json), "t.md",
						  &end, &line, &ok);

	CHECK(ok && root != NULL, "readers: parsed");
	if (root == NULL)
		return;
	CHECK(yamldoc_is_null(yamldoc_get(root, "n", NULL)), "null is yamldoc's null");
	CHECK(!yamldoc_is_null(yamldoc_get(root, "s", NULL)), "\"null\" is text");
	CHECK(yamldoc_bool(yamldoc_get(root, "b", NULL), &value) && value,
	      "true reads as a boolean");
	CHECK(!yamldoc_bool(yamldoc_get(root, "s", NULL), &value),
	      "a string is no boolean");
	CHECK(yamldoc_long(yamldoc_get(root, "w", NULL), &number) && number == -3,
	      "-3 reads as an integer");
	yamldoc_free(root);
}

int main(void)
{
	TEST_SUITE("jsondoc");
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		bool ok;
		char *got = parse(good[i].json, &ok);
		CHECK_STR(got, good[i].want, good[i].what);
		CHECK(ok, good[i].what);
		free(got);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		bool ok = true;
		char *got = parse(bad[i].json, &ok);
		CHECK_STR(got, bad[i].want, bad[i].what);
		CHECK(!ok, bad[i].what);
		free(got);
	}
	test_depth();
	test_readers();
	return TEST_EXIT();
}
