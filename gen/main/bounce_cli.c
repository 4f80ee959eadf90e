/*
 * bounce_cli.c — `kbgen bounce`: options, the input, the rules from
 * kb.db, text and JSON output.
 */
#include "main/bounce_cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/util.h"
#include "content/bounce.h"
#include "db/bouncestore.h"

#define DEFAULT_DB "out/kb.db"

static const char usage_line[] =
	"usage: kbgen bounce [--db PATH] [--json] [FILE|-]\n";

static const char help_text[] =
	"Reads a bounce (a whole returned message, a diagnostic line such as\n"
	"\"550 5.1.1 <a@example.jp>: User unknown\", or rows of the error\n"
	"report's CSV) and says, per recipient, the error type, the reason,\n"
	"hard or soft, the receiver, the codes, and where to read on.\n"
	"\n"
	"  --db PATH   the built index holding the rules (default " DEFAULT_DB ")\n"
	"  --json      print {\"results\": [...]} (README.md, \"The bounce analyzer\")\n"
	"  --help      print this help\n"
	"\n"
	"Exit status: 0 classified, 1 no bounce in the text, 2 usage or system\n"
	"error.\n";

static void complain(const char *format, ...) __attribute__((format(printf, 1, 2)));
static void complain(const char *format, ...)
{
	va_list args;

	fputs("kbgen bounce: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
}

struct options {
	const char *db_path;
	const char *file;	/* NULL or "-": standard input */
	bool json;
};

/* 0 run, 1 help printed, 2 usage error (complained). */
static int parse_arguments(int argc, char **argv, struct options *options)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0) {
			if (i + 1 >= argc) {
				complain("--db needs a path");
				return 2;
			}
			options->db_path = argv[++i];
		} else if (strcmp(argv[i], "--json") == 0) {
			options->json = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return 1;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			complain("unknown option '%s'", argv[i]);
			return 2;
		} else if (options->file != NULL) {
			complain("one file at most");
			return 2;
		} else {
			options->file = argv[i];
		}
	}
	return 0;
}

/* Reads at most BOUNCE_MAX_INPUT bytes of stream; 0, or -1. */
static int read_input(FILE *stream, struct buf *out)
{
	char chunk[8192];
	size_t n;

	while (out->length < BOUNCE_MAX_INPUT &&
	       (n = fread(chunk, 1, sizeof chunk, stream)) > 0)
		buf_add(out, chunk, n);
	if (ferror(stream))
		return -1;
	if (out->length > BOUNCE_MAX_INPUT)
		out->length = BOUNCE_MAX_INPUT;
	return 0;
}

/* The theme table's value for key ("" when unset). The caller frees. */
static char *site_value(sqlite3 *db, const char *key)
{
	sqlite3_stmt *statement = NULL;
	char *value = NULL;

	if (sqlite3_prepare_v2(db, "SELECT value FROM theme WHERE key = ?1", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		value = xstrdup((const char *)sqlite3_column_text(statement, 0));
	sqlite3_finalize(statement);
	return value ? value : xstrdup("");
}

static void print_text(const struct bounce_rules *rules,
		       const struct bounce_report *report, const char *cgi_base,
		       const char *static_base)
{
	for (size_t i = 0; i < report->count; i++) {
		const struct bounce_result *result = &report->results[i];
		const struct bounce_reason_info *info = &rules->reasons[result->reason];
		char *wizard = bounce_wizard_url(rules, result, cgi_base, static_base);

		if (i)
			putchar('\n');
		printf("%s\n", result->recipient ? result->recipient : "(宛先不明)");
		printf("  種別: %s (%s)\n", rules->class_names[result->class_],
		       bounce_class_id(result->class_));
		printf("  理由: %s (%s)\n", info->title, bounce_reason_id(result->reason));
		printf("  %s\n", result->hard ? rules->hard_note : rules->soft_note);
		if (result->receiver)
			printf("  受信側: %s\n", result->receiver);
		if (result->status[0] || result->reply) {
			printf("  コード:");
			if (result->reply)
				printf(" %d", result->reply);
			if (result->status[0])
				printf(" %s", result->status);
			putchar('\n');
		}
		if (result->diagnostic) {
			const char *d = result->diagnostic;
			if (result->marked)
				printf("  応答: %.*s[%.*s]%s\n", (int)result->mark_start, d,
				       (int)(result->mark_end - result->mark_start),
				       d + result->mark_start, d + result->mark_end);
			else
				printf("  応答: %s\n", d);
		}
		printf("  説明: %s\n", info->explanation);
		if (info->article_url)
			printf("  記事: %s\n", info->article_url);
		if (wizard)
			printf("  診断: %s\n", wizard);
		free(wizard);
	}
}

static int analyze(sqlite3 *db, const struct options *options, const struct buf *input)
{
	struct bounce_rules rules;
	struct bounce_report report = {0};
	int rc = bouncestore_load(db, &rules);
	char *cgi_url = NULL, *base_path = NULL;
	int status = 2;

	if (rc != BOUNCESTORE_OK) {
		complain("%s: %s", options->db_path,
			 rc == BOUNCESTORE_DATABASE ? sqlite3_errmsg(db)
						    : bouncestore_strerror(rc));
		goto out;
	}
	cgi_url = site_value(db, "cgi_url");
	base_path = site_value(db, "base_path");
	{
		size_t n = strlen(base_path);
		if (n > 0 && base_path[n - 1] == '/')
			base_path[n - 1] = '\0';
	}
	bounce_analyze(&rules, buf_cstr(input), input->length, &report);
	if (options->json) {
		struct buf json = {0};
		bounce_report_json(&rules, &report, *cgi_url ? cgi_url : NULL,
				   base_path, &json);
		buf_addc(&json, '\n');
		fwrite(json.data, 1, json.length, stdout);
		buf_free(&json);
	} else if (report.count > 0) {
		print_text(&rules, &report, *cgi_url ? cgi_url : NULL, base_path);
	}
	if (report.count == 0)
		complain("no bounce found in the text");
	status = report.count > 0 ? 0 : 1;
out:
	bounce_report_free(&report);
	bounce_rules_free(&rules);
	free(cgi_url);
	free(base_path);
	return status;
}

int bounce_command(int argc, char **argv)
{
	struct options options = {DEFAULT_DB, NULL, false};
	struct buf input = {0};
	sqlite3 *db = NULL;
	FILE *stream = stdin;
	int status;

	status = parse_arguments(argc, argv, &options);
	if (status == 1) {
		fputs(usage_line, stdout);
		fputs(help_text, stdout);
		return 0;
	}
	if (status == 2) {
		fputs(usage_line, stderr);
		return 2;
	}
	status = 2;
	if (options.file != NULL && strcmp(options.file, "-") != 0) {
		stream = fopen(options.file, "rb");
		if (stream == NULL) {
			complain("cannot read %s: %s", options.file, strerror(errno));
			goto out;
		}
	}
	if (read_input(stream, &input) != 0) {
		complain("cannot read %s", options.file ? options.file : "standard input");
		goto out;
	}
	if (sqlite3_open_v2(options.db_path, &db, SQLITE_OPEN_READONLY |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		complain("cannot open %s: %s", options.db_path,
			 db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	status = analyze(db, &options, &input);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		complain("cannot write the results");
		status = 2;
	}
out:
	if (stream != NULL && stream != stdin)
		fclose(stream);
	sqlite3_close(db);
	buf_free(&input);
	return status;
}
