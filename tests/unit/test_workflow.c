/*
 * test_workflow.c: the case state machine over a real SQLite store and the
 * official calendar, with a stand-in assessor so that the workflow is tested
 * apart from any policy pack.
 *
 * The first test walks the whole transition table: every state, every
 * action, every role.  An allowed one must succeed and append one audit
 * entry; a refused one must fail with exit code 65 and leave the database's
 * content exactly as it was (a digest of every row of every table).  The
 * others pin deadlines (the Tianjin example of the issue), supplements,
 * tasks and revocation, decisions, users and passwords, and the JSON views.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "permitdesk/calendar.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"
#include "store_fixture.h"

static char dir[] = "/tmp/pd-test-workflow-XXXXXX";
static char db_path[512];
static struct pd_store *store;
static struct pd_calendar *cal;
static struct pd_workflow wf;
static struct pdt_raw second; /* a second connection, for digests and tampering */
static sqlite3 *raw;          /* second.lite, on SQLite */

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

/* ---- a stand-in assessor ---- */

/* The verdict is the first of these words found in the case text; eligible
 * otherwise.  "broken" makes the case invalid input. */
static pd_date last_eval_date;
static int evaluations;

static int fake_assess(void *ctx, const char *name, const char *json, size_t len, pd_date today,
                       pd_date date, struct pd_arena *arena, struct pd_assessment *out,
                       struct pd_error *err)
{
	char *text = pd_arena_strndup(arena, json, len);
	static const char *const words[] = {"ineligible", "incomplete", "unknown"};
	memset(out, 0, sizeof(*out));
	evaluations++;
	if (strstr(text, "broken"))
		return pd_error_at(err, PD_EINPUT, name, 1, 2, "applicant", "broken case");
	out->verdict = PD_VERDICT_ELIGIBLE;
	for (int i = 0; i < 3; i++)
		if (strstr(text, words[i]))
			out->verdict = i == 0   ? PD_VERDICT_INELIGIBLE
			               : i == 1 ? PD_VERDICT_INCOMPLETE
			                        : PD_VERDICT_UNKNOWN;
	out->pack = strstr(text, "shenzhen") ? "shenzhen" : "tianjin";
	out->version = "test-v1";
	out->date = date != PD_DATE_NONE ? date : today;
	last_eval_date = out->date;
	out->processing_days = strstr(text, "no-deadline") ? -1 : 5;
	out->receipt_days = strstr(text, "no-deadline") ? -1 : 15;
	char d[11];
	pd_date_format(out->date, d);
	out->result_json = pd_arena_printf(arena, "{\"verdict\":\"%s\",\"date\":\"%s\"}",
	                                   pd_verdict_name(out->verdict), d);
	out->materials_json = out->verdict == PD_VERDICT_INCOMPLETE
	                          ? "[{\"id\":\"photo\",\"status\":\"missing\"}]"
	                          : "[{\"id\":\"passport\",\"status\":\"provided\"}]";
	return 0;
}

/* ---- helpers ---- */

static const char *const CASE_OK = "{\"jurisdiction\":\"tianjin\"}";
static const char *const CASE_INCOMPLETE =
    "{\"jurisdiction\":\"tianjin\",\"extra\":\"incomplete\"}";

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
#define POSTAL                                                                                     \
	"{\"method\":\"post\",\"address\":\"Room 5, 6 Meiyuan Road, Tianjin; Ann Lee, "            \
	"13800000000\"}"

static struct pd_case_ref create_as(const char *user, const char *json, const char *at)
{
	struct pd_actor a = as(user);
	struct pd_case_ref ref;
	struct pd_error err = {0};
	int rc = pd_workflow_create(&wf, &a, "case.json", json, strlen(json),
	                            at ? D(at) : D("2026-09-28"), NULL, &ref, &err);
	if (rc)
		fail_msg("create: %s", err.message);
	return ref;
}

static int try_act(const char *id, const char *user, enum pd_action action, const char *data,
                   const char *at, struct pd_act_result *res, struct pd_error *err)
{
	struct pd_actor a = as(user);
	struct pd_act act = {
	    .action = action,
	    .data = data,
	    .data_len = data ? strlen(data) : 0,
	    .at = at ? D(at) : D("2026-09-28"),
	    .note = "note",
	    .reason = PAPER,
	};
	struct pd_act_result dummy;
	return pd_workflow_act(&wf, &a, id, &act, res ? res : &dummy, err);
}

static void act_ok(const char *id, const char *user, enum pd_action action, const char *data,
                   const char *at, struct pd_act_result *res)
{
	struct pd_error err = {0};
	int rc = try_act(id, user, action, data, at, res, &err);
	if (rc) {
		char msg[1200];
		pd_error_format(&err, msg, sizeof(msg));
		fail_msg("%s by %s: %s", pd_action_name(action), user, msg);
	}
}

/* Digest of every row of every table, in a fixed order. */
struct table_names {
	char name[32][64];
	int n;
};

static void add_table(void *ctx, const char *v, size_t len)
{
	struct table_names *t = ctx;
	assert_true(t->n < 32);
	snprintf(t->name[t->n++], sizeof(t->name[0]), "%s", v);
}

static void hash_value(void *ctx, const char *v, size_t len)
{
	crypto_generichash_update(
	    ctx, v ? (const unsigned char *)v : (const unsigned char *)"\1NULL", v ? len + 1 : 6);
}

static void digest(unsigned char out[32])
{
	crypto_generichash_state h;
	struct table_names t = {.n = 0};
	crypto_generichash_init(&h, NULL, 0, 32);
	assert_int_equal(pdt_raw_each(&second, PDT_TABLES_SQL, add_table, &t), 0);
	for (int i = 0; i < t.n; i++) {
		char sql[200];
		crypto_generichash_update(&h, (const unsigned char *)t.name[i],
		                          strlen(t.name[i]) + 1);
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1, 2", t.name[i]);
		assert_int_equal(pdt_raw_each(&second, sql, hash_value, &h), 0);
	}
	crypto_generichash_final(&h, out, 32);
}

static int64_t audit_head(void)
{
	int64_t seq;
	char hash[PD_STORE_HASH_HEX];
	assert_int_equal(pd_store_audit_head(store, &seq, hash, NULL), 0);
	return seq;
}

/* ---- the table itself ---- */

