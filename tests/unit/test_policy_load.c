/*
 * test_policy_load.c: loading policy packs (policy.h, policy/load.c): small
 * packs written into a temporary directory and loaded with pd_policy_load().
 *
 * Covers what docs/policy-language.md promises of a pack: a good minimal
 * pack; inheritance (a rule with an inherited id replaces it in place and
 * says which layer it replaced, `drop` removes inherited rules, new rules
 * follow, materials and source prefixes are inherited); choosing the pack in
 * force by jurisdiction and date, with the errors that list what is covered
 * and what is known; a table of broken packs, each with the exact
 * file:line:column: message lint prints; every problem of a pack reported by
 * one load; and the pack version following the files' contents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/policy.h"
#include "policy_fixture.h"

static pd_date D(const char *s)
{
	pd_date d = PD_DATE_NONE;
	if (pd_date_parse(s, strlen(s), &d) != 0)
		fail_msg("bad date in test: %s", s);
	return d;
}

/* ---- the good packs every broken one starts from --------------------------------------------- */

static const char base_pack[] = "id: base\n"
                                "jurisdiction: base\n"
                                "title: {en: Base pack, zh: 基础规则包}\n"
                                "effective: {from: 2020-01-01}\n"
                                "sources:\n"
                                "  - id: \"T1\"\n"
                                "    title: Test source one\n";

static const char base_materials[] =
    "materials:\n"
    "  - id: passport\n"
    "    en: Passport\n"
    "    zh: 护照\n"
    "  - id: photo\n"
    "    en: Photo\n"
    "    zh: 照片\n"
    "    max_age: 6m\n"
    "  - id: kinship_proof\n"
    "    en: Kinship proof\n"
    "    zh: 亲属关系证明\n"
    "    foreign: {notarized: true, legalized: true, translated: true}\n";

static const char base_rules[] = "rules:\n"
                                 "  - id: adult\n"
                                 "    when: applicant.age >= 18\n"
                                 "    check: applicant.good_record\n"
                                 "    source: \"T1 1\"\n"
                                 "    en: Adults need a good record.\n"
                                 "    zh: 成年人须记录良好。\n"
                                 "  - id: basics\n"
                                 "    require: [passport, photo]\n"
                                 "    source: \"T1 2\"\n"
                                 "    en: Passport and photo.\n"
                                 "    zh: 护照和照片。\n"
                                 "  - id: old-rule\n"
                                 "    notice: {id: old_notice, en: Old notice., zh: 旧提示。}\n"
                                 "    source: \"T1 3\"\n"
                                 "    en: Old rule.\n"
                                 "    zh: 旧规则。\n";

static const char child_pack[] = "id: child\n"
                                 "jurisdiction: child\n"
                                 "title: {en: Child pack, zh: 子规则包}\n"
                                 "extends: base\n"
                                 "effective: {from: 2021-01-01}\n"
                                 "sources:\n"
                                 "  - id: \"T2\"\n"
                                 "drop: [old-rule]\n";

static const char child_rules[] = "materials:\n"
                                  "  - id: letter\n"
                                  "    en: Letter\n"
                                  "    zh: 信函\n"
                                  "rules:\n"
                                  "  - id: basics\n"
                                  "    require: [passport, photo, letter]\n"
                                  "    source: \"T2 2\"\n"
                                  "    en: Passport, photo and letter.\n"
                                  "    zh: 护照、照片和信函。\n"
                                  "  - id: extra\n"
                                  "    when: provided(\"kinship_proof\")\n"
                                  "    require: {material: kinship_proof, max_age: 3m}\n"
                                  "    source: \"T1 4\"\n"
                                  "    en: Extra.\n"
                                  "    zh: 额外。\n";

static const struct file good_files[] = {
    {"base/pack.yaml", base_pack},     {"base/materials.yaml", base_materials},
    {"base/rules.yaml", base_rules},   {"child/pack.yaml", child_pack},
    {"child/rules.yaml", child_rules},
};

static char *good_dir(void)
{
	char *dir = new_policy_dir();
	put_all(dir, good_files, sizeof(good_files) / sizeof(good_files[0]));
	return dir;
}

static struct pd_policy *load_ok(const char *dir)
{
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	int rc = pd_policy_load(dir, &pol, &diags, &err);
	if (rc != 0) {
		char msg[1024];
		for (size_t i = 0; i < diags.count; i++) {
			pd_error_format(&diags.items[i], msg, sizeof(msg));
			print_error("  %s\n", msg);
		}
		pd_diags_free(&diags);
		fail_msg("the policy in %s does not load (rc %d)", dir, rc);
	}
	/* A clean pack has no warnings either. */
	assert_int_equal(diags.count, 0);
	pd_diags_free(&diags);
	assert_non_null(pol);
	return pol;
}

static const struct pd_pack *pack_named(const struct pd_policy *pol, const char *id)
{
	for (size_t i = 0; i < pd_policy_pack_count(pol); i++)
		if (strcmp(pd_pack_id(pd_policy_pack_at(pol, i)), id) == 0)
			return pd_policy_pack_at(pol, i);
	fail_msg("no pack %s", id);
	return NULL;
}

/* ---- good packs ------------------------------------------------------------------------------ */

