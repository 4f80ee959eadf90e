/*
 * records_dkim.c — a DKIM key record (RFC 6376 3.6.1, RFC 8463 for
 * ed25519) checked tag by tag, and its key decoded: base64, then the
 * SubjectPublicKeyInfo DER read just far enough to find the RSA modulus
 * and count its bits (an ed25519 key is its 32 bytes, 256 bits).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "content/records_check.h"

#define ED25519_KEY_BYTES 32

#define REPORT(dkim, start, length, severity, code, guide, ...)             \
	records_report((dkim)->result, (dkim)->text, (start), (length),     \
		       (severity), (code), &(guide), __VA_ARGS__)

struct dkim {
	struct record_result *result;
	const struct record_text *text;
	const struct record_options *options;
	const char *value;
	struct record_tag *tags;
	size_t tag_count;
	bool ed25519;
};

/* ---- the key ---------------------------------------------------------------- */

static int base64_digit(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static void report_truncated(struct dkim *dkim, const struct record_tag *tag)
{
	REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
	       "dkim-key-truncated", records_guide_dkim_key_length,
	       "公開鍵が途中で切れています(%zu文字)。1つの文字列は255文字までのため、"
	       "長い鍵は \"...\" \"...\" のように分けて、最後まで登録してください",
	       "The public key is cut short (%zu characters). One string "
	       "holds at most 255 characters, so split a long key as \"...\" "
	       "\"...\" and enter all of it",
	       tag->value_length);
}

/* Decodes p='s value (spaces and line breaks skipped, as RFC 6376 allows
 * folding there; '=' padding at the end only, optional) into *out (the
 * caller frees). Reports the first byte that is not base64 and returns
 * false. */
static bool decode_key(struct dkim *dkim, const struct record_tag *tag,
		       unsigned char **out, size_t *out_length)
{
	const char *value = dkim->value;
	unsigned char *bytes = xmalloc(tag->value_length + 1);
	size_t length = 0, digits = 0, padding = 0;
	uint32_t group = 0;

	for (size_t i = tag->value; i < tag->value + tag->value_length; i++) {
		char c = value[i];
		int digit = base64_digit(c);

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=' && padding < 2) {
			padding++;
			continue;
		}
		if (c == '"' || c == '\\') {
			REPORT(dkim, i, 1, RECORD_ERROR, "dkim-key-split",
			       records_guide_dkim_key_length,
			       "公開鍵の途中に引用符(\")があります。文字列の分け方が正しく"
			       "ありません。分けるときは \"...\" \"...\" のように、それぞれを"
			       "引用符で囲んで並べてください",
			       "There is a quote (\") inside the public key, "
			       "so the strings are not split correctly. To "
			       "split it, put each part in its own quotes: "
			       "\"...\" \"...\"");
			free(bytes);
			return false;
		}
		if (digit < 0 || padding > 0) {
			size_t character = utf8_sequence(value + i,
							 tag->value + tag->value_length - i);
			if (character == 0)
				character = 1;
			REPORT(dkim, i, character, RECORD_ERROR, "dkim-key-base64",
			       records_guide_dkim_mistakes,
			       "公開鍵にbase64で使えない文字「%.*s」があります。当サービスの"
			       "設定ガイドに載っている値をそのまま写してください",
			       "The public key holds \"%.*s\", which is not "
			       "a base64 character. Copy the value from the "
			       "service's setup guide exactly",
			       (int)character, value + i);
			free(bytes);
			return false;
		}
		group = (group << 6) | (uint32_t)digit;
		if (++digits % 4 == 0) {
			bytes[length++] = (unsigned char)(group >> 16);
			bytes[length++] = (unsigned char)(group >> 8);
			bytes[length++] = (unsigned char)group;
			group = 0;
		}
	}
	if (digits % 4 == 1) {
		report_truncated(dkim, tag);
		free(bytes);
		return false;
	}
	if (digits % 4 != 0) {
		size_t rest = digits % 4;
		group <<= 6 * (4 - rest);
		bytes[length++] = (unsigned char)(group >> 16);
		if (rest == 3)
			bytes[length++] = (unsigned char)(group >> 8);
	}
	*out = bytes;
	*out_length = length;
	return true;
}

/* A DER element: its tag, where its contents start, and their length. */
struct der {
	unsigned char tag;
	size_t start, length;
};

