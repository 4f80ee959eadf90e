/*
 * records.h — the record checker: SPF (RFC 7208), DKIM key records
 * (RFC 6376, RFC 8463) and DMARC (RFC 7489) TXT records as a customer
 * pasted them, checked as pure computation (no DNS, no I/O), every
 * problem a located diagnostic with a stable code and a message (Japanese
 * or English, as the options say) saying what to write instead, plus a
 * summary (SPF's DNS lookups, the DKIM key's size read from the decoded
 * key).
 *
 * kbgen's `records` command and kb.cgi's /records both check through
 * here and print through records_format_text / records_format_json, so
 * they agree on every byte.
 *
 * A text may be the record's value alone (`v=spf1 mx -all`), its DNS
 * strings as dig prints them (`"v=DKIM1; k=rsa; " "p=MIIB..."`, joined
 * before checking, each string held to 255 bytes), or a zone or dig line
 * that names the record (`_dmarc.example.jp. 300 IN TXT "v=DMARC1; ..."`),
 * whose name is then checked too. Columns count Unicode code points of
 * the text as given, from 1.
 */
#ifndef KB_RECORDS_H
#define KB_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

enum record_kind { RECORD_SPF, RECORD_DKIM, RECORD_DMARC };
enum record_severity { RECORD_ERROR, RECORD_WARNING, RECORD_NOTE };

/* The longest text one record may be (a 4096-bit DKIM key record is
 * about 800 bytes); records_add refuses longer ones. */
#define RECORDS_TEXT_MAX 4096
/* The most records one set holds. */
#define RECORDS_MAX 16
/* RFC 7208 4.6.4: the DNS-querying terms one evaluation may reach. */
#define RECORDS_SPF_LOOKUP_LIMIT 10

/* The article heading that explains a fix: the page's URL path under
 * the site's base ("deliverability/spf/") and the heading as written in
 * the article (its anchor is markdown_heading_slug of it). Static. */
struct record_guide {
	const char *page;
	const char *heading;
};

struct record_diagnostic {
	unsigned column;		/* 1-based, code points into text */
	unsigned length;		/* code points the problem spans, >= 1 */
	enum record_severity severity;
	const char *code;		/* stable ("spf-plus-all"); static */
	char *message;			/* in the options' language; owned by
					 * the result */
	const struct record_guide *guide;	/* static, never NULL */
};

/* What a record says, as far as it could be read. */
struct record_summary {
	char *name;		/* the record's name when the text gave one,
				 * else NULL; owned */
	/* SPF */
	int lookups;		/* the record's own DNS-querying terms */
	const char *all;	/* "-all", "~all", "?all", "+all" or NULL */
	int service_include;	/* 1 found, 0 missing, -1 not asked */
	int lookups_total;	/* live mode: the lookups of every record
				 * the record reaches (includes, redirects);
				 * -1 when not looked up */
	int void_lookups;	/* live mode: lookups that found nothing;
				 * -1 when not looked up */
	/* DKIM */
	const char *key_type;	/* "rsa", "ed25519", or NULL */
	unsigned key_bits;	/* from the decoded key; 0 when unread */
	bool revoked;		/* p= empty */
	bool testing;		/* t=y */
	/* DMARC */
	const char *policy;	/* p=: "none", "quarantine", "reject" or NULL */
	const char *subdomain_policy;	/* sp=, or NULL */
	int pct;		/* 0..100; 100 when absent */
};

struct record_result {
	enum record_kind kind;
	unsigned index;		/* 1-based among the set's records of kind */
	char *text;		/* as given; owned */
	struct record_diagnostic *diagnostics;	/* by column, then found */
	size_t diagnostic_count;
	struct record_summary summary;
};

/* The language of the diagnostics' messages; the zero value is Japanese,
 * the language the checker was written in. */
enum record_language { RECORDS_JA, RECORDS_EN };

