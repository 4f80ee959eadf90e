/*
 * fuzz_config.c — libFuzzer harness for site.yaml (site_config_parse).
 *
 * Input: the bytes of a site.yaml. The promises kept, or the harness
 * aborts (a crash for libFuzzer):
 *   - a rejected file reported at least one error through diag, and an
 *     accepted one none;
 *   - an accepted file has a base_url that starts with http:// or
 *     https://, names a host and ends with '/', and a base_path that
 *     starts and ends with '/' and is the end of base_url;
 *   - every text the config holds is NUL-terminated and valid to read,
 *     and site_config_free releases it all (ASan's leak check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "content/site.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_base(const struct site_config *config)
{
	const char *url = config->base_url, *host;
	size_t url_length, path_length;

	if (strncmp(url, "http://", 7) == 0)
		host = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		host = url + 8;
	else
		abort();
	if (*host == '\0' || *host == '/')
		abort();
	url_length = strlen(url);
	path_length = strlen(config->base_path);
	if (url[url_length - 1] != '/' || config->base_path[0] != '/' ||
	    config->base_path[path_length - 1] != '/' ||
	    path_length >= url_length ||
	    strcmp(url + url_length - path_length, config->base_path) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct site_config config;
	bool ok;

	diag_clear();
	ok = site_config_parse((const char *)data, size, &config);
	if (ok != (diag_error_count() == 0))
		abort();
	if (ok) {
		check_base(&config);
		if (strlen(config.title) + strlen(config.description) +
		    strlen(config.language) == (size_t)-1)
			abort();
	}
	site_config_free(&config);
	diag_clear();
	return 0;
}
