/* Site model: path normalisation, tag slugs, which links are relative and
 * where they point, link rewriting against the shipped content (run from
 * the repository root). */
#include <stdlib.h>

#include "base/diag.h"
#include "content/site.h"
#include "test.h"
#include "base/util.h"

static void test_normalize(void)
{
	char *path;

	path = site_normalize_path("content/delivery", "../errors/causes.md");
	CHECK_STR(path, "content/errors/causes.md", "parent folder");
	free(path);
	path = site_normalize_path("content/delivery", "./a/./b.md");
	CHECK_STR(path, "content/delivery/a/b.md", "dot segments");
	free(path);
	path = site_normalize_path("content", "../../etc/passwd");
	CHECK(path == NULL, "climbing above the root is refused");
	free(path);
	path = site_alias_path("docs/new/", "/old//page");
	CHECK_STR(path, "old/page/", "alias path");
	free(path);
	path = site_alias_path("docs/new/", "/../x");
	CHECK(path == NULL, "alias above the root refused");
	free(path);
	/* relative aliases: from the folder of the page's URL, as Hugo */
	path = site_alias_path("docs/new/", "old");
	CHECK_STR(path, "docs/old/", "relative alias");
	free(path);
	path = site_alias_path("docs/new/", "./old/");
	CHECK_STR(path, "docs/old/", "relative alias with ./");
	free(path);
	path = site_alias_path("docs/new/", "../docs/old");
	CHECK_STR(path, "docs/old/", "relative alias with ..");
	free(path);
	path = site_alias_path("docs/guide/new/", "../older");
	CHECK_STR(path, "docs/older/", "relative alias from a nested page");
	free(path);
	path = site_alias_path("docs/new/", "../../x");
	CHECK(path == NULL, "relative alias above the root refused");
	free(path);
	path = site_alias_path("about/", "old");
	CHECK_STR(path, "old/", "relative alias of a top-level page");
	free(path);
	path = site_tag_slug("Spam Folder/迷惑");
	CHECK_STR(path, "spam-folder-迷惑", "tag slug");
	free(path);
}

static void test_link_kinds(void)
{
	char *target;

	CHECK(site_link_is_relative("spam-folder.md"), "a file name is relative");
	CHECK(site_link_is_relative("#anchor"), "an anchor is relative");
	CHECK(site_link_is_relative("../x/y.md#h"), "a parent path is relative");
	CHECK(!site_link_is_relative("https://example.jp/a.md"),
	      "a URL with a scheme is not");
	CHECK(!site_link_is_relative("mailto:a@example.jp"), "mailto: is not");
	CHECK(!site_link_is_relative("/absolute/path.md"), "an absolute path is not");
	CHECK(!site_link_is_relative("?q=spf"), "a query is not");
	target = site_link_target("content/delivery/a.md", "../errors/b.md#h");
	CHECK_STR(target, "content/errors/b.md", "link target of an article link");
	free(target);
	target = site_link_target("decision-trees/t.yaml", "../content/x/y.md");
	CHECK_STR(target, "content/x/y.md", "link target from a tree file");
	free(target);
	target = site_link_target("content/delivery/a.md", "image.png");
	CHECK(target == NULL, "no target for a file that is not Markdown");
	free(target);
	target = site_link_target("content/delivery/a.md", "#h");
	CHECK(target == NULL, "no target for a bare anchor");
	free(target);
}

static void expect_link(const struct site *site, const char *from,
			const char *url, const char *want_href,
			const char *want_error)
{
	const struct article *article = site_find_article(site, from);
	char *error = NULL, *href;
	char *what = xasprintf("link '%s' from %s", url, from);

	if (article == NULL) {
		CHECK(article != NULL, what);
		free(what);
		return;
	}
	href = site_resolve_link(site, article, url, &error);
	CHECK_STR(href ? href : "(kept)", want_href, what);
	CHECK_STR(error ? error : "(none)", want_error, what);
	free(href);
	free(error);
	free(what);
}

static void test_links(void)
{
	struct site *site = site_load(".", NULL, NULL);

	CHECK(site != NULL && site->article_count >= 10, "shipped content loads");
	site_config_load(".", &site->config);
	expect_link(site, "delivery/not-arriving", "../deliverability/spf.md",
		    "/deliverability/spf/", "(none)");
	expect_link(site, "delivery/not-arriving", "spam-folder.md",
		    "/delivery/spam-folder/", "(none)");
	expect_link(site, "delivery/spam-folder", "../errors/causes.md#受信側の判定基準",
		    "/errors/causes/#受信側の判定基準", "(none)");
	expect_link(site, "delivery/spam-folder",
		    "../errors/causes.md#%E5%8F%97%E4%BF%A1%E5%81%B4%E3%81%AE%E5%88%A4%E5%AE%9A%E5%9F%BA%E6%BA%96",
		    "/errors/causes/#受信側の判定基準", "(none)");
	expect_link(site, "delivery/spam-folder", "../errors/causes.md#nope", "(kept)",
		    "broken anchor: content/errors/causes.md has no heading '#nope'");
	expect_link(site, "delivery/spam-folder", "../errors/gone.md", "(kept)",
		    "broken link: '../errors/gone.md' does not exist (resolved to "
		    "content/errors/gone.md)");
	expect_link(site, "delivery/spam-folder", "../../../x.md", "(kept)",
		    "broken link: '../../../x.md' points outside the site");
	expect_link(site, "delivery/spam-folder", "https://example.jp/a.md", "(kept)",
		    "(none)");
	expect_link(site, "delivery/spam-folder", "/absolute/path.md", "(kept)", "(none)");
	/* files beside the article: published next to its page; the check
	 * of the file itself is site_check_links' (tests/cli/writer.sh) */
	expect_link(site, "delivery/spam-folder", "image.png",
		    "/delivery/spam-folder/image.png", "(none)");
	expect_link(site, "delivery/spam-folder", "./img/%E5%9B%B3 1.PNG#x",
		    "/delivery/spam-folder/img/%E5%9B%B3%201.PNG", "(none)");
	expect_link(site, "delivery/spam-folder", "../x.pdf", "(kept)", "(none)");
	expect_link(site, "delivery/spam-folder", "page.html", "(kept)", "(none)");
	expect_link(site, "delivery/spam-folder", "data.json", "(kept)", "(none)");
	expect_link(site, "delivery/spam-folder", "#missing", "(kept)",
		    "broken anchor: no heading '#missing' in this article");
	expect_link(site, "delivery/spam-folder", "_index.md", "/delivery/", "(none)");
	CHECK(site_find_article(site, "content/deliverability/dkim.md") != NULL,
	      "find by source path");
	CHECK(site_find_article(site, "deliverability/nope") == NULL,
	      "missing article is NULL");
	site_free(site);
	diag_clear();
}

int main(void)
{
	TEST_SUITE("site");
	test_normalize();
	test_link_kinds();
	test_links();
	return TEST_EXIT();
}