static void test_table_shape(void **state)
{
	size_t n;
	const struct pd_transition *t = pd_transitions(&n);
	bool reached[PD_STATE_COUNT] = {[PD_STATE_DRAFT] = true};
	bool used[PD_ACTION_COUNT] = {0};
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_int_not_equal(t[i].roles, 0);
		assert_false(t[i].roles & PD_ROLE_BIT(PD_ROLE_ADMIN)); /* admins manage users */
		assert_ptr_equal(pd_transition_find(t[i].from, t[i].action),
		                 &t[i]); /* no duplicate */
		used[t[i].action] = true;
	}
	for (int a = 0; a < PD_ACTION_COUNT; a++)
		assert_true(used[a]);
	for (int pass = 0; pass < PD_STATE_COUNT; pass++)
		for (size_t i = 0; i < n; i++)
			if (reached[t[i].from] && t[i].to < PD_STATE_COUNT)
				reached[t[i].to] = true;
	for (int s = 0; s < PD_STATE_COUNT; s++)
		assert_true(reached[s]);
	/* final states */
	for (size_t i = 0; i < n; i++) {
		assert_int_not_equal(t[i].from, PD_STATE_REJECTED);
		assert_int_not_equal(t[i].from, PD_STATE_REVOKED);
		assert_int_not_equal(t[i].from, PD_STATE_COLLECTED);
	}
	/* names round-trip */
	for (int s = 0; s < PD_STATE_COUNT; s++) {
		enum pd_state back;
		assert_int_equal(pd_state_parse(pd_state_name((enum pd_state)s), &back), 0);
		assert_int_equal(back, s);
	}
	enum pd_action act;
	assert_int_equal(pd_action_parse("approve", &act), 0);
	assert_int_equal(act, PD_ACTION_APPROVE);
	assert_int_equal(pd_action_parse("frobnicate", &act), -1);
}

/* ---- every transition, allowed and refused, by role ---- */

static const char *const role_user[PD_ROLE_COUNT] = {
    [PD_ROLE_APPLICANT] = "ann", [PD_ROLE_AGENT] = "bob",      [PD_ROLE_OFFICER] = "olga",
    [PD_ROLE_REVIEWER] = "rita", [PD_ROLE_SUPERVISOR] = "sam", [PD_ROLE_ADMIN] = "adam",
};

/* Brings a new case, filed by `filer`, to state s; for an action about to be
 * taken in review, prepares what it needs (an open task, a backing task). */
static struct pd_case_ref case_in(enum pd_state s, const char *filer, enum pd_action next)
{
	const char *creator = strcmp(filer, "bob") == 0 ? "bob" : "ann";
	struct pd_case_ref r = create_as(creator, CASE_OK, NULL);
	const char *id = r.id;
	if (s == PD_STATE_DRAFT)
		return r;
	act_ok(id, creator, PD_ACTION_SUBMIT, NULL, NULL, NULL);
	if (s == PD_STATE_SUBMITTED)
		return r;
	if (s == PD_STATE_AWAITING_SUPPLEMENT) {
		act_ok(id, "olga", PD_ACTION_REQUEST_SUPPLEMENT, NULL, NULL, NULL);
		return r;
	}
	act_ok(id, "olga", PD_ACTION_ACCEPT, NULL, NULL, NULL);
	if (s == PD_STATE_ACCEPTED)
		return r;
	act_ok(id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"rita\"}", NULL, NULL);
	if (s == PD_STATE_IN_REVIEW) {
		if (next == PD_ACTION_COMPLETE_TASK)
			act_ok(id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"interview\"}", NULL,
			       NULL);
		if (next == PD_ACTION_REVOKE) {
			act_ok(id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"telephone\"}", NULL,
			       NULL);
			act_ok(id, "rita", PD_ACTION_COMPLETE_TASK,
			       "{\"task\":1,\"outcome\":\"unreachable\"}", NULL, NULL);
		}
		return r;
	}
	if (s == PD_STATE_REJECTED) {
		act_ok(id, "rita", PD_ACTION_REJECT, NULL, NULL, NULL);
		return r;
	}
	if (s == PD_STATE_REVOKED) {
		act_ok(id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"on_site_check\"}", NULL, NULL);
		act_ok(id, "rita", PD_ACTION_COMPLETE_TASK, "{\"task\":1,\"outcome\":\"failed\"}",
		       NULL, NULL);
		act_ok(id, "rita", PD_ACTION_REVOKE, "{\"ground\":\"failed_verification\"}", NULL,
		       NULL);
		return r;
	}
	act_ok(id, "rita", PD_ACTION_APPROVE, NULL, NULL, NULL);
	if (s == PD_STATE_APPROVED)
		return r;
	act_ok(id, "olga", PD_ACTION_ISSUE, NULL, NULL, NULL);
	if (s == PD_STATE_ISSUED)
		return r;
	act_ok(id, "olga", PD_ACTION_COLLECT, POSTAL, NULL, NULL);
	return r;
}

/* Valid data for each action, so that a refusal is about state or role. */
static const char *data_for(enum pd_action a, enum pd_state s)
{
	switch (a) {
	case PD_ACTION_ASSIGN:
		return s == PD_STATE_IN_REVIEW ? "{\"to\":\"rick\"}" : "{\"to\":\"rita\"}";
	case PD_ACTION_ADD_TASK:
		return "{\"kind\":\"interview\"}";
	case PD_ACTION_COMPLETE_TASK:
		return "{\"task\":1,\"outcome\":\"passed\"}";
	case PD_ACTION_REVOKE:
		return "{\"ground\":\"unreachable_telephone\"}";
	case PD_ACTION_COLLECT:
		return "{\"method\":\"in_person\"}";
	default:
		return NULL;
	}
}

