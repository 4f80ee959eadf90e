/*
 * report_cli.c — `kbgen report`: options, then the report as text, JSON
 * or a self-contained HTML page (every visitor's text through the
 * escaping writer).
 */
#include "main/report_cli.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"
#include "db/feedbackreport.h"
#include "html/htmlout.h"

#define DEFAULT_DB "out/kb.db"

static const char usage_line[] =
	"usage: kbgen report --feedback DB [--feedback DB]... [--db PATH] "
	"[--since YYYY-MM-DD] [--format text|json|html]\n";

static const char help_text[] =
	"Shows what visitors told the writers, from one or more feedback\n"
	"databases (one per server) merged as one: votes and comments per\n"
	"article and wizard outcome, searches that found nothing or whose\n"
	"results nobody opened, the outcomes walks reached and the steps\n"
	"where walks ended, and the articles nobody voted on.\n"
	"\n"
	"  --feedback DB   a feedback database (site.yaml's feedback.db); repeat\n"
	"                  for several servers' databases\n"
	"  --db PATH       kb.db, for titles and the articles without a vote\n"
	"                  (default " DEFAULT_DB ", skipped when missing)\n"
	"  --since DATE    only what came on or after DATE (YYYY-MM-DD, UTC)\n"
	"  --format F      text (default), json, or html (one self-contained page)\n"
	"  --help          print this help\n"
	"\n"
	"Exit status: 0, 1 when a database cannot be read, 2 on a usage error.\n";

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_HTML };

struct options {
	const char **feedback;
	size_t feedback_count;
	const char *db;
	bool db_given;
	time_t since;
	const char *since_text;
	enum format format;
};

/* YYYY-MM-DD as the UTC midnight it starts, or -1. */
static time_t parse_date(const char *text)
{
	struct tm day = {0};
	int year, month, mday;
	char end;

	if (strlen(text) != 10 ||
	    sscanf(text, "%4d-%2d-%2d%c", &year, &month, &mday, &end) != 3 ||
	    text[4] != '-' || text[7] != '-' || month < 1 || month > 12 ||
	    mday < 1 || mday > 31 || year < 1970)
		return -1;
	day.tm_year = year - 1900;
	day.tm_mon = month - 1;
	day.tm_mday = mday;
	{
		time_t at = timegm(&day);
		struct tm back;
		if (at == (time_t)-1 || gmtime_r(&at, &back) == NULL ||
		    back.tm_mday != mday)	/* 2026-02-30 */
			return -1;
		return at;
	}
}

static int usage_error(const char *message, const char *value)
{
	fprintf(stderr, "kbgen report: %s%s%s%s\n", message,
		value ? " '" : "", value ? value : "", value ? "'" : "");
	fputs(usage_line, stderr);
	return 2;
}

/* 0 to run, 1 after --help, 2 after a usage error (printed). */
static int parse(int argc, char **argv, struct options *options)
{
	memset(options, 0, sizeof *options);
	options->db = DEFAULT_DB;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		bool has_value = i + 1 < argc;

		if (strcmp(arg, "--help") == 0) {
			fputs(usage_line, stdout);
			fputs(help_text, stdout);
			return 1;
		}
		if (strcmp(arg, "--feedback") != 0 && strcmp(arg, "--db") != 0 &&
		    strcmp(arg, "--since") != 0 && strcmp(arg, "--format") != 0)
			return usage_error("unknown option", arg);
		if (!has_value)
			return usage_error("this option needs a value:", arg);
		if (strcmp(arg, "--feedback") == 0) {
			options->feedback = realloc(options->feedback,
						    (options->feedback_count + 1) *
							    sizeof *options->feedback);
			if (options->feedback == NULL)
				abort();
			options->feedback[options->feedback_count++] = argv[++i];
		} else if (strcmp(arg, "--db") == 0) {
			options->db = argv[++i];
			options->db_given = true;
		} else if (strcmp(arg, "--since") == 0) {
			options->since_text = argv[++i];
			options->since = parse_date(options->since_text);
			if (options->since < 0)
				return usage_error("--since needs a date YYYY-MM-DD, not",
						   options->since_text);
		} else {
			const char *value = argv[++i];
			if (strcmp(value, "text") == 0)
				options->format = FORMAT_TEXT;
			else if (strcmp(value, "json") == 0)
				options->format = FORMAT_JSON;
			else if (strcmp(value, "html") == 0)
				options->format = FORMAT_HTML;
			else
				return usage_error("--format is text, json or html, not",
						   value);
		}
	}
	if (options->feedback_count == 0)
		return usage_error("name at least one feedback database with "
				   "--feedback", NULL);
	return 0;
}

