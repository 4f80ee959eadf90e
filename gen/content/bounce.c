/*
 * bounce.c — reading a bounce into results (bounce.h): finding the
 * recipients and their diagnostics (DSN groups, paragraphs of text, CSV
 * rows), masking, codes, and the rules applied in order. Every scan is a
 * single pass over its text; the rules are tried once per recipient.
 */
#include "content/bounce.h"

#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/util.h"
#include "content/bouncemime.h"

static const char *const class_ids[BOUNCE_CLASS_COUNT] = {
	"unknown", "permanent", "temporary",
};

static const char *const reason_ids[BOUNCE_REASON_COUNT] = {
	"user-unknown", "host-unknown", "mailbox-full", "blocked",
	"spam-detected", "authentication", "policy", "rate-limited",
	"content-rejected", "message-too-big", "expired", "suspended",
	"network-error", "mailer-error", "other",
};

const char *bounce_class_id(enum bounce_class class_)
{
	return class_ < BOUNCE_CLASS_COUNT ? class_ids[class_] : "unknown";
}

const char *bounce_reason_id(enum bounce_reason reason)
{
	return reason < BOUNCE_REASON_COUNT ? reason_ids[reason] : "other";
}

bool bounce_class_from_id(const char *id, enum bounce_class *out)
{
	for (int i = 0; i < BOUNCE_CLASS_COUNT; i++)
		if (id != NULL && strcmp(id, class_ids[i]) == 0) {
			*out = (enum bounce_class)i;
			return true;
		}
	return false;
}

bool bounce_reason_from_id(const char *id, enum bounce_reason *out)
{
	for (int i = 0; i < BOUNCE_REASON_COUNT; i++)
		if (id != NULL && strcmp(id, reason_ids[i]) == 0) {
			*out = (enum bounce_reason)i;
			return true;
		}
	return false;
}

static void free_strings(char **strings, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(strings[i]);
	free(strings);
}

void bounce_rules_free(struct bounce_rules *rules)
{
	for (int i = 0; i < BOUNCE_CLASS_COUNT; i++)
		free(rules->class_names[i]);
	free(rules->hard_note);
	free(rules->soft_note);
	for (int i = 0; i < BOUNCE_REASON_COUNT; i++) {
		struct bounce_reason_info *info = &rules->reasons[i];
		free(info->title);
		free(info->explanation);
		free(info->article_url);
		free(info->article_title);
		for (int k = 0; k < BOUNCE_CLASS_COUNT; k++) {
			free(info->wizard_step[k]);
			free(info->wizard_answers[k]);
		}
	}
	for (size_t i = 0; i < rules->rule_count; i++) {
		free(rules->rules[i].status);
		free_strings(rules->rules[i].texts, rules->rules[i].text_count);
		free(rules->rules[i].receiver);
	}
	free(rules->rules);
	for (size_t i = 0; i < rules->receiver_count; i++) {
		free(rules->receivers[i].name);
		free_strings(rules->receivers[i].hosts,
			     rules->receivers[i].host_count);
		free_strings(rules->receivers[i].texts,
			     rules->receivers[i].text_count);
	}
	free(rules->receivers);
	memset(rules, 0, sizeof *rules);
}

/* ---- characters --------------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static bool is_local_char(char c)
{
	return is_alnum(c) || (c != '\0' && strchr(".!#$%&'*+/=?^_`{|}~-", c));
}

static bool is_domain_char(char c)
{
	return is_alnum(c) || c == '.' || c == '-';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ---- addresses and hosts ------------------------------------------------------ */

/* The mail address around the '@' at text[at]: *start and *end, true
 * when it is one (a local part, a domain with a dot). */
static bool address_at(const char *text, size_t length, size_t at,
		       size_t *start, size_t *end)
{
	size_t s = at, e = at + 1;
	bool dot = false;

	while (s > 0 && is_local_char(text[s - 1]))
		s--;
	while (s < at && text[s] == '.')
		s++;
	while (e < length && is_domain_char(text[e])) {
		if (text[e] == '.')
			dot = true;
		e++;
	}
	while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-'))
		e--;
	if (s == at || e == at + 1 || !dot || text[e - 1] == '.')
		return false;
	/* a dot inside the domain, not just a trailing one */
	dot = false;
	for (size_t i = at + 1; i < e; i++)
		if (text[i] == '.')
			dot = true;
	if (!dot)
		return false;
	*start = s;
	*end = e;
	return true;
}

/* A domain-like token (letters, digits, dots, hyphens; a dot and a
 * letter in its last label) starting at text[i]; its end, or i. */
static size_t host_at(const char *text, size_t length, size_t i)
{
	size_t e = i, last_dot = 0;
	bool letter = false;

	if (i > 0 && (is_domain_char(text[i - 1]) || text[i - 1] == '@'))
		return i;
	while (e < length && is_domain_char(text[e])) {
		if (text[e] == '.')
			last_dot = e;
		e++;
	}
	while (e > i && (text[e - 1] == '.' || text[e - 1] == '-'))
		e--;
	if (e < length && text[e] == '@')
		return i;
	if (last_dot <= i || last_dot >= e)
		return i;
	for (size_t k = last_dot + 1; k < e; k++)
		if ((text[k] >= 'a' && text[k] <= 'z') ||
		    (text[k] >= 'A' && text[k] <= 'Z'))
			letter = true;
	return letter ? e : i;
}

/* True when host is suffix or ends with "." suffix (case-insensitive). */
static bool host_matches(const char *host, size_t length, const char *suffix)
{
	size_t n = strlen(suffix);

	if (n > length)
		return false;
	if (strncasecmp(host + length - n, suffix, n) != 0)
		return false;
	return n == length || host[length - n - 1] == '.';
}

/* ---- masking ---------------------------------------------------------------------- */

/* A copy of text where what only looks like a code is blanked with 'x':
 * IPv4 addresses (192.0.2.155 would otherwise read as status 2.155...),
 * mail addresses, host names, dates and times. Same length, so an offset
 * into the copy is an offset into text. The caller frees. */
