/* Front matter: splitting, every key's type, dates, diagnostics. */
#include <stdio.h>
#include <stdlib.h>

#include "base/diag.h"
#include "content/frontmatter.h"
#include "test.h"

static char *diagnostics(void)
{
	char *text = NULL;
	size_t length = 0;
	FILE *stream = open_memstream(&text, &length);

	diag_print(stream);
	fclose(stream);
	diag_clear();
	return text;
}

static void test_good(void)
{
	const char *text = "---\ntitle: タイトル\ndescription: 説明\nslug: my-page\n"
			   "date: 2026-01-02\nlastmod: 2026-03-04T10:20:30+09:00\n"
			   "draft: false\nweight: -3\ntags: [a, b]\ncategories:\n  - c\n"
			   "aliases: [/old/]\n---\n\n本文\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "good front matter parses");
	CHECK_STR(messages, "", "no diagnostics");
	CHECK_STR(matter.title, "タイトル", "title");
	CHECK_STR(matter.description, "説明", "description");
	CHECK_STR(matter.slug, "my-page", "slug");
	CHECK_STR(matter.date, "2026-01-02", "date");
	CHECK_STR(matter.lastmod, "2026-03-04T10:20:30+09:00", "lastmod");
	CHECK_INT(matter.weight, -3, "weight");
	CHECK_INT(matter.tags.count, 2, "tags");
	CHECK_STR(matter.categories.items[0], "c", "categories (block list)");
	CHECK_STR(matter.aliases.items[0], "/old/", "aliases");
	CHECK_INT(matter.body_line, 14, "body starts after the closing line");
	CHECK(strncmp(matter.body, "\n本文", strlen("\n本文")) == 0, "body text");
	front_matter_free(&matter);
	free(messages);
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "x.md", &matter);
	char *messages = diagnostics();

	CHECK(!ok, what);
	CHECK_STR(messages, want, what);
	front_matter_free(&matter);
	free(messages);
}

/* TOML between "+++" lines (spaces after a fence allowed, CRLF lines):
 * the same keys, read into the same fields. */
static void test_toml(void)
{
	const char *text = "+++ \r\nTitle = \"タイトル\"\r\ndate = 2026-01-02T10:00:00+09:00\r\n"
			   "draft = true\r\nweight = -3\r\ntags = [\r\n  \"a\",\r\n  'b',\r\n]\r\n"
			   "[params]\r\nx = 1\r\n+++  \r\n本文\r\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "TOML: parses");
	CHECK_STR(messages, "", "TOML: no diagnostics");
	CHECK_STR(matter.title, "タイトル", "TOML: title, its key in any case");
	CHECK_STR(matter.date, "2026-01-02T10:00:00+09:00", "TOML: date as written");
	CHECK(matter.draft, "TOML: draft");
	CHECK_INT(matter.weight, -3, "TOML: weight");
	CHECK_INT(matter.tags.count, 2, "TOML: tags over several lines");
	CHECK_STR(matter.tags.count == 2 ? matter.tags.items[1] : NULL, "b",
		  "TOML: a literal string tag");
	CHECK_INT(matter.body_line, 13, "TOML: body starts after the closing line");
	CHECK(strncmp(matter.body, "本文", strlen("本文")) == 0, "TOML: body text");
	front_matter_free(&matter);
	free(messages);
}

/* Windows line ends: the same article, the body on the same line. */
static void test_crlf(void)
{
	const char *text = "---\r\ntitle: x\r\ntags: [a]\r\n---\r\n本文\r\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "CRLF front matter parses");
	CHECK_STR(messages, "", "CRLF: no diagnostics");
	CHECK_STR(matter.title, "x", "CRLF: title without its CR");
	CHECK_INT(matter.body_line, 5, "CRLF: the body starts on line 5");
	CHECK(matter.body_length == strlen("本文\r\n") &&
	      memcmp(matter.body, "本文\r\n", matter.body_length) == 0,
	      "CRLF: the body after the closing line");
	front_matter_free(&matter);
	free(messages);
}

/* Hugo's JSON front matter: the same keys off the same tree, the body
 * from the line after the '}'. */
