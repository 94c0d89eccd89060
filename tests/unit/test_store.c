/*
 * test_store.c: the store interface over each back end: opening,
 * migrations and their version check, transactions, every record type, the
 * audit head, and the refusals (writes outside a transaction, stale
 * revisions, duplicate keys, back ends of another interface version).
 * SQLite by default; PostgreSQL with PERMITDESK_TEST_PG (store_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "permitdesk/store.h"
#include "store_fixture.h"

static char dir[] = "/tmp/pd-test-store-XXXXXX";
static char path[512];
static int counter;

static pd_date D(const char *s)
{
	pd_date d;
	assert_int_equal(pd_date_parse(s, strlen(s), &d), 0);
	return d;
}

/* A fresh database for each test. */
static const char *fresh(void)
{
	char name[32];
	snprintf(name, sizeof(name), "t%d.db", ++counter);
	pdt_location(path, sizeof(path), dir, name);
	return path;
}

static void raw_exec(const char *loc, const char *sql)
{
	char out[512];
	if (pdt_sql(loc, sql, out, sizeof(out)))
		fail_msg("%s: %s", sql, out);
}

static struct pd_store *open_new(void)
{
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	assert_int_equal(pd_store_open(fresh(), PD_STORE_CREATE, &s, &err), 0);
	return s;
}

static void begin(struct pd_store *s)
{
	assert_int_equal(pd_store_begin(s, PD_TXN_WRITE, NULL), 0);
}

static void commit(struct pd_store *s)
{
	struct pd_error err = {0};
	int rc = pd_store_commit(s, &err);
	if (rc)
		fail_msg("commit: %s", err.message);
}

static void add_user(struct pd_store *s, const char *name, const char *role)
{
	struct pd_store_user u = {name, role, "$argon2id$test", 1, false};
	begin(s);
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	commit(s);
}

static struct pd_store_case sample_case(const char *id, const char *number)
{
	struct pd_store_case c = {
	    .id = id,
	    .number = number,
	    .pack = "tianjin",
	    .pack_version = "v1",
	    .state = "draft",
	    .created_by = "ann",
	    .created_on = D("2026-09-01"),
	    .updated_on = D("2026-09-01"),
	    .case_json = "{\"jurisdiction\":\"tianjin\"}",
	    .result_json = "{\"verdict\":\"eligible\"}",
	    .verdict = "eligible",
	    .accepted_on = PD_DATE_NONE,
	    .receipt_valid_until = PD_DATE_NONE,
	    .decision_by = PD_DATE_NONE,
	    .processing_days = -1,
	    .receipt_days = -1,
	    .supplement_since = PD_DATE_NONE,
	    .decided_on = PD_DATE_NONE,
	    .revision = 1,
	};
	return c;
}

/* ---- opening ---- */

static void test_open_missing(void **state)
{
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	assert_int_equal(pd_store_open(fresh(), 0, &s, &err), -PD_ENOTFOUND);
	assert_null(s);
	assert_string_equal(err.file, path);
	if (!pdt_is_pg())
		assert_int_equal(access(path, F_OK), -1); /* not created */
	assert_int_equal(pd_error_exit_code(err.code), 66);
}

static void test_open_create_and_reopen(void **state)
{
	struct pd_store *s = open_new();
	int v = 0;
	assert_string_equal(pd_store_backend_name(s), pdt_is_pg() ? "postgresql" : "sqlite");
	assert_int_equal(pd_store_schema_version(s, &v, NULL), 0);
	assert_int_equal(v, PD_STORE_SCHEMA_VERSION);
	assert_int_equal(pd_store_check(s, NULL), 0);
	pd_store_close(s);
	if (pdt_is_pg()) {
		assert_int_equal(pd_store_open(path, 0, &s, NULL), 0);
		pd_store_close(s);
		return;
	}

	/* WAL is a property of the file. */
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	char loc[sizeof(path) + 8];
	snprintf(loc, sizeof(loc), "sqlite:%s", path);
	assert_int_equal(pd_store_open(loc, 0, &s, NULL), 0);
	pd_store_close(s);
}

