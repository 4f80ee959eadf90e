/*
 * scan.c — one pass over the content folder (see scan.h).
 */
#include "content/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/hash.h"
#include "base/util.h"

static bool is_article_name(const char *name)
{
	size_t length = strlen(name);

	return name[0] != '.' && length > 3 &&
	       strcmp(name + length - 3, ".md") == 0 &&
	       strcmp(name, "_index.md") != 0;
}

static void stamp_of(const struct stat *status, struct file_stamp *stamp)
{
	*stamp = (struct file_stamp){
		.size = (uint64_t)status->st_size,
		.mtime_ns = (uint64_t)status->st_mtim.tv_sec * 1000000000u +
			    (uint64_t)status->st_mtim.tv_nsec,
		.ctime_ns = (uint64_t)status->st_ctim.tv_sec * 1000000000u +
			    (uint64_t)status->st_ctim.tv_nsec,
		.inode = (uint64_t)status->st_ino,
	};
}

static int compare_entries(const void *left, const void *right)
{
	return strcmp(((const struct scan_entry *)left)->name,
		      ((const struct scan_entry *)right)->name);
}

/* A section's folder holding an index.md is a page bundle: its entry
 * becomes that file's (stamped later, as article files found by type). */
static void take_bundle(int folder_fd, struct scan_entry *item)
{
	char *index = path_join(item->name, "index.md");
	struct stat status;

	if (fstatat(folder_fd, index, &status, 0) == 0 &&
	    S_ISREG(status.st_mode)) {
		free(item->name);
		item->name = index;
		item->directory = false;
		item->bundle = true;
		return;
	}
	free(index);
}

/* Reads the folder at fd (closed here) into folder, sorted. Entries
 * whose type the directory does not tell (or symbolic links, followed)
 * are stat'ed at once; so, when article_files, are article files found
 * that way (plain files wait for scan_stamps). */
static void read_folder(int fd, struct scan_folder *folder, bool article_files)
{
	DIR *directory = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *entry;
	size_t capacity = 0;

	folder->readable = directory != NULL;
	if (directory == NULL) {
		folder->error = errno;
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((entry = readdir(directory)) != NULL) {
		const char *name = entry->d_name;
		struct scan_entry *item;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		folder->entries = xgrow(folder->entries, &capacity,
					folder->count + 1, sizeof *folder->entries);
		item = &folder->entries[folder->count++];
		*item = (struct scan_entry){.name = xstrdup(name)};
		if (entry->d_type == DT_UNKNOWN || entry->d_type == DT_LNK) {
			struct stat status;
			if (fstatat(dirfd(directory), name, &status, 0) == 0) {
				item->directory = S_ISDIR(status.st_mode);
				if (!item->directory) {
					stamp_of(&status, &item->stamp);
					item->stamped = true;
				}
			}
		} else {
			item->directory = entry->d_type == DT_DIR;
		}
		if (article_files && item->directory && name[0] != '.')
			take_bundle(dirfd(directory), item);
		item->article = article_files && !item->directory &&
				(item->bundle || is_article_name(name));
		if (!item->article)
			item->stamped = false;
	}
	closedir(directory);
	if (folder->count > 1)
		qsort(folder->entries, folder->count, sizeof *folder->entries,
		      compare_entries);
}

struct stat_job {
	struct scan_entry *item;
	const char *folder;		/* its folder's path under content/ */
};

/* The folders read so far, by device and inode: an open-addressing set
 * of mask + 1 slots (used ones have used set). */
struct folder_set {
	struct folder_id { uint64_t device, inode; bool used; } *slots;
	size_t mask, count;
};

/* Each level of folders is read by a thread per core; then the article
 * files of all of them are stat'ed by the same threads, file by file. */
struct scan_pool {
	int content_fd;
	struct content_scan *scan;
	size_t from, to;		/* the level being read */
	struct { uint64_t device, inode; } *seen;	/* each folder's */
	struct folder_set visited;	/* the folders kept */
	struct stat_job *files;		/* article files still to stat */
	size_t file_count;
	atomic_size_t next;
};

static void *read_worker(void *argument)
{
	struct scan_pool *pool = argument;

	for (;;) {
		size_t i = pool->from + atomic_fetch_add(&pool->next, 1);
		struct scan_folder *folder;
		struct stat status;
		int fd;

		if (i >= pool->to)
			break;
		folder = &pool->scan->folders[i];
		fd = i == 0 ? dup(pool->content_fd)
			    : openat(pool->content_fd, folder->name,
				     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &status) != 0) {
			folder->error = errno;
			if (fd >= 0)
				close(fd);
			continue;
		}
		pool->seen[i].device = (uint64_t)status.st_dev;
		pool->seen[i].inode = (uint64_t)status.st_ino;
		/* closes fd: a site may have more folders than a process
		 * may hold descriptors, so the stats go by path */
		read_folder(fd, folder, true);
		for (size_t k = 0; k < folder->count; k++)
			if (!folder->entries[k].directory &&
			    strcmp(folder->entries[k].name, "_index.md") == 0)
				folder->has_index = true;
	}
	return NULL;
}

