/*
 * records_spf.c — an SPF record (RFC 7208) checked term by term: the
 * version, every mechanism and modifier with its qualifier, domains,
 * addresses, CIDR lengths and macros, where `all` stands, the record's own
 * DNS-querying terms against the limit of 10, and the service's include.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/records_check.h"

/* RFC 7208 3.4: a record whose answer does not fit a 512-byte UDP
 * response may be lost; 450 bytes leaves room for the rest of it. */
#define SPF_SIZE_MAX 450

struct spf {
	struct record_result *result;
	const struct record_text *text;
	const struct record_options *options;
	const char *value;
	int lookups;
	bool lookups_reported;
	bool seen_all, after_all_reported;
	size_t all_at;			/* where all stands, for the include */
	bool has_redirect, has_exp;
	size_t redirect_at;
	size_t redirect_domain, redirect_end;	/* redirect='s domain */
	/* "include: x": the argument is the next term (0: none) */
	size_t joined_start, joined_end;
};

enum mechanism {
	MECHANISM_ALL, MECHANISM_INCLUDE, MECHANISM_A, MECHANISM_MX,
	MECHANISM_PTR, MECHANISM_IP4, MECHANISM_IP6, MECHANISM_EXISTS,
	MECHANISM_NONE,
};

static const char *const mechanism_names[] = {
	"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists",
};

#define REPORT(spf, start, length, severity, code, guide, ...)              \
	records_report((spf)->result, (spf)->text, (start), (length),       \
		       (severity), (code), &(guide), __VA_ARGS__)

/* ---- small parsers -------------------------------------------------------- */

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Damerau-Levenshtein distance (adjacent swaps) of two short words,
 * without case; 99 when either is too long to matter. */
static int edit_distance(const char *left, size_t left_length,
			 const char *right, size_t right_length)
{
	int rows[3][16];

	if (left_length >= 15 || right_length >= 15)
		return 99;
	for (size_t j = 0; j <= right_length; j++)
		rows[0][j] = (int)j;
	for (size_t i = 1; i <= left_length; i++) {
		int *row = rows[i % 3], *previous = rows[(i - 1) % 3],
		    *before = rows[(i + 1) % 3];
		row[0] = (int)i;
		for (size_t j = 1; j <= right_length; j++) {
			char a = (char)(left[i - 1] | 0x20), b = (char)(right[j - 1] | 0x20);
			int best = previous[j - 1] + (a != b);
			if (previous[j] + 1 < best)
				best = previous[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (i > 1 && j > 1 && a == (right[j - 2] | 0x20) &&
			    (left[i - 2] | 0x20) == b && before[j - 2] + 1 < best)
				best = before[j - 2] + 1;
			row[j] = best;
		}
	}
	return rows[left_length % 3][right_length];
}

static enum mechanism find_mechanism(const char *name, size_t length)
{
	for (int i = 0; i < MECHANISM_NONE; i++)
		if (strlen(mechanism_names[i]) == length &&
		    strncasecmp(name, mechanism_names[i], length) == 0)
			return (enum mechanism)i;
	return MECHANISM_NONE;
}

/* The known name closest to a misspelt one, or NULL. */
static const char *suggestion(const char *name, size_t length)
{
	static const char *const names[] = {"include", "ip4", "ip6", "exists",
					    "redirect", "exp", "all", "ptr"};

	if (length < 2)
		return NULL;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int distance = edit_distance(name, length, names[i], strlen(names[i]));
		if (distance > 0 && distance <= (strlen(names[i]) >= 5 ? 2 : 1))
			return names[i];
	}
	return NULL;
}

/* A decimal number of 1 to 3 digits without a leading zero, in [0, max]. */
static bool read_number(const char *text, size_t length, int max, int *out)
{
	int value = 0;

	if (length == 0 || length > 3 || (length > 1 && text[0] == '0'))
		return false;
	for (size_t i = 0; i < length; i++) {
		if (!is_digit(text[i]))
			return false;
		value = value * 10 + (text[i] - '0');
	}
	*out = value;
	return value <= max;
}

static bool ip4_valid(const char *text, size_t length)
{
	size_t part_start = 0, parts = 0;
	int octet;

	for (size_t i = 0; i <= length; i++) {
		if (i < length && text[i] != '.')
			continue;
		if (!read_number(text + part_start, i - part_start, 255, &octet))
			return false;
		parts++;
		part_start = i + 1;
	}
	return parts == 4;
}

