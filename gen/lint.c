/*
 * lint.c — writer-facing checks (see lint.h). Not written yet.
 */
#include "lint.h"

void lint_run(const struct site *site, struct tree *const *trees,
	      size_t tree_count)
{
	(void)site;
	(void)trees;
	(void)tree_count;
}
