/*
 * test_feedback.c — the feedback store (gen/db/feedback.h): the schema
 * created once, each kind of row, the limits, comments only where they
 * belong, the daily keys, retention, the files it refuses, and writers
 * in parallel processes losing nothing.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db/feedback.h"
#include "base/util.h"
#include "test.h"

#define DAY 86400
/* 2026-12-07 10:00 UTC */
#define NOW ((time_t)1796637600)

static char folder[] = "/tmp/kbgen-test-feedback-XXXXXX";

static char *db_path(const char *name)
{
	return xasprintf("%s/%s", folder, name);
}

/* The first column of the first row of sql on path's database. */
static long long count(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;
	long long value = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		value = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return value;
}

static char *text(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;
	char *value = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW &&
	    sqlite3_column_text(statement, 0) != NULL)
		value = xstrdup((const char *)sqlite3_column_text(statement, 0));
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return value ? value : xstrdup("(none)");
}

static void test_create_and_vote(void)
{
	char *path = db_path("votes.db"), *problem = NULL, *got;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	struct feedback_vote vote = {NOW, "/errors/permanent-error/", "article",
				     true, NULL, "192.0.2.1"};
	int64_t id = 0, first = 0;

	CHECK(feedback != NULL, "a new database is created");
	CHECK_STR(problem ? problem : "", "", "no problem opening");
	if (feedback == NULL)
		return;
	CHECK_INT(count(path, "PRAGMA user_version"), FEEDBACK_SCHEMA_VERSION,
		  "the schema version is set");
	got = text(path, "PRAGMA journal_mode");
	CHECK_STR(got, "wal", "the journal is WAL");
	free(got);
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, &first), FEEDBACK_STORED,
		  "a vote is stored");
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, &id), FEEDBACK_STORED,
		  "a second vote, under the limit of two");
	CHECK(id == first + 1, "each vote gets its own id");
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, NULL), FEEDBACK_LIMITED,
		  "the third vote of the day on the page is refused");
	vote.page = "/delivery/spam-folder/";
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, NULL), FEEDBACK_STORED,
		  "the limit counts per page");
	vote.page = "/errors/permanent-error/";
	vote.address = "192.0.2.2";
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, NULL), FEEDBACK_STORED,
		  "and per client");
	vote.address = "192.0.2.1";
	vote.at = NOW + DAY;
	CHECK_INT(feedback_add_vote(feedback, &vote, 2, NULL), FEEDBACK_STORED,
		  "and per day: tomorrow the client votes again");
	CHECK_INT(count(path, "SELECT count(*) FROM votes WHERE at < 1796637600 + 2 * 86400"), 5, "five votes");
	CHECK_INT(count(path, "SELECT count(*) FROM votes WHERE "
			"typeof(client) != 'integer' OR page LIKE '%192.0.2%' "
			"OR kind LIKE '%192.0.2%' OR comment IS NOT NULL"), 0,
		  "no address stored: the client is a number, nothing else "
		  "holds it");
	CHECK_INT(count(path, "SELECT count(DISTINCT client) FROM votes WHERE "
			"page = '/errors/permanent-error/'"), 3,
		  "the same client has another name tomorrow");
	CHECK_INT(count(path, "SELECT count(*) FROM day_keys"), 2,
		  "today's key and yesterday's");
	vote.at = NOW + 2 * DAY;
	feedback_add_vote(feedback, &vote, 2, NULL);
	CHECK_INT(count(path, "SELECT count(*) FROM day_keys WHERE day = "
			"1796637600 / 86400"), 0,
		  "a key is deleted the day after its own");
	feedback_close(feedback);
	free(path);
}

