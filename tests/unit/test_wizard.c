/*
 * test_wizard.c — the static wizard pages, rendered from a small site
 * built in a scratch folder: tests/trees/good-small.yaml plus a demo tree
 * whose question has a body with links, a heading, a hint and a staff
 * note. Checks the pages' content, that every link between them lands on
 * a page that was written, the map, link checking in node bodies with
 * exact diagnostics, links from articles into trees, and two golden
 * files holding the <main> element of one question and one outcome page.
 *
 * Golden files: tests/golden/wizard-question.html and
 * tests/golden/wizard-outcome.html. After an intended change to the
 * pages, regenerate them with
 *     UPDATE_GOLDEN=1 build/tests/test_wizard
 * and review the diff before committing.
 *
 * Run from the repository root (tests/run does): the theme is the
 * repository's own.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "html/render.h"
#include "content/site.h"
#include "test.h"
#include "html/theme.h"
#include "html/treemap.h"
#include "content/tree.h"
#include "base/util.h"
#include "html/wizard.h"
#include "html/wizardpage.h"

#define BASE "/kb/"
#define BASE_URL "https://help.example.com/kb/"
#define GOLDEN_QUESTION "tests/golden/wizard-question.html"
#define GOLDEN_OUTCOME "tests/golden/wizard-outcome.html"

static const char site_yaml[] =
	"title: テストのヘルプ\n"
	"base_url: " BASE_URL "\n"
	"language: ja\n"
	"cgi_url: /cgi-bin/kb.cgi\n"
	"links:\n"
	"  spf-guide:\n"
	"    title: SPFの公式ガイド\n"
	"    url: https://guide.example.com/spf/\n"
	"  dkim-guide:\n"
	"    title: DKIMの公式ガイド\n"
	"    url: https://guide.example.com/dkim/\n";

static const char section_md[] =
	"---\ntitle: 到達率\ndescription: 届けるための設定\n---\n";

/* The tree calls these deliverability/spf and deliverability/dkim; the
 * pages must show these titles, not anything the tree says. */
static const char spf_md[] =
	"---\ntitle: SPFレコードの書き方\ndescription: SPFの説明\n"
	"date: 2026-01-20\n---\n\n## 確認\n\n確認のしかた。\n";
static const char dkim_md[] =
	"---\ntitle: DKIM署名の付け方\ndescription: DKIMの説明\n"
	"date: 2026-01-21\n---\n\n本文。\n";

/* An article linking into the trees, as writers do. */
static const char guide_md[] =
	"---\ntitle: 困ったとき\ndescription: 診断への入口\n---\n\n"
	"[診断](../../decision-trees/good-small.yaml) と "
	"[迷惑メール](../../decision-trees/good-small.yaml#check-spam)\n";

static const char demo_yaml[] =
	"tree: wizard-demo\n"
	"title: デモの診断\n"
	"description: 表示を確かめるための小さな診断です。\n"
	"duration: 約1分\n"
	"start: first\n"
	"nodes:\n"
	"  first:\n"
	"    type: question\n"
	"    title: 最初の質問ですか?\n"
	"    options:\n"
	"      - {id: \"yes\", label: はい, next: second}\n"
	"      - {id: \"no\", label: いいえ, next: done}\n"
	"  second:\n"
	"    type: question\n"
	"    title: 二番目の <b>質問</b> & 記号ですか?\n"
	"    body: |\n"
	"      # 手順\n"
	"\n"
	"      [SPFの確認](../content/deliverability/spf.md#確認)と"
	"[最初の質問](wizard-demo.yaml#first)、[この手順](#手順)。\n"
	"    hint: 分からなければ「いいえ」を選んでください。\n"
	"    agent_note: 担当者だけが読むメモです。\n"
	"    options:\n"
	"      - {id: a, label: 答えA, next: done}\n"
	"      - {id: b, label: 答えB <i>斜体</i>, next: ask-support}\n"
	"  done:\n"
	"    type: outcome\n"
	"    result: resolved\n"
	"    title: 解決です\n"
	"    articles: [deliverability/spf]\n"
	"  ask-support:\n"
	"    type: outcome\n"
	"    result: escalate\n"
	"    title: お問い合わせください\n"
	"    links: [dkim-guide]\n"
	"tests:\n"
	"  - {path: [first=no], expect: done}\n"
	"  - {path: [first=yes, second=b], expect: ask-support}\n";

/* Every line number below is part of the expected diagnostics. */
static const char broken_yaml[] =
	"tree: broken\n"					/* 1 */
	"title: 壊れたリンク\n"
	"start: ask\n"
	"nodes:\n"
	"  ask:\n"						/* 5 */
	"    type: question\n"
	"    title: 質問\n"
	"    body: |\n"
	"      最初の行\n"					/* 9: body line 1 */
	"      [なし](../content/nothing.md) [節なし](../content/deliverability/spf.md#nope)\n"
	"\n"
	"      [木なし](other.yaml#x) [ノードなし](broken.yaml#nope) [自分](#nope)\n"
	"    options:\n"
	"      - {id: a, label: A, next: map}\n"
	"  map:\n"						/* 15 */
	"    type: outcome\n"
	"    result: resolved\n"
	"    title: 終わり\n"
	"    links: [spf-guide]\n"
	"tests:\n"
	"  - {path: [ask=a], expect: map}\n";

static const char broken_diagnostics[] =
	"decision-trees/broken.yaml:10:12: error: broken link: "
	"'../content/nothing.md' does not exist (resolved to "
	"content/nothing.md)\n"
	"decision-trees/broken.yaml:10:41: error: broken anchor: "
	"content/deliverability/spf.md has no heading '#nope'\n"
	"decision-trees/broken.yaml:12:13: error: broken link: no decision "
	"tree 'decision-trees/other.yaml'\n"
	"decision-trees/broken.yaml:12:35: error: broken anchor: tree "
	"'broken' has no node 'nope'\n"
	"decision-trees/broken.yaml:12:58: error: broken anchor: this node's "
	"body has no heading '#nope'\n"
	"decision-trees/broken.yaml:15:3: error: node id 'map' is reserved: "
	"wizard/broken/map/ is the tree's map page\n";

