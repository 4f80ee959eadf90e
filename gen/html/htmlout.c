/*
 * htmlout.c — HTML5 serialization straight into a struct buf.
 *
 * The walk is iterative (content nests as deep as a Markdown file says),
 * and each piece of text goes through one table-driven loop that copies
 * runs of plain bytes with memcpy.
 */
#include "html/htmlout.h"

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <string.h>
#include <strings.h>

/* What a byte needs in text and attribute values: PLAIN bytes are
 * copied, DROP bytes left out (as libxml2 leaves out C0 controls), the
 * rest become references. NUL ends the text. */
enum byte_class { PLAIN, END, DROP, LESS, GREATER, AMPERSAND };

static const unsigned char byte_classes[256] = {
	[0x00] = END,
	[0x01] = DROP, [0x02] = DROP, [0x03] = DROP, [0x04] = DROP,
	[0x05] = DROP, [0x06] = DROP, [0x07] = DROP, [0x08] = DROP,
	[0x0B] = DROP, [0x0C] = DROP,
	[0x0E] = DROP, [0x0F] = DROP, [0x10] = DROP, [0x11] = DROP,
	[0x12] = DROP, [0x13] = DROP, [0x14] = DROP, [0x15] = DROP,
	[0x16] = DROP, [0x17] = DROP, [0x18] = DROP, [0x19] = DROP,
	[0x1A] = DROP, [0x1B] = DROP, [0x1C] = DROP, [0x1D] = DROP,
	[0x1E] = DROP, [0x1F] = DROP,
	['<'] = LESS, ['>'] = GREATER, ['&'] = AMPERSAND,
};

/* Bytes a URL attribute keeps as they are; every other byte becomes
 * %XX (upper-case hex), as libxml2's xmlURIEscapeStr with the list
 * "@/:=?;#%&,+<>" does. */
static bool url_keeps(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '-': case '_': case '.': case '!': case '~': case '*': case '\'':
	case '(': case ')': case '@': case '/': case ':': case '=': case '?':
	case ';': case '#': case '%': case '&': case ',': case '+': case '<':
	case '>':
		return true;
	default:
		return false;
	}
}

struct writer {
	struct buf *out;
	htmlout_skip_fn *skip;
	void *user;
};

/* Makes room for extra more bytes (and the terminating NUL). */
static void reserve(struct buf *out, size_t extra)
{
	out->data = xgrow(out->data, &out->capacity, out->length + extra + 1,
			  1);
}

static void put(struct buf *out, const char *bytes, size_t length)
{
	if (out->capacity - out->length <= length)
		reserve(out, length);
	memcpy(out->data + out->length, bytes, length);
	out->length += length;
}

static void put_string(struct buf *out, const char *text)
{
	if (text != NULL)
		put(out, text, strlen(text));
}

#define PUT_LITERAL(out, literal) put((out), (literal), sizeof(literal) - 1)

static void terminate(struct buf *out)
{
	if (out->data != NULL)
		out->data[out->length] = '\0';
}

/* Writes text (up to its NUL) escaped as element content. */
static void put_escaped(struct buf *out, const unsigned char *text)
{
	for (;;) {
		const unsigned char *run = text;

		while (byte_classes[*text] == PLAIN)
			text++;
		if (text != run)
			put(out, (const char *)run, (size_t)(text - run));
		switch (byte_classes[*text]) {
		case END:
			return;
		case LESS:
			PUT_LITERAL(out, "&lt;");
			break;
		case GREATER:
			PUT_LITERAL(out, "&gt;");
			break;
		case AMPERSAND:
			PUT_LITERAL(out, "&amp;");
			break;
		default:
			break;		/* DROP */
		}
		text++;
	}
}

void htmlout_text(struct buf *out, const char *text)
{
	put_escaped(out, (const unsigned char *)text);
	terminate(out);
}

/* A value written between quotes as libxml2's xmlBufWriteQuotedString
 * does: '"' around it, '\'' when it holds '"' but no '\'', '"' with
 * every '"' as &quot; when it holds both. */
