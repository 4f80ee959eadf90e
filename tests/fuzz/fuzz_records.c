/*
 * fuzz_records.c — libFuzzer harness for the record checker
 * (content/records.h): the three parsers, the zone-line and DNS-string
 * reader, the key decoder and both output formats.
 *
 * Input: a first byte choosing the kind (its value modulo 3: SPF, DKIM,
 * DMARC) and the options (bit 2: a domain and a selector to check names
 * against; bit 3: the input is checked as two SPF records split at the
 * first '\n'; bit 4: the messages in English), then the text. The promises kept, or the harness aborts:
 *   - a text of valid UTF-8 without NUL, at most RECORDS_TEXT_MAX bytes,
 *     is always checked, anything else always refused;
 *   - every diagnostic lies on the text: column 1 to its code points + 1,
 *     the span not past the end + 1, a code of the kind's family (or
 *     txt-), a non-empty UTF-8 message and a guide with a page;
 *   - the counts are the diagnostics' severities;
 *   - the text and JSON outputs are valid UTF-8 and the JSON holds no
 *     raw control character.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "content/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_result(const struct record_result *result, size_t *counts)
{
	size_t points = utf8_count(result->text, strlen(result->text));
	const char *family = records_kind_name(result->kind);

	for (size_t i = 0; i < result->diagnostic_count; i++) {
		const struct record_diagnostic *d = &result->diagnostics[i];
		if (d->column < 1 || d->column > points + 1 || d->length < 1 ||
		    d->column + d->length > points + 2)
			abort();
		if (d->code == NULL ||
		    (strncmp(d->code, family, strlen(family)) != 0 &&
		     strncmp(d->code, "txt-", 4) != 0))
			abort();
		if (d->message == NULL || *d->message == '\0' ||
		    !utf8_valid(d->message, strlen(d->message), NULL))
			abort();
		if (d->guide == NULL || d->guide->page == NULL)
			abort();
		counts[d->severity]++;
	}
}

static void check_outputs(const struct record_set *set)
{
	struct buf text = {0}, json = {0};

	records_format_text(set, &text, true);
	records_format_json(set, &json);
	if (!utf8_valid(text.data, text.length, NULL) ||
	    !utf8_valid(json.data, json.length, NULL))
		abort();
	for (size_t i = 0; i + 1 < json.length; i++)
		if ((unsigned char)json.data[i] < 0x20)
			abort();
	buf_free(&text);
	buf_free(&json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct record_options options = {.spf_include = "_spf.example.net"};
	struct record_set set = {0};
	enum record_kind kind;
	const char *text;
	size_t length, counts[3] = {0, 0, 0}, first = 0;
	bool acceptable;

	if (size < 1)
		return 0;
	kind = (enum record_kind)(data[0] % 3);
	if (data[0] & 16)
		options.language = RECORDS_EN;
	if (data[0] & 4) {
		options.domain = "example.jp";
		options.selector = "sel";
	}
	text = (const char *)data + 1;
	length = size - 1;
	if ((data[0] & 8) && memchr(text, '\n', length) != NULL) {
		first = (size_t)((const char *)memchr(text, '\n', length) - text);
		kind = RECORD_SPF;
		if (records_add(&set, kind, text, first, &options) != 0 &&
		    utf8_valid(text, first, NULL) && memchr(text, '\0', first) == NULL)
			abort();
		text += first + 1;
		length -= first + 1;
	}
	acceptable = length <= RECORDS_TEXT_MAX && memchr(text, '\0', length) == NULL &&
		     utf8_valid(text, length, NULL);
	if ((records_add(&set, kind, text, length, &options) == 0) != acceptable)
		abort();
	for (size_t i = 0; i < set.count; i++)
		check_result(&set.records[i], counts);
	if (counts[RECORD_ERROR] != set.errors ||
	    counts[RECORD_WARNING] != set.warnings || counts[RECORD_NOTE] != set.notes)
		abort();
	check_outputs(&set);
	records_free(&set);
	return 0;
}
