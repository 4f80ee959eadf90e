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

/* A note adds to an error (where the cause is, what was not checked
 * because of it); notes count neither as errors nor as warnings. */
enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* Reports a problem at path:line:col. path is relative to the site root
 * and is copied; line/col 0 means "the whole file" and is printed as 1. */
void diag_report(enum diag_severity severity, const char *path,
		 unsigned line, unsigned col, const char *format, ...)
	__attribute__((format(printf, 5, 6)));

#define diag_error(...) diag_report(DIAG_ERROR, __VA_ARGS__)
#define diag_warning(...) diag_report(DIAG_WARNING, __VA_ARGS__)
#define diag_note(...) diag_report(DIAG_NOTE, __VA_ARGS__)

/* For a reference (a link, a tree's articles:) to the file path: true when
 * path has errors of its own reported already, so the file exists but did
 * not load, and the reference is no mistake of its own; the caller then
 * reports nothing. The references so excused are counted, and one note at
 * path's first error says how many were not checked. False when path
 * has no error (the caller checks the reference as usual). */
bool diag_blame(const char *path);

size_t diag_error_count(void);
size_t diag_warning_count(void);

/* Prints every kept message, sorted by path, line and column (then in the
 * order reported), to stream. Messages stay kept; call diag_clear() to
 * forget them. diag_report is safe to call from several threads.
 * "error:", "warning:" and "note:" are coloured as GCC colours them when
 * diag_color_wanted(stream) says so; excerpts are shown as
 * diag_set_excerpts says (AUTO: when stream is a terminal). */
void diag_print(FILE *stream);

/* diag_print with colour chosen by the caller and no excerpts: color adds
 * GCC's escape sequences (bold red "error:", bold magenta "warning:",
 * bold cyan "note:"). */
void diag_print_color(FILE *stream, bool color);

/* True when stream is a terminal and NO_COLOR is unset or empty (a
 * non-empty NO_COLOR turns colour off, as no-color.org asks). */
bool diag_color_wanted(FILE *stream);

/* Whether text diagnostics show the source line and a caret under the
 * column (as GCC does): AUTO when the stream is a terminal. */
enum diag_excerpts { DIAG_EXCERPTS_AUTO, DIAG_EXCERPTS_ALWAYS,
		     DIAG_EXCERPTS_NEVER };

/* The folder the reported paths are relative to (copied), from which
 * excerpts and the JSON "line_text" are read when printing; NULL (the
 * default) shows none. */
void diag_set_root(const char *root);

/* Sets when diag_print shows excerpts (DIAG_EXCERPTS_AUTO by default). */
void diag_set_excerpts(enum diag_excerpts excerpts);

/* diag_print_color, each message followed by its source line and a caret
 * when excerpt is true and the line can be read under the root: the line
 * number in a gutter, tabs expanded to 8 columns, control characters and
 * bytes that are not UTF-8 shown as U+FFFD, and the caret under the
 * column counted in terminal cells (full-width characters take two). */
void diag_print_styled(FILE *stream, bool color, bool excerpt);

/* The terminal cells the code point takes: 2 for East Asian wide and
 * full-width characters, 0 for combining marks and zero-width
 * characters, 1 otherwise. */
unsigned diag_char_width(unsigned long code_point);

/* Prints the kept messages as a JSON array of objects
 * {"file","line","column","severity","message","line_text"}, sorted as
 * diag_print sorts them; line_text is the source line (without its line
 * end; invalid UTF-8 as U+FFFD) or null when the message is about the
 * whole file or the line cannot be read; the strings are written by
 * base/json.h. */
void diag_print_json(FILE *stream);

/* Calls visit for every kept message in the order reported (the build
 * cache keeps them to show them again); line 0 for a message about the
 * whole file. visit must not report. */
void diag_each(void (*visit)(void *user, enum diag_severity severity,
			     const char *path, unsigned line, unsigned col,
			     const char *message),
	       void *user);

/* Forgets every kept message and resets the counts. */
void diag_clear(void);

#endif
