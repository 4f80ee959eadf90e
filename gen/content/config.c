/*
 * config.c — site.yaml: the site's title, URLs, language and external
 * links, with defaults for what it leaves out.
 */
#include "content/site.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/cgiurl.h"
#include "base/diag.h"
#include "base/util.h"
#include "content/records_check.h"
#include "content/yamldoc.h"

#define CONFIG_MAX_SIZE (1024 * 1024)

static bool config_text(const struct yamldoc_node *root, const char *key,
			char **out)
{
	struct yamldoc_node *value = yamldoc_get(root, key, NULL);

	if (value == NULL)
		return true;
	if (value->type != YAMLDOC_SCALAR) {
		diag_error("site.yaml", value->line, value->col,
			   "'%s' must be text, not %s", key,
			   yamldoc_type_name(value));
		return false;
	}
	free(*out);
	*out = xstrdup(value->text);
	return true;
}

static bool config_links(const struct yamldoc_node *root,
			 struct site_config *config)
{
	struct yamldoc_node *links = yamldoc_get(root, "links", NULL);
	bool ok = true;

	if (links == NULL || yamldoc_is_null(links))
		return true;
	if (links->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", links->line, links->col,
			   "'links' must be a mapping of name: {title, url}");
		return false;
	}
	config->links = xcalloc(links->count, sizeof *config->links);
	for (size_t i = 0; i < links->count; i++) {
		const struct yamldoc_node *entry = links->items[i];
		struct yamldoc_node *title = yamldoc_get(entry, "title", NULL);
		struct yamldoc_node *url = yamldoc_get(entry, "url", NULL);
		struct external_link *link;

		if (entry->type != YAMLDOC_MAPPING || title == NULL || url == NULL ||
		    title->type != YAMLDOC_SCALAR || url->type != YAMLDOC_SCALAR) {
			diag_error("site.yaml", entry->line, entry->col,
				   "link '%s' needs 'title' and 'url' as text",
				   links->keys[i]->text);
			ok = false;
			continue;
		}
		if (strncmp(url->text, "https://", 8) != 0 &&
		    strncmp(url->text, "http://", 7) != 0) {
			diag_error("site.yaml", url->line, url->col,
				   "link '%s' must be an http(s) URL",
				   links->keys[i]->text);
			ok = false;
			continue;
		}
		link = &config->links[config->link_count++];
		link->name = xstrdup(links->keys[i]->text);
		link->title = xstrdup(title->text);
		link->url = xstrdup(url->text);
	}
	return ok;
}

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-", c));
}

static bool is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

bool site_email_valid(const char *text, const char **why)
{
	const char *at = strrchr(text, '@'), *label;
	size_t labels = 0;

	*why = NULL;
	if (strlen(text) > 254)
		*why = "longer than 254 bytes";
	else if (at == NULL)
		*why = "no '@'";
	else if (at == text)
		*why = "nothing before the '@'";
	for (const char *c = text; *why == NULL && c < at; c++)
		if (*c == '.' ? (c == text || c[1] == '.' || c + 1 == at)
			      : !is_atext((unsigned char)*c))
			*why = *c == '.' ? "a dot at the start or end of the "
					   "name, or two in a row"
					 : "a character a mail address cannot "
					   "have before the '@' (spaces, "
					   "quotes, brackets, commas, a second "
					   "'@', non-ASCII)";
	for (label = at ? at + 1 : NULL; *why == NULL && label != NULL;) {
		const char *end = strchr(label, '.');
		size_t length = end ? (size_t)(end - label) : strlen(label);

		if (length == 0 || length > 63 || label[0] == '-' ||
		    label[length - 1] == '-')
			*why = "the domain after the '@' is not a host name";
		for (size_t i = 0; *why == NULL && i < length; i++)
			if (!is_label_char((unsigned char)label[i]))
				*why = "the domain after the '@' is not a host "
				       "name";
		labels++;
		label = end ? end + 1 : NULL;
	}
	if (*why == NULL && labels < 2)
		*why = "the domain after the '@' has no dot";
	return *why == NULL;
}

