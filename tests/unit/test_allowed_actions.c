/*
 * test_allowed_actions.c: pd_workflow_allowed_actions() against
 * pd_workflow_act(), as a property over the whole table.  For every role,
 * every state, every action, and every way a case can belong to the actor
 * (filed by them, by another, or by another and accepted by them, which the
 * separation of duties governs; unassigned, assigned to them or to someone
 * else), a
 * fresh case is put in the store in that state, with what the action's own
 * conditions need (an open task to complete, a failed one to revoke on, the
 * state to return to after a supplement) and data that is valid for it.  Then
 * allowed_actions says yes exactly when act succeeds, and when it says no,
 * act refuses for the actor or the state (-PD_EFORBIDDEN or -PD_ESTATE) and
 * not for anything else.  Also the capability table, and that
 * pd_workflow_create() asks it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "store_fixture.h"
#include "permitdesk/workflow.h"

static char dir[] = "/tmp/pd-test-allowed-XXXXXX";

/* Every case is eligible; no pack deadline, so no calendar is needed. */
static int stand_in(void *ctx, const char *name, const char *json, size_t len, pd_date today,
                    pd_date date, struct pd_arena *arena, struct pd_assessment *out,
                    struct pd_error *err)
{
	memset(out, 0, sizeof(*out));
	out->verdict = PD_VERDICT_ELIGIBLE;
	out->pack = "tianjin";
	out->version = "test";
	out->date = date != PD_DATE_NONE ? date : today;
	out->processing_days = -1;
	out->receipt_days = -1;
	out->result_json = "{\"verdict\":\"eligible\"}";
	out->materials_json = "[]";
	return 0;
}

/* One user of each role, and spares to own and be assigned cases. */
static const struct {
	const char *name;
	enum pd_role role;
} people[] = {
    {"app", PD_ROLE_APPLICANT},   {"agt", PD_ROLE_AGENT},      {"off", PD_ROLE_OFFICER},
    {"rev", PD_ROLE_REVIEWER},    {"sup", PD_ROLE_SUPERVISOR}, {"adm", PD_ROLE_ADMIN},
    {"other", PD_ROLE_APPLICANT}, {"rev2", PD_ROLE_REVIEWER},  {"spare", PD_ROLE_REVIEWER},
};

/* BY_ACTOR_ACCEPTED: filed by another and accepted by the actor (the
 * separation of duties: an accept entry by the actor in the trail) */
enum owner { BY_ACTOR, BY_OTHER, BY_ACTOR_ACCEPTED, OWNER_COUNT };
enum assigned { NOBODY, TO_ACTOR, TO_OTHER };

static struct pd_store *store;
static int serial;

static void must(int rc, const struct pd_error *err, const char *what)
{
	if (rc)
		fail_msg("%s: %s", what, err->message);
}

static void setup_people(void)
{
	struct pd_store_user u = {.password_hash = "$argon2id$none", .created_at = 1};
	struct pd_error err = {0};
	must(pd_store_begin(store, PD_TXN_WRITE, &err), &err, "begin");
	for (size_t i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		u.name = people[i].name;
		u.role = pd_role_name(people[i].role);
		must(pd_store_user_insert(store, &u, &err), &err, "user");
	}
	must(pd_store_commit(store, &err), &err, "commit");
}

struct trial {
	const struct pd_actor *actor;
	enum pd_state state;
	enum pd_action action;
	enum owner owner;
	enum assigned assigned;
	char id[PD_CASE_ID_LEN + 1];
};

static const char *owner_name[] = {"filed by the actor", "filed by another",
                                   "filed by another, accepted by the actor"};
static const char *assigned_name[] = {"unassigned", "assigned to the actor", "assigned to another"};