static void *stat_worker(void *argument)
{
	struct scan_pool *pool = argument;

	for (;;) {
		size_t i = atomic_fetch_add(&pool->next, 1);
		struct scan_entry *item;
		struct stat status;
		char local[1024], *made = NULL;
		const char *path;

		if (i >= pool->file_count)
			break;
		item = pool->files[i].item;
		if (*pool->files[i].folder == '\0') {
			path = item->name;
		} else if ((size_t)snprintf(local, sizeof local, "%s/%s",
					    pool->files[i].folder,
					    item->name) < sizeof local) {
			path = local;
		} else {
			path = made = path_join(pool->files[i].folder, item->name);
		}
		if (fstatat(pool->content_fd, path, &status, 0) == 0 &&
		    !S_ISDIR(status.st_mode)) {
			stamp_of(&status, &item->stamp);
			item->stamped = true;
		}
		free(made);
		made = NULL;
	}
	return NULL;
}

static void folder_free(struct scan_folder *folder)
{
	for (size_t i = 0; i < folder->count; i++)
		free(folder->entries[i].name);
	free(folder->entries);
	free(folder->name);
}

/* Adds the folder at i to set; false when it was there already: read
 * by another path (a symbolic link to a folder of the content). */
static bool first_visit(struct folder_set *set, const struct scan_pool *pool,
			size_t i)
{
	uint64_t device = pool->seen[i].device, inode = pool->seen[i].inode;
	size_t at;

	if (!pool->scan->folders[i].readable)
		return true;
	if ((set->count + 1) * 2 > set->mask) {
		struct folder_set grown = {0};
		grown.mask = set->mask ? set->mask * 2 + 1 : 63;
		grown.slots = xcalloc(grown.mask + 1, sizeof *grown.slots);
		for (size_t k = 0; k <= set->mask && set->slots; k++) {
			if (!set->slots[k].used)
				continue;
			at = (size_t)hash64_u64(set->slots[k].inode,
						set->slots[k].device) & grown.mask;
			while (grown.slots[at].used)
				at = (at + 1) & grown.mask;
			grown.slots[at] = set->slots[k];
		}
		grown.count = set->count;
		free(set->slots);
		*set = grown;
	}
	at = (size_t)hash64_u64(inode, device) & set->mask;
	for (; set->slots[at].used; at = (at + 1) & set->mask)
		if (set->slots[at].device == device && set->slots[at].inode == inode)
			return false;
	set->slots[at] = (struct folder_id){device, inode, true};
	set->count++;
	return true;
}

/* Appends the folders inside those of the level just read, and drops
 * the ones of that level read twice; the next level is what was added. */
