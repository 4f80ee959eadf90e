/*
 * json.h — the one writer of JSON strings: kb.cgi's /search.json, the
 * diagnostics of `kbgen build --json`, `kbgen search --json` and kbgen
 * watch's status.json all go through it, so they agree on every byte.
 *
 * A string is written between double quotes with '"' and '\' escaped,
 * line feed as \n, the other C0 controls, DEL, '<', '>' and '&' as \u00XX
 * (so the text is safe inside HTML and <script> too), U+2028 and U+2029 as
 * \u2028 and \u2029 (line ends to JavaScript), and every byte that does not
 * start a valid UTF-8 sequence as \ufffd; other valid UTF-8 is copied.
 */
#ifndef KB_JSON_H
#define KB_JSON_H

#include <stddef.h>

#include "base/util.h"

/* Appends length bytes of text to out as a JSON string. */
void json_add_string(struct buf *out, const char *text, size_t length);

/* Appends the NUL-terminated text as a JSON string, or null when text is
 * NULL. */
void json_add_text(struct buf *out, const char *text);

#endif
