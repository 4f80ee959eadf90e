/*
 * test_records.c — the record checker (content/records.h), table-driven:
 * each record (good and bad, every check at least once) with the exact
 * diagnostics it gets (column+length:severity:code, in order) and its
 * summary; then the guides, the text and JSON output, and the limits.
 *
 * The keys are test keys made with openssl genpkey for these tests (RSA
 * 512 to 4096 bits, ed25519), as their SubjectPublicKeyInfo DER in
 * base64; KEY1024_PKCS1 is the 1024-bit one as a bare RSAPublicKey.
 * In a text, @NAME@ stands for a key, @NAME:N@ for its first N
 * characters, and @NAME|N@ or @NAME|N|M@ for it split into DNS strings
 * (`" "` inserted) after N and M characters.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "content/records.h"
#include "test.h"

#define KEY512 \
	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALCp2/D1H7NaNstAYizkH09VYDSg2qdN8qX2px" \
	"5nerWUo/lKnF81USIYO5EQhaD18ZHtDMVbWq5iDnfTMzt1udsCAwEAAQ=="
#define KEY1024 \
	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCr2kqLC9SxRZSeT6ZSzSuIKgu5d4k10R" \
	"K0ZXRcXaC7nVPl4EgyuZfF4tOkXCLNvvojcrhfEMhJq0JCI0TCZxKPg3pUgtWcXFqxz1uJ" \
	"qwhT4KxLBJ5EJsaJ9n60pC+mVIFpgkTAFLXKDRjTU5l7ak030fLM/Kc1i5K4s5yeOGmbbw" \
	"IDAQAB"
#define KEY1536 \
	"MIHfMA0GCSqGSIb3DQEBAQUAA4HNADCByQKBwQC0RPZ3rMZORupHW+eXTaT2fDlnnSaHeM" \
	"EOZ4RiBPZYbV48GuvDxSkePsY96NT7mbCJ4lIxtL7VYgZTLhkS7krlH3IoYfkm+CWZNROr" \
	"ADw7c5PDGWjNYKtk9sbJtc5EllMSKOeXRY4svGXLwjKnGPO3OBpb0GMIZ6CHlZkXd5L3OI" \
	"6Qam2pBdGyvjCAYYUAX6TIa/UU1IVnHVJtJeSWRE+98oFkZrwIg2g5KWsl249mXgLubihN" \
	"nPJe8aWDueI3pvcCAwEAAQ=="
#define KEY2048 \
	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkjaDYOGqH77fF+v2AzWm6Ax7eG" \
	"leBjngh/t8R9EHAnNm8W9GBCZREEUiHAwdQJ1mwvRdNKr/Rf27z732cZISxuotLZM5MvvN" \
	"+tkZdYYiYwsVXyH74Ga81UD1M7FpvxZ8Y6bndI9SS3yvzkH/c0RuRtyWImEAgGJ/VonzFf" \
	"9tfl5VkmrGgdzKUeBkKP0P9QmvQRNpXl4pQkg6JysAWzl19/ClDQNaXbGBy09hyM7Keij9" \
	"fTs7Ho+zHeHXu3XHoxQDETq3fc6z1IhLR0M4SsWIdno5OnRmdjEHfiCD8pJoq7jSu+ez0H" \
	"7To9i3G56oo/16afY+gOZ6mFr+5ywkH3bhWQIDAQAB"
#define KEY4096 \
	"MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAk7Gr9pXG0OGHBCcqo2SK9m3SiR" \
	"OrJMX76kUZdeayMNuk8NIihJnI+dS+EXtEzefUbaT6L9z3242VPNXRgUdzxbibbpd15fqW" \
	"wqIL2skzXQLExgNPYHAWYFYvWqiMNxcNGxOah2LZwdLwppwnpHebZ1tqjKbbJzCa/1+ZZi" \
	"D4S5oNoMn3CtgA3JOt5Gb+zceWOWH7a/a8Lp0WDABANcDux5UmLctE9ZitggDcVs+mW04Y" \
	"bRF1GtOJXFUKzsdZTxYsHCHOeCPQKTVQTs8bK7qWAYDywkSJomLG+ffpwb+Dq4HK/kK3oR" \
	"S0Ko/gP4WoXAIaVyC2YXVHsOvR0/uIf3b/fkXaOCja24P47nY6Dh8ySKfUxovL0c5g6gWR" \
	"6UqQZxbczAKMdxA+aVXGXFZQFfnARICQZF3sPIEIQhDJC2Gt8+uN/FSsnbyMN4BMzqITuC" \
	"/D+G/1qcCDMbjEg3vWnyQbfP49CAZ4wpOemCarXWw+xHNAW3o2tnbgZyFcQyCDUtc4HRh0" \
	"58Q7k/ItX5R0czvra1qlMcOSEv+xf/HhUH5AsYuXJ8ARi2g71uPzuZqLxijFomewjjdr35" \
	"t7Okycb3vtodzK+/O79CrXHBvYIoKbr7EGg8k7RAfyDhp3nhTyujpvIw6d+7cUOmKQiEeu" \
	"Sc3yWXzHVPAG56cHA017gAuqwZ0CAwEAAQ=="
#define KEY1024_PKCS1 \
	"MIGJAoGBAKvaSosL1LFFlJ5PplLNK4gqC7l3iTXRErRldFxdoLudU+XgSDK5l8Xi06RcIs" \
	"2++iNyuF8QyEmrQkIjRMJnEo+DelSC1ZxcWrHPW4mrCFPgrEsEnkQmxon2frSkL6ZUgWmC" \
	"RMAUtcoNGNNTmXtqTTfR8sz8pzWLkriznJ44aZtvAgMBAAE="
#define KEY_ED25519 \
	"AMHYQ1gLJvsQiXKBP7+1zGcIClgPZdUWWWlXZv51mD8="
#define KEY_ED25519_SPKI \
	"MCowBQYDK2VwAyEAAMHYQ1gLJvsQiXKBP7+1zGcIClgPZdUWWWlXZv51mD8="

static const struct {
	const char *key;
	const char *name;
} keys[] = {
	{KEY512, "KEY512"}, {KEY1024, "KEY1024"}, {KEY1536, "KEY1536"},
	{KEY2048, "KEY2048"}, {KEY4096, "KEY4096"},
	{KEY1024_PKCS1, "KEY1024_PKCS1"}, {KEY_ED25519, "KEY_ED25519"},
	{KEY_ED25519_SPKI, "KEY_ED25519_SPKI"},
};

/* The text with its @...@ key references expanded. The caller frees. */
static char *expand(const char *text)
{
	struct buf out = {0};

	while (*text) {
		const char *end;
		char name[32];
		size_t name_length, cuts[2] = {0, 0}, cut_count = 0, prefix = 0;
		const char *key = NULL;

		if (*text != '@' || (end = strchr(text + 1, '@')) == NULL) {
			buf_addc(&out, *text++);
			continue;
		}
		name_length = strcspn(text + 1, ":|@");
		if (name_length >= sizeof name)
			name_length = sizeof name - 1;
		memcpy(name, text + 1, name_length);
		name[name_length] = '\0';
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (strcmp(keys[i].name, name) == 0)
				key = keys[i].key;
		if (key == NULL) {
			buf_addc(&out, *text++);
			continue;
		}
		for (const char *c = text + 1 + name_length; c < end;) {
			char kind = *c++;
			size_t number = strtoul(c, NULL, 10);
			while (*c >= '0' && *c <= '9')
				c++;
			if (kind == ':')
				prefix = number;
			else if (cut_count < 2)
				cuts[cut_count++] = number;
		}
		for (size_t i = 0; key[i] && (prefix == 0 || i < prefix); i++) {
			for (size_t k = 0; k < cut_count; k++)
				if (cuts[k] == i && i > 0)
					buf_adds(&out, "\" \"");
			buf_addc(&out, key[i]);
		}
		text = end + 1;
	}
	return buf_detach(&out);
}

