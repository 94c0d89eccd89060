/*
 * policy.c: choosing the pack in force for a case, and read-only views of
 * the compiled packs for front ends (lint, list, conflicts, coverage, the
 * JSON views of codec/policy_json.c): packs by position or id, rules with
 * their texts, conflicts, the clause index, and citations split into
 * (source, clause) pairs with the test of which index clause a citation falls under,
 * and the offices where a pack's cases are made (offices.yaml).
 */
#include <stdio.h>
#include <string.h>

#include "policy_int.h"

const struct pd_calendar *pd_policy_calendar(const struct pd_policy *pol)
{
	return pol->calendar;
}

static void range_text(const struct pd_pack *p, char *buf, size_t size)
{
	char a[11] = "", b[11] = "";
	if (p->from != PD_DATE_NONE)
		pd_date_format(p->from, a);
	if (p->to != PD_DATE_NONE)
		pd_date_format(p->to, b);
	if (p->from != PD_DATE_NONE && p->to != PD_DATE_NONE)
		snprintf(buf, size, "%s to %s", a, b);
	else if (p->from != PD_DATE_NONE)
		snprintf(buf, size, "from %s", a);
	else if (p->to != PD_DATE_NONE)
		snprintf(buf, size, "until %s", b);
	else
		snprintf(buf, size, "always");
}

/* The pack of the jurisdiction in force on date, or NULL; *later gets the
 * jurisdiction's earliest version that starts after date and says who decides
 * earlier cases (`before`), or NULL. */
static const struct pd_pack *in_force(const struct pd_policy *pol, const char *jurisdiction,
                                      size_t len, pd_date date, bool *any,
                                      const struct pd_pack **later, char *covered, size_t size)
{
	size_t cl = strlen(covered);
	*later = NULL;
	for (size_t i = 0; i < pol->n_packs; i++) {
		const struct pd_pack *p = pol->packs[i];
		if (strlen(p->jurisdiction) != len ||
		    memcmp(p->jurisdiction, jurisdiction, len) != 0)
			continue;
		*any = true;
		if ((p->from == PD_DATE_NONE || date >= p->from) &&
		    (p->to == PD_DATE_NONE || date <= p->to))
			return p;
		if (p->before_by && p->from != PD_DATE_NONE && date < p->from &&
		    (!*later || p->from < (*later)->from))
			*later = p;
		char r[64];
		range_text(p, r, sizeof(r));
		const char *sep = cl == 0 ? "" : covered[cl - 1] == ':' ? " " : ", ";
		if (cl < size - 80)
			cl += (size_t)snprintf(covered + cl, size - cl, "%s%s (%s)", sep, r, p->id);
	}
	return NULL;
}

int pd_policy_select(const struct pd_policy *pol, const char *jurisdiction, size_t len,
                     pd_date date, const struct pd_pack **out, const struct pd_pack **via,
                     struct pd_error *err)
{
	char covered[512] = "";
	bool any = false;
	const struct pd_pack *later = NULL, *first = NULL;
	*via = NULL;
	const char *jur = jurisdiction;
	size_t jl = len;
	/* A city pack may send the cases dated before it to another jurisdiction
	 * (`before`); a short chain at most, never a cycle. */
	for (int hop = 0; hop < 4; hop++) {
		const struct pd_pack *p =
		    in_force(pol, jur, jl, date, &any, &later, covered, sizeof(covered));
		if (p) {
			*out = p;
			*via = first;
			return 0;
		}
		if (!later)
			break;
		if (!first)
			first = later;
		size_t cl = strlen(covered);
		if (cl < sizeof(covered) - 80)
			snprintf(covered + cl, sizeof(covered) - cl,
			         "; earlier %s cases by %s:", later->jurisdiction,
			         later->before_by);
		jur = later->before_by;
		jl = strlen(jur);
	}
	if (any) {
		char d[11];
		pd_date_format(date, d);
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "date",
		                   "no %.*s policy is in force on %s; covered: %s", (int)len,
		                   jurisdiction, d, covered);
	}
	char known[512] = "";
	size_t kl = 0;
	for (size_t i = 0; i < pol->n_packs; i++) {
		const char *j = pol->packs[i]->jurisdiction;
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup = dup || strcmp(pol->packs[k]->jurisdiction, j) == 0;
		if (!dup && kl < sizeof(known) - 40)
			kl += (size_t)snprintf(known + kl, sizeof(known) - kl, "%s%s",
			                       kl ? ", " : "", j);
	}
	return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "jurisdiction",
	                   "unknown jurisdiction \"%.*s\"; known: %s", (int)(len > 40 ? 40 : len),
	                   jurisdiction, known);
}

size_t pd_policy_pack_count(const struct pd_policy *pol)
{
	return pol->n_packs;
}

const struct pd_pack *pd_policy_pack_find(const struct pd_policy *pol, const char *id)
{
	for (size_t i = 0; id && i < pol->n_packs; i++)
		if (strcmp(pol->packs[i]->id, id) == 0)
			return pol->packs[i];
	return NULL;
}

const struct pd_pack *pd_policy_pack_at(const struct pd_policy *pol, size_t i)
{
	return i < pol->n_packs ? pol->packs[i] : NULL;
}

