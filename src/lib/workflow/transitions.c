/*
 * transitions.c: the names of roles, states and actions, and the one table of
 * transitions of a case (ARCHITECTURE.md, "Case workflow").
 *
 * Who may do what follows the office as the seeds describe it: applicants
 * and their agents file and supplement (003 6.3 2), counter officers accept,
 * give the one-time notice of what is missing (003 6.3 2) and hand over the
 * document (003 6.3 5); reviewers verify by telephone, interview and on-site
 * check (002 III(III)) and decide; supervisors may do what officers and
 * reviewers do and assign the work.  Admins manage users, not cases.
 *
 * Also here: what each role may do beyond the transitions of a case (one
 * table of capabilities), the one predicate "may this actor take this
 * action on this case" that pd_workflow_act() (act.c) and
 * pd_workflow_allowed_actions() both ask, and the latter itself.
 */
#include <string.h>

#include "workflow_int.h"

static const char *const role_names[PD_ROLE_COUNT] = {
#define X(name, word) [PD_ROLE_##name] = word,
    PD_ROLE_MAP(X)
#undef X
};

static const char *const state_names[PD_STATE_COUNT] = {
#define X(name, word) [PD_STATE_##name] = word,
    PD_STATE_MAP(X)
#undef X
};

static const char *const action_names[PD_ACTION_COUNT] = {
#define X(name, word) [PD_ACTION_##name] = word,
    PD_ACTION_MAP(X)
#undef X
};

const char *pd_role_name(enum pd_role r)
{
	return (unsigned)r < PD_ROLE_COUNT ? role_names[r] : "?";
}

const char *pd_state_name(enum pd_state s)
{
	return (unsigned)s < PD_STATE_COUNT ? state_names[s] : "?";
}

const char *pd_action_name(enum pd_action a)
{
	return (unsigned)a < PD_ACTION_COUNT ? action_names[a] : "?";
}

static int find_word(const char *const *names, int count, const char *word)
{
	if (!word)
		return -1;
	for (int i = 0; i < count; i++)
		if (strcmp(names[i], word) == 0)
			return i;
	return -1;
}

int pd_role_parse(const char *word, enum pd_role *out)
{
	int i = find_word(role_names, PD_ROLE_COUNT, word);
	if (i < 0)
		return -1;
	*out = (enum pd_role)i;
	return 0;
}

int pd_state_parse(const char *word, enum pd_state *out)
{
	int i = find_word(state_names, PD_STATE_COUNT, word);
	if (i < 0)
		return -1;
	*out = (enum pd_state)i;
	return 0;
}

int pd_action_parse(const char *word, enum pd_action *out)
{
	int i = find_word(action_names, PD_ACTION_COUNT, word);
	if (i < 0)
		return -1;
	*out = (enum pd_action)i;
	return 0;
}

#define R(x) PD_ROLE_BIT(PD_ROLE_##x)
#define FILERS (R(APPLICANT) | R(AGENT) | R(OFFICER))
#define COUNTER (R(OFFICER) | R(SUPERVISOR))
#define DECIDERS (R(REVIEWER) | R(SUPERVISOR))
#define S(x) PD_STATE_##x
#define A(x) PD_ACTION_##x