/* ---- helpers -------------------------------------------------------------- */

struct fixture {
	char *root;
	char *out;
	struct site *site;
	struct theme *theme;
	struct tree **trees;
	size_t tree_count;
	struct wizard_links links;
	struct render_context context;
};

static void put(const char *root, const char *relative, const char *text)
{
	char *path = path_join(root, relative);
	char *slash = strrchr(path, '/');

	*slash = '\0';
	if (make_dirs(path) != 0) {
		perror(path);
		exit(1);
	}
	*slash = '/';
	if (write_file(path, text, strlen(text)) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
}

static char *read_text(const char *path)
{
	char *text = NULL;
	size_t length;

	if (read_file(path, (size_t)16 << 20, &text, &length) != 0)
		return NULL;
	return text;
}

/* The page written for a URL path under the base ("wizard/x/"), or NULL.
 * Caller frees. */
static char *page_text(const struct fixture *fixture, const char *path)
{
	char *file = xasprintf("%s/%sindex.html", fixture->out, path);
	char *text = read_text(file);

	free(file);
	return text;
}

/* Everything diag holds, as diag_print writes it; then forgets it. */
static char *take_diagnostics(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *stream = open_memstream(&text, &size);

	diag_print(stream);
	fclose(stream);
	diag_clear();
	return text;
}

static size_t count_of(const char *haystack, const char *needle)
{
	size_t count = 0;

	for (const char *at = strstr(haystack, needle); at;
	     at = strstr(at + 1, needle))
		count++;
	return count;
}

/* The text between the first "start" and the following "end" (both
 * kept when keep is true). Caller frees; NULL when not found. */
static char *between(const char *text, const char *start, const char *end,
		     bool keep)
{
	const char *from = text ? strstr(text, start) : NULL;
	const char *to;

	if (from == NULL)
		return NULL;
	to = strstr(from + strlen(start), end);
	if (to == NULL)
		return NULL;
	if (keep)
		return xstrndup(from, (size_t)(to + strlen(end) - from));
	from += strlen(start);
	return xstrndup(from, (size_t)(to - from));
}

/* True when href, a link inside the site, names a page that was written:
 * BASE + "x/y/" must be out/x/y/index.html (a #fragment is dropped). */
static bool href_has_page(const struct fixture *fixture, const char *href)
{
	char *path, *hash, *file;
	bool found;

	if (strncmp(href, BASE, strlen(BASE)) != 0)
		return false;
	path = xstrdup(href + strlen(BASE));
	hash = strchr(path, '#');
	if (hash)
		*hash = '\0';
	file = xasprintf("%s/%sindex.html", fixture->out, path);
	found = access(file, F_OK) == 0;
	free(file);
	free(path);
	return found;
}

/* Checks that every href="BASE/wizard/..." in html (xlink:href too)
 * names a page that was written. Only wizard pages are rendered here, so
 * links to articles and the home page are left to tests/cli/wizard.sh. */
static void check_wizard_links(const struct fixture *fixture, const char *html,
			       const char *what)
{
	static const char prefix[] = "href=\"" BASE "wizard/";
	size_t checked = 0, broken = 0;

	for (const char *at = html; at && (at = strstr(at, prefix)); at++) {
		char *href = between(at, "href=\"", "\"", false);
		checked++;
		if (!href_has_page(fixture, href)) {
			printf("# %s: no page for %s\n", what, href);
			broken++;
		}
		free(href);
	}
	CHECK(checked > 0 && broken == 0, what);
}

static void golden(const char *path, const char *html, const char *what)
{
	char *main = between(html, "<main", "</main>", true);
	char *actual = main ? xasprintf("%s\n", main) : xstrdup("");
	char *expected;

	if (getenv("UPDATE_GOLDEN") && *getenv("UPDATE_GOLDEN") == '1') {
		if (write_file(path, actual, strlen(actual)) != 0)
			perror(path);
		printf("# updated %s\n", path);
	}
	expected = read_text(path);
	CHECK(main != NULL, "the page has a <main>");
	CHECK(expected != NULL && strcmp(expected, actual) == 0, what);
	if (expected != NULL && strcmp(expected, actual) != 0)
		printf("# %s differs; got:\n# %s", path, actual);
	free(expected);
	free(actual);
	free(main);
}

static bool article_exists(void *user, const char *path)
{
	return site_find_article(user, path) != NULL;
}

static bool link_exists(void *user, const char *name)
{
	const struct site *site = user;

	return site_config_link(&site->config, name) != NULL;
}

static void make_site(struct fixture *fixture)
{
	char *good = read_text("tests/trees/good-small.yaml");
	char *cwd = getcwd(NULL, 0);
	char *theme = path_join(cwd, "theme");
	char *link = path_join(fixture->root, "theme");

	put(fixture->root, "site.yaml", site_yaml);
	put(fixture->root, "content/deliverability/_index.md", section_md);
	put(fixture->root, "content/deliverability/spf.md", spf_md);
	put(fixture->root, "content/deliverability/dkim.md", dkim_md);
	put(fixture->root, "content/help/trouble.md", guide_md);
	put(fixture->root, "decision-trees/good-small.yaml", good ? good : "");
	put(fixture->root, "decision-trees/wizard-demo.yaml", demo_yaml);
	if (symlink(theme, link) != 0)
		perror(link);
	free(link);
	free(theme);
	free(cwd);
	free(good);
}

/* Loads the fixture site and trees the way the build does. */
static bool load_site(struct fixture *fixture)
{
	struct site_config config;
	struct tree_context tree_context = {article_exists, link_exists, NULL};
	struct theme_config theme_config = {
		.root = fixture->root, .language = "ja", .base_path = BASE,
		.site_title = "テストのヘルプ", .search_action = BASE "search/",
	};

	if (!site_config_load(fixture->root, &config)) {
		site_config_free(&config);
		return false;
	}
	fixture->site = site_load(fixture->root, NULL, NULL);
	fixture->site->config = config;
	tree_context.user = fixture->site;
	if (tree_load_all(fixture->root, &tree_context, &fixture->trees,
			  &fixture->tree_count) != 0)
		return false;
	fixture->links = (struct wizard_links){fixture->site, fixture->trees,
					       fixture->tree_count};
	fixture->site->tree_links = wizard_resolve_link;
	fixture->site->tree_links_user = &fixture->links;
	site_check_links(fixture->site);
	wizard_check_links(fixture->site, fixture->trees, fixture->tree_count);
	fixture->theme = theme_load(&theme_config);
	fixture->context = (struct render_context){
		.site = fixture->site, .theme = fixture->theme,
		.out_dir = fixture->out,
	};
	return fixture->theme != NULL;
}

static const struct tree *tree_named(const struct fixture *fixture,
				     const char *id)
{
	for (size_t i = 0; i < fixture->tree_count; i++)
		if (strcmp(fixture->trees[i]->id, id) == 0)
			return fixture->trees[i];
	return NULL;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_load(struct fixture *fixture)
{
	char *diagnostics;
	bool loaded;

	TEST_SUITE("wizard");
	loaded = load_site(fixture);
	diagnostics = take_diagnostics();
	CHECK(loaded, "fixture site, theme and trees load");
	CHECK_STR(diagnostics, "", "no diagnostics for the fixture site");
	CHECK_INT(fixture->tree_count, 2, "two trees");
	free(diagnostics);
}

static void test_every_node_has_a_page(const struct fixture *fixture)
{
	size_t missing = 0, pages = 0;

	for (size_t i = 0; i < fixture->tree_count; i++) {
		const struct tree *tree = fixture->trees[i];
		for (size_t k = 0; k < tree->node_count; k++) {
			char *path = xasprintf("wizard/%s/%s/", tree->id,
					       tree->nodes[k].id);
			char *html = page_text(fixture, path);
			missing += html == NULL;
			pages++;
			free(html);
			free(path);
		}
	}
	CHECK(pages == 8 && missing == 0, "every node of every tree has a page");
}

static void test_question(const struct fixture *fixture)
{
	char *html = page_text(fixture, "wizard/good-small/delivery-error-shown/");
	char *h1 = between(html, "<h1", "</h1>", false);
	char *options = between(html, "<ul class=\"options\"", "</ul>", true);

	CHECK(html != NULL, "question page written");
	CHECK_INT(html ? count_of(html, "<h1") : 0, 1, "exactly one <h1>");
	CHECK(h1 && strstr(h1, ">配信履歴に「配信エラー」と表示されていますか?") &&
	      strcmp(strchr(h1, '>'), ">配信履歴に「配信エラー」と表示されていま"
		     "すか?") == 0,
	      "the question is the <h1>");
	CHECK(options != NULL, "options are a <ul class=\"options\">");
	CHECK_INT(options ? count_of(options, "<li>") : 0, 2, "one item per option");
	CHECK(options && strstr(options, "href=\"/cgi-bin/kb.cgi/wizard/"
				"good-small/set-up-spf-dkim?delivery-error-"
				"shown=yes\">はい</a>") &&
	      strstr(options, "href=\"/cgi-bin/kb.cgi/wizard/good-small/"
		     "check-spam?delivery-error-shown=no\">いいえ</a>"),
	      "with the CGI, options lead into the recorded walk");
	CHECK(html && strstr(html, "<p class=\"progress\">質問 1 / 最大 2</p>"
			     "<h1"),
	      "progress before the question: 1 of at most 2");
	CHECK(html && strstr(html, "<strong>送信済み</strong>"),
	      "the body is rendered Markdown");
	CHECK(html && strstr(html, "<p class=\"hint\">ヒント: 配信履歴の見方が"),
	      "the hint is shown");
	CHECK(html && strstr(html, "顧客の画面では赤いラベルです") == NULL,
	      "agent_note is not on the customer's page");
	CHECK(html && strstr(html, "class=\"notice\"") == NULL,
	      "the start node says nothing about being sent mid-way");
	CHECK(html && strstr(html, "最初からやり直す") == NULL,
	      "the start node has no start-again link to itself");
	CHECK(html && strstr(html, "回答を記録しながら進む") == NULL,
	      "no separate link to a recorded walk: the walk is recorded");
	CHECK(html && strstr(html, "<li><a href=\"" BASE "wizard/\">診断</a></li>"
			     "<li><a href=\"" BASE "wizard/good-small/\">"),
	      "breadcrumbs: home, wizards, tree");
	free(options);
	free(h1);
	free(html);
}

static void test_mid_question(const struct fixture *fixture)
{
	char *html = page_text(fixture, "wizard/good-small/check-spam/");
	char *notice = between(html, "<p class=\"notice\">", "</p>", false);

	CHECK(notice && strstr(notice, "このページは診断の途中のステップです。") &&
	      strstr(notice, "href=\"/cgi-bin/kb.cgi/wizard/good-small/"
		     "delivery-error-shown\""),
	      "a step reached directly says so and links the recorded walk's start");
	CHECK(html && strstr(html, "<a href=\"/cgi-bin/kb.cgi/wizard/good-small/"
			     "delivery-error-shown\">最初からやり直す</a>"),
	      "\"start again\" starts the recorded walk");
	CHECK(html && strstr(html, "href=\"/cgi-bin/kb.cgi/wizard/good-small/"
			     "found-in-spam?_from=check-spam&amp;check-spam=found"
			     "\">見つかった</a>"),
	      "a middle step's option starts a recorded walk from that step");
	CHECK(html && strstr(html, "<p class=\"progress\">質問 2 / 最大 2</p>"),
	      "a middle step counts the answers before it");
	CHECK(html && strstr(html, "<title>迷惑メールフォルダに入っていませんか? | "
			     "送ったメールが届かない | テストのヘルプ</title>"),
	      "title names the step and the tree");
	free(notice);
	free(html);
}

static void test_demo_question(const struct fixture *fixture)
{
	char *html = page_text(fixture, "wizard/wizard-demo/second/");

	CHECK_INT(html ? count_of(html, "<h1") : 0, 1,
		  "a '# heading' in the body does not make a second <h1>");
	CHECK(html && strstr(html, "<h2 id=\"手順\">"),
	      "body headings move one level down and keep their id");
	CHECK(html && strstr(html, "href=\"" BASE "deliverability/spf/#%E7%A2%BA"
			     "%E8%AA%8D\""),
	      "a body link to an article heading is rewritten");
	CHECK(html && strstr(html, "href=\"" BASE "wizard/wizard-demo/first/\""
			     ">最初の質問</a>"),
	      "a body link to a tree node is rewritten");
	CHECK(html && strstr(html, "二番目の &lt;b&gt;質問&lt;/b&gt; &amp; 記号"),
	      "titles are text, escaped");
	CHECK(html && strstr(html, "答えB &lt;i&gt;斜体&lt;/i&gt;"),
	      "option labels are text, escaped");
	CHECK(html && strstr(html, "担当者だけが読むメモです") == NULL,
	      "agent_note stays off the page");
	if (html)
		golden(GOLDEN_QUESTION, html, "golden: question page <main>");
	free(html);
}

static void test_outcome(const struct fixture *fixture)
{
	char *html = page_text(fixture, "wizard/good-small/set-up-spf-dkim/");
	char *related = between(html, "<section class=\"related\"", "</section>",
				true);

	CHECK(html && strstr(html, "<p class=\"result result-unresolved\">未解決: "),
	      "the result is shown with its class and a text label");
	CHECK_INT(html ? count_of(html, "<h1") : 0, 1, "exactly one <h1>");
	CHECK(html && strstr(html, "<h1 id=\"kb-wizard-question\">SPF と DKIM を"
			     "設定してください</h1>"),
	      "the outcome's title is the <h1>");
	CHECK(related && strstr(related, "<h2 id=\"kb-wizard-articles\">関連する"
				"記事</h2>"),
	      "a \"related articles\" section");
	CHECK(related && strstr(related, ">SPFレコードの書き方</a>") &&
	      strstr(related, ">DKIM署名の付け方</a>"),
	      "articles are titled as the articles title themselves");
	CHECK(related && strstr(related, "href=\"" BASE "deliverability/spf/\""),
	      "articles link their pages");
	CHECK(html && strstr(html, "<a href=\"https://guide.example.com/spf/\" "
			     "rel=\"noopener\">SPFの公式ガイド</a>"),
	      "external guides from site.yaml, by their title");
	CHECK(html && strstr(html, "設定後 24 時間ほどで") == NULL,
	      "agent_note is not on the customer's page");
	CHECK(html && strstr(html, "class=\"progress\"") == NULL,
	      "an outcome shows no question count");
	CHECK(html && strstr(html, "<a href=\"/cgi-bin/kb.cgi/wizard/good-small/"
			     "delivery-error-shown\">最初からやり直す</a>"),
	      "an outcome's start-again starts the recorded walk");
	if (html)
		golden(GOLDEN_OUTCOME, html, "golden: outcome page <main>");
	free(related);
	free(html);
}

static void test_escalate(const struct fixture *fixture)
{
	char *resolved = page_text(fixture, "wizard/wizard-demo/done/");
	char *escalate = page_text(fixture, "wizard/wizard-demo/ask-support/");

	CHECK(resolved && strstr(resolved, "<p class=\"result result-resolved\">"
				 "解決しました</p>"),
	      "resolved outcome");
	CHECK(escalate && strstr(escalate, "<p class=\"result result-escalate\">"
				 "この診断で確かめられるのはここまでです</p>"),
	      "escalate outcome without a support contact: not told to contact");
	CHECK(escalate && strstr(escalate, "wizard-contact") == NULL &&
	      strstr(escalate, "mailto:") == NULL &&
	      strstr(escalate, "summary-text") == NULL,
	      "without a support contact: no contact section, no summary");
	CHECK(escalate && strstr(escalate, "class=\"related\"") == NULL,
	      "no article section when there are no articles");
	free(escalate);
	free(resolved);
}

/* Every wizard page of the fixture's trees, concatenated. Caller frees. */
static char *all_wizard_pages(const struct fixture *fixture)
{
	struct buf all = {0};

	for (size_t i = 0; i < fixture->tree_count; i++) {
		const struct tree *tree = fixture->trees[i];
		char *paths[] = {
			xasprintf("wizard/%s/", tree->id),
			xasprintf("wizard/%s/map/", tree->id),
		};
		for (size_t k = 0; k < 2; k++) {
			char *html = page_text(fixture, paths[k]);
			buf_adds(&all, html ? html : "(missing)");
			free(html);
			free(paths[k]);
		}
		for (size_t k = 0; k < tree->node_count; k++) {
			char *path = xasprintf("wizard/%s/%s/", tree->id,
					       tree->nodes[k].id);
			char *html = page_text(fixture, path);
			buf_adds(&all, html ? html : "(missing)");
			free(html);
			free(path);
		}
	}
	return buf_detach(&all);
}

/* The text of a mailto: URL decoded (%XX), for checking what a mail
 * program would get. Caller frees. */
static char *mailto_decoded(const char *url)
{
	struct buf out = {0};

	for (const char *c = url; *c != '\0'; c++) {
		unsigned value;
		if (*c == '%' && sscanf(c + 1, "%2x", &value) == 1) {
			buf_addc(&out, (char)value);
			c += 2;
		} else {
			buf_addc(&out, *c);
		}
	}
	return buf_detach(&out);
}

static void test_mailto(void)
{
	char *url = wizardpage_mailto("help+kb@example.jp", "件名 & 質問?",
				      "一行目\n二行目 100%", "短い");
	char *decoded = mailto_decoded(url);
	struct buf long_body = {0};
	char *cut, *tail;

	CHECK_STR(url, "mailto:help%2Bkb@example.jp?subject=%E4%BB%B6%E5%90%8D"
		  "%20%26%20%E8%B3%AA%E5%95%8F%3F&body=%E4%B8%80%E8%A1%8C%E7%9B"
		  "%AE%0D%0A%E4%BA%8C%E8%A1%8C%E7%9B%AE%20100%25",
		  "mailto: every reserved byte encoded, a line break as CR LF");
	CHECK_STR(decoded, "mailto:help+kb@example.jp?subject=件名 & 質問?&body="
		  "一行目\r\n二行目 100%", "mailto: decodes to what was written");
	free(decoded);
	free(url);
	for (int i = 0; i < 200; i++)
		buf_adds(&long_body, "1. 配信履歴を確かめましたか?\n");
	url = wizardpage_mailto("a@example.jp", "s", buf_cstr(&long_body),
				"短いまとめ\nURL: http://x/");
	CHECK(url && strlen(url) <= WIZARDPAGE_MAILTO_MAX,
	      "mailto: a long body stays within the bound");
	CHECK(url && strstr(url, "&body=%E7%9F%AD%E3%81%84") &&
	      strstr(url, "http%3A%2F%2Fx%2F") && !strstr(url, "%E2%80%A6"),
	      "mailto: a body over the bound gives way to the short one, whole");
	free(url);
	url = wizardpage_mailto("a@example.jp", "s", buf_cstr(&long_body),
				buf_cstr(&long_body));
	tail = url ? url + strlen(url) - 9 : NULL;
	CHECK(url && strlen(url) <= WIZARDPAGE_MAILTO_MAX &&
	      strcmp(tail, "%E2%80%A6") == 0,
	      "mailto: a short body over the bound is cut and ends with …");
	cut = url ? mailto_decoded(url) : NULL;
	CHECK(cut && utf8_valid(cut, strlen(cut), NULL),
	      "mailto: cut at a character boundary");
	free(cut);
	free(url);
	buf_free(&long_body);
}

/* With site.yaml's support: escalate and unresolved outcomes show how
 * to reach a person and the summary to send. */
static void test_contact(struct fixture *fixture)
{
	struct site_support saved = fixture->site->config.support;
	char *escalate, *unresolved, *resolved, *contact, *summary;

	fixture->site->config.support = (struct site_support){
		"https://example.jp/contact/", "help@example.jp",
		"平日 10:00〜18:00",
	};
	CHECK_INT(wizard_render_all(&fixture->context, fixture->trees,
				    fixture->tree_count), 0,
		  "contact: pages render with support");
	escalate = page_text(fixture, "wizard/wizard-demo/ask-support/");
	unresolved = page_text(fixture, "wizard/good-small/set-up-spf-dkim/");
	resolved = page_text(fixture, "wizard/good-small/found-in-spam/");
	contact = between(escalate, "<section class=\"wizard-contact\"",
			  "</section>", true);
	summary = between(escalate, "<pre class=\"summary-text\"", "</pre>",
			  true);
	CHECK(escalate && strstr(escalate, "<p class=\"result result-escalate\">"
				 "サポートへのお問い合わせが必要です</p>"),
	      "contact: escalate says to contact support");
	CHECK(contact && strstr(contact, "<a href=\"https://example.jp/contact/\" "
				"rel=\"noopener\">お問い合わせフォームを開く</a>"),
	      "contact: the contact form");
	CHECK(contact && strstr(contact, "<a href=\"mailto:help@example.jp?subject="
				"%E3%83%88%E3%83%A9%E3%83%96%E3%83%AB") &&
	      strstr(contact, "\">メールで問い合わせる(help@example.jp)</a>"),
	      "contact: a mailto: link naming the address");
	CHECK(contact && strstr(contact, "<p class=\"contact-hours\">受付時間: "
				"平日 10:00〜18:00</p>"),
	      "contact: the opening hours");
	CHECK(summary && strstr(summary, "【トラブル診断の回答】デモの診断\n"
				"診断結果: ") &&
	      strstr(summary, "URL: " BASE_URL "wizard/wizard-demo/"
		     "ask-support/</pre>") &&
	      strstr(summary, "data-copy-label=\"コピー\""),
	      "contact: the summary to send, with the page's URL and Copy");
	CHECK(unresolved && strstr(unresolved, "class=\"wizard-contact\"") &&
	      strstr(unresolved, "class=\"guides\"") &&
	      strstr(unresolved, "class=\"wizard-contact\"") >
		      strstr(unresolved, "class=\"guides\""),
	      "contact: an unresolved outcome shows it after what to try");
	CHECK(escalate && strstr(escalate, "class=\"wizard-contact\"") &&
	      (!strstr(escalate, "class=\"related\"") ||
	       strstr(escalate, "class=\"wizard-contact\"") <
		       strstr(escalate, "class=\"related\"")),
	      "contact: an escalate outcome shows it first");
	CHECK(resolved && strstr(resolved, "wizard-contact") == NULL &&
	      strstr(resolved, "summary-text") == NULL,
	      "contact: a resolved outcome has none");
	free(summary);
	free(contact);
	free(resolved);
	free(unresolved);
	free(escalate);
	fixture->site->config.support = (struct site_support){
		NULL, "help@example.jp", NULL,
	};
	CHECK_INT(wizard_render_all(&fixture->context, fixture->trees,
				    fixture->tree_count), 0,
		  "contact: pages render with an address alone");
	escalate = page_text(fixture, "wizard/wizard-demo/ask-support/");
	CHECK(escalate && strstr(escalate, "mailto:help@example.jp") &&
	      !strstr(escalate, "お問い合わせフォーム") &&
	      !strstr(escalate, "受付時間"),
	      "contact: an address alone: the mail link, no form, no hours");
	free(escalate);
	fixture->site->config.support = saved;
	CHECK_INT(wizard_render_all(&fixture->context, fixture->trees,
				    fixture->tree_count), 0,
		  "contact: pages render again without support");
}

/* cgi_url empty: the static pages are the walk, and nothing links kb.cgi. */
static void test_static_walk(struct fixture *fixture)
{
	char *cgi_url = fixture->site->config.cgi_url;
	char *question, *middle, *start, *all, *options;

	fixture->site->config.cgi_url = NULL;
	CHECK_INT(wizard_render_all(&fixture->context, fixture->trees,
				    fixture->tree_count), 0,
		  "static walk: pages render without cgi_url");
	question = page_text(fixture, "wizard/good-small/delivery-error-shown/");
	middle = page_text(fixture, "wizard/good-small/check-spam/");
	start = page_text(fixture, "wizard/good-small/");
	all = all_wizard_pages(fixture);
	options = between(question, "<ul class=\"options\"", "</ul>", true);
	CHECK(options && strstr(options, "href=\"" BASE "wizard/good-small/"
				"set-up-spf-dkim/#kb-wizard-question\">はい</a>") &&
	      strstr(options, "href=\"" BASE "wizard/good-small/check-spam/"
		     "#kb-wizard-question\">いいえ</a>"),
	      "static walk: options link the next step's page at its question");
	if (options)
		check_wizard_links(fixture, options,
				   "static walk: every option's page exists");
	CHECK(start && strstr(start, "<a href=\"" BASE "wizard/good-small/"
			      "delivery-error-shown/\" class=\"button\">"
			      "診断を始める</a>"),
	      "static walk: the start button leads to the first question's page");
	CHECK(middle && strstr(middle, "<p class=\"notice\">") &&
	      strstr(middle, "<a href=\"" BASE "wizard/good-small/"
		     "delivery-error-shown/\">最初からやり直す</a>"),
	      "static walk: a middle step has the notice and start again");
	CHECK(middle && strstr(middle, "<p class=\"progress\">質問 2 / 最大 2</p>"),
	      "static walk: progress is shown");
	CHECK(all && strstr(all, "(missing)") == NULL && strstr(all, "kb.cgi") == NULL &&
	      strstr(all, "_from") == NULL,
	      "static walk: no wizard page links kb.cgi");
	free(options);
	free(all);
	free(start);
	free(middle);
	free(question);
	fixture->site->config.cgi_url = cgi_url;
	CHECK_INT(wizard_render_all(&fixture->context, fixture->trees,
				    fixture->tree_count), 0,
		  "static walk: pages render again with cgi_url");
}

static void test_start_and_index(const struct fixture *fixture)
{
	char *start = page_text(fixture, "wizard/good-small/");
	char *index = page_text(fixture, "wizard/");

	CHECK(start && strstr(start, "<h1>送ったメールが届かない</h1>"),
	      "start page: the tree title is the <h1>");
	CHECK(start && strstr(start, "<p class=\"lead\">届かない原因を順に確かめます。"),
	      "start page: what the wizard helps with");
	CHECK(start && strstr(start, "所要時間の目安: 約3分"),
	      "start page: how long it takes");
	CHECK(start && strstr(start, "<a href=\"/cgi-bin/kb.cgi/wizard/"
			      "good-small/delivery-error-shown\" class=\"button\">"
			      "診断を始める</a>"),
	      "start page: the start button begins the recorded walk");
	CHECK(start && strstr(start, "href=\"" BASE "wizard/good-small/map/\""),
	      "start page: a link to the map");
	CHECK(index && strstr(index, "<a href=\"" BASE "wizard/good-small/\">送った"
			      "メールが届かない</a>") &&
	      strstr(index, "<a href=\"" BASE "wizard/wizard-demo/\">デモの診断</a>"),
	      "the wizard index lists every tree");
	CHECK(index && strstr(index, "約1分") && strstr(index, "表示を確かめる"),
	      "the index shows description and duration");
	free(index);
	free(start);
}

/* The key names the four kinds, each beside a swatch of the colours
 * treemap draws its boxes in. */
static void check_map_key(const char *html)
{
	static const struct {
		enum tree_node_type type;
		enum tree_result result;
		const char *label;
	} kinds[] = {
		{TREE_QUESTION, TREE_RESULT_NONE, "質問"},
		{TREE_OUTCOME, TREE_RESOLVED, "結果: 解決"},
		{TREE_OUTCOME, TREE_UNRESOLVED, "結果: 未解決"},
		{TREE_OUTCOME, TREE_ESCALATE, "結果: 要問い合わせ"},
	};
	char *key = html ? between(html, "<section class=\"map-key\"",
				   "</section>", true) : NULL;
	size_t found = 0;

	for (size_t i = 0; key && i < sizeof kinds / sizeof *kinds; i++) {
		struct treemap_colours colours =
			treemap_colours(kinds[i].type, kinds[i].result);
		char *entry = xasprintf("fill=\"%s\" stroke=\"%s\" "
					"stroke-width=\"%s\"></rect></svg>"
					"<span>%s</span></li>",
					colours.fill, colours.line,
					kinds[i].type == TREE_QUESTION ? "1" : "2",
					kinds[i].label);

		found += strstr(key, entry) != NULL;
		free(entry);
	}
	CHECK_INT(found, 4, "the key: four kinds, each in its boxes' colours");
	CHECK(key && strstr(key, "<h2 id=\"kb-wizard-map-key\">凡例</h2>"),
	      "the key has a heading");
	free(key);
}

static void test_map(const struct fixture *fixture)
{
	const struct tree *tree = tree_named(fixture, "good-small");
	char *html = page_text(fixture, "wizard/good-small/map/");
	char *svg = between(html, "<svg", ">", true);
	size_t missing_urls = 0, missing_links = 0;

	CHECK(html && strstr(html, "<div class=\"tree-map\""), "a .tree-map box");
	CHECK(svg && strstr(svg, "role=\"img\"") &&
	      strstr(svg, "aria-label=\"診断の全体図: 送ったメールが届かない\""),
	      "the inline <svg> has role=img and a label");
	CHECK(svg && strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""),
	      "the svg keeps its namespace");
	CHECK_INT(html ? count_of(html, "<svg xmlns=") : 0, 1, "one diagram");
	CHECK(html && strstr(html, "<table class=\"node-table\" "
			     "data-copy-label=\"コピー\" "
			     "data-copied-label=\"コピーしました\">"),
	      "a node table, with the Copy buttons' words for kb.js");
	for (size_t i = 0; html && tree && i < tree->node_count; i++) {
		char *url = xasprintf("<td data-label=\"案内用のURL\" "
				      "class=\"node-url\"><code>" BASE_URL
				      "wizard/good-small/%s/</code></td>",
				      tree->nodes[i].id);
		char *link = xasprintf("xlink:href=\"" BASE "wizard/good-small/%s/\"",
				       tree->nodes[i].id);
		missing_urls += strstr(html, url) == NULL;
		missing_links += strstr(html, link) == NULL;
		free(link);
		free(url);
	}
	CHECK(html && tree && missing_urls == 0,
	      "the table shows every node's full URL to copy, as text");
	CHECK(html && tree && missing_links == 0,
	      "every node in the diagram links its page");
	CHECK(html && strstr(html, "<td data-label=\"担当者向けメモ\">顧客の画面では"
			     "赤いラベルです。</td>") &&
	      strstr(html, "<td data-label=\"担当者向けメモ\">設定後 24 時間ほどで"
		     "反映されます。</td>"),
	      "the table shows agent notes");
	CHECK(html && strstr(html, "<td data-label=\"種類\">結果: 未解決</td>") &&
	      strstr(html, "<td data-label=\"種類\">質問(最初のステップ)</td>"),
	      "the table says each node's kind");
	CHECK(html && strstr(html, "<td data-label=\"ID\"><code>check-spam"
			     "</code></td>"),
	      "every cell names its column, for the cards on a phone");
	CHECK(html && strstr(html, "<a href=\"#map-delivery-error-shown\" "
			     "class=\"map-full-link\">原寸で表示</a>"),
	      "a full-size link to the first question's box");
	CHECK(html && strstr(html, "data-fit-label=\"全体を表示\" "
			     "data-zoom-in-label=\"拡大\" "
			     "data-zoom-out-label=\"縮小\""),
	      "the zoom buttons' words, for kb.js");
	check_map_key(html);
	if (html)
		check_wizard_links(fixture, html, "every wizard link on the map has a "
				   "page");
	free(svg);
	free(html);
}

static void test_all_links(const struct fixture *fixture)
{
	const char *paths[] = {
		"wizard/", "wizard/good-small/", "wizard/good-small/check-spam/",
		"wizard/good-small/found-in-spam/", "wizard/wizard-demo/second/",
		"wizard/wizard-demo/map/",
	};

	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		char *html = page_text(fixture, paths[i]);
		char *what = xasprintf("wizard links on %s land on written pages",
				       paths[i]);
		check_wizard_links(fixture, html, what);
		free(what);
		free(html);
	}
}