static bool ip6_valid(const char *text, size_t length)
{
	char copy[64];
	unsigned char address[16];

	if (length == 0 || length >= sizeof copy)
		return false;
	memcpy(copy, text, length);
	copy[length] = '\0';
	return inet_pton(AF_INET6, copy, address) == 1;
}

/* ---- macros and domains ----------------------------------------------------- */

/* Checks the macro-string [start, end); true when it holds a macro. */
static bool check_macros(struct spf *spf, size_t start, size_t end, bool in_exp)
{
	const char *value = spf->value;
	bool any = false;

	for (size_t i = start; i < end; i++) {
		size_t open = i, letter;

		if (value[i] != '%')
			continue;
		any = true;
		if (i + 1 < end && strchr("%_-", value[i + 1]) != NULL) {
			i++;
			continue;
		}
		if (i + 1 >= end || value[i + 1] != '{') {
			REPORT(spf, open, i + 1 < end ? 2 : 1, RECORD_ERROR,
			       "spf-bad-macro", records_guide_spf_mistakes,
			       "「%%」はマクロの始まりです。文字としての %% は「%%%%」と書き、"
			       "マクロは %%{d} のように書いてください",
			       "\"%%\" starts a macro. Write a literal %% as "
			       "\"%%%%\", and a macro as %%{d}");
			continue;
		}
		letter = i + 2;
		i = letter;
		if (i >= end || strchr("slodiphcrtvSLODIPHCRTV", value[i]) == NULL) {
			REPORT(spf, open, 0, RECORD_ERROR, "spf-bad-macro",
			       records_guide_spf_mistakes,
			       "マクロの文字が正しくありません。%%{ の後ろには s, l, o, d, "
			       "i, p, h, c, r, t, v のどれかを書いてください",
			       "The macro letter is not valid. After %%{ "
			       "write one of s, l, o, d, i, p, h, c, r, t, v");
			while (i < end && value[i] != '}')
				i++;
			continue;
		}
		if (!in_exp && strchr("crtCRT", value[letter]) != NULL)
			REPORT(spf, open, 0, RECORD_ERROR, "spf-bad-macro",
			       records_guide_spf_mistakes,
			       "マクロ %%{%c} は exp= の中でしか使えません",
			       "The macro %%{%c} can only be used inside exp=",
			       value[letter]);
		i++;
		while (i < end && is_digit(value[i]))
			i++;
		if (i < end && (value[i] == 'r' || value[i] == 'R'))
			i++;
		while (i < end && strchr(".-+,/_=", value[i]) != NULL)
			i++;
		if (i >= end || value[i] != '}') {
			REPORT(spf, open, 0, RECORD_ERROR, "spf-bad-macro",
			       records_guide_spf_mistakes,
			       "マクロが「}」で閉じられていないか、中に使えない文字があります",
			       "The macro is not closed with \"}\", or it "
			       "holds a character that is not allowed");
			while (i < end && value[i] != '}')
				i++;
		}
	}
	return any;
}

/* Looks like 192.0.2.1: digits and dots only. */
static bool looks_like_ip4(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (!is_digit(text[i]) && text[i] != '.')
			return false;
	return memchr(text, '.', length) != NULL;
}

/* A domain-spec at [start, end) of term_name (for the messages). */
static void check_domain(struct spf *spf, size_t start, size_t end,
			 const char *term_name, bool in_exp)
{
	const char *value = spf->value, *why, *last;
	size_t length = end - start;

	if (check_macros(spf, start, end, in_exp))
		return;
	if (looks_like_ip4(value + start, length)) {
		REPORT(spf, start, length, RECORD_ERROR, "spf-bad-domain",
		       records_guide_spf_register,
		       "%s にはドメイン名を書きます。IPアドレスは「ip4:%.*s」と書いてください",
		       "%s takes a domain name. Write an IP address as "
		       "\"ip4:%.*s\"",
		       term_name, (int)length, value + start);
		return;
	}
	why = records_domain_problem(value + start, length, spf->text->language);
	if (why == NULL && memchr(value + start, '.', length) == NULL)
		why = RECORDS_IN(spf->text->language,
				 "ドットがありません(example.jp のように書きます)",
				 "there is no dot (write it like example.jp)");
	if (why == NULL) {
		size_t trimmed = value[end - 1] == '.' ? length - 1 : length;
		last = value + start;
		for (size_t i = 0; i < trimmed; i++)
			if (value[start + i] == '.')
				last = value + start + i + 1;
		size_t last_length = (size_t)(value + start + trimmed - last);
		bool digits = last_length > 0;
		for (size_t i = 0; i < last_length; i++)
			digits = digits && is_digit(last[i]);
		if (digits)
			why = RECORDS_IN(spf->text->language, "最後の部分が数字だけです",
					 "the last part is all digits");
	}
	if (why != NULL)
		REPORT(spf, start, length, RECORD_ERROR, "spf-bad-domain",
		       records_guide_spf_register,
		       "%s のドメイン名「%.*s」が正しくありません: %s",
		       "%s names \"%.*s\", which is not a valid domain name: "
		       "%s", term_name,
		       (int)length, value + start, why);
}

