/*
 * cache.c — the build cache file (see cache.h).
 *
 * Layout, all integers little-endian as the machine writes them (the
 * cache never leaves the machine; another byte order fails the magic):
 *
 *   "KBCACHE1"  u64 global
 *   u32 files   { str source, u64 stamp[4], u8 is_article,
 *                 u64 record offset, u64 record length }   sorted by source
 *   u32 pages   { str key, u64 fp }                         sorted by key
 *   u32 diags   { u8 severity, str path, u32 line, u32 col, str text }
 *   u64 length of the records, then the records (one per article)
 *
 * A str is u32 length (0xffffffff for NULL), the bytes and a NUL, so the
 * reader can hand out pointers into the file it read.
 */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "util.h"

#define MAGIC "KBCACHE1"
#define NO_STRING 0xffffffffu
#define CACHE_MAX_SIZE ((size_t)1 << 31)

/* The cache as read: pointers into the mapped file. */
struct cached_file {
	const char *source;
	struct file_stamp stamp;
	bool article;
	uint64_t offset, length;
};

struct cached_diag {
	enum diag_severity severity;
	const char *path;
	unsigned line, col;
	const char *text;
};

struct cache {
	char *data;		/* the file, mapped read-only */
	size_t size;
	uint64_t global;
	struct cached_file *files;
	size_t file_count;
	struct page_fp *pages;
	size_t page_count;
	struct cached_diag *diags;
	size_t diag_count;
	const char *records;
	size_t records_length;
};

/* ---- writing ---- */

static void put_u8(struct buf *out, unsigned value)
{
	buf_addc(out, (char)value);
}

static void put_u32(struct buf *out, uint32_t value)
{
	buf_add(out, (const char *)&value, sizeof value);
}

static void put_u64(struct buf *out, uint64_t value)
{
	buf_add(out, (const char *)&value, sizeof value);
}

static void put_str(struct buf *out, const char *text)
{
	size_t length;

	if (text == NULL) {
		put_u32(out, NO_STRING);
		return;
	}
	length = strlen(text);
	put_u32(out, (uint32_t)length);
	buf_add(out, text, length);
	buf_addc(out, '\0');
}

static void put_list(struct buf *out, const struct string_list *list)
{
	put_u32(out, (uint32_t)list->count);
	for (size_t i = 0; i < list->count; i++)
		put_str(out, list->items[i]);
}

struct diag_copy {
	enum diag_severity severity;
	const char *path;
	unsigned line, col;
	const char *text;
};

struct diag_copies {
	struct diag_copy *items;
	size_t count, capacity;
};

static void copy_diag(void *user, enum diag_severity severity,
		      const char *path, unsigned line, unsigned col,
		      const char *message)
{
	struct diag_copies *copies = user;

	copies->items = xgrow(copies->items, &copies->capacity,
			      copies->count + 1, sizeof *copies->items);
	copies->items[copies->count++] = (struct diag_copy){
		severity, xstrdup(path), line, col, xstrdup(message)};
}

static void put_record(struct buf *out, const struct article *article,
		       const struct diag_copies *diags)
{
	const struct front_matter *meta = &article->meta;
	uint32_t count = 0;

	put_str(out, article->source);
	put_str(out, article->content_path);
	put_str(out, article->url_path);
	put_str(out, article->updated);
	put_u64(out, article->text_hash);
	put_u64(out, article->body_offset);
	put_str(out, meta->title);
	put_str(out, meta->description);
	put_str(out, meta->slug);
	put_u32(out, meta->slug_line);
	put_u32(out, meta->slug_col);
	put_str(out, meta->date);
	put_str(out, meta->lastmod);
	put_u8(out, meta->draft);
	put_u64(out, (uint64_t)meta->weight);
	put_list(out, &meta->tags);
	put_list(out, &meta->categories);
	put_list(out, &meta->aliases);
	put_u32(out, meta->alias_line);
	put_u32(out, meta->alias_col);
	put_u64(out, meta->body_length);
	put_u32(out, meta->body_line);
	put_u32(out, (uint32_t)article->headings.count);
	for (size_t i = 0; i < article->headings.count; i++) {
		const struct markdown_heading *heading = &article->headings.items[i];
		put_u32(out, (uint32_t)heading->level);
		put_str(out, heading->text);
		put_str(out, heading->id);
		put_u32(out, heading->line);
	}
	put_u32(out, (uint32_t)article->link_count);
	for (size_t i = 0; i < article->link_count; i++) {
		put_str(out, article->links[i].url);
		put_str(out, article->links[i].target);
		put_u32(out, article->links[i].line);
		put_u32(out, article->links[i].byte_col);
	}
	/* the file's own warnings (in a build that succeeded, every message
	 * about an article file came from loading it) */
	for (size_t i = 0; i < diags->count; i++)
		count += strcmp(diags->items[i].path, article->source) == 0;
	put_u32(out, count);
	for (size_t i = 0; i < diags->count; i++) {
		if (strcmp(diags->items[i].path, article->source) != 0)
			continue;
		put_u8(out, diags->items[i].severity);
		put_u32(out, diags->items[i].line);
		put_u32(out, diags->items[i].col);
		put_str(out, diags->items[i].text);
	}
}

