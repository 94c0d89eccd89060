/*
 * test_workflow_documents.c: the workflow with the real assessor over the
 * workflow test pack (tests/data/policy-workflow) and the official calendar:
 * pd_workflow_set_documents() (the array spliced into the stored case, the
 * case evaluated again, one audit entry, errors located in the body, who and
 * when), and the deadlines a stored result carries after a supplement has
 * paused the clock (the case and its result say the same dates).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "store_fixture.h"
#include "permitdesk/codec.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

static char dir[] = "/tmp/pd-test-documents-XXXXXX";
static char db_path[512], policy_dir[300];
static struct pd_store *store;
static struct pd_policy *pol;
static struct pd_workflow wf;

/* Complete but for the photo; good_record keeps the check happy. */
static const char CASE_NO_PHOTO[] = "{\"jurisdiction\": \"tianjin\",\n"
                                    " \"applicant\": {\"good_record\": true},\n"
                                    " \"documents\": []}\n";
static const char CASE_WITH_PHOTO[] = "{\"jurisdiction\": \"tianjin\", \"applicant\": "
                                      "{\"good_record\": true}, \"documents\": [{\"type\": "
                                      "\"photo\"}]}";
static const char CASE_NO_DOCUMENTS[] =
    "{\"jurisdiction\": \"tianjin\", \"applicant\": {\"good_record\": true}}";

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

static struct pd_actor as(const char *user)
{
	struct pd_actor a;
	struct pd_error err = {0};
	if (pd_workflow_actor(store, user, &a, &err))
		fail_msg("actor %s: %s", user, err.message);
	return a;
}

/* The reason every back-dated change here gives. */
#define PAPER "entered from the paper file"

static struct pd_case_ref create(const char *user, const char *json, const char *at)
{
	struct pd_actor a = as(user);
	struct pd_case_ref ref;
	struct pd_error err = {0};
	if (pd_workflow_create(&wf, &a, "case.json", json, strlen(json), D(at), NULL, &ref, &err))
		fail_msg("create: %s", err.message);
	return ref;
}

static void act(const char *id, const char *user, enum pd_action action, const char *data,
                const char *at)
{
	struct pd_actor a = as(user);
	struct pd_act act = {
	    .action = action,
	    .data = data,
	    .data_len = data ? strlen(data) : 0,
	    .at = D(at),
	    .reason = PAPER,
	};
	struct pd_act_result res;
	struct pd_error err = {0};
	if (pd_workflow_act(&wf, &a, id, &act, &res, &err)) {
		char msg[1200];
		pd_error_format(&err, msg, sizeof(msg));
		fail_msg("%s by %s: %s", pd_action_name(action), user, msg);
	}
}

static int set_documents(const char *id, const char *user, const char *body, const char *at,
                         struct pd_act_result *res, struct pd_error *err)
{
	struct pd_actor a = as(user);
	memset(err, 0, sizeof(*err));
	return pd_workflow_set_documents(&wf, &a, id, body, strlen(body), D(at), res, err);
}

/* The case as pd_workflow_case_json() shows it, in a buffer the caller frees. */
static char *show(const char *id)
{
	struct pd_buf b;
	struct pd_error err = {0};
	pd_buf_init(&b, 0);
	if (pd_workflow_case_json(store, id, false, &b, &err))
		fail_msg("show: %s", err.message);
	return b.data;
}

