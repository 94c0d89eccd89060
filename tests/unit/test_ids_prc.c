/*
 * test_ids_prc.c: Chinese identity numbers (src/lib/ids/prc_id.c).
 *
 * - The examples of GB 11643-1999 and the specimen numbers of the 2018
 *   residence permits, with their fields.
 * - MOD 11-2 catches every change of one digit and every swap of two
 *   neighbouring different digits of the seventeen.
 * - tests/data/ids/id.tsv: vectors written by a second implementation
 *   (make_vectors.py), each invalid one with the exact set of failed checks;
 *   at least 50 for each kind the issue names.
 * - Messages and the JSON verdict pinned; provinces; argument errors.
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

#define BIT(c) (1u << (c))

static pd_date today(void)
{
	return pd_date_from_ymd(2025, 6, 30);
}

static struct pd_id parse(const char *s)
{
	struct pd_id id;
	assert_int_equal(pd_id_parse(s, strlen(s), today(), &id, NULL), 0);
	return id;
}

static void test_standard_examples(void **state)
{
	(void)state;
	/* GB 11643-1999: the examples of the standard. */
	struct pd_id id = parse("11010519491231002X");
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_PRC_RESIDENT);
	assert_string_equal(id.region, "110105");
	assert_string_equal(id.province, "11");
	assert_string_equal(id.province_en, "Beijing");
	assert_string_equal(id.province_zh, "北京市");
	assert_int_equal(id.birth_date, pd_date_from_ymd(1949, 12, 31));
	assert_string_equal(id.sequence, "002");
	assert_int_equal(id.sex, 'F');
	assert_int_equal(id.check_character, 'X');
	assert_int_equal(id.notes, 0);

	id = parse("440524188001010014");
	assert_true(id.valid);
	assert_int_equal(id.birth_date, pd_date_from_ymd(1880, 1, 1));
	assert_int_equal(id.sex, 'M');
	assert_string_equal(id.province_en, "Guangdong");

	/* The specimen numbers shown with the 2018 residence permits. */
	id = parse("810000199408230021");
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_HK_MACAO_RESIDENCE_PERMIT);
	assert_string_equal(id.province_en, "Hong Kong");
	id = parse("830000199201300022");
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_TAIWAN_RESIDENCE_PERMIT);
	assert_int_equal(id.birth_date, pd_date_from_ymd(1992, 1, 30));

	/* A lower-case x is read as X, and said so. */
	id = parse("11010519491231002x");
	assert_true(id.valid);
	assert_string_equal(id.number, "11010519491231002X");
	assert_int_equal(id.notes, BIT(PD_ID_NOTE_UPPERCASED));

	assert_int_equal(pd_id_mod11_2("11010519491231002"), 'X');
	assert_int_equal(pd_id_mod11_2("44052418800101001"), '4');
	assert_int_equal(pd_id_mod11_2("4405241880010100A"), 0);
}

/* ISO 7064 MOD 11-2 sees every single substitution and every transposition
 * of neighbours (11 is prime and no weight is 0 mod 11). */
static void test_mod11_2_catches(void **state)
{
	static const char *const numbers[] = {"11010519491231002X", "440524188001010014",
	                                      "810000199408230021", "911840197001010017"};
	size_t tried = 0;
	(void)state;

	for (size_t k = 0; k < sizeof(numbers) / sizeof(numbers[0]); k++) {
		char n[19];
		snprintf(n, sizeof(n), "%s", numbers[k]);
		if (k == 3) { /* make the 2023-card number valid first */
			n[17] = pd_id_mod11_2(n);
			assert_true(parse(n).valid);
		}
		for (int i = 0; i < 18; i++) {
			char orig = n[i];
			for (char d = '0'; d <= '9'; d++) {
				if (d == orig)
					continue;
				n[i] = d;
				struct pd_id id = parse(n);
				tried++;
				if (id.valid)
					fail_msg("%s: position %d -> %c not caught", numbers[k],
					         i + 1, d);
				/* The check character sees it whatever else does. */
				if (i > 0 && !(id.failed & BIT(PD_ID_CHECK_DIGIT)))
					fail_msg("%s: position %d -> %c: no check_digit failure",
					         numbers[k], i + 1, d);
			}
			n[i] = orig;
		}
		for (int i = 0; i + 1 < 17; i++) {
			if (n[i] == n[i + 1])
				continue;
			char a = n[i];
			n[i] = n[i + 1];
			n[i + 1] = a;
			struct pd_id id = parse(n);
			tried++;
			assert_true(id.failed & BIT(PD_ID_CHECK_DIGIT));
			n[i + 1] = n[i];
			n[i] = a;
		}
	}
	assert_true(tried > 600);
}

