/*
 * records_live.h — the record checker's live mode: a domain's SPF and
 * DMARC records (and a selector's DKIM key) looked up in DNS with ldns,
 * checked as pasted ones are (content/records.h), and the SPF record
 * followed through its include: and redirect= to count the lookups an
 * evaluation really makes, the void ones among them, and loops.
 *
 * Every lookup shares one time budget and one cap on the number of
 * queries; what the budget leaves unanswered is reported, never waited
 * for. Only the domain asked and the names its records name are queried.
 */
#ifndef KB_RECORDS_LIVE_H
#define KB_RECORDS_LIVE_H

#include "content/records.h"

/* What one run may spend. */
#define RECORDS_LIVE_BUDGET_MS 5000
#define RECORDS_LIVE_MAX_QUERIES 40

struct records_live_options {
	const char *server;	/* a resolver's IPv4 or IPv6 address, or
				 * NULL: the system's (/etc/resolv.conf) */
	unsigned port;		/* 0: 53 */
};

/* An open resolver: the system's configuration read (or the server
 * named), nothing sent yet, so that kb.cgi opens it before its sandbox
 * forbids opening files. */
struct records_resolver;

/* Opens the resolver options name. Returns NULL with *why (static,
 * English) when it cannot: /etc/resolv.conf unreadable, a server that
 * is not an IPv4 or IPv6 address. The caller closes it with
 * records_resolver_close. */
struct records_resolver *records_resolver_open(const struct records_live_options *options,
					       const char **why);

/* Closes a resolver; NULL is fine. */
void records_resolver_close(struct records_resolver *resolver);

/* Looks up and checks the records of options->domain (and its DKIM key
 * when options->selector is set) through resolver within budget_ms
 * (0: RECORDS_LIVE_BUDGET_MS) and RECORDS_LIVE_MAX_QUERIES queries,
 * adding them to set: every TXT record at the domain that starts v=spf1,
 * the v=DMARC1 record at _dmarc.domain, the key record at
 * selector._domainkey.domain, each as "NAME TXT "string" ..." so its
 * strings are checked too; a record not found is a result of its own
 * (records_add_missing). The SPF record's summary gets lookups_total and
 * void_lookups. Only options->domain and the names its records name are
 * queried. Returns the number of queries sent. */
int records_live_check(struct record_set *set,
		       const struct record_options *options,
		       struct records_resolver *resolver, unsigned budget_ms);

#endif
