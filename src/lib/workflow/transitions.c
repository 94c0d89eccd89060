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
 */
#include <string.h>

#include "permitdesk/workflow.h"

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
