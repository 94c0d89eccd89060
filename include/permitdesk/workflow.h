/*
 * permitdesk/workflow.h: cases that live: the state machine, receipts,
 * deadlines, review tasks, decisions, users and roles, and the audit trail.
 *
 * States and actions follow ARCHITECTURE.md ("Case workflow"):
 *
 *   draft -submit-> submitted -accept-> accepted -assign-> in_review
 *   in_review -approve-> approved -issue-> issued -collect-> collected
 *   in_review -reject-> rejected      in_review -revoke-> revoked
 *   submitted | accepted | in_review -request_supplement-> awaiting_supplement
 *   awaiting_supplement -resubmit-> (the state the supplement was asked in)
 *   in_review -assign | add_task | complete_task-> in_review
 *
 * All of it is one table, pd_transitions(): from state, action, to state and
 * the roles allowed.  pd_workflow_act() checks, in this order, that the
 * action exists for the actor's role, that the case is the actor's to touch
 * (applicants and agents: the cases they filed; reviewers: the cases assigned
 * to them), that the table has a row from the case's state, and the action's
 * own conditions.  Then, in one write transaction, it changes the case,
 * writes what the action produces (receipt, notice, task, decision) and
 * appends one audit entry.  A refused action changes nothing at all.
 *
 * Deadlines.  Acceptance issues a receipt numbered "<pack>-<year>-R<seq>",
 * valid for the pack's receipt days, and sets the decision date to the pack's
 * processing days, both counted in working days from the acceptance date
 * with the official calendar.  Working days spent waiting for a supplement
 * after acceptance do not count: on resubmission both dates move by them.
 *
 * Audit.  Every entry carries the BLAKE2b-256 hash of its contents and of the
 * previous entry's hash, keyed with the audit key kept outside the database
 * (store.h, pd_store_audit_key_path; entries written before the key existed
 * stay unkeyed), so a changed, inserted or deleted entry breaks the chain and
 * the database alone cannot mend it; pd_audit_verify() walks it and names
 * the first bad entry and, for a case's row, the column.  Signed checkpoints
 * of the head (pd_audit_checkpoint_json) prove the trail was not rewritten.
 *
 * Users.  Passwords are hashed with argon2id (libsodium crypto_pwhash_str).
 */
#ifndef PERMITDESK_WORKFLOW_H
#define PERMITDESK_WORKFLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "permitdesk/base.h"
#include "permitdesk/calendar.h"
#include "permitdesk/engine.h"
#include "permitdesk/policy.h"
#include "permitdesk/store.h"

/* ---- vocabularies ------------------------------------------------------- */

#define PD_ROLE_MAP(X)                                                                             \
	X(APPLICANT, "applicant")                                                                  \
	X(AGENT, "agent")                                                                          \
	X(OFFICER, "officer")                                                                      \
	X(REVIEWER, "reviewer")                                                                    \
	X(SUPERVISOR, "supervisor")                                                                \
	X(ADMIN, "admin")

/* clang-format off */
enum pd_role {
#define PD_X_ROLE(name, word) PD_ROLE_##name,
	PD_ROLE_MAP(PD_X_ROLE)
#undef PD_X_ROLE
	PD_ROLE_COUNT
};
/* clang-format on */
#define PD_ROLE_BIT(r) (1u << (unsigned)(r))

#define PD_STATE_MAP(X)                                                                            \
	X(DRAFT, "draft")                                                                          \
	X(SUBMITTED, "submitted")                                                                  \
	X(AWAITING_SUPPLEMENT, "awaiting_supplement")                                              \
	X(ACCEPTED, "accepted")                                                                    \
	X(IN_REVIEW, "in_review")                                                                  \
	X(APPROVED, "approved")                                                                    \
	X(REJECTED, "rejected")                                                                    \
	X(REVOKED, "revoked")                                                                      \
	X(ISSUED, "issued")                                                                        \
	X(COLLECTED, "collected")

