/*
 * test_scan.c — the one pass over the content folder (scan.h) and the
 * orders site_load derives from it: which entries are article files,
 * their stamps against stat(2), unreadable and missing folders, and the
 * section and recent lists sorted with keys whose first 16 bytes agree
 * (the sort compares those as numbers first).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"
#include "content/scan.h"
#include "content/site.h"
#include "test.h"
#include "base/util.h"

static void put(const char *root, const char *relative, const char *text)
{
	char *path = path_join(root, relative);
	char *slash = strrchr(path, '/');

	*slash = '\0';
	make_dirs(path);
	*slash = '/';
	if (write_file(path, text, strlen(text)) != 0)
		perror(path);
	free(path);
}

static const struct scan_entry *entry_named(const struct scan_folder *folder,
					    const char *name)
{
	for (size_t i = 0; i < folder->count; i++)
		if (strcmp(folder->entries[i].name, name) == 0)
			return &folder->entries[i];
	return NULL;
}

static void test_entries(const char *root)
{
	struct content_scan scan;
	const struct scan_folder *section, *top;
	const struct scan_entry *entry;
	char names[256];
	char *path;
	struct stat status;
	bool sorted = true;

	put(root, "content/a/z.md", "z");
	put(root, "content/a/_index.md", "index");
	put(root, "content/a/notes.txt", "notes");
	put(root, "content/a/.x.md", "hidden");
	put(root, "content/a/sub/deep.md", "deep");
	put(root, "content/a/dir.md/inside.md", "a folder named like a file");
	put(root, "content/b-sec/y.md", "y");
	put(root, "content/.hidden/h.md", "h");
	put(root, "content/loose.md", "loose");
	path = path_join(root, "content/a/link.md");
	if (symlink("z.md", path) != 0)
		perror(path);
	free(path);
	path = path_join(root, "content/a/dangling.md");
	if (symlink("missing.md", path) != 0)
		perror(path);
	free(path);

	put(root, "content/a/bundle/index.md", "bundle");
	put(root, "content/a/bundle/shot.png", "png");
	put(root, "content/a/bundle/inner/not-a-page.md", "resource");
	put(root, "content/about/index.md", "about");
	path = path_join(root, "content/a/sub/loop");
	if (symlink("..", path) != 0)
		perror(path);
	free(path);

	scan_content(root, &scan);
	CHECK(scan.folders[0].readable, "content folder read");
	CHECK_STR(scan.folders[0].name, "", "content/ itself first, named ''");
	top = &scan.folders[0];
	CHECK_INT(top->count, 5, "content: four folders and a loose file");
	for (size_t i = 1; i < top->count; i++)
		sorted = sorted && strcmp(top->entries[i - 1].name,
					  top->entries[i].name) < 0;
	CHECK(sorted, "content entries sorted by name");
	/* "", a, a/dir.md, a/sub, b-sec: not the hidden folder, not the
	 * bundles, and a/sub/loop (a/ again) once */
	CHECK_INT(scan.folder_count, 5, "every folder below, at any depth");
	names[0] = '\0';
	for (size_t i = 0; i < scan.folder_count; i++) {
		strncat(names, scan.folders[i].name, sizeof names - strlen(names) - 2);
		strcat(names, ",");
	}
	CHECK_STR(names, ",a,a/dir.md,a/sub,b-sec,", "folders by path");
	CHECK(scan.folder_count == 5 && scan.folders[1].depth == 1 &&
	      scan.folders[3].depth == 2 && scan.folders[1].has_index &&
	      !scan.folders[3].has_index,
	      "depths, and which folders hold an _index.md");
	entry = entry_named(top, "loose.md");
	CHECK(entry && !entry->directory && entry->article,
	      "a file directly in content/ is an article (a top-level page)");
	entry = entry_named(top, "about/index.md");
	CHECK(entry && entry->bundle && entry->article && !entry->directory,
	      "content/about/index.md: a leaf bundle at the top");

	section = scan.folder_count == 5 ? &scan.folders[1] : NULL;
	CHECK(section && section->readable, "section read");
	if (section != NULL) {
		CHECK_INT(section->count, 9, "section a: every entry");
		entry = entry_named(section, "z.md");
		CHECK(entry && entry->article && entry->stamped, "z.md: an article, stamped");
		path = path_join(root, "content/a/z.md");
		CHECK(entry && stat(path, &status) == 0 &&
		      entry->stamp.size == (uint64_t)status.st_size &&
		      entry->stamp.inode == (uint64_t)status.st_ino &&
		      entry->stamp.mtime_ns ==
			      (uint64_t)status.st_mtim.tv_sec * 1000000000u +
				      (uint64_t)status.st_mtim.tv_nsec,
		      "z.md: the stamp is stat's");
		free(path);
		entry = entry_named(section, "link.md");
		CHECK(entry && entry->article && entry->stamped &&
		      entry->stamp.size == 1,
		      "a symbolic link is followed: its target's stamp");
		entry = entry_named(section, "dangling.md");
		CHECK(entry && entry->article && !entry->stamped,
		      "a dangling link: an article without a stamp");
		entry = entry_named(section, "_index.md");
		CHECK(entry && !entry->article, "_index.md is no article");
		entry = entry_named(section, ".x.md");
		CHECK(entry && !entry->article, "a hidden .md is no article");
		entry = entry_named(section, "notes.txt");
		CHECK(entry && !entry->article, "notes.txt is no article");
		entry = entry_named(section, "sub");
		CHECK(entry && entry->directory && !entry->article, "sub is a folder");
		entry = entry_named(section, "dir.md");
		CHECK(entry && entry->directory && !entry->article,
		      "a folder named x.md is no article");
		entry = entry_named(section, "bundle/index.md");
		CHECK(entry && entry->bundle && entry->article && entry->stamped,
		      "a/bundle/index.md: a leaf bundle, stamped");
	}
	/* z, link, dangling, bundle, y, loose, about, a/sub/deep and
	 * a/dir.md/inside; not the bundle's inner .md, a resource */
	CHECK_INT(scan.article_count, 9, "articles at every depth");
	scan_free(&scan);

	/* a section that cannot be opened (a file replaced by nothing
	 * between listing and opening cannot be staged; a folder without
	 * permission can, unless we are root) */
	path = path_join(root, "content/b-sec");
	if (geteuid() != 0 && chmod(path, 0) == 0) {
		scan_content(root, &scan);
		CHECK(scan.folder_count == 5 && !scan.folders[4].readable &&
		      scan.folders[4].error == EACCES,
		      "an unreadable section is marked, with its errno");
		scan_free(&scan);
		chmod(path, 0755);
	}
	free(path);
}

