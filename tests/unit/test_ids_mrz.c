/*
 * test_ids_mrz.c: machine readable zones (src/lib/ids/mrz.c, countries.c).
 *
 * - The check digit examples of ICAO Doc 9303 Part 3 and every specimen zone
 *   printed in Parts 4 to 7 and 11, with the fields the Parts give them.
 * - Every one-character change of every specimen, at every position of a
 *   field that a check digit covers: caught, by the check of that field,
 *   except the changes the 7-3-1 digits cannot see (two characters whose
 *   values differ by a multiple of 10, such as 0 and A), which are counted.
 * - tests/data/ids/mrz.tsv: vectors written by a second implementation
 *   (make_vectors.py), each invalid one with the exact set of failed checks.
 * - Centuries, text input, the JSON verdict pinned, the country table.
 *
 * "Today" is fixed at 2025-06-30 throughout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/codec.h"
#include "permitdesk/ids.h"

static pd_date today(void)
{
	return pd_date_from_ymd(2025, 6, 30);
}

static pd_date ymd(int y, int m, int d)
{
	return pd_date_from_ymd(y, m, d);
}

#define BIT(c) (1u << (c))

static struct pd_mrz parse2(const char *l1, const char *l2)
{
	const char *lines[2] = {l1, l2};
	struct pd_mrz m;
	assert_int_equal(pd_mrz_parse(lines, 2, today(), &m, NULL), 0);
	return m;
}

/* ---- Part 3: check digits ---------------------------------------------- */

static void test_check_digit_examples(void **state)
{
	(void)state;
	/* Part 3, 4.9: the two worked examples. */
	assert_int_equal(pd_mrz_check_digit("520727", 6), 3);
	assert_int_equal(pd_mrz_check_digit("AB2134<<<", 9), 5);
	/* The specimens' fields, as printed. */
	assert_int_equal(pd_mrz_check_digit("L898902C3", 9), 6);
	assert_int_equal(pd_mrz_check_digit("740812", 6), 2);
	assert_int_equal(pd_mrz_check_digit("120415", 6), 9);
	assert_int_equal(pd_mrz_check_digit("D23145890", 9), 7);
	assert_int_equal(pd_mrz_check_digit("D23145890734", 12), 9);
	assert_int_equal(pd_mrz_check_digit("L8988901C", 9), 4);
	assert_int_equal(pd_mrz_check_digit("ZE184226B<<<<<", 14), 1);
	/* Characters outside the set have no value. */
	assert_int_equal(pd_mrz_check_digit("AB-1", 4), -1);
	assert_int_equal(pd_mrz_check_digit("ab", 2), -1);
	assert_int_equal(pd_mrz_check_digit("", 0), 0);
}

/* ---- specimens ------------------------------------------------------------ */

struct field {
	int line, from, to; /* 1-based, inclusive */
	uint32_t mask;      /* checks of which one at least must fail when it changes */
	bool digits;        /* only digits belong here: no change is invisible */
};

struct specimen {
	const char *cite;
	const char *lines[3];
	size_t n;
	enum pd_mrz_format format;
	const char *code, *state, *primary, *secondary, *number, *nationality;
	int birth[3], expiry[3];
	char sex;
	const char *optional, *optional2;
	uint32_t notes;
	struct field fields[10];
};

#define NUMBER_MASK                                                                                \
	(BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK) | BIT(PD_MRZ_FILLER) | BIT(PD_MRZ_DOCUMENT_NUMBER))
#define BIRTH_MASK (BIT(PD_MRZ_BIRTH_DATE) | BIT(PD_MRZ_BIRTH_DATE_CHECK))
#define EXPIRY_MASK (BIT(PD_MRZ_EXPIRY_DATE) | BIT(PD_MRZ_EXPIRY_DATE_CHECK))
#define NOTE(n) BIT(PD_MRZ_NOTE_##n)

/* Line 2 of TD3, MRV-A, TD2, MRV-B share their first 28 positions. */
#define LINE2_FIELDS                                                                               \
	{2, 1, 9, NUMBER_MASK, false}, {2, 10, 10, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), true},       \
	    {2, 14, 19, BIRTH_MASK, true}, {2, 20, 20, BIT(PD_MRZ_BIRTH_DATE_CHECK), true},        \
	    {2, 22, 27, EXPIRY_MASK, true},                                                        \
	{                                                                                          \
		2, 28, 28, BIT(PD_MRZ_EXPIRY_DATE_CHECK), true                                     \
	}