static char *mask(const char *text, size_t length)
{
	char *masked = xstrndup(text, length);
	size_t i = 0;

	while (i < length) {
		size_t start, end;
		char c = masked[i];

		if (c == '@' && address_at(text, length, i, &start, &end)) {
			memset(masked + start, 'x', end - start);
			i = end;
			continue;
		}
		if (is_digit(c) && (i == 0 || !is_alnum(text[i - 1]))) {
			/* a run of digits and separators: an IPv4 address
			 * (4 numbers, 3 dots), a date or a time */
			size_t e = i, dots = 0, colons = 0, dashes = 0, slashes = 0;
			while (e < length && (is_digit(text[e]) || text[e] == '.' ||
					      text[e] == ':' || text[e] == '-' ||
					      text[e] == '/')) {
				dots += text[e] == '.';
				colons += text[e] == ':';
				dashes += text[e] == '-';
				slashes += text[e] == '/';
				e++;
			}
			while (e > i && !is_digit(text[e - 1]))
				e--;
			/* only the separators between digits count ("554:" is
			 * a reply, "10:15" a time) */
			dots = colons = dashes = slashes = 0;
			for (size_t k = i; k < e; k++) {
				dots += text[k] == '.';
				colons += text[k] == ':';
				dashes += text[k] == '-';
				slashes += text[k] == '/';
			}
			if (dots >= 3 || colons >= 1 || dashes >= 2 ||
			    slashes >= 2) {
				memset(masked + i, 'x', e - i);
				i = e;
				continue;
			}
		}
		if (is_alnum(c)) {
			size_t e = host_at(text, length, i);
			if (e > i) {
				memset(masked + i, 'x', e - i);
				i = e;
				continue;
			}
			while (i < length && is_alnum(text[i]))
				i++;
			continue;
		}
		i++;
	}
	return masked;
}

/* ---- codes ------------------------------------------------------------------------- */

/* An enhanced status code (RFC 3463) at masked[i]: class 4 or 5 (2 is
 * success, no bounce), subject and detail of 1 to 3 digits, standing
 * alone. Its length, or 0. */
static size_t status_at(const char *masked, size_t length, size_t i)
{
	size_t e = i + 1, digits;

	if (masked[i] != '4' && masked[i] != '5')
		return 0;
	/* "550-5.1.1" (a multi-line reply) is the one '-' a status follows */
	if (i > 0 && masked[i - 1] == '-' &&
	    !(i >= 4 && is_digit(masked[i - 2]) && is_digit(masked[i - 3]) &&
	      is_digit(masked[i - 4]) && (i == 4 || !is_alnum(masked[i - 5]))))
		return 0;
	if (i > 0 && (is_alnum(masked[i - 1]) || masked[i - 1] == '.' ||
		      masked[i - 1] == '_'))
		return 0;
	for (int part = 0; part < 2; part++) {
		if (e >= length || masked[e] != '.')
			return 0;
		e++;
		digits = 0;
		while (e < length && is_digit(masked[e]) && digits < 4) {
			e++;
			digits++;
		}
		if (digits == 0 || digits > 3)
			return 0;
	}
	if (e < length && (is_alnum(masked[e]) ||
			   (masked[e] == '.' && e + 1 < length &&
			    is_alnum(masked[e + 1]))))
		return 0;
	return e - i;
}

/* A reply code (RFC 5321) at masked[i]: 4xx or 5xx where a reply
 * starts, at the start of a line or after ':', ';', a quote, a bracket,
 * '#' or '=' (so "exceeded 500 recipients" is no reply), and followed by
 * a space, '-', ':', a closing bracket or the end. */
static bool reply_at(const char *masked, size_t length, size_t i)
{
	size_t p = i;

	if ((masked[i] != '4' && masked[i] != '5') || i + 3 > length ||
	    !is_digit(masked[i + 1]) || !is_digit(masked[i + 2]))
		return false;
	if (i + 3 < length && !strchr(" \t\n-:,.)]'\"", masked[i + 3]))
		return false;
	if (i + 3 < length && masked[i + 3] == '.' && i + 4 < length &&
	    is_digit(masked[i + 4]))
		return false;
	while (p > 0 && (masked[p - 1] == ' ' || masked[p - 1] == '\t'))
		p--;
	return p == 0 || strchr("\n:;'\"(<[#=>", masked[p - 1]) != NULL;
}

struct codes {
	char status[16];
	size_t status_at;	/* offset in the text scanned, or SIZE_MAX */
	int reply;
	size_t reply_at;
};

/* The first reply and the first status of masked (and the text it masks,
 * for copying the digits). */
static void find_codes(const char *masked, size_t length, struct codes *out)
{
	memset(out, 0, sizeof *out);
	out->status_at = SIZE_MAX;
	out->reply_at = SIZE_MAX;
	for (size_t i = 0; i < length; i++) {
		if (out->reply == 0 && reply_at(masked, length, i)) {
			out->reply = (masked[i] - '0') * 100 +
				     (masked[i + 1] - '0') * 10 + masked[i + 2] - '0';
			out->reply_at = i;
		}
		if (out->status_at == SIZE_MAX) {
			size_t n = status_at(masked, length, i);
			if (n > 0 && n < sizeof out->status) {
				memcpy(out->status, masked + i, n);
				out->status[n] = '\0';
				out->status_at = i;
			}
		}
		if (out->reply != 0 && out->status_at != SIZE_MAX)
			break;
	}
}

/* ---- findings ------------------------------------------------------------------------ */

/* What was read about one recipient before the rules are applied. */
struct finding {
	char *recipient;	/* or NULL */
	char *diagnostic;	/* collapsed, or NULL */
	char status[16];	/* from the DSN's Status field, or the text */
	int reply;
	char *remote_host;	/* Remote-MTA, or NULL */
	char *reporting_host;	/* the DSN's Reporting-MTA, or NULL */
	char *context;		/* the paragraph it was read from (hosts) */
	enum bounce_class hint;	/* the CSV's error type, or DSN "delayed" */
	bool from_dsn, coded, worded;
	bool class_named;	/* a CSV row names its error type */
};