static void test_json(void)
{
	const char *text = "{\n  \"Title\": \"J\",\n  \"tags\": [\"a\", \"b\"],\n"
		"  \"weight\": -3, \"draft\": true, \"categories\": null\n}\n本文\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "JSON front matter parses");
	CHECK_STR(messages, "", "JSON: no diagnostics");
	CHECK_STR(matter.title, "J", "JSON: Title read as title");
	CHECK_INT(matter.tags.count, 2, "JSON: tags");
	CHECK_INT(matter.weight, -3, "JSON: weight");
	CHECK(matter.draft, "JSON: draft");
	CHECK_INT(matter.categories.count, 0, "JSON: null categories are none, as in YAML");
	CHECK_INT(matter.body_line, 6, "JSON: the body starts after the '}' line");
	CHECK_STR(matter.body, "本文\n", "JSON: the body text");
	front_matter_free(&matter);
	free(messages);
}

static void test_errors(void)
{
	expect_error("+++\ntitle = \"a\"\nTITLE = \"b\"\n+++\n",
		     "x.md:3:1: error: duplicate key 'TITLE': keys are matched "
		     "without case, and 'title' is at line 2\n",
		     "TOML: keys differing in case are one key");
	expect_error("+++\ntitle = \"a\"\n",
		     "x.md:1:1: error: unterminated front matter: no closing '+++' line\n",
		     "TOML: no closing '+++'");
	expect_error("+++\ndraft = false\n+++\n",
		     "x.md:2:1: error: missing 'title' in front matter\n",
		     "TOML: a title is required");
	expect_error("{\"title\": \"a\",\n \"TITLE\": \"b\"}\n",
		     "x.md:2:2: error: duplicate key 'TITLE': keys are matched "
		     "without case, and 'title' is at line 1\n",
		     "JSON: keys in another case are a duplicate too");
	expect_error("{\"title\": \"a\"\n",
		     "x.md:1:1: error: invalid JSON: this '{' is not closed by "
		     "a '}'\n", "JSON: unclosed");
	expect_error("--- x\ntitle: a\n---\n",
		     "x.md:1:1: error: front matter must start with a line of "
		     "'---' alone\n", "text after the opening dashes");
	expect_error("---\ntitle: a\nTITLE: b\n---\n",
		     "x.md:3:1: error: duplicate key 'TITLE': keys are matched "
		     "without case, and 'title' is at line 2\n",
		     "duplicate key in another case");
	expect_error("---\ntitle: a\n",
		     "x.md:1:1: error: unterminated front matter: no closing '---' line\n",
		     "unterminated");
	expect_error("---\n---\n", "x.md:2:1: error: empty front matter: 'title' is required\n",
		     "empty front matter");
	expect_error("---\n- a\n---\n",
		     "x.md:2:1: error: front matter must be a mapping of keys, not a list\n",
		     "front matter that is a list");
	expect_error("---\ntitle: [a]\n---\n",
		     "x.md:2:8: error: 'title' must be text, not a list\n", "title as a list");
	expect_error("---\ntitle: a\ntags: {x: 1}\n---\n",
		     "x.md:3:7: error: 'tags' must be a list of text, not a mapping\n",
		     "tags as a mapping");
	expect_error("---\ntitle: a\ntags: [[x]]\n---\n",
		     "x.md:3:8: error: each entry of 'tags' must be non-empty text\n",
		     "nested tag list");
	expect_error("---\ntitle: a\nslug: a/b\n---\n",
		     "x.md:3:7: error: invalid slug 'a/b' (one non-empty path segment, no '/')\n",
		     "slug with a slash");
	expect_error("---\ntitle: &x a\nd: *x\n---\n",
		     "x.md:3:4: error: YAML aliases (*name) are not supported\n",
		     "YAML alias refused");
	expect_error("\xEF\xBB\xBF---\ntitle: a\ntitle: b\n---\n",
		     "x.md:3:1: error: duplicate key 'title' (first at line 2)\n",
		     "BOM then duplicate key");
	/* a lone CR after the opening dashes ends no line (the body's line
	 * number went past the end of the file) */
	expect_error("---\rle: ---x\r\ntitle: x\r\n---",
		     "x.md:1:1: error: front matter must start with a line of "
		     "'---' alone\n",
		     "opening line ended by a lone CR");
	expect_error("---\r",
		     "x.md:1:1: error: unterminated front matter: no closing '---' line\n",
		     "only the opening dashes and a CR");
	expect_error("---",
		     "x.md:1:1: error: unterminated front matter: no closing '---' line\n",
		     "only the opening dashes");
}

