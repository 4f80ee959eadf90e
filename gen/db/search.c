/*
 * search.c — the query runner: registers what a connection needs, runs a
 * query within its budget and reads the page of results with their
 * snippets.
 */
#include "db/search.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/util.h"
#include "db/champions.h"
#include "db/column.h"
#include "db/correct.h"
#include "db/fts5.h"
#include "db/kept.h"
#include "db/match.h"
#include "db/query.h"
#include "db/rowmap.h"
#include "db/snippet.h"
#include "db/tokenizer.h"

/* Every matching row's score, ranking on what the index alone holds
 * (bm25, rowid: a node is told by its rowid range), in rowid order. */
static const char hits_sql[] =
	"SELECT rowid, bm25(search, " SEARCH_BM25_WEIGHTS ") * "
	"CASE WHEN rowid >= " SEARCH_NODE_ROWID_BASE_SQL " THEN " SEARCH_NODE_WEIGHT
	" ELSE 1.0 END "
	"FROM search WHERE search MATCH ?1 ORDER BY rowid";

/* Every matching row, unranked: what a tiered query counts. */
static const char ids_sql[] =
	"SELECT rowid FROM search WHERE search MATCH ?1";
/* The first ?2 of them, by rowid (FTS5's order without a rank). */
static const char first_ids_sql[] =
	"SELECT rowid FROM search WHERE search MATCH ?1 LIMIT ?2";

static const char row_url_sql[] = "SELECT url FROM search WHERE rowid = ?1";

/* A row shown, read by its rowid: FTS5 looks it up directly, where a
 * MATCH limited to the rows shown would still walk every matching row
 * (the rowids of one page lie all over the table). */
static const char details_sql[] =
	"SELECT anchor, title, heading, body FROM search WHERE rowid = ?1";

/* An expression matching more rows than this is ranked by its terms'
 * champions: bm25 costs FTS5 several microseconds a row, and over tens
 * of thousands of rows that is the whole budget. */
#define CHAMPION_MATCHES 2000
static size_t champion_matches = CHAMPION_MATCHES;

/* Whether such a query reads only its first CHAMPION_MATCHES + 1 rows
 * and its best candidates (read_bounded); tests turn it off to compare. */
static bool bounded_reads = true;

/* Best rows read per term of such an expression. */
#define CHAMPION_CANDIDATES 200

/* How far past its home a row can sit in its cluster of rowids, probed
 * to find a champion's row. */
#define CHAMPION_PROBES 8

static const char occupant_sql[] =
	"SELECT url, anchor FROM search WHERE rowid = ?1";

/* A row checked against the expression in C (match.h), and who it is. */
static const char check_sql[] =
	"SELECT title, heading, tags, body, url, anchor FROM search "
	"WHERE rowid = ?1";

/* Every row of the result a row belongs to. */
static const char siblings_sql[] =
	"SELECT id FROM search_rows WHERE url = "
	"(SELECT url FROM search WHERE rowid = ?1)";

/* Rows kept per article: its best, and enough of the next best to fill
 * the sections even when one of them is the intro, which has no
 * heading. */
#define GROUP_ROWS (SEARCH_MAX_SECTIONS + 2)

const char *search_strerror(int code)
{
	switch (code) {
	case SEARCH_OK:
		return "success";
	case SEARCH_TOO_LONG:
		return "query too long";
	case SEARCH_BAD_ROW:
		return "search row without url, title or kind";
	case SEARCH_NO_FTS5:
		return "SQLite has no FTS5";
	case SEARCH_DATABASE:
		return "database error";
	case SEARCH_DUPLICATE:
		return "a search row with this url and anchor exists already";
	case SEARCH_TOO_BROAD:
		return "the search is too broad: narrow it down";
	default:
		return "unknown search error";
	}
}

int search_register(sqlite3 *db)
{
	fts5_api *api = kb_fts5_api(db);
	struct kb_tokenizer_observer *observer;

	if (api == NULL)
		return SEARCH_NO_FTS5;
	/* the connection owns it: FTS5 frees it as the connection closes */
	observer = xcalloc(1, sizeof *observer);
	if (kb_tokenizer_register_api(api, observer, free) != SQLITE_OK) {
		free(observer);
		return SEARCH_DATABASE;
	}
	return SEARCH_OK;
}

int search_reader_setup(sqlite3 *db)
{
	char pragma[64];

	snprintf(pragma, sizeof pragma, "PRAGMA mmap_size = %lld",
		 (long long)SEARCH_MMAP_BYTES);
	return sqlite3_exec(db, pragma, NULL, NULL, NULL) == SQLITE_OK
		       ? SEARCH_OK : SEARCH_DATABASE;
}

int search_keep_statements(sqlite3 *db)
{
	return kept_start(db) == 0 ? SEARCH_OK : SEARCH_DATABASE;
}

void search_release_statements(sqlite3 *db)
{
	kept_stop(db);
}

size_t search_kept_statements(sqlite3 *db)
{
	return kept_count(db);
}

/* Prepares sql (one of this file's static strings), or takes the one
 * kept for db (kept.h); when preparing fails because this connection
 * lacks the kb tokenizer, registers it and tries once more. Whatever it
 * gives, release gives back. */
static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **statement)
{
	if (kept_prepare(db, sql, statement) != SQLITE_OK &&
	    (search_register(db) != SEARCH_OK ||
	     kept_prepare(db, sql, statement) != SQLITE_OK))
		return SEARCH_DATABASE;
	return SEARCH_OK;
}

static void release(sqlite3 *db, sqlite3_stmt *statement)
{
	kept_release(db, statement);
}

/* A tiered query's rows rank by the first tier that matched them
 * (query.h): the run as typed, then the rest by the whole expression;
 * rows left unscored (the page was full before) last. Among the best
 * rows of the rest, those with all the query's words near each other
 * come first (promote_near). */
enum {
	TIER_EXACT,
	TIER_NEAR,
	TIER_REST,
	TIER_UNSCORED,
};

/* One matching row. */
struct hit {
	sqlite3_int64 id;
	double score;	/* bm25 of its tier's expression */
	unsigned tier;
	size_t group;	/* index in ranking.groups */
};

/* One article or node: its url (read for the page's groups alone, NULL
 * before) and its best rows (indexes in hits), best first. */
struct group {
	char *url;
	size_t rows[GROUP_ROWS];
	size_t row_count;
};

/* An expression checked against rows' text in C (match.h). */
struct row_check {
	struct match_expr *expr;
	struct snippet_query *marks;	/* its phrases */
	bool *found;			/* per phrase, for one row */
};

static void row_check_free(struct row_check *check)
{
	if (check == NULL)
		return;
	match_free(check->expr);
	snippet_query_free(check->marks);
	free(check->found);
	free(check);
}

/* The check of expression, or NULL when match.h does not understand
 * it (the caller reads every match instead). */
