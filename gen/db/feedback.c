/*
 * feedback.c — see feedback.h. Every write is one IMMEDIATE transaction:
 * the limit's count and the insert see the same database, and a busy
 * database (another kb.cgi committing) is waited for by SQLite's busy
 * handler, then retried whole.
 */
#include "db/feedback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/siphash.h"
#include "base/util.h"

#define BUSY_TIMEOUT_MS 5000
#define BUSY_RETRIES 20
#define DAY_SECONDS 86400

struct feedback {
	sqlite3 *db;
	int64_t key_day;	/* the day of key; -1 before the first */
	uint8_t key[SIPHASH_KEY_SIZE];
};

static const char schema_sql[] =
	"CREATE TABLE votes("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" page TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('article', 'outcome')),"
	" helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),"
	" comment TEXT,"
	" client INTEGER NOT NULL);"
	"CREATE INDEX votes_client ON votes(client, page);"
	"CREATE INDEX votes_at ON votes(at);"
	"CREATE TABLE searches("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" query TEXT NOT NULL,"
	" kind TEXT NOT NULL CHECK (kind IN ('none', 'unopened')),"
	" client INTEGER NOT NULL);"
	"CREATE INDEX searches_client ON searches(client);"
	"CREATE INDEX searches_at ON searches(at);"
	"CREATE TABLE steps("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" tree TEXT NOT NULL,"
	" node TEXT NOT NULL,"
	" outcome INTEGER NOT NULL CHECK (outcome IN (0, 1)),"
	" walk INTEGER NOT NULL,"
	" parent INTEGER NOT NULL,"
	" client INTEGER NOT NULL);"
	"CREATE INDEX steps_client ON steps(client, parent);"
	"CREATE INDEX steps_at ON steps(at);"
	"CREATE TABLE day_keys(day INTEGER PRIMARY KEY, key BLOB NOT NULL);"
	"PRAGMA user_version = 1;";

/* Version 2: the record checker's live lookups, for their hourly limits
 * (rows older than an hour are deleted as lookups are counted). */
static const char schema_2_sql[] =
	"CREATE TABLE lookups("
	" id INTEGER PRIMARY KEY,"
	" at INTEGER NOT NULL,"
	" client INTEGER NOT NULL);"
	"CREATE INDEX lookups_client ON lookups(client, at);"
	"CREATE INDEX lookups_at ON lookups(at);"
	"PRAGMA user_version = 2;";

const char *feedback_error(const struct feedback *feedback)
{
	return sqlite3_errmsg(feedback->db);
}

/* Runs work inside BEGIN IMMEDIATE … COMMIT, retried whole while the
 * database is busy (or locked); rolled back on any other failure. */
static int in_transaction(struct feedback *feedback,
			  int (*work)(struct feedback *feedback, void *user),
			  void *user)
{
	int rc = SQLITE_BUSY;

	for (int attempt = 0; attempt < BUSY_RETRIES; attempt++) {
		rc = sqlite3_exec(feedback->db, "BEGIN IMMEDIATE", NULL, NULL,
				  NULL);
		if (rc == SQLITE_OK) {
			rc = work(feedback, user);
			if (rc == SQLITE_DONE || rc == SQLITE_OK)
				rc = sqlite3_exec(feedback->db, "COMMIT", NULL,
						  NULL, NULL);
			if (rc != SQLITE_OK)
				sqlite3_exec(feedback->db, "ROLLBACK", NULL,
					     NULL, NULL);
		}
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		usleep(1000u * (unsigned)(attempt + 1));
	}
	return rc;
}

/* The first column of the first row of sql (no parameters); -1 on
 * error or no row. */
static int64_t query_integer(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *statement = NULL;
	int64_t value = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(statement) == SQLITE_ROW)
		value = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return value;
}

/* Runs sql, a statement without result rows, with one integer
 * parameter: SQLITE_DONE when it ran. */