static void test_comments(void)
{
	char *path = db_path("comments.db"), *problem = NULL, *got;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	struct feedback_vote no = {NOW, "/wizard/mail-not-arriving/check-spam/",
				   "outcome", false, NULL, "198.51.100.7"};
	struct feedback_vote yes = no;
	int64_t no_id = 0, yes_id = 0;

	if (feedback == NULL) {
		CHECK(false, "comments: database opens");
		return;
	}
	yes.helpful = true;
	feedback_add_vote(feedback, &no, 5, &no_id);
	feedback_add_vote(feedback, &yes, 5, &yes_id);
	CHECK_INT(feedback_add_comment(feedback, no_id, "198.51.100.8", NOW,
				       "別の人"), FEEDBACK_REFUSED,
		  "another client cannot comment on the vote");
	CHECK_INT(feedback_add_comment(feedback, yes_id, "198.51.100.7", NOW,
				       "はい への意見"), FEEDBACK_REFUSED,
		  "a comment goes with いいえ only");
	CHECK_INT(feedback_add_comment(feedback, no_id, "198.51.100.7", NOW + DAY,
				       "翌日"), FEEDBACK_REFUSED,
		  "nor on another day");
	CHECK_INT(feedback_add_comment(feedback, no_id, "198.51.100.7", NOW,
				       "<script>alert(1)</script> 迷惑メールにもない"),
		  FEEDBACK_STORED, "the voter comments on their いいえ");
	CHECK_INT(feedback_add_comment(feedback, no_id, "198.51.100.7", NOW,
				       "二度目"), FEEDBACK_REFUSED,
		  "once");
	got = text(path, "SELECT comment FROM votes WHERE helpful = 0");
	CHECK_STR(got, "<script>alert(1)</script> 迷惑メールにもない",
		  "the comment is stored as text, as written");
	free(got);
	feedback_close(feedback);
	free(path);
}

static void test_searches_and_steps(void)
{
	char *path = db_path("searches.db"), *problem = NULL, *got;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	struct buf long_query = {0};
	struct feedback_step step = {NOW, "mail-not-arriving", "check-spam",
				     false, 0x8123456789abcdefULL, 0, "192.0.2.9"};

	if (feedback == NULL) {
		CHECK(false, "searches: database opens");
		return;
	}
	CHECK_INT(feedback_add_search(feedback, NOW, "ばうんす", "none",
				      "192.0.2.9", 3), FEEDBACK_STORED,
		  "a search that found nothing");
	CHECK_INT(feedback_add_search(feedback, NOW, "spf", "unopened",
				      "192.0.2.9", 3), FEEDBACK_STORED,
		  "a search whose results nobody opened");
	for (int i = 0; i < 70; i++)
		buf_adds(&long_query, "あ");
	CHECK_INT(feedback_add_search(feedback, NOW, long_query.data, "none",
				      "192.0.2.9", 3), FEEDBACK_STORED,
		  "a long query");
	CHECK_INT(feedback_add_search(feedback, NOW, "x", "none", "192.0.2.9", 3),
		  FEEDBACK_LIMITED, "searches are limited per client and day");
	CHECK_INT(count(path, "SELECT max(length(CAST(query AS BLOB))) FROM searches"),
		  198, "a long query is cut at 200 bytes, on a character's edge");
	got = text(path, "SELECT kind FROM searches WHERE query = 'spf'");
	CHECK_STR(got, "unopened", "the kind is kept");
	free(got);
	feedback_add_search(feedback, NOW, "  ＳＰＦ　　設定\t", "none", "192.0.2.10", 3);
	got = text(path, "SELECT query FROM searches WHERE client != (SELECT client "
		   "FROM searches WHERE query = 'spf')");
	CHECK_STR(got, "spf 設定", "a query folded as the index folds it, spaces collapsed");
	free(got);
	CHECK_INT(feedback_add_step(feedback, &step, 100), FEEDBACK_STORED,
		  "a step");
	step.node = "retry-pending";
	step.parent = step.walk;
	step.walk = 42;
	step.outcome = true;
	CHECK_INT(feedback_add_step(feedback, &step, 100), FEEDBACK_STORED,
		  "the next step");
	CHECK_INT(count(path, "SELECT count(*) FROM steps a JOIN steps b ON "
			"b.parent = a.walk AND b.client = a.client"), 1,
		  "the next step names the one before as its parent");
	feedback_close(feedback);
	free(long_query.data);
	free(path);
}

