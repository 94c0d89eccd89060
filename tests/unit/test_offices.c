/*
 * test_offices.c: where to apply (offices.yaml; policy.h's pd_pack_offices,
 * codec.h's office writers, the "offices" of a result).
 *
 * Small packs in a temporary directory: a pack's offices, a child that lists
 * none and so inherits its parent's, a child that lists its own and so has
 * only those; one office's JSON and text pinned exactly; a table of broken
 * offices, each with the exact file:line:column: message lint prints; and
 * the real packs: every office cited to a declared source, the figures of
 * the seeds (001 IV and VI, 002 IV and IX, 003 3), and every result of a
 * pack carrying its offices last.
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
#include "permitdesk/policy.h"
#include "policy_fixture.h"

static const char base_pack[] = "id: base\n"
                                "jurisdiction: base\n"
                                "title: {en: Base pack, zh: 基础规则包}\n"
                                "effective: {from: 2020-01-01}\n"
                                "sources:\n"
                                "  - id: \"T1\"\n";

static const char base_offices[] = "offices:\n"
                                   "  - id: hall\n"
                                   "    name: {en: \"Hall \\\"A\\\"\", zh: 甲大厅}\n"
                                   "    address: {en: No. 1 Road, zh: 一号路}\n"
                                   "    telephone: \"12367\"\n"
                                   "    supervision: \"24459652\"\n"
                                   "    hours:\n"
                                   "      days: working_days\n"
                                   "      open: \"9:00\"\n"
                                   "      close: \"17:30\"\n"
                                   "      en: 9:00-17:30 on working days\n"
                                   "      zh: 工作日9:00-17:30\n"
                                   "    source: \"T1 4\"\n"
                                   "  - id: line\n"
                                   "    name: {en: Help line, zh: 热线}\n"
                                   "    website: www.example.cn\n"
                                   "    guidance: {en: Book online., zh: 网上预约。}\n"
                                   "    note: for policy staff\n"
                                   "    source: \"T1 5\"\n";

static const char inheriting_pack[] = "id: inheriting\n"
                                      "title: {en: Inheriting, zh: 继承}\n"
                                      "extends: base\n"
                                      "effective: {from: 2021-01-01}\n";

static const char own_pack[] = "id: own\n"
                               "title: {en: Own, zh: 自有}\n"
                               "extends: base\n"
                               "effective: {from: 2021-01-01}\n"
                               "sources:\n"
                               "  - id: \"T2\"\n";

static const char own_offices[] = "offices:\n"
                                  "  - id: city-hall\n"
                                  "    name: {en: City hall, zh: 市大厅}\n"
                                  "    source: \"T2 1, T1 4\"\n";

static struct pd_policy *load_dir(const char *dir)
{
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(dir, &pol, &diags, &err) != 0) {
		for (size_t i = 0; i < diags.count; i++)
			print_error("  %s:%d:%d: %s\n", diags.items[i].file, diags.items[i].line,
			            diags.items[i].column, diags.items[i].message);
		pd_diags_free(&diags);
		fail_msg("the policy in %s does not load", dir);
	}
	assert_int_equal(diags.count, 0);
	pd_diags_free(&diags);
	return pol;
}

static char *three_packs(void)
{
	char *dir = new_policy_dir();
	put(dir, "base/pack.yaml", base_pack);
	put(dir, "base/offices.yaml", base_offices);
	put(dir, "inheriting/pack.yaml", inheriting_pack);
	put(dir, "own/pack.yaml", own_pack);
	put(dir, "own/offices.yaml", own_offices);
	return dir;
}

static void test_offices_loaded(void **state)
{
	(void)state;
	char *dir = three_packs();
	struct pd_policy *pol = load_dir(dir);
	size_t n = 0;
	const struct pd_office_info *o = pd_pack_offices(pd_policy_pack_find(pol, "base"), &n);
	assert_int_equal(n, 2);
	assert_string_equal(o[0].id, "hall");
	assert_string_equal(o[0].name_en, "Hall \"A\"");
	assert_string_equal(o[0].name_zh, "甲大厅");
	assert_string_equal(o[0].address_en, "No. 1 Road");
	assert_string_equal(o[0].telephone, "12367");
	assert_string_equal(o[0].supervision, "24459652");
	assert_true(o[0].working_days_only);
	assert_int_equal(o[0].open, 9 * 60);
	assert_int_equal(o[0].close, 17 * 60 + 30);
	assert_null(o[0].website);
	assert_string_equal(o[0].source, "T1 4");
	assert_string_equal(o[0].layer, "base");
	assert_string_equal(o[0].file, "policy/base/offices.yaml");
	assert_int_equal(o[0].line, 2);
	/* What a source does not give stays absent. */
	assert_null(o[1].address_en);
	assert_null(o[1].telephone);
	assert_null(o[1].hours_en);
	assert_int_equal(o[1].open, -1);
	assert_false(o[1].working_days_only);
	assert_string_equal(o[1].website, "www.example.cn");
	assert_string_equal(o[1].guidance_zh, "网上预约。");
	assert_ptr_equal(pd_pack_office_find(pd_policy_pack_find(pol, "base"), "line"), &o[1]);
	assert_null(pd_pack_office_find(pd_policy_pack_find(pol, "base"), "nowhere"));

	/* No offices of its own: the parent's. */
	size_t ni = 0;
	const struct pd_office_info *oi =
	    pd_pack_offices(pd_policy_pack_find(pol, "inheriting"), &ni);
	assert_int_equal(ni, 2);
	assert_string_equal(oi[0].id, "hall");
	assert_string_equal(oi[0].layer, "base");

	/* Offices of its own: only those. */
	size_t no = 0;
	const struct pd_office_info *oo = pd_pack_offices(pd_policy_pack_find(pol, "own"), &no);
	assert_int_equal(no, 1);
	assert_string_equal(oo[0].id, "city-hall");
	assert_string_equal(oo[0].layer, "own");
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

