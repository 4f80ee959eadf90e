/*
 * progress.c — see progress.h.
 *
 * Workers only add to an atomic counter and read the clock; whichever
 * worker finds a redraw due and wins the draw lock writes the line, so
 * the line is never written by two threads at once and nobody waits.
 */
#include "build/progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define NANOSECONDS_PER_SECOND 1000000000LL
/* A build shorter than this shows no line at all. */
#define PROGRESS_DELAY NANOSECONDS_PER_SECOND
/* At most ten redraws a second. */
#define PROGRESS_INTERVAL (NANOSECONDS_PER_SECOND / 10)

static atomic_bool active;
static atomic_size_t done;
static size_t total_units;
static atomic_llong next_draw;	/* monotonic nanoseconds */
static atomic_bool drawn;
static pthread_mutex_t draw_lock = PTHREAD_MUTEX_INITIALIZER;

/* The delay before the first draw: PROGRESS_DELAY, or
 * KBGEN_PROGRESS_DELAY_MS when that holds a count of milliseconds up to a
 * minute. The suites set it so that they see the line whatever the
 * machine's speed; anything else in it is ignored. */
static long long progress_delay(void)
{
	const char *text = getenv("KBGEN_PROGRESS_DELAY_MS");
	char *end;
	long ms;

	if (text == NULL || *text < '0' || *text > '9')
		return PROGRESS_DELAY;
	ms = strtol(text, &end, 10);
	if (*end != '\0' || ms > 60000)
		return PROGRESS_DELAY;
	return ms * (NANOSECONDS_PER_SECOND / 1000);
}

static long long now_nanoseconds(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * NANOSECONDS_PER_SECOND + now.tv_nsec;
}

/* n with a comma every three digits ("10,000"), into text (at least 27
 * bytes: the digits of SIZE_MAX and their commas). */
static void format_count(size_t n, char text[static 27])
{
	char digits[21];
	int length = snprintf(digits, sizeof digits, "%zu", n);
	size_t out = 0;

	for (int i = 0; i < length; i++) {
		if (i > 0 && (length - i) % 3 == 0)
			text[out++] = ',';
		text[out++] = digits[i];
	}
	text[out] = '\0';
}

static void draw(size_t count)
{
	char count_text[27], total_text[27];

	format_count(count < total_units ? count : total_units, count_text);
	format_count(total_units, total_text);
	/* \r back to the start, \33[K clears what a longer line left */
	fprintf(stderr, "\r\33[Kkbgen: %s/%s files", count_text, total_text);
	fflush(stderr);
	atomic_store(&drawn, true);
}

void progress_begin(size_t total, bool quiet)
{
	total_units = total;
	atomic_store(&done, 0);
	atomic_store(&drawn, false);
	atomic_store(&next_draw, now_nanoseconds() + progress_delay());
	atomic_store(&active, !quiet && isatty(STDERR_FILENO) == 1);
}

void progress_step(size_t n)
{
	size_t count = atomic_fetch_add(&done, n) + n;
	long long now, due;

	if (!atomic_load(&active))
		return;
	now = now_nanoseconds();
	due = atomic_load(&next_draw);
	if (now < due)
		return;
	/* one drawer at a time; the others carry on working */
	if (pthread_mutex_trylock(&draw_lock) != 0)
		return;
	if (atomic_compare_exchange_strong(&next_draw, &due,
					   now + PROGRESS_INTERVAL) &&
	    atomic_load(&active))
		draw(count);
	pthread_mutex_unlock(&draw_lock);
}

void progress_end(void)
{
	pthread_mutex_lock(&draw_lock);
	atomic_store(&active, false);
	if (atomic_load(&drawn)) {
		fputs("\r\33[K", stderr);
		fflush(stderr);
		atomic_store(&drawn, false);
	}
	pthread_mutex_unlock(&draw_lock);
}