static void next_level(struct scan_pool *pool, size_t *capacity)
{
	struct content_scan *scan = pool->scan;
	size_t kept = pool->from;

	for (size_t i = pool->from; i < pool->to; i++) {
		if (!first_visit(&pool->visited, pool, i)) {
			folder_free(&scan->folders[i]);
			continue;
		}
		scan->folders[kept] = scan->folders[i];
		pool->seen[kept] = pool->seen[i];
		kept++;
	}
	scan->folder_count = kept;
	for (size_t i = pool->from; i < kept; i++) {
		for (size_t k = 0; k < scan->folders[i].count; k++) {
			const struct scan_entry *entry = &scan->folders[i].entries[k];
			const struct scan_folder *parent = &scan->folders[i];
			size_t at;
			if (!entry->directory || entry->name[0] == '.')
				continue;
			if (parent->depth + 1 > SCAN_MAX_DEPTH) {
				scan->too_deep++;
				continue;
			}
			at = scan->folder_count;
			if (at + 1 > *capacity) {
				scan->folders = xgrow(scan->folders, capacity,
						      at + 1, sizeof *scan->folders);
				pool->seen = xrealloc(pool->seen, *capacity *
						      sizeof *pool->seen);
			}
			/* parent may have moved with the array */
			parent = &scan->folders[i];
			entry = &parent->entries[k];
			scan->folders[at] = (struct scan_folder){
				.name = parent->depth == 0
					? xstrdup(entry->name)
					: path_join(parent->name, entry->name),
				.depth = parent->depth + 1,
			};
			scan->folder_count++;
		}
	}
	pool->from = kept;
	pool->to = scan->folder_count;
}

static int compare_folders(const void *left, const void *right)
{
	return strcmp(((const struct scan_folder *)left)->name,
		      ((const struct scan_folder *)right)->name);
}

void scan_content(const char *root, struct content_scan *scan)
{
	char *content = path_join(root, "content");
	struct scan_pool pool = {.scan = scan};
	size_t threads = core_count(), capacity = 0, file_capacity = 0;

	*scan = (struct content_scan){0};
	scan->folders = xgrow(NULL, &capacity, 1, sizeof *scan->folders);
	scan->folders[0] = (struct scan_folder){.name = xstrdup("")};
	scan->folder_count = 1;
	pool.seen = xmalloc(capacity * sizeof *pool.seen);
	pool.content_fd = open(content, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(content);
	if (pool.content_fd < 0) {
		scan->folders[0].error = errno;
		free(pool.seen);
		return;
	}
	pool.to = 1;
	while (pool.from < pool.to) {
		size_t level = pool.to - pool.from;
		atomic_init(&pool.next, 0);
		run_threads(read_worker, &pool, threads < level ? threads : level);
		next_level(&pool, &capacity);
	}

	for (size_t i = 0; i < scan->folder_count; i++) {
		struct scan_folder *folder = &scan->folders[i];
		for (size_t k = 0; k < folder->count; k++) {
			struct scan_entry *item = &folder->entries[k];
			if (!item->article)
				continue;
			scan->article_count++;
			if (item->stamped)
				continue;
			pool.files = xgrow(pool.files, &file_capacity,
					   pool.file_count + 1, sizeof *pool.files);
			pool.files[pool.file_count++] =
				(struct stat_job){item, folder->name};
		}
	}
	atomic_init(&pool.next, 0);
	if (threads > pool.file_count / 256 + 1)
		threads = pool.file_count / 256 + 1;
	run_threads(stat_worker, &pool, threads);

	free(pool.seen);
	free(pool.visited.slots);
	free(pool.files);
	close(pool.content_fd);
	/* the entries and names do not move: the stat jobs pointed to
	 * them */
	if (scan->folder_count > 2)
		qsort(scan->folders + 1, scan->folder_count - 1,
		      sizeof *scan->folders, compare_folders);
}

void scan_free(struct content_scan *scan)
{
	for (size_t i = 0; i < scan->folder_count; i++)
		folder_free(&scan->folders[i]);
	free(scan->folders);
	*scan = (struct content_scan){0};
}
