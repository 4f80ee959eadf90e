/*
 * shortcode.c — Hugo's shortcodes read and expanded before cmark-gfm
 * parses the body.
 *
 * Why before cmark and not on its tree: Hugo expands shortcodes before
 * Markdown, and writers rely on it. "[text]({{< ref "x.md" >}})" is no
 * link to cmark (a destination has no spaces), and the Markdown between
 * "{{< details >}}" and "{{< /details >}}" must be parsed as blocks of
 * the page, not as text of one paragraph. What this pass must not touch
 * is code: which lines are code blocks is cmark's answer (the text is
 * parsed once for that, only when it holds a "{{"), code spans and HTML
 * comments are found here. Every replacement keeps its newlines, so a
 * line of the expanded text is the same line of the file, and cmark's
 * lines (links, raw HTML, headings) need no mapping.
 */
#include "content/shortcode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/markdown.h"
#include "content/site.h"

void shortcode_call_free(struct shortcode_call *call)
{
	for (size_t i = 0; i < call->argument_count; i++) {
		free(call->arguments[i].name);
		free(call->arguments[i].value);
	}
	free(call->arguments);
	free(call->name);
	memset(call, 0, sizeof *call);
}

const char *shortcode_argument(const struct shortcode_call *call,
			       const char *name, int position)
{
	int index = 0;

	for (size_t i = 0; name && i < call->argument_count; i++)
		if (call->arguments[i].name &&
		    strcmp(call->arguments[i].name, name) == 0)
			return call->arguments[i].value;
	for (size_t i = 0; position >= 0 && i < call->argument_count; i++)
		if (call->arguments[i].name == NULL && index++ == position)
			return call->arguments[i].value;
	return NULL;
}

/* ---- reading one shortcode ---- */

struct lexer {
	const char *text;
	size_t length, at;
	char delimiter;
};

static bool lexer_has(const struct lexer *lexer, const char *word)
{
	size_t n = strlen(word);

	return lexer->length - lexer->at >= n &&
	       memcmp(lexer->text + lexer->at, word, n) == 0;
}

/* Skips spaces and line breaks; false at a blank line (a shortcode
 * never spans paragraphs: an unclosed one must not swallow the page). */
static bool skip_space(struct lexer *lexer)
{
	bool newline = false;

	while (lexer->at < lexer->length) {
		char c = lexer->text[lexer->at];
		if (c == '\n') {
			if (newline)
				return false;
			newline = true;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return true;
		}
		lexer->at++;
	}
	return true;
}

/* At the closing delimiter (">}}" or "%}}"), or its self-closing form. */
static size_t closing_length(const struct lexer *lexer, bool *self_closing)
{
	const char *close = lexer->delimiter == '<' ? ">}}" : "%}}";
	struct lexer after = *lexer;

	*self_closing = false;
	if (lexer_has(lexer, close))
		return 3;
	if (!lexer_has(lexer, "/"))
		return 0;
	after.at++;
	if (!lexer_has(&after, close))
		return 0;
	*self_closing = true;
	return 4;
}

static bool bare_char(const struct lexer *lexer)
{
	char c = lexer->text[lexer->at];
	bool ignored;

	return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '"' &&
	       c != '`' && c != '=' && closing_length(lexer, &ignored) == 0;
}

/* A quoted ("..." with \" and \\), raw (`...`) or bare value; NULL with
 * *why set when it cannot be read. The caller frees. */
static char *read_value(struct lexer *lexer, const char **why)
{
	struct buf value = {0};
	size_t start = lexer->at;

	if (lexer->at >= lexer->length) {
		*why = "a value is missing";
		return NULL;
	}
	if (lexer->text[lexer->at] == '"' || lexer->text[lexer->at] == '`') {
		char quote = lexer->text[lexer->at++];
		while (lexer->at < lexer->length && lexer->text[lexer->at] != quote) {
			char c = lexer->text[lexer->at++];
			if (quote == '"' && c == '\\' && lexer->at < lexer->length &&
			    (lexer->text[lexer->at] == '"' ||
			     lexer->text[lexer->at] == '\\'))
				c = lexer->text[lexer->at++];
			buf_addc(&value, c);
		}
		if (lexer->at >= lexer->length) {
			buf_free(&value);
			*why = quote == '"' ? "a quoted string is not closed"
					    : "a raw string is not closed";
			return NULL;
		}
		lexer->at++;
		return buf_detach(&value);
	}
	while (lexer->at < lexer->length && bare_char(lexer))
		lexer->at++;
	if (lexer->at == start) {
		*why = "a value is missing";
		return NULL;
	}
	return xstrndup(lexer->text + start, lexer->at - start);
}

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
	       c == '/';
}

static void add_argument(struct shortcode_call *call, char *name, char *value)
{
	call->arguments = xgrow(call->arguments, &call->argument_capacity,
				call->argument_count + 1, sizeof *call->arguments);
	call->arguments[call->argument_count].name = name;
	call->arguments[call->argument_count].value = value;
	call->argument_count++;
}

/* Hugo's escape: the shortcode's text between the markers, shown. */
static enum shortcode_read_result read_escaped(struct lexer *lexer,
					       struct shortcode_call *call,
					       const char **why)
{
	const char *close = lexer->delimiter == '<' ? "*/>}}" : "*/%}}";

	call->escaped = true;
	for (lexer->at += 2; lexer->at < lexer->length; lexer->at++)
		if (lexer_has(lexer, close)) {
			call->end = lexer->at + 5;
			return SHORTCODE_OK;
		}
	*why = lexer->delimiter == '<' ? "its escape has no '*/>}}'"
				       : "its escape has no '*/%}}'";
	return SHORTCODE_UNCLOSED;
}

