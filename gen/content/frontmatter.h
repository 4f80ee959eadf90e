/*
 * frontmatter.h — an article's YAML, TOML or JSON front matter (Hugo's keys) and body.
 *
 * The text between a first line "---" and the next line "---" (or "...")
 * is YAML (spaces after either fence allowed); everything after is the
 * Markdown body. Known keys, matched without case as Hugo matches them:
 * title (required), description, slug, date, lastmod, draft, weight,
 * tags, categories, aliases; Hugo's url (the page's path from the
 * site's root, clean segments only), linkTitle, summary, keywords (a
 * list of text), publishDate (or pubdate, published) and expiryDate (or
 * unpublishdate), dates like date's, headless, and _build (or build: a
 * mapping of render always|never|link or a boolean, list
 * always|never|local or a boolean, publishResources a boolean; other
 * keys in it warned about); what the site does with them is site.h's
 * and article.c's. An _index.md's cascade (a mapping, or a list of
 * them, as Hugo's) gives the pages below it draft, _build, tags,
 * categories, keywords, publishDate and expiryDate where they set none;
 * other keys in it, and entries with a _target, are warned about and not
 * applied. Hugo's menu, layout, type, params and outputs are accepted
 * and unused. Unknown keys and empty tags or
 * categories entries are warnings; wrong types, bad dates, a bad url, a
 * missing title and keys differing only in case are errors, all at the
 * offending line:col. A file that does not start with a fence has no front matter:
 * all of it is the body, and its title is its first ATX heading, else its
 * file name (a folder's name for index.md and _index.md), with a warning.
 * Between a first line "+++" and the next "+++" line the front matter
 * is TOML (content/toml.h), read into the same tree and checked the
 * same way.
 * A file starting with '{' has Hugo's JSON front matter (jsondoc.h): the
 * object up to its matching '}', read as the same keys; the body starts
 * on the line after the '}'.
 */
#ifndef KB_FRONTMATTER_H
#define KB_FRONTMATTER_H

#include <stdbool.h>
#include <stddef.h>

struct string_list {
	char **items;
	size_t count;
};

/* _build's render: a page of its own, or none ("never", false), or
 * Hugo's "link" (no page, only a permalink: here no page either). */
enum front_matter_render {
	FRONT_MATTER_RENDER_ALWAYS,
	FRONT_MATTER_RENDER_NEVER,
	FRONT_MATTER_RENDER_LINK,
};

/* The keys a cascade gives the pages below an _index.md, each bit set in
 * front_matter.set when the page's own front matter (or a nearer
 * cascade) gives it. */
enum front_matter_key {
	FRONT_MATTER_DRAFT = 1u << 0,
	FRONT_MATTER_BUILD = 1u << 1,
	FRONT_MATTER_TAGS = 1u << 2,
	FRONT_MATTER_CATEGORIES = 1u << 3,
	FRONT_MATTER_KEYWORDS = 1u << 4,
	FRONT_MATTER_PUBLISH_DATE = 1u << 5,
	FRONT_MATTER_EXPIRY_DATE = 1u << 6,
};

struct front_matter {
	char *title;
	char *description;	/* "" when absent */
	char *slug;		/* NULL when absent */
	unsigned slug_line, slug_col;	/* where the slug was written */
	char *date;		/* as written ("2026-01-02" or RFC 3339); NULL when absent */
	char *lastmod;		/* NULL when absent */
	bool draft;
	long weight;
	struct string_list tags, categories, aliases;
	unsigned alias_line, alias_col;
	char *url;		/* Hugo's url: the page's path as written; NULL when absent */
	unsigned url_line, url_col;
	char *link_title;	/* linkTitle: lists and breadcrumbs; NULL when absent */
	char *summary;		/* NULL when absent */
	struct string_list keywords;
	char *publish_date;	/* publishDate (pubdate, published); NULL when absent */
	char *expiry_date;	/* expiryDate (unpublishdate); NULL when absent */
	bool headless;
	enum front_matter_render render;	/* _build's render */
	bool unlisted;		/* _build's list: never */
	unsigned set;		/* enum front_matter_key: given, not defaults */
	bool title_optional;	/* front_matter_parse_untitled's */
	unsigned title_line, title_col;	/* where title was due, when it is
					 * missing and optional */
	/* Hugo's cascade (an _index.md's): the keys it gives every page
	 * below, read as front matter of their own; NULL when none. */
	struct front_matter *cascade;
	const char *body;	/* points into the text passed to front_matter_parse */
	size_t body_length;
	unsigned body_line;	/* file line the body starts on */
};

/* Splits text (length bytes of a file named path, relative to the site
 * root) into front matter and body and reads the front matter into *out.
 * Reports every problem through diag. Returns true when no error was
 * reported. *out is always initialised and must be released with
 * front_matter_free, even on failure. out->body borrows from text. */
bool front_matter_parse(const char *text, size_t length, const char *path,
			struct front_matter *out);

/* front_matter_parse, but front matter without a title is no error:
 * out->title is NULL and out->title_line:title_col where it was due (a
 * page that is never published needs none, as in Hugo; the caller says
 * so when it is). */
bool front_matter_parse_untitled(const char *text, size_t length,
				 const char *path, struct front_matter *out);

/* The title of a file without front matter (text, length bytes): its
 * first ATX heading, else its file name (a folder's for index.md and
 * _index.md), into out->title, with a warning saying which.
 * front_matter_parse does it; front_matter_parse_untitled leaves it to
 * the caller (out->title NULL, title_line 0). */
void front_matter_guess_title(const char *text, size_t length,
			      const char *path, struct front_matter *out);

void front_matter_free(struct front_matter *matter);

/* Gives page each key of cascade (a cascade: front_matter.cascade, or
 * what a section passes down) that page does not set itself, and marks
 * it set. */
void front_matter_inherit(struct front_matter *page,
			  const struct front_matter *cascade);

/* True when text is a date Hugo accepts: YYYY-MM-DD, optionally followed
 * by "T" or " " and HH:MM[:SS[.fraction]] and an optional zone (Z or
 * +HH:MM). The calendar is checked (no 2026-02-30). */
bool front_matter_valid_date(const char *text);

/* The moment a valid date (front_matter_valid_date) stands for, in
 * seconds since 1970 UTC; a date without a zone is UTC, one without a
 * time its midnight. False when text is no valid date. */
bool front_matter_date_seconds(const char *text, long long *seconds);

void string_list_add(struct string_list *list, const char *text);
void string_list_free(struct string_list *list);
bool string_list_contains(const struct string_list *list, const char *text);

#endif
