/*
 * test_engine.c: evaluating cases (engine.h, engine/eval.c) against small
 * purpose-built packs written into a temporary directory.
 *
 * Each test states one rule of the engine's semantics as eval.c's header and
 * docs/policy-language.md give them, and checks it on hand-built cases:
 * verdict precedence (ineligible > unknown > incomplete > eligible); one
 * finding per applicable rule, with its outcome; materials (missing, expired
 * by max_age or by the document's expiry, the notarization, legalization and
 * translation a foreign document needs, the best of several documents of one
 * type, requirements merged by id: unconditional beats conditional, the
 * strictest max_age wins); materials that hang on unknown facts; limits as
 * the minimum of every cap; fee, deposit, processing and receipt taken from
 * the last rule that applies; apply_by as the minimum; keyed and first-match
 * tables; representation (in_person_always > allow > in_person); notices once
 * per id; dates in working days on the official calendar, provisional past
 * the years it covers; an unknown material in documents[].
 *
 * Every evaluation runs in a fresh arena that is freed after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/engine.h"
#include "permitdesk/policy.h"
#include "policy_fixture.h"

static pd_date D(const char *s)
{
	pd_date d = PD_DATE_NONE;
	if (pd_date_parse(s, strlen(s), &d) != 0)
		fail_msg("bad date in test: %s", s);
	return d;
}

/* ---- a pack "eng" with the test's rules ------------------------------------------------------ */

static const char eng_pack[] = "id: eng\n"
                               "title: {en: Engine test pack, zh: 引擎测试规则包}\n"
                               "effective: {from: 2020-01-01}\n"
                               "sources:\n"
                               "  - id: \"T\"\n";

static const char eng_materials[] =
    "materials:\n"
    "  - {id: passport, en: Passport, zh: 护照}\n"
    "  - {id: photo, en: Photo, zh: 照片, max_age: 6m}\n"
    "  - id: kinship_proof\n"
    "    en: Kinship proof\n"
    "    zh: 亲属关系证明\n"
    "    foreign: {notarized: true, legalized: true, translated: true}\n"
    "  - id: birth_certificate\n"
    "    en: Birth certificate\n"
    "    zh: 出生证明\n"
    "    foreign: {notarized: false, legalized: true, translated: true}\n"
    "  - {id: letter, en: Letter, zh: 信函}\n"
    "  - {id: health_certificate, en: Health certificate, zh: 健康证明}\n"
    "  - {id: lease, en: Lease, zh: 租赁合同}\n"
    "  - {id: deed, en: Deed, zh: 房产证, max_age: 1y}\n"
    "  - {id: home, en: Lease or deed, zh: 租赁合同或房产证, options: [lease, deed]}\n";

struct fixture {
	char *dir;
	struct pd_policy *pol;
};

static struct fixture *fx; /* the current test's pack, freed by its teardown */

/* Writes the pack with `rules` as its rule file and loads it. */
static const struct pd_policy *pack(const char *rules)
{
	if (fx) {
		pd_policy_free(fx->pol);
		drop_policy_dir(fx->dir);
		free(fx);
	}
	fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	fx->dir = new_policy_dir();
	put(fx->dir, "eng/pack.yaml", eng_pack);
	put(fx->dir, "eng/materials.yaml", eng_materials);
	put(fx->dir, "eng/rules.yaml", rules);
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	if (pd_policy_load(fx->dir, &fx->pol, &diags, &err) != 0) {
		char msg[1024];
		for (size_t i = 0; i < diags.count; i++) {
			pd_error_format(&diags.items[i], msg, sizeof(msg));
			print_error("  %s\n", msg);
		}
		pd_diags_free(&diags);
		fail_msg("the test pack does not load");
	}
	pd_diags_free(&diags);
	return fx->pol;
}

static int teardown(void **state)
{
	if (fx) {
		pd_policy_free(fx->pol);
		drop_policy_dir(fx->dir);
		free(fx);
		fx = NULL;
	}
	return 0;
}

/* ---- cases and results ----------------------------------------------------------------------- */

static void new_case(struct pd_case *c, const char *date)
{
	pd_case_init(c);
	pd_case_set_str(c, PD_F_JURISDICTION, "eng");
	pd_case_set_date(c, PD_F_DATE, D(date));
}

static void set_enum(struct pd_case *c, enum pd_fact_id f, const char *word)
{
	if (pd_case_set_enum(c, f, word) != 0)
		fail_msg("%s is not a word of %s", word, pd_facts[f].path);
}

static struct pd_document doc(const char *type)
{
	return (struct pd_document){.type = type,
	                            .issued = PD_DATE_NONE,
	                            .expires = PD_DATE_NONE,
	                            .foreign = -1,
	                            .notarized = -1,
	                            .legalized = -1,
	                            .translated = -1};
}

/* One evaluation in its own arena. */
struct run {
	struct pd_arena arena;
	struct pd_result *r;
};

static void run_begin(struct run *run)
{
	memset(run, 0, sizeof(*run));
	pd_arena_init(&run->arena, 4096, 0);
}

static const struct pd_result *eval(struct run *run, const struct pd_policy *pol, struct pd_case *c)
{
	pd_case_derive(c);
	struct pd_error err;
	pd_error_clear(&err);
	int rc = pd_evaluate(pol, c, &run->arena, &run->r, &err);
	if (rc != 0) {
		char msg[1024];
		pd_error_format(&err, msg, sizeof(msg));
		fail_msg("evaluation failed: %s", msg);
	}
	assert_non_null(run->r);
	return run->r;
}

static void run_end(struct run *run)
{
	pd_arena_free(&run->arena);
	run->r = NULL;
}

/* "applicant.married sponsor.category": the fact ids, in table order. */
static void assert_questions(const struct pd_result *r, const char *want)
{
	char got[1024] = "";
	size_t n = 0;
	for (size_t i = 0; i < r->n_questions; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? " " : "",
		                      pd_facts[r->questions[i]].path);
	if (strcmp(got, want) != 0)
		fail_msg("questions: expected [%s], got [%s]", want, got);
}

static void factset_text(const struct pd_factset *s, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int i = 0; i < PD_FACT_COUNT; i++)
		if (s->w[i / 64] >> (i % 64) & 1)
			n += (size_t)snprintf(buf + n, size > n ? size - n : 0, "%s%s",
			                      n ? " " : "", pd_facts[i].path);
}

static void assert_factset(const struct pd_factset *s, const char *want, const char *what)
{
	char got[1024];
	factset_text(s, got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("%s: expected [%s], got [%s]", what, want, got);
}

/* "eng/a:pass eng/b:info": every finding, in order. */
static void assert_findings(const struct pd_result *r, const char *want)
{
	char got[2048] = "";
	size_t n = 0;
	for (size_t i = 0; i < r->n_findings; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s:%s", i ? " " : "",
		                      r->findings[i].origin.rule,
		                      pd_outcome_name(r->findings[i].outcome));
	if (strcmp(got, want) != 0)
		fail_msg("findings: expected [%s], got [%s]", want, got);
}

/* "passport:provided photo:expired": every material, in order. */
static void assert_materials(const struct pd_result *r, const char *want)
{
	char got[2048] = "";
	size_t n = 0;
	for (size_t i = 0; i < r->n_materials; i++)
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s:%s", i ? " " : "",
		                      r->materials[i].id, pd_mstatus_name(r->materials[i].status));
	if (strcmp(got, want) != 0)
		fail_msg("materials: expected [%s], got [%s]", want, got);
}

static const struct pd_material *material(const struct pd_result *r, const char *id)
{
	for (size_t i = 0; i < r->n_materials; i++)
		if (strcmp(r->materials[i].id, id) == 0)
			return &r->materials[i];
	fail_msg("material %s not in the result", id);
	return NULL;
}

static const struct pd_finding *finding(const struct pd_result *r, const char *rule)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i].origin.rule, rule) == 0)
			return &r->findings[i];
	fail_msg("no finding of %s", rule);
	return NULL;
}

static void assert_date(pd_date got, const char *want, const char *what)
{
	char g[11] = "none";
	if (got != PD_DATE_NONE)
		pd_date_format(got, g);
	if (strcmp(g, want) != 0)
		fail_msg("%s: expected %s, got %s", what, want, g);
}

/* ---- verdict and findings -------------------------------------------------------------------- */

static const char verdict_rules[] = "rules:\n"
                                    "  - id: good-record\n"
                                    "    check: applicant.good_record\n"
                                    "    source: \"T 1\"\n"
                                    "    en: A good record.\n"
                                    "    zh: 记录良好。\n"
                                    "  - id: married\n"
                                    "    check: applicant.married\n"
                                    "    source: \"T 2\"\n"
                                    "    en: Married.\n"
                                    "    zh: 已婚。\n"
                                    "  - id: papers\n"
                                    "    require: [passport]\n"
                                    "    source: \"T 3\"\n"
                                    "    en: Bring a passport.\n"
                                    "    zh: 携带护照。\n";

