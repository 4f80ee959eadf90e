/*
 * kbgen — builds the knowledge base: static HTML site plus out/kb.db.
 *
 * Exit status: 0 success, 1 content errors (each reported as
 * path:line:col: error: message; with check --strict, warnings too),
 * 2 usage or system errors.
 */
#include <libxml/parser.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "build/build.h"
#include "build/watch.h"
#include "content/xmlmem.h"
#include "main/records_cli.h"
#include "main/report_cli.h"
#include "main/bounce_cli.h"
#include "main/search_cli.h"

#define EXIT_USAGE 2

static const char usage[] =
	"usage: kbgen COMMAND [OPTIONS]\n"
	"\n"
	"Commands:\n"
	"  build     check the content and generate the site into the output\n"
	"            folder, replacing it only when the build succeeded\n"
	"  check     run every check the build makes, and the writer checks\n"
	"            (orphan articles, images without alt text, skipped\n"
	"            heading levels, missing descriptions, duplicate titles,\n"
	"            wizard outcomes without articles); write nothing\n"
	"  search    query the search index: kbgen search --help\n"
	"  records   check SPF, DKIM and DMARC records: kbgen records --help\n"
	"  bounce    read a bounce and say what it means: kbgen bounce --help\n"
	"  report    what visitors told the writers (feedback): kbgen report --help\n"
	"  watch     build, then rebuild on every save, for a live preview:\n"
	"            kbgen watch --help\n"
	"  help      show this text\n"
	"\n"
	"Options for build and check:\n"
	"  --root DIR   site root holding site.yaml, content/, decision-trees/\n"
	"               and theme/ (default: .)\n"
	"  --out DIR    output folder (default: out under the current folder)\n"
	"  --drafts     include articles marked draft: true\n"
	"  --future     include articles whose publishDate is still to come\n"
	"  --expired    include articles whose expiryDate has passed\n"
	"  --format F   diagnostics as 'text' (default, path:line:col: ...)\n"
	"               or 'json' (on standard output)\n"
	"  --quiet      no progress line and no closing summary line; the\n"
	"               diagnostics themselves are always printed\n"
	"  --excerpt    show each diagnostic's source line with a caret under\n"
	"               the column (the default on a terminal)\n"
	"  --no-excerpt one line per diagnostic, for editors\n"
	"  --strict     (check only) warnings count as errors: exit status 1\n"
	"  --clean      (build only) ignore the build cache in <out>/.kbgen and\n"
	"               build everything; without it a build redoes only what\n"
	"               changed since the last successful one\n"
	"\n"
	"Text diagnostics are coloured on a terminal unless NO_COLOR is set\n"
	"to a non-empty value.\n"
	"\n"
	"Exit status: 0 success, 1 content errors (check --strict: or warnings),\n"
	"2 usage or system errors.\n";

static int usage_error(const char *format, const char *argument)
{
	fputs("kbgen: ", stderr);
	fprintf(stderr, format, argument);
	fputs("\nTry 'kbgen help' for more information.\n", stderr);
	return EXIT_USAGE;
}

struct run_options {
	struct build_options build;
	bool json;		/* --format json */
	bool strict;		/* check --strict: warnings fail the check */
};

/* Reads build's and check's options into *run. Returns -1 to go on, or
 * the exit status to end with (--help, a usage error). */
static int parse_options(int argc, char **argv, bool check_only,
			 struct run_options *run)
{
	struct build_options *options = &run->build;

	for (int i = 1; i < argc; i++) {
		const char *argument = argv[i];
		if (strcmp(argument, "--drafts") == 0) {
			options->drafts = true;
		} else if (strcmp(argument, "--future") == 0) {
			options->future = true;
		} else if (strcmp(argument, "--expired") == 0) {
			options->expired = true;
		} else if (strcmp(argument, "--quiet") == 0) {
			options->quiet = true;
		} else if (strcmp(argument, "--excerpt") == 0) {
			diag_set_excerpts(DIAG_EXCERPTS_ALWAYS);
		} else if (strcmp(argument, "--no-excerpt") == 0) {
			diag_set_excerpts(DIAG_EXCERPTS_NEVER);
		} else if (strcmp(argument, "--clean") == 0 && !check_only) {
			options->clean = true;
		} else if (strcmp(argument, "--strict") == 0 && check_only) {
			run->strict = true;
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
				options->root = argv[++i];
			else if (strcmp(argument, "--out") == 0)
				options->out_dir = argv[++i];
			else if (strcmp(argv[++i], "json") == 0)
				run->json = true;
			else if (strcmp(argv[i], "text") != 0)
				return usage_error("unknown format '%s' (text or "
						   "json)", argv[i]);
		} else {
			return usage_error("unknown option '%s'", argument);
		}
	}
	return -1;
}

/* The closing line: after a failed build, or after any check that found
 * something. */
static void print_summary(const struct run_options *run,
			  enum build_status status)
{
	size_t errors = diag_error_count(), warnings = diag_warning_count();
	bool check_only = run->build.check_only;

	if (status == BUILD_SYSTEM_ERROR) {
		fprintf(stderr, "kbgen: the %s failed; %s\n",
			check_only ? "check" : "build",
			check_only ? "nothing written"
				   : "the output was left as it was");
		return;
	}
	if (run->build.quiet ||
	    !(status == BUILD_CONTENT_ERRORS || (check_only && warnings > 0)))
		return;
	fprintf(stderr, "kbgen: %zu error%s, %zu warning%s%s; %s\n", errors,
		errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
		run->strict && warnings > 0 ? " (--strict: warnings count as errors)" : "",
		check_only ? "nothing written" : "the output was left as it was");
}

static int run_build(int argc, char **argv, bool check_only)
{
	struct run_options run = {
		.build = {.root = ".", .out_dir = "out",
			  .check_only = check_only, .lint = check_only},
	};
	enum build_status status;
	int parsed = parse_options(argc, argv, check_only, &run);

	if (parsed >= 0)
		return parsed;
	diag_set_root(run.build.root);
	status = build_run(&run.build);
	if (status == BUILD_OK && run.strict && diag_warning_count() > 0)
		status = BUILD_CONTENT_ERRORS;
	if (run.json)
		diag_print_json(stdout);
	else
		diag_print(stderr);
	print_summary(&run, status);
	diag_clear();
	diag_set_root(NULL);
	return (int)status;
}

int main(int argc, char **argv)
{
	const char *command;
	int status;

	if (argc < 2)
		return usage_error("%s", "missing command");
	command = argv[1];
	/* Keep freed memory for reuse instead of giving it back: every
	 * article frees and grows again the FTS5 hash and libyaml's buffers,
	 * and pages handed back to the kernel fault in again (BENCHMARKS.md,
	 * page faults). */
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	xmlmem_init();
	if (strcmp(command, "build") == 0) {
		status = run_build(argc - 1, argv + 1, false);
	} else if (strcmp(command, "check") == 0) {
		status = run_build(argc - 1, argv + 1, true);
	} else if (strcmp(command, "search") == 0) {
		status = search_command(argc - 1, argv + 1);
	} else if (strcmp(command, "records") == 0) {
		status = records_command(argc - 1, argv + 1);
	} else if (strcmp(command, "report") == 0) {
		status = report_command(argc - 1, argv + 1);
	} else if (strcmp(command, "bounce") == 0) {
		status = bounce_command(argc - 1, argv + 1);
	} else if (strcmp(command, "watch") == 0) {
		status = watch_command(argc - 1, argv + 1);
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
