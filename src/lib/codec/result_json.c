/*
 * result_json.c: struct pd_result as JSON (format.md §2, "Result"), and
 * struct pd_error as the error object of interfaces.md.
 *
 * Keys come in the order of format.md so that results diff cleanly; the
 * last, "offices", copies each office as the policy loader rendered it.  Keys
 * shown there as optional are left out when empty: "replaces", "detail" and
 * "conditional" on findings and materials, "checks" on materials, "max_visa_validity_days" in
 * limits, "provisional" in dates (written only when true), the deposit's
 * "en"/"zh", and each entry of the "sources" objects whose figure is absent.
 * Absent figures are null: PD_DATE_NONE dates, negative day counts, an
 * unknown fee, an undecided tri-state.
 *
 * Policy texts arrive as JSON literals escaped once when the pack was
 * compiled (struct pd_text's en_json, zh_json) and are copied as they are;
 * everything computed per case (detail strings, the jurisdiction, question
 * texts) goes through pd_json_escape().  The writer appends to `out` and
 * allocates nothing itself.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/jsonw.h"
#include "permitdesk/codec.h"

/*
 * The compact form is written in fused pieces: each run of punctuation and
 * keys between two values is one literal ("\",\"outcome\":\""), copied with a
 * length known when compiling.  The pretty form is the compact one
 * re-indented (reindent() below), so both always hold the same members.
 */

/* What one call writes: the buffer, and the languages kept. */
struct rw {
	struct pd_buf *b;
	bool en, zh;
};

/* A string that never needs escaping (ids, sources, layers, fact paths, our own words). */
static inline void put_plain(struct pd_buf *b, const char *s)
{
	if (!s) {
		JW_LIT(b, "null");
		return;
	}
	size_t n = strlen(s);
	if (b->len + n + 2 < b->alloc) {
		char *p = b->data + b->len;
		p[0] = '"';
		memcpy(p + 1, s, n);
		p[n + 1] = '"';
		b->len += n + 2;
		return;
	}
	jw_putc(b, '"');
	jw_put(b, s, n);
	jw_putc(b, '"');
}

/* A string computed per case or taken from the input: escaped. */
static inline void put_escaped(struct pd_buf *b, const char *s)
{
	if (!s)
		JW_LIT(b, "null");
	else
		pd_json_escape(b, s, strlen(s));
}

/* One side of a policy text: the literal escaped when the pack was compiled
 * (its length stored with it, 0 when not), else the plain text escaped now. */
static inline void put_text(struct pd_buf *b, const char *json, uint32_t len, const char *plain)
{
	if (json)
		jw_put(b, json, len ? len : strlen(json));
	else
		put_escaped(b, plain);
}

/* ,"en":…,"zh":… of a policy text, each only when its language is kept. */
static inline void put_text_pair(const struct rw *w, const struct pd_text *t)
{
	struct pd_buf *b = w->b;
	if (w->en) {
		JW_LIT(b, ",\"en\":");
		if (t)
			put_text(b, t->en_json, t->en_json_len, t->en);
		else
			JW_LIT(b, "null");
	}
	if (w->zh) {
		JW_LIT(b, ",\"zh\":");
		if (t)
			put_text(b, t->zh_json, t->zh_json_len, t->zh);
		else
			JW_LIT(b, "null");
	}
}

/* ,"en":…,"zh":… of two computed strings, each only when its language is kept. */
static void put_escaped_pair(const struct rw *w, const char *en, const char *zh)
{
	if (w->en) {
		JW_LIT(w->b, ",\"en\":");
		put_escaped(w->b, en);
	}
	if (w->zh) {
		JW_LIT(w->b, ",\"zh\":");
		put_escaped(w->b, zh);
	}
}

/* A count of days, null when negative (-1 means "none"). */
static inline void put_days(struct pd_buf *b, int32_t days)
{
	if (days < 0)
		JW_LIT(b, "null");
	else
		jw_put_int(b, days);
}

