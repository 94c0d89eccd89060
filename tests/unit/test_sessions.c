/*
 * test_sessions.c: logging in, sessions and the administration of users
 * (workflow.h).  The token's shape and that the store never holds it; the
 * idle and absolute ends with the clock moved (wf_clock_shift_us); use
 * recorded at most once a minute; logout; disabling a user and a new
 * password ending sessions; one answer, and about the same time, for an
 * unknown user, a disabled one and a wrong password; who may administer
 * whom, and the audit entries it leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "store_fixture.h"
#include "permitdesk/codec.h"
#include "permitdesk/workflow.h"
#include "workflow/workflow_int.h"

#define PW "correct horse"
#define MINUTE ((int64_t)60 * 1000000)

static char dir[] = "/tmp/pd-test-sessions-XXXXXX";
static char file[512];
static struct pd_store *store;
static const struct pd_actor admin = {"adm", PD_ROLE_ADMIN};

static void add(const char *name, enum pd_role role)
{
	struct pd_error err = {0};
	if (pd_user_add(store, NULL, name, role, PW, strlen(PW), PD_DATE_NONE, &err))
		fail_msg("add %s: %s", name, err.message);
}

static void login(const char *user, struct pd_session *s)
{
	struct pd_error err = {0};
	if (pd_session_login(store, user, PW, strlen(PW), s, &err))
		fail_msg("login %s: %s", user, err.message);
}

static int check(const struct pd_session *s, struct pd_error *err)
{
	struct pd_session got;
	int rc = pd_session_check(store, s->token, strlen(s->token), &got, err);
	if (rc == 0) {
		assert_string_equal(got.actor.name, s->actor.name);
		assert_int_equal(got.created_at, s->created_at);
		assert_int_equal(got.expires_at, s->expires_at);
		assert_string_equal(got.token, ""); /* only login hands the token out */
	}
	return rc;
}

static void hash_hex(const char *token, char hex[PD_STORE_HASH_HEX])
{
	unsigned char raw[32], h[32];
	size_t n = 0;
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), token, strlen(token), NULL, &n, NULL,
	                                   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	                 0);
	assert_int_equal(n, 32);
	crypto_generichash(h, sizeof(h), raw, sizeof(raw), NULL, 0);
	sodium_bin2hex(hex, PD_STORE_HASH_HEX, h, sizeof(h));
}

static int64_t last_used(const struct pd_session *s)
{
	char hex[PD_STORE_HASH_HEX];
	struct pd_arena a;
	struct pd_store_session ss;
	hash_hex(s->token, hex);
	pd_arena_init(&a, 1024, 0);
	assert_int_equal(pd_store_session_get(store, hex, &a, &ss, NULL), 0);
	pd_arena_free(&a);
	return ss.last_used_at;
}

static void test_token_and_what_is_stored(void **state)
{
	struct pd_session s;
	char hex[PD_STORE_HASH_HEX];
	login("ann", &s);
	assert_int_equal(strlen(s.token), PD_SESSION_TOKEN_LEN);
	for (const char *p = s.token; *p; p++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		                       "0123456789-_",
		                       *p));
	assert_string_equal(s.actor.name, "ann");
	assert_int_equal(s.actor.role, PD_ROLE_APPLICANT);
	assert_int_equal(s.expires_at - s.created_at, (int64_t)PD_SESSION_ABSOLUTE_S * 1000000);
	assert_int_equal(check(&s, NULL), 0);

	/* the store has the hash of the token's bytes, and the token nowhere */
	hash_hex(s.token, hex);
	char sql[300], row[200];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = '%s'", hex);
	assert_int_equal(pdt_sql(file, sql, row, sizeof(row)), 0);
	assert_string_equal(row, "1");
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash LIKE '%%%s%%'",
	         s.token); /* base64url: no quote in it */
	assert_int_equal(pdt_sql(file, sql, row, sizeof(row)), 0);
	assert_string_equal(row, "0");

	/* two logins, two tokens */
	struct pd_session t;
	login("ann", &t);
	assert_string_not_equal(s.token, t.token);
}

