/*
 * test_result_write.c: the result writers (codec.h): the JSON writer and
 * escaper, results as JSON (format.md §2) in compact and pretty form, errors
 * as JSON (interfaces.md), results as text in English, Chinese and both, and
 * the names of verdicts, outcomes and material statuses.
 *
 * Results are built by hand, so these tests pin the writers alone: every
 * expected JSON string is written out in full.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/codec.h"

/* ---- a strict JSON checker (RFC 8259), enough to prove output parses ---- */

struct jp {
	const char *s, *end;
	int depth;
};

static void jp_ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r'))
		p->s++;
}

static bool jp_value(struct jp *p);

static bool jp_lit(struct jp *p, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(p->end - p->s) < n || memcmp(p->s, lit, n) != 0)
		return false;
	p->s += n;
	return true;
}

static bool jp_string(struct jp *p)
{
	if (p->s >= p->end || *p->s != '"')
		return false;
	p->s++;
	while (p->s < p->end) {
		unsigned char c = (unsigned char)*p->s++;
		if (c == '"')
			return true;
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (p->s >= p->end)
				return false;
			char e = *p->s++;
			if (e == 'u') {
				for (int i = 0; i < 4; i++, p->s++)
					if (p->s >= p->end ||
					    !strchr("0123456789abcdefABCDEF", *p->s))
						return false;
			} else if (!strchr("\"\\/bfnrt", e)) {
				return false;
			}
		}
	}
	return false;
}

static bool jp_number(struct jp *p)
{
	const char *start = p->s;
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s >= p->end || *p->s < '0' || *p->s > '9')
		return false;
	if (*p->s == '0' && p->s + 1 < p->end && p->s[1] >= '0' && p->s[1] <= '9')
		return false;
	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return p->s > start;
}

static bool jp_container(struct jp *p, char close, bool object)
{
	if (++p->depth > 64)
		return false;
	p->s++;
	jp_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return true;
	}
	for (;;) {
		jp_ws(p);
		if (object) {
			if (!jp_string(p))
				return false;
			jp_ws(p);
			if (p->s >= p->end || *p->s++ != ':')
				return false;
			jp_ws(p);
		}
		if (!jp_value(p))
			return false;
		jp_ws(p);
		if (p->s >= p->end)
			return false;
		char c = *p->s++;
		if (c == close)
			break;
		if (c != ',')
			return false;
	}
	p->depth--;
	return true;
}

static bool jp_value(struct jp *p)
{
	if (p->s >= p->end)
		return false;
	switch (*p->s) {
	case '{':
		return jp_container(p, '}', true);
	case '[':
		return jp_container(p, ']', false);
	case '"':
		return jp_string(p);
	case 't':
		return jp_lit(p, "true");
	case 'f':
		return jp_lit(p, "false");
	case 'n':
		return jp_lit(p, "null");
	default:
		return jp_number(p);
	}
}

static bool json_valid(const char *s, size_t len)
{
	struct jp p = {s, s + len, 0};
	jp_ws(&p);
	if (!jp_value(&p))
		return false;
	jp_ws(&p);
	return p.s == p.end;
}

