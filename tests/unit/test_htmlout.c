/*
 * htmlout: exact expected bytes for escaping, quoting, void elements,
 * raw text, comments and the DOCTYPE; and byte equality with libxml2's
 * serializer (htmlDocContentDumpFormatOutput, which the pages used
 * before) on the theme's layout, the golden Markdown files, an SVG
 * with namespaces and a few thousand random trees. The one deliberate
 * difference, '<' and '&' in attribute values, is checked on its own.
 */
#include <dirent.h>
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>

#include "html/htmlout.h"
#include "content/markdown.h"
#include "test.h"
#include "base/util.h"

/* libxml2's bytes for node (a document: the whole of it). */
static char *libxml2_bytes(xmlDocPtr doc, xmlNodePtr node)
{
	xmlOutputBufferPtr output = xmlAllocOutputBuffer(NULL);
	char *bytes;

	if (node == (xmlNodePtr)doc)
		htmlDocContentDumpFormatOutput(output, doc, "UTF-8", 0);
	else
		htmlNodeDumpFormatOutput(output, doc, node, "UTF-8", 0);
	xmlOutputBufferFlush(output);
	bytes = xstrndup((const char *)xmlOutputBufferGetContent(output),
			 xmlOutputBufferGetSize(output));
	xmlOutputBufferClose(output);
	return bytes;
}

static char *our_bytes(xmlNodePtr node)
{
	struct buf out = {0};

	htmlout_node(&out, node, NULL, NULL);
	return buf_detach(&out);
}

/* True when both serializers write the same bytes for node. */
static bool same_as_libxml2(xmlDocPtr doc, xmlNodePtr node)
{
	char *theirs = libxml2_bytes(doc, node);
	char *ours = our_bytes(node);
	bool same = strcmp(theirs, ours) == 0;

	if (!same)
		printf("libxml2: %s\nhtmlout: %s\n", theirs, ours);
	free(theirs);
	free(ours);
	return same;
}

static xmlDocPtr new_document(xmlNodePtr *body)
{
	htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	xmlNodePtr html = xmlNewDocNode(doc, NULL, BAD_CAST "html", NULL);

	xmlDocSetRootElement(doc, html);
	*body = xmlNewChild(html, NULL, BAD_CAST "body", NULL);
	return doc;
}

static xmlNodePtr add(xmlNodePtr parent, const char *name)
{
	return xmlAddChild(parent, xmlNewDocNode(parent->doc, NULL,
						 BAD_CAST name, NULL));
}

static void add_text(xmlNodePtr parent, const char *text)
{
	xmlAddChild(parent, xmlNewDocText(parent->doc, BAD_CAST text));
}

static void check_node(xmlNodePtr node, const char *expected, const char *what)
{
	char *ours = our_bytes(node);

	CHECK_STR(ours, expected, what);
	CHECK(same_as_libxml2(node->doc, node), what);
	free(ours);
}

static void test_text(void)
{
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr p = add(body, "p");

	add_text(p, "a < b > c & d \"q\" 'a' \t\r\n\x01\x1f\x7f end");
	check_node(p, "<p>a &lt; b &gt; c &amp; d \"q\" 'a' \t\r\n\x7f end</p>",
		   "text: <, > and & escaped, quotes kept, C0 controls dropped");
	p = add(body, "p");
	add_text(p, "迷惑メール — ＳＰＦ 😀");
	check_node(p, "<p>迷惑メール — ＳＰＦ 😀</p>",
		   "text: UTF-8 written raw, not as references");
	p = add(body, "p");
	add_text(p, "&amp; &lt;!-- x --&gt;");
	check_node(p, "<p>&amp;amp; &amp;lt;!-- x --&amp;gt;</p>",
		   "text: references in text are text");
	xmlFreeDoc(doc);
}

