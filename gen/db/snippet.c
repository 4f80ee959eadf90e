/*
 * snippet.c — the window of a result's text with what matched marked,
 * found by matching the expression's phrases against the text's tokens
 * (no MATCH statement per row), and the turning of that marked text into
 * the snippet a search result carries (see snippet.h).
 */
#include "db/snippet.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db/search.h"
#include "db/tokenizer.h"
#include "base/util.h"

/* Marks placed by snippet_mark around matched text; any such bytes in the
 * text itself become spaces as the snippet is copied. */
#define MARK_OPEN '\x02'
#define MARK_CLOSE '\x03'

struct byte_range {
	size_t start, end;
};

struct ranges {
	struct byte_range *items;
	size_t count, capacity;
};

static void ranges_add(struct ranges *ranges, size_t start, size_t end)
{
	ranges->items = xgrow(ranges->items, &ranges->capacity,
			      ranges->count + 1, sizeof *ranges->items);
	ranges->items[ranges->count].start = start;
	ranges->items[ranges->count].end = end;
	ranges->count++;
}

static int compare_ranges(const void *left, const void *right)
{
	const struct byte_range *a = left, *b = right;

	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->end != b->end)
		return a->end < b->end ? -1 : 1;
	return 0;
}

/* Sorts the ranges and merges those that overlap or touch, so that
 * overlapping bigrams (迷惑, 惑メ) give one marked run. */
static void ranges_merge(struct ranges *ranges)
{
	size_t kept = 0, i;

	if (ranges->count == 0)
		return;
	qsort(ranges->items, ranges->count, sizeof *ranges->items,
	      compare_ranges);
	for (i = 1; i < ranges->count; i++) {
		struct byte_range *last = &ranges->items[kept];

		if (ranges->items[i].start <= last->end) {
			if (ranges->items[i].end > last->end)
				last->end = ranges->items[i].end;
		} else {
			ranges->items[++kept] = ranges->items[i];
		}
	}
	ranges->count = kept + 1;
}

/* One token position of a column as the index saw it (document mode):
 * the token's range and text, and for the last bigram of a run the
 * colocated last character. */
struct position {
	size_t start, end;
	size_t text, length; /* the normalised token, in positions.texts */
	unsigned flags;
	bool has_last;       /* a colocated last character follows */
	size_t last_start, last_end, last_text, last_length;
};

struct positions {
	struct position *items;
	size_t count, capacity;
	struct buf texts;
};

static int collect_position(void *context, const struct kb_token *token)
{
	struct positions *positions = context;
	size_t text = positions->texts.length;
	struct position *position;

	buf_add(&positions->texts, token->text, token->length);
	if (token->flags & KB_TOKEN_COLOCATED) {
		if (positions->count > 0) {
			position = &positions->items[positions->count - 1];
			position->has_last = true;
			position->last_start = token->start;
			position->last_end = token->end;
			position->last_text = text;
			position->last_length = token->length;
		}
		return 0;
	}
	positions->items = xgrow(positions->items, &positions->capacity,
				 positions->count + 1, sizeof *positions->items);
	position = &positions->items[positions->count++];
	memset(position, 0, sizeof *position);
	position->start = token->start;
	position->end = token->end;
	position->text = text;
	position->length = token->length;
	position->flags = token->flags;
	return 0;
}

/* Tokenizes length bytes of text into positions, its arrays sized up
 * front for the tokens such a text makes (growing them token by token
 * was a fifth of the work on long bodies). */
static void collect_positions(const char *text, size_t length,
			      struct positions *positions)
{
	memset(positions, 0, sizeof *positions);
	positions->items = xgrow(NULL, &positions->capacity, length / 3 + 8,
				 sizeof *positions->items);
	/* a CJK run's characters each start one bigram and end another */
	positions->texts.data = xgrow(NULL, &positions->texts.capacity,
				      2 * length + 64, 1);
	kb_tokenize(text, length, KB_TOKENIZE_DOCUMENT, collect_position,
		    positions);
}

