/*
 * rawhtml.c — the safe subset of raw HTML (see rawhtml.h): a literal cut
 * into tags and text, each allowed start tag's attributes read by
 * libxml2 and filtered.
 */
#include "content/rawhtml.h"

#include <libxml/HTMLparser.h>
#include <string.h>
#include <strings.h>

#include "base/util.h"
#include "content/markdown.h"

static const char *const subset[] = {"a", "br", "kbd", "sub", "sup",
				     "details", "summary", "img"};

bool rawhtml_allowed(const char *name)
{
	for (size_t i = 0; i < sizeof subset / sizeof *subset; i++)
		if (strcmp(name, subset[i]) == 0)
			return true;
	return false;
}

static bool is_name_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

/* The end of the tag starting at '<' (s[0]), past its '>', honouring
 * quoted attribute values; end when it does not close. */
static size_t tag_end(const char *s, size_t length)
{
	char quote = 0;

	for (size_t i = 1; i < length; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			quote = s[i];
		} else if (s[i] == '>') {
			return i + 1;
		}
	}
	return length;
}

/* The end of a comment or declaration starting at s: past "-->" or '>'. */
static size_t other_end(const char *s, size_t length)
{
	const char *close;

	if (length >= 4 && strncmp(s, "<!--", 4) == 0) {
		for (size_t i = 4; i + 2 < length; i++)
			if (s[i] == '-' && s[i + 1] == '-' && s[i + 2] == '>')
				return i + 3;
		return length;
	}
	close = memchr(s, '>', length);
	return close ? (size_t)(close - s) + 1 : length;
}

/* Where a script's or style's content that starts at ends: at its end
 * tag, or the literal's end. */
static size_t skip_raw_text(const char *literal, size_t length, size_t at,
			    const char *name)
{
	size_t n = strlen(name);

	for (size_t i = at; i + 2 + n <= length; i++)
		if (literal[i] == '<' && literal[i + 1] == '/' &&
		    strncasecmp(literal + i + 2, name, n) == 0)
			return i;
	return length;
}

void rawhtml_each(const char *literal, size_t length,
		  void (*visit)(void *user, const struct rawhtml_token *token),
		  void *user)
{
	size_t at = 0;

	while (at < length) {
		struct rawhtml_token token = {.text = literal + at,
					      .offset = at};
		const char *s = literal + at;
		size_t left = length - at;

		if (*s != '<') {
			const char *next = memchr(s, '<', left);
			token.kind = RAWHTML_TEXT;
			token.length = next ? (size_t)(next - s) : left;
		} else if (left > 1 && (s[1] == '!' || s[1] == '?')) {
			token.kind = RAWHTML_OTHER;
			token.length = other_end(s, left);
		} else {
			size_t name_at = left > 1 && s[1] == '/' ? 2 : 1, n = 0;
			while (name_at + n < left && is_name_byte(s[name_at + n]))
				n++;
			if (n == 0) {
				token.kind = RAWHTML_OTHER;	/* a lone '<' */
				token.length = 1;
			} else {
				token.kind = name_at == 2 ? RAWHTML_END : RAWHTML_START;
				token.length = tag_end(s, left);
				if (n < sizeof token.name) {
					for (size_t i = 0; i < n; i++) {
						char c = s[name_at + i];
						token.name[i] = (char)(c >= 'A' && c <= 'Z'
								       ? c - 'A' + 'a' : c);
					}
					token.allowed = rawhtml_allowed(token.name);
				}
				token.empty = strcmp(token.name, "br") == 0 ||
					      strcmp(token.name, "img") == 0 ||
					      (token.length >= 2 &&
					       s[token.length - 2] == '/');
			}
		}
		visit(user, &token);
		at += token.length;
		/* what a script or style holds is code, never text to show */
		if (token.kind == RAWHTML_START && !token.empty &&
		    (strcmp(token.name, "script") == 0 ||
		     strcmp(token.name, "style") == 0)) {
			size_t end = skip_raw_text(literal, length, at, token.name);
			struct rawhtml_token code = {.kind = RAWHTML_OTHER,
						     .text = literal + at,
						     .length = end - at,
						     .offset = at};
			if (code.length > 0)
				visit(user, &code);
			at = end;
		}
	}
}

/* A decimal number of 1 to 5 digits. */
static bool is_dimension(const char *text)
{
	size_t length = strlen(text);

	if (length == 0 || length > 5)
		return false;
	for (size_t i = 0; i < length; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

static bool is_local(const char *url)
{
	return *url != '\0' && markdown_url_scheme_length(url) == 0 &&
	       strncmp(url, "//", 2) != 0 && markdown_url_is_safe(url);
}

/* Copies name's value from parsed to element when keep accepts it;
 * true when it was copied. */
static bool keep_attribute(xmlNodePtr parsed, xmlNodePtr element,
			   const char *name, bool (*keep)(const char *value))
{
	xmlChar *value = xmlGetProp(parsed, BAD_CAST name);
	bool kept = value != NULL && (keep == NULL || keep((const char *)value));

	if (kept)
		xmlNewProp(element, BAD_CAST name, value);
	xmlFree(value);
	return kept;
}

static bool is_safe_url(const char *url)
{
	return markdown_url_is_safe(url);
}

xmlNodePtr rawhtml_element(xmlDocPtr doc, const struct rawhtml_token *token)
{
	char *html;
	htmlDocPtr parsed;
	xmlNodePtr body, tag = NULL, element = NULL;
	bool ok = true;

	if (token->kind != RAWHTML_START || !token->allowed)
		return NULL;
	/* the tag alone in a body: libxml2 reads its attributes as a
	 * browser would (quotes, character references, case) */
	html = xasprintf("<!DOCTYPE html><html><body>%.*s</body></html>",
			 (int)token->length, token->text);
	parsed = htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
				HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
					HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
	free(html);
	if (parsed == NULL)
		return NULL;
	body = xmlDocGetRootElement(parsed);
	for (body = body ? body->children : NULL; body; body = body->next)
		if (body->type == XML_ELEMENT_NODE &&
		    xmlStrEqual(body->name, BAD_CAST "body"))
			break;
	for (xmlNodePtr child = body ? body->children : NULL; child; child = child->next)
		if (child->type == XML_ELEMENT_NODE &&
		    xmlStrEqual(child->name, BAD_CAST token->name)) {
			tag = child;
			break;
		}
	if (tag != NULL) {
		element = xmlNewDocNode(doc, NULL, BAD_CAST token->name, NULL);
		if (strcmp(token->name, "a") == 0) {
			ok = keep_attribute(tag, element, "href", is_safe_url);
			keep_attribute(tag, element, "title", NULL);
		} else if (strcmp(token->name, "img") == 0) {
			ok = keep_attribute(tag, element, "src", is_local);
			keep_attribute(tag, element, "alt", NULL);
			if (xmlHasProp(element, BAD_CAST "alt") == NULL)
				xmlNewProp(element, BAD_CAST "alt", BAD_CAST "");
			keep_attribute(tag, element, "width", is_dimension);
			keep_attribute(tag, element, "height", is_dimension);
			keep_attribute(tag, element, "title", NULL);
		} else if (strcmp(token->name, "details") == 0 &&
			   xmlHasProp(tag, BAD_CAST "open") != NULL) {
			xmlNewProp(element, BAD_CAST "open", BAD_CAST "");
		}
		if (!ok) {
			xmlFreeNode(element);
			element = NULL;
		}
	}
	xmlFreeDoc(parsed);
	return element;
}
