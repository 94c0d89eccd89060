/*
 * test_audit_columns.c: every column of an audit row, and every column of a
 * case that the trail records, changed one at a time behind the program's
 * back (SQLite's SQL on a second connection): pd_audit_verify() must find
 * the change, name the first bad entry and, where the trail shows it, the
 * column that changed and its earlier value.
 *
 * The trail: a case filed by ann, submitted, accepted by olga (with a note),
 * assigned by sam to rita, approved by rita; real packs (policy/), fixed
 * today.  Each change is made on the live file and undone before the next
 * (the saved row put back), and the mended trail must verify again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "permitdesk/codec.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"
#include "store_fixture.h"

static char dir[] = "/tmp/pd-test-audit-columns-XXXXXX";
static char db_path[512];
static struct pd_store *store;
static struct pd_policy *pol;
static struct pd_workflow wf;
static sqlite3 *raw;
static char case_id[PD_CASE_ID_LEN + 1];

#define TODAY "2026-11-20"

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

static void raw_exec(const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

/* The first column of the first row of `sql`, as text ("" when none). */
static const char *raw_text(const char *sql)
{
	static char out[256];
	sqlite3_stmt *st = NULL;
	out[0] = '\0';
	if (sqlite3_prepare_v2(raw, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(raw));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, sizeof(out), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return out;
}

static long long seq_of(const char *where)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT seq FROM audit WHERE %s ORDER BY seq LIMIT 1", where);
	const char *v = raw_text(sql);
	if (!v[0])
		fail_msg("no audit entry where %s", where);
	return atoll(v);
}

static void act(const char *user, enum pd_action action, const char *data, const char *note)
{
	struct pd_actor a;
	struct pd_error err = {0};
	struct pd_act_result res;
	struct pd_act x = {.action = action,
	                   .data = data,
	                   .data_len = data ? strlen(data) : 0,
	                   .at = D(TODAY),
	                   .note = note};
	if (pd_workflow_actor(store, user, &a, &err) ||
	    pd_workflow_act(&wf, &a, case_id, &x, &res, &err))
		fail_msg("%s by %s: %s", pd_action_name(action), user, err.message);
}

