/*
 * load.c: reads policy packs (YAML, through libfyaml) and compiles them.
 *
 * A policy directory holds calendar/cn.yaml and one folder per pack.  A pack
 * folder holds pack.yaml (id, jurisdiction, title, extends, effective dates,
 * sources, drop) and any number of other .yaml files, read in name order,
 * each a list of rules or a mapping with `materials`, `rules`,
 * `conflicts`, `clauses` and `offices`.  The language is described in
 * docs/policy-language.md.
 *
 * Packs are compiled parents first.  A pack starts with its parent's rules
 * and materials; a rule with the id of an inherited one replaces it in place
 * (the result then names both layers), `drop` removes inherited rules, and
 * new rules follow.  A pack that lists offices has only those; one that lists
 * none has its parent's.  Every problem is reported with file:line:column and the
 * loader goes on, so that `policy lint` shows all of them at once.
 */
#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfyaml.h>

#include "permitdesk/codec.h"
#include "policy_int.h"

#define MAX_PACKS 64
#define MAX_FILES 64
#define MAX_RULES 4096
#define MAX_MATERIALS 512

/* ---- diagnostics ---- */

void pd_diags_free(struct pd_diags *d)
{
	if (!d)
		return;
	free(d->items);
	d->items = NULL;
	d->count = d->alloc = 0;
}

static void diags_push(struct pd_diags *d, const struct pd_error *e)
{
	if (!d)
		return;
	if (d->count == d->alloc) {
		size_t n = d->alloc ? d->alloc * 2 : 16;
		struct pd_error *p = realloc(d->items, n * sizeof(*p));
		if (!p)
			return;
		d->items = p;
		d->alloc = n;
	}
	d->items[d->count++] = *e;
}

void pd_build_report(struct pd_policy_build *b, int code, const char *file, int line, int column,
                     const char *fmt, ...)
{
	struct pd_error e;
	memset(&e, 0, sizeof(e));
	snprintf(e.file, sizeof(e.file), "%s", file ? file : "");
	e.line = line;
	e.column = column;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	e.code = code;
	diags_push(b->diags, &e);
	if (code) {
		if (b->n_errors == 0 && b->first)
			*b->first = e;
		b->n_errors++;
	}
}

static void report_error(struct pd_policy_build *b, const struct pd_error *e)
{
	diags_push(b->diags, e);
	if (b->n_errors == 0 && b->first)
		*b->first = *e;
	b->n_errors++;
}

/* ---- YAML helpers ---- */

struct yfile {
	const char *path; /* as reported: relative to the policy dir's parent when possible */
	struct fy_document *doc;
	struct fy_diag *diag; /* released after doc */
	char *bytes;
	size_t len;
};

static void node_mark(struct fy_node *n, int *line, int *col)
{
	*line = 0;
	*col = 0;
	for (int guard = 0; n && guard < 64; guard++) {
		if (fy_node_is_scalar(n)) {
			struct fy_token *t = fy_node_get_scalar_token(n);
			const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
			if (m) {
				*line = m->line + 1;
				*col = m->column + 1;
			}
			return;
		}
		if (fy_node_is_mapping(n)) {
			void *it = NULL;
			struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
			n = p ? fy_node_pair_key(p) : NULL;
		} else if (fy_node_is_sequence(n)) {
			void *it = NULL;
			n = fy_node_sequence_iterate(n, &it);
		} else {
			return;
		}
	}
}

static void report_at(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void report_at(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                      const char *fmt, ...)
{
	int line, col;
	node_mark(n, &line, &col);
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pd_build_report(b, PD_EPOLICY, f->path, line, col, "%s", msg);
}

static const char *scalar(struct fy_node *n, size_t *len)
{
	if (!n || !fy_node_is_scalar(n))
		return NULL;
	return fy_node_get_scalar(n, len);
}

static bool scalar_is(struct fy_node *n, const char *s)
{
	size_t len;
	const char *v = scalar(n, &len);
	return v && strlen(s) == len && memcmp(v, s, len) == 0;
}

static bool is_null_node(struct fy_node *n)
{
	if (!n)
		return true;
	size_t len;
	const char *v = scalar(n, &len);
	return v && fy_node_get_style(n) == FYNS_PLAIN &&
	       (len == 0 || (len == 1 && v[0] == '~') || (len == 4 && memcmp(v, "null", 4) == 0));
}

static char *dup_scalar(struct pd_policy_build *b, struct fy_node *n)
{
	size_t len;
	const char *v = scalar(n, &len);
	return v ? pd_arena_strndup(b->arena, v, len) : NULL;
}

static int parse_int_node(struct fy_node *n, int32_t *out)
{
	size_t len;
	const char *v = scalar(n, &len);
	if (!v || len == 0 || len > 9)
		return -1;
	int32_t x = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	*out = x;
	return 0;
}

static bool id_ok(const char *s, size_t len, bool allow_slash)
{
	if (len == 0 || len > 120)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
		          c == '-' || (allow_slash && (c == '/' || c == '.'));
		if (!ok)
			return false;
	}
	return true;
}

/* Source citations go into JSON unescaped: printable ASCII without quotes or backslashes. */
static bool source_ok(const char *s, size_t len)
{
	if (len == 0 || len > 120)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e || s[i] == '"' ||
		    s[i] == '\\')
			return false;
	return true;
}

/* Does the citation start with a source id the pack declares (its own or inherited)? */
static bool source_declared(const struct pd_pack *p, const char *s, size_t len)
{
	for (size_t i = 0; i < p->n_sources; i++) {
		size_t n = strlen(p->sources[i]);
		if (len >= n && memcmp(s, p->sources[i], n) == 0 &&
		    (len == n || s[n] == ' ' || s[n] == ','))
			return true;
	}
	return false;
}

/* s as a JSON string literal in the arena, its length in *len (writers copy it
 * without measuring it again). */
static const char *json_literal(struct pd_policy_build *b, const char *s, uint32_t *len)
{
	struct pd_buf buf;
	pd_buf_init(&buf, 0);
	if (pd_json_escape(&buf, s, strlen(s)) != 0 || buf.len > UINT32_MAX) {
		pd_buf_free(&buf);
		return NULL;
	}
	const char *r = pd_arena_strndup(b->arena, buf.data, buf.len);
	*len = (uint32_t)buf.len;
	pd_buf_free(&buf);
	return r;
}

static int fill_text(struct pd_policy_build *b, struct pd_text *t, const char *en, const char *zh)
{
	t->en = en;
	t->zh = zh;
	t->en_json = en ? json_literal(b, en, &t->en_json_len) : NULL;
	t->zh_json = zh ? json_literal(b, zh, &t->zh_json_len) : NULL;
	return (en && !t->en_json) || (zh && !t->zh_json) ? -1 : 0;
}

/* Compiles the expression in a scalar node; reports and returns NULL on error. */
static const struct pd_expr *compile_expr(struct pd_policy_build *b, const struct yfile *f,
                                          struct fy_node *n, int want_type, const char *what)
{
	size_t len;
	const char *v = scalar(n, &len);
	if (!v) {
		report_at(b, f, n, "%s: expected an expression", what);
		return NULL;
	}
	int line, col;
	node_mark(n, &line, &col);
	struct pd_expr *e = pd_arena_zalloc(b->arena, sizeof(*e));
	struct pd_error err;
	pd_error_clear(&err);
	if (!e || pd_expr_compile(b, v, len, f->path, line, col, e, &err) != 0) {
		if (!e)
			pd_build_report(b, PD_ENOMEM, f->path, line, col, "out of memory");
		else
			report_error(b, &err);
		return NULL;
	}
	if (want_type && e->type != want_type) {
		static const char *names[] = {[PD_T_BOOL] = "a yes/no condition",
		                              [PD_T_INT] = "a number",
		                              [PD_T_DATE] = "a date",
		                              [PD_T_ENUM] = "a word",
		                              [PD_T_STRING] = "a text",
		                              [PD_T_DURATION] = "a duration"};
		report_at(b, f, n, "%s: expected %s, the expression gives %s", what,
		          names[want_type], e->type < 7 && names[e->type] ? names[e->type] : "?");
		return NULL;
	}
	return e;
}

/* ---- materials ---- */

int pd_pack_find_material(const struct pd_pack *p, const char *id, size_t len)
{
	for (size_t i = 0; i < p->n_materials; i++)
		if (p->materials[i].id_len == len && p->materials[i].id[0] == id[0] &&
		    memcmp(p->materials[i].id, id, len) == 0)
			return (int)i;
	return -1;
}

static int parse_flag(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                      int8_t *out)
{
	if (scalar_is(n, "true") || scalar_is(n, "yes")) {
		*out = 1;
		return 0;
	}
	if (scalar_is(n, "false") || scalar_is(n, "no")) {
		*out = 0;
		return 0;
	}
	report_at(b, f, n, "expected true or false");
	return -1;
}

static int parse_duration_node(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                               struct pd_duration *out)
{
	size_t len;
	const char *v = scalar(n, &len);
	if (!v || pd_duration_parse(v, len, out) != 0) {
		report_at(b, f, n, "expected a duration such as 30d, 2w, 6m or 1y");
		return -1;
	}
	return 0;
}

/* `options: [a, b]`: the material is satisfied by any one of these materials. */
static void load_options(struct pd_policy_build *b, const struct yfile *f, struct fy_node *v,
                         struct pd_pmaterial *m)
{
	int n = fy_node_is_sequence(v) ? fy_node_sequence_item_count(v) : 0;
	if (n < 2 || n > UINT8_MAX) {
		report_at(b, f, v, "options: expected a list of 2 to %d material ids", UINT8_MAX);
		return;
	}
	struct pd_option_ref *refs = pd_arena_zalloc(b->arena, sizeof(*refs) * (size_t)n);
	if (!refs) {
		report_at(b, f, v, "out of memory");
		return;
	}
	int k = 0;
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(v, &it))) {
		size_t len;
		const char *s = scalar(item, &len);
		if (!s || !id_ok(s, len, false)) {
			report_at(b, f, item, "options: expected a material id");
			return;
		}
		refs[k].id = dup_scalar(b, item);
		node_mark(item, &refs[k].line, &refs[k].column);
		k++;
	}
	m->option_refs = refs;
	m->n_options = (uint8_t)k;
}

/* Resolves the options of the pack's own alternatives, once all its materials are in. */
static void resolve_options(struct pd_policy_build *b)
{
	struct pd_pack *p = b->pack;
	for (size_t i = 0; i < p->n_materials; i++) {
		struct pd_pmaterial *m = &p->materials[i];
		if (!m->n_options || strcmp(m->layer, p->id) != 0)
			continue;
		int16_t *idx = pd_arena_alloc(b->arena, sizeof(int16_t) * m->n_options);
		if (!idx)
			return;
		for (uint8_t k = 0; k < m->n_options; k++) {
			const struct pd_option_ref *o = &m->option_refs[k];
			int j = pd_pack_find_material(p, o->id, strlen(o->id));
			const char *why = NULL;
			if (j < 0)
				why = "is not a material of the pack";
			else if ((size_t)j == i)
				why = "is the material itself";
			else if (p->materials[j].n_options)
				why = "has options of its own (write its options here instead)";
			for (uint8_t l = 0; l < k && !why; l++)
				if (idx[l] == j)
					why = "is listed twice";
			if (why)
				pd_build_report(b, PD_EPOLICY, m->file, o->line, o->column,
				                "material %s: option %s %s", m->id, o->id, why);
			idx[k] = (int16_t)j;
		}
		m->options = idx;
	}
}

