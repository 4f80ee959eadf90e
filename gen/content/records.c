/*
 * records.c — the record checker's common half (see records.h): a pasted
 * text read into the record's value (a zone line's name split off, DNS
 * strings joined, each held to 255 bytes), diagnostics placed back on the
 * text as given, the guides they link, and the two ways the results are
 * written. The kinds' own checks are records_spf.c, records_dkim.c and
 * records_dmarc.c.
 */
#include "content/records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "base/json.h"
#include "content/markdown.h"
#include "content/records_check.h"

/* RFC 1035 3.3: a character-string is a length byte and that many. */
#define TXT_STRING_MAX 255

const struct record_guide records_guide_spf_register = {
	"deliverability/spf/", "手順2 TXTレコードを登録する"};
const struct record_guide records_guide_spf_existing = {
	"deliverability/spf/", "すでにSPFレコードがある場合"};
const struct record_guide records_guide_spf_all = {
	"deliverability/spf/", "末尾のallの意味"};
const struct record_guide records_guide_spf_lookups = {
	"deliverability/spf/", "DNS参照の回数は10回まで"};
const struct record_guide records_guide_spf_mistakes = {
	"deliverability/spf/", "よくある間違い"};
const struct record_guide records_guide_dkim_register = {
	"deliverability/dkim/", "手順2 DNSにレコードを登録する"};
const struct record_guide records_guide_dkim_selector = {
	"deliverability/dkim/", "セレクタと公開鍵の置き場所"};
const struct record_guide records_guide_dkim_key_length = {
	"deliverability/dkim/", "鍵の長さ"};
const struct record_guide records_guide_dkim_mistakes = {
	"deliverability/dkim/", "よくある間違い"};
const struct record_guide records_guide_dmarc = {
	"deliverability/guideline/", "DMARCの設定"};

const struct record_guide *const *records_guides(size_t *count)
{
	static const struct record_guide *const guides[] = {
		&records_guide_spf_register, &records_guide_spf_existing,
		&records_guide_spf_all, &records_guide_spf_lookups,
		&records_guide_spf_mistakes, &records_guide_dkim_register,
		&records_guide_dkim_selector, &records_guide_dkim_key_length,
		&records_guide_dkim_mistakes, &records_guide_dmarc,
	};

	*count = sizeof guides / sizeof *guides;
	return guides;
}

const char *records_kind_name(enum record_kind kind)
{
	switch (kind) {
	case RECORD_SPF:
		return "spf";
	case RECORD_DKIM:
		return "dkim";
	case RECORD_DMARC:
		return "dmarc";
	}
	return "?";
}

const char *records_severity_name(enum record_severity severity)
{
	switch (severity) {
	case RECORD_ERROR:
		return "error";
	case RECORD_WARNING:
		return "warning";
	case RECORD_NOTE:
		return "note";
	}
	return "?";
}

char *records_guide_path(const struct record_guide *guide)
{
	char *slug = markdown_heading_slug(guide->heading);
	char *path = xasprintf("%s#%s", guide->page, slug);

	free(slug);
	return path;
}

/* Bytes a message quotes from the text are cut at term boundaries, which
 * are ASCII; should a cut ever fall inside a character, its bytes become
 * U+FFFD, so that every message is UTF-8. */
static void keep_utf8(struct buf *message)
{
	struct buf clean = {0};
	size_t at = 0;

	if (utf8_valid(message->data, message->length, NULL))
		return;
	while (at < message->length) {
		size_t length = utf8_sequence(message->data + at, message->length - at);
		if (length == 0) {
			buf_adds(&clean, "\xEF\xBF\xBD");
			at++;
			continue;
		}
		buf_add(&clean, message->data + at, length);
		at += length;
	}
	buf_free(message);
	*message = clean;
}

/* ---- reporting ------------------------------------------------------------ */

