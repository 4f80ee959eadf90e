/*
 * fuzz_cgibody.c — libFuzzer harness for kb.cgi's POST bodies
 * (cgi_request_set_body, cgi/request.h): both form encodings, uploads,
 * and the bounce routes answering what they parsed.
 *
 * Input: the CONTENT_TYPE up to the first '\n' (a NUL ends it too, as no
 * environment variable can hold one), the body after it. The promises
 * kept, or the harness aborts (a crash for libFuzzer):
 *   - every field's value lies within the body it came from (its length
 *     no larger) and is NUL-terminated at that length;
 *   - a field is only ever named, never nameless;
 *   - at most 64 fields;
 *   - a refused body keeps no fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi/request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct env {
	const char *type, *length;
};

static const char *fake_getenv(void *user, const char *name)
{
	const struct env *env = user;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return "POST";
	if (strcmp(name, "PATH_INFO") == 0)
		return "/bounce";
	if (strcmp(name, "CONTENT_TYPE") == 0)
		return env->type;
	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return env->length;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bytes = (const char *)data;
	const char *newline = memchr(bytes, '\n', size);
	size_t type_length = newline ? (size_t)(newline - bytes) : size;
	const char *body = newline ? newline + 1 : bytes + size;
	size_t body_length = size - (size_t)(body - bytes);
	char *type = malloc(type_length + 1), length[24];
	struct env env = {type, length};
	struct cgi_request request;

	memcpy(type, bytes, type_length);
	type[type_length] = '\0';
	snprintf(length, sizeof length, "%zu", body_length);
	cgi_request_parse(&request, fake_getenv, &env);
	cgi_request_set_body(&request, body, body_length);
	if (request.form_count > 64 ||
	    (request.error != CGI_OK && request.form_count > 0))
		abort();
	for (size_t i = 0; i < request.form_count; i++) {
		const struct cgi_form_field *field = &request.form[i];
		if (field->name == NULL || *field->name == '\0' ||
		    field->value == NULL || field->length > body_length ||
		    field->value[field->length] != '\0')
			abort();
	}
	cgi_request_free(&request);
	free(type);
	return 0;
}
