/*
 * test_calendar.c: the official working-day calendar (calendar.h) against
 * policy/calendar/cn.yaml.
 *
 * The expected days are typed here from the State Council General Office's
 * notices for 2024, 2025 and 2026, not computed from the YAML: per year the
 * Mondays to Fridays that are off and the Saturdays and Sundays that are
 * make-up working days.  Weekdays are counted from an anchor (2024-01-01 was
 * a Monday), not taken from the library.  Then: "N working days after"
 * vectors across every holiday, count as the inverse of add, years the file
 * does not cover, and every load error pinned with its file:line:column.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "permitdesk/calendar.h"

static struct pd_calendar *cal;

static pd_date D(const char *s)
{
	pd_date d = PD_DATE_NONE;
	if (pd_date_parse(s, strlen(s), &d) != 0)
		fail_msg("bad date in test: %s", s);
	return d;
}

static int load_real(void **state)
{
	struct pd_error err = {0};
	int rc = pd_calendar_load(PD_TEST_POLICY_DIR "/calendar/cn.yaml", &cal, &err);
	if (rc) {
		char msg[1200];
		pd_error_format(&err, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
		return -1;
	}
	return 0;
}

static int free_real(void **state)
{
	pd_calendar_free(cal);
	cal = NULL;
	return 0;
}

/* ---- (1) every day of 2024, 2025 and 2026 ------------------------------------------------- */

struct expected_year {
	int year;
	const char *off_weekdays; /* Monday to Friday, off: "MM-DD MM-DD ..." */
	const char *on_weekends;  /* Saturday or Sunday, make-up working day */
	int working_days;         /* in the whole year */
};

static const struct expected_year expected[] = {
    /* 国办发明电〔2023〕7号 */
    {2024,
     "01-01 "                         /* New Year's Day (Mon) */
     "02-12 02-13 02-14 02-15 02-16 " /* Spring Festival, 02-10 (Sat) to 02-17 (Sat) */
     "04-04 04-05 "                   /* Qingming, 04-04 (Thu) to 04-06 (Sat) */
     "05-01 05-02 05-03 "             /* Labour Day, 05-01 (Wed) to 05-05 (Sun) */
     "06-10 "                         /* Dragon Boat (Mon) */
     "09-16 09-17 "                   /* Mid-Autumn, 09-15 (Sun) to 09-17 (Tue) */
     "10-01 10-02 10-03 10-04 10-07", /* National Day, 10-01 (Tue) to 10-07 (Mon) */
     "02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12", 251},
    /* 国办发明电〔2024〕12号 */
    {2025,
     "01-01 "                               /* New Year's Day (Wed) */
     "01-28 01-29 01-30 01-31 02-03 02-04 " /* Spring Festival, 01-28 (Tue) to 02-04 (Tue) */
     "04-04 "                               /* Qingming, 04-04 (Fri) to 04-06 (Sun) */
     "05-01 05-02 05-05 "                   /* Labour Day, 05-01 (Thu) to 05-05 (Mon) */
     "06-02 "                               /* Dragon Boat, 05-31 (Sat) to 06-02 (Mon) */
     "10-01 10-02 10-03 10-06 10-07 10-08", /* National Day and Mid-Autumn, to 10-08 (Wed) */
     "01-26 02-08 04-27 09-28 10-11", 248},
    /* 2026 notice, published 2025-11 */
    {2026,
     "01-01 01-02 "                         /* New Year's Day, 01-01 (Thu) to 01-03 (Sat) */
     "02-16 02-17 02-18 02-19 02-20 02-23 " /* Spring Festival, 02-15 (Sun) to 02-23 (Mon) */
     "04-06 "                               /* Qingming, 04-04 (Sat) to 04-06 (Mon) */
     "05-01 05-04 05-05 "                   /* Labour Day, 05-01 (Fri) to 05-05 (Tue) */
     "06-19 "                               /* Dragon Boat, 06-19 (Fri) to 06-21 (Sun) */
     "09-25 "                               /* Mid-Autumn, 09-25 (Fri) to 09-27 (Sun) */
     "10-01 10-02 10-05 10-06 10-07",       /* National Day, 10-01 (Thu) to 10-07 (Wed) */
     "01-04 02-14 02-28 05-09 09-20 10-10", 248},
};

