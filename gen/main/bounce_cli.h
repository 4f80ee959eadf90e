/*
 * bounce_cli.h — `kbgen bounce`: the bounce analyzer from the command
 * line, with the rules the build stored in kb.db.
 *
 *   kbgen bounce [--db out/kb.db] [--json] [FILE|-]
 *
 * Reads FILE (standard input when it is "-" or missing; at most
 * BOUNCE_MAX_INPUT bytes are read, the rest ignored) and prints one
 * result per recipient: as text, or with --json the object of
 * bounce_report_json (content/bounce.h) and a newline. The walk links
 * use the site's cgi_url stored in kb.db, or the static step pages.
 */
#ifndef KB_BOUNCE_CLI_H
#define KB_BOUNCE_CLI_H

/* Runs `kbgen bounce`; argv[0] is "bounce". Returns the exit status: 0
 * when something was classified, 1 when the text holds no bounce, 2 on a
 * usage error or when the file or kb.db cannot be read. Problems go to
 * stderr, one line each, starting "kbgen bounce: ". */
int bounce_command(int argc, char **argv);

#endif