static bool is_http_url(const char *text)
{
	return (strncmp(text, "https://", 8) == 0 && text[8] != '\0') ||
	       (strncmp(text, "http://", 7) == 0 && text[7] != '\0');
}

/* support: {url, email, hours}: how a customer reaches a person. */
/* A whole number in [1, max] written as digits, into *out. */
static bool small_number(const struct yamldoc_node *value, unsigned min,
			 unsigned max, unsigned *out)
{
	unsigned long number = 0;
	const char *c = value->text;

	if (value->type != YAMLDOC_SCALAR || *c == '\0')
		return false;
	for (; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		number = number * 10 + (unsigned long)(*c - '0');
		if (number > max)
			return false;
	}
	if (number < min)
		return false;
	*out = (unsigned)number;
	return true;
}

/* feedback: {db, votes_per_day, retention_days}; db is required and
 * absolute (kb.cgi's working folder is the server's choice). */
static bool config_feedback(const struct yamldoc_node *root,
			    struct site_feedback *feedback)
{
	struct yamldoc_node *key_node = NULL;
	struct yamldoc_node *node = yamldoc_get(root, "feedback", &key_node);
	bool ok = true, has_db = false;

	feedback->votes_per_day = 3;
	feedback->retention_days = 365;
	if (node == NULL || yamldoc_is_null(node))
		return true;
	if (node->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", node->line, node->col,
			   "'feedback' must be a mapping of db, votes_per_day "
			   "and retention_days");
		return false;
	}
	for (size_t i = 0; i < node->count; i++) {
		const struct yamldoc_node *key = node->keys[i];
		const struct yamldoc_node *value = node->items[i];

		if (strcmp(key->text, "db") == 0) {
			has_db = true;
			if (value->type != YAMLDOC_SCALAR ||
			    value->text[0] != '/') {
				diag_error("site.yaml", value->line, value->col,
					   "'feedback.db' must be an absolute "
					   "path, outside the published site "
					   "(for example /var/lib/kbgen/feedback.db)");
				ok = false;
			} else {
				free(feedback->db);
				feedback->db = xstrdup(value->text);
				feedback->db_line = value->line;
				feedback->db_col = value->col;
			}
		} else if (strcmp(key->text, "votes_per_day") == 0) {
			if (!small_number(value, 1, 1000,
					  &feedback->votes_per_day)) {
				diag_error("site.yaml", value->line, value->col,
					   "'feedback.votes_per_day' must be a "
					   "whole number from 1 to 1000");
				ok = false;
			}
		} else if (strcmp(key->text, "retention_days") == 0) {
			if (!small_number(value, 0, 36500,
					  &feedback->retention_days)) {
				diag_error("site.yaml", value->line, value->col,
					   "'feedback.retention_days' must be a "
					   "whole number of days from 0 (keep "
					   "forever) to 36500");
				ok = false;
			}
		} else {
			diag_warning("site.yaml", key->line, key->col,
				     "unknown key 'feedback.%s' (ignored)",
				     key->text);
		}
	}
	if (!has_db) {
		diag_error("site.yaml", key_node->line, key_node->col,
			   "'feedback' needs 'db', the path of the feedback "
			   "database");
		ok = false;
	}
	return ok;
}

/* records_live: true, or {per_visitor_per_hour, per_hour}: kb.cgi's live
 * lookups, counted in the feedback database (so feedback.db is needed). */
static bool config_records_live(const struct yamldoc_node *root,
				struct site_config *config)
{
	struct yamldoc_node *key_node = NULL;
	struct yamldoc_node *node = yamldoc_get(root, "records_live", &key_node);
	struct site_records_live *live = &config->records_live;
	bool ok = true, on = false;

