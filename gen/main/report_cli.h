/*
 * report_cli.h — `kbgen report`: what visitors told the writers.
 *
 *   kbgen report [--feedback DB]... [--db out/kb.db] [--since YYYY-MM-DD]
 *                [--format text|json|html]
 *
 * Reads one or more feedback databases (default: site.yaml's feedback.db
 * is not read here; at least one --feedback is required) merged as one
 * (db/feedbackreport.h), with kb.db for titles and the articles nobody
 * voted on (skipped when the file is missing and --db was not given).
 * The HTML report is one self-contained page (inline styles and SVG
 * bars, no script), meant for writers, never published in out/.
 */
#ifndef KB_REPORT_CLI_H
#define KB_REPORT_CLI_H

/* Runs `kbgen report`; argv[0] is "report". Prints the report on
 * stdout and problems on stderr, starting "kbgen report: ". Returns 0,
 * 1 when a database cannot be read, 2 on a usage error. */
int report_command(int argc, char **argv);

#endif