enum der_status { DER_OK, DER_SHORT, DER_BAD };

static enum der_status der_read(const unsigned char *bytes, size_t length,
				size_t at, struct der *element)
{
	size_t size = 0;

	if (at + 2 > length)
		return DER_SHORT;
	element->tag = bytes[at++];
	if (bytes[at] < 0x80) {
		size = bytes[at++];
	} else {
		size_t count = bytes[at++] & 0x7F;
		if (count == 0 || count > 3)
			return DER_BAD;
		if (at + count > length)
			return DER_SHORT;
		while (count-- > 0)
			size = size << 8 | bytes[at++];
	}
	element->start = at;
	element->length = size;
	return at + size > length ? DER_SHORT : DER_OK;
}

/* The bits of a DER INTEGER (leading zero bytes do not count). */
static unsigned integer_bits(const unsigned char *bytes, const struct der *integer)
{
	size_t at = integer->start, end = integer->start + integer->length;
	unsigned bits;

	while (at < end && bytes[at] == 0)
		at++;
	if (at == end)
		return 0;
	bits = (unsigned)(end - at - 1) * 8;
	for (unsigned char top = bytes[at]; top; top >>= 1)
		bits++;
	return bits;
}

static const unsigned char rsa_oid[] = {0x2A, 0x86, 0x48, 0x86, 0xF7,
					0x0D, 0x01, 0x01, 0x01};
static const unsigned char ed25519_oid[] = {0x2B, 0x65, 0x70};

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 * at at; the modulus bits, 0 on DER_SHORT or DER_BAD in *status. */
static unsigned rsa_key_bits(const unsigned char *bytes, size_t length,
			     size_t at, enum der_status *status)
{
	struct der sequence, modulus;

	*status = der_read(bytes, length, at, &sequence);
	if (*status != DER_OK)
		return 0;
	if (sequence.tag != 0x30) {
		*status = DER_BAD;
		return 0;
	}
	*status = der_read(bytes, sequence.start + sequence.length,
			   sequence.start, &modulus);
	if (*status != DER_OK)
		return 0;
	if (modulus.tag != 0x02) {
		*status = DER_BAD;
		return 0;
	}
	return integer_bits(bytes, &modulus);
}

enum key_form { KEY_SPKI_RSA, KEY_SPKI_ED25519, KEY_PKCS1_RSA, KEY_UNKNOWN };

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE { OID, params },
 * subjectPublicKey BIT STRING }; for RSA the bit string holds an
 * RSAPublicKey. */
static enum key_form read_spki(const unsigned char *bytes, size_t length,
			       unsigned *bits, enum der_status *status)
{
	struct der outer, algorithm, oid, key;
	size_t end;

	*bits = 0;
	*status = der_read(bytes, length, 0, &outer);
	if (*status != DER_OK || outer.tag != 0x30) {
		if (*status == DER_OK)
			*status = DER_BAD;
		return KEY_UNKNOWN;
	}
	end = outer.start + outer.length;
	*status = der_read(bytes, end, outer.start, &algorithm);
	if (*status == DER_OK && algorithm.tag == 0x02) {
		/* a bare RSAPublicKey: the modulus comes first */
		*bits = integer_bits(bytes, &algorithm);
		return KEY_PKCS1_RSA;
	}
	if (*status != DER_OK || algorithm.tag != 0x30 ||
	    der_read(bytes, algorithm.start + algorithm.length, algorithm.start,
		     &oid) != DER_OK || oid.tag != 0x06) {
		if (*status == DER_OK)
			*status = DER_BAD;
		return KEY_UNKNOWN;
	}
	*status = der_read(bytes, end, algorithm.start + algorithm.length, &key);
	if (*status != DER_OK)
		return KEY_UNKNOWN;
	if (key.tag != 0x03 || key.length < 1) {
		*status = DER_BAD;
		return KEY_UNKNOWN;
	}
	if (oid.length == sizeof ed25519_oid &&
	    memcmp(bytes + oid.start, ed25519_oid, oid.length) == 0)
		return KEY_SPKI_ED25519;
	if (oid.length != sizeof rsa_oid ||
	    memcmp(bytes + oid.start, rsa_oid, oid.length) != 0) {
		*status = DER_BAD;
		return KEY_UNKNOWN;
	}
	*bits = rsa_key_bits(bytes, key.start + key.length, key.start + 1, status);
	return KEY_SPKI_RSA;
}

