/*
 * cgirecords.c — the record checker as kb.cgi answers it (see
 * cgirecords.h): the fields read into a record set, the themed page built
 * by html/recordspage.h, the JSON written by records_format_json.
 */
#include "cgi/cgirecords.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/util.h"
#include "content/records.h"
#include "content/records_live.h"
#include "db/feedback.h"
#include "html/dom.h"
#include "html/recordspage.h"

enum cgi_error cgirecords_check_field(const char *name, const char *value)
{
	size_t length = strlen(value);

	(void)name;
	if (length > RECORDS_TEXT_MAX)
		return CGI_TOO_LARGE;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
			return CGI_BAD_VALUE;
		/* U+0080..U+009F, the C1 controls: C2 80..C2 9F */
		if (c == 0xC2 && i + 1 < length &&
		    (unsigned char)value[i + 1] >= 0x80 &&
		    (unsigned char)value[i + 1] <= 0x9F)
			return CGI_BAD_VALUE;
	}
	return CGI_OK;
}

/* The first kept field called name, or "". */
static const char *field_or_empty(const struct cgi_fields *fields,
				  const char *name)
{
	const char *value = cgi_field(fields, name);

	return value ? value : "";
}

/* True when text holds something other than spaces and line breaks. */
static bool has_text(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (strchr(" \t\r\n", text[i]) == NULL)
			return true;
	return false;
}

/* Adds every non-blank line of value as an SPF record. */
static int add_spf_lines(struct record_set *set, const char *value,
			 const struct record_options *options)
{
	while (*value) {
		size_t length = strcspn(value, "\n");
		size_t kept = length;

		if (kept > 0 && value[kept - 1] == '\r')
			kept--;
		if (has_text(value, kept) &&
		    records_add(set, RECORD_SPF, value, kept, options) != 0)
			return -1;
		value += length + (value[length] == '\n');
	}
	return 0;
}

static int add_one(struct record_set *set, enum record_kind kind,
		   const char *value, const struct record_options *options)
{
	size_t length = strlen(value);

	if (!has_text(value, length))
		return 0;
	return records_add(set, kind, value, length, options);
}

/* The records of fields into *set. CGI_OK, or the error to answer with. */
static int read_records(const struct cgi_site *site,
			const struct cgi_fields *fields, struct record_set *set)
{
	const char *include = site->store.spf_include;
	struct record_options options = {
		.spf_include = include != NULL && *include ? include : NULL,
		.language = records_language(site->store.language),
	};

	for (size_t i = 0; i < fields->count; i++)
		if (strcmp(fields->items[i]->name, RECORDSPAGE_SPF) == 0 &&
		    add_spf_lines(set, fields->items[i]->value, &options) != 0)
			return CGI_TOO_LARGE;
	if (add_one(set, RECORD_DKIM, field_or_empty(fields, RECORDSPAGE_DKIM),
		    &options) != 0 ||
	    add_one(set, RECORD_DMARC, field_or_empty(fields, RECORDSPAGE_DMARC),
		    &options) != 0)
		return CGI_TOO_LARGE;
	return CGI_OK;
}

/* Why a live lookup was not made: the status to answer, the key of the
 * message in the theme's strings and, for 429, the seconds to wait. */
struct live_refusal {
	int status;
	const char *code, *message_key;
	unsigned retry_after;
};

/* True when text is a DKIM selector: dot-separated labels of letters,
 * digits, '-' and '_' (RFC 6376 3.1), at most 63 bytes here. */
static bool is_selector(const char *text)
{
	size_t length = strlen(text);

	if (length == 0 || length > 63 || text[0] == '.' || text[length - 1] == '.')
		return false;
	for (size_t i = 0; i < length; i++)
		if (!((text[i] >= 'a' && text[i] <= 'z') ||
		      (text[i] >= 'A' && text[i] <= 'Z') ||
		      (text[i] >= '0' && text[i] <= '9') || text[i] == '-' ||
		      text[i] == '_' || (text[i] == '.' && text[i + 1] != '.')))
			return false;
	return true;
}

