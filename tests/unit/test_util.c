/*
 * util: make_dirs (one call for a folder that exists, walking back only
 * when parents are missing), write_file, xconcat and path_join.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "base/siphash.h"
#include "base/util.h"

static bool is_folder(const char *path)
{
	struct stat status;

	return stat(path, &status) == 0 && S_ISDIR(status.st_mode);
}

static void test_make_dirs(const char *root)
{
	char *deep = xasprintf("%s/a/b/c/d", root);
	char *slashes = xasprintf("%s/a//x///y/", root);
	char *file = xasprintf("%s/file", root);
	char *under_file = xasprintf("%s/file/x/y", root);
	char *written = xasprintf("%s/new/folder/index.html", root);

	CHECK_INT(make_dirs(deep), 0, "make_dirs: four new levels");
	CHECK(is_folder(deep), "make_dirs: the deepest exists");
	CHECK_INT(make_dirs(deep), 0, "make_dirs: again, already there");
	CHECK_INT(make_dirs(root), 0, "make_dirs: an existing root");
	CHECK_INT(make_dirs(slashes), 0, "make_dirs: doubled and trailing "
		  "slashes");
	CHECK(is_folder(slashes), "make_dirs: made through the slashes");
	CHECK_INT(write_file(file, "x", 1), 0, "write_file: a file");
	errno = 0;
	CHECK_INT(make_dirs(under_file), -1, "make_dirs: a file in the way "
		  "fails");
	CHECK_INT(errno, ENOTDIR, "make_dirs: with ENOTDIR");
	CHECK_INT(write_file(written, "x", 1), -1, "write_file: a missing "
		  "folder fails");
	CHECK_INT(errno, ENOENT, "write_file: with ENOENT");
	CHECK_INT(chdir(root), 0, "into the scratch folder");
	CHECK_INT(make_dirs("relative/x"), 0, "make_dirs: a relative path");
	CHECK(is_folder("relative/x"), "make_dirs: made relative to the "
	      "working folder");
	free(written);
	free(under_file);
	free(file);
	free(slashes);
	free(deep);
}

static void test_concat(void)
{
	char *text = xconcat("content/", "delivery", "/", "迷惑.md", (char *)NULL);
	CHECK_STR(text, "content/delivery/迷惑.md", "xconcat: four parts");
	free(text);
	text = xconcat("", (char *)NULL);
	CHECK_STR(text, "", "xconcat: one empty part");
	free(text);
	text = xconcat("a", "", "", "b", (char *)NULL);
	CHECK_STR(text, "ab", "xconcat: empty parts in between");
	free(text);
	text = path_join("out", "index.html");
	CHECK_STR(text, "out/index.html", "path_join: adds the slash");
	free(text);
	text = path_join("out/", "index.html");
	CHECK_STR(text, "out/index.html", "path_join: keeps one slash");
	free(text);
	text = path_join("", "index.html");
	CHECK_STR(text, "index.html", "path_join: empty left");
	free(text);
}

/* The SipHash paper's vectors (key 00..0f; messages 00..0e and empty),
 * and that a key change changes the hash. */
static void test_siphash(void)
{
	uint8_t key[SIPHASH_KEY_SIZE], message[15];

	for (int i = 0; i < SIPHASH_KEY_SIZE; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		message[i] = (uint8_t)i;
	CHECK(siphash24(key, message, 15) == 0xa129ca6149be45e5ULL,
	      "siphash: the paper's 15-byte vector");
	CHECK(siphash24(key, message, 0) == 0x726fdb47dd0e0e31ULL,
	      "siphash: the empty message");
	CHECK(siphash24(key, message, 8) != siphash24(key, message, 9),
	      "siphash: the length counts");
	key[0] ^= 1;
	CHECK(siphash24(key, message, 15) != 0xa129ca6149be45e5ULL,
	      "siphash: another key, another hash");
}

int main(void)
{
	char root[] = "/tmp/kbgen-test-util-XXXXXX";

	TEST_SUITE("util");
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_concat();
	test_siphash();
	test_make_dirs(root);
	remove_tree(root);
	return TEST_EXIT();
}
