/*
 * bounce.h — the bounce analyzer: a returned message, a diagnostic line a
 * customer copied, or a row of the error report's CSV, read into one
 * result per recipient (class, reason, hard or soft, receiver, status,
 * reply, the diagnostic with the part that decided marked), by rules a
 * content writer keeps in bounce-rules.yaml.
 *
 * The rules file (format in README.md, "The bounce analyzer") is loaded
 * and checked like a decision tree (bounce_rules_load, bounceload.c):
 * every mistake at its file:line:col, its samples run as tests. The build
 * stores the compiled rules in kb.db (db/bouncestore.h); kb.cgi and
 * `kbgen bounce` read them back into the same struct bounce_rules and
 * call bounce_analyze (bounce.c), which is pure computation: linear in
 * the input, which it bounds at BOUNCE_MAX_INPUT bytes.
 *
 * Reading a text, in this order:
 *   1. the message is taken apart (bouncemime.h): RFC 3464
 *      message/delivery-status parts give one recipient per
 *      Final-Recipient group (Action failed or delayed);
 *   2. without those, the human-readable text is read paragraph by
 *      paragraph (the non-standard bounces of Exim, qmail, Yahoo, the
 *      carriers...), and a CSV row field by field;
 *   3. masking comes before any code is looked for: IPv4 addresses,
 *      dates, times, mail addresses and host names are blanked in a copy,
 *      so 192.0.2.155 never reads as a status;
 *   4. each recipient's status (X.Y.Z, RFC 3463) and reply (RFC 5321)
 *      are matched against the rules, first match in file order; the
 *      class follows the code's first digit (5 permanent, 4 temporary),
 *      else the matched rule's or reason's class, else unknown.
 */
#ifndef KB_BOUNCE_H
#define KB_BOUNCE_H

#include <stdbool.h>
#include <stddef.h>

/* Longer input is cut here before it is read (kb.cgi refuses more). */
#define BOUNCE_MAX_INPUT ((size_t)256 << 10)
/* At most this many recipients are reported from one text. */
#define BOUNCE_MAX_RESULTS 100
/* Rules files larger than this are refused before parsing. */
#define BOUNCE_RULES_MAX_FILE_SIZE ((size_t)1 << 20)
/* The rules file, relative to the site root. */
#define BOUNCE_RULES_FILE "bounce-rules.yaml"

enum bounce_class {
	BOUNCE_CLASS_UNKNOWN,	/* 原因不明のエラー */
	BOUNCE_CLASS_PERMANENT,	/* 永続的エラー */
	BOUNCE_CLASS_TEMPORARY,	/* 一時的なエラー */
	BOUNCE_CLASS_COUNT,
};

/* The documented list of reasons; bounce_reason_id names them in the
 * rules file, kb.db and the JSON. Never renumber: kb.db stores ids, not
 * numbers, but tests list them in this order. */
enum bounce_reason {
	BOUNCE_USER_UNKNOWN,
	BOUNCE_HOST_UNKNOWN,
	BOUNCE_MAILBOX_FULL,
	BOUNCE_BLOCKED,
	BOUNCE_SPAM_DETECTED,
	BOUNCE_AUTHENTICATION,
	BOUNCE_POLICY,
	BOUNCE_RATE_LIMITED,
	BOUNCE_CONTENT_REJECTED,
	BOUNCE_MESSAGE_TOO_BIG,
	BOUNCE_EXPIRED,
	BOUNCE_SUSPENDED,
	BOUNCE_NETWORK_ERROR,
	BOUNCE_MAILER_ERROR,
	BOUNCE_OTHER,
	BOUNCE_REASON_COUNT,
};

/* "permanent", "temporary", "unknown"; static. */
const char *bounce_class_id(enum bounce_class class_);

/* "user-unknown" ... "other"; static. */
const char *bounce_reason_id(enum bounce_reason reason);

/* The class or reason called id, or false when there is none. */
bool bounce_class_from_id(const char *id, enum bounce_class *out);
bool bounce_reason_from_id(const char *id, enum bounce_reason *out);

/* What the rules say about one reason (every reason has one). */
struct bounce_reason_info {
	char *title;		/* short Japanese name */
	char *explanation;	/* one paragraph, Japanese, plain text */
	bool hard;		/* the address does not exist (hard bounce) */
	enum bounce_class class_;	/* when no code tells: or UNKNOWN */
	char *article_url;	/* the section that explains it (site URL
				 * with #heading), or NULL */
	char *article_title;	/* "article title: heading", or NULL */
	/* The recorded walk for each class: "<tree>/<node>" and the
	 * answers that reach it ("a=b&c=d", "" for none); NULL when the
	 * rules give none for that class. */
	char *wizard_step[BOUNCE_CLASS_COUNT];
	char *wizard_answers[BOUNCE_CLASS_COUNT];
	unsigned line, col;	/* of its key (0 when read from kb.db) */
};

/* One rule: every condition given must hold; text holds when any of its
 * phrases occurs in the diagnostic (ASCII case folded, runs of spaces as
 * one). */