/* ---- terms ------------------------------------------------------------------ */

static void count_lookup(struct spf *spf, size_t start, size_t length)
{
	spf->lookups++;
	if (spf->lookups > RECORDS_SPF_LOOKUP_LIMIT && !spf->lookups_reported) {
		spf->lookups_reported = true;
		REPORT(spf, start, length, RECORD_ERROR, "spf-lookups",
		       records_guide_spf_lookups,
		       "DNSの参照が%d回を超えます(ここで%d回目)。受信側はSPFをエラー"
		       "(permerror)にします。使っていない include: を削除するか、"
		       "ip4: や ip6: に置き換えてください",
		       "More than %d DNS lookups (this is lookup %d). "
		       "Receivers treat SPF as an error (permerror). Delete "
		       "an include: you do not use, or replace it with ip4: "
		       "or ip6:",
		       RECORDS_SPF_LOOKUP_LIMIT, spf->lookups);
	}
}

/* "/24", "//64" or "/24//64" at [start, end): a and mx take both, ip4
 * only the first, ip6 only the second (written with one '/'). */
static void check_cidr(struct spf *spf, size_t start, size_t end,
		       enum mechanism mechanism)
{
	const char *value = spf->value;
	size_t i = start;
	int bits;

	if (i >= end)
		return;
	if (mechanism == MECHANISM_IP4 || mechanism == MECHANISM_IP6) {
		int max = mechanism == MECHANISM_IP4 ? 32 : 128;
		if (!read_number(value + i + 1, end - i - 1, max, &bits))
			REPORT(spf, start, end - start, RECORD_ERROR, "spf-bad-cidr",
			       records_guide_spf_register,
			       "「%.*s」はプレフィックス長として正しくありません。"
			       "/ の後ろには 0 から %d までの数を書いてください",
			       "\"%.*s\" is not a valid prefix length. After "
			       "/ write a number from 0 to %d",
			       (int)(end - start), value + start, max);
		return;
	}
	if (i + 1 < end && value[i + 1] != '/') {
		size_t digits = i + 1;
		while (digits < end && value[digits] != '/')
			digits++;
		if (!read_number(value + i + 1, digits - i - 1, 32, &bits)) {
			REPORT(spf, start, digits - start, RECORD_ERROR, "spf-bad-cidr",
			       records_guide_spf_register,
			       "「%.*s」はIPv4のプレフィックス長として正しくありません。"
			       "/ の後ろには 0 から 32 までの数を書いてください",
			       "\"%.*s\" is not a valid IPv4 prefix length. "
			       "After / write a number from 0 to 32",
			       (int)(digits - start), value + start);
			return;
		}
		i = digits;
	}
	if (i >= end)
		return;
	if (end - i < 3 || value[i + 1] != '/' ||
	    !read_number(value + i + 2, end - i - 2, 128, &bits))
		REPORT(spf, i, end - i, RECORD_ERROR, "spf-bad-cidr",
		       records_guide_spf_register,
		       "「%.*s」はプレフィックス長として正しくありません。IPv6は"
		       "「//」の後ろに 0 から 128 までの数を書いてください",
		       "\"%.*s\" is not a valid prefix length. For IPv6 "
		       "write a number from 0 to 128 after \"//\"",
		       (int)(end - i), value + i);
}

/* The domain after "name:" or an address, with what must follow the
 * colon missing (or a space after it: the next term is read as the
 * value). Returns where the argument ends in *argument_end. */
