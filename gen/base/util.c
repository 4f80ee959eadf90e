/*
 * util.c — allocation wrappers, growable strings, file helpers.
 */
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

_Noreturn void out_of_memory(void)
{
	fputs("fatal: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t size)
{
	void *pointer = malloc(size ? size : 1);
	if (pointer == NULL)
		out_of_memory();
	return pointer;
}

void *xcalloc(size_t count, size_t size)
{
	void *pointer = calloc(count ? count : 1, size ? size : 1);
	if (pointer == NULL)
		out_of_memory();
	return pointer;
}

void *xrealloc(void *pointer, size_t size)
{
	void *grown = realloc(pointer, size ? size : 1);
	if (grown == NULL)
		out_of_memory();
	return grown;
}

size_t core_count(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	return cores > 1 ? (size_t)cores : 1;
}

void run_threads(void *(*worker)(void *), void *argument, size_t count)
{
	pthread_t *threads = xcalloc(count ? count : 1, sizeof *threads);
	size_t started = 0;

	for (; started + 1 < count; started++)
		if (pthread_create(&threads[started], NULL, worker, argument) != 0)
			break;
	worker(argument);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
}

int rename_or_remove(const char *temporary, const char *path, int rc)
{
	if (rc == 0 && rename(temporary, path) != 0)
		rc = -1;
	if (rc != 0) {
		int saved = errno;
		unlink(temporary);
		errno = saved;
	}
	return rc;
}

void *xgrow(void *array, size_t *capacity, size_t need, size_t size)
{
	size_t grown;

	if (need <= *capacity)
		return array;
	grown = *capacity ? *capacity : 8;
	while (grown < need) {
		if (grown > SIZE_MAX / 2)
			out_of_memory();
		grown *= 2;
	}
	if (size != 0 && grown > SIZE_MAX / size)
		out_of_memory();
	*capacity = grown;
	return xrealloc(array, grown * size);
}

char *xstrdup(const char *text)
{
	return xstrndup(text, strlen(text));
}

char *xstrndup(const char *text, size_t length)
{
	char *copy = xmalloc(length + 1);
	memcpy(copy, text, length);
	copy[length] = '\0';
	return copy;
}

char *xasprintf(const char *format, ...)
{
	struct buf buffer = {0};
	va_list args;

	va_start(args, format);
	buf_vprintf(&buffer, format, args);
	va_end(args);
	return buf_detach(&buffer);
}

static void buf_reserve(struct buf *buffer, size_t extra)
{
	if (extra > SIZE_MAX - buffer->length - 1)
		out_of_memory();
	buffer->data = xgrow(buffer->data, &buffer->capacity,
			     buffer->length + extra + 1, 1);
}

void buf_add(struct buf *buffer, const char *bytes, size_t length)
{
	buf_reserve(buffer, length);
	if (length)
		memcpy(buffer->data + buffer->length, bytes, length);
	buffer->length += length;
	buffer->data[buffer->length] = '\0';
}

void buf_adds(struct buf *buffer, const char *text)
{
	buf_add(buffer, text, strlen(text));
}

void buf_addc(struct buf *buffer, char c)
{
	buf_add(buffer, &c, 1);
}

void buf_vprintf(struct buf *buffer, const char *format, va_list args)
{
	va_list copy;
	int needed;

	va_copy(copy, args);
	needed = vsnprintf(NULL, 0, format, copy);
	va_end(copy);
	if (needed < 0)
		out_of_memory();
	buf_reserve(buffer, (size_t)needed);
	vsnprintf(buffer->data + buffer->length, (size_t)needed + 1, format,
		  args);
	buffer->length += (size_t)needed;
}

void buf_printf(struct buf *buffer, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	buf_vprintf(buffer, format, args);
	va_end(args);
}

void buf_reset(struct buf *buffer)
{
	buffer->length = 0;
	if (buffer->data)
		buffer->data[0] = '\0';
}

char *buf_detach(struct buf *buffer)
{
	char *data = buffer->data ? buffer->data : xstrdup("");

	buffer->data = NULL;
	buffer->length = 0;
	buffer->capacity = 0;
	return data;
}

void buf_free(struct buf *buffer)
{
	free(buffer->data);
	buffer->data = NULL;
	buffer->length = 0;
	buffer->capacity = 0;
}

const char *buf_cstr(const struct buf *buffer)
{
	return buffer->data ? buffer->data : "";
}

int read_file(const char *path, size_t max_size, char **out, size_t *length)
{
	struct buf buffer = {0};
	char chunk[65536];
	ssize_t got;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	for (;;) {
		got = read(fd, chunk, sizeof chunk);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (got == 0)
			break;
		if (buffer.length + (size_t)got > max_size) {
			errno = EFBIG;
			goto fail;
		}
		buf_add(&buffer, chunk, (size_t)got);
	}
	close(fd);
	*length = buffer.length;
	*out = buf_detach(&buffer);
	return 0;
fail:
	saved = errno;
	close(fd);
	buf_free(&buffer);
	errno = saved;
	return -1;
}

int write_file(const char *path, const void *bytes, size_t length)
{
	const char *cursor = bytes;
	int fd, saved;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	while (length > 0) {
		ssize_t wrote = write(fd, cursor, length);
		if (wrote < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		cursor += wrote;
		length -= (size_t)wrote;
	}
	return close(fd);
}

/* mkdir that counts an existing entry as success, as mkdir -p does. */
static bool make_dir(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST;
}

/* Tries the whole path first, so a folder that is there already costs
 * one call; only when a parent is missing does it walk back to the
 * deepest one that exists and create the rest in order. */
int make_dirs(const char *path)
{
	char *copy;
	size_t at;
	int rc = -1, saved;

	if (make_dir(path))
		return 0;
	if (errno != ENOENT)
		return -1;
	copy = xstrdup(path);
	at = strlen(copy);
	for (;;) {			/* back to a parent that exists */
		while (at > 0 && copy[at] != '/')
			at--;
		if (at == 0)
			goto out;	/* errno: ENOENT from the top */
		copy[at] = '\0';
		if (make_dir(copy))
			break;
		if (errno != ENOENT)
			goto out;
	}
	for (;;) {			/* forward, creating each folder */
		copy[at] = '/';
		while (copy[at] != '\0')
			at++;
		if (path[at] == '\0')
			break;
		if (!make_dir(copy))
			goto out;
	}
	rc = make_dir(copy) ? 0 : -1;
out:
	saved = errno;
	free(copy);
	errno = saved;
	return rc;
}

static int remove_entry(const char *path, const struct stat *status, int flag,
			struct FTW *walk)
{
	(void)status;
	(void)flag;
	(void)walk;
	return remove(path);
}

int remove_tree(const char *path)
{
	struct stat status;

	if (lstat(path, &status) != 0)
		return errno == ENOENT ? 0 : -1;
	return nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS);
}

char *xconcat(const char *first, ...)
{
	va_list args;
	size_t length = 0;
	char *text, *at;

	va_start(args, first);
	for (const char *part = first; part != NULL; part = va_arg(args, const char *))
		length += strlen(part);
	va_end(args);
	at = text = xmalloc(length + 1);
	va_start(args, first);
	for (const char *part = first; part != NULL; part = va_arg(args, const char *)) {
		size_t part_length = strlen(part);
		memcpy(at, part, part_length);
		at += part_length;
	}
	va_end(args);
	*at = '\0';
	return text;
}

char *path_join(const char *left, const char *right)
{
	size_t length = strlen(left);

	if (length == 0)
		return xstrdup(right);
	return xconcat(left, left[length - 1] == '/' ? "" : "/", right,
		       (char *)NULL);
}

bool utf8_valid(const char *text, size_t length, size_t *bad_offset)
{
	size_t i = 0;

	while (i < length) {
		size_t size;

		/* ASCII inline: most of what is checked is Markdown syntax */
		if ((unsigned char)text[i] < 0x80) {
			i++;
			continue;
		}
		size = utf8_sequence(text + i, length - i);
		if (size == 0) {
			if (bad_offset)
				*bad_offset = i;
			return false;
		}
		i += size;
	}
	return true;
}

size_t utf8_count(const char *text, size_t length)
{
	size_t count = 0;

	for (size_t i = 0; i < length; i++)
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			count++;
	return count;
}

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *percent_decode(const char *text, size_t length)
{
	struct buf decoded = {0};

	for (size_t i = 0; i < length; i++) {
		if (text[i] == '%' && i + 2 < length &&
		    hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
			buf_addc(&decoded, (char)(hex_value(text[i + 1]) * 16 +
						  hex_value(text[i + 2])));
			i += 2;
		} else {
			buf_addc(&decoded, text[i]);
		}
	}
	return buf_detach(&decoded);
}

int compare_strings(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}
