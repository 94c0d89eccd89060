/*
 * permitdesk/store.h: where cases, users, tasks, notices, decisions and the
 * audit trail are kept.
 *
 * One interface, several back ends.  A store is opened from a location:
 * a file name or "sqlite:FILE" for the embedded SQLite back end (the
 * default); other schemes ("postgresql://...") select other back ends when
 * they are built.  Callers see only the functions below; a back end is a
 * versioned table of function pointers (struct pd_store_backend, at the end of
 * this file), in the manner of libgit2's git_odb_backend, so a new back end
 * needs no change in any caller.
 *
 * Transactions.  Every write happens inside pd_store_begin(PD_TXN_WRITE) ...
 * pd_store_commit(); a write outside a transaction is refused.  A write
 * transaction holds the store's write lock from its first statement (SQLite:
 * BEGIN IMMEDIATE), so what it reads cannot change under it.  When
 * pd_store_commit() returns 0 the transaction is durable.  pd_store_rollback()
 * undoes everything since pd_store_begin() and never fails; after any failed
 * operation inside a transaction, roll back.
 *
 * Records.  The structs below are plain rows.  Dates are pd_date day numbers,
 * PD_DATE_NONE when absent; strings are NUL-terminated, NULL when absent.
 * Records read with a _get function are allocated from the caller's arena;
 * records passed to a callback are valid only during the callback.  The store
 * knows nothing of the meaning of states, actions or roles: the workflow
 * (workflow.h) does.
 *
 * A store handle is used by one thread at a time; open one per thread.
 *
 * Several processes on one database (PostgreSQL).  There a write transaction
 * does not lock the whole store at its start: it locks what it reads for
 * writing, the case or user it reads (pd_store_case_get, pd_store_user_get),
 * the counters it takes (pd_store_sequence_next, a case's creation order) and
 * the audit head (pd_store_audit_head), each until it ends.  Lists read in a
 * write transaction are not locked.  A transaction PostgreSQL had to abort
 * (deadlock, serialization failure) or whose connection was lost before
 * COMMIT fails with -PD_ERETRY: nothing was written and the caller may run it
 * again from pd_store_begin() (the workflow does, workflow/txn.c).  A
 * pd_store_commit() whose outcome is unknown (the connection was lost during
 * COMMIT) is -PD_ESTORE and says so; it must not be run again blindly.
 */
#ifndef PERMITDESK_STORE_H
#define PERMITDESK_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "permitdesk/base.h"

/* The schema version this program writes.  A database whose schema is newer
 * is refused at open with -PD_EVERSION; an older one is migrated forward. */
#define PD_STORE_SCHEMA_VERSION 4

/* Length of a hash in hex (BLAKE2b-256) plus its NUL. */
#define PD_STORE_HASH_HEX 65

struct pd_store;

enum pd_store_flags {
	PD_STORE_CREATE = 1u << 0,   /* create the database when it does not exist */
	PD_STORE_READONLY = 1u << 1, /* read only: no migration, write transactions refused
	                                (SQLite SQLITE_OPEN_READONLY, and immutable when the file
	                                and its folder cannot be written; PostgreSQL
	                                default_transaction_read_only) */
};

/*
 * Opens (and migrates) the store at `location`.  A missing database is
 * -PD_ENOTFOUND unless PD_STORE_CREATE is given; a database written by a newer
 * program is -PD_EVERSION; a file that is not a permitdesk database is
 * -PD_ESTORE.  The caller frees *out with pd_store_close().
 *
 * A new SQLite file is created readable and writable by its owner only (0600;
 * SQLite gives its -wal and -shm files the same mode).  A file or folder that
 * cannot be written is -PD_EIO at open unless PD_STORE_READONLY is given.
 *
 * The audit key.  The store also says where the audit trail's key file is
 * (workflow.h, "Audit"): PERMITDESK_AUDIT_KEY when set, else for SQLite the
 * database file's name with ".key" appended; for PostgreSQL there is no
 * default (pd_store_audit_key_path() is NULL until set).  The file is kept
 * outside the database on purpose: whoever can write the database alone
 * cannot forge the trail.
 */