/* The text with whitespace outside strings removed. */
static size_t json_squeeze(const char *s, size_t len, char *out)
{
	size_t n = 0;
	bool in_str = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (in_str) {
			out[n++] = c;
			if (c == '\\' && i + 1 < len)
				out[n++] = s[++i];
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
			continue;
		if (c == '"')
			in_str = true;
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* ---- results built by hand ---- */

static void result_empty(struct pd_result *r)
{
	memset(r, 0, sizeof(*r));
	r->verdict = PD_VERDICT_UNKNOWN;
	r->jurisdiction = "national";
	r->date = pd_date_from_ymd(2026, 3, 2);
	r->pack = "national";
	r->version = "abc123";
	r->limits.max_days = -1;
	r->limits.max_visa_validity_days = -1;
	r->limits.valid_until_max = PD_DATE_NONE;
	r->dates.apply_by = PD_DATE_NONE;
	r->dates.decision_by = PD_DATE_NONE;
	r->dates.receipt_valid_until = PD_DATE_NONE;
	r->dates.processing_days = -1;
	r->dates.receipt_days = -1;
	r->representation.agent_allowed = -1;
	r->representation.in_person_required = -1;
}

static const char EMPTY_JSON[] =
    "{\"verdict\":\"unknown\",\"jurisdiction\":\"national\",\"date\":\"2026-03-02\","
    "\"policy\":{\"pack\":\"national\",\"version\":\"abc123\"},"
    "\"findings\":[],\"materials\":[],\"questions\":[],"
    "\"limits\":{\"max_days\":null,\"valid_until_max\":null,\"sources\":{}},"
    "\"fee\":null,\"deposit\":null,"
    "\"dates\":{\"apply_by\":null,\"decision_by\":null,\"receipt_valid_until\":null,"
    "\"processing_days\":null,\"receipt_days\":null,\"sources\":{}},"
    "\"representation\":null,\"notices\":[],\"offices\":[]}";

/* Texts as the policy compiler leaves them: plain and pre-escaped, with the
 * literals' lengths (TEXT_J), or plain only (TEXT_P). */
#define TEXT_J(en, zh, ej, zj)                                                                     \
	{                                                                                          \
		en, zh, ej, zj, sizeof(ej) - 1, sizeof(zj) - 1                                     \
	}
#define TEXT_P(en, zh)                                                                             \
	{                                                                                          \
		en, zh, NULL, NULL, 0, 0                                                           \
	}
static const struct pd_text T_PASSPORT =
    TEXT_J("Valid \"passport\"", "有效护照", "\"Valid \\\"passport\\\"\"", "\"有效护照\"");
static const struct pd_text T_KINSHIP = TEXT_P("Kinship certificate", "亲属关系证明");
static const struct pd_text T_STAY = TEXT_J("Stay within 180 days", "停留期不超过180日",
                                            "\"Stay within 180 days\"", "\"停留期不超过180日\"");
static const struct pd_text T_RECORD = TEXT_P("Good record\tneeded", "记录良好");
static const struct pd_text T_FEE =
    TEXT_J("Extension fee", "延期费", "\"Extension fee\"", "\"延期费\"");
static const struct pd_text T_DEPOSIT = TEXT_J("Deposit", "保证金", "\"Deposit\"", "\"保证金\"");
static const struct pd_text T_AGENT =
    TEXT_J("Agent only with diagnosis", "凭诊断证明可代办", "\"Agent only with diagnosis\"",
           "\"凭诊断证明可代办\"");
static const struct pd_text T_REG =
    TEXT_J("Register within 24 hours", "24小时内办理住宿登记", "\"Register within 24 hours\"",
           "\"24小时内办理住宿登记\"");

static void factset_add(struct pd_factset *fs, int f)
{
	fs->w[f / 64] |= (uint64_t)1 << (f % 64);
}

static struct pd_finding g_findings[4];
static struct pd_material g_materials[3];
static int g_questions[2];
static struct pd_notice g_notices[1];

/* An office as the policy loader leaves it: its JSON rendered once. */
static const struct pd_office_info G_OFFICE = {
    .id = "hall",
    .name_en = "Exit-entry hall",
    .name_zh = "出入境大厅",
    .address_en = "No. 1 Road",
    .address_zh = "一号路",
    .telephone = "12367",
    .hours_en = "9:00-17:00 on weekdays",
    .hours_zh = "工作日9:00-17:00",
    .open = 540,
    .close = 1020,
    .source = "001 IV",
    .json = "{\"id\":\"hall\",\"source\":\"001 IV\"}",
};

static void result_full(struct pd_result *r)
{
	result_empty(r);
	r->verdict = PD_VERDICT_INCOMPLETE;
	r->jurisdiction = "zhejiang";
	r->date = pd_date_from_ymd(2026, 9, 28);
	r->pack = "zhejiang";
	r->version = "v1";

	memset(g_findings, 0, sizeof(g_findings));
	g_findings[0] = (struct pd_finding){
	    .origin = {"national/visa-extension[Q2]", "003 6.2(7)", "zhejiang", "national"},
	    .outcome = PD_OUTCOME_PASS,
	    .text = &T_STAY,
	    .detail_en = "asked \"200\"\nnow",
	    .detail_zh = "申请200日",
	};
	g_findings[1] = (struct pd_finding){
	    .origin = {"national/good-record", "000 1", "national", NULL},
	    .outcome = PD_OUTCOME_UNKNOWN,
	    .text = &T_RECORD,
	};
	r->findings = g_findings;
	r->n_findings = 2;

	memset(g_materials, 0, sizeof(g_materials));
	g_materials[0] = (struct pd_material){
	    .id = "passport",
	    .status = PD_MAT_PROVIDED,
	    .text = &T_PASSPORT,
	    .origin = {"national/passport", "002 II(IV)", "national", NULL},
	};
	g_materials[1] = (struct pd_material){
	    .id = "kinship_proof",
	    .status = PD_MAT_NEEDS_NOTARIZATION,
	    .text = &T_KINSHIP,
	    .origin = {"national/kinship", "002 VI(V)", "national", NULL},
	    .detail_en = "not notarized",
	    .detail_zh = "未公证",
	};
	g_materials[2] = (struct pd_material){
	    .id = "health_certificate",
	    .status = PD_MAT_MISSING,
	    .text = NULL,
	    .origin = {"zhejiang/health", "Z 3", "zhejiang", NULL},
	};
	factset_add(&g_materials[2].conditional, PD_F_APPLICANT_MARRIED);
	factset_add(&g_materials[2].conditional, PD_F_APPLICANT_AGE);
	r->materials = g_materials;
	r->n_materials = 3;

	g_questions[0] = PD_F_APPLICANT_GOOD_RECORD;
	g_questions[1] = PD_F_APPLICANT_MARRIED;
	r->questions = g_questions;
	r->n_questions = 2;

	r->limits.max_days = 180;
	r->limits.max_days_origin.source = "003 6.2(7)";
	r->limits.max_visa_validity_days = 365;
	r->limits.max_visa_validity_origin.source = "003 7";
	r->limits.valid_until_max = pd_date_from_ymd(2031, 4, 15);
	r->limits.valid_until_origin.source = "000 3";

	r->fee.present = true;
	r->fee.known = true;
	r->fee.cny = 160;
	r->fee.text = &T_FEE;
	r->fee.origin.source = "fee 1";

	r->deposit.present = true;
	r->deposit.cny = 60000;
	r->deposit.frozen_days = 100;
	r->deposit.origin.source = "002 VI(III)";

	r->dates.apply_by = pd_date_from_ymd(2026, 10, 1);
	r->dates.apply_by_origin.source = "003 6.1";
	r->dates.decision_by = pd_date_from_ymd(2026, 10, 20);
	r->dates.decision_origin.source = "001 4";
	r->dates.processing_days = 7;
	r->dates.receipt_valid_until = pd_date_from_ymd(2026, 10, 23);
	r->dates.receipt_origin.source = "001 5";
	r->dates.receipt_days = 10;
	r->dates.provisional = true;

	r->representation.present = true;
	r->representation.agent_allowed = 1;
	r->representation.in_person_required = -1;
	r->representation.text = &T_AGENT;
	r->representation.origin.source = "002 I";

	g_notices[0] = (struct pd_notice){
	    .id = "accommodation_registration_24h",
	    .text = &T_REG,
	    .origin = {"national/registration", "001 II.2", "national", NULL},
	};
	r->notices = g_notices;
	r->n_notices = 1;
	r->offices = &G_OFFICE;
	r->n_offices = 1;
}

static const char FULL_JSON[] =
    "{\"verdict\":\"incomplete\",\"jurisdiction\":\"zhejiang\",\"date\":\"2026-09-28\","
    "\"policy\":{\"pack\":\"zhejiang\",\"version\":\"v1\"},"
    "\"findings\":["
    "{\"rule\":\"national/visa-extension[Q2]\",\"outcome\":\"pass\","
    "\"en\":\"Stay within 180 days\",\"zh\":\"停留期不超过180日\",\"source\":\"003 6.2(7)\","
    "\"layer\":\"zhejiang\",\"replaces\":\"national\","
    "\"detail\":{\"en\":\"asked \\\"200\\\"\\nnow\",\"zh\":\"申请200日\"}},"
    "{\"rule\":\"national/good-record\",\"outcome\":\"unknown\","
    "\"en\":\"Good record\\tneeded\",\"zh\":\"记录良好\",\"source\":\"000 1\","
    "\"layer\":\"national\"}],"
    "\"materials\":["
    "{\"id\":\"passport\",\"status\":\"provided\",\"en\":\"Valid \\\"passport\\\"\","
    "\"zh\":\"有效护照\",\"source\":\"002 II(IV)\",\"layer\":\"national\"},"
    "{\"id\":\"kinship_proof\",\"status\":\"needs_notarization\","
    "\"en\":\"Kinship certificate\",\"zh\":\"亲属关系证明\",\"source\":\"002 VI(V)\","
    "\"layer\":\"national\",\"detail\":{\"en\":\"not notarized\",\"zh\":\"未公证\"}},"
    "{\"id\":\"health_certificate\",\"status\":\"missing\",\"en\":null,\"zh\":null,"
    "\"source\":\"Z 3\",\"layer\":\"zhejiang\","
    "\"conditional\":[\"applicant.age\",\"applicant.married\"]}],"
    "\"questions\":["
    "{\"fact\":\"applicant.good_record\",\"en\":\"Has the applicant a good stay and residence "
    "record (no overstay, illegal employment or public-security violation)?\","
    "\"zh\":\"申请人在华停留居留记录是否良好（无非法居留、非法就业、违反治安管理记录）？\"},"
    "{\"fact\":\"applicant.married\",\"en\":\"Is the applicant married?\","
    "\"zh\":\"申请人是否已婚？\"}],"
    "\"limits\":{\"max_days\":180,\"max_visa_validity_days\":365,"
    "\"valid_until_max\":\"2031-04-15\",\"sources\":{\"max_days\":\"003 6.2(7)\","
    "\"max_visa_validity_days\":\"003 7\",\"valid_until_max\":\"000 3\"}},"
    "\"fee\":{\"cny\":160,\"en\":\"Extension fee\",\"zh\":\"延期费\",\"source\":\"fee 1\"},"
    "\"deposit\":{\"cny\":60000,\"frozen_days\":100,\"source\":\"002 VI(III)\"},"
    "\"dates\":{\"apply_by\":\"2026-10-01\",\"decision_by\":\"2026-10-20\","
    "\"receipt_valid_until\":\"2026-10-23\",\"processing_days\":7,\"receipt_days\":10,"
    "\"sources\":{\"apply_by\":\"003 6.1\",\"decision_by\":\"001 4\","
    "\"receipt_valid_until\":\"001 5\"},\"provisional\":true},"
    "\"representation\":{\"agent_allowed\":true,\"in_person_required\":null,"
    "\"en\":\"Agent only with diagnosis\",\"zh\":\"凭诊断证明可代办\",\"source\":\"002 I\"},"
    "\"notices\":[{\"id\":\"accommodation_registration_24h\","
    "\"en\":\"Register within 24 hours\",\"zh\":\"24小时内办理住宿登记\","
    "\"source\":\"001 II.2\"}],"
    "\"offices\":[{\"id\":\"hall\",\"source\":\"001 IV\"}]}";

/* ---- names ---- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(pd_verdict_name(PD_VERDICT_ELIGIBLE), "eligible");
	assert_string_equal(pd_verdict_name(PD_VERDICT_INCOMPLETE), "incomplete");
	assert_string_equal(pd_verdict_name(PD_VERDICT_UNKNOWN), "unknown");
	assert_string_equal(pd_verdict_name(PD_VERDICT_INELIGIBLE), "ineligible");
	assert_string_equal(pd_outcome_name(PD_OUTCOME_PASS), "pass");
	assert_string_equal(pd_outcome_name(PD_OUTCOME_FAIL), "fail");
	assert_string_equal(pd_outcome_name(PD_OUTCOME_UNKNOWN), "unknown");
	assert_string_equal(pd_outcome_name(PD_OUTCOME_INFO), "info");
	assert_string_equal(pd_mstatus_name(PD_MAT_PROVIDED), "provided");
	assert_string_equal(pd_mstatus_name(PD_MAT_MISSING), "missing");
	assert_string_equal(pd_mstatus_name(PD_MAT_EXPIRED), "expired");
	assert_string_equal(pd_mstatus_name(PD_MAT_NEEDS_NOTARIZATION), "needs_notarization");
	assert_string_equal(pd_mstatus_name(PD_MAT_NEEDS_LEGALIZATION), "needs_legalization");
	assert_string_equal(pd_mstatus_name(PD_MAT_NEEDS_TRANSLATION), "needs_translation");
	assert_string_equal(pd_mstatus_name(PD_MAT_INVALID), "invalid");
	assert_string_equal(pd_verdict_name((enum pd_verdict)99), "unknown");
	assert_string_equal(pd_mstatus_name((enum pd_mstatus) - 1), "invalid");
}

/* ---- escaping ---- */

static void check_escape(const char *in, size_t len, const char *want)
{
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_json_escape(&b, in, len), 0);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	assert_true(json_valid(b.data, b.len));
	pd_buf_free(&b);
}

static void test_escape(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} rows[] = {
	    {"", 0, "\"\""},
	    {"plain", 5, "\"plain\""},
	    {"say \"hi\"", 8, "\"say \\\"hi\\\"\""},
	    {"a\\b", 3, "\"a\\\\b\""},
	    {"l1\nl2\r\n", 7, "\"l1\\nl2\\r\\n\""},
	    {"\t\b\f", 3, "\"\\t\\b\\f\""},
	    {"\x01\x1f\x7f", 3, "\"\\u0001\\u001f\x7f\""},
	    {"nul\0in", 6, "\"nul\\u0000in\""},
	    {"护照 Пётр", 15, "\"护照 Пётр\""},
	    {"a\xe2\x80\xa8"
	     "b\xe2\x80\xa9",
	     8, "\"a\\u2028b\\u2029\""},
	    /* Other characters led by 0xE2 are left alone: "—" and "…" */
	    {"\xe2\x80\x94\xe2\x80\xa6", 6, "\"\xe2\x80\x94\xe2\x80\xa6\""},
	    /* A truncated lead byte at the end is copied as it is. */
	    {"x\xe2\x80", 3, "\"x\xe2\x80\""},
	    {"/slash/", 7, "\"/slash/\""},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check_escape(rows[i].in, rows[i].len, rows[i].want);
}

/* The escaping rules, one byte at a time, to check the fast scanner against. */
static void escape_reference(const unsigned char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	out[n++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = s[i];
		if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] & 0xFE) == 0xA8) {
			memcpy(out + n, s[i + 2] == 0xA8 ? "\\u2028" : "\\u2029", 6);
			n += 6;
			i += 2;
		} else if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c < 0x20) {
			const char *short_form = c == '\b'   ? "b"
			                         : c == '\f' ? "f"
			                         : c == '\n' ? "n"
			                         : c == '\r' ? "r"
			                         : c == '\t' ? "t"
			                                     : NULL;
			out[n++] = '\\';
			if (short_form) {
				out[n++] = short_form[0];
			} else {
				memcpy(out + n, "u00", 3);
				n += 3;
				out[n++] = hex[c >> 4];
				out[n++] = hex[c & 15];
			}
		} else {
			out[n++] = (char)c;
		}
	}
	out[n++] = '"';
	out[n] = '\0';
}

