/*
 * query_words.c — the analysed query (query_words.h).
 *
 * The query is an AND of items, written out: the FTS5 of SQLite 3.40
 * takes an implicit AND between phrases only, not before a parenthesis. An item is one group of alternatives,
 * (a OR b OR c), or, for a CJK run of several content words (迷惑メール
 * に入る), a compound: (exact OR NEAR(w1 w2 …) OR (g1 g2 …)). The three
 * parts match the same rows (each word is in the run), but bm25 sums
 * the hits of every phrase that matched, so rows with the words close
 * together rank above the rest. The rows with the run as typed rank
 * first of all: search.c reads them first, through the exact tier
 * (query.h), which writes each such run as its exact phrase alone.
 *
 * Limits (search.h): at most SEARCH_MAX_TERMS distinct phrases, the
 * first ones kept; at most SEARCH_MAX_PREFIX_TERMS end in '*'; a
 * compound's exact phrase and NEAR group only when the distinct phrases
 * allow it.
 */
#include "db/query_words.h"

#include <stdlib.h>
#include <string.h>

#include "db/analyze.h"
#include "db/readings.h"
#include "db/search.h"
#include "db/tokenizer.h"
#include "base/util.h"

/* Alternatives of one word: as written, two kana forms, the kanji words
 * of its reading. */
#define GROUP_ALTERNATIVES 8
/* Kanji words one reading may expand to, and one reading prefix. */
#define READING_SURFACES 4
#define PREFIX_SURFACES 3
/* A kana string is cut into known readings only up to this many
 * characters (the cut tries every split: quadratic lookups). */
#define SEGMENT_MAX_CHARACTERS 16
#define SEGMENT_MIN_CHARACTERS 2
/* Runs this short are not cut into one-kanji words (add_run_word). */
#define SHORT_RUN_CHARACTERS 3

struct alternative {
	char *phrase; /* quoted, without the '*' */
	char *single; /* the one CJK character, when a prefix */
	bool prefix;
	char *text;   /* as written in the expression, once admitted */
};

struct group {
	struct alternative alternatives[GROUP_ALTERNATIVES];
	size_t count;
};

/* A light verb of a run (なる of エラーになる): left out of the
 * expression, kept for the near tier as the query's bigram of the
 * character before it and its first (the verb's inflections keep that
 * character: になる, になり, になった), in place before groups[at]. */
struct light {
	char *phrase;
	size_t at;
};

struct item {
	struct group *groups;
	size_t count, capacity;
	struct light *lights;
	size_t light_count, light_capacity;
	struct alternative exact; /* a compound's whole run, or none */
	/* a run with no content word (つある of 2つある: a counter, a verb
	 * of no content): searched as written when the query is nothing
	 * else, left out beside other words */
	bool filler;
};

struct words {
	sqlite3 *db;
	struct item *items;
	size_t count, capacity;
	/* serialising */
	struct buf query, singles;
	size_t phrases; /* in the expression, for singles' separators */
	char *kept[SEARCH_MAX_TERMS];
	size_t kept_count, prefixes;
	bool *compound;	/* per item: written as a compound */
	/* per item of one word: its alternative that is the run as typed,
	 * when others are admitted beside it, else SIZE_MAX */
	size_t *typed;
	bool tiered;	/* some item reads differently by tier */
};

/* What write_item writes of a compound: all three parts, or one. */
enum tier {
	TIER_ALL,
	TIER_EXACT,
	TIER_LOOSE,
};

static void alternative_free(struct alternative *alternative)
{
	free(alternative->phrase);
	free(alternative->single);
	free(alternative->text);
}

static struct item *new_item(struct words *words)
{
	words->items = xgrow(words->items, &words->capacity, words->count + 1,
			     sizeof *words->items);
	memset(&words->items[words->count], 0, sizeof *words->items);
	return &words->items[words->count++];
}

static struct group *new_group(struct item *item)
{
	item->groups = xgrow(item->groups, &item->capacity, item->count + 1,
			     sizeof *item->groups);
	memset(&item->groups[item->count], 0, sizeof *item->groups);
	return &item->groups[item->count++];
}

static void add_quoted(struct buf *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '"')
			buf_addc(out, '"');
		buf_addc(out, text[i]);
	}
}

struct phrase_maker {
	struct buf phrase;
	size_t tokens;
	unsigned last_flags;
	char *single;
};

