/*
 * test_transition_matrix.c: the whole transition matrix (state x action x
 * role) of transitions.c against tests/data/transitions.tsv, a second table
 * written from docs/internals/workflow.md; and which cases each role may
 * read (pd_workflow_may_read) against tests/data/visibility.tsv.  A row
 * widened or narrowed in one place and not the other fails here, naming the
 * cell.  Also the separation of duties as pd_workflow_allowed_actions() and
 * wf_separation() apply it, with and without an override.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/workflow.h"
#include "workflow/workflow_int.h"

#define MAX_LINE 512

/* expected[from][action]: the roles allowed (bits), and where it goes */
static unsigned expected_roles[PD_STATE_COUNT][PD_ACTION_COUNT];
static int expected_to[PD_STATE_COUNT][PD_ACTION_COUNT];

static unsigned parse_roles(const char *list, int line)
{
	unsigned roles = 0;
	char buf[MAX_LINE];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		enum pd_role r;
		if (pd_role_parse(w, &r) != 0)
			fail_msg("transitions.tsv:%d: no role '%s'", line, w);
		roles |= PD_ROLE_BIT(r);
	}
	return roles;
}

static void load_table(void)
{
	FILE *f = fopen(PD_TEST_DATA_DIR "/data/transitions.tsv", "r");
	char line[MAX_LINE];
	int n = 0;
	assert_non_null(f);
	memset(expected_roles, 0, sizeof(expected_roles));
	while (fgets(line, sizeof(line), f)) {
		char from[64], action[64], to[64], roles[256];
		enum pd_state s, t = PD_STATE_RETURN;
		enum pd_action a;
		n++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63[^\t]\t%63[^\t]\t%63[^\t]\t%255[^\t\n]", from, action, to,
		           roles) != 4)
			fail_msg("transitions.tsv:%d: expected from, action, to, roles", n);
		if (pd_state_parse(from, &s) != 0 || pd_action_parse(action, &a) != 0 ||
		    (strcmp(to, "return") != 0 && pd_state_parse(to, &t) != 0))
			fail_msg("transitions.tsv:%d: unknown state or action", n);
		if (expected_roles[s][a])
			fail_msg("transitions.tsv:%d: %s %s twice", n, from, action);
		expected_roles[s][a] = parse_roles(roles, n);
		expected_to[s][a] = (int)t;
	}
	fclose(f);
}

static void test_every_cell(void **state)
{
	(void)state;
	load_table();
	int cells = 0, allowed = 0;
	for (int s = 0; s < PD_STATE_COUNT; s++)
		for (int a = 0; a < PD_ACTION_COUNT; a++) {
			const struct pd_transition *t =
			    pd_transition_find((enum pd_state)s, (enum pd_action)a);
			for (int r = 0; r < PD_ROLE_COUNT; r++) {
				bool want = (expected_roles[s][a] & PD_ROLE_BIT(r)) != 0;
				bool got = t && (t->roles & PD_ROLE_BIT(r));
				cells++;
				allowed += got;
				if (want != got)
					fail_msg("%s -%s-> by %s: the code %s it, the table %s it",
					         pd_state_name((enum pd_state)s),
					         pd_action_name((enum pd_action)a),
					         pd_role_name((enum pd_role)r),
					         got ? "allows" : "refuses",
					         want ? "allows" : "refuses");
			}
			if (t && (int)t->to != expected_to[s][a])
				fail_msg("%s -%s-> goes to %d, the table says %d",
				         pd_state_name((enum pd_state)s),
				         pd_action_name((enum pd_action)a), (int)t->to,
				         expected_to[s][a]);
		}
	assert_int_equal(cells, PD_STATE_COUNT * PD_ACTION_COUNT * PD_ROLE_COUNT);
	assert_int_equal(allowed, 33); /* the sum of the roles of the 15 rows */
}

