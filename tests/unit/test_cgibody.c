/* kb.cgi's POST bodies (cgi/request.h): CONTENT_LENGTH's checks, the two
 * form encodings, uploads with any bytes, refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi/request.h"
#include "test.h"

struct env {
	const char *method, *length, *type;
};

static const char *fake_getenv(void *user, const char *name)
{
	const struct env *env = user;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return env->method;
	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return env->length;
	if (strcmp(name, "CONTENT_TYPE") == 0)
		return env->type;
	if (strcmp(name, "PATH_INFO") == 0)
		return "/bounce";
	return NULL;
}

static void parse(struct cgi_request *request, const char *length,
		  const char *type, const char *body, size_t body_length)
{
	struct env env = {"POST", length, type};

	cgi_request_parse(request, fake_getenv, &env);
	if (body != NULL)
		cgi_request_set_body(request, body, body_length);
}

int main(void)
{
	struct cgi_request request;
	const struct cgi_form_field *field;
	static const char multipart[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.eml\"\r\n"
		"Content-Type: message/rfc822\r\n\r\nline1\r\n\x00\x1b$B\r\n--XyZnot\r\n"
		"--XyZ--\r\nepilogue";
	char length[16];

	TEST_SUITE("cgi-body");
	parse(&request, NULL, NULL, NULL, 0);
	CHECK_INT(request.error, CGI_LENGTH_REQUIRED, "no CONTENT_LENGTH: 411");
	cgi_request_free(&request);
	parse(&request, "65537", "application/x-www-form-urlencoded", NULL, 0);
	CHECK_INT(request.error, CGI_PAYLOAD_TOO_LARGE, "over 64 KiB: 413");
	cgi_request_free(&request);
	parse(&request, "184467440737095516160", "x", NULL, 0);
	CHECK_INT(request.error, CGI_PAYLOAD_TOO_LARGE, "a length past size_t: 413, no overflow");
	cgi_request_free(&request);
	parse(&request, "-1", "x", NULL, 0);
	CHECK_INT(request.error, CGI_BAD_VALUE, "a negative length: 400");
	cgi_request_free(&request);
	parse(&request, "65536", "application/x-www-form-urlencoded", NULL, 0);
	CHECK_INT(request.error, CGI_OK, "64 KiB exactly: fine");
	CHECK_INT(request.content_length, 65536, "the length kept");
	cgi_request_free(&request);

	parse(&request, "24", "application/x-www-form-urlencoded; charset=UTF-8",
	      "a=1&text=550+5.1.1%0A%FF", 24);
	field = cgi_form_field(&request, "text");
	CHECK(request.error == CGI_OK && field != NULL && field->length == 11 &&
	      memcmp(field->value, "550 5.1.1\n\xff", 11) == 0,
	      "urlencoded: decoded, any bytes kept");
	cgi_request_free(&request);
	parse(&request, "30", "application/x-www-form-urlencoded", "text=x", 6);
	CHECK_INT(request.error, CGI_BAD_VALUE, "a body shorter than its length: 400");
	cgi_request_free(&request);
	parse(&request, "4", "text/plain", "text", 4);
	CHECK_INT(request.error, CGI_UNSUPPORTED_TYPE, "text/plain: 415");
	cgi_request_free(&request);
	parse(&request, "4", "", "text", 4);
	CHECK_INT(request.error, CGI_UNSUPPORTED_TYPE, "no type: 415");
	cgi_request_free(&request);

	snprintf(length, sizeof length, "%zu", sizeof multipart - 1);
	parse(&request, length, "multipart/form-data; boundary=XyZ", multipart,
	      sizeof multipart - 1);
	CHECK_INT(request.error, CGI_OK, "multipart: parsed");
	CHECK(cgi_form_field(&request, "text") == NULL, "multipart: an empty field is none");
	field = cgi_form_field(&request, "file");
	CHECK(field != NULL && field->length == 21 &&
	      memcmp(field->value, "line1\r\n\x00\x1b$B\r\n--XyZnot", 21) == 0,
	      "multipart: the upload's bytes whole, NUL and a near-delimiter included");
	CHECK(field != NULL && field->filename != NULL &&
	      strcmp(field->filename, "a b.eml") == 0, "multipart: the file's name");
	cgi_request_free(&request);
	parse(&request, "5", "multipart/form-data", "--XyZ", 5);
	CHECK_INT(request.error, CGI_BAD_VALUE, "multipart without a boundary: 400");
	cgi_request_free(&request);
	parse(&request, "9", "multipart/form-data; boundary=XyZ", "garbage!!", 9);
	CHECK_INT(request.error, CGI_BAD_VALUE, "multipart not starting with its delimiter: 400");
	cgi_request_free(&request);
	return TEST_EXIT();
}
