/*
 * wizard.h — the static troubleshooting wizard: one page per decision
 * tree node, a start page per tree, a list of trees, and a map for
 * support staff. The pages work without the CGI and without JavaScript;
 * all state a visitor has is the URL of the page they are on.
 *
 * URLs, all under the site's base path (tree and node ids are slugs, so
 * they need no escaping):
 *   wizard/                    the trees
 *   wizard/<tree>/             start page (description, duration, start)
 *   wizard/<tree>/<node>/      one question or outcome
 *   wizard/<tree>/map/         SVG diagram and node table for support staff
 * A node may therefore not be called "map": wizard_check_links says so.
 *
 * Everything here is meant for trees that loaded without errors; trees
 * without an id, a title or a valid start are skipped, not rendered.
 */
#ifndef KB_WIZARD_H
#define KB_WIZARD_H

#include <stddef.h>

#include "html/render.h"
#include "content/site.h"
#include "content/tree.h"

/* The node id that would collide with the map page's URL. */
#define WIZARD_MAP_SEGMENT "map"

/* What wizard_resolve_link needs: the site (for its base path) and the
 * trees. Everything is borrowed and must outlive the site's use of it. */
struct wizard_links {
	const struct site *site;
	struct tree *const *trees;
	size_t count;
};

/*
 * Checks every node body's links: relative .md links (resolved against
 * the tree file's folder, so "../content/x/y.md#heading"), links into
 * decision trees (through site->tree_links, so set that first), and bare
 * "#anchor" links against the body's own headings. Broken ones are
 * reported at the link's path:line:col in the tree file. Also reports a
 * node whose id is WIZARD_MAP_SEGMENT.
 */
void wizard_check_links(const struct site *site, struct tree *const *trees,
			size_t count);

/*
 * A site_tree_link_resolver; user is a struct wizard_links. tree_file is
 * the normalized path "decision-trees/x.yaml"; fragment a node id, or
 * NULL or "" for the tree itself. Returns "<base>wizard/x/<node>/" or
 * "<base>wizard/x/" (caller frees), or NULL with *error set (caller
 * frees) when there is no such tree or node.
 */
char *wizard_resolve_link(void *user, const char *tree_file,
			  const char *fragment, char **error);

/*
 * Writes every wizard page into context->out_dir (context->site and
 * context->theme are used too). Returns 0, or -1 after a diagnostic:
 * a folder or file that cannot be written, or a map Graphviz could not
 * draw.
 */
int wizard_render_all(const struct render_context *context,
		      struct tree *const *trees, size_t count);

/* The home page's entries (render_context.wizards), one per tree. */
struct wizard_entries {
	struct render_wizard_entry *items;
	size_t count;
};

/* Fills *out; url_path strings are owned by *out, title and description
 * are borrowed from the trees, which must outlive it. Release with
 * wizard_entries_free. */
void wizard_entries_make(struct tree *const *trees, size_t count,
			 struct wizard_entries *out);
void wizard_entries_free(struct wizard_entries *entries);

/* Every wizard page's path under the base ("wizard/", "wizard/x/", ...),
 * for the sitemap (struct feed_extra takes paths and count as they are). */
struct wizard_paths {
	const char **paths;
	size_t count;
};

/* Fills *out with strings it owns; release with wizard_paths_free. */
void wizard_paths_make(struct tree *const *trees, size_t count,
		       struct wizard_paths *out);
void wizard_paths_free(struct wizard_paths *paths);

#endif
