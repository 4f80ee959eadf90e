/*
 * watch.c — `kbgen watch`: inotify over the site's inputs, a debounce, one
 * forked build per burst of changes, and status.json plus live.js for the
 * browser tabs that show the preview.
 */
#include "build/watch.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build/build.h"
#include "base/diag.h"
#include "base/json.h"
#include "base/util.h"

#define EXIT_USAGE 2
#define DEBOUNCE_MS 100
#define FORK_RETRY_MS 1000
#define DIAGNOSTICS_MAX_SIZE (256 * 1024 * 1024)
/* Directories only; IN_CLOSE_WRITE rather than IN_MODIFY, so a file is
 * rebuilt once it is written, not once per write(). */
#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | \
		    IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static const char usage[] =
	"usage: kbgen watch [--root DIR] [--out DIR] [--drafts] [--future]\n"
	"                   [--expired] [--quiet]\n"
	"                   [--excerpt | --no-excerpt]\n"
	"\n"
	"Builds the site, then rebuilds it whenever site.yaml or a file under\n"
	"content/, decision-trees/ or theme/ changes. Pages load _kb/live.js,\n"
	"which reloads them after each good build and lists the errors of a\n"
	"failed one; a failed build leaves the output as it was. Serve the\n"
	"output with /_kb/ mapped to OUT.live/ (make serve does).\n"
	"\n"
	"  --root DIR   site root (default: .)\n"
	"  --out DIR    output folder (default: build/preview; pages written\n"
	"               here carry the live-reload script: publish the output\n"
	"               of kbgen build instead)\n"
	"  --drafts     include articles marked draft: true\n"
	"  --future     include articles whose publishDate is still to come\n"
	"  --expired    include articles whose expiryDate has passed\n"
	"  --quiet      print only the errors, not a line per rebuild\n"
	"  --excerpt    show each diagnostic's line with a caret (the default\n"
	"               on a terminal); --no-excerpt: one line each\n"
	"\n"
	"Ctrl-C stops (exit status 0).\n";

static const char *const watched_folders[] = {
	"content", "decision-trees", "theme",
};

/* live.js, the bytes of gen/build/livereload.js: the Makefile writes them
 * into build/generated/livereload.inc as a list of numbers. */
static const unsigned char live_script[] = {
#include "livereload.inc"
};

/* A watched folder: path is relative to the root, "" for the root itself
 * (watched only for site.yaml and the top folders, not recursively). */
struct watched_folder {
	int descriptor;
	char *path;
};

struct watcher {
	struct build_options options;
	char *live_dir;
	int inotify;
	int signals;
	bool masked;			/* old_mask is to be restored */
	sigset_t old_mask;
	struct watched_folder *folders;
	size_t folder_count, folder_capacity;
	pid_t child;			/* the running build, 0 when none */
	unsigned long generation;	/* of the last build started */
	long long build_started;	/* ms, CLOCK_MONOTONIC */
	bool pending;			/* something changed since that build began */
	long long deadline;		/* build once nothing changed until then */
	char *changed;			/* last path changed since, for the terminal */
	char *cause;			/* changed, as of the running build */
	bool stop;
};

static long long now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static bool ends_with(const char *text, const char *suffix)
{
	size_t length = strlen(text), suffix_length = strlen(suffix);

	return length >= suffix_length &&
	       strcmp(text + length - suffix_length, suffix) == 0;
}

/* Editors' scratch files: hidden files (vim's .x.swp, emacs' .#x locks,
 * gedit's .goutputstream-*; the build skips hidden files too), backups
 * (x~), emacs autosaves (#x#), vim's write test (4913, 5036, ...) and
 * JetBrains' safe-write copies. Saving the real file is seen as its own
 * close-after-write or rename. */
static bool is_temporary_name(const char *name)
{
	size_t length = strlen(name);

	if (name[0] == '.' || name[0] == '\0' || ends_with(name, "~") ||
	    ends_with(name, "___jb_tmp___") || ends_with(name, "___jb_old___"))
		return true;
	if (length > 1 && name[0] == '#' && name[length - 1] == '#')
		return true;
	return strspn(name, "0123456789") == length;
}

static bool is_root_input(const char *name)
{
	if (strcmp(name, "site.yaml") == 0)
		return true;
	for (size_t i = 0; i < sizeof watched_folders / sizeof *watched_folders; i++)
		if (strcmp(name, watched_folders[i]) == 0)
			return true;
	return false;
}

static char *join_relative(const char *folder, const char *name)
{
	return *folder == '\0' ? xstrdup(name) : xasprintf("%s/%s", folder, name);
}

