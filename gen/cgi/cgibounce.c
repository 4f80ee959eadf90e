/*
 * cgibounce.c — the bounce analyzer's answers (see cgibounce.h). The
 * rules are read from kb.db per request (a few dozen rows); the text the
 * visitor sent goes into the page only as DOM text nodes, the part that
 * decided inside a <mark>.
 */
#include "cgi/cgibounce.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/util.h"
#include "content/bounce.h"
#include "db/bouncestore.h"
#include "html/bouncepage.h"
#include "html/dom.h"

/* The text to read: the pasted field, else the uploaded file. */
static void input_of(const struct cgi_request *request, const char **text,
		     size_t *length)
{
	const struct cgi_form_field *field = cgi_form_field(request, "text");

	if (field == NULL)
		field = cgi_form_field(request, "file");
	*text = field ? field->value : "";
	*length = field ? field->length : 0;
}

/* The rules and the report; a cgi_error when kb.db holds no rules. */
static int analyze(const struct cgi_site *site, const struct cgi_request *request,
		   struct bounce_rules *rules, struct bounce_report *report)
{
	const char *text;
	size_t length;
	int rc = bouncestore_load(site->db, rules);

	memset(report, 0, sizeof *report);
	if (rc == BOUNCESTORE_MISSING)
		return CGI_NOT_FOUND;
	if (rc != BOUNCESTORE_OK)
		return CGI_INTERNAL;
	input_of(request, &text, &length);
	bounce_analyze(rules, text, length, report);
	return CGI_OK;
}

/* The static step pages' base: the site's base path without its '/'. */
static char *static_base(const struct cgi_site *site)
{
	const char *path = site->store.base_path ? site->store.base_path : "/";
	size_t length = strlen(path);

	return xstrndup(path, length > 0 && path[length - 1] == '/' ? length - 1 : length);
}

/* ---- the page ---------------------------------------------------------------- */

static void add_fact(xmlNodePtr list, const char *term, const char *value)
{
	dom_text_element(list, "dt", NULL, term);
	dom_text_element(list, "dd", NULL, value);
}

/* The diagnostic with the part that decided in a <mark>. */
static void add_diagnostic(xmlNodePtr list, const struct theme *theme,
			   const struct bounce_result *result)
{
	xmlNodePtr value, code;
	char *part;

	dom_text_element(list, "dt", NULL, theme_text(theme, "bounce-diagnostic"));
	value = dom_element(list, "dd", NULL);
	code = dom_element(value, "code", "bounce-diagnostic");
	if (!result->marked) {
		dom_text(code, result->diagnostic);
		return;
	}
	part = xstrndup(result->diagnostic, result->mark_start);
	dom_text(code, part);
	free(part);
	part = xstrndup(result->diagnostic + result->mark_start,
			result->mark_end - result->mark_start);
	dom_text_element(code, "mark", NULL, part);
	free(part);
	dom_text(code, result->diagnostic + result->mark_end);
}

static void add_result(xmlNodePtr main, const struct theme *theme,
		       const struct bounce_rules *rules,
		       const struct bounce_result *result, const char *cgi_base,
		       const char *base)
{
	const struct bounce_reason_info *info = &rules->reasons[result->reason];
	xmlNodePtr section = dom_element(main, "section", "bounce-result");
	xmlNodePtr list, actions;
	char *wizard = bounce_wizard_url(rules, result, cgi_base, base);
	struct buf codes = {0};

	dom_text_element(section, "h2", NULL,
			 result->recipient ? result->recipient
					   : theme_text(theme, "bounce-recipient-unknown"));
	list = dom_element(section, "dl", "bounce-facts");
	add_fact(list, theme_text(theme, "bounce-class"),
		 rules->class_names[result->class_]);
	add_fact(list, theme_text(theme, "bounce-reason"), info->title);
	add_fact(list, theme_text(theme, "bounce-kind"),
		 theme_text(theme, result->hard ? "bounce-hard" : "bounce-soft"));
	if (result->receiver != NULL)
		add_fact(list, theme_text(theme, "bounce-receiver"), result->receiver);
	if (result->reply)
		buf_printf(&codes, "%d", result->reply);
	if (result->status[0])
		buf_printf(&codes, "%s%s", codes.length ? " " : "", result->status);
	if (codes.length > 0)
		add_fact(list, theme_text(theme, "bounce-codes"), buf_cstr(&codes));
	if (result->diagnostic != NULL)
		add_diagnostic(list, theme, result);
	dom_text_element(section, "p", NULL, info->explanation);
	dom_text_element(section, "p", NULL,
			 result->hard ? rules->hard_note : rules->soft_note);
	actions = dom_element(section, "ul", "wizard-actions");
	if (info->article_url != NULL)
		dom_link(dom_element(actions, "li", NULL), info->article_url,
			 info->article_title ? info->article_title : info->title);
	if (wizard != NULL)
		dom_link(dom_element(actions, "li", NULL), wizard,
			 theme_text(theme, "bounce-wizard"));
	buf_free(&codes);
	free(wizard);
}

