/*
 * gitinfo.c — content files' last commit dates, read from git (see
 * gitinfo.h).
 */
#include "content/gitinfo.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/util.h"

extern char **environ;

struct git_dates {
	char **sources, **dates;	/* sorted by source */
	size_t count;
};

/* git's output is read to its end, up to this much. */
#define GIT_OUTPUT_MAX ((size_t)256 * 1024 * 1024)

/* Runs git with argv (argv[0] "git") and returns what it printed, or
 * NULL when it could not run or failed (its stderr is dropped: the
 * caller says what the failure means). Caller frees. */
static char *run_git(char *const argv[], size_t *length)
{
	posix_spawn_file_actions_t actions;
	struct buf output = {0};
	int pipe_fds[2], status;
	pid_t child;
	bool ok;

	if (pipe2(pipe_fds, O_CLOEXEC) != 0)
		return NULL;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
					 O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
					 O_RDONLY, 0);
	ok = posix_spawnp(&child, "git", &actions, NULL, argv, environ) == 0;
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_fds[1]);
	for (char chunk[65536]; ok;) {
		ssize_t got = read(pipe_fds[0], chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (output.length + (size_t)got <= GIT_OUTPUT_MAX)
			buf_add(&output, chunk, (size_t)got);
	}
	close(pipe_fds[0]);
	if (ok) {
		while (waitpid(child, &status, 0) < 0 && errno == EINTR)
			;
		ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	if (!ok) {
		buf_free(&output);
		return NULL;
	}
	*length = output.length;
	return buf_detach(&output);
}

/* By source, then by where git listed it (newest first): the entries
 * point into one array, so their addresses are that order. */
static int compare_entries(const void *left_pointer, const void *right_pointer)
{
	char **left = *(char **const *)left_pointer;
	char **right = *(char **const *)right_pointer;
	int order = strcmp(*left, *right);

	if (order != 0)
		return order;
	return left < right ? -1 : left > right;
}

/* Adds a source's date as git listed it (sort_dates keeps the first). */
static void add_date(struct git_dates *dates, size_t *capacity,
		     const char *source, size_t length, const char *date)
{
	size_t old = *capacity;

	dates->sources = xgrow(dates->sources, capacity, dates->count + 1,
			       sizeof *dates->sources);
	dates->dates = xgrow(dates->dates, &old, dates->count + 1,
			     sizeof *dates->dates);
	dates->sources[dates->count] = xstrndup(source, length);
	dates->dates[dates->count] = xstrdup(date);
	dates->count++;
}

/* Sorts by source, keeping of each source its first date: git log lists
 * the newest commit first. */
static void sort_dates(struct git_dates *dates)
{
	char ***order = xcalloc(dates->count + 1, sizeof *order);
	char **sources = xcalloc(dates->count + 1, sizeof *sources);
	char **values = xcalloc(dates->count + 1, sizeof *values);
	size_t kept = 0;

	for (size_t i = 0; i < dates->count; i++)
		order[i] = &dates->sources[i];
	qsort(order, dates->count, sizeof *order, compare_entries);
	for (size_t i = 0; i < dates->count; i++) {
		size_t at = (size_t)(order[i] - dates->sources);
		if (kept > 0 && strcmp(sources[kept - 1], dates->sources[at]) == 0) {
			free(dates->sources[at]);
			free(dates->dates[at]);
			continue;
		}
		sources[kept] = dates->sources[at];
		values[kept] = dates->dates[at];
		kept++;
	}
	free(order);
	free(dates->sources);
	free(dates->dates);
	dates->sources = sources;
	dates->dates = values;
	dates->count = kept;
}

struct git_dates *git_dates_load(const char *root, const char **why)
{
	/* %x00 marks a commit's line: a path cannot start with NUL */
	char *const argv[] = {
		"git", "-C", (char *)root, "-c", "core.quotePath=false", "log",
		"--format=%x00%cs", "--name-only", "--no-renames", "--relative",
		"--", "content", NULL,
	};
	struct git_dates *dates;
	size_t length, capacity = 0;
	char *output = run_git(argv, &length), date[16] = "";

	if (output == NULL) {
		*why = "git is not installed, or the site is not in a git work tree";
		return NULL;
	}
	dates = xcalloc(1, sizeof *dates);
	for (size_t at = 0; at < length;) {
		const char *line = output + at;
		const char *end = memchr(line, '\n', length - at);
		size_t line_length = end ? (size_t)(end - line) : length - at;

		if (line_length > 0 && line[0] == '\0') {
			snprintf(date, sizeof date, "%.*s", (int)(line_length - 1),
				 line + 1);
		} else if (line_length > 0 && date[0] != '\0') {
			add_date(dates, &capacity, line, line_length, date);
		}
		at += line_length + 1;
	}
	free(output);
	sort_dates(dates);
	return dates;
}

void git_dates_free(struct git_dates *dates)
{
	if (dates == NULL)
		return;
	for (size_t i = 0; i < dates->count; i++) {
		free(dates->sources[i]);
		free(dates->dates[i]);
	}
	free(dates->sources);
	free(dates->dates);
	free(dates);
}

const char *git_dates_find(const struct git_dates *dates, const char *source)
{
	size_t low = 0, high = dates ? dates->count : 0;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int order = strcmp(source, dates->sources[middle]);
		if (order == 0)
			return dates->dates[middle];
		if (order < 0)
			high = middle;
		else
			low = middle + 1;
	}
	return NULL;
}

char *git_head(const char *root)
{
	char *const argv[] = {"git", "-C", (char *)root, "rev-parse", "HEAD",
			      NULL};
	size_t length;
	char *output = run_git(argv, &length);

	if (output != NULL && length > 0 && output[length - 1] == '\n')
		output[length - 1] = '\0';
	return output;
}