static void check_rsa_bits(struct dkim *dkim, const struct record_tag *tag,
			   unsigned bits)
{
	dkim->result->summary.key_bits = bits;
	if (bits < 1024)
		REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
		       "dkim-key-short", records_guide_dkim_key_length,
		       "鍵の長さが%uビットしかありません。1024ビット未満の鍵は受信側で"
		       "安全でないとみなされ、検証されません。2048ビットの鍵を作り直して"
		       "ください",
		       "The key is only %u bits long. Receivers consider "
		       "keys shorter than 1024 bits unsafe and do not verify "
		       "them. Create a new 2048-bit key", bits);
	else if (bits < 2048)
		REPORT(dkim, tag->value, tag->value_length, RECORD_WARNING,
		       "dkim-key-1024", records_guide_dkim_key_length,
		       "鍵の長さが%uビットです。2048ビットの鍵をおすすめします",
		       "The key is %u bits long. A 2048-bit key is "
		       "recommended", bits);
}

static void check_key(struct dkim *dkim, const struct record_tag *tag)
{
	struct record_summary *summary = &dkim->result->summary;
	unsigned char *bytes = NULL;
	size_t length = 0;
	enum der_status status;
	enum key_form form;
	unsigned bits;

	if (tag->value_length == 0) {
		summary->revoked = true;
		REPORT(dkim, tag->start, tag->end - tag->start, RECORD_ERROR,
		       "dkim-revoked", records_guide_dkim_register,
		       "p= が空です。空の p= は「この鍵は取り消された」という意味になり、"
		       "署名は検証に失敗します。設定ガイドにある公開鍵を p= の後ろに"
		       "書いてください",
		       "p= is empty. An empty p= means the key has been "
		       "revoked, so signatures fail verification. Write the "
		       "public key from the setup guide after p=");
		return;
	}
	if (!decode_key(dkim, tag, &bytes, &length))
		return;
	if (dkim->ed25519) {
		if (length == ED25519_KEY_BYTES) {
			summary->key_bits = 256;
		} else if (read_spki(bytes, length, &bits, &status) ==
				   KEY_SPKI_ED25519 && status == DER_OK) {
			summary->key_bits = 256;
			REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
			       "dkim-key-invalid", records_guide_dkim_register,
			       "ed25519 の p= には鍵そのもの(32バイト)をbase64で書きます"
			       "(RFC 8463)。SubjectPublicKeyInfo の形のままでは検証されません",
			       "For ed25519, p= holds the bare key (32 "
			       "bytes) in base64 (RFC 8463). A key in "
			       "SubjectPublicKeyInfo form is not verified");
		} else {
			REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
			       "dkim-key-invalid", records_guide_dkim_register,
			       "k=ed25519 の鍵は32バイトですが、この鍵は%zuバイトです。"
			       "k= と p= の組み合わせを確かめてください",
			       "A k=ed25519 key is 32 bytes, but this key is "
			       "%zu bytes. Check that k= and p= belong "
			       "together", length);
		}
		free(bytes);
		return;
	}
	form = read_spki(bytes, length, &bits, &status);
	if (status == DER_SHORT) {
		report_truncated(dkim, tag);
	} else if ((length == ED25519_KEY_BYTES && form == KEY_UNKNOWN) ||
		   form == KEY_SPKI_ED25519) {
		summary->key_bits = 256;
		summary->key_type = "ed25519";
		REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
		       "dkim-key-type", records_guide_dkim_register,
		       "ed25519 の鍵のようですが、k= がないため rsa として読まれます。"
		       "「k=ed25519;」を書き足し%s",
		       "This looks like an ed25519 key, but without k= it is "
		       "read as rsa. Add \"k=ed25519;\"%s",
		       form == KEY_SPKI_ED25519
			       ? RECORDS_IN(dkim->text->language,
					    "、p= には鍵そのもの(32バイト)を書いてください",
					    " and write the bare key (32 "
					    "bytes) in p=")
			       : RECORDS_IN(dkim->text->language, "てください", ""));
	} else if (status != DER_OK || form == KEY_UNKNOWN) {
		REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
		       "dkim-key-invalid", records_guide_dkim_register,
		       "p= の値がRSAの公開鍵として読み取れません。設定ガイドの値を"
		       "そのまま写してください",
		       "The value of p= cannot be read as an RSA public key. "
		       "Copy the value from the setup guide exactly");
	} else {
		if (form == KEY_PKCS1_RSA)
			REPORT(dkim, tag->value, tag->value_length, RECORD_ERROR,
			       "dkim-key-invalid", records_guide_dkim_register,
			       "p= の鍵が RSAPublicKey の形です。DKIMでは SubjectPublicKeyInfo "
			       "の形(MIIB... で始まることが多い)で書きます",
			       "The p= key is in RSAPublicKey form. DKIM "
			       "takes the SubjectPublicKeyInfo form (often "
			       "starting with MIIB...)");
		check_rsa_bits(dkim, tag, bits);
	}
	free(bytes);
}