int pd_store_open(const char *location, unsigned flags, struct pd_store **out,
                  struct pd_error *err);
void pd_store_close(struct pd_store *s); /* accepts NULL; rolls back an open transaction */

const char *pd_store_backend_name(const struct pd_store *s); /* "sqlite" */
/* Was the store opened with PD_STORE_READONLY? */
bool pd_store_readonly(const struct pd_store *s);
/* The audit key file's path (see pd_store_open), NULL when none is known. */
const char *pd_store_audit_key_path(const struct pd_store *s);
/* Sets it (a command's --audit-key); NULL or "" goes back to none. */
int pd_store_set_audit_key_path(struct pd_store *s, const char *path, struct pd_error *err);
/* Schema version of the open database (after migration). */
int pd_store_schema_version(struct pd_store *s, int *version, struct pd_error *err);
/* Checks the store's own consistency (SQLite: integrity_check, foreign_key_check). */
int pd_store_check(struct pd_store *s, struct pd_error *err);

/* ---- transactions ------------------------------------------------------ */

enum pd_txn {
	PD_TXN_READ,  /* a consistent snapshot */
	PD_TXN_WRITE, /* takes the write lock now; waits for it up to the busy timeout */
};
int pd_store_begin(struct pd_store *s, enum pd_txn kind, struct pd_error *err);
int pd_store_commit(struct pd_store *s, struct pd_error *err);
void pd_store_rollback(struct pd_store *s);
bool pd_store_in_txn(const struct pd_store *s);

/* ---- users ------------------------------------------------------------- */

struct pd_store_user {
	const char *name;
	const char *role;
	const char *password_hash; /* crypto_pwhash_str() output */
	int64_t created_at;        /* microseconds since 1970-01-01 UTC */
	bool disabled;             /* may not log in or act (schema 2) */
};
/* -PD_ECONFLICT when the name is taken. */
int pd_store_user_insert(struct pd_store *s, const struct pd_store_user *u, struct pd_error *err);
/* -PD_ENOTFOUND when there is no such user. */
int pd_store_user_get(struct pd_store *s, const char *name, struct pd_arena *arena,
                      struct pd_store_user *out, struct pd_error *err);
/* Every user, in order of name.  A callback returning non-zero stops the walk
 * and that value is returned. */
typedef int (*pd_store_user_fn)(void *ctx, const struct pd_store_user *u);
int pd_store_user_list(struct pd_store *s, pd_store_user_fn fn, void *ctx, struct pd_error *err);
/* Writes u->disabled and u->password_hash of the user u->name (the role and
 * created_at never change).  -PD_ENOTFOUND when there is no such user. */
int pd_store_user_update(struct pd_store *s, const struct pd_store_user *u, struct pd_error *err);

/* ---- sessions ---------------------------------------------------------- */

/* A login.  The store keeps a hash of the token, never the token. */
struct pd_store_session {
	const char *token_hash; /* PD_STORE_HASH_HEX - 1 lowercase hex digits */
	const char *user;
	int64_t created_at;   /* microseconds since 1970-01-01 UTC */
	int64_t last_used_at; /* idem */
	int64_t expires_at;   /* idem: the absolute end */
	bool revoked;
};
/* -PD_ECONFLICT when the hash exists. */
int pd_store_session_insert(struct pd_store *s, const struct pd_store_session *ss,
                            struct pd_error *err);
/* -PD_ENOTFOUND when there is no session with this hash. */
int pd_store_session_get(struct pd_store *s, const char *token_hash, struct pd_arena *arena,
                         struct pd_store_session *out, struct pd_error *err);
/* Moves last_used_at forward to `at` (never back) of a session not revoked;
 * nothing happens, and it is not an error, when there is none. */