/* clang-format off */
enum pd_state {
#define PD_X_STATE(name, word) PD_STATE_##name,
	PD_STATE_MAP(PD_X_STATE)
#undef PD_X_STATE
	PD_STATE_COUNT
};
/* clang-format on */
/* In the table only: back to the state the supplement was requested in. */
#define PD_STATE_RETURN PD_STATE_COUNT

#define PD_ACTION_MAP(X)                                                                           \
	X(SUBMIT, "submit")                                                                        \
	X(ACCEPT, "accept")                                                                        \
	X(REQUEST_SUPPLEMENT, "request_supplement")                                                \
	X(RESUBMIT, "resubmit")                                                                    \
	X(ASSIGN, "assign")                                                                        \
	X(ADD_TASK, "add_task")                                                                    \
	X(COMPLETE_TASK, "complete_task")                                                          \
	X(APPROVE, "approve")                                                                      \
	X(REJECT, "reject")                                                                        \
	X(REVOKE, "revoke")                                                                        \
	X(ISSUE, "issue")                                                                          \
	X(COLLECT, "collect")

/* clang-format off */
enum pd_action {
#define PD_X_ACTION(name, word) PD_ACTION_##name,
	PD_ACTION_MAP(PD_X_ACTION)
#undef PD_X_ACTION
	PD_ACTION_COUNT
};
/* clang-format on */

const char *pd_role_name(enum pd_role r);
const char *pd_state_name(enum pd_state s);
/* A state in plain words for the applicant (lang "en" or "zh"): "Accepted,
 * under examination", "已受理，正在审查". */
const char *pd_state_label(enum pd_state s, const char *lang);
const char *pd_action_name(enum pd_action a);
/* 0 and *out set, or -1 when the word is not one of them. */
int pd_role_parse(const char *word, enum pd_role *out);
int pd_state_parse(const char *word, enum pd_state *out);
int pd_action_parse(const char *word, enum pd_action *out);

/* ---- the transition table ---------------------------------------------- */

struct pd_transition {
	enum pd_state from;
	enum pd_action action;
	enum pd_state to; /* or PD_STATE_RETURN */
	unsigned roles;   /* PD_ROLE_BIT()s */
};
const struct pd_transition *pd_transitions(size_t *count);
/* The row for (from, action), or NULL when the action is not allowed from `from`. */
const struct pd_transition *pd_transition_find(enum pd_state from, enum pd_action action);
/* The roles that may take `action` from some state. */
unsigned pd_action_roles(enum pd_action action);

/* ---- users -------------------------------------------------------------- */

#define PD_USER_NAME_MAX 63

struct pd_actor {
	char name[PD_USER_NAME_MAX + 1];
	enum pd_role role;
};

/* The user `name` as an actor; -PD_EAUTH when there is no such user. */
int pd_workflow_actor(struct pd_store *store, const char *name, struct pd_actor *out,
                      struct pd_error *err);

/*
 * Adds a user with an argon2id hash of the password, and an audit entry.
 * `by` is the admin who adds it, or NULL for the operator of the database
 * itself (recorded as actor "operator", role admin).  Names are 1 to
 * PD_USER_NAME_MAX bytes of [A-Za-z0-9._@-]; passwords at least 8 bytes.
 * `at` is the effective date of the audit entry (PD_DATE_NONE: today).
 */
int pd_user_add(struct pd_store *store, const struct pd_actor *by, const char *name,
                enum pd_role role, const char *password, size_t password_len, pd_date at,
                struct pd_error *err);
/* Checks a password; -PD_EAUTH for an unknown user or a wrong password alike. */
int pd_user_authenticate(struct pd_store *store, const char *name, const char *password,
                         size_t password_len, struct pd_actor *out, struct pd_error *err);

/* ---- assessing a case --------------------------------------------------- */

/* What the workflow keeps of one evaluation.  Strings live in the arena the
 * assessor was given. */
