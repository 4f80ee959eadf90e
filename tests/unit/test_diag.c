/* Diagnostics: GCC's colours on terminals only, and NO_COLOR. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		  "\"severity\":\"warning\",\"message\":\"tab\\u0009here\","
		  "\"line_text\":null},\n"
		  " {\"file\":\"b.md\",\"line\":2,\"column\":5,"
		  "\"severity\":\"error\",\"message\":"
		  "\"line\\none \\u003ca\\u003e \\u0026 \\\"q\\\" \\\\ \\ufffd\","
		  "\"line_text\":null}\n]\n",
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

static char *printed_styled(bool color, bool excerpt)
{
	char *text = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	diag_print_styled(stream, color, excerpt);
	fclose(stream);
	return text;
}

/* A file under a fresh folder, which diag_set_root then points at. */
static char *write_source(const char *text)
{
	char folder[] = "/tmp/kbgen-diag-XXXXXX";
	char *path;
	FILE *file;

	if (mkdtemp(folder) == NULL)
		return NULL;
	path = malloc(strlen(folder) + 8);
	sprintf(path, "%s/a.md", folder);
	file = fopen(path, "w");
	fputs(text, file);
	fclose(file);
	path[strlen(folder)] = '\0';
	return path;
}

/* GCC's excerpt: the line under a gutter, the caret counted in terminal
 * cells (full-width characters two, tabs to the next multiple of 8),
 * control characters and invalid bytes as U+FFFD. */
static void test_excerpt(void)
{
	char *root = write_source("---\ntitle: [迷惑メール\n\tx: ｽﾊﾟﾑ y\r\n"
				  "bad \xff\x1b[31m z\nlast");
	char *text, *path;

	CHECK(root != NULL, "a source file is written");
	if (root == NULL)
		return;
	diag_set_root(root);
	diag_error("a.md", 2, 8, "bracket");
	diag_error("a.md", 2, 10, "after two wide characters");
	diag_note("a.md", 2, 10, "a note at the same place");
	diag_warning("a.md", 3, 4, "after a tab");
	diag_error("a.md", 4, 7, "after invalid bytes");
	diag_error("a.md", 5, 9, "past the end of the line");
	diag_error("a.md", 9, 1, "past the end of the file");
	diag_warning("a.md", 0, 0, "the whole file");
	text = printed_styled(false, true);
	CHECK_STR(text,
		  "a.md:1:1: warning: the whole file\n"
		  "a.md:2:8: error: bracket\n"
		  "    2 | title: [迷惑メール\n"
		  "      |        ^\n"
		  "a.md:2:10: error: after two wide characters\n"
		  "    2 | title: [迷惑メール\n"
		  "      |           ^\n"
		  "a.md:2:10: note: a note at the same place\n"
		  "a.md:3:4: warning: after a tab\n"
		  "    3 |         x: ｽﾊﾟﾑ y\n"
		  "      |           ^\n"
		  "a.md:4:7: error: after invalid bytes\n"
		  "    4 | bad \xEF\xBF\xBD\xEF\xBF\xBD[31m z\n"
		  "      |       ^\n"
		  "a.md:5:9: error: past the end of the line\n"
		  "    5 | last\n"
		  "      |         ^\n"
		  "a.md:9:1: error: past the end of the file\n",
		  "excerpts: wide characters, tabs, controls, ends");
	free(text);
	text = printed_styled(true, true);
	CHECK(strstr(text, "a.md:2:10: \33[01;36m\33[Knote: \33[m\33[K"
		     "a note at the same place\n") != NULL,
	      "colour: a note in bold cyan, as GCC");
	CHECK(strstr(text, "      |        \33[01;32m\33[K^\33[m\33[K\n") != NULL,
	      "colour: the caret in bold green, as GCC");
	free(text);
	diag_clear();
	diag_set_root(NULL);
	path = malloc(strlen(root) + 8);
	sprintf(path, "%s/a.md", root);
	unlink(path);
	rmdir(root);
	free(path);
	free(root);
}

/* diag_blame: a reference to a file with errors is excused and counted
 * in one note at that file's first error; a file without errors is
 * not blamed. */
static void test_blame(void)
{
	char *text;

	CHECK(!diag_blame("b.md"), "no error in the file: not blamed");
	diag_error("b.md", 7, 2, "a later error");
	diag_error("b.md", 3, 1, "the first error");
	CHECK(diag_blame("b.md"), "a file with errors: blamed");
	CHECK(diag_blame("b.md"), "blamed again");
	CHECK(!diag_blame("c.md"), "another file: not blamed");
	CHECK_INT(diag_error_count(), 2, "notes count as no error");
	CHECK_INT(diag_warning_count(), 0, "nor as warnings");
	text = printed_styled(false, false);
	CHECK_STR(text,
		  "b.md:3:1: error: the first error\n"
		  "b.md:3:1: note: 2 references to this file from other files "
		  "(links, a tree's articles) are not checked until its errors "
		  "are fixed\n"
		  "b.md:7:2: error: a later error\n",
		  "one note, at the first error, counting the references");
	free(text);
	diag_clear();
}

static void test_widths(void)
{
	CHECK_INT(diag_char_width('a'), 1, "width: ASCII 1");
	CHECK_INT(diag_char_width(0x8FF7), 2, "width: 迷 2");
	CHECK_INT(diag_char_width(0x30E1), 2, "width: メ 2");
	CHECK_INT(diag_char_width(0xFF33), 2, "width: full-width Ｓ 2");
	CHECK_INT(diag_char_width(0xFF7D), 1, "width: half-width ｽ 1");
	CHECK_INT(diag_char_width(0x3000), 2, "width: ideographic space 2");
	CHECK_INT(diag_char_width(0x3099), 0, "width: combining voiced mark 0");
	CHECK_INT(diag_char_width(0x0301), 0, "width: combining acute 0");
	CHECK_INT(diag_char_width(0x1F600), 2, "width: emoji 2");
	CHECK_INT(diag_char_width(0x20B9F), 2, "width: 𠮟 (plane 2) 2");
	CHECK_INT(diag_char_width(0x00E9), 1, "width: é 1");
}

int main(void)
{
	TEST_SUITE("diag");
	test_print();
	test_print_json();
	test_color_wanted();
	test_excerpt();
	test_blame();
	test_widths();
	return TEST_EXIT();
}
