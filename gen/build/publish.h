/*
 * publish.h — atomic publishing of the output folder.
 *
 * A build writes into a staging folder beside the output folder
 * ("out.staging-<pid>") and only a build that succeeded swaps it in, with
 * one rename (renameat2 RENAME_EXCHANGE where the output exists), so the
 * published site is at every moment either the whole old one or the whole
 * new one. A failed or interrupted build leaves the old site untouched;
 * its staging folder is removed then, or by the next build.
 *
 * For tests only: with KBGEN_TEST_STOP set to the name of a stop point
 * below, the build kills itself with SIGKILL when it reaches that point,
 * so a test can check what a kill there leaves, without a race.
 */
#ifndef KB_PUBLISH_H
#define KB_PUBLISH_H

#include "content/site.h"

/* The points of publishing where KBGEN_TEST_STOP can kill the build. */
enum publish_stop {
	/* "staged": the staging folder is complete (pages, kb.db, cache),
	 * nothing is published: the old site must be there whole */
	PUBLISH_STOP_STAGED,
	/* "journaled": an incremental build's journal is written, nothing
	 * moved yet: the next build must complete the moves */
	PUBLISH_STOP_JOURNALED,
	/* "published": the new site is in place; a full build's old site is
	 * not yet removed, an incremental build's journal not yet cleared */
	PUBLISH_STOP_PUBLISHED,
};

/* Test-only (see above): raises SIGKILL when KBGEN_TEST_STOP names
 * point; otherwise does nothing. */
void publish_test_stop(enum publish_stop point);

/* Removes stale staging folders of builds that died, creates a fresh
 * staging folder for out_dir and returns its path (caller frees), or
 * NULL after a diagnostic. */
char *publish_begin(const char *out_dir);

/* Swaps staging in as out_dir and removes the previous site. 0, or -1
 * after a diagnostic (out_dir is then unchanged). */
int publish_commit(const char *staging, const char *out_dir);

/* Removes the staging folder of a failed build. */
void publish_abort(const char *staging);

/* Copies every regular file of source_dir (recursively) into
 * target_dir. 0, or -1 after a diagnostic. */
int publish_copy_tree(const char *source_dir, const char *target_dir);

/* Copies the regular file source to target (created 0644, replaced),
 * sharing its blocks where the file system can (FICLONE), else with
 * copy_file_range. 0, or -1 after a diagnostic. */
int publish_copy_file(const char *source, const char *target);

/* Copies the file name beside article (site.h, site_file_source) from
 * the site root to out_dir/site_file_output, making its folders. 0, or
 * -1 after a diagnostic. */
int publish_article_file(const char *root, const struct article *article,
			 const char *name, const char *out_dir);

#endif