struct reading {
	const struct bounce_rules *rules;
	struct finding *items;
	size_t count, capacity;
	char **ignored;		/* the bounce's own addresses */
	size_t ignored_count, ignored_capacity;
	bool bounce_headers;	/* From/Subject of a bounce */
	bool short_text;	/* a few lines: a copied diagnostic */
};

static void finding_free(struct finding *finding)
{
	free(finding->recipient);
	free(finding->diagnostic);
	free(finding->remote_host);
	free(finding->reporting_host);
	free(finding->context);
}

static struct finding *finding_add(struct reading *reading)
{
	struct finding *finding;

	if (reading->count == BOUNCE_MAX_RESULTS)
		return NULL;
	reading->items = xgrow(reading->items, &reading->capacity,
			       reading->count + 1, sizeof *reading->items);
	finding = &reading->items[reading->count++];
	memset(finding, 0, sizeof *finding);
	return finding;
}

static struct finding *finding_for(struct reading *reading,
				   const char *recipient)
{
	for (size_t i = 0; i < reading->count; i++) {
		const char *r = reading->items[i].recipient;
		if ((r == NULL) == (recipient == NULL) &&
		    (r == NULL || strcasecmp(r, recipient) == 0))
			return &reading->items[i];
	}
	return NULL;
}

/* text with runs of white space as one space, trimmed, at most max
 * bytes (cut at a character boundary). The caller frees. */
static char *collapse(const char *text, size_t length, size_t max)
{
	struct buf out = {0};
	bool space = false;

	for (size_t i = 0; i < length && out.length < max; i++) {
		char c = text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = out.length > 0;
			continue;
		}
		if (space)
			buf_addc(&out, ' ');
		space = false;
		buf_addc(&out, c);
	}
	while (out.length > 0 && ((unsigned char)out.data[out.length - 1] & 0xC0) == 0x80 &&
	       !utf8_valid(out.data, out.length, NULL))
		out.length--;
	if (out.length > 0 && !utf8_valid(out.data, out.length, NULL))
		out.length--;
	if (out.data != NULL)
		out.data[out.length] = '\0';
	return buf_detach(&out);
}

static bool ignored(const struct reading *reading, const char *address,
		    size_t length)
{
	static const char *const system_names[] = {
		"mailer-daemon@", "postmaster@", "mail-daemon@",
		"no-reply@", "noreply@", NULL,
	};

	for (size_t i = 0; system_names[i]; i++)
		if (length > strlen(system_names[i]) &&
		    strncasecmp(address, system_names[i], strlen(system_names[i])) == 0)
			return true;
	for (size_t i = 0; i < reading->ignored_count; i++)
		if (strlen(reading->ignored[i]) == length &&
		    strncasecmp(reading->ignored[i], address, length) == 0)
			return true;
	return false;
}

static void ignore_addresses_in(struct reading *reading, const char *value)
{
	size_t length = value ? strlen(value) : 0;

	for (size_t i = 0; i < length; i++) {
		size_t start, end;
		if (value[i] == '@' && address_at(value, length, i, &start, &end) &&
		    reading->ignored_count < 16) {
			reading->ignored = xgrow(reading->ignored,
						 &reading->ignored_capacity,
						 reading->ignored_count + 1,
						 sizeof *reading->ignored);
			reading->ignored[reading->ignored_count++] =
				xstrndup(value + start, end - start);
			i = end;
		}
	}
}

/* The rule phrases (text conditions) that occur in folded, the first
 * such rule's index, or SIZE_MAX. */
static bool phrase_in(const char *folded, const char *phrase, size_t *at)
{
	const char *hit = strstr(folded, phrase);

	if (hit == NULL)
		return false;
	if (at != NULL)
		*at = (size_t)(hit - folded);
	return true;
}

static char *fold(const char *text)
{
	char *folded = xstrdup(text);

	for (char *c = folded; *c; c++)
		*c = lower(*c);
	return folded;
}

static bool any_wording(const struct bounce_rules *rules, const char *folded)
{
	for (size_t i = 0; i < rules->rule_count; i++)
		for (size_t k = 0; k < rules->rules[i].text_count; k++)
			if (phrase_in(folded, rules->rules[i].texts[k], NULL))
				return true;
	return false;
}

/* ---- DSN groups ------------------------------------------------------------------------ */

/* The part of a DSN field after "type;" ("rfc822; a@b" → "a@b"),
 * without angle brackets. The caller frees. */
static char *typed_value(const char *value)
{
	const char *semicolon;
	char *copy;
	size_t length;

	if (value == NULL)
		return NULL;
	semicolon = strchr(value, ';');
	if (semicolon != NULL)
		value = semicolon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	length = strlen(value);
	while (length > 0 && value[length - 1] == ' ')
		length--;
	if (length >= 2 && value[0] == '<' && value[length - 1] == '>') {
		value++;
		length -= 2;
	}
	copy = xstrndup(value, length);
	return copy;
}

static void read_dsn_group(struct reading *reading,
			   const struct mime_headers *group, const char *reporting)
{
	const char *recipient = mime_header(group, "Final-Recipient");
	const char *action = mime_header(group, "Action");
	const char *status = mime_header(group, "Status");
	const char *diagnostic = mime_header(group, "Diagnostic-Code");
	struct finding *finding;

	if (recipient == NULL)
		recipient = mime_header(group, "Original-Recipient");
	if (recipient == NULL && status == NULL)
		return;		/* the per-message fields */
	if (action != NULL && (strncasecmp(action, "delivered", 9) == 0 ||
			       strncasecmp(action, "relayed", 7) == 0 ||
			       strncasecmp(action, "expanded", 8) == 0))
		return;
	finding = finding_add(reading);
	if (finding == NULL)
		return;
	finding->from_dsn = true;
	finding->recipient = typed_value(recipient);
	if (finding->recipient != NULL && *finding->recipient == '\0') {
		free(finding->recipient);
		finding->recipient = NULL;
	}
	if (status != NULL) {
		char *masked = mask(status, strlen(status));
		struct codes codes;
		find_codes(masked, strlen(masked), &codes);
		if (codes.status_at != SIZE_MAX)
			memcpy(finding->status, codes.status, sizeof codes.status);
		free(masked);
	}
	if (diagnostic != NULL) {
		char *value = typed_value(diagnostic);
		finding->diagnostic = collapse(value, strlen(value), 2000);
		free(value);
	}
	if (action != NULL && strncasecmp(action, "delayed", 7) == 0)
		finding->hint = BOUNCE_CLASS_TEMPORARY;
	finding->remote_host = typed_value(mime_header(group, "Remote-MTA"));
	finding->reporting_host = reporting ? xstrdup(reporting) : NULL;
	finding->coded = finding->status[0] != '\0';
}

