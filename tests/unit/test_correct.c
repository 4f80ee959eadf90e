/*
 * test_correct.c — typo correction (db/correct.h): the distance with its
 * transpositions and cap, the preference and tie-break rules, and
 * correct_query over a small index: Latin typos corrected, words with
 * matches and Japanese never, capitals kept, the cost bounded.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/correct.h"
#include "db/search.h"
#include "test.h"
#include "base/util.h"

static size_t distance(const char *a, const char *b, size_t cap)
{
	return correct_distance(a, strlen(a), b, strlen(b), cap);
}

static void test_distance(void)
{
	char long_word[CORRECT_WORD_MAX + 2];

	TEST_SUITE("correct/distance");
	CHECK_INT(distance("spf", "spf", 2), 0, "equal words: 0");
	CHECK_INT(distance("sfp", "spf", 2), 1, "an adjacent transposition: 1");
	CHECK_INT(distance("dkmi", "dkim", 2), 1, "dkmi → dkim: 1");
	CHECK_INT(distance("dmrac", "dmarc", 2), 1, "dmrac → dmarc: 1");
	CHECK_INT(distance("spff", "spf", 2), 1, "a deletion: 1");
	CHECK_INT(distance("sf", "spf", 2), 1, "an insertion: 1");
	CHECK_INT(distance("spx", "spf", 2), 1, "a substitution: 1");
	CHECK_INT(distance("mdrac", "dmarc", 2), 2, "two transpositions: 2");
	CHECK_INT(distance("abc", "ca", 2), 3,
		  "optimal string alignment: no edit of a transposed pair");
	CHECK_INT(distance("outlook", "spf", 2), 3, "far apart: cap + 1");
	CHECK_INT(distance("a", "abcd", 2), 3, "lengths too far apart: cap + 1");
	CHECK_INT(distance("", "", 1), 0, "empty words");
	memset(long_word, 'a', sizeof long_word - 1);
	long_word[sizeof long_word - 1] = '\0';
	CHECK_INT(distance(long_word, long_word, 2), 3,
		  "longer than CORRECT_WORD_MAX: never near");
	CHECK_INT(correct_max_distance(2), 0, "2 bytes: never corrected");
	CHECK_INT(correct_max_distance(3), 1, "3 bytes: 1");
	CHECK_INT(correct_max_distance(4), 1, "4 bytes: 1");
	CHECK_INT(correct_max_distance(5), 2, "5 bytes: 2");
}

static void test_rules(void)
{
	TEST_SUITE("correct/rules");
	CHECK(correct_prefers(0, 1), "a word in no row yields");
	CHECK(!correct_prefers(0, 0), "not to a word in no row either");
	CHECK(correct_prefers(1, CORRECT_RATIO), "a rare word yields to a "
	      "much commoner one");
	CHECK(!correct_prefers(1, CORRECT_RATIO - 1), "not to a little "
	      "commoner one");
	CHECK(!correct_prefers(CORRECT_RARE_ROWS + 1, 1000000),
	      "a word with matches never yields");
	CHECK(correct_better("spf", 3, 1, 5, NULL, 0, 0, 0), "anything beats "
	      "nothing");
	CHECK(correct_better("spf", 3, 1, 5, "spa", 3, 2, 50), "nearer first");
	CHECK(correct_better("spf", 3, 1, 50, "spa", 3, 1, 5), "then more rows");
	CHECK(correct_better("spa", 3, 1, 5, "spf", 3, 1, 5), "then byte order");
	CHECK(!correct_better("spf", 3, 1, 5, "spa", 3, 1, 5),
	      "ties broken one way only");
	CHECK(correct_better("sp", 2, 1, 5, "spa", 3, 1, 5), "a prefix first");
}

static const struct search_row rows[] = {
	{"/spf/", NULL, "article", "SPFの設定", NULL, NULL,
	 "spf spf レコード dkim dmarc"},
	{"/dkim/", NULL, "article", "DKIMの設定", NULL, NULL, "dkim dmarc spf"},
	{"/dmarc/", NULL, "article", "DMARCの設定", NULL, NULL, "dmarc 迷惑"},
	{"/spa/", NULL, "article", "spa", NULL, NULL, "spa"},
	{"/sfp/", NULL, "article", "sfp module", NULL, NULL, "optics"},
	{"/bounce/", NULL, "article", "bounce", NULL, NULL, "diagnostic code"},
	{"/dig/", NULL, "article", "dig", NULL, NULL, "dig dig"},
};

static char *corrected(sqlite3 *db, const char *text)
{
	char *out = NULL;
	int rc = correct_query(db, text, strlen(text), &out);

	if (rc != SEARCH_OK) {
		free(out);
		return xasprintf("error %d", rc);
	}
	return out ? out : xstrdup("(none)");
}

static void check_corrected(sqlite3 *db, const char *text, const char *want,
			    const char *what)
{
	char *got = corrected(db, text);

	CHECK_STR(got, want, what);
	free(got);
}

static void test_query(void)
{
	sqlite3 *db = NULL;
	struct search_results results;
	bool ok = sqlite3_open(":memory:", &db) == SQLITE_OK &&
		  search_schema_create(db) == SEARCH_OK;
	clock_t start;

	TEST_SUITE("correct/query");
	for (size_t i = 0; ok && i < sizeof rows / sizeof *rows; i++)
		ok = search_add_row(db, &rows[i]) == SEARCH_OK;
	CHECK(ok, "a small index");
	check_corrected(db, "DKMI", "DKIM", "DKMI → DKIM, in capitals");
	check_corrected(db, "dmrac 設定", "dmarc 設定",
			"dmrac → dmarc, the rest as typed");
	check_corrected(db, "ＤＭＲＡＣ", "dmarc", "full-width: folded first");
	check_corrected(db, "spf", "(none)", "a word with matches stays");
	check_corrected(db, "sfp", "(none)", "sfp has a row of its own: "
			"not commoner by the ratio");
	check_corrected(db, "spg", "spf", "spf (3 rows) beats spa (1): rows");
	check_corrected(db, "迷惑めーる", "(none)", "Japanese never corrected");
	check_corrected(db, "sp", "(none)", "two letters never corrected");
	check_corrected(db, "zzzzz", "(none)", "nothing near: nothing");
	check_corrected(db, "123", "(none)", "digits alone never corrected");
	check_corrected(db, "Diag", "(none)", "the word the query ends in, "
			"a prefix of diagnostic: being typed, not a typo");
	check_corrected(db, "Diag ", "dig ", "with a space after it, a whole "
			"word: the index has no diag, dig is near");
	check_corrected(db, "diag dkmi", "dig dkim", "not the last word: "
			"corrected; the last, a prefix of nothing, too");
	CHECK_INT(search_run(db, "DKMI", 4, 10, 0, &results), SEARCH_OK,
		  "search DKMI");
	CHECK_STR(results.corrected, "DKIM", "search_run says what it searched");
	CHECK_INT(results.total, 2, "and finds what DKIM finds");
	search_results_free(&results);
	CHECK_INT(search_run_flags(db, "DKMI", 4, 10, 0, SEARCH_NO_CORRECTION,
				   SEARCH_BUDGET_MS, &results), SEARCH_OK,
		  "search DKMI as typed");
	CHECK(results.corrected == NULL && results.total == 0,
	      "as typed: nothing, uncorrected");
	search_results_free(&results);
	CHECK_INT(search_run(db, "spf", 3, 10, 0, &results), SEARCH_OK,
		  "search spf");
	CHECK(results.corrected == NULL, "words with matches: no correction");
	search_results_free(&results);
	start = clock();
	for (int i = 0; i < 200; i++)
		free(corrected(db, "qwertyuiopasdfghjklzxcvbnmqwerty aaaa bbbb "
				   "cccc dddd eeee ffff gggg hhhh iiii"));
	CHECK((double)(clock() - start) / CLOCKS_PER_SEC < 2.0,
	      "the cost is bounded: CORRECT_MAX_WORDS words, one scan each");
	sqlite3_close(db);
}

int main(void)
{
	test_distance();
	test_rules();
	test_query();
	return TEST_EXIT();
}
