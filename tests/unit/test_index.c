/*
 * test_index.c — kb.db updated in place (index_open_update and the
 * removals) against kb.db built afresh: the logical content (every table,
 * the search rows by rowid, the index's term instances) and the search
 * results in order must be equal; the schema version check; the trees
 * and the theme rewritten into an existing kb.db; a reader querying (as
 * kb.cgi opens kb.db) while a writer updates in a loop; and a full
 * build's FTS5 segments spread one per level (index_spread_structure):
 * records made by hand, the same answers as before, and one-article
 * edits that no longer rewrite the build's segments.
 *
 * Run from the repository root (tests/run does).
 */
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "cgi/cgi.h"
#include "base/diag.h"
#include "db/index.h"
#include "db/search.h"
#include "content/site.h"
#include "test.h"
#include "html/theme.h"
#include "db/themestore.h"
#include "content/tree.h"
#include "db/treestore.h"
#include "base/util.h"
#include "html/wizard.h"

static char scratch[] = "/tmp/kbgen-test-index-XXXXXX";

/* ---- a hand-made site ------------------------------------------------------- */

/* An article of the fake site: its url path, title, tags and parts
 * (intro first; then heading id and text, body text pairs). */
struct fake_article {
	const char *url_path, *title, *tags;
	const char *intro;
	const char *parts[3][3]; /* id, heading, text */
};

static const struct fake_article article_a = {
	"mail/a/", "迷惑メールの確認", "mail spam", "迷惑メールフォルダを確認します。",
	{{"gmail", "Gmail", "Gmail では迷惑メールに入ります。"},
	 {"outlook", "Outlook", "Outlook でも迷惑メールを確認します。"}},
};
static const struct fake_article article_b1 = {
	"mail/b/", "到達率の改善", "mail", "到達率を上げる設定です。zebra",
	{{"spf", "SPF", "SPF レコードを設定します。zebra"}},
};
static const struct fake_article article_b2 = {
	"mail/b/", "到達率の改善", "mail dns", "到達率を上げる設定です。zebra",
	{{"spf", "SPF", "SPF レコードを直します。zebra"},
	 {"dkim", "DKIM", "DKIM 署名も設定します。zebra"}},
};
static const struct fake_article article_c = {
	"errors/c/", "永続的なエラー", "errors", "550 5.1.1 User unknown のエラーです。",
	{{"fix", "直し方", "宛先を確認して設定します。"}},
};

struct fake_node {
	const char *url, *title, *tree_title, *body;
};

static const struct fake_node tree1_v1[] = {
	{"/kb/wizard/t1/start/", "メールが届きませんか?", "届かない", "設定を確認します。"},
	{"/kb/wizard/t1/done/", "解決しました", "届かない", "迷惑メールでした。"},
};
static const struct fake_node tree1_v2[] = {
	{"/kb/wizard/t1/start/", "メールが届きませんか?", "届かない", "設定を見直します。"},
	{"/kb/wizard/t1/spam/", "迷惑メールですか?", "届かない", "迷惑メールを探します。"},
	{"/kb/wizard/t1/done/", "解決しました", "届かない", "迷惑メールでした。"},
};
static const struct fake_node tree10[] = { /* a prefix of t1 but not in it */
	{"/kb/wizard/t10/start/", "設定の確認", "設定", "設定を確認します。"},
};

/* Adds fake as the generator would, with the description given. */
static bool add_described(sqlite3 *db, const struct fake_article *fake,
			  const char *description)
{
	struct site site = {0};
	struct article article = {0};
	struct markdown_heading headings[3] = {{0}};
	struct index_part parts[4] = {{0}};
	char *tags[4] = {0};
	char *copy = xstrdup(fake->tags), *save = NULL;
	size_t count = 0, tag_count = 0;
	bool ok;

	site.config.base_path = "/kb/";
	article.source = "content/fake.md";
	article.url_path = (char *)fake->url_path;
	article.meta.title = (char *)fake->title;
	article.meta.description = (char *)description;
	article.updated = "2026-01-01";
	for (char *tag = strtok_r(copy, " ", &save); tag && tag_count < 4;
	     tag = strtok_r(NULL, " ", &save))
		tags[tag_count++] = tag;
	article.meta.tags.items = tags;
	article.meta.tags.count = tag_count;
	parts[count++].text = (char *)fake->intro;
	for (size_t i = 0; i < 3 && fake->parts[i][0]; i++) {
		headings[i].level = 2;
		headings[i].id = (char *)fake->parts[i][0];
		headings[i].text = (char *)fake->parts[i][1];
		parts[count].heading = &headings[i];
		parts[count++].text = (char *)fake->parts[i][2];
	}
	ok = index_add_article(db, &site, &article, parts, count) == 0;
	free(copy);
	return ok;
}

static bool add_fake_article(sqlite3 *db, const struct fake_article *fake)
{
	return add_described(db, fake, "");
}

static bool add_nodes(sqlite3 *db, const struct fake_node *nodes,
		      size_t count)
{
	bool ok = true;

	for (size_t i = 0; ok && i < count; i++)
		ok = index_add_node(db, nodes[i].url, nodes[i].title,
				    nodes[i].tree_title, nodes[i].body) == 0;
	return ok;
}

#define ADD_NODES(db, nodes) add_nodes(db, nodes, sizeof nodes / sizeof *nodes)

static char *scratch_path(const char *name)
{
	return path_join(scratch, name);
}

/* ---- the logical dump ------------------------------------------------------- */

static void dump_query(sqlite3 *db, const char *sql, struct buf *out)
{
	sqlite3_stmt *statement = NULL;
	int step = SQLITE_ERROR;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK) {
		while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(statement); i++) {
				const unsigned char *text =
					sqlite3_column_text(statement, i);
				buf_printf(out, "%s%s", i ? "|" : "",
					   text ? (const char *)text : "NULL");
			}
			buf_addc(out, '\n');
		}
	}
	if (step != SQLITE_DONE)
		buf_printf(out, "ERROR %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(statement);
}

/* What tools/kbdb-dump.sh prints, computed here: user_version, every
 * ordinary table sorted by all its columns, the search rows by rowid,
 * the index's (term, rowid, column, offset) instances. */
static char *logical_dump(const char *path)
{
	struct buf out = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *tables = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK ||
	    search_register(db) != SEARCH_OK) {
		sqlite3_close(db);
		return xstrdup("cannot open");
	}
	dump_query(db, "PRAGMA user_version", &out);
	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE "
			       "type = 'table' AND name NOT LIKE 'sqlite_%' "
			       "AND name NOT IN ('search', 'search_data', "
			       "'search_idx', 'search_content', "
			       "'search_docsize') ORDER BY name", -1, &tables,
			       NULL) == SQLITE_OK) {
		while (sqlite3_step(tables) == SQLITE_ROW) {
			const char *name =
				(const char *)sqlite3_column_text(tables, 0);
			char *sql = xasprintf("SELECT * FROM \"%s\"", name);
			sqlite3_stmt *probe = NULL;
			struct buf order = {0};

			sqlite3_prepare_v2(db, sql, -1, &probe, NULL);
			for (int i = 0; probe && i < sqlite3_column_count(probe);
			     i++)
				buf_printf(&order, "%s%d", i ? ", " : "", i + 1);
			sqlite3_finalize(probe);
			free(sql);
			sql = xasprintf("SELECT * FROM \"%s\" ORDER BY %s", name,
					buf_cstr(&order));
			buf_printf(&out, "== %s\n", name);
			dump_query(db, sql, &out);
			free(sql);
			buf_free(&order);
		}
	}
	sqlite3_finalize(tables);
	buf_adds(&out, "== search\n");
	dump_query(db, "SELECT rowid, * FROM search ORDER BY rowid", &out);
	buf_adds(&out, "== index\n");
	sqlite3_exec(db, "CREATE VIRTUAL TABLE temp.instances USING "
		     "fts5vocab(main, search, instance)", NULL, NULL, NULL);
	dump_query(db, "SELECT term, doc, col, offset FROM temp.instances "
		   "ORDER BY term, doc, col, offset", &out);
	sqlite3_close(db);
	return buf_detach(&out);
}

