/*
 * test_case_decode.c: pd_case_decode() (codec.h) against format.md §1.
 *
 * Good cases check every slot they fill and where it stood; a table of bad
 * inputs pins each error exactly as "line:column: path: message"; the limits
 * (size, depth, string length, documents, values) are checked with inputs
 * built here, large enough to hurt a recursive or quadratic decoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "permitdesk/codec.h"

/* 2026-03-02, the "today" every test passes. */
static pd_date today(void)
{
	return pd_date_from_ymd(2026, 3, 2);
}

static pd_date ymd(int y, int m, int d)
{
	return pd_date_from_ymd(y, m, d);
}

/* The example of format.md §1, as written there. */
static const char format_example[] =
    "{\n"
    "  \"jurisdiction\": \"shenzhen\",\n"
    "  \"date\": \"2026-03-02\",\n"
    "  \"application\": {\n"
    "    \"document\": \"residence_permit\",\n"
    "    \"action\": \"extension\",\n"
    "    \"purpose\": \"family_reunion\",\n"
    "    \"requested_days\": 730\n"
    "  },\n"
    "  \"applicant\": {\n"
    "    \"name\": \"Anna Maria Eriksson\",\n"
    "    \"birth_date\": \"1990-08-12\",\n"
    "    \"nationality\": \"SWE\",\n"
    "    \"passport\": { \"number\": \"L898902C3\", \"expiry\": \"2031-04-15\" },\n"
    "    \"status\": { \"document\": \"residence_permit\", \"type\": \"family_reunion\", "
    "\"expiry\": \"2026-03-20\" },\n"
    "    \"first_entry\": false,\n"
    "    \"good_record\": true\n"
    "  },\n"
    "  \"sponsor\": { \"category\": \"citizen_local\", \"relationship\": \"spouse\", "
    "\"id_number\": \"11010519491231002X\" },\n"
    "  \"documents\": [\n"
    "    { \"type\": \"passport\" },\n"
    "    { \"type\": \"application_form\" },\n"
    "    { \"type\": \"photo\", \"issued\": \"2026-02-20\" },\n"
    "    { \"type\": \"kinship_proof\", \"foreign\": true, \"notarized\": true, "
    "\"legalized\": true, \"translated\": true }\n"
    "  ],\n"
    "  \"agent\": null\n"
    "}\n";

struct fixture {
	struct pd_arena arena;
	struct pd_case c;
	struct pd_error err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	pd_arena_init(&f->arena, 0, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	pd_arena_free(&f->arena);
	free(f);
	return 0;
}

/* Decodes from a heap copy that is wiped and freed before the caller looks at
 * the case: nothing in the case may point into the input. */
static int decode(struct fixture *f, const char *json, size_t len, int line_base)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, json, len);
	pd_error_clear(&f->err);
	int rc = pd_case_decode(copy, len, "t.json", line_base, today(), &f->arena, &f->c, &f->err);
	memset(copy, 'X', len);
	free(copy);
	return rc;
}

static int decode_str(struct fixture *f, const char *json)
{
	return decode(f, json, strlen(json), 0);
}

/* "line:col: path: message" as the tables write it. */
static void where(const struct pd_error *err, char *buf, size_t size)
{
	snprintf(buf, size, "%d:%d: %s%s%s", err->line, err->column, err->path,
	         err->path[0] ? ": " : "", err->message);
}

static void assert_str_fact(const struct pd_case *c, enum pd_fact_id f, const char *want)
{
	const struct pd_value *v = &c->facts[f];
	assert_true(v->known);
	assert_int_equal(v->len, strlen(want));
	assert_memory_equal(v->s, want, v->len);
	assert_int_equal(v->s[v->len], '\0');
}

static void assert_int_fact(const struct pd_case *c, enum pd_fact_id f, int32_t want)
{
	assert_true(c->facts[f].known);
	assert_int_equal(c->facts[f].i, want);
}

static void assert_enum_fact(const struct pd_case *c, enum pd_fact_id f, const char *word)
{
	const struct pd_vocab *v = &pd_vocabs[pd_facts[f].vocab];
	assert_true(c->facts[f].known);
	assert_in_range(c->facts[f].i, 0, v->count - 1);
	assert_string_equal(v->words[c->facts[f].i], word);
}

