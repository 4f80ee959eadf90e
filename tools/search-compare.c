/*
 * search-compare.c — measures the kb tokenizer against FTS5's built-in
 * trigram tokenizer on the same rows, in one run: index build time and
 * file size, the share of 2-character queries each answers, query latency
 * (p50/p99), and whether full- and half-width input finds anything.
 * A measuring tool, not a test; figures depend on the machine and its load.
 *
 *   make build/lib/db.a build/lib/base.a
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Igen tools/search-compare.c \
 *      build/lib/db.a build/lib/base.a \
 *      $(pkg-config --libs sqlite3 libutf8proc) -o build/search-compare
 *   python3 ../shared/bench/make-corpus.py --articles 10000 --out /tmp/kb10k
 *   build/search-compare /tmp/kb10k/content /tmp/compare
 *
 * Rows are made the way the generator makes them, roughly: one per article
 * intro and one per `##` section, title and tags from the front matter,
 * the Markdown text as the body (no Markdown parsing: the tokenizers see
 * the same bytes either way). Queries are substrings drawn from the bodies
 * with a fixed seed, so every one of them has an answer.
 */
#include <ftw.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "db/search.h"
#include "base/util.h"

#define QUERIES 200
#define BUILDS 3

struct row {
	char *url, *anchor, *title, *heading, *tags, *body;
};

struct corpus {
	struct row *rows;
	size_t count, capacity;
	size_t articles;
};

static char **markdown_paths;
static size_t markdown_count, markdown_capacity;

static int remember_markdown(const char *path, const struct stat *status,
			     int type, struct FTW *walk)
{
	size_t length = strlen(path);

	(void)status;
	(void)walk;
	if (type == FTW_F && length > 3 && strcmp(path + length - 3, ".md") == 0 &&
	    strstr(path, "_index.md") == NULL) {
		markdown_paths = xgrow(markdown_paths, &markdown_capacity,
				       markdown_count + 1, sizeof *markdown_paths);
		markdown_paths[markdown_count++] = xstrdup(path);
	}
	return 0;
}

static double clock_seconds(clockid_t clock)
{
	struct timespec time;

	clock_gettime(clock, &time);
	return (double)time.tv_sec + (double)time.tv_nsec / 1e9;
}

/* Wall time, and this process's CPU time, which a loaded machine skews
 * less. */
struct timing {
	double wall, cpu;
};

static struct timing now(void)
{
	struct timing timing = {clock_seconds(CLOCK_MONOTONIC),
				clock_seconds(CLOCK_PROCESS_CPUTIME_ID)};

	return timing;
}

static struct timing since(struct timing start)
{
	struct timing end = now();

	end.wall -= start.wall;
	end.cpu -= start.cpu;
	return end;
}

/* The value of "key: value" in front matter, quotes and brackets removed,
 * commas turned into spaces; the caller frees; NULL when absent. */