int pd_store_session_touch(struct pd_store *s, const char *token_hash, int64_t at,
                           struct pd_error *err);
/* Revokes one session; an unknown hash is not an error. */
int pd_store_session_revoke(struct pd_store *s, const char *token_hash, struct pd_error *err);
/* Revokes every session of a user. */
int pd_store_session_revoke_user(struct pd_store *s, const char *user, struct pd_error *err);

/* ---- cases ------------------------------------------------------------- */

struct pd_store_case {
	const char *id;           /* random, unguessable: 32 lowercase hex digits */
	const char *number;       /* "<pack>-<year>-<sequence>", unique */
	const char *pack;         /* pack that evaluated it last */
	const char *pack_version; /* that pack's version */
	const char *state;
	const char *created_by;  /* user name */
	pd_date created_on;      /* effective date of creation */
	pd_date updated_on;      /* effective date of the last action */
	const char *case_json;   /* the case as given (format.md §1) */
	const char *result_json; /* its latest evaluation (format.md §2) */
	const char *verdict;
	const char *assignee;       /* reviewer, NULL until assigned */
	const char *receipt_number; /* NULL until accepted */
	pd_date accepted_on;
	pd_date receipt_valid_until;
	pd_date decision_by;
	int32_t processing_days;     /* working days, -1 when the pack gives none */
	int32_t receipt_days;        /* working days, -1 when the pack gives none */
	int32_t paused_days;         /* working days spent waiting for supplements */
	const char *supplement_from; /* state to return to when the supplement arrives */
	pd_date supplement_since;    /* when the supplement was requested */
	pd_date decided_on;
	const char *collect_method;
	int64_t revision; /* 1 on insert, +1 on every update */
	/* Schema 2.  Read only: the store sets them, whatever the caller gives. */
	int64_t seq;                 /* creation order: 1, 2, ... never reused or renumbered */
	const char *applicant_name;  /* applicant.name of case_json, NULL when absent */
	const char *passport_number; /* applicant.passport.number of case_json, idem */
	/* Read only, from the audit trail: the actor of the case's "accept" entry,
	 * NULL before acceptance (the separation of duties, workflow.h). */
	const char *accepted_by;
	/* Schema 3.  The postal address of a collection by post (collect_method
	 * "post"), NULL otherwise.  Never written by pd_store_case_insert: a new
	 * case has none. */
	const char *collect_address;
};
/* -PD_ECONFLICT when the id or number exists. */
int pd_store_case_insert(struct pd_store *s, const struct pd_store_case *c, struct pd_error *err);
/* -PD_ENOTFOUND when there is no such case. */
int pd_store_case_get(struct pd_store *s, const char *id, struct pd_arena *arena,
                      struct pd_store_case *out, struct pd_error *err);
/* Writes every mutable field of c (the texts only when they changed).
 * c->revision is the revision that was read;
 * when the stored one differs (someone else changed the case) nothing is written
 * and the result is -PD_ECONFLICT.  The stored revision becomes c->revision + 1. */
int pd_store_case_update(struct pd_store *s, const struct pd_store_case *c, struct pd_error *err);

struct pd_store_case_filter {
	const char *const *states; /* any of these; NULL: every state */
	size_t n_states;
	pd_date due_before;     /* decision_by < due_before; PD_DATE_NONE: no condition */
	const char *created_by; /* NULL: anyone */
	const char *assignee;   /* NULL: anyone */
	size_t limit;           /* 0: no limit */
	/* Schema 2. */
	const char *pack;   /* NULL: any */
	const char *search; /* NULL, or any of: the case number or its beginning, a part of
	                       the applicant's name, the passport number (all ignoring the
	                       case of ASCII letters) */
	int64_t after;      /* only cases whose seq is greater: the seq of the last case of
	                       the previous page; 0 from the start */
	const char *number; /* NULL, or exactly this case number */
};
/* Cases in order of creation (seq), without their texts (case_json and
 * result_json are NULL: read a case with pd_store_case_get for them).  A
 * callback returning non-zero stops the walk and that value is returned. */
