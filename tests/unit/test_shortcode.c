/*
 * Shortcodes (content/shortcode.h): one shortcode read into its name
 * and arguments, and a text expanded into the Markdown cmark reads,
 * with the diagnostics said at the file's line:col.
 */
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/shortcode.h"
#include "test.h"

/* "name|arg|key=value|..." for what was read, "!why" when it failed */
static char *read_one(const char *text, enum shortcode_read_result *result)
{
	struct shortcode_call call;
	const char *why;
	struct buf out = {0};

	*result = shortcode_read(text, strlen(text), 0, &call, &why);
	if (*result != SHORTCODE_OK) {
		buf_printf(&out, "!%s", why ? why : "(no reason)");
	} else if (call.escaped) {
		buf_printf(&out, "escaped:%zu", call.end);
	} else {
		buf_printf(&out, "%s%s%s", call.closing ? "/" : "", call.name,
			   call.self_closing ? "/" : "");
		for (size_t i = 0; i < call.argument_count; i++) {
			if (call.arguments[i].name)
				buf_printf(&out, "|%s=%s", call.arguments[i].name,
					   call.arguments[i].value);
			else
				buf_printf(&out, "|%s", call.arguments[i].value);
		}
		buf_printf(&out, "@%zu", call.end);
	}
	shortcode_call_free(&call);
	return buf_detach(&out);
}

static void test_read(void)
{
	const struct {
		const char *text, *want;
		enum shortcode_read_result result;
	} cases[] = {
		{"{{< ref \"a b.md\" >}} after", "ref|a b.md@20", SHORTCODE_OK},
		{"{{% param title %}}", "param|title@19", SHORTCODE_OK},
		{"{{<figure src=\"x.png\" alt=`raw \"q\"` width=10>}}",
		 "figure|src=x.png|alt=raw \"q\"|width=10@47", SHORTCODE_OK},
		{"{{< q \"say \\\"hi\\\" \\\\\" >}}", "q|say \"hi\" \\@25", SHORTCODE_OK},
		{"{{< x />}}", "x/@10", SHORTCODE_OK},
		{"{{< /details >}}", "/details@16", SHORTCODE_OK},
		{"{{</details>}}", "/details@14", SHORTCODE_OK},
		{"{{< a\n  k=\"v\"\n>}}", "a|k=v@17", SHORTCODE_OK},
		{"{{</* ref \"x\" */>}}", "escaped:19", SHORTCODE_OK},
		{"{{%/* x */%}}", "escaped:13", SHORTCODE_OK},
		{"{{</*/>}}", "!its escape has no '*/>}}'", SHORTCODE_UNCLOSED},
		{"{{< ref \"x.md\"", "!no '>}}' closes it", SHORTCODE_UNCLOSED},
		{"{{< ref \"x.md >}}", "!a quoted string is not closed",
		 SHORTCODE_UNCLOSED},
		{"{{< a `b >}}", "!a raw string is not closed", SHORTCODE_UNCLOSED},
		{"{{< a\n\nb >}}", "!no '>}}' closes it", SHORTCODE_UNCLOSED},
		{"{{< a %}}", "!no '>}}' closes it", SHORTCODE_UNCLOSED},
		{"{{< a k= >}}", "!a value is missing", SHORTCODE_MALFORMED},
		{"{{< a =v >}}", "!'=' without a name before it", SHORTCODE_MALFORMED},
		{"{{< a k=v p >}}", "!named and positional arguments mixed",
		 SHORTCODE_MALFORMED},
		{"{{< /a b >}}", "!a closing shortcode takes no arguments",
		 SHORTCODE_MALFORMED},
		{"{{< >}}", "!it has no name", SHORTCODE_MALFORMED},
		{"{{< \"q\" >}}", "!it has no name", SHORTCODE_MALFORMED},
		{"{{< a:b >}}", "!its name has a character a name cannot have",
		 SHORTCODE_MALFORMED},
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		enum shortcode_read_result result;
		char *got = read_one(cases[i].text, &result);
		CHECK_STR(got, cases[i].want, cases[i].text);
		CHECK_INT(result, cases[i].result, cases[i].text);
		free(got);
	}
}

static const char *title_param(void *user, const char *name)
{
	(void)user;
	return strcmp(name, "title") == 0 ? "A *title* <b>" : NULL;
}

static char *expand(const char *text, const char *source, struct shortcodes *codes)
{
	struct shortcode_options options = {
		.source = source, .report = true, .first_line = 5,
		.param = title_param,
	};
	size_t length;
	char *out = shortcode_expand(text, strlen(text), &options, codes, &length);

	CHECK_INT(length, strlen(out), "the expanded length is the text's");
	return out;
}

