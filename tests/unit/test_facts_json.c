/*
 * test_facts_json.c: the labels of the vocabularies (pd_vocab_label, case.h)
 * and the facts view (pd_facts_write_json, codec.h) that front ends build
 * their forms from.
 *
 * The labels are checked for every word (present, non-empty, distinct within
 * a vocabulary) and pinned for the official Chinese terms; the view is
 * checked fact by fact against PD_FACT_MAP, and its first entries pinned in
 * full.
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

static const char *label(enum pd_vocab_id v, const char *word, const char *lang)
{
	int i = pd_vocab_find(v, word, strlen(word));
	if (i < 0)
		fail_msg("no word %s in vocabulary %s", word, pd_vocabs[v].name);
	return pd_vocab_label(v, i, lang);
}

static void test_every_word_has_both_labels(void **state)
{
	(void)state;
	for (int v = 0; v < PD_VOCAB_COUNT; v++) {
		for (int i = 0; i < pd_vocabs[v].count; i++) {
			const char *en = pd_vocab_label((enum pd_vocab_id)v, i, "en");
			const char *zh = pd_vocab_label((enum pd_vocab_id)v, i, "zh");
			if (!en || !*en || !zh || !*zh)
				fail_msg("%s.%s lacks a label", pd_vocabs[v].name,
				         pd_vocabs[v].words[i]);
			/* Chinese labels are Chinese: some byte outside ASCII. */
			bool wide = false;
			for (const char *p = zh; *p; p++)
				wide = wide || (unsigned char)*p >= 0x80;
			if (!wide)
				fail_msg("%s.%s: zh label \"%s\" is not Chinese", pd_vocabs[v].name,
				         pd_vocabs[v].words[i], zh);
			for (int k = 0; k < i; k++) {
				if (strcmp(pd_vocab_label((enum pd_vocab_id)v, k, "en"), en) == 0 ||
				    strcmp(pd_vocab_label((enum pd_vocab_id)v, k, "zh"), zh) == 0)
					fail_msg("%s: %s and %s share a label", pd_vocabs[v].name,
					         pd_vocabs[v].words[k], pd_vocabs[v].words[i]);
			}
		}
		/* Anything but "zh" is English; out of range is NULL. */
		assert_string_equal(pd_vocab_label((enum pd_vocab_id)v, 0, NULL),
		                    pd_vocab_label((enum pd_vocab_id)v, 0, "en"));
		assert_null(pd_vocab_label((enum pd_vocab_id)v, pd_vocabs[v].count, "en"));
		assert_null(pd_vocab_label((enum pd_vocab_id)v, -1, "zh"));
	}
}

/* The official terms, word by word (a label list out of order fails here). */
static void test_official_terms(void **state)
{
	(void)state;
	static const struct {
		enum pd_vocab_id v;
		const char *word, *en, *zh;
	} rows[] = {
	    {PD_VOCAB_DOCUMENT, "residence_permit", "Residence permit", "居留许可"},
	    {PD_VOCAB_ACTION, "issuance", "Issuance", "签发"},
	    {PD_VOCAB_ACTION, "extension", "Extension", "延期"},
	    {PD_VOCAB_ACTION, "renewal", "Renewal", "换发"},
	    {PD_VOCAB_ACTION, "reissue", "Re-issue", "补发"},
	    {PD_VOCAB_PURPOSE, "family_reunion", "Family reunion", "团聚"},
	    {PD_VOCAB_PURPOSE, "fostering", "Fostering", "寄养"},
	    {PD_VOCAB_PURPOSE, "personal_affairs", "Personal affairs", "私人事务"},
	    {PD_VOCAB_VISA_TYPE, "Q2", "Q2 visa (short family visit)", "Q2字签证（短期探亲）"},
	    {PD_VOCAB_VISA_TYPE, "X2", "X2 visa (short-term study)", "X2字签证（短期学习）"},
	    {PD_VOCAB_STATUS_TYPE, "Q1", "Q1 visa (family reunion, fostering)",
	     "Q1字签证（家庭团聚、寄养）"},
	    {PD_VOCAB_STATUS_TYPE, "journalist", "Residence permit for journalists",
	     "记者类居留许可"},
	    {PD_VOCAB_ENTRIES, "multiple", "Multiple entries", "多次"},
	    {PD_VOCAB_RENEWAL_REASON, "remove_accompanying", "Accompanying person removed",
	     "减少偕行人"},
	    {PD_VOCAB_REISSUE_REASON, "stolen", "Stolen or robbed", "被盗抢"},
	    {PD_VOCAB_SPONSOR_CATEGORY, "overseas_chinese",
	     "Overseas Chinese (Chinese citizen settled abroad)", "华侨"},
	    {PD_VOCAB_RELATIONSHIP, "parent_in_law", "Parent of the spouse", "配偶的父母"},
	    {PD_VOCAB_RELATIONSHIP, "other", "Other", "其他"},
	    {PD_VOCAB_PERMIT_KIND, "study", "Study", "学习类"},
	    {PD_VOCAB_AGENT_RELATION, "service_agency", "A specialised service agency",
	     "有关专门服务机构"},
	    {PD_VOCAB_VISIT_REASON, "seeking_refuge", "Seeking refuge with relatives", "投靠亲属"},
	    {PD_VOCAB_VISIT_REASON, "private_affairs", "Other private affairs", "其他私人事务"},
	    {PD_VOCAB_BASIS, "retirement", "Retirement", "养老"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_string_equal(label(rows[i].v, rows[i].word, "en"), rows[i].en);
		assert_string_equal(label(rows[i].v, rows[i].word, "zh"), rows[i].zh);
	}
}

static char *facts_json(bool pretty)
{
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_facts_write_json(&b, pretty), 0);
	assert_false(b.failed);
	return b.data;
}

