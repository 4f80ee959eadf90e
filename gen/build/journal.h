/*
 * journal.h — how an incremental build publishes: a journal of moves.
 *
 * An incremental build renders only the pages that changed into a staging
 * folder beside the output (publish_begin's), and updates a copy of kb.db
 * there, so the output is untouched while it works. Then the journal
 * <out>/.kbgen/journal is written, listing every move (kb.db's among them)
 * and every deletion; the moves are made and the journal removed. A build
 * killed after writing the journal is completed by the next one
 * (journal_replay) instead of leaving a mix of old and new pages.
 *
 * Entries are NUL-ended: 'S' the staging folder (first), 'M' a path to
 * move from it, 'D' a path to delete.
 */
#ifndef KB_JOURNAL_H
#define KB_JOURNAL_H

#include "base/util.h"

struct journal {
	struct buf text;
};

/* Starts a journal that moves every file under staging (recursively) to
 * the same path in the output. Release with journal_free. */
void journal_begin(struct journal *journal, const char *staging);

/* Adds the deletion of relative (a path in the output) to the journal. */
void journal_delete(struct journal *journal, const char *relative);

/* Writes the journal into out_dir's cache folder, makes its moves and
 * deletions, removes the staging folder and the journal. 0, or -1 after
 * a diagnostic: the output is then as it was when the journal could not
 * be written, else the journal stays for journal_replay to complete. */
int journal_commit(const struct journal *journal, const char *out_dir);

void journal_free(struct journal *journal);

/* Completes the moves of an incremental build that was interrupted after
 * writing its journal; nothing when there is none. 0, or -1 after a
 * diagnostic. */
int journal_replay(const char *out_dir);

#endif