/* The arguments after the name, up to the closing delimiter. */
static enum shortcode_read_result read_arguments(struct lexer *lexer,
						 struct shortcode_call *call,
						 const char **why)
{
	const char *problem = NULL;
	bool named = false, positional = false;
	size_t close;

	for (;;) {
		char *name = NULL, *value;
		if (!skip_space(lexer) || lexer->at >= lexer->length) {
			*why = lexer->delimiter == '<' ? "no '>}}' closes it"
						       : "no '%}}' closes it";
			return SHORTCODE_UNCLOSED;
		}
		if ((close = closing_length(lexer, &call->self_closing)) > 0)
			break;
		if (lexer->text[lexer->at] == '=') {
			problem = "'=' without a name before it";
			lexer->at++;
			continue;
		}
		value = read_value(lexer, why);
		if (value == NULL)
			return SHORTCODE_UNCLOSED;
		if (lexer->at < lexer->length && lexer->text[lexer->at] == '=') {
			lexer->at++;
			name = value;
			value = read_value(lexer, &problem);
			if (value == NULL) {
				free(name);
				if (lexer->at >= lexer->length ||
				    lexer->text[lexer->at] == '"' ||
				    lexer->text[lexer->at] == '`') {
					*why = problem;
					return SHORTCODE_UNCLOSED;
				}
				continue;
			}
		}
		if (name)
			named = true;
		else
			positional = true;
		add_argument(call, name, value);
	}
	lexer->at += close;
	call->end = lexer->at;
	if (problem == NULL && named && positional)
		problem = "named and positional arguments mixed";
	if (problem == NULL && call->closing && call->argument_count > 0)
		problem = "a closing shortcode takes no arguments";
	if (problem != NULL) {
		*why = problem;
		return SHORTCODE_MALFORMED;
	}
	return SHORTCODE_OK;
}

/* The name, with the '/' of a closing shortcode before it; false when a
 * character no name has follows it ("{{< a:b >}}"), the lexer past it. */
static bool read_name(struct lexer *lexer, struct shortcode_call *call)
{
	const char *self_close = lexer->delimiter == '<' ? "/>}}" : "/%}}";
	size_t start;

	if (lexer->text[lexer->at] == '/' && !lexer_has(lexer, self_close)) {
		call->closing = true;
		lexer->at++;
		skip_space(lexer);
	}
	start = lexer->at;
	while (lexer->at < lexer->length && name_char(lexer->text[lexer->at]) &&
	       !lexer_has(lexer, self_close))
		lexer->at++;
	call->name = xstrndup(lexer->text + start, lexer->at - start);
	if (lexer->at >= lexer->length || !bare_char(lexer))
		return true;
	while (lexer->at < lexer->length && bare_char(lexer))
		lexer->at++;
	return false;
}

enum shortcode_read_result shortcode_read(const char *text, size_t length,
					  size_t at, struct shortcode_call *call,
					  const char **why)
{
	struct lexer lexer = {text, length, at + 3, text[at + 2]};
	enum shortcode_read_result result;
	bool named_well;

	memset(call, 0, sizeof *call);
	call->start = at;
	call->end = at + 3;
	call->delimiter = lexer.delimiter;
	*why = NULL;
	if (lexer_has(&lexer, "/*"))
		return read_escaped(&lexer, call, why);
	if (!skip_space(&lexer) || lexer.at >= length) {
		*why = lexer.delimiter == '<' ? "no '>}}' closes it"
					      : "no '%}}' closes it";
		return SHORTCODE_UNCLOSED;
	}
	named_well = read_name(&lexer, call);
	result = read_arguments(&lexer, call, why);
	if (result == SHORTCODE_UNCLOSED)
		return result;
	if (!named_well) {
		*why = "its name has a character a name cannot have";
		return SHORTCODE_MALFORMED;
	}
	if (call->name[0] == '\0') {
		*why = "it has no name";
		return SHORTCODE_MALFORMED;
	}
	return result;
}

/* ---- expanding a text ---- */

enum open_kind { OPEN_DETAILS, OPEN_DROPPED };

struct open_shortcode {
	char *name;
	enum open_kind kind;
	unsigned line, column;	/* of its "{{", in the text */
};

struct expander {
	const char *text;
	size_t length, at;
	unsigned line;			/* of text[at], 1-based */
	bool *code_lines;		/* by line, 1-based; NULL: none */
	size_t line_count;
	const struct shortcode_options *options;
	struct shortcodes *codes;
	struct buf out;
	struct open_shortcode *open;
	size_t open_count, open_capacity;
	size_t no_highlight_end_after;	/* no "{{< /highlight >}}" after */
	size_t no_comment_end_after;	/* no "-->" after */
	/* where a location was last worked out, for the next one */
	size_t located_at;
	unsigned located_line, located_column;
};

/* The line and column (in characters) of text[at], worked out from the
 * last place asked for: places are asked for in order, and a line of
 * many shortcodes must not be counted again for each. */
static void locate(struct expander *expander, size_t at)
{
	const char *text = expander->text;
	const char *newline;

	if (at < expander->located_at) {
		expander->located_at = 0;
		expander->located_line = expander->located_column = 1;
	}
	while ((newline = memchr(text + expander->located_at, '\n',
				 at - expander->located_at)) != NULL) {
		expander->located_line++;
		expander->located_column = 1;
		expander->located_at = (size_t)(newline - text) + 1;
	}
	expander->located_column += (unsigned)utf8_count(text + expander->located_at,
							 at - expander->located_at);
	expander->located_at = at;
}

