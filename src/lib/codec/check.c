/*
 * check.c: pd_check() (codec.h), the one call for "check a case": decode,
 * optionally replace the date, evaluate, and point an evaluation error at
 * the fact it is about.
 *
 * `check`, `check --batch`, the workflow's assessor, policy coverage and the
 * HTTP server all call this, so a case says the same thing, with the same
 * locations, whoever asks.  The decoder records where each fact stood
 * (pd_case.fact_line, fact_column, already shifted by line_base); the engine
 * knows only case paths, so an error it returns with a path and no line is
 * given the line:column of that path's fact here.
 */
#include <stdio.h>
#include <string.h>

#include "permitdesk/codec.h"

int pd_check(const struct pd_policy *pol, const char *json, size_t len,
             const struct pd_check_opts *opts, struct pd_arena *arena, struct pd_case *c,
             struct pd_result **out, struct pd_error *err)
{
	static const struct pd_check_opts defaults = {
	    .today = PD_DATE_NONE,
	    .date = PD_DATE_NONE,
	};
	const struct pd_check_opts *o = opts ? opts : &defaults;
	pd_date today = o->today == PD_DATE_NONE ? pd_today() : o->today;
	int rc;

	*out = NULL;
	if (!c && !(c = pd_arena_alloc(arena, sizeof(*c))))
		return pd_error_at(err, PD_ENOMEM, o->name, 0, 0, NULL, "out of memory");
	if ((rc = pd_case_decode(json, len, o->name, o->line_base, today, arena, c, err)))
		return rc;
	if (o->date != PD_DATE_NONE) {
		pd_case_set_date(c, PD_F_DATE, o->date);
		pd_case_derive(c);
	}
	if ((rc = pd_evaluate(pol, c, arena, out, err)) == 0)
		return 0;
	*out = NULL;
	if (err && !err->file[0] && o->name)
		snprintf(err->file, sizeof(err->file), "%s", o->name);
	if (err && err->line == 0 && err->path[0]) {
		int f = pd_fact_find(err->path, strlen(err->path));
		if (f >= 0 && c->fact_line[f]) {
			err->line = c->fact_line[f];
			err->column = c->fact_column[f];
		}
	}
	return rc;
}