static void test_attributes(void)
{
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr a = add(body, "a");

	xmlNewProp(a, BAD_CAST "title", BAD_CAST "a<b>&c \xe6\x97\xa5 \x02");
	xmlNewProp(a, BAD_CAST "data-q", BAD_CAST "say \"hi\"");
	xmlNewProp(a, BAD_CAST "data-both", BAD_CAST "it's \"x\"");
	xmlNewProp(a, BAD_CAST "data-empty", BAD_CAST "");
	xmlNewProp(a, BAD_CAST "data-none", NULL);
	xmlNewProp(a, BAD_CAST "DISABLED", BAD_CAST "disabled");
	check_node(a, "<a title=\"a&lt;b&gt;&amp;c 日 \" data-q='say \"hi\"' "
		   "data-both=\"it's &quot;x&quot;\" data-empty=\"\" data-none "
		   "DISABLED></a>",
		   "attributes: escaped, quoted as libxml2 does, booleans bare");
	a = add(body, "a");
	xmlNewProp(a, BAD_CAST "href", BAD_CAST " \t/検索/?q=a b&x=\"1\"#top");
	xmlNewProp(a, BAD_CAST "name", BAD_CAST "x y");
	xmlNewProp(a, BAD_CAST "class", BAD_CAST "x y");
	check_node(a, "<a href=\"/%E6%A4%9C%E7%B4%A2/?q=a%20b&amp;x=%221%22#top\" "
		   "name=\"x%20y\" class=\"x y\"></a>",
		   "attributes: href and <a name> percent-escaped, leading "
		   "blanks dropped");
	a = add(body, "img");
	xmlNewProp(a, BAD_CAST "src", BAD_CAST "a[1]{2}|^`\\.png");
	check_node(a, "<img src=\"a%5B1%5D%7B2%7D%7C%5E%60%5C.png\">",
		   "attributes: src percent-escaped");
	for (int c = 1; c < 256; c++) {
		char value[4] = {'[', (char)c, ']', '\0'};
		xmlNodePtr span = add(body, "span");
		xmlNewProp(span, BAD_CAST "title", BAD_CAST value);
		xmlNewProp(span, BAD_CAST "href", BAD_CAST value);
		add_text(span, value);
	}
	CHECK(same_as_libxml2(doc, body), "attributes and text: every byte "
	      "value as libxml2 writes it");
	xmlFreeDoc(doc);
}

/* The one difference from libxml2, on purpose: it copies "<!--...-->"
 * and "&{...}" in attribute values raw. */
static void test_attributes_always_escaped(void)
{
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr input = add(body, "input");
	char *ours;

	xmlNewProp(input, BAD_CAST "value",
		   BAD_CAST "<!--\" autofocus onfocus=\"alert(1)-->");
	xmlNewProp(input, BAD_CAST "title", BAD_CAST "&{alert(1)};");
	xmlNewProp(input, BAD_CAST "src", BAD_CAST "<!--#exec cmd=\"ls\"-->");
	ours = our_bytes(input);
	CHECK_STR(ours, "<input value='&lt;!--\" autofocus onfocus=\"alert(1)"
		  "--&gt;' title=\"&amp;{alert(1)};\" "
		  "src=\"&lt;!--#exec%20cmd=%22ls%22--&gt;\">",
		  "attributes: <!-- and &{ escaped like anything else");
	free(ours);
	xmlFreeDoc(doc);
}