static void test_format_example(void **state)
{
	struct fixture *f = *state;
	struct pd_case *c = &f->c;
	assert_int_equal(decode_str(f, format_example), 0);
	assert_str_fact(c, PD_F_JURISDICTION, "shenzhen");
	assert_int_fact(c, PD_F_DATE, ymd(2026, 3, 2));
	assert_enum_fact(c, PD_F_APP_DOCUMENT, "residence_permit");
	assert_enum_fact(c, PD_F_APP_ACTION, "extension");
	assert_enum_fact(c, PD_F_APP_PURPOSE, "family_reunion");
	assert_int_fact(c, PD_F_APP_REQUESTED_DAYS, 730);
	assert_false(c->facts[PD_F_APP_BASIS].known);
	assert_false(c->facts[PD_F_APP_VISA_TYPE].known);
	assert_str_fact(c, PD_F_APPLICANT_NAME, "Anna Maria Eriksson");
	assert_int_fact(c, PD_F_APPLICANT_BIRTH_DATE, ymd(1990, 8, 12));
	assert_int_fact(c, PD_F_APPLICANT_AGE, 35);
	assert_str_fact(c, PD_F_APPLICANT_NATIONALITY, "SWE");
	assert_str_fact(c, PD_F_PASSPORT_NUMBER, "L898902C3");
	assert_int_fact(c, PD_F_PASSPORT_EXPIRY, ymd(2031, 4, 15));
	assert_enum_fact(c, PD_F_STATUS_DOCUMENT, "residence_permit");
	assert_enum_fact(c, PD_F_STATUS_TYPE, "family_reunion");
	assert_int_fact(c, PD_F_STATUS_EXPIRY, ymd(2026, 3, 20));
	assert_int_fact(c, PD_F_APPLICANT_FIRST_ENTRY, 0);
	assert_int_fact(c, PD_F_APPLICANT_GOOD_RECORD, 1);
	assert_false(c->facts[PD_F_APPLICANT_MARRIED].known);
	assert_enum_fact(c, PD_F_SPONSOR_CATEGORY, "citizen_local");
	assert_enum_fact(c, PD_F_SPONSOR_RELATIONSHIP, "spouse");
	assert_str_fact(c, PD_F_SPONSOR_ID_NUMBER, "11010519491231002X");
	assert_false(c->facts[PD_F_SPONSOR_LOCAL_MONTHS].known);

	/* agent: null means "no agent", which is known */
	assert_true(c->agent_given);
	assert_int_fact(c, PD_F_AGENT_PRESENT, 0);
	assert_false(c->facts[PD_F_AGENT_RELATION].known);

	assert_true(c->documents_given);
	assert_int_equal(c->n_documents, 4);
	assert_string_equal(c->documents[0].type, "passport");
	assert_int_equal(c->documents[0].issued, PD_DATE_NONE);
	assert_int_equal(c->documents[0].foreign, -1);
	assert_string_equal(c->documents[2].type, "photo");
	assert_int_equal(c->documents[2].issued, ymd(2026, 2, 20));
	assert_int_equal(c->documents[2].expires, PD_DATE_NONE);
	assert_string_equal(c->documents[3].type, "kinship_proof");
	assert_int_equal(c->documents[3].foreign, 1);
	assert_int_equal(c->documents[3].notarized, 1);
	assert_int_equal(c->documents[3].legalized, 1);
	assert_int_equal(c->documents[3].translated, 1);
	assert_int_equal(c->documents[3].line, 24);
	assert_int_equal(c->documents[3].column, 5);
	assert_null(c->mrz);
	assert_null(c->extra);

	/* where the facts stood: the value's first character */
	assert_int_equal(c->fact_line[PD_F_JURISDICTION], 2);
	assert_int_equal(c->fact_column[PD_F_JURISDICTION], 19);
	assert_int_equal(c->fact_line[PD_F_APPLICANT_BIRTH_DATE], 12);
	assert_int_equal(c->fact_column[PD_F_APPLICANT_BIRTH_DATE], 19);
	assert_int_equal(c->fact_line[PD_F_APP_REQUESTED_DAYS], 8);
	assert_int_equal(c->fact_column[PD_F_APP_REQUESTED_DAYS], 23);
	assert_int_equal(c->fact_line[PD_F_PASSPORT_EXPIRY], 14);
	assert_int_equal(c->fact_column[PD_F_PASSPORT_EXPIRY], 52);
	assert_int_equal(c->fact_line[PD_F_AGENT_PRESENT], 26);
	assert_int_equal(c->fact_column[PD_F_AGENT_PRESENT], 12);
	assert_int_equal(c->fact_line[PD_F_APPLICANT_MARRIED], 0);
}

static void test_visa_case(void **state)
{
	struct fixture *f = *state;
	struct pd_case *c = &f->c;
	static const char json[] =
	    "{\"jurisdiction\":\"national\","
	    "\"application\":{\"document\":\"visa\",\"action\":\"extension\","
	    "\"visa_type\":\"Q2\",\"requested_days\":180,\"group\":false},"
	    "\"applicant\":{\"name\":\"\xe5\xbc\xa0\xe4\xb8\x89\","
	    "\"birth_date\":\"2008-02-29\","
	    "\"nationality\":\"UTO\",\"passport\":{\"number\":\"L898902C3\",\"expiry\":"
	    "\"2031-04-15\",\"mrz\":[\"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\","
	    "\"L898902C36UTO7408122F1204159ZE184226B<<<<<10\"]},"
	    "\"status\":{\"document\":\"visa\",\"type\":\"Q2\",\"expiry\":\"2026-03-20\","
	    "\"stay_days\":90,\"entry_date\":\"2025-12-21\",\"entries_remaining\":0}},"
	    "\"sponsor\":{\"category\":\"foreign_resident\",\"relationship\":\"child\","
	    "\"residence_permit_kind\":\"work\",\"guarantees_expenses\":true,"
	    "\"local_residence_months\":0},"
	    "\"documents\":[],"
	    "\"agent\":{\"relation\":\"family_member\"},"
	    "\"extra\":{\"ref\":\"A-17\",\"tags\":[1,2.5e3,-0,true,null,{\"k\":\"\xc3\xa9\"}],"
	    "\"note\":\"\\u4f60\\ud83d\\ude00\"}}";
	assert_int_equal(decode_str(f, json), 0);
	assert_str_fact(c, PD_F_JURISDICTION, "national");
	/* no "date": today */
	assert_int_fact(c, PD_F_DATE, today());
	assert_int_equal(c->fact_line[PD_F_DATE], 0);
	assert_enum_fact(c, PD_F_APP_DOCUMENT, "visa");
	assert_enum_fact(c, PD_F_APP_VISA_TYPE, "Q2");
	assert_int_fact(c, PD_F_APP_GROUP, 0);
	assert_str_fact(c, PD_F_APPLICANT_NAME, "\xe5\xbc\xa0\xe4\xb8\x89");
	/* born 29 February: 18 is reached on 1 March 2026 */
	assert_int_fact(c, PD_F_APPLICANT_AGE, 18);
	assert_enum_fact(c, PD_F_STATUS_TYPE, "Q2");
	assert_int_fact(c, PD_F_STATUS_STAY_DAYS, 90);
	assert_int_fact(c, PD_F_STATUS_ENTRY_DATE, ymd(2025, 12, 21));
	assert_int_fact(c, PD_F_STATUS_ENTRIES_REMAINING, 0);
	assert_enum_fact(c, PD_F_SPONSOR_PERMIT_KIND, "work");
	assert_int_fact(c, PD_F_SPONSOR_GUARANTEES, 1);
	assert_int_fact(c, PD_F_SPONSOR_LOCAL_MONTHS, 0);
	assert_true(c->agent_given);
	assert_int_fact(c, PD_F_AGENT_PRESENT, 1);
	assert_enum_fact(c, PD_F_AGENT_RELATION, "family_member");
	assert_true(c->documents_given);
	assert_int_equal(c->n_documents, 0);
	assert_int_equal(c->n_mrz, 2);
	assert_string_equal(c->mrz[0], "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<");
	assert_string_equal(c->mrz[1], "L898902C36UTO7408122F1204159ZE184226B<<<<<10");
	const char *extra = strstr(json, "\"extra\":") + 8;
	assert_int_equal(c->extra_len, strlen(extra) - 1);
	assert_memory_equal(c->extra, extra, c->extra_len);
	/* columns count characters: 张三 is two columns, six bytes */
	assert_int_equal(c->fact_column[PD_F_APPLICANT_BIRTH_DATE],
	                 (int)(strstr(json, "\"2008-02-29\"") - json) + 1 - 4);
}

