/*
 * treemap.h — a decision tree as an SVG diagram for support staff, laid
 * out at build time by Graphviz (libgvc/libcgraph, `dot`, top to bottom).
 *
 * Questions are rounded boxes; outcomes are boxes coloured by result
 * (resolved green, unresolved amber, escalate red). Every node links to
 * its page; its label is its title with its id on a last line of its
 * own; edge labels are option labels.
 *
 * An outcome that several options lead to is drawn once per option, each
 * copy linking to the same page. Drawn once, it would pull edges across
 * the whole diagram: unreadable, and each long edge costs dot one
 * virtual node per rank it crosses, which made a 500-node tree whose
 * questions all share one outcome take minutes to lay out.
 *
 * The same tree gives the same bytes on every run and every machine:
 * only Graphviz's core renderer and dot layout are loaded, so text is
 * measured with Graphviz's built-in font metrics rather than whatever
 * fonts the machine has (and fontconfig, which leaks, is never started).
 */
#ifndef KB_TREEMAP_H
#define KB_TREEMAP_H

#include "content/tree.h"

/* The colours a node is drawn in, as "#rrggbb" (static strings). */
struct treemap_colours {
	const char *fill, *line;
};

/* The colours of a question (type TREE_QUESTION) or of an outcome of
 * result, the same the diagram uses, so that a key beside it matches. */
struct treemap_colours treemap_colours(enum tree_node_type type,
				       enum tree_result result);

/* Returns the URL a node links to. The string is borrowed and needs to
 * stay valid only until the next call. */
typedef const char *treemap_url_function(void *user,
					 const struct tree_node *node);

/*
 * Lays tree out and renders it. Returns one `<svg ...>...</svg>` element
 * followed by a newline: UTF-8, with xmlns and xmlns:xlink declared, sizes
 * in pt, no XML declaration, DOCTYPE or comments, so it can be embedded
 * inline in an HTML5 page as is. Graphviz escapes text and attribute
 * values as XML. Node elements carry id="map-<node id>" (a copy of an
 * outcome: "map-<node id>.<n>", n from 2) and class "node question" or
 * "node outcome <result>"; every node is wrapped in <a xlink:href="URL">;
 * the last <text> in a node is its id. The svg element keeps Graphviz's
 * width and height (the natural size, in pt) and viewBox. The caller
 * frees the string; NULL when Graphviz failed (nothing is reported
 * through diag).
 *
 * Graphviz keeps global state, so calls are serialised by a lock. Its
 * plugins stay loaded until the process exits.
 */
char *treemap_svg(const struct tree *tree, treemap_url_function *node_url,
		  void *user);

#endif
