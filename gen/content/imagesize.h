/*
 * imagesize.h — an image's width and height from its first bytes, so a
 * page can give <img> its size and not shift while the image loads.
 *
 * Reads PNG (IHDR), JPEG (the first SOF marker), GIF (the logical
 * screen), WebP (VP8, VP8L and VP8X) and SVG (width and height in px or
 * without a unit, else the viewBox, through libxml2's reader: no network,
 * no entities expanded, only the root element read). The bytes come from
 * the writer's content folder, so every read is bounds-checked; nothing
 * is decoded past the header.
 */
#ifndef KB_IMAGESIZE_H
#define KB_IMAGESIZE_H

#include <stddef.h>

enum image_format {
	IMAGE_UNKNOWN, IMAGE_PNG, IMAGE_JPEG, IMAGE_GIF, IMAGE_WEBP, IMAGE_SVG,
};

/* The largest width or height taken from a file; anything larger (or 0)
 * is no size. */
#define IMAGE_MAX_SIDE 100000

/* The format of the length bytes at bytes and, when it is one of those
 * above and its header gives a size from 1 to IMAGE_MAX_SIDE, that size
 * in *width and *height (CSS pixels; a JPEG's EXIF rotation is not
 * applied). IMAGE_UNKNOWN, with *width and *height 0, otherwise (a
 * format it does not know, a truncated or damaged header, an SVG whose
 * size is relative). */
enum image_format image_size(const char *bytes, size_t length,
			     unsigned *width, unsigned *height);

/* "png", "jpeg", "gif", "webp", "svg" or "unknown"; static. */
const char *image_format_name(enum image_format format);

#endif
