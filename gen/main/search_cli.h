/*
 * search_cli.h — `kbgen search`: query the built index from the command
 * line.
 *
 *   kbgen search [--db out/kb.db] [--limit N] [--json] [--exact] [--]
 *                QUERY...
 *
 * The words of QUERY are joined with spaces and searched as search_run
 * does (see search.h); `--` ends the options, for a query that starts with
 * a minus; --exact searches the words as typed, never corrected. The index
 * is opened read-only. Results are articles and nodes (search.h): text
 * output gives, per result, the URL (with the best row's #anchor), then the
 * title and heading, then the snippet, then each section indented (url#
 * anchor, heading, snippet), after a first line naming the corrected
 * query when there is one; --json prints one object {"query",
 * "corrected" (string or null), "total", "results": [{"url" (no anchor),
 * "kind", "anchor", "title", "heading", "snippet_html", "rank",
 * "sections": [{"url" (with #anchor), "anchor", "heading",
 * "snippet_html", "rank"}]}]}, its strings
 * written by base/json.h; snippet_html is the snippet's text escaped by
 * htmlout_text, each highlight inside <mark>…</mark>.
 */
#ifndef KB_SEARCH_CLI_H
#define KB_SEARCH_CLI_H

/* Runs `kbgen search`; argv[0] is "search". Prints results on stdout and
 * problems on stderr, one line each, starting "kbgen search: ". Returns
 * the exit status: 0 with results, 1 with none or when the query is too
 * broad (over SEARCH_BUDGET_MS), 2 on a usage error (bad
 * option, --limit outside 1..1000, no query, query too long) or when the
 * index cannot be read. */
int search_command(int argc, char **argv);

#endif