/* A file without front matter: published, its title from the first
 * heading or the file name, with a warning. */
static void expect_untitled(const char *text, const char *path,
			    const char *title, const char *warning)
{
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), path, &matter);
	char *messages = diagnostics();

	CHECK(ok, title);
	CHECK_STR(matter.title, title, path);
	CHECK_STR(messages, warning, title);
	CHECK(matter.body == text && matter.body_length == strlen(text) &&
	      matter.body_line == 1, "the whole file is the body");
	front_matter_free(&matter);
	free(messages);
}

static void test_no_front_matter(void)
{
	static const struct {
		const char *text, *path, *title, *source;
	} cases[] = {
		{"本文\n\n# 見出し\n", "a/b.md", "見出し", "heading"},
		{"## 閉じる # ##  \r\n", "a/b.md", "閉じる #", "heading"},
		{"# C#\n", "a/b.md", "C#", "heading"},
		{"   ### 字下げ\n", "a/b.md", "字下げ", "heading"},
		{"```\n# コード\n```\n## 外\n", "a/b.md", "外", "heading"},
		{"~~~\n# コード\n```\n# まだ中\n~~~\n", "a/b.md", "b", "name"},
		{"#タグ\n    # 字下げ四つ\n#\n", "docs/x-y.md", "x-y", "name"},
		{"", "docs/guide/index.md", "guide", "name"},
		{"本文\n", "docs/_index.md", "docs", "name"},
		{"本文\n", "top.md", "top", "name"},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *title = cases[i].title;
		char want[256];
		if (strcmp(cases[i].source, "heading") == 0)
			snprintf(want, sizeof want, "%s:1:1: warning: no front "
				 "matter: the title is the first heading's, '%s'\n",
				 cases[i].path, title);
		else
			snprintf(want, sizeof want, "%s:1:1: warning: no front "
				 "matter and no heading: the title is the file "
				 "name, '%s'\n", cases[i].path, title);
		expect_untitled(cases[i].text, cases[i].path, title, want);
	}
}

/* Hugo's spellings: keys in any case, spaces after the fences, an empty
 * tag left out with a warning, Hugo's theme keys accepted. */
static void test_hugo_leniency(void)
{
	const char *text = "---  \nTitle: 題\nWEIGHT: 4\nTags: [a, '']\n"
			   "Menu: {main: {weight: 1}}\nlayout: x\nparams: {k: v}\n"
			   "--- \t\n本文\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "lenient front matter parses");
	CHECK_STR(messages, "a.md:4:11: warning: empty entry in 'Tags' (left out)\n",
		  "only the empty tag warns");
	CHECK_STR(matter.title, "題", "Title");
	CHECK_INT(matter.weight, 4, "WEIGHT");
	CHECK_INT(matter.tags.count, 1, "Tags without the empty one");
	CHECK_INT(matter.body_line, 9, "the body after the spaced fence");
	front_matter_free(&matter);
	free(messages);
}

static void test_dates(void)
{
	CHECK(front_matter_valid_date("2024-02-29"), "leap day");
	CHECK(!front_matter_valid_date("2023-02-29"), "not a leap year");
	CHECK(!front_matter_valid_date("2100-02-29"), "century not leap");
	CHECK(front_matter_valid_date("2000-02-29"), "400-year leap");
	CHECK(!front_matter_valid_date("2026-04-31"), "April 31");
	CHECK(front_matter_valid_date("2026-01-02T03:04:05Z"), "UTC time");
	CHECK(front_matter_valid_date("2026-01-02 03:04"), "space and minutes");
	CHECK(front_matter_valid_date("2026-01-02T03:04:05.123+09:00"), "fraction and zone");
	CHECK(!front_matter_valid_date("2026-01-02T24:00"), "hour 24");
	CHECK(!front_matter_valid_date("2026-01-02T03:04+9"), "bad zone");
	CHECK(!front_matter_valid_date("2026-1-2"), "unpadded");
	CHECK(!front_matter_valid_date(""), "empty");
}