struct pd_assessment {
	enum pd_verdict verdict;
	const char *pack;
	const char *version;
	pd_date date;               /* the date the case was evaluated as of */
	int32_t processing_days;    /* working days; -1 when the pack gives none */
	int32_t receipt_days;       /* working days; -1 when the pack gives none */
	const char *result_json;    /* the whole result (format.md §2) */
	const char *materials_json; /* its "materials" array: the one-time notice */
};

/*
 * Evaluates a case given as JSON; `name` is what errors call the input.
 * `today` fills a missing "date"; when `date` is not PD_DATE_NONE it replaces
 * the case's date (acceptance re-evaluates a case as of the acceptance date).
 * Input errors are -PD_EINPUT with where.
 */
typedef int (*pd_assess_fn)(void *ctx, const char *name, const char *case_json, size_t len,
                            pd_date today, pd_date date, struct pd_arena *arena,
                            struct pd_assessment *out, struct pd_error *err);

/* The assessor over a loaded policy: ctx is a const struct pd_policy *. */
int pd_workflow_assess_policy(void *ctx, const char *name, const char *case_json, size_t len,
                              pd_date today, pd_date date, struct pd_arena *arena,
                              struct pd_assessment *out, struct pd_error *err);

/* ---- the workflow -------------------------------------------------------- */

/* What the workflow works with; all borrowed. */
struct pd_workflow {
	struct pd_store *store;
	const struct pd_calendar *calendar; /* counts deadlines */
	pd_assess_fn assess;
	void *assess_ctx;
	/* Why a creation or a documents change dated before today is (the command
	 * line's --reason); NULL: none.  An action gives its own (pd_act.reason). */
	const char *reason;
};
/* A workflow that evaluates with `pol` and counts with its calendar. */
void pd_workflow_init(struct pd_workflow *wf, struct pd_store *store, const struct pd_policy *pol);

#define PD_CASE_ID_LEN 32
#define PD_CASE_NUMBER_MAX 96

struct pd_case_ref {
	char id[PD_CASE_ID_LEN + 1];
	char number[PD_CASE_NUMBER_MAX];
	enum pd_state state;
	int64_t audit_seq;
};

/*
 * Creates a case in state draft from its JSON (stored as given), evaluated
 * once; `name` is what errors call the input (a file name).  `at` is the
 * effective date (PD_DATE_NONE: today), and also fills a missing "date" of the
 * case.  Applicants, agents, officers and supervisors may create cases; the
 * creator is recorded.
 */
int pd_workflow_create(const struct pd_workflow *wf, const struct pd_actor *actor, const char *name,
                       const char *case_json, size_t len, pd_date at, const char *note,
                       struct pd_case_ref *out, struct pd_error *err);

/*
 * One action.  `data` is a JSON object (NULL when none) whose members depend
 * on the action; unknown members are an error:
 *   assign              {"to": user}             default: the actor
 *   add_task            {"kind": "interview"|"telephone"|"on_site_check", "due"?: date}
 *   complete_task       {"task": n, "outcome": "passed"|"failed"|"unreachable"|"missed"}
 *                       (unreachable: telephone only; missed: interview only)
 *   revoke              {"ground": "failed_verification"|"unreachable_telephone"|
 *                                  "missed_interview"}  (002 III(III)), backed by a
 *                       completed task with that outcome
 *   resubmit            {"case": {...}}          optional: the supplemented case
 *   collect             {"method": "in_person"|"post", "address"?: text}: the
 *                       postal address, required for post, refused for in_person
 * `at` is when the action took effect (PD_DATE_NONE: today): not in the
 * future, not before the case's last action.
 */
struct pd_act {
	enum pd_action action;
	const char *note; /* may be NULL */
	const char *data; /* may be NULL */
	size_t data_len;
	pd_date at;
	const char *reason; /* why `at` is before today; else data's "reason"; may be NULL */
};

struct pd_act_result {
	char id[PD_CASE_ID_LEN + 1];
	char number[PD_CASE_NUMBER_MAX];
	enum pd_state from, to;
	int64_t audit_seq;
	int64_t item; /* the notice, task or decision the action made or closed; 0 none */
	char receipt_number[PD_CASE_NUMBER_MAX]; /* "" until accepted */
	pd_date receipt_valid_until;
	pd_date decision_by;
	enum pd_verdict verdict; /* of the latest evaluation */
};

