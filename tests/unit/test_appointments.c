/*
 * test_appointments.c: counter appointments (workflow.h, "Appointments").
 *
 * The slots of an office against the official calendar of the real policy
 * (National Day 2026 and its make-up Saturday, the hours' edges), booking
 * errors, and many threads, each with its own connection, booking the last
 * place of one slot at once: exactly one gets it.  The store comes from
 * store_fixture.h, so tests/pg runs the same on PostgreSQL.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/codec.h"
#include "permitdesk/workflow.h"
#include "store_fixture.h"

#define OFFICE "tianjin-exit-entry-service-center"
#define RACERS 8

static struct pd_policy *pol;
static struct pd_store *store;
static char dir[] = "/tmp/pd-appointments-XXXXXX";
static char db[512];

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

struct seen {
	pd_date day[512];
	int start[512];
	size_t n;
};

static int keep(void *ctx, pd_date day, int start)
{
	struct seen *s = ctx;
	if (s->n < 512) {
		s->day[s->n] = day;
		s->start[s->n++] = start;
	}
	return 0;
}

static size_t on_day(const struct seen *s, const char *day)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->day[i] == D(day);
	return n;
}

static void test_slots_follow_the_calendar(void **state)
{
	const struct pd_office_info *o = pd_policy_office_find(pol, OFFICE);
	const struct pd_calendar *cal = pd_policy_calendar(pol);
	struct seen s = {0};
	assert_non_null(o);
	/* 2026-09-30 (Wed) to 2026-10-12 (Mon): National Day 10-01..07 is off,
	 * 10-10 (Sat) is a make-up working day, 10-11 (Sun) is not */
	assert_int_equal(
	    pd_office_slots(o, cal, 30, D("2026-09-30"), D("2026-10-12"), keep, &s, NULL), 0);
	assert_int_equal(on_day(&s, "2026-09-30"), 16); /* 9:00-17:00 in 30 minutes */
	for (pd_date d = D("2026-10-01"); d <= D("2026-10-07"); d++) {
		char day[11];
		pd_date_format(d, day);
		assert_int_equal(on_day(&s, day), 0);
	}
	assert_int_equal(on_day(&s, "2026-10-08"), 16);
	assert_int_equal(on_day(&s, "2026-10-10"), 16);
	assert_int_equal(on_day(&s, "2026-10-11"), 0);
	assert_int_equal(on_day(&s, "2026-10-12"), 16);
	assert_int_equal(s.n, 16 * 5);
	/* the edges of the hours: the first starts at opening, the last ends at closing */
	assert_int_equal(s.start[0], 9 * 60);
	assert_int_equal(s.start[15], 16 * 60 + 30);
	/* 45 minutes: 9:00 .. 16:30 is ten slots, none past 17:00 */
	s.n = 0;
	assert_int_equal(
	    pd_office_slots(o, cal, 45, D("2026-10-12"), D("2026-10-12"), keep, &s, NULL), 0);
	assert_int_equal(s.n, 10);
	assert_int_equal(s.start[9], 9 * 60 + 9 * 45);
	assert_true(s.start[9] + 45 <= 17 * 60);
}

static void slot_is(const char *day, int start, int code, const char *path, const char *part)
{
	const struct pd_office_info *o = pd_policy_office_find(pol, OFFICE);
	struct pd_error err = {0};
	int rc = pd_office_slot_check(o, pd_policy_calendar(pol), 30, D(day), start, &err);
	assert_int_equal(rc, code);
	if (code && (strcmp(err.path, path) != 0 || !strstr(err.message, part)))
		fail_msg("%s %d: %s (%s)", day, start, err.message, err.path);
}

