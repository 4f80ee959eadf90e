/*
 * theme and page: pages made from the prepared layout template — every
 * slot filled, breadcrumbs left out when there are none, extra <head>
 * elements, layouts without <head> or data-kb="main", navigation added
 * after pages were made, and pages made on several threads at once; the
 * print-only source line (page_add_print_source); the
 * theme's cache of what pages derive from it (theme_cached); the dom
 * shorthands the theme reads attributes with. The expected bytes are
 * what libxml2's own serializer writes for a full copy of the layout,
 * filled in.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/dom.h"
#include "test.h"
#include "html/page.h"
#include "html/theme.h"
#include "base/util.h"

static const char strings[] = "home: ホーム\nsearch: 検索\n"
	"print-source: \"URL: \"\nprint-date: \"印刷日: \"\n";

static struct theme *load(const char *layout)
{
	struct theme_config config = {
		.language = "ja", .base_path = "/kb/", .site_title = "KB & Co",
		.search_action = "/kb/search/",
	};

	return theme_load_memory(&config, layout, strlen(layout), strings,
				 strlen(strings));
}

static char *render(struct page *page)
{
	char *html;
	size_t length;

	page_render(page, &html, &length);
	page_free(page);
	if (strlen(html) != length) {
		free(html);
		return NULL;
	}
	return html;
}

static const char full_layout[] =
	"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
	"<title data-kb=\"title\">x</title>\n"
	"<meta name=\"description\" content=\"\" data-kb=\"description\">\n"
	"<link rel=\"stylesheet\" href=\"static/style.css\">\n</head>\n"
	"<body><a href=\"index.html\" data-kb=\"site-title\">x</a>\n"
	"<form data-kb=\"search-form\"><input name=\"q\" data-kb=\"search-input\""
	" data-kb-text-attr=\"placeholder=search\"></form>\n"
	"<ul data-kb=\"site-nav\"><li>x</li></ul>\n"
	"<nav data-kb=\"breadcrumbs\"><ol><li>x</li></ol></nav>\n"
	"<main id=\"main\" data-kb=\"main\"><p>placeholder</p></main>\n"
	"<p data-kb-text=\"home\">x</p></body></html>\n";

static void test_full_page(void)
{
	struct theme *theme = load(full_layout);
	struct page *page;
	xmlNodePtr meta;
	char *html;

	CHECK(theme != NULL, "full layout loads");
	theme_add_nav(theme, "", "ホーム");
	theme_add_nav(theme, "a/", "A <&>");
	page = page_new(theme, "T \"1\"", "D <2>");
	page_add_breadcrumb(page, "/kb/", "ホーム");
	page_add_breadcrumb(page, NULL, "T");
	page_set_search_query(page, "<!--\"q\"-->");
	meta = dom_element(page_head(page), "meta", NULL);
	dom_set(meta, "name", "robots");
	dom_text_element(page_main(page), "h1", NULL, "見出し & <more>");
	html = render(page);
	CHECK_STR(html,
		  "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\n"
		  "<title>T \"1\" | KB &amp; Co</title>\n"
		  "<meta name=\"description\" content=\"D &lt;2&gt;\">\n"
		  "<link rel=\"stylesheet\" href=\"/kb/static/style.css\">\n"
		  "<meta name=\"robots\"></head>\n"
		  "<body><a href=\"/kb/\">KB &amp; Co</a>\n"
		  "<form action=\"/kb/search/\"><input name=\"q\" "
		  "placeholder=\"検索\" value='&lt;!--\"q\"--&gt;'></form>\n"
		  "<ul><li><a href=\"/kb/\">ホーム</a></li><li><a href=\"/kb/a/\">"
		  "A &lt;&amp;&gt;</a></li></ul>\n"
		  "<nav><ol><li><a href=\"/kb/\">ホーム</a></li>"
		  "<li aria-current=\"page\">T</li></ol></nav>\n"
		  "<main id=\"main\"><h1>見出し &amp; &lt;more&gt;</h1></main>\n"
		  "<p>ホーム</p></body></html>\n",
		  "full page: every slot filled");
	free(html);
	page = page_new(theme, NULL, NULL);
	html = render(page);
	CHECK(html != NULL && strstr(html, "<title>KB &amp; Co</title>") &&
	      strstr(html, "content=\"\"") && !strstr(html, "<nav") &&
	      strstr(html, "<main id=\"main\"></main>") &&
	      strstr(html, "<input name=\"q\" placeholder=\"検索\">"),
	      "home page: site title alone, no breadcrumbs, empty main");
	free(html);
	theme_free(theme);
}

static void test_navigation_added_later(void)
{
	struct theme *theme = load(full_layout);
	struct page *before = page_new(theme, "B", NULL);
	struct page *after;
	char *html;

	theme_add_nav(theme, "x/", "X");
	after = page_new(theme, "A", NULL);
	html = render(before);
	CHECK(html != NULL && strstr(html, "<ul></ul>") != NULL,
	      "navigation added later: an earlier page keeps its own");
	free(html);
	html = render(after);
	CHECK(html != NULL && strstr(html, "<ul><li><a href=\"/kb/x/\">X</a>"
				     "</li></ul>") != NULL,
	      "navigation added later: a later page shows it");
	free(html);
	theme_free(theme);
}

/* site.yaml's service: named in the footer between two UI strings, the
 * element left out of every page without one, its siblings kept. */