typedef int (*pd_store_case_fn)(void *ctx, const struct pd_store_case *c);
int pd_store_case_list(struct pd_store *s, const struct pd_store_case_filter *f,
                       pd_store_case_fn fn, void *ctx, struct pd_error *err);
/* How many cases the filter matches (its limit and after ignored). */
int pd_store_case_count(struct pd_store *s, const struct pd_store_case_filter *f, int64_t *out,
                        struct pd_error *err);

/* Next value (1, 2, ...) of the counter `name` for `year`: case and receipt numbers. */
int pd_store_sequence_next(struct pd_store *s, const char *name, int year, int64_t *out,
                           struct pd_error *err);

/* ---- tasks, notices, decisions (numbered 1, 2, ... within a case) ------ */

struct pd_store_task {
	const char *case_id;
	int64_t n;
	const char *kind; /* interview, telephone, on_site_check */
	pd_date created_on;
	const char *created_by;
	pd_date due;         /* PD_DATE_NONE when none */
	const char *outcome; /* NULL while open */
	pd_date completed_on;
	const char *completed_by;
	const char *note;
};
/* Inserts t with the next number of its case, returned in *n. */
int pd_store_task_insert(struct pd_store *s, const struct pd_store_task *t, int64_t *n,
                         struct pd_error *err);
/* Records the outcome, completed_on, completed_by and note of task (case_id, n). */
int pd_store_task_update(struct pd_store *s, const struct pd_store_task *t, struct pd_error *err);
typedef int (*pd_store_task_fn)(void *ctx, const struct pd_store_task *t);
int pd_store_task_list(struct pd_store *s, const char *case_id, pd_store_task_fn fn, void *ctx,
                       struct pd_error *err);

/* A one-time notice of what to supplement: the materials list of the result at
 * the time it was given (format.md §2 "materials"). */
struct pd_store_notice {
	const char *case_id;
	int64_t n;
	pd_date issued_on;
	const char *issued_by;
	const char *materials_json;
	const char *note;
	pd_date answered_on; /* PD_DATE_NONE while awaited */
};
int pd_store_notice_insert(struct pd_store *s, const struct pd_store_notice *nt, int64_t *n,
                           struct pd_error *err);
/* Sets answered_on of notice (case_id, n). */
int pd_store_notice_update(struct pd_store *s, const struct pd_store_notice *nt,
                           struct pd_error *err);
typedef int (*pd_store_notice_fn)(void *ctx, const struct pd_store_notice *nt);
int pd_store_notice_list(struct pd_store *s, const char *case_id, pd_store_notice_fn fn, void *ctx,
                         struct pd_error *err);

/* A decision and everything it was based on, so that it can be replayed. */
struct pd_store_decision {
	const char *case_id;
	int64_t n;
	const char *action; /* approve, reject, revoke */
	pd_date decided_on;
	const char *decided_by;
	const char *verdict;
	const char *pack;
	const char *pack_version;
	const char *case_json;
	const char *result_json;
	const char *ground; /* revocation ground, NULL otherwise */
	const char *note;
};
int pd_store_decision_insert(struct pd_store *s, const struct pd_store_decision *d, int64_t *n,
                             struct pd_error *err);
typedef int (*pd_store_decision_fn)(void *ctx, const struct pd_store_decision *d);
int pd_store_decision_list(struct pd_store *s, const char *case_id, pd_store_decision_fn fn,
                           void *ctx, struct pd_error *err);

/* ---- audit trail ------------------------------------------------------- */

/* One entry per transition.  The store keeps the rows and the head (the last
 * entry's sequence and hash); computing and checking the hash chain is the
 * workflow's business (workflow.h). */
