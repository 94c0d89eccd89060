/*
 * test_store_crash.c: durability under SIGKILL.
 *
 * A child process runs the workflow in a loop (create, submit, accept,
 * assign, add_task, complete_task, approve, issue, collect, and again),
 * reporting each transition on a pipe only after pd_workflow_act() or
 * pd_workflow_create() returned, that is after COMMIT.  The parent kills it
 * with SIGKILL at a random moment, then reopens the database and checks that
 * every transition reported as committed is there (the audit entry with
 * that sequence number, for that case and action), that SQLite's
 * integrity_check and foreign_key_check pass, and that the audit chain
 * verifies.  This is repeated KILLS times on the same database, so each
 * restart also recovers what the previous kill left in the WAL.
 *
 * Each kill comes after the child has reported its first committed
 * transition of the round (so every kill lands on a writer that is writing,
 * however slow the machine), plus a delay drawn from a fixed seed
 * (PD_CRASH_SEED overrides it), so a failure can be replayed; what the child
 * had done by then varies with the machine's speed, which is the point.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "permitdesk/calendar.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"
#include "permitdesk/workflow.h"

#define KILLS 60
#define MAX_DELAY_US 40000

static char dir[] = "/tmp/pd-test-crash-XXXXXX";
static char db_path[300];
static struct pd_calendar *cal;

static int assess(void *ctx, const char *name, const char *json, size_t len, pd_date today,
                  pd_date date, struct pd_arena *arena, struct pd_assessment *out,
                  struct pd_error *err)
{
	memset(out, 0, sizeof(*out));
	out->verdict = PD_VERDICT_ELIGIBLE;
	out->pack = "tianjin";
	out->version = "crash-v1";
	out->date = date != PD_DATE_NONE ? date : today;
	out->processing_days = 5;
	out->receipt_days = 15;
	out->result_json = "{\"verdict\":\"eligible\"}";
	out->materials_json = "[]";
	return 0;
}

static void report(int fd, int64_t seq, const char *id, const char *action)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "%lld %s %s\n", (long long)seq, id, action);
	/* one write of less than PIPE_BUF bytes: whole or not at all */
	while (write(fd, line, (size_t)n) < 0 && errno == EINTR)
		;
}

/* The child: transitions until killed. */
static void writer(int fd)
{
	static const struct {
		const char *user;
		enum pd_action action;
		const char *data;
	} steps[] = {
	    {"ann", PD_ACTION_SUBMIT, NULL},
	    {"olga", PD_ACTION_ACCEPT, NULL},
	    {"rita", PD_ACTION_ASSIGN, NULL},
	    {"rita", PD_ACTION_ADD_TASK, "{\"kind\":\"interview\"}"},
	    {"rita", PD_ACTION_COMPLETE_TASK, "{\"task\":1,\"outcome\":\"passed\"}"},
	    {"rita", PD_ACTION_APPROVE, NULL},
	    {"olga", PD_ACTION_ISSUE, NULL},
	    {"olga", PD_ACTION_COLLECT,
	     "{\"method\":\"post\",\"address\":\"6 Meiyuan Road, Tianjin\"}"},
	};
	struct pd_store *store = NULL;
	struct pd_error err = {0};
	struct pd_actor ann, olga, rita;
	if (pd_store_open(db_path, 0, &store, &err) ||
	    pd_workflow_actor(store, "ann", &ann, &err) ||
	    pd_workflow_actor(store, "olga", &olga, &err) ||
	    pd_workflow_actor(store, "rita", &rita, &err)) {
		fprintf(stderr, "writer: %s\n", err.message);
		_exit(2);
	}
	struct pd_workflow wf = {store, cal, assess, NULL, NULL};
	const char *json = "{\"jurisdiction\":\"tianjin\"}";
	pd_date day = pd_date_from_ymd(2026, 9, 28);
	for (;;) {
		struct pd_case_ref ref;
		if (pd_workflow_create(&wf, &ann, "case.json", json, strlen(json), day, NULL, &ref,
		                       &err)) {
			fprintf(stderr, "writer: create: %s\n", err.message);
			_exit(3);
		}
		report(fd, ref.audit_seq, ref.id, "create");
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			const struct pd_actor *a = steps[i].user[0] == 'a'   ? &ann
			                           : steps[i].user[0] == 'o' ? &olga
			                                                     : &rita;
			struct pd_act act = {.action = steps[i].action,
			                     .data = steps[i].data,
			                     .data_len = steps[i].data ? strlen(steps[i].data) : 0,
			                     .at = day};
			struct pd_act_result res;
			if (pd_workflow_act(&wf, a, ref.id, &act, &res, &err)) {
				fprintf(stderr, "writer: %s: %s\n", pd_action_name(act.action),
				        err.message);
				_exit(4);
			}
			report(fd, res.audit_seq, ref.id, pd_action_name(act.action));
		}
	}
}