static void add_diagnostic(struct record_result *result,
			   const struct record_text *text, size_t from,
			   size_t to, enum record_severity severity,
			   const char *code, const struct record_guide *guide,
			   const char *format, va_list args)
{
	struct record_diagnostic *diagnostic;
	struct buf message = {0};
	size_t span;

	buf_vprintf(&message, format, args);
	keep_utf8(&message);
	if (to < from)
		to = from;
	if (from > text->original_length)
		from = text->original_length;
	if (to > text->original_length)
		to = text->original_length;
	/* a span ends on a character's end, never inside it */
	while (to < text->original_length &&
	       ((unsigned char)text->original[to] & 0xC0) == 0x80)
		to++;
	span = utf8_count(text->original + from, to - from);
	result->diagnostics = xrealloc(result->diagnostics,
				       (result->diagnostic_count + 1) *
				       sizeof *result->diagnostics);
	diagnostic = &result->diagnostics[result->diagnostic_count++];
	diagnostic->column = (unsigned)utf8_count(text->original, from) + 1;
	diagnostic->length = span > 0 ? (unsigned)span : 1;
	diagnostic->severity = severity;
	diagnostic->code = code;
	diagnostic->message = buf_detach(&message);
	diagnostic->guide = guide;
}

void records_report(struct record_result *result,
		    const struct record_text *text, size_t start, size_t length,
		    enum record_severity severity, const char *code,
		    const struct record_guide *guide, const char *ja,
		    const char *en, ...)
{
	const char *format = text->language == RECORDS_EN ? en : ja;
	size_t from, to;
	va_list args;

	if (start > text->length)
		start = text->length;
	if (start + length > text->length)
		length = text->length - start;
	from = text->offsets[start];
	if (length == 0) {
		/* one character: to the next value byte's place, or the
		 * end of a multi-byte character */
		to = start < text->length
			     ? from + (utf8_sequence(text->original + from,
						     text->original_length - from)
						? utf8_sequence(text->original + from,
								text->original_length - from)
						: 1)
			     : from;
	} else {
		to = text->offsets[start + length - 1] + 1;
	}
	va_start(args, en);
	add_diagnostic(result, text, from, to, severity, code, guide, format,
		       args);
	va_end(args);
}

void records_report_original(struct record_result *result,
			     const struct record_text *text, size_t offset,
			     size_t length, enum record_severity severity,
			     const char *code, const struct record_guide *guide,
			     const char *ja, const char *en, ...)
{
	const char *format = text->language == RECORDS_EN ? en : ja;
	va_list args;

	va_start(args, en);
	add_diagnostic(result, text, offset, offset + (length ? length : 1),
		       severity, code, guide, format, args);
	va_end(args);
}

enum record_language records_language(const char *site_language)
{
	if (site_language != NULL && strncasecmp(site_language, "en", 2) == 0 &&
	    (site_language[2] == '\0' || site_language[2] == '-' ||
	     site_language[2] == '_'))
		return RECORDS_EN;
	return RECORDS_JA;
}

char *records_message(enum record_language language, const char *ja,
		      const char *en, ...)
{
	struct buf message = {0};
	va_list args;

	va_start(args, en);
	buf_vprintf(&message, language == RECORDS_EN ? en : ja, args);
	va_end(args);
	return buf_detach(&message);
}

/* ---- helpers the checkers share -------------------------------------------- */

bool records_starts_with_word(const char *value, size_t length,
			      const char *prefix, const char *stops)
{
	size_t prefix_length = strlen(prefix);

	if (length < prefix_length || strncasecmp(value, prefix, prefix_length) != 0)
		return false;
	return length == prefix_length || value[prefix_length] == ' ' ||
	       strchr(stops, value[prefix_length]) != NULL;
}

static bool is_label_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

const char *records_domain_problem(const char *name, size_t length,
				   enum record_language language)
{
	size_t label = 0;

	if (length > 0 && name[length - 1] == '.')
		length--;
	if (length == 0)
		return RECORDS_IN(language, "ドメイン名がありません",
			  "there is no domain name");
	if (length > 253)
		return RECORDS_IN(language, "ドメイン名が253文字を超えています",
			  "the domain name is longer than 253 characters");
	for (size_t i = 0; i <= length; i++) {
		if (i == length || name[i] == '.') {
			if (label == 0)
				return RECORDS_IN(language, "ドットが続いているか、ドットで始まっています",
			  "two dots in a row, or a dot at the start");
			if (label > 63)
				return RECORDS_IN(language, "ドットで区切られた1つの部分が63文字を超えています",
			  "a part between dots is longer than 63 characters");
			if (name[i - 1] == '-' || name[i - label] == '-')
				return RECORDS_IN(language, "ドットで区切られた部分がハイフンで始まるか終わっています",
			  "a part between dots starts or ends with a hyphen");
			label = 0;
			continue;
		}
		if (!is_label_byte(name[i]))
			return RECORDS_IN(language, "ドメイン名に使えない文字が含まれています",
			  "it holds a character a domain name cannot have");
		label++;
	}
	return NULL;
}