static void test_every_transition(void **state)
{
	int allowed = 0, refused = 0;
	/* one case per state and filer for the refusals: a refusal changes nothing */
	struct pd_case_ref by_ann[PD_STATE_COUNT], by_bob[PD_STATE_COUNT];
	for (int s = 0; s < PD_STATE_COUNT; s++) {
		by_ann[s] = case_in((enum pd_state)s, "ann", PD_ACTION_COUNT);
		by_bob[s] = case_in((enum pd_state)s, "bob", PD_ACTION_COUNT);
	}
	for (int s = 0; s < PD_STATE_COUNT; s++) {
		for (int a = 0; a < PD_ACTION_COUNT; a++) {
			const struct pd_transition *row =
			    pd_transition_find((enum pd_state)s, (enum pd_action)a);
			for (int r = 0; r < PD_ROLE_COUNT; r++) {
				const char *user = role_user[r];
				bool ok = row && (row->roles & PD_ROLE_BIT(r));
				const char *data = data_for((enum pd_action)a, (enum pd_state)s);
				struct pd_act_result res;
				struct pd_error err = {0};
				if (ok) {
					struct pd_case_ref c =
					    case_in((enum pd_state)s, user, (enum pd_action)a);
					int64_t before = audit_head();
					int rc = try_act(c.id, user, (enum pd_action)a, data, NULL,
					                 &res, &err);
					if (rc)
						fail_msg("%s -%s-> by %s refused: %s",
						         pd_state_name((enum pd_state)s),
						         pd_action_name((enum pd_action)a), user,
						         err.message);
					assert_int_equal(res.from, s);
					if (row->to != PD_STATE_RETURN)
						assert_int_equal(res.to, row->to);
					else
						assert_int_equal(res.to, PD_STATE_SUBMITTED);
					assert_int_equal(res.audit_seq, before + 1);
					assert_int_equal(audit_head(), before + 1);
					allowed++;
				} else {
					struct pd_case_ref *c =
					    r == PD_ROLE_AGENT ? &by_bob[s] : &by_ann[s];
					unsigned char d0[32], d1[32];
					digest(d0);
					int rc = try_act(c->id, user, (enum pd_action)a, data, NULL,
					                 &res, &err);
					if (rc == 0)
						fail_msg("%s -%s-> by %s was allowed",
						         pd_state_name((enum pd_state)s),
						         pd_action_name((enum pd_action)a), user);
					/* 65 for the state, 77 for the role (sysexits.h NOPERM) */
					assert_int_equal(pd_error_exit_code(err.code),
					                 err.code == PD_ESTATE ? 65 : 77);
					if (!row)
						assert_true(err.code == PD_ESTATE ||
						            err.code == PD_EFORBIDDEN);
					else
						assert_int_equal(err.code, PD_EFORBIDDEN);
					assert_int_equal(res.audit_seq, 0);
					digest(d1);
					if (memcmp(d0, d1, 32) != 0)
						fail_msg(
						    "refused %s -%s-> by %s changed the database",
						    pd_state_name((enum pd_state)s),
						    pd_action_name((enum pd_action)a), user);
					refused++;
				}
			}
		}
	}
	size_t n;
	pd_transitions(&n);
	assert_true(allowed >= (int)n);
	assert_int_equal(allowed + refused, PD_STATE_COUNT * PD_ACTION_COUNT * PD_ROLE_COUNT);
}

/* The error of a refusal says why: the state, or the role. */
static void test_refusal_messages(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_DRAFT, "ann", PD_ACTION_COUNT);
	struct pd_error err = {0};
	char want[200];
	assert_int_equal(try_act(c.id, "olga", PD_ACTION_APPROVE, NULL, NULL, NULL, &err),
	                 -PD_EFORBIDDEN);
	assert_string_equal(err.message, "an officer may not approve");
	assert_int_equal(try_act(c.id, "olga", PD_ACTION_ACCEPT, NULL, NULL, NULL, &err),
	                 -PD_ESTATE);
	snprintf(want, sizeof(want), "cannot accept case %s: it is draft", c.number);
	assert_string_equal(err.message, want);
	assert_int_equal(try_act(c.id, "alice", PD_ACTION_SUBMIT, NULL, NULL, NULL, &err),
	                 -PD_EFORBIDDEN);
	snprintf(want, sizeof(want), "case %s was not filed by alice", c.number);
	assert_string_equal(err.message, want);
	assert_int_equal(try_act("0000", "olga", PD_ACTION_ACCEPT, NULL, NULL, NULL, &err),
	                 -PD_ENOTFOUND);
	assert_int_equal(pd_error_exit_code(err.code), 66);
}

static void test_reviewer_must_be_assignee(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_IN_REVIEW, "ann", PD_ACTION_COUNT);
	struct pd_case_ref c2 = case_in(PD_STATE_ACCEPTED, "ann", PD_ACTION_COUNT);
	struct pd_error err = {0};
	unsigned char d0[32], d1[32];
	digest(d0);
	assert_int_equal(try_act(c.id, "rick", PD_ACTION_APPROVE, NULL, NULL, NULL, &err),
	                 -PD_EFORBIDDEN);
	assert_non_null(strstr(err.message, "is assigned to rita, not rick"));
	/* a reviewer assigns only themselves */
	assert_int_equal(
	    try_act(c2.id, "rick", PD_ACTION_ASSIGN, "{\"to\":\"rita\"}", NULL, NULL, &err),
	    -PD_EFORBIDDEN);
	/* only reviewers and supervisors can be assigned */
	assert_int_equal(
	    try_act(c2.id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"olga\"}", NULL, NULL, &err),
	    -PD_EINPUT);
	assert_string_equal(err.path, "data.to");
	assert_int_equal(
	    try_act(c2.id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"nobody\"}", NULL, NULL, &err),
	    -PD_EINPUT);
	digest(d1);
	assert_memory_equal(d0, d1, 32);
	/* the supervisor reassigns; then rick may decide */
	act_ok(c.id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"rick\"}", NULL, NULL);
	assert_int_equal(try_act(c.id, "rick", PD_ACTION_ASSIGN, NULL, NULL, NULL, &err),
	                 -PD_EFORBIDDEN); /* in review: supervisors only */
	act_ok(c.id, "rick", PD_ACTION_APPROVE, NULL, NULL, NULL);
	/* self-assignment without data */
	act_ok(c2.id, "rick", PD_ACTION_ASSIGN, NULL, NULL, NULL);
}

static void test_who_creates(void **state)
{
	struct pd_actor admin = as("adam"), rev = as("rita");
	struct pd_case_ref ref;
	struct pd_error err = {0};
	unsigned char d0[32], d1[32];
	digest(d0);
	assert_int_equal(pd_workflow_create(&wf, &admin, "c.json", CASE_OK, strlen(CASE_OK),
	                                    D("2026-09-28"), NULL, &ref, &err),
	                 -PD_EFORBIDDEN);
	assert_int_equal(pd_workflow_create(&wf, &rev, "c.json", CASE_OK, strlen(CASE_OK),
	                                    D("2026-09-28"), NULL, &ref, &err),
	                 -PD_EFORBIDDEN);
	struct pd_actor ann = as("ann");
	const char *bad = "{\"broken\":1}";
	assert_int_equal(pd_workflow_create(&wf, &ann, "c.json", bad, strlen(bad), D("2026-09-28"),
	                                    NULL, &ref, &err),
	                 -PD_EINPUT);
	assert_string_equal(err.file, "c.json");
	digest(d1);
	assert_memory_equal(d0, d1, 32);
}

/* ---- ids and numbers ---- */

static void test_ids_and_numbers(void **state)
{
	struct pd_case_ref a = create_as("ann", "{\"jurisdiction\":\"shenzhen\"}", "2026-03-01");
	struct pd_case_ref b = create_as("ann", "{\"jurisdiction\":\"shenzhen\"}", "2026-03-01");
	struct pd_case_ref c = create_as("ann", "{\"jurisdiction\":\"shenzhen\"}", "2025-12-31");
	assert_int_equal(strlen(a.id), PD_CASE_ID_LEN);
	assert_int_equal(strspn(a.id, "0123456789abcdef"), PD_CASE_ID_LEN);
	assert_string_not_equal(a.id, b.id);
	assert_string_equal(a.number, "shenzhen-2026-000001");
	assert_string_equal(b.number, "shenzhen-2026-000002");
	assert_string_equal(c.number, "shenzhen-2025-000001");
	assert_int_equal(a.state, PD_STATE_DRAFT);
}

