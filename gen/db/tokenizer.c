/*
 * tokenizer.c — the "kb" tokenizer: NFKC_Casefold per character group,
 * word runs, CJK bigrams, offsets into the original text.
 *
 * The text is read one code point at a time. Each code point is
 * decomposed (compatibility mappings, case folding, ignorables dropped)
 * and collected into a group that ends where the next decomposition starts
 * with a starter; a finished group is put in canonical order, composed,
 * and its characters are classified and fed to the run logic, each with
 * the byte range of the whole group in the original text. That is what
 * keeps offsets exact: ｽﾊﾟﾑ gives the groups ｽ, ﾊﾟ, ﾑ and パ maps back to
 * both of its original byte sequences.
 */
#include "db/tokenizer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

/* A group never grows past this many code points; a longer run of
 * combining marks is cut there. This bounds every buffer below, so the
 * tokenizer needs no heap: it calls nothing outside this file but
 * utf8proc, which also keeps the loadable extension clear of symbol
 * clashes with its host (the sqlite3 shell's readline exports xmalloc). */
#define GROUP_MAX 32
/* Enough room for any single decomposition (the longest, U+FDFA, is 18). */
#define DECOMPOSITION_MAX 32
/* The longest character: a whole group, 4 bytes per code point. */
#define CHARACTER_MAX_BYTES (GROUP_MAX * 4)

_Static_assert(KB_TOKEN_MAX_BYTES >= CHARACTER_MAX_BYTES,
	       "a word piece must hold any one character");

/* Bytes of a token or character being assembled. */
struct piece {
	char bytes[2 * CHARACTER_MAX_BYTES];
	size_t length;
};

_Static_assert(sizeof ((struct piece *)0)->bytes >= KB_TOKEN_MAX_BYTES,
	       "a piece must hold a whole word token");

enum character_class { CLASS_SEPARATOR, CLASS_JOINER, CLASS_WORD, CLASS_CJK,
		       CLASS_MARK };

enum run_kind { RUN_NONE, RUN_WORD, RUN_CJK };

struct tokenizer {
	enum kb_tokenize_mode mode;
	kb_token_callback callback;
	void *context;
	int stopped; /* the callback's nonzero result, once it gave one */

	/* the group of decomposed code points being collected */
	utf8proc_int32_t group[GROUP_MAX];
	size_t group_length;
	size_t group_start, group_end;

	enum run_kind run;
	/* a word run: its normalised bytes and original range */
	struct piece word;
	size_t word_start, word_end;
	/* a CJK run: its last character so far, and how many it has had */
	struct piece previous;
	size_t previous_start, previous_end;
	size_t run_characters;

	/* a token was emitted and nothing but joiners came after it */
	bool joinable;
};

struct range {
	utf8proc_int32_t first, last;
};

/* Han, Hiragana, Katakana and the marks that belong in their runs. */
static const struct range cjk_ranges[] = {
	{0x3005, 0x3007},   /* 々 〆 〇 */
	{0x3031, 0x3035},   /* 〱–〵 vertical kana repeat marks */
	{0x303B, 0x303B},   /* 〻 */
	{0x3041, 0x3096},   /* Hiragana letters */
	{0x309D, 0x309F},   /* ゝ ゞ ゟ */
	{0x30A1, 0x30FA},   /* Katakana letters */
	{0x30FC, 0x30FF},   /* ー ヽ ヾ ヿ */
	{0x31F0, 0x31FF},   /* Katakana phonetic extensions */
	{0x3400, 0x4DBF},   /* CJK extension A */
	{0x4E00, 0x9FFF},   /* CJK unified ideographs */
	{0xF900, 0xFAFF},   /* compatibility ideographs left by NFKC */
	{0x1B000, 0x1B16F}, /* Kana supplement and extensions */
	{0x20000, 0x3FFFD}, /* CJK extensions B and later */
};

