/*
 * bounceload.c — reading and checking bounce-rules.yaml (bounce.h):
 * every malformed value is reported at its file:line:col and left out,
 * loading carries on, and the file's samples run through the analyzer
 * as its tests once the rules themselves have no errors.
 */
#include "content/bounce.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/diag.h"
#include "base/util.h"
#include "content/yamldoc.h"

struct loader {
	const char *path;
	const struct bounce_context *context;
	struct bounce_rules *rules;
	size_t errors_before;	/* diag_error_count() when loading began */
	char *tree;		/* wizard: tree: */
	/* wizard: the walk per class when a reason gives none, or NULL */
	char *default_step[BOUNCE_CLASS_COUNT];
	char *default_answers[BOUNCE_CLASS_COUNT];
};

static const char *const root_fields[] = {
	"classes", "bounce_types", "wizard", "reasons", "receivers", "rules",
	"samples", NULL,
};
static const char *const class_fields[] = {
	"permanent", "temporary", "unknown", NULL,
};
static const char *const bounce_type_fields[] = {"hard", "soft", NULL};
static const char *const wizard_fields[] = {
	"tree", "permanent", "temporary", "unknown", NULL,
};
static const char *const reason_fields[] = {
	"title", "explanation", "hard", "class", "article", "wizard", NULL,
};
static const char *const receiver_fields[] = {"name", "hosts", "text", NULL};
static const char *const rule_fields[] = {
	"status", "reply", "text", "receiver", "reason", "class", NULL,
};
static const char *const sample_fields[] = {
	"text", "reason", "class", "receiver", "recipient", NULL,
};

/* ---- small checks ---------------------------------------------------------------- */

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static void check_fields(const struct loader *loader,
			 const struct yamldoc_node *mapping,
			 const char *const *allowed)
{
	for (size_t i = 0; i < mapping->count; i++)
		if (!in_list(allowed, mapping->keys[i]->text))
			diag_error(loader->path, mapping->keys[i]->line,
				   mapping->keys[i]->col, "unknown field '%s'",
				   mapping->keys[i]->text);
}

static bool expect_type(const struct loader *loader, const char *name,
			const struct yamldoc_node *value, enum yamldoc_type type)
{
	if (value->type == type)
		return true;
	diag_error(loader->path, value->line, value->col,
		   "'%s' must be %s, not %s", name, yamldoc_type_label(type),
		   yamldoc_type_name(value));
	return false;
}

/* The text under key, copied; NULL when missing (reported when
 * required, at the mapping), empty or not text (reported). */
static char *text_field(const struct loader *loader,
			const struct yamldoc_node *mapping, const char *key,
			bool required)
{
	const struct yamldoc_node *value = yamldoc_get(mapping, key, NULL);

	if (value == NULL || yamldoc_is_null(value)) {
		if (required)
			diag_error(loader->path, mapping->line, mapping->col,
				   "missing '%s'", key);
		return NULL;
	}
	if (!expect_type(loader, key, value, YAMLDOC_SCALAR))
		return NULL;
	if (value->length == 0) {
		diag_error(loader->path, value->line, value->col,
			   "'%s' must not be empty", key);
		return NULL;
	}
	return xstrdup(value->text);
}

static bool class_field(const struct loader *loader,
			const struct yamldoc_node *mapping,
			enum bounce_class *out)
{
	const struct yamldoc_node *value = yamldoc_get(mapping, "class", NULL);

	*out = BOUNCE_CLASS_UNKNOWN;
	if (value == NULL)
		return true;
	if (!expect_type(loader, "class", value, YAMLDOC_SCALAR))
		return false;
	if (!bounce_class_from_id(value->text, out)) {
		diag_error(loader->path, value->line, value->col,
			   "unknown class '%s' (permanent, temporary or unknown)",
			   value->text);
		return false;
	}
	return true;
}

/* A phrase as the analyzer compares it: ASCII lower case, runs of white
 * space as one space, trimmed. */