static const char *source_of(const struct expander *expander)
{
	return expander->options->source ? expander->options->source : "";
}

static void report(struct expander *expander, enum diag_severity severity,
		   size_t at, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct expander *expander, enum diag_severity severity,
		   size_t at, const char *format, ...)
{
	char *message;
	va_list args;
	struct buf text = {0};

	if (!expander->options->report)
		return;
	locate(expander, at);
	va_start(args, format);
	buf_vprintf(&text, format, args);
	va_end(args);
	message = buf_detach(&text);
	diag_report(severity, source_of(expander),
		    expander->options->first_line - 1 + expander->located_line,
		    expander->located_column,
		    "%s", message);
	free(message);
}

/* True when text[i] ends a line as cmark reads lines: "\n", or "\r" not
 * followed by "\n" (of "\r\n", the "\n" ends it). Its lines are the
 * ones counted here, so that code blocks are found where it found them. */
static bool line_end_at(const char *text, size_t length, size_t i)
{
	return text[i] == '\n' ||
	       (text[i] == '\r' && (i + 1 >= length || text[i + 1] != '\n'));
}

static size_t count_breaks(const char *text, size_t length, size_t from,
			   size_t to)
{
	size_t count = 0;

	for (size_t i = from; i < to; i++)
		count += line_end_at(text, length, i);
	return count;
}

/* Copies the text up to end, lines counted, a lone "\r" as "\n": what
 * is left out after one must not make it the "\r\n" of one line. */
static void copy_to(struct expander *expander, size_t end)
{
	const char *text = expander->text;

	if (end <= expander->at)
		return;
	expander->line += (unsigned)count_breaks(text, expander->length,
						 expander->at, end);
	if (memchr(text + expander->at, '\r', end - expander->at) == NULL) {
		buf_add(&expander->out, text + expander->at, end - expander->at);
		expander->at = end;
		return;
	}
	for (; expander->at < end; expander->at++)
		buf_addc(&expander->out, text[expander->at] == '\r' &&
				 line_end_at(text, expander->length, expander->at)
				 ? '\n' : text[expander->at]);
}

/* Leaves the text up to end out, but for its line breaks. */
static void skip_to(struct expander *expander, size_t end)
{
	for (; expander->at < end; expander->at++)
		if (line_end_at(expander->text, expander->length, expander->at)) {
			buf_addc(&expander->out, '\n');
			expander->line++;
		}
}

/* Appends text with every ASCII punctuation character backslash-escaped,
 * so that Markdown shows it as written. */
static void add_escaped(struct buf *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
		    (c >= '[' && c <= '`') || (c >= '{' && c <= '~'))
			buf_addc(out, '\\');
		buf_addc(out, (char)c);
	}
}

/* add_escaped, each line break a space: a value read from a shortcode
 * keeps no line of its own (the shortcode's breaks are kept apart). */
static void add_escaped_line(struct buf *out, const char *text)
{
	for (const char *c = text; *c; c++) {
		if (*c == '\n' || *c == '\r')
			buf_addc(out, ' ');
		else
			add_escaped(out, c, 1);
	}
}

/* Copies code (a code block's line, a code span) as written, except that
 * Hugo's escape inside shows the shortcode without its markers: writers
 * of Hugo sites escape shortcodes in code because Hugo expands them
 * there. */
static void copy_code(struct expander *expander, size_t end)
{
	while (expander->at < end) {
		const char *open = NULL;
		for (size_t i = expander->at; i + 5 <= end; i++)
			if (memcmp(expander->text + i, "{{", 2) == 0 &&
			    (expander->text[i + 2] == '<' || expander->text[i + 2] == '%') &&
			    memcmp(expander->text + i + 3, "/*", 2) == 0) {
				open = expander->text + i;
				break;
			}
		const char *close = NULL;
		if (open != NULL) {
			char marker[] = "*/>}}";
			marker[2] = open[2] == '<' ? '>' : '%';
			close = memmem(open + 5, (size_t)(expander->text + end - open - 5),
				       marker, 5);
		}
		if (close == NULL) {
			copy_to(expander, end);
			return;
		}
		copy_to(expander, (size_t)(open - expander->text) + 3);
		expander->at += 2;
		copy_to(expander, (size_t)(close - expander->text));
		expander->at += 2;
		copy_to(expander, (size_t)(close - expander->text) + 5);
	}
}

static bool is_code_line(const struct expander *expander, unsigned line)
{
	return expander->code_lines && line < expander->line_count + 1 &&
	       expander->code_lines[line];
}

static bool at_line_start(const struct expander *expander, size_t at)
{
	return at == 0 || line_end_at(expander->text, expander->length, at - 1);
}

/* The end of the code span whose backticks start at, or 0 when they
 * open none (CommonMark: the next run of as many backticks, in the same
 * paragraph). */
static size_t code_span_end(const struct expander *expander, size_t at,
			    size_t run)
{
	unsigned line = expander->line;

	for (size_t i = at + run; i < expander->length;) {
		char c = expander->text[i];
		if (line_end_at(expander->text, expander->length, i)) {
			size_t next = i + 1;
			while (next < expander->length &&
			       (expander->text[next] == ' ' || expander->text[next] == '\t'))
				next++;
			line++;
			if (next >= expander->length ||
			    line_end_at(expander->text, expander->length, next) ||
			    is_code_line(expander, line))
				return 0;
			i++;
			continue;
		}
		if (c != '`') {
			i++;
			continue;
		}
		size_t other = i;
		while (i < expander->length && expander->text[i] == '`')
			i++;
		if (i - other == run)
			return i;
	}
	return 0;
}

