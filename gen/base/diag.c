/*
 * diag.c — collects diagnostics and prints them sorted, each with its
 * source line when asked.
 */
#include "base/diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

struct message {
	enum diag_severity severity;
	char *path;
	unsigned line, col;	/* as reported: 0 for the whole file */
	size_t order;
	char *text;
	size_t blamed;		/* a note of diag_blame: the references */
};

static struct message *messages;
static size_t message_count, message_capacity;
static size_t error_count, warning_count;
static char *source_root;
static enum diag_excerpts excerpt_mode = DIAG_EXCERPTS_AUTO;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Appends a message; the lock is held. Takes text. */
static struct message *add_message(enum diag_severity severity,
				   const char *path, unsigned line,
				   unsigned col, char *text)
{
	struct message *message;

	messages = xgrow(messages, &message_capacity, message_count + 1,
			 sizeof *messages);
	message = &messages[message_count];
	*message = (struct message){severity, xstrdup(path), line, col,
				    message_count, text, 0};
	message_count++;
	if (severity == DIAG_ERROR)
		error_count++;
	else if (severity == DIAG_WARNING)
		warning_count++;
	return message;
}

void diag_report(enum diag_severity severity, const char *path,
		 unsigned line, unsigned col, const char *format, ...)
{
	struct buf text = {0};
	va_list args;

	va_start(args, format);
	buf_vprintf(&text, format, args);
	va_end(args);
	pthread_mutex_lock(&lock);
	add_message(severity, path, line, col, buf_detach(&text));
	pthread_mutex_unlock(&lock);
}

static unsigned shown_line(const struct message *message)
{
	return message->line ? message->line : 1;
}

static unsigned shown_col(const struct message *message)
{
	return message->col ? message->col : 1;
}

/* Whether left comes before right in the printed order. */
static int compare_places(const struct message *left,
			  const struct message *right)
{
	if (shown_line(left) != shown_line(right))
		return shown_line(left) < shown_line(right) ? -1 : 1;
	if (shown_col(left) != shown_col(right))
		return shown_col(left) < shown_col(right) ? -1 : 1;
	return 0;
}

static char *blame_text(size_t references)
{
	return xasprintf("%zu reference%s to this file from other files (links, "
			 "a tree's articles) %s not checked until its errors "
			 "are fixed", references, references == 1 ? "" : "s",
			 references == 1 ? "is" : "are");
}

bool diag_blame(const char *path)
{
	struct message *first = NULL, *note = NULL;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < message_count; i++) {
		struct message *message = &messages[i];
		if (strcmp(message->path, path) != 0)
			continue;
		if (message->severity == DIAG_NOTE && message->blamed > 0)
			note = message;
		else if (message->severity == DIAG_ERROR &&
			 (first == NULL || compare_places(message, first) < 0))
			first = message;
	}
	if (note != NULL) {
		free(note->text);
		note->text = blame_text(++note->blamed);
	} else if (first != NULL) {
		note = add_message(DIAG_NOTE, path, first->line, first->col,
				   blame_text(1));
		note->blamed = 1;
	}
	pthread_mutex_unlock(&lock);
	return note != NULL;
}

size_t diag_error_count(void)
{
	return error_count;
}

size_t diag_warning_count(void)
{
	return warning_count;
}

static int compare_messages(const void *left_pointer, const void *right_pointer)
{
	const struct message *left = left_pointer, *right = right_pointer;
	int by_path = strcmp(left->path, right->path);
	int by_place;

	if (by_path)
		return by_path;
	by_place = compare_places(left, right);
	if (by_place)
		return by_place;
	return left->order < right->order ? -1 : left->order > right->order;
}

static void sort_messages(void)
{
	if (message_count > 1)
		qsort(messages, message_count, sizeof *messages,
		      compare_messages);
}

void diag_set_root(const char *root)
{
	free(source_root);
	source_root = root ? xstrdup(root) : NULL;
}

