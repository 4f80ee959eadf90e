/*
 * tokenizer.h — the "kb" tokenizer: splits Japanese and Latin text into the
 * terms the search index stores and queries look up.
 *
 * Normalisation: every character is mapped with utf8proc to NFKC with case
 * folding and default-ignorables removed (NFKC_Casefold), so ＳＰＦ → spf,
 * ｽﾊﾟﾑ → スパム, ５．１．１ → 5.1.1, か + U+3099 → が.
 *
 * Token rules, applied to the normalised characters:
 *
 *   - Word characters (letters and digits of every script except the ones
 *     below, with the marks that follow them) form runs; each run is one
 *     token. Runs longer than KB_TOKEN_MAX_BYTES are cut into pieces.
 *   - CJK characters (Han, Hiragana, Katakana, the prolonged sound mark ー
 *     and the iteration marks 々 〻 ゝ ゞ ヽ ヾ 〱–〵, plus 〆 and 〇) form
 *     runs, whatever the mix of scripts; a run yields overlapping bigrams
 *     (迷惑メール → 迷惑 惑メ メー ール) and a one-character run yields that
 *     character alone. In document mode the last character of a longer run
 *     is also emitted, at the same position as the last bigram
 *     (KB_TOKEN_COLOCATED), so a one-character prefix query finds every
 *     occurrence of a character, the last of a run included.
 *   - Everything else separates: whitespace, punctuation (U+3000–303F
 *     included, except the marks listed above), symbols, emoji, control
 *     characters and bytes that are not valid UTF-8 (one byte at a time).
 *     So `5.1.1` is the three tokens 5 1 1 and `v=spf1` is v spf1; the
 *     separators `. - _ ' = : / @ ・` between two tokens mark the second as
 *     KB_TOKEN_JOINED, which the query builder uses to search such
 *     compounds as phrases (5.1.1 finds "5.1.1", not scattered 5s and 1s).
 *     Word and CJK runs that touch (SPFレコード) are also JOINED.
 *
 * Offsets: every token carries the byte range it came from in the
 * ORIGINAL text, so highlights land on exactly those characters, full-width
 * or decomposed ones included. Characters are normalised in small groups (a
 * starter and the combining characters that follow it), so a range always
 * covers whole original characters.
 *
 * The tokenizing core calls no sqlite3_* function and allocates nothing
 * (every buffer is bounded), so the loadable extension (kbtok_ext.c) can use
 * it with SQLite's extension API routines, and it reaches no symbol a host
 * program might also define.
 */
#ifndef KB_TOKENIZER_H
#define KB_TOKENIZER_H

#include <stddef.h>
#include <sqlite3.h>

/* Longest word token in bytes; longer runs are cut into several tokens. */
#define KB_TOKEN_MAX_BYTES 256

enum kb_tokenize_mode {
	/* For queries: no colocated tokens. */
	KB_TOKENIZE_QUERY,
	/* For indexed text (and for highlighting it). */
	KB_TOKENIZE_DOCUMENT,
};

enum kb_token_flags {
	/* Occupies the same position as the token before it. */
	KB_TOKEN_COLOCATED = 1 << 0,
	/* Made of CJK characters (a bigram or a single character). */
	KB_TOKEN_CJK = 1 << 1,
	/* One CJK character standing alone (a one-character run, or the
	 * colocated last character of a run). */
	KB_TOKEN_SINGLE = 1 << 2,
	/* Follows the previous token with nothing but joining punctuation
	 * (. - _ ' = : / @ ・) or nothing at all in between. */
	KB_TOKEN_JOINED = 1 << 3,
};

struct kb_token {
	const char *text;  /* normalised UTF-8, not NUL-terminated */
	size_t length;     /* bytes in text, at most KB_TOKEN_MAX_BYTES
			    * for words */
	size_t start, end; /* byte range in the original text */
	unsigned flags;    /* enum kb_token_flags */
};

/* Receives one token; the token and its text are valid during the call
 * only. Returns 0 to continue, anything else to stop tokenizing. */
typedef int (*kb_token_callback)(void *context, const struct kb_token *token);

/* Splits length bytes of text (any bytes; invalid UTF-8 separates) into
 * tokens in text order, calling callback for each. Returns 0, or the first
 * nonzero value the callback returned. */
int kb_tokenize(const char *text, size_t length, enum kb_tokenize_mode mode,
		kb_token_callback callback, void *context);

/* Watches the document texts FTS5 tokenizes on one connection: what the
 * search writer uses to count a row's tokens while FTS5 indexes them,
 * instead of tokenizing them a second time. text is called first for
 * each text, and returns nonzero to have token called for each of its
 * tokens (its return value is ignored). Both run inside sqlite3_step, so
 * they must not use the connection. */
struct kb_tokenizer_observer {
	int (*text)(void *context, const char *text, size_t length);
	kb_token_callback token;
	void *context;
};

/* Registers the tokenizer as "kb" with an FTS5 API object (no sqlite3_*
 * calls, so extensions can use it). observer, when not NULL, is the one
 * every table of the connection reports to (fields NULL: nothing
 * watched); FTS5 calls destroy with it when the connection closes.
 * Returns an SQLite result code. */
int kb_tokenizer_register_api(fts5_api *api,
			      struct kb_tokenizer_observer *observer,
			      void (*destroy)(void *observer));

/* The observer the "kb" tokenizer of api was registered with (owned by
 * the connection), or NULL when none or when "kb" is not this
 * tokenizer. */
struct kb_tokenizer_observer *kb_tokenizer_observer_of(fts5_api *api);

#endif
