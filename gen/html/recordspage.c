/*
 * recordspage.c — the record checker's form and results as DOM nodes
 * (see recordspage.h).
 */
#include "html/recordspage.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "html/dom.h"

/* Characters of the record shown on each side of a diagnostic's span: a
 * 2048-bit DKIM key is 400 of them, too many to read around a caret. */
#define EXCERPT_CONTEXT 32
/* What the text areas take (the query string kb.cgi reads is 4 KiB). */
#define SPF_MAX "1024"
#define DKIM_MAX "1600"
#define DMARC_MAX "512"
#define DOMAIN_MAX "253"
#define SELECTOR_MAX "63"

static const char *text_of(const struct theme *theme, const char *key)
{
	return theme_text(theme, key);
}

/* ---- the form ----------------------------------------------------------------- */

/* One record's field: a text input, which takes a pasted value without
 * its line breaks (HTML's value sanitization), so that a DKIM key copied
 * in wrapped lines arrives whole and no line break reaches the query
 * string (lighttpd refuses encoded control characters in a URL). */
static void add_field(xmlNodePtr form, const struct theme *theme,
		      const char *name, const char *id_suffix, const char *value,
		      const char *maxlength)
{
	xmlNodePtr field = dom_element(form, "div", "records-field");
	char *id = xasprintf("records-%s%s", name, id_suffix);
	char *hint_id = xasprintf("%s-hint", id);
	char *label_key = xasprintf("records-%s%s-label", name, id_suffix);
	char *hint_key = xasprintf("records-%s%s-hint", name, id_suffix);
	xmlNodePtr label, hint, input;

	label = dom_text_element(field, "label", NULL, text_of(theme, label_key));
	dom_set(label, "for", id);
	hint = dom_text_element(field, "p", "records-hint", text_of(theme, hint_key));
	dom_set(hint, "id", hint_id);
	input = dom_element(field, "input", NULL);
	dom_set(input, "type", "text");
	dom_set(input, "id", id);
	dom_set(input, "name", name);
	dom_set(input, "maxlength", maxlength);
	dom_set(input, "aria-describedby", hint_id);
	dom_set(input, "spellcheck", "false");
	dom_set(input, "autocapitalize", "off");
	dom_set(input, "autocomplete", "off");
	if (value != NULL && *value != '\0')
		dom_set(input, "value", value);
	free(hint_key);
	free(label_key);
	free(hint_id);
	free(id);
}

void recordspage_add_form(xmlNodePtr parent, const struct theme *theme,
			  const char *action, const char *const *spf,
			  size_t spf_count, const char *dkim, const char *dmarc)
{
	xmlNodePtr form = dom_element(parent, "form", "records-form");

	dom_set(form, "method", "get");
	dom_set(form, "action", action);
	add_field(form, theme, RECORDSPAGE_SPF, "", spf_count > 0 ? spf[0] : NULL,
		  SPF_MAX);
	add_field(form, theme, RECORDSPAGE_SPF, "-2", spf_count > 1 ? spf[1] : NULL,
		  SPF_MAX);
	add_field(form, theme, RECORDSPAGE_DKIM, "", dkim, DKIM_MAX);
	add_field(form, theme, RECORDSPAGE_DMARC, "", dmarc, DMARC_MAX);
	dom_set(dom_text_element(form, "button", NULL,
				 text_of(theme, "records-submit")),
		"type", "submit");
}

void recordspage_add_live_form(xmlNodePtr parent, const struct theme *theme,
			       const char *action, const char *domain,
			       const char *selector)
{
	xmlNodePtr form;

	dom_text_element(parent, "h2", NULL, text_of(theme, "records-live-title"));
	dom_text_element(parent, "p", NULL, text_of(theme, "records-live-lead"));
	form = dom_element(parent, "form", "records-form");
	dom_set(form, "method", "get");
	dom_set(form, "action", action);
	add_field(form, theme, RECORDSPAGE_DOMAIN, "", domain, DOMAIN_MAX);
	add_field(form, theme, RECORDSPAGE_SELECTOR, "", selector, SELECTOR_MAX);
	dom_set(dom_text_element(form, "button", NULL,
				 text_of(theme, "records-live-submit")),
		"type", "submit");
}

/* ---- results --------------------------------------------------------------- */

static const char *severity_key(enum record_severity severity)
{
	return severity == RECORD_ERROR	    ? "records-error"
	       : severity == RECORD_WARNING ? "records-warning"
					    : "records-note";
}

/* The byte offset of code point column (1-based) in text, or its end. */
static size_t offset_of(const char *text, size_t length, size_t column)
{
	size_t at = 0;

	for (size_t point = 1; point < column && at < length; point++) {
		size_t step = utf8_sequence(text + at, length - at);
		at += step ? step : 1;
	}
	return at;
}

/* The record around the diagnostic's span, the span inside <mark>; past
 * the record's end (a missing part) the mark holds a space. */
static void add_excerpt(xmlNodePtr parent, const char *text,
			const struct record_diagnostic *diagnostic)
{
	size_t length = strlen(text);
	size_t first = diagnostic->column > EXCERPT_CONTEXT
			       ? diagnostic->column - EXCERPT_CONTEXT : 1;
	size_t from = offset_of(text, length, first);
	size_t start = offset_of(text, length, diagnostic->column);
	size_t end = offset_of(text, length, diagnostic->column + diagnostic->length);
	size_t last = offset_of(text, length, diagnostic->column + diagnostic->length +
						      EXCERPT_CONTEXT);
	xmlNodePtr code = dom_element(dom_element(parent, "p", "records-excerpt"),
				      "code", NULL);
	char *part;

	if (from > 0)
		dom_text(code, "…");
	part = xstrndup(text + from, start - from);
	dom_text(code, part);
	free(part);
	part = start < end ? xstrndup(text + start, end - start) : xstrdup(" ");
	dom_text_element(code, "mark", NULL, part);
	free(part);
	part = xstrndup(text + end, last - end);
	dom_text(code, part);
	free(part);
	if (last < length)
		dom_text(code, "…");
}