static void put_quoted(struct buf *out, const char *value)
{
	const char *piece;

	if (strchr(value, '"') == NULL) {
		PUT_LITERAL(out, "\"");
		put_string(out, value);
		PUT_LITERAL(out, "\"");
	} else if (strchr(value, '\'') == NULL) {
		PUT_LITERAL(out, "'");
		put_string(out, value);
		PUT_LITERAL(out, "'");
	} else {
		PUT_LITERAL(out, "\"");
		for (piece = value; *piece != '\0'; piece++) {
			if (*piece == '"')
				PUT_LITERAL(out, "&quot;");
			else
				put(out, piece, 1);
		}
		PUT_LITERAL(out, "\"");
	}
}

static bool is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void put_percent(struct buf *out, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char escaped[3] = {'%', hex[c >> 4], hex[c & 0xF]};

	put(out, escaped, sizeof escaped);
}

/* One piece of a URL attribute value: escaped as text, then every byte
 * outside the kept set as %XX, leading blanks dropped while *leading.
 * Runs of kept bytes are copied at once. */
static void put_url_piece(struct buf *out, const unsigned char *text,
			  bool escape_markup, bool *leading)
{
	while (*text != '\0') {
		const unsigned char *run = text;
		unsigned char c;
		enum byte_class class;

		if (!*leading)
			while (url_keeps(*text) && (!escape_markup ||
						    byte_classes[*text] == PLAIN))
				text++;
		if (text != run)
			put(out, (const char *)run, (size_t)(text - run));
		c = *text;
		if (c == '\0')
			break;
		text++;
		class = escape_markup ? byte_classes[c] : PLAIN;
		if (class == DROP || (*leading && is_blank(c)))
			continue;
		*leading = false;
		if (class == LESS)
			PUT_LITERAL(out, "&lt;");
		else if (class == GREATER)
			PUT_LITERAL(out, "&gt;");
		else if (class == AMPERSAND)
			PUT_LITERAL(out, "&amp;");
		else if (url_keeps(c))
			put(out, (const char *)&c, 1);
		else
			put_percent(out, c);
	}
}

static void put_url_value(struct writer *writer, xmlAttrPtr attribute)
{
	bool leading = true;

	PUT_LITERAL(writer->out, "\"");
	for (xmlNodePtr child = attribute->children; child; child = child->next) {
		if (child->type == XML_TEXT_NODE ||
		    child->type == XML_CDATA_SECTION_NODE) {
			if (child->content != NULL)
				put_url_piece(writer->out, child->content, true,
					      &leading);
		} else if (child->type == XML_ENTITY_REF_NODE) {
			put_url_piece(writer->out, BAD_CAST "&", false, &leading);
			put_url_piece(writer->out, child->name, false, &leading);
			put_url_piece(writer->out, BAD_CAST ";", false, &leading);
		}
	}
	PUT_LITERAL(writer->out, "\"");
}

/* Writes the value (text children escaped, entity references as
 * "&name;") between the quotes put_quoted would choose. */
static void put_attribute_value(struct writer *writer, xmlAttrPtr attribute)
{
	struct buf *out = writer->out;
	size_t open = out->length;
	bool double_quote = false;
	char *value;

	PUT_LITERAL(out, "\"");
	for (xmlNodePtr child = attribute->children; child; child = child->next) {
		const xmlChar *text = NULL;

		if (child->type == XML_TEXT_NODE ||
		    child->type == XML_CDATA_SECTION_NODE) {
			text = child->content;
			if (text != NULL)
				put_escaped(out, text);
		} else if (child->type == XML_ENTITY_REF_NODE) {
			text = child->name;
			PUT_LITERAL(out, "&");
			put_string(out, (const char *)text);
			PUT_LITERAL(out, ";");
		}
		if (text != NULL && strchr((const char *)text, '"') != NULL)
			double_quote = true;
	}
	if (!double_quote) {
		PUT_LITERAL(out, "\"");
		return;
	}
	/* Rare: take the value back and quote it the other way. */
	value = xstrndup(out->data + open + 1, out->length - open - 1);
	out->length = open;
	put_quoted(out, value);
	free(value);
}

/* libxml2's boolean attributes (htmlIsBooleanAttr): written without a
 * value whatever the tree holds. */