static void test_resolve(const struct fixture *fixture)
{
	struct wizard_links *links = (struct wizard_links *)&fixture->links;
	char *error = NULL;
	char *href;

	href = wizard_resolve_link(links, "decision-trees/good-small.yaml",
				   "check-spam", &error);
	CHECK_STR(href, BASE "wizard/good-small/check-spam/", "link to a node");
	CHECK(error == NULL, "no error");
	free(href);
	href = wizard_resolve_link(links, "decision-trees/good-small.yaml", "",
				   &error);
	CHECK_STR(href, BASE "wizard/good-small/", "link to a tree");
	free(href);
	href = wizard_resolve_link(links, "decision-trees/good-small.yaml", NULL,
				   &error);
	CHECK_STR(href, BASE "wizard/good-small/", "link to a tree, no fragment");
	free(href);
	href = wizard_resolve_link(links, "decision-trees/none.yaml", "x", &error);
	CHECK(href == NULL, "missing tree: no href");
	CHECK_STR(error, "broken link: no decision tree 'decision-trees/none.yaml'",
		  "missing tree: error");
	free(error);
	href = wizard_resolve_link(links, "decision-trees/good-small.yaml", "nope",
				   &error);
	CHECK(href == NULL, "missing node: no href");
	CHECK_STR(error, "broken anchor: tree 'good-small' has no node 'nope'",
		  "missing node: error");
	free(error);
	href = wizard_resolve_link(links, "decision-trees/good-small.yaml", "nope",
				   NULL);
	CHECK(href == NULL, "error may be NULL");
}