static void test_escape_random(void **state)
{
	(void)state;
	/* Strings of every length up to 70 built from pieces rich in what must be escaped,
	 * so that special bytes fall on every position of the eight-byte words. */
	static const char *const pieces[] = {
	    "\"",           "\\",           "\n",           "\x01", "\x1f", "\x7f",
	    "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\x94", "\xe2", "中",   "\t",
	};
	unsigned char in[80];
	char want[80 * 6 + 3];
	struct pd_buf b;
	pd_buf_init(&b, 0);
	uint32_t seed = 12345;
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(round % 71);
		for (size_t i = 0; i < len;) {
			seed = seed * 1103515245u + 12345u;
			/* Mostly plain bytes, so long runs reach the word-at-a-time path. */
			unsigned r = (seed >> 16) & 63;
			if (r < 52) {
				in[i++] = (unsigned char)('a' + r % 26);
				continue;
			}
			const char *piece = pieces[r - 52];
			for (size_t k = 0; piece[k] && i < len; k++)
				in[i++] = (unsigned char)piece[k];
		}
		escape_reference(in, len, want);
		pd_buf_reset(&b);
		assert_int_equal(pd_json_escape(&b, (const char *)in, len), 0);
		assert_string_equal(b.data, want);
	}
	pd_buf_free(&b);
}

/* ---- the streaming writer ---- */

static void write_sample(struct pd_jw *w)
{
	pd_jw_object_begin(w);
	pd_jw_key(w, "a");
	pd_jw_int(w, 0);
	pd_jw_key(w, "b");
	pd_jw_array_begin(w);
	pd_jw_int(w, -1);
	pd_jw_int(w, LLONG_MIN);
	pd_jw_int(w, LLONG_MAX);
	pd_jw_bool(w, true);
	pd_jw_bool(w, false);
	pd_jw_null(w);
	pd_jw_array_begin(w);
	pd_jw_array_end(w);
	pd_jw_object_begin(w);
	pd_jw_object_end(w);
	pd_jw_array_end(w);
	pd_jw_key(w, "c");
	pd_jw_object_begin(w);
	pd_jw_key(w, "d");
	pd_jw_date(w, pd_date_from_ymd(2024, 2, 29));
	pd_jw_key(w, "e");
	pd_jw_date(w, PD_DATE_NONE);
	pd_jw_key(w, "f");
	pd_jw_raw(w, "\"pre\\\"escaped\"");
	pd_jw_key(w, "g");
	pd_jw_stringn(w, "abcdef", 3);
	pd_jw_key(w, "h");
	pd_jw_string(w, NULL);
	pd_jw_object_end(w);
	pd_jw_object_end(w);
}