/* {"id", "number", "action", "from", "state", "verdict", "audit_seq",
 *  "notice"|"task"|"decision"?: n, "receipt", "receipt_valid_until",
 *  "decision_by", "allowed_actions"?: [words]}: what an action did, as the
 * command line and the HTTP API print it.  allowed NULL: no
 * "allowed_actions" member; else the bits of pd_workflow_allowed_actions(). */
int pd_act_result_write_json(enum pd_action action, const struct pd_act_result *res,
                             const unsigned *allowed, bool pretty, struct pd_buf *out);

/* Errors: -PD_ENOTFOUND no such case; -PD_EFORBIDDEN not for this actor;
 * -PD_ESTATE not from the case's state or its conditions are not met;
 * -PD_EINPUT bad data.  On any error nothing was written. */
int pd_workflow_act(const struct pd_workflow *wf, const struct pd_actor *actor, const char *case_id,
                    const struct pd_act *act, struct pd_act_result *out, struct pd_error *err);

/* May this actor see this case?  Applicants and agents see the cases they
 * filed; every other role sees every case. */
bool pd_workflow_may_read(const struct pd_actor *actor, const struct pd_store_case *c);

/* The actions this actor may take on this case now (the transition table,
 * the role and ownership rules and each action's own preconditions that can
 * be known without data), as bits 1u << enum pd_action.  Front ends show
 * these and never decide roles themselves. */
unsigned pd_workflow_allowed_actions(const struct pd_actor *actor, const struct pd_store_case *c);
/* The same for the stored case `case_id` under the deployment's settings in
 * force (pd_settings_read), as the case view shows them: what a front end
 * offers after an action. */
int pd_workflow_allowed_actions_now(struct pd_store *store, const struct pd_actor *actor,
                                    const char *case_id, unsigned *out, struct pd_error *err);

/*
 * Replaces the documents[] of a case (what the applicant brought, added or
 * corrected at the counter) without retyping the case: `documents_json` is a
 * JSON object {"documents": [...], "note"?: "..."}; the case is re-evaluated
 * and one audit entry ("documents") records the change.  Allowed while the
 * case is not decided (draft, submitted, awaiting_supplement, accepted,
 * in_review) to whoever may act on it.  Errors as pd_workflow_act();
 * out->from == out->to.
 */
int pd_workflow_set_documents(const struct pd_workflow *wf, const struct pd_actor *actor,
                              const char *case_id, const char *documents_json, size_t len,
                              pd_date at, struct pd_act_result *out, struct pd_error *err);

/* ---- what each role may do beyond a case's transitions ------------------- */

#define PD_CAP_MAP(X)                                                                              \
	X(CASE_CREATE, "case_create")       /* file a new case */                                  \
	X(CASE_READ, "case_read")           /* read and list the cases visible to it */            \
	X(CASE_DOCUMENTS, "case_documents") /* add or correct documents of a visible case */       \
	X(AUDIT_READ, "audit_read")         /* read a case's audit trail */                        \
	X(USERS, "users")                   /* create, list, disable, reset users */               \
	X(APPOINTMENTS, "appointments")     /* the day's appointments of an office */

/* clang-format off */
enum pd_cap {
#define PD_X_CAP(name, word) PD_CAP_##name,
	PD_CAP_MAP(PD_X_CAP)
#undef PD_X_CAP
	PD_CAP_COUNT
};
/* clang-format on */
const char *pd_cap_name(enum pd_cap cap);
/* Does the role hold the capability?  One table in the library decides. */
bool pd_role_can(enum pd_role role, enum pd_cap cap);

/* ---- reading cases as JSON ---------------------------------------------- */

/* {"id", "number", "state", ..., "facts", "result", "receipt", "deadlines",
 *  "notices", "tasks", "decisions", "history"}: everything about one case. */
