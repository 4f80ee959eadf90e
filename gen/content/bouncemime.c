/*
 * bouncemime.c — header blocks, encoded-words, transfer encodings,
 * charsets and multipart bodies (see bouncemime.h). The input is copied
 * once with CRLF folded to LF, so every later step looks for '\n' only.
 */
#include "content/bouncemime.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"

/* ---- charsets --------------------------------------------------------------- */

/* The charsets kept open: a bounce names a few charsets over and over,
 * and a sandboxed kb.cgi cannot open glibc's gconv modules once confined
 * (mime_charsets_preload opens these before). */
struct charset {
	const char *iconv_name;
	const char *const aliases[8];
	iconv_t cd;
	bool tried;
};

static struct charset charsets[] = {
	{"ISO-2022-JP-2", {"iso-2022-jp", "iso-2022-jp-2", "csiso2022jp",
			   "iso-2022-jp-1", "iso-2022-jp-3", NULL}, 0, false},
	{"CP932", {"shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j",
		   "cp932", "ms_kanji", "csshiftjis"}, 0, false},
	{"EUC-JP", {"euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese", NULL},
	 0, false},
	{"ISO-8859-1", {"iso-8859-1", "latin1", "iso8859-1", "l1", NULL}, 0,
	 false},
	{"CP1252", {"windows-1252", "cp1252", NULL}, 0, false},
	{"ISO-8859-15", {"iso-8859-15", "latin-9", NULL}, 0, false},
};
#define CHARSET_COUNT (sizeof charsets / sizeof *charsets)
enum { CHARSET_ISO2022JP, CHARSET_CP932, CHARSET_EUCJP, CHARSET_LATIN1 };

/* One converter is used by one call at a time: kbgen checks its rules'
 * samples on one thread, but nothing should depend on it. */
static pthread_mutex_t charset_lock = PTHREAD_MUTEX_INITIALIZER;

static iconv_t charset_open(struct charset *charset)
{
	if (!charset->tried) {
		charset->tried = true;
		charset->cd = iconv_open("UTF-8", charset->iconv_name);
	}
	return charset->cd;
}

void mime_charsets_preload(void)
{
	for (size_t i = 0; i < CHARSET_COUNT; i++)
		(void)charset_open(&charsets[i]);
}

static const char replacement[] = "\xEF\xBF\xBD";

/* Converts through cd, appending to out; strict stops at the first
 * invalid byte and returns false. Otherwise invalid bytes become U+FFFD
 * and it returns true. */
static bool convert(iconv_t cd, const char *bytes, size_t length, bool strict,
		    struct buf *out)
{
	char *in = (char *)bytes;
	size_t in_left = length;
	char chunk[1024];

