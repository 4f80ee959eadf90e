/* The bounce analyzer's pure parts: MIME decoding (encoded-words,
 * quoted-printable, base64, charsets), DSN groups with several
 * recipients, masking, the codes, CSV rows, bounded work. The rules are
 * a small file parsed here, without a site. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/bounce.h"
#include "content/bouncemime.h"
#include "test.h"

static const char rules_text[] =
	"classes: {permanent: P, temporary: T, unknown: U}\n"
	"bounce_types: {hard: H, soft: S}\n"
	"reasons:\n"
	"  user-unknown: {title: t, explanation: e, hard: true, class: permanent}\n"
	"  host-unknown: {title: t, explanation: e, hard: true}\n"
	"  mailbox-full: {title: t, explanation: e, hard: false}\n"
	"  blocked: {title: t, explanation: e, hard: false}\n"
	"  spam-detected: {title: t, explanation: e, hard: false}\n"
	"  authentication: {title: t, explanation: e, hard: false}\n"
	"  policy: {title: t, explanation: e, hard: false}\n"
	"  rate-limited: {title: t, explanation: e, hard: false}\n"
	"  content-rejected: {title: t, explanation: e, hard: false}\n"
	"  message-too-big: {title: t, explanation: e, hard: false}\n"
	"  expired: {title: t, explanation: e, hard: false}\n"
	"  suspended: {title: t, explanation: e, hard: false}\n"
	"  network-error: {title: t, explanation: e, hard: false}\n"
	"  mailer-error: {title: t, explanation: e, hard: false}\n"
	"  other: {title: t, explanation: e, hard: false}\n"
	"receivers:\n"
	"  - {name: Gmail, hosts: [google.com], text: [gsmtp]}\n"
	"rules:\n"
	"  - {status: 5.1.1, reason: user-unknown}\n"
	"  - {text: [user unknown, 存在しません], reason: user-unknown, class: permanent}\n"
	"  - {text: [mailbox full, 容量], reason: mailbox-full}\n"
	"  - {status: \"*.7.*\", reason: policy}\n";

static struct bounce_rules rules;

/* "recipient class reason status reply" of each result, one a line. */
static char *summary(const char *text)
{
	struct bounce_report report;
	struct buf out = {0};

	bounce_analyze(&rules, text, strlen(text), &report);
	for (size_t i = 0; i < report.count; i++) {
		const struct bounce_result *r = &report.results[i];
		buf_printf(&out, "%s %s %s %s %d%s",
			   r->recipient ? r->recipient : "-",
			   bounce_class_id(r->class_), bounce_reason_id(r->reason),
			   r->status[0] ? r->status : "-", r->reply,
			   i + 1 < report.count ? "\n" : "");
	}
	bounce_report_free(&report);
	return buf_detach(&out);
}

static void expect(const char *text, const char *want, const char *what)
{
	char *got = summary(text);

	CHECK_STR(got, want, what);
	free(got);
}

static void test_mime(void)
{
	char *words = mime_decode_words("=?ISO-2022-JP?B?GyRCR1s/LiQ3JF4kORsoQg==?= x", 44);
	char *qp = mime_decode_words("=?UTF-8?Q?=E9=85=8D=E4=BF=A1_ok?= =?UTF-8?B?44Ko44Op44O8?=", 58);
	char *sjis = mime_to_utf8("\x83\x81\x81\x5B\x83\x8B", 6, NULL, NULL);
	char *euc = mime_to_utf8("\xA5\xE1\xA1\xBC\xA5\xEB", 6, NULL, NULL);
	char *latin = mime_to_utf8("caf\xE9", 4, "iso-8859-1", NULL);
	char *broken = mime_to_utf8("a\xFF" "b", 3, "utf-8", NULL);
	struct mime_message message;
	const char *eml =
		"From: MAILER-DAEMON@example.jp\r\nSubject: =?UTF-8?B?44Ko44Op44O8?=\r\n"
		"Content-Type: multipart/report; boundary=\"b1\"\r\n\r\npreamble\r\n"
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n=E3=81=82 soft=\r\nbreak\r\n"
		"--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
		"--b2\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: base64\r\n\r\n"
		"PHA+aGk8L3A+PHN0eWxlPi54e308L3N0eWxlPiZhbXA7\r\n--b2--\r\n"
		"--b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n"
		"--b1--\r\nepilogue\r\n";

	TEST_SUITE("bounce-mime");
	CHECK_STR(words, "\xE9\x85\x8D\xE4\xBF\xA1\xE3\x81\x97\xE3\x81\xBE\xE3\x81\x99 x",
		  "ISO-2022-JP encoded-word");
	CHECK_STR(qp, "\xE9\x85\x8D\xE4\xBF\xA1 ok\xE3\x82\xA8\xE3\x83\xA9\xE3\x83\xBC",
		  "Q encoded-word, and the space between two words dropped");
	CHECK_STR(sjis, "\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB", "Shift_JIS guessed (メール)");
	CHECK_STR(euc, "\xE3\x83\xA1\xE3\x83\xBC\xE3\x83\xAB", "EUC-JP guessed before Shift_JIS");
	CHECK_STR(latin, "caf\xC3\xA9", "a named charset");
	CHECK_STR(broken, "a\xEF\xBF\xBD" "b", "invalid UTF-8 as U+FFFD");
	mime_parse(eml, strlen(eml), &message);
	CHECK_INT(message.part_count, 3, "three leaves, preamble and epilogue dropped");
	CHECK_STR(mime_header(&message.headers, "subject"), "\xE3\x82\xA8\xE3\x83\xA9\xE3\x83\xBC",
		  "header looked up in any case, decoded");
	if (message.part_count == 3) {
		CHECK_STR(message.parts[0].text, "\xE3\x81\x82 softbreak", "quoted-printable with a soft break");
		CHECK_INT(message.parts[1].kind, MIME_HTML, "nested multipart's html");
		CHECK_STR(message.parts[1].text, "\nhi\n&", "html tags, style and entities");
		CHECK_INT(message.parts[2].kind, MIME_DELIVERY_STATUS, "the DSN part");
	}
	mime_message_free(&message);
	free(words);
	free(qp);
	free(sjis);
	free(euc);
	free(latin);
	free(broken);
}

