/*
 * records_dmarc.c — a DMARC policy record (RFC 7489 6.3) checked tag by
 * tag: v=DMARC1 first, the policies, pct, the alignment modes, the report
 * addresses as mailto: URIs, unknown and repeated tags, and the name the
 * record sits at (_dmarc.<domain>).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/records_check.h"
#include "content/site.h"

#define REPORT(dmarc, start, length, severity, code, ...)                  \
	records_report((dmarc)->result, (dmarc)->text, (start), (length),   \
		       (severity), (code), &records_guide_dmarc, __VA_ARGS__)

struct dmarc {
	struct record_result *result;
	const struct record_text *text;
	const struct record_options *options;
	const char *value;
	struct record_tag *tags;
	size_t tag_count;
};

static const struct record_tag *find(const struct dmarc *dmarc, const char *name)
{
	return records_find_tag(dmarc->text, dmarc->tags, dmarc->tag_count, name);
}

static bool value_is(const struct dmarc *dmarc, const struct record_tag *tag,
		     const char *word)
{
	return tag->value_length == strlen(word) &&
	       strncasecmp(dmarc->value + tag->value, word, tag->value_length) == 0;
}

/* p= or sp=: none, quarantine or reject. The static name, or NULL. */
static const char *check_policy(struct dmarc *dmarc, const struct record_tag *tag)
{
	static const char *const policies[] = {"none", "quarantine", "reject"};

	for (size_t i = 0; i < 3; i++)
		if (value_is(dmarc, tag, policies[i]))
			return policies[i];
	REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR, "dmarc-policy",
	       "%.*s= の値「%.*s」は使えません。「none」「quarantine」「reject」の"
	       "どれかを書いてください",
	       "%.*s= cannot take \"%.*s\". Write one of \"none\", "
	       "\"quarantine\" or \"reject\"", (int)tag->name_length,
	       dmarc->value + tag->name, (int)tag->value_length,
	       dmarc->value + tag->value);
	return NULL;
}