static void load_material(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n)
{
	struct pd_pack *p = b->pack;
	if (!fy_node_is_mapping(n)) {
		report_at(b, f, n, "a material is a mapping with id, en, zh");
		return;
	}
	struct pd_pmaterial m;
	memset(&m, 0, sizeof(m));
	m.layer = p->id;
	m.file = f->path;
	int line, col;
	node_mark(n, &line, &col);
	m.line = line;
	const char *en = NULL, *zh = NULL;
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		if (scalar_is(k, "id")) {
			size_t len;
			const char *s = scalar(v, &len);
			if (!s || !id_ok(s, len, false)) {
				report_at(b, f, v,
				          "material id must be lowercase letters, digits, _");
				return;
			}
			m.id = dup_scalar(b, v);
		} else if (scalar_is(k, "en")) {
			en = dup_scalar(b, v);
		} else if (scalar_is(k, "zh")) {
			zh = dup_scalar(b, v);
		} else if (scalar_is(k, "max_age")) {
			if (parse_duration_node(b, f, v, &m.max_age) == 0)
				m.has_max_age = true;
		} else if (scalar_is(k, "valid_for")) {
			if (parse_duration_node(b, f, v, &m.valid_for) == 0)
				m.has_valid_for = true;
		} else if (scalar_is(k, "notarized")) {
			parse_flag(b, f, v, &m.notarized);
		} else if (scalar_is(k, "foreign")) {
			if (!fy_node_is_mapping(v)) {
				report_at(b, f, v,
				          "foreign: expected notarized/legalized/translated");
				continue;
			}
			void *it2 = NULL;
			struct fy_node_pair *p2;
			while ((p2 = fy_node_mapping_iterate(v, &it2))) {
				struct fy_node *k2 = fy_node_pair_key(p2),
				               *v2 = fy_node_pair_value(p2);
				if (scalar_is(k2, "notarized"))
					parse_flag(b, f, v2, &m.foreign_notarized);
				else if (scalar_is(k2, "legalized"))
					parse_flag(b, f, v2, &m.foreign_legalized);
				else if (scalar_is(k2, "translated"))
					parse_flag(b, f, v2, &m.foreign_translated);
				else
					report_at(b, f, k2,
					          "unknown key under foreign (known: "
					          "notarized, legalized, translated)");
			}
		} else if (scalar_is(k, "options")) {
			load_options(b, f, v, &m);
		} else if (scalar_is(k, "note")) {
			/* for policy staff */
		} else {
			report_at(b, f, k,
			          "unknown key in a material (known: id, en, zh, max_age, "
			          "valid_for, notarized, foreign, options, note)");
		}
	}
	if (!m.id) {
		report_at(b, f, n, "material without id");
		return;
	}
	m.id_len = strlen(m.id);
	if (!en || !zh)
		report_at(b, f, n, "material %s: missing %s text", m.id, !en ? "en" : "zh");
	if (fill_text(b, &m.text, en, zh)) {
		report_at(b, f, n, "out of memory");
		return;
	}
	int existing = pd_pack_find_material(p, m.id, strlen(m.id));
	if (existing >= 0) {
		if (strcmp(p->materials[existing].layer, p->id) == 0) {
			report_at(b, f, n, "material %s defined twice (first at %s:%d)", m.id,
			          p->materials[existing].file, p->materials[existing].line);
			return;
		}
		p->materials[existing] = m; /* a pack may reword an inherited material */
		return;
	}
	if (p->n_materials == MAX_MATERIALS) {
		report_at(b, f, n, "more than %d materials", MAX_MATERIALS);
		return;
	}
	p->materials[p->n_materials++] = m;
}

/* ---- rules ---- */

struct rule_ctx {
	struct pd_policy_build *b;
	const struct yfile *f;
	struct pd_rule *r;
	bool is_row;
	const char *en, *zh;
	/* effect staging */
	struct pd_requirement reqs[64];
	int n_reqs;
	struct pd_pnotice notices[16];
	int n_notices;
	struct fy_node *table_node;
	struct fy_node *first_node;
	struct fy_node *node; /* the rule's mapping */
};

typedef void (*key_fn)(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v);

static void k_id(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || !id_ok(s, len, true)) {
		report_at(rc->b, rc->f, v, "rule id must be lowercase letters, digits, _ - / .");
		return;
	}
	rc->r->local_id = dup_scalar(rc->b, v);
}

static void k_when(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->r->when = compile_expr(rc->b, rc->f, v, PD_T_BOOL, "when");
}

static void k_check(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->r->eff.check = compile_expr(rc->b, rc->f, v, PD_T_BOOL, "check");
}

static void k_deny(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (!scalar_is(v, "true")) {
		report_at(rc->b, rc->f, v,
		          "deny: write `deny: true` (the rule fails when it applies)");
		return;
	}
	struct pd_expr *e = pd_arena_zalloc(rc->b->arena, sizeof(*e));
	struct pd_error err;
	int line, col;
	node_mark(v, &line, &col);
	if (e && pd_expr_compile(rc->b, "false", 5, rc->f->path, line, col, e, &err) == 0)
		rc->r->eff.check = e;
}

/* A requirement's constraint `k: v` into q; false when k is not one. */
static bool requirement_key(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v,
                            struct pd_requirement *q)
{
	if (scalar_is(k, "max_age")) {
		if (parse_duration_node(rc->b, rc->f, v, &q->max_age) == 0)
			q->has_max_age = true;
	} else if (scalar_is(k, "valid_for")) {
		if (parse_duration_node(rc->b, rc->f, v, &q->valid_for) == 0)
			q->has_valid_for = true;
	} else if (scalar_is(k, "notarized"))
		parse_flag(rc->b, rc->f, v, &q->notarized);
	else if (scalar_is(k, "legalized"))
		parse_flag(rc->b, rc->f, v, &q->legalized);
	else if (scalar_is(k, "translated"))
		parse_flag(rc->b, rc->f, v, &q->translated);
	else
		return false;
	return true;
}

/* `options: {OPTION: {valid_for: 6m, ...}}` of a requirement of the alternative q. */
static void requirement_options(struct rule_ctx *rc, struct fy_node *n, struct pd_requirement *q)
{
	const struct pd_pmaterial *alt = &rc->b->pack->materials[q->material];
	int count = fy_node_is_mapping(n) ? fy_node_mapping_item_count(n) : 0;
	if (!alt->n_options || count < 1) {
		report_at(rc->b, rc->f, n,
		          alt->n_options ? "require options: expected OPTION: {constraints}"
		                         : "require options: %s has no options",
		          alt->id);
		return;
	}
	struct pd_requirement *o = pd_arena_zalloc(rc->b->arena, sizeof(*o) * (size_t)count);
	if (!o)
		return;
	int k = 0;
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *on = fy_node_pair_key(p), *cv = fy_node_pair_value(p);
		size_t len;
		const char *s = scalar(on, &len);
		int m = s ? pd_pack_find_material(rc->b->pack, s, len) : -1;
		bool is_option = false;
		for (uint8_t i = 0; i < alt->n_options && m >= 0; i++)
			is_option = is_option || alt->options[i] == m;
		if (!is_option) {
			report_at(rc->b, rc->f, on, "require options: %.*s is not an option of %s",
			          (int)(s ? len : 1), s ? s : "?", alt->id);
			continue;
		}
		o[k] = (struct pd_requirement){
		    .material = m, .notarized = -1, .legalized = -1, .translated = -1};
		void *it2 = NULL;
		struct fy_node_pair *p2;
		while (fy_node_is_mapping(cv) && (p2 = fy_node_mapping_iterate(cv, &it2)))
			if (!requirement_key(rc, fy_node_pair_key(p2), fy_node_pair_value(p2),
			                     &o[k]))
				report_at(rc->b, rc->f, fy_node_pair_key(p2),
				          "unknown key in an option's constraints (known: max_age, "
				          "valid_for, notarized, legalized, translated)");
		if (!fy_node_is_mapping(cv))
			report_at(rc->b, rc->f, cv, "require options: expected {constraints}");
		k++;
	}
	q->option_reqs = o;
	q->n_option_reqs = (uint8_t)k;
}

static void add_requirement(struct rule_ctx *rc, struct fy_node *n)
{
	struct pd_requirement q = {
	    .material = -1, .notarized = -1, .legalized = -1, .translated = -1};
	struct fy_node *idn = n, *options = NULL;
	if (fy_node_is_mapping(n)) {
		idn = NULL;
		void *it = NULL;
		struct fy_node_pair *p;
		while ((p = fy_node_mapping_iterate(n, &it))) {
			struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
			if (scalar_is(k, "material"))
				idn = v;
			else if (scalar_is(k, "options"))
				options = v;
			else if (!requirement_key(rc, k, v, &q))
				report_at(rc->b, rc->f, k,
				          "unknown key in require (known: material, max_age, "
				          "valid_for, notarized, legalized, translated, options)");
		}
		if (!idn) {
			report_at(rc->b, rc->f, n, "require: missing material");
			return;
		}
	}
	size_t len;
	const char *s = scalar(idn, &len);
	if (!s) {
		report_at(rc->b, rc->f, idn, "require: expected a material id");
		return;
	}
	q.material = pd_pack_find_material(rc->b->pack, s, len);
	if (q.material < 0) {
		report_at(rc->b, rc->f, idn, "unknown material \"%.*s\"", (int)len, s);
		return;
	}
	if (options)
		requirement_options(rc, options, &q);
	if (rc->n_reqs == 64) {
		report_at(rc->b, rc->f, idn, "too many materials in one rule");
		return;
	}
	rc->reqs[rc->n_reqs++] = q;
}

static void k_require(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (fy_node_is_sequence(v)) {
		void *it = NULL;
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(v, &it)))
			add_requirement(rc, item);
	} else {
		add_requirement(rc, v);
	}
}

/* A number of days: an expression, or a bare duration (30d, 6m, 1y) counted from
 * the case date. */
static const struct pd_expr *compile_days(struct pd_policy_build *b, const struct yfile *f,
                                          struct fy_node *v, const char *what)
{
	size_t len;
	const char *s = scalar(v, &len);
	struct pd_duration d;
	if (!s || pd_duration_parse(s, len, &d) != 0)
		return compile_expr(b, f, v, PD_T_INT, what);
	char buf[32];
	snprintf(buf, sizeof(buf), "days(%.*s)", (int)len, s);
	struct pd_expr *e = pd_arena_zalloc(b->arena, sizeof(*e));
	struct pd_error err;
	int line, col;
	node_mark(v, &line, &col);
	if (!e || pd_expr_compile(b, buf, strlen(buf), f->path, line, col, e, &err) != 0)
		return NULL;
	return e;
}

static int parse_date_node(struct pd_policy_build *b, const struct yfile *f, struct fy_node *v,
                           pd_date *out);

