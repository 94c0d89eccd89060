/*
 * eval.c: evaluates a case against the pack in force (engine.h).
 *
 * Every rule of the pack is visited once, in pack order.  Its `when` (and for
 * a table, the row its key selects) is true, false or unknown.  A rule that
 * applies yields a finding and contributes its effects; a rule whose
 * applicability is unknown yields an `unknown` finding, makes its materials
 * conditional and names the facts it hangs on as questions.
 *
 * How effects combine (docs/policy-language.md): limits and apply_by take the
 * smallest value; fee, deposit, processing and receipt take the last rule that
 * applies (so a specific rule placed after a general one overrides it);
 * materials are merged by id (unconditional beats conditional, the strictest
 * constraints win); representation: in_person_always beats allow beats
 * in_person.
 *
 * Verdict (format.md): ineligible if a check fails on known facts; else
 * unknown if any check, a missing conditional material or the right of an
 * agent to apply hangs on unknown facts; else incomplete if a required
 * material is not acceptable; else eligible.
 */
#include <stdio.h>
#include <string.h>

#include "policy/policy_int.h"

/* What makes a document acceptable: a material's own constraints, tightened
 * by every requirement of it. */
struct constraints {
	bool has_max_age;
	struct pd_duration max_age;
	int8_t notarized, legalized, translated; /* when issued abroad */
	int8_t notarized_always;                 /* wherever issued */
	bool has_valid_for;
	struct pd_duration valid_for;
};

struct mat_slot {
	bool used;
	bool conditional_only; /* every requirement so far was conditional */
	struct pd_factset cond;
	struct pd_origin origin;
	struct constraints req;      /* the requirements' own constraints, merged */
	struct constraints *opt_req; /* an alternative's: on each option only, or NULL */
	int order;
	bool invalid; /* a check on it failed (an identity document's) */
	const char *invalid_en, *invalid_zh;
};

struct eval_state {
	const struct pd_pack *pack;
	const struct pd_case *c;
	struct pd_eval_ctx ctx;
	struct pd_eval_lazy lazy;
	struct pd_arena *arena;
	struct pd_result *r;
	size_t cap_findings;
	struct mat_slot *slots; /* the materials required so far, in order of first requirement */
	int16_t *slot_of;       /* pack material index -> slot, or -1 */
	const int16_t *doc_material; /* documents[i] -> pack material index */
	int n_slots_used;            /* at most the pack's number of materials */
	struct pd_factset q_verdict; /* unknown facts that decide the verdict */
	struct pd_factset q_other;   /* unknown facts that decide figures */
	bool any_fail;
	bool any_unknown_check;
	/* representation */
	const struct pd_rule *agent_always, *agent_allow, *agent_in_person;
	struct pd_factset agent_unknown;
	bool agent_any_unknown;    /* an allow hangs on unknown facts */
	bool agent_always_unknown; /* an in_person_always hangs on unknown facts */
	size_t cap_notices;
	bool out_of_memory; /* a finding or notice could not be kept: the result is refused */
	const struct pd_calendar *cal;
};

static inline bool set_empty(const struct pd_factset *s)
{
	for (int i = 0; i < PD_FACTSET_WORDS; i++)
		if (s->w[i])
			return false;
	return true;
}

static inline void set_add(struct pd_factset *dst, const struct pd_factset *s)
{
	for (int i = 0; i < PD_FACTSET_WORDS; i++)
		dst->w[i] |= s->w[i];
}

/* Applicability: 1 applies, 0 does not, -1 unknown (why says on what). */
struct applic {
	int v;
	struct pd_factset why;
};

static void eval_cond(struct eval_state *st, const struct pd_expr *e, struct applic *a)
{
	if (!e) {
		a->v = 1;
		return;
	}
	if (e->n_guards) {
		bool all_known = true;
		for (uint8_t i = 0; i < e->n_guards; i++) {
			const struct pd_value *g = &st->c->facts[e->guards[i].fact];
			if (!g->known)
				all_known = false;
			else if (!((e->guards[i].mask >> (g->i & 63)) & 1)) {
				a->v = 0;
				return;
			}
		}
		if (all_known && e->complete) {
			a->v = 1;
			return;
		}
	}
	struct pd_eval_value v;
	pd_expr_eval(e, &st->ctx, &v);
	if (v.known) {
		a->v = v.i ? 1 : 0;
	} else {
		a->v = -1;
		a->why = v.why;
	}
}

static void and_applic(struct applic *a, const struct applic *b)
{
	if (a->v == 0 || b->v == 0) {
		a->v = 0;
		memset(&a->why, 0, sizeof(a->why));
	} else if (a->v == 1 && b->v == 1) {
		a->v = 1;
	} else {
		struct pd_factset why = {{0}};
		if (a->v < 0)
			set_add(&why, &a->why);
		if (b->v < 0)
			set_add(&why, &b->why);
		a->v = -1;
		a->why = why;
	}
}

/* Makes room for one more of *n items of `size` in *items (capacity *cap),
 * doubling in the arena; false when the arena is exhausted. */
static bool grow(struct pd_arena *arena, void **items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return true;
	size_t want = *cap ? *cap * 2 : 8;
	void *p = pd_arena_alloc(arena, size * want);
	if (!p)
		return false;
	if (n)
		memcpy(p, *items, size * n);
	*items = p;
	*cap = want;
	return true;
}

static struct pd_finding *add_finding(struct eval_state *st)
{
	if (!grow(st->arena, (void **)&st->r->findings, st->r->n_findings, &st->cap_findings,
	          sizeof(struct pd_finding))) {
		st->out_of_memory = true;
		return NULL;
	}
	struct pd_finding *f = &st->r->findings[st->r->n_findings++];
	memset(f, 0, sizeof(*f));
	return f;
}

static bool eval_int(struct eval_state *st, const struct pd_expr *e, int32_t *out)
{
	struct pd_eval_value v;
	pd_expr_eval(e, &st->ctx, &v);
	if (!v.known) {
		set_add(&st->q_other, &v.why);
		return false;
	}
	*out = v.i;
	return true;
}

