/*
 * users.c: users and their roles, kept in the store.
 *
 * Passwords are never stored: only crypto_pwhash_str()'s output, which is
 * argon2id (RFC 9106) with libsodium's "interactive" limits and a random salt,
 * in the PHC string format that carries its own parameters, so the limits can
 * be raised later without invalidating the hashes already stored.  Hashing
 * happens before the write transaction starts: it is slow on purpose and
 * must not hold the store's write lock.
 *
 * Authentication takes the same time whoever asks: a name that is not a
 * user's is checked against a dummy hash made once with the same limits,
 * and a disabled user's password is checked like any other before the
 * answer, the same -PD_EAUTH "wrong user name or password" in all three
 * cases, is given.  So the time of a refusal does not tell whether a name
 * exists.
 *
 * Administration (list, disable, enable, new password) is for admins, or
 * the operator of the database (`by` NULL); a user may set their own
 * password.  Disabling a user and setting a password end the user's
 * sessions (sessions.c) in the same transaction, and one audit entry
 * records the change (never the password).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define PASSWORD_MIN 8
#define PASSWORD_MAX 1024

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > PD_USER_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '@' || c == '-'))
			return false;
	}
	return true;
}

int pd_workflow_actor(struct pd_store *store, const char *name, struct pd_actor *out,
                      struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_user u;
	enum pd_role role;
	int rc;

	if (!name_ok(name))
		return pd_error_set(err, PD_EAUTH, "no user '%s'", name ? name : "");
	pd_arena_init(&a, 1024, 0);
	rc = pd_store_user_get(store, name, &a, &u, err);
	if (rc == -PD_ENOTFOUND) {
		rc = pd_error_set(err, PD_EAUTH, "no user '%s'", name);
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	if (u.disabled) {
		rc = pd_error_set(err, PD_EAUTH, "user '%s' is disabled", name);
		goto cleanup;
	}
	if (pd_role_parse(u.role, &role) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "user '%s' has an unknown role '%s'", name,
		                  u.role);
		goto cleanup;
	}
	snprintf(out->name, sizeof(out->name), "%s", u.name);
	out->role = role;
cleanup:
	pd_arena_free(&a);
	return rc;
}

static int user_add_once(struct pd_store *store, const struct pd_actor *by, const char *name,
                         enum pd_role role, const char *password, size_t password_len, pd_date at,
                         struct pd_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	struct pd_buf data;
	struct pd_jw w;
	int rc;

	pd_buf_init(&data, 4096);
	if (!name_ok(name))
		return pd_error_set(err, PD_EINPUT,
		                    "user name must be 1 to %d characters of A-Z a-z 0-9 . _ @ -",
		                    PD_USER_NAME_MAX);
	if ((unsigned)role >= PD_ROLE_COUNT)
		return pd_error_set(err, PD_EINPUT, "unknown role");
	if (password_len < PASSWORD_MIN || password_len > PASSWORD_MAX)
		return pd_error_set(err, PD_EINPUT, "password must be %d to %d bytes long",
		                    PASSWORD_MIN, PASSWORD_MAX);
	if (by && by->role != PD_ROLE_ADMIN)
		return pd_error_set(err, PD_EFORBIDDEN, "only an admin may add users, not %s '%s'",
		                    pd_role_name(by->role), by->name);
	if (!by)
		by = &wf_operator;
	if (at == PD_DATE_NONE)
		at = pd_today();
	if ((rc = wf_sodium(err)))
		return rc;
	if (crypto_pwhash_str(hash, password, password_len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return pd_error_set(err, PD_ENOMEM, "out of memory hashing the password");

	pd_jw_init(&w, &data, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, name);
	pd_jw_key(&w, "role");
	pd_jw_string(&w, pd_role_name(role));
	pd_jw_object_end(&w);
	if (data.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}

	struct pd_store_user u = {
	    .name = name,
	    .role = pd_role_name(role),
	    .password_hash = hash,
	    .created_at = wf_now_us(),
	};
	struct wf_entry e = {
	    .action = "user_add",
	    .actor = by,
	    .at = at,
	    .data = data.data,
	};
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)))
		goto cleanup;
	if ((rc = pd_store_user_insert(store, &u, err)) ||
	    (rc = wf_audit_append(store, &e, NULL, err)) || (rc = pd_store_commit(store, err)))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	sodium_memzero(hash, sizeof(hash));
	pd_buf_free(&data);
	return rc;
}

int pd_user_add(struct pd_store *store, const struct pd_actor *by, const char *name,
                enum pd_role role, const char *password, size_t password_len, pd_date at,
                struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = user_add_once(store, by, name, role, password, password_len, at, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

/* A hash of a random password, made once, with the limits of real ones:
 * verifying against it costs what verifying a real user's password costs. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static atomic_llong checks_of_users, checks_of_dummy;

void pd_user_password_checks(int64_t *users, int64_t *dummy)
{
	*users = (int64_t)atomic_load(&checks_of_users);
	*dummy = (int64_t)atomic_load(&checks_of_dummy);
}

static void make_dummy(void)
{
	unsigned char pw[32];
	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw),
	                      crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0'; /* out of memory: refusals are then quicker, still refusals */
}

