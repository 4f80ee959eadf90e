/*
 * gitinfo.h — each content file's last commit date, for site.yaml's
 * `git_info: true` (as Hugo's enableGitInfo): an article without a
 * lastmod in its front matter is dated by its last commit.
 *
 * Read with git itself (`git log`, once for the whole content folder),
 * from the commits only: a file's uncommitted edits do not move its
 * date, so a build is the same for a given commit.
 */
#ifndef KB_GITINFO_H
#define KB_GITINFO_H

#include <stdbool.h>

struct git_dates;

/* The last commit date (YYYY-MM-DD, the committer's) of every file
 * under root/content that git knows, or NULL when there are none to
 * have: git is not installed, root is not in a git work tree, or git
 * failed; *why (static) then says which. The caller frees the result
 * with git_dates_free. */
struct git_dates *git_dates_load(const char *root, const char **why);
void git_dates_free(struct git_dates *dates);

/* The date of source ("content/x/y.md"), or NULL when no commit has
 * it. Borrowed from dates; dates may be NULL. */
const char *git_dates_find(const struct git_dates *dates, const char *source);

/* The commit root's work tree is at (git rev-parse HEAD), or NULL when
 * there is none. Caller frees. */
char *git_head(const char *root);

#endif
