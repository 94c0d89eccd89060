/*
 * overlay.c: what a pack that extends another does to its parent's rules.
 *
 * pd_pack_overlay() lists each of the parent's rules as in force unchanged,
 * replaced by the pack's rule of the same id, or dropped; `policy lint` prints
 * it.  pd_rule_same() tells a replacement that changes nothing: the same
 * condition and the same effects (texts, sources and notes aside), compared on
 * the compiled form, so that spacing and quoting do not count.  Such a
 * replacement that cites another clause restates the parent's rule on the
 * pack's own text (it is listed as such); one that cites the same clause
 * changes nothing at all (the loader warns).
 */
#include <string.h>

#include "policy/policy_int.h"

static bool str_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool op_same(const struct pd_op *x, const struct pd_op *y)
{
	if (x->op != y->op || x->type != y->type || x->a != y->a || x->imm != y->imm ||
	    x->mask != y->mask || x->len != y->len)
		return false;
	if (x->str || y->str) {
		if (!x->str || !y->str)
			return false;
		if (x->len ? memcmp(x->str, y->str, x->len) != 0 : strcmp(x->str, y->str) != 0)
			return false;
	}
	if (x->op == OP_IN_STR)
		for (uint16_t i = 0; i < x->a; i++)
			if (!str_same(x->strs[i], y->strs[i]))
				return false;
	return true;
}

static bool expr_same(const struct pd_expr *x, const struct pd_expr *y)
{
	if (!x || !y)
		return x == y;
	if (x->n_dated != y->n_dated || x->n_ops != y->n_ops || x->type != y->type)
		return false;
	for (uint8_t i = 0; i < x->n_dated; i++)
		if (x->dated[i].from != y->dated[i].from ||
		    !expr_same(x->dated[i].value, y->dated[i].value))
			return false;
	for (uint16_t i = 0; i < x->n_ops; i++)
		if (!op_same(&x->ops[i], &y->ops[i]))
			return false;
	return true;
}

static const char *material_id(const struct pd_pack *p, int i)
{
	return i >= 0 && (size_t)i < p->n_materials ? p->materials[i].id : NULL;
}

static bool duration_same(bool has_x, struct pd_duration x, bool has_y, struct pd_duration y)
{
	return has_x == has_y && (!has_x || (x.count == y.count && x.unit == y.unit));
}

static bool requirement_same(const struct pd_pack *px, const struct pd_requirement *x,
                             const struct pd_pack *py, const struct pd_requirement *y)
{
	if (!str_same(material_id(px, x->material), material_id(py, y->material)) ||
	    !duration_same(x->has_max_age, x->max_age, y->has_max_age, y->max_age) ||
	    !duration_same(x->has_valid_for, x->valid_for, y->has_valid_for, y->valid_for) ||
	    x->notarized != y->notarized || x->legalized != y->legalized ||
	    x->translated != y->translated || x->n_option_reqs != y->n_option_reqs)
		return false;
	for (uint8_t i = 0; i < x->n_option_reqs; i++)
		if (!requirement_same(px, &x->option_reqs[i], py, &y->option_reqs[i]))
			return false;
	return true;
}

static bool effects_same(const struct pd_pack *px, const struct pd_effects *x,
                         const struct pd_pack *py, const struct pd_effects *y)
{
	if (!expr_same(x->check, y->check) || x->n_requires != y->n_requires ||
	    !expr_same(x->max_days, y->max_days) || !expr_same(x->valid_until, y->valid_until) ||
	    !expr_same(x->visa_validity, y->visa_validity) || x->has_fee != y->has_fee ||
	    !expr_same(x->fee_cny, y->fee_cny) || x->fee_per_person != y->fee_per_person ||
	    x->has_deposit != y->has_deposit || !expr_same(x->deposit_cny, y->deposit_cny) ||
	    !expr_same(x->deposit_frozen, y->deposit_frozen) || x->processing != y->processing ||
	    x->receipt != y->receipt || !expr_same(x->apply_by, y->apply_by) ||
	    x->agent != y->agent ||
	    !str_same(material_id(px, x->invalid), material_id(py, y->invalid)) ||
	    x->n_notices != y->n_notices)
		return false;
	for (uint16_t i = 0; i < x->n_requires; i++)
		if (!requirement_same(px, &x->requires[i], py, &y -> requires[i]))
			return false;
	for (uint16_t i = 0; i < x->n_notices; i++) {
		const struct pd_pnotice *a = &x->notices[i], *b = &y->notices[i];
		if (!str_same(a->id, b->id) || !str_same(a->text.en, b->text.en) ||
		    !str_same(a->text.zh, b->text.zh))
			return false;
	}
	return true;
}

bool pd_rule_same(const struct pd_pack *px, const struct pd_rule *x, const struct pd_pack *py,
                  const struct pd_rule *y)
{
	if (!expr_same(x->when, y->when) || !effects_same(px, &x->eff, py, &y->eff) ||
	    x->table != y->table || x->key_fact != y->key_fact || x->n_rows != y->n_rows)
		return false;
	for (uint16_t i = 0; i < x->n_rows; i++)
		if (!str_same(x->rows[i].row_key, y->rows[i].row_key) ||
		    !pd_rule_same(px, &x->rows[i], py, &y->rows[i]))
			return false;
	return true;
}

bool pd_rule_same_sources(const struct pd_rule *x, const struct pd_rule *y)
{
	if (!str_same(x->origin.source, y->origin.source) || x->n_rows != y->n_rows)
		return false;
	for (uint16_t i = 0; i < x->n_rows; i++)
		if (!pd_rule_same_sources(&x->rows[i], &y->rows[i]))
			return false;
	return true;
}

size_t pd_pack_overlay(const struct pd_pack *p, struct pd_overlay_entry *out, size_t max)
{
	const struct pd_pack *parent = p->parent;
	size_t n = 0;
	for (size_t i = 0; parent && i < parent->n_rules; i++) {
		const struct pd_rule *pr = parent->rules[i];
		struct pd_overlay_entry e = {.kind = PD_OVERLAY_DROPPED, .parent_rule = pr->id};
		for (size_t j = 0; j < p->n_rules; j++) {
			const struct pd_rule *r = p->rules[j];
			if (r == pr) {
				e.kind = PD_OVERLAY_IN_FORCE;
				break;
			}
			if (strcmp(r->local_id, pr->local_id) == 0) {
				e.kind = PD_OVERLAY_REPLACED;
				e.rule = r->id;
				e.file = r->file;
				e.line = r->line;
				e.restates = pd_rule_same(parent, pr, p, r);
				break;
			}
		}
		if (n < max)
			out[n] = e;
		n++;
	}
	return n;
}