static void test_minimal_case(void **state)
{
	struct fixture *f = *state;
	struct pd_case *c = &f->c;
	assert_int_equal(decode_str(f, " {\"jurisdiction\" : \"tianjin\"}\r\n"), 0);
	assert_str_fact(c, PD_F_JURISDICTION, "tianjin");
	assert_int_fact(c, PD_F_DATE, today());
	for (int i = 0; i < PD_FACT_COUNT; i++)
		if (i != PD_F_JURISDICTION && i != PD_F_DATE)
			assert_false(c->facts[i].known);
	assert_false(c->documents_given);
	assert_false(c->agent_given);
	assert_int_equal(c->n_documents, 0);
	assert_null(c->extra);

	/* null is unknown, for facts and objects alike; "date": null takes today */
	assert_int_equal(decode_str(f, "{\"jurisdiction\":\"x\",\"date\":null,\"application\":null,"
	                               "\"applicant\":{\"name\":null,\"passport\":null,"
	                               "\"married\":null},"
	                               "\"documents\":null,\"extra\":null}"),
	                 0);
	assert_int_fact(c, PD_F_DATE, today());
	assert_false(c->facts[PD_F_APPLICANT_NAME].known);
	assert_false(c->facts[PD_F_APPLICANT_MARRIED].known);
	assert_false(c->documents_given);
	assert_null(c->extra);
}

static void test_escapes(void **state)
{
	struct fixture *f = *state;
	struct pd_case *c = &f->c;
	assert_int_equal(
	    decode_str(f, "{\"\\u006aurisdiction\":\"zhe\\u006Aiang\",\"application\":"
	                  "{\"document\":\"vis\\u0061\"},\"applicant\":{\"name\":"
	                  "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\u4F60\\uD83D\\uDE00\"},"
	                  "\"documents\":[{\"type\":\"photo\","
	                  "\"issued\":\"2026\\u002d01-05\"}]}"),
	    0);
	assert_str_fact(c, PD_F_JURISDICTION, "zhejiang");
	assert_enum_fact(c, PD_F_APP_DOCUMENT, "visa");
	assert_str_fact(c, PD_F_APPLICANT_NAME,
	                "a\"b\\c/d\b\f\n\r\t\xc3\xa9\xe4\xbd\xa0\xf0\x9f\x98\x80");
	assert_int_equal(c->documents[0].issued, ymd(2026, 1, 5));
}

/* Every fact that is not derived can be set by its path, and lands in its slot. */
static void test_every_fact_reachable(void **state)
{
	struct fixture *f = *state;
	for (int id = 0; id < PD_FACT_COUNT; id++) {
		const struct pd_fact_def *d = &pd_facts[id];
		if (d->flags & PD_FF_DERIVED)
			continue;
		char value[64];
		switch (d->type) {
		case PD_T_BOOL:
			snprintf(value, sizeof(value), "true");
			break;
		case PD_T_INT:
			snprintf(value, sizeof(value), "7");
			break;
		case PD_T_DATE:
			snprintf(value, sizeof(value), "\"2000-01-31\"");
			break;
		case PD_T_ENUM:
			snprintf(value, sizeof(value), "\"%s\"",
			         pd_vocabs[d->vocab].words[pd_vocabs[d->vocab].count - 1]);
			break;
		default:
			snprintf(value, sizeof(value), "%s",
			         id == PD_F_APPLICANT_NATIONALITY ? "\"CHN\"" : "\"x-1\"");
		}
		/* "a.b.c" -> {"a":{"b":{"c":value}}}, plus the jurisdiction */
		char json[512] = "{";
		size_t n = 1;
		int open = 1;
		if (id != PD_F_JURISDICTION)
			n +=
			    (size_t)snprintf(json + n, sizeof(json) - n, "\"jurisdiction\":\"j\",");
		const char *p = d->path;
		for (;;) {
			const char *dot = strchr(p, '.');
			size_t seg = dot ? (size_t)(dot - p) : strlen(p);
			n += (size_t)snprintf(json + n, sizeof(json) - n, "\"%.*s\":%s", (int)seg,
			                      p, dot ? "{" : value);
			if (!dot)
				break;
			open++;
			p = dot + 1;
		}
		while (open--)
			n += (size_t)snprintf(json + n, sizeof(json) - n, "}");
		int rc = decode_str(f, json);
		if (rc) {
			char msg[1200];
			where(&f->err, msg, sizeof(msg));
			fail_msg("%s: %s", d->path, msg);
		}
		assert_true(f->c.facts[id].known);
		assert_int_equal(f->c.fact_line[id], 1);
		assert_int_equal(f->c.fact_column[id], (int)(strstr(json, value) - json) + 1);
		if (d->type == PD_T_INT)
			assert_int_equal(f->c.facts[id].i, 7);
	}
}

