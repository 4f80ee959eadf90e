/*
 * bounce_bench.c — the bounce analyzer's throughput: the rules read from
 * a built kb.db, the given samples read into memory, then analyzed in
 * turn until N messages were read, on one thread. Prints messages per
 * second and the bytes read; tools/bounce-bench.sh adds peak RSS and the
 * share of samples read right. A measure, not a test.
 *
 *   build/bounce-bench KB_DB N FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sqlite3.h>

#include "base/util.h"
#include "content/bounce.h"
#include "db/bouncestore.h"

int main(int argc, char **argv)
{
	struct bounce_rules rules;
	sqlite3 *db = NULL;
	char **texts;
	size_t *lengths, count, messages, bytes = 0, results = 0;
	struct timespec start, end;
	double seconds;

	if (argc < 4) {
		fputs("usage: bounce-bench KB_DB N FILE...\n", stderr);
		return 2;
	}
	messages = strtoul(argv[2], NULL, 10);
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    bouncestore_load(db, &rules) != BOUNCESTORE_OK) {
		fprintf(stderr, "bounce-bench: cannot read the rules in %s\n", argv[1]);
		return 2;
	}
	sqlite3_close(db);
	count = (size_t)argc - 3;
	texts = xcalloc(count, sizeof *texts);
	lengths = xcalloc(count, sizeof *lengths);
	for (size_t i = 0; i < count; i++)
		if (read_file(argv[3 + i], BOUNCE_MAX_INPUT, &texts[i], &lengths[i]) != 0) {
			fprintf(stderr, "bounce-bench: cannot read %s\n", argv[3 + i]);
			return 2;
		}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (size_t i = 0; i < messages; i++) {
		struct bounce_report report;
		results += bounce_analyze(&rules, texts[i % count], lengths[i % count], &report);
		bytes += lengths[i % count];
		bounce_report_free(&report);
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
	printf("messages: %zu (%zu samples repeated), %zu results, %.1f MB\n",
	       messages, count, results, (double)bytes / 1e6);
	printf("time: %.3f s, %.0f messages/s, %.1f MB/s (one thread)\n", seconds,
	       (double)messages / seconds, (double)bytes / 1e6 / seconds);
	for (size_t i = 0; i < count; i++)
		free(texts[i]);
	free(texts);
	free(lengths);
	bounce_rules_free(&rules);
	return 0;
}
