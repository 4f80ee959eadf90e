/*
 * files.c — images and attachments beside an article (see site.h): which
 * links name one, where it is read and published, its URL and size.
 */
#include "content/site.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/util.h"
#include "content/imagesize.h"

/* The extensions published beside an article. Nothing that a browser
 * would run as a page of the site (html, js): raw HTML is no more
 * welcome as a file than in Markdown. */
static const char *const published_extensions[] = {
	"png", "jpg", "jpeg", "gif", "webp", "svg", "avif", "bmp", "ico",
	"pdf", "txt", "csv", "zip", "docx", "xlsx", "pptx", "mp3", "mp4",
	"webm", NULL,
};

static bool published_extension(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');

	if (dot == NULL || dot[1] == '\0')
		return false;
	for (size_t i = 0; published_extensions[i] != NULL; i++)
		if (strcasecmp(dot + 1, published_extensions[i]) == 0)
			return true;
	return false;
}

enum site_file site_file_reference(const char *url, char **name)
{
	size_t path_length = strcspn(url, "?#");
	char *path, *normal;

	*name = NULL;
	if (!site_link_is_relative(url) || path_length == 0)
		return SITE_FILE_NONE;
	path = percent_decode(url, path_length);
	if (path[strlen(path) - 1] == '/' || !published_extension(path)) {
		free(path);
		return SITE_FILE_NONE;
	}
	normal = site_normalize_path("", path);
	free(path);
	if (normal == NULL || *normal == '\0') {
		free(normal);
		return SITE_FILE_OUTSIDE;
	}
	*name = normal;
	return SITE_FILE_BESIDE;
}

char *site_file_source(const struct article *article, const char *name)
{
	const char *slash = strrchr(article->source, '/');
	size_t folder = slash ? (size_t)(slash - article->source) : 0;

	return xasprintf("%.*s/%s", (int)folder, article->source, name);
}

char *site_file_output(const struct article *article, const char *name)
{
	return xasprintf("%s%s", article->url_path, name);
}

char *site_file_url(const struct site *site, const struct article *article,
		    const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	char *output = site_file_output(article, name), *url;
	struct buf encoded = {0};

	for (const unsigned char *c = (const unsigned char *)output; *c; c++) {
		if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~/", *c) != NULL) {
			buf_addc(&encoded, (char)*c);
		} else {
			buf_addc(&encoded, '%');
			buf_addc(&encoded, hex[*c >> 4]);
			buf_addc(&encoded, hex[*c & 15]);
		}
	}
	url = site_url(site, buf_cstr(&encoded));
	buf_free(&encoded);
	free(output);
	return url;
}

void site_article_files(const struct article *article,
			struct string_list *names)
{
	size_t kept = 0;

	*names = (struct string_list){0};
	for (size_t i = 0; i < article->link_count; i++) {
		char *name;
		if (site_file_reference(article->links[i].url, &name) ==
		    SITE_FILE_BESIDE)
			string_list_add(names, name);
		free(name);
	}
	if (names->count > 1)
		qsort(names->items, names->count, sizeof *names->items,
		      compare_strings);
	for (size_t i = 0; i < names->count; i++) {
		if (kept > 0 && strcmp(names->items[kept - 1], names->items[i]) == 0) {
			free(names->items[i]);
			continue;
		}
		names->items[kept++] = names->items[i];
	}
	names->count = kept;
}

/* Enough of a file for its header: an SVG's root element, a JPEG's
 * frame after its metadata segments (EXIF thumbnails reach 64 KiB). */
#define HEADER_BYTES (256 * 1024)

bool site_file_image_size(const struct site *site,
			  const struct article *article, const char *name,
			  unsigned *width, unsigned *height)
{
	char *source = site_file_source(article, name);
	char *path = path_join(site->root, source);
	char *bytes = xmalloc(HEADER_BYTES);
	size_t length = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool known = false;

	*width = *height = 0;
	while (fd >= 0 && length < HEADER_BYTES) {
		ssize_t got = read(fd, bytes + length, HEADER_BYTES - length);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		length += (size_t)got;
	}
	if (fd >= 0) {
		close(fd);
		known = image_size(bytes, length, width, height) != IMAGE_UNKNOWN;
	}
	free(bytes);
	free(path);
	free(source);
	return known;
}