/* dst takes the stricter of each constraint of dst and src (durations compared on `date`). */
static void constraints_merge(struct constraints *dst, const struct constraints *src, pd_date date)
{
	if (src->has_max_age &&
	    (!dst->has_max_age || pd_date_add_duration(date, src->max_age, -1) >
	                              pd_date_add_duration(date, dst->max_age, -1))) {
		dst->has_max_age = true;
		dst->max_age = src->max_age;
	}
	if (src->has_valid_for &&
	    (!dst->has_valid_for || pd_date_add_duration(date, src->valid_for, 1) >
	                                pd_date_add_duration(date, dst->valid_for, 1))) {
		dst->has_valid_for = true;
		dst->valid_for = src->valid_for;
	}
	dst->notarized = (int8_t)(dst->notarized == 1 || src->notarized == 1);
	dst->legalized = (int8_t)(dst->legalized == 1 || src->legalized == 1);
	dst->translated = (int8_t)(dst->translated == 1 || src->translated == 1);
	dst->notarized_always = (int8_t)(dst->notarized_always == 1 || src->notarized_always == 1);
}

/* The constraints a document of material m must meet under the requirements req. */
static struct constraints constraints_of(const struct pd_pmaterial *m,
                                         const struct constraints *req, pd_date date)
{
	struct constraints c = {
	    .has_max_age = m->has_max_age,
	    .max_age = m->max_age,
	    .notarized = m->foreign_notarized,
	    .legalized = m->foreign_legalized,
	    .translated = m->foreign_translated,
	    .notarized_always = m->notarized == 1,
	    .has_valid_for = m->has_valid_for,
	    .valid_for = m->valid_for,
	};
	constraints_merge(&c, req, date);
	return c;
}

/* A requirement's own constraints (-1, unsaid, counts as no). */
static struct constraints req_constraints(const struct pd_requirement *q)
{
	return (struct constraints){
	    .has_max_age = q->has_max_age,
	    .max_age = q->max_age,
	    .legalized = q->legalized,
	    .translated = q->translated,
	    .notarized_always = q->notarized,
	    .has_valid_for = q->has_valid_for,
	    .valid_for = q->valid_for,
	};
}

static void require_material(struct eval_state *st, const struct pd_rule *rule,
                             const struct pd_requirement *q, const struct applic *a)
{
	bool conditional = a->v < 0;
	int16_t k = st->slot_of[q->material];
	struct mat_slot *s;
	if (k < 0) {
		k = (int16_t)st->n_slots_used++; /* a slot per material of the pack at most */
		st->slot_of[q->material] = k;
		s = &st->slots[k];
		memset(s, 0, sizeof(*s));
		s->used = true;
		s->order = q->material; /* the pack material it stands for */
		s->conditional_only = conditional;
		s->origin = rule->origin;
		if (conditional)
			s->cond = a->why;
	} else if ((s = &st->slots[k])->conditional_only) {
		if (!conditional) {
			s->conditional_only = false;
			s->origin = rule->origin;
			memset(&s->cond, 0, sizeof(s->cond));
		} else {
			set_add(&s->cond, &a->why);
		}
	}
	/* The strictest constraints win (applied to each option of an alternative too). */
	const struct constraints qc = req_constraints(q);
	constraints_merge(&s->req, &qc, st->ctx.date);
	const struct pd_pmaterial *pm = &st->pack->materials[q->material];
	if (q->n_option_reqs && !s->opt_req)
		s->opt_req = pd_arena_zalloc(st->arena, sizeof(struct constraints) * pm->n_options);
	for (uint8_t i = 0; i < q->n_option_reqs && s->opt_req; i++)
		for (uint8_t o = 0; o < pm->n_options; o++)
			if (pm->options[o] == q->option_reqs[i].material) {
				const struct constraints oc = req_constraints(&q->option_reqs[i]);
				constraints_merge(&s->opt_req[o], &oc, st->ctx.date);
			}
	if (q->n_option_reqs && !s->opt_req)
		st->out_of_memory = true;
}

static void add_notice(struct eval_state *st, const struct pd_rule *rule,
                       const struct pd_pnotice *n)
{
	for (size_t i = 0; i < st->r->n_notices; i++)
		if (strcmp(st->r->notices[i].id, n->id) == 0)
			return;
	if (!grow(st->arena, (void **)&st->r->notices, st->r->n_notices, &st->cap_notices,
	          sizeof(struct pd_notice))) {
		st->out_of_memory = true;
		return;
	}
	struct pd_notice *o = &st->r->notices[st->r->n_notices++];
	o->id = n->id;
	o->text = &n->text;
	o->origin = rule->origin;
}

/* Chinese names of the identity checks, for the finding that says which failed. */
static const char *check_zh(const char *name)
{
	static const struct {
		const char *en, *zh;
	} names[] = {
	    {"format", "格式"},
	    {"length", "长度"},
	    {"characters", "字符"},
	    {"document_code", "证件类型代码"},
	    {"issuing_state", "签发国代码"},
	    {"name", "姓名"},
	    {"filler", "填充符"},
	    {"document_number", "证件号码"},
	    {"document_number_check", "证件号码校验位"},
	    {"nationality", "国籍代码"},
	    {"birth_date", "出生日期"},
	    {"birth_date_check", "出生日期校验位"},
	    {"sex", "性别"},
	    {"expiry_date", "有效期"},
	    {"expiry_date_check", "有效期校验位"},
	    {"optional_data_check", "可选数据校验位"},
	    {"composite_check", "综合校验位"},
	    {"region", "地区代码"},
	    {"check_digit", "校验码"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].en, name) == 0)
			return names[i].zh;
	return name;
}