static const char HALL_JSON[] =
    "{\"id\":\"hall\",\"name\":{\"en\":\"Hall \\\"A\\\"\",\"zh\":\"甲大厅\"},"
    "\"address\":{\"en\":\"No. 1 Road\",\"zh\":\"一号路\"},\"telephone\":\"12367\","
    "\"supervision\":\"24459652\",\"hours\":{\"en\":\"9:00-17:30 on working days\","
    "\"zh\":\"工作日9:00-17:30\",\"days\":\"working_days\",\"open\":\"09:00\","
    "\"close\":\"17:30\"},\"source\":\"T1 4\"}";
static const char LINE_JSON[] =
    "{\"id\":\"line\",\"name\":{\"en\":\"Help line\",\"zh\":\"热线\"},\"address\":null,"
    "\"telephone\":null,\"hours\":null,\"website\":\"www.example.cn\","
    "\"guidance\":{\"en\":\"Book online.\",\"zh\":\"网上预约。\"},\"source\":\"T1 5\"}";

static void test_offices_json(void **state)
{
	(void)state;
	char *dir = three_packs();
	struct pd_policy *pol = load_dir(dir);
	size_t n = 0;
	const struct pd_office_info *o = pd_pack_offices(pd_policy_pack_find(pol, "base"), &n);
	/* Rendered once by the loader, with the writer's shape. */
	assert_string_equal(o[0].json, HALL_JSON);
	assert_string_equal(o[1].json, LINE_JSON);

	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(
	    pd_pack_offices_write_json(pol, pd_policy_pack_find(pol, "inheriting"), false, &b), 0);
	char want[2048];
	snprintf(want, sizeof(want),
	         "{\"packs\":[{\"pack\":\"inheriting\",\"jurisdiction\":\"inheriting\","
	         "\"offices\":[%s,%s]}]}",
	         HALL_JSON, LINE_JSON);
	assert_string_equal(b.data, want);
	b.len = 0;
	/* Every pack, in the policy's order. */
	assert_int_equal(pd_pack_offices_write_json(pol, NULL, false, &b), 0);
	assert_non_null(strstr(b.data, "{\"pack\":\"base\","));
	assert_non_null(strstr(b.data, "{\"pack\":\"own\",\"jurisdiction\":\"own\",\"offices\":[{"
	                               "\"id\":\"city-hall\""));
	pd_buf_free(&b);
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

static void test_offices_text(void **state)
{
	(void)state;
	char *dir = three_packs();
	struct pd_policy *pol = load_dir(dir);
	size_t n = 0;
	const struct pd_office_info *o = pd_pack_offices(pd_policy_pack_find(pol, "base"), &n);
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_office_write_text(&o[0], NULL, "  ", &b), 0);
	assert_string_equal(b.data, "  Hall \"A\" [T1 4]\n"
	                            "    甲大厅\n"
	                            "    Address / 地址: No. 1 Road\n"
	                            "                    一号路\n"
	                            "    Hours / 办公时间: 9:00-17:30 on working days\n"
	                            "                      工作日9:00-17:30\n"
	                            "    Telephone / 电话: 12367\n"
	                            "    Supervision telephone / 监督电话: 24459652\n");
	b.len = 0;
	assert_int_equal(pd_office_write_text(&o[1], "zh", "", &b), 0);
	assert_string_equal(b.data, "热线 [T1 5]\n"
	                            "  网站：www.example.cn\n"
	                            "  办理须知：网上预约。\n");
	b.len = 0;
	assert_int_equal(pd_office_write_text(&o[1], "fr", "", &b), PD_FAIL(PD_EUSAGE));
	pd_buf_free(&b);
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* ---- broken offices: each with the message lint prints ---- */

static const struct {
	const char *name;
	const char *yaml;
	const char *want;
} broken[] = {
    {"not a list", "offices: {id: x}\n", "policy/base/offices.yaml:1:11: offices: expected a list"},
    {"not a mapping", "offices:\n  - hall\n",
     "policy/base/offices.yaml:2:5: an office is a mapping with id, name, source"},
    {"unknown key",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n    phone: \"1\"\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:5: unknown key in an office (known: id, name, address, "
     "telephone, supervision, hours, website, guidance, source, note)"},
    {"bad id", "offices:\n  - id: Hall\n    name: {en: H, zh: 厅}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:2:9: office id must be lowercase letters, digits, _ -"},
    {"no source", "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n",
     "policy/base/offices.yaml:2:5: office hall: id, name (en and zh) and source are all "
     "required"},
    {"undeclared source",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n    source: \"X9 1\"\n",
     "policy/base/offices.yaml:4:14: source \"X9 1\" does not start with a source the pack "
     "declares in pack.yaml"},
    {"name without zh", "offices:\n  - id: hall\n    name: {en: H}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:3:12: missing zh text"},
    {"address key",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n    address: {en: A, zh: 址, fr: B}\n"
     "    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:29: unknown key in address (known: en, zh)"},
    {"bad time",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n"
     "    hours: {open: \"25:00\", close: \"17:00\", en: a, zh: b}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:20: expected a time of day such as \"09:00\""},
    {"close before open",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n"
     "    hours: {open: \"17:00\", close: \"09:00\", en: a, zh: b}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:13: hours: close must be after open"},
    {"open alone",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n"
     "    hours: {open: \"09:00\", en: a, zh: b}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:13: hours: give both open and close, or neither"},
    {"bad days",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n"
     "    hours: {days: weekends, en: a, zh: b}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:19: days: expected working_days (the official working days "
     "of the calendar)"},
    {"telephone not ASCII",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n    telephone: 一二三\n"
     "    source: \"T1 1\"\n",
     "policy/base/offices.yaml:4:16: telephone: expected printable ASCII such as \"12367\""},
    {"duplicate id",
     "offices:\n  - id: hall\n    name: {en: H, zh: 厅}\n    source: \"T1 1\"\n"
     "  - id: hall\n    name: {en: H, zh: 厅}\n    source: \"T1 1\"\n",
     "policy/base/offices.yaml:5:5: duplicate office id hall (first at "
     "policy/base/offices.yaml:2)"},
};

static void test_broken_offices(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		char *dir = new_policy_dir();
		put(dir, "base/pack.yaml", base_pack);
		put(dir, "base/offices.yaml", broken[i].yaml);
		struct pd_policy *pol = NULL;
		struct pd_diags diags = {0};
		struct pd_error err;
		pd_error_clear(&err);
		int rc = pd_policy_load(dir, &pol, &diags, &err);
		bool found = false;
		char got[1200];
		for (size_t k = 0; k < diags.count; k++) {
			snprintf(got, sizeof(got), "%s:%d:%d: %s", diags.items[k].file,
			         diags.items[k].line, diags.items[k].column,
			         diags.items[k].message);
			found = found || strcmp(got, broken[i].want) == 0;
		}
		if (rc != PD_FAIL(PD_EPOLICY) || pol || !found) {
			print_error("%s: rc %d\n", broken[i].name, rc);
			for (size_t k = 0; k < diags.count; k++)
				print_error("  %s:%d:%d: %s\n", diags.items[k].file,
				            diags.items[k].line, diags.items[k].column,
				            diags.items[k].message);
			print_error("  expected %s\n", broken[i].want);
			failures++;
		}
		pd_diags_free(&diags);
		pd_policy_free(pol);
		drop_policy_dir(dir);
	}
	assert_int_equal(failures, 0);
}

