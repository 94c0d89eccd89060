/*
 * test_policy_json.c: the JSON views of a loaded policy (codec.h): the packs,
 * and one pack's rules, conflicts and clause index, plus the policy.h
 * functions they rest on (pd_policy_pack_find, the rule texts of
 * pd_rule_info, pd_clause_covers).
 *
 * Two small packs are written to a temporary folder: "base" and "child",
 * which extends it, replaces one rule and drops another.  Every view is
 * pinned in full; only what the loader computes (versions, file names) is
 * taken from the policy itself.  The real packs are then written through
 * every view, to prove the views hold on them.
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
                                "effective: {from: 2020-01-01, to: 2029-12-31}\n"
                                "sources:\n"
                                "  - id: \"T1\"\n"
                                "    title: Test source one\n";

static const char base_rules[] = "materials:\n"
                                 "  - id: passport\n"
                                 "    en: Passport\n"
                                 "    zh: 护照\n"
                                 "rules:\n"
                                 "  - id: adult\n"
                                 "    when: applicant.age >= 18\n"
                                 "    check: applicant.good_record\n"
                                 "    source: \"T1 1(2)\"\n"
                                 "    en: Adults need a \"good\" record.\n"
                                 "    zh: 成年人须记录良好。\n"
                                 "  - id: basics\n"
                                 "    require: [passport]\n"
                                 "    source: \"T1 2\"\n"
                                 "    en: Passport.\n"
                                 "    zh: 护照。\n"
                                 "  - id: old-rule\n"
                                 "    notice: {id: old_notice, en: Old notice., zh: 旧提示。}\n"
                                 "    source: \"T1 3\"\n"
                                 "    en: Old rule.\n"
                                 "    zh: 旧规则。\n";

static const char base_clauses[] = "clauses:\n"
                                   "  \"T1\":\n"
                                   "    - \"1\"\n"
                                   "    - \"2\"\n"
                                   "    - \"3\"\n"
                                   "    - {clause: \"4\", informational: a heading only}\n";

static const char base_conflicts[] = "conflicts:\n"
                                     "  - id: base-age\n"
                                     "    topic: {en: Age of an adult, zh: 成年年龄}\n"
                                     "    sources: \"T1 1\"\n"
                                     "    choice: {en: Eighteen., zh: 十八周岁。}\n";

static const char child_pack[] = "id: child\n"
                                 "jurisdiction: child\n"
                                 "title: {en: Child pack, zh: 子规则包}\n"
                                 "extends: base\n"
                                 "effective: {from: 2021-01-01}\n"
                                 "sources:\n"
                                 "  - id: \"T2\"\n"
                                 "drop: [old-rule]\n";

static const char child_rules[] = "rules:\n"
                                  "  - id: basics\n"
                                  "    require: [passport]\n"
                                  "    source: \"T2 2.1, T1 2\"\n"
                                  "    en: Passport again.\n"
                                  "    zh: 仍须护照。\n"
                                  "  - id: extra\n"
                                  "    check: applicant.first_entry\n"
                                  "    source: \"T2 3\"\n"
                                  "    en: First entry.\n"
                                  "    zh: 首次入境。\n";

static const char child_clauses[] = "clauses:\n"
                                    "  \"T2\":\n"
                                    "    - \"2\"\n"
                                    "    - \"3\"\n"
                                    "    - \"4\"\n"
                                    "  \"T1\":\n"
                                    "    - \"1\"\n";

static const struct file files[] = {
    {"base/pack.yaml", base_pack},         {"base/rules.yaml", base_rules},
    {"base/clauses.yaml", base_clauses},   {"base/conflicts.yaml", base_conflicts},
    {"child/pack.yaml", child_pack},       {"child/rules.yaml", child_rules},
    {"child/clauses.yaml", child_clauses},
};

struct fixture {
	char *dir;
	struct pd_policy *pol;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	fx->dir = new_policy_dir();
	put_all(fx->dir, files, sizeof(files) / sizeof(files[0]));
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(fx->dir, &fx->pol, &diags, &err) != 0) {
		char msg[1024];
		for (size_t i = 0; i < diags.count; i++) {
			pd_error_format(&diags.items[i], msg, sizeof(msg));
			print_error("  %s\n", msg);
		}
		fail_msg("the test policy does not load");
	}
	pd_diags_free(&diags);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	pd_policy_free(fx->pol);
	drop_policy_dir(fx->dir);
	free(fx);
	return 0;
}

typedef int (*pack_writer)(const struct pd_pack *p, bool pretty, struct pd_buf *out);

static char *write_pack(pack_writer fn, const struct pd_pack *p, bool pretty)
{
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(fn(p, pretty, &b), 0);
	return b.data;
}

static void expect(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail_msg("got\n%s\nwant\n%s", got, want);
}

/* The file a rule was written in, as the loader reports it. */
static const char *file_of(const struct pd_pack *p, const char *id)
{
	struct pd_rule_info info[16];
	size_t n = pd_pack_rule_info(p, info, 16);
	for (size_t i = 0; i < n && i < 16; i++)
		if (strcmp(info[i].id, id) == 0)
			return info[i].file;
	fail_msg("no rule %s", id);
	return NULL;
}