static void check_ip(struct spf *spf, enum mechanism mechanism, size_t start,
		     size_t end)
{
	const char *value = spf->value;
	size_t slash = start;

	if (mechanism == MECHANISM_IP6) {
		for (size_t i = start; i < end; i++)
			if (value[i] == '/')
				slash = i;
		if (slash == start)
			slash = end;
	} else {
		while (slash < end && value[slash] != '/')
			slash++;
	}
	if (mechanism == MECHANISM_IP4 ? !ip4_valid(value + start, slash - start)
				       : !ip6_valid(value + start, slash - start)) {
		bool other = mechanism == MECHANISM_IP4
				     ? ip6_valid(value + start, slash - start)
				     : ip4_valid(value + start, slash - start);
		REPORT(spf, start, slash - start, RECORD_ERROR,
		       mechanism == MECHANISM_IP4 ? "spf-bad-ip4" : "spf-bad-ip6",
		       records_guide_spf_register,
		       other ? "「%.*s」は%sのアドレスです。「%s:%.*s」と書いてください"
			     : "「%.*s」は%sのアドレスとして正しくありません",
		       other ? "\"%.*s\" is an %s address. Write \"%s:%.*s\""
			     : "\"%.*s\" is not a valid %s address",
		       (int)(slash - start), value + start,
		       other ? (mechanism == MECHANISM_IP4 ? "IPv6" : "IPv4")
			     : (mechanism == MECHANISM_IP4 ? "IPv4" : "IPv6"),
		       mechanism == MECHANISM_IP4 ? "ip6" : "ip4",
		       (int)(slash - start), value + start);
		return;
	}
	check_cidr(spf, slash, end, mechanism);
}

/* The mechanism's argument at [at, end) (at the ':' or '/' after its
 * name, or end). */
/* What mechanism takes after its ":", in the messages' language. */
static const char *value_name(const struct spf *spf, enum mechanism mechanism)
{
	enum record_language language = spf->text->language;

	if (mechanism == MECHANISM_IP4)
		return RECORDS_IN(language, "IPv4アドレス", "an IPv4 address");
	if (mechanism == MECHANISM_IP6)
		return RECORDS_IN(language, "IPv6アドレス", "an IPv6 address");
	return RECORDS_IN(language, "ドメイン名", "a domain name");
}

static void check_arguments(struct spf *spf, enum mechanism mechanism,
			    size_t term, size_t at, size_t end,
			    size_t argument)
{
	const char *value = spf->value, *name = mechanism_names[mechanism];
	bool needs_value = mechanism == MECHANISM_INCLUDE ||
			   mechanism == MECHANISM_EXISTS ||
			   mechanism == MECHANISM_IP4 || mechanism == MECHANISM_IP6;
	size_t domain_end;

	if (mechanism == MECHANISM_ALL) {
		if (at < end)
			REPORT(spf, at, end - at, RECORD_ERROR, "spf-syntax",
			       records_guide_spf_all,
			       "all の後ろには何も付けません。「%.*s」を削除してください",
			       "Nothing follows all. Delete \"%.*s\"",
			       (int)(end - at), value + at);
		return;
	}
	if (at >= end || value[at] != ':') {
		if (needs_value) {
			REPORT(spf, term, end - term, RECORD_ERROR, "spf-missing-value",
			       records_guide_spf_register,
			       "%s の後ろには「:」と%sを書いてください",
			       "After %s write \":\" and %s", name,
			       value_name(spf, mechanism));
			return;
		}
		if (at < end && mechanism != MECHANISM_PTR)
			check_cidr(spf, at, end, mechanism);
		else if (at < end)
			REPORT(spf, at, end - at, RECORD_ERROR, "spf-syntax",
			       records_guide_spf_register,
			       "ptr にはプレフィックス長を付けられません",
			       "ptr cannot take a prefix length");
		return;
	}
	at = argument;
	if (at >= end) {
		REPORT(spf, at - 1, 1, RECORD_ERROR, "spf-missing-value",
		       records_guide_spf_register,
		       "「:」の後ろに%sがありません",
		       "There is no %s after \":\"", value_name(spf, mechanism));
		return;
	}
	if (mechanism == MECHANISM_IP4 || mechanism == MECHANISM_IP6) {
		check_ip(spf, mechanism, at, end);
		return;
	}
	domain_end = at;
	if (mechanism == MECHANISM_A || mechanism == MECHANISM_MX) {
		/* the dual CIDR follows the domain after its last '/' but one
		 * (macros do not hold '/' within their braces here) */
		while (domain_end < end && value[domain_end] != '/')
			domain_end++;
	} else {
		domain_end = end;
	}
	check_domain(spf, at, domain_end, name, false);
	if (domain_end < end)
		check_cidr(spf, domain_end, end, mechanism);
}

