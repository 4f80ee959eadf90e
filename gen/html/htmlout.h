/*
 * htmlout.h — HTML5 serialization of libxml2 trees into a growing buffer,
 * the one escaping writer every page goes through.
 *
 * The bytes are those libxml2 2.9's htmlDocContentDumpFormatOutput(...,
 * "UTF-8", 0) writes for the same tree: UTF-8 copied raw (never numeric
 * references), libxml2's HTML element table deciding which elements are
 * void (<br>, <meta>, ...) and which empty ones lose their end tag (<li>),
 * text in <script> and <style> raw, boolean attributes (defer, checked,
 * ...) without a value, href/src/action (and <a name>) percent-escaped
 * outside [A-Za-z0-9-_.!~*'()@/:=?;#%&,+<>], values quoted with '"'
 * unless they hold '"' and no '\'', C0 controls other than tab, line
 * feed and carriage return dropped, "<!DOCTYPE ...>" and the last line
 * ending with a newline.
 *
 * One difference, on purpose: '<' and '&' in attribute values are always
 * escaped. libxml2 copies "<!--...-->" and "&{...}" inside attribute
 * values raw (server-side includes, HTML 4 script macros), which would
 * let a visitor's text reach a page unescaped.
 */
#ifndef KB_HTMLOUT_H
#define KB_HTMLOUT_H

#include <stdbool.h>

#include <libxml/tree.h>

#include "base/util.h"

/* Asked before each element is written; returning true leaves the
 * element and everything under it out (the callback may append its own
 * bytes to out in its place). */
typedef bool htmlout_skip_fn(void *user, xmlNodePtr element, struct buf *out);

/* Appends node and everything under it to out: an element with its
 * attributes, children and end tag; a document as its DOCTYPE line,
 * nodes and final newline; text escaped. skip may be NULL. */
void htmlout_node(struct buf *out, xmlNodePtr node, htmlout_skip_fn *skip,
		  void *user);

/* Appends each child of node in turn (not node's own tags). */
void htmlout_children(struct buf *out, xmlNodePtr node);

/* Appends text escaped as element content: '<', '>' and '&' as
 * references, controls other than tab, LF and CR dropped. */
void htmlout_text(struct buf *out, const char *text);

#endif