static inline void put_tristate(struct pd_buf *b, int8_t v)
{
	if (v < 0)
		JW_LIT(b, "null");
	else if (v)
		JW_LIT(b, "true");
	else
		JW_LIT(b, "false");
}

/* ,"detail":{"en":…,"zh":…} when the engine computed one. */
static void put_detail(const struct rw *w, const char *en, const char *zh)
{
	if (!en && !zh)
		return;
	struct pd_buf *b = w->b;
	JW_LIT(b, ",\"detail\":{");
	if (w->en) {
		JW_LIT(b, "\"en\":");
		put_escaped(b, en);
	}
	if (w->zh) {
		if (w->en)
			jw_putc(b, ',');
		JW_LIT(b, "\"zh\":");
		put_escaped(b, zh);
	}
	jw_putc(b, '}');
}

static bool factset_empty(const struct pd_factset *fs)
{
	for (int i = 0; i < PD_FACTSET_WORDS; i++)
		if (fs->w[i])
			return false;
	return true;
}

/* The fact paths of a set, in table order: ["applicant.age",…]. */
static void put_factset(struct pd_buf *b, const struct pd_factset *fs)
{
	bool first = true;
	jw_putc(b, '[');
	for (int i = 0; i < PD_FACTSET_WORDS; i++) {
		uint64_t bits = fs->w[i];
		while (bits) {
			int f = i * 64 + __builtin_ctzll(bits);
			bits &= bits - 1;
			if (f >= PD_FACT_COUNT)
				continue;
			if (!first)
				jw_putc(b, ',');
			put_plain(b, pd_facts[f].path);
			first = false;
		}
	}
	jw_putc(b, ']');
}

static void put_finding(const struct rw *w, const struct pd_finding *f)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, "{\"rule\":");
	put_plain(b, f->origin.rule);
	JW_LIT(b, ",\"outcome\":");
	put_plain(b, pd_outcome_name(f->outcome));
	put_text_pair(w, f->text);
	JW_LIT(b, ",\"source\":");
	put_plain(b, f->origin.source);
	JW_LIT(b, ",\"layer\":");
	put_plain(b, f->origin.layer);
	if (f->origin.replaces) {
		JW_LIT(b, ",\"replaces\":");
		put_plain(b, f->origin.replaces);
	}
	put_detail(w, f->detail_en, f->detail_zh);
	jw_putc(b, '}');
}

/* A duration as the packs write it: "30d" or "6m" (years are written as months). */
static void put_duration(struct pd_buf *b, struct pd_duration d)
{
	jw_putc(b, '"');
	jw_put_int(b, d.count);
	jw_putc(b, d.unit == PD_DUR_MONTHS ? 'm' : 'd');
	jw_putc(b, '"');
}

/* ,"checks":{…} with what a document of this type is checked for; left out
 * when nothing but its presence (and a passed expiry date) is. */
static void put_checks(struct pd_buf *b, const struct pd_material_checks *c)
{
	bool foreign = c->foreign_notarized || c->foreign_legalized || c->foreign_translated;
	if (!c->has_max_age && !c->has_valid_for && !c->notarized && !foreign)
		return;
	const char *sep = "";
	JW_LIT(b, ",\"checks\":{");
	if (c->has_max_age) {
		JW_LIT(b, "\"max_age\":");
		put_duration(b, c->max_age);
		sep = ",";
	}
	if (c->has_valid_for) {
		jw_put(b, sep, strlen(sep));
		JW_LIT(b, "\"valid_for\":");
		put_duration(b, c->valid_for);
		sep = ",";
	}
	if (c->notarized) {
		jw_put(b, sep, strlen(sep));
		JW_LIT(b, "\"notarized\":true");
		sep = ",";
	}
	if (foreign) {
		static const char *const key[] = {
		    "{\"notarized\":", ",\"legalized\":", ",\"translated\":"};
		const bool need[] = {c->foreign_notarized, c->foreign_legalized,
		                     c->foreign_translated};
		jw_put(b, sep, strlen(sep));
		JW_LIT(b, "\"foreign\":");
		for (int i = 0; i < 3; i++) {
			jw_put(b, key[i], strlen(key[i]));
			put_tristate(b, need[i]);
		}
		jw_putc(b, '}');
	}
	jw_putc(b, '}');
}