/* Says which identity checks a failed condition saw fail, in both languages. */
static void ids_detail(struct eval_state *st, const struct pd_expr *e, const char **en,
                       const char **zh)
{
	struct pd_buf b_en, b_zh;
	pd_buf_init(&b_en, 4096);
	pd_buf_init(&b_zh, 4096);
	const struct pd_ids_cache *ids = st->lazy.ids;
	if (ids && e->uses_mrz && ids->mrz_done) {
		const struct pd_mrz *m = &ids->mrz;
		if (!m->valid) {
			pd_buf_puts(&b_en, "machine readable zone: ");
			pd_buf_puts(&b_zh, "机读区校验未通过：");
			for (size_t i = 0; i < m->n_problems; i++) {
				const char *name =
				    pd_mrz_check_name((enum pd_mrz_check)m->problems[i].check);
				pd_buf_printf(&b_en, "%s%s (%s)", i ? "; " : "", name,
				              m->problems[i].message);
				pd_buf_printf(&b_zh, "%s%s", i ? "、" : "", check_zh(name));
				if (m->problems[i].message_zh[0])
					pd_buf_printf(&b_zh, "（%s）", m->problems[i].message_zh);
			}
		}
		static const struct {
			unsigned bit;
			const char *en, *zh;
		} mism[] = {
		    {MRZ_MISMATCH_NUMBER, "passport number", "护照号码"},
		    {MRZ_MISMATCH_EXPIRY, "passport expiry", "护照有效期"},
		    {MRZ_MISMATCH_BIRTH, "date of birth", "出生日期"},
		    {MRZ_MISMATCH_NATIONALITY, "nationality", "国籍"},
		};
		bool first = true;
		for (size_t i = 0; i < 4; i++) {
			if (!(ids->mismatch & mism[i].bit))
				continue;
			if (first) {
				pd_buf_printf(
				    &b_en, "%sthe machine readable zone disagrees with the case: ",
				    b_en.len ? "; " : "");
				pd_buf_printf(&b_zh, "%s机读区与申请信息不一致：",
				              b_zh.len ? "；" : "");
			}
			pd_buf_printf(&b_en, "%s%s", first ? "" : ", ", mism[i].en);
			pd_buf_printf(&b_zh, "%s%s", first ? "" : "、", mism[i].zh);
			first = false;
		}
		if (ids->mismatch & MRZ_MISMATCH_NUMBER) {
			pd_buf_printf(&b_en, " (the zone reads %s)", m->document_number);
			pd_buf_printf(&b_zh, "（机读区为%s）", m->document_number);
		}
	}
	if (ids && e->id_fact >= 0 && ids->id_fact == e->id_fact) {
		const struct pd_id *id = &ids->id;
		const char *path = pd_facts[e->id_fact].path;
		if (!id->valid) {
			pd_buf_printf(&b_en, "%s%s: ", b_en.len ? "; " : "", path);
			pd_buf_printf(&b_zh, "%s%s：证件号码校验未通过：", b_zh.len ? "；" : "",
			              path);
			for (size_t i = 0; i < id->n_problems; i++) {
				const struct pd_id_problem *p = &id->problems[i];
				const char *name = pd_id_check_name((enum pd_id_check)p->check);
				pd_buf_printf(&b_en, "%s%s (%s)", i ? "; " : "", name, p->message);
				pd_buf_printf(&b_zh, "%s%s", i ? "；" : "", check_zh(name));
				if (p->message_zh[0])
					pd_buf_printf(&b_zh, "（%s）", p->message_zh);
			}
		} else {
			const char *k = pd_id_kind_name(id->kind);
			pd_buf_printf(
			    &b_en, "%s%s is a valid %s number, not of the kind this person holds",
			    b_en.len ? "; " : "", path, k ? k : "unknown");
			pd_buf_printf(&b_zh, "%s%s为有效的%s号码，但其类型与该人员应持证件不符",
			              b_zh.len ? "；" : "", path, k ? k : "unknown");
		}
	}
	*en = b_en.len ? pd_arena_strndup(st->arena, b_en.data, b_en.len) : NULL;
	*zh = b_zh.len ? pd_arena_strndup(st->arena, b_zh.data, b_zh.len) : NULL;
	pd_buf_free(&b_en);
	pd_buf_free(&b_zh);
}

/* A fee charged per person: the figure computed is one person's; the case's
 * application.persons (absent: the applicant alone) multiplies it.  A total past
 * the range of the figures is not told (null) rather than wrapped. */
static void fee_per_person(struct eval_state *st)
{
	struct pd_result *r = st->r;
	const struct pd_value *n = &st->ctx.c->facts[PD_F_APP_PERSONS];
	r->fee.persons = n->known && n->i >= 1 ? n->i : 1;
	r->fee.per_person_known = r->fee.known;
	r->fee.per_person_cny = r->fee.cny;
	int64_t total = (int64_t)r->fee.cny * r->fee.persons;
	if (total > INT32_MAX) {
		r->fee.known = false;
		total = 0;
	}
	r->fee.cny = (int32_t)total;
}

/* An apply_by on a day the offices do not work moves as the rule's rest_day
 * says (to the last working day before it, or the first after it), and the
 * rule's finding says so. */
static pd_date apply_by_workday(struct eval_state *st, const struct pd_effects *e, pd_date day,
                                struct pd_finding *f)
{
	if (!e->apply_by_rest_day || !st->cal)
		return day;
	/* Outside the calendar's years only weekends are known rest days; that
	 * does not make the decision dates provisional. */
	pd_date due = pd_calendar_workday_near(st->cal, day, e->apply_by_rest_day, NULL);
	if (due == day || !f || f->detail_en)
		return due;
	char a[11], b[11];
	pd_date_format(day, a);
	pd_date_format(due, b);
	bool earlier = e->apply_by_rest_day < 0;
	f->detail_en = pd_arena_printf(
	    st->arena,
	    "%s is not a working day (the offices are closed): %s %s, the %s working day %s it.", a,
	    earlier ? "apply by" : "the period ends on", b, earlier ? "last" : "first",
	    earlier ? "before" : "after");
	f->detail_zh = pd_arena_printf(
	    st->arena, "%s不是工作日（出入境管理机构不办公）：%s%s。", a,
	    earlier ? "应在其前最后一个工作日提出申请，即" : "期间顺延至其后第一个工作日，即", b);
	return due;
}