static void test_retention(void)
{
	char *path = db_path("retention.db"), *problem = NULL;
	struct feedback *feedback = feedback_open(path, 30, NOW, &problem);
	struct feedback_vote vote = {NOW - 40 * DAY, "/a/", "article", true,
				     NULL, "192.0.2.1"};

	if (feedback == NULL) {
		CHECK(false, "retention: database opens");
		return;
	}
	feedback_add_vote(feedback, &vote, 5, NULL);
	vote.at = NOW - 10 * DAY;
	feedback_add_vote(feedback, &vote, 5, NULL);
	feedback_add_search(feedback, NOW - 31 * DAY, "old", "none", "192.0.2.1", 5);
	feedback_close(feedback);
	CHECK_INT(count(path, "SELECT count(*) FROM votes"), 2, "two votes written");
	feedback = feedback_open(path, 30, NOW, &problem);
	feedback_close(feedback);
	CHECK_INT(count(path, "SELECT count(*) FROM votes"), 1,
		  "opening deletes the vote older than 30 days");
	CHECK_INT(count(path, "SELECT count(*) FROM searches"), 0,
		  "and the old search");
	feedback = feedback_open(path, 0, NOW + 400 * DAY, &problem);
	feedback_close(feedback);
	CHECK_INT(count(path, "SELECT count(*) FROM votes"), 1,
		  "retention 0 keeps everything");
	free(path);
}

static void expect_refused(const char *name, const char *sql,
			   const char *bytes, const char *want, const char *what)
{
	char *path = db_path(name), *problem = NULL, *expected;
	struct feedback *feedback;

	if (sql != NULL) {
		sqlite3 *db = NULL;
		sqlite3_open(path, &db);
		sqlite3_exec(db, sql, NULL, NULL, NULL);
		sqlite3_close(db);
	} else {
		write_file(path, bytes, strlen(bytes));
	}
	feedback = feedback_open(path, 0, NOW, &problem);
	CHECK(feedback == NULL, what);
	expected = xasprintf("%s: %s", path, want);
	CHECK_STR(problem, expected, what);
	free(expected);
	free(problem);
	feedback_close(feedback);
	free(path);
}

static void test_refused(void)
{
	char *problem = NULL;
	struct feedback *feedback;

	expect_refused("newer.db", "PRAGMA user_version = 7",
		       NULL, "schema 7 is newer than this program reads (2)",
		       "a newer schema is refused");
	expect_refused("kb.db", "CREATE TABLE search(x)", NULL,
		       "not a feedback database (it holds other tables)",
		       "another database (kb.db, say) is refused");
	expect_refused("text.db", NULL,
		       "this is not a database, only some text long enough to "
		       "be taken for one if nobody looked at its header at all\n",
		       "not a feedback database (file is not a database)",
		       "a file that is not SQLite is refused");
	feedback = feedback_open("/nonexistent-folder/feedback.db", 0, NOW,
				 &problem);
	CHECK(feedback == NULL, "a folder that does not exist");
	CHECK_STR(problem, "/nonexistent-folder/feedback.db: unable to open "
		  "database file", "its problem says so");
	free(problem);
}

/* Eight processes cast 500 votes each at once, on one database. */
static void test_parallel_writers(void)
{
	char *path = db_path("parallel.db"), *problem = NULL;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	int failed = 0;

	feedback_close(feedback);
	for (int writer = 0; writer < 8; writer++) {
		pid_t pid = fork();
		if (pid == 0) {
			char address[32];
			struct feedback *mine = feedback_open(path, 0, NOW,
							      &problem);
			int errors = mine == NULL;
			for (int i = 0; mine && i < 500; i++) {
				struct feedback_vote vote = {
					NOW, "/a/", "article", i % 2, NULL,
					address};
				snprintf(address, sizeof address,
					 "192.0.2.%d:%d", writer, i);
				if (feedback_add_vote(mine, &vote, 5, NULL) !=
				    FEEDBACK_STORED)
					errors++;
			}
			feedback_close(mine);
			_exit(errors ? 1 : 0);
		}
	}
	for (int writer = 0; writer < 8; writer++) {
		int status = 0;
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			failed++;
	}
	CHECK_INT(failed, 0, "8 writers: none failed a vote");
	CHECK_INT(count(path, "SELECT count(*) FROM votes"), 4000,
		  "8 writers x 500 votes: 4,000 rows");
	CHECK_INT(count(path, "SELECT count(*) FROM day_keys"), 1,
		  "one key of the day, shared");
	free(path);
}