static char *phrase(const char *text)
{
	struct buf out = {0};
	bool space = false;

	for (const char *c = text; *c; c++) {
		if (*c == ' ' || *c == '\t' || *c == '\n' || *c == '\r') {
			space = out.length > 0;
			continue;
		}
		if (space)
			buf_addc(&out, ' ');
		space = false;
		buf_addc(&out, *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c);
	}
	return buf_detach(&out);
}

/* A phrase or a list of them under key ('text', 'hosts'), into *out. */
static void phrases_field(const struct loader *loader,
			  const struct yamldoc_node *mapping, const char *key,
			  char ***out, size_t *count)
{
	const struct yamldoc_node *value = yamldoc_get(mapping, key, NULL);
	const struct yamldoc_node *const *items;
	size_t n;

	*out = NULL;
	*count = 0;
	if (value == NULL)
		return;
	if (value->type == YAMLDOC_SCALAR) {
		items = (const struct yamldoc_node *const *)&value;
		n = 1;
	} else if (value->type == YAMLDOC_SEQUENCE) {
		items = (const struct yamldoc_node *const *)value->items;
		n = value->count;
	} else {
		diag_error(loader->path, value->line, value->col,
			   "'%s' must be text or a list, not %s", key,
			   yamldoc_type_name(value));
		return;
	}
	*out = xcalloc(n + 1, sizeof **out);
	for (size_t i = 0; i < n; i++) {
		char *p;
		if (items[i]->type != YAMLDOC_SCALAR) {
			diag_error(loader->path, items[i]->line, items[i]->col,
				   "an item of '%s' must be text, not %s", key,
				   yamldoc_type_name(items[i]));
			continue;
		}
		p = phrase(items[i]->text);
		if (*p == '\0') {
			diag_error(loader->path, items[i]->line, items[i]->col,
				   "an item of '%s' must not be empty", key);
			free(p);
			continue;
		}
		(*out)[(*count)++] = p;
	}
}

/* ---- classes, notes, walks ------------------------------------------------------ */

static void load_classes(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *classes = yamldoc_get(root, "classes", NULL);

	if (classes == NULL) {
		diag_error(loader->path, root->line, root->col, "missing 'classes'");
		return;
	}
	if (!expect_type(loader, "classes", classes, YAMLDOC_MAPPING))
		return;
	check_fields(loader, classes, class_fields);
	for (int c = 0; c < BOUNCE_CLASS_COUNT; c++)
		loader->rules->class_names[c] =
			text_field(loader, classes, bounce_class_id((enum bounce_class)c), true);
}

static void load_bounce_types(struct loader *loader,
			      const struct yamldoc_node *root)
{
	const struct yamldoc_node *types = yamldoc_get(root, "bounce_types", NULL);

	if (types == NULL) {
		diag_error(loader->path, root->line, root->col,
			   "missing 'bounce_types'");
		return;
	}
	if (!expect_type(loader, "bounce_types", types, YAMLDOC_MAPPING))
		return;
	check_fields(loader, types, bounce_type_fields);
	loader->rules->hard_note = text_field(loader, types, "hard", true);
	loader->rules->soft_note = text_field(loader, types, "soft", true);
}

/* Walks answers (a list of "node=option") in the rules' tree; on success
 * sets *step ("tree/node") and *query ("node=option&..."). */
static void load_walk(struct loader *loader, const struct yamldoc_node *list,
		      const char *name, char **step, char **query)
{
	const char **answers;
	struct buf joined = {0};
	size_t bad = 0;
	char *error = NULL;
	bool ok = true;

	if (!expect_type(loader, name, list, YAMLDOC_SEQUENCE))
		return;
	if (loader->tree == NULL) {
		diag_error(loader->path, list->line, list->col,
			   "a walk needs 'tree' under 'wizard'");
		return;
	}
	answers = xcalloc(list->count + 1, sizeof *answers);
	for (size_t i = 0; i < list->count; i++) {
		const struct yamldoc_node *item = list->items[i];
		const char *equals = item->type == YAMLDOC_SCALAR
					     ? strchr(item->text, '=') : NULL;
		if (equals == NULL || equals == item->text || equals[1] == '\0') {
			diag_error(loader->path, item->line, item->col,
				   "an answer must be written node=option");
			ok = false;
			continue;
		}
		answers[i] = item->text;
		buf_printf(&joined, "%s%s", i ? "&" : "", item->text);
	}
	if (ok && loader->context != NULL && loader->context->walk != NULL) {
		char *reached = loader->context->walk(loader->context->user,
						      loader->tree, answers,
						      list->count, &bad, &error);
		if (reached == NULL) {
			const struct yamldoc_node *at = bad < list->count
								? list->items[bad] : list;
			diag_error(loader->path, at->line, at->col, "%s", error);
			free(error);
		} else {
			*step = reached;
			*query = buf_detach(&joined);
		}
	}	/* without a walk to check it by (unit tests), no step */
	buf_free(&joined);
	free(answers);
}