static void test_writer_compact(void **state)
{
	(void)state;
	struct pd_buf b;
	struct pd_jw w;
	pd_buf_init(&b, 0);
	pd_jw_init(&w, &b, false);
	write_sample(&w);
	assert_string_equal(b.data,
	                    "{\"a\":0,\"b\":[-1,-9223372036854775808,9223372036854775807,true,"
	                    "false,null,[],{}],\"c\":{\"d\":\"2024-02-29\",\"e\":null,"
	                    "\"f\":\"pre\\\"escaped\",\"g\":\"abc\",\"h\":null}}");
	assert_int_equal(w.depth, 0);
	assert_false(b.failed);
	pd_buf_free(&b);
}

static void test_writer_pretty(void **state)
{
	(void)state;
	struct pd_buf b;
	struct pd_jw w;
	pd_buf_init(&b, 0);
	pd_jw_init(&w, &b, true);
	write_sample(&w);
	assert_string_equal(b.data, "{\n"
	                            "  \"a\": 0,\n"
	                            "  \"b\": [\n"
	                            "    -1,\n"
	                            "    -9223372036854775808,\n"
	                            "    9223372036854775807,\n"
	                            "    true,\n"
	                            "    false,\n"
	                            "    null,\n"
	                            "    [],\n"
	                            "    {}\n"
	                            "  ],\n"
	                            "  \"c\": {\n"
	                            "    \"d\": \"2024-02-29\",\n"
	                            "    \"e\": null,\n"
	                            "    \"f\": \"pre\\\"escaped\",\n"
	                            "    \"g\": \"abc\",\n"
	                            "    \"h\": null\n"
	                            "  }\n"
	                            "}");
	pd_buf_free(&b);
}

static void test_writer_too_deep(void **state)
{
	(void)state;
	struct pd_buf b;
	struct pd_jw w;
	pd_buf_init(&b, 0);
	pd_jw_init(&w, &b, false);
	for (int i = 0; i < 40; i++)
		pd_jw_array_begin(&w);
	assert_true(b.failed);
	pd_buf_free(&b);
}

/* ---- results as JSON ---- */

static void check_json(const struct pd_result *r, const char *want)
{
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_result_write_json(r, false, &b), 0);
	assert_string_equal(b.data, want);
	assert_true(json_valid(b.data, b.len));
	assert_null(memchr(b.data, '\n', b.len));
	pd_buf_free(&b);
}

static void test_result_empty(void **state)
{
	(void)state;
	struct pd_result r;
	result_empty(&r);
	check_json(&r, EMPTY_JSON);
}

static void test_result_full(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	check_json(&r, FULL_JSON);
}

/* The same result in a view, compact and pretty (the pretty one is the compact one
 * re-indented: the same text once blanks outside strings are taken out). */
static void check_view(const struct pd_result *r, enum pd_result_view view, const char *lang,
                       const char *want)
{
	struct pd_buf b, p;
	pd_buf_init(&b, 0);
	pd_buf_init(&p, 0);
	struct pd_result_opts o = {.view = view, .lang = lang};
	assert_int_equal(pd_result_write_json_view(r, &o, &b), 0);
	assert_string_equal(b.data, want);
	assert_true(json_valid(b.data, b.len));
	assert_null(memchr(b.data, '\n', b.len));
	o.pretty = true;
	assert_int_equal(pd_result_write_json_view(r, &o, &p), 0);
	assert_true(json_valid(p.data, p.len));
	assert_non_null(memchr(p.data, '\n', p.len));
	pd_buf_free(&b);
	pd_buf_free(&p);
}

static const char SUMMARY_JSON[] =
    "{\"verdict\":\"incomplete\",\"jurisdiction\":\"zhejiang\",\"date\":\"2026-09-28\","
    "\"policy\":{\"pack\":\"zhejiang\",\"version\":\"v1\"},"
    "\"findings\":[{\"rule\":\"national/good-record\",\"outcome\":\"unknown\","
    "\"source\":\"000 1\"}],"
    "\"materials\":[{\"id\":\"passport\",\"status\":\"provided\"},"
    "{\"id\":\"kinship_proof\",\"status\":\"needs_notarization\","
    "\"detail\":{\"en\":\"not notarized\",\"zh\":\"未公证\"}},"
    "{\"id\":\"health_certificate\",\"status\":\"missing\","
    "\"conditional\":[\"applicant.age\",\"applicant.married\"]}],"
    "\"questions\":[\"applicant.good_record\",\"applicant.married\"],"
    "\"limits\":{\"max_days\":180,\"max_visa_validity_days\":365,"
    "\"valid_until_max\":\"2031-04-15\",\"sources\":{\"max_days\":\"003 6.2(7)\","
    "\"max_visa_validity_days\":\"003 7\",\"valid_until_max\":\"000 3\"}},"
    "\"fee\":{\"cny\":160,\"source\":\"fee 1\"},"
    "\"deposit\":{\"cny\":60000,\"frozen_days\":100,\"source\":\"002 VI(III)\"},"
    "\"dates\":{\"apply_by\":\"2026-10-01\",\"decision_by\":\"2026-10-20\","
    "\"receipt_valid_until\":\"2026-10-23\",\"processing_days\":7,\"receipt_days\":10,"
    "\"sources\":{\"apply_by\":\"003 6.1\",\"decision_by\":\"001 4\","
    "\"receipt_valid_until\":\"001 5\"},\"provisional\":true},"
    "\"representation\":{\"agent_allowed\":true,\"in_person_required\":null,"
    "\"source\":\"002 I\"},"
    "\"notices\":[\"accommodation_registration_24h\"],\"offices\":[\"hall\"]}";

