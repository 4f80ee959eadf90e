/*
 * records_live.c — live mode (see records_live.h): TXT lookups through
 * ldns within one time budget and one query cap, the records found
 * checked by content/records.h, and the SPF record walked through its
 * includes and redirects: every DNS-querying term counted (RFC 7208
 * 4.6.4: at most 10), every lookup that finds nothing counted as void
 * (at most 2), a name that leads back to itself reported as a loop.
 */
#include "content/records_live.h"

#include <ctype.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/util.h"
#include "content/records_check.h"

/* One query never waits longer than this, however much budget is left,
 * so that one silent server cannot use all of it. */
#define QUERY_TIMEOUT_MS 2000
/* RFC 7208 4.6.4: more than 2 void lookups are a permerror. */
#define VOID_LOOKUP_LIMIT 2
/* Includes within includes followed at most this deep (a loop is found
 * sooner; this bounds a chain of distinct names). */
#define WALK_DEPTH_MAX 10

struct records_resolver {
	ldns_resolver *ldns;
};

enum answer {
	ANSWER_FOUND,		/* records of the type asked */
	ANSWER_NONE,		/* NOERROR without them, or NXDOMAIN */
	ANSWER_FAILED,		/* no answer in time, SERVFAIL, REFUSED */
	ANSWER_EXHAUSTED,	/* the budget or the cap was spent */
};

struct live {
	ldns_resolver *resolver;
	struct timespec start;
	unsigned budget_ms;
	unsigned queries;
	enum record_language language;	/* of the messages (the options') */
};

/* A problem found while walking, to be shown at the top record's term
 * that led to it. */
struct problem {
	enum record_severity severity;
	const char *code;
	char *message;
};

struct walk {
	struct live *live;
	int lookups, voids;
	const char *chain[WALK_DEPTH_MAX + 2];
	size_t depth;
	struct problem *problems;
	size_t problem_count;
	bool exhausted_reported;
};

/* ---- queries ------------------------------------------------------------------ */

static unsigned elapsed_ms(const struct live *live)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned)((now.tv_sec - live->start.tv_sec) * 1000 +
			  (now.tv_nsec - live->start.tv_nsec) / 1000000);
}

/* Asks for name's records of type; on ANSWER_FOUND *packet holds the
 * answer (the caller frees it with ldns_pkt_free). */