	iconv(cd, NULL, NULL, NULL, NULL);
	while (in_left > 0) {
		char *o = chunk;
		size_t out_left = sizeof chunk;
		size_t rc = iconv(cd, &in, &in_left, &o, &out_left);
		int error = errno;

		buf_add(out, chunk, sizeof chunk - out_left);
		if (rc != (size_t)-1 || error == E2BIG)
			continue;
		if (strict)
			return false;
		buf_adds(out, replacement);
		if (error == EINVAL)
			break;	/* an incomplete sequence at the end */
		in++;
		in_left--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	for (;;) {	/* the shift back to ASCII a stateful charset owes */
		char *o = chunk;
		size_t out_left = sizeof chunk;
		size_t rc = iconv(cd, NULL, NULL, &o, &out_left);

		buf_add(out, chunk, sizeof chunk - out_left);
		if (rc != (size_t)-1 || errno != E2BIG)
			break;
	}
	return true;
}

/* UTF-8 bytes kept, each byte that starts no valid sequence as U+FFFD. */
static void add_valid_utf8(struct buf *out, const char *bytes, size_t length)
{
	size_t i = 0;

	while (i < length) {
		size_t n = utf8_sequence(bytes + i, length - i);
		if (n == 0) {
			buf_adds(out, replacement);
			i++;
		} else {
			buf_add(out, bytes + i, n);
			i += n;
		}
	}
}

static struct charset *charset_find(const char *name)
{
	for (size_t i = 0; i < CHARSET_COUNT; i++)
		for (size_t k = 0; k < 8 && charsets[i].aliases[k]; k++)
			if (strcasecmp(name, charsets[i].aliases[k]) == 0)
				return &charsets[i];
	return NULL;
}

/* With a known converter: strict first when guessing. */
static bool convert_with(struct charset *charset, const char *bytes,
			 size_t length, bool strict, struct buf *out)
{
	iconv_t cd = charset_open(charset);
	bool ok;

	if (cd == (iconv_t)-1)
		return false;
	pthread_mutex_lock(&charset_lock);
	ok = convert(cd, bytes, length, strict, out);
	pthread_mutex_unlock(&charset_lock);
	return ok;
}

/* True when UTF-8 text holds U+0080..U+009F: what EUC-JP makes of
 * Shift_JIS lead bytes, which no Japanese text means. */
static bool has_c1_controls(const char *text, size_t length)
{
	for (size_t i = 0; i + 1 < length; i++)
		if ((unsigned char)text[i] == 0xC2 &&
		    (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] <= 0x9F)
			return true;
	return false;
}

/* No charset, or one that says nothing (us-ascii with 8-bit bytes in
 * it): what Japanese mail most likely is. ISO-2022-JP shows itself by
 * its escape; EUC-JP before Shift_JIS, since EUC-JP's byte pairs are
 * often valid Shift_JIS (half-width kana) but not the other way. */
static void guess(const char *bytes, size_t length, struct buf *out)
{
	size_t mark = out->length;

	if (utf8_valid(bytes, length, NULL)) {
		buf_add(out, bytes, length);
		return;
	}
	if (memchr(bytes, 0x1B, length) != NULL &&
	    convert_with(&charsets[CHARSET_ISO2022JP], bytes, length, true, out))
		return;
	out->length = mark;
	if (convert_with(&charsets[CHARSET_EUCJP], bytes, length, true, out) &&
	    !has_c1_controls(out->data + mark, out->length - mark))
		return;
	out->length = mark;
	if (convert_with(&charsets[CHARSET_CP932], bytes, length, true, out))
		return;
	out->length = mark;
	add_valid_utf8(out, bytes, length);
}

static void to_utf8(const char *bytes, size_t length, const char *name,
		    struct buf *out)
{
	struct charset *charset = NULL;
	size_t mark = out->length;

	if (name != NULL && *name != '\0' && strcasecmp(name, "utf-8") != 0 &&
	    strcasecmp(name, "utf8") != 0 && strcasecmp(name, "us-ascii") != 0 &&
	    strcasecmp(name, "ascii") != 0)
		charset = charset_find(name);
	if (charset != NULL &&
	    convert_with(charset, bytes, length, false, out))
		return;
	out->length = mark;
	if (charset == NULL && name != NULL && *name != '\0' &&
	    strcasecmp(name, "utf-8") != 0 && strcasecmp(name, "utf8") != 0 &&
	    strcasecmp(name, "us-ascii") != 0 && strcasecmp(name, "ascii") != 0) {
		/* a charset we keep no converter for: open it for this once
		 * (in a sandbox this fails, and the text is guessed) */
		iconv_t cd = iconv_open("UTF-8", name);
		if (cd != (iconv_t)-1) {
			convert(cd, bytes, length, false, out);
			iconv_close(cd);
			return;
		}
	}
	guess(bytes, length, out);
}

char *mime_to_utf8(const char *bytes, size_t length, const char *charset,
		   size_t *out_length)
{
	struct buf out = {0};

	to_utf8(bytes, length, charset, &out);
	if (out_length != NULL)
		*out_length = out.length;
	return buf_detach(&out);
}

/* ---- transfer encodings ------------------------------------------------------ */

static int base64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Characters outside the alphabet (line ends) are skipped; '=' ends. */
static void base64_decode(const char *text, size_t length, struct buf *out)
{
	uint32_t bits = 0;
	int count = 0;

	for (size_t i = 0; i < length && text[i] != '='; i++) {
		int value = base64_value((unsigned char)text[i]);
		if (value < 0)
			continue;
		bits = bits << 6 | (uint32_t)value;
		if (++count == 4) {
			buf_addc(out, (char)(bits >> 16));
			buf_addc(out, (char)(bits >> 8 & 0xFF));
			buf_addc(out, (char)(bits & 0xFF));
			bits = 0;
			count = 0;
		}
	}
	if (count == 2) {
		buf_addc(out, (char)(bits >> 4));
	} else if (count == 3) {
		buf_addc(out, (char)(bits >> 10));
		buf_addc(out, (char)(bits >> 2 & 0xFF));
	}
}

/* header: an encoded-word's Q, where '_' is a space. */
static void qp_decode(const char *text, size_t length, bool header,
		      struct buf *out)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '=' && i + 1 < length && text[i + 1] == '\n') {
			i++;	/* soft line break */
		} else if (text[i] == '=' && i + 2 < length &&
			   hex_value(text[i + 1]) >= 0 &&
			   hex_value(text[i + 2]) >= 0) {
			buf_addc(out, (char)(hex_value(text[i + 1]) * 16 +
					     hex_value(text[i + 2])));
			i += 2;
		} else if (header && text[i] == '_') {
			buf_addc(out, ' ');
		} else {
			buf_addc(out, text[i]);
		}
	}
}

