/*
 * site.h — the site model: configuration (site.yaml), sections (nested
 * as Hugo's) and articles (content/<folders>/<name>.md, or a leaf
 * bundle's <name>/index.md, pages of content/ itself too), tags, and the
 * link table that turns relative links to .md files into page URLs.
 *
 * Loading reports every content mistake through diag and keeps going, so
 * one run lists all of them. Articles are read in parallel; only what the
 * site needs about each (front matter, headings, links) is kept, and
 * pages are rendered one at a time from the file read again, which keeps
 * memory flat however large the site is.
 *
 * config.c reads site.yaml; site.c loads the content folder and looks
 * articles up; links.c resolves and checks links; paths.c makes paths and
 * URLs; related.c computes related articles.
 */
#ifndef KB_SITE_H
#define KB_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "content/frontmatter.h"
#include "content/markdown.h"

/* Larger article files are refused (as "file larger than 4 MiB"). */
#define SITE_ARTICLE_MAX_SIZE (4 * 1024 * 1024)

struct external_link {
	char *name;		/* key in site.yaml's links: */
	char *title;
	char *url;
};

/* How a customer reaches a person (site.yaml's support:): a contact
 * form's URL and/or a mail address, and the opening hours as text. Each
 * NULL when unset; url or email is set when support: is. */
struct site_support {
	char *url;	/* http(s) */
	char *email;	/* an addr-spec of dot-atoms: local@domain.tld */
	char *hours;
};

/* site.yaml's feedback: where kb.cgi keeps what visitors tell the
 * writers (db/feedback.h); db NULL when unset: no feedback forms. */
struct site_feedback {
	char *db;		/* an absolute path, outside the output */
	unsigned db_line, db_col;	/* where site.yaml gives it */
	unsigned votes_per_day;	/* per client per page; default 3 */
	unsigned retention_days;	/* 0 keeps rows forever; default 365 */
};

/* site.yaml's records_live: kb.cgi's record checker may look a
 * visitor's domain up in DNS, at most this many times an hour per
 * visitor and for the whole site (counted in the feedback database,
 * which it therefore needs). */
struct site_records_live {
	bool enabled;
	unsigned per_visitor_per_hour;	/* default 5 */
	unsigned per_hour;		/* default 200 */
};

struct site_config {
	char *title;
	char *description;
	char *base_url;		/* absolute, ends with '/' */
	char *base_path;	/* path part of base_url: "/" or "/kb/" */
	char *language;		/* "ja" by default */
	char *cgi_url;		/* public URL of kb.cgi; NULL when unset */
	char *service;		/* the service's name, for the layout's
				 * footer; NULL when unset */
	char *spf_include;	/* the domain customers' SPF records must
				 * include: (the record checker); NULL when
				 * unset */
	struct external_link *links;
	size_t link_count;
	struct site_support support;
	struct site_feedback feedback;
	struct site_records_live records_live;
	bool raw_html_safe;	/* raw_html: safe — the subset of
				 * content/rawhtml.h rebuilt, not dropped */
	bool git_info;		/* date articles by their last commit */
	unsigned git_info_line, git_info_col;	/* where it was set */
};

struct section;

/* A link written in an article that the build must check. */
struct article_link {
	char *url;
	char *target;		/* "content/x/y.md" when it links to an
				 * article (the file need not exist) */
	unsigned line;		/* in the file */
	unsigned byte_col;	/* as cmark reports it (fallback column) */
};

/* What stat says about a content file as it was read: the build cache
 * compares it to tell unchanged files without reading them. */
struct file_stamp {
	uint64_t size, mtime_ns, ctime_ns, inode;
};

struct article {
	char *source;		/* "content/delivery/spam-folder.md" */
	char *content_path;	/* "delivery/spam-folder" */
	char *url_path;		/* "delivery/spam-folder/", under base_path */
	struct section *section;	/* NULL for a page of content/ itself */
	struct front_matter meta;
	char *updated;		/* lastmod, else date, else "" (as written) */
	/* The file's text is read, checked and dropped while loading (so
	 * memory does not grow with the site); meta.body is then NULL and
	 * site_article_body reads the file again for rendering. */
	struct file_stamp stamp;
	uint64_t text_hash;	/* hash64 of the file's bytes */
	size_t body_offset;	/* where the Markdown body starts in the file */
	struct markdown_headings headings;
	struct article_link *links;	/* relative links, collected at load */
	size_t link_count, link_capacity;
	unsigned slug_line, slug_col;
	size_t order;		/* index in site->articles */
	size_t recent_rank;	/* index in site->recent */
	bool rejected;		/* front matter had errors: not published */
	bool from_cache;	/* taken from the build cache, file not read */
	bool borrowed;		/* the build cache's (which outlives the
				 * site): it, its strings and its arrays but
				 * related; site_article_free frees only
				 * related */
	struct article **related;	/* same tags, best first */
	size_t related_count;
};