/* ---- tag lists ------------------------------------------------------------- */

static bool is_tag_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool records_tag_is(const struct record_text *text,
		    const struct record_tag *tag, const char *name)
{
	return tag->name_length == strlen(name) &&
	       memcmp(text->value + tag->name, name, tag->name_length) == 0;
}

const struct record_tag *records_find_tag(const struct record_text *text,
					  const struct record_tag *tags,
					  size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (records_tag_is(text, &tags[i], name))
			return &tags[i];
	return NULL;
}

/* One tag-spec at [start, end): true and *tag filled when well formed. */
static bool read_tag(struct record_result *result, const struct record_text *text,
		     size_t start, size_t end, const char *prefix,
		     const struct record_guide *guide, struct record_tag *tag)
{
	const char *value = text->value;
	const char *static_code = strcmp(prefix, "dkim") == 0 ? "dkim-syntax"
							      : "dmarc-syntax";
	size_t at = start;
	bool ok = false;

	tag->start = start;
	tag->end = end;
	tag->name = at;
	while (at < end && ((value[at] >= 'a' && value[at] <= 'z') ||
			    (value[at] >= 'A' && value[at] <= 'Z') ||
			    (value[at] >= '0' && value[at] <= '9') || value[at] == '_'))
		at++;
	tag->name_length = at - start;
	while (at < end && is_tag_space(value[at]))
		at++;
	if (tag->name_length == 0 || !((value[start] >= 'a' && value[start] <= 'z') ||
				       (value[start] >= 'A' && value[start] <= 'Z'))) {
		records_report(result, text, start, end - start, RECORD_ERROR,
			       static_code, guide,
			       "「%.*s」は「名前=値」の形になっていません。"
			       "タグは英字で始まる名前と「=」と値で書き、「;」で区切ってください",
			       "\"%.*s\" is not of the form name=value. "
			       "Write each tag as a name starting with a "
			       "letter, \"=\" and the value, and separate "
			       "tags with \";\"",
			       (int)(end - start), value + start);
	} else if (at >= end || value[at] != '=') {
		records_report(result, text, start, end - start, RECORD_ERROR,
			       static_code, guide,
			       "「%.*s」に「=」がありません。「%.*s=値」の形で書き、"
			       "タグとタグは「;」で区切ってください",
			       "\"%.*s\" has no \"=\". Write it as "
			       "\"%.*s=value\" and separate tags with \";\"",
			       (int)(end - start), value + start,
			       (int)tag->name_length, value + start);
	} else {
		at++;
		while (at < end && is_tag_space(value[at]))
			at++;
		tag->value = at;
		tag->value_length = end - at;
		ok = true;
	}
	return ok;
}

size_t records_read_tags(struct record_result *result,
			 const struct record_text *text, const char *prefix,
			 const struct record_guide *guide,
			 struct record_tag **tags)
{
	const char *value = text->value;
	const char *duplicate_code = strcmp(prefix, "dkim") == 0
					     ? "dkim-duplicate-tag"
					     : "dmarc-duplicate-tag";
	size_t count = 0, at = 0;

	*tags = xcalloc(text->length / 2 + 1, sizeof **tags);
	while (at <= text->length) {
		size_t start = at, end;
		struct record_tag tag;

		while (at < text->length && value[at] != ';')
			at++;
		end = at++;
		while (start < end && is_tag_space(value[start]))
			start++;
		while (end > start && is_tag_space(value[end - 1]))
			end--;
		if (start == end)
			continue;	/* ";;" and a last ";" hold nothing */
		if (!read_tag(result, text, start, end, prefix, guide, &tag))
			continue;
		for (size_t i = 0; i < count; i++)
			if ((*tags)[i].name_length == tag.name_length &&
			    memcmp(value + (*tags)[i].name, value + tag.name,
				   tag.name_length) == 0) {
				records_report(result, text, tag.start,
					       tag.end - tag.start, RECORD_ERROR,
					       duplicate_code, guide,
					       "「%.*s=」が2回書かれています。同じタグが2つあるとレコード"
					       "全体が無効になります。1つにしてください",
					       "\"%.*s=\" is written twice. "
					       "Two tags of one name make "
					       "the whole record invalid. "
					       "Keep only one",
					       (int)tag.name_length, value + tag.name);
				tag.name_length = 0;
				break;
			}
		if (tag.name_length > 0)
			(*tags)[count++] = tag;
	}
	return count;
}