/* An alternative's "satisfied_by" and, unless `summary`, its "options" with their statuses. */
static void put_options(const struct rw *w, const struct pd_material *m, bool summary)
{
	struct pd_buf *b = w->b;
	if (m->satisfied_by) {
		JW_LIT(b, ",\"satisfied_by\":");
		put_plain(b, m->satisfied_by);
	}
	if (summary || !m->n_options)
		return;
	JW_LIT(b, ",\"options\":[");
	for (size_t i = 0; i < m->n_options; i++) {
		const struct pd_material_option *o = &m->options[i];
		if (i)
			jw_putc(b, ',');
		JW_LIT(b, "{\"id\":");
		put_plain(b, o->id);
		JW_LIT(b, ",\"status\":");
		put_plain(b, pd_mstatus_name(o->status));
		put_text_pair(w, o->text);
		put_detail(w, o->detail_en, o->detail_zh);
		put_checks(b, &o->checks);
		jw_putc(b, '}');
	}
	jw_putc(b, ']');
}

static void put_material(const struct rw *w, const struct pd_material *m)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, "{\"id\":");
	put_plain(b, m->id);
	JW_LIT(b, ",\"status\":");
	put_plain(b, pd_mstatus_name(m->status));
	put_text_pair(w, m->text);
	JW_LIT(b, ",\"source\":");
	put_plain(b, m->origin.source);
	JW_LIT(b, ",\"layer\":");
	put_plain(b, m->origin.layer);
	if (!factset_empty(&m->conditional)) {
		JW_LIT(b, ",\"conditional\":");
		put_factset(b, &m->conditional);
	}
	put_detail(w, m->detail_en, m->detail_zh);
	put_checks(b, &m->checks);
	put_options(w, m, false);
	jw_putc(b, '}');
}

static void put_questions(const struct rw *w, const struct pd_result *r)
{
	struct pd_buf *b = w->b;
	bool first = true;
	JW_LIT(b, ",\"questions\":[");
	for (size_t i = 0; i < r->n_questions; i++) {
		int q = r->questions[i];
		if (q < 0 || q >= PD_FACT_COUNT)
			continue;
		if (!first)
			jw_putc(b, ',');
		first = false;
		JW_LIT(b, "{\"fact\":");
		put_plain(b, pd_facts[q].path);
		put_escaped_pair(w, pd_facts[q].en, pd_facts[q].zh);
		jw_putc(b, '}');
	}
	jw_putc(b, ']');
}

/* One member of a "sources" object, with its comma; *first tracks the object. */
static void put_source(struct pd_buf *b, bool *first, bool present, const char *key, size_t key_len,
                       const char *source)
{
	if (!present || !source)
		return;
	if (!*first)
		jw_putc(b, ',');
	*first = false;
	jw_putc(b, '"');
	jw_put(b, key, key_len);
	JW_LIT(b, "\":");
	put_plain(b, source);
}
#define PUT_SOURCE(b, first, present, key, source)                                                 \
	put_source((b), (first), (present), "" key, sizeof(key) - 1, (source))

static void put_limits(struct pd_buf *b, const struct pd_result *r)
{
	bool first = true;
	JW_LIT(b, ",\"limits\":{\"max_days\":");
	put_days(b, r->limits.max_days);
	if (r->limits.max_visa_validity_days >= 0) {
		JW_LIT(b, ",\"max_visa_validity_days\":");
		jw_put_int(b, r->limits.max_visa_validity_days);
	}
	JW_LIT(b, ",\"valid_until_max\":");
	jw_put_date(b, r->limits.valid_until_max);
	JW_LIT(b, ",\"sources\":{");
	PUT_SOURCE(b, &first, r->limits.max_days >= 0, "max_days",
	           r->limits.max_days_origin.source);
	PUT_SOURCE(b, &first, r->limits.max_visa_validity_days >= 0, "max_visa_validity_days",
	           r->limits.max_visa_validity_origin.source);
	PUT_SOURCE(b, &first, r->limits.valid_until_max != PD_DATE_NONE, "valid_until_max",
	           r->limits.valid_until_origin.source);
	JW_LIT(b, "}}");
}