static void test_newer_schema_refused(void **state)
{
	struct pd_store *s = open_new();
	pd_store_close(s);
	raw_exec(path, pdt_is_pg() ? "UPDATE permitdesk_schema SET version = 99"
	                           : "PRAGMA user_version = 99");
	struct pd_error err = {0};
	assert_int_equal(pd_store_open(path, 0, &s, &err), -PD_EVERSION);
	assert_null(s);
	assert_non_null(strstr(err.message, "schema version 99 is newer than this program"));
	assert_int_equal(pd_error_exit_code(err.code), 78);
}

static void test_foreign_files_refused(void **state)
{
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	/* another application's database */
	fresh();
	raw_exec(path, "CREATE TABLE cases (x INTEGER)");
	assert_int_equal(pd_store_open(path, 0, &s, &err), -PD_ESTORE);
	assert_non_null(strstr(err.message, "not a permitdesk database"));
	/* a URL libpq cannot read; a server that does not answer */
	assert_int_equal(pd_store_open("postgresql://localhost/pd?no_such_option=1", 0, &s, &err),
	                 -PD_ECONFIG);
	assert_null(s);
	if (pdt_is_pg()) {
		assert_int_equal(pd_store_open("postgresql://127.0.0.1:1/pd", 0, &s, &err),
		                 -PD_EUNAVAILABLE);
		assert_non_null(strstr(err.message, "cannot connect"));
		assert_int_equal(pd_error_exit_code(err.code), 75);
		return;
	}
	/* not a database at all */
	fresh();
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is a text file, long enough to have a header of a hundred bytes or so, "
	      "which SQLite reads and refuses because the magic string is not there.\n",
	      f);
	fclose(f);
	assert_int_equal(pd_store_open(path, 0, &s, &err), -PD_ESTORE);
	assert_null(s);
}

static void test_backend_version_checked(void **state)
{
	struct pd_store_backend b = {.version = PD_STORE_BACKEND_VERSION + 1, .name = "future"};
	struct pd_store *s = NULL;
	struct pd_error err = {0};
	assert_int_equal(pd_store_open_backend(&b, &s, &err), -PD_EVERSION);
	assert_null(s);
	assert_non_null(strstr(err.message, "future"));
}

/* ---- transactions ---- */

static void test_write_needs_transaction(void **state)
{
	struct pd_store *s = open_new();
	struct pd_store_user u = {"ann", "applicant", "h", 1, false};
	struct pd_error err = {0};
	assert_int_equal(pd_store_user_insert(s, &u, &err), -PD_EINTERNAL);
	assert_int_equal(pd_store_begin(s, PD_TXN_READ, NULL), 0);
	assert_int_equal(pd_store_user_insert(s, &u, &err), -PD_EINTERNAL);
	pd_store_rollback(s);
	assert_false(pd_store_in_txn(s));
	begin(s);
	assert_int_equal(pd_store_begin(s, PD_TXN_WRITE, &err), -PD_EINTERNAL); /* no nesting */
	pd_store_rollback(s);
	assert_int_equal(pd_store_commit(s, &err), -PD_EINTERNAL);
	pd_store_close(s);
}

static void test_rollback_leaves_nothing(void **state)
{
	struct pd_store *s = open_new();
	struct pd_arena a;
	struct pd_store_user u = {"ann", "applicant", "h", 1, false}, got;
	pd_arena_init(&a, 0, 0);
	begin(s);
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	assert_int_equal(pd_store_user_get(s, "ann", &a, &got, NULL), 0); /* visible inside */
	pd_store_rollback(s);
	assert_int_equal(pd_store_user_get(s, "ann", &a, &got, NULL), -PD_ENOTFOUND);
	/* an open transaction is rolled back by close */
	begin(s);
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	pd_store_close(s);
	assert_int_equal(pd_store_open(path, 0, &s, NULL), 0);
	assert_int_equal(pd_store_user_get(s, "ann", &a, &got, NULL), -PD_ENOTFOUND);
	pd_store_close(s);
	pd_arena_free(&a);
}

/* A second writer waits for the first instead of failing: for the write lock
 * (SQLite), for the audit head's row lock (PostgreSQL). */