static bool listed(const char *list, int m, int d)
{
	char want[16];
	snprintf(want, sizeof(want), "%02d-%02d", m, d);
	for (const char *p = list; *p;) {
		while (*p == ' ')
			p++;
		if (strncmp(p, want, 5) == 0)
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static int list_length(const char *list)
{
	int n = 0;
	for (const char *p = list; *p; p++)
		if (*p == '-')
			n++;
	return n;
}

static void test_every_day(void **state)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	pd_date day = pd_date_from_ymd(2024, 1, 1);
	int weekday = 1; /* 2024-01-01 was a Monday */
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expected_year *ey = &expected[i];
		int y = ey->year, found_off = 0, found_on = 0, working = 0;
		for (int m = 1; m <= 12; m++) {
			int dim = mdays[m - 1] + (m == 2 && y % 4 == 0);
			for (int d = 1; d <= dim; d++, day++, weekday = weekday % 7 + 1) {
				assert_int_equal(pd_date_from_ymd(y, m, d), day);
				bool weekend = weekday >= 6;
				bool off = listed(ey->off_weekdays, m, d);
				bool on = listed(ey->on_weekends, m, d);
				if (off && weekend)
					fail_msg("test table: %d-%02d-%02d is a weekend", y, m, d);
				if (on && !weekend)
					fail_msg("test table: %d-%02d-%02d is a weekday", y, m, d);
				found_off += off;
				found_on += on;
				bool want = (!weekend && !off) || on;
				bool prov = true;
				bool got = pd_calendar_is_workday(cal, day, &prov);
				if (got != want)
					fail_msg("%d-%02d-%02d: expected %s, got %s", y, m, d,
					         want ? "working day" : "rest day",
					         got ? "working day" : "rest day");
				assert_false(prov);
				working += want;
			}
		}
		/* Every date typed above was met once, on the right kind of day. */
		assert_int_equal(found_off, list_length(ey->off_weekdays));
		assert_int_equal(found_on, list_length(ey->on_weekends));
		assert_int_equal(working, ey->working_days);
		bool prov = true;
		assert_int_equal(pd_calendar_count(cal, pd_date_from_ymd(y - 1, 12, 31),
		                                   pd_date_from_ymd(y, 12, 31), &prov),
		                 ey->working_days);
		assert_false(prov);
	}
}

/* ---- (2) add and count ---------------------------------------------------------------------- */

struct add_vector {
	const char *from;
	int n;
	const char *to;
};

