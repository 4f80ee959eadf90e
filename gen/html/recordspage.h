/*
 * recordspage.h — the record checker's page parts (content/records.h),
 * which the static /records/ page and kb.cgi's /records both draw: the
 * form that works without JavaScript, and the results, each diagnostic
 * located in its record (the column, the characters marked) with its
 * message and a link to the guide heading that explains the fix. Text
 * goes in as text nodes only (dom.h).
 */
#ifndef KB_RECORDSPAGE_H
#define KB_RECORDSPAGE_H

#include <libxml/tree.h>

#include "content/records.h"
#include "html/theme.h"

/* The field names the form submits and kb.cgi reads. */
#define RECORDSPAGE_SPF "spf"
#define RECORDSPAGE_DKIM "dkim"
#define RECORDSPAGE_DMARC "dmarc"
#define RECORDSPAGE_DOMAIN "domain"
#define RECORDSPAGE_SELECTOR "selector"

/* Appends the form (GET to action): two SPF fields (a domain with two
 * v=spf1 records is a mistake to show), one for DKIM and one for DMARC,
 * filled with the first two of spf_count spf values, dkim and dmarc (each
 * NULL for empty). */
void recordspage_add_form(xmlNodePtr parent, const struct theme *theme,
			  const char *action, const char *const *spf,
			  size_t spf_count, const char *dkim, const char *dmarc);

/* Appends the live form (GET to action, where site.yaml's records_live
 * is on): a heading, what it looks up, the domain and the DKIM selector
 * (each NULL for empty). */
void recordspage_add_live_form(xmlNodePtr parent, const struct theme *theme,
			       const char *action, const char *domain,
			       const char *selector);

/* Appends the results of set: a status line with the counts, then a
 * section per record (its text, its diagnostics as a list, its
 * summary). Guide links are the theme's URLs of the guides' pages. */
void recordspage_add_results(xmlNodePtr parent, const struct theme *theme,
			     const struct record_set *set);

#endif