static bool is_cjk(utf8proc_int32_t code_point)
{
	size_t i;

	if (code_point < 0x3005)
		return false;
	if (code_point >= 0x4E00 && code_point <= 0x9FFF)
		return true; /* the bulk of Japanese text: decided at once */
	for (i = 0; i < sizeof cjk_ranges / sizeof cjk_ranges[0]; i++) {
		if (code_point >= cjk_ranges[i].first &&
		    code_point <= cjk_ranges[i].last)
			return true;
	}
	return false;
}

/* Separators that keep two tokens together as one compound (5.1.1,
 * v=spf1, Return-Path, メール・アドレス). */
static bool is_joiner(utf8proc_int32_t code_point)
{
	return code_point == '.' || code_point == '-' || code_point == '_' ||
	       code_point == '\'' || code_point == '=' || code_point == ':' ||
	       code_point == '/' || code_point == '@' || code_point == 0x30FB;
}

static bool is_mark(utf8proc_int32_t code_point)
{
	utf8proc_category_t category = utf8proc_category(code_point);

	return category == UTF8PROC_CATEGORY_MN ||
	       category == UTF8PROC_CATEGORY_MC ||
	       category == UTF8PROC_CATEGORY_ME ||
	       utf8proc_get_property(code_point)->combining_class != 0;
}

/* The class of an ASCII character (none is CJK or a mark). */
static enum character_class classify_ascii(utf8proc_int32_t code_point)
{
	if ((code_point >= 'a' && code_point <= 'z') ||
	    (code_point >= 'A' && code_point <= 'Z') ||
	    (code_point >= '0' && code_point <= '9'))
		return CLASS_WORD;
	return is_joiner(code_point) ? CLASS_JOINER : CLASS_SEPARATOR;
}

static enum character_class classify(utf8proc_int32_t code_point)
{
	if (code_point < 0x80)
		return classify_ascii(code_point);
	if (is_cjk(code_point))
		return CLASS_CJK;
	if (is_mark(code_point))
		return CLASS_MARK;
	switch (utf8proc_category(code_point)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return CLASS_WORD;
	default:
		return is_joiner(code_point) ? CLASS_JOINER : CLASS_SEPARATOR;
	}
}

/* Appends piece `from` to piece `to`; the callers' bounds (GROUP_MAX, the
 * word cut) guarantee room, and the check keeps that true if they change.
 * A short piece is copied as a fixed 16 bytes, which compilers do inline
 * (the bytes past its length go along and are never read). */
static void piece_append(struct piece *to, const struct piece *from)
{
	size_t room = sizeof to->bytes - to->length;
	size_t length = from->length < room ? from->length : room;

	if (length <= 16 && room >= 16)
		memcpy(to->bytes + to->length, from->bytes, 16);
	else
		memcpy(to->bytes + to->length, from->bytes, length);
	to->length += length;
}

/* Encodes count code points (at most GROUP_MAX) into character. */
static void encode(struct piece *character,
		   const utf8proc_int32_t *code_points, size_t count)
{
	size_t i;

	if (count == 1 && code_points[0] < 0x80) {
		character->bytes[0] = (char)code_points[0];
		character->length = 1;
		return;
	}
	if (count == 1 && code_points[0] >= 0x800 && code_points[0] < 0x10000) {
		/* the three bytes of a kana or a kanji */
		character->bytes[0] = (char)(0xE0 | code_points[0] >> 12);
		character->bytes[1] = (char)(0x80 | (code_points[0] >> 6 & 0x3F));
		character->bytes[2] = (char)(0x80 | (code_points[0] & 0x3F));
		character->length = 3;
		return;
	}
	character->length = 0;
	for (i = 0; i < count; i++)
		character->length += (size_t)utf8proc_encode_char(
			code_points[i],
			(utf8proc_uint8_t *)character->bytes + character->length);
}