static long find_folder(const struct watcher *watcher, int descriptor)
{
	for (size_t i = 0; i < watcher->folder_count; i++)
		if (watcher->folders[i].descriptor == descriptor)
			return (long)i;
	return -1;
}

static void forget_folder(struct watcher *watcher, size_t index)
{
	free(watcher->folders[index].path);
	watcher->folders[index] = watcher->folders[--watcher->folder_count];
}

/* Stops watching path and everything under it (a folder moved or deleted:
 * its watches would otherwise follow it wherever it went). */
static void forget_subtree(struct watcher *watcher, const char *path)
{
	size_t length = strlen(path);

	for (size_t i = 0; i < watcher->folder_count;) {
		const char *candidate = watcher->folders[i].path;
		if (strncmp(candidate, path, length) == 0 &&
		    (candidate[length] == '\0' || candidate[length] == '/')) {
			inotify_rm_watch(watcher->inotify,
					 watcher->folders[i].descriptor);
			forget_folder(watcher, i);
		} else {
			i++;
		}
	}
}

/* Watches the folder at path (relative to the root) and, unless it is the
 * root, every folder under it. Symbolic links to folders are followed;
 * a folder reached twice (a link loop) is walked once. Returns -1 with
 * errno when path itself cannot be watched. */
static int watch_tree(struct watcher *watcher, const char *path)
{
	char *full = *path ? path_join(watcher->options.root, path)
			   : xstrdup(watcher->options.root);
	int descriptor = inotify_add_watch(watcher->inotify, full, WATCH_MASK);
	DIR *directory;
	struct dirent *entry;

	if (descriptor < 0) {
		int saved = errno;
		if (errno != ENOENT && errno != ENOTDIR)
			fprintf(stderr, "kbgen watch: cannot watch %s: %s\n", full,
				strerror(errno));
		free(full);
		errno = saved;
		return -1;
	}
	if (find_folder(watcher, descriptor) >= 0) {
		free(full);
		return 0;
	}
	watcher->folders = xgrow(watcher->folders, &watcher->folder_capacity,
				 watcher->folder_count + 1,
				 sizeof *watcher->folders);
	watcher->folders[watcher->folder_count++] = (struct watched_folder){
		descriptor, xstrdup(path),
	};
	directory = *path ? opendir(full) : NULL;
	while (directory != NULL && (entry = readdir(directory)) != NULL) {
		char *child;
		if (entry->d_name[0] == '.' ||
		    (entry->d_type != DT_DIR && entry->d_type != DT_LNK &&
		     entry->d_type != DT_UNKNOWN))
			continue;
		/* files among links and unknowns fail with ENOTDIR: skipped */
		child = join_relative(path, entry->d_name);
		watch_tree(watcher, child);
		free(child);
	}
	if (directory != NULL)
		closedir(directory);
	free(full);
	return 0;
}

/* The root and every input folder that exists. -1 when the root cannot be
 * watched. */
static int watch_all(struct watcher *watcher)
{
	if (watch_tree(watcher, "") != 0)
		return -1;
	for (size_t i = 0; i < sizeof watched_folders / sizeof *watched_folders; i++)
		watch_tree(watcher, watched_folders[i]);
	return 0;
}

/* Schedules a build DEBOUNCE_MS after the last change; takes path (the
 * last one is named: a save by rename ends with the real name). */
static void note_change(struct watcher *watcher, char *path)
{
	watcher->pending = true;
	watcher->deadline = now_ms() + DEBOUNCE_MS;
	if (path != NULL) {
		free(watcher->changed);
		watcher->changed = path;
	}
}

/* " (generation N, after PATH changed)" for the terminal lines. */
static void print_build_context(const struct watcher *watcher)
{
	fprintf(stderr, " (generation %lu", watcher->generation);
	if (watcher->cause != NULL)
		fprintf(stderr, ", after %s changed", watcher->cause);
	fputs(")\n", stderr);
}

static void handle_event(struct watcher *watcher,
			 const struct inotify_event *event)
{
	long index;
	const char *name = event->len > 0 ? event->name : NULL;
	char *path;

	if (event->mask & IN_Q_OVERFLOW) {
		/* events were lost: new folders may be unwatched */
		watch_all(watcher);
		note_change(watcher, NULL);
		return;
	}
	index = find_folder(watcher, event->wd);
	if (index < 0)
		return;
	if (event->mask & IN_IGNORED) {
		forget_folder(watcher, (size_t)index);
		return;
	}
	if (name != NULL && is_temporary_name(name))
		return;
	if (watcher->folders[index].path[0] == '\0' &&
	    (name == NULL || !is_root_input(name)))
		return;
	path = name ? join_relative(watcher->folders[index].path, name)
		    : xstrdup(watcher->folders[index].path);
	if (event->mask & IN_ISDIR) {
		if (event->mask & (IN_MOVED_FROM | IN_DELETE))
			forget_subtree(watcher, path);
		if (event->mask & (IN_CREATE | IN_MOVED_TO))
			watch_tree(watcher, path);
	}
	note_change(watcher, path);
}

