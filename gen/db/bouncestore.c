/*
 * bouncestore.c — the bounce rules written into kb.db and read back
 * (bouncestore.h). Both halves sit here: neither needs the site model,
 * and kb.cgi links the reading half only through what it calls.
 */
#include "db/bouncestore.h"

#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS bounce_meta("
	"key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS bounce_reasons("
	"id TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, "
	"explanation TEXT NOT NULL, hard INTEGER NOT NULL, class TEXT NOT NULL, "
	"article_url TEXT, article_title TEXT) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS bounce_walks("
	"reason TEXT NOT NULL, class TEXT NOT NULL, step TEXT NOT NULL, "
	"answers TEXT NOT NULL, PRIMARY KEY(reason, class)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS bounce_rules("
	"position INTEGER PRIMARY KEY, status TEXT, reply INTEGER NOT NULL, "
	"texts TEXT, receiver TEXT, reason TEXT NOT NULL, class TEXT NOT NULL, "
	"line INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS bounce_receivers("
	"position INTEGER PRIMARY KEY, name TEXT NOT NULL, hosts TEXT, "
	"texts TEXT);"
	"DELETE FROM bounce_meta; DELETE FROM bounce_reasons; "
	"DELETE FROM bounce_walks; DELETE FROM bounce_rules; "
	"DELETE FROM bounce_receivers;";

const char *bouncestore_strerror(int status)
{
	switch (status) {
	case BOUNCESTORE_OK:
		return "ok";
	case BOUNCESTORE_MISSING:
		return "kb.db holds no bounce rules (the site has no "
		       BOUNCE_RULES_FILE ")";
	case BOUNCESTORE_CORRUPT:
		return "the bounce rules in kb.db are corrupt";
	default:
		return "the bounce rules could not be read";
	}
}

/* ---- writing ------------------------------------------------------------------ */

static char *joined(char *const *items, size_t count)
{
	struct buf out = {0};

	if (count == 0)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		if (i)
			buf_addc(&out, '\n');
		buf_adds(&out, items[i]);
	}
	return buf_detach(&out);
}

/* Binds each of the count values: a text, or NULL; "%d" numbers are
 * passed as text too and SQLite's column affinity makes them integers. */
static int run(sqlite3 *db, const char *sql, const char *const *values, int count)
{
	sqlite3_stmt *statement = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		goto out;
	for (int i = 0; i < count; i++)
		if ((values[i] == NULL
			     ? sqlite3_bind_null(statement, i + 1)
			     : sqlite3_bind_text(statement, i + 1, values[i], -1,
						 SQLITE_TRANSIENT)) != SQLITE_OK)
			goto out;
	if (sqlite3_step(statement) == SQLITE_DONE)
		rc = 0;
out:
	sqlite3_finalize(statement);
	return rc;
}

static int write_meta(sqlite3 *db, const char *key, const char *value)
{
	const char *values[] = {key, value ? value : ""};

	return run(db, "INSERT INTO bounce_meta VALUES(?1, ?2)", values, 2);
}

static int write_reason(sqlite3 *db, const struct bounce_rules *rules, int r)
{
	const struct bounce_reason_info *info = &rules->reasons[r];
	const char *values[] = {
		bounce_reason_id((enum bounce_reason)r), info->title ? info->title : "",
		info->explanation ? info->explanation : "", info->hard ? "1" : "0",
		bounce_class_id(info->class_), info->article_url, info->article_title,
	};
	int rc = run(db, "INSERT INTO bounce_reasons VALUES(?1, ?2, ?3, ?4, ?5, "
		     "?6, ?7)", values, 7);

	for (int c = 0; rc == 0 && c < BOUNCE_CLASS_COUNT; c++) {
		const char *walk[] = {
			values[0], bounce_class_id((enum bounce_class)c),
			info->wizard_step[c], info->wizard_answers[c],
		};
		if (info->wizard_step[c] != NULL)
			rc = run(db, "INSERT INTO bounce_walks VALUES(?1, ?2, ?3, ?4)",
				 walk, 4);
	}
	return rc;
}

static int write_rule(sqlite3 *db, const struct bounce_rule *rule, size_t position)
{
	char *number = xasprintf("%zu", position);
	char *reply = xasprintf("%d", rule->reply);
	char *line = xasprintf("%u", rule->line);
	char *texts = joined(rule->texts, rule->text_count);
	const char *values[] = {
		number, rule->status, reply, texts, rule->receiver,
		bounce_reason_id(rule->reason), bounce_class_id(rule->class_), line,
	};
	int rc = run(db, "INSERT INTO bounce_rules VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
		     "?7, ?8)", values, 8);

	free(texts);
	free(line);
	free(reply);
	free(number);
	return rc;
}

