/*
 * view.c: cases as JSON for the front ends: everything about one case (its
 * facts, latest result, receipt, deadlines, notices, tasks, decisions and
 * history) and lists of cases, overdue ones among them.
 *
 * Stored JSON (the case as given, results, notices' materials, the audit
 * entries' data) was valid when it was stored and is copied as it is.  Every
 * read of one case happens in one read transaction, so the parts agree.
 */
#include <stdio.h>
#include <string.h>

#include "codec/json_read.h"
#include "permitdesk/codec.h"
#include "workflow_int.h"

#define VIEW_MAX_BYTES ((size_t)64 << 20)

/* Writes stored JSON text without the white space around it. */
static void raw_trimmed(struct pd_jw *w, struct pd_arena *a, const char *json)
{
	if (!json) {
		pd_jw_null(w);
		return;
	}
	size_t b = 0, e = strlen(json);
	while (b < e && strchr(" \t\r\n", json[b]))
		b++;
	while (e > b && strchr(" \t\r\n", json[e - 1]))
		e--;
	const char *t = pd_arena_strndup(a, json + b, e - b);
	if (t && e > b)
		pd_jw_raw(w, t);
	else
		pd_jw_null(w);
}

void wf_key_str(struct pd_jw *w, const char *k, const char *v)
{
	pd_jw_key(w, k);
	if (v)
		pd_jw_string(w, v);
	else
		pd_jw_null(w);
}

static void key_date(struct pd_jw *w, const char *k, pd_date d)
{
	pd_jw_key(w, k);
	pd_jw_date(w, d);
}

static void key_int(struct pd_jw *w, const char *k, long long v)
{
	pd_jw_key(w, k);
	pd_jw_int(w, v);
}

/* An instant as "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
void wf_key_instant(struct pd_jw *w, const char *k, int64_t us)
{
	int64_t secs = us >= 0 ? us / 1000000 : (us - 999999) / 1000000;
	int64_t frac = us - secs * 1000000;
	int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	int64_t sod = secs - days * 86400;
	char date[11], buf[40];
	pd_date_format((pd_date)days, date);
	snprintf(buf, sizeof(buf), "%sT%02d:%02d:%02d.%06dZ", date, (int)(sod / 3600),
	         (int)(sod / 60 % 60), (int)(sod % 60), (int)frac);
	wf_key_str(w, k, buf);
}

struct view {
	struct pd_jw *w;
	struct pd_arena *a;
};

static int write_notice(void *ctx, const struct pd_store_notice *nt)
{
	struct view *v = ctx;
	pd_jw_object_begin(v->w);
	key_int(v->w, "n", nt->n);
	key_date(v->w, "issued_on", nt->issued_on);
	wf_key_str(v->w, "issued_by", nt->issued_by);
	wf_key_str(v->w, "note", nt->note);
	key_date(v->w, "answered_on", nt->answered_on);
	pd_jw_key(v->w, "materials");
	raw_trimmed(v->w, v->a, nt->materials_json);
	pd_jw_object_end(v->w);
	return 0;
}

static int write_task(void *ctx, const struct pd_store_task *t)
{
	struct view *v = ctx;
	pd_jw_object_begin(v->w);
	key_int(v->w, "n", t->n);
	wf_key_str(v->w, "kind", t->kind);
	key_date(v->w, "created_on", t->created_on);
	wf_key_str(v->w, "created_by", t->created_by);
	key_date(v->w, "due", t->due);
	wf_key_str(v->w, "outcome", t->outcome);
	key_date(v->w, "completed_on", t->completed_on);
	wf_key_str(v->w, "completed_by", t->completed_by);
	wf_key_str(v->w, "note", t->note);
	pd_jw_object_end(v->w);
	return 0;
}

static int write_decision(void *ctx, const struct pd_store_decision *d)
{
	struct view *v = ctx;
	pd_jw_object_begin(v->w);
	key_int(v->w, "n", d->n);
	wf_key_str(v->w, "action", d->action);
	key_date(v->w, "decided_on", d->decided_on);
	wf_key_str(v->w, "decided_by", d->decided_by);
	wf_key_str(v->w, "verdict", d->verdict);
	wf_key_str(v->w, "ground", d->ground);
	wf_key_str(v->w, "note", d->note);
	pd_jw_key(v->w, "policy");
	pd_jw_object_begin(v->w);
	wf_key_str(v->w, "pack", d->pack);
	wf_key_str(v->w, "version", d->pack_version);
	pd_jw_object_end(v->w);
	pd_jw_key(v->w, "facts");
	raw_trimmed(v->w, v->a, d->case_json);
	pd_jw_key(v->w, "result");
	raw_trimmed(v->w, v->a, d->result_json);
	pd_jw_object_end(v->w);
	return 0;
}

static int write_entry(void *ctx, const struct pd_store_audit *e)
{
	struct view *v = ctx;
	pd_jw_object_begin(v->w);
	key_int(v->w, "seq", e->seq);
	wf_key_str(v->w, "action", e->action);
	wf_key_str(v->w, "actor", e->actor);
	wf_key_str(v->w, "role", e->role);
	key_date(v->w, "at", e->at);
	wf_key_instant(v->w, "recorded_at", e->recorded_at);
	wf_key_str(v->w, "from", e->from_state);
	wf_key_str(v->w, "to", e->to_state);
	wf_key_str(v->w, "note", e->note);
	pd_jw_key(v->w, "data");
	raw_trimmed(v->w, v->a, e->data);
	pd_jw_object_end(v->w);
	return 0;
}

/* Is ref a case id (32 lowercase hex digits)?  Numbers have dashes. */
static bool is_id(const char *ref)
{
	size_t n = strlen(ref);
	if (n != PD_CASE_ID_LEN)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", ref[i]))
			return false;
	return true;
}