/* Puts a fresh case in the trial's state with what the action needs. */
static void make_case(struct trial *t)
{
	struct pd_error err = {0};
	char number[32];
	pd_date past = pd_today() - 10;
	snprintf(t->id, sizeof(t->id), "%032x", ++serial);
	snprintf(number, sizeof(number), "t-%d", serial);
	struct pd_store_case c = {
	    .id = t->id,
	    .number = number,
	    .pack = "tianjin",
	    .pack_version = "test",
	    .state = pd_state_name(t->state),
	    .created_by = t->owner == BY_ACTOR ? t->actor->name : "other",
	    .created_on = past,
	    .updated_on = past,
	    .case_json = "{}",
	    .result_json = "{\"verdict\":\"eligible\"}",
	    .verdict = "eligible",
	    .assignee = t->assigned == NOBODY     ? NULL
	                : t->assigned == TO_ACTOR ? t->actor->name
	                                          : "rev2",
	    .accepted_on = PD_DATE_NONE,
	    .receipt_valid_until = PD_DATE_NONE,
	    .decision_by = PD_DATE_NONE,
	    .processing_days = -1,
	    .receipt_days = -1,
	    .supplement_from = t->state == PD_STATE_AWAITING_SUPPLEMENT ? "submitted" : NULL,
	    .supplement_since = t->state == PD_STATE_AWAITING_SUPPLEMENT ? past : PD_DATE_NONE,
	    .decided_on = PD_DATE_NONE,
	    .revision = 1,
	};
	must(pd_store_case_insert(store, &c, &err), &err, "case");
	if (t->owner == BY_ACTOR_ACCEPTED) {
		/* who accepted is what the trail says (pd_store_case.accepted_by) */
		struct pd_store_audit e = {
		    .case_id = t->id,
		    .action = "accept",
		    .actor = t->actor->name,
		    .role = pd_role_name(t->actor->role),
		    .at = past,
		    .recorded_at = 1,
		    .to_state = "accepted",
		    .hash = "0000000000000000000000000000000000000000000000000000000000000000",
		};
		must(pd_store_audit_head(store, &e.seq, e.prev_hash, &err), &err, "head");
		e.seq++;
		must(pd_store_audit_append(store, &e, &err), &err, "accept entry");
	}
	if (t->action == PD_ACTION_COMPLETE_TASK || t->action == PD_ACTION_REVOKE) {
		bool done = t->action == PD_ACTION_REVOKE; /* a failed check to revoke on */
		struct pd_store_task task = {
		    .case_id = t->id,
		    .kind = "interview",
		    .created_on = past,
		    .created_by = "sup",
		    .due = PD_DATE_NONE,
		    .outcome = done ? "failed" : NULL,
		    .completed_on = done ? past : PD_DATE_NONE,
		    .completed_by = done ? "sup" : NULL,
		};
		must(pd_store_task_insert(store, &task, NULL, &err), &err, "task");
	}
}

/* Data with which the action's own conditions hold. */
static const char *data_for(const struct trial *t)
{
	switch (t->action) {
	case PD_ACTION_ASSIGN:
		return t->actor->role == PD_ROLE_REVIEWER ? "{\"to\":\"rev\"}"
		                                          : "{\"to\":\"spare\"}";
	case PD_ACTION_ADD_TASK:
		return "{\"kind\":\"telephone\"}";
	case PD_ACTION_COMPLETE_TASK:
		return "{\"task\":1,\"outcome\":\"passed\"}";
	case PD_ACTION_REVOKE:
		return "{\"ground\":\"failed_verification\"}";
	case PD_ACTION_COLLECT:
		return "{\"method\":\"post\",\"address\":\"6 Meiyuan Road, Tianjin\"}";
	default:
		return NULL;
	}
}