static void test_slot_check(void **state)
{
	slot_is("2026-10-12", 9 * 60, 0, NULL, NULL);
	slot_is("2026-10-12", 16 * 60 + 30, 0, NULL, NULL);
	slot_is("2026-10-10", 12 * 60, 0, NULL, NULL); /* make-up Saturday */
	slot_is("2026-10-05", 9 * 60, -PD_EREQUEST, "date", "a public holiday");
	slot_is("2026-10-11", 9 * 60, -PD_EREQUEST, "date", "a weekend day");
	slot_is("2026-10-12", 8 * 60 + 30, -PD_EREQUEST, "time", "outside the office's hours");
	slot_is("2026-10-12", 17 * 60, -PD_EREQUEST, "time", "outside the office's hours");
	slot_is("2026-10-12", 9 * 60 + 15, -PD_EREQUEST, "time", "not the start of a slot");
	slot_is("2099-03-02", 9 * 60, -PD_EREQUEST, "date", "does not cover its year");
	/* an office whose source gives no hours takes no appointments */
	const struct pd_office_info *sz =
	    pd_policy_office_find(pol, "shenzhen-exit-entry-department");
	struct pd_error err = {0};
	assert_non_null(sz);
	assert_int_equal(
	    pd_office_slot_check(sz, pd_policy_calendar(pol), 30, D("2026-10-12"), 540, &err),
	    -PD_ESTATE);
	assert_non_null(strstr(err.message, "gives no opening hours"));
}

static int book(struct pd_store *s, const char *day, const char *time, const char *passport,
                struct pd_buf *out, struct pd_error *err)
{
	char body[256];
	snprintf(body, sizeof(body),
	         "{\"office\":\"" OFFICE "\",\"date\":\"%s\",\"time\":\"%s\",\"passport\":\"%s\"}",
	         day, time, passport);
	out->len = 0;
	return pd_appointment_book(s, pol, NULL, body, strlen(body), false, out, err);
}

static void test_booking_errors(void **state)
{
	struct pd_buf out;
	struct pd_error err = {0};
	pd_buf_init(&out, 0);
	assert_int_equal(book(store, "2026-09-28", "09:00", "E1", &out, &err), -PD_EREQUEST);
	assert_non_null(strstr(err.message, "appointments are booked from tomorrow"));
	assert_int_equal(book(store, "2026-12-28", "09:00", "E1", &out, &err), -PD_EREQUEST);
	assert_non_null(strstr(err.message, "too far ahead"));
	assert_int_equal(book(store, "2026-10-05", "09:00", "E1", &out, &err), -PD_EREQUEST);
	assert_int_equal(book(store, "2026-10-12", "9:00", "E1", &out, &err), -PD_EREQUEST);
	assert_string_equal(err.path, "time");
	assert_int_equal(book(store, "2026-10-12", "09:00", "E-1", &out, &err), -PD_EREQUEST);
	assert_string_equal(err.path, "passport");
	/* a booking, read back by its reference and passport number only */
	assert_int_equal(book(store, "2026-10-12", "10:00", "e 77", &out, &err), 0);
	const char *p = strstr(out.data, "\"reference\":\"");
	assert_non_null(p);
	char ref[12];
	memcpy(ref, p + 13, 11);
	ref[11] = '\0';
	pd_buf_free(&out);
	pd_buf_init(&out, 0);
	assert_int_equal(pd_appointment_json(store, pol, ref, "E77", false, &out, &err), 0);
	assert_non_null(strstr(out.data, "\"state\":\"booked\""));
	assert_int_equal(pd_appointment_json(store, pol, ref, "E78", false, &out, &err),
	                 -PD_ENOTFOUND);
	assert_int_equal(pd_appointment_json(store, pol, "AAAAA-AAAAA", "E77", false, &out, &err),
	                 -PD_ENOTFOUND);
	/* moved to a holiday: refused, and it stays where it was */
	const char *to_holiday =
	    "{\"passport\":\"E77\",\"date\":\"2026-10-06\",\"time\":\"10:00\"}";
	assert_int_equal(
	    pd_appointment_move(store, pol, ref, to_holiday, strlen(to_holiday), false, &out, &err),
	    -PD_EREQUEST);
	out.len = 0;
	assert_int_equal(pd_appointment_cancel(store, pol, ref, "E77", false, &out, &err), 0);
	assert_non_null(strstr(out.data, "\"state\":\"cancelled\""));
	assert_int_equal(pd_appointment_cancel(store, pol, ref, "E77", false, &out, &err),
	                 -PD_ESTATE);
	pd_buf_free(&out);
}