static char *front_matter_value(const char *front, const char *key)
{
	size_t key_length = strlen(key);
	const char *line = front;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t length = end ? (size_t)(end - line) : strlen(line);

		if (length > key_length + 1 && strncmp(line, key, key_length) == 0 &&
		    line[key_length] == ':') {
			struct buf value = {0};
			size_t i;

			for (i = key_length + 1; i < length; i++) {
				char c = line[i];

				if (c == '"' || c == '[' || c == ']')
					continue;
				buf_addc(&value, c == ',' ? ' ' : c);
			}
			return buf_detach(&value);
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

static void add_row(struct corpus *corpus, const char *url, size_t section,
		    const char *title, const char *heading, const char *tags,
		    const char *body, size_t body_length)
{
	struct row *row;

	corpus->rows = xgrow(corpus->rows, &corpus->capacity, corpus->count + 1,
			     sizeof *corpus->rows);
	row = &corpus->rows[corpus->count++];
	row->url = xstrdup(url);
	row->anchor = section ? xasprintf("section-%zu", section) : NULL;
	row->title = xstrdup(title ? title : "");
	row->heading = heading ? xstrdup(heading) : NULL;
	row->tags = tags ? xstrdup(tags) : NULL;
	row->body = xstrndup(body, body_length);
}

/* Splits one article into rows at its `## ` lines. */
static void add_article(struct corpus *corpus, const char *path,
			const char *text)
{
	const char *front_end = strstr(text + 3, "\n---");
	const char *body = front_end ? strchr(front_end + 1, '\n') : text;
	char *front = front_end ? xstrndup(text, (size_t)(front_end - text)) : xstrdup("");
	char *title = front_matter_value(front, "title");
	char *tags = front_matter_value(front, "tags");
	char *url = xasprintf("/%s/", path);
	char *heading = NULL;
	const char *section_start = body ? body : text;
	size_t section = 0;

	while (section_start) {
		const char *next = strstr(section_start, "\n## ");
		const char *end = next ? next : section_start + strlen(section_start);

		add_row(corpus, url, section, title, heading, tags, section_start,
			(size_t)(end - section_start));
		free(heading);
		heading = NULL;
		if (next) {
			const char *line_end = strchr(next + 4, '\n');

			heading = line_end ? xstrndup(next + 4, (size_t)(line_end - next - 4))
					   : xstrdup(next + 4);
			section++;
			next = line_end;
		}
		section_start = next;
	}
	corpus->articles++;
	free(front);
	free(title);
	free(tags);
	free(url);
	free(heading);
}

static int load_corpus(const char *content, struct corpus *corpus)
{
	size_t i;

	if (nftw(content, remember_markdown, 16, FTW_PHYS) != 0)
		return -1;
	qsort(markdown_paths, markdown_count, sizeof *markdown_paths,
	      compare_strings);
	for (i = 0; i < markdown_count; i++) {
		char *text;
		size_t length;

		if (read_file(markdown_paths[i], 1 << 24, &text, &length) != 0)
			return -1;
		add_article(corpus, markdown_paths[i] + strlen(content), text);
		free(text);
	}
	return 0;
}

static long long file_size(const char *path)
{
	struct stat status;

	return stat(path, &status) == 0 ? (long long)status.st_size : -1;
}

static sqlite3 *create_database(const char *path)
{
	sqlite3 *db = NULL;

	remove(path);
	if (sqlite3_open(path, &db) != SQLITE_OK) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	return db;
}

static void exec_or_die(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(db));
		exit(1);
	}
}

/* Builds the kb index through the search module, as the generator does. */
static struct timing build_kb(const struct corpus *corpus, const char *path)
{
	sqlite3 *db = create_database(path);
	struct timing start = now();
	size_t i;

	exec_or_die(db, "BEGIN");
	if (search_schema_create(db) != SEARCH_OK)
		exit(1);
	for (i = 0; i < corpus->count; i++) {
		const struct row *row = &corpus->rows[i];
		struct search_row search_row = {row->url, row->anchor, "article",
						row->title, row->heading,
						row->tags, row->body};

		if (search_add_row(db, &search_row) != SEARCH_OK) {
			fprintf(stderr, "row %zu: %s\n", i, sqlite3_errmsg(db));
			exit(1);
		}
	}
	exec_or_die(db, "COMMIT");
	sqlite3_close(db);
	return since(start);
}

/* Builds the same table with tokenize='trigram', the statement prepared
 * per row as search_add_row does, so the two builds differ only in the
 * tokenizer. */
static struct timing build_trigram(const struct corpus *corpus,
				   const char *path)
{
	sqlite3 *db = create_database(path);
	struct timing start = now();
	size_t i;

	exec_or_die(db, "BEGIN");
	exec_or_die(db, "CREATE VIRTUAL TABLE search USING fts5(title, heading, "
			"tags, body, url UNINDEXED, anchor UNINDEXED, "
			"kind UNINDEXED, tokenize = 'trigram')");
	for (i = 0; i < corpus->count; i++) {
		const struct row *row = &corpus->rows[i];
		sqlite3_stmt *statement = NULL;

		sqlite3_prepare_v2(db, "INSERT INTO search VALUES(?1, ?2, ?3, ?4, "
				       "?5, ?6, 'article')", -1, &statement, NULL);
		sqlite3_bind_text(statement, 1, row->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(statement, 2, row->heading, -1, SQLITE_STATIC);
		sqlite3_bind_text(statement, 3, row->tags, -1, SQLITE_STATIC);
		sqlite3_bind_text(statement, 4, row->body, -1, SQLITE_STATIC);
		sqlite3_bind_text(statement, 5, row->url, -1, SQLITE_STATIC);
		sqlite3_bind_text(statement, 6, row->anchor, -1, SQLITE_STATIC);
		if (sqlite3_step(statement) != SQLITE_DONE) {
			fprintf(stderr, "row %zu: %s\n", i, sqlite3_errmsg(db));
			exit(1);
		}
		sqlite3_finalize(statement);
	}
	exec_or_die(db, "COMMIT");
	sqlite3_close(db);
	return since(start);
}

static uint64_t random_state = 0x9E3779B97F4A7C15u;

static uint64_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state;
}

