/*
 * act.c: creating a case and taking an action on it (workflow.h).
 *
 * pd_workflow_act() reads the case inside a write transaction, checks the
 * actor and the transition table (transitions.c), runs the action's handler
 * from the table below, writes the case with its new state, appends one
 * audit entry and commits.  Any failure rolls the whole transaction back, so
 * a refused action leaves the store exactly as it was.
 *
 * The handlers follow the seeds: acceptance with a receipt when the materials
 * are complete, otherwise the one-time notice of what to supplement (003 6.3
 * 2); the decision within the receipt's validity (003 6.3 3); verification by
 * telephone, interview and on-site check, and revocation of the acceptance
 * when it fails, a telephone cannot be reached or the applicant misses the
 * interview (002 III(I), III(III) 1 and 3); collection in person (003 6.3 5)
 * or by post.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "permitdesk/codec.h"
#include "workflow_int.h"

#define DATA_OUT_MAX ((size_t)64 << 10)

void pd_workflow_init(struct pd_workflow *wf, struct pd_store *store, const struct pd_policy *pol)
{
	wf->store = store;
	wf->calendar = pol ? pd_policy_calendar(pol) : NULL;
	wf->assess = pd_workflow_assess_policy;
	wf->assess_ctx = (void *)pol;
	wf->reason = NULL;
}

bool pd_workflow_may_read(const struct pd_actor *actor, const struct pd_store_case *c)
{
	if (actor->role == PD_ROLE_APPLICANT || actor->role == PD_ROLE_AGENT)
		return c->created_by && strcmp(c->created_by, actor->name) == 0;
	return true;
}

/* ---- vocabularies of the data ---- */

static const char *const task_kinds[] = {"interview", "telephone", "on_site_check", NULL};
static const char *const outcomes[] = {"passed", "failed", "unreachable", "missed", NULL};
static const char *const grounds[] = {"failed_verification", "unreachable_telephone",
                                      "missed_interview", NULL};
static const char *const methods[] = {"in_person", "post", NULL};

static bool in_list(const char *const *list, const char *w)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return true;
	return false;
}

static void join(const char *const *list, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; list[i] && n < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%s", i ? ", " : "", list[i]);
		if (w > 0)
			n += (size_t)w;
	}
}

static int bad_word(struct pd_error *err, const char *member, const char *got,
                    const char *const *list)
{
	char known[160], path[40];
	join(list, known, sizeof(known));
	snprintf(path, sizeof(path), "data.%s", member);
	return pd_error_at(err, PD_EINPUT, NULL, 0, 0, path, "expected one of %s, got '%s'", known,
	                   got);
}

static int missing(struct pd_error *err, enum pd_action a, const char *member)
{
	char path[40];
	snprintf(path, sizeof(path), "data.%s", member);
	return pd_error_at(err, PD_EINPUT, NULL, 0, 0, path, "%s needs data.%s", pd_action_name(a),
	                   member);
}

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

/* ---- one action in progress ---- */

struct act_ctx {
	const struct pd_workflow *wf;
	const struct pd_actor *actor;
	const struct pd_act *act;
	struct pd_arena *arena;
	struct pd_store_case c; /* read, then changed by the handler */
	enum pd_state from, to;
	pd_date at;
	struct wf_data d;
	const char *note; /* pd_act.note, else data's "note", else NULL */
	struct pd_jw w;   /* the audit entry's data, an object the handlers add to */
	struct pd_act_result *out;
};

/* Evaluates json (the case's own when NULL) and makes it the latest result (wf_assess). */
static int assess(struct act_ctx *x, const char *name, const char *json, size_t len,
                  struct pd_assessment *as, struct pd_error *err)
{
	return wf_assess(x->wf, &x->c, name, json, len, x->at, x->arena, as, err);
}

static void key_str(struct act_ctx *x, const char *k, const char *v)
{
	pd_jw_key(&x->w, k);
	if (v)
		pd_jw_string(&x->w, v);
	else
		pd_jw_null(&x->w);
}

static void key_int(struct act_ctx *x, const char *k, long long v)
{
	pd_jw_key(&x->w, k);
	pd_jw_int(&x->w, v);
}

static void key_date(struct act_ctx *x, const char *k, pd_date d)
{
	pd_jw_key(&x->w, k);
	pd_jw_date(&x->w, d);
}