static int run_with_integer(sqlite3 *db, const char *sql, int64_t value)
{
	sqlite3_stmt *statement = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &statement, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(statement, 1, value);
	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	return rc;
}

/* ---- the day's key ------------------------------------------------------- */

struct key_work {
	int64_t day;
	uint8_t fresh[SIPHASH_KEY_SIZE];
};

static int store_day_key(struct feedback *feedback, void *user)
{
	struct key_work *work = user;
	sqlite3_stmt *statement = NULL;
	int rc;

	/* yesterday's key stays a day longer: a request that started just
	 * before midnight still finds its own client's name */
	rc = run_with_integer(feedback->db, "DELETE FROM day_keys WHERE day < ?",
			      work->day - 1);
	if (rc != SQLITE_DONE)
		return rc;
	rc = sqlite3_prepare_v2(feedback->db,
				"INSERT OR IGNORE INTO day_keys(day, key) "
				"VALUES (?, ?)", -1, &statement, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(statement, 1, work->day);
		sqlite3_bind_blob(statement, 2, work->fresh, sizeof work->fresh,
				  SQLITE_STATIC);
		rc = sqlite3_step(statement);
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_DONE)
		return rc;
	rc = sqlite3_prepare_v2(feedback->db,
				"SELECT key FROM day_keys WHERE day = ?", -1,
				&statement, NULL);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(statement, 1, work->day);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_bytes(statement, 0) == SIPHASH_KEY_SIZE) {
		memcpy(feedback->key, sqlite3_column_blob(statement, 0),
		       SIPHASH_KEY_SIZE);
		feedback->key_day = work->day;
		rc = SQLITE_OK;
	} else if (rc == SQLITE_ROW) {
		rc = SQLITE_CORRUPT;
	}
	sqlite3_finalize(statement);
	return rc;
}

/* Makes the key of at's day current: the one stored, or a new random
 * one (the first process of the day stores it, the others read it). */
static int day_key(struct feedback *feedback, time_t at)
{
	struct key_work work = {.day = (int64_t)at / DAY_SECONDS};
	size_t filled = 0;

	if (work.day == feedback->key_day)
		return SQLITE_OK;
	while (filled < sizeof work.fresh) {
		ssize_t got = getrandom(work.fresh + filled,
					sizeof work.fresh - filled, 0);
		if (got < 0 && errno != EINTR)
			return SQLITE_ERROR;
		if (got > 0)
			filled += (size_t)got;
	}
	return in_transaction(feedback, store_day_key, &work);
}

/* The client's name today: SipHash of its address under the day's key,
 * made positive so that SQLite keeps it as the same integer. */
static int64_t client_name(const struct feedback *feedback,
			   const char *address)
{
	const char *text = address ? address : "";

	return (int64_t)(siphash24(feedback->key, text, strlen(text)) >> 1);
}

/* ---- opening ------------------------------------------------------------- */

static int create_schema(struct feedback *feedback, void *user)
{
	int64_t version = query_integer(feedback->db, "PRAGMA user_version");

	int rc = SQLITE_OK;

	(void)user;
	/* another process may have created or upgraded it meanwhile */
	if (version < 0)
		return SQLITE_ERROR;
	if (version == 0)
		rc = sqlite3_exec(feedback->db, schema_sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK && version < 2)
		rc = sqlite3_exec(feedback->db, schema_2_sql, NULL, NULL, NULL);
	return rc;
}

static int delete_old(struct feedback *feedback, void *user)
{
	const int64_t *before = user;
	static const char *const tables[] = {"votes", "searches", "steps"};

	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
		char *sql = xasprintf("DELETE FROM %s WHERE at < ?", tables[i]);
		int rc = run_with_integer(feedback->db, sql, *before);
		free(sql);
		if (rc != SQLITE_DONE)
			return rc;
	}
	return SQLITE_OK;
}

