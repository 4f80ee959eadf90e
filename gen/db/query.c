/*
 * query.c — the user's text made into an FTS5 MATCH expression (see
 * search.h, "Queries"), and the phrases' one-character terms snippet_mark
 * needs to mark them.
 */
#include "db/query.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db/query_words.h"
#include "db/search.h"
#include "db/tokenizer.h"
#include "base/util.h"

struct query_builder {
	struct buf query;
	/* per phrase, its one-character prefix term or nothing, separated
	 * by US (0x1F): what snippet_mark needs to mark such terms exactly */
	struct buf singles;
	size_t phrases;
	size_t prefixes;	/* phrases that end in '*' */
	size_t phrase_mark;	/* query and singles lengths before the */
	size_t singles_mark;	/* open phrase (and its separator) */
	char *kept[SEARCH_MAX_TERMS];	/* the phrases in the query */
	size_t kept_count;
	bool in_phrase;
	unsigned last_flags; /* of the last token added */
	size_t last_end;
};

static void add_quoted(struct buf *query, const char *text, size_t length)
{
	size_t i;

	for (i = 0; i < length; i++) {
		if (text[i] == '"')
			buf_addc(query, '"');
		buf_addc(query, text[i]);
	}
}

/* Ends the open phrase; a lone CJK character always becomes a prefix (it
 * is indexed inside bigrams), the last word only when `open_end` says
 * nothing followed it. */
static void close_phrase(struct query_builder *builder, bool open_end)
{
	const char *query, *phrase;
	size_t phrase_length;
	bool prefix = false, drop;

	if (!builder->in_phrase)
		return;
	buf_addc(&builder->query, '"');
	if (((builder->last_flags & KB_TOKEN_SINGLE) ||
	     (open_end && !(builder->last_flags & KB_TOKEN_CJK))) &&
	    builder->prefixes < SEARCH_MAX_PREFIX_TERMS) {
		buf_addc(&builder->query, '*');
		prefix = true;
	}
	builder->in_phrase = false;
	/* the phrase just closed, without the separator before it */
	query = buf_cstr(&builder->query);
	phrase = query + builder->phrase_mark + (builder->phrase_mark > 0);
	phrase_length = builder->query.length - (size_t)(phrase - query);
	drop = builder->phrases > SEARCH_MAX_TERMS;
	for (size_t i = 0; !drop && i < builder->kept_count; i++)
		drop = strlen(builder->kept[i]) == phrase_length &&
		       memcmp(builder->kept[i], phrase, phrase_length) == 0;
	if (!drop) {
		builder->prefixes += prefix;
		builder->kept[builder->kept_count++] =
			xstrndup(phrase, phrase_length);
		return;
	}
	builder->query.length = builder->phrase_mark;
	builder->query.data[builder->query.length] = '\0';
	builder->singles.length = builder->singles_mark;
	if (builder->singles.data != NULL)
		builder->singles.data[builder->singles.length] = '\0';
	builder->phrases--;
}

static void open_phrase(struct query_builder *builder)
{
	close_phrase(builder, false);
	builder->phrase_mark = builder->query.length;
	builder->singles_mark = builder->singles.length;
	if (builder->phrases++ > 0) {
		buf_addc(&builder->query, ' ');
		buf_addc(&builder->singles, '\x1F');
	}
	buf_addc(&builder->query, '"');
	builder->in_phrase = true;
}

/* A lone CJK character ends its phrase: as a prefix it can only be the
 * phrase's last term. */
static int add_query_token(void *context, const struct kb_token *token)
{
	struct query_builder *builder = context;

	if (builder->in_phrase && (token->flags & KB_TOKEN_JOINED) &&
	    !(builder->last_flags & KB_TOKEN_SINGLE))
		buf_addc(&builder->query, ' ');
	else
		open_phrase(builder);
	add_quoted(&builder->query, token->text, token->length);
	if (token->flags & KB_TOKEN_SINGLE)
		buf_add(&builder->singles, token->text, token->length);
	builder->last_flags = token->flags;
	builder->last_end = token->end;
	return 0;
}

int query_build(sqlite3 *db, const char *user_text, size_t length,
		char **fts_query, char **singles)
{
	return query_build_tiers(db, user_text, length, fts_query, singles,
				 NULL);
}

void query_tiers_free(struct query_tiers *tiers)
{
	free(tiers->exact);
	free(tiers->loose);
	free(tiers->near);
	memset(tiers, 0, sizeof *tiers);
}

int query_build_tiers(sqlite3 *db, const char *user_text, size_t length,
		      char **fts_query, char **singles,
		      struct query_tiers *tiers)
{
	struct query_builder builder = {0};

	*fts_query = NULL;
	*singles = NULL;
	if (tiers != NULL)
		memset(tiers, 0, sizeof *tiers);
	if (utf8_count(user_text, length) > SEARCH_QUERY_MAX_CHARACTERS)
		return SEARCH_TOO_LONG;
	if (db != NULL && query_words_build(db, user_text, length, fts_query,
					    singles, tiers))
		return SEARCH_OK;
	kb_tokenize(user_text, length, KB_TOKENIZE_QUERY, add_query_token,
		    &builder);
	close_phrase(&builder, builder.last_end == length);
	if (builder.phrases > 0) {
		*fts_query = buf_detach(&builder.query);
		*singles = buf_detach(&builder.singles);
	}
	buf_free(&builder.query);
	buf_free(&builder.singles);
	for (size_t i = 0; i < builder.kept_count; i++)
		free(builder.kept[i]);
	return SEARCH_OK;
}

int search_build_query(const char *user_text, size_t length,
		       char **fts_query)
{
	char *singles = NULL;
	int rc = query_build(NULL, user_text, length, fts_query, &singles);

	free(singles);
	return rc;
}