static enum answer query(struct live *live, const char *name, ldns_rr_type type,
			 ldns_pkt **packet)
{
	unsigned spent = elapsed_ms(live), wait;
	ldns_rdf *dname;
	ldns_status status;
	ldns_rr_list *answers;
	ldns_pkt_rcode rcode;
	struct timeval timeout;

	*packet = NULL;
	if (spent >= live->budget_ms || live->queries >= RECORDS_LIVE_MAX_QUERIES)
		return ANSWER_EXHAUSTED;
	live->queries++;
	wait = live->budget_ms - spent;
	if (wait > QUERY_TIMEOUT_MS)
		wait = QUERY_TIMEOUT_MS;
	timeout.tv_sec = wait / 1000;
	timeout.tv_usec = (wait % 1000) * 1000;
	ldns_resolver_set_timeout(live->resolver, timeout);
	dname = ldns_dname_new_frm_str(name);
	if (dname == NULL)
		return ANSWER_FAILED;
	status = ldns_resolver_query_status(packet, live->resolver, dname, type,
					    LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_rdf_deep_free(dname);
	if (status != LDNS_STATUS_OK || *packet == NULL) {
		ldns_pkt_free(*packet);
		*packet = NULL;
		return elapsed_ms(live) >= live->budget_ms ? ANSWER_EXHAUSTED
							  : ANSWER_FAILED;
	}
	rcode = ldns_pkt_get_rcode(*packet);
	answers = ldns_pkt_rr_list_by_type(*packet, type, LDNS_SECTION_ANSWER);
	if (rcode == LDNS_RCODE_NOERROR && answers != NULL &&
	    ldns_rr_list_rr_count(answers) > 0) {
		ldns_rr_list_deep_free(answers);
		return ANSWER_FOUND;
	}
	ldns_rr_list_deep_free(answers);
	ldns_pkt_free(*packet);
	*packet = NULL;
	return rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN
		       ? ANSWER_NONE
		       : ANSWER_FAILED;
}

/* One TXT record: its strings joined (value) and as the record checker
 * reads a zone line ("NAME TXT "a" "b""), each string quoted with '"'
 * and '\' escaped and other bytes outside printable ASCII and UTF-8 as
 * \DDD. */
struct txt {
	char *value, *line;
};

static void txt_of(const ldns_rr *record, const char *name, struct txt *out)
{
	struct buf value = {0}, line = {0};

	buf_printf(&line, "%s TXT", name);
	for (size_t i = 0; i < ldns_rr_rd_count(record); i++) {
		const ldns_rdf *field = ldns_rr_rdf(record, i);
		const uint8_t *data = ldns_rdf_data(field);
		size_t size = ldns_rdf_size(field), length;

		if (size < 1)
			continue;
		length = data[0] < size ? data[0] : size - 1;
		buf_add(&value, (const char *)data + 1, length);
		buf_adds(&line, " \"");
		for (size_t k = 0; k < length; k++) {
			unsigned char c = data[1 + k];
			if (c == '"' || c == '\\')
				buf_printf(&line, "\\%c", c);
			else if (c < 0x20 || c == 0x7F)
				buf_printf(&line, "\\%03u", c);
			else
				buf_addc(&line, (char)c);
		}
		buf_addc(&line, '"');
	}
	out->value = buf_detach(&value);
	out->line = buf_detach(&line);
}

/* The TXT records at name into *records (*count of them; the caller
 * frees them with free_txts). */
static enum answer lookup_txt(struct live *live, const char *name,
			      struct txt **records, size_t *count)
{
	ldns_pkt *packet;
	ldns_rr_list *list;
	enum answer answer = query(live, name, LDNS_RR_TYPE_TXT, &packet);

	*records = NULL;
	*count = 0;
	if (answer != ANSWER_FOUND)
		return answer;
	list = ldns_pkt_rr_list_by_type(packet, LDNS_RR_TYPE_TXT, LDNS_SECTION_ANSWER);
	*records = xcalloc(ldns_rr_list_rr_count(list) + 1, sizeof **records);
	for (size_t i = 0; i < ldns_rr_list_rr_count(list); i++)
		txt_of(ldns_rr_list_rr(list, i), name, &(*records)[(*count)++]);
	ldns_rr_list_deep_free(list);
	ldns_pkt_free(packet);
	return ANSWER_FOUND;
}

static void free_txts(struct txt *records, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(records[i].value);
		free(records[i].line);
	}
	free(records);
}

/* True when value starts with prefix (no case) then a space, ';' or its
 * end. */
static bool starts_with(const char *value, const char *prefix)
{
	size_t length = strlen(prefix);

	return strncasecmp(value, prefix, length) == 0 &&
	       (value[length] == '\0' || value[length] == ' ' || value[length] == ';');
}

/* ---- the SPF walk --------------------------------------------------------------- */

static void add_problem(struct walk *walk, enum record_severity severity,
			const char *code, char *message)
{
	walk->problems = xrealloc(walk->problems, (walk->problem_count + 1) *
				  sizeof *walk->problems);
	walk->problems[walk->problem_count++] = (struct problem){severity, code,
								  message};
}