static bool text_starts_with(const struct positions *positions, size_t text,
			     size_t length, const char *prefix,
			     size_t prefix_length)
{
	return prefix_length <= length &&
	       memcmp(positions->texts.data + text, prefix, prefix_length) == 0;
}

/* Adds the characters a one-character prefix term matched at position
 * index: the first character of the bigram there when it starts with
 * the term, and the run's colocated last character when it is the term. */
static void add_single(const struct positions *positions, size_t index,
		       const char *single, size_t length, struct ranges *out)
{
	const struct position *at = &positions->items[index];
	size_t second;

	if (at->flags & KB_TOKEN_SINGLE) {
		ranges_add(out, at->start, at->end);
		return;
	}
	if (text_starts_with(positions, at->text, at->length, single, length)) {
		second = at->has_last ? at->last_start
		       : index + 1 < positions->count
			       ? positions->items[index + 1].start
			       : at->end;
		ranges_add(out, at->start, second > at->start ? second : at->end);
	}
	if (at->has_last && at->last_length == length &&
	    text_starts_with(positions, at->last_text, at->last_length, single,
			     length))
		ranges_add(out, at->last_start, at->last_end);
}

/* Adds the byte range matched by one phrase instance covering positions
 * first..last. */
static void add_instance(const struct positions *positions, size_t first,
			 size_t last, const char *single, size_t single_length,
			 struct ranges *out)
{
	if (single_length == 0) {
		ranges_add(out, positions->items[first].start,
			   positions->items[last].end);
		return;
	}
	if (last > first)
		ranges_add(out, positions->items[first].start,
			   positions->items[last - 1].end);
	add_single(positions, last, single, single_length, out);
}

/* One phrase of the expression: its terms as FTS5 reads them (the kb
 * tokenizer in query mode over the quoted text), each NUL-terminated in
 * the query's texts. */
struct snippet_phrase {
	size_t first, count; /* in snippet_query.terms */
	bool prefix;         /* the last term is a prefix */
	const char *single;  /* the one-character prefix term, or NULL */
	size_t single_length;
};

struct snippet_query {
	struct snippet_phrase *phrases;
	size_t phrase_count, phrase_capacity;
	size_t *terms;        /* offsets in texts */
	size_t term_count, term_capacity;
	struct buf texts;
	char *singles;
};

static int collect_term(void *context, const struct kb_token *token)
{
	struct snippet_query *query = context;

	/* a colocated term would be an alternative at the same place;
	 * query mode never makes one */
	if (token->flags & KB_TOKEN_COLOCATED)
		return 0;
	query->terms = xgrow(query->terms, &query->term_capacity,
			     query->term_count + 1, sizeof *query->terms);
	query->terms[query->term_count++] = query->texts.length;
	buf_add(&query->texts, token->text, token->length);
	buf_addc(&query->texts, '\0');
	return 0;
}

/* The singles entry of phrase number index: one per phrase, separated by
 * US (0x1F), each empty or the character. */
static void single_of_phrase(const char *singles, size_t index,
			     const char **text, size_t *length)
{
	const char *end;

	*text = NULL;
	*length = 0;
	for (; singles != NULL && index > 0; index--) {
		singles = strchr(singles, '\x1F');
		if (singles != NULL)
			singles++;
	}
	if (singles == NULL)
		return;
	end = strchr(singles, '\x1F');
	*text = singles;
	*length = end ? (size_t)(end - singles) : strlen(singles);
}

/* Adds the phrase quoted in text[0..length) (its "" unescaped). */
static void add_phrase(struct snippet_query *query, const char *text,
		       size_t length, bool prefix)
{
	struct buf unquoted = {0};
	struct snippet_phrase *phrase;

	for (size_t i = 0; i < length; i++) {
		buf_addc(&unquoted, text[i]);
		if (text[i] == '"')
			i++;
	}
	query->phrases = xgrow(query->phrases, &query->phrase_capacity,
			       query->phrase_count + 1,
			       sizeof *query->phrases);
	phrase = &query->phrases[query->phrase_count];
	memset(phrase, 0, sizeof *phrase);
	phrase->first = query->term_count;
	phrase->prefix = prefix;
	kb_tokenize(buf_cstr(&unquoted), unquoted.length, KB_TOKENIZE_QUERY,
		    collect_term, query);
	phrase->count = query->term_count - phrase->first;
	single_of_phrase(query->singles, query->phrase_count, &phrase->single,
			 &phrase->single_length);
	if (!prefix)
		phrase->single_length = 0;
	query->phrase_count++;
	buf_free(&unquoted);
}