/* The schema checked, created when the file is new. */
static char *prepare(struct feedback *feedback, const char *path)
{
	int64_t version;
	int persist = 1;

	sqlite3_busy_timeout(feedback->db, BUSY_TIMEOUT_MS);
	/* the WAL stays when the last connection closes (no unlink) */
	sqlite3_file_control(feedback->db, "main", SQLITE_FCNTL_PERSIST_WAL,
			     &persist);
	version = query_integer(feedback->db, "PRAGMA user_version");
	if (version < 0)
		return xasprintf("%s: not a feedback database (%s)", path,
				 sqlite3_errmsg(feedback->db));
	if (version > FEEDBACK_SCHEMA_VERSION)
		return xasprintf("%s: schema %lld is newer than this program "
				 "reads (%d)", path, (long long)version,
				 FEEDBACK_SCHEMA_VERSION);
	if (version == 0 &&
	    query_integer(feedback->db, "SELECT count(*) FROM sqlite_schema") != 0)
		return xasprintf("%s: not a feedback database (it holds other "
				 "tables)", path);
	if (sqlite3_exec(feedback->db, "PRAGMA journal_mode=WAL; "
			 "PRAGMA synchronous=NORMAL", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    (version < FEEDBACK_SCHEMA_VERSION &&
	     in_transaction(feedback, create_schema, NULL) != SQLITE_OK))
		return xasprintf("%s: %s", path, sqlite3_errmsg(feedback->db));
	return NULL;
}

struct feedback *feedback_open(const char *path, unsigned retention_days,
			       time_t now, char **problem)
{
	struct feedback *feedback = xcalloc(1, sizeof *feedback);

	*problem = NULL;
	feedback->key_day = -1;
	if (sqlite3_open_v2(path, &feedback->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		*problem = xasprintf("%s: %s", path,
				     sqlite3_errmsg(feedback->db));
		goto fail;
	}
	*problem = prepare(feedback, path);
	if (*problem != NULL)
		goto fail;
	if (retention_days > 0) {
		int64_t before = (int64_t)now - (int64_t)retention_days *
							DAY_SECONDS;
		if (in_transaction(feedback, delete_old, &before) != SQLITE_OK) {
			*problem = xasprintf("%s: %s", path,
					     sqlite3_errmsg(feedback->db));
			goto fail;
		}
	}
	if (day_key(feedback, now) != SQLITE_OK) {
		*problem = xasprintf("%s: the day's key: %s", path,
				     sqlite3_errmsg(feedback->db));
		goto fail;
	}
	return feedback;
fail:
	feedback_close(feedback);
	return NULL;
}

void feedback_close(struct feedback *feedback)
{
	if (feedback == NULL)
		return;
	sqlite3_close(feedback->db);
	free(feedback);
}

/* ---- writes -------------------------------------------------------------- */

struct row_work {
	const char *count_sql;	/* ?1 client, ?2 … as bind_count binds */
	const char *insert_sql;
	int64_t client;
	unsigned limit;
	void (*bind)(sqlite3_stmt *statement, const void *what,
		     int64_t client, bool counting);
	const void *what;
	int64_t id;
	bool limited;
};

static int add_row(struct feedback *feedback, void *user)
{
	struct row_work *work = user;
	sqlite3_stmt *statement = NULL;
	int rc;

	work->limited = false;
	rc = sqlite3_prepare_v2(feedback->db, work->count_sql, -1, &statement,
				NULL);
	if (rc != SQLITE_OK)
		return rc;
	work->bind(statement, work->what, work->client, true);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW &&
	    sqlite3_column_int64(statement, 0) >= (int64_t)work->limit) {
		work->limited = true;
		sqlite3_finalize(statement);
		return SQLITE_OK;
	}
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW)
		return rc;
	rc = sqlite3_prepare_v2(feedback->db, work->insert_sql, -1,
				&statement, NULL);
	if (rc != SQLITE_OK)
		return rc;
	work->bind(statement, work->what, work->client, false);
	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	work->id = sqlite3_last_insert_rowid(feedback->db);
	return rc;
}

