/*
 * store.c: the store interface (store.h), a dispatch over the table of a back
 * end (struct pd_store_backend), in the manner of libgit2's odb backends.
 *
 * The dispatch is where the rules every back end shares are enforced once:
 * the back end's table version is checked at open, writes happen only inside
 * a write transaction, and an open transaction is rolled back when the store
 * is closed.  A back end is chosen by the scheme of the location
 * ("postgresql:" or "postgres:" PostgreSQL, "sqlite:" SQLite); anything
 * else is a file name, and means SQLite.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "permitdesk/store.h"

struct pd_store {
	struct pd_store_backend *b;
	int txn; /* -1 none, else enum pd_txn */
	bool readonly;
	char *location;       /* as given to pd_store_open, for messages */
	char *audit_key_path; /* NULL when none */
};

struct backend_row {
	const char *scheme; /* matched against the location's prefix */
	pd_store_backend_open_fn open;
};

/* Schemes in order; the last row (empty scheme) takes plain file names. */
static const struct backend_row backends[] = {
    {"postgresql:", pd_store_pg_open},
    {"postgres:", pd_store_pg_open},
    {"sqlite:", pd_store_sqlite_open},
    {"", pd_store_sqlite_open},
};

int pd_store_open_backend(struct pd_store_backend *backend, struct pd_store **out,
                          struct pd_error *err)
{
	*out = NULL;
	if (!backend)
		return pd_error_set(err, PD_EINTERNAL, "no store back end");
	if (backend->version != PD_STORE_BACKEND_VERSION)
		return pd_error_set(err, PD_EVERSION,
		                    "store back end '%s' has interface version %d, this program %d",
		                    backend->name ? backend->name : "?", backend->version,
		                    PD_STORE_BACKEND_VERSION);
	struct pd_store *s = calloc(1, sizeof(*s));
	if (!s)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	s->b = backend;
	s->txn = -1;
	*out = s;
	return 0;
}

int pd_store_open(const char *location, unsigned flags, struct pd_store **out, struct pd_error *err)
{
	*out = NULL;
	if (!location || !location[0])
		return pd_error_set(err, PD_EUSAGE, "no database given");
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
		size_t n = strlen(backends[i].scheme);
		if (strncmp(location, backends[i].scheme, n) != 0)
			continue;
		struct pd_store_backend *b = NULL;
		int rc = backends[i].open(location, flags, &b, err);
		if (rc)
			return rc;
		rc = pd_store_open_backend(b, out, err);
		if (rc) {
			b->close(b);
			return rc;
		}
		(*out)->readonly = (flags & PD_STORE_READONLY) != 0;
		(*out)->location = strdup(location);
		const char *key = getenv("PERMITDESK_AUDIT_KEY");
		if (key && key[0]) {
			rc = pd_store_set_audit_key_path(*out, key, err);
		} else if (strcmp(b->name, "sqlite") == 0) {
			const char *file =
			    location + (strncmp(location, "sqlite:", 7) == 0 ? 7 : 0);
			size_t len = strlen(file) + sizeof(".key");
			char *path = malloc(len);
			if (path)
				snprintf(path, len, "%s.key", file);
			rc = pd_store_set_audit_key_path(*out, path, err);
			free(path);
		}
		if (!rc && !(*out)->location)
			rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		if (rc) {
			pd_store_close(*out);
			*out = NULL;
		}
		return rc;
	}
	return pd_error_set(err, PD_ECONFIG, "%s: no store back end for this location", location);
}

void pd_store_close(struct pd_store *s)
{
	if (!s)
		return;
	if (s->txn >= 0)
		s->b->rollback(s->b);
	s->b->close(s->b);
	free(s->location);
	free(s->audit_key_path);
	free(s);
}

const char *pd_store_backend_name(const struct pd_store *s)
{
	return s->b->name;
}

bool pd_store_readonly(const struct pd_store *s)
{
	return s->readonly;
}

const char *pd_store_audit_key_path(const struct pd_store *s)
{
	return s->audit_key_path;
}

int pd_store_set_audit_key_path(struct pd_store *s, const char *path, struct pd_error *err)
{
	char *copy = NULL;
	if (path && path[0] && !(copy = strdup(path)))
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	free(s->audit_key_path);
	s->audit_key_path = copy;
	return 0;
}

int pd_store_schema_version(struct pd_store *s, int *version, struct pd_error *err)
{
	return s->b->schema_version(s->b, version, err);
}

int pd_store_check(struct pd_store *s, struct pd_error *err)
{
	return s->b->check(s->b, err);
}

/* ---- transactions ---- */