static int copy_id(void *ctx, const struct pd_store_case *c)
{
	snprintf(ctx, PD_CASE_ID_LEN + 1, "%s", c->id);
	return 0;
}

/* Reads the case named by ref (id or number) as viewer may see it (NULL: no
 * check), inside the caller's transaction.  Missing and not visible are the
 * same -PD_ENOTFOUND. */
static int find_case(struct pd_store *store, const struct pd_actor *viewer, const char *ref,
                     struct pd_arena *a, struct pd_store_case *c, struct pd_error *err)
{
	char id[PD_CASE_ID_LEN + 1] = "";
	int rc;

	if (!ref || !ref[0] || strlen(ref) >= PD_CASE_NUMBER_MAX)
		return pd_error_set(err, PD_ENOTFOUND, "no case '%s'", ref ? ref : "");
	if (is_id(ref)) {
		snprintf(id, sizeof(id), "%s", ref);
	} else {
		struct pd_store_case_filter f = {
		    .due_before = PD_DATE_NONE, .number = ref, .limit = 1};
		if ((rc = pd_store_case_list(store, &f, copy_id, id, err)))
			return rc;
	}
	rc = id[0] ? pd_store_case_get(store, id, a, c, err) : -PD_ENOTFOUND;
	if (rc == -PD_ENOTFOUND || (rc == 0 && viewer && !pd_workflow_may_read(viewer, c)))
		return pd_error_set(err, PD_ENOTFOUND, "no case '%s'", ref);
	return rc;
}

int pd_workflow_resolve(struct pd_store *store, const struct pd_actor *viewer, const char *ref,
                        char id[PD_CASE_ID_LEN + 1], struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_case c;
	bool own = !pd_store_in_txn(store);
	int rc;

	id[0] = '\0';
	pd_arena_init(&a, 16384, 0);
	if ((own && (rc = pd_store_begin(store, PD_TXN_READ, err))) ||
	    (rc = find_case(store, viewer, ref, &a, &c, err)))
		goto cleanup;
	snprintf(id, PD_CASE_ID_LEN + 1, "%s", c.id);
cleanup:
	if (own)
		pd_store_rollback(store);
	pd_arena_free(&a);
	return rc;
}

int pd_workflow_allowed_actions_now(struct pd_store *store, const struct pd_actor *actor,
                                    const char *case_id, unsigned *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_case c;
	struct pd_settings s;
	int rc;

	*out = 0;
	pd_arena_init(&a, 16384, 0);
	if ((rc = pd_settings_read(store, &s, err)) == 0 &&
	    (rc = pd_store_case_get(store, case_id, &a, &c, err)) == 0)
		*out = wf_allowed_actions(actor, &c, &s);
	pd_arena_free(&a);
	return rc;
}