/* A section, as Hugo's: every folder of content/ (but a leaf bundle),
 * and below them every folder with an _index.md; a folder below the top
 * without one is no section, and its articles are its nearest enclosing
 * section's (their URLs still follow their folders). */
struct section {
	char *name;		/* its folder's path under content/ ("docs",
				 * "docs/Mail") */
	char *url_path;		/* its page's: "docs/mail/", ASCII letters
				 * lower-cased as Hugo's; "" for the home */
	char *title;
	char *description;
	long weight;
	char *source;		/* "content/x/_index.md" or NULL */
	/* That file read as an article (its url_path the section's), for
	 * the body its page shows and the links and files in it; NULL
	 * without the file, or when its front matter has errors. */
	struct article *page;
	/* What it passes down to every page below (Hugo's cascade: its
	 * _index.md's over the sections' above); never NULL. */
	struct front_matter *cascade;
	/* Its _index.md (or a cascade above) says _build render never, or
	 * headless: no page, not listed; the site keeps it out of
	 * site->sections, and the pages below that are published are
	 * listed with the section above it. */
	bool headless;
	struct section *parent;	/* the section it is in; NULL at the top */
	struct section **children;	/* its sections, ordered as the site's */
	size_t child_count;
	struct article **articles;	/* ordered by weight, then title */
	size_t article_count, article_capacity;
};

struct tag {
	char *name;
	char *slug;		/* URL segment under tags/ */
	struct article **articles;	/* ordered like recent updates */
	size_t article_count, article_capacity;
};

/* Resolves links into decision trees ("../../decision-trees/x.yaml#n").
 * Returns the href (caller frees) or NULL with *error set (caller frees)
 * when the tree or node does not exist. */
typedef char *(*site_tree_link_resolver)(void *user, const char *tree_file,
					 const char *fragment, char **error);

/* An article file that is not part of the site (a draft left out). */
struct skipped_file {
	char *source;
	struct file_stamp stamp;
	const char *held_back;	/* why its front matter left it out
				 * (static), for links to it; NULL when it
				 * did not load */
};

/* What front matter holds back that a build publishes all the same
 * (kbgen build's --drafts, --future, --expired), and the moment
 * publishDate and expiryDate are compared with. */
struct site_publish {
	bool drafts;		/* draft: true */
	bool future;		/* a publishDate after now */
	bool expired;		/* an expiryDate before now */
	long long now;		/* seconds since 1970 UTC */
};

/* Now, for site_publish: the time of day, or, when the environment has
 * KBGEN_NOW (a date as front matter writes it, "2026-05-01T09:00:00Z"),
 * that moment: for tests of publishDate and expiryDate. */
long long site_publish_now(void);

struct site {
	char *root;
	struct site_config config;
	struct article **articles;	/* sorted by source path */
	size_t article_count;
	struct section **sections;	/* all of them, nested ones too,
					 * ordered by weight, then path */
	size_t section_count;
	/* The sections no page is made for (section.headless). */
	struct section **headless;
	size_t headless_count;
	/* The home page's content/_index.md: its title, description and
	 * source (name "", no articles); title and source NULL when there
	 * is no such file. Never NULL. */
	struct section *home;
	struct tag **tags;		/* sorted by name */
	size_t tag_count;
	struct article **recent;	/* by updated, newest first */
	/* Articles whose front matter has errors: never published, but their
	 * links are checked too. */
	struct article **rejected;
	size_t rejected_count;
	struct skipped_file *skipped;	/* in load order */
	size_t skipped_count;
	/* The publication rule the site was loaded with, and the first
	 * moment after its now at which a publishDate or expiryDate makes
	 * another article published or not (LLONG_MAX for none): a build
	 * cache is good until then. */
	struct site_publish publish;
	long long publish_changes_at;
	site_tree_link_resolver tree_links;
	void *tree_links_user;
	/* The site has bounce-rules.yaml, so a /bounce/ page: a link to the
	 * rules file ("../../bounce-rules.yaml") points to that page.
	 * site_load sets it. */
	bool has_bounce_page;
	/* The articles hashed by source (site_load makes it): an open-
	 * addressing table of by_source_mask + 1 slots; NULL, and
	 * site_find_article searches the sorted articles instead. */
	struct article **by_source;
	size_t by_source_mask;
};

