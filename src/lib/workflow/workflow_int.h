/*
 * workflow/workflow_int.h: what the files of the workflow share and nobody
 * else needs: the audit append, the clock, libsodium's start-up, and the
 * reader of an action's data.
 */
#ifndef PD_WORKFLOW_INT_H
#define PD_WORKFLOW_INT_H

#include "permitdesk/codec.h"
#include "permitdesk/workflow.h"

/* Microseconds since 1970-01-01 UTC, from the real clock (never the test clock:
 * the audit trail records when an entry was really written), plus the offset
 * that only the unit tests set with wf_clock_shift_us() to move time for
 * sessions. */
int64_t wf_now_us(void);
/* Tests only: moves wf_now_us() by `us` more (negative: back). */
void wf_clock_shift_us(int64_t us);

/* Writes "key": "YYYY-MM-DDTHH:MM:SS.ffffffZ", an instant in microseconds. */
struct pd_jw;
/* key: v as a JSON string, or null when v is NULL. */
void wf_key_str(struct pd_jw *w, const char *k, const char *v);
void wf_key_instant(struct pd_jw *w, const char *key, int64_t us);

/* sodium_init(), once; -PD_EINTERNAL when libsodium cannot start. */
int wf_sodium(struct pd_error *err);

/* "operator": the actor of changes made by whoever holds the database file. */
extern const struct pd_actor wf_operator;

/*
 * Appends one audit entry after the current head, inside the caller's write
 * transaction: reads the head, hashes, appends.  *seq gets its number.
 */
struct wf_entry {
	const char *case_id; /* NULL for none */
	const char *action;
	const struct pd_actor *actor;
	pd_date at;
	const char *from_state, *to_state; /* NULL for none */
	const char *note;
	const char *data; /* JSON object or NULL */
};
int wf_audit_append(struct pd_store *store, const struct wf_entry *entry, int64_t *seq,
                    struct pd_error *err);

/* The audit key (audit_key.c): the entries' MAC key and the checkpoints'
 * Ed25519 key pair, both derived from the key file's secret. */
struct wf_key {
	bool have;    /* false: no key file (yet) */
	int64_t from; /* first entry hashed with the key */
	unsigned char mac[32];
	unsigned char pk[32];
	unsigned char sk[64];
};
/*
 * Reads the store's audit key file.  make: a writer, which creates it when
 * missing (entries from next_seq on are keyed) and needs a path; else a
 * missing file or path leaves k->have false.  A key whose `from` is past
 * next_seq belongs to another trail (-PD_ECONFIG).  Wipe k after use.
 */
int wf_audit_key(struct pd_store *store, bool make, int64_t next_seq, struct wf_key *k,
                 struct pd_error *err);
void wf_key_wipe(struct wf_key *k);

/*
 * May `actor` take `action` on case `c`, whose state is `from`, as far as roles,
 * ownership and the transition table go?  The checks 1 to 4 of
 * pd_workflow_act(), in that order: the role takes the action from some state;
 * applicants and agents act on the cases they filed; the table has a row from
 * `from` and it allows the role; a reviewer acts in review only on the cases
 * assigned to them.  0 with *row set (row may be NULL), or -PD_EFORBIDDEN or
 * -PD_ESTATE with the reason in err (which may be NULL).
 */
int wf_may_act(const struct pd_actor *actor, const struct pd_store_case *c, enum pd_state from,
               enum pd_action action, const struct pd_transition **row, struct pd_error *err);

/* `at`, when a change takes effect, is not in the future and not before
 * `last`, the case's last action (PD_DATE_NONE: no case yet). */
int wf_check_at(pd_date at, pd_date last, struct pd_error *err);

/*
 * Honest dates: a change dated before today (`at` < pd_today()) needs a
 * reason (-PD_EINPUT), a role among the settings' backdate_roles and at most
 * backdate_days days (-PD_EFORBIDDEN), each refusal naming the rule.  0 when
 * allowed; *days gets how many days before today (0 when not back-dated).
 */
int wf_check_backdate(const struct pd_settings *s, const struct pd_actor *actor, pd_date at,
                      const char *reason, int *days, struct pd_error *err);
