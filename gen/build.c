/*
 * build.c — the build pipeline.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "feed.h"
#include "publish.h"
#include "render.h"
#include "site.h"
#include "theme.h"
#include "util.h"

#define RELATED_LIMIT 5
#define FEED_LIMIT 20

struct build {
	const struct build_options *options;
	struct site *site;
	struct theme *theme;
	char *staging;
};

static char *search_action(const struct site_config *config)
{
	if (config->cgi_url != NULL && *config->cgi_url != '\0')
		return xasprintf("%s/search", config->cgi_url);
	return xasprintf("%ssearch/", config->base_path);
}

static bool load_theme(struct build *build)
{
	const struct site_config *config = &build->site->config;
	char *action = search_action(config);
	struct theme_config theme_config = {
		.root = build->options->root,
		.language = config->language,
		.base_path = config->base_path,
		.site_title = config->title,
		.search_action = action,
	};

	build->theme = theme_load(&theme_config);
	free(action);
	if (build->theme == NULL)
		return false;
	theme_add_nav(build->theme, "", theme_text(build->theme, "home"));
	for (size_t i = 0; i < build->site->section_count; i++) {
		char *path = xasprintf("%s/", build->site->sections[i]->name);
		theme_add_nav(build->theme, path, build->site->sections[i]->title);
		free(path);
	}
	return true;
}

/* Loads and checks everything; false when content errors were found. */
static bool load(struct build *build)
{
	struct site_config config;

	if (!site_config_load(build->options->root, &config)) {
		site_config_free(&config);
		return false;
	}
	build->site = site_load(build->options->root, build->options->drafts);
	build->site->config = config;
	site_check_links(build->site);
	if (!load_theme(build))
		return false;
	return diag_error_count() == 0;
}

static int render_all(struct build *build)
{
	struct render_context context = {
		.site = build->site,
		.theme = build->theme,
		.out_dir = build->staging,
	};
	char *static_source = path_join(build->options->root, "theme/static");
	char *static_target = path_join(build->staging, "static");
	int rc = 0;

	site_compute_related(build->site, RELATED_LIMIT);
	for (size_t i = 0; rc == 0 && i < build->site->article_count; i++)
		rc = render_article(&context, build->site->articles[i]);
	if (rc == 0)
		rc = render_sections(&context);
	if (rc == 0)
		rc = render_tags(&context);
	if (rc == 0)
		rc = render_home(&context);
	if (rc == 0)
		rc = render_not_found(&context);
	if (rc == 0)
		rc = render_search_page(&context);
	if (rc == 0)
		rc = render_aliases(&context);
	if (rc == 0)
		rc = publish_copy_tree(static_source, static_target);
	if (rc == 0)
		rc = feed_write_sitemap(build->site, NULL, build->staging);
	if (rc == 0)
		rc = feed_write_atom(build->site, build->staging, FEED_LIMIT);
	if (rc == 0)
		rc = feed_write_robots(build->site, build->staging);
	free(static_source);
	free(static_target);
	return rc;
}

enum build_status build_run(const struct build_options *options)
{
	struct build build = {.options = options};
	enum build_status status = BUILD_CONTENT_ERRORS;

	if (!load(&build))
		goto out;
	status = BUILD_OK;
	if (options->check_only)
		goto out;
	status = BUILD_SYSTEM_ERROR;
	build.staging = publish_begin(options->out_dir);
	if (build.staging == NULL)
		goto out;
	if (render_all(&build) != 0 ||
	    publish_commit(build.staging, options->out_dir) != 0) {
		publish_abort(build.staging);
		goto out;
	}
	status = BUILD_OK;
out:
	theme_free(build.theme);
	site_free(build.site);
	free(build.staging);
	return status;
}
