/*
 * kbgen — builds the knowledge base: static HTML site plus out/kb.db.
 *
 * Exit status: 0 success, 1 content errors (each reported as
 * path:line:col: error: message), 2 usage or system errors.
 */
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "diag.h"
#include "search_cli.h"

#define EXIT_USAGE 2

static const char usage[] =
	"usage: kbgen COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  build     check the content and generate the site into the output\n"
	"            folder, replacing it only when the build succeeded\n"
	"  check     run every check the build makes; write nothing\n"
	"  search    query the search index: kbgen search --help\n"
	"  help      show this text\n"
	"\n"
	"Options for build and check:\n"
	"  --root DIR   site root holding site.yaml, content/, decision-trees/\n"
	"               and theme/ (default: .)\n"
	"  --out DIR    output folder (default: out under the current folder)\n"
	"  --drafts     include articles marked draft: true\n"
	"  --format F   diagnostics as 'text' (default, path:line:col: ...)\n"
	"               or 'json'\n"
	"\n"
	"Exit status: 0 success, 1 content errors, 2 usage or system errors.\n";

static int usage_error(const char *format, const char *argument)
{
	fputs("kbgen: ", stderr);
	fprintf(stderr, format, argument);
	fputs("\nTry 'kbgen help' for more information.\n", stderr);
	return EXIT_USAGE;
}

static int run_build(int argc, char **argv, bool check_only)
{
	struct build_options options = {.root = ".", .out_dir = "out",
					.check_only = check_only};
	bool json = false;
	enum build_status status;

	for (int i = 1; i < argc; i++) {
		const char *argument = argv[i];
		if (strcmp(argument, "--drafts") == 0) {
			options.drafts = true;
		} else if (strcmp(argument, "--help") == 0 ||
			   strcmp(argument, "-h") == 0) {
			fputs(usage, stdout);
			return 0;
		} else if (strcmp(argument, "--root") == 0 ||
			   strcmp(argument, "--out") == 0 ||
			   strcmp(argument, "--format") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0')
				return usage_error("option '%s' needs a value",
						   argument);
			if (strcmp(argument, "--root") == 0)
				options.root = argv[++i];
			else if (strcmp(argument, "--out") == 0)
				options.out_dir = argv[++i];
			else if (strcmp(argv[++i], "json") == 0)
				json = true;
			else if (strcmp(argv[i], "text") != 0)
				return usage_error("unknown format '%s' (text or "
						   "json)", argv[i]);
		} else {
			return usage_error("unknown option '%s'", argument);
		}
	}
	status = build_run(&options);
	if (json)
		diag_print_json(stdout);
	else
		diag_print(stderr);
	if (status == BUILD_CONTENT_ERRORS)
		fprintf(stderr, "kbgen: %zu error%s, %zu warning%s; %s\n",
			diag_error_count(), diag_error_count() == 1 ? "" : "s",
			diag_warning_count(),
			diag_warning_count() == 1 ? "" : "s",
			check_only ? "nothing written" : "the output was left as it was");
	else if (status == BUILD_SYSTEM_ERROR)
		fprintf(stderr, "kbgen: the build failed; the output was left as "
			"it was\n");
	diag_clear();
	return (int)status;
}

int main(int argc, char **argv)
{
	const char *command;
	int status;

	if (argc < 2)
		return usage_error("%s", "missing command");
	command = argv[1];
	xmlInitParser();
	if (strcmp(command, "build") == 0) {
		status = run_build(argc - 1, argv + 1, false);
	} else if (strcmp(command, "check") == 0) {
		status = run_build(argc - 1, argv + 1, true);
	} else if (strcmp(command, "search") == 0) {
		status = search_command(argc - 1, argv + 1);
	} else if (strcmp(command, "help") == 0 || strcmp(command, "--help") == 0 ||
		   strcmp(command, "-h") == 0) {
		fputs(usage, stdout);
		status = 0;
	} else {
		status = usage_error("unknown command '%s'", command);
	}
	xmlCleanupParser();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("kbgen: standard output");
		return EXIT_USAGE;
	}
	return status;
}