int pd_user_authenticate(struct pd_store *store, const char *name, const char *password,
                         size_t password_len, struct pd_actor *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_user u;
	enum pd_role role;
	bool known, ok;
	int rc;

	if (password_len > PASSWORD_MAX)
		return pd_error_set(err, PD_EAUTH, "wrong user name or password");
	if ((rc = wf_sodium(err)))
		return rc;
	pthread_once(&dummy_once, make_dummy);
	pd_arena_init(&a, 1024, 0);
	rc = name_ok(name) ? pd_store_user_get(store, name, &a, &u, err) : -PD_ENOTFOUND;
	if (rc && rc != -PD_ENOTFOUND)
		goto cleanup;
	known = rc == 0;
	atomic_fetch_add(known ? &checks_of_users : &checks_of_dummy, 1);
	ok = crypto_pwhash_str_verify(known ? u.password_hash : dummy_hash, password,
	                              password_len) == 0;
	if (!known || !ok || u.disabled) {
		rc = pd_error_set(err, PD_EAUTH, "wrong user name or password");
		goto cleanup;
	}
	if (pd_role_parse(u.role, &role) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "user '%s' has an unknown role '%s'", name,
		                  u.role);
		goto cleanup;
	}
	snprintf(out->name, sizeof(out->name), "%s", u.name);
	out->role = role;
	rc = 0;
cleanup:
	pd_arena_free(&a);
	return rc;
}

/* ---- administering users ---- */

static void write_user(struct pd_jw *w, const struct pd_store_user *u)
{
	pd_jw_object_begin(w);
	pd_jw_key(w, "user");
	pd_jw_string(w, u->name);
	pd_jw_key(w, "role");
	pd_jw_string(w, u->role);
	pd_jw_key(w, "disabled");
	pd_jw_bool(w, u->disabled);
	wf_key_instant(w, "created_at", u->created_at);
	pd_jw_object_end(w);
}

static int list_row(void *ctx, const struct pd_store_user *u)
{
	write_user(ctx, u);
	return 0;
}

static int need_admin(const struct pd_actor *by, const char *what, struct pd_error *err)
{
	if (pd_role_can(by->role, PD_CAP_USERS))
		return 0;
	return pd_error_set(err, PD_EFORBIDDEN, "only an admin may %s, not %s '%s'", what,
	                    pd_role_name(by->role), by->name);
}

int pd_user_list_json(struct pd_store *store, const struct pd_actor *by, bool pretty,
                      struct pd_buf *out, struct pd_error *err)
{
	struct pd_jw w;
	int rc;

	if ((rc = need_admin(by ? by : &wf_operator, "list users", err)) ||
	    (rc = pd_store_begin(store, PD_TXN_READ, err)))
		return rc;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "users");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_user_list(store, list_row, &w, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing the users");
cleanup:
	pd_store_rollback(store);
	return rc;
}

int pd_user_json(struct pd_store *store, const struct pd_actor *by, const char *name, bool pretty,
                 struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_user u;
	struct pd_jw w;
	int rc;

	if (!by)
		by = &wf_operator;
	if (!name_ok(name))
		return pd_error_set(err, PD_ENOTFOUND, "no user '%s'", name ? name : "");
	if (strcmp(by->name, name) != 0 && (rc = need_admin(by, "read other users", err)))
		return rc;
	pd_arena_init(&a, 1024, 0);
	if ((rc = pd_store_user_get(store, name, &a, &u, err)))
		goto cleanup;
	pd_jw_init(&w, out, pretty);
	write_user(&w, &u);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing a user");
cleanup:
	pd_arena_free(&a);
	return rc;
}