/* Reads everything the child wrote before it died. */
/* Reads fd to its end (until_newline: only until the first newline) after
 * the n bytes already in buf. */
static char *drain_from(int fd, char *buf, size_t n, bool until_newline, size_t *len)
{
	size_t cap = 1 << 16;
	if (!buf)
		buf = malloc(cap + 1);
	else
		while (cap < n + 1)
			cap *= 2;
	assert_non_null(buf);
	for (;;) {
		if (until_newline && memchr(buf, '\n', n))
			break;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Every reported line must be in the trail as reported. */
static long check_reported(char *log)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long lines = 0;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT case_id, action FROM audit WHERE seq = ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	for (char *line = log, *nl; *line; line = nl + 1) {
		long long seq;
		nl = strchr(line, '\n');
		if (!nl)
			fail_msg("partial report line '%s'", line); /* a line is written whole */
		*nl = '\0';
		char id[40], action[32];
		if (sscanf(line, "%lld %39s %31s", &seq, id, action) != 3)
			fail_msg("bad report line '%s'", line);
		sqlite3_bind_int64(st, 1, seq);
		if (sqlite3_step(st) != SQLITE_ROW)
			fail_msg("committed entry %lld (%s %s) is lost", seq, action, id);
		if (strcmp((const char *)sqlite3_column_text(st, 0), id) != 0 ||
		    strcmp((const char *)sqlite3_column_text(st, 1), action) != 0)
			fail_msg("entry %lld is not %s of %s", seq, action, id);
		sqlite3_reset(st);
		lines++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return lines;
}

static void test_sigkill(void **state)
{
	const char *env = getenv("PD_CRASH_SEED");
	unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : 20260928u;
	long total = 0;
	int killed_busy = 0;
	srand(seed);
	print_message("seed %u (PD_CRASH_SEED)\n", seed);

	for (int round = 0; round < KILLS; round++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			writer(fds[1]);
			_exit(0);
		}
		close(fds[1]);
		/* Wait for the writer's first commit of this round: a blocking read,
		 * however long the machine takes. */
		size_t first_len;
		char *first = drain_from(fds[0], NULL, 0, true, &first_len);
		long delay_us = rand() % MAX_DELAY_US;
		struct timespec ts = {0, delay_us * 1000};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
		assert_int_equal(kill(pid, SIGKILL), 0);
		int status = 0;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
			fail_msg("writer exited by itself (status %d) in round %d", status, round);
		size_t len;
		char *log = drain_from(fds[0], first, first_len, false, &len);
		close(fds[0]);

		/* restart: open (recovers the WAL), check, verify the chain */
		struct pd_store *s = NULL;
		struct pd_error err = {0};
		struct pd_audit_report r;
		if (pd_store_open(db_path, 0, &s, &err))
			fail_msg("round %d: reopen: %s", round, err.message);
		if (pd_store_check(s, &err))
			fail_msg("round %d: %s", round, err.message);
		assert_int_equal(pd_audit_verify(s, &r, &err), 0);
		if (!r.ok)
			fail_msg("round %d: audit entry %lld: %s", round, (long long)r.first_bad,
			         r.reason);
		pd_store_close(s);
		long n = check_reported(log);
		total += n;
		killed_busy += n > 0;
		free(log);
	}
	print_message("%d kills, %ld transitions reported committed and found\n", KILLS, total);
	/* the writer had committed something in every round before its kill */
	assert_int_equal(killed_busy, KILLS);
	assert_true(total >= KILLS);
}

static int setup(void **state)
{
	struct pd_error err = {0};
	struct pd_store *s = NULL;
	static const char *const users[][2] = {
	    {"ann", "applicant"}, {"olga", "officer"}, {"rita", "reviewer"}};
	if (!mkdtemp(dir))
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/crash.db", dir);
	if (pd_policy_calendar_load(PD_TEST_POLICY_DIR, &cal, &err) ||
	    pd_store_open(db_path, PD_STORE_CREATE, &s, &err) ||
	    pd_store_begin(s, PD_TXN_WRITE, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		struct pd_store_user u = {users[i][0], users[i][1], "$argon2id$none", 0, false};
		if (pd_store_user_insert(s, &u, &err))
			return -1;
	}
	int rc = pd_store_commit(s, &err);
	pd_store_close(s);
	return rc;
}

static int teardown(void **state)
{
	char cmd[300];
	pd_calendar_free(cal);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	/* the writer's changes are dated 2026-09-28: today, not back-dated */
	setenv("PERMITDESK_TODAY", "2026-09-28", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sigkill),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