/* ---- the last place, wanted by many at once ---- */

struct racer {
	int rc;
	char passport[16];
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	struct pd_buf out;
	pd_buf_init(&out, 0);
	r->rc = pd_store_open(db, 0, &s, &err);
	if (!r->rc)
		r->rc = book(s, "2026-10-13", "11:00", r->passport, &out, &err);
	if (r->rc && r->rc != -PD_ECONFLICT)
		fprintf(stderr, "%s: %s\n", r->passport, err.message);
	pd_buf_free(&out);
	pd_store_close(s);
	return NULL;
}

static int count_booked(void *ctx, const struct pd_store_appointment *a)
{
	(*(int *)ctx)++;
	return 0;
}

static void test_last_place_once(void **state)
{
	struct pd_buf out;
	struct pd_error err = {0};
	pthread_t t[RACERS];
	struct racer r[RACERS];
	int won = 0, full = 0, booked = 0;
	pd_buf_init(&out, 0);
	/* capacity 2: one place is taken, one is left */
	assert_int_equal(book(store, "2026-10-13", "11:00", "FIRST1", &out, &err), 0);
	for (int i = 0; i < RACERS; i++) {
		r[i].rc = 1;
		snprintf(r[i].passport, sizeof(r[i].passport), "RACER%d", i);
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		won += r[i].rc == 0;
		full += r[i].rc == -PD_ECONFLICT;
	}
	assert_int_equal(won, 1);
	assert_int_equal(full, RACERS - 1);
	assert_int_equal(pd_store_begin(store, PD_TXN_READ, &err), 0);
	assert_int_equal(pd_store_appointment_list(store, OFFICE, D("2026-10-13"), D("2026-10-13"),
	                                           count_booked, &booked, &err),
	                 0);
	pd_store_rollback(store);
	assert_int_equal(booked, 2);
	out.len = 0;
	assert_int_equal(pd_appointment_slots_json(store, pol, OFFICE, D("2026-10-13"),
	                                           D("2026-10-13"), false, &out, &err),
	                 0);
	assert_non_null(strstr(
	    out.data, "{\"date\":\"2026-10-13\",\"time\":\"11:00\",\"end\":\"11:30\",\"free\":0}"));
	assert_non_null(strstr(
	    out.data, "{\"date\":\"2026-10-13\",\"time\":\"11:30\",\"end\":\"12:00\",\"free\":2}"));
	/* the full slot: the next booking is told so */
	assert_int_equal(book(store, "2026-10-13", "11:00", "LATE1", &out, &err), -PD_ECONFLICT);
	assert_non_null(strstr(err.message, "is full (2 places)"));
	pd_buf_free(&out);
}

static int setup(void **state)
{
	struct pd_error err = {0};
	struct pd_diags diags = {0};
	setenv("PERMITDESK_TODAY", "2026-09-28", 1);
	if (!mkdtemp(dir))
		return -1;
	pdt_location(db, sizeof(db), dir, "appointments.db");
	if (pd_policy_load(PD_TEST_POLICY_DIR, &pol, &diags, &err) ||
	    pd_store_open(db, PD_STORE_CREATE, &store, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	pd_diags_free(&diags);
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];
	pd_store_close(store);
	pd_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_slots_follow_the_calendar),
	    cmocka_unit_test(test_slot_check),
	    cmocka_unit_test(test_booking_errors),
	    cmocka_unit_test(test_last_place_once),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