int pd_store_begin(struct pd_store *s, enum pd_txn kind, struct pd_error *err)
{
	if (s->txn >= 0)
		return pd_error_set(err, PD_EINTERNAL, "store: transaction already open");
	if (kind == PD_TXN_WRITE && s->readonly)
		return pd_error_set(err, PD_EIO,
		                    "%s: the database is open read-only: nothing written",
		                    s->location ? s->location : "store");
	int rc = s->b->begin(s->b, kind, err);
	if (rc == 0)
		s->txn = (int)kind;
	return rc;
}

int pd_store_commit(struct pd_store *s, struct pd_error *err)
{
	if (s->txn < 0)
		return pd_error_set(err, PD_EINTERNAL, "store: commit without a transaction");
	int rc = s->b->commit(s->b, err);
	if (rc)
		s->b->rollback(s->b); /* a failed commit leaves nothing behind */
	s->txn = -1;
	return rc;
}

void pd_store_rollback(struct pd_store *s)
{
	if (s->txn < 0)
		return;
	s->b->rollback(s->b);
	s->txn = -1;
}

bool pd_store_in_txn(const struct pd_store *s)
{
	return s->txn >= 0;
}

/* Every write goes through here first. */
static int need_write(const struct pd_store *s, const char *what, struct pd_error *err)
{
	if (s->txn != PD_TXN_WRITE)
		return pd_error_set(err, PD_EINTERNAL, "store: %s outside a write transaction",
		                    what);
	return 0;
}

#define WRITE_OP(what, call)                                                                       \
	do {                                                                                       \
		int rc_ = need_write(s, what, err);                                                \
		if (rc_)                                                                           \
			return rc_;                                                                \
		return call;                                                                       \
	} while (0)

/* ---- users ---- */

int pd_store_user_insert(struct pd_store *s, const struct pd_store_user *u, struct pd_error *err)
{
	WRITE_OP("user insert", s->b->user_insert(s->b, u, err));
}

int pd_store_user_get(struct pd_store *s, const char *name, struct pd_arena *arena,
                      struct pd_store_user *out, struct pd_error *err)
{
	return s->b->user_get(s->b, name, arena, out, err);
}

int pd_store_user_list(struct pd_store *s, pd_store_user_fn fn, void *ctx, struct pd_error *err)
{
	return s->b->user_list(s->b, fn, ctx, err);
}

int pd_store_user_update(struct pd_store *s, const struct pd_store_user *u, struct pd_error *err)
{
	WRITE_OP("user update", s->b->user_update(s->b, u, err));
}

/* ---- sessions ---- */

int pd_store_session_insert(struct pd_store *s, const struct pd_store_session *ss,
                            struct pd_error *err)
{
	WRITE_OP("session insert", s->b->session_insert(s->b, ss, err));
}

int pd_store_session_get(struct pd_store *s, const char *token_hash, struct pd_arena *arena,
                         struct pd_store_session *out, struct pd_error *err)
{
	return s->b->session_get(s->b, token_hash, arena, out, err);
}

int pd_store_session_touch(struct pd_store *s, const char *token_hash, int64_t at,
                           struct pd_error *err)
{
	WRITE_OP("session touch", s->b->session_touch(s->b, token_hash, at, err));
}

int pd_store_session_revoke(struct pd_store *s, const char *token_hash, struct pd_error *err)
{
	WRITE_OP("session revoke", s->b->session_revoke(s->b, token_hash, err));
}

int pd_store_session_revoke_user(struct pd_store *s, const char *user, struct pd_error *err)
{
	WRITE_OP("session revoke", s->b->session_revoke_user(s->b, user, err));
}

/* ---- cases ---- */

int pd_store_case_insert(struct pd_store *s, const struct pd_store_case *c, struct pd_error *err)
{
	WRITE_OP("case insert", s->b->case_insert(s->b, c, err));
}

int pd_store_case_get(struct pd_store *s, const char *id, struct pd_arena *arena,
                      struct pd_store_case *out, struct pd_error *err)
{
	return s->b->case_get(s->b, id, arena, out, err);
}

int pd_store_case_update(struct pd_store *s, const struct pd_store_case *c, struct pd_error *err)
{
	WRITE_OP("case update", s->b->case_update(s->b, c, err));
}

static const struct pd_store_case_filter all_cases = {.due_before = PD_DATE_NONE};

int pd_store_case_list(struct pd_store *s, const struct pd_store_case_filter *f,
                       pd_store_case_fn fn, void *ctx, struct pd_error *err)
{
	return s->b->case_list(s->b, f ? f : &all_cases, fn, ctx, err);
}

int pd_store_case_count(struct pd_store *s, const struct pd_store_case_filter *f, int64_t *out,
                        struct pd_error *err)
{
	return s->b->case_count(s->b, f ? f : &all_cases, out, err);
}

