/*
 * publish.h — atomic publishing of the output folder.
 *
 * A build writes into a staging folder beside the output folder
 * ("out.staging-<pid>") and only a build that succeeded swaps it in, with
 * one rename (renameat2 RENAME_EXCHANGE where the output exists), so the
 * published site is at every moment either the whole old one or the whole
 * new one. A failed or interrupted build leaves the old site untouched;
 * its staging folder is removed then, or by the next build.
 */
#ifndef KB_PUBLISH_H
#define KB_PUBLISH_H

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

#endif