static bool all_digits(const char *text, size_t length)
{
	if (length == 0 || length > 9)
		return false;
	for (size_t i = 0; i < length; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

/* One URI of rua= or ruf= at [start, end): mailto:address[!size]. */
static void check_uri(struct dmarc *dmarc, const struct record_tag *tag,
		      size_t start, size_t end)
{
	const char *value = dmarc->value, *why;
	size_t at = start, bang;
	char *address;

	if (end - start >= 7 && strncasecmp(value + start, "mailto:", 7) == 0) {
		at += 7;
	} else if (memchr(value + start, ':', end - start) == NULL &&
		   memchr(value + start, '@', end - start) != NULL) {
		REPORT(dmarc, start, end - start, RECORD_ERROR, "dmarc-uri",
		       "%.*s= のアドレスには「mailto:」を付けます。「mailto:%.*s」と"
		       "書いてください",
		       "An address in %.*s= takes \"mailto:\". Write "
		       "\"mailto:%.*s\"", (int)tag->name_length, value + tag->name,
		       (int)(end - start), value + start);
		return;
	} else {
		REPORT(dmarc, start, end - start, RECORD_ERROR, "dmarc-uri",
		       "%.*s= には「mailto:アドレス」の形でレポートの宛先を書いてください",
		       "Write where reports go in %.*s= as \"mailto:address\"",
		       (int)tag->name_length, value + tag->name);
		return;
	}
	bang = at;
	while (bang < end && value[bang] != '!')
		bang++;
	address = xstrndup(value + at, bang - at);
	if (!site_email_valid(address, &why))
		REPORT(dmarc, at, bang - at, RECORD_ERROR, "dmarc-uri",
		       "「%s」はメールアドレスとして正しくありません",
		       "\"%s\" is not a valid email address", address);
	free(address);
	if (bang < end) {
		size_t digits = bang + 1, stop = end;
		if (stop > digits && strchr("kmgtKMGT", value[stop - 1]) != NULL)
			stop--;
		if (!all_digits(value + digits, stop - digits))
			REPORT(dmarc, bang, end - bang, RECORD_ERROR, "dmarc-uri",
			       "「!」の後ろにはレポートの大きさの上限を数で書きます(例: !10m)",
			       "After \"!\" write the largest report size as "
			       "a number (for example: !10m)");
	}
}

static void check_uris(struct dmarc *dmarc, const struct record_tag *tag)
{
	size_t at = tag->value, end = tag->value + tag->value_length;

	if (tag->value_length == 0) {
		REPORT(dmarc, tag->start, tag->end - tag->start, RECORD_ERROR,
		       "dmarc-uri", "%.*s= の後ろにレポートの宛先がありません",
		       "There is no report address after %.*s=",
		       (int)tag->name_length, dmarc->value + tag->name);
		return;
	}
	while (at <= end) {
		size_t start = at, stop;
		while (at < end && dmarc->value[at] != ',')
			at++;
		stop = at++;
		while (start < stop && dmarc->value[start] == ' ')
			start++;
		while (stop > start && dmarc->value[stop - 1] == ' ')
			stop--;
		if (start < stop)
			check_uri(dmarc, tag, start, stop);
	}
}

static void check_version(struct dmarc *dmarc)
{
	const struct record_tag *first = dmarc->tag_count ? &dmarc->tags[0] : NULL;
	const struct record_tag *version = find(dmarc, "v");

	if (first != NULL && first == version && first->value_length == 6 &&
	    memcmp(dmarc->value + first->value, "DMARC1", 6) == 0)
		return;
	if (version != NULL && version != first)
		REPORT(dmarc, version->start, version->end - version->start,
		       RECORD_ERROR, "dmarc-version",
		       "v=DMARC1 はレコードの先頭に書きます。先頭にないとレコード全体が"
		       "無視されます",
		       "v=DMARC1 goes at the start of the record. Without it "
		       "there, the whole record is ignored");
	else if (version != NULL && version->value_length > 6 &&
		 memcmp(dmarc->value + version->value, "DMARC1", 6) == 0)
		REPORT(dmarc, version->value + 6, 0, RECORD_ERROR, "dmarc-version",
		       "v=DMARC1 の後ろに「;」がありません。タグとタグは「;」で区切って"
		       "ください",
		       "There is no \";\" after v=DMARC1. Separate tags with "
		       "\";\"");
	else if (version != NULL)
		REPORT(dmarc, version->value, version->value_length, RECORD_ERROR,
		       "dmarc-version", "v= の値は「DMARC1」です(大文字で書きます)",
		       "The value of v= is \"DMARC1\" (in capitals)");
	else
		REPORT(dmarc, 0, 0, RECORD_ERROR, "dmarc-version",
		       "DMARCのレコードは「v=DMARC1;」で始めます(例: v=DMARC1; p=none; "
		       "rua=mailto:dmarc-report@%s)",
		       "A DMARC record starts with \"v=DMARC1;\" (for "
		       "example: v=DMARC1; p=none; "
		       "rua=mailto:dmarc-report@%s)",
		       dmarc->options->domain ? dmarc->options->domain : "example.jp");
}

static void check_known(struct dmarc *dmarc)
{
	static const char *const known[] = {"v", "p", "sp", "pct", "adkim",
					    "aspf", "rua", "ruf", "fo", "rf",
					    "ri"};
	const char *value = dmarc->value;

	for (size_t i = 0; i < dmarc->tag_count; i++) {
		const struct record_tag *tag = &dmarc->tags[i];
		bool found = false;
		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (records_tag_is(dmarc->text, tag, known[k]))
				found = true;
		if (!found)
			REPORT(dmarc, tag->name, tag->name_length, RECORD_WARNING,
			       "dmarc-unknown-tag",
			       "「%.*s=」はDMARCのタグではないため、受信側では無視されます。"
			       "使えるのは v, p, sp, pct, adkim, aspf, rua, ruf, fo, rf, ri "
			       "です",
			       "\"%.*s=\" is not a DMARC tag, so receivers "
			       "ignore it. The tags are v, p, sp, pct, "
			       "adkim, aspf, rua, ruf, fo, rf, ri",
			       (int)tag->name_length, value + tag->name);
	}
}

static void check_values(struct dmarc *dmarc)
{
	const struct record_tag *tag;
	const char *value = dmarc->value;
	struct record_summary *summary = &dmarc->result->summary;

	if ((tag = find(dmarc, "p")) == NULL) {
		REPORT(dmarc, dmarc->text->length, 0, RECORD_ERROR, "dmarc-no-policy",
		       "p= がありません。v=DMARC1 の次に「p=none;」(まずはここから)を"
		       "書いてください",
		       "p= is missing. Write \"p=none;\" (the place to "
		       "start) right after v=DMARC1");
	} else if ((summary->policy = check_policy(dmarc, tag)) != NULL &&
		   strcmp(summary->policy, "none") == 0) {
		REPORT(dmarc, tag->start, tag->end - tag->start, RECORD_NOTE,
		       "dmarc-none",
		       "p=none は報告を受け取るだけで、認証に失敗したメールの扱いは"
		       "変わりません。レポートで正規のメールが認証に成功していることを"
		       "確かめたら、p=quarantine、p=reject へ進めてください",
		       "p=none only collects reports; mail that fails "
		       "authentication is handled as before. Once the "
		       "reports show your legitimate mail passing, move on "
		       "to p=quarantine, then p=reject");
	}
	if ((tag = find(dmarc, "sp")) != NULL)
		summary->subdomain_policy = check_policy(dmarc, tag);
	if ((tag = find(dmarc, "pct")) != NULL) {
		int pct = -1;
		if (all_digits(value + tag->value, tag->value_length))
			pct = atoi(value + tag->value);
		if (pct < 0 || pct > 100)
			REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR,
			       "dmarc-pct", "pct= には 0 から 100 までの数を書きます",
			       "pct= takes a number from 0 to 100");
		else if ((summary->pct = pct) < 100)
			REPORT(dmarc, tag->start, tag->end - tag->start, RECORD_NOTE,
			       "dmarc-pct",
			       "pct=%d のため、ポリシーは認証に失敗したメールの%d%%にだけ"
			       "使われます",
			       "With pct=%d, the policy applies to only %d%% "
			       "of the mail that fails authentication", pct, pct);
	}
	for (size_t i = 0; i < 2; i++) {
		const char *name = i == 0 ? "adkim" : "aspf";
		if ((tag = find(dmarc, name)) != NULL && !value_is(dmarc, tag, "r") &&
		    !value_is(dmarc, tag, "s"))
			REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR,
			       "dmarc-alignment",
			       "%s= の値は「r」(relaxed)か「s」(strict)です",
			       "The value of %s= is \"r\" (relaxed) or \"s\" "
			       "(strict)", name);
	}
	if ((tag = find(dmarc, "rua")) != NULL)
		check_uris(dmarc, tag);
	if ((tag = find(dmarc, "ruf")) != NULL)
		check_uris(dmarc, tag);
	if ((tag = find(dmarc, "ri")) != NULL &&
	    !all_digits(value + tag->value, tag->value_length))
		REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR,
		       "dmarc-value", "ri= にはレポートの間隔を秒数で書きます(例: 86400)",
		       "ri= takes the report interval in seconds (for "
		       "example: 86400)");
	if ((tag = find(dmarc, "rf")) != NULL && !value_is(dmarc, tag, "afrf"))
		REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR,
		       "dmarc-value", "rf= の値は「afrf」です。rf= は省けます",
		       "The value of rf= is \"afrf\". rf= can be left out");
	if ((tag = find(dmarc, "fo")) != NULL) {
		for (size_t i = tag->value; i < tag->value + tag->value_length; i++)
			if (strchr("01ds: ", value[i]) == NULL) {
				REPORT(dmarc, tag->value, tag->value_length, RECORD_ERROR,
				       "dmarc-value",
				       "fo= の値は 0, 1, d, s を「:」で区切って書きます",
				       "fo= takes 0, 1, d, s separated by \":\"");
				break;
			}
	}
}