static void load_wizard(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *wizard = yamldoc_get(root, "wizard", NULL);
	const struct yamldoc_node *tree;

	if (wizard == NULL)
		return;
	if (!expect_type(loader, "wizard", wizard, YAMLDOC_MAPPING))
		return;
	check_fields(loader, wizard, wizard_fields);
	tree = yamldoc_get(wizard, "tree", NULL);
	if (tree == NULL)
		diag_error(loader->path, wizard->line, wizard->col, "missing 'tree'");
	else if (expect_type(loader, "tree", tree, YAMLDOC_SCALAR))
		loader->tree = xstrdup(tree->text);
	for (int c = 0; c < BOUNCE_CLASS_COUNT; c++) {
		const struct yamldoc_node *walk = yamldoc_get(
			wizard, bounce_class_id((enum bounce_class)c), NULL);
		if (walk != NULL)
			load_walk(loader, walk, bounce_class_id((enum bounce_class)c),
				  &loader->default_step[c],
				  &loader->default_answers[c]);
	}
}

/* ---- reasons -------------------------------------------------------------------- */

static void load_reason(struct loader *loader, const struct yamldoc_node *value,
			struct bounce_reason_info *info)
{
	const struct yamldoc_node *hard = yamldoc_get(value, "hard", NULL);
	const struct yamldoc_node *wizard = yamldoc_get(value, "wizard", NULL);
	const struct yamldoc_node *walks[BOUNCE_CLASS_COUNT];
	char *article;

	check_fields(loader, value, reason_fields);
	info->title = text_field(loader, value, "title", true);
	info->explanation = text_field(loader, value, "explanation", true);
	if (info->explanation != NULL) {	/* one paragraph: a folded block */
		size_t n = strlen(info->explanation);
		while (n > 0 && info->explanation[n - 1] == '\n')
			info->explanation[--n] = '\0';
	}
	if (hard == NULL)
		diag_error(loader->path, value->line, value->col, "missing 'hard'");
	else if (!yamldoc_bool(hard, &info->hard))
		diag_error(loader->path, hard->line, hard->col,
			   "'hard' must be true or false");
	class_field(loader, value, &info->class_);
	article = text_field(loader, value, "article", false);
	if (article != NULL && loader->context != NULL &&
	    loader->context->resolve_article != NULL) {
		const struct yamldoc_node *node = yamldoc_get(value, "article", NULL);
		char *error = NULL;
		info->article_url = loader->context->resolve_article(
			loader->context->user, article, &info->article_title, &error);
		if (info->article_url == NULL) {
			diag_error(loader->path, node->line, node->col, "%s",
				   error ? error : "the article link points nowhere");
			free(error);
		}
	} else if (article != NULL) {
		info->article_url = xstrdup(article);
	}
	free(article);
	for (int c = 0; c < BOUNCE_CLASS_COUNT; c++)
		walks[c] = NULL;
	if (wizard != NULL && expect_type(loader, "wizard", wizard, YAMLDOC_MAPPING)) {
		check_fields(loader, wizard, class_fields);
		for (int c = 0; c < BOUNCE_CLASS_COUNT; c++)
			walks[c] = yamldoc_get(wizard,
					       bounce_class_id((enum bounce_class)c), NULL);
	}
	for (int c = 0; c < BOUNCE_CLASS_COUNT; c++) {
		if (walks[c] != NULL) {
			load_walk(loader, walks[c], bounce_class_id((enum bounce_class)c),
				  &info->wizard_step[c], &info->wizard_answers[c]);
		} else if (loader->default_step[c] != NULL) {
			info->wizard_step[c] = xstrdup(loader->default_step[c]);
			info->wizard_answers[c] = xstrdup(loader->default_answers[c]);
		}
	}
}