static struct row_check *row_check_new(const char *expression)
{
	struct row_check *check = xcalloc(1, sizeof *check);

	check->expr = match_parse(expression);
	check->marks = snippet_query_new(expression, NULL);
	if (check->expr == NULL || match_phrase_count(check->expr) !=
					   snippet_query_phrase_count(check->marks)) {
		row_check_free(check);
		return NULL;
	}
	check->found = xcalloc(match_phrase_count(check->expr) + 1,
			       sizeof *check->found);
	return check;
}

/* Whether the row statement stands on (check_sql's columns) matches
 * the expression, decided from its text. */
static bool row_matches(struct row_check *check, sqlite3_stmt *statement)
{
	memset(check->found, 0,
	       (match_phrase_count(check->expr) + 1) * sizeof *check->found);
	/* the shorter columns first, and no further once it matches: a
	 * phrase found stays found, so the expression stays true */
	for (int column = 0; column < 4; column++) {
		const char *text =
			(const char *)sqlite3_column_text(statement, column);

		if (text == NULL)
			continue;
		snippet_find_phrases(check->marks, text,
				     (size_t)sqlite3_column_bytes(statement,
								  column),
				     check->found);
		if (match_eval(check->expr, check->found))
			return true;
	}
	return false;
}

struct ranking {
	struct hit *hits;	/* by rowid */
	size_t hit_count, hit_capacity;
	struct group *groups;
	size_t group_count, group_capacity;
	size_t *order;		/* groups, best first */
	size_t placed;		/* groups in order */
	struct rowmap map;	/* read at the first grouping */
	bool map_read;
	/* A broad query read in part (read_bounded): every matching row
	 * up to walked_to is a hit, beyond it only the rows checked. */
	bool bounded;
	sqlite3_int64 walked_to;
	struct row_check *check;	/* the expression read in part */
	/* a tiered query's loose tier, when only its exact tier was read:
	 * what the rows of a result shown must match */
	struct row_check *members;
	bool retry;			/* read everything instead */
	struct scored *scored;		/* the candidates, by home */
	size_t scored_count;
};

static void ranking_free(struct ranking *ranking)
{
	for (size_t i = 0; i < ranking->group_count; i++)
		free(ranking->groups[i].url);
	free(ranking->groups);
	free(ranking->hits);
	free(ranking->order);
	rowmap_free(&ranking->map);
	row_check_free(ranking->check);
	row_check_free(ranking->members);
	free(ranking->scored);
	memset(ranking, 0, sizeof *ranking);
}

/* Forgets the groups (and their order); the hits keep their places. */
static void drop_groups(struct ranking *ranking)
{
	for (size_t i = 0; i < ranking->group_count; i++)
		free(ranking->groups[i].url);
	ranking->group_count = 0;
	free(ranking->order);
	ranking->order = NULL;
	ranking->placed = 0;
}

static size_t add_group(struct ranking *ranking)
{
	ranking->groups = xgrow(ranking->groups, &ranking->group_capacity,
				ranking->group_count + 1,
				sizeof *ranking->groups);
	ranking->groups[ranking->group_count] = (struct group){0};
	return ranking->group_count++;
}

/* Appends every row the query matches to ranking->hits (the first
 * `first` of them, unscored, when first is not 0), in rowid order, with
 * its bm25 (when scored) and the tier given. */
static int read_matches(sqlite3 *db, const char *query, unsigned tier,
			bool scored, size_t first, struct ranking *ranking)
{
	sqlite3_stmt *statement = NULL;
	int rc = prepare(db, first > 0 ? first_ids_sql
			     : scored ? hits_sql : ids_sql, &statement), step;

	if (rc != SEARCH_OK)
		goto out;
	rc = SEARCH_DATABASE;
	if (sqlite3_bind_text(statement, 1, query, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
	    (first > 0 && sqlite3_bind_int64(statement, 2,
					     (sqlite3_int64)first) != SQLITE_OK))
		goto out;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		ranking->hits = xgrow(ranking->hits, &ranking->hit_capacity,
				      ranking->hit_count + 1,
				      sizeof *ranking->hits);
		ranking->hits[ranking->hit_count++] = (struct hit){
			sqlite3_column_int64(statement, 0),
			scored ? sqlite3_column_double(statement, 1) : 0.0,
			tier, SIZE_MAX};
	}
	if (step == SQLITE_DONE)
		rc = SEARCH_OK;
out:
	release(db, statement);
	return rc;
}

static struct hit *find_hit(struct ranking *ranking, sqlite3_int64 id)
{
	size_t low = 0, high = ranking->hit_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;

		if (ranking->hits[middle].id == id)
			return &ranking->hits[middle];
		if (ranking->hits[middle].id < id)
			low = middle + 1;
		else
			high = middle;
	}
	return NULL;
}

/* One distinct term of the expression, with its best rows. */
struct champion_term {
	const char *text;	/* the snippet query's */
	bool prefix;
	struct champion *best;
	size_t best_count, best_capacity;
};

struct champion {
	sqlite3_int64 home;
	int weight;
};

/* One term's weight in one candidate row, for one phrase. */
struct candidate_term {
	sqlite3_int64 home;
	size_t phrase, term;
	int weight;
};

static void add_champion(void *context, sqlite3_int64 home, int weight)
{
	struct champion_term *term = context;

	term->best = xgrow(term->best, &term->best_capacity,
			   term->best_count + 1, sizeof *term->best);
	term->best[term->best_count++] = (struct champion){home, weight};
}

static int compare_candidate_terms(const void *left, const void *right)
{
	const struct candidate_term *a = left, *b = right;

	if (a->home != b->home)
		return a->home < b->home ? -1 : 1;
	if (a->phrase != b->phrase)
		return a->phrase < b->phrase ? -1 : 1;
	if (a->term != b->term)
		return a->term < b->term ? -1 : 1;
	return (a->weight < b->weight) - (a->weight > b->weight);
}

/* The distinct terms of the expression's phrases, each looked up once;
 * term_of[phrase][term] is the term's index in the result. */
static struct champion_term *champion_terms(sqlite3 *db,
					    const struct snippet_query *marks,
					    size_t **term_of, size_t *count)
{
	size_t phrases = snippet_query_phrase_count(marks), capacity = 0;
	struct champion_term *terms = NULL;

	*count = 0;
	for (size_t p = 0; p < phrases; p++) {
		const char *text;
		bool prefix;
		size_t t = 0;

		for (; (text = snippet_query_term(marks, p, t, &prefix)); t++) {
			size_t i = 0;

			while (i < *count && !(terms[i].prefix == prefix &&
					       strcmp(terms[i].text, text) == 0))
				i++;
			if (i == *count) {
				terms = xgrow(terms, &capacity, *count + 1,
					      sizeof *terms);
				terms[i] = (struct champion_term){
					.text = text, .prefix = prefix};
				champions_lookup(db, text, strlen(text), prefix,
						 CHAMPION_CANDIDATES,
						 add_champion, &terms[i]);
				(*count)++;
			}
			term_of[p] = xrealloc(term_of[p],
					      (t + 1) * sizeof *term_of[p]);
			term_of[p][t] = i;
		}
	}
	return terms;
}