static void emit(struct tokenizer *tokenizer, const struct piece *text,
		 size_t start, size_t end, unsigned flags)
{
	struct kb_token token;

	if (tokenizer->stopped)
		return;
	if (tokenizer->joinable && !(flags & KB_TOKEN_COLOCATED))
		flags |= KB_TOKEN_JOINED;
	token.text = text->bytes;
	token.length = text->length;
	token.start = start;
	token.end = end;
	token.flags = flags;
	tokenizer->stopped = tokenizer->callback(tokenizer->context, &token);
	tokenizer->joinable = true;
}

static void end_run(struct tokenizer *tokenizer)
{
	if (tokenizer->run == RUN_WORD && tokenizer->word.length > 0) {
		emit(tokenizer, &tokenizer->word, tokenizer->word_start,
		     tokenizer->word_end, 0);
	} else if (tokenizer->run == RUN_CJK) {
		unsigned flags = KB_TOKEN_CJK | KB_TOKEN_SINGLE;

		if (tokenizer->run_characters == 1)
			emit(tokenizer, &tokenizer->previous,
			     tokenizer->previous_start,
			     tokenizer->previous_end, flags);
		else if (tokenizer->mode == KB_TOKENIZE_DOCUMENT)
			emit(tokenizer, &tokenizer->previous,
			     tokenizer->previous_start,
			     tokenizer->previous_end,
			     flags | KB_TOKEN_COLOCATED);
	}
	tokenizer->word.length = 0;
	tokenizer->previous.length = 0;
	tokenizer->run_characters = 0;
	tokenizer->run = RUN_NONE;
}

static void add_word_character(struct tokenizer *tokenizer,
			       const utf8proc_int32_t *code_points,
			       size_t count, size_t start, size_t end)
{
	struct piece character;

	encode(&character, code_points, count);
	if (tokenizer->word.length > 0 &&
	    tokenizer->word.length + character.length > KB_TOKEN_MAX_BYTES) {
		emit(tokenizer, &tokenizer->word, tokenizer->word_start,
		     tokenizer->word_end, 0);
		tokenizer->word.length = 0;
	}
	if (tokenizer->word.length == 0)
		tokenizer->word_start = start;
	piece_append(&tokenizer->word, &character);
	tokenizer->word_end = end;
}

/* Copies a piece's bytes only (a whole struct piece is 256 bytes, its
 * text usually 3): a short one as a fixed 16 bytes, which compilers copy
 * inline (the bytes past its length are copied along, never read). */
static void piece_copy(struct piece *to, const struct piece *from)
{
	if (from->length <= 16)
		memcpy(to->bytes, from->bytes, 16);
	else
		memcpy(to->bytes, from->bytes, from->length);
	to->length = from->length;
}

static void add_cjk_character(struct tokenizer *tokenizer,
			      const utf8proc_int32_t *code_points,
			      size_t count, size_t start, size_t end)
{
	struct piece character, bigram;

	encode(&character, code_points, count);
	if (tokenizer->run_characters > 0) {
		piece_copy(&bigram, &tokenizer->previous);
		piece_append(&bigram, &character);
		emit(tokenizer, &bigram, tokenizer->previous_start, end,
		     KB_TOKEN_CJK);
	}
	piece_copy(&tokenizer->previous, &character);
	tokenizer->previous_start = start;
	tokenizer->previous_end = end;
	tokenizer->run_characters++;
}

static void add_separator(struct tokenizer *tokenizer, bool joiner)
{
	end_run(tokenizer);
	if (!joiner)
		tokenizer->joinable = false;
}

/* One character: a base code point and the marks that follow it, all
 * coming from original bytes start..end. */