struct file_entry {
	const char *source;
	struct file_stamp stamp;
	const struct article *article;	/* NULL for a skipped draft */
};

static int compare_entries(const void *left, const void *right)
{
	return strcmp(((const struct file_entry *)left)->source,
		      ((const struct file_entry *)right)->source);
}

static int compare_page_pointers(const void *left, const void *right)
{
	return strcmp((*(const struct page_fp *const *)left)->key,
		      (*(const struct page_fp *const *)right)->key);
}

char *cache_dir(const char *out_dir)
{
	return path_join(out_dir, ".kbgen");
}

/* The bytes of source's record in previous, when the article came from
 * it unchanged (the record would be written again byte for byte). */
static bool previous_record(const struct cache *previous,
			    const struct article *article, const char **bytes,
			    size_t *length)
{
	long i;

	if (previous == NULL || !article->from_cache ||
	    (i = cache_find(previous, article->source)) < 0 ||
	    !previous->files[i].article)
		return false;
	*bytes = previous->records + previous->files[i].offset;
	*length = previous->files[i].length;
	return true;
}

int cache_write(const char *dir, uint64_t global, const struct site *site,
		const struct page_fp *pages, size_t page_count,
		const struct cache *previous)
{
	size_t file_count = site->article_count + site->skipped_count;
	struct file_entry *files = xcalloc(file_count + 1, sizeof *files);
	const struct page_fp **sorted = xcalloc(page_count + 1, sizeof *sorted);
	struct diag_copies diags = {0};
	struct buf head = {0}, fresh = {0};
	/* each record: a slice of the previous cache (mapped) or of fresh */
	const char **slices = xcalloc(file_count + 1, sizeof *slices);
	size_t *offsets = xcalloc(file_count + 1, sizeof *offsets);
	size_t *lengths = xcalloc(file_count + 1, sizeof *lengths);
	uint64_t total = 0;
	char *folder = cache_dir(dir);
	char *path = path_join(folder, "cache");
	char *temporary = xasprintf("%s.tmp-%ld", path, (long)getpid());
	FILE *stream;
	int rc = 0;

	struct timespec now;
	uint64_t racy_after;

	/* A file changed again within the same timestamp tick as the read
	 * keeps its stamp (same size, same mtime): stamps younger than two
	 * seconds (the coarsest common granularity) are not trusted, so such
	 * files are read again by the next build. */
	clock_gettime(CLOCK_REALTIME, &now);
	racy_after = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec -
		     2000000000u;
	diag_each(copy_diag, &diags);
	for (size_t i = 0; i < site->article_count; i++)
		files[i] = (struct file_entry){site->articles[i]->source,
					       site->articles[i]->stamp,
					       site->articles[i]};
	for (size_t i = 0; i < site->skipped_count; i++)
		files[site->article_count + i] = (struct file_entry){
			site->skipped[i].source, site->skipped[i].stamp, NULL};
	qsort(files, file_count, sizeof *files, compare_entries);
	buf_add(&head, MAGIC, 8);
	put_u64(&head, global);
	put_u32(&head, (uint32_t)file_count);
	for (size_t i = 0; i < file_count; i++) {
		if (files[i].article == NULL)
			continue;
		if (!previous_record(previous, files[i].article, &slices[i],
				     &lengths[i])) {
			offsets[i] = fresh.length;
			put_record(&fresh, files[i].article, &diags);
			lengths[i] = fresh.length - offsets[i];
		}
	}
	for (size_t i = 0; i < file_count; i++) {
		if (files[i].stamp.mtime_ns >= racy_after ||
		    files[i].stamp.ctime_ns >= racy_after)
			files[i].stamp = (struct file_stamp){0};
		put_str(&head, files[i].source);
		put_u64(&head, files[i].stamp.size);
		put_u64(&head, files[i].stamp.mtime_ns);
		put_u64(&head, files[i].stamp.ctime_ns);
		put_u64(&head, files[i].stamp.inode);
		put_u8(&head, files[i].article != NULL);
		put_u64(&head, total);
		put_u64(&head, lengths[i]);
		total += lengths[i];
	}
	for (size_t i = 0; i < page_count; i++)
		sorted[i] = &pages[i];
	qsort(sorted, page_count, sizeof *sorted, compare_page_pointers);
	put_u32(&head, (uint32_t)page_count);
	for (size_t i = 0; i < page_count; i++) {
		put_str(&head, sorted[i]->key);
		put_u64(&head, sorted[i]->fp);
	}
	put_u32(&head, (uint32_t)diags.count);
	for (size_t i = 0; i < diags.count; i++) {
		put_u8(&head, diags.items[i].severity);
		put_str(&head, diags.items[i].path);
		put_u32(&head, diags.items[i].line);
		put_u32(&head, diags.items[i].col);
		put_str(&head, diags.items[i].text);
	}
	put_u64(&head, total);
	if (make_dirs(folder) != 0 || (stream = fopen(temporary, "wb")) == NULL) {
		diag_error(folder, 0, 0, "cannot write the build cache: %s",
			   strerror(errno));
		rc = -1;
	} else {
		if (head.length && fwrite(head.data, head.length, 1, stream) != 1)
			rc = -1;
		for (size_t i = 0; rc == 0 && i < file_count; i++) {
			const char *bytes = slices[i] ? slices[i]
						      : fresh.data + offsets[i];
			if (lengths[i] && fwrite(bytes, lengths[i], 1, stream) != 1)
				rc = -1;
		}
		if (fclose(stream) != 0)
			rc = -1;
		if (rc == 0 && rename(temporary, path) != 0)
			rc = -1;
		if (rc != 0) {
			diag_error(path, 0, 0, "cannot write the build cache: %s",
				   strerror(errno));
			unlink(temporary);
		}
	}
	for (size_t i = 0; i < diags.count; i++) {
		free((char *)diags.items[i].path);
		free((char *)diags.items[i].text);
	}
	free(diags.items);
	buf_free(&head);
	buf_free(&fresh);
	free(slices);
	free(offsets);
	free(lengths);
	free(files);
	free(sorted);
	free(temporary);
	free(path);
	free(folder);
	return rc;
}