/* from, action, to, roles.  One row per allowed transition; anything else is refused. */
static const struct pd_transition table[] = {
    {S(DRAFT), A(SUBMIT), S(SUBMITTED), FILERS},
    {S(SUBMITTED), A(ACCEPT), S(ACCEPTED), COUNTER},
    {S(SUBMITTED), A(REQUEST_SUPPLEMENT), S(AWAITING_SUPPLEMENT), COUNTER},
    {S(ACCEPTED), A(REQUEST_SUPPLEMENT), S(AWAITING_SUPPLEMENT), COUNTER | R(REVIEWER)},
    {S(IN_REVIEW), A(REQUEST_SUPPLEMENT), S(AWAITING_SUPPLEMENT), DECIDERS},
    {S(AWAITING_SUPPLEMENT), A(RESUBMIT), PD_STATE_RETURN, FILERS},
    {S(ACCEPTED), A(ASSIGN), S(IN_REVIEW), DECIDERS},
    {S(IN_REVIEW), A(ASSIGN), S(IN_REVIEW), R(SUPERVISOR)},
    {S(IN_REVIEW), A(ADD_TASK), S(IN_REVIEW), DECIDERS},
    {S(IN_REVIEW), A(COMPLETE_TASK), S(IN_REVIEW), DECIDERS | R(OFFICER)},
    {S(IN_REVIEW), A(APPROVE), S(APPROVED), DECIDERS},
    {S(IN_REVIEW), A(REJECT), S(REJECTED), DECIDERS},
    {S(IN_REVIEW), A(REVOKE), S(REVOKED), DECIDERS},
    {S(APPROVED), A(ISSUE), S(ISSUED), COUNTER},
    {S(ISSUED), A(COLLECT), S(COLLECTED), COUNTER},
};

const struct pd_transition *pd_transitions(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pd_transition *pd_transition_find(enum pd_state from, enum pd_action action)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].from == from && table[i].action == action)
			return &table[i];
	return NULL;
}

unsigned pd_action_roles(enum pd_action action)
{
	unsigned roles = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].action == action)
			roles |= table[i].roles;
	return roles;
}

/* ---- capabilities ---- */

static const char *const cap_names[PD_CAP_COUNT] = {
#define X(name, word) [PD_CAP_##name] = word,
    PD_CAP_MAP(X)
#undef X
};

#define ALL_ROLES ((1u << PD_ROLE_COUNT) - 1)

/* capability: the roles that hold it.  Visibility of one case (applicants and
 * agents see their own) is pd_workflow_may_read()'s, not this table's. */
static const unsigned cap_roles[PD_CAP_COUNT] = {
    [PD_CAP_CASE_CREATE] = FILERS | R(SUPERVISOR),
    [PD_CAP_CASE_READ] = ALL_ROLES,
    [PD_CAP_CASE_DOCUMENTS] = FILERS | R(SUPERVISOR),
    [PD_CAP_AUDIT_READ] = COUNTER | DECIDERS | R(ADMIN),
    [PD_CAP_USERS] = R(ADMIN),
    [PD_CAP_APPOINTMENTS] = COUNTER | DECIDERS,
};

const char *pd_cap_name(enum pd_cap cap)
{
	return (unsigned)cap < PD_CAP_COUNT ? cap_names[cap] : "?";
}

bool pd_role_can(enum pd_role role, enum pd_cap cap)
{
	if ((unsigned)role >= PD_ROLE_COUNT || (unsigned)cap >= PD_CAP_COUNT)
		return false;
	return (cap_roles[cap] & PD_ROLE_BIT(role)) != 0;
}

/* ---- who may act on a case ---- */

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

int wf_may_act(const struct pd_actor *a, const struct pd_store_case *c, enum pd_state from,
               enum pd_action action, const struct pd_transition **row, struct pd_error *err)
{
	const char *role = pd_role_name(a->role);
	const char *verb = pd_action_name(action);
	const struct pd_transition *t;

	if (row)
		*row = NULL;
	if (!(pd_action_roles(action) & PD_ROLE_BIT(a->role)))
		return pd_error_set(err, PD_EFORBIDDEN, "%s %s may not %s", article(role), role,
		                    verb);
	if ((a->role == PD_ROLE_APPLICANT || a->role == PD_ROLE_AGENT) &&
	    (!c->created_by || strcmp(c->created_by, a->name) != 0))
		return pd_error_set(err, PD_EFORBIDDEN, "case %s was not filed by %s", c->number,
		                    a->name);
	t = pd_transition_find(from, action);
	if (!t)
		return pd_error_set(err, PD_ESTATE, "cannot %s case %s: it is %s", verb, c->number,
		                    pd_state_name(from));
	if (!(t->roles & PD_ROLE_BIT(a->role)))
		return pd_error_set(err, PD_EFORBIDDEN, "%s %s may not %s a case that is %s",
		                    article(role), role, verb, pd_state_name(from));
	if (a->role == PD_ROLE_REVIEWER && from == PD_STATE_IN_REVIEW && c->assignee &&
	    strcmp(c->assignee, a->name) != 0)
		return pd_error_set(err, PD_EFORBIDDEN, "case %s is assigned to %s, not %s",
		                    c->number, c->assignee, a->name);
	if (row)
		*row = t;
	return 0;
}