static const struct specimen specimens[] = {
    {"Doc 9303 Part 4, Appendix A: TD3 passport",
     {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
      "L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
     2,
     PD_MRZ_TD3,
     "P",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "L898902C3",
     "UTO",
     {1974, 8, 12},
     {2012, 4, 15},
     'F',
     "ZE184226B",
     "",
     NOTE(EXPIRED),
     {LINE2_FIELDS,
      {2, 29, 42, BIT(PD_MRZ_OPTIONAL_DATA_CHECK), false},
      {2, 43, 43, BIT(PD_MRZ_OPTIONAL_DATA_CHECK), true},
      {2, 44, 44, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
    {"Doc 9303 Part 5, Appendix A: TD1 identity card",
     {"I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
      "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"},
     3,
     PD_MRZ_TD1,
     "I",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "D23145890",
     "UTO",
     {1974, 8, 12},
     {2012, 4, 15},
     'F',
     "",
     "",
     NOTE(EXPIRED),
     {{1, 6, 14, NUMBER_MASK, false},
      {1, 15, 15, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), true},
      {1, 16, 30, BIT(PD_MRZ_COMPOSITE_CHECK) | NUMBER_MASK, false},
      {2, 1, 6, BIRTH_MASK, true},
      {2, 7, 7, BIT(PD_MRZ_BIRTH_DATE_CHECK), true},
      {2, 9, 14, EXPIRY_MASK, true},
      {2, 15, 15, BIT(PD_MRZ_EXPIRY_DATE_CHECK), true},
      {2, 19, 29, BIT(PD_MRZ_COMPOSITE_CHECK), false},
      {2, 30, 30, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
    {"Doc 9303 Part 6, Appendix A: TD2 identity card",
     {"I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"},
     2,
     PD_MRZ_TD2,
     "I",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "D23145890",
     "UTO",
     {1974, 8, 12},
     {2012, 4, 15},
     'F',
     "",
     "",
     NOTE(EXPIRED),
     {LINE2_FIELDS,
      {2, 29, 35, BIT(PD_MRZ_COMPOSITE_CHECK) | NUMBER_MASK, false},
      {2, 36, 36, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
    {"Doc 9303 Part 7, Appendix A: MRV-A visa",
     {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
      "L8988901C4XXX4009078F96121096ZE184226B<<<<<<"},
     2,
     PD_MRZ_MRVA,
     "V",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "L8988901C",
     "XXX",
     {1940, 9, 7},
     {1996, 12, 10},
     'F',
     "6ZE184226B",
     "",
     NOTE(EXPIRED),
     {LINE2_FIELDS}},
    {"Doc 9303 Part 7, Appendix B: MRV-B visa",
     {"V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<"},
     2,
     PD_MRZ_MRVB,
     "V",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "L8988901C",
     "XXX",
     {1940, 9, 7},
     {1996, 12, 10},
     'F',
     "",
     "",
     NOTE(EXPIRED),
     {LINE2_FIELDS}},
    {"Doc 9303 Part 11, Appendix D, D.2: TD1 with a 12-character document number",
     {"I<UTOD23145890<7349<<<<<<<<<<<", "3407127M9507122UTO<<<<<<<<<<<2",
      "STEVENSON<<PETER<JOHN<<<<<<<<<"},
     3,
     PD_MRZ_TD1,
     "I",
     "UTO",
     "STEVENSON",
     "PETER JOHN",
     "D23145890734",
     "UTO",
     {1934, 7, 12},
     {1995, 7, 12},
     'M',
     "",
     "",
     NOTE(EXPIRED) | NOTE(LONG_DOCUMENT_NUMBER),
     {{1, 6, 14, NUMBER_MASK, false},
      {1, 15, 15, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK) | BIT(PD_MRZ_COMPOSITE_CHECK), true},
      {1, 16, 19, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), false},
      {1, 20, 30, BIT(PD_MRZ_COMPOSITE_CHECK) | BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), false},
      {2, 1, 6, BIRTH_MASK, true},
      {2, 7, 7, BIT(PD_MRZ_BIRTH_DATE_CHECK), true},
      {2, 9, 14, EXPIRY_MASK, true},
      {2, 15, 15, BIT(PD_MRZ_EXPIRY_DATE_CHECK), true},
      {2, 19, 29, BIT(PD_MRZ_COMPOSITE_CHECK), false},
      {2, 30, 30, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
    {"Doc 9303 Part 11, Appendix D, D.2: TD2 with a 12-character document number",
     {"I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<<<8"},
     2,
     PD_MRZ_TD2,
     "I",
     "UTO",
     "STEVENSON",
     "PETER JOHN",
     "D23145890734",
     "UTO",
     {1934, 7, 12},
     {1995, 7, 12},
     'M',
     "",
     "",
     NOTE(EXPIRED) | NOTE(LONG_DOCUMENT_NUMBER),
     {{2, 1, 9, NUMBER_MASK, false},
      {2, 10, 10, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK) | BIT(PD_MRZ_COMPOSITE_CHECK), true},
      {2, 14, 19, BIRTH_MASK, true},
      {2, 20, 20, BIT(PD_MRZ_BIRTH_DATE_CHECK), true},
      {2, 22, 27, EXPIRY_MASK, true},
      {2, 28, 28, BIT(PD_MRZ_EXPIRY_DATE_CHECK), true},
      {2, 29, 32, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), false},
      {2, 33, 35, BIT(PD_MRZ_COMPOSITE_CHECK) | BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK), false},
      {2, 36, 36, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
    {"Doc 9303 Part 1 before the seventh edition: TD3 passport with a filler in the number",
     {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
      "L898902C<3UTO6908061F9406236ZE184226B<<<<<14"},
     2,
     PD_MRZ_TD3,
     "P",
     "UTO",
     "ERIKSSON",
     "ANNA MARIA",
     "L898902C",
     "UTO",
     {1969, 8, 6},
     {1994, 6, 23},
     'F',
     "ZE184226B",
     "",
     NOTE(EXPIRED),
     {LINE2_FIELDS,
      {2, 29, 42, BIT(PD_MRZ_OPTIONAL_DATA_CHECK), false},
      {2, 43, 43, BIT(PD_MRZ_OPTIONAL_DATA_CHECK), true},
      {2, 44, 44, BIT(PD_MRZ_COMPOSITE_CHECK), true}}},
};
#define N_SPECIMENS (sizeof(specimens) / sizeof(specimens[0]))

static struct pd_mrz parse_specimen(const struct specimen *s)
{
	struct pd_mrz m;
	assert_int_equal(pd_mrz_parse(s->lines, s->n, today(), &m, NULL), 0);
	return m;
}

static void test_specimens(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SPECIMENS; i++) {
		const struct specimen *s = &specimens[i];
		struct pd_mrz m = parse_specimen(s);
		pd_date birth = ymd(s->birth[0], s->birth[1], s->birth[2]);
		pd_date expiry = ymd(s->expiry[0], s->expiry[1], s->expiry[2]);
		if (!m.valid)
			fail_msg("%s: %s", s->cite, m.problems[0].message);
		assert_int_equal(m.failed, 0);
		assert_int_equal(m.format, s->format);
		assert_true(m.parsed);
		assert_string_equal(m.document_code, s->code);
		assert_string_equal(m.issuing_state, s->state);
		assert_string_equal(m.primary, s->primary);
		assert_string_equal(m.secondary, s->secondary);
		assert_string_equal(m.document_number, s->number);
		assert_string_equal(m.nationality, s->nationality);
		assert_int_equal(m.birth_date, birth);
		assert_int_equal(m.expiry_date, expiry);
		assert_int_equal(m.sex, s->sex);
		assert_string_equal(m.optional_data, s->optional);
		assert_string_equal(m.optional_data2, s->optional2);
		assert_int_equal(m.notes, s->notes);
		assert_int_equal(m.n_problems, 0);
	}
}

/* The specimens are valid on their own dates: only "expired" depends on today. */
static void test_specimens_not_expired_in_their_time(void **state)
{
	(void)state;
	const char *l[2] = {specimens[0].lines[0], specimens[0].lines[1]};
	struct pd_mrz m;
	assert_int_equal(pd_mrz_parse(l, 2, ymd(2010, 1, 1), &m, NULL), 0);
	assert_true(m.valid);
	assert_int_equal(m.notes, 0);
	assert_int_equal(m.expiry_date, ymd(2012, 4, 15));
	/* The last day is still valid. */
	assert_int_equal(pd_mrz_parse(l, 2, ymd(2012, 4, 15), &m, NULL), 0);
	assert_int_equal(m.notes, 0);
	assert_int_equal(pd_mrz_parse(l, 2, ymd(2012, 4, 16), &m, NULL), 0);
	assert_int_equal(m.notes, NOTE(EXPIRED));
}

static int char_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 0; /* < */
}

/*
 * Every one-character change at every position of every checked field.  A
 * change of a digit-only field or of a check digit is always caught; in an
 * alphanumeric field, only a change between two characters whose values
 * differ by a multiple of 10 can escape, since every weight is 7, 3 or 1.
 */
static void test_every_one_character_change(void **state)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";
	size_t tried = 0, invisible = 0;
	(void)state;

	for (size_t i = 0; i < N_SPECIMENS; i++) {
		const struct specimen *s = &specimens[i];
		char buf[3][PD_MRZ_MAX_LINE + 1];
		const char *lines[3];
		for (size_t l = 0; l < s->n; l++) {
			snprintf(buf[l], sizeof(buf[l]), "%s", s->lines[l]);
			lines[l] = buf[l];
		}
		for (size_t f = 0; f < 10 && s->fields[f].line; f++) {
			const struct field *fd = &s->fields[f];
			char *line = buf[fd->line - 1];
			for (int col = fd->from; col <= fd->to; col++) {
				char orig = line[col - 1];
				for (const char *a = alphabet; *a; a++) {
					if (*a == orig)
						continue;
					line[col - 1] = *a;
					struct pd_mrz m;
					pd_mrz_parse(lines, s->n, today(), &m, NULL);
					line[col - 1] = orig;
					tried++;
					bool may_hide =
					    !fd->digits &&
					    (char_value(*a) - char_value(orig)) % 10 == 0;
					if (may_hide && m.valid) {
						invisible++;
						continue;
					}
					if (m.valid)
						fail_msg(
						    "%s: line %d column %d '%c' -> '%c' not caught",
						    s->cite, fd->line, col, orig, *a);
					if (!(m.failed & fd->mask))
						fail_msg(
						    "%s: line %d column %d '%c' -> '%c' caught by "
						    "%s, not by its own check",
						    s->cite, fd->line, col, orig, *a,
						    pd_mrz_check_name(m.problems[0].check));
				}
			}
		}
	}
	/* About one change in ten that ICAO's digits cannot see, never more. */
	print_message("%zu changes tried, %zu invisible to the check digits\n", tried, invisible);
	assert_true(tried > 5000);
	assert_true(invisible * 8 < tried);
}

/* ---- vectors from the second implementation ------------------------------ */

static uint32_t mrz_check_bits(const char *list)
{
	uint32_t bits = 0;
	char word[40];
	while (*list) {
		size_t n = strcspn(list, ",");
		snprintf(word, sizeof(word), "%.*s", (int)n, list);
		int found = -1;
		for (int c = 0; c < PD_MRZ_CHECK_COUNT; c++)
			if (strcmp(word, pd_mrz_check_name((enum pd_mrz_check)c)) == 0)
				found = c;
		if (found < 0)
			fail_msg("unknown check '%s' in mrz.tsv", word);
		bits |= BIT(found);
		list += n;
		if (*list == ',')
			list++;
	}
	return bits;
}

static enum pd_mrz_format format_of(const char *name)
{
	for (int f = PD_MRZ_TD1; f <= PD_MRZ_MRVB; f++)
		if (strcmp(pd_mrz_format_name((enum pd_mrz_format)f), name) == 0)
			return (enum pd_mrz_format)f;
	return PD_MRZ_UNKNOWN;
}

static void test_vectors(void **state)
{
	struct pd_buf file;
	struct pd_error err = {0};
	size_t count[PD_MRZ_MRVB + 1] = {0}, valid[PD_MRZ_MRVB + 1] = {0};
	(void)state;

	pd_buf_init(&file, 1u << 22);
	if (pd_buf_read_file(&file, PD_TEST_DATA_DIR "/data/ids/mrz.tsv", &err) != 0)
		fail_msg("%s", err.message);
	char *save = NULL, *line = file.data;
	size_t rows = 0;
	while (line && *line) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		save = end ? end + 1 : NULL;
		if (line[0] == '#' || line[0] == '\0') {
			line = save;
			continue;
		}
		char *col[6];
		char *p = line;
		for (int i = 0; i < 6; i++) {
			col[i] = p;
			p = strchr(p, '\t');
			if (i < 5) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		const char *lines[8];
		size_t n = 0;
		for (char *q = col[5]; q && n < 8;) {
			lines[n++] = q;
			q = strchr(q, '|');
			if (q)
				*q++ = '\0';
		}
		struct pd_mrz m;
		assert_int_equal(pd_mrz_parse(lines, n, today(), &m, NULL), 0);
		enum pd_mrz_format want = strcmp(col[1], "-") ? format_of(col[1]) : PD_MRZ_UNKNOWN;
		if (m.format != want)
			fail_msg("row %zu (%s): format %s, expected %s", rows + 1, col[5],
			         pd_mrz_format_name(m.format), col[1]);
		if (strcmp(col[0], "valid") == 0) {
			if (!m.valid)
				fail_msg("row %zu: %s: %s", rows + 1, col[5],
				         m.problems[0].message);
			assert_string_equal(m.document_number, col[2]);
			pd_date b = PD_DATE_NONE, e = PD_DATE_NONE;
			if (strcmp(col[3], "-"))
				assert_int_equal(pd_date_parse(col[3], strlen(col[3]), &b), 0);
			assert_int_equal(pd_date_parse(col[4], strlen(col[4]), &e), 0);
			assert_int_equal(m.birth_date, b);
			assert_int_equal(m.expiry_date, e);
			valid[want]++;
		} else {
			uint32_t bits = mrz_check_bits(col[0]);
			if (m.failed != bits) {
				char got[256] = "";
				for (size_t k = 0; k < m.n_problems; k++) {
					strncat(got, m.problems[k].message,
					        sizeof(got) - strlen(got) - 1);
					strncat(got, "; ", sizeof(got) - strlen(got) - 1);
				}
				fail_msg("row %zu (%s): expected %s, got: %s", rows + 1, col[5],
				         col[0], got);
			}
			assert_false(m.valid);
		}
		count[want]++;
		rows++;
		line = save;
	}
	pd_buf_free(&file);
	for (int f = PD_MRZ_TD1; f <= PD_MRZ_MRVB; f++) {
		assert_true(count[f] >= 50);
		assert_true(valid[f] >= 25);
		assert_true(count[f] - valid[f] >= 25);
	}
}

/* ---- focused cases -------------------------------------------------------- */

/* A TD3 zone with computed check digits (the digit function is tested above). */
static void make_td3(char l1[45], char l2[45], const char *number, const char *birth,
                     const char *expiry, char sex)
{
	snprintf(l1, 45, "%s", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
	char body[45];
	snprintf(body, sizeof(body), "%-9.9s0UTO%.6s0%c%.6s0<<<<<<<<<<<<<<0", number, birth, sex,
	         expiry);
	for (char *p = body; *p; p++)
		if (*p == ' ')
			*p = '<';
	body[9] = (char)('0' + pd_mrz_check_digit(body, 9));
	body[19] = (char)('0' + pd_mrz_check_digit(body + 13, 6));
	body[27] = (char)('0' + pd_mrz_check_digit(body + 21, 6));
	char comp[40];
	memcpy(comp, body, 10);
	memcpy(comp + 10, body + 13, 7);
	memcpy(comp + 17, body + 21, 22);
	body[43] = (char)('0' + pd_mrz_check_digit(comp, 39));
	body[44] = '\0';
	memcpy(l2, body, 45);
}

static void test_centuries(void **state)
{
	char l1[45], l2[45];
	struct pd_mrz m;
	(void)state;

	/* Born today: this century; born tomorrow's date: the last. */
	make_td3(l1, l2, "AB123", "250630", "300101", 'M');
	m = parse2(l1, l2);
	assert_true(m.valid);
	assert_int_equal(m.birth_date, ymd(2025, 6, 30));
	make_td3(l1, l2, "AB123", "250701", "300101", 'M');
	m = parse2(l1, l2);
	assert_int_equal(m.birth_date, ymd(1925, 7, 1));
	/* Expiry: up to 50 years ahead (2075), else the century before. */
	make_td3(l1, l2, "AB123", "800101", "750101", 'M');
	m = parse2(l1, l2);
	assert_int_equal(m.expiry_date, ymd(2075, 1, 1));
	assert_int_equal(m.notes, 0);
	make_td3(l1, l2, "AB123", "800101", "760101", 'M');
	m = parse2(l1, l2);
	assert_int_equal(m.expiry_date, ymd(1976, 1, 1));
	assert_int_equal(m.notes, NOTE(EXPIRED));
	/* 29 February: 2000 was leap, 2100 and 1900 are not. */
	make_td3(l1, l2, "AB123", "000229", "000229", 'F');
	m = parse2(l1, l2);
	assert_true(m.valid);
	assert_int_equal(m.birth_date, ymd(2000, 2, 29));
	make_td3(l1, l2, "AB123", "800101", "270229", 'F');
	m = parse2(l1, l2);
	assert_int_equal(m.failed, BIT(PD_MRZ_EXPIRY_DATE));
	assert_string_equal(m.problems[0].message, "date of expiry '270229' is not a date YYMMDD");
	assert_int_equal(m.problems[0].line, 2);
	assert_int_equal(m.problems[0].column, 22);
	/* Sex unspecified reads as X. */
	make_td3(l1, l2, "AB123", "800101", "300101", '<');
	m = parse2(l1, l2);
	assert_true(m.valid);
	assert_int_equal(m.sex, 'X');
	/* Unknown date of birth, in the forms Part 3 allows. */
	make_td3(l1, l2, "AB123", "<<<<<<", "300101", 'M');
	m = parse2(l1, l2);
	assert_true(m.valid);
	assert_int_equal(m.birth_date, PD_DATE_NONE);
	assert_int_equal(m.notes, NOTE(BIRTH_DATE_UNKNOWN));
	make_td3(l1, l2, "AB123", "8012<<", "300101", 'M');
	assert_true(parse2(l1, l2).valid);
	make_td3(l1, l2, "AB123", "80<<01", "300101", 'M');
	assert_int_equal(parse2(l1, l2).failed, BIT(PD_MRZ_BIRTH_DATE));
	make_td3(l1, l2, "AB123", "8013<<", "300101", 'M');
	assert_int_equal(parse2(l1, l2).failed, BIT(PD_MRZ_BIRTH_DATE));
}

static void test_messages(void **state)
{
	struct pd_mrz m;
	(void)state;

	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C37UTO7408122F1204159ZE184226B<<<<<10");
	assert_int_equal(m.failed, BIT(PD_MRZ_DOCUMENT_NUMBER_CHECK) | BIT(PD_MRZ_COMPOSITE_CHECK));
	assert_int_equal(m.n_problems, 2);
	assert_string_equal(m.problems[0].message, "document number check digit is 7, expected 6");
	assert_int_equal(m.problems[0].line, 2);
	assert_int_equal(m.problems[0].column, 10);
	assert_string_equal(m.problems[1].message, "composite check digit is 0, expected 7");
	assert_int_equal(m.problems[1].column, 44);
	/* The same values in Chinese (the check's name is the reader's). */
	assert_string_equal(m.problems[0].message_zh, "校验位为7，应为6");
	assert_string_equal(m.problems[1].message_zh, "校验位为0，应为7");

	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159ZE184226B<<<<<1");
	assert_int_equal(m.failed, BIT(PD_MRZ_LENGTH));
	assert_int_equal(m.format, PD_MRZ_TD3);
	assert_false(m.parsed);
	assert_string_equal(m.problems[0].message, "line 2 has 43 characters, expected 44 for TD3");

	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159ZE184226b<<<<<10");
	assert_int_equal(m.failed, BIT(PD_MRZ_CHARACTERS));
	assert_string_equal(m.problems[0].message,
	                    "character 'b' is not allowed: only A-Z, 0-9 and <");
	assert_int_equal(m.problems[0].column, 37);

	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTA7408122F1204159ZE184226B<<<<<10");
	assert_int_equal(m.failed, BIT(PD_MRZ_NATIONALITY));
	assert_string_equal(m.problems[0].message,
	                    "nationality 'UTA' is not an ISO 3166-1 or ICAO code");

	m = parse2("P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
	           "C01X00T478D<<6408125F2702283<<<<<<<<<<<<<<<4");
	assert_true(m.valid);
	assert_string_equal(m.issuing_state, "D");
	assert_string_equal(m.nationality, "D");
	assert_string_equal(m.optional_data, "");

	const char *one[1] = {"P<UTOERIKSSON"};
	assert_int_equal(pd_mrz_parse(one, 1, today(), &m, NULL), 0);
	assert_int_equal(m.format, PD_MRZ_UNKNOWN);
	assert_string_equal(
	    m.problems[0].message,
	    "1 line: a machine readable zone has 2 lines (TD2, TD3, MRV) or 3 (TD1)");
	m = parse2("ABC", "DEF");
	assert_int_equal(m.failed, BIT(PD_MRZ_FORMAT));
	assert_string_equal(m.problems[0].message,
	                    "lines of 3 and 3 characters: a zone of two lines has 44 (TD3, MRV-A) "
	                    "or 36 (TD2, MRV-B) characters in each");

	/* A name that fills its field may have been cut. */
	m = parse2("P<UTOABCDEFGHIJKLMNOPQRSTUVWXYZ<<ABCDEFGHIJK",
	           "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
	assert_true(m.valid);
	assert_int_equal(m.notes, NOTE(EXPIRED) | NOTE(NAME_TRUNCATED));
	assert_string_equal(m.secondary, "ABCDEFGHIJK");

	/* A personal number left empty may carry < as its check digit, or 0. */
	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8");
	assert_true(m.valid);
	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<08");
	assert_true(m.valid);
	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159ZE184226B<<<<<<9");
	assert_int_equal(m.failed, BIT(PD_MRZ_OPTIONAL_DATA_CHECK));
	assert_string_equal(m.problems[0].message, "optional data check digit is '<', expected 1");
	assert_string_equal(m.problems[0].message_zh, "校验位为'<'，应为1");
}

static void test_text_input(void **state)
{
	static const char *const texts[] = {
	    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
	    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\r\n"
	    "L898902C36UTO7408122F1204159ZE184226B<<<<<10\r\n",
	    "\n\nP<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
	    "L898902C36UTO7408122F1204159ZE184226B<<<<<10\n\n",
	    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
	    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
	};
	struct pd_mrz m;
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(pd_mrz_parse_text(texts[i], strlen(texts[i]), today(), &m, NULL),
		                 0);
		assert_true(m.valid);
		assert_int_equal(m.format, PD_MRZ_TD3);
		assert_string_equal(m.document_number, "L898902C3");
	}
	const char *td1 = "I<UTOD231458907<<<<<<<<<<<<<<<7408122F1204159UTO<<<<<<<<<<<6"
	                  "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
	assert_int_equal(pd_mrz_parse_text(td1, strlen(td1), today(), &m, NULL), 0);
	assert_true(m.valid);
	assert_int_equal(m.format, PD_MRZ_TD1);
	const char *td2 =
	    "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<D231458907UTO7408122F1204159<<<<<<<6";
	assert_int_equal(pd_mrz_parse_text(td2, strlen(td2), today(), &m, NULL), 0);
	assert_int_equal(m.format, PD_MRZ_TD2);
	assert_true(m.valid);

	/* Bytes that are not text, and a NUL inside: failures, not crashes. */
	const char bin[] = "P<UTO\0\xff\n\x01";
	assert_int_equal(pd_mrz_parse_text(bin, sizeof(bin) - 1, today(), &m, NULL), 0);
	assert_false(m.valid);
	assert_int_equal(pd_mrz_parse_text("", 0, today(), &m, NULL), 0);
	assert_int_equal(m.failed, BIT(PD_MRZ_FORMAT));
	assert_string_equal(
	    m.problems[0].message,
	    "0 lines: a machine readable zone has 2 lines (TD2, TD3, MRV) or 3 (TD1)");
	const char *five = "A\nB\nC\nD\nE";
	assert_int_equal(pd_mrz_parse_text(five, strlen(five), today(), &m, NULL), 0);
	assert_int_equal(m.failed, BIT(PD_MRZ_FORMAT));

	struct pd_error err = {0};
	assert_int_equal(pd_mrz_parse_text(NULL, 3, today(), &m, &err), -PD_EINPUT);
	assert_int_equal(pd_mrz_parse(NULL, 2, today(), &m, &err), -PD_EINPUT);
	const char *withnull[2] = {"A", NULL};
	assert_int_equal(pd_mrz_parse(withnull, 2, today(), &m, &err), -PD_EINPUT);
	assert_int_equal(pd_mrz_parse(withnull, 1, today(), NULL, &err), -PD_EINPUT);
}

static void test_json(void **state)
{
	struct pd_buf b;
	struct pd_mrz m;
	(void)state;

	pd_buf_init(&b, 1u << 16);
	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C36UTO7408122F1204159ZE184226B<<<<<11");
	assert_int_equal(pd_mrz_write_json(&m, false, &b), 0);
	assert_string_equal(
	    b.data,
	    "{\"valid\":false,\"format\":\"TD3\",\"fields\":{\"document_code\":\"P\","
	    "\"issuing_state\":\"UTO\",\"issuing_state_name\":\"Utopia (fictitious State of the "
	    "Doc 9303 specimens)\",\"primary_identifier\":\"ERIKSSON\",\"secondary_identifier\":"
	    "\"ANNA MARIA\",\"document_number\":\"L898902C3\",\"nationality\":\"UTO\","
	    "\"nationality_name\":\"Utopia (fictitious State of the Doc 9303 specimens)\","
	    "\"birth_date\":\"1974-08-12\",\"birth_date_raw\":\"740812\",\"sex\":\"F\","
	    "\"expiry_date\":\"2012-04-15\",\"expiry_date_raw\":\"120415\",\"optional_data\":"
	    "\"ZE184226B\"},\"failed\":[{\"check\":\"composite_check\",\"line\":2,\"column\":44,"
	    "\"message\":\"composite check digit is 1, expected 0\"}],\"notes\":[\"expired\"]}");

	pd_buf_reset(&b);
	const char *bad = "P<UTO\xff\xfe";
	assert_int_equal(pd_mrz_parse_text(bad, strlen(bad), today(), &m, NULL), 0);
	assert_int_equal(pd_mrz_write_json(&m, false, &b), 0);
	assert_string_equal(b.data, "{\"valid\":false,\"format\":null,\"fields\":null,\"failed\":"
	                            "[{\"check\":\"format\",\"message\":\"1 line: a machine "
	                            "readable zone has 2 lines (TD2, TD3, MRV) or 3 (TD1)\"}],"
	                            "\"notes\":[]}");

	/* Bytes outside ASCII in a field come out as '?': the output stays UTF-8. */
	pd_buf_reset(&b);
	m = parse2("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
	           "L898902C\xe9"
	           "3UTO7408122F1204159ZE184226B<<<<<10");
	assert_int_equal(pd_mrz_write_json(&m, false, &b), 0);
	assert_int_equal(pd_utf8_check(b.data, b.len), b.len);
	assert_non_null(strstr(b.data, "\"document_number\":\"L898902C?\""));
	assert_non_null(strstr(b.data, "character \\\\xE9 is not allowed"));
	pd_buf_free(&b);
}

static void test_countries(void **state)
{
	(void)state;
	const struct pd_country *c = pd_country_find("DEU", 3);
	assert_non_null(c);
	assert_string_equal(c->alpha2, "DE");
	assert_int_equal(c->numeric, 276);
	c = pd_country_find("D<<", 3);
	assert_non_null(c);
	assert_string_equal(c->code, "D");
	assert_int_equal(c->kind, PD_COUNTRY_ICAO);
	static const char *const icao[] = {"UTO", "XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK",
	                                   "EUE", "GBD", "GBN", "GBO", "GBP", "GBS", "XPO", "XOM"};
	for (size_t i = 0; i < sizeof(icao) / sizeof(icao[0]); i++) {
		c = pd_country_find(icao[i], 3);
		assert_non_null(c);
		assert_int_equal(c->kind, PD_COUNTRY_ICAO);
	}
	assert_null(pd_country_find("deu", 3));
	assert_null(pd_country_find("ZZZ", 3));
	assert_null(pd_country_find("<<<", 3));
	assert_null(pd_country_find("DEUT", 4));
	assert_null(pd_country_find("D<E", 3));
	assert_null(pd_country_find(NULL, 3));
	c = pd_country_by_numeric(156);
	assert_non_null(c);
	assert_string_equal(c->code, "CHN");
	assert_string_equal(pd_country_by_numeric(158)->code, "TWN");
	assert_string_equal(pd_country_by_numeric(840)->code, "USA");
	assert_null(pd_country_by_numeric(0));
	assert_null(pd_country_by_numeric(999));
	/* Every ISO alpha-3 code of the table is found again by its numeric code. */
	static const char *const some[] = {"AFG", "ALA", "CIV", "CUW", "HKG", "MAC",
	                                   "PSE", "SSD", "TUR", "XKX", "ZWE"};
	for (size_t i = 0; i < sizeof(some) / sizeof(some[0]); i++) {
		c = pd_country_find(some[i], 3);
		if (strcmp(some[i], "XKX") == 0) {
			assert_null(c); /* not assigned by ISO, not listed by ICAO */
			continue;
		}
		assert_non_null(c);
		assert_ptr_equal(pd_country_by_numeric(c->numeric), c);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pd_mrz_check_name(PD_MRZ_COMPOSITE_CHECK), "composite_check");
	assert_string_equal(pd_mrz_check_name((enum pd_mrz_check)99), "unknown");
	assert_string_equal(pd_mrz_note_name(PD_MRZ_NOTE_EXPIRED), "expired");
	assert_string_equal(pd_mrz_format_name(PD_MRZ_MRVA), "MRV-A");
	assert_null(pd_mrz_format_name(PD_MRZ_UNKNOWN));
	/* The bit sets must hold every check and note. */
	assert_true(PD_MRZ_CHECK_COUNT <= 32);
	assert_true(PD_MRZ_NOTE_COUNT <= 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_digit_examples),
	    cmocka_unit_test(test_specimens),
	    cmocka_unit_test(test_specimens_not_expired_in_their_time),
	    cmocka_unit_test(test_every_one_character_change),
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_centuries),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_text_input),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_countries),
	    cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
