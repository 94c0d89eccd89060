/*
 * test_json_object.c: pd_json_read_object() (codec.h), the schema-directed
 * reader of small objects (request bodies, an action's data).
 *
 * Good objects check every kind of field, what absent and null members
 * leave, raw members kept as written with where they start; a table of bad
 * inputs pins each error exactly as "file:line:column: path: message".
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

struct body {
	const char *s;
	const char *w;
	int64_t i;
	bool b;
	pd_date d;
	struct pd_json_raw o, a;
};

#define FIELD(name_, type_, req_, member_, max_len_, min_, max_)                                   \
	{                                                                                          \
		.name = name_, .type = type_, .required = req_,                                    \
		.offset = offsetof(struct body, member_), .max_len = max_len_, .min = min_,        \
		.max = max_                                                                        \
	}

static const struct pd_field fields[] = {
    FIELD("s", PD_FIELD_STRING, true, s, 8, 0, 0),  FIELD("w", PD_FIELD_WORD, false, w, 0, 0, 0),
    FIELD("i", PD_FIELD_INT, false, i, 0, -5, 100), FIELD("b", PD_FIELD_BOOL, false, b, 0, 0, 0),
    FIELD("d", PD_FIELD_DATE, false, d, 0, 0, 0),   FIELD("o", PD_FIELD_OBJECT, false, o, 0, 0, 0),
    FIELD("a", PD_FIELD_ARRAY, false, a, 0, 0, 0),
};
#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))

static struct pd_arena arena;

static int setup(void **state)
{
	pd_arena_init(&arena, 0, 0);
	return 0;
}

static int teardown(void **state)
{
	pd_arena_free(&arena);
	return 0;
}

static struct body fresh(void)
{
	return (struct body){.s = "old", .w = "old", .i = 7, .b = true, .d = 42};
}

static int read_body(const char *json, const char *prefix, int line_base, struct body *out,
                     struct pd_error *err)
{
	pd_error_clear(err);
	return pd_json_read_object(json, strlen(json), "t.json", line_base, prefix, fields,
	                           N_FIELDS, &arena, out, err);
}

static void test_every_kind(void **state)
{
	const char *json = "{\n"
	                   "  \"s\": \"caf\\u00e9\",\n"
	                   "  \"w\": \"interview\",\n"
	                   "  \"i\": -5,\n"
	                   "  \"b\": false,\n"
	                   "  \"d\": \"2026-02-28\",\n"
	                   "  \"o\": {\"x\": [1, {\"y\": null}]},\n"
	                   "  \"a\": [ ]\n"
	                   "}\n";
	struct body b = fresh();
	struct pd_error err;
	assert_int_equal(read_body(json, "data", 0, &b, &err), 0);
	assert_string_equal(b.s, "caf\xc3\xa9");
	assert_string_equal(b.w, "interview");
	assert_int_equal(b.i, -5);
	assert_false(b.b);
	assert_int_equal(b.d, pd_date_from_ymd(2026, 2, 28));
	assert_int_equal(b.o.len, strlen("{\"x\": [1, {\"y\": null}]}"));
	assert_memory_equal(b.o.json, "{\"x\": [1, {\"y\": null}]}", b.o.len);
	assert_true(b.o.json > json && b.o.json < json + strlen(json)); /* not copied */
	assert_int_equal(b.o.line, 7);
	assert_int_equal(b.o.column, 8);
	assert_int_equal(b.a.len, 3);
	assert_memory_equal(b.a.json, "[ ]", 3);
	assert_int_equal(b.a.line, 8);
	assert_int_equal(b.a.column, 8);
	/* line_base moves lines, as for a case in a batch */
	b = fresh();
	assert_int_equal(read_body(json, "data", 10, &b, &err), 0);
	assert_int_equal(b.o.line, 17);
}

static void test_absent_and_null(void **state)
{
	struct body b = fresh();
	struct pd_error err;
	assert_int_equal(
	    read_body("{\"s\":\"x\",\"w\":null,\"i\":null,\"o\":null}", "", 0, &b, &err), 0);
	assert_string_equal(b.s, "x");
	assert_string_equal(b.w, "old");
	assert_int_equal(b.i, 7);
	assert_true(b.b);
	assert_int_equal(b.d, 42);
	assert_null(b.o.json);
	/* strings are copied: the input may go */
	char *copy = strdup("{\"s\":\"12345678\"}");
	assert_int_equal(pd_json_read_object(copy, strlen(copy), NULL, 0, NULL, fields, N_FIELDS,
	                                     &arena, &b, &err),
	                 0);
	memset(copy, 'z', strlen(copy));
	free(copy);
	assert_string_equal(b.s, "12345678");
	/* integers at both ends of the range */
	assert_int_equal(read_body("{\"s\":\"x\",\"i\":100}", "", 0, &b, &err), 0);
	assert_int_equal(b.i, 100);
	assert_int_equal(read_body("{\"s\":\"x\",\"i\":-0}", "", 0, &b, &err), 0);
	assert_int_equal(b.i, 0);
}