static void test_article_links_into_trees(const struct fixture *fixture)
{
	const struct article *article =
		site_find_article(fixture->site, "help/trouble");
	char *error = NULL;
	char *href = article ? site_resolve_link(fixture->site, article,
						 "../../decision-trees/good-small."
						 "yaml#check-spam", &error)
			     : NULL;

	CHECK_STR(href, BASE "wizard/good-small/check-spam/",
		  "an article's link to a tree node resolves through the wizard");
	CHECK(href == NULL || href_has_page(fixture, href),
	      "and that page exists");
	free(href);
	free(error);
}

static void test_check_links(struct fixture *fixture)
{
	struct tree_context context = {article_exists, link_exists, fixture->site};
	struct tree *tree;
	struct wizard_links links;
	char *diagnostics;

	put(fixture->root, "decision-trees/broken.yaml", broken_yaml);
	tree = tree_load(fixture->root, "decision-trees/broken.yaml", &context);
	diagnostics = take_diagnostics();
	CHECK_STR(diagnostics, "", "the broken-links tree itself is valid");
	free(diagnostics);
	if (tree == NULL)
		return;
	links = (struct wizard_links){fixture->site, &tree, 1};
	fixture->site->tree_links_user = &links;
	wizard_check_links(fixture->site, &tree, 1);
	fixture->site->tree_links_user = &fixture->links;
	diagnostics = take_diagnostics();
	CHECK_STR(diagnostics, broken_diagnostics,
		  "broken body links reported at file:line:col");
	free(diagnostics);
	tree_free(tree);
}