static int need_calendar(struct act_ctx *x, struct pd_error *err)
{
	if (!x->wf->calendar)
		return pd_error_set(err, PD_ECONFIG, "no working-day calendar to count deadlines");
	return 0;
}

/* ---- tasks of a case ---- */

struct task_scan {
	int64_t want; /* task number looked for, 0 none */
	struct pd_store_task found;
	bool have;
	struct pd_arena *arena;
	int64_t open; /* first open task, 0 none */
	const char *open_kind;
	const char *ground; /* revocation ground to back, NULL none */
	int64_t backing;    /* completed task that backs it, 0 none */
};

static bool backs(const char *ground, const struct pd_store_task *t)
{
	if (!t->outcome)
		return false;
	if (strcmp(ground, "failed_verification") == 0)
		return strcmp(t->outcome, "failed") == 0;
	if (strcmp(ground, "unreachable_telephone") == 0)
		return strcmp(t->kind, "telephone") == 0 && strcmp(t->outcome, "unreachable") == 0;
	if (strcmp(ground, "missed_interview") == 0)
		return strcmp(t->kind, "interview") == 0 && strcmp(t->outcome, "missed") == 0;
	return false;
}

static const char *copy(struct pd_arena *a, const char *s)
{
	return s ? pd_arena_strndup(a, s, strlen(s)) : NULL;
}

static int scan_task(void *ctx, const struct pd_store_task *t)
{
	struct task_scan *s = ctx;
	if (!t->outcome && !s->open) {
		s->open = t->n;
		s->open_kind = pd_arena_strndup(s->arena, t->kind, strlen(t->kind));
	}
	if (s->ground && !s->backing && backs(s->ground, t))
		s->backing = t->n;
	if (s->want && t->n == s->want) {
		/* The record lives only during this call (store.h): keep copies of
		 * its strings, never its pointers. */
		s->found = *t;
		s->found.case_id = NULL;
		s->found.kind = copy(s->arena, t->kind);
		s->found.outcome = copy(s->arena, t->outcome);
		s->found.created_by = copy(s->arena, t->created_by);
		s->found.completed_by = copy(s->arena, t->completed_by);
		s->found.note = copy(s->arena, t->note);
		s->have = true;
	}
	return 0;
}

static int scan_tasks(struct act_ctx *x, struct task_scan *s, struct pd_error *err)
{
	s->arena = x->arena;
	return pd_store_task_list(x->wf->store, x->c.id, scan_task, s, err);
}

/* ---- notices ---- */

struct notice_scan {
	int64_t open; /* last notice not yet answered */
};

static int scan_notice(void *ctx, const struct pd_store_notice *nt)
{
	struct notice_scan *s = ctx;
	if (nt->answered_on == PD_DATE_NONE)
		s->open = nt->n;
	return 0;
}

/* ---- the handlers, one per action ---- */

static int on_submit(struct act_ctx *x, struct pd_error *err)
{
	return 0;
}

static int on_accept(struct act_ctx *x, struct pd_error *err)
{
	struct pd_assessment as;
	int64_t seq;
	int y, m, d, rc;
	bool provisional = false;
	char name[PD_CASE_NUMBER_MAX];

	/* Acceptance is as of today: the case is evaluated as made on the acceptance date. */
	x->c.accepted_on = x->at;
	if ((rc = assess(x, "case", NULL, 0, &as, err)))
		return rc;
	if (as.verdict == PD_VERDICT_INCOMPLETE)
		return pd_error_set(err, PD_ESTATE,
		                    "materials are missing or not acceptable: give the one-time "
		                    "notice (request_supplement) instead of accepting");
	if ((as.processing_days >= 0 || as.receipt_days >= 0) && (rc = need_calendar(x, err)))
		return rc;
	pd_date_to_ymd(x->at, &y, &m, &d);
	snprintf(name, sizeof(name), "receipt:%s", as.pack);
	if ((rc = pd_store_sequence_next(x->wf->store, name, y, &seq, err)))
		return rc;
	x->c.receipt_number =
	    pd_arena_printf(x->arena, "%s-%04d-R%06lld", as.pack, y, (long long)seq);
	if (!x->c.receipt_number)
		return pd_error_set(err, PD_ENOMEM, "out of memory");
	x->c.processing_days = as.processing_days;
	x->c.receipt_days = as.receipt_days;
	x->c.paused_days = 0;
	wf_deadlines(x->wf, &x->c, &provisional);
	key_str(x, "receipt", x->c.receipt_number);
	key_date(x, "receipt_valid_until", x->c.receipt_valid_until);
	key_date(x, "decision_by", x->c.decision_by);
	key_str(x, "verdict", x->c.verdict);
	if (provisional) {
		pd_jw_key(&x->w, "provisional");
		pd_jw_bool(&x->w, true);
	}
	return 0;
}

