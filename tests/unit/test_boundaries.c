/*
 * test_boundaries.c: every fee table and every age rule of the bundled packs
 * (policy/) at each boundary: the day (or year) before it, on it and after
 * it.  Each row builds a case in memory, runs pd_check() and reads one
 * figure of the result; each table names the pack's rule and the seed clause
 * it follows, which is where its boundary comes from.
 *
 * Durations in a pack ("3y") are counted from the case's date (docs/
 * policy-language.md), so the tables give the counts for that date, by hand:
 * from 2025-03-03, 6m is 184 days (to 2025-09-03), 1y 365, 3y 1096 (2028 is
 * a leap year), 5y 1826.  Ages are whole years on the case's date: a birth
 * date N years before the date is "on" the Nth birthday, one day later is
 * the day before it, one day earlier the day after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/codec.h"
#include "permitdesk/engine.h"
#include "permitdesk/policy.h"

#define DATE "2025-03-03"

static struct pd_policy *pol;
static struct pd_arena arena;

/* Runs the case `json` (printf-style) and returns its result. */
static const struct pd_result *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static const struct pd_result *run(const char *fmt, ...)
{
	char json[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(json, sizeof(json), fmt, ap);
	va_end(ap);
	struct pd_check_opts opts = {
	    .name = "case.json", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	struct pd_result *r = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	pd_arena_reset(&arena);
	if (pd_check(pol, json, strlen(json), &opts, &arena, NULL, &r, &err)) {
		char msg[1024];
		pd_error_format(&err, msg, sizeof(msg));
		fail_msg("%s: %s", json, msg);
	}
	return r;
}

/* The fee as text: "400", "none" (no fee rule applied) or "null" (not in the table). */
static const char *fee(const struct pd_result *r)
{
	static char buf[16];
	if (!r->fee.present)
		return "none";
	if (!r->fee.known)
		return "null";
	snprintf(buf, sizeof(buf), "%d", (int)r->fee.cny);
	return buf;
}

static bool has_material(const struct pd_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_materials; i++)
		if (strcmp(r->materials[i].id, id) == 0)
			return true;
	return false;
}

static bool has_notice(const struct pd_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_notices; i++)
		if (strcmp(r->notices[i].id, id) == 0)
			return true;
	return false;
}

/* The outcome of the finding of `rule` ("pack/id"), or -1 when none. */
static int outcome(const struct pd_result *r, const char *rule)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].origin.rule, rule) == 0)
			return (int)r->findings[i].outcome;
	return -1;
}

/* A birth date `years` whole years before DATE, moved by `days` (+1: the
 * day after, so one day short of the birthday on DATE). */
static const char *born(int years, int days)
{
	static char buf[4][11];
	static int k;
	pd_date d;
	assert_int_equal(pd_date_parse(DATE, 10, &d), 0);
	int y, m, dd;
	pd_date_to_ymd(d, &y, &m, &dd);
	char *out = buf[k++ % 4];
	pd_date_format(pd_date_from_ymd(y - years, m, dd) + days, out);
	return out;
}

/* ---- fees ---- */

/* tianjin/tianjin-fee, 001 V: under 1 year 400; 1 year (inclusive) to under 3
 * years 800; 3 years (inclusive) to 5 years (inclusive) 1000; beyond, not in
 * the table.  "1年（含）以上不满3年", "3年（含）以上至5年（含）". */