static void test_writer_waits_for_lock(void **state)
{
	struct pd_store *s = open_new();
	int fds[2];
	char c;
	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pd_store *t = NULL;
		struct pd_store_user u = {"first", "officer", "h", 1, false};
		struct timespec hold = {0, 300 * 1000 * 1000};
		int64_t seq;
		char hash[PD_STORE_HASH_HEX];
		if (pd_store_open(path, 0, &t, NULL) || pd_store_begin(t, PD_TXN_WRITE, NULL) ||
		    pd_store_audit_head(t, &seq, hash, NULL) || pd_store_user_insert(t, &u, NULL) ||
		    write(fds[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&hold, NULL);
		_exit(pd_store_commit(t, NULL) ? 2 : 0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1); /* the child holds the write lock */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int64_t seq;
	char hash[PD_STORE_HASH_HEX];
	begin(s); /* waits for the child's commit */
	assert_int_equal(pd_store_audit_head(s, &seq, hash, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	struct pd_store_user u = {"second", "officer", "h", 2, false};
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	commit(s);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(waited > 0.1);
	struct pd_arena a;
	struct pd_store_user got;
	pd_arena_init(&a, 0, 0);
	assert_int_equal(pd_store_user_get(s, "first", &a, &got, NULL), 0);
	assert_int_equal(pd_store_user_get(s, "second", &a, &got, NULL), 0);
	pd_arena_free(&a);
	close(fds[0]);
	pd_store_close(s);
}

/* ---- records ---- */

static void test_users(void **state)
{
	struct pd_store *s = open_new();
	struct pd_arena a;
	struct pd_store_user u = {"ann", "applicant", "$argon2id$x", 1234567, false}, got;
	struct pd_error err = {0};
	pd_arena_init(&a, 0, 0);
	begin(s);
	assert_int_equal(pd_store_user_insert(s, &u, NULL), 0);
	assert_int_equal(pd_store_user_insert(s, &u, &err), -PD_ECONFLICT);
	assert_string_equal(err.message, "user 'ann' exists");
	commit(s);
	assert_int_equal(pd_store_user_get(s, "ann", &a, &got, NULL), 0);
	assert_string_equal(got.name, "ann");
	assert_string_equal(got.role, "applicant");
	assert_string_equal(got.password_hash, "$argon2id$x");
	assert_int_equal(got.created_at, 1234567);
	assert_int_equal(pd_store_user_get(s, "bob", &a, &got, &err), -PD_ENOTFOUND);
	pd_store_close(s);
	pd_arena_free(&a);
}

static void test_case_roundtrip(void **state)
{
	struct pd_store *s = open_new();
	struct pd_arena a;
	struct pd_store_case c =
	    sample_case("0123456789abcdef0123456789abcdef", "tianjin-2026-000001");
	struct pd_store_case got;
	struct pd_error err = {0};
	pd_arena_init(&a, 0, 0);
	add_user(s, "ann", "applicant");
	add_user(s, "rita", "reviewer");

	begin(s);
	assert_int_equal(pd_store_case_insert(s, &c, NULL), 0);
	assert_int_equal(pd_store_case_insert(s, &c, &err), -PD_ECONFLICT);
	commit(s);
	assert_int_equal(pd_store_case_get(s, c.id, &a, &got, NULL), 0);
	assert_string_equal(got.number, "tianjin-2026-000001");
	assert_string_equal(got.state, "draft");
	assert_string_equal(got.case_json, c.case_json);
	assert_int_equal(got.created_on, D("2026-09-01"));
	assert_null(got.assignee);
	assert_null(got.receipt_number);
	assert_int_equal(got.accepted_on, PD_DATE_NONE);
	assert_int_equal(got.decision_by, PD_DATE_NONE);
	assert_int_equal(got.processing_days, -1);
	assert_int_equal(got.revision, 1);

	/* update every mutable field */
	got.state = "accepted";
	got.assignee = "rita";
	got.receipt_number = "tianjin-2026-R000001";
	got.accepted_on = D("2026-09-28");
	got.decision_by = D("2026-10-10");
	got.receipt_valid_until = D("2026-10-23");
	got.processing_days = 5;
	got.receipt_days = 15;
	got.paused_days = 2;
	got.supplement_from = "accepted";
	got.supplement_since = D("2026-09-30");
	got.decided_on = D("2026-10-09");
	got.collect_method = "post";
	got.updated_on = D("2026-10-09");
	begin(s);
	assert_int_equal(pd_store_case_update(s, &got, NULL), 0);
	/* the same revision again is stale */
	assert_int_equal(pd_store_case_update(s, &got, &err), -PD_ECONFLICT);
	commit(s);
	struct pd_store_case again;
	assert_int_equal(pd_store_case_get(s, c.id, &a, &again, NULL), 0);
	assert_int_equal(again.revision, 2);
	assert_string_equal(again.state, "accepted");
	assert_string_equal(again.assignee, "rita");
	assert_string_equal(again.receipt_number, "tianjin-2026-R000001");
	assert_int_equal(again.accepted_on, D("2026-09-28"));
	assert_int_equal(again.decision_by, D("2026-10-10"));
	assert_int_equal(again.receipt_valid_until, D("2026-10-23"));
	assert_int_equal(again.processing_days, 5);
	assert_int_equal(again.receipt_days, 15);
	assert_int_equal(again.paused_days, 2);
	assert_string_equal(again.supplement_from, "accepted");
	assert_int_equal(again.supplement_since, D("2026-09-30"));
	assert_int_equal(again.decided_on, D("2026-10-09"));
	assert_string_equal(again.collect_method, "post");
	assert_string_equal(again.created_by, "ann"); /* immutable */

	assert_int_equal(pd_store_case_get(s, "nope", &a, &again, &err), -PD_ENOTFOUND);
	pd_store_close(s);
	pd_arena_free(&a);
}

static void test_foreign_keys_enforced(void **state)
{
	struct pd_store *s = open_new();
	struct pd_store_case c = sample_case("id1", "n1"); /* created_by ann: no such user */
	struct pd_error err = {0};
	begin(s);
	assert_int_not_equal(pd_store_case_insert(s, &c, &err), 0);
	assert_int_equal(err.code, PD_ESTORE);
	pd_store_rollback(s);
	pd_store_close(s);
}

struct collected {
	char numbers[8][32];
	int n;
};

static int collect_case(void *ctx, const struct pd_store_case *c)
{
	struct collected *k = ctx;
	snprintf(k->numbers[k->n++], 32, "%s", c->number);
	return 0;
}

static int stop_at_first(void *ctx, const struct pd_store_case *c)
{
	return 7;
}

static void test_case_list(void **state)
{
	struct pd_store *s = open_new();
	struct pd_error err = {0};
	add_user(s, "ann", "applicant");
	add_user(s, "bob", "agent");
	const char *states[] = {"draft", "accepted", "in_review", "accepted"};
	const char *due[] = {NULL, "2026-10-10", "2026-10-20", "2026-11-01"};
	begin(s);
	for (int i = 0; i < 4; i++) {
		char id[8], num[16];
		snprintf(id, sizeof(id), "id%d", i);
		snprintf(num, sizeof(num), "n%d", i);
		struct pd_store_case c = sample_case(id, num);
		c.state = states[i];
		c.created_by = i == 3 ? "bob" : "ann";
		c.decision_by = due[i] ? D(due[i]) : PD_DATE_NONE;
		assert_int_equal(pd_store_case_insert(s, &c, NULL), 0);
	}
	commit(s);

	struct collected k = {0};
	assert_int_equal(pd_store_case_list(s, NULL, collect_case, &k, NULL), 0);
	assert_int_equal(k.n, 4);
	assert_string_equal(k.numbers[0], "n0"); /* order of creation */
	assert_string_equal(k.numbers[3], "n3");

	const char *running[] = {"accepted", "in_review"};
	struct pd_store_case_filter f = {
	    .states = running, .n_states = 2, .due_before = D("2026-10-21")};
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_case_list(s, &f, collect_case, &k, NULL), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.numbers[0], "n1");
	assert_string_equal(k.numbers[1], "n2");

	struct pd_store_case_filter g = {.due_before = PD_DATE_NONE, .created_by = "bob"};
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_case_list(s, &g, collect_case, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.numbers[0], "n3");

	struct pd_store_case_filter h = {.due_before = PD_DATE_NONE, .limit = 3};
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_case_list(s, &h, collect_case, &k, NULL), 0);
	assert_int_equal(k.n, 3);

	assert_int_equal(pd_store_case_list(s, NULL, stop_at_first, NULL, &err), 7);
	pd_store_close(s);
}

static void test_sequences(void **state)
{
	struct pd_store *s = open_new();
	int64_t v = 0;
	begin(s);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(pd_store_sequence_next(s, "tianjin", 2026, &v, NULL), 0);
		assert_int_equal(v, i);
	}
	assert_int_equal(pd_store_sequence_next(s, "tianjin", 2027, &v, NULL), 0);
	assert_int_equal(v, 1);
	assert_int_equal(pd_store_sequence_next(s, "shenzhen", 2026, &v, NULL), 0);
	assert_int_equal(v, 1);
	pd_store_rollback(s); /* numbers taken in a rolled-back transaction are not used up */
	begin(s);
	assert_int_equal(pd_store_sequence_next(s, "tianjin", 2026, &v, NULL), 0);
	assert_int_equal(v, 1);
	commit(s);
	pd_store_close(s);
}

struct items {
	int n;
	int64_t last;
	char text[4][160];
};

static int collect_task(void *ctx, const struct pd_store_task *t)
{
	struct items *k = ctx;
	snprintf(k->text[k->n++ & 3], sizeof(k->text[0]), "%lld %s %s %s", (long long)t->n, t->kind,
	         t->outcome ? t->outcome : "open", t->note ? t->note : "-");
	k->last = t->n;
	return 0;
}

static int collect_notice(void *ctx, const struct pd_store_notice *nt)
{
	struct items *k = ctx;
	snprintf(k->text[k->n++ & 3], sizeof(k->text[0]), "%lld %s %s", (long long)nt->n,
	         nt->materials_json, nt->answered_on == PD_DATE_NONE ? "open" : "answered");
	return 0;
}

static int collect_decision(void *ctx, const struct pd_store_decision *d)
{
	struct items *k = ctx;
	snprintf(k->text[k->n++ & 3], sizeof(k->text[0]), "%lld %s %s %s", (long long)d->n,
	         d->action, d->verdict, d->ground ? d->ground : "-");
	return 0;
}

static void test_tasks_notices_decisions(void **state)
{
	struct pd_store *s = open_new();
	struct pd_error err = {0};
	int64_t n = 0;
	add_user(s, "ann", "applicant");
	add_user(s, "rita", "reviewer");
	struct pd_store_case c1 = sample_case("c1", "n1"), c2 = sample_case("c2", "n2");
	begin(s);
	assert_int_equal(pd_store_case_insert(s, &c1, NULL), 0);
	assert_int_equal(pd_store_case_insert(s, &c2, NULL), 0);

	struct pd_store_task t = {.case_id = "c1",
	                          .kind = "interview",
	                          .created_on = D("2026-10-01"),
	                          .created_by = "rita",
	                          .due = PD_DATE_NONE,
	                          .completed_on = PD_DATE_NONE};
	assert_int_equal(pd_store_task_insert(s, &t, &n, NULL), 0);
	assert_int_equal(n, 1);
	t.kind = "telephone";
	assert_int_equal(pd_store_task_insert(s, &t, &n, NULL), 0);
	assert_int_equal(n, 2);
	t.case_id = "c2"; /* numbered within its case */
	assert_int_equal(pd_store_task_insert(s, &t, &n, NULL), 0);
	assert_int_equal(n, 1);
	struct pd_store_task done = {.case_id = "c1",
	                             .n = 2,
	                             .outcome = "unreachable",
	                             .completed_on = D("2026-10-02"),
	                             .completed_by = "rita",
	                             .note = "no answer"};
	assert_int_equal(pd_store_task_update(s, &done, NULL), 0);
	done.n = 9;
	assert_int_equal(pd_store_task_update(s, &done, &err), -PD_ENOTFOUND);

	struct pd_store_notice nt = {.case_id = "c1",
	                             .issued_on = D("2026-09-30"),
	                             .issued_by = "rita",
	                             .materials_json = "[]",
	                             .answered_on = PD_DATE_NONE};
	assert_int_equal(pd_store_notice_insert(s, &nt, &n, NULL), 0);
	assert_int_equal(n, 1);
	nt.materials_json = "[1]";
	assert_int_equal(pd_store_notice_insert(s, &nt, &n, NULL), 0);
	assert_int_equal(n, 2);
	struct pd_store_notice ans = {.case_id = "c1", .n = 1, .answered_on = D("2026-10-08")};
	assert_int_equal(pd_store_notice_update(s, &ans, NULL), 0);

	struct pd_store_decision d = {.case_id = "c1",
	                              .action = "revoke",
	                              .decided_on = D("2026-10-09"),
	                              .decided_by = "rita",
	                              .verdict = "eligible",
	                              .pack = "tianjin",
	                              .pack_version = "v1",
	                              .case_json = "{}",
	                              .result_json = "{}",
	                              .ground = "unreachable_telephone"};
	assert_int_equal(pd_store_decision_insert(s, &d, &n, NULL), 0);
	assert_int_equal(n, 1);
	commit(s);

	struct items k = {0};
	assert_int_equal(pd_store_task_list(s, "c1", collect_task, &k, NULL), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.text[0], "1 interview open -");
	assert_string_equal(k.text[1], "2 telephone unreachable no answer");
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_notice_list(s, "c1", collect_notice, &k, NULL), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.text[0], "1 [] answered");
	assert_string_equal(k.text[1], "2 [1] open");
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_decision_list(s, "c1", collect_decision, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	assert_string_equal(k.text[0], "1 revoke eligible unreachable_telephone");
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_decision_list(s, "c2", collect_decision, &k, NULL), 0);
	assert_int_equal(k.n, 0);
	pd_store_close(s);
}