/* Texts are written unless `summary`. */
static void put_fee(const struct rw *w, const struct pd_result *r, bool summary)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, ",\"fee\":");
	if (!r->fee.present) {
		JW_LIT(b, "null");
		return;
	}
	JW_LIT(b, "{\"cny\":");
	if (r->fee.known)
		jw_put_int(b, r->fee.cny);
	else
		JW_LIT(b, "null");
	if (r->fee.per_person) {
		JW_LIT(b, ",\"per_person\":");
		if (r->fee.per_person_known)
			jw_put_int(b, r->fee.per_person_cny);
		else
			JW_LIT(b, "null");
		JW_LIT(b, ",\"persons\":");
		jw_put_int(b, r->fee.persons);
	}
	if (!summary)
		put_text_pair(w, r->fee.text);
	JW_LIT(b, ",\"source\":");
	put_plain(b, r->fee.origin.source);
	if (r->fee.dated) {
		JW_LIT(b, ",\"since\":");
		jw_put_date(b, r->fee.since);
	}
	jw_putc(b, '}');
}

static void put_deposit(const struct rw *w, const struct pd_result *r, bool summary)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, ",\"deposit\":");
	if (!r->deposit.present) {
		JW_LIT(b, "null");
		return;
	}
	JW_LIT(b, "{\"cny\":");
	jw_put_int(b, r->deposit.cny);
	JW_LIT(b, ",\"frozen_days\":");
	put_days(b, r->deposit.frozen_days);
	const struct pd_text *t = r->deposit.text;
	if (!summary && w->en && t && (t->en_json || t->en)) {
		JW_LIT(b, ",\"en\":");
		put_text(b, t->en_json, t->en_json_len, t->en);
	}
	if (!summary && w->zh && t && (t->zh_json || t->zh)) {
		JW_LIT(b, ",\"zh\":");
		put_text(b, t->zh_json, t->zh_json_len, t->zh);
	}
	JW_LIT(b, ",\"source\":");
	put_plain(b, r->deposit.origin.source);
	jw_putc(b, '}');
}

static void put_dates(struct pd_buf *b, const struct pd_result *r)
{
	bool first = true;
	JW_LIT(b, ",\"dates\":{\"apply_by\":");
	jw_put_date(b, r->dates.apply_by);
	JW_LIT(b, ",\"decision_by\":");
	jw_put_date(b, r->dates.decision_by);
	JW_LIT(b, ",\"receipt_valid_until\":");
	jw_put_date(b, r->dates.receipt_valid_until);
	JW_LIT(b, ",\"processing_days\":");
	put_days(b, r->dates.processing_days);
	JW_LIT(b, ",\"receipt_days\":");
	put_days(b, r->dates.receipt_days);
	JW_LIT(b, ",\"sources\":{");
	PUT_SOURCE(b, &first, r->dates.apply_by != PD_DATE_NONE, "apply_by",
	           r->dates.apply_by_origin.source);
	PUT_SOURCE(b, &first, r->dates.decision_by != PD_DATE_NONE, "decision_by",
	           r->dates.decision_origin.source);
	PUT_SOURCE(b, &first, r->dates.receipt_valid_until != PD_DATE_NONE, "receipt_valid_until",
	           r->dates.receipt_origin.source);
	jw_putc(b, '}');
	if (r->dates.provisional)
		JW_LIT(b, ",\"provisional\":true");
	jw_putc(b, '}');
}

static void put_representation(const struct rw *w, const struct pd_result *r, bool summary)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, ",\"representation\":");
	if (!r->representation.present) {
		JW_LIT(b, "null");
		return;
	}
	JW_LIT(b, "{\"agent_allowed\":");
	put_tristate(b, r->representation.agent_allowed);
	JW_LIT(b, ",\"in_person_required\":");
	put_tristate(b, r->representation.in_person_required);
	if (!summary)
		put_text_pair(w, r->representation.text);
	JW_LIT(b, ",\"source\":");
	put_plain(b, r->representation.origin.source);
	jw_putc(b, '}');
}