/* One value of a dated list, or the figure itself. */
static const struct pd_expr *compile_one(struct pd_policy_build *b, const struct yfile *f,
                                         struct fy_node *v, int want_type, bool days,
                                         const char *what)
{
	return days ? compile_days(b, f, v, what) : compile_expr(b, f, v, want_type, what);
}

/* A figure of an effect (a fee, a cap, a date): an expression, or a list of
 * dated values, each in force from its date until the next one's:
 *   [{from: 2013-09-01, value: 160}, {from: 2027-01-01, value: 200}]
 * The dates must rise, and the first may not come after the pack's first day
 * (a case between would have no value). */
static const struct pd_expr *compile_figure(struct pd_policy_build *b, const struct yfile *f,
                                            struct fy_node *n, int want_type, bool days,
                                            const char *what)
{
	if (!fy_node_is_sequence(n))
		return compile_one(b, f, n, want_type, days, what);
	int count = fy_node_sequence_item_count(n);
	if (count < 1 || count > 255) {
		report_at(b, f, n, "%s: a list of dated values holds 1 to 255 {from, value}", what);
		return NULL;
	}
	struct pd_expr *e = pd_arena_zalloc(b->arena, sizeof(*e));
	struct pd_dated_value *dv = pd_arena_zalloc(b->arena, sizeof(*dv) * (size_t)count);
	if (!e || !dv) {
		report_at(b, f, n, "out of memory");
		return NULL;
	}
	int line, col;
	node_mark(n, &line, &col);
	e->type = (uint8_t)want_type;
	e->text = "dated values";
	e->file = f->path;
	e->line = line;
	e->column = col;
	e->id_fact = -1;
	e->dated = dv;
	bool ok = true;
	void *it = NULL;
	struct fy_node *item;
	int i = 0;
	while ((item = fy_node_sequence_iterate(n, &it))) {
		struct pd_dated_value *d = &dv[i];
		d->from = PD_DATE_NONE;
		struct fy_node *from = NULL, *value = NULL;
		if (!fy_node_is_mapping(item)) {
			report_at(b, f, item, "%s: a dated value is {from: YYYY-MM-DD, value: ...}",
			          what);
			ok = false;
			continue;
		}
		void *it2 = NULL;
		struct fy_node_pair *p;
		while ((p = fy_node_mapping_iterate(item, &it2))) {
			struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
			if (scalar_is(k, "from"))
				from = v;
			else if (scalar_is(k, "value"))
				value = v;
			else if (!scalar_is(k, "note")) {
				report_at(b, f, k,
				          "%s: unknown key in a dated value (known: from, value, "
				          "note)",
				          what);
				ok = false;
			}
		}
		if (!from || !value) {
			report_at(b, f, item, "%s: a dated value needs both from and value", what);
			ok = false;
			continue;
		}
		if (is_null_node(from) || parse_date_node(b, f, from, &d->from) != 0 ||
		    d->from == PD_DATE_NONE) {
			if (is_null_node(from))
				report_at(b, f, from, "%s: from: expected a date YYYY-MM-DD", what);
			ok = false;
			continue;
		}
		if (i > 0 && dv[i - 1].from != PD_DATE_NONE && d->from <= dv[i - 1].from) {
			report_at(b, f, from, "%s: dated values must be in rising order of from",
			          what);
			ok = false;
		}
		if (i == 0 && b->pack && b->pack->from != PD_DATE_NONE && d->from > b->pack->from) {
			char want[11];
			pd_date_format(b->pack->from, want);
			report_at(
			    b, f, from,
			    "%s: the first value is in force from a day after the pack's first "
			    "day (%s): a case between would have none",
			    what, want);
			ok = false;
		}
		if (fy_node_is_sequence(value)) {
			report_at(b, f, value, "%s: a dated value is one value, not another list",
			          what);
			ok = false;
			continue;
		}
		d->value = compile_one(b, f, value, want_type, days, what);
		if (!d->value) {
			ok = false;
			continue;
		}
		for (int w = 0; w < PD_FACTSET_WORDS; w++)
			e->facts.w[w] |= d->value->facts.w[w];
		i++;
	}
	if (!ok)
		return NULL;
	e->n_dated = (uint8_t)i;
	return e;
}

static void k_limit(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (!fy_node_is_mapping(v)) {
		report_at(rc->b, rc->f, v,
		          "limit: expected max_days, valid_until_max or max_visa_validity_days");
		return;
	}
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k2 = fy_node_pair_key(p), *v2 = fy_node_pair_value(p);
		if (scalar_is(k2, "max_days"))
			rc->r->eff.max_days =
			    compile_figure(rc->b, rc->f, v2, PD_T_INT, true, "limit.max_days");
		else if (scalar_is(k2, "valid_until_max"))
			rc->r->eff.valid_until = compile_figure(rc->b, rc->f, v2, PD_T_DATE, false,
			                                        "limit.valid_until_max");
		else if (scalar_is(k2, "max_visa_validity_days"))
			rc->r->eff.visa_validity = compile_figure(rc->b, rc->f, v2, PD_T_INT, true,
			                                          "limit.max_visa_validity_days");
		else
			report_at(rc->b, rc->f, k2,
			          "unknown limit (known: max_days, valid_until_max, "
			          "max_visa_validity_days)");
	}
}

static void k_fee(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (!fy_node_is_mapping(v)) {
		report_at(rc->b, rc->f, v, "fee: expected a mapping with cny");
		return;
	}
	rc->r->eff.has_fee = true;
	bool has_cny = false;
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k2 = fy_node_pair_key(p), *v2 = fy_node_pair_value(p);
		if (scalar_is(k2, "cny")) {
			has_cny = true;
			if (!is_null_node(v2))
				rc->r->eff.fee_cny =
				    compile_figure(rc->b, rc->f, v2, PD_T_INT, false, "fee.cny");
		} else if (scalar_is(k2, "per_person")) {
			int8_t yes = 0;
			if (parse_flag(rc->b, rc->f, v2, &yes) == 0)
				rc->r->eff.fee_per_person = yes == 1;
		} else {
			report_at(
			    rc->b, rc->f, k2,
			    "unknown key in fee (known: cny, per_person; the text is the rule's "
			    "en/zh)");
		}
	}
	if (!has_cny)
		report_at(rc->b, rc->f, v,
		          "fee: missing cny (a number, or null when it cannot be told)");
}

static void k_deposit(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (!fy_node_is_mapping(v)) {
		report_at(rc->b, rc->f, v, "deposit: expected cny and frozen_days");
		return;
	}
	rc->r->eff.has_deposit = true;
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k2 = fy_node_pair_key(p), *v2 = fy_node_pair_value(p);
		if (scalar_is(k2, "cny"))
			rc->r->eff.deposit_cny =
			    compile_figure(rc->b, rc->f, v2, PD_T_INT, false, "deposit.cny");
		else if (scalar_is(k2, "frozen_days"))
			rc->r->eff.deposit_frozen = compile_figure(rc->b, rc->f, v2, PD_T_INT,
			                                           false, "deposit.frozen_days");
		else
			report_at(rc->b, rc->f, k2,
			          "unknown key in deposit (known: cny, frozen_days)");
	}
	if (!rc->r->eff.deposit_cny)
		report_at(rc->b, rc->f, v, "deposit: missing cny");
}

static void k_days(struct rule_ctx *rc, struct fy_node *v, int32_t *out, const char *what)
{
	int32_t n;
	if (parse_int_node(v, &n) != 0 || n > 365) {
		report_at(rc->b, rc->f, v, "%s: expected a number of working days", what);
		return;
	}
	*out = n;
}

static void k_processing(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	k_days(rc, v, &rc->r->eff.processing, "processing");
}

static void k_receipt(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	k_days(rc, v, &rc->r->eff.receipt, "receipt");
}

static void k_apply_by(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->r->eff.apply_by = compile_figure(rc->b, rc->f, v, PD_T_DATE, false, "apply_by");
}

static void k_rest_day(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (scalar_is(v, "earlier"))
		rc->r->eff.apply_by_rest_day = -1;
	else if (scalar_is(v, "later"))
		rc->r->eff.apply_by_rest_day = 1;
	else
		report_at(rc->b, rc->f, v, "rest_day: expected earlier or later");
}

static void k_agent(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (scalar_is(v, "allow"))
		rc->r->eff.agent = AGENT_ALLOW;
	else if (scalar_is(v, "in_person"))
		rc->r->eff.agent = AGENT_IN_PERSON;
	else if (scalar_is(v, "in_person_always"))
		rc->r->eff.agent = AGENT_IN_PERSON_ALWAYS;
	else
		report_at(rc->b, rc->f, v, "agent: expected allow, in_person or in_person_always");
}

static void add_notice(struct rule_ctx *rc, struct fy_node *n)
{
	struct pd_pnotice nt;
	memset(&nt, 0, sizeof(nt));
	const char *en = NULL, *zh = NULL;
	if (fy_node_is_scalar(n)) {
		size_t len;
		const char *s = scalar(n, &len);
		if (!id_ok(s, len, false)) {
			report_at(rc->b, rc->f, n,
			          "notice id must be lowercase letters, digits, _");
			return;
		}
		nt.id = dup_scalar(rc->b, n);
		en = rc->en;
		zh = rc->zh;
		if (!en || !zh) {
			/* The rule's texts may come later in the mapping: resolved at the end. */
			en = zh = NULL;
		}
	} else if (fy_node_is_mapping(n)) {
		void *it = NULL;
		struct fy_node_pair *p;
		while ((p = fy_node_mapping_iterate(n, &it))) {
			struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
			if (scalar_is(k, "id")) {
				size_t len;
				const char *s = scalar(v, &len);
				if (!s || !id_ok(s, len, false))
					report_at(rc->b, rc->f, v,
					          "notice id must be lowercase letters, digits, _");
				else
					nt.id = dup_scalar(rc->b, v);
			} else if (scalar_is(k, "en"))
				en = dup_scalar(rc->b, v);
			else if (scalar_is(k, "zh"))
				zh = dup_scalar(rc->b, v);
			else
				report_at(rc->b, rc->f, k,
				          "unknown key in notice (known: id, en, zh)");
		}
		if (!nt.id) {
			report_at(rc->b, rc->f, n, "notice without id");
			return;
		}
		if ((en == NULL) != (zh == NULL)) {
			report_at(rc->b, rc->f, n, "notice %s: missing %s text", nt.id,
			          !en ? "en" : "zh");
			return;
		}
		/* Without texts of its own, a notice says what its rule says. */
	} else {
		report_at(rc->b, rc->f, n, "notice: expected an id or {id, en, zh}");
		return;
	}
	if (rc->n_notices == 16) {
		report_at(rc->b, rc->f, n, "too many notices in one rule");
		return;
	}
	if (en && zh)
		fill_text(rc->b, &nt.text, en, zh);
	rc->notices[rc->n_notices++] = nt;
}

static void k_notice(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	if (fy_node_is_sequence(v)) {
		void *it = NULL;
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(v, &it)))
			add_notice(rc, item);
	} else {
		add_notice(rc, v);
	}
}