static void test_elements(void)
{
	static const char *const names[] = {
		"a", "abbr", "address", "area", "article", "aside", "audio",
		"b", "base", "basefont", "bdi", "bdo", "blockquote", "body",
		"br", "button", "canvas", "caption", "cite", "code", "col",
		"colgroup", "data", "datalist", "dd", "del", "details", "dfn",
		"dialog", "div", "dl", "dt", "em", "embed", "fieldset",
		"figcaption", "figure", "footer", "form", "frame", "h1", "h6",
		"head", "header", "hr", "html", "i", "iframe", "img", "input",
		"ins", "isindex", "kbd", "keygen", "label", "legend", "li",
		"link", "main", "map", "mark", "menu", "meta", "meter", "nav",
		"noscript", "object", "ol", "optgroup", "option", "output",
		"p", "param", "picture", "pre", "progress", "q", "rp", "rt",
		"ruby", "s", "samp", "script", "section", "select", "slot",
		"small", "source", "span", "strong", "style", "sub", "summary",
		"sup", "svg", "table", "tbody", "td", "template", "textarea",
		"tfoot", "th", "thead", "time", "title", "tr", "track", "u",
		"ul", "var", "video", "wbr", "LI", "Br", "kb-unknown",
	};
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr node;

	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		add(body, names[i]);
		node = add(body, names[i]);
		add_text(node, "x<&");
		add(node, "i");
	}
	CHECK(same_as_libxml2(doc, body), "elements: void ones, dropped end "
	      "tags and raw text as libxml2 writes them, empty and not");
	node = add(body, "br");
	add_text(node, "lost");
	check_node(node, "<br>", "elements: a void element's children are "
		   "never written");
	node = add(body, "li");
	check_node(node, "<li>", "elements: an empty <li> has no end tag");
	node = add(body, "script");
	add_text(node, "if (a < b && c > d) x = \"</p>\";");
	check_node(node, "<script>if (a < b && c > d) x = \"</p>\";</script>",
		   "elements: <script> text raw");
	node = add(body, "STYLE");
	add_text(node, "a > b { content: \"&\" }");
	check_node(node, "<STYLE>a > b { content: \"&\" }</STYLE>",
		   "elements: <style> text raw, any case");
	xmlFreeDoc(doc);
}

static void test_other_nodes(void)
{
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr p = add(body, "p"), a;

	xmlAddChild(p, xmlNewDocComment(doc, BAD_CAST " a <b> & c "));
	xmlAddChild(p, xmlNewReference(doc, BAD_CAST "&nbsp;"));
	xmlAddChild(p, xmlNewDocPI(doc, BAD_CAST "php", BAD_CAST "echo 1;"));
	xmlAddChild(p, xmlNewCDataBlock(doc, BAD_CAST "<raw>", 5));
	a = add(p, "a");
	xmlAddChild((xmlNodePtr)xmlNewProp(a, BAD_CAST "title", BAD_CAST "x"),
		    xmlNewReference(doc, BAD_CAST "&lt;"));
	check_node(p, "<p><!-- a <b> & c -->&nbsp;<?php echo 1;><raw>"
		   "<a title=\"x&lt;\"></a></p>",
		   "comments, references, PIs and preserved text");
	xmlAddPrevSibling(xmlDocGetRootElement(doc),
			  xmlNewDocComment(doc, BAD_CAST "top"));
	xmlAddNextSibling(xmlDocGetRootElement(doc),
			  xmlNewDocComment(doc, BAD_CAST "end"));
	CHECK(same_as_libxml2(doc, (xmlNodePtr)doc), "comments beside the "
	      "root element");
	xmlFreeDoc(doc);
}

static void check_doctype(const char *external, const char *system,
			  const char *expected, const char *what)
{
	htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	char *ours;

	xmlCreateIntSubset(doc, BAD_CAST "html", BAD_CAST external,
			   BAD_CAST system);
	xmlDocSetRootElement(doc, xmlNewDocNode(doc, NULL, BAD_CAST "html",
						NULL));
	ours = our_bytes((xmlNodePtr)doc);
	CHECK_STR(ours, expected, what);
	CHECK(same_as_libxml2(doc, (xmlNodePtr)doc), what);
	free(ours);
	xmlFreeDoc(doc);
}

static void test_doctype(void)
{
	htmlDocPtr doc = htmlNewDocNoDtD(NULL, NULL);
	char *ours;

	check_doctype(NULL, NULL, "<!DOCTYPE html>\n<html></html>\n",
		      "doctype: HTML5");
	check_doctype(NULL, "about:legacy-compat",
		      "<!DOCTYPE html>\n<html></html>\n",
		      "doctype: legacy-compat left out");
	check_doctype("-//W3C//DTD HTML 4.01//EN",
		      "http://www.w3.org/TR/html4/strict.dtd",
		      "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\" "
		      "\"http://www.w3.org/TR/html4/strict.dtd\">\n"
		      "<html></html>\n", "doctype: public and system");
	check_doctype(NULL, "x.dtd", "<!DOCTYPE html SYSTEM \"x.dtd\">\n"
		      "<html></html>\n", "doctype: system");
	ours = our_bytes((xmlNodePtr)doc);
	CHECK_STR(ours, "\n", "an empty document is a newline");
	free(ours);
	xmlFreeDoc(doc);
}