const char *pd_pack_id(const struct pd_pack *p)
{
	return p->id;
}

const char *pd_pack_jurisdiction(const struct pd_pack *p)
{
	return p->jurisdiction;
}

const char *pd_pack_title(const struct pd_pack *p, const char *lang)
{
	return lang && strcmp(lang, "zh") == 0 ? p->title_zh : p->title_en;
}

const char *pd_pack_extends(const struct pd_pack *p)
{
	return p->extends_id;
}

const char *pd_pack_version(const struct pd_pack *p)
{
	return p->version;
}

void pd_pack_effective(const struct pd_pack *p, pd_date *from, pd_date *to)
{
	*from = p->from;
	*to = p->to;
}

size_t pd_pack_rule_count(const struct pd_pack *p)
{
	return p->n_rules;
}

static void info_of(const struct pd_rule *r, struct pd_rule_info *o)
{
	o->id = r->id;
	o->layer = r->origin.layer;
	o->replaces = r->origin.replaces;
	o->source = r->origin.source;
	o->file = r->file;
	o->line = r->line;
	o->en = r->text.en;
	o->zh = r->text.zh;
}

size_t pd_pack_rule_info(const struct pd_pack *p, struct pd_rule_info *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < p->n_rules; i++) {
		const struct pd_rule *r = p->rules[i];
		if (r->table) {
			for (uint16_t k = 0; k < r->n_rows; k++) {
				if (n < max)
					info_of(&r->rows[k], &out[n]);
				n++;
			}
		} else {
			if (n < max)
				info_of(r, &out[n]);
			n++;
		}
	}
	return n;
}

size_t pd_pack_conflicts(const struct pd_pack *p, struct pd_conflict_info *out, size_t max)
{
	for (size_t i = 0; i < p->n_conflicts && i < max; i++)
		out[i] = p->conflicts[i].info;
	return p->n_conflicts;
}

size_t pd_pack_clauses(const struct pd_pack *p, struct pd_clause_info *out, size_t max)
{
	for (size_t i = 0; i < p->n_clauses && i < max; i++)
		out[i] = p->clauses[i];
	return p->n_clauses;
}

size_t pd_pack_sources(const struct pd_pack *p, const char **out, size_t max)
{
	for (size_t i = 0; i < p->n_sources && i < max; i++)
		out[i] = p->sources[i];
	return p->n_sources;
}

bool pd_clause_covers(const char *cited, const char *clause)
{
	size_t n = strlen(clause);
	/* "6.2(7)" covers "6.2"; "II(VII)3" covers "II(VII)": a sub-clause follows a
	 * dot, an opening parenthesis, or anything after a closing one. */
	return n > 0 && strncmp(cited, clause, n) == 0 &&
	       (cited[n] == '\0' || cited[n] == '(' || cited[n] == '.' || cited[n] == ' ' ||
	        clause[n - 1] == ')');
}

static size_t source_prefix(const char *s, const char *const *sources, size_t n)
{
	size_t best = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(sources[i]);
		if (l > best && strncmp(s, sources[i], l) == 0 && s[l] == ' ')
			best = l;
	}
	return best;
}

size_t pd_citation_each(const char *citation, const char *const *sources, size_t n_sources,
                        void (*fn)(const char *source, const char *clause, void *ctx), void *ctx)
{
	char src[64] = "";
	size_t count = 0;
	const char *s = citation;
	while (*s) {
		while (*s == ' ' || *s == ',' || *s == ';')
			s++;
		if (!*s)
			break;
		const char *end = s;
		while (*end && *end != ',' && *end != ';')
			end++;
		char part[128];
		size_t len = (size_t)(end - s);
		if (len >= sizeof(part))
			len = sizeof(part) - 1;
		memcpy(part, s, len);
		part[len] = '\0';
		while (len && part[len - 1] == ' ')
			part[--len] = '\0';
		size_t pl = source_prefix(part, sources, n_sources);
		const char *clause = part;
		if (pl) {
			snprintf(src, sizeof(src), "%.*s", (int)pl, part);
			clause = part + pl + 1;
		}
		if (src[0] && *clause) {
			/* A range of sub-items: 6.1(1)-(3). */
			const char *dash = strstr(clause, ")-(");
			int a, b;
			char head[96];
			const char *open =
			    dash ? memchr(clause, '(', (size_t)(dash - clause)) : NULL;
			if (dash && open && sscanf(open, "(%d)-(%d)", &a, &b) == 2 && a <= b &&
			    b - a < 50) {
				int hl = (int)(open - clause);
				for (int k = a; k <= b; k++) {
					snprintf(head, sizeof(head), "%.*s(%d)", hl, clause, k);
					fn(src, head, ctx);
					count++;
				}
			} else {
				fn(src, clause, ctx);
				count++;
			}
		}
		s = end;
	}
	return count;
}

const struct pd_office_info *pd_pack_offices(const struct pd_pack *p, size_t *count)
{
	*count = p->n_offices;
	return p->offices;
}

const struct pd_office_info *pd_pack_office_find(const struct pd_pack *p, const char *id)
{
	for (size_t i = 0; id && i < p->n_offices; i++)
		if (strcmp(p->offices[i].id, id) == 0)
			return &p->offices[i];
	return NULL;
}