/* Hugo's url, linkTitle, summary, keywords, publishDate and expiryDate
 * (under each of their names), headless and _build, in YAML, TOML and
 * JSON alike. */
static void test_hugo_publishing_keys(void)
{
	const char *yaml = "---\ntitle: 長いタイトル\nLinkTitle: 短い\nurl: /guides/setup/\n"
			   "summary: 要約\nkeywords: [SPF, 迷惑メール]\n"
			   "pubdate: 2030-01-01T09:00:00+09:00\nunpublishdate: 2031-01-01\n"
			   "headless: true\n_build:\n  render: link\n  list: never\n"
			   "  publishResources: false\n---\n";
	const char *toml = "+++\ntitle = \"t\"\npublished = 2030-01-01\n"
			   "expiryDate = 2031-01-01\n[build]\nrender = false\nlist = \"local\"\n+++\n";
	const char *json = "{\"title\": \"t\", \"publishDate\": \"2030-01-01\", "
			   "\"keywords\": [\"a\"], \"_build\": {\"render\": \"always\"}}\n";
	struct front_matter matter;
	bool ok = front_matter_parse(yaml, strlen(yaml), "a.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "publishing keys: parse");
	CHECK_STR(messages, "", "publishing keys: no diagnostics");
	CHECK_STR(matter.link_title, "短い", "linkTitle, any case");
	CHECK_STR(matter.url, "/guides/setup/", "url as written");
	CHECK_INT(matter.url_line, 4, "url's line");
	CHECK_INT(matter.url_col, 6, "url's column");
	CHECK_STR(matter.summary, "要約", "summary");
	CHECK_INT(matter.keywords.count, 2, "keywords");
	CHECK_STR(matter.keywords.count == 2 ? matter.keywords.items[1] : NULL,
		  "迷惑メール", "the second keyword");
	CHECK_STR(matter.publish_date, "2030-01-01T09:00:00+09:00", "pubdate is publishDate");
	CHECK_STR(matter.expiry_date, "2031-01-01", "unpublishdate is expiryDate");
	CHECK(matter.headless, "headless");
	CHECK_INT(matter.render, FRONT_MATTER_RENDER_LINK, "_build.render: link");
	CHECK(matter.unlisted, "_build.list: never");
	front_matter_free(&matter);
	free(messages);

	ok = front_matter_parse(toml, strlen(toml), "a.md", &matter);
	messages = diagnostics();
	CHECK(ok, "TOML publishing keys: parse");
	CHECK_STR(messages, "", "TOML publishing keys: no diagnostics");
	CHECK_STR(matter.publish_date, "2030-01-01", "published is publishDate");
	CHECK_STR(matter.expiry_date, "2031-01-01", "TOML expiryDate");
	CHECK_INT(matter.render, FRONT_MATTER_RENDER_NEVER, "build.render = false");
	CHECK(!matter.unlisted, "build.list = local is listed");
	CHECK(matter.url == NULL && matter.link_title == NULL && matter.summary == NULL,
	      "absent url, linkTitle, summary are NULL");
	front_matter_free(&matter);
	free(messages);

	ok = front_matter_parse(json, strlen(json), "a.md", &matter);
	messages = diagnostics();
	CHECK(ok, "JSON publishing keys: parse");
	CHECK_STR(messages, "", "JSON publishing keys: no diagnostics");
	CHECK_STR(matter.publish_date, "2030-01-01", "JSON publishDate");
	CHECK_INT(matter.keywords.count, 1, "JSON keywords");
	CHECK_INT(matter.render, FRONT_MATTER_RENDER_ALWAYS, "_build.render: always");
	CHECK(!matter.headless, "not headless");
	front_matter_free(&matter);
	free(messages);
}

static void test_hugo_publishing_errors(void)
{
	expect_error("---\ntitle: a\nurl: /a/../b/\n---\n",
		     "x.md:3:6: error: invalid url '/a/../b/' (a clean path from the "
		     "site's root, such as /guides/setup/: no empty, '.' or '..' "
		     "segment, no '?', '#', '%', '\\' or space)\n",
		     "url with '..'");
	expect_error("---\ntitle: a\nurl: /\n---\n",
		     "x.md:3:6: error: invalid url '/' (a clean path from the "
		     "site's root, such as /guides/setup/: no empty, '.' or '..' "
		     "segment, no '?', '#', '%', '\\' or space)\n",
		     "url of the site's root");
	expect_error("---\ntitle: a\nurl: a//b?x\n---\n",
		     "x.md:3:6: error: invalid url 'a//b?x' (a clean path from the "
		     "site's root, such as /guides/setup/: no empty, '.' or '..' "
		     "segment, no '?', '#', '%', '\\' or space)\n",
		     "url with an empty segment and a query");
	expect_error("---\ntitle: a\nurl: [a]\n---\n",
		     "x.md:3:6: error: 'url' must be text, not a list\n",
		     "url of the wrong type");
	expect_error("---\ntitle: a\nkeywords: SPF\n---\n",
		     "x.md:3:11: error: 'keywords' must be a list of text, not a single value\n",
		     "keywords as one text");
	expect_error("---\ntitle: a\nkeywords: [a, {b: c}]\n---\n",
		     "x.md:3:15: error: each entry of 'keywords' must be non-empty text\n",
		     "a keyword that is a mapping");
	expect_error("---\ntitle: a\npublishDate: 2026-02-30\n---\n",
		     "x.md:3:14: error: invalid date '2026-02-30' for 'publishDate' "
		     "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with an optional zone)\n",
		     "publishDate validated like date");
	expect_error("---\ntitle: a\nexpirydate: soon\n---\n",
		     "x.md:3:13: error: invalid date 'soon' for 'expirydate' "
		     "(expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS with an optional zone)\n",
		     "expiryDate validated like date");
	expect_error("---\ntitle: a\nheadless: maybe\n---\n",
		     "x.md:3:11: error: 'headless' must be true or false\n",
		     "headless not a boolean");
	expect_error("---\ntitle: a\n_build:\n  render: sometimes\n  list: hidden\n"
		     "  publishResources: 2\n  colour: red\n---\n",
		     "x.md:4:11: error: '_build.render' must be always, never or link\n"
		     "x.md:5:9: error: '_build.list' must be always, never or local\n"
		     "x.md:6:21: error: '_build.publishResources' must be true or false\n"
		     "x.md:7:3: warning: unknown key 'colour' in '_build' (ignored)\n",
		     "_build's values");
	expect_error("---\ntitle: a\nbuild: never\n---\n",
		     "x.md:3:8: error: 'build' must be a mapping (render, list, "
		     "publishResources), not text\n",
		     "build not a mapping");
	expect_error("---\ntitle: a\nlinkTitle: [a]\n---\n",
		     "x.md:3:12: error: 'linkTitle' must be text, not a list\n",
		     "linkTitle of the wrong type");
}

static void test_date_seconds(void)
{
	long long seconds = 0;

	CHECK(front_matter_date_seconds("1970-01-01", &seconds) && seconds == 0,
	      "the epoch");
	CHECK(front_matter_date_seconds("2026-03-01", &seconds) &&
	      seconds == 1772323200, "a date is its midnight UTC");
	CHECK(front_matter_date_seconds("2026-03-01T09:00:00+09:00", &seconds) &&
	      seconds == 1772323200, "a zone east of UTC");
	CHECK(front_matter_date_seconds("2026-02-28 15:30-08:30", &seconds) &&
	      seconds == 1772323200, "a zone west of UTC, minutes only");
	CHECK(front_matter_date_seconds("2026-03-01T00:00:01.5Z", &seconds) &&
	      seconds == 1772323201, "seconds and a fraction");
	CHECK(front_matter_date_seconds("2024-02-29T00:00:00Z", &seconds) &&
	      seconds == 1709164800, "a leap day");
	CHECK(!front_matter_date_seconds("2026-02-30", &seconds), "no such day");
}

static void test_unknown_key_warns(void)
{
	const char *text = "---\ntitle: a\nauthor: b\n---\n";
	struct front_matter matter;
	bool ok = front_matter_parse(text, strlen(text), "x.md", &matter);
	char *messages = diagnostics();

	CHECK(ok, "unknown key is not an error");
	CHECK_STR(messages, "x.md:3:1: warning: unknown front matter key 'author' (ignored)\n",
		  "unknown key warning");
	front_matter_free(&matter);
	free(messages);
}

/* Hugo's cascade read into its own front matter, then given to a page
 * only where the page sets nothing; a nearer cascade first wins. */
static void test_cascade(void)
{
	const char *section = "---\ntitle: s\ncascade:\n  - tags: [共通]\n"
			      "    draft: true\n  - _build: {render: never}\n"
			      "    keywords: [k]\n    weight: 3\n---\n";
	const char *outer = "---\ntitle: o\ncascade:\n  tags: [外]\n"
			    "  expiryDate: 2030-01-01\n---\n";
	const char *page = "---\ntitle: p\ntags: [自前]\ndraft: false\n---\n";
	const char *untitled = "---\nweight: 2\n---\n";
	struct front_matter near, far, matter;
	char *messages;
	bool ok;

	ok = front_matter_parse(section, strlen(section), "s/_index.md", &near);
	messages = diagnostics();
	CHECK(ok && near.cascade != NULL, "cascade: read");
	CHECK_STR(messages, "s/_index.md:8:5: warning: 'weight' in cascade is not "
		  "applied: kbgen cascades draft, _build, tags, categories, "
		  "keywords, publishDate and expiryDate\n",
		  "cascade: a key it does not pass down is said");
	free(messages);
	CHECK_INT(near.set, 0, "cascade: the section itself sets none of them");
	front_matter_parse(outer, strlen(outer), "o/_index.md", &far);
	front_matter_parse(page, strlen(page), "s/p.md", &matter);
	front_matter_inherit(&matter, near.cascade);
	front_matter_inherit(&matter, far.cascade);
	CHECK(matter.tags.count == 1 && strcmp(matter.tags.items[0], "自前") == 0,
	      "cascade: the page's own tags win");
	CHECK(!matter.draft, "cascade: the page's own draft wins");
	CHECK(matter.render == FRONT_MATTER_RENDER_NEVER,
	      "cascade: _build given where the page has none");
	CHECK(matter.keywords.count == 1, "cascade: keywords given");
	CHECK_STR(matter.expiry_date, "2030-01-01",
		  "cascade: the farther one gives what the nearer does not");
	front_matter_free(&matter);
	front_matter_parse(untitled, strlen(untitled), "s/q.md", &matter);
	front_matter_inherit(&matter, far.cascade);
	front_matter_inherit(&matter, near.cascade);
	CHECK(matter.tags.count == 1 && strcmp(matter.tags.items[0], "外") == 0,
	      "cascade: the first given wins, so a nearer one goes first");
	front_matter_free(&matter);
	free(diagnostics());
	ok = front_matter_parse_untitled(untitled, strlen(untitled), "s/q.md",
					 &matter);
	messages = diagnostics();
	CHECK(ok && matter.title == NULL && matter.title_line == 2,
	      "untitled: no title, where it was due");
	CHECK_STR(messages, "", "untitled: no error");
	free(messages);
	front_matter_free(&matter);
	front_matter_free(&near);
	front_matter_free(&far);
}

int main(void)
{
	TEST_SUITE("frontmatter");
	test_good();
	test_crlf();
	test_json();
	test_errors();
	test_toml();
	test_no_front_matter();
	test_hugo_leniency();
	test_dates();
	test_unknown_key_warns();
	test_hugo_publishing_keys();
	test_hugo_publishing_errors();
	test_date_seconds();
	test_cascade();
	return TEST_EXIT();
}