struct pd_store_audit {
	int64_t seq;         /* 1, 2, ... with no gaps */
	const char *case_id; /* NULL for entries about no case (a user added) */
	const char *action;
	const char *actor;
	const char *role;
	pd_date at;             /* when the action took effect */
	int64_t recorded_at;    /* when it was written: microseconds since 1970-01-01 UTC */
	const char *from_state; /* NULL when none */
	const char *to_state;
	const char *note;
	const char *data; /* JSON object, NULL when none */
	char prev_hash[PD_STORE_HASH_HEX];
	char hash[PD_STORE_HASH_HEX];
};
/* The head of the chain: *seq 0 and hash "" when the trail is empty.
 * Inside a write transaction nobody else can append until it ends. */
int pd_store_audit_head(struct pd_store *s, int64_t *seq, char hash[PD_STORE_HASH_HEX],
                        struct pd_error *err);
/* Appends e (e->seq must be the head's + 1) and makes it the head. */
int pd_store_audit_append(struct pd_store *s, const struct pd_store_audit *e, struct pd_error *err);
/* Entries in sequence order; case_id NULL for the whole trail. */
typedef int (*pd_store_audit_fn)(void *ctx, const struct pd_store_audit *e);
int pd_store_audit_list(struct pd_store *s, const char *case_id, pd_store_audit_fn fn, void *ctx,
                        struct pd_error *err);
/* Entries about no case (case_id NULL) whose action is `action`, in sequence
 * order: the settings (config_set), read without walking the whole trail. */
int pd_store_audit_list_action(struct pd_store *s, const char *action, pd_store_audit_fn fn,
                               void *ctx, struct pd_error *err);

/* ---- appointments (schema 4) -------------------------------------------- */

/* A counter appointment.  The store keeps the rows and, per slot (office,
 * day, start), how many are booked; which slots exist and how many each
 * takes is the workflow's business (workflow.h, "Appointments"). */
struct pd_store_appointment {
	const char *ref;    /* the booking reference, unique */
	const char *office; /* office id (offices.yaml) */
	pd_date day;
	int32_t start;               /* minutes after midnight */
	int32_t minutes;             /* the slot's length when it was booked */
	const char *passport_number; /* as the applicant gave it, normalised */
	const char *applicant_name;  /* NULL when not given */
	const char *case_id;         /* the case attached, NULL when none */
	const char *case_json;       /* a pre-check's answers attached, NULL when none */
	const char *booked_by;       /* the user who booked, NULL without a login */
	int64_t created_at;          /* microseconds since 1970-01-01 UTC */
	int64_t updated_at;          /* idem */
	const char *state;           /* "booked", "cancelled" */
};
/* -PD_ECONFLICT when the reference exists. */
int pd_store_appointment_insert(struct pd_store *s, const struct pd_store_appointment *a,
                                struct pd_error *err);
/* -PD_ENOTFOUND when there is none.  In a write transaction the row is locked
 * until it ends (PostgreSQL). */
int pd_store_appointment_get(struct pd_store *s, const char *ref, struct pd_arena *arena,
                             struct pd_store_appointment *out, struct pd_error *err);
/* Writes day, start, minutes, updated_at and state of a->ref. */
int pd_store_appointment_update(struct pd_store *s, const struct pd_store_appointment *a,
                                struct pd_error *err);
/* The booked (not cancelled) appointments of an office from `from` to `to`
 * (inclusive), in order of day, start and booking. */
typedef int (*pd_store_appointment_fn)(void *ctx, const struct pd_store_appointment *a);
int pd_store_appointment_list(struct pd_store *s, const char *office, pd_date from, pd_date to,
                              pd_store_appointment_fn fn, void *ctx, struct pd_error *err);
/* Takes one place of a slot when fewer than `capacity` are booked, in one
 * statement (the check and the count cannot be separated by another
 * writer): *taken says whether it did. */
int pd_store_slot_take(struct pd_store *s, const char *office, pd_date day, int32_t start,
                       int32_t capacity, bool *taken, struct pd_error *err);