static enum feedback_status write_row(struct feedback *feedback,
				      struct row_work *work, time_t at,
				      const char *address)
{
	if (day_key(feedback, at) != SQLITE_OK)
		return FEEDBACK_FAILED;
	work->client = client_name(feedback, address);
	if (in_transaction(feedback, add_row, work) != SQLITE_OK)
		return FEEDBACK_FAILED;
	return work->limited ? FEEDBACK_LIMITED : FEEDBACK_STORED;
}

/* The start of at's day, for the limits' counts. */
static int64_t day_start(time_t at)
{
	return (int64_t)at / DAY_SECONDS * DAY_SECONDS;
}

static void bind_text_or_null(sqlite3_stmt *statement, int index,
			      const char *text)
{
	if (text != NULL)
		sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(statement, index);
}

static void bind_vote(sqlite3_stmt *statement, const void *what,
		      int64_t client, bool counting)
{
	const struct feedback_vote *vote = what;

	sqlite3_bind_int64(statement, 1, client);
	sqlite3_bind_text(statement, 2, vote->page, -1, SQLITE_STATIC);
	if (counting) {
		sqlite3_bind_int64(statement, 3, day_start(vote->at));
		return;
	}
	sqlite3_bind_int64(statement, 3, (int64_t)vote->at);
	sqlite3_bind_text(statement, 4, vote->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(statement, 5, vote->helpful);
	bind_text_or_null(statement, 6, vote->comment);
}

enum feedback_status feedback_add_vote(struct feedback *feedback,
				       const struct feedback_vote *vote,
				       unsigned limit, int64_t *id)
{
	struct row_work work = {
		.count_sql = "SELECT count(*) FROM votes WHERE client = ?1 "
			     "AND page = ?2 AND at >= ?3",
		.insert_sql = "INSERT INTO votes(client, page, at, kind, "
			      "helpful, comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		.limit = limit, .bind = bind_vote, .what = vote,
	};
	enum feedback_status status = write_row(feedback, &work, vote->at,
						vote->address);

	if (status == FEEDBACK_STORED && id != NULL)
		*id = work.id;
	return status;
}

struct comment_work {
	int64_t id, client, since;
	const char *comment;
	bool attached;
};

static int attach_comment(struct feedback *feedback, void *user)
{
	struct comment_work *work = user;
	sqlite3_stmt *statement = NULL;
	int rc = sqlite3_prepare_v2(feedback->db,
				    "UPDATE votes SET comment = ?1 WHERE id = ?2 "
				    "AND client = ?3 AND at >= ?4 AND helpful = 0 "
				    "AND comment IS NULL", -1, &statement, NULL);

	if (rc != SQLITE_OK)
		return rc;
	sqlite3_bind_text(statement, 1, work->comment, -1, SQLITE_STATIC);
	sqlite3_bind_int64(statement, 2, work->id);
	sqlite3_bind_int64(statement, 3, work->client);
	sqlite3_bind_int64(statement, 4, work->since);
	rc = sqlite3_step(statement);
	sqlite3_finalize(statement);
	work->attached = sqlite3_changes(feedback->db) == 1;
	return rc;
}

enum feedback_status feedback_add_comment(struct feedback *feedback,
					  int64_t id, const char *address,
					  time_t at, const char *comment)
{
	struct comment_work work = {.id = id, .comment = comment,
				    .since = day_start(at)};

	if (day_key(feedback, at) != SQLITE_OK)
		return FEEDBACK_FAILED;
	work.client = client_name(feedback, address);
	if (in_transaction(feedback, attach_comment, &work) != SQLITE_OK)
		return FEEDBACK_FAILED;
	return work.attached ? FEEDBACK_STORED : FEEDBACK_REFUSED;
}

struct search_row {
	time_t at;
	const char *query, *kind;
};

static void bind_search(sqlite3_stmt *statement, const void *what,
			int64_t client, bool counting)
{
	const struct search_row *row = what;

	sqlite3_bind_int64(statement, 1, client);
	if (counting) {
		sqlite3_bind_int64(statement, 2, day_start(row->at));
		return;
	}
	sqlite3_bind_int64(statement, 2, (int64_t)row->at);
	sqlite3_bind_text(statement, 3, row->query, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, row->kind, -1, SQLITE_STATIC);
}

/* The query as the index folds text (NFKC_Casefold, as the tokenizer),
 * its spaces collapsed to one and trimmed, so that "ＳＰＦ　設定" and
 * "spf 設定" count as one; cut at FEEDBACK_QUERY_MAX bytes, never inside
 * a character. */
static char *fold_query(const char *query)
{
	utf8proc_uint8_t *folded = NULL;
	utf8proc_ssize_t length = utf8proc_map(
		(const utf8proc_uint8_t *)query, 0, &folded,
		UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
			UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
	struct buf out = {0};
	bool space = false;

	if (length < 0)
		return xstrdup("");
	for (const char *c = (const char *)folded; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
			space = out.length > 0;
			continue;
		}
		if (space)
			buf_add(&out, " ", 1);
		space = false;
		buf_add(&out, c, 1);
	}
	free(folded);
	if (out.length > FEEDBACK_QUERY_MAX) {
		size_t cut = FEEDBACK_QUERY_MAX;
		while (cut > 0 && ((unsigned char)out.data[cut] & 0xC0) == 0x80)
			cut--;
		out.data[cut] = '\0';
		out.length = cut;
	}
	return out.data ? buf_detach(&out) : xstrdup("");
}

enum feedback_status feedback_add_search(struct feedback *feedback,
					 time_t at, const char *query,
					 const char *kind, const char *address,
					 unsigned limit)
{
	char *cut = fold_query(query);
	struct search_row row = {at, cut, kind};
	struct row_work work = {
		.count_sql = "SELECT count(*) FROM searches WHERE client = ?1 "
			     "AND at >= ?2",
		.insert_sql = "INSERT INTO searches(client, at, query, kind) "
			      "VALUES (?1, ?2, ?3, ?4)",
		.limit = limit, .bind = bind_search, .what = &row,
	};
	enum feedback_status status = write_row(feedback, &work, at, address);

	free(cut);
	return status;
}

static void bind_step(sqlite3_stmt *statement, const void *what,
		      int64_t client, bool counting)
{
	const struct feedback_step *step = what;

	sqlite3_bind_int64(statement, 1, client);
	if (counting) {
		sqlite3_bind_int64(statement, 2, day_start(step->at));
		return;
	}
	sqlite3_bind_int64(statement, 2, (int64_t)step->at);
	sqlite3_bind_text(statement, 3, step->tree, -1, SQLITE_STATIC);
	sqlite3_bind_text(statement, 4, step->node, -1, SQLITE_STATIC);
	sqlite3_bind_int(statement, 5, step->outcome);
	sqlite3_bind_int64(statement, 6, (int64_t)(step->walk >> 1));
	sqlite3_bind_int64(statement, 7, (int64_t)(step->parent >> 1));
}

enum feedback_status feedback_add_step(struct feedback *feedback,
				       const struct feedback_step *step,
				       unsigned limit)
{
	struct row_work work = {
		.count_sql = "SELECT count(*) FROM steps WHERE client = ?1 "
			     "AND at >= ?2",
		.insert_sql = "INSERT INTO steps(client, at, tree, node, "
			      "outcome, walk, parent) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		.limit = limit, .bind = bind_step, .what = step,
	};

	return write_row(feedback, &work, step->at, step->address);
}

/* ---- live lookups -------------------------------------------------------- */

struct lookup_work {
	int64_t at, client;
	unsigned per_client, per_site;
	bool limited;
	unsigned retry_after;
};

/* what ("min(at)" or "count(*)") of the lookups after since, of the
 * client mine when not NULL; -1 on error or when there is none. */
static int64_t lookup_figure(sqlite3 *db, const char *what, int64_t since,
			     const int64_t *mine)
{
	sqlite3_stmt *statement = NULL;
	int64_t figure = -1;
	char *sql = xasprintf("SELECT %s FROM lookups WHERE at > ?1%s", what,
			      mine ? " AND client = ?2" : "");

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(statement, 1, since);
		if (mine)
			sqlite3_bind_int64(statement, 2, *mine);
		if (sqlite3_step(statement) == SQLITE_ROW &&
		    sqlite3_column_type(statement, 0) != SQLITE_NULL)
			figure = sqlite3_column_int64(statement, 0);
	}
	sqlite3_finalize(statement);
	free(sql);
	return figure;
}