struct said {
	struct buf text;
};

static void collect(void *user, enum diag_severity severity, const char *path,
		    unsigned line, unsigned col, const char *message)
{
	struct said *said = user;

	buf_printf(&said->text, "%s:%u:%u: %s: %s\n", path, line, col,
		   severity == DIAG_ERROR ? "error" : "warning", message);
}

static char *diagnostics(void)
{
	struct said said = {{0}};

	diag_each(collect, &said);
	diag_clear();
	return said.text.data ? buf_detach(&said.text) : xstrdup("");
}

static void test_expand(void)
{
	const struct {
		const char *text, *want, *said;
	} cases[] = {
		{"[a]({{< ref \"b.md#h\" >}})\n", "[a](b.md#h)\n", ""},
		{"[a]({{< relref \"/s/p\" >}})", "[a](../s/p.md)", ""},
		{"[a]({{< ref \"my page.md\" >}})", "[a](my%20page.md)", ""},
		{"see {{< ref \"p\" >}}.", "see [p](p.md).", ""},
		{"{{< param title >}}", "A \\*title\\* \\<b\\>", ""},
		{"x {{< param nope >}} y", "x  y",
		 "content/d/a.md:5:3: warning: unknown param 'nope'\n"},
		{"{{< highlight go >}}\na `b`\n{{< /highlight >}}\n",
		 "```go\na `b`\n```\n", ""},
		{"x {{< highlight sh >}}ls{{< /highlight >}}", "x ` ls `", ""},
		{"`{{< x >}}` and\n\n    {{< y >}}\n", "`{{< x >}}` and\n\n    {{< y >}}\n", ""},
		{"`{{</* x */>}}`", "`{{< x >}}`", ""},
		{"{{</* ref \"x\" */>}}", "\\{\\{\\< ref \\\"x\\\" \\>\\}\\}", ""},
		{"<!-- {{< x >}} -->", "<!-- {{< x >}} -->", ""},
		{"a {{< x >}}b{{< /x >}} c\n{{< y />}}\n", "a b c\n\n",
		 "content/d/a.md:5:3: warning: unknown shortcode 'x'\n"
		 "content/d/a.md:6:1: warning: unknown shortcode 'y'\n"},
		{"a {{< ref \"x\"\n", "a \\{\\{\\< ref \"x\"\n",
		 "content/d/a.md:5:3: warning: unclosed shortcode: no '>}}' "
		 "closes it; shown as text\n"},
		{"{{< details summary=\"S\" open=true >}}\nin\n{{< /details >}}\n",
		 "<!--kbsc:d:0-->\nin\n<!--kbsc:/d-->\n", ""},
		{"kbsc {{< details >}}", "kbsc ",
		 "content/d/a.md:5:6: warning: shortcode 'details' must stand "
		 "on a line of its own; left out, the text inside kept\n"},
		{"{{< figure src=\"a.png\" >}} text\n", "&#32;<!--kbsc:f:0--> text\n", ""},
		{"日本 {{< x k=v 1 >}}", "日本 ",
		 "content/d/a.md:5:4: warning: malformed shortcode 'x': named and "
		 "positional arguments mixed; left out\n"},
		{"{{< ref >}}", "",
		 "content/d/a.md:5:1: error: shortcode 'ref' needs the page it "
		 "points to: {{< ref \"page.md\" >}}\n"},
		{"a\n{{< details >}}\n日本 {{< details >}}\nb\n{{< /details >}}\n",
		 /* the end closes the nearest, the one left out */
		 "a\n<!--kbsc:d:0-->\n日本 \nb\n\n",
		 "content/d/a.md:7:4: warning: shortcode 'details' must stand on a "
		 "line of its own; left out, the text inside kept\n"
		 "content/d/a.md:6:1: warning: shortcode 'details' is not closed: "
		 "no '{{< /details >}}' after it; it runs to the end of its block\n"},
		{"{{< details >}}\n{{< x >}}\n{{< /details >}}",
		 "<!--kbsc:d:0-->\n\n<!--kbsc:/d-->",
		 "content/d/a.md:6:1: warning: unknown shortcode 'x'\n"},
		/* lines as cmark counts them: a lone CR ends one too */
		{"a {{< x >}}\rb\r```\r{{< y >}}\r```\r\n{{< z >}}\r",
		 "a \nb\n```\n{{< y >}}\n```\r\n\n",
		 "content/d/a.md:5:3: warning: unknown shortcode 'x'\n"
		 "content/d/a.md:6:1: warning: unknown shortcode 'z'\n"},
		{"a\r{{< x\r>}}\nb", "a\n\n\nb",
		 "content/d/a.md:5:3: warning: unknown shortcode 'x'\n"},
		{"{{< a\nb=\"c\" >}}x", "\nx",
		 "content/d/a.md:5:1: warning: unknown shortcode 'a'\n"},
	};

	diag_clear();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct shortcodes codes;
		char *out = expand(cases[i].text, "content/d/a.md", &codes);
		char *said = diagnostics();
		CHECK_STR(out, cases[i].want, cases[i].text);
		CHECK_STR(said, cases[i].said, cases[i].text);
		free(out);
		free(said);
		shortcodes_free(&codes);
	}
}

