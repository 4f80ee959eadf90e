/*
 * records_cli.h — `kbgen records`: check SPF, DKIM and DMARC records
 * pasted on the command line.
 *
 *   kbgen records [--json] [--root DIR] [--spf TEXT]... [--dkim TEXT]
 *                 [--dmarc TEXT] [--domain D [--selector S]]
 *
 * Each --spf is one TXT record of the domain (two that start v=spf1 are
 * a permerror); --dkim and --dmarc one record each. The service's own
 * include: comes from site.yaml's spf_include (DIR/site.yaml, default
 * ./site.yaml; no check when there is no site.yaml or no spf_include).
 * --domain and --selector name what the records are for: a record
 * pasted with its name (a zone or dig line) is checked against them.
 * Text output shows each problem as the build shows its own, then a
 * summary per record (records_format_text); --json prints
 * records_format_json's object.
 */
#ifndef KB_RECORDS_CLI_H
#define KB_RECORDS_CLI_H

/* Runs `kbgen records`; argv[0] is "records". The results go to stdout,
 * usage problems to stderr as "kbgen records: ..." lines. Returns 0 when
 * no record has an error (warnings and notes do not count), 1 when one
 * has, 2 on a usage error (unknown option, missing value, no record,
 * --selector without --domain or --dkim, a record longer than 4096
 * bytes or not UTF-8, more than 16 records) or when site.yaml does not
 * load. */
int records_command(int argc, char **argv);

#endif
