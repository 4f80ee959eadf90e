/*
 * article.h — reading one article file or one section's _index.md, for
 * the site loader (site.c). The rest of kbgen goes through site.h.
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "content/site.h"

/* Why site_load_article left a file out, and until when its front
 * matter's dates say the same. */
struct article_outcome {
	bool on_purpose;	/* the front matter left it out: a draft,
				 * a publishDate to come, an expiryDate
				 * past, headless, _build's render never */
	const char *why;	/* on_purpose: why, for a link to it
				 * ("headless (...)"); static */
	long long changes_at;	/* the first moment after publish->now at
				 * which publishDate or expiryDate publish
				 * it or take it away; LLONG_MAX for never */
};

/*
 * Reads and checks the article file name of the content folder at folder
 * (its path under content/, "" for content/ itself: site_source_path),
 * under root, whose stat stamp (scan.h) is stamp_in, reporting every
 * problem through diag; or, when reuse->article knows the file (hint is
 * its index among the article files), takes the caller's article
 * instead. Returns the article (the caller owns it unless it is
 * borrowed; release with site_article_free, rejected set when its front
 * matter has errors), or NULL when it is left out: unreadable, not UTF-8
 * text, no body, or held back by its front matter as publish does not
 * ask for, once cascade (front_matter_inherit; NULL for none) has given
 * it what its sections' _index.md pass down. *outcome says which. Safe to call from several threads at
 * once.
 */
struct article *site_load_article(const char *root, const char *folder,
				  const char *name,
				  const struct site_publish *publish,
				  const struct front_matter *cascade,
				  const struct site_reuse *reuse, size_t hint,
				  const struct file_stamp *stamp_in,
				  struct article_outcome *outcome);

/* The section for the folder at path under content/ ("docs/mail"), with
 * title, description and weight from its _index.md when there is one
 * (problems go to diag; the folder's name is the title otherwise); for
 * path "", the home page's (title NULL without an _index.md). above is
 * what the sections above pass down (their cascade; NULL for none): the
 * section's cascade is its own over it, and its page takes it too, so a
 * _build of render never there makes the section headless. Never NULL;
 * site_free frees it. */
struct section *site_load_section(const char *root, const char *path,
				  const struct front_matter *above);

#endif