static bool is_cjk_at(const char *text)
{
	const unsigned char *bytes = (const unsigned char *)text;
	unsigned code_point;

	if (bytes[0] < 0xE3 || bytes[0] > 0xE9 || (bytes[1] & 0xC0) != 0x80 ||
	    (bytes[2] & 0xC0) != 0x80)
		return false;
	code_point = ((bytes[0] & 0x0Fu) << 12) | ((bytes[1] & 0x3Fu) << 6) |
		     (bytes[2] & 0x3Fu);
	return (code_point >= 0x3041 && code_point <= 0x30FF &&
		code_point != 0x30FB) ||
	       (code_point >= 0x4E00 && code_point <= 0x9FFF);
}

/* A random run of `characters` CJK characters from some body; the caller
 * frees. */
static char *draw_query(const struct corpus *corpus, size_t characters)
{
	for (;;) {
		const struct row *row = &corpus->rows[next_random() % corpus->count];
		size_t length = strlen(row->body), at, i;

		if (length < 3 * characters)
			continue;
		at = next_random() % (length - 3 * characters + 1);
		while (at > 0 && ((unsigned char)row->body[at] & 0xC0) == 0x80)
			at--;
		for (i = 0; i < characters && is_cjk_at(row->body + at + 3 * i); i++)
			;
		if (i == characters)
			return xstrndup(row->body + at, 3 * characters);
	}
}

static int compare_doubles(const void *left, const void *right)
{
	double a = *(const double *)left, b = *(const double *)right;

	return (a > b) - (a < b);
}

/* Rows a trigram MATCH of the quoted text finds (-1 on an SQL error). */
static long long trigram_count(sqlite3 *db, const char *text)
{
	sqlite3_stmt *statement = NULL;
	char *phrase = xasprintf("\"%s\"", text);
	long long count = -1;

	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM search WHERE search "
				   "MATCH ?1", -1, &statement, NULL) == SQLITE_OK) {
		sqlite3_bind_text(statement, 1, phrase, -1, SQLITE_STATIC);
		if (sqlite3_step(statement) == SQLITE_ROW)
			count = sqlite3_column_int64(statement, 0);
	}
	sqlite3_finalize(statement);
	free(phrase);
	return count;
}

/* One search as a results page needs it with trigram: the count, then
 * the best 10 with snippets. */
static void trigram_page(sqlite3 *db, const char *text)
{
	sqlite3_stmt *statement = NULL;
	char *phrase = xasprintf("\"%s\"", text);

	trigram_count(db, text);
	if (sqlite3_prepare_v2(db, "SELECT url, anchor, title, heading, "
				   "snippet(search, -1, '<mark>', '</mark>', "
				   "'…', 32) FROM search WHERE search MATCH ?1 "
				   "ORDER BY bm25(search, " SEARCH_BM25_WEIGHTS
				   ") LIMIT 10", -1, &statement, NULL) == SQLITE_OK) {
		sqlite3_bind_text(statement, 1, phrase, -1, SQLITE_STATIC);
		while (sqlite3_step(statement) == SQLITE_ROW)
			;
	}
	sqlite3_finalize(statement);
	free(phrase);
}

static size_t kb_total(sqlite3 *db, const char *text)
{
	struct search_results results;
	size_t total;

	search_run(db, text, strlen(text), 0, 0, &results);
	total = results.total;
	search_results_free(&results);
	return total;
}

static void kb_page(sqlite3 *db, const char *text)
{
	struct search_results results;

	search_run(db, text, strlen(text), 10, 0, &results);
	search_results_free(&results);
}

static void report_answered(sqlite3 *kb, sqlite3 *trigram,
			    const struct corpus *corpus)
{
	size_t kb_answers = 0, trigram_answers = 0, trigram_errors = 0, i;

	for (i = 0; i < QUERIES; i++) {
		char *query = draw_query(corpus, 2);
		long long count = trigram_count(trigram, query);

		kb_answers += kb_total(kb, query) > 0;
		trigram_answers += count > 0;
		trigram_errors += count < 0;
		free(query);
	}
	printf("2-character queries answered (%d drawn from bodies):\n"
	       "  kb       %zu/%d (%.0f%%)\n  trigram  %zu/%d (%.0f%%), "
	       "%zu SQL errors\n",
	       QUERIES, kb_answers, QUERIES, 100.0 * (double)kb_answers / QUERIES,
	       trigram_answers, QUERIES,
	       100.0 * (double)trigram_answers / QUERIES, trigram_errors);
}