static bool is_service_include(const struct spf *spf, size_t start, size_t end)
{
	const char *want = spf->options->spf_include;
	size_t want_length;

	if (want == NULL || *want == '\0')
		return false;
	want_length = strlen(want);
	if (want_length > 0 && want[want_length - 1] == '.')
		want_length--;
	if (end > start && spf->value[end - 1] == '.')
		end--;
	return end - start == want_length &&
	       strncasecmp(spf->value + start, want, want_length) == 0;
}

static void check_all(struct spf *spf, char qualifier, size_t start,
		      size_t length)
{
	static const char *const alls[] = {"+all", "-all", "~all", "?all"};
	const char *written = alls[0];

	for (size_t i = 0; i < 4; i++)
		if (alls[i][0] == qualifier)
			written = alls[i];
	if (spf->seen_all)
		return;	/* a second all is never reached (spf-all-not-last) */
	spf->seen_all = true;
	spf->all_at = start;
	spf->result->summary.all = written;
	if (qualifier == '+' || qualifier == '\0')
		REPORT(spf, start, length, RECORD_ERROR, "spf-plus-all",
		       records_guide_spf_all,
		       "「%s」では、どのサーバから送っても認証に成功してしまいます。"
		       "「~all」(または「-all」)と書いてください",
		       "With \"%s\", mail from any server passes the check. "
		       "Write \"~all\" (or \"-all\")",
		       qualifier ? "+all" : "all");
	else if (qualifier == '?')
		REPORT(spf, start, length, RECORD_WARNING, "spf-neutral-all",
		       records_guide_spf_all,
		       "「?all」は宣言にないサーバを何とも判断しないため、なりすましを"
		       "防げません。「~all」(または「-all」)と書いてください",
		       "\"?all\" says nothing about servers that are not "
		       "listed, so it does not stop spoofing. Write \"~all\" "
		       "(or \"-all\")");
}

static void check_modifier(struct spf *spf, size_t start, size_t name_end,
			   size_t end)
{
	const char *value = spf->value;
	size_t name_length = name_end - start;
	bool redirect = name_length == 8 && strncasecmp(value + start, "redirect", 8) == 0;
	bool exp = name_length == 3 && strncasecmp(value + start, "exp", 3) == 0;

	if (!is_alpha(value[start])) {
		REPORT(spf, start, end - start, RECORD_ERROR, "spf-syntax",
		       records_guide_spf_register,
		       "「%.*s」は書き方が正しくありません",
		       "\"%.*s\" is not written correctly", (int)(end - start),
		       value + start);
		return;
	}
	for (size_t i = start; i < name_end; i++)
		if (!is_alpha(value[i]) && !is_digit(value[i]) &&
		    strchr("-_.", value[i]) == NULL) {
			REPORT(spf, start, end - start, RECORD_ERROR, "spf-syntax",
			       records_guide_spf_register,
			       "「%.*s」は書き方が正しくありません",
			       "\"%.*s\" is not written correctly",
			       (int)(end - start),
			       value + start);
			return;
		}
	if (!redirect && !exp) {
		const char *near = suggestion(value + start, name_length);
		if (near != NULL && strcmp(near, "redirect") != 0 && strcmp(near, "exp") != 0)
			near = NULL;
		REPORT(spf, start, name_length, near ? RECORD_ERROR : RECORD_NOTE,
		       "spf-unknown-modifier", records_guide_spf_register,
		       near ? "「%.*s=」という指定はありません。「%s=」の書き間違いでは"
			      "ありませんか"
			    : "「%.*s=」は知られていない指定のため、受信側では無視されます%s",
		       near ? "There is no \"%.*s=\". Did you mean \"%s=\"?"
			    : "\"%.*s=\" is not a known modifier, so receivers ignore it%s",
		       (int)name_length, value + start, near ? near : "");
		check_macros(spf, name_end + 1, end, false);
		return;
	}
	if ((redirect && spf->has_redirect) || (exp && spf->has_exp)) {
		REPORT(spf, start, end - start, RECORD_ERROR, "spf-duplicate-modifier",
		       records_guide_spf_register,
		       "%s= は1つのレコードに1回しか書けません。2つ目を削除してください",
		       "%s= can appear only once in a record. Delete the "
		       "second one",
		       redirect ? "redirect" : "exp");
		return;
	}
	if (name_end + 1 >= end) {
		REPORT(spf, start, end - start, RECORD_ERROR, "spf-missing-value",
		       records_guide_spf_register,
		       "%s= の後ろにドメイン名がありません",
		       "There is no domain name after %s=",
		       redirect ? "redirect" : "exp");
		return;
	}
	if (redirect) {
		spf->has_redirect = true;
		spf->redirect_at = start;
		spf->redirect_domain = name_end + 1;
		spf->redirect_end = end;
		count_lookup(spf, start, end - start);
	} else {
		spf->has_exp = true;
	}
	check_domain(spf, name_end + 1, end, redirect ? "redirect=" : "exp=", exp);
}

