/*
 * policy_json.c: the packs of a loaded policy as JSON, for front ends that
 * show what decides a case (GET /api/v1/policy..., `permitdesk policy`).
 * The shapes are those of codec.h:
 *
 *   policy     every pack: id, jurisdiction, title, what it extends, version,
 *              when it is in force, how many rules and table rows it applies
 *              (the length of its "rules" view); the years the working-day
 *              calendar covers
 *   rules      every rule and table row of one pack after inheritance, with
 *              the layer that wrote it, the layer it replaced, its source
 *              clause, file:line and text
 *   conflicts  where the sources disagree and the choice the pack follows
 *   clauses    the pack's own clause index (clauses.yaml), each clause with
 *              the ids of the pack's rules whose source cites it (a citation
 *              of a sub-clause, "6.2(7)", counts for "6.2": pd_clause_covers)
 *
 * Everything is read through the public views of policy.h; nothing here
 * knows the compiled form.  On failure the partial output is taken back.
 */
#include <stdlib.h>
#include <string.h>

#include "permitdesk/codec.h"
#include "permitdesk/policy.h"

static int finish(struct pd_buf *out, size_t start, int rc)
{
	if (!rc && !out->failed)
		return 0;
	out->len = start;
	if (out->data && start < out->alloc)
		out->data[start] = '\0';
	return rc ? rc : PD_FAIL(PD_ENOMEM);
}

static void key_string(struct pd_jw *w, const char *key, const char *s)
{
	pd_jw_key(w, key);
	pd_jw_string(w, s); /* null for NULL */
}

/* "key": {"en": …, "zh": …} */
static void key_text(struct pd_jw *w, const char *key, const char *en, const char *zh)
{
	pd_jw_key(w, key);
	pd_jw_object_begin(w);
	key_string(w, "en", en);
	key_string(w, "zh", zh);
	pd_jw_object_end(w);
}

/* Every rule and row of p, on the heap (caller frees); NULL with *n 0 when there are none. */
static int rule_infos(const struct pd_pack *p, struct pd_rule_info **out, size_t *n)
{
	*out = NULL;
	*n = pd_pack_rule_info(p, NULL, 0);
	if (*n == 0)
		return 0;
	*out = calloc(*n, sizeof(**out));
	if (!*out)
		return PD_FAIL(PD_ENOMEM);
	*n = pd_pack_rule_info(p, *out, *n);
	return 0;
}

int pd_policy_write_json(const struct pd_policy *pol, bool pretty, struct pd_buf *out)
{
	size_t start = out->len;
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "packs");
	pd_jw_array_begin(&w);
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		pd_date from, to;
		pd_pack_effective(p, &from, &to);
		pd_jw_object_begin(&w);
		key_string(&w, "id", pd_pack_id(p));
		key_string(&w, "jurisdiction", pd_pack_jurisdiction(p));
		key_text(&w, "title", pd_pack_title(p, "en"), pd_pack_title(p, "zh"));
		key_string(&w, "extends", pd_pack_extends(p));
		key_string(&w, "version", pd_pack_version(p));
		pd_jw_key(&w, "effective");
		pd_jw_object_begin(&w);
		pd_jw_key(&w, "from");
		pd_jw_date(&w, from);
		pd_jw_key(&w, "to");
		pd_jw_date(&w, to);
		pd_jw_object_end(&w);
		pd_jw_key(&w, "rules");
		pd_jw_int(&w, (long long)pd_pack_rule_info(p, NULL, 0));
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	int first = 0, last = 0;
	pd_calendar_range(pd_policy_calendar(pol), &first, &last);
	pd_jw_key(&w, "calendar");
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "first_year");
	if (first)
		pd_jw_int(&w, first);
	else
		pd_jw_null(&w);
	pd_jw_key(&w, "last_year");
	if (first)
		pd_jw_int(&w, last);
	else
		pd_jw_null(&w);
	pd_jw_object_end(&w);
	pd_jw_object_end(&w);
	return finish(out, start, 0);
}