static void test_minimal_pack(void **state)
{
	char *dir = new_policy_dir();
	put(dir, "base/pack.yaml", base_pack);
	put(dir, "base/materials.yaml", base_materials);
	put(dir, "base/rules.yaml", base_rules);
	struct pd_policy *pol = load_ok(dir);

	assert_int_equal(pd_policy_pack_count(pol), 1);
	const struct pd_pack *p = pd_policy_pack_at(pol, 0);
	assert_string_equal(pd_pack_id(p), "base");
	assert_string_equal(pd_pack_jurisdiction(p), "base");
	assert_string_equal(pd_pack_title(p, "en"), "Base pack");
	assert_string_equal(pd_pack_title(p, "zh"), "基础规则包");
	assert_null(pd_pack_extends(p));
	pd_date from, to;
	pd_pack_effective(p, &from, &to);
	assert_int_equal(from, D("2020-01-01"));
	assert_int_equal(to, PD_DATE_NONE);
	assert_int_equal(strlen(pd_pack_version(p)), 16);
	assert_int_equal(strspn(pd_pack_version(p), "0123456789abcdef"), 16);
	assert_int_equal(pd_pack_rule_count(p), 3);

	struct pd_rule_info info[8];
	assert_int_equal(pd_pack_rule_info(p, info, 8), 3);
	static const char *const ids[] = {"base/adult", "base/basics", "base/old-rule"};
	static const char *const sources[] = {"T1 1", "T1 2", "T1 3"};
	static const int lines[] = {2, 8, 13};
	for (int i = 0; i < 3; i++) {
		assert_string_equal(info[i].id, ids[i]);
		assert_string_equal(info[i].layer, "base");
		assert_null(info[i].replaces);
		assert_string_equal(info[i].source, sources[i]);
		assert_string_equal(info[i].file, "policy/base/rules.yaml");
		assert_int_equal(info[i].line, lines[i]);
	}
	/* Fewer slots than rules: the count is still the total. */
	assert_int_equal(pd_pack_rule_info(p, info, 1), 3);
	assert_int_equal(pd_pack_rule_info(p, NULL, 0), 3);
	assert_non_null(pd_policy_calendar(pol));
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* Rule files may also be a bare list of rules; files are read in name order. */
static void test_bare_list_and_file_order(void **state)
{
	char *dir = new_policy_dir();
	put(dir, "base/pack.yaml", base_pack);
	put(dir, "base/b.yaml", "- id: second\n  source: \"T1 2\"\n  en: B\n  zh: 乙\n");
	put(dir, "base/a.yaml", "- id: first\n  source: \"T1 1\"\n  en: A\n  zh: 甲\n");
	put(dir, "base/notes.txt", "not a rule file\n");
	struct pd_policy *pol = load_ok(dir);
	const struct pd_pack *p = pd_policy_pack_at(pol, 0);
	struct pd_rule_info info[4];
	assert_int_equal(pd_pack_rule_info(p, info, 4), 2);
	assert_string_equal(info[0].id, "base/first");
	assert_string_equal(info[0].file, "policy/base/a.yaml");
	assert_string_equal(info[1].id, "base/second");
	assert_string_equal(info[1].file, "policy/base/b.yaml");
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

static void test_inheritance(void **state)
{
	char *dir = good_dir();
	struct pd_policy *pol = load_ok(dir);
	assert_int_equal(pd_policy_pack_count(pol), 2);
	const struct pd_pack *base = pack_named(pol, "base");
	const struct pd_pack *child = pack_named(pol, "child");
	assert_string_equal(pd_pack_extends(child), "base");
	assert_int_equal(pd_pack_rule_count(base), 3);

	/* adult inherited as is; basics replaced in place; old-rule dropped; extra appended. */
	struct pd_rule_info info[8];
	assert_int_equal(pd_pack_rule_info(child, info, 8), 3);
	assert_string_equal(info[0].id, "base/adult");
	assert_string_equal(info[0].layer, "base");
	assert_null(info[0].replaces);
	assert_string_equal(info[0].file, "policy/base/rules.yaml");

	assert_string_equal(info[1].id, "child/basics");
	assert_string_equal(info[1].layer, "child");
	assert_string_equal(info[1].replaces, "base");
	assert_string_equal(info[1].source, "T2 2");
	assert_string_equal(info[1].file, "policy/child/rules.yaml");
	assert_int_equal(info[1].line, 6);

	assert_string_equal(info[2].id, "child/extra");
	assert_string_equal(info[2].layer, "child");
	assert_null(info[2].replaces);
	/* an inherited source prefix (T1) is accepted in the child */
	assert_string_equal(info[2].source, "T1 4");

	/* The parent is untouched by its child. */
	assert_int_equal(pd_pack_rule_info(base, info, 8), 3);
	assert_string_equal(info[1].id, "base/basics");
	assert_null(info[1].replaces);
	assert_string_equal(info[2].id, "base/old-rule");

	/* The child's version hangs on the parent's too, and differs from it. */
	assert_string_not_equal(pd_pack_version(base), pd_pack_version(child));
	pd_policy_free(pol);

	/* A grandchild inherits through two layers and may replace the child's replacement. */
	put(dir, "grand/pack.yaml",
	    "id: grand\n"
	    "title: {en: Grand, zh: 孙}\n"
	    "extends: child\n"
	    "effective: {from: 2022-01-01}\n"
	    "drop: [adult]\n");
	put(dir, "grand/rules.yaml",
	    "- id: basics\n"
	    "  require: [letter]\n"
	    "  source: \"T2 9\"\n"
	    "  en: Only the letter.\n"
	    "  zh: 仅信函。\n");
	pol = load_ok(dir);
	const struct pd_pack *grand = pack_named(pol, "grand");
	/* no jurisdiction: the pack's id */
	assert_string_equal(pd_pack_jurisdiction(grand), "grand");
	assert_int_equal(pd_pack_rule_info(grand, info, 8), 2);
	assert_string_equal(info[0].id, "grand/basics");
	assert_string_equal(info[0].replaces, "child");
	assert_string_equal(info[1].id, "child/extra");
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* Loads dir expecting success; returns the warnings as "file:line:column: message"
 * joined by newlines (at most size bytes). */
static struct pd_policy *load_warnings(const char *dir, char *out, size_t size)
{
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(dir, &pol, &diags, &err), 0);
	size_t len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < diags.count && len < size; i++) {
		const struct pd_error *e = &diags.items[i];
		len += (size_t)snprintf(out + len, size - len, "%s%s:%d:%d: %s", len ? "\n" : "",
		                        e->file, e->line, e->column, e->message);
	}
	pd_diags_free(&diags);
	return pol;
}

/* What a pack does to its parent's rules, and a replacement that changes
 * nothing: the same condition and effects (however written) and the same source
 * is a warning at its place; with its own source it restates the parent's rule. */
static void test_overlay(void **state)
{
	char *dir = good_dir();
	struct pd_policy *pol = load_ok(dir);
	struct pd_overlay_entry e[4];
	const struct pd_pack *child = pack_named(pol, "child");
	assert_int_equal(pd_pack_overlay(pack_named(pol, "base"), e, 4), 0);
	assert_int_equal(pd_pack_overlay(child, e, 4), 3);
	assert_int_equal(e[0].kind, PD_OVERLAY_IN_FORCE);
	assert_string_equal(e[0].parent_rule, "base/adult");
	assert_null(e[0].rule);
	assert_int_equal(e[1].kind, PD_OVERLAY_REPLACED);
	assert_string_equal(e[1].parent_rule, "base/basics");
	assert_string_equal(e[1].rule, "child/basics");
	assert_string_equal(e[1].file, "policy/child/rules.yaml");
	assert_int_equal(e[1].line, 6);
	assert_false(e[1].restates);
	assert_int_equal(e[2].kind, PD_OVERLAY_DROPPED);
	assert_string_equal(e[2].parent_rule, "base/old-rule");
	pd_policy_free(pol);

#define ADULT_TAIL "    source: \"T1 1\"\n    en: A.\n    zh: 甲。\n"
	static const struct {
		const char *rule; /* the child's replacement of base/adult */
		const char *warning;
		bool restates;
	} cases[] = {
	    /* written otherwise, the same rule, the same source: a warning */
	    {"  - id: adult\n"
	     "    when: \"applicant.age>=18\"\n"
	     "    check: (applicant.good_record)\n"
	     "    source: \"T1 1\"\n"
	     "    en: Grown-ups need a clean record.\n"
	     "    zh: 成年人须记录良好。\n",
	     "policy/child/more.yaml:2:5: child/adult replaces base/adult and changes nothing "
	     "(the same condition, effects and source): drop the replacement, or change what "
	     "differs in this pack",
	     true},
	    /* the same decision on the child's own clause: listed, no warning */
	    {"  - id: adult\n"
	     "    when: applicant.age >= 18\n"
	     "    check: applicant.good_record\n"
	     "    source: \"T2 7\"\n"
	     "    en: Adults need a good record.\n"
	     "    zh: 成年人须记录良好。\n",
	     "", true},
	    /* another age, another check, a notice: each a change */
	    {"  - id: adult\n"
	     "    when: applicant.age >= 19\n"
	     "    check: applicant.good_record\n" ADULT_TAIL,
	     "", false},
	    {"  - id: adult\n"
	     "    when: applicant.age >= 18\n"
	     "    check: applicant.good_record and applicant.first_entry\n" ADULT_TAIL,
	     "", false},
	    {"  - id: adult\n"
	     "    when: applicant.age >= 18\n"
	     "    check: applicant.good_record\n"
	     "    notice: {id: adult_notice, en: Note., zh: 注意。}\n" ADULT_TAIL,
	     "", false},
	};
#undef ADULT_TAIL
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[600], got[1200];
		snprintf(text, sizeof(text), "rules:\n%s", cases[i].rule);
		put(dir, "child/more.yaml", text);
		pol = load_warnings(dir, got, sizeof(got));
		if (strcmp(got, cases[i].warning) != 0)
			fail_msg("case %zu: warnings\n%s\nexpected\n%s", i, got, cases[i].warning);
		assert_int_equal(pd_pack_overlay(pack_named(pol, "child"), e, 4), 3);
		assert_int_equal(e[0].kind, PD_OVERLAY_REPLACED);
		assert_string_equal(e[0].rule, "child/adult");
		assert_int_equal(e[0].restates, cases[i].restates);
		pd_policy_free(pol);
	}
	drop_policy_dir(dir);
}