/* The results of each of queries (count of them), url#anchor in order,
 * with each rank when ranks is true, one query a line. The caller frees. */
static char *query_results(const char *path, const char *const *queries,
			   size_t count, bool ranks)
{
	struct buf out = {0};
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return xstrdup("cannot open");
	}
	for (size_t q = 0; q < count; q++) {
		struct search_results results;
		int rc = search_run(db, queries[q], strlen(queries[q]), 100, 0,
				    &results);

		buf_printf(&out, "%s (%d, %zu):", queries[q], rc, results.total);
		for (size_t i = 0; i < results.count; i++) {
			buf_printf(&out, " %s#%s", results.items[i].url,
				   results.items[i].anchor
					   ? results.items[i].anchor
					   : "");
			if (ranks)
				buf_printf(&out, " %.3f", results.items[i].rank);
			for (size_t k = 0; k < results.items[i].section_count; k++)
				buf_printf(&out, " +%s",
					   results.items[i].sections[k].anchor);
		}
		buf_addc(&out, '\n');
		search_results_free(&results);
	}
	sqlite3_close(db);
	return buf_detach(&out);
}

/* The results of each query, url#anchor and rank in order, one query a
 * line. */
static char *results_of(const char *path)
{
	static const char *const queries[] = {
		"迷惑", "設定", "メール", "zebra", "確認", "spf", "dkim", "ル",
		"エラー", "届かない",
	};

	return query_results(path, queries, sizeof queries / sizeof *queries,
			     true);
}

/* ---- tests -------------------------------------------------------------------- */

/* The final site, built afresh. */
static bool build_clean(const char *path)
{
	sqlite3 *db = NULL;
	bool ok = index_open(path, &db) == 0 &&
		  add_fake_article(db, &article_a) &&
		  add_fake_article(db, &article_b2) &&
		  add_fake_article(db, &article_c) && ADD_NODES(db, tree1_v2) &&
		  ADD_NODES(db, tree10);

	return index_close(db, path, ok) == 0 && ok;
}

/* The first version of the site, built afresh. */
static bool build_first(const char *path)
{
	sqlite3 *db = NULL;
	bool ok = index_open(path, &db) == 0 &&
		  add_fake_article(db, &article_a) &&
		  add_fake_article(db, &article_b1) &&
		  add_fake_article(db, &article_c) && ADD_NODES(db, tree1_v1) &&
		  ADD_NODES(db, tree10);

	return index_close(db, path, ok) == 0 && ok;
}

/* Updates the first version into the final one: article b edited,
 * tree t1 edited. */
static bool update_to_final(const char *path)
{
	sqlite3 *db = NULL;
	bool ok = index_open_update(path, &db) == 0 &&
		  index_remove_article(db, "/kb/mail/b/") == 0 &&
		  add_fake_article(db, &article_b2) &&
		  index_remove_nodes(db, "/kb/wizard/t1/") == 0 &&
		  ADD_NODES(db, tree1_v2);

	return index_close(db, path, ok) == 0 && ok;
}

static void check_equal_to_clean(const char *path, const char *clean,
				 const char *what)
{
	char *want = logical_dump(clean), *got = logical_dump(path);
	char *what_dump = xasprintf("%s: the logical dump equals a clean "
				    "build's", what);
	char *what_results = xasprintf("%s: the same results in the same "
				       "order", what);

	CHECK_STR(got, want, what_dump);
	free(got);
	free(want);
	want = results_of(clean);
	got = results_of(path);
	CHECK_STR(got, want, what_results);
	free(got);
	free(want);
	free(what_results);
	free(what_dump);
}

static void test_incremental(void)
{
	char *clean = scratch_path("clean.db"), *path = scratch_path("kb.db");
	char *dump, *results;
	sqlite3 *db = NULL;

	TEST_SUITE("index/incremental");
	CHECK(build_clean(clean), "a clean build of the final site");
	dump = logical_dump(clean);
	CHECK(strstr(dump, "== search_rows\n") && strstr(dump, "zebra") &&
		      strstr(dump, "/kb/wizard/t1/spam/") &&
		      !strstr(dump, "直し方|") == 0,
	      "the dump holds the tables, rows and index");
	CHECK(strstr(dump, "== search_config\n") &&
		      strstr(dump, "automerge") == NULL &&
		      strstr(dump, "hashsize") == NULL,
	      "no build-only FTS5 setting is left in search_config");
	free(dump);
	results = results_of(clean);
	CHECK(strstr(results, "zebra (0, 1): /kb/mail/b/#dkim") != NULL &&
		      strstr(results, " +spf\n") != NULL,
	      "the clean build answers queries: zebra is one article, its "
	      "best section first, the other under it");
	free(results);

	CHECK(build_first(path), "a clean build of the first version");
	CHECK(update_to_final(path), "update it in place to the final site");
	check_equal_to_clean(path, clean, "edit an article and a tree");

	/* removing and adding back the same content changes nothing */
	CHECK(index_open_update(path, &db) == 0 &&
		      index_remove_article(db, "/kb/mail/a/") == 0 &&
		      index_remove_article(db, "/kb/errors/c/") == 0 &&
		      index_remove_article(db, "/kb/no/such/") == 0 &&
		      add_fake_article(db, &article_c) &&
		      add_fake_article(db, &article_a) &&
		      index_close(db, path, 1) == 0,
	      "remove two articles and add them back in another order");
	check_equal_to_clean(path, clean, "removed and re-added");

	/* an update rolled back leaves the file as it was */
	CHECK(index_open_update(path, &db) == 0 &&
		      index_remove_article(db, "/kb/mail/a/") == 0 &&
		      index_remove_nodes(db, "/kb/wizard/") == 0 &&
		      index_close(db, path, 0) == 0,
	      "an update rolled back");
	check_equal_to_clean(path, clean, "rolled back");

	/* remove_nodes takes one tree: t10 is not under /kb/wizard/t1/ */
	CHECK(index_open_update(path, &db) == 0 &&
		      index_remove_nodes(db, "/kb/wizard/t1/") == 0 &&
		      index_remove_article(db, "/kb/mail/b/") == 0 &&
		      index_close(db, path, 1) == 0,
	      "remove a tree's nodes and an article");
	results = results_of(path);
	CHECK(strstr(results, "/kb/wizard/t10/start/") != NULL &&
		      strstr(results, "/kb/wizard/t1/") == NULL,
	      "the tree's nodes are gone, t10's stay");
	CHECK(strstr(results, "zebra (0, 0):") != NULL,
	      "the article's rows are gone");
	free(results);
	dump = logical_dump(path);
	CHECK(strstr(dump, "/kb/mail/b/") == NULL,
	      "nothing of the article is left in any table");
	free(dump);

	free(path);
	free(clean);
}

/* The single integer a PRAGMA answers on the file at path, or -1. */
static int pragma_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;
	int value = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		value = sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return value;
}

static const struct fake_article article_described = {
	"delivery/d/", "「配信エラー」と表示されないのに届かない場合", "届かない",
	"エラーが表示されないまま届かないことがあります。",
	{{"folder", "別のフォルダ", "迷惑メールフォルダを確認します。"}},
};