/* The share of はい in whole percent, rounded. */
static long share(const struct report_page *page)
{
	return page->votes ? (page->yes * 100 + page->votes / 2) / page->votes : 0;
}

/* ---- text ------------------------------------------------------------------ */

static void text_counts(struct buf *out, const char *heading,
			const struct report_count *counts, size_t count)
{
	buf_printf(out, "\n%s\n", heading);
	if (count == 0)
		buf_adds(out, "  (none)\n");
	for (size_t i = 0; i < count; i++)
		buf_printf(out, "  %6ld  %s%s%s%s\n", counts[i].count,
			   counts[i].name, counts[i].title ? "  (" : "",
			   counts[i].title ? counts[i].title : "",
			   counts[i].title ? ")" : "");
}

static void write_text(struct buf *out, const struct feedback_report *report,
		       const struct options *options)
{
	buf_printf(out, "Feedback report: %zu database%s%s%s; %ld votes, %ld "
		   "searches, %ld wizard steps\n", options->feedback_count,
		   options->feedback_count == 1 ? "" : "s",
		   options->since_text ? ", since " : "",
		   options->since_text ? options->since_text : "",
		   report->vote_total, report->search_total, report->step_total);
	buf_adds(out, "\nVotes (はい share, votes, page)\n");
	if (report->page_count == 0)
		buf_adds(out, "  (none)\n");
	for (size_t i = 0; i < report->page_count; i++) {
		const struct report_page *page = &report->pages[i];
		buf_printf(out, "  %3ld%% of %4ld  %s %s%s%s%s\n", share(page),
			   page->votes, page->kind, page->page,
			   page->title ? "  (" : "", page->title ? page->title : "",
			   page->title ? ")" : "");
		for (size_t k = 0; k < page->comment_count; k++)
			buf_printf(out, "      %s  %s\n", page->comments[k].date,
				   page->comments[k].text);
	}
	text_counts(out, "Searches that found nothing", report->not_found,
		    report->not_found_count);
	text_counts(out, "Searches whose results nobody opened",
		    report->unopened, report->unopened_count);
	for (size_t i = 0; i < report->tree_count; i++) {
		char *heading = xasprintf("Wizard %s: outcomes reached",
					  report->trees[i].tree);
		text_counts(out, heading, report->trees[i].reached,
			    report->trees[i].reached_count);
		free(heading);
		heading = xasprintf("Wizard %s: steps where walks ended",
				    report->trees[i].tree);
		text_counts(out, heading, report->trees[i].ended,
			    report->trees[i].ended_count);
		free(heading);
	}
	buf_adds(out, "\nArticles nobody voted on\n");
	if (report->unvoted_count == 0)
		buf_adds(out, "  (none)\n");
	for (size_t i = 0; i < report->unvoted_count; i++)
		buf_printf(out, "  %s  (%s)\n", report->unvoted[i].page,
			   report->unvoted[i].title ? report->unvoted[i].title : "");
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_text_or_null(struct buf *out, const char *text)
{
	if (text)
		json_add_text(out, text);
	else
		buf_adds(out, "null");
}

static void json_counts(struct buf *out, const struct report_count *counts,
			size_t count, const char *name_key)
{
	buf_adds(out, "[");
	for (size_t i = 0; i < count; i++) {
		buf_printf(out, "%s{\"%s\":", i ? "," : "", name_key);
		json_add_text(out, counts[i].name);
		if (strcmp(name_key, "node") == 0) {
			buf_adds(out, ",\"title\":");
			json_text_or_null(out, counts[i].title);
		}
		buf_printf(out, ",\"count\":%ld}", counts[i].count);
	}
	buf_adds(out, "]");
}

static void json_pages(struct buf *out, const struct report_page *pages,
		       size_t count, bool votes)
{
	buf_adds(out, "[");
	for (size_t i = 0; i < count; i++) {
		buf_adds(out, i ? ",{\"page\":" : "{\"page\":");
		json_add_text(out, pages[i].page);
		buf_adds(out, ",\"kind\":");
		json_add_text(out, pages[i].kind);
		buf_adds(out, ",\"title\":");
		json_text_or_null(out, pages[i].title);
		if (votes) {
			buf_printf(out, ",\"votes\":%ld,\"yes\":%ld,"
				   "\"share_yes\":%ld,\"comments\":[",
				   pages[i].votes, pages[i].yes, share(&pages[i]));
			for (size_t k = 0; k < pages[i].comment_count; k++) {
				buf_adds(out, k ? ",{\"date\":" : "{\"date\":");
				json_add_text(out, pages[i].comments[k].date);
				buf_adds(out, ",\"text\":");
				json_add_text(out, pages[i].comments[k].text);
				buf_adds(out, "}");
			}
			buf_adds(out, "]");
		}
		buf_adds(out, "}");
	}
	buf_adds(out, "]");
}

static void write_json(struct buf *out, const struct feedback_report *report,
		       const struct options *options)
{
	buf_printf(out, "{\"databases\":%zu,\"since\":", options->feedback_count);
	json_text_or_null(out, options->since_text);
	buf_printf(out, ",\"votes\":%ld,\"searches\":%ld,\"steps\":%ld,"
		   "\"pages\":", report->vote_total, report->search_total,
		   report->step_total);
	json_pages(out, report->pages, report->page_count, true);
	buf_adds(out, ",\"searches_not_found\":");
	json_counts(out, report->not_found, report->not_found_count, "query");
	buf_adds(out, ",\"searches_unopened\":");
	json_counts(out, report->unopened, report->unopened_count, "query");
	buf_adds(out, ",\"trees\":[");
	for (size_t i = 0; i < report->tree_count; i++) {
		buf_adds(out, i ? ",{\"tree\":" : "{\"tree\":");
		json_add_text(out, report->trees[i].tree);
		buf_adds(out, ",\"reached\":");
		json_counts(out, report->trees[i].reached,
			    report->trees[i].reached_count, "node");
		buf_adds(out, ",\"ended\":");
		json_counts(out, report->trees[i].ended,
			    report->trees[i].ended_count, "node");
		buf_adds(out, "}");
	}
	buf_adds(out, "],\"unvoted\":");
	json_pages(out, report->unvoted, report->unvoted_count, false);
	buf_adds(out, "}\n");
}

/* ---- HTML ------------------------------------------------------------------ */

static const char html_style[] =
	"body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
	"padding:0 1rem;color:#1f2328;line-height:1.6}"
	"table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
	"th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;"
	"vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"svg{display:block}.comment{color:#57606a;font-size:.9rem;margin:.2rem 0}"
	"caption{text-align:left;font-weight:600;margin:.5rem 0}";

/* A bar of value out of 100 (or of max), with its text for readers. */
static void html_bar(struct buf *out, long value, long max)
{
	long width = max > 0 ? value * 200 / max : 0;

	buf_printf(out, "<svg width=\"200\" height=\"12\" role=\"img\" "
		   "aria-label=\"%ld / %ld\"><rect width=\"200\" height=\"12\" "
		   "fill=\"#eaeef2\"/><rect width=\"%ld\" height=\"12\" "
		   "fill=\"#1a7f37\"/></svg>", value, max, width);
}

static void html_cell(struct buf *out, const char *text)
{
	buf_adds(out, "<td>");
	if (text)
		htmlout_text(out, text);
	buf_adds(out, "</td>");
}

static void html_counts(struct buf *out, const char *caption,
			const struct report_count *counts, size_t count)
{
	long max = 0;

	for (size_t i = 0; i < count; i++)
		if (counts[i].count > max)
			max = counts[i].count;
	buf_adds(out, "<table><caption>");
	htmlout_text(out, caption);
	buf_adds(out, "</caption>");
	if (count == 0)
		buf_adds(out, "<tr><td>(none)</td></tr>");
	for (size_t i = 0; i < count; i++) {
		buf_adds(out, "<tr>");
		html_cell(out, counts[i].name);
		html_cell(out, counts[i].title);
		buf_printf(out, "<td class=\"n\">%ld</td><td>", counts[i].count);
		html_bar(out, counts[i].count, max);
		buf_adds(out, "</td></tr>");
	}
	buf_adds(out, "</table>");
}

static void write_html(struct buf *out, const struct feedback_report *report,
		       const struct options *options)
{
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta "
		   "charset=\"utf-8\"><meta name=\"viewport\" content=\"width="
		   "device-width, initial-scale=1\"><title>Feedback report</title>"
		   "<style>%s</style></head><body><main><h1>Feedback report</h1>"
		   "<p>%zu database%s%s", html_style, options->feedback_count,
		   options->feedback_count == 1 ? "" : "s",
		   options->since_text ? ", since " : "");
	if (options->since_text)
		htmlout_text(out, options->since_text);
	buf_printf(out, ": %ld votes, %ld searches, %ld wizard steps.</p>",
		   report->vote_total, report->search_total, report->step_total);
	buf_adds(out, "<h2>Votes</h2><table><caption>Share of はい per page"
		 "</caption><tr><th>Page</th><th>Title</th><th>Votes</th>"
		 "<th>はい</th><th></th></tr>");
	for (size_t i = 0; i < report->page_count; i++) {
		const struct report_page *page = &report->pages[i];
		buf_adds(out, "<tr><td>");
		htmlout_text(out, page->page);
		buf_adds(out, " (");
		htmlout_text(out, page->kind);
		buf_adds(out, ")");
		for (size_t k = 0; k < page->comment_count; k++) {
			buf_adds(out, "<p class=\"comment\">");
			htmlout_text(out, page->comments[k].date);
			buf_adds(out, ": ");
			htmlout_text(out, page->comments[k].text);
			buf_adds(out, "</p>");
		}
		buf_adds(out, "</td>");
		html_cell(out, page->title);
		buf_printf(out, "<td class=\"n\">%ld</td><td class=\"n\">%ld%%"
			   "</td><td>", page->votes, share(page));
		html_bar(out, share(page), 100);
		buf_adds(out, "</td></tr>");
	}
	buf_adds(out, "</table><h2>Searches</h2>");
	html_counts(out, "Searches that found nothing", report->not_found,
		    report->not_found_count);
	html_counts(out, "Searches whose results nobody opened",
		    report->unopened, report->unopened_count);
	buf_adds(out, "<h2>Wizard walks</h2>");
	for (size_t i = 0; i < report->tree_count; i++) {
		char *caption = xasprintf("%s: outcomes reached",
					  report->trees[i].tree);
		html_counts(out, caption, report->trees[i].reached,
			    report->trees[i].reached_count);
		free(caption);
		caption = xasprintf("%s: steps where walks ended",
				    report->trees[i].tree);
		html_counts(out, caption, report->trees[i].ended,
			    report->trees[i].ended_count);
		free(caption);
	}
	buf_adds(out, "<h2>Articles nobody voted on</h2><ul>");
	for (size_t i = 0; i < report->unvoted_count; i++) {
		buf_adds(out, "<li>");
		htmlout_text(out, report->unvoted[i].page);
		buf_adds(out, " ");
		htmlout_text(out, report->unvoted[i].title ? report->unvoted[i].title
							   : "");
		buf_adds(out, "</li>");
	}
	buf_adds(out, "</ul></main></body></html>\n");
}

int report_command(int argc, char **argv)
{
	struct options options;
	struct feedback_report report;
	struct buf out = {0};
	char *problem = NULL;
	const char *db;
	int rc = parse(argc, argv, &options);

	if (rc != 0) {
		free(options.feedback);
		return rc == 1 ? 0 : 2;
	}
	db = options.db_given || access(options.db, F_OK) == 0 ? options.db : NULL;
	if (feedback_report_load(options.feedback, options.feedback_count, db,
				 options.since, time(NULL), &report,
				 &problem) != 0) {
		fprintf(stderr, "kbgen report: %s\n", problem);
		free(problem);
		free(options.feedback);
		return 1;
	}
	if (options.format == FORMAT_JSON)
		write_json(&out, &report, &options);
	else if (options.format == FORMAT_HTML)
		write_html(&out, &report, &options);
	else
		write_text(&out, &report, &options);
	fwrite(out.data, 1, out.length, stdout);
	rc = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
	buf_free(&out);
	feedback_report_free(&report);
	free(options.feedback);
	return rc;
}