bool records_domain_valid(const char *name)
{
	return records_domain_problem(name, strlen(name), RECORDS_JA) == NULL;
}

/* ---- reading the text -------------------------------------------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void value_add(struct record_text *text, char byte, size_t offset,
		      size_t *capacity)
{
	if (text->length + 2 > *capacity) {
		*capacity = *capacity ? *capacity * 2 : 64;
		text->value = xrealloc(text->value, *capacity);
		text->offsets = xrealloc(text->offsets,
					 *capacity * sizeof *text->offsets);
	}
	text->value[text->length] = byte;
	text->offsets[text->length++] = offset;
}

/* The byte a "\DDD" or "\X" escape stands for (RFC 1035 5.1), the escape's
 * length in *used. */
static char read_escape(const char *text, size_t left, size_t *used)
{
	if (left >= 4 && text[1] >= '0' && text[1] <= '2' && text[2] >= '0' &&
	    text[2] <= '9' && text[3] >= '0' && text[3] <= '9') {
		int value = (text[1] - '0') * 100 + (text[2] - '0') * 10 +
			    (text[3] - '0');
		if (value <= 255) {
			*used = 4;
			return (char)value;
		}
	}
	*used = left >= 2 ? 2 : 1;
	return left >= 2 ? text[1] : '\\';
}

/* Reads "string" "string"... from at; reports what is outside quotes or
 * never closed. */
static void read_quoted(struct record_result *result, struct record_text *text,
			size_t at, size_t end, size_t *capacity)
{
	const char *original = text->original;

	text->quoted = true;
	while (at < end) {
		size_t quote, start;

		while (at < end && is_space(original[at]))
			at++;
		if (at >= end)
			break;
		if (original[at] != '"') {
			records_report_original(
				result, text, at, end - at, RECORD_ERROR,
				"txt-outside-quotes", &records_guide_spf_mistakes,
				"引用符(\")の外に文字があります。値は \"...\" の中にだけ書くか、"
				"引用符を付けずに値だけを書いてください",
				"There are characters outside the quotes "
				"(\"). Write the value only inside \"...\", "
				"or write the value alone without quotes");
			return;
		}
		quote = at++;
		start = text->length;
		while (at < end && original[at] != '"') {
			size_t used = 1;
			char byte = original[at] == '\\'
					    ? read_escape(original + at, end - at, &used)
					    : original[at];
			value_add(text, byte, at, capacity);
			at += used;
		}
		text->strings = xrealloc(text->strings, (text->string_count + 1) *
					 sizeof *text->strings);
		text->strings[text->string_count++] = (struct record_string){
			start, text->length - start};
		if (at >= end) {
			records_report_original(
				result, text, quote, 1, RECORD_ERROR,
				"txt-unclosed-quote", &records_guide_spf_mistakes,
				"この引用符(\")が閉じられていません。文字列の終わりに \" を"
				"付けるか、引用符を付けずに値だけを書いてください",
				"This quote (\") is not closed. Put a \" at "
				"the end of the string, or write the value "
				"alone without quotes");
			return;
		}
		at++;
	}
}

/* A zone or dig line: NAME [TTL] [CLASS] TXT value. Returns where the
 * value starts and sets the name, or returns at when the text is not one
 * (no TXT among its first words, or a '=' before it: a value). */