/* ---- tags ------------------------------------------------------------------- */

/* Each item of the colon-separated list in tag, trimmed, through visit;
 * true when any visit returned true. */
static bool any_item(struct dkim *dkim, const struct record_tag *tag,
		     bool (*visit)(const char *item, size_t length))
{
	const char *value = dkim->value;
	size_t at = tag->value, end = tag->value + tag->value_length;
	bool any = false;

	while (at <= end) {
		size_t start = at, stop;
		while (at < end && value[at] != ':')
			at++;
		stop = at++;
		while (start < stop && (value[start] == ' ' || value[start] == '\t'))
			start++;
		while (stop > start && (value[stop - 1] == ' ' || value[stop - 1] == '\t'))
			stop--;
		if (visit(value + start, stop - start))
			any = true;
	}
	return any;
}

static bool is_sha256(const char *item, size_t length)
{
	return length == 6 && strncasecmp(item, "sha256", 6) == 0;
}

static bool is_known_hash(const char *item, size_t length)
{
	return is_sha256(item, length) ||
	       (length == 4 && strncasecmp(item, "sha1", 4) == 0);
}

static bool is_email_service(const char *item, size_t length)
{
	return (length == 1 && item[0] == '*') ||
	       (length == 5 && strncasecmp(item, "email", 5) == 0);
}

static bool is_testing(const char *item, size_t length)
{
	return length == 1 && item[0] == 'y';
}

static void check_version(struct dkim *dkim)
{
	const struct record_tag *version =
		records_find_tag(dkim->text, dkim->tags, dkim->tag_count, "v");

	if (version == NULL)
		return;
	if (version != &dkim->tags[0])
		REPORT(dkim, version->start, version->end - version->start,
		       RECORD_ERROR, "dkim-version", records_guide_dkim_register,
		       "v=DKIM1 はレコードの先頭に書きます",
		       "v=DKIM1 goes at the start of the record");
	if (version->value_length > 5 &&
	    memcmp(dkim->value + version->value, "DKIM1", 5) == 0)
		REPORT(dkim, version->value + 5, 0, RECORD_ERROR, "dkim-version",
		       records_guide_dkim_register,
		       "v=DKIM1 の後ろに「;」がありません。タグとタグは「;」で区切って"
		       "ください",
		       "There is no \";\" after v=DKIM1. Separate tags with \";\"");
	else if (version->value_length != 5 ||
		 memcmp(dkim->value + version->value, "DKIM1", 5) != 0)
		REPORT(dkim, version->value, version->value_length, RECORD_ERROR,
		       "dkim-version", records_guide_dkim_register,
		       "v= の値は「DKIM1」です(大文字で書きます)",
		       "The value of v= is \"DKIM1\" (in capitals)");
}

static void check_key_type(struct dkim *dkim)
{
	const struct record_tag *type =
		records_find_tag(dkim->text, dkim->tags, dkim->tag_count, "k");
	const char *value = dkim->value;

	dkim->result->summary.key_type = "rsa";
	if (type == NULL)
		return;
	if (type->value_length == 3 && strncasecmp(value + type->value, "rsa", 3) == 0)
		return;
	if (type->value_length == 7 &&
	    strncasecmp(value + type->value, "ed25519", 7) == 0) {
		dkim->ed25519 = true;
		dkim->result->summary.key_type = "ed25519";
		return;
	}
	dkim->result->summary.key_type = NULL;
	REPORT(dkim, type->value, type->value_length ? type->value_length : 0,
	       RECORD_ERROR, "dkim-key-type", records_guide_dkim_register,
	       "k= の値「%.*s」は使えません。「rsa」か「ed25519」を書いてください",
	       "\"%.*s\" cannot be used as the value of k=. Write \"rsa\" or "
	       "\"ed25519\"",
	       (int)type->value_length, value + type->value);
}