/* The tags column of each row of url, in rowid order, one a line. */
static char *tags_of(const char *path, const char *url)
{
	struct buf out = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    search_register(db) == SEARCH_OK &&
	    sqlite3_prepare_v2(db, "SELECT tags FROM search WHERE url = ?1 "
			       "ORDER BY rowid", -1, &statement,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(statement, 1, url, -1, SQLITE_STATIC);
		while (sqlite3_step(statement) == SQLITE_ROW)
			buf_printf(&out, "%s\n",
				   (const char *)sqlite3_column_text(statement,
								     0));
	}
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return buf_detach(&out);
}

/* A description is searched: a customer's words that only it has find
 * the article, through its first row alone. */
static void test_description(void)
{
	static const char *const queries[] = {"出ていない", "配信履歴"};
	char *path = scratch_path("described.db"), *tags, *results;
	sqlite3 *db = NULL;
	bool ok;

	TEST_SUITE("index/description");
	ok = index_open(path, &db) == 0 &&
	     add_described(db, &article_described,
			   "配信履歴に配信エラーが出ていないのにメールが届かないとき") &&
	     add_fake_article(db, &article_a);
	CHECK(index_close(db, path, ok) == 0 && ok,
	      "build a site with a described article");
	tags = tags_of(path, "/kb/delivery/d/");
	CHECK_STR(tags, "届かない\n配信履歴に配信エラーが出ていないのに"
			"メールが届かないとき\n届かない\n",
		  "the first row's tags end with the description, the "
		  "section's do not");
	free(tags);
	tags = tags_of(path, "/kb/mail/a/");
	CHECK_STR(tags, "mail spam\nmail spam\nmail spam\n",
		  "an article without a description keeps its tags alone");
	free(tags);
	results = query_results(path, queries, 2, false);
	CHECK_STR(results,
		  "出ていない (0, 1): /kb/delivery/d/#\n"
		  "配信履歴 (0, 1): /kb/delivery/d/#\n",
		  "words only the description has find the article");
	free(results);
	free(path);
}

static void test_versions(void)
{
	char *path = scratch_path("version.db"), *junk = scratch_path("junk.db");
	char *missing = scratch_path("missing.db");
	sqlite3 *db = (sqlite3 *)&db;
	int rc;

	TEST_SUITE("index/versions");
	CHECK_INT(index_open_update(missing, &db), INDEX_REBUILD,
		  "a missing kb.db asks for a full build");
	CHECK(db == NULL, "and leaves no connection");
	CHECK(access(missing, F_OK) != 0, "and creates no file");
	CHECK(write_file(junk, "not a database, not at all", 26) == 0,
	      "write a file that is not a database");
	CHECK_INT(index_open_update(junk, &db), INDEX_REBUILD,
		  "a file that is not a database asks for a full build");
	CHECK(build_clean(path), "a current kb.db");
	CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
		      sqlite3_exec(db, "PRAGMA user_version = 0", NULL, NULL,
				   NULL) == SQLITE_OK,
	      "make it look like an older schema");
	sqlite3_close(db);
	CHECK_INT(index_open_update(path, &db), INDEX_REBUILD,
		  "another schema version asks for a full build");
	CHECK(sqlite3_open(path, &db) == SQLITE_OK &&
		      sqlite3_exec(db, "PRAGMA user_version = "
				   "1000", NULL, NULL, NULL) == SQLITE_OK,
	      "a newer schema");
	sqlite3_close(db);
	CHECK_INT(index_open_update(path, &db), INDEX_REBUILD,
		  "a newer schema version asks for a full build too");
	CHECK(build_clean(path) == false, "index_open refuses an existing file");
	CHECK(diag_error_count() > 0, "with a diagnostic");
	diag_clear();
	unlink(path);
	CHECK(build_clean(path), "a current kb.db again");
	CHECK_INT(pragma_int(path, "PRAGMA page_size"), INDEX_PAGE_SIZE,
		  "made with INDEX_PAGE_SIZE pages");
	rc = index_open_update(path, &db);
	CHECK_INT(rc, 0, "the current version opens for update");
	CHECK_INT(index_close(db, path, 1), 0, "and closes");
	free(missing);
	free(junk);
	free(path);
}

static char *diagnostics(void)
{
	char *text = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	if (stream == NULL)
		return xstrdup("");
	diag_print_color(stream, false);
	fclose(stream);
	return text;
}

/* A duplicate row is found when the queue is written, and the diagnostic
 * names it; the file is rolled back. */
static void test_duplicates(void)
{
	char *path = scratch_path("duplicate.db"), *messages;
	sqlite3 *db = NULL;

	TEST_SUITE("index/duplicates");
	diag_clear();
	CHECK(build_clean(path), "a kb.db");
	CHECK(index_open_update(path, &db) == 0 && ADD_NODES(db, tree10),
	      "queue a wizard node that is there already");
	CHECK_INT(index_close(db, path, 1), -1, "closing fails");
	messages = diagnostics();
	CHECK(strstr(messages, "/kb/wizard/t10/start/") != NULL &&
		      strstr(messages, "exists already") != NULL,
	      "the diagnostic names the row");
	free(messages);
	diag_clear();
	messages = results_of(path);
	CHECK(strstr(messages, "zebra (0, 1):") != NULL,
	      "kb.db is as it was");
	free(messages);
	free(path);
}

/* ---- the trees and the theme, rewritten in place ---------------------------- */

struct loaded_site {
	struct site *site;
	struct tree **trees;
	size_t tree_count;
	struct wizard_links links;
	struct theme *theme;
};

static bool article_exists(void *user, const char *name)
{
	return site_find_article(user, name) != NULL;
}

static bool link_exists(void *user, const char *name)
{
	return site_config_link(&((struct site *)user)->config, name) != NULL;
}

/* The shipped site, loaded as the build loads it. */
static bool load_shipped(struct loaded_site *loaded)
{
	struct site_config config;
	struct tree_context context = {article_exists, link_exists, NULL};
	struct theme_config theme_config = {0};

	if (!site_config_load(".", &config)) {
		site_config_free(&config);
		return false;
	}
	loaded->site = site_load(".", NULL, NULL);
	if (loaded->site == NULL) {
		site_config_free(&config);
		return false;
	}
	loaded->site->config = config;
	context.user = loaded->site;
	if (tree_load_all(".", &context, &loaded->trees,
			  &loaded->tree_count) != 0)
		return false;
	loaded->links = (struct wizard_links){loaded->site, loaded->trees,
					      loaded->tree_count};
	loaded->site->tree_links = wizard_resolve_link;
	loaded->site->tree_links_user = &loaded->links;
	theme_config.root = ".";
	theme_config.language = config.language;
	theme_config.base_path = config.base_path;
	theme_config.site_title = config.title;
	theme_config.search_action = "/search/";
	loaded->theme = theme_load(&theme_config);
	if (loaded->theme == NULL)
		return false;
	/* the navigation, as the build adds it */
	theme_add_nav(loaded->theme, "", theme_text(loaded->theme, "home"));
	for (size_t i = 0; i < loaded->site->section_count; i++) {
		char *path = xasprintf("%s/", loaded->site->sections[i]->name);

		theme_add_nav(loaded->theme, path,
			      loaded->site->sections[i]->title);
		free(path);
	}
	if (loaded->tree_count > 0)
		theme_add_nav(loaded->theme, "wizard/",
			      theme_text(loaded->theme, "wizard-title"));
	return true;
}

static void free_loaded(struct loaded_site *loaded)
{
	for (size_t i = 0; i < loaded->tree_count; i++)
		tree_free(loaded->trees[i]);
	free(loaded->trees);
	theme_free(loaded->theme);
	site_free(loaded->site);
}