static size_t read_name(struct record_result *result, struct record_text *text,
			size_t at, size_t end)
{
	const char *original = text->original;
	size_t word = at, words = 0, name_end = at;

	while (word < end && words < 5) {
		size_t word_end = word;

		while (word_end < end && !is_space(original[word_end]))
			word_end++;
		if (memchr(original + word, '=', word_end - word) != NULL ||
		    original[word] == '"')
			return at;
		if (word_end - word == 3 && strncasecmp(original + word, "TXT", 3) == 0) {
			if (words == 0)
				return word_end;
			result->summary.name = xstrndup(original + at, name_end - at);
			text->name_offset = at;
			return word_end;
		}
		if (words == 0)
			name_end = word_end;
		words++;
		word = word_end;
		while (word < end && is_space(original[word]))
			word++;
	}
	return at;
}

static void read_text(struct record_result *result, struct record_text *text)
{
	size_t at = 0, end = text->original_length, capacity = 0;
	const char *original = text->original;

	while (at < end && is_space(original[at]))
		at++;
	while (end > at && is_space(original[end - 1]))
		end--;
	at = read_name(result, text, at, end);
	while (at < end && is_space(original[at]))
		at++;
	value_add(text, '\0', at, &capacity);	/* room for the ends */
	text->length = 0;
	if (at < end && original[at] == '"') {
		read_quoted(result, text, at, end, &capacity);
	} else {
		for (size_t i = at; i < end; i++)
			value_add(text, original[i], i, &capacity);
	}
	text->offsets[text->length] = text->length > 0
					      ? text->offsets[text->length - 1] + 1
					      : at;
	text->value[text->length] = '\0';
}

/* Each DNS string holds 255 bytes at most: a longer quoted one cannot be
 * published; a longer unquoted value must be split by whoever enters it. */
static void check_string_lengths(struct record_result *result,
				 const struct record_text *text)
{
	const struct record_guide *guide = result->kind == RECORD_DKIM
						   ? &records_guide_dkim_key_length
						   : &records_guide_spf_mistakes;

	for (size_t i = 0; i < text->string_count; i++)
		if (text->strings[i].length > TXT_STRING_MAX)
			records_report(result, text, text->strings[i].start + TXT_STRING_MAX,
				       text->strings[i].length - TXT_STRING_MAX,
				       RECORD_ERROR, "txt-string-long", guide,
				       "1つの文字列は255バイトまでです(この文字列は%zuバイト)。"
				       "255バイト以内の \"...\" に分けて、続けて並べてください",
				       "One string holds at most 255 bytes "
				       "(this one has %zu). Split it into "
				       "\"...\" strings of 255 bytes or "
				       "fewer, written one after another",
				       text->strings[i].length);
	if (!text->quoted && text->length > TXT_STRING_MAX)
		records_report(result, text, TXT_STRING_MAX,
			       text->length - TXT_STRING_MAX, RECORD_NOTE,
			       "txt-string-long", guide,
			       "値が255バイトを超えています(%zuバイト)。DNSの1つの文字列は"
			       "255バイトまでです。管理画面が自動で分けない場合は、255バイト"
			       "以内の \"...\" に分けて登録してください",
			       "The value is longer than 255 bytes (%zu "
			       "bytes). One DNS string holds at most 255 "
			       "bytes. If your control panel does not split "
			       "it for you, enter it as \"...\" strings of "
			       "255 bytes or fewer",
			       text->length);
}

static int compare_diagnostics(const void *left_pointer, const void *right_pointer)
{
	const struct record_diagnostic *left = left_pointer, *right = right_pointer;

	if (left->column != right->column)
		return left->column < right->column ? -1 : 1;
	return 0;
}

/* Sorts by column, keeping the order found among equal columns (a
 * stable insertion sort: a record has a few diagnostics). */
static void sort_diagnostics(struct record_result *result)
{
	for (size_t i = 1; i < result->diagnostic_count; i++) {
		struct record_diagnostic moving = result->diagnostics[i];
		size_t k = i;

		while (k > 0 && compare_diagnostics(&result->diagnostics[k - 1],
						    &moving) > 0) {
			result->diagnostics[k] = result->diagnostics[k - 1];
			k--;
		}
		result->diagnostics[k] = moving;
	}
}

static void count_severity(struct record_set *set, enum record_severity severity)
{
	if (severity == RECORD_ERROR)
		set->errors++;
	else if (severity == RECORD_WARNING)
		set->warnings++;
	else
		set->notes++;
}

/* v=spf1 in another record of the set before this one. */
static bool earlier_spf(const struct record_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		if (set->records[i].kind == RECORD_SPF &&
		    set->records[i].summary.lookups >= 0)
			return true;
	return false;
}

