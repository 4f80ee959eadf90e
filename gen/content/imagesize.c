/*
 * imagesize.c — image dimensions from file headers (see imagesize.h).
 */
#include "content/imagesize.h"

#include <libxml/xmlreader.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint32_t big16(const unsigned char *at)
{
	return (uint32_t)at[0] << 8 | at[1];
}

static uint32_t big32(const unsigned char *at)
{
	return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 |
	       (uint32_t)at[2] << 8 | at[3];
}

static uint32_t little16(const unsigned char *at)
{
	return (uint32_t)at[1] << 8 | at[0];
}

static uint32_t little24(const unsigned char *at)
{
	return (uint32_t)at[2] << 16 | (uint32_t)at[1] << 8 | at[0];
}

static uint32_t little32(const unsigned char *at)
{
	return little24(at) | (uint32_t)at[3] << 24;
}

/* Keeps the size when it is a usable one. */
static enum image_format sized(enum image_format format, uint32_t w,
			       uint32_t h, unsigned *width, unsigned *height)
{
	if (w == 0 || h == 0 || w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE)
		return IMAGE_UNKNOWN;
	*width = (unsigned)w;
	*height = (unsigned)h;
	return format;
}

/* PNG: the signature, then IHDR, always the first chunk. */
static enum image_format png_size(const unsigned char *bytes, size_t length,
				  unsigned *width, unsigned *height)
{
	if (length < 24 || memcmp(bytes + 12, "IHDR", 4) != 0)
		return IMAGE_UNKNOWN;
	return sized(IMAGE_PNG, big32(bytes + 16), big32(bytes + 20), width,
		     height);
}

/* A JPEG start-of-frame marker: C0 to CF but C4 (Huffman tables), C8
 * (reserved) and CC (arithmetic coding conditions). */
static bool is_start_of_frame(unsigned char marker)
{
	return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 &&
	       marker != 0xC8 && marker != 0xCC;
}

/* JPEG: markers from SOI on, each segment skipped by its length, until
 * the first SOF, which holds the frame's height and width. */
static enum image_format jpeg_size(const unsigned char *bytes, size_t length,
				   unsigned *width, unsigned *height)
{
	size_t at = 2;

	while (at + 4 <= length) {
		unsigned char marker;
		size_t segment;

		if (bytes[at] != 0xFF)
			return IMAGE_UNKNOWN;
		while (at < length && bytes[at] == 0xFF)	/* fill bytes */
			at++;
		if (at >= length)
			return IMAGE_UNKNOWN;
		marker = bytes[at++];
		if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
			continue;	/* standalone: no length */
		if (marker == 0xD9 || marker == 0xDA || at + 2 > length)
			return IMAGE_UNKNOWN;	/* end, or scan data first */
		segment = big16(bytes + at);
		if (segment < 2)
			return IMAGE_UNKNOWN;
		if (is_start_of_frame(marker)) {
			if (segment < 7 || at + 7 > length)
				return IMAGE_UNKNOWN;
			return sized(IMAGE_JPEG, big16(bytes + at + 5),
				     big16(bytes + at + 3), width, height);
		}
		at += segment;
	}
	return IMAGE_UNKNOWN;
}

/* GIF: the logical screen's width and height follow the signature. */
static enum image_format gif_size(const unsigned char *bytes, size_t length,
				  unsigned *width, unsigned *height)
{
	if (length < 10)
		return IMAGE_UNKNOWN;
	return sized(IMAGE_GIF, little16(bytes + 6), little16(bytes + 8),
		     width, height);
}

/* WebP: a RIFF file whose first chunk is VP8 (lossy: the key frame's
 * 14-bit sizes after its start code), VP8L (lossless: 14-bit sizes minus
 * one after the signature byte 0x2f) or VP8X (extended: the canvas's
 * 24-bit sizes minus one). */
static enum image_format webp_size(const unsigned char *bytes, size_t length,
				   unsigned *width, unsigned *height)
{
	const unsigned char *chunk = bytes + 12, *data = bytes + 20;

	if (length < 30)
		return IMAGE_UNKNOWN;
	if (memcmp(chunk, "VP8 ", 4) == 0) {
		if (memcmp(data + 3, "\x9d\x01\x2a", 3) != 0 || (data[0] & 1))
			return IMAGE_UNKNOWN;	/* not a key frame */
		return sized(IMAGE_WEBP, little16(data + 6) & 0x3FFF,
			     little16(data + 8) & 0x3FFF, width, height);
	}
	if (memcmp(chunk, "VP8L", 4) == 0) {
		uint32_t bits;
		if (data[0] != 0x2F)
			return IMAGE_UNKNOWN;
		bits = little32(data + 1);
		return sized(IMAGE_WEBP, (bits & 0x3FFF) + 1,
			     ((bits >> 14) & 0x3FFF) + 1, width, height);
	}
	if (memcmp(chunk, "VP8X", 4) == 0)
		return sized(IMAGE_WEBP, little24(data + 4) + 1,
			     little24(data + 7) + 1, width, height);
	return IMAGE_UNKNOWN;
}