static void test_tianjin_fee(void **state)
{
	(void)state;
	static const struct {
		int days;
		const char *fee;
	} rows[] = {
	    {1, "400"},     {364, "400"},   {365, "800"},   /* 1y = 365: on it, 800 */
	    {366, "800"},   {1095, "800"},  {1096, "1000"}, /* 3y = 1096: on it, 1000 */
	    {1097, "1000"}, {1825, "1000"}, {1826, "1000"}, /* 5y = 1826: on it, still 1000 */
	    {1827, "null"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pd_result *r =
		    run("{\"jurisdiction\":\"tianjin\",\"date\":\"" DATE "\",\"application\":{"
		        "\"document\":\"residence_permit\",\"action\":\"issuance\",\"purpose\":"
		        "\"family_reunion\",\"requested_days\":%d}}",
		        rows[i].days);
		if (strcmp(fee(r), rows[i].fee) != 0)
			fail_msg("tianjin, %d days: fee %s, expected %s (001 V)", rows[i].days,
			         fee(r), rows[i].fee);
		assert_int_equal(strncmp(r->fee.origin.source, "001 V", 5), 0);
	}
}

/* national/visa-fee (zhejiang extends national), 003 9.2: zero or one entry
 * 160 (9.2(1)), two entries 235 (9.2(2)), multiple entries valid half a year
 * or less 425 ("半年多次（含半年）", 9.2(3)), a year or less 635 ("一年多次
 * （含一年）", 9.2(4)), more than a year not in the table; an extension of
 * stay is charged as one entry, whatever it asks (conflicts.yaml). */
static void test_visa_fee(void **state)
{
	(void)state;
	static const struct {
		const char *action, *entries;
		int days;
		const char *fee, *source;
	} rows[] = {
	    {"reissue", "zero", 30, "160", "003 9.2(1)"},
	    {"reissue", "one", 30, "160", "003 9.2(1)"},
	    {"reissue", "two", 30, "235", "003 9.2(2)"},
	    {"reissue", "multiple", 183, "425", "003 9.2(3)"}, /* 6m = 184 days */
	    {"reissue", "multiple", 184, "425", "003 9.2(3)"},
	    {"reissue", "multiple", 185, "635", "003 9.2(4)"},
	    {"reissue", "multiple", 364, "635", "003 9.2(4)"}, /* 1y = 365 days */
	    {"reissue", "multiple", 365, "635", "003 9.2(4)"},
	    {"reissue", "multiple", 366, "null", "003 9.2"},
	    {"extension", "multiple", 366, "160", "003 9.2(1)"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pd_result *r = run(
		    "{\"jurisdiction\":\"zhejiang\",\"date\":\"" DATE "\",\"application\":{"
		    "\"document\":\"visa\",\"action\":\"%s\",\"visa_type\":\"Q2\",\"entries\":\"%"
		    "s\","
		    "\"visa_validity_days\":%d},\"applicant\":{\"reciprocal_fee_country\":false}}",
		    rows[i].action, rows[i].entries, rows[i].days);
		if (strcmp(fee(r), rows[i].fee) != 0 ||
		    strcmp(r->fee.origin.source, rows[i].source))
			fail_msg("visa %s, %s entries, %d days: fee %s [%s], expected %s [%s]",
			         rows[i].action, rows[i].entries, rows[i].days, fee(r),
			         r->fee.origin.source, rows[i].fee, rows[i].source);
	}
}

/* shenzhen/deposit, 002 VI(III): 600 yuan a day of the stay asked for, at
 * most 60,000 (reached at 100 days), frozen a third of the stay rounded
 * down, at least 10 days (up to 32 days asked) and at most 100 (from 300).
 * Shown on a renewal, which carries the permit's validity over: a first
 * permit or an extension under 180 days is reckoned on the 180 days of Law
 * Art. 30 (shenzhen/deposit-minimum-validity, below). */
static void test_shenzhen_deposit(void **state)
{
	(void)state;
	static const struct {
		int days, cny, frozen;
	} rows[] = {
	    {1, 600, 10},      {29, 17400, 10},   {30, 18000, 10},  {31, 18600, 10},
	    {32, 19200, 10},   {33, 19800, 11},   {34, 20400, 11},  {99, 59400, 33},
	    {100, 60000, 33},  {101, 60000, 33},  {299, 60000, 99}, {300, 60000, 100},
	    {301, 60000, 100}, {303, 60000, 100},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pd_result *r =
		    run("{\"jurisdiction\":\"shenzhen\",\"date\":\"" DATE "\",\"application\":{"
		        "\"document\":\"residence_permit\",\"action\":\"renewal\",\"purpose\":"
		        "\"family_reunion\",\"requested_days\":%d}}",
		        rows[i].days);
		assert_true(r->deposit.present);
		if (r->deposit.cny != rows[i].cny || r->deposit.frozen_days != rows[i].frozen)
			fail_msg("shenzhen, %d days: deposit %d frozen %d, expected %d frozen %d "
			         "(002 VI(III))",
			         rows[i].days, (int)r->deposit.cny, (int)r->deposit.frozen_days,
			         rows[i].cny, rows[i].frozen);
	}

	/* An extension (or a first permit) runs at least 180 days (Law Art. 30):
	 * under 180 days asked, the deposit is that of 180 days. */
	static const struct {
		int days, cny, frozen;
		const char *source;
	} ext[] = {
	    {1, 60000, 60, "002 VI(III), Law Art. 30"},
	    {179, 60000, 60, "002 VI(III), Law Art. 30"},
	    {180, 60000, 60, "002 VI(III), III(III)2"},
	    {300, 60000, 100, "002 VI(III), III(III)2"},
	};
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		const struct pd_result *r =
		    run("{\"jurisdiction\":\"shenzhen\",\"date\":\"" DATE "\",\"application\":{"
		        "\"document\":\"residence_permit\",\"action\":\"extension\",\"purpose\":"
		        "\"family_reunion\",\"requested_days\":%d}}",
		        ext[i].days);
		assert_true(r->deposit.present);
		if (r->deposit.cny != ext[i].cny || r->deposit.frozen_days != ext[i].frozen ||
		    strcmp(r->deposit.origin.source, ext[i].source) != 0)
			fail_msg(
			    "shenzhen extension, %d days: deposit %d frozen %d [%s], expected %d "
			    "frozen %d [%s]",
			    ext[i].days, (int)r->deposit.cny, (int)r->deposit.frozen_days,
			    r->deposit.origin.source, ext[i].cny, ext[i].frozen, ext[i].source);
	}
}

/* ---- ages ---- */

/* Who may apply through an agent by age: under 16, or 60 and over (Regs Art.
 * 19(1); 003 5 for visas, 002 III(I) in Shenzhen, read as the Regulations
 * read, conflicts.yaml).  15 the day before the 16th birthday: agent; 16 on
 * it and after: not by age.  59 the day before the 60th: not; 60 on it and
 * after: agent. */
static void test_agent_ages(void **state)
{
	(void)state;
	static const struct {
		const char *jurisdiction, *application;
	} where[] = {
	    {"tianjin", "\"document\":\"residence_permit\",\"action\":\"issuance\",\"purpose\":"
	                "\"family_reunion\""}, /* national/residence-agent-age */
	    {"shenzhen", "\"document\":\"residence_permit\",\"action\":\"issuance\",\"purpose\":"
	                 "\"family_reunion\""}, /* shenzhen/residence-agent-age */
	    {"zhejiang", "\"document\":\"visa\",\"action\":\"extension\",\"visa_type\":\"Q2\""},
	};
	static const struct {
		int years, days, allowed;
	} ages[] = {
	    {16, 1, 1}, {16, 0, 0}, {16, -1, 0}, {60, 1, 0}, {60, 0, 1}, {60, -1, 1},
	};
	for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++)
		for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++) {
			const struct pd_result *r = run(
			    "{\"jurisdiction\":\"%s\",\"date\":\"" DATE "\",\"application\":{%s},"
			    "\"applicant\":{\"birth_date\":\"%s\",\"mobility_impaired\":false,"
			    "\"high_level_talent\":false,\"first_entry\":true,"
			    "\"good_record\":true},\"sponsor\":{\"guarantees_expenses\":false},"
			    "\"agent\":{\"relation\":\"family_member\"}}",
			    where[w].jurisdiction, where[w].application,
			    born(ages[i].years, ages[i].days));
			if (r->representation.agent_allowed != ages[i].allowed)
				fail_msg("%s, born %s: agent_allowed %d, expected %d",
				         where[w].jurisdiction, born(ages[i].years, ages[i].days),
				         r->representation.agent_allowed, ages[i].allowed);
		}
}