static int on_request_supplement(struct act_ctx *x, struct pd_error *err)
{
	struct pd_assessment as;
	int64_t n;
	int rc;

	if ((rc = assess(x, "case", NULL, 0, &as, err)))
		return rc;
	struct pd_store_notice nt = {
	    .case_id = x->c.id,
	    .issued_on = x->at,
	    .issued_by = x->actor->name,
	    .materials_json = as.materials_json,
	    .note = x->note,
	    .answered_on = PD_DATE_NONE,
	};
	if ((rc = pd_store_notice_insert(x->wf->store, &nt, &n, err)))
		return rc;
	x->c.supplement_from = pd_state_name(x->from);
	x->c.supplement_since = x->at;
	x->out->item = n;
	key_int(x, "notice", n);
	key_str(x, "verdict", x->c.verdict);
	return 0;
}

static int on_resubmit(struct act_ctx *x, struct pd_error *err)
{
	struct pd_assessment as;
	struct notice_scan ns = {0};
	enum pd_state back;
	int32_t paused = 0;
	bool provisional = false;
	int rc;

	if (!x->c.supplement_from || pd_state_parse(x->c.supplement_from, &back) != 0)
		return pd_error_set(err, PD_ESTORE,
		                    "case %s: no state to return to after the "
		                    "supplement",
		                    x->c.number);
	/* Waiting after acceptance does not count toward the deadline.  The dates
	 * move first, so that the evaluation below stores them (wf_assess). */
	if (x->c.accepted_on != PD_DATE_NONE && x->c.supplement_since != PD_DATE_NONE) {
		if ((rc = need_calendar(x, err)))
			return rc;
		paused =
		    pd_calendar_count(x->wf->calendar, x->c.supplement_since, x->at, &provisional);
		x->c.paused_days += paused;
		wf_deadlines(x->wf, &x->c, &provisional);
	}
	if (x->d.case_json.json) {
		if ((rc =
		         assess(x, "data.case", x->d.case_json.json, x->d.case_json.len, &as, err)))
			return rc;
		x->c.case_json =
		    pd_arena_strndup(x->arena, x->d.case_json.json, x->d.case_json.len);
		if (!x->c.case_json)
			return pd_error_set(err, PD_ENOMEM, "out of memory");
	} else if ((rc = assess(x, "case", NULL, 0, &as, err))) {
		return rc;
	}
	if ((rc = pd_store_notice_list(x->wf->store, x->c.id, scan_notice, &ns, err)))
		return rc;
	if (ns.open) {
		struct pd_store_notice nt = {
		    .case_id = x->c.id, .n = ns.open, .answered_on = x->at};
		if ((rc = pd_store_notice_update(x->wf->store, &nt, err)))
			return rc;
		x->out->item = ns.open;
		key_int(x, "notice", ns.open);
	}
	x->to = back;
	x->c.supplement_from = NULL;
	x->c.supplement_since = PD_DATE_NONE;
	pd_jw_key(&x->w, "case_replaced");
	pd_jw_bool(&x->w, x->d.case_json.json != NULL);
	key_str(x, "verdict", x->c.verdict);
	if (x->c.accepted_on != PD_DATE_NONE) {
		key_int(x, "paused_days", paused);
		key_date(x, "decision_by", x->c.decision_by);
		key_date(x, "receipt_valid_until", x->c.receipt_valid_until);
	}
	return 0;
}