static bool is_boolean_attribute(const char *name)
{
	static const char *const names[] = {
		"checked", "compact", "declare", "defer", "disabled", "ismap",
		"multiple", "nohref", "noresize", "noshade", "nowrap",
		"readonly", "selected",
	};
	char first = (char)(name[0] | 0x20);

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (names[i][0] == first && strcasecmp(name, names[i]) == 0)
			return true;
	return false;
}

static bool is_url_attribute(xmlAttrPtr attribute)
{
	const char *name = (const char *)attribute->name;
	xmlNodePtr element = attribute->parent;

	if (attribute->ns != NULL || element == NULL || element->ns != NULL)
		return false;
	return strcasecmp(name, "href") == 0 || strcasecmp(name, "src") == 0 ||
	       strcasecmp(name, "action") == 0 ||
	       (strcasecmp(name, "name") == 0 &&
		strcasecmp((const char *)element->name, "a") == 0);
}

static void put_attribute(struct writer *writer, xmlAttrPtr attribute)
{
	struct buf *out = writer->out;

	PUT_LITERAL(out, " ");
	if (attribute->ns != NULL && attribute->ns->prefix != NULL) {
		put_string(out, (const char *)attribute->ns->prefix);
		PUT_LITERAL(out, ":");
	}
	put_string(out, (const char *)attribute->name);
	if (attribute->children == NULL ||
	    is_boolean_attribute((const char *)attribute->name))
		return;
	PUT_LITERAL(out, "=");
	if (is_url_attribute(attribute))
		put_url_value(writer, attribute);
	else
		put_attribute_value(writer, attribute);
}

static void put_namespaces(struct buf *out, xmlNsPtr ns)
{
	for (; ns != NULL; ns = ns->next) {
		if (ns->type != XML_LOCAL_NAMESPACE || ns->href == NULL ||
		    (ns->prefix != NULL && strcmp((const char *)ns->prefix,
						  "xml") == 0))
			continue;
		PUT_LITERAL(out, " xmlns");
		if (ns->prefix != NULL) {
			PUT_LITERAL(out, ":");
			put_string(out, (const char *)ns->prefix);
		}
		PUT_LITERAL(out, "=");
		put_quoted(out, (const char *)ns->href);
	}
}

static void put_name(struct buf *out, xmlNodePtr element)
{
	if (element->ns != NULL && element->ns->prefix != NULL) {
		put_string(out, (const char *)element->ns->prefix);
		PUT_LITERAL(out, ":");
	}
	put_string(out, (const char *)element->name);
}

/* Writes the start tag, and the end tag too when nothing goes between;
 * returns true when the caller is to write the children and then
 * put_end_tag. */
static bool put_start_tag(struct writer *writer, xmlNodePtr element)
{
	struct buf *out = writer->out;
	const htmlElemDesc *info = element->ns == NULL
		? htmlTagLookup(element->name) : NULL;

	PUT_LITERAL(out, "<");
	put_name(out, element);
	put_namespaces(out, element->nsDef);
	for (xmlAttrPtr attribute = element->properties; attribute;
	     attribute = attribute->next)
		put_attribute(writer, attribute);
	if (info != NULL && info->empty) {
		PUT_LITERAL(out, ">");	/* void: children never written */
		return false;
	}
	if (element->children != NULL) {
		PUT_LITERAL(out, ">");
		return true;
	}
	/* libxml2 drops the end tag of an empty <li>, <td>, ... but never
	 * of <html> or <body>. */
	if (info != NULL && info->saveEndTag &&
	    strcmp(info->name, "html") != 0 && strcmp(info->name, "body") != 0) {
		PUT_LITERAL(out, ">");
	} else {
		PUT_LITERAL(out, "></");
		put_name(out, element);
		PUT_LITERAL(out, ">");
	}
	return false;
}

static void put_end_tag(struct buf *out, xmlNodePtr element)
{
	PUT_LITERAL(out, "</");
	put_name(out, element);
	PUT_LITERAL(out, ">");
}