/* The 2017 card's ICAO check digit sees a changed digit too. */
static void test_pr2017_catches(void **state)
{
	char n[16] = "USA110078120101";
	(void)state;
	n[14] = (char)('0' + pd_mrz_check_digit(n, 14));
	struct pd_id id = parse(n);
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_PERMANENT_RESIDENCE_2017);
	assert_string_equal(id.nationality, "USA");
	assert_string_equal(id.region, "1100");
	assert_string_equal(id.province_en, "Beijing");
	assert_int_equal(id.birth_date, pd_date_from_ymd(1978, 12, 1));
	assert_int_equal(id.sex, 0); /* no published rule says where the sex is */
	for (int i = 3; i < 14; i++) {
		char orig = n[i];
		for (char d = '0'; d <= '9'; d++) {
			if (d == orig)
				continue;
			n[i] = d;
			assert_false(parse(n).valid);
		}
		n[i] = orig;
	}
}

/* ---- vectors from the second implementation ------------------------------ */

static uint32_t id_check_bits(const char *list)
{
	uint32_t bits = 0;
	char word[40];
	while (*list) {
		size_t n = strcspn(list, ",");
		snprintf(word, sizeof(word), "%.*s", (int)n, list);
		int found = -1;
		for (int c = 0; c < PD_ID_CHECK_COUNT; c++)
			if (strcmp(word, pd_id_check_name((enum pd_id_check)c)) == 0)
				found = c;
		if (found < 0)
			fail_msg("unknown check '%s' in id.tsv", word);
		bits |= BIT(found);
		list += n;
		if (*list == ',')
			list++;
	}
	return bits;
}

static enum pd_id_kind kind_of(const char *name)
{
	for (int k = PD_ID_PRC_RESIDENT; k <= PD_ID_TAIWAN_TRAVEL_PERMIT; k++)
		if (strcmp(pd_id_kind_name((enum pd_id_kind)k), name) == 0)
			return (enum pd_id_kind)k;
	return PD_ID_UNKNOWN;
}

static void test_vectors(void **state)
{
	struct pd_buf file;
	struct pd_error err = {0};
	size_t count[PD_ID_TAIWAN_TRAVEL_PERMIT + 1] = {0};
	size_t valid[PD_ID_TAIWAN_TRAVEL_PERMIT + 1] = {0};
	size_t rows = 0;
	(void)state;

	pd_buf_init(&file, 1u << 22);
	if (pd_buf_read_file(&file, PD_TEST_DATA_DIR "/data/ids/id.tsv", &err) != 0)
		fail_msg("%s", err.message);
	char *line = file.data;
	while (line && *line) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		char *next = end ? end + 1 : NULL;
		if (line[0] == '#') {
			line = next;
			continue;
		}
		char *col[5], *p = line;
		for (int i = 0; i < 5; i++) {
			col[i] = p;
			p = strchr(p, '\t');
			if (i < 4) {
				assert_non_null(p);
				*p++ = '\0';
			}
		}
		struct pd_id id = parse(col[4]);
		enum pd_id_kind want = strcmp(col[1], "-") ? kind_of(col[1]) : PD_ID_UNKNOWN;
		if (id.kind != want)
			fail_msg("row %zu (%s): kind %s, expected %s", rows + 1, col[4],
			         pd_id_kind_name(id.kind), col[1]);
		if (strcmp(col[0], "valid") == 0) {
			if (!id.valid)
				fail_msg("row %zu: %s: %s", rows + 1, col[4],
				         id.problems[0].message);
			pd_date b = PD_DATE_NONE;
			if (strcmp(col[2], "-"))
				assert_int_equal(pd_date_parse(col[2], strlen(col[2]), &b), 0);
			assert_int_equal(id.birth_date, b);
			assert_int_equal(id.sex, strcmp(col[3], "-") ? col[3][0] : 0);
			valid[want]++;
		} else {
			uint32_t bits = id_check_bits(col[0]);
			if (id.failed != bits)
				fail_msg("row %zu (%s): expected %s, got %s", rows + 1, col[4],
				         col[0], id.n_problems ? id.problems[0].message : "valid");
			assert_false(id.valid);
		}
		count[want]++;
		rows++;
		line = next;
	}
	pd_buf_free(&file);
	assert_true(rows >= 300);
	/* GB 11643 numbers (citizens and the 2018 residence permits) together. */
	size_t gb = count[PD_ID_PRC_RESIDENT] + count[PD_ID_HK_MACAO_RESIDENCE_PERMIT] +
	            count[PD_ID_TAIWAN_RESIDENCE_PERMIT];
	assert_true(gb >= 50);
	assert_true(count[PD_ID_PRC_RESIDENT_15] >= 50);
	assert_true(count[PD_ID_PERMANENT_RESIDENCE_2017] >= 50);
	assert_true(count[PD_ID_PERMANENT_RESIDENCE_2023] >= 50);
	assert_true(count[PD_ID_HK_MACAO_TRAVEL_PERMIT] >= 50);
	assert_true(count[PD_ID_TAIWAN_TRAVEL_PERMIT] >= 50);
	assert_true(count[PD_ID_UNKNOWN] >= 10);
	for (int k = PD_ID_PRC_RESIDENT; k <= PD_ID_TAIWAN_TRAVEL_PERMIT; k++)
		assert_true(valid[k] >= 5 && count[k] > valid[k]);
}