/* Applies the effects of `rule` (a rule or a table row) whose applicability is a. */
static void apply(struct eval_state *st, const struct pd_rule *rule, const struct applic *a,
                  bool with_finding)
{
	struct pd_result *r = st->r;
	const struct pd_effects *e = &rule->eff;
	struct pd_finding *f = with_finding ? add_finding(st) : NULL;
	if (f) {
		f->origin = rule->origin;
		f->text = &rule->text;
	}
	if (a->v < 0) {
		if (f) {
			f->outcome = PD_OUTCOME_UNKNOWN;
			f->unknown = a->why;
		}
		if (e->check) {
			st->any_unknown_check = true;
			set_add(&st->q_verdict, &a->why);
		}
		for (uint16_t i = 0; i < e->n_requires; i++)
			require_material(st, rule, &e->requires[i], a);
		if (e->max_days || e->valid_until || e->visa_validity || e->has_fee ||
		    e->has_deposit || e->apply_by)
			set_add(&st->q_other, &a->why);
		if (e->agent == AGENT_ALLOW) {
			st->agent_any_unknown = true;
			set_add(&st->agent_unknown, &a->why);
		} else if (e->agent == AGENT_IN_PERSON_ALWAYS) {
			st->agent_always_unknown = true;
			set_add(&st->agent_unknown, &a->why);
		}
		return;
	}

	/* Applies. */
	if (e->check) {
		struct applic c;
		eval_cond(st, e->check, &c);
		if (f) {
			f->outcome = c.v == 1   ? PD_OUTCOME_PASS
			             : c.v == 0 ? PD_OUTCOME_FAIL
			                        : PD_OUTCOME_UNKNOWN;
			if (c.v < 0)
				f->unknown = c.why;
		}
		if (c.v == 0 && e->invalid >= 0) {
			/* A failed identity check makes the document invalid, not the applicant
			 * ineligible: the verdict follows from the material. */
			struct pd_requirement q = {.material = e->invalid,
			                           .notarized = -1,
			                           .legalized = -1,
			                           .translated = -1};
			require_material(st, rule, &q, a);
			int16_t k = st->slot_of[e->invalid];
			const char *den = NULL, *dzh = NULL;
			ids_detail(st, e->check, &den, &dzh);
			if (f) {
				f->detail_en = den;
				f->detail_zh = dzh;
			}
			if (k >= 0) {
				st->slots[k].invalid = true;
				st->slots[k].invalid_en = den;
				st->slots[k].invalid_zh = dzh;
			}
		} else if (c.v == 0)
			st->any_fail = true;
		else if (c.v < 0) {
			st->any_unknown_check = true;
			set_add(&st->q_verdict, &c.why);
		}
	} else if (f) {
		f->outcome = PD_OUTCOME_INFO;
	}
	for (uint16_t i = 0; i < e->n_requires; i++)
		require_material(st, rule, &e->requires[i], a);

	int32_t v;
	if (e->max_days && eval_int(st, e->max_days, &v)) {
		if (v < 0)
			v = 0;
		if (r->limits.max_days < 0 || v < r->limits.max_days) {
			r->limits.max_days = v;
			r->limits.max_days_origin = rule->origin;
		}
	}
	if (e->visa_validity && eval_int(st, e->visa_validity, &v)) {
		if (v < 0)
			v = 0;
		if (r->limits.max_visa_validity_days < 0 || v < r->limits.max_visa_validity_days) {
			r->limits.max_visa_validity_days = v;
			r->limits.max_visa_validity_origin = rule->origin;
		}
	}
	if (e->valid_until && eval_int(st, e->valid_until, &v)) {
		if (r->limits.valid_until_max == PD_DATE_NONE || v < r->limits.valid_until_max) {
			r->limits.valid_until_max = v;
			r->limits.valid_until_origin = rule->origin;
		}
	}
	if (e->has_fee) {
		r->fee.present = true;
		r->fee.text = &rule->text;
		r->fee.origin = rule->origin;
		r->fee.known = e->fee_cny && eval_int(st, e->fee_cny, &r->fee.cny);
		if (!r->fee.known)
			r->fee.cny = 0;
		const struct pd_dated_value *dv = pd_expr_dated(e->fee_cny, st->ctx.date);
		r->fee.dated = dv != NULL;
		r->fee.since = dv ? dv->from : PD_DATE_NONE;
		r->fee.per_person = e->fee_per_person;
		if (e->fee_per_person)
			fee_per_person(st);
	}
	if (e->has_deposit) {
		int32_t cny = 0, frozen = 0;
		bool ok = eval_int(st, e->deposit_cny, &cny);
		if (e->deposit_frozen)
			ok = eval_int(st, e->deposit_frozen, &frozen) && ok;
		if (ok) {
			r->deposit.present = true;
			r->deposit.cny = cny;
			r->deposit.frozen_days = frozen;
			r->deposit.text = &rule->text;
			r->deposit.origin = rule->origin;
		}
	}
	if (e->processing >= 0) {
		r->dates.processing_days = e->processing;
		r->dates.decision_origin = rule->origin;
	}
	if (e->receipt >= 0) {
		r->dates.receipt_days = e->receipt;
		r->dates.receipt_origin = rule->origin;
	}
	if (e->apply_by && eval_int(st, e->apply_by, &v)) {
		pd_date due = apply_by_workday(st, e, v, f);
		if (r->dates.apply_by == PD_DATE_NONE || due < r->dates.apply_by) {
			r->dates.apply_by = due;
			r->dates.apply_by_origin = rule->origin;
		}
	}
	switch (e->agent) {
	case AGENT_ALLOW:
		if (!st->agent_allow)
			st->agent_allow = rule;
		break;
	case AGENT_IN_PERSON:
		st->agent_in_person = rule;
		break;
	case AGENT_IN_PERSON_ALWAYS:
		if (!st->agent_always)
			st->agent_always = rule;
		break;
	default:
		break;
	}
	for (uint16_t i = 0; i < e->n_notices; i++)
		add_notice(st, rule, &e->notices[i]);
}

