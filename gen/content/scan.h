/*
 * scan.h — one pass over the content folder's directories.
 *
 * A build needs the content folder's layout three times: for the global
 * fingerprint (everything but the article files), to tell whether any
 * article file changed since the cached build, and to load the articles.
 * The scan reads each folder once and stats each article file once,
 * through the folder's descriptor, and all three work from it: reading
 * the folders for each would be most of an incremental build's time.
 *
 * The folders are content/ itself and every folder below it, at any depth
 * (hidden ones, whose names start with '.', left out), but page bundles:
 * a folder holding an index.md is a leaf bundle, whose entry in its
 * parent folder then stands for that file (named "<folder>/index.md",
 * not a folder, bundle set) and whose insides are its files, never
 * folders of their own. An article file is a bundle's entry, or a
 * non-folder entry whose name ends in ".md", is not "_index.md" and does
 * not start with '.'. Its stat stamp is taken before anything reads it,
 * so a file changed in between is read again by the next build. A folder
 * reached twice (through a symbolic link) is scanned once.
 */
#ifndef KB_SCAN_H
#define KB_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "content/site.h"

struct scan_entry {
	char *name;
	bool directory;		/* by d_type, or stat when that says nothing */
	bool article;		/* an article file (see above) */
	bool bundle;		/* a page bundle's index.md (see above) */
	bool stamped;		/* article, and its stat succeeded */
	struct file_stamp stamp;	/* when stamped */
};

/* A folder's entries other than "." and "..", sorted by name (strcmp). */
struct scan_folder {
	char *name;		/* its path under content/: "" for content/
				 * itself, "docs", "docs/mail" */
	unsigned depth;		/* 0 for content/, 1 for its folders, ... */
	bool readable;		/* false: opendir failed (errno in error) */
	bool has_index;		/* holds an _index.md (a section's page) */
	int error;
	struct scan_entry *entries;
	size_t count;
};

/* How deep folders are read: deeper ones are reported by site_load. */
#define SCAN_MAX_DEPTH 32

struct content_scan {
	/* content/ itself first, then the folders below it sorted by
	 * path (strcmp), so a folder comes before those inside it */
	struct scan_folder *folders;
	size_t folder_count;
	size_t article_count;		/* article files across the folders */
	size_t too_deep;		/* folders below SCAN_MAX_DEPTH, unread */
};

/* Scans root/content: its folders level by level (each level's read by
 * a thread per core), then their article files stat'ed. Never fails:
 * what cannot be read is marked so (folders[0] is always there). The
 * caller frees with scan_free. */
void scan_content(const char *root, struct content_scan *scan);
void scan_free(struct content_scan *scan);

#endif