static void load_reasons(struct loader *loader, const struct yamldoc_node *root)
{
	struct yamldoc_node *key;
	const struct yamldoc_node *reasons = yamldoc_get(root, "reasons", &key);
	bool seen[BOUNCE_REASON_COUNT] = {false};

	if (reasons == NULL) {
		diag_error(loader->path, root->line, root->col, "missing 'reasons'");
		return;
	}
	if (!expect_type(loader, "reasons", reasons, YAMLDOC_MAPPING))
		return;
	for (size_t i = 0; i < reasons->count; i++) {
		enum bounce_reason reason;
		const struct yamldoc_node *name = reasons->keys[i];
		if (!bounce_reason_from_id(name->text, &reason)) {
			diag_error(loader->path, name->line, name->col,
				   "unknown reason '%s' (the reasons are listed "
				   "in README.md, \"The bounce analyzer\")",
				   name->text);
			continue;
		}
		seen[reason] = true;
		if (expect_type(loader, name->text, reasons->items[i], YAMLDOC_MAPPING)) {
			loader->rules->reasons[reason].line = name->line;
			loader->rules->reasons[reason].col = name->col;
			load_reason(loader, reasons->items[i],
				    &loader->rules->reasons[reason]);
		}
	}
	for (int r = 0; r < BOUNCE_REASON_COUNT; r++)
		if (!seen[r])
			diag_error(loader->path, key->line, key->col,
				   "reason '%s' has no entry (every reason of "
				   "the list needs one)",
				   bounce_reason_id((enum bounce_reason)r));
}

/* ---- receivers and rules ------------------------------------------------------ */

static void load_receivers(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *list = yamldoc_get(root, "receivers", NULL);
	struct bounce_rules *rules = loader->rules;

	if (list == NULL || !expect_type(loader, "receivers", list, YAMLDOC_SEQUENCE))
		return;
	rules->receivers = xcalloc(list->count + 1, sizeof *rules->receivers);
	for (size_t i = 0; i < list->count; i++) {
		const struct yamldoc_node *item = list->items[i];
		struct bounce_receiver *receiver;
		char *name;
		if (item->type != YAMLDOC_MAPPING) {
			diag_error(loader->path, item->line, item->col,
				   "a receiver must be a mapping, not %s",
				   yamldoc_type_name(item));
			continue;
		}
		check_fields(loader, item, receiver_fields);
		name = text_field(loader, item, "name", true);
		if (name == NULL)
			continue;
		for (size_t k = 0; k < rules->receiver_count; k++)
			if (strcmp(rules->receivers[k].name, name) == 0)
				diag_error(loader->path, item->line, item->col,
					   "receiver '%s' is listed twice (first "
					   "at line %u)", name,
					   rules->receivers[k].line);
		receiver = &rules->receivers[rules->receiver_count++];
		receiver->name = name;
		receiver->line = item->line;
		receiver->col = item->col;
		phrases_field(loader, item, "hosts", &receiver->hosts,
			      &receiver->host_count);
		phrases_field(loader, item, "text", &receiver->texts,
			      &receiver->text_count);
		if (receiver->host_count == 0 && receiver->text_count == 0)
			diag_error(loader->path, item->line, item->col,
				   "a receiver needs hosts or text");
	}
}

/* "5.1.1", "5.7.*", "*.2.2": class 4 or 5 (or *), subject and detail of
 * 1 to 3 digits (or *). */
static bool status_pattern_valid(const char *text)
{
	for (int part = 0; part < 3; part++) {
		size_t n = strcspn(text, ".");
		if (n == 1 && *text == '*') {
			/* any */
		} else if (part == 0) {
			if (n != 1 || (*text != '4' && *text != '5'))
				return false;
		} else {
			if (n == 0 || n > 3)
				return false;
			for (size_t i = 0; i < n; i++)
				if (text[i] < '0' || text[i] > '9')
					return false;
		}
		text += n;
		if (part < 2 && *text++ != '.')
			return false;
	}
	return *text == '\0';
}

