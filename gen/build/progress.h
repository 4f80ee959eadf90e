/*
 * progress.h — the build's progress line on stderr: "kbgen: 4,211/10,000
 * files", updated in place, shown only when stderr is a terminal, only
 * once the build has run for a second, never with --quiet. Safe to call
 * from several threads.
 */
#ifndef KB_PROGRESS_H
#define KB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

/* Starts counting towards total units of work. quiet suppresses output. */
void progress_begin(size_t total, bool quiet);

/* Marks n more units done; redraws the line at most a few times a second. */
void progress_step(size_t n);

/* Clears the line (when one was drawn). */
void progress_end(void);

#endif