static void test_verdict_precedence(void **state)
{
	const struct pd_policy *pol = pack(verdict_rules);
	static const struct {
		char good, married; /* T F U */
		bool passport;
		enum pd_verdict verdict;
		const char *questions;
		const char *findings;
	} rows[] = {
	    {'T', 'T', true, PD_VERDICT_ELIGIBLE, "",
	     "eng/good-record:pass eng/married:pass eng/papers:info"},
	    {'T', 'T', false, PD_VERDICT_INCOMPLETE, "",
	     "eng/good-record:pass eng/married:pass eng/papers:info"},
	    {'T', 'U', true, PD_VERDICT_UNKNOWN, "applicant.married",
	     "eng/good-record:pass eng/married:unknown eng/papers:info"},
	    /* unknown beats incomplete */
	    {'T', 'U', false, PD_VERDICT_UNKNOWN, "applicant.married",
	     "eng/good-record:pass eng/married:unknown eng/papers:info"},
	    /* ineligible beats unknown and incomplete */
	    {'F', 'U', false, PD_VERDICT_INELIGIBLE, "applicant.married",
	     "eng/good-record:fail eng/married:unknown eng/papers:info"},
	    {'F', 'T', true, PD_VERDICT_INELIGIBLE, "",
	     "eng/good-record:fail eng/married:pass eng/papers:info"},
	    {'T', 'F', false, PD_VERDICT_INELIGIBLE, "",
	     "eng/good-record:pass eng/married:fail eng/papers:info"},
	    {'U', 'U', true, PD_VERDICT_UNKNOWN, "applicant.good_record applicant.married",
	     "eng/good-record:unknown eng/married:unknown eng/papers:info"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		if (rows[i].good != 'U')
			pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, rows[i].good == 'T');
		if (rows[i].married != 'U')
			pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, rows[i].married == 'T');
		struct pd_document d = doc("passport");
		if (rows[i].passport) {
			c.documents = &d;
			c.n_documents = 1;
		}
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		if (r->verdict != rows[i].verdict)
			fail_msg("row %zu: verdict %s, expected %s", i, pd_verdict_name(r->verdict),
			         pd_verdict_name(rows[i].verdict));
		assert_questions(r, rows[i].questions);
		assert_findings(r, rows[i].findings);
		assert_materials(r, rows[i].passport ? "passport:provided" : "passport:missing");
		run_end(&run);
	}
}

static const char finding_rules[] = "rules:\n"
                                    "  - id: never\n"
                                    "    when: application.document == \"visa\"\n"
                                    "    check: false\n"
                                    "    source: \"T 1\"\n"
                                    "    en: Never applies here.\n"
                                    "    zh: 此处不适用。\n"
                                    "  - id: info\n"
                                    "    when: application.document == \"residence_permit\"\n"
                                    "    source: \"T 2\"\n"
                                    "    en: Information.\n"
                                    "    zh: 说明。\n"
                                    "  - id: adult\n"
                                    "    when: applicant.age >= 18\n"
                                    "    check: applicant.good_record\n"
                                    "    source: \"T 3\"\n"
                                    "    en: Adults need a good record.\n"
                                    "    zh: 成年人须记录良好。\n"
                                    "  - id: denied\n"
                                    "    when: application.action == \"change\"\n"
                                    "    deny: true\n"
                                    "    source: \"T 4\"\n"
                                    "    en: No changes.\n"
                                    "    zh: 不予变更。\n"
                                    "  - id: passes\n"
                                    "    check: date >= 2020-01-01\n"
                                    "    source: \"T 5\"\n"
                                    "    en: In force.\n"
                                    "    zh: 有效。\n";

static void test_findings(void **state)
{
	const struct pd_policy *pol = pack(finding_rules);
	struct pd_case c;
	new_case(&c, "2026-03-02");
	set_enum(&c, PD_F_APP_DOCUMENT, "residence_permit");
	set_enum(&c, PD_F_APP_ACTION, "extension");
	pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, true);

	/* age unknown: adult's applicability hangs on the birth date */
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_findings(r, "eng/info:info eng/adult:unknown eng/passes:pass");
	const struct pd_finding *f = finding(r, "eng/adult");
	assert_factset(&f->unknown, "applicant.birth_date", "adult's unknown facts");
	assert_string_equal(f->text->en, "Adults need a good record.");
	assert_string_equal(f->text->zh, "成年人须记录良好。");
	assert_string_equal(f->text->en_json, "\"Adults need a good record.\"");
	assert_string_equal(f->origin.source, "T 3");
	assert_string_equal(f->origin.layer, "eng");
	assert_null(f->origin.replaces);
	assert_int_equal(r->verdict, PD_VERDICT_UNKNOWN);
	assert_questions(r, "applicant.birth_date");
	assert_string_equal(r->pack, "eng");
	assert_string_equal(r->jurisdiction, "eng");
	assert_int_equal(r->date, D("2026-03-02"));
	assert_string_equal(r->version, pd_pack_version(pd_policy_pack_at(pol, 0)));
	run_end(&run);

	/* adult, record good: pass */
	pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D("1990-01-01"));
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_findings(r, "eng/info:info eng/adult:pass eng/passes:pass");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	assert_questions(r, "");
	run_end(&run);

	/* a minor: adult does not apply, no finding */
	pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D("2010-01-01"));
	pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, false);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_findings(r, "eng/info:info eng/passes:pass");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	run_end(&run);

	/* deny: the rule fails whenever it applies */
	set_enum(&c, PD_F_APP_ACTION, "change");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_findings(r, "eng/info:info eng/denied:fail eng/passes:pass");
	assert_int_equal(r->verdict, PD_VERDICT_INELIGIBLE);
	run_end(&run);
}

/* A rule with a check whose `when` is unknown makes the verdict unknown. */
static void test_unknown_when_with_check(void **state)
{
	const struct pd_policy *pol = pack("- id: q2-only\n"
	                                   "  when: application.visa_type == \"Q2\"\n"
	                                   "  check: applicant.good_record\n"
	                                   "  source: \"T 1\"\n"
	                                   "  en: Q2 needs a good record.\n"
	                                   "  zh: Q2须记录良好。\n");
	struct pd_case c;
	new_case(&c, "2026-03-02");
	pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, false);
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_findings(r, "eng/q2-only:unknown");
	assert_int_equal(r->verdict, PD_VERDICT_UNKNOWN);
	assert_questions(r, "application.visa_type");
	run_end(&run);
}

/* ---- materials ------------------------------------------------------------------------------- */

static const char material_rules[] =
    "- id: docs\n"
    "  require: [passport, photo, kinship_proof, birth_certificate, letter]\n"
    "  source: \"T 1\"\n"
    "  en: Documents.\n"
    "  zh: 材料。\n";