static const struct pd_rule *keyed_row(const struct pd_rule *rule, const struct pd_value *v)
{
	if (v->type == PD_T_ENUM || v->type == PD_T_BOOL) {
		if (v->i < 0 || v->i >= 64 || rule->row_by_enum[v->i] < 0)
			return NULL;
		return &rule->rows[rule->row_by_enum[v->i]];
	}
	for (uint16_t i = 0; i < rule->n_rows; i++) {
		const char *k = rule->rows[i].row_key;
		if (k && strlen(k) == v->len && memcmp(k, v->s, v->len) == 0)
			return &rule->rows[i];
	}
	return NULL;
}

static void visit(struct eval_state *st, const struct pd_rule *rule)
{
	struct applic a;
	eval_cond(st, rule->when, &a);
	if (a.v == 0)
		return;
	if (rule->table == TABLE_NONE) {
		apply(st, rule, &a, true);
		return;
	}
	if (rule->table == TABLE_KEYED) {
		const struct pd_value *key = &st->c->facts[rule->key_fact];
		if (!key->known) {
			struct applic k = {.v = -1};
			k.why.w[rule->key_fact / 64] |= (uint64_t)1 << (rule->key_fact % 64);
			and_applic(&a, &k);
			apply(st, rule, &a, true); /* the rule's own text, unknown */
			/* Any row may be the one: its materials are conditional, its
			 * checks and figures wait for the key. */
			for (uint16_t i = 0; i < rule->n_rows; i++)
				apply(st, &rule->rows[i], &a, false);
			set_add(&st->q_other, &a.why);
			return;
		}
		const struct pd_rule *row = keyed_row(rule, key);
		if (!row)
			return;
		struct applic w;
		eval_cond(st, row->when, &w);
		and_applic(&a, &w);
		if (a.v != 0)
			apply(st, row, &a, true);
		return;
	}
	/* First match. */
	for (uint16_t i = 0; i < rule->n_rows; i++) {
		const struct pd_rule *row = &rule->rows[i];
		struct applic w;
		eval_cond(st, row->when, &w);
		if (w.v == 0)
			continue;
		and_applic(&w, &a);
		apply(st, row, &w, true);
		return; /* a true row ends the search; an unknown one too: it may be the one */
	}
}

static const char *status_detail_en(struct eval_state *st, enum pd_mstatus s,
                                    const struct pd_document *d, const struct constraints *m)
{
	char a[11], b[11];
	switch (s) {
	case PD_MAT_EXPIRED:
		if (d->expires != PD_DATE_NONE && d->expires < st->ctx.date) {
			pd_date_format(d->expires, a);
			return pd_arena_printf(st->arena, "expired on %s", a);
		}
		if (m->has_valid_for && d->expires != PD_DATE_NONE) {
			pd_date_format(d->expires, a);
			pd_date_format(pd_date_add_duration(st->ctx.date, m->valid_for, 1), b);
			return pd_arena_printf(
			    st->arena, "valid until %s; it must be valid until at least %s", a, b);
		}
		pd_date_format(d->issued, a);
		pd_date_format(pd_date_add_duration(st->ctx.date, m->max_age, -1), b);
		return pd_arena_printf(
		    st->arena, "issued on %s; only one issued on or after %s is accepted", a, b);
	case PD_MAT_NEEDS_NOTARIZATION:
		return m->notarized_always && d->foreign != 1
		           ? "it must be notarized"
		           : "a foreign document: it must be notarized";
	case PD_MAT_NEEDS_LEGALIZATION:
		return "a foreign document: it must be authenticated by a Chinese embassy or "
		       "consulate (or carry an apostille where accepted)";
	case PD_MAT_NEEDS_TRANSLATION:
		return "a foreign-language document: a Chinese translation is required";
	default:
		return NULL;
	}
}

static const char *status_detail_zh(struct eval_state *st, enum pd_mstatus s,
                                    const struct pd_document *d, const struct constraints *m)
{
	char a[11], b[11];
	switch (s) {
	case PD_MAT_EXPIRED:
		if (d->expires != PD_DATE_NONE && d->expires < st->ctx.date) {
			pd_date_format(d->expires, a);
			return pd_arena_printf(st->arena, "已于%s过期", a);
		}
		if (m->has_valid_for && d->expires != PD_DATE_NONE) {
			pd_date_format(d->expires, a);
			pd_date_format(pd_date_add_duration(st->ctx.date, m->valid_for, 1), b);
			return pd_arena_printf(st->arena, "有效期至%s；须至少有效至%s", a, b);
		}
		pd_date_format(d->issued, a);
		pd_date_format(pd_date_add_duration(st->ctx.date, m->max_age, -1), b);
		return pd_arena_printf(st->arena, "签发日期为%s；仅接受%s及以后出具的", a, b);
	case PD_MAT_NEEDS_NOTARIZATION:
		return m->notarized_always && d->foreign != 1 ? "须经公证"
		                                              : "境外出具的文书须经公证";
	case PD_MAT_NEEDS_LEGALIZATION:
		return "境外出具的文书须经中国驻外使领馆认证（或按规定办理附加证明书）";
	case PD_MAT_NEEDS_TRANSLATION:
		return "外文材料须附中文译本";
	default:
		return NULL;
	}
}

