/*
 * test_expr.c: the condition language of policy packs (policy/expr.c):
 * compiling with pd_expr_compile() and evaluating with pd_expr_eval() over
 * cases built by hand.
 *
 * The tables follow the grammar in expr.c's header and docs/policy-language.md:
 * every operator and function; date arithmetic in days, weeks, months and
 * years (months clamp to the end of the month, as base.h says of
 * pd_date_add_months); numbers compared with durations (days counted from the
 * case date); `in` and `not in` on words and texts; Kleene's strong
 * three-valued logic for and, or and not over all nine (three) combinations;
 * the set of unknown facts a result hangs on (applicant.age is asked for as
 * applicant.birth_date); division by zero giving unknown.  Then every compile
 * error with its exact message and column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy_int.h"

/* Where the expressions pretend to stand: rules.yaml line 7, column 10. */
#define T_FILE "policy/test/rules.yaml"
#define T_LINE 7
#define T_COL 10

static pd_date D(const char *s)
{
	pd_date d = PD_DATE_NONE;
	if (pd_date_parse(s, strlen(s), &d) != 0)
		fail_msg("bad date in test: %s", s);
	return d;
}

/* Compiles text; on failure fills err and returns non-zero. */
static int compile_in(struct pd_arena *arena, const struct pd_pack *pack, const char *text,
                      struct pd_expr *out, struct pd_error *err)
{
	struct pd_policy_build b;
	memset(&b, 0, sizeof(b));
	b.arena = arena;
	b.pack = (struct pd_pack *)pack;
	pd_error_clear(err);
	return pd_expr_compile(&b, text, strlen(text), T_FILE, T_LINE, T_COL, out, err);
}

static void compile_ok(struct pd_arena *arena, const struct pd_pack *pack, const char *text,
                       struct pd_expr *out)
{
	struct pd_error err;
	if (compile_in(arena, pack, text, out, &err) != 0) {
		char msg[1024];
		pd_error_format(&err, msg, sizeof(msg));
		fail_msg("`%s` does not compile: %s", text, msg);
	}
}

/* The case most tables run over (format.md §1 example, on 2026-03-02). */
static void base_case(struct pd_case *c)
{
	pd_case_init(c);
	pd_case_set_str(c, PD_F_JURISDICTION, "zhejiang");
	pd_case_set_date(c, PD_F_DATE, D("2026-03-02"));
	assert_int_equal(pd_case_set_enum(c, PD_F_APP_DOCUMENT, "visa"), 0);
	assert_int_equal(pd_case_set_enum(c, PD_F_APP_ACTION, "extension"), 0);
	assert_int_equal(pd_case_set_enum(c, PD_F_APP_VISA_TYPE, "Q2"), 0);
	pd_case_set_int(c, PD_F_APP_REQUESTED_DAYS, 90);
	pd_case_set_date(c, PD_F_APPLICANT_BIRTH_DATE, D("1990-08-12"));
	pd_case_set_str(c, PD_F_APPLICANT_NATIONALITY, "SWE");
	pd_case_set_date(c, PD_F_PASSPORT_EXPIRY, D("2031-04-15"));
	assert_int_equal(pd_case_set_enum(c, PD_F_STATUS_DOCUMENT, "visa"), 0);
	assert_int_equal(pd_case_set_enum(c, PD_F_STATUS_TYPE, "Q2"), 0);
	pd_case_set_date(c, PD_F_STATUS_EXPIRY, D("2026-01-31"));
	pd_case_set_bool(c, PD_F_APPLICANT_GOOD_RECORD, true);
	pd_case_set_bool(c, PD_F_APPLICANT_FIRST_ENTRY, false);
	pd_case_derive(c);
}

/* "applicant.married sponsor.category" -> the set of those facts. */
static struct pd_factset factset(const char *paths)
{
	struct pd_factset s;
	memset(&s, 0, sizeof(s));
	const char *p = paths;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *e = p;
		while (*e && *e != ' ')
			e++;
		if (e > p) {
			int f = pd_fact_find(p, (size_t)(e - p));
			if (f < 0)
				fail_msg("unknown fact in test: %.*s", (int)(e - p), p);
			s.w[f / 64] |= (uint64_t)1 << (f % 64);
		}
		p = e;
	}
	return s;
}

static void factset_text(const struct pd_factset *s, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < PD_FACT_COUNT; i++)
		if (s->w[i / 64] >> (i % 64) & 1)
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
			                      n ? " " : "", pd_facts[i].path);
}

/*
 * A row: expression, expected value, and for an unknown value the facts it
 * hangs on.  want: "true", "false", "unknown", "YYYY-MM-DD" or an integer.
 */
struct vrow {
	const char *expr;
	const char *want;
	const char *why; /* unknown rows: space-separated case paths ("" for none) */
};

static void check_value(const char *text, const struct pd_eval_value *v, const char *want,
                        const char *why)
{
	char got[64];
	pd_date d;
	if (!v->known)
		snprintf(got, sizeof(got), "unknown");
	else if (v->type == PD_T_BOOL)
		snprintf(got, sizeof(got), "%s", v->i ? "true" : "false");
	else if (v->type == PD_T_DATE)
		pd_date_format(v->i, got);
	else
		snprintf(got, sizeof(got), "%d", (int)v->i);
	if (strcmp(got, want) != 0)
		fail_msg("`%s`: expected %s, got %s", text, want, got);
	/* The declared type agrees with what was asked for. */
	if (v->known && strlen(want) == 10 && pd_date_parse(want, 10, &d) == 0 &&
	    v->type != PD_T_DATE)
		fail_msg("`%s`: a date was expected, type %d", text, v->type);
	if (!v->known && why) {
		struct pd_factset w = factset(why);
		if (memcmp(&w, &v->why, sizeof(w)) != 0) {
			char g[512];
			factset_text(&v->why, g, sizeof(g));
			fail_msg("`%s`: unknown because of [%s], expected [%s]", text, g, why);
		}
	}
}