static void test_pack_find(void **state)
{
	struct fixture *fx = *state;
	const struct pd_pack *child = pd_policy_pack_find(fx->pol, "child");
	assert_non_null(child);
	assert_string_equal(pd_pack_id(child), "child");
	assert_ptr_equal(pd_policy_pack_find(fx->pol, "base"),
	                 pd_policy_pack_find(fx->pol, pd_pack_extends(child)));
	assert_null(pd_policy_pack_find(fx->pol, "chil"));
	assert_null(pd_policy_pack_find(fx->pol, ""));
	assert_null(pd_policy_pack_find(fx->pol, NULL));
}

static void test_rule_texts(void **state)
{
	struct fixture *fx = *state;
	struct pd_rule_info info[8];
	size_t n = pd_pack_rule_info(pd_policy_pack_find(fx->pol, "child"), info, 8);
	assert_int_equal(n, 3);
	assert_string_equal(info[0].id, "base/adult");
	assert_string_equal(info[0].en, "Adults need a \"good\" record.");
	assert_string_equal(info[0].zh, "成年人须记录良好。");
	assert_string_equal(info[1].id, "child/basics");
	assert_string_equal(info[1].en, "Passport again.");
	assert_string_equal(info[2].zh, "首次入境。");
}

static void test_clause_covers(void **state)
{
	(void)state;
	static const struct {
		const char *cited, *clause;
		bool covers;
	} rows[] = {
	    {"6.2", "6.2", true},           {"6.2(7)", "6.2", true},
	    {"6.2.1", "6.2", true},         {"II(VII)3", "II(VII)", true},
	    {"6.21", "6.2", false},         {"6", "6.2", false},
	    {"II(VII)", "II(VII)3", false}, {"Art. 21(3)", "Art. 21", true},
	    {"Art. 2", "Art. 21", false},   {"anything", "", false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (pd_clause_covers(rows[i].cited, rows[i].clause) != rows[i].covers)
			fail_msg("\"%s\" under \"%s\": expected %s", rows[i].cited, rows[i].clause,
			         rows[i].covers ? "yes" : "no");
}

static void test_policy_view(void **state)
{
	struct fixture *fx = *state;
	int first, last;
	pd_calendar_range(pd_policy_calendar(fx->pol), &first, &last);
	const struct pd_pack *base = pd_policy_pack_find(fx->pol, "base");
	const struct pd_pack *child = pd_policy_pack_find(fx->pol, "child");
	char want[2048];
	snprintf(want, sizeof(want),
	         "{\"packs\":["
	         "{\"id\":\"base\",\"jurisdiction\":\"base\",\"title\":{\"en\":\"Base pack\","
	         "\"zh\":\"基础规则包\"},\"extends\":null,\"version\":\"%s\",\"effective\":"
	         "{\"from\":\"2020-01-01\",\"to\":\"2029-12-31\"},\"rules\":3},"
	         "{\"id\":\"child\",\"jurisdiction\":\"child\",\"title\":{\"en\":\"Child pack\","
	         "\"zh\":\"子规则包\"},\"extends\":\"base\",\"version\":\"%s\",\"effective\":"
	         "{\"from\":\"2021-01-01\",\"to\":null},\"rules\":3}],"
	         "\"calendar\":{\"first_year\":%d,\"last_year\":%d}}",
	         pd_pack_version(base), pd_pack_version(child), first, last);
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_policy_write_json(fx->pol, false, &b), 0);
	/* Packs come in folder-name order. */
	expect(b.data, want);
	assert_true(first > 0 && last >= first);
	pd_buf_free(&b);
}

static void test_rules_view(void **state)
{
	struct fixture *fx = *state;
	const struct pd_pack *child = pd_policy_pack_find(fx->pol, "child");
	const char *bf = file_of(child, "base/adult"), *cf = file_of(child, "child/extra");
	char want[2048];
	snprintf(want, sizeof(want),
	         "{\"pack\":\"child\",\"version\":\"%s\",\"rules\":["
	         "{\"id\":\"base/adult\",\"layer\":\"base\",\"replaces\":null,\"source\":"
	         "\"T1 1(2)\",\"file\":\"%s\",\"line\":6,\"en\":\"Adults need a \\\"good\\\" "
	         "record.\",\"zh\":\"成年人须记录良好。\"},"
	         "{\"id\":\"child/basics\",\"layer\":\"child\",\"replaces\":\"base\",\"source\":"
	         "\"T2 2.1, T1 2\",\"file\":\"%s\",\"line\":2,\"en\":\"Passport again.\","
	         "\"zh\":\"仍须护照。\"},"
	         "{\"id\":\"child/extra\",\"layer\":\"child\",\"replaces\":null,\"source\":"
	         "\"T2 3\",\"file\":\"%s\",\"line\":7,\"en\":\"First entry.\",\"zh\":"
	         "\"首次入境。\"}]}",
	         pd_pack_version(child), bf, cf, cf);
	char *got = write_pack(pd_pack_rules_write_json, child, false);
	expect(got, want);
	free(got);
	assert_non_null(strstr(bf, "base/rules.yaml"));
	assert_non_null(strstr(cf, "child/rules.yaml"));
}

static void test_conflicts_view(void **state)
{
	struct fixture *fx = *state;
	char *got =
	    write_pack(pd_pack_conflicts_write_json, pd_policy_pack_find(fx->pol, "base"), false);
	expect(got, "{\"pack\":\"base\",\"conflicts\":[{\"id\":\"base-age\",\"topic\":{\"en\":"
	            "\"Age of an adult\",\"zh\":\"成年年龄\"},\"sources\":\"T1 1\",\"choice\":{"
	            "\"en\":\"Eighteen.\",\"zh\":\"十八周岁。\"},\"layer\":\"base\"}]}");
	free(got);
}

static void test_clauses_view(void **state)
{
	struct fixture *fx = *state;
	char *got =
	    write_pack(pd_pack_clauses_write_json, pd_policy_pack_find(fx->pol, "base"), false);
	expect(got, "{\"pack\":\"base\",\"clauses\":["
	            "{\"source\":\"T1\",\"clause\":\"1\",\"informational\":null,\"rules\":"
	            "[\"base/adult\"]},"
	            "{\"source\":\"T1\",\"clause\":\"2\",\"informational\":null,\"rules\":"
	            "[\"base/basics\"]},"
	            "{\"source\":\"T1\",\"clause\":\"3\",\"informational\":null,\"rules\":"
	            "[\"base/old-rule\"]},"
	            "{\"source\":\"T1\",\"clause\":\"4\",\"informational\":\"a heading only\","
	            "\"rules\":[]}]}");
	free(got);
	/* The child's own index, read with its rules: inherited, replaced and new. */
	got = write_pack(pd_pack_clauses_write_json, pd_policy_pack_find(fx->pol, "child"), false);
	expect(got, "{\"pack\":\"child\",\"clauses\":["
	            "{\"source\":\"T2\",\"clause\":\"2\",\"informational\":null,\"rules\":"
	            "[\"child/basics\"]},"
	            "{\"source\":\"T2\",\"clause\":\"3\",\"informational\":null,\"rules\":"
	            "[\"child/extra\"]},"
	            "{\"source\":\"T2\",\"clause\":\"4\",\"informational\":null,\"rules\":[]},"
	            "{\"source\":\"T1\",\"clause\":\"1\",\"informational\":null,\"rules\":"
	            "[\"base/adult\"]}]}");
	free(got);
}

static void test_pretty_view(void **state)
{
	struct fixture *fx = *state;
	char *got =
	    write_pack(pd_pack_conflicts_write_json, pd_policy_pack_find(fx->pol, "base"), true);
	expect(got, "{\n  \"pack\": \"base\",\n  \"conflicts\": [\n    {\n"
	            "      \"id\": \"base-age\",\n      \"topic\": {\n        \"en\": \"Age of an "
	            "adult\",\n        \"zh\": \"成年年龄\"\n      },\n      \"sources\": \"T1 "
	            "1\",\n      \"choice\": {\n        \"en\": \"Eighteen.\",\n        \"zh\": "
	            "\"十八周岁。\"\n      },\n      \"layer\": \"base\"\n    }\n  ]\n}");
	free(got);
}

/* Out of room: an error, and the buffer as it was. */
static void test_views_too_big(void **state)
{
	struct fixture *fx = *state;
	static const pack_writer writers[] = {
	    pd_pack_rules_write_json, pd_pack_conflicts_write_json, pd_pack_clauses_write_json};
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
		struct pd_buf b;
		pd_buf_init(&b, 48);
		assert_int_equal(pd_buf_puts(&b, "kept"), 0);
		int rc =
		    writers[i](pd_policy_pack_find(fx->pol, i == 1 ? "base" : "child"), false, &b);
		assert_int_equal(rc, PD_FAIL(PD_ENOMEM));
		assert_int_equal(b.len, 4);
		assert_string_equal(b.data, "kept");
		pd_buf_free(&b);
	}
	struct pd_buf b;
	pd_buf_init(&b, 48);
	assert_int_equal(pd_policy_write_json(fx->pol, false, &b), PD_FAIL(PD_ENOMEM));
	assert_int_equal(b.len, 0);
	pd_buf_free(&b);
}