static void test_stores_in_place(void)
{
	struct build_options options = {0};
	struct loaded_site loaded = {0};
	char *out = scratch_path("site"), *built, *copy;
	char *want = NULL, *got = NULL, *search_action = NULL;
	sqlite3 *db = NULL;
	char *text = NULL;
	size_t length = 0;
	bool ok;

	TEST_SUITE("index/stores-in-place");
	diag_clear();
	options.root = ".";
	options.out_dir = out;
	options.quiet = true;
	CHECK_INT(build_run(&options), BUILD_OK, "the shipped site builds");
	built = path_join(out, "kb.db");
	copy = scratch_path("stores.db");
	ok = read_file(built, (size_t)1 << 30, &text, &length) == 0 &&
	     write_file(copy, text, length) == 0;
	free(text);
	CHECK(ok, "copy its kb.db");
	CHECK(load_shipped(&loaded), "load the shipped site, trees and theme");
	/* what the build gave as search_action, read back from kb.db */
	if (sqlite3_open_v2(copy, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK) {
		sqlite3_stmt *statement = NULL;

		if (sqlite3_prepare_v2(db, "SELECT value FROM theme WHERE key = "
				       "'search_action'", -1, &statement,
				       NULL) == SQLITE_OK &&
		    sqlite3_step(statement) == SQLITE_ROW)
			search_action = xstrdup(
				(const char *)sqlite3_column_text(statement, 0));
		sqlite3_finalize(statement);
	}
	sqlite3_close(db);
	db = NULL;
	CHECK(search_action != NULL, "the stored search action");
	/* twice: the second write must replace the first */
	for (int round = 0; round < 2 && loaded.theme && search_action; round++) {
		ok = index_open_update(copy, &db) == 0 &&
		     treestore_write(db, loaded.site, loaded.trees,
				     loaded.tree_count) == 0 &&
		     themestore_write(db, ".", &loaded.site->config,
				      loaded.theme, search_action) == 0;
		ok = index_close(db, copy, ok) == 0 && ok;
		CHECK(ok, round == 0 ? "rewrite the trees and the theme in place"
				     : "and once more");
	}
	want = logical_dump(built);
	got = logical_dump(copy);
	CHECK(strstr(want, "== trees\n") && strstr(want, "== theme\n"),
	      "the dump holds the trees and the theme");
	CHECK_STR(got, want, "rewritten in place, kb.db equals the built one");
	free(got);
	free(want);
	free(search_action);
	free_loaded(&loaded);
	free(copy);
	free(built);
	free(out);
}

/* ---- a reader while a writer updates ------------------------------------------ */

/* The writer: article b switches between its two versions (2 and 3 rows
 * with "zebra"), each switch one transaction, for `seconds` and at least
 * `rounds` times. Returns 0, or 1 at the first failure. */
static int writer_loop(const char *path, int rounds, int seconds)
{
	time_t start = time(NULL);

	for (int round = 0; round < rounds || time(NULL) - start < seconds;
	     round++) {
		sqlite3 *db = NULL;
		bool ok = index_open_update(path, &db) == 0 &&
			  index_remove_article(db, "/kb/mail/b/") == 0 &&
			  add_fake_article(db, round % 2 ? &article_b2
							 : &article_b1);

		if (index_close(db, path, ok) != 0 || !ok)
			return 1;
		/* a breath between builds; back to back commits would leave
		 * the reader hardly a chance to take its shared lock */
		usleep(20000);
	}
	return 0;
}

/* True when result shows b's DKIM section, as the best row or under it:
 * only the second version of b has one. */
static bool mentions_dkim(const struct search_result *result)
{
	if (result->anchor != NULL && strcmp(result->anchor, "dkim") == 0)
		return true;
	for (size_t k = 0; k < result->section_count; k++)
		if (strcmp(result->sections[k].anchor, "dkim") == 0)
			return true;
	return false;
}

static void test_concurrent_reader(void)
{
	char *path = scratch_path("concurrent.db");
	struct cgi_site site;
	int queries = 0, errors = 0, odd = 0, status = -1;
	bool seen2 = false, seen3 = false;
	pid_t writer;
	time_t start;

	TEST_SUITE("index/concurrent-reader");
	CHECK(build_clean(path), "a kb.db to update");
	fflush(stdout);
	writer = fork();
	if (writer == 0) {
		_exit(writer_loop(path, 100, 2));
	}
	CHECK(writer > 0, "start a writer process");
	cgi_site_open(&site, path);
	CHECK(site.db != NULL, "kb.cgi's way of opening kb.db");
	start = time(NULL);
	while (writer > 0 && site.db != NULL && time(NULL) - start < 60) {
		struct search_results results;
		int rc = search_run(site.db, "zebra", 5, 10, 0, &results);

		queries++;
		if (rc != SEARCH_OK)
			errors++;
		else if (results.total == 1 && results.count == 1 &&
			 mentions_dkim(&results.items[0]))
			seen3 = true; /* b's second version: intro, SPF, DKIM */
		else if (results.total == 1 && results.count == 1)
			seen2 = true; /* the first: intro and SPF */
		else
			odd++;
		search_results_free(&results);
		if (waitpid(writer, &status, WNOHANG) == writer)
			break;
	}
	if (writer > 0 && !(WIFEXITED(status) || WIFSIGNALED(status))) {
		kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the writer's updates all commit");
	CHECK(queries >= 20, "the reader queried meanwhile");
	CHECK_INT(errors, 0, "no query fails while the writer writes");
	CHECK_INT(odd, 0, "every query sees one version: 2 or 3 rows (one "
		  "article with 1 or 2 sections), count and page agreeing");
	CHECK(seen2 && seen3, "the reader sees both versions: updates show "
	      "as they commit");
	cgi_site_close(&site);
	free(path);
}

/* ---- the build's segments, one per level ---------------------------------- */

/* A rowid span that makes a few of the bulk rows collide (few enough to
 * keep a build below FTS5's 16 segments a level), and one that makes
 * enough collide for FTS5 to merge while building; the edits made in
 * place; the share of the build's pages that no edit may write. */
#define SPREAD_COLLISION_SPAN 100000
#define SPREAD_CRISIS_SPAN 10000
#define SPREAD_EDITS 40
#define SPREAD_MAX_SHARE 4

/* FTS5's structure record as these tests read it, on their own (not with
 * index.c's parser): each segment with its level, oldest first within a
 * level. */
#define TEST_MAX_SEGMENTS 100
struct test_segment {
	long long id, first, last;
	long long level;
};
struct test_structure {
	bool parsed;
	unsigned long cookie;
	long long level_count, write_counter;
	bool merging; /* a level has a merge under way */
	int count;
	struct test_segment segments[TEST_MAX_SEGMENTS];
};

static bool get_varint(const unsigned char *data, size_t length, size_t *at,
		       long long *value)
{
	unsigned long long result = 0;

	for (int i = 0; i < 9; i++) {
		unsigned char byte;

		if (*at >= length)
			return false;
		byte = data[(*at)++];
		if (i == 8) {
			result = result << 8 | byte;
			break;
		}
		result = result << 7 | (byte & 0x7f);
		if ((byte & 0x80) == 0)
			break;
	}
	*value = (long long)result;
	return true;
}

/* Appends a varint of at most 8 bytes (values below 2^56). */
static void put_varint(struct buf *out, unsigned long long value)
{
	char bytes[8];
	int count = 0;

	do {
		bytes[count++] = (char)(value & 0x7f);
		value >>= 7;
	} while (value != 0 && count < 8);
	while (count > 0) {
		count--;
		buf_addc(out, (char)(bytes[count] | (count > 0 ? 0x80 : 0)));
	}
}

static void put_segment(struct buf *out, const struct test_segment *segment)
{
	put_varint(out, (unsigned long long)segment->id);
	put_varint(out, (unsigned long long)segment->first);
	put_varint(out, (unsigned long long)segment->last);
}

static struct test_structure parse_structure(const unsigned char *data,
					     size_t length)
{
	struct test_structure structure = {0};
	long long segment_count = 0, merge = 0, in_level = 0;
	size_t at = 4;
	bool ok = length > 4 &&
		  get_varint(data, length, &at, &structure.level_count) &&
		  get_varint(data, length, &at, &segment_count) &&
		  get_varint(data, length, &at, &structure.write_counter) &&
		  structure.level_count <= 64 &&
		  segment_count <= TEST_MAX_SEGMENTS;

	structure.cookie = (unsigned long)data[0] << 24 |
			   (unsigned long)data[1] << 16 |
			   (unsigned long)data[2] << 8 | data[3];
	for (long long level = 0; ok && level < structure.level_count;
	     level++) {
		ok = get_varint(data, length, &at, &merge) &&
		     get_varint(data, length, &at, &in_level) &&
		     structure.count + in_level <= segment_count;
		structure.merging |= merge != 0;
		for (long long i = 0; ok && i < in_level; i++) {
			struct test_segment *segment =
				&structure.segments[structure.count++];

			segment->level = level;
			ok = get_varint(data, length, &at, &segment->id) &&
			     get_varint(data, length, &at, &segment->first) &&
			     get_varint(data, length, &at, &segment->last);
		}
	}
	structure.parsed = ok && at == length &&
			   structure.count == segment_count;
	return structure;
}

/* Row 10 of search_data, as a blob the caller frees; NULL if missing. */
static unsigned char *structure_record(sqlite3 *db, size_t *length)
{
	sqlite3_stmt *statement = NULL;
	unsigned char *record = NULL;

	*length = 0;
	if (sqlite3_prepare_v2(db, "SELECT block FROM search_data "
			       "WHERE id = 10", -1, &statement,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW) {
		*length = (size_t)sqlite3_column_bytes(statement, 0);
		record = xmalloc(*length + 1);
		if (*length > 0)
			memcpy(record, sqlite3_column_blob(statement, 0),
			       *length);
	}
	sqlite3_finalize(statement);
	return record;
}

static bool set_structure_record(sqlite3 *db, const void *record,
				 size_t length)
{
	sqlite3_stmt *statement = NULL;
	bool ok = sqlite3_prepare_v2(db, "UPDATE search_data SET block = ?1 "
				     "WHERE id = 10", -1, &statement,
				     NULL) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 1, record, (int)length,
				    SQLITE_TRANSIENT) == SQLITE_OK &&
		  sqlite3_step(statement) == SQLITE_DONE;

	sqlite3_finalize(statement);
	return ok;
}

static struct test_structure structure_of(const char *path)
{
	struct test_structure structure = {0};
	sqlite3 *db = NULL;
	unsigned char *record;
	size_t length;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK) {
		record = structure_record(db, &length);
		if (record != NULL)
			structure = parse_structure(record, length);
		free(record);
	}
	sqlite3_close(db);
	return structure;
}

/* "ok", or FTS5's word on what is wrong with the index at path. */
static char *integrity_of(const char *path)
{
	sqlite3 *db = NULL;
	char *answer;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
		    SQLITE_OK ||
	    search_register(db) != SEARCH_OK)
		answer = xstrdup("cannot open");
	else if (sqlite3_exec(db, "INSERT INTO search(search) "
			      "VALUES('integrity-check')", NULL, NULL,
			      NULL) != SQLITE_OK)
		answer = xstrdup(sqlite3_errmsg(db));
	else
		answer = xstrdup("ok");
	sqlite3_close(db);
	return answer;
}

