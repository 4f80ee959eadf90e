/*
 * diag.c — collects diagnostics and prints them sorted.
 */
#include "base/diag.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/util.h"

struct message {
	enum diag_severity severity;
	char *path;
	unsigned line, col;
	size_t order;
	char *text;
};

static struct message *messages;
static size_t message_count, message_capacity;
static size_t error_count, warning_count;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void diag_report(enum diag_severity severity, const char *path,
		 unsigned line, unsigned col, const char *format, ...)
{
	struct message *message;
	struct buf text = {0};
	va_list args;

	va_start(args, format);
	buf_vprintf(&text, format, args);
	va_end(args);
	pthread_mutex_lock(&lock);
	messages = xgrow(messages, &message_capacity, message_count + 1,
			 sizeof *messages);
	message = &messages[message_count];
	message->severity = severity;
	message->path = xstrdup(path);
	message->line = line ? line : 1;
	message->col = col ? col : 1;
	message->order = message_count++;
	message->text = buf_detach(&text);
	if (severity == DIAG_ERROR)
		error_count++;
	else
		warning_count++;
	pthread_mutex_unlock(&lock);
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

	if (by_path)
		return by_path;
	if (left->line != right->line)
		return left->line < right->line ? -1 : 1;
	if (left->col != right->col)
		return left->col < right->col ? -1 : 1;
	return left->order < right->order ? -1 : left->order > right->order;
}

static void sort_messages(void)
{
	if (message_count > 1)
		qsort(messages, message_count, sizeof *messages,
		      compare_messages);
}

/* GCC's own sequences (its default GCC_COLORS): bold red errors, bold
 * magenta warnings; "\33[K" keeps a background colour from spilling
 * to the end of the line in some terminals. */
#define COLOR_ERROR "\33[01;31m\33[K"
#define COLOR_WARNING "\33[01;35m\33[K"
#define COLOR_RESET "\33[m\33[K"

bool diag_color_wanted(FILE *stream)
{
	const char *no_color = getenv("NO_COLOR");

	if (no_color != NULL && no_color[0] != '\0')
		return false;
	return isatty(fileno(stream)) == 1;
}

void diag_print_color(FILE *stream, bool color)
{
	sort_messages();
	for (size_t i = 0; i < message_count; i++) {
		const struct message *message = &messages[i];
		bool error = message->severity == DIAG_ERROR;
		fprintf(stream, "%s:%u:%u: %s%s: %s%s\n", message->path,
			message->line, message->col,
			!color ? "" : error ? COLOR_ERROR : COLOR_WARNING,
			error ? "error" : "warning", color ? COLOR_RESET : "",
			message->text);
	}
	fflush(stream);
}

void diag_print(FILE *stream)
{
	diag_print_color(stream, diag_color_wanted(stream));
}

/* Writes text as a JSON string through the one JSON writer, so the
 * diagnostics read as /search.json does. */
static void print_json_string(FILE *stream, const char *text)
{
	struct buf json = {0};

	json_add_text(&json, text);
	fwrite(json.data, 1, json.length, stream);
	buf_free(&json);
}

void diag_print_json(FILE *stream)
{
	sort_messages();
	fputc('[', stream);
	for (size_t i = 0; i < message_count; i++) {
		const struct message *message = &messages[i];
		fputs(i ? ",\n {\"file\":" : "\n {\"file\":", stream);
		print_json_string(stream, message->path);
		fprintf(stream, ",\"line\":%u,\"column\":%u,\"severity\":\"%s\","
			"\"message\":", message->line, message->col,
			message->severity == DIAG_ERROR ? "error" : "warning");
		print_json_string(stream, message->text);
		fputc('}', stream);
	}
	fputs(message_count ? "\n]\n" : "]\n", stream);
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
