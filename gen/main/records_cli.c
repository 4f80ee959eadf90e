/*
 * records_cli.c — `kbgen records`: options, site.yaml's spf_include and
 * language, and the results written as text or JSON (see records_cli.h).
 */
#include "main/records_cli.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/records.h"
#include "content/site.h"
#include "content/records_live.h"

#define EXIT_USAGE 2

static const char usage_line[] =
	"usage: kbgen records [--json] [--root DIR] [--spf TEXT]... "
	"[--dkim TEXT] [--dmarc TEXT] [--domain D [--selector S]] "
	"[--dns-server ADDRESS [--dns-port N]] [--timeout MS]\n";

static const char help_text[] =
	"Checks SPF, DKIM and DMARC TXT records as they are (or will be)\n"
	"published, and says at which column what is wrong and what to write\n"
	"instead, with the guide heading that explains the fix.\n"
	"\n"
	"  --spf TEXT     an SPF record (give each TXT record of the domain)\n"
	"  --dkim TEXT    a DKIM key record (selector._domainkey.domain)\n"
	"  --dmarc TEXT   a DMARC record (_dmarc.domain)\n"
	"  --domain D     the domain the records are for; alone (no --spf,\n"
	"                 --dkim, --dmarc), its records are looked up in DNS,\n"
	"                 the SPF record followed through its includes\n"
	"  --selector S   the DKIM selector (looked up too)\n"
	"  --dns-server A the resolver to ask (an IP address; default: the\n"
	"                 system's), --dns-port N its port (default 53)\n"
	"  --timeout MS   what all lookups together may take (default 5000)\n"
	"  --root DIR     the site whose site.yaml names the service's\n"
	"                 include: (spf_include) and the messages'\n"
	"                 language (language: ja or en; default .)\n"
	"  --json         print the results as one JSON object\n"
	"  --help         print this help\n"
	"\n"
	"A TEXT may be the value alone, its strings as dig prints them\n"
	"(\"...\" \"...\"), or a zone line with the name (NAME TTL IN TXT ...).\n"
	"\n"
	"Exit status: 0 when no record has an error, 1 when one has, 2 on a\n"
	"usage error.\n";

static int complain(const char *format, ...) __attribute__((format(printf, 1, 2)));