static void test_marker(void)
{
	struct shortcodes codes;
	char *out = expand("<!--kbsc:d:0--> kbscx\n{{< details >}}\n{{< /details >}}",
			   "content/a.md", &codes);
	char *said = diagnostics();
	char *stripped;

	CHECK_STR(codes.marker, "kbscxx", "a marker the text does not hold");
	CHECK_STR(out, "<!--kbsc:d:0--> kbscx\n<!--kbscxx:d:0-->\n<!--kbscxx:/d-->",
		  "the writer's comment is no placeholder");
	CHECK_STR(codes.details[0].summary, "Details", "summary's default");
	CHECK(!codes.details[0].open, "closed by default");
	CHECK(!shortcode_each_placeholder(&codes, "<!--kbsc:d:0-->", NULL, NULL),
	      "a comment with the text's own marker is not a placeholder");
	CHECK(!shortcode_each_placeholder(&codes, "<!--kbscxx:d:1-->", NULL, NULL),
	      "a placeholder past the table is none");
	CHECK(!shortcode_each_placeholder(&codes, "<!--kbscxx:d:0--> x", NULL, NULL),
	      "a literal with more than placeholders is none");
	stripped = shortcode_strip_placeholders(&codes, "a<!--kbscxx:d:0-->b"
						"<!--kbscxx:/d--><!--kbscxx:q-->");
	CHECK_STR(stripped, "ab<!--kbscxx:q-->",
		  "placeholders stripped from text, anything else kept");
	free(stripped);
	CHECK(shortcode_strip_placeholders(&codes, "<!--kbsc:d:0-->") == NULL,
	      "text without a placeholder: NULL");
	CHECK_STR(said, "", "nothing said");
	free(out);
	free(said);
	shortcodes_free(&codes);
}

static void test_figure_arguments(void)
{
	struct shortcodes codes;
	char *out = expand("{{< figure src=\"a b.png\" alt=\"A\" caption=\"C\" "
			   "title=\"T\" link=\"https://example.jp/\" width=\"640\" "
			   "height=12x >}}\n", "content/a.md", &codes);
	char *said = diagnostics();

	CHECK_STR(out, "<!--kbsc:f:0-->\n", "a figure's placeholder");
	CHECK_INT(codes.figure_count, 1, "one figure");
	CHECK_STR(codes.figures[0].src, "a b.png", "src");
	CHECK_STR(codes.figures[0].alt, "A", "alt");
	CHECK_STR(codes.figures[0].caption, "C", "caption");
	CHECK_STR(codes.figures[0].title, "T", "title");
	CHECK_STR(codes.figures[0].link, "https://example.jp/", "link");
	CHECK_INT(codes.figures[0].width, 640, "width");
	CHECK_INT(codes.figures[0].height, 0, "a height that is no number is left out");
	CHECK_STR(said, "content/a.md:5:1: warning: figure's height '12x' is not a "
		  "number of pixels; left out\n", "said where the figure is");
	free(out);
	free(said);
	shortcodes_free(&codes);
}

static void test_bundle_ref(void)
{
	struct shortcodes codes;
	char *out = expand("[a]({{< ref \"/s/p#h\" >}}) [b]({{< ref \"c.md\" >}})",
			   "content/d/b/index.md", &codes);
	char *said = diagnostics();

	CHECK_STR(out, "[a](../../s/p.md#h) [b](c.md)",
		  "a page path from a bundle climbs its folder too");
	CHECK_INT(codes.ref_count, 2, "both refs kept");
	CHECK_INT(codes.refs[0].column, 14, "where the first page is written");
	CHECK_INT(codes.refs[1].column, 40, "where the second is");
	CHECK_STR(said, "", "nothing said");
	free(out);
	free(said);
	shortcodes_free(&codes);
}

int main(void)
{
	TEST_SUITE("shortcode");
	test_read();
	test_expand();
	test_marker();
	test_figure_arguments();
	test_bundle_ref();
	return TEST_EXIT();
}