static void check_parsed(const char *html, size_t length, const char *what)
{
	htmlDocPtr doc = htmlReadMemory(html, (int)length, "x.html", "UTF-8",
					HTML_PARSE_NOERROR |
					HTML_PARSE_NOWARNING |
					HTML_PARSE_NONET);

	CHECK(doc != NULL && same_as_libxml2(doc, (xmlNodePtr)doc), what);
	xmlFreeDoc(doc);
}

static void test_layout(void)
{
	char *text = NULL;
	size_t length = 0;
	const char *odd = "<!DOCTYPE html><!-- c --><html><head><title>a&amp;b"
		"</title><style>p > a { x: \"&\" }</style><script>if (a<b) "
		"{}</script></head><body><p>x<br>y<img src=\" a b.png\" "
		"alt='\"'><input type=checkbox checked disabled=disabled>"
		"<table><tr><td></td><td>1</td></tr></table><ul><li><li>2"
		"</ul><select><option selected>1<option>2</select><pre>\n\n"
		"x</pre><textarea>&lt;</textarea></body></html>\n";

	CHECK(read_file("theme/layout.html", 1 << 20, &text, &length) == 0,
	      "the theme's layout is readable");
	check_parsed(text, length, "the theme's layout as libxml2 writes it");
	check_parsed(odd, strlen(odd), "an odd parsed page as libxml2 "
		     "writes it");
	free(text);
}

/* A Graphviz-like SVG imported into an HTML page: namespace
 * declarations, prefixed attributes, no void elements. */
static void test_svg(void)
{
	const char *svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10pt\">"
		"<g id=\"a\"><title>x-&gt;y</title><a xlink:href=\"/w/a b/\" "
		"href=\"/x y\" xlink:title=\"&quot;q&quot; it's\"><path d=\"M0,0\"/>"
		"<text x=\"1\">日本 &amp; </text></a></g><br/></svg>";
	xmlDocPtr image = xmlReadMemory(svg, (int)strlen(svg), "x.svg", "UTF-8",
					XML_PARSE_NONET);
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(image), doc, 1);

	xmlAddChild(body, copy);
	xmlSetProp(copy, BAD_CAST "role", BAD_CAST "img");
	CHECK(same_as_libxml2(doc, (xmlNodePtr)doc), "an SVG in a page as "
	      "libxml2 writes it");
	xmlFreeDoc(image);
	xmlFreeDoc(doc);
}

static void test_golden_markdown(void)
{
	DIR *directory = opendir("tests/golden");
	struct dirent *entry;
	size_t count = 0;

	while (directory != NULL && (entry = readdir(directory)) != NULL) {
		size_t length = strlen(entry->d_name);
		char *path, *text = NULL, *what;
		xmlNodePtr body;
		xmlDocPtr doc;
		cmark_node *document;
		struct markdown_headings headings;
		struct markdown_render_options options = {
			.headings = &headings, .permalink_label = "link"};

		if (length < 3 || strcmp(entry->d_name + length - 3, ".md"))
			continue;
		path = path_join("tests/golden", entry->d_name);
		if (read_file(path, 1 << 20, &text, &length) != 0) {
			free(path);
			continue;
		}
		doc = new_document(&body);
		document = markdown_parse(text, length);
		markdown_collect_headings(document, NULL, &headings);
		markdown_render(document, body, &options);
		what = xasprintf("%s rendered as libxml2 writes it", path);
		CHECK(same_as_libxml2(doc, (xmlNodePtr)doc), what);
		count++;
		free(what);
		markdown_headings_free(&headings);
		cmark_node_free(document);
		xmlFreeDoc(doc);
		free(text);
		free(path);
	}
	if (directory != NULL)
		closedir(directory);
	CHECK(count > 0, "golden Markdown files found");
}

/* A small deterministic generator (no libc rand: same trees everywhere). */
static unsigned long long random_state = 0x2545F4914F6CDD1DULL;

static unsigned random_below(unsigned limit)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return (unsigned)(random_state % limit);
}

