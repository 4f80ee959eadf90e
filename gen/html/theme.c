/*
 * theme.c — the theme: theme/layout.html loaded and filled with what
 * every page shares, the UI strings, the navigation, and the cache where
 * the page module keeps what it derives from them (page.c builds pages).
 */
#include "html/theme.h"

#include <errno.h>
#include <libxml/HTMLparser.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/diag.h"
#include "html/dom.h"
#include "base/util.h"
#include "content/yamldoc.h"

#define LAYOUT_MAX_SIZE (1024 * 1024)
#define STRINGS_MAX_SIZE (1024 * 1024)

struct nav_entry {
	char *path;
	char *label;
};

/* What theme_cached keeps: the object made for the current navigation,
 * and those made before a theme_add_nav, which stay until theme_free
 * (pages may still point at them). */
struct theme_cache {
	pthread_mutex_t lock;
	void *current;
	void **stale;
	size_t stale_count, stale_capacity;
	void (*release)(void *object);
};

struct theme {
	xmlDocPtr layout;
	char *base_path;
	char *site_title;
	char **keys, **values;
	size_t string_count;
	struct nav_entry *nav;
	size_t nav_count, nav_capacity;
	struct theme_cache *cache;
	bool live_reload;
};

const char *theme_text(const struct theme *theme, const char *key)
{
	for (size_t i = 0; i < theme->string_count; i++)
		if (strcmp(theme->keys[i], key) == 0)
			return theme->values[i];
	return key;
}

char *theme_url(const struct theme *theme, const char *path)
{
	return xasprintf("%s%s", theme->base_path, path);
}

/* Reads the UI strings from length bytes of YAML (a mapping of key: text);
 * name is the file named in diagnostics. */
static bool parse_strings(struct theme *theme, const char *text, size_t length,
			  const char *name)
{
	struct yamldoc_node *strings = NULL;
	bool ok = false;

	strings = yamldoc_parse(text, length, name, 1, &ok);
	if (!ok)
		goto out;
	if (strings == NULL || strings->type != YAMLDOC_MAPPING) {
		diag_error(name, 1, 1, "UI strings must be a mapping of "
			   "key: text");
		ok = false;
		goto out;
	}
	theme->keys = xcalloc(strings->count, sizeof *theme->keys);
	theme->values = xcalloc(strings->count, sizeof *theme->values);
	for (size_t i = 0; i < strings->count; i++) {
		const struct yamldoc_node *value = strings->items[i];
		if (value->type != YAMLDOC_SCALAR) {
			diag_error(name, value->line, value->col,
				   "UI string '%s' must be text",
				   strings->keys[i]->text);
			ok = false;
			continue;
		}
		theme->keys[theme->string_count] = xstrdup(strings->keys[i]->text);
		theme->values[theme->string_count++] = xstrdup(value->text);
	}
out:
	yamldoc_free(strings);
	return ok;
}

static char *strings_name(const char *language)
{
	return xasprintf("theme/i18n/%s.yaml", language);
}

static bool load_strings(struct theme *theme, const char *root,
			 const char *language)
{
	char *relative = strings_name(language);
	char *path = path_join(root, relative);
	char *text = NULL;
	size_t length;
	bool ok = false;

	if (read_file(path, STRINGS_MAX_SIZE, &text, &length) != 0) {
		diag_error(relative, 0, 0, "cannot read UI strings for "
			   "language '%s': %s", language, strerror(errno));
		goto out;
	}
	ok = parse_strings(theme, text, length, relative);
out:
	free(text);
	free(path);
	free(relative);
	return ok;
}

static bool is_relative_url(const char *url)
{
	return *url != '\0' && *url != '/' && *url != '#' &&
	       strchr(url, ':') == NULL;
}

static void rewrite_url_attribute(struct theme *theme, xmlNodePtr node,
				  const char *name)
{
	char *value = dom_attribute(node, name);
	char *url;

	if (value == NULL)
		return;
	if (is_relative_url(value)) {
		url = strcmp(value, "index.html") == 0
			? xstrdup(theme->base_path) : theme_url(theme, value);
		dom_set(node, name, url);
		free(url);
	}
	free(value);
}

static void apply_text_attribute(struct theme *theme, xmlNodePtr node)
{
	char *spec = dom_attribute(node, "data-kb-text-attr");
	char *equals;

	if (spec == NULL)
		return;
	equals = strchr(spec, '=');
	if (equals != NULL) {
		*equals = '\0';
		dom_set(node, spec, theme_text(theme, equals + 1));
	}
	xmlUnsetProp(node, BAD_CAST "data-kb-text-attr");
	free(spec);
}