/* Every id of search_data, ascending, for counting the pages an update
 * writes: a page FTS5 writes gets an id no page had before. */
struct id_set {
	long long *ids;
	size_t count, capacity;
};

static struct id_set data_ids(const char *path)
{
	struct id_set set = {0};
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT id FROM search_data WHERE id > 10 "
			       "ORDER BY id", -1, &statement, NULL) ==
		    SQLITE_OK) {
		while (sqlite3_step(statement) == SQLITE_ROW) {
			set.ids = xgrow(set.ids, &set.capacity, set.count + 1,
					sizeof *set.ids);
			set.ids[set.count++] =
				sqlite3_column_int64(statement, 0);
		}
	}
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return set;
}

/* How many ids of after are not in before. */
static size_t new_ids(const struct id_set *before, const struct id_set *after)
{
	size_t added = 0, i = 0;

	for (size_t j = 0; j < after->count; j++) {
		while (i < before->count && before->ids[i] < after->ids[j])
			i++;
		if (i == before->count || before->ids[i] != after->ids[j])
			added++;
	}
	return added;
}

/* A bulk article's text: `words` words drawn from a few thousand made-up
 * ones by a fixed sequence, so that each article indexes as about as many
 * distinct terms as words. */
static char *bulk_text(unsigned seed, int words)
{
	static const char *const syllables[] = {
		"ka", "ri", "mo", "ten", "sa", "lu", "ve", "no",
		"pi", "dor", "xa", "qu", "be", "zi", "ho", "gan",
	};
	struct buf text = {0};
	unsigned state = seed * 2654435761u + 1;

	for (int i = 0; i < words; i++) {
		int length;

		state = state * 1103515245u + 12345u;
		length = 2 + (int)(state >> 16) % 3;
		if (i > 0)
			buf_addc(&text, ' ');
		for (int s = 0; s < length; s++) {
			state = state * 1103515245u + 12345u;
			buf_adds(&text, syllables[(state >> 16) % 16]);
		}
	}
	return buf_detach(&text);
}

/* Article number's url path, "bulk/<number>/"; version changes its text.
 * Three rows: the intro and two parts. */
static bool add_bulk_article(sqlite3 *db, unsigned number, unsigned version)
{
	char *url_path = xasprintf("bulk/%u/", number);
	char *title = xasprintf("bulk %u", number);
	char *texts[3];
	struct fake_article fake = {url_path, title, "bulk", NULL, {{0}}};
	bool ok;

	for (int i = 0; i < 3; i++)
		texts[i] = bulk_text(number * 1000u + version * 10u +
					     (unsigned)i,
				     100);
	fake.intro = texts[0];
	fake.parts[0][0] = "one";
	fake.parts[0][1] = "One";
	fake.parts[0][2] = texts[1];
	fake.parts[1][0] = "two";
	fake.parts[1][1] = "Two";
	fake.parts[1][2] = texts[2];
	ok = add_fake_article(db, &fake);
	for (int i = 0; i < 3; i++)
		free(texts[i]);
	free(title);
	free(url_path);
	return ok;
}

/* The build's batches of bulk articles, oldest first: each batch is
 * written as one segment (a removal writes the writer's queue), largest
 * first and smaller towards the end, as a full build's queues are. */
static const unsigned bulk_batches[] = {320, 160, 80, 40, 10, 2};
#define BULK_BATCHES (sizeof bulk_batches / sizeof *bulk_batches)

static unsigned bulk_total(void)
{
	unsigned total = 0;

	for (size_t i = 0; i < BULK_BATCHES; i++)
		total += bulk_batches[i];
	return total;
}

/* A full build of the bulk articles, each at its version in versions (or
 * 0 for a NULL versions). */