static void test_material_status(void **state)
{
	const struct pd_policy *pol = pack(material_rules);
	static const struct {
		const char *name;
		struct pd_document d;
		const char *status;
		const char *detail_en, *detail_zh;
	} rows[] = {
	    /* passport: its own expiry; the day it expires it is still good */
	    {"passport expired",
	     {.type = "passport", .expires = 0, .issued = PD_DATE_NONE},
	     "expired",
	     "expired on 2026-03-01",
	     "已于2026-03-01过期"},
	    {"passport expires today",
	     {.type = "passport", .expires = 1, .issued = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    /* photo: max_age 6m on 2026-03-02 accepts issue dates from 2025-09-02 */
	    {"photo too old",
	     {.type = "photo", .issued = 2, .expires = PD_DATE_NONE},
	     "expired",
	     "issued on 2025-09-01; only one issued on or after 2025-09-02 is accepted",
	     "签发日期为2025-09-01；仅接受2025-09-02及以后出具的"},
	    {"photo just recent enough",
	     {.type = "photo", .issued = 3, .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    {"photo without an issue date",
	     {.type = "photo", .issued = PD_DATE_NONE, .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    /* kinship_proof: foreign needs notarized, legalized, translated, in that order */
	    {"kinship foreign, nothing done",
	     {.type = "kinship_proof",
	      .foreign = 1,
	      .notarized = -1,
	      .legalized = -1,
	      .translated = -1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "needs_notarization",
	     "a foreign document: it must be notarized",
	     "境外出具的文书须经公证"},
	    {"kinship foreign, notarized",
	     {.type = "kinship_proof",
	      .foreign = 1,
	      .notarized = 1,
	      .legalized = 0,
	      .translated = 0,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "needs_legalization",
	     "a foreign document: it must be authenticated by a Chinese embassy or consulate (or "
	     "carry an apostille where accepted)",
	     "境外出具的文书须经中国驻外使领馆认证（或按规定办理附加证明书）"},
	    {"kinship foreign, notarized and legalized",
	     {.type = "kinship_proof",
	      .foreign = 1,
	      .notarized = 1,
	      .legalized = 1,
	      .translated = -1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "needs_translation",
	     "a foreign-language document: a Chinese translation is required",
	     "外文材料须附中文译本"},
	    {"kinship foreign, all done",
	     {.type = "kinship_proof",
	      .foreign = 1,
	      .notarized = 1,
	      .legalized = 1,
	      .translated = 1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    {"kinship issued in China",
	     {.type = "kinship_proof",
	      .foreign = 0,
	      .notarized = -1,
	      .legalized = -1,
	      .translated = -1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    {"kinship, not said where issued",
	     {.type = "kinship_proof",
	      .foreign = -1,
	      .notarized = -1,
	      .legalized = -1,
	      .translated = -1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    /* birth_certificate: foreign needs legalized and translated, not notarized */
	    {"birth certificate foreign, legalized",
	     {.type = "birth_certificate",
	      .foreign = 1,
	      .notarized = 0,
	      .legalized = 1,
	      .translated = 0,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "needs_translation",
	     "a foreign-language document: a Chinese translation is required",
	     "外文材料须附中文译本"},
	    {"birth certificate foreign, legalized and translated",
	     {.type = "birth_certificate",
	      .foreign = 1,
	      .notarized = 0,
	      .legalized = 1,
	      .translated = 1,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    /* letter: a foreign one needs nothing */
	    {"letter foreign",
	     {.type = "letter",
	      .foreign = 1,
	      .notarized = 0,
	      .legalized = 0,
	      .translated = 0,
	      .issued = PD_DATE_NONE,
	      .expires = PD_DATE_NONE},
	     "provided",
	     NULL,
	     NULL},
	    /* expiry is checked before the foreign needs */
	    {"kinship expired and not notarized",
	     {.type = "kinship_proof",
	      .foreign = 1,
	      .notarized = 0,
	      .legalized = 0,
	      .translated = 0,
	      .issued = PD_DATE_NONE,
	      .expires = 0},
	     "expired",
	     "expired on 2026-03-01",
	     "已于2026-03-01过期"},
	};
	/* Dates in the rows are indexes into this list. */
	const pd_date dates[] = {D("2026-03-01"), D("2026-03-02"), D("2025-09-01"),
	                         D("2025-09-02")};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_document d = rows[i].d;
		if (d.expires != PD_DATE_NONE)
			d.expires = dates[d.expires];
		if (d.issued != PD_DATE_NONE)
			d.issued = dates[d.issued];
		struct pd_case c;
		new_case(&c, "2026-03-02");
		c.documents = &d;
		c.n_documents = 1;
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		const struct pd_material *m = material(r, d.type);
		if (strcmp(pd_mstatus_name(m->status), rows[i].status) != 0)
			fail_msg("%s: status %s, expected %s", rows[i].name,
			         pd_mstatus_name(m->status), rows[i].status);
		if (rows[i].detail_en) {
			assert_non_null(m->detail_en);
			assert_string_equal(m->detail_en, rows[i].detail_en);
			assert_string_equal(m->detail_zh, rows[i].detail_zh);
		} else {
			assert_null(m->detail_en);
			assert_null(m->detail_zh);
		}
		assert_string_equal(m->origin.rule, "eng/docs");
		/* The others are missing; one not acceptable or missing: incomplete. */
		assert_int_equal(r->n_materials, 5);
		assert_int_equal(r->verdict, PD_VERDICT_INCOMPLETE);
		run_end(&run);
	}

	/* All five acceptable: eligible; the order is the order required. */
	struct pd_document all[5] = {doc("letter"), doc("birth_certificate"), doc("kinship_proof"),
	                             doc("photo"), doc("passport")};
	struct pd_case c;
	new_case(&c, "2026-03-02");
	c.documents = all;
	c.n_documents = 5;
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_materials(r, "passport:provided photo:provided kinship_proof:provided "
	                    "birth_certificate:provided letter:provided");
	assert_string_equal(material(r, "photo")->text->en, "Photo");
	assert_string_equal(material(r, "photo")->text->zh, "照片");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	run_end(&run);
}

/* Several documents of one type: an acceptable one decides; any document beats none. */
static void test_best_document(void **state)
{
	const struct pd_policy *pol = pack(material_rules);
	struct pd_document docs[6];
	docs[0] = doc("photo");
	docs[0].issued = D("2025-01-01"); /* too old */
	docs[1] = doc("photo");
	docs[1].issued = D("2026-02-01"); /* fine */
	docs[2] = doc("kinship_proof");
	docs[2].foreign = 1; /* needs notarization */
	docs[3] = doc("kinship_proof");
	docs[3].foreign = 1;
	docs[3].notarized = docs[3].legalized = docs[3].translated = 1; /* fine */
	docs[4] = doc("passport");
	docs[4].expires = D("2026-01-01"); /* expired, and the only one */
	docs[5] = doc("birth_certificate");
	struct pd_case c;
	new_case(&c, "2026-03-02");
	c.documents = docs;
	c.n_documents = 6;
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_materials(r, "passport:expired photo:provided kinship_proof:provided "
	                    "birth_certificate:provided letter:missing");
	assert_string_equal(material(r, "passport")->detail_en, "expired on 2026-01-01");
	assert_null(material(r, "photo")->detail_en);
	assert_null(material(r, "kinship_proof")->detail_en);
	assert_null(material(r, "letter")->detail_en);
	run_end(&run);

	/* The acceptable ones first in the list: the same answer. */
	struct pd_document swapped[6] = {docs[1], docs[0], docs[3], docs[2], docs[4], docs[5]};
	c.documents = swapped;
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_materials(r, "passport:expired photo:provided kinship_proof:provided "
	                    "birth_certificate:provided letter:missing");
	run_end(&run);
}

/* An alternative: one item, its status the best of its options', each option
 * checked with its own constraints and those the requirement puts on it alone. */
static const char alternative_rules[] =
    "- id: home\n"
    "  require: {material: home, options: {lease: {valid_for: 6m}}}\n"
    "  source: \"T 1\"\n"
    "  en: A lease or a deed.\n"
    "  zh: 租赁合同或房产证。\n"
    "- id: asks-home\n"
    "  when: provided(\"home\")\n"
    "  notice: {id: home_given, en: Given., zh: 已提供。}\n"
    "  source: \"T 2\"\n"
    "  en: Home given.\n"
    "  zh: 已提供住所证明。\n";

static void test_alternatives(void **state)
{
	const struct pd_policy *pol = pack(alternative_rules);
	struct pd_case c;
	new_case(&c, "2026-03-02");
	struct run run;

	/* Nothing given: one item, missing, both options missing. */
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_materials(r, "home:missing");
	const struct pd_material *m = material(r, "home");
	assert_int_equal(m->n_options, 2);
	assert_string_equal(m->options[0].id, "lease");
	assert_int_equal(m->options[0].status, PD_MAT_MISSING);
	assert_int_equal(m->options[1].status, PD_MAT_MISSING);
	assert_null(m->satisfied_by);
	assert_int_equal(r->n_notices, 0);
	run_end(&run);

	/* A lease valid for 3 more months: expired under the 6 months put on the lease
	 * alone; the item says so and why. */
	struct pd_document docs[2] = {doc("lease"), doc("deed")};
	docs[0].expires = D("2026-06-01");
	c.documents = docs;
	c.n_documents = 1;
	run_begin(&run);
	r = eval(&run, pol, &c);
	m = material(r, "home");
	assert_int_equal(m->status, PD_MAT_EXPIRED);
	assert_int_equal(m->options[0].status, PD_MAT_EXPIRED);
	assert_string_equal(m->options[0].detail_en,
	                    "valid until 2026-06-01; it must be valid until at least 2026-09-02");
	assert_string_equal(m->detail_en, m->options[0].detail_en);
	assert_null(m->satisfied_by);
	assert_int_equal(r->verdict, PD_VERDICT_INCOMPLETE);
	assert_int_equal(r->n_notices, 1); /* provided("home"): a document of an option */
	run_end(&run);

	/* A deed that expires in 3 months is fine (the 6 months bind the lease only), and
	 * satisfies the item; a deed issued 2 years ago is not (its own max_age). */
	docs[1].expires = D("2026-06-01");
	c.n_documents = 2;
	run_begin(&run);
	r = eval(&run, pol, &c);
	m = material(r, "home");
	assert_int_equal(m->status, PD_MAT_PROVIDED);
	assert_string_equal(m->satisfied_by, "deed");
	assert_int_equal(m->options[1].status, PD_MAT_PROVIDED);
	assert_null(m->detail_en);
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	run_end(&run);

	docs[1].issued = D("2024-03-01");
	run_begin(&run);
	r = eval(&run, pol, &c);
	m = material(r, "home");
	assert_int_equal(m->options[1].status, PD_MAT_EXPIRED);
	assert_int_equal(m->status, PD_MAT_EXPIRED);
	assert_null(m->satisfied_by);
	run_end(&run);

	/* A document naming the item itself counts, under the item's own constraints. */
	docs[0] = doc("home");
	c.n_documents = 1;
	run_begin(&run);
	r = eval(&run, pol, &c);
	m = material(r, "home");
	assert_int_equal(m->status, PD_MAT_PROVIDED);
	assert_null(m->satisfied_by);
	run_end(&run);
}

/* No silent limits: 150 materials, 70 sources and 150 notices all reach the result. */
static void test_no_silent_limits(void **state)
{
	enum { N_MAT = 150, N_SRC = 70 };
	struct pd_buf pack_yaml, mats, rules;
	pd_buf_init(&pack_yaml, 1 << 20);
	pd_buf_init(&mats, 1 << 20);
	pd_buf_init(&rules, 1 << 20);
	pd_buf_printf(&pack_yaml,
	              "id: big\ntitle: {en: Big, zh: 大}\neffective: {from: 2020-01-01}\n"
	              "sources:\n");
	for (int i = 0; i < N_SRC; i++)
		pd_buf_printf(&pack_yaml, "  - id: \"S%d\"\n", i);
	pd_buf_printf(&mats, "materials:\n");
	pd_buf_printf(&rules, "rules:\n");
	for (int i = 0; i < N_MAT; i++) {
		pd_buf_printf(&mats, "  - {id: m%d, en: M%d, zh: 材料%d}\n", i, i, i);
		pd_buf_printf(&rules,
		              "  - id: r%d\n    require: [m%d]\n    notice: n%d\n"
		              "    source: \"S%d 1\"\n    en: R%d.\n    zh: 规则%d。\n",
		              i, i, i, i % N_SRC, i, i);
	}
	char *dir = new_policy_dir();
	put(dir, "big/pack.yaml", pack_yaml.data);
	put(dir, "big/materials.yaml", mats.data);
	put(dir, "big/rules.yaml", rules.data);
	pd_buf_free(&pack_yaml);
	pd_buf_free(&mats);
	pd_buf_free(&rules);
	struct pd_policy *pol = NULL;
	struct pd_diags diags = {0};
	struct pd_error err;
	pd_error_clear(&err);
	int rc = pd_policy_load(dir, &pol, &diags, &err);
	assert_int_equal(diags.count, 0); /* the 70th source is declared: no warning */
	assert_int_equal(rc, 0);
	struct pd_case c;
	pd_case_init(&c);
	pd_case_set_str(&c, PD_F_JURISDICTION, "big");
	pd_case_set_date(&c, PD_F_DATE, D("2026-03-02"));
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_int_equal(r->n_materials, N_MAT);
	assert_string_equal(r->materials[N_MAT - 1].id, "m149");
	assert_int_equal(r->n_notices, N_MAT);
	assert_string_equal(r->notices[N_MAT - 1].id, "n149");
	assert_int_equal(r->n_findings, N_MAT);
	assert_string_equal(r->findings[N_MAT - 1].origin.source, "S9 1");
	run_end(&run);
	pd_diags_free(&diags);
	pd_policy_free(pol);
	drop_policy_dir(dir);
}

/* Requirements of one material merge: unconditional beats conditional, the strictest wins. */
static void test_merged_requirements(void **state)
{
	static const char *const orders[2] = {
	    "- id: maybe\n"
	    "  when: applicant.married\n"
	    "  require: [kinship_proof, {material: photo, max_age: 6m}, {material: letter, "
	    "translated: true}]\n"
	    "  source: \"T 1\"\n"
	    "  en: Maybe.\n"
	    "  zh: 也许。\n"
	    "- id: surely\n"
	    "  require: [{material: photo, max_age: 3m}, kinship_proof, {material: letter, "
	    "translated: false}]\n"
	    "  source: \"T 2\"\n"
	    "  en: Surely.\n"
	    "  zh: 必须。\n",
	    /* the same two rules the other way round */
	    "- id: surely\n"
	    "  require: [{material: photo, max_age: 3m}, kinship_proof, {material: letter, "
	    "translated: false}]\n"
	    "  source: \"T 2\"\n"
	    "  en: Surely.\n"
	    "  zh: 必须。\n"
	    "- id: maybe\n"
	    "  when: applicant.married\n"
	    "  require: [kinship_proof, {material: photo, max_age: 6m}, {material: letter, "
	    "translated: true}]\n"
	    "  source: \"T 1\"\n"
	    "  en: Maybe.\n"
	    "  zh: 也许。\n",
	};
	for (int o = 0; o < 2; o++) {
		const struct pd_policy *pol = pack(orders[o]);
		struct pd_document docs[3];
		docs[0] = doc("photo");
		docs[0].issued = D("2025-11-01"); /* four months old: fine for 6m, not for 3m */
		docs[1] = doc("kinship_proof");
		docs[2] = doc("letter");
		docs[2].foreign = 1;
		struct pd_case c;
		new_case(&c, "2026-03-02");
		c.documents = docs;
		c.n_documents = 3;
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		assert_int_equal(r->n_materials, 3);
		const struct pd_material *photo = material(r, "photo");
		assert_int_equal(photo->status, PD_MAT_EXPIRED);
		assert_string_equal(photo->detail_en, "issued on 2025-11-01; only one issued on or "
		                                      "after 2025-12-02 is accepted");
		const struct pd_material *kin = material(r, "kinship_proof");
		/* required for sure by `surely`: not conditional, and surely asked for it */
		assert_factset(&kin->conditional, "", "kinship_proof conditional");
		assert_string_equal(kin->origin.rule, "eng/surely");
		assert_factset(&photo->conditional, "", "photo conditional");
		/* the conditional rule's `translated: true` still counts: the strictest wins */
		assert_int_equal(material(r, "letter")->status, PD_MAT_NEEDS_TRANSLATION);
		/* maybe's applicability is unknown; nothing else hangs on it */
		assert_int_equal(finding(r, "eng/maybe")->outcome, PD_OUTCOME_UNKNOWN);
		assert_int_equal(r->verdict, PD_VERDICT_INCOMPLETE);
		assert_questions(r, "");
		run_end(&run);
	}
}

/* A material required only under unknown facts is listed as conditional. */
static void test_conditional_materials(void **state)
{
	const struct pd_policy *pol = pack("- id: spouse-papers\n"
	                                   "  when: applicant.married and sponsor.relationship == "
	                                   "\"spouse\"\n"
	                                   "  require: [kinship_proof]\n"
	                                   "  source: \"T 1\"\n"
	                                   "  en: Marriage certificate.\n"
	                                   "  zh: 结婚证。\n"
	                                   "- id: base-papers\n"
	                                   "  require: [passport]\n"
	                                   "  source: \"T 2\"\n"
	                                   "  en: Passport.\n"
	                                   "  zh: 护照。\n");
	struct pd_document docs[2] = {doc("passport"), doc("kinship_proof")};
	struct pd_case c;
	new_case(&c, "2026-03-02");
	c.documents = docs;
	c.n_documents = 1;

	/* Missing and hanging on two unknown facts: the verdict is unknown, both asked. */
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_materials(r, "kinship_proof:missing passport:provided");
	assert_factset(&material(r, "kinship_proof")->conditional,
	               "applicant.married sponsor.relationship", "conditional");
	assert_factset(&material(r, "passport")->conditional, "", "passport conditional");
	assert_int_equal(r->verdict, PD_VERDICT_UNKNOWN);
	assert_questions(r, "applicant.married sponsor.relationship");
	run_end(&run);

	/* One fact known true: it hangs on the other only. */
	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_factset(&material(r, "kinship_proof")->conditional, "sponsor.relationship",
	               "conditional");
	assert_questions(r, "sponsor.relationship");
	run_end(&run);

	/* Provided anyway: still listed, and nothing to ask. */
	c.n_documents = 2;
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_materials(r, "kinship_proof:provided passport:provided");
	assert_factset(&material(r, "kinship_proof")->conditional, "sponsor.relationship",
	               "conditional");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	assert_questions(r, "");
	run_end(&run);

	/* Not required on the facts: not listed. */
	c.n_documents = 1;
	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, false);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_materials(r, "passport:provided");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	run_end(&run);

	/* Required on the facts: unconditional and missing, so incomplete. */
	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
	set_enum(&c, PD_F_SPONSOR_RELATIONSHIP, "spouse");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_materials(r, "kinship_proof:missing passport:provided");
	assert_factset(&material(r, "kinship_proof")->conditional, "", "conditional");
	assert_int_equal(r->verdict, PD_VERDICT_INCOMPLETE);
	run_end(&run);
}

/* ---- limits, money, dates -------------------------------------------------------------------- */

static const char limit_rules[] =
    "- id: cap-a\n"
    "  limit: {max_days: 180}\n"
    "  source: \"T 1\"\n"
    "  en: A.\n"
    "  zh: 甲。\n"
    "- id: cap-b\n"
    "  when: application.visa_type == \"Q2\"\n"
    "  limit: {max_days: 90, valid_until_max: applicant.passport.expiry}\n"
    "  source: \"T 2\"\n"
    "  en: B.\n"
    "  zh: 乙。\n"
    "- id: cap-c\n"
    "  limit: {max_days: applicant.status.stay_days, valid_until_max: date + 1y}\n"
    "  source: \"T 3\"\n"
    "  en: C.\n"
    "  zh: 丙。\n"
    "- id: cap-d\n"
    "  limit: {max_days: 1y, max_visa_validity_days: 2y}\n"
    "  source: \"T 4\"\n"
    "  en: D.\n"
    "  zh: 丁。\n"
    "- id: cap-e\n"
    "  limit: {max_visa_validity_days: 400}\n"
    "  source: \"T 5\"\n"
    "  en: E.\n"
    "  zh: 戊。\n"
    "- id: cap-neg\n"
    "  when: application.action == \"renewal\"\n"
    "  limit: {max_days: 10 - 20}\n"
    "  source: \"T 6\"\n"
    "  en: F.\n"
    "  zh: 己。\n";

static void test_limits(void **state)
{
	const struct pd_policy *pol = pack(limit_rules);
	static const struct {
		const char *visa_type; /* NULL: unknown */
		int stay_days;         /* -1: unknown */
		const char *action;
		int max_days;
		const char *max_days_rule;
		const char *valid_until, *valid_until_rule;
		const char *questions;
	} rows[] = {
	    {"Q2", 120, "extension", 90, "eng/cap-b", "2026-12-31", "eng/cap-b", ""},
	    {"Q2", 60, "extension", 60, "eng/cap-c", "2026-12-31", "eng/cap-b", ""},
	    {"C", 400, "extension", 180, "eng/cap-a", "2027-03-02", "eng/cap-c", ""},
	    /* 1y from 2026-03-02 is 365 days */
	    {"C", 366, "extension", 180, "eng/cap-a", "2027-03-02", "eng/cap-c", ""},
	    /* an unknown cap is not applied, and its fact is asked */
	    {"Q2", -1, "extension", 90, "eng/cap-b", "2026-12-31", "eng/cap-b",
	     "applicant.status.stay_days"},
	    {NULL, 120, "extension", 120, "eng/cap-c", "2027-03-02", "eng/cap-c",
	     "application.visa_type"},
	    /* a negative cap is none at all: 0 days */
	    {"C", 120, "renewal", 0, "eng/cap-neg", "2027-03-02", "eng/cap-c", ""},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		if (rows[i].visa_type)
			set_enum(&c, PD_F_APP_VISA_TYPE, rows[i].visa_type);
		if (rows[i].stay_days >= 0)
			pd_case_set_int(&c, PD_F_STATUS_STAY_DAYS, rows[i].stay_days);
		set_enum(&c, PD_F_APP_ACTION, rows[i].action);
		pd_case_set_date(&c, PD_F_PASSPORT_EXPIRY, D("2026-12-31"));
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		if (r->limits.max_days != rows[i].max_days)
			fail_msg("row %zu: max_days %d, expected %d", i, (int)r->limits.max_days,
			         rows[i].max_days);
		assert_string_equal(r->limits.max_days_origin.rule, rows[i].max_days_rule);
		assert_date(r->limits.valid_until_max, rows[i].valid_until, "valid_until_max");
		assert_string_equal(r->limits.valid_until_origin.rule, rows[i].valid_until_rule);
		/* 2y from 2026-03-02 is 730 days; 400 is smaller */
		assert_int_equal(r->limits.max_visa_validity_days, 400);
		assert_string_equal(r->limits.max_visa_validity_origin.rule, "eng/cap-e");
		assert_questions(r, rows[i].questions);
		/* figures do not change the verdict */
		assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
		run_end(&run);
	}

	/* No cap at all: -1 and no date. */
	pol = pack("- id: nothing\n  source: \"T 1\"\n  en: N.\n  zh: 无。\n");
	struct pd_case c;
	new_case(&c, "2026-03-02");
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_int_equal(r->limits.max_days, -1);
	assert_int_equal(r->limits.max_visa_validity_days, -1);
	assert_int_equal(r->limits.valid_until_max, PD_DATE_NONE);
	assert_false(r->fee.present);
	assert_false(r->deposit.present);
	assert_int_equal(r->dates.apply_by, PD_DATE_NONE);
	assert_int_equal(r->dates.decision_by, PD_DATE_NONE);
	assert_int_equal(r->dates.receipt_valid_until, PD_DATE_NONE);
	assert_int_equal(r->dates.processing_days, -1);
	assert_int_equal(r->dates.receipt_days, -1);
	assert_false(r->dates.provisional);
	assert_false(r->representation.present);
	assert_int_equal(r->n_notices, 0);
	assert_int_equal(r->n_materials, 0);
	run_end(&run);
}

static const char money_rules[] =
    "- id: fee-general\n"
    "  fee: {cny: 160}\n"
    "  processing: 7\n"
    "  receipt: 7\n"
    "  source: \"T 1\"\n"
    "  en: 160 yuan.\n"
    "  zh: 160元。\n"
    "- id: fee-special\n"
    "  when: application.visa_type == \"Q2\"\n"
    "  fee: {cny: 100 + 60 * 2}\n"
    "  processing: 10\n"
    "  source: \"T 2\"\n"
    "  en: 220 yuan.\n"
    "  zh: 220元。\n"
    "- id: fee-unknown\n"
    "  when: applicant.reciprocal_fee_country\n"
    "  fee: {cny: null}\n"
    "  source: \"T 3\"\n"
    "  en: Set by reciprocity.\n"
    "  zh: 按对等原则收费。\n"
    "- id: deposit\n"
    "  when: application.action == \"extension\"\n"
    "  deposit: {cny: \"min(600 * application.requested_days, 60000)\", frozen_days: "
    "application.requested_days + 10}\n"
    "  source: \"T 4\"\n"
    "  en: A deposit.\n"
    "  zh: 保证金。\n"
    "- id: by-a\n"
    "  apply_by: applicant.status.expiry - 7d\n"
    "  source: \"T 5\"\n"
    "  en: A week before.\n"
    "  zh: 提前七日。\n"
    "- id: by-b\n"
    "  when: application.action == \"extension\"\n"
    "  apply_by: applicant.status.expiry - 1m\n"
    "  source: \"T 6\"\n"
    "  en: A month before.\n"
    "  zh: 提前一个月。\n";

static void test_fee_deposit_processing(void **state)
{
	const struct pd_policy *pol = pack(money_rules);
	struct pd_case c;
	new_case(&c, "2026-09-28");
	set_enum(&c, PD_F_APP_VISA_TYPE, "Q2");
	set_enum(&c, PD_F_APP_ACTION, "extension");
	pd_case_set_bool(&c, PD_F_APPLICANT_RECIPROCAL_FEE, false);
	pd_case_set_int(&c, PD_F_APP_REQUESTED_DAYS, 90);
	pd_case_set_date(&c, PD_F_STATUS_EXPIRY, D("2026-10-20"));

	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	/* the last fee that applies */
	assert_true(r->fee.present);
	assert_true(r->fee.known);
	assert_int_equal(r->fee.cny, 220);
	assert_string_equal(r->fee.origin.rule, "eng/fee-special");
	assert_string_equal(r->fee.text->en, "220 yuan.");
	/* deposit */
	assert_true(r->deposit.present);
	assert_int_equal(r->deposit.cny, 54000);
	assert_int_equal(r->deposit.frozen_days, 100);
	assert_string_equal(r->deposit.origin.rule, "eng/deposit");
	/* processing from the last rule that says, receipt from the only one */
	assert_int_equal(r->dates.processing_days, 10);
	assert_string_equal(r->dates.decision_origin.rule, "eng/fee-special");
	assert_int_equal(r->dates.receipt_days, 7);
	assert_string_equal(r->dates.receipt_origin.rule, "eng/fee-general");
	/* 10 and 7 working days after Monday 2026-09-28, over National Day (1-7 October,
	 * Saturday 10 October a working day): 29, 30 Sep, 8, 9, 10, 12, 13 | 14, 15, 16 Oct. */
	assert_date(r->dates.decision_by, "2026-10-16", "decision_by");
	assert_date(r->dates.receipt_valid_until, "2026-10-13", "receipt_valid_until");
	assert_false(r->dates.provisional);
	/* apply_by: the earliest */
	assert_date(r->dates.apply_by, "2026-09-20", "apply_by");
	assert_string_equal(r->dates.apply_by_origin.rule, "eng/by-b");
	assert_questions(r, "");
	run_end(&run);

	/* A reciprocal-fee country: the fee is null (the pack cannot tell). */
	pd_case_set_bool(&c, PD_F_APPLICANT_RECIPROCAL_FEE, true);
	set_enum(&c, PD_F_APP_ACTION, "renewal");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_true(r->fee.present);
	assert_false(r->fee.known);
	assert_int_equal(r->fee.cny, 0);
	assert_string_equal(r->fee.origin.rule, "eng/fee-unknown");
	assert_string_equal(r->fee.text->zh, "按对等原则收费。");
	assert_false(r->deposit.present);
	assert_date(r->dates.apply_by, "2026-10-13", "apply_by");
	assert_string_equal(r->dates.apply_by_origin.rule, "eng/by-a");
	run_end(&run);

	/* Another visa: the general fee and processing. */
	set_enum(&c, PD_F_APP_VISA_TYPE, "C");
	pd_case_set_bool(&c, PD_F_APPLICANT_RECIPROCAL_FEE, false);
	set_enum(&c, PD_F_APP_ACTION, "extension");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_int_equal(r->fee.cny, 160);
	assert_string_equal(r->fee.origin.rule, "eng/fee-general");
	assert_int_equal(r->dates.processing_days, 7);
	assert_date(r->dates.decision_by, "2026-10-13", "decision_by");
	run_end(&run);

	/* Unknown amounts: no deposit, and the facts are asked. */
	c.facts[PD_F_APP_REQUESTED_DAYS].known = false;
	c.facts[PD_F_STATUS_EXPIRY].known = false;
	c.facts[PD_F_APPLICANT_RECIPROCAL_FEE].known = false;
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_false(r->deposit.present);
	assert_int_equal(r->dates.apply_by, PD_DATE_NONE);
	/* fee-unknown may apply: its figure hangs on the fact */
	assert_int_equal(r->fee.cny, 160);
	assert_questions(r, "application.requested_days applicant.status.expiry "
	                    "applicant.reciprocal_fee_country");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	run_end(&run);
}

/* Per-person fees: the figure is one person's, times application.persons (absent:
 * 1); a later fee that is not per person says nothing of persons; a null figure
 * stays null; a total past the figures' range is null, not wrapped. */
static const char per_person_rules[] = "- id: fee-each\n"
                                       "  fee: {cny: 400, per_person: true}\n"
                                       "  source: \"T 1\"\n"
                                       "  en: 400 yuan per person.\n"
                                       "  zh: 每人400元。\n"
                                       "- id: fee-flat\n"
                                       "  when: application.visa_type == \"C\"\n"
                                       "  fee: {cny: 50, per_person: false}\n"
                                       "  source: \"T 2\"\n"
                                       "  en: 50 yuan.\n"
                                       "  zh: 50元。\n"
                                       "- id: fee-unknown-each\n"
                                       "  when: applicant.reciprocal_fee_country\n"
                                       "  fee: {cny: null, per_person: true}\n"
                                       "  source: \"T 3\"\n"
                                       "  en: Set by reciprocity, per person.\n"
                                       "  zh: 按对等原则，每人收费。\n";

static void test_fee_per_person(void **state)
{
	const struct pd_policy *pol = pack(per_person_rules);
	struct pd_case c;
	new_case(&c, "2026-09-28");
	set_enum(&c, PD_F_APP_VISA_TYPE, "Q2");
	pd_case_set_bool(&c, PD_F_APPLICANT_RECIPROCAL_FEE, false);
	struct run run;
	static const struct {
		int32_t persons; /* 0: not given */
		bool known;
		int32_t cny;
	} rows[] = {{0, true, 400},
	            {1, true, 400},
	            {3, true, 1200},
	            {5368709, true, 2147483600},
	            {5368710, false, 0}};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].persons)
			pd_case_set_int(&c, PD_F_APP_PERSONS, rows[i].persons);
		else
			c.facts[PD_F_APP_PERSONS].known = false;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		assert_true(r->fee.per_person);
		assert_true(r->fee.per_person_known);
		assert_int_equal(r->fee.per_person_cny, 400);
		assert_int_equal(r->fee.persons, rows[i].persons ? rows[i].persons : 1);
		assert_int_equal(r->fee.known, rows[i].known);
		assert_int_equal(r->fee.cny, rows[i].cny);
		/* the count is never a question: absent is the applicant alone */
		assert_questions(r, "");
		run_end(&run);
	}

	pd_case_set_int(&c, PD_F_APP_PERSONS, 3);
	set_enum(&c, PD_F_APP_VISA_TYPE, "C");
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_string_equal(r->fee.origin.rule, "eng/fee-flat");
	assert_false(r->fee.per_person);
	assert_int_equal(r->fee.cny, 50);
	run_end(&run);

	set_enum(&c, PD_F_APP_VISA_TYPE, "Q2");
	pd_case_set_bool(&c, PD_F_APPLICANT_RECIPROCAL_FEE, true);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_string_equal(r->fee.origin.rule, "eng/fee-unknown-each");
	assert_true(r->fee.per_person);
	assert_false(r->fee.known);
	assert_false(r->fee.per_person_known);
	assert_int_equal(r->fee.persons, 3);
	run_end(&run);
}

/* Dated values: a figure that changes on a date without a copy of the pack; the
 * value in force on the case's date is used, and the fee says since when. */
static const char dated_rules[] =
    "- id: fee-dated\n"
    "  fee:\n"
    "    cny:\n"
    "      - {from: 2020-01-01, value: 160}\n"
    "      - {from: 2027-01-01, value: 200, note: a change on New Year's Day}\n"
    "    per_person: true\n"
    "  limit:\n"
    "    max_days:\n"
    "      - {from: 2020-01-01, value: 1y}\n"
    "      - {from: 2027-01-01, value: application.requested_days + 10}\n"
    "  source: \"T 1\"\n"
    "  en: A fee and a cap that change.\n"
    "  zh: 会变化的收费和期限。\n";

static void test_dated_values(void **state)
{
	const struct pd_policy *pol = pack(dated_rules);
	static const struct {
		const char *date;
		int32_t cny, max_days;
		const char *since;
	} rows[] = {{"2020-01-01", 160, 366, "2020-01-01"},
	            {"2026-12-31", 160, 365, "2020-01-01"},
	            {"2027-01-01", 200, 100, "2027-01-01"},
	            {"2031-05-06", 200, 100, "2027-01-01"}};
	struct run run;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, rows[i].date);
		pd_case_set_int(&c, PD_F_APP_REQUESTED_DAYS, 90);
		pd_case_set_int(&c, PD_F_APP_PERSONS, 2);
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		if (r->fee.per_person_cny != rows[i].cny || r->limits.max_days != rows[i].max_days)
			fail_msg("%s: fee %d, max_days %d; expected %d, %d", rows[i].date,
			         (int)r->fee.per_person_cny, (int)r->limits.max_days,
			         (int)rows[i].cny, (int)rows[i].max_days);
		assert_int_equal(r->fee.cny, 2 * rows[i].cny);
		assert_true(r->fee.dated);
		assert_date(r->fee.since, rows[i].since, "since");
		assert_string_equal(r->fee.origin.source, "T 1");
		run_end(&run);
	}
	/* After the change, the cap reads a fact; unknown, it is asked. */
	struct pd_case c;
	new_case(&c, "2027-03-01");
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_int_equal(r->limits.max_days, -1);
	assert_questions(r, "application.requested_days");
	run_end(&run);
	/* Before the change, the same case asks nothing. */
	new_case(&c, "2026-03-01");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_int_equal(r->limits.max_days, 365);
	assert_questions(r, "");
	run_end(&run);
	/* A figure that is not dated says no since. */
	pol = pack(per_person_rules);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_false(r->fee.dated);
	run_end(&run);
}

/* Working days on the official calendar; past its last year, provisional. */
static void test_calendar_dates(void **state)
{
	const struct pd_policy *pol = pack("- id: processing\n"
	                                   "  processing: 3\n"
	                                   "  receipt: 10\n"
	                                   "  source: \"T 1\"\n"
	                                   "  en: Three working days.\n"
	                                   "  zh: 三个工作日。\n");
	/* Friday 2026-02-13: Saturday 14 is a make-up working day, 15-23 the Spring Festival. */
	struct pd_case c;
	new_case(&c, "2026-02-13");
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_date(r->dates.decision_by, "2026-02-25", "decision_by");
	/* 14 Feb, 24-27 Feb, Saturday 28 Feb (a make-up working day), 2-5 Mar */
	assert_date(r->dates.receipt_valid_until, "2026-03-05", "receipt_valid_until");
	assert_false(r->dates.provisional);
	assert_findings(r, "eng/processing:info");
	run_end(&run);

	/* From 28 December of the calendar's last year, 10 working days run into the next. */
	int first, last;
	pd_calendar_range(pd_policy_calendar(pol), &first, &last);
	assert_true(last >= 2026);
	char date[16];
	snprintf(date, sizeof(date), "%04d-12-28", last);
	new_case(&c, date);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_true(r->dates.provisional);
	assert_true(r->dates.receipt_valid_until > D(date) + 13);
	const struct pd_finding *f = finding(r, "calendar/provisional");
	assert_int_equal(f->outcome, PD_OUTCOME_INFO);
	assert_string_equal(f->origin.source, "State Council holiday notices");
	assert_string_equal(f->origin.layer, "calendar");
	char want[400];
	snprintf(want, sizeof(want),
	         "The working days counted include days outside the years the official holiday "
	         "calendar covers (%d-%d): only weekends were skipped there, so the dates are "
	         "provisional.",
	         first, last);
	assert_string_equal(f->detail_en, want);
	snprintf(want, sizeof(want),
	         "工作日计算涉及官方节假日安排收录年份（%d-%d年）以外的日期：这些日期仅扣除了周末，"
	         "因此日期为暂定。",
	         first, last);
	assert_string_equal(f->detail_zh, want);
	/* the provisional finding comes last and does not change the verdict */
	assert_string_equal(r->findings[r->n_findings - 1].origin.rule, "calendar/provisional");
	assert_int_equal(r->verdict, PD_VERDICT_ELIGIBLE);
	if (last == 2026) {
		/* 29, 30, 31 Dec, then 2027 counted by weekends only: 1, 4, 5, 6, 7, 8, 11 Jan */
		assert_date(r->dates.receipt_valid_until, "2027-01-11", "receipt_valid_until");
		assert_date(r->dates.decision_by, "2026-12-31", "decision_by");
	}
	run_end(&run);
}

/* ---- tables ---------------------------------------------------------------------------------- */

static const char keyed_rules[] =
    "- id: by-type\n"
    "  when: application.document == \"visa\"\n"
    "  en: By visa type.\n"
    "  zh: 按签证种类。\n"
    "  table:\n"
    "    key: application.visa_type\n"
    "    rows:\n"
    "      C: {limit: {max_days: 30}, require: [letter], source: \"T 6.2(1)\", en: C visa., zh: "
    "C字签证。}\n"
    "      Q2: {when: applicant.age >= 18, limit: {max_days: 180}, source: \"T 6.2(7)\"}\n"
    "- id: by-marriage\n"
    "  source: \"T 7\"\n"
    "  en: By marriage.\n"
    "  zh: 按婚姻状况。\n"
    "  table:\n"
    "    key: applicant.married\n"
    "    rows:\n"
    "      true: {require: [kinship_proof]}\n"
    "      false: {require: [birth_certificate]}\n"
    "- id: by-nationality\n"
    "  source: \"T 8\"\n"
    "  en: By nationality.\n"
    "  zh: 按国籍。\n"
    "  table:\n"
    "    key: applicant.nationality\n"
    "    rows:\n"
    "      SWE: {fee: {cny: 0}}\n"
    "      DEU: {fee: {cny: 50}}\n";

static void test_keyed_tables(void **state)
{
	const struct pd_policy *pol = pack(keyed_rules);
	static const struct {
		const char *visa_type;
		const char *birth;
		char married; /* T F U */
		const char *nationality;
		const char *findings;
		int max_days;
		const char *materials;
		const char *questions;
	} rows[] = {
	    {"C", "1990-01-01", 'T', "SWE",
	     "eng/by-type[C]:info eng/by-marriage[true]:info eng/by-nationality[SWE]:info", 30,
	     "letter:missing kinship_proof:missing", ""},
	    {"Q2", "1990-01-01", 'F', "DEU",
	     "eng/by-type[Q2]:info eng/by-marriage[false]:info eng/by-nationality[DEU]:info", 180,
	     "birth_certificate:missing", ""},
	    /* a row's own when, unknown: the row's finding is unknown, its figure asked */
	    {"Q2", NULL, 'F', "NOR", "eng/by-type[Q2]:unknown eng/by-marriage[false]:info", -1,
	     "birth_certificate:missing", "applicant.birth_date"},
	    /* a minor: the Q2 row does not apply */
	    {"Q2", "2015-01-01", 'F', "NOR", "eng/by-marriage[false]:info", -1,
	     "birth_certificate:missing", ""},
	    /* no row for the key */
	    {"F", "1990-01-01", 'F', "NOR", "eng/by-marriage[false]:info", -1,
	     "birth_certificate:missing", ""},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		set_enum(&c, PD_F_APP_DOCUMENT, "visa");
		set_enum(&c, PD_F_APP_VISA_TYPE, rows[i].visa_type);
		if (rows[i].birth)
			pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D(rows[i].birth));
		if (rows[i].married != 'U')
			pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, rows[i].married == 'T');
		pd_case_set_str(&c, PD_F_APPLICANT_NATIONALITY, rows[i].nationality);
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		assert_findings(r, rows[i].findings);
		if (r->limits.max_days != rows[i].max_days)
			fail_msg("row %zu: max_days %d, expected %d", i, (int)r->limits.max_days,
			         rows[i].max_days);
		assert_materials(r, rows[i].materials);
		assert_questions(r, rows[i].questions);
		run_end(&run);
	}

	/* Texts and sources: a row's own, or else its rule's. */
	struct pd_case c;
	new_case(&c, "2026-03-02");
	set_enum(&c, PD_F_APP_DOCUMENT, "visa");
	set_enum(&c, PD_F_APP_VISA_TYPE, "Q2");
	pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D("1990-01-01"));
	pd_case_set_str(&c, PD_F_APPLICANT_NATIONALITY, "SWE");
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	const struct pd_finding *f = finding(r, "eng/by-type[Q2]");
	assert_string_equal(f->text->en, "By visa type.");
	assert_string_equal(f->origin.source, "T 6.2(7)");
	assert_string_equal(r->limits.max_days_origin.rule, "eng/by-type[Q2]");
	f = finding(r, "eng/by-nationality[SWE]");
	assert_string_equal(f->origin.source, "T 8");
	assert_true(r->fee.present && r->fee.known);
	assert_int_equal(r->fee.cny, 0);
	run_end(&run);
	set_enum(&c, PD_F_APP_VISA_TYPE, "C");
	run_begin(&run);
	r = eval(&run, pol, &c);
	f = finding(r, "eng/by-type[C]");
	assert_string_equal(f->text->en, "C visa.");
	assert_string_equal(f->text->zh, "C字签证。");
	assert_string_equal(f->origin.source, "T 6.2(1)");
	assert_string_equal(material(r, "letter")->origin.rule, "eng/by-type[C]");
	run_end(&run);
}

/* An unknown key: the rule's finding is unknown and the key is asked for. */
static void test_keyed_table_unknown_key(void **state)
{
	/* A key whose rows carry a figure: the key is asked through the figure. */
	const struct pd_policy *pol = pack(keyed_rules);
	struct pd_case c;
	new_case(&c, "2026-03-02");
	set_enum(&c, PD_F_APP_DOCUMENT, "visa");
	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
	pd_case_set_str(&c, PD_F_APPLICANT_NATIONALITY, "SWE");
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	const struct pd_finding *f = finding(r, "eng/by-type");
	assert_int_equal(f->outcome, PD_OUTCOME_UNKNOWN);
	assert_factset(&f->unknown, "application.visa_type", "by-type unknown");
	assert_string_equal(f->text->en, "By visa type.");
	assert_int_equal(r->limits.max_days, -1);
	assert_findings(r, "eng/by-type:unknown eng/by-marriage[true]:info "
	                   "eng/by-nationality[SWE]:info");
	/* every row may be the one: the rows' materials are listed as conditional on the key,
	 * so the one-time notice stays complete */
	assert_materials(r, "letter:missing kinship_proof:missing");
	assert_factset(&material(r, "letter")->conditional, "application.visa_type",
	               "letter conditional");
	run_end(&run);

	/* A string key unknown, and a yes/no key unknown. */
	c.facts[PD_F_APPLICANT_MARRIED].known = false;
	c.facts[PD_F_APPLICANT_NATIONALITY].known = false;
	set_enum(&c, PD_F_APP_VISA_TYPE, "C");
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_findings(r,
	                "eng/by-type[C]:info eng/by-marriage:unknown eng/by-nationality:unknown");
	assert_factset(&finding(r, "eng/by-marriage")->unknown, "applicant.married", "married");
	assert_factset(&finding(r, "eng/by-nationality")->unknown, "applicant.nationality",
	               "nationality");
	run_end(&run);

	/* docs/policy-language.md: "When the key is unknown the rule's finding is
	 * unknown and the key is asked for." */
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_questions(r, "applicant.nationality applicant.married");
	run_end(&run);
}

static const char first_rules[] =
    "- id: s2-stay\n"
    "  when: application.visa_type == \"S2\"\n"
    "  en: S2 stay.\n"
    "  zh: S2停留期。\n"
    "  first:\n"
    "    - when: application.basis == \"relative_of_foreign_resident\"\n"
    "      limit: {max_days: 180}\n"
    "      source: \"T 9a\"\n"
    "    - id: married\n"
    "      when: applicant.married\n"
    "      limit: {max_days: 120}\n"
    "      require: [kinship_proof]\n"
    "      source: \"T 9b\"\n"
    "      en: Married.\n"
    "      zh: 已婚。\n"
    "    - limit: {max_days: 90}\n"
    "      source: \"T 9c\"\n";

static void test_first_match_tables(void **state)
{
	const struct pd_policy *pol = pack(first_rules);
	static const struct {
		const char *basis; /* NULL: unknown */
		char married;      /* T F U */
		const char *findings;
		int max_days;
		const char *materials;
		const char *questions;
	} rows[] = {
	    {"relative_of_foreign_resident", 'T', "eng/s2-stay[1]:info", 180, "", ""},
	    {"medical_treatment", 'T', "eng/s2-stay[married]:info", 120, "kinship_proof:missing",
	     ""},
	    {"medical_treatment", 'F', "eng/s2-stay[3]:info", 90, "", ""},
	    /* an unknown row stops the search: it may be the one */
	    {NULL, 'F', "eng/s2-stay[1]:unknown", -1, "", "application.basis"},
	    {"medical_treatment", 'U', "eng/s2-stay[married]:unknown", -1, "kinship_proof:missing",
	     "applicant.married"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		set_enum(&c, PD_F_APP_VISA_TYPE, "S2");
		if (rows[i].basis)
			set_enum(&c, PD_F_APP_BASIS, rows[i].basis);
		if (rows[i].married != 'U')
			pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, rows[i].married == 'T');
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		assert_findings(r, rows[i].findings);
		if (r->limits.max_days != rows[i].max_days)
			fail_msg("row %zu: max_days %d, expected %d", i, (int)r->limits.max_days,
			         rows[i].max_days);
		assert_materials(r, rows[i].materials);
		assert_questions(r, rows[i].questions);
		run_end(&run);
	}

	/* The rule's own when unknown: the first row inherits that. */
	struct pd_case c;
	new_case(&c, "2026-03-02");
	set_enum(&c, PD_F_APP_BASIS, "medical_treatment");
	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	assert_findings(r, "eng/s2-stay[married]:unknown");
	assert_factset(&r->findings[0].unknown, "application.visa_type", "unknown");
	assert_factset(&material(r, "kinship_proof")->conditional, "application.visa_type",
	               "conditional");
	assert_string_equal(r->findings[0].text->en, "Married.");
	assert_string_equal(r->findings[0].origin.source, "T 9b");
	run_end(&run);
}

/* ---- representation -------------------------------------------------------------------------- */

static const char agent_rules[] = "- id: in-person\n"
                                  "  agent: in_person\n"
                                  "  source: \"T 1\"\n"
                                  "  en: Come in person.\n"
                                  "  zh: 本人办理。\n"
                                  "- id: allow-old\n"
                                  "  when: applicant.age >= 60\n"
                                  "  agent: allow\n"
                                  "  source: \"T 2\"\n"
                                  "  en: Sixty or over may send an agent.\n"
                                  "  zh: 年满60周岁的可代办。\n"
                                  "- id: always\n"
                                  "  when: application.action == \"reissue\"\n"
                                  "  agent: in_person_always\n"
                                  "  source: \"T 3\"\n"
                                  "  en: Re-issues in person.\n"
                                  "  zh: 补发须本人办理。\n";

static void test_representation(void **state)
{
	const struct pd_policy *pol = pack(agent_rules);
	static const struct {
		const char *name;
		const char *birth;  /* NULL: unknown */
		const char *action; /* NULL: unknown */
		int agent;          /* -1 not said, 0 null, 1 an agent applies */
		int allowed, in_person;
		const char *by;
		enum pd_verdict verdict;
		const char *questions;
	} rows[] = {
	    {"only in_person", "1990-01-01", "extension", 0, 0, 1, "eng/in-person",
	     PD_VERDICT_ELIGIBLE, ""},
	    {"allow beats in_person", "1950-01-01", "extension", 0, 1, 0, "eng/allow-old",
	     PD_VERDICT_ELIGIBLE, ""},
	    {"allowed and an agent applies", "1950-01-01", "extension", 1, 1, 0, "eng/allow-old",
	     PD_VERDICT_ELIGIBLE, ""},
	    {"in_person_always beats allow", "1950-01-01", "reissue", 0, 0, 1, "eng/always",
	     PD_VERDICT_ELIGIBLE, ""},
	    {"an agent where one may not apply", "1990-01-01", "extension", 1, 0, 1,
	     "eng/in-person", PD_VERDICT_INELIGIBLE, ""},
	    {"an agent against in_person_always", "1950-01-01", "reissue", 1, 0, 1, "eng/always",
	     PD_VERDICT_INELIGIBLE, ""},
	    /* the right to an agent hangs on the age */
	    {"unknown, an agent applies", NULL, "extension", 1, -1, -1, "eng/in-person",
	     PD_VERDICT_UNKNOWN, "applicant.birth_date"},
	    /* no agent: whether one could apply does not matter */
	    {"unknown, no agent", NULL, "extension", 0, -1, -1, "eng/in-person",
	     PD_VERDICT_ELIGIBLE, ""},
	    {"unknown, agent not said", NULL, "extension", -1, -1, -1, "eng/in-person",
	     PD_VERDICT_ELIGIBLE, "applicant.birth_date"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		if (rows[i].birth)
			pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D(rows[i].birth));
		if (rows[i].action)
			set_enum(&c, PD_F_APP_ACTION, rows[i].action);
		if (rows[i].agent >= 0)
			pd_case_set_bool(&c, PD_F_AGENT_PRESENT, rows[i].agent == 1);
		struct run run;
		run_begin(&run);
		const struct pd_result *r = eval(&run, pol, &c);
		if (!r->representation.present ||
		    r->representation.agent_allowed != rows[i].allowed ||
		    r->representation.in_person_required != rows[i].in_person ||
		    strcmp(r->representation.origin.rule, rows[i].by) != 0 ||
		    r->verdict != rows[i].verdict)
			fail_msg("%s: agent_allowed %d, in_person_required %d, by %s, verdict %s",
			         rows[i].name, r->representation.agent_allowed,
			         r->representation.in_person_required,
			         r->representation.origin.rule ? r->representation.origin.rule
			                                       : "-",
			         pd_verdict_name(r->verdict));
		assert_questions(r, rows[i].questions);
		const struct pd_finding *last = &r->findings[r->n_findings - 1];
		if (rows[i].verdict == PD_VERDICT_INELIGIBLE) {
			/* the failing finding names the rule and says why */
			assert_int_equal(last->outcome, PD_OUTCOME_FAIL);
			assert_string_equal(last->origin.rule, rows[i].by);
			assert_string_equal(last->detail_en,
			                    "an agent is applying, but this applicant "
			                    "must apply in person");
			assert_string_equal(last->detail_zh,
			                    "本案由他人代为申请，但申请人须本人办理");
		} else {
			for (size_t k = 0; k < r->n_findings; k++)
				assert_int_not_equal(r->findings[k].outcome, PD_OUTCOME_FAIL);
		}
		assert_string_equal(r->representation.text->en,
		                    strcmp(rows[i].by, "eng/in-person") == 0 ? "Come in person."
		                    : strcmp(rows[i].by, "eng/always") == 0 ? "Re-issues in person."
		                                                            : "Sixty or over may "
		                                                              "send an agent.");
		run_end(&run);
	}
}

static void test_representation_always_unknown(void **state)
{
	/* Aged 65 (an agent allowed), the action unknown (a re-issue must be in person):
	 * whether the agent may apply hangs on the action. */
	const struct pd_policy *pol = pack(agent_rules);
	struct pd_case c;
	new_case(&c, "2026-03-02");
	pd_case_set_date(&c, PD_F_APPLICANT_BIRTH_DATE, D("1960-01-01"));
	pd_case_set_bool(&c, PD_F_AGENT_PRESENT, true);
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	int allowed = r->representation.agent_allowed;
	enum pd_verdict v = r->verdict;
	run_end(&run);
	assert_int_equal(allowed, -1);
	assert_int_equal(v, PD_VERDICT_UNKNOWN);
}

/* ---- notices --------------------------------------------------------------------------------- */

static void test_notices(void **state)
{
	const struct pd_policy *pol =
	    pack("- id: n1\n"
	         "  notice: {id: register_24h, en: Register within 24 hours., "
	         "zh: 24小时内登记。}\n"
	         "  source: \"T 1\"\n"
	         "  en: Registration.\n"
	         "  zh: 登记。\n"
	         "- id: n2\n"
	         "  notice: [register_24h, report_changes]\n"
	         "  source: \"T 2\"\n"
	         "  en: Report changes within 10 days.\n"
	         "  zh: 10日内报告变更。\n"
	         "- id: n3\n"
	         "  when: applicant.married\n"
	         "  notice: [marriage_notice]\n"
	         "  source: \"T 3\"\n"
	         "  en: Marriage.\n"
	         "  zh: 婚姻。\n"
	         "- id: n4\n"
	         "  notice: report_changes\n"
	         "  source: \"T 4\"\n"
	         "  en: Again.\n"
	         "  zh: 再次。\n");
	struct pd_case c;
	new_case(&c, "2026-03-02");
	struct run run;
	run_begin(&run);
	const struct pd_result *r = eval(&run, pol, &c);
	/* each id once, from the first rule that gave it; an unknown rule gives none */
	assert_int_equal(r->n_notices, 2);
	assert_string_equal(r->notices[0].id, "register_24h");
	assert_string_equal(r->notices[0].text->en, "Register within 24 hours.");
	assert_string_equal(r->notices[0].origin.rule, "eng/n1");
	assert_string_equal(r->notices[1].id, "report_changes");
	assert_string_equal(r->notices[1].text->en, "Report changes within 10 days.");
	assert_string_equal(r->notices[1].text->zh, "10日内报告变更。");
	assert_string_equal(r->notices[1].origin.rule, "eng/n2");
	run_end(&run);

	pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
	run_begin(&run);
	r = eval(&run, pol, &c);
	assert_int_equal(r->n_notices, 3);
	assert_string_equal(r->notices[2].id, "marriage_notice");
	assert_string_equal(r->notices[2].text->en, "Marriage.");
	run_end(&run);
}

/* ---- input errors ---------------------------------------------------------------------------- */

static void test_input_errors(void **state)
{
	const struct pd_policy *pol = pack(material_rules);
	struct pd_document docs[3] = {doc("passport"), doc("pasport"), doc("photo")};
	docs[1].line = 12;
	docs[1].column = 5;
	struct pd_case c;
	new_case(&c, "2026-03-02");
	c.documents = docs;
	c.n_documents = 3;
	pd_case_derive(&c);
	struct pd_arena arena;
	pd_arena_init(&arena, 4096, 0);
	static struct pd_result sentinel;
	struct pd_result *r = &sentinel;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_evaluate(pol, &c, &arena, &r, &err), PD_FAIL(PD_EINPUT));
	assert_null(r);
	assert_int_equal(err.code, PD_EINPUT);
	assert_string_equal(err.path, "documents[1].type");
	assert_int_equal(err.line, 12);
	assert_int_equal(err.column, 5);
	assert_string_equal(err.message, "unknown material \"pasport\" for the eng policy");

	/* No jurisdiction, no date, an unknown jurisdiction, a date before the pack. */
	static const struct {
		const char *jurisdiction, *date, *path, *msg;
	} rows[] = {
	    {NULL, "2026-03-02", "jurisdiction",
	     "missing: the jurisdiction decides which policy applies"},
	    {"eng", NULL, "date", "missing"},
	    {"mars", "2026-03-02", "jurisdiction", "unknown jurisdiction \"mars\"; known: eng"},
	    {"eng", "2019-12-31", "date",
	     "no eng policy is in force on 2019-12-31; covered: from 2020-01-01 (eng)"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		pd_case_init(&c);
		if (rows[i].jurisdiction)
			pd_case_set_str(&c, PD_F_JURISDICTION, rows[i].jurisdiction);
		if (rows[i].date)
			pd_case_set_date(&c, PD_F_DATE, D(rows[i].date));
		pd_case_derive(&c);
		pd_error_clear(&err);
		assert_int_equal(pd_evaluate(pol, &c, &arena, &r, &err), PD_FAIL(PD_EINPUT));
		assert_null(r);
		assert_string_equal(err.path, rows[i].path);
		assert_string_equal(err.message, rows[i].msg);
	}
	pd_arena_free(&arena);
}

/* One arena reused for many cases (reset between them), as a batch does. */
static void test_arena_reuse(void **state)
{
	const struct pd_policy *pol = pack(verdict_rules);
	struct pd_arena arena;
	pd_arena_init(&arena, 1024, 0);
	struct pd_document d = doc("passport");
	for (int i = 0; i < 200; i++) {
		struct pd_case c;
		new_case(&c, "2026-03-02");
		pd_case_set_bool(&c, PD_F_APPLICANT_GOOD_RECORD, i % 3 != 0);
		if (i % 2)
			pd_case_set_bool(&c, PD_F_APPLICANT_MARRIED, true);
		c.documents = &d;
		c.n_documents = (size_t)(i % 5 != 0);
		pd_case_derive(&c);
		struct pd_result *r = NULL;
		struct pd_error err;
		pd_error_clear(&err);
		pd_arena_reset(&arena);
		assert_int_equal(pd_evaluate(pol, &c, &arena, &r, &err), 0);
		enum pd_verdict want = i % 3 == 0   ? PD_VERDICT_INELIGIBLE
		                       : !(i % 2)   ? PD_VERDICT_UNKNOWN
		                       : i % 5 == 0 ? PD_VERDICT_INCOMPLETE
		                                    : PD_VERDICT_ELIGIBLE;
		assert_int_equal(r->verdict, want);
	}
	pd_arena_free(&arena);

	/* An arena too small: out of memory, not a crash. */
	pd_arena_init(&arena, 256, 256);
	struct pd_case c;
	new_case(&c, "2026-03-02");
	pd_case_derive(&c);
	struct pd_result *r = NULL;
	struct pd_error err;
	pd_error_clear(&err);
	assert_int_equal(pd_evaluate(pol, &c, &arena, &r, &err), PD_FAIL(PD_ENOMEM));
	pd_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_verdict_precedence, teardown),
	    cmocka_unit_test_teardown(test_findings, teardown),
	    cmocka_unit_test_teardown(test_unknown_when_with_check, teardown),
	    cmocka_unit_test_teardown(test_material_status, teardown),
	    cmocka_unit_test_teardown(test_best_document, teardown),
	    cmocka_unit_test_teardown(test_merged_requirements, teardown),
	    cmocka_unit_test_teardown(test_conditional_materials, teardown),
	    cmocka_unit_test_teardown(test_limits, teardown),
	    cmocka_unit_test_teardown(test_fee_deposit_processing, teardown),
	    cmocka_unit_test_teardown(test_fee_per_person, teardown),
	    cmocka_unit_test_teardown(test_dated_values, teardown),
	    cmocka_unit_test_teardown(test_calendar_dates, teardown),
	    cmocka_unit_test_teardown(test_keyed_tables, teardown),
	    cmocka_unit_test_teardown(test_keyed_table_unknown_key, teardown),
	    cmocka_unit_test_teardown(test_first_match_tables, teardown),
	    cmocka_unit_test_teardown(test_representation, teardown),
	    cmocka_unit_test_teardown(test_representation_always_unknown, teardown),
	    cmocka_unit_test_teardown(test_notices, teardown),
	    cmocka_unit_test_teardown(test_input_errors, teardown),
	    cmocka_unit_test_teardown(test_arena_reuse, teardown),
	    cmocka_unit_test_teardown(test_alternatives, teardown),
	    cmocka_unit_test(test_no_silent_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
