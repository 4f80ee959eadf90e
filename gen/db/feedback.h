/*
 * feedback.h — what visitors tell the writers, in a database of its own:
 * votes on articles and wizard outcomes (with an optional comment after
 * いいえ), searches that found nothing or whose results nobody opened,
 * and the steps of wizard walks (to see where walks end).
 *
 * Never kb.db: kb.db is read-only to kb.cgi and replaced by every build.
 * The feedback database is SQLite in WAL mode, written by any number of
 * kb.cgi processes at once (a busy timeout, short IMMEDIATE
 * transactions, retried on SQLITE_BUSY). Its schema is versioned
 * (PRAGMA user_version).
 *
 * No address is stored. A client is named by the SipHash of its address
 * under a random key of the day (UTC) kept in the database; a key is
 * deleted the day after its own (so that a request begun before midnight
 * still finds its client's name), and a name cannot be traced back once
 * the key is gone, nor linked to the same client's name on another day. Rows older than the retention are deleted when the database is
 * opened.
 */
#ifndef KB_FEEDBACK_H
#define KB_FEEDBACK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* The schema this code writes and reads. */
#define FEEDBACK_SCHEMA_VERSION 2

/* A comment is at most this many characters (code points). */
#define FEEDBACK_COMMENT_MAX 500

/* A query is stored up to this many bytes. */
#define FEEDBACK_QUERY_MAX 200

/* A step shown and no next step within this time: the walk ended there. */
#define FEEDBACK_ABANDON_SECONDS (30 * 60)

struct feedback;

enum feedback_status {
	FEEDBACK_STORED,	/* written and committed */
	FEEDBACK_LIMITED,	/* refused: this client reached the limit */
	FEEDBACK_REFUSED,	/* refused: nothing to attach it to */
	FEEDBACK_FAILED,	/* the database failed (logged by the caller) */
};

/* Opens the database at path, creating it and its schema when missing
 * (journal mode WAL), makes sure the key of now's day exists, and deletes
 * rows older than retention_days (0: kept forever). Returns NULL with
 * *problem (the caller frees it) when the file cannot be opened or
 * created, is not a feedback database, or has a newer schema. */
struct feedback *feedback_open(const char *path, unsigned retention_days,
			       time_t now, char **problem);

/* Closes the database (the WAL file is kept, never unlinked: kb.cgi's
 * sandbox allows no unlink). NULL is fine. */
void feedback_close(struct feedback *feedback);

/* The last SQLite error message. Borrowed. */
const char *feedback_error(const struct feedback *feedback);

/* One vote: kind is "article" or "outcome"; page the page's path (for
 * an outcome "/wizard/<tree>/<node>/"); comment NULL or at most
 * FEEDBACK_COMMENT_MAX characters of UTF-8; address the client's. */
struct feedback_vote {
	time_t at;
	const char *page, *kind;
	bool helpful;
	const char *comment;
	const char *address;
};

/* Stores the vote unless this client already voted limit times on this
 * page today (LIMITED). On STORED, *id (may be NULL) names the row for
 * feedback_comment. */
enum feedback_status feedback_add_vote(struct feedback *feedback,
				       const struct feedback_vote *vote,
				       unsigned limit, int64_t *id);

/* Attaches a comment to vote id, only when the same client cast it
 * today, voted いいえ, and left no comment yet (REFUSED otherwise). */
enum feedback_status feedback_add_comment(struct feedback *feedback,
					  int64_t id, const char *address,
					  time_t at, const char *comment);

/* Counts a search: kind "none" (it found nothing) or "unopened" (results
 * shown, none opened); query stored as the index normalises text
 * (NFKC_Casefold), spaces collapsed, cut at FEEDBACK_QUERY_MAX bytes on
 * a character boundary. At most limit per client per day. */
enum feedback_status feedback_add_search(struct feedback *feedback,
					 time_t at, const char *query,
					 const char *kind, const char *address,
					 unsigned limit);

/* One wizard step shown: node of tree, outcome when it ends the walk;
 * walk names the answers that led to it and parent the answers before
 * the last (0 at the start). At most limit per client per day. */
struct feedback_step {
	time_t at;
	const char *tree, *node;
	bool outcome;
	uint64_t walk, parent;
	const char *address;
};

enum feedback_status feedback_add_step(struct feedback *feedback,
				       const struct feedback_step *step,
				       unsigned limit);

/* The window of the live lookups' limits, in seconds. */
#define FEEDBACK_LOOKUP_WINDOW 3600

/* Counts one live DNS check of the record checker at time at, unless
 * this client (an IPv6 address by its /64) made per_client of them in
 * the last FEEDBACK_LOOKUP_WINDOW seconds or all clients per_site
 * (LIMITED, *retry_after the seconds until the oldest of those leaves
 * the window). A client's name changes with the day's key, so its count
 * starts again at midnight UTC. */
enum feedback_status feedback_add_lookup(struct feedback *feedback, time_t at,
					 const char *address, unsigned per_client,
					 unsigned per_site, unsigned *retry_after);

#endif