static void test_codes(void)
{
	TEST_SUITE("bounce-codes");
	expect("550 5.1.1 <a@example.jp>: User unknown", "a@example.jp permanent user-unknown 5.1.1 550",
	       "a copied line");
	expect("host 192.0.2.155 said: 550 5.7.1 no", "- permanent policy 5.7.1 550",
	       "an IPv4 address is never a status");
	expect("Client host [10.4.5.6] rejected: 554 no", "- permanent other - 554",
	       "10.4.5.6 holds no status 4.5.6");
	expect("at 2026-12-07 10:15:42: User unknown", "- permanent user-unknown - 0",
	       "dates and times masked; the wording's class");
	expect("version 5.1.1.2 failed", "", "a four-part number is no status");
	expect("exceeded 500 recipients", "", "a number in a sentence is no reply");
	expect("421-4.7.0 try later", "- temporary policy 4.7.0 421", "a multi-line reply's first line");
	expect("容量がいっぱいです", "- unknown mailbox-full - 0", "a Japanese wording, no code");
	expect("", "", "nothing");
	expect("hello\n\nhow are you", "", "a letter");
}

static void test_dsn(void)
{
	const char *dsn =
		"Reporting-MTA: dns; mta.example.jp\n\n"
		"Final-Recipient: rfc822; <one@example.jp>\nAction: failed\nStatus: 5.1.1\n"
		"Remote-MTA: dns; alt1.gmail-smtp-in.l.google.com\n"
		"Diagnostic-Code: smtp; 550-5.1.1 The email account that you\n tried to reach does not exist\n\n"
		"Final-Recipient: rfc822; two@example.jp\nAction: delayed\nStatus: 4.2.2\n\n"
		"Final-Recipient: rfc822; three@example.jp\nAction: delivered\nStatus: 2.0.0\n";
	struct bounce_report report;

	TEST_SUITE("bounce-dsn");
	expect(dsn, "one@example.jp permanent user-unknown 5.1.1 550\ntwo@example.jp temporary other 4.2.2 0",
	       "two failed recipients, the delivered one left out");
	bounce_analyze(&rules, dsn, strlen(dsn), &report);
	if (report.count == 2) {
		CHECK_STR(report.results[0].receiver, "Gmail", "Remote-MTA names the receiver");
		CHECK_STR(report.results[0].diagnostic,
			  "550-5.1.1 The email account that you tried to reach does not exist",
			  "the folded Diagnostic-Code unfolded");
		CHECK(report.results[0].marked && report.results[0].mark_start == 4 &&
		      report.results[0].mark_end == 9, "the status marked");
	}
	bounce_report_free(&report);
	expect("a@example.jp,Taro,P,,2026-12-07\n", "a@example.jp permanent other - 0",
	       "a CSV row naming the error type");
	expect("name,mail,type,text\nx,b@example.jp,T,452 4.2.2 mailbox full\n",
	       "b@example.jp temporary mailbox-full 4.2.2 452", "a CSV header line skipped");
}

/* Work stays linear: the largest input with a code on every line, and
 * one long line of digits and dots, each read well under a second. */
static void test_bounded(void)
{
	struct buf big = {0}, dots = {0};
	struct bounce_report report;
	clock_t start;
	double seconds;

	TEST_SUITE("bounce-bounded");
	buf_adds(&big, "From: MAILER-DAEMON@example.jp\nSubject: Undelivered\n\n");
	while (big.length < BOUNCE_MAX_INPUT + 1000)
		buf_adds(&big, "<u@example.jp>: 550 5.1.1 User unknown 192.0.2.1\n");
	while (dots.length < BOUNCE_MAX_INPUT)
		buf_adds(&dots, "5.1.1.");
	start = clock();
	bounce_analyze(&rules, big.data, big.length, &report);
	CHECK_INT(report.count, 1, "one recipient said many times is one result");
	bounce_report_free(&report);
	bounce_analyze(&rules, dots.data, dots.length, &report);
	CHECK_INT(report.count, 0, "a run of dotted numbers holds no code");
	bounce_report_free(&report);
	seconds = (double)(clock() - start) / CLOCKS_PER_SEC;
	CHECK(seconds < 2.0, "the largest inputs read in under 2 s");
	buf_free(&big);
	buf_free(&dots);
}

int main(void)
{
	bounce_rules_parse(rules_text, strlen(rules_text), "rules.yaml", NULL, &rules);
	TEST_SUITE("bounce-rules");
	CHECK_INT(diag_error_count(), 0, "the test rules load");
	diag_print(stdout);
	diag_clear();
	test_mime();
	test_codes();
	test_dsn();
	test_bounded();
	bounce_rules_free(&rules);
	return TEST_EXIT();
}