static void test_lists(const struct fixture *fixture)
{
	struct wizard_entries entries;
	struct wizard_paths paths;

	wizard_entries_make(fixture->trees, fixture->tree_count, &entries);
	CHECK_INT(entries.count, 2, "a home entry per tree");
	CHECK(entries.count == 2 &&
	      strcmp(entries.items[0].url_path, "wizard/good-small/") == 0 &&
	      strcmp(entries.items[0].title, "送ったメールが届かない") == 0 &&
	      strcmp(entries.items[1].url_path, "wizard/wizard-demo/") == 0,
	      "entries: URL path and title");
	wizard_entries_free(&entries);
	wizard_paths_make(fixture->trees, fixture->tree_count, &paths);
	/* wizard/ + per tree: start, nodes, map. */
	CHECK_INT(paths.count, 1 + (1 + 4 + 1) + (1 + 4 + 1),
		  "a sitemap path per wizard page");
	CHECK(paths.count > 2 && strcmp(paths.paths[0], "wizard/") == 0 &&
	      strcmp(paths.paths[1], "wizard/good-small/") == 0 &&
	      strcmp(paths.paths[2], "wizard/good-small/delivery-error-shown/") == 0,
	      "sitemap paths in order");
	for (size_t i = 0; i < paths.count; i++) {
		char *html = page_text(fixture, paths.paths[i]);
		if (html == NULL)
			printf("# no page for sitemap path %s\n", paths.paths[i]);
		CHECK(html != NULL, "each sitemap path has a page");
		free(html);
	}
	wizard_paths_free(&paths);
	wizard_paths_make(NULL, 0, &paths);
	CHECK_INT(paths.count, 0, "no trees, no paths");
	wizard_paths_free(&paths);
}