static void add_diagnostic(xmlNodePtr list, const struct theme *theme,
			   const struct record_result *result,
			   const struct record_diagnostic *diagnostic)
{
	const char *severity = records_severity_name(diagnostic->severity);
	char *class_name = xasprintf("records-diagnostic records-%s", severity);
	xmlNodePtr item = dom_element(list, "li", class_name);
	xmlNodePtr head = dom_element(item, "p", "records-where");
	xmlNodePtr guide;
	char *column, *path, *url;

	dom_text_element(head, "strong", "records-severity",
			 text_of(theme, severity_key(diagnostic->severity)));
	dom_text(head, " ");
	column = xasprintf("%s%u%s", text_of(theme, "records-column"),
			   diagnostic->column, text_of(theme, "records-column-end"));
	dom_text(head, column);
	dom_text(head, " ");
	dom_text_element(head, "code", "records-code", diagnostic->code);
	add_excerpt(item, result->text, diagnostic);
	dom_text_element(item, "p", "records-message", diagnostic->message);
	path = records_guide_path(diagnostic->guide);
	url = theme_url(theme, path);
	guide = dom_element(item, "p", "records-guide");
	dom_text(guide, text_of(theme, "records-guide"));
	dom_link(guide, url, diagnostic->guide->heading);
	free(url);
	free(path);
	free(column);
	free(class_name);
}

static void add_term(xmlNodePtr list, const struct theme *theme,
		     const char *key, const char *value)
{
	dom_text_element(list, "dt", NULL, text_of(theme, key));
	dom_text_element(list, "dd", NULL, value);
}

static void add_summary(xmlNodePtr parent, const struct theme *theme,
			const struct record_result *result)
{
	const struct record_summary *summary = &result->summary;
	xmlNodePtr list = dom_element(parent, "dl", "records-summary");
	char *value;

	if (summary->name != NULL)
		add_term(list, theme, "records-name", summary->name);
	if (result->kind == RECORD_SPF) {
		value = xasprintf("%d%s%d%s", summary->lookups < 0 ? 0 : summary->lookups,
				  text_of(theme, "records-lookups-of"),
				  RECORDS_SPF_LOOKUP_LIMIT,
				  text_of(theme, "records-lookups-end"));
		add_term(list, theme, "records-lookups", value);
		free(value);
		add_term(list, theme, "records-all", summary->all ? summary->all : "-");
		if (summary->service_include >= 0)
			add_term(list, theme, "records-service-include",
				 text_of(theme, summary->service_include ? "records-yes"
									 : "records-no"));
	} else if (result->kind == RECORD_DKIM) {
		add_term(list, theme, "records-key-type",
			 summary->key_type ? summary->key_type : "-");
		value = summary->key_bits
				? xasprintf("%u%s", summary->key_bits,
					    text_of(theme, "records-bits"))
				: xstrdup("-");
		add_term(list, theme, "records-key-bits", value);
		free(value);
		add_term(list, theme, "records-testing",
			 text_of(theme, summary->testing ? "records-yes" : "records-no"));
	} else {
		add_term(list, theme, "records-policy",
			 summary->policy ? summary->policy : "-");
		add_term(list, theme, "records-subdomain-policy",
			 summary->subdomain_policy ? summary->subdomain_policy : "-");
		value = xasprintf("%d", summary->pct);
		add_term(list, theme, "records-pct", value);
		free(value);
	}
}

static void add_record(xmlNodePtr parent, const struct theme *theme,
		       const struct record_result *result, size_t position)
{
	xmlNodePtr section = dom_element(parent, "section", "records-record");
	char *id = xasprintf("records-record-%zu", position);
	char *kind_key = xasprintf("records-kind-%s", records_kind_name(result->kind));
	char *heading = xasprintf("%s %u", text_of(theme, kind_key), result->index);
	xmlNodePtr list;

	dom_set(section, "aria-labelledby", id);
	dom_set(dom_text_element(section, "h2", NULL, heading), "id", id);
	dom_text_element(dom_element(section, "p", "records-text"), "code", NULL,
			 result->text);
	if (result->diagnostic_count == 0) {
		dom_text_element(section, "p", "records-ok",
				 text_of(theme, "records-ok"));
	} else {
		list = dom_element(section, "ol", "records-diagnostics");
		for (size_t i = 0; i < result->diagnostic_count; i++)
			add_diagnostic(list, theme, result, &result->diagnostics[i]);
	}
	add_summary(section, theme, result);
	free(heading);
	free(kind_key);
	free(id);
}

void recordspage_add_results(xmlNodePtr parent, const struct theme *theme,
			     const struct record_set *set)
{
	char *counts = xasprintf("%s%zu%s%zu%s%zu%s",
				 text_of(theme, "records-count-errors"), set->errors,
				 text_of(theme, "records-count-warnings"), set->warnings,
				 text_of(theme, "records-count-notes"), set->notes,
				 text_of(theme, "records-count-end"));

	dom_set(dom_text_element(parent, "p",
				 set->errors ? "records-status records-failed"
					     : "records-status",
				 counts),
		"role", "status");
	for (size_t i = 0; i < set->count; i++)
		add_record(parent, theme, &set->records[i], i + 1);
	free(counts);
}