/* The string value of the first "key": after `after` in json ("" when none). */
static void value_after(const char *json, const char *after, const char *key, char *out,
                        size_t size)
{
	char pat[64];
	const char *p = strstr(json, after);
	out[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (p && (p = strstr(p, pat))) {
		p += strlen(pat);
		const char *end = strchr(p, '"');
		snprintf(out, size, "%.*s", (int)(end - p), p);
	}
}

/* ---- deadlines: the stored result says what the case says ---- */

static void test_resubmission_keeps_result_and_case_deadlines_equal(void **state)
{
	struct pd_case_ref c = create("ann", CASE_WITH_PHOTO, "2026-09-25");
	char case_by[16], result_by[16], case_receipt[16], result_receipt[16];
	act(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-09-25");
	act(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28");
	act(c.id, "olga", PD_ACTION_REQUEST_SUPPLEMENT, NULL, "2026-09-30");
	act(c.id, "ann", PD_ACTION_RESUBMIT, NULL, "2026-10-14");
	char *json = show(c.id);
	value_after(json, "\"deadlines\":", "decision_by", case_by, sizeof(case_by));
	value_after(json, "\"dates\":", "decision_by", result_by, sizeof(result_by));
	value_after(json, "\"deadlines\":", "receipt_valid_until", case_receipt,
	            sizeof(case_receipt));
	value_after(json, "\"dates\":", "receipt_valid_until", result_receipt,
	            sizeof(result_receipt));
	/* docs/internals/workflow.md: 2026-10-10 moved by 6 working days */
	assert_string_equal(case_by, "2026-10-19");
	assert_string_equal(result_by, case_by);
	assert_string_equal(result_receipt, case_receipt);
	free(json);

	/* and a decision made afterwards keeps them too */
	act(c.id, "rita", PD_ACTION_ASSIGN, NULL, "2026-10-15");
	act(c.id, "rita", PD_ACTION_APPROVE, NULL, "2026-10-15");
	json = show(c.id);
	value_after(json, "\"decisions\":", "decision_by", result_by, sizeof(result_by));
	assert_string_equal(result_by, "2026-10-19");
	free(json);
}

/* ---- documents ---- */

static void test_documents_replaced(void **state)
{
	struct pd_case_ref c = create("ann", CASE_NO_PHOTO, "2026-09-25");
	struct pd_act_result res;
	struct pd_error err;
	act(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-09-25");
	char *before = show(c.id);
	assert_non_null(strstr(before, "\"verdict\":\"incomplete\""));
	free(before);

	const char *body = "{\"documents\": [{\"type\": \"photo\"}], \"note\": \"at the counter\"}";
	if (set_documents(c.id, "olga", body, "2026-09-28", &res, &err))
		fail_msg("set_documents: %s", err.message);
	assert_int_equal(res.from, PD_STATE_SUBMITTED);
	assert_int_equal(res.to, PD_STATE_SUBMITTED);
	assert_int_equal(res.verdict, PD_VERDICT_ELIGIBLE);
	assert_true(res.audit_seq > 0);

	/* only the array changed in the stored text */
	char *json = show(c.id);
	assert_non_null(strstr(json, "\"verdict\":\"eligible\""));
	free(json);
	struct pd_arena arena;
	struct pd_store_case sc;
	pd_arena_init(&arena, 0, 0);
	assert_int_equal(pd_store_begin(store, PD_TXN_READ, &err), 0);
	assert_int_equal(pd_store_case_get(store, c.id, &arena, &sc, &err), 0);
	pd_store_rollback(store);
	assert_string_equal(sc.case_json, "{\"jurisdiction\": \"tianjin\",\n"
	                                  " \"applicant\": {\"good_record\": true},\n"
	                                  " \"documents\": [{\"type\": \"photo\"}]}\n");
	assert_string_equal(sc.state, "submitted");
	pd_arena_free(&arena);

	/* one audit entry, the state unchanged, the count and the note */
	struct pd_buf b;
	pd_buf_init(&b, 0);
	assert_int_equal(pd_workflow_audit_json(store, c.id, false, &b, &err), 0);
	const char *e = strstr(b.data, "\"action\":\"documents\"");
	assert_non_null(e);
	assert_non_null(strstr(e, "\"from\":\"submitted\""));
	assert_non_null(strstr(e, "\"to\":\"submitted\""));
	assert_non_null(strstr(e, "\"documents\":1"));
	assert_non_null(strstr(e, "at the counter"));
	pd_buf_free(&b);

	/* now it can be accepted */
	act(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28");
}

static void test_documents_added_when_absent(void **state)
{
	struct pd_case_ref c = create("ann", CASE_NO_DOCUMENTS, "2026-09-25");
	struct pd_act_result res;
	struct pd_error err;
	if (set_documents(c.id, "ann",
	                  "{\"documents\":[{\"type\":\"photo\"},{\"type\":\"photo\"}]}",
	                  "2026-09-25", &res, &err))
		fail_msg("set_documents: %s", err.message);
	assert_int_equal(res.from, PD_STATE_DRAFT);
	assert_int_equal(res.to, PD_STATE_DRAFT);
	struct pd_arena arena;
	struct pd_store_case sc;
	pd_arena_init(&arena, 0, 0);
	assert_int_equal(pd_store_begin(store, PD_TXN_READ, &err), 0);
	assert_int_equal(pd_store_case_get(store, c.id, &arena, &sc, &err), 0);
	pd_store_rollback(store);
	assert_string_equal(sc.case_json, "{\"jurisdiction\": \"tianjin\", \"applicant\": "
	                                  "{\"good_record\": true},\"documents\":[{\"type\":"
	                                  "\"photo\"},{\"type\":\"photo\"}]}");
	pd_arena_free(&arena);
}

static void test_documents_errors_in_the_body(void **state)
{
	struct pd_case_ref c = create("ann", CASE_NO_PHOTO, "2026-09-25");
	static const struct {
		const char *body;
		int code;
		const char *expected; /* pd_error_format() */
	} rows[] = {
	    {"{\n  \"documents\": [\n    {\"type\": \"photo\"},\n    {\"type\": \"Photo\"}\n  ]\n}",
	     PD_EINPUT,
	     "body:4:14: documents[1].type: expected a material id (a-z, then a-z, 0-9 or _), got "
	     "\"Photo\""},
	    {"{\"note\": \"x\", \"documents\": [{\"type\": \"photo\"}, {\"type\": \"unicorn\"}]}",
	     PD_EINPUT,
	     "body:1:48: documents[1].type: unknown material \"unicorn\" for the tianjin policy"},
	    {"{\"documents\": [{\"type\": \"photo\", \"issued\": \"2026-13-01\"}]}", PD_EINPUT,
	     "body:1:44: documents[0].issued: expected a date YYYY-MM-DD, got \"2026-13-01\""},
	    {"{\"documents\": {}}", PD_EINPUT,
	     "body:1:15: documents: expected an array, got an object"},
	    {"{}", PD_EINPUT, "body:1:1: documents: missing required field"},
	    {"{\"documents\": [], \"extra\": 1}", PD_EINPUT,
	     "body:1:19: extra: unknown field; expected one of documents, note"},
	    {"{\"documents\": [], \"note\": \"\"}", PD_EINPUT,
	     "body:1:27: note: expected a non-empty string, got \"\""},
	    {"[]", PD_EINPUT, "body:1:1: expected an object at the top level, got an array"},
	};
	struct pd_act_result res;
	struct pd_error err;
	char *before = show(c.id), got[1200];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = set_documents(c.id, "ann", rows[i].body, "2026-09-26", &res, &err);
		pd_error_format(&err, got, sizeof(got));
		if (rc != PD_FAIL(rows[i].code) || strcmp(got, rows[i].expected) != 0)
			fail_msg("row %zu: got %d %s\n want %s", i, rc, got, rows[i].expected);
		assert_int_equal(res.audit_seq, 0);
	}
	/* a note longer than 4096 bytes */
	char body[5000];
	snprintf(body, sizeof(body), "{\"documents\": [], \"note\": \"%04097d\"}", 0);
	assert_int_equal(set_documents(c.id, "ann", body, "2026-09-26", &res, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(err.path, "note");
	char *after = show(c.id);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_documents_who_and_when(void **state)
{
	struct pd_case_ref c = create("ann", CASE_WITH_PHOTO, "2026-09-25");
	const char *body = "{\"documents\": [{\"type\": \"photo\"}]}";
	struct pd_act_result res;
	struct pd_error err;
	char *before = show(c.id);

	assert_int_equal(set_documents(c.id, "bob", body, "2026-09-26", &res, &err),
	                 PD_FAIL(PD_EFORBIDDEN));
	assert_string_equal(err.message, "case tianjin-2026-000005 was not filed by bob");
	assert_int_equal(set_documents(c.id, "rita", body, "2026-09-26", &res, &err),
	                 PD_FAIL(PD_EFORBIDDEN));
	assert_string_equal(err.message, "a reviewer may not change the documents of a case");
	assert_int_equal(set_documents(c.id, "adam", body, "2026-09-26", &res, &err),
	                 PD_FAIL(PD_EFORBIDDEN));
	assert_int_equal(set_documents(c.id, "ann", body, "2026-09-24", &res, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_string_equal(err.message,
	                    "2026-09-24 is before the case's last action (2026-09-25)");
	assert_int_equal(set_documents(c.id, "ann", body, "2027-01-01", &res, &err),
	                 PD_FAIL(PD_EINPUT));
	assert_int_equal(set_documents("00000000000000000000000000000000", "ann", body,
	                               "2026-09-26", &res, &err),
	                 PD_FAIL(PD_ENOTFOUND));
	char *after = show(c.id);
	assert_string_equal(before, after);
	free(before);
	free(after);

	/* open until decided: officers and supervisors in review, nobody once approved */
	act(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-09-25");
	act(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28");
	act(c.id, "rita", PD_ACTION_ASSIGN, NULL, "2026-09-28");
	assert_int_equal(set_documents(c.id, "sam", body, "2026-09-29", &res, &err), 0);
	assert_int_equal(res.to, PD_STATE_IN_REVIEW);
	assert_string_equal(res.receipt_number, "tianjin-2026-R000003");
	act(c.id, "rita", PD_ACTION_APPROVE, NULL, "2026-09-29");
	assert_int_equal(set_documents(c.id, "olga", body, "2026-09-30", &res, &err),
	                 PD_FAIL(PD_ESTATE));
	assert_string_equal(
	    err.message, "cannot change the documents of case tianjin-2026-000005: it is approved");
}

/* ---- fixture ---- */

static int setup(void **state)
{
	static const char *const users[][2] = {
	    {"ann", "applicant"}, {"bob", "agent"},      {"olga", "officer"},
	    {"rita", "reviewer"}, {"sam", "supervisor"}, {"adam", "admin"},
	};
	char path[600];
	struct pd_error err = {0};
	setenv("PERMITDESK_TODAY", "2026-11-20", 1);
	if (!mkdtemp(dir))
		return -1;
	snprintf(policy_dir, sizeof(policy_dir), "%s/policy", dir);
	pdt_location(db_path, sizeof(db_path), dir, "office.db");
	if (mkdir(policy_dir, 0700))
		return -1;
	snprintf(path, sizeof(path), "%s/tianjin", policy_dir);
	if (symlink(PD_TEST_DATA_DIR "/data/policy-workflow/tianjin", path))
		return -1;
	snprintf(path, sizeof(path), "%s/calendar", policy_dir);
	if (symlink(PD_TEST_POLICY_DIR "/calendar", path))
		return -1;
	if (pd_policy_load(policy_dir, &pol, NULL, &err) ||
	    pd_store_open(db_path, PD_STORE_CREATE, &store, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	if (pdt_insert_users(store, users, sizeof(users) / sizeof(users[0]), &err))
		return -1;
	pd_workflow_init(&wf, store, pol);
	/* The changes here are dated weeks before the test's today, as paper
	 * records entered late: every role may, with a reason (the rules of
	 * back-dating have tests of their own, test_trust.c). */
	struct pd_actor adam = {"adam", PD_ROLE_ADMIN};
	if (pd_setting_set(store, &adam, "backdate_roles",
	                   "applicant,agent,officer,reviewer,supervisor,admin", &err) ||
	    pd_setting_set(store, &adam, "backdate_days", "3650", &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	wf.reason = PAPER;
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	pd_store_close(store);
	pd_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resubmission_keeps_result_and_case_deadlines_equal),
	    cmocka_unit_test(test_documents_replaced),
	    cmocka_unit_test(test_documents_added_when_absent),
	    cmocka_unit_test(test_documents_errors_in_the_body),
	    cmocka_unit_test(test_documents_who_and_when),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