static int add_phrase_token(void *context, const struct kb_token *token)
{
	struct phrase_maker *maker = context;

	if (maker->tokens++ > 0)
		buf_addc(&maker->phrase, ' ');
	add_quoted(&maker->phrase, token->text, token->length);
	maker->last_flags = token->flags;
	if (maker->tokens == 1 && (token->flags & KB_TOKEN_SINGLE))
		maker->single = xstrndup(token->text, token->length);
	return 0;
}

/* Adds word (tokenized, quoted as one phrase) to group unless it is
 * there already or the group is full. A lone CJK character is a prefix
 * (it is indexed inside bigrams). */
static void group_add(struct group *group, const char *word, size_t length)
{
	struct phrase_maker maker = {0};

	kb_tokenize(word, length, KB_TOKENIZE_QUERY, add_phrase_token, &maker);
	if (maker.tokens == 0 || group->count == GROUP_ALTERNATIVES)
		goto out;
	buf_addc(&maker.phrase, '"');
	for (size_t i = 0; i < group->count; i++)
		if (strcmp(group->alternatives[i].phrase + 1,
			   buf_cstr(&maker.phrase)) == 0)
			goto out;
	{
		struct alternative *alternative =
			&group->alternatives[group->count++];
		struct buf quoted = {0};

		buf_addc(&quoted, '"');
		buf_add(&quoted, maker.phrase.data, maker.phrase.length);
		alternative->phrase = buf_detach(&quoted);
		alternative->prefix = maker.tokens == 1 && maker.single;
		alternative->single = alternative->prefix ? maker.single : NULL;
		if (alternative->prefix)
			maker.single = NULL;
	}
out:
	free(maker.single);
	buf_free(&maker.phrase);
}

struct surface_visit {
	struct group *group;
	bool stem; /* add the surface's stem: it is a verb or adjective */
	/* a kana word's katakana form: surfaces that begin with it are
	 * matched by that form's phrase already, and would only cost */
	const char *typed;
	size_t typed_length;
};

/* A surface is a word's base form (readings.h): a kanji word ending in
 * hiragana (届く, 振り) is a verb's or adjective's, so its stem is added
 * too, after it (とどく finds 届いた, 届かない as 届く does). */
static void add_surface(void *context, const char *surface, size_t length)
{
	struct surface_visit *visit = context;
	size_t stem = analyze_stem_length(surface, length);

	if (visit->typed != NULL && length >= visit->typed_length &&
	    memcmp(surface, visit->typed, visit->typed_length) == 0)
		return;
	if (!visit->stem)
		group_add(visit->group, surface, length);
	if (stem > 0 && (visit->stem || (stem < length &&
					 analyze_has_kanji(surface, stem))))
		group_add(visit->group, surface, stem);
}

/* The words db's text writes with the reading of kana (katakana), and
 * with open_end those of the readings kana begins: what an IME shows
 * unconverted while one types. */
static void add_readings(struct words *words, struct group *group,
			 const char *katakana, size_t length, bool stem,
			 bool open_end)
{
	struct surface_visit visit = {group, stem, NULL, 0};

	if (!stem) {
		visit.typed = katakana;
		visit.typed_length = length;
	}

	readings_lookup(words->db, katakana, length, false, READING_SURFACES,
			add_surface, &visit);
	if (open_end && !stem)
		readings_lookup(words->db, katakana, length, true,
				PREFIX_SURFACES, add_surface, &visit);
}

/* A word in kana: the kanji words read so, then its katakana form
 * (えらー finds エラー) and, typed in hiragana, as typed. A word typed
 * in katakana gets no hiragana form: the text writes loanwords in
 * katakana, and each alternative costs a lookup. */
static void add_kana_word(struct words *words, struct item *item,
			  const char *kana, size_t length, bool open_end)
{
	struct group *group = new_group(item);
	struct buf katakana = {0}, hiragana = {0};
	bool typed_in_katakana;

	analyze_katakana(kana, length, &katakana);
	typed_in_katakana = katakana.length == length &&
			    memcmp(katakana.data, kana, length) == 0;
	add_readings(words, group, katakana.data, katakana.length, false,
		     open_end);
	group_add(group, katakana.data, katakana.length);
	if (!typed_in_katakana) {
		analyze_hiragana(kana, length, &hiragana);
		group_add(group, hiragana.data, hiragana.length);
	}
	buf_free(&katakana);
	buf_free(&hiragana);
}