static void read_dsn(struct reading *reading, const char *text, size_t length)
{
	size_t at = 0;
	char *reporting = NULL;

	while (at < length) {
		struct mime_headers group;
		size_t used;

		while (at < length && (text[at] == '\n' || text[at] == ' '))
			at++;
		if (at >= length)
			break;
		used = mime_parse_headers(text + at, length - at, &group);
		if (group.count == 0) {	/* a line that is no field */
			const char *nl = memchr(text + at, '\n', length - at);
			used = nl ? (size_t)(nl - (text + at)) + 1 : length - at;
		}
		if (reporting == NULL && mime_header(&group, "Reporting-MTA"))
			reporting = typed_value(mime_header(&group, "Reporting-MTA"));
		read_dsn_group(reading, &group, reporting);
		mime_headers_free(&group);
		at += used;
	}
	free(reporting);
}

/* ---- text ------------------------------------------------------------------------------- */

/* Lines after which a non-MIME bounce quotes the returned message. */
static bool original_marker(const char *line, size_t length)
{
	static const char *const markers[] = {
		"------ This is a copy of the message",
		"--- Below this line is a copy of the message",
		"----- Original message -----",
		"------- Original Message -------",
		"--- Original message follows",
		"Original message follows",
		"----- Transcript of session follows -----",
		"------ 元のメッセージ",
		"---- 元のメッセージ",
		NULL,
	};

	while (length > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		length--;
	}
	for (size_t i = 0; markers[i]; i++)
		if (length >= strlen(markers[i]) &&
		    strncasecmp(line, markers[i], strlen(markers[i])) == 0)
			return true;
	return false;
}

/* The diagnostic of a paragraph: from its first code on (what the
 * receiver said; "host x said:" and the like before it dropped), or the
 * whole paragraph when it has none, collapsed; qmail's "Giving up on"
 * trailer cut. */
static char *paragraph_diagnostic(const char *text, size_t length,
				  const struct codes *codes)
{
	size_t from = codes->reply_at < codes->status_at ? codes->reply_at
							 : codes->status_at;
	char *diagnostic;
	char *trailer;

	if (from == SIZE_MAX)
		from = 0;
	diagnostic = collapse(text + from, length - from, 2000);
	trailer = strstr(diagnostic, " Giving up on ");
	if (trailer != NULL)
		*trailer = '\0';
	return diagnostic;
}

struct pending {
	char *addresses[8];
	size_t count;
};

static void pending_clear(struct pending *pending)
{
	for (size_t i = 0; i < pending->count; i++)
		free(pending->addresses[i]);
	pending->count = 0;
}

/* Gives a paragraph with a code or a wording to its recipients: those it
 * names, else those the paragraphs before it named; a code upgrades a
 * recipient read before without one. */
static void read_paragraph(struct reading *reading, const char *text,
			   size_t length, struct pending *pending)
{
	char *masked = mask(text, length);
	char *collapsed = collapse(text, length, 4000);
	char *folded = fold(collapsed);
	struct codes codes;
	bool worded = any_wording(reading->rules, folded);
	struct pending named = {{0}, 0};
	struct pending *targets;

	find_codes(masked, length, &codes);
	for (size_t i = 0; i < length; i++) {
		size_t start, end;
		if (text[i] == '@' && address_at(text, length, i, &start, &end)) {
			bool seen = false;
			if (!ignored(reading, text + start, end - start)) {
				for (size_t k = 0; k < named.count; k++)
					if (strlen(named.addresses[k]) == end - start &&
					    strncasecmp(named.addresses[k], text + start,
							end - start) == 0)
						seen = true;
				if (!seen && named.count < 8)
					named.addresses[named.count++] =
						xstrndup(text + start, end - start);
			}
			i = end;
		}
	}
	if (codes.reply == 0 && codes.status_at == SIZE_MAX && !worded) {
		for (size_t k = 0; k < named.count; k++) {
			if (pending->count < 8)
				pending->addresses[pending->count++] = named.addresses[k];
			else
				free(named.addresses[k]);	/* kept no further */
		}
		named.count = 0;
		goto out;
	}
	targets = named.count > 0 ? &named : pending;
	if (targets->count == 0) {	/* no address: the last one read */
		struct finding *last = reading->count > 0
					       ? &reading->items[reading->count - 1]
					       : NULL;
		if (last == NULL || (last->coded && !last->from_dsn)) {
			last = finding_add(reading);
		} else if (last->coded || (!codes.reply && codes.status_at == SIZE_MAX)) {
			goto out;
		}
		if (last == NULL)
			goto out;
		free(last->diagnostic);
		free(last->context);
		last->diagnostic = paragraph_diagnostic(text, length, &codes);
		last->context = xstrdup(collapsed);
		last->coded = codes.reply != 0 || codes.status_at != SIZE_MAX;
		last->worded = worded;
		goto out;
	}
	for (size_t k = 0; k < targets->count; k++) {
		struct finding *finding = finding_for(reading, targets->addresses[k]);
		bool coded = codes.reply != 0 || codes.status_at != SIZE_MAX;
		if (finding != NULL && (finding->coded || !coded) &&
		    finding->diagnostic != NULL)
			continue;
		if (finding == NULL) {
			finding = finding_add(reading);
			if (finding == NULL)
				break;
			finding->recipient = xstrdup(targets->addresses[k]);
		}
		free(finding->diagnostic);
		free(finding->context);
		finding->diagnostic = paragraph_diagnostic(text, length, &codes);
		finding->context = xstrdup(collapsed);
		finding->coded = finding->coded || coded;
		finding->worded = worded;
	}
	pending_clear(pending);
out:
	pending_clear(&named);
	free(folded);
	free(collapsed);
	free(masked);
}

