/*
 * test_index.c — kb.db updated in place (index_open_update and the
 * removals) against kb.db built afresh: the logical content (every table,
 * the search rows by rowid, the index's term instances) and the search
 * results in order must be equal; the schema version check; the trees
 * and the theme rewritten into an existing kb.db; and a reader querying
 * (as kb.cgi opens kb.db) while a writer updates in a loop.
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

#include "build.h"
#include "cgi.h"
#include "diag.h"
#include "index.h"
#include "search.h"
#include "site.h"
#include "test.h"
#include "theme.h"
#include "themestore.h"
#include "tree.h"
#include "treestore.h"
#include "util.h"
#include "wizard.h"

static char scratch[] = "/tmp/kbgen-test-index-XXXXXX";

/* ---- a hand-made site ------------------------------------------------------- */

/* An article of the fake site: its url path, title, tags and sections
 * (intro first; then heading id and text, body text pairs). */
struct fake_article {
	const char *url_path, *title, *tags;
	const char *intro;
	const char *sections[3][3]; /* id, heading, text */
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

static bool add_fake_article(sqlite3 *db, const struct fake_article *fake)
{
	struct site site = {0};
	struct article article = {0};
	struct markdown_heading headings[3] = {{0}};
	struct index_section sections[4] = {{0}};
	char *tags[4] = {0};
	char *copy = xstrdup(fake->tags), *save = NULL;
	size_t count = 0, tag_count = 0;
	bool ok;

	site.config.base_path = "/kb/";
	article.source = "content/fake.md";
	article.url_path = (char *)fake->url_path;
	article.meta.title = (char *)fake->title;
	article.meta.description = "";
	article.updated = "2026-01-01";
	for (char *tag = strtok_r(copy, " ", &save); tag && tag_count < 4;
	     tag = strtok_r(NULL, " ", &save))
		tags[tag_count++] = tag;
	article.meta.tags.items = tags;
	article.meta.tags.count = tag_count;
	sections[count++].text = (char *)fake->intro;
	for (size_t i = 0; i < 3 && fake->sections[i][0]; i++) {
		headings[i].level = 2;
		headings[i].id = (char *)fake->sections[i][0];
		headings[i].text = (char *)fake->sections[i][1];
		sections[count].heading = &headings[i];
		sections[count++].text = (char *)fake->sections[i][2];
	}
	ok = index_add_article(db, &site, &article, sections, count) == 0;
	free(copy);
	return ok;
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

/* The results of each query, url#anchor in order, one query a line. */
static char *results_of(const char *path)
{
	static const char *const queries[] = {
		"迷惑", "設定", "メール", "zebra", "確認", "spf", "dkim", "ル",
		"エラー", "届かない",
	};
	struct buf out = {0};
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return xstrdup("cannot open");
	}
	for (size_t q = 0; q < sizeof queries / sizeof *queries; q++) {
		struct search_results results;
		int rc = search_run(db, queries[q], strlen(queries[q]), 100, 0,
				    &results);

		buf_printf(&out, "%s (%d, %zu):", queries[q], rc, results.total);
		for (size_t i = 0; i < results.count; i++)
			buf_printf(&out, " %s#%s %.3f", results.items[i].url,
				   results.items[i].anchor
					   ? results.items[i].anchor
					   : "",
				   results.items[i].rank);
		buf_addc(&out, '\n');
		search_results_free(&results);
	}
	sqlite3_close(db);
	return buf_detach(&out);
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
	CHECK(strstr(results, "zebra (0, 3):") != NULL,
	      "the clean build answers queries");
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
	CHECK(strstr(messages, "zebra (0, 3):") != NULL,
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
	loaded->site = site_load(".", false, NULL);
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
		else if (results.total == 2 && results.count == 2)
			seen2 = true;
		else if (results.total == 3 && results.count == 3)
			seen3 = true;
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
	CHECK_INT(odd, 0, "every query sees one version: 2 or 3 rows, "
		  "count and page agreeing");
	CHECK(seen2 && seen3, "the reader sees both versions: updates show "
	      "as they commit");
	cgi_site_close(&site);
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
	test_versions();
	test_duplicates();
	test_concurrent_reader();
	test_stores_in_place();
	command = xasprintf("rm -rf '%s'", scratch);
	if (system(command) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
	free(command);
	return TEST_EXIT();
}