static int on_assign(struct act_ctx *x, struct pd_error *err)
{
	const char *to = x->d.to ? x->d.to : x->actor->name;
	struct pd_actor who;
	int rc;

	if (x->actor->role == PD_ROLE_REVIEWER && strcmp(to, x->actor->name) != 0)
		return pd_error_set(err, PD_EFORBIDDEN,
		                    "a reviewer may assign a case only to "
		                    "themselves");
	rc = pd_workflow_actor(x->wf->store, to, &who, err);
	if (rc == -PD_EAUTH)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.to", "no user '%s'", to);
	if (rc)
		return rc;
	if (who.role != PD_ROLE_REVIEWER && who.role != PD_ROLE_SUPERVISOR)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.to",
		                   "'%s' is %s %s, not a reviewer or supervisor", to,
		                   article(pd_role_name(who.role)), pd_role_name(who.role));
	if (x->c.assignee && strcmp(x->c.assignee, to) == 0)
		return pd_error_set(err, PD_ESTATE, "case %s is already assigned to %s",
		                    x->c.number, to);
	key_str(x, "to", to);
	key_str(x, "previous", x->c.assignee);
	x->c.assignee = pd_arena_strndup(x->arena, who.name, strlen(who.name));
	return x->c.assignee ? 0 : pd_error_set(err, PD_ENOMEM, "out of memory");
}

static int on_add_task(struct act_ctx *x, struct pd_error *err)
{
	int64_t n;
	int rc;

	if (!x->d.kind)
		return missing(err, x->act->action, "kind");
	if (!in_list(task_kinds, x->d.kind))
		return bad_word(err, "kind", x->d.kind, task_kinds);
	if (x->d.due != PD_DATE_NONE && x->d.due < x->at)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.due",
		                   "a task cannot be due before it is added");
	struct pd_store_task t = {
	    .case_id = x->c.id,
	    .kind = x->d.kind,
	    .created_on = x->at,
	    .created_by = x->actor->name,
	    .due = x->d.due,
	    .completed_on = PD_DATE_NONE,
	    .note = x->note,
	};
	if ((rc = pd_store_task_insert(x->wf->store, &t, &n, err)))
		return rc;
	x->out->item = n;
	key_int(x, "task", n);
	key_str(x, "kind", x->d.kind);
	key_date(x, "due", x->d.due);
	return 0;
}

static int on_complete_task(struct act_ctx *x, struct pd_error *err)
{
	struct task_scan s = {.want = x->d.task};
	int rc;

	if (!x->d.task)
		return missing(err, x->act->action, "task");
	if (!x->d.outcome)
		return missing(err, x->act->action, "outcome");
	if (!in_list(outcomes, x->d.outcome))
		return bad_word(err, "outcome", x->d.outcome, outcomes);
	if ((rc = scan_tasks(x, &s, err)))
		return rc;
	if (!s.have)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.task",
		                   "case %s has no task %lld", x->c.number, (long long)x->d.task);
	if (s.found.outcome)
		return pd_error_set(err, PD_ESTATE, "task %lld is already completed (%s)",
		                    (long long)x->d.task, s.found.outcome);
	if ((strcmp(x->d.outcome, "unreachable") == 0 && strcmp(s.found.kind, "telephone") != 0) ||
	    (strcmp(x->d.outcome, "missed") == 0 && strcmp(s.found.kind, "interview") != 0))
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.outcome",
		                   "'%s' is not an outcome of a task of kind %s", x->d.outcome,
		                   s.found.kind);
	struct pd_store_task t = {
	    .case_id = x->c.id,
	    .n = x->d.task,
	    .outcome = x->d.outcome,
	    .completed_on = x->at,
	    .completed_by = x->actor->name,
	    .note = x->note ? x->note : s.found.note,
	};
	if ((rc = pd_store_task_update(x->wf->store, &t, err)))
		return rc;
	x->out->item = x->d.task;
	key_int(x, "task", x->d.task);
	key_str(x, "kind", s.found.kind);
	key_str(x, "outcome", x->d.outcome);
	return 0;
}