static void put_doctype(struct buf *out, xmlDtdPtr dtd)
{
	PUT_LITERAL(out, "<!DOCTYPE ");
	put_string(out, (const char *)dtd->name);
	if (dtd->ExternalID != NULL) {
		PUT_LITERAL(out, " PUBLIC ");
		put_quoted(out, (const char *)dtd->ExternalID);
		if (dtd->SystemID != NULL) {
			PUT_LITERAL(out, " ");
			put_quoted(out, (const char *)dtd->SystemID);
		}
	} else if (dtd->SystemID != NULL &&
		   strcmp((const char *)dtd->SystemID, "about:legacy-compat")) {
		PUT_LITERAL(out, " SYSTEM ");
		put_quoted(out, (const char *)dtd->SystemID);
	}
	PUT_LITERAL(out, ">\n");
}

/* Text is raw inside <script> and <style> (and when made "noenc"). */
static bool is_raw_text(xmlNodePtr text)
{
	const char *parent;

	if (text->name == xmlStringTextNoenc)
		return true;
	if (text->parent == NULL || text->parent->name == NULL)
		return false;
	parent = (const char *)text->parent->name;
	return strcasecmp(parent, "script") == 0 ||
	       strcasecmp(parent, "style") == 0;
}

/* Writes one node that has no children to walk, or the opening part of
 * one that has; returns true when its children are to be written next. */
static bool put_opening(struct writer *writer, xmlNodePtr node)
{
	struct buf *out = writer->out;

	switch (node->type) {
	case XML_ELEMENT_NODE:
		if (writer->skip != NULL &&
		    writer->skip(writer->user, node, out))
			return false;
		return put_start_tag(writer, node);
	case XML_DOCUMENT_NODE:
	case XML_HTML_DOCUMENT_NODE:
		if (((xmlDocPtr)node)->intSubset != NULL)
			put_doctype(out, ((xmlDocPtr)node)->intSubset);
		if (node->children != NULL)
			return true;
		PUT_LITERAL(out, "\n");
		return false;
	case XML_ATTRIBUTE_NODE:
		put_attribute(writer, (xmlAttrPtr)node);
		return false;
	case XML_TEXT_NODE:
		if (node->content == NULL)
			return false;
		if (is_raw_text(node))
			put_string(out, (const char *)node->content);
		else
			put_escaped(out, node->content);
		return false;
	case XML_COMMENT_NODE:
		if (node->content != NULL) {
			PUT_LITERAL(out, "<!--");
			put_string(out, (const char *)node->content);
			PUT_LITERAL(out, "-->");
		}
		return false;
	case XML_PI_NODE:
		if (node->name != NULL) {
			PUT_LITERAL(out, "<?");
			put_string(out, (const char *)node->name);
			if (node->content != NULL) {
				PUT_LITERAL(out, " ");
				put_string(out, (const char *)node->content);
			}
			PUT_LITERAL(out, ">");
		}
		return false;
	case XML_ENTITY_REF_NODE:
		PUT_LITERAL(out, "&");
		put_string(out, (const char *)node->name);
		PUT_LITERAL(out, ";");
		return false;
	case XML_CDATA_SECTION_NODE:	/* libxml2's HTML_PRESERVE_NODE */
		put_string(out, (const char *)node->content);
		return false;
	default:
		return false;		/* DTDs and the like write nothing */
	}
}

static void put_closing(struct buf *out, xmlNodePtr node)
{
	if (node->type == XML_DOCUMENT_NODE ||
	    node->type == XML_HTML_DOCUMENT_NODE)
		PUT_LITERAL(out, "\n");
	else
		put_end_tag(out, node);
}

static void write_tree(struct writer *writer, xmlNodePtr root)
{
	xmlNodePtr node = root;

	for (;;) {
		if (put_opening(writer, node)) {
			node = node->children;
			continue;
		}
		while (node != root && node->next == NULL) {
			node = node->parent;
			put_closing(writer->out, node);
		}
		if (node == root)
			break;
		node = node->next;
	}
}

void htmlout_node(struct buf *out, xmlNodePtr node, htmlout_skip_fn *skip,
		  void *user)
{
	struct writer writer = {.out = out, .skip = skip, .user = user};

	if (node != NULL)
		write_tree(&writer, node);
	terminate(out);
}

void htmlout_children(struct buf *out, xmlNodePtr node)
{
	struct writer writer = {.out = out};

	for (xmlNodePtr child = node->children; child; child = child->next)
		write_tree(&writer, child);
	terminate(out);
}