/* A failed or unfinished lookup, as a problem. */
static void lookup_failed(struct walk *walk, enum answer answer, const char *name)
{
	if (answer == ANSWER_EXHAUSTED) {
		if (walk->exhausted_reported)
			return;
		walk->exhausted_reported = true;
		add_problem(walk, RECORD_ERROR, "dns-budget",
			    records_message(walk->live->language,
				      "時間内(%u ミリ秒、%d 回まで)に調べ終わりませんでした。%s "
				      "から先は数えていません。受信側も途中でSPFをエラーにする"
				      "ことがあります",
				      "The check did not finish in time (%u "
				      "ms, at most %d queries). Nothing from "
				      "%s on is counted. Receivers, too, may "
				      "give up on SPF partway and treat it "
				      "as an error", walk->live->budget_ms,
				      RECORDS_LIVE_MAX_QUERIES, name));
		return;
	}
	add_problem(walk, RECORD_ERROR, "dns-failure",
		    records_message(walk->live->language,
			      "%s の問い合わせに答えがありませんでした(タイムアウトか"
			      "サーバの失敗)。受信側ではSPFが一時的なエラー(temperror)"
			      "になります",
			      "The query for %s got no answer (a timeout or "
			      "a server failure). Receivers treat SPF as a "
			      "temporary error (temperror)", name));
}

static void walk_record(struct walk *walk, const char *domain, const char *how);

static bool has_macro(const char *name)
{
	return strchr(name, '%') != NULL;
}

/* True when term (with its qualifier) is an a mechanism, not exists. */
static bool term_is_a(const char *term)
{
	const char *name = term + (*term && strchr("+-~?", *term) ? 1 : 0);

	return (name[0] == 'a' || name[0] == 'A') &&
	       (name[1] == '\0' || name[1] == ':' || name[1] == '/');
}

/* RFC 7208 4.6.4: an mx term whose MX records name more than 10 hosts
 * is a permerror. */
#define MX_NAME_LIMIT 10

/* A name with a macro depends on the message being checked (the
 * sender, its address): it is counted, not looked up, and said so. */
static void macro_not_followed(struct walk *walk, const char *how,
			       const char *target)
{
	add_problem(walk, RECORD_NOTE, "spf-macro-not-followed",
		    records_message(walk->live->language,
			      "%s%s の名前はマクロ(%%{...})を含み、送られるメールごとに"
			      "変わるため、DNSには問い合わせていません。数には1回として"
			      "入れています",
			      "The name of %s%s holds a macro (%%{...}) and "
			      "changes with each message sent, so it was not "
			      "queried. It is counted as one lookup", how, target));
}

/* The number of MX records in an answer. */
static size_t mx_count(ldns_pkt *packet)
{
	ldns_rr_list *list = ldns_pkt_rr_list_by_type(packet, LDNS_RR_TYPE_MX,
						      LDNS_SECTION_ANSWER);
	size_t count = list ? ldns_rr_list_rr_count(list) : 0;

	ldns_rr_list_deep_free(list);
	return count;
}

/* a, mx or exists: one lookup (a asks A, then AAAA when there is no A:
 * a host with only an IPv6 address is no void lookup), void when it
 * finds nothing. */
static void walk_address(struct walk *walk, const char *term, const char *target,
			 ldns_rr_type type)
{
	ldns_pkt *packet;
	enum answer answer;

	walk->lookups++;
	if (has_macro(target)) {
		macro_not_followed(walk, "", term);
		return;
	}
	answer = query(walk->live, target, type, &packet);
	if (answer == ANSWER_FOUND && type == LDNS_RR_TYPE_MX &&
	    mx_count(packet) > MX_NAME_LIMIT)
		add_problem(walk, RECORD_ERROR, "spf-mx-names",
			    records_message(walk->live->language,
				      "%s の %s にはMXレコードが%zu個あり、受信側は%d個を"
				      "超えるとSPFをエラー(permerror)にします。mx をやめて "
				      "ip4: や ip6: で送信元を書いてください",
				      "%s: %s has %zu MX records, and "
				      "receivers treat SPF as an error "
				      "(permerror) above %d. Instead of mx, "
				      "list the sending servers with ip4: or "
				      "ip6:", term, target,
				      mx_count(packet), MX_NAME_LIMIT));
	ldns_pkt_free(packet);
	if (answer == ANSWER_NONE && type == LDNS_RR_TYPE_A && term_is_a(term)) {
		answer = query(walk->live, target, LDNS_RR_TYPE_AAAA, &packet);
		ldns_pkt_free(packet);
	}
	if (answer == ANSWER_NONE) {
		walk->voids++;
		add_problem(walk, RECORD_WARNING, "spf-void-lookup",
			    records_message(walk->live->language,
				      "%s の %s は何も見つかりません(void lookup)。"
				      "使っていないなら削除してください",
				      "%s: %s finds nothing (a void lookup). "
				      "Delete it if you do not use it",
				      term, target));
	} else if (answer != ANSWER_FOUND) {
		lookup_failed(walk, answer, target);
	}
}