/* Paragraphs (split at blank lines) up to the quoted original. */
static void read_text(struct reading *reading, const char *text, size_t length)
{
	struct pending pending = {{0}, 0};
	size_t i = 0, start = 0;

	while (i <= length) {
		const char *nl = i < length ? memchr(text + i, '\n', length - i) : NULL;
		size_t end = nl ? (size_t)(nl - text) : length;
		bool blank = true;

		for (size_t k = i; k < end; k++)
			if (text[k] != ' ' && text[k] != '\t' && text[k] != '\r')
				blank = false;
		if (original_marker(text + i, end - i)) {
			if (i > start)
				read_paragraph(reading, text + start, i - start, &pending);
			start = length;
			break;
		}
		if (blank || end == length) {
			size_t stop = blank ? i : end;
			if (stop > start)
				read_paragraph(reading, text + start, stop - start,
					       &pending);
			start = end + 1;
		}
		if (end == length)
			break;
		i = end + 1;
	}
	pending_clear(&pending);
}

/* ---- CSV rows ---------------------------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quotes) into at most max fields. */
static size_t csv_fields(const char *line, size_t length, char **fields,
			 size_t max)
{
	size_t count = 0, i = 0;

	while (i <= length && count < max) {
		struct buf field = {0};
		if (i < length && line[i] == '"') {
			i++;
			while (i < length) {
				if (line[i] == '"' && i + 1 < length && line[i + 1] == '"') {
					buf_addc(&field, '"');
					i += 2;
				} else if (line[i] == '"') {
					i++;
					break;
				} else {
					buf_addc(&field, line[i++]);
				}
			}
			while (i < length && line[i] != ',')
				i++;
		} else {
			while (i < length && line[i] != ',')
				buf_addc(&field, line[i++]);
		}
		fields[count++] = buf_detach(&field);
		i++;
	}
	return count;
}

/* True when field is one mail address and nothing else. */
static bool whole_address(const char *field)
{
	size_t length = strlen(field), start, end;
	const char *at = strchr(field, '@');

	while (length > 0 && field[length - 1] == ' ')
		length--;
	while (*field == ' ') {
		field++;
		length--;
	}
	if (at == NULL || length == 0)
		return false;
	return address_at(field, length, (size_t)(at - field), &start, &end) &&
	       start == 0 && end == length;
}

/* Reads text as rows of the error report's CSV when every non-empty line
 * has three fields or more, one of them a whole address (a header line
 * first is skipped). False when it is no such text. */
static bool read_csv(struct reading *reading, const char *text, size_t length)
{
	size_t i = 0, rows = 0;
	bool all = true;

	for (int pass = 0; pass < 2 && all; pass++) {
		i = 0;
		rows = 0;
		while (i < length) {
			const char *nl = memchr(text + i, '\n', length - i);
			size_t end = nl ? (size_t)(nl - text) : length;
			char *fields[16];
			size_t count = end > i ? csv_fields(text + i, end - i, fields, 16) : 0;
			size_t address = SIZE_MAX, best = SIZE_MAX;
			struct codes best_codes = {"", SIZE_MAX, 0, SIZE_MAX};
			enum bounce_class hint = BOUNCE_CLASS_UNKNOWN;
			bool named_class = false;

			for (size_t k = 0; k < count; k++) {
				char *masked = mask(fields[k], strlen(fields[k]));
				struct codes codes;
				enum bounce_class named;
				if (address == SIZE_MAX && whole_address(fields[k])) {
					address = k;
					free(masked);
					continue;
				}
				find_codes(masked, strlen(masked), &codes);
				if (best == SIZE_MAX && (codes.reply || codes.status_at != SIZE_MAX)) {
					best = k;
					best_codes = codes;
				}
				for (int c = 0; c < BOUNCE_CLASS_COUNT; c++)
					if (reading->rules->class_names[c] &&
					    strcmp(fields[k], reading->rules->class_names[c]) == 0)
						named = (enum bounce_class)c, hint = named,
						named_class = true;
				free(masked);
			}
			if (count > 0 && count < 3)
				all = false;
			else if (count >= 3 && address == SIZE_MAX && rows > 0)
				all = false;
			if (pass == 1 && address != SIZE_MAX) {
				struct finding *finding = finding_add(reading);
				if (best == SIZE_MAX)	/* a wording, then */
					for (size_t k = 0; k < count; k++) {
						char *folded = fold(fields[k]);
						if (k != address && any_wording(reading->rules, folded))
							best = k;
						free(folded);
						if (best != SIZE_MAX)
							break;
					}
				if (finding != NULL) {
					finding->recipient = collapse(fields[address],
								      strlen(fields[address]), 320);
					if (best != SIZE_MAX) {
						finding->diagnostic = paragraph_diagnostic(
							fields[best], strlen(fields[best]),
							&best_codes);
						finding->context = collapse(fields[best],
									    strlen(fields[best]), 4000);
					}
					finding->coded = best_codes.reply != 0 ||
							 best_codes.status_at != SIZE_MAX;
					finding->worded = best != SIZE_MAX;
					finding->hint = hint;
					finding->class_named = named_class;
				}
			}
			if (address != SIZE_MAX)
				rows++;
			for (size_t k = 0; k < count; k++)
				free(fields[k]);
			if (end == length)
				break;
			i = end + 1;
		}
		if (rows == 0)
			all = false;
	}
	return all;
}

/* ---- classifying ---------------------------------------------------------------------- */

/* True when pattern ("5.7.*") matches status ("5.7.1"). */
static bool status_matches(const char *pattern, const char *status)
{
	while (*pattern && *status) {
		size_t p = strcspn(pattern, "."), s = strcspn(status, ".");
		if (!(p == 1 && *pattern == '*') &&
		    (p != s || strncmp(pattern, status, p) != 0))
			return false;
		pattern += p;
		status += s;
		if (*pattern != *status)
			return false;
		if (*pattern == '.') {
			pattern++;
			status++;
		}
	}
	return *pattern == '\0' && *status == '\0';
}

/* Where code occurs in text standing alone (not inside a longer number
 * or an address), or SIZE_MAX. */