static const struct add_vector add_vectors[] = {
    /* n = 0 gives the date itself, even a holiday; n = 1 on a Friday is the Monday */
    {"2026-10-01", 0, "2026-10-01"},
    {"2026-03-04", 0, "2026-03-04"},
    {"2026-03-06", 1, "2026-03-09"},
    {"2026-03-02", 4, "2026-03-06"},
    {"2026-03-02", 5, "2026-03-09"},
    /* 2024 */
    {"2023-12-29", 1, "2024-01-02"}, /* New Year's Day (provisional: 2023 not covered) */
    {"2024-02-02", 1, "2024-02-04"}, /* Spring Festival: make-up Sunday before */
    {"2024-02-08", 1, "2024-02-09"},
    {"2024-02-08", 2, "2024-02-18"}, /* make-up Sunday after */
    {"2024-02-08", 3, "2024-02-19"},
    {"2024-04-03", 1, "2024-04-07"}, /* Qingming */
    {"2024-04-03", 2, "2024-04-08"},
    {"2024-04-26", 1, "2024-04-28"}, /* Labour Day */
    {"2024-04-26", 3, "2024-04-30"},
    {"2024-04-26", 4, "2024-05-06"},
    {"2024-04-26", 9, "2024-05-11"},
    {"2024-04-26", 10, "2024-05-13"},
    {"2024-06-07", 1, "2024-06-11"}, /* Dragon Boat */
    {"2024-09-13", 1, "2024-09-14"}, /* Mid-Autumn */
    {"2024-09-13", 2, "2024-09-18"},
    {"2024-09-27", 1, "2024-09-29"}, /* National Day */
    {"2024-09-27", 2, "2024-09-30"},
    {"2024-09-27", 3, "2024-10-08"},
    {"2024-10-08", 4, "2024-10-12"},
    {"2024-10-08", 5, "2024-10-14"},
    /* 2024 to 2025 */
    {"2024-12-31", 1, "2025-01-02"},
    {"2024-12-27", 3, "2025-01-02"},
    /* 2025 */
    {"2025-01-24", 1, "2025-01-26"}, /* Spring Festival */
    {"2025-01-24", 2, "2025-01-27"},
    {"2025-01-24", 3, "2025-02-05"},
    {"2025-01-24", 6, "2025-02-08"},
    {"2025-01-24", 7, "2025-02-10"},
    {"2025-04-03", 1, "2025-04-07"}, /* Qingming */
    {"2025-04-25", 1, "2025-04-27"}, /* Labour Day */
    {"2025-04-25", 4, "2025-04-30"},
    {"2025-04-25", 5, "2025-05-06"},
    {"2025-05-30", 1, "2025-06-03"}, /* Dragon Boat */
    {"2025-09-26", 1, "2025-09-28"}, /* National Day and Mid-Autumn */
    {"2025-09-26", 3, "2025-09-30"},
    {"2025-09-26", 4, "2025-10-09"},
    {"2025-09-26", 6, "2025-10-11"},
    {"2025-09-26", 7, "2025-10-13"},
    /* 2025 to 2026: New Year's Day 01-01 to 01-03, make-up Sunday 01-04 */
    {"2025-12-30", 1, "2025-12-31"},
    {"2025-12-31", 1, "2026-01-04"},
    {"2025-12-31", 2, "2026-01-05"},
    {"2025-12-26", 3, "2025-12-31"},
    {"2025-12-26", 4, "2026-01-04"},
    /* 2026 */
    {"2026-02-13", 1, "2026-02-14"}, /* Spring Festival */
    {"2026-02-13", 2, "2026-02-24"},
    {"2026-02-24", 3, "2026-02-27"},
    {"2026-02-24", 4, "2026-02-28"},
    {"2026-02-24", 5, "2026-03-02"},
    {"2026-04-03", 1, "2026-04-07"}, /* Qingming */
    {"2026-04-30", 1, "2026-05-06"}, /* Labour Day */
    {"2026-04-30", 4, "2026-05-09"},
    {"2026-04-30", 5, "2026-05-11"},
    {"2026-06-18", 1, "2026-06-22"}, /* Dragon Boat */
    {"2026-09-18", 1, "2026-09-20"}, /* make-up Sunday of National Day */
    {"2026-09-18", 2, "2026-09-21"},
    {"2026-09-24", 1, "2026-09-28"}, /* Mid-Autumn */
    {"2026-09-28", 5, "2026-10-10"}, /* National Day */
    {"2026-09-28", 7, "2026-10-13"},
    {"2026-09-30", 1, "2026-10-08"},
    /* long spans: every working day of the three years */
    {"2023-12-31", 747, "2026-12-31"},
    {"2024-01-01", 251, "2024-12-31"},
    {"2024-01-01", 252, "2025-01-02"},
    /* beyond the file (provisional): weekends only */
    {"2026-12-31", 1, "2027-01-01"},
    {"2027-02-05", 10, "2027-02-19"},
    {"2023-10-02", 1, "2023-10-03"},
    {"2020-01-01", 5, "2020-01-08"},
};

static void test_add_vectors(void **state)
{
	for (size_t i = 0; i < sizeof(add_vectors) / sizeof(add_vectors[0]); i++) {
		const struct add_vector *v = &add_vectors[i];
		pd_date from = D(v->from), want = D(v->to);
		bool prov;
		pd_date got = pd_calendar_add(cal, from, v->n, &prov);
		if (got != want) {
			char buf[11];
			pd_date_format(got, buf);
			fail_msg("%s + %d: expected %s, got %s", v->from, v->n, v->to, buf);
		}
		/* count is the inverse of add */
		assert_int_equal(pd_calendar_count(cal, from, want, NULL), v->n);
		assert_int_equal(pd_calendar_add(cal, from, v->n, NULL), want);
	}
}