/* The full view in English: every "zh" member left out, the office rendered in English. */
static const char FULL_EN_JSON[] =
    "{\"verdict\":\"incomplete\",\"jurisdiction\":\"zhejiang\",\"date\":\"2026-09-28\","
    "\"policy\":{\"pack\":\"zhejiang\",\"version\":\"v1\"},"
    "\"findings\":["
    "{\"rule\":\"national/visa-extension[Q2]\",\"outcome\":\"pass\","
    "\"en\":\"Stay within 180 days\",\"source\":\"003 6.2(7)\","
    "\"layer\":\"zhejiang\",\"replaces\":\"national\","
    "\"detail\":{\"en\":\"asked \\\"200\\\"\\nnow\"}},"
    "{\"rule\":\"national/good-record\",\"outcome\":\"unknown\","
    "\"en\":\"Good record\\tneeded\",\"source\":\"000 1\",\"layer\":\"national\"}],"
    "\"materials\":["
    "{\"id\":\"passport\",\"status\":\"provided\",\"en\":\"Valid \\\"passport\\\"\","
    "\"source\":\"002 II(IV)\",\"layer\":\"national\"},"
    "{\"id\":\"kinship_proof\",\"status\":\"needs_notarization\","
    "\"en\":\"Kinship certificate\",\"source\":\"002 VI(V)\","
    "\"layer\":\"national\",\"detail\":{\"en\":\"not notarized\"}},"
    "{\"id\":\"health_certificate\",\"status\":\"missing\",\"en\":null,"
    "\"source\":\"Z 3\",\"layer\":\"zhejiang\","
    "\"conditional\":[\"applicant.age\",\"applicant.married\"]}],"
    "\"questions\":["
    "{\"fact\":\"applicant.good_record\",\"en\":\"Has the applicant a good stay and residence "
    "record (no overstay, illegal employment or public-security violation)?\"},"
    "{\"fact\":\"applicant.married\",\"en\":\"Is the applicant married?\"}],"
    "\"limits\":{\"max_days\":180,\"max_visa_validity_days\":365,"
    "\"valid_until_max\":\"2031-04-15\",\"sources\":{\"max_days\":\"003 6.2(7)\","
    "\"max_visa_validity_days\":\"003 7\",\"valid_until_max\":\"000 3\"}},"
    "\"fee\":{\"cny\":160,\"en\":\"Extension fee\",\"source\":\"fee 1\"},"
    "\"deposit\":{\"cny\":60000,\"frozen_days\":100,\"source\":\"002 VI(III)\"},"
    "\"dates\":{\"apply_by\":\"2026-10-01\",\"decision_by\":\"2026-10-20\","
    "\"receipt_valid_until\":\"2026-10-23\",\"processing_days\":7,\"receipt_days\":10,"
    "\"sources\":{\"apply_by\":\"003 6.1\",\"decision_by\":\"001 4\","
    "\"receipt_valid_until\":\"001 5\"},\"provisional\":true},"
    "\"representation\":{\"agent_allowed\":true,\"in_person_required\":null,"
    "\"en\":\"Agent only with diagnosis\",\"source\":\"002 I\"},"
    "\"notices\":[{\"id\":\"accommodation_registration_24h\","
    "\"en\":\"Register within 24 hours\",\"source\":\"001 II.2\"}],"
    "\"offices\":[{\"id\":\"hall\",\"name\":{\"en\":\"Exit-entry hall\"},"
    "\"address\":{\"en\":\"No. 1 Road\"},\"telephone\":\"12367\","
    "\"hours\":{\"en\":\"9:00-17:00 on weekdays\",\"days\":null,\"open\":\"09:00\","
    "\"close\":\"17:00\"},\"source\":\"001 IV\"}]}";

static void test_result_summary(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	check_view(&r, PD_VIEW_SUMMARY, NULL, SUMMARY_JSON);
	/* An empty result: every member there, empty or null. */
	result_empty(&r);
	check_view(&r, PD_VIEW_SUMMARY, NULL,
	           "{\"verdict\":\"unknown\",\"jurisdiction\":\"national\",\"date\":\"2026-03-02\","
	           "\"policy\":{\"pack\":\"national\",\"version\":\"abc123\"},"
	           "\"findings\":[],\"materials\":[],\"questions\":[],"
	           "\"limits\":{\"max_days\":null,\"valid_until_max\":null,\"sources\":{}},"
	           "\"fee\":null,\"deposit\":null,"
	           "\"dates\":{\"apply_by\":null,\"decision_by\":null,\"receipt_valid_until\":null,"
	           "\"processing_days\":null,\"receipt_days\":null,\"sources\":{}},"
	           "\"representation\":null,\"notices\":[],\"offices\":[]}");
}

/* Replaces every occurrence of `from` in `s` by `to` (the buffer is big enough). */
static void replace_all(char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	for (char *p = strstr(s, from); p; p = strstr(p + tl, from)) {
		memmove(p + tl, p + fl, strlen(p + fl) + 1);
		memcpy(p, to, tl);
	}
}

static void test_result_lang(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	check_view(&r, PD_VIEW_FULL, "en", FULL_EN_JSON);

	/* Chinese: the same members with "zh" in place of "en", none of "en". */
	struct pd_buf b;
	pd_buf_init(&b, 0);
	struct pd_result_opts o = {.lang = "zh"};
	assert_int_equal(pd_result_write_json_view(&r, &o, &b), 0);
	assert_true(json_valid(b.data, b.len));
	assert_null(strstr(b.data, "\"en\":"));
	assert_non_null(strstr(b.data, "\"zh\":\"停留期不超过180日\",\"source\""));
	assert_non_null(strstr(b.data, "\"detail\":{\"zh\":\"申请200日\"}"));
	assert_non_null(strstr(b.data, "\"name\":{\"zh\":\"出入境大厅\"}"));
	assert_non_null(
	    strstr(b.data, "{\"fact\":\"applicant.married\",\"zh\":\"申请人是否已婚？\"}"));

	/* The summary keeps one language of a material's detail. */
	static char want[sizeof(SUMMARY_JSON)];
	memcpy(want, SUMMARY_JSON, sizeof(SUMMARY_JSON));
	replace_all(want, "{\"en\":\"not notarized\",\"zh\":\"未公证\"}", "{\"zh\":\"未公证\"}");
	check_view(&r, PD_VIEW_SUMMARY, "zh", want);

	/* Anything but en and zh is a usage error, and nothing is written. */
	pd_buf_reset(&b);
	o.lang = "fr";
	assert_int_equal(pd_result_write_json_view(&r, &o, &b), PD_FAIL(PD_EUSAGE));
	assert_int_equal(b.len, 0);
	pd_buf_free(&b);

	enum pd_result_view v = PD_VIEW_FULL;
	assert_int_equal(pd_result_view_parse("summary", &v), 0);
	assert_int_equal(v, PD_VIEW_SUMMARY);
	assert_int_equal(pd_result_view_parse("full", &v), 0);
	assert_int_equal(v, PD_VIEW_FULL);
	assert_int_equal(pd_result_view_parse("Summary", &v), PD_FAIL(PD_EUSAGE));
	assert_int_equal(pd_result_view_parse(NULL, &v), PD_FAIL(PD_EUSAGE));
}

/* The case's "extra" ends every view, on one line, strings untouched. */
static void test_result_extra(void **state)
{
	(void)state;
	static const char extra[] = "{ \"client\" : [1,\t2],\r\n  \"s\": \"a  b\\\" }\\\\\",\n"
	                            "  \"o\": { } }";
	static const char echoed[] =
	    ",\"extra\":{\"client\":[1,2],\"s\":\"a  b\\\" }\\\\\",\"o\":{}}}";
	struct pd_result r;
	result_full(&r);
	r.extra = extra;
	r.extra_len = sizeof(extra) - 1;

	static char want[sizeof(FULL_JSON) + sizeof(echoed)];
	snprintf(want, sizeof(want), "%.*s%s", (int)(sizeof(FULL_JSON) - 2), FULL_JSON, echoed);
	check_json(&r, want);
	static char want_summary[sizeof(SUMMARY_JSON) + sizeof(echoed)];
	snprintf(want_summary, sizeof(want_summary), "%.*s%s", (int)(sizeof(SUMMARY_JSON) - 2),
	         SUMMARY_JSON, echoed);
	check_view(&r, PD_VIEW_SUMMARY, NULL, want_summary);
}