/* ---- reading ---- */

struct reader {
	const char *at, *end;
	bool bad;
};

static bool take(struct reader *in, void *out, size_t size)
{
	if (in->bad || (size_t)(in->end - in->at) < size) {
		in->bad = true;
		memset(out, 0, size);
		return false;
	}
	memcpy(out, in->at, size);
	in->at += size;
	return true;
}

static unsigned get_u8(struct reader *in)
{
	unsigned char value = 0;

	take(in, &value, 1);
	return value;
}

static uint32_t get_u32(struct reader *in)
{
	uint32_t value;

	take(in, &value, sizeof value);
	return value;
}

static uint64_t get_u64(struct reader *in)
{
	uint64_t value;

	take(in, &value, sizeof value);
	return value;
}

/* A string inside the file (borrowed), NULL for NULL or when damaged
 * (then in->bad is set). */
static const char *get_str(struct reader *in)
{
	uint32_t length = get_u32(in);
	const char *text = in->at;

	if (in->bad || length == NO_STRING)
		return NULL;
	if ((size_t)(in->end - in->at) < (size_t)length + 1 || text[length] != '\0' ||
	    memchr(text, '\0', length) != NULL) {
		in->bad = true;
		return NULL;
	}
	in->at += (size_t)length + 1;
	return text;
}

/* A count of items each at least min_size bytes long: refuses counts the
 * rest of the file cannot hold, so damage cannot make us allocate wildly. */
static size_t get_count(struct reader *in, size_t min_size)
{
	uint32_t count = get_u32(in);

	if ((size_t)(in->end - in->at) / min_size < count) {
		in->bad = true;
		return 0;
	}
	return count;
}

void cache_free(struct cache *cache)
{
	if (cache == NULL)
		return;
	if (cache->data != NULL)
		munmap(cache->data, cache->size);
	free(cache->files);
	free(cache->pages);
	free(cache->diags);
	free(cache);
}