static void test_deterministic(struct fixture *fixture)
{
	char *second_out = xasprintf("%s/again", fixture->root);
	char *first = page_text(fixture, "wizard/good-small/map/");
	char *second, *file;
	struct render_context context = fixture->context;

	context.out_dir = second_out;
	CHECK_INT(wizard_render_all(&context, fixture->trees,
				    fixture->tree_count), 0,
		  "a second render succeeds");
	file = xasprintf("%s/wizard/good-small/map/index.html", second_out);
	second = read_text(file);
	CHECK(first && second && strcmp(first, second) == 0,
	      "the same input gives the same bytes");
	free(file);
	free(second);
	free(first);
	free(second_out);
}

static void test_render_errors(struct fixture *fixture)
{
	struct render_context context = fixture->context;
	char *blocker = path_join(fixture->root, "site.yaml");
	char *empty = path_join(fixture->root, "empty-out");
	char *diagnostics;

	context.out_dir = blocker;	/* a file: no folder can be made in it */
	CHECK_INT(wizard_render_all(&context, fixture->trees,
				    fixture->tree_count), -1,
		  "an unwritable output folder fails");
	diagnostics = take_diagnostics();
	CHECK(strstr(diagnostics, "cannot create folder") != NULL,
	      "and says so");
	free(diagnostics);
	context.out_dir = empty;
	CHECK_INT(wizard_render_all(&context, NULL, 0), 0, "no trees: nothing to do");
	CHECK(access(empty, F_OK) != 0, "no trees: no wizard pages");
	free(empty);
	free(blocker);
}