/* For every start day around the covered years and n up to 40: add and count agree. */
static void test_count_inverse_of_add(void **state)
{
	for (pd_date from = D("2023-11-01"); from <= D("2027-02-28"); from++) {
		for (int n = 0; n <= 40; n++) {
			pd_date to = pd_calendar_add(cal, from, n, NULL);
			assert_int_equal(pd_calendar_count(cal, from, to, NULL), n);
			if (n == 0) {
				assert_int_equal(to, from);
				continue;
			}
			assert_true(to > from);
			assert_true(pd_calendar_is_workday(cal, to, NULL));
			assert_int_equal(pd_calendar_count(cal, from, to - 1, NULL), n - 1);
		}
	}
	/* count of an empty or reversed span */
	assert_int_equal(pd_calendar_count(cal, D("2026-03-02"), D("2026-03-02"), NULL), 0);
	assert_int_equal(pd_calendar_count(cal, D("2026-03-09"), D("2026-03-02"), NULL), 0);
	/* far from the covered years */
	assert_int_equal(pd_calendar_add(cal, D("1990-01-05"), 1, NULL), D("1990-01-08"));
	assert_int_equal(pd_calendar_add(cal, D("2100-01-01"), 5, NULL), D("2100-01-08"));
	assert_int_equal(pd_calendar_count(cal, D("2027-01-01"), D("2028-01-01"), NULL), 260);
}

/* Where a deadline on a rest day moves (pd_calendar_workday_near). */
static void test_workday_near(void **state)
{
	(void)state;
	bool prov = true;
	/* A Saturday: back to Friday, on to Monday; a working day stays. */
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-11-14"), -1, &prov),
	                 D("2026-11-13"));
	assert_false(prov);
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-11-14"), 1, NULL), D("2026-11-16"));
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-11-13"), -1, NULL), D("2026-11-13"));
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-11-14"), 0, NULL), D("2026-11-14"));
	/* National Day: back to 30 September, on past the holiday to 8 October;
	 * the make-up Saturday, 10 October, is a working day and stays. */
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-10-01"), -1, NULL), D("2026-09-30"));
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-10-03"), 1, NULL), D("2026-10-08"));
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-10-10"), -1, NULL), D("2026-10-10"));
	/* May Day, forward. */
	assert_int_equal(pd_calendar_workday_near(cal, D("2026-05-01"), 1, NULL), D("2026-05-06"));
	/* Outside the covered years only weekends are known, and it says so. */
	assert_int_equal(pd_calendar_workday_near(cal, D("2030-06-15"), -1, &prov),
	                 D("2030-06-14"));
	assert_true(prov);
	assert_int_equal(pd_calendar_workday_near(cal, PD_DATE_NONE, -1, NULL), PD_DATE_NONE);
}

/* ---- (3) years the file does not cover ------------------------------------------------------ */

static void test_coverage(void **state)
{
	int first = 0, last = 0;
	pd_calendar_range(cal, &first, &last);
	assert_int_equal(first, 2024);
	assert_int_equal(last, 2026);
	assert_false(pd_calendar_covers(cal, 2023));
	assert_true(pd_calendar_covers(cal, 2024));
	assert_true(pd_calendar_covers(cal, 2025));
	assert_true(pd_calendar_covers(cal, 2026));
	assert_false(pd_calendar_covers(cal, 2027));

	assert_string_equal(pd_calendar_source(cal, 2024),
	                    "《国务院办公厅关于2024年部分节假日安排的通知》(国办发明电〔2023〕7号, "
	                    "2023-10-25)");
	assert_string_equal(
	    pd_calendar_source(cal, 2025),
	    "《国务院办公厅关于2025年部分节假日安排的通知》(国办发明电〔2024〕12号, "
	    "2024-11-12)");
	assert_string_equal(pd_calendar_source(cal, 2026),
	                    "《国务院办公厅关于2026年部分节假日安排的通知》(2025-11)");
	assert_null(pd_calendar_source(cal, 2023));
	assert_null(pd_calendar_source(cal, 2027));
}