static void read_events(struct watcher *watcher)
{
	char buffer[64 * 1024]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t length;

	while ((length = read(watcher->inotify, buffer, sizeof buffer)) > 0) {
		for (char *at = buffer; at < buffer + length;) {
			const struct inotify_event *event = (const void *)at;
			handle_event(watcher, event);
			at += sizeof *event + event->len;
		}
	}
}

/* Writes bytes to folder/name through a temporary file and a rename, so a
 * reader sees the old file or the new one, never part of one. 0, or -1
 * with errno. */
static int write_atomically(const char *folder, const char *name,
			    const char *bytes, size_t length)
{
	char *temporary = xasprintf("%s/.%s.tmp-%ld", folder, name,
				    (long)getpid());
	char *path = path_join(folder, name);
	int rc = rename_or_remove(temporary, path,
				  write_file(temporary, bytes, length));

	free(path);
	free(temporary);
	return rc;
}

/* Replaces status.json; diagnostics is a JSON array as diag_print_json
 * writes it. */
static void write_status(struct watcher *watcher, bool ok, const char *summary,
			 const char *reason, const char *diagnostics)
{
	struct buf json = {0};

	buf_printf(&json, "{\"generation\": %lu, \"ok\": %s, \"summary\": ",
		   watcher->generation, ok ? "true" : "false");
	json_add_text(&json, summary);
	buf_adds(&json, ", \"reason\": ");
	json_add_text(&json, reason);
	buf_printf(&json, ",\n \"diagnostics\": %s}\n", diagnostics);
	if (write_atomically(watcher->live_dir, "status.json", json.data,
			     json.length) != 0)
		fprintf(stderr, "kbgen watch: cannot write %s/status.json: %s\n",
			watcher->live_dir, strerror(errno));
	buf_free(&json);
}

static char *diagnostics_path(const struct watcher *watcher)
{
	return xasprintf("%s/.diagnostics-%lu.json", watcher->live_dir,
			 watcher->generation);
}

/* The forked build: prints the diagnostics on stderr as `kbgen build`
 * does, hands them to the watcher as JSON in a file, exits with the
 * build's status. */
static void __attribute__((noreturn))
run_child_build(struct watcher *watcher)
{
	char *path = diagnostics_path(watcher);
	enum build_status status;
	FILE *json;

	close(watcher->inotify);
	close(watcher->signals);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, &watcher->old_mask, NULL);
	diag_set_root(watcher->options.root);
	status = build_run(&watcher->options);
	diag_print(stderr);
	if (status == BUILD_CONTENT_ERRORS) {
		fprintf(stderr, "kbgen: %zu error%s, %zu warning%s; the last "
			"good site is still served", diag_error_count(),
			diag_error_count() == 1 ? "" : "s", diag_warning_count(),
			diag_warning_count() == 1 ? "" : "s");
		print_build_context(watcher);
	}
	json = fopen(path, "w");
	if (json != NULL) {
		bool failed;
		diag_print_json(json);
		failed = ferror(json) != 0;
		if (fclose(json) != 0 || failed)
			json = NULL;
	}
	if (json == NULL) {
		fprintf(stderr, "kbgen watch: cannot write %s: %s\n", path,
			strerror(errno));
		status = BUILD_SYSTEM_ERROR;
	}
	diag_clear();
	free(path);
	fflush(stderr);
	exit((int)status);
}

static void start_build(struct watcher *watcher)
{
	pid_t child;

	watcher->pending = false;
	watcher->generation++;
	free(watcher->cause);
	watcher->cause = watcher->changed;
	watcher->changed = NULL;
	fflush(stdout);
	fflush(stderr);
	child = fork();
	if (child == 0)
		run_child_build(watcher);
	if (child < 0) {
		fprintf(stderr, "kbgen watch: cannot start a build: %s\n",
			strerror(errno));
		watcher->generation--;
		watcher->pending = true;
		watcher->deadline = now_ms() + FORK_RETRY_MS;
		return;
	}
	watcher->child = child;
	watcher->build_started = now_ms();
}

/* One line for status.json and the terminal: how the build ended. The
 * caller frees. */
