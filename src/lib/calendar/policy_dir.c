/*
 * policy_dir.c: pd_policy_default_dir() (policy.h), the policy directory used
 * when a front end is given none: $PERMITDESK_POLICY when set and not empty,
 * else the directory compiled in as PD_DEFAULT_POLICY_DIR.
 */
#include <stdlib.h>

#include "permitdesk/policy.h"

const char *pd_policy_default_dir(void)
{
	const char *env = getenv("PERMITDESK_POLICY");
	if (env && env[0])
		return env;
	return PD_DEFAULT_POLICY_DIR;
}
