/*
 * bench-search.c — search latency for `make bench`: the queries of a file
 * (one a line) through the query module, search_run, as `kbgen search`
 * and kb.cgi call it (the best 10 with snippets, and the total), and,
 * when a kb.cgi is given, through kb.cgi end to end: one CGI process per
 * query, spawned with a CGI/1.1 environment, its whole response read from
 * a pipe. A measuring tool, not a test: it prints raw times and leaves the
 * percentiles to tools/bench.py.
 *
 *   bench-search KB_DB QUERIES [KB_CGI]
 *
 * Both passes run every query once untimed first (page cache, the
 * tokenizer's registration, the CGI binary's pages), then once timed.
 * Output, one line each:
 *   sqlite VERSION
 *   search INDEX MILLISECONDS TOTAL      (TOTAL: articles and nodes matching)
 *   cgi INDEX MILLISECONDS STATUS        (STATUS: the response's Status)
 * Exit status: 0 when every query ran, 1 otherwise, 2 on usage errors.
 *
 * Built by tools/bench.sh against the project's objects:
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Igen tools/bench-search.c \
 *      build/obj/search.o build/obj/tokenizer.o build/obj/util.o \
 *      $(pkg-config --libs sqlite3 libutf8proc) -o build/bench-search
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/search.h"
#include "base/util.h"

extern char **environ;

static double now_ms(void)
{
	struct timespec time;

	clock_gettime(CLOCK_MONOTONIC, &time);
	return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
}

/* The lines of path, without their newlines; empty lines skipped. */
static char **read_lines(const char *path, size_t *count)
{
	char *text, *line, *save = NULL;
	size_t length, capacity = 0;
	char **lines = NULL;

	*count = 0;
	if (read_file(path, 1 << 24, &text, &length) != 0)
		return NULL;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		lines = xgrow(lines, &capacity, *count + 1, sizeof *lines);
		lines[(*count)++] = xstrdup(line);
	}
	free(text);
	return lines;
}

/* One page of results, as kbgen search and kb.cgi ask for it; the total
 * number of matching articles and nodes, or -1 when the query failed. */
static long long search_page(sqlite3 *db, const char *query)
{
	struct search_results results;
	int status = search_run(db, query, strlen(query), 10, 0, &results);
	long long total = status == SEARCH_OK ? (long long)results.total : -1;

	if (status != SEARCH_OK)
		fprintf(stderr, "bench-search: %s: %s\n", query,
			search_strerror(status));
	search_results_free(&results);
	return total;
}

static int run_module(const char *database, char **queries, size_t count)
{
	sqlite3 *db = NULL;
	size_t i;
	int failed = 0;

	if (sqlite3_open_v2(database, &db,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "bench-search: cannot open %s: %s\n", database,
			db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return 1;
	}
	/* as kb.cgi sets its connection up: a FastCGI worker keeps its
	 * statements from one query to the next */
	if (search_reader_setup(db) != SEARCH_OK ||
	    search_keep_statements(db) != SEARCH_OK) {
		fprintf(stderr, "bench-search: %s: %s\n", database,
			sqlite3_errmsg(db));
		sqlite3_close(db);
		return 1;
	}
	for (i = 0; i < count; i++) /* warm-up */
		failed |= search_page(db, queries[i]) < 0;
	for (i = 0; i < count; i++) {
		double start = now_ms();
		long long total = search_page(db, queries[i]);
		double elapsed = now_ms() - start;

		printf("search %zu %.4f %lld\n", i, elapsed, total);
	}
	search_release_statements(db);
	sqlite3_close(db);
	return failed;
}

/* q=<query>, percent-encoded; the caller frees. */
static char *query_string(const char *query)
{
	static const char hex[] = "0123456789ABCDEF";
	struct buf out = {0};
	const unsigned char *c;

	buf_adds(&out, "q=");
	for (c = (const unsigned char *)query; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
			buf_addc(&out, (char)*c);
		} else {
			buf_addc(&out, '%');
			buf_addc(&out, hex[*c >> 4]);
			buf_addc(&out, hex[*c & 15]);
		}
	}
	return buf_detach(&out);
}

/* Runs kb.cgi once for query; its Status (0 when there was none), or -1
 * when it could not be run or did not exit 0. */
static int cgi_request(const char *cgi, const char *database,
		       const char *query)
{
	char *query_env = query_string(query);
	char *variables[] = {
		"GATEWAY_INTERFACE=CGI/1.1",
		"REQUEST_METHOD=GET",
		"SCRIPT_NAME=/cgi-bin/kb.cgi",
		"PATH_INFO=/search",
		"SERVER_NAME=127.0.0.1",
		"SERVER_PORT=8080",
		"SERVER_PROTOCOL=HTTP/1.1",
		"REMOTE_ADDR=127.0.0.1",
		xasprintf("QUERY_STRING=%s", query_env),
		xasprintf("KB_DB=%s", database),
		NULL,
	};
	char *argv[] = {(char *)cgi, NULL};
	posix_spawn_file_actions_t actions;
	struct buf response = {0};
	int pipe_ends[2], status = -1, wait_status;
	pid_t pid;
	char chunk[65536];
	ssize_t got;

	if (pipe(pipe_ends) != 0) {
		perror("bench-search: pipe");
		goto done;
	}
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
	posix_spawn_file_actions_addclose(&actions, pipe_ends[1]);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	errno = posix_spawn(&pid, cgi, &actions, NULL, argv, variables);
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_ends[1]);
	if (errno != 0) {
		fprintf(stderr, "bench-search: cannot run %s: %s\n", cgi,
			strerror(errno));
		close(pipe_ends[0]);
		goto done;
	}
	while ((got = read(pipe_ends[0], chunk, sizeof chunk)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		buf_add(&response, chunk, (size_t)got);
	}
	close(pipe_ends[0]);
	while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0) {
		const char *text = buf_cstr(&response);

		status = strncmp(text, "Status: ", 8) == 0 ? atoi(text + 8) : 0;
	}
done:
	buf_free(&response);
	free(variables[8]);
	free(variables[9]);
	free(query_env);
	return status;
}

static int run_cgi(const char *cgi, const char *database, char **queries,
		   size_t count)
{
	size_t i;
	int failed = 0;

	for (i = 0; i < count; i++) /* warm-up */
		failed |= cgi_request(cgi, database, queries[i]) != 200;
	for (i = 0; i < count; i++) {
		double start = now_ms();
		int status = cgi_request(cgi, database, queries[i]);
		double elapsed = now_ms() - start;

		printf("cgi %zu %.4f %d\n", i, elapsed, status);
	}
	return failed;
}

int main(int argc, char **argv)
{
	char **queries;
	size_t count;
	int failed;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: bench-search KB_DB QUERIES [KB_CGI]\n");
		return 2;
	}
	queries = read_lines(argv[2], &count);
	if (queries == NULL || count == 0) {
		fprintf(stderr, "bench-search: no queries in %s\n", argv[2]);
		return 2;
	}
	printf("sqlite %s\n", sqlite3_libversion());
	failed = run_module(argv[1], queries, count);
	if (argc == 4)
		failed |= run_cgi(argv[3], argv[1], queries, count);
	for (size_t i = 0; i < count; i++)
		free(queries[i]);
	free(queries);
	return failed ? 1 : 0;
}
