/*
 * feedbackreport.h — what `kbgen report` shows writers, read from one or
 * more feedback databases (db/feedback.h; one per server when the site
 * runs on several) merged as one: their rows are put together, so the
 * report on two databases is the report on their union.
 *
 *   - per article and outcome: votes, はい among them, the comments;
 *   - searches that found nothing, and searches whose results nobody
 *     opened, by frequency;
 *   - per tree: the outcomes walks reached, and the steps where walks
 *     ended (a step shown and no next step from the same client within
 *     FEEDBACK_ABANDON_SECONDS, counted once that time has passed);
 *   - with kb.db: the articles nobody voted on, and the titles of pages.
 */
#ifndef KB_FEEDBACKREPORT_H
#define KB_FEEDBACKREPORT_H

#include <stddef.h>
#include <time.h>

struct report_comment {
	char *date;		/* YYYY-MM-DD (UTC) */
	char *text;		/* as the visitor wrote it: escape it to show */
};

struct report_page {
	char *page, *kind;	/* "/a/b/", "article" or "outcome" */
	char *title;		/* from kb.db, or NULL */
	long votes, yes;
	struct report_comment *comments;
	size_t comment_count;
};

struct report_count {
	char *name;		/* a query, or an outcome's or step's node id */
	char *title;		/* a node's title from kb.db, or NULL */
	long count;
};

struct report_tree {
	char *tree;
	struct report_count *reached;	/* outcomes, most reached first */
	size_t reached_count;
	struct report_count *ended;	/* where walks ended, most first */
	size_t ended_count;
};

struct feedback_report {
	long vote_total, search_total, step_total;
	struct report_page *pages;	/* most voted first */
	size_t page_count;
	struct report_count *not_found;	/* searches that found nothing */
	size_t not_found_count;
	struct report_count *unopened;	/* results shown, none opened */
	size_t unopened_count;
	struct report_tree *trees;	/* in id order */
	size_t tree_count;
	struct report_page *unvoted;	/* articles without a vote (kb.db) */
	size_t unvoted_count;
};

/* Reads the rows at or after since (0: all) of the count databases at
 * paths, each opened read-only, and kb.db at kb_db when not NULL (for
 * titles and the articles nobody voted on); now decides which walks have
 * ended. Fills *out (release with feedback_report_free) and returns 0, or
 * returns -1 with *problem (the caller frees): a file that cannot be
 * opened or is not a feedback database of a schema this reads. */
int feedback_report_load(const char *const *paths, size_t count,
			 const char *kb_db, time_t since, time_t now,
			 struct feedback_report *out, char **problem);

void feedback_report_free(struct feedback_report *report);

#endif