struct run_analysis {
	struct words *words;
	struct item *item;
	const char *run;
	size_t run_length;
	bool open_end;
	bool unsplit; /* a one-character word came out: search the run whole */
};

/* Verbs that carry no content of their own (する of 設定する, いる of
 * 届いている): requiring them would require the text's grammar, and
 * their kana stems would be one-character prefixes matching everything. */
static bool light_verb(const char *base, size_t length)
{
	static const char *const verbs[] = {
		"する", "いる", "ある", "なる", "できる", "くる", "いく",
		"おる", "れる", "られる", "せる", "させる", "もらう", "くれる",
	};

	for (size_t i = 0; i < sizeof verbs / sizeof *verbs; i++)
		if (strlen(verbs[i]) == length &&
		    memcmp(verbs[i], base, length) == 0)
			return true;
	return false;
}

/* Empties item: its groups and light verbs go, its exact phrase
 * stays. */
static void item_clear_groups(struct item *item)
{
	for (size_t j = 0; j < item->count; j++)
		for (size_t k = 0; k < item->groups[j].count; k++)
			alternative_free(&item->groups[j].alternatives[k]);
	item->count = 0;
	for (size_t j = 0; j < item->light_count; j++)
		free(item->lights[j].phrase);
	item->light_count = 0;
}

/* Keeps the light verb word of the analysed run for the near tier
 * (struct light); one at the run's start has no character before it
 * and is left out. */
static void add_light(struct run_analysis *analysis,
		      const struct analyze_word *word)
{
	struct item *item = analysis->item;
	struct group bigram = {0};
	size_t before = word->start;

	if (word->start == 0 || word->surface_length == 0)
		return;
	while (before > 0 && (analysis->run[before - 1] & 0xC0) == 0x80)
		before--;
	before--;
	group_add(&bigram, analysis->run + before,
		  word->start - before +
			  utf8_sequence(word->surface, word->surface_length));
	if (bigram.count == 1 && !bigram.alternatives[0].prefix) {
		item->lights = xgrow(item->lights, &item->light_capacity,
				     item->light_count + 1,
				     sizeof *item->lights);
		item->lights[item->light_count++] = (struct light){
			bigram.alternatives[0].phrase, item->count};
		bigram.alternatives[0].phrase = NULL;
	}
	for (size_t i = 0; i < bigram.count; i++)
		alternative_free(&bigram.alternatives[i]);
}

/* A content word of a run: a noun as written (or, in kana, as
 * add_kana_word), a verb or adjective by its stem, so that every
 * inflection matches (届く → 届: 届かない, 届きません); a kana verb by
 * the stems its reading names (とどく → 届く → 届) and as written. */
static int add_run_word(void *context, const struct analyze_word *word)
{
	struct run_analysis *analysis = context;
	bool last = word->start + word->surface_length == analysis->run_length;
	struct group *group;
	size_t stem;

	if (word->kind == ANALYZE_NOUN) {
		/* A short run cut into one-kanji nouns (信状 as 信 + 状, 受信側
		 * as 受信 + 側) is a fragment more often than words, and a
		 * one-kanji word is a prefix of every bigram it starts, slow
		 * and loose: such runs are searched as typed, as without
		 * analysis. */
		if (utf8_count(analysis->run, analysis->run_length) <=
			    SHORT_RUN_CHARACTERS &&
		    !analyze_is_kana(word->surface, word->surface_length) &&
		    utf8_count(word->surface, word->surface_length) == 1) {
			analysis->unsplit = true;
			return 1;
		}
		if (analyze_is_kana(word->surface, word->surface_length))
			add_kana_word(analysis->words, analysis->item,
				      word->surface, word->surface_length,
				      analysis->open_end && last);
		else
			group_add(new_group(analysis->item), word->surface,
				  word->surface_length);
		return 0;
	}
	if (light_verb(word->base, word->base_length)) {
		add_light(analysis, word);
		return 0;
	}
	group = new_group(analysis->item);
	stem = analyze_stem_length(word->base, word->base_length);
	if (stem > 0) {
		group_add(group, word->base, stem);
	} else {
		struct buf katakana = {0};

		analyze_katakana(word->base, word->base_length, &katakana);
		add_readings(analysis->words, group, katakana.data,
			     katakana.length, true, false);
		buf_free(&katakana);
		group_add(group, word->surface, word->surface_length);
	}
	if (group->count == 0)
		analysis->item->count--;
	return 0;
}