/* ---- deadlines ---- */

/* The issue's example: accepted 2026-09-28 in Tianjin (5 working days) is due
 * 2026-10-10, a make-up working day after the National Day holiday. */
static void test_tianjin_deadline(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_SUBMITTED, "ann", PD_ACTION_COUNT);
	struct pd_act_result res;
	act_ok(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28", &res);
	assert_int_equal(last_eval_date, D("2026-09-28")); /* evaluated as of acceptance */
	assert_int_equal(res.decision_by, D("2026-10-10"));
	assert_int_equal(res.receipt_valid_until, D("2026-10-23")); /* 15 working days */
	assert_int_equal(strncmp(res.receipt_number, "tianjin-2026-R", 14), 0);
	assert_int_equal(strlen(res.receipt_number), strlen("tianjin-2026-R000001"));
	assert_int_equal(pd_workflow_deadline(cal, D("2026-09-28"), 5, 0, NULL), D("2026-10-10"));
	assert_int_equal(pd_workflow_deadline(cal, D("2026-09-28"), -1, 0, NULL), PD_DATE_NONE);
}

/* A supplement asked on the second working day after acceptance and answered
 * six working days later moves the decision date by six working days. */
static void test_supplement_pauses_deadline(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_SUBMITTED, "ann", PD_ACTION_COUNT);
	struct pd_act_result res;
	act_ok(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28", &res);
	assert_int_equal(res.decision_by, D("2026-10-10"));
	pd_date day2 = pd_calendar_add(cal, D("2026-09-28"), 2, NULL);
	assert_int_equal(day2, D("2026-09-30"));
	act_ok(c.id, "olga", PD_ACTION_REQUEST_SUPPLEMENT, NULL, "2026-09-30", &res);
	assert_int_equal(res.to, PD_STATE_AWAITING_SUPPLEMENT);
	assert_int_equal(res.item, 1); /* notice 1 */
	pd_date answered = pd_calendar_add(cal, day2, 6, NULL);
	assert_int_equal(answered, D("2026-10-14"));
	act_ok(c.id, "ann", PD_ACTION_RESUBMIT, NULL, "2026-10-14", &res);
	assert_int_equal(res.to, PD_STATE_ACCEPTED);
	assert_int_equal(res.decision_by, pd_calendar_add(cal, D("2026-10-10"), 6, NULL));
	assert_int_equal(res.decision_by, D("2026-10-19"));
	assert_int_equal(res.receipt_valid_until, pd_calendar_add(cal, D("2026-10-23"), 6, NULL));

	/* a second pause, in review this time, adds up; back to in_review */
	act_ok(c.id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"rita\"}", "2026-10-15", NULL);
	act_ok(c.id, "rita", PD_ACTION_REQUEST_SUPPLEMENT, NULL, "2026-10-15", &res);
	act_ok(c.id, "ann", PD_ACTION_RESUBMIT, NULL, "2026-10-16", &res);
	assert_int_equal(res.to, PD_STATE_IN_REVIEW);
	assert_int_equal(res.decision_by, D("2026-10-20"));

	struct pd_arena a;
	struct pd_store_case row;
	pd_arena_init(&a, 0, 0);
	assert_int_equal(pd_store_case_get(store, c.id, &a, &row, NULL), 0);
	assert_int_equal(row.paused_days, 7);
	assert_null(row.supplement_from);
	assert_string_equal(row.assignee, "rita");
	pd_arena_free(&a);
}

/* Before acceptance nothing runs, so nothing pauses. */
static void test_supplement_before_acceptance(void **state)
{
	struct pd_case_ref c = create_as("ann", CASE_INCOMPLETE, "2026-09-01");
	struct pd_act_result res;
	struct pd_error err = {0};
	act_ok(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-09-01", NULL);
	/* materials missing: no acceptance, the one-time notice instead */
	unsigned char d0[32], d1[32];
	digest(d0);
	assert_int_equal(try_act(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-01", NULL, &err),
	                 -PD_ESTATE);
	assert_non_null(strstr(err.message, "one-time notice"));
	digest(d1);
	assert_memory_equal(d0, d1, 32);
	act_ok(c.id, "olga", PD_ACTION_REQUEST_SUPPLEMENT, NULL, "2026-09-01", &res);
	assert_int_equal(res.verdict, PD_VERDICT_INCOMPLETE);
	/* the supplemented case replaces the old one */
	act_ok(c.id, "ann", PD_ACTION_RESUBMIT, "{\"case\":{\"jurisdiction\":\"tianjin\"}}",
	       "2026-09-10", &res);
	assert_int_equal(res.to, PD_STATE_SUBMITTED);
	assert_int_equal(res.verdict, PD_VERDICT_ELIGIBLE);
	assert_int_equal(res.decision_by, PD_DATE_NONE);
	act_ok(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-10", &res);
	assert_int_equal(res.decision_by, pd_calendar_add(cal, D("2026-09-10"), 5, NULL));

	/* the notice keeps the materials list of that moment, answered on resubmission */
	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &out, NULL), 0);
	assert_non_null(strstr(out.data, "\"notices\":[{\"n\":1,\"issued_on\":\"2026-09-01\","
	                                 "\"issued_by\":\"olga\",\"note\":\"note\","
	                                 "\"answered_on\":\"2026-09-10\",\"materials\":[{\"id\":"
	                                 "\"photo\",\"status\":\"missing\"}]}]"));
	assert_non_null(strstr(out.data, "\"facts\":{\"jurisdiction\":\"tianjin\"}"));
	pd_buf_free(&out);
}

/* ---- tasks, revocation, decisions ---- */

/* Completing a task without a note of its own keeps the note it was added
 * with: a copy, read after the store's walk over the tasks has ended (the
 * walk's records live only during its callback). */
static void test_complete_task_keeps_its_note(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_IN_REVIEW, "ann", PD_ACTION_COUNT);
	struct pd_actor rita = as("rita");
	struct pd_error err = {0};
	struct pd_act_result res;
	struct pd_act add = {.action = PD_ACTION_ADD_TASK,
	                     .data = "{\"kind\":\"telephone\",\"note\":\"call after 6 pm\"}",
	                     .at = D("2026-09-28"),
	                     .reason = PAPER};
	add.data_len = strlen(add.data);
	assert_int_equal(pd_workflow_act(&wf, &rita, c.id, &add, &res, &err), 0);
	struct pd_act done = {.action = PD_ACTION_COMPLETE_TASK,
	                      .data = "{\"task\":1,\"outcome\":\"passed\"}",
	                      .at = D("2026-09-28"),
	                      .reason = PAPER};
	done.data_len = strlen(done.data);
	if (pd_workflow_act(&wf, &rita, c.id, &done, &res, &err))
		fail_msg("complete_task: %s", err.message);
	struct pd_buf view;
	pd_buf_init(&view, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &view, &err), 0);
	pd_buf_putc(&view, '\0');
	assert_non_null(strstr(view.data, "call after 6 pm"));
	pd_buf_free(&view);
}