static void test_line_base(void **state)
{
	struct fixture *f = *state;
	const char *bad = "{\"jurisdiction\":\"x\",\"date\":\"2026-02-29\"}";
	assert_int_equal(decode(f, bad, strlen(bad), 41), PD_FAIL(PD_EINPUT));
	assert_string_equal(f->err.file, "t.json");
	assert_int_equal(f->err.line, 42);
	assert_int_equal(f->err.column, 28);
	assert_string_equal(f->err.path, "date");
	const char *good = "{\"jurisdiction\":\"x\",\"date\":\"2026-02-28\"}";
	assert_int_equal(decode(f, good, strlen(good), 41), 0);
	assert_int_equal(f->c.fact_line[PD_F_DATE], 42);
	assert_int_equal(f->c.fact_column[PD_F_DATE], 28);
}

/* ---- bad inputs: each with its exact "line:col: path: message" ---- */

struct bad {
	const char *json;
	int code;
	const char *want;
};

#define J "{\"jurisdiction\":\"x\","
#define E PD_EINPUT

static const struct bad bad_inputs[] = {
    /* malformed JSON */
    {"", E, "1:1: empty input"},
    {" \n\t ", E, "2:3: empty input"},
    {"[]", E, "1:1: expected an object at the top level, got an array"},
    {"\"case\"", E, "1:1: expected an object at the top level, got a string"},
    {"42", E, "1:1: expected an object at the top level, got a number"},
    {"null", E, "1:1: expected an object at the top level, got null"},
    {"case", E, "1:1: expected an object at the top level, got 'c'"},
    {"\xEF\xBB\xBF{}", E,
     "1:1: expected an object at the top level, got a byte order mark (U+FEFF)"},
    {"{\"jurisdiction\":\"x\" \"date\":\"2026-01-01\"}", E,
     "1:21: jurisdiction: expected ',' or '}' after an object member, got '\"'"},
    {"{\"jurisdiction\":\"x\",}", E, "1:20: jurisdiction: trailing comma before '}'"},
    {J "\"documents\":[{\"type\":\"photo\"},]}", E,
     "1:50: documents[0]: trailing comma before ']'"},
    {J "\"documents\":[{\"type\":\"photo\"} {\"type\":\"passport\"}]}", E,
     "1:51: documents[0]: expected ',' or ']' after an array element, got '{'"},
    {"{\"jurisdiction\":\"x", E, "1:17: jurisdiction: unterminated string"},
    {"{\"jurisdiction\":\"x\"", E,
     "1:20: jurisdiction: expected ',' or '}' after an object member, got end of input"},
    {"{\"jurisdiction\":shenzhen}", E, "1:17: jurisdiction: expected a value, got shenzhen"},
    {"{\"jurisdiction\":True}", E, "1:17: jurisdiction: expected a value, got True"},
    {J "\"agent\":nul}", E, "1:29: agent: expected a value, got nul"},
    {J "\"agent\":}", E, "1:29: agent: expected a value, got '}'"},
    {"{\"jurisdiction\" \"x\"}", E,
     "1:17: jurisdiction: expected ':' after the member name, got '\"'"},
    {"{jurisdiction:\"x\"}", E, "1:2: expected a member name in double quotes, got 'j'"},
    {"{'jurisdiction':'x'}", E, "1:2: expected a member name in double quotes, got '''"},
    {J "\"extra\":{\"a\":[1}}}", E,
     "1:36: extra.a[0]: expected ',' or ']' after an array element, got '}'"},
    {"{\"jurisdiction\":\"x\"} x", E,
     "1:22: expected end of input after the top-level object, got 'x'"},
    {"{\"jurisdiction\":\"x\"}{}", E,
     "1:21: expected end of input after the top-level object, got '{'"},
    {"{\"jurisdiction\":\"x\"}}", E,
     "1:21: expected end of input after the top-level object, got '}'"},
    {"{\n  \"jurisdiction\": \"x\",\n  \"date\": \"2026-02-29\"\n}", E,
     "3:11: date: expected a date YYYY-MM-DD, got \"2026-02-29\""},

    /* invalid UTF-8 (the column counts the characters before) */
    {J "\"applicant\":{\"name\":\"\xC0\xAF\"}}", E,
     "1:42: applicant.name: invalid UTF-8 byte 0xC0"},
    {J "\"applicant\":{\"name\":\"\xE0\x80\xAF\"}}", E,
     "1:42: applicant.name: invalid UTF-8 sequence 0xE0 0x80"},
    {J "\"applicant\":{\"name\":\"\xE4\xBD\"}}", E,
     "1:42: applicant.name: invalid UTF-8 sequence 0xE4 0xBD 0x22"},
    {J "\"applicant\":{\"name\":\"\xE4", E, "1:42: applicant.name: invalid UTF-8 byte 0xE4"},
    {J "\"applicant\":{\"name\":\"a\x80\"}}", E, "1:43: applicant.name: invalid UTF-8 byte 0x80"},
    {J "\"applicant\":{\"name\":\"\xED\xA0\x80\"}}", E,
     "1:42: applicant.name: invalid UTF-8 sequence 0xED 0xA0"},
    {J "\"applicant\":{\"name\":\"\xF4\x90\x80\x80\"}}", E,
     "1:42: applicant.name: invalid UTF-8 sequence 0xF4 0x90"},
    {J "\"applicant\":{\"name\":\"\xF8\x88\x80\x80\x80\"}}", E,
     "1:42: applicant.name: invalid UTF-8 byte 0xF8"},
    {J "\"applicant\":{\"name\":\"\xe5\xbc\xa0\xFF\"}}", E,
     "1:43: applicant.name: invalid UTF-8 byte 0xFF"},
    {J "\xFF}", E, "1:21: jurisdiction: invalid UTF-8 byte 0xFF"},
    {J "\xc3\xa9}", E,
     "1:21: jurisdiction: expected a member name in double quotes, got '\xc3\xa9'"},

    /* strings and escapes */
    {J "\"applicant\":{\"name\":\"a\\xb\"}}", E,
     "1:43: applicant.name: invalid escape \\x in a string"},
    {J "\"applicant\":{\"name\":\"\\u12G4\"}}", E,
     "1:42: applicant.name: invalid escape in a string: \\u needs 4 hex digits"},
    {J "\"applicant\":{\"name\":\"\\u12\"}}", E,
     "1:42: applicant.name: invalid escape in a string: \\u needs 4 hex digits"},
    {J "\"applicant\":{\"name\":\"\\ud800\"}}", E,
     "1:42: applicant.name: lone surrogate \\uD800 in a string"},
    {J "\"applicant\":{\"name\":\"\\uD83D\\u0041\"}}", E,
     "1:42: applicant.name: lone surrogate \\uD83D in a string"},
    {J "\"applicant\":{\"name\":\"\\uDE00\\uD83D\"}}", E,
     "1:42: applicant.name: lone surrogate \\uDE00 in a string"},
    {J "\"applicant\":{\"name\":\"a\tb\"}}", E,
     "1:43: applicant.name: unescaped control character U+0009 in a string"},
    {J "\"applicant\":{\"name\":\"a\nb\"}}", E,
     "1:43: applicant.name: unescaped control character U+000A in a string"},
    {J "\"applicant\":{\"name\":\"a\\u0000b\"}}", E,
     "1:41: applicant.name: \\u0000 is not allowed in a string"},

    /* numbers */
    {J "\"application\":{\"requested_days\":030}}", E,
     "1:53: application.requested_days: invalid number 030: leading zeros are not allowed"},
    {J "\"application\":{\"requested_days\":-01}}", E,
     "1:53: application.requested_days: invalid number -01: leading zeros are not allowed"},
    {J "\"application\":{\"requested_days\":1.}}", E,
     "1:53: application.requested_days: invalid number 1."},
    {J "\"application\":{\"requested_days\":.5}}", E,
     "1:53: application.requested_days: invalid number .5"},
    {J "\"application\":{\"requested_days\":+1}}", E,
     "1:53: application.requested_days: invalid number +1"},
    {J "\"application\":{\"requested_days\":-}}", E,
     "1:53: application.requested_days: invalid number -"},
    {J "\"application\":{\"requested_days\":1e}}", E,
     "1:53: application.requested_days: invalid number 1e"},
    {J "\"application\":{\"requested_days\":0x10}}", E,
     "1:53: application.requested_days: invalid number 0x10"},
    {J "\"application\":{\"requested_days\":2147483648}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got "
     "2147483648"},
    {J "\"application\":{\"requested_days\":123456789012345678901234567890}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got "
     "123456789012345678901234567890"},
    {J "\"application\":{\"requested_days\":-1}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got -1"},
    {J "\"application\":{\"requested_days\":1.5}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got 1.5"},
    {J "\"application\":{\"requested_days\":1e2}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got 1e2"},
    {J "\"application\":{\"requested_days\":\"30\"}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got "
     "\"30\""},
    {J "\"application\":{\"requested_days\":true}}", E,
     "1:53: application.requested_days: expected an integer from 0 to 2147483647, got true"},

    /* booleans */
    {J "\"applicant\":{\"first_entry\":\"yes\"}}", E,
     "1:48: applicant.first_entry: expected true or false, got \"yes\""},
    {J "\"applicant\":{\"first_entry\":1}}", E,
     "1:48: applicant.first_entry: expected true or false, got 1"},
    {J "\"applicant\":{\"first_entry\":{}}}", E,
     "1:48: applicant.first_entry: expected true or false, got an object"},

    /* dates */
    {J "\"date\":\"2026-02-29\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"2026-02-29\""},
    {J "\"date\":\"2026-13-01\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"2026-13-01\""},
    {J "\"date\":\"2026-04-31\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"2026-04-31\""},
    {J "\"date\":\"2026-4-1\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"2026-4-1\""},
    {J "\"date\":\"0000-01-01\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"0000-01-01\""},
    {J "\"date\":\"\"}", E, "1:28: date: expected a date YYYY-MM-DD, got \"\""},
    {J "\"date\":20260301}", E, "1:28: date: expected a date YYYY-MM-DD, got 20260301"},
    {J "\"applicant\":{\"birth_date\":\"1990-13-01\"}}", E,
     "1:47: applicant.birth_date: expected a date YYYY-MM-DD, got \"1990-13-01\""},
    {J "\"applicant\":{\"birth_date\":\"1990-08-12T00:00:00+08:00 and a long tail\"}}", E,
     "1:47: applicant.birth_date: expected a date YYYY-MM-DD, got "
     "\"1990-08-12T00:00:00+08:00 and a long tai\xE2\x80\xA6\""},
    {J "\"applicant\":{\"birth_date\":\"1990-08-12T00:00:00+08:00 and a much longer tail\"}}", E,
     "1:47: applicant.birth_date: expected a date YYYY-MM-DD, got "
     "\"1990-08-12T00:00:00+08:00 and a much lon\xE2\x80\xA6\""},

    /* enums */
    {J "\"application\":{\"document\":\"permit\"}}", E,
     "1:47: application.document: expected one of residence_permit, visa; got \"permit\""},
    {J "\"application\":{\"document\":\"Visa\"}}", E,
     "1:47: application.document: expected one of residence_permit, visa; got \"Visa\""},
    {J "\"application\":{\"action\":\"\"}}", E,
     "1:45: application.action: expected one of issuance, extension, renewal, reissue, "
     "change; got \"\""},
    {J "\"application\":{\"action\":3}}", E,
     "1:45: application.action: expected one of issuance, extension, renewal, reissue, "
     "change; got 3"},
    {J "\"agent\":{\"relation\":\"friend\"}}", E,
     "1:41: agent.relation: expected one of family_member, inviter_employee, "
     "service_agency; got \"friend\""},

    /* strings */
    {J "\"applicant\":{\"name\":\"\"}}", E,
     "1:41: applicant.name: expected a non-empty string, got \"\""},
    {J "\"applicant\":{\"name\":5}}", E,
     "1:41: applicant.name: expected a non-empty string, got 5"},
    {J "\"applicant\":{\"nationality\":\"se\"}}", E,
     "1:48: applicant.nationality: expected a 3-letter ISO 3166-1 code in capitals, "
     "got \"se\""},
    {J "\"applicant\":{\"nationality\":\"SWED\"}}", E,
     "1:48: applicant.nationality: expected a 3-letter ISO 3166-1 code in capitals, got "
     "\"SWED\""},
    {J "\"applicant\":{\"nationality\":\"S3E\"}}", E,
     "1:48: applicant.nationality: expected a 3-letter ISO 3166-1 code in capitals, got "
     "\"S3E\""},
    {"{\"jurisdiction\":\"Shenzhen\"}", E,
     "1:17: jurisdiction: expected a policy pack name (a-z, 0-9, _ and -), got \"Shenzhen\""},
    {"{\"jurisdiction\":\"\"}", E,
     "1:17: jurisdiction: expected a policy pack name (a-z, 0-9, _ and -), got \"\""},
    {"{\"jurisdiction\":null}", E,
     "1:17: jurisdiction: expected a policy pack name (a-z, 0-9, _ and -), got null"},
    {"{\"date\":\"2026-03-02\"}", E, "1:1: jurisdiction: missing required field"},
    {"{}", E, "1:1: jurisdiction: missing required field"},

    /* objects and lists */
    {J "\"applicant\":\"Anna\"}", E, "1:33: applicant: expected an object, got \"Anna\""},
    {J "\"applicant\":[]}", E, "1:33: applicant: expected an object, got an array"},
    {J "\"applicant\":{\"passport\":7}}", E, "1:45: applicant.passport: expected an object, got 7"},
    {J "\"documents\":{}}", E, "1:33: documents: expected an array of documents, got an object"},
    {J "\"documents\":[{\"type\":\"photo\"},\"passport\"]}", E,
     "1:51: documents[1]: expected an object, got \"passport\""},
    {J "\"documents\":[{\"type\":\"photo\"},{\"issued\":\"2026-01-01\"}]}", E,
     "1:51: documents[1].type: missing required field"},
    {J "\"documents\":[{\"type\":\"Photo\"}]}", E,
     "1:42: documents[0].type: expected a material id (a-z, then a-z, 0-9 or _), got "
     "\"Photo\""},
    {J "\"documents\":[{\"type\":\"photo\"},"
       "{\"type\":\"photo\",\"expires\":\"2026-02-30\"}]}",
     E, "1:77: documents[1].expires: expected a date YYYY-MM-DD, got \"2026-02-30\""},
    {J "\"documents\":[{\"type\":\"photo\",\"foreign\":\"no\"}]}", E,
     "1:60: documents[0].foreign: expected true or false, got \"no\""},
    {J "\"agent\":\"none\"}", E, "1:29: agent: expected an object or null, got \"none\""},
    {J "\"agent\":false}", E, "1:29: agent: expected an object or null, got false"},
    {J "\"applicant\":{\"passport\":{\"mrz\":\"P<UTO\"}}}", E,
     "1:52: applicant.passport.mrz: expected an array of MRZ lines, got \"P<UTO\""},
    {J "\"applicant\":{\"passport\":{\"mrz\":[\"A\",\"B\",\"C\",\"D\"]}}}", E,
     "1:65: applicant.passport.mrz[3]: more than 3 MRZ lines"},
    {J "\"applicant\":{\"passport\":{\"mrz\":[\"A\",7]}}}", E,
     "1:57: applicant.passport.mrz[1]: expected an MRZ line of at most 44 characters, got 7"},
    {J "\"applicant\":{\"passport\":{\"mrz\":["
       "\"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<\"]}}}",
     E,
     "1:53: applicant.passport.mrz[0]: expected an MRZ line of at most 44 characters, got "
     "\"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<\xE2\x80\xA6\""},
    {J "\"extra\":[]}", E, "1:29: extra: expected an object, got an array"},

    /* unknown fields, anywhere but under extra */
    {J "\"jurisdictions\":\"x\"}", E, "1:21: jurisdictions: unknown field"},
    {J "\"applicant\":{\"nam\":\"Anna\"}}", E, "1:34: applicant.nam: unknown field"},
    {J "\"applicant\":{\"passport\":{\"numbr\":\"X\"}}}", E,
     "1:46: applicant.passport.numbr: unknown field"},
    {J "\"documents\":[{\"type\":\"photo\"},{\"type\":\"photo\",\"color\":true}]}", E,
     "1:67: documents[1].color: unknown field"},
    {J "\"agent\":{\"name\":\"Li\"}}", E, "1:30: agent.name: unknown field"},
    {J "\"\":1}", E, "1:21: unknown field"},
    {J "\"applicant\":{\"age\":30}}", E, "1:34: applicant.age: unknown field"},

    /* duplicate keys */
    {J "\"jurisdiction\":\"y\"}", E, "1:21: jurisdiction: duplicate field"},
    {J "\"applicant\":{\"name\":\"A\",\"\\u006eame\":\"B\"}}", E,
     "1:45: applicant.\\u006eame: duplicate field"},
    {J "\"documents\":[{\"type\":\"photo\",\"type\":\"passport\"}]}", E,
     "1:50: documents[0].type: duplicate field"},
    {J "\"extra\":{\"a\":1,\"b\":{\"c\":1,\"c\":2}}}", E, "1:47: extra.b.c: duplicate field"},
    {J "\"extra\":{\"k1\":1,\"k2\":1,\"k3\":1,\"k4\":1,\"k5\":1,\"k6\":1,\"k7\":1,\"k8\":1,"
       "\"k9\":1,\"k10\":1,\"k1\\u0030\":1,\"k2\":1}}",
     E, "1:101: extra.k1\\u0030: duplicate field"},

    /* depth: 17 levels where 16 are allowed (more in test_deep_nesting) */
    {J "\"extra\":{\"a\":[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}}", E,
     "1:48: extra.a[0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nesting deeper than 16 levels"},
};