static void test_result_variants(void **state)
{
	(void)state;
	struct pd_result r;
	struct pd_buf b;
	pd_buf_init(&b, 0);

	/* Fee the pack cannot tell; deposit with texts; a tri-state false; no sources. */
	result_empty(&r);
	r.verdict = PD_VERDICT_ELIGIBLE;
	r.fee.present = true;
	r.fee.known = false;
	r.fee.text = &T_FEE;
	r.deposit.present = true;
	r.deposit.cny = 0;
	r.deposit.frozen_days = -1;
	r.deposit.text = &T_DEPOSIT;
	r.deposit.origin.source = "d";
	r.representation.present = true;
	r.representation.agent_allowed = 0;
	r.representation.in_person_required = 1;
	r.limits.max_days = 0;
	r.limits.max_visa_validity_days = 30;
	r.dates.decision_by = pd_date_from_ymd(2026, 3, 12);
	r.dates.processing_days = 7;
	assert_int_equal(pd_result_write_json(&r, false, &b), 0);
	assert_non_null(strstr(b.data, "\"verdict\":\"eligible\""));
	assert_non_null(strstr(b.data, "\"fee\":{\"cny\":null,\"en\":\"Extension fee\","
	                               "\"zh\":\"延期费\",\"source\":null}"));
	assert_non_null(strstr(b.data, "\"deposit\":{\"cny\":0,\"frozen_days\":null,"
	                               "\"en\":\"Deposit\",\"zh\":\"保证金\",\"source\":\"d\"}"));
	assert_non_null(strstr(b.data, "\"representation\":{\"agent_allowed\":false,"
	                               "\"in_person_required\":true,\"en\":null,\"zh\":null,"
	                               "\"source\":null}"));
	assert_non_null(strstr(b.data, "\"limits\":{\"max_days\":0,\"max_visa_validity_days\":30,"
	                               "\"valid_until_max\":null,\"sources\":{}}"));
	assert_non_null(strstr(b.data,
	                       "\"dates\":{\"apply_by\":null,\"decision_by\":\"2026-03-12\","
	                       "\"receipt_valid_until\":null,\"processing_days\":7,"
	                       "\"receipt_days\":null,\"sources\":{}}"));
	assert_null(strstr(b.data, "provisional"));
	assert_true(json_valid(b.data, b.len));

	/* A text with no pre-escaped form is escaped; a jurisdiction from input too. */
	static const struct pd_text ctl = TEXT_P("a\x01z", "引号\"");
	static struct pd_notice n = {"x", &ctl, {NULL, NULL, NULL, NULL}};
	result_empty(&r);
	r.jurisdiction = "bad\"place\n";
	r.notices = &n;
	r.n_notices = 1;
	pd_buf_reset(&b);
	assert_int_equal(pd_result_write_json(&r, false, &b), 0);
	assert_non_null(strstr(b.data, "\"jurisdiction\":\"bad\\\"place\\n\""));
	assert_non_null(strstr(b.data, "\"notices\":[{\"id\":\"x\",\"en\":\"a\\u0001z\","
	                               "\"zh\":\"引号\\\"\",\"source\":null}]"));
	assert_true(json_valid(b.data, b.len));

	/* Writers append: two results make two values, back to back. */
	pd_buf_reset(&b);
	result_empty(&r);
	assert_int_equal(pd_result_write_json(&r, false, &b), 0);
	size_t one = b.len;
	assert_int_equal(pd_result_write_json(&r, false, &b), 0);
	assert_int_equal(b.len, 2 * one);
	assert_memory_equal(b.data, b.data + one, one);
	pd_buf_free(&b);
}

static void test_result_pretty(void **state)
{
	(void)state;
	struct pd_result r;
	struct pd_buf compact, pretty;
	pd_buf_init(&compact, 0);
	pd_buf_init(&pretty, 0);
	result_full(&r);
	assert_int_equal(pd_result_write_json(&r, false, &compact), 0);
	assert_int_equal(pd_result_write_json(&r, true, &pretty), 0);
	assert_true(json_valid(pretty.data, pretty.len));
	assert_true(pretty.len > compact.len);

	/* One member per line, two spaces per level. */
	assert_memory_equal(pretty.data, "{\n  \"verdict\": \"incomplete\",\n", 29);
	assert_non_null(strstr(pretty.data, "\n  \"policy\": {\n    \"pack\": \"zhejiang\",\n"));
	assert_non_null(strstr(pretty.data, "\n  \"findings\": [\n    {\n      \"rule\": "));
	assert_non_null(strstr(pretty.data, "\n      \"conditional\": [\n        \"applicant.age\","
	                                    "\n        \"applicant.married\"\n      ]\n"));
	assert_non_null(strstr(pretty.data, "\n  \"fee\": {\n"));
	assert_int_equal(pretty.data[pretty.len - 1], '}');
	assert_int_equal(pretty.data[pretty.len - 2], '\n');

	char *sq = malloc(pretty.len + 1);
	assert_non_null(sq);
	size_t n = json_squeeze(pretty.data, pretty.len, sq);
	assert_int_equal(n, compact.len);
	assert_string_equal(sq, compact.data);
	free(sq);

	/* Structural characters and escapes inside strings are not re-indented. */
	result_full(&r);
	g_findings[1].detail_en = "x{[,:]}\"\\";
	g_findings[1].detail_zh = "{}";
	pd_buf_reset(&compact);
	pd_buf_reset(&pretty);
	assert_int_equal(pd_result_write_json(&r, false, &compact), 0);
	assert_int_equal(pd_result_write_json(&r, true, &pretty), 0);
	assert_true(json_valid(pretty.data, pretty.len));
	assert_non_null(strstr(pretty.data, "\n        \"en\": \"x{[,:]}\\\"\\\\\",\n"
	                                    "        \"zh\": \"{}\"\n      }\n"));
	sq = malloc(pretty.len + 1);
	assert_non_null(sq);
	json_squeeze(pretty.data, pretty.len, sq);
	assert_string_equal(sq, compact.data);
	free(sq);

	/* The empty result too: empty containers stay on one line. */
	result_empty(&r);
	pd_buf_reset(&compact);
	pd_buf_reset(&pretty);
	assert_int_equal(pd_result_write_json(&r, false, &compact), 0);
	assert_int_equal(pd_result_write_json(&r, true, &pretty), 0);
	assert_non_null(strstr(pretty.data, "\n  \"findings\": [],\n"));
	assert_non_null(strstr(pretty.data, "\n    \"sources\": {}\n"));
	sq = malloc(pretty.len + 1);
	assert_non_null(sq);
	json_squeeze(pretty.data, pretty.len, sq);
	assert_string_equal(sq, compact.data);
	assert_string_equal(sq, EMPTY_JSON);
	free(sq);

	pd_buf_free(&compact);
	pd_buf_free(&pretty);
}

static void test_result_capped(void **state)
{
	(void)state;
	struct pd_result r;
	struct pd_buf b;
	result_full(&r);
	pd_buf_init(&b, 200);
	assert_int_equal(pd_buf_puts(&b, "kept"), 0);
	assert_int_equal(pd_result_write_json(&r, false, &b), PD_FAIL(PD_ENOMEM));
	/* What was there before stays; the partial result is taken back. */
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "kept");
	pd_buf_free(&b);

	pd_buf_init(&b, 200);
	assert_int_equal(pd_result_write_text(&r, NULL, &b), PD_FAIL(PD_ENOMEM));
	assert_int_equal(b.len, 0);
	pd_buf_free(&b);

	/* The full result fits in exactly its own size plus the NUL. */
	pd_buf_init(&b, sizeof(FULL_JSON));
	assert_int_equal(pd_result_write_json(&r, false, &b), 0);
	assert_string_equal(b.data, FULL_JSON);
	pd_buf_free(&b);
}

/* ---- errors as JSON ---- */

