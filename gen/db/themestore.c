/*
 * themestore.c — the reading half of the theme store (see themestore.h):
 * the stored theme, navigation and settings back from kb.db, for kb.cgi.
 * themestore_write.c is the build's half.
 */
#include "db/themestore.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

const char *themestore_strerror(int status)
{
	switch (status) {
	case THEMESTORE_OK:
		return "success";
	case THEMESTORE_MISSING:
		return "the database holds no theme of this version (rebuild "
		       "the site with this kbgen)";
	case THEMESTORE_BAD:
		return "the stored theme does not load";
	case THEMESTORE_DATABASE:
		return "database error";
	}
	return "unknown themestore status";
}

struct stored {
	char *schema, *layout, *strings;
	size_t layout_length, strings_length;
};

/* Keeps the value of each key the CGI needs; ignores others. */
static void keep_value(struct themestore *out, struct stored *stored,
		       const char *key, sqlite3_stmt *statement)
{
	struct {
		const char *key;
		char **value;
	} fields[] = {
		{"schema", &stored->schema}, {"layout", &stored->layout},
		{"strings", &stored->strings}, {"language", &out->language},
		{"site_title", &out->site_title}, {"base_path", &out->base_path},
		{"base_url", &out->base_url}, {"cgi_url", &out->cgi_url},
		{"search_action", &out->search_action},
		{"service", &out->service},
		{"support_url", &out->support_url},
		{"support_email", &out->support_email},
		{"support_hours", &out->support_hours},
		{"spf_include", &out->spf_include},
		{"live_reload", &out->live_reload},
		{"feedback_db", &out->feedback_db},
		{"feedback_votes", &out->feedback_votes},
		{"feedback_retention", &out->feedback_retention},
		{"records_live_visitor", &out->records_live_visitor},
		{"records_live_site", &out->records_live_site},
	};
	const unsigned char *text = sqlite3_column_text(statement, 1);
	size_t length = (size_t)sqlite3_column_bytes(statement, 1);

	if (text == NULL)
		return;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (strcmp(fields[i].key, key) != 0 || *fields[i].value != NULL)
			continue;
		*fields[i].value = xstrndup((const char *)text, length);
		if (fields[i].value == &stored->layout)
			stored->layout_length = length;
		else if (fields[i].value == &stored->strings)
			stored->strings_length = length;
	}
}

static int read_values(sqlite3 *db, struct themestore *out,
		       struct stored *stored)
{
	sqlite3_stmt *statement = NULL;
	int rc = THEMESTORE_DATABASE, step;

	if (sqlite3_prepare_v2(db, "SELECT key, value FROM theme", -1,
			       &statement, NULL) != SQLITE_OK) {
		/* A kb.db from before the CGI: no theme table. */
		rc = THEMESTORE_MISSING;
		goto out;
	}
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(statement, 0);
		if (key != NULL)
			keep_value(out, stored, key, statement);
	}
	if (step != SQLITE_DONE)
		goto out;
	rc = THEMESTORE_OK;
	if (stored->schema == NULL ||
	    strcmp(stored->schema, THEMESTORE_SCHEMA) != 0 ||
	    stored->layout == NULL || stored->strings == NULL ||
	    out->language == NULL || out->site_title == NULL ||
	    out->base_path == NULL || out->base_url == NULL ||
	    out->cgi_url == NULL || out->search_action == NULL ||
	    out->support_url == NULL || out->support_email == NULL ||
	    out->support_hours == NULL || out->service == NULL ||
	    out->spf_include == NULL)
		rc = THEMESTORE_MISSING;
out:
	sqlite3_finalize(statement);
	return rc;
}

static int read_nav(sqlite3 *db, struct theme *theme)
{
	sqlite3_stmt *statement = NULL;
	int rc = THEMESTORE_DATABASE, step;

	if (sqlite3_prepare_v2(db, "SELECT path, label FROM theme_nav "
			       "ORDER BY position", -1, &statement,
			       NULL) != SQLITE_OK)
		goto out;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(statement, 0);
		const char *label = (const char *)sqlite3_column_text(statement, 1);
		if (path != NULL && label != NULL)
			theme_add_nav(theme, path, label);
	}
	if (step == SQLITE_DONE)
		rc = THEMESTORE_OK;
out:
	sqlite3_finalize(statement);
	return rc;
}

int themestore_load(sqlite3 *db, struct themestore *out)
{
	struct stored stored = {0};
	struct theme_config config;
	int rc;

	memset(out, 0, sizeof *out);
	rc = read_values(db, out, &stored);
	if (rc != THEMESTORE_OK)
		goto out;
	config = (struct theme_config){
		.language = out->language,
		.base_path = out->base_path,
		.site_title = out->site_title,
		.service = out->service,
		.search_action = out->search_action,
		.live_reload = out->live_reload != NULL &&
			       strcmp(out->live_reload, "1") == 0,
	};
	out->theme = theme_load_memory(&config, stored.layout,
				       stored.layout_length, stored.strings,
				       stored.strings_length);
	if (out->theme == NULL) {
		rc = THEMESTORE_BAD;
		goto out;
	}
	rc = read_nav(db, out->theme);
out:
	free(stored.schema);
	free(stored.layout);
	free(stored.strings);
	return rc;
}

void themestore_free(struct themestore *store)
{
	theme_free(store->theme);
	free(store->language);
	free(store->site_title);
	free(store->live_reload);
	free(store->feedback_db);
	free(store->feedback_votes);
	free(store->records_live_visitor);
	free(store->records_live_site);
	free(store->feedback_retention);
	free(store->base_path);
	free(store->base_url);
	free(store->support_url);
	free(store->support_email);
	free(store->support_hours);
	free(store->service);
	free(store->spf_include);
	free(store->cgi_url);
	free(store->search_action);
	memset(store, 0, sizeof *store);
}