/* include: or redirect=: one lookup, then the record there, walked. */
static void walk_include(struct walk *walk, const char *how, const char *target)
{
	walk->lookups++;
	if (has_macro(target)) {
		macro_not_followed(walk, how, target);
		return;
	}
	for (size_t i = 0; i < walk->depth; i++)
		if (strcasecmp(walk->chain[i], target) == 0) {
			add_problem(walk, RECORD_ERROR, "spf-include-loop",
				    records_message(walk->live->language,
					      "%s%s をたどると %s に戻ります(ループ)。受信側は"
					      "SPFをエラー(permerror)にします。このincludeを"
					      "削除してください",
					      "Following %s%s leads back to "
					      "%s (a loop). Receivers treat "
					      "SPF as an error (permerror). "
					      "Delete this include",
					      how, target, target));
			return;
		}
	if (walk->depth > WALK_DEPTH_MAX) {
		add_problem(walk, RECORD_ERROR, "spf-include-loop",
			    records_message(walk->live->language,
			    "include が %d 段より深く続いています(%s)",
			    "includes go deeper than %d levels (%s)",
				      WALK_DEPTH_MAX, target));
		return;
	}
	walk_record(walk, target, how);
}

/* The target of "name:target" or "name=target", without a CIDR suffix;
 * domain when there is none. The caller frees. */
static char *target_of(const char *term, size_t name_length, const char *domain,
		       bool cut_cidr)
{
	const char *target = term + name_length;
	size_t length;

	if (*target != ':' && *target != '=')
		return xstrdup(domain);
	target++;
	length = cut_cidr ? strcspn(target, "/") : strlen(target);
	return length ? xstrndup(target, length) : xstrdup(domain);
}

static bool term_is(const char *name, size_t length, const char *word)
{
	return length == strlen(word) && strncasecmp(name, word, length) == 0;
}

static void walk_term(struct walk *walk, const char *domain, const char *term)
{
	const char *name = term + (strchr("+-~?", *term) && *term ? 1 : 0);
	size_t length = strcspn(name, ":/=");
	char *target;

	if (term_is(name, length, "include") && name[length] == ':') {
		target = target_of(name, length, domain, false);
		walk_include(walk, "include:", target);
	} else if (term_is(name, length, "redirect") && name[length] == '=') {
		target = target_of(name, length, domain, false);
		walk_include(walk, "redirect=", target);
	} else if (term_is(name, length, "a")) {
		target = target_of(name, length, domain, true);
		walk_address(walk, term, target, LDNS_RR_TYPE_A);
	} else if (term_is(name, length, "mx")) {
		target = target_of(name, length, domain, true);
		walk_address(walk, term, target, LDNS_RR_TYPE_MX);
	} else if (term_is(name, length, "exists") && name[length] == ':') {
		target = target_of(name, length, domain, false);
		walk_address(walk, term, target, LDNS_RR_TYPE_A);
	} else {
		if (term_is(name, length, "ptr"))
			walk->lookups++;
		return;
	}
	free(target);
}

/* Each space-separated term of value after "v=spf1", through visit;
 * returns where each was found for the top record's columns. */
static void walk_terms(struct walk *walk, const char *domain, const char *value)
{
	char *copy = xstrdup(value + 6), *save = NULL;

	for (char *term = strtok_r(copy, " ", &save); term;
	     term = strtok_r(NULL, " ", &save))
		walk_term(walk, domain, term);
	free(copy);
}

/* The one v=spf1 record at domain, walked; reached through how
 * ("include:" or "redirect="). */