static void test_error_json(void **state)
{
	(void)state;
	struct pd_error err;
	struct pd_buf b;
	pd_buf_init(&b, 0);

	pd_error_clear(&err);
	pd_error_at(&err, PD_EINPUT, "case.json", 14, 22, "applicant.birth_date",
	            "expected a date YYYY-MM-DD, got \"1990-13-01\"");
	assert_int_equal(pd_error_write_json(&err, &b), 0);
	assert_string_equal(b.data,
	                    "{\"error\":{\"code\":\"invalid_case\","
	                    "\"message\":\"expected a date YYYY-MM-DD, got \\\"1990-13-01\\\"\","
	                    "\"path\":\"applicant.birth_date\",\"line\":14,\"column\":22,"
	                    "\"file\":\"case.json\"}}");
	assert_true(json_valid(b.data, b.len));

	pd_buf_reset(&b);
	pd_error_clear(&err);
	pd_error_set(&err, PD_ESTATE, "cannot approve a draft");
	assert_int_equal(pd_error_write_json(&err, &b), 0);
	assert_string_equal(b.data, "{\"error\":{\"code\":\"invalid_transition\","
	                            "\"message\":\"cannot approve a draft\"}}");

	/* A line without a column, no message: the table's message stands in. */
	pd_buf_reset(&b);
	pd_error_clear(&err);
	err.code = PD_ETOOBIG;
	err.line = 7;
	assert_int_equal(pd_error_write_json(&err, &b), 0);
	assert_string_equal(b.data,
	                    "{\"error\":{\"code\":\"too_large\",\"message\":\"input too large\","
	                    "\"line\":7}}");
	pd_buf_free(&b);
}

/* ---- results as text ---- */

static char *text_of_result(const struct pd_result *r, const char *lang)
{
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_result_write_text(r, lang, &b), 0);
	assert_non_null(b.data);
	assert_int_equal(b.data[b.len - 1], '\n');
	return b.data; /* the caller frees */
}

/* True when `line` is one whole line of text. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void assert_line(const char *text, const char *line)
{
	if (!has_line(text, line))
		fail_msg("missing line \"%s\" in:\n%s", line, text);
}

static void test_text_en(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	char *t = text_of_result(&r, "en");
	assert_line(t, "Jurisdiction: zhejiang");
	assert_line(t, "Date: 2026-09-28");
	assert_line(t, "Policy: zhejiang, version v1");
	assert_line(t, "Verdict: Incomplete");
	assert_line(t, "Materials");
	assert_line(t, "  1. [x] Valid \"passport\" [002 II(IV)]");
	assert_line(t,
	            "  2. [!] Kinship certificate — needs notarization: not notarized [002 VI(V)]");
	assert_line(t, "  3. [ ] health_certificate (if: Applicant's age (from the date of birth); "
	               "Is the applicant married?) [Z 3]");
	assert_line(t, "Questions");
	assert_line(t, "  - Is the applicant married? [applicant.married]");
	assert_line(t, "Limits");
	assert_line(t, "  Longest stay or validity: 180 days [003 6.2(7)]");
	assert_line(t, "  Longest visa validity: 365 days [003 7]");
	assert_line(t, "  Valid until at most: 2031-04-15 [000 3]");
	assert_line(t, "Fee");
	assert_line(t, "  Amount: CNY 160 [fee 1]");
	assert_line(t, "  Extension fee");
	assert_line(t, "Deposit");
	assert_line(t, "  Amount: CNY 60000 [002 VI(III)]");
	assert_line(t, "  Frozen for: 100 days");
	assert_line(t, "Dates");
	assert_line(t, "  Apply by: 2026-10-01 [003 6.1]");
	assert_line(t, "  Decision by: 2026-10-20 (7 working days) [001 4]");
	assert_line(t, "  Receipt valid until: 2026-10-23 (10 working days) [001 5]");
	assert_non_null(strstr(t, "\n  Provisional: "));
	assert_line(t, "Representation");
	assert_line(t, "  Agent may apply: yes [002 I]");
	assert_line(t, "  Applicant must appear in person: not decided");
	assert_line(t, "  Agent only with diagnosis");
	assert_line(t, "Findings");
	/* Control characters become spaces: one item, one line. */
	assert_line(t, "  [pass] Stay within 180 days — asked \"200\" now [003 6.2(7)]");
	assert_line(t, "  [?] Good record needed [000 1]");
	assert_line(t, "Notices");
	assert_line(t, "  - Register within 24 hours [001 II.2]");
	/* No Chinese at all. */
	assert_null(strstr(t, "护照"));
	assert_null(strstr(t, "所需材料"));
	assert_null(strstr(t, " / "));
	/* Order of the sections. */
	assert_true(strstr(t, "\nMaterials\n") < strstr(t, "\nQuestions\n"));
	assert_true(strstr(t, "\nQuestions\n") < strstr(t, "\nLimits\n"));
	assert_true(strstr(t, "\nLimits\n") < strstr(t, "\nFee\n"));
	assert_true(strstr(t, "\nFee\n") < strstr(t, "\nDeposit\n"));
	assert_true(strstr(t, "\nDeposit\n") < strstr(t, "\nDates\n"));
	assert_true(strstr(t, "\nDates\n") < strstr(t, "\nRepresentation\n"));
	assert_true(strstr(t, "\nRepresentation\n") < strstr(t, "\nFindings\n"));
	assert_true(strstr(t, "\nFindings\n") < strstr(t, "\nNotices\n"));
	free(t);
}

static void test_text_zh(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	char *t = text_of_result(&r, "zh");
	assert_line(t, "管辖地：zhejiang");
	assert_line(t, "申请日期：2026-09-28");
	assert_line(t, "政策：zhejiang，版本 v1");
	assert_line(t, "结论：材料不全");
	assert_line(t, "所需材料");
	assert_line(t, "  1. [x] 有效护照 [002 II(IV)]");
	assert_line(t, "  2. [!] 亲属关系证明 — 需公证：未公证 [002 VI(V)]");
	assert_line(t, "  3. [ ] health_certificate（视情况：申请人年龄（按出生日期计算）；"
	               "申请人是否已婚？） [Z 3]");
	assert_line(t, "待确认事项");
	assert_line(t, "  - 申请人是否已婚？ [applicant.married]");
	assert_line(t, "最长期限");
	assert_line(t, "  最长停留期或有效期：180天 [003 6.2(7)]");
	assert_line(t, "  有效期最迟至：2031-04-15 [000 3]");
	assert_line(t, "费用");
	assert_line(t, "  金额：人民币160元 [fee 1]");
	assert_line(t, "  延期费");
	assert_line(t, "保证金");
	assert_line(t, "  冻结期限：100天");
	assert_line(t, "日期");
	assert_line(t, "  审批办结日：2026-10-20（7个工作日） [001 4]");
	assert_line(t, "代办");
	assert_line(t, "  可否由他人代办：可以 [002 I]");
	assert_line(t, "  是否须本人到场：待定");
	assert_line(t, "审查要点");
	assert_line(t, "  [通过] 停留期不超过180日 — 申请200日 [003 6.2(7)]");
	assert_line(t, "  [待定] 记录良好 [000 1]");
	assert_line(t, "注意事项");
	assert_line(t, "  - 24小时内办理住宿登记 [001 II.2]");
	assert_null(strstr(t, "Materials"));
	assert_null(strstr(t, "Verdict"));
	assert_null(strstr(t, "Kinship"));
	free(t);
}