static void write_allowed(struct pd_jw *w, const struct pd_actor *viewer,
                          const struct pd_store_case *c, const struct pd_settings *s)
{
	unsigned allowed = wf_allowed_actions(viewer, c, s);
	pd_jw_key(w, "allowed_actions");
	pd_jw_array_begin(w);
	for (int i = 0; i < PD_ACTION_COUNT; i++)
		if (allowed & (1u << i))
			pd_jw_string(w, pd_action_name((enum pd_action)i));
	pd_jw_array_end(w);
	/* What the viewer's role could do from this state but a rule of the
	 * deployment withholds (the separation of duties), with the rule's own
	 * words, so a front end shows it disabled with its reason. */
	enum pd_state from;
	pd_jw_key(w, "withheld_actions");
	pd_jw_array_begin(w);
	for (int i = 0; viewer && pd_state_parse(c->state, &from) == 0 && i < PD_ACTION_COUNT;
	     i++) {
		enum pd_action a = (enum pd_action)i;
		struct pd_error why;
		pd_error_clear(&why);
		if (allowed & (1u << i) || wf_may_act(viewer, c, from, a, NULL, NULL) != 0 ||
		    wf_separation(s, viewer, c, a, NULL, NULL, &why) == 0)
			continue;
		pd_jw_object_begin(w);
		pd_jw_key(w, "action");
		pd_jw_string(w, pd_action_name(a));
		pd_jw_key(w, "reason");
		pd_jw_string(w, why.message);
		pd_jw_object_end(w);
	}
	pd_jw_array_end(w);
}

/* The reason of a back-dated acceptance: "backdated": {"reason"} in the data
 * of the case's "accept" entry, which counts the deadlines. */
struct accept_scan {
	struct pd_arena *a;
	const char *reason;
};

static int scan_accept(void *ctx, const struct pd_store_audit *e)
{
	struct accept_scan *s = ctx;
	const struct pd_json_node *root = NULL;
	if (strcmp(e->action, "accept") != 0 || !e->data ||
	    pd_json_parse(e->data, strlen(e->data), "data", s->a, &root, NULL) != 0)
		return 0;
	const char *reason = pd_json_member_str(pd_json_member(root, "backdated"), "reason");
	if (reason)
		s->reason = reason;
	return 0;
}