static int complain(const char *format, ...)
{
	va_list args;

	fputs("kbgen records: ", stderr);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

struct pasted {
	enum record_kind kind;
	const char *text;
};

struct options {
	bool json;
	struct records_live_options live;
	unsigned budget_ms;
	const char *root;
	struct record_options check;
	struct pasted records[RECORDS_MAX];
	size_t count;
	bool dkim, dmarc;
};

/* A decimal number from 1 to max, digits only; 0 when it is not. */
static unsigned parse_number(const char *text, unsigned max)
{
	unsigned long value = 0;

	if (*text == '\0' || strlen(text) > 6)
		return 0;
	for (const char *digit = text; *digit; digit++) {
		if (*digit < '0' || *digit > '9')
			return 0;
		value = value * 10 + (unsigned long)(*digit - '0');
	}
	return value <= max ? (unsigned)value : 0;
}

static int parse_options(int argc, char **argv, struct options *options)
{
	for (int i = 1; i < argc; i++) {
		const char *argument = argv[i], *value;
		enum record_kind kind;

		if (strcmp(argument, "--json") == 0) {
			options->json = true;
			continue;
		}
		if (strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0) {
			fputs(usage_line, stdout);
			fputs("\n", stdout);
			fputs(help_text, stdout);
			return 0;
		}
		if (strcmp(argument, "--spf") != 0 && strcmp(argument, "--dkim") != 0 &&
		    strcmp(argument, "--dmarc") != 0 && strcmp(argument, "--domain") != 0 &&
		    strcmp(argument, "--selector") != 0 && strcmp(argument, "--root") != 0 &&
		    strcmp(argument, "--dns-server") != 0 &&
		    strcmp(argument, "--dns-port") != 0 && strcmp(argument, "--timeout") != 0)
			return complain("unknown option '%s'", argument);
		if (i + 1 >= argc)
			return complain("option '%s' needs a value", argument);
		value = argv[++i];
		if (strcmp(argument, "--dns-server") == 0) {
			options->live.server = value;
			continue;
		}
		if (strcmp(argument, "--dns-port") == 0 ||
		    strcmp(argument, "--timeout") == 0) {
			unsigned number = parse_number(value,
						       argument[2] == 'd' ? 65535 : 60000);
			if (number == 0)
				return complain("'%s' takes a number from 1 to %s",
						argument,
						argument[2] == 'd' ? "65535" : "60000");
			if (argument[2] == 'd')
				options->live.port = number;
			else
				options->budget_ms = number;
			continue;
		}
		if (strcmp(argument, "--domain") == 0) {
			options->check.domain = value;
			continue;
		}
		if (strcmp(argument, "--selector") == 0) {
			options->check.selector = value;
			continue;
		}
		if (strcmp(argument, "--root") == 0) {
			options->root = value;
			continue;
		}
		kind = strcmp(argument, "--spf") == 0	 ? RECORD_SPF
		       : strcmp(argument, "--dkim") == 0 ? RECORD_DKIM
							 : RECORD_DMARC;
		if ((kind == RECORD_DKIM && options->dkim) ||
		    (kind == RECORD_DMARC && options->dmarc))
			return complain("'%s' may be given once", argument);
		if (options->count >= RECORDS_MAX)
			return complain("at most %d records", RECORDS_MAX);
		options->dkim |= kind == RECORD_DKIM;
		options->dmarc |= kind == RECORD_DMARC;
		options->records[options->count++] = (struct pasted){kind, value};
	}
	if (options->check.selector != NULL && options->check.domain == NULL)
		return complain("'--selector' needs '--domain'");
	if (options->check.domain != NULL &&
	    !records_domain_valid(options->check.domain))
		return complain("'%s' is not a domain name", options->check.domain);
	if (options->check.selector != NULL &&
	    !records_domain_valid(options->check.selector))
		return complain("'%s' is not a DKIM selector",
				options->check.selector);
	if (options->count > 0 && (options->live.server || options->live.port ||
				   options->budget_ms))
		return complain("%s", "'--dns-server', '--dns-port' and '--timeout' "
				"are for looking records up (--domain alone)");
	if (options->count == 0 && options->check.domain != NULL)
		return -1;
	if (options->count == 0)
		return complain("no record to check: give --spf, --dkim or "
				"--dmarc");
	return -1;
}

/* site.yaml's spf_include into *config, when there is a site.yaml. 0, or
 * the exit status after its diagnostics. */
static int load_site(const struct options *options, struct site_config *config,
		     bool *loaded)
{
	char *path = path_join(options->root ? options->root : ".", "site.yaml");
	bool exists = access(path, F_OK) == 0;

	free(path);
	*loaded = false;
	if (!exists && options->root == NULL)
		return 0;
	if (!site_config_load(options->root ? options->root : ".", config)) {
		diag_print(stderr);
		diag_clear();
		site_config_free(config);
		return EXIT_USAGE;
	}
	diag_clear();	/* warnings about site.yaml are the build's to show */
	*loaded = true;
	return 0;
}

int records_command(int argc, char **argv)
{
	struct options options = {0};
	struct site_config config;
	struct record_set set = {0};
	struct buf out = {0};
	bool loaded;
	int status = parse_options(argc, argv, &options);

	if (status >= 0)
		return status;
	status = load_site(&options, &config, &loaded);
	if (status != 0)
		return status;
	if (loaded) {
		options.check.spf_include = config.spf_include;
		options.check.language = records_language(config.language);
	}
	if (options.count == 0) {
		const char *why;
		struct records_resolver *resolver = records_resolver_open(&options.live, &why);
		if (resolver == NULL)
			status = complain("%s", why);
		else
			records_live_check(&set, &options.check, resolver, options.budget_ms);
		records_resolver_close(resolver);
	}
	for (size_t i = 0; i < options.count && status == 0; i++) {
		const char *text = options.records[i].text;
		if (records_add(&set, options.records[i].kind, text, strlen(text),
				&options.check) != 0)
			status = complain("the %s record '%.40s' is longer than "
					  "%d bytes or not UTF-8",
					  records_kind_name(options.records[i].kind),
					  text, RECORDS_TEXT_MAX);
	}
	if (status == 0) {
		if (options.json)
			records_format_json(&set, &out);
		else
			records_format_text(&set, &out,
					    diag_color_wanted(stdout));
		fwrite(out.data, 1, out.length, stdout);
		status = set.errors > 0 ? 1 : 0;
	}
	buf_free(&out);
	records_free(&set);
	if (loaded)
		site_config_free(&config);
	return status;
}