int records_add(struct record_set *set, enum record_kind kind,
		const char *text, size_t length,
		const struct record_options *options)
{
	static const struct record_options none = {0};
	struct record_text read = {.original = text, .original_length = length};
	struct record_result *result;
	unsigned index = 1;

	if (set->count >= RECORDS_MAX || length > RECORDS_TEXT_MAX ||
	    memchr(text, '\0', length) != NULL || !utf8_valid(text, length, NULL))
		return -1;
	if (options == NULL)
		options = &none;
	read.language = options->language;
	for (size_t i = 0; i < set->count; i++)
		if (set->records[i].kind == kind)
			index++;
	set->records = xrealloc(set->records,
				(set->count + 1) * sizeof *set->records);
	result = &set->records[set->count];
	memset(result, 0, sizeof *result);
	result->kind = kind;
	result->index = index;
	result->text = xstrndup(text, length);
	read.original = result->text;
	result->summary.lookups = -1;
	result->summary.service_include = -1;
	result->summary.lookups_total = -1;
	result->summary.void_lookups = -1;
	result->summary.pct = 100;
	read_text(result, &read);
	check_string_lengths(result, &read);
	if (kind == RECORD_SPF) {
		bool second = earlier_spf(set);
		records_check_spf(result, &read, options);
		if (second && result->summary.lookups >= 0)
			records_report(result, &read, 0, 6, RECORD_ERROR,
				       "spf-multiple", &records_guide_spf_existing,
				       "v=spf1 で始まるレコードが2つ以上あります。受信側はSPFを"
				       "エラー(permerror)として扱い、どれも効かなくなります。"
				       "1つのレコードにまとめ、残りは削除してください",
				       "Two or more records start with "
				       "v=spf1. Receivers treat this as an "
				       "error (permerror) and none of them "
				       "takes effect. Merge them into one "
				       "record and delete the rest");
	} else if (kind == RECORD_DKIM) {
		records_check_dkim(result, &read, options);
	} else {
		records_check_dmarc(result, &read, options);
	}
	sort_diagnostics(result);
	set->count++;
	for (size_t i = 0; i < result->diagnostic_count; i++)
		count_severity(set, result->diagnostics[i].severity);
	free(read.value);
	free(read.offsets);
	free(read.strings);
	return 0;
}

int records_add_missing(struct record_set *set, enum record_kind kind,
			const char *name, enum record_severity severity,
			const char *code, const struct record_guide *guide,
			const char *message)
{
	struct record_result *result;
	unsigned index = 1;

	if (set->count >= RECORDS_MAX)
		return -1;
	for (size_t i = 0; i < set->count; i++)
		if (set->records[i].kind == kind)
			index++;
	set->records = xrealloc(set->records,
				(set->count + 1) * sizeof *set->records);
	result = &set->records[set->count++];
	memset(result, 0, sizeof *result);
	result->kind = kind;
	result->index = index;
	result->text = xstrdup(name);
	result->summary.lookups = -1;
	result->summary.service_include = -1;
	result->summary.lookups_total = -1;
	result->summary.void_lookups = -1;
	result->summary.pct = 100;
	result->summary.name = xstrdup(name);
	result->diagnostics = xcalloc(1, sizeof *result->diagnostics);
	result->diagnostics[0] = (struct record_diagnostic){
		.column = 1,
		.length = (unsigned)(utf8_count(name, strlen(name)) ? utf8_count(name, strlen(name)) : 1),
		.severity = severity, .code = code, .message = xstrdup(message),
		.guide = guide,
	};
	result->diagnostic_count = 1;
	count_severity(set, severity);
	return 0;
}

void records_report_extra(struct record_set *set, size_t index,
			  enum record_severity severity, const char *code,
			  const struct record_guide *guide, unsigned column,
			  unsigned length, const char *message)
{
	struct record_result *result = &set->records[index];
	size_t points = utf8_count(result->text, strlen(result->text));

	if (column < 1)
		column = 1;
	if (column > points + 1)
		column = (unsigned)points + 1;
	if (length < 1)
		length = 1;
	if (column + length > points + 2)
		length = (unsigned)(points + 2 - column);
	result->diagnostics = xrealloc(result->diagnostics,
				       (result->diagnostic_count + 1) *
				       sizeof *result->diagnostics);
	result->diagnostics[result->diagnostic_count++] = (struct record_diagnostic){
		.column = column, .length = length, .severity = severity,
		.code = code, .message = xstrdup(message), .guide = guide,
	};
	sort_diagnostics(result);
	count_severity(set, severity);
}

