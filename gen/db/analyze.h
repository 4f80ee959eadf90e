/*
 * analyze.h — inside db: Japanese text cut into content words with MeCab
 * and the IPA dictionary, for the query builder (which words a query
 * asks for) and the readings table (how each word of the text is read).
 *
 * The dictionary is loaded once per process, by analyze_open or lazily
 * by the first analysis. kb.cgi calls analyze_open before its sandbox
 * forbids opening files. Without a dictionary (analyze_open fails),
 * nothing is analysed and search works as it did without MeCab.
 */
#ifndef KB_ANALYZE_H
#define KB_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"

/* Where the dictionary is unless KBGEN_MECAB_DICTIONARY names another
 * folder (the tests name a missing one). */
#define ANALYZE_DICTIONARY "/var/lib/mecab/dic/ipadic-utf8"

enum analyze_kind {
	ANALYZE_NOUN,      /* searched as written */
	ANALYZE_INFLECTED, /* a verb or adjective: searched by its stem */
};

/* One content word. All texts point into the analyser's memory and are
 * valid during the callback only; none is NUL-terminated. */
struct analyze_word {
	enum analyze_kind kind;
	const char *surface; /* as written in the analysed text */
	size_t surface_length;
	const char *base;    /* the dictionary form (届く for 届か) */
	size_t base_length;
	const char *reading; /* katakana reading of the surface; may be
			      * empty for an unknown word */
	size_t reading_length;
	size_t start;        /* byte offset of surface in the text */
};

/* Receives one content word; returns 0 to go on. */
typedef int (*analyze_callback)(void *context,
				const struct analyze_word *word);

/* Loads the dictionary if that has not been tried yet; thread-safe.
 * Returns 0 when analysis is available, -1 when it is not; the first
 * failure's reason is analyze_error's. */
int analyze_open(void);

/* Why analyze_open failed, as one line of text (static); NULL when it
 * has not failed. */
const char *analyze_error(void);

/* Calls callback for each content word of length bytes of text (valid
 * UTF-8, NUL bytes not allowed): nouns, independent verbs and
 * adjectives; particles, auxiliaries, symbols, prefixes, dependent
 * words and interjections are left out. Opens the dictionary lazily.
 * Returns 0, -1 when analysis is unavailable (nothing was called), or
 * the callback's nonzero result. */
int analyze_words(const char *text, size_t length, analyze_callback callback,
		  void *context);

/* Appends text to out with every hiragana letter made katakana (the
 * readings' form). Returns true when every character of text was kana
 * (hiragana, katakana or ー), false otherwise (out is appended all the
 * same). */
bool analyze_katakana(const char *text, size_t length, struct buf *out);

/* Appends text to out with every katakana letter that has one made
 * hiragana. Returns as analyze_katakana. */
bool analyze_hiragana(const char *text, size_t length, struct buf *out);

/* The length of text without its trailing hiragana: a verb's or an
 * adjective's stem in its base form (届く → 届, 入る → 入; 0 for a
 * base written in kana alone). */
size_t analyze_stem_length(const char *text, size_t length);

/* True when text is not empty and all kana (hiragana, katakana, ー). */
bool analyze_is_kana(const char *text, size_t length);

/* True when text has a kanji (Han character) in it. */
bool analyze_has_kanji(const char *text, size_t length);

#endif