static void test_allowed_actions_match_act(void **state)
{
	static struct trial
	    trials[PD_ROLE_COUNT * PD_STATE_COUNT * PD_ACTION_COUNT * OWNER_COUNT * 3];
	static struct pd_actor actors[PD_ROLE_COUNT];
	struct pd_workflow wf = {store, NULL, stand_in, NULL, NULL};
	struct pd_error err = {0};
	size_t n = 0, said_yes = 0;

	for (int r = 0; r < PD_ROLE_COUNT; r++) {
		snprintf(actors[r].name, sizeof(actors[r].name), "%s", people[r].name);
		actors[r].role = people[r].role;
	}
	must(pd_store_begin(store, PD_TXN_WRITE, &err), &err, "begin");
	for (int r = 0; r < PD_ROLE_COUNT; r++)
		for (int st = 0; st < PD_STATE_COUNT; st++)
			for (int a = 0; a < PD_ACTION_COUNT; a++)
				for (int o = 0; o < OWNER_COUNT; o++)
					for (int as = 0; as < 3; as++) {
						struct trial *t = &trials[n++];
						t->actor = &actors[r];
						t->state = (enum pd_state)st;
						t->action = (enum pd_action)a;
						t->owner = (enum owner)o;
						t->assigned = (enum assigned)as;
						make_case(t);
					}
	must(pd_store_commit(store, &err), &err, "commit");

	for (size_t i = 0; i < n; i++) {
		struct trial *t = &trials[i];
		struct pd_arena arena;
		struct pd_store_case c;
		struct pd_act_result res;
		const char *data = data_for(t);
		struct pd_act act = {t->action,    NULL, data, data ? strlen(data) : 0,
		                     PD_DATE_NONE, NULL};

		pd_arena_init(&arena, 4096, 0);
		must(pd_store_case_get(store, t->id, &arena, &c, &err), &err, "get");
		bool allowed = pd_workflow_allowed_actions(t->actor, &c) & (1u << t->action);
		int rc = pd_workflow_act(&wf, t->actor, t->id, &act, &res, &err);
		pd_arena_free(&arena);
		said_yes += allowed;
		if (allowed && rc != 0)
			fail_msg("%s %s %s (%s, %s): allowed, but act refused: %s",
			         pd_role_name(t->actor->role), pd_action_name(t->action),
			         pd_state_name(t->state), owner_name[t->owner],
			         assigned_name[t->assigned], err.message);
		if (!allowed && rc == 0)
			fail_msg("%s %s %s (%s, %s): not allowed, but act did it",
			         pd_role_name(t->actor->role), pd_action_name(t->action),
			         pd_state_name(t->state), owner_name[t->owner],
			         assigned_name[t->assigned]);
		if (!allowed && rc != -PD_EFORBIDDEN && rc != -PD_ESTATE)
			fail_msg("%s %s %s (%s, %s): refused for another reason: %s",
			         pd_role_name(t->actor->role), pd_action_name(t->action),
			         pd_state_name(t->state), owner_name[t->owner],
			         assigned_name[t->assigned], err.message);
	}
	/* every row of the table was reached by some role */
	size_t rows;
	const struct pd_transition *table = pd_transitions(&rows);
	for (size_t k = 0; k < rows; k++) {
		bool reached = false;
		for (size_t i = 0; i < n && !reached; i++)
			reached =
			    trials[i].state == table[k].from && trials[i].action == table[k].action;
		assert_true(reached);
	}
	assert_true(said_yes > rows);
}

/* A few answers spelled out, so that the property above is not only about
 * agreement between two functions that might both be wrong. */