static enum pd_mstatus doc_status(struct eval_state *st, const struct constraints *m,
                                  const struct pd_document *d)
{
	pd_date date = st->ctx.date;
	if (d->expires != PD_DATE_NONE && d->expires < date)
		return PD_MAT_EXPIRED;
	if (m->has_max_age && d->issued != PD_DATE_NONE &&
	    d->issued < pd_date_add_duration(date, m->max_age, -1))
		return PD_MAT_EXPIRED;
	if (m->has_valid_for && d->expires != PD_DATE_NONE &&
	    d->expires < pd_date_add_duration(date, m->valid_for, 1))
		return PD_MAT_EXPIRED;
	if (m->notarized_always && d->notarized != 1)
		return PD_MAT_NEEDS_NOTARIZATION;
	if (d->foreign == 1) {
		if (m->notarized == 1 && d->notarized != 1)
			return PD_MAT_NEEDS_NOTARIZATION;
		if (m->legalized == 1 && d->legalized != 1)
			return PD_MAT_NEEDS_LEGALIZATION;
		if (m->translated == 1 && d->translated != 1)
			return PD_MAT_NEEDS_TRANSLATION;
	}
	return PD_MAT_PROVIDED;
}

/* The best of the case's documents of pack material `mat` under constraints c
 * (PD_MAT_MISSING without one); *doc: the document that decides, or NULL. */
static enum pd_mstatus best_document(struct eval_state *st, int mat, const struct constraints *c,
                                     const struct pd_document **doc)
{
	enum pd_mstatus best = PD_MAT_MISSING;
	*doc = NULL;
	for (size_t k = 0; k < st->c->n_documents; k++) {
		const struct pd_document *d = &st->c->documents[k];
		if (st->doc_material[k] != mat)
			continue;
		enum pd_mstatus s = doc_status(st, c, d);
		if (best == PD_MAT_MISSING || s < best) {
			best = s;
			*doc = d;
		}
	}
	return best;
}

/* What a front end may ask of a document, from the constraints it is checked against. */
static struct pd_material_checks checks_of(const struct constraints *c)
{
	return (struct pd_material_checks){
	    .has_max_age = c->has_max_age,
	    .max_age = c->max_age,
	    .has_valid_for = c->has_valid_for,
	    .valid_for = c->valid_for,
	    .notarized = c->notarized_always == 1,
	    .foreign_notarized = c->notarized == 1,
	    .foreign_legalized = c->legalized == 1,
	    .foreign_translated = c->translated == 1,
	};
}

/* The options of an alternative, each with its own status; the item takes the
 * best of them (a document naming the item itself counts too). */
static void build_options(struct eval_state *st, const struct pd_pmaterial *pm,
                          const struct mat_slot *m, struct pd_material *o, enum pd_mstatus *best,
                          const struct pd_document **best_doc, struct constraints *best_c)
{
	struct pd_material_option *opts = pd_arena_zalloc(st->arena, sizeof(*opts) * pm->n_options);
	if (!opts)
		return;
	for (uint8_t k = 0; k < pm->n_options; k++) {
		const struct pd_pmaterial *om = &st->pack->materials[pm->options[k]];
		struct constraints c = constraints_of(om, &m->req, st->ctx.date);
		if (m->opt_req)
			constraints_merge(&c, &m->opt_req[k], st->ctx.date);
		const struct pd_document *d;
		enum pd_mstatus s = best_document(st, pm->options[k], &c, &d);
		opts[k].id = om->id;
		opts[k].text = &om->text;
		opts[k].checks = checks_of(&c);
		opts[k].status = s;
		if (d && s != PD_MAT_PROVIDED) {
			opts[k].detail_en = status_detail_en(st, s, d, &c);
			opts[k].detail_zh = status_detail_zh(st, s, d, &c);
		}
		if (s == PD_MAT_PROVIDED && !o->satisfied_by)
			o->satisfied_by = om->id;
		if (*best == PD_MAT_MISSING || (s != PD_MAT_MISSING && s < *best)) {
			*best = s;
			*best_doc = d;
			*best_c = c;
		}
	}
	o->options = opts;
	o->n_options = pm->n_options;
}

static void build_materials(struct eval_state *st, bool *any_bad, bool *any_cond_missing)
{
	const struct pd_pack *p = st->pack;
	struct pd_result *r = st->r;
	r->materials =
	    pd_arena_zalloc(st->arena, sizeof(struct pd_material) *
	                                   (size_t)(st->n_slots_used ? st->n_slots_used : 1));
	if (!r->materials)
		return;
	r->n_materials = (size_t)st->n_slots_used;
	for (int i = 0; i < st->n_slots_used; i++) {
		const struct mat_slot *m = &st->slots[i];
		const struct pd_pmaterial *pm = &p->materials[m->order];
		struct pd_material *o = &r->materials[i];
		o->id = pm->id;
		o->text = &pm->text;
		o->origin = m->origin;
		if (m->conditional_only)
			o->conditional = m->cond;
		/* The best of the documents of this type decides. */
		struct constraints c = constraints_of(pm, &m->req, st->ctx.date);
		o->checks = checks_of(&c);
		const struct pd_document *best_doc;
		enum pd_mstatus best = best_document(st, m->order, &c, &best_doc);
		if (pm->n_options)
			build_options(st, pm, m, o, &best, &best_doc, &c);
		if (m->invalid && best != PD_MAT_MISSING) {
			best = PD_MAT_INVALID;
			o->status = best;
			o->detail_en = m->invalid_en;
			o->detail_zh = m->invalid_zh;
			*any_bad = true;
			continue;
		}
		o->status = best;
		if (best_doc && best != PD_MAT_PROVIDED) {
			o->detail_en = status_detail_en(st, best, best_doc, &c);
			o->detail_zh = status_detail_zh(st, best, best_doc, &c);
		}
		if (best != PD_MAT_PROVIDED) {
			if (m->conditional_only) {
				*any_cond_missing = true;
				set_add(&st->q_verdict, &m->cond);
			} else {
				*any_bad = true;
			}
		}
	}
}