struct bounce_rule {
	char *status;		/* "5.1.1", "5.7.*", "*.2.2", or NULL */
	int reply;		/* 550, or 0 for any */
	char **texts;		/* phrases, or NULL */
	size_t text_count;
	char *receiver;		/* only for this receiver, or NULL */
	enum bounce_reason reason;
	enum bounce_class class_;	/* when no code tells: or UNKNOWN */
	unsigned line, col;
};

/* A receiving provider: told by host name suffixes (Remote-MTA, hosts
 * named in the diagnostic, the recipient's domain) or by phrases. */
struct bounce_receiver {
	char *name;
	char **hosts;
	size_t host_count;
	char **texts;
	size_t text_count;
	unsigned line, col;
};

struct bounce_rules {
	char *class_names[BOUNCE_CLASS_COUNT];	/* the service's names */
	char *hard_note, *soft_note;	/* what hard/soft means for the list */
	struct bounce_reason_info reasons[BOUNCE_REASON_COUNT];
	struct bounce_rule *rules;
	size_t rule_count;
	struct bounce_receiver *receivers;
	size_t receiver_count;
};

/* Frees everything the rules hold and zeroes them. */
void bounce_rules_free(struct bounce_rules *rules);

/* What the rest of the site tells the loader: where an article link
 * points and whether a walk is valid. Any callback may be NULL (unit
 * tests, the fuzzer), which skips that check. */
struct bounce_context {
	/* The URL and "title: heading" of a link written in the rules file
	 * (content/x.md#heading); NULL with *error set (caller frees both)
	 * when it points nowhere. */
	char *(*resolve_article)(void *user, const char *link, char **title,
				 char **error);
	/* Walks answers ("node=option", count of them) in tree from its
	 * start; returns the node reached as "<tree>/<node>" (caller frees),
	 * or NULL with *error set (caller frees) naming the first answer
	 * that does not apply, *bad_answer its index (count when the tree
	 * is unknown). */
	char *(*walk)(void *user, const char *tree, const char *const *answers,
		      size_t count, size_t *bad_answer, char **error);
	void *user;
};

/*
 * Loads root/BOUNCE_RULES_FILE into *out and checks it; diagnostics name
 * BOUNCE_RULES_FILE. A missing file is no rules (returns 1, *out empty);
 * otherwise returns 0 and fills *out (free with bounce_rules_free), valid
 * only when no error was reported. Errors: unknown fields, wrong types,
 * missing fields, an unknown reason or class, a reason of the list
 * without its entry, a malformed status or reply, a rule without a
 * condition, a rule no text can reach because an earlier one matches all
 * it matches, a receiver a rule names that is not listed, an article or
 * walk that points nowhere, a sample whose result differs from what it
 * expects.
 */
int bounce_rules_load(const char *root, const struct bounce_context *context,
		      struct bounce_rules *out);

/* bounce_rules_load on text already read (the fuzzer and the tests). */
void bounce_rules_parse(const char *text, size_t length, const char *path,
			const struct bounce_context *context,
			struct bounce_rules *out);

/* One recipient's result. Offsets count bytes of diagnostic. */
struct bounce_result {
	char *recipient;	/* the address, or NULL */
	enum bounce_class class_;
	enum bounce_reason reason;
	bool hard;
	const char *receiver;	/* borrowed from the rules, or NULL */
	char status[16];	/* "5.1.1", or "" */
	int reply;		/* 550, or 0 */
	char *diagnostic;	/* spaces collapsed, or NULL */
	bool marked;		/* diagnostic[mark_start, mark_end) decided */
	size_t mark_start, mark_end;
	size_t rule;		/* index of the rule that matched, or
				 * (size_t)-1 */
};

struct bounce_report {
	struct bounce_result *results;
	size_t count;
};

/* Reads text (at most BOUNCE_MAX_INPUT bytes of it) with rules into
 * *report (caller frees with bounce_report_free). Returns the number of
 * results: 0 when the text holds no bounce. */
size_t bounce_analyze(const struct bounce_rules *rules, const char *text,
		      size_t length, struct bounce_report *report);

void bounce_report_free(struct bounce_report *report);

/* The report as JSON, {"results": [...]} with the keys of README.md's
 * "The bounce analyzer" and no trailing newline; diagnostic is
 * {"text", "match": [start, end]} in code points, or null. The walk
 * links as bounce_wizard_url makes them. Appends to out. */
struct buf;
void bounce_report_json(const struct bounce_rules *rules,
			const struct bounce_report *report,
			const char *cgi_base, const char *static_base,
			struct buf *out);

/* The walk link of a result: cgi_base + "/wizard/" + step + "?" +
 * answers, or without cgi_base the static step page "/wizard/<step>/"
 * prefixed by static_base (may be "" or NULL). NULL when the reason has
 * no walk for that class. The caller frees. */
char *bounce_wizard_url(const struct bounce_rules *rules,
			const struct bounce_result *result,
			const char *cgi_base, const char *static_base);

#endif