void diag_set_excerpts(enum diag_excerpts excerpts)
{
	excerpt_mode = excerpts;
}

/* ---- the source lines ---- */

/* The file of the messages being printed, read once per path (the
 * messages come sorted by path). */
struct source {
	const char *path;	/* borrowed from a message */
	char *text;		/* NULL when it cannot be read */
	size_t length;
};

/* Articles are at most 4 MiB; anything larger shows no excerpt. */
#define SOURCE_MAX_SIZE (8 * 1024 * 1024)

static void source_open(struct source *source, const char *path)
{
	char *full;

	if (source->path != NULL && strcmp(source->path, path) == 0)
		return;
	free(source->text);
	*source = (struct source){path, NULL, 0};
	if (source_root == NULL)
		return;
	full = path_join(source_root, path);
	if (read_file(full, SOURCE_MAX_SIZE, &source->text, &source->length) != 0)
		source->text = NULL;
	free(full);
}

/* The message's line in the source, or NULL (a message about the whole
 * file, a file that cannot be read, a line past its end). *length gets
 * the line's length without its "\n" or "\r\n". Borrowed. */
static const char *message_line(struct source *source,
				const struct message *message, size_t *length)
{
	const char *line, *end, *text_end;

	if (message->line == 0)
		return NULL;
	source_open(source, message->path);
	if (source->text == NULL)
		return NULL;
	line = source->text;
	text_end = source->text + source->length;
	for (unsigned n = 1; n < message->line; n++) {
		line = memchr(line, '\n', (size_t)(text_end - line));
		if (line == NULL)
			return NULL;
		line++;
	}
	if (line == text_end && message->line > 1)
		return NULL;
	end = memchr(line, '\n', (size_t)(text_end - line));
	if (end == NULL)
		end = text_end;
	if (end > line && end[-1] == '\r')
		end--;
	*length = (size_t)(end - line);
	return line;
}

static void source_close(struct source *source)
{
	free(source->text);
	*source = (struct source){0};
}

/* Decodes the character at text (length bytes left): its code point, or
 * U+FFFD for a byte that does not start valid UTF-8 (which then counts
 * as one character, as utf8_count counts it). *size gets its bytes. */
static unsigned long decode(const char *text, size_t length, size_t *size)
{
	const unsigned char *bytes = (const unsigned char *)text;
	size_t sequence = utf8_sequence(text, length);
	unsigned long code;

	if (sequence == 0) {
		*size = 1;
		return 0xFFFD;
	}
	*size = sequence;
	if (sequence == 1)
		return bytes[0];
	code = bytes[0] & (0x7F >> sequence);
	for (size_t k = 1; k < sequence; k++)
		code = (code << 6) | (bytes[k] & 0x3F);
	return code;
}

/* Ranges of code points, first and last, for diag_char_width. */
struct range {
	uint32_t first, last;
};

/* Unicode's East Asian Width W and F (UAX #11), the ranges a Japanese
 * knowledge base meets first: Hangul Jamo, CJK symbols and punctuation,
 * kana, Han, Hangul, compatibility ideographs, vertical and small forms,
 * full-width forms, the emoji blocks and the supplementary ideographic
 * planes. */