/* How a placeholder stands where a shortcode was: alone on its line (a
 * block of its own to cmark), after text on the line (inline), or first
 * on a line with text after it, where an HTML comment would take the
 * whole line as a block: that one is put after a space (an entity, which
 * starts no block; HTML shows no space at a paragraph's start). */
enum standing { STANDS_ALONE, STANDS_INLINE, STANDS_FIRST };

static enum standing standing_of(const struct expander *expander,
				 const struct shortcode_call *call)
{
	const struct buf *out = &expander->out;
	size_t i = out->length;
	bool text_before = false, text_after = false;

	/* a container's marks only: quotes, list items, indentation (and
	 * no more than that read: many shortcodes on a line cost each a
	 * character or two) */
	for (; i > 0 && out->data[i - 1] != '\n' && !text_before; i--)
		if (strchr(" \t>-*+.)0123456789", out->data[i - 1]) == NULL)
			text_before = true;
	if (text_before)
		return STANDS_INLINE;
	for (size_t k = call->end; k < expander->length && expander->text[k] != '\n'; k++)
		if (expander->text[k] != ' ' && expander->text[k] != '\t' &&
		    expander->text[k] != '\r')
			text_after = true;
	return text_after ? STANDS_FIRST : STANDS_ALONE;
}

static void add_placeholder(struct expander *expander,
			    const struct shortcode_call *call, const char *what)
{
	if (standing_of(expander, call) == STANDS_FIRST)
		buf_adds(&expander->out, "&#32;");
	buf_printf(&expander->out, "<!--%s:%s-->", expander->codes->marker, what);
}

/* Shortcodes left open at once, at most: a closing one searches them,
 * and a text of unknown ones never closed must not cost the square of
 * their number. One opened beyond is not searched for: its closing one
 * closes nothing (a warning). */
#define OPEN_MAX 256

static void open_push(struct expander *expander, const char *name,
		      enum open_kind kind, size_t at)
{
	if (expander->open_count >= OPEN_MAX)
		return;
	expander->open = xgrow(expander->open, &expander->open_capacity,
			       expander->open_count + 1, sizeof *expander->open);
	expander->open[expander->open_count].name = xstrdup(name);
	expander->open[expander->open_count].kind = kind;
	locate(expander, at);
	expander->open[expander->open_count].line = expander->located_line;
	expander->open[expander->open_count].column = expander->located_column;
	expander->open_count++;
}

static void report_unclosed_details(struct expander *expander,
				    const struct open_shortcode *open)
{
	/* said at the place kept, not found again: the text has moved on */
	if (expander->options->report)
		diag_warning(source_of(expander),
			     expander->options->first_line - 1 + open->line,
			     open->column, "shortcode 'details' is not closed: no "
			     "'{{< /details >}}' after it; it runs to the end of "
			     "its block");
}

static void close_shortcode(struct expander *expander,
			    const struct shortcode_call *call)
{
	size_t found = expander->open_count;

	while (found > 0 && strcmp(expander->open[found - 1].name, call->name) != 0)
		found--;
	if (found == 0) {
		report(expander, DIAG_WARNING, call->start,
		       "'{{%c /%s %c}}' closes no shortcode", call->delimiter,
		       call->name, call->delimiter == '<' ? '>' : '%');
		return;
	}
	while (expander->open_count >= found) {
		struct open_shortcode *open = &expander->open[--expander->open_count];
		if (open->kind == OPEN_DETAILS) {
			if (expander->open_count >= found)
				report_unclosed_details(expander, open);
			add_placeholder(expander, call, "/d");
		}
		free(open->name);
	}
}

/* The link a ref stands for: the .md file it names, relative to the
 * article's folder, as a link's destination may hold it. */
static char *ref_destination(const struct expander *expander, const char *page)
{
	const char *hash = strchr(page, '#');
	size_t length = hash ? (size_t)(hash - page) : strlen(page);
	struct buf path = {0}, encoded = {0};
	static const char hex[] = "0123456789ABCDEF";

	if (length > 0 && page[0] == '/') {
		/* from the content folder: up from the article's folder */
		const char *source = expander->options->source;
		for (const char *c = source ? strchr(source, '/') : NULL;
		     c && strchr(c + 1, '/'); c = strchr(c + 1, '/'))
			buf_adds(&path, "../");
		page++;
		length--;
	}
	while (length > 0 && page[length - 1] == '/')
		length--;
	buf_add(&path, page, length);
	if (length > 0 && !(length >= 3 && memcmp(page + length - 3, ".md", 3) == 0))
		buf_adds(&path, ".md");
	if (hash)
		buf_adds(&path, hash);
	for (const unsigned char *c = (const unsigned char *)buf_cstr(&path); *c; c++) {
		/* what a destination cannot hold as it is; the rest stays
		 * as written, so that a broken one is found on its line */
		if (*c > ' ' && *c != 0x7f && strchr("()<>\\", *c) == NULL) {
			buf_addc(&encoded, (char)*c);
		} else {
			buf_addc(&encoded, '%');
			buf_addc(&encoded, hex[*c >> 4]);
			buf_addc(&encoded, hex[*c & 15]);
		}
	}
	buf_free(&path);
	return buf_detach(&encoded);
}

/* True when the shortcode is a link's destination: right after "](" or
 * a link reference definition's "]:". */
