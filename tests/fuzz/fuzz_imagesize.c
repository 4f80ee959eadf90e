/*
 * fuzz_imagesize.c — libFuzzer harness for the image header reader
 * (gen/content/imagesize.h), which reads files from the writer's content
 * folder. Input: the file's bytes. The promises kept, or the harness
 * aborts (a crash for libFuzzer): no read past the input (ASan); a size
 * only with a known format, each side from 1 to IMAGE_MAX_SIDE; no size
 * (0 x 0) with IMAGE_UNKNOWN; the same answer twice.
 */
#include <stdint.h>
#include <stdlib.h>

#include "content/imagesize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned width, height, again_width, again_height;
	enum image_format format = image_size((const char *)data, size, &width,
					      &height);

	if (format == IMAGE_UNKNOWN) {
		if (width != 0 || height != 0)
			abort();
	} else if (width < 1 || height < 1 || width > IMAGE_MAX_SIDE ||
		   height > IMAGE_MAX_SIDE) {
		abort();
	}
	if (image_size((const char *)data, size, &again_width, &again_height) !=
	    format || again_width != width || again_height != height)
		abort();
	return 0;
}
