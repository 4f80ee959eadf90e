/*
 * feedback_fill.c — `build/feedback-fill DB N`: writes N votes into a new
 * feedback database through db/feedback.h (as kb.cgi does: one
 * transaction each, a visitor per vote, pages of a shipped article's
 * length, one in ten with a comment of 60 characters), then checkpoints
 * the WAL into the file, so that its size is what N votes take. For
 * tools/feedback-bench.sh; a measurement, not a test.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "db/feedback.h"

int main(int argc, char **argv)
{
	struct feedback *feedback;
	char *problem = NULL;
	time_t now = time(NULL);
	long count;
	sqlite3 *db;

	if (argc != 3 || (count = strtol(argv[2], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: feedback-fill DB N\n");
		return 2;
	}
	feedback = feedback_open(argv[1], 0, now, &problem);
	if (feedback == NULL) {
		fprintf(stderr, "feedback-fill: %s\n", problem);
		return 1;
	}
	for (long i = 0; i < count; i++) {
		char page[64], address[32];
		struct feedback_vote vote = {
			now, page, i % 3 ? "article" : "outcome", i % 4 != 0,
			i % 10 == 0 ? "手順のとおりに設定しましたが、まだ迷惑メールフォルダに入ります。"
				      "ほかに確かめることはありますか?"
				    : NULL,
			address,
		};
		snprintf(page, sizeof page, "/deliverability/spf-%ld/", i % 40);
		snprintf(address, sizeof address, "10.%ld.%ld.%ld", i >> 16 & 255,
			 i >> 8 & 255, i & 255);
		if (feedback_add_vote(feedback, &vote, 1000, NULL) != FEEDBACK_STORED) {
			fprintf(stderr, "feedback-fill: vote %ld failed\n", i);
			return 1;
		}
	}
	feedback_close(feedback);
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
			 NULL) != SQLITE_OK) {
		fprintf(stderr, "feedback-fill: checkpoint: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_close(db);
	return 0;
}