static void walk_record(struct walk *walk, const char *domain, const char *how)
{
	struct txt *records;
	size_t count, spf = 0, found = 0;
	enum answer answer = lookup_txt(walk->live, domain, &records, &count);

	if (answer == ANSWER_FOUND) {
		for (size_t i = 0; i < count; i++)
			if (starts_with(records[i].value, "v=spf1")) {
				spf = i;
				found++;
			}
	} else if (answer == ANSWER_NONE) {
		walk->voids++;
	}
	if (answer == ANSWER_FAILED || answer == ANSWER_EXHAUSTED)
		lookup_failed(walk, answer, domain);
	else if (found == 0)
		add_problem(walk, RECORD_ERROR, "spf-include-no-record",
			    records_message(walk->live->language,
				      "%s%s の先にSPFのレコード(v=spf1)がありません。受信側は"
				      "SPFをエラー(permerror)にします。値を確かめてください",
				      "There is no SPF record (v=spf1) at "
				      "%s%s. Receivers treat SPF as an error "
				      "(permerror). Check the value",
				      how, domain));
	else if (found > 1)
		add_problem(walk, RECORD_ERROR, "spf-include-multiple",
			    records_message(walk->live->language,
				      "%s%s の先に v=spf1 のレコードが%zu個あり、受信側は"
				      "SPFをエラー(permerror)にします",
				      "%s%s has %zu records with v=spf1; "
				      "receivers treat SPF as an error "
				      "(permerror)", how, domain, found));
	if (found == 1) {
		walk->chain[walk->depth++] = domain;
		walk_terms(walk, domain, records[spf].value);
		walk->depth--;
	}
	free_txts(records, count);
}

/* ---- the domain's own records ------------------------------------------------------- */

/* The column (1-based, code points) of the first occurrence of term in
 * text at or after *from, moving *from past it; 1 when not found. */
static unsigned column_of(const char *text, const char *term, size_t *from)
{
	const char *found = strstr(text + *from, term);

	if (found == NULL)
		return 1;
	*from = (size_t)(found - text) + strlen(term);
	return (unsigned)utf8_count(text, (size_t)(found - text)) + 1;
}

/* Walks the top record's terms, reporting on each what its subtree
 * found, and the totals where they pass their limits. */
static void walk_top(struct live *live, struct record_set *set, size_t index,
		     const char *domain, const char *value)
{
	struct walk walk = {.live = live};
	char *copy = xstrdup(value + 6), *save = NULL;
	const char *text = set->records[index].text;
	bool total_reported = false, voids_reported = false;
	size_t from = 0, shown = 0;

	walk.chain[walk.depth++] = domain;
	for (char *term = strtok_r(copy, " ", &save); term;
	     term = strtok_r(NULL, " ", &save)) {
		unsigned column = column_of(text, term, &from);
		unsigned length = (unsigned)utf8_count(term, strlen(term));

		walk_term(&walk, domain, term);
		for (; shown < walk.problem_count; shown++)
			records_report_extra(set, index, walk.problems[shown].severity,
					     walk.problems[shown].code,
					     &records_guide_spf_lookups, column, length,
					     walk.problems[shown].message);
		if (walk.lookups > RECORDS_SPF_LOOKUP_LIMIT && !total_reported) {
			char *message = records_message(walk.live->language,
				"%s の先まで数えると、DNS参照が%d回を超えます(ここまでで%d回)。"
				"受信側はSPFをエラー(permerror)にします。使っていない include: "
				"を削除するか、ip4: や ip6: に置き換えてください",
				"Counting through %s, there are more than %d "
				"DNS lookups (%d so far). Receivers treat "
				"SPF as an error (permerror). Delete an "
				"include: you do not use, or replace it with "
				"ip4: or ip6:", term,
				RECORDS_SPF_LOOKUP_LIMIT, walk.lookups);
			total_reported = true;
			records_report_extra(set, index, RECORD_ERROR, "spf-lookups-total",
					     &records_guide_spf_lookups, column, length,
					     message);
			free(message);
		}
		if (walk.voids > VOID_LOOKUP_LIMIT && !voids_reported) {
			char *message = records_message(walk.live->language,
				"何も見つからないDNS参照(void lookup)が%d回を超えました(ここまでで"
				"%d回)。受信側はSPFをエラー(permerror)にします",
				"More than %d DNS lookups found nothing "
				"(void lookups; %d so far). Receivers treat "
				"SPF as an error (permerror)", VOID_LOOKUP_LIMIT,
				walk.voids);
			voids_reported = true;
			records_report_extra(set, index, RECORD_ERROR, "spf-void-lookups",
					     &records_guide_spf_lookups, column, length,
					     message);
			free(message);
		}
	}
	set->records[index].summary.lookups_total = walk.lookups;
	set->records[index].summary.void_lookups = walk.voids;
	for (size_t i = 0; i < walk.problem_count; i++)
		free(walk.problems[i].message);
	free(walk.problems);
	free(copy);
}

