/*
 * policy_dir.c: where a policy directory is and where its calendar is in it
 * (policy.h).  pd_policy_default_dir(), the policy directory used when a
 * front end is given none: $PERMITDESK_POLICY when set and not empty; else,
 * for an installed program, the packs installed beside it (the executable's
 * directory joined with PD_INSTALL_POLICY_RELDIR, "../share/permitdesk/policy"
 * for the usual layout, when it holds calendar/cn.yaml), so that an install
 * under any prefix finds its own packs; else the directory compiled in as
 * PD_DEFAULT_POLICY_DIR, the source tree's policy/ for a program run from
 * its build tree (docs/operations.md, "Installing").
 * pd_policy_calendar_load(), the one place that knows the calendar is
 * calendar/cn.yaml in it: the policy loader and the calendar command both
 * call it.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "permitdesk/policy.h"

#ifndef PD_INSTALL_POLICY_RELDIR
#define PD_INSTALL_POLICY_RELDIR "../share/permitdesk/policy"
#endif

static char installed_dir[PATH_MAX];
static pthread_once_t installed_once = PTHREAD_ONCE_INIT;

/* installed_dir: the packs installed beside this executable, or "" (Linux's
 * /proc/self/exe names the executable; elsewhere there is none to find). */
static void find_installed(void)
{
	char exe[PATH_MAX], calendar[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return;
	*slash = '\0';
	if ((size_t)snprintf(installed_dir, sizeof(installed_dir), "%s/%s", exe,
	                     PD_INSTALL_POLICY_RELDIR) >= sizeof(installed_dir) ||
	    (size_t)snprintf(calendar, sizeof(calendar), "%s/calendar/cn.yaml", installed_dir) >=
	        sizeof(calendar) ||
	    access(calendar, R_OK) != 0)
		installed_dir[0] = '\0';
}

const char *pd_policy_default_dir(void)
{
	const char *env = getenv("PERMITDESK_POLICY");
	if (env && env[0])
		return env;
	pthread_once(&installed_once, find_installed);
	return installed_dir[0] ? installed_dir : PD_DEFAULT_POLICY_DIR;
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