/* The rowid where the row whose home is home sits (rows of one cluster
 * are kept in home order), or 0 when no row has that home. */
static sqlite3_int64 champion_rowid(sqlite3_stmt *occupant,
				    sqlite3_int64 home)
{
	const char *kind = home >= SEARCH_NODE_ROWID_BASE ? "node" : "article";
	sqlite3_int64 found = 0;

	for (sqlite3_int64 at = home; at < home + CHAMPION_PROBES; at++) {
		sqlite3_int64 its = -1;

		sqlite3_bind_int64(occupant, 1, at);
		if (sqlite3_step(occupant) == SQLITE_ROW)
			its = search_home_rowid(
				(const char *)sqlite3_column_text(occupant, 0),
				(const char *)sqlite3_column_text(occupant, 1),
				kind);
		sqlite3_reset(occupant);
		if (its == home)
			found = at;
		if (its == home || its < 0 || its > home)
			break;
	}
	return found;
}

/* A candidate row of a broad query and its score, as bm25 would be:
 * lower is better. */
struct scored {
	sqlite3_int64 home;
	double score;
};

/* Scores the candidates of the expression's terms: per phrase, its
 * weight in the row (its terms' smallest: a phrase is no likelier in a
 * row than its rarest term), summed, negated as bm25 is, times
 * SEARCH_NODE_WEIGHT for a node. A row among no term's champions is no
 * candidate. No idf: the table holds the best rows of each token, not
 * how many rows hold it, and a query this broad has its words in most
 * rows anyway. Returns the candidates by home (the caller frees them),
 * their number in *count. */
static struct scored *score_candidates(sqlite3 *db,
				       const struct snippet_query *marks,
				       size_t *count)
{
	size_t phrases = snippet_query_phrase_count(marks), term_count = 0;
	size_t **term_of = xcalloc(phrases + 1, sizeof *term_of);
	size_t *term_counts = xcalloc(phrases + 1, sizeof *term_counts);
	struct champion_term *terms =
		champion_terms(db, marks, term_of, &term_count);
	struct candidate_term *candidates = NULL;
	size_t candidate_count = 0, candidate_capacity = 0, capacity = 0;
	struct scored *scored = NULL;

	*count = 0;
	for (size_t p = 0; p < phrases; p++) {
		const char *text;
		bool prefix;

		while ((text = snippet_query_term(marks, p, term_counts[p],
						  &prefix))) {
			const struct champion_term *term =
				&terms[term_of[p][term_counts[p]]];

			for (size_t b = 0; b < term->best_count; b++) {
				candidates = xgrow(candidates,
						   &candidate_capacity,
						   candidate_count + 1,
						   sizeof *candidates);
				candidates[candidate_count++] =
					(struct candidate_term){
						term->best[b].home, p,
						term_counts[p],
						term->best[b].weight};
			}
			term_counts[p]++;
		}
	}
	if (candidate_count > 0)
		qsort(candidates, candidate_count, sizeof *candidates,
		      compare_candidate_terms);
	for (size_t i = 0; i < candidate_count;) {
		sqlite3_int64 home = candidates[i].home;
		double score = 0.0;

		while (i < candidate_count && candidates[i].home == home) {
			size_t p = candidates[i].phrase, seen = 0;
			int weight = INT32_MAX;

			/* per term its best weight (a prefix matches several
			 * tokens), sorted first */
			while (i < candidate_count &&
			       candidates[i].home == home &&
			       candidates[i].phrase == p) {
				size_t t = candidates[i].term;

				weight = candidates[i].weight < weight
						 ? candidates[i].weight : weight;
				seen++;
				while (i < candidate_count &&
				       candidates[i].home == home &&
				       candidates[i].phrase == p &&
				       candidates[i].term == t)
					i++;
			}
			if (seen == term_counts[p])
				score += weight / 1000.0;
		}
		if (score <= 0.0)
			continue;
		scored = xgrow(scored, &capacity, *count + 1, sizeof *scored);
		scored[(*count)++] = (struct scored){
			home, -score * (home >= SEARCH_NODE_ROWID_BASE
					? atof(SEARCH_NODE_WEIGHT) : 1.0)};
	}
	for (size_t i = 0; i < term_count; i++)
		free(terms[i].best);
	for (size_t p = 0; p < phrases; p++)
		free(term_of[p]);
	free(terms);
	free(term_of);
	free(term_counts);
	free(candidates);
	return scored;
}

/* Scores the candidates (score_candidates) among ranking's hits, which
 * hold every matching row; the other hits stay unscored. */
static int score_champions(sqlite3 *db, const struct snippet_query *marks,
			   unsigned tier, struct ranking *ranking)
{
	size_t count;
	struct scored *scored = score_candidates(db, marks, &count);
	sqlite3_stmt *occupant = NULL;
	int rc = prepare(db, occupant_sql, &occupant);

	for (size_t i = 0; rc == SEARCH_OK && i < count; i++) {
		sqlite3_int64 rowid = champion_rowid(occupant, scored[i].home);
		struct hit *hit = rowid > 0 ? find_hit(ranking, rowid) : NULL;

		if (hit == NULL)
			continue;
		hit->score = scored[i].score;
		hit->tier = tier;
	}
	release(db, occupant);
	free(scored);
	return rc;
}

/* Reads row rowid into check; SEARCH_OK when it was found (*found
 * true) or is missing (false). */
static int read_check(sqlite3_stmt *check, sqlite3_int64 rowid, bool *found)
{
	int step;

	sqlite3_reset(check);
	if (sqlite3_bind_int64(check, 1, rowid) != SQLITE_OK)
		return SEARCH_DATABASE;
	step = sqlite3_step(check);
	*found = step == SQLITE_ROW;
	return step == SQLITE_ROW || step == SQLITE_DONE ? SEARCH_OK
							 : SEARCH_DATABASE;
}

static int compare_scored_best(const void *left, const void *right)
{
	const struct scored *a = left, *b = right;

	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return (a->home > b->home) - (a->home < b->home);
}

static int compare_hits(const void *left, const void *right)
{
	const struct hit *a = left, *b = right;

	return (a->id > b->id) - (a->id < b->id);
}

/* Adds a hit; ranking->hits is out of rowid order until sort_hits. */
static void append_hit(struct ranking *ranking, struct hit hit)
{
	ranking->hits = xgrow(ranking->hits, &ranking->hit_capacity,
			      ranking->hit_count + 1, sizeof *ranking->hits);
	ranking->hits[ranking->hit_count++] = hit;
}