struct snippet_query *snippet_query_new(const char *fts_query,
					const char *singles)
{
	struct snippet_query *query = xcalloc(1, sizeof *query);
	const char *at = fts_query ? fts_query : "";

	query->singles = xstrdup(singles ? singles : "");
	while ((at = strchr(at, '"')) != NULL) {
		const char *open = ++at;

		/* a quote inside a phrase is written twice */
		while (*at != '\0' && !(at[0] == '"' && at[1] != '"'))
			at += at[0] == '"' ? 2 : 1;
		add_phrase(query, open, (size_t)(at - open), at[0] == '"' &&
			   at[1] == '*');
		if (*at == '\0')
			break;
		at++;
	}
	return query;
}

size_t snippet_query_phrase_count(const struct snippet_query *query)
{
	return query->phrase_count;
}

const char *snippet_query_term(const struct snippet_query *query,
			       size_t phrase, size_t term, bool *prefix)
{
	const struct snippet_phrase *at;

	*prefix = false;
	if (phrase >= query->phrase_count)
		return NULL;
	at = &query->phrases[phrase];
	if (term >= at->count)
		return NULL;
	*prefix = at->prefix && term + 1 == at->count;
	return query->texts.data + query->terms[at->first + term];
}

void snippet_query_free(struct snippet_query *query)
{
	if (query == NULL)
		return;
	free(query->phrases);
	free(query->terms);
	buf_free(&query->texts);
	free(query->singles);
	free(query);
}

/* Whether the term matches position at: its token, or the run's last
 * character colocated there; as a prefix, their beginnings. */
static bool term_matches(const struct positions *positions,
			 const struct position *at, const char *term,
			 bool prefix)
{
	size_t length = strlen(term);

	if (prefix)
		return text_starts_with(positions, at->text, at->length, term,
					length) ||
		       (at->has_last &&
			text_starts_with(positions, at->last_text,
					 at->last_length, term, length));
	return (at->length == length &&
		memcmp(positions->texts.data + at->text, term, length) == 0) ||
	       (at->has_last && at->last_length == length &&
		memcmp(positions->texts.data + at->last_text, term, length) ==
			0);
}

static bool phrase_at(const struct snippet_query *query,
		      const struct snippet_phrase *phrase,
		      const struct positions *positions, size_t start)
{
	for (size_t j = 0; j < phrase->count; j++) {
		const char *term =
			query->texts.data + query->terms[phrase->first + j];

		if (!term_matches(positions, &positions->items[start + j],
				  term,
				  phrase->prefix && j + 1 == phrase->count))
			return false;
	}
	return true;
}

/* The byte ranges of every occurrence of the query's phrases in text. */
static void match_ranges(const struct snippet_query *query, const char *text,
			 size_t length, struct ranges *out)
{
	struct positions positions;

	collect_positions(text, length, &positions);
	for (size_t p = 0; p < query->phrase_count; p++) {
		const struct snippet_phrase *phrase = &query->phrases[p];

		if (phrase->count == 0 || phrase->count > positions.count)
			continue;
		for (size_t start = 0;
		     start + phrase->count <= positions.count; start++)
			if (phrase_at(query, phrase, &positions, start))
				add_instance(&positions, start,
					     start + phrase->count - 1,
					     phrase->single,
					     phrase->single_length, out);
	}
	ranges_merge(out);
	free(positions.items);
	buf_free(&positions.texts);
}