/* ---- messages, JSON ------------------------------------------------------- */

static void test_messages(void **state)
{
	(void)state;
	struct pd_id id = parse("110105194902300021");
	assert_int_equal(id.failed, BIT(PD_ID_BIRTH_DATE) | BIT(PD_ID_CHECK_DIGIT));
	assert_string_equal(id.problems[0].message, "date of birth '19490230' is not a date");
	assert_int_equal(id.problems[0].column, 7);
	assert_string_equal(id.problems[1].message, "check character is 1, expected 0");
	assert_int_equal(id.problems[1].column, 18);

	id = parse("11010519491231002");
	assert_int_equal(id.failed, BIT(PD_ID_LENGTH));
	assert_int_equal(id.kind, PD_ID_UNKNOWN);
	assert_string_equal(
	    id.problems[0].message,
	    "17 characters: identity numbers have 18 or 15, travel permit numbers 11, 9 or 8");

	id = parse("K12345678");
	assert_int_equal(id.failed, BIT(PD_ID_FORMAT));
	assert_string_equal(id.problems[0].message,
	                    "9 characters beginning with 'K': no kind of number has this form");

	id = parse("1101051949123100AX");
	assert_int_equal(id.failed, BIT(PD_ID_CHARACTERS));
	assert_string_equal(id.problems[0].message,
	                    "character 17 of a resident identity number must be a digit");

	id = parse("810101199408230021");
	assert_true(id.failed & BIT(PD_ID_REGION));
	assert_string_equal(id.problems[0].message,
	                    "address code '810101': residence permits of Hong Kong use 810000");

	id = parse("H1234567803");
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_HK_MACAO_TRAVEL_PERMIT);
	assert_string_equal(id.permit_number, "H12345678");
	assert_int_equal(id.issue_count, 3);
	assert_string_equal(id.province_en, "Hong Kong");
	assert_int_equal(id.notes, BIT(PD_ID_NOTE_NO_CHECK_CHARACTER));
	id = parse("m12345678");
	assert_true(id.valid);
	assert_string_equal(id.province_en, "Macao");
	assert_int_equal(id.issue_count, -1);
	assert_int_equal(id.notes, BIT(PD_ID_NOTE_NO_CHECK_CHARACTER) | BIT(PD_ID_NOTE_UPPERCASED));

	/* The 2023 card: numeric nationality mapped to alpha-3. */
	char n[19] = "931156198507150020";
	n[17] = pd_id_mod11_2(n);
	id = parse(n);
	assert_true(id.valid);
	assert_int_equal(id.kind, PD_ID_PERMANENT_RESIDENCE_2023);
	assert_string_equal(id.province_en, "Shanghai");
	assert_int_equal(id.nationality_numeric, 156);
	assert_string_equal(id.nationality, "CHN");
	assert_int_equal(id.sex, 'F');

	/* Over-long input and bytes that are not text. */
	const char *longer = "1101051949123100211010519491231002";
	id = parse(longer);
	assert_int_equal(id.failed, BIT(PD_ID_LENGTH));
	assert_int_equal(strlen(id.number), PD_ID_MAX_LEN);
	const char bin[9] = {'\xff', '1', '2', '3', '4', '5', '6', '7', '\0'};
	assert_int_equal(pd_id_parse(bin, 9, today(), &id, NULL), 0);
	assert_int_equal(id.failed, BIT(PD_ID_FORMAT));
	assert_string_equal(id.problems[0].message,
	                    "9 characters beginning with \\xFF: no kind of number has this form");

	struct pd_error err = {0};
	assert_int_equal(pd_id_parse(NULL, 3, today(), &id, &err), -PD_EINPUT);
	assert_int_equal(pd_id_parse("1", 1, today(), NULL, &err), -PD_EINPUT);
	assert_int_equal(pd_id_parse(NULL, 0, today(), &id, NULL), 0);
	assert_int_equal(id.failed, BIT(PD_ID_LENGTH));
}

/* The Chinese message says as much as the English: every number and code the
 * English gives is in it too. */
static void assert_same_values(const struct pd_id_problem *p)
{
	assert_true(p->message_zh[0] != '\0');
	const char *s = p->message;
	while (*s) {
		size_t n = strspn(s, "0123456789X");
		if (n == 0) {
			s++;
			continue;
		}
		char run[32];
		snprintf(run, sizeof(run), "%.*s", (int)n, s);
		if (!strstr(p->message_zh, run))
			fail_msg("\"%s\" of \"%s\" not in \"%s\"", run, p->message, p->message_zh);
		s += n;
	}
}