/* A broad query's best rows without reading every row it matches: its
 * first rows by rowid (ranking's hits, every match up to walked_to),
 * then its terms' candidates best first, each found among those hits or,
 * beyond them, checked against its text, until the candidates checked
 * make `needed` results. The results rank as they would with every
 * match read: candidates are taken in their rank order (by score, then
 * by home, and homes are in rowid order: a cluster keeps its rows in
 * home order), so the scored results are the best candidates that
 * match, and the unscored ones after them go by their lowest rowid,
 * which the first rows hold for as many results as they reach (the
 * caller reads everything when they reach too few). */
static int read_bounded(sqlite3 *db, const struct snippet_query *marks,
			unsigned tier, size_t needed, struct ranking *ranking)
{
	size_t count, known = 0, walked = ranking->hit_count;
	struct scored *scored = score_candidates(db, marks, &count);
	struct scored *best = xcalloc(count + 1, sizeof *best);
	sqlite3_stmt *occupant = NULL, *check = NULL;
	unsigned char *seen;
	int rc = prepare(db, occupant_sql, &occupant);

	if (rc == SEARCH_OK)
		rc = prepare(db, check_sql, &check);
	if (rc == SEARCH_OK && !ranking->map_read) {
		if (rowmap_read(db, &ranking->map) != SQLITE_OK)
			rc = SEARCH_DATABASE;
		ranking->map_read = true;
	}
	seen = xcalloc(ranking->map.groups / 8 + 1, 1);
	if (count > 0)
		memcpy(best, scored, count * sizeof *best);
	qsort(best, count, sizeof *best, compare_scored_best);
	for (size_t i = 0; rc == SEARCH_OK && i < count; i++) {
		sqlite3_int64 rowid;
		uint32_t group;
		bool found;

		if (known >= needed)
			break;
		rowid = champion_rowid(occupant, best[i].home);
		if (rowid <= 0)
			continue;
		if (rowid <= ranking->walked_to) {
			struct hit *hit = find_hit(ranking, rowid);

			if (hit == NULL)
				continue;
			hit->score = best[i].score;
			hit->tier = tier;
		} else {
			rc = read_check(check, rowid, &found);
			if (rc != SEARCH_OK || !found ||
			    !row_matches(ranking->check, check))
				continue;
			append_hit(ranking, (struct hit){rowid, best[i].score,
							 tier, SIZE_MAX});
		}
		group = rowmap_group(&ranking->map, rowid, NULL);
		if (group != ROWMAP_NONE && !(seen[group / 8] & (1u << group % 8))) {
			seen[group / 8] |= (unsigned char)(1u << group % 8);
			known++;
		}
	}
	/* the rows checked lie past the first ones: sorted among
	 * themselves, the hits are in rowid order again */
	qsort(ranking->hits + walked, ranking->hit_count - walked,
	      sizeof *ranking->hits, compare_hits);
	release(db, occupant);
	release(db, check);
	free(seen);
	free(best);
	ranking->scored = scored;
	ranking->scored_count = count;
	return rc;
}

static int compare_scored_home(const void *left, const void *right)
{
	const struct scored *a = left, *b = right;

	return (a->home > b->home) - (a->home < b->home);
}

/* Completes the first `needed` results of a bounded ranking: each with
 * every row of its own that matches, scored as a candidate when it is
 * one, as reading every match would have made it. The rows a result
 * shows as its sections may lie past the first rows read, or be
 * candidates read_bounded did not reach. The results keep their places:
 * what is added ranks below each result's best row. */
static int complete_results(sqlite3 *db, size_t needed, unsigned tier,
			    struct ranking *ranking)
{
	size_t shown = ranking->placed < needed ? ranking->placed : needed;
	size_t added = 0, capacity = 0;
	struct hit *extra = NULL;
	sqlite3_stmt *siblings = NULL, *check = NULL, *occupant = NULL;
	int rc = prepare(db, siblings_sql, &siblings);

	if (rc == SEARCH_OK)
		rc = prepare(db, check_sql, &check);
	if (rc == SEARCH_OK)
		rc = prepare(db, occupant_sql, &occupant);
	for (size_t i = 0; rc == SEARCH_OK && i < shown; i++) {
		const struct group *group = &ranking->groups[ranking->order[i]];
		int step;

		sqlite3_bind_int64(siblings, 1,
				   ranking->hits[group->rows[0]].id);
		while (rc == SEARCH_OK &&
		       (step = sqlite3_step(siblings)) == SQLITE_ROW) {
			sqlite3_int64 id = sqlite3_column_int64(siblings, 0);
			struct hit *hit = find_hit(ranking, id);
			struct scored key, *candidate;
			bool found, walked = id <= ranking->walked_to, scores;

			/* every match of the expression read up to walked_to
			 * is a hit; a loose tier's rows are not */
			if (hit == NULL && walked && ranking->members == NULL)
				continue;
			if (hit != NULL && hit->score < 0.0)
				continue; /* scored */
			rc = read_check(check, id, &found);
			if (rc != SEARCH_OK || !found)
				continue;
			scores = hit != NULL ||
				 (!walked && row_matches(ranking->check, check));
			if (!scores && (ranking->members == NULL ||
					!row_matches(ranking->members, check)))
				continue;
			key.home = search_home_rowid(
				(const char *)sqlite3_column_text(check, 4),
				(const char *)sqlite3_column_text(check, 5),
				id >= SEARCH_NODE_ROWID_BASE ? "node"
							     : "article");
			candidate = ranking->scored_count == 0 ? NULL
				    : bsearch(&key, ranking->scored,
					      ranking->scored_count,
					      sizeof *ranking->scored,
					      compare_scored_home);
			/* rows whose homes collide share the home's entries:
			 * they score the row champion_rowid finds, as when
			 * every match is read */
			if (candidate != NULL &&
			    (!scores || champion_rowid(occupant, key.home) != id))
				candidate = NULL;
			if (hit == NULL) {
				/* find_hit needs the hits in order: the new
				 * ones wait apart until the sort */
				extra = xgrow(extra, &capacity, added + 1,
					      sizeof *extra);
				extra[added++] = (struct hit){
					id, candidate ? candidate->score : 0.0,
					candidate || (scores && tier == TIER_EXACT)
						? tier : TIER_UNSCORED,
					SIZE_MAX};
			} else if (candidate != NULL) {
				hit->score = candidate->score;
				hit->tier = tier;
			}
		}
		if (rc == SEARCH_OK && step != SQLITE_DONE && step != SQLITE_ROW)
			rc = SEARCH_DATABASE;
		sqlite3_reset(siblings);
	}
	release(db, siblings);
	release(db, check);
	release(db, occupant);
	if (added > 0) {
		/* both in rowid order: merged from the top down, in place */
		size_t a = ranking->hit_count, b = added, to;

		qsort(extra, added, sizeof *extra, compare_hits);
		ranking->hits = xgrow(ranking->hits, &ranking->hit_capacity,
				      ranking->hit_count + added,
				      sizeof *ranking->hits);
		to = ranking->hit_count + added;
		while (b > 0) {
			if (a > 0 && ranking->hits[a - 1].id > extra[b - 1].id)
				ranking->hits[--to] = ranking->hits[--a];
			else
				ranking->hits[--to] = extra[--b];
		}
		ranking->hit_count += added;
	}
	free(extra);
	return rc;
}

