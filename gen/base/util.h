/*
 * util.h — memory, growable strings and files: the small pieces every
 * module of kbgen and kb.cgi shares.
 *
 * Out-of-memory policy (decided once, here): every allocation goes through
 * the x* wrappers, which print a message and abort() when the system has no
 * memory left. Callers therefore never check for NULL from them.
 */
#ifndef KB_UTIL_H
#define KB_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Prints "fatal: out of memory" and aborts: the one reaction to exhausted
 * memory, for the x* wrappers and for every library whose allocations
 * kbgen routes (libxml2, cmark-gfm). */
_Noreturn void out_of_memory(void);

/* malloc/calloc/realloc/strdup that abort on exhaustion; the caller frees. */
void *xmalloc(size_t size);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *pointer, size_t size);
/* Grows an array of count elements of size bytes to at least need elements,
 * doubling; updates *capacity. Aborts on overflow. */
void *xgrow(void *array, size_t *capacity, size_t need, size_t size);
/* The number of cores online, at least 1. */
size_t core_count(void);
/* Runs worker(argument) on count threads at once, the calling thread being
 * one of them, and returns when every one has returned. Should a thread
 * fail to start, fewer run: the workers share the work out themselves
 * (an atomic counter in argument, say). */
void run_threads(void *(*worker)(void *), void *argument, size_t count);
/* Ends writing a file through a temporary one: with rc 0, renames
 * temporary to path; when rc is not 0 or the rename fails, removes
 * temporary, errno kept. 0, or -1 with errno. */
int rename_or_remove(const char *temporary, const char *path, int rc);
char *xstrdup(const char *text);
char *xstrndup(const char *text, size_t length);
/* printf into a freshly allocated string; the caller frees. */
char *xasprintf(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* The strings up to the NULL one, concatenated into a new string the
 * caller frees: what xasprintf("%s%s%s", ...) makes, without the format
 * machinery, for the paths built per article. */
char *xconcat(const char *first, ...) __attribute__((sentinel));

/* A growable byte string, always NUL-terminated once anything was added.
 * Zero-initialise ({0}) to start; buf_free releases the bytes. */
struct buf {
	char *data;
	size_t length;
	size_t capacity;
};

void buf_add(struct buf *buffer, const char *bytes, size_t length);
void buf_adds(struct buf *buffer, const char *text);
void buf_addc(struct buf *buffer, char c);
void buf_printf(struct buf *buffer, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *buffer, const char *format, va_list args);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *buffer);
/* Returns the string (never NULL; "" when empty) and hands it to the
 * caller, who frees it; the buffer is left empty. */
char *buf_detach(struct buf *buffer);
void buf_free(struct buf *buffer);
/* The contents as a C string; "" when empty. Owned by the buffer. */
const char *buf_cstr(const struct buf *buffer);

/* Reads a whole file into *out (NUL-terminated, length in *length).
 * Refuses files larger than max_size bytes (errno = EFBIG).
 * Returns 0, or -1 with errno set; on success the caller frees *out. */
int read_file(const char *path, size_t max_size, char **out, size_t *length);

/* Writes bytes to path (created 0644, truncated). 0 or -1 with errno. */
int write_file(const char *path, const void *bytes, size_t length);

/* mkdir -p. 0 or -1 with errno. */
int make_dirs(const char *path);

/* rm -rf of a directory tree (or a file). 0 or -1 with errno. */
int remove_tree(const char *path);

/* Joins two path parts with one '/'. The caller frees. */
char *path_join(const char *left, const char *right);

/* The length (1 to 4) of the valid UTF-8 sequence that starts text, within
 * length bytes; 0 when it is not one (or length is 0). Inline: utf8_valid
 * runs it over every article. */
static inline size_t utf8_sequence(const char *text, size_t length)
{
	const unsigned char *bytes = (const unsigned char *)text;
	unsigned char lead;
	size_t need;
	uint32_t code;

	if (length == 0)
		return 0;
	lead = bytes[0];
	if (lead < 0x80)
		return 1;
	if (lead >= 0xC2 && lead <= 0xDF) {
		need = 1;
		code = lead & 0x1F;
	} else if (lead >= 0xE0 && lead <= 0xEF) {
		need = 2;
		code = lead & 0x0F;
	} else if (lead >= 0xF0 && lead <= 0xF4) {
		need = 3;
		code = lead & 0x07;
	} else {
		return 0;
	}
	if (length <= need)
		return 0;
	for (size_t k = 1; k <= need; k++) {
		if ((bytes[k] & 0xC0) != 0x80)
			return 0;
		code = (code << 6) | (bytes[k] & 0x3F);
	}
	if ((need == 2 && code < 0x800) || (need == 3 && code < 0x10000) ||
	    code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
		return 0;
	return need + 1;
}

/* True when length bytes at text are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). When invalid and bad_offset is not
 * NULL, the first bad byte's offset is stored there. */
bool utf8_valid(const char *text, size_t length, size_t *bad_offset);

/* Number of code points in the first length bytes of text (a column
 * counter for diagnostics; invalid bytes count one each). */
size_t utf8_count(const char *text, size_t length);

/* The value of the hexadecimal digit c (0 to 15), or -1 when c is not one. */
int hex_value(char c);

/* length bytes of text with every %XX sequence decoded (others kept as
 * they are). The caller frees. */
char *percent_decode(const char *text, size_t length);

/* String comparison for qsort over arrays of char *. */
int compare_strings(const void *left, const void *right);

#endif
