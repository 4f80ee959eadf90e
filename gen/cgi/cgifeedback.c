/*
 * cgifeedback.c — see cgifeedback.h.
 */
#include "cgi/cgifeedback.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/util.h"
#include "db/feedback.h"
#include "html/dom.h"
#include "html/page.h"
#include "html/wizardpage.h"

#define PAGE_MAX_BYTES 512
/* the search box takes this many characters (layout.html's maxlength) */
#define SEARCH_MAX_CHARS 256

/* ---- the same-origin check ----------------------------------------------- */

/* "scheme://host" of url (up to its path), or NULL. Caller frees. */
static char *origin_of(const char *url)
{
	const char *host = url ? strstr(url, "://") : NULL;
	size_t length;

	if (host == NULL)
		return NULL;
	length = (size_t)(host + 3 - url) + strcspn(host + 3, "/");
	return xstrndup(url, length);
}

bool cgifeedback_same_origin(const struct cgi_site *site,
			     const struct cgi_request *request)
{
	char *own, *base;
	bool same;

	if (*request->fetch_site != '\0')
		return strcmp(request->fetch_site, "same-origin") == 0;
	if (*request->origin == '\0')
		return false;
	own = *request->host != '\0'
		      ? xasprintf("%s://%s", request->https ? "https" : "http",
				  request->host)
		      : NULL;
	base = origin_of(site->store.base_url);
	same = (own != NULL && strcmp(request->origin, own) == 0) ||
	       (base != NULL && strcmp(request->origin, base) == 0);
	free(own);
	free(base);
	return same;
}

/* ---- the fields ------------------------------------------------------------ */

struct vote_form {
	const char *page, *kind, *vote, *comment, *vote_id;
	bool json;
};

static const char *field(const struct cgi_request *request, const char *name)
{
	const struct cgi_form_field *found = cgi_form_field(request, name);

	/* a field holding a NUL is no text of ours */
	if (found == NULL || strlen(found->value) != found->length)
		return NULL;
	return found->value;
}

/* Text of at most max code points, valid UTF-8, no control characters
 * but line breaks and tabs. */
static bool plain_text(const char *text, size_t max)
{
	size_t length = strlen(text), characters = 0;

	if (!utf8_valid(text, length, NULL))
		return false;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		if ((*c < 0x20 && *c != '\n' && *c != '\r' && *c != '\t') ||
		    *c == 0x7F)
			return false;
		if ((*c & 0xC0) != 0x80)
			characters++;
	}
	return characters <= max;
}

/* The page a vote is about: a path of this site ("/a/b/"). */
static bool page_valid(const struct cgi_site *site, const char *page)
{
	const char *base = site->store.base_path ? site->store.base_path : "/";

	return page != NULL && strlen(page) <= PAGE_MAX_BYTES &&
	       strncmp(page, base, strlen(base)) == 0 && page[1] != '/' &&
	       strstr(page, "..") == NULL && strpbrk(page, "?#\\") == NULL &&
	       plain_text(page, PAGE_MAX_BYTES) && strpbrk(page, "\n\r\t") == NULL;
}

static bool digits(const char *text)
{
	if (text == NULL || *text == '\0' || strlen(text) > 18)
		return false;
	for (; *text; text++)
		if (*text < '0' || *text > '9')
			return false;
	return true;
}

/* ---- answers --------------------------------------------------------------- */

static void respond_json(struct cgi_response *response, int status,
			 const char *key, const char *text, long long id)
{
	struct buf body = {0};
	size_t length;

	buf_adds(&body, "{");
	json_add_text(&body, key);
	buf_adds(&body, ": ");
	if (text != NULL)
		json_add_text(&body, text);
	else
		buf_printf(&body, "%lld", id);
	buf_adds(&body, "}\n");
	length = body.length;
	response->status = status;
	response->body = buf_detach(&body);
	response->body_length = length;
	cgi_response_header(response, "Content-Type",
			    "application/json; charset=utf-8");
	cgi_response_header(response, "Cache-Control", "no-store");
}

/* A themed page: title, one paragraph, and the way back to page. */
static struct page *message_page(const struct cgi_site *site,
				 const char *title_key, const char *text_key,
				 const char *page_path, xmlNodePtr *main_out)
{
	const struct theme *theme = site->store.theme;
	struct page *page = cgi_page_new(site, theme_text(theme, title_key));
	xmlNodePtr main = page_main(page);

	dom_text_element(main, "h1", NULL, theme_text(theme, title_key));
	dom_set(dom_text_element(main, "p", NULL, theme_text(theme, text_key)),
		"role", "status");
	*main_out = main;
	(void)page_path;
	return page;
}