/* ---- the real packs ---- */

static void test_real_offices(void **state)
{
	(void)state;
	struct pd_policy *pol = load_dir(PD_TEST_POLICY_DIR);
	size_t n = 0;
	const struct pd_office_info *o;

	/* 001 IV: two service centres, 9:00-17:00 on working days, 12367; 001 VI:
	 * the supervision telephones. */
	o = pd_pack_offices(pd_policy_pack_find(pol, "tianjin"), &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(o[i].telephone, "12367");
		assert_true(o[i].working_days_only);
		assert_int_equal(o[i].open, 9 * 60);
		assert_int_equal(o[i].close, 17 * 60);
		assert_non_null(strstr(o[i].source, "001 IV"));
		assert_non_null(o[i].address_en);
		assert_non_null(o[i].address_zh);
	}
	assert_non_null(strstr(o[0].address_en, "Haitai Building"));
	assert_string_equal(o[0].supervision, "24459652");
	assert_non_null(strstr(o[1].address_en, "Guangyao Oriental Plaza"));
	assert_string_equal(o[1].supervision, "66977410");

	/* 002 IV, IX. */
	o = pd_pack_offices(pd_policy_pack_find(pol, "shenzhen"), &n);
	assert_int_equal(n, 1);
	assert_string_equal(o[0].telephone, "84465490");
	assert_string_equal(o[0].website, "www.sz3e.com");
	assert_non_null(strstr(o[0].address_en, "4016"));
	assert_null(o[0].hours_en); /* 002 gives none */

	/* 003 3: the prefecture-level offices, and county ones only where entrusted;
	 * no address, as 003 gives none. */
	o = pd_pack_offices(pd_policy_pack_find(pol, "zhejiang"), &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(o[i].source, "003 3");
		assert_null(o[i].address_en);
	}
	assert_non_null(strstr(o[1].guidance_en, "entrusted"));

	o = pd_pack_offices(pd_policy_pack_find(pol, "national"), &n);
	assert_int_equal(n, 1);
	assert_non_null(strstr(o[0].source, "000 Process"));
	pd_pack_offices(pd_policy_pack_find(pol, "national-2004"), &n);
	assert_int_equal(n, 0);

	/* Every office's JSON is valid for the result's schema shape: an object
	 * ending with its source. */
	for (size_t p = 0; p < pd_policy_pack_count(pol); p++) {
		o = pd_pack_offices(pd_policy_pack_at(pol, p), &n);
		for (size_t i = 0; i < n; i++) {
			char tail[160];
			snprintf(tail, sizeof(tail), "\"source\":\"%s\"}", o[i].source);
			size_t jl = strlen(o[i].json), tl = strlen(tail);
			assert_true(jl > tl && strcmp(o[i].json + jl - tl, tail) == 0);
		}
	}
	pd_policy_free(pol);
}

