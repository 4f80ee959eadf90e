/*
 * themestore_write.c — the build's half of the theme store: the tables of
 * themestore.h filled from the theme files, the site's settings and the
 * build's navigation. kb.cgi links only the reading half, themestore.c.
 */
#include "db/themestore.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

#define THEME_FILE_MAX_SIZE (1024 * 1024)

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS theme("
	"key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS theme_nav(position INTEGER PRIMARY KEY, "
	"path TEXT NOT NULL, label TEXT NOT NULL);"
	/* what an earlier themestore_write left, when updating in place */
	"DELETE FROM theme; DELETE FROM theme_nav;";

static int put(sqlite3 *db, const char *key, const char *value, size_t length)
{
	sqlite3_stmt *statement = NULL;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "INSERT INTO theme(key, value) VALUES(?1, ?2)",
			       -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 2, value, (int)length,
			      SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(statement);
	return rc;
}

static int put_text(sqlite3 *db, const char *key, const char *value)
{
	if (value == NULL)
		value = "";
	return put(db, key, value, strlen(value));
}

static int put_nav(sqlite3 *db, const struct theme *theme)
{
	sqlite3_stmt *statement = NULL;
	int rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO theme_nav(position, path, label) "
			       "VALUES(?1, ?2, ?3)", -1, &statement,
			       NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; rc == 0 && i < theme_nav_count(theme); i++) {
		const char *path, *label;

		theme_nav_entry(theme, i, &path, &label);
		if (sqlite3_reset(statement) != SQLITE_OK ||
		    sqlite3_bind_int64(statement, 1, (sqlite3_int64)i) != SQLITE_OK ||
		    sqlite3_bind_text(statement, 2, path, -1, SQLITE_STATIC) !=
			    SQLITE_OK ||
		    sqlite3_bind_text(statement, 3, label, -1, SQLITE_STATIC) !=
			    SQLITE_OK ||
		    sqlite3_step(statement) != SQLITE_DONE)
			rc = -1;
	}
	sqlite3_finalize(statement);
	return rc;
}

/* Appends root/relative to out; a missing file is fine when optional.
 * 0, or -1 after a diagnostic. */
static int append_file(struct buf *out, const char *root, const char *relative,
		       bool optional)
{
	char *path = path_join(root, relative);
	char *text = NULL;
	size_t length;
	int rc = 0;

	if (read_file(path, THEME_FILE_MAX_SIZE, &text, &length) != 0) {
		if (!(optional && errno == ENOENT)) {
			diag_error(relative, 0, 0, "cannot read: %s",
				   strerror(errno));
			rc = -1;
		}
		goto out;
	}
	buf_add(out, text, length);
	if (length > 0 && text[length - 1] != '\n')
		buf_addc(out, '\n');
out:
	free(text);
	free(path);
	return rc;
}

/* The stored texts must load as the CGI will load them. */
static int check_texts(const struct site_config *config,
		       const char *search_action, const struct buf *layout,
		       const struct buf *strings)
{
	struct theme_config theme_config = {
		.language = config->language,
		.base_path = config->base_path,
		.site_title = config->title,
		.service = config->service,
		.search_action = search_action,
	};
	struct theme *theme = theme_load_memory(&theme_config, buf_cstr(layout),
						layout->length,
						buf_cstr(strings),
						strings->length);

	if (theme == NULL)
		return -1;
	theme_free(theme);
	return 0;
}

/* site.yaml's feedback:, when set. */
static int put_feedback(sqlite3 *db, const struct site_feedback *feedback)
{
	char votes[16], retention[16];

	if (feedback->db == NULL)
		return 0;
	snprintf(votes, sizeof votes, "%u", feedback->votes_per_day);
	snprintf(retention, sizeof retention, "%u", feedback->retention_days);
	return put_text(db, "feedback_db", feedback->db) != 0 ||
	       put_text(db, "feedback_votes", votes) != 0 ||
	       put_text(db, "feedback_retention", retention) != 0 ? -1 : 0;
}

/* site.yaml's records_live:, when on. */
static int put_records_live(sqlite3 *db, const struct site_records_live *live)
{
	char visitor[16], site[16];

	if (!live->enabled)
		return 0;
	snprintf(visitor, sizeof visitor, "%u", live->per_visitor_per_hour);
	snprintf(site, sizeof site, "%u", live->per_hour);
	return put_text(db, "records_live_visitor", visitor) != 0 ||
	       put_text(db, "records_live_site", site) != 0 ? -1 : 0;
}

int themestore_write(sqlite3 *db, const char *root,
		     const struct site_config *config,
		     const struct theme *theme, const char *search_action)
{
	char *strings_path = xasprintf("theme/i18n/%s.yaml", config->language);
	char *cgi_strings_path = xasprintf("theme/i18n/cgi/%s.yaml",
					   config->language);
	struct buf layout = {0}, strings = {0};
	int rc = -1;

	if (append_file(&layout, root, "theme/layout.html", false) != 0 ||
	    append_file(&strings, root, strings_path, false) != 0 ||
	    append_file(&strings, root, cgi_strings_path, true) != 0 ||
	    check_texts(config, search_action, &layout, &strings) != 0)
		goto out;
	if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    put_text(db, "schema", THEMESTORE_SCHEMA) != 0 ||
	    put(db, "layout", buf_cstr(&layout), layout.length) != 0 ||
	    put(db, "strings", buf_cstr(&strings), strings.length) != 0 ||
	    put_text(db, "language", config->language) != 0 ||
	    put_text(db, "site_title", config->title) != 0 ||
	    put_text(db, "base_path", config->base_path) != 0 ||
	    put_text(db, "base_url", config->base_url) != 0 ||
	    put_text(db, "cgi_url", config->cgi_url) != 0 ||
	    put_text(db, "search_action", search_action) != 0 ||
	    put_text(db, "service", config->service) != 0 ||
	    put_text(db, "support_url", config->support.url) != 0 ||
	    put_text(db, "support_email", config->support.email) != 0 ||
	    put_text(db, "support_hours", config->support.hours) != 0 ||
	    put_text(db, "spf_include", config->spf_include) != 0 ||
	    (theme_live_reload(theme) && put_text(db, "live_reload", "1") != 0) ||
	    put_feedback(db, &config->feedback) != 0 ||
	    put_records_live(db, &config->records_live) != 0 ||
	    put_nav(db, theme) != 0) {
		diag_error("kb.db", 0, 0, "cannot write the theme: %s",
			   sqlite3_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	buf_free(&layout);
	buf_free(&strings);
	free(cgi_strings_path);
	free(strings_path);
	return rc;
}