static void add_back_link(const struct theme *theme, xmlNodePtr main,
			  const char *page_path)
{
	if (page_path != NULL)
		dom_link(dom_element(main, "p", "feedback-back"), page_path,
			 theme_text(theme, "feedback-back"));
}

static void respond_message(const struct cgi_site *site,
			    struct cgi_response *response, int status,
			    const char *title_key, const char *text_key,
			    const char *page_path)
{
	xmlNodePtr main;
	struct page *page = message_page(site, title_key, text_key, page_path,
					 &main);

	add_back_link(site->store.theme, main, page_path);
	cgi_respond_page(response, status, page);
	cgi_response_header(response, "Cache-Control", "no-store");
}

static void hidden(xmlNodePtr form, const char *name, const char *value)
{
	xmlNodePtr input = dom_element(form, "input", NULL);

	dom_set(input, "type", "hidden");
	dom_set(input, "name", name);
	dom_set(input, "value", value);
}

/* After いいえ: the comment form (and on an outcome, the contact). */
static void add_comment_form(const struct cgi_site *site,
			     const struct cgi_request *request, xmlNodePtr main,
			     const struct vote_form *form, long long id)
{
	const struct theme *theme = site->store.theme;
	char *base = cgi_base_url(site, request);
	char *action = xasprintf("%s/feedback", base ? base : "");
	char *id_text = xasprintf("%lld", id);
	xmlNodePtr html_form = dom_element(main, "form", "feedback-comment");
	xmlNodePtr label, area;

	dom_set(html_form, "method", "post");
	dom_set(html_form, "action", action);
	hidden(html_form, "vote_id", id_text);
	hidden(html_form, "page", form->page);
	label = dom_text_element(html_form, "label", NULL,
				 theme_text(theme, "feedback-comment-label"));
	dom_set(label, "for", "kb-feedback-comment");
	area = dom_element(html_form, "textarea", NULL);
	dom_set(area, "id", "kb-feedback-comment");
	dom_set(area, "name", "comment");
	dom_set(area, "rows", "5");
	dom_set(area, "maxlength", "500");
	dom_set(dom_text_element(dom_element(html_form, "p", NULL), "button", NULL,
				 theme_text(theme, "feedback-comment-submit")),
		"type", "submit");
	if (strcmp(form->kind, "outcome") == 0) {
		struct wizardpage_support support = {
			site->store.support_url, site->store.support_email,
			site->store.support_hours,
		};
		if (support.url && !*support.url)
			support.url = NULL;
		if (support.email && !*support.email)
			support.email = NULL;
		if (support.hours && !*support.hours)
			support.hours = NULL;
		wizardpage_add_contact_with(theme, main, &support,
					    "feedback-contact", NULL,
					    theme_text(theme,
						       "wizard-contact-subject"),
					    form->page, form->page);
	}
	free(id_text);
	free(action);
	free(base);
}

/* ---- the route ------------------------------------------------------------- */

static void store_comment(const struct cgi_site *site,
			  const struct cgi_request *request,
			  const struct vote_form *form,
			  struct cgi_response *response)
{
	enum feedback_status status = feedback_add_comment(
		site->feedback, strtoll(form->vote_id, NULL, 10),
		request->remote_addr, time(NULL), form->comment);

	if (status == FEEDBACK_FAILED) {
		cgi_respond_error(site, CGI_INTERNAL, response);
	} else if (form->json) {
		respond_json(response, status == FEEDBACK_STORED ? 200 : 409,
			     status == FEEDBACK_STORED ? "stored" : "error",
			     status == FEEDBACK_STORED ? "comment" : "refused", 0);
	} else if (status == FEEDBACK_STORED) {
		respond_message(site, response, 200, "feedback-thanks-title",
				"feedback-comment-thanks", form->page);
	} else {
		respond_message(site, response, 409, "feedback-thanks-title",
				"feedback-limited", form->page);
	}
}

static void store_vote(const struct cgi_site *site,
		       const struct cgi_request *request,
		       const struct vote_form *form,
		       struct cgi_response *response)
{
	struct feedback_vote vote = {
		.at = time(NULL), .page = form->page, .kind = form->kind,
		.helpful = strcmp(form->vote, "yes") == 0,
		.comment = NULL, .address = request->remote_addr,
	};
	int64_t id = 0;
	enum feedback_status status = feedback_add_vote(site->feedback, &vote,
							site->feedback_votes,
							&id);
	xmlNodePtr main;
	struct page *page;