/* What a failed lookup of a record the domain should have says. */
static void add_failed(struct record_set *set, enum record_kind kind,
		       const char *name, enum answer answer, unsigned budget_ms,
		       enum record_language language)
{
	char *message = answer == ANSWER_EXHAUSTED
				? records_message(language,
				"時間内(%u ミリ秒)に %s を調べられませんでした",
				"The time allowed (%u ms) ran out before %s "
				"was looked up",
					    budget_ms, name)
				: records_message(language,
					    "%s の問い合わせに答えがありませんでした(タイムアウトか"
					    "サーバの失敗)。時間をおいてもう一度お試しください",
					    "The query for %s got no answer "
					    "(a timeout or a server "
					    "failure). Please try again later",
					    name);

	records_add_missing(set, kind, name, RECORD_ERROR,
			    answer == ANSWER_EXHAUSTED ? "dns-budget" : "dns-failure",
			    kind == RECORD_SPF	   ? &records_guide_spf_register
			    : kind == RECORD_DKIM ? &records_guide_dkim_register
						  : &records_guide_dmarc,
			    message);
	free(message);
}

static void check_spf(struct live *live, struct record_set *set,
		      const struct record_options *options)
{
	const char *domain = options->domain;
	struct txt *records;
	size_t count, first = SIZE_MAX;
	enum answer answer = lookup_txt(live, domain, &records, &count);
	char *message;

	if (answer == ANSWER_FAILED || answer == ANSWER_EXHAUSTED) {
		add_failed(set, RECORD_SPF, domain, answer, live->budget_ms,
			   live->language);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		if (!starts_with(records[i].value, "v=spf1"))
			continue;
		if (first == SIZE_MAX)
			first = set->count;
		records_add(set, RECORD_SPF, records[i].line, strlen(records[i].line),
			    options);
	}
	if (first == SIZE_MAX) {
		message = records_message(live->language,
				    "%s に v=spf1 で始まるTXTレコードがありません。"
				    "「v=spf1 include:%s ~all」を登録してください",
				    "There is no TXT record starting with "
				    "v=spf1 at %s. Publish \"v=spf1 "
				    "include:%s ~all\"", domain,
				    options->spf_include ? options->spf_include
							 : "_spf.example.net");
		records_add_missing(set, RECORD_SPF, domain, RECORD_ERROR,
				    "spf-not-found",
				    &records_guide_spf_register, message);
		free(message);
	} else if (first < set->count) {
		for (size_t i = 0; i < count; i++)
			if (starts_with(records[i].value, "v=spf1")) {
				walk_top(live, set, first, domain, records[i].value);
				break;
			}
	}
	free_txts(records, count);
}

/* The records at name that start with prefix, checked as kind; a missing
 * one is reported with severity and code. */