static void test_allowed_actions_examples(void **state)
{
	struct pd_actor app = {"app", PD_ROLE_APPLICANT}, rev = {"rev", PD_ROLE_REVIEWER},
	                sup = {"sup", PD_ROLE_SUPERVISOR}, adm = {"adm", PD_ROLE_ADMIN};
	struct pd_store_case c = {.number = "t", .created_by = "app", .state = "draft"};
	unsigned bit_submit = 1u << PD_ACTION_SUBMIT;

	assert_int_equal(pd_workflow_allowed_actions(&app, &c), bit_submit);
	c.created_by = "other";
	assert_int_equal(pd_workflow_allowed_actions(&app, &c), 0);
	assert_int_equal(pd_workflow_allowed_actions(&adm, &c), 0);

	c.state = "in_review";
	c.assignee = "rev";
	unsigned review = 1u << PD_ACTION_REQUEST_SUPPLEMENT | 1u << PD_ACTION_ADD_TASK |
	                  1u << PD_ACTION_COMPLETE_TASK | 1u << PD_ACTION_APPROVE |
	                  1u << PD_ACTION_REJECT | 1u << PD_ACTION_REVOKE;
	assert_int_equal(pd_workflow_allowed_actions(&rev, &c), review);
	assert_int_equal(pd_workflow_allowed_actions(&sup, &c), review | 1u << PD_ACTION_ASSIGN);
	c.assignee = "rev2";
	assert_int_equal(pd_workflow_allowed_actions(&rev, &c), 0);

	c.state = "awaiting_supplement";
	c.created_by = "app";
	assert_int_equal(pd_workflow_allowed_actions(&app, &c), 0); /* nowhere to return to */
	c.supplement_from = "accepted";
	assert_int_equal(pd_workflow_allowed_actions(&app, &c), 1u << PD_ACTION_RESUBMIT);
	c.state = "no such state";
	assert_int_equal(pd_workflow_allowed_actions(&app, &c), 0);
}

static void test_capabilities(void **state)
{
	/* role: case_create case_read case_documents audit_read users appointments */
	static const char *const expect[PD_ROLE_COUNT] = {
	    [PD_ROLE_APPLICANT] = "111000",  [PD_ROLE_AGENT] = "111000",
	    [PD_ROLE_OFFICER] = "111101",    [PD_ROLE_REVIEWER] = "010101",
	    [PD_ROLE_SUPERVISOR] = "111101", [PD_ROLE_ADMIN] = "010110",
	};
	for (int r = 0; r < PD_ROLE_COUNT; r++)
		for (int k = 0; k < PD_CAP_COUNT; k++)
			if (pd_role_can((enum pd_role)r, (enum pd_cap)k) != (expect[r][k] == '1'))
				fail_msg("%s %s: expected %c", pd_role_name((enum pd_role)r),
				         pd_cap_name((enum pd_cap)k), expect[r][k]);
	assert_string_equal(pd_cap_name(PD_CAP_CASE_DOCUMENTS), "case_documents");
	assert_string_equal(pd_cap_name(PD_CAP_COUNT), "?");
	assert_false(pd_role_can(PD_ROLE_COUNT, PD_CAP_CASE_READ));
	assert_false(pd_role_can(PD_ROLE_ADMIN, PD_CAP_COUNT));
}

static void test_create_asks_the_capability(void **state)
{
	struct pd_workflow wf = {store, NULL, stand_in, NULL, NULL};
	for (int r = 0; r < PD_ROLE_COUNT; r++) {
		struct pd_actor a;
		struct pd_case_ref ref;
		struct pd_error err = {0};
		snprintf(a.name, sizeof(a.name), "%s", people[r].name);
		a.role = people[r].role;
		int rc = pd_workflow_create(&wf, &a, "case.json", "{}", 2, PD_DATE_NONE, NULL, &ref,
		                            &err);
		if (pd_role_can(a.role, PD_CAP_CASE_CREATE))
			assert_int_equal(rc, 0);
		else
			assert_int_equal(rc, -PD_EFORBIDDEN);
	}
}

static int setup(void **state)
{
	char file[512];
	struct pd_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	pdt_location(file, sizeof(file), dir, "office.db");
	if (pd_store_open(file, PD_STORE_CREATE, &store, &err))
		return -1;
	setup_people();
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	pd_store_close(store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_allowed_actions_match_act),
	    cmocka_unit_test(test_allowed_actions_examples),
	    cmocka_unit_test(test_capabilities),
	    cmocka_unit_test(test_create_asks_the_capability),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