/* Every real pack through every view; every clause of its index listed. */
static void test_real_packs(void **state)
{
	(void)state;
	struct pd_policy *pol = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(PD_TEST_POLICY_DIR, &pol, NULL, &err) != 0)
		fail_msg("the real policy does not load: %s", err.message);
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_policy_write_json(pol, false, &b), 0);
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++) {
		const struct pd_pack *p = pd_policy_pack_at(pol, i);
		char id[128];
		snprintf(id, sizeof(id), "{\"id\":\"%s\",", pd_pack_id(p));
		assert_non_null(strstr(b.data, id));
		assert_ptr_equal(pd_policy_pack_find(pol, pd_pack_id(p)), p);
		static const pack_writer writers[] = {pd_pack_rules_write_json,
		                                      pd_pack_conflicts_write_json,
		                                      pd_pack_clauses_write_json};
		for (size_t k = 0; k < 3; k++) {
			char *got = write_pack(writers[k], p, k == 2);
			assert_true(strlen(got) > 10);
			if (k == 2) {
				/* One entry per clause of the index. */
				size_t n = pd_pack_clauses(p, NULL, 0), seen = 0;
				for (const char *q = got; (q = strstr(q, "\"clause\": ")); q++)
					seen++;
				assert_int_equal(seen, n);
			}
			free(got);
		}
	}
	pd_buf_free(&b);
	pd_policy_free(pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pack_find),     cmocka_unit_test(test_rule_texts),
	    cmocka_unit_test(test_clause_covers), cmocka_unit_test(test_policy_view),
	    cmocka_unit_test(test_rules_view),    cmocka_unit_test(test_conflicts_view),
	    cmocka_unit_test(test_clauses_view),  cmocka_unit_test(test_pretty_view),
	    cmocka_unit_test(test_views_too_big),
	};
	const struct CMUnitTest real[] = {cmocka_unit_test(test_real_packs)};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	return failed + cmocka_run_group_tests(real, NULL, NULL);
}