static size_t code_in(const char *text, const char *code)
{
	size_t n = strlen(code);
	const char *hit = text;

	while ((hit = strstr(hit, code)) != NULL) {
		bool before = hit == text || (!is_alnum(hit[-1]) && hit[-1] != '.');
		bool after = !is_alnum(hit[n]) && !(hit[n] == '.' && is_digit(hit[n + 1]));
		if (before && after)
			return (size_t)(hit - text);
		hit++;
	}
	return SIZE_MAX;
}

static const char *find_receiver(const struct bounce_rules *rules,
				 const struct finding *finding,
				 const char *folded)
{
	const char *context = finding->context ? finding->context : "";
	size_t length = strlen(context);

	/* Remote-MTA first: the receiving host itself */
	if (finding->remote_host != NULL)
		for (size_t r = 0; r < rules->receiver_count; r++)
			for (size_t h = 0; h < rules->receivers[r].host_count; h++)
				if (host_matches(finding->remote_host,
						 strlen(finding->remote_host),
						 rules->receivers[r].hosts[h]))
					return rules->receivers[r].name;
	/* then the hosts the text names (host x said, Generating server) */
	for (size_t i = 0; i < length; i++) {
		size_t end = host_at(context, length, i);
		if (end == i)
			continue;
		if (i >= 3 && memcmp(context + i - 3, "://", 3) == 0) {
			i = end;	/* a help page's URL, not a mail host */
			continue;
		}
		for (size_t r = 0; r < rules->receiver_count; r++)
			for (size_t h = 0; h < rules->receivers[r].host_count; h++)
				if (host_matches(context + i, end - i,
						 rules->receivers[r].hosts[h]))
					return rules->receivers[r].name;
		i = end;
	}
	/* then the wording */
	for (size_t r = 0; r < rules->receiver_count; r++)
		for (size_t t = 0; t < rules->receivers[r].text_count; t++)
			if (phrase_in(folded, rules->receivers[r].texts[t], NULL))
				return rules->receivers[r].name;
	/* the host that reported it, when it names no remote host (one that
	 * relayed to a Remote-MTA is the sending side) */
	if (finding->remote_host == NULL && finding->reporting_host != NULL)
		for (size_t r = 0; r < rules->receiver_count; r++)
			for (size_t h = 0; h < rules->receivers[r].host_count; h++)
				if (host_matches(finding->reporting_host,
						 strlen(finding->reporting_host),
						 rules->receivers[r].hosts[h]))
					return rules->receivers[r].name;
	/* last, the recipient's domain */
	if (finding->recipient != NULL && strchr(finding->recipient, '@')) {
		const char *domain = strrchr(finding->recipient, '@') + 1;
		for (size_t r = 0; r < rules->receiver_count; r++)
			for (size_t h = 0; h < rules->receivers[r].host_count; h++)
				if (host_matches(domain, strlen(domain),
						 rules->receivers[r].hosts[h]))
					return rules->receivers[r].name;
	}
	return NULL;
}

static void classify(const struct bounce_rules *rules, struct finding *finding,
		     struct bounce_result *result)
{
	char *folded = fold(finding->diagnostic ? finding->diagnostic : "");
	char *context_folded = fold(finding->context ? finding->context : "");
	size_t phrase_at = SIZE_MAX, phrase_length = 0;

	memset(result, 0, sizeof *result);
	result->rule = (size_t)-1;
	result->reason = BOUNCE_OTHER;
	result->recipient = finding->recipient;
	finding->recipient = NULL;
	result->diagnostic = finding->diagnostic;
	finding->diagnostic = NULL;
	memcpy(result->status, finding->status, sizeof result->status);
	if (result->diagnostic != NULL) {
		char *masked = mask(result->diagnostic, strlen(result->diagnostic));
		struct codes codes;
		find_codes(masked, strlen(masked), &codes);
		if (result->status[0] == '\0' && codes.status_at != SIZE_MAX)
			memcpy(result->status, codes.status, sizeof codes.status);
		result->reply = codes.reply;
		free(masked);
	}
	result->receiver = find_receiver(rules, finding, context_folded[0] ? context_folded : folded);
	for (size_t i = 0; i < rules->rule_count; i++) {
		const struct bounce_rule *rule = &rules->rules[i];
		bool text_ok = rule->text_count == 0;
		if (rule->status != NULL &&
		    (result->status[0] == '\0' ||
		     !status_matches(rule->status, result->status)))
			continue;
		if (rule->reply != 0 && rule->reply != result->reply)
			continue;
		if (rule->receiver != NULL &&
		    (result->receiver == NULL ||
		     strcmp(rule->receiver, result->receiver) != 0))
			continue;
		for (size_t k = 0; k < rule->text_count && !text_ok; k++)
			if (phrase_in(folded, rule->texts[k], &phrase_at)) {
				text_ok = true;
				phrase_length = strlen(rule->texts[k]);
			}
		if (!text_ok)
			continue;
		result->rule = i;
		result->reason = rule->reason;
		break;
	}
	/* the class: the code's first digit, else what the words say */
	if (result->status[0] == '5' || (result->status[0] == '\0' && result->reply / 100 == 5))
		result->class_ = BOUNCE_CLASS_PERMANENT;
	else if (result->status[0] == '4' || (result->status[0] == '\0' && result->reply / 100 == 4))
		result->class_ = BOUNCE_CLASS_TEMPORARY;
	else if (result->rule != (size_t)-1 &&
		 rules->rules[result->rule].class_ != BOUNCE_CLASS_UNKNOWN)
		result->class_ = rules->rules[result->rule].class_;
	else if (finding->hint != BOUNCE_CLASS_UNKNOWN)
		result->class_ = finding->hint;
	else if (result->rule != (size_t)-1)
		result->class_ = rules->reasons[result->reason].class_;
	result->hard = rules->reasons[result->reason].hard &&
		       result->class_ == BOUNCE_CLASS_PERMANENT;
	/* the part that decided, marked */
	if (result->diagnostic != NULL) {
		size_t at = SIZE_MAX, n = 0;
		const struct bounce_rule *rule = result->rule != (size_t)-1
							 ? &rules->rules[result->rule] : NULL;
		if (rule != NULL && rule->text_count > 0) {
			at = phrase_at;
			n = phrase_length;
		} else if (rule != NULL && rule->status != NULL) {
			at = code_in(result->diagnostic, result->status);
			n = strlen(result->status);
		} else if (rule != NULL && rule->reply != 0) {
			char reply[8];
			snprintf(reply, sizeof reply, "%d", result->reply);
			at = code_in(result->diagnostic, reply);
			n = 3;
		}
		if (at != SIZE_MAX) {
			result->marked = true;
			result->mark_start = at;
			result->mark_end = at + n;
		}
	}
	free(context_folded);
	free(folded);
}