static void check_other_tags(struct dkim *dkim)
{
	static const char *const known[] = {"v", "h", "k", "n", "p", "s", "t"};
	const char *value = dkim->value;

	for (size_t i = 0; i < dkim->tag_count; i++) {
		const struct record_tag *tag = &dkim->tags[i];
		bool found = false;
		char lower = tag->name_length == 1 ? (char)(value[tag->name] | 0x20) : 0;

		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (records_tag_is(dkim->text, tag, known[k]))
				found = true;
		if (found)
			continue;
		if (lower != 0 && strchr("vhknpst", lower) != NULL)
			REPORT(dkim, tag->name, tag->name_length, RECORD_ERROR,
			       "dkim-unknown-tag", records_guide_dkim_register,
			       "タグの名前は小文字で書きます。「%c=」ではなく「%c=」と書いて"
			       "ください",
			       "Tag names are written in lower case. Write "
			       "\"%c=\" as \"%c=\"", value[tag->name], lower);
		else
			REPORT(dkim, tag->name, tag->name_length, RECORD_NOTE,
			       "dkim-unknown-tag", records_guide_dkim_register,
			       "「%.*s=」はDKIMのタグではないため、受信側では無視されます",
			       "\"%.*s=\" is not a DKIM tag, so receivers "
			       "ignore it",
			       (int)tag->name_length, value + tag->name);
	}
}

static void check_lists(struct dkim *dkim)
{
	const struct record_text *text = dkim->text;
	const struct record_tag *hashes =
		records_find_tag(text, dkim->tags, dkim->tag_count, "h");
	const struct record_tag *services =
		records_find_tag(text, dkim->tags, dkim->tag_count, "s");
	const struct record_tag *flags =
		records_find_tag(text, dkim->tags, dkim->tag_count, "t");

	if (hashes != NULL && !any_item(dkim, hashes, is_known_hash))
		REPORT(dkim, hashes->value, hashes->value_length, RECORD_ERROR,
		       "dkim-hash", records_guide_dkim_register,
		       "h= の値が正しくありません。h= は省くか「sha256」と書いてください",
		       "The value of h= is not valid. Leave h= out or write "
		       "\"sha256\"");
	else if (hashes != NULL && !any_item(dkim, hashes, is_sha256))
		REPORT(dkim, hashes->value, hashes->value_length, RECORD_WARNING,
		       "dkim-hash", records_guide_dkim_register,
		       "sha1 は安全でないため使われなくなっています(RFC 8301)。h= は"
		       "省くか「sha256」と書いてください",
		       "sha1 is no longer used because it is unsafe (RFC "
		       "8301). Leave h= out or write \"sha256\"");
	if (services != NULL && !any_item(dkim, services, is_email_service))
		REPORT(dkim, services->value, services->value_length, RECORD_ERROR,
		       "dkim-service", records_guide_dkim_register,
		       "s= に「email」も「*」もないため、この鍵はメールの署名に使われません。"
		       "s= は省いてください",
		       "s= has neither \"email\" nor \"*\", so this key is "
		       "not used to sign mail. Leave s= out");
	if (flags != NULL && any_item(dkim, flags, is_testing)) {
		dkim->result->summary.testing = true;
		REPORT(dkim, flags->start, flags->end - flags->start, RECORD_NOTE,
		       "dkim-testing", records_guide_dkim_register,
		       "t=y はテスト中という意味で、受信側は署名の結果をあまり重く扱いません。"
		       "確かめ終わったら t=y を削除してください",
		       "t=y means testing, and receivers give the signature "
		       "result little weight. Delete t=y once you have "
		       "checked everything");
	}
}