static void test_footer_service(void)
{
	static const char layout[] =
		"<html><body><footer><p data-kb=\"footer-title\">x</p>"
		"<p data-kb=\"footer-service\">placeholder</p><p>after</p>"
		"</footer></body></html>";
	static const char service_strings[] = "footer-service: このサイトは\n"
		"footer-service-end: のサポートです。\n";
	const char *services[] = {"配配メール", NULL, ""};
	const char *expected[] = {
		"<footer><p>KB &amp; Co</p><p>このサイトは配配メールのサポートです。"
		"</p><p>after</p></footer>",
		"<footer><p>KB &amp; Co</p><p>after</p></footer>",
		"<footer><p>KB &amp; Co</p><p>after</p></footer>",
	};

	for (size_t i = 0; i < 3; i++) {
		struct theme_config config = {
			.language = "ja", .base_path = "/", .site_title = "KB & Co",
			.service = services[i], .search_action = "/search/",
		};
		struct theme *theme = theme_load_memory(
			&config, layout, strlen(layout), service_strings,
			strlen(service_strings));
		char *html;

		CHECK(theme != NULL, "footer-service layout loads");
		if (theme == NULL)
			continue;
		html = render(page_new(theme, "T", NULL));
		CHECK(html != NULL && strstr(html, expected[i]) != NULL,
		      i == 0 ? "footer-service: the service named between the "
			       "two strings"
			     : i == 1 ? "footer-service: left out without a service"
				      : "footer-service: left out for an empty "
					"service");
		if (html != NULL && strstr(html, expected[i]) == NULL)
			fprintf(stderr, "got: %s\n", html);
		free(html);
		theme_free(theme);
	}
}

static void test_bare_layout(void)
{
	struct theme *theme = load("<html><body><p>static</p></body></html>");
	struct page *page;
	char *html;

	CHECK(theme != NULL, "bare layout loads");
	page = page_new(theme, "T", NULL);
	dom_text_element(page_main(page), "p", NULL, "main 1");
	dom_element(page_head(page), "link", NULL);
	dom_text_element(page_main(page), "p", NULL, "main 2");
	html = render(page);
	CHECK_STR(html, "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.0 "
		  "Transitional//EN\" \"http://www.w3.org/TR/REC-html40/"
		  "loose.dtd\">\n<html lang=\"ja\"><body><p>static</p></body>"
		  "<p>main 1</p><link><p>main 2</p></html>\n",
		  "bare layout: head and main content after the body, in the "
		  "order added");
	free(html);
	theme_free(theme);
}

static void test_no_main(void)
{
	struct theme *theme = load("<!DOCTYPE html><html><head><title "
				   "data-kb=\"title\"></title></head><body>"
				   "<p>static</p></body></html>");
	struct page *page = page_new(theme, "T", NULL);
	char *html;

	dom_text_element(page_main(page), "p", NULL, "content");
	dom_element(page_head(page), "link", NULL);
	html = render(page);
	CHECK_STR(html, "<!DOCTYPE html>\n<html lang=\"ja\"><head><title>T | "
		  "KB &amp; Co</title><link></head><body><p>static</p></body>"
		  "<p>content</p></html>\n",
		  "no main slot: content goes at the end of the root element");
	free(html);
	theme_free(theme);
}

/* The print source comes last in <main> whenever it was added, escaped,
 * the last URL given winning; a page without one has none. */