static void test_int64_range(void **state)
{
	static const struct pd_field wide[] = {
	    FIELD("i", PD_FIELD_INT, true, i, 0, INT64_MIN, INT64_MAX),
	};
	struct body b = fresh();
	struct pd_error err;
	const char *max = "{\"i\":9223372036854775807}", *min = "{\"i\":-9223372036854775808}";
	const char *over = "{\"i\":9223372036854775808}";
	assert_int_equal(
	    pd_json_read_object(max, strlen(max), "t", 0, "", wide, 1, &arena, &b, &err), 0);
	assert_true(b.i == INT64_MAX);
	assert_int_equal(
	    pd_json_read_object(min, strlen(min), "t", 0, "", wide, 1, &arena, &b, &err), 0);
	assert_true(b.i == INT64_MIN);
	assert_int_equal(
	    pd_json_read_object(over, strlen(over), "t", 0, "", wide, 1, &arena, &b, &err),
	    PD_FAIL(PD_EINPUT));
	assert_string_equal(err.message, "expected an integer from -9223372036854775808 to "
	                                 "9223372036854775807, got 9223372036854775808");
}

/* ---- errors, pinned ---- */

static const struct {
	const char *json;
	const char *prefix;
	const char *expected; /* pd_error_format() */
} bad[] = {
    /* members */
    {"{\"s\":\"x\",\"zz\":1}", "data",
     "t.json:1:10: data.zz: unknown field; expected one of s, w, i, b, d, o, a"},
    {"{\"s\":\"x\",\"s\":\"y\"}", "data", "t.json:1:10: data.s: duplicate field"},
    {"{\"s\":\"x\",\"i\":1,\"i\":null}", "data", "t.json:1:16: data.i: duplicate field"},
    {"{}", "data", "t.json:1:1: data.s: missing required field"},
    {"{\"s\":null}", "data", "t.json:1:6: data.s: expected a non-empty string, got null"},
    {"{\"s\":\"x\"}", "", NULL},
    {"{\"s\":\"x\",\"zz\":1}", "",
     "t.json:1:10: zz: unknown field; expected one of s, w, i, b, "
     "d, o, a"},
    {"{\"\\u0073\":\"x\",\"\\u0073\":\"y\"}", "", "t.json:1:15: \\u0073: duplicate field"},
    /* strings and words */
    {"{\"s\":1}", "data", "t.json:1:6: data.s: expected a non-empty string, got 1"},
    {"{\"s\":\"\"}", "data", "t.json:1:6: data.s: expected a non-empty string, got \"\""},
    {"{\"s\":\"123456789\"}", "data",
     "t.json:1:6: data.s: expected a string of at most 8 bytes, got \"123456789\""},
    {"{\"s\":\"caf\\u00e9\\u00e9\\u00e9\"}", "data",
     "t.json:1:6: data.s: expected a string of at most 8 bytes, got "
     "\"caf\\u00e9\\u00e9\\u00e9\""},
    {"{\"s\":\"a\\u0000\"}", "data", "t.json:1:6: data.s: \\u0000 is not allowed in a string"},
    {"{\"s\":\"x\",\"w\":\"a b\"}", "data",
     "t.json:1:14: data.w: expected a word (no spaces or escapes), got \"a b\""},
    {"{\"s\":\"x\",\"w\":\"inter\\u0076iew\"}", "data",
     "t.json:1:14: data.w: expected a word (no spaces or escapes), got \"inter\\u0076iew\""},
    {"{\"s\":\"x\",\"w\":[\"a\"]}", "data",
     "t.json:1:14: data.w: expected a word (no spaces or escapes), got an array"},
    /* numbers, booleans, dates */
    {"{\"s\":\"x\",\"i\":101}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got 101"},
    {"{\"s\":\"x\",\"i\":-6}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got -6"},
    {"{\"s\":\"x\",\"i\":1.0}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got 1.0"},
    {"{\"s\":\"x\",\"i\":1e2}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got 1e2"},
    {"{\"s\":\"x\",\"i\":\"1\"}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got \"1\""},
    {"{\"s\":\"x\",\"i\":99999999999999999999}", "data",
     "t.json:1:14: data.i: expected an integer from -5 to 100, got 99999999999999999999"},
    {"{\"s\":\"x\",\"b\":\"true\"}", "data",
     "t.json:1:14: data.b: expected true or false, got \"true\""},
    {"{\"s\":\"x\",\"b\":1}", "data", "t.json:1:14: data.b: expected true or false, got 1"},
    {"{\"s\":\"x\",\"d\":\"2026-02-30\"}", "data",
     "t.json:1:14: data.d: expected a date YYYY-MM-DD, got \"2026-02-30\""},
    {"{\"s\":\"x\",\"d\":20260228}", "data",
     "t.json:1:14: data.d: expected a date YYYY-MM-DD, got 20260228"},
    /* raw members */
    {"{\"s\":\"x\",\"o\":[]}", "data", "t.json:1:14: data.o: expected an object, got an array"},
    {"{\"s\":\"x\",\"a\":{}}", "data", "t.json:1:14: data.a: expected an array, got an object"},
    {"{\"s\":\"x\",\"a\":\"[]\"}", "data", "t.json:1:14: data.a: expected an array, got \"[]\""},
    /* the text itself, named under the prefix */
    {"", "data", "t.json:1:1: data: empty input"},
    {"[]", "data", "t.json:1:1: data: expected an object at the top level, got an array"},
    {"{\"s\":\"x\",}", "data", "t.json:1:9: data.s: trailing comma before '}'"},
    {"{\"s\":\"x\"} {}", "data",
     "t.json:1:11: data: expected end of input after the top-level object, got '{'"},
    {"{\"s\":", "data", "t.json:1:6: data.s: expected a value, got end of input"},
    {"{\"s\":\"x\",\"o\":{\"k\":tru}}", "data", "t.json:1:19: data.o.k: expected a value, got tru"},
    {"{\"s\":\"\xC0\xAF\"}", "data", "t.json:1:7: data.s: invalid UTF-8 byte 0xC0"},
    {"{\"s\":\"x\"}", "data", NULL},
    /* lines and columns count lines and characters */
    {"{\n  \"s\": \"\xe5\xbc\xa0\",\n  \"i\": true\n}", "data",
     "t.json:3:8: data.i: expected an integer from -5 to 100, got true"},
    {"{\n  \"s\": \"\xe5\xbc\xa0\", \"d\": \"x\"\n}", "data",
     "t.json:2:18: data.d: expected a date YYYY-MM-DD, got \"x\""},
};