struct record_options {
	const char *spf_include;	/* the service's include: domain
					 * (site.yaml spf_include), or NULL */
	const char *domain;		/* the domain the records are for, or
					 * NULL: checked against names */
	const char *selector;		/* the DKIM selector, or NULL */
	enum record_language language;	/* of the messages */
};

/* The messages' language for a site's language (site.yaml `language`, as
 * kb.db stores it too): English for "en" and "en-...", Japanese for
 * anything else (NULL included). */
enum record_language records_language(const char *site_language);

/* Zero-initialise ({0}); release with records_free. */
struct record_set {
	struct record_result *records;
	size_t count;
	size_t errors, warnings, notes;
};

/* Checks length bytes of text as a record of kind and appends the result
 * to set (the text is copied). A second SPF record in one set is a
 * permerror, reported on it. Returns 0, or -1 (nothing added) when the
 * set already holds RECORDS_MAX records or the text is longer than
 * RECORDS_TEXT_MAX bytes, holds a NUL or is not UTF-8. */
int records_add(struct record_set *set, enum record_kind kind,
		const char *text, size_t length,
		const struct record_options *options);

/* A record that was looked up and not found: a result of kind with name
 * as its text (copied) and one diagnostic over the whole name, code and
 * message (copied) with guide, severity as given. Returns 0, or -1 when
 * the set is full. */
int records_add_missing(struct record_set *set, enum record_kind kind,
			const char *name, enum record_severity severity,
			const char *code, const struct record_guide *guide,
			const char *message);

/* Adds a diagnostic found outside the record's own text (live mode's
 * lookups through includes) to the set's record at index: at column,
 * spanning length code points (clamped to the text), message copied;
 * keeps the record's diagnostics sorted and the set's counts. */
void records_report_extra(struct record_set *set, size_t index,
			  enum record_severity severity, const char *code,
			  const struct record_guide *guide, unsigned column,
			  unsigned length, const char *message);

/* The guides the diagnostics link (records.c). */
extern const struct record_guide records_guide_spf_register,
	records_guide_spf_existing, records_guide_spf_all,
	records_guide_spf_lookups, records_guide_spf_mistakes,
	records_guide_dkim_register, records_guide_dkim_selector,
	records_guide_dkim_key_length, records_guide_dkim_mistakes,
	records_guide_dmarc;

/* Every guide a diagnostic can link, count of them in *count; static. */
const struct record_guide *const *records_guides(size_t *count);

/* Frees everything the set holds and zeroes it. */
void records_free(struct record_set *set);

/* True when name is a domain name the checker can look up: labels of
 * letters, digits, '-' and '_', 1 to 63 bytes each, 253 at most, a
 * trailing dot allowed. */
bool records_domain_valid(const char *name);

/* "spf", "dkim", "dmarc"; static. */
const char *records_kind_name(enum record_kind kind);
/* "error", "warning", "note"; static. */
const char *records_severity_name(enum record_severity severity);

/* The guide's URL path under the site's base, with its heading's anchor
 * ("deliverability/spf/#末尾のallの意味"). The caller frees. */
char *records_guide_path(const struct record_guide *guide);

/* Appends the set as GCC shows its diagnostics: per diagnostic a line
 * "spf:1:13: error: message [code]", the record on one line (controls
 * shown as spaces), and a caret under the column ("^~~~" over the span,
 * full-width characters counted as two columns); then a summary line per
 * record and "N errors, N warnings, N notes". With color, "error",
 * "warning" and "note" get GCC's colours. */
void records_format_text(const struct record_set *set, struct buf *out,
			 bool color);

/* Appends {"records": [{"kind", "index", "text", "name", "diagnostics":
 * [{"column", "length", "severity", "code", "message", "guide"}],
 * "summary": {...}}], "errors", "warnings", "notes"}: the summary holds
 * "lookups", "all" and "service_include" for SPF, "key_type", "key_bits",
 * "revoked" and "testing" for DKIM, "policy", "subdomain_policy" and
 * "pct" for DMARC. Strings are written by base/json.h. */
void records_format_json(const struct record_set *set, struct buf *out);

#endif