static void test_tasks_and_revocation(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_IN_REVIEW, "ann", PD_ACTION_COUNT);
	struct pd_act_result res;
	struct pd_error err = {0};
	unsigned char d0[32], d1[32];

	act_ok(c.id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"telephone\",\"due\":\"2026-10-02\"}",
	       NULL, &res);
	assert_int_equal(res.item, 1);
	assert_int_equal(res.to, PD_STATE_IN_REVIEW);
	act_ok(c.id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"interview\"}", NULL, &res);
	assert_int_equal(res.item, 2);

	digest(d0);
	assert_int_equal(
	    try_act(c.id, "rita", PD_ACTION_ADD_TASK, "{\"kind\":\"visit\"}", NULL, NULL, &err),
	    -PD_EINPUT);
	assert_string_equal(err.path, "data.kind");
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_ADD_TASK, NULL, NULL, NULL, &err),
	                 -PD_EINPUT);
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_COMPLETE_TASK,
	                         "{\"task\":1,\"outcome\":\"missed\"}", NULL, NULL, &err),
	                 -PD_EINPUT); /* missed: interviews only */
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_COMPLETE_TASK,
	                         "{\"task\":9,\"outcome\":\"passed\"}", NULL, NULL, &err),
	                 -PD_EINPUT);
	/* no ground found yet */
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_REVOKE,
	                         "{\"ground\":\"unreachable_telephone\"}", NULL, NULL, &err),
	                 -PD_ESTATE);
	assert_int_equal(
	    try_act(c.id, "rita", PD_ACTION_REVOKE, "{\"ground\":\"rudeness\"}", NULL, NULL, &err),
	    -PD_EINPUT);
	/* approval waits for the tasks */
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_APPROVE, NULL, NULL, NULL, &err),
	                 -PD_ESTATE);
	assert_string_equal(err.message, "task 1 (telephone) is still open");
	digest(d1);
	assert_memory_equal(d0, d1, 32);

	act_ok(c.id, "olga", PD_ACTION_COMPLETE_TASK, "{\"task\":1,\"outcome\":\"passed\"}", NULL,
	       &res);
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_COMPLETE_TASK,
	                         "{\"task\":1,\"outcome\":\"failed\"}", NULL, NULL, &err),
	                 -PD_ESTATE); /* already done */
	act_ok(c.id, "rita", PD_ACTION_COMPLETE_TASK, "{\"task\":2,\"outcome\":\"missed\"}", NULL,
	       &res);
	/* a missed interview does not back an unreachable telephone */
	assert_int_equal(try_act(c.id, "rita", PD_ACTION_REVOKE,
	                         "{\"ground\":\"unreachable_telephone\"}", NULL, NULL, &err),
	                 -PD_ESTATE);
	act_ok(c.id, "rita", PD_ACTION_REVOKE, "{\"ground\":\"missed_interview\"}", "2026-10-05",
	       &res);
	assert_int_equal(res.to, PD_STATE_REVOKED);
	assert_int_equal(res.item, 1); /* decision 1 */

	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &out, NULL), 0);
	assert_non_null(strstr(out.data,
	                       "\"decisions\":[{\"n\":1,\"action\":\"revoke\","
	                       "\"decided_on\":\"2026-10-05\",\"decided_by\":\"rita\","
	                       "\"verdict\":\"eligible\",\"ground\":\"missed_interview\""));
	assert_non_null(strstr(out.data, "\"policy\":{\"pack\":\"tianjin\",\"version\":\"test-v1\"}"
	                                 ",\"facts\":{\"jurisdiction\":\"tianjin\"},\"result\":{"));
	assert_non_null(strstr(out.data, "\"outcome\":\"missed\""));
	assert_non_null(strstr(out.data, "\"state\":\"revoked\""));
	pd_buf_free(&out);
}

static void test_approve_needs_a_good_verdict(void **state)
{
	/* An ineligible case can be accepted and reviewed, but not approved. */
	struct pd_case_ref c =
	    create_as("ann", "{\"jurisdiction\":\"tianjin\",\"x\":\"ineligible\"}", NULL);
	struct pd_error err = {0};
	act_ok(c.id, "ann", PD_ACTION_SUBMIT, NULL, NULL, NULL);
	act_ok(c.id, "olga", PD_ACTION_ACCEPT, NULL, NULL, NULL);
	act_ok(c.id, "sam", PD_ACTION_ASSIGN, "{\"to\":\"sam\"}", NULL, NULL);
	assert_int_equal(try_act(c.id, "sam", PD_ACTION_APPROVE, NULL, NULL, NULL, &err),
	                 -PD_ESTATE);
	assert_string_equal(err.message, "cannot approve: the evaluation says ineligible");
	act_ok(c.id, "sam", PD_ACTION_REJECT, NULL, NULL, NULL);

	/* Open questions are the reviewer's to settle. */
	struct pd_case_ref u =
	    create_as("ann", "{\"jurisdiction\":\"tianjin\",\"x\":\"unknown\"}", NULL);
	struct pd_act_result res;
	act_ok(u.id, "ann", PD_ACTION_SUBMIT, NULL, NULL, NULL);
	act_ok(u.id, "olga", PD_ACTION_ACCEPT, NULL, NULL, NULL);
	act_ok(u.id, "rita", PD_ACTION_ASSIGN, NULL, NULL, NULL);
	act_ok(u.id, "rita", PD_ACTION_APPROVE, NULL, NULL, &res);
	assert_int_equal(res.verdict, PD_VERDICT_UNKNOWN);
	act_ok(u.id, "sam", PD_ACTION_ISSUE, NULL, NULL, NULL);
	assert_int_equal(try_act(u.id, "olga", PD_ACTION_COLLECT, NULL, NULL, NULL, &err),
	                 -PD_EINPUT); /* in person or by post? */
	act_ok(u.id, "olga", PD_ACTION_COLLECT, "{\"method\":\"in_person\"}", NULL, &res);
	assert_int_equal(res.to, PD_STATE_COLLECTED);
}

/* Collection by post needs the postal address (000 "support postal
 * delivery"); in person takes none. */