/* Cuts katakana into the fewest known readings of two characters or
 * more (ハイシンエラー → ハイシン エラー), each a kana word of item, taken
 * from typed (the same kana as typed: hiragana and katakana letters are
 * the same length in UTF-8). Returns false, adding nothing, when no cut
 * into two or more exists. */
static bool add_segments(struct words *words, struct item *item,
			 const char *katakana, const char *typed, size_t length,
			 bool open_end)
{
	size_t offsets[SEGMENT_MAX_CHARACTERS + 1], count = 0, at = 0;
	size_t best[SEGMENT_MAX_CHARACTERS + 1], from[SEGMENT_MAX_CHARACTERS + 1];
	size_t cuts[SEGMENT_MAX_CHARACTERS + 1], cut_count = 0, i, j;

	while (at < length && count < SEGMENT_MAX_CHARACTERS) {
		offsets[count++] = at;
		at += utf8_sequence(katakana + at, length - at);
	}
	if (at < length || count < 2 * SEGMENT_MIN_CHARACTERS)
		return false;
	offsets[count] = length;
	best[0] = 0;
	from[0] = 0;
	for (i = 1; i <= count; i++) {
		best[i] = SIZE_MAX;
		for (j = 0; j + SEGMENT_MIN_CHARACTERS <= i; j++) {
			if (best[j] == SIZE_MAX || best[j] + 1 >= best[i] ||
			    !readings_known(words->db, katakana + offsets[j],
					    offsets[i] - offsets[j]))
				continue;
			best[i] = best[j] + 1;
			from[i] = j;
		}
	}
	if (best[count] == SIZE_MAX || best[count] < 2)
		return false;
	for (i = count; i > 0; i = from[i])
		cuts[cut_count++] = i;
	for (i = cut_count; i > 0; i--) {
		size_t end = cuts[i - 1];
		size_t start = i < cut_count ? cuts[i] : 0;

		add_kana_word(words, item, typed + offsets[start],
			      offsets[end] - offsets[start],
			      open_end && end == count);
	}
	return true;
}

/* One-letter particles a question typed in hiragana puts between its
 * words (めーるがとどかない, げんいんふめいのえらー), in katakana. */
static bool is_particle(const char *katakana, size_t length)
{
	static const char *const particles[] = {
		"ガ", "ノ", "ヲ", "ニ", "ハ", "デ", "ト", "モ", "ヘ",
	};

	for (size_t i = 0; i < sizeof particles / sizeof *particles; i++)
		if (strlen(particles[i]) == length &&
		    memcmp(particles[i], katakana, length) == 0)
			return true;
	return false;
}

/* A kana run cut at its first particle whose left side is a known
 * reading or cuts into known readings: that side as its kana words, the
 * particle dropped, the right side as a run of its own (a reading, known
 * readings, or MeCab's words: とどかない is 届く). MeCab alone cuts
 * unconverted hiragana into nonsense (め ー る). Returns false, adding
 * nothing, when there is no such particle. */
static bool add_particle_cut(struct words *words, struct item *item,
			     const char *katakana, const char *typed,
			     size_t length, bool open_end)
{
	size_t at = 0, characters = 0;

	while (at < length) {
		size_t size = utf8_sequence(katakana + at, length - at);
		size_t right = at + size;
		struct run_analysis analysis = {words, item, typed + right,
						length - right, open_end,
						false};

		characters++;
		if (characters < 1 + SEGMENT_MIN_CHARACTERS ||
		    !is_particle(katakana + at, size) ||
		    length - right < 2 * size) {
			at = right;
			continue;
		}
		if (readings_known(words->db, katakana, at))
			add_kana_word(words, item, typed, at, false);
		else if (!add_segments(words, item, katakana, typed, at,
				       false)) {
			at = right;
			continue;
		}
		if (readings_known(words->db, katakana + right, length - right))
			add_kana_word(words, item, typed + right,
				      length - right, open_end);
		else if (!add_segments(words, item, katakana + right,
				       typed + right, length - right,
				       open_end))
			analyze_words(typed + right, length - right,
				      add_run_word, &analysis);
		return true;
	}
	return false;
}

/* The words of a CJK run, as an item (a compound when there are
 * several). Kana runs are looked up whole as a reading first, then cut
 * into known readings, then at a particle; otherwise MeCab cuts the
 * run. A run with no
 * content word (only particles, say) is searched as written. */
