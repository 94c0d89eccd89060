/*
 * fuzz_expr.c: the expression compiler of policy conditions (pd_expr_compile,
 * src/lib/policy/expr.c) on any bytes, and the evaluator on what compiles.
 *
 * The compiler is called as the loader calls it, with a build state of its
 * own arena and no pack (so provided() accepts any material).  A compiled
 * expression is evaluated twice: on a case where every fact is unknown, and
 * on one where every bool, int and date fact has a value drawn from the
 * input, within what the case decoder accepts (integers 0 to INT32_MAX, the
 * extremes included), so that the three-valued logic, date arithmetic and
 * integer operators all run.  Checked: a failed compile says
 * why; a compiled expression reads only facts it declares.
 */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "policy/policy_int.h"

static uint32_t next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void fill_case(struct pd_case *c, const uint8_t *data, size_t size)
{
	/* What the case decoder lets through: integers from 0 to INT32_MAX. */
	static const int32_t ints[] = {0, 1, 2, 17, 18, 30, 60, 180, 366, 1 << 20, INT32_MAX};
	uint32_t s = 2166136261u;

	for (size_t i = 0; i < size; i++)
		s = (s ^ data[i]) * 16777619u;
	pd_case_init(c);
	for (int f = 0; f < PD_FACT_COUNT; f++) {
		if (pd_facts[f].flags & PD_FF_DERIVED)
			continue;
		switch (pd_facts[f].type) {
		case PD_T_BOOL:
			pd_case_set_bool(c, (enum pd_fact_id)f, next(&s) & 1);
			break;
		case PD_T_INT:
			pd_case_set_int(c, (enum pd_fact_id)f,
			                ints[next(&s) % (sizeof(ints) / sizeof(ints[0]))]);
			break;
		case PD_T_DATE:
			pd_case_set_date(c, (enum pd_fact_id)f,
			                 pd_date_from_ymd(1900 + (int)(next(&s) % 200),
			                                  1 + (int)(next(&s) % 12),
			                                  1 + (int)(next(&s) % 28)));
			break;
		case PD_T_STRING:
			pd_case_set_str(c, (enum pd_fact_id)f, "fuzz");
			break;
		default:
			break; /* enums stay unknown */
		}
	}
	pd_case_derive(c);
}

static bool reads_derived(const struct pd_expr *e)
{
	for (int f = 0; f < PD_FACT_COUNT; f++)
		if ((pd_facts[f].flags & PD_FF_DERIVED) && (e->facts.w[f / 64] >> (f % 64) & 1))
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_arena arena;
	struct pd_error err, first;
	struct pd_expr e;
	struct pd_case c;

	if (size > 4096)
		return 0;
	pd_arena_init(&arena, 1u << 12, 16u << 20);
	pd_error_clear(&err);
	pd_error_clear(&first);
	struct pd_policy_build b = {.arena = &arena, .first = &first};

	int rc = pd_expr_compile(&b, (const char *)data, size, "fuzz.yaml", 1, 1, &e, &err);
	if (rc != 0) {
		fuzz_assert(rc < 0);
		fuzz_assert(err.message[0] != '\0');
	} else {
		struct pd_eval_value v;
		fuzz_assert(e.n_ops > 0);
		pd_case_init(&c);
		pd_case_derive(&c);
		struct pd_eval_ctx ctx = {.c = &c, .date = pd_date_from_ymd(2025, 6, 30)};
		pd_expr_eval(&e, &ctx, &v);
		if (!v.known && !reads_derived(&e)) {
			/* What it hangs on is among what it reads (a derived fact such
			 * as applicant.age hangs on the facts it comes from). */
			for (int w = 0; w < PD_FACTSET_WORDS; w++)
				fuzz_assert((v.why.w[w] & ~e.facts.w[w]) == 0);
		}
		fill_case(&c, data, size);
		pd_expr_eval(&e, &ctx, &v);
	}
	pd_arena_free(&arena);
	return 0;
}