int pd_workflow_case_json(struct pd_store *store, const char *case_id, bool pretty,
                          struct pd_buf *out, struct pd_error *err);

/* The id of the case named by `ref` (its id or its number) as `viewer` may
 * see it: -PD_ENOTFOUND when there is no such case and, alike, when the
 * viewer may not read it (case ids do not leak).  viewer NULL: no check. */
int pd_workflow_resolve(struct pd_store *store, const struct pd_actor *viewer, const char *ref,
                        char id[PD_CASE_ID_LEN + 1], struct pd_error *err);

/* pd_workflow_case_json() for a viewer: -PD_ENOTFOUND when the viewer may not
 * read it, and with "allowed_actions": [action words] for the viewer. */
int pd_workflow_case_view_json(struct pd_store *store, const struct pd_actor *viewer,
                               const char *ref, bool pretty, struct pd_buf *out,
                               struct pd_error *err);

/* {"id", "number", "entries": [...]} and {"id", "number", "notices": [...]}
 * of one case, entries as in "history" of the case view. */
int pd_workflow_audit_json(struct pd_store *store, const char *case_id, bool pretty,
                           struct pd_buf *out, struct pd_error *err);
int pd_workflow_notices_json(struct pd_store *store, const char *case_id, bool pretty,
                             struct pd_buf *out, struct pd_error *err);

/* Counts for dashboards and metrics: cases in each state, and open cases
 * whose decision date is before `as_of`. */
int pd_workflow_counts(struct pd_store *store, pd_date as_of, int64_t by_state[PD_STATE_COUNT],
                       int64_t *overdue, struct pd_error *err);

struct pd_case_query {
	const char *state;                 /* NULL: any */
	bool overdue;                      /* only cases whose decision date has passed */
	pd_date as_of;                     /* for overdue; PD_DATE_NONE: today */
	const struct pd_actor *visible_to; /* NULL: all cases */
	size_t limit;                      /* 0: no limit */
	const char *pack;                  /* NULL: any */
	const char *assignee;              /* NULL: anyone */
	const char *search;                /* NULL, or a case number, applicant name or passport
	                                      number (case-insensitive; a name matches any part) */
	const char *after;                 /* NULL, or the "next" cursor of the previous page */
};
/* {"as_of": date, "count": n, "cases": [{id, number, state, ...}, ...],
 *  "next": cursor or null}.  "next" is set when limit cut the list short. */
int pd_workflow_list_json(struct pd_store *store, const struct pd_case_query *q, bool pretty,
                          struct pd_buf *out, struct pd_error *err);

/*
 * Replays every decision of a case: evaluates the facts it was based on again,
 * as of the same date, with the workflow's assessor (today's policy), and
 * compares.  {"id", "number", "decisions": [{"n", "action", "decided_on",
 * "then": {"verdict", "pack", "version"}, "now": {...}, "same_verdict",
 * "same_result"}], "changed": n} where changed counts differing verdicts.
 * Writes nothing.
 */
int pd_workflow_replay_json(const struct pd_workflow *wf, const char *case_id, bool pretty,
                            struct pd_buf *out, struct pd_error *err);

/* ---- the public progress query -------------------------------------------- */

/*
 * {"receipt", "state", "status": {"en", "zh"}, "decision_by",
 *  "ready_for_collection", "offices": [...]}: how the application with this
 * receipt number stands, for whoever holds the receipt and the applicant's
 * passport number (003 7.2; 000 "check the progress online"), and nothing
 * else: no name, no facts, no history.  A wrong pair and an unknown receipt
 * are the same -PD_ENOTFOUND.  The offices are those of the pack that
 * decided the case (where to collect), from `pol`.
 */
int pd_workflow_progress_json(struct pd_store *store, const struct pd_policy *pol,
                              const char *receipt, const char *passport, bool pretty,
                              struct pd_buf *out, struct pd_error *err);

/* ---- sessions -------------------------------------------------------------- */