static void test_uncovered_years(void **state)
{
	bool prov = false;
	/* 2027 and 2023: Monday to Friday, nothing else, always provisional */
	assert_true(pd_calendar_is_workday(cal, D("2027-01-01"), &prov)); /* Friday */
	assert_true(prov);
	assert_true(pd_calendar_is_workday(cal, D("2027-10-01"), &prov)); /* Friday */
	assert_true(prov);
	assert_false(pd_calendar_is_workday(cal, D("2027-01-02"), &prov)); /* Saturday */
	assert_true(prov);
	assert_true(pd_calendar_is_workday(cal, D("2023-10-02"), &prov)); /* Monday */
	assert_true(prov);
	assert_false(pd_calendar_is_workday(cal, D("2023-12-31"), &prov)); /* Sunday */
	assert_true(prov);
	/* covered */
	prov = true;
	assert_false(pd_calendar_is_workday(cal, D("2026-01-01"), &prov));
	assert_false(prov);

	/* add: provisional when a counted day lies in an uncovered year */
	prov = false;
	assert_int_equal(pd_calendar_add(cal, D("2026-12-31"), 1, &prov), D("2027-01-01"));
	assert_true(prov);
	prov = false;
	assert_int_equal(pd_calendar_add(cal, D("2023-12-29"), 1, &prov), D("2024-01-02"));
	assert_true(prov);
	prov = false;
	assert_int_equal(pd_calendar_add(cal, D("2027-02-05"), 10, &prov), D("2027-02-19"));
	assert_true(prov);
	/* the start day itself is not counted: from 2023-12-31 nothing uncovered is counted */
	prov = true;
	assert_int_equal(pd_calendar_add(cal, D("2023-12-31"), 1, &prov), D("2024-01-02"));
	assert_false(prov);
	prov = true;
	assert_int_equal(pd_calendar_add(cal, D("2026-12-30"), 1, &prov), D("2026-12-31"));
	assert_false(prov);
	prov = true;
	assert_int_equal(pd_calendar_add(cal, D("2027-03-01"), 0, &prov), D("2027-03-01"));
	assert_false(prov);

	/* count */
	prov = false;
	assert_int_equal(pd_calendar_count(cal, D("2026-12-31"), D("2027-12-31"), &prov), 261);
	assert_true(prov);
	prov = false;
	assert_int_equal(pd_calendar_count(cal, D("2022-12-31"), D("2023-12-31"), &prov), 260);
	assert_true(prov);
	prov = true;
	assert_int_equal(pd_calendar_count(cal, D("2023-12-31"), D("2026-12-31"), &prov), 747);
	assert_false(prov);
}

/* ---- (4) files: gaps, and every load error -------------------------------------------------- */

static char tmpdir[256];

static int make_tmpdir(void **state)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/pd-calendar-XXXXXX", base && base[0] ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/cn.yaml", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