static bool build_bulk(const char *path, const unsigned *versions)
{
	sqlite3 *db = NULL;
	unsigned number = 0;
	bool ok = index_open(path, &db) == 0;

	for (size_t batch = 0; ok && batch < BULK_BATCHES; batch++) {
		for (unsigned i = 0; ok && i < bulk_batches[batch]; i++) {
			ok = add_bulk_article(db, number,
					      versions ? versions[number] : 0);
			number++;
		}
		/* nothing to remove, but the queue is written */
		ok = ok && index_remove_article(db, "/kb/no/such/") == 0;
	}
	ok = ok && ADD_NODES(db, tree10);
	return index_close(db, path, ok) == 0 && ok;
}

/* Puts the segments of a spread structure back at level 0, oldest first,
 * as FTS5 wrote them: the index as it was before index_close moved them.
 * Checks that index_spread_structure turns that record into the one
 * found. */
static bool unspread(const char *path)
{
	sqlite3 *db = NULL;
	unsigned char *record, *again = NULL;
	size_t length, again_length = 0;
	struct test_structure spread;
	struct buf old = {0};
	bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
		  SQLITE_OK;

	record = ok ? structure_record(db, &length) : NULL;
	spread = record ? parse_structure(record, length)
			: (struct test_structure){0};
	ok = spread.parsed && spread.cookie > 0 && !spread.merging;
	if (ok) {
		unsigned long cookie = spread.cookie - 1;

		for (int i = 0; i < 4; i++)
			buf_addc(&old, (char)(cookie >> (24 - 8 * i)));
		put_varint(&old, 1);
		put_varint(&old, (unsigned long long)spread.count);
		put_varint(&old, (unsigned long long)spread.write_counter);
		put_varint(&old, 0);
		put_varint(&old, (unsigned long long)spread.count);
		for (int i = spread.count - 1; i >= 0; i--)
			put_segment(&old, &spread.segments[i]);
		ok = index_spread_structure((const unsigned char *)old.data,
					    old.length, &again,
					    &again_length) &&
		     again_length == length &&
		     memcmp(again, record, length) == 0 &&
		     set_structure_record(db, old.data, old.length);
	}
	free(again);
	free(record);
	buf_free(&old);
	sqlite3_close(db);
	return ok;
}

static bool copy_file(const char *from, const char *to)
{
	char *text = NULL;
	size_t length = 0;
	bool ok = read_file(from, (size_t)1 << 30, &text, &length) == 0 &&
		  write_file(to, text, length) == 0;

	free(text);
	return ok;
}

/* The results (url#anchor in order, and the total) of queries on bulk
 * terms: whole words, phrases and prefixes. */
static char *bulk_results_of(const char *path)
{
	static const char *const queries[] = {
		"kari", "tenmo", "dorxa qu", "sa", "ve", "gan", "bulk",
		"zihoka", "pidor lu", "notenve",
	};

	return query_results(path, queries, sizeof queries / sizeof *queries,
			     false);
}

/* Checks that the index at path holds what the one at other holds (every
 * term instance and row, what says how they were made) and answers the
 * bulk queries alike. */
static void check_same_index(const char *path, const char *other,
			     const char *what)
{
	char *want = logical_dump(other), *got = logical_dump(path);

	CHECK_STR(got, want, what);
	free(got);
	free(want);
	want = bulk_results_of(other);
	got = bulk_results_of(path);
	CHECK_STR(got, want, "the same results in the same order");
	free(got);
	free(want);
}

/* One segment per level and level 0 empty. */
static bool one_per_level(const struct test_structure *structure)
{
	bool ok = structure->parsed && !structure->merging &&
		  structure->level_count == structure->count + 1;

	for (int i = 0; ok && i < structure->count; i++)
		ok = structure->segments[i].level == i + 1;
	return ok;
}

/* Segment ids falling from level 1 up: a build that merged nothing
 * numbers its segments in the order it writes them, so the newest is at
 * level 1. */
static bool newest_lowest(const struct test_structure *structure)
{
	bool ok = structure->count > 0;

	for (int i = 1; ok && i < structure->count; i++)
		ok = structure->segments[i].id < structure->segments[i - 1].id;
	return ok;
}

static void test_spread_fresh(void)
{
	char *path = scratch_path("spread.db");
	char *before = scratch_path("unspread.db");
	char *answer, *want, *got;
	struct test_structure structure;
	bool sizes_grow = true;

	TEST_SUITE("index/spread-fresh");
	CHECK(build_bulk(path, NULL),
	      "a full build of bulk articles in batches");
	structure = structure_of(path);
	CHECK(structure.parsed, "its structure record reads as FTS5's V1 form");
	CHECK_INT(structure.count, (long long)BULK_BATCHES,
		  "a segment per batch");
	CHECK(one_per_level(&structure),
	      "one segment per level, level 0 empty");
	CHECK(newest_lowest(&structure), "the newest at level 1");
	for (int i = 1; i < structure.count; i++)
		sizes_grow &= structure.segments[i].last -
				      structure.segments[i].first >
			      structure.segments[i - 1].last -
				      structure.segments[i - 1].first;
	CHECK(sizes_grow, "so the smallest (the last batch) at level 1, each "
	      "level's larger than the one below");
	answer = integrity_of(path);
	CHECK_STR(answer, "ok", "FTS5's integrity-check passes");
	free(answer);

	CHECK(copy_file(path, before) && unspread(before),
	      "the same index with its segments back at level 0");
	structure = structure_of(before);
	CHECK(structure.parsed && structure.level_count == 1,
	      "all at level 0 there");
	answer = integrity_of(before);
	CHECK_STR(answer, "ok", "and FTS5's integrity-check passes there");
	free(answer);
	want = logical_dump(before);
	got = logical_dump(path);
	CHECK(strstr(want, "kalu") != NULL, "the dump holds the bulk terms");
	CHECK_STR(got, want, "every term instance and row the same either way");
	free(got);
	free(want);
	want = bulk_results_of(before);
	got = bulk_results_of(path);
	CHECK(strstr(want, "(0, 0)") == NULL, "every query finds rows");
	CHECK_STR(got, want, "the same results in the same order");
	free(got);
	free(want);
	free(before);
	free(path);
}

/* The structure of path with its segments in the reverse order: the
 * oldest at level 1. */
static bool reverse_levels(const char *path)
{
	sqlite3 *db = NULL;
	unsigned char *record;
	size_t length;
	struct test_structure structure;
	struct buf reversed = {0};
	bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) ==
		  SQLITE_OK;

	record = ok ? structure_record(db, &length) : NULL;
	structure = record ? parse_structure(record, length)
			   : (struct test_structure){0};
	ok = one_per_level(&structure);
	if (ok) {
		buf_add(&reversed, (const char *)record, 4);
		put_varint(&reversed, (unsigned long long)structure.count + 1);
		put_varint(&reversed, (unsigned long long)structure.count);
		put_varint(&reversed,
			   (unsigned long long)structure.write_counter);
		put_varint(&reversed, 0);
		put_varint(&reversed, 0);
		for (int i = structure.count - 1; i >= 0; i--) {
			put_varint(&reversed, 0);
			put_varint(&reversed, 1);
			put_segment(&reversed, &structure.segments[i]);
		}
		ok = set_structure_record(db, reversed.data, reversed.length);
	}
	free(record);
	buf_free(&reversed);
	sqlite3_close(db);
	return ok;
}

/* Rows whose homes collide: a full build then moves a row written in one
 * segment to the next rowid, and the deletion lands in a later segment.
 * The spread keeps FTS5's reading order, so the index answers as before;
 * the reverse order would not. With span SPREAD_CRISIS_SPAN the moves
 * split the batches into so many segments that FTS5 merges some while
 * building, as at 50,000 articles: those are spread too. */
