/*
 * fuzz_bounce.c — libFuzzer harness for the bounce analyzer: the MIME
 * and DSN parser, masking, the codes, CSV rows and the rules
 * (content/bounce.h, content/bouncemime.h), with the shipped
 * bounce-rules.yaml (run from the repository root, as tests/fuzz/run.sh
 * does).
 *
 * Input: any bytes, as a visitor could paste or upload them. The promises
 * kept, or the harness aborts (a crash for libFuzzer):
 *   - at most BOUNCE_MAX_RESULTS results, each with a class and a reason
 *     of the lists;
 *   - every diagnostic is valid UTF-8, and a mark lies inside it, on
 *     character boundaries;
 *   - a status is X.Y.Z with class 4 or 5, a reply is 0 or 400..599;
 *   - hard only for a permanent class;
 *   - the JSON is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/bounce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bounce_rules rules;
static bool loaded;

static bool boundary(const char *text, size_t offset)
{
	return ((unsigned char)text[offset] & 0xC0) != 0x80;
}

static void check_result(const struct bounce_result *result)
{
	size_t length;

	if (result->class_ >= BOUNCE_CLASS_COUNT || result->reason >= BOUNCE_REASON_COUNT)
		abort();
	if (result->hard && result->class_ != BOUNCE_CLASS_PERMANENT)
		abort();
	if (result->reply != 0 && (result->reply < 400 || result->reply > 599))
		abort();
	if (result->status[0] != '\0' &&
	    ((result->status[0] != '4' && result->status[0] != '5') ||
	     result->status[1] != '.'))
		abort();
	if (result->diagnostic == NULL) {
		if (result->marked)
			abort();
		return;
	}
	length = strlen(result->diagnostic);
	if (!utf8_valid(result->diagnostic, length, NULL))
		abort();
	if (result->marked &&
	    (result->mark_start > result->mark_end || result->mark_end > length ||
	     !boundary(result->diagnostic, result->mark_start) ||
	     (result->mark_end < length && !boundary(result->diagnostic, result->mark_end))))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bounce_report report;
	struct buf json = {0};

	if (!loaded) {
		if (bounce_rules_load(".", NULL, &rules) != 0 || diag_error_count() > 0)
			abort();	/* run from the repository root */
		loaded = true;
	}
	bounce_analyze(&rules, (const char *)data, size, &report);
	if (report.count > BOUNCE_MAX_RESULTS)
		abort();
	for (size_t i = 0; i < report.count; i++)
		check_result(&report.results[i]);
	bounce_report_json(&rules, &report, "/cgi-bin/kb.cgi", "", &json);
	if (!utf8_valid(json.data, json.length, NULL))
		abort();
	buf_free(&json);
	bounce_report_free(&report);
	return 0;
}