static int setup(void **state)
{
	(void)state;
	struct pd_error err = {0};
	setenv("PERMITDESK_TODAY", TODAY, 1);
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/desk.db", dir);
	if (pd_policy_load(PD_TEST_POLICY_DIR, &pol, NULL, &err) ||
	    pd_store_open(db_path, PD_STORE_CREATE, &store, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	pd_workflow_init(&wf, store, pol);
	/* users straight into the store (argon2id for each would be slow) */
	static const char *const users[][2] = {
	    {"ann", "applicant"}, {"olga", "officer"}, {"rita", "reviewer"}, {"sam", "supervisor"}};
	if (pdt_insert_users(store, users, sizeof(users) / sizeof(users[0]), &err))
		return -1;
	return sqlite3_open(db_path, &raw) == SQLITE_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[600];
	sqlite3_close(raw);
	pd_store_close(store);
	pd_policy_free(pol);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_history(void **state)
{
	(void)state;
	static const char json[] =
	    "{\"jurisdiction\":\"tianjin\",\"application\":{\"document\":\"residence_permit\","
	    "\"action\":\"extension\",\"purpose\":\"family_reunion\",\"requested_days\":365},"
	    "\"applicant\":{\"birth_date\":\"1990-08-12\",\"good_record\":true},\"documents\":[]}";
	struct pd_actor ann;
	struct pd_case_ref ref;
	struct pd_error err = {0};
	assert_int_equal(pd_workflow_actor(store, "ann", &ann, &err), 0);
	if (pd_workflow_create(&wf, &ann, "case.json", json, strlen(json), D(TODAY), NULL, &ref,
	                       &err))
		fail_msg("create: %s", err.message);
	snprintf(case_id, sizeof(case_id), "%s", ref.id);
	act("ann", PD_ACTION_SUBMIT, NULL, NULL);
	act("olga", PD_ACTION_ACCEPT, NULL, "checked at the counter");
	act("sam", PD_ACTION_ASSIGN, "{\"to\":\"rita\"}", NULL);
	act("rita", PD_ACTION_APPROVE, NULL, NULL);
	struct pd_audit_report r;
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	if (!r.ok)
		fail_msg("the untouched trail: %s", r.reason);
	assert_string_equal(r.column, "");
}

/* Saves entry `seq`, runs `change`, expects verify to name entry `bad`, the
 * column `column` ("" none) and `says` in the reason, then puts the entry back. */
static void expect(long long seq, const char *change, long long bad, const char *column,
                   const char *says)
{
	char sql[600];
	struct pd_audit_report r;
	struct pd_buf out;

	raw_exec("DROP TABLE IF EXISTS temp.keep");
	snprintf(sql, sizeof(sql), "CREATE TEMP TABLE keep AS SELECT * FROM audit WHERE seq = %lld",
	         seq);
	raw_exec(sql);
	snprintf(sql, sizeof(sql), change, seq);
	raw_exec(sql);
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	if (r.ok || r.first_bad != bad || strcmp(r.column, column) != 0 || !strstr(r.reason, says))
		fail_msg(
		    "after %s:\n  expected entry %lld, column '%s', '%s'\n  got ok=%d entry %lld, "
		    "column '%s': %s",
		    sql, bad, column, says, r.ok, (long long)r.first_bad, r.column, r.reason);
	pd_buf_init(&out, 0);
	assert_int_equal(pd_audit_report_json(&r, &out), 0);
	snprintf(sql, sizeof(sql), column[0] ? "\"column\":\"%s\"}}" : "\"column\":null}}", column);
	if (!strstr(out.data, sql))
		fail_msg("the report does not name the column '%s': %s", column, out.data);
	pd_buf_free(&out);
	/* mend it: the entry as it was (its seq too), and it verifies again */
	snprintf(sql, sizeof(sql), "DELETE FROM audit WHERE hash = (SELECT hash FROM temp.keep)");
	raw_exec(sql);
	raw_exec("INSERT OR REPLACE INTO audit SELECT * FROM temp.keep");
	assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
	if (!r.ok)
		fail_msg("not mended after %s: %s", change, r.reason);
}

/* Every column of the accept entry (officer olga, submitted to accepted, a
 * note, data with the receipt), and of entries whose note and data are null. */
static void test_audit_row_columns(void **state)
{
	(void)state;
	long long acc = seq_of("action = 'accept'");
	long long last = seq_of("action = 'approve'");
	long long plain = seq_of("action = 'submit' AND note IS NULL AND data IS NULL");
	char text[200];

	expect(acc, "UPDATE audit SET seq = seq + 100 WHERE seq = %lld", acc, "seq",
	       "its seq column was changed");
	snprintf(text, sizeof(text), "its case_id column was changed from '%s' to 'null'", case_id);
	expect(acc, "UPDATE audit SET case_id = NULL WHERE seq = %lld", acc, "case_id", text);
	expect(acc, "UPDATE audit SET action = 'approve' WHERE seq = %lld", acc, "action",
	       "its action column was changed from 'accept' to 'approve'");
	expect(acc, "UPDATE audit SET actor = 'sam' WHERE seq = %lld", acc, "actor",
	       "its actor column was changed from 'olga' to 'sam'");
	expect(acc, "UPDATE audit SET actor = 'mallory' WHERE seq = %lld", acc, "actor",
	       "its actor column was changed from 'olga' to 'mallory'");
	expect(acc, "UPDATE audit SET role = 'supervisor' WHERE seq = %lld", acc, "role",
	       "its role column was changed from 'officer' to 'supervisor'");
	expect(acc, "UPDATE audit SET at = '2026-11-17' WHERE seq = %lld", acc, "at",
	       "its at column was changed from '" TODAY "' to '2026-11-17'");
	expect(acc, "UPDATE audit SET recorded_at = recorded_at + 1 WHERE seq = %lld", acc,
	       "recorded_at", "its recorded_at column was changed from ");
	expect(acc, "UPDATE audit SET recorded_at = recorded_at - 7200000000 WHERE seq = %lld", acc,
	       "recorded_at", "its recorded_at column was changed from ");
	expect(acc, "UPDATE audit SET from_state = 'draft' WHERE seq = %lld", acc, "from_state",
	       "its from_state column was changed from 'submitted' to 'draft'");
	expect(acc, "UPDATE audit SET to_state = 'approved' WHERE seq = %lld", acc, "to_state",
	       "its to_state column was changed from 'accepted' to 'approved'");
	expect(acc, "UPDATE audit SET prev_hash = 'x' WHERE seq = %lld", acc, "prev_hash",
	       "its prev_hash column was changed");
	expect(acc, "UPDATE audit SET hash = 'x' WHERE seq = %lld", acc, "hash",
	       "its hash column was changed");
	/* the last entry's hash: the recorded head still names its contents */
	expect(last, "UPDATE audit SET hash = 'x' WHERE seq = %lld", last, "hash",
	       "its hash column was changed");
	expect(last, "UPDATE audit SET seq = seq + 1 WHERE seq = %lld", last, "seq",
	       "its seq column was changed");
	/* a note or data that was null */
	expect(plain, "UPDATE audit SET note = 'all in order' WHERE seq = %lld", plain, "note",
	       "its note column was changed from null to 'all in order'");
	expect(plain, "UPDATE audit SET data = '{}' WHERE seq = %lld", plain, "data",
	       "its data column was changed from null to '{}'");
	/* a note or data no other entry holds: found, but its earlier value is not known */
	expect(acc, "UPDATE audit SET note = 'all in order' WHERE seq = %lld", acc, "",
	       "no one column's earlier value was found");
	expect(acc, "UPDATE audit SET data = '{}' WHERE seq = %lld", acc, "",
	       "no one column's earlier value was found");
	/* two columns at once: found, not blamed on one */
	expect(acc, "UPDATE audit SET actor = 'sam', role = 'supervisor' WHERE seq = %lld", acc, "",
	       "entry");
}

/* Every column of the case that the trail records, changed alone. */
static void test_case_columns(void **state)
{
	(void)state;
	static const struct {
		const char *column, *value;
	} rows[] = {
	    {"state", "'rejected'"},         {"created_by", "'sam'"},
	    {"created_on", "'2026-11-17'"},  {"updated_on", "'2026-11-17'"},
	    {"accepted_on", "'2026-11-18'"}, {"receipt_number", "'tianjin-2026-R999999'"},
	    {"decision_by", "'2027-01-01'"}, {"assignee", "'sam'"},
	    {"decided_on", "'2026-11-17'"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char sql[300], was[200], col_says[64];
		struct pd_audit_report r;
		snprintf(sql, sizeof(sql), "SELECT quote(%s) FROM cases", rows[i].column);
		snprintf(was, sizeof(was), "%s", raw_text(sql));
		snprintf(sql, sizeof(sql), "UPDATE cases SET %s = %s", rows[i].column,
		         rows[i].value);
		raw_exec(sql);
		assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
		snprintf(col_says, sizeof(col_says), "its %s column is", rows[i].column);
		if (r.ok || strcmp(r.column, rows[i].column) != 0 ||
		    (i > 0 && !strstr(r.reason, col_says)))
			fail_msg("after %s: column '%s': %s", sql, r.column, r.reason);
		snprintf(sql, sizeof(sql), "UPDATE cases SET %s = %s", rows[i].column, was);
		raw_exec(sql);
		assert_int_equal(pd_audit_verify(store, &r, NULL), 0);
		if (!r.ok)
			fail_msg("not mended after %s: %s", rows[i].column, r.reason);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_history),
	    cmocka_unit_test(test_audit_row_columns),
	    cmocka_unit_test(test_case_columns),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
