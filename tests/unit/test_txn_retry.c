/*
 * test_txn_retry.c: a write transaction the store aborts with -PD_ERETRY (as
 * PostgreSQL does on a deadlock or a serialization failure) is run again by
 * the workflow from its start, up to WF_TXN_ATTEMPTS times, and then given
 * up with a message saying so, leaving nothing behind.  The store is the
 * SQLite back end whose commit is made to refuse a given number of times.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "permitdesk/store.h"
#include "permitdesk/workflow.h"
#include "workflow/workflow_int.h"

static char dir[] = "/tmp/pd-test-retry-XXXXXX";
static int (*real_commit)(struct pd_store_backend *self, struct pd_error *err);
static int refusals, commits;

static int refusing_commit(struct pd_store_backend *b, struct pd_error *err)
{
	commits++;
	if (refusals > 0) {
		refusals--;
		return pd_error_set(err, PD_ERETRY, "could not serialize access (test)");
	}
	return real_commit(b, err);
}

static struct pd_store *open_refusing(void)
{
	char path[300];
	struct pd_store_backend *b = NULL;
	struct pd_store *s = NULL;
	snprintf(path, sizeof(path), "%s/retry.db", dir);
	assert_int_equal(pd_store_sqlite_open(path, PD_STORE_CREATE, &b, NULL), 0);
	real_commit = b->commit;
	b->commit = refusing_commit;
	assert_int_equal(pd_store_open_backend(b, &s, NULL), 0);
	/* a back end opened apart has no audit key path of its own */
	snprintf(path, sizeof(path), "%s/retry.db.key", dir);
	assert_int_equal(pd_store_set_audit_key_path(s, path, NULL), 0);
	return s;
}

static int64_t head(struct pd_store *s)
{
	int64_t seq;
	char hash[PD_STORE_HASH_HEX];
	assert_int_equal(pd_store_audit_head(s, &seq, hash, NULL), 0);
	return seq;
}

static void test_retried_then_given_up(void **state)
{
	struct pd_store *s = open_refusing();
	struct pd_error err = {0};
	struct pd_arena a;
	struct pd_store_user u;
	pd_arena_init(&a, 1024, 0);

	/* refused twice, stored at the third attempt, once */
	refusals = 2;
	commits = 0;
	assert_int_equal(
	    pd_user_add(s, NULL, "ann", PD_ROLE_OFFICER, "long enough", 11, PD_DATE_NONE, &err), 0);
	assert_int_equal(commits, 3);
	assert_int_equal(pd_store_user_get(s, "ann", &a, &u, NULL), 0);
	assert_int_equal(head(s), 1);

	/* refused every time: given up after WF_TXN_ATTEMPTS, nothing written */
	refusals = 1000;
	commits = 0;
	assert_int_equal(
	    pd_user_add(s, NULL, "bob", PD_ROLE_OFFICER, "long enough", 11, PD_DATE_NONE, &err),
	    -PD_ERETRY);
	assert_int_equal(commits, WF_TXN_ATTEMPTS);
	assert_string_equal(err.message,
	                    "could not serialize access (test) (given up after 5 attempts)");
	assert_int_equal(pd_error_http_status(err.code), 503);
	assert_int_equal(pd_error_exit_code(err.code), 75);
	assert_int_equal(pd_store_user_get(s, "bob", &a, &u, NULL), -PD_ENOTFOUND);
	assert_int_equal(head(s), 1);

	/* any other error is not retried */
	refusals = 0;
	commits = 0;
	assert_int_equal(
	    pd_user_add(s, NULL, "ann", PD_ROLE_OFFICER, "long enough", 11, PD_DATE_NONE, &err),
	    -PD_ECONFLICT);
	assert_int_equal(commits, 0);
	pd_arena_free(&a);
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
	    cmocka_unit_test(test_retried_then_given_up),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