	live->per_visitor_per_hour = 5;
	live->per_hour = 200;
	if (node == NULL || yamldoc_is_null(node))
		return true;
	if (node->type == YAMLDOC_SCALAR) {
		if (!yamldoc_bool(node, &on)) {
			diag_error("site.yaml", node->line, node->col,
				   "'records_live' must be true, false or a "
				   "mapping of per_visitor_per_hour and per_hour");
			return false;
		}
	} else if (node->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", node->line, node->col,
			   "'records_live' must be true, false or a mapping of "
			   "per_visitor_per_hour and per_hour");
		return false;
	} else {
		on = true;
		for (size_t i = 0; i < node->count; i++) {
			const struct yamldoc_node *key = node->keys[i];
			const struct yamldoc_node *value = node->items[i];

			if (strcmp(key->text, "per_visitor_per_hour") == 0) {
				if (!small_number(value, 1, 1000,
						  &live->per_visitor_per_hour)) {
					diag_error("site.yaml", value->line, value->col,
						   "'records_live.per_visitor_per_hour' "
						   "must be a whole number from 1 to 1000");
					ok = false;
				}
			} else if (strcmp(key->text, "per_hour") == 0) {
				if (!small_number(value, 1, 100000, &live->per_hour)) {
					diag_error("site.yaml", value->line, value->col,
						   "'records_live.per_hour' must be a "
						   "whole number from 1 to 100000");
					ok = false;
				}
			} else {
				diag_warning("site.yaml", key->line, key->col,
					     "unknown key 'records_live.%s' (ignored)",
					     key->text);
			}
		}
	}
	if (on && ok && config->feedback.db == NULL) {
		diag_error("site.yaml", key_node->line, key_node->col,
			   "'records_live' needs 'feedback.db': kb.cgi counts "
			   "each visitor's live lookups in the feedback database");
		ok = false;
	}
	live->enabled = on && ok;
	return ok;
}

static bool config_support(const struct yamldoc_node *root,
			   struct site_support *support)
{
	static const char *const known[] = {"url", "email", "hours"};
	char **values[] = {&support->url, &support->email, &support->hours};
	struct yamldoc_node *node = yamldoc_get(root, "support", NULL);
	const char *why;
	bool ok = true;

	if (node == NULL || yamldoc_is_null(node))
		return true;
	if (node->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", node->line, node->col,
			   "'support' must be a mapping of url, email and hours");
		return false;
	}
	for (size_t i = 0; i < node->count; i++) {
		const struct yamldoc_node *key = node->keys[i];
		const struct yamldoc_node *value = node->items[i];
		size_t k = 0;

		while (k < 3 && strcmp(key->text, known[k]) != 0)
			k++;
		if (k == 3) {
			diag_warning("site.yaml", key->line, key->col,
				     "unknown key 'support.%s' (ignored)",
				     key->text);
			continue;
		}
		if (value->type != YAMLDOC_SCALAR) {
			diag_error("site.yaml", value->line, value->col,
				   "'support.%s' must be text, not %s",
				   key->text, yamldoc_type_name(value));
			ok = false;
			continue;
		}
		if (k == 0 && !is_http_url(value->text)) {
			diag_error("site.yaml", value->line, value->col,
				   "'support.url' must be an http(s) URL of "
				   "the contact form");
			ok = false;
			continue;
		}
		if (k == 1 && !site_email_valid(value->text, &why)) {
			diag_error("site.yaml", value->line, value->col,
				   "'support.email' is not a mail address: %s",
				   why);
			ok = false;
			continue;
		}
		free(*values[k]);
		*values[k] = *value->text ? xstrdup(value->text) : NULL;
	}
	if (ok && support->url == NULL && support->email == NULL) {
		diag_error("site.yaml", node->line, node->col,
			   "'support' needs 'url' (a contact form) or 'email' "
			   "(a mail address), or both");
		ok = false;
	}
	return ok;
}

/* git_info: true dates articles without a lastmod by their last commit
 * (Hugo's enableGitInfo). */
static bool config_git_info(const struct yamldoc_node *root,
			    struct site_config *config)
{
	struct yamldoc_node *key;
	struct yamldoc_node *node = yamldoc_get(root, "git_info", &key);