static void test_spread_collisions(long long span, bool crisis)
{
	char *path = scratch_path("spread-collide.db");
	char *before = scratch_path("unspread-collide.db");
	char *reversed = scratch_path("reversed-collide.db");
	char *answer;
	struct test_structure structure;

	TEST_SUITE(crisis ? "index/spread-crisis" : "index/spread-collisions");
	unlink(path);
	search_testing_set_rowid_span(span);
	CHECK(build_bulk(path, NULL), "a full build whose rows collide");
	structure = structure_of(path);
	CHECK(structure.count > (int)BULK_BATCHES,
	      "moved rows split batches into more segments");
	CHECK(structure.count > 0 &&
		      (structure.segments[structure.count - 1].id >
		       structure.count) == crisis,
	      crisis ? "FTS5 merged some of them while building (a segment "
		       "id above the count)"
		     : "FTS5 merged none of them");
	CHECK(one_per_level(&structure), "one segment per level");
	answer = integrity_of(path);
	CHECK_STR(answer, "ok", "FTS5's integrity-check passes");
	free(answer);
	CHECK(copy_file(path, before) && unspread(before),
	      "the same index with its segments at level 0, read in the "
	      "same order");
	check_same_index(path, before,
			 "every term instance and row the same either way");
	CHECK(copy_file(path, reversed) && reverse_levels(reversed),
	      "the same segments, the oldest at level 1");
	answer = integrity_of(reversed);
	CHECK(strcmp(answer, "ok") != 0,
	      "fails FTS5's integrity-check: the order of levels matters");
	free(answer);
	search_testing_set_rowid_span(0);
	free(reversed);
	free(before);
	free(path);
}

static bool has_segment(const struct test_structure *structure,
			const struct test_segment *wanted)
{
	for (int i = 0; i < structure->count; i++) {
		const struct test_segment *segment = &structure->segments[i];

		if (segment->id == wanted->id &&
		    segment->first == wanted->first &&
		    segment->last == wanted->last)
			return true;
	}
	return false;
}

/* One-article edits in place after a full build, as an incremental build
 * makes them (remove the article, add it back, commit): the regression
 * test for the crisis merge that rewrote the whole index at the second
 * or third edit. Counted in pages, not timed. */
static void test_spread_updates(void)
{
	char *path = scratch_path("spread-updates.db");
	char *clean = scratch_path("spread-clean.db");
	unsigned total = bulk_total();
	unsigned *versions = xcalloc(total, sizeof *versions);
	struct test_structure built, now;
	struct test_segment largest = {0};
	struct id_set before, after;
	long long build_pages = 0;
	size_t most_written = 0;
	bool ok, kept = true;
	char *answer;

	TEST_SUITE("index/spread-updates");
	CHECK(build_bulk(path, NULL), "a full build of bulk articles");
	built = structure_of(path);
	CHECK(one_per_level(&built), "spread one segment per level");
	for (int i = 0; i < built.count; i++) {
		const struct test_segment *segment = &built.segments[i];

		build_pages += segment->last - segment->first + 1;
		if (segment->last - segment->first >
		    largest.last - largest.first)
			largest = *segment;
	}
	before = data_ids(path);
	ok = built.parsed;
	for (unsigned edit = 1; ok && edit <= SPREAD_EDITS; edit++) {
		unsigned number = (edit * 37u) % total;
		char *url = xasprintf("/kb/bulk/%u/", number);
		sqlite3 *db = NULL;
		size_t written;

		versions[number] = edit;
		ok = index_open_update(path, &db) == 0 &&
		     index_remove_article(db, url) == 0 &&
		     add_bulk_article(db, number, edit);
		ok = index_close(db, path, ok) == 0 && ok;
		now = structure_of(path);
		after = data_ids(path);
		written = new_ids(&before, &after);
		if (written > most_written)
			most_written = written;
		kept &= has_segment(&now, &largest);
		free(before.ids);
		before = after;
		free(url);
	}
	free(before.ids);
	CHECK(ok, "40 one-article edits, each a transaction of its own");
	CHECK(kept, "after each, the build's largest segment is there, "
	      "untouched (same id, same pages)");
	CHECK(largest.last > 0 && most_written * SPREAD_MAX_SHARE <
					  (size_t)build_pages,
	      "no edit writes a quarter as many pages as the build did (a "
	      "crisis merge wrote them all again)");
	answer = integrity_of(path);
	CHECK_STR(answer, "ok", "FTS5's integrity-check passes");
	free(answer);
	CHECK(build_bulk(clean, versions),
	      "a full build of the edited articles");
	check_same_index(path, clean,
			 "the edited index holds what a full build holds");
	free(versions);
	free(clean);
	free(path);
}

/* index_spread_structure on records made by hand. */
static bool spreads_to(const unsigned char *record, size_t length,
		       const unsigned char *want, size_t want_length)
{
	unsigned char *out = NULL;
	size_t out_length = 0;
	bool ok = index_spread_structure(record, length, &out, &out_length) &&
		  out_length == want_length &&
		  memcmp(out, want, want_length) == 0;

	free(out);
	return ok;
}

static bool refused(const void *record, size_t length)
{
	unsigned char *out = (unsigned char *)"";
	size_t out_length = 1;

	return !index_spread_structure(record, length, &out, &out_length) &&
	       out == NULL && out_length == 0;
}

#define SPREADS_TO(record, want) \
	spreads_to(record, sizeof record, want, sizeof want)
#define REFUSED(record) refused(record, sizeof record)

/* count segments (ids from 1, pages 1 to 10) at level 0. */
static struct buf level_zero_record(int count)
{
	struct buf record = {0};

	buf_add(&record, "\0\0\0\1", 4);
	put_varint(&record, 1);
	put_varint(&record, (unsigned long long)count);
	put_varint(&record, 0);
	put_varint(&record, 0);
	put_varint(&record, (unsigned long long)count);
	for (int i = 1; i <= count; i++) {
		put_varint(&record, (unsigned long long)i);
		put_varint(&record, 1);
		put_varint(&record, 10);
	}
	return record;
}