/* Writes text to <tmpdir>/cn.yaml and loads it. */
static int load_text(const char *text, struct pd_calendar **out, struct pd_error *err, char *path,
                     size_t size)
{
	snprintf(path, size, "%s/cn.yaml", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
	return pd_calendar_load(path, out, err);
}

static void test_gap_year(void **state)
{
	static const char text[] = "years:\n"
	                           "  - year: 2026\n"
	                           "    source: {title: B, published: 2025-11}\n"
	                           "    holidays:\n"
	                           "      - {en: N, zh: 元旦, from: 2026-01-01, to: 2026-01-03,\n"
	                           "         make_up_days: [2026-01-04]}\n"
	                           "  - year: 2024\n"
	                           "    source: {title: A, number: No. 1, published: 2023-10-25}\n"
	                           "    holidays: []\n";
	struct pd_calendar *c = NULL;
	struct pd_error err = {0};
	char path[512];
	assert_int_equal(load_text(text, &c, &err, path, sizeof(path)), 0);
	int first, last;
	pd_calendar_range(c, &first, &last);
	assert_int_equal(first, 2024);
	assert_int_equal(last, 2026);
	assert_true(pd_calendar_covers(c, 2024));
	assert_false(pd_calendar_covers(c, 2025));
	assert_true(pd_calendar_covers(c, 2026));
	assert_string_equal(pd_calendar_source(c, 2024), "《A》(No. 1, 2023-10-25)");
	assert_string_equal(pd_calendar_source(c, 2026), "《B》(2025-11)");
	assert_null(pd_calendar_source(c, 2025));

	bool prov = true;
	assert_true(pd_calendar_is_workday(c, D("2024-01-01"), &prov)); /* no holidays listed */
	assert_false(prov);
	assert_true(pd_calendar_is_workday(c, D("2025-01-01"), &prov)); /* the gap: weekdays */
	assert_true(prov);
	assert_false(pd_calendar_is_workday(c, D("2026-01-02"), &prov));
	assert_false(prov);
	assert_true(pd_calendar_is_workday(c, D("2026-01-04"), &prov));
	assert_false(prov);

	assert_int_equal(pd_calendar_add(c, D("2024-12-30"), 1, &prov), D("2024-12-31"));
	assert_false(prov);
	assert_int_equal(pd_calendar_add(c, D("2024-12-31"), 1, &prov), D("2025-01-01"));
	assert_true(prov);
	assert_int_equal(pd_calendar_add(c, D("2025-12-31"), 1, &prov), D("2026-01-04"));
	assert_false(prov);
	assert_int_equal(pd_calendar_add(c, D("2025-12-30"), 2, &prov), D("2026-01-04"));
	assert_true(prov);
	assert_int_equal(pd_calendar_count(c, D("2024-06-01"), D("2026-06-01"), &prov),
	                 pd_calendar_count(c, D("2024-06-01"), D("2026-06-01"), NULL));
	assert_true(prov);
	pd_calendar_free(c);
}

static void test_empty_years(void **state)
{
	struct pd_calendar *c = NULL;
	struct pd_error err = {0};
	char path[512];
	bool prov = false;
	assert_int_equal(load_text("years: []\n", &c, &err, path, sizeof(path)), 0);
	int first = -1, last = -1;
	pd_calendar_range(c, &first, &last);
	assert_int_equal(first, 0);
	assert_int_equal(last, 0);
	assert_false(pd_calendar_covers(c, 2026));
	assert_int_equal(pd_calendar_add(c, D("2026-09-28"), 5, &prov), D("2026-10-05"));
	assert_true(prov);
	assert_true(pd_calendar_is_workday(c, D("2026-10-01"), &prov));
	assert_true(prov);
	pd_calendar_free(c);
}

#define HEAD                                                                                       \
	"years:\n"                                                                                 \
	"  - year: 2024\n"                                                                         \
	"    source:\n"                                                                            \
	"      title: T\n"                                                                         \
	"      published: 2023-10-25\n"                                                            \
	"    holidays:\n"                                                                          \
	"      - en: A\n"                                                                          \
	"        zh: B\n"

struct load_error {
	const char *text;
	const char *message; /* after "<file>:" */
};

static const struct load_error load_errors[] = {
    {HEAD "        form: 2024-02-10\n"
          "        to: 2024-02-17\n",
     "9:9: unknown key \"form\" (expected en, zh, from, to, make_up_days)"},
    {HEAD "        from: 2024-02-30\n"
          "        to: 2024-02-17\n",
     "9:15: expected a date YYYY-MM-DD, got \"2024-02-30\""},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2024-02-05]\n",
     "11:24: make-up working day 2024-02-05 is a Monday, not a Saturday or Sunday"},
    {HEAD "        from: 2024-12-31\n"
          "        to: 2025-01-01\n",
     "10:13: 2025-01-01 is outside the year 2024"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2025-02-08]\n",
     "11:24: 2025-02-08 is outside the year 2024"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2024-02-17]\n",
     "11:24: make-up working day 2024-02-17 falls in the holiday \"A\""},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2024-02-04, 2024-02-04]\n",
     "11:36: make-up working day 2024-02-04 is listed twice"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "      - en: C\n"
          "        zh: D\n"
          "        from: 2024-02-17\n"
          "        to: 2024-02-18\n",
     "13:15: \"C\" overlaps \"A\" on 2024-02-17"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2024-02-18]\n"
          "      - en: C\n"
          "        zh: D\n"
          "        from: 2024-02-18\n"
          "        to: 2024-02-19\n",
     "14:15: \"C\" includes 2024-02-18, a make-up working day of \"A\""},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "  - year: 2025\n"
          "    source: {title: T, published: 2024-11-12}\n"
          "    holidays: []\n"
          "  - year: 2024\n"
          "    source: {title: T, published: 2023-10-25}\n"
          "    holidays: []\n",
     "14:11: year 2024 is listed twice (first at line 2)"},
    {HEAD "        from: 2024-02-10\n", "7:9: missing key \"to\""},
    {HEAD "        from: 2024-02-17\n"
          "        to: 2024-02-10\n",
     "10:13: \"A\" ends on 2024-02-10, before it starts on 2024-02-17"},
    {HEAD "        from: 2024-02-10\n"
          "        from: 2024-02-11\n"
          "        to: 2024-02-17\n",
     "10:9: key \"from\" given twice (first at line 9)"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: 2024-02-04\n",
     "11:23: expected a sequence, got a scalar"},
    {HEAD "        from: [2024-02-10]\n"
          "        to: 2024-02-17\n",
     "9:15: expected a scalar, got a sequence"},
    {HEAD "        from: 2024-02-10\n"
          "        to: 2024-02-17\n"
          "        make_up_days: [2024-02-04\n",
     "12:1: YAML: flow sequence without a closing bracket"},
    {"years:\n"
     "  - year: 24\n"
     "    source: {title: T, published: 2023-10-25}\n"
     "    holidays: []\n",
     "2:11: expected a year from 1949 to 2199, got \"24\""},
    {"years:\n"
     "  - year: 2024\n"
     "    source: {title: T, published: 2023-13}\n"
     "    holidays: []\n",
     "3:35: expected a date YYYY-MM-DD or a month YYYY-MM, got \"2023-13\""},
    {"years:\n"
     "  - year: 2024\n"
     "    source: {title: 通知, published: 2023-10-25x}\n"
     "    holidays: []\n",
     "3:36: expected a date YYYY-MM-DD or a month YYYY-MM, got \"2023-10-25x\""},
    {"years:\n"
     "  - year: 2024\n"
     "    source: {title: \"\", published: 2023-10-25}\n"
     "    holidays: []\n",
     "3:22: expected a text, got an empty value"},
    {"years:\n"
     "  - year: 2024\n"
     "    holidays: []\n",
     "2:5: missing key \"source\""},
    {"calendar:\n"
     "  years: []\n",
     "1:1: unknown key \"calendar\" (expected years, statutory)"},
    {"years: 2024\n", "1:8: expected a sequence, got a scalar"},
    {"- year: 2024\n", "1:1: expected a mapping, got a sequence"},
    {"", "1:1: empty file: expected a mapping with the key \"years\""},
    {"# nothing but a comment\n", "1:1: empty file: expected a mapping with the key \"years\""},
    {"years: []\n---\nyears: []\n", "2:1: a second YAML document; the file holds one"},
};