static void test_bad_tokens(void **state)
{
	struct pd_session s, out;
	struct pd_error err = {0};
	login("ann", &s);
	char bad[PD_SESSION_TOKEN_LEN + 2];
	snprintf(bad, sizeof(bad), "%s", s.token);
	bad[0] = bad[0] == 'A' ? 'B' : 'A'; /* another token */
	assert_int_equal(pd_session_check(store, bad, strlen(bad), &out, &err), -PD_EAUTH);
	assert_string_equal(err.message, "no such session, or it has ended: log in again");
	assert_int_equal(pd_session_check(store, s.token, 42, &out, &err), -PD_EAUTH);
	bad[0] = '=';
	assert_int_equal(pd_session_check(store, bad, strlen(bad), &out, &err), -PD_EAUTH);
	assert_int_equal(pd_session_check(store, "", 0, &out, &err), -PD_EAUTH);
	assert_int_equal(pd_session_check(store, NULL, 0, &out, &err), -PD_EAUTH);
	assert_int_equal(check(&s, NULL), 0); /* the real one still works */
}

static void test_idle_and_absolute_end(void **state)
{
	struct pd_session s;
	struct pd_error err = {0};
	login("ann", &s);
	int64_t t0 = last_used(&s);

	/* used within a minute: a read, nothing written */
	wf_clock_shift_us(30 * 1000000);
	assert_int_equal(check(&s, NULL), 0);
	assert_int_equal(last_used(&s), t0);
	/* after a minute the use is recorded */
	wf_clock_shift_us(31 * 1000000);
	assert_int_equal(check(&s, NULL), 0);
	assert_true(last_used(&s) >= t0 + MINUTE);
	/* so 29 minutes later it is still alive, though 30 have passed since login */
	wf_clock_shift_us(29 * MINUTE);
	assert_int_equal(check(&s, NULL), 0);
	/* idle for 30 minutes: ended */
	wf_clock_shift_us(30 * MINUTE);
	assert_int_equal(check(&s, &err), -PD_EAUTH);

	/* used every 20 minutes it lives 12 hours and not a minute more */
	login("ann", &s);
	int64_t used = 0;
	while (used + 20 * MINUTE < (int64_t)PD_SESSION_ABSOLUTE_S * 1000000) {
		wf_clock_shift_us(20 * MINUTE);
		used += 20 * MINUTE;
		assert_int_equal(check(&s, NULL), 0);
	}
	wf_clock_shift_us((int64_t)PD_SESSION_ABSOLUTE_S * 1000000 - used);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
}

static void test_logout(void **state)
{
	struct pd_session s, t;
	struct pd_error err = {0};
	login("ann", &s);
	login("ann", &t);
	assert_int_equal(pd_session_logout(store, s.token, strlen(s.token), &err), 0);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
	assert_int_equal(check(&t, NULL), 0); /* the other session stays */
	assert_int_equal(pd_session_logout(store, s.token, strlen(s.token), &err), 0);
	assert_int_equal(pd_session_logout(store, "nonsense", 8, &err), 0);
}

static int refuse_login(const char *user, const char *pw, struct pd_error *err)
{
	struct pd_session s;
	int rc = pd_session_login(store, user, pw, strlen(pw), &s, err);
	assert_int_equal(rc, -PD_EAUTH);
	assert_string_equal(err->message, "wrong user name or password");
	assert_string_equal(s.token, "");
	return rc;
}

/* Refuses a login and returns which hash it was verified against: 'u' a
 * user's, 'd' the dummy; anything else fails. */
static char verified_against(const char *user, const char *pw)
{
	int64_t u0, d0, u1, d1;
	struct pd_error err = {0};
	pd_user_password_checks(&u0, &d0);
	refuse_login(user, pw, &err);
	pd_user_password_checks(&u1, &d1);
	if (u1 - u0 == 1 && d1 == d0)
		return 'u';
	if (d1 - d0 == 1 && u1 == u0)
		return 'd';
	fail_msg("%s: %lld verifications of users' hashes and %lld of the dummy, not one", user,
	         (long long)(u1 - u0), (long long)(d1 - d0));
	return '?';
}