/* Sorts the wall and CPU times apart and prints p50 and p99 of each. */
static void print_percentiles(const char *name, struct timing *times,
			      size_t count)
{
	double *wall = xcalloc(count, sizeof *wall);
	double *cpu = xcalloc(count, sizeof *cpu);
	size_t i;

	for (i = 0; i < count; i++) {
		wall[i] = times[i].wall;
		cpu[i] = times[i].cpu;
	}
	qsort(wall, count, sizeof *wall, compare_doubles);
	qsort(cpu, count, sizeof *cpu, compare_doubles);
	printf("  %-8s p50 %7.2f ms  p99 %7.2f ms   (CPU p50 %7.2f ms  "
	       "p99 %7.2f ms)\n",
	       name, wall[count / 2 - 1] * 1e3, wall[count * 99 / 100 - 1] * 1e3,
	       cpu[count / 2 - 1] * 1e3, cpu[count * 99 / 100 - 1] * 1e3);
	free(wall);
	free(cpu);
}

static void report_latency(sqlite3 *kb, sqlite3 *trigram,
			   const struct corpus *corpus, size_t characters)
{
	struct timing kb_times[100], trigram_times[100];
	size_t i;

	for (i = 0; i < 100; i++) {
		char *query = draw_query(corpus, characters);
		struct timing start = now();

		kb_page(kb, query);
		kb_times[i] = since(start);
		start = now();
		trigram_page(trigram, query);
		trigram_times[i] = since(start);
		free(query);
	}
	printf("latency, 100 queries of %zu CJK characters (count + top 10 with "
	       "snippets):\n", characters);
	print_percentiles("kb", kb_times, 100);
	print_percentiles("trigram", trigram_times, 100);
}

static void report_widths(sqlite3 *kb, sqlite3 *trigram)
{
	static const char *const queries[] = {"SPF", "ＳＰＦ", "spf", "メール",
					      "ﾒｰﾙ", "エラー", "ｴﾗｰ"};
	size_t i;

	printf("rows found (kb / trigram):\n");
	for (i = 0; i < sizeof queries / sizeof queries[0]; i++)
		printf("  %-8s %zu / %lld\n", queries[i], kb_total(kb, queries[i]),
		       trigram_count(trigram, queries[i]));
}

static void report_build(const char *name, const struct timing *builds,
			 const char *path)
{
	double wall[BUILDS], cpu[BUILDS];
	size_t i;

	for (i = 0; i < BUILDS; i++) {
		wall[i] = builds[i].wall;
		cpu[i] = builds[i].cpu;
	}
	qsort(wall, BUILDS, sizeof wall[0], compare_doubles);
	qsort(cpu, BUILDS, sizeof cpu[0], compare_doubles);
	printf("  %-8s median %6.2f s wall, %6.2f s CPU (fastest %.2f s wall)"
	       "  %.1f MB\n",
	       name, wall[BUILDS / 2], cpu[BUILDS / 2], wall[0],
	       (double)file_size(path) / 1e6);
}

int main(int argc, char **argv)
{
	struct corpus corpus = {0};
	char *kb_path, *trigram_path;
	sqlite3 *kb = NULL, *trigram = NULL;
	struct timing kb_builds[BUILDS], trigram_builds[BUILDS];
	size_t i;

	if (argc != 3) {
		fprintf(stderr, "usage: search-compare CONTENT_DIR WORK_DIR\n");
		return 2;
	}
	if (load_corpus(argv[1], &corpus) != 0 || make_dirs(argv[2]) != 0) {
		perror(argv[1]);
		return 1;
	}
	kb_path = path_join(argv[2], "kb.db");
	trigram_path = path_join(argv[2], "trigram.db");
	printf("corpus: %zu articles, %zu rows\n", corpus.articles, corpus.count);
	for (i = 0; i < BUILDS; i++) { /* alternated, so load hits both */
		kb_builds[i] = build_kb(&corpus, kb_path);
		trigram_builds[i] = build_trigram(&corpus, trigram_path);
	}
	printf("index build, %d runs each, alternated:\n", BUILDS);
	report_build("kb", kb_builds, kb_path);
	report_build("trigram", trigram_builds, trigram_path);
	sqlite3_open_v2(kb_path, &kb, SQLITE_OPEN_READONLY, NULL);
	sqlite3_open_v2(trigram_path, &trigram, SQLITE_OPEN_READONLY, NULL);
	report_answered(kb, trigram, &corpus);
	report_latency(kb, trigram, &corpus, 2);
	report_latency(kb, trigram, &corpus, 4);
	report_widths(kb, trigram);
	sqlite3_close(kb);
	sqlite3_close(trigram);
	return 0;
}