/* True when pattern a matches every status pattern b matches. */
static bool status_covers(const char *a, const char *b)
{
	for (int part = 0; part < 3; part++) {
		size_t na = strcspn(a, "."), nb = strcspn(b, ".");
		if (!(na == 1 && *a == '*') && (na != nb || strncmp(a, b, na) != 0))
			return false;
		a += na + (a[na] == '.');
		b += nb + (b[nb] == '.');
	}
	return true;
}

/* True when every text b holds contains one of a's phrases. */
static bool texts_cover(const struct bounce_rule *a, const struct bounce_rule *b)
{
	if (a->text_count == 0)
		return true;
	if (b->text_count == 0)
		return false;
	for (size_t i = 0; i < b->text_count; i++) {
		bool covered = false;
		for (size_t k = 0; k < a->text_count && !covered; k++)
			covered = strstr(b->texts[i], a->texts[k]) != NULL;
		if (!covered)
			return false;
	}
	return true;
}

/* True when rule a matches every diagnostic rule b matches. */
static bool rule_covers(const struct bounce_rule *a, const struct bounce_rule *b)
{
	if (a->status != NULL && (b->status == NULL || !status_covers(a->status, b->status)))
		return false;
	if (a->reply != 0 && a->reply != b->reply)
		return false;
	if (a->receiver != NULL &&
	    (b->receiver == NULL || strcmp(a->receiver, b->receiver) != 0))
		return false;
	return texts_cover(a, b);
}

static bool load_rule(struct loader *loader, const struct yamldoc_node *item,
		      struct bounce_rule *rule)
{
	const struct yamldoc_node *status = yamldoc_get(item, "status", NULL);
	const struct yamldoc_node *reply = yamldoc_get(item, "reply", NULL);
	const struct yamldoc_node *reason = yamldoc_get(item, "reason", NULL);
	const struct yamldoc_node *receiver = yamldoc_get(item, "receiver", NULL);
	bool ok = true;

	check_fields(loader, item, rule_fields);
	rule->line = item->line;
	rule->col = item->col;
	if (status != NULL && expect_type(loader, "status", status, YAMLDOC_SCALAR)) {
		if (status_pattern_valid(status->text))
			rule->status = xstrdup(status->text);
		else {
			diag_error(loader->path, status->line, status->col,
				   "'%s' is not a status code pattern (class."
				   "subject.detail, class 4 or 5, '*' for any "
				   "part: 5.1.1, 5.7.*)", status->text);
			ok = false;
		}
	}
	if (reply != NULL && expect_type(loader, "reply", reply, YAMLDOC_SCALAR)) {
		long value;
		if (yamldoc_long(reply, &value) && value >= 400 && value <= 599 &&
		    reply->length == 3)
			rule->reply = (int)value;
		else {
			diag_error(loader->path, reply->line, reply->col,
				   "'%s' is not a reply code (three digits, 4xx "
				   "or 5xx)", reply->text);
			ok = false;
		}
	}
	phrases_field(loader, item, "text", &rule->texts, &rule->text_count);
	if (receiver != NULL && expect_type(loader, "receiver", receiver, YAMLDOC_SCALAR)) {
		bool known = false;
		for (size_t k = 0; k < loader->rules->receiver_count; k++)
			known = known || strcmp(loader->rules->receivers[k].name,
						receiver->text) == 0;
		if (!known) {
			diag_error(loader->path, receiver->line, receiver->col,
				   "unknown receiver '%s' (not under 'receivers')",
				   receiver->text);
			ok = false;
		}
		rule->receiver = xstrdup(receiver->text);
	}
	if (reason == NULL) {
		diag_error(loader->path, item->line, item->col, "missing 'reason'");
		ok = false;
	} else if (expect_type(loader, "reason", reason, YAMLDOC_SCALAR) &&
		   !bounce_reason_from_id(reason->text, &rule->reason)) {
		diag_error(loader->path, reason->line, reason->col,
			   "unknown reason '%s'", reason->text);
		ok = false;
	}
	if (!class_field(loader, item, &rule->class_))
		ok = false;
	if (status == NULL && reply == NULL && yamldoc_get(item, "text", NULL) == NULL) {
		diag_error(loader->path, item->line, item->col,
			   "a rule needs 'status', 'reply' or 'text'");
		ok = false;
	}
	return ok;
}