	if (node == NULL)
		return true;
	config->git_info_line = key->line;
	config->git_info_col = key->col;
	if (!yamldoc_bool(node, &config->git_info)) {
		diag_error("site.yaml", node->line, node->col,
			   "'git_info' must be true or false");
		return false;
	}
	return true;
}

/* raw_html: drop (the default) or safe. */
static bool config_raw_html(const struct yamldoc_node *root,
			    struct site_config *config)
{
	struct yamldoc_node *node = yamldoc_get(root, "raw_html", NULL);

	if (node == NULL || yamldoc_is_null(node))
		return true;
	if (node->type == YAMLDOC_SCALAR && strcmp(node->text, "safe") == 0) {
		config->raw_html_safe = true;
		return true;
	}
	if (node->type == YAMLDOC_SCALAR && strcmp(node->text, "drop") == 0)
		return true;
	diag_error("site.yaml", node->line, node->col,
		   "'raw_html' must be 'drop' (raw HTML left out of the page, "
		   "the default) or 'safe' (a, br, kbd, sub, sup, details, "
		   "summary and img rebuilt, the rest left out)");
	return false;
}

static bool config_unknown_keys(const struct yamldoc_node *root)
{
	static const char *const known[] = {"title", "description", "base_url",
					    "language", "cgi_url", "links",
					    "support", "service", "spf_include",
					    "feedback", "records_live", "raw_html",
					    "git_info"};

	if (root == NULL)
		return true;
	for (size_t i = 0; i < root->count; i++) {
		bool found = false;
		for (size_t k = 0; k < sizeof known / sizeof *known; k++)
			if (strcmp(root->keys[i]->text, known[k]) == 0)
				found = true;
		if (!found)
			diag_warning("site.yaml", root->keys[i]->line,
				     root->keys[i]->col,
				     "unknown key '%s' (ignored)",
				     root->keys[i]->text);
	}
	return true;
}

/* cgi_url, when set, must be what kb.cgi can put in a URL as it is: the
 * search box, the wizard's links and every redirect start with it. */
static bool config_cgi_url(const struct site_config *config,
			   const struct yamldoc_node *root)
{
	struct yamldoc_node *node = yamldoc_get(root, "cgi_url", NULL);
	const char *why;

	if (config->cgi_url == NULL || *config->cgi_url == '\0' ||
	    cgiurl_base_valid(config->cgi_url, &why))
		return true;
	diag_error("site.yaml", node ? node->line : 1, node ? node->col : 1,
		   "'cgi_url' is not a URL kb.cgi can answer at: %s", why);
	return false;
}

/* spf_include is a domain the record checker looks for in include:
 * terms; a mistake in it would report every customer's record. */
static bool config_spf_include(const struct site_config *config,
			       const struct yamldoc_node *root)
{
	struct yamldoc_node *node = yamldoc_get(root, "spf_include", NULL);
	const char *why;

	if (config->spf_include == NULL || *config->spf_include == '\0' ||
	    node == NULL)
		return true;
	why = records_domain_problem(config->spf_include,
				     strlen(config->spf_include), RECORDS_EN);
	if (why == NULL && strchr(config->spf_include, '.') == NULL)
		why = "no dot";
	if (why == NULL)
		return true;
	diag_error("site.yaml", node->line, node->col,
		   "'spf_include' is not a domain name (what follows "
		   "include: in an SPF record, e.g. _spf.example.net)");
	return false;
}

