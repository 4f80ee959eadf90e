/*
 * lint.h — writer-facing checks run by `kbgen check` on top of every check
 * the build makes: orphan articles, images without alt text, skipped
 * heading levels, missing descriptions, duplicate titles, wizard outcomes
 * without articles, files in content/ that no article references, and,
 * on a site with spf_include, a record checker guide heading missing.
 * Everything is reported as warnings through diag.
 */
#ifndef KB_LINT_H
#define KB_LINT_H

#include <stddef.h>

#include "content/site.h"
#include "content/tree.h"

/* Runs every writer check over a loaded site and its trees, reporting
 * warnings through diag. Borrows everything; keeps nothing. */
void lint_run(const struct site *site, struct tree *const *trees,
	      size_t tree_count);

#endif