static void load_rules(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *list = yamldoc_get(root, "rules", NULL);
	struct bounce_rules *rules = loader->rules;

	if (list == NULL) {
		diag_error(loader->path, root->line, root->col, "missing 'rules'");
		return;
	}
	if (!expect_type(loader, "rules", list, YAMLDOC_SEQUENCE))
		return;
	rules->rules = xcalloc(list->count + 1, sizeof *rules->rules);
	for (size_t i = 0; i < list->count; i++) {
		const struct yamldoc_node *item = list->items[i];
		struct bounce_rule *rule = &rules->rules[rules->rule_count];
		if (item->type != YAMLDOC_MAPPING) {
			diag_error(loader->path, item->line, item->col,
				   "a rule must be a mapping, not %s",
				   yamldoc_type_name(item));
			continue;
		}
		size_t errors = diag_error_count();
		memset(rule, 0, sizeof *rule);
		/* a rule with any mistake is left out whole: half a rule
		 * would match more than its writer meant */
		if (!load_rule(loader, item, rule) || diag_error_count() > errors) {
			free(rule->status);
			free(rule->receiver);
			for (size_t k = 0; k < rule->text_count; k++)
				free(rule->texts[k]);
			free(rule->texts);
			memset(rule, 0, sizeof *rule);
			continue;
		}
		/* first match wins: a rule an earlier one covers never applies */
		for (size_t k = 0; k < rules->rule_count; k++)
			if (rule_covers(&rules->rules[k], rule)) {
				diag_error(loader->path, rule->line, rule->col,
					   "this rule never applies: the rule at "
					   "line %u matches everything it matches",
					   rules->rules[k].line);
				break;
			}
		rules->rule_count++;
	}
}

/* ---- samples ------------------------------------------------------------------ */

/* rules_errors: the error count once the rules were read; a sample
 * runs only when the rules themselves had none. */
static void run_sample(struct loader *loader, const struct yamldoc_node *item,
		       size_t rules_errors)
{
	const struct yamldoc_node *text = yamldoc_get(item, "text", NULL);
	const struct yamldoc_node *reason = yamldoc_get(item, "reason", NULL);
	const struct yamldoc_node *class_ = yamldoc_get(item, "class", NULL);
	const struct yamldoc_node *receiver = yamldoc_get(item, "receiver", NULL);
	struct bounce_report report;
	enum bounce_reason want_reason;
	enum bounce_class want_class;

	check_fields(loader, item, sample_fields);
	if (text == NULL || reason == NULL) {
		diag_error(loader->path, item->line, item->col,
			   "a sample needs 'text' and 'reason'");
		return;
	}
	if (!expect_type(loader, "text", text, YAMLDOC_SCALAR) ||
	    !expect_type(loader, "reason", reason, YAMLDOC_SCALAR))
		return;
	if (!bounce_reason_from_id(reason->text, &want_reason)) {
		diag_error(loader->path, reason->line, reason->col,
			   "unknown reason '%s'", reason->text);
		return;
	}
	if (class_ != NULL && (!expect_type(loader, "class", class_, YAMLDOC_SCALAR) ||
			       !bounce_class_from_id(class_->text, &want_class))) {
		if (class_->type == YAMLDOC_SCALAR)
			diag_error(loader->path, class_->line, class_->col,
				   "unknown class '%s' (permanent, temporary "
				   "or unknown)", class_->text);
		return;
	}
	if (receiver != NULL && !expect_type(loader, "receiver", receiver, YAMLDOC_SCALAR))
		return;
	if (rules_errors > loader->errors_before)
		return;		/* rules with errors would fail samples for nothing */
	if (bounce_analyze(loader->rules, text->text, text->length, &report) == 0) {
		diag_error(loader->path, text->line, text->col,
			   "the sample is not read as a bounce");
		return;
	}
	if (report.results[0].reason != want_reason) {
		size_t rule = report.results[0].rule;
		if (rule == (size_t)-1)
			diag_error(loader->path, reason->line, reason->col,
				   "the sample gives reason '%s' (no rule matches), "
				   "expected '%s'",
				   bounce_reason_id(report.results[0].reason),
				   reason->text);
		else
			diag_error(loader->path, reason->line, reason->col,
				   "the sample gives reason '%s' (the rule at "
				   "line %u), expected '%s'",
				   bounce_reason_id(report.results[0].reason),
				   loader->rules->rules[rule].line, reason->text);
	}
	if (class_ != NULL && report.results[0].class_ != want_class)
		diag_error(loader->path, class_->line, class_->col,
			   "the sample gives class '%s', expected '%s'",
			   bounce_class_id(report.results[0].class_), class_->text);
	if (receiver != NULL &&
	    (report.results[0].receiver == NULL ||
	     strcmp(report.results[0].receiver, receiver->text) != 0)) {
		if (report.results[0].receiver == NULL)
			diag_error(loader->path, receiver->line, receiver->col,
				   "the sample gives no receiver, expected '%s'",
				   receiver->text);
		else
			diag_error(loader->path, receiver->line, receiver->col,
				   "the sample gives receiver '%s', expected '%s'",
				   report.results[0].receiver, receiver->text);
	}
	bounce_report_free(&report);
}