struct content_scan;

/* Lets site_load take articles a caller already knows (the build cache)
 * instead of reading their files. */
struct site_reuse {
	/* Called for each article file with its stamp and its index among
	 * the article files, sections and names in order (where the file
	 * most likely is in the caller's list); returns the article as it
	 * was loaded before (fields section/order/recent_rank/related unset;
	 * either allocated like site_article_new, and then the site owns
	 * it, or marked borrowed, and then the site frees only its related
	 * list), or NULL to have the file read. May run in several threads
	 * at once. */
	struct article *(*article)(void *user, const char *source, size_t hint,
				   const struct file_stamp *stamp);
	void *user;
	/* The content folder as scanned already (scan.h); NULL, and
	 * site_load scans it. Borrowed. */
	const struct content_scan *scan;
	/* site.yaml's git_info: each file's last commit date (gitinfo.h),
	 * which dates an article read without a lastmod; NULL for none.
	 * Articles taken from the caller keep theirs. Borrowed. */
	const struct git_dates *git_dates;
};

/* Reads root/site.yaml (missing keys get defaults; a missing file is an
 * error). Reports problems through diag. Returns true when usable. The
 * caller releases *config with site_config_free. */
bool site_config_load(const char *root, struct site_config *config);

/* site_config_load on text already read (length bytes, not necessarily
 * NUL-terminated): the same checks, reported through diag. The caller
 * releases *config with site_config_free, whatever the result. */
bool site_config_parse(const char *text, size_t length,
		       struct site_config *config);
void site_config_free(struct site_config *config);

/* True when site.yaml names a way to reach support (a URL or an email). */
bool site_config_has_support(const struct site_config *config);

/* True when text is a mail address the wizard can put in a mailto: link:
 * local@domain, the local part a dot-atom (RFC 5322's atext and dots, no
 * quoting), the domain at least two labels of letters, digits and
 * hyphens, at most 254 bytes in all. On false, *why (static) says what is
 * wrong. */
bool site_email_valid(const char *text, const char **why);

/* The external link named name, or NULL. Borrowed. */
const struct external_link *site_config_link(const struct site_config *config,
					     const char *name);

/* Loads every article under root/content (what front matter holds back
 * only as publish says; NULL publishes none of it, now being
 * site_publish_now()),
 * checks front matter, URLs and headings, and builds sections, tags and
 * the recent list. Links are checked separately (site_check_links) so
 * that trees can be loaded in between. Returns NULL only when root cannot
 * be read at all; otherwise a site to free with site_free (check
 * diag_error_count for content errors). Takes ownership of nothing. */
struct site *site_load(const char *root, const struct site_publish *publish,
		       const struct site_reuse *reuse);

/* Checks every link in every article; reports broken ones at their
 * file:line:col. */
void site_check_links(struct site *site);

/* Checks the links of the sections' and the home page's _index.md
 * (site_check_links does too): those files are read by every build. */
void site_check_section_links(const struct site *site);

/* Checks one article's links (site_check_links does every article). */
void site_check_links_of(const struct site *site, const struct article *article);

/* Computes each article's related articles: those sharing the most
 * tags, then (to fill up to limit) others of its section. */
void site_compute_related(struct site *site, size_t limit);

void site_free(struct site *site);

/* A zeroed article for site_reuse to fill; release with site_article_free
 * (which frees every owned field listed in struct article). */
struct article *site_article_new(void);
void site_article_free(struct article *article);

/* Reads the article's file again for rendering: *text is the whole file
 * (caller frees), *body and *length its Markdown body within it. Returns
 * 0, or -1 after a diagnostic (unreadable, or changed since it was
 * loaded: the build must start again). */
int site_article_body(const struct site *site, const struct article *article,
		      char **text, const char **body, size_t *length);

/* The article whose content path ("delivery/spam-folder", also a leaf
 * bundle's "delivery/spf" for content/delivery/spf/index.md) or source
 * ("content/delivery/spam-folder.md") is given, or NULL. Borrowed. */
struct article *site_find_article(const struct site *site, const char *path);

/* The title lists, breadcrumbs and navigation show: the front matter's
 * linkTitle, else its title (the page's own <h1> and <title> keep the
 * title). Borrowed from the article. */
const char *site_list_title(const struct article *article);

/* What lists, search results and the meta description show of the
 * article: its description, else its front matter's summary, else "".
 * Borrowed from the article. */
const char *site_description(const struct article *article);

/* True when article has a heading with this id. */
bool site_article_has_anchor(const struct article *article, const char *id);

