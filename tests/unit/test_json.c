/* test_json.c — base/json.c, the one JSON string writer. */
#include "test.h"

#include "base/json.h"

static void check_json(const char *text, size_t length, const char *want,
		       const char *what)
{
	struct buf out = {0};

	json_add_string(&out, text, length);
	CHECK_STR(buf_cstr(&out), want, what);
	buf_free(&out);
}

#define JSON(text, want, what) check_json(text, sizeof(text) - 1, want, what)

int main(void)
{
	struct buf out = {0};

	TEST_SUITE("json");
	JSON("", "\"\"", "the empty string");
	JSON("迷惑メール SPF", "\"迷惑メール SPF\"", "UTF-8 is copied");
	JSON("a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	JSON("one\ntwo", "\"one\\ntwo\"", "line feed as \\n");
	JSON("\t\r\x01\x1f\x7f", "\"\\u0009\\u000d\\u0001\\u001f\\u007f\"",
	     "other C0 controls and DEL as \\u00XX");
	JSON("</script>&", "\"\\u003c/script\\u003e\\u0026\"",
	     "<, > and & escaped: safe inside HTML");
	JSON("a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\u2028b\\u2029\"",
	     "U+2028 and U+2029 escaped");
	JSON("\xe2\x80\xa7", "\"\xe2\x80\xa7\"", "U+2027 is copied");
	JSON("a\xffz", "\"a\\ufffdz\"", "a stray byte becomes U+FFFD");
	JSON("\xe8\xbf", "\"\\ufffd\\ufffd\"", "a cut sequence: U+FFFD a byte");
	JSON("\xc0\xaf", "\"\\ufffd\\ufffd\"", "an overlong '/' is not UTF-8");
	JSON("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "a surrogate is not UTF-8");
	JSON("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	     "above U+10FFFF is not UTF-8");
	JSON("\xf0\x9f\x93\xa7", "\"\xf0\x9f\x93\xa7\"", "four-byte UTF-8 is copied");
	check_json("ab\0cd", 5, "\"ab\\u0000cd\"", "a NUL inside the length is escaped");
	check_json("迷惑", 3, "\"迷\"", "length bounds the text");

	json_add_text(&out, NULL);
	json_add_text(&out, "x");
	CHECK_STR(buf_cstr(&out), "null\"x\"", "json_add_text: NULL is null");
	buf_free(&out);
	return TEST_EXIT();
}