/* Appends every row the query matches to ranking->hits, in rowid order,
 * with the tier given and, but with TIER_UNSCORED, its score: bm25 when
 * few rows match, else from the terms' champions (score_champions) when
 * kb.db has them and ranking was empty; rows not scored rank as
 * TIER_UNSCORED, but the exact tier's, which keep it with score 0: the
 * run as typed ranks before the words apart even unscored. loose, when not NULL, matches the same rows as query,
 * cheaper (query.h's loose tier): the rows are counted and the champions
 * chosen through it. With needed not 0 (ranking empty, no loose tier),
 * a query matching too many rows is read only in part (read_bounded)
 * when its expression can be checked in C: ranking->bounded says so. */
static int read_hits(sqlite3 *db, const char *query, const char *loose,
		     unsigned tier, size_t needed, struct ranking *ranking)
{
	const char *counted = loose ? loose : query;
	size_t start = ranking->hit_count, first = 0;
	struct snippet_query *marks;
	int rc;

	if (tier == TIER_UNSCORED)
		return read_matches(db, counted, tier, false, 0, ranking);
	if (needed > 0 && start == 0 && loose == NULL &&
	    champions_present(db))
		first = champion_matches + 1;
	/* unscored rows of the exact tier still rank before every row
	 * without the run as typed, after its scored ones (score 0) */
	rc = read_matches(db, counted,
			  tier == TIER_EXACT ? TIER_EXACT : TIER_UNSCORED,
			  false, first, ranking);
	if (rc != SEARCH_OK || ranking->hit_count == start)
		return rc;
	if (start > 0 || ranking->hit_count <= champion_matches ||
	    !champions_present(db)) {
		ranking->hit_count = start;
		return read_matches(db, query, tier, true, 0, ranking);
	}
	marks = snippet_query_new(counted, NULL);
	if (first > 0) {
		ranking->check = row_check_new(counted);
		if (ranking->check != NULL) {
			ranking->bounded = true;
			ranking->walked_to =
				ranking->hits[ranking->hit_count - 1].id;
			rc = read_bounded(db, marks, tier, needed, ranking);
			snippet_query_free(marks);
			return rc;
		}
		/* not an expression the checks understand: every match */
		ranking->hit_count = start;
		rc = read_matches(db, counted,
				  tier == TIER_EXACT ? TIER_EXACT : TIER_UNSCORED,
				  false, 0, ranking);
	}
	if (rc == SEARCH_OK)
		rc = score_champions(db, marks, tier, ranking);
	snippet_query_free(marks);
	return rc;
}

/* Adds the rows a tier's query matches to ranking's hits, keeping them in
 * rowid order; a row there already keeps its earlier tier. Groups are
 * dropped: the caller groups again. */
static int merge_tier(sqlite3 *db, const char *query, const char *loose,
		      unsigned tier, struct ranking *ranking)
{
	struct ranking more = {0};
	struct hit *merged;
	size_t a = 0, b = 0, count = 0;
	int rc = read_hits(db, query, loose, tier, 0, &more);

	merged = xcalloc(ranking->hit_count + more.hit_count + 1,
			 sizeof *merged);
	while (a < ranking->hit_count || b < more.hit_count) {
		if (b == more.hit_count ||
		    (a < ranking->hit_count &&
		     ranking->hits[a].id <= more.hits[b].id)) {
			if (b < more.hit_count &&
			    ranking->hits[a].id == more.hits[b].id)
				b++;
			merged[count++] = ranking->hits[a++];
		} else {
			merged[count++] = more.hits[b++];
		}
	}
	drop_groups(ranking);
	for (size_t i = 0; i < count; i++)
		merged[i].group = SIZE_MAX;
	free(ranking->hits);
	ranking->hits = merged;
	ranking->hit_count = count;
	ranking->hit_capacity = ranking->hit_count + more.hit_count + 1;
	ranking_free(&more);
	return rc;
}

/* Groups the hits by kb.db's row map, read once per ranking: the hits
 * are in rowid order, and so is the map, so one walk finds them all. A
 * hit the map lacks belongs to no group and is left out. */
static int group_hits(sqlite3 *db, struct ranking *ranking)
{
	uint32_t *slots;
	size_t from = 0;

	if (!ranking->map_read) {
		if (rowmap_read(db, &ranking->map) != SQLITE_OK)
			return SEARCH_DATABASE;
		ranking->map_read = true;
	}
	slots = xcalloc((size_t)ranking->map.groups + 1, sizeof *slots);
	memset(slots, 0xff, ((size_t)ranking->map.groups + 1) * sizeof *slots);
	for (size_t i = 0; i < ranking->hit_count; i++) {
		uint32_t group = rowmap_group(&ranking->map,
					      ranking->hits[i].id, &from);

		ranking->hits[i].group = SIZE_MAX;
		if (group == ROWMAP_NONE)
			continue;
		if (slots[group] == UINT32_MAX)
			slots[group] = (uint32_t)add_group(ranking);
		ranking->hits[i].group = slots[group];
	}
	free(slots);
	return SEARCH_OK;
}

/* Whether hit a ranks before hit b: earlier tier, lower score, then
 * lower rowid. */
static bool ranks_before(const struct hit *a, const struct hit *b)
{
	if (a->tier != b->tier)
		return a->tier < b->tier;
	return a->score < b->score || (a->score == b->score && a->id < b->id);
}

/* Adds hit to the group's best rows if it is among them, keeping them
 * best first: no sort of every hit, only of the groups. */
static void keep_row(struct ranking *ranking, struct group *group, size_t hit)
{
	size_t place = group->row_count;

	if (place == GROUP_ROWS &&
	    !ranks_before(&ranking->hits[hit],
			  &ranking->hits[group->rows[GROUP_ROWS - 1]]))
		return;
	if (place == GROUP_ROWS)
		place--;
	else
		group->row_count++;
	while (place > 0 && ranks_before(&ranking->hits[hit],
					 &ranking->hits[group->rows[place - 1]])) {
		group->rows[place] = group->rows[place - 1];
		place--;
	}
	group->rows[place] = hit;
}

static int compare_groups(const void *a, const void *b, void *user)
{
	const struct ranking *ranking = user;
	const struct hit *x = &ranking->hits[
		ranking->groups[*(const size_t *)a].rows[0]];
	const struct hit *y = &ranking->hits[
		ranking->groups[*(const size_t *)b].rows[0]];

	if (ranks_before(x, y))
		return -1;
	return ranks_before(y, x) ? 1 : 0;
}