/* Writes "backdated": {"reason", "days"} into an audit entry's data when days > 0. */
void wf_key_backdated(struct pd_jw *w, const char *reason, int days);

/*
 * Separation of duties (settings.separation_of_duties): whoever filed a case
 * may not accept it; whoever filed or accepted it may not approve, reject or
 * revoke it.  A supervisor may override with a reason (`override`, data's
 * "override"): then 0 and *overridden names the rule overridden.  Otherwise
 * -PD_EFORBIDDEN "separation of duties: olga accepted this case and may not
 * approve it".  override NULL and overridden NULL: no override considered.
 */
int wf_separation(const struct pd_settings *s, const struct pd_actor *actor,
                  const struct pd_store_case *c, enum pd_action action, const char *override,
                  const char **overridden, struct pd_error *err);

/* pd_workflow_allowed_actions() under the given settings. */
unsigned wf_allowed_actions(const struct pd_actor *actor, const struct pd_store_case *c,
                            const struct pd_settings *s);

/*
 * Evaluates `json` (the case's own when NULL; `name` for errors) with the
 * workflow's assessor as of the case's acceptance date once it has one,
 * makes it the case's latest result (result_json, verdict, pack, version)
 * and, once the receipt is issued, writes the case's decision_by and
 * receipt_valid_until into the result's "dates" (assess.c).
 */
int wf_assess(const struct pd_workflow *wf, struct pd_store_case *c, const char *name,
              const char *json, size_t len, pd_date at, struct pd_arena *arena,
              struct pd_assessment *as, struct pd_error *err);

/* Counts the case's decision_by and receipt_valid_until from accepted_on,
 * its processing, receipt and paused days (deadline.c). */
void wf_deadlines(const struct pd_workflow *wf, struct pd_store_case *c, bool *provisional);

/* What a change did, from the case as written (act.c). */
void wf_act_result(const struct pd_store_case *c, enum pd_state from, enum pd_state to,
                   struct pd_act_result *out);

/*
 * Whether a write transaction that ended with `rc` should be run again from
 * its start (txn.c): only when rc is -PD_ERETRY (the store aborted it and
 * wrote nothing) and fewer than WF_TXN_ATTEMPTS attempts were made; it then
 * waits a short random while first.  *attempt starts at 0.  When it gives
 * up, the message in err says so.  Every writer of the workflow runs
 *	do rc = x_once(...); while (wf_txn_again(rc, &attempt, err));
 */
#define WF_TXN_ATTEMPTS 5
bool wf_txn_again(int rc, int *attempt, struct pd_error *err);

/* Longest note, in bytes, given inside an action's data or a documents body. */
#define WF_NOTE_MAX 4096
/* A postal address (collect by post), in bytes of UTF-8. */
#define WF_ADDRESS_MAX 1024

/* The members an action's data may hold, read by wf_data_parse(). */
struct wf_data {
	const char *to;               /* assign */
	const char *kind;             /* add_task */
	pd_date due;                  /* add_task, PD_DATE_NONE when absent */
	int64_t task;                 /* complete_task, 0 when absent */
	const char *outcome;          /* complete_task */
	const char *ground;           /* revoke */
	const char *method;           /* collect */
	const char *address;          /* collect by post: the postal address */
	struct pd_json_raw case_json; /* resubmit: the supplemented case, .json NULL when absent */
	const char *note;             /* any action: used when pd_act.note is NULL */
	const char *reason;           /* any action: why it is dated before today */
	const char *override;         /* accept, approve, reject, revoke: why a supervisor
	                                 overrides the separation of duties */
};
/* Parses `json` (a JSON object, or NULL for none) for `action` with
 * pd_json_read_object().  Strings are copied to the arena; case_json points
 * into `json`.  Unknown members and members of the wrong type are -PD_EINPUT
 * naming the member as data.<name> and its line:column. */
int wf_data_parse(enum pd_action action, const char *json, size_t len, struct pd_arena *arena,
                  struct wf_data *out, struct pd_error *err);

#endif