/* ---- encoded-words (RFC 2047) ------------------------------------------------ */

/* Decodes the encoded-word at value[*at] ("=?cs?B?...?="), appending it,
 * and moves *at past it; false (nothing moved) when it is not one. */
static bool decode_word(const char *value, size_t length, size_t *at,
			struct buf *out)
{
	size_t i = *at + 2, cs_start = i, cs_end, text_start;
	char encoding;
	struct buf raw = {0};
	char *charset;

	while (i < length && value[i] != '?' && value[i] != ' ')
		i++;
	if (i + 2 >= length || value[i] != '?' || value[i + 2] != '?')
		return false;
	cs_end = i;
	encoding = value[i + 1];
	if (encoding != 'B' && encoding != 'b' && encoding != 'Q' &&
	    encoding != 'q')
		return false;
	text_start = i + 3;
	i = text_start;
	while (i + 1 < length && !(value[i] == '?' && value[i + 1] == '=') &&
	       value[i] != ' ')
		i++;
	if (i + 1 >= length || value[i] != '?')
		return false;
	if (encoding == 'B' || encoding == 'b')
		base64_decode(value + text_start, i - text_start, &raw);
	else
		qp_decode(value + text_start, i - text_start, true, &raw);
	charset = xstrndup(value + cs_start, cs_end - cs_start);
	if (strchr(charset, '*') != NULL)
		*strchr(charset, '*') = '\0';	/* RFC 2231 language */
	to_utf8(raw.data ? raw.data : "", raw.length, charset, out);
	free(charset);
	buf_free(&raw);
	*at = i + 2;
	return true;
}

char *mime_decode_words(const char *value, size_t length)
{
	struct buf out = {0};
	size_t i = 0;
	bool after_word = false;

	while (i < length) {
		size_t spaces = i;
		while (spaces < length && (value[spaces] == ' ' ||
					   value[spaces] == '\t'))
			spaces++;
		/* whitespace between two encoded-words is not text */
		if (after_word && spaces > i && spaces + 1 < length &&
		    value[spaces] == '=' && value[spaces + 1] == '?') {
			size_t at = spaces;
			if (decode_word(value, length, &at, &out)) {
				i = at;
				continue;
			}
		}
		if (value[i] == '=' && i + 1 < length && value[i + 1] == '?' &&
		    decode_word(value, length, &i, &out)) {
			after_word = true;
			continue;
		}
		if (value[i] != ' ' && value[i] != '\t')
			after_word = false;
		buf_addc(&out, value[i]);
		i++;
	}
	/* raw 8-bit header text (Japanese senders write it too) */
	if (out.length > 0 && !utf8_valid(out.data, out.length, NULL)) {
		char *raw = buf_detach(&out);
		to_utf8(raw, strlen(raw), NULL, &out);
		free(raw);
	}
	return buf_detach(&out);
}

/* ---- header blocks ------------------------------------------------------------ */

static bool is_field_name_char(unsigned char c)
{
	return c > ' ' && c < 0x7F && c != ':';
}

/* Length of the field name at text when the line is "Name:", else 0. */
static size_t field_name_length(const char *text, size_t length)
{
	size_t i = 0;

	while (i < length && is_field_name_char((unsigned char)text[i]))
		i++;
	return i > 0 && i < length && text[i] == ':' ? i : 0;
}