static bool in_destination(const struct buf *out)
{
	size_t i = out->length;

	while (i > 0 && (out->data[i - 1] == ' ' || out->data[i - 1] == '<'))
		i--;
	return i >= 2 && out->data[i - 2] == ']' &&
	       (out->data[i - 1] == '(' || out->data[i - 1] == ':');
}

static void add_ref(struct expander *expander, const struct shortcode_call *call,
		    const char *page, const char *destination)
{
	struct shortcodes *codes = expander->codes;
	const char *text = expander->text;
	const char *found = memmem(text + call->start, call->end - call->start,
				   page, strlen(page));
	size_t at = found ? (size_t)(found - text) : call->start;
	struct shortcode_ref *ref;

	if (memchr(text + call->start, '\n', at - call->start) != NULL)
		at = call->start;	/* on a line of its own: say the "{{" */
	codes->refs = xgrow(codes->refs, &codes->ref_capacity,
			    codes->ref_count + 1, sizeof *codes->refs);
	ref = &codes->refs[codes->ref_count++];
	locate(expander, at);
	ref->line = expander->line;
	ref->column = expander->located_column;
	ref->destination = xstrdup(destination);
}

static void expand_ref(struct expander *expander,
		       const struct shortcode_call *call)
{
	const char *page = shortcode_argument(call, "path", 0);
	char *destination;

	if (page == NULL || *page == '\0') {
		report(expander, DIAG_ERROR, call->start,
		       "shortcode '%s' needs the page it points to: "
		       "{{< %s \"page.md\" >}}", call->name, call->name);
		return;
	}
	destination = ref_destination(expander, page);
	add_ref(expander, call, page, destination);
	if (in_destination(&expander->out)) {
		buf_adds(&expander->out, destination);
	} else {
		/* written as text: a link, so that it is checked too */
		buf_addc(&expander->out, '[');
		add_escaped_line(&expander->out, page);
		buf_printf(&expander->out, "](%s)", destination);
	}
	free(destination);
}

static void expand_param(struct expander *expander,
			 const struct shortcode_call *call)
{
	const char *name = shortcode_argument(call, NULL, 0);
	const char *value = NULL;

	if (name == NULL) {
		report(expander, DIAG_WARNING, call->start,
		       "shortcode 'param' needs the param's name: "
		       "{{< param \"name\" >}}");
		return;
	}
	if (expander->options->param)
		value = expander->options->param(expander->options->user, name);
	if (value == NULL) {
		report(expander, DIAG_WARNING, call->start, "unknown param '%s'",
		       name);
		return;
	}
	add_escaped_line(&expander->out, value);
}

