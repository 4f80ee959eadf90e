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
 * An article file is a non-folder entry of content/<section>/ (a section
 * is a folder whose name does not start with '.') whose name ends in
 * ".md", is not "_index.md" and does not start with '.'; or a page
 * bundle's: a folder of content/<section>/ holding an index.md, whose
 * entry then stands for that file (named "<folder>/index.md", not a
 * folder, bundle set). Its stat stamp is taken before anything reads it,
 * so a file changed in between is read again by the next build.
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
	char *name;		/* for a section, its folder name */
	bool readable;		/* false: opendir failed (errno in error) */
	int error;
	struct scan_entry *entries;
	size_t count;
};

struct content_scan {
	struct scan_folder top;		/* content/ itself */
	struct scan_folder *sections;	/* one per folder entry of top, in order */
	size_t section_count;
	size_t article_count;		/* article files across the sections */
};

/* Scans root/content: top's entries, then every folder among them (its
 * articles stat'ed by a thread per core). Never fails: what cannot be
 * read is marked so. The caller frees with scan_free. */
void scan_content(const char *root, struct content_scan *scan);
void scan_free(struct content_scan *scan);

#endif