/* approve, reject and revoke: evaluate once more and keep everything it was based on. */
static int decide(struct act_ctx *x, const char *ground, struct pd_error *err)
{
	struct pd_assessment as;
	int64_t n;
	int rc;

	if ((rc = assess(x, "case", NULL, 0, &as, err)))
		return rc;
	if (x->act->action == PD_ACTION_APPROVE &&
	    (as.verdict == PD_VERDICT_INELIGIBLE || as.verdict == PD_VERDICT_INCOMPLETE))
		return pd_error_set(err, PD_ESTATE, "cannot approve: the evaluation says %s",
		                    pd_verdict_name(as.verdict));
	struct pd_store_decision d = {
	    .case_id = x->c.id,
	    .action = pd_action_name(x->act->action),
	    .decided_on = x->at,
	    .decided_by = x->actor->name,
	    .verdict = pd_verdict_name(as.verdict),
	    .pack = as.pack,
	    .pack_version = as.version,
	    .case_json = x->c.case_json,
	    .result_json = x->c.result_json, /* with the case's deadlines (wf_assess) */
	    .ground = ground,
	    .note = x->note,
	};
	if ((rc = pd_store_decision_insert(x->wf->store, &d, &n, err)))
		return rc;
	x->c.decided_on = x->at;
	x->out->item = n;
	key_int(x, "decision", n);
	key_str(x, "verdict", d.verdict);
	key_str(x, "pack", as.pack);
	key_str(x, "pack_version", as.version);
	if (ground)
		key_str(x, "ground", ground);
	return 0;
}

static int on_approve(struct act_ctx *x, struct pd_error *err)
{
	struct task_scan s = {0};
	int rc = scan_tasks(x, &s, err);
	if (rc)
		return rc;
	if (s.open)
		return pd_error_set(err, PD_ESTATE, "task %lld (%s) is still open",
		                    (long long)s.open, s.open_kind ? s.open_kind : "?");
	return decide(x, NULL, err);
}

static int on_reject(struct act_ctx *x, struct pd_error *err)
{
	return decide(x, NULL, err);
}

static int on_revoke(struct act_ctx *x, struct pd_error *err)
{
	struct task_scan s = {.ground = x->d.ground};
	int rc;

	if (!x->d.ground)
		return missing(err, x->act->action, "ground");
	if (!in_list(grounds, x->d.ground))
		return bad_word(err, "ground", x->d.ground, grounds);
	if ((rc = scan_tasks(x, &s, err)))
		return rc;
	if (!s.backing)
		return pd_error_set(err, PD_ESTATE,
		                    "revocation on the ground %s needs a completed task that "
		                    "found it (002 III(III))",
		                    x->d.ground);
	key_int(x, "task", s.backing);
	return decide(x, x->d.ground, err);
}

static int on_issue(struct act_ctx *x, struct pd_error *err)
{
	return 0;
}

static int on_collect(struct act_ctx *x, struct pd_error *err)
{
	if (!x->d.method)
		return missing(err, x->act->action, "method");
	if (!in_list(methods, x->d.method))
		return bad_word(err, "method", x->d.method, methods);
	bool post = strcmp(x->d.method, "post") == 0;
	const char *a = x->d.address;
	if (post && (!a || !a[strspn(a, " \t\r\n")]))
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.address",
		                   "collection by post needs data.address: the postal address, "
		                   "with the recipient and a telephone number");
	if (!post && a)
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "data.address",
		                   "data.address is for collection by post only, not %s",
		                   x->d.method);
	x->c.collect_method = x->d.method;
	x->c.collect_address = post ? a : NULL;
	key_str(x, "method", x->d.method);
	if (post)
		key_str(x, "address", a);
	return 0;
}

static int (*const handlers[PD_ACTION_COUNT])(struct act_ctx *, struct pd_error *) = {
    [PD_ACTION_SUBMIT] = on_submit,
    [PD_ACTION_ACCEPT] = on_accept,
    [PD_ACTION_REQUEST_SUPPLEMENT] = on_request_supplement,
    [PD_ACTION_RESUBMIT] = on_resubmit,
    [PD_ACTION_ASSIGN] = on_assign,
    [PD_ACTION_ADD_TASK] = on_add_task,
    [PD_ACTION_COMPLETE_TASK] = on_complete_task,
    [PD_ACTION_APPROVE] = on_approve,
    [PD_ACTION_REJECT] = on_reject,
    [PD_ACTION_REVOKE] = on_revoke,
    [PD_ACTION_ISSUE] = on_issue,
    [PD_ACTION_COLLECT] = on_collect,
};

/* ---- checks shared by every action ---- */