static void add_character(struct tokenizer *tokenizer,
			  const utf8proc_int32_t *code_points, size_t count,
			  size_t start, size_t end)
{
	switch (classify(code_points[0])) {
	case CLASS_WORD:
		if (tokenizer->run != RUN_WORD)
			end_run(tokenizer);
		tokenizer->run = RUN_WORD;
		add_word_character(tokenizer, code_points, count, start, end);
		break;
	case CLASS_CJK:
		if (tokenizer->run != RUN_CJK)
			end_run(tokenizer);
		tokenizer->run = RUN_CJK;
		add_cjk_character(tokenizer, code_points, count, start, end);
		break;
	case CLASS_MARK: /* a spacing mark that starts its own group */
		if (tokenizer->run == RUN_WORD)
			add_word_character(tokenizer, code_points, count,
					   start, end);
		else
			add_separator(tokenizer, false);
		break;
	case CLASS_JOINER:
		add_separator(tokenizer, true);
		break;
	case CLASS_SEPARATOR:
		add_separator(tokenizer, false);
		break;
	}
}

static int combining_class(utf8proc_int32_t code_point)
{
	return utf8proc_get_property(code_point)->combining_class;
}

/* Sorts each run of combining marks by combining class, stably (the
 * canonical ordering step utf8proc_decompose_char leaves to its caller). */
static void canonical_order(utf8proc_int32_t *code_points, size_t count)
{
	size_t i, j;

	for (i = 1; i < count; i++) {
		for (j = i; j > 0; j--) {
			int before = combining_class(code_points[j - 1]);
			int after = combining_class(code_points[j]);
			utf8proc_int32_t swap;

			if (after == 0 || before <= after)
				break;
			swap = code_points[j - 1];
			code_points[j - 1] = code_points[j];
			code_points[j] = swap;
		}
	}
}

static void flush_group(struct tokenizer *tokenizer)
{
	utf8proc_int32_t *group = tokenizer->group;
	utf8proc_ssize_t composed;
	size_t count, i, next;

	if (tokenizer->group_length == 0)
		return;
	count = tokenizer->group_length;
	if (count > 1) {	/* a lone starter has nothing to compose */
		canonical_order(group, count);
		composed = utf8proc_normalize_utf32(group, (utf8proc_ssize_t)count,
						    UTF8PROC_COMPOSE | UTF8PROC_STABLE);
		if (composed >= 0)
			count = (size_t)composed;
	}
	for (i = 0; i < count; i = next) {
		for (next = i + 1; next < count && is_mark(group[next]); next++)
			;
		add_character(tokenizer, group + i, next - i,
			      tokenizer->group_start, tokenizer->group_end);
	}
	tokenizer->group_length = 0;
}

static bool is_conjoining_jamo(utf8proc_int32_t code_point)
{
	return (code_point >= 0x1161 && code_point <= 0x1175) ||
	       (code_point >= 0x11A8 && code_point <= 0x11C2);
}

/* Whether a decomposition starting with code_point begins a new group
 * rather than combining with the group before it. */
static bool starts_group(utf8proc_int32_t code_point)
{
	return combining_class(code_point) == 0 &&
	       !is_conjoining_jamo(code_point);
}

/* Kana whose NFKC_Casefold decomposition is the character itself, and
 * that are starters. */
static bool simple_kana[0x30FF - 0x3041 + 1];
static pthread_once_t simple_kana_once = PTHREAD_ONCE_INIT;

static void find_simple_kana(void)
{
	for (utf8proc_int32_t code_point = 0x3041; code_point <= 0x30FF;
	     code_point++) {
		utf8proc_int32_t decomposed[DECOMPOSITION_MAX];
		utf8proc_ssize_t count = utf8proc_decompose_char(
			code_point, decomposed, DECOMPOSITION_MAX,
			UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
				UTF8PROC_CASEFOLD | UTF8PROC_IGNORE, NULL);
		/* not the combining sound marks U+3099, U+309A: they join
		 * the group before them */
		simple_kana[code_point - 0x3041] =
			count == 1 && decomposed[0] == code_point &&
			combining_class(code_point) == 0;
	}
}

/* The decomposition of the code points that make up most of the text
 * (ASCII, the main Han block, plain kana) without a table lookup: each is
 * its own NFKC_Casefold, or an ASCII lower case, and a starter (combining
 * class 0). Returns false for everything else. */