void snippet_find_phrases(const struct snippet_query *query,
			  const char *text, size_t length, bool *found)
{
	struct positions positions;

	collect_positions(text, length, &positions);
	for (size_t p = 0; p < query->phrase_count; p++) {
		const struct snippet_phrase *phrase = &query->phrases[p];

		for (size_t start = 0; !found[p] && phrase->count > 0 &&
		     start + phrase->count <= positions.count; start++)
			found[p] = phrase_at(query, phrase, &positions, start);
	}
	free(positions.items);
	buf_free(&positions.texts);
}

/* One instance of a phrase: its first and last positions. */
struct instance {
	size_t first, last, phrase;
};

static int compare_instances(const void *left, const void *right)
{
	const struct instance *a = left, *b = right;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return (a->phrase > b->phrase) - (a->phrase < b->phrase);
}

bool snippet_near(const struct snippet_query *query, const char *text,
		  size_t length, size_t distance)
{
	struct positions positions = {0};
	struct instance *instances = NULL;
	size_t count = 0, capacity = 0, missing = query->phrase_count;
	size_t *seen = xcalloc(query->phrase_count + 1, sizeof *seen);
	bool near = false;

	if (query->phrase_count == 0)
		goto out;
	kb_tokenize(text, length, KB_TOKENIZE_DOCUMENT, collect_position,
		    &positions);
	for (size_t p = 0; p < query->phrase_count; p++) {
		const struct snippet_phrase *phrase = &query->phrases[p];
		size_t before = count;

		for (size_t start = 0; phrase->count > 0 &&
		     start + phrase->count <= positions.count; start++) {
			if (!phrase_at(query, phrase, &positions, start))
				continue;
			instances = xgrow(instances, &capacity, count + 1,
					  sizeof *instances);
			instances[count++] = (struct instance){
				start, start + phrase->count - 1, p};
		}
		if (count == before)
			goto out;
	}
	qsort(instances, count, sizeof *instances, compare_instances);
	/* the shortest windows of instances holding every phrase: each
	 * instance as the window's last, its first moved up while the
	 * phrase there occurs again inside */
	for (size_t first = 0, last = 0; last < count && !near; last++) {
		if (seen[instances[last].phrase]++ == 0)
			missing--;
		while (seen[instances[first].phrase] > 1)
			seen[instances[first++].phrase]--;
		near = missing == 0 &&
		       instances[last].first <= instances[first].last + 1 + distance;
	}
out:
	free(seen);
	free(instances);
	free(positions.items);
	buf_free(&positions.texts);
	return near;
}

static bool is_continuation(char byte)
{
	return ((unsigned char)byte & 0xC0) == 0x80;
}

static size_t skip_forward(const char *text, size_t length, size_t at,
			   size_t characters)
{
	for (; at < length && characters > 0; characters--) {
		at++;
		while (at < length && is_continuation(text[at]))
			at++;
	}
	return at;
}

static size_t skip_back(const char *text, size_t at, size_t characters)
{
	for (; at > 0 && characters > 0; characters--) {
		at--;
		while (at > 0 && is_continuation(text[at]))
			at--;
	}
	return at;
}

static size_t ranges_inside(const struct ranges *ranges, size_t start,
			    size_t end)
{
	size_t inside = 0, i;

	for (i = 0; i < ranges->count; i++)
		inside += ranges->items[i].start >= start &&
			  ranges->items[i].end <= end;
	return inside;
}

/* The window of `width` characters holding the most matches, each
 * candidate starting a quarter of the width before a match; the earliest
 * wins a tie. */
static struct byte_range choose_window(const char *text, size_t length,
				       const struct ranges *ranges,
				       size_t width)
{
	struct byte_range best = {0, skip_forward(text, length, 0, width)};
	size_t best_count = ranges_inside(ranges, best.start, best.end);
	size_t i;

	for (i = 0; i < ranges->count; i++) {
		struct byte_range window;
		size_t inside;

		window.start = skip_back(text, ranges->items[i].start,
					 width / 4);
		window.end = skip_forward(text, length, window.start, width);
		inside = ranges_inside(ranges, window.start, window.end);
		if (inside > best_count) {
			best = window;
			best_count = inside;
		}
	}
	return best;
}