bool cgirecords_live_on(const struct cgi_site *site)
{
	return site->resolver != NULL && site->feedback != NULL &&
	       site->store.records_live_visitor != NULL &&
	       site->store.records_live_site != NULL;
}

/* The domain field's live lookup into set, when one was asked: 0 when
 * none was or it was made, else the status in *refusal. */
static int live_lookup(const struct cgi_site *site,
		       const struct cgi_request *request,
		       const struct cgi_fields *fields, struct record_set *set,
		       struct live_refusal *refusal)
{
	const char *domain = field_or_empty(fields, RECORDSPAGE_DOMAIN);
	const char *selector = field_or_empty(fields, RECORDSPAGE_SELECTOR);
	const char *include = site->store.spf_include;
	struct record_options options = {
		.spf_include = include != NULL && *include ? include : NULL,
		.language = records_language(site->store.language),
	};
	unsigned retry_after;
	enum feedback_status status;

	if (!has_text(domain, strlen(domain)))
		return 0;
	*refusal = (struct live_refusal){400, "bad-domain", "records-live-bad-domain", 0};
	if (!cgirecords_live_on(site)) {
		*refusal = (struct live_refusal){403, "live-off", "records-live-off", 0};
		return -1;
	}
	if (!records_domain_valid(domain) ||
	    strchr(domain, '.') == NULL)
		return -1;
	if (has_text(selector, strlen(selector)) && !is_selector(selector)) {
		*refusal = (struct live_refusal){400, "bad-selector",
						 "records-live-bad-selector", 0};
		return -1;
	}
	status = feedback_add_lookup(site->feedback, time(NULL), request->remote_addr,
				     (unsigned)strtoul(site->store.records_live_visitor,
						       NULL, 10),
				     (unsigned)strtoul(site->store.records_live_site,
						       NULL, 10),
				     &retry_after);
	if (status == FEEDBACK_LIMITED) {
		*refusal = (struct live_refusal){429, "limited", "records-live-limited",
						 retry_after};
		return -1;
	}
	if (status != FEEDBACK_STORED) {
		fprintf(stderr, "kb.cgi: records: counting a live lookup: %s\n",
			feedback_error(site->feedback));
		*refusal = (struct live_refusal){503, "unavailable",
						 "records-live-unavailable", 0};
		return -1;
	}
	options.domain = domain;
	options.selector = has_text(selector, strlen(selector)) ? selector : NULL;
	records_live_check(set, &options, site->resolver, CGIRECORDS_LIVE_BUDGET_MS);
	return 0;
}

/* Every non-blank spf value given, for the form; the array is the
 * caller's to free, the strings the request's. */
static const char **spf_values(const struct cgi_fields *fields, size_t *count)
{
	const char **values = xcalloc(fields->count + 1, sizeof *values);

	*count = 0;
	for (size_t i = 0; i < fields->count; i++)
		if (strcmp(fields->items[i]->name, RECORDSPAGE_SPF) == 0 &&
		    has_text(fields->items[i]->value, strlen(fields->items[i]->value)))
			values[(*count)++] = fields->items[i]->value;
	return values;
}

void cgirecords_page(const struct cgi_site *site,
		     const struct cgi_request *request,
		     const struct cgi_fields *fields,
		     struct cgi_response *response)
{
	const struct theme *theme = site->store.theme;
	struct record_set set = {0};
	struct live_refusal refusal = {0};
	int error = read_records(site, fields, &set);
	int live = error == CGI_OK ? live_lookup(site, request, fields, &set, &refusal)
				   : 0;
	const char *form_title = theme_text(theme, "records-title");
	const char *title = set.count ? theme_text(theme, "records-results-title")
				      : form_title;
	char *base = cgi_base_url(site, request);
	char *action = xasprintf("%s/records", base);
	char *home = theme_url(theme, ""), *form_page = theme_url(theme, "records/");
	size_t spf_count;
	const char **spf = spf_values(fields, &spf_count);
	struct page *page;
	xmlNodePtr main;

