/*
 * cgiwizard.h — kb.cgi's wizard walk: /wizard/<tree>/<node>?<node>=<option>&…
 *
 * All state is in the URL. The answers are replayed from the tree's start
 * (tree_walk), without any answer to the requested node itself:
 *   - the walk reaches the requested node: its page, with the answers
 *     that led there ("Your answers", each with a Change link), the
 *     options, "Start again", and a plain-text summary for support;
 *   - it does not: 303 to the last node the answers reach, with the
 *     answers that applied and no others.
 * Answers the walk did not use but that name a node of the tree and one of
 * its options are carried along ("pending") so that changing an earlier
 * answer keeps the later ones that still apply: a Change link leads to
 * that node with every other answer kept, and each option there leads
 * straight to where the walk ends with the pending answers replayed, with
 * only the answers that then apply.
 */
#ifndef KB_CGIWIZARD_H
#define KB_CGIWIZARD_H

#include <stddef.h>

#include "cgi/request.h"
#include "cgi/response.h"
#include "content/tree.h"

/* The trees a site has answered from, each read from kb.db once, with
 * the details of each node once shown. Owned by the site (cgi.h): made
 * with it, freed with it. */
struct cgiwizard_cache *cgiwizard_cache_new(void);

/* Frees cache and every tree and detail in it; NULL is allowed. */
void cgiwizard_cache_free(struct cgiwizard_cache *cache);

/* /wizard/<tree>[/]: 303 to the tree's first question, or 404. */
void cgiwizard_start(const struct cgi_site *site,
		     const struct cgi_request *request, const char *tree_id,
		     struct cgi_response *response);

/* One step of the walk, as above. from_id (NULL: the start) names the
 * question a walk begun in the middle started at (WIZARD_FROM_PARAM);
 * one that is not a question of the tree counts as the start. answers
 * are the validated ones (node=option, both ids), in request order; an
 * answer to the requested node itself marks that option as the previous
 * answer. Everything is borrowed. Unknown trees and nodes get 404. */
void cgiwizard_step(const struct cgi_site *site,
		    const struct cgi_request *request, const char *tree_id,
		    const char *node_id, const char *from_id,
		    const struct tree_answer *answers, size_t answer_count,
		    struct cgi_response *response);

#endif