static void apply_text(struct theme *theme, xmlNodePtr node)
{
	char *key = dom_attribute(node, "data-kb-text");

	if (key == NULL)
		return;
	dom_clear(node);
	dom_text(node, theme_text(theme, key));
	xmlUnsetProp(node, BAD_CAST "data-kb-text");
	free(key);
}

/* Fills a slot every page shares; false when the element is to be left
 * out of the layout. */
static bool apply_slot(struct theme *theme, xmlNodePtr node,
		       const struct theme_config *config)
{
	char *slot = dom_attribute(node, "data-kb");
	bool keep = true;

	if (slot == NULL)
		return true;
	if (strcmp(slot, "footer-service") == 0) {
		dom_clear(node);
		keep = config->service != NULL && *config->service != '\0';
		if (keep) {
			dom_text(node, theme_text(theme, "footer-service"));
			dom_text(node, config->service);
			dom_text(node, theme_text(theme, "footer-service-end"));
		}
		xmlUnsetProp(node, BAD_CAST "data-kb");
	} else if (strcmp(slot, "site-title") == 0 || strcmp(slot, "footer-title") == 0) {
		dom_clear(node);
		dom_text(node, config->site_title);
		xmlUnsetProp(node, BAD_CAST "data-kb");
	} else if (strcmp(slot, "search-form") == 0) {
		dom_set(node, "action", config->search_action);
		xmlUnsetProp(node, BAD_CAST "data-kb");
	}
	free(slot);
	return keep;
}

/* Fills everything that is the same on every page, once. */
static void prepare_layout(struct theme *theme, xmlNodePtr node,
			   const struct theme_config *config)
{
	xmlNodePtr next;

	for (; node != NULL; node = next) {
		next = node->next;
		if (node->type != XML_ELEMENT_NODE)
			continue;
		rewrite_url_attribute(theme, node, "href");
		rewrite_url_attribute(theme, node, "src");
		rewrite_url_attribute(theme, node, "action");
		apply_text_attribute(theme, node);
		apply_text(theme, node);
		if (!apply_slot(theme, node, config)) {
			/* the line's indentation goes too, so that the page
			 * is as if the layout never had the element */
			xmlNodePtr before = node->prev;
			if (before != NULL && xmlIsBlankNode(before)) {
				xmlUnlinkNode(before);
				xmlFreeNode(before);
			}
			xmlUnlinkNode(node);
			xmlFreeNode(node);
			continue;
		}
		if (xmlStrEqual(node->name, BAD_CAST "html"))
			dom_set(node, "lang", config->language);
		prepare_layout(theme, node->children, config);
	}
}

/* Parses length bytes of layout HTML and fills what every page shares. */
static bool parse_layout(struct theme *theme, const struct theme_config *config,
			 const char *text, size_t length)
{
	if (length > LAYOUT_MAX_SIZE) {
		diag_error("theme/layout.html", 0, 0, "the layout is larger "
			   "than %d bytes", LAYOUT_MAX_SIZE);
		return false;
	}
	theme->layout = htmlReadMemory(text, (int)length, "layout.html", "UTF-8",
				       HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				       HTML_PARSE_NONET);
	if (theme->layout == NULL || xmlDocGetRootElement(theme->layout) == NULL) {
		diag_error("theme/layout.html", 0, 0, "the layout is not HTML");
		return false;
	}
	prepare_layout(theme, xmlDocGetRootElement(theme->layout), config);
	return true;
}

static bool load_layout(struct theme *theme, const struct theme_config *config)
{
	char *path = path_join(config->root, "theme/layout.html");
	char *text = NULL;
	size_t length;
	bool ok;

	if (read_file(path, LAYOUT_MAX_SIZE, &text, &length) != 0) {
		diag_error("theme/layout.html", 0, 0, "cannot read the layout: %s",
			   strerror(errno));
		free(path);
		return false;
	}
	ok = parse_layout(theme, config, text, length);
	free(text);
	free(path);
	return ok;
}

static struct theme *theme_new(const struct theme_config *config)
{
	struct theme *theme = xcalloc(1, sizeof *theme);

	theme->base_path = xstrdup(config->base_path);
	theme->site_title = xstrdup(config->site_title);
	theme->cache = xcalloc(1, sizeof *theme->cache);
	/* With default attributes only a lack of memory or of other system
	 * resources makes this fail: the out-of-memory case. */
	if (pthread_mutex_init(&theme->cache->lock, NULL) != 0)
		out_of_memory();
	return theme;
}

/* The UI strings of live.js's overlay, as attributes of its script
 * element. */
static const struct {
	const char *attribute, *key;
} live_strings[] = {
	{"data-title", "live-title"}, {"data-kept", "live-kept"},
	{"data-count", "live-count"}, {"data-system", "live-system"},
	{"data-crashed", "live-crashed"}, {"data-close", "live-close"},
};