static int write_receiver(sqlite3 *db, const struct bounce_receiver *receiver,
			  size_t position)
{
	char *number = xasprintf("%zu", position);
	char *hosts = joined(receiver->hosts, receiver->host_count);
	char *texts = joined(receiver->texts, receiver->text_count);
	const char *values[] = {number, receiver->name, hosts, texts};
	int rc = run(db, "INSERT INTO bounce_receivers VALUES(?1, ?2, ?3, ?4)",
		     values, 4);

	free(texts);
	free(hosts);
	free(number);
	return rc;
}

int bouncestore_write(sqlite3 *db, const struct bounce_rules *rules)
{
	int rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;

	if (rc == 0 && rules != NULL && rules->rule_count > 0) {
		for (int c = 0; rc == 0 && c < BOUNCE_CLASS_COUNT; c++) {
			char *key = xasprintf("class:%s",
					      bounce_class_id((enum bounce_class)c));
			rc = write_meta(db, key, rules->class_names[c]);
			free(key);
		}
		if (rc == 0)
			rc = write_meta(db, "hard_note", rules->hard_note);
		if (rc == 0)
			rc = write_meta(db, "soft_note", rules->soft_note);
		for (int r = 0; rc == 0 && r < BOUNCE_REASON_COUNT; r++)
			rc = write_reason(db, rules, r);
		for (size_t i = 0; rc == 0 && i < rules->rule_count; i++)
			rc = write_rule(db, &rules->rules[i], i);
		for (size_t i = 0; rc == 0 && i < rules->receiver_count; i++)
			rc = write_receiver(db, &rules->receivers[i], i);
	}
	if (rc != 0)
		diag_error("kb.db", 0, 0, "cannot write the bounce rules: %s",
			   sqlite3_errmsg(db));
	return rc;
}

/* ---- reading ------------------------------------------------------------------ */

static char *column(sqlite3_stmt *statement, int index)
{
	const unsigned char *text = sqlite3_column_text(statement, index);

	return text ? xstrdup((const char *)text) : NULL;
}

/* LF-joined phrases back into an array. */
static void split(const char *text, char ***items, size_t *count)
{
	size_t n = 1;

	*items = NULL;
	*count = 0;
	if (text == NULL || *text == '\0')
		return;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	*items = xcalloc(n, sizeof **items);
	while (*text) {
		size_t length = strcspn(text, "\n");
		(*items)[(*count)++] = xstrndup(text, length);
		text += length + (text[length] == '\n');
	}
}

static int each_row(sqlite3 *db, const char *sql,
		    int (*row)(sqlite3_stmt *statement, struct bounce_rules *out),
		    struct bounce_rules *out)
{
	sqlite3_stmt *statement = NULL;
	int rc = BOUNCESTORE_DATABASE, step;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		return BOUNCESTORE_DATABASE;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		rc = row(statement, out);
		if (rc != BOUNCESTORE_OK)
			break;
	}
	if (step == SQLITE_DONE)
		rc = BOUNCESTORE_OK;
	sqlite3_finalize(statement);
	return rc;
}

static int meta_row(sqlite3_stmt *statement, struct bounce_rules *out)
{
	const char *key = (const char *)sqlite3_column_text(statement, 0);
	enum bounce_class class_;

	if (key == NULL)
		return BOUNCESTORE_CORRUPT;
	if (strncmp(key, "class:", 6) == 0 && bounce_class_from_id(key + 6, &class_)) {
		free(out->class_names[class_]);
		out->class_names[class_] = column(statement, 1);
	} else if (strcmp(key, "hard_note") == 0) {
		free(out->hard_note);
		out->hard_note = column(statement, 1);
	} else if (strcmp(key, "soft_note") == 0) {
		free(out->soft_note);
		out->soft_note = column(statement, 1);
	}
	return BOUNCESTORE_OK;
}