static bool simple_fold(utf8proc_int32_t code_point, utf8proc_int32_t *out)
{
	if (code_point < 0x80) { /* no ASCII character is ignorable */
		if (code_point >= 'A' && code_point <= 'Z')
			code_point += 'a' - 'A';
	} else if (code_point >= 0x3041 && code_point <= 0x30FF) {
		pthread_once(&simple_kana_once, find_simple_kana);
		if (!simple_kana[code_point - 0x3041])
			return false;
	} else if (code_point < 0x4E00 || code_point > 0x9FFF) {
		return false;
	}
	*out = code_point;
	return true;
}

static void add_code_point(struct tokenizer *tokenizer,
			   utf8proc_int32_t code_point, size_t start,
			   size_t end)
{
	utf8proc_int32_t decomposed[DECOMPOSITION_MAX];
	utf8proc_ssize_t count;

	if (simple_fold(code_point, decomposed)) {
		flush_group(tokenizer);
		tokenizer->group[0] = decomposed[0];
		tokenizer->group_length = 1;
		tokenizer->group_start = start;
		tokenizer->group_end = end;
		return;
	}
	count = utf8proc_decompose_char(code_point, decomposed,
					DECOMPOSITION_MAX,
					UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
						UTF8PROC_CASEFOLD |
						UTF8PROC_IGNORE,
					NULL);
	if (count < 0 || count > DECOMPOSITION_MAX) {
		flush_group(tokenizer);
		add_separator(tokenizer, false);
		return;
	}
	if (count == 0) { /* default ignorable: belongs to the group before */
		if (tokenizer->group_length > 0)
			tokenizer->group_end = end;
		return;
	}
	if (starts_group(decomposed[0]) ||
	    tokenizer->group_length + (size_t)count > GROUP_MAX)
		flush_group(tokenizer);
	if (tokenizer->group_length == 0)
		tokenizer->group_start = start;
	memcpy(tokenizer->group + tokenizer->group_length, decomposed,
	       (size_t)count * sizeof decomposed[0]);
	tokenizer->group_length += (size_t)count;
	tokenizer->group_end = end;
}

/* Decodes the character at bytes[0..rest): its size with *code_point, or
 * 0 when the bytes there are not UTF-8. One to three bytes (all of
 * Japanese text) are decoded here, with utf8proc_iterate's rules
 * (shortest form, no surrogates); four bytes go to utf8proc_iterate. */
static size_t decode(const utf8proc_uint8_t *bytes, size_t rest,
		     utf8proc_int32_t *code_point)
{
	utf8proc_ssize_t size;

	if (bytes[0] < 0x80) {
		*code_point = bytes[0];
		return 1;
	}
	if (bytes[0] >= 0xC2 && bytes[0] <= 0xDF) {
		if (rest < 2 || (bytes[1] & 0xC0) != 0x80)
			return 0;
		*code_point = (bytes[0] & 0x1F) << 6 | (bytes[1] & 0x3F);
		return 2;
	}
	if ((bytes[0] & 0xF0) == 0xE0) {
		if (rest < 3 || (bytes[1] & 0xC0) != 0x80 ||
		    (bytes[2] & 0xC0) != 0x80 ||
		    (bytes[0] == 0xE0 && bytes[1] < 0xA0) ||  /* overlong */
		    (bytes[0] == 0xED && bytes[1] >= 0xA0))   /* surrogate */
			return 0;
		*code_point = (bytes[0] & 0x0F) << 12 | (bytes[1] & 0x3F) << 6 |
			      (bytes[2] & 0x3F);
		return 3;
	}
	size = utf8proc_iterate(bytes, rest > 4 ? 4 : (utf8proc_ssize_t)rest,
				code_point);
	return size > 0 ? (size_t)size : 0;
}