static void test_spread_records(void)
{
	/* cookie 5; 1 level, 3 segments, 300 leaves written; level 0: no
	 * merge, segments 1 (pages 1-200), 2 (1-50), 3 (1-7) */
	static const unsigned char three[] = {
		0, 0, 0, 5, 1, 3, 0x82, 0x2c, 0, 3,
		1, 1, 0x81, 0x48, 2, 1, 50, 3, 1, 7,
	};
	/* cookie 6; 4 levels; level 0 empty, then 3, 2, 1 */
	static const unsigned char three_spread[] = {
		0, 0, 0, 6, 4, 3, 0x82, 0x2c, 0, 0,
		0, 1, 3, 1, 7, 0, 1, 2, 1, 50, 0, 1, 1, 1, 0x81, 0x48,
	};
	/* a nine-byte write counter, 0xff00000000000001 */
	static const unsigned char big_counter[] = {
		0, 0, 0, 1, 1, 1, 0xff, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 1, 0, 1, 9, 2, 3,
	};
	static const unsigned char big_counter_spread[] = {
		0, 0, 0, 2, 2, 1, 0xff, 0xc0, 0x80, 0x80, 0x80, 0x80, 0x80,
		0x80, 1, 0, 0, 0, 1, 9, 2, 3,
	};
	/* the V2 form of newer SQLite: 0xff 0x00 0x00 0x01 after the
	 * cookie, and more fields per segment */
	static const unsigned char version2[] = {
		0, 0, 0, 5, 0xff, 0, 0, 1, 1, 1, 0,
		0, 1, 1, 1, 7, 1, 1, 0, 0, 3,
	};
	static const unsigned char no_segments[] = {0, 0, 0, 1, 0, 0, 0};
	static const unsigned char not_shortest[] = {
		0, 0, 0, 5, 0x80, 1, 1, 0, 0, 1, 1, 1, 7,
	};
	static const unsigned char merging[] = {
		0, 0, 0, 5, 1, 2, 0, 2, 2, 1, 1, 7, 2, 1, 7,
	};
	/* after a crisis merge: level 0 holds segments 5 (pages 1-3) and
	 * 6 (1-2), level 1 segments 1 (1-100) and 2 (1-40) */
	static const unsigned char two_levels[] = {
		0, 0, 0, 5, 2, 4, 0, 0, 2, 5, 1, 3, 6, 1, 2,
		0, 2, 1, 1, 100, 2, 1, 40,
	};
	/* read newest first, level by level: 6, 5, 2, 1 */
	static const unsigned char two_levels_spread[] = {
		0, 0, 0, 6, 5, 4, 0, 0, 0, 0, 1, 6, 1, 2, 0, 1, 5, 1, 3,
		0, 1, 2, 1, 40, 0, 1, 1, 1, 100,
	};
	static const unsigned char segment_zero[] = {
		0, 0, 0, 5, 1, 1, 0, 0, 1, 0, 1, 7,
	};
	static const unsigned char page_zero[] = {
		0, 0, 0, 5, 1, 1, 0, 0, 1, 1, 0, 7,
	};
	static const unsigned char pages_backwards[] = {
		0, 0, 0, 5, 1, 1, 0, 0, 1, 1, 8, 7,
	};
	static const unsigned char last_cookie[] = {
		0x7f, 0xff, 0xff, 0xff, 1, 1, 0, 0, 1, 1, 1, 7,
	};
	static const unsigned char negative_cookie[] = {
		0x80, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 7,
	};
	static const char garbage[] = "not a structure record at all";
	struct buf record;
	unsigned char *spread = NULL;
	size_t spread_length = 0;

	TEST_SUITE("index/spread-records");
	CHECK(SPREADS_TO(three, three_spread),
	      "three segments at level 0: level 0 emptied, the newest at "
	      "level 1, the cookie incremented, nothing else changed");
	CHECK(SPREADS_TO(big_counter, big_counter_spread),
	      "a nine-byte varint is read and written back as it was");
	CHECK(index_spread_structure(three, sizeof three, &spread,
				     &spread_length) &&
		      refused(spread, spread_length),
	      "a spread record is not spread again");
	free(spread);
	CHECK(REFUSED(version2), "a V2 record is left as it is");
	CHECK(refused(garbage, sizeof garbage - 1), "so is garbage");
	CHECK(refused(three, 0) && refused(three, 3),
	      "and a record shorter than a cookie");
	CHECK(refused(three, sizeof three - 1), "a record cut short");
	record = level_zero_record(3);
	buf_addc(&record, 0);
	CHECK(refused(record.data, record.length), "a byte too many");
	buf_free(&record);
	CHECK(REFUSED(not_shortest),
	      "a varint FTS5 would have written shorter");
	CHECK(REFUSED(no_segments), "an index without segments");
	CHECK(REFUSED(merging), "a merge under way");
	CHECK(SPREADS_TO(two_levels, two_levels_spread),
	      "segments at levels 0 and 1 (a crisis merge during the build): "
	      "one per level in the order FTS5 reads them");
	CHECK(REFUSED(segment_zero) && REFUSED(page_zero) &&
		      REFUSED(pages_backwards),
	      "segment id 0, page 0, or the last page before the first");
	CHECK(REFUSED(last_cookie) && REFUSED(negative_cookie),
	      "a cookie that cannot be incremented");
	record = level_zero_record(63);
	CHECK(index_spread_structure((const unsigned char *)record.data,
				     record.length, &spread, &spread_length) &&
		      spread_length > 4 && spread[4] == 64,
	      "63 segments take the 64 levels FTS5 allows");
	free(spread);
	buf_free(&record);
	record = level_zero_record(64);
	CHECK(refused(record.data, record.length), "64 segments do not fit");
	buf_free(&record);
}

/* index_close leaves a structure record it does not know as it is, and
 * the build goes on. */
static void test_spread_left_alone(void)
{
	static const unsigned char version2[] = {
		0, 0, 0, 5, 0xff, 0, 0, 1, 1, 1, 0,
		0, 1, 1, 1, 7, 1, 1, 0, 0, 3,
	};
	static const char garbage[] = "not a structure record at all";
	char *path = scratch_path("spread-empty.db");
	struct buf record_made;
	sqlite3 *db = NULL;
	unsigned char *record, *after;
	size_t length = 0, after_length = 0;
	char *answer;
	bool same;

	TEST_SUITE("index/spread-left-alone");
	CHECK(index_open(path, &db) == 0, "a full build of nothing");
	record = db ? structure_record(db, &length) : NULL;
	CHECK_INT(index_close(db, path, 1), 0, "closes");
	db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		after = structure_record(db, &after_length);
	else
		after = NULL;
	sqlite3_close(db);
	db = NULL;
	CHECK(record && after && after_length == length &&
		      memcmp(record, after, length) == 0,
	      "an index without segments keeps its structure record");
	free(after);
	free(record);
	answer = integrity_of(path);
	CHECK_STR(answer, "ok", "and passes FTS5's integrity-check");
	free(answer);
	unlink(path);

	for (int round = 0; round < 2; round++) {
		const void *odd = round ? (const void *)garbage : version2;
		size_t odd_length = round ? sizeof garbage - 1
					  : sizeof version2;

		CHECK(index_open(path, &db) == 0 &&
			      set_structure_record(db, odd, odd_length),
		      round ? "a build whose record is garbage"
			    : "a build whose record is of the V2 form");
		CHECK_INT(index_close(db, path, 1), 0, "closes without error");
		db = NULL;
		after = NULL;
		if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK)
			after = structure_record(db, &after_length);
		sqlite3_close(db);
		db = NULL;
		same = after && after_length == odd_length &&
		       memcmp(after, odd, odd_length) == 0;
		CHECK(same, "the record is left as it was");
		free(after);
		unlink(path);
	}

	/* the control: a record of the expected form, put there the same
	 * way, is spread */
	record_made = level_zero_record(3);
	CHECK(index_open(path, &db) == 0 &&
		      set_structure_record(db, record_made.data,
					   record_made.length),
	      "a build whose record has three segments at level 0");
	CHECK_INT(index_close(db, path, 1), 0, "closes");
	db = NULL;
	after = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
		after = structure_record(db, &after_length);
	sqlite3_close(db);
	CHECK(index_spread_structure((const unsigned char *)record_made.data,
				     record_made.length, &record, &length) &&
		      after && after_length == length &&
		      memcmp(after, record, length) == 0,
	      "that record is spread");
	free(record);
	free(after);
	buf_free(&record_made);
	free(path);
}

int main(void)
{
	char *command;

	if (mkdtemp(scratch) == NULL) {
		perror(scratch);
		return 1;
	}
	test_incremental();
	test_description();
	test_versions();
	test_duplicates();
	test_concurrent_reader();
	test_stores_in_place();
	test_spread_records();
	test_spread_left_alone();
	test_spread_fresh();
	test_spread_collisions(SPREAD_COLLISION_SPAN, false);
	test_spread_collisions(SPREAD_CRISIS_SPAN, true);
	test_spread_updates();
	command = xasprintf("rm -rf '%s'", scratch);
	if (system(command) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
	free(command);
	return TEST_EXIT();
}