/* ---- the whole text ------------------------------------------------------------------- */

/* CRLF as LF and a lone CR as LF, in place; the new length. */
static size_t drop_carriage_returns(char *text, size_t length)
{
	size_t n = 0;

	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\r' && i + 1 < length && text[i + 1] == '\n')
			continue;
		text[n++] = text[i] == '\r' ? '\n' : text[i];
	}
	text[n] = '\0';
	return n;
}

static bool bounce_like_headers(const struct mime_headers *headers)
{
	const char *from = mime_header(headers, "From");
	const char *subject = mime_header(headers, "Subject");
	static const char *const subjects[] = {
		"undeliver", "delivery status notification", "returned mail",
		"mail delivery failed", "failure notice", "delivery failure",
		"nondeliverable", "non-delivery", "delivery has failed",
		"could not be delivered", "mail system error", "エラー",
		"配信", "不達", NULL,
	};

	if (from != NULL && (strcasestr(from, "mailer-daemon") != NULL ||
			     strcasestr(from, "postmaster") != NULL ||
			     strcasestr(from, "mail delivery") != NULL))
		return true;
	for (size_t i = 0; subject != NULL && subjects[i]; i++)
		if (strcasestr(subject, subjects[i]) != NULL)
			return true;
	return false;
}

static bool auto_reply(const struct mime_headers *headers)
{
	const char *auto_submitted = mime_header(headers, "Auto-Submitted");
	const char *subject = mime_header(headers, "Subject");

	if (auto_submitted != NULL &&
	    strncasecmp(auto_submitted, "auto-replied", 12) == 0)
		return true;
	if (mime_header(headers, "X-Autoreply") != NULL ||
	    mime_header(headers, "X-Autorespond") != NULL)
		return true;
	return subject != NULL && (strncasecmp(subject, "Out of Office", 13) == 0 ||
				   strncasecmp(subject, "Automatic reply", 15) == 0 ||
				   strncasecmp(subject, "Auto:", 5) == 0 ||
				   strstr(subject, "自動応答") != NULL ||
				   strstr(subject, "不在") != NULL);
}

static bool starts_with_dsn_field(const char *text, size_t length)
{
	static const char *const fields[] = {
		"Reporting-MTA:", "Final-Recipient:", "Original-Recipient:",
		"Arrival-Date:", "Original-Envelope-Id:", NULL,
	};

	for (size_t i = 0; fields[i]; i++)
		if (length >= strlen(fields[i]) &&
		    strncasecmp(text, fields[i], strlen(fields[i])) == 0)
			return true;
	return false;
}

/* The DSN recipients that came without a diagnostic take one from the
 * text: a paragraph naming them with a code. */
static void fill_from_text(struct reading *reading, const struct reading *text)
{
	for (size_t i = 0; i < reading->count; i++) {
		struct finding *finding = &reading->items[i];
		const struct finding *said = finding->recipient
						     ? finding_for((struct reading *)text,
								   finding->recipient)
						     : (text->count == 1 ? &text->items[0] : NULL);
		if (said == NULL)
			continue;
		if (finding->diagnostic == NULL && said->diagnostic != NULL)
			finding->diagnostic = xstrdup(said->diagnostic);
		if (finding->context == NULL && said->context != NULL)
			finding->context = xstrdup(said->context);
	}
}

static size_t line_count(const char *text, size_t length)
{
	size_t lines = 0;
	bool content = false;

	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\n') {
			lines += content;
			content = false;
		} else if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r') {
			content = true;
		}
	}
	return lines + content;
}

/* Whether a finding is a bounce: a DSN group; a reply with a status; a
 * code or a wording the rules know in a bounce's envelope, a CSV row or
 * a copied line. Not a newsletter's "500 points" or "version 5.1.1". */
static bool evidence(const struct reading *reading, const struct finding *finding,
		     bool csv)
{
	char *masked;
	struct codes codes;
	bool strong = reading->bounce_headers || reading->short_text || csv;

	if (finding->from_dsn)
		return true;
	if (finding->diagnostic == NULL)
		return csv && finding->class_named;
	masked = mask(finding->diagnostic, strlen(finding->diagnostic));
	find_codes(masked, strlen(masked), &codes);
	free(masked);
	/* "550 5.1.1", "550-5.1.1": a reply and its status, as only an SMTP
	 * answer writes them */
	if (codes.reply != 0 && codes.status_at == codes.reply_at + 4)
		return true;
	return strong && (codes.reply != 0 || codes.status_at != SIZE_MAX ||
			  finding->worded);
}