int kb_tokenize(const char *text, size_t length, enum kb_tokenize_mode mode,
		kb_token_callback callback, void *context)
{
	struct tokenizer tokenizer = {0};
	const utf8proc_uint8_t *bytes = (const utf8proc_uint8_t *)text;
	size_t offset = 0;

	tokenizer.mode = mode;
	tokenizer.callback = callback;
	tokenizer.context = context;
	while (offset < length && !tokenizer.stopped) {
		utf8proc_int32_t code_point;
		size_t size = decode(bytes + offset, length - offset,
				     &code_point);

		if (size == 0) { /* not UTF-8: this byte separates */
			flush_group(&tokenizer);
			add_separator(&tokenizer, false);
			offset++;
			continue;
		}
		add_code_point(&tokenizer, code_point, offset, offset + size);
		offset += size;
	}
	flush_group(&tokenizer);
	end_run(&tokenizer);
	return tokenizer.stopped;
}

/* FTS5 glue. The tokenizer keeps no state between calls: a table's
 * instance is the observer it was registered with, or a shared static one
 * standing for none. */

static char shared_instance;

struct fts5_forward {
	void *context;
	int (*token)(void *context, int flags, const char *text, int length,
		     int start, int end);
	const struct kb_tokenizer_observer *observer; /* or NULL */
};

static int forward_token(void *context, const struct kb_token *token)
{
	const struct fts5_forward *forward = context;
	int flags = (token->flags & KB_TOKEN_COLOCATED) ? FTS5_TOKEN_COLOCATED
							: 0;

	return forward->token(forward->context, flags, token->text,
			      (int)token->length, (int)token->start,
			      (int)token->end);
}

/* forward_token for a text the observer watches */
static int forward_observed(void *context, const struct kb_token *token)
{
	const struct fts5_forward *forward = context;

	forward->observer->token(forward->observer->context, token);
	return forward_token(context, token);
}

static int fts5_create(void *user_data, const char **arguments, int count,
		       Fts5Tokenizer **out)
{
	(void)arguments;
	if (count != 0) /* the kb tokenizer takes no options */
		return SQLITE_ERROR;
	*out = user_data != NULL ? (Fts5Tokenizer *)user_data
				 : (Fts5Tokenizer *)&shared_instance;
	return SQLITE_OK;
}

static void fts5_delete(Fts5Tokenizer *instance)
{
	(void)instance;
}

static int fts5_tokenize(Fts5Tokenizer *instance, void *context, int flags,
			 const char *text, int length,
			 int (*token)(void *context, int flags,
				      const char *text, int length, int start,
				      int end))
{
	struct fts5_forward forward = {context, token, NULL};
	enum kb_tokenize_mode mode = (flags & FTS5_TOKENIZE_QUERY)
					     ? KB_TOKENIZE_QUERY
					     : KB_TOKENIZE_DOCUMENT;

	if (text == NULL || length <= 0)
		return SQLITE_OK;
	if ((void *)instance != (void *)&shared_instance &&
	    (flags & FTS5_TOKENIZE_DOCUMENT)) {
		const struct kb_tokenizer_observer *observer =
			(const struct kb_tokenizer_observer *)instance;

		if (observer->text != NULL &&
		    observer->text(observer->context, text, (size_t)length))
			forward.observer = observer;
	}
	return kb_tokenize(text, (size_t)length, mode,
			   forward.observer ? forward_observed : forward_token,
			   &forward);
}

static const fts5_tokenizer methods = {fts5_create, fts5_delete,
				       fts5_tokenize};

int kb_tokenizer_register_api(fts5_api *api,
			      struct kb_tokenizer_observer *observer,
			      void (*destroy)(void *observer))
{
	if (api == NULL || api->iVersion < 2)
		return SQLITE_ERROR;
	return api->xCreateTokenizer(api, "kb", observer,
				     (fts5_tokenizer *)&methods, destroy);
}

struct kb_tokenizer_observer *kb_tokenizer_observer_of(fts5_api *api)
{
	void *user_data = NULL;
	fts5_tokenizer found;

	if (api == NULL ||
	    api->xFindTokenizer(api, "kb", &user_data, &found) != SQLITE_OK ||
	    found.xTokenize != fts5_tokenize)
		return NULL;
	return user_data;
}
