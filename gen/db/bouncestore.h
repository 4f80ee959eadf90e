/*
 * bouncestore.h — the bounce analyzer's compiled rules (content/bounce.h)
 * in kb.db, so kb.cgi and `kbgen bounce` analyze with nothing but the
 * database. The build writes the rules that loaded without errors; the
 * readers read them back into the same struct bounce_rules.
 *
 * Schema (bouncestore_write creates it, or empties and refills it):
 *
 *   bounce_meta       key PRIMARY KEY, value: the class names
 *                     ("class:permanent"...), "hard_note", "soft_note"
 *   bounce_reasons    id PRIMARY KEY (bounce_reason_id), title,
 *                     explanation, hard, class, article_url, article_title
 *   bounce_walks      (reason, class) PRIMARY KEY, step ("tree/node"),
 *                     answers ("node=option&...")
 *   bounce_rules      position PRIMARY KEY (the order they are tried),
 *                     status, reply, texts (phrases joined by LF),
 *                     receiver, reason, class, line
 *   bounce_receivers  position PRIMARY KEY, name, hosts, texts (LF-joined)
 */
#ifndef KB_BOUNCESTORE_H
#define KB_BOUNCESTORE_H

#include <sqlite3.h>

#include "content/bounce.h"

enum bouncestore_status {
	BOUNCESTORE_OK = 0,
	BOUNCESTORE_MISSING,	/* kb.db holds no rules (the site has none) */
	BOUNCESTORE_CORRUPT,	/* rows that make no rules (unknown ids) */
	BOUNCESTORE_DATABASE,	/* SQLite failed: sqlite3_errmsg says why */
};

/* A short English message for a bouncestore_status; static. */
const char *bouncestore_strerror(int status);

/* Creates the tables when missing, empties them and writes rules (a
 * site without a rules file writes none: the tables stay empty). Call
 * inside the index's transaction. Returns 0, or -1 after a diagnostic. */
int bouncestore_write(sqlite3 *db, const struct bounce_rules *rules);

/* Reads the rules back into *out (zeroed first; free with
 * bounce_rules_free, also after a failure). Returns a
 * bouncestore_status. */
int bouncestore_load(sqlite3 *db, struct bounce_rules *out);

#endif
