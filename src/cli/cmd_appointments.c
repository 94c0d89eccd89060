/*
 * cmd_appointments.c: `permitdesk appointments --db FILE [--as USER [--token
 * T]] [--policy DIR] [--format text|json] [--lang en|zh] [--pretty] OFFICE
 * DATE`: the officer's day view of an office (pd_appointment_day_json, the
 * same JSON as GET /api/v1/offices/{id}/appointments?date=, or
 * pd_appointment_day_text for people), read-only.
 *
 * As `case list`: --as USER is proven (auth.c: --token, PERMITDESK_TOKEN or
 * the password on standard input) and must hold the capability
 * `appointments`, as the API asks; without --as the view is the operator's,
 * whoever can read the database file.  The database is --db, else
 * PERMITDESK_DB.
 *
 * Exit codes (sysexits.h): 0 printed, 64 usage, 65 a bad date, 66 no such
 * office or database, 75 the database busy, 77 not proven or not permitted,
 * 78 policy error, 70 internal errors.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

struct appt_opts {
	const char *db, *as, *token, *policy, *format, *lang, *office, *date;
	bool pretty;
};

static const struct cli_opt opts[] = {
    {"--db", offsetof(struct appt_opts, db), false},
    {"--as", offsetof(struct appt_opts, as), false},
    {"--token", offsetof(struct appt_opts, token), false},
    {"--policy", offsetof(struct appt_opts, policy), false},
    {"--format", offsetof(struct appt_opts, format), false},
    {"--lang", offsetof(struct appt_opts, lang), false},
    {"--pretty", offsetof(struct appt_opts, pretty), true},
};

static int parse(int argc, char **argv, struct appt_opts *o)
{
	const char *args[2] = {NULL, NULL};
	size_t n;
	memset(o, 0, sizeof(*o));
	o->format = "text";
	int rc = cli_parse("appointments", argc, argv, opts, sizeof(opts) / sizeof(opts[0]), o,
	                   args, 2, &n);
	if (rc)
		return rc;
	o->office = args[0];
	o->date = args[1];
	if (!o->date)
		return cli_usage("appointments", "appointments needs OFFICE DATE");
	if (!o->db)
		o->db = getenv("PERMITDESK_DB");
	if (!o->db || !o->db[0])
		return cli_usage("appointments", "appointments needs --db FILE (or PERMITDESK_DB)");
	if (strcmp(o->format, "json") != 0 && strcmp(o->format, "text") != 0)
		return cli_usage("appointments", "--format takes text or json, not '%s'",
		                 o->format);
	if (o->lang && strcmp(o->lang, "en") != 0 && strcmp(o->lang, "zh") != 0)
		return cli_usage("appointments", "--lang takes en or zh, not '%s'", o->lang);
	if (o->lang && strcmp(o->format, "text") != 0)
		return cli_usage("appointments", "--lang is for --format text");
	if (o->token && !o->as)
		return cli_usage("appointments", "--token proves --as USER: give both");
	return 0;
}

static int run(const struct appt_opts *o, pd_date day, struct pd_buf *out, struct pd_error *err)
{
	struct pd_store *store = NULL;
	struct pd_policy *pol = NULL;
	struct pd_actor actor;
	int rc;
	if ((rc = pd_store_open(o->db, PD_STORE_READONLY, &store, err)))
		goto cleanup;
	if (o->as) {
		if ((rc = cli_prove(store, o->as, o->token, &actor, err)))
			goto cleanup;
		if (!pd_role_can(actor.role, PD_CAP_APPOINTMENTS)) {
			rc =
			    pd_error_set(err, PD_EFORBIDDEN, "%s (%s) may not see the appointments",
			                 actor.name, pd_role_name(actor.role));
			goto cleanup;
		}
	}
	if ((rc = pd_policy_load(o->policy ? o->policy : pd_policy_default_dir(), &pol, NULL, err)))
		goto cleanup;
	if (strcmp(o->format, "json") == 0)
		rc = pd_appointment_day_json(store, pol, o->office, day, o->pretty, out, err);
	else
		rc = pd_appointment_day_text(store, pol, o->office, day, o->lang, out, err);
cleanup:
	pd_store_close(store);
	pd_policy_free(pol);
	return rc;
}

int cmd_appointments(int argc, char **argv)
{
	struct appt_opts o;
	struct pd_error err = {0};
	pd_date day;
	int rc = parse(argc, argv, &o);
	if (rc)
		return rc;
	if (pd_date_parse(o.date, strlen(o.date), &day) != 0) {
		pd_error_at(&err, PD_EINPUT, NULL, 0, 0, "date",
		            "expected a date YYYY-MM-DD, got \"%.40s\"", o.date);
		return cli_fail(&err);
	}
	struct pd_buf out;
	pd_buf_init(&out, 0);
	if ((rc = run(&o, day, &out, &err))) {
		pd_buf_free(&out);
		return cli_fail(&err);
	}
	fwrite(out.data, 1, out.len, stdout);
	if (strcmp(o.format, "json") == 0)
		fputc('\n', stdout);
	pd_buf_free(&out);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_IOERR;
}