/* The health certificate on a first application: Shenzhen 18 to 70, both
 * included (002 II(VI), conflicts.yaml); Tianjin 18 to 69, exempt under 18
 * and "70周岁以上" (001 I.4, conflicts.yaml). */
static void test_health_certificate_ages(void **state)
{
	(void)state;
	static const struct {
		const char *jurisdiction;
		int years, days, needed;
	} rows[] = {
	    {"shenzhen", 18, 1, 0},  {"shenzhen", 18, 0, 1}, {"shenzhen", 18, -1, 1},
	    {"shenzhen", 70, 0, 1},  {"shenzhen", 71, 1, 1}, {"shenzhen", 71, 0, 0},
	    {"shenzhen", 71, -1, 0}, {"tianjin", 18, 1, 0},  {"tianjin", 18, 0, 1},
	    {"tianjin", 18, -1, 1},  {"tianjin", 70, 1, 1},  {"tianjin", 70, 0, 0},
	    {"tianjin", 70, -1, 0},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *b = born(rows[i].years, rows[i].days);
		const struct pd_result *r =
		    run("{\"jurisdiction\":\"%s\",\"date\":\"" DATE "\",\"application\":{"
		        "\"document\":\"residence_permit\",\"action\":\"issuance\",\"purpose\":"
		        "\"family_reunion\",\"requested_days\":365},\"applicant\":{\"birth_date\":"
		        "\"%s\"}}",
		        rows[i].jurisdiction, b);
		if (has_material(r, "health_certificate") != rows[i].needed)
			fail_msg("%s, born %s: health certificate %s, expected %s",
			         rows[i].jurisdiction, b, rows[i].needed ? "not asked" : "asked",
			         rows[i].needed ? "asked" : "not asked");
	}
}