static void run_rows(const struct vrow *rows, size_t n, const struct pd_case *c,
                     const struct pd_pack *pack)
{
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_eval_ctx ctx = {.c = c, .date = c->facts[PD_F_DATE].i};
	for (size_t i = 0; i < n; i++) {
		struct pd_expr e;
		compile_ok(&arena, pack, rows[i].expr, &e);
		struct pd_eval_value v;
		memset(&v, 0xa5, sizeof(v));
		pd_expr_eval(&e, &ctx, &v);
		check_value(rows[i].expr, &v, rows[i].want, rows[i].why);
	}
	pd_arena_free(&arena);
}

#define RUN(rows, c, pack) run_rows(rows, sizeof(rows) / sizeof(rows[0]), c, pack)

/* ---- comparisons ----------------------------------------------------------------------------- */

static void test_compare(void **state)
{
	static const struct vrow rows[] = {
	    /* numbers (applicant.age is 35 on 2026-03-02) */
	    {"applicant.age == 35", "true", NULL},
	    {"applicant.age != 35", "false", NULL},
	    {"applicant.age < 36", "true", NULL},
	    {"applicant.age < 35", "false", NULL},
	    {"applicant.age <= 35", "true", NULL},
	    {"applicant.age > 35", "false", NULL},
	    {"applicant.age > 34", "true", NULL},
	    {"applicant.age >= 36", "false", NULL},
	    {"18 <= applicant.age", "true", NULL},
	    /* dates */
	    {"applicant.birth_date < 1990-08-13", "true", NULL},
	    {"applicant.birth_date < 1990-08-12", "false", NULL},
	    {"applicant.birth_date <= 1990-08-12", "true", NULL},
	    {"date == 2026-03-02", "true", NULL},
	    {"date != 2026-03-02", "false", NULL},
	    {"date > applicant.birth_date", "true", NULL},
	    {"applicant.passport.expiry >= date", "true", NULL},
	    /* words: either side, two facts of one vocabulary */
	    {"application.visa_type == \"Q2\"", "true", NULL},
	    {"\"Q2\" == application.visa_type", "true", NULL},
	    {"application.visa_type != \"Q2\"", "false", NULL},
	    {"application.action != 'renewal'", "true", NULL},
	    {"application.document == applicant.status.document", "true", NULL},
	    {"application.document != applicant.status.document", "false", NULL},
	    /* texts */
	    {"applicant.nationality == \"SWE\"", "true", NULL},
	    {"applicant.nationality == \"SW\"", "false", NULL},
	    {"applicant.nationality != \"DEU\"", "true", NULL},
	    {"\"SWE\" == \"SWE\"", "true", NULL},
	    /* yes/no */
	    {"applicant.good_record", "true", NULL},
	    {"applicant.good_record == true", "true", NULL},
	    {"applicant.first_entry == false", "true", NULL},
	    {"applicant.first_entry != applicant.good_record", "true", NULL},
	    {"true", "true", NULL},
	    {"false", "false", NULL},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

static void test_in(void **state)
{
	static const struct vrow rows[] = {
	    {"application.visa_type in [\"Q2\", \"S2\"]", "true", NULL},
	    {"application.visa_type in [\"C\"]", "false", NULL},
	    {"application.visa_type not in [\"C\", \"F\"]", "true", NULL},
	    {"application.visa_type not in [\"Q2\"]", "false", NULL},
	    {"application.action in ['renewal', 'reissue']", "false", NULL},
	    /* the last word of the longest vocabulary (index 21) */
	    {"applicant.status.type in [\"journalist\", \"Q2\"]", "true", NULL},
	    {"applicant.nationality in [\"NOR\", \"SWE\"]", "true", NULL},
	    {"applicant.nationality in [\"SW\", \"SWED\"]", "false", NULL},
	    {"applicant.nationality not in [\"SWE\"]", "false", NULL},
	    {"applicant.nationality not in [\"DEU\"]", "true", NULL},
	    /* unknown stays unknown, with its fact */
	    {"sponsor.category in [\"citizen_local\"]", "unknown", "sponsor.category"},
	    {"sponsor.category not in [\"citizen_local\"]", "unknown", "sponsor.category"},
	    {"applicant.passport.number in [\"X\"]", "unknown", "applicant.passport.number"},
	    {"not (application.visa_type in [\"Q2\"])", "false", NULL},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

/* ---- arithmetic ------------------------------------------------------------------------------ */

static void test_arithmetic(void **state)
{
	static const struct vrow rows[] = {
	    {"2 + 3 * 4", "14", NULL},
	    {"(2 + 3) * 4", "20", NULL},
	    {"10 - 3 - 2", "5", NULL},
	    {"20 / 2 / 5", "2", NULL},
	    {"7 / 2", "3", NULL},
	    {"-7 / 2", "-4", NULL}, /* rounds down */
	    {"0 / 5", "0", NULL},
	    {"-applicant.age", "-35", NULL},
	    {"- -3", "3", NULL},
	    {"2 * -3", "-6", NULL},
	    {"applicant.age + 1", "36", NULL},
	    {"application.requested_days - 30d", "60", NULL},
	    {"application.requested_days * 2 > 179", "true", NULL},
	    {"100000000 * 100", "unknown", ""}, /* out of range */
	    {"(applicant.age + 1) * 2 == 72", "true", NULL},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

static void test_division_by_zero(void **state)
{
	static const struct vrow rows[] = {
	    {"1 / 0", "unknown", ""},
	    {"applicant.age / 0", "unknown", ""},
	    {"applicant.age / (applicant.age - 35)", "unknown", ""},
	    {"1 / 0 == 1", "unknown", ""},
	    {"1 / 0 == 1 or true", "true", NULL},
	    {"1 / 0 == 1 and false", "false", NULL},
	    {"not (1 / 0 > 0)", "unknown", ""},
	    /* an unknown operand still names its fact */
	    {"applicant.status.stay_days / 0", "unknown", "applicant.status.stay_days"},
	    {"min(5, 1 / 0)", "unknown", ""},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

static void test_dates(void **state)
{
	static const struct vrow rows[] = {
	    {"date + 30d", "2026-04-01", NULL},
	    {"date - 30d", "2026-01-31", NULL},
	    {"date + 2w", "2026-03-16", NULL},
	    {"date - 1w", "2026-02-23", NULL},
	    {"date + 1m", "2026-04-02", NULL},
	    {"date + 6m", "2026-09-02", NULL},
	    {"date + 1y", "2027-03-02", NULL},
	    {"date - 1y", "2025-03-02", NULL},
	    {"date + 10", "2026-03-12", NULL},
	    {"date - 2", "2026-02-28", NULL},
	    {"date + 2 * 5", "2026-03-12", NULL},
	    {"date - applicant.birth_date", "12986", NULL},
	    {"2026-03-02 - 2026-03-01", "1", NULL},
	    {"2026-03-01 - 2026-03-02", "-1", NULL},
	    /* month ends clamp */
	    {"2026-01-31 + 1m", "2026-02-28", NULL},
	    {"2024-01-31 + 1m", "2024-02-29", NULL},
	    {"2026-03-31 - 1m", "2026-02-28", NULL},
	    {"2026-03-31 + 6m", "2026-09-30", NULL},
	    {"2026-08-31 + 1m", "2026-09-30", NULL},
	    {"2024-02-29 + 1y", "2025-02-28", NULL},
	    {"2024-02-29 - 4y", "2020-02-29", NULL},
	    {"2025-12-31 + 2m", "2026-02-28", NULL},
	    {"applicant.status.expiry + 1m", "2026-02-28", NULL},
	    {"applicant.status.expiry - 7d", "2026-01-24", NULL},
	    {"2026-12-31 + 1d", "2027-01-01", NULL},
	    {"2028-02-28 + 1d", "2028-02-29", NULL},
	    /* in comparisons */
	    {"date + 6m < applicant.passport.expiry", "true", NULL},
	    {"applicant.status.expiry - 7d < date", "true", NULL},
	    {"date <= applicant.status.expiry", "false", NULL},
	    /* unknown dates stay unknown */
	    {"applicant.status.entry_date + 1y", "unknown", "applicant.status.entry_date"},
	    {"applicant.status.entry_date - 30", "unknown", "applicant.status.entry_date"},
	    {"date - applicant.status.entry_date", "unknown", "applicant.status.entry_date"},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

/* Durations where a number is wanted are days counted forward from the case date. */
static void test_durations_as_days(void **state)
{
	static const struct vrow rows_2026[] = {
	    /* 2026-03-02 + 6m = 2026-09-02: 184 days; + 3m = 2026-06-02: 92 days */
	    {"days(6m)", "184", NULL},
	    {"days(3m)", "92", NULL},
	    {"days(1m)", "31", NULL},
	    {"days(1y)", "365", NULL},
	    {"days(2w)", "14", NULL},
	    {"days(30d)", "30", NULL},
	    {"application.requested_days <= 6m", "true", NULL},
	    {"application.requested_days > 3m", "false", NULL},
	    {"application.requested_days >= 90d", "true", NULL},
	    {"application.requested_days == 90d", "true", NULL},
	    {"application.requested_days < 13w", "true", NULL}, /* 91 */
	    {"3m > application.requested_days", "true", NULL},
	    {"1y == 365", "true", NULL},
	    {"application.requested_days + 1m", "121", NULL},
	    {"min(application.requested_days, 2m)", "61", NULL},
	    {"applicant.status.stay_days <= 6m", "unknown", "applicant.status.stay_days"},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows_2026, &c, NULL);

	/* The same words on another date give other day counts. */
	static const struct vrow rows_2024[] = {
	    {"days(1y)", "366", NULL}, /* 2024-01-31 .. 2025-01-31 */
	    {"days(1m)", "29", NULL},  /* 2024-01-31 .. 2024-02-29 (clamped) */
	    {"days(2m)", "60", NULL},  /* .. 2024-03-31 */
	    {"application.requested_days < 1m", "false", NULL},
	};
	pd_case_set_date(&c, PD_F_DATE, D("2024-01-31"));
	pd_case_set_int(&c, PD_F_APP_REQUESTED_DAYS, 29);
	pd_case_derive(&c);
	RUN(rows_2024, &c, NULL);
}

/* ---- functions ------------------------------------------------------------------------------- */

static void test_functions(void **state)
{
	static const struct vrow rows[] = {
	    {"known(applicant.age)", "true", NULL},
	    {"known(applicant.married)", "false", NULL}, /* known() itself is never unknown */
	    {"not known(sponsor.category)", "true", NULL},
	    {"min(3, 1, 2)", "1", NULL},
	    {"max(3, 1, 2)", "3", NULL},
	    {"min(7)", "7", NULL},
	    {"max(-4, -9)", "-4", NULL},
	    {"min(10, 30d)", "10", NULL},
	    {"max(10, 30d)", "30", NULL},
	    {"min(date + 1y, applicant.passport.expiry)", "2027-03-02", NULL},
	    {"max(date, 2026-01-01, applicant.status.expiry)", "2026-03-02", NULL},
	    {"min(applicant.passport.expiry, 2031-04-16)", "2031-04-15", NULL},
	    {"min(90, applicant.status.stay_days)", "unknown", "applicant.status.stay_days"},
	    {"max(applicant.status.stay_days, application.visa_validity_days, 3)", "unknown",
	     "application.visa_validity_days applicant.status.stay_days"},
	    {"min(applicant.status.stay_days, 3) < 5", "unknown", "applicant.status.stay_days"},
	    {"years(applicant.birth_date, date)", "35", NULL},
	    {"years(1990-08-12, 2026-08-11)", "35", NULL},
	    {"years(1990-08-12, 2026-08-12)", "36", NULL},
	    {"years(2024-02-29, 2025-02-28)", "0", NULL},
	    {"years(2024-02-29, 2025-03-01)", "1", NULL},
	    {"years(applicant.status.entry_date, date)", "unknown", "applicant.status.entry_date"},
	    {"days(6m) - days(3m)", "92", NULL},
	    {"max(1, 2, 3, 4, 5, 6, 7, 8)", "8", NULL},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

/* provided("id") looks in documents[]; the compiler checks the id against the pack. */
static void test_provided(void **state)
{
	struct pd_pmaterial mats[3];
	memset(mats, 0, sizeof(mats));
	const char *ids[3] = {"passport", "photo", "kinship_proof"};
	for (int i = 0; i < 3; i++) {
		mats[i].id = ids[i];
		mats[i].id_len = strlen(ids[i]);
	}
	struct pd_pack pack;
	memset(&pack, 0, sizeof(pack));
	pack.id = "test";
	pack.materials = mats;
	pack.n_materials = 3;

	struct pd_document docs[2];
	memset(docs, 0, sizeof(docs));
	docs[0] = (struct pd_document){.type = "passport",
	                               .issued = PD_DATE_NONE,
	                               .expires = PD_DATE_NONE,
	                               .foreign = -1,
	                               .notarized = -1,
	                               .legalized = -1,
	                               .translated = -1};
	docs[1] = docs[0];
	docs[1].type = "photo";

	static const struct vrow rows[] = {
	    {"provided(\"passport\")", "true", NULL},
	    {"provided('photo')", "true", NULL},
	    {"provided(\"kinship_proof\")", "false", NULL},
	    {"not provided(\"kinship_proof\") and provided(\"passport\")", "true", NULL},
	};
	struct pd_case c;
	base_case(&c);
	c.documents = docs;
	c.n_documents = 2;
	c.documents_given = true;
	RUN(rows, &c, &pack);

	/* No documents at all: provided() is false, never unknown. */
	c.documents = NULL;
	c.n_documents = 0;
	static const struct vrow none[] = {{"provided(\"passport\")", "false", NULL}};
	RUN(none, &c, &pack);

	/* A material the pack does not define is a compile error at the quoted id. */
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e;
	struct pd_error err;
	assert_int_equal(compile_in(&arena, &pack, "provided(\"pasport\")", &e, &err),
	                 PD_FAIL(PD_EPOLICY));
	assert_string_equal(err.message, "unknown material \"pasport\" in `provided(\"pasport\")`");
	assert_int_equal(err.column, T_COL + 9);
	pd_arena_free(&arena);
}

/* ---- three-valued logic ---------------------------------------------------------------------- */

/* A is applicant.married, B is applicant.dependent_adult: each true, false or unknown. */
static void set_tv(struct pd_case *c, enum pd_fact_id f, char v)
{
	c->facts[f].known = v != 'U';
	c->facts[f].i = v == 'T';
}

static void test_kleene(void **state)
{
	/* Kleene's strong logic: rows A, columns B, in the order T F U. */
	static const char *const and_table[3][3] = {
	    {"true", "false", "unknown"},
	    {"false", "false", "false"},
	    {"unknown", "false", "unknown"},
	};
	static const char *const or_table[3][3] = {
	    {"true", "true", "true"},
	    {"true", "false", "unknown"},
	    {"true", "unknown", "unknown"},
	};
	static const char *const not_table[3] = {"false", "true", "unknown"};
	static const char tv[3] = {'T', 'F', 'U'};

	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e_and, e_or, e_not, e_and_r, e_or_r;
	compile_ok(&arena, NULL, "applicant.married and applicant.dependent_adult", &e_and);
	compile_ok(&arena, NULL, "applicant.married or applicant.dependent_adult", &e_or);
	compile_ok(&arena, NULL, "not applicant.married", &e_not);
	/* the same with the operands swapped: both are commutative */
	compile_ok(&arena, NULL, "applicant.dependent_adult and applicant.married", &e_and_r);
	compile_ok(&arena, NULL, "applicant.dependent_adult or applicant.married", &e_or_r);

	struct pd_case c;
	base_case(&c);
	struct pd_eval_ctx ctx = {.c = &c, .date = c.facts[PD_F_DATE].i};
	for (int a = 0; a < 3; a++) {
		for (int b = 0; b < 3; b++) {
			set_tv(&c, PD_F_APPLICANT_MARRIED, tv[a]);
			set_tv(&c, PD_F_APPLICANT_DEPENDENT_ADULT, tv[b]);
			/* An unknown result names exactly the unknown operands. */
			char why[128] = "";
			if (tv[a] == 'U')
				strcat(why, "applicant.married ");
			if (tv[b] == 'U')
				strcat(why, "applicant.dependent_adult");
			struct pd_eval_value v;
			char label[160];
			snprintf(label, sizeof(label), "%c and %c", tv[a], tv[b]);
			pd_expr_eval(&e_and, &ctx, &v);
			check_value(label, &v, and_table[a][b], why);
			pd_expr_eval(&e_and_r, &ctx, &v);
			check_value(label, &v, and_table[a][b], why);
			snprintf(label, sizeof(label), "%c or %c", tv[a], tv[b]);
			pd_expr_eval(&e_or, &ctx, &v);
			check_value(label, &v, or_table[a][b], why);
			pd_expr_eval(&e_or_r, &ctx, &v);
			check_value(label, &v, or_table[a][b], why);
		}
		set_tv(&c, PD_F_APPLICANT_MARRIED, tv[a]);
		struct pd_eval_value v;
		char label[32];
		snprintf(label, sizeof(label), "not %c", tv[a]);
		pd_expr_eval(&e_not, &ctx, &v);
		check_value(label, &v, not_table[a], tv[a] == 'U' ? "applicant.married" : "");
	}
	pd_arena_free(&arena);
}

/* Precedence: not binds tighter than and, and tighter than or. */
static void test_precedence(void **state)
{
	static const struct vrow rows[] = {
	    {"true or false and false", "true", NULL},
	    {"(true or false) and false", "false", NULL},
	    {"not false and false", "false", NULL},
	    {"not (false and false)", "true", NULL},
	    {"not not true", "true", NULL},
	    {"not applicant.age > 40", "true", NULL},
	    {"applicant.age > 30 and applicant.age < 40 or applicant.married", "true", NULL},
	    {"applicant.married or applicant.age > 30 and applicant.age < 40", "true", NULL},
	    {"applicant.married and applicant.age > 30 or applicant.age > 40", "unknown",
	     "applicant.married"},
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);
}

/* ---- the facts an unknown result hangs on ---------------------------------------------------- */

static void test_why(void **state)
{
	static const struct vrow rows[] = {
	    /* a derived fact is asked for through the fact it comes from */
	    {"applicant.age >= 18", "unknown", "applicant.birth_date"},
	    {"applicant.age + 1", "unknown", "applicant.birth_date"},
	    {"years(applicant.birth_date, date) >= 18", "unknown", "applicant.birth_date"},
	    {"application.visa_type == \"Q2\" and applicant.married", "unknown",
	     "application.visa_type applicant.married"},
	    {"application.visa_type == \"Q2\" or applicant.married", "unknown",
	     "application.visa_type applicant.married"},
	    /* a decisive known operand drops the others' facts */
	    {"applicant.good_record or applicant.married", "true", NULL},
	    {"applicant.first_entry and applicant.married", "false", NULL},
	    /* a non-decisive known operand leaves only the unknown one */
	    {"applicant.good_record and applicant.married", "unknown", "applicant.married"},
	    {"date + 30d < applicant.status.expiry", "unknown", "applicant.status.expiry"},
	    {"applicant.status.expiry - applicant.status.entry_date > 30", "unknown",
	     "applicant.status.expiry applicant.status.entry_date"},
	    {"not (sponsor.relationship in [\"spouse\", \"child\"] and applicant.married)",
	     "unknown", "applicant.married sponsor.relationship"},
	    {"known(applicant.married) or applicant.married", "unknown", "applicant.married"},
	};
	struct pd_case c;
	pd_case_init(&c);
	pd_case_set_str(&c, PD_F_JURISDICTION, "zhejiang");
	pd_case_set_date(&c, PD_F_DATE, D("2026-03-02"));
	pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, true);
	pd_case_set_bool(&c, PD_F_APPLICANT_FIRST_ENTRY, false);
	pd_case_derive(&c);
	RUN(rows, &c, NULL);

	/* The set of facts an expression reads, as the loader keeps it. */
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e;
	compile_ok(&arena, NULL, "applicant.age >= 18 and application.visa_type in [\"Q2\"]", &e);
	struct pd_factset want = factset("applicant.age application.visa_type");
	assert_memory_equal(&e.facts, &want, sizeof(want));
	assert_int_equal(e.type, PD_T_BOOL);
	assert_string_equal(e.file, T_FILE);
	assert_int_equal(e.line, T_LINE);
	assert_int_equal(e.column, T_COL);
	pd_arena_free(&arena);
}

/* Age is whole years reached: the day before the birthday it is one less. */
static void test_age_boundaries(void **state)
{
	static const struct {
		const char *birth, *date;
		const char *adult; /* applicant.age >= 18 */
	} rows[] = {
	    {"2008-03-02", "2026-03-02", "true"},
	    {"2008-03-03", "2026-03-02", "false"},
	    {"2008-02-29", "2026-02-28", "false"},
	    {"2008-02-29", "2026-03-01", "true"},
	};
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e;
	compile_ok(&arena, NULL, "applicant.age >= 18", &e);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		pd_case_init(&c);
		pd_case_set_date(&c, PD_F_DATE, D(rows[i].date));
		pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D(rows[i].birth));
		pd_case_derive(&c);
		struct pd_eval_ctx ctx = {.c = &c, .date = c.facts[PD_F_DATE].i};
		struct pd_eval_value v;
		pd_expr_eval(&e, &ctx, &v);
		check_value(rows[i].birth, &v, rows[i].adult, NULL);
	}
	pd_arena_free(&arena);
}

/* ---- compile errors -------------------------------------------------------------------------- */

struct erow {
	const char *expr;
	int col;         /* 0-based offset in expr of the offending token */
	const char *msg; /* before " in `expr`" */
};

static const struct erow errors[] = {
    /* unknown fact */
    {"applicant.agee >= 18", 0, "unknown fact `applicant.agee`"},
    {"applicant.age >= 18 and sponsor.kind == \"x\"", 24, "unknown fact `sponsor.kind`"},
    /* unknown word: the message lists the vocabulary */
    {"application.visa_type == \"Q3\"", 25,
     "\"Q3\" is not one of: C, F, G, J2, L, M, Q2, R, S2, X2"},
    {"\"Q3\" == application.visa_type", 0,
     "\"Q3\" is not one of: C, F, G, J2, L, M, Q2, R, S2, X2"},
    {"application.action in [\"extension\", \"extend\"]", 36,
     "\"extend\" is not one of: issuance, extension, renewal, reissue, change"},
    {"application.document not in [\"permit\"]", 29,
     "\"permit\" is not one of: residence_permit, visa"},
    {"application.visa_type in [2]", 26, "expected a quoted word of `visa_type`"},
    /* types */
    {"applicant.birth_date < 5", 21, "cannot compare a date with a number"},
    {"applicant.age == date", 14, "cannot compare a number with a date"},
    {"applicant.nationality == 3", 22, "cannot compare a text with a number"},
    {"applicant.married == 1", 18, "cannot compare a yes/no value with a number"},
    {"application.document == application.action", 21,
     "cannot compare a word from a list with a word from a list"},
    {"applicant.passport.expiry > 6m", 0, "expected a number, found a date"},
    {"not applicant.age", 0, "`not` needs a yes/no value, not a number"},
    {"applicant.age and true", 0, "`and` needs yes/no values, not a number"},
    {"true or date", 8, "`or` needs yes/no values, not a date"},
    {"applicant.age in [1, 2]", 14, "`in` needs a word or a text on its left, not a number"},
    {"applicant.nationality in [\"SWE\", 1]", 33, "expected a quoted text"},
    {"30d + date", 0, "put the date first: `date + 30d`"},
    {"date + date", 5, "cannot add a date to a date"},
    {"date + true", 5, "cannot add a yes/no value to a date"},
    {"applicant.nationality + 1", 0, "arithmetic needs numbers or dates, not a text"},
    {"6m", 0,
     "a duration alone has no value here; compare it with a number of days or add it "
     "to a date"},
    {"-date", 1, "expected a number, found a date"},
    /* operators that are not ours */
    {"applicant.age = 18", 14, "`=` is not an operator: write `==`"},
    {"applicant.good_record && applicant.married", 22, "write `and`, `or`, `not` instead of `&`"},
    {"applicant.good_record || applicant.married", 22, "write `and`, `or`, `not` instead of `|`"},
    {"!applicant.married", 0, "write `and`, `or`, `not` instead of `!`"},
    {"applicant.age >= 18 $", 20, "unexpected character `$`"},
    /* lexing */
    {"application.visa_type == \"Q2", 25, "unterminated string"},
    {"application.visa_type == 'Q2\"", 25, "unterminated string"},
    {"applicant.age > 18years", 16, "bad number or date"},
    {"applicant.age < 1000000000", 16, "number too large"},
    /* structure */
    {"applicant.age >= 18 18", 20, "unexpected `18` after the expression"},
    {"applicant.age >= 18)", 19, "unexpected `)` after the expression"},
    {"(applicant.age >= 18", 20, "expected `)`"},
    {"((applicant.age >= 18)", 22, "expected `)`"},
    {"min(1, 2", 8, "expected `)` or `,`"},
    {"applicant.age >=", 16, "unexpected end of expression"},
    {"", 0, "unexpected end of expression"},
    {"applicant.age >= and", 17, "unexpected `and`"},
    {"application.visa_type in \"Q2\"", 25, "expected `[` after `in`"},
    {"application.visa_type in [\"Q2\"", 30, "expected `]` or `,`"},
    {"application.visa_type in []", 26, "expected a literal in the list"},
    {"applicant.age not 18", 18, "expected `in` after `not`"},
    /* functions */
    {"years(date)", 0, "years(from, to) takes two dates"},
    {"years(date, date, date)", 0, "years(from, to) takes two dates"},
    {"years(date, 5)", 12, "expected a date"},
    {"known()", 0, "known() takes one fact path"},
    {"known(applicant.age, date)", 0, "known() takes one fact path"},
    {"known(1)", 0, "known() takes one fact path"},
    {"provided()", 0, "provided() takes one quoted material id"},
    {"provided(passport)", 9, "unknown fact `passport`"},
    {"days(5)", 0, "days() takes one duration such as 6m"},
    {"days(1m, 2m)", 0, "days() takes one duration such as 6m"},
    {"min()", 0, "min() needs at least one value"},
    {"max(true)", 4, "expected a number or a date"},
    {"min(1, date)", 7, "mixes numbers and dates"},
    {"min(1, 2, 3, 4, 5, 6, 7, 8, 9)", 28, "too many arguments"},
    {"foo(1)", 0,
     "unknown function `foo` (known: known, provided, min, max, years, days, "
     "mrz_given, mrz_valid, mrz_matches, id_valid, id_kind)"},
    {"age(applicant.birth_date) > 18", 0,
     "unknown function `age` (known: known, provided, min, max, years, days, "
     "mrz_given, mrz_valid, mrz_matches, id_valid, id_kind)"},
    /* words cannot be ordered */
    {"application.visa_type < \"Q2\"", 22, "words cannot be ordered; use `==`, `!=` or `in`"},
    {"application.visa_type >= \"C\"", 22, "words cannot be ordered; use `==`, `!=` or `in`"},
    {"\"Q2\" > application.visa_type", 5, "put the fact on the left of `<`, `>`"},
    {"application.document < applicant.status.document", 21,
     "a word from a list cannot be ordered"},
    {"applicant.married < true", 18, "a yes/no value cannot be ordered"},
    {"applicant.nationality < \"SWE\"", 22, "a text cannot be ordered"},
};

static void test_compile_errors(void **state)
{
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		const struct erow *r = &errors[i];
		struct pd_expr e;
		struct pd_error err;
		int rc = compile_in(&arena, NULL, r->expr, &e, &err);
		if (rc == 0)
			fail_msg("`%s` compiled; expected: %s", r->expr, r->msg);
		char want[1024];
		snprintf(want, sizeof(want), "%s in `%s`", r->msg, r->expr);
		if (rc != PD_FAIL(PD_EPOLICY) || err.code != PD_EPOLICY ||
		    strcmp(err.message, want) != 0 || err.column != T_COL + r->col ||
		    err.line != T_LINE || strcmp(err.file, T_FILE) != 0)
			fail_msg("`%s`:\n  expected %s:%d:%d: %s\n  got      %s:%d:%d: %s (rc %d)",
			         r->expr, T_FILE, T_LINE, T_COL + r->col, want, err.file, err.line,
			         err.column, err.message, rc);
	}
	pd_arena_free(&arena);
}

/* The formatted error is what lint prints. */
static void test_error_format(void **state)
{
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e;
	struct pd_error err;
	assert_int_not_equal(compile_in(&arena, NULL, "applicant.age = 18", &e, &err), 0);
	char buf[600];
	pd_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "policy/test/rules.yaml:7:24: `=` is not an operator: write `==` "
	                         "in `applicant.age = 18`");
	pd_arena_free(&arena);
}

/* Nesting is bounded (the parser recurses) and so is the evaluator's stack. */
static void test_limits(void **state)
{
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	char text[4096];
	struct pd_expr e;
	struct pd_error err;

	/* 24 levels of parentheses are fine, 25 are not. */
	for (int depth = 24; depth <= 25; depth++) {
		size_t n = 0;
		for (int i = 0; i < depth; i++)
			text[n++] = '(';
		n += (size_t)snprintf(text + n, sizeof(text) - n, "applicant.age");
		for (int i = 0; i < depth; i++)
			text[n++] = ')';
		n += (size_t)snprintf(text + n, sizeof(text) - n, " >= 18");
		int rc = compile_in(&arena, NULL, text, &e, &err);
		if (depth == 24) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, PD_FAIL(PD_EPOLICY));
			assert_int_equal(err.column, T_COL + 25);
			char want[200];
			snprintf(want, sizeof(want), "expression nested too deeply in `%.120s`",
			         text);
			assert_string_equal(err.message, want);
		}
	}

	/* Nesting through not, unary minus and function calls counts too. */
	size_t n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "not ");
	snprintf(text + n, sizeof(text) - n, "applicant.married");
	assert_int_equal(compile_in(&arena, NULL, text, &e, &err), PD_FAIL(PD_EPOLICY));
	assert_non_null(strstr(err.message, "expression nested too deeply"));

	n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "min(");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "1");
	for (int i = 0; i < 30; i++)
		text[n++] = ')';
	text[n] = '\0';
	assert_int_equal(compile_in(&arena, NULL, text, &e, &err), PD_FAIL(PD_EPOLICY));
	assert_non_null(strstr(err.message, "expression nested too deeply"));

	/* Hundreds of thousands of `not` or `-` (a policy file may hold 4 MB): an error at the
	 * 26th, not a stack overflow (regression: the parser recursed once per operator). */
	static const char *const units[] = {"not ", "- "};
	for (int u = 0; u < 2; u++) {
		size_t ul = strlen(units[u]), reps = 1000000;
		char *big = malloc(reps * ul + 8);
		assert_non_null(big);
		for (size_t i = 0; i < reps; i++)
			memcpy(big + i * ul, units[u], ul);
		memcpy(big + reps * ul, "1", 2);
		int rc = compile_in(&arena, NULL, big, &e, &err);
		free(big);
		assert_int_equal(rc, PD_FAIL(PD_EPOLICY));
		assert_int_equal(err.column, T_COL + 25 * (int)ul);
		assert_non_null(strstr(err.message, "expression nested too deeply in `"));
	}

	/* Wide and shallow: many values on the stack at once. */
	n = 0;
	for (int i = 0; i < 5; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "min(1, 2, 3, 4, 5, 6, 7, ");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "8");
	for (int i = 0; i < 5; i++)
		text[n++] = ')';
	text[n] = '\0';
	assert_int_equal(compile_in(&arena, NULL, text, &e, &err), PD_FAIL(PD_EPOLICY));
	assert_non_null(strstr(err.message, "expression too complex in `"));

	/* Four levels of the same fit, and evaluate to the smallest. */
	n = 0;
	for (int i = 0; i < 4; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "min(9, 8, 7, 6, 5, 4, %d, ",
		                      10 + i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "3");
	for (int i = 0; i < 4; i++)
		text[n++] = ')';
	text[n] = '\0';
	compile_ok(&arena, NULL, text, &e);
	struct pd_case c;
	base_case(&c);
	struct pd_eval_ctx ctx = {.c = &c, .date = c.facts[PD_F_DATE].i};
	struct pd_eval_value v;
	pd_expr_eval(&e, &ctx, &v);
	check_value(text, &v, "3", NULL);

	/* A very long chain (no nesting) compiles and stays shallow. */
	n = 0;
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "applicant.age > %d or ", i + 40);
	snprintf(text + n, sizeof(text) - n, "applicant.age == 35");
	compile_ok(&arena, NULL, text, &e);
	pd_expr_eval(&e, &ctx, &v);
	check_value("a chain of 101 or", &v, "true", NULL);

	/* 201 ones summed: 403 operations fit; 300 (601 operations) do not. */
	n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "1 + ");
	snprintf(text + n, sizeof(text) - n, "1 == 201");
	compile_ok(&arena, NULL, text, &e);
	pd_expr_eval(&e, &ctx, &v);
	check_value("a sum of 201 ones", &v, "true", NULL);
	n = 0;
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "1 + ");
	snprintf(text + n, sizeof(text) - n, "1 == 301");
	assert_int_equal(compile_in(&arena, NULL, text, &e, &err), PD_FAIL(PD_EPOLICY));
	/* the quoted text is cut at 120 bytes */
	char want[200];
	snprintf(want, sizeof(want), "expression too long in `%.120s`", text);
	assert_string_equal(err.message, want);
	pd_arena_free(&arena);
}