static void test_collect_by_post(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_ISSUED, "ann", PD_ACTION_COUNT);
	struct pd_error err = {0};
	struct pd_act_result res;
	static const char *const refused[][2] = {
	    {"{\"method\":\"post\"}", "collection by post needs data.address"},
	    {"{\"method\":\"post\",\"address\":\" \\n \"}",
	     "collection by post needs data.address"},
	    {"{\"method\":\"in_person\",\"address\":\"6 Meiyuan Road\"}",
	     "data.address is for collection by post only, not in_person"},
	    {"{\"method\":\"post\",\"address\":7}", "expected a non-empty string, got 7"},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(
		    try_act(c.id, "olga", PD_ACTION_COLLECT, refused[i][0], NULL, NULL, &err),
		    -PD_EINPUT);
		if (!strstr(err.message, refused[i][1]) || strcmp(err.path, "data.address") != 0)
			fail_msg("%s: %s (%s)", refused[i][0], err.message, err.path);
	}
	act_ok(c.id, "olga", PD_ACTION_COLLECT,
	       "{\"method\":\"post\",\"address\":\"天津市华苑产业园区梅苑路6号 \\\"B\\\" 李安\"}",
	       NULL, &res);
	assert_int_equal(res.to, PD_STATE_COLLECTED);
	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &out, NULL), 0);
	assert_non_null(strstr(out.data, "\"collect_method\":\"post\",\"collect_address\":"
	                                 "\"天津市华苑产业园区梅苑路6号 \\\"B\\\" 李安\""));
	pd_buf_free(&out);

	/* in person: no address, and the view says so */
	struct pd_case_ref d = case_in(PD_STATE_ISSUED, "ann", PD_ACTION_COUNT);
	act_ok(d.id, "olga", PD_ACTION_COLLECT, "{\"method\":\"in_person\"}", NULL, NULL);
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, d.id, false, &out, NULL), 0);
	assert_non_null(
	    strstr(out.data, "\"collect_method\":\"in_person\",\"collect_address\":null"));
	pd_buf_free(&out);
}

/* ---- dates and data ---- */

static void test_at_rules(void **state)
{
	struct pd_case_ref c = create_as("ann", CASE_OK, "2026-09-10");
	struct pd_error err = {0};
	assert_int_equal(try_act(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-09-09", NULL, &err),
	                 -PD_EINPUT);
	assert_string_equal(err.path, "at");
	assert_string_equal(err.message,
	                    "2026-09-09 is before the case's last action (2026-09-10)");
	assert_int_equal(try_act(c.id, "ann", PD_ACTION_SUBMIT, NULL, "2026-12-01", NULL, &err),
	                 -PD_EINPUT);
	assert_string_equal(err.message, "2026-12-01 is in the future (today is 2026-11-20): a "
	                                 "change cannot be dated after today");
	struct pd_actor ann = as("ann");
	struct pd_case_ref ref;
	assert_int_equal(pd_workflow_create(&wf, &ann, "c.json", CASE_OK, strlen(CASE_OK),
	                                    D("2027-01-01"), NULL, &ref, &err),
	                 -PD_EINPUT);
	/* default: today (PERMITDESK_TODAY) */
	struct pd_act act = {.action = PD_ACTION_SUBMIT, .at = PD_DATE_NONE};
	struct pd_act_result res;
	assert_int_equal(pd_workflow_act(&wf, &ann, c.id, &act, &res, &err), 0);
	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &out, NULL), 0);
	assert_non_null(strstr(out.data, "\"updated_on\":\"2026-11-20\""));
	pd_buf_free(&out);
}

static void test_data_checked(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_IN_REVIEW, "ann", PD_ACTION_COUNT);
	struct pd_error err = {0};
	static const struct {
		enum pd_action a;
		const char *data, *path, *msg;
	} rows[] = {
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"interview\",\"when\":1}", "data.when",
	     "unknown field; expected one of kind, due, note, reason"},
	    {PD_ACTION_ADD_TASK, "{\"kind\":3}", "data.kind",
	     "expected a word (no spaces or escapes), got 3"},
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"interview\",\"kind\":\"interview\"}", "data.kind",
	     "duplicate field"},
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"interview\",\"due\":\"2026-02-30\"}", "data.due",
	     "expected a date YYYY-MM-DD, got \"2026-02-30\""},
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"interview\",\"due\":\"2026-09-01\"}", "data.due",
	     "a task cannot be due before it is added"},
	    {PD_ACTION_ADD_TASK, "[1]", "data",
	     "expected an object at the top level, got an array"},
	    {PD_ACTION_ADD_TASK, "{\"kind\":", "data.kind", "expected a value, got end of input"},
	    {PD_ACTION_ADD_TASK, "{} {}", "data",
	     "expected end of input after the top-level object, got '{'"},
	    {PD_ACTION_COMPLETE_TASK, "{\"task\":0,\"outcome\":\"passed\"}", "data.task",
	     "expected an integer from 1 to 2147483647, got 0"},
	    {PD_ACTION_COMPLETE_TASK, "{\"task\":\"1\",\"outcome\":\"passed\"}", "data.task",
	     "expected an integer from 1 to 2147483647, got \"1\""},
	    {PD_ACTION_COMPLETE_TASK, "{\"outcome\":\"passed\"}", "data.task",
	     "complete_task needs data.task"},
	    {PD_ACTION_APPROVE, "{\"ok\":true}", "data.ok",
	     "unknown field; expected one of note, reason, override"},
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"inter\\u0076iew\"}", "data.kind",
	     "expected a word (no spaces or escapes), got \"inter\\u0076iew\""},
	    {PD_ACTION_ADD_TASK, "{\"kind\":\"interview\",\"note\":\"\"}", "data.note",
	     "expected a non-empty string, got \"\""},
	};
	unsigned char d0[32], d1[32];
	digest(d0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&err, 0, sizeof(err));
		int rc = try_act(c.id, "rita", rows[i].a, rows[i].data, NULL, NULL, &err);
		if (rc != -PD_EINPUT || strcmp(err.path, rows[i].path) != 0 ||
		    strcmp(err.message, rows[i].msg) != 0)
			fail_msg("%s: got %d %s: %s", rows[i].data, rc, err.path, err.message);
	}
	digest(d1);
	assert_memory_equal(d0, d1, 32);
}

/* ---- users ---- */

