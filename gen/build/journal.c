/*
 * journal.c — the journal of an incremental build's moves: written,
 * applied, and replayed after a kill (see journal.h).
 */
#include "build/journal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "build/cache.h"
#include "build/publish.h"

static char *journal_path(const char *out_dir)
{
	char *folder = cache_dir(out_dir);
	char *path = path_join(folder, "journal");

	free(folder);
	return path;
}

/* Removes out_dir/relative and the folders above it that became empty. */
static void delete_output(const char *out_dir, const char *relative)
{
	char *path = path_join(out_dir, relative);
	char *slash;

	if (unlink(path) != 0 && errno != ENOENT && errno != EISDIR)
		diag_warning(path, 0, 0, "cannot remove: %s", strerror(errno));
	while ((slash = strrchr(path, '/')) != NULL &&
	       (size_t)(slash - path) > strlen(out_dir)) {
		*slash = '\0';
		if (rmdir(path) != 0)
			break;
	}
	free(path);
}

/* Moves new_dir/relative to out_dir/relative, making the folders it needs.
 * A file already moved (a journal replayed twice) is no error. */
static int move_output(const char *new_dir, const char *out_dir,
		       const char *relative)
{
	char *from = path_join(new_dir, relative);
	char *to = path_join(out_dir, relative);
	char *slash = strrchr(to, '/');
	int rc = 0;

	if (rename(from, to) != 0 && errno == ENOENT && slash != NULL) {
		*slash = '\0';
		make_dirs(to);
		*slash = '/';
		if (rename(from, to) != 0 && errno != ENOENT)
			rc = -1;
	}
	if (rc != 0)
		diag_error(to, 0, 0, "cannot write: %s", strerror(errno));
	free(from);
	free(to);
	return rc;
}

/* Makes the moves and deletions of a journal's text; a torn last entry
 * (the build was killed while writing it) is left out. */
static int apply_journal(const char *out_dir, const char *text, size_t length)
{
	const char *staging = NULL;
	int rc = 0;

	for (size_t at = 0; at + 1 < length;) {
		const char *entry = text + at + 1;
		size_t entry_length = strnlen(entry, length - at - 1);
		if (at + 1 + entry_length >= length)
			break;		/* torn tail: not a complete entry */
		if (text[at] == 'S')
			staging = entry;
		else if (text[at] == 'M' && staging != NULL)
			rc |= move_output(staging, out_dir, entry);
		else if (text[at] == 'D')
			delete_output(out_dir, entry);
		at += 2 + entry_length;
	}
	if (staging != NULL)
		remove_tree(staging);
	return rc;
}

static void journal_add(struct journal *journal, char kind, const char *path)
{
	buf_addc(&journal->text, kind);
	buf_add(&journal->text, path, strlen(path));
	buf_addc(&journal->text, '\0');
}

/* Every file under dir, as paths relative to the staging folder. */
static void journal_files(struct journal *journal, const char *dir,
			  const char *relative)
{
	DIR *folder = opendir(dir);
	struct dirent *entry;

	if (folder == NULL)
		return;
	while ((entry = readdir(folder)) != NULL) {
		char *path, *name;
		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0)
			continue;
		path = path_join(dir, entry->d_name);
		name = *relative ? path_join(relative, entry->d_name)
				 : xstrdup(entry->d_name);
		if (entry->d_type == DT_DIR)
			journal_files(journal, path, name);
		else
			journal_add(journal, 'M', name);
		free(name);
		free(path);
	}
	closedir(folder);
}

void journal_begin(struct journal *journal, const char *staging)
{
	*journal = (struct journal){0};
	journal_add(journal, 'S', staging);
	journal_files(journal, staging, "");
}

void journal_delete(struct journal *journal, const char *relative)
{
	journal_add(journal, 'D', relative);
}

int journal_commit(const struct journal *journal, const char *out_dir)
{
	char *path = journal_path(out_dir);
	int rc;

	publish_test_stop(PUBLISH_STOP_STAGED);
	rc = write_file(path, journal->text.data, journal->text.length);
	if (rc != 0) {
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
	} else {
		publish_test_stop(PUBLISH_STOP_JOURNALED);
		rc = apply_journal(out_dir, journal->text.data,
				   journal->text.length);
		publish_test_stop(PUBLISH_STOP_PUBLISHED);
		if (rc == 0)
			unlink(path);
	}
	free(path);
	return rc;
}

void journal_free(struct journal *journal)
{
	buf_free(&journal->text);
}

int journal_replay(const char *out_dir)
{
	char *path = journal_path(out_dir);
	char *text;
	size_t length;
	int rc = 0;

	if (read_file(path, (size_t)1 << 30, &text, &length) == 0) {
		rc = apply_journal(out_dir, text, length);
		free(text);
		if (rc == 0)
			unlink(path);
	}
	free(path);
	return rc;
}
