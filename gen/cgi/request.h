/*
 * request.h — a CGI/1.1 request (RFC 3875) as pure computation: read from
 * an environment through a hook, checked for what every route needs
 * (sizes, UTF-8, NUL), and the declarative validators the routes apply to
 * the parameters they read. Nothing here reads stdin or the process
 * environment itself: kb.cgi's main passes getenv, the tests and the
 * fuzzer pass made-up environments.
 */
#ifndef KB_CGI_REQUEST_H
#define KB_CGI_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define CGI_QUERY_MAX_BYTES 4096
#define CGI_PATH_MAX_BYTES 1024
/* Search result pages: this many results each, at most CGI_PAGE_MAX. */
#define CGI_RESULTS_PER_PAGE 10
#define CGI_PAGE_MAX 1000
/* A POST body (a pasted or uploaded bounce) is read up to this. */
#define CGI_BODY_MAX_BYTES ((size_t)64 << 10)

/* Why a request was not served as asked. */
enum cgi_error {
	CGI_OK = 0,
	CGI_NOT_FOUND,		/* no such route, tree or node: 404 */
	CGI_METHOD,		/* not GET or HEAD: 405 */
	CGI_TOO_LARGE,		/* query string, path or q over its limit: 400 */
	CGI_BAD_UTF8,		/* path or a parameter is not UTF-8: 400 */
	CGI_NUL,		/* a NUL byte (%00) in a parameter: 400 */
	CGI_BAD_VALUE,		/* a parameter its validator refuses: 400 */
	CGI_UNAVAILABLE,	/* no usable database (missing, old): 503 */
	CGI_INTERNAL,		/* the database failed mid-request: 500 */
	CGI_TOO_BROAD,		/* a query over its cost budget: 422 */
	CGI_PAYLOAD_TOO_LARGE,	/* CONTENT_LENGTH over CGI_BODY_MAX_BYTES: 413 */
	CGI_UNSUPPORTED_TYPE,	/* a body neither form encoding: 415 */
	CGI_LENGTH_REQUIRED,	/* POST without a CONTENT_LENGTH: 411 */
};

/* A short English message for a cgi_error; static, never NULL. */
const char *cgi_strerror(int error);

enum cgi_method { CGI_GET, CGI_HEAD, CGI_POST, CGI_OTHER };

/* One field of a POST body: a value (a form field, or a file's bytes)
 * that may hold any bytes, NUL included, which is why it has a length;
 * it is NUL-terminated too. filename is the upload's name, or NULL. */
struct cgi_form_field {
	char *name, *value, *filename;
	size_t length;
};

/* One query parameter, '+' and %XX decoded. Both strings are
 * NUL-terminated and hold no NUL (a request with one is refused). */
struct cgi_param {
	char *name, *value;
};

struct cgi_request {
	enum cgi_method method;
	char *method_name;	/* as sent; "" when unset */
	char *path_info;	/* "" when unset */
	char *script_name;	/* "" when unset */
	char *query_string;	/* raw; "" when unset or refused */
	struct cgi_param *params;	/* in order, empty names skipped */
	size_t param_count;
	/* POST: CONTENT_LENGTH (checked: at most CGI_BODY_MAX_BYTES) and
	 * CONTENT_TYPE as sent; the body's fields once cgi_request_set_body
	 * read it */
	size_t content_length;
	char *content_type;	/* "" when unset */
	struct cgi_form_field *form;
	size_t form_count;
	/* Where the request came from, for the same-origin check of a
	 * write (HTTP_ORIGIN, HTTP_SEC_FETCH_SITE, HTTP_HOST, HTTPS) and the
	 * client's address (REMOTE_ADDR, only ever hashed); each "" when
	 * unset */
	char *origin, *fetch_site, *host, *remote_addr;
	bool https;
	enum cgi_error error;	/* the first problem found, or CGI_OK */
};

/* Reads a variable of the environment, or NULL when unset. */
typedef const char *(*cgi_getenv_fn)(void *user, const char *name);

/* Reads REQUEST_METHOD, PATH_INFO, SCRIPT_NAME and QUERY_STRING (and for
 * POST, CONTENT_LENGTH and CONTENT_TYPE) through getenv and checks what
 * applies to every route (sizes, UTF-8, NUL; a POST's length: missing is
 * CGI_LENGTH_REQUIRED, over CGI_BODY_MAX_BYTES CGI_PAYLOAD_TOO_LARGE).
 * Never fails: problems are kept in request->error. The request owns
 * every string in it; release them with cgi_request_free. */
void cgi_request_parse(struct cgi_request *request, cgi_getenv_fn getenv,
		       void *user);

/* The body of a POST (exactly request->content_length bytes, read by
 * the caller from standard input or the FastCGI stream; fewer when the
 * client sent fewer, which is refused) parsed by CONTENT_TYPE:
 * application/x-www-form-urlencoded or multipart/form-data (fields and
 * file uploads), anything else CGI_UNSUPPORTED_TYPE. Sets request->error
 * on a problem. Field values are not checked for UTF-8: a bounce may be
 * in any charset. */
void cgi_request_set_body(struct cgi_request *request, const char *body,
			  size_t length);

/* The first form field called name with a non-empty value, or NULL.
 * Borrowed. */
const struct cgi_form_field *cgi_form_field(const struct cgi_request *request,
					    const char *name);

/* Frees what cgi_request_parse allocated and zeroes *request. */
void cgi_request_free(struct cgi_request *request);

/* The value of the first parameter called name, or NULL. Borrowed. */
const char *cgi_param(const struct cgi_request *request, const char *name);

/*
 * Validation is declarative, as kcgi does it: each route lists the
 * parameters it reads with a pure check function and what to do when the
 * check fails (refuse the request, or drop the parameter); parameters no
 * rule names are ignored. The route then sees only values that passed.
 */

enum cgi_on_failure { CGI_REFUSE, CGI_DROP };

struct cgi_field_rule {
	const char *name;	/* NULL: any parameter */
	enum cgi_error (*check)(const char *name, const char *value);
					/* NULL: the rule matches nothing */
	enum cgi_on_failure on_failure;
};

/* The parameters that passed their rules, in request order. */
struct cgi_fields {
	const struct cgi_param **items;	/* borrowed from the request */
	size_t count;
};

/* Applies rules (rule_count of them) to every parameter of request; the
 * first rule whose name matches decides. Keeps those that passed in
 * *kept: the array is the caller's to free (free(kept->items)), also
 * after a refusal; the parameters stay the request's. Returns the first
 * refusal, or CGI_OK. */
enum cgi_error cgi_validate(const struct cgi_request *request,
			    const struct cgi_field_rule *rules,
			    size_t rule_count, struct cgi_fields *kept);

/* The value of the first kept field called name, or NULL. Borrowed. */
const char *cgi_field(const struct cgi_fields *fields, const char *name);

/* q: at most SEARCH_QUERY_MAX_CHARACTERS code points, no control
 * characters but tab, CR and LF. */
enum cgi_error cgi_check_query(const char *name, const char *value);

/* page: empty (the first), or a decimal number 1..CGI_PAGE_MAX. */
enum cgi_error cgi_check_page(const char *name, const char *value);

/* node=option of a wizard walk: both must be ids (tree_id_valid). */
enum cgi_error cgi_check_answer(const char *name, const char *value);

/* q, checked by cgi_check_query, with every character it may not carry
 * into a page or the index read as a space (tab, CR, LF, bidi controls,
 * line and paragraph separators, non-characters). NULL for NULL; the
 * caller frees. */
char *cgi_query_clean(const char *q);

#endif