static void k_invalid(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	int m = s ? pd_pack_find_material(rc->b->pack, s, len) : -1;
	if (m < 0) {
		report_at(rc->b, rc->f, v, "invalid: unknown material \"%.*s\"", (int)(s ? len : 1),
		          s ? s : "?");
		return;
	}
	rc->r->eff.invalid = m;
}

static void k_source(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || !source_ok(s, len)) {
		report_at(rc->b, rc->f, v,
		          "source: expected a citation such as \"003 6.2(7)\" (printable ASCII, "
		          "no quotes)");
		return;
	}
	if (!source_declared(rc->b->pack, s, len))
		report_at(rc->b, rc->f, v,
		          "source \"%.*s\" does not start with a source the pack declares in "
		          "pack.yaml",
		          (int)len, s);
	rc->r->origin.source = dup_scalar(rc->b, v);
}

static void k_en(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->en = dup_scalar(rc->b, v);
	if (!rc->en || !*rc->en)
		report_at(rc->b, rc->f, v, "en: expected a text");
}

static void k_zh(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->zh = dup_scalar(rc->b, v);
	if (!rc->zh || !*rc->zh)
		report_at(rc->b, rc->f, v, "zh: expected a text");
}

static void k_note(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
}

static void k_table(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->table_node = v;
}

static void k_first(struct rule_ctx *rc, struct fy_node *k, struct fy_node *v)
{
	rc->first_node = v;
}

static const struct {
	const char *key;
	key_fn fn;
	bool rule_only; /* not allowed in a table row */
} rule_keys[] = {
    {"id", k_id, false},
    {"when", k_when, false},
    {"check", k_check, false},
    {"deny", k_deny, false},
    {"require", k_require, false},
    {"limit", k_limit, false},
    {"fee", k_fee, false},
    {"deposit", k_deposit, false},
    {"processing", k_processing, false},
    {"receipt", k_receipt, false},
    {"apply_by", k_apply_by, false},
    {"rest_day", k_rest_day, false},
    {"agent", k_agent, false},
    {"invalid", k_invalid, false},
    {"notice", k_notice, false},
    {"source", k_source, false},
    {"en", k_en, false},
    {"zh", k_zh, false},
    {"note", k_note, false},
    {"table", k_table, true},
    {"first", k_first, true},
};
#define N_RULE_KEYS (sizeof(rule_keys) / sizeof(rule_keys[0]))

static int compile_rule(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                        struct pd_rule *r, const struct pd_rule *parent, const char *row_key,
                        int row_index);

static void finish_effects(struct rule_ctx *rc, struct fy_node *n)
{
	struct pd_rule *r = rc->r;
	if (r->eff.apply_by_rest_day && !r->eff.apply_by)
		report_at(rc->b, rc->f, n, "rest_day without apply_by");
	if (rc->n_reqs) {
		struct pd_requirement *q =
		    pd_arena_alloc(rc->b->arena, sizeof(*q) * (size_t)rc->n_reqs);
		if (q) {
			memcpy(q, rc->reqs, sizeof(*q) * (size_t)rc->n_reqs);
			r->eff.requires = q;
			r->eff.n_requires = (uint16_t)rc->n_reqs;
		}
	}
	if (rc->n_notices) {
		struct pd_pnotice *q =
		    pd_arena_alloc(rc->b->arena, sizeof(*q) * (size_t)rc->n_notices);
		if (q) {
			for (int i = 0; i < rc->n_notices; i++) {
				q[i] = rc->notices[i];
				if (!q[i].text.en) /* notice: ID takes the rule's (or row's) text */
					q[i].text = r->text;
			}
			r->eff.notices = q;
			r->eff.n_notices = (uint16_t)rc->n_notices;
		}
	}
}

static void compile_table(struct rule_ctx *rc)
{
	struct pd_policy_build *b = rc->b;
	struct pd_rule *r = rc->r;
	struct fy_node *t = rc->table_node;
	struct fy_node *keyn = NULL, *rowsn = NULL;
	if (!fy_node_is_mapping(t)) {
		report_at(b, rc->f, t, "table: expected key and rows");
		return;
	}
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(t, &it))) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		if (scalar_is(k, "key"))
			keyn = v;
		else if (scalar_is(k, "rows"))
			rowsn = v;
		else
			report_at(b, rc->f, k, "unknown key in table (known: key, rows)");
	}
	size_t len;
	const char *ks = scalar(keyn, &len);
	if (!ks) {
		report_at(b, rc->f, t, "table: missing key (a fact path)");
		return;
	}
	r->key_fact = pd_fact_find(ks, len);
	if (r->key_fact < 0) {
		report_at(b, rc->f, keyn, "table key: unknown fact `%.*s`", (int)len, ks);
		return;
	}
	int ftype = pd_facts[r->key_fact].type;
	if (ftype != PD_T_ENUM && ftype != PD_T_STRING && ftype != PD_T_BOOL) {
		report_at(b, rc->f, keyn, "table key must be a word, text or yes/no fact");
		return;
	}
	if (!rowsn || !fy_node_is_mapping(rowsn)) {
		report_at(b, rc->f, t, "table: rows must be a mapping of key value to row");
		return;
	}
	int n = fy_node_mapping_item_count(rowsn);
	struct pd_rule *rows = pd_arena_zalloc(b->arena, sizeof(*rows) * (size_t)(n > 0 ? n : 1));
	if (!rows)
		return;
	for (int i = 0; i < 64; i++)
		r->row_by_enum[i] = -1;
	int i = 0;
	it = NULL;
	while ((p = fy_node_mapping_iterate(rowsn, &it))) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		const char *key = scalar(k, &len);
		if (!key) {
			report_at(b, rc->f, k, "row key must be a value");
			continue;
		}
		if (ftype == PD_T_ENUM) {
			int idx =
			    pd_vocab_find((enum pd_vocab_id)pd_facts[r->key_fact].vocab, key, len);
			if (idx < 0) {
				report_at(b, rc->f, k, "\"%.*s\" is not a value of %s", (int)len,
				          key, pd_facts[r->key_fact].path);
				continue;
			}
			if (r->row_by_enum[idx] >= 0) {
				report_at(b, rc->f, k, "row \"%.*s\" given twice", (int)len, key);
				continue;
			}
			r->row_by_enum[idx] = (int16_t)i;
		} else if (ftype == PD_T_BOOL) {
			if (!(len == 4 && !memcmp(key, "true", 4)) &&
			    !(len == 5 && !memcmp(key, "false", 5))) {
				report_at(b, rc->f, k, "rows of a yes/no key are true and false");
				continue;
			}
			r->row_by_enum[len == 4 ? 1 : 0] = (int16_t)i;
		}
		char keybuf[64];
		snprintf(keybuf, sizeof(keybuf), "%.*s", (int)len, key);
		if (compile_rule(b, rc->f, v, &rows[i], r, keybuf, i) == 0)
			i++;
	}
	r->rows = rows;
	r->n_rows = (uint16_t)i;
	r->table = TABLE_KEYED;
}

static void compile_first(struct rule_ctx *rc)
{
	struct pd_policy_build *b = rc->b;
	struct pd_rule *r = rc->r;
	struct fy_node *t = rc->first_node;
	if (!fy_node_is_sequence(t)) {
		report_at(b, rc->f, t, "first: expected a list of rows, each with when");
		return;
	}
	int n = fy_node_sequence_item_count(t);
	struct pd_rule *rows = pd_arena_zalloc(b->arena, sizeof(*rows) * (size_t)(n > 0 ? n : 1));
	if (!rows)
		return;
	int i = 0;
	void *it = NULL;
	struct fy_node *item;
	while ((item = fy_node_sequence_iterate(t, &it))) {
		if (compile_rule(b, rc->f, item, &rows[i], r, NULL, i) == 0)
			i++;
	}
	r->rows = rows;
	r->n_rows = (uint16_t)i;
	r->table = TABLE_FIRST;
}

/*
 * Compiles one rule (parent NULL) or one row of a table (parent set).  A row
 * inherits its rule's source and texts when it has none of its own.
 */
