/*
 * cache.c — the build cache files (see cache.h).
 *
 * Two files, all integers little-endian as the machine writes them (the
 * cache never leaves the machine; another byte order fails the magic).
 * <out>/.kbgen/cache, written whole and renamed into place by every build:
 *
 *   "KBCACHE3"  u64 global  u64 valid until  u64 records id
 *   u64 records end
 *   u32 files   { str source, u64 stamp[4], u8 is_article,
 *                 u64 record offset, u64 record length }   sorted by source
 *   u32 pages   { str key, u64 fp }                         in build order
 *   u32 diags   { u8 severity, str path, u32 line, u32 col, str text }
 *   u64 related key  u32 articles { u32 count, u32 order[count] }
 *
 * (valid until: the moment, in seconds since 1970, a publishDate or
 * expiryDate changes what is published, site->publish_changes_at)
 * and <out>/.kbgen/records, "KBRECS03" u64 id, then one record per
 * article (at the offsets the files list gives, all below records end).
 * An incremental build appends the records of the articles it read again
 * and leaves the others where they are, so an edit writes only the
 * records it changed; the file is written afresh by a full build and when
 * more than half of it is records no longer listed, its id then a hash of
 * its records (two builds of one site write the same bytes). Appending never touches bytes the current
 * cache file points to, so a build killed meanwhile leaves a usable
 * cache; a records file that is not the one the cache file names (its
 * id) makes the cache unusable.
 *
 * A record starts with the counts of its arrays (u32 tags, categories,
 * aliases, headings, links, diags, keywords), so an article is restored with one
 * allocation. A str is u32 length (0xffffffff for NULL), the bytes and a
 * NUL, so the reader can hand out pointers into the images it reads (the
 * files mapped, or cache_parse's buffers). The reader trusts nothing: every
 * length and count is checked against the bytes left before it is used.
 */
#include "build/cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/hash.h"
#include "base/util.h"

#define MAGIC "KBCACHE3"
#define RECORDS_MAGIC "KBRECS03"
#define RECORDS_HEADER 16
#define NO_STRING 0xffffffffu
#define CACHE_MAX_SIZE ((size_t)1 << 31)
/* Records no longer listed may take this much of the records file before
 * it is written afresh (and at least half of it). */
#define RECORDS_SLACK ((uint64_t)64 * 1024)

/* The cache as read: pointers into the mapped files. */
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

/* Restored articles are carved from big chunks (one lock per article, no
 * malloc): they live as long as the cache. The chunks are plain pages:
 * huge pages make the kernel compact memory to find them, which costs
 * more than the fewer page faults save. */
#define ARENA_CHUNK ((size_t)4 << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
};

struct cache {
	pthread_mutex_t arena_lock;
	struct arena_chunk *arena;	/* the newest chunk first */
	bool mapped;		/* data and records are mappings of the files
				 * (else the caller's, from cache_parse) */
	const char *data;	/* the cache image */
	size_t size;
	const char *records;	/* the records image */
	size_t records_size;
	uint64_t records_id;
	uint64_t records_end;	/* every listed record lies below */
	uint64_t global;
	long long valid_until;
	struct cached_file *files;
	size_t file_count;
	struct page_fp *pages;
	size_t page_count;
	struct cached_diag *diags;
	size_t diag_count;
	uint64_t related_key;
	size_t related_count;	/* articles with a list */
	const char *related;	/* the lists, as written */
	size_t related_length;
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

static void put_items(struct buf *out, const struct string_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		put_str(out, list->items[i]);
}

struct diag_copy {
	enum diag_severity severity;
	const char *path;
	unsigned line, col;
	const char *text;
	size_t order;
};

struct diag_copies {
	struct diag_copy *items;
	size_t count, capacity;
	struct diag_copy *by_path;	/* the same, sorted by path */
};

static void copy_diag(void *user, enum diag_severity severity,
		      const char *path, unsigned line, unsigned col,
		      const char *message)
{
	struct diag_copies *copies = user;

	copies->items = xgrow(copies->items, &copies->capacity,
			      copies->count + 1, sizeof *copies->items);
	copies->items[copies->count] = (struct diag_copy){
		severity, xstrdup(path), line, col, xstrdup(message),
		copies->count};
	copies->count++;
}

static int compare_diag_paths(const void *left_pointer, const void *right_pointer)
{
	const struct diag_copy *left = left_pointer, *right = right_pointer;
	int by_path = strcmp(left->path, right->path);

	if (by_path)
		return by_path;
	return left->order < right->order ? -1 : left->order > right->order;
}

/* The messages about source, in the order they were reported. */
static const struct diag_copy *diags_of(const struct diag_copies *diags,
					const char *source, size_t *count)
{
	size_t low = 0, high = diags->count, first;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (strcmp(diags->by_path[middle].path, source) < 0)
			low = middle + 1;
		else
			high = middle;
	}
	first = low;
	while (low < diags->count && strcmp(diags->by_path[low].path, source) == 0)
		low++;
	*count = low - first;
	return diags->by_path + first;
}