/* The live lookups' hourly limits: per client, an IPv6 client by its
 * /64, for the site; the window's edge; Retry-After's seconds. */
static void test_lookups(void)
{
	char *path = db_path("lookups.db"), *problem = NULL;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	unsigned retry = 99;

	CHECK(feedback != NULL, "a database for lookups");
	if (feedback == NULL)
		return;
	CHECK_INT(feedback_add_lookup(feedback, NOW, "192.0.2.1", 2, 4, &retry),
		  FEEDBACK_STORED, "a client's first lookup");
	CHECK_INT(retry, 0, "no wait when counted");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 600, "192.0.2.1", 2, 4, &retry),
		  FEEDBACK_STORED, "its second, ten minutes on");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 900, "192.0.2.1", 2, 4, &retry),
		  FEEDBACK_LIMITED, "its third within the hour is refused");
	CHECK_INT(retry, 2700, "until its first leaves the window: 3600 - 900 s");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 900, "2001:db8:0:1::5", 2, 4, &retry),
		  FEEDBACK_STORED, "an IPv6 client");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 901, "2001:db8:0:1:abcd::9", 2, 4,
				      &retry),
		  FEEDBACK_STORED, "its /64's second lookup");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 902, "2001:db8:0:1::77", 2, 4, &retry),
		  FEEDBACK_LIMITED, "the /64's third is refused");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 903, "198.51.100.3", 2, 4, &retry),
		  FEEDBACK_LIMITED, "a new client, but the site made its 4 this hour");
	CHECK_INT(retry, 2697, "until the site's oldest leaves: 3600 - 903 s");
	CHECK_INT(feedback_add_lookup(feedback, NOW + 3600, "192.0.2.1", 2, 4, &retry),
		  FEEDBACK_STORED, "an hour after its first, the client may again");
	CHECK_INT(count(path, "SELECT count(*) FROM lookups"), 4,
		  "lookups an hour old are deleted as others are counted");
	CHECK_INT(count(path, "SELECT count(*) FROM lookups WHERE typeof(client) "
			"!= 'integer'"), 0, "clients are numbers, no address");
	feedback_close(feedback);
	free(path);
}

/* A database of schema 1 (before live lookups) is upgraded in place,
 * its rows kept. */
static void test_upgrade(void)
{
	char *path = db_path("old.db"), *problem = NULL;
	struct feedback *feedback = feedback_open(path, 0, NOW, &problem);
	struct feedback_vote vote = {NOW, "/a/", "article", true, NULL, "192.0.2.1"};
	unsigned retry;
	sqlite3 *db = NULL;

	CHECK(feedback != NULL, "a database to downgrade");
	if (feedback == NULL)
		return;
	feedback_add_vote(feedback, &vote, 3, NULL);
	feedback_close(feedback);
	CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
	      sqlite3_exec(db, "DROP TABLE lookups; PRAGMA user_version = 1", NULL,
			   NULL, NULL) == SQLITE_OK, "made schema 1 again");
	sqlite3_close(db);
	feedback = feedback_open(path, 0, NOW, &problem);
	CHECK(feedback != NULL, "schema 1 opens");
	if (feedback == NULL)
		return;
	CHECK_INT(count(path, "PRAGMA user_version"), 2, "and is upgraded to 2");
	CHECK_INT(count(path, "SELECT count(*) FROM votes"), 1, "its vote kept");
	CHECK_INT(feedback_add_lookup(feedback, NOW, "192.0.2.1", 1, 1, &retry),
		  FEEDBACK_STORED, "lookups are counted in it");
	feedback_close(feedback);
	free(path);
}

int main(void)
{
	TEST_SUITE("feedback");
	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_create_and_vote();
	test_comments();
	test_searches_and_steps();
	test_retention();
	test_refused();
	test_parallel_writers();
	test_lookups();
	test_upgrade();
	remove_tree(folder);
	return TEST_EXIT();
}
