/*
 * fuzz_cache.c — libFuzzer harness for the build cache reader.
 *
 * Input: a u32 (little-endian) n, then n bytes of a cache file, then the
 * records file (n larger than what follows takes it all, leaving no
 * records). Both go to cache_parse, the reader cache_read runs on the
 * files it maps; when they parse, every file's record is decoded the
 * ways the build asks for it (cache_file, cache_previous_article,
 * cache_article with its warnings replayed) and the cached diagnostics
 * are replayed. A record decoded must be the file's; anything else
 * aborts, which libFuzzer reports as a crash, as do ASan and UBSan.
 * Seeds: tests/fuzz/corpus-cache/, caches of a small site.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "build/cache.h"
#include "content/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition, const char *what)
{
	if (condition)
		return;
	fprintf(stderr, "fuzz_cache: %s\n", what);
	abort();
}

/* A record decoded is the file's and has what every article has. */
static void check_article(const struct article *article, const char *source,
			  const char *url_path)
{
	if (article == NULL)
		return;
	require(article->borrowed && article->from_cache,
		"a decoded article that is not the cache's");
	require(strcmp(article->source, source) == 0,
		"a record decoded for another file");
	require(article->url_path != NULL && article->content_path != NULL &&
		article->updated != NULL && article->meta.title != NULL &&
		article->meta.description != NULL,
		"a decoded article without a required field");
	require(url_path != NULL && strcmp(article->url_path, url_path) == 0,
		"cache_file's URL path is not the record's");
}

static void decode_every_record(struct cache *cache)
{
	for (size_t i = 0; i < cache_file_count(cache); i++) {
		const char *source, *url_path;
		struct file_stamp stamp;
		bool article;

		cache_file(cache, i, &source, &stamp, &article, &url_path);
		require(source != NULL, "a file without a source");
		require(cache_find(cache, source) == (long)i,
			"cache_find does not find a listed file");
		if (!article) {
			require(url_path == NULL, "a draft with a URL path");
			continue;
		}
		check_article(cache_previous_article(cache, source), source,
			      url_path);
		check_article(cache_article(cache, source, i, &stamp), source,
			      url_path);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bytes = (const char *)data;
	uint32_t split = 0;
	struct cache *cache;
	size_t count;

	if (size < sizeof split)
		return 0;
	memcpy(&split, data, sizeof split);
	bytes += sizeof split;
	size -= sizeof split;
	if (split > size)
		split = (uint32_t)size;
	cache = cache_parse(bytes, split, bytes + split, size - split);
	if (cache == NULL)
		return 0;
	decode_every_record(cache);
	require(cache_pages(cache, &count) != NULL, "no page list");
	for (size_t i = 0; i < count; i++)
		require(cache_pages(cache, &count)[i].key != NULL,
			"a page without a key");
	cache_replay(cache);
	diag_clear();
	cache_free(cache);
	return 0;
}
