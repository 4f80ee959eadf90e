/*
 * paths.c — paths and page URLs: joining and normalising relative paths,
 * tag slugs and alias paths, and base_path + path.
 */
#include "content/site.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/util.h"

char *site_url(const struct site *site, const char *path)
{
	return xasprintf("%s%s", site->config.base_path, path);
}

char *site_normalize_path(const char *directory, const char *relative)
{
	char *joined = *relative == '/' ? xstrdup(relative + 1)
					: path_join(directory, relative);
	char **segments = xcalloc(strlen(joined) + 1, sizeof *segments);
	size_t count = 0;
	struct buf result = {0};
	char *save = NULL;
	char *result_text = NULL;

	for (char *segment = strtok_r(joined, "/", &save); segment;
	     segment = strtok_r(NULL, "/", &save)) {
		if (strcmp(segment, ".") == 0)
			continue;
		if (strcmp(segment, "..") == 0) {
			if (count == 0)
				goto out;
			count--;
			continue;
		}
		segments[count++] = segment;
	}
	for (size_t i = 0; i < count; i++) {
		if (i)
			buf_addc(&result, '/');
		buf_adds(&result, segments[i]);
	}
	result_text = buf_detach(&result);
out:
	buf_free(&result);
	free(segments);
	free(joined);
	return result_text;
}

char *site_tag_slug(const char *tag)
{
	const utf8proc_uint8_t *cursor = (const utf8proc_uint8_t *)tag;
	struct buf slug = {0};
	utf8proc_int32_t code;

	while (*cursor) {
		utf8proc_uint8_t encoded[4];
		utf8proc_ssize_t size = utf8proc_iterate(cursor, -1, &code);
		if (size <= 0) {
			cursor++;
			continue;
		}
		cursor += size;
		if (code == ' ' || code == '/' || code == '\\' || code == '?' ||
		    code == '#' || code == '%' || code == '"' || code == '\'' ||
		    code == '<' || code == '>' || code == '&' || code < 0x20) {
			if (slug.length && slug.data[slug.length - 1] != '-')
				buf_addc(&slug, '-');
			continue;
		}
		code = utf8proc_tolower(code);
		buf_add(&slug, (const char *)encoded,
			(size_t)utf8proc_encode_char(code, encoded));
	}
	if (slug.length == 0 || strcmp(buf_cstr(&slug), ".") == 0 ||
	    strcmp(buf_cstr(&slug), "..") == 0) {
		buf_free(&slug);
		return xstrdup("tag");
	}
	return buf_detach(&slug);
}

char *site_alias_path(const char *url_path, const char *alias)
{
	/* Hugo's rule: an alias without a leading '/' is relative to the
	 * folder the page's URL is in ("old" for docs/new/ is docs/old/) */
	size_t length = strlen(url_path);
	char *directory;
	char *normalized, *path;

	while (length > 0 && url_path[length - 1] == '/')
		length--;
	while (length > 0 && url_path[length - 1] != '/')
		length--;
	directory = xstrndup(url_path, length);
	normalized = site_normalize_path(directory, alias);
	free(directory);

	if (normalized == NULL || *normalized == '\0' ||
	    strpbrk(normalized, "?#%\\") != NULL) {
		free(normalized);
		return NULL;
	}
	path = xasprintf("%s/", normalized);
	free(normalized);
	return path;
}

char *site_source_path(const char *folder, const char *name)
{
	return *folder ? xconcat("content/", folder, "/", name, (char *)NULL)
		       : xconcat("content/", name, (char *)NULL);
}