static void run_samples(struct loader *loader, const struct yamldoc_node *root)
{
	const struct yamldoc_node *list = yamldoc_get(root, "samples", NULL);
	size_t errors = diag_error_count();

	if (list == NULL || !expect_type(loader, "samples", list, YAMLDOC_SEQUENCE))
		return;
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i]->type != YAMLDOC_MAPPING) {
			diag_error(loader->path, list->items[i]->line,
				   list->items[i]->col,
				   "a sample must be a mapping, not %s",
				   yamldoc_type_name(list->items[i]));
			continue;
		}
		run_sample(loader, list->items[i], errors);
	}
}

/* ---- the file ------------------------------------------------------------------- */

void bounce_rules_parse(const char *text, size_t length, const char *path,
			const struct bounce_context *context,
			struct bounce_rules *out)
{
	bool ok = true;
	struct yamldoc_node *root = yamldoc_parse(text, length, path, 1, &ok);
	struct loader loader = {path, context, out, diag_error_count(), NULL,
				{NULL}, {NULL}};

	memset(out, 0, sizeof *out);
	if (!ok)
		goto out;
	if (root == NULL) {
		diag_error(path, 1, 1, "the rules file is empty");
		goto out;
	}
	if (root->type != YAMLDOC_MAPPING) {
		diag_error(path, root->line, root->col,
			   "the rules file must be a mapping, not %s",
			   yamldoc_type_name(root));
		goto out;
	}
	check_fields(&loader, root, root_fields);
	load_classes(&loader, root);
	load_bounce_types(&loader, root);
	load_wizard(&loader, root);
	load_reasons(&loader, root);
	load_receivers(&loader, root);
	load_rules(&loader, root);
	run_samples(&loader, root);
out:
	free(loader.tree);
	for (int c = 0; c < BOUNCE_CLASS_COUNT; c++) {
		free(loader.default_step[c]);
		free(loader.default_answers[c]);
	}
	yamldoc_free(root);
}

int bounce_rules_load(const char *root, const struct bounce_context *context,
		      struct bounce_rules *out)
{
	char *path = path_join(root, BOUNCE_RULES_FILE);
	char *text;
	size_t length;

	memset(out, 0, sizeof *out);
	if (read_file(path, BOUNCE_RULES_MAX_FILE_SIZE, &text, &length) != 0) {
		int error = errno;
		free(path);
		if (error == ENOENT)
			return 1;
		diag_error(BOUNCE_RULES_FILE, 0, 0, "cannot read the rules: %s",
			   error == EFBIG ? "larger than 1 MiB" : strerror(error));
		return 0;
	}
	free(path);
	bounce_rules_parse(text, length, BOUNCE_RULES_FILE, context, out);
	free(text);
	return 0;
}