static void add_run(struct words *words, const char *run, size_t length,
		    const char *exact, bool open_end)
{
	struct item *item = new_item(words);
	struct run_analysis analysis = {words, item, run, length, open_end,
					false};
	struct buf katakana = {0};

	item->exact.phrase = xstrdup(exact);
	if (analyze_katakana(run, length, &katakana)) {
		if (readings_known(words->db, katakana.data, katakana.length)) {
			add_kana_word(words, item, run, length, open_end);
			goto out;
		}
		if (katakana.length == length &&
		    add_segments(words, item, katakana.data, run, length,
				 open_end))
			goto out;
		if (katakana.length == length &&
		    add_particle_cut(words, item, katakana.data, run, length,
				     open_end))
			goto out;
		/* katakana is a loanword or a name: MeCab would cut what it
		 * does not know into pieces (モーシ → モー + シ) */
		if (katakana.length == length &&
		    memcmp(katakana.data, run, length) == 0) {
			add_kana_word(words, item, run, length, open_end);
			goto out;
		}
	}
	analyze_words(run, length, add_run_word, &analysis);
	if (analysis.unsplit)
		item_clear_groups(item);
	else if (item->count == 0)
		item->filler = true;
	if (item->count == 0)
		group_add(new_group(item), run, length);
out:
	/* the run as typed stays an alternative, so that analysis only
	 * ever adds matches (a substring cut mid-word finds its text) */
	if (item->count == 1)
		group_add(&item->groups[0], run, length);
	buf_free(&katakana);
}

struct query_token {
	char *text;
	size_t length, start, end;
	unsigned flags;
};

struct token_list {
	struct query_token *items;
	size_t count, capacity;
};

static int collect_token(void *context, const struct kb_token *token)
{
	struct token_list *list = context;
	struct query_token *copy;

	list->items = xgrow(list->items, &list->capacity, list->count + 1,
			    sizeof *list->items);
	copy = &list->items[list->count++];
	copy->text = xstrndup(token->text, token->length);
	copy->length = token->length;
	copy->start = token->start;
	copy->end = token->end;
	copy->flags = token->flags;
	return 0;
}

/* A bigram of a run of two CJK characters or more. */
static bool in_cjk_run(const struct query_token *token)
{
	return (token->flags & KB_TOKEN_CJK) && !(token->flags & KB_TOKEN_SINGLE);
}

/* The run of bigrams from tokens[first]: its normalised text (each
 * bigram overlaps the one before it by a character) and its exact
 * phrase. Returns the index after it. */
static size_t take_run(const struct token_list *list, size_t first,
		       struct buf *run, struct buf *exact)
{
	size_t i = first;

	buf_addc(exact, '"');
	for (; i < list->count && in_cjk_run(&list->items[i]) &&
	       (i == first || list->items[i].start < list->items[i - 1].end);
	     i++) {
		const struct query_token *token = &list->items[i];
		size_t skip = i == first ? 0 : utf8_sequence(token->text,
							     token->length);

		buf_add(run, token->text + skip, token->length - skip);
		if (i > first)
			buf_addc(exact, ' ');
		add_quoted(exact, token->text, token->length);
	}
	buf_addc(exact, '"');
	return i;
}

/* Tokens joined as the plain builder joins them (5.1.1, v=spf1), up to
 * a lone CJK character or a CJK run: one phrase, a prefix when it ends
 * in a lone CJK character or, as the query's end, in a word. */
static size_t take_plain(struct words *words, const struct token_list *list,
			 size_t first, size_t length)
{
	struct buf phrase = {0};
	struct alternative *alternative;
	const struct query_token *last;
	size_t i = first;

	buf_addc(&phrase, '"');
	do {
		if (i > first)
			buf_addc(&phrase, ' ');
		add_quoted(&phrase, list->items[i].text, list->items[i].length);
		i++;
	} while (i < list->count && (list->items[i].flags & KB_TOKEN_JOINED) &&
		 !(list->items[i - 1].flags & KB_TOKEN_SINGLE) &&
		 !in_cjk_run(&list->items[i]));
	buf_addc(&phrase, '"');
	last = &list->items[i - 1];
	alternative = &new_group(new_item(words))->alternatives[0];
	words->items[words->count - 1].groups[0].count = 1;
	alternative->phrase = buf_detach(&phrase);
	alternative->prefix = (last->flags & KB_TOKEN_SINGLE) ||
			      (i == list->count && last->end == length &&
			       !(last->flags & KB_TOKEN_CJK));
	if (last->flags & KB_TOKEN_SINGLE)
		alternative->single = xstrndup(last->text, last->length);
	return i;
}