/* The href for a link written in from's Markdown: a relative link to a
 * .md file (with an optional #heading) becomes the target page's URL, a
 * link into a decision tree goes through site->tree_links, and a link to
 * the site's root folder "records/" (the record checker's page, which the
 * build makes) becomes that page's URL. Returns NULL
 * when the URL is not such a link (keep it as written). When the target
 * or heading is missing, returns NULL and sets *error (caller frees) if
 * error is not NULL. Caller frees the result. */
char *site_resolve_link(const struct site *site, const struct article *from,
			const char *url, char **error);

/* site_resolve_link for Markdown that is not an article (a tree node's
 * body): relative links resolve against from_source's folder (e.g.
 * "decision-trees/x.yaml"); a bare "#anchor" checks self's headings, and
 * is an error when self is NULL. */
char *site_resolve_link_from(const struct site *site, const char *from_source,
			     const struct article *self, const char *url,
			     char **error);

/* True when url is relative to the file it is written in: it has no
 * scheme and starts with neither '/' nor '?'. Only such links are
 * resolved and checked. */
bool site_link_is_relative(const char *url);

/* The article file a link written in from_source ("content/x/a.md" or
 * "decision-trees/t.yaml") points to, as "content/x/y.md", or NULL when
 * it is not a relative link to a .md file (the file need not exist).
 * Caller frees. */
char *site_link_target(const char *from_source, const char *url);

/* The source path of a file of the content folder at folder (its path
 * under content/, "" for content/ itself): "content/<folder>/<name>", or
 * "content/<name>". Caller frees. */
char *site_source_path(const char *folder, const char *name);

/* base_path + path. Caller frees. */
char *site_url(const struct site *site, const char *path);

/* An alias as written in the front matter of the page at url_path
 * ("docs/new/"): from the site's root when it starts with '/'
 * ("/old/page" is "old/page/"), else from the folder of the page's URL
 * ("old" and "../docs/old" are "docs/old/"), as Hugo reads it. Returns
 * the output path, or NULL when it cannot be one (above the root, or
 * '?', '#', '%', '\\' in it). Caller frees. */
char *site_alias_path(const char *url_path, const char *alias);

/* Lower-cases and hyphenates a tag for its URL segment. Caller frees. */
char *site_tag_slug(const char *tag);

/* Joins a relative path to a directory and removes "." and ".."
 * segments. Returns NULL when ".." would climb above the top. Caller
 * frees. */
char *site_normalize_path(const char *directory, const char *relative);

/* ---- files beside an article: images and attachments (files.c) ----
 *
 * A relative link or image in an article whose last path segment has one
 * of the extensions kbgen publishes (images: png, jpg, jpeg, gif, webp,
 * svg, avif, bmp, ico; attachments: pdf, txt, csv, zip, docx, xlsx,
 * pptx, mp3, mp4, webm) names a file beside the article: in its folder,
 * or under it (a page bundle, content/<folders>/<name>/index.md, keeps
 * its files there). The file is published next to the article's page
 * (content/docs/a.md's shot.png as docs/a/shot.png) and the link points
 * there. */

enum site_file {
	SITE_FILE_NONE,		/* no file kbgen publishes: keep the URL */
	SITE_FILE_BESIDE,	/* a file in or under the article's folder */
	SITE_FILE_OUTSIDE,	/* such a file, but outside that folder */
};

/* What url, written in an article, names. For SITE_FILE_BESIDE, *name is
 * the file's path relative to the article's folder, percent-decoded,
 * without "." segments ("images/shot.png"); the caller frees it. *name is
 * NULL otherwise. */
enum site_file site_file_reference(const char *url, char **name);

/* The file's path from the site root: the article's folder + name
 * ("content/docs/images/shot.png"). Caller frees. */
char *site_file_source(const struct article *article, const char *name);

/* Where it is published under the output: the article's url_path + name
 * ("docs/a/images/shot.png"). Caller frees. */
char *site_file_output(const struct article *article, const char *name);

/* The URL pages link it with: base_path + its output path, each byte
 * but unreserved ones and '/' percent-encoded. Caller frees. */
char *site_file_url(const struct site *site, const struct article *article,
		    const char *name);

/* The names of the files the article references (site_file_reference
 * of its links), each once, sorted. Caller releases with
 * string_list_free. */
void site_article_files(const struct article *article,
			struct string_list *names);

/* The width and height of an image file beside the article, from its
 * header (content/imagesize.h); false when it cannot be read or gives
 * none. Safe to call from several threads. */
bool site_file_image_size(const struct site *site,
			  const struct article *article, const char *name,
			  unsigned *width, unsigned *height);

#endif