static int take_lookup(struct feedback *feedback, void *user)
{
	struct lookup_work *work = user;
	int64_t since = work->at - FEEDBACK_LOOKUP_WINDOW;
	int64_t mine = lookup_figure(feedback->db, "count(*)", since, &work->client);
	int64_t all = lookup_figure(feedback->db, "count(*)", since, NULL);
	int rc = run_with_integer(feedback->db, "DELETE FROM lookups WHERE at <= ?",
				  since);

	work->limited = false;
	if (rc != SQLITE_DONE)
		return rc;
	if (mine < 0 || all < 0)
		return SQLITE_ERROR;
	if (mine >= (int64_t)work->per_client || all >= (int64_t)work->per_site) {
		int64_t oldest = lookup_figure(feedback->db, "min(at)", since,
					       mine >= (int64_t)work->per_client
						       ? &work->client : NULL);
		work->limited = true;
		work->retry_after = oldest < 0 ? FEEDBACK_LOOKUP_WINDOW
				    : (unsigned)(oldest + FEEDBACK_LOOKUP_WINDOW -
						 work->at);
		if (work->retry_after == 0)
			work->retry_after = 1;
		return SQLITE_OK;
	}
	{
		sqlite3_stmt *statement = NULL;
		rc = sqlite3_prepare_v2(feedback->db,
					"INSERT INTO lookups(at, client) VALUES (?, ?)",
					-1, &statement, NULL);
		if (rc != SQLITE_OK)
			return rc;
		sqlite3_bind_int64(statement, 1, work->at);
		sqlite3_bind_int64(statement, 2, work->client);
		rc = sqlite3_step(statement);
		sqlite3_finalize(statement);
	}
	return rc;
}