static char *build_summary(int wait_status, long long elapsed)
{
	const char *kept = "the page shows the last good build";

	if (WIFEXITED(wait_status)) {
		switch (WEXITSTATUS(wait_status)) {
		case BUILD_OK:
			return xasprintf("built in %lld ms", elapsed);
		case BUILD_CONTENT_ERRORS:
			return xasprintf("the build found errors; %s", kept);
		case BUILD_SYSTEM_ERROR:
			return xasprintf("the build could not read or write "
					 "files; %s", kept);
		default:
			return xasprintf("the build failed (exit status %d); %s",
					 WEXITSTATUS(wait_status), kept);
		}
	}
	if (WIFSIGNALED(wait_status))
		return xasprintf("the build crashed (%s); %s",
				 strsignal(WTERMSIG(wait_status)), kept);
	return xasprintf("the build ended oddly; %s", kept);
}

/* How the build ended, for live.js to say in the site's language:
 * "built", "errors" (content errors), "system" (files could not be read
 * or written) or "crashed". */
static const char *build_reason(int wait_status)
{
	if (!WIFEXITED(wait_status))
		return "crashed";
	switch (WEXITSTATUS(wait_status)) {
	case BUILD_OK:
		return "built";
	case BUILD_CONTENT_ERRORS:
		return "errors";
	case BUILD_SYSTEM_ERROR:
		return "system";
	default:
		return "crashed";
	}
}

/* Publishes a finished build's outcome to status.json and the terminal. */
static void finish_build(struct watcher *watcher, int wait_status)
{
	bool ok = WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == BUILD_OK;
	char *summary = build_summary(wait_status,
				      now_ms() - watcher->build_started);
	char *path = diagnostics_path(watcher);
	char *diagnostics = NULL;
	size_t length;

	/* a crashed build may have left half an array */
	if (!WIFEXITED(wait_status) ||
	    read_file(path, DIAGNOSTICS_MAX_SIZE, &diagnostics, &length) != 0) {
		free(diagnostics);
		diagnostics = NULL;
	}
	unlink(path);
	write_status(watcher, ok, summary, build_reason(wait_status),
		     diagnostics != NULL ? diagnostics : "[]");
	/* the build itself said why it found content errors */
	if (ok ? !watcher->options.quiet
	       : !WIFEXITED(wait_status) ||
		 WEXITSTATUS(wait_status) != BUILD_CONTENT_ERRORS) {
		fprintf(stderr, "kbgen: %s", summary);
		print_build_context(watcher);
	}
	free(diagnostics);
	free(path);
	free(summary);
}

static void reap_build(struct watcher *watcher)
{
	int wait_status;

	if (watcher->child > 0 &&
	    waitpid(watcher->child, &wait_status, WNOHANG) == watcher->child) {
		watcher->child = 0;
		finish_build(watcher, wait_status);
	}
}

/* Stops a running build (its half-written staging folder is removed by
 * the next build) and waits for it, so no process is left behind. */
static void stop_build(struct watcher *watcher)
{
	char *path;

	if (watcher->child <= 0)
		return;
	kill(watcher->child, SIGTERM);
	while (waitpid(watcher->child, NULL, 0) < 0 && errno == EINTR)
		;
	watcher->child = 0;
	path = diagnostics_path(watcher);
	unlink(path);
	free(path);
}

static void read_signals(struct watcher *watcher)
{
	struct signalfd_siginfo info;

	while (read(watcher->signals, &info, sizeof info) == sizeof info) {
		if (info.ssi_signo == SIGCHLD)
			reap_build(watcher);
		else
			watcher->stop = true;
	}
}

/* Waits for changes, builds, until a stop signal. 0, or 2 when waiting
 * failed. */