/*
 * ,"extra":… when the case had one: its text as the input gave it, without
 * the blanks outside strings, so that the result stays on one line.  The
 * decoder has validated it (an object, no duplicate names), so the only
 * state to track is whether we are inside a string.
 */
static void put_extra(struct pd_buf *b, const struct pd_result *r)
{
	if (!r->extra)
		return;
	JW_LIT(b, ",\"extra\":");
	const char *s = r->extra;
	size_t n = r->extra_len, run = 0;
	bool in_string = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			jw_put(b, s + run, i - run);
			run = i + 1;
		}
	}
	jw_put(b, s + run, n - run);
}

static void put_head(struct pd_buf *b, const struct pd_result *r)
{
	JW_LIT(b, "{\"verdict\":");
	put_plain(b, pd_verdict_name(r->verdict));
	JW_LIT(b, ",\"jurisdiction\":");
	put_escaped(b, r->jurisdiction);
	JW_LIT(b, ",\"date\":");
	jw_put_date(b, r->date);
	JW_LIT(b, ",\"policy\":{\"pack\":");
	put_escaped(b, r->pack);
	JW_LIT(b, ",\"version\":");
	put_escaped(b, r->version);
	jw_putc(b, '}');
}

static void put_offices(const struct rw *w, const struct pd_result *r)
{
	struct pd_buf *b = w->b;
	JW_LIT(b, ",\"offices\":[");
	/* Rendered once when the pack was compiled (pd_office_write_json_lang), in both
	 * languages and in each; an office built elsewhere may have the first only. */
	for (size_t i = 0; i < r->n_offices; i++) {
		const struct pd_office_info *o = &r->offices[i];
		const char *json = o->json;
		size_t len = o->json_len;
		if (!w->en || !w->zh) {
			json = w->en ? o->json_en : o->json_zh;
			len = w->en ? o->json_en_len : o->json_zh_len;
		}
		if (i)
			jw_putc(b, ',');
		if (json) {
			jw_put(b, json, len ? len : strlen(json));
		} else {
			struct pd_jw jw;
			pd_jw_init(&jw, b, false);
			pd_office_write_json_lang(&jw, o,
			                          w->en && w->zh ? NULL
			                          : w->en        ? "en"
			                                         : "zh");
		}
	}
	jw_putc(b, ']');
}

static void put_result(const struct rw *w, const struct pd_result *r)
{
	struct pd_buf *b = w->b;
	put_head(b, r);
	JW_LIT(b, ",\"findings\":[");
	for (size_t i = 0; i < r->n_findings; i++) {
		if (i)
			jw_putc(b, ',');
		put_finding(w, &r->findings[i]);
	}
	JW_LIT(b, "],\"materials\":[");
	for (size_t i = 0; i < r->n_materials; i++) {
		if (i)
			jw_putc(b, ',');
		put_material(w, &r->materials[i]);
	}
	jw_putc(b, ']');

	put_questions(w, r);
	put_limits(b, r);
	put_fee(w, r, false);
	put_deposit(w, r, false);
	put_dates(b, r);
	put_representation(w, r, false);

	JW_LIT(b, ",\"notices\":[");
	for (size_t i = 0; i < r->n_notices; i++) {
		const struct pd_notice *n = &r->notices[i];
		if (i)
			jw_putc(b, ',');
		JW_LIT(b, "{\"id\":");
		put_plain(b, n->id);
		put_text_pair(w, n->text);
		JW_LIT(b, ",\"source\":");
		put_plain(b, n->origin.source);
		jw_putc(b, '}');
	}
	jw_putc(b, ']');
	put_offices(w, r);
	put_extra(b, r);
	jw_putc(b, '}');
}