/* The name, when the text gave one: _dmarc.<domain>. */
static void check_name(struct dmarc *dmarc)
{
	const char *name = dmarc->result->summary.name;
	const char *domain = dmarc->options->domain;
	size_t length, domain_length;

	if (name == NULL)
		return;
	length = strlen(name);
	if (length > 0 && name[length - 1] == '.')
		length--;
	if (length < 8 || strncasecmp(name, "_dmarc.", 7) != 0) {
		records_report_original(
			dmarc->result, dmarc->text, dmarc->text->name_offset,
			strlen(name), RECORD_ERROR, "dmarc-name", &records_guide_dmarc,
			"DMARCのレコードは、ドメインの前に「_dmarc.」を付けた名前に登録"
			"します(例: _dmarc.%s)",
			"A DMARC record is published at the name with "
			"\"_dmarc.\" in front of the domain (for example: "
			"_dmarc.%s)", domain ? domain : "example.jp");
		return;
	}
	if (domain == NULL)
		return;
	domain_length = strlen(domain);
	if (length - 7 != domain_length ||
	    strncasecmp(name + 7, domain, domain_length) != 0)
		records_report_original(
			dmarc->result, dmarc->text, dmarc->text->name_offset + 7,
			length - 7, RECORD_ERROR, "dmarc-name", &records_guide_dmarc,
			"名前が「_dmarc.%s」ではありません",
			"The name is not \"_dmarc.%s\"", domain);
}

void records_check_dmarc(struct record_result *result,
			 const struct record_text *text,
			 const struct record_options *options)
{
	struct dmarc dmarc = {.result = result, .text = text, .options = options,
			      .value = text->value};

	check_name(&dmarc);
	if (records_starts_with_word(text->value, text->length, "v=spf1", "") ||
	    records_starts_with_word(text->value, text->length, "v=DKIM1", ";")) {
		bool spf = (text->value[2] | 0x20) == 's';
		REPORT(&dmarc, 0, spf ? 6 : 7, RECORD_ERROR, "dmarc-version",
		       "これは%sのレコードです。DMARCのレコードは「v=DMARC1; p=none; "
		       "rua=mailto:...」の形で、_dmarc. を付けた名前に登録します",
		       "This is a %s record. A DMARC record has the form "
		       "\"v=DMARC1; p=none; rua=mailto:...\" and is "
		       "published at the name with _dmarc. in front",
		       spf ? "SPF" : "DKIM");
		return;
	}
	dmarc.tag_count = records_read_tags(result, text, "dmarc",
					    &records_guide_dmarc, &dmarc.tags);
	check_version(&dmarc);
	check_known(&dmarc);
	check_values(&dmarc);
	free(dmarc.tags);
}