/* kbgen watch: every page loads <base>_kb/live.js, which the watcher
 * serves from beside the output folder (see watch.h). Never in a build
 * without live_reload, so never in a published site. */
static void add_live_reload_script(struct theme *theme)
{
	xmlNodePtr node = xmlDocGetRootElement(theme->layout)->children;
	xmlNodePtr script;
	char *url;

	while (node != NULL && !(node->type == XML_ELEMENT_NODE &&
				 xmlStrEqual(node->name, BAD_CAST "head")))
		node = node->next;
	if (node == NULL)
		return;
	script = dom_element(node, "script", NULL);
	url = theme_url(theme, "_kb/live.js");
	dom_set(script, "src", url);
	dom_set_boolean(script, "defer");
	/* the error overlay speaks the site's language: live.js reads its
	 * words from its own element */
	for (size_t i = 0; i < sizeof live_strings / sizeof *live_strings; i++)
		dom_set(script, live_strings[i].attribute,
			theme_text(theme, live_strings[i].key));
	theme->live_reload = true;
	free(url);
}

bool theme_live_reload(const struct theme *theme)
{
	return theme->live_reload;
}

struct theme *theme_load(const struct theme_config *config)
{
	struct theme *theme = theme_new(config);

	if (!load_strings(theme, config->root, config->language) ||
	    !load_layout(theme, config)) {
		theme_free(theme);
		return NULL;
	}
	if (config->live_reload)
		add_live_reload_script(theme);
	return theme;
}

struct theme *theme_load_memory(const struct theme_config *config,
				const char *layout_html, size_t layout_length,
				const char *strings_yaml, size_t strings_length)
{
	struct theme *theme = theme_new(config);
	char *name = strings_name(config->language);
	bool ok = parse_strings(theme, strings_yaml, strings_length, name) &&
		  parse_layout(theme, config, layout_html, layout_length);

	free(name);
	if (!ok) {
		theme_free(theme);
		return NULL;
	}
	if (config->live_reload)
		add_live_reload_script(theme);
	return theme;
}

static void cache_free(struct theme_cache *cache)
{
	if (cache->current != NULL)
		cache->release(cache->current);
	for (size_t i = 0; i < cache->stale_count; i++)
		cache->release(cache->stale[i]);
	free(cache->stale);
	pthread_mutex_destroy(&cache->lock);
	free(cache);
}

void theme_free(struct theme *theme)
{
	if (theme == NULL)
		return;
	cache_free(theme->cache);
	if (theme->layout)
		xmlFreeDoc(theme->layout);
	for (size_t i = 0; i < theme->string_count; i++) {
		free(theme->keys[i]);
		free(theme->values[i]);
	}
	for (size_t i = 0; i < theme->nav_count; i++) {
		free(theme->nav[i].path);
		free(theme->nav[i].label);
	}
	free(theme->nav);
	free(theme->keys);
	free(theme->values);
	free(theme->base_path);
	free(theme->site_title);
	free(theme);
}

void theme_add_nav(struct theme *theme, const char *path, const char *label)
{
	struct theme_cache *cache = theme->cache;

	theme->nav = xgrow(theme->nav, &theme->nav_capacity,
			   theme->nav_count + 1, sizeof *theme->nav);
	theme->nav[theme->nav_count].path = xstrdup(path);
	theme->nav[theme->nav_count++].label = xstrdup(label);
	pthread_mutex_lock(&cache->lock);
	if (cache->current != NULL) {
		cache->stale = xgrow(cache->stale, &cache->stale_capacity,
				     cache->stale_count + 1, sizeof *cache->stale);
		cache->stale[cache->stale_count++] = cache->current;
		cache->current = NULL;
	}
	pthread_mutex_unlock(&cache->lock);
}

size_t theme_nav_count(const struct theme *theme)
{
	return theme->nav_count;
}

void theme_nav_entry(const struct theme *theme, size_t index,
		     const char **path, const char **label)
{
	*path = theme->nav[index].path;
	*label = theme->nav[index].label;
}

const char *theme_site_title(const struct theme *theme)
{
	return theme->site_title;
}

xmlDocPtr theme_layout(const struct theme *theme)
{
	return theme->layout;
}

const void *theme_cached(const struct theme *theme,
			 void *(*make)(const struct theme *theme),
			 void (*release)(void *object))
{
	struct theme_cache *cache = theme->cache;
	const void *object;

	pthread_mutex_lock(&cache->lock);
	if (cache->current == NULL) {
		cache->current = make(theme);
		cache->release = release;
	}
	object = cache->current;
	pthread_mutex_unlock(&cache->lock);
	return object;
}