/* Derives base_path from base_url and checks both. */
static bool config_base(struct site_config *config,
			const struct yamldoc_node *root)
{
	struct yamldoc_node *node = yamldoc_get(root, "base_url", NULL);
	const char *after_scheme, *path;
	size_t length;

	if (strncmp(config->base_url, "http://", 7) == 0)
		after_scheme = config->base_url + 7;
	else if (strncmp(config->base_url, "https://", 8) == 0)
		after_scheme = config->base_url + 8;
	else {
		diag_error("site.yaml", node ? node->line : 1, node ? node->col : 1,
			   "'base_url' must start with http:// or https://");
		return false;
	}
	if (*after_scheme == '\0' || *after_scheme == '/') {
		diag_error("site.yaml", node ? node->line : 1, node ? node->col : 1,
			   "'base_url' names no host: write it as https://example.jp/ or https://example.jp/kb/");
		return false;
	}
	length = strlen(config->base_url);
	if (config->base_url[length - 1] != '/') {
		char *slashed = xasprintf("%s/", config->base_url);
		free(config->base_url);
		config->base_url = slashed;
		after_scheme = strstr(slashed, "//") + 2;
	}
	path = strchr(after_scheme, '/');
	config->base_path = xstrdup(path);
	return true;
}

static void config_defaults(struct site_config *config)
{
	memset(config, 0, sizeof *config);
	config->title = xstrdup("Knowledge base");
	config->description = xstrdup("");
	config->base_url = xstrdup("http://127.0.0.1:8080/");
	config->language = xstrdup("ja");
}

bool site_config_parse(const char *text, size_t length,
		       struct site_config *config)
{
	struct yamldoc_node *document;
	bool ok = false;

	config_defaults(config);
	document = yamldoc_parse(text, length, "site.yaml", 1, &ok);
	if (!ok)
		goto out;
	if (document != NULL && document->type != YAMLDOC_MAPPING) {
		diag_error("site.yaml", document->line, document->col,
			   "site.yaml must be a mapping of keys");
		ok = false;
		goto out;
	}
	/* Every check runs, so that one build reports every mistake. */
	ok = config_text(document, "title", &config->title);
	ok = config_text(document, "description", &config->description) && ok;
	ok = config_text(document, "base_url", &config->base_url) && ok;
	ok = config_text(document, "language", &config->language) && ok;
	ok = config_text(document, "cgi_url", &config->cgi_url) && ok;
	ok = config_text(document, "service", &config->service) && ok;
	ok = config_text(document, "spf_include", &config->spf_include) && ok;
	ok = config_spf_include(config, document) && ok;
	ok = config_links(document, config) && ok;
	ok = config_support(document, &config->support) && ok;
	ok = config_git_info(document, config) && ok;
	ok = config_feedback(document, &config->feedback) && ok;
	ok = config_records_live(document, config) && ok;
	ok = config_raw_html(document, config) && ok;
	ok = config_unknown_keys(document) && ok;
	if (ok) {
		ok = config_base(config, document);
		ok = config_cgi_url(config, document) && ok;
	}
out:
	yamldoc_free(document);
	return ok;
}

bool site_config_load(const char *root, struct site_config *config)
{
	char *path = path_join(root, "site.yaml");
	char *text = NULL;
	size_t length;
	bool ok = false;

	if (read_file(path, CONFIG_MAX_SIZE, &text, &length) != 0) {
		config_defaults(config);
		diag_error("site.yaml", 0, 0, "cannot read site.yaml: %s",
			   strerror(errno));
	} else {
		ok = site_config_parse(text, length, config);
	}
	free(text);
	free(path);
	return ok;
}

bool site_config_has_support(const struct site_config *config)
{
	return config->support.url != NULL || config->support.email != NULL;
}

void site_config_free(struct site_config *config)
{
	free(config->support.url);
	free(config->support.email);
	free(config->support.hours);
	for (size_t i = 0; i < config->link_count; i++) {
		free(config->links[i].name);
		free(config->links[i].title);
		free(config->links[i].url);
	}
	free(config->links);
	free(config->title);
	free(config->description);
	free(config->service);
	free(config->feedback.db);
	free(config->base_url);
	free(config->base_path);
	free(config->language);
	free(config->cgi_url);
	free(config->spf_include);
	memset(config, 0, sizeof *config);
}

const struct external_link *site_config_link(const struct site_config *config,
					     const char *name)
{
	for (size_t i = 0; i < config->link_count; i++)
		if (strcmp(config->links[i].name, name) == 0)
			return &config->links[i];
	return NULL;
}