/* An SVG length in CSS pixels: a number alone or with "px"; 0 for a
 * relative one (%, em) or none. */
static double svg_length(const char *text)
{
	char *end;
	double value;

	if (text == NULL)
		return 0;
	value = strtod(text, &end);
	if (end == text || !isfinite(value) || value <= 0)
		return 0;
	while (*end == ' ')
		end++;
	if (strncmp(end, "px", 2) == 0)
		end += 2;
	while (*end == ' ')
		end++;
	return *end == '\0' ? value : 0;
}

/* The viewBox's width and height ("min-x min-y width height", spaces or
 * commas between); false when it is not one. */
static bool svg_view_box(const char *text, double *w, double *h)
{
	double values[4];
	const char *at = text;

	if (text == NULL)
		return false;
	for (int i = 0; i < 4; i++) {
		char *end;
		while (*at == ' ' || *at == ',' || *at == '\t' || *at == '\n')
			at++;
		values[i] = strtod(at, &end);
		if (end == at || !isfinite(values[i]))
			return false;
		at = end;
	}
	*w = values[2];
	*h = values[3];
	return *w > 0 && *h > 0;
}

static uint32_t rounded(double value)
{
	return value >= IMAGE_MAX_SIDE + 1 ? 0 : (uint32_t)(value + 0.5);
}

/* The root element's width, height and viewBox: both sizes when given
 * in px, one of them with the viewBox's ratio, else the viewBox's. */
static enum image_format svg_root_size(xmlTextReaderPtr reader,
				       unsigned *width, unsigned *height)
{
	char *w_text = (char *)xmlTextReaderGetAttribute(reader, BAD_CAST "width");
	char *h_text = (char *)xmlTextReaderGetAttribute(reader, BAD_CAST "height");
	char *box = (char *)xmlTextReaderGetAttribute(reader, BAD_CAST "viewBox");
	double w = svg_length(w_text), h = svg_length(h_text), box_w, box_h;
	bool has_box = svg_view_box(box, &box_w, &box_h);

	xmlFree(w_text);
	xmlFree(h_text);
	xmlFree(box);
	if ((w == 0 || h == 0) && has_box) {
		if (w > 0)
			h = w * box_h / box_w;
		else if (h > 0)
			w = h * box_w / box_h;
		else {
			w = box_w;
			h = box_h;
		}
	}
	if (w <= 0 || h <= 0)
		return IMAGE_UNKNOWN;
	return sized(IMAGE_SVG, rounded(w), rounded(h), width, height);
}

/* libxml2 would print the parse errors of a writer's broken SVG on
 * stderr: an image without a size is no error of the build. */
static void quiet(void *user, const char *message,
		  xmlParserSeverities severity, xmlTextReaderLocatorPtr locator)
{
	(void)user;
	(void)message;
	(void)severity;
	(void)locator;
}

/* SVG: the first element, if it is <svg> (in any namespace prefix). */
static enum image_format svg_size(const char *bytes, size_t length,
				  unsigned *width, unsigned *height)
{
	xmlTextReaderPtr reader;
	enum image_format format = IMAGE_UNKNOWN;
	int step;

	if (length > INT32_MAX)
		return IMAGE_UNKNOWN;
	reader = xmlReaderForMemory(bytes, (int)length, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR |
				    XML_PARSE_NOWARNING);
	if (reader == NULL)
		return IMAGE_UNKNOWN;
	xmlTextReaderSetErrorHandler(reader, quiet, NULL);
	while ((step = xmlTextReaderRead(reader)) == 1) {
		const xmlChar *name;
		if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT)
			continue;
		name = xmlTextReaderConstLocalName(reader);
		if (name != NULL && xmlStrEqual(name, BAD_CAST "svg"))
			format = svg_root_size(reader, width, height);
		break;
	}
	xmlFreeTextReader(reader);
	return format;
}

enum image_format image_size(const char *text, size_t length,
			     unsigned *width, unsigned *height)
{
	const unsigned char *bytes = (const unsigned char *)text;

	*width = *height = 0;
	if (length >= 8 && memcmp(bytes, "\x89PNG\r\n\x1a\n", 8) == 0)
		return png_size(bytes, length, width, height);
	if (length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 &&
	    bytes[2] == 0xFF)
		return jpeg_size(bytes, length, width, height);
	if (length >= 6 && (memcmp(bytes, "GIF87a", 6) == 0 ||
			    memcmp(bytes, "GIF89a", 6) == 0))
		return gif_size(bytes, length, width, height);
	if (length >= 12 && memcmp(bytes, "RIFF", 4) == 0 &&
	    memcmp(bytes + 8, "WEBP", 4) == 0)
		return webp_size(bytes, length, width, height);
	return svg_size(text, length, width, height);
}

const char *image_format_name(enum image_format format)
{
	switch (format) {
	case IMAGE_PNG:
		return "png";
	case IMAGE_JPEG:
		return "jpeg";
	case IMAGE_GIF:
		return "gif";
	case IMAGE_WEBP:
		return "webp";
	case IMAGE_SVG:
		return "svg";
	default:
		return "unknown";
	}
}