/* Gives alternative its text in the expression when the limits allow:
 * a phrase already kept costs nothing, a new one takes one of the
 * SEARCH_MAX_TERMS places. Returns whether it was admitted. */
static bool admit(struct words *words, struct alternative *alternative)
{
	bool star = alternative->prefix &&
		    words->prefixes < SEARCH_MAX_PREFIX_TERMS;
	char *text = xconcat(alternative->phrase, star ? "*" : "", NULL);

	for (size_t i = 0; i < words->kept_count; i++) {
		if (strcmp(words->kept[i], text) == 0) {
			alternative->text = text;
			return true;
		}
	}
	if (words->kept_count == SEARCH_MAX_TERMS) {
		free(text);
		return false;
	}
	words->kept[words->kept_count++] = xstrdup(text);
	words->prefixes += star;
	alternative->text = text;
	return true;
}

static size_t admit_group(struct words *words, struct group *group)
{
	size_t admitted = 0;

	for (size_t i = 0; i < group->count; i++)
		admitted += group->alternatives[i].text != NULL ||
			    admit(words, &group->alternatives[i]);
	return admitted;
}

static void write_phrase(struct words *words, const struct alternative *alternative)
{
	if (words->phrases++ > 0)
		buf_addc(&words->singles, '\x1F');
	if (alternative->single != NULL && alternative->text[strlen(alternative->text) - 1] == '*')
		buf_adds(&words->singles, alternative->single);
	buf_adds(&words->query, alternative->text);
}

/* The first admitted alternative of group, or NULL. */
static const struct alternative *first_admitted(const struct group *group)
{
	for (size_t i = 0; i < group->count; i++)
		if (group->alternatives[i].text != NULL)
			return &group->alternatives[i];
	return NULL;
}

static void write_group(struct words *words, const struct group *group)
{
	size_t written = 0, admitted = 0;

	for (size_t i = 0; i < group->count; i++)
		admitted += group->alternatives[i].text != NULL;
	if (admitted > 1)
		buf_addc(&words->query, '(');
	for (size_t i = 0; i < group->count; i++) {
		if (group->alternatives[i].text == NULL)
			continue;
		if (written++ > 0)
			buf_adds(&words->query, " OR ");
		write_phrase(words, &group->alternatives[i]);
	}
	if (admitted > 1)
		buf_addc(&words->query, ')');
}

/* Writes the item's groups ANDed (the ones with an admitted
 * alternative), as a compound when it has several and its exact phrase
 * is admitted too: all three parts, or the one tier names. An item of
 * one word with `typed` (words.typed) is that alternative alone in the
 * exact tier. */
static void write_item(struct words *words, struct item *item, bool compound,
		       size_t typed, enum tier tier)
{
	bool first = true;

	if (compound && tier == TIER_EXACT) {
		write_phrase(words, &item->exact);
		return;
	}
	if (typed != SIZE_MAX && tier == TIER_EXACT) {
		if (words->query.length > 0)
			buf_adds(&words->query, " AND ");
		write_phrase(words, &item->groups[0].alternatives[typed]);
		return;
	}
	if (compound && tier == TIER_ALL) {
		buf_addc(&words->query, '(');
		write_phrase(words, &item->exact);
		buf_adds(&words->query, " OR ");
	}
	if (compound && tier != TIER_LOOSE) {
		buf_adds(&words->query, "NEAR(");
		for (size_t i = 0; i < item->count; i++) {
			const struct alternative *near = first_admitted(&item->groups[i]);

			if (near == NULL)
				continue;
			if (!first)
				buf_addc(&words->query, ' ');
			first = false;
			write_phrase(words, near);
		}
		buf_adds(&words->query, ", " QUERY_NEAR_TOKENS_TEXT ") OR ");
		first = true;
	}
	if (compound)
		buf_addc(&words->query, '(');
	for (size_t i = 0; i < item->count; i++) {
		if (first_admitted(&item->groups[i]) == NULL)
			continue;
		if (!first || (!compound && words->query.length > 0))
			buf_adds(&words->query, " AND ");
		first = false;
		write_group(words, &item->groups[i]);
	}
	if (compound)
		buf_adds(&words->query, tier == TIER_ALL ? "))" : ")");
}