static void decide_representation(struct eval_state *st)
{
	struct pd_result *r = st->r;
	const struct pd_rule *by = NULL;
	if (st->agent_always) {
		r->representation.agent_allowed = 0;
		r->representation.in_person_required = 1;
		by = st->agent_always;
	} else if (st->agent_always_unknown && (st->agent_allow || st->agent_any_unknown)) {
		/* An agent would be allowed, unless the in-person rule turns out to apply. */
		r->representation.agent_allowed = -1;
		r->representation.in_person_required = -1;
		by = st->agent_allow ? st->agent_allow : st->agent_in_person;
	} else if (st->agent_allow) {
		r->representation.agent_allowed = 1;
		r->representation.in_person_required = 0;
		by = st->agent_allow;
	} else if (st->agent_any_unknown) {
		r->representation.agent_allowed = -1;
		r->representation.in_person_required = -1;
		by = st->agent_in_person;
	} else if (st->agent_in_person) {
		r->representation.agent_allowed = 0;
		r->representation.in_person_required = 1;
		by = st->agent_in_person;
	} else {
		return;
	}
	r->representation.present = true;
	if (by) {
		r->representation.text = &by->text;
		r->representation.origin = by->origin;
	}
	const struct pd_value *agent = &st->c->facts[PD_F_AGENT_PRESENT];
	if (agent->known && agent->i) {
		if (r->representation.agent_allowed == 0) {
			struct pd_finding *f = add_finding(st);
			if (f) {
				f->origin = by->origin;
				f->text = &by->text;
				f->outcome = PD_OUTCOME_FAIL;
				f->detail_en =
				    "an agent is applying, but this applicant must apply in "
				    "person";
				f->detail_zh = "本案由他人代为申请，但申请人须本人办理";
			}
			st->any_fail = true;
		} else if (r->representation.agent_allowed < 0) {
			set_add(&st->q_verdict, &st->agent_unknown);
			st->any_unknown_check = true;
		}
	} else if (!agent->known && r->representation.agent_allowed < 0) {
		/* Whether an agent may apply matters only while it is not said who applies. */
		set_add(&st->q_other, &st->agent_unknown);
	}
}

/* a N b M c, without printf (this runs once per case). */
static const char *join_int(struct pd_arena *arena, const char *a, int32_t n, const char *b,
                            int32_t m, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *out = pd_arena_alloc(arena, la + lb + lc + 24);
	if (!out)
		return NULL;
	char *p = out;
	int32_t v[2] = {n, m};
	const char *s[3] = {a, b, c};
	size_t l[3] = {la, lb, lc};
	for (int i = 0; i < 3; i++) {
		memcpy(p, s[i], l[i]);
		p += l[i];
		if (i == 2)
			break;
		char digits[12];
		int k = 0;
		uint32_t x = v[i] < 0 ? (uint32_t)(-(int64_t)v[i]) : (uint32_t)v[i];
		do {
			digits[k++] = (char)('0' + x % 10);
			x /= 10;
		} while (x);
		if (v[i] < 0)
			*p++ = '-';
		while (k)
			*p++ = digits[--k];
	}
	*p = '\0';
	return out;
}