static void test_load_errors(void **state)
{
	for (size_t i = 0; i < sizeof(load_errors) / sizeof(load_errors[0]); i++) {
		struct pd_calendar *c = (struct pd_calendar *)&c; /* must be reset to NULL */
		struct pd_error err = {0};
		char path[512], want[1200], got[1200];
		int rc = load_text(load_errors[i].text, &c, &err, path, sizeof(path));
		assert_int_equal(rc, PD_FAIL(PD_EPOLICY));
		assert_null(c);
		pd_error_format(&err, got, sizeof(got));
		snprintf(want, sizeof(want), "%s:%s", path, load_errors[i].message);
		if (strcmp(got, want) != 0)
			fail_msg("case %zu:\nexpected: %s\n     got: %s", i, want, got);
	}
}

static void test_missing_file(void **state)
{
	struct pd_calendar *c = NULL;
	struct pd_error err = {0};
	char path[512];
	snprintf(path, sizeof(path), "%s/no-such-file.yaml", tmpdir);
	assert_int_equal(pd_calendar_load(path, &c, &err), PD_FAIL(PD_ENOTFOUND));
	assert_null(c);
	assert_string_equal(err.file, path);
	assert_int_equal(pd_error_exit_code(err.code), 66);
}

int main(void)
{
	const struct CMUnitTest real[] = {
	    cmocka_unit_test(test_every_day),
	    cmocka_unit_test(test_add_vectors),
	    cmocka_unit_test(test_count_inverse_of_add),
	    cmocka_unit_test(test_coverage),
	    cmocka_unit_test(test_uncovered_years),
	    cmocka_unit_test(test_workday_near),
	};
	const struct CMUnitTest files[] = {
	    cmocka_unit_test(test_gap_year),
	    cmocka_unit_test(test_empty_years),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_missing_file),
	};
	int failed = cmocka_run_group_tests_name("calendar", real, load_real, free_real);
	failed += cmocka_run_group_tests_name("calendar files", files, make_tmpdir, remove_tmpdir);
	return failed ? 1 : 0;
}