/* The admitted alternative of a one-word item that is its run as typed,
 * when another is admitted beside it; SIZE_MAX otherwise. */
static size_t typed_alternative(const struct item *item)
{
	const struct group *group = &item->groups[0];
	size_t admitted = 0, typed = SIZE_MAX;

	for (size_t i = 0; i < group->count; i++) {
		const struct alternative *alternative = &group->alternatives[i];

		if (alternative->text == NULL)
			continue;
		admitted++;
		if (item->exact.phrase != NULL &&
		    strcmp(alternative->phrase, item->exact.phrase) == 0)
			typed = i;
	}
	return admitted > 1 ? typed : SIZE_MAX;
}

/* True when group is one phrase and a prefix: the query needs its '*'. */
static bool lone_prefix(const struct group *group)
{
	return group->count == 1 && group->alternatives[0].prefix;
}

/* The index of the last item when it is a plain Latin word the query
 * ends in, a prefix (take_plain), else SIZE_MAX. */
static size_t typed_prefix(const struct words *words)
{
	const struct item *item;

	if (words->count == 0)
		return SIZE_MAX;
	item = &words->items[words->count - 1];
	if (item->count != 1 || item->groups[0].count != 1 ||
	    !item->groups[0].alternatives[0].prefix ||
	    item->groups[0].alternatives[0].single != NULL)
		return SIZE_MAX;
	return words->count - 1;
}

/* Settles what the expression holds: fillers dropped when content words
 * exist, the phrases admitted, which items are compounds. */
static void prepare_query(struct words *words)
{
	bool content = false;
	size_t i, j, groups, last;

	words->compound = xcalloc(words->count + 1, sizeof *words->compound);
	words->typed = xcalloc(words->count + 1, sizeof *words->typed);
	for (i = 0; i < words->count; i++)
		content = content || !words->items[i].filler;
	for (i = 0; content && i < words->count; i++)
		if (words->items[i].filler)
			item_clear_groups(&words->items[i]);

	/* Prefix places (SEARCH_MAX_PREFIX_TERMS) go first to the phrases
	 * that end in a lone CJK character and stand alone ("dmarc が"*:
	 * without the '*' it finds nothing), then to the Latin word being
	 * typed at the end ("バのI" looks for IP, not the word "i"), and
	 * only then to the readings a word may also be (場* OR バ*). */
	last = typed_prefix(words);
	for (i = 0; i < words->count; i++)
		for (j = 0; j < words->items[i].count; j++)
			if (lone_prefix(&words->items[i].groups[j]) &&
			    (i != last || j != 0))
				admit_group(words, &words->items[i].groups[j]);
	if (last != SIZE_MAX)
		admit_group(words, &words->items[last].groups[0]);
	for (i = 0; i < words->count; i++)
		for (j = 0; j < words->items[i].count; j++)
			admit_group(words, &words->items[i].groups[j]);
	for (i = 0; i < words->count; i++) {
		struct item *item = &words->items[i];

		for (j = 0, groups = 0; j < item->count; j++)
			groups += first_admitted(&item->groups[j]) != NULL;
		words->compound[i] = groups > 1 && item->exact.phrase != NULL &&
				     admit(words, &item->exact);
		words->typed[i] = groups == 1 && item->count == 1
					  ? typed_alternative(item) : SIZE_MAX;
		words->tiered |= words->compound[i] ||
				 words->typed[i] != SIZE_MAX;
	}
}

/* Writes the expression (its compounds as tier says) into words->query
 * and, for TIER_ALL, the singles. */
static void write_query(struct words *words, enum tier tier)
{
	words->query.length = 0;
	words->singles.length = 0;
	words->phrases = 0;
	if (words->query.data != NULL)
		words->query.data[0] = '\0';
	for (size_t i = 0; i < words->count; i++) {
		if (words->compound[i] && words->query.length > 0)
			buf_adds(&words->query, " AND ");
		write_item(words, &words->items[i], words->compound[i],
			   words->typed[i], tier);
	}
}