static int reason_row(sqlite3_stmt *statement, struct bounce_rules *out)
{
	enum bounce_reason reason;
	struct bounce_reason_info *info;

	if (!bounce_reason_from_id((const char *)sqlite3_column_text(statement, 0),
				   &reason))
		return BOUNCESTORE_CORRUPT;
	info = &out->reasons[reason];
	if (info->title != NULL)
		return BOUNCESTORE_CORRUPT;
	info->title = column(statement, 1);
	info->explanation = column(statement, 2);
	info->hard = sqlite3_column_int(statement, 3) != 0;
	if (!bounce_class_from_id((const char *)sqlite3_column_text(statement, 4),
				  &info->class_))
		return BOUNCESTORE_CORRUPT;
	info->article_url = column(statement, 5);
	info->article_title = column(statement, 6);
	return BOUNCESTORE_OK;
}

static int walk_row(sqlite3_stmt *statement, struct bounce_rules *out)
{
	enum bounce_reason reason;
	enum bounce_class class_;

	if (!bounce_reason_from_id((const char *)sqlite3_column_text(statement, 0),
				   &reason) ||
	    !bounce_class_from_id((const char *)sqlite3_column_text(statement, 1),
				  &class_) ||
	    out->reasons[reason].wizard_step[class_] != NULL)
		return BOUNCESTORE_CORRUPT;
	out->reasons[reason].wizard_step[class_] = column(statement, 2);
	out->reasons[reason].wizard_answers[class_] = column(statement, 3);
	return BOUNCESTORE_OK;
}

static int receiver_row(sqlite3_stmt *statement, struct bounce_rules *out)
{
	struct bounce_receiver *receiver;

	out->receivers = xrealloc(out->receivers, (out->receiver_count + 1) *
				  sizeof *out->receivers);
	receiver = &out->receivers[out->receiver_count++];
	memset(receiver, 0, sizeof *receiver);
	receiver->name = column(statement, 0);
	split((const char *)sqlite3_column_text(statement, 1), &receiver->hosts,
	      &receiver->host_count);
	split((const char *)sqlite3_column_text(statement, 2), &receiver->texts,
	      &receiver->text_count);
	return receiver->name ? BOUNCESTORE_OK : BOUNCESTORE_CORRUPT;
}

static int rule_row(sqlite3_stmt *statement, struct bounce_rules *out)
{
	struct bounce_rule *rule;
	const char *receiver = (const char *)sqlite3_column_text(statement, 3);

	out->rules = xrealloc(out->rules, (out->rule_count + 1) * sizeof *out->rules);
	rule = &out->rules[out->rule_count++];
	memset(rule, 0, sizeof *rule);
	rule->status = column(statement, 0);
	rule->reply = sqlite3_column_int(statement, 1);
	split((const char *)sqlite3_column_text(statement, 2), &rule->texts,
	      &rule->text_count);
	/* a rule's receiver is one of the receivers' names, as the analyzer
	 * compares them */
	rule->receiver = receiver ? xstrdup(receiver) : NULL;
	rule->line = (unsigned)sqlite3_column_int(statement, 6);
	if (!bounce_reason_from_id((const char *)sqlite3_column_text(statement, 4),
				   &rule->reason) ||
	    !bounce_class_from_id((const char *)sqlite3_column_text(statement, 5),
				  &rule->class_))
		return BOUNCESTORE_CORRUPT;
	return BOUNCESTORE_OK;
}

int bouncestore_load(sqlite3 *db, struct bounce_rules *out)
{
	int rc;

	memset(out, 0, sizeof *out);
	rc = each_row(db, "SELECT key, value FROM bounce_meta", meta_row, out);
	if (rc == BOUNCESTORE_OK)
		rc = each_row(db, "SELECT id, title, explanation, hard, class, "
			      "article_url, article_title FROM bounce_reasons",
			      reason_row, out);
	if (rc == BOUNCESTORE_OK)
		rc = each_row(db, "SELECT reason, class, step, answers FROM "
			      "bounce_walks", walk_row, out);
	if (rc == BOUNCESTORE_OK)
		rc = each_row(db, "SELECT name, hosts, texts FROM bounce_receivers "
			      "ORDER BY position", receiver_row, out);
	if (rc == BOUNCESTORE_OK)
		rc = each_row(db, "SELECT status, reply, texts, receiver, reason, "
			      "class, line FROM bounce_rules ORDER BY position",
			      rule_row, out);
	if (rc == BOUNCESTORE_OK && out->rule_count == 0)
		rc = BOUNCESTORE_MISSING;
	for (int r = 0; rc == BOUNCESTORE_OK && r < BOUNCE_REASON_COUNT; r++)
		if (out->reasons[r].title == NULL)
			rc = BOUNCESTORE_CORRUPT;
	return rc;
}
