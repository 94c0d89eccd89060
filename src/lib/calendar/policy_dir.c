/*
 * policy_dir.c: where a policy directory is and where its calendar is in it
 * (policy.h).  pd_policy_default_dir(), the policy directory used when a
 * front end is given none: $PERMITDESK_POLICY when set and not empty, else
 * the directory compiled in as PD_DEFAULT_POLICY_DIR.
 * pd_policy_calendar_load(), the one place that knows the calendar is
 * calendar/cn.yaml in it: the policy loader and the calendar command both
 * call it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "permitdesk/policy.h"

const char *pd_policy_default_dir(void)
{
	const char *env = getenv("PERMITDESK_POLICY");
	if (env && env[0])
		return env;
	return PD_DEFAULT_POLICY_DIR;
}

int pd_policy_calendar_load(const char *dir, struct pd_calendar **out, struct pd_error *err)
{
	char path[4096];
	*out = NULL;
	if ((size_t)snprintf(path, sizeof(path), "%s/calendar/cn.yaml", dir) >= sizeof(path))
		return pd_error_at(err, PD_ECONFIG, dir, 0, 0, NULL,
		                   "policy directory name too long");
	return pd_calendar_load(path, out, err);
}
