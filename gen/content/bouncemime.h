/*
 * bouncemime.h — a returned message taken apart for the bounce analyzer
 * (bounce.h): its header fields (unfolded, RFC 2047 encoded-words
 * decoded), and its leaves in order, each decoded from quoted-printable
 * or base64 and converted to UTF-8 from its charset (ISO-2022-JP,
 * Shift_JIS, EUC-JP, UTF-8, Latin-1... through glibc's iconv).
 *
 * Pure computation over bytes a visitor pasted: every loop is linear in
 * the input, nesting is bounded (MIME_MAX_DEPTH), so are the header
 * fields and parts kept; nothing here reports a diagnostic, since a
 * malformed bounce is data, not a mistake in content. Bytes that are not
 * valid in their charset become U+FFFD.
 */
#ifndef KB_BOUNCEMIME_H
#define KB_BOUNCEMIME_H

#include <stdbool.h>
#include <stddef.h>

#define MIME_MAX_DEPTH 8
#define MIME_MAX_PARTS 64
#define MIME_MAX_HEADERS 256

struct mime_header {
	char *name;		/* as written, e.g. "Final-Recipient" */
	char *value;		/* unfolded, encoded-words decoded, UTF-8,
				 * trimmed */
};

/* The header fields of one block ("Name: value" lines up to a blank
 * line), in order. */
struct mime_headers {
	struct mime_header *items;
	size_t count;
};

enum mime_part_kind {
	MIME_TEXT,		/* text/plain, or a body with no type */
	MIME_HTML,		/* text/html, tags already removed */
	MIME_DELIVERY_STATUS,	/* message/delivery-status (RFC 3464) */
	MIME_ORIGINAL,		/* message/rfc822 or text/rfc822-headers: the
				 * returned message, which is not read */
	MIME_OTHER,		/* anything else (images, attachments) */
};

struct mime_part {
	enum mime_part_kind kind;
	char *text;		/* UTF-8, NUL-terminated (empty for OTHER) */
	size_t length;
};

struct mime_message {
	struct mime_headers headers;	/* the top-level header fields */
	struct mime_part *parts;	/* the leaves, depth first */
	size_t part_count;
};

/* True when text starts with a header block: its first line is a header
 * field ("Name: value", the name RFC 5322 characters) and a blank line
 * follows the block, or the block ends the text. A pasted diagnostic line
 * such as "550 5.1.1 ..." is not one. */
bool mime_looks_like_message(const char *text, size_t length);

/* Parses length bytes as a whole message (headers, then body) into *out,
 * which the caller releases with mime_message_free. Never fails: what
 * cannot be read is kept as text. */
void mime_parse(const char *text, size_t length, struct mime_message *out);

/* Frees what mime_parse filled and zeroes *message. */
void mime_message_free(struct mime_message *message);

/* Parses one header block starting at text (folded lines joined, at most
 * MIME_MAX_HEADERS kept) into *out (caller frees with
 * mime_headers_free). Returns the offset just past the blank line that
 * ends the block, or length when none does. */
size_t mime_parse_headers(const char *text, size_t length,
			  struct mime_headers *out);

void mime_headers_free(struct mime_headers *headers);

/* The value of the first field called name (case-insensitive), or NULL.
 * Borrowed. */
const char *mime_header(const struct mime_headers *headers, const char *name);

/* value with every RFC 2047 encoded-word (=?charset?B|Q?...?=) decoded
 * to UTF-8 and the whitespace between two adjacent ones dropped. The
 * caller frees. */
char *mime_decode_words(const char *value, size_t length);

/* length bytes in charset (NULL or unknown: UTF-8 if valid, else guessed
 * among ISO-2022-JP, Shift_JIS and EUC-JP) as UTF-8; invalid bytes
 * become U+FFFD. *out_length receives the length when not NULL. The
 * caller frees. */
char *mime_to_utf8(const char *bytes, size_t length, const char *charset,
		   size_t *out_length);

/* Opens the converters of the Japanese and Western charsets once, so
 * that a process confined by a sandbox (which can no longer load
 * glibc's gconv modules) still converts them. Idempotent; not
 * thread-safe: call it before starting threads. */
void mime_charsets_preload(void);

#endif
