/*
 * watch.h — `kbgen watch`: build, then rebuild on every save, for a
 * writer's live preview.
 *
 *   kbgen watch [--root DIR] [--out DIR] [--drafts] [--future] [--expired]
 *               [--quiet]
 *
 * Watches ROOT/site.yaml and the folders content/, decision-trees/ and
 * theme/ (recursively, new subfolders included) with inotify. After 100 ms
 * without a change it rebuilds in a forked child running build_run with
 * live_reload set, so no state survives from one build to the next and a
 * crashing build cannot stop the watcher. Editors' temporary files (hidden
 * files, *~, #*#, vim's 4913) are ignored. A build that fails leaves the
 * output as it was (build_run publishes atomically).
 *
 * Pages built by watch load BASE/_kb/live.js. The watcher keeps that
 * script and status.json in OUT.live/, a folder beside the output (the
 * output folder is swapped whole on every build); the server maps /_kb/
 * onto it (tools/lighttpd-conf.sh). status.json, replaced atomically after
 * every build:
 *   {"generation": N, "ok": true|false, "summary": "...",
 *    "diagnostics": [{"file","line","column","severity","message"}...]}
 * live.js polls it, reloads the page when a newer build succeeded and
 * shows every diagnostic in an overlay when the build failed.
 *
 * The default output is build/preview, not out: pages with the live-reload
 * script must never be mistaken for the site to publish.
 */
#ifndef KB_WATCH_H
#define KB_WATCH_H

/* Runs `kbgen watch`; argv[0] is "watch". Prints every build's
 * diagnostics on stderr as `kbgen build` does, and one line per rebuild.
 * Runs until SIGINT, SIGTERM or SIGHUP, then stops a running build and
 * returns 0; returns 2 on a usage error or when the root cannot be
 * watched. */
int watch_command(int argc, char **argv);

#endif