/*
 * A session is what a user gets for logging in: a token of 32 random bytes
 * (given to the client as 43 characters of unpadded base64url), of which the
 * store keeps only a hash (BLAKE2b-256).  It ends PD_SESSION_ABSOLUTE_S after login,
 * PD_SESSION_IDLE_S after its last use, when its user logs out, and when
 * the user is disabled or their password is reset.
 */
#define PD_SESSION_TOKEN_LEN 43
#define PD_SESSION_ABSOLUTE_S (12 * 3600)
#define PD_SESSION_IDLE_S (30 * 60)

struct pd_session {
	char token[PD_SESSION_TOKEN_LEN + 1]; /* only from pd_session_login */
	struct pd_actor actor;
	int64_t created_at, expires_at; /* microseconds since 1970-01-01 UTC */
};

/* Checks the password (pd_user_authenticate: an unknown user, a disabled one
 * and a wrong password are the same -PD_EAUTH and cost the same time) and
 * opens a session. */
int pd_session_login(struct pd_store *store, const char *user, const char *password,
                     size_t password_len, struct pd_session *out, struct pd_error *err);
/* The session of a token: -PD_EAUTH when unknown, expired, revoked or of a
 * disabled user.  Records its use (at most once a minute, so reads stay reads). */
int pd_session_check(struct pd_store *store, const char *token, size_t len, struct pd_session *out,
                     struct pd_error *err);
/* Ends the session of a token (logout); an unknown token is not an error. */
int pd_session_logout(struct pd_store *store, const char *token, size_t len, struct pd_error *err);
/* Logins since the process started, for metrics: opened, and refused for a
 * wrong user name or password (a disabled user's alike).  Successful logins
 * are also kept in the store, one session row each. */
void pd_session_login_counts(int64_t *ok, int64_t *refused);
/* Password verifications (argon2id) since the process started: against a
 * user's stored hash, and against the dummy hash an unknown name is checked
 * against, made with the same limits.  Every login attempt within the
 * password size limit makes exactly one, so a refusal takes as long whether
 * the name exists or not. */
void pd_user_password_checks(int64_t *users, int64_t *dummy);

/* ---- administering users ------------------------------------------------- */

/* {"users": [{"user", "role", "disabled", "created_at"}]}: admins only. */
int pd_user_list_json(struct pd_store *store, const struct pd_actor *by, bool pretty,
                      struct pd_buf *out, struct pd_error *err);
/* {"user", "role", "disabled", "created_at"} of one user (admins, or the user). */
int pd_user_json(struct pd_store *store, const struct pd_actor *by, const char *name, bool pretty,
                 struct pd_buf *out, struct pd_error *err);
/* Disables (or enables again) a user: admins only, never themselves; ends the
 * user's sessions; audited. */
int pd_user_set_disabled(struct pd_store *store, const struct pd_actor *by, const char *name,
                         bool disabled, pd_date at, struct pd_error *err);
/* Sets a new password: an admin for anyone, or a user for themselves; ends
 * the user's sessions; audited (never the password). */
int pd_user_set_password(struct pd_store *store, const struct pd_actor *by, const char *name,
                         const char *password, size_t password_len, pd_date at,
                         struct pd_error *err);

/* ---- appointments -------------------------------------------------------- */

/*
 * Counter appointments (000 "make an appointment ... then go to the
 * designated service hall").  An office of offices.yaml with hours has
 * slots on the official working days of the calendar (never on a holiday,
 * never on a weekend that is not a make-up working day, never on a day of a
 * year the calendar does not cover), from its opening to its closing, each
 * `slot_minutes` long (settings), each taking `slot_capacity` applicants.
 * An office without hours takes no appointments.
 *
 * Booking needs no login: the answer carries a booking reference, and the
 * reference with the passport number reads, moves or cancels it (a wrong
 * pair and an unknown reference answer alike, -PD_ENOTFOUND), as the public
 * progress query does.  A booking may carry a case (its id or number, whose
 * passport number must be the one given) or a pre-check's answers (a case
 * JSON, evaluated when booked), so that the officer's day view shows the
 * checklist, and the booking answers what to bring.
 */