static size_t longest_backtick_run(const char *text, size_t length)
{
	size_t longest = 0, run = 0;

	for (size_t i = 0; i < length; i++) {
		run = text[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

/* The next "{{< /highlight >}}" after from, or false. A search that
 * failed once fails from every later place: remembered, so that many
 * unclosed ones cost one pass. */
static bool find_highlight_end(struct expander *expander, size_t from,
			       struct shortcode_call *end)
{
	if (from >= expander->no_highlight_end_after)
		return false;
	for (size_t i = from; i + 3 <= expander->length; i++) {
		const char *why;
		if (expander->text[i] != '{' || expander->text[i + 1] != '{' ||
		    (expander->text[i + 2] != '<' && expander->text[i + 2] != '%'))
			continue;
		if (shortcode_read(expander->text, expander->length, i, end, &why) !=
			    SHORTCODE_UNCLOSED &&
		    end->closing && strcmp(end->name, "highlight") == 0)
			return true;
		shortcode_call_free(end);
	}
	expander->no_highlight_end_after = from;
	return false;
}

/* The language as a fence's info string may hold it. */
static char *highlight_language(const struct shortcode_call *call)
{
	const char *language = shortcode_argument(call, "lang", 0);
	struct buf kept = {0};

	for (const char *c = language ? language : ""; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("_+#.-", *c) != NULL)
			buf_addc(&kept, *c);
	return buf_detach(&kept);
}

static void add_run(struct buf *out, char c, size_t count)
{
	while (count-- > 0)
		buf_addc(out, c);
}

/* highlight: a fenced code block when both shortcodes stand alone on
 * their lines, a code span otherwise; the code between them as written. */
static void expand_highlight(struct expander *expander,
			     const struct shortcode_call *call)
{
	struct shortcode_call end;
	char *language;
	size_t fence, code_start, code_end, breaks;
	bool block;

	if (call->self_closing)
		return;
	if (!find_highlight_end(expander, call->end, &end)) {
		report(expander, DIAG_WARNING, call->start,
		       "shortcode 'highlight' is not closed: no "
		       "'{{< /highlight >}}' after it");
		return;
	}
	language = highlight_language(call);
	code_start = call->end;
	code_end = end.start;
	block = standing_of(expander, call) == STANDS_ALONE;
	if (block) {
		/* the line of the closing one, up to it, stays the code's */
		size_t k = end.start;
		while (k > code_start && expander->text[k - 1] != '\n')
			k--;
		for (size_t i = k; i < end.start; i++)
			if (expander->text[i] != ' ' && expander->text[i] != '\t' &&
			    expander->text[i] != '>')
				block = false;
		for (size_t i = end.end; i < expander->length && expander->text[i] != '\n'; i++)
			if (expander->text[i] != ' ' && expander->text[i] != '\t' &&
			    expander->text[i] != '\r')
				block = false;
	}
	/* line breaks inside the shortcodes themselves: a code span, and
	 * the breaks after it, so that lines stay where they were */
	breaks = count_breaks(expander->text, expander->length, call->start,
				 call->end) +
		 count_breaks(expander->text, expander->length, end.start,
				 end.end);
	if (breaks > 0)
		block = false;
	fence = longest_backtick_run(expander->text + code_start,
				     code_end - code_start) + 1;
	if (block) {
		add_run(&expander->out, '`', fence < 3 ? 3 : fence);
		buf_adds(&expander->out, language);
		expander->at = code_start;
		copy_to(expander, code_end);
		add_run(&expander->out, '`', fence < 3 ? 3 : fence);
	} else {
		add_run(&expander->out, '`', fence);
		buf_addc(&expander->out, ' ');
		expander->at = code_start;
		copy_to(expander, code_end);
		buf_addc(&expander->out, ' ');
		add_run(&expander->out, '`', fence);
		add_run(&expander->out, '\n', breaks);
		expander->line += (unsigned)breaks;
	}
	expander->at = end.end;
	free(language);
	shortcode_call_free(&end);
}

static char *argument_copy(const struct shortcode_call *call, const char *name)
{
	const char *value = shortcode_argument(call, name, -1);

	return value ? xstrdup(value) : NULL;
}

static unsigned dimension(struct expander *expander,
			  const struct shortcode_call *call, const char *name)
{
	const char *value = shortcode_argument(call, name, -1);
	unsigned number = 0;

	if (value == NULL)
		return 0;
	for (const char *c = value; *c; c++) {
		if (*c < '0' || *c > '9' || number > 100000) {
			report(expander, DIAG_WARNING, call->start,
			       "figure's %s '%s' is not a number of pixels; "
			       "left out", name, value);
			return 0;
		}
		number = number * 10 + (unsigned)(*c - '0');
	}
	return number;
}

static void expand_figure(struct expander *expander,
			  const struct shortcode_call *call)
{
	struct shortcodes *codes = expander->codes;
	struct shortcode_figure *figure;
	char what[32];

	if (shortcode_argument(call, "src", -1) == NULL) {
		report(expander, DIAG_WARNING, call->start,
		       "shortcode 'figure' needs src=\"image\"; left out");
		return;
	}
	codes->figures = xgrow(codes->figures, &codes->figure_capacity,
			       codes->figure_count + 1, sizeof *codes->figures);
	figure = &codes->figures[codes->figure_count];
	memset(figure, 0, sizeof *figure);
	figure->src = argument_copy(call, "src");
	figure->alt = argument_copy(call, "alt");
	figure->caption = argument_copy(call, "caption");
	figure->title = argument_copy(call, "title");
	figure->link = argument_copy(call, "link");
	figure->width = dimension(expander, call, "width");
	figure->height = dimension(expander, call, "height");
	snprintf(what, sizeof what, "f:%zu", codes->figure_count++);
	add_placeholder(expander, call, what);
}

static void expand_details(struct expander *expander,
			   const struct shortcode_call *call)
{
	struct shortcodes *codes = expander->codes;
	struct shortcode_details *details;
	const char *open = shortcode_argument(call, "open", -1);
	const char *summary = shortcode_argument(call, "summary", -1);
	char what[32];

	if (standing_of(expander, call) != STANDS_ALONE) {
		report(expander, DIAG_WARNING, call->start,
		       "shortcode 'details' must stand on a line of its own; "
		       "left out, the text inside kept");
		if (!call->self_closing)
			open_push(expander, call->name, OPEN_DROPPED, call->start);
		return;
	}
	codes->details = xgrow(codes->details, &codes->details_capacity,
			       codes->details_count + 1, sizeof *codes->details);
	details = &codes->details[codes->details_count];
	details->summary = xstrdup(summary ? summary : "Details");
	details->open = open != NULL && strcmp(open, "false") != 0 &&
			strcmp(open, "0") != 0;
	snprintf(what, sizeof what, "d:%zu", codes->details_count++);
	add_placeholder(expander, call, what);
	if (call->self_closing)
		add_placeholder(expander, call, "/d");
	else
		open_push(expander, call->name, OPEN_DETAILS, call->start);
}

static void expand_call(struct expander *expander,
			const struct shortcode_call *call)
{
	const char *name = call->name;

	if (call->closing)
		close_shortcode(expander, call);
	else if (strcmp(name, "ref") == 0 || strcmp(name, "relref") == 0)
		expand_ref(expander, call);
	else if (strcmp(name, "param") == 0)
		expand_param(expander, call);
	else if (strcmp(name, "highlight") == 0)
		expand_highlight(expander, call);
	else if (strcmp(name, "figure") == 0)
		expand_figure(expander, call);
	else if (strcmp(name, "details") == 0)
		expand_details(expander, call);
	else {
		report(expander, DIAG_WARNING, call->start,
		       "unknown shortcode '%s'", name);
		if (!call->self_closing)
			open_push(expander, name, OPEN_DROPPED, call->start);
	}
}

/* One shortcode at expander->at: expanded, left out or, when it cannot
 * be read, its "{{<" shown as text. */
static void expand_one(struct expander *expander)
{
	struct shortcode_call call;
	const char *why;
	enum shortcode_read_result result =
		shortcode_read(expander->text, expander->length, expander->at,
			       &call, &why);

	if (result == SHORTCODE_UNCLOSED) {
		report(expander, DIAG_WARNING, call.start,
		       "unclosed shortcode: %s; shown as text", why);
		add_escaped(&expander->out, expander->text + expander->at, 3);
		expander->at += 3;
	} else if (call.escaped) {
		buf_adds(&expander->out, "\\{\\{");
		add_escaped(&expander->out, &call.delimiter, 1);
		add_escaped(&expander->out, expander->text + call.start + 5,
			    call.end - call.start - 10);
		add_escaped(&expander->out, call.delimiter == '<' ? ">" : "%", 1);
		buf_adds(&expander->out, "\\}\\}");
		expander->line += (unsigned)count_breaks(expander->text, expander->length,
							 call.start, call.end);
		expander->at = call.end;
	} else if (result == SHORTCODE_MALFORMED) {
		report(expander, DIAG_WARNING, call.start,
		       "malformed shortcode '%s': %s; left out", call.name, why);
		if (!call.closing && !call.self_closing && *call.name)
			open_push(expander, call.name, OPEN_DROPPED, call.start);
		skip_to(expander, call.end);
	} else {
		size_t end = call.end;
		expand_call(expander, &call);
		if (expander->at < end)
			skip_to(expander, end);
	}
	shortcode_call_free(&call);
}

/* The lines of text cmark reads as code blocks. */
static void find_code_lines(struct expander *expander)
{
	cmark_node *document = markdown_parse(expander->text, expander->length);
	cmark_iter *iterator = cmark_iter_new(document);
	cmark_event_type event;

	expander->line_count = 1 + count_breaks(expander->text, expander->length,
						0, expander->length);
	expander->code_lines = xcalloc(expander->line_count + 1, sizeof(bool));
	while ((event = cmark_iter_next(iterator)) != CMARK_EVENT_DONE) {
		cmark_node *node = cmark_iter_get_node(iterator);
		if (event != CMARK_EVENT_ENTER ||
		    cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
			continue;
		for (int line = cmark_node_get_start_line(node);
		     line <= cmark_node_get_end_line(node); line++)
			if (line >= 1 && (size_t)line <= expander->line_count)
				expander->code_lines[line] = true;
	}
	cmark_iter_free(iterator);
	cmark_node_free(document);
}

/* A marker no text of the writer's holds, so that no comment written in
 * the article is taken for a placeholder. */
static char *unique_marker(const char *text, size_t length)
{
	struct buf marker = {0};

	buf_adds(&marker, "kbsc");
	while (memmem(text, length, marker.data, marker.length) != NULL)
		buf_addc(&marker, 'x');
	return buf_detach(&marker);
}

static bool starts(const struct expander *expander, const char *word)
{
	size_t n = strlen(word);

	return expander->length - expander->at >= n &&
	       memcmp(expander->text + expander->at, word, n) == 0;
}

static void expand_text(struct expander *expander)
{
	while (expander->at < expander->length) {
		const char *text = expander->text;
		size_t at = expander->at;

		if (at_line_start(expander, at) && is_code_line(expander, expander->line)) {
			size_t end = at;
			while (end < expander->length &&
			       !line_end_at(text, expander->length, end))
				end++;
			copy_code(expander, end < expander->length ? end + 1 : end);
		} else if (text[at] == '\\' && at + 1 < expander->length &&
			   (text[at + 1] == '`' || text[at + 1] == '\\')) {
			/* an escaped backtick opens no code span */
			copy_to(expander, at + 2);
		} else if (text[at] == '`') {
			size_t run = 0, end;
			while (at + run < expander->length && text[at + run] == '`')
				run++;
			end = code_span_end(expander, at, run);
			if (end)
				copy_code(expander, end);
			else
				copy_to(expander, at + run);
		} else if (starts(expander, "<!--")) {
			const char *close = at >= expander->no_comment_end_after ? NULL
				: memmem(text + at + 4, expander->length - at - 4, "-->", 3);
			if (close == NULL)
				expander->no_comment_end_after = at;
			copy_to(expander, close ? (size_t)(close - text) + 3 : at + 4);
		} else if (starts(expander, "{{<") || starts(expander, "{{%")) {
			expand_one(expander);
		} else {
			copy_to(expander, at + 1);
		}
	}
	for (size_t i = expander->open_count; i > 0; i--) {
		struct open_shortcode *open = &expander->open[i - 1];
		if (open->kind == OPEN_DETAILS)
			report_unclosed_details(expander, open);
		free(open->name);
	}
	expander->open_count = 0;
}

char *shortcode_expand(const char *text, size_t length,
		       const struct shortcode_options *options,
		       struct shortcodes *codes, size_t *out_length)
{
	struct expander expander = {
		.text = text, .length = length, .line = 1, .options = options,
		.codes = codes, .located_line = 1, .located_column = 1,
		.no_highlight_end_after = (size_t)-1,
		.no_comment_end_after = (size_t)-1,
	};

	memset(codes, 0, sizeof *codes);
	codes->marker = unique_marker(text, length);
	find_code_lines(&expander);
	expand_text(&expander);
	free(expander.code_lines);
	free(expander.open);
	*out_length = expander.out.length;
	if (expander.out.data == NULL)
		return xstrdup("");
	return buf_detach(&expander.out);
}

void shortcodes_free(struct shortcodes *codes)
{
	for (size_t i = 0; i < codes->figure_count; i++) {
		struct shortcode_figure *figure = &codes->figures[i];
		free(figure->src);
		free(figure->alt);
		free(figure->caption);
		free(figure->title);
		free(figure->link);
	}
	for (size_t i = 0; i < codes->details_count; i++)
		free(codes->details[i].summary);
	for (size_t i = 0; i < codes->ref_count; i++)
		free(codes->refs[i].destination);
	free(codes->refs);
	free(codes->figures);
	free(codes->details);
	free(codes->marker);
	memset(codes, 0, sizeof *codes);
}

static void free_attached(cmark_mem *mem, void *data)
{
	(void)mem;
	shortcodes_free(data);
	free(data);
}

cmark_node *shortcode_parse(const char *text, size_t length,
			    const struct shortcode_options *options)
{
	struct shortcodes *codes;
	cmark_node *document;
	size_t expanded_length;
	char *expanded;

	if (memmem(text, length, "{{", 2) == NULL)
		return markdown_parse(text, length);
	codes = xcalloc(1, sizeof *codes);
	expanded = shortcode_expand(text, length, options, codes,
				    &expanded_length);
	document = markdown_parse(expanded, expanded_length);
	free(expanded);
	cmark_node_set_user_data(document, codes);
	cmark_node_set_user_data_free_func(document, free_attached);
	return document;
}

static const char *article_param(void *user, const char *name)
{
	const struct article *article = user;
	const struct front_matter *meta = &article->meta;

	/* Hugo matches param names without case, as front matter keys */
	if (strcasecmp(name, "title") == 0)
		return meta->title;
	if (strcasecmp(name, "description") == 0)
		return meta->description && *meta->description ? meta->description
								: NULL;
	if (strcasecmp(name, "slug") == 0)
		return meta->slug;
	if (strcasecmp(name, "date") == 0)
		return meta->date;
	if (strcasecmp(name, "lastmod") == 0)
		return meta->lastmod;
	return NULL;
}

cmark_node *shortcode_parse_article(const struct article *article,
				    const char *body, size_t length,
				    bool report)
{
	struct shortcode_options options = {
		.source = article->source,
		.report = report,
		.first_line = article->meta.body_line,
		.param = article_param,
		.user = (void *)article,
	};

	return shortcode_parse(body, length, &options);
}

const struct shortcodes *shortcode_of_document(cmark_node *document)
{
	/* only shortcode_parse gives a document user data */
	if (cmark_node_get_type(document) != CMARK_NODE_DOCUMENT)
		return NULL;
	return cmark_node_get_user_data(document);
}

unsigned shortcode_link_column(cmark_node *node, const char *url,
			       unsigned fallback)
{
	cmark_node *document = node;
	const struct shortcodes *codes;
	unsigned line = (unsigned)cmark_node_get_start_line(node);

	while (cmark_node_parent(document) != NULL)
		document = cmark_node_parent(document);
	codes = shortcode_of_document(document);
	for (size_t i = 0; codes && i < codes->ref_count; i++)
		if (codes->refs[i].line == line &&
		    strcmp(codes->refs[i].destination, url) == 0)
			return codes->refs[i].column;
	return fallback;
}

/* One placeholder at *cursor: advances past it. */
static bool read_placeholder(const struct shortcodes *codes, const char **cursor,
			     const struct shortcode_figure **figure,
			     const struct shortcode_details **details)
{
	const char *c = *cursor;
	size_t marker = strlen(codes->marker), index = 0;
	char kind;

	*figure = NULL;
	*details = NULL;
	if (strncmp(c, "<!--", 4) != 0 || strncmp(c + 4, codes->marker, marker) != 0 ||
	    c[4 + marker] != ':')
		return false;
	c += 5 + marker;
	if (strncmp(c, "/d-->", 5) == 0) {
		*cursor = c + 5;
		return true;
	}
	kind = *c;
	if ((kind != 'f' && kind != 'd') || c[1] != ':' || c[2] < '0' || c[2] > '9')
		return false;
	for (c += 2; *c >= '0' && *c <= '9' && index < ((size_t)-1) / 20; c++)
		index = index * 10 + (size_t)(*c - '0');
	if (strncmp(c, "-->", 3) != 0)
		return false;
	if (kind == 'f' && index < codes->figure_count)
		*figure = &codes->figures[index];
	else if (kind == 'd' && index < codes->details_count)
		*details = &codes->details[index];
	else
		return false;
	*cursor = c + 3;
	return true;
}

char *shortcode_strip_placeholders(const struct shortcodes *codes,
				   const char *text)
{
	const struct shortcode_figure *figure;
	const struct shortcode_details *details;
	struct buf kept = {0};
	const char *c = text, *found;
	char *prefix;

	if (codes == NULL || text == NULL)
		return NULL;
	prefix = xasprintf("<!--%s:", codes->marker);
	if (strstr(text, prefix) == NULL) {
		free(prefix);
		return NULL;
	}
	while ((found = strstr(c, prefix)) != NULL) {
		const char *after = found;
		buf_add(&kept, c, (size_t)(found - c));
		if (!read_placeholder(codes, &after, &figure, &details))
			after = found + strlen(prefix);	/* none: kept */
		if (after == found + strlen(prefix))
			buf_add(&kept, found, strlen(prefix));
		c = after;
	}
	buf_adds(&kept, c);
	free(prefix);
	return buf_detach(&kept);
}

static const char *skip_blank(const char *c)
{
	while (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
		c++;
	return c;
}

bool shortcode_each_placeholder(const struct shortcodes *codes,
				const char *literal,
				void (*visit)(void *user,
					      const struct shortcode_figure *figure,
					      const struct shortcode_details *details),
				void *user)
{
	const struct shortcode_figure *figure;
	const struct shortcode_details *details;
	const char *c;

	if (codes == NULL || literal == NULL)
		return false;
	/* all of it placeholders, or none is one */
	for (c = skip_blank(literal); *c; c = skip_blank(c))
		if (!read_placeholder(codes, &c, &figure, &details))
			return false;
	if (c == skip_blank(literal))
		return false;
	for (c = skip_blank(literal); *c; c = skip_blank(c)) {
		read_placeholder(codes, &c, &figure, &details);
		visit(user, figure, details);
	}
	return true;
}
