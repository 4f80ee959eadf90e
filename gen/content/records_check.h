/*
 * records_check.h — what the three record checkers (records_spf.c,
 * records_dkim.c, records_dmarc.c) share with records.c: the text read
 * into its value (DNS strings joined, a zone line's name split off),
 * with each value byte's place in the text as given, and the one way to
 * report. Content's own: nothing outside gen/content includes it.
 */
#ifndef KB_RECORDS_CHECK_H
#define KB_RECORDS_CHECK_H

#include <stdarg.h>

#include "content/records.h"

/* ja or en, as language (an enum record_language) says: for the words a
 * message takes as an argument, and the messages built outside
 * records_report. */
#define RECORDS_IN(language, ja, en) ((language) == RECORDS_EN ? (en) : (ja))

/* The message ja or en formatted, as language says (for the messages
 * built outside records_report: live mode's); both formats take the same
 * arguments. The caller frees it. */
char *records_message(enum record_language language, const char *ja,
		      const char *en, ...)
	__attribute__((format(printf, 2, 4), format(printf, 3, 4)));

/* One DNS character-string of the value, as the text quoted it. */
struct record_string {
	size_t start, length;	/* in value */
};

struct record_text {
	const char *original;	/* the text as given */
	size_t original_length;
	char *value;		/* the record's value, strings joined */
	size_t length;
	size_t *offsets;	/* offsets[i]: value[i]'s byte in original;
				 * offsets[length]: where the value ends */
	struct record_string *strings;	/* when quoted */
	size_t string_count;
	bool quoted;		/* the value was written as "strings" */
	size_t name_offset;	/* where the name starts, when there is one */
	enum record_language language;	/* the messages' (the options') */
};

/* Reports a problem at value bytes [start, start + length) (length 0: one
 * character at start; start == value length: the end of the record). The
 * message is ja or en formatted, as text->language says; both formats
 * take the same arguments, which the compiler checks against each. */
void records_report(struct record_result *result,
		    const struct record_text *text, size_t start, size_t length,
		    enum record_severity severity, const char *code,
		    const struct record_guide *guide, const char *ja,
		    const char *en, ...)
	__attribute__((format(printf, 8, 10), format(printf, 9, 10)));

/* The same at a byte of the text as given (for the name and the quotes,
 * which are not in the value). */
void records_report_original(struct record_result *result,
			     const struct record_text *text, size_t offset,
			     size_t length, enum record_severity severity,
			     const char *code, const struct record_guide *guide,
			     const char *ja, const char *en, ...)
	__attribute__((format(printf, 8, 10), format(printf, 9, 10)));

/* The checkers: each reads text->value and fills result's diagnostics and
 * summary. */
void records_check_spf(struct record_result *result,
		       const struct record_text *text,
		       const struct record_options *options);
void records_check_dkim(struct record_result *result,
			const struct record_text *text,
			const struct record_options *options);
void records_check_dmarc(struct record_result *result,
			 const struct record_text *text,
			 const struct record_options *options);

/* True when the value starts with prefix, compared without case, and the
 * byte after it is end, a space or one of stops. */
bool records_starts_with_word(const char *value, size_t length,
			      const char *prefix, const char *stops);

/* A domain name as SPF and DMARC take one: dot-separated labels of
 * letters, digits, '-' and '_' (1 to 63 bytes, no '-' at either end),
 * at most 253 bytes, a trailing dot allowed. NULL when valid, else why
 * (static, in language). */
const char *records_domain_problem(const char *name, size_t length,
				   enum record_language language);

/* One tag=value of a DKIM or DMARC tag list (RFC 6376 3.2), as value
 * byte ranges. */
struct record_tag {
	size_t start, end;		/* the whole tag-spec, spaces trimmed */
	size_t name, name_length;
	size_t value, value_length;	/* spaces around the value trimmed */
};

/* Reads the tag list of text's value into *tags (the caller frees the
 * array), reporting a tag-spec that is not name=value as prefix-syntax
 * and a repeated name as prefix-duplicate-tag, with guide. Returns the
 * count of well-formed tags, the first of each name only. */
size_t records_read_tags(struct record_result *result,
			 const struct record_text *text, const char *prefix,
			 const struct record_guide *guide,
			 struct record_tag **tags);

/* True when tag's name is name (case-sensitive, as RFC 6376 says). */
bool records_tag_is(const struct record_text *text,
		    const struct record_tag *tag, const char *name);

/* The tag called name, or NULL. */
const struct record_tag *records_find_tag(const struct record_text *text,
					  const struct record_tag *tags,
					  size_t count, const char *name);


#endif
