/* Image dimensions from headers: each format, the JPEG segments before
 * the frame, SVG lengths and viewBox, and every truncation of every
 * header giving no size rather than a wrong one. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "content/imagesize.h"
#include "test.h"

struct sample {
	const char *what;
	const char *bytes;
	size_t length;
	enum image_format format;
	unsigned width, height;
};

#define BYTES(literal) literal, sizeof literal - 1

static const struct sample samples[] = {
	{"PNG: IHDR", BYTES("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\x2c\0\0\0\xc8"
			    "\x08\x02\0\0\0"), IMAGE_PNG, 300, 200},
	{"PNG: a first chunk other than IHDR", BYTES("\x89PNG\r\n\x1a\n\0\0\0\rtEXt"
			    "\0\0\x01\x2c\0\0\0\xc8"), IMAGE_UNKNOWN, 0, 0},
	{"GIF87a", BYTES("GIF87a\x05\0\x07\0\x80\0\0"), IMAGE_GIF, 5, 7},
	{"GIF89a", BYTES("GIF89a\x20\x03\x58\x02\x80\0\0"), IMAGE_GIF, 800, 600},
	{"JPEG: APP0, fill bytes, DQT, then SOF0",
	 BYTES("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
	       "\xff\xff\xdb\0\x04\x01\x02"
	       "\xff\xc0\0\x0b\x08\x01\xe0\x02\x80\x01\x01\x11\0\xff\xd9"),
	 IMAGE_JPEG, 640, 480},
	{"JPEG: progressive SOF2 after DHT (C4 is no frame)",
	 BYTES("\xff\xd8\xff\xc4\0\x04\0\0\xff\xc2\0\x0b\x08\0\x10\0\x20\x01\x01\x11\0"),
	 IMAGE_JPEG, 32, 16},
	{"JPEG: scan data before any frame", BYTES("\xff\xd8\xff\xda\0\x04\0\0"),
	 IMAGE_UNKNOWN, 0, 0},
	{"JPEG: a segment length under 2", BYTES("\xff\xd8\xff\xe0\0\x01\0\0\0\0"),
	 IMAGE_UNKNOWN, 0, 0},
	{"JPEG: a height of 0 (defined later by DNL)",
	 BYTES("\xff\xd8\xff\xc0\0\x0b\x08\0\0\x02\x80\x01\x01\x11\0"), IMAGE_UNKNOWN, 0, 0},
	{"WebP: lossy VP8", BYTES("RIFF\x1e\0\0\0WEBPVP8 \x12\0\0\0\x10\x02\0\x9d\x01\x2a"
				  "\x21\0\x11\0\0\0\0\0\0\0\0\0"), IMAGE_WEBP, 33, 17},
	{"WebP: VP8 without its start code", BYTES("RIFF\x1e\0\0\0WEBPVP8 \x12\0\0\0\x10"
				  "\x02\0\x9d\x01\x2b\x21\0\x11\0\0\0\0\0\0\0\0\0"), IMAGE_UNKNOWN, 0, 0},
	{"WebP: lossless VP8L", BYTES("RIFF\x19\0\0\0WEBPVP8L\x0d\0\0\0\x2f\x63\x40\x0c\0"
				      "\0\0\0\0\0\0\0\0"), IMAGE_WEBP, 100, 50},
	{"WebP: extended VP8X", BYTES("RIFF\x1c\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0\x7f\x07\0"
				      "\x37\x04\0\0\0\0\0\0\0"), IMAGE_WEBP, 1920, 1080},
	{"WebP: another first chunk", BYTES("RIFF\x1c\0\0\0WEBPALPH\x0a\0\0\0\0\0\0\0\x7f"
					    "\x07\0\x37\x04\0\0\0\0\0\0\0"), IMAGE_UNKNOWN, 0, 0},
	{"SVG: width and height, px or none",
	 BYTES("<?xml version=\"1.0\"?>\n<!-- c -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	       "width=\"240px\" height=\"120\" viewBox=\"0 0 48 24\"/>"), IMAGE_SVG, 240, 120},
	{"SVG: the viewBox alone, rounded", BYTES("<svg viewBox=\"0,0 320.4 179.5\"></svg>"),
	 IMAGE_SVG, 320, 180},
	{"SVG: a width and the viewBox's ratio",
	 BYTES("<svg width=\"100\" viewBox=\"0 0 50 20\"></svg>"), IMAGE_SVG, 100, 40},
	{"SVG: a namespace prefix", BYTES("<s:svg xmlns:s=\"http://www.w3.org/2000/svg\" "
					  "width=\"8\" height=\"9\"/>"), IMAGE_SVG, 8, 9},
	{"SVG: relative sizes, no viewBox",
	 BYTES("<svg width=\"100%\" height=\"2em\"></svg>"), IMAGE_UNKNOWN, 0, 0},
	{"SVG: a root that is not svg", BYTES("<html width=\"5\" height=\"5\"/>"),
	 IMAGE_UNKNOWN, 0, 0},
	{"SVG: not XML", BYTES("<svg width=\"5\" height=\"5\""), IMAGE_UNKNOWN, 0, 0},
	{"SVG: a negative viewBox", BYTES("<svg viewBox=\"0 0 -5 5\"/>"), IMAGE_UNKNOWN, 0, 0},
	{"SVG: sizes over the limit", BYTES("<svg width=\"1e9\" height=\"5\"/>"),
	 IMAGE_UNKNOWN, 0, 0},
	{"text", BYTES("画像ではない\n"), IMAGE_UNKNOWN, 0, 0},
	{"nothing", "", 0, IMAGE_UNKNOWN, 0, 0},
};

/* Every prefix of a sized header is read without going past its end (the
 * copy is exactly that long, so ASan sees any overread) and gives either
 * no size or the full one. */
static void check_truncations(const struct sample *sample)
{
	bool sound = true;

	for (size_t length = 0; length < sample->length; length++) {
		char *copy = malloc(length ? length : 1);
		unsigned width = 1, height = 1;
		enum image_format format;

		memcpy(copy, sample->bytes, length);
		format = image_size(copy, length, &width, &height);
		if (format == IMAGE_UNKNOWN ? width || height
		    : format != sample->format || width != sample->width ||
		      height != sample->height)
			sound = false;
		free(copy);
	}
	CHECK(sound, sample->what);
}

int main(void)
{
	TEST_SUITE("imagesize");
	for (size_t i = 0; i < sizeof samples / sizeof *samples; i++) {
		const struct sample *sample = &samples[i];
		unsigned width = 7, height = 7;
		enum image_format format = image_size(sample->bytes, sample->length,
						      &width, &height);
		CHECK_STR(image_format_name(format), image_format_name(sample->format),
			  sample->what);
		CHECK_INT(width * 100000 + height, sample->width * 100000 + sample->height,
			  sample->what);
		if (sample->format != IMAGE_UNKNOWN)
			check_truncations(sample);
	}
	return TEST_EXIT();
}
