/*
 * sessions.c: logging in, checking a session, logging out (workflow.h).
 *
 * A token is 32 bytes of randombytes_buf(), given to the client as 43
 * characters of unpadded base64url (RFC 4648 §5).  The store keeps only the
 * BLAKE2b-256 hash (RFC 7693, crypto_generichash) of the 32 bytes, in hex:
 * someone who reads the database cannot use the sessions in it.  The hash is
 * not keyed: a token has 256 bits of entropy, so nobody can find one from
 * its hash, and a key would be one more secret to keep.
 *
 * A session ends PD_SESSION_ABSOLUTE_S after login, PD_SESSION_IDLE_S after
 * its last use, at logout, and when its user is disabled or given a new
 * password (users.c revokes them in the same transaction).  A check is a
 * read; it writes last_used_at only when the recorded one is at least
 * TOUCH_EVERY_US old, so a busy client costs one write a minute, and the
 * idle limit is exact to within that minute.
 *
 * Time is wf_now_us(), the real clock; the unit tests move it with
 * wf_clock_shift_us() (workflow_int.h), which nothing else calls.
 *
 * Logins are not written to the audit trail: it is the record of what was
 * done to cases and users, and an entry per login would swamp it.  Each
 * successful login leaves its row in the sessions table (user, created_at),
 * which is kept after the session ends, so logins can be counted per user and
 * day with SQL; failed logins write nothing (writing would let anyone grow
 * the database) and are counted in the process, pd_session_login_counts(),
 * for the server's metrics.
 */
#include <stdatomic.h>
#include <string.h>

#include <sodium.h>

#include "workflow_int.h"

#define TOKEN_BYTES 32
#define TOUCH_EVERY_US ((int64_t)60 * 1000000)
#define US(s) ((int64_t)(s)*1000000)

_Static_assert(PD_SESSION_TOKEN_LEN + 1 ==
                   sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
               "a token is 43 characters of base64url");

static atomic_llong logins_ok, logins_refused;

void pd_session_login_counts(int64_t *ok, int64_t *refused)
{
	*ok = (int64_t)atomic_load(&logins_ok);
	*refused = (int64_t)atomic_load(&logins_refused);
}

/* The stored hash of a token's bytes. */
static void token_hash(const unsigned char raw[TOKEN_BYTES], char hex[PD_STORE_HASH_HEX])
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof(h), raw, TOKEN_BYTES, NULL, 0);
	sodium_bin2hex(hex, PD_STORE_HASH_HEX, h, sizeof(h));
}

/* The hash of a token as the client gives it; -1 when it is not a token. */
static int hash_of(const char *token, size_t len, char hex[PD_STORE_HASH_HEX])
{
	unsigned char raw[TOKEN_BYTES];
	size_t n = 0;
	if (!token || len != PD_SESSION_TOKEN_LEN ||
	    sodium_base642bin(raw, sizeof(raw), token, len, NULL, &n, NULL,
	                      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != sizeof(raw))
		return -1;
	token_hash(raw, hex);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

static int ended(struct pd_error *err)
{
	return pd_error_set(err, PD_EAUTH, "no such session, or it has ended: log in again");
}

static int login_once(struct pd_store *store, const char *user, const char *password,
                      size_t password_len, struct pd_session *out, struct pd_error *err)
{
	unsigned char raw[TOKEN_BYTES];
	char hex[PD_STORE_HASH_HEX];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = pd_user_authenticate(store, user, password, password_len, &out->actor, err);
	if (rc) {
		if (rc == -PD_EAUTH)
			atomic_fetch_add(&logins_refused, 1);
		return rc;
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out->token, sizeof(out->token), raw, sizeof(raw),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	token_hash(raw, hex);
	sodium_memzero(raw, sizeof(raw));
	out->created_at = wf_now_us();
	out->expires_at = out->created_at + US(PD_SESSION_ABSOLUTE_S);
	struct pd_store_session ss = {
	    .token_hash = hex,
	    .user = out->actor.name,
	    .created_at = out->created_at,
	    .last_used_at = out->created_at,
	    .expires_at = out->expires_at,
	};
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_session_insert(store, &ss, err)) || (rc = pd_store_commit(store, err))) {
		pd_store_rollback(store);
		sodium_memzero(out, sizeof(*out));
		return rc;
	}
	atomic_fetch_add(&logins_ok, 1);
	return 0;
}

int pd_session_login(struct pd_store *store, const char *user, const char *password,
                     size_t password_len, struct pd_session *out, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = login_once(store, user, password, password_len, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

static int check_once(struct pd_store *store, const char *token, size_t len, struct pd_session *out,
                      struct pd_error *err)
{
	char hex[PD_STORE_HASH_HEX];
	struct pd_arena a;
	struct pd_store_session ss;
	int64_t now = wf_now_us();
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = wf_sodium(err)))
		return rc;
	if (hash_of(token, len, hex) != 0)
		return ended(err);
	pd_arena_init(&a, 1024, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	rc = pd_store_session_get(store, hex, &a, &ss, err);
	if (rc == -PD_ENOTFOUND || (rc == 0 && (ss.revoked || now >= ss.expires_at ||
	                                        now - ss.last_used_at >= US(PD_SESSION_IDLE_S)))) {
		rc = ended(err);
		goto cleanup;
	}
	if (rc)
		goto cleanup;
	/* the user as they are now: disabled, removed or given another role since login */
	rc = pd_workflow_actor(store, ss.user, &out->actor, err);
	if (rc == -PD_EAUTH)
		rc = ended(err);
	if (rc)
		goto cleanup;
	pd_store_rollback(store);
	out->created_at = ss.created_at;
	out->expires_at = ss.expires_at;
	/* a store opened read-only (a command that only reads) records no use */
	if (now - ss.last_used_at >= TOUCH_EVERY_US && !pd_store_readonly(store) &&
	    ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	     (rc = pd_store_session_touch(store, hex, now, err)) ||
	     (rc = pd_store_commit(store, err))))
		goto cleanup;
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&a);
	if (rc)
		memset(out, 0, sizeof(*out));
	return rc;
}

int pd_session_check(struct pd_store *store, const char *token, size_t len, struct pd_session *out,
                     struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = check_once(store, token, len, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

static int logout_once(struct pd_store *store, const char *token, size_t len, struct pd_error *err)
{
	char hex[PD_STORE_HASH_HEX];
	int rc;

	if ((rc = wf_sodium(err)))
		return rc;
	if (hash_of(token, len, hex) != 0)
		return 0;
	if ((rc = pd_store_begin(store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_session_revoke(store, hex, err)) || (rc = pd_store_commit(store, err)))
		pd_store_rollback(store);
	return rc;
}

int pd_session_logout(struct pd_store *store, const char *token, size_t len, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = logout_once(store, token, len, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}