static size_t line_end(const char *text, size_t length, size_t from)
{
	const char *nl = memchr(text + from, '\n', length - from);

	return nl ? (size_t)(nl - text) : length;
}

static char *trim_copy(const char *text, size_t length)
{
	while (length > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		length--;
	}
	while (length > 0 && (text[length - 1] == ' ' ||
			      text[length - 1] == '\t'))
		length--;
	return xstrndup(text, length);
}

size_t mime_parse_headers(const char *text, size_t length,
			  struct mime_headers *out)
{
	size_t capacity = 0, i = 0;
	struct buf value = {0};

	memset(out, 0, sizeof *out);
	if (length >= 5 && memcmp(text, "From ", 5) == 0)	/* mbox */
		i = line_end(text, length, 0) + 1;
	while (i < length) {
		size_t end = line_end(text, length, i);
		size_t name = field_name_length(text + i, end - i);
		size_t name_start = i;
		char *raw;

		if (end == i) {		/* the blank line */
			i = end + 1;
			break;
		}
		if (name == 0)
			break;	/* not a field: the body starts here */
		buf_reset(&value);
		buf_add(&value, text + i + name + 1, end - i - name - 1);
		i = end + 1;
		while (i < length && (text[i] == ' ' || text[i] == '\t')) {
			end = line_end(text, length, i);
			buf_addc(&value, ' ');
			buf_add(&value, text + i, end - i);
			i = end + 1;
		}
		if (out->count == MIME_MAX_HEADERS)
			continue;
		out->items = xgrow(out->items, &capacity, out->count + 1,
				   sizeof *out->items);
		raw = trim_copy(buf_cstr(&value), value.length);
		out->items[out->count].name = xstrndup(text + name_start, name);
		out->items[out->count].value = mime_decode_words(raw, strlen(raw));
		free(raw);
		out->count++;
	}
	buf_free(&value);
	return i > length ? length : i;
}

void mime_headers_free(struct mime_headers *headers)
{
	for (size_t i = 0; i < headers->count; i++) {
		free(headers->items[i].name);
		free(headers->items[i].value);
	}
	free(headers->items);
	memset(headers, 0, sizeof *headers);
}

const char *mime_header(const struct mime_headers *headers, const char *name)
{
	for (size_t i = 0; i < headers->count; i++)
		if (headers->items[i].name != NULL &&
		    strcasecmp(headers->items[i].name, name) == 0)
			return headers->items[i].value;
	return NULL;
}

bool mime_looks_like_message(const char *text, size_t length)
{
	size_t i = 0, fields = 0;

	if (length >= 5 && memcmp(text, "From ", 5) == 0)
		i = line_end(text, length, 0) + 1;
	while (i < length) {
		size_t end = line_end(text, length, i);
		if (end == i || (end == i + 1 && text[i] == '\r'))
			return fields > 0;
		if (text[i] != ' ' && text[i] != '\t') {
			if (field_name_length(text + i, end - i) == 0)
				return false;
			fields++;
		} else if (fields == 0) {
			return false;
		}
		i = end + 1;
	}
	return fields > 0;
}

/* ---- Content-Type ----------------------------------------------------------- */

/* The value of parameter name in a Content-Type value, unquoted, or NULL.
 * The caller frees. */
static char *content_type_parameter(const char *value, const char *name)
{
	size_t name_length = strlen(name);
	const char *p = value ? strchr(value, ';') : NULL;

	while (p != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, name, name_length) == 0) {
			const char *q = p + name_length;
			while (*q == ' ')
				q++;
			if (*q == '=') {
				q++;
				while (*q == ' ')
					q++;
				if (*q == '"') {
					const char *end = strchr(q + 1, '"');
					return end ? xstrndup(q + 1, (size_t)(end - q - 1))
						   : xstrdup(q + 1);
				}
				return xstrndup(q, strcspn(q, "; \t"));
			}
		}
		p = strchr(p, ';');
	}
	return NULL;
}

/* The media type of a Content-Type value, lower case ("" when none). */
static char *media_type(const char *value)
{
	char *type;

	if (value == NULL)
		return xstrdup("");
	type = trim_copy(value, strcspn(value, ";"));
	for (char *c = type; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c - 'A' + 'a');
	return type;
}

/* ---- text/html ---------------------------------------------------------------- */