static void test_errors(void **state)
{
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct body b = fresh();
		struct pd_error err;
		char got[1024];
		int rc = read_body(bad[k].json, bad[k].prefix, 0, &b, &err);
		if (!bad[k].expected) {
			if (rc)
				fail_msg("row %zu: %s", k, err.message);
			continue;
		}
		pd_error_format(&err, got, sizeof(got));
		if (rc != PD_FAIL(PD_EINPUT) || strcmp(got, bad[k].expected) != 0)
			fail_msg("row %zu: %s\n  got %d %s\n want %s", k, bad[k].json, rc, got,
			         bad[k].expected);
	}
}

static void test_limits_and_odd_calls(void **state)
{
	struct body b = fresh();
	struct pd_error err;
	/* too large: refused before it is read */
	size_t len = 2 * PD_CASE_MAX_BYTES + 1;
	char *big = malloc(len);
	assert_non_null(big);
	memset(big, ' ', len);
	big[0] = '{';
	big[len - 1] = '}';
	pd_error_clear(&err);
	assert_int_equal(
	    pd_json_read_object(big, len, "body", 0, "data", fields, N_FIELDS, &arena, &b, &err),
	    PD_FAIL(PD_ETOOBIG));
	assert_string_equal(err.path, "data");
	free(big);
	/* nesting deeper than a case allows, plus one for the object around it */
	char deep[64] = "{\"s\":\"x\",\"o\":";
	size_t n = strlen(deep);
	for (int i = 0; i < PD_CASE_MAX_DEPTH + 1; i++)
		deep[n++] = '[';
	for (int i = 0; i < PD_CASE_MAX_DEPTH + 1; i++)
		deep[n++] = ']';
	deep[n++] = '}';
	deep[n] = '\0';
	assert_int_equal(read_body(deep, "data", 0, &b, &err), PD_FAIL(PD_EINPUT));
	assert_non_null(strstr(err.message, "deep"));
	/* NULL input, no error structure, no name */
	pd_error_clear(&err);
	assert_int_equal(
	    pd_json_read_object(NULL, 0, "-", 0, "data", fields, N_FIELDS, &arena, &b, &err),
	    PD_FAIL(PD_EINPUT));
	assert_string_equal(err.message, "empty input");
	assert_int_equal(
	    pd_json_read_object("{}", 2, NULL, 0, "data", fields, N_FIELDS, &arena, &b, NULL),
	    PD_FAIL(PD_EINPUT));
	/* an object with no fields at all */
	pd_error_clear(&err);
	assert_int_equal(pd_json_read_object("{}", 2, NULL, 0, "data", NULL, 0, &arena, &b, &err),
	                 0);
	assert_int_equal(
	    pd_json_read_object("{\"a\":1}", 7, NULL, 0, "data", NULL, 0, &arena, &b, &err),
	    PD_FAIL(PD_EINPUT));
	assert_string_equal(err.message, "unknown field; this object has none");
	assert_string_equal(err.file, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_kind),           cmocka_unit_test(test_absent_and_null),
	    cmocka_unit_test(test_int64_range),          cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_limits_and_odd_calls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