/*
 * The summary view: what an agency's dashboard or a join needs, no prose.
 * Findings that pass or inform are left out; so are the texts of materials,
 * questions, the fee, the deposit, representation and notices (their ids
 * and figures stay), and offices are their ids.  A material's detail, which
 * says why it is not acceptable for this case, is kept.  The trace view is
 * the same with every finding (all_findings).
 */
static void put_summary(const struct rw *w, const struct pd_result *r, bool all_findings)
{
	struct pd_buf *b = w->b;
	bool first = true;
	put_head(b, r);
	JW_LIT(b, ",\"findings\":[");
	for (size_t i = 0; i < r->n_findings; i++) {
		const struct pd_finding *f = &r->findings[i];
		if (!all_findings && f->outcome != PD_OUTCOME_FAIL &&
		    f->outcome != PD_OUTCOME_UNKNOWN)
			continue;
		if (!first)
			jw_putc(b, ',');
		first = false;
		JW_LIT(b, "{\"rule\":");
		put_plain(b, f->origin.rule);
		JW_LIT(b, ",\"outcome\":");
		put_plain(b, pd_outcome_name(f->outcome));
		JW_LIT(b, ",\"source\":");
		put_plain(b, f->origin.source);
		jw_putc(b, '}');
	}
	JW_LIT(b, "],\"materials\":[");
	for (size_t i = 0; i < r->n_materials; i++) {
		const struct pd_material *m = &r->materials[i];
		if (i)
			jw_putc(b, ',');
		JW_LIT(b, "{\"id\":");
		put_plain(b, m->id);
		JW_LIT(b, ",\"status\":");
		put_plain(b, pd_mstatus_name(m->status));
		if (!factset_empty(&m->conditional)) {
			JW_LIT(b, ",\"conditional\":");
			put_factset(b, &m->conditional);
		}
		put_detail(w, m->detail_en, m->detail_zh);
		put_options(w, m, true);
		jw_putc(b, '}');
	}
	JW_LIT(b, "],\"questions\":[");
	first = true;
	for (size_t i = 0; i < r->n_questions; i++) {
		int q = r->questions[i];
		if (q < 0 || q >= PD_FACT_COUNT)
			continue;
		if (!first)
			jw_putc(b, ',');
		first = false;
		put_plain(b, pd_facts[q].path);
	}
	jw_putc(b, ']');
	put_limits(b, r);
	put_fee(w, r, true);
	put_deposit(w, r, true);
	put_dates(b, r);
	put_representation(w, r, true);
	JW_LIT(b, ",\"notices\":[");
	for (size_t i = 0; i < r->n_notices; i++) {
		if (i)
			jw_putc(b, ',');
		put_plain(b, r->notices[i].id);
	}
	JW_LIT(b, "],\"offices\":[");
	for (size_t i = 0; i < r->n_offices; i++) {
		if (i)
			jw_putc(b, ',');
		put_plain(b, r->offices[i].id);
	}
	jw_putc(b, ']');
	put_extra(b, r);
	jw_putc(b, '}');
}

static void newline_indent(struct pd_buf *b, int depth)
{
	static const char spaces[] = "                                ";
	jw_putc(b, '\n');
	size_t n = depth > 0 ? (size_t)depth * 2 : 0;
	while (n > 0) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		jw_put(b, spaces, k);
		n -= k;
	}
}

/*
 * Re-indents the compact JSON at b->data[from, b->len) as pd_jw's pretty mode
 * writes it: one member per line, two spaces a level, ": " after keys, empty
 * containers as {} and [].  Pretty output is for people, so it works on a
 * heap copy of the compact text rather than the hot path's fused pieces.
 */