static void words_free(struct words *words)
{
	for (size_t i = 0; i < words->count; i++) {
		struct item *item = &words->items[i];

		for (size_t j = 0; j < item->count; j++)
			for (size_t k = 0; k < item->groups[j].count; k++)
				alternative_free(&item->groups[j].alternatives[k]);
		free(item->groups);
		for (size_t j = 0; j < item->light_count; j++)
			free(item->lights[j].phrase);
		free(item->lights);
		alternative_free(&item->exact);
	}
	free(words->items);
	free(words->compound);
	free(words->typed);
	for (size_t i = 0; i < words->kept_count; i++)
		free(words->kept[i]);
	buf_free(&words->query);
	buf_free(&words->singles);
}

/* The expression with its compounds as tier says; the caller frees it. */
static char *tier_query(struct words *words, enum tier tier)
{
	write_query(words, tier);
	return buf_detach(&words->query);
}

/* The first alternative of group admitted to the expression that is not
 * one CJK character (a prefix of every bigram it begins: FTS5 would
 * gather them all, too dear for a check of a few rows), or NULL. A
 * Latin word the query ends in is a prefix in the expression and a
 * whole word here: the check is of rows that say what the query says. */
static const struct alternative *near_alternative(const struct group *group)
{
	for (size_t i = 0; i < group->count; i++)
		if (group->alternatives[i].text != NULL &&
		    group->alternatives[i].single == NULL)
			return &group->alternatives[i];
	return NULL;
}

/* The near tier (query.h): NEAR(every word and light verb, in the
 * query's order), or NULL when there are fewer than two or a word has
 * only one-character prefixes. The caller frees it. */
static char *near_query(const struct words *words)
{
	struct buf near = {0};
	size_t phrases = 0;

	buf_adds(&near, "NEAR(");
	for (size_t i = 0; i < words->count; i++) {
		const struct item *item = &words->items[i];
		size_t light = 0;

		for (size_t j = 0; j <= item->count; j++) {
			const struct alternative *alternative;

			for (; light < item->light_count &&
			       item->lights[light].at <= j; light++) {
				if (phrases++ > 0)
					buf_addc(&near, ' ');
				buf_adds(&near, item->lights[light].phrase);
			}
			if (j == item->count ||
			    first_admitted(&item->groups[j]) == NULL)
				continue;
			alternative = near_alternative(&item->groups[j]);
			if (alternative == NULL) {
				buf_free(&near);
				return NULL;
			}
			if (phrases++ > 0)
				buf_addc(&near, ' ');
			buf_adds(&near, alternative->phrase);
		}
	}
	if (phrases < 2) {
		buf_free(&near);
		return NULL;
	}
	buf_adds(&near, ", " QUERY_NEAR_TOKENS_TEXT ")");
	return buf_detach(&near);
}

bool query_words_build(sqlite3 *db, const char *user_text, size_t length,
		       char **fts_query, char **singles,
		       struct query_tiers *tiers)
{
	struct token_list list = {0};
	struct words words = {0};
	bool has_run = false;
	size_t i;

	*fts_query = *singles = NULL;
	if (tiers != NULL)
		memset(tiers, 0, sizeof *tiers);
	if (analyze_open() != 0)
		return false;
	kb_tokenize(user_text, length, KB_TOKENIZE_QUERY, collect_token, &list);
	for (i = 0; i < list.count && !has_run; i++)
		has_run = in_cjk_run(&list.items[i]);
	words.db = db;
	for (i = 0; has_run && i < list.count;) {
		struct buf run = {0}, exact = {0};
		size_t next;

		if (!in_cjk_run(&list.items[i])) {
			i = take_plain(&words, &list, i, length);
			continue;
		}
		next = take_run(&list, i, &run, &exact);
		add_run(&words, run.data, run.length, buf_cstr(&exact),
			list.items[next - 1].end == length);
		buf_free(&run);
		buf_free(&exact);
		i = next;
	}
	if (has_run) {
		prepare_query(&words);
		write_query(&words, TIER_ALL);
		if (words.phrases > 0) {
			*fts_query = buf_detach(&words.query);
			*singles = words.singles.data ? buf_detach(&words.singles)
						      : xstrdup("");
		}
		if (words.phrases > 0 && words.tiered && tiers != NULL) {
			tiers->exact = tier_query(&words, TIER_EXACT);
			tiers->loose = tier_query(&words, TIER_LOOSE);
		}
		if (words.phrases > 0 && tiers != NULL)
			tiers->near = near_query(&words);
	}
	words_free(&words);
	for (i = 0; i < list.count; i++)
		free(list.items[i].text);
	free(list.items);
	return has_run;
}
