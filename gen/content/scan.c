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
	int fd;				/* its folder's */
};

/* The sections are read by a thread per core, then their article files
 * stat'ed by the same threads, file by file. */
struct scan_pool {
	int content_fd;
	struct content_scan *scan;
	int *fds;			/* each section's, open until the end */
	struct stat_job *files;		/* article files still to stat */
	size_t file_count;
	atomic_size_t next;
};

static void *read_worker(void *argument)
{
	struct scan_pool *pool = argument;

	for (;;) {
		size_t i = atomic_fetch_add(&pool->next, 1);
		struct scan_folder *folder;
		int fd;

		if (i >= pool->scan->section_count)
			break;
		folder = &pool->scan->sections[i];
		fd = openat(pool->content_fd, folder->name,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			folder->error = errno;
			pool->fds[i] = -1;
			continue;
		}
		/* a second descriptor for the stats, as closedir closes fd */
		pool->fds[i] = dup(fd);
		/* a hidden folder is no section (site_load skips it) */
		read_folder(fd, folder, folder->name[0] != '.');
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

		if (i >= pool->file_count)
			break;
		item = pool->files[i].item;
		if (fstatat(pool->files[i].fd, item->name,
			    &status, 0) == 0 && !S_ISDIR(status.st_mode)) {
			stamp_of(&status, &item->stamp);
			item->stamped = true;
		}
	}
	return NULL;
}

void scan_content(const char *root, struct content_scan *scan)
{
	char *content = path_join(root, "content");
	struct scan_pool pool = {.scan = scan};
	size_t threads = core_count(), capacity = 0;

	*scan = (struct content_scan){0};
	scan->top.name = xstrdup("content");
	pool.content_fd = open(content, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(content);
	if (pool.content_fd < 0) {
		scan->top.error = errno;
		return;
	}
	read_folder(dup(pool.content_fd), &scan->top, false);
	for (size_t i = 0; i < scan->top.count; i++)
		if (scan->top.entries[i].directory)
			scan->section_count++;
	scan->sections = xcalloc(scan->section_count + 1, sizeof *scan->sections);
	pool.fds = xcalloc(scan->section_count + 1, sizeof *pool.fds);
	for (size_t i = 0, k = 0; i < scan->top.count; i++)
		if (scan->top.entries[i].directory)
			scan->sections[k++].name = xstrdup(scan->top.entries[i].name);

	atomic_init(&pool.next, 0);
	run_threads(read_worker, &pool,
		    threads < scan->section_count ? threads
		    : scan->section_count ? scan->section_count : 1);

	for (size_t i = 0; i < scan->section_count; i++) {
		struct scan_folder *folder = &scan->sections[i];
		for (size_t k = 0; k < folder->count; k++) {
			struct scan_entry *item = &folder->entries[k];
			if (!item->article)
				continue;
			scan->article_count++;
			if (item->stamped)
				continue;
			pool.files = xgrow(pool.files, &capacity,
					   pool.file_count + 1, sizeof *pool.files);
			pool.files[pool.file_count++] =
				(struct stat_job){item, pool.fds[i]};
		}
	}
	atomic_init(&pool.next, 0);
	if (threads > pool.file_count / 256 + 1)
		threads = pool.file_count / 256 + 1;
	run_threads(stat_worker, &pool, threads);

	for (size_t i = 0; i < scan->section_count; i++)
		if (pool.fds[i] >= 0)
			close(pool.fds[i]);
	free(pool.fds);
	free(pool.files);
	close(pool.content_fd);
}

static void folder_free(struct scan_folder *folder)
{
	for (size_t i = 0; i < folder->count; i++)
		free(folder->entries[i].name);
	free(folder->entries);
	free(folder->name);
}

void scan_free(struct content_scan *scan)
{
	folder_free(&scan->top);
	for (size_t i = 0; i < scan->section_count; i++)
		folder_free(&scan->sections[i]);
	free(scan->sections);
	*scan = (struct content_scan){0};
}