/* Fostering is for children under 18: Tianjin's check (001 I.8) passes the
 * day before the 18th birthday and fails on it; Shenzhen's permit of a minor
 * ends the day before the 18th birthday (002 VI(XI)2): a stay asked for that
 * reaches the birthday is flagged, one that ends the day before is not. */
static void test_minor_ages(void **state)
{
	(void)state;
	static const struct {
		int years, days, outcome;
	} fostering[] = {
	    {18, 1, PD_OUTCOME_PASS},
	    {18, 0, PD_OUTCOME_FAIL},
	    {18, -1, PD_OUTCOME_FAIL},
	    {17, 0, PD_OUTCOME_PASS},
	};
	for (size_t i = 0; i < sizeof(fostering) / sizeof(fostering[0]); i++) {
		const char *b = born(fostering[i].years, fostering[i].days);
		const struct pd_result *r = run(
		    "{\"jurisdiction\":\"tianjin\",\"date\":\"" DATE "\",\"application\":{"
		    "\"document\":\"residence_permit\",\"action\":\"issuance\",\"purpose\":"
		    "\"fostering\",\"requested_days\":100},\"applicant\":{\"birth_date\":\"%s\"}}",
		    b);
		int o = outcome(r, "tianjin/fostering-minor");
		if (o != fostering[i].outcome)
			fail_msg("tianjin fostering, born %s: outcome %d, expected %d (001 I.8)", b,
			         o, fostering[i].outcome);
	}
	/* born 2008-03-04: 18 on 2026-03-04, 366 days after DATE; a stay of N
	 * days from DATE runs to DATE + N - 1: 366 days end the day before the
	 * birthday, 367 on it */
	static const struct {
		int days;
		bool flagged;
	} stay[] = {{365, false}, {366, false}, {367, true}, {368, true}};
	for (size_t i = 0; i < sizeof(stay) / sizeof(stay[0]); i++) {
		const struct pd_result *r =
		    run("{\"jurisdiction\":\"shenzhen\",\"date\":\"" DATE "\",\"application\":{"
		        "\"document\":\"residence_permit\",\"action\":\"extension\",\"purpose\":"
		        "\"family_reunion\",\"requested_days\":%d},\"applicant\":{\"birth_date\":"
		        "\"2008-03-04\",\"parents_in_city\":true}}",
		        stay[i].days);
		bool flagged = has_notice(r, "minor_permit_ends_before_18");
		if (flagged != stay[i].flagged)
			fail_msg("shenzhen minor, %d days: %s, expected %s (002 VI(XI)2)",
			         stay[i].days, flagged ? "flagged" : "not flagged",
			         stay[i].flagged ? "flagged" : "not");
	}
}

static int setup(void **state)
{
	(void)state;
	struct pd_error err;
	pd_error_clear(&err);
	pd_arena_init(&arena, 1 << 16, 0);
	if (pd_policy_load(PD_TEST_POLICY_DIR, &pol, NULL, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pd_policy_free(pol);
	pd_arena_free(&arena);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tianjin_fee),
	    cmocka_unit_test(test_visa_fee),
	    cmocka_unit_test(test_shenzhen_deposit),
	    cmocka_unit_test(test_agent_ages),
	    cmocka_unit_test(test_health_certificate_ages),
	    cmocka_unit_test(test_minor_ages),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