static int count_audit(void *ctx, const struct pd_store_audit *e)
{
	struct items *k = ctx;
	snprintf(k->text[k->n++ & 3], sizeof(k->text[0]), "%lld %s %s %s", (long long)e->seq,
	         e->action, e->case_id ? e->case_id : "-", e->prev_hash);
	return 0;
}

static void test_audit_rows(void **state)
{
	struct pd_store *s = open_new();
	struct pd_error err = {0};
	int64_t seq = -1;
	char hash[PD_STORE_HASH_HEX];
	add_user(s, "ann", "applicant");
	struct pd_store_case c = sample_case("c1", "n1");

	assert_int_equal(pd_store_audit_head(s, &seq, hash, NULL), 0);
	assert_int_equal(seq, 0);
	assert_string_equal(hash, "");

	begin(s);
	assert_int_equal(pd_store_case_insert(s, &c, NULL), 0);
	struct pd_store_audit e = {.seq = 1,
	                           .case_id = "c1",
	                           .action = "create",
	                           .actor = "ann",
	                           .role = "applicant",
	                           .at = D("2026-09-01"),
	                           .recorded_at = 5,
	                           .to_state = "draft",
	                           .prev_hash = "",
	                           .hash = "h1"};
	assert_int_equal(pd_store_audit_append(s, &e, NULL), 0);
	struct pd_store_audit e2 = {.seq = 2,
	                            .action = "user_add",
	                            .actor = "operator",
	                            .role = "admin",
	                            .at = D("2026-09-01"),
	                            .recorded_at = 6,
	                            .prev_hash = "h1",
	                            .hash = "h2"};
	assert_int_equal(pd_store_audit_append(s, &e2, NULL), 0);
	/* not after the head */
	struct pd_store_audit e4 = e2;
	e4.seq = 4;
	assert_int_not_equal(pd_store_audit_append(s, &e4, &err), 0);
	commit(s);

	assert_int_equal(pd_store_audit_head(s, &seq, hash, NULL), 0);
	assert_int_equal(seq, 2);
	assert_string_equal(hash, "h2");
	struct items k = {0};
	assert_int_equal(pd_store_audit_list(s, NULL, count_audit, &k, NULL), 0);
	assert_int_equal(k.n, 2);
	assert_string_equal(k.text[0], "1 create c1 ");
	assert_string_equal(k.text[1], "2 user_add - h1");
	memset(&k, 0, sizeof(k));
	assert_int_equal(pd_store_audit_list(s, "c1", count_audit, &k, NULL), 0);
	assert_int_equal(k.n, 1);
	pd_store_close(s);
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_missing),
	    cmocka_unit_test(test_open_create_and_reopen),
	    cmocka_unit_test(test_newer_schema_refused),
	    cmocka_unit_test(test_foreign_files_refused),
	    cmocka_unit_test(test_backend_version_checked),
	    cmocka_unit_test(test_write_needs_transaction),
	    cmocka_unit_test(test_rollback_leaves_nothing),
	    cmocka_unit_test(test_writer_waits_for_lock),
	    cmocka_unit_test(test_users),
	    cmocka_unit_test(test_case_roundtrip),
	    cmocka_unit_test(test_foreign_keys_enforced),
	    cmocka_unit_test(test_case_list),
	    cmocka_unit_test(test_sequences),
	    cmocka_unit_test(test_tasks_notices_decisions),
	    cmocka_unit_test(test_audit_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