static void test_one_answer_for_every_refusal(void **state)
{
	struct pd_error err = {0};
	int64_t ok0, bad0, ok1, bad1;
	pd_session_login_counts(&ok0, &bad0);
	refuse_login("ann", "wrong password", &err);
	refuse_login("nobody", PW, &err);
	refuse_login("not a name!", PW, &err);
	add("dee", PD_ROLE_OFFICER);
	assert_int_equal(pd_user_set_disabled(store, &admin, "dee", true, PD_DATE_NONE, &err), 0);
	refuse_login("dee", PW, &err); /* the right password, but disabled */
	pd_session_login_counts(&ok1, &bad1);
	assert_int_equal(bad1 - bad0, 4);
	assert_int_equal(ok1, ok0);

	/* An unknown name costs an argon2id verification too, against a dummy
	 * hash made with the same limits: without it the refusal would answer
	 * hundreds of times faster than a wrong password.  Counted, not timed. */
	assert_int_equal(verified_against("ann", "wrong password"), 'u');
	assert_int_equal(verified_against("nobody", PW), 'd');
	assert_int_equal(verified_against("not a name!", PW), 'd');
	assert_int_equal(verified_against("dee", PW), 'u');
	assert_int_equal(pd_user_set_disabled(store, &admin, "dee", false, PD_DATE_NONE, &err), 0);
	struct pd_session s;
	login("dee", &s);
	pd_session_login_counts(&ok1, &bad1);
	assert_int_equal(ok1, ok0 + 1);
}

static void test_disabling_ends_sessions(void **state)
{
	struct pd_session s;
	struct pd_actor actor;
	struct pd_error err = {0};
	add("eve", PD_ROLE_REVIEWER);
	login("eve", &s);
	assert_int_equal(pd_user_set_disabled(store, &admin, "eve", true, PD_DATE_NONE, &err), 0);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
	assert_int_equal(pd_workflow_actor(store, "eve", &actor, &err), -PD_EAUTH);
	assert_string_equal(err.message, "user 'eve' is disabled");
	/* enabled again: the old session stays ended, a new login works */
	assert_int_equal(pd_user_set_disabled(store, &admin, "eve", false, PD_DATE_NONE, &err), 0);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
	assert_int_equal(pd_workflow_actor(store, "eve", &actor, &err), 0);
	login("eve", &s);
	assert_int_equal(check(&s, NULL), 0);
}

static void test_new_password_ends_sessions(void **state)
{
	struct pd_session s, other;
	struct pd_error err = {0};
	const struct pd_actor fay = {"fay", PD_ROLE_OFFICER};
	add("fay", PD_ROLE_OFFICER);
	add("gus", PD_ROLE_OFFICER);
	login("fay", &s);
	login("gus", &other);
	/* a user for themselves */
	assert_int_equal(
	    pd_user_set_password(store, &fay, "fay", "another one", 11, PD_DATE_NONE, &err), 0);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
	assert_int_equal(check(&other, NULL), 0);
	refuse_login("fay", PW, &err);
	assert_int_equal(pd_session_login(store, "fay", "another one", 11, &s, &err), 0);
	/* not for someone else, unless an admin */
	assert_int_equal(
	    pd_user_set_password(store, &fay, "gus", "another one", 11, PD_DATE_NONE, &err),
	    -PD_EFORBIDDEN);
	assert_int_equal(check(&other, NULL), 0);
	assert_int_equal(
	    pd_user_set_password(store, &admin, "fay", PW, strlen(PW), PD_DATE_NONE, &err), 0);
	assert_int_equal(check(&s, &err), -PD_EAUTH);
	login("fay", &s);
	assert_int_equal(pd_user_set_password(store, &admin, "fay", "short", 5, PD_DATE_NONE, &err),
	                 -PD_EINPUT);
	assert_int_equal(
	    pd_user_set_password(store, &admin, "nobody", PW, strlen(PW), PD_DATE_NONE, &err),
	    -PD_ENOTFOUND);
	assert_int_equal(check(&s, NULL), 0);
}