void records_free(struct record_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		struct record_result *result = &set->records[i];
		for (size_t k = 0; k < result->diagnostic_count; k++)
			free(result->diagnostics[k].message);
		free(result->diagnostics);
		free(result->summary.name);
		free(result->text);
	}
	free(set->records);
	memset(set, 0, sizeof *set);
}

/* ---- text ---------------------------------------------------------------------- */

#define COLOR_ERROR "\33[01;31m\33[K"
#define COLOR_WARNING "\33[01;35m\33[K"
#define COLOR_NOTE "\33[01;36m\33[K"
#define COLOR_CARET "\33[01;32m\33[K"
#define COLOR_RESET "\33[m\33[K"

/* The record on one line, controls as spaces; the caret line under the
 * diagnostic's span, counted in terminal columns. */
static void add_excerpt(struct buf *out, const char *text,
			const struct record_diagnostic *diagnostic, bool color)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)text;
	size_t before = 0, under = 0, column = 1;
	utf8proc_int32_t code;

	buf_addc(out, ' ');
	while (*cursor) {
		utf8proc_ssize_t size = utf8proc_iterate(cursor, -1, &code);
		int width;

		if (size <= 0)
			break;
		if (code < 0x20 || code == 0x7F || (code >= 0x80 && code < 0xA0)) {
			buf_addc(out, ' ');
			width = 1;
		} else {
			buf_add(out, (const char *)cursor, (size_t)size);
			width = utf8proc_charwidth(code);
		}
		if (column < diagnostic->column)
			before += (size_t)width;
		else if (column < diagnostic->column + diagnostic->length)
			under += (size_t)width;
		column++;
		cursor += size;
	}
	buf_adds(out, "\n ");
	for (size_t i = 0; i < before; i++)
		buf_addc(out, ' ');
	if (color)
		buf_adds(out, COLOR_CARET);
	buf_addc(out, '^');
	for (size_t i = 1; i < under; i++)
		buf_addc(out, '~');
	if (color)
		buf_adds(out, COLOR_RESET);
	buf_addc(out, '\n');
}

static void add_summary_text(struct buf *out, const struct record_result *result)
{
	const struct record_summary *summary = &result->summary;

	buf_printf(out, "%s:%u: summary:", records_kind_name(result->kind),
		   result->index);
	if (summary->name != NULL)
		buf_printf(out, " name=%s", summary->name);
	if (result->kind == RECORD_SPF) {
		if (summary->lookups >= 0)
			buf_printf(out, " lookups=%d/%d", summary->lookups,
				   RECORDS_SPF_LOOKUP_LIMIT);
		buf_printf(out, " all=%s", summary->all ? summary->all : "-");
		if (summary->service_include >= 0)
			buf_printf(out, " service_include=%s",
				   summary->service_include ? "yes" : "no");
		if (summary->lookups_total >= 0)
			buf_printf(out, " lookups_total=%d/%d void_lookups=%d/2",
				   summary->lookups_total, RECORDS_SPF_LOOKUP_LIMIT,
				   summary->void_lookups);
	} else if (result->kind == RECORD_DKIM) {
		buf_printf(out, " key_type=%s key_bits=%u revoked=%s testing=%s",
			   summary->key_type ? summary->key_type : "-",
			   summary->key_bits, summary->revoked ? "yes" : "no",
			   summary->testing ? "yes" : "no");
	} else {
		buf_printf(out, " policy=%s subdomain_policy=%s pct=%d",
			   summary->policy ? summary->policy : "-",
			   summary->subdomain_policy ? summary->subdomain_policy : "-",
			   summary->pct);
	}
	buf_addc(out, '\n');
}

static const char *severity_color(enum record_severity severity)
{
	return severity == RECORD_ERROR	    ? COLOR_ERROR
	       : severity == RECORD_WARNING ? COLOR_WARNING
					    : COLOR_NOTE;
}