static void test_print_source(void)
{
	struct theme *theme = load(full_layout);
	struct page *page = page_new(theme, "T", NULL);
	char *html;

	page_add_print_source(page, "http://x/first/");
	page_add_print_source(page, "http://x/a?b=1&c=<2>");
	dom_text_element(page_main(page), "p", NULL, "content");
	html = render(page);
	CHECK(html != NULL && strstr(html,
		"<main id=\"main\"><p>content</p><p class=\"print-source\">URL: "
		"<a href=\"http://x/a?b=1&amp;c=&lt;2&gt;\" class=\"print-url\">"
		"http://x/a?b=1&amp;c=&lt;2&gt;</a><span class=\"print-date\" "
		"data-label=\"印刷日: \"></span></p></main>") != NULL &&
	      strstr(html, "/first/") == NULL,
	      "print source: last in main, escaped, the last URL given");
	free(html);
	html = render(page_new(theme, "T", NULL));
	CHECK(html != NULL && strstr(html, "print-source") == NULL,
	      "print source: none unless added");
	free(html);
	theme_free(theme);
}

struct worker {
	struct theme *theme;
	int index;
	bool ok;
};

static void *make_pages(void *argument)
{
	struct worker *worker = argument;

	worker->ok = true;
	for (int i = 0; i < 200; i++) {
		char *title = xasprintf("t%d-%d", worker->index, i);
		char *want = xasprintf("<title>%s | KB &amp; Co</title>", title);
		struct page *page = page_new(worker->theme, title, NULL);
		char *html;

		dom_text_element(page_main(page), "p", NULL, title);
		html = render(page);
		if (html == NULL || strstr(html, want) == NULL)
			worker->ok = false;
		free(html);
		free(want);
		free(title);
	}
	return NULL;
}

static void test_threads(void)
{
	struct theme *theme = load(full_layout);
	struct worker workers[4];
	pthread_t threads[4];
	bool ok = true;

	for (int i = 0; i < 4; i++) {
		workers[i] = (struct worker){.theme = theme, .index = i};
		pthread_create(&threads[i], NULL, make_pages, &workers[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		ok = ok && workers[i].ok;
	}
	CHECK(ok, "pages made on four threads at once, the first ones "
	      "racing to make the template");
	theme_free(theme);
}

/* theme_cached's make and release for test_cache: each object is a
 * number, counted as made and as released. */
static int made, released;

static void *make_number(const struct theme *theme)
{
	int *number = xmalloc(sizeof *number);

	(void)theme;
	*number = ++made;
	return number;
}

static void release_number(void *object)
{
	released++;
	free(object);
}

static void test_cache(void)
{
	struct theme *theme = load(full_layout);
	const int *first, *again, *after_nav;

	first = theme_cached(theme, make_number, release_number);
	again = theme_cached(theme, make_number, release_number);
	CHECK(first == again && made == 1,
	      "theme_cached: made once, then shared");
	theme_add_nav(theme, "x/", "X");
	after_nav = theme_cached(theme, make_number, release_number);
	CHECK(after_nav != first && *first == 1 && *after_nav == 2,
	      "theme_cached: a new object after theme_add_nav, the old one "
	      "still valid");
	CHECK(released == 0, "theme_cached: nothing released before theme_free");
	theme_free(theme);
	CHECK(made == 2 && released == 2,
	      "theme_free releases the current and the older object");
}

static void test_dom_attributes(void)
{
	xmlDocPtr document = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = dom_new_element(document, "p");
	char *value;

	xmlDocSetRootElement(document, root);
	CHECK(dom_attribute(root, "class") == NULL,
	      "dom_attribute: NULL for an element without attributes");
	dom_set(root, "class", "a <b>");
	value = dom_attribute(root, "class");
	CHECK_STR(value, "a <b>", "dom_attribute: a copy of the value");
	free(value);
	CHECK(dom_attribute(root, "id") == NULL,
	      "dom_attribute: NULL for an attribute the element lacks");
	dom_set_boolean(root, "hidden");
	value = dom_attribute(root, "hidden");
	CHECK_STR(value, "", "dom_set_boolean: an attribute without a value");
	free(value);
	xmlFreeDoc(document);
}

int main(void)
{
	TEST_SUITE("theme");
	test_full_page();
	test_navigation_added_later();
	test_bare_layout();
	test_footer_service();
	test_no_main();
	test_print_source();
	test_threads();
	test_cache();
	test_dom_attributes();
	xmlCleanupParser();
	return TEST_EXIT();
}