static void reindent(struct pd_buf *b, size_t from)
{
	size_t n = b->len - from;
	char *src = malloc(n ? n : 1);
	if (!src) {
		b->failed = true;
		return;
	}
	memcpy(src, b->data + from, n);
	b->len = from;

	int depth = 0;
	for (size_t i = 0; i < n; i++) {
		char c = src[i];
		switch (c) {
		case '"': {
			/* A whole string literal, escapes included. */
			size_t j = i + 1;
			while (j < n && src[j] != '"')
				j += src[j] == '\\' ? 2 : 1;
			if (j >= n)
				j = n - 1; /* not from put_result(): keep within the copy */
			jw_put(b, src + i, j - i + 1);
			i = j;
			break;
		}
		case '{':
		case '[':
			jw_putc(b, c);
			if (i + 1 < n && (src[i + 1] == '}' || src[i + 1] == ']'))
				jw_putc(b, src[++i]);
			else
				newline_indent(b, ++depth);
			break;
		case '}':
		case ']':
			newline_indent(b, --depth);
			jw_putc(b, c);
			break;
		case ',':
			jw_putc(b, c);
			newline_indent(b, depth);
			break;
		case ':':
			JW_LIT(b, ": ");
			break;
		default:
			jw_putc(b, c);
			break;
		}
	}
	free(src);
}

/* On failure the partial output is taken back, so a batch never prints half a line. */
static int finish(struct pd_buf *out, size_t start)
{
	if (!out->failed) {
		jw_terminate(out);
		return 0;
	}
	out->len = start;
	if (out->data && start < out->alloc)
		out->data[start] = '\0';
	return PD_FAIL(PD_ENOMEM);
}

int pd_result_view_parse(const char *name, enum pd_result_view *out)
{
	if (name && strcmp(name, "full") == 0)
		*out = PD_VIEW_FULL;
	else if (name && strcmp(name, "summary") == 0)
		*out = PD_VIEW_SUMMARY;
	else if (name && strcmp(name, "trace") == 0)
		*out = PD_VIEW_TRACE;
	else
		return PD_FAIL(PD_EUSAGE);
	return 0;
}

int pd_result_write_json_view(const struct pd_result *r, const struct pd_result_opts *o,
                              struct pd_buf *out)
{
	static const struct pd_result_opts defaults = {.view = PD_VIEW_FULL};
	if (!o)
		o = &defaults;
	struct rw w = {.b = out, .en = true, .zh = true};
	if (o->lang && strcmp(o->lang, "en") == 0)
		w.zh = false;
	else if (o->lang && strcmp(o->lang, "zh") == 0)
		w.en = false;
	else if (o->lang)
		return PD_FAIL(PD_EUSAGE);
	size_t start = out->len;
	if (o->view == PD_VIEW_SUMMARY || o->view == PD_VIEW_TRACE)
		put_summary(&w, r, o->view == PD_VIEW_TRACE);
	else
		put_result(&w, r);
	if (o->pretty && !out->failed)
		reindent(out, start);
	return finish(out, start);
}

int pd_result_write_json(const struct pd_result *r, bool pretty, struct pd_buf *out)
{
	const struct pd_result_opts o = {.view = PD_VIEW_FULL, .pretty = pretty};
	return pd_result_write_json_view(r, &o, out);
}

/* A fixed-size field of struct pd_error, escaped (it may hold input text). */
static void put_field(struct pd_buf *b, const char *s, size_t size)
{
	pd_json_escape(b, s, strnlen(s, size));
}

int pd_error_write_json(const struct pd_error *err, struct pd_buf *out)
{
	size_t start = out->len;
	int code = err && err->code ? err->code : PD_EINTERNAL;

	JW_LIT(out, "{\"error\":{\"code\":");
	put_plain(out, pd_error_code(code));
	JW_LIT(out, ",\"message\":");
	if (err && err->message[0])
		put_field(out, err->message, sizeof(err->message));
	else
		put_plain(out, pd_strerror(code));
	if (err && err->path[0]) {
		JW_LIT(out, ",\"path\":");
		put_field(out, err->path, sizeof(err->path));
	}
	if (err && err->line > 0) {
		JW_LIT(out, ",\"line\":");
		jw_put_int(out, err->line);
	}
	if (err && err->column > 0) {
		JW_LIT(out, ",\"column\":");
		jw_put_int(out, err->column);
	}
	if (err && err->file[0]) {
		JW_LIT(out, ",\"file\":");
		put_field(out, err->file, sizeof(err->file));
	}
	JW_LIT(out, "}}");
	return finish(out, start);
}