static void respond_no_store(struct cgi_response *response)
{
	cgi_response_header(response, "Cache-Control", "no-store");
}

void cgibounce_page(const struct cgi_site *site,
		    const struct cgi_request *request,
		    struct cgi_response *response)
{
	const struct theme *theme = site->store.theme;
	const char *title = theme_text(theme, "bounce-result-title");
	struct bounce_rules rules;
	struct bounce_report report;
	int error = analyze(site, request, &rules, &report);
	char *cgi_base, *base, *home, *start, *action;
	struct page *page;
	xmlNodePtr main;

	if (error != CGI_OK) {
		bounce_rules_free(&rules);
		cgi_respond_error(site, error, response);
		respond_no_store(response);
		return;
	}
	cgi_base = cgi_base_url(site, request);
	base = static_base(site);
	home = theme_url(theme, "");
	start = theme_url(theme, "bounce/");
	action = xasprintf("%s/bounce", cgi_base);
	page = cgi_page_new(site, title);
	main = page_main(page);
	page_add_breadcrumb(page, home, theme_text(theme, "home"));
	page_add_breadcrumb(page, start, theme_text(theme, "bounce-title"));
	page_add_breadcrumb(page, NULL, title);
	dom_text_element(main, "h1", NULL, title);
	if (report.count > 0) {
		char *found = xasprintf("%zu%s", report.count,
					theme_text(theme, "bounce-found"));
		dom_set(dom_text_element(main, "p", "meta", found), "role", "status");
		free(found);
	} else {
		dom_set(dom_text_element(main, "p", "notice",
					 theme_text(theme, "bounce-none")),
			"role", "status");
	}
	for (size_t i = 0; i < report.count; i++)
		add_result(main, theme, &rules, &report.results[i], cgi_base, base);
	dom_text_element(main, "h2", NULL, theme_text(theme, "bounce-again"));
	bouncepage_add_form(main, theme, action);
	cgi_respond_page(response, 200, page);
	respond_no_store(response);
	bounce_report_free(&report);
	bounce_rules_free(&rules);
	free(action);
	free(start);
	free(home);
	free(base);
	free(cgi_base);
}

/* ---- JSON -------------------------------------------------------------------- */

static void respond_json(struct cgi_response *response, int status, struct buf *body)
{
	size_t length = body->length;

	response->status = status;
	response->body = buf_detach(body);
	response->body_length = length;
	cgi_response_header(response, "Content-Type", "application/json; charset=utf-8");
	respond_no_store(response);
}

void cgibounce_json_error(int error, struct cgi_response *response)
{
	struct buf body = {0};

	buf_adds(&body, "{\"error\": ");
	json_add_text(&body, cgi_strerror(error));
	buf_adds(&body, "}\n");
	respond_json(response, cgi_error_status(error), &body);
}

void cgibounce_json(const struct cgi_site *site,
		    const struct cgi_request *request,
		    struct cgi_response *response)
{
	struct bounce_rules rules;
	struct bounce_report report;
	int error = analyze(site, request, &rules, &report);
	struct buf body = {0};
	char *cgi_base, *base;

	if (error != CGI_OK) {
		bounce_rules_free(&rules);
		cgibounce_json_error(error, response);
		return;
	}
	cgi_base = cgi_base_url(site, request);
	base = static_base(site);
	bounce_report_json(&rules, &report, cgi_base, base, &body);
	buf_addc(&body, '\n');
	respond_json(response, 200, &body);
	bounce_report_free(&report);
	bounce_rules_free(&rules);
	free(base);
	free(cgi_base);
}