/*
 * Beyond wf_may_act() and the separation of duties (without an override,
 * which needs data), the preconditions that the case row alone decides:
 * resubmit needs the state to return to; a reviewer assigns only themselves,
 * so not a case already assigned to them.  Those that need other data are
 * left to pd_workflow_act(): accept (the evaluation as of the acceptance date
 * must not be incomplete), assign (the user assigned is a reviewer or
 * supervisor, not the present assignee), complete_task (an open task),
 * approve (no open task, and the evaluation neither ineligible nor
 * incomplete), revoke (a completed task that found the ground), and the data
 * of each action.
 */
/* ---- separation of duties ---- */

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int wf_separation(const struct pd_settings *s, const struct pd_actor *actor,
                  const struct pd_store_case *c, enum pd_action action, const char *override,
                  const char **overridden, struct pd_error *err)
{
	const char *did = NULL, *rule = NULL;
	if (overridden)
		*overridden = NULL;
	if (!s->separation_of_duties)
		return 0;
	switch (action) {
	case PD_ACTION_ACCEPT:
		if (same(c->created_by, actor->name)) {
			did = "filed";
			rule = "the filer may not accept";
		}
		break;
	case PD_ACTION_APPROVE:
	case PD_ACTION_REJECT:
	case PD_ACTION_REVOKE:
		if (same(c->accepted_by, actor->name)) {
			did = "accepted";
			rule = "the accepter may not decide";
		} else if (same(c->created_by, actor->name)) {
			did = "filed";
			rule = "the filer may not decide";
		}
		break;
	default:
		break;
	}
	if (!did)
		return 0;
	if (override && actor->role == PD_ROLE_SUPERVISOR) {
		if (overridden)
			*overridden = rule;
		return 0;
	}
	if (override)
		return pd_error_set(
		    err, PD_EFORBIDDEN,
		    "separation of duties: %s %s this case and may not %s it; only a "
		    "supervisor may override the rule",
		    actor->name, did, pd_action_name(action));
	return pd_error_set(err, PD_EFORBIDDEN,
	                    "separation of duties: %s %s this case and may not %s it", actor->name,
	                    did, pd_action_name(action));
}

unsigned pd_workflow_allowed_actions(const struct pd_actor *actor, const struct pd_store_case *c)
{
	struct pd_settings s;
	pd_settings_defaults(&s);
	return wf_allowed_actions(actor, c, &s);
}

unsigned wf_allowed_actions(const struct pd_actor *actor, const struct pd_store_case *c,
                            const struct pd_settings *s)
{
	enum pd_state from, back;
	unsigned allowed = 0;

	if (!actor || !c || pd_state_parse(c->state, &from) != 0)
		return 0;
	for (int i = 0; i < PD_ACTION_COUNT; i++) {
		enum pd_action a = (enum pd_action)i;
		if (wf_may_act(actor, c, from, a, NULL, NULL) != 0 ||
		    wf_separation(s, actor, c, a, NULL, NULL, NULL) != 0)
			continue;
		if (a == PD_ACTION_RESUBMIT && pd_state_parse(c->supplement_from, &back) != 0)
			continue;
		if (a == PD_ACTION_ASSIGN && actor->role == PD_ROLE_REVIEWER && c->assignee &&
		    strcmp(c->assignee, actor->name) == 0)
			continue;
		allowed |= 1u << a;
	}
	return allowed;
}