static void test_facts_view_starts(void **state)
{
	(void)state;
	char *json = facts_json(false);
	static const char head[] =
	    "{\"facts\":[{\"path\":\"jurisdiction\",\"type\":\"string\",\"derived\":false,"
	    "\"en\":\"Jurisdiction (policy pack)\",\"zh\":\"管辖地\"},"
	    "{\"path\":\"date\",\"type\":\"date\",\"derived\":false,"
	    "\"en\":\"Date of application\",\"zh\":\"申请日期\"},"
	    "{\"path\":\"application.document\",\"type\":\"enum\",\"derived\":false,"
	    "\"values\":[{\"value\":\"residence_permit\",\"en\":\"Residence permit\",\"zh\":"
	    "\"居留许可\"},{\"value\":\"visa\",\"en\":\"Visa\",\"zh\":\"签证\"}],"
	    "\"en\":\"Document applied for (residence permit or visa)\","
	    "\"zh\":\"申请证件种类（居留许可或签证）\"},";
	if (strncmp(json, head, sizeof(head) - 1) != 0)
		fail_msg("facts view begins\n%.600s", json);
	size_t n = strlen(json);
	assert_true(n > 2 && strcmp(json + n - 3, "}]}") == 0);
	free(json);
}

/* Each fact once, in table order, with its type, derived flag and every word. */
static void test_facts_view_every_fact(void **state)
{
	(void)state;
	static const char *const types[] = {[PD_T_BOOL] = "boolean",
	                                    [PD_T_INT] = "integer",
	                                    [PD_T_DATE] = "date",
	                                    [PD_T_ENUM] = "enum",
	                                    [PD_T_STRING] = "string"};
	char *json = facts_json(false);
	const char *at = json;
	for (int f = 0; f < PD_FACT_COUNT; f++) {
		const struct pd_fact_def *d = &pd_facts[f];
		char want[512];
		snprintf(want, sizeof(want), "{\"path\":\"%s\",\"type\":\"%s\",\"derived\":%s,",
		         d->path, types[d->type], (d->flags & PD_FF_DERIVED) ? "true" : "false");
		const char *p = strstr(at, want);
		if (!p)
			fail_msg("fact %s missing or out of order (want %s)", d->path, want);
		const char *end = strstr(p + 1, "{\"path\":");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *entry = strndup(p, len);
		if (d->type == PD_T_ENUM) {
			const struct pd_vocab *v = &pd_vocabs[d->vocab];
			for (int i = 0; i < v->count; i++) {
				snprintf(want, sizeof(want),
				         "{\"value\":\"%s\",\"en\":", v->words[i]);
				if (!strstr(entry, want))
					fail_msg("%s: no value %s", d->path, v->words[i]);
			}
		} else if (strstr(entry, "\"values\"")) {
			fail_msg("%s is not an enum but has values", d->path);
		}
		free(entry);
		at = p + 1;
	}
	/* The two derived facts, by name. */
	assert_non_null(
	    strstr(json, "{\"path\":\"applicant.age\",\"type\":\"integer\",\"derived\":true,"));
	assert_non_null(
	    strstr(json, "{\"path\":\"agent.present\",\"type\":\"boolean\",\"derived\":true,"));
	free(json);
}

static void test_facts_view_pretty(void **state)
{
	(void)state;
	char *json = facts_json(true);
	static const char head[] = "{\n  \"facts\": [\n    {\n      \"path\": \"jurisdiction\",\n"
	                           "      \"type\": \"string\",\n      \"derived\": false,\n";
	if (strncmp(json, head, sizeof(head) - 1) != 0)
		fail_msg("pretty facts view begins\n%.300s", json);
	free(json);
}

/* A buffer too small: an error, and nothing left behind. */
static void test_facts_view_too_big(void **state)
{
	(void)state;
	struct pd_buf b;
	pd_buf_init(&b, 256);
	assert_int_equal(pd_buf_puts(&b, "kept"), 0);
	assert_int_equal(pd_facts_write_json(&b, false), PD_FAIL(PD_ENOMEM));
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "kept");
	pd_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_word_has_both_labels),
	    cmocka_unit_test(test_official_terms),
	    cmocka_unit_test(test_facts_view_starts),
	    cmocka_unit_test(test_facts_view_every_fact),
	    cmocka_unit_test(test_facts_view_pretty),
	    cmocka_unit_test(test_facts_view_too_big),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