/* A result names its pack's offices, last. */
static void test_result_offices(void **state)
{
	(void)state;
	struct pd_policy *pol = load_dir(PD_TEST_POLICY_DIR);
	static const char case_json[] = "{\"jurisdiction\":\"tianjin\",\"date\":\"2026-03-02\","
	                                "\"application\":{\"document\":\"residence_permit\"}}";
	struct pd_arena arena;
	pd_arena_init(&arena, 1 << 16, 16u << 20);
	struct pd_check_opts opts = {
	    .name = "case.json", .today = PD_DATE_NONE, .date = PD_DATE_NONE};
	struct pd_result *r = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_check(pol, case_json, strlen(case_json), &opts, &arena, NULL, &r, &err),
	                 0);
	assert_int_equal(r->n_offices, 2);
	assert_string_equal(r->offices[0].id, "tianjin-exit-entry-service-center");
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_result_write_json(r, false, &b), 0);
	const char *at =
	    strstr(b.data, ",\"offices\":[{\"id\":\"tianjin-exit-entry-service-center\"");
	assert_non_null(at);
	static const char end[] = "\"source\":\"001 IV, 001 VI\"}]}"; /* the last member */
	assert_string_equal(b.data + b.len - strlen(end), end);
	b.len = 0;
	assert_int_equal(pd_result_write_text(r, "en", &b), 0);
	assert_non_null(strstr(b.data, "\nWhere to apply\n  The Entry and Exit Administration "
	                               "Service Center of the Tianjin Municipal Public Security "
	                               "Bureau [001 IV, 001 VI]\n"));
	pd_buf_free(&b);
	pd_arena_free(&arena);
	pd_policy_free(pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_offices_loaded), cmocka_unit_test(test_offices_json),
	    cmocka_unit_test(test_offices_text),   cmocka_unit_test(test_broken_offices),
	    cmocka_unit_test(test_real_offices),   cmocka_unit_test(test_result_offices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
