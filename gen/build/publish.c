/*
 * publish.c — staging folder, atomic swap, static file copies, and the
 * test-only stop points (KBGEN_TEST_STOP, see publish.h).
 */
#include "build/publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"

#define STAGING_INFIX ".staging-"

static char *parent_of(const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL) {
		*name = path;
		return xstrdup(".");
	}
	*name = slash + 1;
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/* Staging folders whose build process is gone are left-overs. */
static void remove_stale_staging(const char *out_dir)
{
	const char *name;
	char *parent = parent_of(out_dir, &name);
	char *prefix = xasprintf("%s" STAGING_INFIX, name);
	DIR *directory = opendir(parent);
	struct dirent *entry;

	while (directory && (entry = readdir(directory)) != NULL) {
		long pid;
		char *end, *path;

		if (strncmp(entry->d_name, prefix, strlen(prefix)) != 0)
			continue;
		pid = strtol(entry->d_name + strlen(prefix), &end, 10);
		if (*end != '\0' || pid <= 0 ||
		    (kill((pid_t)pid, 0) == 0 && pid != (long)getpid()) ||
		    (errno == EPERM && pid != (long)getpid()))
			continue;
		path = path_join(parent, entry->d_name);
		remove_tree(path);
		free(path);
	}
	if (directory)
		closedir(directory);
	free(prefix);
	free(parent);
}

void publish_test_stop(enum publish_stop point)
{
	static const char *const names[] = {
		[PUBLISH_STOP_STAGED] = "staged",
		[PUBLISH_STOP_JOURNALED] = "journaled",
		[PUBLISH_STOP_PUBLISHED] = "published",
	};
	const char *wanted = getenv("KBGEN_TEST_STOP");

	if (wanted != NULL && strcmp(wanted, names[point]) == 0)
		raise(SIGKILL);
}

char *publish_begin(const char *out_dir)
{
	char *staging = xasprintf("%s" STAGING_INFIX "%ld", out_dir,
				  (long)getpid());

	remove_stale_staging(out_dir);
	remove_tree(staging);
	if (make_dirs(staging) != 0) {
		diag_error(staging, 0, 0, "cannot create the staging folder: %s",
			   strerror(errno));
		free(staging);
		return NULL;
	}
	return staging;
}

int publish_commit(const char *staging, const char *out_dir)
{
	struct stat status;

	publish_test_stop(PUBLISH_STOP_STAGED);
	if (lstat(out_dir, &status) != 0) {
		if (rename(staging, out_dir) == 0) {
			publish_test_stop(PUBLISH_STOP_PUBLISHED);
			return 0;
		}
		diag_error(out_dir, 0, 0, "cannot publish: %s", strerror(errno));
		return -1;
	}
	if (!S_ISDIR(status.st_mode)) {
		diag_error(out_dir, 0, 0, "cannot publish: exists and is not "
			   "a folder");
		return -1;
	}
	if (renameat2(AT_FDCWD, staging, AT_FDCWD, out_dir, RENAME_EXCHANGE) != 0) {
		diag_error(out_dir, 0, 0, "cannot publish: %s", strerror(errno));
		return -1;
	}
	/* staging now holds the previous site */
	publish_test_stop(PUBLISH_STOP_PUBLISHED);
	remove_tree(staging);
	return 0;
}

void publish_abort(const char *staging)
{
	if (staging != NULL)
		remove_tree(staging);
}

static int copy_file(const char *source, const char *target)
{
	char *bytes;
	size_t length;
	int rc;

	if (read_file(source, 64 * 1024 * 1024, &bytes, &length) != 0) {
		diag_error(source, 0, 0, "cannot read: %s", strerror(errno));
		return -1;
	}
	rc = write_file(target, bytes, length);
	if (rc != 0)
		diag_error(target, 0, 0, "cannot write: %s", strerror(errno));
	free(bytes);
	return rc;
}

int publish_copy_file(const char *source, const char *target)
{
	int in = open(source, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
	struct stat status;
	const char *failed = source;

	if (in < 0 || fstat(in, &status) != 0)
		goto out;
	failed = target;
	out = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0)
		goto out;
	if (ioctl(out, FICLONE, in) == 0) {
		rc = 0;
		goto out;
	}
	for (off_t left = status.st_size; left > 0;) {
		ssize_t copied = copy_file_range(in, NULL, out, NULL,
						 (size_t)left, 0);
		if (copied <= 0) {
			if (copied == 0)
				errno = EIO;	/* the source shrank */
			goto out;
		}
		left -= copied;
	}
	rc = 0;
out:
	if (rc != 0)
		diag_error(failed, 0, 0, "cannot copy %s to %s: %s", source,
			   target, strerror(errno));
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && rc == 0) {
		diag_error(target, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
	}
	return rc;
}

int publish_copy_tree(const char *source_dir, const char *target_dir)
{
	DIR *directory = opendir(source_dir);
	struct dirent *entry;
	int rc = 0;

	if (directory == NULL)
		return 0;
	if (make_dirs(target_dir) != 0) {
		diag_error(target_dir, 0, 0, "cannot create folder: %s",
			   strerror(errno));
		closedir(directory);
		return -1;
	}
	while (rc == 0 && (entry = readdir(directory)) != NULL) {
		char *source, *target;
		struct stat status;

		if (entry->d_name[0] == '.')
			continue;
		source = path_join(source_dir, entry->d_name);
		target = path_join(target_dir, entry->d_name);
		if (stat(source, &status) == 0 && S_ISDIR(status.st_mode))
			rc = publish_copy_tree(source, target);
		else if (S_ISREG(status.st_mode))
			rc = copy_file(source, target);
		free(source);
		free(target);
	}
	closedir(directory);
	return rc;
}

int publish_article_file(const char *root, const struct article *article,
			 const char *name, const char *out_dir)
{
	char *source = site_file_source(article, name);
	char *output = site_file_output(article, name);
	char *from = path_join(root, source);
	char *to = path_join(out_dir, output);
	char *slash = strrchr(to, '/');
	int rc = -1;

	*slash = '\0';
	if (make_dirs(to) != 0) {
		diag_error(output, 0, 0, "cannot create the folder %s: %s", to,
			   strerror(errno));
		goto out;
	}
	*slash = '/';
	rc = publish_copy_file(from, to);
out:
	free(to);
	free(from);
	free(output);
	free(source);
	return rc;
}