/* Calls fn for each slot of `o` from `from` to `to` (inclusive), in order;
 * -PD_ESTATE when the office gives no hours. */
typedef int (*pd_slot_fn)(void *ctx, pd_date day, int start);
int pd_office_slots(const struct pd_office_info *o, const struct pd_calendar *cal, int minutes,
                    pd_date from, pd_date to, pd_slot_fn fn, void *ctx, struct pd_error *err);
/* Is (day, start) a slot of `o`?  0 when it is; -PD_EREQUEST naming "date"
 * or "time" and why (a holiday, a weekend, outside the hours, not on the
 * grid) when not; -PD_ESTATE when the office gives no hours. */
int pd_office_slot_check(const struct pd_office_info *o, const struct pd_calendar *cal, int minutes,
                         pd_date day, int start, struct pd_error *err);
/* Does `o` take appointments?  Only an office whose source gives its opening
 * and closing hours has slots (GET /api/v1/offices?appointments=true). */
bool pd_office_takes_appointments(const struct pd_office_info *o);
/* The office with this id in any pack, or NULL. */
const struct pd_office_info *pd_policy_office_find(const struct pd_policy *pol, const char *id);

/* {"office", "from", "to", "minutes", "capacity", "slots": [{"date", "time",
 *  "end", "free"}]}: the slots of an office with their free places. */
int pd_appointment_slots_json(struct pd_store *store, const struct pd_policy *pol,
                              const char *office, pd_date from, pd_date to, bool pretty,
                              struct pd_buf *out, struct pd_error *err);
/* Books from a JSON body {"office", "date", "time", "passport", "name"?,
 * "case"?, "answers"?}; by may be NULL (no login).  Writes the appointment
 * as pd_appointment_json() does.  A full slot is -PD_ECONFLICT; a day or
 * time that is no slot, in the past or too far ahead -PD_EREQUEST. */
int pd_appointment_book(struct pd_store *store, const struct pd_policy *pol,
                        const struct pd_actor *by, const char *body, size_t len, bool pretty,
                        struct pd_buf *out, struct pd_error *err);
/* {"reference", "office", "date", "time", "end", "minutes", "state",
 *  "applicant_name", "case", "answers", "verdict", "bring"}: one
 * appointment, found by its reference and passport number. */
int pd_appointment_json(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                        const char *passport, bool pretty, struct pd_buf *out,
                        struct pd_error *err);
/* Moves it to another slot, from a JSON body {"passport", "date", "time"}. */
int pd_appointment_move(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                        const char *body, size_t len, bool pretty, struct pd_buf *out,
                        struct pd_error *err);
/* Cancels it; its place is free again. */
int pd_appointment_cancel(struct pd_store *store, const struct pd_policy *pol, const char *ref,
                          const char *passport, bool pretty, struct pd_buf *out,
                          struct pd_error *err);
/* {"office", "date", "appointments": [{... as above, "passport_number",
 *  "checklist"}]}: the officer's day view of an office. */
int pd_appointment_day_json(struct pd_store *store, const struct pd_policy *pol, const char *office,
                            pd_date day, bool pretty, struct pd_buf *out, struct pd_error *err);
/* The same for people (`permitdesk appointments`): the office, the day, and
 * each appointment's time, reference, passport number, name, what is
 * attached, the verdict and what to bring with each status; lang "en" or
 * "zh" for one language, NULL for both. */
int pd_appointment_day_text(struct pd_store *store, const struct pd_policy *pol, const char *office,
                            pd_date day, const char *lang, struct pd_buf *out,
                            struct pd_error *err);

/* ---- settings -------------------------------------------------------------- */

/*
 * What a deployment decides, with safe defaults (settings.c holds the one
 * table of names, defaults, ranges and help).  An admin changes one with
 * pd_setting_set() (`permitdesk config set`); each change is an audit entry
 * "config_set" {"setting", "value"}, and the latest one is in force.
 */