static void check_named(struct live *live, struct record_set *set,
			const struct record_options *options, enum record_kind kind,
			const char *name, const char *prefix,
			enum record_severity severity, const char *code,
			const char *missing)
{
	struct txt *records;
	size_t count, found = 0;
	enum answer answer = lookup_txt(live, name, &records, &count);

	if (answer == ANSWER_FAILED || answer == ANSWER_EXHAUSTED) {
		add_failed(set, kind, name, answer, live->budget_ms,
			   live->language);
		return;
	}
	for (size_t i = 0; i < count; i++)
		if (prefix == NULL || starts_with(records[i].value, prefix)) {
			records_add(set, kind, records[i].line, strlen(records[i].line),
				    options);
			found++;
		}
	if (found == 0)
		records_add_missing(set, kind, name, severity, code,
				    kind == RECORD_DKIM ? &records_guide_dkim_selector
							: &records_guide_dmarc,
				    missing);
	free_txts(records, count);
}

struct records_resolver *records_resolver_open(const struct records_live_options *live,
					       const char **why)
{
	struct records_resolver *opened;
	ldns_resolver *resolver = NULL;
	ldns_rdf *address;

	*why = NULL;

	if (live->server == NULL) {
		if (ldns_resolver_new_frm_file(&resolver, NULL) != LDNS_STATUS_OK) {
			*why = "cannot read the system's resolver (/etc/resolv.conf)";
			return NULL;
		}
	} else {
		address = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, live->server);
		if (address == NULL)
			address = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_AAAA, live->server);
		if (address == NULL) {
			*why = "the DNS server is not an IPv4 or IPv6 address";
			return NULL;
		}
		resolver = ldns_resolver_new();
		if (resolver == NULL ||
		    ldns_resolver_push_nameserver(resolver, address) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(address);
			ldns_resolver_deep_free(resolver);
			*why = "out of memory";
			return NULL;
		}
		ldns_rdf_deep_free(address);
	}
	if (live->port != 0)
		ldns_resolver_set_port(resolver, (uint16_t)live->port);
	/* one try per query: the budget, not retries, decides how long */
	ldns_resolver_set_retry(resolver, 1);
	ldns_resolver_set_recursive(resolver, true);
	ldns_resolver_set_dnssec(resolver, false);
	opened = xcalloc(1, sizeof *opened);
	opened->ldns = resolver;
	return opened;
}

void records_resolver_close(struct records_resolver *resolver)
{
	if (resolver == NULL)
		return;
	ldns_resolver_deep_free(resolver->ldns);
	free(resolver);
}

int records_live_check(struct record_set *set,
		       const struct record_options *options,
		       struct records_resolver *resolver, unsigned budget_ms)
{
	struct live live = {
		.resolver = resolver->ldns,
		.budget_ms = budget_ms ? budget_ms : RECORDS_LIVE_BUDGET_MS,
		.language = options->language,
	};
	const char *domain = options->domain;
	char *name, *message;

	clock_gettime(CLOCK_MONOTONIC, &live.start);
	check_spf(&live, set, options);
	if (options->selector != NULL) {
		name = xasprintf("%s._domainkey.%s", options->selector, domain);
		message = records_message(live.language,
				    "%s にDKIMの公開鍵のレコードがありません。セレクタと"
				    "ドメインを確かめ、設定ガイドの値を登録してください",
				    "There is no DKIM public key record at "
				    "%s. Check the selector and the domain, "
				    "and publish the value from the setup "
				    "guide", name);
		check_named(&live, set, options, RECORD_DKIM, name, NULL, RECORD_ERROR,
			    "dkim-not-found", message);
		free(message);
		free(name);
	}
	name = xasprintf("_dmarc.%s", domain);
	message = records_message(live.language,
			    "%s にDMARCのレコード(v=DMARC1)がありません。まずは"
			    "「v=DMARC1; p=none; rua=mailto:dmarc-report@%s」を登録して"
			    "ください",
			    "There is no DMARC record (v=DMARC1) at %s. To "
			    "start, publish \"v=DMARC1; p=none; "
			    "rua=mailto:dmarc-report@%s\"", name, domain);
	check_named(&live, set, options, RECORD_DMARC, name, "v=DMARC1", RECORD_WARNING,
		    "dmarc-not-found", message);
	free(message);
	free(name);
	return live.queries;
}
