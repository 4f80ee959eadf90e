/*
 * feed.c — machine-readable indexes of the site.
 */
#include "html/feed.h"

#include <errno.h>
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "base/util.h"

char *feed_rfc3339(const char *date)
{
	size_t length = strlen(date);
	char *result;

	if (length == 10)
		return xasprintf("%sT00:00:00Z", date);
	result = xstrdup(date);
	if (length > 10 && result[10] == ' ')
		result[10] = 'T';
	if (length == 16) {		/* YYYY-MM-DDTHH:MM */
		char *longer = xasprintf("%s:00Z", result);
		free(result);
		return longer;
	}
	if (length == 19) {		/* no zone: take it as UTC */
		char *longer = xasprintf("%sZ", result);
		free(result);
		return longer;
	}
	return result;
}

static xmlTextWriterPtr open_writer(xmlBufferPtr *buffer)
{
	xmlTextWriterPtr writer;

	/* Both fail only when memory runs out. */
	*buffer = xmlBufferCreate();
	writer = *buffer ? xmlNewTextWriterMemory(*buffer, 0) : NULL;
	if (writer == NULL)
		out_of_memory();
	xmlTextWriterSetIndent(writer, 1);
	xmlTextWriterStartDocument(writer, NULL, "UTF-8", NULL);
	return writer;
}

static int close_writer(xmlTextWriterPtr writer, xmlBufferPtr buffer,
			const char *out_dir, const char *name)
{
	char *path = path_join(out_dir, name);
	int rc = 0;

	xmlTextWriterEndDocument(writer);
	xmlFreeTextWriter(writer);
	if (write_file(path, xmlBufferContent(buffer),
		       (size_t)xmlBufferLength(buffer)) != 0) {
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
		rc = -1;
	}
	xmlBufferFree(buffer);
	free(path);
	return rc;
}

static void sitemap_url(xmlTextWriterPtr writer, const struct site *site,
			const char *path, const char *lastmod)
{
	char *location = xasprintf("%s%s", site->config.base_url, path);

	xmlTextWriterStartElement(writer, BAD_CAST "url");
	xmlTextWriterWriteElement(writer, BAD_CAST "loc", BAD_CAST location);
	if (lastmod && *lastmod) {
		char *date = xstrndup(lastmod, 10);
		xmlTextWriterWriteElement(writer, BAD_CAST "lastmod", BAD_CAST date);
		free(date);
	}
	xmlTextWriterEndElement(writer);
	free(location);
}

int feed_write_sitemap(const struct site *site, const struct feed_extra *extra,
		       const char *out_dir)
{
	xmlBufferPtr buffer;
	xmlTextWriterPtr writer = open_writer(&buffer);

	xmlTextWriterStartElement(writer, BAD_CAST "urlset");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "xmlns",
		BAD_CAST "http://www.sitemaps.org/schemas/sitemap/0.9");
	sitemap_url(writer, site, "", site->article_count
		    ? site->recent[0]->updated : NULL);
	for (size_t i = 0; i < site->section_count; i++) {
		sitemap_url(writer, site, site->sections[i]->url_path, NULL);
	}
	for (size_t i = 0; i < site->article_count; i++)
		sitemap_url(writer, site, site->articles[i]->url_path,
			    site->articles[i]->updated);
	for (size_t i = 0; i < site->tag_count; i++) {
		char *path = xasprintf("tags/%s/", site->tags[i]->slug);
		sitemap_url(writer, site, path, NULL);
		free(path);
	}
	for (size_t i = 0; extra && i < extra->count; i++)
		sitemap_url(writer, site, extra->paths[i], NULL);
	xmlTextWriterEndElement(writer);
	return close_writer(writer, buffer, out_dir, "sitemap.xml");
}

static void atom_entry(xmlTextWriterPtr writer, const struct site *site,
		       const struct article *article)
{
	char *url = xasprintf("%s%s", site->config.base_url, article->url_path);
	char *updated = feed_rfc3339(*article->updated ? article->updated
				     : "1970-01-01");

	xmlTextWriterStartElement(writer, BAD_CAST "entry");
	xmlTextWriterWriteElement(writer, BAD_CAST "title",
				  BAD_CAST article->meta.title);
	xmlTextWriterStartElement(writer, BAD_CAST "link");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "href", BAD_CAST url);
	xmlTextWriterEndElement(writer);
	xmlTextWriterWriteElement(writer, BAD_CAST "id", BAD_CAST url);
	xmlTextWriterWriteElement(writer, BAD_CAST "updated", BAD_CAST updated);
	if (*site_description(article))
		xmlTextWriterWriteElement(writer, BAD_CAST "summary",
					  BAD_CAST site_description(article));
	xmlTextWriterEndElement(writer);
	free(updated);
	free(url);
}

int feed_write_atom(const struct site *site, const char *out_dir, size_t limit)
{
	xmlBufferPtr buffer;
	xmlTextWriterPtr writer = open_writer(&buffer);
	char *self = xasprintf("%sfeed.xml", site->config.base_url);
	char *updated = feed_rfc3339(site->article_count &&
				     *site->recent[0]->updated
				     ? site->recent[0]->updated : "1970-01-01");
	size_t count = site->article_count < limit ? site->article_count : limit;

	xmlTextWriterStartElement(writer, BAD_CAST "feed");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "xmlns",
				    BAD_CAST "http://www.w3.org/2005/Atom");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "xml:lang",
				    BAD_CAST site->config.language);
	xmlTextWriterWriteElement(writer, BAD_CAST "title",
				  BAD_CAST site->config.title);
	xmlTextWriterWriteElement(writer, BAD_CAST "id",
				  BAD_CAST site->config.base_url);
	xmlTextWriterWriteElement(writer, BAD_CAST "updated", BAD_CAST updated);
	xmlTextWriterStartElement(writer, BAD_CAST "link");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "rel", BAD_CAST "self");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "href", BAD_CAST self);
	xmlTextWriterEndElement(writer);
	xmlTextWriterStartElement(writer, BAD_CAST "link");
	xmlTextWriterWriteAttribute(writer, BAD_CAST "href",
				    BAD_CAST site->config.base_url);
	xmlTextWriterEndElement(writer);
	xmlTextWriterStartElement(writer, BAD_CAST "author");
	xmlTextWriterWriteElement(writer, BAD_CAST "name",
				  BAD_CAST site->config.title);
	xmlTextWriterEndElement(writer);
	for (size_t i = 0; i < count; i++)
		if (!site->recent[i]->meta.unlisted)
			atom_entry(writer, site, site->recent[i]);
	xmlTextWriterEndElement(writer);
	free(updated);
	free(self);
	return close_writer(writer, buffer, out_dir, "feed.xml");
}

int feed_write_robots(const struct site *site, const char *out_dir)
{
	char *path = path_join(out_dir, "robots.txt");
	char *text = xasprintf("User-agent: *\nAllow: /\n\nSitemap: %ssitemap.xml\n",
			       site->config.base_url);
	int rc = write_file(path, text, strlen(text));

	if (rc != 0)
		diag_error(path, 0, 0, "cannot write: %s", strerror(errno));
	free(text);
	free(path);
	return rc;
}