static int watch_loop(struct watcher *watcher)
{
	struct pollfd fds[2] = {
		{.fd = watcher->inotify, .events = POLLIN},
		{.fd = watcher->signals, .events = POLLIN},
	};

	while (!watcher->stop) {
		int timeout = -1;
		if (watcher->child == 0 && watcher->pending) {
			long long left = watcher->deadline - now_ms();
			if (left <= 0) {
				start_build(watcher);
				continue;
			}
			timeout = (int)left;
		}
		if (poll(fds, 2, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("kbgen watch: poll");
			return EXIT_USAGE;
		}
		if (fds[1].revents & POLLIN)
			read_signals(watcher);
		if (fds[0].revents & POLLIN)
			read_events(watcher);
	}
	return 0;
}

/* out without trailing slashes, + ".live". NULL when out is "/". */
static char *live_dir_for(const char *out_dir)
{
	size_t length = strlen(out_dir);

	while (length > 1 && out_dir[length - 1] == '/')
		length--;
	if (length == 1 && out_dir[0] == '/')
		return NULL;
	return xasprintf("%.*s.live", (int)length, out_dir);
}

static int parse_options(struct watcher *watcher, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *argument = argv[i];
		if (strcmp(argument, "--drafts") == 0) {
			watcher->options.drafts = true;
		} else if (strcmp(argument, "--future") == 0) {
			watcher->options.future = true;
		} else if (strcmp(argument, "--expired") == 0) {
			watcher->options.expired = true;
		} else if (strcmp(argument, "--quiet") == 0) {
			watcher->options.quiet = true;
		} else if (strcmp(argument, "--excerpt") == 0) {
			diag_set_excerpts(DIAG_EXCERPTS_ALWAYS);
		} else if (strcmp(argument, "--no-excerpt") == 0) {
			diag_set_excerpts(DIAG_EXCERPTS_NEVER);
		} else if (strcmp(argument, "--help") == 0 ||
			   strcmp(argument, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(argument, "--root") == 0 ||
			   strcmp(argument, "--out") == 0) {
			if (i + 1 >= argc || argv[i + 1][0] == '\0') {
				fprintf(stderr, "kbgen watch: option '%s' needs "
					"a value\n", argument);
				return -1;
			}
			if (strcmp(argument, "--root") == 0)
				watcher->options.root = argv[++i];
			else
				watcher->options.out_dir = argv[++i];
		} else {
			fprintf(stderr, "kbgen watch: unknown option '%s'\n"
				"Try 'kbgen watch --help' for more information.\n",
				argument);
			return -1;
		}
	}
	return 0;
}

/* Opens the inotify and signal descriptors and the live folder. 0, or -1
 * after saying why. */
static int set_up(struct watcher *watcher)
{
	sigset_t stop_signals;

	watcher->live_dir = live_dir_for(watcher->options.out_dir);
	if (watcher->live_dir == NULL) {
		fputs("kbgen watch: the output cannot be /\n", stderr);
		return -1;
	}
	if (make_dirs(watcher->live_dir) != 0 ||
	    write_atomically(watcher->live_dir, "live.js",
			     (const char *)live_script,
			     sizeof live_script) != 0) {
		fprintf(stderr, "kbgen watch: cannot write %s/live.js: %s\n",
			watcher->live_dir, strerror(errno));
		return -1;
	}
	watcher->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (watcher->inotify < 0) {
		perror("kbgen watch: inotify");
		return -1;
	}
	if (watch_all(watcher) != 0) {
		fprintf(stderr, "kbgen watch: cannot watch %s: %s\n",
			watcher->options.root, strerror(errno));
		return -1;
	}
	/* Blocked, the stop signals and SIGCHLD arrive only through the
	 * descriptor, between two waits. */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGHUP);
	sigaddset(&stop_signals, SIGCHLD);
	sigprocmask(SIG_BLOCK, &stop_signals, &watcher->old_mask);
	watcher->masked = true;
	watcher->signals = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
	if (watcher->signals < 0) {
		perror("kbgen watch: signalfd");
		return -1;
	}
	return 0;
}

static void tear_down(struct watcher *watcher)
{
	stop_build(watcher);
	if (watcher->signals >= 0)
		close(watcher->signals);
	if (watcher->masked)
		sigprocmask(SIG_SETMASK, &watcher->old_mask, NULL);
	if (watcher->inotify >= 0)
		close(watcher->inotify);
	for (size_t i = 0; i < watcher->folder_count; i++)
		free(watcher->folders[i].path);
	free(watcher->folders);
	free(watcher->live_dir);
	free(watcher->changed);
	free(watcher->cause);
}

int watch_command(int argc, char **argv)
{
	struct watcher watcher = {
		.options = {.root = ".", .out_dir = "build/preview",
			    .live_reload = true},
		.inotify = -1,
		.signals = -1,
		.pending = true,
	};
	int rc = parse_options(&watcher, argc, argv);

	if (rc != 0)
		return rc > 0 ? 0 : EXIT_USAGE;
	rc = EXIT_USAGE;
	if (set_up(&watcher) != 0)
		goto out;
	watcher.deadline = now_ms();
	if (!watcher.options.quiet)
		fprintf(stderr, "kbgen: watching %s (site.yaml, content/, "
			"decision-trees/, theme/) into %s; Ctrl-C stops\n",
			watcher.options.root, watcher.options.out_dir);
	rc = watch_loop(&watcher);
out:
	tear_down(&watcher);
	return rc;
}
