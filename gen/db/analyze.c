/*
 * analyze.c — MeCab behind analyze.h: one tagger for the process,
 * loaded once, used under a lock (a MeCab tagger keeps its lattice
 * between calls, so two threads may not parse with it at once).
 */
#include "db/analyze.h"

#include <mecab.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mecab_t *tagger;
static char open_error[256];
static pthread_once_t open_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

static void open_tagger(void)
{
	const char *folder = getenv("KBGEN_MECAB_DICTIONARY");
	char *arguments;
	int length;

	if (folder == NULL || *folder == '\0')
		folder = ANALYZE_DICTIONARY;
	/* MeCab splits its argument string at spaces */
	if (strchr(folder, ' ') != NULL) {
		snprintf(open_error, sizeof open_error,
			 "MeCab dictionary path has a space: %s", folder);
		return;
	}
	/* the dictionary's own dicrc as the rc file, so that no
	 * /etc/mecabrc is needed */
	arguments = xasprintf("-r %s/dicrc -d %s", folder, folder);
	tagger = mecab_new2(arguments);
	free(arguments);
	if (tagger != NULL)
		return;
	length = snprintf(open_error, sizeof open_error,
			  "no Japanese analysis: MeCab dictionary %s: %s",
			  folder, *mecab_strerror(NULL) ? mecab_strerror(NULL)
							: "cannot be loaded");
	if (length < 0 || (size_t)length >= sizeof open_error)
		strcpy(open_error + sizeof open_error - 4, "...");
	for (char *c = open_error; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
}

int analyze_open(void)
{
	pthread_once(&open_once, open_tagger);
	return tagger != NULL ? 0 : -1;
}

const char *analyze_error(void)
{
	return open_error[0] != '\0' ? open_error : NULL;
}

/* The code point at text[*at] (advancing *at), or -1 for a byte that
 * does not start valid UTF-8 (one byte is skipped). */
static int32_t next_code_point(const char *text, size_t length, size_t *at)
{
	const unsigned char *s = (const unsigned char *)text + *at;
	size_t size = utf8_sequence(text + *at, length - *at);
	int32_t value;

	*at += size ? size : 1;
	switch (size) {
	case 1: return s[0];
	case 2: value = s[0] & 0x1F; break;
	case 3: value = s[0] & 0x0F; break;
	case 4: value = s[0] & 0x07; break;
	default: return -1;
	}
	for (size_t i = 1; i < size; i++)
		value = (value << 6) | (s[i] & 0x3F);
	return value;
}

static void add_code_point(struct buf *out, int32_t c)
{
	if (c < 0x80) {
		buf_addc(out, (char)c);
	} else if (c < 0x800) {
		buf_addc(out, (char)(0xC0 | (c >> 6)));
		buf_addc(out, (char)(0x80 | (c & 0x3F)));
	} else if (c < 0x10000) {
		buf_addc(out, (char)(0xE0 | (c >> 12)));
		buf_addc(out, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addc(out, (char)(0x80 | (c & 0x3F)));
	} else {
		buf_addc(out, (char)(0xF0 | (c >> 18)));
		buf_addc(out, (char)(0x80 | ((c >> 12) & 0x3F)));
		buf_addc(out, (char)(0x80 | ((c >> 6) & 0x3F)));
		buf_addc(out, (char)(0x80 | (c & 0x3F)));
	}
}

static bool is_hiragana_letter(int32_t c)
{
	return c >= 0x3041 && c <= 0x3096;
}

static bool is_katakana_letter(int32_t c)
{
	return c >= 0x30A1 && c <= 0x30F6;
}

/* Kana or the marks that only occur in kana words (ー, ゝゞ, ヽヾ). */
static bool is_kana(int32_t c)
{
	return is_hiragana_letter(c) || is_katakana_letter(c) ||
	       c == 0x30FC || c == 0x309D || c == 0x309E || c == 0x30FD ||
	       c == 0x30FE;
}

/* Hiragana and katakana letters are 0x60 apart, letter for letter. */
static bool fold_kana(const char *text, size_t length, struct buf *out,
		      bool to_katakana)
{
	bool all_kana = length > 0;
	size_t at = 0;

	while (at < length) {
		size_t from = at;
		int32_t c = next_code_point(text, length, &at);

		all_kana = all_kana && is_kana(c);
		if (to_katakana && is_hiragana_letter(c))
			add_code_point(out, c + 0x60);
		else if (!to_katakana && is_katakana_letter(c))
			add_code_point(out, c - 0x60);
		else
			buf_add(out, text + from, at - from);
	}
	return all_kana;
}

bool analyze_katakana(const char *text, size_t length, struct buf *out)
{
	return fold_kana(text, length, out, true);
}

bool analyze_hiragana(const char *text, size_t length, struct buf *out)
{
	return fold_kana(text, length, out, false);
}

size_t analyze_stem_length(const char *text, size_t length)
{
	size_t at = 0, stem = 0;

	while (at < length) {
		int32_t c = next_code_point(text, length, &at);

		if (!is_hiragana_letter(c))
			stem = at;
	}
	return stem;
}

bool analyze_is_kana(const char *text, size_t length)
{
	size_t at = 0;

	while (at < length) {
		if (!is_kana(next_code_point(text, length, &at)))
			return false;
	}
	return length > 0;
}

bool analyze_has_kanji(const char *text, size_t length)
{
	size_t at = 0;

	while (at < length) {
		int32_t c = next_code_point(text, length, &at);

		if ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
		    (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFD) ||
		    c == 0x3005)
			return true;
	}
	return false;
}

/* The field-th comma-separated field of feature (0 first): its start and
 * length, or NULL when there are fewer fields. */
static const char *feature_field(const char *feature, int field, size_t *length)
{
	const char *end;

	for (; field > 0; field--) {
		feature = strchr(feature, ',');
		if (feature == NULL)
			return NULL;
		feature++;
	}
	end = strchr(feature, ',');
	*length = end ? (size_t)(end - feature) : strlen(feature);
	return feature;
}

static bool field_is(const char *field, size_t length, const char *word)
{
	return field != NULL && strlen(word) == length &&
	       memcmp(field, word, length) == 0;
}

/* Whether a node is a content word, and of which kind. Dependent words
 * (非自立: て of てる, こと), pronouns and every part of speech that
 * carries no topic (particles, auxiliaries, symbols, prefixes, adverbs,
 * conjunctions, interjections) are left out. */
static bool content_kind(const char *feature, enum analyze_kind *kind)
{
	size_t pos_length = 0, sub_length = 0;
	const char *pos = feature_field(feature, 0, &pos_length);
	const char *sub = feature_field(feature, 1, &sub_length);

	if (field_is(sub, sub_length, "非自立") ||
	    field_is(sub, sub_length, "代名詞"))
		return false;
	if (field_is(pos, pos_length, "名詞")) {
		*kind = ANALYZE_NOUN;
		return true;
	}
	if ((field_is(pos, pos_length, "動詞") ||
	     field_is(pos, pos_length, "形容詞")) &&
	    field_is(sub, sub_length, "自立")) {
		*kind = ANALYZE_INFLECTED;
		return true;
	}
	return false;
}

/* Fills word from a content node; unknown words (no base or reading in
 * their feature) are their own base, with no reading. */
static void word_from_node(const mecab_node_t *node, const char *text,
			   struct analyze_word *word)
{
	size_t length = 0;
	const char *base = feature_field(node->feature, 6, &length);

	word->surface = node->surface;
	word->surface_length = node->length;
	word->start = (size_t)(node->surface - text);
	if (base == NULL || field_is(base, length, "*")) {
		word->base = node->surface;
		word->base_length = node->length;
	} else {
		word->base = base;
		word->base_length = length;
	}
	word->reading = feature_field(node->feature, 7, &length);
	word->reading_length = length;
	if (word->reading == NULL || field_is(word->reading, length, "*")) {
		word->reading = "";
		word->reading_length = 0;
	}
}

/* True when node is a prefix (接頭詞: 再 of 再配信, 未 of 未設定) written
 * right before the noun that follows it. */
static bool prefixes_noun(const mecab_node_t *node)
{
	const mecab_node_t *next = node->next;
	size_t length = 0, next_length = 0;
	const char *pos = feature_field(node->feature, 0, &length);
	const char *next_pos;

	if (next == NULL || next->stat != MECAB_NOR_NODE || node->length == 0 ||
	    next->surface != node->surface + node->length)
		return false;
	next_pos = feature_field(next->feature, 0, &next_length);
	return field_is(pos, length, "接頭詞") &&
	       field_is(next_pos, next_length, "名詞");
}

/* A prefix and its noun as one noun (再配信, read サイハイシン): the
 * prefix changes the word's meaning, and its reading is the word's. */
static void word_with_prefix(const mecab_node_t *prefix, const char *text,
			     struct analyze_word *word, struct buf *reading)
{
	size_t length = 0;
	const char *prefix_reading = feature_field(prefix->feature, 7, &length);

	buf_reset(reading);
	if (prefix_reading != NULL && !field_is(prefix_reading, length, "*") &&
	    word->reading_length > 0) {
		buf_add(reading, prefix_reading, length);
		buf_add(reading, word->reading, word->reading_length);
		word->reading = buf_cstr(reading);
		word->reading_length = reading->length;
	} else {
		word->reading = "";
		word->reading_length = 0;
	}
	word->surface = prefix->surface;
	word->surface_length += prefix->length;
	word->start = (size_t)(prefix->surface - text);
	word->base = word->surface;
	word->base_length = word->surface_length;
}

int analyze_words(const char *text, size_t length, analyze_callback callback,
		  void *context)
{
	const mecab_node_t *node, *prefix = NULL;
	struct buf reading = {0};
	int rc = 0;

	if (analyze_open() != 0)
		return -1;
	pthread_mutex_lock(&parse_lock);
	node = mecab_sparse_tonode2(tagger, text, length);
	for (; node != NULL && rc == 0; node = node->next) {
		struct analyze_word word;

		if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE ||
		    node->length == 0) {
			prefix = NULL;
			continue;
		}
		if (prefixes_noun(node)) {
			prefix = node;
			continue;
		}
		if (!content_kind(node->feature, &word.kind)) {
			prefix = NULL;
			continue;
		}
		word_from_node(node, text, &word);
		if (prefix != NULL && word.kind == ANALYZE_NOUN)
			word_with_prefix(prefix, text, &word, &reading);
		prefix = NULL;
		rc = callback(context, &word);
	}
	pthread_mutex_unlock(&parse_lock);
	buf_free(&reading);
	return rc;
}