/* Everything about one case; with "allowed_actions" when viewer is given. */
static int case_json(struct pd_store *store, const struct pd_actor *viewer, const char *ref,
                     bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_case c;
	struct pd_jw w;
	struct view v = {&w, &a};
	int rc;

	pd_arena_init(&a, 16384, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		goto cleanup;
	if (viewer)
		rc = find_case(store, viewer, ref, &a, &c, err);
	else
		rc = pd_store_case_get(store, ref, &a, &c, err);
	if (rc)
		goto cleanup;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	wf_key_str(&w, "id", c.id);
	wf_key_str(&w, "number", c.number);
	wf_key_str(&w, "state", c.state);
	wf_key_str(&w, "verdict", c.verdict);
	if (viewer) {
		struct pd_settings settings;
		if ((rc = pd_settings_read(store, &settings, err)))
			goto cleanup;
		write_allowed(&w, viewer, &c, &settings);
	}
	pd_jw_key(&w, "policy");
	pd_jw_object_begin(&w);
	wf_key_str(&w, "pack", c.pack);
	wf_key_str(&w, "version", c.pack_version);
	pd_jw_object_end(&w);
	wf_key_str(&w, "created_by", c.created_by);
	key_date(&w, "created_on", c.created_on);
	key_date(&w, "updated_on", c.updated_on);
	wf_key_str(&w, "assignee", c.assignee);
	pd_jw_key(&w, "receipt");
	if (c.receipt_number) {
		pd_jw_object_begin(&w);
		wf_key_str(&w, "number", c.receipt_number);
		key_date(&w, "accepted_on", c.accepted_on);
		key_date(&w, "valid_until", c.receipt_valid_until);
		pd_jw_object_end(&w);
	} else {
		pd_jw_null(&w);
	}
	pd_jw_key(&w, "deadlines");
	pd_jw_object_begin(&w);
	key_date(&w, "decision_by", c.decision_by);
	key_date(&w, "receipt_valid_until", c.receipt_valid_until);
	pd_jw_key(&w, "processing_days");
	if (c.processing_days >= 0)
		pd_jw_int(&w, c.processing_days);
	else
		pd_jw_null(&w);
	pd_jw_key(&w, "receipt_days");
	if (c.receipt_days >= 0)
		pd_jw_int(&w, c.receipt_days);
	else
		pd_jw_null(&w);
	key_int(&w, "paused_days", c.paused_days);
	if (c.accepted_on != PD_DATE_NONE) {
		struct accept_scan acc = {.a = &a};
		char on[11];
		if ((rc = pd_store_audit_list(store, c.id, scan_accept, &acc, err)))
			goto cleanup;
		pd_date_format(c.accepted_on, on);
		key_date(&w, "counted_from", c.accepted_on);
		pd_jw_key(&w, "counted_from_text");
		pd_jw_string(&w, acc.reason ? pd_arena_printf(&a,
		                                              "counted from %s (back-dated, "
		                                              "reason: %s)",
		                                              on, acc.reason)
		                            : pd_arena_printf(&a, "counted from %s", on));
	}
	pd_jw_object_end(&w);
	pd_jw_key(&w, "supplement");
	if (c.supplement_from) {
		pd_jw_object_begin(&w);
		wf_key_str(&w, "requested_in", c.supplement_from);
		key_date(&w, "since", c.supplement_since);
		pd_jw_object_end(&w);
	} else {
		pd_jw_null(&w);
	}
	key_date(&w, "decided_on", c.decided_on);
	wf_key_str(&w, "collect_method", c.collect_method);
	wf_key_str(&w, "collect_address", c.collect_address);
	pd_jw_key(&w, "facts");
	raw_trimmed(&w, &a, c.case_json);
	pd_jw_key(&w, "result");
	raw_trimmed(&w, &a, c.result_json);

	pd_jw_key(&w, "notices");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_notice_list(store, c.id, write_notice, &v, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_key(&w, "tasks");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_task_list(store, c.id, write_task, &v, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_key(&w, "decisions");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_decision_list(store, c.id, write_decision, &v, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_key(&w, "history");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_audit_list(store, c.id, write_entry, &v, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing case %s", c.number);
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&a);
	return rc;
}

int pd_workflow_case_json(struct pd_store *store, const char *case_id, bool pretty,
                          struct pd_buf *out, struct pd_error *err)
{
	return case_json(store, NULL, case_id, pretty, out, err);
}

int pd_workflow_case_view_json(struct pd_store *store, const struct pd_actor *viewer,
                               const char *ref, bool pretty, struct pd_buf *out,
                               struct pd_error *err)
{
	if (!viewer)
		return pd_error_set(err, PD_EINTERNAL, "a case view needs a viewer");
	return case_json(store, viewer, ref, pretty, out, err);
}

/* {"id", "number", key: [...]} of one case, the array from `list`. */
static int case_part_json(struct pd_store *store, const char *case_id, const char *key,
                          bool notices, bool pretty, struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_case c;
	struct pd_jw w;
	struct view v = {&w, &a};
	int rc;

	pd_arena_init(&a, 16384, 0);
	if ((rc = pd_store_begin(store, PD_TXN_READ, err)) ||
	    (rc = pd_store_case_get(store, case_id, &a, &c, err)))
		goto cleanup;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	wf_key_str(&w, "id", c.id);
	wf_key_str(&w, "number", c.number);
	pd_jw_key(&w, key);
	pd_jw_array_begin(&w);
	rc = notices ? pd_store_notice_list(store, c.id, write_notice, &v, err)
	             : pd_store_audit_list(store, c.id, write_entry, &v, err);
	if (rc)
		goto cleanup;
	pd_jw_array_end(&w);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing case %s", c.number);
cleanup:
	pd_store_rollback(store);
	pd_arena_free(&a);
	return rc;
}

int pd_workflow_audit_json(struct pd_store *store, const char *case_id, bool pretty,
                           struct pd_buf *out, struct pd_error *err)
{
	return case_part_json(store, case_id, "entries", false, pretty, out, err);
}

int pd_workflow_notices_json(struct pd_store *store, const char *case_id, bool pretty,
                             struct pd_buf *out, struct pd_error *err)
{
	return case_part_json(store, case_id, "notices", true, pretty, out, err);
}

/* ---- lists ---- */

static const char *const running[] = {"accepted", "in_review"}; /* the deadline runs */

static bool is_overdue(const struct pd_store_case *c, pd_date as_of)
{
	if (c->decision_by == PD_DATE_NONE || c->decision_by >= as_of)
		return false;
	return strcmp(c->state, running[0]) == 0 || strcmp(c->state, running[1]) == 0;
}

int pd_workflow_counts(struct pd_store *store, pd_date as_of, int64_t by_state[PD_STATE_COUNT],
                       int64_t *overdue, struct pd_error *err)
{
	const char *state;
	struct pd_store_case_filter f = {
	    .states = &state, .n_states = 1, .due_before = PD_DATE_NONE};
	int rc;

	if ((rc = pd_store_begin(store, PD_TXN_READ, err)))
		return rc;
	for (int i = 0; i < PD_STATE_COUNT; i++) {
		state = pd_state_name((enum pd_state)i);
		if ((rc = pd_store_case_count(store, &f, &by_state[i], err)))
			goto cleanup;
	}
	f.states = running;
	f.n_states = 2;
	f.due_before = as_of == PD_DATE_NONE ? pd_today() : as_of;
	rc = pd_store_case_count(store, &f, overdue, err);
cleanup:
	pd_store_rollback(store);
	return rc;
}

struct list {
	struct pd_jw *w;
	pd_date as_of;
	long long count;
	size_t limit; /* 0: none */
	int64_t last; /* seq of the last case written */
	bool more;    /* a case beyond the limit exists */
};

static int write_row(void *ctx, const struct pd_store_case *c)
{
	struct list *l = ctx;
	struct pd_jw *w = l->w;
	if (l->limit && (size_t)l->count == l->limit) {
		l->more = true;
		return 0;
	}
	pd_jw_object_begin(w);
	wf_key_str(w, "id", c->id);
	wf_key_str(w, "number", c->number);
	wf_key_str(w, "state", c->state);
	wf_key_str(w, "verdict", c->verdict);
	wf_key_str(w, "pack", c->pack);
	wf_key_str(w, "applicant_name", c->applicant_name);
	wf_key_str(w, "created_by", c->created_by);
	key_date(w, "created_on", c->created_on);
	key_date(w, "updated_on", c->updated_on);
	wf_key_str(w, "assignee", c->assignee);
	wf_key_str(w, "receipt", c->receipt_number);
	key_date(w, "receipt_valid_until", c->receipt_valid_until);
	key_date(w, "decision_by", c->decision_by);
	pd_jw_key(w, "overdue");
	pd_jw_bool(w, is_overdue(c, l->as_of));
	pd_jw_object_end(w);
	l->count++;
	l->last = c->seq;
	return 0;
}

/* A cursor is the creation sequence number of the last case of a page, in
 * decimal; clients are told it is opaque. */
static int parse_cursor(const char *s, int64_t *out, struct pd_error *err)
{
	int64_t v = 0;
	size_t n = strlen(s);
	if (n == 0 || n > 18)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			goto bad;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
bad:
	return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "after",
	                   "'%s' is not a cursor of a list of cases (give \"next\" as it came)", s);
}

int pd_workflow_list_json(struct pd_store *store, const struct pd_case_query *q, bool pretty,
                          struct pd_buf *out, struct pd_error *err)
{
	struct pd_store_case_filter f = {
	    .due_before = PD_DATE_NONE,
	    .limit = q->limit ? q->limit + 1 : 0, /* one more tells whether there is a next page */
	    .pack = q->pack,
	    .assignee = q->assignee,
	    .search = q->search && q->search[0] ? q->search : NULL,
	};
	const char *states[2];
	enum pd_state st;
	struct pd_jw w;
	struct list l = {
	    .w = &w, .as_of = q->as_of == PD_DATE_NONE ? pd_today() : q->as_of, .limit = q->limit};
	bool empty = false;
	int rc;

	if (q->state && pd_state_parse(q->state, &st) != 0) {
		char known[256];
		size_t n = 0;
		known[0] = '\0';
		for (int i = 0; i < PD_STATE_COUNT; i++) {
			int k = snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
			                 pd_state_name((enum pd_state)i));
			if (k > 0 && (size_t)k < sizeof(known) - n)
				n += (size_t)k;
		}
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "state",
		                   "unknown state '%s'; known: %s", q->state, known);
	}
	if (q->after && (rc = parse_cursor(q->after, &f.after, err)))
		return rc;
	if (q->overdue) {
		f.due_before = l.as_of;
		if (q->state) {
			empty =
			    strcmp(q->state, running[0]) != 0 && strcmp(q->state, running[1]) != 0;
			states[0] = q->state;
			f.n_states = 1;
		} else {
			states[0] = running[0];
			states[1] = running[1];
			f.n_states = 2;
		}
		f.states = states;
	} else if (q->state) {
		states[0] = q->state;
		f.states = states;
		f.n_states = 1;
	}
	if (q->visible_to &&
	    (q->visible_to->role == PD_ROLE_APPLICANT || q->visible_to->role == PD_ROLE_AGENT))
		f.created_by = q->visible_to->name;

	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	key_date(&w, "as_of", l.as_of);
	pd_jw_key(&w, "cases");
	pd_jw_array_begin(&w);
	if (!empty && (rc = pd_store_case_list(store, &f, write_row, &l, err)))
		return rc;
	pd_jw_array_end(&w);
	key_int(&w, "count", l.count);
	pd_jw_key(&w, "next");
	if (l.more) {
		char cursor[24];
		snprintf(cursor, sizeof(cursor), "%lld", (long long)l.last);
		pd_jw_string(&w, cursor);
	} else {
		pd_jw_null(&w);
	}
	pd_jw_object_end(&w);
	if (out->failed)
		return pd_error_set(err, PD_ENOMEM, "out of memory writing the list");
	return 0;
}

/* ---- replaying decisions ---- */

struct replay {
	const struct pd_workflow *wf;
	const struct pd_store_case *c;
	struct pd_jw *w;
	struct pd_arena *a;
	struct pd_error *err;
	long long changed;
};

static void write_policy(struct pd_jw *w, const char *verdict, const char *pack,
                         const char *version)
{
	pd_jw_object_begin(w);
	wf_key_str(w, "verdict", verdict);
	wf_key_str(w, "pack", pack);
	wf_key_str(w, "version", version);
	pd_jw_object_end(w);
}

static int replay_decision(void *ctx, const struct pd_store_decision *d)
{
	struct replay *r = ctx;
	struct pd_assessment as;
	struct pd_store_case c = *r->c;
	/* as the decision saw it: the facts as of the acceptance date, the result
	 * with the case's deadlines (wf_assess), as the decision stored it */
	int rc = wf_assess(r->wf, &c, "case", d->case_json, strlen(d->case_json), d->decided_on,
	                   r->a, &as, r->err);
	if (rc)
		return rc;
	const char *now = pd_verdict_name(as.verdict);
	bool same = strcmp(now, d->verdict) == 0;
	r->changed += !same;
	pd_jw_object_begin(r->w);
	key_int(r->w, "n", d->n);
	wf_key_str(r->w, "action", d->action);
	key_date(r->w, "decided_on", d->decided_on);
	pd_jw_key(r->w, "then");
	write_policy(r->w, d->verdict, d->pack, d->pack_version);
	pd_jw_key(r->w, "now");
	write_policy(r->w, now, as.pack, as.version);
	pd_jw_key(r->w, "same_verdict");
	pd_jw_bool(r->w, same);
	pd_jw_key(r->w, "same_result");
	pd_jw_bool(r->w, strcmp(c.result_json, d->result_json) == 0);
	pd_jw_object_end(r->w);
	return 0;
}

int pd_workflow_replay_json(const struct pd_workflow *wf, const char *case_id, bool pretty,
                            struct pd_buf *out, struct pd_error *err)
{
	struct pd_arena a;
	struct pd_store_case c;
	struct pd_jw w;
	struct replay r = {.wf = wf, .c = &c, .w = &w, .a = &a, .err = err};
	int rc;

	pd_arena_init(&a, 1 << 16, 0);
	if ((rc = pd_store_begin(wf->store, PD_TXN_READ, err)) ||
	    (rc = pd_store_case_get(wf->store, case_id, &a, &c, err)))
		goto cleanup;
	pd_jw_init(&w, out, pretty);
	pd_jw_object_begin(&w);
	wf_key_str(&w, "id", c.id);
	wf_key_str(&w, "number", c.number);
	pd_jw_key(&w, "decisions");
	pd_jw_array_begin(&w);
	if ((rc = pd_store_decision_list(wf->store, c.id, replay_decision, &r, err)))
		goto cleanup;
	pd_jw_array_end(&w);
	key_int(&w, "changed", r.changed);
	pd_jw_object_end(&w);
	if (out->failed)
		rc = pd_error_set(err, PD_ENOMEM, "out of memory writing case %s", c.number);
cleanup:
	pd_store_rollback(wf->store);
	pd_arena_free(&a);
	return rc;
}