/* Gives one place of a slot back. */
int pd_store_slot_release(struct pd_store *s, const char *office, pd_date day, int32_t start,
                          struct pd_error *err);
/* The slots of an office with at least one place booked, from..to. */
typedef int (*pd_store_slot_fn)(void *ctx, pd_date day, int32_t start, int32_t booked);
int pd_store_slot_list(struct pd_store *s, const char *office, pd_date from, pd_date to,
                       pd_store_slot_fn fn, void *ctx, struct pd_error *err);

/* ---- back ends --------------------------------------------------------- */

/*
 * A back end fills this table and embeds it at the start of its own state.
 * `version` is PD_STORE_BACKEND_VERSION of the header it was built against;
 * pd_store_open_backend() refuses any other.  New operations are appended and
 * the version bumped; a slot never changes meaning.  Every operation takes the
 * table itself as `self`.  Operations must not be called outside what the
 * dispatch (store.c) allows: writes only inside a write transaction.
 */
#define PD_STORE_BACKEND_VERSION 4

struct pd_store_backend {
	int version;
	const char *name;

	void (*close)(struct pd_store_backend *self);
	int (*schema_version)(struct pd_store_backend *self, int *version, struct pd_error *err);
	int (*check)(struct pd_store_backend *self, struct pd_error *err);

	int (*begin)(struct pd_store_backend *self, enum pd_txn kind, struct pd_error *err);
	int (*commit)(struct pd_store_backend *self, struct pd_error *err);
	void (*rollback)(struct pd_store_backend *self);

	int (*user_insert)(struct pd_store_backend *self, const struct pd_store_user *u,
	                   struct pd_error *err);
	int (*user_get)(struct pd_store_backend *self, const char *name, struct pd_arena *arena,
	                struct pd_store_user *out, struct pd_error *err);

	int (*case_insert)(struct pd_store_backend *self, const struct pd_store_case *c,
	                   struct pd_error *err);
	int (*case_get)(struct pd_store_backend *self, const char *id, struct pd_arena *arena,
	                struct pd_store_case *out, struct pd_error *err);
	int (*case_update)(struct pd_store_backend *self, const struct pd_store_case *c,
	                   struct pd_error *err);
	int (*case_list)(struct pd_store_backend *self, const struct pd_store_case_filter *f,
	                 pd_store_case_fn fn, void *ctx, struct pd_error *err);
	int (*sequence_next)(struct pd_store_backend *self, const char *name, int year,
	                     int64_t *out, struct pd_error *err);

	int (*task_insert)(struct pd_store_backend *self, const struct pd_store_task *t, int64_t *n,
	                   struct pd_error *err);
	int (*task_update)(struct pd_store_backend *self, const struct pd_store_task *t,
	                   struct pd_error *err);
	int (*task_list)(struct pd_store_backend *self, const char *case_id, pd_store_task_fn fn,
	                 void *ctx, struct pd_error *err);

	int (*notice_insert)(struct pd_store_backend *self, const struct pd_store_notice *nt,
	                     int64_t *n, struct pd_error *err);
	int (*notice_update)(struct pd_store_backend *self, const struct pd_store_notice *nt,
	                     struct pd_error *err);
	int (*notice_list)(struct pd_store_backend *self, const char *case_id,
	                   pd_store_notice_fn fn, void *ctx, struct pd_error *err);

	int (*decision_insert)(struct pd_store_backend *self, const struct pd_store_decision *d,
	                       int64_t *n, struct pd_error *err);
	int (*decision_list)(struct pd_store_backend *self, const char *case_id,
	                     pd_store_decision_fn fn, void *ctx, struct pd_error *err);

	int (*audit_head)(struct pd_store_backend *self, int64_t *seq, char hash[PD_STORE_HASH_HEX],
	                  struct pd_error *err);
	int (*audit_append)(struct pd_store_backend *self, const struct pd_store_audit *e,
	                    struct pd_error *err);
	int (*audit_list)(struct pd_store_backend *self, const char *case_id, pd_store_audit_fn fn,
	                  void *ctx, struct pd_error *err);