/* Random text; attribute values avoid '!' and '{' so that "<!--" and
 * "&{" (the difference on purpose) never appear. */
static char *random_text(bool attribute)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\t", "\n", "\r", "<", ">", "&", "\"", "'",
		"=", "/", "?", "#", "%", ";", ":", "-", "\x01", "\x1b", "\x7f",
		"é", "日本", "😀", "&amp;", "--", "]]>", "!", "{", "}",
	};
	struct buf text = {0};
	unsigned count = random_below(8);

	for (unsigned i = 0; i < count; i++) {
		const char *piece = pieces[random_below(sizeof pieces /
							 sizeof *pieces)];
		if (attribute && (strchr(piece, '!') || strchr(piece, '{')))
			continue;
		buf_adds(&text, piece);
	}
	return buf_detach(&text);
}

static void add_random_children(xmlNodePtr parent, int depth)
{
	static const char *const names[] = {
		"div", "p", "a", "li", "br", "img", "script", "style", "td",
		"span", "meta", "input", "option", "pre", "svg", "kb-x",
	};
	static const char *const attributes[] = {
		"href", "src", "action", "name", "class", "title", "checked",
		"value", "alt", "data-x",
	};
	unsigned count = random_below(5);

	for (unsigned i = 0; i < count; i++) {
		unsigned kind = random_below(10);
		char *text = random_text(false);

		if (kind < 4 && depth < 6) {
			xmlNodePtr element = add(parent, names[random_below(
				sizeof names / sizeof *names)]);
			unsigned attribute_count = random_below(4);
			for (unsigned k = 0; k < attribute_count; k++) {
				char *value = random_text(true);
				xmlSetProp(element, BAD_CAST attributes[
					random_below(sizeof attributes /
						     sizeof *attributes)],
					random_below(8) ? BAD_CAST value : NULL);
				free(value);
			}
			add_random_children(element, depth + 1);
		} else if (kind < 9) {
			add_text(parent, text);
		} else {
			xmlAddChild(parent, xmlNewDocComment(parent->doc,
							     BAD_CAST text));
		}
		free(text);
	}
}

static void test_random_trees(void)
{
	int same = 0, total = 3000;

	for (int i = 0; i < total; i++) {
		xmlNodePtr body;
		xmlDocPtr doc = new_document(&body);

		add_random_children(body, 0);
		if (same_as_libxml2(doc, (xmlNodePtr)doc))
			same++;
		xmlFreeDoc(doc);
	}
	CHECK_INT(same, total, "3000 random trees as libxml2 writes them");
}

static bool skip_main(void *user, xmlNodePtr element, struct buf *out)
{
	(void)user;
	if (strcmp((const char *)element->name, "main") != 0)
		return false;
	buf_adds(out, "[MAIN]");
	return true;
}

static void test_skip_and_children(void)
{
	xmlNodePtr body;
	xmlDocPtr doc = new_document(&body);
	xmlNodePtr main = add(body, "main");
	struct buf out = {0};

	add_text(add(main, "p"), "hidden");
	add_text(add(body, "p"), "shown");
	htmlout_node(&out, xmlDocGetRootElement(doc), skip_main, NULL);
	CHECK_STR(buf_cstr(&out), "<html><body>[MAIN]<p>shown</p></body></html>",
		  "skip: a skipped element is replaced by the callback's bytes");
	buf_reset(&out);
	htmlout_children(&out, body);
	CHECK_STR(buf_cstr(&out), "<main><p>hidden</p></main><p>shown</p>",
		  "children: each child, not the parent's tags");
	buf_reset(&out);
	htmlout_text(&out, "a<b>&c\x01");
	CHECK_STR(buf_cstr(&out), "a&lt;b&gt;&amp;c", "text: escaped");
	buf_free(&out);
	xmlFreeDoc(doc);
}

int main(void)
{
	TEST_SUITE("htmlout");
	test_text();
	test_attributes();
	test_attributes_always_escaped();
	test_elements();
	test_other_nodes();
	test_doctype();
	test_layout();
	test_svg();
	test_golden_markdown();
	test_random_trees();
	test_skip_and_children();
	xmlCleanupParser();
	return TEST_EXIT();
}
