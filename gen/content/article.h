/*
 * article.h — reading one article file or one section's _index.md, for
 * the site loader (site.c). The rest of kbgen goes through site.h.
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "content/site.h"

/*
 * Reads and checks the article file name of the content folder at folder
 * (its path under content/, "" for content/ itself: site_source_path),
 * under root, whose stat stamp (scan.h) is stamp_in, reporting every
 * problem through diag; or, when reuse->article knows the file (hint is
 * its index among the article files), takes the caller's article
 * instead. Returns the article (the caller owns it unless it is borrowed; release
 * with site_article_free, rejected set when its front matter has
 * errors), or NULL when it is left out: unreadable, not UTF-8 text, no
 * body, or a draft not asked for. *on_purpose says which: true when the
 * front matter left it out (a draft), false otherwise. Safe to call from
 * several threads at once.
 */
struct article *site_load_article(const char *root, const char *folder,
				  const char *name,
				  bool with_drafts,
				  const struct site_reuse *reuse, size_t hint,
				  const struct file_stamp *stamp_in,
				  bool *on_purpose);

/* The section for the folder at path under content/ ("docs/mail"), with
 * title, description and weight from its _index.md when there is one
 * (problems go to diag; the folder's name is the title otherwise); for
 * path "", the home page's (title NULL without an _index.md). Never
 * NULL; site_free frees it. */
struct section *site_load_section(const char *root, const char *path);

#endif