/* Keeps each group's best GROUP_ROWS rows and orders the groups by their
 * best rows. A hit that found no url (search_rows lacking it) belongs to
 * no group and is left out. */
/* The rows of a query of several words checked for them all near each
 * other (query.h's near tier): those of the best results this many,
 * each read by its rowid and its text matched by snippet_near. Walking
 * the near group over every matching row of common words would cost as
 * much as the search, and so would a MATCH per rowid (FTS5 walks the
 * doclists to the rowid). */
#define NEAR_RESULTS 10

/* Puts the `first` best of order[0..count) first, best first, and the
 * others after them in no order: a page needs its own results and those
 * before it ranked, not the thousands after. */
static void order_best(size_t *order, size_t count, size_t first,
		       struct ranking *ranking)
{
	size_t low = 0, high = count;

	if (first < count) {
		/* quickselect: three-way partitions around a middle pivot
		 * until the first `first` are the best, in no order */
		while (high - low > 1) {
			size_t pivot = order[low + (high - low) / 2];
			size_t less = low, at = low, more = high;

			while (at < more) {
				int c = compare_groups(&order[at], &pivot,
						       ranking);
				size_t swap = order[at];

				if (c < 0) {
					order[at++] = order[less];
					order[less++] = swap;
				} else if (c > 0) {
					order[at] = order[--more];
					order[more] = swap;
				} else {
					at++;
				}
			}
			if (first < less)
				high = less;
			else if (first > more)
				low = more;
			else
				break;
		}
		count = first;
	}
	qsort_r(order, count, sizeof *order, compare_groups, ranking);
}

static void rank_groups(struct ranking *ranking, size_t needed)
{
	size_t placed = 0;

	for (size_t i = 0; i < ranking->hit_count; i++)
		if (ranking->hits[i].group != SIZE_MAX)
			keep_row(ranking,
				 &ranking->groups[ranking->hits[i].group], i);
	ranking->order = xcalloc(ranking->group_count + 1,
				 sizeof *ranking->order);
	for (size_t i = 0; i < ranking->group_count; i++)
		if (ranking->groups[i].row_count > 0)
			ranking->order[placed++] = i;
	/* the page's results and those before them, and the best
	 * NEAR_RESULTS promote_near reorders; all when needed is 0 */
	order_best(ranking->order, placed,
		   needed == 0 ? placed
			       : needed > NEAR_RESULTS ? needed : NEAR_RESULTS,
		   ranking);
	ranking->placed = placed;
}

static const char near_sql[] =
	"SELECT title, heading, tags, body FROM search WHERE rowid = ?1";

/* Whether a column of the row statement stands on holds near. */
static bool row_near(sqlite3_stmt *statement, const struct snippet_query *near)
{
	for (int column = 0; column < 4; column++) {
		const char *text =
			(const char *)sqlite3_column_text(statement, column);

		if (text != NULL &&
		    snippet_near(near, text,
				 (size_t)sqlite3_column_bytes(statement, column),
				 QUERY_NEAR_TOKENS))
			return true;
	}
	return false;
}

/* Moves the rows of the best NEAR_RESULTS results that near matches up
 * to TIER_NEAR, and those results above the others among them: a row
 * that has the query's words together, light verbs and all, says what
 * it asks (SPFはエラーになり for SPFがエラーになる), where bm25 alone
 * prefers the rows that repeat its commonest word. */
static int promote_near(sqlite3 *db, const char *near,
			struct ranking *ranking)
{
	size_t results = ranking->placed < NEAR_RESULTS ? ranking->placed
							: NEAR_RESULTS;
	sqlite3_stmt *statement = NULL;
	struct snippet_query *marks;
	int rc = prepare(db, near_sql, &statement);

	if (rc != SEARCH_OK)
		return rc;
	marks = snippet_query_new(near, NULL);
	for (size_t i = 0; rc == SEARCH_OK && i < results; i++) {
		struct group *group = &ranking->groups[ranking->order[i]];

		for (size_t j = 0; j < group->row_count; j++) {
			struct hit *hit = &ranking->hits[group->rows[j]];
			int step;

			if (hit->tier != TIER_REST)
				continue;
			sqlite3_bind_int64(statement, 1, hit->id);
			step = sqlite3_step(statement);
			if (step == SQLITE_ROW && row_near(statement, marks))
				hit->tier = TIER_NEAR;
			sqlite3_reset(statement);
			if (step != SQLITE_ROW && step != SQLITE_DONE) {
				rc = SEARCH_DATABASE;
				break;
			}
		}
		/* its best rows best first again */
		for (size_t j = 1; j < group->row_count; j++) {
			size_t row = group->rows[j], place = j;

			while (place > 0 &&
			       ranks_before(&ranking->hits[row],
					    &ranking->hits[group->rows[place - 1]])) {
				group->rows[place] = group->rows[place - 1];
				place--;
			}
			group->rows[place] = row;
		}
	}
	release(db, statement);
	snippet_query_free(marks);
	if (rc == SEARCH_OK)
		qsort_r(ranking->order, results, sizeof *ranking->order,
			compare_groups, ranking);
	return rc;
}

/* Every matching row, grouped by article and ranked (each tier's rows by
 * bm25, or by champions when too many match: read_hits). A tiered query's
 * rows with the run as typed are read first, scored; when they fill the
 * page, the rest come unscored from the loose tier (which matches them
 * all, cheaper), else scored by the whole expression, so that its words
 * near each other still rank above the same words far apart. bm25 over
 * every matching row of a common word is the costly part, and a page
 * full of exact matches needs it for those alone. */
static int rank_matches(sqlite3 *db, const char *query,
			const struct query_tiers *tiers, size_t needed,
			bool bound, struct ranking *ranking)
{
	bool full = needed == 0;
	int rc;

	if (tiers->loose == NULL) {
		rc = read_hits(db, query, NULL, TIER_REST, bound ? needed : 0,
			       ranking);
	} else {
		/* into the empty ranking: as merged */
		rc = full ? SEARCH_OK
			  : read_hits(db, tiers->exact, NULL, TIER_EXACT,
				      bound ? needed : 0, ranking);
		if (rc == SEARCH_OK && !full && ranking->hit_count >= needed) {
			rc = group_hits(db, ranking);
			full = ranking->group_count >= needed;
		}
		if (rc == SEARCH_OK && ranking->bounded) {
			/* the exact tier's best fill the page: the loose
			 * tier's rows, unscored, only complete its results
			 * (and count), so they are not read */
			ranking->members = full ? row_check_new(tiers->loose)
						: NULL;
			if (ranking->members == NULL) {
				ranking->retry = true;
				return SEARCH_OK;
			}
		} else if (rc == SEARCH_OK) {
			rc = full ? merge_tier(db, tiers->loose, NULL,
					       TIER_UNSCORED, ranking)
				  : merge_tier(db, query, tiers->loose,
					       TIER_REST, ranking);
		}
	}
	if (rc != SEARCH_OK || ranking->hit_count == 0)
		return rc;
	rc = group_hits(db, ranking);
	if (rc == SEARCH_OK)
		rank_groups(ranking, needed);
	if (rc == SEARCH_OK && ranking->bounded &&
	    ranking->placed >= needed) {
		rc = complete_results(db, needed,
				      tiers->loose ? TIER_EXACT : TIER_REST,
				      ranking);
		drop_groups(ranking);
		if (rc == SEARCH_OK)
			rc = group_hits(db, ranking);
		if (rc == SEARCH_OK)
			rank_groups(ranking, needed);
	}
	if (rc == SEARCH_OK && tiers->near != NULL)
		rc = promote_near(db, tiers->near, ranking);
	return rc;
}