size_t bounce_analyze(const struct bounce_rules *rules, const char *text,
		      size_t length, struct bounce_report *report)
{
	struct reading reading = {.rules = rules};
	struct reading said = {.rules = rules};
	struct mime_message message = {0};
	bool csv = false, skip = false;

	memset(report, 0, sizeof *report);
	if (length > BOUNCE_MAX_INPUT)
		length = BOUNCE_MAX_INPUT;
	while (length > 0 && (*text == '\n' || *text == '\r' || *text == ' ' ||
			      *text == '\t')) {
		text++;
		length--;
	}
	if (starts_with_dsn_field(text, length)) {
		size_t n;
		char *copy = mime_to_utf8(text, length, NULL, &n);
		message.parts = xcalloc(1, sizeof *message.parts);
		/* CRLF to LF as mime_parse does: a CR before LF dropped */
		n = drop_carriage_returns(copy, n);
		message.parts[0] = (struct mime_part){MIME_DELIVERY_STATUS, copy, n};
		message.part_count = 1;
	} else if (mime_looks_like_message(text, length)) {
		mime_parse(text, length, &message);
		reading.bounce_headers = bounce_like_headers(&message.headers);
		ignore_addresses_in(&reading, mime_header(&message.headers, "From"));
		ignore_addresses_in(&reading, mime_header(&message.headers, "To"));
		ignore_addresses_in(&reading, mime_header(&message.headers, "Return-Path"));
		ignore_addresses_in(&reading, mime_header(&message.headers, "Reply-To"));
		ignore_addresses_in(&reading, mime_header(&message.headers, "Sender"));
		/* DSNs carry Auto-Submitted: auto-replied too (RFC 3834) */
		skip = auto_reply(&message.headers) && !reading.bounce_headers;
	} else {
		size_t n;
		char *copy = mime_to_utf8(text, length, NULL, &n);
		message.parts = xcalloc(1, sizeof *message.parts);
		n = drop_carriage_returns(copy, n);
		message.parts[0] = (struct mime_part){MIME_TEXT, copy, n};
		message.part_count = 1;
	}
	for (size_t i = 0; i < reading.ignored_count; i++)
		said.ignored = reading.ignored, said.ignored_count = reading.ignored_count;
	{
		bool have_text = false;
		for (size_t i = 0; i < message.part_count; i++) {
			if (message.parts[i].kind == MIME_DELIVERY_STATUS)
				read_dsn(&reading, message.parts[i].text,
					 message.parts[i].length);
			have_text = have_text || message.parts[i].kind == MIME_TEXT;
		}
		for (size_t i = 0; i < message.part_count; i++) {
			const struct mime_part *part = &message.parts[i];
			if (part->kind == MIME_TEXT || (part->kind == MIME_HTML && !have_text)) {
				said.short_text = line_count(part->text, part->length) <= 3 &&
						  message.headers.count == 0;
				reading.short_text = said.short_text;
				if (message.headers.count == 0 && message.part_count == 1 &&
				    read_csv(&said, part->text, part->length))
					csv = true;
				else
					read_text(&said, part->text, part->length);
			}
		}
	}
	said.bounce_headers = reading.bounce_headers;
	if (reading.count > 0) {
		fill_from_text(&reading, &said);
	} else if (!skip) {
		reading.items = said.items;
		reading.count = said.count;
		reading.capacity = said.capacity;
		said.items = NULL;
		said.count = 0;
	}
	if (reading.count > 0)
		report->results = xcalloc(reading.count, sizeof *report->results);
	for (size_t i = 0; i < reading.count; i++) {
		if (evidence(&reading, &reading.items[i], csv))
			classify(rules, &reading.items[i],
				 &report->results[report->count++]);
		finding_free(&reading.items[i]);
	}
	for (size_t i = 0; i < said.count; i++)
		finding_free(&said.items[i]);
	free(said.items);
	free(reading.items);
	free_strings(reading.ignored, reading.ignored_count);
	mime_message_free(&message);
	return report->count;
}

void bounce_report_free(struct bounce_report *report)
{
	for (size_t i = 0; i < report->count; i++) {
		free(report->results[i].recipient);
		free(report->results[i].diagnostic);
	}
	free(report->results);
	memset(report, 0, sizeof *report);
}

/* ---- output ---------------------------------------------------------------------------- */

char *bounce_wizard_url(const struct bounce_rules *rules,
			const struct bounce_result *result,
			const char *cgi_base, const char *static_base)
{
	const struct bounce_reason_info *info = &rules->reasons[result->reason];
	const char *step = info->wizard_step[result->class_];
	const char *answers = info->wizard_answers[result->class_];

	if (step == NULL)
		return NULL;
	if (cgi_base != NULL)
		return xasprintf("%s/wizard/%s%s%s", cgi_base, step,
				 answers && *answers ? "?" : "",
				 answers ? answers : "");
	return xasprintf("%s/wizard/%s/", static_base ? static_base : "", step);
}

/* Code points of text[0, bytes). */
static size_t characters(const char *text, size_t bytes)
{
	return utf8_count(text, bytes);
}

void bounce_report_json(const struct bounce_rules *rules,
			const struct bounce_report *report,
			const char *cgi_base, const char *static_base,
			struct buf *out)
{
	buf_adds(out, "{\"results\": [");
	for (size_t i = 0; i < report->count; i++) {
		const struct bounce_result *result = &report->results[i];
		const struct bounce_reason_info *info = &rules->reasons[result->reason];
		char *wizard = bounce_wizard_url(rules, result, cgi_base, static_base);

		buf_adds(out, i ? ", {" : "{");
		buf_adds(out, "\"recipient\": ");
		json_add_text(out, result->recipient);
		buf_adds(out, ", \"class\": ");
		json_add_text(out, bounce_class_id(result->class_));
		buf_adds(out, ", \"reason\": ");
		json_add_text(out, bounce_reason_id(result->reason));
		buf_printf(out, ", \"hard\": %s", result->hard ? "true" : "false");
		buf_adds(out, ", \"receiver\": ");
		json_add_text(out, result->receiver);
		buf_adds(out, ", \"status\": ");
		json_add_text(out, result->status[0] ? result->status : NULL);
		if (result->reply)
			buf_printf(out, ", \"reply\": %d", result->reply);
		else
			buf_adds(out, ", \"reply\": null");
		buf_adds(out, ", \"diagnostic\": ");
		if (result->diagnostic == NULL) {
			buf_adds(out, "null");
		} else {
			buf_adds(out, "{\"text\": ");
			json_add_text(out, result->diagnostic);
			if (result->marked)
				buf_printf(out, ", \"match\": [%zu, %zu]}",
					   characters(result->diagnostic,
						      result->mark_start),
					   characters(result->diagnostic,
						      result->mark_end));
			else
				buf_adds(out, ", \"match\": null}");
		}
		buf_adds(out, ", \"article\": ");
		json_add_text(out, info->article_url);
		buf_adds(out, ", \"wizard\": ");
		json_add_text(out, wizard);
		buf_adds(out, "}");
		free(wizard);
	}
	buf_adds(out, "]}");
}