static int compile_rule(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n,
                        struct pd_rule *r, const struct pd_rule *parent, const char *row_key,
                        int row_index)
{
	int errors_before = b->n_errors;
	memset(r, 0, sizeof(*r));
	r->eff.processing = -1;
	r->eff.receipt = -1;
	r->eff.invalid = -1;
	r->key_fact = -1;
	r->file = f->path;
	int line, col;
	node_mark(n, &line, &col);
	r->line = line;
	r->column = col;
	r->origin.layer = b->pack->id;
	if (!fy_node_is_mapping(n)) {
		report_at(b, f, n,
		          parent ? "a table row is a mapping of effects"
		                 : "a rule is a mapping with id, when, effects, source, en, zh");
		return -1;
	}
	struct rule_ctx rc;
	memset(&rc, 0, sizeof(rc));
	rc.b = b;
	rc.f = f;
	rc.r = r;
	rc.is_row = parent != NULL;
	rc.node = n;
	void *it = NULL;
	struct fy_node_pair *p;
	while ((p = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *k = fy_node_pair_key(p), *v = fy_node_pair_value(p);
		size_t i;
		for (i = 0; i < N_RULE_KEYS; i++)
			if (scalar_is(k, rule_keys[i].key))
				break;
		if (i == N_RULE_KEYS || (parent && rule_keys[i].rule_only) ||
		    (parent && row_key && rule_keys[i].fn == k_id)) {
			size_t len;
			const char *ks = scalar(k, &len);
			report_at(
			    b, f, k,
			    "unknown key `%.*s` in a %s (known: id, when, check, deny, require, "
			    "limit, fee, deposit, processing, receipt, apply_by, rest_day, agent, "
			    "invalid, notice, source, en, zh, note%s)",
			    (int)(ks ? len : 1), ks ? ks : "?", parent ? "row" : "rule",
			    parent ? "" : ", table, first");
			continue;
		}
		rule_keys[i].fn(&rc, k, v);
	}

	if (parent) {
		char idbuf[256];
		const char *rid = r->local_id;
		if (row_key)
			snprintf(idbuf, sizeof(idbuf), "%s[%s]", parent->id, row_key);
		else if (rid)
			snprintf(idbuf, sizeof(idbuf), "%s[%s]", parent->id, rid);
		else
			snprintf(idbuf, sizeof(idbuf), "%s[%d]", parent->id, row_index + 1);
		r->id = pd_arena_strndup(b->arena, idbuf, strlen(idbuf));
		r->local_id = r->id;
		r->row_key = row_key ? pd_arena_strndup(b->arena, row_key, strlen(row_key)) : NULL;
		if (!r->origin.source)
			r->origin.source = parent->origin.source;
		if (!rc.en)
			rc.en = parent->text.en;
		if (!rc.zh)
			rc.zh = parent->text.zh;
		if (!parent->origin.source && !r->origin.source)
			report_at(b, f, n, "row %s: missing source", r->id);
	} else {
		if (!r->local_id) {
			report_at(b, f, n, "rule without id");
			return -1;
		}
		char idbuf[256];
		snprintf(idbuf, sizeof(idbuf), "%s/%s", b->pack->id, r->local_id);
		r->id = pd_arena_strndup(b->arena, idbuf, strlen(idbuf));
		if (!r->origin.source && !(rc.table_node || rc.first_node))
			report_at(b, f, n, "rule %s: missing source", r->local_id);
		if (!rc.en || !rc.zh)
			report_at(b, f, n, "rule %s: missing %s text", r->local_id,
			          !rc.en ? "en" : "zh");
	}
	r->origin.rule = r->id;
	if (rc.en && rc.zh)
		fill_text(b, &r->text, rc.en, rc.zh);
	finish_effects(&rc, n);
	for (uint16_t i = 0; i < r->eff.n_notices; i++)
		if (!r->eff.notices[i].text.en)
			report_at(b, f, n, "notice %s needs en and zh (its own or the rule's)",
			          r->eff.notices[i].id);
	if (r->eff.invalid >= 0 && !r->eff.check)
		report_at(b, f, n,
		          "invalid: needs a check (the material is invalid when it fails)");
	if (rc.table_node && rc.first_node)
		report_at(b, f, n, "a rule has either table or first, not both");
	else if (rc.table_node)
		compile_table(&rc);
	else if (rc.first_node)
		compile_first(&rc);
	if (!parent && r->table && !r->origin.source)
		for (uint16_t i = 0; i < r->n_rows; i++)
			if (!r->rows[i].origin.source)
				report_at(b, f, n, "rule %s: row %s has no source", r->local_id,
				          r->rows[i].id);
	return b->n_errors > errors_before ? -1 : 0;
}

/* ---- conflicts ---- */

static const char *text_of(struct pd_policy_build *b, const struct yfile *f, struct fy_node *v,
                           const char *lang)
{
	if (!fy_node_is_mapping(v)) {
		report_at(b, f, v, "expected a mapping with en and zh");
		return NULL;
	}
	struct fy_node *t = fy_node_mapping_lookup_by_string(v, lang, strlen(lang));
	if (!t) {
		report_at(b, f, v, "missing %s text", lang);
		return NULL;
	}
	return dup_scalar(b, t);
}

static void load_conflict(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n)
{
	struct pd_pack *p = b->pack;
	if (!fy_node_is_mapping(n)) {
		report_at(b, f, n, "a conflict is a mapping with id, topic, sources, choice");
		return;
	}
	struct pd_conflict c;
	memset(&c, 0, sizeof(c));
	c.info.layer = p->id;
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		if (scalar_is(k, "id"))
			c.info.id = dup_scalar(b, v);
		else if (scalar_is(k, "topic")) {
			c.info.topic_en = text_of(b, f, v, "en");
			c.info.topic_zh = text_of(b, f, v, "zh");
		} else if (scalar_is(k, "sources"))
			c.info.sources = dup_scalar(b, v);
		else if (scalar_is(k, "choice")) {
			c.info.choice_en = text_of(b, f, v, "en");
			c.info.choice_zh = text_of(b, f, v, "zh");
		} else
			report_at(b, f, k,
			          "unknown key in a conflict (known: id, topic, sources, "
			          "choice)");
	}
	if (!c.info.id || !c.info.topic_en || !c.info.choice_en || !c.info.sources) {
		report_at(b, f, n, "conflict: id, topic, sources and choice are all required");
		return;
	}
	struct pd_conflict *grown = pd_arena_alloc(b->arena, sizeof(*grown) * (p->n_conflicts + 1));
	if (!grown)
		return;
	if (p->n_conflicts)
		memcpy(grown, p->conflicts, sizeof(*grown) * p->n_conflicts);
	grown[p->n_conflicts++] = c;
	p->conflicts = grown;
}

/* ---- clause index ---- */

static void load_clauses(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n)
{
	struct pd_pack *p = b->pack;
	if (!fy_node_is_mapping(n)) {
		report_at(b, f, n,
		          "clauses: expected a mapping from source id to a list of clauses");
		return;
	}
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		size_t slen;
		const char *src = scalar(k, &slen);
		bool declared = false;
		for (size_t i = 0; src && i < p->n_sources && !declared; i++)
			declared =
			    strlen(p->sources[i]) == slen && memcmp(p->sources[i], src, slen) == 0;
		if (!declared) {
			report_at(b, f, k, "clauses: \"%.*s\" is not a source the pack declares",
			          (int)(src ? slen : 1), src ? src : "?");
			continue;
		}
		if (!fy_node_is_sequence(v)) {
			report_at(b, f, v, "clauses: expected a list of clauses");
			continue;
		}
		int count = fy_node_sequence_item_count(v);
		struct pd_clause_info *grown =
		    pd_arena_alloc(b->arena, sizeof(*grown) * (p->n_clauses + (size_t)count + 1));
		if (!grown)
			return;
		if (p->n_clauses)
			memcpy(grown, p->clauses, sizeof(*grown) * p->n_clauses);
		p->clauses = grown;
		void *it2 = NULL;
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(v, &it2))) {
			struct pd_clause_info c = {
			    .source = dup_scalar(b, k), .layer = p->id, .file = f->path};
			int line, col;
			node_mark(item, &line, &col);
			c.line = line;
			struct fy_node *cn = item;
			if (fy_node_is_mapping(item)) {
				cn = fy_node_mapping_lookup_by_string(item, "clause", 6);
				struct fy_node *in =
				    fy_node_mapping_lookup_by_string(item, "informational", 13);
				if (in)
					c.informational = dup_scalar(b, in);
				void *it3 = NULL;
				struct fy_node_pair *p3;
				while ((p3 = fy_node_mapping_iterate(item, &it3))) {
					struct fy_node *k3 = fy_node_pair_key(p3);
					if (!scalar_is(k3, "clause") &&
					    !scalar_is(k3, "informational") &&
					    !scalar_is(k3, "title"))
						report_at(b, f, k3,
						          "unknown key in a clause (known: clause, "
						          "informational, title)");
				}
				if (in && (!c.informational || !*c.informational))
					report_at(b, f, in, "informational: give the reason");
			}
			size_t clen;
			const char *cl = scalar(cn, &clen);
			if (!cl || !source_ok(cl, clen)) {
				report_at(b, f, item,
				          "a clause is a number such as 6.2(7), or "
				          "{clause, informational}");
				continue;
			}
			c.clause = dup_scalar(b, cn);
			for (size_t i = 0; i < p->n_clauses; i++)
				if (strcmp(p->clauses[i].source, c.source) == 0 &&
				    strcmp(p->clauses[i].clause, c.clause) == 0) {
					report_at(b, f, item, "clause %s %s listed twice", c.source,
					          c.clause);
					break;
				}
			p->clauses[p->n_clauses++] = c;
		}
	}
}

/* ---- offices ---- */

/*
 * One office of offices.yaml:
 *
 *   - id: tianjin-exit-entry-service-center       lowercase letters, digits, _ -
 *     name: {en, zh}                              required
 *     address: {en, zh}                           counters included
 *     telephone: "12367"
 *     supervision: "24459652"                     the supervision telephone
 *     hours: {days: working_days, open: "09:00", close: "17:00", en, zh}
 *     website: www.sz3e.com
 *     guidance: {en, zh}                          what the source says of applying there
 *     source: "001 IV, 001 VI"                    required, a declared source
 *     note: ...                                   for policy staff; ignored
 *
 * Only id, name and source are required: what a source does not say is left
 * out, never made up.  The office is rendered as JSON here, once, so that
 * every result that names it copies it.
 */
struct office_ctx {
	struct pd_policy_build *b;
	const struct yfile *f;
	struct pd_office_info *o;
};

typedef void (*office_key_fn)(struct office_ctx *oc, struct fy_node *v);

/* {en, zh}: both required, nothing else. */
static void office_text(struct office_ctx *oc, struct fy_node *v, const char *what, const char **en,
                        const char **zh)
{
	if (!fy_node_is_mapping(v)) {
		report_at(oc->b, oc->f, v, "%s: expected a mapping with en and zh", what);
		return;
	}
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k = fy_node_pair_key(pair);
		if (!scalar_is(k, "en") && !scalar_is(k, "zh"))
			report_at(oc->b, oc->f, k, "unknown key in %s (known: en, zh)", what);
	}
	*en = text_of(oc->b, oc->f, v, "en");
	*zh = text_of(oc->b, oc->f, v, "zh");
	if ((*en && !**en) || (*zh && !**zh))
		report_at(oc->b, oc->f, v, "%s: en and zh must not be empty", what);
}

/* Printable ASCII without spaces at either end: telephone numbers, a web address. */
static const char *office_ascii(struct office_ctx *oc, struct fy_node *v, const char *what)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || !source_ok(s, len) || s[0] == ' ' || s[len - 1] == ' ') {
		report_at(oc->b, oc->f, v, "%s: expected printable ASCII such as \"12367\"", what);
		return NULL;
	}
	return dup_scalar(oc->b, v);
}

static void ok_id(struct office_ctx *oc, struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || !id_ok(s, len, false))
		report_at(oc->b, oc->f, v, "office id must be lowercase letters, digits, _ -");
	else
		oc->o->id = dup_scalar(oc->b, v);
}

static void ok_name(struct office_ctx *oc, struct fy_node *v)
{
	office_text(oc, v, "name", &oc->o->name_en, &oc->o->name_zh);
}

static void ok_address(struct office_ctx *oc, struct fy_node *v)
{
	office_text(oc, v, "address", &oc->o->address_en, &oc->o->address_zh);
}

static void ok_telephone(struct office_ctx *oc, struct fy_node *v)
{
	oc->o->telephone = office_ascii(oc, v, "telephone");
}

static void ok_supervision(struct office_ctx *oc, struct fy_node *v)
{
	oc->o->supervision = office_ascii(oc, v, "supervision");
}

static void ok_website(struct office_ctx *oc, struct fy_node *v)
{
	oc->o->website = office_ascii(oc, v, "website");
}

static void ok_guidance(struct office_ctx *oc, struct fy_node *v)
{
	office_text(oc, v, "guidance", &oc->o->guidance_en, &oc->o->guidance_zh);
}

static void ok_source(struct office_ctx *oc, struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || !source_ok(s, len)) {
		report_at(oc->b, oc->f, v,
		          "source: expected a citation such as \"001 IV\" (printable ASCII, no "
		          "quotes)");
		return;
	}
	if (!source_declared(oc->b->pack, s, len))
		report_at(oc->b, oc->f, v,
		          "source \"%.*s\" does not start with a source the pack declares in "
		          "pack.yaml",
		          (int)len, s);
	oc->o->source = dup_scalar(oc->b, v);
}

static void ok_note(struct office_ctx *oc, struct fy_node *v)
{
}

/* "HH:MM" (24-hour) to minutes after midnight; -1 when it is not one. */
static int parse_clock(struct fy_node *v)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (!s || (len != 4 && len != 5))
		return -1;
	size_t colon = len - 3;
	if (s[colon] != ':')
		return -1;
	int h = 0, m = 0;
	for (size_t i = 0; i < len; i++) {
		if (i == colon)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (i < colon)
			h = h * 10 + (s[i] - '0');
		else
			m = m * 10 + (s[i] - '0');
	}
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