/* The audit data of a change to a user: {"user": name}. */
static int user_data(const char *name, struct pd_buf *data, struct pd_error *err)
{
	struct pd_jw w;
	pd_jw_init(&w, data, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "user");
	pd_jw_string(&w, name);
	pd_jw_object_end(&w);
	return data->failed ? pd_error_set(err, PD_ENOMEM, "out of memory") : 0;
}

static int set_disabled_once(struct pd_store *store, const struct pd_actor *by, const char *name,
                             bool disabled, pd_date at, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_user u;
	struct pd_buf data;
	int rc;

	if (!by)
		by = &wf_operator;
	if ((rc = need_admin(by, disabled ? "disable users" : "enable users", err)))
		return rc;
	if (!name_ok(name))
		return pd_error_set(err, PD_ENOTFOUND, "no user '%s'", name ? name : "");
	if (strcmp(by->name, name) == 0)
		return pd_error_set(err, PD_EFORBIDDEN, "an admin may not %s themselves",
		                    disabled ? "disable" : "enable");
	pd_arena_init(&a, 1024, 0);
	pd_buf_init(&data, 4096);
	struct wf_entry e = {
	    .action = disabled ? "user_disable" : "user_enable",
	    .actor = by,
	    .at = at == PD_DATE_NONE ? pd_today() : at,
	};
	if ((rc = user_data(name, &data, err)))
		goto cleanup;
	e.data = data.data;
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_user_get(store, name, &a, &u, err)))
		goto cleanup;
	if (u.disabled == disabled) /* nothing to change, nothing to record */
		goto cleanup;
	u.disabled = disabled;
	if ((rc = pd_store_user_update(store, &u, err)) ||
	    (disabled && (rc = pd_store_session_revoke_user(store, name, err))) ||
	    (rc = wf_audit_append(store, &e, NULL, err)) || (rc = pd_store_commit(store, err)))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	pd_buf_free(&data);
	pd_arena_free(&a);
	return rc;
}

int pd_user_set_disabled(struct pd_store *store, const struct pd_actor *by, const char *name,
                         bool disabled, pd_date at, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = set_disabled_once(store, by, name, disabled, at, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

static int set_password_once(struct pd_store *store, const struct pd_actor *by, const char *name,
                             const char *password, size_t password_len, pd_date at,
                             struct pd_error *err)
{
	char hash[crypto_pwhash_STRBYTES];
	struct pd_arena a;
	struct pd_store_user u;
	struct pd_buf data;
	int rc;

	if (!by)
		by = &wf_operator;
	if (strcmp(by->name, name ? name : "") != 0 &&
	    (rc = need_admin(by, "set other users' passwords", err)))
		return rc;
	if (!name_ok(name))
		return pd_error_set(err, PD_ENOTFOUND, "no user '%s'", name ? name : "");
	if (password_len < PASSWORD_MIN || password_len > PASSWORD_MAX)
		return pd_error_set(err, PD_EINPUT, "password must be %d to %d bytes long",
		                    PASSWORD_MIN, PASSWORD_MAX);
	if ((rc = wf_sodium(err)))
		return rc;
	if (crypto_pwhash_str(hash, password, password_len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return pd_error_set(err, PD_ENOMEM, "out of memory hashing the password");
	pd_arena_init(&a, 1024, 0);
	pd_buf_init(&data, 4096);
	struct wf_entry e = {
	    .action = "user_password",
	    .actor = by,
	    .at = at == PD_DATE_NONE ? pd_today() : at,
	};
	if ((rc = user_data(name, &data, err)))
		goto cleanup;
	e.data = data.data;
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_user_get(store, name, &a, &u, err)))
		goto cleanup;
	u.password_hash = hash;
	if ((rc = pd_store_user_update(store, &u, err)) ||
	    (rc = pd_store_session_revoke_user(store, name, err)) ||
	    (rc = wf_audit_append(store, &e, NULL, err)) || (rc = pd_store_commit(store, err)))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	sodium_memzero(hash, sizeof(hash));
	pd_buf_free(&data);
	pd_arena_free(&a);
	return rc;
}

int pd_user_set_password(struct pd_store *store, const struct pd_actor *by, const char *name,
                         const char *password, size_t password_len, pd_date at,
                         struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = set_password_once(store, by, name, password, password_len, at, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}
