/*
 * diag.h — diagnostics in GCC's format: "path:line:col: error: message".
 *
 * Library code reports every content mistake here and carries on, so one
 * run shows all of them; only main() decides what the exit status is.
 * Lines and columns are 1-based; columns count Unicode code points, as
 * editors that jump to a location expect. Messages are kept, sorted by
 * path, line and column, and printed together by diag_print().
 */
#ifndef KB_DIAG_H
#define KB_DIAG_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

/* Reports a problem at path:line:col. path is relative to the site root
 * and is copied; line/col 0 means "the whole file" and is printed as 1. */
void diag_report(enum diag_severity severity, const char *path,
		 unsigned line, unsigned col, const char *format, ...)
	__attribute__((format(printf, 5, 6)));

#define diag_error(...) diag_report(DIAG_ERROR, __VA_ARGS__)
#define diag_warning(...) diag_report(DIAG_WARNING, __VA_ARGS__)

size_t diag_error_count(void);
size_t diag_warning_count(void);

/* Prints every kept message, sorted by path, line and column (then in the
 * order reported), to stream. Messages stay kept; call diag_clear() to
 * forget them. diag_report is safe to call from several threads.
 * "error:" and "warning:" are coloured as GCC colours them when
 * diag_color_wanted(stream) says so. */
void diag_print(FILE *stream);

/* diag_print with colour chosen by the caller: color adds GCC's escape
 * sequences (bold red "error:", bold magenta "warning:"). */
void diag_print_color(FILE *stream, bool color);

/* True when stream is a terminal and NO_COLOR is unset or empty (a
 * non-empty NO_COLOR turns colour off, as no-color.org asks). */
bool diag_color_wanted(FILE *stream);

/* Prints the kept messages as a JSON array of objects
 * {"file","line","column","severity","message"}, sorted as diag_print
 * sorts them; the strings are written by base/json.h. */
void diag_print_json(FILE *stream);

/* Calls visit for every kept message in the order reported (the build
 * cache keeps them to show them again). visit must not report. */
void diag_each(void (*visit)(void *user, enum diag_severity severity,
			     const char *path, unsigned line, unsigned col,
			     const char *message),
	       void *user);

/* Forgets every kept message and resets the counts. */
void diag_clear(void);

#endif