int wf_check_at(pd_date at, pd_date last, struct pd_error *err)
{
	char d[11], prev[11], today[11];
	pd_date_format(at, d);
	pd_date_format(pd_today(), today);
	if (at > pd_today())
		return pd_error_at(
		    err, PD_EINPUT, NULL, 0, 0, "at",
		    "%s is in the future (today is %s): a change cannot be dated after "
		    "today",
		    d, today);
	if (last != PD_DATE_NONE && at < last) {
		pd_date_format(last, prev);
		return pd_error_at(err, PD_EINPUT, NULL, 0, 0, "at",
		                   "%s is before the case's last action (%s)", d, prev);
	}
	return 0;
}

int wf_check_backdate(const struct pd_settings *s, const struct pd_actor *actor, pd_date at,
                      const char *reason, int *days, struct pd_error *err)
{
	char d[11];
	int back = (int)(pd_today() - at);
	*days = 0;
	if (back <= 0)
		return 0;
	pd_date_format(at, d);
	if (!reason || !reason[0])
		return pd_error_at(
		    err, PD_EINPUT, NULL, 0, 0, "at",
		    "%s is %d day%s before today: a back-dated change needs a reason "
		    "(--reason, or data.reason)",
		    d, back, back == 1 ? "" : "s");
	if (!(s->backdate_roles & PD_ROLE_BIT(actor->role))) {
		const char *role = pd_role_name(actor->role);
		return pd_error_at(err, PD_EFORBIDDEN, NULL, 0, 0, "at",
		                   "back-dating: %s %s may not date a change before today (setting "
		                   "backdate_roles)",
		                   article(role), role);
	}
	if (back > s->backdate_days)
		return pd_error_at(
		    err, PD_EFORBIDDEN, NULL, 0, 0, "at",
		    "back-dating: %s is %d days before today, more than the %d allowed "
		    "(setting backdate_days)",
		    d, back, s->backdate_days);
	*days = back;
	return 0;
}

void wf_key_backdated(struct pd_jw *w, const char *reason, int days)
{
	if (days <= 0)
		return;
	pd_jw_key(w, "backdated");
	pd_jw_object_begin(w);
	pd_jw_key(w, "reason");
	pd_jw_string(w, reason);
	pd_jw_key(w, "days");
	pd_jw_int(w, days);
	pd_jw_object_end(w);
}

void wf_act_result(const struct pd_store_case *c, enum pd_state from, enum pd_state to,
                   struct pd_act_result *out)
{
	snprintf(out->id, sizeof(out->id), "%s", c->id);
	snprintf(out->number, sizeof(out->number), "%s", c->number);
	snprintf(out->receipt_number, sizeof(out->receipt_number), "%s",
	         c->receipt_number ? c->receipt_number : "");
	out->from = from;
	out->to = to;
	out->receipt_valid_until = c->receipt_valid_until;
	out->decision_by = c->decision_by;
	for (int v = PD_VERDICT_ELIGIBLE; v <= PD_VERDICT_INELIGIBLE; v++)
		if (strcmp(c->verdict, pd_verdict_name((enum pd_verdict)v)) == 0)
			out->verdict = (enum pd_verdict)v;
}

/* Role, ownership and table (wf_may_act), the separation of duties, then the
 * date: not in the future, not before the last action, and back-dated only
 * by whom the settings allow, with a reason.  What was set aside or
 * back-dated goes into the audit entry's data. */
static int check_actor(struct act_ctx *x, const struct pd_transition **row, struct pd_error *err)
{
	struct pd_settings s;
	const char *overridden = NULL;
	const char *reason = x->act->reason ? x->act->reason : x->d.reason;
	int days = 0;
	int rc = wf_may_act(x->actor, &x->c, x->from, x->act->action, row, err);
	if (rc || (rc = pd_settings_read(x->wf->store, &s, err)) ||
	    (rc = wf_separation(&s, x->actor, &x->c, x->act->action, x->d.override, &overridden,
	                        err)) ||
	    (rc = wf_check_at(x->at, x->c.updated_on, err)) ||
	    (rc = wf_check_backdate(&s, x->actor, x->at, reason, &days, err)))
		return rc;
	wf_key_backdated(&x->w, reason, days);
	if (overridden) {
		pd_jw_key(&x->w, "override");
		pd_jw_object_begin(&x->w);
		pd_jw_key(&x->w, "rule");
		pd_jw_string(&x->w, "separation of duties");
		pd_jw_key(&x->w, "which");
		pd_jw_string(&x->w, overridden);
		pd_jw_key(&x->w, "reason");
		pd_jw_string(&x->w, x->d.override);
		pd_jw_object_end(&x->w);
	}
	return 0;
}