/* The part of address that names a visitor: an IPv6 address's /64 (one
 * customer's network hands its hosts a /64 each), else the address. The
 * caller frees. */
static char *visitor_of(const char *address)
{
	struct in6_addr six;
	char text[INET6_ADDRSTRLEN];

	if (address == NULL || inet_pton(AF_INET6, address, &six) != 1)
		return xstrdup(address ? address : "");
	memset(six.s6_addr + 8, 0, 8);
	if (inet_ntop(AF_INET6, &six, text, sizeof text) == NULL)
		return xstrdup(address);
	return xstrdup(text);
}

enum feedback_status feedback_add_lookup(struct feedback *feedback, time_t at,
					 const char *address, unsigned per_client,
					 unsigned per_site, unsigned *retry_after)
{
	struct lookup_work work = {.at = at, .per_client = per_client,
				   .per_site = per_site};
	char *visitor = visitor_of(address);

	*retry_after = 0;
	if (day_key(feedback, at) != SQLITE_OK) {
		free(visitor);
		return FEEDBACK_FAILED;
	}
	work.client = client_name(feedback, visitor);
	free(visitor);
	if (in_transaction(feedback, take_lookup, &work) != SQLITE_OK)
		return FEEDBACK_FAILED;
	*retry_after = work.retry_after;
	return work.limited ? FEEDBACK_LIMITED : FEEDBACK_STORED;
}