/* Every wizard page has a meta description (search engines show it; an
 * empty one costs Lighthouse's SEO score): a step names itself and what the
 * tree is for, the index and the map say what they are. */
static void test_descriptions(const struct fixture *fixture)
{
	static const char *const pages[] = {
		"wizard/", "wizard/good-small/", "wizard/good-small/map/",
		"wizard/good-small/delivery-error-shown/",
		"wizard/good-small/check-spam/", "wizard/wizard-demo/second/",
		"wizard/wizard-demo/done/", NULL,
	};
	struct tree tree = {.id = "bare", .title = "説明のない診断"};
	struct tree_node node = {.id = "untitled"};
	char *html, *description;
	size_t empty = 0;

	for (size_t i = 0; pages[i] != NULL; i++) {
		html = page_text(fixture, pages[i]);
		if (html == NULL || strstr(html, "<meta name=\"description\" "
					   "content=\"\"") != NULL ||
		    strstr(html, "<meta name=\"description\" content=\"") ==
			    NULL) {
			printf("# no meta description on %s\n", pages[i]);
			empty++;
		}
		free(html);
	}
	CHECK_INT(empty, 0, "every wizard page has a meta description");
	html = page_text(fixture, "wizard/good-small/delivery-error-shown/");
	CHECK(html && strstr(html, "<meta name=\"description\" content=\""
			     "配信履歴に「配信エラー」と表示されていますか? "
			     "届かない原因を順に確かめます。\">"),
	      "a step's description: its title, then the tree's description");
	free(html);
	html = page_text(fixture, "wizard/wizard-demo/second/");
	CHECK(html && strstr(html, "content=\"二番目の &lt;b&gt;質問&lt;/b&gt; "
			     "&amp; 記号ですか? 表示を確かめる") &&
	      strstr(html, "content=\"二番目の <b>") == NULL,
	      "a step's description is escaped");
	free(html);
	html = page_text(fixture, "wizard/");
	CHECK(html && strstr(html, "<meta name=\"description\" content=\""
			     "いくつかの質問に答えるだけで、お困りごとの原因と"
			     "対処法が分かる診断の一覧です。\">"),
	      "the wizard index's description");
	free(html);
	html = page_text(fixture, "wizard/good-small/map/");
	CHECK(html && strstr(html, "<meta name=\"description\" content=\""
			     "サポート担当者向けの診断の全体図です。"),
	      "the map's description");
	free(html);
	description = wizardpage_description(&tree, &node);
	CHECK_STR(description, "untitled 説明のない診断",
		  "no title, no tree description: the step's id and the "
		  "tree's title");
	free(description);
	tree.description = "何を確かめるか。";
	node.title = "質問?";
	description = wizardpage_description(&tree, &node);
	CHECK_STR(description, "質問? 何を確かめるか。",
		  "the step's title and the tree's description");
	free(description);
}