static void test_missing(void)
{
	struct content_scan scan;

	scan_content("/nonexistent/kbgen-root", &scan);
	CHECK(!scan.folders[0].readable && scan.folders[0].error == ENOENT,
	      "a missing content folder: unreadable, ENOENT");
	CHECK_INT(scan.folder_count - 1 + scan.article_count, 0,
		  "a missing content folder: nothing in it");
	scan_free(&scan);
}

/* Titles and dates whose first 16 bytes agree, so the order is decided
 * past the numeric prefix, or by source. */
static void test_orders(const char *root)
{
	static const struct {
		const char *name, *title, *date;
		int weight;
	} articles[] = {
		{"e.md", "同じ前置きの長い題名・その二", "2026-03-01T10:00:00+09:00", 10},
		{"a.md", "同じ前置きの長い題名・その一", "2026-03-01T10:00:00+09:00", 10},
		{"d.md", "同じ前置きの長い題名・その一", "2026-03-01T09:00:00+09:00", 10},
		{"c.md", "短い", "2026-03-01", 5},
		{"b.md", "同じ前置きの長い題名", "2026-03-01T10:00:00+09:00", 10},
		{"f.md", "ABCDEFGHIJKLMNOP", "2026-02-28", 10},
		{"g.md", "ABCDEFGHIJKLMNOPQ", "2026-03-01T10:00:00+09:00", 10},
	};
	static const char *const in_section[] = {
		"c.md", "f.md", "g.md", "b.md", "a.md", "d.md", "e.md"};
	static const char *const recent[] = {
		"a.md", "b.md", "e.md", "g.md", "d.md", "c.md", "f.md"};
	struct site *site;

	put(root, "content/s/_index.md", "---\ntitle: S\n---\n");
	for (size_t i = 0; i < sizeof articles / sizeof *articles; i++) {
		char *relative = xasprintf("content/s/%s", articles[i].name);
		char *text = xasprintf("---\ntitle: %s\ndescription: d\n"
				       "date: %s\nweight: %d\n---\nbody\n",
				       articles[i].title, articles[i].date,
				       articles[i].weight);
		put(root, relative, text);
		free(relative);
		free(text);
	}
	site = site_load(root, NULL, NULL);
	CHECK_INT(diag_error_count(), 0, "order fixture loads");
	CHECK(site->section_count == 1 && site->sections[0]->article_count == 7,
	      "order fixture: seven articles in one section");
	if (site->section_count == 1 && site->sections[0]->article_count == 7)
		for (size_t i = 0; i < 7; i++) {
			char *what = xasprintf("section order %zu", i);
			char *want = xasprintf("content/s/%s", in_section[i]);
			CHECK_STR(site->sections[0]->articles[i]->source, want, what);
			free(what);
			free(want);
		}
	if (site->article_count == 7)
		for (size_t i = 0; i < 7; i++) {
			char *what = xasprintf("recent order %zu", i);
			char *want = xasprintf("content/s/%s", recent[i]);
			CHECK_STR(site->recent[i]->source, want, what);
			CHECK_INT(site->recent[i]->recent_rank, i, what);
			free(what);
			free(want);
		}
	site_free(site);
}

int main(void)
{
	char root[] = "/tmp/kbgen-test-scan-XXXXXX";
	char orders[] = "/tmp/kbgen-test-order-XXXXXX";

	TEST_SUITE("scan");
	if (mkdtemp(root) == NULL || mkdtemp(orders) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_entries(root);
	test_missing();
	test_orders(orders);
	remove_tree(root);
	remove_tree(orders);
	return TEST_EXIT();
}