/* A compiled expression is independent of the text it came from. */
static void test_copies_text(void **state)
{
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	char text[] = "applicant.nationality in [\"SWE\"] and applicant.nationality != \"NOR\"";
	struct pd_expr e;
	compile_ok(&arena, NULL, text, &e);
	memset(text, 'x', sizeof(text) - 1);
	assert_string_equal(
	    e.text, "applicant.nationality in [\"SWE\"] and applicant.nationality != \"NOR\"");
	struct pd_case c;
	base_case(&c);
	struct pd_eval_ctx ctx = {.c = &c, .date = c.facts[PD_F_DATE].i};
	struct pd_eval_value v;
	pd_expr_eval(&e, &ctx, &v);
	check_value("in after the text changed", &v, "true", NULL);
	pd_arena_free(&arena);
}

/* Once bugs, now pinned: floor division, impossible date literals, overlong durations. */
static void test_fixed_bugs(void **state)
{
	/* docs/policy-language.md: "whole-number arithmetic (division rounds down)". */
	static const struct vrow rows[] = {
	    {"7 / -2", "-4", NULL}, /* got -3 (truncated) */
	    {"-7 / -2", "3", NULL}, /* got 2 */
	    {"-8 / -2", "4", NULL}, /* got 2 */
	    {"-1 / -1", "1", NULL}, /* got -1 */
	};
	struct pd_case c;
	base_case(&c);
	RUN(rows, &c, NULL);

	/* 2026-02-30 is no date: it must not compile as 2026 - 2 - 30. */
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	struct pd_expr e;
	struct pd_error err;
	int rc = compile_in(&arena, NULL, "application.requested_days < 2026-02-30", &e, &err);
	assert_int_equal(rc, PD_FAIL(PD_EPOLICY));
	assert_non_null(strstr(err.message, "2026-02-30 is not a real date"));
	/* A duration too long to hold is refused, not read as 0. */
	rc = compile_in(&arena, NULL, "days(1234567d) > 0", &e, &err);
	assert_int_equal(rc, PD_FAIL(PD_EPOLICY));
	assert_non_null(strstr(err.message, "duration too long"));
	pd_arena_free(&arena);
}