static void test_users_and_passwords(void **state)
{
	struct pd_error err = {0};
	struct pd_actor who, admin = as("adam"), officer = as("olga");
	int64_t before = audit_head();
	assert_int_equal(pd_user_add(store, &admin, "nina", PD_ROLE_OFFICER, "correct horse", 13,
	                             D("2026-09-01"), &err),
	                 0);
	assert_int_equal(audit_head(), before + 1);
	assert_int_equal(pd_user_authenticate(store, "nina", "correct horse", 13, &who, &err), 0);
	assert_string_equal(who.name, "nina");
	assert_int_equal(who.role, PD_ROLE_OFFICER);
	assert_int_equal(pd_user_authenticate(store, "nina", "correct horsE", 13, &who, &err),
	                 -PD_EAUTH);
	assert_int_equal(pd_user_authenticate(store, "nobody", "correct horse", 13, &who, &err),
	                 -PD_EAUTH);
	assert_string_equal(err.message, "wrong user name or password");

	unsigned char d0[32], d1[32];
	digest(d0);
	assert_int_equal(pd_user_add(store, &officer, "nick", PD_ROLE_ADMIN, "longenough", 10,
	                             PD_DATE_NONE, &err),
	                 -PD_EFORBIDDEN);
	assert_int_equal(
	    pd_user_add(store, NULL, "nina", PD_ROLE_OFFICER, "longenough", 10, PD_DATE_NONE, &err),
	    -PD_ECONFLICT);
	assert_int_equal(pd_user_add(store, NULL, "bad name", PD_ROLE_OFFICER, "longenough", 10,
	                             PD_DATE_NONE, &err),
	                 -PD_EINPUT);
	assert_int_equal(
	    pd_user_add(store, NULL, "short", PD_ROLE_OFFICER, "short", 5, PD_DATE_NONE, &err),
	    -PD_EINPUT);
	digest(d1);
	assert_memory_equal(d0, d1, 32);

	/* the hash is argon2id, never the password */
	struct pd_arena a;
	struct pd_store_user u;
	pd_arena_init(&a, 0, 0);
	assert_int_equal(pd_store_user_get(store, "nina", &a, &u, NULL), 0);
	assert_int_equal(strncmp(u.password_hash, "$argon2id$", 10), 0);
	assert_null(strstr(u.password_hash, "correct horse"));
	pd_arena_free(&a);
	assert_int_equal(pd_workflow_actor(store, "nobody", &who, &err), -PD_EAUTH);
}

/* ---- views ---- */

static void test_list_overdue(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_SUBMITTED, "ann", PD_ACTION_COUNT);
	act_ok(c.id, "olga", PD_ACTION_ACCEPT, NULL, "2026-09-28", NULL); /* due 2026-10-10 */
	struct pd_buf out;
	struct pd_error err = {0};
	char want[200];
	pd_buf_init(&out, 0);
	struct pd_case_query q = {.overdue = true, .as_of = D("2026-10-10")};
	assert_int_equal(pd_workflow_list_json(store, &q, false, &out, NULL), 0);
	assert_null(strstr(out.data, c.number)); /* due today: not yet late */
	pd_buf_reset(&out);
	q.as_of = D("2026-10-11");
	assert_int_equal(pd_workflow_list_json(store, &q, false, &out, NULL), 0);
	snprintf(want, sizeof(want), "\"number\":\"%s\",\"state\":\"accepted\"", c.number);
	assert_non_null(strstr(out.data, want));
	assert_non_null(strstr(out.data, "\"overdue\":true"));
	assert_null(strstr(out.data, "\"overdue\":false"));
	assert_int_equal(strncmp(out.data, "{\"as_of\":\"2026-10-11\",\"cases\":[", 31), 0);
	pd_buf_reset(&out);
	q = (struct pd_case_query){.state = "collected", .as_of = PD_DATE_NONE};
	assert_int_equal(pd_workflow_list_json(store, &q, false, &out, NULL), 0);
	assert_null(strstr(out.data, "\"state\":\"accepted\""));
	pd_buf_reset(&out);
	q.state = "lost";
	assert_int_equal(pd_workflow_list_json(store, &q, false, &out, &err), -PD_EINPUT);
	/* an applicant sees only the cases they filed */
	struct pd_actor bob = as("bob");
	pd_buf_reset(&out);
	q = (struct pd_case_query){.visible_to = &bob, .as_of = PD_DATE_NONE};
	assert_int_equal(pd_workflow_list_json(store, &q, false, &out, NULL), 0);
	assert_null(strstr(out.data, "\"created_by\":\"ann\""));
	assert_non_null(strstr(out.data, "\"created_by\":\"bob\""));
	pd_buf_free(&out);
}

static void test_show_history(void **state)
{
	struct pd_case_ref c = case_in(PD_STATE_COLLECTED, "ann", PD_ACTION_COUNT);
	struct pd_buf out;
	pd_buf_init(&out, 0);
	assert_int_equal(pd_workflow_case_json(store, c.id, false, &out, NULL), 0);
	const char *order[] = {"\"action\":\"create\"",  "\"action\":\"submit\"",
	                       "\"action\":\"accept\"",  "\"action\":\"assign\"",
	                       "\"action\":\"approve\"", "\"action\":\"issue\"",
	                       "\"action\":\"collect\""};
	const char *p = strstr(out.data, "\"history\":[");
	assert_non_null(p);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *q = strstr(p, order[i]);
		if (!q)
			fail_msg("history lacks %s", order[i]);
		p = q;
	}
	assert_non_null(strstr(out.data,
	                       "\"from\":\"issued\",\"to\":\"collected\",\"note\":\"note\","
	                       "\"data\":{\"backdated\":{\"reason\":\"" PAPER "\",\"days\":53},"
	                       "\"method\":\"post\",\"address\":\"Room 5, 6 Meiyuan Road, "
	                       "Tianjin; Ann Lee, 13800000000\"}"));
	assert_non_null(strstr(out.data, "\"collect_method\":\"post\",\"collect_address\":"
	                                 "\"Room 5, 6 Meiyuan Road, Tianjin; Ann Lee, "
	                                 "13800000000\""));
	assert_non_null(strstr(out.data, "\"recorded_at\":\"20"));
	pd_buf_free(&out);
	assert_int_equal(pd_workflow_case_json(store, "missing", false, &out, NULL), -PD_ENOTFOUND);
}

/* ---- the audit chain ---- */

static void test_audit_verifies(void **state)
{
	struct pd_audit_report r;
	struct pd_buf out;
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	if (!r.ok)
		fail_msg("audit: %lld %s", (long long)r.first_bad, r.reason);
	assert_int_equal(r.entries, audit_head());
	assert_int_equal(strlen(r.head), 64);
	pd_buf_init(&out, 0);
	assert_int_equal(pd_audit_report_json(&r, &out), 0);
	assert_int_equal(strncmp(out.data, "{\"ok\":true,\"entries\":", 21), 0);
	assert_non_null(strstr(out.data, "\"first_bad\":null}"));
	pd_buf_free(&out);
}

static void raw_exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static void expect_bad(int64_t seq, const char *reason_part)
{
	struct pd_audit_report r;
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	assert_false(r.ok);
	if (r.first_bad != seq || !strstr(r.reason, reason_part))
		fail_msg("expected entry %lld (%s), got %lld: %s", (long long)seq, reason_part,
		         (long long)r.first_bad, r.reason);
}

static void saved(int64_t seq)
{
	char sql[200];
	raw_exec("DROP TABLE IF EXISTS temp.keep");
	snprintf(sql, sizeof(sql), "CREATE TEMP TABLE keep AS SELECT * FROM audit WHERE seq = %lld",
	         (long long)seq);
	raw_exec(sql);
}

