/* The build cache's files: a small site written and read back whole,
 * then the reader given damaged images (cache_parse, the code cache_read
 * runs on the files it maps): each must give "no usable cache" (NULL) or,
 * for a damaged record, no article, and never crash or leak. */
#include <stdlib.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "build/cache.h"
#include "content/site.h"
#include "test.h"

static char folder[] = "/tmp/kbgen-test-cache-XXXXXX";

static void write_text(const char *relative, const char *text)
{
	char *path = path_join(folder, relative);

	if (write_file(path, text, strlen(text)) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
}

/* Two articles sharing a tag (so each is the other's related article),
 * one with a warning, and a draft the load skips. */
static struct site *load_site(void)
{
	char *content = path_join(folder, "content/a");
	struct site *site;

	if (make_dirs(content) != 0) {
		perror(content);
		exit(1);
	}
	free(content);
	write_text("site.yaml", "title: Test KB\nbase_url: http://127.0.0.1:8080/\n"
		   "language: ja\n");
	write_text("content/a/1.md", "---\ntitle: 記事1\ndescription: 説明1\n"
		   "tags: [共通, 一]\nlinkTitle: 短い1\nsummary: 要約1\n"
		   "keywords: [鍵, 語]\npublishDate: 2020-01-01\n"
		   "expiryDate: 2999-01-01\n_build: {list: never}\n---\n\n本文。\n\n## 見出し\n\n[次](2.md)\n");
	write_text("content/a/2.md", "---\ntitle: 記事2\ncolour: red\n"
		   "url: /elsewhere/two/\ntags: [共通]\n---\n\n本文。\n");
	write_text("content/a/3.md", "---\ntitle: 下書き\ndraft: true\n---\n\n本文。\n");
	site = site_load(folder, NULL, NULL);
	if (site == NULL) {
		fprintf(stderr, "test_cache: the test site does not load\n");
		exit(1);
	}
	site_compute_related(site, 5);
	return site;
}

/* The bytes of a file of the cache folder. Caller frees. */
static char *cache_bytes(const char *name, size_t *length)
{
	char *path = xasprintf("%s/out/.kbgen/%s", folder, name);
	char *bytes = NULL;

	if (read_file(path, (size_t)1 << 20, &bytes, length) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
	return bytes;
}

static size_t diag_total(void)
{
	return diag_error_count() + diag_warning_count();
}

struct messages {
	char text[512];
};

static void add_message(void *user, enum diag_severity severity,
			const char *path, unsigned line, unsigned col,
			const char *message)
{
	struct messages *messages = user;
	size_t used = strlen(messages->text);

	snprintf(messages->text + used, sizeof messages->text - used,
		 "%s:%u:%u:%d:%s\n", path, line, col, (int)severity, message);
}

static void check_round_trip(struct site *site)
{
	char *out = path_join(folder, "out");
	struct page_fp pages[] = {{"a/1/index.html", 11}, {"index.html", 12}};
	/* a stamp from long ago; the others are the files' own, too young */
	struct file_stamp stamp, zero = {0}, old = {100, 1000000000, 1000000000, 7};
	struct messages messages = {""};
	const char *source, *url_path;
	const struct article *article;
	struct cache *cache;
	size_t count;
	bool is_article;

	site->articles[0]->stamp = old;
	CHECK_INT(cache_write(out, 42, site, pages, 2, 7, NULL), 0,
		  "cache_write: 0");
	diag_clear();
	cache = cache_read(out);
	CHECK(cache != NULL, "written cache reads back");
	if (cache == NULL) {
		free(out);
		return;
	}
	CHECK_INT(cache_global(cache), 42, "global fingerprint");
	CHECK_INT(cache_file_count(cache), 3, "two articles and a draft");
	cache_file(cache, 0, &source, &stamp, &is_article, &url_path);
	CHECK_STR(source, "content/a/1.md", "first file");
	CHECK(is_article, "first file is an article");
	CHECK_STR(url_path, "a/1/", "its URL path, from its record");
	CHECK(memcmp(&stamp, &old, sizeof stamp) == 0, "an old stamp is kept");
	cache_file(cache, 2, &source, &stamp, &is_article, &url_path);
	CHECK_STR(source, "content/a/3.md", "the skipped draft, in order");
	CHECK(!is_article && url_path == NULL, "a draft has no record");
	CHECK_INT(cache_find(cache, "content/a/2.md"), 1, "cache_find");
	CHECK_INT(cache_find(cache, "content/a/9.md"), -1, "cache_find: unknown");
	cache_file(cache, 1, NULL, &stamp, NULL, NULL);
	CHECK(memcmp(&stamp, &zero, sizeof stamp) == 0,
	      "a stamp younger than two seconds is written as zero");

	CHECK(cache_pages(cache, &count) != NULL && count == 2 &&
	      strcmp(cache_pages(cache, &count)[1].key, "index.html") == 0 &&
	      cache_pages(cache, &count)[1].fp == 12, "page fingerprints");
	cache_replay(cache);
	diag_each(add_message, &messages);
	CHECK_STR(messages.text,
		  "content/a/2.md:3:1:1:unknown front matter key 'colour' (ignored)\n",
		  "cache_replay reports the build's warning again");
	diag_clear();

	article = cache_previous_article(cache, "content/a/1.md");
	CHECK(article != NULL && article->borrowed && article->from_cache,
	      "cache_previous_article: the cache's article");
	if (article != NULL) {
		CHECK_STR(article->meta.title, "記事1", "title");
		CHECK_STR(article->meta.description, "説明1", "description");
		CHECK_INT(article->meta.tags.count, 2, "tags");
		CHECK_STR(article->meta.tags.items[1], "一", "second tag");
		CHECK_INT(article->headings.count, 1, "headings");
		CHECK_STR(article->headings.items[0].text, "見出し", "heading text");
		CHECK_INT(article->link_count, 1, "links");
		CHECK_STR(article->links[0].target, "content/a/2.md", "link target");
		CHECK_INT(article->text_hash, site->articles[0]->text_hash,
			  "text hash");
		CHECK_STR(article->meta.link_title, "短い1", "linkTitle");
		CHECK_STR(article->meta.summary, "要約1", "summary");
		CHECK_INT(article->meta.keywords.count, 2, "keywords");
		CHECK_STR(article->meta.keywords.count == 2
			  ? article->meta.keywords.items[1] : NULL, "語",
			  "second keyword");
		CHECK_STR(article->meta.publish_date, "2020-01-01", "publishDate");
		CHECK_STR(article->meta.expiry_date, "2999-01-01", "expiryDate");
		CHECK(article->meta.unlisted, "_build's list: never");
		CHECK(article->meta.url == NULL, "no url: NULL");
	}
	article = cache_previous_article(cache, "content/a/2.md");
	CHECK(article != NULL && article->meta.url != NULL &&
	      strcmp(article->meta.url, "/elsewhere/two/") == 0 &&
	      strcmp(article->url_path, "elsewhere/two/") == 0 &&
	      article->slug_line == 4 && article->slug_col == 6 &&
	      article->meta.link_title == NULL && article->meta.keywords.count == 0,
	      "url, its place and its URL path kept");
	CHECK_INT(cache_valid_until(cache), site->publish_changes_at,
		  "valid until the first expiryDate to come");
	CHECK(site->publish_changes_at == 32472144000LL,
	      "the site's publish_changes_at: 2999-01-01");
	CHECK_INT(diag_total(), 0, "cache_previous_article reports nothing");
	CHECK(cache_article(cache, "content/a/2.md", 1, &old) == NULL,
	      "cache_article: another stamp, no article");
	article = cache_article(cache, "content/a/2.md", 0, &zero);
	CHECK(article != NULL && strcmp(article->source, "content/a/2.md") == 0,
	      "cache_article: same stamp, the article (wrong hint)");
	CHECK_INT(diag_warning_count(), 1, "cache_article replays its warning");
	diag_clear();
	CHECK(cache_article(cache, "content/a/3.md", 2, &zero) == NULL,
	      "cache_article: a draft has none");
	CHECK(cache_previous_article(cache, "content/a/9.md") == NULL,
	      "cache_previous_article: unknown file");

	CHECK(!cache_related(cache, site, 8),
	      "cache_related: another key, false");
	CHECK(cache_related(cache, site, 7) &&
	      site->articles[0]->related_count == 1 &&
	      site->articles[0]->related[0] == site->articles[1] &&
	      site->articles[1]->related[0] == site->articles[0],
	      "cache_related: the lists as written");
	cache_free(cache);
	free(out);
}

/* The i-th file entry's record offset field in a cache image. */
static char *entry_offset(char *image, size_t i)
{
	char *at = image + 44;

	for (;; i--) {
		uint32_t length;

		memcpy(&length, at, 4);
		at += 4 + length + 1 + 32 + 1;
		if (i == 0)
			return at;
		at += 16;
	}
}

static void put64(char *at, uint64_t value)
{
	memcpy(at, &value, 8);
}

static void put32(char *at, uint32_t value)
{
	memcpy(at, &value, 4);
}

/* cache_parse of image (changed by the caller) with records: NULL? */
static bool refused(const char *image, size_t size, const char *records,
		    size_t records_size)
{
	struct cache *cache = cache_parse(image, size, records, records_size);

	cache_free(cache);
	return cache == NULL;
}

static void check_bad_images(const char *image, size_t size,
			     const char *records, size_t records_size)
{
	char *copy = xmalloc(size + 1);
	char *records_copy = xmalloc(records_size);
	size_t accepted = 0;
	uint64_t length;

	CHECK(!refused(image, size, records, records_size),
	      "the real images parse");
	CHECK(refused("", 0, records, records_size), "empty cache file");
	CHECK(refused(image, size, "", 0), "empty records file");
	for (size_t n = 0; n < size; n++) {
		memcpy(copy, image, n);
		accepted += !refused(copy, n, records, records_size);
	}
	CHECK_INT(accepted, 0, "cache file truncated at every offset");
	accepted = 0;
	for (size_t n = 0; n < records_size; n++) {
		memcpy(records_copy, records, n);
		accepted += !refused(image, size, records_copy, n);
	}
	CHECK_INT(accepted, 0, "records file truncated at every offset");
	memcpy(copy, image, size);
	copy[size] = '\0';
	CHECK(refused(copy, size + 1, records, records_size),
	      "a byte after the end");

#define WITH_COPY(change, what)                                             \
	do {                                                                \
		memcpy(copy, image, size);                                  \
		change;                                                     \
		CHECK(refused(copy, size, records, records_size), what);    \
	} while (0)
	WITH_COPY(memcpy(copy, "KBCACHE1", 8), "another cache version");
	WITH_COPY(copy[0] = 'k', "not a cache file");
	WITH_COPY(copy[24] ^= 1, "a records id that is not the records file's");
	WITH_COPY(put64(copy + 32, records_size + 1), "records end past the file");
	WITH_COPY(put32(copy + 40, 0xffffffffu), "a file count too large");
	WITH_COPY(put32(copy + 44, 0xffffffffu), "a file without a source");
	WITH_COPY(put32(copy + 44, (uint32_t)size), "a source past the end");
	WITH_COPY(copy[44 + 4 + 3] = '\0', "a source with a NUL inside");
	WITH_COPY(copy[44 + 4 + strlen("content/a/1.md")] = 'x',
		  "a source without its NUL");
	WITH_COPY(put64(entry_offset(copy, 0), 15), "a record inside the header");
	WITH_COPY(memcpy(&length, entry_offset(copy, 0) + 8, 8);
		  put64(entry_offset(copy, 0), records_size - length + 1),
		  "a record past the records end");
	WITH_COPY(put64(entry_offset(copy, 0) + 8, records_size),
		  "a record length past the records end");
	WITH_COPY(put64(entry_offset(copy, 0) + 8, UINT64_MAX),
		  "a record length that wraps around");
	WITH_COPY(entry_offset(copy, 1)[-33 - 5] = '0', "files out of order");
	WITH_COPY(memcpy(entry_offset(copy, 1) - 33 - 15, "content/a/1.md", 14),
		  "the same file twice");
	WITH_COPY(put32(copy + size - 4, 2), "a related article out of range");
	WITH_COPY(put32(copy + size - 8, 0xffffffffu),
		  "a related count too large");
#undef WITH_COPY
	memcpy(records_copy, records, records_size);
	memcpy(records_copy, "KBRECS01", 8);
	CHECK(refused(image, size, records_copy, records_size),
	      "another records version");
	memcpy(records_copy, records, records_size);
	records_copy[9] ^= 1;
	CHECK(refused(image, size, records_copy, records_size),
	      "records of another cache file");
	free(records_copy);
	free(copy);
}

/* A records image whose first record is damaged: the cache parses (records
 * are decoded when asked for) but gives no article for it. */
static void check_bad_record(const char *image, size_t size,
			     const char *records, size_t records_size,
			     void (*damage)(char *image, char *records),
			     const char *what)
{
	char *copy = xmalloc(size);
	char *records_copy = xmalloc(records_size);
	struct file_stamp zero = {0};
	struct cache *cache;
	char *message;

	memcpy(copy, image, size);
	memcpy(records_copy, records, records_size);
	damage(copy, records_copy);
	cache = cache_parse(copy, size, records_copy, records_size);
	message = xasprintf("%s: the cache parses", what);
	CHECK(cache != NULL, message);
	free(message);
	if (cache != NULL) {
		message = xasprintf("%s: no article", what);
		CHECK(cache_previous_article(cache, "content/a/1.md") == NULL &&
		      cache_article(cache, "content/a/1.md", 0, &zero) == NULL,
		      message);
		free(message);
		message = xasprintf("%s: the other article is intact", what);
		CHECK(cache_previous_article(cache, "content/a/2.md") != NULL,
		      message);
		free(message);
		CHECK_INT(diag_total(), 0, "a damaged record reports nothing");
	}
	cache_free(cache);
	free(records_copy);
	free(copy);
}

static uint64_t first_record(const char *image)
{
	uint64_t offset;

	memcpy(&offset, entry_offset((char *)image, 0), 8);
	return offset;
}

static void wrong_source(char *image, char *records)
{
	records[first_record(image) + 28 + 4] ^= 1;
}

static void huge_counts(char *image, char *records)
{
	put32(records + first_record(image), 0xffffffffu);
}

static void many_headings(char *image, char *records)
{
	put32(records + first_record(image) + 12, 100);
}

static void one_byte_short(char *image, char *records)
{
	char *length = entry_offset(image, 0) + 8;
	uint64_t value;

	(void)records;
	memcpy(&value, length, 8);
	put64(length, value - 1);
}

static void no_title(char *image, char *records)
{
	uint64_t at = first_record(image) + 28;
	uint32_t length;

	/* past source, content path, URL path, updated and two u64 */
	for (int i = 0; i < 4; i++) {
		memcpy(&length, records + at, 4);
		at += 4 + (length == 0xffffffffu ? 0 : length + 1);
	}
	at += 16;
	/* a NULL title, its bytes left behind: the record is then too long */
	put32(records + at, 0xffffffffu);
}

static void check_url_of_damaged_record(const char *image, size_t size,
					const char *records, size_t records_size)
{
	char *copy = xmalloc(records_size);
	const char *url_path = "";
	struct cache *cache;

	memcpy(copy, records, records_size);
	put32(copy + first_record(image) + 28, (uint32_t)records_size);
	cache = cache_parse(image, size, copy, records_size);
	CHECK(cache != NULL, "a record with a source past its end: parses");
	if (cache != NULL) {
		cache_file(cache, 0, NULL, NULL, NULL, &url_path);
		CHECK(url_path == NULL, "its URL path is NULL");
	}
	cache_free(cache);
	free(copy);
}

/* An incremental write given the cache it read: the record of an article
 * taken from the cache stays where it is, only the other is appended,
 * and the cache reads back whole. */
static void check_appending_write(struct site *site)
{
	char *out = path_join(folder, "out");
	struct cache *previous = cache_read(out), *cache;
	size_t before, after, size;
	char *bytes = cache_bytes("records", &before), *image;
	uint64_t offset, length;

	free(bytes);
	CHECK(previous != NULL, "appending: the previous cache reads");
	if (previous == NULL) {
		free(out);
		return;
	}
	site->articles[1]->from_cache = true;
	CHECK_INT(cache_write(out, 43, site, NULL, 0, 7, previous), 0,
		  "appending: cache_write: 0");
	site->articles[1]->from_cache = false;
	cache_free(previous);
	bytes = cache_bytes("records", &after);
	image = cache_bytes("cache", &size);
	memcpy(&offset, entry_offset(image, 0), 8);
	memcpy(&length, entry_offset(image, 0) + 8, 8);
	CHECK_INT(offset, before, "appending: the changed record goes at the end");
	CHECK_INT(after, before + length, "appending: nothing else is written");
	cache = cache_read(out);
	CHECK(cache != NULL && cache_global(cache) == 43,
	      "appending: the new cache reads back");
	if (cache != NULL) {
		const struct article *first, *second;

		first = cache_previous_article(cache, "content/a/1.md");
		second = cache_previous_article(cache, "content/a/2.md");
		CHECK(first != NULL && second != NULL &&
		      strcmp(first->meta.title, "記事1") == 0 &&
		      strcmp(second->meta.title, "記事2") == 0,
		      "appending: both records decode");
	}
	cache_free(cache);
	free(image);
	free(bytes);
	free(out);
}

int main(void)
{
	struct site *site;
	char *image, *records;
	size_t size, records_size;

	TEST_SUITE("cache");
	if (mkdtemp(folder) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	site = load_site();
	check_round_trip(site);
	image = cache_bytes("cache", &size);
	records = cache_bytes("records", &records_size);
	check_bad_images(image, size, records, records_size);
	check_bad_record(image, size, records, records_size, wrong_source,
			 "a record of another file");
	check_bad_record(image, size, records, records_size, huge_counts,
			 "a record with counts too large");
	check_bad_record(image, size, records, records_size, many_headings,
			 "a record with more headings than it holds");
	check_bad_record(image, size, records, records_size, one_byte_short,
			 "a record one byte short");
	check_bad_record(image, size, records, records_size, no_title,
			 "a record without a title");
	check_url_of_damaged_record(image, size, records, records_size);
	check_appending_write(site);
	free(records);
	free(image);
	site_free(site);
	diag_clear();
	remove_tree(folder);
	return TEST_EXIT();
}