/* Guards: only word tests that are conjuncts of the whole condition. */
static void test_guards(void **state)
{
	static const struct {
		const char *expr;
		int n_guards;
		bool complete;
	} rows[] = {
	    {"application.document == \"visa\"", 1, true},
	    {"application.document == \"visa\" and application.action == \"extension\"", 2, true},
	    {"application.document == \"visa\" and application.action in [\"extension\", "
	     "\"renewal\"] and application.visa_type == \"Q2\"",
	     3, true},
	    {"application.document == \"visa\" and applicant.age > 60", 1, false},
	    {"application.document == \"visa\" and (applicant.married or applicant.age > 60)", 1,
	     false},
	    /* a false `document` test does not decide an `or` */
	    {"(application.document == \"visa\" and application.action == \"extension\") or "
	     "applicant.married",
	     0, false},
	    {"applicant.married and application.document == \"visa\"", 0, false},
	    {"application.document != \"visa\"", 0, false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_arena arena;
		pd_arena_init(&arena, 4096, 0);
		struct pd_expr e;
		struct pd_error err;
		assert_int_equal(compile_in(&arena, NULL, rows[i].expr, &e, &err), 0);
		if (e.n_guards != rows[i].n_guards || e.complete != rows[i].complete)
			fail_msg("%s: %d guards%s, expected %d%s", rows[i].expr, e.n_guards,
			         e.complete ? " (complete)" : "", rows[i].n_guards,
			         rows[i].complete ? " (complete)" : "");
		pd_arena_free(&arena);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_in),
	    cmocka_unit_test(test_arithmetic),
	    cmocka_unit_test(test_division_by_zero),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_durations_as_days),
	    cmocka_unit_test(test_functions),
	    cmocka_unit_test(test_provided),
	    cmocka_unit_test(test_kleene),
	    cmocka_unit_test(test_precedence),
	    cmocka_unit_test(test_why),
	    cmocka_unit_test(test_age_boundaries),
	    cmocka_unit_test(test_compile_errors),
	    cmocka_unit_test(test_error_format),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_copies_text),
	    cmocka_unit_test(test_fixed_bugs),
	    cmocka_unit_test(test_guards),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