static void test_who_reads_what(void **state)
{
	(void)state;
	FILE *f = fopen(PD_TEST_DATA_DIR "/data/visibility.tsv", "r");
	char line[MAX_LINE];
	int seen = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char role[64], reads[64];
		enum pd_role r;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		assert_int_equal(sscanf(line, "%63[^\t]\t%63[^\t\n]", role, reads), 2);
		assert_int_equal(pd_role_parse(role, &r), 0);
		struct pd_actor me = {.role = r};
		snprintf(me.name, sizeof(me.name), "%s", "me");
		struct pd_store_case mine = {.id = "1", .number = "n-1", .created_by = "me"};
		struct pd_store_case theirs = {.id = "2", .number = "n-2", .created_by = "someone"};
		bool all = strcmp(reads, "all") == 0;
		if (!pd_workflow_may_read(&me, &mine))
			fail_msg("%s may not read its own case", role);
		if (pd_workflow_may_read(&me, &theirs) != all)
			fail_msg("%s %s read another's case", role, all ? "may not" : "may");
		seen |= 1 << r;
	}
	fclose(f);
	assert_int_equal(seen, (1 << PD_ROLE_COUNT) - 1);
}

static void test_separation_of_duties(void **state)
{
	(void)state;
	struct pd_settings on, off;
	struct pd_error err = {0};
	const char *overridden = NULL;
	pd_settings_defaults(&on);
	off = on;
	off.separation_of_duties = false;
	struct pd_actor olga = {"olga", PD_ROLE_OFFICER}, sam = {"sam", PD_ROLE_SUPERVISOR},
	                rita = {"rita", PD_ROLE_REVIEWER};
	struct pd_store_case filed_by_olga = {
	    .id = "1", .number = "n-1", .state = "submitted", .created_by = "olga"};
	struct pd_store_case accepted_by_sam = {.id = "2",
	                                        .number = "n-2",
	                                        .state = "in_review",
	                                        .created_by = "ann",
	                                        .accepted_by = "sam",
	                                        .assignee = "sam"};
	/* the filer does not accept */
	assert_false(pd_workflow_allowed_actions(&olga, &filed_by_olga) & (1u << PD_ACTION_ACCEPT));
	assert_int_equal(
	    wf_separation(&on, &olga, &filed_by_olga, PD_ACTION_ACCEPT, NULL, NULL, &err),
	    -PD_EFORBIDDEN);
	assert_string_equal(err.message,
	                    "separation of duties: olga filed this case and may not accept it");
	assert_true(wf_allowed_actions(&olga, &filed_by_olga, &off) & (1u << PD_ACTION_ACCEPT));
	/* the accepter does not decide, unless a supervisor overrides with a reason */
	for (int a = PD_ACTION_APPROVE; a <= PD_ACTION_REVOKE; a++) {
		assert_false(pd_workflow_allowed_actions(&sam, &accepted_by_sam) & (1u << a));
		assert_int_equal(
		    wf_separation(&on, &sam, &accepted_by_sam, (enum pd_action)a, NULL, NULL, &err),
		    -PD_EFORBIDDEN);
		assert_non_null(strstr(err.message, "sam accepted this case and may not"));
		assert_int_equal(wf_separation(&on, &sam, &accepted_by_sam, (enum pd_action)a,
		                               "the office has one supervisor today", &overridden,
		                               &err),
		                 0);
		assert_string_equal(overridden, "the accepter may not decide");
	}
	/* an override is a supervisor's alone */
	struct pd_store_case accepted_by_rita = accepted_by_sam;
	accepted_by_rita.accepted_by = "rita";
	accepted_by_rita.assignee = "rita";
	assert_int_equal(wf_separation(&on, &rita, &accepted_by_rita, PD_ACTION_APPROVE, "please",
	                               &overridden, &err),
	                 -PD_EFORBIDDEN);
	assert_non_null(strstr(err.message, "only a supervisor may override"));
	/* someone else decides */
	assert_true(pd_workflow_allowed_actions(&sam, &accepted_by_rita) &
	            (1u << PD_ACTION_APPROVE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_cell),
	    cmocka_unit_test(test_who_reads_what),
	    cmocka_unit_test(test_separation_of_duties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