	if (status == FEEDBACK_FAILED) {
		cgi_respond_error(site, CGI_INTERNAL, response);
		return;
	}
	/* a comment sent with the vote (kb.js) goes with いいえ only */
	if (status == FEEDBACK_STORED && !vote.helpful && form->comment != NULL)
		(void)feedback_add_comment(site->feedback, id,
					   request->remote_addr, vote.at,
					   form->comment);
	if (form->json) {
		if (status == FEEDBACK_STORED)
			respond_json(response, 200, "id", NULL, (long long)id);
		else
			respond_json(response, 429, "error", "limited", 0);
		return;
	}
	if (status == FEEDBACK_LIMITED) {
		respond_message(site, response, 429, "feedback-thanks-title",
				"feedback-limited", form->page);
		return;
	}
	page = message_page(site, "feedback-thanks-title", "feedback-thanks",
			    form->page, &main);
	if (!vote.helpful && form->comment == NULL)
		add_comment_form(site, request, main, form, (long long)id);
	add_back_link(site->store.theme, main, form->page);
	cgi_respond_page(response, 200, page);
	cgi_response_header(response, "Cache-Control", "no-store");
}

/* kb.js's beacon: a page of results left without opening any. Answered
 * with no body: nobody reads it. */
static void store_unopened(const struct cgi_site *site,
			   const struct cgi_request *request, const char *query,
			   struct cgi_response *response)
{
	enum feedback_status status = FEEDBACK_REFUSED;

	if (plain_text(query, SEARCH_MAX_CHARS) && *query != '\0')
		status = feedback_add_search(site->feedback, time(NULL), query,
					     "unopened", request->remote_addr,
					     CGIFEEDBACK_SEARCHES_PER_DAY);
	if (status == FEEDBACK_FAILED) {
		cgi_respond_error(site, CGI_INTERNAL, response);
		return;
	}
	if (status == FEEDBACK_STORED)
		respond_json(response, 200, "stored", "search", 0);
	else if (status == FEEDBACK_LIMITED)
		respond_json(response, 429, "error", "limited", 0);
	else
		respond_json(response, 400, "error", "refused", 0);
}

void cgifeedback_post(const struct cgi_site *site,
		      const struct cgi_request *request,
		      struct cgi_response *response)
{
	const char *format = field(request, "format");
	struct vote_form form = {
		.page = field(request, "page"), .kind = field(request, "kind"),
		.vote = field(request, "vote"),
		.comment = field(request, "comment"),
		.vote_id = field(request, "vote_id"),
		.json = format != NULL && strcmp(format, "json") == 0,
	};
	const char *search = field(request, "search");

	if (site->feedback == NULL) {
		cgi_respond_error(site, CGI_NOT_FOUND, response);
		return;
	}
	if (!cgifeedback_same_origin(site, request)) {
		if (form.json)
			respond_json(response, 403, "error", "cross-origin", 0);
		else
			respond_message(site, response, 403,
					"feedback-thanks-title",
					"feedback-forbidden", NULL);
		return;
	}
	if (search != NULL) {
		store_unopened(site, request, search, response);
		return;
	}
	if (form.comment != NULL &&
	    !plain_text(form.comment, FEEDBACK_COMMENT_MAX)) {
		if (form.json)
			respond_json(response, 422, "error", "comment", 0);
		else
			respond_message(site, response, 422,
					"feedback-thanks-title",
					"feedback-comment-too-long",
					page_valid(site, form.page) ? form.page
								    : NULL);
		return;
	}
	if (!page_valid(site, form.page) ||
	    (form.vote_id == NULL &&
	     (form.kind == NULL || form.vote == NULL ||
	      (strcmp(form.kind, "article") != 0 &&
	       strcmp(form.kind, "outcome") != 0) ||
	      (strcmp(form.vote, "yes") != 0 && strcmp(form.vote, "no") != 0))) ||
	    (form.vote_id != NULL &&
	     (!digits(form.vote_id) || form.comment == NULL))) {
		if (form.json)
			respond_json(response, 400, "error",
				     cgi_strerror(CGI_BAD_VALUE), 0);
		else
			cgi_respond_error(site, CGI_BAD_VALUE, response);
		return;
	}
	if (form.vote_id != NULL)
		store_comment(site, request, &form, response);
	else
		store_vote(site, request, &form, response);
}