static void test_who_administers(void **state)
{
	const struct pd_actor off = {"hal", PD_ROLE_OFFICER};
	struct pd_error err = {0};
	struct pd_buf out;
	add("hal", PD_ROLE_OFFICER);
	pd_buf_init(&out, 0);

	assert_int_equal(pd_user_set_disabled(store, &off, "ann", true, PD_DATE_NONE, &err),
	                 -PD_EFORBIDDEN);
	assert_string_equal(err.message, "only an admin may disable users, not officer 'hal'");
	assert_int_equal(pd_user_set_disabled(store, &admin, "adm", true, PD_DATE_NONE, &err),
	                 -PD_EFORBIDDEN);
	assert_int_equal(pd_user_set_disabled(store, &admin, "nobody", true, PD_DATE_NONE, &err),
	                 -PD_ENOTFOUND);
	assert_int_equal(pd_user_list_json(store, &off, false, &out, &err), -PD_EFORBIDDEN);

	assert_int_equal(pd_user_json(store, &off, "hal", false, &out, &err), 0);
	assert_non_null(strstr(out.data,
	                       "{\"user\":\"hal\",\"role\":\"officer\",\"disabled\":false,"
	                       "\"created_at\":\""));
	pd_buf_reset(&out);
	assert_int_equal(pd_user_json(store, &off, "ann", false, &out, &err), -PD_EFORBIDDEN);
	assert_int_equal(pd_user_json(store, &admin, "nobody", false, &out, &err), -PD_ENOTFOUND);
	pd_buf_reset(&out);
	assert_int_equal(pd_user_set_disabled(store, NULL, "hal", true, PD_DATE_NONE, &err), 0);
	assert_int_equal(pd_user_list_json(store, &admin, false, &out, &err), 0);
	assert_non_null(strstr(out.data, "{\"users\":[{\"user\":\"adm\",\"role\":\"admin\""));
	assert_non_null(
	    strstr(out.data, "{\"user\":\"hal\",\"role\":\"officer\",\"disabled\":true"));
	pd_buf_free(&out);

	/* each change one audit entry, the chain intact, no password in it */
	struct pd_audit_report r;
	assert_int_equal(pd_audit_verify(store, &r, &err), 0);
	assert_true(r.ok);
	char row[200];
	assert_int_equal(pdt_sql(file,
	                         "SELECT actor, data FROM audit WHERE action = "
	                         "'user_disable' ORDER BY seq DESC LIMIT 1",
	                         row, sizeof(row)),
	                 0);
	assert_string_equal(row, "operator|{\"user\":\"hal\"}");
	assert_int_equal(pdt_sql(file,
	                         "SELECT count(*) FROM audit WHERE action = "
	                         "'user_password' AND (data LIKE '%horse%' OR data "
	                         "LIKE '%another%')",
	                         row, sizeof(row)),
	                 0);
	assert_string_equal(row, "0");

	/* disabling twice writes once */
	int64_t before, after;
	char head[PD_STORE_HASH_HEX];
	assert_int_equal(pd_store_audit_head(store, &before, head, NULL), 0);
	assert_int_equal(pd_user_set_disabled(store, &admin, "hal", true, PD_DATE_NONE, &err), 0);
	assert_int_equal(pd_store_audit_head(store, &after, head, NULL), 0);
	assert_int_equal(after, before);
}

static int setup(void **state)
{
	struct pd_error err = {0};
	if (!mkdtemp(dir))
		return -1;
	pdt_location(file, sizeof(file), dir, "office.db");
	if (pd_store_open(file, PD_STORE_CREATE, &store, &err))
		return -1;
	add("adm", PD_ROLE_ADMIN);
	add("ann", PD_ROLE_APPLICANT);
	return 0;
}

static int teardown(void **state)
{
	char cmd[400];
	pd_store_close(store);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_token_and_what_is_stored),
	    cmocka_unit_test(test_bad_tokens),
	    cmocka_unit_test(test_idle_and_absolute_end),
	    cmocka_unit_test(test_logout),
	    cmocka_unit_test(test_one_answer_for_every_refusal),
	    cmocka_unit_test(test_disabling_ends_sessions),
	    cmocka_unit_test(test_new_password_ends_sessions),
	    cmocka_unit_test(test_who_administers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