/* One term at [start, end). */
static void check_term(struct spf *spf, size_t start, size_t end);

/* "include:_spf.example.net~all": all glued to the term before it. True
 * when the term was split and both halves checked. */
static bool split_glued_all(struct spf *spf, size_t start, size_t end)
{
	const char *value = spf->value;

	if (end - start < 5 || strncasecmp(value + end - 3, "all", 3) != 0 ||
	    strchr("+-~?", value[end - 4]) == NULL)
		return false;
	REPORT(spf, end - 4, 4, RECORD_ERROR, "spf-all-glued",
	       records_guide_spf_all,
	       "「%.4s」が前の「%.*s」とつながっています。「%.4s」の前に空白を"
	       "1つ入れてください",
	       "\"%.4s\" runs into the preceding \"%.*s\". Put one space "
	       "before \"%.4s\"", value + end - 4, (int)(end - 4 - start),
	       value + start, value + end - 4);
	check_term(spf, start, end - 4);
	check_term(spf, end - 4, end);
	return true;
}

static void check_term(struct spf *spf, size_t start, size_t end)
{
	const char *value = spf->value;
	char qualifier = '\0';
	size_t name = start, name_end, argument;
	enum mechanism mechanism;

	if (split_glued_all(spf, start, end))
		return;
	if (strchr("+-~?", value[name]) != NULL)
		qualifier = value[name++];
	name_end = name;
	while (name_end < end && strchr(":/=", value[name_end]) == NULL)
		name_end++;
	if (name_end < end && value[name_end] == '=' && qualifier == '\0') {
		check_modifier(spf, start, name_end, end);
		return;
	}
	argument = name_end + 1;
	if (spf->joined_end != 0) {
		argument = spf->joined_start;
		end = spf->joined_end;
		spf->joined_end = 0;
	}
	mechanism = find_mechanism(value + name, name_end - name);
	if (mechanism == MECHANISM_NONE && name_end - name > 3 &&
	    strncasecmp(value + name, "all", 3) == 0) {
		/* "~all." "-all;": text after all */
		REPORT(spf, name + 3, name_end - name - 3, RECORD_ERROR,
		       "spf-all-trailing", records_guide_spf_all,
		       "all の後ろに余分な「%.*s」があります。削除してください",
		       "There is an extra \"%.*s\" after all. Delete it",
		       (int)(name_end - name - 3), value + name + 3);
		mechanism = MECHANISM_ALL;
		name_end = name + 3;
		end = name_end;
	}
	if (mechanism == MECHANISM_NONE) {
		const char *near = suggestion(value + name, name_end - name);
		REPORT(spf, start, end - start, RECORD_ERROR, "spf-unknown-mechanism",
		       records_guide_spf_register,
		       near ? "「%.*s」という指定はありません。「%s」の書き間違いでは"
			      "ありませんか"
			    : "「%.*s」という指定はありません。使えるのは include:, a, mx, "
			      "ip4:, ip6:, exists:, ptr, all と redirect=, exp= です%s",
		       near ? "There is no \"%.*s\". Did you mean \"%s\"?"
			    : "There is no \"%.*s\". The terms are include:, a, mx, "
			      "ip4:, ip6:, exists:, ptr, all and redirect=, exp=%s",
		       (int)(name_end - name), value + name, near ? near : "");
		return;
	}
	if (spf->seen_all && !spf->after_all_reported) {
		spf->after_all_reported = true;
		REPORT(spf, start, end - start, RECORD_WARNING, "spf-all-not-last",
		       records_guide_spf_all,
		       "all より後ろの指定は評価されません。「%.*s」は all の前に"
		       "移してください",
		       "Terms after all are never evaluated. Move \"%.*s\" "
		       "before all", (int)(end - start), value + start);
	}
	check_arguments(spf, mechanism, start, name_end, end, argument);
	switch (mechanism) {
	case MECHANISM_ALL:
		check_all(spf, qualifier, start, end - start);
		break;
	case MECHANISM_PTR:
		REPORT(spf, start, end - start, RECORD_WARNING, "spf-ptr",
		       records_guide_spf_register,
		       "ptr は使わないことになっています(RFC 7208)。遅く不確かなため、"
		       "受信側によっては無視されます。ip4: や a に置き換えてください",
		       "ptr should not be used (RFC 7208): it is slow and "
		       "unreliable, and some receivers ignore it. Replace it "
		       "with ip4: or a");
		/* fall through */
	case MECHANISM_INCLUDE:
	case MECHANISM_A:
	case MECHANISM_MX:
	case MECHANISM_EXISTS:
		count_lookup(spf, start, end - start);
		break;
	default:
		break;
	}
	if (mechanism == MECHANISM_INCLUDE && argument < end &&
	    is_service_include(spf, argument, end))
		spf->result->summary.service_include = 1;
}