static const struct range wide[] = {
	{0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A},
	{0x23E9, 0x23EC}, {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
	{0x25FD, 0x25FE}, {0x2614, 0x2615}, {0x2648, 0x2653},
	{0x267F, 0x267F}, {0x2693, 0x2693}, {0x26A1, 0x26A1},
	{0x26AA, 0x26AB}, {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
	{0x26CE, 0x26CE}, {0x26D4, 0x26D4}, {0x26EA, 0x26EA},
	{0x26F2, 0x26F3}, {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
	{0x26FD, 0x26FD}, {0x2705, 0x2705}, {0x270A, 0x270B},
	{0x2728, 0x2728}, {0x274C, 0x274C}, {0x274E, 0x274E},
	{0x2753, 0x2755}, {0x2757, 0x2757}, {0x2795, 0x2797},
	{0x27B0, 0x27B0}, {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C},
	{0x2B50, 0x2B50}, {0x2B55, 0x2B55}, {0x2E80, 0x303E},
	{0x3041, 0x3096}, {0x309B, 0x33FF}, {0x3400, 0x4DBF},
	{0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F},
	{0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19},
	{0xFE30, 0xFE6F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
	{0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF},
	{0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
	{0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F300, 0x1F320},
	{0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393},
	{0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0},
	{0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440},
	{0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
	{0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596},
	{0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
	{0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7},
	{0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
	{0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF},
	{0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
};

/* Combining marks and format characters, which take no cell of their
 * own: combining diacritics, the kana voicing marks, zero-width spaces
 * and joiners, variation selectors, the byte order mark. */
static const struct range zero_width[] = {
	{0x0300, 0x036F}, {0x200B, 0x200F}, {0x2028, 0x202E},
	{0x2060, 0x2064}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
	{0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

static bool in_ranges(const struct range *ranges, size_t count,
		      unsigned long code_point)
{
	size_t low = 0, high = count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (code_point < ranges[middle].first)
			high = middle;
		else if (code_point > ranges[middle].last)
			low = middle + 1;
		else
			return true;
	}
	return false;
}

unsigned diag_char_width(unsigned long code_point)
{
	if (in_ranges(zero_width, sizeof zero_width / sizeof *zero_width,
		      code_point))
		return 0;
	if (in_ranges(wide, sizeof wide / sizeof *wide, code_point))
		return 2;
	return 1;
}

/* A character a terminal must not be sent as it is (it would move the
 * cursor or start an escape sequence). */
static bool is_control(unsigned long code_point)
{
	return code_point < 0x20 || (code_point >= 0x7F && code_point < 0xA0);
}

#define TAB_STOP 8

/* Writes the line as a terminal shows it and returns, in *caret, the
 * cell the column's character starts at (0-based). */
static void write_line(FILE *stream, const char *line, size_t length,
		       unsigned col, unsigned *caret)
{
	unsigned cells = 0, character = 1;

	*caret = 0;
	for (size_t at = 0; at < length; character++) {
		size_t size;
		unsigned long code = decode(line + at, length - at, &size);
		if (character == col)
			*caret = cells;
		if (code == '\t') {
			unsigned next = (cells / TAB_STOP + 1) * TAB_STOP;
			fprintf(stream, "%*s", (int)(next - cells), "");
			cells = next;
		} else if (code == 0xFFFD || is_control(code)) {
			fputs("\xEF\xBF\xBD", stream);
			cells++;
		} else {
			fwrite(line + at, 1, size, stream);
			cells += diag_char_width(code);
		}
		at += size;
	}
	if (col >= character)	/* at or past the end of the line */
		*caret = cells + (col - character);
}

/* GCC's excerpt: "    2 | the line" and "      |      ^" under it. */
static void write_excerpt(FILE *stream, bool color, unsigned number,
			  const char *line, size_t length, unsigned col)
{
	unsigned caret;
	int gutter = 5;

	if (number >= 100000)
		gutter = snprintf(NULL, 0, "%u", number);
	fprintf(stream, "%*u | ", gutter, number);
	write_line(stream, line, length, col, &caret);
	fprintf(stream, "\n%*s | %*s%s^%s\n", gutter, "", (int)caret, "",
		color ? "\33[01;32m\33[K" : "", color ? "\33[m\33[K" : "");
}

/* GCC's own sequences (its default GCC_COLORS): bold red errors, bold
 * magenta warnings, bold cyan notes; "\33[K" keeps a background colour
 * from spilling to the end of the line in some terminals. */
#define COLOR_ERROR "\33[01;31m\33[K"
#define COLOR_WARNING "\33[01;35m\33[K"
#define COLOR_NOTE "\33[01;36m\33[K"
#define COLOR_RESET "\33[m\33[K"

static const char *severity_name(enum diag_severity severity)
{
	return severity == DIAG_ERROR ? "error"
	       : severity == DIAG_WARNING ? "warning" : "note";
}

static const char *severity_color(enum diag_severity severity)
{
	return severity == DIAG_ERROR ? COLOR_ERROR
	       : severity == DIAG_WARNING ? COLOR_WARNING : COLOR_NOTE;
}

bool diag_color_wanted(FILE *stream)
{
	const char *no_color = getenv("NO_COLOR");

	if (no_color != NULL && no_color[0] != '\0')
		return false;
	return isatty(fileno(stream)) == 1;
}

static bool same_place(const struct message *left,
		       const struct message *right)
{
	return strcmp(left->path, right->path) == 0 &&
	       left->line == right->line && left->col == right->col;
}

void diag_print_styled(FILE *stream, bool color, bool excerpt)
{
	struct source source = {0};

	sort_messages();
	for (size_t i = 0; i < message_count; i++) {
		const struct message *message = &messages[i];
		const char *line;
		size_t length;

		fprintf(stream, "%s:%u:%u: %s%s: %s%s\n", message->path,
			shown_line(message), shown_col(message),
			color ? severity_color(message->severity) : "",
			severity_name(message->severity),
			color ? COLOR_RESET : "", message->text);
		/* a note at the place of the message before it shows the
		 * same line: once is enough */
		if (excerpt && !(i > 0 && same_place(&messages[i - 1], message)) &&
		    (line = message_line(&source, message, &length)) != NULL)
			write_excerpt(stream, color, message->line, line,
				      length, shown_col(message));
	}
	source_close(&source);
	fflush(stream);
}

void diag_print_color(FILE *stream, bool color)
{
	diag_print_styled(stream, color, false);
}

void diag_print(FILE *stream)
{
	bool excerpt = excerpt_mode == DIAG_EXCERPTS_ALWAYS ||
		       (excerpt_mode == DIAG_EXCERPTS_AUTO &&
			isatty(fileno(stream)) == 1);

	diag_print_styled(stream, diag_color_wanted(stream), excerpt);
}

/* Writes text as a JSON string through the one JSON writer, so the
 * diagnostics read as /search.json does. */
static void print_json_string(FILE *stream, const char *text, size_t length)
{
	struct buf json = {0};

	json_add_string(&json, text, length);
	fwrite(json.data, 1, json.length, stream);
	buf_free(&json);
}

void diag_print_json(FILE *stream)
{
	struct source source = {0};

	sort_messages();
	fputc('[', stream);
	for (size_t i = 0; i < message_count; i++) {
		const struct message *message = &messages[i];
		const char *line;
		size_t length;

		fputs(i ? ",\n {\"file\":" : "\n {\"file\":", stream);
		print_json_string(stream, message->path, strlen(message->path));
		fprintf(stream, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\","
			"\"message\":", shown_line(message), shown_col(message),
			severity_name(message->severity));
		print_json_string(stream, message->text, strlen(message->text));
		fputs(",\"line_text\":", stream);
		line = message_line(&source, message, &length);
		if (line != NULL)
			print_json_string(stream, line, length);
		else
			fputs("null", stream);
		fputc('}', stream);
	}
	fputs(message_count ? "\n]\n" : "]\n", stream);
	source_close(&source);
	fflush(stream);
}

void diag_clear(void)
{
	for (size_t i = 0; i < message_count; i++) {
		free(messages[i].path);
		free(messages[i].text);
	}
	free(messages);
	messages = NULL;
	message_count = message_capacity = 0;
	error_count = warning_count = 0;
}

void diag_each(void (*visit)(void *user, enum diag_severity severity,
			     const char *path, unsigned line, unsigned col,
			     const char *message),
	       void *user)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < message_count; i++)
		visit(user, messages[i].severity, messages[i].path,
		      messages[i].line, messages[i].col, messages[i].text);
	pthread_mutex_unlock(&lock);
}