/* A list of strings pointing into the cache (the array is allocated). */
static void get_list(struct reader *in, struct string_list *list)
{
	size_t count = get_count(in, 4);

	list->items = xcalloc(count + 1, sizeof *list->items);
	for (size_t i = 0; i < count && !in->bad; i++) {
		const char *item = get_str(in);
		if (item != NULL)
			list->items[list->count++] = (char *)item;
	}
}

/* Decodes one article record; NULL when damaged. Its strings point into
 * the mapped cache (article->borrowed): the cache must outlive it. */
static struct article *decode_record(const char *bytes, size_t length,
				     const struct cached_file *file)
{
	struct reader in = {bytes, bytes + length, false};
	struct article *article = site_article_new();
	struct front_matter *meta = &article->meta;
	const char *diags;
	size_t count;

	article->borrowed = true;
	article->source = (char *)get_str(&in);
	article->content_path = (char *)get_str(&in);
	article->url_path = (char *)get_str(&in);
	article->updated = (char *)get_str(&in);
	article->text_hash = get_u64(&in);
	article->body_offset = get_u64(&in);
	meta->title = (char *)get_str(&in);
	meta->description = (char *)get_str(&in);
	meta->slug = (char *)get_str(&in);
	meta->slug_line = get_u32(&in);
	meta->slug_col = get_u32(&in);
	meta->date = (char *)get_str(&in);
	meta->lastmod = (char *)get_str(&in);
	meta->draft = get_u8(&in) != 0;
	meta->weight = (long)get_u64(&in);
	get_list(&in, &meta->tags);
	get_list(&in, &meta->categories);
	get_list(&in, &meta->aliases);
	meta->alias_line = get_u32(&in);
	meta->alias_col = get_u32(&in);
	meta->body_length = get_u64(&in);
	meta->body_line = get_u32(&in);
	article->slug_line = meta->slug_line;
	article->slug_col = meta->slug_col;
	count = get_count(&in, 16);
	article->headings.items = xcalloc(count + 1,
					  sizeof *article->headings.items);
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct markdown_heading *heading = &article->headings.items[i];
		heading->level = (int)get_u32(&in);
		heading->text = (char *)get_str(&in);
		heading->id = (char *)get_str(&in);
		heading->line = get_u32(&in);
		article->headings.count++;
	}
	count = get_count(&in, 16);
	article->links = xcalloc(count + 1, sizeof *article->links);
	article->link_capacity = count + 1;
	for (size_t i = 0; i < count && !in.bad; i++) {
		struct article_link *link = &article->links[i];
		link->url = (char *)get_str(&in);
		link->target = (char *)get_str(&in);
		link->line = get_u32(&in);
		link->byte_col = get_u32(&in);
		article->link_count++;
	}
	diags = in.at;
	count = get_count(&in, 13);
	for (size_t i = 0; i < count && !in.bad; i++) {
		get_u8(&in);
		get_u32(&in);
		get_u32(&in);
		get_str(&in);
	}
	article->stamp = file->stamp;
	article->from_cache = true;
	if (in.bad || in.at != in.end || article->source == NULL ||
	    strcmp(article->source, file->source) != 0 ||
	    article->url_path == NULL || article->content_path == NULL ||
	    article->updated == NULL || meta->title == NULL ||
	    meta->description == NULL) {
		site_article_free(article);
		return NULL;
	}
	/* the record is sound: its warnings are reported again */
	in.at = diags;
	count = get_count(&in, 13);
	for (size_t i = 0; i < count; i++) {
		enum diag_severity severity = get_u8(&in) ? DIAG_WARNING
							  : DIAG_ERROR;
		unsigned line = get_u32(&in), col = get_u32(&in);
		const char *text = get_str(&in);
		diag_report(severity, article->source, line, col, "%s",
			    text ? text : "");
	}
	return article;
}

/* The url_path of a record without decoding it all (its third string). */
static const char *record_url(const char *bytes, size_t length)
{
	struct reader in = {bytes, bytes + length, false};

	get_str(&in);
	get_str(&in);
	return get_str(&in);
}

struct cache *cache_read(const char *out_dir)
{
	char *folder = cache_dir(out_dir);
	char *path = path_join(folder, "cache");
	struct cache *cache = xcalloc(1, sizeof *cache);
	struct reader in;
	uint64_t records_length;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat status;
	void *map;