/* Copies text, turning control characters (our markers included) into
 * spaces so that the snippet is one line and the markers unambiguous. */
static void add_plain(struct buf *out, const char *text, size_t start,
		      size_t end)
{
	size_t i;

	for (i = start; i < end; i++) {
		unsigned char byte = (unsigned char)text[i];

		buf_addc(out, byte < 0x20 || byte == 0x7F ? ' ' : (char)byte);
	}
}

static void build_snippet(struct buf *out, const char *text, size_t length,
			  const struct ranges *ranges, size_t width)
{
	struct byte_range window = choose_window(text, length, ranges, width);
	size_t at = window.start, i;

	if (window.start > 0)
		buf_adds(out, "…");
	for (i = 0; i < ranges->count; i++) {
		size_t start = ranges->items[i].start;
		size_t end = ranges->items[i].end;

		if (end <= window.start || start >= window.end)
			continue;
		if (start < window.start)
			start = window.start;
		if (end > window.end)
			end = window.end;
		add_plain(out, text, at, start);
		buf_addc(out, MARK_OPEN);
		add_plain(out, text, start, end);
		buf_addc(out, MARK_CLOSE);
		at = end;
	}
	add_plain(out, text, at, window.end);
	if (window.end < length)
		buf_adds(out, "…");
}

char *snippet_mark(const struct snippet_query *query, const char *text,
		   size_t length, size_t width)
{
	struct ranges ranges = {0};
	struct buf snippet = {0};

	if (width < 8 || width > 4096)
		width = SEARCH_SNIPPET_CHARACTERS;
	if (length > 0) {
		match_ranges(query, text, length, &ranges);
		build_snippet(&snippet, text, length, &ranges, width);
	}
	free(ranges.items);
	return snippet.data != NULL ? buf_detach(&snippet) : xstrdup("");
}

/* Appends the highlight start..end to out, unless it is empty. */
static void add_highlight(struct search_snippet *out, size_t *capacity,
			  size_t start, size_t end)
{
	if (end <= start)
		return;
	out->highlights = xgrow(out->highlights, capacity,
				out->highlight_count + 1,
				sizeof *out->highlights);
	out->highlights[out->highlight_count].start = start;
	out->highlights[out->highlight_count++].end = end;
}

void snippet_read(const char *marked, size_t length,
		  struct search_snippet *out)
{
	struct buf text = {0};
	size_t at = 0, capacity = 0, open_at = 0;
	bool open = false;

	memset(out, 0, sizeof *out);
	while (at < length) {
		utf8proc_int32_t code_point;
		size_t rest = length - at;
		utf8proc_ssize_t size = utf8proc_iterate(
			(const utf8proc_uint8_t *)marked + at,
			rest > 4 ? 4 : (utf8proc_ssize_t)rest, &code_point);

		if (size <= 0) {
			buf_adds(&text, "\xEF\xBF\xBD");
			at++;
			continue;
		}
		if (code_point == MARK_OPEN && !open) {
			open = true;
			open_at = text.length;
		} else if (code_point == MARK_CLOSE && open) {
			open = false;
			add_highlight(out, &capacity, open_at, text.length);
		} else if (code_point != MARK_OPEN && code_point != MARK_CLOSE) {
			buf_add(&text, marked + at, (size_t)size);
		}
		at += (size_t)size;
	}
	out->length = text.length;
	out->text = text.data != NULL ? buf_detach(&text) : xstrdup("");
}

void search_snippet_runs(const struct search_snippet *snippet,
			 void (*visit)(void *user, const char *text,
				       size_t length, bool marked),
			 void *user)
{
	size_t at = 0;

	for (size_t i = 0; i < snippet->highlight_count; i++) {
		const struct search_highlight *highlight =
			&snippet->highlights[i];

		if (highlight->start > at)
			visit(user, snippet->text + at, highlight->start - at,
			      false);
		visit(user, snippet->text + highlight->start,
		      highlight->end - highlight->start, true);
		at = highlight->end;
	}
	if (snippet->length > at)
		visit(user, snippet->text + at, snippet->length - at, false);
}