static void test_bad_inputs(void **state)
{
	struct fixture *f = *state;
	int failures = 0;
	for (size_t i = 0; i < sizeof(bad_inputs) / sizeof(bad_inputs[0]); i++) {
		const struct bad *b = &bad_inputs[i];
		char got[1200];
		int rc = decode_str(f, b->json);
		where(&f->err, got, sizeof(got));
		if (rc != PD_FAIL(b->code) || f->err.code != b->code || strcmp(got, b->want) != 0 ||
		    strcmp(f->err.file, "t.json") != 0) {
			print_error("row %zu: %s\n  want %d %s\n  got  %d %s\n", i, b->json,
			            PD_FAIL(b->code), b->want, rc, got);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

/* Inputs that must be fine: the edges of the limits and of the grammar. */
static void test_edges_accepted(void **state)
{
	struct fixture *f = *state;
	static const char *const good[] = {
	    /* 16 levels: the top object, extra and 14 arrays */
	    J "\"extra\":{\"a\":[[[[[[[[[[[[[[1]]]]]]]]]]]]]]}}",
	    J "\"extra\":{\"n\":[0,-0,0.5,-1.5e-3,1E+9,123456789012345678901234567890]}}",
	    J "\"extra\":{\"a\":{},\"b\":[],\"c\":\"\",\"d\":\"\\u0000\",\"a\\u0000\":1}}",
	    J "\"application\":{\"requested_days\":2147483647}}",
	    "{\"jurisdiction\":\"a-b_9\"}",
	    J "\"documents\":[{\"type\":\"a\"},"
	      "{\"type\":\"x_9\",\"issued\":null,\"foreign\":null}]}",
	    J "\"applicant\":{\"passport\":{\"mrz\":[]}}}",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int rc = decode_str(f, good[i]);
		if (rc) {
			char got[1200];
			where(&f->err, got, sizeof(got));
			fail_msg("good input %zu: %s", i, got);
		}
	}
	/* the extra text is kept exactly, \u0000 and all */
	assert_int_equal(decode_str(f, good[2]), 0);
	assert_string_equal(f->c.extra,
	                    "{\"a\":{},\"b\":[],\"c\":\"\",\"d\":\"\\u0000\",\"a\\u0000\":1}");
	assert_int_equal(decode_str(f, good[5]), 0);
	assert_int_equal(f->c.n_documents, 2);
	assert_int_equal(f->c.documents[1].issued, PD_DATE_NONE);
	assert_int_equal(f->c.documents[1].foreign, -1);
	assert_int_equal(decode_str(f, good[6]), 0);
	assert_int_equal(f->c.n_mrz, 0);
}

/* An embedded NUL ends nothing: it is an unexpected character. */
static void test_nul_byte(void **state)
{
	struct fixture *f = *state;
	static const char json[] = "{\"jurisdiction\":\"x\"}\0{\"date\":1}";
	char got[1200];
	assert_int_equal(decode(f, json, sizeof(json) - 1, 0), PD_FAIL(PD_EINPUT));
	where(&f->err, got, sizeof(got));
	assert_string_equal(got,
	                    "1:21: expected end of input after the top-level object, got U+0000");
	static const char in_string[] = "{\"jurisdiction\":\"x\0y\"}";
	assert_int_equal(decode(f, in_string, sizeof(in_string) - 1, 0), PD_FAIL(PD_EINPUT));
	where(&f->err, got, sizeof(got));
	assert_string_equal(got,
	                    "1:19: jurisdiction: unescaped control character U+0000 in a string");
	/* NULL input of length 0 */
	pd_error_clear(&f->err);
	assert_int_equal(pd_case_decode(NULL, 0, "-", 0, today(), &f->arena, &f->c, &f->err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(f->err.message, "empty input");
	assert_string_equal(f->err.file, "-");
	/* no error structure, no name: still only a return code */
	const char *bad = "{\"jurisdiction\":1}";
	assert_int_equal(pd_case_decode(bad, strlen(bad), "x", 0, today(), &f->arena, &f->c, NULL),
	                 PD_FAIL(PD_EINPUT));
	pd_error_clear(&f->err);
	assert_int_equal(
	    pd_case_decode(bad, strlen(bad), NULL, 0, today(), &f->arena, &f->c, &f->err),
	    PD_FAIL(PD_EINPUT));
	assert_string_equal(f->err.file, "");
	assert_string_equal(f->err.path, "jurisdiction");
}

/* Builds prefix + count * unit + suffix in a heap buffer. */
static char *repeat(const char *prefix, const char *unit, size_t count, const char *suffix,
                    size_t *len)
{
	size_t pl = strlen(prefix), ul = strlen(unit), sl = strlen(suffix);
	*len = pl + ul * count + sl;
	char *s = malloc(*len + 1);
	assert_non_null(s);
	memcpy(s, prefix, pl);
	for (size_t i = 0; i < count; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + ul * count, suffix, sl + 1);
	return s;
}

static void expect_error(struct fixture *f, const char *json, size_t len, int code,
                         const char *want)
{
	char got[1200];
	int rc = decode(f, json, len, 0);
	where(&f->err, got, sizeof(got));
	assert_int_equal(rc, PD_FAIL(code));
	assert_string_equal(got, want);
}

static void test_deep_nesting(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *s = repeat(J "\"extra\":", "[", 100000, "", &len);
	expect_error(f, s, len, PD_EINPUT,
	             "1:44: extra[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: "
	             "nesting deeper than "
	             "16 levels");
	free(s);
	/* 16 levels pass, 17 do not */
	s = repeat(J "\"extra\":", "{\"a\":", 15, "1}}}}}}}}}}}}}}}}", &len);
	assert_int_equal(decode(f, s, len, 0), 0);
	free(s);
	s = repeat(J "\"extra\":", "{\"a\":", 16, "1}}}}}}}}}}}}}}}}}", &len);
	expect_error(f, s, len, PD_EINPUT,
	             "1:104: extra.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nesting deeper than 16 levels");
	free(s);
	s = repeat("", "{\"a\":", 100000, "", &len);
	expect_error(f, s, len, PD_EINPUT,
	             "1:81: a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: nesting deeper than 16 levels");
	free(s);
}

static void test_long_strings(void **state)
{
	struct fixture *f = *state;
	size_t len;
	/* 30 MB: refused before it is read */
	char *s = repeat(J "\"applicant\":{\"name\":\"", "a", (size_t)30 << 20, "\"}}", &len);
	expect_error(f, s, len, PD_ETOOBIG, "1:0: case larger than 1048576 bytes");
	free(s);
	/* under the size limit, over the string limit */
	s = repeat(J "\"applicant\":{\"name\":\"", "a", 100000, "\"}}", &len);
	expect_error(f, s, len, PD_ETOOBIG, "1:41: applicant.name: string longer than 65536 bytes");
	free(s);
	s = repeat(J "\"extra\":{\"", "a", PD_CASE_MAX_STRING + 1, "\":1}}", &len);
	expect_error(f, s, len, PD_ETOOBIG, "1:30: extra: string longer than 65536 bytes");
	free(s);
	/* exactly at the limit: fine */
	s = repeat(J "\"applicant\":{\"name\":\"", "a", PD_CASE_MAX_STRING, "\"}}", &len);
	assert_int_equal(decode(f, s, len, 0), 0);
	assert_int_equal(f->c.facts[PD_F_APPLICANT_NAME].len, PD_CASE_MAX_STRING);
	free(s);
	/* one byte over the case limit */
	s = repeat(J "\"extra\":{\"a\":\"", " ", PD_CASE_MAX_BYTES, "\"}}", &len);
	expect_error(f, s, len, PD_ETOOBIG, "1:0: case larger than 1048576 bytes");
	free(s);
}

static void test_many_documents(void **state)
{
	struct fixture *f = *state;
	size_t len;
	char *s = repeat(J "\"documents\":[{\"type\":\"photo\"}", ",{\"type\":\"photo\"}",
	                 PD_CASE_MAX_DOCUMENTS - 1, "]}", &len);
	assert_int_equal(decode(f, s, len, 0), 0);
	assert_int_equal(f->c.n_documents, PD_CASE_MAX_DOCUMENTS);
	assert_string_equal(f->c.documents[PD_CASE_MAX_DOCUMENTS - 1].type, "photo");
	free(s);
	s = repeat(J "\"documents\":[{\"type\":\"photo\"}", ",{\"type\":\"photo\"}",
	           PD_CASE_MAX_DOCUMENTS, "]}", &len);
	char want[128];
	snprintf(want, sizeof(want), "1:%d: documents[256]: more than 256 documents",
	         34 + 16 + 17 * 255 + 1);
	expect_error(f, s, len, PD_EINPUT, want);
	free(s);
	/* more values than any case needs */
	s = repeat(J "\"extra\":{\"a\":[0", ",0", 70000, "]}}", &len);
	expect_error(f, s, len, PD_ETOOBIG,
	             "1:131093: extra.a[65529]: more than 65536 JSON values");
	free(s);
	/* many names under extra: duplicates are still found, fast */
	s = repeat(J "\"extra\":{\"k\":0", ",\"k\":0", 20000, "}}", &len);
	expect_error(f, s, len, PD_EINPUT, "1:36: extra.k: duplicate field");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_format_example, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_visa_case, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_minimal_case, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_fact_reachable, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_line_base, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_inputs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_edges_accepted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deep_nesting, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_strings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_many_documents, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