	if (error != CGI_OK) {
		cgi_respond_error(site, error, response);
		goto out;
	}
	page = cgi_page_new(site, title);
	main = page_main(page);
	page_add_breadcrumb(page, home, theme_text(theme, "home"));
	if (set.count > 0)
		page_add_breadcrumb(page, form_page, form_title);
	page_add_breadcrumb(page, NULL, title);
	dom_text_element(main, "h1", NULL, title);
	if (live != 0)
		dom_set(dom_text_element(main, "p", "records-status",
					 theme_text(theme, refusal.message_key)),
			"role", "alert");
	if (set.count > 0) {
		recordspage_add_results(main, theme, &set);
		dom_text_element(main, "h2", NULL, theme_text(theme, "records-again"));
	} else if (fields->count > 0 && live == 0) {
		dom_set(dom_text_element(main, "p", "records-status",
					 theme_text(theme, "records-empty")),
			"role", "status");
	} else {
		dom_text_element(main, "p", NULL,
				 theme_text(theme, cgirecords_live_on(site)
							   ? "records-lead-live"
							   : "records-lead"));
	}
	recordspage_add_form(main, theme, action, spf, spf_count,
			     cgi_field(fields, RECORDSPAGE_DKIM),
			     cgi_field(fields, RECORDSPAGE_DMARC));
	if (cgirecords_live_on(site))
		recordspage_add_live_form(main, theme, action,
					  cgi_field(fields, RECORDSPAGE_DOMAIN),
					  cgi_field(fields, RECORDSPAGE_SELECTOR));
	cgi_respond_page(response, live != 0 ? refusal.status : 200, page);
	if (refusal.retry_after > 0) {
		char seconds[16];
		snprintf(seconds, sizeof seconds, "%u", refusal.retry_after);
		cgi_response_header(response, "Retry-After", seconds);
	}
out:
	records_free(&set);
	free(spf);
	free(form_page);
	free(home);
	free(action);
	free(base);
}

static void respond_json(struct cgi_response *response, int status,
			 struct buf *body)
{
	size_t length = body->length;

	response->status = status;
	response->body = buf_detach(body);
	response->body_length = length;
	cgi_response_header(response, "Content-Type",
			    "application/json; charset=utf-8");
}

void cgirecords_json_error(int error, struct cgi_response *response)
{
	struct buf body = {0};

	buf_adds(&body, "{\"error\":");
	json_add_text(&body, cgi_strerror(error));
	buf_adds(&body, "}\n");
	respond_json(response, cgi_error_status(error), &body);
}

void cgirecords_json(const struct cgi_site *site,
		     const struct cgi_request *request,
		     const struct cgi_fields *fields,
		     struct cgi_response *response)
{
	struct record_set set = {0};
	struct live_refusal refusal = {0};
	struct buf body = {0};
	int error = read_records(site, fields, &set);

	if (error != CGI_OK) {
		cgirecords_json_error(error, response);
	} else if (live_lookup(site, request, fields, &set, &refusal) != 0) {
		buf_adds(&body, "{\"error\":");
		json_add_text(&body, refusal.code);
		if (refusal.retry_after > 0)
			buf_printf(&body, ",\"retry_after\":%u", refusal.retry_after);
		buf_adds(&body, "}\n");
		respond_json(response, refusal.status, &body);
		if (refusal.retry_after > 0) {
			char seconds[16];
			snprintf(seconds, sizeof seconds, "%u", refusal.retry_after);
			cgi_response_header(response, "Retry-After", seconds);
		}
	} else {
		records_format_json(&set, &body);
		respond_json(response, 200, &body);
	}
	records_free(&set);
}