static int act_once(const struct pd_workflow *wf, const struct pd_actor *actor, const char *case_id,
                    const struct pd_act *act, struct pd_act_result *out, struct pd_error *err)
{
	struct pd_arena arena;
	struct pd_buf data;
	struct act_ctx x = {.wf = wf, .actor = actor, .act = act, .arena = &arena, .out = out};
	const struct pd_transition *row = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	out->receipt_valid_until = out->decision_by = PD_DATE_NONE;
	pd_arena_init(&arena, 16384, 0);
	pd_buf_init(&data, DATA_OUT_MAX);
	if ((unsigned)act->action >= PD_ACTION_COUNT) {
		rc = pd_error_set(err, PD_EUSAGE, "unknown action");
		goto cleanup;
	}
	x.at = act->at == PD_DATE_NONE ? pd_today() : act->at;
	if ((rc = wf_check_at(x.at, PD_DATE_NONE, err)) ||
	    (rc = wf_data_parse(act->action, act->data, act->data_len, &arena, &x.d, err)))
		goto cleanup;
	x.note = act->note ? act->note : x.d.note;

	if ((rc = pd_store_begin(wf->store, PD_TXN_WRITE, err)))
		goto cleanup;
	if ((rc = pd_store_case_get(wf->store, case_id, &arena, &x.c, err)))
		goto cleanup;
	if (pd_state_parse(x.c.state, &x.from) != 0) {
		rc = pd_error_set(err, PD_ESTORE, "case %s has an unknown state '%s'", x.c.number,
		                  x.c.state);
		goto cleanup;
	}
	pd_jw_init(&x.w, &data, false);
	pd_jw_object_begin(&x.w);
	if ((rc = check_actor(&x, &row, err)) || !row) {
		if (!rc)
			rc = pd_error_set(err, PD_EINTERNAL, "no transition");
		goto cleanup;
	}
	x.to = row->to;
	if ((rc = handlers[act->action](&x, err)))
		goto cleanup;
	pd_jw_object_end(&x.w);
	if (data.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	if (x.to >= PD_STATE_COUNT) {
		rc = pd_error_set(err, PD_EINTERNAL, "no state to go to");
		goto cleanup;
	}
	x.c.state = pd_state_name(x.to);
	x.c.updated_on = x.at;
	struct wf_entry e = {
	    .case_id = x.c.id,
	    .action = pd_action_name(act->action),
	    .actor = actor,
	    .at = x.at,
	    .from_state = pd_state_name(x.from),
	    .to_state = x.c.state,
	    .note = x.note,
	    .data = strcmp(data.data, "{}") == 0 ? NULL : data.data,
	};
	if ((rc = pd_store_case_update(wf->store, &x.c, err)) ||
	    (rc = wf_audit_append(wf->store, &e, &out->audit_seq, err)) ||
	    (rc = pd_store_commit(wf->store, err)))
		goto cleanup;

	wf_act_result(&x.c, x.from, x.to, out);
cleanup:
	pd_store_rollback(wf->store);
	if (rc) {
		out->audit_seq = 0;
		out->item = 0;
	}
	pd_buf_free(&data);
	pd_arena_free(&arena);
	return rc;
}

int pd_workflow_act(const struct pd_workflow *wf, const struct pd_actor *actor, const char *case_id,
                    const struct pd_act *act, struct pd_act_result *out, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = act_once(wf, actor, case_id, act, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}

/* ---- creating a case ---- */

static int create_once(const struct pd_workflow *wf, const struct pd_actor *actor, const char *name,
                       const char *case_json, size_t len, pd_date at, const char *note,
                       struct pd_case_ref *out, struct pd_error *err)
{
	struct pd_arena arena;
	struct pd_buf data;
	struct pd_jw w;
	struct pd_assessment as;
	unsigned char raw[PD_CASE_ID_LEN / 2];
	char id[PD_CASE_ID_LEN + 1];
	int64_t seq;
	int y, m, d, rc, backdated = 0;

	memset(out, 0, sizeof(*out));
	pd_arena_init(&arena, 16384, 0);
	pd_buf_init(&data, DATA_OUT_MAX);
	if (!pd_role_can(actor->role, PD_CAP_CASE_CREATE)) {
		const char *role = pd_role_name(actor->role);
		rc = pd_error_set(err, PD_EFORBIDDEN, "%s %s may not create cases", article(role),
		                  role);
		goto cleanup;
	}
	if (at == PD_DATE_NONE)
		at = pd_today();
	if ((rc = wf_check_at(at, PD_DATE_NONE, err)) || (rc = wf_sodium(err)))
		goto cleanup;
	if (at < pd_today()) {
		struct pd_settings s;
		if ((rc = pd_settings_read(wf->store, &s, err)) ||
		    (rc = wf_check_backdate(&s, actor, at, wf->reason, &backdated, err)))
			goto cleanup;
	}
	if (!case_json || memchr(case_json, '\0', len)) {
		rc = pd_error_at(err, PD_EINPUT, name, 0, 0, NULL, "not a JSON text");
		goto cleanup;
	}
	if ((rc = wf->assess(wf->assess_ctx, name, case_json, len, at, PD_DATE_NONE, &arena, &as,
	                     err)))
		goto cleanup;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, sizeof(id), raw, sizeof(raw));
	pd_date_to_ymd(at, &y, &m, &d);

	if ((rc = pd_store_begin(wf->store, PD_TXN_WRITE, err)) ||
	    (rc = pd_store_sequence_next(wf->store, as.pack, y, &seq, err)))
		goto cleanup;
	snprintf(out->number, sizeof(out->number), "%s-%04d-%06lld", as.pack, y, (long long)seq);
	struct pd_store_case c = {
	    .id = id,
	    .number = out->number,
	    .pack = as.pack,
	    .pack_version = as.version,
	    .state = pd_state_name(PD_STATE_DRAFT),
	    .created_by = actor->name,
	    .created_on = at,
	    .updated_on = at,
	    .case_json = pd_arena_strndup(&arena, case_json, len),
	    .result_json = as.result_json,
	    .verdict = pd_verdict_name(as.verdict),
	    .accepted_on = PD_DATE_NONE,
	    .receipt_valid_until = PD_DATE_NONE,
	    .decision_by = PD_DATE_NONE,
	    .processing_days = -1,
	    .receipt_days = -1,
	    .supplement_since = PD_DATE_NONE,
	    .decided_on = PD_DATE_NONE,
	    .revision = 1,
	};
	if (!c.case_json) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	pd_jw_init(&w, &data, false);
	pd_jw_object_begin(&w);
	pd_jw_key(&w, "number");
	pd_jw_string(&w, out->number);
	pd_jw_key(&w, "verdict");
	pd_jw_string(&w, c.verdict);
	pd_jw_key(&w, "pack");
	pd_jw_string(&w, c.pack);
	pd_jw_key(&w, "pack_version");
	pd_jw_string(&w, c.pack_version);
	wf_key_backdated(&w, wf->reason, backdated);
	pd_jw_object_end(&w);
	if (data.failed) {
		rc = pd_error_set(err, PD_ENOMEM, "out of memory");
		goto cleanup;
	}
	struct wf_entry e = {
	    .case_id = id,
	    .action = "create",
	    .actor = actor,
	    .at = at,
	    .to_state = c.state,
	    .note = note,
	    .data = data.data,
	};
	if ((rc = pd_store_case_insert(wf->store, &c, err)) ||
	    (rc = wf_audit_append(wf->store, &e, &out->audit_seq, err)) ||
	    (rc = pd_store_commit(wf->store, err)))
		goto cleanup;
	memcpy(out->id, id, sizeof(out->id));
	out->state = PD_STATE_DRAFT;
cleanup:
	pd_store_rollback(wf->store);
	if (rc)
		memset(out, 0, sizeof(*out));
	pd_buf_free(&data);
	pd_arena_free(&arena);
	return rc;
}

int pd_workflow_create(const struct pd_workflow *wf, const struct pd_actor *actor, const char *name,
                       const char *case_json, size_t len, pd_date at, const char *note,
                       struct pd_case_ref *out, struct pd_error *err)
{
	int rc, attempt = 0;
	do
		rc = create_once(wf, actor, name, case_json, len, at, note, out, err);
	while (wf_txn_again(rc, &attempt, err));
	return rc;
}