struct record_case {
	enum record_kind kind;
	const char *text;
	const char *diagnostics;	/* "column+length:severity:code ..." */
	const char *summary;
	const char *second;		/* a second SPF record of the domain */
	const char *include;		/* NULL: _spf.example.net; "": none */
	const char *domain, *selector;
};

/* The table leaves the rarely used last fields out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define SPF RECORD_SPF
#define DKIM RECORD_DKIM
#define DMARC RECORD_DMARC
#define INC "include:_spf.example.net"

static const struct record_case cases[] = {
	/* ---- SPF: good records */
	{SPF, "v=spf1 " INC " ~all", "", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip4:192.0.2.10 include:_spf.example.com " INC " -all", "",
	 "lookups=2 all=-all include=yes"},
	{SPF, "V=SPF1 INCLUDE:_SPF.EXAMPLE.NET ~ALL", "",
	 "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip6:2001:db8::/32 ip4:192.0.2.0/24 a/24//64 mx:mail.example.jp " INC " -all",
	 "", "lookups=3 all=-all include=yes"},
	{SPF, "v=spf1 exists:%{i}.spf.example.net redirect=_spf.example.net", "",
	 "lookups=2 all=- include=yes"},
	{SPF, "v=spf1 " INC " exp=explain.%{d}.example.jp -all", "",
	 "lookups=1 all=-all include=yes"},
	{SPF, "v=spf1 include:_spf.example.net  ~all  ", "",
	 "lookups=1 all=~all include=yes"},
	{SPF, "\"v=spf1 " INC " \" \"~all\"", "", "lookups=1 all=~all include=yes"},
	{SPF, "example.jp. 300 IN TXT \"v=spf1 " INC " ~all\"", "",
	 "name=example.jp. lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 mx ~all", "", "lookups=1 all=~all include=-", NULL, ""},
	{SPF, "v=spf1 a mx include:a.example include:b.example include:c.example "
	      "include:d.example include:e.example include:f.example " INC
	      " include:g.example ~all",
	 "", "lookups=10 all=~all include=yes"},
	/* ---- SPF: all */
	{SPF, "v=spf1 a mx " INC " +all", "38+4:error:spf-plus-all", "lookups=3 all=+all include=yes"},
	{SPF, "v=spf1 " INC " all", "33+3:error:spf-plus-all", "lookups=1 all=+all include=yes"},
	{SPF, "v=spf1 " INC " ?all", "33+4:warning:spf-neutral-all", "lookups=1 all=?all include=yes"},
	{SPF, "v=spf1 " INC, "32+1:note:spf-no-all", "lookups=1 all=- include=yes"},
	{SPF, "v=spf1 " INC " ~all mx", "38+2:warning:spf-all-not-last", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 " INC "~all", "32+4:error:spf-all-glued", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip4:192.0.2.1-all " INC, "21+4:error:spf-all-glued 26+24:warning:spf-all-not-last", "lookups=1 all=-all include=yes"},
	{SPF, "v=spf1 " INC " ~all.", "37+1:error:spf-all-trailing", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 " INC " -all:x", "37+2:error:spf-syntax", "lookups=1 all=-all include=yes"},
	{SPF, "v=spf1 " INC " ~all redirect=_spf.example.com", "38+8:warning:spf-redirect-ignored", "lookups=2 all=~all include=yes"},
	/* ---- SPF: mechanisms and lookups */
	{SPF, "v=spf1 ptr " INC " ~all", "8+3:warning:spf-ptr", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 a mx include:a.example include:b.example include:c.example "
	      "include:d.example include:e.example include:f.example include:g.example "
	      INC " include:h.example ~all", "164+17:error:spf-lookups", "lookups=11 all=~all include=yes"},
	{SPF, "v=spf1 inlcude:_spf.example.net ~all", "8+24:error:spf-unknown-mechanism 33+1:error:spf-include-missing", "lookups=0 all=~all include=no"},
	{SPF, "v=spf1 ipv4:192.0.2.1 " INC " ~all", "8+14:error:spf-unknown-mechanism", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 spf:example.jp " INC " ~all", "8+14:error:spf-unknown-mechanism", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 include: _spf.example.net ~all", "15+2:error:spf-space-after-colon", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 include " INC " ~all", "8+7:error:spf-missing-value", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 ip4: " INC " ~all", "11+1:error:spf-missing-value", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 include:_spf..example.net " INC " ~all", "16+17:error:spf-bad-domain", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 include:192.0.2.1 " INC " ~all", "16+9:error:spf-bad-domain", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 include:localhost " INC " ~all", "16+9:error:spf-bad-domain", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 a:mail.example.123 " INC " ~all", "10+16:error:spf-bad-domain",
	 "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 a:-bad.example.jp " INC " ~all", "10+15:error:spf-bad-domain", "lookups=2 all=~all include=yes"},
	/* ---- SPF: addresses */
	{SPF, "v=spf1 ip4:192.0.2.300 " INC " ~all", "12+11:error:spf-bad-ip4", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip4:2001:db8::1 " INC " ~all", "12+11:error:spf-bad-ip4", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip6:192.0.2.1 " INC " ~all", "12+9:error:spf-bad-ip6", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip6:2001:db8:::1 " INC " ~all", "12+12:error:spf-bad-ip6", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip4:192.0.2.0/33 " INC " ~all", "21+3:error:spf-bad-cidr", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip4:192.0.2.0/08 " INC " ~all", "21+3:error:spf-bad-cidr", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 ip6:2001:db8::/129 " INC " ~all", "22+4:error:spf-bad-cidr", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 mx/24//129 " INC " ~all", "13+5:error:spf-bad-cidr", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 a/40 " INC " ~all", "9+3:error:spf-bad-cidr", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 ptr/24 " INC " ~all", "8+6:warning:spf-ptr 11+3:error:spf-syntax", "lookups=2 all=~all include=yes"},
	/* ---- SPF: modifiers and macros */
	{SPF, "v=spf1 redirect=_spf.example.net redirect=_spf.example.com", "34+25:error:spf-duplicate-modifier", "lookups=1 all=- include=yes"},
	{SPF, "v=spf1 " INC " exp=a.example.jp exp=b.example.jp ~all", "50+16:error:spf-duplicate-modifier", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 " INC " foo=bar ~all", "33+3:note:spf-unknown-modifier", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 redirct=_spf.example.net", "8+7:error:spf-unknown-modifier 32+1:note:spf-no-all 32+1:error:spf-include-missing", "lookups=0 all=- include=no"},
	{SPF, "v=spf1 redirect= ~all " INC, "8+9:error:spf-missing-value 23+24:warning:spf-all-not-last", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 exists:%{z}.example.jp " INC " ~all", "15+1:error:spf-bad-macro", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 exists:%{c}.example.jp " INC " ~all", "15+1:error:spf-bad-macro", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 exists:100%.example.jp " INC " ~all", "18+2:error:spf-bad-macro", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 exists:%{d.example.jp " INC " ~all", "15+1:error:spf-bad-macro", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 exists:%{ir}.%{v}._spf.%{d2}.x%%-%_.example.jp " INC " ~all", "", "lookups=2 all=~all include=yes"},
	/* ---- SPF: the record as a whole */
	{SPF, "v=spf2.0/pra " INC " ~all", "1+6:error:spf-version", "lookups=-1 all=- include=-"},
	{SPF, "v=DMARC1; p=none", "1+8:error:spf-version", "lookups=-1 all=- include=-"},
	{SPF, "v=DKIM1; p=", "1+7:error:spf-version", "lookups=-1 all=- include=-"},
	{SPF, "v=spf1" INC " ~all", "7+1:error:spf-version", "lookups=-1 all=- include=-"},
	{SPF, "v=spf1 mx\t" INC " ~all", "10+1:error:spf-whitespace", "lookups=2 all=~all include=yes"},
	{SPF, "v=spf1 mx ~all", "11+1:error:spf-include-missing", "lookups=1 all=~all include=no"},
	{SPF, "v=spf1 " INC " ~all", "1+6:error:spf-multiple", "lookups=1 all=~all include=yes", "v=spf1 mx ~all"},
	{SPF, "\"v=spf1 " INC " ~all", "1+1:error:txt-unclosed-quote", "lookups=1 all=~all include=yes"},
	{SPF, "\"v=spf1 " INC "\" ~all", "33+1:note:spf-no-all 35+4:error:txt-outside-quotes", "lookups=1 all=- include=yes"},
	{SPF, "\"v=spf1 " INC " ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 "
	      "ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 "
	      "ip4:192.0.2.10 ip4:192.0.2.11 ip4:192.0.2.12 ip4:192.0.2.13 ip4:192.0.2.14 "
	      "ip4:192.0.2.15 ip4:192.0.2.16 ip4:192.0.2.17 ip4:192.0.2.18 ip4:192.0.2.19 ~all\"", "257+57:error:txt-string-long", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 " INC " ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 "
	      "ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 "
	      "ip4:192.0.2.10 ip4:192.0.2.11 ip4:192.0.2.12 ip4:192.0.2.13 ip4:192.0.2.14 "
	      "ip4:192.0.2.15 ip4:192.0.2.16 ip4:192.0.2.17 ip4:192.0.2.18 ip4:192.0.2.19 ~all", "256+57:note:txt-string-long", "lookups=1 all=~all include=yes"},
	{SPF, "v=spf1 " INC " ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 ip4:192.0.2.4 "
	      "ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 ip4:192.0.2.8 ip4:192.0.2.9 "
	      "ip4:192.0.2.10 ip4:192.0.2.11 ip4:192.0.2.12 ip4:192.0.2.13 ip4:192.0.2.14 "
	      "ip4:192.0.2.15 ip4:192.0.2.16 ip4:192.0.2.17 ip4:192.0.2.18 ip4:192.0.2.19 "
	      "ip4:192.0.2.20 ip4:192.0.2.21 ip4:192.0.2.22 ip4:192.0.2.23 ip4:192.0.2.24 "
	      "ip4:192.0.2.25 ip4:192.0.2.26 ip4:192.0.2.27 ip4:192.0.2.28 ip4:192.0.2.29 ip4:192.0.2.30 ip4:192.0.2.31 ~all", "256+237:note:txt-string-long 451+42:warning:spf-too-long", "lookups=1 all=~all include=yes"},
	/* ---- DKIM */
	{DKIM, "v=DKIM1; k=rsa; p=@KEY2048@", "256+155:note:txt-string-long", "rsa/2048"},
	{DKIM, "\"v=DKIM1; k=rsa; p=@KEY2048|230@\"", "", "rsa/2048"},
	{DKIM, "\"v=DKIM1; k=rsa; p=@KEY4096|237|487@\"", "", "rsa/4096"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY1024@", "19+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY1536@", "19+304:warning:dkim-key-1024 256+67:note:txt-string-long", "rsa/1536"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY512@", "19+128:error:dkim-key-short", "rsa/512"},
	{DKIM, "p=@KEY1024@", "3+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; k=ed25519; p=@KEY_ED25519@", "", "ed25519/256"},
	{DKIM, "v=DKIM1; p=@KEY_ED25519@", "12+44:error:dkim-key-type", "ed25519/256"},
	{DKIM, "v=DKIM1; k=ed25519; p=@KEY_ED25519_SPKI@", "23+60:error:dkim-key-invalid", "ed25519/256"},
	{DKIM, "v=DKIM1; p=@KEY_ED25519_SPKI@", "12+60:error:dkim-key-type", "ed25519/256"},
	{DKIM, "v=DKIM1; k=ed25519; p=@KEY1024@", "23+216:error:dkim-key-invalid", "ed25519/0"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY1024_PKCS1@", "19+188:error:dkim-key-invalid 19+188:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; k=rsa; p=", "17+2:error:dkim-revoked", "rsa/0 revoked"},
	{DKIM, "v=DKIM1; k=rsa", "15+1:error:dkim-no-key", "rsa/0"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY2048:237@", "19+237:error:dkim-key-truncated", "rsa/0"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY2048:236@", "19+236:error:dkim-key-truncated", "rsa/0"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY2048|200@", "219+1:error:dkim-key-split 256+158:note:txt-string-long", "rsa/0"},
	{DKIM, "v=DKIM1; k=rsa; p=MIGf*@KEY1024@", "23+1:error:dkim-key-base64", "rsa/0"},
	{DKIM, "v=DKIM1; k=rsa; p=@KEY1024:100@ @KEY1024:40@", "19+141:error:dkim-key-truncated", "rsa/0"},
	{DKIM, "k=rsa; v=DKIM1; p=@KEY1024@", "8+7:error:dkim-version 19+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=dkim1; p=@KEY1024@", "3+5:error:dkim-version 12+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; k=dsa; p=@KEY1024@", "12+3:error:dkim-key-type 19+216:warning:dkim-key-1024", "-/1024"},
	{DKIM, "v=DKIM1; t=y; p=@KEY1024@", "10+3:note:dkim-testing 17+216:warning:dkim-key-1024", "rsa/1024 testing"},
	{DKIM, "v=DKIM1; h=sha1; p=@KEY1024@", "12+4:warning:dkim-hash 20+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; h=md5; p=@KEY1024@", "12+3:error:dkim-hash 19+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; h=sha1:sha256; s=email; t=s; p=@KEY1024@", "41+216:warning:dkim-key-1024 256+1:note:txt-string-long", "rsa/1024"},
	{DKIM, "v=DKIM1; s=tls; p=@KEY1024@", "12+3:error:dkim-service 19+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; p=@KEY1024@; p=@KEY1024@", "12+216:warning:dkim-key-1024 230+218:error:dkim-duplicate-tag 256+192:note:txt-string-long", "rsa/1024"},
	{DKIM, "v=DKIM1; k rsa; p=@KEY1024@", "10+5:error:dkim-syntax 19+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; 1k=rsa; p=@KEY1024@", "10+6:error:dkim-syntax 20+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=DKIM1; P=@KEY1024@", "10+1:error:dkim-unknown-tag 228+1:error:dkim-no-key", "rsa/0"},
	{DKIM, "v=DKIM1; x=1; p=@KEY1024@", "10+1:note:dkim-unknown-tag 17+216:warning:dkim-key-1024", "rsa/1024"},
	{DKIM, "v=spf1 " INC " ~all", "1+6:error:dkim-version", "-/0"},
	{DKIM, "sel._domainkey.example.jp. 300 IN TXT \"v=DKIM1; p=@KEY1024@\"",
	 "51+216:warning:dkim-key-1024", "name=sel._domainkey.example.jp. rsa/1024", NULL, NULL, "example.jp", "sel"},
	{DKIM, "sel._domainkey.example.jp.example.jp. 300 IN TXT \"v=DKIM1; p=@KEY1024@\"",
	 "26+11:error:dkim-name 62+216:warning:dkim-key-1024", "name=sel._domainkey.example.jp.example.jp. rsa/1024", NULL, NULL, "example.jp"},
	{DKIM, "example.jp TXT \"v=DKIM1; p=@KEY1024@\"", "1+10:error:dkim-name 28+216:warning:dkim-key-1024", "name=example.jp rsa/1024"},
	{DKIM, "s1._domainkey.example.jp TXT \"v=DKIM1; p=@KEY1024@\"", "1+2:error:dkim-name 42+216:warning:dkim-key-1024", "name=s1._domainkey.example.jp rsa/1024",
	 NULL, NULL, "example.jp", "s2"},
	{DKIM, "s1._domainkey.example.com TXT v=DKIM1; p=@KEY1024@", "15+11:error:dkim-name 42+216:warning:dkim-key-1024", "name=s1._domainkey.example.com rsa/1024",
	 NULL, NULL, "example.jp"},
	/* ---- DMARC */
	{DMARC, "v=DMARC1; p=reject; rua=mailto:dmarc@example.jp", "", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=quarantine; sp=reject; pct=100; adkim=s; aspf=r; "
		"rua=mailto:a@example.jp,mailto:b@example.jp!10m; ruf=mailto:f@example.jp; "
		"fo=1:d; rf=afrf; ri=86400", "", "p=quarantine sp=reject pct=100"},
	{DMARC, "v=DMARC1; p=none; rua=mailto:dmarc-report@example.jp", "11+6:note:dmarc-none", "p=none sp=- pct=100"},
	{DMARC, "p=none; v=DMARC1", "1+6:note:dmarc-none 9+8:error:dmarc-version", "p=none sp=- pct=100"},
	{DMARC, "p=none", "1+1:error:dmarc-version 1+6:note:dmarc-none", "p=none sp=- pct=100"},
	{DMARC, "v=dmarc1; p=none", "3+6:error:dmarc-version 11+6:note:dmarc-none", "p=none sp=- pct=100"},
	{DMARC, "v=DMARC1; rua=mailto:dmarc@example.jp", "38+1:error:dmarc-no-policy", "p=- sp=- pct=100"},
	{DMARC, "v=DMARC1; p=block", "13+5:error:dmarc-policy", "p=- sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; sp=all", "24+3:error:dmarc-policy", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; pct=50", "21+6:note:dmarc-pct", "p=reject sp=- pct=50"},
	{DMARC, "v=DMARC1; p=reject; pct=150", "25+3:error:dmarc-pct", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; adkim=x; aspf=strict", "27+1:error:dmarc-alignment 35+6:error:dmarc-alignment", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; rua=dmarc@example.jp", "25+16:error:dmarc-uri", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; rua=https://example.jp/report", "25+25:error:dmarc-uri", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; rua=mailto:dmarc@", "32+6:error:dmarc-uri", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; rua=mailto:a@example.jp!10x", "44+4:error:dmarc-uri", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; ruf=", "21+4:error:dmarc-uri", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; rua2=mailto:a@example.jp", "21+4:warning:dmarc-unknown-tag", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; p=none", "21+6:error:dmarc-duplicate-tag", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p=reject; fo=2; rf=xml; ri=day", "24+1:error:dmarc-value 30+3:error:dmarc-value 38+3:error:dmarc-value", "p=reject sp=- pct=100"},
	{DMARC, "v=DMARC1; p reject; =none",
	 "11+8:error:dmarc-syntax 21+5:error:dmarc-syntax 26+1:error:dmarc-no-policy",
	 "p=- sp=- pct=100"},
	{DMARC, "v=DMARC1 p=reject", "9+1:error:dmarc-version 18+1:error:dmarc-no-policy", "p=- sp=- pct=100"},
	{DMARC, "v=spf1 " INC " ~all", "1+6:error:dmarc-version", "p=- sp=- pct=100"},
	{DMARC, "_dmarc.example.jp. 300 IN TXT \"v=DMARC1; p=reject\"", "", "name=_dmarc.example.jp. p=reject sp=- pct=100",
	 NULL, NULL, "example.jp"},
	{DMARC, "example.jp. 300 IN TXT \"v=DMARC1; p=reject\"", "1+11:error:dmarc-name", "name=example.jp. p=reject sp=- pct=100"},
	{DMARC, "_dmarc.example.com IN TXT \"v=DMARC1; p=reject\"", "8+11:error:dmarc-name", "name=_dmarc.example.com p=reject sp=- pct=100",
	 NULL, NULL, "example.jp"},
};

static char *diagnostics_of(const struct record_result *result)
{
	struct buf out = {0};

	for (size_t i = 0; i < result->diagnostic_count; i++) {
		const struct record_diagnostic *d = &result->diagnostics[i];
		buf_printf(&out, "%s%u+%u:%s:%s", i ? " " : "", d->column,
			   d->length, records_severity_name(d->severity), d->code);
	}
	return buf_detach(&out);
}

static char *summary_of(const struct record_result *result)
{
	const struct record_summary *s = &result->summary;
	struct buf out = {0};

	if (s->name != NULL)
		buf_printf(&out, "name=%s ", s->name);
	if (result->kind == RECORD_SPF)
		buf_printf(&out, "lookups=%d all=%s include=%s", s->lookups,
			   s->all ? s->all : "-",
			   s->service_include < 0 ? "-" : s->service_include ? "yes" : "no");
	else if (result->kind == RECORD_DKIM)
		buf_printf(&out, "%s/%u%s%s", s->key_type ? s->key_type : "-",
			   s->key_bits, s->revoked ? " revoked" : "",
			   s->testing ? " testing" : "");
	else
		buf_printf(&out, "p=%s sp=%s pct=%d", s->policy ? s->policy : "-",
			   s->subdomain_policy ? s->subdomain_policy : "-", s->pct);
	return buf_detach(&out);
}

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct record_case *c = &cases[i];
		struct record_options options = {
			.spf_include = c->include ? c->include : "_spf.example.net",
			.domain = c->domain, .selector = c->selector,
		};
		struct record_set set = {0};
		char *text = expand(c->text), *what, *got;
		const struct record_result *result;
		int rc = 0;

		if (c->second != NULL)
			rc = records_add(&set, c->kind, c->second, strlen(c->second),
					 &options);
		rc |= records_add(&set, c->kind, text, strlen(text), &options);
		what = xasprintf("case %zu (%s: %.50s)", i + 1,
				 records_kind_name(c->kind), c->text);
		CHECK(rc == 0 && set.count == (c->second ? 2u : 1u), what);
		if (rc == 0) {
			result = &set.records[set.count - 1];
			got = diagnostics_of(result);
			CHECK_STR(got, c->diagnostics, what);
			free(got);
			got = summary_of(result);
			CHECK_STR(got, c->summary, what);
			free(got);
		}
		free(what);
		free(text);
		records_free(&set);
	}
}

/* Each diagnostic links the heading that explains its fix. */
static void test_guides(void)
{
	struct record_set set = {0};
	char *path;
	const char *text = "v=spf1 a mx +all";

	records_add(&set, RECORD_SPF, text, strlen(text), NULL);
	CHECK(set.count == 1 && set.records[0].diagnostic_count == 1,
	      "guides: one diagnostic");
	if (set.count == 1 && set.records[0].diagnostic_count == 1) {
		path = records_guide_path(set.records[0].diagnostics[0].guide);
		CHECK_STR(path, "deliverability/spf/#末尾のallの意味",
			  "guides: +all links the all heading");
		free(path);
	}
	path = records_guide_path(&(struct record_guide){
		"deliverability/spf/", "手順2 TXTレコードを登録する"});
	CHECK_STR(path, "deliverability/spf/#手順2-txtレコードを登録する",
		  "guides: the anchor is the heading's slug");
	free(path);
	records_free(&set);
}

/* The text output: the record on one line, the caret under the column
 * (a full-width character counted as two columns), the message under
 * it; a summary per record; the counts. */
static void test_text(void)
{
	struct record_set set = {0};
	struct record_options options = {.spf_include = "_spf.example.net"};
	struct buf out = {0};
	const char *spf = "v=spf1 mx +all \xE3\x80\x80~all";
	const char *dmarc = "v=DMARC1; p=none";

	records_add(&set, RECORD_SPF, spf, strlen(spf), &options);
	records_add(&set, RECORD_DMARC, dmarc, strlen(dmarc), &options);
	records_format_text(&set, &out, false);
	CHECK_STR(buf_cstr(&out),
		  "spf:1:11: error: spf-plus-all\n"
		  " v=spf1 mx +all \xE3\x80\x80~all\n"
		  "           ^~~~\n"
		  " 「+all」では、どのサーバから送っても認証に成功してしまいます。"
		  "「~all」(または「-all」)と書いてください\n"
		  "spf:1:11: error: spf-include-missing\n"
		  " v=spf1 mx +all \xE3\x80\x80~all\n"
		  "           ^\n"
		  " 当サービスの「include:_spf.example.net」がありません。all の前に"
		  "「include:_spf.example.net」を書き足してください\n"
		  "spf:1:16: error: spf-whitespace\n"
		  " v=spf1 mx +all \xE3\x80\x80~all\n"
		  "                ^~\n"
		  " 全角の空白が含まれています。指定と指定の間は半角の空白で区切って"
		  "ください\n"
		  "spf:1:17: warning: spf-all-not-last\n"
		  " v=spf1 mx +all \xE3\x80\x80~all\n"
		  "                  ^~~~\n"
		  " all より後ろの指定は評価されません。「~all」は all の前に移して"
		  "ください\n"
		  "spf:1: summary: lookups=1/10 all=+all service_include=no\n"
		  "dmarc:1:11: note: dmarc-none\n"
		  " v=DMARC1; p=none\n"
		  "           ^~~~~~\n"
		  " p=none は報告を受け取るだけで、認証に失敗したメールの扱いは変わりません。"
		  "レポートで正規のメールが認証に成功していることを確かめたら、"
		  "p=quarantine、p=reject へ進めてください\n"
		  "dmarc:1: summary: policy=none subdomain_policy=- pct=100\n"
		  "3 errors, 1 warning, 1 note\n",
		  "text: excerpt, caret, message, summary, counts");
	buf_free(&out);
	records_free(&set);
}

static void test_json(void)
{
	struct record_set set = {0};
	struct buf out = {0};
	const char *dkim = "v=DKIM1; k=ed25519; t=y; p=" KEY_ED25519;

	records_add(&set, RECORD_DKIM, dkim, strlen(dkim), NULL);
	records_format_json(&set, &out);
	CHECK_STR(buf_cstr(&out),
		  "{\"records\":[{\"kind\":\"dkim\",\"index\":1,\"text\":\"v=DKIM1; "
		  "k=ed25519; t=y; p=" KEY_ED25519 "\",\"name\":null,"
		  "\"diagnostics\":[{\"column\":21,\"length\":3,\"severity\":\"note\","
		  "\"code\":\"dkim-testing\",\"message\":\"t=y はテスト中という意味で、"
		  "受信側は署名の結果をあまり重く扱いません。確かめ終わったら t=y を"
		  "削除してください\",\"guide\":\"deliverability/dkim/#手順2-dnsにレコードを登録する\"}],"
		  "\"summary\":{\"key_type\":\"ed25519\",\"key_bits\":256,"
		  "\"revoked\":false,\"testing\":true}}],\"errors\":0,\"warnings\":0,"
		  "\"notes\":1}\n",
		  "json: the issue's shape, with index, name, length and guide");
	buf_free(&out);
	records_free(&set);
}

/* ---- English (options.language = RECORDS_EN) ---- */

/* True when text holds a character of the Japanese scripts: U+3000 to
 * U+30FF (punctuation, kana), U+4E00 to U+9FFF (kanji), U+FF00 to U+FFEF
 * (full-width forms) — in UTF-8, E3 80..83 xx, E4..E9 xx xx, EF BC..BF xx. */
static bool has_japanese(const char *text)
{
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if (c[0] == 0xE3 && c[1] >= 0x80 && c[1] <= 0x83)
			return true;
		if (c[0] >= 0xE4 && c[0] <= 0xE9)
			return true;
		if (c[0] == 0xEF && c[1] >= 0xBC && c[1] <= 0xBF)
			return true;
	}
	return false;
}

/* Every record of the table checked in English gets the same diagnostics
 * (codes, places) as in Japanese, each with an English message: non-empty
 * and without a Japanese character, so no code was left untranslated. */
static void test_english_everywhere(void)
{
	size_t messages = 0, bad = 0;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct record_case *c = &cases[i];
		struct record_options options = {
			.spf_include = c->include ? c->include : "_spf.example.net",
			.domain = c->domain, .selector = c->selector,
			.language = RECORDS_EN,
		};
		struct record_set set = {0};
		char *text = expand(c->text), *what, *got;
		const struct record_result *result;

		if (c->second != NULL)
			records_add(&set, c->kind, c->second, strlen(c->second),
				    &options);
		records_add(&set, c->kind, text, strlen(text), &options);
		what = xasprintf("english: case %zu (%s: %.50s)", i + 1,
				 records_kind_name(c->kind), c->text);
		result = &set.records[set.count - 1];
		got = diagnostics_of(result);
		CHECK_STR(got, c->diagnostics, what);
		free(got);
		for (size_t k = 0; k < set.count; k++)
			for (size_t d = 0; d < set.records[k].diagnostic_count; d++) {
				const struct record_diagnostic *diagnostic =
					&set.records[k].diagnostics[d];
				messages++;
				if (*diagnostic->message == '\0' ||
				    (has_japanese(diagnostic->message) &&
				     !has_japanese(set.records[k].text))) {
					bad++;
					fprintf(stderr, "%s: %s: %s\n", what,
						diagnostic->code, diagnostic->message);
				}
			}
		free(what);
		free(text);
		records_free(&set);
	}
	CHECK(messages > 150, "english: the table yields many messages");
	CHECK_INT((int)bad, 0, "english: every message is English");
}

/* Records checked in English, with each diagnostic's code and exact
 * message: "code: message", one a line. */
static const struct {
	enum record_kind kind;
	const char *text;
	const char *messages;
} english[] = {
	{SPF, "v=spf1 " INC " ~all", ""},
	{SPF, "v=spf1 ip4:192.0.2.10 " INC " -all", ""},
	{SPF, "v=spf1 " INC,
	 "spf-no-all: There is no all at the end, so servers that are not listed are left undecided. End the record with \"~all\" (or \"-all\")\n"},
	{SPF, "v=spf1 " INC " ?all",
	 "spf-neutral-all: \"?all\" says nothing about servers that are not listed, so it does not stop spoofing. Write \"~all\" (or \"-all\")\n"},
	{SPF, "v=spf1 ip4:2001:db8::1 " INC " ~all",
	 "spf-bad-ip4: \"2001:db8::1\" is an IPv6 address. Write \"ip6:2001:db8::1\"\n"},
	{SPF, "v=spf1 ip4:192.0.2.0/33 " INC " ~all",
	 "spf-bad-cidr: \"/33\" is not a valid prefix length. After / write a number from 0 to 32\n"},
	{SPF, "v=spf1 include:192.0.2.1 " INC " ~all",
	 "spf-bad-domain: include takes a domain name. Write an IP address as \"ip4:192.0.2.1\"\n"},
	{SPF, "v=spf1 inclde:_spf.example.com " INC " ~all",
	 "spf-unknown-mechanism: There is no \"inclde\". Did you mean \"include\"?\n"},
	{SPF, "v=spf1 " INC " ~all mx",
	 "spf-all-not-last: Terms after all are never evaluated. Move \"mx\" before all\n"},
	{SPF, "v=spf1 ptr " INC " ~all",
	 "spf-ptr: ptr should not be used (RFC 7208): it is slow and unreliable, and some receivers ignore it. Replace it with ip4: or a\n"},
	{SPF, "spf1 " INC " ~all",
	 "spf-version: An SPF record starts with \"v=spf1\" (for example: v=spf1 include:_spf.example.net ~all)\n"},
	{SPF, "v=spf1 include:a..example " INC " ~all",
	 "spf-bad-domain: include names \"a..example\", which is not a valid domain name: two dots in a row, or a dot at the start\n"},
	{DKIM, "\"v=DKIM1; k=rsa; p=@KEY2048|230@\"", ""},
	{DKIM, "v=DKIM1; k=rsa; p=" KEY512,
	 "dkim-key-short: The key is only 512 bits long. Receivers consider keys shorter than 1024 bits unsafe and do not verify them. Create a new 2048-bit key\n"},
	{DKIM, "v=DKIM1; k=rsa; p=" KEY1024,
	 "dkim-key-1024: The key is 1024 bits long. A 2048-bit key is recommended\n"},
	{DKIM, "v=DKIM1; k=rsa; p=",
	 "dkim-revoked: p= is empty. An empty p= means the key has been revoked, so signatures fail verification. Write the public key from the setup guide after p=\n"},
	{DKIM, "\"v=DKIM1; k=rsa; h=sha1; p=@KEY2048|220@\"",
	 "dkim-hash: sha1 is no longer used because it is unsafe (RFC 8301). Leave h= out or write \"sha256\"\n"},
	{DKIM, "\"v=DKIM1; k=dsa; p=@KEY2048|220@\"",
	 "dkim-key-type: \"dsa\" cannot be used as the value of k=. Write \"rsa\" or \"ed25519\"\n"},
	{DKIM, "v=DKIM1; p=" KEY_ED25519,
	 "dkim-key-type: This looks like an ed25519 key, but without k= it is read as rsa. Add \"k=ed25519;\"\n"},
	{DMARC, "v=DMARC1; p=reject; rua=mailto:dmarc@example.jp", ""},
	{DMARC, "v=DMARC1; p=none",
	 "dmarc-none: p=none only collects reports; mail that fails authentication is handled as before. Once the reports show your legitimate mail passing, move on to p=quarantine, then p=reject\n"},
	{DMARC, "v=DMARC1; p=reject; rua=dmarc@example.jp",
	 "dmarc-uri: An address in rua= takes \"mailto:\". Write \"mailto:dmarc@example.jp\"\n"},
	{DMARC, "v=DMARC1; p=reject; pct=50",
	 "dmarc-pct: With pct=50, the policy applies to only 50% of the mail that fails authentication\n"},
	{DMARC, "v=DMARC1; rua=mailto:dmarc@example.jp",
	 "dmarc-no-policy: p= is missing. Write \"p=none;\" (the place to start) right after v=DMARC1\n"},
	{DMARC, "v=DMARC1; p=reject; p=none",
	 "dmarc-duplicate-tag: \"p=\" is written twice. Two tags of one name make the whole record invalid. Keep only one\n"},
	{DMARC, "p=reject",
	 "dmarc-version: A DMARC record starts with \"v=DMARC1;\" (for example: v=DMARC1; p=none; rua=mailto:dmarc-report@example.jp)\n"},
};

static void test_english(void)
{
	struct record_options options = {
		.spf_include = "_spf.example.net", .language = RECORDS_EN,
	};

	for (size_t i = 0; i < sizeof english / sizeof *english; i++) {
		struct record_set set = {0};
		struct buf got = {0};
		char *text = expand(english[i].text);
		char *what = xasprintf("english: %s: %.60s",
				       records_kind_name(english[i].kind),
				       english[i].text);

		records_add(&set, english[i].kind, text, strlen(text), &options);
		for (size_t d = 0; d < set.records[0].diagnostic_count; d++)
			buf_printf(&got, "%s: %s\n", set.records[0].diagnostics[d].code,
				   set.records[0].diagnostics[d].message);
		CHECK_STR(buf_cstr(&got), english[i].messages, what);
		buf_free(&got);
		free(what);
		free(text);
		records_free(&set);
	}
}

/* What records_add refuses, and the boundary it accepts. */
static void test_limits(void)
{
	struct record_set set = {0};
	char *long_text = xmalloc(RECORDS_TEXT_MAX + 2);

	memset(long_text, 'a', RECORDS_TEXT_MAX + 1);
	long_text[RECORDS_TEXT_MAX + 1] = '\0';
	CHECK(records_add(&set, RECORD_SPF, long_text, RECORDS_TEXT_MAX + 1,
			  NULL) == -1 && set.count == 0,
	      "limits: a text over 4096 bytes is refused");
	CHECK(records_add(&set, RECORD_SPF, long_text, RECORDS_TEXT_MAX, NULL) == 0 &&
	      set.count == 1, "limits: 4096 bytes are checked");
	CHECK(records_add(&set, RECORD_SPF, "v=spf1\0 mx", 10, NULL) == -1,
	      "limits: a NUL is refused");
	CHECK(records_add(&set, RECORD_SPF, "v=spf1 \xFF", 8, NULL) == -1,
	      "limits: invalid UTF-8 is refused");
	while (set.count < RECORDS_MAX)
		records_add(&set, RECORD_DMARC, "p=none", 6, NULL);
	CHECK(records_add(&set, RECORD_DMARC, "p=none", 6, NULL) == -1 &&
	      set.count == RECORDS_MAX, "limits: 16 records at most");
	CHECK_INT(set.records[RECORDS_MAX - 1].index, RECORDS_MAX - 1,
		  "limits: records are numbered within their kind");
	records_free(&set);
	CHECK(records_add(&set, RECORD_SPF, "", 0, NULL) == 0 &&
	      set.records[0].diagnostic_count == 1 &&
	      strcmp(set.records[0].diagnostics[0].code, "spf-version") == 0 &&
	      set.records[0].diagnostics[0].column == 1,
	      "limits: an empty text is a record without v=spf1");
	records_free(&set);
	free(long_text);
}

int main(void)
{
	TEST_SUITE("records");
	test_cases();
	test_guides();
	test_text();
	test_json();
	test_limits();
	test_english();
	test_english_everywhere();
	return TEST_EXIT();
}