	/* mapped, not read: the records of unchanged files are never
	 * touched, and nothing is copied */
	if (fd < 0)
		goto fail;
	if (fstat(fd, &status) != 0 || status.st_size < 8 ||
	    (uint64_t)status.st_size > CACHE_MAX_SIZE) {
		close(fd);
		goto fail;
	}
	map = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		goto fail;
	cache->data = map;
	cache->size = (size_t)status.st_size;
	in = (struct reader){cache->data, cache->data + cache->size, false};
	if (cache->size < 8 || memcmp(cache->data, MAGIC, 8) != 0)
		goto fail;
	in.at += 8;
	cache->global = get_u64(&in);
	cache->file_count = get_count(&in, 4 + 1 + 32 + 1 + 16);
	cache->files = xcalloc(cache->file_count + 1, sizeof *cache->files);
	for (size_t i = 0; i < cache->file_count && !in.bad; i++) {
		struct cached_file *file = &cache->files[i];
		file->source = get_str(&in);
		file->stamp.size = get_u64(&in);
		file->stamp.mtime_ns = get_u64(&in);
		file->stamp.ctime_ns = get_u64(&in);
		file->stamp.inode = get_u64(&in);
		file->article = get_u8(&in) != 0;
		file->offset = get_u64(&in);
		file->length = get_u64(&in);
		if (file->source == NULL ||
		    (i > 0 && strcmp(cache->files[i - 1].source, file->source) >= 0))
			in.bad = true;
	}
	cache->page_count = get_count(&in, 4 + 1 + 8);
	cache->pages = xcalloc(cache->page_count + 1, sizeof *cache->pages);
	for (size_t i = 0; i < cache->page_count && !in.bad; i++) {
		cache->pages[i].key = (char *)get_str(&in);
		cache->pages[i].fp = get_u64(&in);
		if (cache->pages[i].key == NULL)
			in.bad = true;
	}
	cache->diag_count = get_count(&in, 1 + 5 + 8 + 5);
	cache->diags = xcalloc(cache->diag_count + 1, sizeof *cache->diags);
	for (size_t i = 0; i < cache->diag_count && !in.bad; i++) {
		struct cached_diag *diag = &cache->diags[i];
		diag->severity = get_u8(&in) ? DIAG_WARNING : DIAG_ERROR;
		diag->path = get_str(&in);
		diag->line = get_u32(&in);
		diag->col = get_u32(&in);
		diag->text = get_str(&in);
		if (diag->path == NULL || diag->text == NULL)
			in.bad = true;
	}
	records_length = get_u64(&in);
	if (in.bad || records_length != (uint64_t)(in.end - in.at))
		goto fail;
	cache->records = in.at;
	cache->records_length = records_length;
	for (size_t i = 0; i < cache->file_count; i++) {
		struct cached_file *file = &cache->files[i];
		if (file->offset > records_length ||
		    file->length > records_length - file->offset)
			goto fail;
	}
	free(folder);
	free(path);
	return cache;
fail:
	free(folder);
	free(path);
	cache_free(cache);
	return NULL;
}

uint64_t cache_global(const struct cache *cache)
{
	return cache->global;
}

size_t cache_file_count(const struct cache *cache)
{
	return cache->file_count;
}

void cache_file(const struct cache *cache, size_t i, const char **source,
		struct file_stamp *stamp, bool *article, const char **url_path)
{
	const struct cached_file *file = &cache->files[i];

	if (source)
		*source = file->source;
	if (stamp)
		*stamp = file->stamp;
	if (article)
		*article = file->article;
	if (url_path)
		*url_path = file->article
			? record_url(cache->records + file->offset, file->length)
			: NULL;
}

long cache_find(const struct cache *cache, const char *source)
{
	size_t low = 0, high = cache->file_count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int order = strcmp(cache->files[middle].source, source);
		if (order == 0)
			return (long)middle;
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return -1;
}

struct article *cache_article(void *user, const char *source,
			      const struct file_stamp *stamp)
{
	const struct cache *cache = user;
	long i = cache_find(cache, source);
	const struct cached_file *file;

	if (i < 0)
		return NULL;
	file = &cache->files[i];
	if (!file->article || memcmp(&file->stamp, stamp, sizeof *stamp) != 0)
		return NULL;
	return decode_record(cache->records + file->offset, file->length, file);
}

const struct page_fp *cache_pages(const struct cache *cache, size_t *count)
{
	*count = cache->page_count;
	return cache->pages;
}

void cache_replay(const struct cache *cache)
{
	for (size_t i = 0; i < cache->diag_count; i++)
		diag_report(cache->diags[i].severity, cache->diags[i].path,
			    cache->diags[i].line, cache->diags[i].col, "%s",
			    cache->diags[i].text);
}