struct pd_settings {
	bool separation_of_duties; /* "separation_of_duties": on */
	unsigned backdate_roles;   /* "backdate_roles": PD_ROLE_BIT()s; officer,supervisor */
	int backdate_days;         /* "backdate_days": 7 */
	int slot_minutes;          /* "slot_minutes": 30, the length of a counter slot */
	int slot_capacity;         /* "slot_capacity": 2, applicants a slot takes */
	int booking_days;          /* "booking_days": 30, how far ahead one may book */
};
void pd_settings_defaults(struct pd_settings *s);
/* The settings in force (inside the caller's transaction when one is open). */
int pd_settings_read(struct pd_store *store, struct pd_settings *s, struct pd_error *err);
/* Sets one: admins only (-PD_EFORBIDDEN); an unknown name or a bad value is
 * -PD_EINPUT naming the setting and what it takes; audited. */
int pd_setting_set(struct pd_store *store, const struct pd_actor *by, const char *name,
                   const char *value, struct pd_error *err);
/* {"settings": [{"setting", "value", "default", "help"}]} */
int pd_settings_json(struct pd_store *store, bool pretty, struct pd_buf *out, struct pd_error *err);
/* One line per setting: name, default, help (for `permitdesk help config`). */
void pd_settings_help(FILE *out);

/* ---- deadlines ------------------------------------------------------------ */

/* The date `days` + `paused` working days after `from`; PD_DATE_NONE when
 * days < 0 (the pack gives no time). */
pd_date pd_workflow_deadline(const struct pd_calendar *cal, pd_date from, int32_t days,
                             int32_t paused, bool *provisional);

/* ---- audit trail ---------------------------------------------------------- */

/* The hash of an entry: BLAKE2b-256 over its fields and prev_hash, as hex. */
void pd_audit_hash(const struct pd_store_audit *e, char out[PD_STORE_HASH_HEX]);

struct pd_audit_report {
	bool ok;
	int64_t entries;              /* entries read */
	int64_t head_seq;             /* the last entry's number */
	int64_t first_bad;            /* sequence number of the first bad entry; 0 when ok */
	char reason[384];             /* why it is bad */
	char column[16];              /* the column of that entry that changed, "" when not known */
	char head[PD_STORE_HASH_HEX]; /* hash of the last entry: record it elsewhere */
};
/* Walks the whole trail: sequence, chain, hashes, head, and each case's state
 * against its last entry.  A bad entry's changed column is named where the
 * trail shows it (an earlier value that gives the hash the entry carries:
 * another entry's value in that column, none, a date or time near the one
 * it shows; the next entry's prev_hash for its hash; the missing number for
 * its seq); a case's column that differs from its entries is named too.  Returns 0 when it could
 * check (report->ok says the outcome), negative when the store failed. */
int pd_audit_verify(struct pd_store *store, struct pd_audit_report *report, struct pd_error *err);
/* pd_audit_verify(), and the trail must extend the checkpoint given (the
 * JSON of pd_audit_checkpoint_json()): its signature good, made with this
 * trail's audit key, and its entry in the chain with the hash it signed. */
int pd_audit_verify_checkpoint(struct pd_store *store, const char *checkpoint_json, size_t len,
                               struct pd_audit_report *report, struct pd_error *err);
/* {"checkpoint", "head_seq", "head", "made_at", "made_at_us", "public_key",
 *  "signature"}: the chain head signed with the audit key (Ed25519), after
 * verifying the trail; a trail without a key gets one.  Keep it elsewhere. */
int pd_audit_checkpoint_json(struct pd_store *store, bool pretty, struct pd_buf *out,
                             struct pd_error *err);
/* {"ok": bool, "entries": n, "head": "...",
 *  "first_bad": {"seq": n, "reason": "...", "column": "role"|null}|null}; the column is an
 *  audit entry's or, for "case N: its X column ...", the case's */
int pd_audit_report_json(const struct pd_audit_report *r, struct pd_buf *out);

#endif
