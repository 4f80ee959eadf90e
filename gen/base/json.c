#include "base/json.h"

#include <string.h>

void json_add_string(struct buf *out, const char *text, size_t length)
{
	size_t at = 0;

	buf_addc(out, '"');
	while (at < length) {
		unsigned char c = (unsigned char)text[at];
		size_t size = utf8_sequence(text + at, length - at);

		if (size == 0) {
			buf_adds(out, "\\ufffd");
			at++;
		} else if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
			at++;
		} else if (c == '\n') {
			buf_adds(out, "\\n");
			at++;
		} else if (c < 0x20 || c == 0x7F || c == '<' || c == '>' ||
			   c == '&') {
			buf_printf(out, "\\u%04x", c);
			at++;
		} else if (size == 3 && c == 0xE2 &&
			   (unsigned char)text[at + 1] == 0x80 &&
			   ((unsigned char)text[at + 2] == 0xA8 ||
			    (unsigned char)text[at + 2] == 0xA9)) {
			buf_adds(out, (unsigned char)text[at + 2] == 0xA8
					      ? "\\u2028"
					      : "\\u2029");
			at += 3;
		} else {
			buf_add(out, text + at, size);
			at += size;
		}
	}
	buf_addc(out, '"');
}

void json_add_text(struct buf *out, const char *text)
{
	if (text == NULL)
		buf_adds(out, "null");
	else
		json_add_string(out, text, strlen(text));
}