int pd_evaluate(const struct pd_policy *pol, const struct pd_case *c, struct pd_arena *arena,
                struct pd_result **out, struct pd_error *err)
{
	*out = NULL;
	const struct pd_value *jur = &c->facts[PD_F_JURISDICTION];
	const struct pd_value *date = &c->facts[PD_F_DATE];
	if (!jur->known)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "jurisdiction",
		                   "missing: the jurisdiction decides which policy applies");
	if (!date->known)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "date", "missing");
	const struct pd_pack *pack, *via;
	int rc = pd_policy_select(pol, jur->s, jur->len, date->i, &pack, &via, err);
	if (rc)
		return rc;
	int16_t *doc_material = pd_arena_alloc(arena, sizeof(int16_t) * (c->n_documents + 1));
	if (!doc_material)
		return pd_error_set(err, PD_ENOMEM, "out of memory evaluating the case");
	for (size_t i = 0; i < c->n_documents; i++) {
		const char *t = c->documents[i].type;
		int m = pd_pack_find_material(pack, t, strlen(t));
		doc_material[i] = (int16_t)m;
		if (m < 0) {
			char path[64];
			snprintf(path, sizeof(path), "documents[%zu].type", i);
			return pd_error_at(
			    err, PD_EINPUT, NULL, c->documents[i].line, c->documents[i].column,
			    path, "unknown material \"%.40s\" for the %s policy", t, pack->id);
		}
	}

	struct pd_result *r = pd_arena_zalloc(arena, sizeof(*r));
	struct mat_slot *slots =
	    pd_arena_alloc(arena, sizeof(struct mat_slot) * (pack->n_materials + 1));
	int16_t *slot_of = pd_arena_alloc(arena, sizeof(int16_t) * (pack->n_materials + 1));
	if (slot_of)
		memset(slot_of, 0xff, sizeof(int16_t) * (pack->n_materials + 1));
	/* A finding per rule and a few of the engine's own; notices grow as needed. */
	size_t cap_findings = pack->n_rules + 4;
	size_t cap_notices = 16;
	if (r) {
		r->findings = pd_arena_alloc(arena, sizeof(struct pd_finding) * cap_findings);
		r->notices = pd_arena_alloc(arena, sizeof(struct pd_notice) * cap_notices);
	}
	if (!r || !slots || !slot_of || !r->findings || !r->notices)
		return pd_error_set(err, PD_ENOMEM, "out of memory evaluating the case");

	r->jurisdiction = via ? via->jurisdiction : pack->jurisdiction;
	r->date = date->i;
	r->pack = pack->id;
	r->version = pack->version;
	r->offices = pack->offices;
	r->n_offices = pack->n_offices;
	r->extra = c->extra;
	r->extra_len = c->extra_len;
	r->limits.max_days = -1;
	r->limits.max_visa_validity_days = -1;
	r->limits.valid_until_max = PD_DATE_NONE;
	r->dates.apply_by = PD_DATE_NONE;
	r->dates.decision_by = PD_DATE_NONE;
	r->dates.receipt_valid_until = PD_DATE_NONE;
	r->dates.processing_days = -1;
	r->dates.receipt_days = -1;

	struct eval_state st = {
	    .pack = pack,
	    .c = c,
	    .ctx = {.c = c, .date = date->i},
	    .arena = arena,
	    .r = r,
	    .cap_findings = cap_findings,
	    .slots = slots,
	    .slot_of = slot_of,
	    .doc_material = doc_material,
	    .cap_notices = cap_notices,
	    .cal = pd_policy_calendar(pol),
	};
	st.lazy.arena = arena;
	st.ctx.lazy = &st.lazy;
	if (via) {
		/* A case dated before its jurisdiction's pack: say first which pack
		 * decided it, and why (pack.yaml `before`). */
		struct pd_finding *f = add_finding(&st);
		if (f) {
			char from[11], on[11];
			pd_date_format(via->from, from);
			pd_date_format(date->i, on);
			f->text = &via->before_text;
			f->origin = via->before_origin;
			f->outcome = PD_OUTCOME_INFO;
			f->detail_en = pd_arena_printf(
			    arena,
			    "Decided by the %s pack, in force on %s; the %s pack decides from %s.",
			    pack->id, on, via->id, from);
			f->detail_zh =
			    pd_arena_printf(arena, "按%s规则包（%s适用）决定；%s规则包自%s起适用。",
			                    pack->id, on, via->id, from);
		}
	}
	for (size_t i = 0; i < pack->n_rules; i++)
		visit(&st, pack->rules[i]);

	decide_representation(&st);
	bool any_bad = false, any_cond_missing = false;
	build_materials(&st, &any_bad, &any_cond_missing);
	if (!r->materials)
		return pd_error_set(err, PD_ENOMEM, "out of memory evaluating the case");

	/* Dates in official working days, counted as the workflow counts them
	 * (pd_calendar_deadline) from the case's date, nothing paused. */
	const struct pd_calendar *cal = pd_policy_calendar(pol);
	bool provisional = false;
	if (r->dates.processing_days >= 0)
		r->dates.decision_by =
		    pd_calendar_deadline(cal, r->date, r->dates.processing_days, 0, &provisional);
	if (r->dates.receipt_days >= 0)
		r->dates.receipt_valid_until =
		    pd_calendar_deadline(cal, r->date, r->dates.receipt_days, 0, &provisional);
	r->dates.provisional = provisional;
	if (provisional) {
		struct pd_finding *f = add_finding(&st);
		if (f) {
			int first, last;
			pd_calendar_range(cal, &first, &last);
			static const struct pd_text provisional_text = {
			    .en = "Dates are provisional: the official holiday calendar does not "
			          "cover every day counted.",
			    .zh = "日期为暂定：官方节假日安排尚未覆盖计算所涉日期。",
			    .en_json =
			        "\"Dates are provisional: the official holiday calendar does "
			        "not cover every day counted.\"",
			    .zh_json = "\"日期为暂定：官方节假日安排尚未覆盖计算所涉日期。\"",
			};
			f->text = &provisional_text;
			f->origin = (struct pd_origin){.rule = "calendar/provisional",
			                               .source = "State Council holiday notices",
			                               .layer = "calendar"};
			f->outcome = PD_OUTCOME_INFO;
			f->detail_en = pd_arena_printf(
			    arena,
			    "The working days counted include days outside the years the official "
			    "holiday calendar covers (%d-%d): only weekends were skipped there, so "
			    "the dates are provisional.",
			    first, last);
			f->detail_zh = pd_arena_printf(arena,
			                               "工作日计算涉及官方节假日安排收录年份（%d-%"
			                               "d年）以外的日期：这些日期仅扣除了周末，"
			                               "因此日期为暂定。",
			                               first, last);
		}
	}

	/* More asked for than may be granted: say so (the officer grants the lesser). */
	const struct pd_value *asked = &c->facts[PD_F_APP_REQUESTED_DAYS];
	if (asked->known && r->limits.max_days >= 0 && asked->i > r->limits.max_days) {
		struct pd_finding *f = add_finding(&st);
		if (f) {
			static const struct pd_text over_text = {
			    .en = "More days are asked for than may be granted.",
			    .zh = "申请的期限超过可批准的最长期限。",
			    .en_json = "\"More days are asked for than may be granted.\"",
			    .zh_json = "\"申请的期限超过可批准的最长期限。\"",
			};
			f->text = &over_text;
			f->origin = r->limits.max_days_origin;
			f->outcome = PD_OUTCOME_INFO;
			f->detail_en = join_int(arena, "", asked->i, " days asked for; at most ",
			                        r->limits.max_days, " may be granted");
			f->detail_zh = join_int(arena, "申请", asked->i, "天，最多可批准",
			                        r->limits.max_days, "天");
		}
	}

	/* Questions: every unknown fact that matters, in table order. */
	struct pd_factset q = st.q_verdict;
	set_add(&q, &st.q_other);
	size_t nq = 0;
	for (int w = 0; w < PD_FACTSET_WORDS; w++)
		nq += (size_t)__builtin_popcountll(q.w[w]);
	r->questions = pd_arena_alloc(arena, sizeof(int) * (nq ? nq : 1));
	if (!r->questions)
		return pd_error_set(err, PD_ENOMEM, "out of memory evaluating the case");
	for (int w = 0; w < PD_FACTSET_WORDS; w++)
		for (uint64_t bits = q.w[w]; bits; bits &= bits - 1)
			r->questions[r->n_questions++] = w * 64 + __builtin_ctzll(bits);

	if (st.any_fail)
		r->verdict = PD_VERDICT_INELIGIBLE;
	else if (st.any_unknown_check || any_cond_missing)
		r->verdict = PD_VERDICT_UNKNOWN;
	else if (any_bad)
		r->verdict = PD_VERDICT_INCOMPLETE;
	else
		r->verdict = PD_VERDICT_ELIGIBLE;
	if (st.out_of_memory) /* never a result with a finding or notice left out */
		return pd_error_set(err, PD_ENOMEM, "out of memory evaluating the case");
	*out = r;
	return 0;
}