int pd_store_sequence_next(struct pd_store *s, const char *name, int year, int64_t *out,
                           struct pd_error *err)
{
	WRITE_OP("sequence", s->b->sequence_next(s->b, name, year, out, err));
}

/* ---- tasks, notices, decisions ---- */

int pd_store_task_insert(struct pd_store *s, const struct pd_store_task *t, int64_t *n,
                         struct pd_error *err)
{
	WRITE_OP("task insert", s->b->task_insert(s->b, t, n, err));
}

int pd_store_task_update(struct pd_store *s, const struct pd_store_task *t, struct pd_error *err)
{
	WRITE_OP("task update", s->b->task_update(s->b, t, err));
}

int pd_store_task_list(struct pd_store *s, const char *case_id, pd_store_task_fn fn, void *ctx,
                       struct pd_error *err)
{
	return s->b->task_list(s->b, case_id, fn, ctx, err);
}

int pd_store_notice_insert(struct pd_store *s, const struct pd_store_notice *nt, int64_t *n,
                           struct pd_error *err)
{
	WRITE_OP("notice insert", s->b->notice_insert(s->b, nt, n, err));
}

int pd_store_notice_update(struct pd_store *s, const struct pd_store_notice *nt,
                           struct pd_error *err)
{
	WRITE_OP("notice update", s->b->notice_update(s->b, nt, err));
}

int pd_store_notice_list(struct pd_store *s, const char *case_id, pd_store_notice_fn fn, void *ctx,
                         struct pd_error *err)
{
	return s->b->notice_list(s->b, case_id, fn, ctx, err);
}

int pd_store_decision_insert(struct pd_store *s, const struct pd_store_decision *d, int64_t *n,
                             struct pd_error *err)
{
	WRITE_OP("decision insert", s->b->decision_insert(s->b, d, n, err));
}

int pd_store_decision_list(struct pd_store *s, const char *case_id, pd_store_decision_fn fn,
                           void *ctx, struct pd_error *err)
{
	return s->b->decision_list(s->b, case_id, fn, ctx, err);
}

/* ---- audit ---- */

int pd_store_audit_head(struct pd_store *s, int64_t *seq, char hash[PD_STORE_HASH_HEX],
                        struct pd_error *err)
{
	return s->b->audit_head(s->b, seq, hash, err);
}

int pd_store_audit_append(struct pd_store *s, const struct pd_store_audit *e, struct pd_error *err)
{
	WRITE_OP("audit append", s->b->audit_append(s->b, e, err));
}

int pd_store_audit_list(struct pd_store *s, const char *case_id, pd_store_audit_fn fn, void *ctx,
                        struct pd_error *err)
{
	return s->b->audit_list(s->b, case_id, fn, ctx, err);
}

int pd_store_audit_list_action(struct pd_store *s, const char *action, pd_store_audit_fn fn,
                               void *ctx, struct pd_error *err)
{
	return s->b->audit_list_action(s->b, action, fn, ctx, err);
}

/* ---- appointments ---- */

int pd_store_appointment_insert(struct pd_store *s, const struct pd_store_appointment *a,
                                struct pd_error *err)
{
	WRITE_OP("appointment insert", s->b->appointment_insert(s->b, a, err));
}

int pd_store_appointment_get(struct pd_store *s, const char *ref, struct pd_arena *arena,
                             struct pd_store_appointment *out, struct pd_error *err)
{
	return s->b->appointment_get(s->b, ref, arena, out, err);
}

int pd_store_appointment_update(struct pd_store *s, const struct pd_store_appointment *a,
                                struct pd_error *err)
{
	WRITE_OP("appointment update", s->b->appointment_update(s->b, a, err));
}

int pd_store_appointment_list(struct pd_store *s, const char *office, pd_date from, pd_date to,
                              pd_store_appointment_fn fn, void *ctx, struct pd_error *err)
{
	return s->b->appointment_list(s->b, office, from, to, fn, ctx, err);
}

int pd_store_slot_take(struct pd_store *s, const char *office, pd_date day, int32_t start,
                       int32_t capacity, bool *taken, struct pd_error *err)
{
	*taken = false;
	WRITE_OP("slot take", s->b->slot_take(s->b, office, day, start, capacity, taken, err));
}

int pd_store_slot_release(struct pd_store *s, const char *office, pd_date day, int32_t start,
                          struct pd_error *err)
{
	WRITE_OP("slot release", s->b->slot_release(s->b, office, day, start, err));
}

int pd_store_slot_list(struct pd_store *s, const char *office, pd_date from, pd_date to,
                       pd_store_slot_fn fn, void *ctx, struct pd_error *err)
{
	return s->b->slot_list(s->b, office, from, to, fn, ctx, err);
}