/* "include:" followed by a space: the next term is what was meant. */
static bool space_after_colon(struct spf *spf, size_t start, size_t end,
			      size_t next)
{
	const char *value = spf->value;

	size_t next_end = next, name_end = next;

	if (end - start < 2 || value[end - 1] != ':' || next >= spf->text->length)
		return false;
	/* "ip4: include:x": the next term is a term of its own */
	while (next_end < spf->text->length && value[next_end] != ' ')
		next_end++;
	if (strchr("+-~?", value[name_end]) != NULL)
		name_end++;
	while (name_end < next_end && strchr(":/=", value[name_end]) == NULL)
		name_end++;
	if ((name_end < next_end && value[name_end] == '=') ||
	    find_mechanism(value + next + (strchr("+-~?", value[next]) != NULL),
			   name_end - next - (strchr("+-~?", value[next]) != NULL)) !=
		    MECHANISM_NONE)
		return false;
	REPORT(spf, end - 1, next - end + 1, RECORD_ERROR, "spf-space-after-colon",
	       records_guide_spf_mistakes,
	       "「:」の後ろに空白があります。「%.*s」と空白を入れずに続けて"
	       "書いてください",
	       "There is a space after \":\". Write \"%.*s\" with no space",
	       (int)(end - start), value + start);
	return true;
}

static void check_version(struct spf *spf)
{
	const char *value = spf->value;
	size_t length = spf->text->length;

	if (records_starts_with_word(value, length, "v=spf1", "")) {
		spf->result->summary.lookups = 0;
		return;
	}
	if (records_starts_with_word(value, length, "v=DMARC1", ";"))
		REPORT(spf, 0, 8, RECORD_ERROR, "spf-version",
		       records_guide_spf_register,
		       "これはDMARCのレコードです。SPFのレコードは「v=spf1」で始めます。"
		       "DMARCのレコードは _dmarc. を付けた名前に登録してください",
		       "This is a DMARC record. An SPF record starts with "
		       "\"v=spf1\". Publish the DMARC record at the name "
		       "with _dmarc. in front");
	else if (records_starts_with_word(value, length, "v=DKIM1", ";"))
		REPORT(spf, 0, 7, RECORD_ERROR, "spf-version",
		       records_guide_spf_register,
		       "これはDKIMの公開鍵のレコードです。SPFのレコードは「v=spf1」で"
		       "始めます。DKIMのレコードは セレクタ._domainkey. を付けた名前に"
		       "登録してください",
		       "This is a DKIM public key record. An SPF record "
		       "starts with \"v=spf1\". Publish the DKIM record at "
		       "the name with selector._domainkey. in front");
	else if (length > 6 && strncasecmp(value, "v=spf1", 6) == 0)
		REPORT(spf, 6, 0, RECORD_ERROR, "spf-version",
		       records_guide_spf_register,
		       "「v=spf1」の後ろに空白を1つ入れてから続けてください",
		       "Put one space after \"v=spf1\" before the rest");
	else
		REPORT(spf, 0, length < 6 ? length : 6, RECORD_ERROR, "spf-version",
		       records_guide_spf_register,
		       "SPFのレコードは「v=spf1」で始めます(例: v=spf1 include:%s ~all)",
		       "An SPF record starts with \"v=spf1\" (for example: "
		       "v=spf1 include:%s ~all)",
		       spf->options->spf_include && *spf->options->spf_include
			       ? spf->options->spf_include
			       : "_spf.example.net");
}

/* How many bytes of separator start at: spaces, and what a customer
 * may have typed for one (tab, line break, U+3000 IDEOGRAPHIC SPACE,
 * which a Japanese input method gives); 0 when none. */
