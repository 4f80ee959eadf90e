/*
 * test.h — the unit tests' whole framework: checks print one line each,
 * "PASS: suite: what" or "FAIL: suite: what (file:line: detail)", which
 * tests/run counts. A test binary exits 1 when any check failed.
 */
#ifndef KB_TEST_H
#define KB_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failures;
static const char *test_suite = "unit";

#define TEST_SUITE(name) (test_suite = (name))

#define CHECK(condition, what)                                              \
	do {                                                                \
		if (condition) {                                            \
			printf("PASS: %s: %s\n", test_suite, (what));       \
		} else {                                                    \
			printf("FAIL: %s: %s (%s:%d: %s)\n", test_suite,    \
			       (what), __FILE__, __LINE__, #condition);     \
			test_failures++;                                    \
		}                                                           \
	} while (0)

#define CHECK_STR(actual, expected, what)                                   \
	do {                                                                \
		const char *test_actual_ = (actual);                        \
		const char *test_expected_ = (expected);                    \
		if (test_actual_ && test_expected_ &&                       \
		    strcmp(test_actual_, test_expected_) == 0) {            \
			printf("PASS: %s: %s\n", test_suite, (what));       \
		} else {                                                    \
			printf("FAIL: %s: %s (%s:%d: got \"%s\", want "     \
			       "\"%s\")\n", test_suite, (what), __FILE__,   \
			       __LINE__,                                    \
			       test_actual_ ? test_actual_ : "(null)",      \
			       test_expected_ ? test_expected_ : "(null)"); \
			test_failures++;                                    \
		}                                                           \
	} while (0)

#define CHECK_INT(actual, expected, what)                                   \
	do {                                                                \
		long long test_actual_ = (long long)(actual);               \
		long long test_expected_ = (long long)(expected);           \
		if (test_actual_ == test_expected_) {                       \
			printf("PASS: %s: %s\n", test_suite, (what));       \
		} else {                                                    \
			printf("FAIL: %s: %s (%s:%d: got %lld, want %lld)\n",\
			       test_suite, (what), __FILE__, __LINE__,      \
			       test_actual_, test_expected_);               \
			test_failures++;                                    \
		}                                                           \
	} while (0)

#define TEST_EXIT() (fflush(stdout), test_failures ? 1 : 0)

#endif