static void test_text_both(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	char *t = text_of_result(&r, NULL);
	assert_line(t, "Jurisdiction / 管辖地: zhejiang");
	assert_line(t, "Verdict / 结论: Incomplete / 材料不全");
	assert_line(t, "Materials / 所需材料");
	/* English line, then the Chinese one under its text, without the source. */
	assert_non_null(strstr(t,
	                       "\n  2. [!] Kinship certificate — needs notarization: not notarized"
	                       " [002 VI(V)]\n"
	                       "         亲属关系证明 — 需公证：未公证\n"));
	assert_non_null(strstr(t, "\n  - Is the applicant married? [applicant.married]\n"
	                          "    申请人是否已婚？\n"));
	assert_line(t, "  Longest stay or validity / 最长停留期或有效期: 180 days / 180天 "
	               "[003 6.2(7)]");
	assert_line(t, "  Valid until at most / 有效期最迟至: 2031-04-15 [000 3]");
	assert_line(t, "  Amount / 金额: CNY 160 / 人民币160元 [fee 1]");
	assert_line(t,
	            "  Decision by / 审批办结日: 2026-10-20 (7 working days / 7个工作日) [001 4]");
	assert_non_null(strstr(t, "\n  Extension fee\n  延期费\n"));
	assert_non_null(strstr(t,
	                       "\n  [pass] Stay within 180 days — asked \"200\" now [003 6.2(7)]\n"
	                       "         停留期不超过180日 — 申请200日\n"));
	assert_non_null(strstr(t, "\n  - Register within 24 hours [001 II.2]\n"
	                          "    24小时内办理住宿登记\n"));
	assert_line(t, "Notices / 注意事项");
	/* The offices come last, each value's Chinese under its English. */
	assert_non_null(strstr(t, "\nWhere to apply / 在哪里申请\n"
	                          "  Exit-entry hall [001 IV]\n"
	                          "    出入境大厅\n"
	                          "    Address / 地址: No. 1 Road\n"
	                          "                    一号路\n"
	                          "    Hours / 办公时间: 9:00-17:00 on weekdays\n"
	                          "                      工作日9:00-17:00\n"
	                          "    Telephone / 电话: 12367\n"));
	free(t);
}

static size_t count_of(const char *text, const char *s)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, s)) != NULL; p += strlen(s))
		n++;
	return n;
}

/* The decision and its reason come first; each notice and each text once. */
static void test_text_reasons_first(void **state)
{
	(void)state;
	struct pd_result r;
	result_full(&r);
	r.verdict = PD_VERDICT_INELIGIBLE;
	g_findings[0].outcome = PD_OUTCOME_FAIL;
	/* The rule that gave the notice, and the representation's own text. */
	g_findings[2] = (struct pd_finding){
	    .origin = {"national/registration", "001 II.2", "national", NULL},
	    .outcome = PD_OUTCOME_INFO,
	    .text = &T_STAY,
	};
	g_findings[3] = (struct pd_finding){
	    .origin = {"national/agent", "002 I", "national", NULL},
	    .outcome = PD_OUTCOME_INFO,
	    .text = &T_AGENT,
	};
	r.n_findings = 4;
	char *t = text_of_result(&r, NULL);
	const char *first = "Verdict / 结论: Ineligible / 不符合条件\n";
	assert_true(strncmp(t, first, strlen(first)) == 0);
	assert_non_null(strstr(t, "\nWhy / 原因\n  [fail] Stay within 180 days"));
	assert_true(strstr(t, "\nWhy / 原因\n") < strstr(t, "\nJurisdiction / 管辖地: "));
	assert_true(strstr(t, "\nJurisdiction / 管辖地: ") < strstr(t, "\nMaterials / 所需材料\n"));
	/* The reason is not repeated among the other findings. */
	assert_line(t, "Other findings / 其他审查要点");
	assert_int_equal(count_of(t, "[fail]"), 1);
	assert_line(t, "  [?] Good record needed [000 1]");
	/* The notice once, not again as its rule's finding; the representation's text once. */
	assert_int_equal(count_of(t, "Register within 24 hours"), 1);
	assert_null(strstr(t, "[info] Stay within"));
	assert_int_equal(count_of(t, "Agent only with diagnosis"), 1);
	/* The notes point at nothing the output does not print. */
	assert_null(strstr(t, "[不通过]"));
	assert_null(strstr(t, "see the findings"));
	free(t);

	t = text_of_result(&r, "zh");
	assert_true(strncmp(t, "结论：不符合条件\n", strlen("结论：不符合条件\n")) == 0);
	assert_non_null(strstr(t, "\n原因\n  [不通过] 停留期不超过180日"));
	assert_line(t, "其他审查要点");
	free(t);

	/* Undecided: the questions come before the materials. */
	r.verdict = PD_VERDICT_UNKNOWN;
	g_findings[0].outcome = PD_OUTCOME_PASS;
	t = text_of_result(&r, "en");
	assert_null(strstr(t, "\nWhy\n"));
	assert_line(t, "Findings");
	assert_true(strstr(t, "\nQuestions\n") < strstr(t, "\nMaterials\n"));
	assert_true(strstr(t, "\nQuestions\n") < strstr(t, "\nJurisdiction: "));
	free(t);
}

static void test_text_sparse(void **state)
{
	(void)state;
	struct pd_result r;
	result_empty(&r);
	char *t = text_of_result(&r, NULL);
	assert_line(t, "Verdict / 结论: More information needed / 待补充信息");
	/* Nothing to show: no section at all. */
	assert_null(strstr(t, "Materials"));
	assert_null(strstr(t, "Questions"));
	assert_null(strstr(t, "Limits"));
	assert_null(strstr(t, "Fee"));
	assert_null(strstr(t, "Deposit"));
	assert_null(strstr(t, "Dates"));
	assert_null(strstr(t, "Representation"));
	assert_null(strstr(t, "Findings"));
	assert_null(strstr(t, "Notices"));
	free(t);

	r.verdict = PD_VERDICT_INELIGIBLE;
	r.fee.present = true;
	r.fee.known = false;
	t = text_of_result(&r, "en");
	assert_line(t, "Verdict: Ineligible");
	assert_line(t, "  Amount: to be confirmed");
	free(t);
	t = text_of_result(&r, "zh");
	assert_line(t, "结论：不符合条件");
	assert_line(t, "  金额：待定");
	free(t);

	r.verdict = PD_VERDICT_ELIGIBLE;
	t = text_of_result(&r, "zh");
	assert_line(t, "结论：符合条件");
	free(t);

	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_result_write_text(&r, "fr", &b), PD_FAIL(PD_EUSAGE));
	assert_int_equal(b.len, 0);
	pd_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),           cmocka_unit_test(test_escape),
	    cmocka_unit_test(test_escape_random),   cmocka_unit_test(test_writer_compact),
	    cmocka_unit_test(test_writer_pretty),   cmocka_unit_test(test_writer_too_deep),
	    cmocka_unit_test(test_result_empty),    cmocka_unit_test(test_result_full),
	    cmocka_unit_test(test_result_variants), cmocka_unit_test(test_result_pretty),
	    cmocka_unit_test(test_result_summary),  cmocka_unit_test(test_result_lang),
	    cmocka_unit_test(test_result_extra),    cmocka_unit_test(test_result_capped),
	    cmocka_unit_test(test_error_json),      cmocka_unit_test(test_text_en),
	    cmocka_unit_test(test_text_zh),         cmocka_unit_test(test_text_both),
	    cmocka_unit_test(test_text_sparse),     cmocka_unit_test(test_text_reasons_first),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