/* Text of an HTML body: tags dropped (a <br>, <p>, <div>, <tr> or <li>
 * starts a line), <style> and <script> dropped whole, the few entities
 * bounce texts use decoded. */
static void html_text(const char *html, size_t length, struct buf *out)
{
	size_t i = 0;

	while (i < length) {
		if (html[i] == '<') {
			const char *close = memchr(html + i, '>', length - i);
			size_t tag = close ? (size_t)(close - html) : length;
			const char *name = html + i + 1;
			if (strncasecmp(name, "style", 5) == 0 ||
			    strncasecmp(name, "script", 6) == 0) {
				const char *end = NULL;
				for (size_t k = tag; k + 8 < length && !end; k++)
					if (html[k] == '<' && html[k + 1] == '/' &&
					    (strncasecmp(html + k + 2, "style", 5) == 0 ||
					     strncasecmp(html + k + 2, "script", 6) == 0))
						end = html + k;
				tag = end ? (size_t)(end - html) : length;
				close = memchr(html + tag, '>', length - tag);
				tag = close ? (size_t)(close - html) : length;
			} else if (strncasecmp(name, "br", 2) == 0 ||
				   strncasecmp(name, "p", 1) == 0 ||
				   strncasecmp(name, "/p", 2) == 0 ||
				   strncasecmp(name, "div", 3) == 0 ||
				   strncasecmp(name, "/div", 4) == 0 ||
				   strncasecmp(name, "tr", 2) == 0 ||
				   strncasecmp(name, "li", 2) == 0) {
				buf_addc(out, '\n');
			}
			i = tag + 1;
			continue;
		}
		if (html[i] == '&') {
			static const struct { const char *name, *text; } entities[] = {
				{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"},
				{"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "},
				{"&apos;", "'"},
			};
			bool done = false;
			for (size_t k = 0; k < sizeof entities / sizeof *entities; k++) {
				size_t n = strlen(entities[k].name);
				if (n <= length - i &&
				    strncasecmp(html + i, entities[k].name, n) == 0) {
					buf_adds(out, entities[k].text);
					i += n;
					done = true;
					break;
				}
			}
			if (done)
				continue;
		}
		if (html[i] != '\n' || out->length == 0 ||
		    out->data[out->length - 1] != '\n')
			buf_addc(out, html[i] == '\n' ? ' ' : html[i]);
		i++;
	}
}

/* ---- bodies -------------------------------------------------------------------- */

static void add_part(struct mime_message *message, size_t *capacity,
		     enum mime_part_kind kind, char *text, size_t length)
{
	if (message->part_count == MIME_MAX_PARTS) {
		free(text);
		return;
	}
	message->parts = xgrow(message->parts, capacity, message->part_count + 1,
			       sizeof *message->parts);
	message->parts[message->part_count++] = (struct mime_part){
		kind, text, length};
}

struct parse_state {
	struct mime_message *message;
	size_t capacity;
};

static void parse_entity(struct parse_state *state, const char *text,
			 size_t length, const struct mime_headers *headers,
			 int depth);

/* The parts of a multipart body between "--boundary" lines, each parsed
 * as an entity of its own. Text before the first boundary (the preamble)
 * and after the last (the epilogue) is not a part. */
static void parse_multipart(struct parse_state *state, const char *body,
			    size_t length, const char *boundary, int depth)
{
	size_t boundary_length = strlen(boundary);
	size_t i = 0, part_start = 0;
	bool in_part = false;

	while (i < length) {
		size_t end = line_end(body, length, i);
		bool delimiter = end - i >= boundary_length + 2 &&
				 body[i] == '-' && body[i + 1] == '-' &&
				 memcmp(body + i + 2, boundary, boundary_length) == 0;
		if (delimiter) {
			bool last = end - i >= boundary_length + 4 &&
				    body[i + 2 + boundary_length] == '-' &&
				    body[i + 3 + boundary_length] == '-';
			if (in_part) {
				/* the line end before the delimiter is its own */
				size_t part_end = i > part_start ? i - 1 : i;
				struct mime_headers headers;
				size_t at = mime_parse_headers(body + part_start,
							       part_end - part_start,
							       &headers);
				parse_entity(state, body + part_start + at,
					     part_end - part_start - at, &headers,
					     depth + 1);
				mime_headers_free(&headers);
			}
			if (last)
				return;
			in_part = true;
			part_start = end < length ? end + 1 : length;
		}
		i = end + 1;
	}
	if (in_part && part_start < length) {	/* no closing delimiter */
		struct mime_headers headers;
		size_t at = mime_parse_headers(body + part_start,
					       length - part_start, &headers);
		parse_entity(state, body + part_start + at,
			     length - part_start - at, &headers, depth + 1);
		mime_headers_free(&headers);
	}
}

/* The body decoded from its Content-Transfer-Encoding. */
static void decode_body(const char *body, size_t length, const char *encoding,
			struct buf *out)
{
	if (encoding != NULL && strncasecmp(encoding, "base64", 6) == 0)
		base64_decode(body, length, out);
	else if (encoding != NULL &&
		 strncasecmp(encoding, "quoted-printable", 16) == 0)
		qp_decode(body, length, false, out);
	else
		buf_add(out, body, length);
}

static void parse_entity(struct parse_state *state, const char *text,
			 size_t length, const struct mime_headers *headers,
			 int depth)
{
	const char *content_type = mime_header(headers, "Content-Type");
	char *type = media_type(content_type);
	struct buf raw = {0}, converted = {0};
	enum mime_part_kind kind = MIME_TEXT;

	if (strncmp(type, "multipart/", 10) == 0 && depth < MIME_MAX_DEPTH) {
		char *boundary = content_type_parameter(content_type, "boundary");
		if (boundary != NULL && *boundary != '\0') {
			parse_multipart(state, text, length, boundary, depth);
			free(boundary);
			free(type);
			return;
		}
		free(boundary);
	}
	if (strcmp(type, "message/delivery-status") == 0 ||
	    strcmp(type, "message/global-delivery-status") == 0)
		kind = MIME_DELIVERY_STATUS;
	else if (strcmp(type, "message/rfc822") == 0 ||
		 strcmp(type, "text/rfc822-headers") == 0 ||
		 strcmp(type, "message/global") == 0 ||
		 strcmp(type, "message/global-headers") == 0)
		kind = MIME_ORIGINAL;
	else if (strcmp(type, "text/html") == 0)
		kind = MIME_HTML;
	else if (*type != '\0' && strncmp(type, "text/", 5) != 0)
		kind = MIME_OTHER;
	free(type);
	if (kind == MIME_OTHER || kind == MIME_ORIGINAL) {
		add_part(state->message, &state->capacity, kind, xstrdup(""), 0);
		return;
	}
	decode_body(text, length,
		    mime_header(headers, "Content-Transfer-Encoding"), &raw);
	{
		char *charset = content_type_parameter(content_type, "charset");
		to_utf8(raw.data ? raw.data : "", raw.length, charset, &converted);
		free(charset);
	}
	buf_free(&raw);
	if (kind == MIME_HTML) {
		struct buf plain = {0};
		html_text(buf_cstr(&converted), converted.length, &plain);
		buf_free(&converted);
		converted = plain;
	}
	{
		size_t converted_length = converted.length;
		add_part(state->message, &state->capacity, kind,
			 buf_detach(&converted), converted_length);
	}
}

/* A copy with every CRLF (and lone CR) as LF. */
static char *unix_lines(const char *text, size_t length, size_t *out_length)
{
	char *copy = xmalloc(length + 1);
	size_t n = 0;

	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\r') {
			copy[n++] = '\n';
			if (i + 1 < length && text[i + 1] == '\n')
				i++;
		} else {
			copy[n++] = text[i];
		}
	}
	copy[n] = '\0';
	*out_length = n;
	return copy;
}

void mime_parse(const char *text, size_t length, struct mime_message *out)
{
	size_t clean_length;
	char *clean = unix_lines(text, length, &clean_length);
	struct parse_state state = {out, 0};
	size_t at;

	memset(out, 0, sizeof *out);
	at = mime_parse_headers(clean, clean_length, &out->headers);
	parse_entity(&state, clean + at, clean_length - at, &out->headers, 0);
	free(clean);
}

void mime_message_free(struct mime_message *message)
{
	mime_headers_free(&message->headers);
	for (size_t i = 0; i < message->part_count; i++)
		free(message->parts[i].text);
	free(message->parts);
	memset(message, 0, sizeof *message);
}