static void test_messages_zh(void **state)
{
	(void)state;
	struct pd_id id = parse("110105194902300021");
	assert_string_equal(id.problems[0].message_zh, "出生日期“19490230”不是有效日期");
	assert_string_equal(id.problems[1].message_zh, "校验码为1，应为0");
	static const char *const bad[] = {
	    "110105194902300021", "11010519491231002",  "K12345678",          "1101051949123100AX",
	    "810101199408230021", "710101199408230021", "110105299901010021", "ZZZ110199001011",
	    "USA990199001011",    "990000198507150020", "931999198507150020", "0101051949123100",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		id = parse(bad[i]);
		assert_true(id.n_problems > 0);
		for (size_t k = 0; k < id.n_problems; k++)
			assert_same_values(&id.problems[k]);
	}
}

static void test_json(void **state)
{
	struct pd_buf b;
	(void)state;
	pd_buf_init(&b, 1u << 16);

	struct pd_id id = parse("11010519491231002X");
	assert_int_equal(pd_id_write_json(&id, false, &b), 0);
	assert_string_equal(b.data,
	                    "{\"valid\":true,\"kind\":\"prc_resident_id\",\"number\":"
	                    "\"11010519491231002X\",\"fields\":{\"region\":\"110105\",\"province\":"
	                    "\"11\",\"province_en\":\"Beijing\",\"province_zh\":\"北京市\","
	                    "\"birth_date\":\"1949-12-31\",\"sequence\":\"002\",\"sex\":\"F\","
	                    "\"check_character\":\"X\"},\"failed\":[],\"notes\":[]}");

	pd_buf_reset(&b);
	id = parse("11010519491231002");
	assert_int_equal(pd_id_write_json(&id, false, &b), 0);
	assert_string_equal(b.data,
	                    "{\"valid\":false,\"kind\":null,\"number\":\"11010519491231002\","
	                    "\"fields\":null,\"failed\":[{\"check\":\"length\",\"message\":"
	                    "\"17 characters: identity numbers have 18 or 15, travel "
	                    "permit numbers 11, 9 or 8\"}],\"notes\":[]}");

	pd_buf_reset(&b);
	id = parse("H1234567801");
	assert_int_equal(pd_id_write_json(&id, false, &b), 0);
	assert_string_equal(b.data,
	                    "{\"valid\":true,\"kind\":\"hk_macao_travel_permit\",\"number\":"
	                    "\"H1234567801\",\"fields\":{\"province\":\"81\","
	                    "\"province_en\":\"Hong Kong\",\"province_zh\":\"香港特别行政区\","
	                    "\"permit_number\":\"H12345678\",\"issue_count\":1},\"failed\":[],"
	                    "\"notes\":[\"no_check_character\"]}");

	pd_buf_reset(&b);
	const char bin[8] = {'1', '2', '\x01', '4', '\xc3', '6', '7', '8'};
	assert_int_equal(pd_id_parse(bin, 8, today(), &id, NULL), 0);
	assert_int_equal(pd_id_write_json(&id, false, &b), 0);
	assert_int_equal(pd_utf8_check(b.data, b.len), b.len);
	assert_non_null(strstr(b.data, "\"number\":\"12?4?678\""));
	pd_buf_free(&b);
}

static void test_provinces(void **state)
{
	(void)state;
	assert_string_equal(pd_province_find("44")->en, "Guangdong");
	assert_string_equal(pd_province_find("81")->zh, "香港特别行政区");
	assert_string_equal(pd_province_find("82")->en, "Macao");
	assert_string_equal(pd_province_find("83")->en, "Taiwan");
	assert_non_null(pd_province_find("71"));
	assert_null(pd_province_find("99"));
	assert_null(pd_province_find("00"));
	assert_null(pd_province_find(NULL));
	assert_string_equal(pd_id_kind_name(PD_ID_PERMANENT_RESIDENCE_2023),
	                    "permanent_residence_2023");
	assert_null(pd_id_kind_name(PD_ID_UNKNOWN));
	assert_string_equal(pd_id_check_name(PD_ID_CHECK_DIGIT), "check_digit");
	assert_string_equal(pd_id_check_name((enum pd_id_check)77), "unknown");
	assert_string_equal(pd_id_note_name(PD_ID_NOTE_UPPERCASED), "uppercased");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_standard_examples),
	    cmocka_unit_test(test_mod11_2_catches),
	    cmocka_unit_test(test_pr2017_catches),
	    cmocka_unit_test(test_vectors),
	    cmocka_unit_test(test_messages),
	    cmocka_unit_test(test_messages_zh),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_provinces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