static void put_record(struct buf *out, const struct article *article,
		       const struct diag_copies *diags)
{
	const struct front_matter *meta = &article->meta;
	size_t count;
	/* the file's own warnings (in a build that succeeded, every message
	 * about an article file came from loading it) */
	const struct diag_copy *own = diags_of(diags, article->source, &count);

	put_u32(out, (uint32_t)meta->tags.count);
	put_u32(out, (uint32_t)meta->categories.count);
	put_u32(out, (uint32_t)meta->aliases.count);
	put_u32(out, (uint32_t)article->headings.count);
	put_u32(out, (uint32_t)article->link_count);
	put_u32(out, (uint32_t)count);
	put_u32(out, (uint32_t)meta->keywords.count);
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
	put_items(out, &meta->tags);
	put_items(out, &meta->categories);
	put_items(out, &meta->aliases);
	put_u32(out, meta->alias_line);
	put_u32(out, meta->alias_col);
	put_u64(out, meta->body_length);
	put_u32(out, meta->body_line);
	put_str(out, meta->url);
	put_u32(out, meta->url_line);
	put_u32(out, meta->url_col);
	put_str(out, meta->link_title);
	put_str(out, meta->summary);
	put_items(out, &meta->keywords);
	put_str(out, meta->publish_date);
	put_str(out, meta->expiry_date);
	put_u8(out, meta->headless);
	put_u8(out, meta->render);
	put_u8(out, meta->unlisted);
	for (size_t i = 0; i < article->headings.count; i++) {
		const struct markdown_heading *heading = &article->headings.items[i];
		put_u32(out, (uint32_t)heading->level);
		put_str(out, heading->text);
		put_str(out, heading->id);
		put_u32(out, heading->line);
	}
	for (size_t i = 0; i < article->link_count; i++) {
		put_str(out, article->links[i].url);
		put_str(out, article->links[i].target);
		put_u32(out, article->links[i].line);
		put_u32(out, article->links[i].byte_col);
	}
	for (size_t i = 0; i < count; i++) {
		put_u8(out, own[i].severity);
		put_u32(out, own[i].line);
		put_u32(out, own[i].col);
		put_str(out, own[i].text);
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

char *cache_dir(const char *out_dir)
{
	return path_join(out_dir, ".kbgen");
}

/* The offset and length of source's record in previous, when the article
 * came from it unchanged (the record would be written again byte for
 * byte). */
static bool previous_record(const struct cache *previous,
			    const struct article *article, uint64_t *offset,
			    uint64_t *length)
{
	long i;

	if (previous == NULL || !article->from_cache ||
	    (i = cache_find(previous, article->source)) < 0 ||
	    !previous->files[i].article)
		return false;
	*offset = previous->files[i].offset;
	*length = previous->files[i].length;
	return true;
}

static int write_all(int fd, const char *bytes, size_t length, off_t at)
{
	while (length > 0) {
		ssize_t wrote = pwrite(fd, bytes, length, at);
		if (wrote < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		bytes += wrote;
		at += wrote;
		length -= (size_t)wrote;
	}
	return 0;
}

/* Appends fresh to the records file of previous (in folder), which must
 * still be the one previous mapped. *base: where fresh went. */
static int append_records(const char *folder, const struct cache *previous,
			  const struct buf *fresh, uint64_t *base)
{
	char *path = path_join(folder, "records");
	int fd = open(path, O_RDWR | O_CLOEXEC);
	char header[RECORDS_HEADER];
	struct stat status;
	int rc = -1;

	free(path);
	if (fd < 0)
		return -1;
	if (fresh->length == 0) {
		*base = previous->records_end;
		rc = 0;
	} else if (pread(fd, header, sizeof header, 0) == (ssize_t)sizeof header &&
	    memcmp(header, RECORDS_MAGIC, 8) == 0 &&
	    memcmp(header + 8, &previous->records_id, 8) == 0 &&
	    fstat(fd, &status) == 0 &&
	    (uint64_t)status.st_size >= previous->records_end) {
		*base = (uint64_t)status.st_size;
		rc = write_all(fd, fresh->data, fresh->length, (off_t)*base);
	}
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* Writes first then second into a new file at path. 0 or -1 with errno. */
static int write_two(const char *path, const struct buf *first,
		     const struct buf *second)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc;

	if (fd < 0)
		return -1;
	rc = write_all(fd, first->data, first->length, 0);
	if (rc == 0 && second->length)
		rc = write_all(fd, second->data, second->length,
			       (off_t)first->length);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* Writes a whole records file (id, then the records in files order, each
 * from previous's mapping or from fresh), atomically; sets each record's
 * offset to where it went. The id is a hash of the records: two builds of
 * the same site write the same bytes, and another file's id differs. */
static int write_records(const char *folder, uint64_t *id,
			 const struct cache *previous, const struct buf *fresh,
			 const bool *reused, uint64_t *offsets,
			 const uint64_t *lengths, size_t count)
{
	char *path = path_join(folder, "records");
	char *temporary = xasprintf("%s.tmp-%ld", path, (long)getpid());
	struct buf all = {0};
	int rc;

	bool any_reused = false;

	for (size_t i = 0; i < count; i++)
		any_reused |= reused[i];
	buf_add(&all, RECORDS_MAGIC, 8);
	buf_add(&all, "\0\0\0\0\0\0\0\0", 8);	/* the id, below */
	if (!any_reused) {
		/* fresh holds every record, in order: written as it is */
		for (size_t i = 0; i < count; i++)
			offsets[i] = lengths[i] ? offsets[i] + RECORDS_HEADER : 0;
		*id = hash64(fresh->data, fresh->length, count);
		memcpy(all.data + 8, id, 8);
		rc = write_two(temporary, &all, fresh);
	} else {
		for (size_t i = 0; i < count; i++) {
			const char *bytes = reused[i] ? previous->records + offsets[i]
						      : fresh->data + offsets[i];
			if (lengths[i] == 0) {
				offsets[i] = 0;
				continue;
			}
			offsets[i] = all.length;
			buf_add(&all, bytes, lengths[i]);
		}
		*id = hash64(all.data + RECORDS_HEADER, all.length - RECORDS_HEADER,
			     count);
		memcpy(all.data + 8, id, 8);
		rc = write_file(temporary, all.data, all.length);
	}
	if (rc == 0 && rename(temporary, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(temporary);
	buf_free(&all);
	free(temporary);
	free(path);
	return rc;
}

/* A file written through a buffer of about STREAM_CHUNK bytes: the put_*
 * functions fill stream.bytes, stream_check writes it out when full. */
#define STREAM_CHUNK ((size_t)64 << 10)

struct stream {
	struct buf bytes;
	bool in_memory;	/* never written: bytes is the caller's to take */
	int fd;
	off_t at;
	int error;	/* the first failure's errno, or 0 */
};

/* Opens path for writing from scratch; a failure shows at stream_close. */
static void stream_open(struct stream *stream, const char *path)
{
	*stream = (struct stream){.fd = -1};
	stream->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (stream->fd < 0)
		stream->error = errno;
}

static void stream_flush(struct stream *stream)
{
	if (stream->error == 0 &&
	    write_all(stream->fd, stream->bytes.data, stream->bytes.length,
		      stream->at) != 0)
		stream->error = errno;
	stream->at += (off_t)stream->bytes.length;
	stream->bytes.length = 0;
}

static void stream_check(struct stream *stream)
{
	if (!stream->in_memory && stream->bytes.length >= STREAM_CHUNK)
		stream_flush(stream);
}

/* Writes what is left and closes; 0, or -1 with errno. */
static int stream_close(struct stream *stream)
{
	if (stream->fd >= 0) {
		stream_flush(stream);
		if (close(stream->fd) != 0 && stream->error == 0)
			stream->error = errno;
		stream->fd = -1;
	}
	buf_free(&stream->bytes);
	if (stream->error == 0)
		return 0;
	errno = stream->error;
	return -1;
}

/* Where each file's record is: in the previous build's records file
 * (reused) or among the records this build writes; offset and length 0
 * for a skipped draft. */
struct record_places {
	bool *reused;
	uint64_t *offsets, *lengths;
	size_t count;
	uint64_t id;	/* the records file's */
	uint64_t end;	/* every listed record lies below */
};

static void places_init(struct record_places *places, size_t count)
{
	*places = (struct record_places){
		.reused = xcalloc(count + 1, sizeof *places->reused),
		.offsets = xcalloc(count + 1, sizeof *places->offsets),
		.lengths = xcalloc(count + 1, sizeof *places->lengths),
		.count = count};
}

static void places_free(struct record_places *places)
{
	free(places->reused);
	free(places->offsets);
	free(places->lengths);
}

/* The end of the last record placed. */
static uint64_t places_end(const struct record_places *places)
{
	uint64_t end = 0;

	for (size_t i = 0; i < places->count; i++)
		if (places->offsets[i] + places->lengths[i] > end)
			end = places->offsets[i] + places->lengths[i];
	return end;
}

/* Puts into out the record of every article of files that previous (may
 * be NULL) cannot lend unchanged, and notes in places where each record
 * is: its offset in out's file (what out wrote already counts) or in
 * previous's records file. With hash, *hash is chained through every
 * record put. Returns the length of all the records listed. */
static uint64_t put_records(struct stream *out, const struct cache *previous,
			    const struct file_entry *files,
			    const struct diag_copies *diags,
			    struct record_places *places, uint64_t *hash)
{
	uint64_t live = 0;

	for (size_t i = 0; i < places->count; i++) {
		size_t start = out->bytes.length;

		if (files[i].article == NULL)
			continue;
		places->reused[i] = previous_record(previous, files[i].article,
						    &places->offsets[i],
						    &places->lengths[i]);
		if (!places->reused[i]) {
			put_record(&out->bytes, files[i].article, diags);
			places->offsets[i] = (uint64_t)out->at + start;
			places->lengths[i] = out->bytes.length - start;
			if (hash != NULL)
				*hash = hash64(out->bytes.data + start,
					       places->lengths[i], *hash);
			stream_check(out);
		}
		live += places->lengths[i];
	}
	return live;
}

/* Writes a whole records file for files (no previous cache to reuse),
 * streamed, atomically; sets places. Streamed because assembling every
 * record in memory first costs page faults at the very end of a full
 * build. The id is a hash of the records: two builds of the same site
 * write the same bytes, and another file's id differs. 0, or -1 with
 * errno. */
static int stream_records(const char *folder, const struct file_entry *files,
			  const struct diag_copies *diags,
			  struct record_places *places)
{
	char *path = path_join(folder, "records");
	char *temporary = xasprintf("%s.tmp-%ld", path, (long)getpid());
	struct stream out;
	uint64_t hash = hash64_u64(places->count, 0);
	int rc;

	stream_open(&out, temporary);
	buf_add(&out.bytes, RECORDS_MAGIC, 8);
	buf_add(&out.bytes, "\0\0\0\0\0\0\0\0", 8);	/* the id, below */
	put_records(&out, NULL, files, diags, places, &hash);
	places->id = hash;
	places->end = places_end(places);
	stream_flush(&out);
	if (out.error == 0 &&
	    write_all(out.fd, (const char *)&places->id, 8, 8) != 0)
		out.error = errno;
	rc = rename_or_remove(temporary, path, stream_close(&out));
	free(temporary);
	free(path);
	return rc;
}

/* Writes the records of files given previous's records file: appended to
 * it while most of it is still listed, else into a records file written
 * afresh. Sets places. 0, or -1 with errno. */
static int update_records(const char *folder, const struct cache *previous,
			  const struct file_entry *files,
			  const struct diag_copies *diags,
			  struct record_places *places)
{
	struct stream fresh = {.in_memory = true, .fd = -1};
	uint64_t live = put_records(&fresh, previous, files, diags, places, NULL);
	uint64_t base = 0;
	int rc = 0;

	if (previous->records_size - RECORDS_HEADER <= 2 * live + RECORDS_SLACK &&
	    append_records(folder, previous, &fresh.bytes, &base) == 0) {
		places->id = previous->records_id;
		places->end = base + fresh.bytes.length;
		for (size_t i = 0; i < places->count; i++)
			if (files[i].article != NULL && !places->reused[i])
				places->offsets[i] += base;
	} else {
		rc = write_records(folder, &places->id, previous, &fresh.bytes,
				   places->reused, places->offsets,
				   places->lengths, places->count);
		places->end = places_end(places);
	}
	buf_free(&fresh.bytes);
	return rc;
}

/* Stamps from this far back on are not trusted: a file changed again
 * within the same timestamp tick as the read keeps its stamp (same size,
 * same mtime), so stamps younger than two seconds (the coarsest common
 * granularity) are left out and such files are read again next time. */
static uint64_t racy_after(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec -
	       2000000000u;
}

static void put_files(struct stream *head, const struct file_entry *files,
		      const struct record_places *places, uint64_t untrusted)
{

	put_u32(&head->bytes, (uint32_t)places->count);
	for (size_t i = 0; i < places->count; i++) {
		struct file_stamp stamp = files[i].stamp;

		if (stamp.mtime_ns >= untrusted || stamp.ctime_ns >= untrusted)
			stamp = (struct file_stamp){0};
		put_str(&head->bytes, files[i].source);
		put_u64(&head->bytes, stamp.size);
		put_u64(&head->bytes, stamp.mtime_ns);
		put_u64(&head->bytes, stamp.ctime_ns);
		put_u64(&head->bytes, stamp.inode);
		put_u8(&head->bytes, files[i].article != NULL);
		put_u64(&head->bytes, places->offsets[i]);
		put_u64(&head->bytes, places->lengths[i]);
		stream_check(head);
	}
}

/* In the caller's order: the build's page plan, the same for the same
 * input. */
static void put_pages(struct stream *head, const struct page_fp *pages,
		      size_t page_count)
{
	put_u32(&head->bytes, (uint32_t)page_count);
	for (size_t i = 0; i < page_count; i++) {
		put_str(&head->bytes, pages[i].key);
		put_u64(&head->bytes, pages[i].fp);
		stream_check(head);
	}
}

static void put_diags(struct stream *head, const struct diag_copies *diags)
{
	put_u32(&head->bytes, (uint32_t)diags->count);
	for (size_t i = 0; i < diags->count; i++) {
		put_u8(&head->bytes, diags->items[i].severity);
		put_str(&head->bytes, diags->items[i].path);
		put_u32(&head->bytes, diags->items[i].line);
		put_u32(&head->bytes, diags->items[i].col);
		put_str(&head->bytes, diags->items[i].text);
		stream_check(head);
	}
}

static void put_related(struct stream *head, uint64_t related_key,
			const struct site *site)
{
	put_u64(&head->bytes, related_key);
	put_u32(&head->bytes, (uint32_t)site->article_count);
	for (size_t i = 0; i < site->article_count; i++) {
		const struct article *article = site->articles[i];
		put_u32(&head->bytes, (uint32_t)article->related_count);
		for (size_t k = 0; k < article->related_count; k++)
			put_u32(&head->bytes,
				(uint32_t)article->related[k]->order);
		stream_check(head);
	}
}

/* What a cache file holds besides its records. */
struct cache_head {
	uint64_t global;
	uint64_t valid_until;
	const struct site *site;
	const struct page_fp *pages;
	size_t page_count;
	uint64_t related_key;
	uint64_t untrusted;	/* stamps from then on are left out */
};

/* Writes the cache file to path, streamed through a small buffer (no
 * page faults for a copy of it all). 0, or -1 after a diagnostic. */
static int write_cache_file(const char *path, const struct cache_head *what,
			    const struct file_entry *files,
			    const struct record_places *places,
			    const struct diag_copies *diags)
{
	struct stream head;

	stream_open(&head, path);
	buf_add(&head.bytes, MAGIC, 8);
	put_u64(&head.bytes, what->global);
	put_u64(&head.bytes, what->valid_until);
	put_u64(&head.bytes, places->id);
	put_u64(&head.bytes, places->end);
	put_files(&head, files, places, what->untrusted);
	put_pages(&head, what->pages, what->page_count);
	put_diags(&head, diags);
	put_related(&head, what->related_key, what->site);
	if (stream_close(&head) != 0) {
		diag_error(path, 0, 0, "cannot write the build cache: %s",
			   strerror(errno));
		unlink(path);
		return -1;
	}
	return 0;
}

/* diag's current messages, copied, and the same sorted by path. */
static void copy_diags(struct diag_copies *diags)
{
	*diags = (struct diag_copies){0};
	diag_each(copy_diag, diags);
	diags->by_path = xcalloc(diags->count + 1, sizeof *diags->by_path);
	if (diags->count)
		memcpy(diags->by_path, diags->items,
		       diags->count * sizeof *diags->items);
	qsort(diags->by_path, diags->count, sizeof *diags->by_path,
	      compare_diag_paths);
}

static void free_diags(struct diag_copies *diags)
{
	for (size_t i = 0; i < diags->count; i++) {
		free((char *)diags->items[i].path);
		free((char *)diags->items[i].text);
	}
	free(diags->items);
	free(diags->by_path);
}

/* Every article file of site, loaded or a skipped draft, sorted by
 * source. Caller frees the array (the entries borrow from site). */
static struct file_entry *file_entries(const struct site *site, size_t *count)
{
	struct file_entry *files;

	*count = site->article_count + site->skipped_count;
	files = xcalloc(*count + 1, sizeof *files);
	for (size_t i = 0; i < site->article_count; i++)
		files[i] = (struct file_entry){site->articles[i]->source,
					       site->articles[i]->stamp,
					       site->articles[i]};
	for (size_t i = 0; i < site->skipped_count; i++)
		files[site->article_count + i] = (struct file_entry){
			site->skipped[i].source, site->skipped[i].stamp, NULL};
	/* the articles come sorted; only skipped drafts need placing */
	if (site->skipped_count > 0)
		qsort(files, *count, sizeof *files, compare_entries);
	return files;
}

/* Deletes what builds killed while writing left in the cache folder:
 * files named "<name>.tmp-<pid>" whose process is gone (a build that is
 * still running keeps its own). */
static void remove_leftovers(const char *folder)
{
	DIR *directory = opendir(folder);
	struct dirent *entry;

	if (directory == NULL)
		return;
	while ((entry = readdir(directory)) != NULL) {
		const char *mark = strstr(entry->d_name, ".tmp-");
		char *end;
		long pid;

		if (mark == NULL)
			continue;
		errno = 0;
		pid = strtol(mark + 5, &end, 10);
		if (errno != 0 || end == mark + 5 || *end != '\0' || pid <= 0 ||
		    pid == (long)getpid() ||
		    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue;
		unlinkat(dirfd(directory), entry->d_name, 0);
	}
	closedir(directory);
}

/* The name cache_prepare writes the cache file under. Caller frees. */
static char *prepared_path(const char *dir)
{
	char *folder = cache_dir(dir);
	char *temporary = xasprintf("%s/cache.tmp-%ld", folder, (long)getpid());

	free(folder);
	return temporary;
}

int cache_commit(const char *dir)
{
	char *folder = cache_dir(dir);
	char *path = path_join(folder, "cache");
	char *temporary = prepared_path(dir);
	int rc = 0;

	if (rename(temporary, path) != 0) {
		diag_error(path, 0, 0, "cannot write the build cache: %s",
			   strerror(errno));
		unlink(temporary);
		rc = -1;
	}
	free(temporary);
	free(path);
	free(folder);
	return rc;
}

void cache_discard(const char *dir)
{
	char *temporary = prepared_path(dir);

	unlink(temporary);
	free(temporary);
}

int cache_write(const char *dir, uint64_t global, const struct site *site,
		const struct page_fp *pages, size_t page_count,
		uint64_t related_key, const struct cache *previous)
{
	int rc = cache_prepare(dir, global, site, pages, page_count,
			       related_key, previous);

	return rc == 0 ? cache_commit(dir) : rc;
}

int cache_prepare(const char *dir, uint64_t global, const struct site *site,
		  const struct page_fp *pages, size_t page_count,
		  uint64_t related_key, const struct cache *previous)
{
	struct cache_head what = {global, (uint64_t)site->publish_changes_at,
				  site, pages, page_count, related_key,
				  racy_after()};
	struct diag_copies diags;
	struct record_places places;
	size_t file_count;
	struct file_entry *files = file_entries(site, &file_count);
	char *folder = cache_dir(dir);
	char *temporary = prepared_path(dir);
	int rc;

	copy_diags(&diags);
	places_init(&places, file_count);
	if (make_dirs(folder) != 0)
		rc = -1;
	else if (previous == NULL)
		rc = stream_records(folder, files, &diags, &places);
	else
		rc = update_records(folder, previous, files, &diags, &places);
	if (rc != 0) {
		diag_error(folder, 0, 0, "cannot write the build cache: %s",
			   strerror(errno));
	} else {
		remove_leftovers(folder);
		rc = write_cache_file(temporary, &what, files, &places, &diags);
	}
	free_diags(&diags);
	places_free(&places);
	free(files);
	free(temporary);
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
	if (cache->mapped && cache->data != NULL)
		munmap((void *)cache->data, cache->size);
	if (cache->mapped && cache->records != NULL)
		munmap((void *)cache->records, cache->records_size);
	while (cache->arena != NULL) {
		struct arena_chunk *next = cache->arena->next;
		free(cache->arena);
		cache->arena = next;
	}
	pthread_mutex_destroy(&cache->arena_lock);
	free(cache->files);
	free(cache->pages);
	free(cache->diags);
	free(cache);
}

/* count strings into items (pointing into the cache); NULLs are left out. */
static void get_items(struct reader *in, struct string_list *list,
		      char **items, size_t count)
{
	list->items = items;
	list->count = 0;
	for (size_t i = 0; i < count && !in->bad; i++) {
		const char *item = get_str(in);
		if (item != NULL)
			list->items[list->count++] = (char *)item;
	}
}

/* Where each part of a restored article's one allocation starts. */
struct record_block {
	struct article *article;
	char **tags, **categories, **aliases, **keywords;
	struct markdown_heading *headings;
	struct article_link *links;
};

/* size zeroed bytes (aligned for any field) from the cache's arena. */
static void *arena_take(struct cache *cache, size_t size)
{
	struct arena_chunk *chunk;
	char *bytes;

	size = (size + 15) & ~(size_t)15;
	pthread_mutex_lock(&cache->arena_lock);
	chunk = cache->arena;
	if (chunk == NULL || chunk->size - chunk->used < size) {
		size_t chunk_size = size + sizeof *chunk + 16 > ARENA_CHUNK
					    ? size + sizeof *chunk + 16
					    : ARENA_CHUNK;
		/* calloc maps a chunk this big afresh: zeroed by the
		 * kernel, page by page as it is used */
		void *map = xcalloc(1, chunk_size);
		chunk = map;
		chunk->next = cache->arena;
		chunk->size = chunk_size;
		chunk->used = (sizeof *chunk + 15) & ~(size_t)15;
		cache->arena = chunk;
	}
	bytes = (char *)chunk + chunk->used;
	chunk->used += size;
	pthread_mutex_unlock(&cache->arena_lock);
	return bytes;
}

/* One zeroed block, from the cache's arena, for an article and its arrays
 * (each with room for one more item, as the loader leaves them). */
static struct record_block record_block(struct cache *cache,
					const uint32_t counts[7])
{
	size_t strings = (size_t)counts[0] + counts[1] + counts[2] +
			 counts[6] + 4;
	size_t size = sizeof(struct article) + strings * sizeof(char *) +
		      ((size_t)counts[3] + 1) * sizeof(struct markdown_heading) +
		      ((size_t)counts[4] + 1) * sizeof(struct article_link);
	char *block = arena_take(cache, size);
	struct record_block parts;

	parts.article = (struct article *)block;
	block += sizeof(struct article);
	parts.tags = (char **)block;
	parts.categories = parts.tags + counts[0] + 1;
	parts.aliases = parts.categories + counts[1] + 1;
	parts.keywords = parts.aliases + counts[2] + 1;
	block += strings * sizeof(char *);
	parts.headings = (struct markdown_heading *)block;
	block += ((size_t)counts[3] + 1) * sizeof(struct markdown_heading);
	parts.links = (struct article_link *)block;
	return parts;
}

/* The counts a record starts with: tags, categories, aliases, headings,
 * links, diagnostics. False when they cannot be: every item takes at
 * least 4 bytes, so damage cannot ask for a large block. */
static bool get_record_counts(struct reader *in, size_t length,
			      uint32_t counts[7])
{
	uint64_t least = 0;

	for (size_t i = 0; i < 7; i++) {
		counts[i] = get_u32(in);
		least += counts[i];
	}
	return !in->bad && least <= length / 4;
}

/* The article's own fields and front matter, in record order. */
static void get_article_fields(struct reader *in, struct article *article,
			       const struct record_block *parts,
			       const uint32_t counts[7])
{
	struct front_matter *meta = &article->meta;

	article->source = (char *)get_str(in);
	article->content_path = (char *)get_str(in);
	article->url_path = (char *)get_str(in);
	article->updated = (char *)get_str(in);
	article->text_hash = get_u64(in);
	article->body_offset = get_u64(in);
	meta->title = (char *)get_str(in);
	meta->description = (char *)get_str(in);
	meta->slug = (char *)get_str(in);
	meta->slug_line = get_u32(in);
	meta->slug_col = get_u32(in);
	meta->date = (char *)get_str(in);
	meta->lastmod = (char *)get_str(in);
	meta->draft = get_u8(in) != 0;
	meta->weight = (long)get_u64(in);
	get_items(in, &meta->tags, parts->tags, counts[0]);
	get_items(in, &meta->categories, parts->categories, counts[1]);
	get_items(in, &meta->aliases, parts->aliases, counts[2]);
	meta->alias_line = get_u32(in);
	meta->alias_col = get_u32(in);
	meta->body_length = get_u64(in);
	meta->body_line = get_u32(in);
	meta->url = (char *)get_str(in);
	meta->url_line = get_u32(in);
	meta->url_col = get_u32(in);
	meta->link_title = (char *)get_str(in);
	meta->summary = (char *)get_str(in);
	get_items(in, &meta->keywords, parts->keywords, counts[6]);
	meta->publish_date = (char *)get_str(in);
	meta->expiry_date = (char *)get_str(in);
	meta->headless = get_u8(in) != 0;
	meta->render = get_u8(in) == FRONT_MATTER_RENDER_NEVER
			       ? FRONT_MATTER_RENDER_NEVER
			       : FRONT_MATTER_RENDER_ALWAYS;
	meta->unlisted = get_u8(in) != 0;
	article->slug_line = meta->url ? meta->url_line : meta->slug_line;
	article->slug_col = meta->url ? meta->url_col : meta->slug_col;
}

static void get_headings(struct reader *in, struct article *article,
			 struct markdown_heading *items, size_t count)
{
	article->headings.items = items;
	for (size_t i = 0; i < count && !in->bad; i++) {
		struct markdown_heading *heading = &items[i];
		heading->level = (int)get_u32(in);
		heading->text = (char *)get_str(in);
		heading->id = (char *)get_str(in);
		heading->line = get_u32(in);
		article->headings.count++;
	}
}

static void get_links(struct reader *in, struct article *article,
		      struct article_link *items, size_t count)
{
	article->links = items;
	for (size_t i = 0; i < count && !in->bad; i++) {
		struct article_link *link = &items[i];
		link->url = (char *)get_str(in);
		link->target = (char *)get_str(in);
		link->line = get_u32(in);
		link->byte_col = get_u32(in);
		article->link_count++;
	}
	article->link_capacity = article->link_count;
}

/* The severity written as the byte (put_u8 of the enum's value). */
static enum diag_severity severity_of(unsigned byte)
{
	return byte == DIAG_NOTE ? DIAG_NOTE
	       : byte == DIAG_ERROR ? DIAG_ERROR : DIAG_WARNING;
}

/* Reads count of a record's diagnostics; with source, reports each again
 * about it (only once the whole record is known to be sound). */
static void get_record_diags(struct reader *in, size_t count,
			     const char *source)
{
	for (size_t i = 0; i < count && !in->bad; i++) {
		enum diag_severity severity = severity_of(get_u8(in));
		unsigned line = get_u32(in), col = get_u32(in);
		const char *text = get_str(in);

		if (source != NULL && !in->bad)
			diag_report(severity, source, line, col, "%s",
				    text ? text : "");
	}
}

/* Whether a decoded record is whole and is file's. */
static bool record_sound(const struct reader *in, const struct article *article,
			 const struct cached_file *file)
{
	return !in->bad && in->at == in->end && article->source != NULL &&
	       strcmp(article->source, file->source) == 0 &&
	       article->url_path != NULL && article->content_path != NULL &&
	       article->updated != NULL && article->meta.title != NULL &&
	       article->meta.description != NULL;
}

/* Decodes one article record; NULL when damaged. With replay, reports
 * its warnings again. The article is the cache's (article->borrowed):
 * its strings point into the records image and it and its arrays are
 * one block of the arena. */
static struct article *decode_record(struct cache *cache, const char *bytes,
				     size_t length, const struct cached_file *file,
				     bool replay)
{
	struct reader in = {bytes, bytes + length, false};
	uint32_t counts[7];
	struct record_block parts;
	struct article *article;
	const char *diags;

	if (!get_record_counts(&in, length, counts))
		return NULL;
	parts = record_block(cache, counts);
	article = parts.article;
	article->borrowed = true;
	get_article_fields(&in, article, &parts, counts);
	get_headings(&in, article, parts.headings, counts[3]);
	get_links(&in, article, parts.links, counts[4]);
	diags = in.at;
	get_record_diags(&in, counts[5], NULL);
	article->stamp = file->stamp;
	article->from_cache = true;
	if (!record_sound(&in, article, file))
		return NULL;	/* its block stays in the arena, unused */
	if (replay) {
		in.at = diags;
		get_record_diags(&in, counts[5], article->source);
	}
	return article;
}

/* The url_path of a record without decoding it all (its third string,
 * after the counts); NULL when damaged. */
static const char *record_url(const char *bytes, size_t length)
{
	struct reader in = {bytes, bytes + length, false};

	for (size_t i = 0; i < 7; i++)
		get_u32(&in);
	get_str(&in);
	get_str(&in);
	return get_str(&in);
}

/* Maps path read-only; NULL when it cannot be. */
static char *map_file(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat status;
	void *map;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &status) != 0 || status.st_size < 16 ||
	    (uint64_t)status.st_size > CACHE_MAX_SIZE) {
		close(fd);
		return NULL;
	}
	map = mmap(NULL, (size_t)status.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return NULL;
	*size = (size_t)status.st_size;
	return map;
}

static void read_files(struct cache *cache, struct reader *in)
{
	cache->file_count = get_count(in, 4 + 1 + 32 + 1 + 16);
	cache->files = xcalloc(cache->file_count + 1, sizeof *cache->files);
	for (size_t i = 0; i < cache->file_count && !in->bad; i++) {
		struct cached_file *file = &cache->files[i];
		file->source = get_str(in);
		file->stamp.size = get_u64(in);
		file->stamp.mtime_ns = get_u64(in);
		file->stamp.ctime_ns = get_u64(in);
		file->stamp.inode = get_u64(in);
		file->article = get_u8(in) != 0;
		file->offset = get_u64(in);
		file->length = get_u64(in);
		if (file->source == NULL ||
		    (i > 0 && strcmp(cache->files[i - 1].source, file->source) >= 0) ||
		    (file->article && (file->offset < RECORDS_HEADER ||
				       file->offset > cache->records_end ||
				       file->length > cache->records_end - file->offset)))
			in->bad = true;
	}
}

static void read_pages_and_diags(struct cache *cache, struct reader *in)
{
	cache->page_count = get_count(in, 4 + 1 + 8);
	cache->pages = xcalloc(cache->page_count + 1, sizeof *cache->pages);
	for (size_t i = 0; i < cache->page_count && !in->bad; i++) {
		cache->pages[i].key = (char *)get_str(in);
		cache->pages[i].fp = get_u64(in);
		if (cache->pages[i].key == NULL)
			in->bad = true;
	}
	cache->diag_count = get_count(in, 1 + 5 + 8 + 5);
	cache->diags = xcalloc(cache->diag_count + 1, sizeof *cache->diags);
	for (size_t i = 0; i < cache->diag_count && !in->bad; i++) {
		struct cached_diag *diag = &cache->diags[i];
		diag->severity = severity_of(get_u8(in));
		diag->path = get_str(in);
		diag->line = get_u32(in);
		diag->col = get_u32(in);
		diag->text = get_str(in);
		if (diag->path == NULL || diag->text == NULL)
			in->bad = true;
	}
}

/* The related lists: checked here, taken by cache_related. */
static void read_related(struct cache *cache, struct reader *in)
{
	cache->related_key = get_u64(in);
	cache->related_count = get_count(in, 4);
	cache->related = in->at;
	for (size_t i = 0; i < cache->related_count && !in->bad; i++) {
		size_t count = get_count(in, 4);
		for (size_t k = 0; k < count; k++)
			if (get_u32(in) >= cache->related_count)
				in->bad = true;
	}
	cache->related_length = (size_t)(in->at - cache->related);
}

/* Reads the cache image's header and lists, checked against the records
 * image; false when either cannot be used. */
static bool parse_images(struct cache *cache)
{
	struct reader in = {cache->data, cache->data + cache->size, false};
	char magic[8];

	take(&in, magic, sizeof magic);
	cache->global = get_u64(&in);
	cache->valid_until = (long long)get_u64(&in);
	cache->records_id = get_u64(&in);
	cache->records_end = get_u64(&in);
	if (in.bad || memcmp(magic, MAGIC, 8) != 0 ||
	    cache->size > CACHE_MAX_SIZE || cache->records_size > CACHE_MAX_SIZE ||
	    cache->records_size < RECORDS_HEADER ||
	    memcmp(cache->records, RECORDS_MAGIC, 8) != 0 ||
	    memcmp(cache->records + 8, &cache->records_id, 8) != 0 ||
	    cache->records_end > cache->records_size)
		return false;
	read_files(cache, &in);
	read_pages_and_diags(cache, &in);
	read_related(cache, &in);
	return !in.bad && in.at == in.end;
}

static struct cache *new_cache(void)
{
	struct cache *cache = xcalloc(1, sizeof *cache);

	pthread_mutex_init(&cache->arena_lock, NULL);
	return cache;
}

struct cache *cache_parse(const char *image, size_t size, const char *records,
			  size_t records_size)
{
	struct cache *cache = new_cache();

	cache->data = image;
	cache->size = size;
	cache->records = records;
	cache->records_size = records_size;
	if (!parse_images(cache)) {
		cache_free(cache);
		return NULL;
	}
	return cache;
}

struct cache *cache_read(const char *out_dir)
{
	char *folder = cache_dir(out_dir);
	char *path = path_join(folder, "cache");
	char *records_path = path_join(folder, "records");
	struct cache *cache = new_cache();

	/* mapped, not read: the records of unchanged files are decoded
	 * straight from the page cache, and nothing is copied */
	cache->mapped = true;
	cache->data = map_file(path, &cache->size);
	if (cache->data != NULL)
		cache->records = map_file(records_path, &cache->records_size);
	if (cache->records == NULL || !parse_images(cache)) {
		cache_free(cache);
		cache = NULL;
	}
	free(records_path);
	free(folder);
	free(path);
	return cache;
}

uint64_t cache_global(const struct cache *cache)
{
	return cache->global;
}

long long cache_valid_until(const struct cache *cache)
{
	return cache->valid_until;
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

struct article *cache_article(void *user, const char *source, size_t hint,
			      const struct file_stamp *stamp)
{
	struct cache *cache = user;
	long i = hint < cache->file_count &&
			 strcmp(cache->files[hint].source, source) == 0
		 ? (long)hint : cache_find(cache, source);
	const struct cached_file *file;

	if (i < 0)
		return NULL;
	file = &cache->files[i];
	if (!file->article || memcmp(&file->stamp, stamp, sizeof *stamp) != 0)
		return NULL;
	return decode_record(cache, cache->records + file->offset, file->length,
			     file, true);
}

const struct article *cache_previous_article(struct cache *cache,
					     const char *source)
{
	long i = cache_find(cache, source);
	const struct cached_file *file;

	if (i < 0)
		return NULL;
	file = &cache->files[i];
	if (!file->article)
		return NULL;
	return decode_record(cache, cache->records + file->offset, file->length,
			     file, false);
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

bool cache_related(const struct cache *cache, struct site *site,
		   uint64_t related_key)
{
	struct reader in = {cache->related, cache->related + cache->related_length,
			    false};

	if (related_key != cache->related_key ||
	    site->article_count != cache->related_count)
		return false;
	/* read_related checked every count and order */
	for (size_t i = 0; i < site->article_count; i++) {
		struct article *article = site->articles[i];
		size_t count = get_u32(&in);
		free(article->related);
		article->related = xmalloc((count + 1) * sizeof *article->related);
		for (size_t k = 0; k < count; k++)
			article->related[k] = site->articles[get_u32(&in)];
		article->related_count = count;
	}
	return true;
}
