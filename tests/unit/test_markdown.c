/*
 * Markdown: heading ids, URL safety, plain text, sections, and golden
 * files: tests/golden/NAME.md rendered must equal tests/golden/NAME.html
 * byte for byte. UPDATE_GOLDEN=1 rewrites the .html files instead (then
 * review the diff before committing).
 */
#include <dirent.h>
#include <pthread.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

#include "content/markdown.h"
#include "content/shortcode.h"
#include "test.h"
#include "base/util.h"

static void test_slugs(void)
{
	const char *cases[][2] = {
		{"SPFとは?", "spfとは"},
		{"1. 確認手順", "1-確認手順"},
		{"Hello, World! & Friends", "hello-world--friends"},
		{"ＤＫＩＭ（全角）", "ｄｋｉｍ全角"},
		{"受信側の判定基準", "受信側の判定基準"},
		{"a_b-c", "a_b-c"},
		{"「配信エラー」とは", "配信エラーとは"},
		{"", ""},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *slug = markdown_heading_slug(cases[i][0]);
		char *what = xasprintf("slug of '%s'", cases[i][0]);
		CHECK_STR(slug, cases[i][1], what);
		free(what);
		free(slug);
	}
}

static void test_unique_ids(void)
{
	const char *text = "## A\n## A\n## A\n## Main\n## \n";
	const char *const reserved[] = {"main", NULL};
	cmark_node *document = markdown_parse(text, strlen(text));
	struct markdown_headings headings;

	markdown_collect_headings(document, reserved, &headings);
	CHECK_INT(headings.count, 5, "five headings");
	CHECK_STR(headings.items[0].id, "a", "first id");
	CHECK_STR(headings.items[1].id, "a-1", "repeat gets -1");
	CHECK_STR(headings.items[2].id, "a-2", "repeat gets -2");
	CHECK_STR(headings.items[3].id, "main-1", "reserved id avoided");
	CHECK_STR(headings.items[4].id, "section", "empty heading gets an id");
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

/* "{#id}" ids: taken as written, and kept from any slug, even an
 * earlier heading's; a repeat, an empty or a reserved one says why. */
static void test_explicit_ids(void)
{
	const char *text = "## Later\n## A {#later}\n## B {#later}\n"
			   "## C {#}\n## D {#main}\n## E \\{#e}\n";
	const char *const reserved[] = {"main", NULL};
	cmark_node *document = markdown_parse(text, strlen(text));
	struct markdown_headings headings;

	markdown_collect_headings(document, reserved, &headings);
	CHECK_INT(headings.count, 6, "six headings");
	CHECK_STR(headings.items[0].id, "later-1", "slug steps aside for a chosen id");
	CHECK(headings.items[0].id_problem == NULL, "a slug has no problem");
	CHECK_STR(headings.items[1].id, "later", "explicit id as written");
	CHECK_STR(headings.items[1].text, "A", "{#id} cut from the text");
	CHECK(headings.items[1].id_problem == NULL, "first use is fine");
	CHECK_INT(headings.items[1].id_column, 6, "column of the '{'");
	CHECK_STR(headings.items[2].id, "later-2", "repeat gets a suffix");
	CHECK_STR(headings.items[2].id_problem, "duplicate heading id", "repeat said");
	CHECK_STR(headings.items[3].id, "c", "empty id: the slug");
	CHECK_STR(headings.items[3].id_problem, "empty heading id '{#}'", "empty said");
	CHECK_STR(headings.items[4].id, "main-1", "reserved id avoided");
	CHECK_STR(headings.items[4].id_problem,
		  "heading id reserved by the page layout", "reserved said");
	CHECK_STR(headings.items[5].text, "E {#e}", "escaped brace stays text");
	CHECK(headings.items[5].id_problem == NULL, "escaped: no problem");
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

/* A heading written as a suffixed id ("A-1") before the repeats, and
 * 5,000 equal headings: the ids stay unique and in order, and fast (the
 * old scan was cubic in their number: a minute for this page). */
static void test_many_equal_headings(void)
{
	struct buf text = {0};
	struct markdown_headings headings;
	cmark_node *document;
	bool in_order = true;

	buf_adds(&text, "## A-1\n## A\n## A\n## A\n");
	for (int i = 0; i < 5000; i++)
		buf_adds(&text, "## B\n");
	document = markdown_parse(text.data, text.length);
	markdown_collect_headings(document, NULL, &headings);
	CHECK_INT(headings.count, 5004, "every heading collected");
	CHECK_STR(headings.items[0].id, "a-1", "the written a-1 keeps its id");
	CHECK_STR(headings.items[1].id, "a", "first a");
	CHECK_STR(headings.items[2].id, "a-2", "a-1 is taken: the repeat gets -2");
	CHECK_STR(headings.items[3].id, "a-3", "then -3");
	CHECK_STR(headings.items[4].id, "b", "first b");
	for (int i = 1; i < 5000 && in_order; i++) {
		char *want = xasprintf("b-%d", i);
		in_order = strcmp(headings.items[4 + i].id, want) == 0;
		if (!in_order)
			CHECK_STR(headings.items[4 + i].id, want, "b repeats in order");
		free(want);
	}
	CHECK(in_order, "5,000 b repeats numbered b-1 to b-4999");
	markdown_headings_free(&headings);
	cmark_node_free(document);
	free(text.data);
}

static void test_url_safety(void)
{
	CHECK(markdown_url_is_safe("https://example.jp/"), "https");
	CHECK(markdown_url_is_safe("mailto:a@example.jp"), "mailto");
	CHECK(markdown_url_is_safe("../x.md#a:b"), "relative with colon later");
	CHECK(markdown_url_is_safe("#frag"), "fragment");
	CHECK(!markdown_url_is_safe("javascript:alert(1)"), "javascript");
	CHECK(!markdown_url_is_safe("  JavaScript:alert(1)"), "spaced, mixed case");
	CHECK(!markdown_url_is_safe("java\tscript:x"), "tab inside scheme");
	CHECK(!markdown_url_is_safe("vbscript:x"), "vbscript");
	CHECK(!markdown_url_is_safe("data:text/html,x"), "data");
	CHECK(!markdown_url_is_safe("file:///etc/passwd"), "file");
	CHECK(markdown_url_is_safe("foo):"), "no scheme: ')' before the colon");
	CHECK(markdown_url_is_safe("1a:b"), "no scheme: a digit first");
	CHECK(markdown_url_is_safe(":x"), "no scheme: nothing before the colon");
	CHECK(!markdown_url_is_safe("a+b.c-d:x"), "unknown scheme with + . -");
	CHECK(!markdown_url_is_safe("\x01\x1f javascript:x"), "leading controls");
	CHECK(!markdown_url_is_safe("java\nscript:x"), "line break inside scheme");
	CHECK(!markdown_url_is_safe("javascript\t:x"), "tab before the colon");
	CHECK(markdown_url_is_safe("HTTPS://example.jp/"), "upper-case https");
	CHECK(!markdown_url_is_safe("data:image/png;base64,AA"), "data image");
	CHECK(markdown_url_scheme_length("https://x") == 5, "scheme length https");
	CHECK(markdown_url_scheme_length("a:") == 1, "one-letter scheme");
	CHECK(markdown_url_scheme_length("a1+-.:") == 5, "scheme of every kind");
	CHECK(markdown_url_scheme_length("foo):") == 0, "')' ends no scheme");
	CHECK(markdown_url_scheme_length("-a:") == 0, "'-' first: no scheme");
	CHECK(markdown_url_scheme_length("ab") == 0, "no colon: no scheme");
	CHECK(markdown_url_scheme_length("") == 0, "empty: no scheme");
}

static void visit_section(void *user, const struct markdown_heading *heading,
			  const char *text, size_t length)
{
	struct buf *out = user;

	(void)length;
	buf_printf(out, "[%s]%s|", heading ? heading->id : "intro", text);
}

static void test_sections(void)
{
	const char *text = "前書き\n\n## 一\n\n本文一\n\n### 小\n\n小本文\n\n## 二\n\n- a\n- b\n";
	cmark_node *document = markdown_parse(text, strlen(text));
	struct markdown_headings headings;
	struct buf out = {0};

	markdown_collect_headings(document, NULL, &headings);
	markdown_each_section(document, &headings, visit_section, &out);
	CHECK_STR(buf_cstr(&out), "[intro]前書き|[一]本文一\n小\n小本文|[二]a\nb|",
		  "sections split at ## with deeper headings inside");
	buf_free(&out);
	markdown_headings_free(&headings);
	cmark_node_free(document);
}

static char *render_fragment(const char *markdown, size_t length)
{
	htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr root = xmlNewDocNode(doc, NULL, BAD_CAST "div", NULL);
	/* as an article's body is: a golden may hold shortcodes */
	struct shortcode_options silent = {0};
	cmark_node *document = shortcode_parse(markdown, length, &silent);
	struct markdown_headings headings;
	struct markdown_render_options options = {.headings = &headings,
						  .permalink_label = "link"};
	xmlOutputBufferPtr output = xmlAllocOutputBuffer(NULL);
	char *html;

	xmlDocSetRootElement(doc, root);
	markdown_collect_headings(document, NULL, &headings);
	markdown_render(document, root, &options);
	for (xmlNodePtr child = root->children; child; child = child->next) {
		htmlNodeDumpFormatOutput(output, doc, child, "UTF-8", 0);
		xmlOutputBufferWrite(output, 1, "\n");
	}
	xmlOutputBufferFlush(output);
	html = xstrndup((const char *)xmlOutputBufferGetContent(output),
			xmlOutputBufferGetSize(output));
	xmlOutputBufferClose(output);
	markdown_headings_free(&headings);
	cmark_node_free(document);
	xmlFreeDoc(doc);
	return html;
}

static void test_golden(void)
{
	DIR *directory = opendir("tests/golden");
	struct dirent *entry;
	bool update = getenv("UPDATE_GOLDEN") != NULL;
	size_t count = 0;

	CHECK(directory != NULL, "tests/golden exists");
	while (directory && (entry = readdir(directory)) != NULL) {
		size_t name_length = strlen(entry->d_name);
		char *source, *expected_path, *markdown = NULL, *expected = NULL;
		char *actual, *what;
		size_t length, expected_length;

		if (name_length < 4 || strcmp(entry->d_name + name_length - 3, ".md") != 0)
			continue;
		source = xasprintf("tests/golden/%s", entry->d_name);
		expected_path = xasprintf("tests/golden/%.*s.html",
					  (int)(name_length - 3), entry->d_name);
		what = xasprintf("golden %s", entry->d_name);
		if (read_file(source, 1 << 20, &markdown, &length) == 0) {
			actual = render_fragment(markdown, length);
			if (update)
				write_file(expected_path, actual, strlen(actual));
			if (read_file(expected_path, 1 << 20, &expected,
				      &expected_length) != 0)
				expected = NULL;
			CHECK_STR(actual, expected, what);
			free(actual);
			count++;
		}
		free(markdown);
		free(expected);
		free(what);
		free(source);
		free(expected_path);
	}
	if (directory)
		closedir(directory);
	CHECK(count >= 3, "golden files were found");
}

/* Regression: concurrent parses used to lose autolinks (cmark-gfm's
 * global special-character table). Each thread parses text whose autolink
 * must be found every time. */
static void *parse_many(void *argument)
{
	const char *text = "前の文 https://example.jp/a と www.example.jp の後 "
			   "~~消した~~\n";
	int *missed = argument;

	for (int i = 0; i < 3000; i++) {
		cmark_node *document = markdown_parse(text, strlen(text));
		int links = 0;
		cmark_iter *iterator = cmark_iter_new(document);
		cmark_event_type event;
		while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE)
			if (event == CMARK_EVENT_ENTER &&
			    cmark_node_get_type(cmark_iter_get_node(iterator)) ==
				    CMARK_NODE_LINK)
				links++;
		cmark_iter_free(iterator);
		if (links != 2 || cmark_node_first_child(document) == NULL ||
		    strcmp(cmark_node_get_type_string(cmark_node_last_child(
				   cmark_node_first_child(document))),
			   "strikethrough") != 0)
			(*missed)++;
		cmark_node_free(document);
	}
	return NULL;
}

static void test_concurrent_parses(void)
{
	pthread_t threads[4];
	int missed[4] = {0};

	for (int i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, parse_many, &missed[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(threads[i], NULL);
	CHECK_INT(missed[0] + missed[1] + missed[2] + missed[3], 0,
		  "4 threads x 3000 parses: every autolink and strikethrough found");
	CHECK(markdown_parses_in_parallel(),
	      "parses ran in parallel (the special-character table is set once)");
}

int main(void)
{
	TEST_SUITE("markdown");
	test_slugs();
	test_unique_ids();
	test_many_equal_headings();
	test_url_safety();
	test_sections();
	test_explicit_ids();
	test_golden();
	test_concurrent_parses();
	return TEST_EXIT();
}