static size_t separator_length(const char *value, size_t at, size_t length)
{
	if (at >= length)
		return 0;
	if (strchr(" \t\r\n", value[at]) != NULL)
		return 1;
	if (at + 3 <= length && memcmp(value + at, "\xE3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

/* Only spaces separate terms: the first other separator is an error. */
static void check_whitespace(struct spf *spf)
{
	for (size_t i = 0; i < spf->text->length; i++) {
		size_t length = separator_length(spf->value, i, spf->text->length);
		if (length == 3) {
			REPORT(spf, i, 3, RECORD_ERROR, "spf-whitespace",
			       records_guide_spf_mistakes,
			       "全角の空白が含まれています。指定と指定の間は半角の空白で"
			       "区切ってください",
			       "There is a full-width space. Separate terms "
			       "with ordinary (half-width) spaces");
			return;
		}
		if (length == 1 && spf->value[i] != ' ') {
			REPORT(spf, i, 1, RECORD_ERROR, "spf-whitespace",
			       records_guide_spf_mistakes,
			       "タブや改行が含まれています。指定と指定の間は半角の空白1つで"
			       "区切り、1行に書いてください",
			       "There is a tab or a line break. Separate "
			       "terms with one ordinary space and write the "
			       "record on one line");
			return;
		}
	}
}

static void check_service_include(struct spf *spf)
{
	const char *want = spf->options->spf_include;
	size_t at = spf->seen_all ? spf->all_at : spf->text->length;

	if (want == NULL || *want == '\0')
		return;
	if (spf->result->summary.service_include == 1)
		return;
	if (spf->has_redirect &&
	    is_service_include(spf, spf->redirect_domain, spf->redirect_end)) {
		spf->result->summary.service_include = 1;
		return;
	}
	spf->result->summary.service_include = 0;
	REPORT(spf, at, 0, RECORD_ERROR, "spf-include-missing",
	       records_guide_spf_register,
	       "当サービスの「include:%s」がありません。all の前に「include:%s」を"
	       "書き足してください",
	       "The service's \"include:%s\" is missing. Add \"include:%s\" "
	       "before all", want, want);
}

void records_check_spf(struct record_result *result,
		       const struct record_text *text,
		       const struct record_options *options)
{
	struct spf spf = {.result = result, .text = text, .options = options,
			  .value = text->value};
	size_t at;

	check_version(&spf);
	if (result->summary.lookups < 0)
		return;
	check_whitespace(&spf);
	at = 6;
	while (at < text->length) {
		size_t start, end, next, skip;

		while ((skip = separator_length(text->value, at, text->length)) > 0)
			at += skip;
		if (at >= text->length)
			break;
		start = at;
		while (at < text->length &&
		       separator_length(text->value, at, text->length) == 0)
			at++;
		end = at;
		next = at;
		while ((skip = separator_length(text->value, next, text->length)) > 0)
			next += skip;
		if (space_after_colon(&spf, start, end, next)) {
			size_t next_end = next;
			while (next_end < text->length &&
			       separator_length(text->value, next_end, text->length) == 0)
				next_end++;
			/* checked as if written together, without the space */
			spf.joined_start = next;
			spf.joined_end = next_end;
			check_term(&spf, start, end);
			spf.joined_end = 0;
			at = next_end;
			continue;
		}
		check_term(&spf, start, end);
	}
	if (spf.has_redirect && spf.seen_all)
		REPORT(&spf, spf.redirect_at, 8, RECORD_WARNING, "spf-redirect-ignored",
		       records_guide_spf_all,
		       "all があるため redirect= は使われません。どちらか一方にしてください",
		       "redirect= is not used because there is an all. Keep "
		       "only one of them");
	if (!spf.seen_all && !spf.has_redirect)
		REPORT(&spf, text->length, 0, RECORD_NOTE, "spf-no-all",
		       records_guide_spf_all,
		       "末尾に all がありません。宣言にないサーバの扱いが決まらないため、"
		       "最後に「~all」(または「-all」)を書いてください",
		       "There is no all at the end, so servers that are not "
		       "listed are left undecided. End the record with "
		       "\"~all\" (or \"-all\")");
	check_service_include(&spf);
	if (text->length > SPF_SIZE_MAX)
		REPORT(&spf, SPF_SIZE_MAX, text->length - SPF_SIZE_MAX, RECORD_WARNING, "spf-too-long",
		       records_guide_spf_lookups,
		       "レコードが%zuバイトあります。%dバイトを超えると受信側が読み取れない"
		       "ことがあります。使っていない指定を削除してください",
		       "The record is %zu bytes long. Receivers may fail to "
		       "read a record longer than %d bytes. Delete terms you "
		       "do not use",
		       text->length, SPF_SIZE_MAX);
	result->summary.lookups = spf.lookups;
}