int main(void)
{
	struct fixture fixture = {0};
	char folder[] = "/tmp/kbgen-test-wizard-XXXXXX";

	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	fixture.root = folder;
	fixture.out = path_join(folder, "out");
	make_site(&fixture);
	test_load(&fixture);
	if (fixture.theme != NULL && fixture.tree_count == 2) {
		CHECK_INT(wizard_render_all(&fixture.context, fixture.trees,
					    fixture.tree_count), 0,
			  "wizard pages render");
		test_every_node_has_a_page(&fixture);
		test_question(&fixture);
		test_mid_question(&fixture);
		test_demo_question(&fixture);
		test_outcome(&fixture);
		test_escalate(&fixture);
		test_start_and_index(&fixture);
		test_map(&fixture);
		test_all_links(&fixture);
		test_resolve(&fixture);
		test_article_links_into_trees(&fixture);
		test_lists(&fixture);
		test_deterministic(&fixture);
		test_render_errors(&fixture);
		test_check_links(&fixture);
		test_static_walk(&fixture);
		test_contact(&fixture);
		test_descriptions(&fixture);
	}
	test_mailto();
	theme_free(fixture.theme);
	tree_free_all(fixture.trees, fixture.tree_count);
	site_free(fixture.site);
	remove_tree(folder);
	free(fixture.out);
	diag_clear();
	return TEST_EXIT();
}