static void ok_hours(struct office_ctx *oc, struct fy_node *v)
{
	struct pd_office_info *o = oc->o;
	if (!fy_node_is_mapping(v)) {
		report_at(oc->b, oc->f, v,
		          "hours: expected a mapping with days, open, close, en and zh");
		return;
	}
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *hv = fy_node_pair_value(pair);
		if (scalar_is(k, "days")) {
			if (scalar_is(hv, "working_days"))
				o->working_days_only = true;
			else
				report_at(oc->b, oc->f, hv,
				          "days: expected working_days (the official working days "
				          "of the calendar)");
		} else if (scalar_is(k, "open") || scalar_is(k, "close")) {
			int t = parse_clock(hv);
			if (t < 0)
				report_at(oc->b, oc->f, hv,
				          "expected a time of day such as \"09:00\"");
			else if (scalar_is(k, "open"))
				o->open = t;
			else
				o->close = t;
		} else if (!scalar_is(k, "en") && !scalar_is(k, "zh")) {
			report_at(oc->b, oc->f, k,
			          "unknown key in hours (known: days, open, close, en, zh)");
		}
	}
	o->hours_en = text_of(oc->b, oc->f, v, "en");
	o->hours_zh = text_of(oc->b, oc->f, v, "zh");
	if ((o->open < 0) != (o->close < 0))
		report_at(oc->b, oc->f, v, "hours: give both open and close, or neither");
	else if (o->open >= 0 && o->close <= o->open)
		report_at(oc->b, oc->f, v, "hours: close must be after open");
}

static const struct {
	const char *key;
	office_key_fn fn;
} office_keys[] = {
    {"id", ok_id},
    {"name", ok_name},
    {"address", ok_address},
    {"telephone", ok_telephone},
    {"supervision", ok_supervision},
    {"hours", ok_hours},
    {"website", ok_website},
    {"guidance", ok_guidance},
    {"source", ok_source},
    {"note", ok_note},
};
#define N_OFFICE_KEYS (sizeof(office_keys) / sizeof(office_keys[0]))

static void report_office_key(struct pd_policy_build *b, const struct yfile *f, struct fy_node *k)
{
	char known[256] = "";
	size_t n = 0;
	for (size_t i = 0; i < N_OFFICE_KEYS && n < sizeof(known); i++)
		n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
		                      office_keys[i].key);
	report_at(b, f, k, "unknown key in an office (known: %s)", known);
}

static void load_office(struct pd_policy_build *b, const struct yfile *f, struct fy_node *n)
{
	struct pd_pack *p = b->pack;
	if (!fy_node_is_mapping(n)) {
		report_at(b, f, n, "an office is a mapping with id, name, source");
		return;
	}
	int errors_before = b->n_errors;
	struct pd_office_info o = {.open = -1, .close = -1, .layer = p->id, .file = f->path};
	int col;
	node_mark(n, &o.line, &col);
	struct office_ctx oc = {b, f, &o};
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(n, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		size_t i = 0;
		while (i < N_OFFICE_KEYS && !scalar_is(k, office_keys[i].key))
			i++;
		if (i == N_OFFICE_KEYS)
			report_office_key(b, f, k);
		else if (!is_null_node(v))
			office_keys[i].fn(&oc, v);
	}
	if (!o.id || !o.name_en || !o.name_zh || !o.source) {
		report_at(b, f, n, "office%s%s: id, name (en and zh) and source are all required",
		          o.id ? " " : "", o.id ? o.id : "");
		return;
	}
	for (size_t i = 0; i < p->n_offices; i++)
		if (strcmp(p->offices[i].id, o.id) == 0) {
			report_at(b, f, n, "duplicate office id %s (first at %s:%d)", o.id,
			          p->offices[i].file, p->offices[i].line);
			return;
		}
	if (b->n_errors > errors_before)
		return;
	/* Rendered once here, in both languages and in each (results copy them). */
	static const char *const langs[] = {NULL, "en", "zh"};
	const char **json[] = {&o.json, &o.json_en, &o.json_zh};
	size_t *json_len[] = {&o.json_len, &o.json_en_len, &o.json_zh_len};
	for (int i = 0; i < 3; i++) {
		struct pd_buf buf;
		pd_buf_init(&buf, 0);
		struct pd_jw w;
		pd_jw_init(&w, &buf, false);
		pd_office_write_json_lang(&w, &o, langs[i]);
		if (!buf.failed && buf.data) {
			*json[i] = pd_arena_strndup(b->arena, buf.data, buf.len);
			*json_len[i] = buf.len;
		}
		pd_buf_free(&buf);
		if (!*json[i]) {
			pd_build_report(b, PD_ENOMEM, f->path, o.line, col, "out of memory");
			return;
		}
	}
	struct pd_office_info *grown =
	    pd_arena_alloc(b->arena, sizeof(*grown) * (p->n_offices + 1));
	if (!grown)
		return;
	if (p->n_offices)
		memcpy(grown, p->offices, sizeof(*grown) * p->n_offices);
	grown[p->n_offices++] = o;
	p->offices = grown;
}

/* ---- packs ---- */

struct pack_src {
	char *dir;  /* full path */
	char *name; /* folder name */
	struct yfile pack_file;
	struct yfile files[MAX_FILES];
	int n_files;
	char *id, *jurisdiction, *extends;
	struct pd_pack *pack;
	int state; /* 0 new, 1 compiling, 2 done, 3 failed */
	struct fy_node *drop;
	struct fy_node *before; /* pack.yaml `before`, checked once every pack is read */
};

static int read_yaml(struct pd_policy_build *b, const char *path, const char *shown,
                     struct yfile *out)
{
	memset(out, 0, sizeof(*out));
	out->path = pd_arena_strndup(b->arena, shown, strlen(shown));
	struct pd_buf buf;
	pd_buf_init(&buf, 4u << 20);
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_buf_read_file(&buf, path, &err) != 0) {
		pd_build_report(b, PD_EPOLICY, shown, 0, 0, "%s", err.message);
		pd_buf_free(&buf);
		return -1;
	}
	size_t bad = pd_utf8_check(buf.data, buf.len);
	if (bad != buf.len) {
		int line = 1, col = 1;
		for (size_t i = 0; i < bad; i++) {
			if (buf.data[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)buf.data[i] & 0xC0) != 0x80) {
				col++;
			}
		}
		pd_build_report(b, PD_EPOLICY, shown, line, col, "invalid UTF-8");
		pd_buf_free(&buf);
		return -1;
	}
	out->bytes = buf.data;
	out->len = buf.len;
	int directive = pd_first_line_starting_with(out->bytes, out->len, '%');
	if (directive) {
		pd_build_report(
		    b, PD_EPOLICY, shown, directive, 1,
		    "YAML directives (lines starting with %%) are not used in policy files");
		return -1;
	}

	/* Errors are collected, never printed; the diagnostic object is released
	 * after the document (see the cleanup of pd_policy_load). */
	struct fy_diag_cfg dcfg;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.colorize = false;
	struct fy_diag *diag = fy_diag_create(&dcfg);
	if (!diag) {
		pd_build_report(b, PD_ENOMEM, shown, 0, 0, "out of memory");
		return -1;
	}
	fy_diag_set_collect_errors(diag, true);
	struct fy_parse_cfg cfg = {.flags = FYPCF_QUIET, .diag = diag};
	out->doc = fy_document_build_from_string(&cfg, out->bytes, out->len);
	out->diag = diag;
	if (out->doc && fy_document_root(out->doc))
		return 0;
	bool reported = false;
	void *it = NULL;
	struct fy_diag_error *de;
	while (!out->doc && (de = fy_diag_errors_iterate(diag, &it)) && !reported) {
		pd_build_report(b, PD_EPOLICY, shown, de->line + 1, de->column + 1, "YAML: %s",
		                de->msg);
		reported = true;
	}
	if (!reported)
		pd_build_report(b, PD_EPOLICY, shown, 1, 1,
		                out->doc ? "empty file" : "YAML: cannot parse");
	if (out->doc)
		fy_document_destroy(out->doc);
	out->doc = NULL;
	fy_diag_destroy(diag);
	out->diag = NULL;
	return -1;
}

static int read_pack_dir(struct pd_policy_build *b, const char *root, const char *name,
                         struct pack_src *ps)
{
	memset(ps, 0, sizeof(*ps));
	size_t dl = strlen(root) + strlen(name) + 2;
	ps->dir = pd_arena_alloc(b->arena, dl);
	snprintf(ps->dir, dl, "%s/%s", root, name);
	ps->name = pd_arena_strndup(b->arena, name, strlen(name));
	char path[4096], shown[512];
	snprintf(path, sizeof(path), "%s/pack.yaml", ps->dir);
	snprintf(shown, sizeof(shown), "policy/%s/pack.yaml", name);
	if (read_yaml(b, path, shown, &ps->pack_file) != 0) {
		free(ps->pack_file.bytes);
		ps->pack_file.bytes = NULL;
		return -1;
	}