/* The record's name, when the text gave one: S._domainkey.D. */
static void check_name(struct dkim *dkim)
{
	const struct record_text *text = dkim->text;
	const char *name = dkim->result->summary.name, *marker;
	const char *domain = dkim->options->domain;
	size_t name_length;

	if (name == NULL)
		return;
	name_length = strlen(name);
	marker = strcasestr(name, "._domainkey.");
	if (marker == NULL || marker == name) {
		records_report_original(
			dkim->result, text, text->name_offset, name_length,
			RECORD_ERROR, "dkim-name", &records_guide_dkim_selector,
			"DKIMの公開鍵は「セレクタ._domainkey.ドメイン」という名前に登録"
			"します(例: selector._domainkey.%s)",
			"A DKIM public key is published at the name "
			"\"selector._domainkey.domain\" (for example: "
			"selector._domainkey.%s)",
			domain ? domain : "example.jp");
		return;
	}
	if (dkim->options->selector != NULL &&
	    ((size_t)(marker - name) != strlen(dkim->options->selector) ||
	     strncasecmp(name, dkim->options->selector, (size_t)(marker - name)) != 0))
		records_report_original(
			dkim->result, text, text->name_offset,
			(size_t)(marker - name), RECORD_ERROR, "dkim-name",
			&records_guide_dkim_selector,
			"セレクタが「%s」ではありません。名前は「%s._domainkey.%s」です",
			"The selector is not \"%s\". The name is "
			"\"%s._domainkey.%s\"",
			dkim->options->selector, dkim->options->selector,
			domain ? domain
			       : RECORDS_IN(dkim->text->language, "ドメイン", "domain"));
	if (domain != NULL) {
		const char *after = marker + 12;
		size_t after_length = strlen(after), domain_length = strlen(domain);
		if (after_length > 0 && after[after_length - 1] == '.')
			after_length--;
		if (after_length == 2 * domain_length + 1 &&
		    strncasecmp(after, domain, domain_length) == 0 &&
		    strncasecmp(after + domain_length + 1, domain, domain_length) == 0)
			records_report_original(
				dkim->result, text,
				text->name_offset + (size_t)(after - name) + domain_length,
				domain_length + 1, RECORD_ERROR, "dkim-name",
				&records_guide_dkim_mistakes,
				"ドメインが二重に付いています。管理画面がドメインを補う場合は"
				"「%.*s._domainkey」だけを入力してください",
				"The domain appears twice. If your control "
				"panel adds the domain itself, enter only "
				"\"%.*s._domainkey\"",
				(int)(marker - name), name);
		else if (after_length != domain_length ||
			 strncasecmp(after, domain, domain_length) != 0)
			records_report_original(
				dkim->result, text,
				text->name_offset + (size_t)(after - name),
				after_length, RECORD_ERROR, "dkim-name",
				&records_guide_dkim_selector,
				"ドメインが「%s」ではありません",
				"The domain is not \"%s\"", domain);
	}
}

void records_check_dkim(struct record_result *result,
			const struct record_text *text,
			const struct record_options *options)
{
	struct dkim dkim = {.result = result, .text = text, .options = options,
			    .value = text->value};
	const struct record_tag *key;

	check_name(&dkim);
	if (records_starts_with_word(text->value, text->length, "v=spf1", "") ||
	    records_starts_with_word(text->value, text->length, "v=DMARC1", ";")) {
		REPORT(&dkim, 0, text->value[2] == 's' ? 6 : 8, RECORD_ERROR,
		       "dkim-version", records_guide_dkim_register,
		       "これは%sのレコードです。DKIMの公開鍵のレコードは「v=DKIM1; k=rsa; "
		       "p=...」の形です",
		       "This is a %s record. A DKIM public key record has "
		       "the form \"v=DKIM1; k=rsa; p=...\"",
		       text->value[2] == 's' ? "SPF" : "DMARC");
		return;
	}
	dkim.tag_count = records_read_tags(result, text, "dkim",
					   &records_guide_dkim_register, &dkim.tags);
	check_version(&dkim);
	check_key_type(&dkim);
	check_other_tags(&dkim);
	check_lists(&dkim);
	key = records_find_tag(text, dkim.tags, dkim.tag_count, "p");
	if (key == NULL)
		REPORT(&dkim, text->length, 0, RECORD_ERROR, "dkim-no-key",
		       records_guide_dkim_register,
		       "公開鍵の p= がありません。設定ガイドにある「p=...」を書いてください",
		       "The public key p= is missing. Write the \"p=...\" "
		       "from the setup guide");
	else
		check_key(&dkim, key);
	free(dkim.tags);
}