/* A row read for the page: which result it belongs to and its place
 * among that result's rows. */
struct detail {
	sqlite3_int64 id;
	size_t result, place;
	bool read;
	bool shown;	/* as the result's own row or one of its sections */
	char *title;
	struct search_section section;	/* anchor and heading may be NULL */
};

static int compare_details(const void *a, const void *b)
{
	const struct detail *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static struct detail *find_detail(struct detail *details, size_t count,
				  sqlite3_int64 id)
{
	struct detail key = {.id = id};

	return bsearch(&key, details, count, sizeof *details, compare_details);
}

/* Whether a row read has an anchor and a heading: only such rows are
 * shown as sections. */
static bool headed(const struct search_section *section)
{
	return section->anchor != NULL && *section->anchor != '\0' &&
	       section->heading != NULL && *section->heading != '\0';
}

/* Reads the columns of details, one lookup each: all but the text, which
 * read_snippets reads for the rows shown alone (marking a long body is
 * the larger cost of a page, and a result reads more rows than it
 * shows). */
static int read_details(sqlite3 *db, struct detail *details, size_t count)
{
	sqlite3_stmt *statement = NULL;
	int rc = prepare(db, details_sql, &statement);

	for (size_t i = 0; rc == SEARCH_OK && i < count; i++) {
		int step;

		if (sqlite3_bind_int64(statement, 1, details[i].id) !=
		    SQLITE_OK) {
			rc = SEARCH_DATABASE;
			break;
		}
		step = sqlite3_step(statement);
		if (step == SQLITE_ROW) {
			details[i].read = true;
			details[i].section.anchor = column_copy(statement, 0);
			details[i].title = column_copy(statement, 1);
			details[i].section.heading = column_copy(statement, 2);
		} else if (step != SQLITE_DONE) {
			rc = SEARCH_DATABASE;
		}
		sqlite3_reset(statement);
	}
	release(db, statement);
	return rc;
}

/* The snippet of each shown detail: its body marked (its title when the
 * body is empty). */
static int read_snippets(sqlite3 *db, const char *query, const char *singles,
			 struct detail *details, size_t count)
{
	struct snippet_query *marks = snippet_query_new(query, singles);
	sqlite3_stmt *statement = NULL;
	int rc = prepare(db, details_sql, &statement);

	for (size_t i = 0; rc == SEARCH_OK && i < count; i++) {
		const unsigned char *text;
		char *marked;
		int column;

		if (!details[i].shown)
			continue;
		if (sqlite3_bind_int64(statement, 1, details[i].id) !=
			    SQLITE_OK ||
		    sqlite3_step(statement) != SQLITE_ROW) {
			rc = SEARCH_DATABASE;
			break;
		}
		column = sqlite3_column_bytes(statement, 3) > 0 ? 3 : 1;
		text = sqlite3_column_text(statement, column);
		marked = snippet_mark(
			marks, text ? (const char *)text : "",
			text ? (size_t)sqlite3_column_bytes(statement, column) : 0,
			SEARCH_SNIPPET_CHARACTERS);
		snippet_read(marked, strlen(marked), &details[i].section.snippet);
		free(marked);
		sqlite3_reset(statement);
	}
	release(db, statement);
	snippet_query_free(marks);
	return rc;
}

static void section_clear(struct search_section *section)
{
	free(section->anchor);
	free(section->heading);
	free(section->snippet.text);
	free(section->snippet.highlights);
	memset(section, 0, sizeof *section);
}

/* Moves a read row into its result: the first as the result's own, the
 * others as sections while they have a heading and room is left. */
static void place_detail(struct detail *detail, struct search_result *result)
{
	struct search_section *section = &detail->section;

	if (detail->place == 0) {
		result->anchor = section->anchor;
		result->heading = section->heading;
		result->snippet = section->snippet;
		result->rank = section->rank;
		result->title = detail->title ? detail->title : xstrdup("");
		detail->title = NULL;
		memset(section, 0, sizeof *section);
		return;
	}
	free(detail->title);
	detail->title = NULL;
	if (headed(section) && result->section_count < SEARCH_MAX_SECTIONS) {
		result->sections[result->section_count++] = *section;
		memset(section, 0, sizeof *section);
	}
	section_clear(section);
}

/* Fills out with the groups order[offset..offset + limit): their urls and
 * kinds now, their rows' columns and snippets from one statement. */
static int fetch_page(sqlite3 *db, const char *query, const char *singles,
		      struct ranking *ranking, size_t limit, size_t offset,
		      struct search_results *out)
{
	size_t first = offset < ranking->group_count ? offset
						     : ranking->group_count;
	size_t count = ranking->group_count - first < limit
			       ? ranking->group_count - first : limit;
	struct detail *details = xcalloc(count * GROUP_ROWS + 1,
					 sizeof *details);
	size_t detail_count = 0;
	sqlite3_stmt *url = NULL;
	int rc = SEARCH_OK;

	if (count == 0)
		goto out;
	rc = prepare(db, row_url_sql, &url);
	out->items = xcalloc(count, sizeof *out->items);
	for (size_t i = 0; i < count; i++) {
		struct group *group = &ranking->groups[ranking->order[first + i]];
		struct search_result *result = &out->items[i];

		/* every row of a group has its url: the best one's */
		if (rc == SEARCH_OK &&
		    (sqlite3_bind_int64(url, 1,
					ranking->hits[group->rows[0]].id) !=
			     SQLITE_OK ||
		     sqlite3_step(url) != SQLITE_ROW))
			rc = SEARCH_DATABASE;
		result->url = rc == SEARCH_OK ? column_copy(url, 0) : NULL;
		if (result->url == NULL)
			result->url = xstrdup("");
		sqlite3_reset(url);
		result->kind = ranking->hits[group->rows[0]].id >=
					       SEARCH_NODE_ROWID_BASE
				       ? "node" : "article";
		for (size_t place = 0; place < group->row_count; place++) {
			const struct hit *hit = &ranking->hits[group->rows[place]];

			details[detail_count++] = (struct detail){
				.id = hit->id, .result = i, .place = place,
				.section.rank = hit->score};
		}
	}
	out->count = count;
	release(db, url);
	url = NULL;
	qsort(details, detail_count, sizeof *details, compare_details);
	if (rc == SEARCH_OK)
		rc = read_details(db, details, detail_count);
	/* which rows place_detail will show, in the same order */
	for (size_t i = 0; rc == SEARCH_OK && i < count; i++) {
		struct group *group = &ranking->groups[ranking->order[first + i]];
		size_t sections = 0;

		for (size_t place = 0; place < group->row_count; place++) {
			struct detail *detail = find_detail(
				details, detail_count,
				ranking->hits[group->rows[place]].id);

			if (!detail->read)
				continue;
			if (place == 0)
				detail->shown = true;
			else if (headed(&detail->section) &&
				 sections < SEARCH_MAX_SECTIONS)
				detail->shown = ++sections > 0;
		}
	}
	if (rc == SEARCH_OK)
		rc = read_snippets(db, query, singles, details, detail_count);
	for (size_t i = 0; i < count; i++) {
		struct group *group = &ranking->groups[ranking->order[first + i]];

		for (size_t place = 0; place < group->row_count; place++) {
			struct detail *detail = find_detail(
				details, detail_count,
				ranking->hits[group->rows[place]].id);

			if (detail->read)
				place_detail(detail, &out->items[i]);
		}
		if (out->items[i].title == NULL)
			out->items[i].title = xstrdup("");
	}
out:
	for (size_t i = 0; i < detail_count; i++) {
		free(details[i].title);
		section_clear(&details[i].section);
	}
	free(details);
	return rc;
}

/* The CPU time this thread has used, in milliseconds. */
static double thread_cpu_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
	return (double)now.tv_sec * 1e3 + (double)now.tv_nsec / 1e6;
}