	struct dirent **list = NULL;
	int n = scandir(ps->dir, &list, NULL, alphasort);
	if (n < 0) {
		pd_build_report(b, PD_EPOLICY, shown, 0, 0, "cannot list %s: %s", ps->dir,
		                strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *fn = list[i]->d_name;
		size_t fl = strlen(fn);
		if (fl > 5 && strcmp(fn + fl - 5, ".yaml") == 0 && strcmp(fn, "pack.yaml") != 0) {
			if (ps->n_files == MAX_FILES) {
				pd_build_report(b, PD_EPOLICY, shown, 0, 0, "more than %d files",
				                MAX_FILES);
			} else {
				snprintf(path, sizeof(path), "%s/%s", ps->dir, fn);
				snprintf(shown, sizeof(shown), "policy/%s/%s", name, fn);
				if (read_yaml(b, path, shown, &ps->files[ps->n_files]) == 0)
					ps->n_files++;
				else
					free(ps->files[ps->n_files].bytes);
			}
		}
		free(list[i]);
	}
	free(list);
	return 0;
}

static int parse_date_node(struct pd_policy_build *b, const struct yfile *f, struct fy_node *v,
                           pd_date *out)
{
	size_t len;
	const char *s = scalar(v, &len);
	if (is_null_node(v)) {
		*out = PD_DATE_NONE;
		return 0;
	}
	if (!s || pd_date_parse(s, len, out) != 0) {
		report_at(b, f, v, "expected a date YYYY-MM-DD");
		return -1;
	}
	return 0;
}

/* Reads pack.yaml's header fields (before any compiling). */
static void read_pack_header(struct pd_policy_build *b, struct pack_src *ps)
{
	struct yfile *f = &ps->pack_file;
	struct fy_node *root = fy_document_root(f->doc);
	struct pd_pack *p = pd_arena_zalloc(b->arena, sizeof(*p));
	ps->pack = p;
	p->from = p->to = PD_DATE_NONE;
	p->dir = ps->dir;
	/* Until pack.yaml says otherwise, the folder names the pack. */
	p->id = ps->name;
	p->jurisdiction = ps->name;
	if (!fy_node_is_mapping(root)) {
		report_at(b, f, root, "pack.yaml: expected a mapping with id, jurisdiction, title");
		return;
	}
	void *it = NULL;
	struct fy_node_pair *pair;
	const char **sources = NULL; /* as many as the list holds */
	size_t n_sources = 0;
	while ((pair = fy_node_mapping_iterate(root, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
		if (scalar_is(k, "id")) {
			size_t len;
			const char *s = scalar(v, &len);
			if (!s || !id_ok(s, len, false))
				report_at(b, f, v,
				          "pack id must be lowercase letters, digits, _ -");
			else
				ps->id = dup_scalar(b, v);
		} else if (scalar_is(k, "jurisdiction")) {
			ps->jurisdiction = dup_scalar(b, v);
		} else if (scalar_is(k, "title")) {
			p->title_en = text_of(b, f, v, "en");
			p->title_zh = text_of(b, f, v, "zh");
		} else if (scalar_is(k, "extends")) {
			ps->extends = dup_scalar(b, v);
		} else if (scalar_is(k, "effective")) {
			if (!fy_node_is_mapping(v)) {
				report_at(b, f, v, "effective: expected from and to");
				continue;
			}
			void *it2 = NULL;
			struct fy_node_pair *p2;
			while ((p2 = fy_node_mapping_iterate(v, &it2))) {
				struct fy_node *k2 = fy_node_pair_key(p2),
				               *v2 = fy_node_pair_value(p2);
				if (scalar_is(k2, "from"))
					parse_date_node(b, f, v2, &p->from);
				else if (scalar_is(k2, "to"))
					parse_date_node(b, f, v2, &p->to);
				else
					report_at(b, f, k2,
					          "unknown key in effective (known: from, to)");
			}
		} else if (scalar_is(k, "sources")) {
			if (!fy_node_is_sequence(v)) {
				report_at(b, f, v, "sources: expected a list");
				continue;
			}
			int n_items = fy_node_sequence_item_count(v);
			sources = pd_arena_alloc(b->arena, sizeof(char *) * (size_t)(n_items + 1));
			n_sources = 0;
			if (!sources) {
				report_at(b, f, v, "out of memory");
				continue;
			}
			void *it2 = NULL;
			struct fy_node *item;
			while ((item = fy_node_sequence_iterate(v, &it2))) {
				struct fy_node *idn =
				    fy_node_is_mapping(item)
				        ? fy_node_mapping_lookup_by_string(item, "id", 2)
				        : NULL;
				if (!idn || !scalar(idn, &(size_t){0})) {
					report_at(b, f, item,
					          "a source needs an id (\"003\", \"Law\")");
					continue;
				}
				void *it3 = NULL;
				struct fy_node_pair *p3;
				while ((p3 = fy_node_mapping_iterate(item, &it3))) {
					struct fy_node *k3 = fy_node_pair_key(p3);
					if (!scalar_is(k3, "id") && !scalar_is(k3, "title") &&
					    !scalar_is(k3, "file") && !scalar_is(k3, "date"))
						report_at(b, f, k3,
						          "unknown key in a source (known: id, "
						          "title, file, date)");
				}
				sources[n_sources++] = dup_scalar(b, idn);
			}
		} else if (scalar_is(k, "drop")) {
			ps->drop = v;
		} else if (scalar_is(k, "before")) {
			ps->before = v;
		} else if (scalar_is(k, "note")) {
		} else {
			report_at(b, f, k,
			          "unknown key in pack.yaml (known: id, jurisdiction, title, "
			          "extends, effective, before, sources, drop, note)");
		}
	}
	if (!ps->id)
		report_at(b, f, root, "pack.yaml: missing id");
	else if (strcmp(ps->id, ps->name) != 0)
		report_at(b, f, root, "pack id %s differs from its folder name %s", ps->id,
		          ps->name);
	if (!ps->jurisdiction)
		ps->jurisdiction = ps->id ? ps->id : ps->name;
	if (!p->title_en || !p->title_zh)
		report_at(b, f, root, "pack.yaml: title needs en and zh");
	if (p->from != PD_DATE_NONE && p->to != PD_DATE_NONE && p->to < p->from)
		report_at(b, f, root, "effective: `to` is before `from`");
	p->id = ps->id ? ps->id : ps->name;
	p->jurisdiction = ps->jurisdiction;
	p->extends_id = ps->extends;
	p->sources = pd_arena_alloc(b->arena, sizeof(char *) * (n_sources + 1));
	if (p->sources) {
		if (n_sources)
			memcpy(p->sources, sources, sizeof(char *) * n_sources);
		p->n_sources = n_sources;
	}
}

/*
 * pack.yaml `before`: who decides the cases dated before the pack's `from`.
 *
 *   before:
 *     decided_by: national       # a jurisdiction; its pack in force that day decides
 *     source: "001 preamble"
 *     en: ...
 *     zh: ...
 */
static void read_pack_before(struct pd_policy_build *b, struct pack_src *srcs, int n_srcs,
                             struct pack_src *ps)
{
	struct fy_node *v = ps->before;
	struct pd_pack *p = ps->pack;
	const struct yfile *f = &ps->pack_file;
	if (!v || !p)
		return;
	if (!fy_node_is_mapping(v)) {
		report_at(b, f, v, "before: expected a mapping with decided_by, source, en, zh");
		return;
	}
	const char *by = NULL, *en = NULL, *zh = NULL, *source = NULL;
	unsigned seen = 0;
	void *it = NULL;
	struct fy_node_pair *pair;
	while ((pair = fy_node_mapping_iterate(v, &it))) {
		struct fy_node *k = fy_node_pair_key(pair), *x = fy_node_pair_value(pair);
		size_t len;
		const char *s = scalar(x, &len);
		if (scalar_is(k, "decided_by")) {
			seen |= 1;
			bool known = false;
			for (int i = 0; s && i < n_srcs; i++) {
				const char *j = srcs[i].pack ? srcs[i].pack->jurisdiction : "";
				known = known || (strlen(j) == len && memcmp(j, s, len) == 0 &&
				                  strcmp(j, p->jurisdiction) != 0);
			}
			if (!known)
				report_at(b, f, x,
				          "before: decided_by must name another jurisdiction that "
				          "has a pack");
			else
				by = dup_scalar(b, x);
		} else if (scalar_is(k, "source")) {
			seen |= 2;
			if (!s || !source_ok(s, len) || !source_declared(p, s, len))
				report_at(
				    b, f, x,
				    "before: source must be a citation starting with a source "
				    "the pack declares");
			else
				source = dup_scalar(b, x);
		} else if (scalar_is(k, "en") || scalar_is(k, "zh")) {
			seen |= scalar_is(k, "en") ? 4 : 8;
			if (!s || !len)
				report_at(b, f, x, "before: expected a text");
			else if (scalar_is(k, "en"))
				en = dup_scalar(b, x);
			else
				zh = dup_scalar(b, x);
		} else {
			report_at(b, f, k,
			          "unknown key in before (known: decided_by, source, en, zh)");
		}
	}
	if (p->from == PD_DATE_NONE)
		report_at(b, f, v, "before: the pack has no effective.from to be before");
	if (seen != 15)
		report_at(b, f, v, "before: needs decided_by, source, en and zh");
	if (!by || !source || !en || !zh)
		return;
	if (fill_text(b, &p->before_text, en, zh) != 0) {
		report_at(b, f, v, "before: out of memory");
		return;
	}
	p->before_by = by;
	p->before_origin.rule = pd_arena_printf(b->arena, "%s/before", p->id);
	p->before_origin.source = source;
	p->before_origin.layer = p->id;
}

static struct pack_src *find_src(struct pack_src *srcs, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (srcs[i].id && strcmp(srcs[i].id, id) == 0)
			return &srcs[i];
	return NULL;
}

static void hash_update_str(crypto_generichash_state *st, const char *s, size_t len)
{
	uint64_t n = len;
	crypto_generichash_update(st, (const unsigned char *)&n, sizeof(n));
	crypto_generichash_update(st, (const unsigned char *)s, len);
}

static int compile_pack(struct pd_policy_build *b, struct pack_src *srcs, int n_srcs,
                        struct pack_src *ps, int depth)
{
	if (ps->state == 2)
		return 0;
	if (ps->state == 3)
		return -1;
	struct pd_pack *p = ps->pack;
	if (ps->state == 1 || depth > MAX_PACKS) {
		report_at(b, &ps->pack_file, fy_document_root(ps->pack_file.doc),
		          "pack %s extends itself through a cycle", p->id);
		ps->state = 3;
		return -1;
	}
	ps->state = 1;
	const struct pd_pack *parent = NULL;
	if (ps->extends) {
		struct pack_src *pp = find_src(srcs, n_srcs, ps->extends);
		struct fy_node *root = fy_document_root(ps->pack_file.doc);
		struct fy_node *en =
		    root ? fy_node_mapping_lookup_by_string(root, "extends", 7) : NULL;
		if (!pp) {
			report_at(b, &ps->pack_file, en, "extends: no pack named %s", ps->extends);
			ps->state = 3;
			return -1;
		}
		if (compile_pack(b, srcs, n_srcs, pp, depth + 1) != 0) {
			ps->state = 3;
			return -1;
		}
		parent = pp->pack;
		p->parent = parent;
		/* Inherit the parent's source prefixes too. */
		const char **s = pd_arena_alloc(
		    b->arena, sizeof(char *) * (p->n_sources + parent->n_sources + 1));
		if (s) {
			memcpy(s, p->sources, sizeof(char *) * p->n_sources);
			memcpy(s + p->n_sources, parent->sources,
			       sizeof(char *) * parent->n_sources);
			p->sources = s;
			p->n_sources += parent->n_sources;
		}
	}
	b->pack = p;

	/* Materials: inherited first, then this pack's (all files, before any rule). */
	p->materials = pd_arena_zalloc(b->arena, sizeof(struct pd_pmaterial) * MAX_MATERIALS);
	if (!p->materials)
		return -1;
	if (parent) {
		memcpy(p->materials, parent->materials,
		       sizeof(struct pd_pmaterial) * parent->n_materials);
		p->n_materials = parent->n_materials;
		if (parent->n_conflicts) {
			p->conflicts = pd_arena_alloc(b->arena, sizeof(struct pd_conflict) *
			                                            parent->n_conflicts);
			if (p->conflicts) {
				memcpy(p->conflicts, parent->conflicts,
				       sizeof(struct pd_conflict) * parent->n_conflicts);
				p->n_conflicts = parent->n_conflicts;
			}
		}
	}
	for (int i = 0; i < ps->n_files; i++) {
		struct yfile *f = &ps->files[i];
		struct fy_node *root = fy_document_root(f->doc);
		if (!fy_node_is_mapping(root))
			continue;
		void *it = NULL;
		struct fy_node_pair *pair;
		while ((pair = fy_node_mapping_iterate(root, &it))) {
			struct fy_node *k = fy_node_pair_key(pair), *v = fy_node_pair_value(pair);
			if (scalar_is(k, "materials")) {
				if (!fy_node_is_sequence(v)) {
					report_at(b, f, v, "materials: expected a list");
					continue;
				}
				void *it2 = NULL;
				struct fy_node *item;
				while ((item = fy_node_sequence_iterate(v, &it2)))
					load_material(b, f, item);
			} else if (scalar_is(k, "conflicts")) {
				if (!fy_node_is_sequence(v)) {
					report_at(b, f, v, "conflicts: expected a list");
					continue;
				}
				void *it2 = NULL;
				struct fy_node *item;
				while ((item = fy_node_sequence_iterate(v, &it2)))
					load_conflict(b, f, item);
			} else if (scalar_is(k, "clauses")) {
				load_clauses(b, f, v);
			} else if (scalar_is(k, "offices")) {
				if (!fy_node_is_sequence(v)) {
					report_at(b, f, v, "offices: expected a list");
					continue;
				}
				void *it2 = NULL;
				struct fy_node *item;
				while ((item = fy_node_sequence_iterate(v, &it2)))
					load_office(b, f, item);
			} else if (!scalar_is(k, "rules")) {
				report_at(b, f, k,
				          "unknown top-level key (known: materials, rules, "
				          "conflicts, clauses, offices)");
			}
		}
	}
	resolve_options(b);
	if (p->n_offices == 0 && parent) {
		p->offices = parent->offices;
		p->n_offices = parent->n_offices;
	}

	/* Rules: this pack's own. */
	struct pd_rule *own = pd_arena_zalloc(b->arena, sizeof(struct pd_rule) * MAX_RULES);
	size_t n_own = 0;
	if (!own)
		return -1;
	for (int i = 0; i < ps->n_files; i++) {
		struct yfile *f = &ps->files[i];
		struct fy_node *root = fy_document_root(f->doc);
		struct fy_node *seq = root;
		if (fy_node_is_mapping(root))
			seq = fy_node_mapping_lookup_by_string(root, "rules", 5);
		if (!seq)
			continue;
		if (!fy_node_is_sequence(seq)) {
			report_at(b, f, seq, "rules: expected a list of rules");
			continue;
		}
		void *it = NULL;
		struct fy_node *item;
		while ((item = fy_node_sequence_iterate(seq, &it))) {
			if (n_own == MAX_RULES) {
				report_at(b, f, item, "more than %d rules", MAX_RULES);
				break;
			}
			if (compile_rule(b, f, item, &own[n_own], NULL, NULL, 0) != 0)
				continue;
			for (size_t j = 0; j < n_own; j++)
				if (strcmp(own[j].local_id, own[n_own].local_id) == 0) {
					report_at(b, f, item,
					          "duplicate rule id %s (first at %s:%d)",
					          own[n_own].local_id, own[j].file, own[j].line);
					break;
				}
			n_own++;
		}
	}

	/* Assemble: the parent's rules (replaced or dropped), then new ones. */
	size_t cap = (parent ? parent->n_rules : 0) + n_own;
	const struct pd_rule **rules = pd_arena_alloc(b->arena, sizeof(*rules) * (cap + 1));
	bool *used = calloc(n_own + 1, sizeof(bool));
	if (!rules || !used) {
		free(used);
		return -1;
	}
	size_t n = 0;
	if (parent) {
		for (size_t i = 0; i < parent->n_rules; i++) {
			const struct pd_rule *pr = parent->rules[i];
			bool dropped = false;
			if (ps->drop && fy_node_is_sequence(ps->drop)) {
				void *it = NULL;
				struct fy_node *d;
				while ((d = fy_node_sequence_iterate(ps->drop, &it)))
					if (scalar_is(d, pr->local_id))
						dropped = true;
			}
			if (dropped)
				continue;
			const struct pd_rule *use = pr;
			for (size_t j = 0; j < n_own; j++)
				if (!used[j] && strcmp(own[j].local_id, pr->local_id) == 0) {
					used[j] = true;
					own[j].origin.replaces = pr->origin.layer;
					for (uint16_t r = 0; r < own[j].n_rows; r++)
						((struct pd_rule *)own[j].rows)[r].origin.replaces =
						    pr->origin.layer;
					use = &own[j];
					if (pd_rule_same(parent, pr, p, use) &&
					    pd_rule_same_sources(pr, use))
						pd_build_report(
						    b, 0, use->file, use->line, use->column,
						    "%s replaces %s and changes nothing (the same "
						    "condition, effects and source): drop the "
						    "replacement, or change what differs in this "
						    "pack",
						    use->id, pr->id);
					break;
				}
			rules[n++] = use;
		}
		if (ps->drop) {
			if (!fy_node_is_sequence(ps->drop)) {
				report_at(b, &ps->pack_file, ps->drop,
				          "drop: expected a list of rule ids");
			} else {
				void *it = NULL;
				struct fy_node *d;
				while ((d = fy_node_sequence_iterate(ps->drop, &it))) {
					bool found = false;
					for (size_t i = 0; i < parent->n_rules && !found; i++)
						found = scalar_is(d, parent->rules[i]->local_id);
					size_t dl;
					const char *ds = scalar(d, &dl);
					if (!found)
						report_at(b, &ps->pack_file, d,
						          "drop: %s inherits no rule %.*s", p->id,
						          (int)(ds ? dl : 1), ds ? ds : "?");
				}
			}
		}
	} else if (ps->drop) {
		report_at(b, &ps->pack_file, ps->drop, "drop: the pack extends nothing");
	}
	for (size_t j = 0; j < n_own; j++)
		if (!used[j])
			rules[n++] = &own[j];
	free(used);
	p->rules = rules;
	p->n_rules = n;

	/* Version: this pack's files and its parent's version. */
	crypto_generichash_state st;
	unsigned char h[8];
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	if (parent)
		hash_update_str(&st, parent->version, strlen(parent->version));
	hash_update_str(&st, ps->pack_file.bytes, ps->pack_file.len);
	for (int i = 0; i < ps->n_files; i++) {
		hash_update_str(&st, ps->files[i].path, strlen(ps->files[i].path));
		hash_update_str(&st, ps->files[i].bytes, ps->files[i].len);
	}
	crypto_generichash_final(&st, h, sizeof(h));
	for (int i = 0; i < 8; i++)
		snprintf(p->version + 2 * i, 3, "%02x", h[i]);
	ps->state = 2;
	return 0;
}

int pd_policy_load(const char *dir, struct pd_policy **out, struct pd_diags *diags,
                   struct pd_error *err)
{
	*out = NULL;
	if (sodium_init() < 0)
		return pd_error_set(err, PD_EINTERNAL, "libsodium failed to initialise");
	struct pd_policy *pol = calloc(1, sizeof(*pol));
	struct pack_src *srcs = calloc(MAX_PACKS, sizeof(*srcs));
	int n_srcs = 0;
	int rc = 0;
	if (!pol || !srcs) {
		free(pol);
		free(srcs);
		return pd_error_set(err, PD_ENOMEM, "out of memory loading policy");
	}
	pd_arena_init(&pol->arena, 1 << 16, 0);
	struct pd_error first;
	pd_error_clear(&first);
	struct pd_policy_build b = {
	    .pol = pol, .arena = &pol->arena, .diags = diags, .first = &first};
	pol->dir = pd_arena_strndup(&pol->arena, dir, strlen(dir));

	struct stat sb;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		rc = pd_error_at(err, PD_ECONFIG, dir, 0, 0, NULL, "policy directory not found");
		goto cleanup;
	}
	char path[4096];
	struct pd_error cerr;
	pd_error_clear(&cerr);
	if (pd_policy_calendar_load(dir, &pol->calendar, &cerr) != 0) {
		cerr.code = PD_EPOLICY;
		report_error(&b, &cerr);
	}

	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, alphasort);
	if (n < 0) {
		rc = pd_error_at(err, PD_ECONFIG, dir, 0, 0, NULL, "cannot list: %s",
		                 strerror(errno));
		goto cleanup;
	}
	for (int i = 0; i < n; i++) {
		const char *name = list[i]->d_name;
		if (name[0] != '.' && strcmp(name, "calendar") != 0) {
			snprintf(path, sizeof(path), "%s/%s/pack.yaml", dir, name);
			if (stat(path, &sb) == 0) {
				if (n_srcs == MAX_PACKS)
					pd_build_report(&b, PD_EPOLICY, path, 0, 0,
					                "too many packs");
				else if (read_pack_dir(&b, dir, name, &srcs[n_srcs]) == 0)
					n_srcs++;
			}
		}
		free(list[i]);
	}
	free(list);
	if (n_srcs == 0 && b.n_errors == 0)
		pd_build_report(&b, PD_EPOLICY, dir, 0, 0, "no packs (folders with pack.yaml)");

	for (int i = 0; i < n_srcs; i++)
		read_pack_header(&b, &srcs[i]);
	for (int i = 0; i < n_srcs; i++)
		for (int j = 0; j < i; j++)
			if (srcs[i].id && srcs[j].id && strcmp(srcs[i].id, srcs[j].id) == 0)
				report_at(&b, &srcs[i].pack_file, NULL, "two packs with id %s",
				          srcs[i].id);
	for (int i = 0; i < n_srcs; i++)
		compile_pack(&b, srcs, n_srcs, &srcs[i], 0);

	for (int i = 0; i < n_srcs; i++)
		read_pack_before(&b, srcs, n_srcs, &srcs[i]);

	/* Two versions of one jurisdiction must not overlap in time. */
	for (int i = 0; i < n_srcs; i++)
		for (int j = 0; j < i; j++) {
			const struct pd_pack *a = srcs[i].pack, *c = srcs[j].pack;
			if (!a || !c || strcmp(a->jurisdiction, c->jurisdiction) != 0)
				continue;
			pd_date af = a->from == PD_DATE_NONE ? INT32_MIN + 1 : a->from;
			pd_date at = a->to == PD_DATE_NONE ? INT32_MAX : a->to;
			pd_date cf = c->from == PD_DATE_NONE ? INT32_MIN + 1 : c->from;
			pd_date ct = c->to == PD_DATE_NONE ? INT32_MAX : c->to;
			if (af <= ct && cf <= at)
				report_at(&b, &srcs[i].pack_file, NULL,
				          "packs %s and %s both decide %s on the same days", a->id,
				          c->id, a->jurisdiction);
		}

	if (b.n_errors) {
		if (err) {
			*err = first;
			if (!err->code)
				err->code = PD_EPOLICY;
		}
		rc = PD_FAIL(PD_EPOLICY);
		goto cleanup;
	}
	pol->packs = pd_arena_alloc(&pol->arena, sizeof(struct pd_pack *) * (size_t)n_srcs);
	for (int i = 0; i < n_srcs; i++)
		pol->packs[i] = srcs[i].pack;
	pol->n_packs = (size_t)n_srcs;

cleanup:
	for (int i = 0; i < n_srcs; i++) {
		if (srcs[i].pack_file.doc)
			fy_document_destroy(srcs[i].pack_file.doc);
		if (srcs[i].pack_file.diag)
			fy_diag_destroy(srcs[i].pack_file.diag);
		free(srcs[i].pack_file.bytes);
		for (int j = 0; j < srcs[i].n_files; j++) {
			if (srcs[i].files[j].doc)
				fy_document_destroy(srcs[i].files[j].doc);
			if (srcs[i].files[j].diag)
				fy_diag_destroy(srcs[i].files[j].diag);
			free(srcs[i].files[j].bytes);
		}
	}
	free(srcs);
	if (rc) {
		pd_policy_free(pol);
		return rc;
	}
	*out = pol;
	return 0;
}

void pd_policy_free(struct pd_policy *pol)
{
	if (!pol)
		return;
	pd_calendar_free(pol->calendar);
	pd_arena_free(&pol->arena);
	free(pol);
}
