/*
 * search_cli.c — `kbgen search`: options, the read-only index, text and
 * JSON output.
 */
#include "main/search_cli.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/search.h"
#include "html/htmlout.h"
#include "base/json.h"
#include "base/util.h"

#define DEFAULT_DB "out/kb.db"
#define DEFAULT_LIMIT 10
#define MAX_LIMIT 1000

static const char usage_line[] =
	"usage: kbgen search [--db PATH] [--limit N] [--json] [--exact] [--] "
	"QUERY...\n";

static const char help_text[] =
	"Searches the knowledge base index and prints the best matches:\n"
	"one per article: the URL (with #heading), the title and heading, a\n"
	"snippet, and up to 3 more matching sections indented under it. A\n"
	"Latin word the index lacks is corrected to the nearest indexed word\n"
	"(a first line says so) unless --exact is given.\n"
	"\n"
	"  --db PATH   the index to search (default " DEFAULT_DB ")\n"
	"  --limit N   at most N results, 1 to 1000 (default 10)\n"
	"  --json      print the results as one JSON object\n"
	"  --exact     search the words as typed, never corrected\n"
	"  --help      print this help\n"
	"  --          end of options (for a query starting with -)\n"
	"\n"
	"Exit status: 0 with results, 1 with none, 2 on a usage error or\n"
	"when the index cannot be read.\n";

enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_ERROR };

struct options {
	const char *db_path;
	size_t limit;
	bool json;
	bool exact;
	struct buf query; /* the QUERY words joined by spaces */
	size_t words;     /* how many; "" is a word with nothing to find */
};