	/* version 2 */
	int (*user_list)(struct pd_store_backend *self, pd_store_user_fn fn, void *ctx,
	                 struct pd_error *err);
	int (*user_update)(struct pd_store_backend *self, const struct pd_store_user *u,
	                   struct pd_error *err);
	int (*session_insert)(struct pd_store_backend *self, const struct pd_store_session *ss,
	                      struct pd_error *err);
	int (*session_get)(struct pd_store_backend *self, const char *token_hash,
	                   struct pd_arena *arena, struct pd_store_session *out,
	                   struct pd_error *err);
	int (*session_touch)(struct pd_store_backend *self, const char *token_hash, int64_t at,
	                     struct pd_error *err);
	int (*session_revoke)(struct pd_store_backend *self, const char *token_hash,
	                      struct pd_error *err);
	int (*session_revoke_user)(struct pd_store_backend *self, const char *user,
	                           struct pd_error *err);
	int (*case_count)(struct pd_store_backend *self, const struct pd_store_case_filter *f,
	                  int64_t *out, struct pd_error *err);

	/* version 3 */
	int (*audit_list_action)(struct pd_store_backend *self, const char *action,
	                         pd_store_audit_fn fn, void *ctx, struct pd_error *err);

	/* version 4 */
	int (*appointment_insert)(struct pd_store_backend *self,
	                          const struct pd_store_appointment *a, struct pd_error *err);
	int (*appointment_get)(struct pd_store_backend *self, const char *ref,
	                       struct pd_arena *arena, struct pd_store_appointment *out,
	                       struct pd_error *err);
	int (*appointment_update)(struct pd_store_backend *self,
	                          const struct pd_store_appointment *a, struct pd_error *err);
	int (*appointment_list)(struct pd_store_backend *self, const char *office, pd_date from,
	                        pd_date to, pd_store_appointment_fn fn, void *ctx,
	                        struct pd_error *err);
	int (*slot_take)(struct pd_store_backend *self, const char *office, pd_date day,
	                 int32_t start, int32_t capacity, bool *taken, struct pd_error *err);
	int (*slot_release)(struct pd_store_backend *self, const char *office, pd_date day,
	                    int32_t start, struct pd_error *err);
	int (*slot_list)(struct pd_store_backend *self, const char *office, pd_date from,
	                 pd_date to, pd_store_slot_fn fn, void *ctx, struct pd_error *err);
};

/* Opens a back end's own location syntax; fills *out with its table. */
typedef int (*pd_store_backend_open_fn)(const char *location, unsigned flags,
                                        struct pd_store_backend **out, struct pd_error *err);

/* Wraps a back end that is already open (tests, or a back end built outside
 * the library).  On success the store owns it and closes it with the store;
 * on failure the caller still owns it. */
int pd_store_open_backend(struct pd_store_backend *backend, struct pd_store **out,
                          struct pd_error *err);

/* The SQLite back end: location is a file name, optionally prefixed "sqlite:". */
int pd_store_sqlite_open(const char *location, unsigned flags, struct pd_store_backend **out,
                         struct pd_error *err);

/*
 * The PostgreSQL back end: location is a libpq URL, "postgresql://..." or
 * "postgres://..." (https://www.postgresql.org/docs/current/libpq-connect.html).
 * The database must exist; PD_STORE_CREATE creates the tables in it, and
 * without it a database without them is -PD_ENOTFOUND.  A URL libpq cannot
 * read, a missing role, a wrong password are -PD_ECONFIG; a server that does
 * not answer is -PD_EUNAVAILABLE.  -PD_ECONFIG in a build without libpq.
 */
int pd_store_pg_open(const char *location, unsigned flags, struct pd_store_backend **out,
                     struct pd_error *err);

#endif