int pd_pack_rules_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out)
{
	size_t start = out->len, n = 0;
	struct pd_rule_info *info = NULL;
	int rc = rule_infos(p, &info, &n);
	if (rc)
		goto cleanup;
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	key_string(&w, "pack", pd_pack_id(p));
	key_string(&w, "version", pd_pack_version(p));
	pd_jw_key(&w, "rules");
	pd_jw_array_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct pd_rule_info *r = &info[i];
		pd_jw_object_begin(&w);
		key_string(&w, "id", r->id);
		key_string(&w, "layer", r->layer);
		key_string(&w, "replaces", r->replaces);
		key_string(&w, "source", r->source);
		key_string(&w, "file", r->file);
		pd_jw_key(&w, "line");
		pd_jw_int(&w, r->line);
		key_string(&w, "en", r->en);
		key_string(&w, "zh", r->zh);
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
cleanup:
	free(info);
	return finish(out, start, rc);
}

int pd_pack_conflicts_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out)
{
	size_t start = out->len;
	size_t n = pd_pack_conflicts(p, NULL, 0);
	struct pd_conflict_info *info = n ? calloc(n, sizeof(*info)) : NULL;
	int rc = 0;
	if (n && !info) {
		rc = PD_FAIL(PD_ENOMEM);
		goto cleanup;
	}
	n = pd_pack_conflicts(p, info, n);
	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	key_string(&w, "pack", pd_pack_id(p));
	pd_jw_key(&w, "conflicts");
	pd_jw_array_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct pd_conflict_info *c = &info[i];
		pd_jw_object_begin(&w);
		key_string(&w, "id", c->id);
		key_text(&w, "topic", c->topic_en, c->topic_zh);
		key_string(&w, "sources", c->sources);
		key_text(&w, "choice", c->choice_en, c->choice_zh);
		key_string(&w, "layer", c->layer);
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
cleanup:
	free(info);
	return finish(out, start, rc);
}

/* Does one rule's citation cover one index clause? */
struct cite_match {
	const struct pd_clause_info *clause;
	bool hit;
};

static void on_cite(const char *source, const char *clause, void *ctx)
{
	struct cite_match *m = ctx;
	if (!m->hit && strcmp(source, m->clause->source) == 0 &&
	    pd_clause_covers(clause, m->clause->clause))
		m->hit = true;
}

int pd_pack_clauses_write_json(const struct pd_pack *p, bool pretty, struct pd_buf *out)
{
	size_t start = out->len, n_rules = 0;
	struct pd_rule_info *rules = NULL;
	const char **sources = NULL;
	size_t n = pd_pack_clauses(p, NULL, 0);
	struct pd_clause_info *clauses = n ? calloc(n, sizeof(*clauses)) : NULL;
	size_t n_sources = pd_pack_sources(p, NULL, 0);
	int rc = 0;
	if (n_sources && !(sources = calloc(n_sources, sizeof(*sources))))
		rc = PD_FAIL(PD_ENOMEM);
	if (n && !clauses)
		rc = PD_FAIL(PD_ENOMEM);
	if (rc || (rc = rule_infos(p, &rules, &n_rules)))
		goto cleanup;
	n = pd_pack_clauses(p, clauses, n);
	n_sources = pd_pack_sources(p, sources, n_sources);

	struct pd_jw w;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	key_string(&w, "pack", pd_pack_id(p));
	pd_jw_key(&w, "clauses");
	pd_jw_array_begin(&w);
	for (size_t i = 0; i < n; i++) {
		const struct pd_clause_info *c = &clauses[i];
		pd_jw_object_begin(&w);
		key_string(&w, "source", c->source);
		key_string(&w, "clause", c->clause);
		key_string(&w, "informational", c->informational);
		pd_jw_key(&w, "rules");
		pd_jw_array_begin(&w);
		for (size_t k = 0; k < n_rules; k++) {
			struct cite_match m = {c, false};
			if (rules[k].source)
				pd_citation_each(rules[k].source, sources, n_sources, on_cite, &m);
			if (m.hit)
				pd_jw_string(&w, rules[k].id);
		}
		pd_jw_array_end(&w);
		pd_jw_object_end(&w);
	}
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
cleanup:
	free(rules);
	free(sources);
	free(clauses);
	return finish(out, start, rc);
}