struct budget {
	double deadline_ms;	/* thread CPU time at which to stop */
	bool spent;
};

/* SQLite's progress handler: non-zero interrupts the statement. */
static int check_budget(void *user)
{
	struct budget *budget = user;

	if (thread_cpu_ms() > budget->deadline_ms)
		budget->spent = true;
	return budget->spent;
}

int search_run(sqlite3 *db, const char *user_text, size_t length,
	       size_t limit, size_t offset, struct search_results *out)
{
	return search_run_flags(db, user_text, length, limit, offset, 0,
				SEARCH_BUDGET_MS, out);
}

int search_run_budget(sqlite3 *db, const char *user_text, size_t length,
		      size_t limit, size_t offset, double budget_ms,
		      struct search_results *out)
{
	return search_run_flags(db, user_text, length, limit, offset, 0,
				budget_ms, out);
}

void search_testing_set_champion_matches(size_t rows)
{
	champion_matches = rows > 0 ? rows : CHAMPION_MATCHES;
}

void search_testing_set_bounded(bool bounded)
{
	bounded_reads = bounded;
}

/* The words as typed, grouped and ranked, and the page asked for. */
static int search_text(sqlite3 *db, const char *user_text, size_t length,
		       size_t limit, size_t offset,
		       struct search_results *out)
{
	char *query = NULL, *singles = NULL;
	struct query_tiers tiers;
	struct ranking ranking = {0};
	size_t needed = limit > 0 ? offset + limit : 0;
	int rc = query_build_tiers(db, user_text, length, &query, &singles,
				   &tiers);

	if (rc != SEARCH_OK || query == NULL)
		goto out;
	rc = rank_matches(db, query, &tiers, needed, bounded_reads, &ranking);
	if (rc == SEARCH_OK && ranking.bounded &&
	    (ranking.retry || ranking.placed < needed)) {
		/* a page deeper than the first rows reach */
		ranking_free(&ranking);
		rc = rank_matches(db, query, &tiers, needed, false, &ranking);
	}
	out->total = ranking.group_count;
	out->total_at_least = ranking.bounded;
	if (rc == SEARCH_OK && limit > 0)
		rc = fetch_page(db, query, singles, &ranking, limit, offset,
				out);
out:
	ranking_free(&ranking);
	query_tiers_free(&tiers);
	free(query);
	free(singles);
	return rc;
}

/* When the words as typed find next to nothing, the corrected words'
 * results instead, if they find more. */
static int search_corrected(sqlite3 *db, const char *user_text,
			    size_t length, size_t limit, size_t offset,
			    struct search_results *out)
{
	struct search_results corrected = {0};
	char *text = NULL;
	int rc;

	if (out->total > CORRECT_RARE_ROWS)
		return SEARCH_OK;
	rc = correct_query(db, user_text, length, &text);
	if (rc != SEARCH_OK || text == NULL)
		goto out;
	rc = search_text(db, text, strlen(text), limit, offset, &corrected);
	if (rc == SEARCH_OK && corrected.total > out->total) {
		search_results_free(out);
		*out = corrected;
		memset(&corrected, 0, sizeof corrected);
		out->corrected = text;
		text = NULL;
	}
out:
	search_results_free(&corrected);
	free(text);
	return rc;
}

int search_run_flags(sqlite3 *db, const char *user_text, size_t length,
		     size_t limit, size_t offset, unsigned flags,
		     double budget_ms, struct search_results *out)
{
	struct budget budget = {thread_cpu_ms() + budget_ms, false};
	bool own_transaction = false;
	int rc;

	memset(out, 0, sizeof *out);
	/* the ranking and the page from one snapshot, even while a build
	 * updates the file in place */
	if (sqlite3_get_autocommit(db)) {
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return SEARCH_DATABASE;
		own_transaction = true;
	}
	/* checked every 1,000 virtual machine steps; FTS5's work on one
	 * row is a step, so a query that matches too much stops soon */
	sqlite3_progress_handler(db, 1000, check_budget, &budget);
	rc = search_text(db, user_text, length, limit, offset, out);
	if (rc == SEARCH_OK && !(flags & SEARCH_NO_CORRECTION))
		rc = search_corrected(db, user_text, length, limit, offset,
				      out);
	sqlite3_progress_handler(db, 0, NULL, NULL);
	/* the grouping in C counts too, and a short statement may end
	 * before the handler first looks */
	check_budget(&budget);
	if (budget.spent) {
		search_results_free(out);
		rc = SEARCH_TOO_BROAD;
	}
	if (own_transaction)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

void search_result_clear(struct search_result *result)
{
	for (size_t i = 0; i < result->section_count; i++)
		section_clear(&result->sections[i]);
	free(result->url);
	free(result->anchor);
	free(result->title);
	free(result->heading);
	free(result->snippet.text);
	free(result->snippet.highlights);
	memset(result, 0, sizeof *result);
}

void search_results_free(struct search_results *results)
{
	for (size_t i = 0; i < results->count; i++)
		search_result_clear(&results->items[i]);
	free(results->items);
	free(results->corrected);
	memset(results, 0, sizeof *results);
}
