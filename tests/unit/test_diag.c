/* Diagnostics: GCC's colours on terminals only, and NO_COLOR. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/diag.h"
#include "test.h"

static char *printed(bool color)
{
	char *text = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	diag_print_color(stream, color);
	fclose(stream);
	return text;
}

static void test_print(void)
{
	char *text;

	diag_warning("b.md", 3, 2, "second %s", "file");
	diag_error("a.md", 0, 0, "whole file");
	text = printed(true);
	CHECK_STR(text,
		  "a.md:1:1: \33[01;31m\33[Kerror: \33[m\33[Kwhole file\n"
		  "b.md:3:2: \33[01;35m\33[Kwarning: \33[m\33[Ksecond file\n",
		  "colour: bold red error, bold magenta warning, as GCC");
	free(text);
	text = printed(false);
	CHECK_STR(text, "a.md:1:1: error: whole file\nb.md:3:2: warning: second file\n",
		  "no colour: plain GCC format");
	free(text);
	diag_clear();
}

/* The JSON form: strings through base/json.h, so a line feed is \n,
 * '<', '>' and '&' are \u escapes and a byte that is not UTF-8 is
 * \ufffd. */
static void test_print_json(void)
{
	char *text = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	diag_print_json(stream);
	fclose(stream);
	CHECK_STR(text, "[]\n", "JSON: no messages, an empty array");
	free(text);
	diag_error("b.md", 2, 5, "line\none <a> & \"q\" \\ \xff");
	diag_warning("a.md", 0, 0, "tab\there");
	stream = open_memstream(&text, &length);
	diag_print_json(stream);
	fclose(stream);
	CHECK_STR(text,
		  "[\n {\"file\":\"a.md\",\"line\":1,\"column\":1,"
		  "\"severity\":\"warning\",\"message\":\"tab\\u0009here\"},\n"
		  " {\"file\":\"b.md\",\"line\":2,\"column\":5,"
		  "\"severity\":\"error\",\"message\":"
		  "\"line\\none \\u003ca\\u003e \\u0026 \\\"q\\\" \\\\ \\ufffd\"}\n]\n",
		  "JSON: sorted, strings escaped by base/json.h");
	free(text);
	diag_clear();
}

/* A stream on the terminal side of a new pseudo-terminal, or NULL. */
static FILE *open_terminal(int *master)
{
	int terminal;

	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master < 0 || grantpt(*master) != 0 || unlockpt(*master) != 0)
		return NULL;
	terminal = open(ptsname(*master), O_RDWR | O_NOCTTY);
	return terminal < 0 ? NULL : fdopen(terminal, "w");
}

static void test_color_wanted(void)
{
	char *text = NULL;
	size_t length = 0;
	FILE *memory = open_memstream(&text, &length);
	int master = -1;
	FILE *terminal = open_terminal(&master);

	unsetenv("NO_COLOR");
	CHECK(!diag_color_wanted(memory), "not a terminal: no colour");
	CHECK(terminal != NULL, "a pseudo-terminal opens");
	if (terminal != NULL) {
		CHECK(diag_color_wanted(terminal), "terminal: colour");
		setenv("NO_COLOR", "", 1);
		CHECK(diag_color_wanted(terminal),
		      "terminal, NO_COLOR empty: colour (no-color.org)");
		setenv("NO_COLOR", "1", 1);
		CHECK(!diag_color_wanted(terminal), "terminal, NO_COLOR=1: none");
		fclose(terminal);
	}
	setenv("NO_COLOR", "1", 1);
	CHECK(!diag_color_wanted(memory), "not a terminal, NO_COLOR=1: none");
	unsetenv("NO_COLOR");
	if (master >= 0)
		close(master);
	fclose(memory);
	free(text);
}

int main(void)
{
	TEST_SUITE("diag");
	test_print();
	test_print_json();
	test_color_wanted();
	return TEST_EXIT();
}