static void restored(void)
{
	struct pd_audit_report r;
	raw_exec("INSERT OR REPLACE INTO audit SELECT * FROM temp.keep");
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	if (!r.ok)
		fail_msg("not mended: %s", r.reason);
}

/* Runs last: it breaks the trail on purpose, then mends it (SQLite's SQL). */
static void test_audit_tamper(void **state)
{
	if (!raw)
		skip();
	int64_t head = audit_head();
	char sql[300];
	/* change one row */
	saved(5);
	raw_exec("UPDATE audit SET note = 'nothing happened' WHERE seq = 5");
	expect_bad(5, "entry 5 was changed");
	restored();
	saved(7);
	raw_exec("UPDATE audit SET at = '2026-01-01' WHERE seq = 7");
	expect_bad(7, "entry 7 was changed");
	restored();
	saved(8);
	raw_exec("UPDATE audit SET actor = 'sam', role = 'supervisor' WHERE seq = 8");
	expect_bad(8, "entry 8 was changed");
	restored();
	/* delete one row, in the middle and at the end */
	saved(9);
	raw_exec("DELETE FROM audit WHERE seq = 9");
	expect_bad(9, "entry 9 is missing");
	restored();
	saved(head);
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = %lld", (long long)head);
	raw_exec(sql);
	expect_bad(head, "is missing");
	restored();
	/* insert a row at the end: a made-up one, and one forged to link to the last */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO audit SELECT seq + 1, case_id, 'approve', actor, role, at, "
	         "recorded_at, from_state, to_state, note, data, hash, hash FROM audit "
	         "WHERE seq = %lld",
	         (long long)head);
	raw_exec(sql);
	expect_bad(head + 1, "was changed");
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = %lld", (long long)head + 1);
	raw_exec(sql);
	struct pd_store_audit forged = {.seq = head + 1,
	                                .action = "user_add",
	                                .actor = "mallory",
	                                .role = "admin",
	                                .at = D("2026-09-28"),
	                                .recorded_at = 1};
	assert_int_equal(pd_store_audit_head(store, &forged.seq, forged.prev_hash, NULL), 0);
	forged.seq++;
	pd_audit_hash(&forged, forged.hash);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO audit (seq, action, actor, role, at, recorded_at, prev_hash, hash) "
	         "VALUES (%lld, 'user_add', 'mallory', 'admin', '2026-09-28', 1, '%s', '%s')",
	         (long long)forged.seq, forged.prev_hash, forged.hash);
	raw_exec(sql);
	/* hashed without the audit key, it does not even match its own contents */
	expect_bad(head + 1, "rehashed without the audit key");
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE seq = %lld", (long long)head + 1);
	raw_exec(sql);
	/* insert a row in the middle: renumbering the rest breaks every hash */
	saved(3);
	raw_exec("UPDATE audit SET seq = seq + 1000000 WHERE seq >= 3");
	raw_exec("UPDATE audit SET seq = seq - 1000000 + 1 WHERE seq >= 1000000");
	raw_exec("INSERT INTO audit SELECT * FROM temp.keep");
	expect_bad(4, "entry 4");
	raw_exec("DELETE FROM audit WHERE seq = 3");
	raw_exec("UPDATE audit SET seq = seq + 1000000 WHERE seq >= 4");
	raw_exec("UPDATE audit SET seq = seq - 1000000 - 1 WHERE seq >= 1000000");
	restored();
	/* a case whose state was changed behind the trail's back */
	raw_exec("UPDATE cases SET state = 'approved' WHERE rowid = 1");
	/* its creation is entry 3: the fixture's two settings are 1 and 2 */
	expect_bad(3, "is 'approved' but its last audit entry (3) leaves it 'draft'");
	raw_exec("UPDATE cases SET state = 'draft' WHERE rowid = 1");
	restored();
	/* a postal address changed behind the trail's back */
	struct pd_audit_report r;
	raw_exec("CREATE TEMP TABLE addr AS SELECT id, collect_address FROM cases "
	         "WHERE collect_address IS NOT NULL LIMIT 1");
	raw_exec("UPDATE cases SET collect_address = 'elsewhere' "
	         "WHERE id = (SELECT id FROM temp.addr)");
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	assert_false(r.ok);
	if (!strstr(r.reason, "its collect_address column is 'elsewhere' but audit entry"))
		fail_msg("%s", r.reason);
	raw_exec("UPDATE cases SET collect_address = (SELECT collect_address FROM temp.addr) "
	         "WHERE id = (SELECT id FROM temp.addr)");
	restored();
}

/* ---- fixture ---- */

static int setup(void **state)
{
	struct pd_error err = {0};
	setenv("PERMITDESK_TODAY", "2026-11-20", 1);
	if (!mkdtemp(dir))
		return -1;
	pdt_location(db_path, sizeof(db_path), dir, "wf.db");
	if (pd_policy_calendar_load(PD_TEST_POLICY_DIR, &cal, &err) ||
	    pd_store_open(db_path, PD_STORE_CREATE, &store, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	wf = (struct pd_workflow){store, cal, fake_assess, NULL, NULL};
	/* Users straight into the store: argon2id for each would make the test slow;
	 * pd_user_add has a test of its own. */
	static const char *const users[][2] = {
	    {"ann", "applicant"},  {"alice", "applicant"}, {"bob", "agent"},
	    {"olga", "officer"},   {"rita", "reviewer"},   {"rick", "reviewer"},
	    {"sam", "supervisor"}, {"adam", "admin"},
	};
	if (pdt_insert_users(store, users, sizeof(users) / sizeof(users[0]), &err))
		return -1;
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
	if (pdt_raw_open(db_path, &second))
		return -1;
	raw = second.lite;
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	pdt_raw_close(&second);
	pd_store_close(store);
	pd_calendar_free(cal);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_shape),
	    cmocka_unit_test(test_every_transition),
	    cmocka_unit_test(test_complete_task_keeps_its_note),
	    cmocka_unit_test(test_refusal_messages),
	    cmocka_unit_test(test_reviewer_must_be_assignee),
	    cmocka_unit_test(test_who_creates),
	    cmocka_unit_test(test_ids_and_numbers),
	    cmocka_unit_test(test_tianjin_deadline),
	    cmocka_unit_test(test_supplement_pauses_deadline),
	    cmocka_unit_test(test_supplement_before_acceptance),
	    cmocka_unit_test(test_tasks_and_revocation),
	    cmocka_unit_test(test_approve_needs_a_good_verdict),
	    cmocka_unit_test(test_collect_by_post),
	    cmocka_unit_test(test_at_rules),
	    cmocka_unit_test(test_data_checked),
	    cmocka_unit_test(test_users_and_passwords),
	    cmocka_unit_test(test_list_overdue),
	    cmocka_unit_test(test_show_history),
	    cmocka_unit_test(test_audit_verifies),
	    cmocka_unit_test(test_audit_tamper),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