static void complain(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

static void complain(const char *format, ...)
{
	va_list args;

	fputs("kbgen search: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
}

/* A decimal number from 1 to MAX_LIMIT, digits only; 0 when it is not. */
static size_t parse_limit(const char *text)
{
	size_t value = 0;
	const char *digit;

	if (*text == '\0' || strlen(text) > 4)
		return 0;
	for (digit = text; *digit; digit++) {
		if (*digit < '0' || *digit > '9')
			return 0;
		value = value * 10 + (size_t)(*digit - '0');
	}
	return value <= MAX_LIMIT ? value : 0;
}

/* The value of an option given as "--name VALUE" or "--name=VALUE", or
 * NULL when argv[*index] is not that option. Advances *index past a
 * separate value; *missing is set when the value is absent. */
static const char *option_value(int argc, char **argv, int *index,
				const char *name, bool *missing)
{
	const char *argument = argv[*index];
	size_t length = strlen(name);

	*missing = false;
	if (strncmp(argument, name, length) != 0)
		return NULL;
	if (argument[length] == '=')
		return argument + length + 1;
	if (argument[length] != '\0')
		return NULL;
	if (*index + 1 >= argc) {
		*missing = true;
		return "";
	}
	return argv[++*index];
}

static void add_query_word(struct options *options, const char *word)
{
	if (options->words++ > 0)
		buf_addc(&options->query, ' ');
	buf_adds(&options->query, word);
}

/* Handles one option at argv[*index]; false after complaining. */
static bool parse_option(int argc, char **argv, int *index,
			 struct options *options)
{
	const char *argument = argv[*index], *value;
	bool missing;

	if (strcmp(argument, "--json") == 0) {
		options->json = true;
		return true;
	}
	if (strcmp(argument, "--exact") == 0) {
		options->exact = true;
		return true;
	}
	value = option_value(argc, argv, index, "--db", &missing);
	if (value != NULL) {
		if (missing || *value == '\0')
			complain("--db needs a path");
		options->db_path = value;
		return !missing && *value != '\0';
	}
	value = option_value(argc, argv, index, "--limit", &missing);
	if (value != NULL) {
		options->limit = parse_limit(value);
		if (options->limit == 0)
			complain("--limit needs a number from 1 to %d",
				 MAX_LIMIT);
		return options->limit != 0;
	}
	complain("unknown option '%s'", argument);
	return false;
}

static enum parse_result parse_arguments(int argc, char **argv,
					 struct options *options)
{
	bool only_words = false;
	int i;

	for (i = 1; i < argc; i++) {
		const char *argument = argv[i];

		if (only_words || argument[0] != '-' || argument[1] == '\0') {
			add_query_word(options, argument);
		} else if (strcmp(argument, "--") == 0) {
			only_words = true;
		} else if (strcmp(argument, "--help") == 0 ||
			   strcmp(argument, "-h") == 0) {
			return PARSE_HELP;
		} else if (!parse_option(argc, argv, &i, options)) {
			return PARSE_ERROR;
		}
	}
	if (options->words == 0) {
		complain("missing QUERY");
		return PARSE_ERROR;
	}
	return PARSE_RUN;
}

/* Prints text with control characters shown as '?', so nothing from the
 * index can drive the terminal. */
static void print_clean(const char *text)
{
	for (; *text; text++) {
		unsigned char byte = (unsigned char)*text;

		putchar(byte < 0x20 || byte == 0x7F ? '?' : byte);
	}
}

/* A snippet's run for a terminal: a highlight in bold on a terminal and
 * in [brackets] otherwise. */
static void print_run(void *user, const char *text, size_t length,
		      bool marked)
{
	bool terminal = *(const bool *)user;

	if (marked)
		fputs(terminal ? "\033[1m" : "[", stdout);
	fwrite(text, 1, length, stdout);
	if (marked)
		fputs(terminal ? "\033[0m" : "]", stdout);
}

/* One section under its article: indented, url#anchor, heading,
 * snippet. */
static void print_section(const struct search_result *result,
			  const struct search_section *section, bool terminal)
{
	fputs("    ", stdout);
	print_clean(result->url);
	putchar('#');
	print_clean(section->anchor);
	fputs("\n        ", stdout);
	print_clean(section->heading);
	fputs("\n        ", stdout);
	search_snippet_runs(&section->snippet, print_run, &terminal);
	putchar('\n');
}

static void print_text(const struct search_results *results)
{
	bool terminal = isatty(STDOUT_FILENO);
	size_t i;

	if (results->corrected) {
		fputs("(showing results for \"", stdout);
		print_clean(results->corrected);
		fputs("\")\n\n", stdout);
	}
	for (i = 0; i < results->count; i++) {
		const struct search_result *result = &results->items[i];

		if (i > 0)
			putchar('\n');
		print_clean(result->url);
		if (result->anchor) {
			putchar('#');
			print_clean(result->anchor);
		}
		fputs("\n    ", stdout);
		print_clean(result->title);
		if (result->heading) {
			fputs(" › ", stdout);
			print_clean(result->heading);
		}
		fputs("\n    ", stdout);
		search_snippet_runs(&result->snippet, print_run, &terminal);
		putchar('\n');
		for (size_t j = 0; j < result->section_count; j++)
			print_section(result, &result->sections[j], terminal);
	}
	if (results->count < results->total)
		printf("\n(%zu of %s%zu results)\n", results->count,
		       results->total_at_least ? "at least " : "",
		       results->total);
}

/* A snippet's run as HTML, through the one escaping writer; a highlight
 * inside <mark>. */
static void add_html_run(void *user, const char *text, size_t length,
			 bool marked)
{
	struct buf *html = user;
	char *copy = xstrndup(text, length);

	if (marked)
		buf_adds(html, "<mark>");
	htmlout_text(html, copy);
	if (marked)
		buf_adds(html, "</mark>");
	free(copy);
}

/* "snippet_html": the snippet escaped, highlights in <mark>. */
static void add_json_snippet(struct buf *out,
			     const struct search_snippet *snippet)
{
	struct buf html = {0};

	search_snippet_runs(snippet, add_html_run, &html);
	buf_adds(out, "\"snippet_html\":");
	json_add_string(out, buf_cstr(&html), html.length);
	buf_free(&html);
}

static void add_json_result(struct buf *out,
			    const struct search_result *result)
{
	buf_adds(out, "{\"url\":");
	json_add_text(out, result->url);
	buf_adds(out, ",\"kind\":");
	json_add_text(out, result->kind);
	buf_adds(out, ",\"anchor\":");
	json_add_text(out, result->anchor);
	buf_adds(out, ",\"title\":");
	json_add_text(out, result->title);
	buf_adds(out, ",\"heading\":");
	json_add_text(out, result->heading);
	buf_addc(out, ',');
	add_json_snippet(out, &result->snippet);
	buf_printf(out, ",\"rank\":%.6g,\"sections\":[", result->rank);
	for (size_t i = 0; i < result->section_count; i++) {
		const struct search_section *section = &result->sections[i];
		char *url = xasprintf("%s#%s", result->url, section->anchor);

		buf_adds(out, i > 0 ? ",{\"url\":" : "{\"url\":");
		json_add_text(out, url);
		buf_adds(out, ",\"anchor\":");
		json_add_text(out, section->anchor);
		buf_adds(out, ",\"heading\":");
		json_add_text(out, section->heading);
		buf_addc(out, ',');
		add_json_snippet(out, &section->snippet);
		buf_printf(out, ",\"rank\":%.6g}", section->rank);
		free(url);
	}
	buf_adds(out, "]}");
}

/* The results as one JSON object, its strings written by base/json.h. */
static void print_json(const char *query,
		       const struct search_results *results)
{
	struct buf json = {0};

	buf_adds(&json, "{\"query\":");
	json_add_text(&json, query);
	buf_adds(&json, ",\"corrected\":");
	json_add_text(&json, results->corrected);
	buf_printf(&json, ",\"total\":%zu,\"total_at_least\":%s,\"results\":[",
		   results->total, results->total_at_least ? "true" : "false");
	for (size_t i = 0; i < results->count; i++) {
		if (i > 0)
			buf_addc(&json, ',');
		add_json_result(&json, &results->items[i]);
	}
	buf_adds(&json, "]}\n");
	fwrite(json.data, 1, json.length, stdout);
	buf_free(&json);
}

/* Opens the index read-only; 0, or 2 after complaining. */
static int open_index(const char *path, sqlite3 **db)
{
	if (sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
			    NULL) ==
		    SQLITE_OK &&
	    search_reader_setup(*db) == SEARCH_OK)
		return 0;
	complain("cannot open %s: %s", path,
		 *db ? sqlite3_errmsg(*db) : "out of memory");
	return 2;
}

static int run_search(sqlite3 *db, const struct options *options)
{
	struct search_results results;
	int status = 2;
	int rc = search_run_flags(db, buf_cstr(&options->query),
				  options->query.length, options->limit, 0,
				  options->exact ? SEARCH_NO_CORRECTION : 0,
				  SEARCH_BUDGET_MS, &results);

	if (rc == SEARCH_TOO_LONG) {
		complain("query too long (at most %d characters)",
			 SEARCH_QUERY_MAX_CHARACTERS);
		goto out;
	}
	if (rc == SEARCH_TOO_BROAD) {
		/* like no results: the query, not the program, is at fault */
		complain("the search is too broad: narrow it down (more than "
			 "%d ms of work)", SEARCH_BUDGET_MS);
		status = 1;
		goto out;
	}
	if (rc != SEARCH_OK) {
		complain("%s: %s", options->db_path,
			 rc == SEARCH_DATABASE ? sqlite3_errmsg(db)
					       : search_strerror(rc));
		goto out;
	}
	if (options->json)
		print_json(buf_cstr(&options->query), &results);
	else if (results.count > 0)
		print_text(&results);
	else
		complain("no results");
	status = results.count > 0 ? 0 : 1;
out:
	search_results_free(&results);
	return status;
}

int search_command(int argc, char **argv)
{
	struct options options = {DEFAULT_DB, DEFAULT_LIMIT, false, false, {0},
				  0};
	sqlite3 *db = NULL;
	int status = 2;

	switch (parse_arguments(argc, argv, &options)) {
	case PARSE_HELP:
		fputs(usage_line, stdout);
		fputs(help_text, stdout);
		status = 0;
		goto out;
	case PARSE_ERROR:
		fputs(usage_line, stderr);
		goto out;
	case PARSE_RUN:
		break;
	}
	status = open_index(options.db_path, &db);
	if (status == 0)
		status = run_search(db, &options);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		complain("cannot write the results");
		status = 2;
	}
out:
	sqlite3_close(db);
	buf_free(&options.query);
	return status;
}