void records_format_text(const struct record_set *set, struct buf *out,
			 bool color)
{
	for (size_t i = 0; i < set->count; i++) {
		const struct record_result *result = &set->records[i];
		for (size_t k = 0; k < result->diagnostic_count; k++) {
			const struct record_diagnostic *diagnostic =
				&result->diagnostics[k];
			buf_printf(out, "%s:%u:%u: %s%s:%s %s\n",
				   records_kind_name(result->kind), result->index,
				   diagnostic->column,
				   color ? severity_color(diagnostic->severity) : "",
				   records_severity_name(diagnostic->severity),
				   color ? COLOR_RESET : "", diagnostic->code);
			add_excerpt(out, result->text, diagnostic, color);
			buf_printf(out, " %s\n", diagnostic->message);
		}
		add_summary_text(out, result);
	}
	buf_printf(out, "%zu error%s, %zu warning%s, %zu note%s\n", set->errors,
		   set->errors == 1 ? "" : "s", set->warnings,
		   set->warnings == 1 ? "" : "s", set->notes,
		   set->notes == 1 ? "" : "s");
}

/* ---- JSON ---------------------------------------------------------------------- */

static void add_json_summary(struct buf *out, const struct record_result *result)
{
	const struct record_summary *summary = &result->summary;

	if (result->kind == RECORD_SPF) {
		buf_printf(out, "{\"lookups\":%d,\"all\":",
			   summary->lookups < 0 ? 0 : summary->lookups);
		json_add_text(out, summary->all);
		buf_printf(out, ",\"service_include\":%s",
			   summary->service_include < 0 ? "null"
			   : summary->service_include   ? "true"
							: "false");
		if (summary->lookups_total >= 0)
			buf_printf(out, ",\"lookups_total\":%d,\"void_lookups\":%d",
				   summary->lookups_total, summary->void_lookups);
		buf_addc(out, '}');
	} else if (result->kind == RECORD_DKIM) {
		buf_adds(out, "{\"key_type\":");
		json_add_text(out, summary->key_type);
		buf_printf(out, ",\"key_bits\":%u,\"revoked\":%s,\"testing\":%s}",
			   summary->key_bits, summary->revoked ? "true" : "false",
			   summary->testing ? "true" : "false");
	} else {
		buf_adds(out, "{\"policy\":");
		json_add_text(out, summary->policy);
		buf_adds(out, ",\"subdomain_policy\":");
		json_add_text(out, summary->subdomain_policy);
		buf_printf(out, ",\"pct\":%d}", summary->pct);
	}
}

static void add_json_result(struct buf *out, const struct record_result *result)
{
	buf_adds(out, "{\"kind\":");
	json_add_text(out, records_kind_name(result->kind));
	buf_printf(out, ",\"index\":%u,\"text\":", result->index);
	json_add_text(out, result->text);
	buf_adds(out, ",\"name\":");
	json_add_text(out, result->summary.name);
	buf_adds(out, ",\"diagnostics\":[");
	for (size_t k = 0; k < result->diagnostic_count; k++) {
		const struct record_diagnostic *diagnostic = &result->diagnostics[k];
		char *guide = records_guide_path(diagnostic->guide);

		buf_printf(out, "%s{\"column\":%u,\"length\":%u,\"severity\":",
			   k ? "," : "", diagnostic->column, diagnostic->length);
		json_add_text(out, records_severity_name(diagnostic->severity));
		buf_adds(out, ",\"code\":");
		json_add_text(out, diagnostic->code);
		buf_adds(out, ",\"message\":");
		json_add_text(out, diagnostic->message);
		buf_adds(out, ",\"guide\":");
		json_add_text(out, guide);
		buf_addc(out, '}');
		free(guide);
	}
	buf_adds(out, "],\"summary\":");
	add_json_summary(out, result);
	buf_addc(out, '}');
}

void records_format_json(const struct record_set *set, struct buf *out)
{
	buf_adds(out, "{\"records\":[");
	for (size_t i = 0; i < set->count; i++) {
		if (i > 0)
			buf_addc(out, ',');
		add_json_result(out, &set->records[i]);
	}
	buf_printf(out, "],\"errors\":%zu,\"warnings\":%zu,\"notes\":%zu}\n",
		   set->errors, set->warnings, set->notes);
}