/* Conflicts are inherited and each says which layer recorded it. */
static void test_conflicts_inherited(void **state)
{
	char *dir = good_dir();
	put(dir, "base/conflicts.yaml",
	    "conflicts:\n"
	    "  - id: kinship\n"
	    "    topic: {en: Kinship, zh: 亲属}\n"
	    "    sources: \"000, 001\"\n"
	    "    choice: {en: The city text., zh: 城市文件。}\n");
	put(dir, "child/conflicts.yaml",
	    "conflicts:\n"
	    "  - id: time\n"
	    "    topic: {en: Time, zh: 时间}\n"
	    "    sources: \"001, 002\"\n"
	    "    choice: {en: Ten days., zh: 十日。}\n");
	struct pd_policy *pol = load_ok(dir);
	struct pd_conflict_info c[4];
	const struct pd_pack *child = pack_named(pol, "child");
	assert_int_equal(pd_pack_conflicts(child, c, 4), 2);
	assert_string_equal(c[0].id, "kinship");
	assert_string_equal(c[0].layer, "base");
	assert_string_equal(c[0].topic_zh, "亲属");
	assert_string_equal(c[0].sources, "000, 001");
	assert_string_equal(c[1].id, "time");
	assert_string_equal(c[1].layer, "child");
	assert_string_equal(c[1].choice_en, "Ten days.");
	assert_int_equal(pd_pack_conflicts(pack_named(pol, "base"), c, 4), 1);
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* ---- choosing the pack in force -------------------------------------------------------------- */

static const struct file dated_files[] = {
    {"old-a/pack.yaml", "id: old-a\njurisdiction: old\ntitle: {en: Old A, zh: 旧甲}\n"
                        "effective: {from: 2004-04-06, to: 2013-08-31}\n"},
    {"old-b/pack.yaml", "id: old-b\njurisdiction: old\ntitle: {en: Old B, zh: 旧乙}\n"
                        "effective: {from: 2013-09-01}\n"},
    {"city/pack.yaml", "id: city\njurisdiction: city\ntitle: {en: City, zh: 市}\n"
                       "effective: {from: 2024-01-18}\n"
                       "sources: [{id: \"001\", title: City text}]\n"
                       "before:\n  decided_by: old\n  source: \"001 preamble\"\n"
                       "  en: Earlier cases are decided by the old rules.\n"
                       "  zh: 此前的案件按旧规则决定。\n"},
};

static void test_select(void **state)
{
	char *dir = good_dir();
	put_all(dir, dated_files, 3);
	struct pd_policy *pol = load_ok(dir);
	assert_int_equal(pd_policy_pack_count(pol), 5);

	static const struct {
		const char *jurisdiction, *date, *pack;
	} rows[] = {
	    {"old", "2004-04-06", "old-a"},
	    {"old", "2013-08-31", "old-a"},
	    {"old", "2013-09-01", "old-b"},
	    {"old", "2026-03-02", "old-b"},
	    {"base", "2020-01-01", "base"},
	    {"child", "2021-01-01", "child"},
	    {"child", "2099-12-31", "child"},
	    {"city", "2024-01-18", "city"},
	    /* before the city's text: the old jurisdiction's pack of that day */
	    {"city", "2024-01-17", "old-b"},
	    {"city", "2010-05-01", "old-a"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct pd_pack *p = NULL, *via = NULL;
		struct pd_error err;
		pd_error_clear(&err);
		int rc = pd_policy_select(pol, rows[i].jurisdiction, strlen(rows[i].jurisdiction),
		                          D(rows[i].date), &p, &via, &err);
		if (rc != 0)
			fail_msg("%s on %s: %s", rows[i].jurisdiction, rows[i].date, err.message);
		assert_string_equal(pd_pack_id(p), rows[i].pack);
		bool sent =
		    strcmp(rows[i].jurisdiction, "city") == 0 && strcmp(rows[i].pack, "city");
		if (sent)
			assert_string_equal(pd_pack_id(via), "city");
		else
			assert_null(via);
	}

	/* Only `len` bytes of the jurisdiction count. */
	const struct pd_pack *p = NULL, *via = NULL;
	struct pd_error err;
	assert_int_equal(pd_policy_select(pol, "childish", 5, D("2021-01-01"), &p, &via, &err), 0);
	assert_string_equal(pd_pack_id(p), "child");

	/* A date no version covers: the message lists what is covered. */
	static const struct {
		const char *jurisdiction, *date, *msg;
	} bad[] = {
	    {"old", "2004-04-05",
	     "no old policy is in force on 2004-04-05; covered: 2004-04-06 to 2013-08-31 "
	     "(old-a), from 2013-09-01 (old-b)"},
	    {"child", "2020-12-31",
	     "no child policy is in force on 2020-12-31; covered: from 2021-01-01 (child)"},
	    {"city", "2004-04-05",
	     "no city policy is in force on 2004-04-05; covered: from 2024-01-18 (city); earlier "
	     "city cases by old: 2004-04-06 to 2013-08-31 (old-a), from 2013-09-01 (old-b)"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pd_error_clear(&err);
		p = NULL;
		assert_int_equal(pd_policy_select(pol, bad[i].jurisdiction,
		                                  strlen(bad[i].jurisdiction), D(bad[i].date), &p,
		                                  &via, &err),
		                 PD_FAIL(PD_EINPUT));
		assert_int_equal(err.code, PD_EINPUT);
		assert_string_equal(err.path, "date");
		assert_string_equal(err.message, bad[i].msg);
	}

	/* An unknown jurisdiction: the message lists the known ones, each once. */
	pd_error_clear(&err);
	assert_int_equal(pd_policy_select(pol, "mars", 4, D("2026-03-02"), &p, &via, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(err.path, "jurisdiction");
	assert_string_equal(err.message,
	                    "unknown jurisdiction \"mars\"; known: base, child, city, old");
	pd_error_clear(&err);
	assert_int_equal(pd_policy_select(pol, "", 0, D("2026-03-02"), &p, &via, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(err.message,
	                    "unknown jurisdiction \"\"; known: base, child, city, old");
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* ---- broken packs ---------------------------------------------------------------------------- */

struct broken {
	const char *name;
	struct file files[3]; /* written over the good packs */
	const char *want;     /* file:line:column: message (file: message when no line) */
};

#define ALT_MATERIALS(options)                                                                     \
	"materials:\n"                                                                             \
	"  - {id: passport, en: Passport, zh: 护照}\n"                                           \
	"  - {id: photo, en: Photo, zh: 照片}\n"                                                 \
	"  - {id: lease, en: Lease, zh: 租赁合同}\n"                                           \
	"  - id: home\n"                                                                           \
	"    en: Lease or deed\n"                                                                  \
	"    zh: 租赁合同或房产证\n"                                                       \
	"    options: " options "\n"

/* The child pack with a `before` line to complete. */
#define CHILD_BEFORE                                                                               \
	"id: child\ntitle: {en: Child pack, zh: 子规则包}\nextends: base\n"                    \
	"effective: {from: 2021-01-01}\nsources: [{id: T2}]\ndrop: [old-rule]\nbefore: "           \
	"{decided_by: "

static const struct broken broken[] = {
    {"option not a material",
     {{"base/materials.yaml", ALT_MATERIALS("[lease, deed]")}},
     "policy/base/materials.yaml:8:22: material home: option deed is not a material of the pack"},
    {"option is the material itself",
     {{"base/materials.yaml", ALT_MATERIALS("[lease, home]")}},
     "policy/base/materials.yaml:8:22: material home: option home is the material itself"},
    {"option listed twice",
     {{"base/materials.yaml", ALT_MATERIALS("[lease, lease]")}},
     "policy/base/materials.yaml:8:22: material home: option lease is listed twice"},
    {"one option",
     {{"base/materials.yaml", ALT_MATERIALS("[lease]")}},
     "policy/base/materials.yaml:8:15: options: expected a list of 2 to 255 material ids"},
    {"nested alternative",
     {{"base/materials.yaml", ALT_MATERIALS("[lease, photo]\n"
                                            "  - {id: either, en: E, zh: 任一, options: [home, "
                                            "passport]}")}},
     "policy/base/materials.yaml:9:43: material either: option home has options of its own "
     "(write its options here instead)"},
    {"require options of a plain material",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    require: {material: photo, options: {lease: {valid_for: 6m}}}\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:42: require options: photo has no options"},
    {"duplicate rule id",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"
                          "  - id: adult\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:6:5: duplicate rule id adult (first at policy/base/rules.yaml:2)"},
    {"missing en",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\"\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:2:5: rule adult: missing en text"},
    {"missing zh",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"}},
     "policy/base/rules.yaml:2:5: rule adult: missing zh text"},
    {"empty en",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\"\n"
                          "    en: \"\"\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:4:10: en: expected a text"},
    {"missing source",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:2:5: rule adult: missing source"},
    {"source not declared",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"X9 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:14: source \"X9 1\" does not start with a source the pack "
     "declares in pack.yaml"},
    {"source that only starts like a declared one",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: T10 1\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:13: source \"T10 1\" does not start with a source the pack "
     "declares in pack.yaml"},
    {"unknown material in require",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    require: [passport, pasport]\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:25: unknown material \"pasport\""},
    {"unknown material in a require mapping",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    require: {material: fotos, max_age: 6m}\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:25: unknown material \"fotos\""},
    {"unknown material in provided()",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    when: not provided(\"pasport\")\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:24: unknown material \"pasport\" in `not "
     "provided(\"pasport\")`"},
    {"unknown material in provided(), quoted scalar",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    when: 'provided(\"pasport\")'\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:21: unknown material \"pasport\" in `provided(\"pasport\")`"},
    {"unknown key in a rule",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    requires: [passport]\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:5: unknown key `requires` in a rule (known: id, when, check, "
     "deny, require, limit, fee, deposit, processing, receipt, apply_by, rest_day, agent, invalid, "
     "notice, "
     "source, en, zh, note, table, first)"},
    {"rest_day without apply_by",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    rest_day: earlier\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:2:5: rest_day without apply_by"},
    {"rest_day neither earlier nor later",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    apply_by: date + 7d\n"
                          "    rest_day: sooner\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:4:15: rest_day: expected earlier or later"},
    {"unknown key in pack.yaml",
     {{"base/pack.yaml", "id: base\n"
                         "title: {en: Base pack, zh: 基础规则包}\n"
                         "sources: [{id: T1}]\n"
                         "extend: nothing\n"}},
     "policy/base/pack.yaml:4:1: unknown key in pack.yaml (known: id, jurisdiction, title, "
     "extends, effective, before, sources, drop, note)"},
    {"a number as a condition",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    when: applicant.age + 1\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:11: when: expected a yes/no condition, the expression gives "
     "a number"},
    {"a bare number as a condition",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    when: 18\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:11: when: expected a yes/no condition, the expression gives "
     "a number"},
    {"an expression error in when",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    when: applicant.age = 18\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:25: `=` is not an operator: write `==` in `applicant.age = "
     "18`"},
    {"a bad duration in require",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: basics\n"
                          "    require: {material: photo, max_age: 6 months}\n"
                          "    source: \"T1 2\"\n"
                          "    en: Two.\n"
                          "    zh: 二。\n"}},
     "policy/base/rules.yaml:3:41: expected a duration such as 30d, 2w, 6m or 1y"},
    {"a bad duration in a material",
     {{"base/materials.yaml", "materials:\n"
                              "  - id: passport\n"
                              "    en: Passport\n"
                              "    zh: 护照\n"
                              "    max_age: 6M\n"
                              "  - id: photo\n"
                              "    en: Photo\n"
                              "    zh: 照片\n"}},
     "policy/base/materials.yaml:5:14: expected a duration such as 30d, 2w, 6m or 1y"},
    {"drop of an unknown rule",
     {{"child/pack.yaml", "id: child\n"
                          "title: {en: Child pack, zh: 子规则包}\n"
                          "extends: base\n"
                          "effective: {from: 2021-01-01}\n"
                          "sources: [{id: T2}]\n"
                          "drop: [old-rule, no-such-rule]\n"}},
     "policy/child/pack.yaml:6:18: drop: child inherits no rule no-such-rule"},
    {"extends an unknown pack",
     {{"child/pack.yaml", "id: child\n"
                          "title: {en: Child pack, zh: 子规则包}\n"
                          "extends: bsae\n"
                          "effective: {from: 2021-01-01}\n"
                          "sources: [{id: T2}]\n"}},
     "policy/child/pack.yaml:3:10: extends: no pack named bsae"},
    {"before: decided by an unknown jurisdiction",
     {{"child/pack.yaml", CHILD_BEFORE "mars, source: T2 1, en: Earlier., zh: 此前。}\n"}},
     "policy/child/pack.yaml:7:22: before: decided_by must name another jurisdiction that "
     "has a pack"},
    {"before: a source not declared",
     {{"child/pack.yaml", CHILD_BEFORE "base, source: X9 1, en: Earlier., zh: 此前。}\n"}},
     "policy/child/pack.yaml:7:36: before: source must be a citation starting with a source "
     "the pack declares"},
    {"an extends cycle",
     {{"base/pack.yaml", "id: base\n"
                         "title: {en: Base pack, zh: 基础规则包}\n"
                         "extends: child\n"
                         "sources: [{id: T1}]\n"}},
     "policy/base/pack.yaml:1:1: pack base extends itself through a cycle"},
    {"YAML syntax error",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\n"}},
     "policy/base/rules.yaml:4:15: YAML: double-quoted scalar without closing quote"},
    {"invalid UTF-8",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    source: \"T1 1\"\n"
                          "    en: Caf\xe9.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:4:12: invalid UTF-8"},
    {"invalid UTF-8 after Chinese text",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    zh: 成年\xe4\xba.\n"}},
     "policy/base/rules.yaml:3:11: invalid UTF-8"},
    {"two packs of one jurisdiction overlapping",
     {{"old-a/pack.yaml", "id: old-a\njurisdiction: old\ntitle: {en: A, zh: 甲}\n"
                          "effective: {from: 2004-04-06, to: 2013-09-01}\n"},
      {"old-b/pack.yaml", "id: old-b\njurisdiction: old\ntitle: {en: B, zh: 乙}\n"
                          "effective: {from: 2013-09-01}\n"}},
     "policy/old-b/pack.yaml: packs old-b and old-a both decide old on the same days"},
    {"a second open-ended pack of one jurisdiction",
     {{"other/pack.yaml", "id: other\njurisdiction: base\ntitle: {en: O, zh: 他}\n"}},
     "policy/other/pack.yaml: packs other and base both decide base on the same days"},
    {"a table keyed on a word with an unknown row key",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: by-type\n"
                          "    en: By type.\n"
                          "    zh: 按种类。\n"
                          "    table:\n"
                          "      key: application.visa_type\n"
                          "      rows:\n"
                          "        Q2: {limit: {max_days: 180}, source: \"T1 1\"}\n"
                          "        Q3: {limit: {max_days: 90}, source: \"T1 2\"}\n"}},
     "policy/base/rules.yaml:9:9: \"Q3\" is not a value of application.visa_type"},
    {"a table row without a source when the rule has none",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: by-type\n"
                          "    en: By type.\n"
                          "    zh: 按种类。\n"
                          "    table:\n"
                          "      key: application.visa_type\n"
                          "      rows:\n"
                          "        Q2: {limit: {max_days: 180}}\n"}},
     "policy/base/rules.yaml:8:14: row base/by-type[Q2]: missing source"},
    {"a table keyed on an unknown fact",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: by-type\n"
                          "    source: \"T1 1\"\n"
                          "    en: By type.\n"
                          "    zh: 按种类。\n"
                          "    table:\n"
                          "      key: application.visa\n"
                          "      rows: {}\n"}},
     "policy/base/rules.yaml:7:12: table key: unknown fact `application.visa`"},
    {"an unknown effect value",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: adult\n"
                          "    agent: sometimes\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:12: agent: expected allow, in_person or in_person_always"},
    {"dated values out of order",
     {{"base/rules.yaml",
       "rules:\n"
       "  - id: fee\n"
       "    fee: {cny: [{from: 2020-01-01, value: 100}, {from: 2019-01-01, value: 200}]}\n"
       "    source: \"T1 1\"\n"
       "    en: One.\n"
       "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:56: fee.cny: dated values must be in rising order of from"},
    {"a dated value without its value",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: cap\n"
                          "    limit: {max_days: [{from: 2020-01-01, valeu: 1y}]}\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:43: limit.max_days: unknown key in a dated value (known: "
     "from, value, note)"},
    {"a first dated value after the pack's first day",
     {{"child/rules.yaml", "rules:\n"
                           "  - id: fee\n"
                           "    fee: {cny: [{from: 2022-01-01, value: 100}]}\n"
                           "    source: \"T2 1\"\n"
                           "    en: One.\n"
                           "    zh: 一。\n"}},
     "policy/child/rules.yaml:3:24: fee.cny: the first value is in force from a day after "
     "the pack's first day (2021-01-01): a case between would have none"},
    {"per_person not a flag",
     {{"base/rules.yaml", "rules:\n"
                          "  - id: fee\n"
                          "    fee: {cny: 5, per_person: maybe}\n"
                          "    source: \"T1 1\"\n"
                          "    en: One.\n"
                          "    zh: 一。\n"}},
     "policy/base/rules.yaml:3:31: expected true or false"},
    {"pack id differs from its folder",
     {{"base/pack.yaml", "id: basis\n"
                         "title: {en: Base pack, zh: 基础规则包}\n"
                         "sources: [{id: T1}]\n"}},
     "policy/base/pack.yaml:1:1: pack id basis differs from its folder name base"},
};

/* Formats a diagnostic the way `policy lint` prints it. */
static void diag_text(const struct pd_error *e, char *buf, size_t size)
{
	if (e->line)
		snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->column, e->message);
	else
		snprintf(buf, size, "%s: %s", e->file, e->message);
}

static void test_broken_packs(void **state)
{
	int failures = 0;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		const struct broken *b = &broken[i];
		char *dir = good_dir();
		put_all(dir, b->files, 3);
		struct pd_policy *pol = NULL;
		struct pd_diags diags = {0};
		struct pd_error err;
		pd_error_clear(&err);
		int rc = pd_policy_load(dir, &pol, &diags, &err);
		char got[1200] = "";
		bool found = false;
		size_t errors = 0;
		for (size_t k = 0; k < diags.count; k++) {
			if (!diags.items[k].code)
				continue;
			errors++;
			diag_text(&diags.items[k], got, sizeof(got));
			if (strcmp(got, b->want) == 0)
				found = true;
		}
		if (rc != PD_FAIL(PD_EPOLICY) || pol || !found) {
			print_error("%s: rc %d, %zu errors:\n", b->name, rc, errors);
			for (size_t k = 0; k < diags.count; k++) {
				diag_text(&diags.items[k], got, sizeof(got));
				print_error("  %s\n", got);
			}
			print_error("  expected %s\n", b->want);
			pd_diags_free(&diags);
			pd_policy_free(pol);
			drop_policy_dir(dir);
			failures++;
			continue;
		}
		/* err is the first problem, the same as the first diagnostic. */
		assert_int_equal(err.code, PD_EPOLICY);
		size_t first = 0;
		while (!diags.items[first].code)
			first++;
		char a[1200], c[1200];
		diag_text(&err, a, sizeof(a));
		diag_text(&diags.items[first], c, sizeof(c));
		assert_string_equal(a, c);
		pd_diags_free(&diags);
		drop_policy_dir(dir);
	}
	assert_int_equal(failures, 0);
}

/* Every problem of every file comes out of one load, in file order. */
static void test_all_problems_at_once(void **state)
{
	char *dir = good_dir();
	put(dir, "base/rules.yaml",
	    "rules:\n"
	    "  - id: one\n"
	    "    when: applicant.agee > 1\n"
	    "    source: \"T1 1\"\n"
	    "    en: One.\n"
	    "    zh: 一。\n"
	    "  - id: two\n"
	    "    require: [nothing]\n"
	    "    en: Two.\n"
	    "    zh: 二。\n"
	    "  - id: three\n"
	    "    when: application.visa_type == \"Q9\"\n"
	    "    colour: red\n"
	    "    source: \"T1 3\"\n"
	    "    en: Three.\n"
	    "  - id: old-rule\n"
	    "    source: \"T1 9\"\n"
	    "    en: Old.\n"
	    "    zh: 旧。\n");
	put(dir, "child/rules.yaml",
	    "- id: four\n"
	    "  processing: soon\n"
	    "  source: \"Z 1\"\n"
	    "  en: Four.\n"
	    "  zh: 四。\n");
	put(dir, "child/zz.yaml", "- id: five\n  en: \xff\n");
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(dir, &pol, &diags, &err), PD_FAIL(PD_EPOLICY));
	assert_null(pol);
	static const char *const want[] = {
	    "policy/child/zz.yaml:2:7: invalid UTF-8",
	    "policy/base/rules.yaml:3:11: unknown fact `applicant.agee` in `applicant.agee > 1`",
	    "policy/base/rules.yaml:8:15: unknown material \"nothing\"",
	    "policy/base/rules.yaml:7:5: rule two: missing source",
	    "policy/base/rules.yaml:12:36: \"Q9\" is not one of: C, F, G, J2, L, M, Q2, R, S2, "
	    "X2 in `application.visa_type == \"Q9\"`",
	    "policy/base/rules.yaml:13:5: unknown key `colour` in a rule (known: id, when, check, "
	    "deny, require, limit, fee, deposit, processing, receipt, apply_by, rest_day, agent, "
	    "invalid, "
	    "notice, "
	    "source, en, zh, note, table, first)",
	    "policy/base/rules.yaml:11:5: rule three: missing zh text",
	    "policy/child/rules.yaml:2:15: processing: expected a number of working days",
	    "policy/child/rules.yaml:3:12: source \"Z 1\" does not start with a source the pack "
	    "declares in pack.yaml",
	};
	size_t n_want = sizeof(want) / sizeof(want[0]);
	char got[1200];
	bool ok = diags.count == n_want;
	for (size_t k = 0; ok && k < n_want; k++) {
		diag_text(&diags.items[k], got, sizeof(got));
		ok = strcmp(got, want[k]) == 0 && diags.items[k].code == PD_EPOLICY;
	}
	if (!ok) {
		for (size_t k = 0; k < diags.count; k++) {
			diag_text(&diags.items[k], got, sizeof(got));
			print_error("  got  %s\n", got);
		}
		for (size_t k = 0; k < n_want; k++)
			print_error("  want %s\n", want[k]);
		pd_diags_free(&diags);
		drop_policy_dir(dir);
		fail_msg("the diagnostics differ");
	}
	pd_diags_free(&diags);

	/* Without diags the load fails the same way and err is the first problem. */
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(dir, &pol, NULL, &err), PD_FAIL(PD_EPOLICY));
	diag_text(&err, got, sizeof(got));
	assert_string_equal(got, want[0]);
	drop_policy_dir(dir);
}

static void test_missing_dir_and_calendar(void **state)
{
	struct pd_policy *pol = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load("/nonexistent/pd-policy", &pol, NULL, &err),
	                 PD_FAIL(PD_ECONFIG));
	assert_null(pol);
	assert_string_equal(err.file, "/nonexistent/pd-policy");
	assert_string_equal(err.message, "policy directory not found");

	/* A directory without packs. */
	char *dir = new_policy_dir();
	struct pd_diags diags = {0};
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(dir, &pol, &diags, &err), PD_FAIL(PD_EPOLICY));
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message, "no packs (folders with pack.yaml)");
	pd_diags_free(&diags);

	/* A missing calendar is a policy error too. */
	put_all(dir, good_files, sizeof(good_files) / sizeof(good_files[0]));
	put(dir, "calendar/cn.yaml", NULL);
	pd_error_clear(&err);
	assert_int_equal(pd_policy_load(dir, &pol, &diags, &err), PD_FAIL(PD_EPOLICY));
	assert_null(pol);
	assert_true(diags.count >= 1);
	assert_int_equal(err.code, PD_EPOLICY);
	assert_non_null(strstr(err.file, "calendar/cn.yaml"));
	pd_diags_free(&diags);
	drop_policy_dir(dir);
}

/* ---- the version follows the files ----------------------------------------------------------- */

static void versions(const char *dir, char base[17], char child[17])
{
	struct pd_policy *pol = load_ok(dir);
	snprintf(base, 17, "%s", pd_pack_version(pack_named(pol, "base")));
	snprintf(child, 17, "%s", pd_pack_version(pack_named(pol, "child")));
	pd_policy_free(pol);
}

static void test_version(void **state)
{
	char *dir = good_dir();
	char b0[17], c0[17], b1[17], c1[17];
	versions(dir, b0, c0);

	/* Loading again gives the same versions. */
	versions(dir, b1, c1);
	assert_string_equal(b0, b1);
	assert_string_equal(c0, c1);

	/* One character of a child's rule file: only the child changes. */
	char changed[sizeof(child_rules)];
	memcpy(changed, child_rules, sizeof(child_rules));
	char *p = strstr(changed, "Extra.");
	assert_non_null(p);
	p[0] = 'e';
	put(dir, "child/rules.yaml", changed);
	versions(dir, b1, c1);
	assert_string_equal(b0, b1);
	assert_string_not_equal(c0, c1);

	/* Back as it was: back to the same version. */
	put(dir, "child/rules.yaml", child_rules);
	versions(dir, b1, c1);
	assert_string_equal(c0, c1);

	/* A comment in the parent changes the parent and, through it, the child. */
	char with_comment[sizeof(base_materials) + 32];
	snprintf(with_comment, sizeof(with_comment), "# reviewed\n%s", base_materials);
	put(dir, "base/materials.yaml", with_comment);
	versions(dir, b1, c1);
	assert_string_not_equal(b0, b1);
	assert_string_not_equal(c0, c1);
	put(dir, "base/materials.yaml", base_materials);

	/* pack.yaml counts too, and so does a file's name. */
	char pack2[sizeof(child_pack) + 32];
	snprintf(pack2, sizeof(pack2), "%snote: reviewed\n", child_pack);
	put(dir, "child/pack.yaml", pack2);
	versions(dir, b1, c1);
	assert_string_not_equal(c0, c1);
	put(dir, "child/pack.yaml", child_pack);
	put(dir, "child/rules.yaml", NULL);
	put(dir, "child/rules2.yaml", child_rules);
	versions(dir, b1, c1);
	assert_string_equal(b0, b1);
	assert_string_not_equal(c0, c1);
	drop_policy_dir(dir);
}

/* The real policy loads clean. */
static void test_real_policy(void **state)
{
	struct pd_policy *pol = load_ok(PD_TEST_POLICY_DIR);
	const struct pd_pack *p = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	const struct pd_pack *via = NULL;
	assert_int_equal(pd_policy_select(pol, "zhejiang", 8, D("2026-09-28"), &p, &via, &err), 0);
	assert_string_equal(pd_pack_id(p), "zhejiang");
	assert_string_equal(pd_pack_extends(p), "national");
	assert_true(pd_pack_rule_count(p) > 10);
	pd_policy_free(pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal_pack),
	    cmocka_unit_test(test_bare_list_and_file_order),
	    cmocka_unit_test(test_inheritance),
	    cmocka_unit_test(test_overlay),
	    cmocka_unit_test(test_conflicts_inherited),
	    cmocka_unit_test(test_select),
	    cmocka_unit_test(test_broken_packs),
	    cmocka_unit_test(test_all_problems_at_once),
	    cmocka_unit_test(test_missing_dir_and_calendar),
	    cmocka_unit_test(test_version),
	    cmocka_unit_test(test_real_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
