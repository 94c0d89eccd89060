/*
 * users.c: users and their roles, kept in the store.
 *
 * Passwords are never stored: only crypto_pwhash_str()'s output, which is
 * argon2id (RFC 9106) with libsodium's "interactive" limits and a random salt,
 * in the PHC string format that carries its own parameters, so the limits can
 * be raised later without invalidating the hashes already stored.  Hashing
 * happens before the write transaction starts: it is slow on purpose and
 * must not hold the store's write lock.
 */
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

int pd_user_add(struct pd_store *store, const struct pd_actor *by, const char *name,
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

int pd_user_authenticate(struct pd_store *store, const char *name, const char *password,
                         size_t password_len, struct pd_actor *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_user u;
	enum pd_role role;
	int rc;

	if (!name_ok(name) || password_len > PASSWORD_MAX)
		return pd_error_set(err, PD_EAUTH, "wrong user name or password");
	if ((rc = wf_sodium(err)))
		return rc;
	pd_arena_init(&a, 1024, 0);
	rc = pd_store_user_get(store, name, &a, &u, err);
	if (rc == -PD_ENOTFOUND ||
	    (rc == 0 && crypto_pwhash_str_verify(u.password_hash, password, password_len) != 0)) {
		rc = pd_error_set(err, PD_EAUTH, "wrong user name or password");
		goto cleanup;
	}
	if (rc)
		goto cleanup;
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
