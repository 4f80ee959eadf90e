/*
 * build.h — one whole build: load and check everything, render into a
 * staging folder, publish atomically.
 */
#ifndef KB_BUILD_H
#define KB_BUILD_H

#include <stdbool.h>

struct build_options {
	const char *root;	/* site root: site.yaml, content/, theme/ ... */
	const char *out_dir;	/* published folder, e.g. "out" */
	bool drafts;		/* include articles with draft: true */
	bool future;		/* and those with a publishDate to come */
	bool expired;		/* and those with an expiryDate past */
	bool check_only;	/* load and check, write nothing */
	bool lint;		/* with check_only: also the writer checks */
	bool quiet;		/* no progress line */
	bool live_reload;	/* pages load the live-reload script (watch) */
	bool clean;		/* ignore the build cache: a full build */
};

/* Exit statuses, as kbgen's main returns them. */
enum build_status {
	BUILD_OK = 0,
	BUILD_CONTENT_ERRORS = 1,	/* diagnostics say what */
	BUILD_SYSTEM_ERROR = 2,		/* could not read or write */
};

/* Runs the build. Diagnostics are kept in diag (the caller prints them).
 * On anything but BUILD_OK the published folder is untouched. */
enum build_status build_run(const struct build_options *options);

#endif
